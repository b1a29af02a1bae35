//! Where an answer comes from: the login sources, and the order in which the
//! automatic entry points try them.
//!
//! Current sessions ("who is logged in") come from systemd-logind when it has
//! sessions, else from the utmp database; login history ("who logged in when")
//! comes from a wtmpdb database when one exists, else from wtmp. A path given
//! explicitly is always read as that kind of file.

use std::path::{Path, PathBuf};

use crate::entry::Entry;
use crate::enum_list::{enum_list, one_of};
use crate::error::{Error, Result};
use crate::logind;

enum_list! {
    /// A source of login records.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Source {
        /// The utmp database of current sessions (`/var/run/utmp`), records of
        /// `struct utmpx`.
        Utmp = "utmp",
        /// systemd-logind's (or elogind's) session files under
        /// `/run/systemd/sessions`.
        Logind = "logind",
        /// A wtmp (or btmp) file of records: the login history before wtmpdb.
        Wtmp = "wtmp",
        /// A wtmpdb SQLite database: the login history on Debian 13 and openSUSE.
        Wtmpdb = "wtmpdb",
    }
    /// The error of parsing a source name that is none of [`Source::ALL`].
    #[error("unknown login source {0:?} (expected {list})", list = one_of::<Source>())]
    error ParseSourceError;
}

// ---------------------------------------------------------------------------
// Current sessions: logind when it has sessions, else utmp.
// ---------------------------------------------------------------------------

/// The answer to "who is logged in now": the entries, and the source they
/// came from ([`current_sessions`]).
///
/// From logind, [`entries`](CurrentSessions::entries) holds each session's
/// [`Entry` view](crate::logind::Session::entry), in the same order as
/// [`logind_sessions`](CurrentSessions::logind_sessions), which keeps every
/// value whole; session files that could not be read are in
/// [`errors`](CurrentSessions::errors), never dropped silently. From utmp,
/// the entries are the database's records, every type (filter with
/// [`Entry::is_user_process`] or [`crate::layouts::who`]).
#[derive(Debug)]
pub struct CurrentSessions {
    source: Source,
    entries: Vec<Entry>,
    logind: Vec<logind::Session>,
    errors: Vec<Error>,
}

impl CurrentSessions {
    /// The sessions in a logind sessions folder (`/run/systemd/sessions`, or
    /// a copy), whatever utmp holds.
    ///
    /// # Errors
    ///
    /// Those of [`logind::Sessions::open_in`]: the folder cannot be listed
    /// (`NotFound` when there is none). A session file that cannot be read is
    /// not an error here: it is kept in [`errors`](CurrentSessions::errors).
    pub fn from_logind(dir: impl AsRef<Path>) -> Result<Self> {
        let mut answer = CurrentSessions {
            source: Source::Logind,
            entries: Vec::new(),
            logind: Vec::new(),
            errors: Vec::new(),
        };
        for item in logind::Sessions::open_in(dir)?.read_all() {
            match item {
                Ok(session) => {
                    answer.entries.push(session.entry());
                    answer.logind.push(session);
                }
                Err(e) => answer.errors.push(e),
            }
        }
        Ok(answer)
    }

    /// The records of the utmp database through the C library
    /// ([`current_entries`](crate::current_entries)).
    ///
    /// # Errors
    ///
    /// Those of [`current_entries`](crate::current_entries), notably
    /// [`Error::NoDatabase`].
    pub fn from_utmp() -> Result<Self> {
        Ok(CurrentSessions {
            source: Source::Utmp,
            entries: crate::current_entries()?,
            logind: Vec::new(),
            errors: Vec::new(),
        })
    }

    /// Where the answer came from: [`Source::Logind`] or [`Source::Utmp`].
    pub fn source(&self) -> Source {
        self.source
    }

    /// The entries, one per logind session or utmp record.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries, owned.
    pub fn into_entries(self) -> Vec<Entry> {
        self.entries
    }

    /// The logind sessions, with every value whole (empty when the source is
    /// utmp).
    pub fn logind_sessions(&self) -> &[logind::Session] {
        &self.logind
    }

    /// The logind session files that were listed but could not be read (the
    /// session ended meanwhile, permission denied, not a regular file...),
    /// each with its path.
    pub fn errors(&self) -> &[Error] {
        &self.errors
    }
}

/// Who is logged in now, from the best source this system has: systemd-logind
/// (or elogind) when it has sessions, else the utmp database.
///
/// In order: the sessions in [`logind::sessions_dir`] when there is at least
/// one; else the utmp database ([`current_entries`](crate::current_entries));
/// else, when the sessions folder exists (logind runs, nobody is logged in)
/// and the system keeps no utmp database, an empty answer from logind.
/// [`CurrentSessions::source`] says which. pyutmp-style code that opens
/// [`Database`](crate::Database) itself is not affected.
///
/// ```no_run
/// # fn main() -> utmp::Result<()> {
/// let now = utmp::current_sessions()?;
/// println!("from {}:", now.source());
/// for entry in now.entries().iter().filter(|e| e.is_user_process()) {
///     println!("{} on {}", entry.user_lossy(), entry.line_lossy());
/// }
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// When logind has no sessions and the utmp database cannot be read: its
/// error ([`Error::NoDatabase`] when there is none, as in containers).
pub fn current_sessions() -> Result<CurrentSessions> {
    current_sessions_in(logind::sessions_dir())
}

/// [`current_sessions`] with another logind sessions folder (a copy, a
/// chroot's, a test fixture); the utmp database is still the system's.
///
/// # Errors
///
/// As for [`current_sessions`].
pub fn current_sessions_in(logind_dir: impl AsRef<Path>) -> Result<CurrentSessions> {
    let logind = CurrentSessions::from_logind(logind_dir);
    if let Ok(answer) = &logind {
        if !answer.entries.is_empty() || !answer.errors.is_empty() {
            return logind;
        }
    }
    match (CurrentSessions::from_utmp(), logind) {
        (Ok(utmp), _) => Ok(utmp),
        (Err(Error::NoDatabase { .. } | Error::Unsupported { .. }), Ok(empty)) => Ok(empty),
        (Err(e), _) => Err(e),
    }
}

// ---------------------------------------------------------------------------
// Login history: wtmpdb when its database exists, else wtmp.
// ---------------------------------------------------------------------------

/// Where the login history is read from: a file and the [`Source`] it is
/// read as ([`Source::Wtmpdb`] or [`Source::Wtmp`]).
///
/// [`login_history`] picks it automatically; [`HistoryFile::detect`] tells
/// the kind of a given file by its first bytes; [`HistoryFile::new`] takes
/// the kind as given. Read a [`Source::Wtmpdb`] file with
/// `wtmpdb::Database` (Linux) and a
/// [`Source::Wtmp`] file with [`sessions`](crate::sessions) over
/// [`ReverseReader`](crate::sessions::ReverseReader) or
/// [`MappedFile`](crate::MappedFile).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HistoryFile {
    source: Source,
    path: PathBuf,
    default: bool,
}

impl HistoryFile {
    /// `path`, read as `source` whatever it holds.
    pub fn new(source: Source, path: impl Into<PathBuf>) -> HistoryFile {
        HistoryFile {
            source,
            path: path.into(),
            default: false,
        }
    }

    /// `path`, read as a wtmpdb database when it starts with SQLite's header
    /// (`SQLite format 3\0`, on Linux), else as a file of records (wtmp).
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) when the file cannot be opened or read.
    pub fn detect(path: impl Into<PathBuf>) -> Result<HistoryFile, crate::Error> {
        let path = path.into();
        #[cfg(target_os = "linux")]
        let source = if crate::wtmpdb::is_sqlite(&path)? {
            Source::Wtmpdb
        } else {
            Source::Wtmp
        };
        #[cfg(not(target_os = "linux"))]
        let source = Source::Wtmp;
        Ok(HistoryFile::new(source, path))
    }

    /// How the file is read.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether [`login_history`] chose it (a default path, not one given).
    pub fn is_default(&self) -> bool {
        self.default
    }
}

/// The system's login history: the wtmpdb database when one exists (Linux:
/// `wtmpdb::DEFAULT_PATHS`, in that order),
/// else the wtmp file ([`wtmp_path`](crate::wtmp_path)). Nothing is opened
/// yet; whether the file can be read shows when it is.
pub fn login_history() -> HistoryFile {
    #[cfg(target_os = "linux")]
    let databases = crate::wtmpdb::DEFAULT_PATHS.map(Path::new);
    #[cfg(not(target_os = "linux"))]
    let databases: [&Path; 0] = [];
    choose_history(&databases, crate::wtmp_path())
}

/// The first of `databases` that exists, as wtmpdb, else `wtmp`.
fn choose_history(databases: &[&Path], wtmp: &Path) -> HistoryFile {
    let (source, path) = match databases.iter().find(|p| std::fs::metadata(p).is_ok()) {
        Some(db) => (Source::Wtmpdb, *db),
        None => (Source::Wtmp, wtmp),
    };
    HistoryFile {
        default: true,
        ..HistoryFile::new(source, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        crate::enum_list::assert_names_round_trip::<Source>();
        assert_eq!(
            "x".parse::<Source>().map_err(|e| e.to_string()),
            Err("unknown login source \"x\" (expected utmp, logind, wtmp or wtmpdb)".to_owned())
        );
        assert!("auto".parse::<Source>().is_err());
        assert!("Logind".parse::<Source>().is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    #[cfg_attr(
        miri,
        ignore = "files (and SQLite's C code), which Miri's isolation refuses"
    )]
    fn a_file_is_told_by_its_header_and_a_named_kind_is_kept() {
        let dir = std::env::temp_dir().join(format!("utmp-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("history");
        std::fs::write(&db, b"SQLite format 3\0 and the rest").unwrap();
        let records = dir.join("wtmp");
        std::fs::write(&records, [0u8; 384]).unwrap();
        assert_eq!(HistoryFile::detect(&db).unwrap().source(), Source::Wtmpdb);
        assert_eq!(
            HistoryFile::detect(&records).unwrap().source(),
            Source::Wtmp
        );
        // Shorter than the header, or empty: records.
        std::fs::write(&records, b"SQLite format 3").unwrap();
        assert_eq!(
            HistoryFile::detect(&records).unwrap().source(),
            Source::Wtmp
        );
        let named = HistoryFile::new(Source::Wtmp, &db);
        assert_eq!(
            (named.source(), named.path(), named.is_default()),
            (Source::Wtmp, db.as_path(), false)
        );
        let missing = HistoryFile::detect(dir.join("missing")).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "files (and SQLite's C code), which Miri's isolation refuses"
    )]
    fn the_automatic_choice_is_the_first_wtmpdb_database_that_exists() {
        let dir = std::env::temp_dir().join(format!("utmp-choice-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (first, second, wtmp) = (dir.join("a.db"), dir.join("b.db"), dir.join("wtmp"));
        let dbs = [first.as_path(), second.as_path()];
        let pick = || {
            let h = choose_history(&dbs, &wtmp);
            assert!(h.is_default());
            (h.source(), h.path().to_owned())
        };
        assert_eq!(pick(), (Source::Wtmp, wtmp.clone()));
        std::fs::write(&second, b"").unwrap();
        assert_eq!(pick(), (Source::Wtmpdb, second.clone()));
        std::fs::write(&first, b"").unwrap();
        assert_eq!(pick(), (Source::Wtmpdb, first.clone()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
