//! Local time without the C library: time zones from `TZ` (POSIX rule
//! strings, fixed offsets) and TZif files through jiff, the one civil time
//! ([`Civil`]) with its per-day cache, and the fixed-width text layouts
//! `last` prints (`ctime` and ISO 8601).
//!
//! What is supported, in the order glibc looks:
//!
//! * `TZ` unset: `/etc/localtime` as a TZif file; UTC when it cannot be read.
//! * `TZ=""` or a `TZ` that names nothing usable: UTC.
//! * `TZ=:NAME` or `TZ=NAME`: a TZif file, `NAME` itself when absolute, else
//!   under `$TZDIR` or `/usr/share/zoneinfo`; TZif versions 1 to 4, the 64-bit
//!   data when present, the footer rule for times after the last transition.
//! * Otherwise `TZ` as a POSIX rule: `UTC`, `GMT`, `EST5`, `<+0330>-3:30`,
//!   `CET-1CEST,M3.5.0,M10.5.0/3` (rules `Mm.w.d`, `Jn`, `n`, with times).
//!
//! Not supported: leap-second (`right/`) corrections, which are ignored; a
//! `TZ` with DST but no rule takes the US rule (`M3.2.0,M11.1.0`), as glibc's
//! default `posixrules` does.

// Calendar arithmetic on bounded values: every time that enters this module
// from outside is first clamped to +-LIMIT seconds (about 34,000 years), and
// offsets come from jiff (at most +-25:59:59), so no intermediate value
// comes near i64's range. The proptests `any_tz_rule_at_any_time_is_no_panic`
// and `any_tzif_data_at_any_time_is_no_panic` (overflow checks on) hold us
// to it.
#![allow(clippy::arithmetic_side_effects)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SECS_PER_DAY: i64 = 86_400;

/// The times this module computes with: +-2^40 seconds.
const LIMIT: i64 = 1 << 40;

fn clamp(t: i64) -> i64 {
    t.clamp(-LIMIT, LIMIT)
}

pub(crate) use crate::time_fmt::{civil_from_days, days_from_civil};

/// A broken-down local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub(crate) year: i64,
    /// 1-12
    pub(crate) month: i64,
    /// 1-31
    pub(crate) day: i64,
    pub(crate) hour: i64,
    pub(crate) minute: i64,
    pub(crate) second: i64,
    /// 0 = Sunday
    pub(crate) weekday: i64,
    /// Seconds east of UTC.
    pub(crate) offset: i64,
}

impl Civil {
    /// The civil time `local` seconds after 1970-01-01 00:00 (a local time
    /// read as if UTC): jiff's calendar for its years (-9999 to 9999), the
    /// fallback one beyond them.
    pub(crate) fn from_local_seconds(local: i64, offset: i64) -> Civil {
        match jiff::Timestamp::from_second(local) {
            Ok(t) => {
                let dt = jiff::tz::Offset::UTC.to_datetime(t);
                Civil {
                    year: i64::from(dt.year()),
                    month: i64::from(dt.month()),
                    day: i64::from(dt.day()),
                    hour: i64::from(dt.hour()),
                    minute: i64::from(dt.minute()),
                    second: i64::from(dt.second()),
                    weekday: i64::from(dt.weekday().to_sunday_zero_offset()),
                    offset,
                }
            }
            Err(_) => Civil::from_local_seconds_fallback(local, offset),
        }
    }

    /// [`Civil::from_local_seconds`] for any time: the proleptic Gregorian
    /// calendar by era arithmetic ([`civil_from_days`]), for the absurd
    /// 64-bit times of damaged records that jiff does not represent.
    fn from_local_seconds_fallback(local: i64, offset: i64) -> Civil {
        let days = local.div_euclid(SECS_PER_DAY);
        let secs = local.rem_euclid(SECS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month: i64::from(month),
            day: i64::from(day),
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            weekday: (days + 4).rem_euclid(7),
            offset,
        }
    }

    /// The date and time as seconds since the epoch, read as if UTC.
    pub(crate) fn local_seconds(&self) -> i64 {
        let month = u32::try_from(self.month.clamp(1, 12)).unwrap_or(1);
        days_from_civil(self.year, month, 1)
            .saturating_add(self.day - 1)
            .saturating_mul(SECS_PER_DAY)
            .saturating_add(self.hour * 3600 + self.minute * 60 + self.second)
    }
}

/// The weekdays' names in C's locale, Sunday first: the crate's one table
/// (`ctime` writes their first three letters; `strptime` and `last --since`
/// read either form).
pub(crate) const WEEKDAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
/// The months' names in C's locale, as [`WEEKDAY_NAMES`].
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The first three letters of each name, computed when compiling (a name
/// shorter than three bytes fails the build).
// Indexing in a const evaluation: out of bounds is a compile error.
#[allow(clippy::indexing_slicing)]
const fn abbreviations<const N: usize>(names: [&str; N]) -> [[u8; 3]; N] {
    let mut out = [[0; 3]; N];
    let mut i = 0;
    while i < N {
        let b = names[i].as_bytes();
        out[i] = [b[0], b[1], b[2]];
        i += 1;
    }
    out
}

/// The abbreviation (`Sun`, `Jan`) of `name`.
pub(crate) fn abbreviation(name: &str) -> &str {
    name.get(..3).unwrap_or(name)
}

/// "00" to "99".
const TWO_DIGITS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The two decimal digits of `n % 100`.
#[inline]
// In bounds: n % 100 < 100, so i + 1 <= 199 < TWO_DIGITS.len() = 200.
#[allow(clippy::indexing_slicing)]
pub(crate) fn two(n: u32) -> [u8; 2] {
    let i = (n % 100) as usize * 2;
    [TWO_DIGITS[i], TWO_DIGITS[i + 1]]
}

/// The number of decimal digits of `n`.
#[inline]
pub(crate) fn decimal_len(n: u64) -> usize {
    match u32::try_from(n) {
        Ok(n) => n.checked_ilog10().map_or(1, |l| l as usize + 1),
        Err(_) => n.ilog10() as usize + 1,
    }
}

/// Writes `n` in decimal into `digits`, its last digit at `end - 1`, two
/// digits at a time (the bytes before it are left as they are).
#[inline]
pub(crate) fn write_decimal(digits: &mut [u8; 20], n: u64, end: usize) {
    // Callers leave room for every digit (at most 20, u64::MAX's count).
    debug_assert!(decimal_len(n) <= end && end <= digits.len(), "{n} to {end}");
    let mut end = end;
    let mut n = n;
    // 64-bit divisions until the rest fits 32 bits.
    while n > u64::from(u32::MAX) && end >= 2 {
        end -= 2;
        if let Some(d) = digits.get_mut(end..end + 2) {
            // n % 100 < 100: the cast is exact.
            d.copy_from_slice(&two((n % 100) as u32));
        }
        n /= 100;
    }
    debug_assert!(n <= u64::from(u32::MAX), "room for every digit");
    let mut m = u32::try_from(n).unwrap_or(0);
    while m >= 10 && end >= 2 {
        end -= 2;
        if let Some(d) = digits.get_mut(end..end + 2) {
            d.copy_from_slice(&two(m));
        }
        m /= 100;
    }
    // The last (first) digit, when one is left: m < 10 here.
    if let Some(d) = end.checked_sub(1).and_then(|i| digits.get_mut(i)) {
        *d = b'0' + (m % 10) as u8;
    }
}

/// Appends `n` copies of `byte`.
#[inline]
pub(crate) fn push_fill(out: &mut Vec<u8>, byte: u8, n: usize) {
    match n {
        0 => {}
        1..=32 => {
            // One fixed-size copy, then cut: no call to memset.
            let end = out.len() + n;
            out.extend_from_slice(&[byte; 32]);
            out.truncate(end);
        }
        _ => out.resize(out.len() + n, byte),
    }
}

/// printf's `%d` family for one integer: `width` wide, padded with zeros
/// after the sign (`zero`) or spaces before it, with `+` for positives when
/// `plus`.
pub(crate) fn push_int(out: &mut Vec<u8>, v: i64, width: usize, zero: bool, plus: bool) {
    if width == 2 && zero && !plus && (0..100).contains(&v) {
        // The common case (times of day, dates): two digits.
        out.extend_from_slice(&two(v as u32));
        return;
    }
    let n = v.unsigned_abs();
    let len = decimal_len(n);
    let sign = if v < 0 {
        Some(b'-')
    } else if plus {
        Some(b'+')
    } else {
        None
    };
    let fill = width.saturating_sub(len + usize::from(sign.is_some()));
    if !zero {
        push_fill(out, b' ', fill);
    }
    out.extend(sign);
    // Zero padding is written as leading zeros of the number when it fits
    // the 20 bytes.
    let (zeros, fill) = if zero && fill + len <= 20 {
        (fill, 0)
    } else if zero {
        (0, fill)
    } else {
        (0, 0)
    };
    push_fill(out, b'0', fill);
    let mut digits = [b'0'; 20];
    write_decimal(&mut digits, n, zeros + len);
    // A fixed-size copy, then cut to the digits.
    let end = out.len() + zeros + len;
    out.extend_from_slice(&digits);
    out.truncate(end);
}

/// The abbreviation of name `i` of `names` (`???` out of range).
fn name_of(names: &[[u8; 3]], i: i64) -> &[u8] {
    // Months and weekdays come from the calendar, always in range.
    debug_assert!(usize::try_from(i).is_ok_and(|i| i < names.len()), "{i}");
    usize::try_from(i)
        .ok()
        .and_then(|i| names.get(i))
        .map_or(b"???", |n| n)
}

/// The abbreviations as fixed-size arrays, for the fast paths.
const WEEKDAYS_3: [[u8; 3]; 7] = abbreviations(WEEKDAY_NAMES);
const MONTHS_3: [[u8; 3]; 12] = abbreviations(MONTH_NAMES);

/// `v` when it is in 0..100 (two digits at most).
#[inline]
fn below_100(v: i64) -> Option<u32> {
    u32::try_from(v).ok().filter(|&v| v < 100)
}

/// The four digits of a year in 1000..=9999.
#[inline]
fn four_digit_year(year: i64) -> Option<[u8; 4]> {
    let y = u32::try_from(year)
        .ok()
        .filter(|y| (1000..=9999).contains(y))?;
    let [a, b] = two(y / 100);
    let [c, d] = two(y);
    Some([a, b, c, d])
}

/// Copies `v` into `text` at `at` (at constant positions the check of the
/// bounds goes away, and the copy is one store).
#[inline(always)]
pub(crate) fn put<const N: usize>(text: &mut [u8], at: usize, v: [u8; N]) {
    if let Some(d) = text.get_mut(at..at + N) {
        d.copy_from_slice(&v);
    }
}

/// `HH:MM:SS` when every part has at most two digits.
#[inline]
fn hms_8(c: &Civil) -> Option<[u8; 8]> {
    let mut text = *b"00:00:00";
    put(&mut text, 0, two(below_100(c.hour)?));
    put(&mut text, 3, two(below_100(c.minute)?));
    put(&mut text, 6, two(below_100(c.second)?));
    Some(text)
}

/// `ctime(3)` without the newline: `Wed Aug 28 11:13:38 2013`.
pub(crate) fn push_ctime(out: &mut Vec<u8>, c: &Civil) {
    if let Some(text) = ctime_24(c) {
        out.extend_from_slice(&text);
        return;
    }
    out.extend_from_slice(name_of(&WEEKDAYS_3, c.weekday));
    out.push(b' ');
    out.extend_from_slice(name_of(&MONTHS_3, c.month - 1));
    push_int(out, c.day, 3, false, false);
    out.push(b' ');
    push_hms(out, c);
    out.push(b' ');
    push_int(out, c.year, 0, false, false);
}

/// The usual `ctime` text (a four-digit year, fields in range), built in
/// place.
#[inline]
fn ctime_24(c: &Civil) -> Option<[u8; 24]> {
    let weekday = *WEEKDAYS_3.get(usize::try_from(c.weekday).ok()?)?;
    let month = *MONTHS_3.get(usize::try_from(c.month - 1).ok()?)?;
    let day = below_100(c.day)?;
    let hms = hms_8(c)?;
    let year = four_digit_year(c.year)?;
    let mut text = *b"Www Mmm dd hh:mm:ss yyyy";
    put(&mut text, 0, weekday);
    put(&mut text, 4, month);
    put(&mut text, 8, two(day));
    if day < 10 {
        // `%3d`: the day padded with a space to two after the separator.
        put(&mut text, 8, [b' ']);
    }
    put(&mut text, 11, hms);
    put(&mut text, 20, year);
    Some(text)
}

fn push_hms(out: &mut Vec<u8>, c: &Civil) {
    if let Some(text) = hms_8(c) {
        out.extend_from_slice(&text);
        return;
    }
    push_int(out, c.hour, 2, true, false);
    out.push(b':');
    push_int(out, c.minute, 2, true, false);
    out.push(b':');
    push_int(out, c.second, 2, true, false);
}

/// One local day: its start and end in UTC seconds, and its midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DayCache {
    start: i64,
    end: i64,
    midnight: Civil,
}

impl DayCache {
    /// The UTC day around `t` (any `t`; none for the partial days at
    /// `i64`'s ends).
    pub(crate) fn utc(t: i64) -> Option<DayCache> {
        let start = t.div_euclid(SECS_PER_DAY).checked_mul(SECS_PER_DAY)?;
        Some(DayCache {
            start,
            end: start.checked_add(SECS_PER_DAY)?,
            midnight: Civil::from_local_seconds(start, 0),
        })
    }

    /// The local time at `t` when it falls in this day.
    #[inline]
    pub(crate) fn civil(&self, t: i64) -> Option<Civil> {
        if t < self.start || t >= self.end {
            return None;
        }
        // 0 <= sod < 86,400 by the test above (end = start + 86,400): exact
        // in 32 bits, and 32-bit divisions.
        let sod = (t - self.start) as u32;
        Some(Civil {
            hour: i64::from(sod / 3600),
            minute: i64::from(sod / 60 % 60),
            second: i64::from(sod % 60),
            ..self.midnight
        })
    }
}

thread_local! {
    /// The last UTC day converted: records come in time order, many per day.
    static LAST_DAY: std::cell::Cell<Option<DayCache>> = const { std::cell::Cell::new(None) };
}

/// The UTC time `seconds` after the epoch, through the day cache.
pub(crate) fn civil_time(seconds: i64) -> Civil {
    LAST_DAY.with(|last| {
        if let Some(c) = last.get().and_then(|day| day.civil(seconds)) {
            return c;
        }
        last.set(DayCache::utc(seconds));
        Civil::from_local_seconds(seconds, 0)
    })
}

/// A zone and the last local day computed in it: the local time of instants
/// that come many per day (records in time order), with each day's offsets
/// looked up once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocalClock {
    zone: TimeZone,
    day: Option<DayCache>,
}

impl LocalClock {
    pub(crate) fn new(zone: TimeZone) -> Self {
        LocalClock { zone, day: None }
    }

    pub(crate) fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The local time at `t` from its day's cache, when the offset is the
    /// same all that day (nearly always); `None` otherwise.
    #[inline]
    pub(crate) fn cached(&mut self, t: i64) -> Option<Civil> {
        if let Some(c) = self.day.and_then(|d| d.civil(t)) {
            return Some(c);
        }
        self.day = self.zone.day_of(t);
        self.day.and_then(|d| d.civil(t))
    }

    /// The local time at `t`.
    #[inline]
    pub(crate) fn civil(&mut self, t: i64) -> Civil {
        self.cached(t).unwrap_or_else(|| self.zone.civil(t))
    }
}

/// ISO 8601 as util-linux writes it: `2013-08-28T11:13:38+00:00`.
pub(crate) fn push_iso(out: &mut Vec<u8>, c: &Civil) {
    if let Some(text) = iso_25(c) {
        out.extend_from_slice(&text);
        return;
    }
    push_int(out, c.year, 4, false, false);
    out.push(b'-');
    push_int(out, c.month, 2, true, false);
    out.push(b'-');
    push_int(out, c.day, 2, true, false);
    out.push(b'T');
    push_hms(out, c);
    // util-linux: minutes = gmtoff / 60; hours = minutes / 60 (sign kept);
    // the minutes part without sign.
    let tmin = c.offset / 60;
    push_int(out, tmin / 60, 3, true, true);
    out.push(b':');
    push_int(out, (tmin % 60).abs(), 2, true, false);
}

/// The usual ISO 8601 text (a four-digit year, fields in range), built in
/// place; the same digits as the general path of [`push_iso`].
#[inline]
fn iso_25(c: &Civil) -> Option<[u8; 25]> {
    let year = four_digit_year(c.year)?;
    let month = two(below_100(c.month)?);
    let day = two(below_100(c.day)?);
    let hms = hms_8(c)?;
    let tmin = c.offset / 60;
    let hours = tmin / 60;
    let offset_hours = two(below_100(hours.abs())?);
    let offset_minutes = two(below_100((tmin % 60).abs())?);
    let mut text = *b"yyyy-mm-ddThh:mm:ss+00:00";
    put(&mut text, 0, year);
    put(&mut text, 5, month);
    put(&mut text, 8, day);
    put(&mut text, 11, hms);
    // `%+03d` of the hours: the sign of the hours (`+` for 0), two digits.
    if hours < 0 {
        put(&mut text, 19, [b'-']);
    }
    put(&mut text, 20, offset_hours);
    put(&mut text, 23, offset_minutes);
    Some(text)
}

/// `HH:MM`.
#[inline]
pub(crate) fn push_hhmm(out: &mut Vec<u8>, c: &Civil) {
    if let (Some(h), Some(m)) = (below_100(c.hour), below_100(c.minute)) {
        let mut text = *b"hh:mm";
        put(&mut text, 0, two(h));
        put(&mut text, 3, two(m));
        out.extend_from_slice(&text);
        return;
    }
    push_int(out, c.hour, 2, true, false);
    out.push(b':');
    push_int(out, c.minute, 2, true, false);
}

/// The date part of `who`'s ISO time, with its blank: `2013-08-28 `.
pub(crate) fn push_iso_date(out: &mut Vec<u8>, c: &Civil) {
    push_int(out, c.year, 0, false, false);
    out.push(b'-');
    push_int(out, c.month, 2, true, false);
    out.push(b'-');
    push_int(out, c.day, 2, true, false);
    out.push(b' ');
}

/// The date part of `who`'s classic time, with its blank: `Aug 28 `.
pub(crate) fn push_month_day(out: &mut Vec<u8>, c: &Civil) {
    out.extend_from_slice(name_of(&MONTHS_3, c.month - 1));
    push_int(out, c.day, 3, false, false);
    out.push(b' ');
}

/// Whole seconds since the epoch of a `SystemTime` (rounded down).
pub(crate) fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => {
            let d = e.duration();
            let s = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            -s - i64::from(d.subsec_nanos() > 0)
        }
    }
}

/// The `SystemTime` of whole seconds since the epoch (the epoch itself when
/// not representable).
pub(crate) fn from_unix_seconds(secs: i64) -> SystemTime {
    from_unix(secs, 0)
}

/// The `SystemTime` of seconds and microseconds since the epoch (the epoch
/// itself when not representable).
pub(crate) fn from_unix(secs: i64, micros: u32) -> SystemTime {
    if secs >= 0 {
        // One addition to the epoch.
        let d = Duration::from_secs(secs.unsigned_abs())
            .checked_add(Duration::from_micros(u64::from(micros)));
        return d
            .and_then(|d| UNIX_EPOCH.checked_add(d))
            .unwrap_or(UNIX_EPOCH);
    }
    let base = if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
    };
    base.and_then(|t| t.checked_add(Duration::from_micros(u64::from(micros))))
        .unwrap_or(UNIX_EPOCH)
}

/// Seconds in 400 Gregorian years: the calendar, its weekdays and every
/// POSIX rule repeat after them.
const SECS_PER_400_YEARS: i64 = crate::time_fmt::DAYS_PER_ERA * SECS_PER_DAY;

/// The jiff timestamp of `t` seconds since the epoch, moved by whole 400-year
/// cycles into jiff's range (years -9999 to 9999) when outside it: the same
/// point of the calendar, so the same offset for rules and for TZif zones
/// (whose footer rule decides after their last transition, and whose first
/// type before their first).
fn timestamp_in_range(t: i64) -> jiff::Timestamp {
    let (min, max) = (
        jiff::Timestamp::MIN.as_second(),
        jiff::Timestamp::MAX.as_second(),
    );
    debug_assert!(max - min > 2 * SECS_PER_400_YEARS);
    let t = clamp(t);
    let t = if t > max {
        t - ((t - max) / SECS_PER_400_YEARS + 1) * SECS_PER_400_YEARS
    } else if t < min {
        t + ((min - t) / SECS_PER_400_YEARS + 1) * SECS_PER_400_YEARS
    } else {
        t
    };
    // In range by the shift above (the range spans more than one cycle).
    let shifted = jiff::Timestamp::from_second(t);
    debug_assert!(shifted.is_ok(), "{t} is in jiff's range");
    shifted.unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// The local date and time `t` seconds after the epoch where local time is
/// `offset` seconds east of UTC; `None` when the sum overflows or the year
/// would not fit C's `struct tm` (where `localtime` fails).
pub(crate) fn civil_at(t: i64, offset: i64) -> Option<Civil> {
    let c = Civil::from_local_seconds(t.checked_add(offset)?, offset);
    i32::try_from(c.year.checked_sub(1900)?).ok()?;
    Some(c)
}

/// A time zone: how to turn a point in time into a local date and time
/// (a [jiff](https://docs.rs/jiff) zone underneath).
///
/// Built from `TZ` the way glibc reads it ([`TimeZone::from_env`]), or from
/// a rule string or TZif data:
///
/// * `TZ` unset: `/etc/localtime`; UTC when it cannot be read;
/// * `TZ=""`, or a `TZ` that names nothing usable: UTC;
/// * `TZ=NAME` or `TZ=:NAME`: the TZif file `NAME` when absolute, else under
///   `$TZDIR` or `/usr/share/zoneinfo` (versions 1 to 4, the 64-bit data, the
///   footer rule after the last transition);
/// * otherwise a POSIX rule: `GMT0`, `EST5EDT,M3.2.0,M11.1.0`,
///   `<+0530>-5:30` (rules `Mm.w.d`, `Jn` and `n`, with times; DST without a
///   rule takes the US rule, like glibc's default `posixrules`).
///
/// Leap-second corrections (`right/` zones) are ignored. Times beyond the
/// years -9999 to 9999 take the offset of the same instant of the 400-year
/// Gregorian cycle inside them.
///
/// The zone is chosen by the caller
/// ([`LastFormat::new`](crate::layouts::last::LastFormat::new),
/// `layouts::wtmpdb_last::LastLayout::new`,
/// [`FixedEnvironment::time_zone`](crate::environment::FixedEnvironment::time_zone)):
/// `TZ` of this process, or another one to reproduce a run elsewhere. It
/// wraps jiff's zone rather than exposing it, so that jiff (0.x) is not part
/// of this crate's API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZone {
    zone: jiff::tz::TimeZone,
}

impl Default for TimeZone {
    fn default() -> Self {
        TimeZone::utc()
    }
}

/// The rule glibc's default `posixrules` gives a `TZ` with daylight time
/// but no rule (the US one).
const US_RULE: &str = ",M3.2.0,M11.1.0";

impl TimeZone {
    /// Coordinated Universal Time.
    pub fn utc() -> TimeZone {
        TimeZone {
            zone: jiff::tz::TimeZone::UTC,
        }
    }

    /// A fixed offset east of UTC, in seconds. Offsets beyond +-25:59:59
    /// (no zone has them, and POSIX rules cannot state them) are taken as
    /// that limit.
    pub fn fixed(offset_seconds: i32) -> TimeZone {
        let (min, max) = (jiff::tz::Offset::MIN, jiff::tz::Offset::MAX);
        let seconds = offset_seconds.clamp(min.seconds(), max.seconds());
        let offset = jiff::tz::Offset::from_seconds(seconds);
        debug_assert!(offset.is_ok(), "{seconds} is in jiff's range");
        let offset = offset.unwrap_or(jiff::tz::Offset::UTC);
        TimeZone {
            zone: jiff::tz::TimeZone::fixed(offset),
        }
    }

    /// A POSIX `TZ` rule string such as `GMT0`, `EST5EDT,M3.2.0,M11.1.0` or
    /// `<+0330>-3:30`; `None` when it is not one. Daylight time without a
    /// rule (`EST5EDT`) takes the US rule, as glibc does.
    pub fn from_posix(rule: &str) -> Option<TimeZone> {
        jiff::tz::TimeZone::posix(rule)
            .or_else(|_| jiff::tz::TimeZone::posix(&format!("{rule}{US_RULE}")))
            .ok()
            .map(|zone| TimeZone { zone })
    }

    /// A zone from TZif data (the files under `/usr/share/zoneinfo`);
    /// `None` when the data is not TZif.
    pub fn from_tzif(data: &[u8]) -> Option<TimeZone> {
        jiff::tz::TimeZone::tzif("", data)
            .ok()
            .map(|zone| TimeZone { zone })
    }

    /// The zone that `TZ` names, read as glibc does (see the module notes):
    /// `/etc/localtime` when unset, UTC when nothing usable is named.
    pub fn from_env() -> TimeZone {
        TimeZone::from_tz(std::env::var_os("TZ").as_deref().and_then(|s| s.to_str()))
    }

    /// The zone for a `TZ` value (`None`: `TZ` is unset).
    pub fn from_tz(tz: Option<&str>) -> TimeZone {
        let Some(tz) = tz else {
            return TimeZone::from_file("/etc/localtime").unwrap_or_else(TimeZone::utc);
        };
        let name = tz.strip_prefix(':').unwrap_or(tz);
        if name.is_empty() {
            return TimeZone::utc();
        }
        let file = if name.starts_with('/') {
            TimeZone::from_file(name)
        } else {
            let dir = std::env::var_os("TZDIR")
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| "/usr/share/zoneinfo".into());
            TimeZone::from_file(std::path::Path::new(&dir).join(name))
        };
        file.or_else(|| TimeZone::from_posix(name))
            .unwrap_or_else(TimeZone::utc)
    }

    fn from_file(path: impl AsRef<std::path::Path>) -> Option<TimeZone> {
        std::fs::read(path)
            .ok()
            .and_then(|d| TimeZone::from_tzif(&d))
    }

    /// Seconds east of UTC at `t` (seconds since the epoch).
    pub(crate) fn offset_at(&self, t: i64) -> i64 {
        i64::from(self.zone.to_offset(timestamp_in_range(t)).seconds())
    }

    /// The local date and time at `t` (seconds since the epoch).
    pub(crate) fn civil(&self, t: i64) -> Civil {
        let t = clamp(t);
        let offset = self.offset_at(t);
        Civil::from_local_seconds(t + offset, offset)
    }

    /// The local day around `t` as a cache entry, when the offset is the
    /// same all day (it nearly always is).
    pub(crate) fn day_of(&self, t: i64) -> Option<DayCache> {
        let t = clamp(t);
        let offset = self.offset_at(t);
        let local = t + offset;
        let start = t - local.rem_euclid(SECS_PER_DAY);
        let end = start + SECS_PER_DAY;
        if self.offset_at(start) != offset || self.offset_at(end - 1) != offset {
            return None;
        }
        Some(DayCache {
            start,
            end,
            midnight: Civil::from_local_seconds(start + offset, offset),
        })
    }

    /// The seconds since the epoch of a local date and time (`mktime`).
    pub(crate) fn to_utc(&self, local: i64) -> i64 {
        let local = clamp(local);
        let first = local - self.offset_at(local);
        let second = local - self.offset_at(first);
        if second + self.offset_at(second) == local {
            second
        } else {
            first
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_and_knows_landmarks() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(days_from_civil(1900, 1, 1), -25_567);
        for d in (-800_000..800_000).step_by(997) {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        // 2038-01-19T03:14:07 is 2^31 - 1 (util-linux's wtmp-a fixture).
        let c = civil_time(i64::from(i32::MAX));
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second),
            (2038, 1, 19, 3, 14, 7)
        );
        // The cached day answers the same as a direct conversion, and far
        // times are not clamped (utmpdump leaves them out by their year).
        for t in [i64::from(i32::MAX) + 1, i64::MIN, i64::MAX, -1, 0] {
            assert_eq!(civil_time(t), Civil::from_local_seconds(t, 0), "{t}");
            assert_eq!(civil_time(t), Civil::from_local_seconds(t, 0), "{t} cached");
        }
        assert!(civil_time(i64::MAX).year > i64::from(i32::MAX));
    }

    #[test]
    fn civil_round_trip_and_known_days() {
        // Hand-checked: 2000-03-01 is day 11017, 1969-12-31 is day -1.
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2013, 8, 0), days_from_civil(2013, 7, 31));
        for d in (-800_000..800_000).step_by(997) {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    fn ctime(c: &Civil) -> String {
        let mut v = Vec::new();
        push_ctime(&mut v, c);
        String::from_utf8(v).unwrap()
    }

    fn iso(c: &Civil) -> String {
        let mut v = Vec::new();
        push_iso(&mut v, c);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn printf_integers() {
        let f = |v, w, z, p| {
            let mut o = Vec::new();
            push_int(&mut o, v, w, z, p);
            String::from_utf8(o).unwrap()
        };
        assert_eq!(f(5, 2, true, false), "05");
        assert_eq!(f(5, 3, false, false), "  5");
        assert_eq!(f(0, 3, true, true), "+00");
        assert_eq!(f(-5, 3, true, true), "-05");
        assert_eq!(f(-5, 4, false, false), "  -5");
        assert_eq!(f(12345, 2, true, false), "12345");
        assert_eq!(f(i64::MIN, 0, false, false), "-9223372036854775808");
    }

    proptest::proptest! {
        // The fixed-size fast paths and the general one against printf-like
        // formats written out with `format!`.
        #[test]
        fn layouts_match_printf(
            t in -70_000_000_000i64..300_000_000_000,
            offset in -50_000i64..50_000,
        ) {
            let c = TimeZone::fixed(i32::try_from(offset).unwrap()).civil(t);
            let ctime_want = format!(
                "{} {} {:2} {:02}:{:02}:{:02} {}",
                abbreviation(WEEKDAY_NAMES[c.weekday as usize]),
                abbreviation(MONTH_NAMES[(c.month - 1) as usize]),
                c.day, c.hour, c.minute, c.second, c.year
            );
            proptest::prop_assert_eq!(ctime(&c), ctime_want);
            let tmin = c.offset / 60;
            let iso_want = format!(
                "{:4}-{:02}-{:02}T{:02}:{:02}:{:02}{:+03}:{:02}",
                c.year, c.month, c.day, c.hour, c.minute, c.second, tmin / 60, (tmin % 60).abs()
            );
            proptest::prop_assert_eq!(iso(&c), iso_want);
            let mut hhmm = Vec::new();
            push_hhmm(&mut hhmm, &c);
            proptest::prop_assert_eq!(String::from_utf8(hhmm).unwrap(), format!("{:02}:{:02}", c.hour, c.minute));
        }

        #[test]
        fn push_int_matches_format(v in proptest::num::i64::ANY, small in -1000i64..1000, w in 0usize..30) {
            for v in [v, small] {
                let f = |z, p| {
                    let mut o = Vec::new();
                    push_int(&mut o, v, w, z, p);
                    String::from_utf8(o).unwrap()
                };
                proptest::prop_assert_eq!(f(false, false), format!("{v:w$}"));
                proptest::prop_assert_eq!(f(true, false), format!("{v:0w$}"));
                proptest::prop_assert_eq!(f(false, true), format!("{v:+w$}"));
                proptest::prop_assert_eq!(f(true, true), format!("{v:+0w$}"));
            }
        }
    }

    #[test]
    fn ctime_and_iso_layouts() {
        // 2013-08-28 11:13:38 UTC = 1377688418 (Wednesday).
        let c = TimeZone::utc().civil(1_377_688_418);
        assert_eq!(ctime(&c), "Wed Aug 28 11:13:38 2013");
        assert_eq!(iso(&c), "2013-08-28T11:13:38+00:00");
        assert_eq!(ctime(&TimeZone::utc().civil(0)), "Thu Jan  1 00:00:00 1970");
        let c = TimeZone::fixed(-(3 * 3600 + 1800)).civil(0);
        assert_eq!(iso(&c), "1969-12-31T20:30:00-03:30");
    }

    #[test]
    fn posix_rules() {
        let cet = TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        // 2013-03-31 01:00 UTC: CEST starts; 2013-10-27 01:00 UTC: it ends.
        let start = days_from_civil(2013, 3, 31) * 86_400 + 3600;
        let end = days_from_civil(2013, 10, 27) * 86_400 + 3600;
        assert_eq!(cet.offset_at(start - 1), 3600);
        assert_eq!(cet.offset_at(start), 7200);
        assert_eq!(cet.offset_at(end - 1), 7200);
        assert_eq!(cet.offset_at(end), 3600);
        let est = TimeZone::from_posix("EST5").unwrap();
        assert_eq!(est.offset_at(0), -5 * 3600);
        assert_eq!(TimeZone::from_posix("GMT"), None);
        assert_eq!(
            TimeZone::from_posix("GMT0").map(|z| z.offset_at(0)),
            Some(0)
        );
        // Southern hemisphere: DST across the new year.
        let syd = TimeZone::from_posix("AEST-10AEDT,M10.1.0,M4.1.0/3").unwrap();
        assert_eq!(
            syd.offset_at(days_from_civil(2013, 1, 15) * 86_400),
            11 * 3600
        );
        assert_eq!(
            syd.offset_at(days_from_civil(2013, 7, 15) * 86_400),
            10 * 3600
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "looks the zone up in the file system")]
    fn unknown_or_empty_tz_is_utc() {
        assert_eq!(TimeZone::from_tz(Some("")), TimeZone::utc());
        assert_eq!(TimeZone::from_tz(Some("not a zone")), TimeZone::utc());
        assert_eq!(TimeZone::from_tz(Some(":")), TimeZone::utc());
    }

    #[test]
    fn day_cache_agrees_with_direct_conversion() {
        let cet = TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        for tz in [TimeZone::utc(), TimeZone::fixed(-12_600), cet] {
            let mut t = 1_364_600_000; // around the 2013 spring change
            while t < 1_364_900_000 {
                if let Some(day) = tz.day_of(t) {
                    assert_eq!(day.civil(t), Some(tz.civil(t)), "{t}");
                    assert_eq!(
                        day.civil(t + 1_000).map(|c| c.day),
                        day.civil(t + 1_000).map(|_| tz.civil(t + 1_000).day)
                    );
                }
                t += 977;
            }
        }
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let cet = TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        for tz in [TimeZone::utc(), cet] {
            for t in [i64::MIN, i64::MIN + 1, -1, i64::MAX - 1, i64::MAX] {
                let c = tz.civil(t);
                let mut v = Vec::new();
                push_ctime(&mut v, &c);
                push_iso(&mut v, &c);
                assert!(!v.is_empty());
                let _ = tz.day_of(t);
                let _ = tz.to_utc(t);
            }
        }
        assert_eq!(unix_seconds(from_unix(-5, 250_000)), -5);
        assert_eq!(unix_seconds(from_unix(5, 250_000)), 5);
    }

    #[test]
    fn mktime_inverse() {
        let cet = TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        for t in [0, 1_377_688_418, 1_364_691_600, 1_382_835_600] {
            let local = cet.civil(t).local_seconds();
            assert_eq!(cet.to_utc(local), t);
        }
    }

    #[test]
    fn tzif_from_system_zoneinfo() {
        let Ok(data) = std::fs::read("/usr/share/zoneinfo/Europe/Berlin") else {
            crate::test_skip::skip("TZif test (install tzdata)");
            return;
        };
        let z = TimeZone::from_tzif(&data).unwrap();
        // Summer and winter 2013, and far in the future (footer rule).
        assert_eq!(z.offset_at(1_377_688_418), 7200);
        assert_eq!(z.offset_at(1_356_998_400), 3600);
        let summer_2100 = days_from_civil(2100, 7, 1) * 86_400;
        assert_eq!(z.offset_at(summer_2100), 7200);
    }

    // Moved from the `who` module's own time-zone code.

    #[test]
    fn extreme_instants_keep_rule_offsets() {
        let us = TimeZone::from_posix("EST5EDT,M3.2.0,M11.1.0").unwrap();
        for at in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            let off = us.offset_at(at);
            assert!(off == -5 * 3600 || off == -4 * 3600);
        }
        assert_eq!(TimeZone::from_posix("ABC99999999999"), None);
        assert_eq!(TimeZone::from_posix("ABC-2147483648"), None);
    }

    #[test]
    fn civil_time_of_2_pow_31_minus_1() {
        // 2147483647 = 24855 days + 11647 s = 03:14:07 (the 2038 problem's instant).
        let c = civil_at(2_147_483_647, 0).unwrap();
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second),
            (2038, 1, 19, 3, 14, 7)
        );
        let c = civil_at(0, -3600).unwrap();
        assert_eq!((c.year, c.month, c.day, c.hour), (1969, 12, 31, 23));
        assert!(civil_at(i64::MAX / 2, 0).is_none());
    }

    #[test]
    fn posix_tz_strings() {
        let posix = TimeZone::from_posix;
        // The offsets in winter and in summer.
        let fixed = |rule| posix(rule).map(|z| (z.offset_at(0), z.offset_at(1_720_000_000)));
        assert_eq!(fixed("UTC0"), Some((0, 0)));
        assert_eq!(fixed("JST-9"), Some((9 * 3600, 9 * 3600)));
        assert_eq!(fixed("<+0530>-5:30"), Some((19_800, 19_800)));
        assert_eq!(fixed("EST+5"), Some((-5 * 3600, -5 * 3600)));
        assert_eq!(posix("X1"), None);
        // US Eastern, 2024: DST from 2024-03-10 07:00 UTC to 2024-11-03 06:00 UTC.
        let us = posix("EST5EDT,M3.2.0,M11.1.0").unwrap();
        let mar10_0700 = days_from_civil(2024, 3, 10) * 86_400 + 7 * 3600;
        assert_eq!(us.offset_at(mar10_0700 - 1), -5 * 3600);
        assert_eq!(us.offset_at(mar10_0700), -4 * 3600);
        let nov3_0600 = days_from_civil(2024, 11, 3) * 86_400 + 6 * 3600;
        assert_eq!(us.offset_at(nov3_0600 - 1), -4 * 3600);
        assert_eq!(us.offset_at(nov3_0600), -5 * 3600);
        // The southern hemisphere is covered by `posix_rules`.
    }

    #[test]
    fn fixed_offsets_beyond_jiffs_limit_are_its_limit() {
        let limit = 25 * 3600 + 59 * 60 + 59;
        assert_eq!(TimeZone::fixed(i32::MAX).offset_at(0), limit);
        assert_eq!(TimeZone::fixed(i32::MIN).offset_at(0), -limit);
        assert_eq!(TimeZone::fixed(limit as i32).offset_at(0), limit);
        assert_eq!(TimeZone::fixed(-3600).offset_at(0), -3600);
    }

    #[test]
    fn dst_without_a_rule_takes_the_us_rule() {
        // glibc's default `posixrules`: 2024-07-01 is daylight time, 2024-01-01 not.
        let z = TimeZone::from_posix("EST5EDT").unwrap();
        assert_eq!(z.offset_at(days_from_civil(2024, 7, 1) * 86_400), -4 * 3600);
        assert_eq!(z.offset_at(days_from_civil(2024, 1, 1) * 86_400), -5 * 3600);
        assert_eq!(
            TimeZone::from_posix("EST5EDT4")
                .map(|z| z.offset_at(days_from_civil(2024, 7, 1) * 86_400)),
            Some(-4 * 3600)
        );
    }

    #[test]
    fn times_beyond_jiffs_years_take_the_offset_of_their_cycle() {
        // 2024-07-01 plus and minus 400-year cycles, far outside -9999..=9999.
        let us = TimeZone::from_posix("EST5EDT,M3.2.0,M11.1.0").unwrap();
        let summer = days_from_civil(2024, 7, 1) * 86_400;
        // (Within the +-2^40 seconds this module computes with.)
        for cycles in [30, 80, -30, -80] {
            let t = summer + cycles * SECS_PER_400_YEARS;
            assert_eq!(us.offset_at(t), -4 * 3600, "{cycles}");
            let c = us.civil(t);
            assert_eq!((c.month, c.day, c.hour), (6, 30, 20), "{cycles}");
            assert_eq!(c.year, 2024 + cycles * 400, "{cycles}");
        }
    }

    proptest::proptest! {
        // jiff's calendar and the fallback one give the same civil time
        // wherever both apply.
        #[test]
        fn fallback_calendar_agrees_with_jiff(
            local in jiff::Timestamp::MIN.as_second()..=jiff::Timestamp::MAX.as_second(),
            offset in -93_599i64..93_600,
        ) {
            proptest::prop_assert_eq!(
                Civil::from_local_seconds(local, offset),
                Civil::from_local_seconds_fallback(local, offset)
            );
        }
    }

    /// TZif version 2 data: an empty v1 block, then the transitions, their
    /// types' offsets (all abbreviated `CET`, which jiff checks against the
    /// footer's) and the footer.
    fn tzif_v2(times: &[i64], idx: &[u8], offs: &[i32], footer: &str) -> Vec<u8> {
        let mut v = Vec::new();
        let head = |v: &mut Vec<u8>, time: usize, types: usize, chars: usize| {
            v.extend_from_slice(b"TZif2");
            v.extend_from_slice(&[0; 15]);
            for n in [0, 0, 0, time, types, chars] {
                v.extend_from_slice(&(n as u32).to_be_bytes());
            }
        };
        // An empty v1 block (zero transitions, one type) then the v2 block.
        head(&mut v, 0, 1, 1);
        v.extend_from_slice(&[0; 6]);
        v.push(0);
        head(&mut v, times.len(), offs.len(), 4);
        for t in times {
            v.extend_from_slice(&t.to_be_bytes());
        }
        v.extend_from_slice(idx);
        for o in offs {
            v.extend_from_slice(&o.to_be_bytes());
            v.extend_from_slice(&[0, 0]);
        }
        v.extend_from_slice(b"CET\0");
        v.push(b'\n');
        v.extend_from_slice(footer.as_bytes());
        v.push(b'\n');
        v
    }

    #[test]
    fn tzif_transitions_and_footer() {
        let data = tzif_v2(&[1000, 2000], &[1, 0], &[3600, 7200], "CET-1");
        let t = match jiff::tz::TimeZone::tzif("", &data) {
            Ok(zone) => TimeZone { zone },
            Err(e) => panic!("not parsed: {e}"),
        };
        assert_eq!(t.offset_at(999), 3600);
        assert_eq!(t.offset_at(1000), 7200);
        assert_eq!(t.offset_at(1999), 7200);
        // After the last transition the footer rule decides.
        assert_eq!(t.offset_at(2000), 3600);
        assert!(TimeZone::from_tzif(b"TZif2").is_none());
        assert!(TimeZone::from_tzif(b"nope").is_none());
    }

    /// Everything a zone computes for a time, as `last` and `who` ask it.
    fn exercise(zone: &TimeZone, t: i64) {
        let c = zone.civil(t);
        let (mut ctime_text, mut iso_text) = (Vec::new(), Vec::new());
        push_ctime(&mut ctime_text, &c);
        push_iso(&mut iso_text, &c);
        // A day cache that answers for `t` agrees with the direct way.
        if let Some(from_cache) = zone.day_of(t).and_then(|day| day.civil(t)) {
            assert_eq!(from_cache, c);
        }
        let offset = zone.offset_at(t);
        // An offset is a time of day at most (TZif stores an i32, rules a
        // bounded hh:mm:ss), never a garbage sum.
        assert!(offset.unsigned_abs() <= 1 << 31, "{offset}");
        let _ = zone.to_utc(t);
        let _ = civil_at(t, offset);
    }

    proptest::proptest! {
        // `TZ` comes from the user and TZif data from a file: no value of
        // either, and no time, makes the zone code panic (tests build with
        // overflow checks, so an overflow is a failure here).
        #[test]
        fn any_tz_rule_at_any_time_is_no_panic(
            free in "\\PC{0,40}",
            rule in "(<[+0-9A-Z]{0,6}>|[A-Z]{2,5})[-+]?[0-9]{1,12}(:[0-9]{1,4}){0,3}\
                     ([A-Z]{3,5}([-+]?[0-9]{1,12}(:[0-9]{1,3})?)?\
                     (,(M[0-9]{1,3}\\.[0-9]{1,2}\\.[0-9]{1,2}|J?[0-9]{1,6})\
                     (/[-+]?[0-9]{1,5}(:[0-9]{1,3}){0,2})?){0,3})?",
            t in proptest::num::i64::ANY,
        ) {
            for text in [&free, &rule] {
                if let Some(zone) = TimeZone::from_posix(text) {
                    exercise(&zone, t);
                }
            }
        }

        #[test]
        fn any_tzif_data_at_any_time_is_no_panic(
            transitions in proptest::collection::vec(
                (proptest::num::i64::ANY, proptest::num::u8::ANY),
                0..6,
            ),
            offsets in proptest::collection::vec(proptest::num::i32::ANY, 1..4),
            footer in "[ -~]{0,24}",
            cut in proptest::num::usize::ANY,
            flip in proptest::num::usize::ANY,
            t in proptest::num::i64::ANY,
        ) {
            // Data with any values (kinds may point past the types,
            // transitions need not be sorted) is read, or refused.
            let (times, kinds): (Vec<i64>, Vec<u8>) = transitions.into_iter().unzip();
            let mut data = tzif_v2(&times, &kinds, &offsets, &footer);
            if let Some(zone) = TimeZone::from_tzif(&data) {
                exercise(&zone, t);
            }
            // Well-formed data (sorted transitions in jiff's range, kinds
            // that name a type, offsets within +-25:59:59, no footer) is read.
            let mut sorted: Vec<i64> = times.iter().map(|t| t % 200_000_000_000).collect();
            sorted.sort_unstable();
            sorted.dedup();
            let offs: Vec<i32> = offsets.iter().map(|o| o % 93_600).collect();
            let good: Vec<u8> = (0..sorted.len()).map(|i| (i % offs.len()) as u8).collect();
            let zone = TimeZone::from_tzif(&tzif_v2(&sorted, &good, &offs, ""));
            proptest::prop_assert!(zone.is_some());
            if let Some(zone) = zone {
                exercise(&zone, t);
            }
            // The same data damaged, a byte changed and then cut short: read
            // or refused, never a panic.
            let at = flip % data.len();
            data[at] = data[at].wrapping_add(1 + (flip / data.len()) as u8 % 255);
            data.truncate(cut % (data.len() + 1));
            if let Some(zone) = TimeZone::from_tzif(&data) {
                exercise(&zone, t);
            }
        }
    }

    #[test]
    fn system_zoneinfo_by_name() {
        if !std::path::Path::new("/usr/share/zoneinfo/Europe/Paris").exists() {
            crate::test_skip::skip("zoneinfo test (install tzdata)");
            return;
        }
        let z = TimeZone::from_tz(Some("Europe/Paris"));
        // 2024-07-01 is summer time (+2), 2024-01-01 winter (+1).
        assert_eq!(z.offset_at(days_from_civil(2024, 7, 1) * 86_400), 7200);
        assert_eq!(z.offset_at(days_from_civil(2024, 1, 1) * 86_400), 3600);
        // Far future: from the footer rule.
        assert_eq!(z.offset_at(days_from_civil(2100, 7, 1) * 86_400), 7200);
    }
}
