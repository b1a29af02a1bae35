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

use crate::format::{Addr, ByteOrder, Int, Str, Table, Time};

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

const fn int(at: usize, width: u8) -> Int {
    Int {
        at,
        width,
        signed: true,
    }
}

const fn uint(at: usize, width: u8) -> Int {
    Int {
        at,
        width,
        signed: false,
    }
}

const fn s(at: usize, len: usize) -> Str {
    Str { at, len }
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
    table: Table {
        size: 520,
        ty: Some(uint(326, 2)),
        pid: Some(int(328, 4)),
        line: s(36, 32),
        id: Some(s(32, 4)),
        user: s(0, 32),
        host: s(68, 256),
        exit: Some((uint(332, 2), uint(334, 2))),
        session: Some(uint(324, 2)),
        time: Time::SecUsec(int(464, 8), int(472, 4)),
        addr: Some(Addr::SockaddrStorage(336)),
        syslen: None,
    },
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
