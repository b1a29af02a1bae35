//! `utmp dump --follow` and `utmp last --follow`, run as a user runs them: a
//! writer appends records in pieces that split records, the file is rotated,
//! copied and truncated, deleted and made again, and every line comes out
//! once and in order; Ctrl-C and a closed pipe end it with exit status 0; an
//! idle follower uses no CPU. Every wait is bounded, and the child is killed
//! if a test fails, so that nothing hangs or stays behind.

mod common;
use common::{runnable, utmp};

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use utmp::{Entry, EntryBuilder, EntryType};

/// How long any one expected line may take (qemu-user is slow to start).
const LINE_WAIT: Duration = Duration::from_secs(8);

struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "utmp-cli-follow-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join("wtmp")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A running `utmp`, its stdout read line by line on a thread; killed on
/// drop unless it ended.
struct Running {
    child: Child,
    lines: Receiver<String>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = utmp()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = read_lines(child.stdout.take().unwrap());
        Running { child, lines }
    }

    /// The next line, or a failure naming what was expected.
    fn line(&self, what: &str) -> String {
        match self.lines.recv_timeout(LINE_WAIT) {
            Ok(l) => l,
            Err(e) => panic!("no line for {what} within {LINE_WAIT:?}: {e}"),
        }
    }

    /// Waits until the process has `path` open (it is following it), then a
    /// little more for it to set up its watch. Records written before that
    /// are "before the start" to a follower that starts at the end.
    fn wait_following(&self, path: &Path) {
        let fds = PathBuf::from(format!("/proc/{}/fd", self.child.id()));
        let deadline = Instant::now() + LINE_WAIT;
        while Instant::now() < deadline {
            let open = fs::read_dir(&fds)
                .into_iter()
                .flatten()
                .flatten()
                .any(|fd| fs::read_link(fd.path()).is_ok_and(|l| l == path));
            if open {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(200));
    }

    /// Sends a signal with the shell's kill (tests have no unsafe code, and
    /// /bin/kill, from procps, is not always installed).
    fn signal(&self, name: &str) {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("kill -{name} {}", self.child.id()))
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits (bounded) for the end: the exit status and stderr.
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        let deadline = Instant::now() + LINE_WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut err = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    std::io::Read::read_to_string(&mut e, &mut err).unwrap();
                }
                return (status, err);
            }
            assert!(Instant::now() < deadline, "utmp did not end");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The CPU time (user + system) the process used so far, from
    /// /proc/PID/stat, in clock ticks.
    fn cpu_ticks(&self) -> u64 {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // The fields after the command name, which is in parentheses.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = rest.split(' ').collect();
        // utime and stime are fields 14 and 15; `rest` starts at field 3.
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_lines(out: ChildStdout) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn record(i: usize) -> Entry {
    EntryBuilder::new(EntryType::UserProcess)
        .pid(i as i32)
        .user(format!("u{i}"))
        .line(format!("pts/{}", i % 50))
        .host("example.org")
        .seconds(1_700_000_000 + i as i64)
        .build()
        .unwrap()
}

fn bytes_of(range: std::ops::Range<usize>) -> Vec<u8> {
    range.flat_map(|i| record(i).as_bytes().to_vec()).collect()
}

fn append(path: &Path, bytes: &[u8]) {
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
}

/// `utmp dump` (not following) of these records: the lines expected.
fn dumped(dir: &Scratch, range: std::ops::Range<usize>, json: bool) -> Vec<String> {
    let path = dir.0.join("expected");
    fs::write(&path, bytes_of(range)).unwrap();
    let mut cmd = utmp();
    cmd.arg("dump").arg(&path);
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Appends records `from..to` in pieces of 1 to 700 bytes (records split
/// across writes) with short pauses.
fn write_in_pieces(path: &Path, from: usize, to: usize, seed: &mut u64) {
    let all = bytes_of(from..to);
    let mut at = 0;
    while at < all.len() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let end = (at + 1 + (*seed % 700) as usize).min(all.len());
        append(path, &all[at..end]);
        at = end;
        if *seed % 3 == 0 {
            std::thread::sleep(Duration::from_millis(*seed % 4));
        }
    }
}

fn dump_follow_through_upsets(json: bool, poll: Option<&str>) {
    let s = Scratch::new();
    let path = s.file();
    fs::write(&path, bytes_of(0..15)).unwrap();
    let expected = dumped(&s, 5..75, json);
    let p = path.to_str().unwrap();
    let mut args = vec!["dump", "-f", p];
    if json {
        args.push("--json");
    }
    if let Some(interval) = poll {
        args.extend(["--poll", interval]);
    }
    let run = Running::start(&args);
    let mut seen = Vec::new();
    let take = |n: usize, seen: &mut Vec<String>| {
        for _ in 0..n {
            seen.push(run.line(&format!("line {} of {}", seen.len() + 1, expected.len())));
        }
    };
    // The last 10 records, as utmpdump -f shows them.
    take(10, &mut seen);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ std::process::id() as u64;
    write_in_pieces(&path, 15, 30, &mut seed);
    take(15, &mut seen);
    // logrotate `create`: rename, new file.
    fs::rename(&path, path.with_extension("1")).unwrap();
    File::create(&path).unwrap();
    write_in_pieces(&path, 30, 45, &mut seed);
    take(15, &mut seen);
    // logrotate `copytruncate` (every record before it has been shown).
    fs::copy(&path, path.with_extension("2")).unwrap();
    OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(0)
        .unwrap();
    write_in_pieces(&path, 45, 60, &mut seed);
    take(15, &mut seen);
    // Deleted, made again.
    fs::remove_file(&path).unwrap();
    write_in_pieces(&path, 60, 75, &mut seed);
    take(15, &mut seen);
    assert_eq!(seen, expected);
    run.signal("INT");
    let extra: Vec<String> = run.lines.try_iter().collect();
    let (status, err) = run.finish();
    assert!(extra.is_empty(), "lines after the last record: {extra:?}");
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    let notices: Vec<&str> = err.lines().collect();
    assert_eq!(
        notices,
        [
            format!("utmp: {p}: replaced (rotated?); following the new file"),
            format!("utmp: {p}: file truncated; reading it again from its start"),
            format!("utmp: {p}: replaced (rotated?); following the new file"),
        ],
        "{err}"
    );
}

#[test]
fn dump_follow_shows_the_last_ten_then_every_record_once_through_rotation() {
    if runnable("dump --follow") {
        dump_follow_through_upsets(false, None);
    }
}

#[test]
fn dump_follow_json_polling() {
    if runnable("dump --follow --json --poll") {
        dump_follow_through_upsets(true, Some("0.01"));
    }
}

#[test]
fn a_closed_pipe_and_sigterm_end_quietly() {
    if !runnable("dump --follow and a closed pipe") {
        return;
    }
    let s = Scratch::new();
    let path = s.file();
    fs::write(&path, bytes_of(0..1)).unwrap();
    let mut run = Running::start(&["dump", "--follow", path.to_str().unwrap()]);
    run.line("the first record");
    // Close the reading end: the next write gets EPIPE.
    run.lines = mpsc::channel().1;
    let deadline = Instant::now() + LINE_WAIT;
    let mut i = 1;
    while run.child.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "utmp kept running with its pipe closed"
        );
        append(&path, &bytes_of(i..i + 1));
        i += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, err) = run.finish();
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));

    let run = Running::start(&["last", "--follow", "-f", path.to_str().unwrap()]);
    run.wait_following(&path);
    append(&path, &bytes_of(100..101));
    run.line("a login");
    run.signal("TERM");
    let (status, err) = run.finish();
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));
}

#[test]
fn an_ignored_sigint_stays_ignored() {
    if !runnable("dump --follow started with SIGINT ignored") {
        return;
    }
    let s = Scratch::new();
    let path = s.file();
    fs::write(&path, bytes_of(0..1)).unwrap();
    // As a shell starts a background job of a script, or `nohup`.
    let command = common::argv()
        .iter()
        .map(|a| format!("'{}'", a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' INT; exec {command} dump -f '{}'",
            path.display()
        ))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = read_lines(child.stdout.take().unwrap());
    let run = Running { child, lines };
    run.line("the first record");
    run.signal("INT");
    append(&path, &bytes_of(1..2));
    run.line("a record after SIGINT");
    run.signal("TERM");
    let (status, err) = run.finish();
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));
}

#[test]
fn following_standard_input_is_refused() {
    if !runnable("dump -f -") {
        return;
    }
    let out = utmp().args(["dump", "-f", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "utmp: following standard input is unsupported\n"
    );
    let out = utmp().args(["dump", "--poll", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "--poll without --follow");
    let out = utmp()
        .args(["dump", "-f", "--poll", "0", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a zero interval");
    let s = Scratch::new();
    let missing = s.file();
    let out = utmp()
        .args(["last", "--follow", "-f", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No such file"));
}

fn at(secs: i64) -> i64 {
    1_700_000_000 + secs
}

fn login(user: &str, line: &str, pid: i32, secs: i64) -> Entry {
    EntryBuilder::new(EntryType::UserProcess)
        .user(user)
        .line(line)
        .host("10.0.0.1")
        .pid(pid)
        .seconds(at(secs))
        .build()
        .unwrap()
}

fn logout(line: &str, pid: i32, secs: i64) -> Entry {
    EntryBuilder::new(EntryType::DeadProcess)
        .line(line)
        .pid(pid)
        .seconds(at(secs))
        .build()
        .unwrap()
}

#[test]
fn last_follow_tells_each_login_logout_boot_and_failed_login() {
    if !runnable("last --follow") {
        return;
    }
    let s = Scratch::new();
    let path = s.file();
    // Logged in before the follow starts: its logout must name it.
    fs::write(&path, login("alice", "pts/0", 10, 0).as_bytes()).unwrap();
    let p = path.to_str().unwrap();
    let text = Running::start(&["last", "--follow", "-f", p]);
    let json = Running::start(&["last", "--follow", "--json", "-f", p]);
    let tabs = Running::start(&["last", "--follow", "-T", "-f", p, "bob"]);
    for run in [&text, &json, &tabs] {
        run.wait_following(&path);
    }
    append(&path, login("bob", "pts/1", 11, 60).as_bytes());
    let first = [text.line("login"), json.line("login"), tabs.line("login")];
    append(&path, logout("pts/0", 10, 120).as_bytes());
    append(&path, logout("pts/1", 11, 200).as_bytes());
    let boot = EntryBuilder::new(EntryType::BootTime)
        .user("reboot")
        .line("~")
        .host("6.1.0")
        .seconds(at(180))
        .build()
        .unwrap();
    append(&path, boot.as_bytes());
    let env_tz = std::env::var("TZ").ok();
    let lines = [
        first[0].clone(),
        text.line("logout"),
        text.line("logout"),
        text.line("boot"),
    ];
    let starts: Vec<String> = lines
        .iter()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        starts,
        [
            "login bob pts/1",
            "logout alice pts/0",
            "logout bob pts/1",
            "boot reboot system"
        ],
        "{lines:#?} (TZ {env_tz:?})"
    );
    // The logout line is `last`'s line of the whole session: 2 minutes.
    assert!(lines[1].ends_with("(00:02)"), "{}", lines[1]);
    assert!(lines[0].ends_with("still logged in"), "{}", lines[0]);
    assert!(
        lines[0].starts_with("login        bob      pts/1 "),
        "{}",
        lines[0]
    );
    let objects = [
        first[1].clone(),
        json.line("logout"),
        json.line("logout"),
        json.line("boot"),
    ];
    let parsed: Vec<serde_json::Value> = objects
        .iter()
        .map(|o| serde_json::from_str(o).unwrap())
        .collect();
    let summary: Vec<(String, String, Option<u64>)> = parsed
        .iter()
        .map(|v| {
            (
                v["event"].as_str().unwrap().to_owned(),
                v["user"].as_str().unwrap().to_owned(),
                v["duration"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("login".into(), "bob".into(), None),
            ("logout".into(), "alice".into(), Some(120)),
            ("logout".into(), "bob".into(), Some(140)),
            ("boot".into(), "reboot".into(), None),
        ]
    );
    assert!(objects[0].starts_with("{\"event\":\"login\",\"kind\":\"user\","));
    // Only bob's sessions, the event and `last -T`'s columns tab-separated.
    assert!(
        first[2].starts_with("login\tbob     \tpts/1 "),
        "{:?}",
        first[2]
    );
    assert!(tabs.line("bob's logout").starts_with("logout\tbob "));
    for run in [text, json, tabs] {
        run.signal("INT");
        let (status, err) = run.finish();
        assert_eq!((status.code(), err.as_str()), (Some(0), ""));
    }

    // --bad: every record is a failed login.
    let btmp = s.0.join("btmp");
    fs::write(&btmp, b"").unwrap();
    let bad = Running::start(&["last", "--follow", "--bad", "-f", btmp.to_str().unwrap()]);
    bad.wait_following(&btmp);
    let failed = EntryBuilder::new(EntryType::LoginProcess)
        .user("root")
        .line("ssh:notty")
        .host("192.0.2.7")
        .seconds(at(300))
        .build()
        .unwrap();
    append(&btmp, failed.as_bytes());
    let line = bad.line("a failed login");
    assert!(
        line.starts_with("failed_login root     ssh:notty    192.0.2.7"),
        "{line}"
    );
}

/// CPU time of an idle follower over 2 seconds, in milliseconds.
fn idle_cpu_ms(extra: &[&str]) -> Option<u64> {
    let s = Scratch::new();
    let path = s.file();
    fs::write(&path, bytes_of(0..1)).unwrap();
    let mut args = vec!["dump", "-f", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = Running::start(&args);
    // Following once the first record is out; let it settle.
    run.line("the first record");
    std::thread::sleep(Duration::from_millis(300));
    if !Path::new(&format!("/proc/{}/stat", run.child.id())).exists() {
        common::skip(format_args!("idle CPU time (no /proc/PID/stat here)"));
        return None;
    }
    let before = run.cpu_ticks();
    std::thread::sleep(Duration::from_secs(2));
    let after = run.cpu_ticks();
    // USER_HZ: 100 on every Linux architecture (getconf CLK_TCK).
    let hz = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(100);
    Some((after - before) * 1000 / hz)
}

#[test]
fn an_idle_follower_sleeps() {
    if !runnable("idle follower CPU time") {
        return;
    }
    for extra in [&[][..], &["--poll", "0.25"][..]] {
        if let Some(ms) = idle_cpu_ms(extra) {
            println!("idle follower {extra:?}: {ms} ms of CPU over 2 s");
            assert!(ms < 20, "{extra:?}: {ms} ms of CPU over 2 idle seconds");
        }
    }
}

#[test]
fn dump_follow_matches_utmpdump_f() {
    if !runnable("dump -f against utmpdump -f") {
        return;
    }
    // The installed utmpdump is x86_64 glibc's: 384-byte little-endian
    // records, which i686 glibc writes too.
    if !(cfg!(all(
        target_os = "linux",
        target_env = "gnu",
        target_endian = "little"
    )) && utmp::RECORD_SIZE == 384)
    {
        common::skip(format_args!(
            "utmpdump -f comparison (the installed utmpdump reads x86_64 glibc records)"
        ));
        return;
    }
    let Ok(probe) = std::process::Command::new("utmpdump")
        .arg("--version")
        .output()
    else {
        common::skip(format_args!(
            "utmpdump -f comparison (utmpdump not found; install util-linux)"
        ));
        return;
    };
    assert!(probe.status.success());
    let s = Scratch::new();
    let path = s.file();
    fs::write(&path, bytes_of(0..25)).unwrap();
    let p = path.to_str().unwrap();
    let ours = Running::start(&["dump", "-f", p]);
    let mut theirs = std::process::Command::new("utmpdump");
    theirs
        .args(["-f", p])
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = theirs.spawn().unwrap();
    let theirs = Running {
        lines: read_lines(child.stdout.take().unwrap()),
        child,
    };
    let take = |run: &Running, n: usize| -> Vec<String> {
        (0..n).map(|i| run.line(&format!("line {i}"))).collect()
    };
    // The last ten records first.
    let (a, b) = (take(&ours, 10), take(&theirs, 10));
    assert_eq!(a, b);
    assert_eq!(a, dumped(&s, 15..25, false));
    // utmpdump closes the file and sets an inotify watch after printing:
    // wait for its inotify descriptor (a write before the watch would
    // never reach it).
    let fds = PathBuf::from(format!("/proc/{}/fd", theirs.child.id()));
    let deadline = Instant::now() + LINE_WAIT;
    while !fs::read_dir(&fds)
        .into_iter()
        .flatten()
        .flatten()
        .any(|fd| fs::read_link(fd.path()).is_ok_and(|l| l.to_string_lossy().contains("inotify")))
    {
        assert!(
            Instant::now() < deadline,
            "utmpdump -f set no inotify watch"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    ours.wait_following(&path);
    append(&path, &bytes_of(25..28));
    assert_eq!(take(&ours, 3), take(&theirs, 3));
}

#[test]
fn dump_follow_reads_a_file_of_another_format_as_dump_does() {
    if !runnable("utmp dump -f of another format") {
        return;
    }
    // s390x's big-endian 400-byte records.
    let f: utmp::Format = "glibc-400-be".parse().unwrap();
    let enc = |r: std::ops::Range<usize>| -> Vec<u8> {
        r.flat_map(|i| f.encode(&record(i)).unwrap()).collect()
    };
    let s = Scratch::new();
    let path = s.file();
    fs::write(&path, enc(0..4)).unwrap();
    // What `utmp dump --format` prints for all of them, not following.
    let whole = s.0.join("whole");
    fs::write(&whole, enc(0..8)).unwrap();
    let out = utmp()
        .args(["dump", "--format", "glibc-400-be"])
        .arg(&whole)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let expected: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(expected.len(), 8);
    let p = path.to_str().unwrap();
    let run = Running::start(&["dump", "-f", "--format", "glibc-400-be", p]);
    let mut seen: Vec<String> = (0..4).map(|i| run.line(&format!("line {i}"))).collect();
    let more = enc(4..8);
    append(&path, &more[..601]);
    append(&path, &more[601..]);
    seen.extend((4..8).map(|i| run.line(&format!("line {i}"))));
    assert_eq!(seen, expected);
    run.signal("INT");
    let (status, err) = run.finish();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
}

/// A wtmpdb database in `s` (wtmpdb's table) holding one open login,
/// `early` on pts/1 from a.example, and the connection that writes more.
#[cfg(target_os = "linux")]
fn wtmpdb_with_one_login(s: &Scratch) -> (std::path::PathBuf, rusqlite::Connection) {
    let db = s.0.join("wtmp.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, \
         Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT);
         INSERT INTO wtmp VALUES (1, 3, 'early', 1700000000000000, NULL, 'pts/1', 'a.example', 'sshd');",
    )
    .unwrap();
    (db, conn)
}

/// `last --follow` on a wtmpdb database: each new login and each logout
/// once, laid out as `utmp last -f DB` (wtmpdb's layout) shows that row.
#[cfg(target_os = "linux")]
#[test]
fn last_follow_on_a_wtmpdb_database_tells_logins_and_logouts() {
    if !runnable("last --follow on wtmpdb") {
        return;
    }
    let s = Scratch::new();
    let (db, conn) = wtmpdb_with_one_login(&s);
    let login = |id: i64| {
        conn.execute(
            "INSERT INTO wtmp VALUES (?1, 3, ?2, ?3, NULL, 'pts/2', 'b.example', 'login')",
            rusqlite::params![
                id,
                format!("user{id}"),
                1_700_000_000_000_000i64 + id * 1_000_000
            ],
        )
        .unwrap();
    };
    let p = db.to_str().unwrap();
    let run = Running::start(&["last", "--follow", "--poll", "0.01", "-f", p]);
    // The follower starts at the end: rows written before its first look
    // are not shown. Write logins until one is.
    let deadline = Instant::now() + LINE_WAIT;
    let mut id = 2;
    let first = loop {
        login(id);
        if let Ok(line) = run.lines.recv_timeout(Duration::from_millis(100)) {
            break line;
        }
        assert!(Instant::now() < deadline, "no login line");
        id += 1;
    };
    assert!(first.starts_with("login       user"), "{first:?}");
    let shown_from: i64 = first[12..].split_whitespace().next().unwrap()[4..]
        .parse()
        .unwrap();
    assert!((2..=id).contains(&shown_from), "{first:?}");
    let mut seen = vec![first];
    for later in shown_from + 1..=id {
        seen.push(run.line(&format!("login of user{later}")));
    }
    // The logout of the row open before the start.
    conn.execute("UPDATE wtmp SET Logout = Login + 90000000 WHERE ID = 1", [])
        .unwrap();
    seen.push(run.line("logout of early"));
    run.signal("INT");
    let (status, err) = run.finish();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    // Each line is `utmp last -f DB`'s line for that row.
    let out = utmp().args(["last", "-f", p]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let listed = String::from_utf8(out.stdout).unwrap();
    let line_of = |user: &str| -> String {
        listed
            .lines()
            .find(|l| l.split_whitespace().next() == Some(user))
            .unwrap_or_else(|| panic!("{user} not in {listed}"))
            .to_owned()
    };
    for (n, line) in seen.iter().enumerate() {
        let (word, rest) = line.split_at(12);
        let user = rest.split_whitespace().next().unwrap();
        let want_word = if user == "early" { "logout" } else { "login" };
        assert_eq!(word.trim_end(), want_word, "line {n}: {line:?}");
        if user == "early" {
            assert!(rest.contains("(00:01)"), "{rest:?}");
        }
        // A login line says "still logged in"; the listing now does too,
        // for every row but the one logged out.
        assert_eq!(rest, line_of(user), "line {n}");
    }
}

/// `last --follow --json` on a wtmpdb database: one object per event, the
/// row in the entries' JSON form (docs/json.md); values worked out by hand.
#[cfg(target_os = "linux")]
#[test]
fn last_follow_json_on_a_wtmpdb_database_uses_the_entries_names_and_times() {
    if !runnable("last --follow --json on wtmpdb") {
        return;
    }
    let s = Scratch::new();
    let (db, conn) = wtmpdb_with_one_login(&s);
    let p = db.to_str().unwrap();
    let run = Running::start(&["last", "--follow", "--json", "--poll", "0.01", "-f", p]);
    // The follower starts at the end: write logins until one is shown.
    let deadline = Instant::now() + LINE_WAIT;
    let mut id = 2i64;
    let first = loop {
        conn.execute(
            "INSERT INTO wtmp VALUES (?1, 3, 'later', 1700000060000000, NULL, 'pts/2', NULL, 'login')",
            rusqlite::params![id],
        )
        .unwrap();
        if let Ok(line) = run.lines.recv_timeout(Duration::from_millis(100)) {
            break line;
        }
        assert!(Instant::now() < deadline, "no login line");
        id += 1;
    };
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(first["event"], "login", "{first}");
    assert_eq!(first["login"], "2023-11-14T22:14:20.000000Z", "{first}");
    assert_eq!(first["logout"], serde_json::Value::Null, "{first}");
    assert_eq!(first["host"], serde_json::Value::Null, "{first}");
    for _ in first["id"].as_i64().unwrap() + 1..=id {
        run.line("a later login");
    }
    // The logout of the row open before the start.
    conn.execute("UPDATE wtmp SET Logout = 1700000090500000 WHERE ID = 1", [])
        .unwrap();
    let line = run.line("logout of early");
    run.signal("INT");
    let (status, err) = run.finish();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    // 1700000000 s is 2023-11-14T22:13:20Z (`date -u -d @1700000000`).
    let want = serde_json::json!({
        "event": "logout",
        "id": 1,
        "type_raw": 3,
        "user": "early",
        "line": "pts/1",
        "host": "a.example",
        "service": "sshd",
        "login": "2023-11-14T22:13:20.000000Z",
        "logout": "2023-11-14T22:14:50.500000Z",
        "login_us": 1_700_000_000_000_000i64,
        "logout_us": 1_700_000_090_500_000i64,
    });
    assert_eq!(v, want, "{line}");
}
