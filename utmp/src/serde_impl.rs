//! `Serialize` for every entry and `Deserialize` for [`Entry`] (feature `serde`).
//!
//! The shape is documented in the crate docs (section "Serialization").

use std::borrow::Borrow;
use std::fmt;
use std::net::IpAddr;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use crate::entry::{Entry, ExitStatus};
use crate::entry_type::{EntryType, RawEntryType};
use crate::layout::{self, RecordBytes, Span};
use crate::time_fmt;

/// The stretches of the record that no field covers, in order.
fn gaps() -> Vec<Span> {
    let mut fields = layout::fields();
    fields.sort_by_key(|s| s.offset);
    let mut out = Vec::new();
    let mut at = 0;
    for f in fields {
        if f.offset > at {
            out.push(Span {
                offset: at,
                len: f.offset.saturating_sub(at),
            });
        }
        at = at.max(f.offset.saturating_add(f.len));
    }
    if layout::RECORD_SIZE > at {
        out.push(Span {
            offset: at,
            len: layout::RECORD_SIZE.saturating_sub(at),
        });
    }
    out
}

fn padding(rec: &RecordBytes) -> Vec<u8> {
    gaps()
        .into_iter()
        .flat_map(|g| layout::bytes(rec, g).iter().copied())
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len().saturating_mul(2));
    for &b in bytes {
        for nibble in [b >> 4, b & 0xf] {
            s.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    s
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

/// A field's raw bytes, serialized as a string when that loses nothing.
struct Text<'a>(&'a [u8]);

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let cut = self.0.iter().position(|&b| b == 0).unwrap_or(self.0.len());
        let (text, rest) = self.0.split_at(cut);
        match std::str::from_utf8(text) {
            Ok(text) if rest.iter().all(|&b| b == 0) => s.serialize_str(text),
            _ => Hex(self.0).serialize(s),
        }
    }
}

/// Bytes as `{"hex": ".."}`.
struct Hex<'a>(&'a [u8]);

impl Serialize for Hex<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("hex", &to_hex(self.0))?;
        map.end()
    }
}

impl<B: Borrow<RecordBytes>> Serialize for Entry<B> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rec = self.as_bytes();
        let pad = padding(rec);
        // A record of another format has no host padding (a FreeBSD entry
        // keeps its wide ut_id there, which "id" shows).
        let has_pad = self.format().is_host() && pad.iter().any(|&b| b != 0);
        let time = u32::try_from(self.microseconds())
            .ok()
            .and_then(|us| time_fmt::rfc3339_utc(self.seconds(), us));
        let mut st = s.serialize_struct("Entry", if has_pad { 14 } else { 13 })?;
        st.serialize_field("type", &self.raw_type())?;
        st.serialize_field("type_name", self.entry_type().as_str())?;
        st.serialize_field("pid", &self.pid())?;
        st.serialize_field("line", &Text(layout::bytes(rec, layout::UT_LINE)))?;
        st.serialize_field("id", &Text(self.id_raw()))?;
        st.serialize_field("user", &Text(layout::bytes(rec, layout::UT_USER)))?;
        st.serialize_field("host", &Text(layout::bytes(rec, layout::UT_HOST)))?;
        st.serialize_field("address", &self.address().map(|a| a.to_string()))?;
        st.serialize_field("seconds", &self.seconds())?;
        st.serialize_field("microseconds", &self.microseconds())?;
        st.serialize_field("time", &time)?;
        st.serialize_field("exit", &self.exit_status())?;
        st.serialize_field("session", &self.session())?;
        if has_pad {
            st.serialize_field("padding", &Hex(&pad))?;
        } else {
            st.skip_field("padding")?;
        }
        st.end()
    }
}

/// A string field as read: text, or exact bytes.
enum Field {
    Text(String),
    Hex(Vec<u8>),
}

impl Field {
    fn into_bytes(self) -> Vec<u8> {
        match self {
            Field::Text(s) => s.into_bytes(),
            Field::Hex(b) => b,
        }
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FieldVisitor;

        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = Field;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a string or {"hex": "<hex digits>"}"#)
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
                Ok(Field::Text(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Field, E> {
                Ok(Field::Text(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
                let mut hex = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "hex" && hex.is_none() {
                        let s: String = map.next_value()?;
                        hex = Some(from_hex(&s).ok_or_else(|| {
                            de::Error::invalid_value(
                                de::Unexpected::Str(&s),
                                &"an even number of hex digits",
                            )
                        })?);
                    } else {
                        return Err(de::Error::unknown_field(&key, &["hex"]));
                    }
                }
                hex.map(Field::Hex)
                    .ok_or_else(|| de::Error::missing_field("hex"))
            }
        }

        d.deserialize_any(FieldVisitor)
    }
}

/// The serialized shape, every key optional.
#[derive(serde::Deserialize)]
struct Repr {
    #[serde(rename = "type")]
    raw_type: Option<RawEntryType>,
    type_name: Option<String>,
    pid: Option<i32>,
    line: Option<Field>,
    id: Option<Field>,
    user: Option<Field>,
    host: Option<Field>,
    address: Option<String>,
    seconds: Option<i64>,
    microseconds: Option<i64>,
    time: Option<String>,
    exit: Option<ExitStatus>,
    session: Option<i64>,
    padding: Option<Field>,
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

        if let Some(pad) = self.padding {
            let pad = pad.into_bytes();
            let mut rest = pad.as_slice();
            for g in gaps() {
                let take = g.len.min(rest.len());
                let (now, later) = rest.split_at(take);
                if let Some(dst) = layout::bytes_mut(rec, g).get_mut(..take) {
                    dst.copy_from_slice(now);
                }
                rest = later;
            }
            if !rest.is_empty() {
                return Err(format!(
                    "padding: {} bytes do not fit in {}",
                    pad.len(),
                    gaps().iter().map(|g| g.len).sum::<usize>()
                ));
            }
        }

        // `Some(None)`: the name "UNKNOWN", which names no type.
        let named = match self.type_name.as_deref() {
            Some("UNKNOWN") => Some(None),
            Some(name) => Some(Some(name.parse::<EntryType>().map_err(|e| e.to_string())?)),
            None => None,
        };
        let raw = match (self.raw_type, named) {
            (Some(raw), Some(named)) => {
                let name = named.map_or("UNKNOWN", EntryType::as_str);
                if EntryType::from_raw(raw).as_str() != name {
                    return Err(format!(
                        "type {raw} is {}, not {name}",
                        EntryType::from_raw(raw),
                    ));
                }
                raw
            }
            (Some(raw), None) => raw,
            (None, Some(None)) => return Err("type_name UNKNOWN needs a type number".to_owned()),
            (None, Some(Some(named))) => named
                .raw()
                .ok_or_else(|| format!("type_name {named} has no value on this system"))?,
            (None, None) => 0,
        };
        set_int(rec, "type", layout::UT_TYPE, i64::from(raw), false)?;
        set_int(
            rec,
            "pid",
            layout::UT_PID,
            i64::from(self.pid.unwrap_or(0)),
            false,
        )?;

        for (name, span, value) in [
            ("line", layout::UT_LINE, self.line),
            ("id", layout::UT_ID, self.id),
            ("user", layout::UT_USER, self.user),
            ("host", layout::UT_HOST, self.host),
        ] {
            let value = value.map(Field::into_bytes).unwrap_or_default();
            let out = layout::bytes_mut(rec, span);
            match out.get_mut(..value.len()) {
                Some(dst) => dst.copy_from_slice(&value),
                None => {
                    return Err(format!(
                        "{name}: {} bytes do not fit in {}",
                        value.len(),
                        out.len()
                    ))
                }
            }
        }

        if let Some(addr) = self.address {
            let addr: IpAddr = addr.parse().map_err(|e| format!("address {addr:?}: {e}"))?;
            if !layout::set_address(rec, Some(addr)) {
                return Err(format!(
                    "address {addr}: this system's record has no address field"
                ));
            }
        }

        let from_time = match self.time.as_deref() {
            Some(t) => Some(
                time_fmt::parse_rfc3339(t)
                    .ok_or_else(|| format!("time {t:?} is not an RFC 3339 time"))?,
            ),
            None => None,
        };
        let (seconds, micros) = match (self.seconds, self.microseconds, from_time) {
            (None, None, Some((s, us))) => (s, i64::from(us)),
            (s, us, t) => {
                let (s, us) = (s.unwrap_or(0), us.unwrap_or(0));
                if let Some((ts, tus)) = t {
                    if (ts, i64::from(tus)) != (s, us) {
                        return Err(format!(
                            "time {:?} disagrees with seconds {s} and microseconds {us}",
                            self.time.unwrap_or_default()
                        ));
                    }
                }
                (s, us)
            }
        };
        let unsigned_secs = layout::TV_SEC.len < 8;
        set_int(rec, "seconds", layout::TV_SEC, seconds, unsigned_secs)?;
        set_int(rec, "microseconds", layout::TV_USEC, micros, false)?;

        let exit = self.exit.unwrap_or_default();
        set_opt_int(
            rec,
            "exit.termination",
            layout::E_TERMINATION,
            i64::from(exit.termination),
        )?;
        set_opt_int(rec, "exit.exit", layout::E_EXIT, i64::from(exit.exit))?;
        set_opt_int(
            rec,
            "session",
            layout::UT_SESSION,
            self.session.unwrap_or(0),
        )?;
        Ok(entry)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::RECORD_SIZE;

    #[test]
    fn gaps_and_fields_cover_the_record_once() {
        let mut seen = [0u8; RECORD_SIZE];
        for s in layout::fields().iter().chain(gaps().iter()) {
            for b in &mut seen[s.offset..s.offset + s.len] {
                *b += 1;
            }
        }
        assert!(seen.iter().all(|&n| n == 1));
    }

    use crate::encoder::EntryBuilder;
    use serde_json::json;

    fn user_entry() -> Entry {
        EntryBuilder::new(EntryType::UserProcess)
            .pid(4242)
            .line("pts/0")
            .id("ts/0")
            .user("alice")
            .host("example.org")
            .address(Some("192.0.2.7".parse().unwrap()))
            .seconds(1_700_000_000)
            .microseconds(250_000)
            .session(7)
            .build()
            .unwrap()
    }

    #[test]
    fn the_shape_is_as_documented() {
        // Expected value written from the table in the module docs; the time
        // was checked with `date -u -d @1700000000.25`.
        let want = json!({
            "type": 7,
            "type_name": "USER_PROCESS",
            "pid": 4242,
            "line": "pts/0",
            "id": "ts/0",
            "user": "alice",
            "host": "example.org",
            "address": "192.0.2.7",
            "seconds": 1_700_000_000,
            "microseconds": 250_000,
            "time": "2023-11-14T22:13:20.250000Z",
            "exit": {"termination": 0, "exit": 0},
            "session": 7
        });
        let e = user_entry();
        assert_eq!(serde_json::to_value(e).unwrap(), want);
        let back: Entry = serde_json::from_value(want).unwrap();
        assert_eq!(back.as_bytes(), e.as_bytes());
        // The borrowed entry serializes the same.
        assert_eq!(
            serde_json::to_string(&e.as_entry_ref()).unwrap(),
            serde_json::to_string(&e).unwrap()
        );
    }

    #[test]
    fn bytes_that_a_string_would_lose_are_hex() {
        let mut e = EntryBuilder::new(EntryType::DeadProcess)
            .host(b"\xffx")
            .id([b'a', 0, b'b', 0])
            .microseconds(1_000_000)
            .build()
            .unwrap();
        // A byte after the NUL of `line`, and one in the padding.
        layout::bytes_mut(e.bytes_mut(), layout::UT_LINE)[5] = b'z';
        let gap = gaps()[0];
        layout::bytes_mut(e.bytes_mut(), gap)[0] = 0x5a;
        let v = serde_json::to_value(e).unwrap();
        let mut host = "ff78".to_owned();
        host.push_str(&"00".repeat(254));
        assert_eq!(v["host"], json!({ "hex": host }));
        assert_eq!(v["id"], json!({"hex": "61006200"}));
        let mut line = "00".repeat(5);
        line.push_str("7a");
        line.push_str(&"00".repeat(26));
        assert_eq!(v["line"], json!({ "hex": line }));
        let mut pad = "5a".to_owned();
        pad.push_str(&"00".repeat(gaps().iter().map(|g| g.len).sum::<usize>() - 1));
        assert_eq!(v["padding"], json!({ "hex": pad }));
        assert_eq!(v["user"], json!(""));
        assert_eq!(v["time"], json!(null));
        assert_eq!(v["address"], json!(null));
        let back: Entry = serde_json::from_value(v).unwrap();
        assert_eq!(back.as_bytes(), e.as_bytes());
    }

    #[test]
    fn missing_keys_are_zero_and_time_alone_sets_the_time() {
        let e: Entry = serde_json::from_str("{}").unwrap();
        assert_eq!(e.as_bytes(), Entry::zeroed().as_bytes());
        let e: Entry = serde_json::from_str(
            r#"{"type_name": "USER_PROCESS", "time": "2023-11-14T23:13:20.25+01:00"}"#,
        )
        .unwrap();
        assert_eq!(e.entry_type(), EntryType::UserProcess);
        assert_eq!((e.seconds(), e.microseconds()), (1_700_000_000, 250_000));
    }

    #[test]
    fn inconsistent_or_oversized_values_are_errors() {
        for bad in [
            r#"{"type": 7, "type_name": "DEAD_PROCESS"}"#,
            r#"{"type_name": "NOPE"}"#,
            r#"{"type_name": "UNKNOWN"}"#,
            r#"{"seconds": 1, "time": "1970-01-01T00:00:02.000000Z"}"#,
            r#"{"time": "yesterday"}"#,
            r#"{"id": "toolong"}"#,
            r#"{"user": {"hex": "0"}}"#,
            r#"{"user": {"hex": "00", "extra": 1}}"#,
            r#"{"address": "300.1.1.1"}"#,
            r#"{"pid": 99999999999}"#,
            r#"{"exit": {"termination": 40000, "exit": 0}}"#,
            r#"{"pid": "1"}"#,
        ] {
            assert!(serde_json::from_str::<Entry>(bad).is_err(), "{bad}");
        }
        // A type this system's header does not name (Linux: SHUTDOWN_TIME)
        // has no number to store: an error, not a zero.
        #[cfg(target_os = "linux")]
        {
            let bad = r#"{"type_name": "SHUTDOWN_TIME"}"#;
            let err = serde_json::from_str::<Entry>(bad).unwrap_err().to_string();
            assert!(err.contains("no value on this system"), "{err}");
        }
        let long = format!(r#"{{"host": "{}"}}"#, "h".repeat(257));
        assert!(serde_json::from_str::<Entry>(&long).is_err());
        let full = format!(r#"{{"host": "{}"}}"#, "h".repeat(256));
        let e: Entry = serde_json::from_str(&full).unwrap();
        assert_eq!(e.host_bytes(), &[b'h'; 256][..]);
    }

    #[test]
    fn hex_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(from_hex(&to_hex(&all)), Some(all));
        assert_eq!(to_hex(&[0x0f, 0xa0]), "0fa0");
        assert_eq!(from_hex("0FA0"), Some(vec![0x0f, 0xa0]));
        assert_eq!(from_hex("0"), None);
        assert_eq!(from_hex("zz"), None);
    }
}
