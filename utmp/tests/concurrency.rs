//! Many threads reading one file at the same time, through the C library
//! (`Database`, whose process-global state the crate serializes) and through
//! the direct reader (no shared state): everyone sees the same records, nobody
//! deadlocks (every wait is bounded), and a handle dropped in the middle of
//! the file leaves the next open clean. `cargo xtask test-all` also runs this
//! file under ThreadSanitizer.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use utmp::{entries, Database, Entry, EntryBuilder, EntryType, Error, Reader};

/// Long enough for a loaded machine (and TSan's slowdown), short enough that
/// a deadlock fails the run instead of hanging it.
const LIMIT: Duration = Duration::from_secs(120);

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn scratch_file(name: &str, n: usize) -> (Scratch, Vec<Entry>) {
    let path = std::env::temp_dir().join(format!("utmp-concurrency-{}-{name}", std::process::id()));
    let types = [
        EntryType::BootTime,
        EntryType::LoginProcess,
        EntryType::UserProcess,
        EntryType::DeadProcess,
    ];
    let records: Vec<Entry> = (0..n)
        .map(|i| {
            EntryBuilder::new(types[i % types.len()])
                .user(format!("user{i}"))
                .line(format!("pts/{}", i % 7))
                .id(format!("{}", i % 1000))
                .host(format!("host{i}.example"))
                .pid(1000 + i as i32)
                .seconds(1_700_000_000 + 60 * i as i64)
                .microseconds((i * 997 % 1_000_000) as i64)
                .build()
                .unwrap()
        })
        .collect();
    let bytes: Vec<u8> = records.iter().flat_map(|e| *e.as_bytes()).collect();
    fs::write(&path, &bytes).unwrap();
    // The direct reader over the slice is the reference; the file must agree.
    let from_slice: Vec<Entry> = entries(&bytes).map(|r| r.unwrap().to_entry()).collect();
    assert_eq!(from_slice, records);
    (Scratch(path), records)
}

/// Reads the whole file through the C library, or says why it cannot.
fn via_database(path: &Path) -> Result<Vec<Entry>, Error> {
    Database::open_path(path)?.collect()
}

fn via_reader(path: &Path) -> Vec<Entry> {
    Reader::open(path)
        .unwrap()
        .collect::<utmp::Result<Vec<_>>>()
        .unwrap()
}

/// Whether this C library reads login records at all (musl does not).
fn database_works(path: &Path) -> bool {
    match Database::open_path(path) {
        Ok(_) => true,
        Err(e @ Error::Unsupported { .. }) => {
            common::skip(format_args!("the C API half of the concurrency test ({e})"));
            false
        }
        Err(e) => panic!("{e}"),
    }
}

#[derive(Debug)]
enum Report {
    Records(&'static str, Vec<Entry>),
    AlreadyOpen(bool),
}

#[test]
fn threads_reading_both_ways_see_the_same_records() {
    let (file, want) = scratch_file("both", 300);
    let path = Arc::new(file.0.clone());
    let with_db = database_works(&path);
    let threads = 8;
    let rounds = 10;
    let barrier = Arc::new(Barrier::new(threads));
    let (tx, rx) = mpsc::channel();
    let mut handles = Vec::new();
    for t in 0..threads {
        let (path, barrier, tx) = (Arc::clone(&path), Arc::clone(&barrier), tx.clone());
        handles.push(thread::spawn(move || {
            barrier.wait();
            for round in 0..rounds {
                if with_db && (t + round) % 2 == 0 {
                    if round % 3 == 0 {
                        // Stop in the middle of the file; the next open starts over.
                        let mut db = Database::open_path(&*path).unwrap();
                        let first: Vec<Entry> = db.by_ref().take(5).map(Result::unwrap).collect();
                        // A second handle on this thread is refused, never a deadlock.
                        let again = matches!(Database::open_path(&*path), Err(Error::AlreadyOpen));
                        drop(db);
                        tx.send(Report::AlreadyOpen(again)).unwrap();
                        tx.send(Report::Records("database, first five", first))
                            .unwrap();
                    }
                    tx.send(Report::Records("database", via_database(&path).unwrap()))
                        .unwrap();
                } else {
                    tx.send(Report::Records("reader", via_reader(&path)))
                        .unwrap();
                }
            }
        }));
    }
    drop(tx);
    let mut counts = std::collections::BTreeMap::new();
    loop {
        match rx.recv_timeout(LIMIT) {
            Ok(Report::Records(how, got)) => {
                *counts.entry(how).or_insert(0) += 1;
                if how == "database, first five" {
                    assert_eq!(got[..], want[..5], "{how}");
                } else {
                    assert_eq!(got.len(), want.len(), "{how}");
                    assert!(got == want, "{how}: records differ");
                }
            }
            Ok(Report::AlreadyOpen(refused)) => assert!(refused, "second open on a thread"),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("no progress for {LIMIT:?}: a deadlock ({counts:?} so far)")
            }
        }
    }
    for h in handles {
        h.join().unwrap();
    }
    println!("reads: {counts:?}");
    assert!(counts.get("reader").is_some_and(|&n| n > 0));
    if with_db {
        assert!(counts.get("database").is_some_and(|&n| n > 0));
    }
}

#[test]
fn a_handle_dropped_mid_iteration_leaves_the_next_open_clean() {
    let (file, want) = scratch_file("drop", 50);
    if !database_works(&file.0) {
        return;
    }
    let path = file.0.clone();
    let (tx, rx) = mpsc::channel();
    // Thread A reads three records and ends (its handle dropped with it) while
    // thread B is already waiting to open.
    let (opened_tx, opened_rx) = mpsc::channel();
    let a = {
        let path = path.clone();
        thread::spawn(move || {
            let mut db = Database::open_path(&path).unwrap();
            let three: Vec<Entry> = db.by_ref().take(3).map(Result::unwrap).collect();
            opened_tx.send(()).unwrap();
            thread::sleep(Duration::from_millis(50));
            three
        })
    };
    opened_rx.recv_timeout(LIMIT).unwrap();
    let b = thread::spawn(move || {
        let _ = tx.send(via_database(&path).map_err(|e| e.to_string()));
    });
    let got = rx
        .recv_timeout(LIMIT)
        .unwrap_or_else(|e| panic!("B never got the database ({e}): a deadlock"))
        .unwrap();
    assert_eq!(a.join().unwrap()[..], want[..3]);
    b.join().unwrap();
    assert!(
        got == want,
        "B saw {} records after A's partial read",
        got.len()
    );
    // And on the same thread, open, drop early, reopen.
    let mut db = Database::open_path(&file.0).unwrap();
    let _ = db.next();
    drop(db);
    assert!(via_database(&file.0).unwrap() == want);
}

#[test]
fn a_panic_while_holding_the_handle_does_not_poison_the_next_open() {
    let (file, want) = scratch_file("panic", 10);
    if !database_works(&file.0) {
        return;
    }
    let path = file.0.clone();
    let t = thread::spawn(move || {
        let mut db = Database::open_path(&path).unwrap();
        let _ = db.next();
        panic!("on purpose, with the handle held");
    });
    assert!(t.join().is_err());
    let path = file.0.clone();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(via_database(&path).map_err(|e| e.to_string()));
    });
    let got = rx
        .recv_timeout(LIMIT)
        .unwrap_or_else(|e| panic!("no open after a panic ({e})"))
        .unwrap();
    assert!(got == want);
}

/// Mapped files from several threads at once: each maps the same file (large
/// enough for several read-ahead windows), reads it both ways, and drops a
/// mapping in the middle of a pass. Also under TSan.
#[test]
fn mapped_files_read_at_once_agree_and_can_be_dropped_mid_pass() {
    use utmp::MappedFile;
    // Over 4 MiB: more than one read-ahead window.
    let n = (5 << 20) / utmp::RECORD_SIZE;
    let (file, records) = scratch_file("mapped", n);
    let path = file.0.clone();
    let (tx, rx) = mpsc::channel();
    for t in 0..4 {
        let (path, records, tx) = (path.clone(), records.clone(), tx.clone());
        thread::spawn(move || {
            // SAFETY: the scratch file is written before the threads start
            // and never again.
            let mapped = unsafe { MappedFile::open(&path) }.unwrap();
            let forward = mapped
                .entries()
                .map(|r| r.unwrap().to_entry())
                .collect::<Vec<Entry>>();
            let mut backward = mapped
                .entries()
                .rev()
                .map(|r| r.unwrap().to_entry())
                .collect::<Vec<Entry>>();
            backward.reverse();
            // SAFETY: as above.
            let early = unsafe { MappedFile::open(&path) }.unwrap();
            assert!(early.entries().nth(t * 1000).is_some());
            drop(early);
            tx.send(forward == records && backward == records).unwrap();
        });
    }
    drop(tx);
    for _ in 0..4 {
        let same = rx.recv_timeout(LIMIT).expect("a mapped reader hung");
        assert!(same);
    }
}
