//! `utmp who`: layouts worked out by hand from coreutils' who.c, errors, JSON,
//! and a differential run against the installed `who`.

mod common;
use common::{runnable, utmp};

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use utmp::{Entry, EntryBuilder, EntryType, ExitStatus};

fn utmp_who(args: &[&str], locale: &str) -> Output {
    utmp()
        .arg("who")
        .args(args)
        .env("TZ", "UTC")
        .env("LC_ALL", locale)
        .output()
        .unwrap()
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A file of these records, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(bytes: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!(
            "utmp-cli-who-{}-{}.utmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }

    fn of(entries: &[Entry]) -> Self {
        let mut bytes = Vec::new();
        utmp::write_entries(&mut bytes, entries).unwrap();
        TempFile::new(&bytes)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// 2013-08-28 10:00:00 UTC.
const T: i64 = 1_377_684_000;

fn sample() -> Vec<Entry> {
    let b = EntryBuilder::new;
    [
        b(EntryType::BootTime)
            .user("reboot")
            .line("~")
            .id("~~")
            .seconds(T),
        b(EntryType::LoginProcess)
            .user("LOGIN")
            .line("tty1")
            .id("1")
            .pid(601)
            .seconds(T + 60),
        b(EntryType::UserProcess)
            .user("alice")
            .line("no-such-tty-a")
            .host("192.0.2.1")
            .pid(1000)
            .seconds(T + 3600),
        b(EntryType::UserProcess)
            .user("bob")
            .line("no-such-tty-b")
            .pid(1001)
            .seconds(T + 86_400 * 5 + 120),
        b(EntryType::DeadProcess)
            .line("no-such-tty-a")
            .id("ts/0")
            .pid(1000)
            .exit_status(ExitStatus {
                termination: 0,
                exit: 1,
            })
            .seconds(T + 7200),
    ]
    .into_iter()
    .map(|e| e.build().unwrap())
    .collect()
}

fn sp(n: usize) -> String {
    " ".repeat(n)
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn default_heading_count_and_boot_layouts() {
    if !runnable("utmp who CLI tests") {
        return;
    }
    let f = TempFile::of(&sample());
    // who.c: "%-8s %-12s %-*s" then " %-8s" comment, trailing blanks cut.
    // C locale: "%b %e %H:%M" (12 wide); other locales: "%Y-%m-%d %H:%M" (16).
    assert_eq!(
        stdout(&utmp_who(&[f.arg()], "C")),
        "alice    no-such-tty-a Aug 28 11:00 (192.0.2.1)\n\
         bob      no-such-tty-b Sep  2 10:02\n"
    );
    // Heading: "NAME" in 8, "LINE" in 12, "TIME" in 16, then "COMMENT".
    assert_eq!(
        stdout(&utmp_who(&["-H", f.arg()], "C.UTF-8")),
        format!(
            "NAME{}LINE{}TIME{}COMMENT\n\
             alice    no-such-tty-a 2013-08-28 11:00 (192.0.2.1)\n\
             bob      no-such-tty-b 2013-09-02 10:02\n",
            sp(5),
            sp(9),
            sp(13)
        )
    );
    assert_eq!(
        stdout(&utmp_who(&["-q", f.arg()], "C")),
        "alice bob\n# users=2\n"
    );
    // -b: not the short form, so a 10-wide PID column (" %10s") is there,
    // empty on the boot line. TIME in 12, " ", then "PID" right-aligned in 10.
    assert_eq!(
        stdout(&utmp_who(&["-bH", f.arg()], "C")),
        format!(
            "NAME{}LINE{}TIME{}PID COMMENT\n{}system boot  Aug 28 10:00\n",
            sp(5),
            sp(9),
            sp(8 + 1 + 7),
            sp(9)
        )
    );
    // -d: empty name (8), IDLE column (" " + 6, empty), PID (" " + 10),
    // "id=" comment in 8, EXIT.
    assert_eq!(
        stdout(&utmp_who(&["-d", f.arg()], "C")),
        format!(
            "{}no-such-tty-a Aug 28 12:00{}1000 id=ts/0  term=0 exit=1\n",
            sp(9),
            sp(1 + 6 + 1 + 6)
        )
    );
    // -uT on lines with no device: mark "?", idle "  ?" in 6, then the pid.
    assert_eq!(
        stdout(&utmp_who(&["-uT", f.arg()], "C")),
        format!(
            "alice    ? no-such-tty-a Aug 28 11:00   ?{}1000 (192.0.2.1)\n\
             bob      ? no-such-tty-b Sep  2 10:02   ?{}1001\n",
            sp(3 + 1 + 6),
            sp(3 + 1 + 6)
        )
    );
}

#[test]
fn json_lines_one_object_per_shown_entry() {
    if !runnable("utmp who CLI tests") {
        return;
    }
    let f = TempFile::of(&sample());
    let out = stdout(&utmp_who(&["-a", "--json", f.arg()], "C"));
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["boot", "login", "user", "user", "dead"]);
    assert_eq!(rows[2]["user"], "alice");
    assert_eq!(rows[2]["host"], "192.0.2.1");
    // One representation of the entry (docs/json.md): T + 3600 is
    // 2013-08-28T11:00:00Z (`date -u -d @1377687600`).
    assert_eq!(rows[2]["seconds"], T + 3600);
    assert_eq!(rows[2]["time"], "2013-08-28T11:00:00.000000Z");
    assert_eq!(rows[2]["type"], "USER_PROCESS");
    assert_eq!(rows[2]["mesg"], "?");
    assert_eq!(rows[4]["exit"]["exit"], 1);
}

#[test]
fn missing_file_is_one_line_on_stderr_and_exit_1() {
    if !runnable("utmp who CLI tests") {
        return;
    }
    let out = utmp_who(&["/nonexistent/utmp-who-test"], "C");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("utmp: "), "{err}");
}

#[test]
fn three_operands_are_a_usage_error() {
    if !runnable("utmp who CLI tests") {
        return;
    }
    let out = utmp_who(&["a", "b", "c"], "C");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn short_last_record_is_ignored_like_who() {
    if !runnable("utmp who CLI tests") {
        return;
    }
    let mut bytes = Vec::new();
    utmp::write_entries(&mut bytes, &sample()).unwrap();
    bytes.extend_from_slice(&[1, 2, 3]);
    let f = TempFile::new(&bytes);
    let out = utmp_who(&["-q", f.arg()], "C");
    assert_eq!(stdout(&out), "alice bob\n# users=2\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn same_bytes_as_coreutils_who() {
    if !runnable("utmp who CLI tests") {
        return;
    }
    let installed = Command::new("who")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("GNU coreutils"));
    if !installed {
        common::skip(format_args!("utmp who differential (install coreutils)"));
        return;
    }
    if utmp::RECORD_SIZE != 384 {
        common::skip(format_args!(
            "utmp who differential (fixtures have 384-byte records)"
        ));
        return;
    }
    let generated = TempFile::of(&sample());
    let mut files = vec![generated.0.clone()];
    for f in [
        "utmp-rs/basic32.utmp",
        "utmp-rs/with_host_32.utmp",
        "util-linux/wtmp-a.LE",
        "s4/CentOS9/x86_64/wtmp",
        "s4/Ubuntu22/x86_64/wtmp",
    ] {
        files.extend(common::fixture(f));
    }
    for file in &files {
        for opts in [&[][..], &["-H"], &["-q"], &["-b"], &["-a"]] {
            let run = || {
                let want = Command::new("who")
                    .args(opts)
                    .arg(file)
                    .env("TZ", "UTC")
                    .env("LANG", "C")
                    .env_remove("LC_ALL")
                    .env_remove("LC_TIME")
                    .output()
                    .unwrap();
                let got = utmp()
                    .arg("who")
                    .args(opts)
                    .arg(file)
                    .env("TZ", "UTC")
                    .env("LANG", "C")
                    .env_remove("LC_ALL")
                    .env_remove("LC_TIME")
                    .output()
                    .unwrap();
                (want, got)
            };
            let (mut want, mut got) = run();
            if want.stdout != got.stdout {
                // An idle time can roll over a minute between the two runs.
                (want, got) = run();
            }
            assert_eq!(
                String::from_utf8_lossy(&got.stdout),
                String::from_utf8_lossy(&want.stdout),
                "who {opts:?} {}",
                file.display()
            );
            assert_eq!(got.stdout, want.stdout);
            assert_eq!(got.status.code(), want.status.code());
        }
    }
}

/// A file of several chunks (4096 records each) is formatted on worker
/// threads when mapped: its rows are those of the streamed pass (`--no-mmap`),
/// byte for byte, under every option that chunking takes, in two zones. A
/// user's terminal, used two hours ago, is idle or `old` depending on the
/// last boot before the row, which for the second chunk lies in the first.
#[test]
fn chunked_who_is_the_streamed_who() {
    if !runnable("utmp who CLI tests") {
        return;
    }
    let now = std::time::SystemTime::now();
    let secs = |ago: u64| {
        let t = now - std::time::Duration::from_secs(ago);
        t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
    };
    // The terminal: an absolute line, stat'ed as it is.
    let tty = PathBuf::from(format!("/tmp/uwho{}", std::process::id()));
    let terminal = std::fs::File::create(&tty).unwrap();
    let used = now - std::time::Duration::from_secs(7200 + 10);
    let times = std::fs::FileTimes::new()
        .set_accessed(used)
        .set_modified(used);
    terminal.set_times(times).unwrap();
    let records = 4096 * 2 + 777;
    // Boots: an hour ago in the first chunk (after the terminal's use: the
    // second chunk's users are `old`), long ago early in the third.
    let boots = [(10, secs(3600)), (4096 * 2 + 5, secs(100_000))];
    let kinds = [
        EntryType::UserProcess,
        EntryType::DeadProcess,
        EntryType::LoginProcess,
        EntryType::InitProcess,
        EntryType::RunLevel,
        EntryType::NewTime,
    ];
    let entries: Vec<Entry> = (0..records)
        .map(|i| {
            let b = EntryBuilder::new(kinds[i % 7 % kinds.len()])
                .user(format!("u{}", i % 13))
                .id(format!("{}", i % 100))
                .pid(i as i32 + 1)
                .host(if i % 3 == 0 { "" } else { "example.org" })
                .seconds(T + 61 * i as i64);
            let b = match boots.iter().find(|(at, _)| *at == i) {
                Some((_, t)) => EntryBuilder::new(EntryType::BootTime).line("~").seconds(*t),
                None if i % 2 == 0 => b.line(tty.to_str().unwrap()),
                None => b.line(format!("pts/{}", i % 5)),
            };
            b.build().unwrap()
        })
        .collect();
    let mut bytes = Vec::new();
    utmp::write_entries(&mut bytes, &entries).unwrap();
    let whole = TempFile::new(&bytes);
    bytes.extend_from_slice(&[9; 17]);
    let partial = TempFile::new(&bytes);
    let options: [&[&str]; 12] = [
        &[],
        &["-a"],
        &["-H", "-u"],
        &["-s"],
        &["-l"],
        &["-d"],
        &["-T"],
        &["-b"],
        &["-r"],
        &["-t", "-p"],
        &["-q"],
        &["-a", "-H"],
    ];
    let mut idle_rows = [0, 0];
    for file in [&whole, &partial] {
        for zone in ["UTC", "Europe/Berlin"] {
            for opts in options {
                let mut args = vec!["who"];
                args.extend_from_slice(opts);
                args.push(file.arg());
                let run = |args: &[&str]| utmp().args(args).env("TZ", zone).output().unwrap();
                let mapped = run(&args);
                args.insert(1, "--no-mmap");
                let streamed = run(&args);
                assert_eq!(mapped.status.code(), Some(0), "{args:?}");
                assert_eq!(streamed.status.code(), Some(0), "{args:?}");
                assert!(
                    mapped.stdout == streamed.stdout,
                    "{args:?} {zone}: stdout differs"
                );
                assert_eq!(mapped.stderr, streamed.stderr, "{args:?} {zone}");
                let text = String::from_utf8_lossy(&mapped.stdout);
                if opts == ["-a"] {
                    // 02:00, or a few minutes more on a slow machine.
                    idle_rows[0] += text.matches(" 02:0").count();
                    idle_rows[1] += text.matches(" old ").count();
                }
            }
        }
    }
    drop(terminal);
    let _ = std::fs::remove_file(&tty);
    // Both idle states were shown (the first chunk's users before its boot
    // are idle, the second chunk's `old` only through the first's boot).
    assert!(idle_rows[0] > 0 && idle_rows[1] > 0, "{idle_rows:?}");
}
