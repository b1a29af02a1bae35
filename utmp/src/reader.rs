//! The direct reader: records from bytes, with no C library state.
//!
//! It reads the format that this platform's C library writes to its files: a
//! sequence of `struct utmpx` (see [`RECORD_SIZE`]). Three ways in:
//!
//! * [`entries`]: a byte slice (a slurped file), yielding borrowed
//!   [`EntryRef`]s without copying; [`MappedFile`](crate::MappedFile) does
//!   the same over a file mapped into memory;
//! * [`Reader::open`]: a file by path, streamed in large blocks in constant memory;
//! * [`Reader::new`]: any [`std::io::Read`] (stdin, a pipe, a decompressor).
//!
//! Every whole record is delivered; a partial record at the end is then
//! reported once as [`Error::TrailingBytes`] with its byte offset. Unknown
//! `ut_type` values are kept, never an error.

use std::fs::File;
use std::io::{self, Read};
use std::iter::FusedIterator;
use std::path::{Path, PathBuf};

use crate::entry::{Entry, EntryRef};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::RECORD_SIZE;

/// How many records one read asks for.
const BLOCK_RECORDS: usize = 512;

/// Borrowed entries over `bytes`, in file order (or backwards with `.rev()`).
///
/// When `bytes.len()` is not a multiple of [`RECORD_SIZE`], the iterator ends
/// with one [`Error::TrailingBytes`] after the last whole record.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// let bytes = std::fs::read("/var/log/wtmp").unwrap_or_default();
/// for entry in utmp::entries(&bytes) {
///     let entry = entry?;
///     println!("{} {}", entry.user_lossy(), entry.line_lossy());
/// }
/// # Ok(()) }
/// ```
pub fn entries(bytes: &[u8]) -> SliceEntries<'_> {
    // `len % RECORD_SIZE` is at most `len` (and RECORD_SIZE, a const, is not 0).
    #[allow(clippy::arithmetic_side_effects)]
    let whole = bytes.len() - bytes.len() % RECORD_SIZE;
    let (records, rest) = bytes.split_at(whole);
    SliceEntries {
        records,
        trailing: rest.len(),
        offset: whole as u64,
    }
}

/// The iterator of [`entries`].
#[derive(Debug, Clone)]
pub struct SliceEntries<'a> {
    /// The whole records not read yet: a multiple of [`RECORD_SIZE`] long.
    records: &'a [u8],
    trailing: usize,
    offset: u64,
}

impl SliceEntries<'_> {
    /// The partial record's error, once: what the iteration yields after
    /// the whole records (before them backwards).
    pub(crate) fn trailing_error(&mut self) -> Option<Error> {
        if self.trailing == 0 {
            return None;
        }
        let len = std::mem::take(&mut self.trailing);
        Some(Error::TrailingBytes {
            path: None,
            offset: self.offset,
            len,
            record_size: RECORD_SIZE,
        })
    }
}

impl<'a> SliceEntries<'a> {
    /// Takes up to `n` whole records off the front (`forwards`) or the
    /// back: their bytes, a multiple of [`RECORD_SIZE`] long, empty when no
    /// whole record is left (the partial one stays for
    /// [`SliceEntries::trailing_error`]).
    pub(crate) fn take_records(&mut self, n: usize, forwards: bool) -> &'a [u8] {
        let len = n.saturating_mul(RECORD_SIZE).min(self.records.len());
        let (taken, rest) = if forwards {
            self.records.split_at(len)
        } else {
            let (rest, taken) = self
                .records
                .split_at(self.records.len().saturating_sub(len));
            (taken, rest)
        };
        self.records = rest;
        taken
    }
}

impl<'a> Iterator for SliceEntries<'a> {
    type Item = Result<EntryRef<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self.records.split_first_chunk::<RECORD_SIZE>() {
            Some((record, rest)) => {
                self.records = rest;
                Some(Ok(EntryRef::from_array(record)))
            }
            None => self.trailing_error().map(Err),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // `records` counts whole records of a slice, far below usize::MAX,
        // so one more cannot overflow.
        #[allow(clippy::arithmetic_side_effects)]
        let n = self.records.len() / RECORD_SIZE + usize::from(self.trailing != 0);
        (n, Some(n))
    }
}

impl DoubleEndedIterator for SliceEntries<'_> {
    /// From the end: the trailing error (if any) comes first, then the records
    /// last to first.
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        if let Some(err) = self.trailing_error() {
            return Some(Err(err));
        }
        let (rest, record) = self.records.split_last_chunk::<RECORD_SIZE>()?;
        self.records = rest;
        Some(Ok(EntryRef::from_array(record)))
    }
}

impl ExactSizeIterator for SliceEntries<'_> {}
impl FusedIterator for SliceEntries<'_> {}

/// A streaming reader of records from a file or any [`Read`].
///
/// As an [`Iterator`] it yields owned [`Entry`]s; [`Reader::next_ref`] lends a
/// borrowed one without copying. Memory use is one block of records, whatever
/// the size of the input. Short reads (pipes, growing files) are retried until a record is whole or
/// the input ends.
#[derive(Debug)]
pub struct Reader<R> {
    inner: R,
    path: Option<PathBuf>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Byte offset in the input of `buf[start]`.
    offset: u64,
    done: bool,
    /// The records' format; the host's unless [`Reader::with_format`] said otherwise.
    format: Format,
    /// The last record of another format, decoded (what `next_ref` lends).
    scratch: Entry,
    /// `format` is not the host's (kept as a flag for the per-record test).
    foreign: bool,
}

impl Reader<File> {
    /// Opens a file of records.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with the path when the file cannot be opened (see
    /// [`Error::kind`] for not-found and permission-denied).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(Some(path.to_owned()), e))?;
        let mut reader = Reader::new(file);
        reader.path = Some(path.to_owned());
        Ok(reader)
    }
}

impl<R: Read> Reader<R> {
    /// A reader of records from `inner`.
    pub fn new(inner: R) -> Self {
        Reader {
            inner,
            path: None,
            buf: vec![0; RECORD_SIZE * BLOCK_RECORDS],
            start: 0,
            end: 0,
            offset: 0,
            done: false,
            format: Format::HOST,
            scratch: Entry::zeroed(),
            // FreeBSD, macOS, illumos: the host's files are transcoded too.
            foreign: false,
        }
        .with_format(Format::HOST)
    }

    /// Reads records of `format` instead of the host's (see
    /// [`crate::format`]): each is decoded into an entry; FreeBSD's
    /// `utx.log` is read along its length chain. A record that cannot be
    /// represented is an [`Error::Unrepresentable`] item, and reading goes on.
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = format;
        self.foreign = !format.is_host();
        if let Some(size) = format.record_size() {
            self.buf = vec![0; size.saturating_mul(BLOCK_RECORDS).max(RECORD_SIZE)];
        }
        self
    }

    /// The format being read.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Names the input in errors (for a reader made with [`Reader::new`]).
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Byte offset of the next record in the input.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Makes sure a whole record is buffered. `Ok(false)` at a clean end.
    fn fill(&mut self) -> Result<bool> {
        self.fill_n(RECORD_SIZE)
    }

    /// Makes sure `need` bytes are buffered (`need` <= the buffer's length).
    /// `Ok(false)` at a clean end.
    fn fill_n(&mut self, need: usize) -> Result<bool> {
        // Invariant: start <= end <= buf.len(). The saturating subtractions
        // below are the release fallback should it break (read as empty).
        debug_assert!(self.start <= self.end && self.end <= self.buf.len());
        if self.end.saturating_sub(self.start) >= need {
            return Ok(true);
        }
        self.buf.copy_within(self.start..self.end, 0);
        self.end = self.end.saturating_sub(self.start);
        self.start = 0;
        while self.end < self.buf.len() {
            let Some(space) = self.buf.get_mut(self.end..) else {
                break;
            };
            let room = space.len();
            match self.inner.read(space) {
                Ok(0) => break,
                // `room` is `buf.len() - end`, so `end + n` is at most `buf.len()`.
                #[allow(clippy::arithmetic_side_effects)]
                Ok(n) if n <= room => self.end += n,
                Ok(n) => {
                    // A broken `Read` impl: trusting it would index past the buffer.
                    self.done = true;
                    let msg = format!("read returned {n} bytes into a {room}-byte buffer");
                    return Err(Error::io(
                        self.path.clone(),
                        io::Error::new(io::ErrorKind::InvalidData, msg),
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.done = true;
                    return Err(Error::io(self.path.clone(), e));
                }
            }
            if self.end >= need && self.end.checked_rem(need) == Some(0) {
                break;
            }
        }
        if self.end >= need {
            return Ok(true);
        }
        self.finish(need)
    }

    /// The input has ended with less than a record buffered: the end, or the
    /// partial record.
    fn finish(&mut self, record_size: usize) -> Result<bool> {
        self.done = true;
        let len = self.end.saturating_sub(self.start);
        if len == 0 {
            return Ok(false);
        }
        Err(Error::TrailingBytes {
            path: self.path.clone(),
            offset: self.offset,
            len,
            record_size,
        })
    }

    /// The next record, borrowed from the reader's buffer (no copy).
    ///
    /// # Errors
    ///
    /// An I/O error, or [`Error::TrailingBytes`] once after the last whole
    /// record when the input ends inside a record. After an error the reader
    /// is finished.
    pub fn next_ref(&mut self) -> Option<Result<EntryRef<'_>>> {
        if self.done {
            return None;
        }
        if self.foreign {
            return self.next_foreign();
        }
        // The usual case, a whole record buffered, without a call.
        if self.end.saturating_sub(self.start) < RECORD_SIZE {
            match self.fill() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
        let at = self.start;
        // fill() made sure a whole record lies at `at`, inside the buffer
        // (start <= end <= buf.len(), a buffer far below usize::MAX).
        debug_assert!(self.end <= self.buf.len() && self.end.wrapping_sub(at) >= RECORD_SIZE);
        self.start = at.wrapping_add(RECORD_SIZE);
        // The offset counts the input's bytes: checked, as it depends on
        // the input (it cannot reach u64::MAX in practice).
        self.offset = self.offset.saturating_add(RECORD_SIZE as u64);
        let record = self.buf.get(at..self.start).and_then(EntryRef::from_slice);
        debug_assert!(record.is_some(), "fill() buffers a whole record");
        record.map(Ok)
    }
}

impl<R: Read> Reader<R> {
    /// `next_ref` for a format other than the host's (kept out of line, so
    /// that the host's path stays as small as it was).
    #[inline(never)]
    fn next_foreign(&mut self) -> Option<Result<EntryRef<'_>>> {
        let (skip, len) = match self.format.record_size() {
            Some(size) => match self.fill_n(size) {
                Ok(true) => (0, size),
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
            },
            // utx.log: a big-endian length, then that many bytes (0: skipped).
            None => loop {
                match self.fill_n(2) {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(e) => return Some(Err(e)),
                }
                let prefix = self
                    .buf
                    .get(self.start..self.start.saturating_add(2))
                    .and_then(|b| <[u8; 2]>::try_from(b).ok())
                    .map_or(0, u16::from_be_bytes);
                let len = usize::from(prefix);
                if len == 0 {
                    self.start = self.start.saturating_add(2);
                    self.offset = self.offset.saturating_add(2);
                    continue;
                }
                match self.fill_n(len.saturating_add(2)) {
                    Ok(true) => break (2, len),
                    Ok(false) => return None,
                    Err(e) => return Some(Err(e)),
                }
            },
        };
        let at = self.start.saturating_add(skip);
        let end = at.saturating_add(len);
        let offset = self.offset;
        self.start = end;
        self.offset = self
            .offset
            .saturating_add(u64::try_from(skip.saturating_add(len)).unwrap_or(u64::MAX));
        let rec = self.buf.get(at..end);
        // `fill_n(skip + len)` returned true: the buffer holds those bytes from
        // `start`, so never `None`; the empty record is a release-build
        // fallback only (it decodes as a short-record error, not a panic).
        debug_assert!(rec.is_some(), "fill_n left fewer bytes than it said");
        let rec = rec.unwrap_or_default();
        // utx.log: a length over 197 is read as 197 bytes, as FreeBSD does.
        let rec = match self.format.record_size() {
            None => rec
                .get(..rec.len().min(crate::transcode::FUTX_SIZE))
                .unwrap_or(rec),
            Some(_) => rec,
        };
        match self.format.decode(rec) {
            Ok(e) => {
                self.scratch = e;
                Some(Ok(self.scratch.as_entry_ref()))
            }
            Err(e) => Some(Err(
                crate::records::at_offset(e, offset).with_reader_path(&self.path)
            )),
        }
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<Entry>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.next_ref().map(|r| r.map(|e| e.to_entry()))
    }
}

impl<R: Read> FusedIterator for Reader<R> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<u8> {
        (0..n * RECORD_SIZE)
            .map(|i| (i / RECORD_SIZE) as u8)
            .collect()
    }

    /// A reader that hands out at most `step` bytes per call.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn slice_yields_records_then_trailing_error() {
        let mut bytes = sample(3);
        bytes.extend_from_slice(&[1, 2, 3]);
        let items: Vec<_> = entries(&bytes).collect();
        assert_eq!(items.len(), 4);
        for (i, item) in items[..3].iter().enumerate() {
            assert_eq!(item.as_ref().map(|e| e.as_bytes()[0]).ok(), Some(i as u8));
        }
        match &items[3] {
            Err(Error::TrailingBytes { offset, len, .. }) => {
                assert_eq!((*offset, *len), (3 * RECORD_SIZE as u64, 3));
            }
            other => panic!("{other:?}"),
        }
        let back: Vec<_> = entries(&bytes)
            .rev()
            .map(|r| r.map(|e| e.as_bytes()[0]).ok())
            .collect();
        assert_eq!(back, vec![None, Some(2), Some(1), Some(0)]);
    }

    #[test]
    fn stream_handles_short_reads_and_blocks() {
        // Miri interprets every byte: there, a few records and no block
        // boundary (the code has no unsafe; the full test runs natively).
        let (n, steps): (usize, &[usize]) = if cfg!(miri) {
            (5, &[7, RECORD_SIZE + 1])
        } else {
            (
                BLOCK_RECORDS * 2 + 5,
                &[1, 7, RECORD_SIZE - 1, RECORD_SIZE + 1, 100_000],
            )
        };
        let bytes = sample(n);
        for &step in steps {
            let got: Vec<u8> = Reader::new(Trickle(&bytes, step))
                .map(|r| r.map(|e| e.as_bytes()[0]).unwrap())
                .collect();
            let want: Vec<u8> = entries(&bytes)
                .map(|r| r.map(|e| e.as_bytes()[0]).unwrap())
                .collect();
            assert_eq!(got, want, "step {step}");
        }
    }

    #[test]
    fn readers_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>(_: &T) {}
        if let Ok(r) = Reader::open("/dev/null") {
            assert_send_sync(&r);
        }
        if let Ok(r) = crate::sessions::ReverseReader::open("/dev/null") {
            assert_send_sync(&r);
        }
    }

    #[test]
    fn stream_reports_trailing_bytes_with_offset() {
        let mut bytes = sample(2);
        bytes.push(9);
        let items: Vec<_> = Reader::new(Trickle(&bytes, 50)).collect();
        assert_eq!(items.len(), 3);
        assert!(items[0].is_ok() && items[1].is_ok());
        match &items[2] {
            Err(Error::TrailingBytes { offset, len, .. }) => {
                assert_eq!((*offset, *len), (2 * RECORD_SIZE as u64, 1))
            }
            other => panic!("{other:?}"),
        }
        assert!(Reader::new(&[][..]).next().is_none());
    }
}
