//! `utmp dump` and `utmp undump`, run as a user runs them: exit codes, one
//! line on stderr for an error, standard input, closed pipes, round trips.

mod common;
use common::{optional_fixtures, runnable, utmp};

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use utmp::RECORD_SIZE;

/// A fresh scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn to_str(&self) -> Option<&str> {
        self.0.to_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch() -> Scratch {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "utmp-cli-dump-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    Scratch(dir)
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = utmp()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("utmp runs");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("output");
    writer.join().expect("writer");
    out
}

fn stderr_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Exit 1, nothing or `stdout` on stdout, one line on stderr containing `needle`.
fn assert_one_line_error(out: &Output, stdout: &[u8], needle: &str) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, stdout, "stdout");
    let lines = stderr_lines(out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("utmp: "), "{lines:?}");
    assert!(lines[0].contains(needle), "{lines:?} lacks {needle:?}");
}

/// Random bytes, deterministic.
fn random_bytes(n: usize, mut state: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn dump_prints_util_linux_expected_text() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let Some(dir) = optional_fixtures("utmp dump on util-linux's fixtures") else {
        return;
    };
    if RECORD_SIZE != 384 || cfg!(target_endian = "big") {
        common::skip(format_args!(
            "utmpdump-totxt through the CLI (fixture is 384-byte little-endian)"
        ));
        return;
    }
    let f = dir.join("util-linux/wtmp-b.LE");
    let out = run(&["dump", f.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    let want = std::fs::read(dir.join("util-linux/expected/utmpdump-totxt")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&want)
    );
    // `-` is standard input.
    let stdin = run(&["dump", "-"], &std::fs::read(&f).unwrap());
    assert_eq!(stdin.status.code(), Some(0));
    assert_eq!(stdin.stdout, want);
}

#[test]
fn text_round_trip_through_the_cli() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let Some(dir) = optional_fixtures("utmp dump on util-linux's fixtures") else {
        return;
    };
    // Any record size: old-format text to records, to text, to records.
    let txt = std::fs::read(dir.join("util-linux/txt-a-old")).unwrap();
    let bin = run(&["undump"], &txt);
    assert_eq!(bin.status.code(), Some(0), "{bin:?}");
    assert_eq!(bin.stdout.len(), 19 * RECORD_SIZE);
    let text = run(&["dump", "-"], &bin.stdout);
    let want = std::fs::read(dir.join("util-linux/txt-a")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&text.stdout),
        String::from_utf8_lossy(&want)
    );
    let scratch = scratch();
    let out_file = scratch.join("out.bin");
    let again = run(
        &["undump", "-", "-o", out_file.to_str().unwrap()],
        &text.stdout,
    );
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert!(again.stdout.is_empty());
    assert!(std::fs::read(&out_file).unwrap() == bin.stdout);
}

#[test]
fn json_round_trip_is_byte_exact_on_garbage() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let scratch = scratch();
    let f = scratch.join("garbage");
    let bytes = random_bytes(RECORD_SIZE * 300, 0x1234_5678_9abc_def1);
    std::fs::write(&f, &bytes).unwrap();
    let json = run(&["dump", "--json", f.to_str().unwrap()], b"");
    assert_eq!(json.status.code(), Some(0), "{json:?}");
    assert_eq!(String::from_utf8_lossy(&json.stdout).lines().count(), 300);
    let back = run(&["undump", "--json"], &json.stdout);
    assert_eq!(back.status.code(), Some(0), "{back:?}");
    assert!(back.stdout == bytes, "round trip differs");
    // Real files: util-linux's wtmp-a needs no exact bytes beside the
    // text; utmp-rs's with_host_32 has bytes after the NUL of ut_line in
    // records 5 and 6 (`tty1\0tty1`, `ttyS0\0tyS0`, seen in a hex dump),
    // which only `line_hex` keeps.
    if RECORD_SIZE != 384 || cfg!(target_endian = "big") {
        common::skip(format_args!(
            "JSON round trip of 384-byte fixtures (this target's records are {RECORD_SIZE} bytes)"
        ));
        return;
    }
    for (f, hex_lines) in [
        ("util-linux/wtmp-a.LE", 0),
        ("utmp-rs/with_host_32.utmp", 2),
    ] {
        let Some(f) = common::fixture(f) else {
            continue;
        };
        let bytes = std::fs::read(&f).unwrap();
        let json = run(&["dump", "--json", f.to_str().unwrap()], b"");
        let text = String::from_utf8_lossy(&json.stdout);
        assert_eq!(
            text.lines().filter(|l| l.contains("_hex\":")).count(),
            hex_lines,
            "{}",
            f.display()
        );
        let back = run(&["undump", "--json", "-"], &json.stdout);
        assert!(back.stdout == bytes, "{}", f.display());
    }
}

/// `dump --json --format F | undump --json --format F` gives files of other
/// systems back byte for byte: the real captures, bytes after a string's
/// NUL included (Debian 11's aarch64 utmp has `tty1\0tty1` in ut_line).
#[test]
fn json_round_trip_is_byte_exact_on_other_systems_files() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let scratch = scratch();
    for (f, format) in [
        ("s4/Debian11/aarch64_ARM64/utmp", "glibc-400-le"),
        ("s4/Debian11/aarch64_ARM64/wtmp", "glibc-400-le"),
        ("util-linux/wtmp-a.BE", "glibc-384-be"),
        ("util-linux/wtmp-ipv6.BE", "glibc-384-be"),
        ("s4/FreeBSD14.0/x86_64/utx.log", "freebsd-utx-log"),
        ("s4/FreeBSD14.0/x86_64/utx.active", "freebsd-utx"),
        ("s4/OpenBSD7.2/x86_32/wtmp.1", "openbsd-utmp-le"),
        ("s4/NetBSD9.3/x86_32/wtmp", "netbsd-utmp-le"),
    ] {
        let Some(path) = common::fixture(f) else {
            continue;
        };
        let bytes = std::fs::read(&path).unwrap();
        let p = path.to_str().unwrap();
        let json = run(&["dump", "--json", "--format", format, p], b"");
        assert_eq!(json.status.code(), Some(0), "{f}: {json:?}");
        let out = scratch.join("back");
        let out = out.to_str().unwrap();
        let back = run(
            &["undump", "--json", "--format", format, "-o", out],
            &json.stdout,
        );
        assert_eq!(back.status.code(), Some(0), "{f}: {back:?}");
        assert!(std::fs::read(out).unwrap() == bytes, "{f} as {format}");
    }
}

#[test]
fn missing_file_is_one_line_exit_1() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let scratch = scratch();
    let f = scratch.join("nope");
    let out = run(&["dump", f.to_str().unwrap()], b"");
    assert_one_line_error(&out, b"", "nope");
    let out = run(&["undump", f.to_str().unwrap()], b"");
    assert_one_line_error(&out, b"", "nope");
}

#[test]
fn directory_is_one_line_exit_1() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let scratch = scratch();
    let out = run(&["dump", scratch.to_str().unwrap()], b"");
    assert_one_line_error(&out, b"", "directory");
}

#[test]
fn partial_record_prints_whole_records_then_says_where() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let scratch = scratch();
    let f = scratch.join("short");
    // Random fields, but a time utmpdump can print where tv_sec is 64 bits.
    let record: [u8; RECORD_SIZE] = random_bytes(RECORD_SIZE, 7).try_into().unwrap();
    let record = utmp::EntryBuilder::from_entry(utmp::Entry::from_bytes(record))
        .seconds(1_700_000_000)
        .build()
        .unwrap();
    let mut bytes = record.as_bytes().to_vec();
    bytes.push(0);
    std::fs::write(&f, &bytes).unwrap();
    let whole = run(&["dump", "-"], &bytes[..RECORD_SIZE]);
    assert_eq!(whole.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&whole.stdout).lines().count(), 1);
    let out = run(&["dump", f.to_str().unwrap()], b"");
    assert_one_line_error(&out, &whole.stdout, &format!("offset {RECORD_SIZE}"));
    assert!(stderr_lines(&out)[0].contains(&format!("1 of {RECORD_SIZE} bytes")));
}

#[test]
fn usage_error_exits_2() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let out = run(&["dump", "--no-such-option"], b"");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = run(&["undump", "a", "b"], b"");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn closed_pipe_ends_quietly() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let scratch = scratch();
    let f = scratch.join("big");
    // Enough output to fill any pipe buffer many times over.
    let one = random_bytes(RECORD_SIZE * 1000, 99);
    let mut file = std::fs::File::create(&f).unwrap();
    for _ in 0..50 {
        file.write_all(&one).unwrap();
    }
    drop(file);
    for json in [false, true] {
        let mut args = vec!["dump", f.to_str().unwrap()];
        if json {
            args.push("--json");
        }
        let mut child = utmp()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout); // like `| head -c 64`
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "json {json}: {stderr}");
        assert_eq!(stderr, "", "json {json}");
    }
}

#[test]
fn undump_text_warns_on_skipped_lines_and_stops_like_utmpdump() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let good = "[7] [00001] [ts/1] [alice   ] [pts/1       ] [host                ] \
                [0.0.0.0        ] [2013-08-28T11:13:38,000000+00:00]\n";
    // A line that is not a record: a warning, the rest is converted.
    let out = run(&["undump"], format!("junk\n{good}").as_bytes());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout.len(), RECORD_SIZE);
    let lines = stderr_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("warning") && lines[0].contains("line 1"),
        "{lines:?}"
    );
    // A record line without its fields: utmpdump -r exits 1 there.
    let out = run(
        &["undump"],
        format!("{good}[7] [00001] [ts/1] [x]\n{good}").as_bytes(),
    );
    assert_one_line_error(&out, &run(&["undump"], good.as_bytes()).stdout, "line 2");
    // JSON: the first bad line ends the run, after the records before it.
    let json = run(
        &["dump", "--json", "-"],
        &run(&["undump"], good.as_bytes()).stdout,
    );
    let mut text = json.stdout.clone();
    text.extend_from_slice(b"{\"pid\": \"x\"}\n");
    text.extend_from_slice(&json.stdout);
    let out = run(&["undump", "--json"], &text);
    assert_one_line_error(&out, &out.stdout.clone(), "line 2");
    assert_eq!(out.stdout.len(), RECORD_SIZE);
}

/// Mapped (the default for a regular file) and streamed (`--no-mmap`, and
/// standard input) reading give the same bytes on stdout and stderr and the
/// same exit status, for `dump`, `dump --json` and `last`, on garbage with a
/// partial record at the end.
#[test]
fn mapped_and_streamed_reading_agree() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let scratch = scratch();
    let f = scratch.join("garbage-partial");
    let mut bytes = random_bytes(RECORD_SIZE * 700, 0x0bad_cafe_f00d_d00d);
    // Every record a login at a printable time, so that `last` shows them.
    for (i, rec) in bytes.chunks_exact_mut(RECORD_SIZE).enumerate() {
        let e = utmp::EntryBuilder::from_entry(utmp::Entry::from_bytes(rec.try_into().unwrap()))
            .entry_type(utmp::EntryType::UserProcess)
            .seconds(1_700_000_000 + 60 * i as i64)
            .microseconds(0)
            .build()
            .unwrap();
        rec.copy_from_slice(e.as_bytes());
    }
    bytes.extend_from_slice(&[1, 2, 3]);
    std::fs::write(&f, &bytes).unwrap();
    let path = f.to_str().unwrap();
    for args in [
        vec!["dump", path],
        vec!["dump", "--json", path],
        vec!["last", "-w", "-x", "-f", path],
        vec!["who", path],
        vec!["who", "-a", path],
    ] {
        let mapped = run(&args, b"");
        let mut streamed_args = args.clone();
        streamed_args.insert(1, "--no-mmap");
        let streamed = run(&streamed_args, b"");
        assert_eq!(mapped.status.code(), streamed.status.code(), "{args:?}");
        assert!(mapped.stdout == streamed.stdout, "{args:?}: stdout differs");
        assert_eq!(stderr_lines(&mapped), stderr_lines(&streamed), "{args:?}");
        assert!(!mapped.stdout.is_empty(), "{args:?}: no output");
    }
    let from_stdin = run(&["dump", "-"], &bytes);
    let mapped = run(&["dump", path], b"");
    assert!(from_stdin.stdout == mapped.stdout);
}

/// A mapped file of several chunks (`utmp dump` formats chunks of 4096
/// records on several threads) dumps as the streamed one does: the same
/// lines in the same order, the same warning about records of odd shape
/// (the first one's offset, in a later chunk), and the same exit status and
/// line for a partial record at the end; also with --json.
#[test]
fn chunked_dump_is_the_streamed_dump() {
    if !runnable("utmp CLI tests") {
        return;
    }
    let scratch = scratch();
    let records = 4096 * 2 + 777;
    let mut bytes = random_bytes(RECORD_SIZE * records, 0x005e_ed0f_c4a2);
    for (i, rec) in bytes.chunks_exact_mut(RECORD_SIZE).enumerate() {
        let b = utmp::EntryBuilder::from_entry(utmp::Entry::from_bytes(rec.try_into().unwrap()))
            .entry_type(utmp::EntryType::UserProcess)
            .seconds(1_700_000_000 + 61 * i as i64)
            .microseconds(i as i64 % 1_000_000);
        // Odd records from the second chunk on: microseconds out of range.
        let b = if i > 5000 && i % 997 == 0 {
            b.microseconds(1_000_000 + i as i64)
        } else {
            b
        };
        rec.copy_from_slice(b.build().unwrap().as_bytes());
    }
    let whole = bytes.clone();
    bytes.extend_from_slice(&[9; 17]);
    for (name, data, code) in [("whole", &whole, Some(0)), ("partial", &bytes, Some(1))] {
        let path = scratch.join(name);
        std::fs::write(&path, data).unwrap();
        let path = path.to_str().unwrap();
        for json in [false, true] {
            let mut args = vec!["dump", path];
            if json {
                args.insert(1, "--json");
            }
            let mapped = run(&args, b"");
            args.insert(1, "--no-mmap");
            let streamed = run(&args, b"");
            assert_eq!(mapped.status.code(), code, "{args:?}");
            assert_eq!(streamed.status.code(), code, "{args:?}");
            assert!(mapped.stdout == streamed.stdout, "{args:?}: stdout differs");
            let lines = String::from_utf8_lossy(&mapped.stdout).lines().count();
            assert_eq!(lines, records, "{args:?}");
            let stderr = stderr_lines(&mapped);
            assert_eq!(stderr, stderr_lines(&streamed), "{args:?}");
            let first_odd = format!("byte offset {}", 5982 * RECORD_SIZE);
            assert!(
                stderr.len() == 1 && stderr[0].contains(&first_odd),
                "{args:?}: {stderr:?}"
            );
        }
    }
}
