//! `MappedFile`: the same records and errors as the slice reader, both ways;
//! an empty file; a file that cannot be mapped; a file that shrinks while it
//! is read.

use std::fs;
use std::io::ErrorKind;
use std::path::PathBuf;

use utmp::{entries, EntryBuilder, EntryType, Error, MappedFile, RECORD_SIZE};

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn scratch(name: &str, bytes: &[u8]) -> Scratch {
    let path = std::env::temp_dir().join(format!("utmp-mapped-{}-{name}", std::process::id()));
    fs::write(&path, bytes).unwrap();
    Scratch(path)
}

fn records(n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|i| {
            *EntryBuilder::new(EntryType::UserProcess)
                .user(format!("u{i}"))
                .line(format!("pts/{}", i % 9))
                .pid(i as i32)
                .seconds(1_700_000_000 + i as i64)
                .build()
                .unwrap()
                .as_bytes()
        })
        .collect()
}

/// Maps `path`: the one `unsafe` call of these tests.
fn map(path: impl AsRef<std::path::Path>) -> utmp::Result<MappedFile> {
    // SAFETY: each test maps a scratch file of its own, that nothing else
    // writes; the one that truncates it does so on purpose, keeping every
    // page the reader touches before the size check that stops it.
    unsafe { MappedFile::open(path) }
}

/// Each item as the record's pid, or the error's text.
fn outcome<'a>(
    it: impl Iterator<Item = utmp::Result<utmp::EntryRef<'a>>>,
) -> Vec<Result<i32, String>> {
    it.map(|r| r.map(|e| e.pid()).map_err(|e| e.to_string()))
        .collect()
}

#[test]
#[cfg_attr(miri, ignore = "maps files (isolation)")]
fn same_records_and_errors_as_the_slice_reader_both_ways() {
    for (n, extra) in [(0, 0), (1, 0), (1300, 0), (1300, 7), (0, 5)] {
        let mut bytes = records(n);
        bytes.extend(std::iter::repeat_n(0xAB, extra));
        let file = scratch(&format!("{n}-{extra}"), &bytes);
        let mapped = map(&file.0).unwrap();
        assert_eq!(mapped.as_bytes(), &bytes[..]);
        assert_eq!(mapped.path(), file.0.as_path());
        // The slice reader's errors have no path; the mapped file's name it.
        let named = |v: Vec<Result<i32, String>>| -> Vec<Result<i32, String>> {
            v.into_iter()
                .map(|r| r.map_err(|e| format!("{}: {e}", file.0.display())))
                .collect()
        };
        assert_eq!(
            outcome(mapped.entries()),
            named(outcome(entries(&bytes))),
            "{n} records + {extra} bytes, forwards"
        );
        assert_eq!(
            outcome(mapped.entries().rev()),
            named(outcome(entries(&bytes).rev())),
            "{n} records + {extra} bytes, backwards"
        );
        if extra > 0 {
            let last = mapped.entries().next_back().unwrap();
            assert!(matches!(
                last,
                Err(Error::TrailingBytes { path: Some(_), .. })
            ));
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "opens files (isolation)")]
fn what_cannot_be_mapped_is_an_error_that_names_the_path() {
    let err = map("/dev/null").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.path(), Some(std::path::Path::new("/dev/null")));
    let missing = std::env::temp_dir().join("utmp-mapped-no-such-file");
    assert_eq!(map(&missing).unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
#[cfg_attr(miri, ignore = "maps files (isolation)")]
fn a_file_that_shrinks_while_read_ends_with_an_error_not_a_crash() {
    let n = 2000;
    let bytes = records(n);
    let file = scratch("shrinks", &bytes);
    let mapped = map(&file.0).unwrap();
    let mut it = mapped.entries();
    for i in 0..10 {
        assert_eq!(it.next().unwrap().unwrap().pid(), i);
    }
    // Keep 1500 records: the records read before the next size check (at
    // most 512 from here) all lie inside what is left, so no lost page is
    // touched.
    let f = fs::OpenOptions::new().write(true).open(&file.0).unwrap();
    f.set_len((1500 * RECORD_SIZE) as u64).unwrap();
    let rest: Vec<_> = it.collect();
    let (ok, err): (Vec<_>, Vec<_>) = rest.iter().partition(|r| r.is_ok());
    assert!(ok.len() < 512, "{} records after the truncation", ok.len());
    assert_eq!(err.len(), 1);
    let e = err[0].as_ref().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnexpectedEof);
    assert!(e.to_string().contains("shrank"), "{e}");
    assert!(
        rest.last().unwrap().is_err(),
        "the error ends the iteration"
    );
}

/// The resident size, in KiB, of the mapping of `path` in this process
/// (`/proc/self/smaps`), `None` when it is not mapped.
#[cfg(target_os = "linux")]
fn mapped_rss_kib(path: &std::path::Path) -> Option<u64> {
    let smaps = fs::read_to_string("/proc/self/smaps").unwrap();
    let name = path.to_str().unwrap();
    let mut lines = smaps.lines().skip_while(|l| !l.ends_with(name));
    lines.next()?;
    let rss = lines.find(|l| l.starts_with("Rss:"))?;
    rss.split_whitespace().nth(1)?.parse().ok()
}

/// Reading the last record of a large file maps in its end only: nothing
/// (no thread, no advice) goes through the rest of the file, so `last -n 1`
/// costs the same on 1 GiB as on 1 MiB, and dropping waits for nothing.
#[test]
#[cfg(target_os = "linux")]
#[cfg_attr(miri, ignore = "maps files (isolation)")]
fn reading_the_last_record_maps_in_only_the_end_of_the_file() {
    let tail = records(3);
    let file = scratch("large", &[]);
    // 256 MiB of holes (no disk used), then three records.
    let holes = (256u64 << 20) / RECORD_SIZE as u64 * RECORD_SIZE as u64;
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = fs::OpenOptions::new().write(true).open(&file.0).unwrap();
        f.seek(SeekFrom::Start(holes)).unwrap();
        f.write_all(&tail).unwrap();
    }
    let mapped = map(&file.0).unwrap();
    let last = mapped.entries().next_back().unwrap().unwrap();
    assert_eq!(last.pid(), 2);
    let Some(rss) = mapped_rss_kib(&file.0) else {
        panic!("{} is mapped but not in /proc/self/smaps", file.0.display());
    };
    // The read-ahead window (4 MiB) and the kernel's fault-around, no more.
    assert!(rss <= 8 << 10, "{rss} KiB of the 256 MiB mapping resident");
    drop(mapped);
    assert_eq!(mapped_rss_kib(&file.0), None, "still mapped after drop");
}

/// Parts read with `entries_range` give what `entries` gives, each with
/// the file's offsets; a released part leaves the process's resident size
/// and reads the same bytes again.
#[test]
#[cfg_attr(miri, ignore = "maps files (isolation)")]
fn parts_read_as_the_whole_and_released_parts_leave_and_read_the_same() {
    let n = 20_000;
    let mut bytes = records(n);
    bytes.extend_from_slice(&[7; 5]);
    let file = scratch("parts", &bytes);
    let mapped = map(&file.0).unwrap();
    assert_eq!(mapped.record_count(), n);
    let whole: Vec<_> = mapped
        .entries()
        .map(|e| e.map(|e| e.to_entry()).map_err(|e| e.to_string()))
        .collect();
    let mut parts = Vec::new();
    for start in (0..n + 1000).step_by(3000) {
        let part = mapped.entries_range(start..start + 3000);
        parts.extend(part.map(|e| e.map(|e| e.to_entry()).map_err(|e| e.to_string())));
    }
    assert!(parts == whole, "the parts differ from the whole");
    let last = whole.last().unwrap().as_ref().unwrap_err();
    assert!(
        last.contains(&format!("offset {}", n * RECORD_SIZE)),
        "{last}"
    );
    assert_eq!(
        mapped.entries_range(n..usize::MAX).count(),
        1,
        "only the partial record"
    );
    assert_eq!(
        mapped.entries_range(n + 5..n + 9).count(),
        1,
        "cut at the end"
    );
    #[cfg(target_os = "linux")]
    {
        let before = mapped_rss_kib(&file.0).unwrap();
        assert!(
            before >= 6000,
            "{before} KiB resident after reading 7.3 MiB"
        );
        mapped.release(0..n);
        let after = mapped_rss_kib(&file.0).unwrap_or(0);
        assert!(after <= 256, "{after} KiB still resident after release");
    }
    let again: Vec<_> = mapped
        .entries()
        .map(|e| e.map(|e| e.to_entry()).map_err(|e| e.to_string()))
        .collect();
    assert!(again == whole, "released records read differently");
}

/// Each part checks the file's size before its first record: a part of a
/// file that shrank ends with the error before it reads anything, even a
/// part beyond the new end (which would otherwise die of SIGBUS).
#[test]
#[cfg_attr(miri, ignore = "maps files (isolation)")]
fn a_part_of_a_file_that_shrank_ends_with_an_error_before_reading() {
    let file = scratch("part-shrank", &records(2000));
    let mapped = map(&file.0).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(&file.0)
        .unwrap()
        .set_len(1000 * RECORD_SIZE as u64)
        .unwrap();
    for range in [1500..1600, 0..10] {
        let mut part = mapped.entries_range(range.clone());
        match part.next() {
            Some(Err(e)) => assert_eq!(e.kind(), ErrorKind::UnexpectedEof, "{range:?}: {e}"),
            other => panic!("{range:?}: {other:?}"),
        }
        assert!(part.next().is_none(), "{range:?}: the part goes on");
    }
}

/// Each item of the runs, record by record, as the record's pid, or the
/// error's text; and the size of the largest run.
fn run_outcome(
    mapped: &MappedFile,
    range: std::ops::Range<usize>,
    backwards: bool,
) -> (Vec<Result<i32, String>>, usize) {
    let mut part = mapped.entries_range(range);
    let (mut out, mut largest) = (Vec::new(), 0);
    loop {
        let run = if backwards {
            part.next_back_run()
        } else {
            part.next_run()
        };
        match run {
            None => return (out, largest),
            Some(Err(e)) => out.push(Err(e.to_string())),
            Some(Ok(run)) => {
                largest = largest.max(run.len());
                let pids = run.map(|e| Ok(e.pid()));
                if backwards {
                    out.extend(pids.collect::<Vec<_>>().into_iter().rev());
                } else {
                    out.extend(pids);
                }
            }
        }
    }
}

/// Runs (`next_run`, `next_back_run`) give the records and errors that
/// the iterator gives one by one, both ways, whole files and parts, at most
/// 512 records (one size check) each; mixed with single steps too.
#[test]
#[cfg_attr(miri, ignore = "maps files (isolation)")]
fn runs_give_what_the_records_one_by_one_give() {
    for (n, extra) in [(0, 0), (1, 0), (511, 0), (512, 0), (1300, 7), (0, 5)] {
        let mut bytes = records(n);
        bytes.extend(std::iter::repeat_n(0xAB, extra));
        let file = scratch(&format!("runs-{n}-{extra}"), &bytes);
        let mapped = map(&file.0).unwrap();
        for range in [0..usize::MAX, 3..700, n.saturating_sub(2)..usize::MAX] {
            let (forwards, largest) = run_outcome(&mapped, range.clone(), false);
            assert_eq!(forwards, outcome(mapped.entries_range(range.clone())));
            assert!(largest <= 512, "a run of {largest}");
            let (backwards, largest) = run_outcome(&mapped, range.clone(), true);
            assert_eq!(
                backwards,
                outcome(mapped.entries_range(range.clone()).rev())
            );
            assert!(largest <= 512, "a run of {largest}");
        }
        // Single steps first: the run takes the records up to the next
        // check, no more.
        if n >= 1300 {
            let mut it = mapped.entries();
            let singles: Vec<_> = it.by_ref().take(10).map(|e| e.unwrap().pid()).collect();
            assert_eq!(singles, (0..10).collect::<Vec<_>>());
            assert_eq!(it.next_run().unwrap().unwrap().len(), 512 - 10);
            assert_eq!(it.next().unwrap().unwrap().pid(), 512);
            assert_eq!(it.next_run().unwrap().unwrap().len(), 511);
        }
    }
}

/// A file that shrinks while it is read in runs: the next run's size check
/// ends the reading with the error, as for single records.
#[test]
#[cfg_attr(miri, ignore = "maps files (isolation)")]
fn runs_of_a_file_that_shrinks_end_with_an_error() {
    let file = scratch("runs-shrink", &records(2000));
    let mapped = map(&file.0).unwrap();
    let mut it = mapped.entries();
    let first = it.next_back_run().unwrap().unwrap();
    assert_eq!(first.len(), 512);
    assert_eq!(first.clone().next_back().unwrap().pid(), 1999);
    fs::OpenOptions::new()
        .write(true)
        .open(&file.0)
        .unwrap()
        .set_len(1000 * RECORD_SIZE as u64)
        .unwrap();
    match it.next_back_run() {
        Some(Err(e)) => {
            assert_eq!(e.kind(), ErrorKind::UnexpectedEof, "{e}");
            assert!(e.to_string().contains("shrank"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert!(it.next_back_run().is_none(), "the error ends the iteration");
    assert!(it.next().is_none(), "the error ends the iteration");
}
