// written from the system's headers in the form `cargo xtask bindgen` generates, do not edit.
// target: x86_64-unknown-illumos
//
// Not generated here: illumos's headers are not on this machine. Written from
// illumos-gate usr/src/head/utmpx.h and usr/src/head/utmp.h (with
// __EXTENSIONS__, as wrapper.h defines it; struct utmpx is Solaris's since
// SunOS 5) and the amd64 types (pid_t int, time_t and suseconds_t long).
// A build on illumos or Solaris runs bindgen on the real header instead.
// src/libc_layout.rs proves, at compile time, that this struct has the size,
// alignment, field offsets and field widths of the `libc` crate's `utmpx`
// for this target (which libc tests on illumos).

pub const UTMP_FILE: &[u8; 14] = b"/var/adm/utmp\0";
pub const WTMP_FILE: &[u8; 14] = b"/var/adm/wtmp\0";
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
pub const DOWN_TIME: core::ffi::c_short = 10;
pub const _UTMPX_FILE: &[u8; 15] = b"/var/adm/utmpx\0";
pub const _WTMPX_FILE: &[u8; 15] = b"/var/adm/wtmpx\0";
pub const UTMPX_FILE: &[u8; 15] = b"/var/adm/utmpx\0";
pub const WTMPX_FILE: &[u8; 15] = b"/var/adm/wtmpx\0";
pub type pid_t = core::ffi::c_int;
pub type time_t = core::ffi::c_long;
pub type suseconds_t = core::ffi::c_long;
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
#[derive(Debug, Default, Copy, Clone)]
pub struct exit_status {
    pub e_termination: core::ffi::c_short,
    pub e_exit: core::ffi::c_short,
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of exit_status"][::core::mem::size_of::<exit_status>() - 4usize];
    ["Alignment of exit_status"][::core::mem::align_of::<exit_status>() - 2usize];
    ["Offset of field: exit_status::e_termination"]
        [::core::mem::offset_of!(exit_status, e_termination) - 0usize];
    ["Offset of field: exit_status::e_exit"][::core::mem::offset_of!(exit_status, e_exit) - 2usize];
};
#[repr(C)]
#[derive(Debug, Default, Copy, Clone)]
pub struct utmp {
    pub ut_user: [core::ffi::c_char; 8usize],
    pub ut_id: [core::ffi::c_char; 4usize],
    pub ut_line: [core::ffi::c_char; 12usize],
    pub ut_pid: core::ffi::c_short,
    pub ut_type: core::ffi::c_short,
    pub ut_exit: exit_status,
    pub ut_time: time_t,
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of utmp"][::core::mem::size_of::<utmp>() - 40usize];
    ["Alignment of utmp"][::core::mem::align_of::<utmp>() - 8usize];
    ["Offset of field: utmp::ut_user"][::core::mem::offset_of!(utmp, ut_user) - 0usize];
    ["Offset of field: utmp::ut_id"][::core::mem::offset_of!(utmp, ut_id) - 8usize];
    ["Offset of field: utmp::ut_line"][::core::mem::offset_of!(utmp, ut_line) - 12usize];
    ["Offset of field: utmp::ut_pid"][::core::mem::offset_of!(utmp, ut_pid) - 24usize];
    ["Offset of field: utmp::ut_type"][::core::mem::offset_of!(utmp, ut_type) - 26usize];
    ["Offset of field: utmp::ut_exit"][::core::mem::offset_of!(utmp, ut_exit) - 28usize];
    ["Offset of field: utmp::ut_time"][::core::mem::offset_of!(utmp, ut_time) - 32usize];
};
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct utmpx {
    pub ut_user: [core::ffi::c_char; 32usize],
    pub ut_id: [core::ffi::c_char; 4usize],
    pub ut_line: [core::ffi::c_char; 32usize],
    pub ut_pid: pid_t,
    pub ut_type: core::ffi::c_short,
    pub ut_exit: exit_status,
    pub ut_tv: timeval,
    pub ut_session: core::ffi::c_int,
    pub pad: [core::ffi::c_int; 5usize],
    pub ut_syslen: core::ffi::c_short,
    pub ut_host: [core::ffi::c_char; 257usize],
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of utmpx"][::core::mem::size_of::<utmpx>() - 384usize];
    ["Alignment of utmpx"][::core::mem::align_of::<utmpx>() - 8usize];
    ["Offset of field: utmpx::ut_user"][::core::mem::offset_of!(utmpx, ut_user) - 0usize];
    ["Offset of field: utmpx::ut_id"][::core::mem::offset_of!(utmpx, ut_id) - 32usize];
    ["Offset of field: utmpx::ut_line"][::core::mem::offset_of!(utmpx, ut_line) - 36usize];
    ["Offset of field: utmpx::ut_pid"][::core::mem::offset_of!(utmpx, ut_pid) - 68usize];
    ["Offset of field: utmpx::ut_type"][::core::mem::offset_of!(utmpx, ut_type) - 72usize];
    ["Offset of field: utmpx::ut_exit"][::core::mem::offset_of!(utmpx, ut_exit) - 74usize];
    ["Offset of field: utmpx::ut_tv"][::core::mem::offset_of!(utmpx, ut_tv) - 80usize];
    ["Offset of field: utmpx::ut_session"][::core::mem::offset_of!(utmpx, ut_session) - 96usize];
    ["Offset of field: utmpx::pad"][::core::mem::offset_of!(utmpx, pad) - 100usize];
    ["Offset of field: utmpx::ut_syslen"][::core::mem::offset_of!(utmpx, ut_syslen) - 120usize];
    ["Offset of field: utmpx::ut_host"][::core::mem::offset_of!(utmpx, ut_host) - 122usize];
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
    pub fn endutxent();
}
unsafe extern "C" {
    pub fn getutxent() -> *mut utmpx;
}
unsafe extern "C" {
    pub fn getutxid(arg1: *const utmpx) -> *mut utmpx;
}
unsafe extern "C" {
    pub fn getutxline(arg1: *const utmpx) -> *mut utmpx;
}
unsafe extern "C" {
    pub fn setutxent();
}
unsafe extern "C" {
    pub fn utmpxname(arg1: *const core::ffi::c_char) -> core::ffi::c_int;
}
