//! Property tests of the logind session-file parser: any bytes parse without
//! a panic, values written with systemd's quoting come back exactly, and the
//! `Entry` view cuts only what does not fit and always says so.

use proptest::prelude::*;
use utmp::logind::{parse, Session};
use utmp::EntryType;

/// Quotes a value the way systemd's `write_env_var` does: bare when it
/// holds nothing special, else in double quotes with `` "\`$ `` escaped.
fn quoted(value: &[u8]) -> Vec<u8> {
    const SPECIAL: &[u8] = b" \t\n\r\"\\`$'#;";
    if !value.is_empty() && !value.iter().any(|c| SPECIAL.contains(c)) {
        return value.to_vec();
    }
    let mut out = vec![b'"'];
    for &c in value {
        if b"\"\\`$".contains(&c) {
            out.push(b'\\');
        }
        out.push(c);
    }
    out.push(b'"');
    out
}

/// A value: any bytes but NUL (a NUL would end the C string systemd parses).
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(1u8..=255, 0..80)
}

fn key() -> impl Strategy<Value = String> {
    "[A-Z][A-Z0-9_]{0,15}"
}

proptest! {
    #[test]
    fn any_bytes_parse_and_every_accessor_answers(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let s = Session::from_bytes("1", &bytes);
        let _ = (s.uid(), s.user(), s.tty(), s.seat(), s.display(), s.remote_host());
        let _ = (s.remote_user(), s.service(), s.session_type(), s.class(), s.state());
        let _ = (s.active(), s.remote(), s.leader(), s.start_time(), s.is_utf8());
        let e = s.entry();
        let _ = (e.user_bytes(), e.line_bytes(), e.host_bytes(), s.unfit_fields());
        // Parsing stops at a NUL as systemd's C string does.
        if let Some(at) = bytes.iter().position(|&c| c == 0) {
            prop_assert_eq!(parse(&bytes), parse(&bytes[..at]));
        }
    }

    #[test]
    fn quoted_values_round_trip(pairs in prop::collection::vec((key(), value()), 0..12)) {
        let mut file = b"# This is private data. Do not parse.\n".to_vec();
        for (k, v) in &pairs {
            file.extend_from_slice(k.as_bytes());
            file.push(b'=');
            file.extend_from_slice(&quoted(v));
            file.push(b'\n');
        }
        let parsed = parse(&file);
        let want: Vec<(Vec<u8>, Vec<u8>)> = pairs
            .iter()
            .map(|(k, v)| (k.as_bytes().to_vec(), v.clone()))
            .collect();
        prop_assert_eq!(parsed, want);
    }

    #[test]
    fn the_view_cuts_only_what_does_not_fit(
        user in "[a-zé]{0,40}",
        tty in proptest::option::of("[a-z0-9/]{1,40}"),
        seat in proptest::option::of("seat[0-9]{1,3}"),
        host in "[a-z0-9.:]{0,300}",
        class in proptest::option::of("(user|user-early|greeter|background|lock-screen)"),
        realtime in prop_oneof![0u64..5_000_000_000_000_000, any::<u64>()],
    ) {
        let mut file = format!("USER={user}\nREMOTE_HOST={host}\nREALTIME={realtime}\n");
        if let Some(t) = &tty { file.push_str(&format!("TTY={t}\n")); }
        if let Some(s) = &seat { file.push_str(&format!("SEAT={s}\n")); }
        if let Some(c) = &class { file.push_str(&format!("CLASS={c}\n")); }
        let s = Session::from_bytes("42", file.as_bytes());
        let e = s.entry();
        let unfit = s.unfit_fields();
        let line = tty.as_deref().or(seat.as_deref()).unwrap_or("");
        for (field, whole, got, cap) in [
            ("ut_user", user.as_bytes(), e.user_bytes(), 32),
            ("ut_line", line.as_bytes(), e.line_bytes(), 32),
            ("ut_host", host.as_bytes(), e.host_bytes(), 256),
        ] {
            prop_assert!(whole.starts_with(got));
            prop_assert!(got.len() <= cap);
            prop_assert_eq!(whole.len() > cap, unfit.contains(&field), "{}", field);
            if whole.len() <= cap {
                prop_assert_eq!(got, whole);
            } else {
                // Cut at a character boundary, losing less than one character.
                prop_assert!(std::str::from_utf8(got).is_ok());
                prop_assert!(got.len() + 2 > cap);
            }
        }
        let user_class = class.as_deref().is_some_and(|c| c.starts_with("user"));
        let want = if user_class { EntryType::UserProcess } else { EntryType::LoginProcess };
        prop_assert_eq!(e.entry_type(), want);
        prop_assert_eq!(e.session(), Some(42));
        if unfit.contains(&"ut_tv") {
            prop_assert_eq!((e.seconds(), e.microseconds()), (0, 0));
        } else {
            prop_assert_eq!(u64::try_from(e.seconds()).unwrap(), realtime / 1_000_000);
            prop_assert_eq!(u64::try_from(e.microseconds()).unwrap(), realtime % 1_000_000);
        }
    }
}
