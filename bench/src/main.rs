//! The library half of `cargo xtask bench`.
//!
//! `utmp-bench lib FILE RUNS`: decodes user, line, host, time and address of
//! every record of FILE with each reader, RUNS turns of every reader in turn
//! after one warm-up run each, and prints one tab-separated line per reader: name, median seconds,
//! minimum seconds, records, checksum.
//!
//! `utmp-bench stream FILE`: one streaming pass with `Reader::open` (for the
//! peak-RSS measurement), then `records checksum VmHWM-KiB` on one line.

use std::fs::File;
use std::net::IpAddr;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

type Run = fn(&str) -> Result<(u64, u64), String>;

/// What every reader folds its decoded fields into, so nothing is optimized
/// away: cheap (an FNV-style multiply per field), so the readers are measured,
/// not a hash function.
#[derive(Default)]
struct Sum {
    records: u64,
    acc: u64,
}

fn mix(acc: u64, v: u64) -> u64 {
    (acc ^ v).wrapping_mul(0x0000_0100_0000_01b3)
}

/// A string field's length and its first and last bytes.
fn text(s: &[u8]) -> u64 {
    let ends =
        u64::from(s.first().copied().unwrap_or(0)) << 8 | u64::from(s.last().copied().unwrap_or(0));
    (s.len() as u64) << 16 | ends
}

impl Sum {
    fn add(&mut self, user: &[u8], line: &[u8], host: &[u8], secs: i64, addr: Option<IpAddr>) {
        self.records += 1;
        let addr = match addr {
            None => 0,
            Some(IpAddr::V4(a)) => u64::from(u32::from(a)),
            Some(IpAddr::V6(a)) => {
                let v = u128::from(a);
                (v >> 64) as u64 ^ v as u64
            }
        };
        let mut acc = mix(self.acc, text(user));
        acc = mix(acc, text(line));
        acc = mix(acc, text(host));
        acc = mix(acc, secs as u64);
        self.acc = mix(acc, addr);
    }

    fn add_entry<B: std::borrow::Borrow<utmp::RecordBytes>>(&mut self, e: &utmp::Entry<B>) {
        // The time as stored (tv_sec, tv_usec): what `time()` is built from,
        // without the harness paying for SystemTime arithmetic.
        let time = e.seconds() ^ e.microseconds() << 40;
        self.add(
            e.user_bytes(),
            e.line_bytes(),
            e.host_bytes(),
            time,
            e.address(),
        );
    }

    fn done(self) -> (u64, u64) {
        (self.records, self.acc)
    }
}

fn reader_ref(path: &str) -> Result<(u64, u64), String> {
    let mut sum = Sum::default();
    let mut reader = utmp::Reader::open(path).map_err(|e| e.to_string())?;
    while let Some(e) = reader.next_ref() {
        sum.add_entry(&e.map_err(|e| e.to_string())?);
    }
    Ok(sum.done())
}

fn mapped(path: &str) -> Result<(u64, u64), String> {
    let mut sum = Sum::default();
    // SAFETY: the benchmark's input file is generated once, before any run,
    // and never written while it is read.
    let file = unsafe { utmp::MappedFile::open(path) }.map_err(|e| e.to_string())?;
    for e in file.entries() {
        sum.add_entry(&e.map_err(|e| e.to_string())?);
    }
    Ok(sum.done())
}

fn reader_owned(path: &str) -> Result<(u64, u64), String> {
    let mut sum = Sum::default();
    for e in utmp::Reader::open(path).map_err(|e| e.to_string())? {
        sum.add_entry(&e.map_err(|e| e.to_string())?);
    }
    Ok(sum.done())
}

/// The README's own pattern: owned entries from `Reader`'s `Iterator`, every
/// field through the public accessors a user calls (`user_lossy()`,
/// `line_lossy()`, `host_lossy()`, `time()`, `address()`), not the raw ones.
fn readme_pattern(path: &str) -> Result<(u64, u64), String> {
    let mut sum = Sum::default();
    for e in utmp::Reader::open(path).map_err(|e| e.to_string())? {
        readme_fields(&mut sum, &e.map_err(|e| e.to_string())?);
    }
    Ok(sum.done())
}

/// The README's accessors over borrowed entries (`next_ref`): the pattern
/// without the owned copy of each record, to show what that copy costs.
fn readme_fields_borrowed(path: &str) -> Result<(u64, u64), String> {
    let mut sum = Sum::default();
    let mut reader = utmp::Reader::open(path).map_err(|e| e.to_string())?;
    while let Some(e) = reader.next_ref() {
        readme_fields(&mut sum, &e.map_err(|e| e.to_string())?);
    }
    Ok(sum.done())
}

/// Folds one entry's fields as read through the README's accessors.
#[inline]
fn readme_fields<B: std::borrow::Borrow<utmp::RecordBytes>>(sum: &mut Sum, e: &utmp::Entry<B>) {
    let secs = e.time().map_or(-1, |t| {
        let d = t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        d.as_secs() as i64 ^ i64::from(d.subsec_micros()) << 40
    });
    sum.add(
        e.user_lossy().as_bytes(),
        e.line_lossy().as_bytes(),
        e.host_lossy().as_bytes(),
        secs,
        e.address(),
    );
}

fn slice(path: &str) -> Result<(u64, u64), String> {
    let mut sum = Sum::default();
    let data = std::fs::read(path).map_err(|e| e.to_string())?;
    for e in utmp::entries(&data) {
        sum.add_entry(&e.map_err(|e| e.to_string())?);
    }
    Ok(sum.done())
}

/// The same records in glibc's big-endian 400-byte format (s390x), which
/// `cargo xtask bench` writes next to the host file: every record decoded
/// into an owned entry.
fn foreign_slice(path: &str) -> Result<(u64, u64), String> {
    let mut sum = Sum::default();
    let data = std::fs::read(format!("{path}.glibc-400-be")).map_err(|e| e.to_string())?;
    for e in utmp::entries_in(&data, utmp::Format::GLIBC_400_BE) {
        sum.add_entry(&e.map_err(|e| e.to_string())?);
    }
    Ok(sum.done())
}

fn database(path: &str) -> Result<(u64, u64), String> {
    let mut sum = Sum::default();
    for e in utmp::Database::open_path(path).map_err(|e| e.to_string())? {
        sum.add_entry(&e.map_err(|e| e.to_string())?);
    }
    Ok(sum.done())
}

/// utmp-rs decodes every field into owned values; it has no address field.
fn utmp_rs(path: &str) -> Result<(u64, u64), String> {
    use utmp_rs::UtmpEntry as U;
    let mut sum = Sum::default();
    for e in utmp_rs::UtmpParser::from_path(path).map_err(|e| e.to_string())? {
        let e = e.map_err(|e| e.to_string())?;
        let (user, line, host, time) = match &e {
            U::UserProcess {
                user,
                line,
                host,
                time,
                ..
            }
            | U::LoginProcess {
                user,
                line,
                host,
                time,
                ..
            } => (user.as_str(), line.as_str(), host.as_str(), Some(*time)),
            U::DeadProcess { line, time, .. } => ("", line.as_str(), "", Some(*time)),
            U::BootTime {
                kernel_version,
                time,
            }
            | U::ShutdownTime {
                kernel_version,
                time,
            }
            | U::RunLevel {
                kernel_version,
                time,
                ..
            } => ("", "", kernel_version.as_str(), Some(*time)),
            U::InitProcess { time, .. } | U::NewTime(time) | U::OldTime(time) => {
                ("", "", "", Some(*time))
            }
            _ => ("", "", "", None),
        };
        let secs = time.map_or(-1, |t| {
            t.unix_timestamp() ^ i64::from(t.microsecond()) << 40
        });
        sum.add(
            user.as_bytes(),
            line.as_bytes(),
            host.as_bytes(),
            secs,
            None,
        );
    }
    Ok(sum.done())
}

fn cat(path: &str) -> Result<(u64, u64), String> {
    let status = Command::new("cat")
        .arg(path)
        .stdout(File::create("/dev/null").map_err(|e| e.to_string())?)
        .stderr(Stdio::inherit())
        .status()
        .map_err(|e| format!("cat: {e}"))?;
    if !status.success() {
        return Err(format!("cat: {status}"));
    }
    Ok((0, 0))
}

/// The foreign-format row (the host file's records as glibc-400-be).
const FOREIGN: &str = "utmp entries_in(glibc-400-be) over fs::read slice";

/// The every-field row of issue #14: the README's pattern.
const README: &str = "utmp Reader::open, the README's pattern (owned entries; user_lossy, line_lossy, host_lossy, time, address)";

/// The README's accessors without the owned copy (the pattern's floor).
const README_BORROWED: &str =
    "utmp Reader::open (next_ref), the README's accessors on borrowed entries (no owned copy)";

const READERS: &[(&str, Run)] = &[
    ("utmp Reader::open (next_ref, streaming)", reader_ref),
    ("utmp MappedFile::entries (mmap)", mapped),
    ("utmp Reader::open (Iterator, owned entries)", reader_owned),
    (README, readme_pattern),
    (README_BORROWED, readme_fields_borrowed),
    ("utmp entries() over fs::read slice", slice),
    (FOREIGN, foreign_slice),
    ("utmp Database::open_path (C API)", database),
    ("utmp-rs 0.4 UtmpParser::from_path", utmp_rs),
    ("cat FILE > /dev/null", cat),
];

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Every reader (or those whose name contains `only`) once to warm up, then
/// `runs` turns, each timing every reader one after the other: the ratios
/// between readers (to `cat` above all) compare runs made moments apart.
fn lib(path: &str, runs: usize, only: Option<&str>) -> Result<(), String> {
    let chosen: Vec<&(&str, Run)> = READERS
        .iter()
        .filter(|(name, _)| only.is_none_or(|o| name.contains(o)))
        .collect();
    let mut results = Vec::with_capacity(chosen.len());
    for (_, run) in &chosen {
        results.push(run(path)?); // warm-up (and the page cache)
    }
    let mut times = vec![Vec::with_capacity(runs); chosen.len()];
    for _ in 0..runs {
        for (i, (_, run)) in chosen.iter().enumerate() {
            let t = Instant::now();
            results[i] = std::hint::black_box(run(path)?);
            times[i].push(t.elapsed());
        }
    }
    for (((name, _), result), times) in chosen.iter().zip(results).zip(times) {
        let min = times.iter().min().copied().unwrap_or_default();
        println!(
            "{name}\t{:.6}\t{:.6}\t{}\t{:016x}",
            median(times).as_secs_f64(),
            min.as_secs_f64(),
            result.0,
            result.1
        );
    }
    Ok(())
}

/// Peak resident set size of this process, from /proc/self/status.
fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["lib", path, runs, only @ ..] => match runs.parse() {
            Ok(runs) if runs > 0 => lib(path, runs, only.first().copied()),
            _ => Err(format!("bad run count {runs}")),
        },
        ["stream", path] => reader_ref(path).map(|(n, h)| {
            println!("{n} {h:016x} {}", vm_hwm_kib().unwrap_or(0));
        }),
        _ => Err(
            "usage: utmp-bench lib FILE RUNS [READER-NAME-PART] | utmp-bench stream FILE"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("utmp-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
