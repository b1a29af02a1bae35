//! JSON Lines both ways: the dump of arbitrary records reads back byte for
//! byte; arbitrary text into the JSON parser never panics, and what it
//! accepts dumps and reads back byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use utmp::text::{parse_json_line, push_json, JsonReader};
use utmp::{entries, Entry, RECORD_SIZE};
use utmp_fuzz::check_entry;

fn round_trip(e: &Entry) {
    let mut line = Vec::new();
    push_json(e, &mut line);
    assert_eq!(line.last(), Some(&b'\n'));
    assert!(
        !line[..line.len() - 1].contains(&b'\n'),
        "one line per record"
    );
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
