//! Local time in zones other than UTC (#14): `utmp last`, `utmp dump` and
//! `utmp who` on the 1M-record file with `TZ=Europe/Berlin` and
//! `TZ=America/New_York`, each timed side by side with `TZ=UTC` (the runs
//! take turns), and held to at most 10% slower than UTC.

use std::fmt::Write as _;
use std::path::Path;

use super::{command, median, ratio, time_command};

/// The zones compared with UTC: one with European rules, one with US rules.
const ZONES: [&str; 2] = ["Europe/Berlin", "America/New_York"];

/// At most this multiple of the `TZ=UTC` time.
const TARGET: f64 = 1.10;

/// One command: its median time under UTC and under each of [`ZONES`], or why
/// it was not timed.
pub(super) struct Row {
    label: String,
    utc: Option<f64>,
    zones: Vec<Option<f64>>,
    status: String,
}

/// Times each command under UTC and each zone, `runs` times, taking turns.
pub(super) fn measure(utmp_bin: &Path, file: &Path, runs: usize) -> Vec<Row> {
    let f = file.to_string_lossy().into_owned();
    let commands: [Vec<&str>; 3] = [vec!["last", "-f", &f], vec!["dump", &f], vec!["who", &f]];
    commands
        .iter()
        .map(|args| one(utmp_bin, args, runs))
        .collect()
}

fn one(utmp_bin: &Path, args: &[&str], runs: usize) -> Row {
    let f = args.last().copied().unwrap_or_default();
    let shown: Vec<&str> = args.iter().map(|&a| if a == f { "F" } else { a }).collect();
    let label = format!("utmp {}", shown.join(" "));
    let mut row = Row {
        label,
        utc: None,
        zones: vec![None; ZONES.len()],
        status: String::new(),
    };
    let tzdir = std::env::var("TZDIR").unwrap_or_else(|_| "/usr/share/zoneinfo".to_owned());
    if let Some(zone) = ZONES.iter().find(|z| !Path::new(&tzdir).join(z).is_file()) {
        row.status = format!("skipped: no {tzdir}/{zone} (install tzdata)");
        return row;
    }
    println!(
        "  timing {runs} runs of {} under UTC and {}, taking turns",
        row.label,
        ZONES.join(", ")
    );
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); ZONES.len() + 1];
    for _ in 0..runs {
        for (tz, t) in std::iter::once("UTC").chain(ZONES).zip(times.iter_mut()) {
            let mut cmd = command(utmp_bin.as_os_str(), args);
            cmd.env("TZ", tz);
            match time_command(&mut cmd) {
                Ok(d) => t.push(d.as_secs_f64()),
                Err(e) => {
                    row.status = format!("a timed run failed: {e}");
                    return row;
                }
            }
        }
    }
    let mut medians = times.into_iter().map(median);
    row.utc = medians.next().flatten();
    row.zones = medians.collect();
    row.status = "measured".to_owned();
    row
}

/// The section of BENCHMARKS.md.
pub(super) fn section(rows: &[Row], runs: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n## Time zones: the same commands under TZ=UTC and other zones\n\n\
         Median of {runs} runs of each, taking turns, output to /dev/null; each \
         zone's time divided by UTC's (target: at most {TARGET:.2}x).\n"
    );
    let mut head = "| command | TZ=UTC |".to_owned();
    for zone in ZONES {
        let _ = write!(head, " TZ={zone} | / UTC | verdict |");
    }
    let _ = writeln!(s, "{head} status |");
    let _ = writeln!(s, "|---|---:|{}---|", "---:|---:|---|".repeat(ZONES.len()));
    for r in rows {
        let t = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.3} s"));
        let mut line = format!("| {} | {} |", r.label, t(r.utc));
        for z in &r.zones {
            let rel = z.zip(r.utc).map(|(z, u)| ratio(z, u));
            let verdict = match rel {
                Some(v) if v <= TARGET => "met",
                Some(_) => "MISSED",
                None => "not measured",
            };
            let rel = rel.map_or("-".to_owned(), |v| format!("{v:.2}x"));
            let _ = write!(line, " {} | {rel} | <= {TARGET:.2}x: {verdict} |", t(*z));
        }
        let _ = writeln!(s, "{line} {} |", r.status);
    }
    s
}
