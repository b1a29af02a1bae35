//! The command part of `cargo xtask bench`: each `utmp` command against
//! the floor, `cat FILE > /dev/null` of its input, and against its peer
//! tool, timed side by side in one run (issue #14).
//!
//! Each row is one [`Spec`] in [`specs`]: to measure another command, add a
//! row there (an environment, a peer, a target against `cat` and one
//! against the peer are all optional). For every row, the outputs of `utmp`
//! and the peer are compared byte for byte first; then each run times the
//! three commands in turn (`cat`, `utmp`, the peer), output to /dev/null, so
//! the ratios compare runs made moments apart on the same machine state.
//! The ratio to `cat` is the median of the per-turn ratios; the verdicts
//! apply the targets to the ratios.

use std::fmt::Write as _;
use std::path::Path;

use super::{command, cpu_seconds_of, median, on_path, ratio, run_to_file, same_contents};
use super::{time_command, wtmpdb_program};

/// One command to measure.
pub struct Spec {
    /// What the table calls it.
    pub label: String,
    /// `utmp`'s arguments.
    pub utmp: Vec<String>,
    /// Extra environment for `utmp` and the peer (on top of `TZ=UTC LANG=C`).
    pub env: Vec<(String, String)>,
    /// The file `cat` reads: the command's input.
    pub input: String,
    /// The peer tool and its arguments, if any.
    pub peer: Option<(String, Vec<String>)>,
    /// Whether the peer's output must equal `utmp`'s (false for a floor
    /// whose output differs by design, like SQLite's own rows).
    pub same_output: bool,
    /// Why the outputs are not compared, when `same_output` is false.
    pub not_compared: &'static str,
    /// At most this many times `cat`'s time.
    pub cat_target: Option<f64>,
    /// At least this many times faster than the peer.
    pub peer_target: Option<f64>,
    /// How many times `utmp` and the peer run back to back in each turn
    /// (the time is their mean): runs of a few milliseconds are mostly
    /// noise one at a time.
    pub repeat: u32,
}

impl Spec {
    fn new(label: &str, utmp: &[&str], input: &str) -> Spec {
        Spec {
            label: label.to_owned(),
            utmp: utmp.iter().map(|&s| s.to_owned()).collect(),
            env: Vec::new(),
            input: input.to_owned(),
            peer: None,
            same_output: true,
            not_compared: "",
            cat_target: None,
            peer_target: None,
            repeat: 1,
        }
    }

    fn peer(mut self, tool: &str, args: &[&str]) -> Spec {
        self.peer = Some((
            tool.to_owned(),
            args.iter().map(|&s| s.to_owned()).collect(),
        ));
        self
    }

    fn at_most_cat(mut self, times: f64) -> Spec {
        self.cat_target = Some(times);
        self
    }

    fn faster_than_peer(mut self, times: f64) -> Spec {
        self.peer_target = Some(times);
        self
    }

    fn repeat(mut self, times: u32) -> Spec {
        self.repeat = times.max(1);
        self
    }
}

/// The rows of the table: the 1M-record wtmp `f`, the 1M-row wtmpdb
/// database `db`, and the 1 MiB and 1 GiB files of the `last -n 1` row
/// (`tails`), which `utmp` itself (`utmp_bin`) reads as its own peer.
pub fn specs(f: &str, db: &str, utmp_bin: &str, tails: &(String, String)) -> Vec<Spec> {
    let wtmpdb = wtmpdb_program().unwrap_or_else(|| "wtmpdb".to_owned());
    let mut floor = Spec::new(
        "utmp last -f DB vs sqlite3 DB 'SELECT ... ORDER BY'",
        &["last", "-f", db],
        db,
    )
    .peer(
        "sqlite3",
        &[db, "SELECT * FROM wtmp ORDER BY Login DESC, Logout ASC"],
    );
    floor.same_output = false;
    floor.not_compared = "not compared (its output is SQLite's rows, not last's)";
    // util-linux 2.38.1 prints a host cut at 16 columns as is; upstream
    // (2.40+), which the conformance tests hold us to, marks the cut with
    // `*`: the outputs differ in that column only.
    let mut last = Spec::new(
        "utmp last -f F vs last -f F (2.38.1: no `*` on cut hosts)",
        &["last", "-f", f],
        f,
    )
    .peer("last", &["-f", f])
    .at_most_cat(1.5);
    last.same_output = false;
    last.not_compared = "not compared (util-linux 2.38.1 prints a cut host without \
                         upstream's `*`; the conformance tests hold us to upstream)";
    // Mapping reads only what is looked at: the newest session of a 1 GiB
    // file costs what it costs on 1 MiB ("as fast": within 10%).
    let (small, large) = (tails.0.as_str(), tails.1.as_str());
    let tail = Spec::new(
        "utmp last -n 1 -f F (1 GiB) vs utmp last -n 1 -f F (1 MiB), mean of 50 runs a turn",
        &["last", "-n", "1", "-f", large],
        large,
    )
    .peer(utmp_bin, &["last", "-n", "1", "-f", small])
    .faster_than_peer(0.9)
    .repeat(50);
    vec![
        Spec::new("utmp dump F vs utmpdump F", &["dump", f], f)
            .peer("utmpdump", &[f])
            .at_most_cat(1.5)
            .faster_than_peer(5.0),
        last,
        Spec::new(
            "utmp last -w -f F vs last -w -f F",
            &["last", "-w", "-f", f],
            f,
        )
        .peer("last", &["-w", "-f", f])
        .at_most_cat(1.5)
        .faster_than_peer(8.0),
        Spec::new("utmp dump --json F", &["dump", "--json", f], f).at_most_cat(2.0),
        Spec::new("utmp who F vs who F", &["who", f], f)
            .peer("who", &[f])
            .at_most_cat(2.0)
            .faster_than_peer(10.0),
        Spec::new("utmp who -a F vs who -a F", &["who", "-a", f], f)
            .peer("who", &["-a", f])
            .at_most_cat(2.0),
        Spec::new(
            "utmp last -f DB vs wtmpdb last -f DB",
            &["last", "-f", db],
            db,
        )
        .peer(&wtmpdb, &["last", "-f", db])
        .faster_than_peer(3.0),
        floor,
        tail,
        // Floors (#14: where a target is out of reach, what is the floor):
        // the read pass alone, in each direction, with nothing to print.
        Spec::new(
            "floor: utmp last -w -f F -s @4000000000 (every record read backwards, none printed)",
            &["last", "-w", "-f", f, "-s", "@4000000000"],
            f,
        ),
        Spec::new(
            "floor: utmp who -b F (every record read forwards, only the boots printed)",
            &["who", "-b", f],
            f,
        ),
    ]
}

/// One row's outcome.
pub struct Row {
    spec: Spec,
    /// Median seconds of `cat`, `utmp`, the peer.
    cat: Option<f64>,
    ours: Option<f64>,
    theirs: Option<f64>,
    /// Medians of the per-turn ratios: utmp / cat, peer / utmp.
    to_cat: Option<f64>,
    to_peer: Option<f64>,
    /// CPU seconds (user + system, every thread) of one run of cat, utmp
    /// and the peer.
    cpu: (Option<f64>, Option<f64>, Option<f64>),
    status: String,
}

/// Measures every row: `runs` turns each.
pub fn measure(utmp_bin: &Path, specs: Vec<Spec>, dir: &Path, runs: usize) -> Vec<Row> {
    specs
        .into_iter()
        .map(|spec| measure_one(utmp_bin, spec, dir, runs))
        .collect()
}

/// The peer's name for file names and messages.
fn tool_name(tool: &str) -> String {
    Path::new(tool)
        .file_name()
        .map_or(tool.into(), |n| n.to_string_lossy().into_owned())
}

fn measure_one(utmp_bin: &Path, spec: Spec, dir: &Path, runs: usize) -> Row {
    let mut row = Row {
        spec,
        cat: None,
        ours: None,
        theirs: None,
        to_cat: None,
        to_peer: None,
        cpu: (None, None, None),
        status: String::new(),
    };
    let peer = match check_outputs(utmp_bin, &row.spec, dir) {
        Ok((peer, status)) => {
            row.status = status;
            peer
        }
        Err(status) => {
            row.status = status;
            return row;
        }
    };
    println!(
        "  timing {runs} turns of cat, utmp{}{}",
        if peer { ", the peer" } else { "" },
        if row.spec.repeat > 1 {
            format!(" (utmp and the peer {} times a turn)", row.spec.repeat)
        } else {
            String::new()
        }
    );
    let (mut cat, mut ours, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
    let (mut to_cat, mut to_peer) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let turn = (|| {
            let c = time_command(&mut command("cat".as_ref(), &[&row.spec.input]))?;
            let n = row.spec.repeat;
            let o = time_repeated(n, || utmp_command(utmp_bin, &row.spec))?;
            let t = match (&row.spec.peer, peer) {
                (Some(p), true) => Some(time_repeated(n, || peer_command(p, &row.spec))?),
                _ => None,
            };
            Ok::<_, String>((c.as_secs_f64(), o.as_secs_f64(), t.map(|t| t.as_secs_f64())))
        })();
        match turn {
            Ok((c, o, t)) => {
                cat.push(c);
                ours.push(o);
                to_cat.push(ratio(o, c));
                if let Some(t) = t {
                    theirs.push(t);
                    to_peer.push(ratio(t, o));
                }
            }
            Err(e) => {
                eprintln!("  {e}");
                row.status.push_str("; a timed run failed");
                return row;
            }
        }
    }
    (row.cat, row.ours, row.theirs) = (median(cat), median(ours), median(theirs));
    (row.to_cat, row.to_peer) = (median(to_cat), median(to_peer));
    let args: Vec<&str> = row.spec.utmp.iter().map(String::as_str).collect();
    row.cpu.0 = cpu_seconds_of("cat", &[&row.spec.input]);
    row.cpu.1 = cpu_seconds_of(&utmp_bin.to_string_lossy(), &args);
    if let (Some((tool, targs)), true) = (&row.spec.peer, peer) {
        let targs: Vec<&str> = targs.iter().map(String::as_str).collect();
        row.cpu.2 = cpu_seconds_of(tool, &targs);
    }
    row
}

/// The mean time of `n` runs of the command `make` builds, back to back.
fn time_repeated(
    n: u32,
    make: impl Fn() -> std::process::Command,
) -> Result<std::time::Duration, String> {
    let mut total = std::time::Duration::ZERO;
    for _ in 0..n {
        total += time_command(&mut make())?;
    }
    Ok(total / n.max(1))
}

fn utmp_command(utmp_bin: &Path, spec: &Spec) -> std::process::Command {
    let args: Vec<&str> = spec.utmp.iter().map(String::as_str).collect();
    let mut c = command(utmp_bin.as_os_str(), &args);
    c.envs(spec.env.iter().map(|(k, v)| (k, v)));
    c
}

fn peer_command((tool, args): &(String, Vec<String>), spec: &Spec) -> std::process::Command {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut c = command(tool.as_ref(), &args);
    c.envs(spec.env.iter().map(|(k, v)| (k, v)));
    c
}

/// Runs `utmp` once (it must succeed) and the peer once, and compares their
/// outputs: whether the peer is timed, and the output column; `Err` with
/// the status when `utmp` itself cannot run.
fn check_outputs(utmp_bin: &Path, spec: &Spec, dir: &Path) -> Result<(bool, String), String> {
    let name = spec
        .peer
        .as_ref()
        .map_or_else(|| "cat".to_owned(), |(t, _)| tool_name(t));
    let ours_out = dir.join(format!("{name}.utmp.out"));
    let theirs_out = dir.join(format!("{name}.ref.out"));
    println!(
        "$ {} {} > {}",
        utmp_bin.display(),
        spec.utmp.join(" "),
        ours_out.display()
    );
    match run_to_file(utmp_command(utmp_bin, spec), &ours_out) {
        Ok(()) => {}
        // A stub subcommand: "not implemented yet", or a usage error
        // (exit 2) because it takes no arguments yet.
        Err((code, e)) if e.contains("not implemented") || code == Some(2) => {
            return Err(format!("not available yet (`utmp` says: {e})"));
        }
        Err((_, e)) => return Err(format!("utmp failed: {e}")),
    }
    let Some(peer @ (tool, targs)) = &spec.peer else {
        let _ = std::fs::remove_file(&ours_out);
        return Ok((false, "no peer".to_owned()));
    };
    if !on_path(tool) && !Path::new(tool).is_file() {
        let _ = std::fs::remove_file(&ours_out);
        let skip = match name.as_str() {
            "wtmpdb" => "skipped: wtmpdb (build wtmpdb 0.75.0 and put it on PATH, \
                         or set UTMP_BENCH_WTMPDB; see the sqlite3 row)"
                .to_owned(),
            "sqlite3" => "skipped: sqlite3 (install sqlite3)".to_owned(),
            _ => format!("skipped: {tool} (install util-linux/coreutils)"),
        };
        return Ok((false, skip));
    }
    println!("$ {tool} {} > {}", targs.join(" "), theirs_out.display());
    let status = match run_to_file(peer_command(peer, spec), &theirs_out) {
        Err((_, e)) => {
            let _ = std::fs::remove_file(&ours_out);
            return Ok((false, format!("{tool} failed: {e}")));
        }
        Ok(()) if !spec.same_output => spec.not_compared.to_owned(),
        Ok(()) => match same_contents(&ours_out, &theirs_out) {
            Ok(None) => "identical output".to_owned(),
            Ok(Some(at)) => format!("OUTPUT DIFFERS (from byte {at})"),
            Err(e) => format!("compare failed: {e}"),
        },
    };
    let _ = std::fs::remove_file(&ours_out);
    let _ = std::fs::remove_file(&theirs_out);
    Ok((true, status))
}

/// `<= 1.5x: met` and the like.
fn verdict(value: Option<f64>, target: Option<f64>, at_most: bool) -> String {
    match (value, target) {
        (_, None) => "-".to_owned(),
        (None, Some(t)) if at_most => format!("<= {t}x: not measured"),
        (None, Some(t)) => format!(">= {t}x: not measured"),
        (Some(v), Some(t)) if at_most => {
            format!("<= {t}x: {}", if v <= t { "met" } else { "MISSED" })
        }
        (Some(v), Some(t)) => format!(">= {t}x: {}", if v >= t { "met" } else { "MISSED" }),
    }
}

/// The section of BENCHMARKS.md.
pub fn section(rows: &[Row], runs: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n## Commands: against `cat` and the peer tools (TZ=UTC LANG=C)\n\n\
         Outputs are compared byte for byte first. Then {runs} turns, each timing \
         `cat INPUT > /dev/null`, `utmp` and the peer one after the other, output \
         to /dev/null; times are medians, ratios the medians of the per-turn ratios \
         (side by side, so a busy moment slows all three). CPU: user + system \
         seconds of one more run of each (all threads; on a busy machine, the \
         steadier comparison).\n"
    );
    let _ = writeln!(
        s,
        "| command | cat | utmp | utmp / cat | target | peer | peer / utmp | target | CPU s, cat / utmp / peer | output |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---|---:|---:|---|---:|---|");
    let t = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.3} s"));
    let x = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.2}x"));
    for r in rows {
        let cpu = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.2}"));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} / {} / {} | {} |",
            r.spec.label,
            t(r.cat),
            t(r.ours),
            x(r.to_cat),
            verdict(r.to_cat, r.spec.cat_target, true),
            t(r.theirs),
            x(r.to_peer),
            verdict(r.to_peer, r.spec.peer_target, false),
            cpu(r.cpu.0),
            cpu(r.cpu.1),
            cpu(r.cpu.2),
            r.status
        );
    }
    let _ = writeln!(
        s,
        "\n`utmp dump` and `utmp last` map regular files (`utmp::MappedFile`): the \
         records are read in place in the page cache; the reader asks the kernel \
         to map in the next bytes ahead of it (256 KiB, doubling up to 4 MiB; `MADV_POPULATE_READ`), with no \
         thread of its own, so a reader that stops early (`last -n 1`) touches \
         only the pages it reads. `utmp dump` formats a mapped file in chunks of \
         4096 records on one thread per CPU (up to 8), written in file order, and \
         `utmp who F` does the same; `utmp last` (without `-n`) pairs a mapped file \
         in chunks of 16384 records on one thread per CPU, newest chunk first, and \
         the writing thread pairs the few records whose sessions depend on newer \
         chunks: their CPU columns (all threads) are above their wall times, and \
         their wall times need idle CPUs. `utmp last` on a wtmpdb database reads the rows \
         with SQLite on a second thread while the first pairs and prints them \
         (a table in time order, as wtmpdb writes it, is read backwards in \
         constant memory: no sort); the sqlite3 row is SQLite's shell reading and \
         sorting the same rows, what `wtmpdb last` does before it prints."
    );
    s
}
