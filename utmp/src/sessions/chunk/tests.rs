//! Chunked pairing against one pairing over the whole file: the same
//! sessions, whatever the chunk size, over generated record sequences.

use super::*;
use crate::encoder::EntryBuilder;
use crate::entry_type::EntryType;
use crate::environment::FixedEnvironment;
use crate::sessions::{End, SessionKind};
use proptest::prelude::*;
use std::time::{Duration, UNIX_EPOCH};

const NOW: i64 = 1_000_000;

fn at(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs())
}

/// One record of a small world: few lines, few users, boots, shutdowns,
/// runlevels (0, 5, 6), FreeBSD-style logouts without a line, clock changes,
/// and times that are often equal to each other or to now.
fn record() -> impl Strategy<Value = Entry> {
    let time = prop_oneof![Just(NOW), Just(0i64), 0..NOW + 10];
    (0u8..10, 0usize..3, 0usize..3, time, 0i32..4).prop_map(|(what, line, user, secs, pid)| {
        let lines = ["pts/0", "tty1", ":0"];
        let users = ["ana", "bo", "cy"];
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
            _ => (EntryType::UserProcess, users[user], "", "ab", pid),
        };
        EntryBuilder::new(t)
            .user(u)
            .line(l)
            .id(id)
            .pid(p)
            .seconds(secs)
            .build()
            .unwrap()
    })
}

fn env() -> FixedEnvironment {
    FixedEnvironment::at(at(NOW))
        .boot(Some(at(NOW / 2)))
        .user("ana", 1000)
        .user("bo", 1001)
        .process(1, 1000)
        .process(2, 1001)
}

type Row = (SessionKind, Vec<u8>, End, i64);

fn row<B: Borrow<RecordBytes>>(s: &Session<B>) -> Row {
    (
        s.kind(),
        s.user_bytes().to_vec(),
        s.end(),
        s.until_seconds(),
    )
}

fn settings(p: Pairing<&FixedEnvironment>, how: u8) -> Pairing<&FixedEnvironment> {
    match how {
        0 => p,
        1 => p.btmp(true),
        2 => p.since(at(NOW / 3)),
        _ => p.until(at(NOW / 3 * 2)),
    }
}

/// One pairing over every record, newest first.
fn sequential(records: &[Entry], how: u8) -> Vec<Row> {
    let env = env();
    let mut p = settings(Pairing::new(&env), how);
    records
        .iter()
        .rev()
        .filter_map(|e| p.push(e.as_entry_ref()).map(|s| row(&s)))
        .collect()
}

/// What a chunked pass did: chunks resumed, records pending.
#[derive(Debug, Default)]
struct Counts {
    resumed: usize,
    pending: usize,
}

/// Chunks of `size` records, newest chunk first, as a caller on several
/// threads would: each chunk paired on its own, then (later) its pending
/// records pushed to the true pairing in order, and the pairing resumed.
fn chunked(records: &[Entry], size: usize, how: u8) -> (Vec<Row>, Counts) {
    let env = env();
    let mut p = settings(Pairing::new(&env), how);
    let mut out = Vec::new();
    let mut counts = Counts::default();
    let chunks: Vec<&[Entry]> = records.chunks(size).collect();
    for chunk in chunks.iter().rev() {
        let mut c = p.chunk_pairing();
        c.restart();
        // Done rows, or the pending record.
        let mut slots = Vec::new();
        for e in chunk.iter().rev() {
            match c.push(e.as_entry_ref()) {
                Paired::Done(s) => slots.push(Ok(s.map(|s| row(&s)))),
                Paired::Pending => slots.push(Err(e)),
            }
        }
        if c.resumable() {
            for slot in slots {
                match slot {
                    Ok(done) => out.extend(done),
                    Err(e) => {
                        counts.pending += 1;
                        out.extend(p.push(e.as_entry_ref()).map(|s| row(&s)));
                    }
                }
            }
            assert!(p.resume(&mut c));
            counts.resumed += 1;
        } else {
            assert!(!p.resume(&mut c));
            for e in chunk.iter().rev() {
                out.extend(p.push(e.as_entry_ref()).map(|s| row(&s)));
            }
        }
    }
    (out, counts)
}

proptest! {
    // 512 cases, or PROPTEST_CASES where set (test-all's emulated steps run 8).
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512)
    ))]
    #[test]
    #[cfg_attr(miri, ignore = "safe code; 150 s under Miri even with PROPTEST_CASES=8 (the deterministic tests below run)")]
    fn chunked_pairing_is_the_sequential_pairing(
        records in proptest::collection::vec(record(), 0..160),
        how in 0u8..4,
    ) {
        let want = sequential(&records, how);
        for size in [1, 2, 3, 7, 64] {
            let (got, _) = chunked(&records, size, how);
            prop_assert_eq!(&got, &want, "chunks of {}", size);
        }
    }
}

/// The proptest above must actually take the chunked path: count the
/// chunks that resumed, and the records left pending, on a file with a
/// shutdown every few records.
#[test]
fn most_chunks_with_a_shutdown_resume() {
    let mut records = Vec::new();
    for i in 0..200i64 {
        let (t, u, l) = match i % 10 {
            0 => (EntryType::BootTime, "reboot", "~"),
            9 => (EntryType::RunLevel, "shutdown", "~~"),
            5 => (EntryType::DeadProcess, "", "pts/0"),
            _ => (EntryType::UserProcess, "ana", "pts/0"),
        };
        let e = EntryBuilder::new(t)
            .user(u)
            .line(l)
            .seconds(100 + i)
            .build()
            .unwrap();
        records.push(e);
    }
    let want = sequential(&records, 0);
    let (got, counts) = chunked(&records, 25, 0);
    assert_eq!(got, want);
    assert_eq!(counts.resumed, 8, "{counts:?}");
    // Pending per chunk: the boots and shutdowns before its newest
    // shutdown, and the login (or two) before it whose logout is in the
    // newer chunk; not the others.
    assert!(counts.pending <= 8 * 5, "{counts:?}");
    let (got, counts) = chunked(&records, 7, 0);
    assert_eq!(got, want);
    assert_eq!(counts.resumed, 29, "no boot at the epoch: {counts:?}");
}

/// A boot at the epoch leaves a later login without logout to the system's
/// answer: its chunk is not resumable, and is paired again in order.
#[test]
fn a_login_that_asks_the_system_is_paired_in_order() {
    let rec = |t, u: &str, l: &str, secs| {
        EntryBuilder::new(t)
            .user(u)
            .line(l)
            .seconds(secs)
            .build()
            .unwrap()
    };
    let records = [
        rec(EntryType::UserProcess, "ana", "pts/0", 5),
        rec(EntryType::BootTime, "reboot", "~", 0),
        rec(EntryType::UserProcess, "ana", "pts/1", 10),
        rec(EntryType::DeadProcess, "", "pts/1", 20),
    ];
    let want = sequential(&records, 0);
    assert!(want.iter().any(|r| r.2 == End::GoneNoLogout), "{want:?}");
    let (got, counts) = chunked(&records, 4, 0);
    assert_eq!(got, want);
    assert_eq!(counts.resumed, 0, "{counts:?}");
    let (got, counts) = chunked(&records, 2, 0);
    assert_eq!(got, want);
    assert_eq!(counts.resumed, 1, "the newer chunk: {counts:?}");
}
