//! Following a wtmpdb database: each new row once, each row whose Logout is
//! filled in once more, rows deleted while open said, errors survived.

#![cfg(target_os = "linux")]

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use utmp::wtmpdb::{RowEvent, RowFollower};

const SCHEMA: &str = "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, \
     Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT)";

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("utmp-wtmpdb-follow-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn db(&self) -> (PathBuf, Connection) {
        let path = self.0.join("wtmp.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        (path, conn)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn login(conn: &Connection, id: i64, user: &str, tty: &str) {
    conn.execute(
        "INSERT INTO wtmp VALUES (?1, 3, ?2, ?3, NULL, ?4, 'host', 'sshd')",
        rusqlite::params![id, user, 1_700_000_000_000_000i64 + id, tty],
    )
    .unwrap();
}

fn logout(conn: &Connection, id: i64) {
    conn.execute(
        "UPDATE wtmp SET Logout = Login + 60000000 WHERE ID = ?1",
        [id],
    )
    .unwrap();
}

/// What each event says: ("added"|"closed"|"vanished", id).
fn summary(e: &RowEvent) -> (&'static str, i64) {
    match e {
        RowEvent::Added(r) => ("added", r.id()),
        RowEvent::Closed(r) => ("closed", r.id()),
        RowEvent::Vanished { id } => ("vanished", *id),
        other => panic!("unexpected event {other:?}"),
    }
}

/// The next `n` events, failing the test after 10 s.
fn next(f: &mut RowFollower, n: usize) -> Vec<(&'static str, i64)> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut out = Vec::new();
    while out.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "timed out after {out:?}");
        if let Some(e) = f.wait_event(Some(left)).unwrap() {
            out.push(summary(&e));
        }
    }
    out
}

/// No event within `d`.
fn quiet(f: &mut RowFollower, d: Duration) {
    if let Some(e) = f.wait_event(Some(d)).unwrap() {
        panic!("unexpected event {e:?}");
    }
}

#[test]
fn new_rows_and_logouts_come_once_each_in_order() {
    let s = Scratch::new("order");
    let (path, conn) = s.db();
    login(&conn, 1, "old-open", "pts/1");
    login(&conn, 2, "old-closed", "pts/2");
    logout(&conn, 2);
    let mut f = RowFollower::open(&path, false, Duration::from_millis(5)).unwrap();
    // From now on: the rows there are not yielded...
    quiet(&mut f, Duration::from_millis(50));
    // ...but the logout of one that was open is.
    logout(&conn, 1);
    assert_eq!(next(&mut f, 1), [("closed", 1)]);
    login(&conn, 3, "alice", "pts/3");
    assert_eq!(next(&mut f, 1), [("added", 3)]);
    // A login and its logout between two looks: the row, already closed,
    // once.
    conn.execute_batch("BEGIN").unwrap();
    login(&conn, 4, "bob", "pts/4");
    logout(&conn, 4);
    logout(&conn, 3);
    conn.execute_batch("COMMIT").unwrap();
    assert_eq!(next(&mut f, 2), [("closed", 3), ("added", 4)]);
    quiet(&mut f, Duration::from_millis(50));
    // A row deleted while open.
    login(&conn, 5, "carol", "pts/5");
    assert_eq!(next(&mut f, 1), [("added", 5)]);
    conn.execute("DELETE FROM wtmp WHERE ID = 5", []).unwrap();
    assert_eq!(next(&mut f, 1), [("vanished", 5)]);
    quiet(&mut f, Duration::from_millis(50));
}

#[test]
fn from_the_start_every_row_comes_first() {
    let s = Scratch::new("start");
    let (path, conn) = s.db();
    for id in 1..=3 {
        login(&conn, id, "u", "pts/0");
    }
    logout(&conn, 2);
    let mut f = RowFollower::open(&path, true, Duration::from_millis(5)).unwrap();
    assert_eq!(next(&mut f, 3), [("added", 1), ("added", 2), ("added", 3)]);
    logout(&conn, 3);
    assert_eq!(next(&mut f, 1), [("closed", 3)]);
}

#[test]
fn a_locked_or_vanished_database_is_an_error_and_following_goes_on() {
    let s = Scratch::new("errors");
    let (path, conn) = s.db();
    login(&conn, 1, "u", "pts/0");
    let mut f = RowFollower::open(&path, false, Duration::from_millis(5)).unwrap();
    // Gone: each look is an error naming the path (and waits an interval
    // before the next: no busy loop).
    let moved = s.0.join("moved.db");
    std::fs::rename(&path, &moved).unwrap();
    let err = f.wait_event(Some(Duration::from_secs(5))).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{err}");
    assert_eq!(err.path(), Some(path.as_path()));
    let t = Instant::now();
    assert!(f.wait_event(Some(Duration::from_secs(5))).is_err());
    assert!(
        t.elapsed() >= Duration::from_millis(5),
        "no wait before retrying"
    );
    // Back, with a logout written meanwhile.
    std::fs::rename(&moved, &path).unwrap();
    logout(&conn, 1);
    assert_eq!(next(&mut f, 1), [("closed", 1)]);
    // Locked by a writer past the busy timeout: an error, then the rows
    // once the writer is done (bounded: a hang fails).
    let (tx, rx) = mpsc::channel();
    let p = path.clone();
    let writer = thread::spawn(move || {
        let w = Connection::open(&p).unwrap();
        w.execute_batch("BEGIN EXCLUSIVE").unwrap();
        login(&w, 2, "v", "pts/1");
        tx.send(()).unwrap();
        thread::sleep(Duration::from_millis(2500));
        w.execute_batch("COMMIT").unwrap();
    });
    rx.recv().unwrap();
    let err = f.wait_event(Some(Duration::from_secs(10))).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock, "{err}");
    writer.join().unwrap();
    assert_eq!(next(&mut f, 1), [("added", 2)]);
}
