//! inotify(7): the kernel says when a followed file or its directory changes,
//! so that [`Follower`](crate::follow::Follower) sleeps until then (Linux
//! only; elsewhere, and when inotify cannot start, the follower polls).
//!
//! The calls are `inotify_init1` (close-on-exec, non-blocking),
//! `inotify_add_watch`, `inotify_rm_watch` and `read`; the waiting itself is
//! [`super::wait::poll`] on [`Inotify::fd`].

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The events of interest on the followed file itself: it was written to,
/// truncated, closed after writing, had its mode changed, was renamed or
/// deleted.
pub(crate) const FILE_EVENTS: u32 = libc::IN_MODIFY
    | libc::IN_ATTRIB
    | libc::IN_CLOSE_WRITE
    | libc::IN_MOVE_SELF
    | libc::IN_DELETE_SELF;

/// The events of interest in its directory: a name created, renamed to or
/// from, deleted, or its mode changed (the follower keeps the ones about the
/// followed file's name).
pub(crate) const DIR_EVENTS: u32 = libc::IN_CREATE
    | libc::IN_MOVED_TO
    | libc::IN_MOVED_FROM
    | libc::IN_DELETE
    | libc::IN_ATTRIB
    | libc::IN_ONLYDIR;

/// One inotify instance.
#[derive(Debug)]
pub(crate) struct Inotify {
    fd: OwnedFd,
    buf: Vec<u8>,
}

impl Inotify {
    /// A new instance (`inotify_init1(IN_CLOEXEC | IN_NONBLOCK)`).
    ///
    /// # Errors
    ///
    /// What the kernel says (`EMFILE` when the per-user instance limit is
    /// reached, `ENOSYS` where it has no inotify).
    ///
    /// # References
    ///
    /// * [inotify_init1(2)](https://man7.org/linux/man-pages/man2/inotify_init1.2.html)
    pub(crate) fn new() -> io::Result<Self> {
        // SAFETY: takes no pointers; the result is checked before use.
        let fd = unsafe { libc::inotify_init1(libc::IN_CLOEXEC | libc::IN_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a descriptor just returned by the kernel that nothing
        // else owns; the OwnedFd closes it once.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Inotify {
            fd,
            buf: vec![0; 64 * 1024],
        })
    }

    /// The descriptor to wait on: readable when events are queued.
    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Watches `path` (following a symbolic link) for `mask`; returns the
    /// watch descriptor.
    ///
    /// # Errors
    ///
    /// What the kernel says: `ENOENT`, `EACCES` (no read permission),
    /// `ENOSPC` (the per-user watch limit).
    ///
    /// # References
    ///
    /// * [inotify_add_watch(2)](https://man7.org/linux/man-pages/man2/inotify_add_watch.2.html)
    pub(crate) fn add_watch(&self, path: &Path, mask: u32) -> io::Result<i32> {
        let c_path = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
        // SAFETY: `c_path` is a valid NUL-terminated string that outlives the
        // call, and the descriptor is open (owned by self).
        let wd = unsafe { libc::inotify_add_watch(self.fd.as_raw_fd(), c_path.as_ptr(), mask) };
        if wd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(wd)
    }

    /// Stops a watch. A watch the kernel already removed (its file deleted)
    /// is not an error worth reporting, so none is returned.
    ///
    /// # References
    ///
    /// * [inotify_rm_watch(2)](https://man7.org/linux/man-pages/man2/inotify_rm_watch.2.html)
    pub(crate) fn remove_watch(&self, wd: i32) {
        // SAFETY: plain integers; an unknown `wd` gives EINVAL, ignored.
        let _ = unsafe { libc::inotify_rm_watch(self.fd.as_raw_fd(), wd) };
    }

    /// Reads and drops every event queued now, and says how many bytes of
    /// them there were (0 when none: the descriptor does not block). What
    /// they say is not needed: the follower looks at its file and path after
    /// every wake-up (a stat and a read), which is all an event would make it
    /// do, and a queue overflow loses nothing.
    ///
    /// # Errors
    ///
    /// What `read` says, other than "no events" and an interruption.
    ///
    /// # References
    ///
    /// * [inotify(7)](https://man7.org/linux/man-pages/man7/inotify.7.html)
    pub(crate) fn drain(&mut self) -> io::Result<usize> {
        let mut total = 0usize;
        loop {
            // SAFETY: the pointer and length describe `self.buf`, which is
            // initialized, writable and alive for the call; the kernel writes
            // at most that many bytes.
            let n = unsafe {
                libc::read(
                    self.fd.as_raw_fd(),
                    self.buf.as_mut_ptr().cast::<libc::c_void>(),
                    self.buf.len(),
                )
            };
            if n < 0 {
                let err = io::Error::last_os_error();
                return match err.kind() {
                    io::ErrorKind::WouldBlock => Ok(total),
                    io::ErrorKind::Interrupted => continue,
                    _ => Err(err),
                };
            }
            // `n >= 0` here: its magnitude is the count.
            let n = n.unsigned_abs();
            if n == 0 {
                return Ok(total);
            }
            // A count of bytes drained, for "anything?": past usize::MAX it
            // can only stay non-zero.
            total = total.saturating_add(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore)]
    fn a_write_is_seen() -> io::Result<()> {
        let dir = std::env::temp_dir().join(format!("utmp-inotify-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("f");
        std::fs::write(&file, b"")?;
        let mut ino = Inotify::new()?;
        let wd = ino.add_watch(&file, FILE_EVENTS)?;
        assert_eq!(ino.drain()?, 0);
        std::fs::write(&file, b"x")?;
        super::super::wait::poll(&[ino.fd()], Some(std::time::Duration::from_secs(20)))?;
        assert!(ino.drain()? > 0);
        assert_eq!(ino.drain()?, 0);
        ino.remove_watch(wd);
        std::fs::remove_dir_all(&dir)
    }
}
