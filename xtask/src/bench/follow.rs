//! Follow latency: the time from a record's write (one `write(2)` of the
//! whole record) to its line on the standard output of `utmp dump -f`, with
//! inotify and with polling (`--poll`). The records are real ones, taken
//! from the bench's generated wtmp; between two records the writer pauses
//! (5-15 ms with inotify; with polling, a pause spread over the whole interval,
//! so that writes do not fall in step with the polls), so that the follower
//! is asleep when each record comes (the case that matters: a login on an
//! idle system).
//!
//! Targets: median under 10 ms with inotify, under the poll interval
//! without it.

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One way of following, measured.
pub struct Row {
    pub label: String,
    /// Latencies in milliseconds, sorted.
    pub ms: Vec<f64>,
    /// The median must be under this, in milliseconds.
    pub target_ms: f64,
}

/// The poll interval of the polling run.
const POLL: Duration = Duration::from_millis(100);

/// Measures `utmp dump -f` with inotify (`samples` records) and polling
/// (fewer: each waits half an interval on average). `source` is a file of
/// records of this platform (the generated wtmp), `dir` a scratch folder.
pub fn measure(
    utmp_bin: &Path,
    source: &Path,
    dir: &Path,
    samples: usize,
) -> Result<Vec<Row>, String> {
    let record = record_size(utmp_bin, dir)?;
    let mut records = vec![0u8; record * (samples + 1)];
    std::fs::File::open(source)
        .and_then(|mut f| f.read_exact(&mut records))
        .map_err(|e| format!("{}: {e}", source.display()))?;
    let poll_arg = format!("{}", POLL.as_secs_f64());
    let runs: [(&str, Vec<&str>, usize, f64); 2] = [
        ("utmp dump -f (inotify)", vec![], samples, 10.0),
        (
            "utmp dump -f --poll 0.1",
            vec!["--poll", &poll_arg],
            samples.div_ceil(4),
            POLL.as_secs_f64() * 1000.0,
        ),
    ];
    let mut rows = Vec::new();
    for (label, extra, n, target_ms) in runs {
        println!("$ {label}   # {n} records, latency from write to line");
        let spread = if extra.is_empty() {
            11
        } else {
            POLL.as_millis() as usize
        };
        let ms = latencies(utmp_bin, &records, record, dir, &extra, n, spread)?;
        rows.push(Row {
            label: label.to_owned(),
            ms,
            target_ms,
        });
    }
    Ok(rows)
}

/// The record size of the `utmp` under test: `utmp dump --json` of nothing
/// cannot say it, so dump one all-zero record of each size the platforms
/// use and keep the one that gives exactly one line and exit 0.
fn record_size(utmp_bin: &Path, dir: &Path) -> Result<usize, String> {
    for size in [384usize, 400] {
        let probe = dir.join("follow-probe");
        std::fs::write(&probe, vec![0u8; size]).map_err(|e| format!("{}: {e}", probe.display()))?;
        let out = Command::new(utmp_bin)
            .arg("dump")
            .arg(&probe)
            .output()
            .map_err(|e| format!("{}: {e}", utmp_bin.display()))?;
        if out.status.success() && out.stdout.iter().filter(|&&c| c == b'\n').count() == 1 {
            return Ok(size);
        }
    }
    Err("cannot tell the record size of utmp dump".into())
}

/// Kills the follower however the measurement ends.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn latencies(
    utmp_bin: &Path,
    records: &[u8],
    record: usize,
    dir: &Path,
    extra: &[&str],
    n: usize,
    spread: usize,
) -> Result<Vec<f64>, String> {
    let file = dir.join("follow-wtmp");
    let first = records.get(..record).ok_or("no record")?;
    std::fs::write(&file, first).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut child = Command::new(utmp_bin)
        .args(["dump", "-f"])
        .arg(&file)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("{}: {e}", utmp_bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let _guard = Guard(child);
    // Lines, each with the moment it was read, from a thread (so that a
    // stuck follower is a timeout, not a hang).
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout);
        let mut line = String::new();
        while lines.read_line(&mut line).is_ok_and(|n| n > 0) {
            if tx.send(Instant::now()).is_err() {
                break;
            }
            line.clear();
        }
    });
    let timeout = Duration::from_secs(10);
    // The first record's line: it is following.
    rx.recv_timeout(timeout)
        .map_err(|e| format!("utmp dump -f showed nothing: {e}"))?;
    std::thread::sleep(Duration::from_millis(200));
    let mut out = OpenOptions::new()
        .append(true)
        .open(&file)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let mut ms = Vec::with_capacity(n);
    for (i, rec) in records.chunks_exact(record).skip(1).take(n).enumerate() {
        let pause = 5 + (i * 7919) % spread;
        std::thread::sleep(Duration::from_millis(pause as u64));
        let written = Instant::now();
        out.write_all(rec)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let shown = rx
            .recv_timeout(timeout)
            .map_err(|e| format!("record {i}: no line within {timeout:?}: {e}"))?;
        ms.push(shown.saturating_duration_since(written).as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok(ms)
}

fn at(ms: &[f64], q: f64) -> f64 {
    let i = ((ms.len() as f64 - 1.0) * q).round() as usize;
    ms.get(i).copied().unwrap_or(f64::NAN)
}

/// The report section.
pub fn report(rows: &[Row]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## Following: from a record's write to its line\n\n\
         `utmp dump -f` of a file that a writer appends real records to (one \
         `write(2)` each, 5-15 ms apart with inotify, 5-105 ms apart when polling \
         every 100 ms, so the follower is asleep when each comes); the time until the record's line is read from its standard \
         output. Release build.\n"
    );
    let _ = writeln!(
        s,
        "| follower | records | median | p90 | max | target (median) |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|");
    for r in rows {
        let median = at(&r.ms, 0.5);
        let verdict = if median < r.target_ms {
            "met"
        } else {
            "MISSED"
        };
        let _ = writeln!(
            s,
            "| {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | < {} ms: {verdict} |",
            r.label,
            r.ms.len(),
            median,
            at(&r.ms, 0.9),
            r.ms.last().copied().unwrap_or(f64::NAN),
            r.target_ms
        );
    }
    s
}
