//! The text of other tools, byte for byte: the layouts that `utmp who`,
//! `utmp last` and `utmp dump` print in place of the tools they mimic, and
//! that the conformance and differential tests hold against those tools'
//! own expected outputs and installed programs.
//!
//! Nothing here is needed to read records. The model is elsewhere: records
//! ([`Entry`](crate::Entry)), their sources, and [`sessions`](crate::sessions)
//! (which follow util-linux `last` too, in which login pairs with which
//! logout). Each module here turns that model into one tool's text and
//! follows the tool's source wherever the output depends on it: column
//! widths and cuts, escapes, padding, time texts, and the quirks that decide
//! what is printed.
//!
//! | module | mimics | version followed | what it covers |
//! |---|---|---|---|
//! | [`who`] | coreutils `who` (`src/who.c`) | 9.1 | which records each option lists, and its rows |
//! | [`last`] | util-linux `last` (`login-utils/last.c`) | 2.41 and later (the tests use 2.43-devel's expected outputs) | the line of each [`Session`](crate::sessions::Session), the `begins` footer |
//! | [`utmpdump`] | util-linux `utmpdump` (`login-utils/utmpdump.c`) | 2.43 (the same text since 2.41) | the line of each record, and `utmpdump -r`'s way back |
//! | `wtmpdb_last` (Linux) | wtmpdb's `wtmpdb last` (`src/wtmpdb.c`) | 0.75.0 | the text and JSON of each `wtmpdb::Session` |
//!
//! Where a layout differs from its tool on purpose (no DNS for `last -d`;
//! control bytes written as `?` where `wtmpdb last` passes them to the
//! terminal), its module says so. The crate's own lossless text, JSON
//! Lines, mimics no tool: it is `utmp::json` (feature `json`).

pub mod last;
pub mod utmpdump;
pub mod who;
#[cfg(target_os = "linux")]
pub mod wtmpdb_last;

// utmpdump's number writers.

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
