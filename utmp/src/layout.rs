//! Where each field lives in an on-disk record.
//!
//! Everything here comes from `utmp_sys::utmpx`, the C structure of the target as
//! bindgen read it from the header: the record size, every field's offset
//! (`offset_of!`) and width (the size of the field's own type). Nothing is
//! written down by hand, so glibc's 384-byte x86_64 record, the 400-byte
//! aarch64/s390x and musl records, and the byte order of the target all follow.
//!
//! Reading and writing is safe code over byte arrays; a record is any
//! `RECORD_SIZE` bytes.

use core::mem::{offset_of, size_of};
use utmp_sys::utmpx;

/// The size in bytes of one record (`sizeof(struct utmpx)`) on this target.
pub const RECORD_SIZE: usize = size_of::<utmpx>();

/// The bytes of one record.
pub type RecordBytes = [u8; RECORD_SIZE];

/// A field's place in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) offset: usize,
    pub(crate) len: usize,
}

/// The span of a field whose type is found from a projection closure, so that
/// its width is the width of the C type.
const fn span_of<T>(offset: usize, _field: fn(&utmpx) -> &T) -> Span {
    Span {
        offset,
        len: size_of::<T>(),
    }
}

macro_rules! field {
    ($($path:ident).+) => {
        span_of(offset_of!(utmpx, $($path).+), |u: &utmpx| &u.$($path).+)
    };
}

pub(crate) const UT_TYPE: Span = field!(ut_type);
pub(crate) const UT_PID: Span = field!(ut_pid);
pub(crate) const UT_LINE: Span = field!(ut_line);
pub(crate) const UT_ID: Span = field!(ut_id);
pub(crate) const UT_USER: Span = field!(ut_user);
pub(crate) const UT_HOST: Span = field!(ut_host);
#[cfg(not(target_env = "musl"))]
pub(crate) const E_TERMINATION: Span = field!(ut_exit.e_termination);
#[cfg(not(target_env = "musl"))]
pub(crate) const E_EXIT: Span = field!(ut_exit.e_exit);
// musl names the exit-status members with two underscores (and #defines the
// glibc names to them, which bindgen does not see).
#[cfg(target_env = "musl")]
pub(crate) const E_TERMINATION: Span = field!(ut_exit.__e_termination);
#[cfg(target_env = "musl")]
pub(crate) const E_EXIT: Span = field!(ut_exit.__e_exit);
pub(crate) const UT_SESSION: Span = field!(ut_session);
pub(crate) const TV_SEC: Span = field!(ut_tv.tv_sec);
pub(crate) const TV_USEC: Span = field!(ut_tv.tv_usec);
pub(crate) const UT_ADDR_V6: Span = field!(ut_addr_v6);

/// Eight of the reserved bytes after `ut_addr_v6` (glibc's
/// `__glibc_reserved`, musl's `__unused`): where an entry read from FreeBSD
/// keeps its 8-byte `ut_id` whole. Never used for host records.
pub(crate) const WIDE_ID: Span = Span {
    offset: UT_ADDR_V6.offset + UT_ADDR_V6.len,
    len: 8,
};
#[cfg(target_os = "linux")]
const _: () = assert!(WIDE_ID.offset + WIDE_ID.len <= RECORD_SIZE);

/// The field's bytes. Spans come from the structure, so they always lie inside
/// a record; the empty slice is never returned for a real span.
#[inline]
pub(crate) fn bytes(rec: &RecordBytes, span: Span) -> &[u8] {
    rec.get(span.offset..span.offset.saturating_add(span.len))
        .unwrap_or_default()
}

#[inline]
pub(crate) fn bytes_mut(rec: &mut RecordBytes, span: Span) -> &mut [u8] {
    rec.get_mut(span.offset..span.offset.saturating_add(span.len))
        .unwrap_or_default()
}

/// Reads a signed native-endian integer field of width 1, 2, 4 or 8.
#[inline]
pub(crate) fn int(rec: &RecordBytes, span: Span) -> i64 {
    let b = bytes(rec, span);
    match *b {
        [a] => i64::from(a as i8),
        [a, b] => i64::from(i16::from_ne_bytes([a, b])),
        [a, b, c, d] => i64::from(i32::from_ne_bytes([a, b, c, d])),
        [a, b, c, d, e, f, g, h] => i64::from_ne_bytes([a, b, c, d, e, f, g, h]),
        _ => 0,
    }
}

/// Reads an integer field as unsigned (used for a 32-bit `tv_sec`, which glibc
/// 2.40 and later read as unsigned so that times run to 2106).
#[inline]
pub(crate) fn uint(rec: &RecordBytes, span: Span) -> i64 {
    let b = bytes(rec, span);
    match *b {
        [a, b] => i64::from(u16::from_ne_bytes([a, b])),
        [a, b, c, d] => i64::from(u32::from_ne_bytes([a, b, c, d])),
        _ => int(rec, span),
    }
}

/// The range of values an integer field of `span`'s width can hold.
pub(crate) fn int_range(span: Span, unsigned: bool) -> (i64, i64) {
    match (span.len, unsigned) {
        (1, false) => (i64::from(i8::MIN), i64::from(i8::MAX)),
        (2, false) => (i64::from(i16::MIN), i64::from(i16::MAX)),
        (4, false) => (i64::from(i32::MIN), i64::from(i32::MAX)),
        (2, true) => (0, i64::from(u16::MAX)),
        (4, true) => (0, i64::from(u32::MAX)),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Writes `value` into an integer field. Returns false, writing nothing, when it
/// does not fit (see [`int_range`]).
pub(crate) fn set_int(rec: &mut RecordBytes, span: Span, value: i64, unsigned: bool) -> bool {
    let (lo, hi) = int_range(span, unsigned);
    if value < lo || value > hi {
        return false;
    }
    let out = bytes_mut(rec, span);
    // The value fits the width, so the low bytes hold it exactly.
    let all = value.to_ne_bytes();
    let take = out.len();
    let src = if cfg!(target_endian = "little") {
        all.get(..take)
    } else {
        all.get(all.len().saturating_sub(take)..)
    };
    match src {
        Some(src) if src.len() == take => {
            out.copy_from_slice(src);
            true
        }
        _ => false,
    }
}

/// A string field cut at its first NUL, or the whole array when it has none.
#[inline]
pub(crate) fn c_str(rec: &RecordBytes, span: Span) -> &[u8] {
    let b = bytes(rec, span);
    b.get(..nul_len(b)).unwrap_or(b)
}

/// The length of the C string in a fixed-size field: the index of its first
/// NUL, or the field's length when it has none. Reads a word at a time.
#[inline]
pub(crate) fn nul_len(field: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut words = field.chunks_exact(8);
    let mut at = 0usize;
    for word in &mut words {
        let Ok(word) = <[u8; 8]>::try_from(word) else {
            break;
        };
        let w = u64::from_le_bytes(word);
        // The lowest flagged byte is exactly the first zero byte (a flag can
        // be wrong only above a zero byte, where a borrow came in).
        let zero = w.wrapping_sub(ONES) & !w & HIGHS;
        if zero != 0 {
            return at.saturating_add(zero.trailing_zeros() as usize / 8);
        }
        at = at.saturating_add(8);
    }
    match words.remainder().iter().position(|&c| c == 0) {
        Some(n) => at.saturating_add(n),
        None => field.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_tile_inside_the_record() {
        let spans = [
            UT_TYPE,
            UT_PID,
            UT_LINE,
            UT_ID,
            UT_USER,
            UT_HOST,
            E_TERMINATION,
            E_EXIT,
            UT_SESSION,
            TV_SEC,
            TV_USEC,
            UT_ADDR_V6,
        ];
        for s in spans {
            assert!(s.offset + s.len <= RECORD_SIZE, "{s:?}");
        }
        for (i, a) in spans.iter().enumerate() {
            for b in &spans[..i] {
                assert!(
                    a.offset + a.len <= b.offset || b.offset + b.len <= a.offset,
                    "{a:?} {b:?}"
                );
            }
        }
        assert_eq!(
            (
                UT_LINE.len,
                UT_USER.len,
                UT_HOST.len,
                UT_ID.len,
                UT_ADDR_V6.len
            ),
            (32, 32, 256, 4, 16)
        );
    }

    #[test]
    fn ints_round_trip_at_their_limits() {
        let mut rec = [0u8; RECORD_SIZE];
        for span in [UT_TYPE, UT_PID, UT_SESSION, TV_USEC] {
            let (lo, hi) = int_range(span, false);
            for v in [lo, -1, 0, 1, hi] {
                assert!(set_int(&mut rec, span, v, false));
                assert_eq!(int(&rec, span), v);
            }
            if hi < i64::MAX {
                assert!(!set_int(&mut rec, span, hi + 1, false));
                assert_eq!(
                    int(&rec, span),
                    hi,
                    "a refused value leaves the field alone"
                );
            }
        }
        let (lo, hi) = int_range(TV_SEC, true);
        for v in [lo, hi] {
            assert!(set_int(&mut rec, TV_SEC, v, true));
            assert_eq!(uint(&rec, TV_SEC), v);
        }
    }

    #[test]
    fn c_str_never_needs_a_nul() {
        let mut rec = [0u8; RECORD_SIZE];
        bytes_mut(&mut rec, UT_USER).fill(b'x');
        assert_eq!(c_str(&rec, UT_USER), &[b'x'; 32][..]);
        if let Some(b) = bytes_mut(&mut rec, UT_USER).get_mut(3) {
            *b = 0;
        }
        assert_eq!(c_str(&rec, UT_USER), b"xxx");
    }

    proptest::proptest! {
        #[cfg_attr(miri, ignore = "safe code; 10 s to minutes under Miri even with PROPTEST_CASES=8")]
        #[test]
        fn nul_len_finds_the_first_nul(
            field in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(0u8),
                    proptest::strategy::Just(0x80u8),
                    proptest::strategy::Just(1u8),
                    proptest::num::u8::ANY
                ],
                0..80,
            )
        ) {
            let want = field.iter().position(|&c| c == 0).unwrap_or(field.len());
            proptest::prop_assert_eq!(nul_len(&field), want);
        }
    }
}
