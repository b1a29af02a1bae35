//! `utmp who` over logind sessions: layouts worked out by hand, the JSON
//! view, bad session folders, and a differential run against coreutils
//! `who` fed a `/run/utmp` with the equivalent records, inside a private
//! mount namespace where the generated sessions are `/run/systemd/sessions`.

mod common;
use common::{runnable, utmp};

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use utmp::{EntryBuilder, EntryType};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A scratch folder, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!(
            "utmp-cli-who-logind-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        Dir(path)
    }

    fn file(&self, name: &str, contents: &[u8]) -> &Self {
        fs::write(self.0.join(name), contents).unwrap();
        self
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn who_logind(args: &[&str], dir: &Dir) -> Output {
    utmp()
        .args(["who", "--source", "logind"])
        .args(args)
        .arg(dir.arg())
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn sp(n: usize) -> String {
    " ".repeat(n)
}

// 2023-11-14 22:13:20 UTC.
const T: u64 = 1_700_000_000;

fn sample() -> Dir {
    let d = Dir::new();
    d.file(
        "5",
        format!(
            "# This is private data. Do not parse.\nUID=1000\nUSER=alice\nACTIVE=1\nSTATE=active\n\
             REMOTE=1\nTYPE=tty\nCLASS=user\nTTY=no-such-tty-5\nREMOTE_HOST=192.0.2.7\n\
             SERVICE=sshd\nLEADER=4242\nREALTIME={}123456\n",
            T
        )
        .as_bytes(),
    )
    .file(
        "c1",
        format!(
            "UID=115\nUSER=gdm\nCLASS=greeter\nSEAT=seat0\nLEADER=900\nREALTIME={}000000\n",
            T + 60
        )
        .as_bytes(),
    )
    .file(
        "12",
        format!(
            "UID=1001\nUSER=bob\nCLASS=user\nSERVICE=sshd\nLEADER=77\nREALTIME={}000000\n",
            T + 120
        )
        .as_bytes(),
    );
    d
}

#[test]
fn logind_sessions_in_who_layouts() {
    if !runnable("utmp who --source logind tests") {
        return;
    }
    let d = sample();
    // Sorted by id: 5, 12, c1. Users only by default: line from TTY, else
    // SEAT, else SERVICE; host from REMOTE_HOST; time from REALTIME.
    let out = who_logind(&[], &d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "alice    no-such-tty-5 Nov 14 22:13 (192.0.2.7)\n\
         bob      sshd         Nov 14 22:15\n"
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    // -a: the greeter is a LOGIN_PROCESS on its seat; pids are the leaders.
    let out = who_logind(&["-a"], &d);
    assert_eq!(
        text(&out.stdout),
        format!(
            "alice    ? no-such-tty-5 Nov 14 22:13   ?{}4242 (192.0.2.7)\n\
             bob      ? sshd         Nov 14 22:15   ?{}77\n\
             LOGIN      seat0        Nov 14 22:14{}900 id=\n",
            sp(3 + 1 + 6),
            sp(3 + 1 + 8),
            sp(1 + 6 + 1 + 7)
        )
    );
    assert_eq!(
        text(&who_logind(&["-q"], &d).stdout),
        "alice bob\n# users=2\n"
    );
}

#[test]
fn json_rows_carry_the_whole_session() {
    if !runnable("utmp who --source logind tests") {
        return;
    }
    let d = sample();
    let long = "a".repeat(40);
    d.file(
        "13",
        format!("USER={long}\nCLASS=user\nTTY=pts/77\nREALTIME={T}000000\n").as_bytes(),
    );
    let out = who_logind(&["--json"], &d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["source"], "logind");
    assert_eq!(rows[0]["user"], "alice");
    assert_eq!(rows[0]["logind"]["id"], "5");
    assert_eq!(rows[0]["logind"]["uid"], 1000);
    assert_eq!(rows[0]["logind"]["remote_host"], "192.0.2.7");
    assert_eq!(rows[0]["logind"]["service"], "sshd");
    assert_eq!(rows[0]["logind"]["type"], "tty");
    assert_eq!(rows[0]["logind"]["state"], "active");
    assert_eq!(rows[0]["logind"]["active"], true);
    assert_eq!(rows[0]["logind"]["remote"], true);
    assert_eq!(rows[0]["logind"]["leader"], 4242);
    assert_eq!(rows[0]["logind"]["start_time_us"], 1_700_000_000_123_456u64);
    assert_eq!(rows[0]["logind"]["seat"], serde_json::Value::Null);
    // The 40-byte name: cut to 32 in the record view, whole in "logind".
    assert_eq!(rows[2]["logind"]["id"], "13");
    assert_eq!(rows[2]["user"], "a".repeat(32));
    assert_eq!(rows[2]["logind"]["user"], long);
    // The table says so on stderr.
    let out = who_logind(&[], &d);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert_eq!(
        err,
        "utmp: warning: logind session 13: ut_user too long for a utmp record, shown cut \
         (--json shows the whole values)\n"
    );
}

#[test]
fn unreadable_session_files_are_one_line_each_and_exit_1() {
    if !runnable("utmp who --source logind tests") {
        return;
    }
    let d = sample();
    d.file("9", b"USER=nul\0\n").file("a-b", b"USER=x\n");
    // A FIFO named like a session is skipped (sd-login's rule); a symbolic
    // link to a FIFO is opened without blocking and refused.
    assert!(Command::new("mkfifo")
        .arg(d.0.join("7"))
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink(d.0.join("7"), d.0.join("8")).unwrap();
    let start = Instant::now();
    let out = who_logind(&[], &d);
    assert!(start.elapsed() < Duration::from_secs(20), "a FIFO blocked");
    assert_eq!(out.status.code(), Some(1));
    // The readable sessions are all shown.
    assert_eq!(
        text(&out.stdout),
        "alice    no-such-tty-5 Nov 14 22:13 (192.0.2.7)\n\
         bob      sshd         Nov 14 22:15\n"
    );
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].contains("/8: not a regular file"), "{err}");
    assert!(lines[1].contains("/9: a NUL byte at offset 8"), "{err}");
    assert!(lines[2].contains("/a-b: not a logind session id"), "{err}");
    assert!(lines.iter().all(|l| l.starts_with("utmp: ")), "{err}");
}

#[test]
fn a_missing_or_unlistable_sessions_folder_is_one_line() {
    if !runnable("utmp who --source logind tests") {
        return;
    }
    let d = Dir::new();
    let missing = d.0.join("missing");
    let out = utmp()
        .args(["who", "--source", "logind"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("utmp: {}: ", missing.display())),
        "{err}"
    );
    // An empty folder: nobody is logged in.
    let out = who_logind(&[], &d);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    // `--source wtmpdb` is not a who source.
    let out = utmp().args(["who", "--source", "wtmpdb"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// One generated session: what the session file says, and so what the
/// equivalent utmp record holds.
#[derive(Debug, Clone)]
struct Gen {
    user: String,
    class: &'static str,
    tty: Option<String>,
    seat: Option<&'static str>,
    service: Option<&'static str>,
    host: Option<String>,
    realtime: u64,
}

fn gen() -> impl Strategy<Value = Gen> {
    (
        "[a-z_][a-z0-9_.-]{0,31}",
        proptest::sample::select(vec![
            "user",
            "user",
            "user",
            "greeter",
            "background",
            "user-early",
        ]),
        proptest::option::of("(pts/[0-9]{1,3}|tty[1-9]|no-such-[a-z]{1,10})"),
        proptest::option::of(proptest::sample::select(vec!["seat0", "seat1"])),
        proptest::option::of(proptest::sample::select(vec![
            "sshd",
            "login",
            "gdm-password",
            "systemd-user",
        ])),
        proptest::option::of("[a-z0-9:.-]{1,60}"),
        1_000_000_000_000_000u64..2_000_000_000_000_000,
    )
        .prop_map(|(user, class, tty, seat, service, host, realtime)| Gen {
            user,
            class,
            tty,
            seat,
            service,
            host,
            realtime,
        })
}

impl Gen {
    /// The file, with some harmless quoting that sd-login strips.
    fn file(&self, i: usize) -> String {
        let mut f = format!(
            "# This is private data. Do not parse.\nUID={}\nUSER={}\nCLASS='{}'\nLEADER=1\nREALTIME={}\n",
            1000 + i,
            self.user,
            self.class,
            self.realtime
        );
        for (key, value) in [
            ("TTY", self.tty.as_deref()),
            ("SEAT", self.seat),
            ("SERVICE", self.service),
            ("REMOTE_HOST", self.host.as_deref()),
        ] {
            if let Some(v) = value {
                f.push_str(&format!("{key}=\"{v}\"  \n"));
            }
        }
        f
    }

    /// The record coreutils reads: USER_PROCESS for `user*` classes, the
    /// line from TTY, else SEAT, else SERVICE; pid 1 (alive, so `who` keeps it).
    fn record(&self) -> utmp::Entry {
        let kind = if self.class.starts_with("user") {
            EntryType::UserProcess
        } else {
            EntryType::LoginProcess
        };
        let line = self
            .tty
            .as_deref()
            .or(self.seat)
            .or(self.service)
            .unwrap_or("");
        EntryBuilder::new(kind)
            .user(&self.user)
            .line(line)
            .host(self.host.as_deref().unwrap_or(""))
            .pid(1)
            .seconds(i64::try_from(self.realtime / 1_000_000).unwrap())
            .microseconds(i64::try_from(self.realtime % 1_000_000).unwrap())
            .build()
            .unwrap()
    }
}

/// The command that starts the binary under test, as shell words.
fn join_argv() -> String {
    common::argv()
        .iter()
        .map(|a| format!("'{}'", a.to_string_lossy().replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why the namespace differential cannot run, if it cannot.
fn namespace_unavailable() -> Option<String> {
    if let Some(why) = common::namespace::unavailable() {
        return Some(why);
    }
    match Command::new("who").arg("--version").output() {
        Ok(o) if text(&o.stdout).contains("GNU coreutils") => None,
        _ => Some("no coreutils who (install coreutils)".into()),
    }
}

#[test]
fn matches_coreutils_who_on_the_equivalent_utmp() {
    if !runnable("utmp who logind differential") {
        return;
    }
    if let Some(why) = namespace_unavailable() {
        common::skip(format_args!(
            "utmp who on logind against coreutils who: {why}"
        ));
        return;
    }
    let d = Dir::new();
    let sessions = d.0.join("sessions");
    fs::create_dir(&sessions).unwrap();
    let mut runner = TestRunner::deterministic();
    let gens: Vec<Gen> = (0..40)
        .map(|_| gen().new_tree(&mut runner).unwrap().current())
        .collect();
    // Ids 1..=30 in numeric order, then c1..c10 in byte order (c1, c10, c2,
    // ...): the order the library lists them in.
    let mut ids: Vec<String> = (1..=30).map(|i| i.to_string()).collect();
    let mut named: Vec<String> = (1..=10).map(|i| format!("c{i}")).collect();
    named.sort();
    ids.extend(named);
    let mut records = Vec::new();
    for (i, (id, g)) in ids.iter().zip(&gens).enumerate() {
        fs::write(sessions.join(id), g.file(i)).unwrap();
        records.push(g.record());
    }
    let utmp_file = d.0.join("utmp");
    let mut bytes = Vec::new();
    // The installed coreutils `who` is an x86_64 program: it reads glibc's
    // 384-byte little-endian records, whatever this test's target is.
    utmp::write_entries_in(&mut bytes, &records, utmp::Format::GLIBC_384_LE).unwrap();
    fs::write(&utmp_file, bytes).unwrap();

    let options = [
        "", "-H", "-q", "-u", "-l", "-a", "-s", "-T", "-uH", "-lH", "-aT",
    ];
    let mut compared = 0;
    let mut lines = 0;
    for locale in ["C", "C.UTF-8"] {
        for opts in options {
            // Each side in its own namespace: the sessions folder and the
            // utmp file where the tools look for them, nothing else changed.
            let run = |tool: &str| -> Vec<u8> {
                let script = format!(
                    "{} && cp \"$1\" /run/utmp && exec {tool} {opts}",
                    common::namespace::MOUNT_SESSIONS
                );
                let mut cmd = common::namespace::sh(&script);
                cmd.arg(&sessions)
                    .arg(&utmp_file)
                    .env("TZ", "UTC")
                    .env("LC_ALL", locale);
                common::namespace::output(&mut cmd, &format!("{tool} {opts}")).stdout
            };
            let want = run("who");
            // The binary through the cross runner, if there is one.
            let got = run(&format!("{} who", join_argv()));
            assert_eq!(text(&got), text(&want), "who {opts} (LC_ALL={locale})");
            if opts == "-a" && locale == "C" {
                print!("who -a over the generated sessions:\n{}", text(&want));
            }
            lines += want.split(|&c| c == b'\n').count();
            compared += 1;
        }
    }
    // Make sure the comparison saw users and login lines at all.
    assert!(records.iter().any(|r| r.is_user_process()));
    assert!(records
        .iter()
        .any(|r| r.entry_type() == EntryType::LoginProcess));
    assert!(lines > 300, "{lines} lines of output compared");
    println!("utmp who (logind) matched coreutils who on {compared} runs over 40 sessions ({lines} lines)");
}
