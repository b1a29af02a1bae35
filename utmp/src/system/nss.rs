//! User and group names through the C library (`getpwnam_r`, `getgrnam_r`):
//! every source NSS is configured with (`/etc/passwd`, LDAP, SSSD,
//! systemd-homed, ...), not only the files.

use std::ffi::CString;
use std::io;
use std::mem::MaybeUninit;

/// The first buffer for the strings of one entry; doubled on `ERANGE`.
const FIRST_BUFFER: usize = 1024;

/// No entry needs more than this (a group with thousands of members may
/// need a megabyte or two); beyond it the lookup fails with `ERANGE`.
const BUFFER_AT_MOST: usize = 64 << 20;
const _: () = assert!(FIRST_BUFFER > 0 && BUFFER_AT_MOST <= usize::MAX / 2);

/// The uid of the user `name`: `Ok(None)` when there is no such user (or the
/// name holds a NUL byte, which no user name can).
///
/// # Errors
///
/// What the C library reports other than "not found" (an NSS source that
/// cannot be reached: `EIO`, `EAGAIN`...; `ERANGE` past [`BUFFER_AT_MOST`]).
pub(crate) fn user_uid(name: &[u8]) -> io::Result<Option<u32>> {
    let Ok(name) = CString::new(name) else {
        return Ok(None);
    };
    let mut pwd = MaybeUninit::<libc::passwd>::uninit();
    with_growing_buffer(|buf, found| {
        // SAFETY: `name` is a NUL-terminated string; `pwd` points to space
        // for one `struct passwd`, `buf` to `buf.len()` writable bytes, and
        // `found` to one pointer, all alive for the call. The C library
        // writes the entry's strings into `buf` only, and sets `*found` to
        // `pwd` or to null.
        unsafe {
            libc::getpwnam_r(
                name.as_ptr(),
                pwd.as_mut_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                found.cast(),
            )
        }
    })
    // SAFETY: non-null `found` means the call filled in `pwd` (and its
    // strings in the buffer, which are not read here: `pw_uid` is a number).
    .map(|found| found.then(|| unsafe { pwd.assume_init_ref() }.pw_uid))
}

/// The gid of the group `name`: `Ok(None)` when there is no such group.
///
/// # Errors
///
/// As [`user_uid`].
pub(crate) fn group_gid(name: &[u8]) -> io::Result<Option<u32>> {
    let Ok(name) = CString::new(name) else {
        return Ok(None);
    };
    let mut grp = MaybeUninit::<libc::group>::uninit();
    with_growing_buffer(|buf, found| {
        // SAFETY: as in `user_uid`, with one `struct group`.
        unsafe {
            libc::getgrnam_r(
                name.as_ptr(),
                grp.as_mut_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                found.cast(),
            )
        }
    })
    // SAFETY: non-null `found` means the call filled in `grp`.
    .map(|found| found.then(|| unsafe { grp.assume_init_ref() }.gr_gid))
}

/// Calls `lookup(buffer, &mut result)` (a `get*nam_r` call returning an
/// errno value) with a buffer that doubles while the answer is `ERANGE`;
/// `Ok(true)` when an entry was found (`result` not null).
fn with_growing_buffer(
    mut lookup: impl FnMut(&mut [u8], *mut *mut libc::c_void) -> libc::c_int,
) -> io::Result<bool> {
    let mut len = FIRST_BUFFER;
    loop {
        let mut buf = vec![0u8; len];
        let mut found: *mut libc::c_void = std::ptr::null_mut();
        match lookup(&mut buf, &mut found) {
            0 => return Ok(!found.is_null()),
            libc::ERANGE if len < BUFFER_AT_MOST => {
                // len < BUFFER_AT_MOST <= usize::MAX / 2 (asserted at
                // compile time below): doubling cannot overflow.
                #[allow(clippy::arithmetic_side_effects)]
                let doubled = len * 2;
                len = doubled;
            }
            // glibc answers "not found" with 0 and a null result; other C
            // libraries (and some NSS modules) with one of these.
            libc::ENOENT | libc::ESRCH | libc::EBADF | libc::EPERM => return Ok(false),
            e => return Err(io::Error::from_raw_os_error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "calls the C library")]
    fn root_and_nobody_exist_a_made_up_name_does_not() {
        assert_eq!(user_uid(b"root").unwrap(), Some(0));
        assert_eq!(group_gid(b"root").unwrap(), Some(0));
        // nobody's uid differs between systems (65534 on Debian); compare
        // with what the C library's non-reentrant call says.
        let nobody = CString::new("nobody").unwrap();
        // SAFETY: a NUL-terminated name; the result is read at once, before
        // any other passwd call of this test (other tests use the _r calls).
        let want = unsafe { libc::getpwnam(nobody.as_ptr()).as_ref() }.map(|p| p.pw_uid);
        assert!(want.is_some(), "no user nobody on this system");
        assert_eq!(user_uid(b"nobody").unwrap(), want);
        assert_eq!(user_uid(b"no-such-user-utmp-rs").unwrap(), None);
        assert_eq!(group_gid(b"no-such-group-utmp-rs").unwrap(), None);
        assert_eq!(user_uid(b"ro\0ot").unwrap(), None);
        assert_eq!(user_uid(b"").unwrap(), None);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls the C library")]
    fn a_buffer_too_small_is_grown() {
        // The first call is given one byte of the buffer, too small for any
        // entry: the C library says ERANGE, and the loop asks again with a
        // buffer twice as large (given whole).
        let root = CString::new("root").unwrap();
        let mut pwd = MaybeUninit::<libc::passwd>::uninit();
        let mut seen = Vec::new();
        let got = with_growing_buffer(|buf, found| {
            let len = if seen.is_empty() { 1 } else { buf.len() };
            seen.push(buf.len());
            // SAFETY: as in `user_uid`, with `len <= buf.len()`.
            unsafe {
                libc::getpwnam_r(
                    root.as_ptr(),
                    pwd.as_mut_ptr(),
                    buf.as_mut_ptr().cast(),
                    len,
                    found.cast(),
                )
            }
        });
        assert!(got.unwrap(), "root not found");
        assert_eq!(seen, [FIRST_BUFFER, 2 * FIRST_BUFFER]);
        // SAFETY: found, so filled in.
        assert_eq!(unsafe { pwd.assume_init_ref() }.pw_uid, 0);
    }
}
