//! The bad-input matrix of docs/robustness.md, for the library: every input
//! that a login-record file can hold or be, and what the reader makes of it.
//! Expected values are worked out by hand from utmpx.h (glibc's and musl's) and
//! the fixtures' own README, never taken from a run of the code under test.

mod common;

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv6Addr};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, UNIX_EPOCH};

use utmp::{entries, validate, Entry, EntryBuilder, EntryType, Error, Reader, RECORD_SIZE};

/// glibc on x86_64 and i686 keeps `ut_tv` as two 32-bit ints (and `tv_sec` is
/// read unsigned); everywhere else here it is a 64-bit `struct timeval`.
const TV_32: bool = cfg!(all(
    target_env = "gnu",
    any(target_arch = "x86_64", target_arch = "x86")
));

// utmpx.h: __UT_LINESIZE, __UT_NAMESIZE, __UT_HOSTSIZE, and the 4-byte ut_id.
const LINE_SIZE: usize = 32;
const USER_SIZE: usize = 32;
const HOST_SIZE: usize = 256;
const ID_SIZE: usize = 4;

/// A scratch path removed (file or directory) when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("utmp-bad-input-{}-{name}", std::process::id()));
        let _ = fs::remove_file(&p);
        let _ = fs::remove_dir_all(&p);
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Calls every accessor; returns a hash of all they gave so that nothing is
/// optimized away.
fn touch<B: std::borrow::Borrow<utmp::RecordBytes>>(e: &Entry<B>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (e.user(), e.user_bytes(), e.user_lossy()).hash(&mut h);
    (e.line(), e.line_bytes(), e.line_lossy()).hash(&mut h);
    (e.host(), e.host_bytes(), e.host_lossy()).hash(&mut h);
    (e.id(), e.id_bytes(), e.id_lossy(), e.id_raw()).hash(&mut h);
    (e.device(), e.seconds(), e.microseconds(), e.time()).hash(&mut h);
    (e.exit_status(), e.session(), e.pid(), e.raw_type()).hash(&mut h);
    (
        e.entry_type(),
        e.entry_type().as_str(),
        e.entry_type().to_string(),
    )
        .hash(&mut h);
    (e.address(), e.address_bytes(), e.is_user_process()).hash(&mut h);
    (e.is_plausible(), e.implausibility(), format!("{e:?}")).hash(&mut h);
    (e.as_bytes(), e.to_entry(), e.as_entry_ref()).hash(&mut h);
    h.finish()
}

fn records(es: &[Entry]) -> Vec<u8> {
    es.iter()
        .flat_map(|e| e.as_bytes().iter().copied())
        .collect()
}

fn sample(n: usize) -> Vec<Entry> {
    (0..n)
        .map(|i| {
            EntryBuilder::new(EntryType::UserProcess)
                .user(format!("user{i}"))
                .line(format!("pts/{i}"))
                .pid(i as i32 + 100)
                .seconds(1_700_000_000 + i as i64)
                .build()
                .unwrap()
        })
        .collect()
}

/// Reads `path` both ways (slice and stream) and checks they agree.
fn read_both(path: &Path) -> (Vec<Entry>, Option<Error>) {
    let bytes = fs::read(path).unwrap();
    let mut from_slice = Vec::new();
    let mut slice_err = None;
    for item in entries(&bytes) {
        match item {
            Ok(e) => {
                touch(&e);
                from_slice.push(e.to_entry());
            }
            Err(e) => {
                assert!(slice_err.is_none(), "two errors from one slice");
                slice_err = Some(e);
            }
        }
    }
    let mut from_stream = Vec::new();
    let mut stream_err = None;
    for item in Reader::open(path).unwrap() {
        match item {
            Ok(e) => {
                assert!(stream_err.is_none(), "a record after an error");
                touch(&e);
                from_stream.push(e);
            }
            Err(e) => {
                assert!(stream_err.is_none(), "two errors from one stream");
                stream_err = Some(e);
            }
        }
    }
    assert_eq!(from_slice, from_stream);
    assert_eq!(
        slice_err.as_ref().map(Error::kind),
        stream_err.as_ref().map(Error::kind)
    );
    if let Some(e) = &stream_err {
        assert_eq!(e.path(), Some(path), "the stream's error names the file");
    }
    (from_stream, stream_err)
}

fn assert_trailing(err: Option<Error>, want_offset: u64, want_len: usize) {
    match err {
        Some(Error::TrailingBytes {
            offset,
            len,
            record_size,
            ..
        }) => {
            assert_eq!(
                (offset, len, record_size),
                (want_offset, want_len, RECORD_SIZE)
            );
        }
        other => panic!("expected TrailingBytes, got {other:?}"),
    }
}

#[test]
fn empty_file_has_no_records_and_no_error() {
    let s = Scratch::new("empty");
    File::create(&s.0).unwrap();
    let (es, err) = read_both(&s.0);
    assert!(es.is_empty() && err.is_none());
    assert!(validate(&[]).is_ok());
    let (es, err) = read_both(&common::repo_fixtures().join("utmp-rs/empty.utmp"));
    assert!(es.is_empty() && err.is_none());
}

#[test]
fn one_byte_file_is_a_trailing_record_at_offset_0() {
    let dir = common::repo_fixtures();
    let (es, err) = read_both(&dir.join("s4/programs/utmp/1-byte.wtmp"));
    assert!(es.is_empty());
    assert_trailing(err, 0, 1);
}

#[test]
fn short_trailing_record_comes_after_every_whole_record() {
    let want = sample(3);
    for extra in [1, 2, RECORD_SIZE / 2, RECORD_SIZE - 1] {
        let mut bytes = records(&want);
        bytes.extend(std::iter::repeat_n(0xa5, extra));
        let s = Scratch::new(&format!("short-{extra}"));
        fs::write(&s.0, &bytes).unwrap();
        let (es, err) = read_both(&s.0);
        assert_eq!(es, want);
        assert_trailing(err, 3 * RECORD_SIZE as u64, extra);
        // Backwards, the error comes first.
        let back: Vec<_> = entries(&bytes).rev().collect();
        assert!(matches!(
            back.first(),
            Some(Err(Error::TrailingBytes { .. }))
        ));
        assert_eq!(back.len(), 4);
    }
}

/// The s4 and util-linux single-record fixtures hold one 384-byte x86 record:
/// on a target with another record size they are not one whole record.
fn fixture_layout_or_skip(what: &str) -> bool {
    if RECORD_SIZE == 384 {
        return true;
    }
    common::skip(format_args!(
        "{what} (fixture holds a 384-byte record; this target's records are {RECORD_SIZE} bytes)"
    ));
    false
}

#[test]
fn all_zero_record() {
    if !fixture_layout_or_skip("all-0x00 record") {
        return;
    }
    let dir = common::repo_fixtures();
    let (es, err) = read_both(&dir.join("s4/programs/utmp/host-entry1_(all_0x00).wtmp"));
    assert!(err.is_none());
    let [e] = es.as_slice() else {
        panic!("{} records", es.len())
    };
    assert_eq!(e.as_bytes(), &[0u8; RECORD_SIZE]);
    assert_eq!(e.entry_type(), EntryType::Empty);
    assert_eq!((e.raw_type(), e.pid(), e.session()), (0, 0, Some(0)));
    for s in [e.user_bytes(), e.line_bytes(), e.host_bytes(), e.id_bytes()] {
        assert!(s.is_empty());
    }
    assert_eq!(e.id_raw(), &[0; ID_SIZE][..]);
    assert_eq!(e.device(), None);
    assert_eq!((e.seconds(), e.microseconds()), (0, 0));
    assert_eq!(e.time(), Some(UNIX_EPOCH));
    assert_eq!(
        e.exit_status(),
        Some(utmp::ExitStatus {
            termination: 0,
            exit: 0
        })
    );
    assert_eq!(e.address(), None);
    assert!(e.is_plausible());
}

#[test]
fn all_ff_record() {
    if !fixture_layout_or_skip("all-0xFF record") {
        return;
    }
    let dir = common::repo_fixtures();
    let (es, err) = read_both(&dir.join("s4/programs/utmp/host-entry1_(all_0xFF).wtmp"));
    assert!(err.is_none());
    let [e] = es.as_slice() else {
        panic!("{} records", es.len())
    };
    // Every signed field is -1; strings have no NUL, so they are whole arrays.
    assert!(matches!(e.entry_type(), EntryType::Unknown(u) if u.raw() == -1));
    assert_eq!(e.entry_type().to_string(), "UNKNOWN(-1)");
    assert_eq!((e.raw_type(), e.pid(), e.session()), (-1, -1, Some(-1)));
    assert_eq!(e.user_bytes(), &[0xff; USER_SIZE][..]);
    assert_eq!(e.line_bytes(), &[0xff; LINE_SIZE][..]);
    assert_eq!(e.host_bytes(), &[0xff; HOST_SIZE][..]);
    assert_eq!(e.id_bytes(), &[0xff; ID_SIZE][..]);
    assert_eq!(e.user_lossy(), "\u{fffd}".repeat(USER_SIZE));
    let mut dev = b"/dev/".to_vec();
    dev.extend([0xff; LINE_SIZE]);
    assert_eq!(
        e.device().map(|d| d.as_os_str().as_bytes().to_vec()),
        Some(dev)
    );
    let want_sec = if TV_32 { i64::from(u32::MAX) } else { -1 };
    assert_eq!((e.seconds(), e.microseconds()), (want_sec, -1));
    assert_eq!(e.time(), None, "tv_usec -1 is not a time");
    assert_eq!(
        e.exit_status(),
        Some(utmp::ExitStatus {
            termination: -1,
            exit: -1
        })
    );
    assert_eq!(e.address(), Some(IpAddr::V6(Ipv6Addr::from([0xff; 16]))));
    assert!(!e.is_plausible());
    assert!(matches!(
        validate(e.as_bytes()),
        Err(Error::Implausible { offset: 0, .. })
    ));
}

#[test]
fn util_linux_fuzz_record_decodes_without_panic() {
    if !fixture_layout_or_skip("util-linux fuzz record") {
        return;
    }
    let Some(dir) = common::optional_fixtures("util-linux fuzz record") else {
        return;
    };
    let (es, err) = read_both(&dir.join("util-linux/fuzz-github-1097"));
    assert!(err.is_none());
    assert_eq!(es.len(), 1);
    // utmpdump 2.38.1 prints this record's type as 29813 and its pid as
    // -1532746753 (on x86_64, the platform the file was made on).
    if RECORD_SIZE == 384 && cfg!(target_endian = "little") {
        assert_eq!(es[0].raw_type(), 29813);
        assert_eq!(es[0].pid(), -1532746753);
        assert!(es[0].time().is_none(), "utmpdump shows tv_usec -614522315");
        assert!(validate(es[0].as_bytes()).is_err());
    }
}

/// Writes `entries` to a file and reads them back whole.
fn round_trip(name: &str, es: &[Entry]) -> Vec<Entry> {
    let s = Scratch::new(name);
    fs::write(&s.0, records(es)).unwrap();
    let (got, err) = read_both(&s.0);
    assert!(err.is_none());
    got
}

#[test]
fn unknown_entry_types_are_kept() {
    let raws = [i16::MIN, -2, -1, 10, 11, 100, 0x0700, i16::MAX];
    let es: Vec<Entry> = raws
        .iter()
        .map(|&r| EntryBuilder::new(EntryType::from_raw(r)).build().unwrap())
        .collect();
    for (e, &raw) in round_trip("types", &es).iter().zip(&raws) {
        assert_eq!(e.raw_type(), raw);
        assert!(matches!(e.entry_type(), EntryType::Unknown(u) if u.raw() == raw));
        assert_eq!(e.entry_type().as_str(), "UNKNOWN");
        assert!(!e.is_user_process());
        assert!(!e.is_plausible());
    }
}

#[test]
fn negative_pids_are_kept() {
    let pids = [-1, -32768, i32::MIN, i32::MAX];
    let es: Vec<Entry> = pids
        .iter()
        .map(|&p| {
            EntryBuilder::new(EntryType::UserProcess)
                .pid(p)
                .build()
                .unwrap()
        })
        .collect();
    for (e, &pid) in round_trip("pids", &es).iter().zip(&pids) {
        assert_eq!(e.pid(), pid);
        assert!(e.is_plausible(), "a pid is not checked");
    }
}

#[test]
fn out_of_range_microseconds_are_kept_but_are_no_time() {
    let usecs = [
        -1,
        -999_999,
        i64::from(i32::MIN),
        1_000_000,
        1_000_001,
        i64::from(i32::MAX),
    ];
    let es: Vec<Entry> = usecs
        .iter()
        .map(|&u| {
            EntryBuilder::new(EntryType::UserProcess)
                .seconds(1_000)
                .microseconds(u)
                .build()
                .unwrap()
        })
        .collect();
    for (e, &usec) in round_trip("usec", &es).iter().zip(&usecs) {
        assert_eq!(e.microseconds(), usec);
        assert_eq!(e.seconds(), 1_000);
        assert_eq!(e.time(), None, "usec {usec}");
        assert!(!e.is_plausible());
    }
    // The edges of the valid range are times.
    for usec in [0, 999_999] {
        let e = EntryBuilder::new(EntryType::BootTime)
            .seconds(1)
            .microseconds(usec)
            .build()
            .unwrap();
        assert_eq!(
            e.time(),
            Some(UNIX_EPOCH + Duration::from_secs(1) + Duration::from_micros(usec as u64))
        );
    }
}

#[test]
fn seconds_at_0_and_the_32_bit_limits() {
    let secs: [i64; 3] = [0, (1 << 31) - 1, (1 << 32) - 1];
    let es: Vec<Entry> = secs
        .iter()
        .map(|&s| {
            EntryBuilder::new(EntryType::UserProcess)
                .seconds(s)
                .microseconds(999_999)
                .build()
                .unwrap()
        })
        .collect();
    for (e, &s) in round_trip("secs", &es).iter().zip(&secs) {
        assert_eq!(e.seconds(), s);
        assert_eq!(
            e.time(),
            Some(UNIX_EPOCH + Duration::from_secs(s as u64) + Duration::from_micros(999_999))
        );
    }
    // 2^31-1 is 2038-01-19T03:14:07Z, the last second of util-linux's wtmp-a.
    assert_eq!((1i64 << 31) - 1, 2_147_483_647);
    // Where tv_sec is 32 bits, 2^32 does not fit and is refused, not wrapped.
    assert_eq!(
        EntryBuilder::new(EntryType::Empty)
            .seconds(1 << 32)
            .build()
            .is_err(),
        TV_32
    );
}

#[test]
fn string_fields_filled_to_the_last_byte_have_no_nul_and_are_read_whole() {
    let e = EntryBuilder::new(EntryType::UserProcess)
        .user([b'u'; USER_SIZE])
        .line([b'l'; LINE_SIZE])
        .host([b'h'; HOST_SIZE])
        .id([b'i'; ID_SIZE])
        .build()
        .unwrap();
    let [e] = round_trip("full", &[e])[..] else {
        panic!()
    };
    assert_eq!(e.user_bytes(), &[b'u'; USER_SIZE][..]);
    assert_eq!(e.line_bytes(), &[b'l'; LINE_SIZE][..]);
    assert_eq!(e.host_bytes(), &[b'h'; HOST_SIZE][..]);
    assert_eq!(e.id_bytes(), &[b'i'; ID_SIZE][..]);
    assert_eq!(e.id_raw(), &[b'i'; ID_SIZE][..]);
    assert_eq!(e.user(), "u".repeat(USER_SIZE).as_str());
    // One byte more is refused, never cut.
    assert!(EntryBuilder::new(EntryType::Empty)
        .user([b'u'; USER_SIZE + 1])
        .build()
        .is_err());
    assert!(EntryBuilder::new(EntryType::Empty)
        .line([b'l'; LINE_SIZE + 1])
        .build()
        .is_err());
    assert!(EntryBuilder::new(EntryType::Empty)
        .host([b'h'; HOST_SIZE + 1])
        .build()
        .is_err());
    assert!(EntryBuilder::new(EntryType::Empty)
        .id([b'i'; ID_SIZE + 1])
        .build()
        .is_err());
}

#[test]
fn non_utf8_and_control_bytes_come_back_exactly() {
    let nasty: &[&[u8]] = &[
        b"\xff\xfe",
        b"\xc3",            // a cut two-byte sequence
        b"\xed\xa0\x80",    // an encoded surrogate
        b"\x1b[31mred\x07", // terminal escapes
        b"\x01\x02\x7f\x80\x9f",
        b"\t\r\n",
    ];
    for (i, bad) in nasty.iter().enumerate() {
        let e = EntryBuilder::new(EntryType::UserProcess)
            .user(bad)
            .line(bad)
            .host(bad)
            .id(&bad[..bad.len().min(ID_SIZE)])
            .build()
            .unwrap();
        let [e] = round_trip(&format!("nasty-{i}"), &[e])[..] else {
            panic!()
        };
        assert_eq!(e.user_bytes(), *bad);
        assert_eq!(e.user().as_bytes(), *bad);
        assert_eq!(e.line_bytes(), *bad);
        assert_eq!(e.host_bytes(), *bad);
        assert_eq!(e.id_bytes(), &bad[..bad.len().min(ID_SIZE)]);
        let valid = std::str::from_utf8(bad).is_ok();
        assert_eq!(e.host_lossy().contains('\u{fffd}'), !valid, "{bad:?}");
        if valid {
            assert_eq!(e.host_lossy().as_bytes(), *bad);
        }
    }
}

#[test]
fn a_directory_is_an_io_error_naming_it() {
    let s = Scratch::new("dir");
    fs::create_dir(&s.0).unwrap();
    // open(2) succeeds on a directory; read(2) fails with EISDIR.
    let mut reader = match Reader::open(&s.0) {
        Ok(r) => r,
        Err(e) => {
            assert_eq!(e.path(), Some(s.0.as_path()));
            return;
        }
    };
    match reader.next() {
        Some(Err(Error::Io {
            path,
            error: source,
        })) => {
            assert_eq!(path.as_deref(), Some(s.0.as_path()));
            assert_eq!(source.raw_os_error(), Some(libc::EISDIR));
        }
        other => panic!("{other:?}"),
    }
    assert!(reader.next().is_none(), "finished after the error");
}

#[test]
fn a_missing_path_is_not_found_naming_it() {
    let s = Scratch::new("missing");
    let err = Reader::open(&s.0).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert_eq!(err.path(), Some(s.0.as_path()));
    assert!(
        err.to_string().starts_with(&s.0.display().to_string()),
        "{err}"
    );
}

/// Run by `permission_denied_names_the_file` as the user `nobody`.
#[test]
#[ignore = "run as nobody by permission_denied_names_the_file"]
fn permission_denied_child() {
    let path = PathBuf::from(std::env::var_os("UTMP_BAD_INPUT_DENIED").unwrap());
    let err = Reader::open(&path).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    assert_eq!(err.path(), Some(path.as_path()));
    println!("child: permission denied as expected");
}

#[test]
fn permission_denied_names_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new("denied");
    fs::write(&s.0, records(&sample(1))).unwrap();
    fs::set_permissions(&s.0, fs::Permissions::from_mode(0o600)).unwrap();
    // /proc/self belongs to the effective user.
    let euid = {
        use std::os::unix::fs::MetadataExt;
        fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(u32::MAX)
    };
    if euid != 0 {
        // Not root: our own file with no read bit is denied to us.
        fs::set_permissions(&s.0, fs::Permissions::from_mode(0o000)).unwrap();
        let err = Reader::open(&s.0).map(|_| ()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(err.path(), Some(s.0.as_path()));
        return;
    }
    // As root every file is readable: run this test binary as nobody.
    let marker = "child: permission denied as expected";
    let env = ("UTMP_BAD_INPUT_DENIED", s.0.as_path());
    if let Err(why) = common::run_as_nobody("permission_denied_child", env, marker) {
        common::skip(format_args!("permission denied as nobody ({why})"));
    }
}

/// Runs `f` on another thread and fails the test if it takes longer than
/// `limit` (a hang is a failure, not a stuck test run).
fn bounded<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|e| panic!("no result within {limit:?}: {e}"))
}

#[test]
fn a_fifo_fed_in_odd_pieces_gives_every_record() {
    let s = Scratch::new("fifo");
    // mkfifo(1) from coreutils: no unsafe outside the library's system module.
    let made = std::process::Command::new("mkfifo")
        .arg("-m")
        .arg("600")
        .arg(&s.0)
        .status();
    if !matches!(made, Ok(s) if s.success()) {
        common::skip(format_args!("FIFO (mkfifo: {made:?}) (install coreutils)"));
        return;
    }
    let want = sample(40);
    let mut bytes = records(&want);
    bytes.extend([1, 2, 3]);
    let path = s.0.clone();
    let writer = thread::spawn(move || {
        let mut f = fs::OpenOptions::new().write(true).open(&path).unwrap();
        for piece in bytes.chunks(RECORD_SIZE / 3 + 7) {
            f.write_all(piece).unwrap();
            thread::sleep(Duration::from_micros(200));
        }
    });
    let path = s.0.clone();
    let (got, err) = bounded(Duration::from_secs(60), move || {
        let mut got = Vec::new();
        let mut err = None;
        for item in Reader::open(&path).unwrap() {
            match item {
                Ok(e) => got.push(e),
                Err(e) => err = Some(e),
            }
        }
        (got, err)
    });
    writer.join().unwrap();
    assert_eq!(got, want);
    assert_trailing(err, 40 * RECORD_SIZE as u64, 3);
}

#[test]
fn a_pipe_like_stdin_gives_every_record() {
    let want = sample(700); // more than one read block
    let s = Scratch::new("pipe");
    fs::write(&s.0, records(&want)).unwrap();
    let mut child = match std::process::Command::new("cat")
        .arg(&s.0)
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            common::skip(format_args!(
                "pipe (cannot run cat: {e}; install coreutils)"
            ));
            return;
        }
    };
    let stdout = child.stdout.take().unwrap();
    let got = bounded(Duration::from_secs(60), move || {
        Reader::new(stdout)
            .with_path("-")
            .collect::<utmp::Result<Vec<Entry>>>()
    })
    .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(got, want);
}

#[test]
fn a_file_that_grows_while_read_gives_a_clean_prefix() {
    let want = sample(300);
    let bytes = records(&want);
    let s = Scratch::new("growing");
    File::create(&s.0).unwrap();
    let path = s.0.clone();
    let writer = thread::spawn(move || {
        let mut f = fs::OpenOptions::new().append(true).open(&path).unwrap();
        // Pieces that split records, so a reader can meet half a record.
        for piece in bytes.chunks(RECORD_SIZE * 5 / 2) {
            f.write_all(piece).unwrap();
            f.flush().unwrap();
            thread::sleep(Duration::from_micros(300));
        }
    });
    let mut reads = 0;
    loop {
        let done = writer.is_finished();
        let path = s.0.clone();
        let (got, err) = bounded(Duration::from_secs(60), move || {
            let mut got = Vec::new();
            let mut err = None;
            for item in Reader::open(&path).unwrap() {
                match item {
                    Ok(e) => got.push(e),
                    Err(e) => err = Some(e),
                }
            }
            (got, err)
        });
        reads += 1;
        // Whatever the moment, what was read is the start of what is written.
        assert_eq!(got[..], want[..got.len()]);
        match err {
            None => {}
            Some(Error::TrailingBytes { offset, len, .. }) => {
                assert_eq!(offset, (got.len() * RECORD_SIZE) as u64);
                assert!(len < RECORD_SIZE);
            }
            Some(other) => panic!("{other}"),
        }
        if done {
            assert_eq!(got, want, "after the writer stopped, everything");
            break;
        }
    }
    writer.join().unwrap();
    println!("growing file: read {reads} times while it grew");
}

/// A `Read` that claims to have read more than it was given room for.
struct Liar;
impl Read for Liar {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(buf.len() + 1)
    }
}

#[test]
fn a_lying_reader_is_an_error_not_a_panic() {
    let mut r = Reader::new(Liar).with_path("liar");
    match r.next() {
        Some(Err(e)) => assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(r.next().is_none());
}

/// The other ABI's record size: 400 on x86_64 and i686 (aarch64's records);
/// 384 where records are 400.
fn foreign_fixture(dir: &Path) -> (PathBuf, usize) {
    if RECORD_SIZE == 384 {
        (dir.join("utmp-rs/basic64.utmp"), 400)
    } else {
        (dir.join("utmp-rs/basic32.utmp"), 384)
    }
}

#[test]
fn another_abis_records_are_trailing_bytes_or_implausible() {
    let dir = common::repo_fixtures();
    let (path, size) = foreign_fixture(&dir);
    let bytes = fs::read(&path).unwrap();
    assert_eq!(bytes.len() % size, 0);
    let n = bytes.len() / size;
    // The size is not a multiple of ours: the reader says so at the end.
    let (es, err) = read_both(&path);
    assert_eq!(es.len(), bytes.len() / RECORD_SIZE);
    assert_trailing(
        err,
        (es.len() * RECORD_SIZE) as u64,
        bytes.len() % RECORD_SIZE,
    );
    // Repeated up to a multiple of both sizes, nothing ends short: `validate`
    // is what notices (lcm(384, 400) = 4800 bytes).
    let mut long = Vec::new();
    while long.is_empty() || long.len() % RECORD_SIZE != 0 {
        long.extend_from_slice(&bytes[..size * n.min(1)]);
    }
    assert_eq!(long.len() % 4800, 0);
    assert!(entries(&long).all(|r| r.is_ok()));
    match validate(&long) {
        Err(e @ Error::Implausible { .. }) => {
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            println!("{} x{}: {e}", path.display(), long.len() / size);
        }
        other => panic!("foreign records pass validate: {other:?}"),
    }
}

#[test]
fn the_other_byte_order_is_implausible() {
    let Some(dir) = common::optional_fixtures("other byte order") else {
        return;
    };
    let foreign = if cfg!(target_endian = "little") {
        "BE"
    } else {
        "LE"
    };
    for name in ["wtmp-a", "wtmp-b", "wtmp-ipv6"] {
        let native = fs::read(dir.join(format!(
            "util-linux/{name}.{}",
            if foreign == "BE" { "LE" } else { "BE" }
        )))
        .unwrap();
        let other = fs::read(dir.join(format!("util-linux/{name}.{foreign}"))).unwrap();
        if RECORD_SIZE == 384 {
            assert!(validate(&native).is_ok(), "{name} in our byte order");
        }
        assert!(
            matches!(
                validate(&other),
                Err(Error::Implausible { .. }) | Err(Error::TrailingBytes { .. })
            ),
            "{name}.{foreign}"
        );
    }
}

/// Peak resident set size of this process, from /proc/self/status (VmHWM), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// 5 GiB of zero records in a sparse file, streamed; memory must not grow with
/// the file. Slow in a debug build; `cargo xtask test-all` runs it in release.
#[test]
#[ignore = "reads 5 GiB: run with --release -- --ignored (cargo xtask test-all does)"]
fn a_5_gib_sparse_file_streams_in_constant_memory() {
    const SIZE: u64 = 5 << 30;
    let s = Scratch::new("huge");
    let f = File::create(&s.0).unwrap();
    // Round up to whole records.
    let n = SIZE.div_ceil(RECORD_SIZE as u64);
    f.set_len(n * RECORD_SIZE as u64).unwrap();
    drop(f);
    let before = peak_rss_kib();
    let start = Instant::now();
    let mut count = 0u64;
    let mut reader = Reader::open(&s.0).unwrap();
    while let Some(item) = reader.next_ref() {
        let e = item.unwrap();
        assert_eq!(e.raw_type(), 0);
        count += 1;
    }
    let took = start.elapsed();
    let after = peak_rss_kib();
    assert_eq!(count, n);
    println!(
        "5 GiB sparse file: {count} records in {:.1} s; peak RSS {} KiB before, {} KiB after",
        took.as_secs_f64(),
        before.map_or("?".into(), |k| k.to_string()),
        after.map_or("?".into(), |k| k.to_string()),
    );
    if let (Some(b), Some(a)) = (before, after) {
        assert!(
            a.saturating_sub(b) < 16 * 1024,
            "memory grew by {} KiB",
            a - b
        );
    }
}

/// Found by the `utmpdump_text` fuzz target: a negative `tv_usec` (from text
/// such as `,-28`) is written as util-linux 2.39 and later write it, through a
/// 32-bit nanosecond count: (-28 * 1000) mod 2^32 = 4294939296 ns, shown as
/// 4294939 us. That reads back out of range, which is written as 000000: the
/// text settles from the second round on. (util-linux 2.38.1's utmpdump
/// writes `-00028` instead.)
#[test]
fn negative_microseconds_in_utmpdump_text_wrap_and_then_settle() {
    use utmp::layouts::utmpdump::{parse_utmpdump_line, push_utmpdump};
    let head = "[7] [00010] [ipv6] [IPv6    ] [root        ] [dns-server          ] \
                [2001:503:ba3e::2:30] [2013-08-28T20:30:40,";
    let e = parse_utmpdump_line(format!("{head}-28+00:00]")).unwrap();
    assert_eq!(e.microseconds(), -28);
    assert_eq!(e.time(), None);
    let mut first = Vec::new();
    assert!(push_utmpdump(&e, &mut first));
    assert_eq!(
        String::from_utf8(first.clone()).unwrap(),
        format!("{head}4294939+00:00]\n")
    );
    let again = parse_utmpdump_line(&first).unwrap();
    assert_eq!(again.microseconds(), 4_294_939);
    let mut second = Vec::new();
    assert!(push_utmpdump(&again, &mut second));
    assert_eq!(
        String::from_utf8(second.clone()).unwrap(),
        format!("{head}000000+00:00]\n")
    );
    let third = parse_utmpdump_line(&second).unwrap();
    let mut third_text = Vec::new();
    assert!(push_utmpdump(&third, &mut third_text));
    assert_eq!(third_text, second, "stable from the second round");
}

/// Found by the `utmpdump_text` fuzz target: an IPv6 address whose first 96
/// bits are zero is written by inet_ntop as `::a.b.c.d`, and `utmpdump -r`
/// reads any address with a dot as IPv4, which this is not: it comes back as
/// zero, written `0.0.0.0` the next time. utmpdump 2.38.1 does the same with
/// this line (`utmpdump -r` then `utmpdump` prints `[0.0.0.0        ]`).
#[test]
fn an_embedded_ipv4_address_in_utmpdump_text_reads_back_as_zero() {
    use utmp::layouts::utmpdump::{parse_utmpdump_line, push_utmpdump};
    let line = |addr: &str| {
        format!(
            "[5] [00005] [s?/t] [init    ] [foo         ] [five                ] \
             [{addr:<15}] [2013-07-31T00:00:00,000000+00:00]\n"
        )
    };
    // "::2:30" is 0:0:0:0:0:0:2:30, the bytes 0 x 12, 0, 2, 0, 0x30.
    let e = parse_utmpdump_line(line("::2:30")).unwrap();
    let mut want = [0u8; 16];
    want[12..].copy_from_slice(&[0, 2, 0, 0x30]);
    assert_eq!(e.address_bytes(), Some(want));
    let mut first = Vec::new();
    assert!(push_utmpdump(&e, &mut first));
    assert_eq!(
        String::from_utf8(first.clone()).unwrap(),
        line("::0.2.0.48")
    );
    let again = parse_utmpdump_line(&first).unwrap();
    assert_eq!(again.address_bytes(), Some([0; 16]));
    let mut second = Vec::new();
    assert!(push_utmpdump(&again, &mut second));
    assert_eq!(String::from_utf8(second.clone()).unwrap(), line("0.0.0.0"));
}
