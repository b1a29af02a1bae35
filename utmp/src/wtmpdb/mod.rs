//! wtmpdb: the login history in an SQLite database (Linux).
//!
//! Debian 13 and openSUSE keep no `/var/log/wtmp` any more (its 32-bit times
//! end in 2038); their login history is [wtmpdb]'s database, and `last` there
//! is `wtmpdb last`. The database has one table:
//!
//! ```sql
//! CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL,
//!   Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT);
//! ```
//!
//! `Type` is 1 for a boot, 2 for a runlevel change, 3 for a login (not utmp's
//! numbers); `Login` and `Logout` are microseconds since the epoch, `Logout`
//! NULL while the session is open (a boot's `Logout` is its shutdown).
//!
//! [`Database`] opens a database read-only and reads its rows ([`Row`]:
//! 64-bit microsecond times and text bytes kept exactly, so 2038 and later,
//! long user names and any encoding come through); [`Pairing`] turns rows
//! into [`Session`]s with their [`End`](crate::sessions::End) the way
//! `wtmpdb last` does, and
//! [`layouts::wtmpdb_last::LastLayout`](crate::layouts::wtmpdb_last::LastLayout)
//! prints them in `wtmpdb last`'s layout, byte for byte as wtmpdb 0.75.0
//! does (`utmp last` on a wtmpdb database).
//!
//! # Reading without writing
//!
//! A database is opened with `SQLITE_OPEN_READ_ONLY` (never `CREATE`), as a
//! `file:` URI with `mode=ro`, and with a busy timeout
//! ([`Database::DEFAULT_BUSY_TIMEOUT`]): a writer in the middle of a
//! transaction makes the read wait that long, then fail with
//! [`Error::DatabaseLocked`], never hang.
//! Reading takes SQLite's shared lock (a read lock) while the query runs and
//! never a write lock. The file is checked first with `open(2)` (a missing
//! file or a permission problem is an [`Error::Io`] naming
//! the path) and by its header (`SQLite format 3\0`), so nothing that is not
//! an SQLite database reaches SQLite.
//!
//! wtmpdb's databases use a rollback journal: the read-only connection
//! creates nothing and takes only the shared lock. A database in WAL mode
//! (header bytes 18 and 19 are 2) would make SQLite create its `-shm` file
//! beside it, even for a read-only connection. So the URI asks for
//! `readonly_shm=1` (an existing `-shm` file is opened read-only, never
//! created); and a WAL database with neither `-wal` nor `-shm` (no writer
//! has it open: everything committed is in the main file) is opened with
//! `immutable=1`, which needs no `-shm`. `immutable=1` is not used
//! otherwise: it turns locking off, so a read during a write to a
//! rollback-journal database could see half-written pages. A WAL database
//! with a `-wal` file but no `-shm` (left by a crash) cannot be read
//! without creating the `-shm`: that is an [`Error::Sqlite`].
//!
//! [wtmpdb]: https://github.com/thkukuk/wtmpdb
//!
//! ```no_run
//! # fn main() -> utmp::Result<()> {
//! use utmp::wtmpdb::{Database, Pairing, Selection};
//! let path = utmp::wtmpdb::default_path().unwrap_or("/var/lib/wtmpdb/wtmp.db".as_ref());
//! let rows = Database::open(path)?.rows()?;
//! let mut pairing = Pairing::new(Selection::new());
//! for row in &rows {
//!     if let Some(session) = pairing.push(row).session {
//!         let user = String::from_utf8_lossy(session.user());
//!         println!("{user} {:?} {}", session.login(), session.end().as_str());
//!     }
//! }
//! # Ok(()) }
//! ```

mod follow;
pub(crate) mod pairing;
mod row;

use std::cmp::Ordering;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

pub use follow::{RowEvent, RowFollower};
pub use pairing::{Pairing, Pushed, Selection, Session};
pub use row::{Row, RowError, RowType, UnknownRowType, Value, COLUMNS};

/// Where wtmpdb keeps its database, in the order they are tried:
/// wtmpdb's own default, then Debian's (which makes the first a symlink to
/// it).
pub const DEFAULT_PATHS: [&str; 2] = ["/var/lib/wtmpdb/wtmp.db", "/var/log/wtmp.db"];

/// The first of [`DEFAULT_PATHS`] that exists, if any.
pub fn default_path() -> Option<&'static Path> {
    DEFAULT_PATHS
        .iter()
        .map(Path::new)
        .find(|p| std::fs::metadata(p).is_ok())
}

/// The first bytes of every SQLite 3 database file.
pub const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file starts with the SQLite 3 header (what `utmp last -f`
/// uses to tell a wtmpdb database from a wtmp file).
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be opened or read.
pub fn is_sqlite(path: impl AsRef<Path>) -> Result<bool> {
    let path = path.as_ref();
    let mut head = [0u8; 16];
    let n = read_head(path, &mut head)?;
    Ok(n == head.len() && &head == SQLITE_HEADER)
}

/// Reads up to `buf.len()` bytes from the start of the file; how many.
fn read_head(path: &Path, buf: &mut [u8]) -> Result<usize> {
    let wrap = |e| Error::io(Some(path.to_owned()), e);
    let mut file = File::open(path).map_err(wrap)?;
    let mut n = 0;
    while let Some(rest) = buf.get_mut(n..).filter(|r| !r.is_empty()) {
        match file.read(rest) {
            Ok(0) => break,
            Ok(k) => n = n.saturating_add(k),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(wrap(e)),
        }
    }
    Ok(n)
}

/// A wtmpdb database, open read-only.
#[derive(Debug)]
pub struct Database {
    path: PathBuf,
    /// `None` for an empty (0-byte) file: an SQLite database without
    /// tables, which wtmpdb reads as one without entries.
    conn: Option<Connection>,
}

/// The query: the columns by name (a table with more columns, or in
/// another order, is read the same), in the table's order (wtmpdb sorts
/// with `ORDER BY Login DESC, Logout ASC`; [`Database::rows`] sorts the
/// same way in memory: no temporary file for a large sort).
const SELECT: &str = "SELECT ID, Type, User, Login, Logout, TTY, RemoteHost, Service FROM wtmp";

impl Database {
    /// How long a read waits for a writer to finish its transaction.
    pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(2);

    /// Opens a database read-only, with [`Database::DEFAULT_BUSY_TIMEOUT`].
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be opened or
    /// read (missing, permission denied, a directory);
    /// [`Error::NotWtmpdb`] when it is not an
    /// SQLite database or has no `wtmp` table with wtmpdb's columns;
    /// [`Error::DatabaseLocked`] when a writer
    /// holds it past the timeout; [`Error::Sqlite`]
    /// for what else SQLite reports (a damaged file).
    pub fn open(path: impl AsRef<Path>) -> Result<Database> {
        Database::open_with_timeout(path, Database::DEFAULT_BUSY_TIMEOUT)
    }

    /// Opens a database read-only, waiting at most `busy` for a writer.
    ///
    /// # Errors
    ///
    /// As [`Database::open`].
    pub fn open_with_timeout(path: impl AsRef<Path>, busy: Duration) -> Result<Database> {
        let path = path.as_ref().to_owned();
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(Some(path.clone()), e))?;
        if meta.is_dir() {
            return Err(Error::io(
                Some(path),
                io::Error::from_raw_os_error(libc::EISDIR),
            ));
        }
        // Opening it ourselves first: SQLite would say only "unable to open
        // database file" for a missing file or a permission problem.
        let mut head = [0u8; 100];
        let n = read_head(&path, &mut head)?;
        if n == 0 {
            return Ok(Database { path, conn: None });
        }
        if head.get(..16) != Some(&SQLITE_HEADER[..]) {
            return Err(Error::NotWtmpdb {
                path,
                reason: "not an SQLite database (no \"SQLite format 3\" header)".into(),
            });
        }
        if n < head.len() {
            return Err(Error::NotWtmpdb {
                path,
                reason: format!("truncated SQLite database ({n} bytes, shorter than its header)"),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        // Header bytes 18 and 19: the file format's write and read
        // versions, 2 for WAL.
        let wal = head.get(18..20) == Some(&[2, 2][..]);
        let params = if wal && !sidecar(&path, "-wal").exists() && !sidecar(&path, "-shm").exists()
        {
            "mode=ro&immutable=1"
        } else {
            "mode=ro&readonly_shm=1"
        };
        let conn = Connection::open_with_flags(uri(&path, params), flags)
            .map_err(|e| sqlite_error(&path, e))?;
        conn.busy_timeout(busy)
            .map_err(|e| sqlite_error(&path, e))?;
        let db = Database {
            path,
            conn: Some(conn),
        };
        db.check_schema()?;
        Ok(db)
    }

    /// The path it was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks that table `wtmp` exists with every column of [`COLUMNS`].
    fn check_schema(&self) -> Result<()> {
        let Some(conn) = &self.conn else {
            return Ok(());
        };
        let err = |e| sqlite_error(&self.path, e);
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_table_info('wtmp')")
            .map_err(err)?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(err)?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(err)?;
        if names.is_empty() {
            return Err(Error::NotWtmpdb {
                path: self.path.clone(),
                reason: "no table wtmp (not a wtmpdb database)".into(),
            });
        }
        for col in COLUMNS {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(col)) {
                return Err(Error::NotWtmpdb {
                    path: self.path.clone(),
                    reason: format!("table wtmp has no column {col} (not a wtmpdb database)"),
                });
            }
        }
        Ok(())
    }

    /// Every row, newest first, in the order `wtmpdb last` reads them:
    /// by `Login` descending, then `Logout` ascending with NULL (open)
    /// first, rows equal in both in table order.
    ///
    /// # Errors
    ///
    /// [`Error::WtmpdbRow`] for a row that cannot
    /// be decoded (see [`Row::decode`]); the SQLite errors of
    /// [`Database::open`].
    pub fn rows(&self) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        self.for_each_row(|row| rows.push(row))?;
        sort_newest_first(&mut rows);
        Ok(rows)
    }

    /// Every row, newest first (the order of [`Database::rows`]), one at a
    /// time until `f` returns `false`. In constant memory when the table is
    /// in time order, as wtmpdb writes it (each row's `Login` after the
    /// previous row's): a first pass over `Login` and `Logout` checks that,
    /// then the rows are read backwards; otherwise they are read and sorted
    /// in memory. Both passes read in one transaction: the same rows.
    ///
    /// A row that cannot be decoded ends the walk with its error, after the
    /// rows before it have been given to `f`.
    ///
    /// # Errors
    ///
    /// As [`Database::rows`].
    pub fn for_each_newest_first(&self, mut f: impl FnMut(&Row) -> bool) -> Result<()> {
        let Some(conn) = &self.conn else {
            return Ok(());
        };
        let err = |e| sqlite_error(&self.path, e);
        conn.execute_batch("BEGIN").map_err(err)?;
        let walked = self.walk_newest_first(conn, &mut f);
        let ended = conn.execute_batch("COMMIT").map_err(err);
        walked.and(ended)
    }

    fn walk_newest_first(&self, conn: &Connection, f: &mut dyn FnMut(&Row) -> bool) -> Result<()> {
        let err = |e| sqlite_error(&self.path, e);
        if !self.in_time_order(conn)? {
            for row in self.rows()? {
                if !f(&row) {
                    break;
                }
            }
            return Ok(());
        }
        let mut stmt = conn
            .prepare(&format!("{SELECT} ORDER BY rowid DESC"))
            .map_err(err)?;
        let mut query = stmt.query([]).map_err(err)?;
        let mut row = Row::default();
        while let Some(r) = query.next().map_err(err)? {
            self.decode(r, &mut row)?;
            if !f(&row) {
                break;
            }
        }
        Ok(())
    }

    /// Whether reading the table backwards (by rowid) gives the rows in
    /// [`sort_newest_first`]'s order: each row strictly before the one
    /// above it (equal keys keep table order when sorted, which backwards
    /// would reverse). `false` also for a table without rowid and for
    /// values that are not times (the sorting path reports those).
    fn in_time_order(&self, conn: &Connection) -> Result<bool> {
        let err = |e| sqlite_error(&self.path, e);
        let Ok(mut stmt) = conn.prepare("SELECT Login, Logout FROM wtmp ORDER BY rowid") else {
            return Ok(false);
        };
        let mut query = stmt.query([]).map_err(err)?;
        let mut above: Option<(i64, Option<i64>)> = None;
        while let Some(r) = query.next().map_err(err)? {
            let login = match r.get_ref(0).map_err(err)? {
                ValueRef::Integer(n) => n,
                _ => return Ok(false),
            };
            let logout = match r.get_ref(1).map_err(err)? {
                ValueRef::Integer(n) => Some(n),
                ValueRef::Null => None,
                _ => return Ok(false),
            };
            if let Some(above) = above {
                if newest_first((login, logout), above) != Ordering::Less {
                    return Ok(false);
                }
            }
            above = Some((login, logout));
        }
        Ok(true)
    }

    /// Every row in table order (no sorting; constant memory).
    ///
    /// # Errors
    ///
    /// As [`Database::rows`].
    pub fn for_each_row(&self, f: impl FnMut(Row)) -> Result<()> {
        self.query_rows(SELECT, [], f)
    }

    /// The rows that `sql` (a [`SELECT`] with a tail) selects with `params`,
    /// decoded, in its order.
    fn query_rows<P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        mut f: impl FnMut(Row),
    ) -> Result<()> {
        let Some(conn) = &self.conn else {
            return Ok(());
        };
        let err = |e| sqlite_error(&self.path, e);
        let mut stmt = conn.prepare_cached(sql).map_err(err)?;
        let mut query = stmt.query(params).map_err(err)?;
        while let Some(r) = query.next().map_err(err)? {
            let mut row = Row::default();
            self.decode(r, &mut row)?;
            f(row);
        }
        Ok(())
    }

    /// The rows whose `ID` is above `id`, by `ID` (what a follower has not
    /// seen yet).
    pub(crate) fn for_each_row_after(&self, id: i64, f: impl FnMut(Row)) -> Result<()> {
        self.query_rows(&format!("{SELECT} WHERE ID > ?1 ORDER BY ID"), [id], f)
    }

    /// The row with this `ID`, when there is one.
    pub(crate) fn row_by_id(&self, id: i64) -> Result<Option<Row>> {
        let mut found = None;
        self.query_rows(&format!("{SELECT} WHERE ID = ?1"), [id], |row| {
            found = Some(row);
        })?;
        Ok(found)
    }

    /// Decodes one result row of [`SELECT`] into `row`.
    fn decode(&self, r: &rusqlite::Row<'_>, row: &mut Row) -> Result<()> {
        let err = |e| sqlite_error(&self.path, e);
        let mut values = [Value::Null; 8];
        for (i, v) in values.iter_mut().enumerate() {
            *v = match r.get_ref(i).map_err(err)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::Integer(n),
                ValueRef::Real(x) => Value::Real(x),
                ValueRef::Text(t) => Value::Text(t),
                ValueRef::Blob(b) => Value::Blob(b),
            };
        }
        row.decode_into(values).map_err(|e| Error::WtmpdbRow {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }
}

/// The order of `ORDER BY Login DESC, Logout ASC` (NULL first) on
/// `(Login, Logout)` keys.
fn newest_first(a: (i64, Option<i64>), b: (i64, Option<i64>)) -> Ordering {
    b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1))
}

/// Sorts rows as `ORDER BY Login DESC, Logout ASC` does (NULL before any
/// number), keeping the order of rows equal in both (SQLite's sorter does
/// too).
pub fn sort_newest_first(rows: &mut [Row]) {
    rows.sort_by(|a, b| {
        newest_first(
            (a.login_micros(), a.logout_micros()),
            (b.login_micros(), b.logout_micros()),
        )
    });
}

/// The file SQLite keeps beside a database (`-wal`, `-shm`, `-journal`).
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The `file:` URI of a path with these parameters: every byte but
/// unreserved ones and `/` percent-encoded (so `?`, `#` and `%` in a name
/// stay in the name).
fn uri(path: &Path, params: &str) -> String {
    use std::fmt::Write;
    use std::os::unix::ffi::OsStrExt;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut s = String::from("file:");
    for &b in absolute.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~') {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    s.push('?');
    s.push_str(params);
    s
}

fn sqlite_error(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        if matches!(f.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) {
            return Error::DatabaseLocked {
                path: path.to_owned(),
            };
        }
        if f.code == ErrorCode::NotADatabase {
            return Error::NotWtmpdb {
                path: path.to_owned(),
                reason: "not an SQLite database (file is not a database)".into(),
            };
        }
    }
    Error::Sqlite {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encodes_what_a_uri_would_misread() {
        assert_eq!(
            uri(Path::new("/a b/w?x#y%z.db"), "mode=ro&readonly_shm=1"),
            "file:/a%20b/w%3Fx%23y%25z.db?mode=ro&readonly_shm=1"
        );
    }

    /// A database of `(Login, Logout)` rows in this table order.
    fn db_of(name: &str, rows: &[(i64, Option<i64>)]) -> (PathBuf, Database) {
        let dir = std::env::temp_dir().join(format!("utmp-wtmpdb-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, \
             Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT)",
        )
        .unwrap();
        for (i, (login, logout)) in rows.iter().enumerate() {
            conn.execute(
                "INSERT INTO wtmp VALUES(?1, 3, 'u', ?2, ?3, 'pts/0', NULL, NULL)",
                rusqlite::params![i as i64 + 1, login, logout],
            )
            .unwrap();
        }
        drop(conn);
        let db = Database::open(&path).unwrap();
        (path, db)
    }

    fn walked(db: &Database) -> Vec<i64> {
        let mut ids = Vec::new();
        db.for_each_newest_first(|r| {
            ids.push(r.id());
            true
        })
        .unwrap();
        ids
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "files (and SQLite's C code), which Miri's isolation refuses"
    )]
    fn rows_in_time_order_are_read_backwards_others_sorted() {
        type Keys = &'static [(i64, Option<i64>)];
        let cases: [(&str, Keys, bool); 5] = [
            (
                "ordered",
                &[(1, Some(5)), (2, None), (3, Some(4)), (9, None)],
                true,
            ),
            // Same login: the open one sorts first, so it must come later.
            ("same-login", &[(1, Some(5)), (1, None)], true),
            ("tie", &[(1, Some(5)), (1, Some(5)), (2, None)], false),
            (
                "unordered",
                &[(5, None), (1, Some(2)), (7, None), (3, None)],
                false,
            ),
            ("open-first", &[(1, None), (1, Some(5))], false),
        ];
        for (name, rows, ordered) in cases {
            let (path, db) = db_of(name, rows);
            let conn = db.conn.as_ref().unwrap();
            assert_eq!(db.in_time_order(conn).unwrap(), ordered, "{name}");
            let sorted: Vec<i64> = db.rows().unwrap().iter().map(Row::id).collect();
            assert_eq!(walked(&db), sorted, "{name}");
            // Stopping early stops.
            let mut n = 0;
            db.for_each_newest_first(|_| {
                n += 1;
                false
            })
            .unwrap();
            assert_eq!(n, 1);
            drop(db);
            std::fs::remove_file(path).unwrap();
        }
    }

    #[test]
    fn sorting_matches_order_by_login_desc_logout_asc() {
        let r =
            |id, login, logout| Row::new(id, RowType::Login, "u", login, logout, None, None, None);
        let mut rows = vec![
            r(1, 5, Some(9)),
            r(2, 7, None),
            r(3, 5, None),
            r(4, 5, Some(6)),
            r(5, 5, Some(6)),
            r(6, -1, None),
        ];
        sort_newest_first(&mut rows);
        let ids: Vec<i64> = rows.iter().map(Row::id).collect();
        assert_eq!(ids, [2, 3, 4, 5, 1, 6]);
    }
}
