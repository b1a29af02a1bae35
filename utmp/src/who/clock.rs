//! Local civil time without the C library: days to dates, and time zones
//! (`TZ` unset, empty, `UTC`/`GMT`, POSIX rule strings such as `EST5EDT` or
//! `<+0530>-5:30`, and TZif files such as `/etc/localtime`).
//!
//! Written from the POSIX `TZ` definition, RFC 8536 (TZif) and Howard
//! Hinnant's `civil_from_days` algorithm.

use std::path::Path;

const SECS_PER_DAY: i64 = 86_400;

/// A broken-down local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub year: i64,
    /// 1..=12
    pub month: u32,
    /// 1..=31
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

use crate::time_fmt::{civil_from_days, days_from_civil, days_in_month};

fn small(v: i64) -> u32 {
    u32::try_from(v).unwrap_or_default()
}

fn is_leap(year: i64) -> bool {
    days_in_month(year, 2) == 29
}

/// `seconds` since the epoch, shifted by `offset` seconds east of UTC, as a
/// civil time. `None` when the year would not fit C's `struct tm`
/// (where `localtime` fails).
pub(crate) fn civil(seconds: i64, offset: i64) -> Option<Civil> {
    let local = seconds.checked_add(offset)?;
    let days = local.div_euclid(SECS_PER_DAY);
    let secs = local.rem_euclid(SECS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    i32::try_from(year.checked_sub(1900)?).ok()?;
    Some(Civil {
        year,
        month,
        day,
        hour: small(secs / 3600),
        minute: small(secs % 3600 / 60),
        second: small(secs % 60),
    })
}

/// A time zone: how far local time is ahead of UTC at a given instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Zone {
    /// A constant offset east of UTC, in seconds (UTC itself is 0).
    Fixed(i64),
    /// A POSIX `TZ` rule with daylight saving time.
    Rule(Rule),
    /// A TZif file's transitions.
    Tzif(Tzif),
}

impl Zone {
    /// The zone the C library would use for this process: `TZ`, else
    /// `/etc/localtime`, else UTC.
    pub(crate) fn from_env() -> Zone {
        Zone::from_tz(
            std::env::var_os("TZ")
                .as_deref()
                .map(|s| s.as_encoded_bytes()),
        )
    }

    /// The zone for this value of `TZ` (`None`: unset).
    pub(crate) fn from_tz(tz: Option<&[u8]>) -> Zone {
        let Some(tz) = tz else {
            return load_tzif(Path::new("/etc/localtime")).unwrap_or(Zone::Fixed(0));
        };
        let tz = tz.strip_prefix(b":").unwrap_or(tz);
        if tz.is_empty() {
            return Zone::Fixed(0);
        }
        if let Ok(name) = std::str::from_utf8(tz) {
            let file = if name.starts_with('/') {
                Some(Path::new(name).to_path_buf())
            } else if name.split('/').any(|part| part == "..") {
                None
            } else {
                Some(Path::new("/usr/share/zoneinfo").join(name))
            };
            if let Some(zone) = file.and_then(|f| load_tzif(&f)) {
                return zone;
            }
        }
        parse_posix(tz).unwrap_or(Zone::Fixed(0))
    }

    /// Seconds east of UTC at `at` (seconds since the epoch).
    pub(crate) fn offset_at(&self, at: i64) -> i64 {
        match self {
            Zone::Fixed(off) => *off,
            Zone::Rule(rule) => rule.offset_at(at),
            Zone::Tzif(tzif) => tzif.offset_at(at),
        }
    }
}

/// When daylight saving time starts or ends in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Date {
    /// `Jn`: day 1..=365, February 29 never counted.
    Julian(u32),
    /// `n`: day 0..=365, February 29 counted.
    Zero(u32),
    /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    Month { month: u32, week: u32, weekday: u32 },
}

impl Date {
    /// The day of `year`, counted from 1970-01-01. (Day numbers stay far
    /// below `i64`'s limits: saturation never happens for real years.)
    fn day(self, year: i64) -> i64 {
        let jan1 = days_from_civil(year, 1, 1);
        match self {
            Date::Julian(n) => {
                // Day 60 is March 1 in a common year; February 29 not counted.
                let leap = i64::from(is_leap(year) && n >= 60);
                jan1.saturating_add(i64::from(n))
                    .saturating_add(leap)
                    .saturating_sub(1)
            }
            Date::Zero(n) => jan1.saturating_add(i64::from(n)),
            Date::Month {
                month,
                week,
                weekday,
            } => {
                let first = days_from_civil(year, month, 1);
                // 1970-01-01 was a Thursday (4).
                let first_weekday = first.rem_euclid(7).saturating_add(4) % 7;
                let to_weekday = i64::from(weekday)
                    .saturating_add(7)
                    .saturating_sub(first_weekday)
                    % 7;
                let length = i64::from(days_in_month(year, month));
                // Day of the month (0-based) of the w-th such weekday; week 5
                // means the last one.
                let weeks = i64::from(week.clamp(1, 5)).saturating_sub(1);
                let mut offset = to_weekday.saturating_add(weeks.saturating_mul(7));
                while offset >= length {
                    offset = offset.saturating_sub(7);
                }
                first.saturating_add(offset)
            }
        }
    }
}

/// A POSIX `TZ` rule: standard and daylight offsets and the change dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    std: i64,
    dst: i64,
    start: (Date, i64),
    end: (Date, i64),
}

impl Rule {
    fn offset_at(&self, at: i64) -> i64 {
        let year = civil_from_days(at.saturating_add(self.std).div_euclid(SECS_PER_DAY)).0;
        let instant = |(date, time): (Date, i64), offset: i64| {
            date.day(year)
                .saturating_mul(SECS_PER_DAY)
                .saturating_add(time)
                .saturating_sub(offset)
        };
        // Start is given in standard time, end in daylight time.
        let start = instant(self.start, self.std);
        let end = instant(self.end, self.dst);
        let dst = if start < end {
            start <= at && at < end
        } else {
            !(end <= at && at < start)
        };
        if dst {
            self.dst
        } else {
            self.std
        }
    }
}

/// A cursor over a `TZ` string.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.0 = self.0.get(1..).unwrap_or_default();
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> Option<u32> {
        let digits = self.0.iter().take_while(|c| c.is_ascii_digit()).count();
        let (num, rest) = self.0.split_at_checked(digits)?;
        self.0 = rest;
        std::str::from_utf8(num).ok()?.parse().ok()
    }

    fn name(&mut self) -> Option<()> {
        if self.eat(b'<') {
            let len = self.0.iter().position(|&c| c == b'>')?;
            self.0 = self.0.get(len..)?.get(1..)?;
            return (len >= 3).then_some(());
        }
        let len = self
            .0
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        self.0 = self.0.get(len..)?;
        (len >= 3).then_some(())
    }

    /// `[+-]hh[:mm[:ss]]` as seconds.
    fn hms(&mut self) -> Option<i64> {
        let negative = if self.eat(b'-') {
            true
        } else {
            self.eat(b'+');
            false
        };
        // POSIX allows hours up to 24 (167 in rules), so u32 never overflows here
        // for valid input; anything larger is rejected.
        let mut secs = self.number()?.checked_mul(3600)?;
        if self.eat(b':') {
            secs = secs.checked_add(self.number()?.checked_mul(60)?)?;
            if self.eat(b':') {
                secs = secs.checked_add(self.number()?)?;
            }
        }
        let secs = i64::from(secs);
        Some(if negative { secs.checked_neg()? } else { secs })
    }

    fn date(&mut self) -> Option<(Date, i64)> {
        let date = if self.eat(b'J') {
            Date::Julian(self.number().filter(|n| (1..=365).contains(n))?)
        } else if self.eat(b'M') {
            let month = self.number().filter(|n| (1..=12).contains(n))?;
            self.eat(b'.').then_some(())?;
            let week = self.number().filter(|n| (1..=5).contains(n))?;
            self.eat(b'.').then_some(())?;
            let weekday = self.number().filter(|n| *n <= 6)?;
            Date::Month {
                month,
                week,
                weekday,
            }
        } else {
            Date::Zero(self.number().filter(|n| *n <= 365)?)
        };
        let time = if self.eat(b'/') { self.hms()? } else { 7200 };
        Some((date, time))
    }
}

/// Parses a POSIX `TZ` string (`std offset [dst [offset] [,start[/time],end[/time]]]`).
fn parse_posix(tz: &[u8]) -> Option<Zone> {
    let mut c = Cursor(tz);
    c.name()?;
    // POSIX offsets are west of UTC; ours are east.
    let std = c.hms()?.checked_neg()?;
    if c.0.is_empty() {
        return Some(Zone::Fixed(std));
    }
    c.name()?;
    let dst = match c.peek() {
        Some(b',') | None => std.checked_add(3600)?,
        Some(_) => c.hms()?.checked_neg()?,
    };
    let (start, end) = if c.eat(b',') {
        let start = c.date()?;
        c.eat(b',').then_some(())?;
        (start, c.date()?)
    } else {
        // The C library's default when a zone names DST without rules (US rules).
        (
            (
                Date::Month {
                    month: 3,
                    week: 2,
                    weekday: 0,
                },
                7200,
            ),
            (
                Date::Month {
                    month: 11,
                    week: 1,
                    weekday: 0,
                },
                7200,
            ),
        )
    };
    c.0.is_empty().then_some(())?;
    Some(Zone::Rule(Rule {
        std,
        dst,
        start,
        end,
    }))
}

/// The transitions of a TZif file (RFC 8536), and its footer rule for the
/// times after the last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tzif {
    times: Vec<i64>,
    /// Offset in force from `times[i]` on.
    offsets: Vec<i64>,
    /// Offset before the first transition.
    initial: i64,
    footer: Option<Box<Zone>>,
}

impl Tzif {
    fn offset_at(&self, at: i64) -> i64 {
        let after = self.times.partition_point(|&t| t <= at);
        if after == 0 {
            return self.initial;
        }
        if after == self.times.len() {
            if let Some(footer) = &self.footer {
                return footer.offset_at(at);
            }
        }
        after
            .checked_sub(1)
            .and_then(|i| self.offsets.get(i))
            .copied()
            .unwrap_or(self.initial)
    }
}

fn load_tzif(path: &Path) -> Option<Zone> {
    let data = std::fs::read(path).ok()?;
    parse_tzif(&data).map(Zone::Tzif)
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = data.get(at..)?.get(..4)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

struct Counts {
    isut: usize,
    isstd: usize,
    leap: usize,
    time: usize,
    types: usize,
    chars: usize,
}

fn header(data: &[u8]) -> Option<(u8, Counts)> {
    if data.get(..4)? != b"TZif" {
        return None;
    }
    let count = |at: usize| be32(data, at).and_then(|n| usize::try_from(n).ok());
    Some((
        *data.get(4)?,
        Counts {
            isut: count(20)?,
            isstd: count(24)?,
            leap: count(28)?,
            time: count(32)?,
            types: count(36)?,
            chars: count(40)?,
        },
    ))
}

impl Counts {
    /// Bytes of the data block that follows the 44-byte header, with
    /// transition times of `time_size` bytes; `None` on overflow.
    fn data_len(&self, time_size: usize) -> Option<usize> {
        let leap_size = time_size.checked_add(4)?;
        self.time
            .checked_mul(time_size.checked_add(1)?)?
            .checked_add(self.types.checked_mul(6)?)?
            .checked_add(self.chars)?
            .checked_add(self.leap.checked_mul(leap_size)?)?
            .checked_add(self.isstd)?
            .checked_add(self.isut)
    }
}

fn parse_tzif(data: &[u8]) -> Option<Tzif> {
    const HEADER: usize = 44;
    let (version, v1) = header(data)?;
    let (data, counts, time_size) = if version >= b'2' {
        let rest = data.get(HEADER.checked_add(v1.data_len(4)?)?..)?;
        (rest, header(rest)?.1, 8)
    } else {
        (data, v1, 4)
    };
    let data_len = counts.data_len(time_size)?;
    // Every count is checked against the bytes present before anything is
    // allocated or indexed from it.
    let block = data.get(HEADER..)?.get(..data_len)?;
    let (times_raw, rest) = block.split_at_checked(counts.time.checked_mul(time_size)?)?;
    let (index, rest) = rest.split_at_checked(counts.time)?;
    let types = rest.get(..counts.types.checked_mul(6)?)?;
    let type_offset = |i: usize| -> Option<i64> {
        let raw: [u8; 4] = types.chunks_exact(6).nth(i)?.get(..4)?.try_into().ok()?;
        Some(i64::from(i32::from_be_bytes(raw)))
    };
    let mut times = Vec::with_capacity(counts.time);
    let mut offsets = Vec::with_capacity(counts.time);
    for (raw, &ty) in times_raw.chunks_exact(time_size).zip(index) {
        let t = if time_size == 8 {
            i64::from_be_bytes(raw.try_into().ok()?)
        } else {
            i64::from(i32::from_be_bytes(raw.try_into().ok()?))
        };
        times.push(t);
        offsets.push(type_offset(usize::from(ty))?);
    }
    let initial = type_offset(0)?;
    let footer = if version >= b'2' {
        data.get(HEADER.checked_add(data_len)?..)
            .and_then(|f| f.strip_prefix(b"\n"))
            .and_then(|f| f.split(|&c| c == b'\n').next())
            .filter(|f| !f.is_empty())
            .and_then(parse_posix)
            .map(Box::new)
    } else {
        None
    };
    Some(Tzif {
        times,
        offsets,
        initial,
        footer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_instants_do_not_overflow() {
        let us = parse_posix(b"EST5EDT,M3.2.0,M11.1.0").unwrap();
        for at in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            let off = us.offset_at(at);
            assert!(off == -5 * 3600 || off == -4 * 3600);
        }
        assert_eq!(parse_posix(b"ABC99999999999"), None);
        assert_eq!(parse_posix(b"ABC-2147483648"), None);
    }

    #[test]
    fn civil_time_of_2_pow_31_minus_1() {
        // 2147483647 = 24855 days + 11647 s = 03:14:07 (the 2038 problem's instant).
        let c = civil(2_147_483_647, 0).unwrap();
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second),
            (2038, 1, 19, 3, 14, 7)
        );
        let c = civil(0, -3600).unwrap();
        assert_eq!((c.year, c.month, c.day, c.hour), (1969, 12, 31, 23));
        assert!(civil(i64::MAX / 2, 0).is_none());
    }

    #[test]
    fn posix_tz_strings() {
        assert_eq!(Zone::from_tz(Some(b"")), Zone::Fixed(0));
        assert_eq!(parse_posix(b"UTC0"), Some(Zone::Fixed(0)));
        assert_eq!(parse_posix(b"JST-9"), Some(Zone::Fixed(9 * 3600)));
        assert_eq!(
            parse_posix(b"<+0530>-5:30"),
            Some(Zone::Fixed(5 * 3600 + 1800))
        );
        assert_eq!(parse_posix(b"EST+5"), Some(Zone::Fixed(-5 * 3600)));
        assert_eq!(parse_posix(b"X1"), None);
        // US Eastern, 2024: DST from 2024-03-10 07:00 UTC to 2024-11-03 06:00 UTC.
        let us = parse_posix(b"EST5EDT,M3.2.0,M11.1.0").unwrap();
        let mar10_0700 = days_from_civil(2024, 3, 10) * 86_400 + 7 * 3600;
        assert_eq!(us.offset_at(mar10_0700 - 1), -5 * 3600);
        assert_eq!(us.offset_at(mar10_0700), -4 * 3600);
        let nov3_0600 = days_from_civil(2024, 11, 3) * 86_400 + 6 * 3600;
        assert_eq!(us.offset_at(nov3_0600 - 1), -4 * 3600);
        assert_eq!(us.offset_at(nov3_0600), -5 * 3600);
        // Southern hemisphere (New Zealand): DST over the new year.
        let nz = parse_posix(b"NZST-12NZDT,M9.5.0,M4.1.0/3").unwrap();
        assert_eq!(
            nz.offset_at(days_from_civil(2024, 1, 15) * 86_400),
            13 * 3600
        );
        assert_eq!(
            nz.offset_at(days_from_civil(2024, 7, 15) * 86_400),
            12 * 3600
        );
    }

    #[test]
    fn last_weekday_of_month() {
        // The last Sunday of March 2024 is the 31st; of October 2024 the 27th.
        let d = Date::Month {
            month: 3,
            week: 5,
            weekday: 0,
        };
        assert_eq!(d.day(2024), days_from_civil(2024, 3, 31));
        let d = Date::Month {
            month: 10,
            week: 5,
            weekday: 0,
        };
        assert_eq!(d.day(2024), days_from_civil(2024, 10, 27));
        assert_eq!(Date::Julian(60).day(2024), days_from_civil(2024, 3, 1));
        assert_eq!(Date::Zero(59).day(2024), days_from_civil(2024, 2, 29));
    }

    fn tzif_v2(times: &[i64], idx: &[u8], offs: &[i32], footer: &str) -> Vec<u8> {
        let mut v = Vec::new();
        let head = |v: &mut Vec<u8>, time: usize, types: usize| {
            v.extend_from_slice(b"TZif2");
            v.extend_from_slice(&[0; 15]);
            for n in [0, 0, 0, time, types, 1] {
                v.extend_from_slice(&(n as u32).to_be_bytes());
            }
        };
        // An empty v1 block (zero transitions, one type) then the v2 block.
        head(&mut v, 0, 1);
        v.extend_from_slice(&[0; 6]);
        v.push(0);
        head(&mut v, times.len(), offs.len());
        for t in times {
            v.extend_from_slice(&t.to_be_bytes());
        }
        v.extend_from_slice(idx);
        for o in offs {
            v.extend_from_slice(&o.to_be_bytes());
            v.extend_from_slice(&[0, 0]);
        }
        v.push(0);
        v.push(b'\n');
        v.extend_from_slice(footer.as_bytes());
        v.push(b'\n');
        v
    }

    #[test]
    fn tzif_transitions_and_footer() {
        let data = tzif_v2(&[1000, 2000], &[1, 0], &[3600, 7200], "CET-1");
        let Some(t) = parse_tzif(&data) else {
            panic!("not parsed")
        };
        assert_eq!(t.offset_at(999), 3600);
        assert_eq!(t.offset_at(1000), 7200);
        assert_eq!(t.offset_at(1999), 7200);
        // After the last transition the footer rule decides.
        assert_eq!(t.offset_at(2000), 3600);
        assert!(parse_tzif(b"TZif2").is_none());
        assert!(parse_tzif(b"nope").is_none());
    }

    #[test]
    fn system_zoneinfo_if_present() {
        let path = Path::new("/usr/share/zoneinfo/Europe/Paris");
        if !path.exists() {
            eprintln!("skipped: zoneinfo test (install tzdata)");
            return;
        }
        let z = Zone::from_tz(Some(b"Europe/Paris"));
        // 2024-07-01 is summer time (+2), 2024-01-01 winter (+1).
        assert_eq!(z.offset_at(days_from_civil(2024, 7, 1) * 86_400), 7200);
        assert_eq!(z.offset_at(days_from_civil(2024, 1, 1) * 86_400), 3600);
        // Far future: from the footer rule.
        assert_eq!(z.offset_at(days_from_civil(2100, 7, 1) * 86_400), 7200);
    }
}
