//! Sessions: logins paired with logouts, boots with shutdowns, the way
//! util-linux `last` pairs them.
//!
//! [`Sessions`] reads records newest first (a wtmp file backwards: use
//! [`ReverseReader`], or `utmp::entries(&bytes).rev()`) and yields one
//! [`Session`] per record that `last` would list: a login with how it ended
//! ([`End`]), a boot, a shutdown, a runlevel change, a clock change, or (in
//! btmp mode) a failed login. [`layouts::last::LastFormat`](crate::layouts::last::LastFormat)
//! writes them in `last`'s text layout; [`SessionFilter`] selects them like `last`'s user/tty arguments and
//! `--present`. [`ChunkPairing`] pairs a file cut into chunks, each on its
//! own (on any thread), with the same sessions as one pass, the few that
//! depend on newer chunks left to the caller's [`Pairing`].
//! [`LiveSessions`] tells logins, logouts and boots in file
//! order as they are written (`last --follow`, over a
//! [`Follower`](crate::follow::Follower)).
//!
//! The pairing follows util-linux 2.41+ `last` (login-utils/last.c) record by
//! record, including its corrections for old programs (a record with a user
//! and a line counts as a login whatever its type, `~` lines name boots and
//! shutdowns, a login closes the previous login on the same line), its
//! treatment of boots without a shutdown (`crash`), and its check for logins
//! with no logout whose process is gone ([`End::GoneNoLogout`]), which asks a
//! [`Environment`] (the live system by default, a fixed one in tests).
//!
//! # Versions and differences
//!
//! The behaviour is util-linux's current one (2.41 and later; the
//! conformance tests use the expected outputs of 2.43-devel). Compared with
//! util-linux 2.38, still common in distributions: a column cut to its width
//! ends in `*` (`never-gonna-log*`), and a boot followed by another boot
//! without a shutdown ends in `crash` (2.38 showed the next shutdown's time).
//!
//! Where this crate deliberately differs from util-linux:
//!
//! * no DNS: `last -d` has nothing to look up with; hosts are shown as
//!   recorded, and
//!   [`LastFormat::numeric_address`](crate::layouts::last::LastFormat::numeric_address)
//!   gives `-i`;
//! * records are aligned on the start of the file: a partial record at the
//!   end is reported ([`crate::Error::TrailingBytes`]) and skipped, where
//!   util-linux aligns records on the end of the file;
//! * a record of a type the C header does not name is skipped without the
//!   warning util-linux prints (`unrecognized ut_type`);
//! * local time comes from [`TimeZone`] (`TZ`, TZif files, POSIX rules,
//!   through jiff), not the C library; leap-second zones are read without
//!   their corrections.
//!
//! ```no_run
//! # fn main() -> utmp::Result<()> {
//! use utmp::environment::LiveSystem;
//! use utmp::layouts::last::LastFormat;
//! use utmp::sessions::{ReverseReader, Sessions, TimeZone};
//! let mut format = LastFormat::new(TimeZone::from_env());
//! let mut out = Vec::new();
//! for session in Sessions::new(ReverseReader::open(utmp::wtmp_path())?, LiveSystem::new()) {
//!     format.write_session(&session?, &mut out);
//! }
//! print!("{}", String::from_utf8_lossy(&out));
//! # Ok(()) }
//! ```

mod chunk;
mod live;
mod reverse;
mod when;

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use crate::entry::Entry;
use crate::entry_type::EntryType;
use crate::error::Result;
use crate::layout::{self, RecordBytes};

use crate::clock;
pub use crate::clock::TimeZone;
use crate::environment::{Environment, LoginUid};
use crate::line_map::LineMap;
pub use chunk::{ChunkPairing, Paired};
pub use live::{Activity, LiveSessions, ParseActivityError};
pub use reverse::ReverseReader;
pub use when::{parse_time, ParseTimeError};

/// What a [`Session`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionKind {
    /// A user's login (a `USER_PROCESS` record, or any record that util-linux
    /// counts as one).
    User,
    /// The system booted (`reboot` on line `system boot`).
    Boot,
    /// The system was shut down (`shutdown` on line `system down`; `last -x`).
    Shutdown,
    /// The runlevel changed to this level (line `(to lvl 5)`; `last -x`).
    RunLevel(u8),
    /// The clock was set; this is the new time (`new time`; `last -x`).
    NewTime,
    /// The clock was set; this is the old time (`old time`; `last -x`).
    OldTime,
    /// A failed login attempt (a btmp record, `lastb`).
    FailedLogin,
}

impl SessionKind {
    /// A short name: `user`, `boot`, `shutdown`, `runlevel`, `new_time`,
    /// `old_time`, `failed_login`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SessionKind::User => "user",
            SessionKind::Boot => "boot",
            SessionKind::Shutdown => "shutdown",
            SessionKind::RunLevel(_) => "runlevel",
            SessionKind::NewTime => "new_time",
            SessionKind::OldTime => "old_time",
            SessionKind::FailedLogin => "failed_login",
        }
    }

    /// True for the records `last` shows only with `-x`: shutdowns, runlevel
    /// and clock changes.
    pub const fn is_system(self) -> bool {
        matches!(
            self,
            SessionKind::Shutdown
                | SessionKind::RunLevel(_)
                | SessionKind::NewTime
                | SessionKind::OldTime
        )
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SessionKind {
    /// As [`SessionKind::as_str`].
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for End {
    /// As [`End::as_str`].
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for SessionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a session ended (the last columns of `last`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum End {
    /// It ended at this time: the logout (or the next login on the same
    /// line); for a boot, the shutdown; for a shutdown, the next boot; for a
    /// runlevel change, the next change. `last`: `- 12:00  (01:00)`.
    LoggedOut(SystemTime),
    /// The system was shut down at this time with the user still logged in.
    /// `last`: `- down   (03:00)`.
    Down(SystemTime),
    /// The system booted again at this time without a shutdown first.
    /// `last`: `- crash  (03:00)`.
    Crash(SystemTime),
    /// No logout yet and the login process is still there. `last`: `still
    /// logged in`.
    StillLoggedIn,
    /// No logout record, and the login's process is gone (or it predates the
    /// current boot). `last`: `gone - no logout`.
    GoneNoLogout,
    /// The current boot, or the current runlevel. `last`: `still running`.
    StillRunning,
    /// A shutdown with no boot after it in the file. util-linux prints the
    /// epoch as its end time (`- 00:00`);
    /// [`LastFormat`](crate::layouts::last::LastFormat) does the same.
    StillDown,
    /// A clock change: an instant, nothing ends.
    Instant,
    /// A failed login (btmp). `lastb` prints the attempt's own time as its
    /// end (`- 11:00  (00:00)`).
    Failed,
}

impl End {
    /// A short name: `logged_out`, `down`, `crash`, `still_logged_in`,
    /// `gone_no_logout`, `still_running`, `still_down`, `instant`, `failed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            End::LoggedOut(_) => "logged_out",
            End::Down(_) => "down",
            End::Crash(_) => "crash",
            End::StillLoggedIn => "still_logged_in",
            End::GoneNoLogout => "gone_no_logout",
            End::StillRunning => "still_running",
            End::StillDown => "still_down",
            End::Instant => "instant",
            End::Failed => "failed",
        }
    }

    /// The time it ended, when it ended at a known time.
    pub const fn time(self) -> Option<SystemTime> {
        match self {
            End::LoggedOut(t) | End::Down(t) | End::Crash(t) => Some(t),
            _ => None,
        }
    }
}

/// A point in time as records hold it: whole seconds (what `last` compares
/// and prints) and microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
struct Stamp {
    secs: i64,
    usec: u32,
}

impl Stamp {
    fn of<B: Borrow<RecordBytes>>(e: &Entry<B>) -> Stamp {
        Stamp {
            secs: e.seconds(),
            usec: u32::try_from(e.microseconds())
                .ok()
                .filter(|&u| u < 1_000_000)
                .unwrap_or(0),
        }
    }

    fn time(self) -> SystemTime {
        clock::from_unix(self.secs, self.usec)
    }
}

/// One line of `last`: a record, what it is, and how it ended.
///
/// `B` holds the record's bytes: owned (the default, from [`Sessions`] over
/// owned entries) or borrowed (from [`Pairing::push`] or [`Sessions`] over
/// [`entries`](crate::entries), without copying).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Session<B = RecordBytes> {
    entry: Entry<B>,
    kind: SessionKind,
    end: End,
    /// The end time util-linux computes with (and prints), in seconds: also
    /// set when `end` has no time (0 for "no later boot").
    until: i64,
}

impl<B: Borrow<RecordBytes>> fmt::Debug for Session<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("kind", &self.kind)
            .field("end", &self.end)
            .field("entry", &self.entry)
            .finish()
    }
}

impl<B: Borrow<RecordBytes>> Session<B> {
    /// The record this session was made from.
    pub fn entry(&self) -> &Entry<B> {
        &self.entry
    }

    /// The same session owning its record.
    pub fn to_owned_session(&self) -> Session {
        Session {
            entry: self.entry.to_entry(),
            kind: self.kind,
            end: self.end,
            until: self.until,
        }
    }

    /// What the session is about.
    pub fn kind(&self) -> SessionKind {
        self.kind
    }

    /// How it ended.
    pub fn end(&self) -> End {
        self.end
    }

    /// The user name as `last` shows it: as stored (`reboot`, `shutdown`,
    /// `runlevel` for Linux's system records), except that a boot or a
    /// shutdown recorded with no user (FreeBSD, macOS and illumos write them
    /// so) shows what FreeBSD's `last` prints there: `boot time`,
    /// `shutdown time`.
    pub fn user_bytes(&self) -> &[u8] {
        let user = self.entry.user_bytes();
        match (user.is_empty(), self.kind) {
            (true, SessionKind::Boot) => b"boot time",
            (true, SessionKind::Shutdown) => b"shutdown time",
            _ => user,
        }
    }

    /// [`Session::user_bytes`] for display (invalid UTF-8 replaced).
    pub fn user_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.user_bytes())
    }

    /// The line as `last` shows it: the record's terminal, or `system boot`,
    /// `system down`, `(to lvl N)`, `new time`, `old time`.
    pub fn line_bytes(&self) -> Cow<'_, [u8]> {
        match self.kind {
            SessionKind::Boot => Cow::Borrowed(b"system boot"),
            SessionKind::Shutdown => Cow::Borrowed(b"system down"),
            SessionKind::NewTime => Cow::Borrowed(b"new time"),
            SessionKind::OldTime => Cow::Borrowed(b"old time"),
            SessionKind::RunLevel(0) => Cow::Borrowed(b"(to lvl "),
            SessionKind::RunLevel(level) => {
                let mut v = b"(to lvl ".to_vec();
                v.push(level);
                v.push(b')');
                Cow::Owned(v)
            }
            SessionKind::User | SessionKind::FailedLogin => Cow::Borrowed(self.entry.line_bytes()),
        }
    }

    /// The line for display (invalid UTF-8 replaced).
    pub fn line_lossy(&self) -> String {
        String::from_utf8_lossy(&self.line_bytes()).into_owned()
    }

    /// The remote host as stored.
    pub fn host_bytes(&self) -> &[u8] {
        self.entry.host_bytes()
    }

    /// The remote host for display (invalid UTF-8 replaced).
    pub fn host_lossy(&self) -> Cow<'_, str> {
        self.entry.host_lossy()
    }

    /// The remote address, when recorded.
    pub fn address(&self) -> Option<IpAddr> {
        self.entry.address()
    }

    /// The login process id.
    pub fn pid(&self) -> i32 {
        self.entry.pid()
    }

    /// When it started: the record's time (its microseconds kept when valid).
    pub fn login(&self) -> SystemTime {
        Stamp::of(&self.entry).time()
    }

    /// How long it lasted, when it ended at a known time (`None` also when
    /// the end is before the start).
    pub fn duration(&self) -> Option<Duration> {
        self.end.time()?.duration_since(self.login()).ok()
    }

    /// The end time `last` computes the length column from, in seconds since
    /// the epoch.
    pub(crate) fn until_seconds(&self) -> i64 {
        self.until
    }

    /// The line `last` matches a tty argument against: the shown line, with
    /// `ftpNNN` and `uucpNNN` cut to `ftp` and `uucp`.
    pub(crate) fn match_line(&self) -> Cow<'_, [u8]> {
        let line = self.line_bytes();
        let cut = |prefix: &[u8]| {
            line.strip_prefix(prefix)
                .and_then(|rest| rest.first())
                .is_some_and(u8::is_ascii_digit)
        };
        if cut(b"ftp") {
            Cow::Borrowed(b"ftp")
        } else if cut(b"uucp") {
            Cow::Borrowed(b"uucp")
        } else {
            line
        }
    }
}

impl<B: Borrow<RecordBytes>> Session<B> {
    /// Appends [`match_line`](Self::match_line) (the record's own line
    /// copied a block at a time).
    #[inline]
    pub(crate) fn push_match_line(&self, out: &mut Vec<u8>) {
        match self.kind {
            SessionKind::User | SessionKind::FailedLogin => {
                let rec = self.entry.as_bytes();
                let line = layout::c_str(rec, layout::UT_LINE);
                let cut = |prefix: &[u8]| {
                    line.strip_prefix(prefix)
                        .and_then(|rest| rest.first())
                        .is_some_and(u8::is_ascii_digit)
                };
                if cut(b"ftp") {
                    out.extend_from_slice(b"ftp");
                } else if cut(b"uucp") {
                    out.extend_from_slice(b"uucp");
                } else {
                    layout::push_field_prefix(out, layout::bytes(rec, layout::UT_LINE), line.len());
                }
            }
            _ => out.extend_from_slice(&self.match_line()),
        }
    }
}

#[cfg(feature = "serde")]
impl<B: Borrow<RecordBytes>> serde::Serialize for Session<B> {
    /// A flat object: `kind`, `user`, `line` (as shown), `host`, `address`
    /// (text or null), `pid`, `login` (RFC 3339 in UTC with microseconds, as
    /// in the entries' JSON), `end` ([`End::as_str`]), `logout` (RFC 3339 or
    /// null) and
    /// `duration` (whole seconds or null). Text fields are UTF-8 with invalid
    /// bytes replaced.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Session", 10)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("user", &self.user_lossy())?;
        st.serialize_field("line", &self.line_lossy())?;
        st.serialize_field("host", &self.host_lossy())?;
        st.serialize_field("address", &self.address().map(|a| a.to_string()))?;
        st.serialize_field("pid", &self.pid())?;
        st.serialize_field("login", &rfc3339(self.login()))?;
        st.serialize_field("end", &self.end)?;
        st.serialize_field("logout", &self.end.time().and_then(rfc3339))?;
        st.serialize_field("duration", &self.duration().map(|d| d.as_secs()))?;
        st.end()
    }
}

/// RFC 3339 in UTC with microseconds, as the entries' JSON has it
/// (`2013-08-28T11:00:00.000000Z`); `None` outside years 0000-9999.
#[cfg(feature = "serde")]
fn rfc3339(t: SystemTime) -> Option<String> {
    let secs = clock::unix_seconds(t);
    let micros = t
        .duration_since(clock::from_unix_seconds(secs))
        .map(|d| d.subsec_micros())
        .unwrap_or(0);
    crate::time_fmt::rfc3339_utc(secs, micros)
}

/// The record types after util-linux's corrections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Shutdown,
    OldTime,
    NewTime,
    Boot,
    RunLevel,
    User,
    Dead,
    Ignored,
}

impl Kind {
    /// The kind a record's type alone says, before any correction.
    #[inline]
    fn of_type(t: EntryType) -> Kind {
        match t {
            EntryType::RunLevel => Kind::RunLevel,
            EntryType::BootTime => Kind::Boot,
            EntryType::NewTime => Kind::NewTime,
            EntryType::OldTime => Kind::OldTime,
            EntryType::UserProcess => Kind::User,
            EntryType::DeadProcess => Kind::Dead,
            _ => Kind::Ignored,
        }
    }
}

#[inline]
fn classify(t: EntryType, user: &[u8], line: &[u8]) -> Kind {
    // FreeBSD, macOS, illumos and NetBSD mark boots and shutdowns by type
    // alone (FreeBSD writes them with no user and no line); the corrections
    // below are util-linux's, for Linux's "reboot"/"shutdown" records on "~".
    if cfg!(not(target_os = "linux")) {
        match t {
            EntryType::BootTime => return Kind::Boot,
            EntryType::ShutdownTime | EntryType::DownTime => return Kind::Shutdown,
            _ => {}
        }
    }
    let mut kind = Kind::of_type(t);
    if line.starts_with(b"~") {
        if user.starts_with(b"shutdown") {
            kind = Kind::Shutdown;
        } else if user.starts_with(b"reboot") {
            kind = Kind::Boot;
        } else if user.starts_with(b"runlevel") {
            kind = Kind::RunLevel;
        }
        return kind;
    }
    // For old programs that do not fill in ut_type.
    if kind != Kind::Dead && !user.is_empty() && !line.is_empty() && !user.starts_with(b"LOGIN") {
        kind = Kind::User;
    }
    // Ghost records: a login with no user.
    if user.is_empty() {
        kind = Kind::Dead;
    }
    if user.starts_with(b"date") {
        match line.first() {
            Some(b'|') => kind = Kind::OldTime,
            Some(b'{') => kind = Kind::NewTime,
            _ => {}
        }
    }
    kind
}

/// Why the system went down, as seen so far (reading backwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WhyDown {
    Crash,
    Down,
}

/// The kind of a record of another system that has a type field: its type
/// says it all (FreeBSD's boot records have no user or line, which
/// [`classify`]'s heuristics for old Linux programs would take for ghosts).
/// `None` for Linux records (of any ABI or byte order), the old BSD files
/// without a type field, and
/// records on line `~` (NetBSD writes reboot and shutdown as INIT_PROCESS
/// there): those go through [`classify`].
#[inline]
fn foreign_kind<B: Borrow<RecordBytes>>(e: &Entry<B>) -> Option<Kind> {
    let f = e.format();
    if f.system() == crate::format::System::Linux
        || !f.has(crate::format::Field::Type)
        || e.line_bytes().starts_with(b"~")
    {
        return None;
    }
    if e.is_shutdown_type() {
        return Some(Kind::Shutdown);
    }
    Some(Kind::of_type(e.entry_type()))
}

/// The `ut_id` of a record as a key, `None` when it has none (all zero).
fn id_key<B: Borrow<RecordBytes>>(e: &Entry<B>) -> Option<[u8; 8]> {
    let id = e.id_raw();
    if id.iter().all(|&b| b == 0) {
        return None;
    }
    let mut key = [0u8; 8];
    let n = id.len().min(8);
    if let (Some(d), Some(s)) = (key.get_mut(..n), id.get(..n)) {
        d.copy_from_slice(s);
    }
    Some(key)
}

/// util-linux `last`'s pairing, one record at a time, newest first: the
/// state machine under [`Sessions`], for callers that read records
/// themselves (for instance borrowed from [`ReverseReader::next_ref`]).
#[derive(Debug)]
pub struct Pairing<S> {
    state: S,
    btmp: bool,
    since: Option<i64>,
    until: Option<i64>,
    now: Stamp,
    boot_time: Option<i64>,
    /// The most recent (in reading order) record of each line.
    lines: LineMap<Stamp>,
    last_boot: Stamp,
    last_down: Stamp,
    last_runlevel: Stamp,
    why_down: WhyDown,
    /// Logouts that name no line, only `ut_id` and `ut_pid` (FreeBSD's
    /// DEAD_PROCESS records), newest first; cleared at each boot or shutdown.
    dead_ids: Vec<([u8; 8], i32, Stamp)>,
    /// What the last records did, for [`ChunkPairing`] (which clears
    /// them): the system went down (a boot, a crash or a shutdown), it was
    /// shut down, a login's line had no record before it.
    went: Went,
}

/// See [`Pairing::went`].
#[derive(Debug, Clone, Copy, Default)]
struct Went {
    down: bool,
    shut_down: bool,
    line_missed: bool,
}

/// Sessions from records read newest first; see the [module docs](self).
///
/// `I` yields the records, newest first; `S` answers the questions about the
/// live system (the current time, the boot time, whether a login's process is
/// still there).
#[derive(Debug)]
pub struct Sessions<I, S> {
    entries: I,
    pairing: Pairing<S>,
}

impl<I, S: Environment> Sessions<I, S> {
    /// Sessions from `entries` (newest first), asking `state` about the system.
    pub fn new<B>(entries: I, state: S) -> Self
    where
        I: Iterator<Item = Result<Entry<B>>>,
        B: Borrow<RecordBytes>,
    {
        Sessions {
            entries,
            pairing: Pairing::new(state),
        }
    }

    /// btmp mode (`lastb`): no pairing, every record is a failed login.
    #[must_use]
    pub fn btmp(mut self, yes: bool) -> Self {
        self.pairing = self.pairing.btmp(yes);
        self
    }

    /// Skips records before this time, as if they were not in the file
    /// (`last --since`; util-linux's semantics: pairing sees only the rest).
    #[must_use]
    pub fn since(mut self, t: SystemTime) -> Self {
        self.pairing = self.pairing.since(t);
        self
    }

    /// Skips records after this time, as if they were not in the file
    /// (`last --until`).
    #[must_use]
    pub fn until(mut self, t: SystemTime) -> Self {
        self.pairing = self.pairing.until(t);
        self
    }
}

impl<S: Environment> Pairing<S> {
    /// A pairing that asks `state` about the system (its clock is read now).
    pub fn new(state: S) -> Self {
        let now = Stamp {
            secs: clock::unix_seconds(state.now()),
            usec: 0,
        };
        Pairing {
            state,
            btmp: false,
            since: None,
            until: None,
            now,
            boot_time: None,
            lines: LineMap::default(),
            last_boot: Stamp::default(),
            last_down: now,
            last_runlevel: now,
            why_down: WhyDown::Crash,
            dead_ids: Vec::new(),
            went: Went::default(),
        }
    }

    /// btmp mode (`lastb`): no pairing, every record is a failed login.
    #[must_use]
    pub fn btmp(mut self, yes: bool) -> Self {
        self.btmp = yes;
        self
    }

    /// Skips records before this time (see [`Sessions::since`]).
    #[must_use]
    pub fn since(mut self, t: SystemTime) -> Self {
        self.since = Some(clock::unix_seconds(t));
        self
    }

    /// Skips records after this time (see [`Sessions::until`]).
    #[must_use]
    pub fn until(mut self, t: SystemTime) -> Self {
        self.until = Some(clock::unix_seconds(t));
        self
    }

    fn end_at(&self, t: Stamp) -> (End, i64) {
        if t.secs == self.now.secs {
            (End::StillRunning, t.secs)
        } else {
            (End::LoggedOut(t.time()), t.secs)
        }
    }

    /// The newest logout that names no line but this login's id and pid.
    fn take_dead_id<B: Borrow<RecordBytes>>(&mut self, e: &Entry<B>) -> Option<Stamp> {
        if self.dead_ids.is_empty() {
            return None;
        }
        let key = id_key(e)?;
        let pid = e.pid();
        let i = self
            .dead_ids
            .iter()
            .rposition(|(k, p, _)| *k == key && *p == pid)?;
        Some(self.dead_ids.remove(i).2)
    }

    /// util-linux's test for a login without logout whose process is gone.
    fn is_phantom<B: Borrow<RecordBytes>>(&mut self, e: &Entry<B>) -> bool {
        let boot = match self.boot_time {
            Some(b) => b,
            None => {
                let b = self.state.boot_time().map_or(0, clock::unix_seconds);
                self.boot_time = Some(b);
                b
            }
        };
        if e.seconds() < boot {
            return true;
        }
        let Some(uid) = self.state.user_uid(e.user_bytes()) else {
            return true;
        };
        match self.state.loginuid(e.pid()) {
            LoginUid::Uid(login) => login != u32::MAX && login != uid,
            LoginUid::Unreadable => true,
            LoginUid::NoProcess => {
                let line = e.line_bytes();
                if line.first() == Some(&b':') {
                    return false;
                }
                self.state
                    .terminal(&crate::environment::device(line))
                    .map(|t| t.owner)
                    != Some(uid)
            }
        }
    }

    /// How a login ends: at its line's logout, at a dead process of its
    /// id, still logged in, or at the next boot or crash. `line` is the
    /// record's (read once by [`Pairing::push`]).
    fn user_end<B: Borrow<RecordBytes>>(
        &mut self,
        e: &Entry<B>,
        line: &[u8],
        at: Stamp,
    ) -> (End, i64) {
        // One probe: the line's last record (the logout), replaced by
        // this login (which closes any earlier login on the line).
        let logout = if line.is_empty() {
            None
        } else {
            self.lines.insert(e.as_bytes(), line.len(), at)
        };
        self.went.line_missed = logout.is_none();
        let logout = logout.or_else(|| self.take_dead_id(e));
        if let Some(logout) = logout {
            self.end_at(logout)
        } else if self.last_boot.secs == 0 {
            if self.is_phantom(e) {
                (End::GoneNoLogout, 0)
            } else {
                (End::StillLoggedIn, 0)
            }
        } else {
            let t = self.last_boot.time();
            match self.why_down {
                WhyDown::Down => (End::Down(t), self.last_boot.secs),
                WhyDown::Crash => (End::Crash(t), self.last_boot.secs),
            }
        }
    }

    /// A dead process: the logout of its `line` (or, without a line, of its
    /// id) for the logins before it.
    fn dead<B: Borrow<RecordBytes>>(&mut self, e: &Entry<B>, line: &[u8], at: Stamp) {
        if !line.is_empty() {
            self.lines.insert(e.as_bytes(), line.len(), at);
        } else if let Some(key) = id_key(e) {
            self.dead_ids.push((key, e.pid(), at));
        }
    }

    /// The system went down at `at` (a shutdown, else a crash): the logins
    /// before it ended there.
    fn went_down(&mut self, at: Stamp, shutdown: bool) {
        self.last_boot = at;
        self.why_down = if shutdown {
            WhyDown::Down
        } else {
            WhyDown::Crash
        };
        self.lines.clear();
        self.dead_ids.clear();
        self.went.down = true;
        self.went.shut_down |= shutdown;
    }

    /// One record, newest first: the session it makes, if any.
    #[inline]
    pub fn push<B: Borrow<RecordBytes>>(&mut self, e: Entry<B>) -> Option<Session<B>> {
        let at = Stamp::of(&e);
        if self.since.is_some_and(|s| at.secs < s) || self.until.is_some_and(|u| u < at.secs) {
            return None;
        }
        if self.btmp {
            return Some(Session {
                entry: e,
                kind: SessionKind::FailedLogin,
                end: End::Failed,
                until: at.secs,
            });
        }
        let user = e.user_bytes();
        let line = e.line_bytes();
        let mut kind = match foreign_kind(&e) {
            Some(k) => k,
            None => classify(e.entry_type(), user, line),
        };
        let mut down = false;
        let mut out = None;
        match kind {
            Kind::Shutdown => {
                let end = if self.last_boot.secs == 0 {
                    (End::StillDown, 0)
                } else {
                    self.end_at(self.last_boot)
                };
                out = Some((SessionKind::Shutdown, end));
                self.last_down = at;
                self.last_runlevel = at;
                down = true;
            }
            Kind::OldTime | Kind::NewTime => {
                let k = if kind == Kind::NewTime {
                    SessionKind::NewTime
                } else {
                    SessionKind::OldTime
                };
                out = Some((k, (End::Instant, self.last_down.secs)));
            }
            Kind::Boot => {
                let end = if self.last_down.secs > self.last_boot.secs
                    && self.last_down.secs != self.now.secs
                {
                    (End::Crash(self.last_boot.time()), self.last_boot.secs)
                } else {
                    self.end_at(self.last_down)
                };
                out = Some((SessionKind::Boot, end));
                self.last_boot = at;
                down = true;
            }
            Kind::RunLevel => {
                let level = e.pid().to_le_bytes().first().copied().unwrap_or(0);
                out = Some((
                    SessionKind::RunLevel(level),
                    self.end_at(self.last_runlevel),
                ));
                if level == b'0' || level == b'6' {
                    self.last_down = at;
                    down = true;
                    kind = Kind::Shutdown;
                }
                self.last_runlevel = at;
            }
            Kind::User => out = Some((SessionKind::User, self.user_end(&e, line, at))),
            Kind::Dead => self.dead(&e, line, at),
            Kind::Ignored => {}
        }
        if down {
            self.went_down(at, kind == Kind::Shutdown);
        }
        out.map(|(kind, (end, until))| Session {
            entry: e,
            kind,
            end,
            until,
        })
    }
}

impl<I, B, S> Iterator for Sessions<I, S>
where
    I: Iterator<Item = Result<Entry<B>>>,
    B: Borrow<RecordBytes>,
    S: Environment,
{
    type Item = Result<Session<B>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.entries.next()? {
                Ok(e) => {
                    if let Some(s) = self.pairing.push(e) {
                        return Some(Ok(s));
                    }
                }
                Err(err) => return Some(Err(err)),
            }
        }
    }
}

/// Which sessions to show: `last`'s user/tty arguments and `--present`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionFilter {
    names: Vec<Vec<u8>>,
    present: Option<i64>,
}

impl SessionFilter {
    /// Shows everything.
    pub fn new() -> Self {
        SessionFilter::default()
    }

    /// Also matches sessions of this user or on this line (`pts/0`, or `1` for
    /// `tty1`). As in util-linux, a `/dev/` prefix is not removed.
    #[must_use]
    pub fn name(mut self, name: impl Into<Vec<u8>>) -> Self {
        self.names.push(name.into());
        self
    }

    /// Only sessions that were on at this time (`last --present`).
    #[must_use]
    pub fn present(mut self, t: SystemTime) -> Self {
        self.present = Some(clock::unix_seconds(t));
        self
    }

    /// Whether `last` would show this session.
    pub fn matches<B: Borrow<RecordBytes>>(&self, s: &Session<B>) -> bool {
        if !self.names.is_empty() {
            let user = s.user_bytes();
            let line = s.match_line();
            let hit = self.names.iter().any(|n| {
                let n = n.as_slice();
                let n_user = n.get(..layout::UT_USER.len).unwrap_or(n);
                user == n_user
                    || *line == *n
                    || line.strip_prefix(b"tty").is_some_and(|rest| rest == n)
            });
            if !hit {
                return false;
            }
        }
        if let Some(present) = self.present {
            if present < s.entry.seconds() {
                return false;
            }
            if 0 < s.until && s.until < present {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests;
