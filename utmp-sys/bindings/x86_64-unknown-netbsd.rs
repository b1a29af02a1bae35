// written from the system's headers in the form `cargo xtask bindgen` generates, do not edit.
// target: x86_64-unknown-netbsd
//
// Not generated here: NetBSD's headers are not on this machine. Written from
// NetBSD's include/utmpx.h (rev. 1.18, _LP64: ut_pad is 36 bytes) and
// include/utmp.h, sys/socket.h (struct sockaddr_storage) and the amd64
// types (time_t int64_t, suseconds_t int). The lookup functions are renamed
// in the header (__RENAME, the 64-bit time_t ABI of NetBSD 5), kept here as
// link names. A build on NetBSD runs bindgen on the real header instead.
// src/libc_layout.rs proves, at compile time, that this struct has the size,
// alignment, field offsets and field widths of the `libc` crate's `utmpx`
// for this target (which libc tests on NetBSD).

pub const _PATH_UTMPX: &[u8; 15] = b"/var/run/utmpx\0";
pub const _PATH_WTMPX: &[u8; 15] = b"/var/log/wtmpx\0";
pub const EMPTY: core::ffi::c_short = 0;
pub const RUN_LVL: core::ffi::c_short = 1;
pub const BOOT_TIME: core::ffi::c_short = 2;
pub const OLD_TIME: core::ffi::c_short = 3;
pub const NEW_TIME: core::ffi::c_short = 4;
pub const INIT_PROCESS: core::ffi::c_short = 5;
pub const LOGIN_PROCESS: core::ffi::c_short = 6;
pub const USER_PROCESS: core::ffi::c_short = 7;
pub const DEAD_PROCESS: core::ffi::c_short = 8;
pub const ACCOUNTING: core::ffi::c_short = 9;
pub const SIGNATURE: core::ffi::c_short = 10;
pub const DOWN_TIME: core::ffi::c_short = 11;
pub const _PATH_UTMP: &[u8; 14] = b"/var/run/utmp\0";
pub const _PATH_WTMP: &[u8; 14] = b"/var/log/wtmp\0";
pub const UT_NAMESIZE: usize = 8;
pub const UT_LINESIZE: usize = 8;
pub const UT_HOSTSIZE: usize = 16;
pub type __uint8_t = core::ffi::c_uchar;
pub type __uint16_t = core::ffi::c_ushort;
pub type __int32_t = core::ffi::c_int;
pub type __int64_t = core::ffi::c_long;
pub type __pid_t = __int32_t;
pub type __sa_family_t = __uint8_t;
pub type pid_t = __pid_t;
pub type time_t = __int64_t;
pub type suseconds_t = core::ffi::c_int;
pub type sa_family_t = __sa_family_t;
#[repr(C)]
#[derive(Debug, Default, Copy, Clone)]
pub struct timeval {
    pub tv_sec: time_t,
    pub tv_usec: suseconds_t,
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of timeval"][::core::mem::size_of::<timeval>() - 16usize];
    ["Alignment of timeval"][::core::mem::align_of::<timeval>() - 8usize];
    ["Offset of field: timeval::tv_sec"][::core::mem::offset_of!(timeval, tv_sec) - 0usize];
    ["Offset of field: timeval::tv_usec"][::core::mem::offset_of!(timeval, tv_usec) - 8usize];
};
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct sockaddr_storage {
    pub ss_len: __uint8_t,
    pub ss_family: sa_family_t,
    pub __ss_pad1: [core::ffi::c_char; 6usize],
    pub __ss_align: __int64_t,
    pub __ss_pad2: [core::ffi::c_char; 112usize],
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of sockaddr_storage"][::core::mem::size_of::<sockaddr_storage>() - 128usize];
    ["Alignment of sockaddr_storage"][::core::mem::align_of::<sockaddr_storage>() - 8usize];
    ["Offset of field: sockaddr_storage::ss_len"]
        [::core::mem::offset_of!(sockaddr_storage, ss_len) - 0usize];
    ["Offset of field: sockaddr_storage::ss_family"]
        [::core::mem::offset_of!(sockaddr_storage, ss_family) - 1usize];
    ["Offset of field: sockaddr_storage::__ss_pad1"]
        [::core::mem::offset_of!(sockaddr_storage, __ss_pad1) - 2usize];
    ["Offset of field: sockaddr_storage::__ss_align"]
        [::core::mem::offset_of!(sockaddr_storage, __ss_align) - 8usize];
    ["Offset of field: sockaddr_storage::__ss_pad2"]
        [::core::mem::offset_of!(sockaddr_storage, __ss_pad2) - 16usize];
};
impl Default for sockaddr_storage {
    fn default() -> Self {
        let mut s = ::core::mem::MaybeUninit::<Self>::uninit();
        unsafe {
            ::core::ptr::write_bytes(s.as_mut_ptr(), 0, 1);
            s.assume_init()
        }
    }
}
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct utmpx {
    pub ut_name: [core::ffi::c_char; 32usize],
    pub ut_id: [core::ffi::c_char; 4usize],
    pub ut_line: [core::ffi::c_char; 32usize],
    pub ut_host: [core::ffi::c_char; 256usize],
    pub ut_session: u16,
    pub ut_type: u16,
    pub ut_pid: pid_t,
    pub ut_exit: utmpx__bindgen_ty_1,
    pub ut_ss: sockaddr_storage,
    pub ut_tv: timeval,
    pub ut_pad: [u8; 36usize],
}
#[repr(C)]
#[derive(Debug, Default, Copy, Clone)]
pub struct utmpx__bindgen_ty_1 {
    pub e_termination: u16,
    pub e_exit: u16,
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of utmpx__bindgen_ty_1"][::core::mem::size_of::<utmpx__bindgen_ty_1>() - 4usize];
    ["Alignment of utmpx__bindgen_ty_1"][::core::mem::align_of::<utmpx__bindgen_ty_1>() - 2usize];
    ["Offset of field: utmpx__bindgen_ty_1::e_termination"]
        [::core::mem::offset_of!(utmpx__bindgen_ty_1, e_termination) - 0usize];
    ["Offset of field: utmpx__bindgen_ty_1::e_exit"]
        [::core::mem::offset_of!(utmpx__bindgen_ty_1, e_exit) - 2usize];
};
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of utmpx"][::core::mem::size_of::<utmpx>() - 520usize];
    ["Alignment of utmpx"][::core::mem::align_of::<utmpx>() - 8usize];
    ["Offset of field: utmpx::ut_name"][::core::mem::offset_of!(utmpx, ut_name) - 0usize];
    ["Offset of field: utmpx::ut_id"][::core::mem::offset_of!(utmpx, ut_id) - 32usize];
    ["Offset of field: utmpx::ut_line"][::core::mem::offset_of!(utmpx, ut_line) - 36usize];
    ["Offset of field: utmpx::ut_host"][::core::mem::offset_of!(utmpx, ut_host) - 68usize];
    ["Offset of field: utmpx::ut_session"][::core::mem::offset_of!(utmpx, ut_session) - 324usize];
    ["Offset of field: utmpx::ut_type"][::core::mem::offset_of!(utmpx, ut_type) - 326usize];
    ["Offset of field: utmpx::ut_pid"][::core::mem::offset_of!(utmpx, ut_pid) - 328usize];
    ["Offset of field: utmpx::ut_exit"][::core::mem::offset_of!(utmpx, ut_exit) - 332usize];
    ["Offset of field: utmpx::ut_ss"][::core::mem::offset_of!(utmpx, ut_ss) - 336usize];
    ["Offset of field: utmpx::ut_tv"][::core::mem::offset_of!(utmpx, ut_tv) - 464usize];
    ["Offset of field: utmpx::ut_pad"][::core::mem::offset_of!(utmpx, ut_pad) - 480usize];
};
impl Default for utmpx {
    fn default() -> Self {
        let mut s = ::core::mem::MaybeUninit::<Self>::uninit();
        unsafe {
            ::core::ptr::write_bytes(s.as_mut_ptr(), 0, 1);
            s.assume_init()
        }
    }
}
unsafe extern "C" {
    pub fn setutxent();
}
unsafe extern "C" {
    pub fn endutxent();
}
unsafe extern "C" {
    #[link_name = "\u{1}__getutxent50"]
    pub fn getutxent() -> *mut utmpx;
}
unsafe extern "C" {
    #[link_name = "\u{1}__getutxid50"]
    pub fn getutxid(arg1: *const utmpx) -> *mut utmpx;
}
unsafe extern "C" {
    #[link_name = "\u{1}__getutxline50"]
    pub fn getutxline(arg1: *const utmpx) -> *mut utmpx;
}
unsafe extern "C" {
    pub fn utmpxname(arg1: *const core::ffi::c_char) -> core::ffi::c_int;
}
#[repr(C)]
#[derive(Debug, Default, Copy, Clone)]
pub struct utmp {
    pub ut_line: [core::ffi::c_char; 8usize],
    pub ut_name: [core::ffi::c_char; 8usize],
    pub ut_host: [core::ffi::c_char; 16usize],
    pub ut_time: time_t,
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of utmp"][::core::mem::size_of::<utmp>() - 40usize];
    ["Alignment of utmp"][::core::mem::align_of::<utmp>() - 8usize];
    ["Offset of field: utmp::ut_line"][::core::mem::offset_of!(utmp, ut_line) - 0usize];
    ["Offset of field: utmp::ut_name"][::core::mem::offset_of!(utmp, ut_name) - 8usize];
    ["Offset of field: utmp::ut_host"][::core::mem::offset_of!(utmp, ut_host) - 16usize];
    ["Offset of field: utmp::ut_time"][::core::mem::offset_of!(utmp, ut_time) - 32usize];
};
