//! Does a file look like this platform's records? A cheap plausibility check.
//!
//! The direct reader cannot know the record size from the bytes: any
//! [`RECORD_SIZE`] bytes decode to some record. A file written by another ABI
//! (400-byte aarch64 records read on x86_64, where records are 384 bytes) or in
//! the other byte order decodes to garbage that looks like data. When its size
//! is not a multiple of the record size the reader already says so
//! ([`Error::TrailingBytes`]); otherwise these checks catch what the header
//! allows no record to hold: a `ut_type` the header does not name, and a
//! `tv_usec` outside 0..1,000,000. Both hold for every record that a C library
//! writes.
//!
//! They are heuristics: a file of another format can pass them (a shift that
//! lands every `ut_type` on zero bytes), and a record of this platform that a
//! program filled with junk fails them. The reader itself never rejects a
//! record on these grounds; callers choose ([`validate`] for a whole buffer,
//! [`Entry::implausibility`] for one record while streaming).

use std::borrow::Borrow;

use crate::entry::Entry;
use crate::entry_type::EntryType;
use crate::error::{Error, Result};
use crate::format::{Field, Format};
use crate::layout::{RecordBytes, RECORD_SIZE};
use crate::reader::entries;
use crate::records::entries_in;

impl<B: Borrow<RecordBytes>> Entry<B> {
    /// Why this record cannot have been written by this platform's C library,
    /// or `None` when it could have: a `ut_type` the header does not name, or a
    /// `tv_usec` outside 0..1,000,000 (see [`validate`]).
    #[inline]
    pub fn implausibility(&self) -> Option<String> {
        // The usual answer, checked inline (`utmp dump` asks for every
        // record); the reason is worded out of line.
        let host_type = || !matches!(self.entry_type(), EntryType::Unknown(_));
        if self.format().is_host() && (0..1_000_000).contains(&self.microseconds()) && host_type() {
            return None;
        }
        self.implausibility_worded()
    }

    /// [`Entry::implausibility`] in full.
    #[cold]
    fn implausibility_worded(&self) -> Option<String> {
        let format = self.format();
        if !format.is_host() {
            // A record of another format: judged by its own system's types.
            if let Some(reason) = foreign_type_reason(self, format) {
                return Some(reason);
            }
        } else if let EntryType::Unknown(raw) = self.entry_type() {
            return Some(format!(
                "ut_type {raw} is not a type this platform's header names"
            ));
        }
        let usec = self.microseconds();
        if !(0..1_000_000).contains(&usec) {
            return Some(format!("ut_tv.tv_usec {usec} is outside 0..1000000"));
        }
        None
    }

    /// True when [`Entry::implausibility`] finds nothing wrong.
    pub fn is_plausible(&self) -> bool {
        self.implausibility().is_none()
    }
}

/// Checks that `bytes` look like records of this platform's format: a whole
/// number of [`RECORD_SIZE`]-byte records, each of them plausible (a
/// `ut_type` the header names, `tv_usec` in 0..1,000,000).
///
/// An empty buffer passes. Reading never depends on this: it is for a caller
/// that wants to warn before it presents a file's contents as fact.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// let entry = utmp::EntryBuilder::new(utmp::EntryType::BootTime).build()?;
/// utmp::validate(entry.as_bytes())?;
/// assert!(utmp::validate(&[0xff; utmp::RECORD_SIZE]).is_err());
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`Error::TrailingBytes`] when the length is not a multiple of the record
/// size; [`Error::Implausible`] for the first record that fails the checks.
pub fn validate(bytes: &[u8]) -> Result<()> {
    let offsets = (0u64..).step_by(RECORD_SIZE);
    for (entry, offset) in entries(bytes).zip(offsets) {
        let entry = entry?;
        if let Some(reason) = entry.implausibility() {
            return Err(Error::Implausible {
                path: None,
                offset,
                record_size: RECORD_SIZE,
                reason,
            });
        }
    }
    Ok(())
}

/// Why `entry`, a record of `format` (another system's), is no record that
/// system writes: a type number it does not define.
fn foreign_type_reason<B: Borrow<RecordBytes>>(entry: &Entry<B>, format: Format) -> Option<String> {
    (format.has(Field::Type) && entry.type_name() == "UNKNOWN").then(|| {
        format!(
            "type {} is not a type {} defines",
            entry.raw_type(),
            format.system().as_str()
        )
    })
}

/// Checks that `bytes` look like records of `format` (see [`crate::format`]):
/// every record decodes, has a type number that format's system defines
/// (where it has a type field) and microseconds in 0..1,000,000, and the data
/// ends on a record boundary. [`validate`] is the same for the host format.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::{EntryBuilder, EntryType, Format};
/// let e = EntryBuilder::new(EntryType::UserProcess).user("root").build()?;
/// let bytes = Format::FREEBSD_UTX.encode(&e)?;
/// utmp::validate_in(&bytes, Format::FREEBSD_UTX)?;
/// assert!(utmp::validate_in(&bytes, Format::GLIBC_384_LE).is_err());
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`Error::TrailingBytes`] when the data ends inside a record;
/// [`Error::Unrepresentable`] for a record that cannot be decoded here;
/// [`Error::Implausible`] for the first record that fails the checks.
pub fn validate_in(bytes: &[u8], format: Format) -> Result<()> {
    if format.is_host() {
        return validate(bytes);
    }
    let mut records = entries_in(bytes, format);
    loop {
        let offset = records.offset();
        let Some(entry) = records.next() else {
            return Ok(());
        };
        let entry = entry?;
        let usec = entry.microseconds();
        let reason = foreign_type_reason(&entry, format).or_else(|| {
            (!(0..1_000_000).contains(&usec))
                .then(|| format!("microseconds {usec} are outside 0..1000000"))
        });
        if let Some(reason) = reason {
            return Err(Error::Implausible {
                path: None,
                offset,
                // utx.log's records vary in size: 0 says there is no one size.
                record_size: format.record_size().unwrap_or(0),
                reason,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{self, set_int};

    #[test]
    fn zeroes_pass_and_unknown_types_or_bad_usec_fail() {
        assert!(validate(&[]).is_ok());
        assert!(validate(&[0; RECORD_SIZE * 2]).is_ok());
        let mut e = Entry::zeroed();
        assert!(set_int(e.bytes_mut(), layout::UT_TYPE, 10, false));
        assert!(!e.is_plausible());
        assert!(set_int(e.bytes_mut(), layout::UT_TYPE, 7, false));
        assert!(e.is_plausible());
        assert!(set_int(e.bytes_mut(), layout::TV_USEC, 1_000_000, false));
        assert!(!e.is_plausible());
        assert!(set_int(e.bytes_mut(), layout::TV_USEC, -1, false));
        assert!(!e.is_plausible());
        let mut two = [0u8; RECORD_SIZE * 2];
        two[RECORD_SIZE..].copy_from_slice(e.as_bytes());
        match validate(&two) {
            Err(Error::Implausible { offset, .. }) => assert_eq!(offset, RECORD_SIZE as u64),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            validate(&[0; RECORD_SIZE + 1]),
            Err(Error::TrailingBytes { .. })
        ));
    }
}
