//! Which [`Format`] a buffer of login records is in: a ranked list of
//! candidates with a confidence each, never one silent guess.
//!
//! File size alone is ambiguous on real captures (a NetBSD 5,160-byte utmpx
//! divides by 516, 40 and 129; every multiple of 9,600 by 384 and 400), so
//! each candidate format reads up to [`SAMPLE`] records (the first and last
//! halves) and scores them:
//!
//! | check | weight |
//! |---|---|
//! | a type number that format's system defines | 3 |
//! | seconds from 1980 to 2100 (zero: half, and none when a string is set) | 3 |
//! | microseconds 0 to 999,999 | 2 |
//! | a pid from 0 to 4,194,304 | 1 |
//! | each of user, line, host: printable up to its NUL | 1 each |
//! | each of them: only NULs after the NUL (weak: agetty writes `tty1\0tty1`) | 0.25 each |
//! | the bytes outside every field all zero (weak) | 0.25 |
//!
//! A format's confidence is the share of weight its records pass, times the
//! evidence (`n / (n + 0.5)` for `n` records that are not all zero: one
//! record is weaker evidence than twenty), times 0.5 when the data does not
//! end on a record boundary (for FreeBSD `utx.log`, when the length chain does
//! not end exactly at the end; only its first 2,048 records are followed).
//! All-zero records say nothing and are not
//! counted; a buffer of nothing but zeros gives every format that divides it
//! 0.5. Ties rank [`Format::HOST`] first, then [`Format::ALL`]'s order.

use crate::format::{Format, Layout, Time};
use crate::records::{next_record, Next};
use crate::transcode::{read_int, FUTX_SIZE};

/// How many records of each candidate are scored at most: 64 from the start
/// and 64 from the end. Every command pays for it before its first record
/// (19 candidates): 512 made detection a third of `utmp last -n 1`, and
/// evidence from 128 records (`n / (n + 0.5)` = 0.996) is as strong.
pub const SAMPLE: usize = 128;

/// How many records of a length-prefixed chain (`utx.log`) are followed at most.
const CHAIN_AT_MOST: usize = 2048;

/// Seconds of 1980-01-01 and 2100-01-01.
const TIME_RANGE: (i64, i64) = (315_532_800, 4_102_444_800);

/// The formats `bytes` may be in, best first, each with a confidence from 0
/// to 1 (formats that cannot be, such as a record size larger than the data,
/// are left out). Empty data gives `[(Format::HOST, 1.0)]`: no record can be
/// misread.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::{EntryBuilder, EntryType, Format};
/// let mut bytes = Vec::new();
/// for user in ["alice", "bob", "carol"] {
///     let e = EntryBuilder::new(EntryType::UserProcess)
///         .user(user).line("pts/1").pid(1234).seconds(1_700_000_000).build()?;
///     Format::GLIBC_400_BE.encode_into(&e, &mut bytes)?;
/// }
/// let ranked = utmp::detect(&bytes);
/// assert_eq!(ranked[0].0, Format::GLIBC_400_BE);
/// assert!(ranked[0].1 > 0.8);
/// # Ok(()) }
/// ```
pub fn detect(bytes: &[u8]) -> Vec<(Format, f64)> {
    if bytes.is_empty() {
        return vec![(Format::HOST, 1.0)];
    }
    let mut out: Vec<(Format, f64)> = Format::ALL
        .into_iter()
        .filter_map(|f| score(f, bytes).map(|c| (f, c)))
        .collect();
    let rank = |f: &Format| {
        if f.is_host() {
            0
        } else {
            Format::ALL
                .iter()
                .position(|g| g == f)
                .map_or(usize::MAX, |i| i.saturating_add(1))
        }
    };
    out.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| rank(&a.0).cmp(&rank(&b.0)))
    });
    out
}

/// The confidence that `bytes` are records of `format`, or `None` when they
/// cannot be (not even one record).
fn score(format: Format, bytes: &[u8]) -> Option<f64> {
    let (sample, clean_end) = match format.record_size() {
        Some(size) => fixed_sample(bytes, size)?,
        None => chain_sample(format, bytes)?,
    };
    let gaps = gaps(format);
    let (mut good, mut total, mut n) = (0.0f64, 0.0f64, 0usize);
    let mut padded = [0u8; FUTX_SIZE];
    for (start, end) in sample {
        let Some(raw) = bytes.get(start..end) else {
            continue;
        };
        let rec: &[u8] = if format.layout == Layout::FreeBsdUtxLog {
            padded.fill(0);
            if let Some(d) = padded.get_mut(..raw.len()) {
                d.copy_from_slice(raw);
            }
            &padded
        } else {
            raw
        };
        if all_zero(rec) {
            continue;
        }
        let (g, t) = score_record(format, rec, &gaps);
        good += g;
        total += t;
        n = n.saturating_add(1);
    }
    let ratio = if total > 0.0 { good / total } else { 0.5 };
    let evidence = if n == 0 {
        1.0
    } else {
        let n = n as f64;
        n / (n + 0.5)
    };
    let end = if clean_end { 1.0 } else { 0.5 };
    Some(ratio * evidence * end)
}

/// The first and last halves of [`SAMPLE`] places of `places`.
fn halves(places: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    if places.len() <= SAMPLE {
        return places;
    }
    let half = SAMPLE / 2;
    let tail = places.len().saturating_sub(half);
    let (head, rest) = places.split_at(half);
    let (_, last) = rest.split_at(tail.saturating_sub(half));
    head.iter().chain(last).copied().collect()
}

/// The sampled (start, end) of fixed-size records, and whether the bytes end
/// on a record's end; `None` without one whole record.
fn fixed_sample(bytes: &[u8], size: usize) -> Option<(Vec<(usize, usize)>, bool)> {
    let n = bytes.len().checked_div(size)?;
    if n == 0 {
        return None;
    }
    let clean_end = bytes.len().checked_rem(size) == Some(0);
    let place = |i: usize| {
        let at = i.saturating_mul(size);
        (at, at.saturating_add(size))
    };
    let half = SAMPLE / 2;
    let sample = if n > SAMPLE {
        (0..half)
            .chain(n.saturating_sub(half)..n)
            .map(place)
            .collect()
    } else {
        (0..n).map(place).collect()
    };
    Some((sample, clean_end))
}

/// The sampled records along `utx.log`'s chain of lengths (at most
/// [`CHAIN_AT_MOST`] walked), and whether the chain ends cleanly.
fn chain_sample(format: Format, bytes: &[u8]) -> Option<(Vec<(usize, usize)>, bool)> {
    let mut places = Vec::new();
    let mut clean_end = true;
    let mut at = 0usize;
    // Enough to judge past CHAIN_AT_MOST; the rest of a long chain is not
    // walked (a large file of another format would be, in jumps), nor
    // anything past where CHAIN_AT_MOST whole records written by FreeBSD
    // (a length prefix and at most one record each) can reach: long jumps
    // through a large file of another format would read pages all over it.
    let reach = format
        .table()
        .size
        .saturating_add(2)
        .saturating_mul(CHAIN_AT_MOST);
    while places.len() < CHAIN_AT_MOST && at < reach {
        match next_record(format, bytes, at) {
            Next::End => break,
            Next::Trailing { .. } => {
                clean_end = false;
                break;
            }
            Next::Record { start, end, next } => {
                if end.saturating_sub(start) < next.saturating_sub(start) {
                    // A length over 197: FreeBSD skips the excess, but no
                    // FreeBSD writes one.
                    clean_end = false;
                }
                places.push((start, end));
                at = next;
            }
        }
    }
    if places.is_empty() {
        return None;
    }
    Some((halves(places), clean_end))
}

/// The byte ranges of a record of `format` outside every field.
fn gaps(format: Format) -> Vec<(usize, usize)> {
    let t = format.table();
    let mut used = vec![false; t.size];
    let mut mark = |at: usize, len: usize| {
        for b in used.iter_mut().skip(at).take(len) {
            *b = true;
        }
    };
    for s in [Some(t.user), Some(t.line), Some(t.host), t.id]
        .into_iter()
        .flatten()
    {
        mark(s.at, s.len);
    }
    for i in [t.ty, t.pid, t.session, t.syslen].into_iter().flatten() {
        mark(i.at, i.width.into());
    }
    if let Some((a, b)) = t.exit {
        mark(a.at, a.width.into());
        mark(b.at, b.width.into());
    }
    match t.time {
        Time::SecUsec(a, b) => {
            mark(a.at, a.width.into());
            mark(b.at, b.width.into());
        }
        Time::Micros(at) => mark(at, 8),
        Time::Sec(a) => mark(a.at, a.width.into()),
    }
    match t.addr {
        Some(crate::format::Addr::V6Words(at)) => mark(at, 16),
        Some(crate::format::Addr::SockaddrStorage(at)) => mark(at, 128),
        None => {}
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < used.len() {
        if used.get(i) == Some(&false) {
            let start = i;
            while used.get(i) == Some(&false) {
                i = i.saturating_add(1);
            }
            out.push((start, i));
        } else {
            i = i.saturating_add(1);
        }
    }
    out
}

/// (weight passed, weight checked) for one record that is not all zero.
fn score_record(format: Format, rec: &[u8], gaps: &[(usize, usize)]) -> (f64, f64) {
    let t = format.table();
    let o = format.order;
    let mut good = 0.0;
    let mut total = 0.0;
    let mut check = |pass: bool, weight: f64| {
        total += weight;
        if pass {
            good += weight;
        }
    };
    if let Some(f) = t.ty {
        let raw = read_int(rec, f, o).and_then(|v| i16::try_from(v).ok());
        check(raw.is_some_and(|r| format.type_name(r) != "UNKNOWN"), 3.0);
    }
    let (secs, usec) = match t.time {
        Time::SecUsec(s, u) => (read_int(rec, s, o), read_int(rec, u, o)),
        Time::Micros(at) => {
            let us = read_int(
                rec,
                crate::format::Int {
                    at,
                    width: 8,
                    signed: false,
                },
                o,
            );
            (us.map(|u| u / 1_000_000), None)
        }
        Time::Sec(s) => (read_int(rec, s, o), None),
    };
    let strings_empty = [t.user, t.line, t.host].iter().all(|s| {
        rec.get(s.at..s.at.saturating_add(s.len))
            .and_then(|f| f.first())
            .is_none_or(|&b| b == 0)
    });
    match secs {
        // A zero time is usual only on an empty record: with text beside it,
        // it is more likely a window into another format's strings.
        Some(0) if strings_empty => {
            check(true, 1.5);
            check(false, 1.5);
        }
        Some(0) => check(false, 3.0),
        Some(s) => check((TIME_RANGE.0..TIME_RANGE.1).contains(&s), 3.0),
        None => check(false, 3.0),
    }
    if let Some(u) = usec {
        check((0..1_000_000).contains(&u), 2.0);
    }
    if let Some(f) = t.pid {
        check(
            read_int(rec, f, o).is_some_and(|p| (0..=4_194_304).contains(&p)),
            1.0,
        );
    }
    for s in [t.user, t.line, t.host] {
        let field = rec.get(s.at..s.at.saturating_add(s.len));
        // `rec` is one whole record (a utx.log one padded to its full size)
        // and a format's fields lie inside its record: never `None`. The empty
        // field is a release-build fallback only.
        debug_assert!(field.is_some(), "a string field outside the record");
        let field = field.unwrap_or_default();
        let (text, rest) = crate::byte_split::around_first(field, 0).unwrap_or((field, &[]));
        check(printable(text), 1.0);
        check(all_zero(rest), 0.25);
    }
    // `gaps` are between the fields of this format's record, and `rec` is one
    // whole record: never `None` (an empty gap is a release-build fallback).
    debug_assert!(gaps.iter().all(|&(a, b)| rec.get(a..b).is_some()));
    let pad_zero = gaps
        .iter()
        .all(|&(a, b)| rec.get(a..b).is_some_and(all_zero));
    if !gaps.is_empty() {
        check(pad_zero, 0.25);
    }
    (good, total)
}

/// Whether every byte is zero. Detection scores every candidate format over
/// hundreds of records before a command reads its first one: 32 bytes at a
/// time folded without a branch, which the compiler turns into wide loads,
/// and an early exit between blocks (a plain `all` stays a byte loop, and
/// was a third of `utmp last -n 1`).
fn all_zero(bytes: &[u8]) -> bool {
    let zero = |block: &[u8]| block.iter().fold(0u8, |acc, &b| acc | b) == 0;
    let mut blocks = bytes.chunks_exact(32);
    blocks.by_ref().all(zero) && zero(blocks.remainder())
}

/// Whether every byte is printable (not a control character, not DEL): one
/// fold without a branch over the whole text (a field's text before its NUL
/// is short, so no early exit is worth its branch).
fn printable(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(true, |acc, &b| acc & (b >= 0x20) & (b != 0x7f))
}
