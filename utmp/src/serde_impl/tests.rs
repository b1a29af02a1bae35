use super::*;
use crate::encoder::EntryBuilder;
use serde_json::json;

#[test]
fn gaps_and_fields_cover_the_record_once() {
    let mut seen = [0u8; RECORD_SIZE];
    for s in layout::fields().iter().chain(gaps().iter()) {
        for b in &mut seen[s.offset..s.offset + s.len] {
            *b += 1;
        }
    }
    assert!(seen.iter().all(|&n| n == 1));
    // The constant list names the same fields as the layout's own list.
    let mut listed: Vec<Span> = FIELDS.iter().flatten().copied().collect();
    let mut fields = layout::fields();
    listed.sort_by_key(|s| s.offset);
    fields.sort_by_key(|s| s.offset);
    assert_eq!(listed, fields);
}

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
    // Expected value written from the table in docs/json.md; the time was
    // checked with `date -u -d @1700000000.25`.
    let want = json!({
        "type": "USER_PROCESS",
        "type_raw": 7,
        "pid": 4242,
        "line": "pts/0",
        "id": "ts/0",
        "user": "alice",
        "host": "example.org",
        "address": "192.0.2.7",
        "time": "2023-11-14T22:13:20.250000Z",
        "seconds": 1_700_000_000,
        "microseconds": 250_000,
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
fn bytes_that_the_text_would_lose_are_also_hex() {
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
    host.push_str(&"00".repeat(layout::UT_HOST.len - 2));
    assert_eq!(v["host"], json!("\u{fffd}x"));
    assert_eq!(v["host_hex"], json!(host));
    assert_eq!(v["id"], json!("a"));
    assert_eq!(v["id_hex"], json!("61006200"));
    let mut line = "00".repeat(5);
    line.push_str("7a");
    line.push_str(&"00".repeat(layout::UT_LINE.len - 6));
    assert_eq!(v["line"], json!(""));
    assert_eq!(v["line_hex"], json!(line));
    let mut pad = "5a".to_owned();
    pad.push_str(&"00".repeat(gaps().iter().map(|g| g.len).sum::<usize>() - 1));
    assert_eq!(v["padding_hex"], json!(pad));
    assert_eq!(v["user"], json!(""));
    assert_eq!(v.get("user_hex"), None);
    assert_eq!(v["time"], json!(null));
    assert_eq!(v["microseconds"], json!(1_000_000));
    assert_eq!(v["address"], json!(null));
    let back: Entry = serde_json::from_value(v).unwrap();
    assert_eq!(back.as_bytes(), e.as_bytes());
}

#[test]
fn missing_keys_are_zero_and_time_alone_sets_the_time() {
    let e: Entry = serde_json::from_str("{}").unwrap();
    assert_eq!(e.as_bytes(), Entry::zeroed().as_bytes());
    let e: Entry =
        serde_json::from_str(r#"{"type": "USER_PROCESS", "time": "2023-11-14T23:13:20.25+01:00"}"#)
            .unwrap();
    assert_eq!(e.entry_type(), EntryType::UserProcess);
    assert_eq!((e.seconds(), e.microseconds()), (1_700_000_000, 250_000));
    // Shorter exact bytes leave the rest of the field zero.
    let e: Entry = serde_json::from_str(r#"{"user": "ignored", "user_hex": "6869"}"#).unwrap();
    assert_eq!(e.user_bytes(), b"hi");
}

#[test]
fn inconsistent_or_oversized_values_are_errors() {
    for bad in [
        r#"{"type": "NOPE"}"#,
        r#"{"type": "UNKNOWN"}"#,
        r#"{"type_raw": 40000}"#,
        r#"{"seconds": 1, "time": "1970-01-01T00:00:02.000000Z"}"#,
        r#"{"time": "yesterday"}"#,
        r#"{"id": "toolong"}"#,
        r#"{"id_hex": "0000000000"}"#,
        r#"{"user_hex": "0"}"#,
        r#"{"user_hex": {"hex": "00"}}"#,
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
        let bad = r#"{"type": "SHUTDOWN_TIME"}"#;
        let err = serde_json::from_str::<Entry>(bad).unwrap_err().to_string();
        assert!(err.contains("no value on this system"), "{err}");
    }
    let long = format!(r#"{{"host": "{}"}}"#, "h".repeat(layout::UT_HOST.len + 1));
    assert!(serde_json::from_str::<Entry>(&long).is_err());
    let full = format!(r#"{{"host": "{}"}}"#, "h".repeat(layout::UT_HOST.len));
    let e: Entry = serde_json::from_str(&full).unwrap();
    assert_eq!(e.host_bytes(), &vec![b'h'; layout::UT_HOST.len][..]);
}

#[test]
fn hex_round_trips() {
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(from_hex(&Hex(&all).to_string()), Some(all));
    assert_eq!(Hex(&[0x0f, 0xa0]).to_string(), "0fa0");
    assert_eq!(from_hex("0FA0"), Some(vec![0x0f, 0xa0]));
    assert_eq!(from_hex("0"), None);
    assert_eq!(from_hex("zz"), None);
}

#[test]
fn padding_words_see_every_padding_byte_and_no_other() {
    for at in 0..RECORD_SIZE {
        let mut rec = [0u8; RECORD_SIZE];
        rec[at] = 0x80;
        let in_gap = gaps()
            .iter()
            .any(|g| (g.offset..g.offset + g.len).contains(&at));
        assert_eq!(padding_is_zero(&rec), !in_gap, "byte {at}");
    }
    assert!(padding_is_zero(&[0; RECORD_SIZE]));
}

#[test]
fn exit_members_are_the_listed_names() {
    let exit = ExitStatus {
        termination: 1,
        exit: 2,
    };
    let want = json!({member::EXIT_TERMINATION: 1, member::EXIT_EXIT: 2});
    assert_eq!(serde_json::to_value(exit).unwrap(), want);
}
