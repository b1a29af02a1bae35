//! `last`'s text layout, byte for byte as util-linux 2.41+ prints it.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::SystemTime;

use crate::clock::{self, TimeZone};
use crate::enum_list::enum_list;
use crate::layout::{self, push_field_prefix, RecordBytes, RECORD_SIZE};
use crate::sessions::{End, Session};
use std::borrow::Borrow;

enum_list! {
    /// How `last` shows times (`--time-format`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
    pub enum TimeFormat {
        /// `notime`: no times, only the length column.
        NoTime = "notime",
        /// `short` (the default): `Wed Aug 28 11:00 - 12:00`.
        #[default]
        Short = "short",
        /// `full` (`-F`): `Wed Aug 28 11:00:00 2013 - Wed Aug 28 12:00:00 2013`.
        Full = "full",
        /// `iso`: `2013-08-28T11:00:00+00:00 - 2013-08-28T12:00:00+00:00`.
        Iso = "iso",
    }
    /// A time format name that is none of [`TimeFormat::ALL`] (`notime`,
    /// `short`, `full`, `iso`).
    #[error("unknown time format: {0}")]
    error ParseTimeFormatError;
}

impl TimeFormat {
    /// Widths of the login and logout columns.
    const fn widths(self) -> (usize, usize) {
        match self {
            TimeFormat::NoTime => (0, 0),
            TimeFormat::Short => (16, 7),
            TimeFormat::Full => (24, 26),
            TimeFormat::Iso => (25, 27),
        }
    }
}

/// Where the host column goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum HostColumn {
    /// Third column (the default).
    #[default]
    Third,
    /// Last column (`-a`), never cut.
    Last,
    /// Not shown (`-R`).
    Hidden,
}

/// Writes sessions in util-linux `last`'s layout.
///
/// Columns: user (8 wide, cut with a `*` as the 8th character when longer),
/// line (12, cut), host (16, cut with `*`), login time, logout, length.
/// [`full_names`](LastFormat::full_names) (`-w`) keeps user and host whole.
/// Lines end without trailing blanks; control characters come out as `*X`
/// (`*A` for 0x01), bytes that are not printable as `\ooo` octal (valid UTF-8
/// passes when [`utf8`](LastFormat::utf8) is set, as in a UTF-8 locale).
#[derive(Debug, Clone)]
pub struct LastFormat {
    time: TimeFormat,
    host: HostColumn,
    full_names: bool,
    numeric: bool,
    separator: u8,
    utf8: bool,
    /// The zone, and the last local day computed (most records fall on the
    /// same day as the one before).
    clock: clock::LocalClock,
    /// The short login column's date text (`Www Mmm dd `) of the last day
    /// it was written for, as `(year, month, day)`: made once per day.
    day_text: Option<((i64, i64, i64), [u8; DAY_TEXT])>,
}

/// The length of the date text that begins `ctime`'s: `Www Mmm dd `.
const DAY_TEXT: usize = 11;
/// The short login column: the date text, then `hh:mm`.
const SHORT_LOGIN: usize = DAY_TEXT + 5;
const _: () = assert!(SHORT_LOGIN == TimeFormat::Short.widths().0);

impl LastFormat {
    /// The default layout (short times, host third, cut columns), local
    /// times in `tz`.
    pub fn new(tz: TimeZone) -> Self {
        LastFormat {
            time: TimeFormat::Short,
            host: HostColumn::Third,
            full_names: false,
            numeric: false,
            separator: b' ',
            utf8: false,
            clock: clock::LocalClock::new(tz),
            day_text: None,
        }
    }

    /// How times are shown.
    #[must_use]
    pub fn time_format(mut self, t: TimeFormat) -> Self {
        self.time = t;
        self
    }

    /// Where the host goes.
    #[must_use]
    pub fn host_column(mut self, h: HostColumn) -> Self {
        self.host = h;
        self
    }

    /// Whole user and host names (`-w`).
    #[must_use]
    pub fn full_names(mut self, yes: bool) -> Self {
        self.full_names = yes;
        self
    }

    /// The address as numbers instead of the host name (`-i`); `0.0.0.0`
    /// when none is recorded.
    #[must_use]
    pub fn numeric_address(mut self, yes: bool) -> Self {
        self.numeric = yes;
        self
    }

    /// The column separator (`-T`: a tab); a space by default.
    #[must_use]
    pub fn separator(mut self, sep: u8) -> Self {
        self.separator = sep;
        self
    }

    /// Pass printable UTF-8 through (a UTF-8 locale); otherwise every byte
    /// above 0x7f is written as `\ooo` (the C locale).
    #[must_use]
    pub fn utf8(mut self, yes: bool) -> Self {
        self.utf8 = yes;
        self
    }

    /// The time format in use.
    pub fn time(&self) -> TimeFormat {
        self.time
    }

    /// The local time at `t`, from the cached day when it falls in it.
    #[inline]
    fn civil(&mut self, t: i64) -> clock::Civil {
        self.clock.civil(t)
    }

    /// Appends a time as the login column shows it (before it is fitted).
    #[inline]
    fn push_login(&mut self, out: &mut Vec<u8>, t: i64) {
        match self.time {
            TimeFormat::NoTime => {}
            TimeFormat::Short => self.push_short_login(out, t),
            TimeFormat::Full => clock::push_ctime(out, &self.civil(t)),
            TimeFormat::Iso => clock::push_iso(out, &self.civil(t)),
        }
    }

    /// The short login column, `ctime`'s first [`SHORT_LOGIN`] bytes: the
    /// date text from the day's cache, then `hh:mm`; `ctime` itself (to be
    /// cut) on a new day, whose date text it leaves in the cache.
    #[inline]
    fn push_short_login(&mut self, out: &mut Vec<u8>, t: i64) {
        let c = self.civil(t);
        let day = (c.year, c.month, c.day);
        let two = |v: i64, below: u32| u32::try_from(v).ok().filter(|&v| v < below);
        let cached = self.day_text.filter(|&(d, _)| d == day);
        if let (Some((_, text)), Some(h), Some(m)) = (cached, two(c.hour, 24), two(c.minute, 60)) {
            let mut line = [b':'; SHORT_LOGIN];
            clock::put(&mut line, 0, text);
            clock::put(&mut line, DAY_TEXT, clock::two(h));
            clock::put(&mut line, DAY_TEXT + 3, clock::two(m));
            out.extend_from_slice(&line);
            return;
        }
        let at = out.len();
        clock::push_ctime(out, &c);
        let text = out.get(at..).and_then(|t| t.first_chunk::<DAY_TEXT>());
        self.day_text = text.map(|&t| (day, t));
    }

    /// Appends a time as the logout column shows it.
    #[inline]
    fn push_logout(&mut self, out: &mut Vec<u8>, t: i64) {
        match self.time {
            TimeFormat::NoTime => {}
            TimeFormat::Short => clock::push_hhmm(out, &self.civil(t)),
            TimeFormat::Full => clock::push_ctime(out, &self.civil(t)),
            TimeFormat::Iso => clock::push_iso(out, &self.civil(t)),
        }
    }

    /// Appends one session's line (with its newline) to `out`. (`&mut`: the
    /// formatter caches the last day it computed.)
    pub fn write_session<B: Borrow<RecordBytes>>(&mut self, s: &Session<B>, out: &mut Vec<u8>) {
        let start = out.len();
        self.raw_line(s, out);
        // `out` only grew since `start` was its length.
        debug_assert!(start <= out.len());
        let written = out.get(start..).unwrap_or_default();
        // Printable ASCII only (eight bytes at a time), else the full test.
        let safe = is_printable_ascii(written)
            || written
                .iter()
                .all(|&c| (0x20..0x7f).contains(&c) || matches!(c, b'\t' | b'\r' | 0x07 | b'\n'));
        if !safe {
            let raw = out.split_off(start);
            careful(&raw, self.utf8, out);
        }
        out.push(b'\n');
    }

    /// The line before characters are made safe, without trailing blanks.
    #[inline]
    fn raw_line<B: Borrow<RecordBytes>>(&mut self, s: &Session<B>, line: &mut Vec<u8>) {
        let start = line.len();
        let login = s.entry().seconds();
        let until = s.until_seconds();
        let (in_len, out_len) = self.time.widths();
        let sep = self.separator;

        let name_len = if self.full_names {
            layout::UT_USER.len
        } else {
            8
        };
        let rec = s.entry().as_bytes();
        let at = line.len();
        let name_len = push_user(line, s, rec, name_len);
        fit(line, at, name_len, !self.full_names, 8);
        line.push(sep);
        let at = line.len();
        s.push_match_line(line);
        fit(line, at, 12, false, 12);
        line.push(sep);

        // With the host last, its text is moved to the end of the line.
        let domain = self.push_host(s, line);

        let at = line.len();
        self.push_login(line, login);
        fit(line, at, in_len, false, in_len);
        line.push(sep);

        // The logout column, then the length column.
        let at = line.len();
        // The length column: a text, or (None) the computed length.
        let length = self.push_end(s.end(), until, line);
        fit(line, at, out_len, false, out_len);
        line.push(sep);
        let at = line.len();
        match length {
            Some(text) => line.extend_from_slice(text),
            None => push_duration(line, until.saturating_sub(login)),
        }
        if self.host == HostColumn::Last {
            fit(line, at, 12, false, 12);
            line.push(sep);
            line.extend_from_slice(&domain);
        }
        while line.len() > start && line.last().is_some_and(|&c| is_c_space(c)) {
            line.pop();
        }
    }

    /// The host column (address with `-i`), fitted when it is third; with
    /// [`HostColumn::Last`], taken back off the line and returned, to be
    /// appended at its end.
    #[inline]
    fn push_host<B: Borrow<RecordBytes>>(&self, s: &Session<B>, line: &mut Vec<u8>) -> Vec<u8> {
        let rec = s.entry().as_bytes();
        let host_at = line.len();
        match (self.numeric, self.host) {
            (_, HostColumn::Hidden) => {}
            // No address field reads as no address: `last -i` prints 0.0.0.0.
            (true, _) => push_numeric_address(line, s.entry().address_bytes().unwrap_or([0; 16])),
            (false, _) => push_field_prefix(
                line,
                layout::bytes(rec, layout::UT_HOST),
                s.host_bytes().len().min(255),
            ),
        }
        if self.host == HostColumn::Last {
            return line.split_off(host_at);
        }
        if self.host == HostColumn::Third {
            let domain_len = if self.full_names {
                layout::UT_HOST.len
            } else {
                16
            };
            fit(line, host_at, domain_len, !self.full_names, 16);
            line.push(self.separator);
        }
        Vec::new()
    }

    /// The logout column's text for how the session ended; returns the
    /// length column's text, or `None` for the computed length.
    #[inline]
    fn push_end(&mut self, end: End, until: i64, line: &mut Vec<u8>) -> Option<&'static [u8]> {
        let long = self.time > TimeFormat::Short;
        match end {
            End::StillRunning if long => {
                line.extend_from_slice(b"  still running");
                Some(b"")
            }
            End::StillRunning => {
                line.extend_from_slice(b"  still");
                Some(b"running")
            }
            End::StillLoggedIn if long => {
                line.extend_from_slice(b"  still logged in");
                Some(b"")
            }
            End::StillLoggedIn => {
                line.extend_from_slice(b"  still");
                Some(b"logged in")
            }
            End::GoneNoLogout => match self.time {
                TimeFormat::NoTime => Some(b"no logout"),
                TimeFormat::Short => {
                    line.extend_from_slice(b"   gone");
                    Some(b"- no logout")
                }
                _ => {
                    line.extend_from_slice(b"  gone - no logout");
                    Some(b"")
                }
            },
            End::Instant => Some(b""),
            End::Crash(_) => {
                line.extend_from_slice(b"- crash");
                None
            }
            End::Down(_) => {
                line.extend_from_slice(b"- down ");
                None
            }
            End::LoggedOut(_) | End::StillDown | End::Failed => {
                line.extend_from_slice(b"- ");
                self.push_logout(line, until);
                None
            }
        }
    }

    /// Appends the footer, `\n<file name> begins <time>\n` (nothing with
    /// [`TimeFormat::NoTime`]).
    pub fn write_footer(&self, file: &Path, begins: SystemTime, out: &mut Vec<u8>) {
        if self.time == TimeFormat::NoTime {
            return;
        }
        let t = clock::unix_seconds(begins);
        let name = file.file_name().unwrap_or(file.as_os_str());
        out.push(b'\n');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b" begins ");
        match self.time {
            TimeFormat::Iso => clock::push_iso(out, &self.clock.zone().civil(t)),
            _ => clock::push_ctime(out, &self.clock.zone().civil(t)),
        }
        out.push(b'\n');
    }
}

/// When a file of records begins, for the footer: the first record's time
/// (whole seconds), or the file's status-change time when it holds no whole
/// record (as util-linux does).
///
/// # Errors
///
/// [`crate::Error::Io`] when the file cannot be opened or read.
pub fn begins(path: impl AsRef<Path>) -> crate::Result<SystemTime> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let path = path.as_ref();
    let wrap = |e| crate::Error::Io {
        path: Some(path.to_owned()),
        error: e,
    };
    let mut file = std::fs::File::open(path).map_err(wrap)?;
    let mut first = [0u8; RECORD_SIZE];
    match file.read_exact(&mut first) {
        Ok(()) => {
            let e = crate::EntryRef::from_array(&first);
            Ok(clock::from_unix_seconds(e.seconds()))
        }
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            let meta = file.metadata().map_err(wrap)?;
            Ok(clock::from_unix_seconds(meta.ctime()))
        }
        Err(e) => Err(wrap(e)),
    }
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Appends the user column's text and returns its width: the record's user,
/// or, for a record with no user, the name `last` gives it, whole (`boot
/// time`, as FreeBSD's `last` prints it).
#[inline]
fn push_user<B: Borrow<RecordBytes>>(
    line: &mut Vec<u8>,
    s: &Session<B>,
    rec: &RecordBytes,
    name_len: usize,
) -> usize {
    let user = s.user_bytes();
    if s.entry().user_bytes().is_empty() {
        push_field_prefix(line, user, user.len());
        name_len.max(user.len())
    } else {
        push_field_prefix(line, layout::bytes(rec, layout::UT_USER), user.len());
        name_len
    }
}

#[inline]
/// printf `%-W.Ps` on what was appended since `at`: cut to `precision`
/// bytes (the last kept one becoming `*` when `mark` and something was cut),
/// then padded with spaces to `width`.
fn fit(out: &mut Vec<u8>, at: usize, precision: usize, mark: bool, width: usize) {
    let end = at.saturating_add(precision);
    if out.len() > end {
        out.truncate(end);
        if mark {
            if let Some(last) = out.get_mut(end.wrapping_sub(1)).filter(|_| precision > 0) {
                *last = b'*';
            }
        }
    }
    let min = at.saturating_add(width);
    if let Some(n) = min.checked_sub(out.len()) {
        clock::push_fill(out, b' ', n);
    }
}

/// Whether every byte is printable ASCII (0x20 to 0x7e), eight at a time.
fn is_printable_ascii(b: &[u8]) -> bool {
    let word = |w: &[u8]| <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes);
    let mut words = b.chunks_exact(8);
    let mut bad = 0u64;
    for w in &mut words {
        bad |= not_printable(word(w));
    }
    if words.remainder().is_empty() {
        return bad == 0;
    }
    // The last eight bytes, overlapping words already seen.
    match b.len().checked_sub(8).and_then(|at| b.get(at..)) {
        Some(last) => bad | not_printable(word(last)) == 0,
        None => bad == 0 && b.iter().all(|&c| c.wrapping_sub(0x20) < 0x5f),
    }
}

/// The high bit of each byte of `w` that is not printable ASCII.
#[inline]
fn not_printable(w: u64) -> u64 {
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Each byte of `low` is at most 0x7f, so none of the sums below carries
    // into the next byte.
    let low = w & !HIGHS;
    // Below 0x20: adding 0x60 leaves the high bit clear.
    let control = !low.wrapping_add(0x6060_6060_6060_6060) & HIGHS;
    // 0x7f: adding 1 sets the high bit.
    let delete = low.wrapping_add(0x0101_0101_0101_0101) & HIGHS;
    (w & HIGHS) | control | delete
}

/// The length column: `(01:00)` with a leading space, `(1+02:03)`, or
/// `(-00:05)` for an end before the start, exactly as util-linux computes it.
#[inline]
fn push_duration(out: &mut Vec<u8>, secs: i64) {
    if let Some(secs) = u32::try_from(secs).ok().filter(|&s| s < 86_400) {
        // Under a day: ` (HH:MM)`.
        let [h0, h1] = clock::two(secs / 3600);
        let [m0, m1] = clock::two(secs / 60 % 60);
        out.extend_from_slice(&[b' ', b'(', h0, h1, b':', m0, m1, b')']);
        return;
    }
    let mins = (secs / 60) % 60;
    let hours = (secs / 3600) % 24;
    let days = secs / 86_400;
    let int = |out: &mut Vec<u8>, v: i64, w| clock::push_int(out, v, w, true, false);
    if days != 0 {
        out.push(b'(');
        int(out, days, 0);
        out.push(b'+');
        int(out, hours.abs(), 2);
    } else if hours != 0 {
        out.extend_from_slice(b" (");
        int(out, hours, 2);
    } else if secs >= 0 {
        out.extend_from_slice(b" (00");
    } else {
        out.extend_from_slice(b" (-00");
    }
    out.push(b':');
    int(out, mins.abs(), 2);
    out.push(b')');
}

/// Appends the address in numbers (see [`numeric_address`]).
fn push_numeric_address(out: &mut Vec<u8>, a: [u8; 16]) {
    use std::io::Write;
    let _ = match numeric_v4(a) {
        Some(v4) => write!(out, "{v4}"),
        None => out.write_all(numeric_address(a).as_bytes()),
    };
}

fn numeric_v4(a: [u8; 16]) -> Option<Ipv4Addr> {
    let [a0, a1, a2, a3, rest @ ..] = a;
    if rest.iter().all(|&b| b == 0) {
        return Some(Ipv4Addr::new(a0, a1, a2, a3));
    }
    if a.get(..10).is_some_and(|r| r.iter().all(|&b| b == 0))
        && a.get(10..12) == Some(&[0xff, 0xff][..])
    {
        let [.., w, x, y, z] = a;
        return Some(Ipv4Addr::new(w, x, y, z));
    }
    None
}

/// The address in numbers, as `getnameinfo(NI_NUMERICHOST)` writes it:
/// IPv4 when the last three words are zero or it is IPv4-mapped.
fn numeric_address(a: [u8; 16]) -> String {
    if let Some(v4) = numeric_v4(a) {
        return v4.to_string();
    }
    let v6 = Ipv6Addr::from(a);
    let seg = v6.segments();
    // inet_ntop writes IPv4-compatible addresses (::a.b.c.d) in dotted form.
    if seg.get(..6).is_some_and(|s| s.iter().all(|&w| w == 0)) && seg.get(6) != Some(&0) {
        let [.., w, x, y, z] = a;
        return format!("::{}", Ipv4Addr::new(w, x, y, z));
    }
    IpAddr::V6(v6).to_string()
}

/// util-linux's `fputs_careful`: printable ASCII, tab, CR, BEL and newline as
/// they are; other control characters as `*` and the character + 0x40;
/// other bytes as `\ooo`, except printable UTF-8 when `utf8`.
fn careful(line: &[u8], utf8: bool, out: &mut Vec<u8>) {
    let mut rest = line;
    while let Some((&c, tail)) = rest.split_first() {
        if (0x20..0x7f).contains(&c) || matches!(c, b'\t' | b'\r' | 0x07 | b'\n') {
            out.push(c);
        } else if c < 0x80 {
            out.push(b'*');
            out.push(c ^ 0x40);
        } else {
            // A printable character's length is within `rest`.
            let character = printable_utf8_len(rest)
                .filter(|_| utf8)
                .and_then(|n| rest.split_at_checked(n));
            if let Some((character, after)) = character {
                out.extend_from_slice(character);
                rest = after;
                continue;
            }
            out.extend_from_slice(format!("\\{c:03o}").as_bytes());
        }
        rest = tail;
    }
}

/// The byte length of the UTF-8 character at the start of `b` when it is
/// valid and printable (not a C1 control).
fn printable_utf8_len(b: &[u8]) -> Option<usize> {
    let n = match b.first()? {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(b.get(..n)?).ok()?;
    let ch = s.chars().next()?;
    (!ch.is_control()).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_format_names_round_trip() {
        crate::enum_list::assert_names_round_trip::<TimeFormat>();
        let e = "long"
            .parse::<TimeFormat>()
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(e, Err("unknown time format: long".to_owned()));
    }

    fn duration_text(secs: i64) -> String {
        let mut v = Vec::new();
        push_duration(&mut v, secs);
        String::from_utf8(v).unwrap()
    }

    fn fitted(b: &[u8], precision: usize, mark: bool, width: usize) -> Vec<u8> {
        let mut v = b"x".to_vec();
        v.extend_from_slice(b);
        fit(&mut v, 1, precision, mark, width);
        v.remove(0);
        v
    }

    proptest::proptest! {
        /// The short login column from the day's cached date text is
        /// `ctime` cut to 16, as it was before the cache: times in order
        /// (hits), out of order and far apart (misses), in zones with and
        /// without daylight saving time, and years of other than 4 digits.
        #[cfg_attr(miri, ignore = "safe code; minutes under Miri")]
        #[test]
        fn short_login_from_the_day_cache_is_ctime_cut(
            start in -70_000_000_000i64..300_000_000_000,
            steps in proptest::collection::vec(-100_000i64..400_000, 1..60),
            zone in 0usize..4,
        ) {
            let zones = [
                TimeZone::utc(),
                TimeZone::fixed(-34_200),
                TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap(),
                TimeZone::from_posix("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45").unwrap(),
            ];
            let tz = zones[zone].clone();
            let mut format = LastFormat::new(tz.clone());
            let mut t = start;
            for step in steps {
                t = t.saturating_add(step);
                let mut got = Vec::new();
                format.push_login(&mut got, t);
                fit(&mut got, 0, SHORT_LOGIN, false, SHORT_LOGIN);
                let mut want = Vec::new();
                clock::push_ctime(&mut want, &tz.civil(t));
                fit(&mut want, 0, SHORT_LOGIN, false, SHORT_LOGIN);
                proptest::prop_assert_eq!(got, want, "at {}", t);
            }
        }

        #[cfg_attr(miri, ignore = "safe code; 10 s to minutes under Miri even with PROPTEST_CASES=8")]
        #[test]
        fn printable_ascii_check_agrees_with_the_byte_rule(
            b in proptest::collection::vec(
                proptest::prop_oneof![
                    0x20u8..0x7f,
                    proptest::strategy::Just(0x7fu8),
                    proptest::strategy::Just(0x1fu8),
                    proptest::num::u8::ANY
                ],
                0..100,
            )
        ) {
            let want = b.iter().all(|&c| (0x20..0x7f).contains(&c));
            proptest::prop_assert_eq!(is_printable_ascii(&b), want);
        }

        #[test]
        fn duration_column_matches_the_general_rule(secs in -200_000i64..200_000) {
            // util-linux: mins = (secs / 60) % 60, hours = (secs / 3600) % 24,
            // days = secs / 86400, written with printf.
            let (mins, hours, days) = ((secs / 60) % 60, (secs / 3600) % 24, secs / 86_400);
            let want = if days != 0 {
                format!("({days}+{:02}:{:02})", hours.abs(), mins.abs())
            } else if hours != 0 {
                format!(" ({hours:02}:{:02})", mins.abs())
            } else if secs >= 0 {
                format!(" (00:{:02})", mins.abs())
            } else {
                format!(" (-00:{:02})", mins.abs())
            };
            proptest::prop_assert_eq!(duration_text(secs), want);
        }
    }

    #[test]
    fn duration_column_by_hand() {
        assert_eq!(duration_text(3600), " (01:00)");
        assert_eq!(duration_text(0), " (00:00)");
        assert_eq!(duration_text(59), " (00:00)");
        assert_eq!(duration_text(10 * 60), " (00:10)");
        assert_eq!(duration_text(86_400 + 2 * 3600 + 3 * 60), "(1+02:03)");
        // 1970-01-01 to 2038-01-19 03:14:07 = 2^31 - 1 seconds.
        assert_eq!(duration_text(i64::from(i32::MAX)), "(24855+03:14)");
        assert_eq!(duration_text(-300), " (-00:05)");
        assert_eq!(duration_text(-2 * 3600 - 300), " (-2:05)");
        assert_eq!(duration_text(-86_400 - 3600), "(-1+01:00)");
    }

    #[test]
    fn numeric_addresses_like_getnameinfo() {
        let mut a = [0u8; 16];
        assert_eq!(numeric_address(a), "0.0.0.0");
        a[..4].copy_from_slice(&[198, 41, 0, 4]);
        assert_eq!(numeric_address(a), "198.41.0.4");
        let v6: Ipv6Addr = "2001:503:ba3e::2:30".parse().unwrap();
        assert_eq!(numeric_address(v6.octets()), "2001:503:ba3e::2:30");
        let mapped: Ipv6Addr = "::ffff:10.1.2.3".parse().unwrap();
        assert_eq!(numeric_address(mapped.octets()), "10.1.2.3");
        let compat: Ipv6Addr = "::10.1.2.3".parse().unwrap();
        assert_eq!(numeric_address(compat.octets()), "::10.1.2.3");
        let one: Ipv6Addr = "::1".parse().unwrap();
        assert_eq!(numeric_address(one.octets()), "::1");
    }

    #[test]
    fn careful_output() {
        let mut out = Vec::new();
        careful(b"a\x01b\x7f\tc\xc3\xa9\xff", false, &mut out);
        assert_eq!(out, b"a*Ab*?\tc\\303\\251\\377");
        out.clear();
        careful(b"\xc3\xa9\xc2\x85", true, &mut out);
        assert_eq!(out, b"\xc3\xa9\\302\\205");
    }

    #[test]
    fn marks_and_pads() {
        assert_eq!(
            fitted(b"never-gonna-logout", 16, true, 16),
            b"never-gonna-log*"
        );
        assert_eq!(
            fitted(b"never-gonna-logout", 16, false, 16),
            b"never-gonna-logo"
        );
        assert_eq!(fitted(b"exactly8", 8, true, 8), b"exactly8");
        assert_eq!(fitted(b"ab", 8, true, 4), b"ab  ");
        assert_eq!(fitted(b"abc", 0, true, 0), b"");
        assert_eq!(
            fitted(b"a-long-user-name", 32, false, 8),
            b"a-long-user-name"
        );
        assert_eq!(
            fitted(b"ab", 8, true, 40),
            [b"ab" as &[u8], &[b' '; 38]].concat()
        );
        assert_eq!("iso".parse::<TimeFormat>(), Ok(TimeFormat::Iso));
        assert!("long".parse::<TimeFormat>().is_err());
    }
}
