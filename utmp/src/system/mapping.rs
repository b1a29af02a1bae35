//! A file mapped into memory, read-only (`mmap(2)`): the bytes of a large
//! file without copying them out of the page cache.

use std::fs::File;
use std::io;
use std::os::unix::io::AsRawFd;
use std::ptr::NonNull;

/// `len` bytes of a file, mapped read-only and private; unmapped on drop.
#[derive(Debug)]
pub(crate) struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
    /// Maps the pages in ahead of the reader (see [`Mapping::new`]); joined
    /// before the mapping goes away.
    populate: Option<std::thread::JoinHandle<()>>,
}

/// Mappings at least this long get their pages mapped in by a second thread.
const POPULATE_FROM: usize = 4 << 20;

/// The pages are mapped in this many bytes at a time.
const POPULATE_CHUNK: usize = 1 << 20;

// SAFETY: the mapping is plain read-only memory owned by this value; nothing
// in it is tied to the thread that made it, and `&Mapping` only ever reads.
unsafe impl Send for Mapping {}
// SAFETY: as above: shared access is reading bytes, never writing them.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Maps the first `len` bytes of `file` (open for reading), `len > 0`.
    ///
    /// # Errors
    ///
    /// What `mmap` says (`len` 0 is `InvalidInput`).
    pub(crate) fn new(file: &File, len: usize) -> io::Result<Mapping> {
        if len == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "cannot map 0 bytes",
            ));
        }
        // SAFETY: asks for a new mapping at an address the kernel picks (no
        // existing memory is touched) of a descriptor that stays open for the
        // call; the result is checked against MAP_FAILED before any use.
        let addr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if addr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(addr.cast::<u8>())
            .ok_or_else(|| io::Error::other("mmap returned a null mapping"))?;
        // Each first touch of a page costs a fault. On a large mapping a
        // second thread takes those faults ahead of the reader (it maps the
        // page cache's pages into the page table without reading a byte of
        // them, so no data moves between cores), from both ends. If it
        // cannot start, the reader takes the faults itself.
        let populate = (len >= POPULATE_FROM)
            .then(|| {
                let (start, total) = (addr as usize, len);
                std::thread::Builder::new()
                    .name("utmp-populate".into())
                    .spawn(move || populate_from_both_ends(start, total))
                    .ok()
            })
            .flatten();
        Ok(Mapping { ptr, len, populate })
    }

    /// The mapped bytes.
    ///
    /// They are the file's bytes as they are now: another process writing
    /// the file may change them (records being rewritten can read torn, as
    /// they can with `read`), and one that shrinks the file below `len`
    /// makes reading the lost pages raise SIGBUS (see
    /// [`MappedFile`](crate::MappedFile), which checks the size as it goes).
    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr` is the start of a live mapping of `len` readable
        // bytes (mmap succeeded; it is unmapped only in `drop`, which needs
        // the value back), every byte value is a valid `u8`, and nothing
        // writes through this read-only private mapping. Changes made to the
        // file by other processes are the caveat documented above.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// Asks the CPU to start loading `len` bytes at `offset` into its caches
    /// (x86_64 only; elsewhere nothing). Out-of-range parts are ignored.
    #[inline]
    pub(crate) fn prefetch(&self, offset: usize, len: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            let end = offset.saturating_add(len).min(self.len);
            let mut at = offset;
            while at < end {
                // SAFETY: `at < self.len`, so the address lies inside the
                // mapping; a prefetch only hints the cache (it never faults
                // and reads nothing into the program), and SSE, which it
                // needs, is part of the x86_64 baseline.
                unsafe {
                    std::arch::x86_64::_mm_prefetch(
                        self.ptr.as_ptr().add(at).cast::<i8>(),
                        std::arch::x86_64::_MM_HINT_T0,
                    );
                }
                at = at.saturating_add(64);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (offset, len);
    }

    /// The number of mapped bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// `madvise(MADV_POPULATE_READ)` over `[start, start + len)`, a chunk at a
/// time from both ends towards the middle (a reader going backwards and
/// one going forwards both find their next pages mapped); stops at the
/// first refusal (a kernel older than 5.14 says `EINVAL`: the reader then
/// faults its pages in itself).
fn populate_from_both_ends(start: usize, len: usize) {
    let page = page_size();
    let (mut lo, mut hi) = (0usize, len);
    while lo < hi {
        // The chunk below `hi`, then the one above `lo`.
        let from = hi.saturating_sub(POPULATE_CHUNK).max(lo) & !page.saturating_sub(1);
        if !populate(start, from, hi) {
            return;
        }
        hi = from;
        let to = lo.saturating_add(POPULATE_CHUNK).min(hi);
        if lo < to && !populate(start, lo, to) {
            return;
        }
        lo = to;
    }
}

/// Populates bytes `[from, to)` of the mapping at `start` (`from` a page
/// boundary); `false` when the kernel refused.
fn populate(start: usize, from: usize, to: usize) -> bool {
    let Some(addr) = start.checked_add(from) else {
        return false;
    };
    // SAFETY: `[addr, addr + (to - from))` lies inside the live mapping
    // (`Mapping::drop` joins this thread before unmapping it) and starts on
    // a page boundary; MADV_POPULATE_READ only maps the file's pages in,
    // read-only, as reading them would.
    let r = unsafe {
        libc::madvise(
            addr as *mut libc::c_void,
            to.saturating_sub(from),
            MADV_POPULATE_READ,
        )
    };
    r == 0
}

/// Linux's `MADV_POPULATE_READ` (5.14), not in every libc crate version.
const MADV_POPULATE_READ: libc::c_int = 22;

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n)
        .ok()
        .filter(|n| n.is_power_of_two())
        .unwrap_or(4096)
}

impl Drop for Mapping {
    fn drop(&mut self) {
        if let Some(t) = self.populate.take() {
            let _ = t.join();
        }
        // SAFETY: unmaps exactly the mapping made in `new`; no reference into
        // it outlives `self` (`bytes` borrows `self`).
        unsafe {
            libc::munmap(self.ptr.as_ptr().cast(), self.len);
        }
    }
}
