//! Files of records mapped into memory: every record of a large file without
//! copying it, in either direction.

use std::fs::File;
use std::io;
use std::iter::FusedIterator;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::entry::{Entry, EntryRef};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::RECORD_SIZE;
use crate::reader::{entries, SliceEntries};
use crate::records::{entries_in, FormatEntries};
use crate::system::mapping::{Mapping, ReadAhead};

/// How far ahead, in records, reading backwards prefetches.
const PREFETCH_RECORDS: usize = 8;

/// How many records are read between two checks of the file's size.
const CHECK_EVERY: usize = 512;
const _: () = assert!(CHECK_EVERY > 0, "the countdown restarts at CHECK_EVERY - 1");

/// A file of records mapped into memory (`mmap`), read-only.
///
/// [`MappedFile::entries`] lends every record without copying, forwards or
/// backwards (`.rev()`, what `last` needs): on a large file in the page
/// cache this is the fastest way in, since nothing is copied out of the
/// kernel and only the parts of each record that are looked at are read.
/// The `utmp` command uses it for regular files.
///
/// Mapping is [`unsafe`](MappedFile::open): the caller promises that nobody
/// truncates or writes the file while it is mapped (see its `# Safety`
/// section and example). As a second line of defence, [`MappedEntries`]
/// checks the file's size every 512 records and ends with an error when it
/// shrank, which narrows the window of a broken promise to microseconds.
/// Reading asks the kernel for the bytes ahead in the reader's direction,
/// 256 KiB at first and twice as many each time up to 4 MiB
/// (`MADV_POPULATE_READ` on Linux, `MADV_WILLNEED` elsewhere), so a
/// backwards pass finds its pages mapped in; nothing beyond that window is
/// touched (reading the last record of a 1 GiB file costs what it costs on
/// 1 MiB), no other thread runs, and dropping the mapping waits for nothing.
#[derive(Debug)]
pub struct MappedFile {
    file: File,
    path: PathBuf,
    /// `None` for an empty file (nothing to map).
    map: Option<Mapping>,
}

impl MappedFile {
    /// A mapped file from its parts (see `MappedFile::open`, in the system
    /// module, where the mapping is made).
    pub(crate) fn from_parts(file: File, path: PathBuf, map: Option<Mapping>) -> Self {
        MappedFile { file, path, map }
    }

    /// The path the file was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's bytes as mapped (its whole length when it was opened).
    pub fn as_bytes(&self) -> &[u8] {
        self.map.as_ref().map_or(&[], Mapping::bytes)
    }

    /// Every record, borrowed from the mapping: in file order, or from the
    /// last with `.rev()`.
    ///
    /// As [`entries`](crate::entries) does, a partial record at the end is
    /// reported once as [`Error::TrailingBytes`] (after the whole records
    /// forwards, before them backwards), here with the path. When the file
    /// has shrunk below its mapped size, the next size check (every 512
    /// records) ends the iteration with an [`Error::Io`] of kind
    /// `UnexpectedEof`.
    pub fn entries(&self) -> MappedEntries<'_> {
        self.entries_range(0..usize::MAX)
    }

    /// The number of whole records in the file as mapped.
    pub fn record_count(&self) -> usize {
        self.as_bytes().len() / RECORD_SIZE
    }

    /// The records whose indexes (counted from 0, in file order) are in
    /// `records`, borrowed from the mapping, as [`MappedFile::entries`]
    /// lends them; a range past the end is cut at the last record.
    ///
    /// For reading a large file in parts, each on its own thread (a
    /// [`MappedFile`] is `Sync`): the parts of a file read one after the
    /// other yield exactly what [`MappedFile::entries`] yields. The part that
    /// reaches the last whole record also reports a partial record after it
    /// ([`Error::TrailingBytes`], with its offset in the file). The kernel's
    /// read-ahead stays within the part, and each part checks the file's
    /// size before its first record and every 512 records.
    ///
    /// ```no_run
    /// # fn main() -> utmp::Result<()> {
    /// // SAFETY: wtmp is only appended to, and rotated by renaming.
    /// let wtmp = unsafe { utmp::MappedFile::open(utmp::wtmp_path())? };
    /// let half = wtmp.record_count() / 2;
    /// let logins = |range| {
    ///     let records = wtmp.entries_range(range);
    ///     records.filter(|e| e.as_ref().is_ok_and(|e| e.is_user_process())).count()
    /// };
    /// let (first, second) = std::thread::scope(|s| {
    ///     let first = s.spawn(|| logins(0..half));
    ///     (first.join(), logins(half..usize::MAX))
    /// });
    /// println!("{} logins", first.unwrap_or(0) + second);
    /// # Ok(()) }
    /// ```
    pub fn entries_range(&self, records: Range<usize>) -> MappedEntries<'_> {
        let bytes = self.as_bytes();
        let whole = bytes.len() / RECORD_SIZE;
        let start = records.start.min(whole);
        let end = records.end.clamp(start, whole);
        // start <= end <= whole, and whole * RECORD_SIZE <= bytes.len().
        #[allow(clippy::arithmetic_side_effects)]
        let from = start * RECORD_SIZE;
        #[allow(clippy::arithmetic_side_effects)]
        let to = if end == whole {
            bytes.len()
        } else {
            end * RECORD_SIZE
        };
        let part = bytes.get(from..to);
        debug_assert!(part.is_some(), "{from}..{to} lies in the mapping");
        MappedEntries {
            inner: entries(part.unwrap_or_default()),
            file: self,
            check: SizeCheck::default(),
            ahead: (ReadAhead::new(), ReadAhead::new()),
            within: from..to,
        }
    }

    /// Every record of `format` (see [`crate::format`]), decoded into owned
    /// entries: in file order, or from the last with `.rev()`. The host
    /// format's records are copied ([`MappedFile::entries`] lends them).
    ///
    /// As for [`MappedFile::entries`], the file's size is checked every 512
    /// records, and errors carry the path; a record that cannot be
    /// represented is an [`Error::Unrepresentable`] item, and reading goes on.
    pub fn entries_in(&self, format: Format) -> MappedFormatEntries<'_> {
        MappedFormatEntries {
            inner: entries_in(self.as_bytes(), format),
            file: self,
            check: SizeCheck::default(),
        }
    }

    /// Tells the system that the records in `records` (indexes as for
    /// [`MappedFile::entries_range`]) are read: on Linux their pages leave
    /// the process (`MADV_DONTNEED`), so that its resident size stays that of
    /// the parts not yet released, and unmapping them at the end costs
    /// nothing. Reading them again is allowed and reads the same bytes
    /// (mapped in again from the page cache). Whole pages only: those the
    /// range shares with other records stay. Elsewhere it does nothing.
    ///
    /// A reader that goes through a large file in parts (see
    /// [`MappedFile::entries_range`]) calls it for each part it is done with.
    pub fn release(&self, records: Range<usize>) {
        if let Some(map) = &self.map {
            let (start, end) = (records.start, records.end);
            // A range past the end of the file releases nothing there.
            let bytes = |i: usize| i.saturating_mul(RECORD_SIZE);
            map.release(bytes(start)..bytes(end));
        }
    }

    /// `Some(error)` when the file is now shorter than what was mapped.
    fn shrank(&self) -> Option<Error> {
        let mapped = self.map.as_ref().map_or(0, Mapping::len) as u64;
        let now = match self.file.metadata() {
            Ok(meta) => meta.len(),
            Err(e) => return Some(Error::io(Some(self.path.clone()), e)),
        };
        (now < mapped).then(|| {
            Error::io(
                Some(self.path.clone()),
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the file shrank from {mapped} to {now} bytes while it was read \
                         (truncated?); reading stopped there"
                    ),
                ),
            )
        })
    }
}

/// The offset in the file of `offset` within the part `within`.
// Both lie in the file, whose length fits a usize and so a u64.
#[allow(clippy::arithmetic_side_effects)]
fn in_file(offset: u64, within: &Range<usize>) -> u64 {
    debug_assert!(offset <= (within.end - within.start) as u64);
    offset + within.start as u64
}

/// The size check both iterators make every [`CHECK_EVERY`] records (the
/// first before the first record).
#[derive(Debug, Default)]
struct SizeCheck {
    /// Records left before the next check; 0: check before the next one.
    countdown: usize,
    /// The check failed (its error was returned): the iteration is over.
    done: bool,
}

impl SizeCheck {
    /// Before each record: `Err(Some(error))` when the file shrank (the
    /// error to return), `Err(None)` once it has, `Ok(true)` when the size
    /// was checked now, `Ok(false)` when it was not due.
    fn before_record(&mut self, file: &MappedFile) -> Result<bool, Option<Error>> {
        if self.done {
            return Err(None);
        }
        if let Some(left) = self.countdown.checked_sub(1) {
            self.countdown = left;
            return Ok(false);
        }
        if let Some(e) = file.shrank() {
            self.done = true;
            return Err(Some(e));
        }
        self.countdown = CHECK_EVERY - 1;
        Ok(true)
    }

    /// After [`SizeCheck::before_record`] for the first of `taken` records
    /// read at once (at most [`SizeCheck::unchecked`] + 1): counts the
    /// others.
    fn took(&mut self, taken: usize) {
        debug_assert!(taken <= self.unchecked().saturating_add(1));
        self.countdown = self.countdown.saturating_sub(taken.saturating_sub(1));
    }

    /// How many records may follow the one just counted before the next
    /// check is due.
    fn unchecked(&self) -> usize {
        self.countdown
    }
}

/// The iterator of [`MappedFile::entries_in`].
#[derive(Debug)]
pub struct MappedFormatEntries<'a> {
    inner: FormatEntries<'a>,
    file: &'a MappedFile,
    check: SizeCheck,
}

impl MappedFormatEntries<'_> {
    fn step(&mut self, forwards: bool) -> Option<Result<Entry>> {
        if let Err(stop) = self.check.before_record(self.file) {
            return stop.map(Err);
        }
        let item = if forwards {
            self.inner.next()?
        } else {
            self.inner.next_back()?
        };
        let path = Some(self.file.path.clone());
        Some(item.map_err(|e| e.with_reader_path(&path)))
    }
}

impl Iterator for MappedFormatEntries<'_> {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        self.step(true)
    }
}

impl DoubleEndedIterator for MappedFormatEntries<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.step(false)
    }
}

impl FusedIterator for MappedFormatEntries<'_> {}

/// The iterator of [`MappedFile::entries`].
#[derive(Debug)]
pub struct MappedEntries<'a> {
    inner: SliceEntries<'a>,
    file: &'a MappedFile,
    check: SizeCheck,
    /// How far the kernel was asked to read ahead, forwards and backwards
    /// (see `Mapping::read_ahead`).
    ahead: (ReadAhead, ReadAhead),
    /// The bytes of the mapping this iterator reads (all of them but for
    /// [`MappedFile::entries_range`]).
    within: Range<usize>,
}

impl<'a> MappedEntries<'a> {
    /// The next record from the front (`forwards`) or the back; the size
    /// check first when it is due, and with it the kernel's read-ahead.
    #[inline]
    fn step(&mut self, forwards: bool) -> Option<Result<EntryRef<'a>>> {
        let checked = match self.check.before_record(self.file) {
            Ok(checked) => checked,
            Err(stop) => return stop.map(Err),
        };
        let item = if forwards {
            self.inner.next()?
        } else {
            self.inner.next_back()?
        };
        if let (Some(map), Ok(e)) = (self.file.map.as_ref(), &item) {
            let here = offset_in(map, e.as_bytes());
            if checked {
                self.read_ahead(map, here, forwards);
            }
            prefetch_ahead(map, here, forwards);
        }
        Some(self.with_path(item))
    }

    /// The next records from the front (`forwards`) or the back at once:
    /// those up to the next size check (at most 512), after the check when
    /// it is due (and with it the kernel's read-ahead); or the error the
    /// iteration yields there instead.
    fn run(&mut self, forwards: bool) -> Option<Result<RecordRun<'a>>> {
        let checked = match self.check.before_record(self.file) {
            Ok(checked) => checked,
            Err(stop) => return stop.map(Err),
        };
        if !forwards {
            // Backwards, a partial record at the end comes first.
            if let Some(e) = self.inner.trailing_error() {
                return Some(Err(self.in_file(e)));
            }
        }
        let records = self
            .inner
            .take_records(self.check.unchecked().saturating_add(1), forwards);
        let Some(first) = (if forwards {
            records.first_chunk::<RECORD_SIZE>()
        } else {
            records.last_chunk::<RECORD_SIZE>()
        }) else {
            // No whole record left: forwards, the partial one's error.
            return self.inner.trailing_error().map(|e| Err(self.in_file(e)));
        };
        // A whole number of records (see `take_records`).
        #[allow(clippy::arithmetic_side_effects)]
        self.check.took(records.len() / RECORD_SIZE);
        let map = self.file.map.as_ref();
        if let Some(map) = map.filter(|_| checked) {
            self.read_ahead(map, offset_in(map, first), forwards);
        }
        Some(Ok(RecordRun { records, map }))
    }

    /// The next records from the front at once, borrowed from the
    /// mapping: those up to the next size check (at most 512 of them),
    /// read after the check when it is due; or the error that the iteration
    /// yields there instead (then `None` for ever). The records of the runs
    /// are those that [`Iterator::next`] yields one by one, mixed with it or
    /// not, with the same checks, but a reader that takes them a run at a
    /// time handles no `Result` per record.
    ///
    /// ```no_run
    /// # fn main() -> utmp::Result<()> {
    /// // SAFETY: wtmp is only appended to, and rotated by renaming.
    /// let wtmp = unsafe { utmp::MappedFile::open(utmp::wtmp_path())? };
    /// let mut records = wtmp.entries();
    /// let mut logins = 0;
    /// while let Some(run) = records.next_run() {
    ///     logins += run?.filter(|e| e.is_user_process()).count();
    /// }
    /// println!("{logins} logins");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// Those of [`MappedFile::entries`]: [`Error::TrailingBytes`] after the
    /// last whole record, [`Error::Io`] when the file shrank.
    #[inline]
    pub fn next_run(&mut self) -> Option<Result<RecordRun<'a>>> {
        self.run(true)
    }

    /// The next records from the back at once, as [`MappedEntries::next_run`]
    /// takes them from the front (a run's records are in file order: read
    /// them newest first with `.rev()`); a partial record at the end is
    /// reported first, as [`DoubleEndedIterator::next_back`] does.
    ///
    /// # Errors
    ///
    /// As for [`MappedEntries::next_run`].
    #[inline]
    pub fn next_back_run(&mut self) -> Option<Result<RecordRun<'a>>> {
        self.run(false)
    }

    /// Asks the kernel for the next megabytes in the reading direction
    /// from `here`, an offset in the mapping (see `Mapping::read_ahead`).
    fn read_ahead(&mut self, map: &Mapping, here: usize, forwards: bool) {
        let ahead = if forwards {
            &mut self.ahead.0
        } else {
            &mut self.ahead.1
        };
        map.read_ahead(ahead, here, forwards, &self.within);
    }

    #[inline]
    fn with_path(&self, item: Result<EntryRef<'a>>) -> Result<EntryRef<'a>> {
        match item {
            Ok(entry) => Ok(entry),
            Err(e) => Err(self.in_file(e)),
        }
    }

    /// An error of the records in `within`, with the path, and the offset
    /// in the file of a partial record at the end.
    #[cold]
    fn in_file(&self, e: Error) -> Error {
        let e = match e {
            Error::TrailingBytes {
                path,
                offset,
                len,
                record_size,
            } => Error::TrailingBytes {
                path,
                offset: in_file(offset, &self.within),
                len,
                record_size,
            },
            other => other,
        };
        e.with_reader_path(&Some(self.file.path.clone()))
    }
}

impl<'a> Iterator for MappedEntries<'a> {
    type Item = Result<EntryRef<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.step(true)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.check.done {
            (0, Some(0))
        } else {
            // A size check may end it early, or add its error (no upper
            // bound when that one more does not fit a usize).
            let (_, hi) = self.inner.size_hint();
            (0, hi.and_then(|n| n.checked_add(1)))
        }
    }
}

impl DoubleEndedIterator for MappedEntries<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.step(false)
    }
}

impl FusedIterator for MappedEntries<'_> {}

/// The offset in `map` of `record`, which lies in it (every record a
/// [`MappedEntries`] lends does: it iterates over the mapping's bytes).
#[inline]
fn offset_in(map: &Mapping, record: &[u8]) -> usize {
    let here = (record.as_ptr() as usize).wrapping_sub(map.bytes().as_ptr() as usize);
    debug_assert!(here < map.len(), "a mapped record outside its mapping");
    here
}

/// Asks for the record [`PREFETCH_RECORDS`] places from the one at `here`
/// in the reading direction while that one is decoded (the hardware
/// prefetchers stop at page boundaries, and follow descending streams
/// poorly).
#[inline]
fn prefetch_ahead(map: &Mapping, here: usize, forwards: bool) {
    const STEP: usize = PREFETCH_RECORDS * RECORD_SIZE;
    // Past either end of the mapping there is nothing to prefetch.
    let ahead = if forwards {
        here.checked_add(STEP)
    } else {
        here.checked_sub(STEP)
    };
    if let Some(at) = ahead {
        map.prefetch(at, RECORD_SIZE);
    }
}

/// Records of a mapped file read at once, after one size check
/// ([`MappedEntries::next_run`], [`MappedEntries::next_back_run`]):
/// borrowed entries, in file order, or from the last with `.rev()`; no
/// errors (the checks were made).
#[derive(Debug, Clone)]
pub struct RecordRun<'a> {
    /// Whole records: a multiple of [`RECORD_SIZE`] long.
    records: &'a [u8],
    /// What they lie in (`None` only for an empty file).
    map: Option<&'a Mapping>,
}

impl<'a> Iterator for RecordRun<'a> {
    type Item = EntryRef<'a>;

    #[inline]
    fn next(&mut self) -> Option<EntryRef<'a>> {
        let (record, rest) = self.records.split_first_chunk::<RECORD_SIZE>()?;
        self.records = rest;
        if let Some(map) = self.map {
            prefetch_ahead(map, offset_in(map, record), true);
        }
        Some(EntryRef::from_array(record))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        // RECORD_SIZE is not 0.
        #[allow(clippy::arithmetic_side_effects)]
        let n = self.records.len() / RECORD_SIZE;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for RecordRun<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        let (rest, record) = self.records.split_last_chunk::<RECORD_SIZE>()?;
        self.records = rest;
        if let Some(map) = self.map {
            prefetch_ahead(map, offset_in(map, record), false);
        }
        Some(EntryRef::from_array(record))
    }
}

impl ExactSizeIterator for RecordRun<'_> {}
impl FusedIterator for RecordRun<'_> {}
