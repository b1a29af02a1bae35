//! Where an answer comes from: the login sources, and the order in which the
//! automatic entry points try them.
//!
//! Current sessions ("who is logged in") come from systemd-logind when it has
//! sessions, else from the utmp database; login history ("who logged in when")
//! comes from a wtmpdb database when one exists, else from wtmp. A path given
//! explicitly is always read as that kind of file.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::logind;

/// A source of login records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The utmp database of current sessions (`/var/run/utmp`), records of
    /// `struct utmpx`.
    Utmp,
    /// systemd-logind's (or elogind's) session files under
    /// `/run/systemd/sessions`.
    Logind,
    /// A wtmp (or btmp) file of records: the login history before wtmpdb.
    Wtmp,
    /// A wtmpdb SQLite database: the login history on Debian 13 and openSUSE.
    Wtmpdb,
}

impl Source {
    /// Every source, in the order of this list.
    pub const ALL: [Source; 4] = [Source::Utmp, Source::Logind, Source::Wtmp, Source::Wtmpdb];

    /// The source's name as the command line spells it (`"logind"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Utmp => "utmp",
            Source::Logind => "logind",
            Source::Wtmp => "wtmp",
            Source::Wtmpdb => "wtmpdb",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of [`Source::from_str`]: the name is none of [`Source::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSourceError(String);

impl fmt::Display for ParseSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown login source {:?} (expected utmp, logind, wtmp or wtmpdb)",
            self.0
        )
    }
}

impl std::error::Error for ParseSourceError {}

impl FromStr for Source {
    type Err = ParseSourceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Source::ALL
            .into_iter()
            .find(|src| src.as_str() == s)
            .ok_or_else(|| ParseSourceError(s.to_owned()))
    }
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
/// [`Entry::is_user_process`] or [`crate::who`]).
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
// (The wtmpdb work adds its entry point here.)
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for src in Source::ALL {
            assert_eq!(src.as_str().parse::<Source>(), Ok(src));
            assert_eq!(src.to_string(), src.as_str());
        }
        assert!("auto".parse::<Source>().is_err());
        assert!("Logind".parse::<Source>().is_err());
    }
}
