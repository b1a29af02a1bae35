//! Building records field by field, and writing them in the on-disk format.
//!
//! The inverse of the direct reader, for tests, fixtures and conversion tools.
//! Nothing here writes the system database.

use std::io::Write;
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::entry::{Entry, ExitStatus};
use crate::entry_type::EntryType;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::layout::{self, Span};

/// Builds an [`Entry`] field by field. Every field starts zeroed.
///
/// A value that does not fit its field (a user name longer than `ut_user`, a
/// time outside `ut_tv.tv_sec`'s range) is an error from [`EntryBuilder::build`],
/// never silently cut.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::{EntryBuilder, EntryType};
/// let entry = EntryBuilder::new(EntryType::UserProcess)
///     .user("alice")
///     .line("pts/0")
///     .host("example.org")
///     .pid(4242)
///     .seconds(1_700_000_000)
///     .build()?;
/// assert_eq!(entry.user(), "alice");
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct EntryBuilder {
    entry: Entry,
    error: Option<Error>,
}

impl EntryBuilder {
    /// A builder for an entry of this type, every other field zero.
    pub fn new(entry_type: EntryType) -> Self {
        let mut b = EntryBuilder {
            entry: Entry::zeroed(),
            error: None,
        };
        b.set_type(entry_type);
        b
    }

    /// Starts from an existing record (any bytes, padding included).
    pub fn from_entry(entry: Entry) -> Self {
        EntryBuilder { entry, error: None }
    }

    fn fail(&mut self, field: &'static str, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::InvalidField { field, message });
        }
    }

    fn int(&mut self, field: &'static str, span: Span, value: i64, unsigned: bool) {
        if !layout::set_int(self.entry.bytes_mut(), span, value, unsigned) {
            let (lo, hi) = layout::int_range(span, unsigned);
            self.fail(field, format!("{value} is outside {lo}..={hi}"));
        }
    }

    /// `ut_type`, or an error for a type this system's header does not name
    /// (`RUN_LVL` on FreeBSD).
    fn set_type(&mut self, t: EntryType) {
        match t.raw() {
            Some(raw) => self.int("ut_type", layout::UT_TYPE, i64::from(raw), false),
            None => self.fail("ut_type", format!("{t} has no value on this system")),
        }
    }

    /// A field the host's record may lack: an error when it does and the
    /// value is not the empty one (a zero cannot be lost).
    fn absent(&mut self, field: &'static str, empty: bool) {
        if !empty {
            self.fail(field, "this system's record has no such field".to_owned());
        }
    }

    fn bytes(&mut self, field: &'static str, span: Span, value: &[u8]) {
        let out = layout::bytes_mut(self.entry.bytes_mut(), span);
        if value.len() > out.len() {
            let cap = out.len();
            self.fail(field, format!("{} bytes do not fit in {cap}", value.len()));
            return;
        }
        out.fill(0);
        if let Some(dst) = out.get_mut(..value.len()) {
            dst.copy_from_slice(value);
        }
    }

    /// `ut_type`.
    pub fn entry_type(mut self, t: EntryType) -> Self {
        self.set_type(t);
        self
    }

    /// `ut_pid`.
    pub fn pid(mut self, pid: i32) -> Self {
        self.int("ut_pid", layout::UT_PID, i64::from(pid), false);
        self
    }

    /// `ut_user`: up to the field's size; a name that fills it has no NUL.
    pub fn user(mut self, user: impl AsRef<[u8]>) -> Self {
        self.bytes("ut_user", layout::UT_USER, user.as_ref());
        self
    }

    /// `ut_line`: the terminal without `/dev/` (`pts/0`).
    pub fn line(mut self, line: impl AsRef<[u8]>) -> Self {
        self.bytes("ut_line", layout::UT_LINE, line.as_ref());
        self
    }

    /// `ut_host`.
    pub fn host(mut self, host: impl AsRef<[u8]>) -> Self {
        self.bytes("ut_host", layout::UT_HOST, host.as_ref());
        self
    }

    /// `ut_id`: up to 4 bytes, the rest zero.
    pub fn id(mut self, id: impl AsRef<[u8]>) -> Self {
        self.bytes("ut_id", layout::UT_ID, id.as_ref());
        self
    }

    /// `ut_exit`. Where the system's record has none (FreeBSD, macOS), a
    /// status other than zero is an error at [`build`](Self::build).
    pub fn exit_status(mut self, status: ExitStatus) -> Self {
        let (Some(termination), Some(exit)) = (layout::E_TERMINATION, layout::E_EXIT) else {
            self.absent("ut_exit", status == ExitStatus::default());
            return self;
        };
        self.int(
            "ut_exit.e_termination",
            termination,
            i64::from(status.termination),
            false,
        );
        self.int("ut_exit.e_exit", exit, i64::from(status.exit), false);
        self
    }

    /// `ut_session`. Where the system's record has none (FreeBSD, macOS),
    /// a session other than 0 is an error at [`build`](Self::build).
    pub fn session(mut self, session: i64) -> Self {
        match layout::UT_SESSION {
            Some(span) => self.int("ut_session", span, session, false),
            None => self.absent("ut_session", session == 0),
        }
        self
    }

    /// `ut_tv.tv_sec`. Where the field is 32 bits, 0 to 2^32-1 (read back unsigned).
    pub fn seconds(mut self, seconds: i64) -> Self {
        self.int(
            "ut_tv.tv_sec",
            layout::TV_SEC,
            seconds,
            layout::TV_SEC.len < 8,
        );
        self
    }

    /// `ut_tv.tv_usec`, stored as given (the reader rejects values outside
    /// 0..1,000,000 as times, but keeps them).
    pub fn microseconds(mut self, usec: i64) -> Self {
        self.int("ut_tv.tv_usec", layout::TV_USEC, usec, false);
        self
    }

    /// `ut_tv` from a point in time, to the microsecond.
    pub fn time(self, time: SystemTime) -> Self {
        let (secs, usec) = match time.duration_since(UNIX_EPOCH) {
            Ok(d) => (
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                i64::from(d.subsec_micros()),
            ),
            Err(e) => {
                let d = e.duration();
                let whole = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                match d.subsec_micros() {
                    0 => (whole.saturating_neg(), 0),
                    us => (
                        whole.saturating_neg().saturating_sub(1),
                        // subsec_micros() < 1,000,000: never saturates.
                        1_000_000_i64.saturating_sub(i64::from(us)),
                    ),
                }
            }
        };
        self.seconds(secs).microseconds(usec)
    }

    /// `ut_addr_v6`: an IPv4 address fills the first word, IPv6 all four.
    /// On NetBSD, `ut_ss` gets a `sockaddr_in` or `sockaddr_in6` (port 0).
    /// Where the system's record has no address (FreeBSD, macOS, illumos),
    /// an address is an error at [`build`](Self::build).
    pub fn address(mut self, addr: Option<IpAddr>) -> Self {
        #[cfg(target_os = "netbsd")]
        {
            layout::sockaddr::set(
                layout::bytes_mut(self.entry.bytes_mut(), layout::UT_SS),
                addr,
            );
            self
        }
        #[cfg(not(target_os = "netbsd"))]
        {
            let Some(span) = layout::UT_ADDR_V6 else {
                self.absent("ut_addr_v6", addr.is_none());
                return self;
            };
            let mut raw = [0u8; 16];
            match addr {
                Some(IpAddr::V4(v4)) => {
                    if let Some(dst) = raw.get_mut(..4) {
                        dst.copy_from_slice(&v4.octets());
                    }
                }
                Some(IpAddr::V6(v6)) => raw = v6.octets(),
                None => {}
            }
            self.bytes("ut_addr_v6", span, &raw);
            self
        }
    }

    /// `ut_addr_v6` as its 16 stored bytes (on NetBSD, the address they
    /// stand for, as [`Entry::address`] reads them, goes to `ut_ss`).
    #[cfg_attr(target_os = "netbsd", allow(unused_mut))]
    pub fn address_bytes(mut self, raw: [u8; 16]) -> Self {
        #[cfg(target_os = "netbsd")]
        {
            self.address(crate::entry::ip_from_bytes(raw))
        }
        #[cfg(not(target_os = "netbsd"))]
        {
            match layout::UT_ADDR_V6 {
                Some(span) => self.bytes("ut_addr_v6", span, &raw),
                None => self.absent("ut_addr_v6", raw == [0; 16]),
            }
            self
        }
    }

    /// The entry.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] for the first value that did not fit its field.
    pub fn build(self) -> Result<Entry> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.entry),
        }
    }
}

/// Writes records in the on-disk format, one after another.
///
/// # Errors
///
/// The writer's I/O error.
pub fn write_entries<'a, W, I>(mut out: W, entries: I) -> Result<()>
where
    W: Write,
    I: IntoIterator<Item = &'a Entry>,
{
    for e in entries {
        out.write_all(e.as_bytes())
            .map_err(|e| Error::io(None, e))?;
    }
    out.flush().map_err(|e| Error::io(None, e))
}

/// Writes records in `format` (see [`Format::encode`]), one after another.
///
/// # Errors
///
/// The writer's I/O error, or [`Error::InvalidField`] for the first entry
/// that `format` cannot hold (nothing of that entry is written).
pub fn write_entries_in<'a, W, I, B>(mut out: W, entries: I, format: Format) -> Result<()>
where
    W: Write,
    I: IntoIterator<Item = &'a Entry<B>>,
    B: std::borrow::Borrow<crate::layout::RecordBytes> + 'a,
{
    let mut buf = Vec::new();
    for e in entries {
        buf.clear();
        format.encode_into(e, &mut buf)?;
        out.write_all(&buf).map_err(|e| Error::io(None, e))?;
    }
    out.flush().map_err(|e| Error::io(None, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_the_hosts_header_does_not_name_is_refused() {
        let unnamed: Vec<EntryType> = [
            EntryType::RunLevel,
            EntryType::Accounting,
            EntryType::ShutdownTime,
            EntryType::Signature,
            EntryType::DownTime,
        ]
        .into_iter()
        .filter(|t| t.raw().is_none())
        .collect();
        // Linux names none of SHUTDOWN_TIME, SIGNATURE, DOWN_TIME.
        #[cfg(target_os = "linux")]
        assert_eq!(unnamed.len(), 3);
        for t in unnamed {
            let err = EntryBuilder::new(EntryType::Empty).entry_type(t).build();
            assert!(
                matches!(
                    err,
                    Err(Error::InvalidField {
                        field: "ut_type",
                        ..
                    })
                ),
                "{t}: {err:?}"
            );
            assert!(EntryBuilder::new(t).build().is_err(), "{t}");
        }
    }

    #[test]
    fn a_field_the_hosts_record_lacks_takes_only_its_empty_value() {
        // The empty values fit every system's record.
        let empty = EntryBuilder::new(EntryType::DeadProcess)
            .session(0)
            .exit_status(ExitStatus::default())
            .address(None)
            .build();
        assert!(empty.is_ok(), "{empty:?}");
        let full = EntryBuilder::new(EntryType::DeadProcess)
            .session(5)
            .exit_status(ExitStatus {
                termination: 1,
                exit: 2,
            })
            .build();
        // Linux, illumos, NetBSD: stored; FreeBSD, macOS (compiled here by
        // test-all's platform steps, not run): refused, never dropped.
        match (layout::UT_SESSION, layout::E_EXIT) {
            (Some(_), Some(_)) => {
                let e = full.unwrap();
                assert_eq!(e.session(), Some(5));
                assert_eq!(
                    e.exit_status().map(|s| (s.termination, s.exit)),
                    Some((1, 2))
                );
            }
            _ => assert!(matches!(full, Err(Error::InvalidField { .. })), "{full:?}"),
        }
        let addr = EntryBuilder::new(EntryType::UserProcess)
            .address(Some("192.0.2.1".parse().unwrap()))
            .build();
        if cfg!(any(target_os = "linux", target_os = "netbsd")) {
            assert_eq!(addr.unwrap().address(), Some("192.0.2.1".parse().unwrap()));
        } else {
            assert!(matches!(addr, Err(Error::InvalidField { .. })), "{addr:?}");
        }
    }

    #[test]
    fn builder_sets_every_field() {
        let t = UNIX_EPOCH + std::time::Duration::from_micros(1_600_000_000_123_456);
        let e = EntryBuilder::new(EntryType::DeadProcess)
            .pid(77)
            .user([b'u'; 32])
            .line("pts/9")
            .host(b"h\xff")
            .id([1, 0, 2])
            .exit_status(ExitStatus {
                termination: -3,
                exit: 4,
            })
            .session(123)
            .time(t)
            .address(Some("::1".parse().unwrap()))
            .build()
            .unwrap();
        assert_eq!(e.entry_type(), EntryType::DeadProcess);
        assert_eq!(e.pid(), 77);
        assert_eq!(e.user_bytes(), &[b'u'; 32][..]);
        assert_eq!(e.line(), "pts/9");
        assert_eq!(e.host_bytes(), b"h\xff");
        assert_eq!(e.id_raw(), &[1, 0, 2, 0][..]);
        assert_eq!(
            e.exit_status(),
            Some(ExitStatus {
                termination: -3,
                exit: 4
            })
        );
        assert_eq!(e.session(), Some(123));
        assert_eq!(e.time(), Some(t));
        assert_eq!(e.address(), Some("::1".parse().unwrap()));
    }

    #[test]
    fn too_long_is_an_error_not_a_cut() {
        let err = EntryBuilder::new(EntryType::UserProcess)
            .user([b'x'; 33])
            .build()
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidField {
                    field: "ut_user",
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            EntryBuilder::new(EntryType::Empty)
                .seconds(-1)
                .build()
                .is_err()
                == (layout::TV_SEC.len < 8)
        );
    }

    #[test]
    fn times_before_the_epoch_keep_microseconds_positive() {
        let t = UNIX_EPOCH - std::time::Duration::from_micros(1_500_000);
        let built = EntryBuilder::new(EntryType::Empty).time(t).build();
        if layout::TV_SEC.len < 8 {
            // 32-bit tv_sec is read unsigned: no time before 1970 fits.
            assert!(built.is_err(), "{built:?}");
            return;
        }
        let e = built.unwrap();
        assert_eq!((e.seconds(), e.microseconds()), (-2, 500_000));
        assert_eq!(e.time(), Some(t));
    }
}
