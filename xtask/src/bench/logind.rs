//! The logind part of `cargo xtask bench`: `utmp who` over 10,000 generated
//! logind session files (target: under 50 ms). `cargo xtask bench logind`
//! runs this part alone (and prints it; BENCHMARKS.md is written only by the
//! whole run).
//!
//! The files are written by this module in the layout logind uses
//! (`target/bench/logind-10k/<id>`, about 450 bytes each, every key logind
//! 252 writes), all of class `user`, so `utmp who` prints one line per file;
//! that count is checked before the timings.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{cargo, command, cpu_seconds_of, median, runs, time_command};

/// How many session files.
pub const SESSIONS: usize = 10_000;

/// The target, in seconds.
const TARGET: f64 = 0.050;

/// What was measured.
pub struct Row {
    dir: PathBuf,
    median: Option<f64>,
    min: Option<f64>,
    /// The floor: reading every file of the folder, nothing else.
    floor: Option<f64>,
    /// CPU time of one run (user + system, all threads), from `/usr/bin/time`.
    cpu: Option<f64>,
    status: String,
}

/// Lists the folder and reads every file whole (`std::fs::read`, one
/// thread): the least any reader of the sessions does.
fn read_every_file(dir: &Path) -> Result<usize, String> {
    let mut bytes = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        bytes += std::fs::read(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
    }
    Ok(bytes)
}

/// Writes the session files (again, from scratch): deterministic.
fn generate(dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for i in 0..SESSIONS {
        let id = i + 1;
        let uid = 1000 + i % 700;
        let realtime = 1_700_000_000_000_000u64 + (i as u64) * 7_919_000_013;
        let text = format!(
            "# This is private data. Do not parse.\n\
             UID={uid}\nUSER=user{uid}\nACTIVE=1\nIS_DISPLAY=0\nSTATE=active\nREMOTE=1\n\
             LEADER_FD_SAVED=no\nTYPE=tty\nORIGINAL_TYPE=tty\nCLASS=user\n\
             SCOPE=session-{id}.scope\nFIFO=/run/systemd/sessions/{id}.ref\n\
             TTY=pts/{pts}\nTTY_VALIDITY=from-pam\nREMOTE_HOST=198.51.{a}.{b}\n\
             SERVICE=sshd\nPOSITION=0\nLEADER={leader}\nAUDIT={id}\n\
             REALTIME={realtime}\nMONOTONIC={mono}\n",
            pts = i % 4096,
            a = (i / 256) % 256,
            b = i % 256,
            leader = 10_000 + i,
            mono = 5_000_000 + i,
        );
        let path = dir.join(id.to_string());
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Generates the files and times `utmp who --source logind DIR`.
pub fn measure(utmp_bin: &Path, bench_dir: &Path, runs: usize) -> Row {
    let dir = bench_dir.join("logind-10k");
    let mut row = Row {
        dir: dir.clone(),
        median: None,
        min: None,
        floor: None,
        cpu: None,
        status: String::new(),
    };
    println!("  writing {SESSIONS} session files in {}", dir.display());
    if let Err(e) = generate(&dir) {
        row.status = format!("cannot write the session files: {e}");
        return row;
    }
    let d = dir.to_string_lossy().into_owned();
    let args = ["who", "--source", "logind", d.as_str()];
    println!("$ {} {}", utmp_bin.display(), args.join(" "));
    let out = match command(utmp_bin.as_os_str(), &args).output() {
        Ok(out) => out,
        Err(e) => {
            row.status = format!("cannot run utmp: {e}");
            return row;
        }
    };
    let lines = out
        .stdout
        .split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    if !out.status.success() || lines != SESSIONS {
        row.status = format!(
            "WRONG OUTPUT: {lines} lines for {SESSIONS} sessions ({}; {})",
            out.status,
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .unwrap_or("")
        );
        return row;
    }
    row.status = format!("{lines} lines, one per session");
    println!("  timing {runs} runs of each, taking turns with the floor (read every file)");
    let (mut times, mut floor) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let start = Instant::now();
        if let Err(e) = read_every_file(&dir) {
            row.status
                .push_str(&format!("; reading the files failed: {e}"));
            return row;
        }
        floor.push(start.elapsed().as_secs_f64());
        match time_command(&mut command(utmp_bin.as_os_str(), &args)) {
            Ok(t) => times.push(t.as_secs_f64()),
            Err(e) => {
                row.status.push_str(&format!("; a timed run failed: {e}"));
                return row;
            }
        }
    }
    row.min = times.iter().copied().reduce(f64::min);
    row.median = median(times);
    row.floor = median(floor);
    let cpu: Vec<f64> = (0..3)
        .filter_map(|_| cpu_seconds_of(&utmp_bin.to_string_lossy(), &args))
        .collect();
    row.cpu = median(cpu);
    row
}

/// The report's section.
pub fn section(row: &Row, runs: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n## logind: `utmp who` over {SESSIONS} session files\n\n\
         `utmp who --source logind {}` (files as logind 252 writes them, class \
         `user`, in the page cache), output to /dev/null; median (and minimum) of \
         {runs} runs. coreutils 9.1 `who` cannot read logind, so the target is \
         absolute; the floor is listing the folder and reading every file whole \
         (`std::fs::read`, one thread, in the bench process: no process start), \
         timed in turns with it.\n",
        row.dir.display()
    );
    let shown = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{:.1} ms", v * 1000.0));
    let verdict = match row.median {
        Some(v) if v < TARGET => "met",
        Some(_) => "MISSED",
        None => "not measured",
    };
    let _ = writeln!(
        s,
        "| command | median | min | floor (read every file) | CPU (user + sys) | target | output |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|---|");
    let _ = writeln!(
        s,
        "| utmp who (logind, {SESSIONS} sessions) | {} | {} | {} | {} | < {:.0} ms: {verdict} | {} |",
        shown(row.median),
        shown(row.min),
        shown(row.floor),
        shown(row.cpu),
        TARGET * 1000.0,
        row.status
    );
    let _ = writeln!(s, "\nLoad average while measuring: {}", load_average());
    s
}

/// `/proc/loadavg`'s first three numbers (other work on the machine slows
/// every timing here).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// `cargo xtask bench logind`: this part alone.
pub fn run_alone(root: &Path, target: &Path) -> Result<(), String> {
    let cli_runs = runs("UTMP_BENCH_CLI_RUNS", 5)?;
    cargo(root, &["build", "--release", "-p", "utmp-cli"])?;
    let dir = target.join("bench");
    let row = measure(&target.join("release").join("utmp"), &dir, cli_runs);
    println!("{}", section(&row, cli_runs));
    match row.median {
        Some(_) => Ok(()),
        None => Err(format!("logind bench: {}", row.status)),
    }
}
