//! Sessions as they happen (`last --follow`): records in file order, each
//! login, logout, boot, shutdown and failed login told as it comes, a logout
//! with the login it ends.

use std::collections::HashMap;

use super::{classify, End, Kind, Session, SessionKind, Stamp};
use crate::entry::Entry;
use crate::enum_list::{enum_list, one_of};

enum_list! {
    /// What a record just written means (see [`LiveSessions::push`]).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Activity {
        /// A user logged in; the session is still on.
        Login = "login",
        /// A user logged out; the session holds the login (when it was seen),
        /// ended at the logout's time.
        Logout = "logout",
        /// The system booted.
        Boot = "boot",
        /// The system was shut down.
        Shutdown = "shutdown",
        /// The runlevel or the clock changed (`last -x` shows them).
        System = "system",
        /// A login failed (a btmp record).
        FailedLogin = "failed_login",
    }
    /// An activity name that is none of [`Activity::ALL`].
    #[error("unknown activity {0:?} (expected {list})", list = one_of::<Activity>())]
    error ParseActivityError;
}

/// Pairs logouts with logins in file order (oldest first), one record at a
/// time, for records read as they are written (with
/// [`Follower`](crate::follow::Follower)). [`Pairing`](super::Pairing) does
/// the same newest first, for a whole file.
///
/// The classification is util-linux `last`'s (a record with a user and a
/// line is a login whatever its type, `~` lines are boots and shutdowns); a
/// boot or a shutdown forgets every open login (their logouts will not come).
#[derive(Debug, Clone, Default)]
pub struct LiveSessions {
    btmp: bool,
    /// The open login of each line.
    logins: HashMap<Vec<u8>, Entry>,
}

impl LiveSessions {
    /// No login known yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// btmp mode (`lastb`): every record is a failed login.
    #[must_use]
    pub fn btmp(mut self, yes: bool) -> Self {
        self.btmp = yes;
        self
    }

    /// Takes in a record written before following started: it tells who is
    /// logged in where, so that a later logout finds its login. Nothing is
    /// returned.
    pub fn remember(&mut self, e: &Entry) {
        let _ = self.push(*e);
    }

    /// One record, in file order: what it means and its session, or `None`
    /// for records `last` does not show (`LOGIN_PROCESS`, `INIT_PROCESS`,
    /// empty slots...).
    ///
    /// The session of a login ends [`End::StillLoggedIn`]; of a logout, the
    /// login's record ended [`End::LoggedOut`] at the logout's time (or the
    /// logout's own record when its login came before anything seen); of a
    /// boot, [`End::StillRunning`]; of a shutdown, runlevel or clock change,
    /// [`End::Instant`]; of a failed login, [`End::Failed`].
    pub fn push(&mut self, e: Entry) -> Option<(Activity, Session)> {
        let at = Stamp::of(&e);
        let session = |entry, kind, end, until| Session {
            entry,
            kind,
            end,
            until,
        };
        if self.btmp {
            let s = session(e, SessionKind::FailedLogin, End::Failed, at.secs);
            return Some((Activity::FailedLogin, s));
        }
        let line = e.line_bytes().to_vec();
        match classify(e.entry_type(), e.user_bytes(), &line) {
            Kind::User => {
                if !line.is_empty() {
                    self.logins.insert(line, e);
                }
                let s = session(e, SessionKind::User, End::StillLoggedIn, 0);
                Some((Activity::Login, s))
            }
            Kind::Dead if !line.is_empty() => {
                let login = self.logins.remove(&line).unwrap_or(e);
                let end = End::LoggedOut(at.time());
                Some((
                    Activity::Logout,
                    session(login, SessionKind::User, end, at.secs),
                ))
            }
            Kind::Boot => {
                self.logins.clear();
                let s = session(e, SessionKind::Boot, End::StillRunning, at.secs);
                Some((Activity::Boot, s))
            }
            Kind::Shutdown => {
                self.logins.clear();
                let s = session(e, SessionKind::Shutdown, End::Instant, at.secs);
                Some((Activity::Shutdown, s))
            }
            Kind::RunLevel => {
                let [level, ..] = e.pid().to_le_bytes();
                let s = session(e, SessionKind::RunLevel(level), End::Instant, at.secs);
                Some((Activity::System, s))
            }
            Kind::NewTime | Kind::OldTime => {
                let kind = if matches!(e.entry_type(), crate::EntryType::NewTime)
                    || e.line_bytes().first() == Some(&b'{')
                {
                    SessionKind::NewTime
                } else {
                    SessionKind::OldTime
                };
                Some((Activity::System, session(e, kind, End::Instant, at.secs)))
            }
            Kind::Dead | Kind::Ignored => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EntryBuilder, EntryType};

    fn rec(t: EntryType, user: &str, line: &str, secs: i64) -> Entry {
        EntryBuilder::new(t)
            .user(user)
            .line(line)
            .seconds(secs)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn activity_names_round_trip() {
        crate::enum_list::assert_names_round_trip::<Activity>();
        assert!("Login".parse::<Activity>().is_err());
    }

    #[test]
    fn a_logout_ends_the_login_on_its_line() {
        let mut live = LiveSessions::new();
        let login = rec(EntryType::UserProcess, "alice", "pts/0", 100);
        let (a, s) = live.push(login).unwrap_or_else(|| panic!("no login"));
        assert_eq!(
            (a, s.end(), s.user_bytes()),
            (Activity::Login, End::StillLoggedIn, &b"alice"[..])
        );
        let (a, s) = live
            .push(rec(EntryType::DeadProcess, "", "pts/0", 160))
            .unwrap_or_else(|| panic!("no logout"));
        assert_eq!(a, Activity::Logout);
        assert_eq!(s.user_bytes(), b"alice");
        assert_eq!(s.duration().map(|d| d.as_secs()), Some(60));
        // A second logout on the line has no login left: its own record.
        let (_, s) = live
            .push(rec(EntryType::DeadProcess, "", "pts/0", 200))
            .unwrap_or_else(|| panic!("no logout"));
        assert_eq!(s.user_bytes(), b"");
        assert_eq!(
            live.push(rec(EntryType::LoginProcess, "LOGIN", "tty1", 1)),
            None
        );
        let boot = rec(EntryType::BootTime, "reboot", "~", 300);
        assert_eq!(live.push(boot).map(|(a, _)| a), Some(Activity::Boot));
    }

    #[test]
    fn btmp_records_are_failed_logins() {
        let mut live = LiveSessions::new().btmp(true);
        let (a, s) = live
            .push(rec(EntryType::LoginProcess, "root", "ssh:notty", 5))
            .unwrap_or_else(|| panic!("none"));
        assert_eq!(
            (a, s.kind(), s.end()),
            (Activity::FailedLogin, SessionKind::FailedLogin, End::Failed)
        );
    }
}
