//! wtmpdb databases: exact rows from the fixtures and from databases made
//! here, and every kind of bad input (docs/robustness.md, "wtmpdb
//! databases"): a clear error or an exact decode, never a panic, a hang, a
//! write or a dropped row.
#![cfg(target_os = "linux")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, UNIX_EPOCH};

use rusqlite::Connection;
use utmp::sessions::End;
use utmp::wtmpdb::{Database, Pairing, RowType, Selection};
use utmp::Error;

const SCHEMA: &str = "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, \
     Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT)";

/// A fresh directory for one test, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("utmp-wtmpdb-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// A database `wtmp.db` made by `sql` (after the schema when `schema`).
    fn db(&self, schema: bool, sql: &str) -> PathBuf {
        let path = self.0.join("wtmp.db");
        let conn = Connection::open(&path).unwrap();
        if schema {
            conn.execute_batch(SCHEMA).unwrap();
        }
        conn.execute_batch(sql).unwrap();
        path
    }

    /// The names of the files in the directory.
    fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `f` on another thread; a result later than `limit` fails the test
/// (a hang is a failure, not a stuck run).
fn bounded<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|e| panic!("no result within {limit:?}: {e}"))
}

fn open_err(path: &Path) -> Error {
    match Database::open(path).and_then(|db| db.rows()) {
        Ok(rows) => panic!("{} read as {} rows", path.display(), rows.len()),
        Err(e) => e,
    }
}

#[test]
fn edge_fixture_rows_are_exact() {
    let Some(dir) = common::optional_fixtures("wtmpdb edge.db") else {
        return;
    };
    let rows = Database::open(dir.join("wtmpdb/edge.db"))
        .unwrap()
        .rows()
        .unwrap();
    // edge.sql: 11 rows; newest first.
    let ids: Vec<i64> = rows.iter().map(|r| r.id()).collect();
    assert_eq!(ids, [10, 9, 8, 11, 7, 6, 5, 4, 3, 2, 1]);
    let y2038 = &rows[0];
    assert_eq!(y2038.user(), b"y2038");
    assert_eq!(y2038.login_micros(), 2_147_483_647_000_000);
    assert_eq!(
        y2038.logout(),
        Some(UNIX_EPOCH + Duration::from_secs(2_147_483_710))
    );
    let alice = rows.iter().find(|r| r.id() == 2).unwrap();
    assert_eq!(
        alice.login(),
        UNIX_EPOCH + Duration::from_micros(1_700_000_100_123_456)
    );
    assert_eq!(alice.logout_micros(), Some(1_700_000_200_654_321));
    assert_eq!(alice.service(), Some(&b"sshd"[..]));
    let carol = rows.iter().find(|r| r.id() == 4).unwrap();
    assert_eq!(carol.user(), b"carol-with-a-very-long-user-name");
    assert_eq!(carol.host(), None);
    let eve = rows.iter().find(|r| r.id() == 6).unwrap();
    assert_eq!(eve.user(), "ève".as_bytes());
    assert_eq!(eve.host(), Some(&b"quote\"host"[..]));
    assert_eq!(
        rows.iter().find(|r| r.id() == 11).unwrap().row_type(),
        RowType::RunLevel
    );
    assert_eq!(rows.iter().find(|r| r.id() == 5).unwrap().tty(), None);

    // Sessions: the end of each, wtmpdb's way.
    let mut pairing = Pairing::new(Selection::new());
    let ends: Vec<(i64, End)> = rows
        .iter()
        .filter_map(|r| pairing.push(r).session.map(|s| (r.id(), s.end())))
        .collect();
    let boot = |us: i64| End::Crash(UNIX_EPOCH + Duration::from_micros(us as u64));
    assert_eq!(ends[1], (9, End::StillRunning));
    assert_eq!(ends[2], (8, boot(1_700_020_000_000_000)));
    assert_eq!(ends[8], (3, boot(1_700_010_000_000_000)));
    assert_eq!(pairing.begins_micros(), Some(1_700_000_000_000_000));
}

#[test]
fn microseconds_and_64_bit_times_are_exact() {
    let s = Scratch::new("times");
    let path = s.db(
        true,
        "INSERT INTO wtmp VALUES(1,3,'a',-1,NULL,'pts/0',NULL,NULL);
         INSERT INTO wtmp VALUES(2,3,'b',9223372036854775807,NULL,'pts/1',NULL,NULL);
         INSERT INTO wtmp VALUES(3,3,'c',-9223372036854775808,0,'pts/2',NULL,NULL);
         INSERT INTO wtmp VALUES(4,3,'d',4102444800000001,4102444800999999,'pts/3',NULL,NULL);",
    );
    let rows = Database::open(&path).unwrap().rows().unwrap();
    let by_id = |id| rows.iter().find(|r| r.id() == id).unwrap();
    assert_eq!(by_id(1).login(), UNIX_EPOCH - Duration::from_micros(1));
    assert_eq!(by_id(2).login_micros(), i64::MAX);
    assert_eq!(by_id(3).login_micros(), i64::MIN);
    assert_eq!(by_id(3).logout_micros(), Some(0));
    // 2100-01-01, one microsecond in.
    assert_eq!(
        by_id(4).login(),
        UNIX_EPOCH + Duration::from_micros(4_102_444_800_000_001)
    );
    // Every row formats without a panic, in every layout; times to the
    // second as stored, before 1970 and after 2038 alike.
    for fmt in ["notime", "short", "full", "iso"] {
        let mut layout =
            utmp::layouts::wtmpdb_last::LastLayout::new(utmp::sessions::TimeZone::utc())
                .time_format(fmt.parse().unwrap());
        let mut pairing = Pairing::new(Selection::new().system(true));
        let (mut text, mut json) = (Vec::new(), Vec::new());
        for row in &rows {
            let p = pairing.push(row);
            for s in [p.shutdown, p.session].into_iter().flatten() {
                layout.write_session(&s, &mut text);
                layout.write_json_session(&s, &mut json);
            }
        }
        layout.write_footer(b"x", pairing.begins_micros(), &mut text);
        let text = String::from_utf8(text).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() >= 4, "{fmt}: {text}");
        if fmt == "full" {
            assert!(
                lines[1].contains("Fri Jan  1 00:00:00 2100 - Fri Jan  1 00:00:00 2100  (00:00)"),
                "{text}"
            );
            assert!(
                lines[2].contains("Wed Dec 31 23:59:59 1969 - still logged in"),
                "{text}"
            );
        }
        if fmt == "iso" {
            assert!(lines[1].contains("2100-01-01T00:00:00+0000"), "{text}");
        }
    }
}

#[test]
fn not_sqlite_is_a_clear_error() {
    let s = Scratch::new("not-sqlite");
    let path = s.0.join("wtmp.db");
    std::fs::write(&path, vec![0u8; 384 * 3]).unwrap();
    let e = open_err(&path);
    assert!(matches!(e, Error::NotWtmpdb { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "{}: not an SQLite database (no \"SQLite format 3\" header)",
            path.display()
        )
    );
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
}

#[test]
fn a_truncated_database_is_a_clear_error() {
    let s = Scratch::new("truncated");
    let mut sql = String::from("BEGIN;");
    for i in 0..2000 {
        sql.push_str(&format!(
            "INSERT INTO wtmp VALUES({i},3,'user{i}',{},NULL,'pts/{i}','host.example',NULL);",
            1_700_000_000_000_000i64 + i
        ));
    }
    sql.push_str("COMMIT;");
    let path = s.db(true, &sql);
    let full = std::fs::read(&path).unwrap();
    assert!(full.len() > 8192, "{}", full.len());
    // Cut inside the header, after the first page, and in the middle.
    for cut in [50, 4096, full.len() / 2] {
        std::fs::write(&path, &full[..cut]).unwrap();
        let e = open_err(&path);
        assert!(
            matches!(e, Error::NotWtmpdb { .. } | Error::Sqlite { .. }),
            "cut at {cut}: {e:?}"
        );
        let msg = e.to_string();
        assert!(msg.starts_with(&path.display().to_string()), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }
}

#[test]
fn a_database_locked_by_a_writer_is_an_error_after_the_timeout_not_a_hang() {
    let s = Scratch::new("locked");
    let path = s.db(
        true,
        "INSERT INTO wtmp VALUES(1,3,'a',1700000000000000,NULL,'pts/0',NULL,NULL);",
    );
    let writer = Connection::open(&path).unwrap();
    writer
        .execute_batch("BEGIN EXCLUSIVE; INSERT INTO wtmp VALUES(2,3,'b',1,NULL,'x',NULL,NULL);")
        .unwrap();
    let p = path.clone();
    let started = Instant::now();
    let e = bounded(Duration::from_secs(30), move || {
        Database::open_with_timeout(&p, Duration::from_millis(300))
            .and_then(|db| db.rows())
            .map(|rows| rows.len())
    })
    .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(matches!(e, Error::DatabaseLocked { .. }), "{e:?}");
    assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);
    assert_eq!(
        e.to_string(),
        format!(
            "{}: database is locked (a writer holds it; try again)",
            path.display()
        )
    );
    // Once the writer is done, the committed rows are read.
    writer.execute_batch("COMMIT").unwrap();
    assert_eq!(Database::open(&path).unwrap().rows().unwrap().len(), 2);
}

#[test]
fn a_reserved_writer_does_not_block_a_reader() {
    let s = Scratch::new("reserved");
    let path = s.db(
        true,
        "INSERT INTO wtmp VALUES(1,3,'a',1,NULL,'pts/0',NULL,NULL);",
    );
    let writer = Connection::open(&path).unwrap();
    writer
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO wtmp VALUES(2,3,'b',2,NULL,'x',NULL,NULL);")
        .unwrap();
    // The uncommitted row is not seen.
    assert_eq!(Database::open(&path).unwrap().rows().unwrap().len(), 1);
    writer.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn reading_creates_no_file_and_changes_none() {
    let s = Scratch::new("readonly");
    let path = s.db(
        true,
        "INSERT INTO wtmp VALUES(1,3,'a',1,NULL,'pts/0',NULL,NULL);",
    );
    let before = std::fs::read(&path).unwrap();
    let files = s.files();
    let db = Database::open(&path).unwrap();
    assert_eq!(db.rows().unwrap().len(), 1);
    assert_eq!(s.files(), files);
    drop(db);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(s.files(), ["wtmp.db"]);

    // A database in WAL mode whose -wal and -shm files are gone (the last
    // writer closed it): SQLite would create the -shm for a plain read-only
    // connection; this one creates nothing.
    let wal = Scratch::new("wal");
    let path = wal.db(
        true,
        "PRAGMA journal_mode=WAL; INSERT INTO wtmp VALUES(1,3,'a',1,NULL,'pts/0',NULL,NULL);",
    );
    assert_eq!(wal.files(), ["wtmp.db"], "the writer left its WAL files");
    let rows = Database::open(&path).unwrap().rows().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(wal.files(), ["wtmp.db"]);

    // A read-only directory and file: read all the same.
    let missing = s.0.join("missing.db");
    assert_eq!(open_err(&missing).kind(), std::io::ErrorKind::NotFound);
    assert!(!missing.exists(), "opening created the file");
}

#[test]
fn a_wal_database_with_a_live_writer_is_read_with_its_committed_rows() {
    let s = Scratch::new("wal-live");
    let path = s.db(true, "PRAGMA journal_mode=WAL;");
    let writer = Connection::open(&path).unwrap();
    writer
        .execute_batch("INSERT INTO wtmp VALUES(1,3,'a',1,NULL,'pts/0',NULL,NULL);")
        .unwrap();
    assert!(
        s.files().contains(&"wtmp.db-wal".to_owned()),
        "{:?}",
        s.files()
    );
    let rows = Database::open(&path).unwrap().rows().unwrap();
    assert_eq!(rows.len(), 1);
}

#[test]
fn a_missing_table_or_column_names_what_is_missing() {
    let s = Scratch::new("schema");
    let path = s.db(false, "CREATE TABLE other(x);");
    let e = open_err(&path);
    assert_eq!(
        e.to_string(),
        format!("{}: no table wtmp (not a wtmpdb database)", path.display())
    );
    std::fs::remove_file(&path).unwrap();
    let path = s.db(
        false,
        "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT, Login INTEGER, \
         TTY TEXT, RemoteHost TEXT, Service TEXT);",
    );
    let e = open_err(&path);
    assert_eq!(
        e.to_string(),
        format!(
            "{}: table wtmp has no column Logout (not a wtmpdb database)",
            path.display()
        )
    );
    // Extra columns, in another order: read by name.
    std::fs::remove_file(&path).unwrap();
    let path = s.db(
        false,
        "CREATE TABLE wtmp(Extra TEXT, Service TEXT, RemoteHost TEXT, TTY TEXT, Logout INTEGER, \
         Login INTEGER, User TEXT, Type INTEGER, ID INTEGER PRIMARY KEY);
         INSERT INTO wtmp VALUES('x','sshd','h','pts/9',20,10,'u',3,5);",
    );
    let rows = Database::open(&path).unwrap().rows().unwrap();
    assert_eq!(
        (
            rows[0].id(),
            rows[0].user(),
            rows[0].login_micros(),
            rows[0].logout_micros()
        ),
        (5, &b"u"[..], 10, Some(20))
    );
}

#[test]
fn null_and_wrongly_typed_times_name_the_row_and_column() {
    let s = Scratch::new("null-times");
    for (values, want) in [
        (
            "(7,3,'a',NULL,NULL,'pts/0',NULL,NULL)",
            "row with ID 7: column Login is NULL, not an integer",
        ),
        (
            "(8,3,'a','yesterday',NULL,'pts/0',NULL,NULL)",
            "row with ID 8: column Login is text, not an integer",
        ),
        (
            "(9,3,'a',1.5,NULL,'pts/0',NULL,NULL)",
            "row with ID 9: column Login is a real number, not an integer",
        ),
        (
            "(10,3,'a',1,x'00',NULL,NULL,NULL)",
            "row with ID 10: column Logout is a blob, not an integer or NULL",
        ),
        (
            "(11,NULL,'a',1,NULL,NULL,NULL,NULL)",
            "row with ID 11: column Type is NULL, not an integer",
        ),
        (
            "(12,3,NULL,1,NULL,NULL,NULL,NULL)",
            "row with ID 12: column User is NULL, not text",
        ),
    ] {
        let path = s.0.join("wtmp.db");
        let _ = std::fs::remove_file(&path);
        // Without STRICT and NOT NULL, as a damaged or foreign database may be.
        let path = s.db(
            false,
            &format!(
                "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT, \
                 Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT);
                 INSERT INTO wtmp VALUES(1,3,'ok',5,NULL,'pts/1',NULL,NULL);
                 INSERT INTO wtmp VALUES{values};"
            ),
        );
        let e = open_err(&path);
        assert!(matches!(e, Error::WtmpdbRow { .. }), "{e:?}");
        assert_eq!(e.to_string(), format!("{}: {want}", path.display()));
    }
}

#[test]
fn non_utf8_text_comes_back_exactly() {
    let s = Scratch::new("non-utf8");
    let path = s.db(
        true,
        "INSERT INTO wtmp VALUES(1,3,CAST(x'ff41fe00' AS TEXT),1,NULL,CAST(x'747479c3' AS TEXT),\
         x'80',CAST(x'0a09' AS TEXT));",
    );
    let rows = Database::open(&path).unwrap().rows().unwrap();
    assert_eq!(rows[0].user(), b"\xffA\xfe\0");
    assert_eq!(rows[0].tty(), Some(&b"tty\xc3"[..]));
    assert_eq!(rows[0].host(), Some(&b"\x80"[..]));
    assert_eq!(rows[0].service(), Some(&b"\n\t"[..]));
    // JSON stays valid.
    let mut layout = utmp::layouts::wtmpdb_last::LastLayout::new(utmp::sessions::TimeZone::utc());
    let mut out = Vec::new();
    layout.write_json_start(&mut out);
    let mut pairing = Pairing::new(Selection::new());
    for r in &rows {
        if let Some(s) = pairing.push(r).session {
            layout.write_json_session(&s, &mut out);
        }
    }
    layout.write_json_end(pairing.begins_micros(), &mut out);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["entries"][0]["user"], "\u{fffd}A\u{fffd}");
}

#[test]
fn empty_databases_have_no_rows() {
    let s = Scratch::new("empty");
    // wtmpdb's table without rows.
    let path = s.db(true, "");
    assert!(Database::open(&path).unwrap().rows().unwrap().is_empty());
    // A 0-byte file: an SQLite database without tables, which wtmpdb reads
    // as one without entries.
    let zero = s.0.join("zero.db");
    std::fs::write(&zero, b"").unwrap();
    assert!(Database::open(&zero).unwrap().rows().unwrap().is_empty());
    // The footer says so, as wtmpdb does.
    let mut out = Vec::new();
    let mut layout = utmp::layouts::wtmpdb_last::LastLayout::new(utmp::sessions::TimeZone::utc());
    layout.write_footer(b"zero.db", None, &mut out);
    assert_eq!(out, b"zero.db has no entries\n");
}

#[test]
fn a_directory_is_an_io_error_naming_it() {
    let s = Scratch::new("dir");
    let e = open_err(&s.0);
    assert_eq!(
        e.to_string(),
        format!("{}: Is a directory (os error 21)", s.0.display())
    );
}

#[test]
#[ignore = "run as nobody by a_root_only_database_is_permission_denied"]
fn permission_denied_child() {
    let path = PathBuf::from(std::env::var_os("UTMP_WTMPDB_DENIED").unwrap());
    let e = open_err(&path);
    assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied, "{e:?}");
    let msg = e.to_string();
    assert!(msg.starts_with(&path.display().to_string()), "{msg}");
    assert!(msg.contains("Permission denied"), "{msg}");
    println!("child: permission denied as expected");
}

#[test]
fn a_root_only_database_is_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new("denied");
    std::fs::set_permissions(&s.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = s.db(
        true,
        "INSERT INTO wtmp VALUES(1,3,'a',1,NULL,'pts/0',NULL,NULL);",
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let marker = "child: permission denied as expected";
    if let Err(why) = common::run_as_nobody(
        "permission_denied_child",
        ("UTMP_WTMPDB_DENIED", &path),
        marker,
    ) {
        common::skip(format_args!("wtmpdb permission denied as nobody ({why})"));
    }
}
