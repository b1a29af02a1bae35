//! One login record, owned ([`Entry`]) or borrowed from a buffer ([`EntryRef`]).

use std::borrow::{Borrow, Cow};
use std::ffi::OsStr;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::entry_type::{EntryType, RawEntryType};
use crate::format::Format;
use crate::layout::{self, RecordBytes, RECORD_SIZE};

/// A login record: one `struct utmpx` of this platform, kept as its bytes.
///
/// `B` is what holds the bytes: an owned array for [`Entry`] (the default), a
/// reference into a buffer for [`EntryRef`]. Both have the same accessors, which
/// decode a field when asked; building a value costs no more than copying (or
/// borrowing) the record. Any bytes make a record: nothing here can fail or panic,
/// whatever the record holds.
///
/// String fields are bounded by their C array and cut at the first NUL; a field
/// that fills its array without a NUL is read whole. They are offered as raw
/// bytes (`user_bytes`), as `&OsStr` (`user`), and as lossy UTF-8 for display
/// (`user_lossy`).
///
/// A record read from a file of another [`Format`] is transcoded into the host
/// layout and carries what that layout cannot hold (see [`crate::format`]):
/// [`Entry::format`] says where it came from, and fields that format lacks are
/// absent.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entry<B = RecordBytes> {
    bytes: B,
    foreign: Option<Foreign>,
}

/// What a record of a non-host format keeps beside the host bytes: only
/// its format (two bytes, so that a borrowed entry stays two words). The
/// rest is in the host record: `ut_type` holds the format's own number, and
/// FreeBSD's 8-byte `ut_id` is also kept whole in the reserved bytes after
/// `ut_addr_v6` (see `layout::WIDE_ID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Foreign {
    pub(crate) format: Format,
}

/// A record borrowed from a buffer (the zero-copy reader's item).
pub type EntryRef<'a> = Entry<&'a RecordBytes>;

/// How a process ended: `ut_exit` (`e_termination`, `e_exit`), recorded on
/// `DEAD_PROCESS` entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExitStatus {
    /// `ut_exit.e_termination`: the process termination status.
    pub termination: i16,
    /// `ut_exit.e_exit`: the process exit status.
    pub exit: i16,
}

impl Entry {
    /// An entry made of these bytes (any bytes are a record).
    pub const fn from_bytes(bytes: RecordBytes) -> Self {
        Entry {
            bytes,
            foreign: None,
        }
    }

    /// A transcoded record of another format.
    pub(crate) const fn from_foreign(bytes: RecordBytes, foreign: Foreign) -> Self {
        Entry {
            bytes,
            foreign: Some(foreign),
        }
    }

    /// An all-zero record (`EMPTY`, every field empty).
    pub const fn zeroed() -> Self {
        Entry {
            bytes: [0; RECORD_SIZE],
            foreign: None,
        }
    }

    /// This entry with its type number read in `format`'s numbering: a host
    /// entry whose `ut_type` holds 4 becomes, for [`Format::FREEBSD_UTX`], a
    /// FreeBSD `USER_PROCESS` (what `utmp undump --format` does with the
    /// numbers of a dump of such a file, which keeps them as stored). Every
    /// other field stays; [`Entry::format`] becomes `format`. An entry that
    /// is already of another format is returned unchanged.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidField`] when a field that `format` lacks holds
    /// a value (an address for illumos, a pid for the old BSD `struct
    /// utmp`): it would be lost, so it is refused.
    pub fn numbered_as(self, format: Format) -> crate::Result<Entry> {
        use crate::format::Field;
        if format.is_host() || self.foreign.is_some() {
            return Ok(self);
        }
        let lost = [
            (Field::Pid, self.pid() != 0),
            (Field::Id, self.id_raw().iter().any(|&b| b != 0)),
            (
                Field::Exit,
                self.exit_status()
                    .is_some_and(|x| x != ExitStatus::default()),
            ),
            (Field::Session, self.session().is_some_and(|s| s != 0)),
            (
                Field::Address,
                self.address_bytes().is_some_and(|a| a != [0; 16]),
            ),
            (Field::Microseconds, self.microseconds() != 0),
        ];
        if let Some((field, _)) = lost.iter().find(|(f, set)| *set && !format.has(*f)) {
            return Err(crate::Error::InvalidField {
                field: field.as_str(),
                message: format!("the format has no such field (format {format})"),
            });
        }
        let mut bytes = self.bytes;
        if format.system() == crate::format::System::FreeBsd {
            // FreeBSD's ut_id is 8 bytes: kept whole in the reserved bytes
            // (on the hosts with a 4-byte ut_id and such a place: Linux).
            if let (Some(narrow), Some(wide)) = (layout::UT_ID_4, layout::WIDE_ID) {
                let id = layout::array_at(&bytes, narrow);
                if let Some(d) = layout::bytes_mut(&mut bytes, wide).get_mut(..4) {
                    d.copy_from_slice(&id);
                }
            }
        }
        Ok(Entry::from_foreign(bytes, Foreign { format }))
    }

    /// The record's bytes, mutably (for the encoder).
    pub(crate) fn bytes_mut(&mut self) -> &mut RecordBytes {
        &mut self.bytes
    }
}

impl Default for Entry {
    fn default() -> Self {
        Entry::zeroed()
    }
}

impl<'a> EntryRef<'a> {
    /// A borrowed entry over `bytes`, which must be exactly [`RECORD_SIZE`] long.
    pub fn from_slice(bytes: &'a [u8]) -> Option<Self> {
        bytes.try_into().ok().map(|bytes| Entry {
            bytes,
            foreign: None,
        })
    }

    /// A borrowed entry over a record's bytes.
    pub const fn from_array(bytes: &'a RecordBytes) -> Self {
        Entry {
            bytes,
            foreign: None,
        }
    }
}

macro_rules! string_field {
    ($span:expr, $c:literal, $bytes:ident, $os:ident, $lossy:ident) => {
        #[doc = concat!("`", $c, "` as raw bytes, cut at the first NUL (or the whole array).")]
        #[inline]
        pub fn $bytes(&self) -> &[u8] {
            layout::c_str(self.record(), $span)
        }

        #[doc = concat!("`", $c, "` as an `OsStr` (exact bytes).")]
        #[inline]
        pub fn $os(&self) -> &OsStr {
            OsStr::from_bytes(self.$bytes())
        }

        #[doc = concat!("`", $c, "` as UTF-8 for display; invalid bytes become U+FFFD.")]
        #[inline]
        pub fn $lossy(&self) -> Cow<'_, str> {
            lossy(self.$bytes())
        }
    };
}

/// `String::from_utf8_lossy`, with the common case first: a field of valid
/// UTF-8 (ASCII, nearly always) is checked by `str::from_utf8`'s word-wide
/// scan and borrowed, without the chunk-by-chunk walk.
#[inline]
fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    // Empty fields are common (the host of a local login, the user of a
    // DEAD_PROCESS): no call for them.
    if bytes.is_empty() {
        return Cow::Borrowed("");
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

impl<B: Borrow<RecordBytes>> Entry<B> {
    #[inline]
    fn record(&self) -> &RecordBytes {
        self.bytes.borrow()
    }

    /// The record's bytes, exactly as stored.
    ///
    /// For an entry read from another [`Format`], the host record it was
    /// transcoded into: `ut_type` holds its own system's number (see
    /// [`Entry::entry_type`]), and a FreeBSD 8-byte `ut_id` is also kept
    /// whole in the reserved bytes after `ut_addr_v6`. Write it in a format
    /// with [`Format::encode`].
    #[inline]
    pub fn as_bytes(&self) -> &RecordBytes {
        self.record()
    }

    /// An owned copy of this entry.
    #[inline]
    pub fn to_entry(&self) -> Entry {
        Entry {
            bytes: *self.record(),
            foreign: self.foreign,
        }
    }

    /// A borrowed view of this entry.
    #[inline]
    pub fn as_entry_ref(&self) -> EntryRef<'_> {
        Entry {
            bytes: self.record(),
            foreign: self.foreign,
        }
    }

    /// The format the record was read from ([`Format::HOST`] unless it was
    /// transcoded from another).
    #[inline]
    pub fn format(&self) -> Format {
        match &self.foreign {
            None => Format::HOST,
            Some(f) => f.format,
        }
    }

    /// True when the record's format has `field` (see [`Format::has`]).
    #[inline]
    fn has(&self, field: crate::format::Field) -> bool {
        match &self.foreign {
            None => true,
            Some(f) => f.format.has(field),
        }
    }

    /// The C constant's name of the record's type in its own system
    /// (`"SHUTDOWN_TIME"` for FreeBSD's 8, which Linux has no name for), or
    /// `"UNKNOWN"`.
    pub fn type_name(&self) -> &'static str {
        match &self.foreign {
            Some(f) if f.format.has(crate::format::Field::Type) => {
                f.format.type_name(self.raw_type())
            }
            _ => self.entry_type().as_str(),
        }
    }

    /// True when the record marks a shutdown by its type (`SHUTDOWN_TIME`,
    /// `DOWN_TIME` of the BSDs, macOS and illumos; Linux records a shutdown as
    /// a `RUN_LVL` record of user `shutdown`).
    pub fn is_shutdown_type(&self) -> bool {
        match &self.foreign {
            None => false,
            Some(f) => f.format.is_shutdown_type(self.raw_type()),
        }
    }

    /// `ut_type`: what the record is about.
    #[inline]
    pub fn entry_type(&self) -> EntryType {
        match &self.foreign {
            // A format without a type field stores the inferred type's host
            // number.
            Some(f) if f.format.has(crate::format::Field::Type) => {
                f.format.entry_type(self.raw_type())
            }
            _ => EntryType::from_raw(self.raw_type()),
        }
    }

    /// `ut_type` as stored, in the numbering of the record's system (a
    /// FreeBSD `USER_PROCESS` is 4). For a format without a type field (the
    /// old BSD `struct utmp`), the host number of the inferred type.
    #[inline]
    pub fn raw_type(&self) -> RawEntryType {
        // The field is a C short: `UT_TYPE_I16` asserts its width at compile time.
        layout::i16_at(self.record(), layout::UT_TYPE_I16)
    }

    /// True when `ut_type` is `USER_PROCESS` (pyutmp's `ut_user_process`).
    #[inline]
    pub fn is_user_process(&self) -> bool {
        self.entry_type() == EntryType::UserProcess
    }

    /// `ut_pid`: the process id (of the login process, getty, or init child).
    ///
    /// 0 for a format without a pid (the old BSD `struct utmp`; see
    /// [`Format::has`]).
    #[inline]
    pub fn pid(&self) -> i32 {
        layout::i32_at(self.record(), layout::UT_PID_I32)
    }

    string_field!(layout::UT_USER, "ut_user", user_bytes, user, user_lossy);
    string_field!(layout::UT_LINE, "ut_line", line_bytes, line, line_lossy);
    string_field!(layout::UT_HOST, "ut_host", host_bytes, host, host_lossy);

    /// `ut_id` as raw bytes, cut at the first NUL (or the whole array).
    #[inline]
    pub fn id_bytes(&self) -> &[u8] {
        let raw = self.id_raw();
        raw.get(..layout::nul_len(raw)).unwrap_or(raw)
    }

    /// `ut_id` as an `OsStr` (exact bytes).
    #[inline]
    pub fn id(&self) -> &OsStr {
        OsStr::from_bytes(self.id_bytes())
    }

    /// `ut_id` as UTF-8 for display; invalid bytes become U+FFFD.
    #[inline]
    pub fn id_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.id_bytes())
    }

    /// `ut_id` as all of its bytes, NULs included (it is a 4-byte tag, not a
    /// C string: `"ts/0"` or `"\0\0\0\0"`; FreeBSD's is 8 bytes, and the
    /// old BSD `struct utmp` has none, an empty slice).
    #[inline]
    pub fn id_raw(&self) -> &[u8] {
        match &self.foreign {
            None => layout::bytes(self.record(), layout::UT_ID),
            Some(f) if f.format.system() == crate::format::System::FreeBsd => {
                // Where the host has no room for the wide id, decoding kept
                // only ids that fit ut_id.
                layout::bytes(self.record(), layout::WIDE_ID.unwrap_or(layout::UT_ID))
            }
            Some(f) if !f.format.has(crate::format::Field::Id) => &[],
            Some(_) => layout::bytes(self.record(), layout::UT_ID),
        }
    }

    /// The terminal's device path, as pyutmp gives it: `/dev/` + `ut_line`.
    ///
    /// `None` when the line is not a device: empty, `~` (boot and runlevel
    /// records), or a name with a `:` (X displays such as `:0`, `ssh:notty`).
    /// A line that is already an absolute path is returned as it is.
    pub fn device(&self) -> Option<PathBuf> {
        let line = self.line_bytes();
        if line.is_empty() || line == b"~" || line.contains(&b':') {
            return None;
        }
        let line = OsStr::from_bytes(line);
        if line.as_bytes().first() == Some(&b'/') {
            return Some(PathBuf::from(line));
        }
        Some(PathBuf::from("/dev").join(line))
    }

    /// `ut_tv.tv_sec`: seconds since the Unix epoch.
    ///
    /// Where the field is 32 bits wide (glibc on x86_64 and i686), it is read as
    /// unsigned, as glibc 2.40 and later do, so times run to 2106 and never
    /// come out negative.
    #[inline]
    pub fn seconds(&self) -> i64 {
        layout::uint(self.record(), layout::TV_SEC)
    }

    /// `ut_tv.tv_usec` as stored (valid values are 0 to 999,999); 0 for a
    /// format that records whole seconds only (see [`Format::has`]).
    #[inline]
    pub fn microseconds(&self) -> i64 {
        layout::int(self.record(), layout::TV_USEC)
    }

    /// `ut_tv` as a point in time, to the microsecond.
    ///
    /// `None` when `tv_usec` is outside 0..1,000,000 or the time cannot be
    /// represented: the record's time is not a time, and no guess is made.
    pub fn time(&self) -> Option<SystemTime> {
        let usec = u32::try_from(self.microseconds())
            .ok()
            .filter(|&u| u < 1_000_000)?;
        let secs = self.seconds();
        if secs >= 0 {
            // One addition to the epoch: `usec` < 1,000,000, so its
            // nanoseconds are below 10^9 and `Duration::new` carries nothing.
            let nanos = usec.checked_mul(1_000)?;
            return UNIX_EPOCH.checked_add(Duration::new(secs.unsigned_abs(), nanos));
        }
        UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))?
            .checked_add(Duration::from_micros(u64::from(usec)))
    }

    /// `ut_exit`: how a dead process ended.
    ///
    /// `None` where the record's format has no such field (FreeBSD and macOS
    /// records): absent, never a made-up zero. glibc, musl, illumos and NetBSD
    /// records always have it.
    #[inline]
    pub fn exit_status(&self) -> Option<ExitStatus> {
        if !self.has(crate::format::Field::Exit) {
            return None;
        }
        let rec = self.record();
        let (termination, exit) = (layout::E_TERMINATION_I16?, layout::E_EXIT_I16?);
        Some(ExitStatus {
            termination: layout::i16_at(rec, termination),
            exit: layout::i16_at(rec, exit),
        })
    }

    /// `ut_session`: the session id (the width of the field is the platform's).
    ///
    /// `None` where the record's format has no such field (FreeBSD and macOS
    /// records). glibc, musl, illumos and NetBSD records always have it.
    #[inline]
    pub fn session(&self) -> Option<i64> {
        if !self.has(crate::format::Field::Session) {
            return None;
        }
        Some(layout::int(self.record(), layout::UT_SESSION?))
    }

    /// `ut_addr_v6` as its 16 bytes, in network order as stored.
    ///
    /// `None` where the record's format has no such field (FreeBSD, macOS and
    /// illumos records). glibc records always have it; all zero means no
    /// address. On NetBSD the address is read from `ut_ss` (a
    /// `sockaddr_storage`): an IPv4 address fills the first 4 bytes, IPv6 all
    /// 16, and any other family (none recorded) gives all zero.
    #[inline]
    pub fn address_bytes(&self) -> Option<[u8; 16]> {
        if !self.has(crate::format::Field::Address) {
            return None;
        }
        #[cfg(target_os = "netbsd")]
        {
            Some(crate::layout::sockaddr::address_bytes(layout::bytes(
                self.record(),
                layout::UT_SS,
            )))
        }
        #[cfg(not(target_os = "netbsd"))]
        {
            let mut out = [0u8; 16];
            let b = layout::bytes(self.record(), layout::UT_ADDR_V6?);
            if let (Some(dst), Some(src)) = (out.get_mut(..b.len()), b.get(..16.min(b.len()))) {
                dst.copy_from_slice(src);
            }
            Some(out)
        }
    }

    /// `ut_addr_v6`: the remote host's address.
    ///
    /// IPv4 when only the first 32-bit word is set (as util-linux and glibc
    /// store it), IPv6 otherwise, `None` when all zero.
    pub fn address(&self) -> Option<IpAddr> {
        ip_from_bytes(self.address_bytes()?)
    }
}

/// The address that 16 bytes of `ut_addr_v6` stand for: IPv4 when only the
/// first word is set, IPv6 otherwise, `None` when all zero.
pub(crate) fn ip_from_bytes(b: [u8; 16]) -> Option<IpAddr> {
    if b == [0; 16] {
        return None;
    }
    match b {
        [a, b, c, d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] => {
            Some(IpAddr::V4(Ipv4Addr::new(a, b, c, d)))
        }
        v6 => Some(IpAddr::V6(Ipv6Addr::from(v6))),
    }
}

/// The decimal digits of `b` followed by a dot and spaces, first byte
/// lowest, and the number of digits.
#[inline(always)]
// A u8 indexes a table of 256 entries: always in bounds; 1 + 1 + 1 at most.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
pub(crate) fn dotted(b: u8) -> (u32, usize) {
    let len = 1 + usize::from(b >= 10) + usize::from(b >= 100);
    (DOTTED[usize::from(b)], len)
}

/// `DOTTED[b]`: the decimal digits of `b`, a dot, then spaces to 4 bytes,
/// as a little-endian word.
// Evaluated at compile time: an index out of bounds would not build.
#[allow(clippy::indexing_slicing)]
const DOTTED: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut b = 0usize;
    while b < 256 {
        let mut text = [b' '; 4];
        let n = b as u8;
        let len = if n >= 100 {
            text[0] = b'0' + n / 100;
            text[1] = b'0' + n / 10 % 10;
            text[2] = b'0' + n % 10;
            3
        } else if n >= 10 {
            text[0] = b'0' + n / 10;
            text[1] = b'0' + n % 10;
            2
        } else {
            text[0] = b'0' + n;
            1
        };
        text[len] = b'.';
        table[b] = u32::from_le_bytes(text);
        b += 1;
    }
    table
};

/// An IPv4 address as std's `Display` writes it (`192.0.2.7`), without
/// `fmt`: the text is the first `len` (7 to 15) bytes of `bytes`. (For
/// serde's `address` and utmpdump's address column.)
pub(crate) struct Ipv4Text {
    bytes: [u8; 16],
    len: usize,
}

impl Ipv4Text {
    /// The text of `a`: each number as one word from [`DOTTED`] (its
    /// digits, a dot, spaces), the next written over those spaces.
    // `at` is at most 4 * 4 = 16 at the end, and 12 before the last number:
    // `at + 4` <= 16, the array's length, and the sums cannot overflow.
    #[allow(clippy::arithmetic_side_effects)]
    pub(crate) fn new(a: Ipv4Addr) -> Self {
        let mut bytes = [b' '; 16];
        let mut at = 0usize;
        for b in a.octets() {
            let (word, n) = dotted(b);
            let d = bytes.get_mut(at..).and_then(|s| s.first_chunk_mut::<4>());
            debug_assert!(d.is_some(), "{at}");
            if let Some(d) = d {
                *d = word.to_le_bytes();
            }
            at += n + 1;
        }
        // The last number's dot is not part of the text.
        Ipv4Text { bytes, len: at - 1 }
    }

    /// The text's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        let text = self.bytes.get(..self.len);
        // `len` is at most 15 (see `new`).
        debug_assert!(text.is_some(), "{}", self.len);
        text.unwrap_or(&self.bytes)
    }

    /// The text.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn as_str(&self) -> &str {
        let text = self.bytes.get(..self.len).map(std::str::from_utf8);
        // Digits and dots only, at most 15 of them.
        debug_assert!(matches!(text, Some(Ok(_))), "{:?}", self.bytes);
        match text {
            Some(Ok(text)) => text,
            _ => "",
        }
    }
}

impl<B: Borrow<RecordBytes>> fmt::Debug for Entry<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("type", &self.entry_type())
            .field("pid", &self.pid())
            .field("line", &self.line())
            .field("id", &self.id())
            .field("user", &self.user())
            .field("host", &self.host())
            .field("exit", &self.exit_status())
            .field("session", &self.session())
            .field("seconds", &self.seconds())
            .field("microseconds", &self.microseconds())
            .field("address", &self.address())
            .field("format", &self.format())
            .finish()
    }
}

impl From<EntryRef<'_>> for Entry {
    fn from(e: EntryRef<'_>) -> Self {
        e.to_entry()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{bytes_mut, set_int, RECORD_SIZE};

    fn record() -> Entry {
        let mut e = Entry::zeroed();
        let r = e.bytes_mut();
        assert!(set_int(
            r,
            layout::UT_TYPE,
            i64::from(utmp_sys::USER_PROCESS),
            false
        ));
        assert!(set_int(r, layout::UT_PID, -5, false));
        bytes_mut(r, layout::UT_USER).fill(0xff);
        bytes_mut(r, layout::UT_LINE)[..5].copy_from_slice(b"pts/3");
        bytes_mut(r, layout::UT_HOST)[..3].copy_from_slice(b"a\x01b");
        e
    }

    #[test]
    fn fields_decode_from_bytes() {
        let e = record();
        assert_eq!(e.entry_type(), EntryType::UserProcess);
        assert!(e.is_user_process());
        assert_eq!(e.pid(), -5);
        assert_eq!(e.user_bytes(), &[0xff; 32][..]);
        assert_eq!(e.user_lossy().chars().count(), 32);
        assert_eq!(e.line(), "pts/3");
        assert_eq!(e.device(), Some(PathBuf::from("/dev/pts/3")));
        assert_eq!(e.host_bytes(), b"a\x01b");
        assert_eq!(e.address(), None);
        assert_eq!(e.time(), Some(UNIX_EPOCH));
        let r = e.as_entry_ref();
        assert_eq!(r.to_entry(), e);
        assert_eq!(
            EntryRef::from_slice(&e.as_bytes()[..]).map(|r| r.pid()),
            Some(-5)
        );
        assert!(EntryRef::from_slice(&[0u8; RECORD_SIZE - 1]).is_none());
    }

    #[test]
    fn device_is_none_for_non_devices() {
        for (line, dev) in [
            (&b""[..], None),
            (b"~", None),
            (b":0", None),
            (b"ssh:notty", None),
            (b"tty1", Some("/dev/tty1")),
            (b"/dev/console", Some("/dev/console")),
        ] {
            let mut e = Entry::zeroed();
            bytes_mut(e.bytes_mut(), layout::UT_LINE)[..line.len()].copy_from_slice(line);
            assert_eq!(e.device(), dev.map(PathBuf::from), "{line:?}");
        }
    }

    #[test]
    fn time_rejects_bad_microseconds_and_reads_32_bit_seconds_unsigned() {
        let mut e = Entry::zeroed();
        assert!(set_int(e.bytes_mut(), layout::TV_USEC, 1_000_000, false));
        assert_eq!(e.time(), None);
        assert!(set_int(e.bytes_mut(), layout::TV_USEC, -1, false));
        assert_eq!(e.time(), None);
        assert!(set_int(e.bytes_mut(), layout::TV_USEC, 999_999, false));
        layout::bytes_mut(e.bytes_mut(), layout::TV_SEC).fill(0xff);
        let expected = if layout::TV_SEC.len == 4 {
            i64::from(u32::MAX)
        } else {
            -1
        };
        assert_eq!(e.seconds(), expected);
        let t = e
            .time()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs());
        if layout::TV_SEC.len == 4 {
            assert_eq!(t, Some(u64::from(u32::MAX)));
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn address_v4_v6() {
        let span = layout::UT_ADDR_V6.unwrap();
        let mut e = Entry::zeroed();
        bytes_mut(e.bytes_mut(), span)[..4].copy_from_slice(&[192, 168, 1, 2]);
        assert_eq!(e.address(), Some("192.168.1.2".parse().unwrap()));
        bytes_mut(e.bytes_mut(), span)[15] = 1;
        assert_eq!(e.address(), Some("c0a8:102::1".parse().unwrap()));
    }

    proptest::proptest! {
        #[test]
        fn ipv4_text_is_std_display(a in proptest::num::u32::ANY) {
            let a = Ipv4Addr::from(a);
            let text = Ipv4Text::new(a);
            proptest::prop_assert_eq!(text.as_str(), a.to_string());
        }
    }

    #[test]
    fn ipv4_text_of_every_length() {
        for a in [
            [0, 0, 0, 0],
            [1, 22, 133, 9],
            [255, 255, 255, 255],
            [10, 100, 0, 99],
        ] {
            let a = Ipv4Addr::from(a);
            assert_eq!(Ipv4Text::new(a).as_str(), a.to_string());
        }
    }

    #[test]
    fn absent_fields_are_none_never_zero() {
        let e = Entry::zeroed();
        let linux_like = cfg!(any(
            target_os = "linux",
            target_os = "illumos",
            target_os = "solaris",
            target_os = "netbsd"
        ));
        assert_eq!(e.exit_status().is_some(), linux_like);
        assert_eq!(e.session().is_some(), linux_like);
        assert_eq!(
            e.address_bytes().is_some(),
            cfg!(any(target_os = "linux", target_os = "netbsd"))
        );
    }

    #[test]
    fn lossy_borrows_valid_text_and_replaces_invalid_bytes() {
        assert!(matches!(lossy(b"alice"), Cow::Borrowed("alice")));
        assert!(matches!(lossy("żółw".as_bytes()), Cow::Borrowed("żółw")));
        for bad in [&b"a\xffb"[..], b"\xc3", b"x\xe2\x82", b"\x80\x80"] {
            assert_eq!(lossy(bad), String::from_utf8_lossy(bad), "{bad:?}");
            assert!(matches!(lossy(bad), Cow::Owned(_)));
        }
    }
}
