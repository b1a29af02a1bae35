//! Following a file of login records as it is written, like `tail -F` for
//! wtmp and btmp (`utmpdump -f`, `last --follow`), through log rotation.
//!
//! A [`Follower`] yields [`Event`]s: each new whole record once, in file
//! order ([`Event::Record`]), and what happened to the file:
//!
//! * **rotation** (logrotate's `create`: the path renamed, a new file made in
//!   its place) and a file **deleted and created again**: the old file is read
//!   to its end through the descriptor still open on it, then
//!   [`Event::Reopened`], then the new file from its first record;
//! * **truncation** (logrotate's `copytruncate`, `> wtmp`): [`Event::Truncated`],
//!   then the file again from its start. A file truncated and already written
//!   past the old position is told apart by the last record read, which is
//!   read again and compared;
//! * a **partial record** at the end (a write in progress) is never yielded:
//!   it waits for the rest. When a file is left with one (rotated or
//!   truncated), [`Event::Incomplete`] says where;
//! * a new file that cannot be opened (permission denied) is an `Err` item
//!   (once, until it changes); the follower keeps waiting and reads the file
//!   once it can.
//!
//! Errors are never the end: after an `Err` item the follower goes on. It
//! ends (the iterator returns `None`) only after [`stop_on_signals`] and a
//! SIGINT or SIGTERM.
//!
//! # Waiting
//!
//! On Linux the follower sleeps in `poll(2)` on an inotify instance watching
//! the file and its directory, and wakes when either changes: no CPU time
//! while nothing happens, and a new record is seen within microseconds.
//! Elsewhere, when inotify cannot start (the per-user limit), and with
//! [`FollowOptions::poll`] (for network file systems, whose changes made on
//! another machine inotify does not see), it looks at the file every
//! interval ([`DEFAULT_POLL_INTERVAL`] by default).
//!
//! ```no_run
//! # fn main() -> utmp::Result<()> {
//! use utmp::follow::{Event, Follower};
//! for event in Follower::open(utmp::wtmp_path())? {
//!     match event? {
//!         Event::Record(entry) if entry.is_user_process() => {
//!             println!("login: {} on {}", entry.user_lossy(), entry.line_lossy());
//!         }
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! A wtmpdb database (SQLite) is not followed here: this follows files of
//! fixed-size records.

use std::collections::VecDeque;
use std::fs::{File, Metadata};
use std::io;
use std::iter::FusedIterator;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::entry::{Entry, EntryRef};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::RECORD_SIZE;
use crate::system::wait;

/// How often a polling follower looks at its file, unless told otherwise
/// (`utmpdump -f` polls every second too).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// The shortest poll interval accepted (shorter ones are raised to it), so
/// that a follower cannot be made to spin.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(1);

/// At most this many records are read at once.
const BLOCK_RECORDS: usize = 256;

/// The record format followed: the one place that knows how long a record is
/// and how its bytes become an [`Entry`] (any [`Format`] of fixed-size
/// records; the host's by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RecordFormat {
    format: Format,
    size: usize,
}

impl RecordFormat {
    /// The host's records: its `struct utmpx` on Linux and NetBSD, the
    /// format of its files elsewhere (FreeBSD's 197-byte `futx`).
    const HOST: RecordFormat = RecordFormat {
        format: Format::HOST,
        size: match Format::HOST.record_size() {
            Some(size) => size,
            None => RECORD_SIZE,
        },
    };

    /// `format`'s records; an error for FreeBSD's `utx.log`, whose records
    /// vary in size (a follower reads fixed-size records).
    fn new(format: Format, path: &Path) -> Result<RecordFormat> {
        if format.is_host() {
            return Ok(RecordFormat::HOST);
        }
        match format.record_size() {
            Some(size) if size > 0 => Ok(RecordFormat { format, size }),
            _ => Err(Error::UnknownFormat {
                path: Some(path.to_owned()),
                reason: format!(
                    "{format} has records of varying size, which cannot be followed \
                     (follow utx.active, or read utx.log whole)"
                ),
            }),
        }
    }

    /// The record size in bytes (never 0).
    fn size(self) -> u64 {
        self.size as u64
    }

    /// The entry whose bytes these are: `None` unless `bytes` is one record,
    /// `Some(Err)` for a record of another format that this host's entry
    /// cannot hold ([`Error::Unrepresentable`]).
    fn decode(self, bytes: &[u8]) -> Option<Result<Entry>> {
        if bytes.len() != self.size {
            return None;
        }
        if self.format.is_host() {
            return EntryRef::from_slice(bytes).map(|e| Ok(e.to_entry()));
        }
        Some(self.format.decode(bytes))
    }
}

const _: () = assert!(RECORD_SIZE > 0 && RecordFormat::HOST.size > 0);

/// Where a follower starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Start {
    /// With the first record of the file: everything, then what comes.
    Beginning,
    /// After the last whole record: new records only (like `tail -f -n 0`).
    /// A partial record at the end is yielded once it is whole.
    #[default]
    End,
    /// With the last N whole records (`utmpdump -f` shows the last 10).
    Last(usize),
}

/// How a follower waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Wait {
    /// inotify where there is one (Linux), polling at
    /// [`DEFAULT_POLL_INTERVAL`] elsewhere or when it cannot start.
    #[default]
    Auto,
    /// Look at the file every interval (at least [`MIN_POLL_INTERVAL`]).
    Poll(Duration),
}

/// Options for a [`Follower`], in the manner of `std::fs::OpenOptions`.
///
/// ```no_run
/// # fn main() -> utmp::Result<()> {
/// use std::time::Duration;
/// use utmp::follow::{FollowOptions, Start};
/// let follower = FollowOptions::new()
///     .start(Start::Beginning)
///     .poll(Duration::from_millis(500))
///     .open("/var/log/wtmp")?;
/// # drop(follower); Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FollowOptions {
    start: Start,
    wait: Wait,
    format: Option<Format>,
}

impl FollowOptions {
    /// Start at the end, wait with inotify where there is one.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where to start.
    #[must_use]
    pub fn start(mut self, start: Start) -> Self {
        self.start = start;
        self
    }

    /// How to wait.
    #[must_use]
    pub fn wait(mut self, wait: Wait) -> Self {
        self.wait = wait;
        self
    }

    /// The file's record format (the host's by default). Formats of
    /// fixed-size records only: FreeBSD's `utx.log` cannot be followed.
    #[must_use]
    pub fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// Poll every `interval` instead of being told by the kernel
    /// (`.wait(Wait::Poll(interval))`).
    #[must_use]
    pub fn poll(self, interval: Duration) -> Self {
        self.wait(Wait::Poll(interval))
    }

    /// Opens `path` and follows it.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with the path when it cannot be opened or examined
    /// (missing, permission denied), or is not a regular file (a FIFO or a
    /// terminal cannot be followed: there is no position to come back to).
    pub fn open(self, path: impl AsRef<Path>) -> Result<Follower> {
        Follower::with_options(path.as_ref(), self)
    }
}

/// What a [`Follower`] yields.
// Records are nearly every event: boxing them would allocate for each one to
// save space on the rare others.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A new whole record.
    Record(Entry),
    /// The path now names another file (rotated: renamed and made again; or
    /// deleted and made again). Every record of the old one has been
    /// yielded; the next ones are the new file's, from its first.
    Reopened,
    /// The file became shorter than what had been read (logrotate's
    /// `copytruncate`, or emptied by hand): it is read again from its start.
    Truncated {
        /// How far it had been read.
        offset: u64,
        /// Its length when the truncation was seen.
        len: u64,
    },
    /// A file was left (rotated or truncated) with a partial record at its
    /// end, which was never completed and is skipped.
    Incomplete {
        /// Where the partial record starts.
        offset: u64,
        /// How many of its bytes there are.
        len: u64,
    },
    /// A whole record of another format that this host's entry cannot hold
    /// (a time beyond this host's `tv_sec`, a field it lacks): skipped, and
    /// said, never dropped silently ([`Error::Unrepresentable`]).
    Unrepresentable {
        /// Where the record starts.
        offset: u64,
        /// What does not fit.
        reason: String,
    },
}

/// The file being read.
#[derive(Debug)]
struct Current {
    file: File,
    /// Device and inode: which file the path named.
    id: (u64, u64),
    /// The position of the next record to read (a record boundary).
    offset: u64,
    /// The last record read (before `offset`), to notice a file truncated and
    /// written again past `offset` between two looks.
    last: Option<Vec<u8>>,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    watch: Option<i32>,
}

/// How the follower is waiting.
#[derive(Debug)]
enum Waiter {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Inotify {
        inotify: crate::system::inotify::Inotify,
        /// The watch on the file's directory, when it could be added.
        dir: Option<i32>,
    },
    Poll,
}

/// Follows a file of login records as it is written; see the
/// [module docs](self).
///
/// As an iterator it blocks until the next event and never ends, except
/// after [`stop_on_signals`] and a signal. [`Follower::wait_event`] waits
/// at most a given time.
#[derive(Debug)]
pub struct Follower {
    path: PathBuf,
    format: RecordFormat,
    current: Option<Current>,
    queue: VecDeque<Event>,
    /// An error to yield before waiting again.
    error: Option<Error>,
    /// The error last reported about the path (its kind and the file), so
    /// that a lasting problem is reported once, not at every look.
    reported: Option<(io::ErrorKind, Option<(u64, u64)>)>,
    waiter: Waiter,
    interval: Duration,
    buf: Vec<u8>,
    /// The last look failed: sleep before the next one, so that a lasting
    /// read error is not retried in a busy loop.
    failed: bool,
}

fn identity(meta: &Metadata) -> (u64, u64) {
    (meta.dev(), meta.ino())
}

fn not_regular(path: &Path) -> Error {
    Error::io(
        Some(path.to_owned()),
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file: only a file can be followed",
        ),
    )
}

impl Follower {
    /// Follows `path` from its end, waiting with inotify where there is one
    /// (`FollowOptions::new().open(path)`).
    ///
    /// # Errors
    ///
    /// As [`FollowOptions::open`].
    pub fn open(path: impl AsRef<Path>) -> Result<Follower> {
        FollowOptions::new().open(path)
    }

    fn with_options(path: &Path, options: FollowOptions) -> Result<Follower> {
        let format = match options.format {
            Some(f) => RecordFormat::new(f, path)?,
            None => RecordFormat::HOST,
        };
        let io_err = |e| Error::io(Some(path.to_owned()), e);
        let file = File::open(path).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if !meta.is_file() {
            return Err(not_regular(path));
        }
        let size = meta.len();
        let whole = size.saturating_sub(size.checked_rem(format.size()).unwrap_or(0));
        let offset = match options.start {
            Start::Beginning => 0,
            Start::End => whole,
            Start::Last(n) => whole.saturating_sub(
                u64::try_from(n)
                    .unwrap_or(u64::MAX)
                    .saturating_mul(format.size()),
            ),
        };
        let (waiter, interval) = match options.wait {
            Wait::Poll(d) => (Waiter::Poll, d.max(MIN_POLL_INTERVAL)),
            Wait::Auto => (Self::notifier(path), DEFAULT_POLL_INTERVAL),
        };
        let mut follower = Follower {
            path: path.to_owned(),
            format,
            current: None,
            queue: VecDeque::new(),
            error: None,
            reported: None,
            waiter,
            interval,
            buf: Vec::new(),
            failed: false,
        };
        let mut current = Current {
            file,
            id: identity(&meta),
            offset,
            last: None,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            watch: None,
        };
        if let Some(back) = offset.checked_sub(format.size()) {
            current.last = follower.read_at(&current.file, back, format.size)?;
        }
        follower.watch_file(&mut current);
        follower.current = Some(current);
        Ok(follower)
    }

    /// An inotify waiter watching the directory of `path`, or polling when
    /// there is no inotify or it cannot start.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn notifier(path: &Path) -> Waiter {
        use crate::system::inotify::{Inotify, DIR_EVENTS};
        let Ok(inotify) = Inotify::new() else {
            return Waiter::Poll;
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let dir = inotify.add_watch(dir, DIR_EVENTS).ok();
        Waiter::Inotify { inotify, dir }
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    fn notifier(_path: &Path) -> Waiter {
        Waiter::Poll
    }

    /// Adds the inotify watch on the file the path names now (the one just
    /// opened, unless it was replaced meanwhile, which the next look sees).
    fn watch_file(&mut self, current: &mut Current) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Waiter::Inotify { inotify, .. } = &self.waiter {
            current.watch = inotify
                .add_watch(&self.path, crate::system::inotify::FILE_EVENTS)
                .ok();
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let _ = current;
    }

    fn unwatch_file(&mut self, current: &Current) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let (Waiter::Inotify { inotify, .. }, Some(wd)) = (&self.waiter, current.watch) {
            inotify.remove_watch(wd);
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let _ = current;
    }

    /// The path followed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The poll interval, or `None` while the kernel says when the file
    /// changes (inotify watches on the file and its directory).
    pub fn poll_interval(&self) -> Option<Duration> {
        match &self.waiter {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Waiter::Inotify { dir: Some(_), .. }
                if self.current.as_ref().is_none_or(|c| c.watch.is_some()) =>
            {
                None
            }
            _ => Some(self.interval),
        }
    }

    /// The byte offset of the next record to read in the current file
    /// (`None` while no file is open: the path was replaced by one that
    /// cannot be opened).
    pub fn offset(&self) -> Option<u64> {
        self.current.as_ref().map(|c| c.offset)
    }

    /// True once a stop signal arrived (see [`stop_on_signals`]).
    pub fn is_stopped(&self) -> bool {
        wait::stopped()
    }

    /// The next event, waiting at most `timeout` for it (`None`: as long as
    /// it takes). `Ok(None)` when the time passed, or when a stop signal
    /// arrived ([`Follower::is_stopped`]). A zero timeout never sleeps: it
    /// takes what is there.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with the path: reading the file failed, or the file now
    /// at the path cannot be opened (reported once; the follower keeps
    /// looking). An error does not end the follower.
    pub fn wait_event(&mut self, timeout: Option<Duration>) -> Result<Option<Event>> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            if wait::stopped() {
                return Ok(None);
            }
            if let Some(event) = self.queue.pop_front() {
                return Ok(Some(event));
            }
            if let Some(e) = self.error.take() {
                return Err(e);
            }
            if !std::mem::take(&mut self.failed) {
                match self.look() {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => {
                        self.failed = true;
                        return Err(e);
                    }
                }
            }
            let left = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Ok(None),
                },
                None if timeout.is_some() => return Ok(None),
                None => None,
            };
            self.sleep(left)?;
        }
    }

    /// Sleeps until the file may have changed, at most `left`.
    fn sleep(&mut self, left: Option<Duration>) -> Result<()> {
        let poll_every = self.poll_interval();
        let timeout = match (left, poll_every) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let io_err = |e| Error::io(Some(self.path.clone()), e);
        match &mut self.waiter {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Waiter::Inotify { inotify, .. } => {
                wait::poll(&[inotify.fd()], timeout).map_err(io_err)?;
                inotify.drain().map_err(io_err)?;
            }
            Waiter::Poll => wait::poll(&[], timeout).map_err(io_err)?,
        }
        Ok(())
    }

    /// Reads `len` bytes at `offset` (fewer at the end of the file).
    fn read_at(&mut self, file: &File, offset: u64, len: usize) -> Result<Option<Vec<u8>>> {
        let mut out = vec![0; len];
        let mut got = 0usize;
        while let Some(rest) = out.get_mut(got..).filter(|r| !r.is_empty()) {
            match file.read_at(rest, offset.saturating_add(got as u64)) {
                Ok(0) => break,
                Ok(n) => got = got.saturating_add(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(Some(self.path.clone()), e)),
            }
        }
        Ok((got == len).then_some(out))
    }

    /// One look: reads what the current file has, or notices that the path
    /// names another file. True when it queued something.
    fn look(&mut self) -> Result<bool> {
        if let Some(mut current) = self.current.take() {
            let read = self.read_current(&mut current);
            self.current = Some(current);
            if read? {
                return Ok(true);
            }
        }
        self.look_at_path()
    }

    /// Reads up to a block of whole records from the current file, after
    /// checking that it was not truncated. True when it queued something.
    fn read_current(&mut self, current: &mut Current) -> Result<bool> {
        let rs = self.format.size();
        let size = current
            .file
            .metadata()
            .map_err(|e| Error::io(Some(self.path.clone()), e))?
            .len();
        let rewritten = match (&current.last, current.offset.checked_sub(rs)) {
            (Some(last), Some(back)) if size >= current.offset => {
                self.read_at(&current.file, back, self.format.size)?
                    .as_ref()
                    != Some(last)
            }
            _ => false,
        };
        let mut queued = false;
        if size < current.offset || rewritten {
            self.queue.push_back(Event::Truncated {
                offset: current.offset,
                len: size,
            });
            current.offset = 0;
            current.last = None;
            queued = true;
        }
        let available = size.saturating_sub(current.offset);
        let whole = available.saturating_sub(available.checked_rem(rs).unwrap_or(0));
        let want = usize::try_from(whole)
            .unwrap_or(usize::MAX)
            .min(BLOCK_RECORDS.saturating_mul(self.format.size));
        if want == 0 {
            return Ok(queued);
        }
        self.buf.resize(want, 0);
        let mut got = 0usize;
        while let Some(rest) = self.buf.get_mut(got..).filter(|r| !r.is_empty()) {
            match current
                .file
                .read_at(rest, current.offset.saturating_add(got as u64))
            {
                Ok(0) => break,
                Ok(n) => got = got.saturating_add(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(Some(self.path.clone()), e)),
            }
        }
        // `got` counts bytes read into `buf[got..]`, so it never passes
        // `buf.len()`; the empty slice is a release-build fallback only.
        debug_assert!(got <= self.buf.len());
        let records = self.buf.get(..got).unwrap_or_default();
        for chunk in records.chunks_exact(self.format.size) {
            match self.format.decode(chunk) {
                Some(Ok(entry)) => {
                    self.queue.push_back(Event::Record(entry));
                    queued = true;
                }
                Some(Err(e)) => {
                    self.queue.push_back(Event::Unrepresentable {
                        offset: current.offset,
                        reason: e.to_string(),
                    });
                    queued = true;
                }
                None => {}
            }
            current.last = Some(chunk.to_vec());
            current.offset = current.offset.saturating_add(rs);
        }
        Ok(queued)
    }

    /// Looks at what the path names now. True when it queued something.
    fn look_at_path(&mut self) -> Result<bool> {
        let meta = match std::fs::metadata(&self.path) {
            Ok(meta) => meta,
            // Renamed or deleted, not made again yet: the old file (if any)
            // stays open and is read while it grows.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return self.report(e, None),
        };
        let id = identity(&meta);
        if self.current.as_ref().is_some_and(|c| c.id == id) {
            self.reported = None;
            return Ok(false);
        }
        if let Some(mut old) = self.current.take() {
            // Finish the old file: anything written to it since the last
            // read comes before the new file's records.
            let read = self.read_current(&mut old);
            if read? {
                self.current = Some(old);
                return Ok(true);
            }
            let size = old.file.metadata().map(|m| m.len()).unwrap_or(old.offset);
            if size > old.offset {
                self.queue.push_back(Event::Incomplete {
                    offset: old.offset,
                    len: size.saturating_sub(old.offset),
                });
            }
            self.unwatch_file(&old);
            self.queue.push_back(Event::Reopened);
        }
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(!self.queue.is_empty()),
            Err(e) => {
                let queued = !self.queue.is_empty();
                return self.report(e, Some(id)).map(|q| q || queued);
            }
        };
        let meta = match file.metadata() {
            Ok(m) => m,
            Err(e) => return self.report(e, Some(id)),
        };
        if !meta.is_file() {
            let err = not_regular(&self.path);
            return self.report_error(err, io::ErrorKind::InvalidInput, Some(id));
        }
        self.reported = None;
        let mut current = Current {
            file,
            id: identity(&meta),
            offset: 0,
            last: None,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            watch: None,
        };
        self.watch_file(&mut current);
        self.current = Some(current);
        Ok(true)
    }

    /// Queues `e` unless the same problem with the same file was reported
    /// last time. Always true when something was queued.
    fn report(&mut self, e: io::Error, id: Option<(u64, u64)>) -> Result<bool> {
        let kind = e.kind();
        self.report_error(Error::io(Some(self.path.clone()), e), kind, id)
    }

    fn report_error(
        &mut self,
        e: Error,
        kind: io::ErrorKind,
        id: Option<(u64, u64)>,
    ) -> Result<bool> {
        if self.reported == Some((kind, id)) {
            return Ok(!self.queue.is_empty());
        }
        self.reported = Some((kind, id));
        self.error = Some(e);
        Ok(true)
    }
}

impl Iterator for Follower {
    type Item = Result<Event>;

    /// Waits for the next event; `None` only after a stop signal (see
    /// [`stop_on_signals`]).
    fn next(&mut self) -> Option<Self::Item> {
        self.wait_event(None).transpose()
    }
}

impl FusedIterator for Follower {}

/// Makes SIGINT (Ctrl-C) and SIGTERM end every follower of the process
/// instead of the process: a follower's wait returns at once, and its
/// iterator ends, so the program can finish its output and exit normally.
/// For programs (like `utmp dump -f`) that follow until told to stop; it
/// replaces the process's handlers for those two signals for good, except
/// that a signal ignored when it is called (`nohup`, a background job of a
/// script) stays ignored.
///
/// # Errors
///
/// [`Error::Io`] when the handlers cannot be installed.
pub fn stop_on_signals() -> Result<()> {
    wait::stop_on_signals().map_err(|e| Error::io(None, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follower_and_its_events_can_move_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Follower>();
        assert_send_sync::<Event>();
    }

    #[test]
    fn the_host_format_decodes_exactly_one_record() {
        let f = RecordFormat::HOST;
        assert_eq!(f.size(), RECORD_SIZE as u64);
        let bytes = vec![7u8; RECORD_SIZE];
        assert_eq!(
            f.decode(&bytes).map(|e| e.unwrap().as_bytes().to_vec()),
            Some(bytes.clone())
        );
        assert!(f.decode(&bytes[1..]).is_none());
    }
}
