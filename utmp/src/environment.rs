//! What `who` and `last` ask of the running system beyond the records: the
//! clock, the boot time, users, processes, terminals and the local time
//! zone. One trait, [`Environment`]; the live system ([`LiveSystem`]) answers
//! it once for both, and [`FixedEnvironment`] answers it from fixed values
//! (tests, reproducible output, files copied from another machine).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::clock;

/// What a terminal device tells: `who`'s idle time and `mesg` column,
/// `last`'s check that a login's terminal still belongs to its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Terminal {
    /// Last access time, seconds since the epoch (`st_atime`).
    pub accessed: i64,
    /// Writable by the `tty` group (`mesg y`).
    pub writable: bool,
    /// The owner's uid (`st_uid`).
    pub owner: u32,
}

/// What `/proc/PID/loginuid` says about a login's process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LoginUid {
    /// The file cannot be read (no such process, no audit support, no access).
    NoProcess,
    /// The file is there but could not be read or parsed.
    Unreadable,
    /// The login uid (`u32::MAX` means unset).
    Uid(u32),
}

/// The questions [`who`](crate::layouts::who) and [`sessions`](crate::sessions) ask
/// about the system.
///
/// [`LiveSystem`] answers from this machine; [`FixedEnvironment`] from fixed
/// values.
pub trait Environment {
    /// The current time.
    fn now(&self) -> SystemTime;

    /// When the system booted; logins before it without a logout are gone.
    fn boot_time(&self) -> Option<SystemTime>;

    /// The uid of a user name, `None` when there is no such user.
    fn user_uid(&self, user: &[u8]) -> Option<u32>;

    /// Whether a process with this id exists (`who --lookup`'s dead
    /// process check, [`Who::check_pids`](crate::layouts::who::Who::check_pids)).
    fn process_exists(&self, pid: i32) -> bool;

    /// The login uid of a process.
    fn loginuid(&self, pid: i32) -> LoginUid;

    /// The status of a terminal device (`/dev/pts/0`), `None` when it cannot
    /// be examined.
    fn terminal(&self, device: &Path) -> Option<Terminal>;

    /// The local time zone, in which times are shown.
    fn time_zone(&self) -> &clock::TimeZone;
}

/// `/dev/LINE`, the device of a record's `ut_line`.
pub(crate) fn device(line: &[u8]) -> PathBuf {
    let mut p = b"/dev/".to_vec();
    p.extend_from_slice(line);
    PathBuf::from(OsStr::from_bytes(&p))
}

/// This machine: the clock, `/proc/uptime`, users through the C library's
/// NSS (`getpwnam_r`: `/etc/passwd`, LDAP, SSSD, systemd-homed...),
/// `/proc/PID` and its `loginuid`, `stat` of the terminals (with the `tty`
/// group through `getgrnam_r`), and the local time zone from `TZ` or
/// `/etc/localtime`. The `tty` group and the zone are looked up once, when
/// first needed.
#[derive(Debug, Clone, Default)]
pub struct LiveSystem {
    tty_gid: OnceLock<Option<u32>>,
    zone: OnceLock<clock::TimeZone>,
}

impl LiveSystem {
    /// The live system; nothing is looked up yet.
    pub fn new() -> Self {
        LiveSystem::default()
    }
}

impl Environment for LiveSystem {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn boot_time(&self) -> Option<SystemTime> {
        let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
        let secs: f64 = uptime.split_whitespace().next()?.parse().ok()?;
        let up = Duration::try_from_secs_f64(secs).ok()?;
        SystemTime::now().checked_sub(up)
    }

    fn user_uid(&self, user: &[u8]) -> Option<u32> {
        // A lookup that fails (an NSS source out of reach) counts as no such
        // user, as util-linux's getpwnam does.
        crate::system::nss::user_uid(user).ok().flatten()
    }

    fn process_exists(&self, pid: i32) -> bool {
        let proc = Path::new("/proc");
        if !proc.join("self").exists() {
            // No way to tell: keep the entry.
            return true;
        }
        proc.join(pid.to_string()).exists()
    }

    fn loginuid(&self, pid: i32) -> LoginUid {
        // util-linux: a file it cannot read (access(R_OK)) sends it to the tty
        // check; a file it reads but cannot parse makes the login gone.
        let path = PathBuf::from(format!("/proc/{pid}/loginuid"));
        match std::fs::read_to_string(&path) {
            Ok(s) => parse_uid(&s).map_or(LoginUid::Unreadable, LoginUid::Uid),
            Err(_) => LoginUid::NoProcess,
        }
    }

    fn terminal(&self, device: &Path) -> Option<Terminal> {
        let meta = std::fs::metadata(device).ok()?;
        let tty_gid = *self
            .tty_gid
            .get_or_init(|| crate::system::nss::group_gid(b"tty").ok().flatten());
        Some(Terminal {
            accessed: meta.atime(),
            writable: Some(meta.gid()) == tty_gid && meta.mode() & 0o020 != 0,
            owner: meta.uid(),
        })
    }

    fn time_zone(&self) -> &clock::TimeZone {
        self.zone.get_or_init(clock::TimeZone::from_env)
    }
}

/// `scanf("%u")`: leading blanks, digits.
fn parse_uid(s: &str) -> Option<u32> {
    let s = s.trim_start();
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    s.get(..n)?.parse().ok()
}

/// Fixed answers, for tests and reproducible output: a stopped clock, UTC
/// (or a fixed offset), no boot time unless given; no users, and no
/// terminals, unless added; every process alive (for `who`) but none with a
/// login uid (for `last`) unless added, so every open login without logout
/// is `gone - no logout`.
#[derive(Debug, Clone)]
pub struct FixedEnvironment {
    now: SystemTime,
    boot: Option<SystemTime>,
    zone: clock::TimeZone,
    users: Vec<(Vec<u8>, u32)>,
    logins: Vec<(i32, u32)>,
    dead: Vec<i32>,
    terminals: HashMap<PathBuf, Terminal>,
}

impl FixedEnvironment {
    /// The clock stopped at `now`, seconds since the epoch, in UTC (a time
    /// the platform's `SystemTime` cannot hold is the epoch; on Unix it holds
    /// every `i64` second).
    pub fn new(now: i64) -> Self {
        let secs = Duration::from_secs(now.unsigned_abs());
        let now = if now < 0 {
            UNIX_EPOCH.checked_sub(secs)
        } else {
            UNIX_EPOCH.checked_add(secs)
        };
        debug_assert!(now.is_some(), "SystemTime holds every i64 second on Unix");
        FixedEnvironment::at(now.unwrap_or(UNIX_EPOCH))
    }

    /// The clock stopped at `now`, in UTC.
    pub fn at(now: SystemTime) -> Self {
        FixedEnvironment {
            now,
            boot: None,
            zone: clock::TimeZone::utc(),
            users: Vec::new(),
            logins: Vec::new(),
            dead: Vec::new(),
            terminals: HashMap::new(),
        }
    }

    /// Booted at `boot` (`None`: unknown).
    #[must_use]
    pub fn boot(mut self, boot: Option<SystemTime>) -> Self {
        self.boot = boot;
        self
    }

    /// Local time this many seconds east of UTC (at most +-25:59:59: a
    /// larger offset is taken as that limit).
    #[must_use]
    pub fn utc_offset(mut self, seconds: i64) -> Self {
        let seconds =
            i32::try_from(seconds).unwrap_or(if seconds < 0 { i32::MIN } else { i32::MAX });
        self.zone = clock::TimeZone::fixed(seconds);
        self
    }

    /// Local time in this zone.
    #[must_use]
    pub fn time_zone(mut self, zone: clock::TimeZone) -> Self {
        self.zone = zone;
        self
    }

    /// Adds a user.
    #[must_use]
    pub fn user(mut self, name: impl Into<Vec<u8>>, uid: u32) -> Self {
        self.users.push((name.into(), uid));
        self
    }

    /// Adds a running process with this login uid.
    #[must_use]
    pub fn process(mut self, pid: i32, loginuid: u32) -> Self {
        self.logins.push((pid, loginuid));
        self
    }

    /// A process id that does not exist.
    #[must_use]
    pub fn dead_process(mut self, pid: i32) -> Self {
        self.dead.push(pid);
        self
    }

    /// A terminal device and its status.
    #[must_use]
    pub fn terminal(mut self, device: impl Into<PathBuf>, status: Terminal) -> Self {
        self.terminals.insert(device.into(), status);
        self
    }

    /// A terminal `/dev/LINE` owned by `uid` (never accessed, not writable).
    #[must_use]
    pub fn tty(self, line: impl AsRef<[u8]>, uid: u32) -> Self {
        let status = Terminal {
            accessed: 0,
            writable: false,
            owner: uid,
        };
        self.terminal(device(line.as_ref()), status)
    }
}

impl Environment for FixedEnvironment {
    fn now(&self) -> SystemTime {
        self.now
    }

    fn boot_time(&self) -> Option<SystemTime> {
        self.boot
    }

    fn user_uid(&self, user: &[u8]) -> Option<u32> {
        self.users
            .iter()
            .find(|(n, _)| n.as_slice() == user)
            .map(|&(_, u)| u)
    }

    fn process_exists(&self, pid: i32) -> bool {
        !self.dead.contains(&pid)
    }

    fn loginuid(&self, pid: i32) -> LoginUid {
        self.logins
            .iter()
            .find(|&&(p, _)| p == pid)
            .map_or(LoginUid::NoProcess, |&(_, u)| LoginUid::Uid(u))
    }

    fn terminal(&self, device: &Path) -> Option<Terminal> {
        self.terminals.get(device).copied()
    }

    fn time_zone(&self) -> &clock::TimeZone {
        &self.zone
    }
}

impl<T: Environment + ?Sized> Environment for &T {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
    fn boot_time(&self) -> Option<SystemTime> {
        (**self).boot_time()
    }
    fn user_uid(&self, user: &[u8]) -> Option<u32> {
        (**self).user_uid(user)
    }
    fn process_exists(&self, pid: i32) -> bool {
        (**self).process_exists(pid)
    }
    fn loginuid(&self, pid: i32) -> LoginUid {
        (**self).loginuid(pid)
    }
    fn terminal(&self, device: &Path) -> Option<Terminal> {
        (**self).terminal(device)
    }
    fn time_zone(&self) -> &clock::TimeZone {
        (**self).time_zone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loginuid_parsing() {
        assert_eq!(parse_uid("1000\n"), Some(1000));
        assert_eq!(parse_uid("4294967295"), Some(u32::MAX));
        assert_eq!(parse_uid("x"), None);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls the C library")]
    fn live_system_answers_for_this_process() {
        let live = LiveSystem::new();
        assert!(
            live.boot_time().is_some_and(|b| b <= live.now())
                || !Path::new("/proc/uptime").exists()
        );
        assert_eq!(live.loginuid(-1), LoginUid::NoProcess);
        assert_eq!(live.terminal(&device(b"no-such-tty-here")), None);
        // Users through NSS: root always, a made-up name never.
        assert_eq!(live.user_uid(b"root"), Some(0));
        assert_eq!(live.user_uid(b"no-such-user-utmp-rs"), None);
        assert!(live.process_exists(i32::try_from(std::process::id()).unwrap()));
        // /dev/null: owned by root, not a terminal of the tty group.
        let null = live.terminal(Path::new("/dev/null")).unwrap();
        assert_eq!((null.owner, null.writable), (0, false));
    }

    #[test]
    fn fixed_answers_what_it_was_given() {
        let env = FixedEnvironment::new(100)
            .user("alice", 1000)
            .process(7, 1000)
            .dead_process(8)
            .tty("pts/1", 1000)
            .utc_offset(3600);
        assert_eq!(env.now(), UNIX_EPOCH + Duration::from_secs(100));
        assert_eq!(
            FixedEnvironment::new(-5).now(),
            UNIX_EPOCH - Duration::from_secs(5)
        );
        assert_eq!(env.boot_time(), None);
        assert_eq!(env.user_uid(b"alice"), Some(1000));
        assert_eq!(env.user_uid(b"bob"), None);
        assert_eq!(env.loginuid(7), LoginUid::Uid(1000));
        assert_eq!(env.loginuid(9), LoginUid::NoProcess);
        assert!(env.process_exists(7) && !env.process_exists(8));
        // (The builder methods of the same names shadow these two.)
        let owner = Environment::terminal(&env, Path::new("/dev/pts/1")).map(|t| t.owner);
        assert_eq!(owner, Some(1000));
        assert_eq!(Environment::time_zone(&env).offset_at(0), 3600);
    }
}
