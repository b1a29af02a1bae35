//! `--format FORMAT|auto` and detection in `utmp dump`, `last`, `who` and
//! `undump`, on the real captures of other systems. Expected rows are those
//! machines' own output (the fixtures' `.txt` files).

mod common;
use common::{optional_fixtures, repo_fixtures, runnable, utmp};

use std::path::{Path, PathBuf};
use std::process::Output;

fn run(args: &[&str], tz: &str) -> Output {
    utmp()
        .args(args)
        .env("TZ", tz)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .output()
        .unwrap()
}

/// The repository's fixtures (s4), when the binary can run here.
fn setup(what: &str) -> Option<PathBuf> {
    runnable(what).then(repo_fixtures)
}

/// The optional fixtures (util-linux, wtmpdb), when the binary can run here.
fn setup_optional(what: &str) -> Option<PathBuf> {
    if !runnable(what) {
        return None;
    }
    optional_fixtures(what)
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

fn path(dir: &Path, rel: &str) -> String {
    dir.join(rel).to_string_lossy().into_owned()
}

#[test]
fn last_of_a_freebsd_utx_log_matches_freebsds_last() {
    let Some(dir) = setup("utmp last on FreeBSD utx.log") else {
        return;
    };
    let file = path(&dir, "s4/FreeBSD14.0/x86_64/utx.log");
    let out = run(&["last", "-f", &file], "EST5");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    // Said once, on stderr, which format was chosen.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("reading it as freebsd-utx-log"), "{stderr}");
    // Every user row of FreeBSD's own `last` (same columns, word for word),
    // including the login paired with a DEAD_PROCESS that has only id and pid.
    let theirs = std::fs::read_to_string(dir.join("s4/FreeBSD14.0/x86_64/utx.log.txt")).unwrap();
    let ours: Vec<Vec<&str>> = stdout.lines().map(words).collect();
    for row in theirs.lines().filter(|l| l.starts_with("root")) {
        assert!(ours.contains(&words(row)), "{row:?} not in\n{stdout}");
    }
    // Its boot rows: `boot time` where the record has no user, at the same
    // time (our line column says `system boot`, as util-linux's does).
    let boots: Vec<&str> = theirs
        .lines()
        .filter(|l| l.starts_with("boot time"))
        .collect();
    assert_eq!(boots.len(), 2, "{theirs}");
    for row in boots {
        let when = &words(row)[2..];
        let found = ours.iter().any(|w| {
            w.starts_with(&["boot", "time", "system", "boot"])
                && w.windows(when.len()).any(|x| x == when)
        });
        assert!(found, "{row:?} not in\n{stdout}");
    }
    assert!(
        stdout.contains("utx.log begins Fri Feb  2 13:05:04 2024"),
        "{stdout}"
    );
}

#[test]
fn last_of_bsd_wtmp_files_pairs_like_their_last() {
    let Some(dir) = setup("utmp last on NetBSD/OpenBSD wtmp") else {
        return;
    };
    // NetBSD's `last` prints years and seconds; compare user, line, host,
    // and the login and logout times to the minute.
    for (file, format) in [
        ("s4/NetBSD9.3/x86_32/wtmpx", "netbsd-utmpx-516-le"),
        ("s4/NetBSD9.3/x86_32/wtmp", "netbsd-utmp-le"),
    ] {
        let out = run(
            &["last", "--format", format, "-f", &path(&dir, file)],
            "EST5",
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(
            out.stderr.is_empty(),
            "a named format needs no notice: {out:?}"
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        for want in [
            ["root", "pts/2", "Feb 25 03:16", "still logged in"],
            ["root", "pts/3", "Feb 16 21:56", "- 23:07"],
            ["root", "pts/2", "Feb 16 21:55", "- 23:07"],
        ] {
            assert!(
                stdout.lines().any(|l| want.iter().all(|w| l.contains(w))),
                "{file}: {want:?} in\n{stdout}"
            );
        }
        // reboot on line `~`.
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("reboot") && l.contains("Feb 25 03:15")),
            "{stdout}"
        );
    }
    // OpenBSD: logins ended by a shutdown (`- shutdown` there, `- down` here).
    let out = run(
        &["last", "-f", &path(&dir, "s4/OpenBSD7.2/x86_32/wtmp.1")],
        "PST8PDT",
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    for want in [
        ["ttyp2", "May  8 12:52", "- down", "(00:15)"],
        ["ttyp2", "Mar 28 20:02", "- 11:23", "(15:21)"],
        ["ttyp2", "Mar 28 14:20", "- 20:00", "(05:40)"],
    ] {
        assert!(
            stdout.lines().any(|l| want.iter().all(|w| l.contains(w))),
            "{want:?} in\n{stdout}"
        );
    }
}

#[test]
fn who_reads_a_freebsd_utx_active() {
    let Some(dir) = setup("utmp who on FreeBSD utx.active") else {
        return;
    };
    let out = run(
        &["who", &path(&dir, "s4/FreeBSD14.0/x86_64/utx.active")],
        "EST5",
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    // utx.active.txt: root ttyv0 13:07:09 and root pts/0 from host.net 21:08:37.
    assert!(
        stdout
            .lines()
            .any(|l| words(l) == ["root", "ttyv0", "Feb", "2", "13:07"]),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| words(l) == ["root", "pts/0", "Feb", "2", "21:08", "(host.net)"]),
        "{stdout}"
    );
}

#[test]
fn dump_of_big_endian_files_is_the_little_endian_dump() {
    let Some(dir) = setup_optional("utmp dump of util-linux BE files") else {
        return;
    };
    for stem in ["wtmp-a", "wtmp-b", "wtmp-ipv6"] {
        for json in [false, true] {
            let mut args = vec!["dump"];
            if json {
                args.push("--json");
            }
            let le_path = path(&dir, &format!("util-linux/{stem}.LE"));
            let be_path = path(&dir, &format!("util-linux/{stem}.BE"));
            let le = run(
                &[&args[..], &["--format", "glibc-384-le", &le_path]].concat(),
                "UTC",
            );
            let be = run(
                &[&args[..], &["--format", "auto", &be_path]].concat(),
                "UTC",
            );
            assert_eq!(le.status.code(), Some(0), "{le:?}");
            assert_eq!(be.status.code(), Some(0), "{be:?}");
            assert_eq!(
                String::from_utf8_lossy(&le.stdout),
                String::from_utf8_lossy(&be.stdout),
                "{stem} json={json}"
            );
        }
    }
}

#[test]
fn auto_exits_1_when_nothing_fits_and_names_the_best_candidate() {
    let Some(dir) = setup_optional("utmp dump --format auto on an SQLite file") else {
        return;
    };
    let db = path(&dir, "wtmpdb/ubuntu22.db");
    let out = run(&["dump", "--format", "auto", &db], "UTC");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no known login-record format fits"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
    // Unknown format names are a usage error (exit 2) listing the known ones.
    let out = run(&["dump", "--format", "vax-utmp", &db], "UTC");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("freebsd-utx-log"));
}

#[test]
fn undump_writes_any_format_and_dump_reads_it_back() {
    let Some(dir) = setup_optional("utmp undump --format") else {
        return;
    };
    let scratch = std::env::temp_dir().join(format!("utmp-cli-formats-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let text = path(&dir, "util-linux/txt-a");
    let want = std::fs::read_to_string(&text).unwrap();
    for format in ["glibc-400-be", "glibc-384-be", "netbsd-utmpx-520-le"] {
        let out_file = scratch.join(format).to_string_lossy().into_owned();
        let u = run(
            &["undump", "--format", format, "-o", &out_file, &text],
            "UTC",
        );
        assert_eq!(u.status.code(), Some(0), "{format}: {u:?}");
        let d = run(&["dump", "--format", format, &out_file], "UTC");
        assert_eq!(d.status.code(), Some(0), "{format}: {d:?}");
        assert_eq!(String::from_utf8_lossy(&d.stdout), want, "{format}");
    }
    // Refused, never dropped: FreeBSD and illumos records have no address
    // (the text holds 198.41.0.4), NetBSD's old struct utmp no pid.
    for (format, field) in [
        ("freebsd-utx", "ut_addr_v6"),
        ("illumos-be", "ut_addr_v6"),
        ("netbsd-utmp-le", "ut_pid"),
    ] {
        let out_file = scratch.join(format).to_string_lossy().into_owned();
        let u = run(
            &["undump", "--format", format, "-o", &out_file, &text],
            "UTC",
        );
        assert_eq!(u.status.code(), Some(1), "{u:?}");
        assert!(String::from_utf8_lossy(&u.stderr).contains(field), "{u:?}");
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn last_of_a_big_endian_file_is_the_little_endian_last() {
    let Some(dir) = setup_optional("utmp last of util-linux BE files") else {
        return;
    };
    for stem in ["wtmp-a", "wtmp-b", "wtmp-ipv6"] {
        let le = run(
            &[
                "last",
                "-x",
                "--format",
                "glibc-384-le",
                "-f",
                &path(&dir, &format!("util-linux/{stem}.LE")),
            ],
            "UTC",
        );
        let be = run(
            &[
                "last",
                "-x",
                "-f",
                &path(&dir, &format!("util-linux/{stem}.BE")),
            ],
            "UTC",
        );
        assert_eq!(le.status.code(), Some(0), "{le:?}");
        assert_eq!(be.status.code(), Some(0), "{be:?}");
        assert!(
            String::from_utf8_lossy(&be.stderr).contains("reading it as glibc-384-be"),
            "{be:?}"
        );
        // The same lines; only the footer names the other file.
        let body = |o: &Output| {
            let s = String::from_utf8_lossy(&o.stdout).into_owned();
            s.lines()
                .map(|l| {
                    l.replace(".BE begins", " begins")
                        .replace(".LE begins", " begins")
                })
                .collect::<Vec<_>>()
        };
        // Except a login without logout: this machine's boot time says it
        // is gone for the host-format file (util-linux's rule); a file of
        // another format comes from another machine, whose processes this
        // one cannot see: it shows as still logged in, as that machine's
        // `last` would have shown it.
        let (le, be) = (body(&le), body(&be));
        assert_eq!(le.len(), be.len(), "{stem}");
        for (l, b) in le.iter().zip(&be) {
            if l.ends_with("gone - no logout") {
                assert!(b.ends_with("still logged in"), "{b}");
                assert_eq!(l[..40], b[..40]);
            } else {
                assert_eq!(l, b, "{stem}");
            }
        }
    }
}

#[test]
fn standard_input_in_a_named_or_detected_format() {
    let Some(dir) = setup("utmp dump - --format") else {
        return;
    };
    let file = path(&dir, "s4/FreeBSD14.0/x86_64/utx.log");
    let want = run(&["dump", "--format", "freebsd-utx-log", &file], "UTC");
    assert_eq!(want.status.code(), Some(0), "{want:?}");
    for format in ["freebsd-utx-log", "auto"] {
        let out = utmp()
            .args(["dump", "--format", format, "-"])
            .env("TZ", "UTC")
            .stdin(std::fs::File::open(&file).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(out.stdout, want.stdout, "{format}");
    }
}
