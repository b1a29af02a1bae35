//! JSON Lines (feature `json`): one record per line, in the crate's one
//! serde representation of a record (the `serde` feature's), read with
//! `serde_json` and written through that same `Serialize` by `LineWriter`, a
//! serializer that writes serde_json's bytes for it without serde_json's
//! per-byte work. A record of the common shape (printable ASCII text, no
//! padding, a time of 1970 to 2106...) is written faster still, a block at
//! a time, by the `fast` module's line writer, which leaves every other
//! record to `LineWriter`. The tests hold both to serde_json's bytes.
//!
//! Every field is readable for people and scripts, and the exact bytes sit
//! beside a field only when its text would lose some, so dumping a file to
//! JSON Lines and reading it back gives the same file, byte for byte,
//! whatever it holds ([`push_json`] and [`write_json`] one way,
//! [`parse_json_line`] and [`JsonReader`] back; `utmp dump --json` and
//! `utmp undump --json`). This is the crate's own format, not another
//! tool's text (those are in [`layouts`](crate::layouts)). The members and
//! how they are read back are in `docs/json.md` (in the repository; the
//! crate docs' "Serialization" section says the same in short).

mod fast;

use std::borrow::Borrow;
use std::cell::RefCell;
use std::io::{self, BufRead, Write};

use serde::Serialize;

use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::layout::RecordBytes;
use crate::layouts::utmpdump::{DateText, InPlaceLines};

/// Appends the JSON Lines object of `entry`, newline included, to `buf`.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::{EntryBuilder, EntryType};
/// let entry = EntryBuilder::new(EntryType::UserProcess).user("alice").seconds(1).build()?;
/// let mut line = Vec::new();
/// utmp::json::push_json(&entry, &mut line);
/// let text = String::from_utf8_lossy(&line);
/// assert!(text.starts_with(r#"{"type":"USER_PROCESS","type_raw":7,"pid":0,"line":"","#));
/// assert!(text.contains(r#""time":"1970-01-01T00:00:01.000000Z","seconds":1,"microseconds":0,"#));
/// assert!(!text.contains("_hex"), "the text says it all");
/// assert_eq!(utmp::json::parse_json_line(&line)?, entry);
/// # Ok(()) }
/// ```
pub fn push_json<B: Borrow<RecordBytes>>(entry: &Entry<B>, buf: &mut Vec<u8>) {
    if !push_fast(entry, buf) {
        push_general(entry, buf);
    }
}

/// Lines of JSON in a buffer of their own: the same lines as
/// [`push_json`], each written in place at the end of the buffer (no copy,
/// no thread-local room): what `utmp dump --json` uses. Reuse one buffer
/// (clear it after handing its text on): it keeps its memory and its day.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::json::{push_json, JsonBuffer};
/// use utmp::{EntryBuilder, EntryType};
/// let entry = EntryBuilder::new(EntryType::UserProcess)
///     .user("alice")
///     .seconds(1_700_000_000)
///     .build()?;
/// let mut text = JsonBuffer::new();
/// text.push(&entry);
/// let mut line = Vec::new();
/// push_json(&entry, &mut line);
/// assert_eq!(text.as_bytes(), line);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct JsonBuffer {
    text: InPlaceLines,
    /// The UTC day of the last line and its date text.
    day: Option<DateText>,
    /// A line of uncommon shape, from the general path.
    scratch: Vec<u8>,
}

impl JsonBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the JSON line of `entry`, as [`push_json`] writes it.
    #[inline]
    pub fn push<B: Borrow<RecordBytes>>(&mut self, entry: &Entry<B>) {
        let window = self.text.window::<{ fast::WINDOW }>();
        match window.and_then(|w| fast::write_line(entry, &mut self.day, w)) {
            Some(n) => self.text.advance(n),
            None => self.push_slow(entry),
        }
    }

    /// A line through the general path, copied in.
    #[cold]
    fn push_slow<B: Borrow<RecordBytes>>(&mut self, entry: &Entry<B>) {
        self.scratch.clear();
        push_general(entry, &mut self.scratch);
        self.text.push_slice(&self.scratch);
    }

    /// The lines written since the buffer was made or cleared.
    pub fn as_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The length of the text, in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// True when no line was written since the buffer was made or cleared.
    pub fn is_empty(&self) -> bool {
        self.text.len() == 0
    }

    /// Forgets the text, keeping the memory (and the last day).
    pub fn clear(&mut self) {
        self.text.clear();
    }
}

/// What the fast writer keeps on each thread: the room it writes a line in
/// (written over by each line, never cleared), and the UTC day of the last
/// line with its date text (records come in time order, many a day).
struct FastLines {
    window: [u8; fast::WINDOW],
    day: Option<DateText>,
}

thread_local! {
    static FAST_LINES: RefCell<FastLines> = const {
        RefCell::new(FastLines {
            window: [0; fast::WINDOW],
            day: None,
        })
    };
}

/// The line of a common record through [`fast::write_line`], written in
/// the thread's window and copied to `buf`; false, with nothing appended,
/// for a record left to [`push_general`].
#[inline]
fn push_fast<B: Borrow<RecordBytes>>(entry: &Entry<B>, buf: &mut Vec<u8>) -> bool {
    // `write_line` calls nothing that borrows `FAST_LINES`, so the borrow
    // always succeeds; where it could not (a thread's storage already gone,
    // at its exit), the general path writes the line.
    FAST_LINES
        .try_with(|lines| {
            let Ok(mut lines) = lines.try_borrow_mut() else {
                return false;
            };
            let FastLines { window, day } = &mut *lines;
            let line = fast::write_line(entry, day, window).and_then(|n| window.get(..n));
            if let Some(line) = line {
                buf.extend_from_slice(line);
            }
            line.is_some()
        })
        .unwrap_or(false)
}

/// The line of any record: the record's `Serialize` impl through
/// [`LineWriter`], and the newline.
#[cold]
fn push_general<B: Borrow<RecordBytes>>(entry: &Entry<B>, buf: &mut Vec<u8>) {
    let start = buf.len();
    if entry.serialize(&mut LineWriter { out: buf }).is_err() {
        // The record's `Serialize` used something the line writer leaves to
        // serde_json (it does not: the tests prove every record's line equal
        // to serde_json's); serde_json writes the line instead.
        debug_assert!(false, "the line writer refused a record");
        buf.truncate(start);
        push_json_serde_json(entry, buf);
    }
    buf.push(b'\n');
}

/// The record's JSON as serde_json writes it (no newline): what
/// [`LineWriter`] must write, byte for byte.
fn push_json_serde_json<B: Borrow<RecordBytes>>(entry: &Entry<B>, buf: &mut Vec<u8>) {
    let written = serde_json::to_writer(&mut *buf, entry);
    // Writing to a `Vec` cannot fail, and the record's `Serialize` makes no
    // error of its own (no map keys that are not strings, no floats).
    debug_assert!(written.is_ok(), "JSON of a record failed: {written:?}");
}

/// Writes the JSON Lines object of `entry` (see [`push_json`]).
///
/// # Errors
///
/// The writer's error.
pub fn write_json<B: Borrow<RecordBytes>, W: Write + ?Sized>(
    entry: &Entry<B>,
    out: &mut W,
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(512);
    push_json(entry, &mut buf);
    out.write_all(&buf)
}

/// Parses one line of JSON Lines back into a record: one JSON object in
/// the format of `docs/json.md`, every member optional, unknown members
/// ignored.
///
/// # Errors
///
/// [`Error::Parse`] (with line number 1) when the line is not one JSON object,
/// a member has the wrong type, or a value does not fit its field.
pub fn parse_json_line(line: impl AsRef<[u8]>) -> Result<Entry> {
    parse_line(line.as_ref()).map_err(|message| Error::Parse { line: 1, message })
}

fn parse_line(line: &[u8]) -> std::result::Result<Entry, String> {
    serde_json::from_slice(line).map_err(|e| e.to_string())
}

/// Records from JSON Lines text, one object per line; blank lines are
/// skipped.
///
/// A line that does not parse yields an [`Error::Parse`] with its line
/// number, and reading goes on; an I/O error ends the iteration.
#[derive(Debug)]
pub struct JsonReader<R> {
    inner: R,
    line: Vec<u8>,
    line_no: u64,
    done: bool,
}

impl<R: BufRead> JsonReader<R> {
    /// A reader of JSON Lines records from `inner`.
    pub fn new(inner: R) -> Self {
        JsonReader {
            inner,
            line: Vec::with_capacity(1024),
            line_no: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for JsonReader<R> {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.line.clear();
            match self.inner.read_until(b'\n', &mut self.line) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    self.line_no = self.line_no.saturating_add(1);
                    if self.line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let line_no = self.line_no;
                    return Some(parse_line(&self.line).map_err(|message| Error::Parse {
                        line: line_no,
                        message,
                    }));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(Error::io(None, e)));
                }
            }
        }
        None
    }
}

impl<R: BufRead> std::iter::FusedIterator for JsonReader<R> {}

/// The JSON Lines writer: a serde `Serializer` for what a record's
/// `Serialize` uses (a struct of integers, strings, `null`s and one nested
/// struct), writing straight into the line's buffer: member names that need
/// no escaping copied as they are, strings checked for escapes all at once
/// and copied whole, integers without `fmt`. Its bytes are serde_json's
/// compact output (`escaping_agrees_with_serde_json` and the tests beside
/// `push_json` hold it to that); anything else (floats, sequences, maps) is
/// [`Refused`], and `push_json` lets serde_json write that line.
struct LineWriter<'a> {
    out: &'a mut Vec<u8>,
}

/// What [`LineWriter`] leaves to serde_json.
#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("left to serde_json")
    }
}

impl std::error::Error for Refused {}

impl serde::ser::Error for Refused {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Refused
    }
}

/// Whether serde_json escapes a byte of `s`: the C0 controls, `"` and `\`.
#[inline(always)]
fn any_escaped(s: &[u8]) -> bool {
    // No early exit and no branch per byte: the compiler checks the bytes
    // many at a time.
    s.iter().fold(0u8, |any, &b| {
        any | u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\')
    }) != 0
}

/// `s` as the inside of a JSON string, escaped as serde_json escapes it.
#[inline(always)]
fn push_str_contents(out: &mut Vec<u8>, s: &str) {
    if !any_escaped(s.as_bytes()) {
        out.extend_from_slice(s.as_bytes());
    } else {
        push_escaped(out, s.as_bytes());
    }
}

/// The slow path of [`push_str_contents`], byte by byte: `\"`, `\\`, the
/// short escapes of serde_json (`\b \t \n \f \r`), `\u00xx` for the other
/// controls; every other byte (UTF-8 included) as it is.
#[cold]
fn push_escaped(out: &mut Vec<u8>, s: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            // Both indexes are below 16: b < 0x20 here.
            #[allow(clippy::indexing_slicing)]
            0..=0x1f => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]),
            _ => out.push(b),
        }
    }
}

/// `n` in decimal, as serde_json (itoa) writes it.
#[inline]
fn push_u64(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let len = crate::clock::decimal_len(n);
    crate::clock::write_decimal(&mut digits, n, len);
    // `decimal_len` is at most 20, the array's length.
    out.extend_from_slice(digits.get(..len).unwrap_or(&digits));
}

/// `n` in decimal, a `-` before a negative one.
#[inline]
fn push_i64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    push_u64(out, n.unsigned_abs());
}

/// The members of an object being written; `first` until one is.
struct Members<'b, 'a> {
    writer: &'b mut LineWriter<'a>,
    first: bool,
}

impl serde::ser::SerializeStruct for Members<'_, '_> {
    type Ok = ();
    type Error = Refused;

    // Always inlined: the member's name is then a constant, checked and
    // copied at compile time.
    #[inline(always)]
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> std::result::Result<(), Refused> {
        let out = &mut *self.writer.out;
        if self.first {
            self.first = false;
            out.push(b'"');
        } else {
            out.extend_from_slice(b",\"");
        }
        push_str_contents(out, key);
        out.extend_from_slice(b"\":");
        value.serialize(&mut *self.writer)
    }

    #[inline]
    fn end(self) -> std::result::Result<(), Refused> {
        self.writer.out.push(b'}');
        Ok(())
    }
}

/// Writes `$ty` values as decimal integers through `$push` and `$wide`.
macro_rules! integers {
    ($($method:ident: $ty:ty => $push:ident as $wide:ty),* $(,)?) => {
        $(
            #[inline]
            fn $method(self, v: $ty) -> std::result::Result<(), Refused> {
                $push(self.out, <$wide>::from(v));
                Ok(())
            }
        )*
    };
}

impl<'b, 'a> serde::Serializer for &'b mut LineWriter<'a> {
    type Ok = ();
    type Error = Refused;
    type SerializeSeq = serde::ser::Impossible<(), Refused>;
    type SerializeTuple = serde::ser::Impossible<(), Refused>;
    type SerializeTupleStruct = serde::ser::Impossible<(), Refused>;
    type SerializeTupleVariant = serde::ser::Impossible<(), Refused>;
    type SerializeMap = serde::ser::Impossible<(), Refused>;
    type SerializeStruct = Members<'b, 'a>;
    type SerializeStructVariant = serde::ser::Impossible<(), Refused>;

    integers! {
        serialize_i8: i8 => push_i64 as i64,
        serialize_i16: i16 => push_i64 as i64,
        serialize_i32: i32 => push_i64 as i64,
        serialize_i64: i64 => push_i64 as i64,
        serialize_u8: u8 => push_u64 as u64,
        serialize_u16: u16 => push_u64 as u64,
        serialize_u32: u32 => push_u64 as u64,
        serialize_u64: u64 => push_u64 as u64,
    }

    fn serialize_bool(self, v: bool) -> std::result::Result<(), Refused> {
        self.out
            .extend_from_slice(if v { b"true" as &[u8] } else { b"false" });
        Ok(())
    }

    fn serialize_f32(self, _: f32) -> std::result::Result<(), Refused> {
        Err(Refused)
    }

    fn serialize_f64(self, _: f64) -> std::result::Result<(), Refused> {
        Err(Refused)
    }

    fn serialize_char(self, v: char) -> std::result::Result<(), Refused> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    #[inline]
    fn serialize_str(self, v: &str) -> std::result::Result<(), Refused> {
        self.out.push(b'"');
        push_str_contents(self.out, v);
        self.out.push(b'"');
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> std::result::Result<(), Refused> {
        Err(Refused)
    }

    #[inline]
    fn serialize_none(self) -> std::result::Result<(), Refused> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    #[inline]
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> std::result::Result<(), Refused> {
        v.serialize(self)
    }

    fn serialize_unit(self) -> std::result::Result<(), Refused> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _: &'static str) -> std::result::Result<(), Refused> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> std::result::Result<(), Refused> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> std::result::Result<(), Refused> {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> std::result::Result<(), Refused> {
        Err(Refused)
    }

    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self::SerializeSeq, Refused> {
        Err(Refused)
    }

    fn serialize_tuple(self, _: usize) -> std::result::Result<Self::SerializeTuple, Refused> {
        Err(Refused)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, Refused> {
        Err(Refused)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, Refused> {
        Err(Refused)
    }

    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self::SerializeMap, Refused> {
        Err(Refused)
    }

    #[inline]
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Members<'b, 'a>, Refused> {
        self.out.push(b'{');
        Ok(Members {
            writer: self,
            first: true,
        })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, Refused> {
        Err(Refused)
    }

    /// `Display` text (an address, hex digits) escaped piece by piece, as
    /// serde_json does, with no `String` between.
    fn collect_str<T: ?Sized + std::fmt::Display>(self, v: &T) -> std::result::Result<(), Refused> {
        struct Escaping<'c>(&'c mut Vec<u8>);
        impl std::fmt::Write for Escaping<'_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                push_str_contents(self.0, s);
                Ok(())
            }
        }
        use std::fmt::Write as _;
        self.out.push(b'"');
        write!(Escaping(self.out), "{v}").map_err(|_| Refused)?;
        self.out.push(b'"');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::EntryBuilder;
    use crate::entry::ExitStatus;
    use crate::entry_type::EntryType;
    use crate::layout::{self, RECORD_SIZE};
    use proptest::strategy::Strategy as _;

    fn json_of(e: &Entry) -> String {
        let mut buf = Vec::new();
        push_json(e, &mut buf);
        String::from_utf8(buf).unwrap()
    }

    /// The line writer's line and serde_json's, for the same record.
    fn both_lines<B: Borrow<RecordBytes>>(e: &Entry<B>) -> (String, String) {
        let mut fast = Vec::new();
        push_json(e, &mut fast);
        let mut reference = Vec::new();
        push_json_serde_json(e, &mut reference);
        reference.push(b'\n');
        (
            String::from_utf8(fast).unwrap(),
            String::from_utf8(reference).unwrap(),
        )
    }

    /// The fast writer's line for `e` (`day`: its day cache), or `None`
    /// when it leaves `e` to the general path.
    fn fast_line<B: Borrow<RecordBytes>>(
        e: &Entry<B>,
        day: &mut Option<DateText>,
    ) -> Option<String> {
        let mut window = [0u8; fast::WINDOW];
        let n = fast::write_line(e, day, &mut window)?;
        Some(String::from_utf8(window[..n].to_vec()).unwrap())
    }

    /// `serde_json::to_vec` of `e`, and the newline.
    fn serde_json_line<B: Borrow<RecordBytes>>(e: &Entry<B>) -> String {
        let mut line = serde_json::to_vec(e).unwrap();
        line.push(b'\n');
        String::from_utf8(line).unwrap()
    }

    /// Whether the fast writer leaves an address to the general path: one
    /// with an IPv4 part (`::a.b.c.d`, `::ffff:a.b.c.d`; see
    /// `Line::put_ipv6_groups`).
    fn address_falls_back(a: Option<std::net::IpAddr>) -> bool {
        match a {
            Some(std::net::IpAddr::V6(a)) => {
                let w = a.segments();
                w[..5] == [0; 5] && ((w[5] == 0 && w[6] != 0) || w[5] == 0xffff)
            }
            _ => false,
        }
    }

    /// A record of the common shape: the fast writer writes it.
    fn common_record() -> Entry {
        EntryBuilder::new(EntryType::UserProcess)
            .pid(344)
            .line("pts/0")
            .id("ts/0")
            .user("alice")
            .host("10.178.119.15")
            .address(Some("10.178.119.15".parse().unwrap()))
            .seconds(1_600_000_497)
            .microseconds(221_177)
            .session(344)
            .build()
            .unwrap()
    }

    #[test]
    fn unusual_records_fall_back_to_the_general_path() {
        let common = common_record();
        let mut day = None;
        assert_eq!(fast_line(&common, &mut day), Some(serde_json_line(&common)));
        let (cases, skipped) = unusual_records(common);
        for (name, e) in &cases {
            assert_eq!(fast_line(e, &mut day), None, "{name}");
            assert_eq!(both_lines(e).0, serde_json_line(e), "{name}");
        }
        for what in skipped {
            println!("skipped: {what}: this host's record cannot hold it");
        }
        println!("{} unusual records fell back", cases.len());
    }

    #[test]
    fn records_of_other_formats_fall_back_to_the_general_path() {
        let common = common_record();
        let mut day = None;
        let mut foreign = 0;
        for format in crate::Format::ALL
            .into_iter()
            .filter(|&f| f != crate::Format::HOST)
        {
            let Ok(bytes) = format.encode(&common) else {
                println!("skipped: {format} cannot hold the record");
                continue;
            };
            for e in crate::records::entries_in(&bytes, format).flatten() {
                assert_eq!(fast_line(&e, &mut day), None, "{format}");
                assert_eq!(both_lines(&e).0, serde_json_line(&e), "{format}");
                foreign += 1;
            }
        }
        assert!(foreign > 0, "no other format encoded the record");
    }

    /// `common` changed in each way the fast writer leaves to the general
    /// path, each named; and the ways this host's record cannot hold.
    fn unusual_records(common: Entry) -> (Vec<(String, Entry)>, Vec<&'static str>) {
        let mut cases: Vec<(String, Entry)> = Vec::new();
        let mut skipped = Vec::new();
        // Each string field: a byte JSON escapes, DEL, beyond ASCII (UTF-8
        // or not), bytes after the NUL.
        for (name, _, span) in crate::serde_impl::STRINGS {
            let bad: [&[u8]; 8] = [
                b"\x01",
                b"\x1f",
                b"\"",
                b"\\",
                b"\x7f",
                b"\xff",
                "\u{e9}".as_bytes(),
                b"\0z",
            ];
            for bytes in bad {
                let mut e = common;
                let field = layout::bytes_mut(e.bytes_mut(), span);
                field.fill(0);
                // After one letter: the block's second byte (a NUL first
                // would end the text before it).
                field[0] = b'a';
                field[1..1 + bytes.len()].copy_from_slice(bytes);
                cases.push((format!("{name} with {bytes:?}"), e));
            }
            let mut e = common;
            let field = layout::bytes_mut(e.bytes_mut(), span);
            field.fill(0);
            field[0] = b'a';
            *field.last_mut().unwrap() = b'z';
            cases.push((format!("{name} with a byte at its end, after the NUL"), e));
        }
        match crate::serde_impl::gaps().first() {
            Some(gap) => {
                let mut e = common;
                e.bytes_mut()[gap.offset] = 1;
                cases.push(("a padding byte".into(), e));
            }
            None => skipped.push("padding (this host's record has none)"),
        }
        // Seconds are unsigned where the field is 32 bits (as `Entry::seconds`
        // reads them).
        let unsigned_seconds = layout::TV_SEC.len < 8;
        let session = layout::UT_SESSION.unwrap_or(layout::UT_PID);
        for (what, span, value, unsigned) in [
            ("an unknown type", layout::UT_TYPE, 42, false),
            ("microseconds 1000000", layout::TV_USEC, 1_000_000, false),
            ("microseconds -1", layout::TV_USEC, -1, false),
            ("seconds -1", layout::TV_SEC, -1, unsigned_seconds),
            ("seconds 2^32", layout::TV_SEC, 1 << 32, unsigned_seconds),
            ("session 2^31", session, 1 << 31, false),
        ] {
            let mut e = common;
            if layout::set_int(e.bytes_mut(), span, value, unsigned) {
                cases.push((what.into(), e));
            } else {
                skipped.push(what);
            }
        }
        for address in ["::ffff:1.2.3.4", "::1.2.3.4"] {
            let mut e = common;
            assert!(layout::set_address(
                e.bytes_mut(),
                Some(address.parse().unwrap())
            ));
            cases.push((address.into(), e));
        }
        (cases, skipped)
    }

    #[test]
    fn buffer_lines_are_push_json_lines() {
        // Common records (written in place) and uncommon ones (the general
        // path, copied in) in turns, many enough for the buffer to grow,
        // then again after a clear.
        let mut odd = common_record();
        assert!(layout::set_int(odd.bytes_mut(), layout::UT_TYPE, 42, false));
        let mut quoted = common_record();
        quoted.bytes_mut()[layout::UT_USER.offset] = b'"';
        let mut text = JsonBuffer::new();
        for round in 0..2 {
            let mut want = Vec::new();
            for i in 0..3000i64 {
                let mut e = [common_record(), odd, quoted][(i % 7 % 3) as usize];
                assert!(layout::set_int(
                    e.bytes_mut(),
                    layout::TV_SEC,
                    i * 5_000,
                    true
                ));
                text.push(&e);
                push_json(&e, &mut want);
                assert_eq!(text.len(), want.len(), "round {round}, record {i}");
            }
            // Both paths were taken.
            let has = |t: &[u8]| want.windows(t.len()).any(|w| w == t);
            assert!(has(br#""type_raw":42,"#) && has(br#""user":"\"lice""#));
            assert!(
                text.as_bytes() == want,
                "{:?} != {:?}",
                String::from_utf8_lossy(text.as_bytes()),
                String::from_utf8_lossy(&want)
            );
            text.clear();
            assert!(text.is_empty() && text.as_bytes().is_empty());
        }
    }

    #[test]
    fn escaping_agrees_with_serde_json() {
        // Every byte value, alone and among others, in every string field.
        for b in 0..=u8::MAX {
            let text = [b'a', b, b'"', b'z', b'\\', b];
            let e = EntryBuilder::new(EntryType::UserProcess)
                .user(&text[..])
                .line(&[b][..])
                .host(&text[..])
                .id([b, 0, b, b])
                .build()
                .unwrap();
            let (fast, reference) = both_lines(&e);
            assert_eq!(fast, reference, "byte {b:#04x}");
        }
    }

    proptest::proptest! {
        #[cfg_attr(miri, ignore = "safe code; minutes under Miri")]
        #[test]
        fn lines_agree_with_serde_json_for_any_bytes(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, RECORD_SIZE),
        ) {
            let e = Entry::from_bytes(bytes.try_into().unwrap());
            let (fast, reference) = both_lines(&e);
            proptest::prop_assert_eq!(fast, reference);
        }

        #[cfg_attr(miri, ignore = "safe code; minutes under Miri")]
        #[test]
        fn fast_lines_are_serde_json_lines(
            ty in 0i16..16,
            pid in proptest::num::i32::ANY,
            line in "[ !#-\\[\\]-~]{0,32}",
            id in "[ !#-\\[\\]-~]{0,4}",
            user in "[ !#-\\[\\]-~]{0,32}",
            host in "[ !#-\\[\\]-~]{0,40}|[ !#-\\[\\]-~]{250,256}",
            seconds in 0i64..=i64::from(u32::MAX),
            micros in 0i64..1_000_000,
            later in 0i64..3 * 86_400,
            address in proptest::prop_oneof![
                proptest::strategy::Just(None),
                proptest::num::u32::ANY.prop_map(|a| Some(std::net::Ipv4Addr::from(a).into())),
                proptest::num::u128::ANY.prop_map(|a| Some(std::net::Ipv6Addr::from(a).into())),
                // Zero runs of every length and place.
                (proptest::num::u16::ANY, 0usize..8, 0usize..9).prop_map(|(w, at, run)| {
                    let mut s = [w; 8];
                    s[at..(at + run).min(8)].fill(0);
                    Some(std::net::Ipv6Addr::from(s).into())
                }),
            ],
            termination in proptest::num::i16::ANY,
            exit in proptest::num::i16::ANY,
            session in proptest::num::i32::ANY,
        ) {
            let cut = |s: &str, span: layout::Span| s.as_bytes()[..s.len().min(span.len)].to_vec();
            let mut e = EntryBuilder::new(EntryType::from_raw(ty))
                .pid(pid)
                .line(cut(&line, layout::UT_LINE))
                .id(cut(&id, layout::UT_ID))
                .user(cut(&user, layout::UT_USER))
                .host(cut(&host, layout::UT_HOST))
                .seconds(seconds)
                .microseconds(micros)
                .address(address)
                .exit_status(ExitStatus { termination, exit })
                .session(i64::from(session))
                .build()
                .unwrap();
            let known = !matches!(EntryType::from_raw(ty), EntryType::Unknown(_));
            let expect_fast = known && !address_falls_back(address);
            // Two records through one day cache: this one, and one up to
            // three days later (the same day, the next, or further on).
            let mut day = None;
            for _ in 0..2 {
                let fast = fast_line(&e, &mut day);
                proptest::prop_assert_eq!(fast.is_some(), expect_fast, "{:?}", e);
                if let Some(fast) = fast {
                    proptest::prop_assert_eq!(fast, serde_json_line(&e));
                }
                proptest::prop_assert_eq!(both_lines(&e).0, serde_json_line(&e));
                let next = (seconds + later).min(i64::from(u32::MAX));
                assert!(layout::set_int(e.bytes_mut(), layout::TV_SEC, next, true));
            }
        }

        #[cfg_attr(miri, ignore = "safe code; minutes under Miri")]
        #[test]
        fn lines_agree_with_serde_json_for_plausible_records(
            ty in 0i16..10,
            pid in proptest::num::i32::ANY,
            user in "[ -~\u{80}-\u{10ffff}]{0,8}",
            line in "[\u{0}-\u{7f}]{0,6}",
            host in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            seconds in 0i64..=i64::from(u32::MAX),
            micros in -2i64..1_000_002,
            address in proptest::option::of(proptest::num::u128::ANY),
        ) {
            let user = &user.as_bytes()[..user.len().min(layout::UT_USER.len)];
            let mut e = EntryBuilder::new(EntryType::from_raw(ty))
                .pid(pid)
                .user(user)
                .line(line.as_bytes())
                .host(&host[..])
                .seconds(seconds)
                .address(address.map(|a| std::net::Ipv6Addr::from(a).into()))
                .build()
                .unwrap();
            assert!(layout::set_int(e.bytes_mut(), layout::TV_USEC, micros, false));
            let (fast, reference) = both_lines(&e);
            proptest::prop_assert_eq!(fast, reference);
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads files (isolation)")]
    fn lines_agree_with_serde_json_on_every_fixture() {
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures"
        ))];
        if let Some(shared) =
            crate::test_skip::fixture("util-linux", "JSON lines against serde_json")
        {
            dirs.push(shared);
        }
        while let Some(dir) = dirs.pop() {
            for item in std::fs::read_dir(&dir).unwrap() {
                let path = item.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if !matches!(
                    path.extension().and_then(|x| x.to_str()),
                    Some("txt" | "sh" | "md")
                ) {
                    files.push(path);
                }
            }
        }
        let mut records = 0;
        let (mut fast, mut day) = (0, None);
        for path in &files {
            let bytes = std::fs::read(path).unwrap();
            // The bytes as host records (any bytes are a record), then as
            // the format that detection ranks first.
            for e in crate::reader::entries(&bytes).flatten() {
                let (line, reference) = both_lines(&e);
                assert_eq!(line, reference, "{}", path.display());
                if let Some(line) = fast_line(&e, &mut day) {
                    assert_eq!(line, reference, "{}", path.display());
                    fast += 1;
                }
                records += 1;
            }
            if let Some(&(format, _)) = crate::detect(&bytes).first() {
                for e in crate::records::entries_in(&bytes, format).flatten() {
                    let (line, reference) = both_lines(&e);
                    assert_eq!(line, reference, "{} as {format}", path.display());
                    if let Some(line) = fast_line(&e, &mut day) {
                        assert_eq!(line, reference, "{} as {format}", path.display());
                        fast += 1;
                    }
                    records += 1;
                }
            }
        }
        assert!(records > 100, "{records} records in {} files", files.len());
        // The fixtures are mostly glibc's 384-byte little-endian files: on a
        // host of another format (s390x, aarch64, musl: 400 bytes) they are
        // foreign or odd records, which the fast writer leaves to serde.
        let floor = if crate::format::Format::HOST == crate::format::Format::GLIBC_384_LE {
            100
        } else {
            0
        };
        assert!(
            fast > floor,
            "{fast} of {records} records through the fast writer"
        );
        println!(
            "{records} records of {} fixture files ({fast} through the fast writer): the same lines",
            files.len()
        );
    }

    #[test]
    fn every_field_is_written() {
        let e = EntryBuilder::new(EntryType::DeadProcess)
            .pid(-2)
            .line("pts/1")
            .id("ts/1")
            .user("a\"b\\c\u{1}")
            .host("h")
            .address(Some("::1".parse().unwrap()))
            .seconds(683_168_228)
            .microseconds(5)
            .exit_status(ExitStatus {
                termination: 3,
                exit: -4,
            })
            .session(9)
            .build()
            .unwrap();
        // Written by hand from docs/json.md; 683168228 is
        // 1991-08-26T00:57:08Z (util-linux's wtmp-a; `date -u -d @683168228`).
        assert_eq!(
            json_of(&e),
            "{\"type\":\"DEAD_PROCESS\",\"type_raw\":8,\"pid\":-2,\"line\":\"pts/1\",\
             \"id\":\"ts/1\",\"user\":\"a\\\"b\\\\c\\u0001\",\"host\":\"h\",\"address\":\"::1\",\
             \"time\":\"1991-08-26T00:57:08.000005Z\",\"seconds\":683168228,\"microseconds\":5,\
             \"exit\":{\"termination\":3,\"exit\":-4},\"session\":9}\n"
        );
        assert_eq!(parse_json_line(json_of(&e)).unwrap(), e);
    }

    #[test]
    fn exact_bytes_only_when_the_text_loses_something() {
        let e = EntryBuilder::new(EntryType::UserProcess)
            .user(b"\xff")
            .build()
            .unwrap();
        let j = json_of(&e);
        let mut user_hex = "ff".to_owned();
        user_hex.push_str(&"00".repeat(layout::UT_USER.len - 1));
        assert!(
            j.contains(&format!(
                "\"user\":\"\u{fffd}\",\"user_hex\":\"{user_hex}\","
            )),
            "{j}"
        );
        assert_eq!(j.matches("_hex").count(), 1, "{j}");
        assert_eq!(parse_json_line(&j).unwrap(), e);
        // A byte in the padding.
        let mut e = Entry::zeroed();
        if let Some(last) = e.bytes_mut().last_mut() {
            *last = 1;
        }
        let j = json_of(&e);
        assert!(
            j.contains("\"padding_hex\":\"") && j.ends_with("01\"}\n"),
            "{j}"
        );
        assert_eq!(parse_json_line(&j).unwrap(), e);
        // Bytes after a NUL in a string field (byte 5: the sixth).
        let mut e = EntryBuilder::new(EntryType::UserProcess)
            .user("ab")
            .build()
            .unwrap();
        layout::bytes_mut(e.bytes_mut(), layout::UT_USER)[5] = b'z';
        let j = json_of(&e);
        assert!(
            j.contains("\"user\":\"ab\",\"user_hex\":\"61620000007a00"),
            "{j}"
        );
        assert_eq!(parse_json_line(j).unwrap(), e);
    }

    #[test]
    fn every_byte_pattern_round_trips() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        // Miri interprets every byte of every record: a few are enough there.
        for _ in 0..if cfg!(miri) { 3 } else { 200 } {
            let mut bytes = [0u8; RECORD_SIZE];
            for b in bytes.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            let e = Entry::from_bytes(bytes);
            let line = json_of(&e);
            assert_eq!(parse_json_line(&line).unwrap(), e, "{line}");
            // One line, and valid JSON whatever the record holds.
            assert_eq!(line.matches('\n').count(), 1);
        }
    }

    #[test]
    fn members_build_the_record() {
        let e = parse_json_line(
            r#"{"type":"USER_PROCESS","user":"bob","time":"2013-08-28T13:00:00.5+02:00","extra":[1,{"a":null}],"address":"10.0.0.1"}"#,
        )
        .unwrap();
        assert_eq!(e.entry_type(), EntryType::UserProcess);
        assert_eq!(e.user(), "bob");
        // 2013-08-28T11:00:00Z: 15945 days.
        assert_eq!(e.seconds(), 15_945 * 86_400 + 11 * 3600);
        assert_eq!(e.microseconds(), 500_000);
        assert_eq!(e.address(), Some("10.0.0.1".parse().unwrap()));
        // type_raw wins over the name (which is the record's own system's).
        let e = parse_json_line(r#"{"type":"USER_PROCESS","type_raw":-7,"seconds":-1}"#);
        if layout::TV_SEC.len == 8 {
            let e = e.unwrap();
            assert_eq!((e.raw_type(), e.seconds()), (-7, -1));
        } else {
            assert!(
                e.is_err(),
                "negative seconds do not fit an unsigned 32-bit field"
            );
        }
    }

    #[test]
    fn bad_lines_are_errors() {
        let long_padding = format!(r#"{{"padding_hex":"{}"}}"#, "00".repeat(RECORD_SIZE));
        for bad in [
            "",
            "[]",
            "{\"user\":\"x\"} x",
            "{\"user\":1}",
            "{\"pid\":2147483648}",
            "{\"pid\":1.5}",
            "{\"pid\":1,\"pid\":2}",
            "{\"user\":\"123456789012345678901234567890123\"}",
            "{\"user_hex\":\"0\"}",
            "{\"user_hex\":\"zz\"}",
            "{\"type\":\"UNKNOWN\"}",
            "{\"address\":\"1.2.3\"}",
            "{\"time\":\"2013-02-29T00:00:00Z\"}",
            "{\"user\":\"\\ud800\"}",
            "{\"time\":\"2013-01-01T00:00:00.1234567Z\"}",
            &long_padding,
        ] {
            assert!(parse_json_line(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn surrogate_pairs_decode() {
        // U+1F600 is \ud83d\ude00; U+10400 is \ud801\udc00.
        let e = parse_json_line(r#"{"user":"\ud83d\ude00\ud801\udc00"}"#).unwrap();
        assert_eq!(e.user(), "\u{1f600}\u{10400}");
    }

    #[test]
    fn reader_numbers_lines_and_skips_blanks() {
        let text = "{\"pid\":1}\n\n{\"pid\":x}\n{\"pid\":3}";
        let items: Vec<_> = JsonReader::new(text.as_bytes()).collect();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap().pid(), 1);
        assert!(matches!(items[1], Err(Error::Parse { line: 3, .. })));
        assert_eq!(items[2].as_ref().unwrap().pid(), 3);
    }
}
