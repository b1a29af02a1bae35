//! A file mapped into memory, read-only (`mmap(2)` through `memmap2`): the
//! bytes of a large file without copying them out of the page cache, and the
//! one `unsafe` promise that comes with them ([`MappedFile::open`]).

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::Path;

#[cfg(target_os = "linux")]
use memmap2::UncheckedAdvice;
use memmap2::{Advice, Mmap, MmapOptions};

use crate::error::{Error, Result};
use crate::mapped::MappedFile;

/// How many bytes ahead of the reader the kernel is asked to read
/// ([`ADVICE`]) at most, in either direction; asked again each time the
/// reader has gone through half of it.
const READ_AHEAD: usize = 4 << 20;

/// The first window asked for; each next one is twice the last, up to
/// [`READ_AHEAD`]. A reader that stops after a few records (`last -n 1`)
/// has the kernel map 64 pages, not 1,024 (mapping those was an eighth of
/// its time). More than the 512 records read between two asks (192 KiB).
const FIRST_READ_AHEAD: usize = 256 << 10;

/// How far a reader has asked the kernel to read ahead in one direction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadAhead {
    /// The end of what was asked for (the start when reading backwards);
    /// `None` before the first ask.
    frontier: Option<usize>,
    /// The size of the next window.
    window: usize,
}

impl ReadAhead {
    /// Nothing asked for yet.
    pub(crate) const fn new() -> Self {
        ReadAhead {
            frontier: None,
            window: FIRST_READ_AHEAD,
        }
    }
}

/// The advice given for the bytes ahead. Linux (5.14 on): map them in
/// (`MADV_POPULATE_READ`: one call instead of a page fault every 16 pages;
/// pages not in the page cache are read first), measured 5-10% less CPU
/// than `MADV_WILLNEED` for `utmp last` and `utmp dump` on a 1M-record file.
/// An older kernel refuses it (`EINVAL`) and the reader faults the pages in
/// itself. Elsewhere: `MADV_WILLNEED` (start reading them into the page
/// cache, return at once).
#[cfg(target_os = "linux")]
const ADVICE: Advice = Advice::PopulateRead;
#[cfg(not(target_os = "linux"))]
const ADVICE: Advice = Advice::WillNeed;

/// `len` bytes of a file, mapped read-only and shared (`PROT_READ`,
/// `MAP_SHARED`: memmap2's `Mmap`); unmapped on drop (which waits for
/// nothing: no thread touches the mapping).
#[derive(Debug)]
pub(crate) struct Mapping {
    map: Mmap,
}

impl MappedFile {
    /// Maps a file of records.
    ///
    /// # Safety
    ///
    /// While the returned value (or anything borrowed from it) lives, no
    /// process may truncate the file or write to the part of it that was
    /// mapped: a mapping is the file itself, so a write changes bytes that
    /// the reader was promised are immutable (`&[u8]`), and truncation makes
    /// reading the lost pages raise SIGBUS, which ends the process. This is
    /// memmap2's `Mmap::map` contract, as in ripgrep. Files only ever
    /// appended to, or rotated by renaming (wtmp, btmp), keep it; a file that
    /// may be truncated meanwhile (`> wtmp`, logrotate's `copytruncate`) or
    /// rewritten in place (utmp) should be read with
    /// [`Reader`](crate::Reader) instead. As a second line of defence the
    /// iterators check the file's size every 512 records and stop with an
    /// error when it shrank.
    ///
    /// ```no_run
    /// # fn main() -> utmp::Result<()> {
    /// // SAFETY: wtmp is only appended to, and rotated by renaming.
    /// let wtmp = unsafe { utmp::MappedFile::open(utmp::wtmp_path())? };
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
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with the path when the file cannot be opened or mapped,
    /// or is not a regular file (`InvalidInput`: a pipe or a device cannot
    /// be mapped; read those with [`Reader`](crate::Reader)).
    pub unsafe fn open(path: impl AsRef<Path>) -> Result<Self> {
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
            // SAFETY: the caller promises that nobody writes or truncates the
            // file while the mapping lives (this function's contract).
            let map = unsafe { MmapOptions::new().len(len).map(&file) }.map_err(wrap)?;
            Some(Mapping { map })
        };
        Ok(MappedFile::from_parts(file, path.to_owned(), map))
    }
}

impl Mapping {
    /// The mapped bytes (their values are the caller's promise made in
    /// [`MappedFile::open`]).
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// The number of mapped bytes.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Asks the kernel for the next window of bytes beyond `at` in the
    /// reading direction ([`ADVICE`]; [`FIRST_READ_AHEAD`] at first, doubling
    /// up to [`READ_AHEAD`]), not beyond `within` (the bytes the reader
    /// reads), when the reader at `at` has gone through half of what was
    /// last asked for. `ahead` is that frontier, kept by the reader. Nothing
    /// is asked beyond the window: `last -n 1` on a 1 GiB file touches its
    /// last pages only.
    pub(crate) fn read_ahead(
        &self,
        ahead: &mut ReadAhead,
        at: usize,
        forwards: bool,
        within: &Range<usize>,
    ) {
        let end = within.end.min(self.len());
        let (window, frontier) = (ahead.window, ahead.frontier);
        let half = window / 2;
        // Only what was not asked for before: from the old frontier on.
        let (from, to) = if forwards {
            if frontier.is_some_and(|f| f.saturating_sub(at) > half) {
                return;
            }
            let from = frontier.map_or(at, |f| f.max(at));
            (from, at.saturating_add(window).min(end))
        } else {
            if frontier.is_some_and(|f| at.saturating_sub(f) > half) {
                return;
            }
            let to = frontier.map_or(at, |f| f.min(at)).min(end);
            (at.saturating_sub(window).max(within.start), to)
        };
        ahead.frontier = Some(if forwards { to } else { from });
        ahead.window = window.saturating_mul(2).min(READ_AHEAD);
        // Nothing to ask for at either end of the mapping (`to <= from`).
        if let Some(n) = to.checked_sub(from).filter(|&n| n > 0) {
            // Advice only: a kernel that declines it reads the pages when
            // they are touched, as without it.
            let _ = self.map.advise_range(ADVICE, from, n);
        }
    }

    /// Takes the whole pages inside `within` out of the process's page
    /// tables (`MADV_DONTNEED`, Linux; elsewhere nothing): its resident size
    /// shrinks, unmapping them later costs nothing, and reading them again
    /// maps them in again. Aligned to 64 KiB (a multiple of every page size
    /// in use), so the pages at either end, which other records may share,
    /// stay.
    pub(crate) fn release(&self, within: Range<usize>) {
        #[cfg(target_os = "linux")]
        {
            const ALIGN: usize = 64 << 10;
            // Rounded down: at most the value, no overflow.
            #[allow(clippy::arithmetic_side_effects)]
            let end = within.end.min(self.len()) / ALIGN * ALIGN;
            let start = within.start.checked_next_multiple_of(ALIGN);
            let Some((start, len)) = start.and_then(|s| Some((s, end.checked_sub(s)?))) else {
                return;
            };
            if len == 0 {
                return;
            }
            // SAFETY: the mapping is read-only and shared (memmap2's `Mmap`),
            // so no page of it was ever written and none is a private copy
            // (copy-on-write pages, which DONTNEED would drop, exist only in
            // private mappings that were written): MADV_DONTNEED only
            // removes page-table entries, and the next read of those bytes
            // maps in the same page-cache pages, the file's bytes, which the
            // caller of `MappedFile::open` promised do not change. So bytes
            // borrowed from the range (`&[u8]`) keep their values; the range
            // lies in the mapping (`end <= len`) and starts on a page.
            let _ = unsafe {
                self.map
                    .unchecked_advise_range(UncheckedAdvice::DontNeed, start, len)
            };
        }
        #[cfg(not(target_os = "linux"))]
        let _ = within;
    }

    /// Asks the CPU to start loading `len` bytes at `offset` into its caches
    /// (x86_64 only; elsewhere nothing). Out-of-range parts are ignored.
    #[inline]
    pub(crate) fn prefetch(&self, offset: usize, len: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            let end = offset.saturating_add(len).min(self.len());
            let base = self.map.as_ptr();
            let mut at = offset;
            while at < end {
                // SAFETY: `at < self.len()`, so the address lies inside the
                // mapping; a prefetch only hints the cache (it never faults
                // and reads nothing into the program), and SSE, which it
                // needs, is part of the x86_64 baseline.
                unsafe {
                    std::arch::x86_64::_mm_prefetch(
                        base.add(at).cast::<i8>(),
                        std::arch::x86_64::_MM_HINT_T0,
                    );
                }
                // `at < self.len() <= isize::MAX`: no overflow.
                #[allow(clippy::arithmetic_side_effects)]
                let next = at + 64;
                at = next;
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (offset, len);
    }
}
