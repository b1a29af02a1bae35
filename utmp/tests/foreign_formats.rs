//! Records of other systems' formats, decoded on this host and checked
//! against what those machines' own tools printed (the s4 captures), and
//! util-linux's big-endian test files against their little-endian twins.
//!
//! Every expected value below is copied from a `.txt` file of the fixtures
//! (the machine's `last`/`who` output in its own time zone), never from a run
//! of this code.

mod common;

use std::path::PathBuf;

use utmp::layouts::utmpdump::push_utmpdump;
use utmp::{entries_in, Entry, EntryType, Format};

fn decode(path: &PathBuf, format: Format) -> Vec<Entry> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    entries_in(&bytes, format)
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

/// `seconds` as local civil time `YYYY-MM-DD HH:MM:SS` at `offset_hours` from UTC.
fn civil(seconds: i64, offset_hours: i64) -> String {
    let t = seconds + offset_hours * 3600;
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// One row of a machine's text: user, line, host, local time (to the minute
/// or second, as that tool printed it), UTC offset of that time.
type Row = (&'static str, &'static str, &'static str, &'static str, i64);

/// Asserts that some record of `kinds` matches each row.
fn assert_rows(name: &str, entries: &[Entry], kinds: &[EntryType], rows: &[Row]) {
    for &(user, line, host, when, off) in rows {
        let found = entries.iter().any(|e| {
            kinds.contains(&e.entry_type())
                && e.user_lossy() == user
                && e.line_lossy() == line
                && e.host_lossy() == host
                && civil(e.seconds(), off).starts_with(when)
        });
        assert!(
            found,
            "{name}: no record for {user} {line} {host} {when}; decoded: {entries:#?}"
        );
    }
}

const EST: i64 = -5;

#[test]
fn freebsd_captures_match_freebsd_tools() {
    let dir = common::repo_fixtures();
    let dir = dir.join("s4/FreeBSD14.0/x86_64");
    let user = &[EntryType::UserProcess];
    // utx.active.txt (`w`/`who` output, EST).
    let active = decode(&dir.join("utx.active"), Format::FREEBSD_UTX);
    assert_rows(
        "utx.active",
        &active,
        user,
        &[
            ("root", "ttyv0", "", "2024-02-02 13:07:09", EST),
            ("root", "pts/0", "host.net", "2024-02-02 21:08:37", EST),
        ],
    );
    // The text's third row (user12345 on pts/1 at 21:15:22) was printed
    // before that user logged out: the binary's slot holds its
    // DEAD_PROCESS, which FreeBSD writes with only id and pid.
    let gone = active
        .iter()
        .find(|e| e.entry_type() == EntryType::DeadProcess)
        .unwrap();
    assert_eq!(
        (gone.id(), gone.user(), gone.line()),
        ("pts/1".as_ref(), "".as_ref(), "".as_ref())
    );
    assert!(civil(gone.seconds(), EST).as_str() > "2024-02-02 21:15:22");
    let last = decode(&dir.join("utx.lastlogin"), Format::FREEBSD_UTX);
    assert_eq!(last.len(), 1);
    assert_rows(
        "utx.lastlogin",
        &last,
        user,
        &[("root", "pts/0", "host.net", "2024-02-02 21:08:37", EST)],
    );
    // utx.log.txt (`last`, to the minute).
    let log = decode(&dir.join("utx.log"), Format::FREEBSD_UTX_LOG);
    assert_rows(
        "utx.log",
        &log,
        user,
        &[
            ("root", "pts/0", "host.net", "2024-02-02 21:08", EST),
            ("root", "ttyv0", "", "2024-02-02 13:07", EST),
            ("root", "ttyv0", "", "2024-02-02 13:05", EST),
        ],
    );
    assert_rows(
        "utx.log boots",
        &log,
        &[EntryType::BootTime],
        &[
            ("", "", "", "2024-02-02 13:07", EST),
            ("", "", "", "2024-02-02 13:05", EST),
        ],
    );
    // "/var/log/utx.log begins Fri Feb  2 13:05:04 EST 2024"
    assert_eq!(civil(log[0].seconds(), EST), "2024-02-02 13:05:04");
    // "shutdown time ... 21:05" and the logout of ttyv0 at 21:05: FreeBSD's
    // SHUTDOWN_TIME (8) has no Linux name; its DEAD_PROCESS carries only id and pid.
    let shutdown: Vec<_> = log.iter().filter(|e| e.is_shutdown_type()).collect();
    assert_eq!(shutdown.len(), 1);
    assert_eq!(shutdown[0].type_name(), "SHUTDOWN_TIME");
    assert_eq!(shutdown[0].raw_type(), 8);
    assert!(civil(shutdown[0].seconds(), EST).starts_with("2024-02-02 21:05"));
    let dead: Vec<_> = log
        .iter()
        .filter(|e| e.entry_type() == EntryType::DeadProcess)
        .collect();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].user_bytes(), dead[0].line_bytes()),
        (&b""[..], &b""[..])
    );
    let login = log
        .iter()
        .find(|e| e.is_user_process() && e.line() == "ttyv0")
        .unwrap();
    assert_eq!(
        (dead[0].id_raw(), dead[0].pid()),
        (login.id_raw(), login.pid())
    );
    assert_eq!(login.id_raw().len(), 8);
    for e in &log {
        assert_eq!(e.format(), Format::FREEBSD_UTX_LOG);
        assert_eq!(
            (e.exit_status(), e.session(), e.address()),
            (None, None, None)
        );
        assert!((0..1_000_000).contains(&e.microseconds()));
    }
}

#[test]
fn netbsd_captures_match_netbsd_last() {
    let dir = common::repo_fixtures();
    let dir = dir.join("s4/NetBSD9.3/x86_32");
    let user = &[EntryType::UserProcess];
    let wtmpx = decode(&dir.join("wtmpx"), Format::NETBSD_UTMPX_516_LE);
    assert_rows(
        "wtmpx",
        &wtmpx,
        user,
        &[
            (
                "root",
                "pts/2",
                "192.168.100.254",
                "2024-02-25 03:16:01",
                EST,
            ),
            (
                "root",
                "pts/3",
                "192.168.100.254",
                "2024-02-16 21:56:02",
                EST,
            ),
            (
                "root",
                "pts/2",
                "192.168.100.254",
                "2024-02-16 21:55:54",
                EST,
            ),
        ],
    );
    // Logouts "- 23:07:16" and "- 23:07:10".
    assert_rows(
        "wtmpx logouts",
        &wtmpx,
        &[EntryType::DeadProcess],
        &[
            ("", "pts/3", "", "2024-02-16 23:07:16", EST),
            ("", "pts/2", "", "2024-02-16 23:07:10", EST),
        ],
    );
    // reboot and shutdown on line `~` (NetBSD writes them as INIT_PROCESS).
    assert_rows(
        "wtmpx reboot",
        &wtmpx,
        &[EntryType::InitProcess],
        &[
            ("reboot", "~", "", "2024-02-25 03:15:25", EST),
            ("shutdown", "~", "", "2024-02-16 23:13:25", EST),
        ],
    );
    let utmpx = decode(&dir.join("utmpx"), Format::NETBSD_UTMPX_516_LE);
    assert_rows(
        "utmpx",
        &utmpx,
        user,
        &[
            (
                "root",
                "pts/2",
                "192.168.100.254",
                "2024-02-25 03:16:01",
                EST,
            ),
            ("root", "pts/1", ":0", "2024-02-25 03:15:34", EST),
        ],
    );
    // NetBSD's `last` shows getty's name cut to 8 columns: "/usr/lib".
    assert_rows(
        "utmpx gettys",
        &utmpx,
        &[EntryType::LoginProcess],
        &[
            (
                "/usr/libexec/getty",
                "ttyE3",
                "",
                "2024-02-25 03:15:25",
                EST,
            ),
            (
                "/usr/libexec/getty",
                "constty",
                "",
                "2024-02-25 03:15:25",
                EST,
            ),
        ],
    );
    let sig = utmpx.iter().find(|e| e.type_name() == "SIGNATURE").unwrap();
    assert_eq!(sig.user(), "utmpx-2.00");
    assert!(utmpx.iter().any(|e| e.type_name() == "DOWN_TIME"));

    for (file, rows) in [
        (
            "wtmp",
            &[
                (
                    "root",
                    "pts/2",
                    "192.168.100.254",
                    "2024-02-25 03:16:01",
                    EST,
                ),
                (
                    "root",
                    "pts/3",
                    "192.168.100.254",
                    "2024-02-16 21:56:02",
                    EST,
                ),
                (
                    "root",
                    "pts/2",
                    "192.168.100.254",
                    "2024-02-16 21:55:54",
                    EST,
                ),
            ][..],
        ),
        (
            "utmp",
            &[(
                "root",
                "pts/2",
                "192.168.100.254",
                "2024-02-25 03:16:01",
                EST,
            )][..],
        ),
    ] {
        let old = decode(&dir.join(file), Format::NETBSD_UTMP_LE);
        assert_rows(file, &old, user, rows);
        for e in &old {
            assert_eq!(
                (e.exit_status(), e.session(), e.address()),
                (None, None, None)
            );
            assert!(!e.format().has(utmp::Field::Pid));
        }
    }
    let old = decode(&dir.join("wtmp"), Format::NETBSD_UTMP_LE);
    assert_rows(
        "wtmp reboot",
        &old,
        &[EntryType::BootTime],
        &[("reboot", "~", "", "2024-02-25 03:15:25", EST)],
    );
    assert_rows(
        "wtmp shutdown",
        &old,
        &[EntryType::RunLevel],
        &[("shutdown", "~", "", "2024-02-16 23:13:25", EST)],
    );
}

#[test]
fn openbsd_captures_match_openbsd_last() {
    let dir = common::repo_fixtures();
    let dir = dir.join("s4/OpenBSD7.2/x86_32");
    // US Pacific: PDT (-7) from 2023-03-12 to 2023-11-05, PST (-8) after.
    const PDT: i64 = -7;
    const PST: i64 = -8;
    let user = &[EntryType::UserProcess];
    let utmp = decode(&dir.join("utmp.1"), Format::OPENBSD_UTMP_LE);
    assert_rows(
        "utmp.1",
        &utmp,
        user,
        &[
            (
                "root",
                "ttyp2",
                "192.168.100.254",
                "2023-11-30 23:59:31",
                PST,
            ),
            ("root", "ttyp1", ":0", "2023-11-30 23:50:41", PST),
        ],
    );
    let wtmp = decode(&dir.join("wtmp.1"), Format::OPENBSD_UTMP_LE);
    assert_rows(
        "wtmp.1",
        &wtmp,
        user,
        &[
            (
                "root",
                "ttyp2",
                "192.168.100.254",
                "2023-11-30 23:51:07",
                PST,
            ),
            (
                "root",
                "ttyp2",
                "192.168.100.254",
                "2023-05-08 12:52:00",
                PDT,
            ),
            (
                "root",
                "ttyp2",
                "192.168.100.254",
                "2023-04-22 12:40:30",
                PDT,
            ),
            (
                "root",
                "ttyp2",
                "192.168.100.254",
                "2023-03-28 20:02:21",
                PDT,
            ),
            (
                "root",
                "ttyp2",
                "192.168.100.254",
                "2023-03-28 14:20:33",
                PDT,
            ),
            ("root", ":0", "", "2023-11-30 23:50:33", PST),
            ("root", ":0", "", "2023-10-26 10:57:43", PDT),
            ("root", ":0", "", "2023-03-28 14:19:48", PDT),
        ],
    );
    assert_rows(
        "wtmp.1 reboots",
        &wtmp,
        &[EntryType::BootTime],
        &[
            ("reboot", "~", "", "2023-11-30 23:25:54", PST),
            ("reboot", "~", "", "2023-10-26 10:55:30", PDT),
            ("reboot", "~", "", "2023-05-06 18:21:17", PDT),
            ("reboot", "~", "", "2023-04-22 12:29:10", PDT),
            ("reboot", "~", "", "2023-03-28 14:17:37", PDT),
        ],
    );
    assert_rows(
        "wtmp.1 shutdowns",
        &wtmp,
        &[EntryType::RunLevel],
        &[
            ("shutdown", "~", "", "2023-10-26 10:58:42", PDT),
            ("shutdown", "~", "", "2023-05-08 13:07:27", PDT),
            ("shutdown", "~", "", "2023-04-22 23:37:05", PDT),
            ("shutdown", "~", "", "2023-03-29 11:23:55", PDT),
        ],
    );
    assert_rows(
        "wtmp.1 logouts",
        &wtmp,
        &[EntryType::DeadProcess],
        &[
            ("", "ttyp2", "", "2023-03-29 11:23:47", PDT),
            ("", "ttyp2", "", "2023-03-28 20:00:36", PDT),
        ],
    );
}

/// The Debian 11 aarch64 captures, read as 400-byte little-endian records on
/// any host, dump to the lines that machine's `utmpdump` printed (host and
/// address aside where the capture's author edited the text; see
/// fixtures_fields.rs).
#[test]
fn aarch64_captures_match_their_utmpdump_text() {
    let dir = common::repo_fixtures();
    let dir = dir.join("s4/Debian11/aarch64_ARM64");
    for file in ["utmp", "wtmp"] {
        let entries = decode(&dir.join(file), Format::GLIBC_400_LE);
        let text = std::fs::read_to_string(dir.join(format!("{file}.txt"))).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(entries.len(), lines.len(), "{file}");
        for (e, want) in entries.iter().zip(&lines) {
            let mut got = Vec::new();
            assert!(push_utmpdump(e, &mut got));
            let got = String::from_utf8(got).unwrap();
            let cols = |s: &str| -> Vec<String> {
                s.trim_end()
                    .split("] [")
                    .map(|c| c.trim_matches(['[', ']']).trim_end().to_owned())
                    .collect()
            };
            let (g, w) = (cols(&got), cols(want));
            // type, pid, id, user, line, time; host (5) and address (6) only
            // when the text was not edited (then the host is the address).
            for i in [0, 1, 2, 3, 4, 7] {
                assert_eq!(g[i], w[i], "{file}: column {i}\n{got}{want}");
            }
            if w[5] != w[6] {
                assert_eq!(g[5], w[5], "{file}\n{got}{want}");
            }
        }
    }
}

type Fields = (
    EntryType,
    i16,
    i32,
    Vec<u8>,
    Vec<u8>,
    Vec<u8>,
    Vec<u8>,
    i64,
    i64,
    Option<utmp::ExitStatus>,
    Option<i64>,
    Option<[u8; 16]>,
);

fn fields(e: &Entry) -> Fields {
    (
        e.entry_type(),
        e.raw_type(),
        e.pid(),
        e.id_raw().to_vec(),
        e.user_bytes().to_vec(),
        e.line_bytes().to_vec(),
        e.host_bytes().to_vec(),
        e.seconds(),
        e.microseconds(),
        e.exit_status(),
        e.session(),
        e.address_bytes(),
    )
}

#[test]
fn util_linux_big_endian_files_equal_their_little_endian_twins() {
    let Some(dir) = common::optional_fixtures("util-linux's big-endian files") else {
        return;
    };
    let dir = dir.join("util-linux");
    for name in ["wtmp-a", "wtmp-b", "wtmp-ipv6"] {
        let le = decode(&dir.join(format!("{name}.LE")), Format::GLIBC_384_LE);
        let be = decode(&dir.join(format!("{name}.BE")), Format::GLIBC_384_BE);
        assert!(!le.is_empty());
        assert_eq!(le.len(), be.len(), "{name}");
        for (a, b) in le.iter().zip(&be) {
            // Every accessor agrees (the entries differ only in their format).
            assert_eq!(fields(a), fields(b), "{name}");
            let (mut x, mut y) = (Vec::new(), Vec::new());
            assert_eq!(push_utmpdump(a, &mut x), push_utmpdump(b, &mut y));
            assert_eq!(x, y);
        }
        // And the text is util-linux's own expectation for the file.
        let txt = std::fs::read_to_string(dir.join(format!("txt-{}", &name[5..]))).unwrap();
        let mut out = Vec::new();
        for e in &be {
            push_utmpdump(e, &mut out);
        }
        assert_eq!(String::from_utf8(out).unwrap(), txt, "{name}");
    }
}

/// Every fixture of login records: the top-ranked format is the one its
/// README says the machine wrote.
#[test]
fn detection_ranks_the_right_format_first() {
    let cases: &[(&str, Format)] = &[
        ("util-linux/wtmp-a.LE", Format::GLIBC_384_LE),
        ("util-linux/wtmp-b.LE", Format::GLIBC_384_LE),
        ("util-linux/wtmp-ipv6.LE", Format::GLIBC_384_LE),
        ("util-linux/wtmp-a.BE", Format::GLIBC_384_BE),
        ("util-linux/wtmp-b.BE", Format::GLIBC_384_BE),
        ("util-linux/wtmp-ipv6.BE", Format::GLIBC_384_BE),
        ("utmp-rs/basic32.utmp", Format::GLIBC_384_LE),
        ("utmp-rs/basic64.utmp", Format::GLIBC_400_LE),
        ("utmp-rs/long_user_32.utmp", Format::GLIBC_384_LE),
        ("utmp-rs/with_host_32.utmp", Format::GLIBC_384_LE),
        ("s4/programs/utmp/host-entry1.wtmp", Format::GLIBC_384_LE),
        ("s4/programs/utmp/host-entry6.wtmp", Format::GLIBC_384_LE),
        ("s4/Ubuntu22/x86_64/wtmp", Format::GLIBC_384_LE),
        ("s4/Ubuntu22/x86_64/btmp.1", Format::GLIBC_384_LE),
        ("s4/CentOS9/x86_64/wtmp", Format::GLIBC_384_LE),
        ("s4/CentOS9/x86_64/btmp", Format::GLIBC_384_LE),
        ("s4/Debian11/aarch64_ARM64/utmp", Format::GLIBC_400_LE),
        ("s4/Debian11/aarch64_ARM64/wtmp", Format::GLIBC_400_LE),
        ("s4/FreeBSD14.0/x86_64/utx.active", Format::FREEBSD_UTX),
        ("s4/FreeBSD14.0/x86_64/utx.lastlogin", Format::FREEBSD_UTX),
        ("s4/FreeBSD14.0/x86_64/utx.log", Format::FREEBSD_UTX_LOG),
        ("s4/NetBSD9.3/x86_32/utmpx", Format::NETBSD_UTMPX_516_LE),
        ("s4/NetBSD9.3/x86_32/wtmpx", Format::NETBSD_UTMPX_516_LE),
        ("s4/NetBSD9.3/x86_32/utmp", Format::NETBSD_UTMP_LE),
        ("s4/NetBSD9.3/x86_32/wtmp", Format::NETBSD_UTMP_LE),
        ("s4/OpenBSD7.2/x86_32/utmp.1", Format::OPENBSD_UTMP_LE),
        ("s4/OpenBSD7.2/x86_32/wtmp.1", Format::OPENBSD_UTMP_LE),
    ];
    for (file, want) in cases {
        let Some(path) = common::fixture(file) else {
            continue;
        };
        let bytes = std::fs::read(path).unwrap();
        let ranked = utmp::detect(&bytes);
        println!("{file}: {:?}", &ranked[..ranked.len().min(3)]);
        assert_eq!(ranked[0].0, *want, "{file}: {ranked:?}");
        assert!(ranked[0].1 >= 0.5, "{file}: {ranked:?}");
    }
    // Data that is no login records: an SQLite database, one byte, all 0xFF.
    for file in [
        "wtmpdb/ubuntu22.db",
        "s4/programs/utmp/1-byte.wtmp",
        "s4/programs/utmp/host-entry1_(all_0xFF).wtmp",
    ] {
        let Some(path) = common::fixture(file) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(path) else {
            panic!("{file} missing");
        };
        let ranked = utmp::detect(&bytes);
        assert!(
            ranked.first().is_none_or(|c| c.1 < 0.5),
            "{file}: {ranked:?}"
        );
    }
}

/// A value this host cannot hold makes that one record an
/// `Error::Unrepresentable` (with its offset), and reading goes on.
#[test]
fn an_unrepresentable_record_is_an_error_and_reading_goes_on() {
    let ok = utmp::EntryBuilder::new(EntryType::UserProcess)
        .user("root")
        .line("console")
        .seconds(1_700_000_000)
        .build()
        .unwrap();
    let good = Format::MACOS_UTMPX.encode(&ok).unwrap();
    // macOS user names are up to 256 bytes; this host's field is 32.
    let mut long = good.clone();
    long[..40].fill(b'u');
    let bytes = [good.clone(), long, good].concat();
    let items: Vec<_> = entries_in(&bytes, Format::MACOS_UTMPX).collect();
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[2].is_ok());
    match &items[1] {
        Err(utmp::Error::Unrepresentable {
            offset,
            field,
            format,
            ..
        }) => {
            assert_eq!(
                (*offset, *field, *format),
                (628, "ut_user", Format::MACOS_UTMPX)
            );
        }
        other => panic!("{other:?}"),
    }
    // The same from the streaming reader, and a NetBSD type number over 32767.
    let streamed: Vec<_> = utmp::Reader::new(&bytes[..])
        .with_format(Format::MACOS_UTMPX)
        .collect();
    assert!(streamed[0].is_ok() && streamed[1].is_err() && streamed[2].is_ok());
    let mut netbsd = Format::NETBSD_UTMPX_516_LE.encode(&ok).unwrap();
    netbsd[326..328].copy_from_slice(&40_000u16.to_le_bytes());
    assert!(matches!(
        Format::NETBSD_UTMPX_516_LE.decode(&netbsd),
        Err(utmp::Error::Unrepresentable {
            field: "ut_type",
            ..
        })
    ));
    // An address family that is neither AF_INET nor AF_INET6.
    let mut netbsd = Format::NETBSD_UTMPX_516_LE.encode(&ok).unwrap();
    netbsd[336..338].copy_from_slice(&[16, 1]);
    assert!(matches!(
        Format::NETBSD_UTMPX_516_LE.decode(&netbsd),
        Err(utmp::Error::Unrepresentable { field: "ut_ss", .. })
    ));
}

/// FreeBSD's utx.log is read as its getutxent reads it: a zero length is
/// skipped, a length over 197 is read as 197 bytes and the rest skipped, and
/// a chain that ends inside a record ends with `TrailingBytes`.
#[test]
fn the_utx_log_length_chain_follows_freebsd() {
    let e = utmp::EntryBuilder::new(EntryType::UserProcess)
        .user("root")
        .line("pts/0")
        .seconds(1_700_000_000)
        .build()
        .unwrap();
    let rec = Format::FREEBSD_UTX_LOG.encode(&e).unwrap();
    let body = &rec[2..];
    let mut bytes = vec![0, 0]; // zero length: skipped
    bytes.extend_from_slice(&rec);
    // 200 bytes: the futx, zero-filled to 197, then 3 bytes skipped.
    bytes.extend_from_slice(&200u16.to_be_bytes());
    bytes.extend_from_slice(body);
    bytes.resize(bytes.len() + (197 - body.len()), 0);
    bytes.extend_from_slice(&[0xee; 3]);
    bytes.extend_from_slice(&rec[..rec.len() - 1]); // cut short
    let items: Vec<_> = entries_in(&bytes, Format::FREEBSD_UTX_LOG).collect();
    assert_eq!(items.len(), 3, "{items:?}");
    for item in &items[..2] {
        let got = item.as_ref().unwrap();
        assert_eq!(
            (got.user(), got.line()),
            ("root".as_ref(), "pts/0".as_ref())
        );
    }
    assert!(matches!(items[2], Err(utmp::Error::TrailingBytes { .. })));
    let streamed: Vec<_> = utmp::Reader::new(&bytes[..])
        .with_format(Format::FREEBSD_UTX_LOG)
        .collect();
    assert_eq!(streamed.len(), 3);
    assert!(streamed[0].is_ok() && streamed[1].is_ok() && streamed[2].is_err());
    // An all-zero record cannot be written to utx.log (FreeBSD would skip it).
    assert!(Format::FREEBSD_UTX_LOG
        .encode(&utmp::Entry::zeroed())
        .is_err());
}

/// The mapped reader of another format gives what the slice reader gives,
/// both ways, with the path in its errors.
#[test]
fn mapped_files_of_other_formats_read_as_slices_do() {
    let mut bytes = Vec::new();
    for i in 0..1100 {
        let e = utmp::EntryBuilder::new(EntryType::UserProcess)
            .user(format!("u{i}"))
            .line("pts/1")
            .seconds(1_700_000_000 + i)
            .build()
            .unwrap();
        Format::GLIBC_400_BE.encode_into(&e, &mut bytes).unwrap();
    }
    bytes.push(0);
    let path = std::env::temp_dir().join(format!("utmp-foreign-mapped-{}", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    // SAFETY: the test's own scratch file, written above and never again.
    let file = unsafe { utmp::MappedFile::open(&path) }.unwrap();
    for backwards in [false, true] {
        let mapped: Vec<_> = if backwards {
            file.entries_in(Format::GLIBC_400_BE).rev().collect()
        } else {
            file.entries_in(Format::GLIBC_400_BE).collect()
        };
        let slice: Vec<_> = if backwards {
            entries_in(&bytes, Format::GLIBC_400_BE).rev().collect()
        } else {
            entries_in(&bytes, Format::GLIBC_400_BE).collect()
        };
        assert_eq!(mapped.len(), 1101);
        for (m, s) in mapped.iter().zip(&slice) {
            match (m, s) {
                (Ok(m), Ok(s)) => assert_eq!(fields(m), fields(s)),
                (Err(m), Err(_)) => assert_eq!(m.path(), Some(path.as_path())),
                other => panic!("{other:?}"),
            }
        }
    }
    let _ = std::fs::remove_file(&path);
}

/// Found by the `formats` fuzz target: after zero lengths in `utx.log`, the
/// slice reader placed a record at the first zero length, the streaming
/// reader at the record's own length prefix. Both say the latter now.
#[test]
fn utx_log_offsets_after_zero_lengths_agree_between_readers() {
    let mut futx = [0u8; 197];
    // ut_type 4 (USER_PROCESS); ut_tv: microseconds, big-endian, far beyond
    // a 32-bit tv_sec (unrepresentable on 384-byte hosts).
    futx[0] = 4;
    futx[1..9].copy_from_slice(&(1u64 << 62).to_be_bytes());
    let mut log = vec![0, 0, 0, 0, 0, 197];
    log.extend_from_slice(&futx);
    let f = utmp::Format::FREEBSD_UTX_LOG;
    let describe = |r: &utmp::Result<utmp::Entry>| match r {
        Ok(e) => format!("ok {}", e.seconds()),
        Err(utmp::Error::Unrepresentable { offset, .. }) => format!("unrepresentable at {offset}"),
        Err(e) => format!("{e}"),
    };
    let slice: Vec<String> = utmp::entries_in(&log, f).map(|r| describe(&r)).collect();
    let streamed: Vec<String> = utmp::Reader::new(&log[..])
        .with_format(f)
        .map(|r| describe(&r))
        .collect();
    assert_eq!(slice, streamed);
    assert_eq!(slice.len(), 1);
    if utmp::RECORD_SIZE == 384 {
        assert_eq!(slice[0], "unrepresentable at 4");
    }
}

/// NetBSD's `sockaddr_storage` keeps a port beside the address: decoded on
/// this host it is kept with the entry, and written back whole (length,
/// family, port, address) when the entry is encoded as NetBSD's again.
#[test]
fn netbsd_sockaddr_port_survives_a_round_trip() {
    let dir = common::repo_fixtures();
    let path = dir.join("s4/NetBSD9.3/x86_32/wtmpx");
    let bytes = std::fs::read(&path).unwrap();
    let format = Format::NETBSD_UTMPX_516_LE;
    let entries = decode(&path, format);
    let mut with_port = 0;
    for (e, rec) in entries.iter().zip(bytes.chunks_exact(516)) {
        let ss = &rec[336..464];
        let back = format.encode(e).unwrap();
        // The whole sockaddr_in: len, family, port, address, zero after.
        assert_eq!(&back[336..352], &ss[..16], "{e:?}");
        if ss[1] == 2 && ss[2..4] != [0, 0] {
            with_port += 1;
        }
    }
    // The capture has three logins from 192.168.124.180, each with its port.
    assert_eq!(with_port, 3);
}

/// A FreeBSD id has 8 bytes: `utmp dump` shows all of them in 8 columns
/// (`[pts/0   ]`, where a 4-byte id shows `[pts/]`), and the text reads back through
/// undump to the same text and, for a printable id, the same bytes.
#[test]
fn freebsd_ids_dump_whole_and_read_back() {
    let dir = common::repo_fixtures();
    let dir = dir.join("s4/FreeBSD14.0/x86_64");
    let mut printable = 0;
    for (file, format) in [
        ("utx.active", Format::FREEBSD_UTX),
        ("utx.log", Format::FREEBSD_UTX_LOG),
    ] {
        for e in decode(&dir.join(file), format) {
            let mut text = Vec::new();
            assert!(push_utmpdump(&e, &mut text));
            let line = String::from_utf8(text.clone()).unwrap();
            let back = utmp::layouts::utmpdump::parse_utmpdump_line(&text)
                .and_then(|b| b.numbered_as(Format::FREEBSD_UTX))
                .unwrap_or_else(|err| panic!("{line}: {err}"));
            let mut again = Vec::new();
            assert!(push_utmpdump(&back, &mut again));
            assert_eq!(String::from_utf8(again).unwrap(), line);
            if e.id_bytes().starts_with(b"pts/") {
                printable += 1;
                let shown = format!("] [{:<8}] [", e.id_lossy());
                assert!(line.contains(&shown), "{line}");
                let bsd = Format::FREEBSD_UTX.encode(&back).unwrap();
                assert_eq!(&bsd[9..17], e.id_raw(), "{line}");
            }
        }
    }
    assert_eq!(printable, 3);
}
