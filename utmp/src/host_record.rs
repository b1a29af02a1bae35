//! The host's in-memory record, `struct utmpx`, described as a table.
//!
//! A record of any [`Format`](crate::Format) is transcoded into the host's
//! `struct utmpx` (an [`Entry`](crate::Entry)'s bytes) and back through two
//! tables: the format's, and the [`HostRecord`] here. The host's is taken
//! from the `utmp_sys` bindings ([`HOST`]); the records of the other hosts
//! this crate builds for (FreeBSD, macOS, illumos, NetBSD, each on 64-bit)
//! are written down below, so that a test on Linux can transcode every
//! fixture through each of them. On each of those systems the build asserts
//! that its bindings give exactly the table written down here for it, so the
//! tables the Linux tests use are the ones those hosts run with.
//!
//! The host's record is not always the host's file format: FreeBSD keeps a
//! packed big-endian `struct futx` on disk, macOS a 32-bit `timeval`, illumos
//! `struct futmpx`. Only Linux and NetBSD read their files zero-copy (see
//! [`Format::is_host`](crate::Format::is_host)).

use crate::format::{int, s, Addr, ByteOrder, Int, Str, Table, Time};

/// One host's `struct utmpx`: its table, its byte order, and where it keeps
/// what its own fields cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HostRecord {
    /// The system, for messages (`"linux"`, `"freebsd"`...).
    pub(crate) name: &'static str,
    /// Where the fields are.
    pub(crate) table: Table,
    /// The host's byte order.
    pub(crate) order: ByteOrder,
    /// Spare bytes where an id wider than `ut_id` (FreeBSD's 8 bytes) is kept
    /// whole (glibc's `__glibc_reserved`); `None` where there are none.
    pub(crate) wide_id: Option<Str>,
    /// Spare bytes where the port of a NetBSD `sockaddr_storage` is kept
    /// (network order) on a host whose address field has none.
    pub(crate) port: Option<Str>,
}

/// FreeBSD (amd64) `<utmpx.h>`: `short ut_type` @0, `struct timeval` @8/@16,
/// id[8] @24, `pid_t` @32, user[32] @36, line[16] @68, host[128] @84,
/// spare[64] @212: 280 bytes.
pub(crate) const FREEBSD: HostRecord = HostRecord {
    name: "freebsd",
    table: Table {
        size: 280,
        ty: Some(int(0, 2)),
        pid: Some(int(32, 4)),
        line: s(68, 16),
        id: Some(s(24, 8)),
        user: s(36, 32),
        host: s(84, 128),
        exit: None,
        session: None,
        time: Time::SecUsec(int(8, 8), int(16, 8)),
        addr: None,
        syslen: None,
    },
    order: ByteOrder::Little,
    wide_id: None,
    port: None,
};

/// macOS (arm64 and x86_64) `<utmpx.h>`: user[256] @0, id[4] @256,
/// line[32] @260, `pid_t` @292, `short ut_type` @296, `struct timeval`
/// @304 (64-bit seconds) / @312 (32-bit microseconds), host[256] @320,
/// pad[16] @576: 640 bytes.
pub(crate) const MACOS: HostRecord = HostRecord {
    name: "macos",
    table: Table {
        size: 640,
        ty: Some(int(296, 2)),
        pid: Some(int(292, 4)),
        line: s(260, 32),
        id: Some(s(256, 4)),
        user: s(0, 256),
        host: s(320, 256),
        exit: None,
        session: None,
        time: Time::SecUsec(int(304, 8), int(312, 4)),
        addr: None,
        syslen: None,
    },
    order: ByteOrder::Little,
    wide_id: None,
    port: None,
};

/// illumos (amd64) `<utmpx.h>` `struct utmpx`: user[32] @0, id[4] @32,
/// line[32] @36, `pid_t` @68, `short ut_type` @72, exit @74/@76, `struct
/// timeval` @80/@88, `int ut_session` @96, pad[5] @100, `short ut_syslen`
/// @120, host[257] @122: 384 bytes.
pub(crate) const ILLUMOS: HostRecord = HostRecord {
    name: "illumos",
    table: Table {
        size: 384,
        ty: Some(int(72, 2)),
        pid: Some(int(68, 4)),
        line: s(36, 32),
        id: Some(s(32, 4)),
        user: s(0, 32),
        host: s(122, 257),
        exit: Some((int(74, 2), int(76, 2))),
        session: Some(int(96, 4)),
        time: Time::SecUsec(int(80, 8), int(88, 8)),
        addr: None,
        syslen: Some(int(120, 2)),
    },
    order: ByteOrder::Little,
    wide_id: None,
    port: None,
};

/// NetBSD (amd64) `<utmpx.h>`: the same bytes as its files (`netbsd-utmpx-520-le`).
pub(crate) const NETBSD: HostRecord = HostRecord {
    name: "netbsd",
    table: crate::format::NETBSD_UTMPX_520,
    order: ByteOrder::Little,
    wide_id: None,
    port: None,
};

/// glibc's 384-byte record as x86_64 has it (the Linux tests' own host when
/// run on another Linux): `__glibc_reserved` @364 keeps a wide id (8 bytes)
/// and a sockaddr port (2 bytes after it).
#[cfg(test)]
pub(crate) const GLIBC_X86_64: HostRecord = HostRecord {
    name: "linux",
    table: crate::format::GLIBC_384,
    order: ByteOrder::Little,
    wide_id: Some(s(364, 8)),
    port: Some(s(372, 2)),
};

/// The host's record: on Linux the table of [`Format::HOST`](crate::Format::HOST)
/// (asserted against the bindings in `format.rs`); elsewhere built from the
/// bindings' offsets and widths.
#[cfg(target_os = "linux")]
pub(crate) const HOST: HostRecord = HostRecord {
    name: "linux",
    table: *crate::Format::HOST.table(),
    order: ByteOrder::NATIVE,
    wide_id: match crate::layout::WIDE_ID {
        Some(w) => Some(s(w.offset, w.len)),
        None => None,
    },
    port: match crate::layout::WIDE_ID {
        Some(w) => Some(s(w.offset + w.len, 2)),
        None => None,
    },
};

#[cfg(target_os = "linux")]
const _: () = {
    // The port's two bytes lie inside the record, after the wide id.
    assert!(match HOST.port {
        Some(p) => p.at + p.len <= crate::layout::RECORD_SIZE,
        None => true,
    });
};

#[cfg(not(target_os = "linux"))]
pub(crate) use from_bindings::HOST;

/// The host's table from the bindings' spans, and the proof that it is the
/// one written down for this system above.
#[cfg(not(target_os = "linux"))]
mod from_bindings {
    use super::*;
    use crate::layout as l;

    /// The width of a span as a table's integer width (1 to 8: asserted).
    const fn width(span: l::Span) -> u8 {
        assert!(span.len >= 1 && span.len <= 8);
        span.len as u8
    }

    const fn field(span: l::Span, signed: bool) -> Int {
        Int {
            at: span.offset,
            width: width(span),
            signed,
        }
    }

    const fn text(span: l::Span) -> Str {
        s(span.offset, span.len)
    }

    /// NetBSD's type, session and exit members are `uint16_t`.
    const SIGNED: bool = !cfg!(target_os = "netbsd");

    const fn exit() -> Option<(Int, Int)> {
        match (l::E_TERMINATION, l::E_EXIT) {
            (Some(a), Some(b)) => Some((field(a, SIGNED), field(b, SIGNED))),
            _ => None,
        }
    }

    const fn session() -> Option<Int> {
        match l::UT_SESSION {
            Some(a) => Some(field(a, SIGNED)),
            None => None,
        }
    }

    #[cfg(target_os = "netbsd")]
    const ADDR: Option<Addr> = Some(Addr::SockaddrStorage(l::UT_SS.offset));
    #[cfg(not(target_os = "netbsd"))]
    const ADDR: Option<Addr> = None;

    #[cfg(any(target_os = "illumos", target_os = "solaris"))]
    const SYSLEN: Option<Int> = Some(Int {
        at: core::mem::offset_of!(utmp_sys::utmpx, ut_syslen),
        width: 2,
        signed: true,
    });
    #[cfg(not(any(target_os = "illumos", target_os = "solaris")))]
    const SYSLEN: Option<Int> = None;

    #[cfg(target_os = "freebsd")]
    const WRITTEN: HostRecord = FREEBSD;
    #[cfg(target_os = "macos")]
    const WRITTEN: HostRecord = MACOS;
    #[cfg(any(target_os = "illumos", target_os = "solaris"))]
    const WRITTEN: HostRecord = ILLUMOS;
    #[cfg(target_os = "netbsd")]
    const WRITTEN: HostRecord = NETBSD;

    pub(crate) const HOST: HostRecord = HostRecord {
        name: WRITTEN.name,
        table: Table {
            size: l::RECORD_SIZE,
            ty: Some(field(l::UT_TYPE, SIGNED)),
            pid: Some(field(l::UT_PID, true)),
            line: text(l::UT_LINE),
            id: Some(text(l::UT_ID)),
            user: text(l::UT_USER),
            host: text(l::UT_HOST),
            exit: exit(),
            session: session(),
            time: Time::SecUsec(field(l::TV_SEC, true), field(l::TV_USEC, true)),
            addr: ADDR,
            syslen: SYSLEN,
        },
        order: ByteOrder::NATIVE,
        wide_id: None,
        port: None,
    };

    // The bindings give exactly the table the Linux tests transcode through.
    const _: () = assert!(host_eq(&HOST, &WRITTEN));
}

const fn int_eq(a: Int, b: Int) -> bool {
    a.at == b.at && a.width == b.width && a.signed == b.signed
}

const fn opt_int_eq(a: Option<Int>, b: Option<Int>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => int_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

const fn str_eq(a: Str, b: Str) -> bool {
    a.at == b.at && a.len == b.len
}

const fn opt_str_eq(a: Option<Str>, b: Option<Str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => str_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

const fn time_eq(a: Time, b: Time) -> bool {
    match (a, b) {
        (Time::SecUsec(a, b), Time::SecUsec(c, d)) => int_eq(a, c) && int_eq(b, d),
        (Time::Micros(a), Time::Micros(b)) => a == b,
        (Time::Sec(a), Time::Sec(b)) => int_eq(a, b),
        _ => false,
    }
}

const fn addr_eq(a: Option<Addr>, b: Option<Addr>) -> bool {
    match (a, b) {
        (Some(Addr::V6Words(a)), Some(Addr::V6Words(b)))
        | (Some(Addr::SockaddrStorage(a)), Some(Addr::SockaddrStorage(b))) => a == b,
        (None, None) => true,
        _ => false,
    }
}

const fn exit_eq(a: Option<(Int, Int)>, b: Option<(Int, Int)>) -> bool {
    match (a, b) {
        (Some((a, b)), Some((c, d))) => int_eq(a, c) && int_eq(b, d),
        (None, None) => true,
        _ => false,
    }
}

/// Whether two tables describe the same bytes (`PartialEq` is not `const`).
pub(crate) const fn table_eq(a: &Table, b: &Table) -> bool {
    a.size == b.size
        && opt_int_eq(a.ty, b.ty)
        && opt_int_eq(a.pid, b.pid)
        && str_eq(a.line, b.line)
        && opt_str_eq(a.id, b.id)
        && str_eq(a.user, b.user)
        && str_eq(a.host, b.host)
        && exit_eq(a.exit, b.exit)
        && opt_int_eq(a.session, b.session)
        && time_eq(a.time, b.time)
        && addr_eq(a.addr, b.addr)
        && opt_int_eq(a.syslen, b.syslen)
}

/// Whether two host records are the same.
#[cfg(any(test, not(target_os = "linux")))]
pub(crate) const fn host_eq(a: &HostRecord, b: &HostRecord) -> bool {
    table_eq(&a.table, &b.table)
        && a.order as u8 == b.order as u8
        && opt_str_eq(a.wide_id, b.wide_id)
        && opt_str_eq(a.port, b.port)
}

/// The other hosts' records, for the tests that transcode through each.
#[cfg(test)]
pub(crate) const PRETEND: [HostRecord; 5] = [GLIBC_X86_64, FREEBSD, MACOS, ILLUMOS, NETBSD];

/// Every fixture, decoded through each host's record (glibc x86_64,
/// FreeBSD, macOS, illumos, NetBSD): the same fields as through glibc's
/// wherever both records have them, an error exactly where the host cannot
/// hold a value, and host -> format -> host byte-exact.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::records::{next_record, Next};
    use crate::transcode::{decode_into, encode_from, host_fields, Fields};
    use crate::Error;

    /// The fixture files and the format each machine wrote.
    const FILES: [(&str, Format); 15] = [
        ("s4/FreeBSD14.0/x86_64/utx.active", Format::FREEBSD_UTX),
        ("s4/FreeBSD14.0/x86_64/utx.lastlogin", Format::FREEBSD_UTX),
        ("s4/FreeBSD14.0/x86_64/utx.log", Format::FREEBSD_UTX_LOG),
        ("s4/NetBSD9.3/x86_32/utmpx", Format::NETBSD_UTMPX_516_LE),
        ("s4/NetBSD9.3/x86_32/wtmpx", Format::NETBSD_UTMPX_516_LE),
        ("s4/NetBSD9.3/x86_32/utmp", Format::NETBSD_UTMP_LE),
        ("s4/NetBSD9.3/x86_32/wtmp", Format::NETBSD_UTMP_LE),
        ("s4/OpenBSD7.2/x86_32/utmp.1", Format::OPENBSD_UTMP_LE),
        ("s4/OpenBSD7.2/x86_32/wtmp.1", Format::OPENBSD_UTMP_LE),
        ("util-linux/wtmp-a.LE", Format::GLIBC_384_LE),
        ("util-linux/wtmp-b.BE", Format::GLIBC_384_BE),
        ("util-linux/wtmp-ipv6.BE", Format::GLIBC_384_BE),
        ("util-linux/wtmp-ipv6.LE", Format::GLIBC_384_LE),
        ("s4/Debian11/aarch64_ARM64/utmp", Format::GLIBC_400_LE),
        ("s4/Debian11/aarch64_ARM64/wtmp", Format::GLIBC_400_LE),
    ];

    fn cut(b: &[u8]) -> &[u8] {
        &b[..b.iter().position(|&x| x == 0).unwrap_or(b.len())]
    }

    /// Each field as a user sees it, `None` where the record lacks it.
    type View = (
        Option<i64>,
        Option<i64>,
        [Vec<u8>; 4],
        Option<(i64, i64)>,
        Option<i64>,
        (i64, Option<i64>),
        Option<[u8; 16]>,
    );

    fn view(f: &Fields<'_>) -> View {
        let strs = [f.user, f.line, f.host, f.id.unwrap_or(&[])].map(|s| cut(s).to_vec());
        let addr = f.addr.and_then(Result::ok).map(|a| a.bytes);
        (
            f.ty,
            f.pid,
            strs,
            f.exit,
            f.session,
            (f.seconds, f.micros),
            addr,
        )
    }

    /// The fields both views have must be equal.
    fn assert_same(a: &View, b: &View, what: &str) {
        assert_eq!((a.0, a.1, &a.2, a.5), (b.0, b.1, &b.2, b.5), "{what}");
        if let (Some(x), Some(y)) = (a.3, b.3) {
            assert_eq!(x, y, "{what}: exit");
        }
        if let (Some(x), Some(y)) = (a.4, b.4) {
            assert_eq!(x, y, "{what}: session");
        }
    }

    /// The fields of `src` that `host` cannot hold: what an error may name.
    fn lost(host: &HostRecord, src: &Fields<'_>) -> Vec<&'static str> {
        let t = &host.table;
        let mut out = Vec::new();
        if t.addr.is_none() && src.addr.is_some() {
            out.extend(["ut_addr_v6", "ut_ss"]);
        }
        if t.exit.is_none() && src.exit.is_some_and(|e| e != (0, 0)) {
            out.extend(["ut_exit.e_termination", "ut_exit.e_exit"]);
        }
        if t.session.is_none() && src.session.is_some_and(|s| s != 0) {
            out.push("ut_session");
        }
        let wide = |s: &[u8], len: usize| cut(s).len() > len;
        if src.id.is_some_and(|id| wide(id, t.id.map_or(0, |s| s.len))) && host.wide_id.is_none() {
            out.push("ut_id");
        }
        for (s, dst, name) in [
            (src.user, t.user, "ut_user"),
            (src.line, t.line, "ut_line"),
            (src.host, t.host, "ut_host"),
        ] {
            if wide(s, dst.len) {
                out.push(name);
            }
        }
        if let crate::format::Time::SecUsec(sec, _) = t.time {
            if sec.width == 4 && !(0..=i64::from(u32::MAX)).contains(&src.seconds) {
                out.push("ut_tv.tv_sec");
            }
        }
        out
    }

    /// Decodes `rec` of `format` through `host`; on success checks the round
    /// trip and returns the fields as read back from the host's record.
    fn through(host: &HostRecord, format: Format, rec: &[u8], what: &str) -> Option<View> {
        let src = crate::transcode::read_fields(format.table(), format.order, rec);
        let mut h = vec![0u8; host.table.size];
        match decode_into(format, rec, host, &mut h) {
            Ok(()) => {}
            Err(Error::Unrepresentable { field, .. }) => {
                assert!(
                    lost(host, &src).contains(&field),
                    "{what}: {field} is not lost"
                );
                return None;
            }
            Err(e) => panic!("{what}: {e}"),
        }
        let back = view(&host_fields(host, format, &h));
        let mut out = vec![0u8; format.table().size];
        encode_from(format, host, format, &h, &mut out).unwrap_or_else(|e| panic!("{what}: {e}"));
        let again = crate::transcode::read_fields(format.table(), format.order, &out);
        assert_same(&view(&src), &view(&again), &format!("{what}: encoded back"));
        let mut h2 = vec![0u8; host.table.size];
        decode_into(format, &out, host, &mut h2).unwrap_or_else(|e| panic!("{what}: {e}"));
        let mut out2 = vec![0u8; format.table().size];
        encode_from(format, host, format, &h2, &mut out2).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(
            out, out2,
            "{what}: format -> host -> format is not byte-exact"
        );
        Some(back)
    }

    fn records(bytes: &[u8], format: Format) -> Vec<Vec<u8>> {
        let (mut out, mut at) = (Vec::new(), 0);
        while let Next::Record { start, end, next } = next_record(format, bytes, at) {
            let mut rec = bytes[start..end].to_vec();
            rec.resize(format.table().size, 0);
            out.push(rec);
            at = next;
        }
        out
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads fixture files, which Miri's isolation refuses")]
    fn every_fixture_reads_the_same_through_every_host_record() {
        let mut checked = [0usize; PRETEND.len()];
        for (file, format) in FILES {
            let Some(path) = crate::test_skip::fixture(file, "pretend hosts") else {
                continue;
            };
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{file}: {e}"));
            let recs = records(&bytes, format);
            assert!(!recs.is_empty(), "{file}");
            for (i, rec) in recs.iter().enumerate() {
                let what = |h: &HostRecord| format!("{file} #{i} through {}", h.name);
                let linux = through(&GLIBC_X86_64, format, rec, &what(&GLIBC_X86_64));
                for (n, host) in PRETEND.iter().enumerate() {
                    let Some(got) = through(host, format, rec, &what(host)) else {
                        continue;
                    };
                    checked[n] += 1;
                    if let Some(want) = &linux {
                        assert_same(want, &got, &what(host));
                    }
                }
            }
        }
        // Each host held most records (the rest named a field it lacks).
        for (n, host) in PRETEND.iter().enumerate() {
            println!("{}: {} records", host.name, checked[n]);
            assert!(
                checked[n] > 50,
                "{}: only {} records",
                host.name,
                checked[n]
            );
        }
    }

    #[test]
    fn written_tables_are_their_own_and_in_bounds() {
        for h in PRETEND {
            assert!(crate::format::in_bounds(&h.table), "{}", h.name);
            assert!(host_eq(&h, &h));
        }
        assert!(!host_eq(&FREEBSD, &MACOS));
        // On Linux the host record is glibc's; x86_64 runs the same as the
        // written one.
        assert!(table_eq(&HOST.table, crate::Format::HOST.table()));
        if cfg!(all(target_arch = "x86_64", target_env = "gnu")) {
            assert!(host_eq(&HOST, &GLIBC_X86_64));
        }
    }
}
