//! Sleeping until something happens, and ending that sleep from a signal:
//! `poll(2)` on descriptors with a timeout, and a self-pipe that a SIGINT or
//! SIGTERM handler writes to (what a follower of a login file waits on).
//!
//! Portable POSIX: `poll`, `pipe`, `fcntl`, `sigaction`, `write`.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// Set by the signal handler: a stop was asked for.
static STOPPED: AtomicBool = AtomicBool::new(false);
/// The write end of the stop pipe, for the signal handler (-1: none).
static STOP_WRITE: AtomicI32 = AtomicI32::new(-1);
/// The stop pipe (read end, write end), made once and kept for the life of
/// the process (the handler may run at any time).
static STOP_PIPE: OnceLock<(OwnedFd, OwnedFd)> = OnceLock::new();

/// Waits until one of `fds` is readable (or has an error or hang-up), the
/// stop pipe is readable, a signal interrupts the wait, or `timeout` passes
/// (`None`: no timeout). The caller looks at what happened itself.
///
/// # Errors
///
/// What `poll` says, other than an interruption (`EINTR` returns `Ok`).
///
/// # References
///
/// * [poll(2)](https://man7.org/linux/man-pages/man2/poll.2.html)
pub(crate) fn poll(fds: &[BorrowedFd<'_>], timeout: Option<Duration>) -> io::Result<()> {
    let mut set: Vec<libc::pollfd> = fds
        .iter()
        .map(|fd| fd.as_raw_fd())
        .chain(stop_fd().map(|fd| fd.as_raw_fd()))
        .map(|fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let ms = match timeout {
        None => -1,
        // Rounded up, so that a short timeout still sleeps.
        Some(d) => libc::c_int::try_from(d.as_micros().div_ceil(1000)).unwrap_or(libc::c_int::MAX),
    };
    // A handful of descriptors; a count `nfds_t` cannot hold is an error,
    // never a poll of fewer descriptors than the set has.
    let count = libc::nfds_t::try_from(set.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "too many descriptors"))?;
    // SAFETY: the pointer and count describe `set`, a live array of
    // initialized pollfd structures that the kernel may write (revents) for
    // the length of the call; every descriptor in it is open (borrowed for the
    // call, or the stop pipe, kept open for the life of the process).
    let rc = unsafe { libc::poll(set.as_mut_ptr(), count, ms) };
    if rc < 0 {
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    Ok(())
}

/// True once SIGINT or SIGTERM arrived after [`stop_on_signals`].
pub(crate) fn stopped() -> bool {
    STOPPED.load(Ordering::SeqCst)
}

fn stop_fd() -> Option<BorrowedFd<'static>> {
    STOP_PIPE.get().map(|(read, _)| read.as_fd())
}

/// Signal handler: records the stop and wakes every wait.
extern "C" fn on_stop_signal(_signal: libc::c_int) {
    // Only the first signal writes, so the pipe never fills and the write
    // cannot fail (which would change the errno of the code interrupted).
    if !STOPPED.swap(true, Ordering::SeqCst) {
        let fd = STOP_WRITE.load(Ordering::SeqCst);
        if fd >= 0 {
            let byte = 1u8;
            // SAFETY: write(2) is async-signal-safe; the pointer is to a live
            // local byte and the length is 1; `fd` is the stop pipe's write
            // end, which is never closed.
            let _ = unsafe { libc::write(fd, std::ptr::from_ref(&byte).cast(), 1) };
        }
    }
}

/// Makes SIGINT and SIGTERM set the stop flag and wake every [`poll`]
/// instead of ending the process; a signal that is ignored (the process was
/// started so) stays ignored. Calling it again does nothing more.
///
/// # Errors
///
/// What `pipe`, `fcntl` or `sigaction` say.
///
/// # References
///
/// * [sigaction(2)](https://man7.org/linux/man-pages/man2/sigaction.2.html)
/// * [pipe(2)](https://man7.org/linux/man-pages/man2/pipe.2.html)
pub(crate) fn stop_on_signals() -> io::Result<()> {
    if STOP_PIPE.get().is_none() {
        let pipe = make_pipe()?;
        // A concurrent caller may have won: then its pipe is the one used
        // and this one is closed on drop.
        let _ = STOP_PIPE.set(pipe);
    }
    let Some((_, write)) = STOP_PIPE.get() else {
        return Err(io::Error::other("the stop pipe could not be kept"));
    };
    STOP_WRITE.store(write.as_raw_fd(), Ordering::SeqCst);
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: an all-zero sigaction is a valid value (empty mask, no
        // flags, SIG_DFL), written by the kernel below.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: a null new action only reads the current one into `old`,
        // a valid, writable sigaction.
        if unsafe { libc::sigaction(signal, std::ptr::null(), &mut old) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // A signal the process was started with ignored (`nohup`, a
        // background job of a script) stays ignored, as shells expect.
        if old.sa_sigaction == libc::SIG_IGN {
            continue;
        }
        // SAFETY: as above; filled in below.
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = on_stop_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        // SAFETY: `action` is a valid, initialized sigaction whose handler is
        // async-signal-safe (atomics and write(2) only); the old action is not
        // asked for (null).
        let rc = unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A pipe whose ends are close-on-exec and non-blocking.
fn make_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1 as libc::c_int; 2];
    // SAFETY: `fds` is a writable array of two ints, as pipe(2) requires.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let [read, write] = fds;
    // SAFETY: both are descriptors just made by the kernel that nothing else
    // owns; each OwnedFd closes its one once.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(read), OwnedFd::from_raw_fd(write)) };
    for fd in [&read, &write] {
        for (get, set, flag) in [
            (libc::F_GETFD, libc::F_SETFD, libc::FD_CLOEXEC),
            (libc::F_GETFL, libc::F_SETFL, libc::O_NONBLOCK),
        ] {
            // SAFETY: fcntl on an open descriptor with integer arguments only.
            let flags = unsafe { libc::fcntl(fd.as_raw_fd(), get) };
            // SAFETY: as above.
            if flags < 0 || unsafe { libc::fcntl(fd.as_raw_fd(), set, flags | flag) } < 0 {
                return Err(io::Error::last_os_error());
            }
        }
    }
    Ok((read, write))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    #[cfg_attr(miri, ignore)]
    fn poll_times_out_and_sees_a_readable_descriptor() -> io::Result<()> {
        let (read, write) = make_pipe()?;
        let start = Instant::now();
        poll(&[read.as_fd()], Some(Duration::from_millis(50)))?;
        assert!(start.elapsed() >= Duration::from_millis(45));
        std::io::Write::write_all(&mut std::fs::File::from(write), b"x")?;
        let start = Instant::now();
        poll(&[read.as_fd()], Some(Duration::from_secs(20)))?;
        assert!(start.elapsed() < Duration::from_secs(10));
        Ok(())
    }
}
