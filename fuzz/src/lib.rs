//! What the fuzz targets share: calling every accessor of an entry and checking
//! what the library promises about each of them.

use std::borrow::Borrow;
use std::time::UNIX_EPOCH;

use utmp::{Entry, EntryType, Field, RecordBytes, System};

/// A string field: cut at the first NUL, never longer than its array.
fn check_string(bytes: &[u8], lossy: &str, cap: usize) {
    assert!(bytes.len() <= cap);
    assert!(!bytes.contains(&0));
    if let Ok(s) = std::str::from_utf8(bytes) {
        assert_eq!(s, lossy);
    } else {
        assert!(lossy.contains('\u{fffd}'));
    }
}

/// Calls every accessor of `e` and checks the invariants each one promises.
pub fn check_entry<B: Borrow<RecordBytes>>(e: &Entry<B>) {
    check_string(e.user_bytes(), &e.user_lossy(), 32);
    check_string(e.line_bytes(), &e.line_lossy(), 32);
    check_string(e.host_bytes(), &e.host_lossy(), 256);
    let f = e.format();
    // FreeBSD's ut_id is 8 bytes, the old BSD struct utmp has none.
    let id_len = match (f.has(Field::Id), f.system()) {
        (false, _) => 0,
        (true, System::FreeBsd) => 8,
        (true, _) => 4,
    };
    check_string(e.id_bytes(), &e.id_lossy(), id_len);
    assert_eq!(e.user().len(), e.user_bytes().len());
    assert_eq!(e.line().len(), e.line_bytes().len());
    assert_eq!(e.host().len(), e.host_bytes().len());
    assert_eq!(e.id().len(), e.id_bytes().len());
    assert_eq!(e.id_raw().len(), id_len);
    assert!(e.id_raw().starts_with(e.id_bytes()));
    assert_eq!(e.exit_status().is_some(), f.has(Field::Exit));
    assert_eq!(e.session().is_some(), f.has(Field::Session));
    assert_eq!(e.address_bytes().is_some(), f.has(Field::Address));
    if !f.has(Field::Microseconds) {
        assert_eq!(e.microseconds(), 0);
    }

    let t = e.entry_type();
    if f.is_host() {
        assert_eq!(t.raw(), Some(e.raw_type()));
        assert_eq!(EntryType::from_raw(e.raw_type()), t);
    } else if f.has(Field::Type) {
        // The raw number is the record's own system's; the kind is what it
        // means there.
        assert_eq!(f.entry_type(e.raw_type()), t);
        assert_eq!(f.type_name(e.raw_type()), e.type_name());
    }
    assert_eq!(e.is_user_process(), t == EntryType::UserProcess);
    assert!(!t.to_string().is_empty());

    if let Some(dev) = e.device() {
        assert!(!e.line_bytes().is_empty());
        assert!(dev.is_absolute());
    }
    let usec = e.microseconds();
    match e.time() {
        Some(time) => {
            assert!((0..1_000_000).contains(&usec));
            let secs = e.seconds();
            if secs >= 0 {
                let d = time.duration_since(UNIX_EPOCH).ok();
                assert_eq!(d.map(|d| d.as_secs()), u64::try_from(secs).ok());
                assert_eq!(d.map(|d| i64::from(d.subsec_micros())), Some(usec));
            }
        }
        None => {
            // Only a bad tv_usec, or a time beyond SystemTime, is no time.
            assert!(!(0..1_000_000).contains(&usec) || e.seconds().unsigned_abs() > 1 << 62);
        }
    }
    let _ = (e.pid(), e.session(), e.exit_status());
    // A host record always has the address field; absent would be a format
    // without one.
    let raw = e.address_bytes().unwrap_or([0; 16]);
    match e.address() {
        None => assert_eq!(raw, [0; 16]),
        Some(std::net::IpAddr::V4(v4)) => {
            assert_eq!(raw.get(..4), Some(&v4.octets()[..]));
            assert!(raw.get(4..).is_some_and(|r| r.iter().all(|&b| b == 0)));
        }
        Some(std::net::IpAddr::V6(v6)) => assert_eq!(raw, v6.octets()),
    }
    assert_eq!(e.is_plausible(), e.implausibility().is_none());
    let _ = format!("{e:?}");
    let owned: Entry = e.to_entry();
    assert_eq!(owned.as_bytes(), e.as_bytes());
    assert_eq!(owned.format(), f);
    assert_eq!(owned.as_entry_ref().as_bytes(), e.as_bytes());
}
