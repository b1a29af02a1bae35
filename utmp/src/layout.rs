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
// NetBSD's header names the field ut_name (`ut_user` is a #define to it,
// which bindgen does not see).
#[cfg(not(target_os = "netbsd"))]
pub(crate) const UT_USER: Span = field!(ut_user);
#[cfg(target_os = "netbsd")]
pub(crate) const UT_USER: Span = field!(ut_name);
pub(crate) const UT_HOST: Span = field!(ut_host);
pub(crate) const TV_SEC: Span = field!(ut_tv.tv_sec);
pub(crate) const TV_USEC: Span = field!(ut_tv.tv_usec);

// Fields that not every system's `struct utmpx` has: `None` where the host's
// struct lacks them, so that the accessors say "absent" instead of reading a
// zero. FreeBSD and macOS have none of them; illumos/Solaris have no address;
// NetBSD keeps the address as a `sockaddr_storage` (`UT_SS`).

/// `ut_exit.e_termination`.
pub(crate) const E_TERMINATION: Option<Span> = exit::TERMINATION;
/// `ut_exit.e_exit`.
pub(crate) const E_EXIT: Option<Span> = exit::EXIT;

#[cfg(any(
    target_os = "linux",
    target_os = "illumos",
    target_os = "solaris",
    target_os = "netbsd"
))]
mod exit {
    use super::*;
    // musl names the exit-status members with two underscores (and #defines
    // the glibc names to them, which bindgen does not see).
    #[cfg(not(target_env = "musl"))]
    pub(super) const TERMINATION: Option<Span> = Some(field!(ut_exit.e_termination));
    #[cfg(not(target_env = "musl"))]
    pub(super) const EXIT: Option<Span> = Some(field!(ut_exit.e_exit));
    #[cfg(target_env = "musl")]
    pub(super) const TERMINATION: Option<Span> = Some(field!(ut_exit.__e_termination));
    #[cfg(target_env = "musl")]
    pub(super) const EXIT: Option<Span> = Some(field!(ut_exit.__e_exit));
}
#[cfg(not(any(
    target_os = "linux",
    target_os = "illumos",
    target_os = "solaris",
    target_os = "netbsd"
)))]
mod exit {
    use super::Span;
    pub(super) const TERMINATION: Option<Span> = None;
    pub(super) const EXIT: Option<Span> = None;
}

/// `ut_session`.
#[cfg(any(
    target_os = "linux",
    target_os = "illumos",
    target_os = "solaris",
    target_os = "netbsd"
))]
pub(crate) const UT_SESSION: Option<Span> = Some(field!(ut_session));
#[cfg(not(any(
    target_os = "linux",
    target_os = "illumos",
    target_os = "solaris",
    target_os = "netbsd"
)))]
pub(crate) const UT_SESSION: Option<Span> = None;

/// `ut_addr_v6`: glibc's and musl's 16 bytes.
#[cfg(target_os = "linux")]
pub(crate) const UT_ADDR_V6: Option<Span> = Some(field!(ut_addr_v6));
#[cfg(not(target_os = "linux"))]
pub(crate) const UT_ADDR_V6: Option<Span> = None;

/// NetBSD's `ut_ss`, the address as a `struct sockaddr_storage`.
#[cfg(target_os = "netbsd")]
pub(crate) const UT_SS: Span = field!(ut_ss);

/// NetBSD's address field, a `struct sockaddr_storage` holding a
/// `sockaddr_in` or `sockaddr_in6` (families and offsets from the `libc`
/// crate's definitions for the target).
#[cfg(target_os = "netbsd")]
pub(crate) mod sockaddr {
    use core::mem::{offset_of, size_of};
    use std::net::IpAddr;

    const FAMILY: usize = offset_of!(libc::sockaddr_storage, ss_family);
    const V4: usize = offset_of!(libc::sockaddr_in, sin_addr);
    const V6: usize = offset_of!(libc::sockaddr_in6, sin6_addr);

    /// `n` as the one byte that `sin_len`/`ss_family` hold; in the `const`
    /// items below only, where a value that does not fit fails the build.
    const fn byte(n: usize) -> u8 {
        assert!(n <= u8::MAX as usize);
        n as u8
    }
    const LEN_V4: u8 = byte(size_of::<libc::sockaddr_in>());
    const LEN_V6: u8 = byte(size_of::<libc::sockaddr_in6>());
    const FAMILY_V4: u8 = byte(libc::AF_INET as usize);
    const FAMILY_V6: u8 = byte(libc::AF_INET6 as usize);

    /// The address as `ut_addr_v6` would hold it: IPv4 in the first 4 bytes,
    /// IPv6 in all 16, all zero for any other family.
    pub(crate) fn address_bytes(ss: &[u8]) -> [u8; 16] {
        let mut out = [0u8; 16];
        let family = ss.get(FAMILY).copied().map(i32::from);
        let (at, len) = match family {
            Some(libc::AF_INET) => (V4, 4),
            Some(libc::AF_INET6) => (V6, 16),
            _ => return out,
        };
        if let (Some(dst), Some(src)) = (out.get_mut(..len), ss.get(at..at.saturating_add(len))) {
            dst.copy_from_slice(src);
        }
        out
    }

    /// Writes `addr` as a `sockaddr_in`/`sockaddr_in6` (port 0), or all zero.
    pub(crate) fn set(ss: &mut [u8], addr: Option<IpAddr>) {
        ss.fill(0);
        let (len, family, at, bytes) = match addr {
            None => return,
            Some(IpAddr::V4(a)) => (LEN_V4, FAMILY_V4, V4, a.octets().to_vec()),
            Some(IpAddr::V6(a)) => (LEN_V6, FAMILY_V6, V6, a.octets().to_vec()),
        };
        if let Some(b) = ss.get_mut(0) {
            *b = len;
        }
        if let Some(b) = ss.get_mut(FAMILY) {
            *b = family;
        }
        if let Some(dst) = ss.get_mut(at..at.saturating_add(bytes.len())) {
            dst.copy_from_slice(&bytes);
        }
    }
}

/// Stores an address in the host's address field (`ut_addr_v6`: IPv4 in the
/// first word; NetBSD's `ut_ss`). Returns false, writing nothing, when the
/// host's record has no address field and `addr` is an address.
pub(crate) fn set_address(rec: &mut RecordBytes, addr: Option<std::net::IpAddr>) -> bool {
    #[cfg(target_os = "netbsd")]
    {
        sockaddr::set(bytes_mut(rec, UT_SS), addr);
        true
    }
    #[cfg(not(target_os = "netbsd"))]
    {
        let Some(span) = UT_ADDR_V6 else {
            return addr.is_none();
        };
        let out = bytes_mut(rec, span);
        out.fill(0);
        let (v4, v6);
        let src: &[u8] = match addr {
            None => return true,
            Some(std::net::IpAddr::V4(a)) => {
                v4 = a.octets();
                &v4
            }
            Some(std::net::IpAddr::V6(a)) => {
                v6 = a.octets();
                &v6
            }
        };
        if let Some(dst) = out.get_mut(..src.len()) {
            dst.copy_from_slice(src);
        }
        true
    }
}

/// Every field of the host's record (tests check the list of `serde_impl` against it).
#[cfg(test)]
pub(crate) fn fields() -> Vec<Span> {
    let mut out = vec![
        UT_TYPE, UT_PID, UT_LINE, UT_ID, UT_USER, UT_HOST, TV_SEC, TV_USEC,
    ];
    out.extend(
        [E_TERMINATION, E_EXIT, UT_SESSION, UT_ADDR_V6]
            .into_iter()
            .flatten(),
    );
    #[cfg(target_os = "netbsd")]
    out.push(UT_SS);
    out
}

/// Eight of the reserved bytes after `ut_addr_v6` (glibc's
/// `__glibc_reserved`, musl's `__unused`): where an entry read from FreeBSD
/// keeps its 8-byte `ut_id` whole. Never used for host records.
/// `None` where the host's record has no `ut_addr_v6` (FreeBSD, macOS,
/// illumos): there a wide id that does not fit `ut_id` is unrepresentable.
#[cfg(target_os = "linux")]
pub(crate) const WIDE_ID: Option<Span> = match UT_ADDR_V6 {
    Some(a) => Some(Span {
        offset: a.offset + a.len,
        len: 8,
    }),
    None => None,
};
#[cfg(not(target_os = "linux"))]
pub(crate) const WIDE_ID: Option<Span> = None;
#[cfg(target_os = "linux")]
const _: () = assert!(matches!(WIDE_ID, Some(w) if w.offset + w.len <= RECORD_SIZE));

/// Whether `span` lies inside a record (`const`, for the assertions below).
const fn inside(span: Span) -> bool {
    match span.offset.checked_add(span.len) {
        Some(end) => end <= RECORD_SIZE,
        None => false,
    }
}

/// Whether an optional span lies inside a record (`None`: nothing to check).
const fn inside_if_any(span: Option<Span>) -> bool {
    match span {
        Some(s) => inside(s),
        None => true,
    }
}

// Every field of the host's record lies inside it: `bytes` and `bytes_mut`
// index with them directly.
const _: () = assert!(
    inside(UT_TYPE)
        && inside(UT_PID)
        && inside(UT_LINE)
        && inside(UT_ID)
        && inside(UT_USER)
        && inside(UT_HOST)
        && inside(TV_SEC)
        && inside(TV_USEC)
        && inside_if_any(E_TERMINATION)
        && inside_if_any(E_EXIT)
        && inside_if_any(UT_SESSION)
        && inside_if_any(UT_ADDR_V6)
        && inside_if_any(WIDE_ID)
);
#[cfg(target_os = "netbsd")]
const _: () = assert!(inside(UT_SS));

/// The field's bytes.
///
/// Spans are the record's own fields (asserted inside it above at compile
/// time) or the gaps between them (`serde_impl`), so the range is always in
/// bounds: the indexing cannot fail.
#[inline]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
pub(crate) fn bytes(rec: &RecordBytes, span: Span) -> &[u8] {
    debug_assert!(inside(span), "{span:?} outside a {RECORD_SIZE}-byte record");
    &rec[span.offset..span.offset + span.len]
}

/// The field's bytes, to write (see [`bytes`] for why the range is in bounds).
#[inline]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
pub(crate) fn bytes_mut(rec: &mut RecordBytes, span: Span) -> &mut [u8] {
    debug_assert!(inside(span), "{span:?} outside a {RECORD_SIZE}-byte record");
    &mut rec[span.offset..span.offset + span.len]
}

/// A field whose width, `N` bytes, is checked at compile time: [`Fixed::new`]
/// runs in the `const` items below, so a field of another width (or outside
/// the record) does not build. Read with [`i16_at`] and [`i32_at`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fixed<const N: usize> {
    offset: usize,
}

impl<const N: usize> Fixed<N> {
    /// `span` as a field of exactly `N` bytes inside the record; for `const`
    /// items only, where a failed assertion is a build error.
    const fn new(span: Span) -> Self {
        assert!(span.len == N && inside(span));
        Self {
            offset: span.offset,
        }
    }

    /// The same for an optional field.
    const fn new_if_any(span: Option<Span>) -> Option<Self> {
        match span {
            Some(s) => Some(Self::new(s)),
            None => None,
        }
    }
}

/// `ut_type`, a C `short` on every system.
pub(crate) const UT_TYPE_I16: Fixed<2> = Fixed::new(UT_TYPE);
/// `ut_pid`, a `pid_t` (32 bits) on every system.
pub(crate) const UT_PID_I32: Fixed<4> = Fixed::new(UT_PID);
/// `ut_exit.e_termination`, a C `short` where the record has it.
pub(crate) const E_TERMINATION_I16: Option<Fixed<2>> = Fixed::new_if_any(E_TERMINATION);
/// `ut_exit.e_exit`, a C `short` where the record has it.
pub(crate) const E_EXIT_I16: Option<Fixed<2>> = Fixed::new_if_any(E_EXIT);

/// `ut_id` where it is 4 bytes (Linux; the host whose records keep a
/// FreeBSD 8-byte id in [`WIDE_ID`]).
#[cfg(target_os = "linux")]
pub(crate) const UT_ID_4: Option<Fixed<4>> = Some(Fixed::new(UT_ID));
/// `ut_id` where it is 4 bytes: not this host's.
#[cfg(not(target_os = "linux"))]
pub(crate) const UT_ID_4: Option<Fixed<4>> = None;

/// The `N` bytes of a [`Fixed`] field.
#[inline]
// `Fixed::new` asserted at compile time that `offset + N` lies inside the
// record, so the range is in bounds and the sum cannot overflow; the slice is
// `N` long, so `copy_from_slice` cannot fail.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
pub(crate) fn array_at<const N: usize>(rec: &RecordBytes, field: Fixed<N>) -> [u8; N] {
    let mut a = [0; N];
    a.copy_from_slice(&rec[field.offset..field.offset + N]);
    a
}

/// Reads a 2-byte signed native-endian field.
#[inline]
pub(crate) fn i16_at(rec: &RecordBytes, field: Fixed<2>) -> i16 {
    i16::from_ne_bytes(array_at(rec, field))
}

/// Reads a 4-byte signed native-endian field.
#[inline]
pub(crate) fn i32_at(rec: &RecordBytes, field: Fixed<4>) -> i32 {
    i32::from_ne_bytes(array_at(rec, field))
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
// `at` counts bytes of `field` already looked at, and `zero`'s trailing zeros
// and `n` index a byte after them: every sum is at most `field.len()`.
#[allow(clippy::arithmetic_side_effects)]
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
            return at + zero.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    match words.remainder().iter().position(|&c| c == 0) {
        Some(n) => at + n,
        None => field.len(),
    }
}

/// Appends the first `len` bytes of a record's field, copying whole 16-byte
/// blocks (fixed-size copies, no call to `memcpy`) and cutting after.
#[inline]
pub(crate) fn push_field_prefix(out: &mut Vec<u8>, field: &[u8], len: usize) {
    let end = out.len().saturating_add(len.min(field.len()));
    let mut blocks = field.chunks_exact(16);
    while out.len() < end {
        match blocks.next().map(<&[u8; 16]>::try_from) {
            Some(Ok(block)) => out.extend_from_slice(block),
            _ => {
                // A field whose size is not a multiple of 16.
                out.extend_from_slice(blocks.remainder());
                break;
            }
        }
    }
    out.truncate(end);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_readers_read_what_int_reads() {
        let mut rec = [0u8; RECORD_SIZE];
        for (i, b) in rec.iter_mut().enumerate() {
            // Bytes with the high bit set and not, so a sign error shows.
            *b = (i as u8).wrapping_mul(37).wrapping_add(0x81);
        }
        assert_eq!(i64::from(i16_at(&rec, UT_TYPE_I16)), int(&rec, UT_TYPE));
        assert_eq!(i64::from(i32_at(&rec, UT_PID_I32)), int(&rec, UT_PID));
        if let (Some(t), Some(span)) = (E_TERMINATION_I16, E_TERMINATION) {
            assert_eq!(i64::from(i16_at(&rec, t)), int(&rec, span));
        }
        if let (Some(e), Some(span)) = (E_EXIT_I16, E_EXIT) {
            assert_eq!(i64::from(i16_at(&rec, e)), int(&rec, span));
        }
        if let Some(id) = UT_ID_4 {
            assert_eq!(array_at(&rec, id), bytes(&rec, UT_ID));
        }
    }

    #[test]
    fn spans_tile_inside_the_record() {
        let spans = fields();
        for s in &spans {
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
        #[cfg(target_os = "linux")]
        assert_eq!(
            (
                UT_LINE.len,
                UT_USER.len,
                UT_HOST.len,
                UT_ID.len,
                UT_ADDR_V6.map(|s| s.len)
            ),
            (32, 32, 256, 4, Some(16))
        );
    }

    #[test]
    fn ints_round_trip_at_their_limits() {
        let mut rec = [0u8; RECORD_SIZE];
        for span in [Some(UT_TYPE), Some(UT_PID), UT_SESSION, Some(TV_USEC)]
            .into_iter()
            .flatten()
        {
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
