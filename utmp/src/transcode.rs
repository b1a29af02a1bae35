//! Records of any [`Format`] to entries and back.
//!
//! Decoding reads a record's fields through its format's table (explicit
//! offsets, widths and byte order) and writes them into a host-layout
//! [`Entry`] that keeps, beside it, what the host layout cannot hold (see
//! [`crate::format`]). Encoding writes an entry's fields through the target
//! format's table; a value the target cannot hold is an error, never cut.
//! The host format takes neither path: its records are their own bytes.

use std::borrow::Borrow;

use crate::entry::{Entry, Foreign};
use crate::entry_type::{EntryType, RawEntryType};
use crate::error::{Error, Result};
use crate::format::{Addr, ByteOrder, Field, Format, Int, Layout, Str, Table, Time};
use crate::host_record::{HostRecord, HOST};
use crate::layout::{self, RecordBytes};

/// NetBSD's `AF_INET` and `AF_INET6`.
const NETBSD_AF_INET: u8 = 2;
const NETBSD_AF_INET6: u8 = 24;
/// The size of a FreeBSD `struct futx`.
pub(crate) const FUTX_SIZE: usize = 197;
const _: () = assert!(FUTX_SIZE <= u16::MAX as usize);

/// Reads an integer field (sign-extended when signed). `None` only when the
/// field lies outside `rec`, which the tables never allow for a whole record.
pub(crate) fn read_int(rec: &[u8], f: Int, order: ByteOrder) -> Option<i64> {
    let b = rec.get(f.at..f.at.checked_add(usize::from(f.width))?)?;
    let mut v: u64 = 0;
    for i in 0..b.len() {
        let byte = match order {
            ByteOrder::Big => b.get(i),
            ByteOrder::Little => b.get(b.len().wrapping_sub(1).wrapping_sub(i)),
        };
        v = (v << 8) | u64::from(*byte?);
    }
    let bits = u32::from(f.width).checked_mul(8)?;
    if f.signed && bits < 64 {
        let shift = 64u32.checked_sub(bits)?;
        Some(((v << shift) as i64) >> shift)
    } else if f.signed {
        Some(v as i64)
    } else {
        i64::try_from(v).ok()
    }
}

/// The range of an integer field.
fn int_range(f: Int) -> (i64, i64) {
    match (f.width, f.signed) {
        (1, true) => (i8::MIN.into(), i8::MAX.into()),
        (1, false) => (0, u8::MAX.into()),
        (2, true) => (i16::MIN.into(), i16::MAX.into()),
        (2, false) => (0, u16::MAX.into()),
        (4, true) => (i32::MIN.into(), i32::MAX.into()),
        (4, false) => (0, u32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Writes `v` into an integer field of a whole record; false (nothing
/// written) when it does not fit.
/// The field lies inside `rec` and its width is 1, 2, 4 or 8 (both
/// const-asserted for every table: `format::in_bounds`).
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
fn write_int(rec: &mut [u8], f: Int, order: ByteOrder, v: i64) -> bool {
    let (lo, hi) = int_range(f);
    if v < lo || v > hi {
        return false;
    }
    let w = usize::from(f.width);
    let out = &mut rec[f.at..f.at + w];
    out.copy_from_slice(&v.to_be_bytes()[8 - w..]);
    if order == ByteOrder::Little {
        out.reverse();
    }
    true
}

fn c_str(field: &[u8]) -> &[u8] {
    field.get(..layout::nul_len(field)).unwrap_or(field)
}

/// The type of an old BSD `struct utmp` record, which has no type field,
/// inferred as BSD `last` reads it: line `~` is a reboot (name `reboot`) or
/// a shutdown (`shutdown`, which becomes Linux's way of saying it, a
/// `RUN_LVL` record of user `shutdown`), `|` and `{` the clock change, an
/// empty name a logout, an all-empty record nothing.
pub(crate) fn infer_bsd_type(user: &[u8], line: &[u8]) -> EntryType {
    match (line, user) {
        (b"~", b"reboot") => EntryType::BootTime,
        (b"~", _) => EntryType::RunLevel,
        (b"|", _) => EntryType::OldTime,
        (b"{", _) => EntryType::NewTime,
        (b"", b"") => EntryType::Empty,
        (_, b"") => EntryType::DeadProcess,
        _ => EntryType::UserProcess,
    }
}

impl Format {
    /// Decodes one record of this format (exactly [`Format::record_size`]
    /// bytes; for `utx.log`, a `futx` of up to 197 bytes without its length
    /// prefix, zero-extended as FreeBSD reads it).
    ///
    /// ```
    /// # fn main() -> utmp::Result<()> {
    /// use utmp::{EntryBuilder, EntryType, Format};
    /// let e = EntryBuilder::new(EntryType::UserProcess).user("root").seconds(1_700_000_000).build()?;
    /// let bsd = Format::FREEBSD_UTX.encode(&e)?;
    /// assert_eq!(bsd[0], 4); // USER_PROCESS is 4 on FreeBSD
    /// let back = Format::FREEBSD_UTX.decode(&bsd)?;
    /// assert_eq!((back.entry_type(), back.raw_type(), back.user_lossy()), (EntryType::UserProcess, 4, "root".into()));
    /// assert_eq!(back.exit_status(), None); // FreeBSD records have no ut_exit
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TrailingBytes`] when `record` is not one record long;
    /// [`Error::Unrepresentable`] (offset 0) for a value this host's entries
    /// cannot hold.
    pub fn decode(self, record: &[u8]) -> Result<Entry> {
        if self.is_host() {
            return match crate::EntryRef::from_slice(record) {
                Some(e) => Ok(e.to_entry()),
                None => Err(short(record.len(), layout::RECORD_SIZE)),
            };
        }
        let t = self.table();
        let padded;
        let rec: &[u8] = if self.layout == Layout::FreeBsdUtxLog {
            if record.len() > FUTX_SIZE {
                return Err(short(record.len(), FUTX_SIZE));
            }
            let mut p = [0u8; FUTX_SIZE];
            if let Some(dst) = p.get_mut(..record.len()) {
                dst.copy_from_slice(record);
            }
            padded = p;
            &padded
        } else {
            if record.len() != t.size {
                return Err(short(record.len(), t.size));
            }
            record
        };
        let mut host = [0u8; layout::RECORD_SIZE];
        decode_into(self, rec, &HOST, &mut host)?;
        Ok(Entry::from_foreign(host, Foreign { format: self }))
    }

    /// Encodes `entry` as one record of this format (for `utx.log`, with its
    /// length prefix and trailing zeros cut, as FreeBSD writes it).
    ///
    /// The host format writes a host entry's bytes exactly (padding
    /// included). Any other combination goes field by field.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] for a value the format cannot hold: a string
    /// longer than its field, a time out of range, a type the system does not
    /// have (FreeBSD has no `RUN_LVL`), or any value in a field the format
    /// lacks (a pid for the old BSD `struct utmp`).
    pub fn encode<B: Borrow<RecordBytes>>(self, entry: &Entry<B>) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.encode_into(entry, &mut out)?;
        Ok(out)
    }

    /// Like [`Format::encode`], appending to `out` (left as it was on error).
    ///
    /// # Errors
    ///
    /// As [`Format::encode`].
    pub fn encode_into<B: Borrow<RecordBytes>>(
        self,
        entry: &Entry<B>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        if self.is_host() && entry.format().is_host() {
            out.extend_from_slice(entry.as_bytes());
            return Ok(());
        }
        let t = self.table();
        let mut rec = vec![0u8; t.size];
        encode_from(self, &HOST, entry.format(), entry.as_bytes(), &mut rec)?;
        if self.layout == Layout::FreeBsdUtxLog {
            // The record cut after its last non-zero byte (at most 197).
            #[allow(clippy::arithmetic_side_effects)]
            let len = rec.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            if len == 0 {
                return Err(bad(
                    self,
                    "futx",
                    "an all-zero record cannot be written to utx.log (FreeBSD skips zero-length records)"
                        .to_owned(),
                ));
            }
            rec.truncate(len);
            // len <= FUTX_SIZE, which fits the u16 prefix (asserted below).
            out.extend_from_slice(&(len as u16).to_be_bytes());
            out.extend_from_slice(&rec);
        } else {
            out.extend_from_slice(&rec);
        }
        Ok(())
    }
}

fn short(len: usize, record_size: usize) -> Error {
    Error::TrailingBytes {
        path: None,
        offset: 0,
        len,
        record_size,
    }
}

fn unrep(format: Format, field: &'static str, message: String) -> Error {
    Error::Unrepresentable {
        path: None,
        offset: 0,
        format,
        field,
        message,
    }
}

fn bad(format: Format, field: &'static str, message: String) -> Error {
    Error::InvalidField {
        field,
        message: format!("{message} (format {format})"),
    }
}

/// Why a value could not be written into a table's record.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Miss {
    /// The record has no such field, and the value is not zero.
    NoField(String),
    /// The value is outside the field's range.
    Range(i64, i64, i64),
    /// A string or id of this many bytes does not fit a field of that many.
    TooLong(usize, usize),
}

/// A failed write: the field's C name and why.
type Missed = (&'static str, Miss);

/// A remote address as `ut_addr_v6` holds it (IPv4 in the first 4 bytes),
/// with the port of a `sockaddr_storage` when the record had one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Address {
    pub(crate) bytes: [u8; 16],
    pub(crate) port: Option<[u8; 2]>,
}

/// The fields of one record read through its table: the neutral form between
/// a format's table and a host's (see [`crate::host_record`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fields<'a> {
    /// The type number to store (already in the target's numbering when
    /// encoding); `None` when the source has no type field.
    pub(crate) ty: Option<i64>,
    pub(crate) pid: Option<i64>,
    pub(crate) line: &'a [u8],
    pub(crate) id: Option<&'a [u8]>,
    pub(crate) user: &'a [u8],
    pub(crate) host: &'a [u8],
    pub(crate) exit: Option<(i64, i64)>,
    pub(crate) session: Option<i64>,
    pub(crate) seconds: i64,
    pub(crate) micros: Option<i64>,
    /// `Err(family)` for a `sockaddr_storage` of a family that is neither
    /// IPv4 nor IPv6.
    pub(crate) addr: Option<Result<Address, u8>>,
}

/// Spare bytes of the target record (a host's; formats have none).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Spare {
    pub(crate) wide_id: Option<Str>,
    pub(crate) port: Option<Str>,
}

/// The bytes of a text field. Every table is asserted in bounds of its
/// record at compile time (`format::in_bounds`), and `rec` is one record.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
fn text(rec: &[u8], s: Str) -> &[u8] {
    &rec[s.at..s.at + s.len]
}

/// As [`text`], mutably.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
fn text_mut(rec: &mut [u8], s: Str) -> &mut [u8] {
    &mut rec[s.at..s.at + s.len]
}

/// Reads an integer field of a whole record (in bounds, as for [`text`]).
fn int_of(rec: &[u8], f: Int, o: ByteOrder) -> i64 {
    let v = read_int(rec, f, o);
    debug_assert!(
        v.is_some(),
        "field {f:?} outside a {}-byte record",
        rec.len()
    );
    v.unwrap_or(0)
}

/// Reads a NetBSD `sockaddr_storage` (`ss_len`, `ss_family`, port @2,
/// `sin_addr` @4, `sin6_addr` @8).
fn read_sockaddr(ss: &[u8]) -> Option<Result<Address, u8>> {
    let (family, port) = match ss {
        [_, family, p0, p1, ..] => (*family, [*p0, *p1]),
        _ => return None,
    };
    let place = match family {
        0 => return None,
        NETBSD_AF_INET => 4..8,
        NETBSD_AF_INET6 => 8..24,
        other => return Some(Err(other)),
    };
    let src = ss.get(place)?;
    let mut bytes = [0u8; 16];
    bytes.get_mut(..src.len())?.copy_from_slice(src);
    let port = (port != [0, 0]).then_some(port);
    Some(Ok(Address { bytes, port }))
}

/// Reads every field of `rec`, one record of table `t` in order `o`.
pub(crate) fn read_fields<'a>(t: &Table, o: ByteOrder, rec: &'a [u8]) -> Fields<'a> {
    debug_assert_eq!(rec.len(), t.size);
    let (seconds, micros) = match t.time {
        Time::SecUsec(s, u) => (int_of(rec, s, o), Some(int_of(rec, u, o))),
        Time::Micros(at) => {
            let mut b = [0u8; 8];
            b.copy_from_slice(text(rec, Str { at, len: 8 }));
            let us = match o {
                ByteOrder::Big => u64::from_be_bytes(b),
                ByteOrder::Little => u64::from_le_bytes(b),
            };
            // Below 2^64 / 10^6: both fit an i64.
            ((us / 1_000_000) as i64, Some((us % 1_000_000) as i64))
        }
        Time::Sec(s) => (int_of(rec, s, o), None),
    };
    let addr = match t.addr {
        Some(Addr::V6Words(at)) => {
            let mut bytes = [0u8; 16];
            bytes.copy_from_slice(text(rec, Str { at, len: 16 }));
            (bytes != [0; 16]).then_some(Ok(Address { bytes, port: None }))
        }
        Some(Addr::SockaddrStorage(at)) => read_sockaddr(text(rec, Str { at, len: 128 })),
        None => None,
    };
    Fields {
        ty: t.ty.map(|f| int_of(rec, f, o)),
        pid: t.pid.map(|f| int_of(rec, f, o)),
        line: text(rec, t.line),
        id: t.id.map(|s| text(rec, s)),
        user: text(rec, t.user),
        host: text(rec, t.host),
        exit: t.exit.map(|(a, b)| (int_of(rec, a, o), int_of(rec, b, o))),
        session: t.session.map(|f| int_of(rec, f, o)),
        seconds,
        micros,
        addr,
    }
}

/// Writes `v` into `f` of `rec`, or says why not.
fn put(rec: &mut [u8], f: Int, o: ByteOrder, v: i64, name: &'static str) -> Result<(), Missed> {
    if write_int(rec, f, o, v) {
        Ok(())
    } else {
        let (lo, hi) = int_range(f);
        Err((name, Miss::Range(v, lo, hi)))
    }
}

/// Writes `v` into an optional field: a record without it takes only 0.
fn put_opt(
    rec: &mut [u8],
    f: Option<Int>,
    o: ByteOrder,
    v: i64,
    name: &'static str,
) -> Result<(), Missed> {
    match f {
        Some(f) => put(rec, f, o, v, name),
        None if v == 0 => Ok(()),
        None => Err((name, Miss::NoField(v.to_string()))),
    }
}

/// Copies a string: every byte up to the last non-zero one when they fit
/// (bytes after a NUL, as decoding keeps them, so a dump reads back byte
/// for byte: `tty1\0tty1`), otherwise its C string (the bytes after the
/// NUL are not part of the value).
fn put_text(rec: &mut [u8], s: Str, src: &[u8], name: &'static str) -> Result<(), Missed> {
    let used = src
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |i| i.wrapping_add(1));
    let src = match src.get(..used) {
        Some(kept) if used <= s.len => kept,
        _ => c_str(src),
    };
    match text_mut(rec, s).get_mut(..src.len()) {
        Some(d) => {
            d.copy_from_slice(src);
            Ok(())
        }
        None => Err((name, Miss::TooLong(src.len(), s.len))),
    }
}

/// Copies an id. One wider than the field (FreeBSD's 8 bytes) is kept whole
/// in the spare bytes when there are some, its first bytes in the field;
/// without spare bytes, only an id whose extra bytes are zero fits.
fn put_id(rec: &mut [u8], s: Option<Str>, spare: Spare, id: &[u8]) -> Result<(), Missed> {
    let Some(s) = s else {
        return match id.iter().any(|&b| b != 0) {
            true => Err(("ut_id", Miss::NoField(format!("{:?}", c_str(id))))),
            false => Ok(()),
        };
    };
    let (head, tail) = id.split_at(id.len().min(s.len));
    if !tail.is_empty() {
        match spare.wide_id {
            Some(w) if w.len >= id.len() => text_mut(rec, w)
                .get_mut(..id.len())
                .ok_or(("ut_id", Miss::TooLong(id.len(), w.len)))?
                .copy_from_slice(id),
            _ if tail.iter().all(|&b| b == 0) => {}
            _ => return Err(("ut_id", Miss::TooLong(id.len(), s.len))),
        }
    }
    text_mut(rec, s)
        .get_mut(..head.len())
        .ok_or(("ut_id", Miss::TooLong(head.len(), s.len)))?
        .copy_from_slice(head);
    Ok(())
}

/// Writes the time: `ut_tv`, FreeBSD's microsecond count, or whole seconds.
fn put_time(rec: &mut [u8], t: &Table, o: ByteOrder, secs: i64, usec: i64) -> Result<(), Missed> {
    match t.time {
        Time::SecUsec(s, u) => {
            put(rec, s, o, secs, "ut_tv.tv_sec")?;
            put(rec, u, o, usec, "ut_tv.tv_usec")
        }
        Time::Micros(at) => {
            let us = u64::try_from(secs)
                .ok()
                .filter(|_| (0..1_000_000).contains(&usec))
                .and_then(|s| s.checked_mul(1_000_000))
                .and_then(|s| s.checked_add(usec.unsigned_abs()))
                .ok_or_else(|| {
                    let why = format!("{secs} s {usec} us is not a time from 1970 on");
                    ("fu_tv", Miss::NoField(why))
                })?;
            text_mut(rec, Str { at, len: 8 }).copy_from_slice(&us.to_be_bytes());
            Ok(())
        }
        Time::Sec(s) => {
            put(rec, s, o, secs, "ut_time")?;
            put_opt(rec, None, o, usec, "ut_tv.tv_usec")
        }
    }
}

/// Writes a NetBSD `sockaddr_storage` (`sockaddr_in`/`sockaddr_in6`).
fn put_sockaddr(ss: &mut [u8], a: Address) {
    let v4 = a.bytes.get(4..).is_some_and(|t| t.iter().all(|&b| b == 0));
    let [b0, b1, b2, b3, ..] = a.bytes;
    let ipv4 = [b0, b1, b2, b3];
    let (header, place, src): (_, _, &[u8]) = match v4 {
        true => ([16u8, NETBSD_AF_INET], 4..8, &ipv4),
        false => ([28, NETBSD_AF_INET6], 8..24, &a.bytes),
    };
    let port = a.port.unwrap_or([0, 0]);
    for (range, src) in [(0..2, &header[..]), (2..4, &port[..]), (place, src)] {
        if let Some(d) = ss.get_mut(range) {
            d.copy_from_slice(src);
        }
    }
}

/// Writes the address: `ut_addr_v6` (and the port in the spare bytes when
/// there is room), or a `sockaddr_storage`. The port is dropped where the
/// target has no place for it.
fn put_addr(rec: &mut [u8], t: &Table, spare: Spare, addr: Option<Address>) -> Result<(), Missed> {
    let Some(a) = addr else { return Ok(()) };
    match t.addr {
        Some(Addr::V6Words(at)) => {
            text_mut(rec, Str { at, len: 16 }).copy_from_slice(&a.bytes);
            if let (Some(p), Some(port)) = (spare.port, a.port) {
                text_mut(rec, p).copy_from_slice(&port);
            }
        }
        Some(Addr::SockaddrStorage(at)) => put_sockaddr(text_mut(rec, Str { at, len: 128 }), a),
        None => {
            let ip = crate::entry::ip_from_bytes(a.bytes);
            let shown = ip.map_or_else(String::new, |ip| ip.to_string());
            return Err(("ut_addr_v6", Miss::NoField(shown)));
        }
    }
    Ok(())
}

/// Writes `f` into `rec`, one zeroed record of table `t` in order `o`.
fn write_fields(
    t: &Table,
    o: ByteOrder,
    spare: Spare,
    f: &Fields<'_>,
    rec: &mut [u8],
) -> Result<(), Missed> {
    debug_assert_eq!(rec.len(), t.size);
    put_text(rec, t.user, f.user, "ut_user")?;
    put_text(rec, t.line, f.line, "ut_line")?;
    put_text(rec, t.host, f.host, "ut_host")?;
    put_opt(rec, t.ty, o, f.ty.unwrap_or(0), "ut_type")?;
    put_opt(rec, t.pid, o, f.pid.unwrap_or(0), "ut_pid")?;
    put_id(rec, t.id, spare, f.id.unwrap_or(&[]))?;
    let (term, exit) = f.exit.unwrap_or((0, 0));
    put_opt(rec, t.exit.map(|e| e.0), o, term, "ut_exit.e_termination")?;
    put_opt(rec, t.exit.map(|e| e.1), o, exit, "ut_exit.e_exit")?;
    put_opt(rec, t.session, o, f.session.unwrap_or(0), "ut_session")?;
    put_time(rec, t, o, f.seconds, f.micros.unwrap_or(0))?;
    put_addr(rec, t, spare, f.addr.and_then(Result::ok))?;
    if let Some(s) = t.syslen {
        // illumos: the host's length with its NUL, at most the field.
        let len = c_str(f.host).len();
        // At most the source's host field (257 bytes): no overflow.
        let v = if len == 0 {
            0
        } else {
            t.host.len.min(len.wrapping_add(1))
        };
        put(rec, s, o, v as i64, "ut_syslen")?;
    }
    Ok(())
}

/// The message of a failed write.
fn describe(miss: &Miss, into: &str) -> String {
    match miss {
        Miss::NoField(v) => format!("{v}: {into} has no such field"),
        Miss::Range(v, lo, hi) => format!("{v} is outside {into}'s {lo}..={hi}"),
        Miss::TooLong(n, len) => format!("{n} bytes do not fit {into}'s {len}-byte field"),
    }
}

/// Decodes one whole record of `format` (`rec` is `format.table().size`
/// bytes) into `out`, a zeroed record of `host`.
///
/// # Errors
///
/// [`Error::Unrepresentable`] for a value `host`'s record cannot hold.
pub(crate) fn decode_into(
    format: Format,
    rec: &[u8],
    host: &HostRecord,
    out: &mut [u8],
) -> Result<()> {
    let t = format.table();
    let mut f = read_fields(t, format.order, rec);
    if let Some(Err(family)) = f.addr {
        let why = format!("address family {family} is not IPv4 or IPv6");
        return Err(unrep(format, "ut_ss", why));
    }
    if f.ty.is_none() {
        // No type field: the inferred type, by the host's number.
        let kind = infer_bsd_type(c_str(f.user), c_str(f.line));
        let raw = kind.raw().ok_or_else(|| {
            let why = format!("this host's header has no number for {kind}");
            unrep(format, "ut_type", why)
        })?;
        f.ty = Some(raw.into());
    }
    let spare = Spare {
        wide_id: host.wide_id,
        port: host.port,
    };
    write_fields(&host.table, host.order, spare, &f, out).map_err(|(field, miss)| {
        let into = format!("this host's ({}) record", host.name);
        unrep(format, field, describe(&miss, &into))
    })
}

/// The fields of `bytes`, a record of `host` that holds an entry read from
/// `source`: its wide id and port come from the spare bytes.
pub(crate) fn host_fields<'a>(host: &HostRecord, source: Format, bytes: &'a [u8]) -> Fields<'a> {
    let mut f = read_fields(&host.table, host.order, bytes);
    let src = source.table();
    match (src.id, host.table.id, host.wide_id) {
        (Some(s), Some(h), Some(w)) if s.len > h.len && !source.is_host() => {
            f.id = text(bytes, w).get(..s.len);
        }
        (None, _, _) => f.id = None,
        _ => {}
    }
    if matches!(src.addr, Some(Addr::SockaddrStorage(_))) && !source.is_host() {
        if let (Some(Ok(a)), Some(p)) = (f.addr.as_mut(), host.port) {
            if let [p0, p1] = *text(bytes, p) {
                a.port = (p0 != 0 || p1 != 0).then_some([p0, p1]);
            }
        }
    }
    if !source.has(Field::Microseconds) {
        f.micros = None;
    }
    f
}

/// Encodes `bytes`, a record of `host` holding an entry read from `source`,
/// as one record of `format` into `rec` (zeroed, `format.table().size` long).
///
/// # Errors
///
/// [`Error::InvalidField`] for a value `format` cannot hold.
pub(crate) fn encode_from(
    format: Format,
    host: &HostRecord,
    source: Format,
    bytes: &[u8],
    rec: &mut [u8],
) -> Result<()> {
    let t = format.table();
    let mut f = host_fields(host, source, bytes);
    // Every host record has a type field (const-asserted in format.rs).
    let raw = f.ty.unwrap_or(0);
    let Ok(number) = RawEntryType::try_from(raw) else {
        return Err(bad(
            format,
            "ut_type",
            format!("{raw} is beyond the type numbers"),
        ));
    };
    let kind = match source.has(Field::Type) {
        true => source.entry_type(number),
        false => EntryType::from_raw(number),
    };
    f.ty = match t.ty {
        // A record of this same system keeps its number; others map by kind.
        Some(_) if source.system() == format.system() => Some(raw),
        Some(_) => match format.raw_type(kind) {
            Some(n) => Some(n.into()),
            None => {
                let why = format!("{} has no {kind} records", format.system().as_str());
                return Err(bad(format, "ut_type", why));
            }
        },
        None => {
            let inferred = infer_bsd_type(c_str(f.user), c_str(f.line));
            if inferred != kind {
                let why = format!("the format has no type field: this {kind} record would read back as {inferred}");
                return Err(bad(format, "ut_type", why));
            }
            None
        }
    };
    write_fields(t, format.order, Spare::default(), &f, rec)
        .map_err(|(field, miss)| bad(format, field, describe(&miss, "the format")))
}
