//! util-linux `last` pairing over arbitrary record sequences: nothing panics,
//! each record (read newest first) makes at most one session and that session
//! holds that very record, every session formats in every time format, and
//! the file cut into chunks (`ChunkPairing`, chunks of 1 to 8 records) pairs
//! to the same sessions.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use utmp::environment::FixedEnvironment;
use utmp::layouts::last::{LastFormat, TimeFormat};
use utmp::sessions::{Paired, Pairing, Sessions, TimeZone};
use utmp::{entries, RECORD_SIZE};
use utmp_fuzz::check_entry;

fuzz_target!(|data: &[u8]| {
    // The first 8 bytes choose the clock, the boot time and the options; the
    // rest are records.
    let (head, rest) = data.split_at(data.len().min(8));
    let records = &rest[..rest.len() / RECORD_SIZE * RECORD_SIZE];
    let mut h = [0u8; 8];
    h[..head.len()].copy_from_slice(head);
    let now =
        UNIX_EPOCH + Duration::from_secs(u64::from(u32::from_le_bytes([h[0], h[1], h[2], h[3]])));
    let boot = (h[4] & 1 == 1).then(|| {
        UNIX_EPOCH + Duration::from_secs(u64::from(u16::from_le_bytes([h[5], h[6]])) << 16)
    });
    let btmp = h[4] & 2 == 2;
    let state = FixedEnvironment::at(now)
        .boot(boot)
        .user("root", 0)
        .process(1, 0)
        .tty("tty1", 0);
    let tz = if h[4] & 4 == 4 {
        TimeZone::utc()
    } else {
        TimeZone::fixed(i32::from(h[7] as i8) * 900)
    };
    let formats = TimeFormat::ALL;
    let mut format = LastFormat::new(tz)
        .time_format(formats[usize::from(h[7]) % formats.len()])
        .full_names(h[4] & 8 == 8)
        .numeric_address(h[4] & 16 == 16);

    // Record by record: each push gives at most one session, of that record.
    let mut pairing = Pairing::new(state.clone()).btmp(btmp);
    let mut pushed = 0usize;
    let mut made = 0usize;
    let mut out = Vec::new();
    for e in entries(records).rev().flatten() {
        pushed += 1;
        if let Some(s) = pairing.push(e) {
            made += 1;
            assert_eq!(
                s.entry().as_bytes(),
                e.as_bytes(),
                "a session of another record"
            );
            check_entry(s.entry());
            let _ = (
                s.kind(),
                s.end(),
                s.duration(),
                s.login(),
                s.line_lossy(),
                s.host_lossy(),
            );
            out.clear();
            format.write_session(&s, &mut out);
        }
    }
    assert_eq!(pushed, records.len() / RECORD_SIZE);
    assert!(made <= pushed);

    // The iterator over the same records agrees with the pairing.
    let via_iter = Sessions::new(entries(records).rev(), state.clone())
        .btmp(btmp)
        .filter(|s| s.is_ok())
        .count();
    assert_eq!(via_iter, made);

    // In chunks, newest first: the done sessions, the pending records
    // paired by the true pairing in their places, then resumed.
    let row = |s: utmp::sessions::Session<&utmp::RecordBytes>| {
        (s.entry().as_bytes().to_vec(), s.kind(), s.end())
    };
    let whole: Vec<_> = {
        let mut p = Pairing::new(state.clone()).btmp(btmp);
        entries(records)
            .rev()
            .flatten()
            .filter_map(|e| p.push(e).map(row))
            .collect()
    };
    let size = usize::from(h[5] % 8) + 1;
    let mut p = Pairing::new(state).btmp(btmp);
    let mut chunked = Vec::new();
    let all: Vec<_> = entries(records).flatten().collect();
    for chunk in all.chunks(size).rev() {
        let mut c = p.chunk_pairing();
        let slots: Vec<_> = chunk.iter().rev().map(|&e| (e, c.push(e))).collect();
        if c.resumable() {
            for (e, slot) in slots {
                match slot {
                    Paired::Done(s) => chunked.extend(s.map(row)),
                    _ => chunked.extend(p.push(e).map(row)),
                }
            }
            assert!(p.resume(&mut c));
        } else {
            chunked.extend(chunk.iter().rev().filter_map(|&e| p.push(e).map(row)));
        }
    }
    assert_eq!(chunked, whole, "chunks of {size}");
});
