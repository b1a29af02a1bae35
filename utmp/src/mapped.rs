//! Files of records mapped into memory: every record of a large file without
//! copying it, in either direction.

use std::fs::File;
use std::io;
use std::iter::FusedIterator;
use std::path::{Path, PathBuf};

use crate::entry::{Entry, EntryRef};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::RECORD_SIZE;
use crate::reader::{entries, SliceEntries};
use crate::records::{entries_in, FormatEntries};
use crate::system::mapping::Mapping;

/// How far ahead, in records, reading backwards prefetches.
const PREFETCH_RECORDS: usize = 8;

/// How many records are read between two checks of the file's size.
const CHECK_EVERY: usize = 512;

/// A file of records mapped into memory (`mmap`), read-only.
///
/// [`MappedFile::entries`] lends every record without copying, forwards or
/// backwards (`.rev()`, what `last` needs): on a large file in the page
/// cache this is the fastest way in, since nothing is copied out of the
/// kernel and only the parts of each record that are looked at are read.
/// The `utmp` command uses it for regular files.
///
/// # The file must not shrink while mapped
///
/// A mapping shows the file as it is: a process that rewrites records at the
/// same moment can make one read torn (as with `read`), and one that
/// truncates the file makes any access to the lost pages raise SIGBUS, which
/// ends the process. Log files are appended to and rotated by renaming,
/// which is safe; truncating a file that is being read (`> wtmp`,
/// logrotate's `copytruncate`) is not. [`MappedEntries`] checks the file's
/// size every 512 records and ends with an error when it shrank, which
/// narrows the window to microseconds; use [`Reader`](crate::Reader) or
/// [`ReverseReader`](crate::sessions::ReverseReader) when even that is too
/// much.
///
/// ```no_run
/// # fn main() -> utmp::Result<()> {
/// let wtmp = utmp::MappedFile::open(utmp::wtmp_path())?;
/// // The most recent login first.
/// for entry in wtmp.entries().rev() {
///     let entry = entry?;
///     if entry.is_user_process() {
///         println!("{} {}", entry.user_lossy(), entry.line_lossy());
///         break;
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct MappedFile {
    file: File,
    path: PathBuf,
    /// `None` for an empty file (nothing to map).
    map: Option<Mapping>,
}

impl MappedFile {
    /// Maps a file of records.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with the path when the file cannot be opened or mapped,
    /// or is not a regular file (`InvalidInput`: a pipe or a device cannot
    /// be mapped; read those with [`Reader`](crate::Reader)).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let wrap = |e| Error::io(Some(path.to_owned()), e);
        let file = File::open(path).map_err(wrap)?;
        let meta = file.metadata().map_err(wrap)?;
        if !meta.is_file() {
            return Err(wrap(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file: cannot be mapped",
            )));
        }
        let len = usize::try_from(meta.len()).map_err(|_| {
            wrap(io::Error::new(
                io::ErrorKind::InvalidInput,
                "too large to map on this platform",
            ))
        })?;
        let map = if len == 0 {
            None
        } else {
            Some(Mapping::new(&file, len).map_err(wrap)?)
        };
        Ok(MappedFile {
            file,
            path: path.to_owned(),
            map,
        })
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
        MappedEntries {
            inner: entries(self.as_bytes()),
            file: self,
            countdown: 0,
            done: false,
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
            countdown: 0,
            done: false,
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

/// The iterator of [`MappedFile::entries_in`].
#[derive(Debug)]
pub struct MappedFormatEntries<'a> {
    inner: FormatEntries<'a>,
    file: &'a MappedFile,
    /// Records left before the next size check.
    countdown: usize,
    done: bool,
}

impl MappedFormatEntries<'_> {
    fn step(&mut self, forwards: bool) -> Option<Result<Entry>> {
        if self.done {
            return None;
        }
        if self.countdown == 0 {
            self.countdown = CHECK_EVERY;
            if let Some(e) = self.file.shrank() {
                self.done = true;
                return Some(Err(e));
            }
        }
        self.countdown = self.countdown.saturating_sub(1);
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
    /// Records left before the next size check.
    countdown: usize,
    done: bool,
}

impl<'a> MappedEntries<'a> {
    /// The next record from the front (`forwards`) or the back; the size
    /// check first when it is due.
    #[inline]
    fn step(&mut self, forwards: bool) -> Option<Result<EntryRef<'a>>> {
        if self.done {
            return None;
        }
        if self.countdown == 0 {
            self.countdown = CHECK_EVERY;
            if let Some(e) = self.file.shrank() {
                self.done = true;
                return Some(Err(e));
            }
        }
        self.countdown = self.countdown.saturating_sub(1);
        let item = if forwards {
            self.inner.next()?
        } else {
            self.inner.next_back()?
        };
        self.prefetch_after(&item, forwards);
        Some(self.with_path(item))
    }

    /// Asks for the record [`PREFETCH_RECORDS`] places further in the
    /// reading direction while `item` is decoded (the hardware prefetchers
    /// stop at page boundaries, and follow descending streams poorly).
    #[inline]
    fn prefetch_after(&self, item: &Result<EntryRef<'a>>, forwards: bool) {
        let (Some(map), Ok(e)) = (self.file.map.as_ref(), item) else {
            return;
        };
        // The record's offset in the mapping, from the two addresses.
        let here = (e.as_bytes().as_ptr() as usize).wrapping_sub(map.bytes().as_ptr() as usize);
        let step = PREFETCH_RECORDS * RECORD_SIZE;
        let ahead = if forwards {
            here.checked_add(step)
        } else {
            here.checked_sub(step)
        };
        if let Some(at) = ahead {
            map.prefetch(at, RECORD_SIZE);
        }
    }

    fn with_path(&self, item: Result<EntryRef<'a>>) -> Result<EntryRef<'a>> {
        item.map_err(|e| match e {
            Error::TrailingBytes {
                path: None,
                offset,
                len,
                record_size,
            } => Error::TrailingBytes {
                path: Some(self.file.path.clone()),
                offset,
                len,
                record_size,
            },
            other => other,
        })
    }
}

impl<'a> Iterator for MappedEntries<'a> {
    type Item = Result<EntryRef<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.step(true)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done {
            (0, Some(0))
        } else {
            // A size check may end it early, or add its error.
            let (_, hi) = self.inner.size_hint();
            (0, hi.map(|n| n.saturating_add(1)))
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
