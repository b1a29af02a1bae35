//! Formatting the records of a mapped file on several threads: the file is
//! cut into chunks of [`CHUNK_RECORDS`] records, workers format chunks into
//! text buffers, and the calling thread writes the buffers in file order, so
//! the output is the same as one thread's, byte for byte.
//!
//! Chunk `k` goes to worker `k % workers`, which hands its buffers to the
//! writer through a channel of one place and gets them back to reuse: at
//! most three buffers per worker exist at a time (one being filled, one
//! waiting, one being written), whatever the file's size. A file of one
//! chunk, or a machine of one CPU, is formatted on the calling thread, chunk
//! after chunk, with one buffer.
//!
//! `utmp dump` uses it for utmpdump text and JSON Lines; any command that
//! turns each record into text independently of the others can. The chunks
//! can also go newest first ([`Order::NewestFirst`], `utmp last`), and the
//! writer can do its own part of each chunk before writing its text
//! ([`run_in_order`]).

use std::io::{self, Write};
use std::sync::mpsc;

use utmp::{MappedEntries, MappedFile};

/// Records per chunk: 1.5 MiB of glibc records, about half a megabyte of
/// utmpdump text.
pub const CHUNK_RECORDS: usize = 4096;

/// Never more workers than this, whatever the number of CPUs: beyond it the
/// writer and the page cache are the limit.
const MAX_WORKERS: usize = 8;

/// A chunk's text buffer and whatever the formatting counts beside it.
pub trait Chunk: Send {
    /// Formats `records` into this chunk, replacing what it held; `first`
    /// is the index in the file of the first of them.
    fn format(&mut self, records: MappedEntries<'_>, first: usize);

    /// The text to write.
    fn text(&self) -> &[u8];

    /// How many of the chunk's newest records the writer still reads: the
    /// worker releases the others' pages, the writer these (default none).
    fn kept(&self) -> usize {
        0
    }
}

/// Which chunk is written first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The file's first chunk first.
    FileOrder,
    /// The file's last chunk first (each chunk's records are still given in
    /// file order: [`Chunk::format`] reads them backwards itself).
    NewestFirst,
}

/// How to cut a file: records per chunk (at least 1), and workers.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub chunk_records: usize,
    pub workers: usize,
}

impl Plan {
    /// [`CHUNK_RECORDS`] per chunk, one worker per CPU up to [`MAX_WORKERS`].
    pub fn new() -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        Plan {
            chunk_records: CHUNK_RECORDS,
            workers: cpus.min(MAX_WORKERS),
        }
    }

    /// Records per chunk: at least one.
    pub fn size(self) -> usize {
        self.chunk_records.max(1)
    }

    /// How many chunks `file` is cut into: one even for an empty file (it
    /// reports a partial record alone).
    pub fn chunks(self, file: &MappedFile) -> usize {
        file.record_count().div_ceil(self.size()).max(1)
    }

    /// The index of the chunk that starts at record `first`.
    pub fn chunk_of(self, first: usize) -> usize {
        first / self.size()
    }

    /// The records of the chunk that starts at `first`, cut to the file's.
    pub fn records_from(self, file: &MappedFile, first: usize) -> std::ops::Range<usize> {
        first..first.saturating_add(self.size()).min(file.record_count())
    }
}

/// Formats every record of `file` into chunks made by `new`, as `plan`
/// says, and writes their text to `out` in file order. After each chunk's
/// text is written, `done` sees the chunk and returns false to stop there
/// (an error in it ends the output).
///
/// # Errors
///
/// Writing to `out`.
pub fn format_in_order<C: Chunk>(
    file: &MappedFile,
    plan: Plan,
    new: impl Fn() -> C + Sync,
    out: &mut impl Write,
    mut done: impl FnMut(&mut C) -> bool,
) -> io::Result<()> {
    run_in_order(file, plan, Order::FileOrder, new, |chunk| {
        out.write_all(chunk.text())?;
        Ok(done(chunk))
    })
}

/// Formats every record of `file` into chunks made by `new`, as `plan`
/// says, and gives them to `write` in `order`, on the calling thread;
/// `write` returns false to stop there.
///
/// # Errors
///
/// Those of `write`.
pub fn run_in_order<C: Chunk>(
    file: &MappedFile,
    plan: Plan,
    order: Order,
    new: impl Fn() -> C + Sync,
    mut write: impl FnMut(&mut C) -> io::Result<bool>,
) -> io::Result<()> {
    let size = plan.size();
    let chunks = plan.chunks(file);
    let workers = plan.workers.min(chunks);
    // The i-th chunk written.
    let nth = |i: usize| match order {
        Order::FileOrder => i,
        Order::NewestFirst => chunks - 1 - i,
    };
    if workers <= 1 {
        let mut chunk = new();
        for i in 0..chunks {
            format_chunk(file, size, nth(i), &mut chunk);
            if !write(&mut chunk)? {
                break;
            }
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let lanes: Vec<_> = (0..workers)
            .map(|w| {
                let (to_writer, from_worker) = mpsc::sync_channel::<C>(1);
                let (to_worker, returned) = mpsc::channel::<C>();
                let new = &new;
                scope.spawn(move || {
                    for i in (w..chunks).step_by(workers) {
                        let mut chunk = returned.try_recv().unwrap_or_else(|_| new());
                        format_chunk(file, size, nth(i), &mut chunk);
                        // The writer stopped (an error): so does the worker.
                        if to_writer.send(chunk).is_err() {
                            return;
                        }
                    }
                });
                (from_worker, to_worker)
            })
            .collect();
        for (from_worker, to_worker) in lanes.iter().cycle().take(chunks) {
            // A worker that panicked: the scope passes its panic on.
            let Ok(mut chunk) = from_worker.recv() else {
                break;
            };
            if !write(&mut chunk)? {
                break;
            }
            // A worker that has finished no longer needs it.
            let _ = to_worker.send(chunk);
        }
        // Leaving drops the channels: a worker still sending stops.
        Ok(())
    })
}

/// Formats chunk `k` (of `size` records) of `file` into `chunk`.
fn format_chunk<C: Chunk>(file: &MappedFile, size: usize, k: usize, chunk: &mut C) {
    // k < chunks <= records / size + 1: the products stay below the
    // number of records plus two chunks; the last range is cut by
    // entries_range.
    let first = k * size;
    let records = file.entries_range(first..first + size);
    chunk.format(records, first);
    // Its pages leave the process now, on this thread, not all at the end
    // on the writer's (but for those the writer still reads).
    let end = match chunk.kept() {
        0 => first + size,
        kept => (first + size).min(file.record_count()).saturating_sub(kept),
    };
    file.release(first..end.max(first));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each record's index and pid, one line each, and what ended the chunk.
    #[derive(Default)]
    struct Pids {
        text: Vec<u8>,
        ended: Option<utmp::Error>,
    }

    impl Chunk for Pids {
        fn format(&mut self, records: MappedEntries<'_>, first: usize) {
            self.text.clear();
            self.ended = None;
            for (i, entry) in (first..).zip(records) {
                match entry {
                    Ok(e) => writeln!(self.text, "{i} {}", e.pid()).unwrap(),
                    Err(e) => self.ended = Some(e),
                }
            }
        }

        fn text(&self) -> &[u8] {
            &self.text
        }
    }

    fn file_of(pids: std::ops::Range<i32>, tail: &[u8]) -> (tempdir::Dir, MappedFile) {
        let dir = tempdir::Dir::new();
        let path = dir.0.join("records");
        let mut bytes = Vec::new();
        for pid in pids {
            let e = utmp::EntryBuilder::new(utmp::EntryType::UserProcess)
                .pid(pid)
                .build()
                .unwrap();
            bytes.extend_from_slice(e.as_bytes());
        }
        bytes.extend_from_slice(tail);
        std::fs::write(&path, &bytes).unwrap();
        let file = crate::input::mapped(&path, false).unwrap().unwrap();
        (dir, file)
    }

    mod tempdir {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
                let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let dir = std::env::temp_dir()
                    .join(format!("utmp-chunks-test-{}-{n}", std::process::id()));
                std::fs::create_dir_all(&dir).unwrap();
                Dir(dir)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn run(file: &MappedFile, plan: Plan, stop_after: usize) -> (String, Vec<String>) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut seen = 0;
        format_in_order(file, plan, Pids::default, &mut out, |c: &mut Pids| {
            seen += 1;
            if let Some(e) = c.ended.take() {
                errors.push(e.to_string());
                return false;
            }
            seen < stop_after
        })
        .unwrap();
        (String::from_utf8(out).unwrap(), errors)
    }

    #[test]
    fn chunks_are_written_in_file_order_whatever_the_workers() {
        let (_dir, file) = file_of(0..1000, &[]);
        let want: String = (0..1000).map(|i| format!("{i} {i}\n")).collect();
        for chunk_records in [1, 7, 64, 999, 1000, 5000] {
            for workers in [1, 2, 3, 8] {
                let plan = Plan {
                    chunk_records,
                    workers,
                };
                let (got, errors) = run(&file, plan, usize::MAX);
                assert!(got == want, "{plan:?}");
                assert!(errors.is_empty(), "{plan:?}: {errors:?}");
            }
        }
    }

    #[test]
    fn newest_first_writes_the_last_chunk_first() {
        let (_dir, file) = file_of(0..100, &[]);
        for (chunk_records, workers) in [(1, 2), (7, 1), (7, 3), (64, 2), (100, 2)] {
            let plan = Plan {
                chunk_records,
                workers,
            };
            let mut out = Vec::new();
            run_in_order(&file, plan, Order::NewestFirst, Pids::default, |c| {
                out.extend_from_slice(c.text());
                Ok(true)
            })
            .unwrap();
            // Chunk by chunk from the end, each chunk's records in file order.
            let want: String = (0..100)
                .collect::<Vec<_>>()
                .chunks(chunk_records)
                .rev()
                .flatten()
                .map(|i| format!("{i} {i}\n"))
                .collect();
            assert_eq!(String::from_utf8(out).unwrap(), want, "{plan:?}");
        }
    }

    #[test]
    fn a_partial_record_ends_the_last_chunk_and_stopping_stops() {
        let (_dir, file) = file_of(0..100, &[1, 2, 3]);
        let want: String = (0..100).map(|i| format!("{i} {i}\n")).collect();
        for workers in [1, 4] {
            let plan = Plan {
                chunk_records: 9,
                workers,
            };
            let (got, errors) = run(&file, plan, usize::MAX);
            assert_eq!(got, want);
            let offset = format!("offset {}", 100 * utmp::RECORD_SIZE);
            assert!(
                errors.len() == 1 && errors[0].contains(&offset),
                "{errors:?}"
            );
            // Stopped after the third chunk: 27 records, then nothing.
            let (got, _) = run(&file, plan, 3);
            assert_eq!(got, want[..want.find("27 27").unwrap()]);
        }
        // Only a partial record: one chunk, its error.
        let (_dir, file) = file_of(0..0, &[1, 2, 3]);
        let (got, errors) = run(
            &file,
            Plan {
                chunk_records: 9,
                workers: 4,
            },
            usize::MAX,
        );
        assert!(got.is_empty() && errors.len() == 1, "{errors:?}");
    }
}
