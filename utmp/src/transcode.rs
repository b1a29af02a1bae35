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
use crate::format::{Addr, ByteOrder, Format, Int, Layout, Str, Time};
use crate::layout::{self, RecordBytes, Span};

/// NetBSD's `AF_INET` and `AF_INET6`.
const NETBSD_AF_INET: u8 = 2;
const NETBSD_AF_INET6: u8 = 24;
/// The size of a FreeBSD `struct futx`.
pub(crate) const FUTX_SIZE: usize = 197;

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

/// Writes `v` into an integer field; false (nothing written) when it does not fit.
fn write_int(rec: &mut [u8], f: Int, order: ByteOrder, v: i64) -> bool {
    let (lo, hi) = int_range(f);
    if v < lo || v > hi {
        return false;
    }
    let w = usize::from(f.width);
    let Some(out) = f.at.checked_add(w).and_then(|end| rec.get_mut(f.at..end)) else {
        return false;
    };
    let be = v.to_be_bytes();
    let Some(low) = be.get(be.len().saturating_sub(w)..) else {
        return false;
    };
    out.copy_from_slice(low);
    if order == ByteOrder::Little {
        out.reverse();
    }
    true
}

fn str_bytes(rec: &[u8], s: Str) -> &[u8] {
    s.at.checked_add(s.len)
        .and_then(|end| rec.get(s.at..end))
        .unwrap_or_default()
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
        decode_table(self, rec)
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
        encode_table(self, entry, &mut rec)?;
        if self.layout == Layout::FreeBsdUtxLog {
            let len = rec
                .iter()
                .rposition(|&b| b != 0)
                .map_or(0, |i| i.saturating_add(1));
            if len == 0 {
                return Err(bad(
                    self,
                    "futx",
                    "an all-zero record cannot be written to utx.log (FreeBSD skips zero-length records)"
                        .to_owned(),
                ));
            }
            // len <= 197: it fits the u16 prefix.
            out.extend_from_slice(&u16::try_from(len).unwrap_or_default().to_be_bytes());
            out.extend_from_slice(rec.get(..len).unwrap_or_default());
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

/// Copies a string field into the host span: the whole array when it fits,
/// otherwise its C string (the bytes after the NUL are not part of the value).
fn put_str(
    format: Format,
    out: &mut RecordBytes,
    span: Span,
    field: &[u8],
    name: &'static str,
) -> Result<()> {
    let src = if field.len() <= span.len {
        field
    } else {
        c_str(field)
    };
    let dst = layout::bytes_mut(out, span);
    match dst.get_mut(..src.len()) {
        Some(dst) => {
            dst.copy_from_slice(src);
            Ok(())
        }
        None => Err(unrep(
            format,
            name,
            format!(
                "{} bytes do not fit this host's {}-byte field",
                src.len(),
                span.len
            ),
        )),
    }
}

/// Writes `v` to the host field `span`; a host record without that field
/// (`None`: FreeBSD, macOS) holds only 0 there, any other value is
/// unrepresentable, never dropped.
fn put_opt_int(
    format: Format,
    out: &mut RecordBytes,
    span: Option<Span>,
    v: i64,
    name: &'static str,
) -> Result<()> {
    match span {
        Some(span) => put_int(format, out, span, v, name),
        None if v == 0 => Ok(()),
        None => Err(unrep(
            format,
            name,
            format!("{v}: this host's record has no such field"),
        )),
    }
}

/// Writes an address (4 or 16 bytes) to the host's `ut_addr_v6`; a host
/// record without one (FreeBSD, macOS, illumos, NetBSD's `ut_ss`) holds only
/// no address, any other is unrepresentable.
fn put_address(format: Format, out: &mut RecordBytes, addr: &[u8]) -> Result<()> {
    match layout::UT_ADDR_V6 {
        Some(span) => {
            if let Some(d) = layout::bytes_mut(out, span).get_mut(..addr.len()) {
                d.copy_from_slice(addr);
            }
            Ok(())
        }
        None if addr.iter().all(|&b| b == 0) => Ok(()),
        None => Err(unrep(
            format,
            "ut_addr_v6",
            "this host's record has no ut_addr_v6".to_owned(),
        )),
    }
}

fn put_int(
    format: Format,
    out: &mut RecordBytes,
    span: Span,
    v: i64,
    name: &'static str,
) -> Result<()> {
    if layout::set_int(out, span, v, false) {
        Ok(())
    } else {
        Err(unrep(
            format,
            name,
            format!("{v} does not fit this host's {}-byte field", span.len),
        ))
    }
}

fn decode_table(format: Format, rec: &[u8]) -> Result<Entry> {
    let t = format.table();
    let o = format.order;
    let mut host = [0u8; layout::RECORD_SIZE];
    let user = str_bytes(rec, t.user);
    let line = str_bytes(rec, t.line);
    put_str(format, &mut host, layout::UT_USER, user, "ut_user")?;
    put_str(format, &mut host, layout::UT_LINE, line, "ut_line")?;
    put_str(
        format,
        &mut host,
        layout::UT_HOST,
        str_bytes(rec, t.host),
        "ut_host",
    )?;

    let raw_type = match t.ty {
        Some(f) => {
            let v = read_int(rec, f, o).unwrap_or_default();
            RawEntryType::try_from(v).map_err(|_| {
                unrep(
                    format,
                    "ut_type",
                    format!("{v} is beyond this host's type numbers"),
                )
            })?
        }
        // No type field: the inferred type, by its host number.
        None => {
            let kind = infer_bsd_type(c_str(user), c_str(line));
            kind.raw().ok_or_else(|| {
                unrep(
                    format,
                    "ut_type",
                    format!("this host's header has no number for {kind}"),
                )
            })?
        }
    };
    put_int(
        format,
        &mut host,
        layout::UT_TYPE,
        raw_type.into(),
        "ut_type",
    )?;
    if let Some(f) = t.pid {
        let v = read_int(rec, f, o).unwrap_or_default();
        put_int(format, &mut host, layout::UT_PID, v, "ut_pid")?;
    }
    if let Some(s) = t.id {
        let src = str_bytes(rec, s);
        if s.len > layout::UT_ID.len {
            // FreeBSD's 8-byte id: whole in the reserved bytes (see
            // `Entry::id_raw`), its first 4 in ut_id.
            let wide = match layout::WIDE_ID {
                Some(w) => layout::bytes_mut(&mut host, w),
                // No room on this host: only an id that fits ut_id is kept.
                None if src.iter().skip(layout::UT_ID.len).all(|&b| b == 0) => &mut [],
                None => {
                    return Err(unrep(
                        format,
                        "ut_id",
                        "this host's record has no room for an 8-byte id".to_owned(),
                    ))
                }
            };
            let no_room = wide.is_empty();
            match wide.get_mut(..src.len()) {
                Some(d) => d.copy_from_slice(src),
                None if no_room => {}
                None => {
                    return Err(unrep(
                        format,
                        "ut_id",
                        format!("{} bytes do not fit", src.len()),
                    ))
                }
            }
        }
        let host_id = layout::bytes_mut(&mut host, layout::UT_ID);
        let n = host_id.len().min(src.len());
        if let (Some(d), Some(s)) = (host_id.get_mut(..n), src.get(..n)) {
            d.copy_from_slice(s);
        }
    }
    if let Some((a, b)) = t.exit {
        let a = read_int(rec, a, o).unwrap_or_default();
        let b = read_int(rec, b, o).unwrap_or_default();
        put_opt_int(
            format,
            &mut host,
            layout::E_TERMINATION,
            a,
            "ut_exit.e_termination",
        )?;
        put_opt_int(format, &mut host, layout::E_EXIT, b, "ut_exit.e_exit")?;
    }
    if let Some(f) = t.session {
        let v = read_int(rec, f, o).unwrap_or_default();
        put_opt_int(format, &mut host, layout::UT_SESSION, v, "ut_session")?;
    }
    let (seconds, microseconds) = match t.time {
        Time::SecUsec(s, u) => (
            read_int(rec, s, o).unwrap_or_default(),
            read_int(rec, u, o).unwrap_or_default(),
        ),
        Time::Micros(at) => {
            let us = read_int(
                rec,
                Int {
                    at,
                    width: 8,
                    signed: true,
                },
                o,
            )
            .unwrap_or_default() as u64;
            (
                i64::try_from(us / 1_000_000).unwrap_or_default(),
                i64::try_from(us % 1_000_000).unwrap_or_default(),
            )
        }
        Time::Sec(s) => (read_int(rec, s, o).unwrap_or_default(), 0),
    };
    // A time this host's tv_sec cannot hold (before 1970, or from 2106 on,
    // where it is an unsigned 32-bit field) is an error, never a wrapped or
    // zeroed time.
    let unsigned = layout::TV_SEC.len < 8;
    if !layout::set_int(&mut host, layout::TV_SEC, seconds, unsigned) {
        let (lo, hi) = layout::int_range(layout::TV_SEC, unsigned);
        return Err(unrep(
            format,
            "ut_tv.tv_sec",
            format!("{seconds} is outside this host's {lo}..={hi}"),
        ));
    }
    put_int(
        format,
        &mut host,
        layout::TV_USEC,
        microseconds,
        "ut_tv.tv_usec",
    )?;
    match t.addr {
        Some(Addr::V6Words(at)) => {
            let src = str_bytes(rec, Str { at, len: 16 });
            put_address(format, &mut host, src)?;
        }
        Some(Addr::SockaddrStorage(at)) => {
            let ss = str_bytes(rec, Str { at, len: 128 });
            let family = ss.get(1).copied().unwrap_or_default();
            let addr = match family {
                NETBSD_AF_INET => ss.get(4..8),
                NETBSD_AF_INET6 => ss.get(8..24),
                0 => None,
                other => {
                    return Err(unrep(
                        format,
                        "ut_ss",
                        format!("address family {other} is not IPv4 or IPv6"),
                    ))
                }
            };
            if let Some(addr) = addr {
                put_address(format, &mut host, addr)?;
            }
        }
        None => {}
    }
    Ok(Entry::from_foreign(host, Foreign { format }))
}

fn encode_table<B: Borrow<RecordBytes>>(
    format: Format,
    e: &Entry<B>,
    rec: &mut [u8],
) -> Result<()> {
    let t = format.table();
    let o = format.order;
    let put = |rec: &mut [u8], f: Int, v: i64, name: &'static str| -> Result<()> {
        if write_int(rec, f, o, v) {
            Ok(())
        } else {
            let (lo, hi) = int_range(f);
            Err(bad(format, name, format!("{v} is outside {lo}..={hi}")))
        }
    };
    let absent = |present: bool, name: &'static str| -> Result<()> {
        if present {
            Err(bad(format, name, "the format has no such field".to_owned()))
        } else {
            Ok(())
        }
    };
    for (s, span, name) in [
        (t.user, layout::UT_USER, "ut_user"),
        (t.line, layout::UT_LINE, "ut_line"),
        (t.host, layout::UT_HOST, "ut_host"),
    ] {
        // The whole field when it fits (bytes after a NUL come back as
        // decoding kept them, so a dump reads back byte for byte), else the
        // string up to its NUL.
        let whole = layout::bytes(e.as_bytes(), span);
        let used = whole
            .iter()
            .rposition(|&b| b != 0)
            .map_or(0, |i| i.saturating_add(1));
        let v = match whole.get(..used) {
            Some(v) if used <= s.len => v,
            _ => c_str(whole),
        };
        let Some(dst) =
            s.at.checked_add(s.len)
                .and_then(|end| rec.get_mut(s.at..end))
        else {
            continue;
        };
        match dst.get_mut(..v.len()) {
            Some(d) => d.copy_from_slice(v),
            None => {
                return Err(bad(
                    format,
                    name,
                    format!("{} bytes do not fit in {}", v.len(), s.len),
                ))
            }
        }
    }
    let kind = e.entry_type();
    match t.ty {
        Some(f) => {
            // A record of this same system keeps its number; others map by kind.
            let raw = if e.format().system() == format.system() {
                Some(e.raw_type())
            } else {
                format.raw_type(kind)
            };
            let Some(raw) = raw else {
                return Err(bad(
                    format,
                    "ut_type",
                    format!("{} has no {kind} records", format.system().as_str()),
                ));
            };
            put(rec, f, raw.into(), "ut_type")?;
        }
        None => {
            let inferred = infer_bsd_type(e.user_bytes(), e.line_bytes());
            if inferred != kind {
                return Err(bad(
                    format,
                    "ut_type",
                    format!(
                        "the format has no type field: this {kind} record would read back as {inferred}"
                    ),
                ));
            }
        }
    }
    match t.pid {
        Some(f) => put(rec, f, e.pid().into(), "ut_pid")?,
        None => absent(e.pid() != 0, "ut_pid")?,
    }
    let id = e.id_raw();
    match t.id {
        Some(s) => {
            let Some(dst) =
                s.at.checked_add(s.len)
                    .and_then(|end| rec.get_mut(s.at..end))
            else {
                return Ok(());
            };
            let keep = if id.len() > s.len { e.id_bytes() } else { id };
            match dst.get_mut(..keep.len()) {
                Some(d) => d.copy_from_slice(keep),
                None => {
                    return Err(bad(
                        format,
                        "ut_id",
                        format!("{} bytes do not fit in {}", keep.len(), s.len),
                    ))
                }
            }
        }
        None => absent(id.iter().any(|&b| b != 0), "ut_id")?,
    }
    let exit = e.exit_status().unwrap_or_default();
    match t.exit {
        Some((a, b)) => {
            put(rec, a, exit.termination.into(), "ut_exit.e_termination")?;
            put(rec, b, exit.exit.into(), "ut_exit.e_exit")?;
        }
        None => absent(exit != Default::default(), "ut_exit")?,
    }
    let session = e.session().unwrap_or_default();
    match t.session {
        Some(f) => put(rec, f, session, "ut_session")?,
        None => absent(session != 0, "ut_session")?,
    }
    let (secs, usec) = (e.seconds(), e.microseconds());
    match t.time {
        Time::SecUsec(s, u) => {
            put(rec, s, secs, "ut_tv.tv_sec")?;
            put(rec, u, usec, "ut_tv.tv_usec")?;
        }
        Time::Micros(at) => {
            let us = u64::try_from(secs)
                .ok()
                .filter(|_| (0..1_000_000).contains(&usec))
                .and_then(|s| s.checked_mul(1_000_000))
                .and_then(|s| s.checked_add(usec.unsigned_abs()));
            let Some(us) = us else {
                return Err(bad(
                    format,
                    "fu_tv",
                    format!("{secs} s {usec} us is not a time from 1970 on"),
                ));
            };
            if let Some(d) = at.checked_add(8).and_then(|end| rec.get_mut(at..end)) {
                d.copy_from_slice(&us.to_be_bytes());
            }
        }
        Time::Sec(s) => {
            put(rec, s, secs, "ut_time")?;
            absent(usec != 0, "ut_tv.tv_usec")?;
        }
    }
    let addr = e.address_bytes().unwrap_or_default();
    match t.addr {
        Some(Addr::V6Words(at)) => {
            if let Some(d) = at.checked_add(16).and_then(|end| rec.get_mut(at..end)) {
                d.copy_from_slice(&addr);
            }
        }
        Some(Addr::SockaddrStorage(at)) => {
            let (len, family, place) = match e.address() {
                None => (0u8, 0u8, None),
                Some(std::net::IpAddr::V4(v4)) => {
                    (16, NETBSD_AF_INET, Some((4usize, v4.octets().to_vec())))
                }
                Some(std::net::IpAddr::V6(v6)) => {
                    (28, NETBSD_AF_INET6, Some((8, v6.octets().to_vec())))
                }
            };
            if let Some(ss) = at.checked_add(128).and_then(|end| rec.get_mut(at..end)) {
                if let Some(h) = ss.get_mut(..2) {
                    h.copy_from_slice(&[len, family]);
                }
                if let Some((off, bytes)) = place {
                    if let Some(d) = ss.get_mut(off..off.saturating_add(bytes.len())) {
                        d.copy_from_slice(&bytes);
                    }
                }
            }
        }
        None => absent(addr != [0; 16], "ut_addr_v6")?,
    }
    if let Some(f) = t.syslen {
        let host = e.host_bytes().len();
        let v = if host == 0 {
            0
        } else {
            host.saturating_add(1).min(t.host.len)
        };
        put(rec, f, i64::try_from(v).unwrap_or_default(), "ut_syslen")?;
    }
    Ok(())
}
