//! The text format of util-linux `utmpdump`, both ways.
//!
//! Written from the behaviour of `login-utils/utmpdump.c` (util-linux 2.43),
//! glibc's `strptime`, `sscanf`, `inet_pton` and `inet_ntop`, checked against
//! util-linux's own test expectations and the installed `utmpdump`.
//!
//! One line per record, as `utmpdump` prints it (see [`write_utmpdump`]),
//! and the reverse conversion of `utmpdump -r` (see [`parse_utmpdump_line`]
//! and [`UtmpdumpReader`]), byte for byte for the records it writes:
//!
//! ```text
//! [7] [17058] [ts/1] [kerolasa] [pts/1       ] [:0.0                ] [0.0.0.0        ] [2013-01-16T23:44:09,000000+00:00]
//!  type pid    id     user       line           host                   address           time (always UTC)
//! ```
//!
//! The format is lossy (characters outside printable ASCII become `?`, a space
//! ends a field on the way back, nothing after a string's NUL and neither
//! `ut_exit` nor `ut_session` is kept). Use it to read and edit records by
//! hand, and JSON Lines (`utmp::json`) to keep them.
//!
//! # A partial record at the end of the input
//!
//! Dumping works over the direct reader: every whole record is written, then
//! the reader's [`Error::TrailingBytes`] says how
//! many bytes were left over and where. `utmpdump` ignores such bytes silently;
//! the `utmp dump` command prints the records and then exits with status 1.

use std::borrow::Borrow;
use std::io::{self, BufRead, Write};

use super::{push_2, push_int};
use crate::byte_split::{around_first, before_first};
use crate::clock::{abbreviation, civil_time, Civil, MONTH_NAMES, WEEKDAY_NAMES};
use crate::clock::{decimal_len, push_fill, two, write_decimal};
use crate::entry::{dotted, Entry};
use crate::error::{Error, Result};
use crate::layout::nul_len;
use crate::layout::{self, RecordBytes, Span};
#[cfg(test)]
use crate::time_fmt::days_from_civil;

// ---------------------------------------------------------------------------
// Records to text
// ---------------------------------------------------------------------------

/// Appends the `utmpdump` line of `entry`, newline included, to `buf`.
///
/// The line is exactly what util-linux `utmpdump` (2.41 and later) prints:
///
/// * `[type] [pid] [id] [user] [line] [host] [address] [time]`, the pid with at
///   least 5 digits (`%05d`), the id padded to 4 characters, user, line and
///   host to at least 8, 12 and 20 (never cut: a 32-byte user is shown whole),
///   the address to at least 15;
/// * in the string fields (up to the first NUL), every byte that is not
///   printable ASCII, and `[` and `]`, shows as `?` (as in the C and UTF-8
///   locales);
/// * the address is IPv6 when any of its last three 32-bit words is set, and
///   otherwise the IPv4 address of the first word (`0.0.0.0` when empty),
///   written as glibc's `inet_ntop` writes it;
/// * the time is UTC whatever the time zone, ISO 8601 with a comma and six
///   digits of microseconds: `2013-08-28T11:13:38,000000+00:00`.
///   Microseconds of 1,000,000 or more show as `000000` (util-linux 2.38
///   printed them as they were). A 32-bit `tv_sec` is read unsigned, as
///   [`Entry::seconds`] does (and as `utmpdump` does when built against glibc
///   2.40 or later; an older build shows times from 2038-01-19T03:14:08 on as
///   1901 to 1969).
///
/// Returns false, appending nothing, for a record that `utmpdump` leaves out:
/// one whose year does not fit a C `int` (only possible where `tv_sec` is 64
/// bits wide).
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::{EntryBuilder, EntryType};
/// let entry = EntryBuilder::new(EntryType::UserProcess)
///     .pid(17058)
///     .id("ts/1")
///     .user("kerolasa")
///     .line("pts/1")
///     .host(":0.0")
///     .seconds(1_358_379_849)
///     .build()?;
/// let mut line = Vec::new();
/// assert!(utmp::layouts::utmpdump::push_utmpdump(&entry, &mut line));
/// assert_eq!(
///     line,
///     b"[7] [17058] [ts/1] [kerolasa] [pts/1       ] [:0.0                ] \
///       [0.0.0.0        ] [2013-01-16T23:44:09,000000+00:00]\n"
/// );
/// # Ok(()) }
/// ```
pub fn push_utmpdump<B: Borrow<RecordBytes>>(entry: &Entry<B>, buf: &mut Vec<u8>) -> bool {
    let rec = entry.as_bytes();
    let c = civil_time(entry.seconds());
    let year = c.year;
    // gmtime_r fails when the year does not fit tm_year (an int counting from 1900).
    if year
        .checked_sub(1900)
        .and_then(|y| i32::try_from(y).ok())
        .is_none()
    {
        return false;
    }
    let usec = entry.microseconds();
    let usec = if usec < 1_000_000 { usec } else { 0 };
    // util-linux turns microseconds into a 32-bit nanosecond count and back;
    // for 0..1,000,000 that is the identity, for negative values it wraps.
    let usec = (usec.wrapping_mul(1000) as u32) / 1000;

    // Enough for the usual line: the fixed parts, user and line whole, a
    // short host.
    buf.reserve(256);
    let ut_type = layout::int(rec, layout::UT_TYPE);
    let pid = layout::int(rec, layout::UT_PID);
    match type_digit(ut_type) {
        Some(t) => buf.extend_from_slice(&[b'[', t, b']', b' ', b'[']),
        None => {
            buf.push(b'[');
            push_int(buf, ut_type, 0, b' ');
            buf.extend_from_slice(b"] [");
        }
    }
    push_pid(buf, pid);
    buf.extend_from_slice(b"] [");
    // All of an id wider than 4 bytes (FreeBSD's 8) is shown, in 8 columns.
    let id = entry.id_raw();
    let width = if nul_len(id) > 4 { 8 } else { 4 };
    push_cleansed_n::<{ layout::UT_ID.len }>(buf, id, width);
    buf.extend_from_slice(b"] [");
    push_cleansed_n::<{ layout::UT_USER.len }>(buf, layout::bytes(rec, layout::UT_USER), 8);
    buf.extend_from_slice(b"] [");
    push_cleansed_n::<{ layout::UT_LINE.len }>(buf, layout::bytes(rec, layout::UT_LINE), 12);
    buf.extend_from_slice(b"] [");
    push_cleansed_n::<{ layout::UT_HOST.len }>(buf, layout::bytes(rec, layout::UT_HOST), 20);
    buf.extend_from_slice(b"] [");
    let start = buf.len();
    // A format without an address field prints as no address, as utmpdump
    // prints an all-zero one.
    push_address(buf, entry.address_bytes().unwrap_or([0; 16]));
    debug_assert!(start <= buf.len(), "the buffer only grows");
    let len = buf.len().saturating_sub(start);
    push_fill(buf, b' ', 15usize.saturating_sub(len));
    buf.extend_from_slice(b"] [");
    if let Some(text) = time_text(&c, usec) {
        buf.extend_from_slice(&text);
        return true;
    }
    push_int(buf, year, 4, b' ');
    buf.push(b'-');
    push_int(buf, c.month, 2, b'0');
    buf.push(b'-');
    push_int(buf, c.day, 2, b'0');
    buf.push(b'T');
    push_int(buf, c.hour, 2, b'0');
    buf.push(b':');
    push_int(buf, c.minute, 2, b'0');
    buf.push(b':');
    push_int(buf, c.second, 2, b'0');
    buf.push(b',');
    if usec < 1_000_000 {
        push_2(buf, usec / 10_000);
        push_2(buf, usec / 100 % 100);
        push_2(buf, usec % 100);
    } else {
        push_int(buf, i64::from(usec), 6, b'0');
    }
    buf.extend_from_slice(b"+00:00]\n");
    true
}

/// `ut_type` as one digit, when it is 0 to 9.
#[inline]
fn type_digit(t: i64) -> Option<u8> {
    u8::try_from(t).ok().filter(|t| *t < 10).map(|t| t | b'0')
}

/// `%05d` of the pid.
#[inline]
fn push_pid(buf: &mut Vec<u8>, pid: i64) {
    match u32::try_from(pid) {
        Ok(p) => {
            // Up to 10 digits, at least 5: leading zeros come from the
            // zero-filled array.
            let len = decimal_len(u64::from(p)).max(5);
            let mut digits = [b'0'; 20];
            write_decimal(&mut digits, u64::from(p), len);
            let end = buf.len().saturating_add(len);
            buf.extend_from_slice(&digits);
            buf.truncate(end);
        }
        Err(_) => push_int(buf, pid, 5, b'0'),
    }
}

/// The time column and the end of the line for a year of four digits and
/// microseconds below 1,000,000: `2013-08-28T11:13:38,000000+00:00]\n`.
#[inline]
fn time_text(c: &Civil, usec: u32) -> Option<[u8; 34]> {
    let year = u32::try_from(c.year)
        .ok()
        .filter(|y| (1000..10_000).contains(y))?;
    let two_digits = |v: i64| u32::try_from(v).ok().filter(|&v| v < 100);
    let (mo, d, h) = (
        two_digits(c.month)?,
        two_digits(c.day)?,
        two_digits(c.hour)?,
    );
    let (mi, s) = (two_digits(c.minute)?, two_digits(c.second)?);
    if usec >= 1_000_000 {
        return None;
    }
    let [y0, y1] = two(year / 100);
    let [y2, y3] = two(year);
    let [mo0, mo1] = two(mo);
    let [d0, d1] = two(d);
    let [h0, h1] = two(h);
    let [mi0, mi1] = two(mi);
    let [s0, s1] = two(s);
    let [u0, u1] = two(usec / 10_000);
    let [u2, u3] = two(usec / 100);
    let [u4, u5] = two(usec);
    Some([
        y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':', s0, s1,
        b',', u0, u1, u2, u3, u4, u5, b'+', b'0', b'0', b':', b'0', b'0', b']', b'\n',
    ])
}

/// Writes the `utmpdump` line of `entry` (see [`push_utmpdump`]).
///
/// Returns `Ok(false)`, writing nothing, for a record that `utmpdump` leaves out.
///
/// # Errors
///
/// The writer's error.
pub fn write_utmpdump<B: Borrow<RecordBytes>, W: Write + ?Sized>(
    entry: &Entry<B>,
    out: &mut W,
) -> io::Result<bool> {
    let mut buf = Vec::with_capacity(160);
    if !push_utmpdump(entry, &mut buf) {
        return Ok(false);
    }
    out.write_all(&buf)?;
    Ok(true)
}

/// A string field up to its first NUL, with every byte that is not printable
/// ASCII (and `[`, `]`) shown as `?`, padded with spaces to `width` (the
/// tests' entry to [`push_cleansed_n`] for any size).
#[cfg(test)]
fn push_cleansed(buf: &mut Vec<u8>, field: &[u8], width: usize) {
    match field.len() {
        4 => push_cleansed_n::<4>(buf, field, width),
        32 => push_cleansed_n::<32>(buf, field, width),
        256 => push_cleansed_n::<256>(buf, field, width),
        _ => push_cleansed_n::<0>(buf, field, width),
    }
}

/// A string field up to its first NUL, with every byte that is not printable
/// ASCII (and `[`, `]`) shown as `?`, padded with spaces to `width`.
///
/// `N` is the field's size (any size works; when it matches, the NUL search
/// and the copies are unrolled for it).
#[inline(always)]
fn push_cleansed_n<const N: usize>(buf: &mut Vec<u8>, field: &[u8], width: usize) {
    let field = match <&[u8; N]>::try_from(field) {
        Ok(array) => array.as_slice(),
        Err(_) => field,
    };
    let len = nul_len(field);
    let start = buf.len();
    let end = start.saturating_add(len);
    if let Ok(&[a, b, c, d]) = <&[u8; 4]>::try_from(field) {
        // Padded to a 16-byte block: vector instructions again.
        let block = [a, b, c, d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let [a, b, c, d, ..] = cleansed_block(block);
        buf.extend_from_slice(&[a, b, c, d]);
    } else {
        // Whole 16-byte blocks (fixed-size copies the compiler turns into a
        // few vector instructions) until the string is covered, then cut.
        let mut blocks = field.chunks_exact(16);
        while buf.len() < end {
            match blocks.next().map(<&[u8; 16]>::try_from) {
                Some(Ok(&block)) => buf.extend_from_slice(&cleansed_block(block)),
                _ => {
                    // A field whose size is not a multiple of 16.
                    buf.extend(blocks.remainder().iter().map(|&c| cleansed(c)));
                    break;
                }
            }
        }
    }
    buf.truncate(end);
    push_fill(buf, b' ', width.saturating_sub(len));
}

/// [`cleansed`] on every byte (a loop over a fixed-size array, which the
/// compiler turns into vector instructions).
#[inline(always)]
fn cleansed_block<const N: usize>(mut block: [u8; N]) -> [u8; N] {
    for c in &mut block {
        *c = cleansed(*c);
    }
    block
}

/// The byte as utmpdump shows it: printable ASCII but `[` and `]` as it is,
/// anything else as `?`.
#[inline]
fn cleansed(c: u8) -> u8 {
    if c.wrapping_sub(0x20) < 0x5f && c != b'[' && c != b']' {
        c
    } else {
        b'?'
    }
}

/// `ut_addr_v6` as utmpdump shows it: IPv6 when any of words 1 to 3 is set,
/// else the IPv4 address in word 0.
fn push_address(buf: &mut Vec<u8>, a: [u8; 16]) {
    let (text, len) = address_text(a);
    debug_assert!(len <= text.len(), "an address text longer than its array");
    buf.extend_from_slice(text.get(..len).unwrap_or(&text));
}

/// The text of [`push_address`], then spaces to the end of the array, and
/// its length (at most 39, `ffff:` eight times less one colon).
#[inline]
fn address_text(a: [u8; 16]) -> ([u8; 48], usize) {
    let [a0, a1, a2, a3, rest @ ..] = a;
    if rest == [0; 12] {
        let (v4, len) = ipv4_text([a0, a1, a2, a3]);
        let mut text = [b' '; 48];
        if let Some(head) = text.first_chunk_mut::<16>() {
            *head = v4;
        }
        (text, len)
    } else {
        ipv6_text(a)
    }
}

#[cfg(test)]
fn push_ipv4(buf: &mut Vec<u8>, a: [u8; 4]) {
    let (text, len) = ipv4_text(a);
    buf.extend_from_slice(text.get(..len).unwrap_or(&text));
}

/// An IPv4 address in dotted decimal, then spaces to the end of the array
/// (so that utmpdump's 15 columns come padded), and its length.
#[inline]
fn ipv4_text(a: [u8; 4]) -> ([u8; 16], usize) {
    if a == [0; 4] {
        return (*b"0.0.0.0         ", 7);
    }
    let v4 = crate::entry::Ipv4Text::new(std::net::Ipv4Addr::from(a));
    let digits = v4.as_bytes();
    let mut text = [b' '; 16];
    if let Some(head) = text.get_mut(..digits.len()) {
        head.copy_from_slice(digits);
    }
    (text, digits.len())
}

#[cfg(test)]
fn push_ipv6(buf: &mut Vec<u8>, a: [u8; 16]) {
    let (text, len) = ipv6_text(a);
    buf.extend_from_slice(text.get(..len).unwrap_or(&text));
}

/// IPv6 text as glibc's `inet_ntop` writes it: lowercase hex, the first
/// longest run of two or more zero groups as `::`, and `::a.b.c.d` /
/// `::ffff:a.b.c.d` for IPv4-compatible and IPv4-mapped addresses; then
/// spaces to the end of the array, and the text's length.
// Indices and run lengths are at most 8.
#[allow(clippy::arithmetic_side_effects)]
fn ipv6_text(a: [u8; 16]) -> ([u8; 48], usize) {
    let mut words = [0u16; 8];
    for (w, pair) in words.iter_mut().zip(a.chunks_exact(2)) {
        if let [hi, lo] = *pair {
            *w = u16::from_be_bytes([hi, lo]);
        }
    }
    let (best, best_len) = zero_run(&words);
    let mut text = [b' '; 48];
    if best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff)) {
        let prefix: &[u8] = if best_len == 6 { b"::" } else { b"::ffff:" };
        let (v4, len) = ipv4_text([a[12], a[13], a[14], a[15]]);
        if let Some(d) = text.get_mut(..prefix.len() + 16) {
            let (p, rest) = d.split_at_mut(prefix.len());
            p.copy_from_slice(prefix);
            rest.copy_from_slice(&v4);
        }
        return (text, prefix.len() + len);
    }
    // Built in place (at most 39 characters; each group is written as four
    // bytes and the cursor moves by its length).
    let mut at = 0usize;
    for (i, &w) in words.iter().enumerate() {
        if i >= best && i < best + best_len {
            if i == best {
                if let Some(c) = text.get_mut(at) {
                    *c = b':';
                }
                at += 1;
            }
            continue;
        }
        if i != 0 {
            if let Some(c) = text.get_mut(at) {
                *c = b':';
            }
            at += 1;
        }
        // Hex without leading zeros: shift them out, write four digits,
        // keep `n`.
        let n = (16 - w.leading_zeros() as usize).div_ceil(4).max(1);
        let [hi, lo] = (w << (4 * (4 - n))).to_be_bytes();
        let [h0, h1] = hex_pair(hi);
        let [h2, h3] = hex_pair(lo);
        if let Some(d) = text.get_mut(at..at + 4) {
            d.copy_from_slice(&[h0, h1, h2, h3]);
        }
        at += n;
    }
    if best_len > 0 && best + best_len == 8 {
        if let Some(c) = text.get_mut(at) {
            *c = b':';
        }
        at += 1;
    }
    // The group written last may have left digits beyond the end.
    if let Some(tail) = text.get_mut(at..) {
        tail.fill(b' ');
    }
    (text, at)
}

/// The first longest run of zero words, as (start, length), when at least
/// two long; else an empty run at 8.
// Indices and run lengths are at most 8.
#[allow(clippy::arithmetic_side_effects)]
fn zero_run(words: &[u16; 8]) -> (usize, usize) {
    let (mut best, mut best_len) = (8, 0);
    let mut run = 0;
    for (i, &w) in words.iter().enumerate() {
        if w == 0 {
            run += 1;
            if run > best_len {
                (best, best_len) = (i + 1 - run, run);
            }
        } else {
            run = 0;
        }
    }
    if best_len < 2 {
        (8, 0)
    } else {
        (best, best_len)
    }
}

/// "00" to "ff".
const HEX_PAIRS: &[u8; 512] = b"\
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\
202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f\
404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f\
606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f\
808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f\
a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\
c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf\
e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/// The two lowercase hex digits of a byte.
// In bounds: i + 1 <= 2 * 255 + 1 = 511 < HEX_PAIRS.len() = 512.
#[inline]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
fn hex_pair(b: u8) -> [u8; 2] {
    let i = usize::from(b) * 2;
    [HEX_PAIRS[i], HEX_PAIRS[i + 1]]
}

// ---------------------------------------------------------------------------
// Records to text, fast: a buffer of lines
// ---------------------------------------------------------------------------

/// Lines of `utmpdump` text in a buffer of their own: the same lines as
/// [`push_utmpdump`], written faster (what `utmp dump` uses).
///
/// Each line is written in place at the end of the buffer, whole fields at
/// a time: every string field as blocks of 16 bytes cut at its NUL and
/// padded with spaces by the same vector operations, the numbers a word at a
/// time, the date once per day. Records of unusual shape (a type above 9, a
/// pid of more than 8 digits, a year outside 1000 to 9999, microseconds out
/// of range) go through [`push_utmpdump`], so the text is the same for any
/// bytes. Reuse one buffer (clear it after handing its text on): it keeps
/// its memory and its day.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::layouts::utmpdump::UtmpdumpBuffer;
/// use utmp::{EntryBuilder, EntryType};
/// let entry = EntryBuilder::new(EntryType::UserProcess)
///     .pid(17058)
///     .user("kerolasa")
///     .seconds(1_358_379_849)
///     .build()?;
/// let mut text = UtmpdumpBuffer::new();
/// assert!(text.push(&entry));
/// let mut line = Vec::new();
/// assert!(utmp::layouts::utmpdump::push_utmpdump(&entry, &mut line));
/// assert_eq!(text.as_bytes(), line);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct UtmpdumpBuffer {
    text: InPlaceLines,
    /// The UTC day of the last line and its date text.
    day: Option<DateText>,
    /// A line of unusual shape, from [`push_utmpdump`].
    scratch: Vec<u8>,
}

/// One UTC day and `YYYY-MM-DDT`, as the time column starts during it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateText {
    start: i64,
    /// Only the first 11 bytes are the date; the rest is padding.
    text: [u8; 16],
}

/// The longest line the fast writer writes: the string fields whole, the
/// rest at their widest.
const LONGEST_LINE: usize = {
    let fields = layout::UT_USER.len + layout::UT_LINE.len + layout::UT_HOST.len;
    // `[T] [` + pid (8) + id (8) + the address (39) + the time column (33),
    // the 6 separators `] [`.
    5 + 8 + 8 + fields + 39 + 33 + 6 * 3
};

/// The room a line is written in: the longest line and the farthest a
/// block write reaches past the line's end (a 16-byte block of the host
/// field, 15 bytes beyond its text; the 8-byte end of the line), rounded up
/// (512 bytes on Linux, more where the fields are wider).
const WINDOW: usize = (LONGEST_LINE + 48).next_multiple_of(64);

impl UtmpdumpBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the `utmpdump` line of `entry`, as [`push_utmpdump`] writes
    /// it (the same bytes, the same `false` for a record utmpdump leaves
    /// out, with nothing appended).
    #[inline]
    pub fn push<B: Borrow<RecordBytes>>(&mut self, entry: &Entry<B>) -> bool {
        let window = self.text.window::<WINDOW>();
        match window.and_then(|w| write_line(entry, &mut self.day, w)) {
            Some(n) => {
                self.text.advance(n);
                true
            }
            None => self.push_slow(entry),
        }
    }

    /// A line through [`push_utmpdump`], copied in.
    #[cold]
    fn push_slow<B: Borrow<RecordBytes>>(&mut self, entry: &Entry<B>) -> bool {
        self.scratch.clear();
        let shown = push_utmpdump(entry, &mut self.scratch);
        self.text.push_slice(&self.scratch);
        shown
    }

    /// The lines written since the buffer was made or cleared.
    pub fn as_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The length of the text, in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// True when no line was written since the buffer was made or cleared.
    pub fn is_empty(&self) -> bool {
        self.text.len() == 0
    }

    /// Forgets the text, keeping the memory (and the last day).
    pub fn clear(&mut self) {
        self.text.clear();
    }
}

/// Lines of text written in place at the end of a buffer: the text
/// (`..len`), then room for the next line, bytes of no meaning,
/// initialized once and written over (what [`UtmpdumpBuffer`] and the JSON
/// lines' buffer are made of). The room is kept when the text is cleared.
#[derive(Debug, Clone, Default)]
pub(crate) struct InPlaceLines {
    buf: Vec<u8>,
    len: usize,
}

impl InPlaceLines {
    /// The `W` bytes after the text, to write a line in (then
    /// [`InPlaceLines::advance`] by its length); the buffer grows when
    /// they are not there. `None` only where memory runs out.
    #[inline]
    pub(crate) fn window<const W: usize>(&mut self) -> Option<&mut [u8; W]> {
        self.make_room(W);
        let window = self
            .buf
            .get_mut(self.len..)
            .and_then(|rest| rest.first_chunk_mut::<W>());
        debug_assert!(window.is_some(), "grow leaves a window");
        window
    }

    /// Takes `n` bytes of the window (a line written there) into the text.
    #[inline]
    pub(crate) fn advance(&mut self, n: usize) {
        let len = self.len.saturating_add(n);
        debug_assert!(len <= self.buf.len(), "a line within the window");
        self.len = len.min(self.buf.len());
    }

    /// Appends `line`, copied (over the room after the text, which stays:
    /// truncating it would make the next line grow the buffer again).
    pub(crate) fn push_slice(&mut self, line: &[u8]) {
        let n = line.len();
        self.make_room(n);
        let end = self.len.checked_add(n);
        match end.and_then(|end| self.buf.get_mut(self.len..end)) {
            Some(to) => to.copy_from_slice(line),
            None => debug_assert!(false, "grow leaves room for the line"),
        }
        self.len = end.unwrap_or(self.len);
    }

    /// At least `n` bytes of room after the text: one [`InPlaceLines::grow`]
    /// when they are not there (it leaves them).
    #[inline]
    fn make_room(&mut self, n: usize) {
        if self
            .buf
            .len()
            .checked_sub(self.len)
            .is_none_or(|room| room < n)
        {
            self.grow(n);
        }
    }

    /// The length of the text, in bytes.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Forgets the text, keeping the room.
    #[inline]
    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Room for at least `at_least` more bytes: the buffer grows by the
    /// text's length (doubles), at least by that.
    #[cold]
    fn grow(&mut self, at_least: usize) {
        let want = self.buf.len().checked_add(self.len.max(at_least));
        debug_assert!(want.is_some(), "a text buffer near usize::MAX");
        self.buf.resize(want.unwrap_or(usize::MAX), 0);
    }

    /// The text.
    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        let text = self.buf.get(..self.len);
        debug_assert!(text.is_some(), "len is within the buffer");
        text.unwrap_or(&[])
    }

    /// The bytes the buffer holds, text and room.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.buf.len()
    }
}

/// A line being written into a window of `W` bytes ([`WINDOW`] here, the
/// JSON line's own in `json`): each write is a block of fixed size at `at`,
/// which then moves by the part that counts.
pub(crate) struct Line<'a, const W: usize> {
    w: &'a mut [u8; W],
    at: usize,
    /// Every block fitted (always: the window is the longest line and more).
    fits: bool,
}

impl<'a, const W: usize> Line<'a, W> {
    /// A line at the start of `w`.
    #[inline(always)]
    pub(crate) fn new(w: &'a mut [u8; W]) -> Self {
        Line {
            w,
            at: 0,
            fits: true,
        }
    }

    /// The line's length, when every block fitted in the window.
    #[inline(always)]
    pub(crate) fn len(&self) -> Option<usize> {
        self.fits.then_some(self.at)
    }

    /// Moves the cursor back over the blanks the line ends with (they stay
    /// in the window, to be written over).
    #[inline(always)]
    pub(crate) fn trim_blanks(&mut self) {
        while let Some(before) = self.at.checked_sub(1) {
            if self.w.get(before) != Some(&b' ') {
                break;
            }
            self.at = before;
        }
    }
}

impl<const W: usize> Line<'_, W> {
    /// Writes `block` at the cursor and moves it by `advance` (at most `K`).
    #[inline(always)]
    pub(crate) fn put<const K: usize>(&mut self, block: [u8; K], advance: usize) {
        debug_assert!(advance <= K);
        match self
            .w
            .get_mut(self.at..)
            .and_then(|s| s.first_chunk_mut::<K>())
        {
            Some(d) => *d = block,
            None => self.fits = false,
        }
        // `at` is a sum of the advances so far, each at most a block's
        // size (at most 48), a few of them per line: far from overflow.
        #[allow(clippy::arithmetic_side_effects)]
        let at = self.at + advance;
        self.at = at;
    }

    /// A string field: up to its first NUL, every byte that is not
    /// printable ASCII (and `[`, `]`) as `?`, padded with spaces to
    /// `width`, written as 16-byte blocks.
    #[inline(always)]
    fn put_field(&mut self, field: &[u8], width: usize) {
        let n = nul_len(field);
        let shown = n.max(width);
        let start = self.at;
        let mut from = 0usize;
        while from < shown {
            let block = match field.get(from..).and_then(|s| s.first_chunk::<16>()) {
                Some(&b) => b,
                None => short_block(field.get(from..).unwrap_or_default()),
            };
            let keep = n.checked_sub(from).map_or(0, |k| k.min(16));
            self.put(cleansed_padded(block, keep), 16);
            // from < shown <= the field's length or the width (both small).
            #[allow(clippy::arithmetic_side_effects)]
            let next = from + 16;
            from = next;
        }
        // The cursor ends after the shown text, not after the last block.
        #[allow(clippy::arithmetic_side_effects)]
        let end = start + shown;
        self.at = end;
    }
}

impl<const W: usize> Line<'_, W> {
    /// An IPv4 address in dotted decimal, padded with spaces to 15
    /// columns: spaces first, then [`Line::put_ipv4_text`] over them.
    #[inline(always)]
    fn put_ipv4(&mut self, a: [u8; 4]) {
        let start = self.at;
        self.put([b' '; 16], 0);
        self.put_ipv4_text(a);
        // At most 15 columns: the cursor moved by at most 4 * 3 + 3.
        #[allow(clippy::arithmetic_side_effects)]
        let end = start + (self.at - start).max(15);
        self.at = end;
    }

    /// An IPv4 address in dotted decimal: each number as one 4-byte word
    /// from `entry::DOTTED` (its digits, a dot, spaces), the next written
    /// over those spaces; the cursor ends after the last digit.
    #[inline(always)]
    pub(crate) fn put_ipv4_text(&mut self, a: [u8; 4]) {
        let [a0, a1, a2, a3] = a;
        for b in [a0, a1, a2] {
            let (word, len) = dotted(b);
            // The number and its dot.
            #[allow(clippy::arithmetic_side_effects)]
            self.put(word.to_le_bytes(), len + 1);
        }
        let (word, len) = dotted(a3);
        // The last number without its dot (len <= 3: the shift is below 32).
        #[allow(clippy::arithmetic_side_effects)]
        let dot = u32::from(b'.' ^ b' ') << (8 * len);
        self.put((word ^ dot).to_le_bytes(), len);
    }
}

impl<const W: usize> Line<'_, W> {
    /// An IPv6 address as [`ipv6_text`] writes it, padded with spaces to 15
    /// columns: spaces first, then [`Line::put_ipv6_groups`] over them.
    /// Addresses with an IPv4 part go through [`ipv6_text`].
    #[inline(always)]
    // The cursor moves by at most 8 * 5 + 1.
    #[allow(clippy::arithmetic_side_effects)]
    fn put_ipv6(&mut self, a: [u8; 16]) {
        let start = self.at;
        self.put([b' '; 16], 0);
        if !self.put_ipv6_groups(a) {
            let (text, len) = ipv6_text(a);
            self.put(text, len.max(15));
            return;
        }
        let end = start + (self.at - start).max(15);
        self.at = end;
    }

    /// An IPv6 address as [`ipv6_text`] writes it, each group as one word
    /// (its digits, a colon, spaces) written over the last one's spaces;
    /// the cursor ends after the text. `false`, with nothing written, for
    /// an address with an IPv4 part (`::a.b.c.d`, `::ffff:a.b.c.d`).
    #[inline(always)]
    // Indices and run lengths are at most 8, the cursor moves by at most 5
    // per group.
    #[allow(clippy::arithmetic_side_effects)]
    pub(crate) fn put_ipv6_groups(&mut self, a: [u8; 16]) -> bool {
        let mut words = [0u16; 8];
        for (w, pair) in words.iter_mut().zip(a.chunks_exact(2)) {
            if let [hi, lo] = *pair {
                *w = u16::from_be_bytes([hi, lo]);
            }
        }
        let (best, best_len) = zero_run(&words);
        if best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff)) {
            return false;
        }
        let mut last_was_group = false;
        for (i, &w) in words.iter().enumerate() {
            if i >= best && i < best + best_len {
                // The run: `::` at the start, else one more colon after the
                // group before it.
                if i == 0 {
                    self.put(*b"::", 2);
                } else if i == best {
                    self.put(*b": ", 1);
                }
                last_was_group = false;
                continue;
            }
            let n = (16 - w.leading_zeros() as usize).div_ceil(4).max(1);
            let [hi, lo] = (w << (4 * (4 - n))).to_be_bytes();
            let [h0, h1] = hex_pair(hi);
            let [h2, h3] = hex_pair(lo);
            // The n digits, a colon, spaces (1 <= n <= 4: shifts below 64).
            let digits = u64::from(u32::from_le_bytes([h0, h1, h2, h3]));
            let word = (digits & ((1u64 << (8 * n)) - 1))
                | (u64::from(b':') << (8 * n))
                | (u64::from_le_bytes([b' '; 8]) << (8 * (n + 1)));
            self.put(word.to_le_bytes(), n + 1);
            last_was_group = true;
        }
        if last_was_group {
            // No colon after the last group.
            self.at -= 1;
            self.put([b' '], 0);
        }
        true
    }
}

/// The last bytes of a field (fewer than 16), as a block.
#[inline]
pub(crate) fn short_block(rest: &[u8]) -> [u8; 16] {
    let mut block = [0u8; 16];
    if let [a, b, c, d] = *rest {
        // ut_id: a fixed copy, no call to memcpy.
        block[..4].copy_from_slice(&[a, b, c, d]);
    } else {
        for (to, &from) in block.iter_mut().zip(rest) {
            *to = from;
        }
    }
    block
}

/// The first `keep` bytes of `block` [`cleansed`], the rest spaces (loops
/// over fixed-size arrays, without branches: a few vector instructions).
#[inline(always)]
fn cleansed_padded(block: [u8; 16], keep: usize) -> [u8; 16] {
    padded(cleansed_block(block), keep)
}

/// The first `keep` bytes of `block`, the rest spaces (without branches).
#[inline(always)]
pub(crate) fn padded(block: [u8; 16], keep: usize) -> [u8; 16] {
    // keep <= 16 at every caller.
    debug_assert!(keep <= 16);
    let mask = KEEP.get(keep).copied().unwrap_or([0xff; 16]);
    let mut out = block;
    for (o, m) in out.iter_mut().zip(mask) {
        *o = (*o & m) | (b' ' & !m);
    }
    out
}

/// `KEEP[k]`: the first `k` bytes 0xff, the rest 0.
// Evaluated at compile time: an index out of bounds would not build.
#[allow(clippy::indexing_slicing)]
pub(crate) const KEEP: [[u8; 16]; 17] = {
    let mut masks = [[0u8; 16]; 17];
    let mut k = 0;
    while k <= 16 {
        let mut i = 0;
        while i < k {
            masks[k][i] = 0xff;
            i += 1;
        }
        k += 1;
    }
    masks
};

/// Writes the line of `entry` into `w` and returns its length; `None` for a
/// record of unusual shape (see [`UtmpdumpBuffer`]), with `w` left in any
/// state.
#[inline]
fn write_line<B: Borrow<RecordBytes>>(
    entry: &Entry<B>,
    day: &mut Option<DateText>,
    w: &mut [u8; WINDOW],
) -> Option<usize> {
    let rec = entry.as_bytes();
    let t = type_digit(layout::int(rec, layout::UT_TYPE))?;
    let pid = u32::try_from(layout::int(rec, layout::UT_PID))
        .ok()
        .filter(|&p| p < 100_000_000)?;
    let usec = u32::try_from(entry.microseconds())
        .ok()
        .filter(|&u| u < 1_000_000)?;
    let (date, sod) = date_text(day, entry.seconds())?;
    let mut line = Line::new(w);
    line.put([b'[', t, b']', b' ', b'['], 5);
    let pid_len = decimal_len(u64::from(pid)).max(5);
    // 5 <= pid_len <= 8: the shift drops the leading zeros beyond 5.
    #[allow(clippy::arithmetic_side_effects)]
    let pid_text = eight_digits(pid) >> (8 * (8 - pid_len));
    line.put(pid_text.to_le_bytes(), pid_len);
    line.put(*b"] [", 3);
    // All of an id wider than 4 bytes (FreeBSD's 8) is shown, in 8 columns.
    let id = entry.id_raw();
    line.put_field(id, if nul_len(id) > 4 { 8 } else { 4 });
    line.put(*b"] [", 3);
    line.put_field(layout::bytes(rec, layout::UT_USER), 8);
    line.put(*b"] [", 3);
    line.put_field(layout::bytes(rec, layout::UT_LINE), 12);
    line.put(*b"] [", 3);
    line.put_field(layout::bytes(rec, layout::UT_HOST), 20);
    line.put(*b"] [", 3);
    // A format without an address field prints as no address.
    let address = entry.address_bytes().unwrap_or([0; 16]);
    if let [a0, a1, a2, a3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] = address {
        line.put_ipv4([a0, a1, a2, a3]);
    } else {
        line.put_ipv6(address);
    }
    line.put(*b"] [", 3);
    line.put(date, 11);
    line.put(time_of_day(sod).to_le_bytes(), 8);
    line.put(microseconds_text(usec).to_le_bytes(), 8);
    line.put(*b"00:00]\n\0", 7);
    line.len()
}

/// The date text of the UTC day of `seconds`, from the cache when it is the
/// same day, and the seconds since that midnight; `None` for a year outside
/// 1000 to 9999.
#[inline]
pub(crate) fn date_text(day: &mut Option<DateText>, seconds: i64) -> Option<([u8; 16], u32)> {
    const DAY: i64 = 86_400;
    if let Some(d) = *day {
        if let Some(sod) = seconds
            .checked_sub(d.start)
            .filter(|s| (0..DAY).contains(s))
        {
            // 0 <= sod < 86,400.
            return Some((d.text, sod as u32));
        }
    }
    let start = seconds.div_euclid(DAY).checked_mul(DAY)?;
    let c = Civil::from_local_seconds(start, 0);
    let year = u32::try_from(c.year)
        .ok()
        .filter(|y| (1000..10_000).contains(y))?;
    let (month, date) = (u32::try_from(c.month).ok()?, u32::try_from(c.day).ok()?);
    let [y0, y1] = two(year / 100);
    let [y2, y3] = two(year);
    let [m0, m1] = two(month);
    let [d0, d1] = two(date);
    let text = [
        y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', b' ', b' ', b' ', b' ', b' ',
    ];
    *day = Some(DateText { start, text });
    // seconds - start = seconds.rem_euclid(DAY): 0..86,400.
    Some((text, seconds.rem_euclid(DAY) as u32))
}

/// Numbers below 100 in separate byte lanes of `x` (each at least 14 bits
/// above the one below it) split into two decimal digits: the tens where the
/// number was, the units in the byte above (`tens` marks the low 4 bits of
/// each lane). Add `0` (0x30) to each digit's byte for the text.
#[inline(always)]
fn split_tens(x: u64, tens: u64) -> u64 {
    // v * 103 >> 10 is v / 10 for v < 100, and v * 103 < 2^14 stays in its
    // lane; v - 10 * (v / 10) borrows from no other lane.
    let t = (x.wrapping_mul(103) >> 10) & tens;
    let u = x.wrapping_sub(t.wrapping_mul(10));
    t | (u << 8)
}

/// The number of `0` digits at the start of a word of decimal digits, the
/// first in the lowest byte (8 for `00000000`).
#[inline(always)]
pub(crate) fn leading_zero_digits(digits: u64) -> usize {
    ((digits ^ 0x3030_3030_3030_3030).trailing_zeros() / 8) as usize
}

/// `n` (below 10^8) as 8 decimal digits, the first in the lowest byte.
#[inline(always)]
pub(crate) fn eight_digits(n: u32) -> u64 {
    let n = u64::from(n);
    // Two numbers below 10^4 in the lanes at bits 0 and 32, then each
    // split into two below 100 at once: v * 10,486 >> 20 is v / 100 for
    // v < 10^4 (the product stays below 2^27, within its lane), and
    // v - 100 * (v / 100) borrows from no other lane.
    let x = (n / 10_000) | ((n % 10_000) << 32);
    let h = (x.wrapping_mul(10_486) >> 20) & 0x0000_007f_0000_007f;
    let x = h | (x.wrapping_sub(h.wrapping_mul(100)) << 16);
    split_tens(x, 0x000f_000f_000f_000f) | 0x3030_3030_3030_3030
}

/// `hh:mm:ss` of `sod` seconds after midnight (below 86,400), first byte lowest.
#[inline(always)]
pub(crate) fn time_of_day(sod: u32) -> u64 {
    let (h, m, s) = (sod / 3600, sod / 60 % 60, sod % 60);
    let x = u64::from(h) | (u64::from(m) << 24) | (u64::from(s) << 48);
    split_tens(x, 0x000f_0000_0f00_000f) | 0x3030_3a30_303a_3030
}

/// `,uuuuuu+` of `usec` (below 1,000,000), first byte lowest.
#[inline(always)]
pub(crate) fn microseconds_text(usec: u32) -> u64 {
    let (a, b, c) = (usec / 10_000, usec / 100 % 100, usec % 100);
    let x = (u64::from(a) << 8) | (u64::from(b) << 24) | (u64::from(c) << 40);
    split_tens(x, 0x0000_0f00_0f00_0f00) | 0x2b30_3030_3030_302c
}

// ---------------------------------------------------------------------------
// Text to records
// ---------------------------------------------------------------------------

/// `fgets` in `utmpdump -r` reads at most this many bytes at a time, so a
/// longer line is taken as several.
const FGETS_CHUNK: usize = 1022;

/// Where `utmpdump -r` looks for the user field, whatever came before.
const USER_FIELD_AT: usize = 19;

/// What `utmpdump -r` does with a line it cannot take.
#[derive(Debug)]
enum LineError {
    /// It warns and goes on with the next line.
    Skip(String),
    /// It stops reading (a field has no brackets).
    Stop(String),
}

impl LineError {
    fn message(self) -> String {
        match self {
            LineError::Skip(m) => m,
            LineError::Stop(m) => format!("{m} (utmpdump -r stops here)"),
        }
    }
}

/// Parses one line of `utmpdump` text into the record `utmpdump -r` writes
/// for it.
///
/// The record is zeroed, then gets the type, pid, the 4 bytes after the third
/// `[` as `ut_id`, user, line, host (each up to its first space, cut to the
/// field's size), the address (IPv4 when it has a `.`, else IPv6; zero when it
/// does not parse) and the time. The time is either ISO 8601
/// (`2013-08-28T11:13:38,123456+00:00`: the date and time are read, the
/// offset is not, the digits after the comma are the microseconds as they are,
/// so a 9-digit fraction is out of range) or the older ctime form
/// (`Wed Aug 28 11:13:38 2013 GMT`, English names); both are taken as UTC and
/// read as leniently as glibc's `strptime` does. `ut_exit` and `ut_session`
/// stay zero. Integers too large for their field wrap, as in C.
///
/// The line may end with its newline or not. Unlike [`UtmpdumpReader`], this
/// does not split lines longer than `utmpdump -r`'s 1022-byte buffer.
///
/// # Errors
///
/// [`Error::Parse`] (with line number 1) when the line does not start with
/// `[type] [pid] [id`, or lacks the bracketed fields that follow.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// let e = utmp::layouts::utmpdump::parse_utmpdump_line(
///     "[7] [00013] [ts/1] [torvalds] [linux       ] [hobby               ] \
///      [128.214.205.14 ] [1991-08-26T00:57:08,000000+00:00]",
/// )?;
/// assert_eq!(e.user(), "torvalds");
/// assert_eq!(e.seconds(), 683_168_228);
/// # Ok(()) }
/// ```
pub fn parse_utmpdump_line(line: impl AsRef<[u8]>) -> Result<Entry> {
    parse_line(line.as_ref()).map_err(|e| Error::Parse {
        line: 1,
        message: e.message(),
    })
}

/// `[type] [pid] [id` at the start of a line: the type, the pid, and the id
/// (4 bytes, or a FreeBSD id of up to 8 printed whole).
fn header<'a>(sc: &mut Scan<'a>) -> Option<(i64, i64, &'a [u8])> {
    sc.literal(b'[')?;
    let ut_type = sc.scanf_int()?;
    sc.literal(b']')?;
    sc.skip_space();
    sc.literal(b'[')?;
    let pid = sc.scanf_int()?;
    sc.literal(b']')?;
    sc.skip_space();
    sc.literal(b'[')?;
    let id = sc.take(4)?;
    // A FreeBSD id, printed as 8 columns: `[pts/0   ] [`. A 4-byte id has
    // its `]` right here; util-linux reads 4 bytes whatever follows, so
    // this reads more only when exactly that shape is there, with no `]`
    // in the 8 bytes (an id with a `]` reads back as 4 bytes).
    let wide = sc.s.get(sc.pos..sc.pos.checked_add(7)?);
    if let Some([a, b, c, d, b']', b' ', b'[']) = wide {
        let eight = [id, &[*a, *b, *c, *d][..]].concat();
        if !eight.contains(&b']') {
            let at = sc.pos.checked_sub(4)?;
            sc.take(4)?;
            let whole = sc.s.get(at..sc.pos)?;
            // Padding spaces are not part of it (FreeBSD pads with NULs).
            let len = whole
                .iter()
                .rposition(|&x| x != b' ')
                .map_or(0, |i| i.saturating_add(1));
            return Some((ut_type, pid, whole.get(..len.max(4))?));
        }
    }
    Some((ut_type, pid, id))
}

fn parse_line(line: &[u8]) -> std::result::Result<Entry, LineError> {
    // C string functions see the line up to its first NUL.
    let line = line
        .iter()
        .position(|&c| c == 0)
        .and_then(|n| line.get(..n))
        .unwrap_or(line);
    let mut sc = Scan { s: line, pos: 0 };
    let header = header(&mut sc);
    let Some((ut_type, pid, id)) = header else {
        return Err(LineError::Skip(format!(
            "parse error: not `[type] [pid] [id`: {}",
            String::from_utf8_lossy(line).trim_end()
        )));
    };
    // A wide id moves every later field 4 columns on.
    let wide = if id.len() > 4 { 4 } else { 0 };
    let Some(mut rest) = line.get(USER_FIELD_AT.saturating_add(wide)..) else {
        return Err(LineError::Skip(format!(
            "parse error: line too short: {}",
            String::from_utf8_lossy(line).trim_end()
        )));
    };

    let mut entry = Entry::zeroed();
    let rec = entry.bytes_mut();
    set_wrapping(rec, layout::UT_TYPE, ut_type);
    set_wrapping(rec, layout::UT_PID, pid);
    copy_into(rec, layout::UT_ID, id);
    if let (Some(w), true) = (layout::WIDE_ID, id.len() > layout::UT_ID.len) {
        // Where ut_id is 4 bytes, a FreeBSD id is kept whole beside it, as
        // decoding keeps it (`utmp undump --format freebsd-utx` writes it).
        copy_into(rec, w, id);
    }
    for (name, span) in [
        ("user", layout::UT_USER),
        ("line", layout::UT_LINE),
        ("host", layout::UT_HOST),
    ] {
        let (tok, after) = token(rest, span.len, true, name)?;
        copy_into(rec, span, tok);
        rest = after;
    }
    // INET6_ADDRSTRLEN - 1 bytes are kept; 46 or more cannot be an address.
    let (addr, after) = token(rest, 46, true, "address")?;
    rest = after;
    let (time, _) = token(rest, 28, false, "time")?;

    let ip = if addr.contains(&b'.') {
        inet_pton4(addr).map(std::net::IpAddr::from)
    } else {
        (addr.len() < 46)
            .then(|| std::str::from_utf8(addr).ok())
            .flatten()
            .and_then(|s| s.parse::<std::net::Ipv6Addr>().ok())
            .map(std::net::IpAddr::V6)
    };
    // A host whose record has no address field (FreeBSD, macOS, illumos)
    // keeps none, as utmpdump built there would (its struct has no place).
    let _ = layout::set_address(rec, ip);
    set_wrapping(rec, layout::TV_SEC, strtotime(time));
    set_wrapping(rec, layout::TV_USEC, strtousec(time));
    Ok(entry)
}

/// Stores `value` in an integer field, keeping its low bytes (C's conversion
/// to a narrower integer).
fn set_wrapping(rec: &mut RecordBytes, span: Span, value: i64) {
    let value = match span.len {
        1 => i64::from(value as i8),
        2 => i64::from(value as i16),
        4 => i64::from(value as i32),
        _ => value,
    };
    // The value now fits the field's width.
    let _fits = layout::set_int(rec, span, value, false);
}

/// `strncpy` into a zeroed field.
fn copy_into(rec: &mut RecordBytes, span: Span, value: &[u8]) {
    let out = layout::bytes_mut(rec, span);
    let n = value.len().min(out.len());
    if let (Some(dst), Some(src)) = (out.get_mut(..n), value.get(..n)) {
        dst.copy_from_slice(src);
    }
}

/// The next `[...]` field of `s`: its text (up to the first space when
/// `eat_space`, at most `size` bytes) and the rest of `s` after its `]`.
fn token<'a>(
    s: &'a [u8],
    size: usize,
    eat_space: bool,
    name: &str,
) -> std::result::Result<(&'a [u8], &'a [u8]), LineError> {
    let missing = || LineError::Stop(format!("no bracketed {name} field"));
    let (_, inner) = around_first(s, b'[').ok_or_else(missing)?;
    let (mut tok, rest) = around_first(inner, b']').ok_or_else(missing)?;
    if eat_space {
        tok = before_first(tok, b' ');
    }
    let (tok, _) = tok.split_at(size.min(tok.len()));
    Ok((tok, rest))
}

/// A cursor over a line, with the pieces of `sscanf` and `strptime` that
/// `utmpdump -r` uses.
struct Scan<'a> {
    s: &'a [u8],
    pos: usize,
}

/// The value of an ASCII digit.
fn digit(c: u8) -> u8 {
    c.wrapping_sub(b'0')
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n);
    }

    fn literal(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.advance(1))
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_c_space) {
            self.advance(1);
        }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let t = self.s.get(self.pos..self.pos.checked_add(n)?)?;
        self.advance(n);
        Some(t)
    }

    /// `%d` (or `%hd`): spaces, a sign, decimal digits; the value `strtol`
    /// gives (saturated at the `long` range), for the caller to narrow.
    fn scanf_int(&mut self) -> Option<i64> {
        self.skip_space();
        let neg = match self.peek() {
            Some(b'-') => {
                self.advance(1);
                true
            }
            Some(b'+') => {
                self.advance(1);
                false
            }
            _ => false,
        };
        let digits_at = self.pos;
        let mut v: i128 = 0;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            v = v
                .saturating_mul(10)
                .saturating_add(i128::from(digit(c)))
                .min(i128::from(i64::MAX).saturating_add(1));
            self.advance(1);
        }
        if self.pos == digits_at {
            return None;
        }
        let v = if neg { v.saturating_neg() } else { v };
        Some(i64::try_from(v).unwrap_or(if neg { i64::MIN } else { i64::MAX }))
    }

    /// `strptime`'s number reader: spaces, then up to `n` digits, stopping
    /// early once another digit would pass `to`; `None` when there is no digit
    /// or the value is outside `from..=to`.
    fn strptime_number(&mut self, from: u32, to: u32, n: u32) -> Option<u32> {
        self.skip_space();
        let mut val = 0u32;
        let mut left = n;
        if !self.peek()?.is_ascii_digit() {
            return None;
        }
        loop {
            let c = self.peek().unwrap_or(b'0');
            val = val.saturating_mul(10).saturating_add(u32::from(digit(c)));
            self.advance(1);
            left = left.saturating_sub(1);
            if left == 0
                || val.saturating_mul(10) > to
                || !self.peek().is_some_and(|c| c.is_ascii_digit())
            {
                break;
            }
        }
        (from..=to).contains(&val).then_some(val)
    }

    /// `strptime`'s name match: the longest of `names` and their
    /// abbreviations (case-insensitive) that the input starts with, as its
    /// index.
    fn strptime_name(&mut self, names: &[&str]) -> Option<usize> {
        // `pos` only moves over bytes already looked at (`peek`, `take`, a
        // matched name), so it never passes the end;
        // the empty rest is a release-build fallback only.
        debug_assert!(self.pos <= self.s.len());
        let rest = self.s.get(self.pos..).unwrap_or_default();
        let mut best: Option<(usize, usize)> = None;
        for (i, full) in names.iter().enumerate() {
            for name in [*full, abbreviation(full)] {
                let n = name.len();
                if rest
                    .get(..n)
                    .is_some_and(|r| r.eq_ignore_ascii_case(name.as_bytes()))
                    && best.is_none_or(|(_, len)| n > len)
                {
                    best = Some((i, n));
                }
            }
        }
        let (i, n) = best?;
        self.advance(n);
        Some(i)
    }
}

/// What `utmpdump -r`'s `struct tm` starts as (all fields zero): day 0 of
/// January 1900, that is 1899-12-31 00:00:00. `strptime` fills some fields,
/// `timegm` ([`Civil::local_seconds`]) counts a day 0 as the last day of the
/// month before.
const TM_ZERO: Civil = Civil {
    year: 1900,
    month: 1,
    day: 0,
    hour: 0,
    minute: 0,
    second: 0,
    weekday: 0,
    offset: 0,
};

/// `utmpdump -r`'s time field to seconds: empty or starting with a space is
/// 0; starting with a digit, `strptime("%Y-%m-%dT%H:%M:%S")`; otherwise
/// `strptime("%a %b %d %T %Y")`. Whatever `strptime` filled before it
/// stopped is used, through `timegm`.
fn strtotime(s: &[u8]) -> i64 {
    let mut tm = TM_ZERO;
    match s.first() {
        None | Some(b' ') => return 0,
        // strptime's result is not checked: what it filled before it
        // stopped is used.
        Some(c) if c.is_ascii_digit() => drop(iso_fields(s, &mut tm)),
        Some(_) => drop(ctime_fields(s, &mut tm)),
    }
    tm.local_seconds()
}

fn iso_fields(s: &[u8], tm: &mut Civil) -> Option<()> {
    let mut sc = Scan { s, pos: 0 };
    tm.year = i64::from(sc.strptime_number(0, 9999, 4)?);
    sc.literal(b'-')?;
    tm.month = i64::from(sc.strptime_number(1, 12, 2)?);
    sc.literal(b'-')?;
    tm.day = i64::from(sc.strptime_number(1, 31, 2)?);
    sc.literal(b'T')?;
    tm.hour = i64::from(sc.strptime_number(0, 23, 2)?);
    sc.literal(b':')?;
    tm.minute = i64::from(sc.strptime_number(0, 59, 2)?);
    sc.literal(b':')?;
    tm.second = i64::from(sc.strptime_number(0, 61, 2)?);
    Some(())
}

fn ctime_fields(s: &[u8], tm: &mut Civil) -> Option<()> {
    let mut sc = Scan { s, pos: 0 };
    sc.strptime_name(&WEEKDAY_NAMES)?;
    sc.skip_space();
    // An index of the 12 names: 0 to 11, then 1-based.
    #[allow(clippy::arithmetic_side_effects)]
    let month = sc.strptime_name(&MONTH_NAMES)? as i64 + 1;
    tm.month = month;
    sc.skip_space();
    tm.day = i64::from(sc.strptime_number(1, 31, 2)?);
    sc.skip_space();
    // %T is parsed on a copy and only kept when all of it matched.
    let hms = (|| {
        let h = sc.strptime_number(0, 23, 2)?;
        sc.literal(b':')?;
        let m = sc.strptime_number(0, 59, 2)?;
        sc.literal(b':')?;
        let s = sc.strptime_number(0, 61, 2)?;
        Some((h, m, s))
    })();
    let (h, m, sec) = hms?;
    (tm.hour, tm.minute, tm.second) = (i64::from(h), i64::from(m), i64::from(sec));
    sc.skip_space();
    tm.year = i64::from(sc.strptime_number(0, 9999, 4)?);
    Some(())
}

/// The microseconds: `strtol` of what follows the first comma, 0 when there
/// is no number there or it overflows.
fn strtousec(s: &[u8]) -> i64 {
    let Some((_, after)) = around_first(s, b',') else {
        return 0;
    };
    if after.is_empty() {
        return 0;
    }
    let mut sc = Scan { s: after, pos: 0 };
    sc.skip_space();
    let neg = match sc.peek() {
        Some(b'-') => {
            sc.advance(1);
            true
        }
        Some(b'+') => {
            sc.advance(1);
            false
        }
        _ => false,
    };
    let mut v: i64 = 0;
    let mut any = false;
    while let Some(c) = sc.peek().filter(u8::is_ascii_digit) {
        any = true;
        let d = i64::from(digit(c));
        // strtol accumulates toward the sign; overflow is ERANGE, read as 0.
        let next = v.checked_mul(10).and_then(|v| {
            if neg {
                v.checked_sub(d)
            } else {
                v.checked_add(d)
            }
        });
        match next {
            Some(n) => v = n,
            None => return 0,
        }
        sc.advance(1);
    }
    if any {
        v
    } else {
        0
    }
}

/// glibc's `inet_pton(AF_INET)`: exactly four decimal parts of 0 to 255, no
/// leading zeros, nothing else.
fn inet_pton4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = 0usize;
    let mut saw_digit = false;
    let mut cur: u32 = 0;
    for &c in s {
        if c.is_ascii_digit() {
            if saw_digit && cur == 0 {
                return None;
            }
            cur = cur.saturating_mul(10).saturating_add(u32::from(digit(c)));
            if cur > 255 {
                return None;
            }
            if !saw_digit {
                parts = parts.saturating_add(1);
                if parts > 4 {
                    return None;
                }
                saw_digit = true;
            }
            *out.get_mut(parts.checked_sub(1)?)? = u8::try_from(cur).ok()?;
        } else if c == b'.' && saw_digit {
            if parts == 4 {
                return None;
            }
            cur = 0;
            saw_digit = false;
        } else {
            return None;
        }
    }
    (parts == 4).then_some(out)
}

/// Records from `utmpdump` text, as `utmpdump -r` reads it.
///
/// Yields one item per line (a line longer than 1022 bytes is taken in
/// 1022-byte pieces, as `utmpdump -r` does). A line that `utmpdump -r` skips
/// with a warning yields an [`Error::Parse`] and reading goes on; a line
/// that makes it stop (a field without its brackets) yields an error and ends
/// the iteration. The records are those `utmpdump -r` writes, in order.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// let text = "[2] [00000] [~~  ] [reboot  ] [~           ] [5.14.0] [0.0.0.0        ] \
///             [2023-04-22T21:55:14,144000+00:00]\n";
/// let records = utmp::layouts::utmpdump::UtmpdumpReader::new(text.as_bytes()).collect::<utmp::Result<Vec<_>>>()?;
/// assert_eq!(records[0].microseconds(), 144_000);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct UtmpdumpReader<R> {
    inner: R,
    line: Vec<u8>,
    /// Where the next piece of `line` starts.
    at: usize,
    line_no: u64,
    done: bool,
    stopped: bool,
}

impl<R: BufRead> UtmpdumpReader<R> {
    /// A reader of `utmpdump` text from `inner`.
    pub fn new(inner: R) -> Self {
        UtmpdumpReader {
            inner,
            line: Vec::with_capacity(512),
            at: 0,
            line_no: 0,
            done: false,
            stopped: false,
        }
    }

    /// True once a line has made reading stop, as it makes `utmpdump -r`
    /// exit with an error (the last item was that error).
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// The number of the line the last item came from (1-based).
    pub fn line_number(&self) -> u64 {
        self.line_no
    }
}

impl<R: BufRead> Iterator for UtmpdumpReader<R> {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.at >= self.line.len() {
            self.line.clear();
            self.at = 0;
            match self.inner.read_until(b'\n', &mut self.line) {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(_) => self.line_no = self.line_no.saturating_add(1),
                Err(e) => {
                    self.done = true;
                    return Some(Err(Error::io(None, e)));
                }
            }
        }
        let end = self.line.len().min(self.at.saturating_add(FGETS_CHUNK));
        // `at` is a previous `end` (or 0) of this line, and `end` is at least
        // `at` and at most the line's length; the empty piece is a
        // release-build fallback only.
        debug_assert!(self.at <= end && end <= self.line.len());
        let piece = self.line.get(self.at..end).unwrap_or_default();
        self.at = end;
        Some(parse_line(piece).map_err(|e| {
            if matches!(e, LineError::Stop(_)) {
                self.done = true;
                self.stopped = true;
            }
            Error::Parse {
                line: self.line_no,
                message: e.message(),
            }
        }))
    }
}

impl<R: BufRead> std::iter::FusedIterator for UtmpdumpReader<R> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::RECORD_SIZE;
    use crate::EntryBuilder;
    use crate::EntryType;

    /// A record for the fast writer's test: random bytes with the fields
    /// the fast path looks at set from the arguments (strings made
    /// printable when `printable`, cut at the given NULs).
    #[allow(clippy::too_many_arguments)]
    fn shaped_record(
        bytes: &[u8],
        ut_type: i64,
        pid: i64,
        seconds: i64,
        usec: i64,
        nuls: (usize, usize, usize, usize),
        printable: bool,
        address: u8,
    ) -> Entry {
        let mut e = Entry::zeroed();
        let rec = e.bytes_mut();
        rec.copy_from_slice(&bytes[..RECORD_SIZE]);
        for (span, nul) in [
            (layout::UT_ID, nuls.0),
            (layout::UT_USER, nuls.1),
            (layout::UT_LINE, nuls.2),
            (layout::UT_HOST, nuls.3),
        ] {
            let field = layout::bytes_mut(rec, span);
            if printable {
                for b in field.iter_mut() {
                    *b = 0x20 + *b % 0x5f;
                }
            }
            if let Some(b) = field.get_mut(nul) {
                *b = 0;
            }
        }
        layout::set_int(rec, layout::UT_TYPE, ut_type, false);
        layout::set_int(rec, layout::UT_PID, pid, false);
        layout::set_int(rec, layout::TV_SEC, seconds, layout::TV_SEC.len == 4);
        layout::set_int(rec, layout::TV_USEC, usec, false);
        if let Some(span) = layout::UT_ADDR_V6 {
            let a = layout::bytes_mut(rec, span);
            match address % 7 {
                0 => a.fill(0),
                1 => a[4..].fill(0),
                2 => {}
                3 => {
                    a[..10].fill(0);
                    a[10..12].fill(0xff);
                }
                4 => a[..12].fill(0),
                _ => {
                    // Runs of zero groups anywhere, and small groups.
                    let (zeros, small) = (bytes[0], bytes[1]);
                    for i in 0..8 {
                        if zeros >> i & 1 == 1 {
                            a[2 * i..2 * i + 2].fill(0);
                        } else if small >> i & 1 == 1 {
                            a[2 * i] = 0;
                            a[2 * i + 1] &= 0x1f;
                        }
                    }
                }
            }
        }
        e
    }

    proptest::proptest! {
        // UtmpdumpBuffer against push_utmpdump, record by record and over
        // a run of records (the day cache, across days and back), and again
        // after clear().
        #[test]
        #[cfg_attr(miri, ignore = "safe code; minutes under Miri even with PROPTEST_CASES=8")]
        fn buffer_writes_what_push_utmpdump_writes(
            records in proptest::collection::vec((
                proptest::collection::vec(proptest::num::u8::ANY, RECORD_SIZE),
                -1i64..12,
                proptest::sample::select(vec![
                    0i64, 1, 42, 99_999, 100_000, 4_194_304, 99_999_999, 100_000_000, -1,
                    i64::from(i32::MAX), i64::from(i32::MIN),
                ]),
                proptest::prop_oneof![
                    -100_000i64..5_000_000_000,
                    proptest::sample::select(vec![
                        0i64, -1, 86_399, 86_400, 253_402_300_799, 253_402_300_800,
                        -30_610_224_000, -30_610_224_001, i64::MAX, i64::MIN,
                    ]),
                ],
                proptest::sample::select(vec![0i64, 1, 999_999, 1_000_000, -1, 123_456, i64::from(i32::MAX)]),
                (0usize..40, 0usize..40, 0usize..40, 0usize..300),
                proptest::bool::ANY,
                proptest::num::u8::ANY,
            ), 1..24)
        ) {
            let entries: Vec<Entry> = records
                .iter()
                .map(|(bytes, t, pid, secs, usec, nuls, printable, address)| {
                    shaped_record(bytes, *t, *pid, *secs, *usec, *nuls, *printable, *address)
                })
                .collect();
            let mut text = UtmpdumpBuffer::new();
            let mut want = Vec::new();
            for e in &entries {
                let mut line = Vec::new();
                let shown = push_utmpdump(e, &mut line);
                proptest::prop_assert_eq!(text.push(e), shown);
                want.extend_from_slice(&line);
                proptest::prop_assert_eq!(
                    String::from_utf8_lossy(text.as_bytes()),
                    String::from_utf8_lossy(&want)
                );
            }
            proptest::prop_assert_eq!(text.len(), want.len());
            text.clear();
            proptest::prop_assert!(text.is_empty());
            for e in entries.iter().rev() {
                text.push(e);
            }
            let mut again = Vec::new();
            for e in entries.iter().rev() {
                push_utmpdump(e, &mut again);
            }
            proptest::prop_assert!(text.as_bytes() == again.as_slice());
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "safe code; 160,000 format! calls or 6,000 lines, minutes under Miri"
    )]
    fn buffer_grows_in_proportion_to_its_text() {
        // A type of 10 takes the slow path, every line.
        let mut e = Entry::zeroed();
        assert!(layout::set_int(e.bytes_mut(), layout::UT_TYPE, 10, false));
        let mut text = UtmpdumpBuffer::new();
        let mut size = 0;
        for round in 0..3 {
            for _ in 0..2000 {
                assert!(text.push(&e));
                let grown = text.text.capacity() <= 2 * text.len() + 2 * WINDOW;
                assert!(
                    round > 0 || grown,
                    "{} for {}",
                    text.text.capacity(),
                    text.len()
                );
            }
            let line = text.as_bytes().len() / 2000;
            assert!(text.as_bytes().starts_with(b"[10] [00000] ") && line > 100);
            // The same text again fits the memory the first took.
            assert!(round == 0 || text.text.capacity() == size, "round {round}");
            size = text.text.capacity();
            text.clear();
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "safe code; 160,000 format! calls or 6,000 lines, minutes under Miri"
    )]
    fn digit_words_are_decimal() {
        for n in (0..100_000_000u32)
            .step_by(9_973)
            .chain([0, 9, 10, 99, 100, 99_999_999])
        {
            assert_eq!(eight_digits(n).to_le_bytes(), *format!("{n:08}").as_bytes());
        }
        for sod in 0..86_400u32 {
            let (h, m, s) = (sod / 3600, sod / 60 % 60, sod % 60);
            let want = format!("{h:02}:{m:02}:{s:02}");
            assert_eq!(time_of_day(sod).to_le_bytes(), *want.as_bytes());
        }
        for usec in (0..1_000_000u32).step_by(7).chain([999_999]) {
            let want = format!(",{usec:06}+");
            assert_eq!(microseconds_text(usec).to_le_bytes(), *want.as_bytes());
        }
    }

    fn line_of(e: &Entry) -> String {
        let mut buf = Vec::new();
        assert!(push_utmpdump(e, &mut buf));
        String::from_utf8(buf).unwrap()
    }

    // Expected lines below are worked out by hand from utmpdump.c's format
    // string "[%d] [%05d] [%-4.4s] [%-8.32s] [%-12.32s] [%-20.256s] [%-15s] [%s]".

    proptest::proptest! {
        // push_cleansed against the rule written out byte by byte: up to the
        // first NUL, `?` for anything but printable ASCII and for brackets,
        // spaces up to the width.
        #[test]
        fn cleansed_fields_follow_the_rule(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            size in proptest::sample::select(vec![4usize, 32, 256, 7, 40]),
            width in 0usize..40,
            nul_at in proptest::option::of(0usize..300),
        ) {
            let mut field = bytes;
            field.resize(size, b'x');
            if let Some(n) = nul_at.filter(|&n| n < size) {
                field[n] = 0;
            }
            let mut want: Vec<u8> = field
                .iter()
                .take_while(|&&c| c != 0)
                .map(|&c| if (0x20..0x7f).contains(&c) && c != b'[' && c != b']' { c } else { b'?' })
                .collect();
            while want.len() < width {
                want.push(b' ');
            }
            let mut got = b"prefix".to_vec();
            push_cleansed(&mut got, &field, width);
            proptest::prop_assert_eq!(&got[..6], b"prefix");
            proptest::prop_assert_eq!(&got[6..], &want[..]);
        }

        #[test]
        fn ipv4_addresses_print_like_std(a in proptest::array::uniform4(proptest::num::u8::ANY)) {
            let mut got = Vec::new();
            push_ipv4(&mut got, a);
            proptest::prop_assert_eq!(String::from_utf8(got).unwrap(), std::net::Ipv4Addr::from(a).to_string());
        }

        // Against std's formatting, which follows RFC 5952 like inet_ntop
        // except for the IPv4-compatible and -mapped forms (checked by hand
        // in addresses_print_like_inet_ntop).
        #[cfg_attr(miri, ignore = "safe code; 10 s to minutes under Miri even with PROPTEST_CASES=8")]
        #[test]
        fn ipv6_addresses_print_like_std(
            words in proptest::array::uniform8(proptest::prop_oneof![
                proptest::strategy::Just(0u16), 1u16..0x10, 0x10u16..0x100, proptest::num::u16::ANY
            ])
        ) {
            let ip = std::net::Ipv6Addr::from(words);
            let [w0, w1, w2, w3, w4, w5, w6, _] = words;
            let dotted = [w0, w1, w2, w3, w4] == [0; 5] && (w5 == 0xffff || (w5 == 0 && w6 != 0));
            proptest::prop_assume!(!dotted);
            let mut got = Vec::new();
            push_ipv6(&mut got, ip.octets());
            proptest::prop_assert_eq!(String::from_utf8(got).unwrap(), ip.to_string());
        }

        #[test]
        fn pids_print_like_percent_05d(pid in proptest::num::i32::ANY, small in 0i32..200_000) {
            for pid in [pid, small] {
                let mut got = Vec::new();
                push_pid(&mut got, i64::from(pid));
                proptest::prop_assert_eq!(String::from_utf8(got).unwrap(), format!("{pid:05}"));
            }
        }
    }

    #[test]
    fn non_printable_and_brackets_become_question_marks() {
        let e = EntryBuilder::new(EntryType::UserProcess)
            .pid(-5)
            .id(b"a\x01]")
            .user(b"r[o]ot\xc3\xa9")
            .line(b"\x7f")
            .host(b"h\th")
            .build()
            .unwrap();
        assert_eq!(
            line_of(&e),
            "[7] [-0005] [a?? ] [r?o?ot??] [?           ] [h?h                 ] \
             [0.0.0.0        ] [1970-01-01T00:00:00,000000+00:00]\n"
        );
    }

    #[test]
    fn full_width_fields_are_not_cut() {
        let e = EntryBuilder::new(EntryType::from_raw(300))
            .user([b'u'; 32])
            .host([b'h'; 256])
            .id(b"abcd")
            .pid(i32::MAX)
            .build()
            .unwrap();
        let l = line_of(&e);
        assert!(l.starts_with(&format!(
            "[300] [2147483647] [abcd] [{}] [            ] [{}] ",
            "u".repeat(32),
            "h".repeat(256)
        )));
    }

    #[test]
    fn addresses_print_like_inet_ntop() {
        let cases: [(&str, [u8; 16]); 7] = [
            ("0.0.0.0", [0; 16]),
            (
                "192.168.1.2",
                [192, 168, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            ),
            ("::1", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            (
                "::ffff:1.2.3.4",
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4],
            ),
            (
                "::1.2.3.4",
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4],
            ),
            (
                "2001:503:ba3e::2:30",
                [0x20, 1, 5, 3, 0xba, 0x3e, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x30],
            ),
            ("1:0:1::", [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ];
        for (want, raw) in cases {
            let mut buf = Vec::new();
            push_address(&mut buf, raw);
            assert_eq!(String::from_utf8_lossy(&buf), want);
        }
    }

    #[test]
    fn microseconds_out_of_range_print_as_util_linux_2_41() {
        let e = EntryBuilder::new(EntryType::Empty)
            .microseconds(1_000_000)
            .build()
            .unwrap();
        assert!(line_of(&e).ends_with("[1970-01-01T00:00:00,000000+00:00]\n"));
        let e = EntryBuilder::new(EntryType::Empty)
            .microseconds(-1)
            .build()
            .unwrap();
        // (-1 * 1000) as u32 = 4294966296; / 1000 = 4294966.
        assert!(line_of(&e).ends_with("[1970-01-01T00:00:00,4294966+00:00]\n"));
    }

    #[test]
    fn parse_reads_util_linux_lines() {
        let e = parse_utmpdump_line(
            "[8] [00011] [ipv6] [IPv6    ] [root        ] [dns-server          ] \
             [2001:503:ba3e::2:30] [2013-08-28T20:40:50,999999+00:00]\n",
        )
        .unwrap();
        assert_eq!(e.entry_type(), EntryType::DeadProcess);
        assert_eq!(e.pid(), 11);
        assert_eq!(e.id_raw(), b"ipv6");
        assert_eq!(e.user(), "IPv6");
        assert_eq!(e.line(), "root");
        assert_eq!(e.host(), "dns-server");
        assert_eq!(e.address(), Some("2001:503:ba3e::2:30".parse().unwrap()));
        // 2013-08-28T20:40:50Z by hand: 15945 days * 86400 + 74450.
        assert_eq!(e.seconds(), 15_945 * 86_400 + 20 * 3600 + 40 * 60 + 50);
        assert_eq!(e.microseconds(), 999_999);
        let old = parse_utmpdump_line(
            "[8] [00011] [ipv6] [IPv6    ] [root        ] [dns-server          ] \
             [2001:503:ba3e::2:30] [Wed Aug 28 20:40:50 2013 GMT]",
        )
        .unwrap();
        assert_eq!(old.seconds(), e.seconds());
        assert_eq!(old.microseconds(), 0);
    }

    #[test]
    fn parse_keeps_the_four_id_bytes_and_cuts_at_space() {
        let e = parse_utmpdump_line("[1] [00002] [a]b ] [x y] [l] [h] [1.2.3.4] [ ]").unwrap();
        assert_eq!(e.id_raw(), b"a]b ");
        assert_eq!(e.user(), "x");
        assert_eq!(e.line(), "l");
        assert_eq!(e.address(), Some("1.2.3.4".parse().unwrap()));
        assert_eq!(e.seconds(), 0);
    }

    #[test]
    fn header_errors_skip_and_missing_brackets_stop() {
        let text = "garbage\n[1] [00002] [abcd] [u] [l] [h] [0.0.0.0] [1970-01-01T00:00:01,5]\n\
                    [1] [00002] [abcd] [u] [l] no brackets\n[1] [00002] [abcd] [u] [l] [h] [a] [b]\n";
        let items: Vec<_> = UtmpdumpReader::new(text.as_bytes()).collect();
        assert_eq!(items.len(), 3);
        assert!(matches!(items[0], Err(Error::Parse { line: 1, .. })));
        let mut r = UtmpdumpReader::new(text.as_bytes());
        assert!(r.next().is_some_and(|i| i.is_err()) && !r.is_stopped());
        assert!(r.nth(1).is_some_and(|i| i.is_err()) && r.is_stopped());
        assert!(r.next().is_none());
        let e = items[1].as_ref().unwrap();
        assert_eq!((e.seconds(), e.microseconds()), (1, 5));
        match &items[2] {
            Err(Error::Parse { line: 3, message }) => {
                assert!(message.contains("stops"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn scanf_and_strtol_corner_cases() {
        let e = parse_utmpdump_line("[ -1][+70000] [ab\n").unwrap_err();
        assert!(matches!(e, Error::Parse { .. }));
        // %hd wraps 70000 to 4464; the newline is one of the 4 id bytes.
        let e = parse_utmpdump_line("[70000][-7][ab\n].....[u] [l] [h] [] [,-3]").unwrap();
        assert_eq!(e.raw_type(), 4464);
        assert_eq!(e.pid(), -7);
        assert_eq!(e.id_raw(), b"ab\n]");
        assert_eq!(e.microseconds(), -3);
        assert_eq!(strtousec(b"x,99999999999999999999"), 0);
        assert_eq!(strtousec(b"x,"), 0);
        assert_eq!(strtousec(b"x, 12x"), 12);
    }

    #[test]
    fn strptime_partial_fields_are_kept() {
        // "2013" alone: 2013-01-00 = 2012-12-31T00:00:00Z.
        assert_eq!(strtotime(b"2013"), days_from_civil(2012, 12, 31) * 86_400);
        // A month of 13 stops after the year (month stays January, day 0).
        assert_eq!(
            strtotime(b"2013-13-05"),
            days_from_civil(2012, 12, 31) * 86_400
        );
        // strptime's digit reading stops early: "2013-4-5T6:7:8".
        assert_eq!(
            strtotime(b"2013-4-5T6:7:8"),
            days_from_civil(2013, 4, 5) * 86_400 + 6 * 3600 + 7 * 60 + 8
        );
        // A ctime with a bad %T keeps the date but no time of day.
        assert_eq!(
            strtotime(b"wednesday AUGUST 28 20:40:xx 2013"),
            days_from_civil(1900, 8, 28) * 86_400
        );
        // Nothing matched: 1900-01-00.
        assert_eq!(strtotime(b"?"), days_from_civil(1899, 12, 31) * 86_400);
        assert_eq!(strtotime(b""), 0);
        assert_eq!(strtotime(b" 2013"), 0);
    }

    #[test]
    fn inet_pton4_is_strict() {
        assert_eq!(inet_pton4(b"1.2.3.4"), Some([1, 2, 3, 4]));
        assert_eq!(inet_pton4(b"0.0.0.0"), Some([0; 4]));
        for bad in [
            &b"01.2.3.4"[..],
            b"1.2.3",
            b"1.2.3.4.5",
            b"256.1.1.1",
            b"1..2.3",
            b"1.2.3.4 ",
        ] {
            assert_eq!(inet_pton4(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn long_lines_are_read_in_fgets_pieces() {
        let mut text = String::from("[1] [00002] [abcd] [u] [l] [h] [0.0.0.0] []");
        text.push_str(&" ".repeat(1022 - text.len()));
        text.push_str("[7] [00001] [ab  ] [u2] [l] [h] [0.0.0.0] [2000-01-01T00:00:00,0]\n");
        text.push_str("[1] [00002] [abcd] [u] [l] [h] [0.0.0.0] [");
        let items: Vec<_> = UtmpdumpReader::new(text.as_bytes()).collect();
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap().user(), "u");
        assert_eq!(items[1].as_ref().unwrap().user(), "u2");
        // The last line has no closing bracket for the time: stop.
        assert!(items[2].is_err());
    }
}
