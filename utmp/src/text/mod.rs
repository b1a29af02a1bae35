//! Records as text, and text back to records: the `utmpdump` format and a
//! lossless JSON Lines format.
//!
//! # The utmpdump format
//!
//! One line per record, as util-linux `utmpdump` prints it (see
//! [`write_utmpdump`]), and the reverse conversion of `utmpdump -r` (see
//! [`parse_utmpdump_line`] and [`UtmpdumpReader`]), byte for byte for the
//! records it writes:
//!
//! ```text
//! [7] [17058] [ts/1] [kerolasa] [pts/1       ] [:0.0                ] [0.0.0.0        ] [2013-01-16T23:44:09,000000+00:00]
//!  type pid    id     user       line           host                   address           time (always UTC)
//! ```
//!
//! The format is lossy (characters outside printable ASCII become `?`, a space
//! ends a field on the way back, nothing after a string's NUL and neither
//! `ut_exit` nor `ut_session` is kept). Use it to read and edit records by
//! hand, and JSON Lines to keep them.
//!
//! # The JSON Lines format (feature `json`)
//!
//! One JSON object per record and line (see `write_json` and
//! `parse_json_line`), in the crate's one serde representation of a record:
//! every field readable for people and scripts, and the exact bytes beside
//! a field only when its text would lose some, so dumping a file to JSON
//! Lines and reading it back gives the same file, byte for byte, whatever it
//! holds. The members and how they are read back are in `docs/json.md` (in
//! the repository; the crate docs' "Serialization" section says the same in
//! short).
//!
//! # A partial record at the end of the input
//!
//! Dumping works over the direct reader: every whole record is written, then
//! the reader's [`Error::TrailingBytes`](crate::Error::TrailingBytes) says how
//! many bytes were left over and where. `utmpdump` ignores such bytes silently;
//! the `utmp dump` command prints the records and then exits with status 1.

#[cfg(feature = "json")]
mod json;
mod utmpdump;

#[cfg(feature = "json")]
pub use json::{parse_json_line, push_json, write_json, JsonReader};
pub use utmpdump::{
    parse_utmpdump_line, push_utmpdump, write_utmpdump, UtmpdumpBuffer, UtmpdumpReader,
};

use crate::clock::{Civil, DayCache};
#[cfg(test)]
use crate::time_fmt::{civil_from_days, days_from_civil};

thread_local! {
    /// The last UTC day converted: records come in time order, many per day.
    static LAST_DAY: std::cell::Cell<Option<DayCache>> = const { std::cell::Cell::new(None) };
}

/// The UTC time `seconds` after the epoch, through the day cache.
fn civil_time(seconds: i64) -> Civil {
    LAST_DAY.with(|last| {
        if let Some(c) = last.get().and_then(|day| day.civil(seconds)) {
            return c;
        }
        last.set(DayCache::utc(seconds));
        Civil::from_local_seconds(seconds, 0)
    })
}

/// Appends `value` in decimal, at least `width` characters, padded on the left
/// with spaces, or with zeros after the sign when `pad` is `b'0'` (as C's
/// `%05d` does).
#[inline]
fn push_int(buf: &mut Vec<u8>, value: i64, width: usize, pad: u8) {
    crate::clock::push_int(buf, value, width, pad == b'0', false);
}

/// Appends `value` (below 100) as two digits.
#[inline]
fn push_2(buf: &mut Vec<u8>, value: u32) {
    buf.extend_from_slice(&crate::clock::two(value));
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
    fn push_2_is_two_digits() {
        for v in 0..100 {
            let mut buf = Vec::new();
            push_2(&mut buf, v);
            assert_eq!(String::from_utf8(buf).unwrap(), format!("{v:02}"));
        }
    }

    proptest::proptest! {
        #[test]
        fn push_int_agrees_with_format(v in proptest::num::i64::ANY, w in 0usize..25, small in -12_000i64..120_000) {
            for v in [v, small] {
                let mut buf = b"x".to_vec();
                push_int(&mut buf, v, w, b'0');
                proptest::prop_assert_eq!(String::from_utf8_lossy(&buf[1..]), format!("{v:0w$}"));
                buf.truncate(1);
                push_int(&mut buf, v, w, b' ');
                proptest::prop_assert_eq!(String::from_utf8_lossy(&buf[1..]), format!("{v:w$}"));
            }
        }
    }

    #[test]
    fn push_int_pads_like_printf() {
        let cases: [(i64, usize, u8, &str); 6] = [
            (42, 5, b'0', "00042"),
            (-5, 5, b'0', "-0005"),
            (123_456, 5, b'0', "123456"),
            (-5, 4, b' ', "  -5"),
            (0, 0, b' ', "0"),
            (i64::MIN, 0, b' ', "-9223372036854775808"),
        ];
        for (v, w, p, want) in cases {
            let mut buf = Vec::new();
            push_int(&mut buf, v, w, p);
            assert_eq!(String::from_utf8_lossy(&buf), want, "{v} {w}");
        }
    }
}
