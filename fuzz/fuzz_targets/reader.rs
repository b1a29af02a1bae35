//! Arbitrary bytes through the direct reader: `entries()` (both directions) and
//! `Reader::new` over short reads yield exactly `len / RECORD_SIZE` records,
//! then one `TrailingBytes` iff there is a remainder; every accessor of every
//! entry holds its promises; nothing panics.
#![no_main]

use std::io::{self, Read};

use libfuzzer_sys::fuzz_target;
use utmp::{entries, Error, Reader, RECORD_SIZE};
use utmp_fuzz::check_entry;

/// Hands out at most `step` bytes per read, as a pipe might.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        let (head, tail) = self.data.split_at(n);
        buf[..n].copy_from_slice(head);
        self.data = tail;
        Ok(n)
    }
}

fn check_trailing(err: &Error, whole: usize, rem: usize) {
    match err {
        Error::TrailingBytes {
            offset,
            len,
            record_size,
            ..
        } => {
            assert_eq!(*offset, (whole * RECORD_SIZE) as u64);
            assert_eq!((*len, *record_size), (rem, RECORD_SIZE));
        }
        other => panic!("unexpected error {other}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let whole = data.len() / RECORD_SIZE;
    let rem = data.len() % RECORD_SIZE;

    let it = entries(data);
    assert_eq!(it.len(), whole + usize::from(rem != 0));
    let mut forward = Vec::new();
    let mut errors = 0;
    for item in it {
        match item {
            Ok(e) => {
                assert_eq!(errors, 0, "a record after the error");
                check_entry(&e);
                forward.push(e);
            }
            Err(err) => {
                check_trailing(&err, whole, rem);
                errors += 1;
            }
        }
    }
    assert_eq!(forward.len(), whole);
    assert_eq!(errors, usize::from(rem != 0));

    let mut backward: Vec<_> = entries(data).rev().collect();
    if rem != 0 {
        assert!(matches!(backward.first(), Some(Err(_))));
        backward.drain(..1);
    }
    backward.reverse();
    assert_eq!(backward.len(), whole);
    for (a, b) in forward.iter().zip(&backward) {
        assert_eq!(Some(a.as_bytes()), b.as_ref().ok().map(|b| b.as_bytes()));
    }

    let step = 1 + usize::from(data.first().copied().unwrap_or(0)) * 13;
    let mut reader = Reader::new(Trickle { data, step });
    let mut n = 0;
    let mut stream_errors = 0;
    while let Some(item) = reader.next_ref() {
        match item {
            Ok(e) => {
                assert_eq!(Some(e.as_bytes()), forward.get(n).map(|f| f.as_bytes()));
                n += 1;
            }
            Err(err) => {
                check_trailing(&err, whole, rem);
                stream_errors += 1;
            }
        }
    }
    assert_eq!((n, stream_errors), (whole, usize::from(rem != 0)));
    assert!(reader.next_ref().is_none(), "fused");

    match utmp::validate(data) {
        Ok(()) => {
            assert_eq!(rem, 0);
            assert!(forward.iter().all(|e| e.is_plausible()));
        }
        Err(Error::TrailingBytes { .. }) => assert_ne!(rem, 0),
        Err(Error::Implausible { offset, .. }) => {
            let i = usize::try_from(offset).unwrap_or(usize::MAX) / RECORD_SIZE;
            assert!(forward.get(i).is_some_and(|e| !e.is_plausible()));
            assert!(forward.iter().take(i).all(|e| e.is_plausible()));
        }
        Err(other) => panic!("validate: {other}"),
    }
});
