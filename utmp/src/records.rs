//! Where each record of a buffer of some [`Format`] lies: fixed-size
//! records, or FreeBSD `utx.log`'s chain of lengths.

use std::iter::FusedIterator;

use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::format::{Format, Layout};
use crate::transcode::FUTX_SIZE;

/// One record's place in a buffer, or why the buffer ends without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// The record's bytes are `start..end` (for `utx.log`, after the prefix);
    /// the next record starts at `next`.
    Record {
        start: usize,
        end: usize,
        next: usize,
    },
    /// `len` bytes remain that do not make a record.
    Trailing { len: usize, record_size: usize },
    /// Nothing remains.
    End,
}

/// Finds the record that starts at byte `at` of `buf`.
///
/// `utx.log` is read as FreeBSD's `getutxent` reads it: a big-endian `u16`
/// length, then that many bytes of a `futx` (zero-extended); a zero length is
/// skipped; a length over 197 is read as 197 bytes and the rest skipped.
pub(crate) fn next_record(format: Format, buf: &[u8], mut at: usize) -> Next {
    if format.layout != Layout::FreeBsdUtxLog {
        let size = format.table().size;
        let rest = buf.len().saturating_sub(at);
        return match rest {
            0 => Next::End,
            n if n < size => Next::Trailing {
                len: n,
                record_size: size,
            },
            _ => Next::Record {
                start: at,
                end: at.saturating_add(size),
                next: at.saturating_add(size),
            },
        };
    }
    loop {
        let rest = buf.len().saturating_sub(at);
        if rest == 0 {
            return Next::End;
        }
        let Some(&[hi, lo]) = buf.get(at..at.saturating_add(2)) else {
            return Next::Trailing {
                len: rest,
                record_size: 2,
            };
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        let start = at.saturating_add(2);
        if len == 0 {
            at = start;
            continue;
        }
        if rest.saturating_sub(2) < len {
            return Next::Trailing {
                len: rest,
                record_size: len.saturating_add(2),
            };
        }
        let next = start.saturating_add(len);
        return Next::Record {
            start,
            end: start.saturating_add(len.min(FUTX_SIZE)),
            next,
        };
    }
}

/// Owned entries of any format over `bytes`, in file order (or backwards
/// with `.rev()`).
///
/// For [`Format::HOST`], [`crate::entries`] is the zero-copy way; this
/// iterator copies each record (and decodes any other format into an
/// [`Entry`], see [`crate::format`]). A record that cannot be represented is
/// an [`Error::Unrepresentable`] item and reading goes on; a partial record at
/// the end is one [`Error::TrailingBytes`] (last forwards, first backwards).
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::{EntryBuilder, EntryType, Format};
/// let e = EntryBuilder::new(EntryType::BootTime).user("reboot").line("~").build()?;
/// let bytes = Format::GLIBC_400_BE.encode(&e)?;
/// for entry in utmp::entries_in(&bytes, Format::GLIBC_400_BE) {
///     assert_eq!(entry?.user_lossy(), "reboot");
/// }
/// # Ok(()) }
/// ```
pub fn entries_in(bytes: &[u8], format: Format) -> FormatEntries<'_> {
    let places;
    let mut trailing = None;
    match format.record_size() {
        Some(size) => {
            // Every table's size is above zero (const-asserted in format.rs).
            #[allow(clippy::arithmetic_side_effects)]
            let n = bytes.len() / size;
            places = Places::Fixed { n, size };
            // n whole records lie inside the bytes: no overflow.
            #[allow(clippy::arithmetic_side_effects)]
            let whole = n * size;
            if whole < bytes.len() {
                #[allow(clippy::arithmetic_side_effects)]
                let rest = bytes.len() - whole;
                trailing = Some((whole as u64, rest, size));
            }
        }
        None => {
            let mut list = Vec::new();
            let mut at = 0;
            loop {
                match next_record(format, bytes, at) {
                    Next::End => break,
                    Next::Trailing { len, record_size } => {
                        trailing = Some((at as u64, len, record_size));
                        break;
                    }
                    Next::Record { start, end, next } => {
                        // The record's offset is its own length prefix's
                        // (after any zero lengths skipped), as the streaming
                        // reader counts it.
                        list.push((start.saturating_sub(2), start, end));
                        at = next;
                    }
                }
            }
            places = Places::Listed(list);
        }
    }
    let back = match &places {
        Places::Fixed { n, .. } => *n,
        Places::Listed(l) => l.len(),
    };
    FormatEntries {
        bytes,
        format,
        places,
        front: 0,
        back,
        trailing,
    }
}

/// Where the records of a [`FormatEntries`] lie.
#[derive(Debug, Clone)]
enum Places {
    /// `n` records of `size` bytes (above zero), from the start.
    Fixed { n: usize, size: usize },
    /// (offset of the record, start and end of its bytes), for `utx.log`.
    Listed(Vec<(usize, usize, usize)>),
}

/// The iterator of [`entries_in`].
#[derive(Debug, Clone)]
pub struct FormatEntries<'a> {
    bytes: &'a [u8],
    format: Format,
    places: Places,
    front: usize,
    back: usize,
    /// (offset, length, record size) of a partial record at the end.
    trailing: Option<(u64, usize, usize)>,
}

impl FormatEntries<'_> {
    /// The format being read.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Byte offset of the next record from the front.
    pub fn offset(&self) -> u64 {
        match &self.places {
            // front <= n: inside the bytes.
            #[allow(clippy::arithmetic_side_effects)]
            Places::Fixed { size, .. } => (self.front * size) as u64,
            Places::Listed(l) => l.get(self.front).map_or(self.bytes.len(), |p| p.0) as u64,
        }
    }

    /// Record `i` (below `back`): its place lies inside the bytes, as
    /// [`entries_in`] found it.
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    fn record(&self, i: usize) -> Result<Entry> {
        let (offset, start, end) = match &self.places {
            Places::Fixed { size, .. } => (i * size, i * size, (i + 1) * size),
            Places::Listed(l) => l[i],
        };
        let rec = &self.bytes[start..end];
        self.format
            .decode(rec)
            .map_err(|e| at_offset(e, offset as u64))
    }

    fn trailing_error(&mut self) -> Option<Error> {
        let (offset, len, record_size) = self.trailing.take()?;
        Some(Error::TrailingBytes {
            path: None,
            offset,
            len,
            record_size,
        })
    }
}

impl Iterator for FormatEntries<'_> {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.front < self.back {
            let i = self.front;
            self.front = i.saturating_add(1);
            return Some(self.record(i));
        }
        self.trailing_error().map(Err)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self
            .back
            .saturating_sub(self.front)
            .saturating_add(usize::from(self.trailing.is_some()));
        (n, Some(n))
    }
}

impl DoubleEndedIterator for FormatEntries<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.trailing_error() {
            return Some(Err(e));
        }
        if self.front < self.back {
            self.back = self.back.saturating_sub(1);
            return Some(self.record(self.back));
        }
        None
    }
}

impl ExactSizeIterator for FormatEntries<'_> {}
impl FusedIterator for FormatEntries<'_> {}

/// Sets the byte offset of a decoding error to the record's.
pub(crate) fn at_offset(mut e: Error, at: u64) -> Error {
    if let Error::Unrepresentable { offset, .. } | Error::TrailingBytes { offset, .. } = &mut e {
        *offset = at;
    }
    e
}
