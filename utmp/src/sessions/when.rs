//! Time arguments as util-linux reads them (`last -s/-t/-p`): absolute
//! dates in a few layouts, `now`/`today`/`yesterday`/`tomorrow`, `@EPOCH`,
//! and offsets from now (`+5min`, `-2 days`, `3h ago`).

use super::clock::{abbreviation, Civil, TimeZone, WEEKDAY_NAMES};

const USEC: i128 = 1_000_000;

/// Why a time argument was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid time value \"{0}\"")]
pub struct ParseTimeError(String);

/// Parses a time argument the way util-linux's `last` does, relative to
/// `now` (seconds since the epoch) in zone `tz`; the result is seconds since
/// the epoch.
///
/// Accepted: `2013-08-28 11:20[:SS[.frac]]`, `2013-08-28T11:20:00`,
/// `13-08-28 11:20`, `2013-08-28`, `11:20[:SS]` (today), `20130828112000`,
/// an optional leading weekday (`Wed 2013-08-28`, checked), `@1377688800`,
/// `now`, `today`, `yesterday`, `tomorrow` (midnight), `+5min`, `-5days`,
/// `5 days ago` (units: `s`, `sec`, `min`, `m`, `h`, `hr`, `d`, `w`, `month`,
/// `y`, `ms`, `us` and their long forms; several may follow each other).
///
/// # Errors
///
/// [`ParseTimeError`] when the text is none of these, or the time is before
/// the epoch.
pub fn parse_time(text: &str, now: i64, tz: &TimeZone) -> Result<i64, ParseTimeError> {
    parse(text, now, tz).ok_or_else(|| ParseTimeError(text.to_owned()))
}

fn parse(t: &str, now: i64, tz: &TimeZone) -> Option<i64> {
    let mut tm = tz.civil(now);
    let mut plus: i128 = 0;
    let mut minus: i128 = 0;
    let mut sub: i128 = 0;
    let mut weekday = None;
    let midnight = |tm: &mut Civil| {
        tm.hour = 0;
        tm.minute = 0;
        tm.second = 0;
    };
    match t {
        "now" => {}
        "today" => midnight(&mut tm),
        "yesterday" => {
            tm.day = tm.day.saturating_sub(1);
            midnight(&mut tm);
        }
        "tomorrow" => {
            tm.day = tm.day.saturating_add(1);
            midnight(&mut tm);
        }
        _ => {
            if let Some(rest) = t.strip_prefix('+') {
                plus = span(rest)?;
            } else if let Some(rest) = t.strip_prefix('-') {
                minus = span(rest)?;
            } else if let Some(rest) = t.strip_prefix('@') {
                let (digits, tail) = split_int(rest)?;
                if !tail.is_empty() {
                    sub = subseconds(tail)?;
                }
                let base = i128::from(digits).checked_mul(USEC)?.checked_add(sub)?;
                return (base >= 0)
                    .then(|| i64::try_from(base.checked_div(USEC)?).ok())
                    .flatten();
            } else if let Some(rest) = t.strip_suffix(" ago") {
                minus = span(rest)?;
            } else {
                let (wd, rest) = strip_weekday(t);
                weekday = wd;
                let (parsed, subsec) = absolute(rest, &tm)?;
                tm = parsed;
                sub = subsec;
            }
        }
    }
    let x = tz.to_utc(tm.local_seconds());
    if let Some(wd) = weekday {
        if tz.civil(x).weekday != wd {
            return None;
        }
    }
    let ret = i128::from(x).checked_mul(USEC)?.checked_add(sub)?;
    if ret < 0 || minus > ret {
        return None;
    }
    let total = ret.checked_add(plus)?.checked_sub(minus)?;
    i64::try_from(total.checked_div(USEC)?).ok()
}

fn strip_weekday(t: &str) -> (Option<i64>, &str) {
    let forms = WEEKDAY_NAMES
        .iter()
        .zip(0..)
        .flat_map(|(&full, nr)| [(full, nr), (abbreviation(full), nr)]);
    for (name, nr) in forms {
        let Some(head) = t.get(..name.len()) else {
            continue;
        };
        if head.eq_ignore_ascii_case(name) {
            if let Some(rest) = t.get(name.len()..).and_then(|r| r.strip_prefix(' ')) {
                return (Some(nr), rest);
            }
        }
    }
    (None, t)
}

#[derive(Clone, Copy)]
enum Field {
    Year2,
    Year4,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Lit(u8),
    Space,
}

use Field::*;

/// The layouts util-linux tries, in its order; `true` when a fraction of a
/// second may follow.
const LAYOUTS: [(&[Field], bool); 10] = [
    (
        &[
            Year2,
            Lit(b'-'),
            Month,
            Lit(b'-'),
            Day,
            Space,
            Hour,
            Lit(b':'),
            Minute,
            Lit(b':'),
            Second,
        ],
        true,
    ),
    (
        &[
            Year4,
            Lit(b'-'),
            Month,
            Lit(b'-'),
            Day,
            Space,
            Hour,
            Lit(b':'),
            Minute,
            Lit(b':'),
            Second,
        ],
        true,
    ),
    (
        &[
            Year4,
            Lit(b'-'),
            Month,
            Lit(b'-'),
            Day,
            Lit(b'T'),
            Hour,
            Lit(b':'),
            Minute,
            Lit(b':'),
            Second,
        ],
        true,
    ),
    (
        &[
            Year2,
            Lit(b'-'),
            Month,
            Lit(b'-'),
            Day,
            Space,
            Hour,
            Lit(b':'),
            Minute,
        ],
        false,
    ),
    (
        &[
            Year4,
            Lit(b'-'),
            Month,
            Lit(b'-'),
            Day,
            Space,
            Hour,
            Lit(b':'),
            Minute,
        ],
        false,
    ),
    (&[Year2, Lit(b'-'), Month, Lit(b'-'), Day], false),
    (&[Year4, Lit(b'-'), Month, Lit(b'-'), Day], false),
    (&[Hour, Lit(b':'), Minute, Lit(b':'), Second], true),
    (&[Hour, Lit(b':'), Minute], false),
    (&[Year4, Month, Day, Hour, Minute, Second], true),
];

/// An absolute date/time: fields not in the layout keep today's values,
/// except that a missing time of day is midnight and missing seconds are 0.
fn absolute(t: &str, today: &Civil) -> Option<(Civil, i128)> {
    for (layout, frac) in LAYOUTS {
        let mut tm = *today;
        if !layout.iter().any(|f| matches!(f, Hour)) {
            tm.hour = 0;
            tm.minute = 0;
        }
        if !layout.iter().any(|f| matches!(f, Second)) {
            tm.second = 0;
        }
        let Some(rest) = strptime(t.as_bytes(), layout, &mut tm) else {
            continue;
        };
        if rest.is_empty() {
            return Some((tm, 0));
        }
        if frac {
            if let Some(sub) = std::str::from_utf8(rest).ok().and_then(subseconds) {
                return Some((tm, sub));
            }
        }
    }
    None
}

/// glibc `strptime` over the fields: numbers of at most the field's digits,
/// leading blanks skipped, ranges checked; a space matches any blanks.
fn strptime<'a>(mut s: &'a [u8], layout: &[Field], tm: &mut Civil) -> Option<&'a [u8]> {
    for f in layout {
        let (digits, lo, hi) = match f {
            Lit(c) => {
                let (first, rest) = s.split_first()?;
                if first != c {
                    return None;
                }
                s = rest;
                continue;
            }
            Space => {
                while let Some((b' ' | b'\t' | b'\n' | b'\r', rest)) = s.split_first() {
                    s = rest;
                }
                continue;
            }
            Year2 => (2, 0, 99),
            Year4 => (4, 0, 9999),
            Month => (2, 1, 12),
            Day => (2, 1, 31),
            Hour => (2, 0, 23),
            Minute => (2, 0, 59),
            Second => (2, 0, 61),
        };
        while let Some((b' ', rest)) = s.split_first() {
            s = rest;
        }
        let n = s
            .iter()
            .take(digits)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n == 0 {
            return None;
        }
        let (num, rest) = s.split_at(n);
        // At most four ASCII digits (the widest field, a year): no overflow.
        debug_assert!(n <= 4);
        #[allow(clippy::arithmetic_side_effects)]
        let v = num
            .iter()
            .fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0'));
        if v < lo || v > hi {
            return None;
        }
        s = rest;
        match f {
            // v is two digits (lo..=hi above).
            #[allow(clippy::arithmetic_side_effects)]
            Year2 => tm.year = v + if v < 69 { 2000 } else { 1900 },
            Year4 => tm.year = v,
            Month => tm.month = v,
            Day => tm.day = v,
            Hour => tm.hour = v,
            Minute => tm.minute = v,
            Second => tm.second = v,
            Lit(_) | Space => {}
        }
    }
    Some(s)
}

/// `.123456` or `,5`: at most six digits, in microseconds.
fn subseconds(t: &str) -> Option<i128> {
    let digits = t.strip_prefix('.').or_else(|| t.strip_prefix(','))?;
    if digits.len() > 6 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // At most six ASCII digits (checked above): below USEC, no overflow.
    #[allow(clippy::arithmetic_side_effects)]
    let usec = digits
        .bytes()
        .zip(std::iter::successors(Some(USEC / 10), |f| Some(f / 10)))
        .map(|(c, factor)| i128::from(c - b'0') * factor)
        .sum();
    Some(usec)
}

fn split_int(t: &str) -> Option<(i64, &str)> {
    let t = t.trim_start();
    let sign_len = usize::from(t.starts_with(['-', '+']));
    let n = t
        .bytes()
        .skip(sign_len)
        .take_while(u8::is_ascii_digit)
        .count();
    if n == 0 {
        return None;
    }
    let (num, rest) = t.split_at(sign_len.saturating_add(n));
    Some((num.parse().ok()?, rest))
}

const UNITS: [(&str, i128); 28] = [
    ("seconds", USEC),
    ("second", USEC),
    ("sec", USEC),
    ("s", USEC),
    ("minutes", 60 * USEC),
    ("minute", 60 * USEC),
    ("min", 60 * USEC),
    ("months", 2_629_800 * USEC),
    ("month", 2_629_800 * USEC),
    ("msec", 1000),
    ("ms", 1000),
    ("m", 60 * USEC),
    ("hours", 3600 * USEC),
    ("hour", 3600 * USEC),
    ("hr", 3600 * USEC),
    ("h", 3600 * USEC),
    ("days", 86_400 * USEC),
    ("day", 86_400 * USEC),
    ("d", 86_400 * USEC),
    ("weeks", 7 * 86_400 * USEC),
    ("week", 7 * 86_400 * USEC),
    ("w", 7 * 86_400 * USEC),
    ("years", 31_557_600 * USEC),
    ("year", 31_557_600 * USEC),
    ("y", 31_557_600 * USEC),
    ("usec", 1),
    ("us", 1),
    ("", USEC),
];

/// A span such as `5min`, `1.5h` or `2 days 3h`, in microseconds.
fn span(t: &str) -> Option<i128> {
    let mut p = t;
    let mut total: i128 = 0;
    let mut something = false;
    loop {
        p = p.trim_start_matches([' ', '\t', '\n', '\r']);
        if p.is_empty() {
            return something.then_some(total);
        }
        let (whole, rest) = split_int(p)?;
        if whole < 0 {
            return None;
        }
        let (frac, digits, rest) = match rest.strip_prefix('.') {
            Some(after) => {
                let n = after.bytes().take_while(u8::is_ascii_digit).count();
                if n == 0 {
                    return None;
                }
                let (f, r) = after.split_at(n);
                (f.parse::<i128>().ok()?, n, r)
            }
            None => (0, 0, rest),
        };
        let rest = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        let (unit, scale) = UNITS.iter().find(|(u, _)| rest.starts_with(u))?;
        let mut k = frac.checked_mul(*scale)?;
        for _ in 0..digits {
            k = k.checked_div(10)?;
        }
        total = total.checked_add(i128::from(whole).checked_mul(*scale)?.checked_add(k)?)?;
        p = rest.get(unit.len()..)?;
        something = true;
    }
}

/// Seconds of a UTC date and time, for tests.
#[cfg(test)]
fn utc(y: i64, m: u32, d: u32, hh: i64, mm: i64, ss: i64) -> i64 {
    super::clock::days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_from_util_linux_tests_and_docs() {
        let tz = TimeZone::utc();
        let now = utc(2026, 11, 26, 20, 41, 53);
        let p = |s: &str| parse_time(s, now, &tz);
        assert_eq!(p("2013-08-28 02:20"), Ok(utc(2013, 8, 28, 2, 20, 0)));
        assert_eq!(p("2013-08-28 11:20"), Ok(utc(2013, 8, 28, 11, 20, 0)));
        assert_eq!(p("2012-09-22 16:34:22"), Ok(utc(2012, 9, 22, 16, 34, 22)));
        assert_eq!(p("2012-09-22T16:34:22"), Ok(utc(2012, 9, 22, 16, 34, 22)));
        assert_eq!(
            p("2012-09-22 16:34:22.123456"),
            Ok(utc(2012, 9, 22, 16, 34, 22))
        );
        assert_eq!(p("12-09-22 16:34"), Ok(utc(2012, 9, 22, 16, 34, 0)));
        assert_eq!(p("20120922163422"), Ok(utc(2012, 9, 22, 16, 34, 22)));
        assert_eq!(p("2012-09-22"), Ok(utc(2012, 9, 22, 0, 0, 0)));
        assert_eq!(p("16:34:22"), Ok(utc(2026, 11, 26, 16, 34, 22)));
        assert_eq!(p("16:34"), Ok(utc(2026, 11, 26, 16, 34, 0)));
        assert_eq!(p("@1348331662"), Ok(1_348_331_662));
        assert_eq!(p("now"), Ok(now));
        assert_eq!(p("today"), Ok(utc(2026, 11, 26, 0, 0, 0)));
        assert_eq!(p("yesterday"), Ok(utc(2026, 11, 25, 0, 0, 0)));
        assert_eq!(p("tomorrow"), Ok(utc(2026, 11, 27, 0, 0, 0)));
        assert_eq!(p("+5min"), Ok(now + 300));
        assert_eq!(p("-5days"), Ok(now - 5 * 86_400));
        assert_eq!(p("1.5h ago"), Ok(now - 5400));
        assert_eq!(p("-2d 3h"), Ok(now - 2 * 86_400 - 3 * 3600));
        // 2013-08-28 was a Wednesday.
        assert_eq!(p("Wed 2013-08-28"), Ok(utc(2013, 8, 28, 0, 0, 0)));
        assert_eq!(p("wednesday 2013-08-28"), Ok(utc(2013, 8, 28, 0, 0, 0)));
        assert!(p("Thu 2013-08-28").is_err());
        assert!(p("Thursday 2013-08-28").is_err());
        assert!(p("Wedn 2013-08-28").is_err());
        for bad in [
            "",
            "soon",
            "2013-13-01",
            "25:00",
            "+",
            "-5 parsecs",
            "1.1234567",
        ] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            p("bogus").unwrap_err().to_string(),
            "invalid time value \"bogus\""
        );
    }

    #[test]
    fn local_zone_applies() {
        let tz = TimeZone::fixed(2 * 3600);
        assert_eq!(
            parse_time("2013-08-28 02:20", 0, &tz),
            Ok(utc(2013, 8, 28, 0, 20, 0))
        );
    }
}
