//! Every format, both ways: encoder -> reader -> encoder is byte-exact, the
//! streaming, slice and reverse readers agree, and no bytes make a reader or
//! the detector panic.

use proptest::prelude::*;
use utmp::{entries_in, EntryBuilder, EntryType, ExitStatus, Field, Format, Reader};

/// Record bytes biased to zeros, so that string fields end early and values
/// fall in range often enough for the property to bite.
fn record_bytes(len: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![3 => Just(0u8), 1 => b'a'..=b'z', 1 => any::<u8>()],
        len,
    )
}

fn format() -> impl Strategy<Value = Format> {
    proptest::sample::select(Format::ALL.to_vec())
}

/// One record of `f` as bytes: a whole record, or for utx.log a futx body.
fn one_record(f: Format) -> impl Strategy<Value = Vec<u8>> {
    record_bytes(f.record_size().unwrap_or(197))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 512 }))]

    /// decode(bytes) = e0; encode(e0) = b1; decode(b1) = e1 with the same
    /// fields; encode(e1) = b1 exactly.
    #[test]
    fn encoder_reader_encoder_is_byte_exact((f, bytes) in format().prop_flat_map(|f| (Just(f), one_record(f)))) {
        // A record this host cannot hold is rejected, not passed: proptest
        // counts rejections and fails when they crowd out the cases.
        let e0 = f.decode(&bytes);
        prop_assume!(e0.is_ok(), "not decodable here: {:?}", e0.err());
        let e0 = e0.unwrap();
        let b1 = f.encode(&e0);
        prop_assume!(b1.is_ok(), "not encodable here: {:?}", b1.err());
        let b1 = b1.unwrap();
        let e1: Vec<_> = entries_in(&b1, f).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(e1.len(), 1);
        let e1 = e1[0];
        prop_assert_eq!(
            (e1.entry_type(), e1.raw_type(), e1.pid(), e1.user_bytes(), e1.line_bytes(), e1.host_bytes()),
            (e0.entry_type(), e0.raw_type(), e0.pid(), e0.user_bytes(), e0.line_bytes(), e0.host_bytes())
        );
        prop_assert_eq!((e1.seconds(), e1.microseconds(), e1.exit_status(), e1.session()),
            (e0.seconds(), e0.microseconds(), e0.exit_status(), e0.session()));
        prop_assert_eq!(e1.address(), e0.address());
        prop_assert_eq!(f.encode(&e1).unwrap(), b1);
    }

    /// Any bytes: the readers of every format and the detector never panic,
    /// and the streaming, slice (both ways) readers agree.
    #[test]
    fn any_bytes_read_the_same_every_way(f in format(), bytes in proptest::collection::vec(any::<u8>(), 0..1200)) {
        let _ = utmp::detect(&bytes);
        let _ = utmp::validate_in(&bytes, f);
        let fwd: Vec<String> = entries_in(&bytes, f).map(|r| format!("{r:?}")).collect();
        let mut back: Vec<String> = entries_in(&bytes, f).rev().map(|r| format!("{r:?}")).collect();
        back.reverse();
        // Backwards, the trailing error comes first: compare the records.
        let records = |v: &[String]| v.iter().filter(|s| !s.contains("TrailingBytes")).cloned().collect::<Vec<_>>();
        prop_assert_eq!(records(&fwd), records(&back));
        let streamed: Vec<String> = Reader::new(&bytes[..]).with_format(f).map(|r| format!("{r:?}")).collect();
        prop_assert_eq!(records(&fwd), records(&streamed));
    }
}

/// A record built field by field goes into every format that can hold it and
/// comes back with the same fields (absent ones absent).
#[test]
fn built_entries_survive_every_format() {
    let e = EntryBuilder::new(EntryType::UserProcess)
        .user("alice")
        .line("pts/3")
        .host("example.org")
        .id("ts/3")
        .pid(4242)
        .seconds(1_700_000_000)
        .microseconds(123_456)
        .address(Some("192.0.2.7".parse().unwrap()))
        .build()
        .unwrap();
    let mut written = 0;
    for f in Format::ALL {
        let mut want = e;
        if !f.has(Field::Pid) {
            // The old BSD struct utmp keeps no pid, id, address or microseconds:
            // the encoder says so instead of dropping them.
            assert!(f.encode(&e).is_err(), "{f}");
            want = EntryBuilder::from_entry(e)
                .pid(0)
                .id("")
                .microseconds(0)
                .address(None)
                .build()
                .unwrap();
        } else if !f.has(Field::Address) {
            assert!(f.encode(&e).is_err(), "{f}");
            want = EntryBuilder::from_entry(e).address(None).build().unwrap();
        }
        let bytes = f.encode(&want).unwrap_or_else(|err| panic!("{f}: {err}"));
        let back: Vec<_> = entries_in(&bytes, f).collect::<Result<_, _>>().unwrap();
        assert_eq!(back.len(), 1, "{f}");
        let b = &back[0];
        assert_eq!(b.format(), f);
        assert_eq!(b.entry_type(), EntryType::UserProcess, "{f}");
        assert_eq!(
            (b.user_lossy(), b.line_lossy(), b.host_lossy()),
            ("alice".into(), "pts/3".into(), "example.org".into()),
            "{f}"
        );
        assert_eq!(b.seconds(), 1_700_000_000, "{f}");
        assert_eq!(b.microseconds(), want.microseconds(), "{f}");
        assert_eq!(b.pid(), want.pid(), "{f}");
        assert_eq!(b.id_bytes(), want.id_bytes(), "{f}");
        assert_eq!(b.address(), want.address(), "{f}");
        assert_eq!(b.exit_status().is_some(), f.has(Field::Exit), "{f}");
        assert_eq!(b.session().is_some(), f.has(Field::Session), "{f}");
        if f.has(Field::Exit) {
            assert_eq!(b.exit_status(), Some(ExitStatus::default()));
        }
        written += 1;
    }
    assert_eq!(written, Format::ALL.len());
}

/// Values a format cannot hold are errors, never cut: a time before 1970 in
/// FreeBSD's unsigned microseconds, RUN_LVL on FreeBSD, a 33-byte user in
/// NetBSD's old 8-byte name.
#[test]
fn encoding_refuses_what_a_format_cannot_hold() {
    // A time before 1970 from a 64-bit-time record: where this host's
    // tv_sec is an unsigned 32-bit field the record cannot be represented
    // (an error, not a wrapped time); where it is 64 bits, FreeBSD's unsigned
    // microseconds cannot hold it.
    let boot = EntryBuilder::new(EntryType::BootTime).build().unwrap();
    let mut b = Format::GLIBC_400_LE.encode(&boot).unwrap();
    b[344..352].copy_from_slice(&(-5i64).to_le_bytes());
    match Format::GLIBC_400_LE.decode(&b) {
        Ok(before_1970) => {
            assert_eq!(before_1970.seconds(), -5);
            assert!(Format::FREEBSD_UTX.encode(&before_1970).is_err());
        }
        Err(utmp::Error::Unrepresentable { field, .. }) => {
            assert_eq!(field, "ut_tv.tv_sec");
            assert_eq!(utmp::RECORD_SIZE, 384, "only a 32-bit tv_sec refuses -5");
        }
        Err(e) => panic!("{e}"),
    }
    let runlevel = EntryBuilder::new(EntryType::RunLevel).build().unwrap();
    assert!(Format::FREEBSD_UTX.encode(&runlevel).is_err());
    let long = EntryBuilder::new(EntryType::UserProcess)
        .user("abcdefghi")
        .line("tty1")
        .build()
        .unwrap();
    assert!(Format::NETBSD_UTMP_LE.encode(&long).is_err());
}
