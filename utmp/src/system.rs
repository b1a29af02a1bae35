//! The operating system, reached through calls that Rust cannot check: the
//! system login database, read through the C library (`<utmpx.h>`), here, and
//! read-only file mappings (`mmap`, through `memmap2`) in [`mapping`], with
//! the `unsafe` [`MappedFile::open`](crate::MappedFile::open), and user and
//! group names through NSS (`getpwnam_r`, `getgrnam_r`) in [`nss`].
//!
//! This is the only module of the crate that calls C or contains `unsafe`.
//!
//! The C API keeps its state in the process: one current file name
//! (`utmpxname`), one open file and position (`setutxent`, `getutxent`,
//! `endutxent`), and one static record buffer that every `getutxent` call
//! overwrites. [`Database`] makes that safe to use from Rust:
//!
//! * a crate-wide mutex, whose guard the handle holds for its whole life, so
//!   two handles never interleave their calls; a thread that opens while
//!   another thread holds a handle waits for it to be dropped;
//! * the handle is `!Send` (the guard must be released on the thread that took
//!   it);
//! * a thread-local flag, so a second open on the thread that already holds a
//!   handle fails with [`Error::AlreadyOpen`] instead of deadlocking;
//! * each record is copied out of the C library's buffer before the next call;
//! * `errno` is cleared before each `getutxent`, so a `NULL` with `errno` set is
//!   reported as an error and a `NULL` without is the end of the database;
//! * every open names its file with `utmpxname` (FreeBSD: `setutxdb`, which
//!   has the file's kind too), the default one included, so a path given to
//!   [`Database::open_path`] never leaks into a later [`Database::open`].
//!
//! Per system: glibc, macOS, illumos/Solaris and NetBSD name the file with
//! `utmpxname` and rewind with `setutxent`. FreeBSD has no `utmpxname`:
//! `setutxdb(UTXDB_ACTIVE | UTXDB_LOG | UTXDB_LASTLOGIN, path)` opens the file
//! (its records are `struct futx`, which the C library converts), and since
//! FreeBSD's `setutxent` reopens the default `utx.active`, rewinding calls
//! `setutxdb` again with the handle's own path. FreeBSD keeps this state per
//! thread, which the handle (not `Send`) respects. musl keeps no records, and
//! OpenBSD has no utmpx API (the crate does not build there).
//!
//! Code outside this crate that calls the C functions directly (another
//! library, C code in the same process) is not covered by the mutex.

use std::cell::Cell;
use std::fmt;
use std::iter::FusedIterator;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::entry::Entry;
use crate::error::{Error, Result};

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) mod inotify;
pub(crate) mod mapping;
pub(crate) mod nss;
pub(crate) mod wait;

/// Guards the C library's process-global utmpx state.
static LOCK: Mutex<()> = Mutex::new(());

thread_local! {
    /// True while this thread holds a [`Database`].
    static HELD: Cell<bool> = const { Cell::new(false) };
}

/// A handle on a login database, read through the C library: pyutmp's
/// `UtmpFile`.
///
/// It iterates over the records of the file in order, each as an owned
/// [`Entry`], the same bytes that the direct [`Reader`](crate::Reader) would
/// give for that file. [`Database::rewind`] starts again from the first record.
///
/// # Thread safety
///
/// The C library has one database state per process, so at most one
/// `Database` exists at a time: opening waits while another thread holds one,
/// and fails with [`Error::AlreadyOpen`] when the same thread does. The handle
/// is not `Send`. Prefer the direct [`Reader`](crate::Reader) when several
/// files must be read at once or from many threads: it has no shared state.
/// Leaking a handle (`mem::forget`) keeps the database locked for good.
///
/// # Platforms
///
/// With musl, whose utmpx functions are stubs that keep no records, opening
/// returns [`Error::Unsupported`]; read the files with the direct reader.
///
/// On FreeBSD the file is opened with `setutxdb`, whose kind follows the
/// file's name: `utx.log*` is read as the log, `utx.lastlogin*` as the
/// last-login file, anything else as `utx.active`. Its records are FreeBSD's
/// `struct futx`, converted by the C library into the `struct utmpx` that each
/// [`Entry`] holds. macOS, illumos/Solaris and NetBSD use `utmpxname` as
/// glibc does. (Compiled for each of them here; run only on Linux.)
///
/// ```no_run
/// # fn main() -> utmp::Result<()> {
/// use utmp::Database;
/// for entry in Database::open()? {
///     let entry = entry?;
///     if entry.is_user_process() {
///         println!("{} {}", entry.user_lossy(), entry.line_lossy());
///     }
/// }
/// # Ok(()) }
/// ```
///
/// A handle cannot move to another thread:
///
/// ```compile_fail
/// fn assert_send<T: Send>() {}
/// assert_send::<utmp::Database>();
/// ```
///
/// # References
///
/// * [getutxent(3)](https://man7.org/linux/man-pages/man3/getutxent.3.html)
/// * [utmpxname (getutent(3))](https://man7.org/linux/man-pages/man3/getutent.3.html)
/// * [utmp(5)](https://man7.org/linux/man-pages/man5/utmp.5.html)
pub struct Database {
    path: PathBuf,
    /// FreeBSD: the path and kind given to `setutxdb` at each (re)open.
    #[cfg(target_os = "freebsd")]
    db: (std::ffi::CString, std::ffi::c_int),
    /// An error from [`Database::rewind`] that the next `next` reports.
    failed: Option<Error>,
    /// The end has been reached (or an error reported) since the last rewind.
    done: bool,
    _guard: MutexGuard<'static, ()>,
    /// Not `Send`: the guard belongs to the thread that locked it, and so
    /// does the thread-local flag.
    _not_send: PhantomData<*const ()>,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("path", &self.path)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Opens the default login database ([`utmp_path`](crate::utmp_path):
    /// the header's `_PATH_UTMP`, `/var/run/utmp` on glibc): who is logged in
    /// now.
    ///
    /// The C library is told this path explicitly (`utmpxname`), so an earlier
    /// [`Database::open_path`] has no effect on it.
    ///
    /// # Errors
    ///
    /// * [`Error::NoDatabase`] when the file does not exist (as in many
    ///   containers, and on systems without utmp such as Debian 13);
    /// * [`Error::AlreadyOpen`] when this thread already holds a `Database`;
    /// * [`Error::Unsupported`] with musl;
    /// * [`Error::Io`] with the path when it cannot be examined.
    ///
    /// # References
    ///
    /// * [setutxent(3)](https://man7.org/linux/man-pages/man3/getutxent.3.html)
    /// * [utmpxname (getutent(3))](https://man7.org/linux/man-pages/man3/getutent.3.html)
    pub fn open() -> Result<Self> {
        Self::open_path(crate::utmp_path())
    }

    /// Opens another file in the database format, such as a wtmp or btmp file,
    /// through the C library (`utmpxname` then `setutxent`).
    ///
    /// # Errors
    ///
    /// * [`Error::NoDatabase`] when the file does not exist;
    /// * [`Error::InvalidPath`] when the path contains a NUL byte;
    /// * [`Error::AlreadyOpen`] when this thread already holds a `Database`;
    /// * [`Error::Unsupported`] with musl;
    /// * [`Error::Io`] with the path when it cannot be examined, or when the
    ///   C library refuses the name (`utmpxname` fails, out of memory).
    ///   Errors opening the file itself (permission denied, a directory)
    ///   come from the first call to `next`.
    ///
    /// # References
    ///
    /// * [utmpxname (getutent(3))](https://man7.org/linux/man-pages/man3/getutent.3.html)
    /// * [setutxent(3)](https://man7.org/linux/man-pages/man3/getutxent.3.html)
    pub fn open_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        if cfg!(target_env = "musl") {
            return Err(Error::Unsupported { libc: "musl" });
        }
        let c_path = ffi::c_path(path)?;
        if HELD.with(Cell::get) {
            return Err(Error::AlreadyOpen);
        }
        // A panic while a handle was alive poisons the mutex; the state it
        // guards is reset below (utmpxname closes the file, setutxent reopens).
        let guard = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        HELD.with(|h| h.set(true));
        // From here on, dropping `db` releases the flag, ends the C state and
        // unlocks, whatever goes wrong.
        let mut db = Database {
            path: path.to_owned(),
            #[cfg(target_os = "freebsd")]
            db: (c_path.clone(), ffi::db_kind(path)),
            failed: None,
            done: false,
            _guard: guard,
            _not_send: PhantomData,
        };
        #[cfg(not(target_os = "freebsd"))]
        ffi::set_name(&c_path).map_err(|e| Error::io(Some(path.to_owned()), e))?;
        match std::fs::metadata(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoDatabase {
                    path: path.to_owned(),
                })
            }
            Err(e) => return Err(Error::io(Some(path.to_owned()), e)),
        }
        db.reopen()?;
        Ok(db)
    }

    /// Back to the first record of this handle's file.
    fn reopen(&mut self) -> Result<()> {
        #[cfg(target_os = "freebsd")]
        {
            ffi::open_db(&self.db.0, self.db.1).map_err(|e| self.open_error(e))
        }
        #[cfg(not(target_os = "freebsd"))]
        {
            ffi::rewind();
            Ok(())
        }
    }

    /// An error of the C library about this handle's file.
    fn open_error(&self, e: std::io::Error) -> Error {
        match e.raw_os_error() {
            Some(libc::ENOENT) => Error::NoDatabase {
                path: self.path.clone(),
            },
            _ => Error::io(Some(self.path.clone()), e),
        }
    }

    /// The file this handle reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts again from the first record (`setutxent`).
    ///
    /// # References
    ///
    /// * [setutxent(3)](https://man7.org/linux/man-pages/man3/getutxent.3.html)
    ///
    /// On FreeBSD this reopens the file (`setutxdb`); if that fails, the next
    /// call to `next` returns the error.
    pub fn rewind(&mut self) {
        self.failed = self.reopen().err();
        self.done = false;
    }
}

impl Database {
    /// At the end: the C library stops silently at a partial last record;
    /// report it as the direct reader does, so a file of another platform's
    /// format is not mistaken for a short one.
    ///
    /// Not on FreeBSD: its files hold `struct futx` records (fixed-size in
    /// `utx.active`, length-prefixed in `utx.log`), not the host's struct,
    /// and its C library itself refuses an active file of a wrong size.
    #[cfg(target_os = "freebsd")]
    fn trailing_bytes(&self) -> Option<Error> {
        None
    }

    #[cfg(not(target_os = "freebsd"))]
    fn trailing_bytes(&self) -> Option<Error> {
        let size = std::fs::metadata(&self.path).ok()?.len();
        const RECORD_SIZE: usize = crate::layout::RECORD_SIZE;
        const RECORD: std::num::NonZeroU64 = match std::num::NonZeroU64::new(RECORD_SIZE as u64) {
            Some(n) => n,
            None => panic!("a record has bytes"),
        };
        let rem = size % RECORD;
        let len = usize::try_from(rem).ok().filter(|&n| n != 0)?;
        // rem = size % RECORD <= size.
        #[allow(clippy::arithmetic_side_effects)]
        let offset = size - rem;
        Some(Error::TrailingBytes {
            path: Some(self.path.clone()),
            offset,
            len,
            record_size: RECORD_SIZE,
        })
    }
}

impl Iterator for Database {
    type Item = Result<Entry>;

    /// The next record (`getutxent`), copied out of the C library's buffer.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with the path when the C library reports an error
    /// (the file cannot be opened or read; `errno` names it), and
    /// [`Error::NoDatabase`] when the file disappeared since it was opened,
    /// and [`Error::TrailingBytes`] after the last whole record when the file
    /// ends inside a record (the C library stops there silently).
    /// After an error the iterator ends until [`Database::rewind`].
    ///
    /// # References
    ///
    /// * [getutxent(3)](https://man7.org/linux/man-pages/man3/getutxent.3.html)
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if let Some(e) = self.failed.take() {
            self.done = true;
            return Some(Err(e));
        }
        match ffi::next_record() {
            Ok(Some(bytes)) => Some(Ok(Entry::from_bytes(bytes))),
            Ok(None) => {
                self.done = true;
                self.trailing_bytes().map(Err)
            }
            Err(e) => {
                self.done = true;
                Some(Err(self.open_error(e)))
            }
        }
    }
}

impl FusedIterator for Database {}

impl Drop for Database {
    /// Closes the database (`endutxent`), then lets the next opener in.
    ///
    /// # References
    ///
    /// * [endutxent(3)](https://man7.org/linux/man-pages/man3/getutxent.3.html)
    fn drop(&mut self) {
        ffi::close();
        HELD.with(|h| h.set(false));
        // `_guard` is dropped after this body: the C state is closed before
        // another thread can take the lock.
    }
}

/// Every entry of the default database ([`Database::open`]), at once.
///
/// # Errors
///
/// The errors of [`Database::open`] (notably [`Error::NoDatabase`] when there
/// is no utmp file), and the first read error.
///
/// # References
///
/// * [getutxent(3)](https://man7.org/linux/man-pages/man3/getutxent.3.html)
pub fn current_entries() -> Result<Vec<Entry>> {
    Database::open()?.collect()
}

/// The calls into the C library. Each function is a thin safe wrapper whose
/// callers hold [`LOCK`] (they are only called from `Database`'s methods, and
/// a `Database` holds the guard).
mod ffi {
    use std::ffi::CString;
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    use crate::error::{Error, Result};
    use crate::layout::{RecordBytes, RECORD_SIZE};

    /// The path as a C string.
    pub(super) fn c_path(path: &Path) -> Result<CString> {
        CString::new(path.as_os_str().as_bytes()).map_err(|_| Error::InvalidPath {
            path: path.to_owned(),
        })
    }

    /// `utmpxname(path)`: closes the current file and names the next one.
    #[cfg(not(target_os = "freebsd"))]
    pub(super) fn set_name(path: &CString) -> io::Result<()> {
        errno::clear();
        // SAFETY: `path` is a valid NUL-terminated string that outlives the
        // call; the C library copies it (glibc strdup's it). The caller holds
        // LOCK, so no other call of this API runs concurrently from this crate.
        let rc = unsafe { utmp_sys::utmpxname(path.as_ptr()) };
        if rc == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        Err(match err.raw_os_error() {
            Some(0) | None => io::Error::other("utmpxname failed"),
            Some(_) => err,
        })
    }

    /// FreeBSD's kind of database for a file, from its name as FreeBSD's
    /// libc names them: `utx.log*` (rotated logs too) is the log
    /// (length-prefixed records), `utx.lastlogin*` the last-login file, and
    /// anything else is read like `utx.active` (fixed-size records).
    #[cfg(target_os = "freebsd")]
    pub(super) fn db_kind(path: &Path) -> std::ffi::c_int {
        let name = path.file_name().map(OsStrExt::as_bytes).unwrap_or_default();
        if name.starts_with(b"utx.log") {
            utmp_sys::UTXDB_LOG
        } else if name.starts_with(b"utx.lastlogin") {
            utmp_sys::UTXDB_LASTLOGIN
        } else {
            utmp_sys::UTXDB_ACTIVE
        }
    }

    /// FreeBSD's `setutxdb(kind, path)`: closes the current file and opens
    /// this one at its first record.
    #[cfg(target_os = "freebsd")]
    pub(super) fn open_db(path: &CString, kind: std::ffi::c_int) -> io::Result<()> {
        errno::clear();
        // SAFETY: `path` is a valid NUL-terminated string that outlives the
        // call (setutxdb only passes it to fopen); `kind` is one of the
        // header's UTXDB_* constants. The caller holds LOCK.
        let rc = unsafe { utmp_sys::setutxdb(kind, path.as_ptr()) };
        if rc == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        Err(match err.raw_os_error() {
            Some(0) | None => io::Error::other("setutxdb failed"),
            Some(_) => err,
        })
    }

    /// `setutxent()`: (re)opens the named file at its first record.
    #[cfg(not(target_os = "freebsd"))]
    pub(super) fn rewind() {
        // SAFETY: no arguments; the caller holds LOCK. An open failure is not
        // reported here: getutxent reports it (NULL with errno).
        unsafe { utmp_sys::setutxent() }
    }

    /// `endutxent()`: closes the file.
    pub(super) fn close() {
        // SAFETY: no arguments; the caller holds LOCK (called from Drop, while
        // the guard is still alive).
        unsafe { utmp_sys::endutxent() }
    }

    /// `getutxent()`, with the record copied out of the C library's static
    /// buffer. `Ok(None)` at the end.
    pub(super) fn next_record() -> io::Result<Option<RecordBytes>> {
        errno::clear();
        // SAFETY: no arguments; the caller holds LOCK, so no other call from
        // this crate can overwrite the static buffer before the copy below.
        let ptr = unsafe { utmp_sys::getutxent() };
        if ptr.is_null() {
            let err = io::Error::last_os_error();
            return match err.raw_os_error() {
                // Nothing set: the end. ESRCH ("record not found") is how some
                // C libraries report the end as well.
                Some(0) | Some(libc::ESRCH) | None => Ok(None),
                Some(_) => Err(err),
            };
        }
        let mut out: RecordBytes = [0; RECORD_SIZE];
        // SAFETY: a non-NULL result points to a whole `struct utmpx`
        // (RECORD_SIZE bytes is `size_of::<utmpx>()`) in the C library's
        // static storage, valid until the next call of this API, which cannot
        // happen before the copy since the caller holds LOCK. Every byte of it,
        // padding included, is initialized: static storage starts zeroed and
        // is filled by read(2) or memcpy of a record. `out` is a distinct
        // local array, so the regions do not overlap; u8 has no alignment.
        unsafe {
            std::ptr::copy_nonoverlapping(ptr.cast::<u8>(), out.as_mut_ptr(), RECORD_SIZE);
        }
        Ok(Some(out))
    }

    /// Access to the calling thread's `errno`.
    mod errno {
        #[cfg(any(target_os = "linux", target_os = "emscripten", target_os = "hurd"))]
        use libc::__errno_location as location;

        #[cfg(any(target_os = "android", target_os = "netbsd", target_os = "openbsd"))]
        use libc::__errno as location;

        #[cfg(any(target_os = "illumos", target_os = "solaris"))]
        use libc::___errno as location;

        #[cfg(any(
            target_os = "macos",
            target_os = "ios",
            target_os = "freebsd",
            target_os = "dragonfly"
        ))]
        use libc::__error as location;

        /// Sets `errno` to 0.
        pub(crate) fn clear() {
            // SAFETY: the function returns a pointer to the calling thread's
            // errno, which is valid and writable for the life of the thread.
            unsafe { *location() = 0 }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_with_nul_is_rejected_and_musl_is_unsupported() {
        let err = Database::open_path("/tmp/a\0b");
        if cfg!(target_env = "musl") {
            assert!(
                matches!(err, Err(Error::Unsupported { libc: "musl" })),
                "{err:?}"
            );
        } else {
            assert!(matches!(err, Err(Error::InvalidPath { .. })), "{err:?}");
        }
    }
}
