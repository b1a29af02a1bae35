//! Compile-time proof that this build's `struct utmpx` is the one of the
//! `libc` crate for the target: the same size and alignment, and every field
//! at the same offset with the same width (its type's size), nested fields
//! included.
//!
//! The checked-in bindings of FreeBSD, macOS, illumos and NetBSD are written
//! from headers that are not on the machine that checks them; the libc crate's
//! definitions are tested by its project on real machines of each system. Two
//! independent readings of the header that agree on every byte are what is
//! checked here, on every build (with bindgen's output on the real system too).
//! A field that differs stops the build with the field's name, for example:
//!
//! ```text
//! error[E0080]: evaluation panicked: utmp-sys: utmpx::ut_pid: offset differs from libc::utmpx
//! ```
//!
//! Where libc and the header disagree, or libc keeps a field private:
//!
//! * macOS: libc's `ut_pad` is private; it is checked as the bytes from the
//!   end of `ut_host` to the end of the struct.
//! * illumos/Solaris: the header's `pad[5]` (with `__EXTENSIONS__`) is
//!   `ut_pad` in libc's illumos module, and the members of libc's
//!   `exit_status` are private: `ut_exit` is checked as a whole, `pad` as the
//!   bytes between `ut_session` and `ut_syslen`.
//! * NetBSD: libc's `ut_pad` is `[u8; 36]` as in utmpx.h 1.18 (older headers
//!   say `uint32_t ut_pad[10]`: the same 40 bytes less the 4 that 64-bit
//!   `time_t` took); it is private, and checked like macOS's. libc types the
//!   entry-type constants `u16`; the header's are plain `int` macros (this
//!   crate types them as `ut_type`'s C type would be read, `c_short`).
//!   `ut_ss` is compared as a whole and by `ss_len`/`ss_family` (libc's
//!   `sockaddr_storage` padding is private).
//! * FreeBSD: no difference.
//!
//! The entry-type constants (and FreeBSD's `UTXDB_*`) are compared with
//! libc's too, by value (libc types NetBSD's as `u16`, the others as `c_short`
//! or `c_int` like the bindings).
//! * OpenBSD has no `struct utmpx` (libc has its `struct utmp`); nothing to
//!   compare.

use crate::utmpx;
use core::mem::{align_of, offset_of, size_of};

/// The width of a field, found through a projection so that it is the size
/// of the field's own type.
const fn width<S, F>(_field: fn(&S) -> &F) -> usize {
    size_of::<F>()
}

/// Asserts that `utmpx.$ours` and `libc::utmpx.$theirs` have the same offset
/// and width.
macro_rules! same {
    ($($ours:ident).+ = $($theirs:ident).+) => {
        assert!(
            offset_of!(utmpx, $($ours).+) == offset_of!(libc::utmpx, $($theirs).+),
            concat!("utmp-sys: utmpx::", stringify!($($ours).+), ": offset differs from libc::utmpx")
        );
        assert!(
            width(|u: &utmpx| &u.$($ours).+) == width(|u: &libc::utmpx| &u.$($theirs).+),
            concat!("utmp-sys: utmpx::", stringify!($($ours).+), ": width differs from libc::utmpx")
        );
    };
    ($($field:ident).+) => {
        same!($($field).+ = $($field).+)
    };
}

/// Asserts that the private bytes of libc's struct from the end of `$before`
/// up to `$end` (a field's offset, or the struct's size) are our `$ours`.
#[allow(unused_macros)] // FreeBSD: every field of libc's struct is public
macro_rules! same_gap {
    ($ours:ident, after $before:ident, until $end:expr) => {
        assert!(
            offset_of!(utmpx, $ours)
                == offset_of!(libc::utmpx, $before) + width(|u: &libc::utmpx| &u.$before),
            concat!(
                "utmp-sys: utmpx::",
                stringify!($ours),
                ": offset differs from libc::utmpx"
            )
        );
        assert!(
            offset_of!(utmpx, $ours) + width(|u: &utmpx| &u.$ours) == $end,
            concat!(
                "utmp-sys: utmpx::",
                stringify!($ours),
                ": width differs from libc::utmpx"
            )
        );
    };
}

const _: () = {
    assert!(
        size_of::<utmpx>() == size_of::<libc::utmpx>(),
        "utmp-sys: size_of::<utmpx>() differs from libc::utmpx"
    );
    assert!(
        align_of::<utmpx>() == align_of::<libc::utmpx>(),
        "utmp-sys: align_of::<utmpx>() differs from libc::utmpx"
    );
    same!(ut_type);
    same!(ut_pid);
    same!(ut_line);
    same!(ut_id);
    same!(ut_host);
    same!(ut_tv);
    same!(ut_tv.tv_sec);
    same!(ut_tv.tv_usec);
};

#[cfg(any(
    target_os = "freebsd",
    target_os = "macos",
    target_os = "illumos",
    target_os = "solaris"
))]
const _: () = {
    same!(ut_user);
};

#[cfg(target_os = "freebsd")]
const _: () = {
    same!(__ut_spare);
};

#[cfg(target_os = "macos")]
const _: () = {
    same_gap!(ut_pad, after ut_host, until size_of::<libc::utmpx>());
};

#[cfg(any(target_os = "illumos", target_os = "solaris"))]
const _: () = {
    same!(ut_exit);
    same!(ut_session);
    same!(ut_syslen);
    same_gap!(pad, after ut_session, until offset_of!(libc::utmpx, ut_syslen));
};

#[cfg(target_os = "netbsd")]
const _: () = {
    // The header's name is ut_name; `ut_user` is a #define to it.
    same!(ut_name);
    same!(ut_session);
    same!(ut_exit);
    same!(ut_exit.e_termination);
    same!(ut_exit.e_exit);
    same!(ut_ss);
    same!(ut_ss.ss_len);
    same!(ut_ss.ss_family);
    // The struct ends in 4 bytes of tail padding after ut_pad (520 = 516
    // rounded up to the 8-byte alignment): libc's _UTX_PADSIZE gives its end.
    same_gap!(ut_pad, after ut_tv, until offset_of!(libc::utmpx, ut_tv) + size_of::<libc::timeval>() + libc::_UTX_PADSIZE);
};

/// Asserts that each named constant of the bindings has libc's value.
macro_rules! same_values {
    ($($name:ident),+ $(,)?) => {
        $(
            assert!(
                crate::$name as i64 == libc::$name as i64,
                concat!("utmp-sys: ", stringify!($name), " differs from libc's")
            );
        )+
    };
}

const _: () = {
    same_values!(
        EMPTY,
        BOOT_TIME,
        OLD_TIME,
        NEW_TIME,
        INIT_PROCESS,
        LOGIN_PROCESS,
        USER_PROCESS,
        DEAD_PROCESS,
    );
};

#[cfg(not(target_os = "freebsd"))]
const _: () = {
    same_values!(RUN_LVL, ACCOUNTING);
};

#[cfg(target_os = "freebsd")]
const _: () = {
    same_values!(SHUTDOWN_TIME, UTXDB_ACTIVE, UTXDB_LASTLOGIN, UTXDB_LOG);
};

#[cfg(target_os = "macos")]
const _: () = {
    same_values!(SIGNATURE, SHUTDOWN_TIME);
};

#[cfg(any(target_os = "illumos", target_os = "solaris"))]
const _: () = {
    same_values!(DOWN_TIME);
};

#[cfg(target_os = "netbsd")]
const _: () = {
    same_values!(SIGNATURE, DOWN_TIME);
};
