//! The follower (`utmp::follow`): a writer appends records in pieces of random
//! sizes (records split across writes) with random pauses, the file is
//! rotated (rename + create), copied and truncated, deleted and made again;
//! the follower must see every record exactly once and in order. Each test
//! runs with inotify (where there is one) and with polling. Every wait is
//! bounded: a follower that hangs fails the test.

mod common;

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use utmp::follow::{Event, FollowOptions, Follower, Start, Wait};
use utmp::{Entry, EntryBuilder, EntryType, RECORD_SIZE};

/// A temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("utmp-follow-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join("wtmp")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Record number `i`: every one different.
fn record(i: usize) -> Entry {
    EntryBuilder::new(EntryType::UserProcess)
        .pid(i as i32)
        .user(format!("u{i}"))
        .line(format!("pts/{}", i % 50))
        .seconds(1_700_000_000 + i as i64)
        .build()
        .unwrap()
}

/// A small deterministic generator (xorshift64*), seeded per test.
struct Rng(u64);

impl Rng {
    fn seeded(what: &str) -> Rng {
        let seed = std::env::var("UTMP_FOLLOW_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            })
            | 1;
        println!("{what}: seed {seed} (set UTMP_FOLLOW_SEED to repeat)");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// The ways a follower waits in these tests: inotify (Linux) and a short
/// poll interval.
fn waits() -> [Wait; 2] {
    [Wait::Auto, Wait::Poll(Duration::from_millis(5))]
}

/// Collects events until `want` records have come or `limit` passes.
fn collect(follower: &mut Follower, want: usize, limit: Duration) -> (Vec<Entry>, Vec<Event>) {
    let deadline = Instant::now() + limit;
    let (mut records, mut other) = (Vec::new(), Vec::new());
    while records.len() < want {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out with {} of {want} records; other events {other:?}",
            records.len()
        );
        match follower.wait_event(Some(left)) {
            Ok(Some(Event::Record(e))) => records.push(e),
            Ok(Some(e)) => other.push(e),
            Ok(None) => {}
            Err(e) => panic!("follower error: {e}"),
        }
    }
    (records, other)
}

/// No event within `d`.
fn quiet(follower: &mut Follower, d: Duration) {
    match follower.wait_event(Some(d)) {
        Ok(None) => {}
        other => panic!("expected nothing, got {other:?}"),
    }
}

fn append(path: &Path, bytes: &[u8]) {
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
}

fn bytes_of(range: std::ops::Range<usize>) -> Vec<u8> {
    range.flat_map(|i| record(i).as_bytes().to_vec()).collect()
}

/// What the writer does to the file after a record.
#[derive(Debug, Clone, Copy)]
enum Upset {
    /// logrotate `create`: rename to `.1`, make a new empty file.
    Rotate,
    /// logrotate `copytruncate`: copy to `.1`, truncate to 0.
    CopyTruncate,
    /// Delete the file; a later write makes it again.
    Delete,
}

/// Writes records `0..n` to `path` in pieces of 1 to 3 records' length
/// (records split across writes), with pauses of 0-3 ms, and upsets the file
/// after the given records. Before a copy-truncate or a deletion it waits
/// until the follower has seen every record written so far (`seen`), since
/// records written between a follower's last look and those operations are
/// lost to any follower (they are in the copy, or gone): the tests check
/// that nothing *else* is lost.
fn writer(path: PathBuf, n: usize, upsets: Vec<(usize, Upset)>, seen: Arc<AtomicUsize>, seed: u64) {
    let mut rng = Rng(seed | 1);
    let all = bytes_of(0..n);
    let mut written = 0usize; // bytes
    let mut upsets = upsets.into_iter().peekable();
    while written < all.len() {
        let piece = 1 + rng.below(3 * RECORD_SIZE as u64) as usize;
        let end = (written + piece).min(all.len());
        // Upsets happen on a record boundary.
        let end = match upsets.peek() {
            Some(&(at, _)) if written < at * RECORD_SIZE && end >= at * RECORD_SIZE => {
                at * RECORD_SIZE
            }
            _ => end,
        };
        append(&path, &all[written..end]);
        written = end;
        if let Some(&(at, upset)) = upsets.peek() {
            if written == at * RECORD_SIZE {
                upsets.next();
                let old = path.with_extension("1");
                match upset {
                    Upset::Rotate => {
                        fs::rename(&path, &old).unwrap();
                        File::create(&path).unwrap();
                    }
                    Upset::CopyTruncate | Upset::Delete => {
                        let deadline = Instant::now() + Duration::from_secs(8);
                        while seen.load(Ordering::SeqCst) < at {
                            assert!(Instant::now() < deadline, "the follower fell behind");
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        if let Upset::CopyTruncate = upset {
                            fs::copy(&path, &old).unwrap();
                            OpenOptions::new()
                                .write(true)
                                .open(&path)
                                .unwrap()
                                .set_len(0)
                                .unwrap();
                        } else {
                            fs::remove_file(&path).unwrap();
                        }
                    }
                }
            }
        }
        let pause = rng.below(4);
        if pause > 0 {
            std::thread::sleep(Duration::from_millis(pause));
        }
    }
}

#[test]
fn random_writes_through_rotation_truncation_and_deletion_give_every_record_once_in_order() {
    for wait in waits() {
        let s = Scratch::new(&format!("random-{wait:?}").replace(['(', ')', ' ', ':'], ""));
        let path = s.file();
        File::create(&path).unwrap();
        let mut follower = FollowOptions::new()
            .start(Start::Beginning)
            .wait(wait)
            .open(&path)
            .unwrap();
        let n = 600;
        let upsets = vec![
            (150, Upset::Rotate),
            (300, Upset::CopyTruncate),
            (450, Upset::Delete),
        ];
        let seen = Arc::new(AtomicUsize::new(0));
        let mut rng = Rng::seeded(&format!("{wait:?}"));
        let seed = rng.below(u64::MAX);
        let writer = {
            let (path, upsets, seen) = (path.clone(), upsets.clone(), Arc::clone(&seen));
            std::thread::spawn(move || writer(path, n, upsets, seen, seed))
        };
        let deadline = Instant::now() + Duration::from_millis(4500);
        let (mut records, mut other) = (Vec::new(), Vec::new());
        while records.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "{wait:?}: timed out with {} of {n} records; other events {other:?}",
                records.len()
            );
            match follower.wait_event(Some(left.min(Duration::from_millis(200)))) {
                Ok(Some(Event::Record(e))) => {
                    records.push(e);
                    seen.store(records.len(), Ordering::SeqCst);
                }
                Ok(Some(e)) => other.push(e),
                Ok(None) => {}
                Err(e) => panic!("{wait:?}: follower error: {e}"),
            }
        }
        writer.join().unwrap();
        quiet(&mut follower, Duration::from_millis(100));
        let expected: Vec<Entry> = (0..n).map(record).collect();
        let firsts = records.iter().zip(&expected).position(|(a, b)| a != b);
        assert!(
            firsts.is_none(),
            "{wait:?}: record {} differs (pid {} instead of {})",
            firsts.unwrap_or(0),
            records[firsts.unwrap_or(0)].pid(),
            expected[firsts.unwrap_or(0)].pid()
        );
        assert_eq!(records.len(), n);
        // A rotation and a deletion: two new files; a truncation.
        let reopened = other.iter().filter(|e| **e == Event::Reopened).count();
        let truncated = other
            .iter()
            .filter(|e| matches!(e, Event::Truncated { .. }))
            .count();
        assert_eq!((reopened, truncated), (2, 1), "{wait:?}: {other:?}");
        assert!(
            !other.iter().any(|e| matches!(e, Event::Incomplete { .. })),
            "{other:?}"
        );
    }
}

#[test]
fn a_partial_record_waits_for_the_rest() {
    for wait in waits() {
        let s = Scratch::new(&format!("partial-{}", matches!(wait, Wait::Auto)));
        let path = s.file();
        File::create(&path).unwrap();
        let mut follower = FollowOptions::new().wait(wait).open(&path).unwrap();
        let two = bytes_of(0..2);
        let cut = RECORD_SIZE + RECORD_SIZE / 2;
        append(&path, &two[..cut]);
        let (records, other) = collect(&mut follower, 1, Duration::from_secs(5));
        assert_eq!((records, other), (vec![record(0)], vec![]));
        quiet(&mut follower, Duration::from_millis(200));
        assert_eq!(follower.offset(), Some(RECORD_SIZE as u64));
        append(&path, &two[cut..cut + 1]);
        quiet(&mut follower, Duration::from_millis(100));
        append(&path, &two[cut + 1..]);
        let (records, _) = collect(&mut follower, 1, Duration::from_secs(5));
        assert_eq!(records, vec![record(1)]);
    }
}

#[test]
fn where_a_follower_starts() {
    let s = Scratch::new("start");
    let path = s.file();
    let mut bytes = bytes_of(0..5);
    bytes.extend_from_slice(&record(5).as_bytes()[..10]);
    fs::write(&path, &bytes).unwrap();
    let open = |start| {
        FollowOptions::new()
            .start(start)
            .poll(Duration::from_millis(5))
            .open(&path)
            .unwrap()
    };
    let mut f = open(Start::Beginning);
    let (records, _) = collect(&mut f, 5, Duration::from_secs(5));
    assert_eq!(records, (0..5).map(record).collect::<Vec<_>>());
    let mut f = open(Start::Last(2));
    let (records, _) = collect(&mut f, 2, Duration::from_secs(5));
    assert_eq!(records, vec![record(3), record(4)]);
    let mut f = open(Start::Last(10));
    assert_eq!(f.offset(), Some(0));
    let (records, _) = collect(&mut f, 5, Duration::from_secs(5));
    assert_eq!(records.len(), 5);
    // The end: after the last whole record, so the partial one comes once
    // it is whole.
    let mut f = open(Start::End);
    assert_eq!(f.offset(), Some(5 * RECORD_SIZE as u64));
    quiet(&mut f, Duration::from_millis(50));
    append(&path, &record(5).as_bytes()[10..]);
    let (records, _) = collect(&mut f, 1, Duration::from_secs(5));
    assert_eq!(records, vec![record(5)]);
}

#[test]
fn a_file_truncated_and_written_past_the_old_position_is_read_again_from_its_start() {
    for wait in waits() {
        let s = Scratch::new(&format!("rewritten-{}", matches!(wait, Wait::Auto)));
        let path = s.file();
        fs::write(&path, bytes_of(0..3)).unwrap();
        let mut f = FollowOptions::new()
            .start(Start::Beginning)
            .wait(wait)
            .open(&path)
            .unwrap();
        let (records, _) = collect(&mut f, 3, Duration::from_secs(5));
        assert_eq!(records.len(), 3);
        // Between two looks: emptied, then five records written (more than
        // were read).
        fs::write(&path, bytes_of(10..15)).unwrap();
        let (records, other) = collect(&mut f, 5, Duration::from_secs(5));
        assert_eq!(records, (10..15).map(record).collect::<Vec<_>>());
        assert!(
            matches!(other[..], [Event::Truncated { offset, .. }] if offset == 3 * RECORD_SIZE as u64),
            "{other:?}"
        );
        // Emptied and one record written: shorter than the position.
        fs::write(&path, bytes_of(20..21)).unwrap();
        let (records, other) = collect(&mut f, 1, Duration::from_secs(5));
        assert_eq!(records, vec![record(20)]);
        assert_eq!(
            other,
            vec![Event::Truncated {
                offset: 5 * RECORD_SIZE as u64,
                len: RECORD_SIZE as u64
            }]
        );
    }
}

#[test]
fn a_rotated_file_is_finished_by_its_descriptor_and_its_partial_end_reported() {
    for wait in waits() {
        let s = Scratch::new(&format!("rotated-{}", matches!(wait, Wait::Auto)));
        let path = s.file();
        fs::write(&path, bytes_of(0..1)).unwrap();
        let mut f = FollowOptions::new()
            .start(Start::Beginning)
            .wait(wait)
            .open(&path)
            .unwrap();
        let (records, _) = collect(&mut f, 1, Duration::from_secs(5));
        assert_eq!(records.len(), 1);
        // A writer that still holds the old file writes to it after the
        // rename, and leaves half a record there; then the new file.
        let mut old = OpenOptions::new().append(true).open(&path).unwrap();
        fs::rename(&path, path.with_extension("1")).unwrap();
        old.write_all(&bytes_of(1..3)).unwrap();
        old.write_all(&record(99).as_bytes()[..7]).unwrap();
        fs::write(&path, bytes_of(3..5)).unwrap();
        let (records, other) = collect(&mut f, 4, Duration::from_secs(5));
        assert_eq!(records, (1..5).map(record).collect::<Vec<_>>());
        assert_eq!(
            other,
            vec![
                Event::Incomplete {
                    offset: 3 * RECORD_SIZE as u64,
                    len: 7
                },
                Event::Reopened
            ]
        );
    }
}

#[test]
fn a_deleted_file_is_waited_for_and_its_successor_read_from_the_start() {
    for wait in waits() {
        let s = Scratch::new(&format!("deleted-{}", matches!(wait, Wait::Auto)));
        let path = s.file();
        fs::write(&path, bytes_of(0..1)).unwrap();
        let mut f = FollowOptions::new().wait(wait).open(&path).unwrap();
        fs::remove_file(&path).unwrap();
        quiet(&mut f, Duration::from_millis(100));
        fs::write(&path, bytes_of(1..3)).unwrap();
        let (records, other) = collect(&mut f, 2, Duration::from_secs(5));
        assert_eq!(records, vec![record(1), record(2)]);
        assert_eq!(other, vec![Event::Reopened]);
    }
}

#[test]
fn a_path_that_cannot_be_followed_is_reported_once_and_waited_out() {
    for wait in waits() {
        let s = Scratch::new(&format!("unreadable-{}", matches!(wait, Wait::Auto)));
        let path = s.file();
        fs::write(&path, b"").unwrap();
        let mut f = FollowOptions::new().wait(wait).open(&path).unwrap();
        // Replaced by a directory: no records there (works as root too,
        // where a mode-000 file would still be readable).
        fs::remove_file(&path).unwrap();
        fs::create_dir(&path).unwrap();
        assert_eq!(
            f.wait_event(Some(Duration::from_secs(5))).unwrap(),
            Some(Event::Reopened)
        );
        let err = f.wait_event(Some(Duration::from_secs(5))).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        assert_eq!(err.path(), Some(path.as_path()));
        assert_eq!(f.offset(), None);
        // Reported once, not at every look.
        fs::write(s.0.join("other"), b"x").unwrap();
        quiet(&mut f, Duration::from_millis(200));
        fs::remove_dir(&path).unwrap();
        fs::write(&path, bytes_of(0..2)).unwrap();
        let (records, other) = collect(&mut f, 2, Duration::from_secs(5));
        assert_eq!((records.len(), other), (2, vec![]));
    }
}

#[test]
fn what_cannot_be_followed_is_an_error_at_open() {
    let s = Scratch::new("open");
    let missing = FollowOptions::new().open(s.file()).unwrap_err();
    assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    let dir = FollowOptions::new().open(&s.0).unwrap_err();
    assert!(dir.to_string().contains("not a regular file"), "{dir}");
}

#[test]
fn the_waiting_mode_is_told() {
    let s = Scratch::new("mode");
    let path = s.file();
    fs::write(&path, b"").unwrap();
    let polled = FollowOptions::new()
        .poll(Duration::ZERO)
        .open(&path)
        .unwrap();
    assert_eq!(
        polled.poll_interval(),
        Some(utmp::follow::MIN_POLL_INTERVAL)
    );
    let auto = Follower::open(&path).unwrap();
    if cfg!(target_os = "linux") {
        // inotify can fail to start (the per-user instance limit): then
        // the follower polls, which is what it must say.
        if auto.poll_interval().is_some() {
            common::skip(format_args!(
                "inotify did not start here; the follower polls"
            ));
        }
    } else {
        assert_eq!(
            auto.poll_interval(),
            Some(utmp::follow::DEFAULT_POLL_INTERVAL)
        );
    }
}

#[test]
fn a_file_of_another_format_is_followed_in_that_format() {
    // Big-endian 400-byte glibc records (s390x): foreign on every host of
    // the test matrix but s390x itself, where they are the host's.
    let f: utmp::Format = "glibc-400-be".parse().unwrap();
    for wait in waits() {
        let s = Scratch::new(&format!("foreign-{}", matches!(wait, Wait::Auto)));
        let path = s.file();
        let enc = |i: usize| f.encode(&record(i)).unwrap();
        let first: Vec<u8> = (0..3).flat_map(enc).collect();
        fs::write(&path, &first).unwrap();
        let mut follower = FollowOptions::new()
            .start(Start::Beginning)
            .wait(wait)
            .format(f)
            .open(&path)
            .unwrap();
        let (records, _) = collect(&mut follower, 3, Duration::from_secs(10));
        // Each record comes back as the bytes that were written.
        let again: Vec<u8> = records.iter().flat_map(|e| f.encode(e).unwrap()).collect();
        assert_eq!(again, first);
        // Appended in two writes that split a record.
        let more: Vec<u8> = (3..5).flat_map(enc).collect();
        append(&path, &more[..450]);
        append(&path, &more[450..]);
        let (records, _) = collect(&mut follower, 2, Duration::from_secs(10));
        let again: Vec<u8> = records.iter().flat_map(|e| f.encode(e).unwrap()).collect();
        assert_eq!(again, more);
        assert_eq!(records[0].user(), "u3");
        // A time beyond a 32-bit unsigned tv_sec (the year 2242): a 384-byte
        // host's entry cannot hold it, and says so as an event; a host with a
        // 64-bit tv_sec reads it.
        let mut far = enc(5);
        far[344..352].copy_from_slice(&(1i64 << 33).to_be_bytes());
        append(&path, &far);
        append(&path, &enc(6));
        let (records, other) = collect(&mut follower, 1, Duration::from_secs(10));
        if RECORD_SIZE == 384 && !f.is_host() {
            assert!(
                matches!(
                    other.as_slice(),
                    [Event::Unrepresentable { offset: 2000, .. }]
                ),
                "{other:?}"
            );
            assert_eq!(records[0].user(), "u6");
        } else {
            assert_eq!(records[0].seconds(), 1i64 << 33);
        }
    }
}

#[test]
fn a_format_of_records_of_varying_size_cannot_be_followed() {
    let s = Scratch::new("utx-log");
    let path = s.file();
    fs::write(&path, b"").unwrap();
    let f: utmp::Format = "freebsd-utx-log".parse().unwrap();
    let err = FollowOptions::new().format(f).open(&path).unwrap_err();
    assert!(err.to_string().contains("varying size"), "{err}");
    assert_eq!(err.path(), Some(path.as_path()));
}
