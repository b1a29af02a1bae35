// written from the system's headers in the form `cargo xtask bindgen` generates, do not edit.
// target: x86_64-unknown-freebsd
//
// Not generated here: FreeBSD's headers are not on this machine. Written from
// FreeBSD's include/utmpx.h (freebsd-src 38356acf; unchanged since 9.0),
// sys/_timeval.h and sys/x86/include/_types.h (__time_t is __int64_t,
// __suseconds_t is long on amd64). A build on FreeBSD runs bindgen on the
// real header instead. src/libc_layout.rs proves, at compile time, that this
// struct has the size, alignment, field offsets and field widths of the
// `libc` crate's `utmpx` for this target (which libc tests on FreeBSD).
// FreeBSD's header defines no path: utx.active and utx.log are named in
// libc's private utxdb.h, and the `utmp` crate states them (paths.rs).

pub const EMPTY: core::ffi::c_short = 0;
pub const BOOT_TIME: core::ffi::c_short = 1;
pub const OLD_TIME: core::ffi::c_short = 2;
pub const NEW_TIME: core::ffi::c_short = 3;
pub const USER_PROCESS: core::ffi::c_short = 4;
pub const INIT_PROCESS: core::ffi::c_short = 5;
pub const LOGIN_PROCESS: core::ffi::c_short = 6;
pub const DEAD_PROCESS: core::ffi::c_short = 7;
pub const SHUTDOWN_TIME: core::ffi::c_short = 8;
pub const UTXDB_ACTIVE: core::ffi::c_int = 0;
pub const UTXDB_LASTLOGIN: core::ffi::c_int = 1;
pub const UTXDB_LOG: core::ffi::c_int = 2;
pub type __int32_t = core::ffi::c_int;
pub type __int64_t = core::ffi::c_long;
pub type __pid_t = __int32_t;
pub type __suseconds_t = core::ffi::c_long;
pub type __time_t = __int64_t;
pub type time_t = __time_t;
pub type suseconds_t = __suseconds_t;
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
pub type pid_t = __pid_t;
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct utmpx {
    pub ut_type: core::ffi::c_short,
    pub ut_tv: timeval,
    pub ut_id: [core::ffi::c_char; 8usize],
    pub ut_pid: pid_t,
    pub ut_user: [core::ffi::c_char; 32usize],
    pub ut_line: [core::ffi::c_char; 16usize],
    pub ut_host: [core::ffi::c_char; 128usize],
    pub __ut_spare: [core::ffi::c_char; 64usize],
}
#[allow(clippy::unnecessary_operation, clippy::identity_op)]
const _: () = {
    ["Size of utmpx"][::core::mem::size_of::<utmpx>() - 280usize];
    ["Alignment of utmpx"][::core::mem::align_of::<utmpx>() - 8usize];
    ["Offset of field: utmpx::ut_type"][::core::mem::offset_of!(utmpx, ut_type) - 0usize];
    ["Offset of field: utmpx::ut_tv"][::core::mem::offset_of!(utmpx, ut_tv) - 8usize];
    ["Offset of field: utmpx::ut_id"][::core::mem::offset_of!(utmpx, ut_id) - 24usize];
    ["Offset of field: utmpx::ut_pid"][::core::mem::offset_of!(utmpx, ut_pid) - 32usize];
    ["Offset of field: utmpx::ut_user"][::core::mem::offset_of!(utmpx, ut_user) - 36usize];
    ["Offset of field: utmpx::ut_line"][::core::mem::offset_of!(utmpx, ut_line) - 68usize];
    ["Offset of field: utmpx::ut_host"][::core::mem::offset_of!(utmpx, ut_host) - 84usize];
    ["Offset of field: utmpx::__ut_spare"][::core::mem::offset_of!(utmpx, __ut_spare) - 212usize];
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
    pub fn setutxdb(arg1: core::ffi::c_int, arg2: *const core::ffi::c_char) -> core::ffi::c_int;
}
