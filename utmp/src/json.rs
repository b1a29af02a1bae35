//! JSON Lines (feature `json`): one record per line, in the crate's one
//! serde representation of a record (the `serde` feature's), written and
//! read with `serde_json`.
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

use std::borrow::Borrow;
use std::io::{self, BufRead, Write};

use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::layout::RecordBytes;

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
    let written = serde_json::to_writer(&mut *buf, entry);
    // Writing to a `Vec` cannot fail, and the record's `Serialize` makes no
    // error of its own (no map keys that are not strings, no floats).
    debug_assert!(written.is_ok(), "JSON of a record failed: {written:?}");
    buf.push(b'\n');
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::EntryBuilder;
    use crate::entry::ExitStatus;
    use crate::entry_type::EntryType;
    use crate::layout::{self, RECORD_SIZE};

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
