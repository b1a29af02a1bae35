//! Byte-level tests of the session-file parser and the `Entry` view; the
//! expected values are worked out by hand from systemd 252's rules (the
//! `logind_oracle` integration test checks the same rules against sd-login).

use super::*;

fn pairs(s: &[u8]) -> Vec<(String, String)> {
    parse(s)
        .into_iter()
        .map(|(k, v)| {
            (
                String::from_utf8_lossy(&k).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            )
        })
        .collect()
}

fn one(s: &str) -> (String, String) {
    let mut p = pairs(s.as_bytes());
    assert_eq!(p.len(), 1, "{s:?} -> {p:?}");
    p.remove(0)
}

fn kv(k: &str, v: &str) -> (String, String) {
    (k.to_owned(), v.to_owned())
}

const TYPICAL: &str = "# This is private data. Do not parse.\n\
UID=1000\n\
USER=alice\n\
ACTIVE=1\n\
IS_DISPLAY=0\n\
STATE=active\n\
REMOTE=1\n\
LEADER_FD_SAVED=no\n\
TYPE=tty\n\
ORIGINAL_TYPE=tty\n\
CLASS=user\n\
SCOPE=session-5.scope\n\
FIFO=/run/systemd/sessions/5.ref\n\
TTY=pts/0\n\
TTY_VALIDITY=from-pam\n\
REMOTE_HOST=192.0.2.7\n\
SERVICE=sshd\n\
POSITION=0\n\
LEADER=4242\n\
AUDIT=5\n\
REALTIME=1700000000123456\n\
MONOTONIC=123456789\n";

#[test]
fn a_typical_file_decodes_every_field() {
    let s = Session::from_bytes("5", TYPICAL.as_bytes());
    assert_eq!(s.id(), "5");
    assert_eq!(s.uid(), Some(1000));
    assert_eq!(s.user(), Some(&b"alice"[..]));
    assert_eq!(s.tty(), Some(&b"pts/0"[..]));
    assert_eq!(s.seat(), None);
    assert_eq!(s.remote_host(), Some(&b"192.0.2.7"[..]));
    assert_eq!(s.remote_user(), None);
    assert_eq!(s.service(), Some(&b"sshd"[..]));
    assert_eq!(s.session_type(), Some(&b"tty"[..]));
    assert_eq!(s.class(), Some(&b"user"[..]));
    assert_eq!(s.state(), Some(&b"active"[..]));
    assert_eq!(s.active(), Some(true));
    assert_eq!(s.remote(), Some(true));
    assert_eq!(s.leader(), Some(4242));
    assert_eq!(s.start_time_micros(), Some(1_700_000_000_123_456));
    assert_eq!(
        s.start_time(),
        Some(UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456))
    );
    assert_eq!(s.value("AUDIT"), Some(&b"5"[..]));
    assert_eq!(s.value("NOPE"), None);
    assert_eq!(s.pairs().count(), 21);
    assert!(s.is_utf8());

    let e = s.entry();
    assert_eq!(e.entry_type(), EntryType::UserProcess);
    assert_eq!(e.user(), "alice");
    assert_eq!(e.line(), "pts/0");
    assert_eq!(e.host(), "192.0.2.7");
    assert_eq!(e.pid(), 4242);
    assert_eq!(e.seconds(), 1_700_000_000);
    assert_eq!(e.microseconds(), 123_456);
    assert_eq!(e.session(), Some(5));
    assert!(s.unfit_fields().is_empty());
}

#[test]
fn quoting_and_escapes_follow_systemd_252() {
    // Single quotes literal, double quotes with shell escapes, pieces joined,
    // blanks between pieces dropped.
    assert_eq!(one("A='x y' \"z\\\"\" w\n"), kv("A", "x yz\"w"));
    // Inside double quotes `\` stays before other characters.
    assert_eq!(one("A=\"a\\nb\\$c\\`d\\\\e\"\n"), kv("A", "a\\nb$c`d\\e"));
    // Unquoted: `\` escapes the next character, whatever it is.
    assert_eq!(one("A=a\\x41\\\\b\\\"\n"), kv("A", "ax41\\b\""));
    // Blanks around the key and the unquoted value go; escaped ones stay.
    assert_eq!(one("  A \t= \t b c  \n"), kv("A", "b c"));
    assert_eq!(one("A=b\\ \n"), kv("A", "b "));
    assert_eq!(one("A=' b '\n"), kv("A", " b "));
    // `\` + newline joins lines, unquoted and double-quoted.
    assert_eq!(one("A=a\\\nb\n"), kv("A", "ab"));
    assert_eq!(one("A=\"a\\\nb\"\n"), kv("A", "ab"));
    // A newline inside quotes is part of the value.
    assert_eq!(one("A='a\nb'\n"), kv("A", "a\nb"));
    // Quotes in the middle of an unquoted value are literal.
    assert_eq!(one("A=a'b\"c\n"), kv("A", "a'b\"c"));
    // `=` in the value, `#` after the key are ordinary.
    assert_eq!(one("A=b=c#d\n"), kv("A", "b=c#d"));
    // CR ends a line like LF.
    assert_eq!(pairs(b"A=1\rB=2\r\n"), vec![kv("A", "1"), kv("B", "2")]);
}

#[test]
fn comments_keys_without_values_and_repeats() {
    assert_eq!(
        pairs(b"# c\n; c\nNOVALUE\n  \nA=1\nA=2\nB=\n"),
        vec![kv("A", "1"), kv("A", "2"), kv("B", "")]
    );
    let s = Session::from_bytes("1", b"TTY=tty1\nTTY=tty2\nSEAT=\nCLASS=''\n");
    assert_eq!(s.tty(), Some(&b"tty2"[..]));
    // Present but empty: the raw value is there, the typed one is not.
    assert_eq!(s.value("SEAT"), Some(&b""[..]));
    assert_eq!(s.seat(), None);
    assert_eq!(s.class(), None);
    // systemd 252: a comment ending in `\` swallows the next line.
    assert_eq!(
        pairs(b"#x\\\nTTY=hidden\nSEAT=seen\n"),
        vec![kv("SEAT", "seen")]
    );
    // A key with blanks inside keeps them; `=` alone starts a key.
    assert_eq!(pairs(b"A B=1\n=x\n"), vec![kv("A B", "1")]);
}

#[test]
fn half_written_files_end_where_the_bytes_end() {
    assert_eq!(
        pairs(b"USER=alice\nTTY=pts"),
        vec![kv("USER", "alice"), kv("TTY", "pts")]
    );
    assert_eq!(pairs(b"USER=alice\nTT"), vec![kv("USER", "alice")]);
    assert_eq!(pairs(b"A='abc"), vec![kv("A", "abc")]);
    assert_eq!(pairs(b"A=\"ab\\"), vec![kv("A", "ab")]);
    assert_eq!(pairs(b"A=ab\\"), vec![kv("A", "ab")]);
    assert_eq!(pairs(b"A=ab  "), vec![kv("A", "ab")]);
    assert_eq!(pairs(b"A="), vec![kv("A", "")]);
    assert!(parse(b"").is_empty());
    assert!(parse(b"# This is private data. Do not parse.\n").is_empty());
}

#[test]
fn a_nul_byte_ends_the_parse_like_the_c_string_systemd_parses() {
    assert_eq!(
        pairs(b"A=1\nB=x\0y\nC=3\n"),
        vec![kv("A", "1"), kv("B", "x")]
    );
}

#[test]
fn non_utf8_bytes_are_kept_exactly() {
    let s = Session::from_bytes("3", b"USER=al\xffce\nREMOTE_HOST=h\xc3\n");
    assert_eq!(s.user(), Some(&b"al\xffce"[..]));
    assert_eq!(s.remote_host(), Some(&b"h\xc3"[..]));
    assert!(!s.is_utf8());
    assert_eq!(s.entry().user_bytes(), b"al\xffce");
    // systemd also refuses non-characters, which Rust calls valid UTF-8.
    assert!(!Session::from_bytes("3", "USER=\u{FDD0}\n".as_bytes()).is_utf8());
    assert!(!Session::from_bytes("3", "X\u{FFFF}=1\n".as_bytes()).is_utf8());
    assert!(Session::from_bytes("3", "USER=é\n".as_bytes()).is_utf8());
}

#[test]
fn numbers_follow_parse_uid_and_parse_boolean() {
    for (text, uid) in [
        ("0", Some(0)),
        ("1000", Some(1000)),
        ("4294967294", Some(4_294_967_294)),
        ("65534", Some(65534)),
        ("65535", None),
        ("4294967295", None),
        ("4294967296", None),
        ("01000", None),
        ("00", None),
        ("+1", None),
        ("-1", None),
        (" 1", None),
        ("1 ", None),
        ("1x", None),
        ("", None),
    ] {
        assert_eq!(parse_uid(text.as_bytes()), uid, "{text:?}");
    }
    for (text, b) in [
        ("1", Some(true)),
        ("YES", Some(true)),
        ("y", Some(true)),
        ("True", Some(true)),
        ("t", Some(true)),
        ("on", Some(true)),
        ("0", Some(false)),
        ("No", Some(false)),
        ("n", Some(false)),
        ("false", Some(false)),
        ("F", Some(false)),
        ("off", Some(false)),
        ("2", None),
        ("", None),
        ("yes ", None),
    ] {
        assert_eq!(parse_boolean(text.as_bytes()), b, "{text:?}");
    }
    let s = Session::from_bytes("1", b"LEADER=0\nREALTIME=x\n");
    assert_eq!(s.leader(), None);
    assert_eq!(s.start_time_micros(), None);
    let s = Session::from_bytes("1", b"LEADER=2147483648\nREALTIME=18446744073709551616\n");
    assert_eq!(s.leader(), None);
    assert_eq!(s.start_time_micros(), None);
}

#[test]
fn the_entry_view_of_other_classes_and_lines() {
    let greeter = Session::from_bytes(
        "c1",
        b"USER=gdm\nCLASS=greeter\nSEAT=seat0\nSERVICE=gdm-launch\n",
    );
    let e = greeter.entry();
    assert_eq!(e.entry_type(), EntryType::LoginProcess);
    assert_eq!(e.line(), "seat0");
    assert_eq!(
        e.session(),
        Some(0),
        "a non-numeric id leaves ut_session zero"
    );
    let bg = Session::from_bytes("7", b"USER=bob\nCLASS=background\nSERVICE=cron\n");
    assert_eq!(bg.entry().entry_type(), EntryType::LoginProcess);
    assert_eq!(bg.entry().line(), "cron");
    let early = Session::from_bytes("8", b"USER=bob\nCLASS=user-early\n");
    assert_eq!(early.entry().entry_type(), EntryType::UserProcess);
    assert_eq!(early.entry().line(), "");
    let none = Session::from_bytes("9", b"");
    assert_eq!(none.entry().entry_type(), EntryType::LoginProcess);
    assert_eq!(none.entry().seconds(), 0);
    assert!(none.unfit_fields().is_empty());
}

#[test]
fn values_too_long_for_the_record_are_cut_and_named() {
    let user = "ü".repeat(20); // 40 bytes
    let host = "h".repeat(300);
    let text = format!("USER={user}\nREMOTE_HOST={host}\nTTY=pts/1\nCLASS=user\n");
    let s = Session::from_bytes("2", text.as_bytes());
    let e = s.entry();
    // Cut at a character boundary: 16 two-byte characters fill 32 bytes.
    assert_eq!(e.user_lossy(), "ü".repeat(16));
    assert_eq!(e.host_bytes().len(), layout::UT_HOST.len);
    assert_eq!(s.unfit_fields(), vec!["ut_user", "ut_host"]);
    // The session keeps the whole values.
    assert_eq!(s.user(), Some(user.as_bytes()));
    assert_eq!(s.remote_host(), Some(host.as_bytes()));
    // An odd cut inside a 2-byte character backs off one byte.
    let s = Session::from_bytes("2", format!("USER=a{}\n", "ü".repeat(16)).as_bytes());
    assert_eq!(s.entry().user_bytes().len(), 31);
}

#[test]
fn a_start_time_the_record_cannot_hold_is_named() {
    // Year 2106: beyond a 32-bit ut_tv.tv_sec (glibc x86_64), within a 64-bit one.
    let s = Session::from_bytes("4", b"REALTIME=4300000000000000\n");
    if layout::TV_SEC.len == 4 {
        assert_eq!(s.unfit_fields(), vec!["ut_tv"]);
        assert_eq!(s.entry().seconds(), 0);
    } else {
        assert!(s.unfit_fields().is_empty());
        assert_eq!(s.entry().seconds(), 4_300_000_000);
    }
}

#[test]
fn names_the_listing_skips_and_ids_it_accepts() {
    for name in [
        ".#5abc",
        "5~",
        "5.bak",
        "5.dpkg-old",
        "x.rpmnew",
        "5.new",
        "lost+found",
        "aquota.user",
    ] {
        assert!(hidden_or_backup(name.as_bytes()), "{name}");
    }
    for name in ["5", "c1", "5.ref", "a-b", "5.bak.x"] {
        assert!(!hidden_or_backup(name.as_bytes()), "{name}");
    }
    assert!(is_session_id(b"5"));
    assert!(is_session_id(b"c12"));
    assert!(!is_session_id(b""));
    assert!(!is_session_id(b"5.ref"));
    assert!(!is_session_id(b"a-b"));
    assert!(!is_session_id("é".as_bytes()));
}

#[test]
fn ids_sort_numbers_first_in_numeric_order() {
    let mut ids: Vec<std::ffi::OsString> = ["c2", "10", "2", "c10", "1", "a"]
        .iter()
        .map(Into::into)
        .collect();
    ids.sort_by(|a, b| id_order(a, b));
    assert_eq!(ids, ["1", "2", "10", "a", "c10", "c2"]);
}

fn parse_slow(s: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    parse_with(s, false, |k, v| out.push((k.to_vec(), v.to_vec())));
    out
}

#[test]
fn plain_lines_take_the_fast_path_to_the_same_result() {
    for text in [
        &b"A=1\nB=2"[..],
        b"A=1\r\nB=x y\n",
        b"A=\nB='q'\n C=#x;\n",
        b"KEY_1=v=w\n=x\nK-2=v\n",
        b"A=a\\\nb\n",
    ] {
        assert_eq!(
            parse(text),
            parse_slow(text),
            "{:?}",
            String::from_utf8_lossy(text)
        );
    }
}

proptest::proptest! {
    #[test]
    #[cfg_attr(miri, ignore = "safe code; minutes under Miri (the byte-level tests above run)")]
    fn fast_and_slow_paths_agree(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "A", "B_1", "=", "=", "\n", "\n", "\r", " ", "\t", "'", "\"", "\\", "#", ";",
                "x", "é", "-", "\0",
            ]),
            0..40,
        )
    ) {
        let text = parts.concat();
        proptest::prop_assert_eq!(parse(text.as_bytes()), parse_slow(text.as_bytes()));
    }
}

#[test]
fn known_keys_have_their_slots() {
    for (i, key) in KNOWN.iter().enumerate() {
        assert_eq!(known_slot(key.as_bytes()), Some(i), "{key}");
    }
    assert_eq!(known_slot(b"AUDIT"), None);
    assert_eq!(known_slot(b"uid"), None);
}
