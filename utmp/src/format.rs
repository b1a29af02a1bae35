//! Record formats: which system wrote a file, its record size and byte order.
//!
//! A [`Format`] names one on-disk layout of login records. [`Format::HOST`] is
//! the host's own `struct utmpx`, read zero-copy as before; every other format
//! is data, not a struct cast: a table of explicit offsets and widths per
//! layout (below, each checked against its system's header), read with
//! `from_le_bytes`/`from_be_bytes`.
//!
//! # One entry type for every format
//!
//! A record of another format is *transcoded* into an [`Entry`](crate::Entry) (the host
//! record's bytes) that also carries what the host layout cannot hold: the
//! format it came from, its type number in that system's numbering (and the
//! [`EntryType`] that number means there), its 64-bit seconds and
//! microseconds, and its whole `ut_id` (FreeBSD's is 8 bytes). The accessors
//! answer from those, so a FreeBSD `USER_PROCESS` (4 there) is
//! [`EntryType::UserProcess`] with [`Entry::raw_type`](crate::Entry::raw_type) 4. Fields the format
//! does not have are absent: [`Entry::exit_status`](crate::Entry::exit_status), [`Entry::session`](crate::Entry::session) and
//! [`Entry::address_bytes`](crate::Entry::address_bytes) return `None`, and [`Format::has`] tells whether
//! the pid, id, type and microseconds were recorded at all (the old BSD
//! `struct utmp` has none of them; its type is inferred from the name and
//! line the way BSD `last` does). A value that fits neither the host layout
//! nor those extras (a macOS user name over 32 bytes, a 257-byte illumos
//! host, a NetBSD `ut_type` over 32767) makes that record an
//! [`Error::Unrepresentable`](crate::Error::Unrepresentable), never a cut or a zero.
//!
//! The host format is still read zero-copy, the bytes as they are: its
//! entries carry no extras (only `None` for the format), and an accessor
//! looks at the format only where a field may be absent. That one field
//! makes a borrowed entry two words instead of one, which measured 6-15%
//! slower on the fastest loops of `cargo xtask bench` (streaming `next_ref`,
//! mapped); the slice and owned readers did not move.
//!
//! # The formats
//!
//! | format | record | byte order | source |
//! |---|---|---|---|
//! | `glibc-384-le`/`-be` | 384 | either | glibc `bits/utmpx.h`, 32-bit-compatible time (x86_64, i686, ppc, riscv...) |
//! | `glibc-400-le`/`-be` | 400 | either | glibc, 64-bit time (aarch64 LE, s390x BE); musl's 64-bit record is the same bytes |
//! | `glibc-m68k` | 382 | BE | glibc on m68k (2-byte alignment) |
//! | `glibc-arc` | 392 | LE | glibc on arc/or1k (64-bit time, 4-byte alignment) |
//! | `freebsd-utx` | 197 | BE | FreeBSD `struct futx` (`lib/libc/gen/utxdb.h`): `utx.active`, `utx.lastlogin` |
//! | `freebsd-utx-log` | 2 + up to 197 | BE | FreeBSD `utx.log`: a big-endian length, then a `futx` with trailing zeros cut |
//! | `netbsd-utmpx-520-le`/`-be` | 520 | either | NetBSD `struct utmpx` on 64-bit ports |
//! | `netbsd-utmpx-516-le`/`-be` | 516 | either | NetBSD `struct utmpx` on i386 and other 32-bit ports |
//! | `netbsd-utmp-le`/`-be` | 40 | either | NetBSD's old `struct utmp` (no type, pid or id) |
//! | `openbsd-utmp-le`/`-be` | 304 | either | OpenBSD `struct utmp` (no type, pid or id) |
//! | `macos-utmpx` | 628 | LE | macOS `/var/run/utmpx` (32-bit `timeval` on disk) |
//! | `illumos-le`/`-be` | 372 | either | illumos/Solaris `struct futmpx` (SPARC is BE) |

use std::fmt;
use std::str::FromStr;

use crate::entry_type::{EntryType, RawEntryType};
use crate::enum_list::{enum_list, find, one_of, Named};

/// The order of the bytes of a record's integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ByteOrder {
    /// Least significant byte first (x86, aarch64, most arm, riscv).
    Little,
    /// Most significant byte first (s390x, SPARC, m68k, FreeBSD's files on every arch).
    Big,
}

impl ByteOrder {
    /// The order of this host.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "big") {
        ByteOrder::Big
    } else {
        ByteOrder::Little
    };
}

enum_list! {
    /// The system whose header defines a record layout (and its `ut_type` numbers).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum System {
        /// Linux (glibc, musl).
        Linux = "linux",
        /// FreeBSD 9 and later.
        FreeBsd = "freebsd",
        /// NetBSD.
        NetBsd = "netbsd",
        /// OpenBSD.
        OpenBsd = "openbsd",
        /// macOS.
        MacOs = "macos",
        /// illumos and Solaris.
        Illumos = "illumos",
    }
    /// The error of parsing a system name that is none of [`System::ALL`].
    #[error("unknown system {0:?} (expected {list})", list = one_of::<System>())]
    error ParseSystemError;
}

enum_list! {
    /// A field that some formats lack (see [`Format::has`]), named as in
    /// glibc's `struct utmpx`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Field {
        /// `ut_type` (the old BSD `struct utmp` has none: the type is inferred).
        Type = "ut_type",
        /// `ut_pid`.
        Pid = "ut_pid",
        /// `ut_id`.
        Id = "ut_id",
        /// `ut_exit`.
        Exit = "ut_exit",
        /// `ut_session`.
        Session = "ut_session",
        /// The remote address (`ut_addr_v6`, NetBSD's `ut_ss`).
        Address = "ut_addr_v6",
        /// The microseconds of the time.
        Microseconds = "ut_tv.tv_usec",
    }
    /// The error of parsing a field name that is none of [`Field::ALL`].
    #[error("unknown field {0:?} (expected {list})", list = one_of::<Field>())]
    error ParseFieldError;
}

/// The layouts (one per row of the table in the module docs, byte order aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Layout {
    Glibc384,
    Glibc400,
    GlibcM68k,
    GlibcArc,
    FreeBsdUtx,
    FreeBsdUtxLog,
    NetBsdUtmpx520,
    NetBsdUtmpx516,
    NetBsdUtmp,
    OpenBsdUtmp,
    MacOs,
    Illumos,
}

/// A login-record format: the layout of one system's records and their byte
/// order. See the [module docs](self) for the list.
///
/// ```
/// use utmp::{ByteOrder, Format};
/// let f: Format = "glibc-400-be".parse()?;
/// assert_eq!((f.record_size(), f.byte_order()), (Some(400), ByteOrder::Big));
/// assert_eq!(f.to_string(), "glibc-400-be");
/// # Ok::<(), utmp::ParseFormatError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Format {
    pub(crate) layout: Layout,
    pub(crate) order: ByteOrder,
}

const fn fmt(layout: Layout, order: ByteOrder) -> Format {
    Format { layout, order }
}

/// Generates the named [`Format`] constants, [`Format::ALL`] and
/// [`Format::name`] from one list. Each row: the constant's docs, the
/// constant and its name, its layout and byte order; `only` marks a layout
/// that exists in one byte order, whose name has no `-le`/`-be`. The name is
/// a match on (layout, order) that the compiler proves exhaustive (a layout
/// without a row does not build) and without overlap (a second row for the
/// same format is an unreachable pattern, denied by clippy).
macro_rules! formats {
    ($(
        $(#[doc = $doc:literal])*
        $constant:ident = $name:literal, $layout:ident, $order:ident $($only:ident)?;
    )+) => {
        impl Format {
            $(
                $(#[doc = $doc])*
                pub const $constant: Format = fmt(Layout::$layout, ByteOrder::$order);
            )+

            /// Every format, in a fixed order.
            pub const ALL: [Format; [$($name),+].len()] = [$(Format::$constant),+];

            /// The format's name, as [`FromStr`] and `--format` take it.
            pub const fn name(self) -> &'static str {
                match (self.layout, self.order) {
                    $((Layout::$layout, formats!(@order $order $($only)?)) => $name,)+
                }
            }
        }
    };
    (@order $order:ident) => { ByteOrder::$order };
    (@order $order:ident only) => { _ };
}

formats! {
    /// glibc, 384-byte records (32-bit-compatible time), little-endian.
    GLIBC_384_LE = "glibc-384-le", Glibc384, Little;
    /// glibc, 384-byte records, big-endian (ppc, s390, sparc, mips...).
    GLIBC_384_BE = "glibc-384-be", Glibc384, Big;
    /// glibc, 400-byte records (64-bit time), little-endian (aarch64; musl on 64-bit).
    GLIBC_400_LE = "glibc-400-le", Glibc400, Little;
    /// glibc, 400-byte records, big-endian (s390x).
    GLIBC_400_BE = "glibc-400-be", Glibc400, Big;
    /// glibc on m68k: 382-byte big-endian records.
    GLIBC_M68K = "glibc-m68k", GlibcM68k, Big only;
    /// glibc on arc/or1k: 392-byte little-endian records.
    GLIBC_ARC = "glibc-arc", GlibcArc, Little only;
    /// FreeBSD `utx.active` and `utx.lastlogin`: 197-byte `struct futx`, big-endian.
    FREEBSD_UTX = "freebsd-utx", FreeBsdUtx, Big only;
    /// FreeBSD `utx.log`: length-prefixed `struct futx` with trailing zeros cut.
    FREEBSD_UTX_LOG = "freebsd-utx-log", FreeBsdUtxLog, Big only;
    /// NetBSD `struct utmpx` on 64-bit ports, little-endian (amd64).
    NETBSD_UTMPX_520_LE = "netbsd-utmpx-520-le", NetBsdUtmpx520, Little;
    /// NetBSD `struct utmpx` on 64-bit ports, big-endian (sparc64).
    NETBSD_UTMPX_520_BE = "netbsd-utmpx-520-be", NetBsdUtmpx520, Big;
    /// NetBSD `struct utmpx` on 32-bit ports, little-endian (i386).
    NETBSD_UTMPX_516_LE = "netbsd-utmpx-516-le", NetBsdUtmpx516, Little;
    /// NetBSD `struct utmpx` on 32-bit ports, big-endian.
    NETBSD_UTMPX_516_BE = "netbsd-utmpx-516-be", NetBsdUtmpx516, Big;
    /// NetBSD's old 40-byte `struct utmp`, little-endian.
    NETBSD_UTMP_LE = "netbsd-utmp-le", NetBsdUtmp, Little;
    /// NetBSD's old 40-byte `struct utmp`, big-endian.
    NETBSD_UTMP_BE = "netbsd-utmp-be", NetBsdUtmp, Big;
    /// OpenBSD's 304-byte `struct utmp`, little-endian.
    OPENBSD_UTMP_LE = "openbsd-utmp-le", OpenBsdUtmp, Little;
    /// OpenBSD's 304-byte `struct utmp`, big-endian.
    OPENBSD_UTMP_BE = "openbsd-utmp-be", OpenBsdUtmp, Big;
    /// macOS `/var/run/utmpx`: 628-byte little-endian records.
    MACOS_UTMPX = "macos-utmpx", MacOs, Little only;
    /// illumos/Solaris `struct futmpx`, little-endian (x86).
    ILLUMOS_LE = "illumos-le", Illumos, Little;
    /// illumos/Solaris `struct futmpx`, big-endian (SPARC).
    ILLUMOS_BE = "illumos-be", Illumos, Big;
}

impl Named for Format {
    const LIST: &'static [Self] = &Format::ALL;

    fn name(self) -> &'static str {
        Format::name(self)
    }
}

impl Format {
    /// The format of this host's `struct utmpx` (what the C library writes and
    /// [`crate::entries`] reads).
    pub const HOST: Format = host_format();

    /// The system whose header defines the layout and type numbers.
    #[inline]
    pub const fn system(self) -> System {
        match self.layout {
            Layout::Glibc384 | Layout::Glibc400 | Layout::GlibcM68k | Layout::GlibcArc => {
                System::Linux
            }
            Layout::FreeBsdUtx | Layout::FreeBsdUtxLog => System::FreeBsd,
            Layout::NetBsdUtmpx520 | Layout::NetBsdUtmpx516 | Layout::NetBsdUtmp => System::NetBsd,
            Layout::OpenBsdUtmp => System::OpenBsd,
            Layout::MacOs => System::MacOs,
            Layout::Illumos => System::Illumos,
        }
    }

    /// The size of one record, or `None` for FreeBSD's `utx.log`, whose
    /// records have a length prefix and vary in size.
    #[inline]
    pub const fn record_size(self) -> Option<usize> {
        match self.layout {
            Layout::FreeBsdUtxLog => None,
            _ => Some(self.table().size),
        }
    }

    /// The byte order of the record's integers.
    pub const fn byte_order(self) -> ByteOrder {
        self.order
    }

    /// True when this format's records are the host's own `struct utmpx`
    /// byte for byte, read zero-copy: [`Format::HOST`] on Linux and NetBSD.
    /// False for every format on FreeBSD, macOS and illumos, whose files
    /// hold a packed or 32-bit form of their `struct utmpx`: there even
    /// [`Format::HOST`] is transcoded.
    #[inline]
    pub const fn is_host(self) -> bool {
        HOST_IS_RECORD
            && self.layout as u8 == Format::HOST.layout as u8
            && self.order as u8 == Format::HOST.order as u8
    }

    /// Whether this format's records have `field`. An absent field reads as
    /// `None` ([`Entry::exit_status`](crate::Entry::exit_status) and the like)
    /// or, for the pid, id and microseconds, as zero or empty: check here
    /// before taking those for data.
    #[inline]
    pub const fn has(self, field: Field) -> bool {
        let t = self.table();
        match field {
            Field::Type => t.ty.is_some(),
            Field::Pid => t.pid.is_some(),
            Field::Id => t.id.is_some(),
            Field::Exit => t.exit.is_some(),
            Field::Session => t.session.is_some(),
            Field::Address => t.addr.is_some(),
            Field::Microseconds => !matches!(t.time, Time::Sec(_)),
        }
    }

    /// The [`EntryType`] that type number `raw` means in this format's system
    /// (FreeBSD's 8 and macOS's 11 are [`EntryType::ShutdownTime`], NetBSD's
    /// 11 and illumos's 10 [`EntryType::DownTime`], macOS's and NetBSD's 10
    /// [`EntryType::Signature`]). Numbers the system does not define are
    /// [`EntryType::Unknown`] with the raw number.
    #[inline]
    pub const fn entry_type(self, raw: RawEntryType) -> EntryType {
        EntryType::from_raw_in(self.system(), raw)
    }

    /// The type number of `kind` in this format's system, or `None` when the
    /// system has no such kind (FreeBSD has no `RUN_LVL` or `ACCOUNTING`).
    /// [`EntryType::Unknown`] keeps its number.
    pub const fn raw_type(self, kind: EntryType) -> Option<RawEntryType> {
        kind.raw_in(self.system())
    }

    /// The C constant's name of type number `raw` in this format's system
    /// (`"SHUTDOWN_TIME"` for FreeBSD's 8), or `"UNKNOWN"`.
    pub const fn type_name(self, raw: RawEntryType) -> &'static str {
        self.entry_type(raw).as_str()
    }

    /// True when type number `raw` marks a shutdown in this system
    /// (`SHUTDOWN_TIME`, `DOWN_TIME`).
    pub const fn is_shutdown_type(self, raw: RawEntryType) -> bool {
        matches!(
            self.entry_type(raw),
            EntryType::ShutdownTime | EntryType::DownTime
        )
    }

    #[inline]
    pub(crate) const fn table(self) -> &'static Table {
        match self.layout {
            Layout::Glibc384 => &GLIBC_384,
            Layout::Glibc400 => &GLIBC_400,
            Layout::GlibcM68k => &GLIBC_M68K,
            Layout::GlibcArc => &GLIBC_ARC,
            Layout::FreeBsdUtx | Layout::FreeBsdUtxLog => &FREEBSD_FUTX,
            Layout::NetBsdUtmpx520 => &NETBSD_UTMPX_520,
            Layout::NetBsdUtmpx516 => &NETBSD_UTMPX_516,
            Layout::NetBsdUtmp => &NETBSD_UTMP,
            Layout::OpenBsdUtmp => &OPENBSD_UTMP,
            Layout::MacOs => &MACOS,
            Layout::Illumos => &ILLUMOS,
        }
    }
}

/// The host's format: the format of the files its C library writes. On
/// Linux, the named glibc format whose layout is the host's `struct utmpx`
/// (checked field by field at compile time below); elsewhere the format of
/// the system's files, whose records its C library converts to and from its
/// `struct utmpx` (see [`crate::host_record`]).
const fn host_format() -> Format {
    if cfg!(target_os = "freebsd") {
        Format::FREEBSD_UTX
    } else if cfg!(target_os = "macos") {
        Format::MACOS_UTMPX
    } else if cfg!(any(target_os = "illumos", target_os = "solaris")) {
        fmt(Layout::Illumos, ByteOrder::NATIVE)
    } else if cfg!(target_os = "netbsd") {
        let layout = if cfg!(target_pointer_width = "64") {
            Layout::NetBsdUtmpx520
        } else {
            Layout::NetBsdUtmpx516
        };
        fmt(layout, ByteOrder::NATIVE)
    } else if crate::layout::RECORD_SIZE == 400 {
        fmt(Layout::Glibc400, ByteOrder::NATIVE)
    } else {
        fmt(Layout::Glibc384, ByteOrder::NATIVE)
    }
}

/// Whether the host's files hold its `struct utmpx` byte for byte (Linux,
/// NetBSD): then they are read zero-copy.
const HOST_IS_RECORD: bool = {
    let host = &crate::host_record::HOST;
    crate::host_record::table_eq(Format::HOST.table(), &host.table)
        && Format::HOST.order as u8 == host.order as u8
};

/// Whether every field of `t` lies inside its record (what lets the
/// transcoder index the fields of a whole record without a check).
/// Evaluated at compile time, where an overflow is a build error.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) const fn in_bounds(t: &Table) -> bool {
    const fn width_ok(f: Int) -> bool {
        matches!(f.width, 1 | 2 | 4 | 8)
    }
    const fn int_in(f: Option<Int>, size: usize) -> bool {
        match f {
            Some(f) => width_ok(f) && f.at + f.width as usize <= size,
            None => true,
        }
    }
    let n = t.size;
    let widths = match t.time {
        Time::SecUsec(a, b) => width_ok(a) && width_ok(b),
        Time::Micros(_) => true,
        Time::Sec(a) => width_ok(a),
    };
    let time = match t.time {
        Time::SecUsec(a, b) => int_in(Some(a), n) && int_in(Some(b), n),
        Time::Micros(at) => at + 8 <= n,
        Time::Sec(a) => int_in(Some(a), n),
    };
    let addr = match t.addr {
        Some(Addr::V6Words(at)) => at + 16 <= n,
        Some(Addr::SockaddrStorage(at)) => at + 128 <= n,
        None => true,
    };
    let exit = match t.exit {
        Some((a, b)) => int_in(Some(a), n) && int_in(Some(b), n),
        None => true,
    };
    let id = match t.id {
        Some(s) => s.at + s.len <= n,
        None => true,
    };
    n > 0
        && widths
        && time
        && addr
        && exit
        && id
        && int_in(t.ty, n)
        && int_in(t.pid, n)
        && int_in(t.session, n)
        && int_in(t.syslen, n)
        && t.line.at + t.line.len <= n
        && t.user.at + t.user.len <= n
        && t.host.at + t.host.len <= n
}

// Evaluated at compile time: an index or overflow there is a build error.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const _: () = {
    let mut i = 0;
    while i < Format::ALL.len() {
        assert!(in_bounds(Format::ALL[i].table()));
        i += 1;
    }
    assert!(in_bounds(&crate::host_record::HOST.table));
    // The transcoder reads a host record's type to write it anywhere.
    assert!(crate::host_record::HOST.table.ty.is_some());
    assert!(in_bounds(&crate::host_record::FREEBSD.table));
    assert!(in_bounds(&crate::host_record::MACOS.table));
    assert!(in_bounds(&crate::host_record::ILLUMOS.table));
    assert!(in_bounds(&crate::host_record::NETBSD.table));
};

// The host layout (from utmp_sys) must be exactly the table of Format::HOST:
// then reading the host format zero-copy and transcoding agree. (Other hosts
// name their own layout; see issue 11.)
#[cfg(target_os = "linux")]
const _: () = {
    use crate::layout as l;
    let t = Format::HOST.table();
    assert!(t.size == l::RECORD_SIZE);
    assert!(matches!(t.ty, Some(Int { at, width: 2, .. }) if at == l::UT_TYPE.offset));
    assert!(matches!(t.pid, Some(Int { at, width: 4, .. }) if at == l::UT_PID.offset));
    assert!(t.line.at == l::UT_LINE.offset && t.line.len == l::UT_LINE.len);
    assert!(matches!(t.id, Some(Str { at, len: 4 }) if at == l::UT_ID.offset));
    assert!(t.user.at == l::UT_USER.offset && t.user.len == l::UT_USER.len);
    assert!(t.host.at == l::UT_HOST.offset && t.host.len == l::UT_HOST.len);
    assert!(matches!((t.exit, l::E_TERMINATION, l::E_EXIT),
            (Some((Int { at: a, .. }, Int { at: b, .. })), Some(term), Some(exit))
        if a == term.offset && b == exit.offset));
    assert!(
        matches!((t.session, l::UT_SESSION), (Some(Int { at, width, .. }), Some(s))
        if (at == s.offset && width as usize == s.len)
        // musl: an int ut_session beside an int of padding (before it on
        // big-endian), where glibc has a long: the same bytes while the
        // padding is zero, which musl's never-written records always have.
        || (cfg!(target_env = "musl") && width == 8 && s.len == 4
            && (at == s.offset || at + 4 == s.offset)))
    );
    assert!(
        matches!(t.time, Time::SecUsec(Int { at: s, width: sw, .. }, Int { at: u, width: uw, .. })
        if s == l::TV_SEC.offset && sw as usize == l::TV_SEC.len
        && u == l::TV_USEC.offset && uw as usize == l::TV_USEC.len)
    );
    assert!(
        matches!((t.addr, l::UT_ADDR_V6), (Some(Addr::V6Words(at)), Some(a)) if at == a.offset)
    );
};

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Format({})", self.name())
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The names that [`FromStr`] takes besides [`Format::name`]'s: `host`, and
/// `musl` (musl's 64-bit record is glibc's 400-byte one in the host's byte
/// order).
const ALIASES: [(&str, Format); 2] = [
    ("host", Format::HOST),
    ("musl", fmt(Layout::Glibc400, ByteOrder::NATIVE)),
];

/// The error of parsing a format name that names no format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown record format {0:?} (known: {list})", list = format_names())]
pub struct ParseFormatError(String);

fn format_names() -> String {
    let aliases = ALIASES.map(|(name, _)| name);
    let names = Format::ALL.map(Format::name);
    [&aliases[..], &names[..]].concat().join(", ")
}

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Parses a name from the table in the module docs, `host`, or `musl`
    /// (musl's 64-bit record is glibc's 400-byte one in the host's byte order).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == s)
            .map(|&(_, format)| format)
            .or_else(|| find(s))
            .ok_or_else(|| ParseFormatError(s.to_owned()))
    }
}

// ---------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------

/// An integer field: offset, width in bytes (1, 2, 4 or 8), signedness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Int {
    pub(crate) at: usize,
    pub(crate) width: u8,
    pub(crate) signed: bool,
}

/// A character array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Str {
    pub(crate) at: usize,
    pub(crate) len: usize,
}

/// How a format stores the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Time {
    /// A `struct timeval`: seconds and microseconds.
    SecUsec(Int, Int),
    /// FreeBSD: one unsigned 64-bit count of microseconds.
    Micros(usize),
    /// The old BSD `time_t ut_time`: seconds only.
    Sec(Int),
}

/// How a format stores the remote address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Addr {
    /// glibc's `int32_t ut_addr_v6[4]`, network order.
    V6Words(usize),
    /// NetBSD's `struct sockaddr_storage` (128 bytes).
    SockaddrStorage(usize),
}

/// Where every field of one layout lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Table {
    pub(crate) size: usize,
    pub(crate) ty: Option<Int>,
    pub(crate) pid: Option<Int>,
    pub(crate) line: Str,
    pub(crate) id: Option<Str>,
    pub(crate) user: Str,
    pub(crate) host: Str,
    pub(crate) exit: Option<(Int, Int)>,
    pub(crate) session: Option<Int>,
    pub(crate) time: Time,
    pub(crate) addr: Option<Addr>,
    /// illumos `ut_syslen`: the significant length of `ut_host`.
    pub(crate) syslen: Option<Int>,
}

/// A signed integer field of `width` bytes at `at`.
pub(crate) const fn int(at: usize, width: u8) -> Int {
    Int {
        at,
        width,
        signed: true,
    }
}

/// An unsigned integer field of `width` bytes at `at`.
pub(crate) const fn uint(at: usize, width: u8) -> Int {
    Int {
        at,
        width,
        signed: false,
    }
}

/// A byte-string field of `len` bytes at `at`.
pub(crate) const fn s(at: usize, len: usize) -> Str {
    Str { at, len }
}

/// glibc `bits/utmpx.h` with `__WORDSIZE_TIME64_COMPAT32` (x86_64, i686, ...):
/// `short ut_type` @0, `pid_t` @4, line[32] @8, id[4] @40, user[32] @44,
/// host[256] @76, exit @332, `int32_t ut_session` @336, `ut_tv` of two
/// `int32_t` @340/@344 (seconds read unsigned as glibc 2.40 does),
/// `ut_addr_v6` @348, reserved[20] @364.
pub(crate) const GLIBC_384: Table = Table {
    size: 384,
    ty: Some(int(0, 2)),
    pid: Some(int(4, 4)),
    line: s(8, 32),
    id: Some(s(40, 4)),
    user: s(44, 32),
    host: s(76, 256),
    exit: Some((int(332, 2), int(334, 2))),
    session: Some(int(336, 4)),
    time: Time::SecUsec(uint(340, 4), int(344, 4)),
    addr: Some(Addr::V6Words(348)),
    syslen: None,
};

/// glibc with 64-bit `long` and time (aarch64, s390x; musl 64-bit): `long
/// ut_session` @336, `struct timeval` of two 64-bit values @344/@352,
/// `ut_addr_v6` @360, reserved[20] @376, 4 bytes of tail padding.
const GLIBC_400: Table = Table {
    size: 400,
    session: Some(int(336, 8)),
    time: Time::SecUsec(int(344, 8), int(352, 8)),
    addr: Some(Addr::V6Words(360)),
    ..GLIBC_384
};

/// glibc on m68k (`sysdeps/unix/sysv/linux/m68k/utmp-size.h`: 382): 2-byte
/// alignment moves everything after `ut_type` two bytes down.
const GLIBC_M68K: Table = Table {
    size: 382,
    ty: Some(int(0, 2)),
    pid: Some(int(2, 4)),
    line: s(6, 32),
    id: Some(s(38, 4)),
    user: s(42, 32),
    host: s(74, 256),
    exit: Some((int(330, 2), int(332, 2))),
    session: Some(int(334, 4)),
    time: Time::SecUsec(uint(338, 4), int(342, 4)),
    addr: Some(Addr::V6Words(346)),
    syslen: None,
};

/// glibc on arc/or1k (`utmp-size.h`: 392): 32-bit session, 64-bit time with
/// 4-byte alignment.
const GLIBC_ARC: Table = Table {
    size: 392,
    session: Some(int(336, 4)),
    time: Time::SecUsec(int(340, 8), int(348, 8)),
    addr: Some(Addr::V6Words(356)),
    ..GLIBC_384
};

/// FreeBSD `lib/libc/gen/utxdb.h` `struct futx` (packed, big-endian):
/// `uint8_t fu_type` @0, `uint64_t fu_tv` (microseconds) @1, id[8] @9,
/// `uint32_t fu_pid` @17, user[32] @21, line[16] @53, host[128] @69.
const FREEBSD_FUTX: Table = Table {
    size: 197,
    ty: Some(uint(0, 1)),
    pid: Some(int(17, 4)),
    line: s(53, 16),
    id: Some(s(9, 8)),
    user: s(21, 32),
    host: s(69, 128),
    exit: None,
    session: None,
    time: Time::Micros(1),
    addr: None,
    syslen: None,
};

/// NetBSD `include/utmpx.h`: user[32] @0, id[4] @32, line[32] @36,
/// host[256] @68, `uint16_t ut_session` @324, `uint16_t ut_type` @326,
/// `pid_t` @328, exit (two `uint16_t`) @332, `sockaddr_storage` @336,
/// `struct timeval` (`time_t` 64-bit, `suseconds_t` int) @464/@472, then
/// `uint32_t ut_pad[10]`: 520 bytes with 8-byte alignment.
pub(crate) const NETBSD_UTMPX_520: Table = Table {
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
};

/// The same on 32-bit ports (4-byte alignment of `time_t`): 516 bytes.
const NETBSD_UTMPX_516: Table = Table {
    size: 516,
    ..NETBSD_UTMPX_520
};

/// NetBSD `include/utmp.h`: line[8] @0, name[8] @8, host[16] @16, `time_t`
/// (64-bit) @32.
const NETBSD_UTMP: Table = Table {
    size: 40,
    ty: None,
    pid: None,
    line: s(0, 8),
    id: None,
    user: s(8, 8),
    host: s(16, 16),
    exit: None,
    session: None,
    time: Time::Sec(int(32, 8)),
    addr: None,
    syslen: None,
};

/// OpenBSD `include/utmp.h`: line[8] @0, name[32] @8, host[256] @40,
/// `time_t` (64-bit) @296.
const OPENBSD_UTMP: Table = Table {
    size: 304,
    line: s(0, 8),
    user: s(8, 32),
    host: s(40, 256),
    time: Time::Sec(int(296, 8)),
    ..NETBSD_UTMP
};

/// macOS `utmpx.h` as stored on disk (libc converts to `struct utmpx32`, with
/// a 32-bit `timeval`): user[256] @0, id[4] @256, line[32] @260, `pid_t`
/// @292, `short ut_type` @296, tv @300/@304, host[256] @308, pad[16] @564.
const MACOS: Table = Table {
    size: 628,
    ty: Some(int(296, 2)),
    pid: Some(int(292, 4)),
    line: s(260, 32),
    id: Some(s(256, 4)),
    user: s(0, 256),
    host: s(308, 256),
    exit: None,
    session: None,
    time: Time::SecUsec(int(300, 4), int(304, 4)),
    addr: None,
    syslen: None,
};

/// illumos `usr/src/head/utmpx.h` `struct futmpx`: user[32] @0, id[4] @32,
/// line[32] @36, `pid32_t` @68, `int16_t ut_type` @72, exit @74/@76,
/// `struct timeval32` @80/@84, `int32_t ut_session` @88, pad[5] @92,
/// `int16_t ut_syslen` @112, host[257] @114.
const ILLUMOS: Table = Table {
    size: 372,
    ty: Some(int(72, 2)),
    pid: Some(int(68, 4)),
    line: s(36, 32),
    id: Some(s(32, 4)),
    user: s(0, 32),
    host: s(114, 257),
    exit: Some((int(74, 2), int(76, 2))),
    session: Some(int(88, 4)),
    time: Time::SecUsec(int(80, 4), int(84, 4)),
    addr: None,
    syslen: Some(int(112, 2)),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_are_distinct() {
        crate::enum_list::assert_names_round_trip::<Format>();
        crate::enum_list::assert_names_round_trip::<System>();
        crate::enum_list::assert_names_round_trip::<Field>();
        assert_eq!("host".parse::<Format>(), Ok(Format::HOST));
        assert!(Format::HOST.is_host());
        assert!("bogus".parse::<Format>().is_err());
        let e = "x".parse::<Format>().map(|_| ()).map_err(|e| e.to_string());
        let want = "unknown record format \"x\" (known: host, musl, glibc-384-le, glibc-384-be, \
            glibc-400-le, glibc-400-be, glibc-m68k, glibc-arc, freebsd-utx, freebsd-utx-log, \
            netbsd-utmpx-520-le, netbsd-utmpx-520-be, netbsd-utmpx-516-le, netbsd-utmpx-516-be, \
            netbsd-utmp-le, netbsd-utmp-be, openbsd-utmp-le, openbsd-utmp-be, macos-utmpx, \
            illumos-le, illumos-be)";
        assert_eq!(e, Err(want.to_owned()));
        assert_eq!(
            "musl".parse::<Format>().map(|f| f.record_size()),
            Ok(Some(400))
        );
        assert!("Linux".parse::<System>().is_err());
        let e = "bsd"
            .parse::<System>()
            .map(|_| ())
            .map_err(|e| e.to_string());
        let want =
            "unknown system \"bsd\" (expected linux, freebsd, netbsd, openbsd, macos or illumos)";
        assert_eq!(e, Err(want.to_owned()));
    }

    #[test]
    fn fields_lie_inside_their_record_and_do_not_overlap() {
        for f in Format::ALL {
            let t = f.table();
            let mut spans: Vec<(usize, usize)> = vec![
                (t.line.at, t.line.len),
                (t.user.at, t.user.len),
                (t.host.at, t.host.len),
            ];
            let ints = [t.ty, t.pid, t.session, t.syslen]
                .into_iter()
                .flatten()
                .chain(t.exit.into_iter().flat_map(|(a, b)| [a, b]));
            spans.extend(ints.map(|i| (i.at, usize::from(i.width))));
            spans.extend(t.id.map(|i| (i.at, i.len)));
            match t.time {
                Time::SecUsec(a, b) => {
                    spans.push((a.at, a.width.into()));
                    spans.push((b.at, b.width.into()));
                }
                Time::Micros(at) => spans.push((at, 8)),
                Time::Sec(a) => spans.push((a.at, a.width.into())),
            }
            match t.addr {
                Some(Addr::V6Words(at)) => spans.push((at, 16)),
                Some(Addr::SockaddrStorage(at)) => spans.push((at, 128)),
                None => {}
            }
            for (i, a) in spans.iter().enumerate() {
                assert!(a.0 + a.1 <= t.size, "{f} {a:?}");
                for b in &spans[..i] {
                    assert!(a.0 + a.1 <= b.0 || b.0 + b.1 <= a.0, "{f} {a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn type_numbers_round_trip_per_system() {
        for f in Format::ALL {
            for raw in -2..14 {
                let kind = f.entry_type(raw);
                assert_eq!(f.raw_type(kind), Some(raw), "{f} {raw}");
            }
        }
        assert_eq!(Format::FREEBSD_UTX.entry_type(4), EntryType::UserProcess);
        assert_eq!(
            Format::NETBSD_UTMPX_516_LE.entry_type(3),
            EntryType::OldTime
        );
        assert_eq!(Format::GLIBC_384_BE.entry_type(3), EntryType::NewTime);
        assert_eq!(Format::FREEBSD_UTX.raw_type(EntryType::RunLevel), None);
        assert_eq!(Format::FREEBSD_UTX.type_name(8), "SHUTDOWN_TIME");
        assert_eq!(Format::ILLUMOS_BE.type_name(10), "DOWN_TIME");
    }
}
