//! `utmp last` on wtmpdb databases: every command of the fixtures'
//! `wtmpdb/expected/COMMANDS` against what `wtmpdb last` 0.75.0 printed
//! (byte for byte; `-j` as valid JSON with the same values), the choice of
//! source, and bad input through the binary.
#![cfg(target_os = "linux")]

mod common;
use common::{optional_fixtures, runnable, utmp};

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

fn utmp_last_in(dir: &Path, args: &[String]) -> Output {
    utmp()
        .arg("last")
        .args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .output()
        .unwrap()
}

/// The words of a command line as the shell splits them (blanks, and
/// double quotes around words with blanks: all `COMMANDS` uses).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

/// JSON text with its string escapes `\"` and `\\` undone: what wtmpdb
/// prints, which does not escape.
fn unescaped(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut it = json.iter().copied();
    while let Some(c) = it.next() {
        if c == b'\\' {
            match it.next() {
                Some(e @ (b'"' | b'\\')) => out.push(e),
                Some(e) => out.extend_from_slice(&[b'\\', e]),
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn every_command_of_the_fixtures_matches_wtmpdb_last() {
    if !runnable("wtmpdb conformance") {
        return;
    }
    let Some(fixtures) = optional_fixtures("wtmpdb conformance") else {
        return;
    };
    let dir = fixtures.join("wtmpdb");
    let expected = dir.join("expected");
    let commands = match std::fs::read_to_string(expected.join("COMMANDS")) {
        Ok(c) => c,
        Err(e) => {
            common::skip(format_args!(
                "wtmpdb conformance (no {}: {e})",
                expected.join("COMMANDS").display()
            ));
            return;
        }
    };
    let (mut text, mut json) = (0, 0);
    for line in commands.lines().filter(|l| !l.trim().is_empty()) {
        let (label, rest) = line.split_once(": ").unwrap();
        let (cmd, exit) = rest.rsplit_once("   (exit ").unwrap();
        let exit: i32 = exit.trim_end_matches(')').parse().unwrap();
        let args = words(cmd.strip_prefix("wtmpdb last").unwrap());
        let out = utmp_last_in(&dir, &args);
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{label}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut got = out.stdout.clone();
        got.extend_from_slice(&out.stderr);
        let want = std::fs::read(expected.join(label)).unwrap();
        if label.ends_with(".j") {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!(
                    "{label}: not JSON ({e}):\n{}",
                    String::from_utf8_lossy(&got)
                )
            });
            assert!(v["entries"].is_array(), "{label}");
            assert_eq!(
                String::from_utf8_lossy(&unescaped(&got)),
                String::from_utf8_lossy(&want),
                "{label}: utmp last {args:?}"
            );
            json += 1;
        } else {
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "{label}: utmp last {args:?}"
            );
            assert_eq!(got, want, "{label}: the same text, other bytes");
            text += 1;
        }
    }
    assert!(
        text + json >= 100,
        "only {text} + {json} commands in COMMANDS"
    );
    println!("wtmpdb conformance: {text} text outputs byte for byte, {json} JSON outputs by value");
}

/// A scratch directory, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("utmp-cli-wtmpdb-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn db(&self, name: &str, sql: &str) -> PathBuf {
        let path = self.0.join(name);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, \
             Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT);",
        )
        .unwrap();
        conn.execute_batch(sql).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(dir: &Path, args: &[&str]) -> Output {
    utmp_last_in(dir, &args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn a_database_is_told_by_its_header_and_a_named_source_wins() {
    if !runnable("wtmpdb source choice") {
        return;
    }
    let s = Scratch::new("source");
    let db = s.db(
        "history",
        "INSERT INTO wtmp VALUES(1,3,'alice',1700000000000000,NULL,'pts/0','h',NULL);",
    );
    let out = run(&s.0, &["-f", "history"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "alice    pts/0        h                Tue Nov 14 22:13 - still logged in\n\nhistory begins Tue Nov 14 22:13:20 2023\n"
    );
    // Named as wtmp: read as records (and its SQLite bytes are no whole
    // number of records).
    let out = run(&s.0, &["--source", "wtmp", "-f", "history"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("alice"));
    // A wtmp file named as wtmpdb: a clear error.
    let wtmp = s.0.join("wtmp");
    std::fs::write(&wtmp, [0u8; 384]).unwrap();
    let out = run(&s.0, &["--source", "wtmpdb", "-f", "wtmp"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "utmp: wtmp: not an SQLite database (no \"SQLite format 3\" header)\n"
    );
    // logind has no history; --bad and -T do not apply to wtmpdb.
    for (args, says) in [
        (
            &["--source", "logind"][..],
            "logind keeps current sessions only",
        ),
        (&["--bad", "-f", "history"][..], "--bad"),
        (&["-T", "-f", "history"][..], "-T does not apply"),
        (
            &["-S", "--source", "wtmp", "-f", "wtmp"][..],
            "--service needs a wtmpdb database",
        ),
    ] {
        let out = run(&s.0, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
    drop(db);
}

#[test]
fn bad_databases_are_one_line_errors() {
    if !runnable("wtmpdb bad input through the CLI") {
        return;
    }
    let s = Scratch::new("bad");
    let path = s.db(
        "t.db",
        "INSERT INTO wtmp VALUES(4,3,'a',NULL,NULL,'pts/0',NULL,NULL);",
    );
    let out = run(&s.0, &["-f", "t.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "utmp: t.db: row with ID 4: column Login is NULL, not an integer\n"
    );
    assert!(out.stdout.is_empty());

    let empty = s.db("empty.db", "");
    let out = run(&s.0, &["-f", "empty.db"]);
    assert_eq!(
        (out.status.code(), out.stdout.as_slice()),
        (Some(0), &b"empty.db has no entries\n"[..])
    );
    let out = run(&s.0, &["-j", "-f", "empty.db"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["entries"], serde_json::json!([]));

    // Locked by a writer: an error after the busy timeout, not a hang.
    let writer = rusqlite::Connection::open(&empty).unwrap();
    writer
        .execute_batch("BEGIN EXCLUSIVE; INSERT INTO wtmp VALUES(1,3,'b',1,NULL,'x',NULL,NULL);")
        .unwrap();
    let started = Instant::now();
    let out = run(&s.0, &["-f", "empty.db"]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "utmp: empty.db: database is locked (a writer holds it; try again)\n"
    );
    writer.execute_batch("ROLLBACK").unwrap();
    drop(path);
}

/// The `wtmpdb` to compare with: `$UTMP_TEST_WTMPDB`, else `wtmpdb` on
/// `PATH` (Debian 13, openSUSE).
fn installed_wtmpdb() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("UTMP_TEST_WTMPDB").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("wtmpdb"))
        .find(|p| p.is_file())
}

#[test]
fn differential_against_an_installed_wtmpdb() {
    if !runnable("wtmpdb differential") {
        return;
    }
    let Some(fixtures) = optional_fixtures("wtmpdb differential") else {
        return;
    };
    let Some(wtmpdb) = installed_wtmpdb() else {
        common::skip_not_on_ci(format_args!(
            "differential test against wtmpdb last (install wtmpdb, or set \
             UTMP_TEST_WTMPDB to one)"
        ));
        return;
    };
    let dir = fixtures.join("wtmpdb");
    let options = [
        "",
        "-x",
        "-x -s 2023-11-14 -t 2023-11-15",
        "root",
        "pts/0",
        "-x reboot",
        "alice bob",
        "-n 2 -x",
        "-5",
        "-S -R",
        "-a -S -w",
        "-x -p 2023-11-15",
        "-x -s 2023-05-10",
        "-x -t 2023-05-10",
        "-j -x -S",
        "-j -R",
        "--time-format iso -x -a",
        "--time-format short -F",
        "-F --time-format notime",
        "tty2",
        "?",
        "-x -n 1",
        "-p 2023-05-10 -x -F",
        "-j -n 2",
        "-j --time-format notime",
        "-R -S -x -w",
    ];
    let mut dbs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.ends_with(".db").then_some(name)
        })
        .collect();
    dbs.sort();
    let mut compared = 0;
    for db in &dbs {
        for opts in options {
            let mut args = words(opts);
            args.extend(["-f".to_owned(), db.clone()]);
            let theirs = std::process::Command::new(&wtmpdb)
                .arg("last")
                .args(&args)
                .current_dir(&dir)
                .env("TZ", "UTC")
                .env("LANG", "C")
                .env_remove("LC_ALL")
                .output()
                .unwrap();
            let ours = utmp_last_in(&dir, &args);
            assert_eq!(ours.status.code(), theirs.status.code(), "{db} {opts}");
            let mut ours_text = ours.stdout.clone();
            if opts.contains("-j") {
                serde_json::from_slice::<serde_json::Value>(&ours.stdout)
                    .unwrap_or_else(|e| panic!("{db} {opts}: not JSON: {e}"));
                ours_text = unescaped(&ours_text);
            }
            assert_eq!(
                String::from_utf8_lossy(&ours_text),
                String::from_utf8_lossy(&theirs.stdout),
                "utmp last {opts} -f {db}"
            );
            compared += 1;
        }
    }
    println!(
        "wtmpdb differential: {compared} outputs identical to {}",
        wtmpdb.display()
    );
}
