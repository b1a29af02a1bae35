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
        b.int(
            "ut_type",
            layout::UT_TYPE,
            i64::from(entry_type.raw()),
            false,
        );
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
        self.int("ut_type", layout::UT_TYPE, i64::from(t.raw()), false);
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

    /// `ut_exit`.
    pub fn exit_status(mut self, status: ExitStatus) -> Self {
        self.int(
            "ut_exit.e_termination",
            layout::E_TERMINATION,
            i64::from(status.termination),
            false,
        );
        self.int(
            "ut_exit.e_exit",
            layout::E_EXIT,
            i64::from(status.exit),
            false,
        );
        self
    }

    /// `ut_session`.
    pub fn session(mut self, session: i64) -> Self {
        self.int("ut_session", layout::UT_SESSION, session, false);
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
    pub fn address(mut self, addr: Option<IpAddr>) -> Self {
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
        self.bytes("ut_addr_v6", layout::UT_ADDR_V6, &raw);
        self
    }

    /// `ut_addr_v6` as its 16 stored bytes.
    pub fn address_bytes(mut self, raw: [u8; 16]) -> Self {
        self.bytes("ut_addr_v6", layout::UT_ADDR_V6, &raw);
        self
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
        if layout::TV_SEC.len < 8 {
            return; // 32-bit tv_sec is read unsigned: no time before 1970 fits.
        }
        let t = UNIX_EPOCH - std::time::Duration::from_micros(1_500_000);
        let e = EntryBuilder::new(EntryType::Empty).time(t).build().unwrap();
        assert_eq!((e.seconds(), e.microseconds()), (-2, 500_000));
        assert_eq!(e.time(), Some(t));
    }
}
