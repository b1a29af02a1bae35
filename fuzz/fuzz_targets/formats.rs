//! Arbitrary bytes read as every record format, and through detection: the
//! slice reader (both directions) and the streaming reader agree record for
//! record, every entry holds the accessors' promises, every decoded record
//! that the format can encode again round-trips byte-exactly, `detect` ranks
//! confidences from 0 to 1 in order, and nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use utmp::{detect, entries_in, validate_in, Format, Reader};
use utmp_fuzz::check_entry;

fuzz_target!(|data: &[u8]| {
    let ranked = detect(data);
    for pair in ranked.windows(2) {
        assert!(pair[0].1 >= pair[1].1);
    }
    assert!(ranked.iter().all(|(_, c)| (0.0..=1.0).contains(c)));

    for f in Format::ALL {
        let forward: Vec<_> = entries_in(data, f).collect();
        let mut backward: Vec<_> = entries_in(data, f).rev().collect();
        backward.reverse();
        let streamed: Vec<_> = Reader::new(data).with_format(f).collect();
        let records = |v: &[utmp::Result<utmp::Entry>]| -> Vec<String> {
            v.iter()
                .filter(|r| !matches!(r, Err(utmp::Error::TrailingBytes { .. })))
                .map(|r| format!("{r:?}"))
                .collect()
        };
        assert_eq!(records(&forward), records(&backward), "{f}");
        assert_eq!(records(&forward), records(&streamed), "{f}");
        for e in forward.iter().flatten() {
            check_entry(e);
            assert_eq!(e.format(), f);
            if let Ok(bytes) = f.encode(e) {
                let again: Vec<_> = entries_in(&bytes, f).collect();
                assert_eq!(again.len(), 1, "{f}");
                let back = again[0].as_ref().expect("an encoded record decodes");
                assert_eq!(f.encode(back).ok(), Some(bytes), "{f}");
            }
        }
        let _ = validate_in(data, f);
    }
});
