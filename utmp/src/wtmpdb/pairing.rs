//! `wtmpdb last`'s pairing: which rows it lists and how each ended, as
//! wtmpdb 0.75.0 decides (`src/wtmpdb.c`); its text and JSON are
//! [`layouts::wtmpdb_last`](crate::layouts::wtmpdb_last).
//!
//! The pairing is wtmpdb's, not util-linux's: a row carries its own logout,
//! so nothing is paired by line; a row without logout ended in a `crash`
//! when a newer boot has been listed, else it is still on; `-x` adds a
//! `shutdown` line before each boot that has a shutdown time and a newer
//! boot. wtmpdb's quirks are kept where they decide what is printed (the
//! `-s` test of a boot under `-x` looks at its shutdown; rows filtered out
//! by `-s`/`-t` or the user/tty arguments do not count as the newer boot;
//! `-n` also cuts the rows the `begins` time is taken from).

use std::time::SystemTime;

use super::row::{micros_to_time, Row, RowType};
use crate::clock;
use crate::sessions::{End, SessionKind};

/// Microseconds in a second (wtmpdb's times are microseconds).
pub(crate) const USEC: i64 = 1_000_000;

/// Seconds of a microsecond time (rounded down).
pub(crate) fn secs(us: i64) -> i64 {
    us.div_euclid(USEC)
}

/// Which rows `wtmpdb last` lists: its options `-x`, `-s`, `-t`, `-p`,
/// `-n` and its user/tty arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    system: bool,
    since: Option<i64>,
    until: Option<i64>,
    present: Option<i64>,
    limit: Option<u64>,
    names: Vec<Vec<u8>>,
}

impl Selection {
    /// Everything, without shutdown lines.
    pub fn new() -> Selection {
        Selection::default()
    }

    /// `-x`: a `shutdown` line before each boot with a shutdown time.
    #[must_use]
    pub fn system(mut self, yes: bool) -> Self {
        self.system = yes;
        self
    }

    /// Whether `-x` was asked for.
    pub fn shows_system(&self) -> bool {
        self.system
    }

    /// `-s`: rows that started at or after this time.
    #[must_use]
    pub fn since(mut self, t: SystemTime) -> Self {
        self.since = Some(clock::unix_seconds(t));
        self
    }

    /// `-t`: rows that started at or before this time.
    #[must_use]
    pub fn until(mut self, t: SystemTime) -> Self {
        self.until = Some(clock::unix_seconds(t));
        self
    }

    /// `-p`: rows that were on at this time.
    #[must_use]
    pub fn present(mut self, t: SystemTime) -> Self {
        self.present = Some(clock::unix_seconds(t));
        self
    }

    /// `-n`: at most this many rows (shutdown lines not counted); 0 is no
    /// limit.
    #[must_use]
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n).filter(|&n| n > 0);
        self
    }

    /// Also lists rows of this user or on this terminal (exact match; `?`
    /// matches rows without a terminal).
    #[must_use]
    pub fn name(mut self, name: impl Into<Vec<u8>>) -> Self {
        self.names.push(name.into());
        self
    }
}

/// One line of `wtmpdb last`: a row (or, for a shutdown line, the boot row
/// it comes from), what it is, and how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session<'r> {
    pub(crate) row: &'r Row,
    shutdown: bool,
    pub(crate) end: End,
    /// Microseconds: the start, and the end (0: none, as wtmpdb keeps it).
    pub(crate) start: i64,
    pub(crate) stop: i64,
}

impl<'r> Session<'r> {
    /// The row it was made from (for a shutdown line, the boot's row).
    pub fn row(&self) -> &'r Row {
        self.row
    }

    /// What it is: a login, a boot or (`-x`) a shutdown; `None` for a
    /// runlevel row (wtmpdb records no runlevel number) and for rows of
    /// unknown type (see [`Row::row_type`]).
    pub fn kind(&self) -> Option<SessionKind> {
        if self.shutdown {
            return Some(SessionKind::Shutdown);
        }
        match self.row.row_type() {
            RowType::Boot => Some(SessionKind::Boot),
            RowType::Login => Some(SessionKind::User),
            _ => None,
        }
    }

    /// How it ended: [`End::LoggedOut`] at the logout (for a boot, its
    /// shutdown; for a shutdown, the next boot), [`End::Crash`] at the newer
    /// boot when it has no logout, else [`End::StillLoggedIn`] or
    /// [`End::StillRunning`].
    pub fn end(&self) -> End {
        self.end
    }

    /// The user as shown (`shutdown` for a shutdown line).
    pub fn user(&self) -> &'r [u8] {
        if self.shutdown {
            b"shutdown"
        } else {
            self.row.user()
        }
    }

    /// The terminal as shown: `system boot`, `system down`, the row's `TTY`,
    /// or `?` when it has none.
    pub fn line(&self) -> &'r [u8] {
        if self.shutdown {
            return b"system down";
        }
        match (self.row.row_type(), self.row.tty()) {
            (RowType::Boot, _) => b"system boot",
            (_, Some(tty)) => tty,
            (_, None) => b"?",
        }
    }

    /// The remote host (for a boot, the kernel release), empty when none.
    pub fn host(&self) -> &'r [u8] {
        self.row.host().unwrap_or_default()
    }

    /// The PAM service, empty when none.
    pub fn service(&self) -> &'r [u8] {
        self.row.service().unwrap_or_default()
    }

    /// When it started, to the microsecond.
    pub fn login(&self) -> SystemTime {
        micros_to_time(self.start)
    }

    /// When it ended, to the microsecond, when it did.
    pub fn logout(&self) -> Option<SystemTime> {
        (self.stop != 0).then(|| micros_to_time(self.stop))
    }
}

/// What one row gave: a shutdown line before it (`-x`), and its own line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pushed<'r> {
    /// The shutdown line (printed first).
    pub shutdown: Option<Session<'r>>,
    /// The row's own line.
    pub session: Option<Session<'r>>,
}

/// `wtmpdb last`'s walk over the rows, newest first (as
/// [`Database::rows`](super::Database::rows) gives them).
#[derive(Debug, Clone)]
pub struct Pairing {
    sel: Selection,
    /// Login of the newest boot listed so far (0: none, wtmpdb's sentinel).
    after_reboot: i64,
    /// Login of the newer boot, for the shutdown lines (0: none).
    newer_boot: i64,
    begins: Option<i64>,
    counted: u64,
}

impl Pairing {
    /// A walk with these options.
    pub fn new(sel: Selection) -> Pairing {
        Pairing {
            sel,
            after_reboot: 0,
            newer_boot: 0,
            begins: None,
            counted: 0,
        }
    }

    /// Whether the limit (`-n`) has been reached: later rows give nothing.
    pub fn is_full(&self) -> bool {
        self.sel.limit.is_some_and(|n| self.counted >= n)
    }

    /// The earliest login among the rows read before the limit was reached
    /// (microseconds): the footer's `begins`; `None` when there were none.
    pub fn begins_micros(&self) -> Option<i64> {
        self.begins
    }

    /// The next row, newest first: the lines it gives.
    pub fn push<'r>(&mut self, row: &'r Row) -> Pushed<'r> {
        let mut pushed = Pushed::default();
        if self.is_full() {
            return pushed;
        }
        let login = row.login_micros();
        // wtmpdb keeps "no logout" as 0.
        let logout = row.logout_micros().unwrap_or(0);
        self.begins = Some(self.begins.map_or(login, |b| b.min(login)));
        let is_boot = row.row_type() == RowType::Boot;
        let system = self.sel.system;

        // wtmpdb: `int swap = type == xflag && BOOT_TIME && logout_t != 0;`,
        // meant as "a boot under -x": it is true for type 1 rows with -x and
        // for type 0 rows without it. Kept, as it decides what is listed.
        let swap = row.row_type().raw() == i64::from(system) && logout != 0;
        let tested = if swap { logout } else { login };
        if self.sel.since.is_some_and(|s| s > secs(tested))
            || self.sel.until.is_some_and(|u| u < secs(login))
        {
            if system && is_boot {
                self.newer_boot = login;
            }
            return pushed;
        }
        if !self.sel.names.is_empty() {
            let user = c_str(row.user());
            let tty = row.tty().map_or(&b"?"[..], c_str);
            if !self.sel.names.iter().any(|n| n == user || n == tty) {
                return pushed;
            }
        }
        let end = if logout != 0 {
            End::LoggedOut(micros_to_time(logout))
        } else if self.after_reboot != 0 {
            End::Crash(micros_to_time(self.after_reboot))
        } else if row.row_type() == RowType::Login {
            End::StillLoggedIn
        } else {
            End::StillRunning
        };
        let within = |t: i64| {
            self.sel.until.is_none_or(|u| u >= secs(t))
                && self.sel.since.is_none_or(|s| s <= secs(t))
        };
        if system && is_boot && self.newer_boot != 0 && logout != 0 && within(logout) {
            pushed.shutdown = Some(Session {
                row,
                shutdown: true,
                end: End::LoggedOut(micros_to_time(self.newer_boot)),
                start: logout,
                stop: self.newer_boot,
            });
        }
        if system && is_boot {
            self.newer_boot = login;
        }
        if is_boot {
            self.after_reboot = login;
        }
        if let Some(p) = self.sel.present {
            if p < secs(login)
                || (logout != 0 && secs(logout) < p)
                || (logout == 0 && self.after_reboot != 0 && secs(self.after_reboot) < p)
            {
                return pushed;
            }
        }
        if within(login) {
            pushed.session = Some(Session {
                row,
                shutdown: false,
                end,
                start: login,
                stop: logout,
            });
        }
        self.counted = self.counted.saturating_add(1);
        pushed
    }
}

/// A C string's view of bytes: up to the first NUL.
pub(crate) fn c_str(b: &[u8]) -> &[u8] {
    crate::byte_split::before_first(b, 0)
}
