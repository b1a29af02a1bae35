//! Where an answer comes from: the login sources, and the order in which the
//! automatic entry points try them.
//!
//! Current sessions ("who is logged in") come from systemd-logind when it has
//! sessions, else from the utmp database; login history ("who logged in when")
//! comes from a wtmpdb database when one exists, else from wtmp. A path given
//! explicitly is always read as that kind of file.

use std::fmt;
use std::str::FromStr;

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
// (The logind work adds its entry point here.)
// ---------------------------------------------------------------------------

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
