//! Property tests: the encoder and the decoder agree on every value, and any
//! bytes at all decode without a panic.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use utmp::{
    entries, Entry, EntryBuilder, EntryRef, EntryType, Error, ExitStatus, Reader, RECORD_SIZE,
};

/// Bytes of a string field: anything but NUL (a NUL would end the string).
fn c_string(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(1u8..=255, 0..=max)
}

/// A whole record of arbitrary bytes, half of them zero so that string fields
/// often end inside their array.
fn record() -> impl Strategy<Value = [u8; RECORD_SIZE]> {
    prop::collection::vec(prop_oneof![any::<u8>(), Just(0u8)], RECORD_SIZE).prop_map(|v| {
        let mut out = [0u8; RECORD_SIZE];
        out.copy_from_slice(&v);
        out
    })
}

fn address() -> impl Strategy<Value = Option<IpAddr>> {
    prop_oneof![
        Just(None),
        any::<[u8; 4]>().prop_map(|b| Some(IpAddr::V4(Ipv4Addr::from(b)))),
        any::<[u8; 16]>().prop_map(|b| Some(IpAddr::V6(Ipv6Addr::from(b)))),
    ]
}

#[derive(Debug, Clone)]
struct Fields {
    raw_type: i16,
    pid: i32,
    user: Vec<u8>,
    line: Vec<u8>,
    host: Vec<u8>,
    id: Vec<u8>,
    exit: ExitStatus,
    session: i32,
    seconds: u32,
    micros: i32,
    address: Option<IpAddr>,
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        (any::<i16>(), any::<i32>(), c_string(32), c_string(32)),
        (
            c_string(256),
            prop::collection::vec(any::<u8>(), 0..=4),
            any::<(i16, i16)>(),
            any::<i32>(),
        ),
        (
            any::<u32>(),
            prop_oneof![0..1_000_000i32, any::<i32>()],
            address(),
        ),
    )
        .prop_map(
            |(
                (raw_type, pid, user, line),
                (host, id, (termination, exit), session),
                (seconds, micros, address),
            )| Fields {
                raw_type,
                pid,
                user,
                line,
                host,
                id,
                exit: ExitStatus { termination, exit },
                session,
                seconds,
                micros,
                address,
            },
        )
}

/// `ut_addr_v6` as the builder stores an address: IPv4 in the first word.
fn stored_address(addr: Option<IpAddr>) -> [u8; 16] {
    let mut raw = [0u8; 16];
    match addr {
        Some(IpAddr::V4(a)) => raw[..4].copy_from_slice(&a.octets()),
        Some(IpAddr::V6(a)) => raw = a.octets(),
        None => {}
    }
    raw
}

/// Every accessor of `e`, exercised (and its results kept, so nothing is
/// optimized away).
fn touch_everything<B: std::borrow::Borrow<[u8; RECORD_SIZE]>>(e: &Entry<B>) -> usize {
    let mut n = 0;
    n += e.entry_type().to_string().len();
    n += usize::from(e.is_user_process());
    n += e.pid().to_string().len();
    n += e.user().len() + e.user_bytes().len() + e.user_lossy().len();
    n += e.line().len() + e.line_bytes().len() + e.line_lossy().len();
    n += e.host().len() + e.host_bytes().len() + e.host_lossy().len();
    n += e.id().len() + e.id_bytes().len() + e.id_lossy().len() + e.id_raw().len();
    n += e.device().map_or(0, |d| d.as_os_str().len());
    n += e.seconds().to_string().len() + e.microseconds().to_string().len();
    n += usize::from(e.time().is_some());
    n += e.exit_status().map_or(0, |s| s.exit.to_string().len());
    n += e.session().map_or(0, |s| s.to_string().len());
    n += e.address().map_or(0, |a| a.to_string().len()) + e.address_bytes().map_or(0, |a| a.len());
    n += format!("{e:?}").len();
    n
}

proptest! {
    #[test]
    #[cfg_attr(miri, ignore)]
    fn built_entries_decode_to_what_was_set(f in fields()) {
        let entry = EntryBuilder::new(EntryType::from_raw(f.raw_type))
            .pid(f.pid)
            .user(&f.user)
            .line(&f.line)
            .host(&f.host)
            .id(&f.id)
            .exit_status(f.exit)
            .session(i64::from(f.session))
            .seconds(i64::from(f.seconds))
            .microseconds(i64::from(f.micros))
            .address(f.address)
            .build()
            .unwrap();
        // Through the on-disk bytes and back.
        let bytes = entry.as_bytes().to_vec();
        let e = EntryRef::from_slice(&bytes).unwrap();

        prop_assert_eq!(e.raw_type(), f.raw_type);
        prop_assert_eq!(e.entry_type(), EntryType::from_raw(f.raw_type));
        prop_assert_eq!(e.is_user_process(), Some(f.raw_type) == EntryType::UserProcess.raw());
        prop_assert_eq!(e.pid(), f.pid);
        prop_assert_eq!(e.user_bytes(), &f.user[..]);
        prop_assert_eq!(e.line_bytes(), &f.line[..]);
        prop_assert_eq!(e.host_bytes(), &f.host[..]);
        let mut id = f.id.clone();
        id.resize(4, 0);
        prop_assert_eq!(e.id_raw(), &id[..]);
        let id_cut = f.id.iter().position(|&b| b == 0).map_or(&f.id[..], |n| &f.id[..n]);
        prop_assert_eq!(e.id_bytes(), id_cut);
        prop_assert_eq!(e.exit_status(), Some(f.exit));
        prop_assert_eq!(e.session(), Some(i64::from(f.session)));
        prop_assert_eq!(e.seconds(), i64::from(f.seconds));
        prop_assert_eq!(e.microseconds(), i64::from(f.micros));
        let want_time = u32::try_from(f.micros)
            .ok()
            .filter(|&us| us < 1_000_000)
            .map(|us| UNIX_EPOCH + Duration::from_secs(u64::from(f.seconds)) + Duration::from_micros(u64::from(us)));
        prop_assert_eq!(e.time(), want_time);
        let raw = stored_address(f.address);
        prop_assert_eq!(e.address_bytes(), Some(raw));
        // utmp(5): IPv4 uses only the first word; all zero is no address.
        let want_addr = if raw == [0; 16] {
            None
        } else if raw[4..] == [0; 12] {
            Some(IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3])))
        } else {
            Some(IpAddr::V6(Ipv6Addr::from(raw)))
        };
        prop_assert_eq!(e.address(), want_addr);
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn any_bytes_split_into_whole_records_and_one_trailing_error(
        bytes in prop::collection::vec(any::<u8>(), 0..RECORD_SIZE * 4 + 7),
    ) {
        let whole = bytes.len() / RECORD_SIZE;
        let rest = bytes.len() % RECORD_SIZE;
        for items in [
            entries(&bytes).map(|r| r.map(|e| e.to_entry())).collect::<Vec<_>>(),
            Reader::new(&bytes[..]).collect::<Vec<_>>(),
        ] {
            prop_assert_eq!(items.len(), whole + usize::from(rest != 0));
            for (i, item) in items.iter().take(whole).enumerate() {
                let e = item.as_ref().unwrap();
                prop_assert_eq!(&e.as_bytes()[..], &bytes[i * RECORD_SIZE..(i + 1) * RECORD_SIZE]);
            }
            if rest != 0 {
                match items.last() {
                    Some(Err(Error::TrailingBytes { offset, len, record_size, .. })) => {
                        prop_assert_eq!(*offset, (whole * RECORD_SIZE) as u64);
                        prop_assert_eq!(*len, rest);
                        prop_assert_eq!(*record_size, RECORD_SIZE);
                    }
                    other => prop_assert!(false, "{:?}", other),
                }
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn any_record_decodes_and_copies_exactly(raw in record()) {
        let e = Entry::from_bytes(raw);
        touch_everything(&e);
        touch_everything(&e.as_entry_ref());
        prop_assert_eq!(*e.to_entry().as_bytes(), raw);
        prop_assert_eq!(*e.as_entry_ref().to_entry().as_bytes(), raw);
        prop_assert_eq!(EntryRef::from_slice(&raw).unwrap().to_entry(), e);
        prop_assert_eq!(EntryBuilder::from_entry(e).build().unwrap(), e);
    }
}

#[cfg(feature = "serde")]
proptest! {
    #[test]
    #[cfg_attr(miri, ignore)]
    fn serde_json_round_trip_is_byte_exact(raw in record()) {
        let e = Entry::from_bytes(raw);
        let json = serde_json::to_string(&e).unwrap();
        let back: Entry = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.as_bytes(), &raw, "{}", json);
        prop_assert_eq!(serde_json::to_string(&e.as_entry_ref()).unwrap(), json);
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn serde_json_of_built_entries_is_text_and_round_trips(f in fields()) {
        let e = EntryBuilder::new(EntryType::from_raw(f.raw_type))
            .pid(f.pid)
            .user(&f.user)
            .host(&f.host)
            .seconds(i64::from(f.seconds))
            .microseconds(i64::from(f.micros))
            .address(f.address)
            .build()
            .unwrap();
        let v = serde_json::to_value(e).unwrap();
        match std::str::from_utf8(&f.user) {
            Ok(s) => prop_assert_eq!(&v["user"], &serde_json::json!(s)),
            Err(_) => {
                prop_assert_eq!(&v["user"], &serde_json::json!(String::from_utf8_lossy(&f.user)));
                prop_assert!(v["user_hex"].is_string());
            }
        }
        prop_assert_eq!(v["time"].is_null(), e.time().is_none());
        let back: Entry = serde_json::from_value(v).unwrap();
        prop_assert_eq!(back, e);
    }
}
