//! Which way a file is read: mapped when it is a regular file of at most
//! [`MAP_AT_MOST`] bytes (fastest; see `utmp::MappedFile`), streamed
//! otherwise (constant memory) or with `--no-mmap`.
//!
//! Mapping is the one risk the command takes for speed, here and nowhere
//! else: `MappedFile::open` is `unsafe` because a file truncated while
//! mapped ends the process with SIGBUS. The `--help` of the commands that
//! map says so and offers `--no-mmap`.

use std::io;
use std::path::Path;

use utmp::MappedFile;

/// Larger files are streamed: a mapping read through keeps the whole file
/// resident in the process (as shared, clean page-cache pages), which should
/// not grow without bound.
pub const MAP_AT_MOST: u64 = 1 << 30;

/// The file mapped, or `None` when it should be streamed: `--no-mmap`, not a
/// regular file (stdin, a FIFO, a device), larger than [`MAP_AT_MOST`], or
/// a mapping the system refused. Errors that streaming would meet too
/// (missing file, permission denied) are returned as they are.
pub fn mapped(path: &Path, no_mmap: bool) -> Result<Option<MappedFile>, utmp::Error> {
    if no_mmap || path.as_os_str() == "-" {
        return Ok(None);
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() <= MAP_AT_MOST => {}
        _ => return Ok(None),
    }
    // SAFETY: login files are appended to and rotated by renaming, which a
    // mapping survives; the user who expects the file to be truncated or
    // rewritten while it is read (`> wtmp`, logrotate's copytruncate) is told
    // by `--help` to pass `--no-mmap`. As a second line of defence the
    // library checks the size every 512 records and stops with an error
    // when the file shrank. Only regular files get here (checked above).
    match unsafe { MappedFile::open(path) } {
        Ok(m) => Ok(Some(m)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied
            ) =>
        {
            Err(e)
        }
        Err(_) => Ok(None),
    }
}

/// The records of a login file read through the C library (`utmp::Database`),
/// where the files are not arrays of the host's `struct utmpx`: FreeBSD's
/// `utx.log` and `utx.active` hold `struct futx` records, which only its C
/// library converts. `None` elsewhere (and for stdin): read the file directly.
#[cfg(target_os = "freebsd")]
pub fn host_records(path: &Path) -> Result<Option<Vec<utmp::Entry>>, utmp::Error> {
    if path.as_os_str() == "-" {
        return Ok(None);
    }
    utmp::Database::open_path(path)?
        .collect::<Result<_, _>>()
        .map(Some)
}

/// See the FreeBSD version: elsewhere, files are read directly.
#[cfg(not(target_os = "freebsd"))]
pub fn host_records(_path: &Path) -> Result<Option<Vec<utmp::Entry>>, utmp::Error> {
    Ok(None)
}
