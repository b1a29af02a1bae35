//! What the pairing asks about the running system, behind a trait so that
//! tests (and readers of another machine's files) can answer instead.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

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

/// The questions [`Sessions`](super::Sessions) asks about the system.
///
/// [`LiveSystem`] answers from this machine; [`FixedSystem`] from fixed
/// values (tests, files copied from another machine).
pub trait SystemState {
    /// The current time (a boot whose end would be "now" is `still running`).
    fn now(&self) -> SystemTime;
    /// When the system booted; logins before it without a logout are gone.
    fn boot_time(&self) -> Option<SystemTime>;
    /// The uid of a user name (`getpwnam`), `None` when there is no such user.
    fn user_uid(&self, user: &[u8]) -> Option<u32>;
    /// The login uid of a process.
    fn loginuid(&self, pid: i32) -> LoginUid;
    /// The owner of the terminal `/dev/LINE`, `None` when it cannot be stat'ed.
    fn tty_owner(&self, line: &[u8]) -> Option<u32>;
}

/// This machine: the clock, `/proc/uptime`, `/etc/passwd`,
/// `/proc/PID/loginuid` and `/dev`.
///
/// User names are looked up in `/etc/passwd` only (not NSS: LDAP or
/// systemd-homed users count as unknown, so their open logins show as
/// `gone - no logout`).
#[derive(Debug, Clone, Copy, Default)]
pub struct LiveSystem;

impl SystemState for LiveSystem {
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
        let passwd = std::fs::read("/etc/passwd").ok()?;
        passwd_uid(&passwd, user)
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

    fn tty_owner(&self, line: &[u8]) -> Option<u32> {
        use std::os::unix::ffi::OsStrExt;
        let mut path = b"/dev/".to_vec();
        path.extend_from_slice(line);
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(&path));
        std::fs::metadata(path).ok().map(|m| m.uid())
    }
}

/// `scanf("%u")`: leading blanks, digits.
fn parse_uid(s: &str) -> Option<u32> {
    let s = s.trim_start();
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    s.get(..n)?.parse().ok()
}

/// The uid of `user` in passwd(5) text.
fn passwd_uid(passwd: &[u8], user: &[u8]) -> Option<u32> {
    passwd.split(|&c| c == b'\n').find_map(|line| {
        let mut fields = line.split(|&c| c == b':');
        if fields.next()? != user {
            return None;
        }
        let uid = fields.nth(1)?;
        std::str::from_utf8(uid).ok()?.parse().ok()
    })
}

/// Fixed answers: a clock, a boot time, and no users or processes unless
/// given, so every open login without logout is `gone - no logout`.
#[derive(Debug, Clone)]
pub struct FixedSystem {
    now: SystemTime,
    boot: Option<SystemTime>,
    users: Vec<(Vec<u8>, u32)>,
    logins: Vec<(i32, u32)>,
    ttys: Vec<(Vec<u8>, u32)>,
}

impl FixedSystem {
    /// A system whose clock says `now`, booted at `boot`.
    pub fn new(now: SystemTime, boot: Option<SystemTime>) -> Self {
        FixedSystem {
            now,
            boot,
            users: Vec::new(),
            logins: Vec::new(),
            ttys: Vec::new(),
        }
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

    /// Adds a terminal `/dev/LINE` owned by `uid`.
    #[must_use]
    pub fn tty(mut self, line: impl Into<Vec<u8>>, uid: u32) -> Self {
        self.ttys.push((line.into(), uid));
        self
    }
}

impl SystemState for FixedSystem {
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

    fn loginuid(&self, pid: i32) -> LoginUid {
        self.logins
            .iter()
            .find(|&&(p, _)| p == pid)
            .map_or(LoginUid::NoProcess, |&(_, u)| LoginUid::Uid(u))
    }

    fn tty_owner(&self, line: &[u8]) -> Option<u32> {
        self.ttys
            .iter()
            .find(|(l, _)| l.as_slice() == line)
            .map(|&(_, u)| u)
    }
}

impl<T: SystemState + ?Sized> SystemState for &T {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
    fn boot_time(&self) -> Option<SystemTime> {
        (**self).boot_time()
    }
    fn user_uid(&self, user: &[u8]) -> Option<u32> {
        (**self).user_uid(user)
    }
    fn loginuid(&self, pid: i32) -> LoginUid {
        (**self).loginuid(pid)
    }
    fn tty_owner(&self, line: &[u8]) -> Option<u32> {
        (**self).tty_owner(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_and_loginuid_parsing() {
        let passwd = b"root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n";
        assert_eq!(passwd_uid(passwd, b"alice"), Some(1000));
        assert_eq!(passwd_uid(passwd, b"root"), Some(0));
        assert_eq!(passwd_uid(passwd, b"bob"), None);
        assert_eq!(passwd_uid(passwd, b"ali"), None);
        assert_eq!(parse_uid("1000\n"), Some(1000));
        assert_eq!(parse_uid("4294967295"), Some(u32::MAX));
        assert_eq!(parse_uid("x"), None);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls the C library")]
    fn live_system_answers_for_this_process() {
        let live = LiveSystem;
        assert!(
            live.boot_time().is_some_and(|b| b <= live.now())
                || !std::path::Path::new("/proc/uptime").exists()
        );
        assert_eq!(live.loginuid(-1), LoginUid::NoProcess);
        assert_eq!(live.tty_owner(b"no-such-tty-here"), None);
    }
}
