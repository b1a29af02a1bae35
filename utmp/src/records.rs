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

/// Owned entries of any format over `bytes`, in file order.
///
/// For [`Format::HOST`], [`crate::entries`] is the zero-copy way; this
/// iterator copies each record (and decodes any other format into an
/// [`Entry`], see [`crate::format`]). A record that cannot be represented is
/// an [`Error::Unrepresentable`] item and reading goes on; a partial record at
/// the end is one [`Error::TrailingBytes`].
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
    FormatEntries {
        bytes,
        format,
        at: 0,
        done: false,
    }
}

/// The iterator of [`entries_in`].
#[derive(Debug, Clone)]
pub struct FormatEntries<'a> {
    bytes: &'a [u8],
    format: Format,
    at: usize,
    done: bool,
}

impl FormatEntries<'_> {
    /// Byte offset of the next record.
    pub fn offset(&self) -> u64 {
        self.at as u64
    }
}

impl Iterator for FormatEntries<'_> {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match next_record(self.format, self.bytes, self.at) {
            Next::End => {
                self.done = true;
                None
            }
            Next::Trailing { len, record_size } => {
                self.done = true;
                Some(Err(Error::TrailingBytes {
                    path: None,
                    offset: self.at as u64,
                    len,
                    record_size,
                }))
            }
            Next::Record { start, end, next } => {
                let offset = self.at as u64;
                self.at = next;
                let rec = self.bytes.get(start..end).unwrap_or_default();
                Some(self.format.decode(rec).map_err(|e| at_offset(e, offset)))
            }
        }
    }
}

impl FusedIterator for FormatEntries<'_> {}

/// Sets the byte offset of a decoding error to the record's.
pub(crate) fn at_offset(mut e: Error, at: u64) -> Error {
    if let Error::Unrepresentable { offset, .. } | Error::TrailingBytes { offset, .. } = &mut e {
        *offset = at;
    }
    e
}
