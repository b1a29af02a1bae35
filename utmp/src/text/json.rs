//! The JSON Lines format: every field, and the exact bytes when the fields do
//! not carry them (the schema is in the [module docs](super)).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::net::IpAddr;

use super::push_int;
use crate::encoder::EntryBuilder;
use crate::entry::{Entry, ExitStatus};
use crate::entry_type::EntryType;
use crate::error::{Error, Result};
use crate::layout::{RecordBytes, RECORD_SIZE};
use crate::time_fmt::parse_rfc3339;

/// Appends the JSON Lines object of `entry`, newline included, to `buf`.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::{EntryBuilder, EntryType};
/// let entry = EntryBuilder::new(EntryType::UserProcess).user("alice").seconds(1).build()?;
/// let mut line = Vec::new();
/// utmp::text::push_json(&entry, &mut line);
/// let text = String::from_utf8_lossy(&line);
/// assert!(text.starts_with(r#"{"type":"USER_PROCESS","type_raw":7,"pid":0,"line":"","#));
/// assert!(text.contains(r#""time":"1970-01-01T00:00:01.000000Z","time_us":1000000,"#));
/// assert!(!text.contains("raw\":\""), "the fields say it all");
/// assert_eq!(utmp::text::parse_json_line(&line)?, entry);
/// # Ok(()) }
/// ```
pub fn push_json<B: Borrow<RecordBytes>>(entry: &Entry<B>, buf: &mut Vec<u8>) {
    let t = entry.entry_type();
    buf.extend_from_slice(b"{\"type\":\"");
    buf.extend_from_slice(t.as_str().as_bytes());
    buf.extend_from_slice(b"\",\"type_raw\":");
    push_int(buf, i64::from(entry.raw_type()), 0, b' ');
    buf.extend_from_slice(b",\"pid\":");
    push_int(buf, i64::from(entry.pid()), 0, b' ');
    let mut utf8 = true;
    for (name, value) in [
        (&b",\"line\":"[..], entry.line_bytes()),
        (b",\"id\":", entry.id_bytes()),
        (b",\"user\":", entry.user_bytes()),
        (b",\"host\":", entry.host_bytes()),
    ] {
        buf.extend_from_slice(name);
        utf8 &= push_json_string(buf, value);
    }
    buf.extend_from_slice(b",\"address\":");
    match entry.address() {
        Some(a) => {
            buf.push(b'"');
            // An address's text needs no escaping.
            let _infallible = write!(buf, "{a}");
            buf.push(b'"');
        }
        None => buf.extend_from_slice(b"null"),
    }
    let (secs, usec) = (entry.seconds(), entry.microseconds());
    buf.extend_from_slice(b",\"seconds\":");
    push_int(buf, secs, 0, b' ');
    buf.extend_from_slice(b",\"microseconds\":");
    push_int(buf, usec, 0, b' ');
    buf.extend_from_slice(b",\"time\":");
    let valid = (0..1_000_000).contains(&usec);
    let start = buf.len();
    buf.push(b'"');
    let written =
        u32::try_from(usec).is_ok_and(|us| crate::time_fmt::push_rfc3339_utc(buf, secs, us));
    if written {
        buf.push(b'"');
    } else {
        buf.truncate(start);
        buf.extend_from_slice(b"null");
    }
    buf.extend_from_slice(b",\"time_us\":");
    match secs
        .checked_mul(1_000_000)
        .and_then(|s| s.checked_add(usec))
        .filter(|_| valid)
    {
        Some(us) => push_int(buf, us, 0, b' '),
        None => buf.extend_from_slice(b"null"),
    }
    // A field the record's format lacks is `null`, never a made-up zero.
    let exit = entry.exit_status();
    buf.extend_from_slice(b",\"exit_termination\":");
    push_opt_int(buf, exit.map(|e| i64::from(e.termination)));
    buf.extend_from_slice(b",\"exit_status\":");
    push_opt_int(buf, exit.map(|e| i64::from(e.exit)));
    buf.extend_from_slice(b",\"session\":");
    push_opt_int(buf, entry.session());
    if !utf8 || rebuild(entry).as_ref().map(Entry::as_bytes) != Some(entry.as_bytes()) {
        buf.extend_from_slice(b",\"raw\":\"");
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for &b in entry.as_bytes() {
            buf.push(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
            buf.push(HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0'));
        }
        buf.push(b'"');
    }
    buf.extend_from_slice(b"}\n");
}

/// Appends `v`, or `null` when absent.
fn push_opt_int(buf: &mut Vec<u8>, v: Option<i64>) {
    match v {
        Some(v) => push_int(buf, v, 0, b' '),
        None => buf.extend_from_slice(b"null"),
    }
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

/// The record that the decoded fields of `entry` make (the string fields
/// taken as bytes; the caller checks they are UTF-8).
fn rebuild<B: Borrow<RecordBytes>>(entry: &Entry<B>) -> Option<Entry> {
    let mut builder = EntryBuilder::new(entry.entry_type())
        .pid(entry.pid())
        .line(entry.line_bytes())
        .id(entry.id_bytes())
        .user(entry.user_bytes())
        .host(entry.host_bytes())
        .address(entry.address())
        .seconds(entry.seconds())
        .microseconds(entry.microseconds());
    if let Some(status) = entry.exit_status() {
        builder = builder.exit_status(status);
    }
    if let Some(session) = entry.session() {
        builder = builder.session(session);
    }
    builder.build().ok()
}

/// Appends `s` as a JSON string; bytes that are not UTF-8 become U+FFFD.
/// Returns whether `s` was UTF-8.
fn push_json_string(buf: &mut Vec<u8>, s: &[u8]) -> bool {
    let (text, utf8) = match std::str::from_utf8(s) {
        Ok(t) => (std::borrow::Cow::Borrowed(t), true),
        Err(_) => (String::from_utf8_lossy(s), false),
    };
    buf.push(b'"');
    for &c in text.as_bytes() {
        match c {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX.get(usize::from(c >> 4)).copied().unwrap_or(b'0'));
                buf.push(HEX.get(usize::from(c & 0xf)).copied().unwrap_or(b'0'));
            }
            _ => buf.push(c),
        }
    }
    buf.push(b'"');
    utf8
}

/// Parses one line of the JSON Lines format back into a record.
///
/// With a `raw` member, the record is those bytes; otherwise it is built from
/// the members present (see the [module docs](super) for which are read).
///
/// # Errors
///
/// [`Error::Parse`] (with line number 1) when the line is not one JSON object,
/// a member has the wrong type, or a value does not fit its field.
pub fn parse_json_line(line: impl AsRef<[u8]>) -> Result<Entry> {
    parse_line(line.as_ref()).map_err(|message| Error::Parse { line: 1, message })
}

/// A JSON value as far as the schema needs it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool,
    Int(i128),
    Str(String),
    /// A fraction, an exponent, an array or an object: never a field's value.
    Other,
}

fn parse_line(line: &[u8]) -> std::result::Result<Entry, String> {
    let text = std::str::from_utf8(line).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut p = JsonParser {
        s: text.as_bytes(),
        pos: 0,
    };
    p.ws();
    let members = p.object()?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(format!("text after the object at byte {}", p.pos));
    }
    build(&members)
}

fn build(m: &HashMap<String, Value>) -> std::result::Result<Entry, String> {
    if let Some(raw) = m.get("raw") {
        let Value::Str(hex) = raw else {
            return Err("raw: not a string".into());
        };
        return from_hex(hex).map(Entry::from_bytes);
    }
    let int = |name: &str| -> std::result::Result<Option<i128>, String> {
        match m.get(name) {
            None => Ok(None),
            Some(Value::Int(v)) => Ok(Some(*v)),
            Some(_) => Err(format!("{name}: not an integer")),
        }
    };
    let fit = |name: &str, v: i128| -> std::result::Result<i64, String> {
        i64::try_from(v).map_err(|_| format!("{name}: {v} is out of range"))
    };
    let small = |name: &str, lo: i64, hi: i64| -> std::result::Result<Option<i64>, String> {
        match int(name)? {
            None => Ok(None),
            Some(v) => {
                let v = fit(name, v)?;
                if (lo..=hi).contains(&v) {
                    Ok(Some(v))
                } else {
                    Err(format!("{name}: {v} is outside {lo}..={hi}"))
                }
            }
        }
    };
    let string = |name: &str| -> std::result::Result<Option<&str>, String> {
        match m.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(_) => Err(format!("{name}: not a string")),
        }
    };

    let i16_range = (i64::from(i16::MIN), i64::from(i16::MAX));
    let entry_type = match small("type_raw", i16_range.0, i16_range.1)? {
        Some(raw) => EntryType::from_raw(i16::try_from(raw).unwrap_or_default()),
        None => match string("type")? {
            Some(name) => name
                .parse::<EntryType>()
                .map_err(|e| format!("type: {e} (give type_raw)"))?,
            None => EntryType::Empty,
        },
    };
    let mut b = EntryBuilder::new(entry_type);
    if let Some(pid) = small("pid", i64::from(i32::MIN), i64::from(i32::MAX))? {
        b = b.pid(i32::try_from(pid).unwrap_or_default());
    }
    if let Some(s) = string("line")? {
        b = b.line(s);
    }
    if let Some(s) = string("id")? {
        b = b.id(s);
    }
    if let Some(s) = string("user")? {
        b = b.user(s);
    }
    if let Some(s) = string("host")? {
        b = b.host(s);
    }
    if let Some(a) = string("address")? {
        let addr = a
            .parse::<IpAddr>()
            .map_err(|_| format!("address: {a:?} is not an IP address"))?;
        b = b.address(Some(addr));
    }
    let (secs, usec) = (int("seconds")?, int("microseconds")?);
    if secs.is_some() || usec.is_some() {
        b = b
            .seconds(fit("seconds", secs.unwrap_or(0))?)
            .microseconds(fit("microseconds", usec.unwrap_or(0))?);
    } else if let Some(us) = int("time_us")? {
        let us = fit("time_us", us)?;
        b = b
            .seconds(us.div_euclid(1_000_000))
            .microseconds(us.rem_euclid(1_000_000));
    } else if let Some(t) = string("time")? {
        let (s, us) = parse_rfc3339(t).ok_or_else(|| format!("time: {t:?} is not RFC 3339"))?;
        b = b.seconds(s).microseconds(i64::from(us));
    }
    let termination = small("exit_termination", i16_range.0, i16_range.1)?;
    let exit = small("exit_status", i16_range.0, i16_range.1)?;
    b = b.exit_status(ExitStatus {
        termination: termination.and_then(|v| i16::try_from(v).ok()).unwrap_or(0),
        exit: exit.and_then(|v| i16::try_from(v).ok()).unwrap_or(0),
    });
    if let Some(s) = int("session")? {
        b = b.session(fit("session", s)?);
    }
    b.build().map_err(|e| e.to_string())
}

fn from_hex(hex: &str) -> std::result::Result<RecordBytes, String> {
    let digits = hex.as_bytes();
    if digits.len() != RECORD_SIZE * 2 {
        return Err(format!(
            "raw: {} hex digits, a record is {}",
            digits.len(),
            RECORD_SIZE * 2
        ));
    }
    let nibble = |c: u8| -> std::result::Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c.wrapping_sub(b'0')),
            b'a'..=b'f' => Ok(c.wrapping_sub(b'a' - 10)),
            b'A'..=b'F' => Ok(c.wrapping_sub(b'A' - 10)),
            _ => Err(format!("raw: {:?} is not a hex digit", char::from(c))),
        }
    };
    let mut out = [0u8; RECORD_SIZE];
    for (o, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        if let [hi, lo] = *pair {
            *o = nibble(hi)? << 4 | nibble(lo)?;
        }
    }
    Ok(out)
}

/// A parser for one JSON object of scalar members (other values are
/// skipped over and kept as [`Value::Other`]).
struct JsonParser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n);
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.advance(1);
        }
    }

    fn expect(&mut self, c: u8) -> std::result::Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.advance(1);
            Ok(())
        } else {
            Err(format!(
                "expected `{}` at byte {} of the line",
                char::from(c),
                self.pos
            ))
        }
    }

    fn object(&mut self) -> std::result::Result<HashMap<String, Value>, String> {
        let mut members = HashMap::new();
        self.expect(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.advance(1);
            return Ok(members);
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.expect(b':')?;
            let value = self.value(0)?;
            members.insert(key, value);
            self.ws();
            match self.peek() {
                Some(b',') => self.advance(1),
                Some(b'}') => {
                    self.advance(1);
                    return Ok(members);
                }
                _ => return Err(format!("expected `,` or `}}` at byte {}", self.pos)),
            }
        }
    }

    fn value(&mut self, depth: usize) -> std::result::Result<Value, String> {
        if depth > 64 {
            return Err("nested too deeply".into());
        }
        self.ws();
        match self.peek() {
            Some(b'"') => self.string().map(Value::Str),
            Some(b'{' | b'[') => {
                let close = if self.peek() == Some(b'{') {
                    b'}'
                } else {
                    b']'
                };
                let is_object = close == b'}';
                self.advance(1);
                self.ws();
                if self.peek() == Some(close) {
                    self.advance(1);
                    return Ok(Value::Other);
                }
                loop {
                    if is_object {
                        self.ws();
                        self.string()?;
                        self.expect(b':')?;
                    }
                    self.value(depth.saturating_add(1))?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.advance(1),
                        Some(c) if c == close => {
                            self.advance(1);
                            return Ok(Value::Other);
                        }
                        _ => return Err(format!("unexpected byte at {}", self.pos)),
                    }
                }
            }
            Some(b'n') => self.word(b"null", Value::Null),
            Some(b't') => self.word(b"true", Value::Bool),
            Some(b'f') => self.word(b"false", Value::Bool),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(format!("expected a value at byte {}", self.pos)),
        }
    }

    fn word(&mut self, w: &[u8], v: Value) -> std::result::Result<Value, String> {
        if self.s.get(self.pos..self.pos.saturating_add(w.len())) == Some(w) {
            self.advance(w.len());
            Ok(v)
        } else {
            Err(format!("bad literal at byte {}", self.pos))
        }
    }

    fn number(&mut self) -> std::result::Result<Value, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.advance(1);
        }
        let digits = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.advance(1);
        }
        if self.pos == digits {
            return Err(format!("bad number at byte {start}"));
        }
        let mut other = false;
        if self.peek() == Some(b'.') {
            other = true;
            self.advance(1);
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.advance(1);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            other = true;
            self.advance(1);
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.advance(1);
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.advance(1);
            }
        }
        if other {
            return Ok(Value::Other);
        }
        let text = std::str::from_utf8(self.s.get(start..self.pos).unwrap_or_default())
            .map_err(|e| e.to_string())?;
        text.parse::<i128>()
            .map(Value::Int)
            .map_err(|_| format!("number {text} is out of range"))
    }

    fn string(&mut self) -> std::result::Result<String, String> {
        if self.peek() != Some(b'"') {
            return Err(format!("expected a string at byte {}", self.pos));
        }
        self.advance(1);
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = self
                .peek()
                .ok_or_else(|| "unterminated string".to_string())?;
            self.advance(1);
            match c {
                b'"' => break,
                b'\\' => {
                    let e = self
                        .peek()
                        .ok_or_else(|| "unterminated escape".to_string())?;
                    self.advance(1);
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xd800..0xdc00).contains(&cp) {
                                if self.s.get(self.pos..self.pos.saturating_add(2)) != Some(b"\\u")
                                {
                                    return Err("unpaired surrogate".into());
                                }
                                self.advance(2);
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err("unpaired surrogate".into());
                                }
                                // Both halves are in range: the code point is below 0x110000.
                                cp = 0x10000u32
                                    .wrapping_add(cp.wrapping_sub(0xd800) << 10)
                                    .wrapping_add(lo.wrapping_sub(0xdc00));
                            }
                            let ch = char::from_u32(cp)
                                .ok_or_else(|| "unpaired surrogate".to_string())?;
                            let mut tmp = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                        }
                        _ => return Err(format!("bad escape at byte {}", self.pos)),
                    }
                }
                0..=0x1f => return Err("control character in a string".into()),
                _ => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|e| e.to_string())
    }

    fn hex4(&mut self) -> std::result::Result<u32, String> {
        let d = self
            .s
            .get(self.pos..self.pos.saturating_add(4))
            .ok_or_else(|| "short \\u escape".to_string())?;
        let text = std::str::from_utf8(d).map_err(|e| e.to_string())?;
        let v = u32::from_str_radix(text, 16).map_err(|_| "bad \\u escape".to_string())?;
        self.advance(4);
        Ok(v)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout;

    fn json_of(e: &Entry) -> String {
        let mut buf = Vec::new();
        push_json(e, &mut buf);
        String::from_utf8(buf).unwrap()
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
        // 683168228 = 1991-08-26T00:57:08Z (util-linux's wtmp-a, by hand).
        assert_eq!(
            json_of(&e),
            "{\"type\":\"DEAD_PROCESS\",\"type_raw\":8,\"pid\":-2,\"line\":\"pts/1\",\
             \"id\":\"ts/1\",\"user\":\"a\\\"b\\\\c\\u0001\",\"host\":\"h\",\"address\":\"::1\",\
             \"seconds\":683168228,\"microseconds\":5,\"time\":\"1991-08-26T00:57:08.000005Z\",\
             \"time_us\":683168228000005,\"exit_termination\":3,\"exit_status\":-4,\"session\":9}\n"
        );
        assert_eq!(parse_json_line(json_of(&e)).unwrap(), e);
    }

    #[test]
    fn raw_only_when_the_fields_lose_something() {
        let mut e = EntryBuilder::new(EntryType::UserProcess)
            .user(b"\xff")
            .build()
            .unwrap();
        let j = json_of(&e);
        assert!(
            j.contains("\"user\":\"\u{fffd}\"") && j.contains("\"raw\":\""),
            "{j}"
        );
        assert_eq!(parse_json_line(&j).unwrap(), e);
        e = Entry::zeroed();
        if let Some(last) = e.bytes_mut().last_mut() {
            *last = 1;
        }
        let j = json_of(&e);
        assert!(j.contains("\"raw\":\""));
        assert_eq!(parse_json_line(&j).unwrap(), e);
        // Bytes after a NUL in a string field.
        let mut e = EntryBuilder::new(EntryType::UserProcess)
            .user("ab")
            .build()
            .unwrap();
        layout::bytes_mut(e.bytes_mut(), layout::UT_USER)[5] = b'z';
        assert!(json_of(&e).contains("\"raw\":\""));
        assert_eq!(parse_json_line(json_of(&e)).unwrap(), e);
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
            assert_eq!(parse_json_line(json_of(&e)).unwrap(), e);
        }
    }

    #[test]
    fn fields_without_raw_build_the_record() {
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
        let e = parse_json_line(r#"{"type_raw":-7,"time_us":-1}"#);
        if layout::TV_SEC.len == 8 {
            let e = e.unwrap();
            assert_eq!(
                (e.raw_type(), e.seconds(), e.microseconds()),
                (-7, -1, 999_999)
            );
        } else {
            assert!(
                e.is_err(),
                "negative seconds do not fit an unsigned 32-bit field"
            );
        }
    }

    #[test]
    fn bad_lines_are_errors() {
        for bad in [
            "",
            "[]",
            "{\"user\":\"x\"} x",
            "{\"user\":1}",
            "{\"pid\":2147483648}",
            "{\"pid\":1.5}",
            "{\"user\":\"123456789012345678901234567890123\"}",
            "{\"raw\":\"00\"}",
            "{\"type\":\"UNKNOWN\"}",
            "{\"address\":\"1.2.3\"}",
            "{\"time\":\"2013-02-29T00:00:00Z\"}",
            "{\"user\":\"\\ud800\"}",
            "{\"time\":\"2013-01-01T00:00:00.1234567Z\"}",
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
