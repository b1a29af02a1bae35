//! `utmp last` end to end: util-linux's test cases through the binary, exit
//! codes and errors, `--bad`, `--json`, limits.

mod common;
use common::{optional_fixtures, repo_fixtures, runnable, utmp};

use std::path::PathBuf;
use std::process::{Command, Output};

/// The optional fixtures (util-linux's), when the binary can also run here
/// (skip line otherwise).
fn runnable_with_fixtures() -> Option<PathBuf> {
    if !runnable("utmp last CLI tests") {
        return None;
    }
    optional_fixtures("utmp last CLI tests on util-linux's files")
}

fn utmp_last(args: &[&str]) -> Output {
    utmp()
        .arg("last")
        .args(args)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("TZ", "GMT")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The little-endian 384-byte fixture `stem`, copied as `name` into a fresh
/// directory for the test `test` (the footer names the file), or `None` on
/// other layouts.
fn linked(stem: &str, name: &str, test: &str) -> Option<(PathBuf, PathBuf)> {
    let dir = runnable_with_fixtures()?;
    if utmp::RECORD_SIZE != 384 || cfg!(target_endian = "big") {
        common::skip(format_args!(
            "{stem} through the CLI (needs 384-byte little-endian records)"
        ));
        return None;
    }
    let tmp = std::env::temp_dir().join(format!("utmp-cli-last-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let link = tmp.join(name);
    let _ = std::fs::remove_file(&link);
    std::fs::copy(dir.join("util-linux").join(format!("{stem}.LE")), &link).unwrap();
    Some((tmp, link))
}

/// Splits util-linux's expected file into `~~~ name ~~~` sections.
fn section(expected: &str, name: &str) -> String {
    let head = format!("~~~ {name} ~~~\n");
    let start = expected.find(&head).unwrap() + head.len();
    let rest = &expected[start..];
    let end = rest.find("~~~ ").unwrap_or(rest.len());
    rest[..end].to_owned()
}

#[test]
fn util_linux_cases_through_the_binary() {
    let Some((tmp, wtmp)) = linked("wtmp-a", "wtmp-a", "cases") else {
        return;
    };
    let expected = std::fs::read_to_string(
        runnable_with_fixtures()
            .unwrap()
            .join("util-linux/expected/last-nodns"),
    )
    .unwrap();
    let f = wtmp.to_str().unwrap();
    // The command lines of util-linux's tests/ts/utmp/last (nodns subtest).
    let cases: [(&str, &[&str]); 10] = [
        ("basic output", &[]),
        ("include system", &["-x"]),
        ("show ip", &["-i", "torvalds"]),
        ("no host", &["-R", "torvalds"]),
        ("full times shortopt", &["-F"]),
        ("full times longopt", &["--time-format=full"]),
        ("no time", &["--time-format=notime"]),
        ("iso-8601 time", &["--time-format=iso", "-w"]),
        (
            "since and until",
            &["-s", "2013-08-28 02:20", "-t", "2013-08-28 08:20"],
        ),
        ("present", &["-p", "2013-08-28 11:20"]),
    ];
    for (name, args) in cases {
        let mut all = vec!["-f", f];
        all.extend_from_slice(args);
        let out = utmp_last(&all);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert_eq!(stdout(&out), section(&expected, name), "{name}");
    }
    std::fs::remove_dir_all(tmp).unwrap();
}

#[test]
fn ipv6_cases_through_the_binary() {
    let Some((tmp, wtmp)) = linked("wtmp-ipv6", "wtmp-ipv6", "ipv6") else {
        return;
    };
    let expected = std::fs::read_to_string(
        runnable_with_fixtures()
            .unwrap()
            .join("util-linux/expected/last-ipv6-nodns"),
    )
    .unwrap();
    let f = wtmp.to_str().unwrap();
    let out = utmp_last(&["-f", f, "-i"]);
    assert_eq!(stdout(&out), section(&expected, "show ip"));
    let out = utmp_last(&["-f", f, "-i", "-a"]);
    assert_eq!(stdout(&out), section(&expected, "show ip last"));
    std::fs::remove_dir_all(tmp).unwrap();
}

#[test]
fn limits_and_multiple_files() {
    let Some((tmp, wtmp)) = linked("wtmp-a", "wtmp-a", "limits") else {
        return;
    };
    let f = wtmp.to_str().unwrap();
    let all = stdout(&utmp_last(&["-f", f]));
    let first3: Vec<&str> = all.lines().take(3).collect();
    for args in [&["-n", "3"][..], &["-3"], &["--limit", "3"]] {
        let mut a = vec!["-f", f];
        a.extend_from_slice(args);
        let out = stdout(&utmp_last(&a));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(&lines[..3], &first3[..], "{args:?}");
        assert_eq!(lines[3], "");
        assert!(lines[4].starts_with("wtmp-a begins "), "{args:?}");
        assert_eq!(lines.len(), 5);
    }
    // Two files: each gets its footer.
    let out = stdout(&utmp_last(&["-f", f, "-f", f, "--time-format", "notime"]));
    assert_eq!(out.lines().count(), 2 * 14);
    std::fs::remove_dir_all(tmp).unwrap();
}

#[test]
fn missing_file_is_one_line_and_exit_1() {
    if !runnable("utmp last CLI tests") {
        return;
    }
    let out = utmp_last(&["-f", "/nonexistent/wtmp"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("utmp: /nonexistent/wtmp: "), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_arguments() {
    if !runnable("utmp last CLI tests") {
        return;
    }
    let out = utmp_last(&["-f", "/dev/null", "-s", "not a time"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "utmp: invalid time value \"not a time\"\n");
    // Usage errors are clap's: exit 2.
    let out = utmp_last(&["--time-format", "long"]);
    assert_eq!(out.status.code(), Some(2));
    // -F and --time-format go together: the later one wins (as in
    // util-linux and wtmpdb).
    let out = utmp_last(&["-F", "--time-format", "notime", "-f", "/dev/null"]);
    assert_eq!((out.status.code(), out.stdout.len()), (Some(0), 0));
    let out = utmp_last(&["--time-format", "notime", "-F", "-f", "/dev/null"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).starts_with("\nnull begins "),
        "{}",
        stdout(&out)
    );
}

#[test]
fn partial_record_is_a_warning() {
    if !runnable("utmp last CLI tests") {
        return;
    }
    let dir = repo_fixtures();
    let one = dir.join("s4/programs/utmp/1-byte.wtmp");
    let out = utmp_last(&["-f", one.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        stderr(&out).starts_with("utmp: warning: "),
        "{}",
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.starts_with("\n1-byte.wtmp begins "), "{text}");
}

#[test]
fn bad_logins_like_lastb() {
    if !runnable("utmp last CLI tests") {
        return;
    }
    let dir = repo_fixtures();
    if utmp::RECORD_SIZE != 384 || cfg!(target_endian = "big") {
        common::skip(format_args!(
            "--bad on x86_64 btmp fixtures ({} bytes)",
            utmp::RECORD_SIZE
        ));
        return;
    }
    let btmp = dir.join("s4/Ubuntu22/x86_64/btmp.1");
    let records = std::fs::metadata(&btmp).unwrap().len() as usize / 384;
    let out = utmp_last(&["--bad", "-w", "-f", btmp.to_str().unwrap()]);
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), records + 2);
    assert!(lines[records + 1].starts_with("btmp.1 begins "));
    // Every failed login ends when it starts: "- HH:MM  (00:00)".
    assert!(
        lines[..records].iter().all(|l| l.ends_with(" (00:00)")),
        "{text}"
    );
    // Against lastb itself when installed.
    match Command::new("lastb")
        .args(["-w", "-f"])
        .arg(&btmp)
        .env("LANG", "C")
        .env("TZ", "GMT")
        .output()
    {
        Ok(o) if o.status.success() => assert_eq!(text, String::from_utf8(o.stdout).unwrap()),
        _ => common::skip(format_args!("comparison with lastb (install util-linux)")),
    }
}

#[test]
fn json_lines() {
    let Some((tmp, wtmp)) = linked("wtmp-a", "wtmp-a", "json") else {
        return;
    };
    let out = utmp_last(&["-f", wtmp.to_str().unwrap(), "--json", "-x"]);
    assert!(out.status.success());
    let text = stdout(&out);
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // util-linux's "include system" section has 16 lines for this file.
    assert_eq!(rows.len(), 16);
    // The first: rick on "long", 1970-01-01 to 2038-01-19T03:14:07 (txt-a).
    assert_eq!(rows[0]["user"], "rick");
    assert_eq!(rows[0]["line"], "long");
    assert_eq!(rows[0]["login"], "1970-01-01T00:00:00.000000Z");
    assert_eq!(rows[0]["logout"], "2038-01-19T03:14:07.000000Z");
    assert_eq!(rows[0]["end"], "logged_out");
    assert_eq!(rows[1]["end"], "gone_no_logout");
    assert_eq!(rows[2]["kind"], "boot");
    assert_eq!(rows[2]["end"], "still_running");
    assert_eq!(rows[3]["kind"], "shutdown");
    assert_eq!(rows[3]["line"], "system down");
    std::fs::remove_dir_all(tmp).unwrap();
}

#[test]
fn help_says_no_dns() {
    if !runnable("utmp last CLI tests") {
        return;
    }
    let out = utmp_last(&["--help"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("no DNS lookups"));
}

/// A file of several chunks (16384 records each) is paired on worker
/// threads when mapped (`utmp::sessions::ChunkPairing`): its lines are those
/// of the streamed pass (`--no-mmap`), byte for byte, in two zones, also
/// with a partial record at its end (the newest chunk is then paired on
/// one thread, with its warning).
#[test]
fn chunked_last_is_the_streamed_last() {
    use utmp::{Entry, EntryBuilder, EntryType};
    if !runnable("utmp last CLI tests") {
        return;
    }
    let lines = ["pts/0", "pts/1", "pts/2", "tty1", ":0"];
    let mut entries: Vec<Entry> = Vec::new();
    let mut t = 1_600_000_000;
    let rec = |k: EntryType, user: &str, line: &str, t: i64| {
        EntryBuilder::new(k)
            .user(user)
            .line(line)
            .pid(7)
            .host("example.org")
            .seconds(t)
            .build()
            .unwrap()
    };
    let mut i = 0usize;
    while entries.len() < 16384 * 2 + 777 {
        i += 1;
        t += 37;
        // A shutdown and boot every 1000 or so records, a crash now and
        // then; sessions that cross chunk boundaries, some never closed.
        match i % 997 {
            0 => {
                entries.push(rec(EntryType::RunLevel, "shutdown", "~~", t));
                entries.push(rec(EntryType::BootTime, "reboot", "~", t + 3));
            }
            500 => entries.push(rec(EntryType::BootTime, "reboot", "~", t)),
            n if n % 3 == 2 && n % 11 != 0 => {
                entries.push(rec(EntryType::DeadProcess, "", lines[i * 7 % 5], t))
            }
            _ => entries.push(rec(
                EntryType::UserProcess,
                ["ana", "bo", "root"][i % 3],
                lines[i * 7 % 5],
                t,
            )),
        }
    }
    let dir = std::env::temp_dir().join(format!("utmp-last-chunked-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = Vec::new();
    utmp::write_entries(&mut bytes, &entries).unwrap();
    let whole = dir.join("whole");
    std::fs::write(&whole, &bytes).unwrap();
    bytes.extend_from_slice(&[9; 17]);
    let partial = dir.join("partial");
    std::fs::write(&partial, &bytes).unwrap();
    let options: [&[&str]; 5] = [&[], &["-w"], &["-x"], &["-x", "--json"], &["bo", "-x"]];
    for file in [&whole, &partial] {
        for zone in ["UTC", "Europe/Berlin"] {
            for opts in options {
                let run = |extra: &[&str]| {
                    utmp()
                        .arg("last")
                        .args(opts)
                        .args(extra)
                        .arg("-f")
                        .arg(file)
                        .env("TZ", zone)
                        .env("LANG", "C")
                        .env_remove("LC_ALL")
                        .env_remove("LC_CTYPE")
                        .output()
                        .unwrap()
                };
                let (want, got) = (run(&["--no-mmap"]), run(&[]));
                assert!(
                    want.stdout.len() > 100_000,
                    "{opts:?}: {}",
                    stdout(&want).len()
                );
                assert!(
                    got.stdout == want.stdout,
                    "{opts:?} {zone} {}",
                    file.display()
                );
                assert_eq!(stderr(&got), stderr(&want), "{opts:?}");
                assert_eq!(got.status.code(), want.status.code());
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
