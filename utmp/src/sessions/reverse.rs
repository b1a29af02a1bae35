//! Reading a file of records backwards, in blocks, in constant memory.

use std::fs::File;
use std::iter::FusedIterator;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::entry::{Entry, EntryRef};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::RECORD_SIZE;

/// How many records one read asks for.
const BLOCK_RECORDS: usize = 512;

/// Records of a file from the last to the first, read in large blocks from
/// the end (what `last` needs on a multi-gigabyte wtmp).
///
/// Records are aligned on the start of the file, as [`entries`](crate::entries)
/// reads them: when the size is not a multiple of the record size, the
/// partial record at the end comes first, as [`Error::TrailingBytes`], and
/// the whole records follow. The file's length is taken once, when opened.
#[derive(Debug)]
pub struct ReverseReader {
    file: File,
    path: Option<PathBuf>,
    buf: Vec<u8>,
    /// Records left in `buf`, the last at `(left - 1) * RECORD_SIZE`.
    left: usize,
    /// Byte offset in the file where `buf` starts (and the records not yet
    /// read end).
    pos: u64,
    trailing: Option<(u64, usize)>,
    failed: bool,
    /// The records' format and size (the host's unless `with_format`).
    format: Format,
    size: usize,
    /// The last record of another format, decoded (what `next_ref` lends).
    scratch: Entry,
    /// FreeBSD `utx.log` (no fixed size): the whole file decoded, in file order.
    log: Option<Vec<Result<Entry>>>,
}

impl ReverseReader {
    /// Opens a file to read it backwards.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with the path when it cannot be opened or stat'ed.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(Some(path.to_owned()), e))?;
        let mut r = ReverseReader::new(file)?;
        r.path = Some(path.to_owned());
        Ok(r)
    }

    /// Reads `file` backwards from its current length.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when its length cannot be found.
    pub fn new(file: File) -> Result<Self> {
        let len = file.metadata().map_err(|e| Error::io(None, e))?.len();
        let rec = RECORD_SIZE as u64;
        let rest = len.checked_rem(rec).unwrap_or(0);
        let whole = len.saturating_sub(rest);
        let rest = usize::try_from(rest).unwrap_or(0);
        Ok(ReverseReader {
            file,
            path: None,
            buf: Vec::new(),
            left: 0,
            pos: whole,
            trailing: (rest > 0).then_some((whole, rest)),
            failed: false,
            format: Format::HOST,
            size: RECORD_SIZE,
            scratch: Entry::zeroed(),
            log: None,
        })
    }

    /// Reads records of `format` instead of the host's (see
    /// [`crate::format`]), each decoded into an entry. Fixed-size formats are
    /// read in blocks from the end as the host's are; FreeBSD's `utx.log`,
    /// whose records can only be found from the start, is read whole first.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file's length cannot be found, or (`utx.log`)
    /// the file cannot be read.
    pub fn with_format(mut self, format: Format) -> Result<Self> {
        self.format = format;
        let len = self
            .file
            .metadata()
            .map_err(|e| Error::io(self.path.clone(), e))?
            .len();
        match format.record_size() {
            Some(size) => {
                self.size = size;
                let rest = len.checked_rem(size as u64).unwrap_or(0);
                self.pos = len.saturating_sub(rest);
                let rest = usize::try_from(rest).unwrap_or(0);
                self.trailing = (rest > 0).then_some((self.pos, rest));
            }
            None => {
                let mut bytes = vec![0; usize::try_from(len).unwrap_or(0)];
                self.file
                    .read_exact_at(&mut bytes, 0)
                    .map_err(|e| Error::io(self.path.clone(), e))?;
                let path = self.path.clone();
                self.log = Some(
                    crate::records::entries_in(&bytes, format)
                        .map(|r| r.map_err(|e| e.with_reader_path(&path)))
                        .collect(),
                );
                self.trailing = None;
            }
        }
        self.left = 0;
        self.buf.clear();
        Ok(self)
    }

    /// Reads the block before `pos`. `Ok(false)` at the start of the file.
    fn refill(&mut self) -> Result<bool> {
        if self.pos == 0 {
            return Ok(false);
        }
        let block = BLOCK_RECORDS.saturating_mul(self.size) as u64;
        let start = self.pos.saturating_sub(block);
        let len = usize::try_from(self.pos.saturating_sub(start)).unwrap_or(0);
        self.buf.resize(len, 0);
        if let Err(e) = self.file.read_exact_at(&mut self.buf, start) {
            self.failed = true;
            return Err(Error::io(self.path.clone(), e));
        }
        self.pos = start;
        self.left = len.checked_div(self.size).unwrap_or(0);
        Ok(true)
    }

    /// The previous record, borrowed from the reader's buffer (no copy).
    ///
    /// # Errors
    ///
    /// [`Error::TrailingBytes`] first when the file ends inside a record; an
    /// I/O error, after which the reader is finished.
    pub fn next_ref(&mut self) -> Option<Result<EntryRef<'_>>> {
        if let Some(log) = self.log.as_mut() {
            return match log.pop()? {
                Ok(e) => {
                    self.scratch = e;
                    Some(Ok(self.scratch.as_entry_ref()))
                }
                Err(e) => Some(Err(e)),
            };
        }
        if let Some((offset, len)) = self.trailing.take() {
            return Some(Err(Error::TrailingBytes {
                path: self.path.clone(),
                offset,
                len,
                record_size: self.size,
            }));
        }
        if self.failed {
            return None;
        }
        if self.left == 0 {
            match self.refill() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
        self.left = self.left.saturating_sub(1);
        if !self.format.is_host() {
            let size = self.size;
            let at = self.left.saturating_mul(size);
            let offset = self.pos.saturating_add(at as u64);
            let rec = self.buf.get(at..).and_then(|r| r.get(..size))?;
            return match self.format.decode(rec) {
                Ok(e) => {
                    self.scratch = e;
                    Some(Ok(self.scratch.as_entry_ref()))
                }
                Err(e) => Some(Err(
                    crate::records::at_offset(e, offset).with_reader_path(&self.path)
                )),
            };
        }
        let at = self.left.saturating_mul(RECORD_SIZE);
        self.buf
            .get(at..)
            .and_then(|r| r.get(..RECORD_SIZE))
            .and_then(EntryRef::from_slice)
            .map(Ok)
    }
}

impl Iterator for ReverseReader {
    type Item = Result<Entry>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.next_ref().map(|r| r.map(|e| e.to_entry()))
    }
}

impl FusedIterator for ReverseReader {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    #[cfg_attr(miri, ignore = "creates files (isolation)")]
    fn backwards_matches_slice_rev_across_blocks() {
        for n in [
            0,
            1,
            BLOCK_RECORDS - 1,
            BLOCK_RECORDS,
            BLOCK_RECORDS * 2 + 3,
        ] {
            for extra in [0, 5] {
                let mut bytes: Vec<u8> = (0..n * RECORD_SIZE)
                    .map(|i| (i / RECORD_SIZE % 251) as u8)
                    .collect();
                bytes.resize(bytes.len() + extra, 7);
                let mut f = tempfile();
                f.write_all(&bytes).unwrap();
                let got: Vec<_> = ReverseReader::new(f)
                    .unwrap()
                    .map(|r| r.map(|e| e.as_bytes()[0]).ok())
                    .collect();
                let want: Vec<_> = crate::entries(&bytes)
                    .rev()
                    .map(|r| r.map(|e| e.as_bytes()[0]).ok())
                    .collect();
                assert_eq!(got, want, "{n} records + {extra}");
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "creates files (isolation)")]
    fn other_formats_backwards_match_the_slice_reader_backwards() {
        use crate::{EntryBuilder, EntryType};
        for format in Format::ALL {
            let mut bytes = Vec::new();
            for i in 0..(BLOCK_RECORDS + 3) {
                let e = EntryBuilder::new(EntryType::DeadProcess)
                    .line(format!("pts/{}", i % 97))
                    .seconds(1_600_000_000 + i as i64)
                    .build()
                    .unwrap();
                format.encode_into(&e, &mut bytes).unwrap();
            }
            bytes.extend_from_slice(&[1, 2, 3]);
            let mut f = tempfile();
            f.write_all(&bytes).unwrap();
            let got: Vec<String> = ReverseReader::new(f)
                .unwrap()
                .with_format(format)
                .unwrap()
                .map(|r| format!("{r:?}"))
                .collect();
            let want: Vec<String> = crate::entries_in(&bytes, format)
                .rev()
                .map(|r| format!("{r:?}"))
                .collect();
            assert_eq!(got, want, "{format}");
        }
    }

    fn tempfile() -> File {
        let dir = std::env::temp_dir();
        for i in 0.. {
            let p = dir.join(format!("utmp-reverse-{}-{i}", std::process::id()));
            if let Ok(f) = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&p)
            {
                let _ = std::fs::remove_file(&p);
                return f;
            }
        }
        unreachable!()
    }
}
