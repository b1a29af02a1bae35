// written from the system's headers in the form `cargo xtask bindgen` generates, do not edit.
// target: x86_64-apple-darwin
//
// Not generated here: the macOS SDK is not on this machine. Written from
// Apple Libc's include/utmpx.h and include/utmp.h (struct utmpx unchanged
// since Mac OS X 10.5) and sys/_types/_timeval.h (tv_sec is long,
// tv_usec __int32_t, on both arm64 and x86_64). A build on macOS runs
// bindgen on the SDK's header instead. src/libc_layout.rs proves, at compile
// time, that this struct has the size, alignment, field offsets and field
// widths of the `libc` crate's `utmpx` for this target (which libc tests on
// macOS). macOS keeps no wtmpx: _PATH_WTMP is <utmp.h>'s legacy wtmp, which
// macOS has not written since 10.5 (the history went to the system log).

pub const _PATH_UTMPX: &[u8; 15] = b"/var/run/utmpx\0";
pub const UTMPX_FILE: &[u8; 15] = b"/var/run/utmpx\0";
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
pub const SHUTDOWN_TIME: core::ffi::c_short = 11;
pub const _PATH_UTMP: &[u8; 14] = b"/var/run/utmp\0";
pub const _PATH_WTMP: &[u8; 14] = b"/var/log/wtmp\0";
pub const UT_NAMESIZE: usize = 8;
pub const UT_LINESIZE: usize = 8;
pub const UT_HOSTSIZE: usize = 16;
pub type __int32_t = core::ffi::c_int;
pub type __uint32_t = core::ffi::c_uint;
pub type __darwin_time_t = core::ffi::c_long;
pub type __darwin_pid_t = __int32_t;
pub type __darwin_suseconds_t = __int32_t;
#[repr(C)]
#[derive(Debug, Default, Copy, Clone)]
pub struct timeval {
    pub tv_sec: __darwin_time_t,
    pub tv_usec: __darwin_suseconds_t,
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of timeval"][::core::mem::size_of::<timeval>() - 16usize];
    ["Alignment of timeval"][::core::mem::align_of::<timeval>() - 8usize];
    ["Offset of field: timeval::tv_sec"][::core::mem::offset_of!(timeval, tv_sec) - 0usize];
    ["Offset of field: timeval::tv_usec"][::core::mem::offset_of!(timeval, tv_usec) - 8usize];
};
pub type pid_t = __darwin_pid_t;
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct utmpx {
    pub ut_user: [core::ffi::c_char; 256usize],
    pub ut_id: [core::ffi::c_char; 4usize],
    pub ut_line: [core::ffi::c_char; 32usize],
    pub ut_pid: pid_t,
    pub ut_type: core::ffi::c_short,
    pub ut_tv: timeval,
    pub ut_host: [core::ffi::c_char; 256usize],
    pub ut_pad: [__uint32_t; 16usize],
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of utmpx"][::core::mem::size_of::<utmpx>() - 640usize];
    ["Alignment of utmpx"][::core::mem::align_of::<utmpx>() - 8usize];
    ["Offset of field: utmpx::ut_user"][::core::mem::offset_of!(utmpx, ut_user) - 0usize];
    ["Offset of field: utmpx::ut_id"][::core::mem::offset_of!(utmpx, ut_id) - 256usize];
    ["Offset of field: utmpx::ut_line"][::core::mem::offset_of!(utmpx, ut_line) - 260usize];
    ["Offset of field: utmpx::ut_pid"][::core::mem::offset_of!(utmpx, ut_pid) - 292usize];
    ["Offset of field: utmpx::ut_type"][::core::mem::offset_of!(utmpx, ut_type) - 296usize];
    ["Offset of field: utmpx::ut_tv"][::core::mem::offset_of!(utmpx, ut_tv) - 304usize];
    ["Offset of field: utmpx::ut_host"][::core::mem::offset_of!(utmpx, ut_host) - 320usize];
    ["Offset of field: utmpx::ut_pad"][::core::mem::offset_of!(utmpx, ut_pad) - 576usize];
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
#[repr(C)]
#[derive(Debug, Default, Copy, Clone)]
pub struct utmp {
    pub ut_line: [core::ffi::c_char; 8usize],
    pub ut_name: [core::ffi::c_char; 8usize],
    pub ut_host: [core::ffi::c_char; 16usize],
    pub ut_time: core::ffi::c_long,
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
