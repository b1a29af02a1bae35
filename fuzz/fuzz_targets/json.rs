//! The one JSON form of a record (docs/json.md), both ways: the dump of
//! arbitrary records, of the host's format and of every other format,
//! reads back byte for byte, and a string field that is not UTF-8 has its
//! `_hex`; arbitrary text into the JSON parser (serde_json) never panics,
//! and what it accepts dumps and reads back byte for byte. Every line is
//! serde_json's own bytes for the record (`push_json` writes common
//! records with its fast writer, the others through the record's
//! `Serialize`: both are held to it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use utmp::json::{parse_json_line, push_json, JsonReader};
use utmp::{entries, entries_in, Entry, Format, RECORD_SIZE};
use utmp_fuzz::check_entry;

fn round_trip(e: &Entry) {
    let mut line = Vec::new();
    push_json(e, &mut line);
    assert_eq!(line.last(), Some(&b'\n'));
    let mut reference = serde_json::to_vec(e).expect("a record always serializes");
    reference.push(b'\n');
    assert_eq!(
        String::from_utf8_lossy(&line),
        String::from_utf8_lossy(&reference),
        "push_json's line is not serde_json's"
    );
    assert!(
        !line[..line.len() - 1].contains(&b'\n'),
        "one line per record"
    );
    check_hex_members(e, &line);
    match parse_json_line(&line) {
        Ok(back) => assert_eq!(
            back.as_bytes()[..],
            e.as_bytes()[..],
            "JSON round trip changed the record:\n{}",
            String::from_utf8_lossy(&line)
        ),
        Err(err) => panic!(
            "our own JSON does not parse: {err}\n{}",
            String::from_utf8_lossy(&line)
        ),
    }
}

/// A field whose text is not UTF-8 has its exact bytes beside it (that the
/// JSON keeps every byte is the round trip's check).
fn check_hex_members(e: &Entry, line: &[u8]) {
    let text = String::from_utf8_lossy(line);
    for (name, bytes) in [
        ("line_hex", e.line_bytes()),
        ("user_hex", e.user_bytes()),
        ("host_hex", e.host_bytes()),
    ] {
        if std::str::from_utf8(bytes).is_err() {
            assert!(text.contains(&format!("\"{name}\":")), "{name} in {text}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // Records: every whole record of the input.
    for e in entries(data).flatten() {
        round_trip(&e.to_entry());
    }
    if data.len() < RECORD_SIZE {
        let mut rec = [0u8; RECORD_SIZE];
        rec[..data.len()].copy_from_slice(data);
        round_trip(&Entry::from_bytes(rec));
    }
    // Records of every other format, transcoded into the host's layout.
    for format in Format::ALL {
        for e in entries_in(data, format).flatten().take(4) {
            round_trip(&e.to_entry());
        }
    }
    // Text: every line, and the reader over the whole input.
    for line in data.split(|&b| b == b'\n') {
        if let Ok(e) = parse_json_line(line) {
            check_entry(&e);
            round_trip(&e);
        }
    }
    for e in JsonReader::new(data).flatten() {
        check_entry(&e);
        round_trip(&e);
    }
});
