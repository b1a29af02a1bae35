//! `last` conformance: util-linux's own test suite (tests/ts/utmp/last and
//! last-ipv6, expected outputs of util-linux 2.43-devel), and differential
//! runs against the installed `last`/`lastb` (util-linux 2.38.1).
//!
//! Every command line of the scripts' `nodns` subtests is read from the
//! script itself, turned into library options, and its output compared with
//! the matching `~~~ name ~~~` section of the expected file.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use utmp::environment::{Environment, FixedEnvironment, LiveSystem};
use utmp::layouts::last::{begins, HostColumn, LastFormat, TimeFormat};
use utmp::sessions::{
    parse_time, End, ReverseReader, SessionFilter, SessionKind, Sessions, TimeZone,
};
use utmp::{EntryBuilder, EntryType, RECORD_SIZE};

fn fixtures() -> Option<PathBuf> {
    common::optional_fixtures("last conformance")
}

/// A `last` command line, as options of the library.
#[derive(Debug, Default)]
struct Args {
    system: bool,
    format: Vec<String>,
    since: Option<String>,
    until: Option<String>,
    present: Option<String>,
    names: Vec<String>,
    limit: Option<usize>,
    btmp: bool,
    /// `TZ` (GMT when not set, as util-linux's tests run).
    tz: Option<String>,
}

fn parse_args(tokens: &[String]) -> Args {
    let mut a = Args::default();
    let mut it = tokens.iter();
    while let Some(t) = it.next() {
        match t.as_str() {
            "-x" => a.system = true,
            "-i" | "-R" | "-F" | "-w" | "-a" | "-d" => a.format.push(t.clone()),
            "-s" => a.since = it.next().cloned(),
            "-t" => a.until = it.next().cloned(),
            "-p" => a.present = it.next().cloned(),
            "-n" => a.limit = it.next().and_then(|n| n.parse().ok()),
            s if s.starts_with("--time-format=") => a.format.push(s.to_owned()),
            s if s.starts_with('-') => panic!("option {s} not handled by this test"),
            name => a.names.push(name.to_owned()),
        }
    }
    a
}

/// What `last ARGS` prints for the file `name` holding `path`'s records.
fn run_last<S: Environment>(args: &Args, path: &Path, name: &str, state: S) -> String {
    run_last_marked(args, path, name, state).0
}

/// The same for a file of record format `format`, read through
/// `utmp::entries_in` backwards.
fn run_last_in<S: Environment>(
    args: &Args,
    path: &Path,
    format: utmp::Format,
    name: &str,
    state: S,
) -> String {
    run_last_source(args, path, Some(format), name, state).0
}

/// The output, and for each line whether it is a boot ended by a crash (the
/// one case where 2.41+ differs from 2.38 in `-w` mode).
fn run_last_marked<S: Environment>(
    args: &Args,
    path: &Path,
    name: &str,
    state: S,
) -> (String, Vec<bool>) {
    run_last_source(args, path, None, name, state)
}

fn run_last_source<S: Environment>(
    args: &Args,
    path: &Path,
    record_format: Option<utmp::Format>,
    name: &str,
    state: S,
) -> (String, Vec<bool>) {
    let tz = TimeZone::from_tz(Some(args.tz.as_deref().unwrap_or("GMT")));
    let now = utmp_seconds(state.now());
    let mut format = LastFormat::new(tz.clone());
    for f in &args.format {
        format = match f.as_str() {
            "-i" => format.numeric_address(true),
            "-R" => format.host_column(HostColumn::Hidden),
            "-a" => format.host_column(HostColumn::Last),
            "-F" => format.time_format(TimeFormat::Full),
            "-w" => format.full_names(true),
            "-d" => format,
            s => format.time_format(
                s.trim_start_matches("--time-format=")
                    .parse()
                    .expect("time format"),
            ),
        };
    }
    let at = |s: &str| UNIX_EPOCH + Duration::from_secs(parse_time(s, now, &tz).unwrap() as u64);
    let bytes = std::fs::read(path).unwrap();
    let (records, first): (Box<dyn Iterator<Item = utmp::Result<utmp::Entry>>>, _) =
        match record_format {
            None => (
                Box::new(ReverseReader::open(path).unwrap()),
                begins(path).unwrap(),
            ),
            Some(f) => {
                let first = utmp::entries_in(&bytes, f).next().unwrap().unwrap();
                (
                    Box::new(utmp::entries_in(&bytes, f).rev()),
                    UNIX_EPOCH + Duration::from_secs(first.seconds() as u64),
                )
            }
        };
    let mut sessions = Sessions::new(records, state).btmp(args.btmp);
    if let Some(s) = &args.since {
        sessions = sessions.since(at(s));
    }
    if let Some(t) = &args.until {
        sessions = sessions.until(at(t));
    }
    let mut filter = SessionFilter::new();
    for n in &args.names {
        filter = filter.name(n.as_bytes());
    }
    if let Some(p) = &args.present {
        filter = filter.present(at(p));
    }
    let mut out = Vec::new();
    let mut shown = 0;
    let mut crash_boots = Vec::new();
    for s in sessions {
        // util-linux reads whole records only; a partial one is skipped.
        let s = match s {
            Err(utmp::Error::TrailingBytes { .. }) => continue,
            s => s.unwrap(),
        };
        if (s.kind().is_system() && !args.system) || !filter.matches(&s) {
            continue;
        }
        let crash = s.kind() == SessionKind::Boot && matches!(s.end(), End::Crash(_));
        let at = out.len();
        format.write_session(&s, &mut out);
        // A newline in a field ends the line there, as in util-linux.
        let lines = out[at..].iter().filter(|&&c| c == b'\n').count();
        crash_boots.extend(std::iter::repeat_n(crash, lines));
        shown += 1;
        if args.limit == Some(shown) {
            break;
        }
    }
    format.write_footer(Path::new(name), first, &mut out);
    (String::from_utf8(out).unwrap(), crash_boots)
}

fn utmp_seconds(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Splits a shell word list (double quotes only, as the scripts use).
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// The `nodns` subtest of a script: (section name, arguments after `-f FILE`).
fn script_cases(script: &str) -> Vec<(String, Vec<String>)> {
    let mut cases = Vec::new();
    let mut in_nodns = false;
    let mut name = None;
    for line in script.lines() {
        let line = line.trim();
        if line.starts_with("ts_init_subtest") {
            in_nodns = line.contains("\"nodns\"");
        } else if !in_nodns {
            continue;
        } else if let Some(rest) = line.strip_prefix("ts_log \"~~~ ") {
            name = Some(rest.trim_end_matches(" ~~~\"").to_owned());
        } else if let Some(cmd) = line.strip_prefix("$TS_CMD_LAST ") {
            let cmd = cmd.split(" >>").next().unwrap();
            let w = words(cmd);
            assert_eq!(&w[..2], ["-f", "$WTMP_FILE"], "{line}");
            cases.push((name.take().expect("ts_log before command"), w[2..].to_vec()));
        }
    }
    cases
}

/// The sections of an expected file, by name.
fn sections(expected: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in expected.split_inclusive('\n') {
        if let Some(name) = line
            .strip_prefix("~~~ ")
            .and_then(|l| l.trim_end().strip_suffix(" ~~~"))
        {
            out.push((name.to_owned(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
        }
    }
    out
}

/// The records of util-linux's fixture `stem` in this platform's layout: the
/// binary file when it has 384-byte records of this byte order, else (like
/// util-linux's script with `utmpdump -r`) built from the text `txt` with
/// the utmpdump text parser into a scratch file.
fn fixture_file(dir: &Path, stem: &str, txt: &str) -> PathBuf {
    let order = if cfg!(target_endian = "little") {
        "LE"
    } else {
        "BE"
    };
    let text = std::fs::read_to_string(dir.join("util-linux").join(txt)).unwrap();
    let mut bytes = Vec::new();
    for line in text.lines() {
        let e = utmp::layouts::utmpdump::parse_utmpdump_line(line).unwrap();
        bytes.extend_from_slice(e.as_bytes());
    }
    if RECORD_SIZE == 384 {
        let binary = dir.join(format!("util-linux/{stem}.{order}"));
        // The text path used on other layouts gives the very same records.
        assert_eq!(
            std::fs::read(&binary).unwrap(),
            bytes,
            "{txt} vs {stem}.{order}"
        );
        return binary;
    }
    let scratch = std::env::temp_dir().join(format!("utmp-last-{}-{stem}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let path = scratch.join(stem);
    std::fs::write(&path, bytes).unwrap();
    println!("{stem}: {RECORD_SIZE}-byte records built from {txt}");
    path
}

/// A fixed system for the expected files: run long after 2013, booted later
/// than every login in the fixtures, no such processes.
fn fixed_state() -> FixedEnvironment {
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    FixedEnvironment::at(now).boot(Some(now - Duration::from_secs(3600)))
}

fn conformance(script: &str, expected: &str, stem: &str, txt: &str, file_name: &str) {
    let Some(dir) = fixtures() else { return };
    let wtmp = fixture_file(&dir, stem, txt);
    let script = std::fs::read_to_string(dir.join("util-linux").join(script)).unwrap();
    assert!(
        script.contains(&format!("WTMP_FILE=${{TS_OUTDIR}}/{file_name}\n")),
        "the script names its file {file_name}"
    );
    let text = std::fs::read_to_string(dir.join("util-linux/expected").join(expected)).unwrap();
    let cases = script_cases(&script);
    let sections = sections(&text);
    assert_eq!(
        cases.iter().map(|c| &c.0).collect::<Vec<_>>(),
        sections.iter().map(|s| &s.0).collect::<Vec<_>>(),
        "the script's subtests and the expected file's sections"
    );
    for ((name, args), (_, want)) in cases.iter().zip(&sections) {
        let got = run_last(&parse_args(args), &wtmp, file_name, fixed_state());
        assert_eq!(got, *want, "section {name:?}: last {}", args.join(" "));
    }
    println!("{} sections of {expected} match", cases.len());
}

/// util-linux's expected `last` output from its big-endian and
/// little-endian files, each read in its own format on this host (one of
/// them is foreign here, whatever the host).
fn conformance_both_orders(script: &str, expected: &str, stem: &str) {
    let Some(dir) = fixtures() else { return };
    let script = std::fs::read_to_string(dir.join("util-linux").join(script)).unwrap();
    let text = std::fs::read_to_string(dir.join("util-linux/expected").join(expected)).unwrap();
    let cases = script_cases(&script);
    let sections = sections(&text);
    for (order, format) in [
        ("BE", utmp::Format::GLIBC_384_BE),
        ("LE", utmp::Format::GLIBC_384_LE),
    ] {
        let path = dir.join(format!("util-linux/{stem}.{order}"));
        for ((name, args), (_, want)) in cases.iter().zip(&sections) {
            let got = run_last_in(&parse_args(args), &path, format, stem, fixed_state());
            assert_eq!(
                got,
                *want,
                "{stem}.{order} section {name:?}: last {}",
                args.join(" ")
            );
        }
        println!(
            "{} sections of {expected} match from {stem}.{order}",
            cases.len()
        );
    }
}

#[test]
fn util_linux_last_nodns_from_both_byte_orders() {
    conformance_both_orders("last", "last-nodns", "wtmp-a");
}

#[test]
fn util_linux_last_ipv6_nodns_from_both_byte_orders() {
    conformance_both_orders("last-ipv6", "last-ipv6-nodns", "wtmp-ipv6");
}

#[test]
fn util_linux_last_nodns() {
    conformance("last", "last-nodns", "wtmp-a", "txt-a", "wtmp-a");
}

#[test]
fn util_linux_last_ipv6_nodns() {
    conformance(
        "last-ipv6",
        "last-ipv6-nodns",
        "wtmp-ipv6",
        "txt-ipv6",
        "wtmp-ipv6",
    );
}

/// Whether this target's records are the fixtures' (384-byte little-endian,
/// the layout the installed x86_64 `last` reads); a skip line if not.
fn host_layout(what: &str) -> bool {
    if RECORD_SIZE == 384 && cfg!(target_endian = "little") {
        return true;
    }
    let endian = if cfg!(target_endian = "big") {
        "big"
    } else {
        "little"
    };
    common::skip(format_args!(
        "{what} (the fixtures and the installed last are 384-byte little-endian; \
         this target's records are {RECORD_SIZE}-byte {endian}-endian)"
    ));
    false
}

/// The installed `last` (or `lastb`) when it is util-linux's and reads this
/// target's records: under qemu (cross tests) the host's tool reads the
/// host's layout, so a probe record must come back as written.
fn installed(tool: &str) -> Option<()> {
    let out = Command::new(tool).arg("--version").output();
    if !matches!(&out, Ok(o) if String::from_utf8_lossy(&o.stdout).contains("util-linux")) {
        common::skip(format_args!(
            "differential test against {tool} (install util-linux)"
        ));
        return None;
    }
    let probe = EntryBuilder::new(EntryType::UserProcess)
        .user("probe")
        .line("pts/9")
        .pid(1)
        .seconds(1_377_688_418)
        .build()
        .unwrap();
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("utmp-last-probe-{}-{tool}-{n}", std::process::id()));
    std::fs::write(&path, probe.as_bytes()).unwrap();
    let text = Command::new(tool)
        .args(["-w", "--time-format=iso", "-f"])
        .arg(&path)
        .env("LANG", "C")
        .env("LC_ALL", "C")
        .env("TZ", "GMT")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    std::fs::remove_file(&path).unwrap();
    if text.starts_with("probe    pts/9") && text.contains("2013-08-28T11:13:38+00:00") {
        Some(())
    } else {
        common::skip(format_args!(
            "differential test against {tool} (it reads another record layout)"
        ));
        None
    }
}

fn reference_tz(tool: &str, args: &[&str], file: &Path, tz: &str) -> String {
    let out = Command::new(tool)
        .args(["-f".as_ref(), file.as_os_str()])
        .args(args)
        .env("LANG", "C")
        .env("LC_ALL", "C")
        .env("TZ", tz)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?} {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Compares with the installed util-linux 2.38.1, allowing its one known
/// difference in `-w` mode: before 2.41 a boot with no shutdown before the
/// next boot shows the next shutdown's time instead of `- crash`.
fn compare(tool: &str, args: &[&str], file: &Path) -> usize {
    compare_tz(tool, args, file, "GMT")
}

fn compare_tz(tool: &str, args: &[&str], file: &Path, tz: &str) -> usize {
    let want = reference_tz(tool, args, file, tz);
    let mut a = parse_args(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    a.tz = Some(tz.to_owned());
    a.btmp = tool == "lastb";
    let name = file.file_name().unwrap().to_str().unwrap();
    let (got, crash_boots) = run_last_marked(&a, file, name, LiveSystem::new());
    let (g, w): (Vec<_>, Vec<_>) = (got.lines().collect(), want.lines().collect());
    assert_eq!(
        g.len(),
        w.len(),
        "{tool} {args:?} {}:\n{got}\n---\n{want}",
        file.display()
    );
    let mut known = 0;
    for (i, (g, w)) in g.iter().zip(&w).enumerate() {
        if g != w && crash_boots.get(i) == Some(&true) {
            // Same columns up to the logout (or length) column.
            let prefix = |s: &str| {
                let cut = s.find("- ").or_else(|| s.rfind('(')).unwrap_or(s.len());
                s.get(..cut).map(|p| p.trim_end().to_owned())
            };
            assert_eq!(prefix(g), prefix(w), "{tool} {args:?} {}", file.display());
            known += 1;
            continue;
        }
        assert_eq!(g, w, "{tool} {args:?} {}", file.display());
    }
    known
}

const OPTION_SETS: [&[&str]; 8] = [
    &["-w"],
    &["-w", "-x"],
    &["-w", "-x", "-F"],
    &["-w", "-i", "-a"],
    &["-w", "-R", "--time-format=iso"],
    &["-w", "--time-format=notime"],
    &["-w", "-x", "-n", "3"],
    &["-w", "root"],
];

#[test]
fn differential_against_installed_last_on_fixtures() {
    if !host_layout("differential last on the fixtures") || installed("last").is_none() {
        return;
    }
    let files = [
        "util-linux/wtmp-a.LE",
        "util-linux/wtmp-b.LE",
        "util-linux/wtmp-ipv6.LE",
        "s4/Ubuntu22/x86_64/wtmp",
        "s4/CentOS9/x86_64/wtmp",
        "s4/programs/utmp/host-entry1.wtmp",
        "s4/programs/utmp/host-entry6.wtmp",
        "s4/programs/utmp/1-byte.wtmp",
        "utmp-rs/with_host_32.utmp",
        "utmp-rs/basic32.utmp",
        "utmp-rs/long_user_32.utmp",
        "utmp-rs/empty.utmp",
    ];
    let mut known = 0;
    for f in files {
        let Some(path) = common::fixture(f) else {
            continue;
        };
        for args in OPTION_SETS {
            known += compare("last", args, &path);
        }
    }
    println!(
        "{} files x {} option sets match last ({known} known 2.38 differences)",
        files.len(),
        OPTION_SETS.len()
    );
}

#[test]
fn differential_time_zones_against_installed_last() {
    if !host_layout("differential last in time zones") || installed("last").is_none() {
        return;
    }
    // TZif zones (with DST both sides of the equator, a half-hour offset),
    // POSIX rules, fixed offsets, and the empty TZ (UTC).
    let zones = [
        "Europe/Berlin",
        ":America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
        "EST5EDT,M3.2.0,M11.1.0",
        "<+0530>-5:30",
        "UTC0",
        "",
    ];
    let mut tested = 0;
    for tz in zones {
        let name = tz.trim_start_matches(':');
        if name.contains('/') && !Path::new("/usr/share/zoneinfo").join(name).exists() {
            common::skip(format_args!("TZ={tz} (install tzdata)"));
            continue;
        }
        for f in [
            "s4/Ubuntu22/x86_64/wtmp",
            "s4/CentOS9/x86_64/wtmp",
            "util-linux/wtmp-a.LE",
        ] {
            let Some(path) = common::fixture(f) else {
                continue;
            };
            for args in [
                &["-w", "-x"][..],
                &["-w", "-F"],
                &["-w", "--time-format=iso"],
            ] {
                compare_tz("last", args, &path, tz);
            }
        }
        tested += 1;
    }
    println!("{tested} time zones match last");
}

#[test]
fn differential_against_installed_lastb() {
    if !host_layout("differential lastb") || installed("lastb").is_none() {
        return;
    }
    let dir = common::repo_fixtures();
    for f in [
        "s4/Ubuntu22/x86_64/btmp.1",
        "s4/CentOS9/x86_64/btmp",
        "utmp-rs/long_user_32.utmp",
    ] {
        for args in [&["-w"][..], &["-w", "-F"], &["-w", "-i"]] {
            assert_eq!(compare("lastb", args, &dir.join(f)), 0);
        }
    }
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn differential_against_installed_last_on_generated_files() {
    if installed("last").is_none() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("utmp-last-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let users = [
        "alice",
        "bob",
        "a-very-long-user-name",
        "LOGIN",
        "date",
        "",
        "jos\u{e9}",
        "tab\tbel\x07",
        "ctl\x01\x1b",
    ];
    let lines = [
        "pts/0", "pts/1", "tty1", "tty2", ":0", "ftp123", "~", "{", "|", "",
    ];
    let types = [
        EntryType::UserProcess,
        EntryType::UserProcess,
        EntryType::DeadProcess,
        EntryType::DeadProcess,
        EntryType::BootTime,
        EntryType::RunLevel,
        EntryType::LoginProcess,
        EntryType::InitProcess,
        EntryType::NewTime,
        EntryType::Empty,
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut known = 0;
    for case in 0..40 {
        let mut t: i64 = 1_300_000_000 + rng.next(1_000_000) as i64;
        let mut bytes = Vec::new();
        for _ in 0..(5 + rng.next(60)) {
            t += rng.next(20_000) as i64;
            let ty = types[rng.next(types.len() as u64) as usize];
            let (user, line) = match (ty, rng.next(4)) {
                (EntryType::BootTime, _) => ("reboot", "~"),
                (EntryType::RunLevel, 0) => ("shutdown", "~"),
                (EntryType::RunLevel, _) => ("runlevel", "~"),
                _ => (
                    users[rng.next(users.len() as u64) as usize],
                    lines[rng.next(lines.len() as u64) as usize],
                ),
            };
            let pid = if ty == EntryType::RunLevel {
                i32::from([b'0', b'3', b'5', b'6'][rng.next(4) as usize])
            } else {
                rng.next(100_000) as i32 + 1_000_000
            };
            let host = [
                "",
                "example.org",
                "a-host-name-longer-than-sixteen.example",
                "h\u{f4}te-\u{e9}t\u{e9}.example",
                "cr\rnl\n",
            ][rng.next(5) as usize];
            let mut b = EntryBuilder::new(ty)
                .user(user)
                .line(line)
                .host(host)
                .pid(pid)
                .seconds(t);
            if rng.next(3) == 0 {
                b = b.address(Some("192.0.2.7".parse().unwrap()));
            }
            bytes.extend_from_slice(b.build().unwrap().as_bytes());
        }
        let path = dir.join(format!("wtmp-{case}"));
        std::fs::write(&path, &bytes).unwrap();
        for args in OPTION_SETS {
            known += compare("last", args, &path);
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    println!(
        "40 generated files x {} option sets match last ({known} known 2.38 differences)",
        OPTION_SETS.len()
    );
}
