//! The one serde representation of a record (feature `serde`):
//! `Serialize` for every entry, `Deserialize` for [`Entry`]. JSON Lines
//! (`utmp::json`, feature `json`; `utmp dump --json`, `utmp undump --json`) and
//! `utmp who --json` are this representation; the format is documented once,
//! in `docs/json.md`.
//!
//! The record's bytes, as the host layout holds them (a record of another
//! [`Format`](crate::Format) is transcoded into it), always come back whole:
//! a string field is its text, plus `<name>_hex` when the text alone would
//! not give the bytes back; the bytes outside every field are `padding_hex`
//! when any of them is not zero.

use std::borrow::Borrow;
use std::fmt;
use std::net::IpAddr;

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::entry::{Entry, ExitStatus, Ipv4Text};
use crate::entry_type::{EntryType, RawEntryType};
use crate::layout::{self, RecordBytes, Span, RECORD_SIZE};
use crate::time_fmt;

/// Every field of the host's record (`None` where the host lacks one).
const FIELDS: [Option<Span>; 13] = [
    Some(layout::UT_TYPE),
    Some(layout::UT_PID),
    Some(layout::UT_LINE),
    Some(layout::UT_ID),
    Some(layout::UT_USER),
    Some(layout::UT_HOST),
    Some(layout::TV_SEC),
    Some(layout::TV_USEC),
    layout::E_TERMINATION,
    layout::E_EXIT,
    layout::UT_SESSION,
    layout::UT_ADDR_V6,
    #[cfg(target_os = "netbsd")]
    Some(layout::UT_SS),
    #[cfg(not(target_os = "netbsd"))]
    None,
];

/// At most one stretch before, between and after the fields.
const MAX_GAPS: usize = FIELDS.len() + 1;

/// The stretches of the record that no field covers, in order: `count`
/// of them at the start of `spans`.
struct Gaps {
    spans: [Span; MAX_GAPS],
    count: usize,
}

/// [`Gaps`] of the host's record, worked out by the compiler.
const GAPS: Gaps = gaps_of(&FIELDS);

/// The stretches no field of `fields` covers. Evaluated at compile time:
/// a field beyond the record (an index out of bounds) or two overlapping
/// fields stop the build.
// Indexing in a constant evaluation cannot fail at run time: out of bounds
// is a compile error, which is the check wanted here.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn gaps_of(fields: &[Option<Span>]) -> Gaps {
    let mut covered = [false; RECORD_SIZE];
    let mut f = 0;
    while f < fields.len() {
        if let Some(span) = fields[f] {
            let mut at = span.offset;
            while at < span.offset + span.len {
                assert!(!covered[at], "two fields of the record overlap");
                covered[at] = true;
                at += 1;
            }
        }
        f += 1;
    }
    let empty = Span { offset: 0, len: 0 };
    let mut gaps = Gaps {
        spans: [empty; MAX_GAPS],
        count: 0,
    };
    let mut at = 0;
    while at < RECORD_SIZE {
        if !covered[at] {
            let start = at;
            while at < RECORD_SIZE && !covered[at] {
                at += 1;
            }
            gaps.spans[gaps.count] = Span {
                offset: start,
                len: at - start,
            };
            gaps.count += 1;
        }
        at += 1;
    }
    gaps
}

const _: () = assert!(GAPS.count <= MAX_GAPS);

/// The gaps of the host's record (see [`Gaps`]).
pub(crate) fn gaps() -> &'static [Span] {
    // In bounds: the constant assertion above.
    #[allow(clippy::indexing_slicing)]
    &GAPS.spans[..GAPS.count]
}

/// The names of a record's members, spelled once: the `Serialize` impl
/// below and `json`'s fast line writer (which builds its constant text
/// from them) both take them from here. The order is the impl's; the
/// fast writer's tests hold its lines equal to the impl's, byte for byte.
pub(crate) mod member {
    pub(crate) const TYPE: &str = "type";
    pub(crate) const TYPE_RAW: &str = "type_raw";
    pub(crate) const PID: &str = "pid";
    pub(crate) const LINE: &str = "line";
    pub(crate) const LINE_HEX: &str = "line_hex";
    pub(crate) const ID: &str = "id";
    pub(crate) const ID_HEX: &str = "id_hex";
    pub(crate) const USER: &str = "user";
    pub(crate) const USER_HEX: &str = "user_hex";
    pub(crate) const HOST: &str = "host";
    pub(crate) const HOST_HEX: &str = "host_hex";
    pub(crate) const ADDRESS: &str = "address";
    pub(crate) const TIME: &str = "time";
    pub(crate) const SECONDS: &str = "seconds";
    pub(crate) const MICROSECONDS: &str = "microseconds";
    pub(crate) const EXIT: &str = "exit";
    pub(crate) const SESSION: &str = "session";
    pub(crate) const PADDING_HEX: &str = "padding_hex";
    /// The members of `exit`: [`ExitStatus`](crate::ExitStatus)'s derived
    /// `Serialize` names them after its fields (a test holds them equal).
    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    pub(crate) const EXIT_TERMINATION: &str = "termination";
    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    pub(crate) const EXIT_EXIT: &str = "exit";
}

/// True when every byte outside the fields is zero (no `padding_hex`): a
/// few words of the record, each with the mask of its padding bytes.
#[inline]
pub(crate) fn padding_is_zero(rec: &RecordBytes) -> bool {
    let PaddingWords { words, count } = PADDING_WORDS;
    let mut any = 0u64;
    for &(at, mask) in words.iter().take(count) {
        // `at + 8 <= RECORD_SIZE`: `padding_words` makes it so.
        let word = rec.get(at..).and_then(|r| r.first_chunk::<8>());
        debug_assert!(word.is_some(), "{at}");
        any |= u64::from_le_bytes(word.copied().unwrap_or_default()) & mask;
    }
    any == 0
}

/// The 8-byte words of the record that hold padding: `count` of them, each
/// as (offset, mask of its padding bytes, the first byte lowest).
struct PaddingWords {
    words: [(usize, u64); RECORD_SIZE.div_ceil(8)],
    count: usize,
}

const _: () = assert!(RECORD_SIZE >= 8, "a record of at least one word");

/// [`PaddingWords`] of the host's record, worked out by the compiler.
const PADDING_WORDS: PaddingWords = padding_words(&GAPS);

/// The words over `gaps`: one every 8 bytes, the last ending at the
/// record's end (overlapping the one before when the record's size is not
/// a multiple of 8), only those with a padding byte.
// Evaluated at compile time: an index out of bounds would not build.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn padding_words(gaps: &Gaps) -> PaddingWords {
    let mut padding = [false; RECORD_SIZE];
    let mut g = 0;
    while g < gaps.count {
        let span = gaps.spans[g];
        let mut at = span.offset;
        while at < span.offset + span.len {
            padding[at] = true;
            at += 1;
        }
        g += 1;
    }
    let mut out = PaddingWords {
        words: [(0, 0); RECORD_SIZE.div_ceil(8)],
        count: 0,
    };
    let mut w = 0;
    while w < RECORD_SIZE.div_ceil(8) {
        let at = if w * 8 + 8 <= RECORD_SIZE {
            w * 8
        } else {
            RECORD_SIZE - 8
        };
        let mut mask = 0u64;
        let mut i = 0;
        while i < 8 {
            if padding[at + i] {
                mask |= 0xff << (8 * i);
            }
            i += 1;
        }
        if mask != 0 {
            out.words[out.count] = (at, mask);
            out.count += 1;
        }
        w += 1;
    }
    out
}

/// The string fields: the name of their text, of their exact bytes, and
/// their span.
pub(crate) const STRINGS: [(&str, &str, Span); 4] = [
    (member::LINE, member::LINE_HEX, layout::UT_LINE),
    (member::ID, member::ID_HEX, layout::UT_ID),
    (member::USER, member::USER_HEX, layout::UT_USER),
    (member::HOST, member::HOST_HEX, layout::UT_HOST),
];

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Bytes serialized as lowercase hexadecimal text.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // In pieces of 32 bytes, each written as one `str`.
        for piece in self.0.chunks(32) {
            let mut text = [b'0'; 64];
            for (pair, &b) in text.chunks_exact_mut(2).zip(piece) {
                // Both indexes are below 16, the table's length.
                #[allow(clippy::indexing_slicing)]
                pair.copy_from_slice(&[
                    HEX_DIGITS[usize::from(b >> 4)],
                    HEX_DIGITS[usize::from(b & 0xf)],
                ]);
            }
            let digits = text.get(..piece.len().saturating_mul(2)).unwrap_or(&[]);
            // Hex digits are ASCII.
            f.write_str(std::str::from_utf8(digits).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

impl Serialize for Hex<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The bytes outside every field of a record ([`gaps`]), in order, as
/// lowercase hexadecimal text (without copying them together first).
struct Padding<'a>(&'a RecordBytes);

impl fmt::Display for Padding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        gaps()
            .iter()
            .try_for_each(|&g| Hex(layout::bytes(self.0, g)).fmt(f))
    }
}

impl Serialize for Padding<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An address serialized as its `Display` text, without a `String`
/// between (an IPv4 address, the common one, without `fmt` either).
struct AddressText(IpAddr);

impl Serialize for AddressText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            IpAddr::V4(a) => s.serialize_str(Ipv4Text::new(a).as_str()),
            IpAddr::V6(_) => s.collect_str(&self.0),
        }
    }
}

/// Serializes a string field: its text up to the first NUL (invalid UTF-8
/// replaced by U+FFFD), and also its whole array in hex when that text does
/// not give the bytes back (not UTF-8, or bytes after the NUL).
#[inline(always)]
fn string_field<S: SerializeStruct>(
    st: &mut S,
    (name, hex_name, span): (&'static str, &'static str, Span),
    rec: &RecordBytes,
) -> Result<(), S::Error> {
    let field = layout::bytes(rec, span);
    let (text, rest) = field.split_at(layout::nul_len(field));
    // No early exit: the compiler checks all the bytes at once (SIMD), which
    // is faster over the 256 bytes of ut_host than stopping at the first.
    let exact = rest.iter().fold(0, |any, &b| any | b) == 0;
    match std::str::from_utf8(text) {
        Ok(text) => st.serialize_field(name, text)?,
        Err(_) => {
            st.serialize_field(name, &String::from_utf8_lossy(text))?;
            return st.serialize_field(hex_name, &Hex(field));
        }
    }
    if exact {
        st.skip_field(hex_name)
    } else {
        st.serialize_field(hex_name, &Hex(field))
    }
}

impl<B: Borrow<RecordBytes>> Serialize for Entry<B> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rec = self.as_bytes();
        let mut st = s.serialize_struct("Entry", 16)?;
        st.serialize_field(member::TYPE, self.type_name())?;
        st.serialize_field(member::TYPE_RAW, &self.raw_type())?;
        st.serialize_field(member::PID, &self.pid())?;
        for string in STRINGS {
            string_field(&mut st, string, rec)?;
        }
        st.serialize_field(member::ADDRESS, &self.address().map(AddressText))?;
        let (seconds, micros) = (self.seconds(), self.microseconds());
        let time = u32::try_from(micros)
            .ok()
            .and_then(|us| time_fmt::Rfc3339::utc(seconds, us));
        st.serialize_field(member::TIME, &time.as_ref().map(time_fmt::Rfc3339::as_str))?;
        st.serialize_field(member::SECONDS, &seconds)?;
        st.serialize_field(member::MICROSECONDS, &micros)?;
        st.serialize_field(member::EXIT, &self.exit_status())?;
        st.serialize_field(member::SESSION, &self.session())?;
        if !padding_is_zero(rec) {
            st.serialize_field(member::PADDING_HEX, &Padding(rec))?;
        } else {
            st.skip_field(member::PADDING_HEX)?;
        }
        st.end()
    }
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u8> {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    }
    let s = s.as_bytes();
    if s.len() % 2 != 0 {
        return None;
    }
    s.chunks_exact(2)
        .map(|p| match *p {
            [hi, lo] => Some(val(hi)? << 4 | val(lo)?),
            _ => None,
        })
        .collect()
}

/// Exact bytes, read from hexadecimal text.
struct HexBytes(Vec<u8>);

impl<'de> Deserialize<'de> for HexBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        from_hex(&text).map(HexBytes).ok_or_else(|| {
            de::Error::invalid_value(de::Unexpected::Str(&text), &"an even number of hex digits")
        })
    }
}

/// The serialized shape, every key optional; other keys are ignored.
#[derive(serde::Deserialize)]
struct Repr {
    #[serde(rename = "type")]
    type_name: Option<String>,
    type_raw: Option<RawEntryType>,
    pid: Option<i32>,
    line: Option<String>,
    line_hex: Option<HexBytes>,
    id: Option<String>,
    id_hex: Option<HexBytes>,
    user: Option<String>,
    user_hex: Option<HexBytes>,
    host: Option<String>,
    host_hex: Option<HexBytes>,
    address: Option<String>,
    time: Option<String>,
    seconds: Option<i64>,
    microseconds: Option<i64>,
    exit: Option<ExitStatus>,
    session: Option<i64>,
    padding_hex: Option<HexBytes>,
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Repr::deserialize(d)?
            .into_entry()
            .map_err(de::Error::custom)
    }
}

impl Repr {
    fn into_entry(self) -> Result<Entry, String> {
        let mut entry = Entry::zeroed();
        let rec = entry.bytes_mut();
        if let Some(padding) = self.padding_hex {
            put_padding(rec, &padding.0)?;
        }
        put_type(rec, self.type_raw, self.type_name.as_deref())?;
        set_int(
            rec,
            "pid",
            layout::UT_PID,
            i64::from(self.pid.unwrap_or(0)),
            false,
        )?;
        let strings = [
            (self.line, self.line_hex),
            (self.id, self.id_hex),
            (self.user, self.user_hex),
            (self.host, self.host_hex),
        ];
        for ((name, _, span), (text, hex)) in STRINGS.into_iter().zip(strings) {
            // The exact bytes win over the text (which shows them lossily).
            let value = match (hex, text) {
                (Some(hex), _) => hex.0,
                (None, Some(text)) => text.into_bytes(),
                (None, None) => continue,
            };
            put_bytes(rec, name, span, &value)?;
        }
        if let Some(addr) = self.address {
            let addr: IpAddr = addr.parse().map_err(|e| format!("address {addr:?}: {e}"))?;
            if !layout::set_address(rec, Some(addr)) {
                return Err(format!(
                    "address {addr}: this system's record has no address field"
                ));
            }
        }
        put_time(rec, self.seconds, self.microseconds, self.time.as_deref())?;
        let exit = self.exit.unwrap_or(ExitStatus {
            termination: 0,
            exit: 0,
        });
        let termination = i64::from(exit.termination);
        set_opt_int(rec, "exit.termination", layout::E_TERMINATION, termination)?;
        set_opt_int(rec, "exit.exit", layout::E_EXIT, i64::from(exit.exit))?;
        let session = self.session.unwrap_or(0);
        set_opt_int(rec, "session", layout::UT_SESSION, session)?;
        Ok(entry)
    }
}

/// The bytes outside every field, in order; fewer than the gaps hold leave
/// the rest zero.
fn put_padding(rec: &mut RecordBytes, padding: &[u8]) -> Result<(), String> {
    let mut rest = padding;
    for &gap in gaps() {
        let take = gap.len.min(rest.len());
        let (now, later) = rest.split_at(take);
        // In bounds: `take` is at most the gap's length.
        #[allow(clippy::indexing_slicing)]
        layout::bytes_mut(rec, gap)[..take].copy_from_slice(now);
        rest = later;
    }
    if rest.is_empty() {
        Ok(())
    } else {
        let room: usize = gaps().iter().map(|g| g.len).sum();
        Err(format!(
            "padding_hex: {} bytes do not fit in {room}",
            padding.len()
        ))
    }
}

/// `ut_type`: `type_raw` when given (then `type` is only its name, as the
/// record's own system numbers it), else the number of the name `type`.
fn put_type(
    rec: &mut RecordBytes,
    raw: Option<RawEntryType>,
    name: Option<&str>,
) -> Result<(), String> {
    let raw = match (raw, name) {
        (Some(raw), _) => raw,
        (None, None) => 0,
        (None, Some(name)) => {
            let named = name
                .parse::<EntryType>()
                .map_err(|e| format!("type: {e} (give type_raw)"))?;
            named
                .raw()
                .ok_or_else(|| format!("type {named} has no value on this system"))?
        }
    };
    set_int(rec, "type_raw", layout::UT_TYPE, i64::from(raw), false)
}

/// A string field's bytes; fewer than the field holds leave the rest zero.
fn put_bytes(rec: &mut RecordBytes, name: &str, span: Span, value: &[u8]) -> Result<(), String> {
    let out = layout::bytes_mut(rec, span);
    let room = out.len();
    match out.get_mut(..value.len()) {
        Some(dst) => {
            dst.copy_from_slice(value);
            Ok(())
        }
        None => Err(format!(
            "{name}: {} bytes do not fit in {room}",
            value.len()
        )),
    }
}

/// `ut_tv`: `seconds` and `microseconds` when either is given (a missing one
/// is 0; `time`, when also given, must say the same), else `time`.
fn put_time(
    rec: &mut RecordBytes,
    seconds: Option<i64>,
    micros: Option<i64>,
    time: Option<&str>,
) -> Result<(), String> {
    let parsed = match time {
        Some(t) => Some(
            time_fmt::parse_rfc3339(t)
                .ok_or_else(|| format!("time {t:?} is not an RFC 3339 time"))?,
        ),
        None => None,
    };
    let (seconds, micros) = match (seconds, micros, parsed) {
        (None, None, Some((s, us))) => (s, i64::from(us)),
        (s, us, parsed) => {
            let (s, us) = (s.unwrap_or(0), us.unwrap_or(0));
            if let (Some((ts, tus)), Some(t)) = (parsed, time) {
                if (ts, i64::from(tus)) != (s, us) {
                    return Err(format!(
                        "time {t:?} disagrees with seconds {s} and microseconds {us}"
                    ));
                }
            }
            (s, us)
        }
    };
    let unsigned_secs = layout::TV_SEC.len < 8;
    set_int(rec, "seconds", layout::TV_SEC, seconds, unsigned_secs)?;
    set_int(rec, "microseconds", layout::TV_USEC, micros, false)
}

/// A signed field the host's record may lack (FreeBSD, macOS): there, only 0
/// (what an absent field serializes as, or its absence) is accepted.
fn set_opt_int(
    rec: &mut RecordBytes,
    name: &str,
    span: Option<Span>,
    value: i64,
) -> Result<(), String> {
    match span {
        Some(span) => set_int(rec, name, span, value, false),
        None if value == 0 => Ok(()),
        None => Err(format!(
            "{name} {value}: this system's record has no such field"
        )),
    }
}

fn set_int(
    rec: &mut RecordBytes,
    name: &str,
    span: Span,
    value: i64,
    unsigned: bool,
) -> Result<(), String> {
    if layout::set_int(rec, span, value, unsigned) {
        Ok(())
    } else {
        let (lo, hi) = layout::int_range(span, unsigned);
        Err(format!("{name}: {value} is outside {lo}..={hi}"))
    }
}

/// A wtmpdb row (`utmp last --follow --json` on a database): the names of
/// the entry's members for the same things (`type_raw`, `user`, `line`,
/// `host`, RFC 3339 `login`/`logout` as the entry's `time`), the row's own
/// `id` and `service`, and the exact `login_us`/`logout_us` (microseconds
/// since the epoch, as wtmpdb stores them). Text is lossy UTF-8; a missing
/// column is `null`.
#[cfg(target_os = "linux")]
impl Serialize for crate::wtmpdb::Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        fn text(b: Option<&[u8]>) -> Option<std::borrow::Cow<'_, str>> {
            b.map(String::from_utf8_lossy)
        }
        let mut st = s.serialize_struct("Row", 10)?;
        st.serialize_field("id", &self.id())?;
        st.serialize_field("type_raw", &self.row_type().raw())?;
        st.serialize_field("user", &String::from_utf8_lossy(self.user()))?;
        st.serialize_field("line", &text(self.tty()))?;
        st.serialize_field("host", &text(self.host()))?;
        st.serialize_field("service", &text(self.service()))?;
        let login = self.login_micros();
        let (login_text, logout_text) = (
            rfc3339_of_micros(login),
            self.logout_micros().and_then(rfc3339_of_micros),
        );
        st.serialize_field("login", &login_text.as_ref().map(time_fmt::Rfc3339::as_str))?;
        st.serialize_field(
            "logout",
            &logout_text.as_ref().map(time_fmt::Rfc3339::as_str),
        )?;
        st.serialize_field("login_us", &login)?;
        st.serialize_field("logout_us", &self.logout_micros())?;
        st.end()
    }
}

/// [`time_fmt::Rfc3339::utc`] of microseconds since the epoch.
#[cfg(target_os = "linux")]
fn rfc3339_of_micros(micros: i64) -> Option<time_fmt::Rfc3339> {
    // Euclidean division by a positive constant cannot overflow.
    #[allow(clippy::arithmetic_side_effects)]
    let (seconds, us) = (micros.div_euclid(1_000_000), micros.rem_euclid(1_000_000));
    // 0 <= us < 1,000,000: always a u32.
    let us = u32::try_from(us);
    debug_assert!(us.is_ok(), "{us:?}");
    time_fmt::Rfc3339::utc(seconds, us.ok()?)
}

#[cfg(test)]
mod tests;
