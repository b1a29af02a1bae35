//! `cargo xtask bench`: the readers and the commands against their
//! references, on a generated 1,000,000-record wtmp.
//!
//! 1. `utmp/examples/gen_wtmp.rs` writes `target/bench/wtmp-1M` (deterministic);
//!    `sync` writes it out (no writeback during the timings) and one `cat`
//!    warms the page cache.
//!    The same records are also written as `wtmp-1M.glibc-400-be` (glibc's
//!    big-endian 400-byte format) for the foreign-format row, whose target is
//!    at most 2x the host format's slice reader (the report gives the ratio).
//! 2. `bench/` (a crate outside the workspace, so utmp-rs never enters the
//!    workspace's lock file or checks) times each reader decoding user, line,
//!    host, time and address of every record: median of `UTMP_BENCH_RUNS`
//!    (default 5) runs after a warm-up. Readers of this crate must agree on
//!    the record count and checksum.
//! 3. Peak RSS of one streaming pass, from `/usr/bin/time -v` (else the
//!    child's own `VmHWM`).
//! 4. [`commands`]: each command (`utmp dump`, `last`, `who`...) against
//!    `cat` of its input and its peer (`utmpdump`, `last`, `who`...), with
//!    the verdicts against issue #14's targets: outputs compared byte for
//!    byte first, then `UTMP_BENCH_CLI_RUNS` (default 5) turns of the three
//!    commands one after the other, output to /dev/null; then one run of
//!    each under `/usr/bin/time` for its CPU time (user + system, all
//!    threads). The rows are [`commands::specs`]: add one there.
//!
//! 5. `utmp who` over 10,000 generated logind session files ([`logind`]).
//! 6. `utmp last -f DB` on a generated 1,000,000-row wtmpdb database
//!    (`utmp/examples/gen_wtmpdb.rs`, `target/bench/wtmpdb-1M.db`) against
//!    `wtmpdb last -f DB` (outputs compared first), when a `wtmpdb` is on
//!    `PATH` or named by `UTMP_BENCH_WTMPDB` (build it yourself: it is not
//!    packaged for Debian 12), and against the floor: SQLite's shell reading
//!    and sorting every row as wtmpdb does (`sqlite3 DB 'SELECT * FROM wtmp
//!    ORDER BY Login DESC, Logout ASC'`).
//! 7. [`follow`]: the latency of `utmp dump -f`, from a record's write to its
//!    line.
//!
//! The tables are printed and written to `BENCHMARKS.md`. `cargo xtask bench
//! commands` runs step 4 alone (after step 1), `cargo xtask bench logind`
//! step 5 alone, `cargo xtask bench follow` step 7 alone; those only print.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod commands;
mod follow;
mod logind;
mod zones;

const RECORDS: usize = 1_000_000;

/// Records written by the follow latency bench.
const FOLLOW_RECORDS: usize = 200;

/// `only`: `[]` for everything, `["commands"]`, `["logind"]` or `["follow"]` for that part
/// alone.
pub fn run(root: &Path, only: &[String]) -> Result<(), String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let dir = target.join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let commands_only = matches!(only, [what] if what == "commands");
    // `zones`: only the time-zone rows (the files are made as for the whole run).
    let zones_only = matches!(only, [what] if what == "zones");
    match only {
        [] => {}
        _ if commands_only || zones_only => {}
        [part] if part == "logind" => return logind::run_alone(root, &target),
        [what] if what == "follow" => {
            let rows = follow_latency(root, &target, &dir)?;
            println!("\n{}", follow::report(&rows));
            return Ok(());
        }
        _ => {
            return Err(format!(
                "bench takes nothing, `commands`, `logind`, `follow` or `zones` (got {})",
                only.join(" ")
            ))
        }
    }
    let file = dir.join("wtmp-1M");
    let file_arg = file.to_string_lossy().into_owned();
    let db = dir.join("wtmpdb-1M.db");
    let db_arg = db.to_string_lossy().into_owned();
    let lib_runs = runs("UTMP_BENCH_RUNS", 5)?;
    let cli_runs = runs("UTMP_BENCH_CLI_RUNS", 5)?;

    cargo(
        root,
        &[
            "run",
            "--release",
            "-p",
            "utmp",
            "--example",
            "gen_wtmp",
            "--",
            &file_arg,
            &RECORDS.to_string(),
        ],
    )?;
    // The same records in a foreign format: glibc's big-endian 400-byte
    // records (s390x), for the foreign-format reader's row.
    let foreign = format!("{file_arg}.glibc-400-be");
    cargo(
        root,
        &[
            "run",
            "--release",
            "-p",
            "utmp",
            "--example",
            "gen_wtmp",
            "--",
            &foreign,
            &RECORDS.to_string(),
            "glibc-400-be",
        ],
    )?;
    cargo(
        root,
        &[
            "run",
            "--release",
            "-p",
            "utmp",
            "--example",
            "gen_wtmpdb",
            "--",
            &db_arg,
            &RECORDS.to_string(),
        ],
    )?;
    cargo(root, &["build", "--release", "-p", "utmp-cli"])?;
    let target_arg = target.to_string_lossy().into_owned();
    cargo(
        root,
        &[
            "build",
            "--release",
            "--manifest-path",
            "bench/Cargo.toml",
            "--target-dir",
            &target_arg,
        ],
    )?;
    let release = target.join("release");
    let utmp_bin = release.join("utmp");
    let bench_bin = release.join("utmp-bench");
    let size = std::fs::metadata(&file)
        .map_err(|e| format!("{}: {e}", file.display()))?
        .len();

    // The file was just written: flush it to disk first, or the kernel's
    // writeback takes a core in the middle of the timings (two-thread
    // readers were 3x slower while it ran).
    println!("$ sync   # write the new file out before timing");
    let _ = Command::new("sync").status();
    println!("$ cat {file_arg} {foreign} > /dev/null   # warm the page cache");
    time_command(Command::new("cat").arg(&file).arg(&foreign))?;
    time_command(Command::new("cat").arg(&db))?;

    write_tails(&file, &dir)?;
    let tails = (
        dir.join(SMALL_TAIL).to_string_lossy().into_owned(),
        dir.join(LARGE_TAIL).to_string_lossy().into_owned(),
    );
    let specs = commands::specs(&file_arg, &db_arg, &utmp_bin.to_string_lossy(), &tails);
    if commands_only {
        let cli = commands::measure(&utmp_bin, specs, &dir, cli_runs);
        println!("\n{}", commands::section(&cli, cli_runs));
        return Ok(());
    }
    if zones_only {
        let zones = zones::measure(&utmp_bin, &file, cli_runs);
        println!("{}", zones::section(&zones, cli_runs));
        return Ok(());
    }
    let lib = library(&bench_bin, &file_arg, lib_runs)?;
    let rss = peak_rss(&bench_bin, &file_arg)?;
    let cli = commands::measure(&utmp_bin, specs, &dir, cli_runs);
    let zones = zones::measure(&utmp_bin, &file, cli_runs);

    let logind = logind::measure(&utmp_bin, &dir, cli_runs);
    let follow = follow_latency(root, &target, &dir)?;

    let mut report = report(&lib, &rss, size, lib_runs);
    report.push_str(&commands::section(&cli, cli_runs));
    report.push_str(&zones::section(&zones, cli_runs));
    report.push_str(&logind::section(&logind, cli_runs));
    report.push('\n');
    report.push_str(&follow::report(&follow));
    println!("\n{report}");
    let md = root.join("BENCHMARKS.md");
    std::fs::write(&md, &report).map_err(|e| format!("{}: {e}", md.display()))?;
    println!("wrote {}", md.display());
    Ok(())
}

/// Builds `utmp` and a small generated wtmp, and measures the follower.
fn follow_latency(root: &Path, target: &Path, dir: &Path) -> Result<Vec<follow::Row>, String> {
    let source = dir.join("wtmp-follow-source");
    let source_arg = source.to_string_lossy().into_owned();
    let count = (FOLLOW_RECORDS + 1).to_string();
    cargo(
        root,
        &[
            "run",
            "--release",
            "-p",
            "utmp",
            "--example",
            "gen_wtmp",
            "--",
            &source_arg,
            &count,
        ],
    )?;
    cargo(root, &["build", "--release", "-p", "utmp-cli"])?;
    let utmp_bin = target.join("release").join("utmp");
    follow::measure(&utmp_bin, &source, dir, FOLLOW_RECORDS)
}

fn runs(var: &str, default: usize) -> Result<usize, String> {
    match std::env::var(var) {
        Ok(v) => v
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{var}={v}: not a positive number")),
        Err(_) => Ok(default),
    }
}

fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    println!("$ cargo {}", args.join(" "));
    let status = Command::new(crate::cargo())
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

fn time_command(cmd: &mut Command) -> Result<Duration, String> {
    let start = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    let elapsed = start.elapsed();
    if status.success() {
        Ok(elapsed)
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

/// One reader's line from `utmp-bench lib`.
struct LibRow {
    name: String,
    median: f64,
    min: f64,
    records: u64,
    checksum: String,
}

fn library(bench_bin: &Path, file: &str, runs: usize) -> Result<Vec<LibRow>, String> {
    println!("$ {} lib {file} {runs}", bench_bin.display());
    let out = Command::new(bench_bin)
        .args(["lib", file, &runs.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{}: {e}", bench_bin.display()))?;
    if !out.status.success() {
        return Err(format!("utmp-bench lib failed ({})", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut rows = Vec::new();
    for line in text.lines() {
        println!("  {line}");
        let f: Vec<&str> = line.split('\t').collect();
        let [name, median, min, records, checksum] = f.as_slice() else {
            return Err(format!("utmp-bench: unexpected line {line:?}"));
        };
        let num = |s: &str| s.parse::<f64>().map_err(|e| format!("{s:?}: {e}"));
        rows.push(LibRow {
            name: (*name).to_owned(),
            median: num(median)?,
            min: num(min)?,
            records: records.parse().map_err(|e| format!("{records:?}: {e}"))?,
            checksum: (*checksum).to_owned(),
        });
    }
    // Every reader of this crate must have decoded the same thing.
    let ours: Vec<&LibRow> = rows
        .iter()
        .filter(|r| r.name.starts_with("utmp "))
        .collect();
    if let Some(first) = ours.first() {
        for r in &ours {
            if (r.records, &r.checksum) != (first.records, &first.checksum) {
                return Err(format!(
                    "readers disagree: {} gave {} records / {}, {} gave {} / {}",
                    first.name, first.records, first.checksum, r.name, r.records, r.checksum
                ));
            }
        }
        if first.records != RECORDS as u64 {
            return Err(format!(
                "{} records decoded, {RECORDS} written",
                first.records
            ));
        }
    }
    if let Some(r) = rows.iter().find(|r| r.name.starts_with("utmp-rs")) {
        if r.records != RECORDS as u64 {
            return Err(format!(
                "utmp-rs decoded {} records of {RECORDS}",
                r.records
            ));
        }
    }
    Ok(rows)
}

/// Peak RSS in KiB and how it was measured.
struct Rss {
    kib: u64,
    how: &'static str,
}

fn peak_rss(bench_bin: &Path, file: &str) -> Result<Rss, String> {
    let gnu_time = Path::new("/usr/bin/time");
    if gnu_time.exists() {
        println!("$ /usr/bin/time -v {} stream {file}", bench_bin.display());
        let out = Command::new(gnu_time)
            .arg("-v")
            .arg(bench_bin)
            .args(["stream", file])
            .output()
            .map_err(|e| format!("/usr/bin/time: {e}"))?;
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            if let Some(kib) = err
                .lines()
                .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
                .and_then(|v| v.trim().parse().ok())
            {
                return Ok(Rss {
                    kib,
                    how: "/usr/bin/time -v (ru_maxrss of the child)",
                });
            }
        }
    }
    println!("$ {} stream {file}", bench_bin.display());
    let out = Command::new(bench_bin)
        .args(["stream", file])
        .output()
        .map_err(|e| format!("{}: {e}", bench_bin.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let kib = text
        .split_whitespace()
        .nth(2)
        .and_then(|v| v.parse().ok())
        .filter(|&k| k > 0)
        .ok_or_else(|| format!("utmp-bench stream: no VmHWM in {text:?}"))?;
    Ok(Rss {
        kib,
        how: "VmHWM of the child (/proc/self/status)",
    })
}

/// CPU seconds (user + system) of one run of `program args`, from GNU time;
/// `None` without `/usr/bin/time`.
fn cpu_seconds_of(program: &str, args: &[&str]) -> Option<f64> {
    let gnu_time = Path::new("/usr/bin/time");
    if !gnu_time.exists() {
        return None;
    }
    let mut all = vec!["-f", "%U %S", "--", program];
    all.extend_from_slice(args);
    let out = command(gnu_time.as_os_str(), &all)
        .stdout(Stdio::null())
        .output()
        .ok()?;
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last()?;
    let mut f = last.split_whitespace().map(|v| v.parse::<f64>().ok());
    Some(f.next()?? + f.next()??)
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

/// The wtmpdb program to measure against: `$UTMP_BENCH_WTMPDB`, else
/// `wtmpdb` on `PATH`.
fn wtmpdb_program() -> Option<String> {
    match std::env::var("UTMP_BENCH_WTMPDB") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => on_path("wtmpdb").then(|| "wtmpdb".to_owned()),
    }
}

/// The files of the `last -n 1` row: the first 2730 records of the bench
/// file (1 MiB) in [`SMALL_TAIL`], and 1024 copies of them (1 GiB, still
/// mapped: at most 1 << 30 bytes) in [`LARGE_TAIL`]; both end alike and
/// begin alike, so `last -n 1` prints the same on both.
/// (Same file name in two directories: `last` prints the name in its footer.)
const SMALL_TAIL: &str = "1MiB/wtmp";
const LARGE_TAIL: &str = "1GiB/wtmp";

fn write_tails(file: &Path, dir: &Path) -> Result<(), String> {
    // 384-byte records (glibc on x86_64, aarch64...): 2730 of them.
    let mut head = vec![0; 2730 * 384];
    let err = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let mut f = std::fs::File::open(file).map_err(|e| err(file, e))?;
    f.read_exact(&mut head).map_err(|e| err(file, e))?;
    let (small, large) = (dir.join(SMALL_TAIL), dir.join(LARGE_TAIL));
    for d in [&small, &large].into_iter().filter_map(|p| p.parent()) {
        std::fs::create_dir_all(d).map_err(|e| err(d, e))?;
    }
    std::fs::write(&small, &head).map_err(|e| err(&small, e))?;
    println!(
        "$ write {} (1024 copies of {})",
        large.display(),
        small.display()
    );
    let mut out = std::fs::File::create(&large).map_err(|e| err(&large, e))?;
    for _ in 0..1024 {
        std::io::Write::write_all(&mut out, &head).map_err(|e| err(&large, e))?;
    }
    let _ = Command::new("sync").status();
    Ok(())
}

/// `program args` in the environment both sides are compared in.
fn command(program: &std::ffi::OsStr, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args)
        .env("TZ", "UTC")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_TIME");
    c
}

/// Runs `cmd` with its output in `out`; on failure, the exit code and the
/// first line of its error output.
fn run_to_file(mut cmd: Command, out: &Path) -> Result<(), (Option<i32>, String)> {
    let file = File::create(out).map_err(|e| (None, format!("{}: {e}", out.display())))?;
    let res = cmd
        .stdout(file)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| (None, e.to_string()))?;
    if res.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&res.stderr);
        let first = err.lines().next().unwrap_or("no message").trim().to_owned();
        Err((res.status.code(), first))
    }
}

/// `None` when equal, else the offset of the first difference.
fn same_contents(a: &Path, b: &Path) -> Result<Option<u64>, String> {
    let open = |p: &Path| {
        File::open(p)
            .map(|f| BufReader::with_capacity(1 << 20, f))
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    let (mut a, mut b) = (open(a)?, open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    let mut offset = 0u64;
    loop {
        let na = read_full(&mut a, &mut ba)?;
        let nb = read_full(&mut b, &mut bb)?;
        let (sa, sb) = (&ba[..na], &bb[..nb]);
        if sa != sb {
            let at = sa.iter().zip(sb).take_while(|(x, y)| x == y).count();
            return Ok(Some(offset + at as u64));
        }
        if na == 0 {
            return Ok(None);
        }
        offset += na as u64;
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> Result<usize, String> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(n)
}

fn median(mut times: Vec<f64>) -> Option<f64> {
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied()
}

fn machine() -> String {
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    let output = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown".to_owned())
    };
    let date = output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let rustc = output("rustc", &["--version"]);
    format!("- date: {date}\n- CPU: {cpu}, nproc = {nproc}\n- kernel: Linux {kernel}\n- {rustc}\n")
}

fn ratio(slow: f64, fast: f64) -> f64 {
    if fast > 0.0 {
        slow / fast
    } else {
        f64::INFINITY
    }
}

/// Not a target: where the README pattern's time goes, in cat's time, from
/// the rows of this run. `Reader` reads with read(2), so it pays the
/// kernel's copy of the file, which is all that cat does; the pattern adds
/// the owned copy of each record and its accessors on top.
fn readme_costs(s: &mut String, find: &dyn Fn(&str) -> Option<f64>) {
    let cat = find("cat ");
    let in_cat = |key: &str| find(key).zip(cat).map(|(t, c)| ratio(t, c));
    let (read, owned, borrowed, pattern) = (
        in_cat("next_ref, streaming"),
        in_cat("Iterator, owned entries"),
        in_cat("README's accessors on borrowed"),
        in_cat("README's pattern"),
    );
    let shown = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.2}x"));
    let _ = writeln!(
        s,
        "\nWhere the README pattern's time goes (not targets; cat's time = 1x, the \
         kernel's copy of the file, which `Reader` pays too, as it reads with read(2)):\n\n\
         - reading each record, borrowed (`next_ref`): {}\n\
         - the owned copy of each record (`Iterator`, owned entries), on top: +{}\n\
         - the accessors (`*_lossy()`, `time()`, `address()` on borrowed entries), on top: +{}\n\
         - the pattern (all three): {}; the accessors on borrowed entries (no owned copy): {}",
        shown(read),
        shown(owned.zip(read).map(|(o, r)| o - r)),
        shown(borrowed.zip(read).map(|(b, r)| b - r)),
        shown(pattern),
        shown(borrowed),
    );
}

fn report(lib: &[LibRow], rss: &Rss, size: u64, lib_runs: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmarks\n");
    let _ = writeln!(
        s,
        "Generated by `cargo xtask bench` (do not edit; run it again). Wall-clock \
         medians on a shared machine: treat differences under ~20% as noise.\n"
    );
    let _ = writeln!(s, "{}", machine());
    let _ = writeln!(
        s,
        "Input: `target/bench/wtmp-1M`, {RECORDS} records, {size} bytes, from \
         `utmp/examples/gen_wtmp.rs` (boots, run levels, LOGIN, USER from IPv4/IPv6 \
         hosts, DEAD on the same lines), in the page cache.\n"
    );
    let _ = writeln!(
        s,
        "## Library: decode user, line, host, time and address of every record\n\n\
         Median (and minimum) of {lib_runs} runs after a warm-up; each run times \
         every reader in turn, `cat` included, so the ratios compare moments \
         apart. utmp-rs has no address field; it decodes into owned `String`s and \
         `OffsetDateTime`.\n"
    );
    let direct = lib
        .iter()
        .find(|r| r.name.contains("next_ref, streaming"))
        .map(|r| r.median);
    let _ = writeln!(
        s,
        "| reader | median | min | relative to the streaming reader |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|");
    for r in lib {
        let rel = direct.map_or_else(|| "-".to_owned(), |d| format!("{:.2}x", ratio(r.median, d)));
        let _ = writeln!(
            s,
            "| {} | {:.3} s | {:.3} s | {rel} |",
            r.name, r.median, r.min
        );
    }
    let find = |key: &str| lib.iter().find(|r| r.name.contains(key)).map(|r| r.median);
    let _ = writeln!(s, "\nTargets:\n");
    let mut target = |what: &str, value: Option<f64>, ok: &dyn Fn(f64) -> bool, shown: String| {
        let verdict = match value {
            Some(v) if ok(v) => "met",
            Some(_) => "MISSED",
            None => "not measured",
        };
        let _ = writeln!(s, "- {what}: {shown} ({verdict})");
    };
    let rs = find("utmp-rs").zip(direct).map(|(o, d)| ratio(o, d));
    target(
        "streaming reader >= 3x faster than utmp-rs",
        rs,
        &|v| v >= 3.0,
        rs.map_or("-".into(), |v| format!("{v:.2}x")),
    );
    // Issue #14: every field through the README's own pattern.
    let readme = find("README's pattern");
    let readme_cat = readme.zip(find("cat ")).map(|(r, c)| ratio(r, c));
    target(
        "every field through the README's pattern (owned entries, *_lossy(), time(), address()) <= 2x cat",
        readme_cat,
        &|v| v <= 2.0,
        readme_cat.map_or("-".into(), |v| format!("{v:.2}x cat's time")),
    );
    let readme_rs = find("utmp-rs").zip(readme).map(|(o, r)| ratio(o, r));
    target(
        "every field through the README's pattern >= 3x faster than utmp-rs",
        readme_rs,
        &|v| v >= 3.0,
        readme_rs.map_or("-".into(), |v| format!("{v:.2}x")),
    );
    let c = find("C API").zip(direct).map(|(o, d)| ratio(o, d));
    target(
        "streaming reader >= 50x faster than the C API",
        c,
        &|v| v >= 50.0,
        c.map_or("-".into(), |v| format!("{v:.1}x")),
    );
    let cat = direct.zip(find("cat ")).map(|(d, c)| ratio(d, c));
    target(
        "streaming reader within 3x of cat",
        cat,
        &|v| v <= 3.0,
        cat.map_or("-".into(), |v| format!("{v:.2}x cat's time")),
    );
    // The foreign format against the host's, both over an fs::read slice.
    let foreign = find("entries_in(glibc-400-be)")
        .zip(find("entries() over fs::read slice"))
        .map(|(f, h)| ratio(f, h));
    target(
        "a foreign format (glibc-400-be, decoded into owned entries) within 2x of the host format's slice reader",
        foreign,
        &|v| v <= 2.0,
        foreign.map_or("-".into(), |v| format!("{v:.2}x the host's time")),
    );
    let mib = rss.kib as f64 / 1024.0;
    target(
        "peak RSS of the streaming reader < 32 MiB",
        Some(mib),
        &|v| v < 32.0,
        format!("{mib:.1} MiB, {}", rss.how),
    );
    readme_costs(&mut s, &find);
    s
}
