//! RFC 3339 timestamps from Unix seconds and back, and the fallback
//! calendar for the years jiff does not cover.
//!
//! The calendar is the proleptic Gregorian one; days are converted with the
//! usual era arithmetic (400-year eras of 146,097 days, years counted from
//! March so that the leap day ends the year). Only years 0000 to 9999 can be
//! written in RFC 3339; other times have no text form here.

/// Days from 0000-03-01 to 1970-01-01.
const EPOCH_SHIFT: i64 = 719_468;
/// Days in 400 Gregorian years, after which the calendar repeats.
pub(crate) const DAYS_PER_ERA: i64 = 146_097;

/// The largest day number (either sign) the calendar functions take: far
/// beyond any `i64` of seconds (2^63 / 86,400 < 2^47), and small enough that
/// no intermediate value below comes near `i64`'s limits (they stay under
/// 2^60).
const MAX_DAYS: i64 = 1 << 50;
/// The largest year (either sign) [`days_from_civil`] takes, for the same
/// reason.
const MAX_YEARS: i64 = 1 << 40;

/// The civil date (year, month 1-12, day 1-31) of the day `days` after
/// 1970-01-01 (negative before). Days beyond ±2^50 are clamped.
// The arithmetic works on values bounded by MAX_DAYS (see there).
#[allow(clippy::arithmetic_side_effects)]
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days.clamp(-MAX_DAYS, MAX_DAYS) + EPOCH_SHIFT;
    let era = z.div_euclid(DAYS_PER_ERA);
    let doe = z.rem_euclid(DAYS_PER_ERA); // day of era, 0..=146_096
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365, from March 1st
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    debug_assert!((1..=12).contains(&month) && (1..=31).contains(&day));
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// The day number (days after 1970-01-01) of a civil date. The month must be
/// 1-12; the day is not checked against the month's length. Years beyond
/// ±2^40 are clamped.
// The arithmetic works on values bounded by MAX_YEARS (see there).
#[allow(clippy::arithmetic_side_effects)]
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year.clamp(-MAX_YEARS, MAX_YEARS);
    let (month, day) = (i64::from(month.min(12)), i64::from(day.min(31)));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * DAYS_PER_ERA + doe - EPOCH_SHIFT
}

/// Days in a month of a year (proleptic Gregorian).
#[cfg(test)]
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The text `YYYY-MM-DDTHH:MM:SS.ffffffZ` of a Unix time, on the stack: the
/// crate's one RFC 3339 writer (serde, `utmp dump --json`, `last --json`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rfc3339([u8; 27]);

impl Rfc3339 {
    /// The text of `seconds` and `micros` in UTC; `None` when `micros` is
    /// not below 1,000,000 or the year is outside 0000-9999. The calendar
    /// comes through the text writers' day cache (records come in time
    /// order, many per day).
    pub(crate) fn utc(seconds: i64, micros: u32) -> Option<Self> {
        use crate::clock::{put, two};
        if micros >= 1_000_000 {
            return None;
        }
        let c = crate::clock::civil_time(seconds);
        let year = u32::try_from(c.year).ok().filter(|&y| y <= 9999)?;
        // The calendar's fields are in range (month 1-12, day 1-31, ...).
        let field = |v: i64| {
            debug_assert!((0..100).contains(&v));
            two(u32::try_from(v).unwrap_or(0))
        };
        let mut text = *b"yyyy-mm-ddThh:mm:ss.uuuuuuZ";
        put(&mut text, 0, two(year / 100));
        put(&mut text, 2, two(year));
        put(&mut text, 5, field(c.month));
        put(&mut text, 8, field(c.day));
        put(&mut text, 11, field(c.hour));
        put(&mut text, 14, field(c.minute));
        put(&mut text, 17, field(c.second));
        put(&mut text, 20, two(micros / 10_000));
        put(&mut text, 22, two(micros / 100));
        put(&mut text, 24, two(micros));
        Some(Rfc3339(text))
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        let text = std::str::from_utf8(&self.0);
        // `utc` writes ASCII digits into an ASCII template, nothing else.
        debug_assert!(text.is_ok(), "{:?}", self.0);
        text.unwrap_or("")
    }
}

/// [`Rfc3339::utc`] as a `String`; `None` where it has no text.
pub(crate) fn rfc3339_utc(seconds: i64, micros: u32) -> Option<String> {
    Rfc3339::utc(seconds, micros).map(|t| t.as_str().to_owned())
}

/// Parses an RFC 3339 time: `YYYY-MM-DD`, `T` (or `t` or a space),
/// `HH:MM:SS`, an optional fraction of 1 to 6 digits after `.` or `,`, and
/// `Z` (or `z`) or an offset `+HH:MM` / `-HH:MM`. Returns Unix seconds and
/// microseconds; `None` for anything else (leap second 60 included).
pub(crate) fn parse_rfc3339(s: &str) -> Option<(i64, u32)> {
    let mut p = Cursor(s.as_bytes());
    let year = p.digits(4)?;
    p.expect(b"-")?;
    let month = p.digits(2)?;
    p.expect(b"-")?;
    let day = p.digits(2)?;
    p.expect(b"Tt ")?;
    let hour = p.digits(2)?;
    p.expect(b":")?;
    let minute = p.digits(2)?;
    p.expect(b":")?;
    let second = p.digits(2)?;
    let mut micros = 0;
    if p.expect(b".,").is_some() {
        let mut scale = 1_000_000u32;
        while let Some(d) = p.digit() {
            scale /= 10;
            if scale == 0 {
                return None; // more than 6 digits
            }
            micros = d.checked_mul(scale)?.checked_add(micros)?;
        }
        if scale == 1_000_000 {
            return None; // no digit
        }
    }
    let offset = match p.next()? {
        b'Z' | b'z' => 0,
        sign @ (b'+' | b'-') => {
            let h = p.digits(2)?;
            p.expect(b":")?;
            let m = p.digits(2)?;
            if h > 23 || m > 59 {
                return None;
            }
            let off = i64::from(h.checked_mul(3_600)?.checked_add(m.checked_mul(60)?)?);
            if sign == b'-' {
                off.checked_neg()?
            } else {
                off
            }
        }
        _ => return None,
    };
    if !p.0.is_empty() {
        return None;
    }
    // jiff checks the date (the day within its month) and the time.
    let at = jiff::civil::DateTime::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        0,
    )
    .ok()?;
    let secs = jiff::tz::Offset::UTC.to_timestamp(at).ok()?.as_second();
    Some((secs.checked_sub(offset)?, micros))
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn next(&mut self) -> Option<u8> {
        let (&c, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(c)
    }

    fn digit(&mut self) -> Option<u32> {
        match self.0.first() {
            Some(&c) if c.is_ascii_digit() => {
                let d = char::from(c).to_digit(10)?;
                self.next();
                Some(d)
            }
            _ => None,
        }
    }

    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            v = self.digit()?.checked_add(v.checked_mul(10)?)?;
        }
        Some(v)
    }

    fn expect(&mut self, one_of: &[u8]) -> Option<()> {
        let c = *self.0.first()?;
        if one_of.contains(&c) {
            self.next();
            Some(())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked out by hand: 1970-2000 is 30 years with 7 leap days (1972 ...
    /// 1996), so 2000-01-01 is day 10,957; 2^31-1 seconds is the well-known
    /// 2038-01-19T03:14:07 (util-linux's wtmp-a fixture has it); 2^32-1 is
    /// 2106-02-07T06:28:15.
    fn known() -> Vec<(i64, &'static str)> {
        vec![
            (0, "1970-01-01T00:00:00.000000Z"),
            (-1, "1969-12-31T23:59:59.000000Z"),
            (10_957 * 86_400, "2000-01-01T00:00:00.000000Z"),
            ((10_957 + 31 + 28) * 86_400, "2000-02-29T00:00:00.000000Z"),
            ((10_957 + 31 + 29) * 86_400, "2000-03-01T00:00:00.000000Z"),
            (2_147_483_647, "2038-01-19T03:14:07.000000Z"),
            (4_294_967_295, "2106-02-07T06:28:15.000000Z"),
            (
                days_from_civil_by_counting(1900, 3, 1) * 86_400,
                "1900-03-01T00:00:00.000000Z",
            ),
        ]
    }

    /// Day number by walking the calendar one year and month at a time: an
    /// independent way to the same answer.
    fn days_from_civil_by_counting(year: i64, month: u32, day: u32) -> i64 {
        let mut days = 0i64;
        let (lo, hi, sign) = if year >= 1970 {
            (1970, year, 1)
        } else {
            (year, 1970, -1)
        };
        for y in lo..hi {
            let len = if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) {
                366
            } else {
                365
            };
            days += sign * len;
        }
        for m in 1..month {
            days += i64::from(days_in_month(year, m));
        }
        days + i64::from(day) - 1
    }

    #[test]
    fn known_times_format_and_parse() {
        for (secs, text) in known() {
            assert_eq!(rfc3339_utc(secs, 0).as_deref(), Some(text), "{secs}");
            assert_eq!(parse_rfc3339(text), Some((secs, 0)), "{text}");
        }
        assert_eq!(
            rfc3339_utc(1, 999_999).as_deref(),
            Some("1970-01-01T00:00:01.999999Z")
        );
        assert_eq!(rfc3339_utc(0, 1_000_000), None);
    }

    #[test]
    fn day_numbers_agree_with_counting() {
        for (y, m, d) in [
            (1970, 1, 1),
            (1600, 2, 29),
            (2400, 12, 31),
            (1, 1, 1),
            (0, 3, 1),
        ] {
            let n = days_from_civil_by_counting(y, m, d);
            assert_eq!(days_from_civil(y, m, d), n, "{y}-{m}-{d}");
            assert_eq!(civil_from_days(n), (y, m, d));
        }
    }

    #[test]
    fn every_day_follows_the_one_before() {
        // From 1599-12-31 to 2401-01-01: each day is the next calendar day.
        // (Under Miri, which interprets each day, across 2000's leap day.)
        let ((y0, m0, d0), (y1, m1, d1)) = if cfg!(miri) {
            ((1999, 12, 31), (2001, 3, 1))
        } else {
            ((1599, 12, 31), (2401, 1, 1))
        };
        let start = days_from_civil_by_counting(y0, m0, d0);
        let mut prev = civil_from_days(start);
        assert_eq!(prev, (y0, m0, d0));
        for n in start + 1..=days_from_civil_by_counting(y1, m1, d1) {
            let cur = civil_from_days(n);
            let (y, m, d) = prev;
            let want = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
            assert_eq!(cur, want, "day {n}");
            assert_eq!(days_from_civil(cur.0, cur.1, cur.2), n);
            prev = cur;
        }
    }

    #[test]
    fn parse_accepts_offsets_and_fractions() {
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Some((0, 0)));
        assert_eq!(
            parse_rfc3339("1969-12-31t19:00:00.5-05:00"),
            Some((0, 500_000))
        );
        assert_eq!(
            parse_rfc3339("2013-08-28 20:30:40,429208z"),
            Some((1_377_721_840, 429_208))
        );
        for bad in [
            "",
            "1970-01-01",
            "1970-01-01T00:00:00",
            "1970-01-01T00:00:00.Z",
            "1970-01-01T00:00:00.1234567Z",
            "1970-02-30T00:00:00Z",
            "1970-13-01T00:00:00Z",
            "1970-01-01T24:00:00Z",
            "1970-01-01T00:00:60Z",
            "1970-01-01T00:00:00Zjunk",
            "1970-01-01T00:00:00+0100",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn years_outside_four_digits_have_no_text() {
        let y10000 = days_from_civil(10_000, 1, 1) * 86_400;
        assert!(rfc3339_utc(y10000 - 1, 0).is_some());
        assert_eq!(rfc3339_utc(y10000, 0), None);
        let y0 = days_from_civil(0, 1, 1) * 86_400;
        assert!(rfc3339_utc(y0, 0).is_some());
        assert_eq!(rfc3339_utc(y0 - 1, 0), None);
        assert_eq!(rfc3339_utc(i64::MIN, 0), None);
        assert_eq!(rfc3339_utc(i64::MAX, 0), None);
    }
}
