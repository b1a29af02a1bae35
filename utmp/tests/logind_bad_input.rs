//! The logind rows of docs/robustness.md: every odd thing a sessions folder
//! can hold, and what `utmp::logind` makes of it. Expected values are worked
//! out by hand from systemd 252's rules (`logind_oracle` checks the same
//! rules against sd-login itself).

mod common;

use std::fs;
use std::io;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use utmp::logind::{read_session, Session, Sessions, MAX_FILE_SIZE};
use utmp::{current_sessions_in, CurrentSessions, EntryType, Error, Source};

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("utmp-logind-bad-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }

    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        fs::write(&p, contents).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Every item of the folder: (id or file name, session or error).
fn items(dir: &Path) -> Vec<(String, Result<Session, Error>)> {
    Sessions::open_in(dir)
        .unwrap()
        .map(|item| match item {
            Ok(s) => (s.id().to_owned(), Ok(s)),
            Err(e) => (
                e.path()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                Err(e),
            ),
        })
        .collect()
}

/// Runs `f` on another thread and fails if it takes over 10 s (a FIFO that
/// blocks would hang forever).
fn within_10s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(f()).unwrap());
    rx.recv_timeout(Duration::from_secs(10)).expect("blocked")
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn empty_and_half_written_files_decode_what_is_there() {
    let s = Scratch::new("half");
    s.file("1", b"");
    s.file(
        "2",
        b"# This is private data. Do not parse.\nUID=1000\nUSER=alice\nTTY=pt",
    );
    s.file("3", b"USER=bob\nREMOTE_HOST=\"host.exa");
    s.file("4", b"USER=carol\nTT");
    let items = items(&s.0);
    assert_eq!(items.len(), 4);
    let get = |i: usize| items[i].1.as_ref().unwrap();
    assert_eq!(get(0).pairs().count(), 0);
    assert_eq!(get(0).entry().entry_type(), EntryType::LoginProcess);
    assert_eq!(get(1).uid(), Some(1000));
    assert_eq!(get(1).tty(), Some(&b"pt"[..]));
    assert_eq!(get(2).remote_host(), Some(&b"host.exa"[..]));
    assert_eq!(get(3).user(), Some(&b"carol"[..]));
    assert_eq!(get(3).tty(), None);
}

#[test]
fn unknown_keys_are_kept_and_ignored_by_the_view() {
    let s = Session::from_bytes("1", b"USER=a\nFUTURE_KEY=x y\nCLASS=user\nTTY=tty1\n");
    assert_eq!(s.value("FUTURE_KEY"), Some(&b"x y"[..]));
    assert_eq!(s.entry().user(), "a");
    assert_eq!(s.entry().line(), "tty1");
    assert!(s.unfit_fields().is_empty());
}

#[test]
fn odd_quoting_decodes_exactly() {
    let s = Session::from_bytes(
        "1",
        b"REMOTE_HOST=\"a b\"'c'\\ d\nUSER=  e\\\\f  \nTTY=\"g\\h\\\"\"\n",
    );
    assert_eq!(s.remote_host(), Some(&b"a bc d"[..]));
    assert_eq!(s.user(), Some(&b"e\\f"[..]));
    assert_eq!(s.tty(), Some(&b"g\\h\""[..]));
}

#[test]
fn non_utf8_values_keep_their_bytes() {
    let s = Scratch::new("utf8");
    s.file("1", b"USER=\xe9t\xe9\nTTY=tty1\nCLASS=user\n");
    let items = items(&s.0);
    let session = items[0].1.as_ref().unwrap();
    assert_eq!(session.user(), Some(&b"\xe9t\xe9"[..]));
    assert!(!session.is_utf8());
    assert_eq!(session.entry().user_bytes(), b"\xe9t\xe9");
}

#[test]
fn a_fifo_is_skipped_and_a_link_to_one_does_not_block() {
    let s = Scratch::new("fifo");
    mkfifo(&s.0.join("5.ref"));
    mkfifo(&s.0.join("6"));
    symlink(s.0.join("6"), s.0.join("7")).unwrap();
    s.file("8", b"USER=a\n");
    let dir = s.0.clone();
    let items = within_10s(move || items(&dir));
    let names: Vec<&str> = items.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["7", "8"]);
    let err = items[0].1.as_ref().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert!(
        err.to_string()
            .ends_with("/7: not a regular file, not a logind session file"),
        "{err}"
    );
    assert!(items[1].1.is_ok());
    // Asked for by name, the FIFO is refused too, without blocking.
    let dir = s.0.clone();
    let err = within_10s(move || read_session(&dir, "6".as_ref()).unwrap_err());
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
}

#[test]
fn a_folder_is_skipped_and_a_link_to_one_is_an_error() {
    let s = Scratch::new("dir");
    fs::create_dir(s.0.join("5")).unwrap();
    symlink(s.0.join("5"), s.0.join("6")).unwrap();
    let items = items(&s.0);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].0, "6");
    let err = items[0].1.as_ref().unwrap_err();
    assert!(
        err.to_string()
            .contains("/6: a folder, not a logind session file"),
        "{err}"
    );
}

#[test]
fn hidden_backup_and_invalid_names() {
    let s = Scratch::new("names");
    for name in [".#5Xyz", "5~", "5.dpkg-new", "5.swp", "lost+found"] {
        s.file(name, b"USER=x\n");
    }
    s.file("a-b", b"USER=x\n");
    s.file("7", b"USER=y\n");
    let items = items(&s.0);
    let names: Vec<&str> = items.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["7", "a-b"]);
    let err = items[1].1.as_ref().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("not a logind session id"), "{err}");
}

#[test]
fn a_missing_sessions_folder() {
    let s = Scratch::new("missing");
    let missing = s.0.join("sessions");
    let err = Sessions::open_in(&missing).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert_eq!(err.path(), Some(missing.as_path()));
    assert!(
        err.to_string()
            .starts_with(&format!("{}: ", missing.display())),
        "{err}"
    );
    // A session that ends between listing and reading is a NotFound item.
    s.file("5", b"USER=x\n");
    let mut sessions = Sessions::open_in(&s.0).unwrap();
    fs::remove_file(s.0.join("5")).unwrap();
    let err = sessions.next().unwrap().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    // A file where the folder should be.
    let file = s.file("not-a-folder", b"");
    assert!(Sessions::open_in(&file).is_err());
}

#[test]
fn a_nul_byte_is_an_error_with_its_offset() {
    let s = Scratch::new("nul");
    s.file("5", b"USER=a\0b\n");
    let err = read_session(&s.0, "5".as_ref()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert!(
        err.to_string()
            .ends_with("/5: a NUL byte at offset 6: not a session file (sd-login refuses it too)"),
        "{err}"
    );
}

#[test]
fn huge_values_up_to_the_bound_and_one_byte_over() {
    let s = Scratch::new("huge");
    let max = usize::try_from(MAX_FILE_SIZE).unwrap();
    let mut contents = b"REMOTE_HOST=".to_vec();
    contents.resize(max, b'h');
    s.file("5", &contents);
    let session = read_session(&s.0, "5".as_ref()).unwrap();
    assert_eq!(session.remote_host().unwrap().len(), max - 12);
    // The view is cut to ut_host and says so.
    assert_eq!(session.unfit_fields(), ["ut_host"]);
    contents.push(b'h');
    s.file("6", &contents);
    let err = read_session(&s.0, "6".as_ref()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert!(
        err.to_string().contains("larger than 4194303 bytes"),
        "{err}"
    );
}

#[test]
fn permission_denied_names_the_path() {
    let s = Scratch::new("perm");
    let sessions = s.0.join("sessions");
    fs::create_dir(&sessions).unwrap();
    fs::set_permissions(&s.0, fs::Permissions::from_mode(0o755)).unwrap();
    let file = sessions.join("5");
    fs::write(&file, b"USER=root\n").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    let closed = s.0.join("closed");
    fs::create_dir(&closed).unwrap();
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o700)).unwrap();
    match common::run_as_nobody(
        "permission_denied_child",
        ("UTMP_LOGIND_TEST_DIR", &s.0),
        "logind permission errors checked",
    ) {
        Ok(()) => {}
        Err(why) => common::skip(format_args!("logind permission test as nobody: {why}")),
    }
}

/// Run by `permission_denied_names_the_path` as `nobody`.
#[test]
#[ignore = "run as nobody by permission_denied_names_the_path"]
fn permission_denied_child() {
    let dir = PathBuf::from(std::env::var_os("UTMP_LOGIND_TEST_DIR").unwrap());
    let sessions = dir.join("sessions");
    let items = items(&sessions);
    assert_eq!(items.len(), 1);
    let err = items[0].1.as_ref().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    assert_eq!(err.path(), Some(sessions.join("5").as_path()));
    let closed = dir.join("closed");
    let err = Sessions::open_in(&closed).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    assert!(
        err.to_string()
            .starts_with(&format!("{}: ", closed.display())),
        "{err}"
    );
    println!("logind permission errors checked");
}

#[test]
fn the_automatic_source() {
    let s = Scratch::new("auto");
    // Sessions: the answer is logind's, unreadable files kept as errors.
    s.file("5", b"USER=alice\nCLASS=user\nTTY=pts/0\n");
    s.file("6", b"USER=\0\n");
    let now = current_sessions_in(&s.0).unwrap();
    assert_eq!(now.source(), Source::Logind);
    assert_eq!(now.entries().len(), 1);
    assert_eq!(now.entries()[0].user(), "alice");
    assert_eq!(now.logind_sessions()[0].id(), "5");
    assert_eq!(now.errors().len(), 1);
    // No sessions: the utmp database, or an empty logind answer when the
    // system keeps none.
    let empty = Scratch::new("auto-empty");
    match (current_sessions_in(&empty.0), utmp::current_entries()) {
        (Ok(now), Ok(_)) => assert_eq!(now.source(), Source::Utmp),
        (Ok(now), Err(Error::NoDatabase { .. } | Error::Unsupported { .. })) => {
            assert_eq!(now.source(), Source::Logind);
            assert!(now.entries().is_empty());
        }
        (got, utmp) => panic!("{got:?} with utmp {utmp:?}"),
    }
    // No sessions folder: utmp's answer or error.
    let missing = empty.0.join("missing");
    match (current_sessions_in(&missing), utmp::current_entries()) {
        (Ok(now), Ok(_)) => assert_eq!(now.source(), Source::Utmp),
        (Err(e), Err(u)) => assert_eq!(e.to_string(), u.to_string()),
        (got, utmp) => panic!("{got:?} with utmp {utmp:?}"),
    }
    // Named explicitly, a missing folder is an error.
    assert_eq!(
        CurrentSessions::from_logind(&missing).unwrap_err().kind(),
        io::ErrorKind::NotFound
    );
}

#[test]
fn many_sessions_read_on_threads_keep_their_order_and_errors() {
    let s = Scratch::new("many");
    for i in 1..=3000 {
        s.file(
            &i.to_string(),
            format!("USER=u{i}\nTTY=pts/{i}\n").as_bytes(),
        );
    }
    s.file("1500", b"USER=\0\n");
    s.file("c7", b"USER=c\n");
    let one_by_one: Vec<String> = Sessions::open_in(&s.0)
        .unwrap()
        .map(|r| r.map_or_else(|e| e.to_string(), |s| format!("{s:?}")))
        .collect();
    let all: Vec<String> = Sessions::open_in(&s.0)
        .unwrap()
        .read_all()
        .into_iter()
        .map(|r| r.map_or_else(|e| e.to_string(), |s| format!("{s:?}")))
        .collect();
    assert_eq!(all.len(), 3001);
    assert_eq!(all, one_by_one);
    assert!(all[1499].contains("/1500: a NUL byte"), "{}", all[1499]);
    assert!(all[3000].contains("id: \"c7\""), "{}", all[3000]);
    let now = CurrentSessions::from_logind(&s.0).unwrap();
    assert_eq!(now.entries().len(), 3000);
    assert_eq!(now.errors().len(), 1);
    assert_eq!(now.entries()[2].user(), "u3");
    assert_eq!(now.logind_sessions()[2999].id(), "c7");
}
