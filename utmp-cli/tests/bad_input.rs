//! The bad-input matrix of docs/robustness.md, for the `utmp` command: what
//! it prints and its exit status for each bad input. Expected lines are worked
//! out by hand from utmpdump's format (util-linux utmpdump.c: `[%d] [%05d]
//! [%-4.4s] [%-8s] [%-12s] [%-20s] [%-15s] [time]`, non-printable bytes as
//! `?`), never taken from a run of the command under test.

mod common;
use common::{argv, runnable, utmp, BIN};

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use utmp::{Entry, EntryBuilder, EntryType, RECORD_SIZE};

/// A scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "utmp-cli-bad-input-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&std::ffi::OsStr], stdin: &[u8]) -> Output {
    let mut child = utmp()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn dump(path: &Path) -> Output {
    run(&["dump".as_ref(), path.as_os_str()], b"")
}

/// `utmp dump --format host`: the file read as this host's records whatever
/// detection would say.
fn dump_as_host(path: &Path) -> Output {
    run(
        &[
            "dump".as_ref(),
            "--format".as_ref(),
            "host".as_ref(),
            path.as_os_str(),
        ],
        b"",
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn records(es: &[Entry]) -> Vec<u8> {
    es.iter().flat_map(|e| *e.as_bytes()).collect()
}

/// A USER_PROCESS record for `who` on pts/N.
fn login(n: i32) -> Entry {
    EntryBuilder::new(EntryType::UserProcess)
        .pid(100 + n)
        .id(format!("{n:04}"))
        .user("who")
        .line(format!("pts/{n}"))
        .host("example")
        .seconds(1_000_000_000 + i64::from(n))
        .build()
        .unwrap()
}

/// utmpdump's line for `login(n)`, by hand: 1,000,000,000 s after the epoch
/// is 2001-09-09T01:46:40Z.
fn login_line(n: i32) -> String {
    format!(
        "[7] [{:05}] [{n:04}] [who     ] [{:<12}] [example             ] [0.0.0.0        ] \
         [2001-09-09T01:{:02}:{:02},000000+00:00]\n",
        100 + n,
        format!("pts/{n}"),
        46 + (40 + n) / 60,
        (40 + n) % 60
    )
}

const WARNING: &str = "do not look like this platform's";

#[test]
fn empty_file() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let f = s.file("empty", b"");
    let out = dump(&f);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    // `last` as util-linux: an empty line, then `<name> begins <mtime>`.
    let out = run(&["last".as_ref(), "-f".as_ref(), f.as_os_str()], b"");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout(&out).starts_with("\nempty begins "), "{out:?}");
}

#[test]
fn one_byte_file() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let f = s.file("one", &[7]);
    let out = dump(&f);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(&format!("utmp: {}: ", f.display())),
        "{lines:?}"
    );
    assert!(
        lines[0].contains(&format!(
            "short trailing record: 1 of {RECORD_SIZE} bytes at byte offset 0"
        )),
        "{lines:?}"
    );
    // `last` shows what it can and warns (util-linux ignores the bytes silently).
    let out = run(&["last".as_ref(), "-f".as_ref(), f.as_os_str()], b"");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stderr_lines(&out)
        .iter()
        .any(|l| l.contains("short trailing record")));
}

#[test]
fn short_trailing_record_after_whole_ones() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let mut bytes = records(&[login(1), login(2)]);
    bytes.extend([0xab; 10]);
    let f = s.file("short", &bytes);
    let out = dump(&f);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(stdout(&out), login_line(1) + &login_line(2));
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let offset = 2 * RECORD_SIZE;
    assert!(
        lines[0].contains(&format!(
            "10 of {RECORD_SIZE} bytes at byte offset {offset}"
        )),
        "{lines:?}"
    );
    assert!(
        lines[0].contains("dumped the 2 whole record(s)"),
        "{lines:?}"
    );
}

#[test]
fn all_zero_and_all_ff_records() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let zero = s.file("zero", &[0; RECORD_SIZE]);
    let out = dump(&zero);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    assert_eq!(
        stdout(&out),
        "[0] [00000] [    ] [        ] [            ] [                    ] \
         [0.0.0.0        ] [1970-01-01T00:00:00,000000+00:00]\n"
    );

    let ff = s.file("ff", &[0xff; RECORD_SIZE]);
    let out = dump(&ff);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    // Every string is a whole array of 0xFF, shown as `?`; the address is all ones.
    let want_head = format!(
        "[-1] [-0001] [????] [{}] [{}] [{}] [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff] [",
        "?".repeat(32),
        "?".repeat(32),
        "?".repeat(256)
    );
    assert!(text.starts_with(&want_head), "{text}");
    if RECORD_SIZE == 384 && cfg!(target_arch = "x86_64") {
        // 32-bit tv_sec read unsigned: 2^32-1 s is 2106-02-07T06:28:15Z; tv_usec
        // -1 goes through util-linux's 32-bit nanoseconds: (2^32 - 1000) / 1000.
        assert!(
            text.ends_with("[2106-02-07T06:28:15,4294966+00:00]\n"),
            "{text}"
        );
    }
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("utmp: warning: 1 of 1 record(s)"),
        "{lines:?}"
    );
    assert!(lines[0].contains("ut_type -1"), "{lines:?}");

    if RECORD_SIZE != 384 {
        common::skip(format_args!(
            "the s4 all-0x00/0xFF fixtures (384-byte records; {RECORD_SIZE} here)"
        ));
    } else {
        let dir = common::repo_fixtures();
        for (name, want) in [
            ("host-entry1_(all_0x00).wtmp", &zero),
            ("host-entry1_(all_0xFF).wtmp", &ff),
        ] {
            let fixture = dir.join("s4/programs/utmp").join(name);
            assert_eq!(
                fs::read(&fixture).unwrap(),
                fs::read(want).unwrap(),
                "{name}"
            );
            assert_eq!(dump(&fixture).stdout, dump(want).stdout, "{name}");
        }
    }
}

#[test]
fn odd_numbers_unknown_types_negative_pids_bad_microseconds_time_limits() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let es = [
        EntryBuilder::new(EntryType::from_raw(-5)).pid(-1),
        EntryBuilder::new(EntryType::from_raw(i16::MAX)).pid(i32::MIN),
        EntryBuilder::new(EntryType::UserProcess).microseconds(1_000_000),
        EntryBuilder::new(EntryType::UserProcess).microseconds(-1),
        EntryBuilder::new(EntryType::UserProcess).seconds((1 << 31) - 1),
        EntryBuilder::new(EntryType::UserProcess).seconds((1 << 32) - 1),
    ]
    .map(|b| b.build().unwrap());
    let f = s.file("odd", &records(&es));
    let out = dump(&f);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    let blank = "[    ] [        ] [            ] [                    ] [0.0.0.0        ]";
    let epoch = "[1970-01-01T00:00:00,000000+00:00]";
    assert_eq!(lines[0], format!("[-5] [-0001] {blank} {epoch}"));
    assert_eq!(lines[1], format!("[32767] [-2147483648] {blank} {epoch}"));
    // utmpdump shows an out-of-range tv_usec as 0, a negative one wrapped.
    assert_eq!(lines[2], format!("[7] [00000] {blank} {epoch}"));
    assert_eq!(
        lines[3],
        format!("[7] [00000] {blank} [1970-01-01T00:00:00,4294966+00:00]")
    );
    assert_eq!(
        lines[4],
        format!("[7] [00000] {blank} [2038-01-19T03:14:07,000000+00:00]")
    );
    assert_eq!(
        lines[5],
        format!("[7] [00000] {blank} [2106-02-07T06:28:15,000000+00:00]")
    );
    // Four of them could not have been written by a C library: one warning.
    let err = stderr_lines(&out);
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0].starts_with("utmp: warning: 4 of 6 record(s)"),
        "{err:?}"
    );
    // JSON keeps every value exactly, and reads back to the same bytes.
    json_round_trip(&s, &f);
}

/// `dump --json` then `undump --json` gives the file back, byte for byte.
fn json_round_trip(s: &Scratch, f: &Path) {
    let out = run(&["dump".as_ref(), "--json".as_ref(), f.as_os_str()], b"");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let back = s.0.join("back");
    let out2 = run(
        &[
            "undump".as_ref(),
            "--json".as_ref(),
            "-o".as_ref(),
            back.as_os_str(),
        ],
        &out.stdout,
    );
    assert_eq!(out2.status.code(), Some(0), "{out2:?}");
    assert_eq!(fs::read(&back).unwrap(), fs::read(f).unwrap());
}

#[test]
fn full_strings_and_non_utf8_control_bytes() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let es = [
        EntryBuilder::new(EntryType::UserProcess)
            .id([b'i'; 4])
            .user([b'u'; 32])
            .line([b'l'; 32])
            .host([b'h'; 256]),
        EntryBuilder::new(EntryType::UserProcess)
            .id(b"\x1b\xff")
            .user(b"\x1b[31mred\x07")
            .line(b"\xc3\x28tty")
            .host(b"\r\n\t\x7f\x80"),
    ]
    .map(|b| b.build().unwrap());
    let f = s.file("strings", &records(&es));
    let out = dump(&f);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let tail = "[0.0.0.0        ] [1970-01-01T00:00:00,000000+00:00]";
    assert_eq!(
        lines[0],
        format!(
            "[7] [00000] [iiii] [{}] [{}] [{}] {tail}",
            "u".repeat(32),
            "l".repeat(32),
            "h".repeat(256)
        )
    );
    // Nothing but printable ASCII reaches the terminal; utmpdump also turns
    // `[` and `]` into `?` (they would end a field). utmpdump 2.38.1 prints
    // this same line for this record.
    assert_eq!(
        lines[1],
        format!("[7] [00000] [??  ] [??31mred?] [?(tty       ] [?????               ] {tail}")
    );
    assert!(out
        .stdout
        .iter()
        .all(|&b| b == b'\n' || (0x20..0x7f).contains(&b)));
    json_round_trip(&s, &f);
}

#[test]
fn a_directory_and_a_missing_path() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let out = dump(&s.0);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr_lines(&out),
        [format!(
            "utmp: {}: Is a directory (os error 21)",
            s.0.display()
        )]
    );
    let missing = s.0.join("missing");
    for args in [
        vec!["dump".as_ref(), missing.as_os_str()],
        vec!["last".as_ref(), "-f".as_ref(), missing.as_os_str()],
    ] {
        let out = run(&args, b"");
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            stderr_lines(&out),
            [format!(
                "utmp: {}: No such file or directory (os error 2)",
                missing.display()
            )]
        );
    }
}

#[test]
fn permission_denied_as_nobody() {
    use std::os::unix::fs::PermissionsExt;
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    fs::set_permissions(&s.0, fs::Permissions::from_mode(0o755)).unwrap();
    let f = s.file("secret", &records(&[login(1)]));
    fs::set_permissions(&f, fs::Permissions::from_mode(0o600)).unwrap();
    // /proc/self belongs to the effective user.
    let euid = {
        use std::os::unix::fs::MetadataExt;
        fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(u32::MAX)
    };
    let mut cmd = if euid == 0 {
        // nobody runs a copy in the scratch folder (0755 under the temporary
        // directory): the checkout may sit under a directory that only its
        // owner may enter.
        let bin = s.0.join("utmp");
        fs::copy(BIN, &bin).unwrap();
        fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
        let mut argv = argv();
        argv.pop();
        argv.push(bin.into());
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .args(argv);
        c
    } else {
        // Not root: our own file without the read bit is denied to us too.
        fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
        utmp()
    };
    let out = match cmd.arg("dump").arg(&f).output() {
        Ok(out) => out,
        Err(e) => {
            common::skip(format_args!(
                "permission denied as nobody (setpriv: {e}; install util-linux)"
            ));
            return;
        }
    };
    let err = String::from_utf8_lossy(&out.stderr);
    if euid == 0 && err.starts_with("setpriv:") {
        // setpriv itself failed (no such user id, no capability).
        common::skip(format_args!(
            "permission denied as nobody (setpriv failed: {err})"
        ));
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr_lines(&out),
        [format!(
            "utmp: {}: Permission denied (os error 13)",
            f.display()
        )]
    );
}

#[test]
fn a_fifo_and_stdin() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let es: Vec<Entry> = (0..30).map(login).collect();
    let bytes = records(&es);
    let want: String = (0..30).map(login_line).collect();
    // stdin, as `-`.
    let out = run(&["dump".as_ref(), "-".as_ref()], &bytes);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), want);
    // A FIFO fed in pieces that split records.
    let fifo = s.0.join("fifo");
    // mkfifo(1) from coreutils: no unsafe outside the library's system module.
    let made = Command::new("mkfifo")
        .arg("-m")
        .arg("600")
        .arg(&fifo)
        .status();
    if !matches!(made, Ok(s) if s.success()) {
        common::skip(format_args!("FIFO (mkfifo: {made:?}) (install coreutils)"));
        return;
    }
    let path = fifo.clone();
    let writer = thread::spawn(move || {
        let mut f = fs::OpenOptions::new().write(true).open(&path).unwrap();
        for piece in bytes.chunks(RECORD_SIZE / 2 + 3) {
            f.write_all(piece).unwrap();
            thread::sleep(Duration::from_micros(300));
        }
    });
    let out = dump(&fifo);
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), want);
}

#[test]
fn a_file_that_grows_while_dumped() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let es: Vec<Entry> = (0..50).map(login).collect();
    let bytes = records(&es);
    let want: Vec<String> = (0..50).map(login_line).collect();
    let f = s.file("growing", b"");
    let path = f.clone();
    let writer = thread::spawn(move || {
        let mut file = fs::OpenOptions::new().append(true).open(&path).unwrap();
        for piece in bytes.chunks(RECORD_SIZE * 3 / 2) {
            file.write_all(piece).unwrap();
            thread::sleep(Duration::from_millis(2));
        }
    });
    loop {
        let done = writer.is_finished();
        let out = dump(&f);
        let text = stdout(&out);
        let got: Vec<&str> = text.split_inclusive('\n').collect();
        assert_eq!(got[..], want[..got.len()], "a prefix of the final dump");
        match out.status.code() {
            Some(0) => assert!(out.stderr.is_empty(), "{out:?}"),
            // Caught between the two halves of a record.
            Some(1) => assert!(
                stderr_lines(&out)[0].contains("short trailing record"),
                "{out:?}"
            ),
            other => panic!("exit {other:?}: {out:?}"),
        }
        if done {
            assert_eq!(got.len(), want.len());
            break;
        }
    }
    writer.join().unwrap();
}

#[test]
fn another_abis_records() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let dir = common::repo_fixtures();
    let (path, size) = if RECORD_SIZE == 384 {
        (dir.join("utmp-rs/basic64.utmp"), 400)
    } else {
        (dir.join("utmp-rs/basic32.utmp"), 384)
    };
    let bytes = fs::read(&path).unwrap();
    // Not a multiple of our size: the records that fit, then exit 1.
    let out = dump_as_host(&path);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let whole = bytes.len() / RECORD_SIZE;
    let shown = stdout(&out).lines().count();
    let err = stderr_lines(&out);
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(err[0].contains("short trailing record"), "{err:?}");
    if shown == whole {
        assert!(
            err[0].contains(&format!("dumped the {whole} whole record(s)")),
            "{err:?}"
        );
    } else {
        // Read in another byte order, a record's year can exceed a C int:
        // left out of the text, and said so, never silently.
        let left = whole - shown;
        assert!(
            err[0].contains(&format!("dumped {shown} of the {whole} whole record(s)"))
                && err[0].contains(&format!("{left} of {whole} records left out")),
            "{err:?}"
        );
    }
    // A multiple of both sizes: every record shown, and a warning. Where tv_sec
    // is 64 bits (400-byte records), 384-byte records read that way can give
    // years utmpdump cannot print: those lines are left out, and counted in
    // the one stderr line (exit 1).
    let s = Scratch::new();
    let mut long = Vec::new();
    while long.is_empty() || long.len() % RECORD_SIZE != 0 {
        long.extend_from_slice(&bytes[..size]);
    }
    let f = s.file("foreign", &long);
    let out = dump_as_host(&f);
    let total = long.len() / RECORD_SIZE;
    let shown = stdout(&out).lines().count();
    let err = stderr_lines(&out);
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(err[0].contains(WARNING), "{err:?}");
    if shown == total {
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(err[0].starts_with("utmp: warning: "), "{err:?}");
    } else {
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let left = total - shown;
        assert!(
            err[0].contains(&format!("{left} of {total} records left out")),
            "{err:?}"
        );
    }
}

/// Peak RSS of one child process, in KiB: its `VmHWM` (the high-water mark of
/// its resident set, which only grows) read from /proc every few milliseconds
/// until it exits. Safe code only; the last reading before exit is the peak of
/// a process whose memory stops growing once it streams.
fn run_measured(mut cmd: Command) -> (std::process::ExitStatus, u64) {
    let mut child = cmd.spawn().unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = fs::read_to_string(&status_path) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status, peak);
        }
        thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// `utmp dump` of a 5 GiB file (sparse: all zero records) to /dev/null, in
/// constant memory. Slow in a debug build; `cargo xtask test-all` runs it in
/// release.
#[test]
#[ignore = "dumps 5 GiB: run with --release -- --ignored (cargo xtask test-all does)"]
fn dump_of_a_5_gib_sparse_file_in_constant_memory() {
    if !runnable("utmp CLI bad-input tests") {
        return;
    }
    let s = Scratch::new();
    let huge = s.0.join("huge");
    let n = (5u64 << 30).div_ceil(RECORD_SIZE as u64);
    File::create(&huge)
        .unwrap()
        .set_len(n * RECORD_SIZE as u64)
        .unwrap();
    let mut cmd = utmp();
    cmd.arg("dump")
        .arg(&huge)
        .stdout(File::create("/dev/null").unwrap());
    let start = Instant::now();
    let (status, huge_kib) = run_measured(cmd);
    let took = start.elapsed();
    assert!(status.success(), "{status}");
    println!(
        "utmp dump of 5 GiB ({n} records) to /dev/null: {:.1} s, peak RSS {huge_kib} KiB",
        took.as_secs_f64()
    );
    assert!(huge_kib > 0, "no VmHWM reading was taken");
    assert!(
        huge_kib < 32 * 1024,
        "memory grew with the file: peak RSS {huge_kib} KiB"
    );
}
