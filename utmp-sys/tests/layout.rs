//! The facts of each supported ABI that the safe crate relies on, stated here
//! from the platform documentation (glibc's bits/utmpx.h, musl's utmpx.h) and
//! checked against the bindings that this build actually uses.
//!
//! Linux only: these tests run here. The other systems' structs (FreeBSD,
//! macOS, illumos, NetBSD) are checked at compile time against the `libc`
//! crate's in src/libc_layout.rs, since nothing runs on them here.
#![cfg(target_os = "linux")]

use core::mem::{offset_of, size_of, size_of_val};
use utmp_sys::utmpx;

fn tv_sec_width() -> usize {
    let u = utmpx::default();
    size_of_val(&u.ut_tv.tv_sec)
}

#[test]
fn record_size_matches_the_abi() {
    let expected = match (std::env::consts::ARCH, cfg!(target_env = "musl")) {
        // glibc keeps 32-bit ut_tv/ut_session on 64-bit x86 for i686 compatibility.
        ("x86_64", false) | ("x86", false) => 384,
        // aarch64 and s390x glibc, and musl everywhere: 64-bit timeval.
        ("aarch64", _) | ("s390x", _) | ("x86_64", true) => 400,
        (arch, musl) => panic!("no expectation for {arch} (musl: {musl}); add one"),
    };
    assert_eq!(size_of::<utmpx>(), expected);
}

#[test]
fn time_field_offset_and_width() {
    let (offset, width) = match (std::env::consts::ARCH, cfg!(target_env = "musl")) {
        ("x86_64", false) | ("x86", false) => (340, 4),
        ("aarch64", _) | ("s390x", _) | ("x86_64", true) => (344, 8),
        (arch, musl) => panic!("no expectation for {arch} (musl: {musl}); add one"),
    };
    assert_eq!(offset_of!(utmpx, ut_tv.tv_sec), offset);
    assert_eq!(tv_sec_width(), width);
}

#[test]
fn string_fields_have_the_posix_sizes() {
    let u = utmpx::default();
    assert_eq!(size_of_val(&u.ut_line), 32);
    assert_eq!(size_of_val(&u.ut_user), 32);
    assert_eq!(size_of_val(&u.ut_host), 256);
    assert_eq!(size_of_val(&u.ut_id), 4);
    assert_eq!(offset_of!(utmpx, ut_type), 0);
    assert_eq!(offset_of!(utmpx, ut_pid), 4);
    assert_eq!(offset_of!(utmpx, ut_line), 8);
    assert_eq!(offset_of!(utmpx, ut_id), 40);
    assert_eq!(offset_of!(utmpx, ut_user), 44);
    assert_eq!(offset_of!(utmpx, ut_host), 76);
    assert_eq!(offset_of!(utmpx, ut_exit), 332);
}

#[test]
fn entry_type_values() {
    use utmp_sys::*;
    let values = [
        EMPTY,
        RUN_LVL,
        BOOT_TIME,
        NEW_TIME,
        OLD_TIME,
        INIT_PROCESS,
        LOGIN_PROCESS,
        USER_PROCESS,
        DEAD_PROCESS,
    ];
    assert_eq!(values, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    #[cfg(target_env = "gnu")]
    assert_eq!(ACCOUNTING, 9);
}

#[test]
fn byte_order_is_the_targets() {
    // s390x is the big-endian row of the cross matrix: the pid written through the
    // struct must appear most-significant byte first in memory there.
    let u = utmpx {
        ut_pid: 0x0102_0304,
        ..utmpx::default()
    };
    let mut bytes = [0u8; 4];
    bytes.copy_from_slice(
        // SAFETY: `u` is a live, initialised `utmpx`; we read 4 bytes inside it at the
        // offset of `ut_pid`, which is 4 bytes wide.
        unsafe {
            core::slice::from_raw_parts(
                (&u as *const utmpx as *const u8).add(offset_of!(utmpx, ut_pid)),
                4,
            )
        },
    );
    if cfg!(target_endian = "big") {
        assert_eq!(bytes, [1, 2, 3, 4]);
    } else {
        assert_eq!(bytes, [4, 3, 2, 1]);
    }
}
