//! Pairing scenarios worked out by hand from util-linux's last.c.

use super::*;
use crate::encoder::EntryBuilder;
use crate::environment::FixedEnvironment;
use crate::layouts::last::{HostColumn, LastFormat, TimeFormat};
use std::time::UNIX_EPOCH;

const NOW: i64 = 2_000_000_000;

fn rec(t: EntryType, user: &str, line: &str, secs: i64) -> Entry {
    EntryBuilder::new(t)
        .user(user)
        .line(line)
        .seconds(secs)
        .build()
        .unwrap()
}

fn at(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs as u64)
}

fn state() -> FixedEnvironment {
    FixedEnvironment::at(at(NOW)).boot(Some(at(NOW - 100)))
}

/// Sessions of records given oldest first (as in the file).
fn run(records: &[Entry], state: FixedEnvironment) -> Vec<(SessionKind, String, End)> {
    let it = records.iter().rev().map(|e| Ok(e.as_entry_ref()));
    Sessions::new(it, state)
        .map(|s| s.unwrap())
        .map(|s| (s.kind(), s.user_lossy().into_owned(), s.end()))
        .collect()
}

#[test]
fn login_logout_boot_shutdown() {
    use EntryType::*;
    let recs = [
        rec(BootTime, "reboot", "~", 1000),
        rec(UserProcess, "alice", "pts/0", 1100),
        rec(DeadProcess, "", "pts/0", 1200),
        rec(UserProcess, "bob", "pts/1", 1300),
        rec(RunLevel, "shutdown", "~", 1400),
        rec(BootTime, "reboot", "~", 1500),
        rec(UserProcess, "carol", "tty1", 1600),
        rec(BootTime, "reboot", "~", 1700),
    ];
    let got = run(&recs, state());
    assert_eq!(
        got,
        vec![
            // The last boot: still running.
            (SessionKind::Boot, "reboot".into(), End::StillRunning),
            // carol never logged out; a boot came next: crash.
            (SessionKind::User, "carol".into(), End::Crash(at(1700))),
            // A boot after a shutdown? No: the boot at 1500 has lastdown = now
            // still (no shutdown read yet), so it is "still running" too.
            (SessionKind::Boot, "reboot".into(), End::StillRunning),
            (
                SessionKind::Shutdown,
                "shutdown".into(),
                End::LoggedOut(at(1500))
            ),
            (SessionKind::User, "bob".into(), End::Down(at(1400))),
            (SessionKind::User, "alice".into(), End::LoggedOut(at(1200))),
            (SessionKind::Boot, "reboot".into(), End::LoggedOut(at(1400))),
        ]
    );
}

#[test]
fn boot_without_shutdown_is_a_crash() {
    use EntryType::*;
    let recs = [
        rec(BootTime, "reboot", "~", 1000),
        rec(BootTime, "reboot", "~", 2000),
        rec(RunLevel, "shutdown", "~", 3000),
        rec(BootTime, "reboot", "~", 4000),
    ];
    let got: Vec<_> = run(&recs, state())
        .into_iter()
        .map(|(k, _, e)| (k, e))
        .collect();
    assert_eq!(
        got,
        vec![
            (SessionKind::Boot, End::StillRunning),
            (SessionKind::Shutdown, End::LoggedOut(at(4000))),
            (SessionKind::Boot, End::LoggedOut(at(3000))),
            (SessionKind::Boot, End::Crash(at(2000))),
        ]
    );
}

#[test]
fn open_logins_still_logged_in_or_gone() {
    use EntryType::*;
    let alice = EntryBuilder::new(UserProcess)
        .user("alice")
        .line("pts/3")
        .pid(42)
        .seconds(NOW - 50)
        .build()
        .unwrap();
    let bob = rec(UserProcess, "bob", "tty2", NOW - 40);
    let old = rec(UserProcess, "alice", "pts/9", NOW - 1000);
    let x = rec(UserProcess, "alice", ":0", NOW - 30);
    let sys = state()
        .user("alice", 1000)
        .user("bob", 1001)
        .process(42, 1000)
        .tty("tty2", 0);
    let got: Vec<_> = run(&[old, alice, bob, x], sys)
        .into_iter()
        .map(|(_, u, e)| (u, e))
        .collect();
    assert_eq!(
        got,
        vec![
            // X display: not checked by tty.
            ("alice".into(), End::StillLoggedIn),
            // tty owned by root, not bob.
            ("bob".into(), End::GoneNoLogout),
            // process 42 has alice's login uid.
            ("alice".into(), End::StillLoggedIn),
            // before the boot.
            ("alice".into(), End::GoneNoLogout),
        ]
    );
}

#[test]
fn compat_rules_and_time_changes() {
    use EntryType::*;
    let recs = [
        // An INIT_PROCESS with user and line counts as a login.
        rec(InitProcess, "dave", "tty5", 100),
        // LOGIN user never does.
        rec(LoginProcess, "LOGIN", "tty6", 150),
        rec(OldTime, "date", "|", 200),
        rec(NewTime, "date", "{", 210),
        // A login on the same line closes the previous one.
        rec(UserProcess, "erin", "tty5", 300),
    ];
    let got = run(&recs, state());
    assert_eq!(got.len(), 4);
    assert_eq!(got[1].0, SessionKind::NewTime);
    assert_eq!(got[1].2, End::Instant);
    assert_eq!(got[2].0, SessionKind::OldTime);
    assert_eq!(
        got[3],
        (SessionKind::User, "dave".into(), End::LoggedOut(at(300)))
    );
}

#[test]
fn runlevel_lines_and_filter() {
    let e = EntryBuilder::new(EntryType::RunLevel)
        .user("runlevel")
        .line("~")
        .pid(i32::from(b'5') + 0x100)
        .seconds(100)
        .build()
        .unwrap();
    let mut s = Sessions::new(std::iter::once(Ok(e.as_entry_ref())), state());
    let session = s.next().unwrap().unwrap();
    assert_eq!(session.kind(), SessionKind::RunLevel(b'5'));
    assert_eq!(&*session.line_bytes(), b"(to lvl 5)");
    assert_eq!(session.end(), End::StillRunning);
    assert!(SessionFilter::new().name("runlevel").matches(&session));
    assert!(!SessionFilter::new().name("root").matches(&session));

    let tty = rec(EntryType::UserProcess, "root", "tty1", 100);
    let ftp = rec(EntryType::UserProcess, "anon", "ftp1234", 100);
    let mut s = Sessions::new(
        [Ok(ftp.as_entry_ref()), Ok(tty.as_entry_ref())].into_iter(),
        state(),
    );
    let ftp = s.next().unwrap().unwrap();
    let tty = s.next().unwrap().unwrap();
    assert!(SessionFilter::new().name("1").matches(&tty));
    assert!(SessionFilter::new().name("tty1").matches(&tty));
    assert!(!SessionFilter::new().name("/dev/tty1").matches(&tty));
    assert!(SessionFilter::new().name("ftp").matches(&ftp));
    // Present: logged in at 100, gone with no logout time (0): present at 150.
    assert!(SessionFilter::new().present(at(150)).matches(&tty));
    assert!(!SessionFilter::new().present(at(50)).matches(&tty));
}

#[test]
fn btmp_mode_and_since_until() {
    let recs = [
        rec(EntryType::LoginProcess, "root", "ssh:notty", 100),
        rec(EntryType::LoginProcess, "admin", "ssh:notty", 200),
        rec(EntryType::LoginProcess, "x", "ssh:notty", 300),
    ];
    let it = recs.iter().rev().map(|e| Ok(e.as_entry_ref()));
    let got: Vec<_> = Sessions::new(it, state())
        .btmp(true)
        .since(at(150))
        .until(at(250))
        .map(|s| s.unwrap())
        .collect();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind(), SessionKind::FailedLogin);
    assert_eq!(got[0].end(), End::Failed);
    assert_eq!(got[0].user_bytes(), b"admin");
}

#[cfg(feature = "serde")]
#[test]
fn json_of_a_session() {
    let recs = [
        rec(EntryType::UserProcess, "alice", "pts/0", 1_377_688_418),
        rec(EntryType::DeadProcess, "", "pts/0", 1_377_688_418 + 3600),
    ];
    let s = run_sessions(&recs).remove(0);
    let v = serde_json::to_value(s).unwrap();
    assert_eq!(v["kind"], "user");
    assert_eq!(v["user"], "alice");
    assert_eq!(v["line"], "pts/0");
    assert_eq!(v["address"], serde_json::Value::Null);
    assert_eq!(v["login"], "2013-08-28T11:13:38.000000Z");
    assert_eq!(v["end"], "logged_out");
    assert_eq!(v["logout"], "2013-08-28T12:13:38.000000Z");
    assert_eq!(v["duration"], 3600);
}

#[cfg(feature = "serde")]
fn run_sessions(records: &[Entry]) -> Vec<Session> {
    let it = records.iter().rev().map(|e| Ok(e.as_entry_ref()));
    Sessions::new(it, state())
        .map(|s| s.unwrap().to_owned_session())
        .collect()
}

mod properties {
    use super::*;
    use crate::layout::RECORD_SIZE;
    use proptest::prelude::*;

    proptest! {
        /// Any bytes: pairing and every layout never panic, and in the C
        /// locale a line holds only printable ASCII, tab, CR, BEL and the
        /// newlines of fields. (Minutes per case under Miri: the `sessions`
        /// fuzz target covers the same ground.)
        #[test]
        #[cfg_attr(miri, ignore = "minutes per case under Miri")]
        fn any_records_format_safely(
            bytes in proptest::collection::vec(any::<u8>(), 0..RECORD_SIZE * 12),
            now in any::<u32>(),
            tz in 0usize..3,
        ) {
            let now = at(i64::from(now));
            let state = FixedEnvironment::at(now).boot(Some(now));
            let tz = [
                TimeZone::utc(),
                TimeZone::fixed(-12_600),
                TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap(),
            ][tz]
                .clone();
            let it = crate::entries(&bytes).rev().filter(|r| r.is_ok());
            for btmp in [false, true] {
                let sessions: Vec<_> = Sessions::new(it.clone(), &state)
                    .btmp(btmp)
                    .map(|s| s.unwrap())
                    .collect();
                for time in TimeFormat::ALL {
                    for host in [HostColumn::Third, HostColumn::Last, HostColumn::Hidden] {
                        for (full, numeric) in [(false, false), (true, true)] {
                            let mut f = LastFormat::new(tz.clone())
                                .time_format(time)
                                .host_column(host)
                                .full_names(full)
                                .numeric_address(numeric);
                            let mut out = Vec::new();
                            for s in &sessions {
                                let before = out.len();
                                f.write_session(s, &mut out);
                                prop_assert_eq!(out.last(), Some(&b'\n'));
                                prop_assert!(out.len() > before);
                            }
                            prop_assert!(out.iter().all(|&c| (0x20..0x7f).contains(&c)
                                || matches!(c, b'\t' | b'\r' | 0x07 | b'\n')));
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn boot_and_shutdown_records_by_type_off_linux() {
    let boot = classify(EntryType::BootTime, b"", b"");
    let down = classify(EntryType::ShutdownTime, b"", b"");
    let down_illumos = classify(EntryType::DownTime, b"", b"");
    if cfg!(target_os = "linux") {
        // util-linux: a record with no user is a ghost login.
        assert_eq!(
            (boot, down, down_illumos),
            (Kind::Dead, Kind::Dead, Kind::Dead)
        );
    } else {
        // Compiled for the other systems by test-all's platform steps; runs there.
        assert_eq!(
            (boot, down, down_illumos),
            (Kind::Boot, Kind::Shutdown, Kind::Shutdown)
        );
    }
}
