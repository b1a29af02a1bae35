//! logind session files: any bytes parse without a panic, every accessor
//! answers, keys look like keys, the last assignment wins, and the `Entry`
//! view holds a prefix of each value, cut only where `unfit_fields` says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use utmp::logind::{parse, Session};
use utmp_fuzz::check_entry;

fuzz_target!(|data: &[u8]| {
    let pairs = parse(data);
    let end = data.iter().position(|&c| c == 0).unwrap_or(data.len());
    assert_eq!(pairs, parse(&data[..end]), "input after a NUL counted");
    for (key, value) in &pairs {
        assert!(!key.is_empty());
        assert!(!key.contains(&0) && !value.contains(&0));
        assert!(!key.contains(&b'\n') && !key.contains(&b'\r'));
        assert!(!b"#; \t".contains(&key[0]), "key starts with {:?}", key[0]);
        assert!(
            !b" \t".contains(key.last().unwrap()),
            "trailing blank in key"
        );
    }

    let s = Session::from_bytes("1", data);
    assert_eq!(s.pairs().count(), pairs.len());
    if let Some((key, value)) = pairs.last() {
        if let Ok(key) = std::str::from_utf8(key) {
            assert_eq!(s.value(key), Some(value.as_slice()));
        }
    }
    let _ = (
        s.uid(),
        s.display(),
        s.remote_user(),
        s.service(),
        s.session_type(),
    );
    let _ = (
        s.state(),
        s.active(),
        s.remote(),
        s.leader(),
        s.start_time(),
        s.is_utf8(),
    );

    let e = s.entry();
    check_entry(&e);
    let unfit = s.unfit_fields();
    for (field, whole, got) in [
        ("ut_user", s.user().unwrap_or_default(), e.user_bytes()),
        ("ut_line", s.line().unwrap_or_default(), e.line_bytes()),
        (
            "ut_host",
            s.remote_host().unwrap_or_default(),
            e.host_bytes(),
        ),
    ] {
        assert!(whole.starts_with(got), "{field} is not a prefix");
        assert_eq!(whole.len() != got.len(), unfit.contains(&field), "{field}");
    }
    assert_eq!(e.is_user_process(), s.is_user_class());
    assert_eq!(e.pid(), s.leader().unwrap_or(0));
});
