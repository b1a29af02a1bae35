//! The default locations of the login databases, per system.
//!
//! | system | [`utmp_path`] | [`wtmp_path`] |
//! |---|---|---|
//! | Linux (glibc) | `/var/run/utmp` (`_PATH_UTMP`) | `/var/log/wtmp` (`_PATH_WTMP`) |
//! | FreeBSD | `/var/run/utx.active` | `/var/log/utx.log` |
//! | macOS | `/var/run/utmpx` (`_PATH_UTMPX`) | `/var/log/wtmp` (`_PATH_WTMP`, not written since 10.5) |
//! | illumos, Solaris | `/var/adm/utmpx` (`UTMPX_FILE`) | `/var/adm/wtmpx` (`WTMPX_FILE`) |
//! | NetBSD | `/var/run/utmpx` (`_PATH_UTMPX`) | `/var/log/wtmpx` (`_PATH_WTMPX`) |
//!
//! Each comes from the system's header through `utmp-sys`, except FreeBSD's,
//! which its public headers do not name (they are in libc's private
//! `utxdb.h`, `_PATH_UTX_ACTIVE` and `_PATH_UTX_LOG`), and are written here.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

#[cfg_attr(target_os = "freebsd", allow(dead_code))]
fn from_c(path: &'static [u8]) -> &'static Path {
    let path = path.strip_suffix(b"\0").unwrap_or(path);
    Path::new(OsStr::from_bytes(path))
}

/// Who is logged in now: the header's `_PATH_UTMP` (`/var/run/utmp` on
/// glibc); see the table in this module for the other systems.
///
/// On FreeBSD, `utx.active` is not an array of `struct utmpx`: it holds
/// FreeBSD's packed, big-endian `struct futx` records. Read it with
/// [`Database`](crate::Database) (the C library converts them), not with the
/// host-struct [`Reader`](crate::Reader).
pub fn utmp_path() -> &'static Path {
    #[cfg(target_os = "linux")]
    let path = from_c(utmp_sys::_PATH_UTMP);
    #[cfg(target_os = "freebsd")]
    let path = Path::new("/var/run/utx.active");
    #[cfg(any(target_os = "macos", target_os = "netbsd"))]
    let path = from_c(utmp_sys::_PATH_UTMPX);
    #[cfg(any(target_os = "illumos", target_os = "solaris"))]
    let path = from_c(utmp_sys::UTMPX_FILE);
    path
}

/// The login history: the header's `_PATH_WTMP` (`/var/log/wtmp` on glibc);
/// see the table in this module for the other systems.
///
/// FreeBSD's `utx.log` holds variable-length `struct futx` records (read it
/// with [`Database`](crate::Database)). macOS has kept no login history file
/// since 10.5 (it goes to the system log, which this crate does not read):
/// this is `<utmp.h>`'s legacy `/var/log/wtmp`, usually absent, so reading it
/// fails with [`Error::NoDatabase`](crate::Error::NoDatabase).
pub fn wtmp_path() -> &'static Path {
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    let path = from_c(utmp_sys::_PATH_WTMP);
    #[cfg(target_os = "freebsd")]
    let path = Path::new("/var/log/utx.log");
    #[cfg(target_os = "netbsd")]
    let path = from_c(utmp_sys::_PATH_WTMPX);
    #[cfg(any(target_os = "illumos", target_os = "solaris"))]
    let path = from_c(utmp_sys::WTMPX_FILE);
    path
}

/// Failed logins: `/var/log/btmp`. No C header names it; this is util-linux's
/// `_PATH_BTMP`, which `lastb` and login(1) use (Linux only: the other
/// systems keep no such file).
pub fn btmp_path() -> &'static Path {
    Path::new("/var/log/btmp")
}

#[cfg(test)]
mod tests {
    // glibc's (musl's header says /dev/null/utmp: it keeps no records).
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn linux_paths_come_from_the_header() {
        assert_eq!(super::utmp_path(), std::path::Path::new("/var/run/utmp"));
        assert_eq!(super::wtmp_path(), std::path::Path::new("/var/log/wtmp"));
    }
}
