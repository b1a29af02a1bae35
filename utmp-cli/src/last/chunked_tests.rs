//! `last` on a mapped file cut into chunks (paired on worker threads, the
//! pending records on the writer's) against one thread's pass: the same
//! bytes, for chunks of 1, 2, 3, 7 and 64 records (so that every boundary
//! case appears), over generated files, with the options that the chunked
//! pass takes, in two zones.

use super::*;
use clap::Parser;
use proptest::prelude::*;
use utmp::{Entry, EntryBuilder, EntryType};

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    last: Args,
}

/// A file of its own, removed at the end.
struct TempFile(PathBuf);

impl TempFile {
    fn new(records: &[Entry]) -> Self {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("utmp-lpar-{}-{n}", std::process::id()));
        let mut bytes = Vec::new();
        utmp::write_entries(&mut bytes, records).unwrap();
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn args(file: &Path, opts: &[&str]) -> Args {
    let argv = ["last", "-f"].into_iter().chain([file.to_str().unwrap()]);
    Cli::try_parse_from(argv.chain(opts.iter().copied()))
        .unwrap()
        .last
}

/// `utmp last OPTS -f FILE` in `zone`, paired as `plan` says (`None`: on
/// this thread only), as run() would.
fn last(file: &Path, opts: &[&str], zone: &TimeZone, plan: Option<Plan>) -> Vec<u8> {
    let args = args(file, opts);
    let sel = selection(&args, zone).unwrap();
    let format = last_format(&args, zone.clone());
    let mut printer = Printer::new(&args, format, sel.filter, sel.limit, Vec::new());
    printer.plan = plan;
    printer.file(file, sel.since, sel.until).unwrap();
    let mut out = printer.out;
    out.extend_from_slice(&printer.buf);
    out
}

const OPTIONS: [&[&str]; 11] = [
    &[],
    &["-w"],
    &["-x"],
    &["-x", "-w", "--time-format", "full"],
    &["--json"],
    &["-x", "--json"],
    &["-s", "@1700000100", "-t", "@1700009000", "-x"],
    &["ana", "-x"],
    &["pts/1", "tty2"],
    &["-p", "@1700004000", "-x", "-i"],
    &["--bad", "-w"],
];

fn zones() -> [TimeZone; 2] {
    [
        TimeZone::utc(),
        TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap(),
    ]
}

/// Every chunk size against one thread, for every option and zone. A
/// record dated now can turn `still running` into a logout time when the
/// clock ticks between two runs: then both run again.
fn assert_chunked_is_sequential(records: &[Entry], options: &[&[&str]]) {
    let file = TempFile::new(records);
    for zone in zones() {
        for opts in options {
            for chunk_records in [1, 2, 3, 7, 64] {
                let plan = Plan {
                    chunk_records,
                    workers: 2,
                };
                let mut tries = 0;
                loop {
                    let want = last(&file.0, opts, &zone, None);
                    let got = last(&file.0, opts, &zone, Some(plan));
                    tries += 1;
                    if got == want || tries == 3 {
                        assert!(
                            got == want,
                            "{opts:?} {plan:?}\ngot:\n{}\nwant:\n{}",
                            String::from_utf8_lossy(&got),
                            String::from_utf8_lossy(&want)
                        );
                        break;
                    }
                }
            }
        }
    }
}

const T: i64 = 1_700_000_000;

fn now() -> i64 {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    d.as_secs() as i64
}

/// One record of a small world: three lines, three users, boots,
/// shutdowns (as records and as runlevel 0 and 6), runlevel 5, FreeBSD-
/// style logouts without a line, clock changes, logins without a line,
/// times in a small window, at the epoch or equal to now.
fn record() -> impl Strategy<Value = Entry> {
    let time = prop_oneof![8 => T..T + 10_000, 1 => Just(0), 1 => Just(-1)];
    (0u8..11, 0usize..3, 0usize..3, time, 0i32..4, any::<bool>()).prop_map(
        |(what, line, user, secs, pid, host)| {
            let lines = ["pts/1", "tty2", ":0"];
            let users = ["ana", "bo", "root"];
            let (t, u, l, id, p) = match what {
                0..=2 => (EntryType::UserProcess, users[user], lines[line], "ab", pid),
                3 => (EntryType::DeadProcess, "", lines[line], "ab", pid),
                4 => (EntryType::DeadProcess, "", "", "ab", pid),
                5 => (EntryType::BootTime, "reboot", "~", "~~", 0),
                6 => (EntryType::RunLevel, "shutdown", "~~", "~~", 0),
                7 => {
                    let level = [b'0', b'5', b'6'][line];
                    (EntryType::RunLevel, "runlevel", "~", "~~", i32::from(level))
                }
                8 => (EntryType::NewTime, "date", "{", "", 0),
                9 => (EntryType::OldTime, "date", "|", "", 0),
                _ => (EntryType::UserProcess, users[user], "", "ab", pid),
            };
            // -1: now (read when the case is made).
            let secs = if secs == -1 { now() } else { secs };
            EntryBuilder::new(t)
                .user(u)
                .line(l)
                .id(id)
                .pid(p)
                .host(if host { "example.org" } else { "" })
                .seconds(secs)
                .build()
                .unwrap()
        },
    )
}

proptest! {
    // 24 cases, or fewer where PROPTEST_CASES says so (test-all's emulated
    // steps run 8).
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .map_or(24, |c: u32| c.min(24))
    ))]
    #[test]
    fn chunked_last_is_sequential_last(records in proptest::collection::vec(record(), 2..90)) {
        assert_chunked_is_sequential(&records, &OPTIONS[..6]);
    }
}

/// SplitMix64, as gen_wtmp's.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

/// A wtmp in gen_wtmp's manner: boots with their runlevel, sessions on
/// six lines (many cross chunk boundaries), each closed by a dead process
/// on its line but some never, now and then a shutdown, a crash (a boot
/// without shutdown), a clock change; the newest session still open.
fn realistic(n: usize) -> Vec<Entry> {
    let mut rng = Rng(14);
    let mut t = T;
    let mut out = Vec::new();
    let mut open: Vec<(usize, i32)> = Vec::new();
    let lines = ["pts/0", "pts/1", "pts/2", "tty1", "tty2", ":0"];
    let users = ["ana", "bo", "root", "cy"];
    let rec = |t: EntryType, u: &str, l: &str, pid: i32, secs: i64| {
        EntryBuilder::new(t)
            .user(u)
            .line(l)
            .id("xy")
            .pid(pid)
            .host("10.0.0.1")
            .seconds(secs)
            .build()
            .unwrap()
    };
    while out.len() < n {
        t += 1 + rng.below(600) as i64;
        match rng.below(100) {
            0..=1 => {
                out.push(rec(EntryType::RunLevel, "shutdown", "~~", 0, t));
                out.push(rec(EntryType::BootTime, "reboot", "~", 0, t + 5));
                out.push(rec(EntryType::RunLevel, "runlevel", "~", 0x4e35, t + 9));
                open.clear();
            }
            2 => out.push(rec(EntryType::BootTime, "reboot", "~", 0, t)),
            3 => out.push(rec(EntryType::NewTime, "date", "{", 0, t)),
            4..=50 => {
                let line = rng.below(lines.len() as u64) as usize;
                let user = users[rng.below(users.len() as u64) as usize];
                let pid = 100 + rng.below(1000) as i32;
                out.push(rec(EntryType::UserProcess, user, lines[line], pid, t));
                open.push((line, pid));
            }
            _ if !open.is_empty() => {
                let (line, pid) = open.swap_remove(rng.below(open.len() as u64) as usize);
                if rng.below(10) > 0 {
                    out.push(rec(EntryType::DeadProcess, "", lines[line], pid, t));
                }
            }
            _ => {}
        }
    }
    out.push(rec(EntryType::UserProcess, "ana", "pts/9", 1, now()));
    out
}

#[test]
fn chunked_last_is_sequential_last_on_a_realistic_file() {
    assert_chunked_is_sequential(&realistic(700), &OPTIONS);
}

/// The chunked pass applies to a mapped file of two chunks or more, with
/// no limit; the default plan cuts chunks of CHUNK_RECORDS.
#[test]
fn the_chunked_pass_applies_without_a_limit() {
    let file = TempFile::new(&realistic(200));
    let args = args(&file.0, &[]);
    let format = last_format(&args, TimeZone::utc());
    let mut printer = Printer::new(&args, format, SessionFilter::new(), None, Vec::new());
    let default = printer.plan.map(|p| p.size());
    assert_eq!(default, Some(CHUNK_RECORDS));
    let mapped = crate::input::mapped(&file.0, false).unwrap().unwrap();
    // 200 records: one default chunk.
    printer.plan = printer.plan.map(|p| Plan { workers: 2, ..p });
    assert!(printer.plan_for(&mapped).is_none());
    printer.plan = Some(Plan {
        chunk_records: 64,
        workers: 2,
    });
    assert!(printer.plan_for(&mapped).is_some());
    printer.limit = Some(1);
    assert!(printer.plan_for(&mapped).is_none(), "-n stays sequential");
    printer.limit = None;
    printer.plan = Some(Plan {
        chunk_records: 64,
        workers: 1,
    });
    assert!(printer.plan_for(&mapped).is_none(), "one CPU");
}
