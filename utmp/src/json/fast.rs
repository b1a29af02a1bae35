//! The JSON line of a common record, written in place the way `utmpdump`
//! text is (`layouts::utmpdump`'s `Line`): constant text a block at a
//! time, each string field as 16-byte blocks checked as they are copied,
//! the time from the day's date text (`utmpdump`'s day cache) and digit
//! words, integers without `fmt`. What it does not cover (see
//! [`write_line`]) it leaves to the record's `Serialize` impl, which
//! `push_json` then writes through; the tests hold the two to the same
//! bytes, serde_json's.

use std::borrow::Borrow;

use crate::clock::two;
use crate::entry::Entry;
use crate::entry_type::EntryType;
use crate::format::Format;
use crate::layout::{self, RecordBytes, Span};
use crate::layouts::utmpdump::{
    date_text, eight_digits, leading_zero_digits, microseconds_text, short_block, time_of_day,
    DateText, Line, KEEP,
};
use crate::serde_impl::{member, padding_is_zero, STRINGS};

/// A piece of constant text: the first `len` bytes of a block of `N`.
#[derive(Clone, Copy)]
struct Text<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

/// `parts` one after the other, at compile time. A member name that JSON
/// would escape, or text longer than the block, does not build.
// Evaluated at compile time: an index out of bounds is a build error.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn text<const N: usize>(parts: &[&[u8]]) -> Text<N> {
    let mut t = Text {
        bytes: [0; N],
        len: 0,
    };
    let mut p = 0;
    while p < parts.len() {
        let part = parts[p];
        let mut i = 0;
        while i < part.len() {
            assert!(part[i] >= 0x20 && part[i] != b'\\', "text JSON escapes");
            t.bytes[t.len] = part[i];
            t.len += 1;
            i += 1;
        }
        p += 1;
    }
    t
}

/// `,"name":` and what follows it: `before` (the end of the last value),
/// the member, `after` (the start of its value).
const fn member_text<const N: usize>(before: &[u8], name: &str, after: &[u8]) -> Text<N> {
    assert!(!has_quote(name.as_bytes()), "a member name with a quote");
    text(&[before, b",\"", name.as_bytes(), b"\":", after])
}

// Evaluated at compile time.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn has_quote(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'"' {
            return true;
        }
        i += 1;
    }
    false
}

/// The string fields in [`STRINGS`]' order, and the texts that open their
/// values: the first after a number (`pid`), the others after a string.
const STRING_FIELDS: [(Span, Text<16>); 4] = [
    (STRINGS[0].2, member_text(b"", STRINGS[0].0, b"\"")),
    (STRINGS[1].2, member_text(b"\"", STRINGS[1].0, b"\"")),
    (STRINGS[2].2, member_text(b"\"", STRINGS[2].0, b"\"")),
    (STRINGS[3].2, member_text(b"\"", STRINGS[3].0, b"\"")),
];
/// No address, and the time's opening (one piece: the common line).
const NO_ADDRESS_TIME: Text<32> = text(&[
    b"\",\"",
    member::ADDRESS.as_bytes(),
    b"\":null,\"",
    member::TIME.as_bytes(),
    b"\":\"",
]);
const ADDRESS: Text<16> = member_text(b"\"", member::ADDRESS, b"\"");
const TIME: Text<16> = member_text(b"\"", member::TIME, b"\"");
const SECONDS: Text<16> = member_text(b"\"", member::SECONDS, b"");
const MICROSECONDS: Text<16> = member_text(b"", member::MICROSECONDS, b"");
const EXIT: Text<32> = text(&[
    b",\"",
    member::EXIT.as_bytes(),
    b"\":{\"",
    member::EXIT_TERMINATION.as_bytes(),
    b"\":",
]);
const EXIT_EXIT: Text<16> = member_text(b"", member::EXIT_EXIT, b"");
const SESSION: Text<16> = member_text(b"}", member::SESSION, b"");

/// Raw types below this have a line head in [`TYPE_HEADS`].
const HEAD_TYPES: usize = 16;

/// `TYPE_HEADS[t]`: the line's start up to the pid's value, for a record of
/// the host's raw type `t`: `{"type":"NAME","type_raw":t,"pid":`; `None`
/// for a type the host has no name for (left to the general path).
// Evaluated at compile time (an index out of bounds is a build error);
// t < 16: its digits are one or two.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]
const TYPE_HEADS: [Option<Text<48>>; HEAD_TYPES] = {
    let mut heads = [None; HEAD_TYPES];
    let mut t = 0;
    while t < HEAD_TYPES {
        let ty = EntryType::from_raw(t as i16);
        let two_digits = [b'1', b'0' + (t % 10) as u8];
        let digits: &[u8] = if t < 10 {
            two_digits.split_at(1).1
        } else {
            &two_digits
        };
        let name = ty.as_str().as_bytes();
        assert!(!has_quote(name), "a type name with a quote");
        if !matches!(ty, EntryType::Unknown(_)) {
            heads[t] = Some(text(&[
                b"{\"",
                member::TYPE.as_bytes(),
                b"\":\"",
                name,
                b"\",\"",
                member::TYPE_RAW.as_bytes(),
                b"\":",
                digits,
                b",\"",
                member::PID.as_bytes(),
                b"\":",
            ]));
        }
        t += 1;
    }
    heads
};

/// The longest line [`write_line`] writes: its constant text, the string
/// fields whole, every number and the address at their widest.
const LONGEST_LINE: usize = {
    let fields =
        layout::UT_LINE.len + layout::UT_ID.len + layout::UT_USER.len + layout::UT_HOST.len;
    let opens = STRING_FIELDS[0].1.len
        + STRING_FIELDS[1].1.len
        + STRING_FIELDS[2].1.len
        + STRING_FIELDS[3].1.len;
    let texts = ADDRESS.len
        + TIME.len
        + SECONDS.len
        + MICROSECONDS.len
        + EXIT.len
        + EXIT_EXIT.len
        + SESSION.len;
    // The head (48 at most), the pid, termination, exit and session (11 at
    // most each: a sign and 10 digits), seconds (10), microseconds (6), the
    // address (41 with its quotes), the time (27 and a quote), `}\n`.
    48 + fields + opens + texts + 4 * 11 + 10 + 6 + 41 + 28 + 2
};

/// The room a line is written in: the longest line and the farthest a
/// block write reaches past the line's end (48 bytes), rounded up.
pub(super) const WINDOW: usize = (LONGEST_LINE + 48).next_multiple_of(64);

const _: () = assert!(LONGEST_LINE + 48 <= WINDOW);

/// `.` and `Z` over the `,` and `+` of utmpdump's microseconds word.
const FRACTION_FIX: u64 = (b',' ^ b'.') as u64 | (((b'+' ^ b'Z') as u64) << 56);

/// Writes the JSON line of `entry` (newline included) into `w` and returns
/// its length; `None`, with `w` left in any state, for a record it does not
/// cover, which the general path writes instead:
///
/// * a record of another format than the host's;
/// * a type the host has no name for;
/// * a string field with a byte JSON escapes (a control, `"`, `\`), one
///   beyond ASCII (UTF-8 or not), DEL, or bytes after its NUL (its `_hex`);
/// * bytes in the padding (`padding_hex`);
/// * an address with an IPv4 part (`::ffff:a.b.c.d`, `::a.b.c.d`);
/// * seconds outside `u32`, microseconds outside 0 to 999,999;
/// * a session outside `i32`, no exit status or session (hosts without).
#[inline]
pub(super) fn write_line<B: Borrow<RecordBytes>>(
    entry: &Entry<B>,
    day: &mut Option<DateText>,
    w: &mut [u8; WINDOW],
) -> Option<usize> {
    if entry.format() != Format::HOST {
        return None;
    }
    let rec = entry.as_bytes();
    let head = usize::try_from(entry.raw_type())
        .ok()
        .and_then(|t| TYPE_HEADS.get(t))?
        .as_ref()?;
    let usec = u32::try_from(entry.microseconds())
        .ok()
        .filter(|&u| u < 1_000_000)?;
    let seconds = u32::try_from(entry.seconds()).ok()?;
    let (date, sod) = date_text(day, i64::from(seconds))?;
    let exit = entry.exit_status()?;
    let session = i32::try_from(entry.session()?).ok()?;
    if !padding_is_zero(rec) {
        return None;
    }
    let mut line = Line::new(w);
    line.put_text(head);
    line.put_i32(entry.pid());
    let mut clean = true;
    // One call per field (not a loop): each with its span and text constant.
    let [(line_span, line_open), (id_span, id_open), (user_span, user_open), (host_span, host_open)] =
        &STRING_FIELDS;
    line.put_text(line_open);
    clean &= line.put_json_text(layout::bytes(rec, *line_span));
    line.put_text(id_open);
    clean &= line.put_json_text(layout::bytes(rec, *id_span));
    line.put_text(user_open);
    clean &= line.put_json_text(layout::bytes(rec, *user_span));
    line.put_text(host_open);
    clean &= line.put_json_text(layout::bytes(rec, *host_span));
    clean &= line.put_address_and_time(entry.address_bytes());
    line.put(date, 11);
    let fraction = microseconds_text(usec);
    let clock = u128::from(time_of_day(sod)) | u128::from(fraction ^ FRACTION_FIX) << 64;
    line.put(clock.to_le_bytes(), 16);
    line.put_text(&SECONDS);
    line.put_u32(seconds);
    line.put_text(&MICROSECONDS);
    line.put_microseconds(fraction);
    line.put_text(&EXIT);
    line.put_i32(i32::from(exit.termination));
    line.put_text(&EXIT_EXIT);
    line.put_i32(i32::from(exit.exit));
    line.put_text(&SESSION);
    line.put_i32(session);
    line.put(*b"}\n", 2);
    let len = line.len();
    debug_assert!(len.is_some(), "the window holds the longest line");
    len.filter(|_| clean)
}

impl<const W: usize> Line<'_, W> {
    /// Constant text.
    #[inline(always)]
    fn put_text<const N: usize>(&mut self, text: &Text<N>) {
        self.put(text.bytes, text.len);
    }

    /// `n` in decimal: below 10^8 as one word of 8 digits shifted past its
    /// leading zeros, else its 1 or 2 first digits and then 8.
    #[inline(always)]
    fn put_u32(&mut self, n: u32) {
        const E8: u32 = 100_000_000;
        if n < 10 {
            // 0 above all (exit statuses, sessions of boots): one digit.
            self.put([b'0' | n as u8], 1);
        } else if n < E8 {
            let digits = eight_digits(n);
            let lead = leading_zero_digits(digits);
            // lead <= 6 (n >= 10): the shift is below 64, the length positive.
            #[allow(clippy::arithmetic_side_effects)]
            self.put((digits >> (8 * lead)).to_le_bytes(), 8 - lead);
        } else {
            // n / 10^8 <= 42: two digits, the first not zero when 10 or more.
            let high = n / E8;
            let [h0, h1] = two(high);
            if high >= 10 {
                self.put([h0, h1], 2);
            } else {
                self.put([h1], 1);
            }
            self.put(eight_digits(n % E8).to_le_bytes(), 8);
        }
    }

    /// The microseconds of utmpdump's `,uuuuuu+` word as a number: its 6
    /// digits past their leading zeros (one digit at least).
    #[inline(always)]
    fn put_microseconds(&mut self, fraction: u64) {
        // The digits from the lowest byte, then `+` (not a 0 digit): at
        // most 6 leading zeros, and the last digit is kept.
        let digits = fraction >> 8;
        let lead = leading_zero_digits(digits).min(5);
        // lead <= 5: the shift is below 64, the length positive.
        #[allow(clippy::arithmetic_side_effects)]
        self.put((digits >> (8 * lead)).to_le_bytes(), 6 - lead);
    }

    /// `n` in decimal, a `-` before a negative one.
    #[inline(always)]
    fn put_i32(&mut self, n: i32) {
        if n < 0 {
            self.put([b'-'], 1);
        }
        self.put_u32(n.unsigned_abs());
    }

    /// A string field's text up to its NUL, copied as 16-byte blocks (the
    /// NUL found in each as it is copied); true when JSON has it as it is:
    /// printable ASCII without `"` and `\\`, and only zeros after the NUL
    /// (no `_hex` member).
    #[inline(always)]
    fn put_json_text(&mut self, field: &[u8]) -> bool {
        let mut bad = 0u64;
        let mut from = 0usize;
        loop {
            let rest = field.get(from..).unwrap_or_default();
            // A short block is padded with zeros: the field's end is a NUL.
            let block = match rest.first_chunk::<16>() {
                Some(&b) => b,
                None => short_block(rest),
            };
            let keep = nul_in_block(block);
            bad |= unprintable_or_after_nul(block, KEEP.get(keep).copied().unwrap_or_default());
            self.put(block, keep);
            // from <= the field's length (at most 256 or so).
            #[allow(clippy::arithmetic_side_effects)]
            let next = from + 16;
            from = next;
            if keep < 16 {
                break;
            }
        }
        // The bytes past the NUL's block: all zero (a word at a time).
        let words = field.get(from..).unwrap_or_default().chunks_exact(8);
        let rest = words
            .remainder()
            .iter()
            .fold(0, |any, &b| any | u64::from(b));
        let after = words.fold(rest, |any, w| {
            any | u64::from_ne_bytes(w.try_into().unwrap_or_default())
        });
        bad == 0 && after == 0
    }

    /// The address member (`null` or the address in quotes) and the
    /// time's up to its value; false for an address with an IPv4 part.
    #[inline(always)]
    fn put_address_and_time(&mut self, address: Option<[u8; 16]>) -> bool {
        // The 16 bytes as one number, the first byte lowest: IPv4 when only
        // the first 4 are set (as `entry::ip_from_bytes` reads them).
        let Some(bytes) = address else {
            self.put_text(&NO_ADDRESS_TIME);
            return true;
        };
        let number = u128::from_le_bytes(bytes);
        if number == 0 {
            self.put_text(&NO_ADDRESS_TIME);
            return true;
        }
        self.put_text(&ADDRESS);
        if number >> 32 == 0 {
            // The low 32 bits: the first 4 bytes.
            self.put_ipv4_text((number as u32).to_le_bytes());
        } else if !self.put_ipv6_groups(bytes) {
            return false;
        }
        self.put_text(&TIME);
        true
    }
}

/// Where the first zero byte of `block` is (16 for none).
#[inline(always)]
fn nul_in_block(block: [u8; 16]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let (lo, hi) = block.split_at(8);
    let word = |w: &[u8]| u64::from_le_bytes(w.try_into().unwrap_or_default());
    // The lowest flagged byte of each word is exactly its first zero byte.
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let (lo, hi) = (zeros(word(lo)), zeros(word(hi)));
    // Each count is at most 64: the sum of two eighths is at most 16.
    #[allow(clippy::arithmetic_side_effects)]
    if lo != 0 {
        lo.trailing_zeros() as usize / 8
    } else {
        8 + hi.trailing_zeros() as usize / 8
    }
}

/// Not zero when a byte among the first ones (`keep`: 0xff) is not
/// printable ASCII or is `"` or `\\`, or a byte after them is not zero:
/// 8 bytes at a time, without branches.
#[inline(always)]
fn unprintable_or_after_nul(block: [u8; 16], keep: [u8; 16]) -> u64 {
    let (b0, b1) = block.split_at(8);
    let (k0, k1) = keep.split_at(8);
    let word = |w: &[u8]| u64::from_le_bytes(w.try_into().unwrap_or_default());
    word_unprintable_or_after_nul(word(b0), word(k0))
        | word_unprintable_or_after_nul(word(b1), word(k1))
}

/// [`unprintable_or_after_nul`] of one word `x`, `keep` its mask.
///
/// Each term below sets the high bit of a byte it flags; a borrow or carry
/// can flag a byte wrongly, but only one above a byte that is itself
/// flagged, that is after a wrong byte of the text (then the text is wrong
/// anyway) or after the NUL (where `keep` masks the flags out, and the
/// bytes must all be zero: `x & !keep`).
#[inline(always)]
fn word_unprintable_or_after_nul(x: u64, keep: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below_space = x.wrapping_sub(ONES.wrapping_mul(0x20));
    // 0x80 and above (the high bit), and 0x7f (adding 1 sets it).
    let high = x | x.wrapping_add(ONES);
    // A byte equal to `c` is 0 after the xor, and 0xff after subtracting 1.
    let equal = |c: u8| (x ^ ONES.wrapping_mul(u64::from(c))).wrapping_sub(ONES);
    let flags = below_space | high | equal(b'"') | equal(b'\\');
    (flags & keep & HIGHS) | (x & !keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text `put` writes into a fresh line.
    fn written(put: impl FnOnce(&mut Line<'_, 64>)) -> String {
        let mut w = [b'#'; 64];
        let mut line = Line::new(&mut w);
        put(&mut line);
        let n = line.len().unwrap();
        String::from_utf8(w[..n].to_vec()).unwrap()
    }

    proptest::proptest! {
        #[cfg_attr(miri, ignore = "safe code; minutes under Miri")]
        #[test]
        fn blocks_are_checked_byte_by_byte(
            block in proptest::array::uniform16(proptest::num::u8::ANY),
            keep in 0usize..=16,
            sparse in proptest::array::uniform16(proptest::prop_oneof![
                proptest::strategy::Just(0u8),
                proptest::strategy::Just(b'"'),
                proptest::strategy::Just(b'\\'),
                proptest::strategy::Just(0x1f),
                proptest::strategy::Just(0x20),
                proptest::strategy::Just(0x7e),
                proptest::strategy::Just(0x7f),
                proptest::strategy::Just(0xff),
                proptest::strategy::Just(b'a'),
            ]),
        ) {
            for block in [block, sparse] {
                let want = block.iter().enumerate().any(|(i, &b)| {
                    if i < keep {
                        !(0x20..=0x7e).contains(&b) || b == b'"' || b == b'\\'
                    } else {
                        b != 0
                    }
                });
                let got = unprintable_or_after_nul(block, KEEP[keep]) != 0;
                proptest::prop_assert_eq!(got, want, "{:?} keep {}", block, keep);
                let nul = block.iter().position(|&b| b == 0).unwrap_or(16);
                proptest::prop_assert_eq!(nul_in_block(block), nul, "{:?}", block);
            }
        }

        #[cfg_attr(miri, ignore = "safe code; minutes under Miri")]
        #[test]
        fn numbers_are_decimal(n in proptest::num::i32::ANY, small in 0i32..1000) {
            for n in [n, small, -small] {
                proptest::prop_assert_eq!(written(|l| l.put_i32(n)), n.to_string());
                let u = n.unsigned_abs();
                proptest::prop_assert_eq!(written(|l| l.put_u32(u)), u.to_string());
            }
        }
    }

    #[test]
    fn number_edges_are_decimal() {
        for n in [
            0,
            9,
            10,
            99,
            100,
            99_999_999,
            100_000_000,
            999_999_999,
            1_000_000_000,
        ] {
            assert_eq!(written(|l| l.put_u32(n)), n.to_string());
        }
        assert_eq!(written(|l| l.put_u32(u32::MAX)), u32::MAX.to_string());
        for n in [i32::MIN, -1, i32::MAX] {
            assert_eq!(written(|l| l.put_i32(n)), n.to_string());
        }
        for usec in (0..1_000_000u32).step_by(997).chain([0, 1, 9, 10, 999_999]) {
            let text = written(|l| l.put_microseconds(microseconds_text(usec)));
            assert_eq!(text, usec.to_string());
        }
    }

    #[test]
    fn constant_texts_are_json() {
        // Written from docs/json.md's member list.
        let texts = [
            &STRING_FIELDS[0].1.bytes[..STRING_FIELDS[0].1.len],
            &STRING_FIELDS[3].1.bytes[..STRING_FIELDS[3].1.len],
            &NO_ADDRESS_TIME.bytes[..NO_ADDRESS_TIME.len],
            &EXIT.bytes[..EXIT.len],
            &SESSION.bytes[..SESSION.len],
        ];
        let want: [&[u8]; 5] = [
            b",\"line\":\"",
            b"\",\"host\":\"",
            b"\",\"address\":null,\"time\":\"",
            b",\"exit\":{\"termination\":",
            b"},\"session\":",
        ];
        assert_eq!(texts, want);
        let head = TYPE_HEADS[7].unwrap();
        let name = EntryType::from_raw(7).as_str();
        assert_eq!(
            &head.bytes[..head.len],
            format!("{{\"type\":\"{name}\",\"type_raw\":7,\"pid\":").as_bytes()
        );
    }
}
