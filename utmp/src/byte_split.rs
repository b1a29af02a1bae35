//! Splitting byte strings at a byte found in them, without an index that
//! could fall outside the slice.

/// `s` split around its first `c`: the bytes before it and the bytes after
/// it (`c` itself in neither), or `None` when `s` has no `c`.
#[inline]
pub(crate) fn around_first(s: &[u8], c: u8) -> Option<(&[u8], &[u8])> {
    let at = s.iter().position(|&b| b == c)?;
    let (before, from) = s.split_at(at);
    // `from` starts with the `c` that `position` found, so it is not empty.
    let (_, after) = from.split_first()?;
    Some((before, after))
}

/// The bytes of `s` before its first `c`, or all of `s` when it has none.
#[inline]
pub(crate) fn before_first(s: &[u8], c: u8) -> &[u8] {
    around_first(s, c).map_or(s, |(before, _)| before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_around_the_first_occurrence() {
        assert_eq!(
            around_first(b"a(b)c(d", b'('),
            Some((&b"a"[..], &b"b)c(d"[..]))
        );
        assert_eq!(around_first(b"(", b'('), Some((&b""[..], &b""[..])));
        assert_eq!(around_first(b"abc", b'('), None);
        assert_eq!(before_first(b"ab\0c\0", 0), b"ab");
        assert_eq!(before_first(b"abc", 0), b"abc");
        assert_eq!(before_first(b"", 0), b"");
    }
}
