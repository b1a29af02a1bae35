//! The utmpdump text format against util-linux: its own test suite
//! (tests/ts/utmp, fixtures in ../shared/fixtures/util-linux; the `utmpdump-*`
//! scripts there say which command made each expected file), and the installed
//! `utmpdump` (util-linux 2.38.1) run side by side on fixtures and generated
//! records.
//!
//! Known differences with util-linux 2.38.1, where these tests follow upstream
//! (2.41 and later) or glibc 2.40 and later:
//! * `tv_usec` of 1,000,000 or more: 2.38.1 prints the number as it is
//!   (`,12345678`), upstream prints `,000000` (expected/utmpdump-subsecond);
//!   a negative `tv_usec` is printed `,-00001` by 2.38.1 and as upstream's
//!   32-bit nanosecond wrap-around (`,4294966`) here.
//! * a 32-bit `tv_sec` with the top bit set: 2.38.1 built against glibc 2.36
//!   reads it signed (1901..1969), this crate unsigned (2038..2106), as glibc
//!   2.40 declares the field.
//!
//! For records with such a time, the differential tests compare every field
//! but the time and say how many they did so.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use utmp::layouts::utmpdump::{push_utmpdump, UtmpdumpBuffer, UtmpdumpReader};
use utmp::{entries, Entry, EntryBuilder, EntryType, ExitStatus, RECORD_SIZE};

fn fixtures() -> Option<PathBuf> {
    common::optional_fixtures("utmpdump conformance")
}

fn util_linux() -> Option<PathBuf> {
    fixtures().map(|d| d.join("util-linux"))
}

/// The byte order suffix util-linux's tests use for this machine.
fn byte_order() -> &'static str {
    if cfg!(target_endian = "little") {
        "LE"
    } else {
        "BE"
    }
}

/// util-linux's binary fixtures are 384-byte records; its tests skip the
/// to-text and to-binary checks elsewhere, and so do these.
fn records_are_384(what: &str) -> bool {
    if RECORD_SIZE == 384 {
        true
    } else {
        common::skip(format_args!("{what} (util-linux's binary fixtures are 384-byte records, this target's are {RECORD_SIZE})"));
        false
    }
}

/// The dump of `bytes` through `UtmpdumpBuffer` (what `utmp dump` writes),
/// checked to be what `push_utmpdump` writes.
fn dump(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut text = UtmpdumpBuffer::new();
    for e in entries(bytes) {
        let e = e.expect("whole records");
        assert!(push_utmpdump(&e, &mut out));
        assert!(text.push(&e));
    }
    assert!(
        text.as_bytes() == out,
        "UtmpdumpBuffer and push_utmpdump differ"
    );
    out
}

fn undump(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in UtmpdumpReader::new(text) {
        out.extend_from_slice(e.expect("every line parses").as_bytes());
    }
    out
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_text_eq(got: &[u8], want: &[u8], what: &str) {
    let (got, want) = (String::from_utf8_lossy(got), String::from_utf8_lossy(want));
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "{what}: line {}", i + 1);
    }
    assert_eq!(
        got.lines().count(),
        want.lines().count(),
        "{what}: line count"
    );
    assert_eq!(got, want, "{what}");
}

// --- util-linux's own tests ---------------------------------------------

/// utmpdump-totxt and utmpdump-totxt-ipv6: `utmpdump wtmp-b.$BYTE_ORDER`.
#[test]
fn totxt() {
    let Some(dir) = util_linux() else { return };
    if !records_are_384("utmpdump-totxt") {
        return;
    }
    for (bin, expected) in [
        ("wtmp-b", "utmpdump-totxt"),
        ("wtmp-ipv6", "utmpdump-totxt-ipv6"),
    ] {
        let bytes = read(&dir.join(format!("{bin}.{}", byte_order())));
        let want = read(&dir.join("expected").join(expected));
        assert_text_eq(&dump(&bytes), &want, expected);
    }
    // Not an upstream test, but the same data: wtmp-a is txt-a.
    let bytes = read(&dir.join(format!("wtmp-a.{}", byte_order())));
    assert_text_eq(&dump(&bytes), &read(&dir.join("txt-a")), "wtmp-a");
}

/// utmpdump-tobin and utmpdump-tobin-ipv6: `utmpdump -r txt-b` must equal
/// wtmp-b.$BYTE_ORDER (the expected file only says "no diff").
#[test]
fn tobin() {
    let Some(dir) = util_linux() else { return };
    if !records_are_384("utmpdump-tobin") {
        return;
    }
    for (txt, bin) in [
        ("txt-a", "wtmp-a"),
        ("txt-b", "wtmp-b"),
        ("txt-ipv6", "wtmp-ipv6"),
    ] {
        let got = undump(&read(&dir.join(txt)));
        let want = read(&dir.join(format!("{bin}.{}", byte_order())));
        assert_eq!(got.len(), want.len(), "{txt}");
        for (i, (g, w)) in got
            .chunks(RECORD_SIZE)
            .zip(want.chunks(RECORD_SIZE))
            .enumerate()
        {
            assert_eq!(g, w, "{txt}: record {i}");
        }
    }
}

/// utmpdump-circle: old-format text -> binary -> text (must equal the new
/// format file) -> binary (must equal the first binary). Any record size.
#[test]
fn circle() {
    let Some(dir) = util_linux() else { return };
    for f in ["txt-a", "txt-b", "txt-ipv6"] {
        let bin1 = undump(&read(&dir.join(format!("{f}-old"))));
        let txt = dump(&bin1);
        assert_text_eq(&txt, &read(&dir.join(f)), f);
        let bin2 = undump(&txt);
        assert!(bin1 == bin2, "circle failed for {f}");
    }
}

/// utmpdump-subsecond: `utmpdump -r subsec | utmpdump`; the 9-digit fraction
/// is cut to 8 digits by the 28-byte time buffer, so it is out of range and
/// prints as zero.
#[test]
fn subsecond() {
    let Some(dir) = util_linux() else { return };
    let expected = read(&dir.join("expected/utmpdump-subsecond"));
    let text = String::from_utf8_lossy(&expected);
    let (first, want) = text.split_once('\n').expect("two parts");
    assert_eq!(first, "last 9 is expected to disappear in conversion");
    let got = dump(&undump(&read(&dir.join("subsec"))));
    assert_text_eq(&got, want.as_bytes(), "utmpdump-subsecond");
}

// --- the installed utmpdump, side by side ----------------------------------

fn utmpdump_available() -> bool {
    let ok = Command::new("utmpdump")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        common::skip(format_args!(
            "differential test against utmpdump (install util-linux)"
        ));
        return false;
    }
    // Under qemu (cross tests) the host's utmpdump writes the host's records,
    // not this target's: compare only when size and byte order agree (the
    // same probe as util-linux's utmp_struct_size).
    let (record, _) = run_utmpdump(
        &["-r"],
        b"[7] [00000] [    ] [        ] [            ] [                    ] [0.0.0.0        ] [                            ]\n",
    );
    let type_bytes = 7i16.to_ne_bytes();
    if record.len() != RECORD_SIZE || record.get(..2) != Some(&type_bytes[..]) {
        common::skip(format_args!(
            "differential test against utmpdump (its records are {} bytes or of another byte order; this target's are {RECORD_SIZE})",
            record.len()
        ));
        return false;
    }
    true
}

fn run_utmpdump(args: &[&str], stdin: &[u8]) -> (Vec<u8>, bool) {
    let mut child = Command::new("utmpdump")
        .args(args)
        .env("LANG", "C")
        .env("LC_ALL", "C")
        .env("TZ", "GMT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("utmpdump runs");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("utmpdump output");
    writer.join().expect("writer thread");
    (out.stdout, out.status.success())
}

/// Whether util-linux 2.38.1 on glibc 2.36 prints this record's time
/// differently (see the module docs).
fn time_differs_in_2_38(e: &Entry) -> bool {
    let tv_sec_is_32_bits = EntryBuilder::new(EntryType::Empty)
        .seconds(1 << 32)
        .build()
        .is_err();
    let secs_top_bit = tv_sec_is_32_bits && e.seconds() > i64::from(i32::MAX);
    let usec = e.microseconds();
    secs_top_bit || !(0..1_000_000).contains(&usec)
}

/// Compares our dump of `bytes` with `utmpdump`'s, record by record.
fn compare_dump(bytes: &[u8], what: &str) {
    let (theirs, ok) = run_utmpdump(&[], bytes);
    assert!(ok, "{what}: utmpdump failed");
    let theirs = String::from_utf8_lossy(&theirs).into_owned();
    let mut their_lines = theirs.split_inclusive('\n');
    let mut time_skipped = 0;
    // One buffer for the whole file, as `utmp dump` uses it (its day cache
    // carries over from line to line).
    let mut text = UtmpdumpBuffer::new();
    for (i, e) in entries(bytes).filter_map(Result::ok).enumerate() {
        let mut ours = Vec::new();
        assert!(push_utmpdump(&e, &mut ours));
        text.clear();
        assert!(text.push(&e));
        assert!(
            text.as_bytes() == ours,
            "{what}: record {i}: the buffer differs"
        );
        let ours = String::from_utf8_lossy(&ours);
        let their = their_lines
            .next()
            .unwrap_or_else(|| panic!("{what}: utmpdump stopped at record {i}"));
        if time_differs_in_2_38(&e.to_entry()) {
            let cut = |s: &str| {
                s.rsplit_once(" [")
                    .map(|(a, _)| a.to_owned())
                    .unwrap_or_default()
            };
            assert_eq!(
                cut(&ours),
                cut(their),
                "{what}: record {i} (time not compared)"
            );
            time_skipped += 1;
        } else {
            assert_eq!(ours, their, "{what}: record {i}");
        }
    }
    assert_eq!(their_lines.next(), None, "{what}: utmpdump printed more");
    if time_skipped > 0 {
        println!("{what}: {time_skipped} records' times not compared (util-linux 2.38.1 differs, see module docs)");
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bytes(&mut self, max: usize, alphabet: &[u8]) -> Vec<u8> {
        let n = self.below(max as u64 + 1) as usize;
        (0..n)
            .map(|_| {
                if alphabet.is_empty() {
                    (self.next() >> 8) as u8
                } else {
                    alphabet[self.below(alphabet.len() as u64) as usize]
                }
            })
            .collect()
    }
}

/// Records with odd but well-formed content, built field by field.
fn odd_records(rng: &mut Rng, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let printable: Vec<u8> = (0x20..0x7f).collect();
    for i in 0..n {
        let alphabet: &[u8] = if i % 3 == 0 { &printable } else { &[] };
        let types = [0i16, 1, 2, 5, 6, 7, 8, 9, 10, -1, 300, i16::MIN];
        let t = types[rng.below(types.len() as u64) as usize];
        let addr: [u8; 16] = match rng.below(5) {
            0 => [0; 16],
            1 => {
                let mut a = [0u8; 16];
                a[..4].copy_from_slice(&(rng.next() as u32).to_be_bytes());
                a
            }
            2 => {
                let mut a = [0u8; 16];
                a[10] = 0xff;
                a[11] = 0xff;
                a[12..].copy_from_slice(&(rng.next() as u32).to_be_bytes());
                a
            }
            3 => {
                let mut a = [0u8; 16];
                for k in 0..8 {
                    if rng.below(2) == 0 {
                        a[2 * k + 1] = rng.below(3) as u8;
                    }
                }
                a
            }
            _ => {
                let mut a = [0u8; 16];
                a[..8].copy_from_slice(&rng.next().to_ne_bytes());
                a[8..].copy_from_slice(&rng.next().to_ne_bytes());
                a
            }
        };
        let full = |rng: &mut Rng, len: usize| {
            if rng.below(4) == 0 {
                (0..len)
                    .map(|_| printable[rng.below(95) as usize])
                    .collect()
            } else {
                rng.bytes(len, alphabet)
                    .into_iter()
                    .map(|b| if b == 0 { b'x' } else { b })
                    .collect::<Vec<u8>>()
            }
        };
        let e = EntryBuilder::new(EntryType::from_raw(t))
            .pid((rng.next() as i32) >> rng.below(31))
            .id(full(rng, 4))
            .user(full(rng, 32))
            .line(full(rng, 32))
            .host(full(rng, 256))
            .address_bytes(addr)
            .seconds((rng.next() % (1 << 31)) as i64)
            .microseconds(rng.below(1_000_000) as i64)
            .exit_status(ExitStatus {
                termination: rng.next() as i16,
                exit: rng.next() as i16,
            })
            .session(i64::from(rng.next() as i32))
            .build()
            .expect("fits");
        out.extend_from_slice(e.as_bytes());
    }
    out
}

#[test]
fn dump_matches_installed_utmpdump_on_fixtures() {
    if !utmpdump_available() {
        return;
    }
    let files = [
        "util-linux/wtmp-a.LE",
        "util-linux/wtmp-b.LE",
        "util-linux/wtmp-ipv6.LE",
        "util-linux/fuzz-github-1097",
        "utmp-rs/basic32.utmp",
        "utmp-rs/long_user_32.utmp",
        "utmp-rs/with_host_32.utmp",
        "utmp-rs/basic64.utmp",
        "utmp-rs/empty.utmp",
        "s4/CentOS9/x86_64/wtmp",
        "s4/CentOS9/x86_64/btmp",
        "s4/Ubuntu22/x86_64/wtmp",
        "s4/Ubuntu22/x86_64/btmp.1",
        "s4/Debian11/aarch64_ARM64/utmp",
        "s4/Debian11/aarch64_ARM64/wtmp",
        "s4/programs/utmp/host-entry1.wtmp",
        "s4/programs/utmp/host-entry1_(all_0x00).wtmp",
        "s4/programs/utmp/host-entry1_(all_0xFF).wtmp",
        "s4/programs/utmp/host-entry6.wtmp",
        "s4/programs/utmp/1-byte.wtmp",
    ];
    for f in files {
        let Some(path) = common::fixture(f) else {
            continue;
        };
        // Any file is records of this machine's layout to both tools; a
        // partial record at the end is ignored by utmpdump and reported by
        // the reader (not compared here).
        compare_dump(&read(&path), f);
    }
}

#[test]
fn dump_matches_installed_utmpdump_on_odd_records() {
    if !utmpdump_available() {
        return;
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    compare_dump(&odd_records(&mut rng, 3000), "odd records");
    // Any bytes at all (times included, see the module docs).
    let random: Vec<u8> = (0..RECORD_SIZE * 2000).map(|_| rng.next() as u8).collect();
    compare_dump(&random, "random bytes");
    // The same with times both versions print alike, so they are compared.
    let mut tamed = Vec::new();
    for e in entries(&random).filter_map(Result::ok) {
        let e = EntryBuilder::from_entry(e.to_entry())
            .seconds((rng.next() % (1 << 31)) as i64)
            .microseconds(rng.below(1_000_000) as i64)
            .build()
            .expect("fits");
        tamed.extend_from_slice(e.as_bytes());
    }
    compare_dump(&tamed, "random bytes, valid times");
}

/// Text lines built to exercise `utmpdump -r`'s parsing: every field odd in
/// some way, but every line has its brackets (a missing bracket makes
/// utmpdump 2.38.1 read through a null pointer).
fn odd_text(rng: &mut Rng, n: usize) -> Vec<u8> {
    let pick = |rng: &mut Rng, xs: &[&str]| xs[rng.below(xs.len() as u64) as usize].to_owned();
    let mut out = Vec::new();
    for _ in 0..n {
        let ty = pick(
            rng,
            &[
                "7",
                "0",
                "-1",
                "70000",
                "+8",
                " 2",
                "99999999999999999999",
                "x",
            ],
        );
        let pid = pick(
            rng,
            &[
                "00012",
                "12345",
                "-0001",
                "123456",
                "1",
                " 00042",
                "4294967297",
            ],
        );
        let id = pick(
            rng,
            &["ts/1", "~~  ", "a]b ", "    ", "\u{e9}x", "ab", "[[[["],
        );
        let user = pick(
            rng,
            &[
                "root    ",
                "a b",
                "",
                "x".repeat(40).as_str(),
                "\u{e9}t\u{e9}",
                "r\to",
            ],
        );
        let line = pick(rng, &["pts/1       ", "~", "  lead", "tty1"]);
        let host = pick(rng, &["example.org", "h".repeat(300).as_str(), "a b c", ""]);
        let addr = pick(
            rng,
            &[
                "0.0.0.0        ",
                "198.41.0.4",
                "01.2.3.4",
                "1.2.3.4.5",
                "256.0.0.1",
                "::1",
                "2001:503:ba3e::2:30",
                "::ffff:1.2.3.4",
                "fe80::1%eth0",
                "1:2:3:4:5:6:7:8:9",
                "",
                "zzz",
                "0000:0000:0000:0000:0000:0000:0000:0001",
            ],
        );
        let time = pick(
            rng,
            &[
                "2013-08-28T11:13:38,000000+00:00",
                "2013-08-28T20:30:40,123456+00:00",
                "2013-08-28T12:00:00,123456789+00:00",
                "Wed Aug 28 03:00:00 2013 GMT",
                "wednesday august  8 03:00:00 2013 GMT",
                "Thu Feb 29 23:59:60 2024 CEST",
                "2013",
                "2013-13-01T00:00:00",
                "2013-4-5T6:7:8,5",
                "1969-12-31T23:59:59,999999+00:00",
                "2106-02-07T06:28:15,0+00:00",
                "9999-12-31T23:59:61,-5",
                "",
                " 2013-01-01",
                "?",
                "Wed Aug 28 3:0:xx 2013",
                "2013-08-28T11:13:38,99999999999999999999",
                "2013-08-28T11:13:38,",
                "Mon Jan  1 00:00:00 1970,42",
                // strptime stops reading digits once the next would be out
                // of range: "45" is a 4 then a stray 5.
                "2013-45-01T00:00:00",
                "2013-01-45T00:00:00",
                "2013-01-01T31:00:00",
                "2013-01-01T00:61:00",
                "2013-01-01T00:00:75",
                "Wed Aug 45 03:00:00 2013",
                "Wed Aug 28 03:00:00 20131",
                "12345-01-01T00:00:00",
            ],
        );
        let mut line_text =
            format!("[{ty}] [{pid}] [{id}] [{user}] [{line}] [{host}] [{addr}] [{time}]");
        if rng.below(10) == 0 {
            line_text = line_text.replace("] [", "]\t[");
        }
        out.extend_from_slice(line_text.as_bytes());
        // Spare fields for lines whose header is longer than the 19 bytes
        // utmpdump -r skips, so that the fields after it shift but none is
        // missing.
        out.extend_from_slice(b" [spare] [spare]\n");
    }
    out.extend_from_slice(b"not a record\n[1] [2]\n\n");
    out
}

#[test]
fn undump_matches_installed_utmpdump() {
    if !utmpdump_available() {
        return;
    }
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some(dir) = fixtures() {
        for f in [
            "txt-a",
            "txt-b",
            "txt-ipv6",
            "txt-a-old",
            "txt-b-old",
            "txt-ipv6-old",
            "subsec",
        ] {
            inputs.push((f.to_owned(), read(&dir.join("util-linux").join(f))));
        }
    }
    let dir = common::repo_fixtures();
    for f in [
        "s4/CentOS9/x86_64/wtmp.utmpdump.txt",
        "s4/CentOS9/x86_64/btmp.utmpdump.txt",
        "s4/Debian11/aarch64_ARM64/utmp.txt",
        "s4/Debian11/aarch64_ARM64/wtmp.txt",
    ] {
        inputs.push((f.to_owned(), read(&dir.join(f))));
    }
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    inputs.push(("odd text".into(), odd_text(&mut rng, 3000)));
    inputs.push((
        "dump of odd records".into(),
        dump(&odd_records(&mut rng, 500)),
    ));
    for (what, text) in inputs {
        let (theirs, ok) = run_utmpdump(&["-r"], &text);
        assert!(ok, "{what}: utmpdump -r failed");
        let mut ours = Vec::new();
        for e in UtmpdumpReader::new(&text[..]) {
            match e {
                Ok(e) => ours.extend_from_slice(e.as_bytes()),
                Err(utmp::Error::Parse { message, .. }) => {
                    assert!(!message.contains("stops"), "{what}: {message}")
                }
                Err(e) => panic!("{what}: {e}"),
            }
        }
        assert_eq!(ours.len(), theirs.len(), "{what}: record count");
        for (i, (o, t)) in ours
            .chunks(RECORD_SIZE)
            .zip(theirs.chunks(RECORD_SIZE))
            .enumerate()
        {
            assert!(o == t, "{what}: record {i}\nours   {o:?}\ntheirs {t:?}");
        }
    }
}
