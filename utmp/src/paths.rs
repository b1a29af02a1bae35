//! The default locations of the login databases.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fn from_c(path: &'static [u8]) -> &'static Path {
    let path = path.strip_suffix(b"\0").unwrap_or(path);
    Path::new(OsStr::from_bytes(path))
}

/// Who is logged in now: the header's `_PATH_UTMP` (`/var/run/utmp` on glibc).
pub fn utmp_path() -> &'static Path {
    from_c(utmp_sys::_PATH_UTMP)
}

/// The login history: the header's `_PATH_WTMP` (`/var/log/wtmp` on glibc).
pub fn wtmp_path() -> &'static Path {
    from_c(utmp_sys::_PATH_WTMP)
}

/// Failed logins: `/var/log/btmp`. No C header names it; this is util-linux's
/// `_PATH_BTMP`, which `lastb` and login(1) use.
pub fn btmp_path() -> &'static Path {
    Path::new("/var/log/btmp")
}
