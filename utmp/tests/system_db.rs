//! The system database through the C library (`Database`), checked against the
//! direct reader on files written by the encoder.
#![cfg(not(target_env = "musl"))]

mod common;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, UNIX_EPOCH};

use utmp::{
    write_entries, Database, Entry, EntryBuilder, EntryType, Error, ExitStatus, Reader, RECORD_SIZE,
};

/// A file in the temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(tag: &str, bytes: &[u8]) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "utmp-system-db-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            tag
        );
        let path = std::env::temp_dir().join(name);
        fs::write(&path, bytes).unwrap();
        TempFile(path)
    }

    fn of(tag: &str, entries: &[Entry]) -> TempFile {
        let mut bytes = Vec::new();
        write_entries(&mut bytes, entries).unwrap();
        TempFile::new(tag, &bytes)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// A varied set of records: every named type, full-width strings without a
/// NUL, non-UTF-8 bytes, IPv4 and IPv6, negative numbers, and records of
/// arbitrary bytes. `salt` makes the sets of different callers differ.
fn sample(salt: u8) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, t) in EntryType::ALL.iter().enumerate() {
        let i = i as u8;
        let e = EntryBuilder::new(*t)
            .pid(1000 + i32::from(i) + i32::from(salt) * 100)
            .user(format!("user{salt}-{i}"))
            .line(format!("pts/{i}"))
            .host(format!("host{i}.example.org"))
            .id([b'a' + i, salt, 0, 1])
            .session(i64::from(i) * 7)
            .exit_status(ExitStatus {
                termination: i16::from(i),
                exit: -i16::from(i),
            })
            .time(UNIX_EPOCH + Duration::from_micros(1_700_000_000_000_000 + u64::from(i)))
            .address(Some(if i % 2 == 0 {
                "192.0.2.7".parse().unwrap()
            } else {
                "2001:db8::1".parse().unwrap()
            }))
            .build()
            .unwrap();
        out.push(e);
    }
    out.push(
        EntryBuilder::new(EntryType::from_raw(77))
            .user([b'u'; 32])
            .line([b'l'; 32])
            .host(b"\xff\xfe not utf-8")
            .pid(-1)
            .build()
            .unwrap(),
    );
    // Arbitrary bytes, padding included.
    let mut x = u32::from(salt) | 0x9e37_79b9;
    let mut raw = [0u8; RECORD_SIZE];
    for b in raw.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    out.push(Entry::from_bytes(raw));
    out.push(Entry::from_bytes([0xff; RECORD_SIZE]));
    out.push(Entry::zeroed());
    out
}

fn direct(path: &Path) -> Vec<Entry> {
    Reader::open(path)
        .unwrap()
        .collect::<utmp::Result<Vec<_>>>()
        .unwrap()
}

fn bytes_of(entries: &[Entry]) -> Vec<Vec<u8>> {
    entries.iter().map(|e| e.as_bytes().to_vec()).collect()
}

#[test]
#[cfg_attr(miri, ignore)]
fn open_path_reads_the_same_bytes_as_the_direct_reader() {
    let want = sample(1);
    let file = TempFile::of("same", &want);
    let via_c: Vec<Entry> = Database::open_path(file.path())
        .unwrap()
        .collect::<utmp::Result<_>>()
        .unwrap();
    let via_reader = direct(file.path());
    assert_eq!(via_c.len(), want.len());
    assert_eq!(bytes_of(&via_c), bytes_of(&via_reader));
    assert_eq!(bytes_of(&via_c), bytes_of(&want));
}

#[test]
#[cfg_attr(miri, ignore)]
fn rewind_starts_again_from_the_first_record() {
    let want = sample(2);
    let file = TempFile::of("rewind", &want);
    let mut db = Database::open_path(file.path()).unwrap();
    assert_eq!(db.path(), file.path());
    let first: Vec<Entry> = db.by_ref().map(Result::unwrap).collect();
    assert!(db.next().is_none(), "the iterator stays ended");
    db.rewind();
    let second: Vec<Entry> = db.by_ref().map(Result::unwrap).collect();
    assert_eq!(bytes_of(&first), bytes_of(&want));
    assert_eq!(bytes_of(&second), bytes_of(&want));
    // Rewinding in the middle, too.
    db.rewind();
    let _ = db.next();
    let _ = db.next();
    db.rewind();
    let third: Vec<Entry> = db.map(Result::unwrap).collect();
    assert_eq!(bytes_of(&third), bytes_of(&want));
}

#[test]
#[cfg_attr(miri, ignore)]
fn default_open_after_open_path_reads_the_default_path() {
    let file = TempFile::of("leak", &sample(3));
    {
        let db = Database::open_path(file.path()).unwrap();
        assert_eq!(db.count(), sample(3).len());
    }
    let default = utmp::utmp_path();
    match Database::open() {
        Ok(db) => {
            assert_eq!(db.path(), default);
            let via_c: Vec<Entry> = db.map(Result::unwrap).collect();
            let via_reader = direct(default);
            assert_eq!(bytes_of(&via_c), bytes_of(&via_reader));
            assert_ne!(
                bytes_of(&via_c),
                bytes_of(&sample(3)),
                "read the earlier file"
            );
        }
        Err(Error::NoDatabase { path }) => {
            assert_eq!(path, default);
            assert!(!default.exists());
            common::skip_not_on_ci(format_args!(
                "default database comparison (no {} on this machine)",
                default.display()
            ));
        }
        Err(e) => panic!("{e}"),
    }
    match utmp::current_entries() {
        Ok(all) => assert_eq!(bytes_of(&all), bytes_of(&direct(default))),
        Err(e) => {
            assert!(matches!(e, Error::NoDatabase { .. }), "{e}");
            assert_eq!(e.kind(), ErrorKind::NotFound);
            assert_eq!(e.path(), Some(default));
        }
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_missing_file_is_no_database() {
    let path = std::env::temp_dir().join(format!("utmp-system-db-{}-absent", std::process::id()));
    let err = Database::open_path(&path).unwrap_err();
    assert!(
        matches!(&err, Error::NoDatabase { path: p } if *p == path),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::NotFound);
    // The failed open released everything: the next one works.
    let file = TempFile::of("after-missing", &sample(4));
    assert_eq!(
        Database::open_path(file.path()).unwrap().count(),
        sample(4).len()
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_directory_is_an_io_error_naming_it() {
    let dir = std::env::temp_dir();
    let mut db = Database::open_path(&dir).unwrap();
    match db.next() {
        Some(Err(Error::Io {
            path,
            error: source,
        })) => {
            assert_eq!(path.as_deref(), Some(dir.as_path()));
            assert_eq!(source.raw_os_error(), Some(libc::EISDIR), "{source}");
        }
        other => panic!("{other:?}"),
    }
    assert!(db.next().is_none(), "ends after the error");
}

/// What `an_unreadable_file_is_permission_denied` checks, on the file that
/// `UTMP_SYSTEM_DB_DENIED` names; run as `nobody` when the test runs as root.
fn permission_denied_through_the_c_api(path: &Path) {
    let mut db = Database::open_path(path).unwrap();
    match db.next() {
        Some(Err(e)) => {
            assert!(matches!(e, Error::Io { .. }), "{e:?}");
            assert_eq!(e.kind(), ErrorKind::PermissionDenied);
            assert_eq!(e.path(), Some(path));
        }
        other => panic!("{other:?}"),
    }
}

/// Run by `an_unreadable_file_is_permission_denied` as the user `nobody`.
#[test]
#[ignore = "run as nobody by an_unreadable_file_is_permission_denied"]
fn an_unreadable_file_is_permission_denied_child() {
    let path = PathBuf::from(std::env::var_os("UTMP_SYSTEM_DB_DENIED").unwrap());
    permission_denied_through_the_c_api(&path);
    println!("child: permission denied as expected");
}

#[test]
#[cfg_attr(miri, ignore)]
fn an_unreadable_file_is_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let file = TempFile::of("unreadable", &sample(5));
    fs::set_permissions(file.path(), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::File::open(file.path()).is_err() {
        permission_denied_through_the_c_api(file.path());
        return;
    }
    // Root reads any file: run this test binary again as nobody.
    let marker = "child: permission denied as expected";
    let env = ("UTMP_SYSTEM_DB_DENIED", file.path());
    if let Err(why) =
        common::run_as_nobody("an_unreadable_file_is_permission_denied_child", env, marker)
    {
        common::skip(format_args!("permission-denied test as nobody ({why})"));
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn trailing_bytes_are_reported_like_the_direct_reader() {
    let entries = sample(6);
    let mut bytes = Vec::new();
    write_entries(&mut bytes, &entries).unwrap();
    bytes.extend_from_slice(&[1, 2, 3, 4, 5]);
    let file = TempFile::new("trailing", &bytes);
    let via_c: Vec<_> = Database::open_path(file.path()).unwrap().collect();
    let via_reader: Vec<_> = Reader::open(file.path()).unwrap().collect();
    assert_eq!(via_c.len(), entries.len() + 1);
    assert_eq!(via_c.len(), via_reader.len());
    for (c, r) in via_c.iter().zip(&via_reader).take(entries.len()) {
        assert_eq!(
            c.as_ref().unwrap().as_bytes(),
            r.as_ref().unwrap().as_bytes()
        );
    }
    match (via_c.last(), via_reader.last()) {
        (
            Some(Err(Error::TrailingBytes {
                offset: a, len: b, ..
            })),
            Some(Err(Error::TrailingBytes {
                offset: c, len: d, ..
            })),
        ) => {
            assert_eq!((a, b), (c, d));
            assert_eq!((*a, *b), ((entries.len() * RECORD_SIZE) as u64, 5));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn an_empty_file_has_no_entries() {
    let file = TempFile::new("empty", &[]);
    assert_eq!(Database::open_path(file.path()).unwrap().count(), 0);
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_second_open_on_the_same_thread_is_already_open() {
    let file = TempFile::of("twice", &sample(7));
    let first = Database::open_path(file.path()).unwrap();
    let err = Database::open_path(file.path()).unwrap_err();
    assert!(matches!(err, Error::AlreadyOpen), "{err:?}");
    assert!(matches!(Database::open(), Err(Error::AlreadyOpen)));
    assert!(matches!(utmp::current_entries(), Err(Error::AlreadyOpen)));
    drop(first);
    let again = Database::open_path(file.path()).unwrap();
    assert_eq!(
        bytes_of(&again.map(Result::unwrap).collect::<Vec<_>>()),
        bytes_of(&sample(7))
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_handle_dropped_mid_iteration_leaves_the_next_open_clean() {
    let want = sample(8);
    let file = TempFile::of("mid", &want);
    {
        let mut db = Database::open_path(file.path()).unwrap();
        for _ in 0..3 {
            db.next().unwrap().unwrap();
        }
    }
    let again: Vec<Entry> = Database::open_path(file.path())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(bytes_of(&again), bytes_of(&want));
}

/// Runs `f` on each of `n` threads at once; fails (instead of hanging) when
/// they do not all finish within a minute.
fn on_threads<F>(n: usize, f: F) -> Vec<Vec<Vec<u8>>>
where
    F: Fn(usize) -> Vec<Vec<u8>> + Send + Sync + 'static,
{
    let f = std::sync::Arc::new(f);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(n));
    let (tx, rx) = mpsc::channel();
    for i in 0..n {
        let (f, barrier, tx) = (f.clone(), barrier.clone(), tx.clone());
        thread::spawn(move || {
            barrier.wait();
            let _ = tx.send((i, f(i)));
        });
    }
    drop(tx);
    let mut out = vec![Vec::new(); n];
    for _ in 0..n {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok((i, got)) => out[i] = got,
            Err(e) => panic!("threads did not finish (deadlock or panic?): {e}"),
        }
    }
    out
}

#[test]
#[cfg_attr(miri, ignore)]
fn eight_threads_reading_one_file_agree() {
    let want = sample(9);
    let file = TempFile::of("threads", &want);
    let path = file.path().to_owned();
    let results = on_threads(8, move |_| {
        let mut all = Vec::new();
        for _ in 0..20 {
            let db = Database::open_path(&path).unwrap();
            all = bytes_of(&db.map(Result::unwrap).collect::<Vec<_>>());
        }
        all
    });
    for got in results {
        assert_eq!(got, bytes_of(&want));
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn eight_threads_reading_different_files_never_mix() {
    let files: Vec<TempFile> = (0..8u8)
        .map(|i| TempFile::of("mix", &sample(20 + i)))
        .collect();
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path().to_owned()).collect();
    let results = on_threads(8, move |i| {
        let mut all = Vec::new();
        for _ in 0..20 {
            let db = Database::open_path(&paths[i]).unwrap();
            // Yield between records so that, without the lock, the threads
            // would interleave their getutxent calls.
            let mut got = Vec::new();
            for e in db {
                got.push(e.unwrap());
                thread::yield_now();
            }
            all = bytes_of(&got);
        }
        all
    });
    for (i, got) in results.into_iter().enumerate() {
        assert_eq!(got, bytes_of(&sample(20 + i as u8)), "thread {i}");
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_path_with_nul_is_invalid() {
    let err = Database::open_path("/tmp/a\0b").unwrap_err();
    assert!(matches!(err, Error::InvalidPath { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
