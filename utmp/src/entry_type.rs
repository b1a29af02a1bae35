//! The kind of a record (`ut_type`): [`EntryType`], generated with its
//! conversions and names from one list (the `entry_types!` macro).

use core::ffi::c_short;
use core::fmt;

use crate::enum_list::{find, Named};
use crate::format::System;

/// The raw type of `ut_type` in the C structure.
pub type RawEntryType = c_short;

/// A `ut_type` number that the system the record comes from does not name,
/// kept in [`EntryType::Unknown`].
///
/// Only the conversions build one ([`EntryType::from_raw`], a
/// [`Format`](crate::Format)'s decoding), and only for a number that is no
/// named type there: an `Unknown` can never stand for `USER_PROCESS`.
/// [`raw`](UnknownType::raw) gives the number back.
///
/// ```compile_fail
/// // The field is private: no Unknown(7) that compares unequal to UserProcess.
/// let t = utmp::EntryType::Unknown(utmp::UnknownType(7));
/// ```
///
/// ```
/// use utmp::EntryType;
/// let t = EntryType::from_raw(300);
/// assert!(matches!(t, EntryType::Unknown(u) if u.raw() == 300));
/// assert_eq!(t.to_string(), "UNKNOWN(300)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownType(RawEntryType);

impl UnknownType {
    /// The raw `ut_type` number.
    pub const fn raw(self) -> RawEntryType {
        self.0
    }
}

impl fmt::Display for UnknownType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Generates [`EntryType`] from one list, in the manner of nix's
/// `libc_enum!`. Each row: the variant's docs, the variant and its C
/// constant's name, the host header's constant (`utmp_sys`) under the `cfg`
/// of the systems whose header names it, and its number on each system, in
/// [`System`] order (Linux, FreeBSD, NetBSD, OpenBSD, macOS, illumos; `-`
/// where that system has none). From it come the variants, [`EntryType::as_str`],
/// [`EntryType::raw`] and [`EntryType::from_raw`] (the host's, from its
/// header), and `raw_in`/`from_raw_in` (any system's, from the numbers); a
/// compile-time assertion checks that the host's column equals its header.
macro_rules! entry_types {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal,
        host $(#[$host_cfg:meta])* $host:ident,
        [$linux:tt $freebsd:tt $netbsd:tt $openbsd:tt $macos:tt $illumos:tt];
    )*) => {
        /// What a record is about: `ut_type`, see [utmp(5)].
        ///
        /// The known variants are matched against the constants of the
        /// platform's header (through `utmp-sys`). A value the header does not
        /// name is kept in [`EntryType::Unknown`].
        ///
        /// The variants are the union of what the supported systems name; each
        /// system's header names some of them, with its own numbers (FreeBSD's
        /// `USER_PROCESS` is 4, and `OLD_TIME`/`NEW_TIME` are swapped between
        /// Linux and the BSDs). [`EntryType::ALL`] lists those of the host; a
        /// variant the host's header does not name (FreeBSD's `RUN_LVL`,
        /// Linux's `SHUTDOWN_TIME`) has no [`raw`](EntryType::raw) value there
        /// and is never read from a record.
        ///
        /// [utmp(5)]: https://man7.org/linux/man-pages/man5/utmp.5.html
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EntryType {
            $($(#[doc = $doc])* $variant,)*
            /// A value that the header of the record's system does not name
            /// (built only by the conversions: see [`UnknownType`]).
            Unknown(UnknownType),
        }

        impl EntryType {
            /// Every named variant, of any system.
            const EVERY: &'static [EntryType] = &[$(EntryType::$variant),*];

            /// The C constant's name (`"USER_PROCESS"`), or `"UNKNOWN"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(EntryType::$variant => $name,)*
                    EntryType::Unknown(_) => "UNKNOWN",
                }
            }

            /// The raw `ut_type` value: the host header's constant, or `None`
            /// for a variant that this system's header does not name
            /// (`RUN_LVL` and `ACCOUNTING` on FreeBSD; `SHUTDOWN_TIME`,
            /// `SIGNATURE`, `DOWN_TIME` on Linux). An [`EntryType::Unknown`]
            /// gives its number.
            pub const fn raw(self) -> Option<RawEntryType> {
                use utmp_sys as sys;
                match self {
                    $($(#[$host_cfg])* EntryType::$variant => Some(sys::$host),)*
                    EntryType::Unknown(unknown) => Some(unknown.0),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }

            /// The entry type for a raw `ut_type` value; values the header
            /// does not name become [`EntryType::Unknown`].
            pub const fn from_raw(raw: RawEntryType) -> Self {
                use utmp_sys as sys;
                match raw {
                    $($(#[$host_cfg])* sys::$host => EntryType::$variant,)*
                    other => EntryType::Unknown(UnknownType(other)),
                }
            }

            /// This kind's type number on `system`; `None` for a kind that
            /// system has no number for. [`EntryType::Unknown`] keeps its
            /// number.
            pub(crate) const fn raw_in(self, system: System) -> Option<RawEntryType> {
                match self {
                    $(EntryType::$variant => match system {
                        System::Linux => entry_types!(@number $linux),
                        System::FreeBsd => entry_types!(@number $freebsd),
                        System::NetBsd => entry_types!(@number $netbsd),
                        System::OpenBsd => entry_types!(@number $openbsd),
                        System::MacOs => entry_types!(@number $macos),
                        System::Illumos => entry_types!(@number $illumos),
                    },)*
                    EntryType::Unknown(unknown) => Some(unknown.0),
                }
            }
        }
    };
    (@number -) => { None };
    (@number $n:literal) => { Some($n) };
}

entry_types! {
    /// `EMPTY`: no valid information.
    Empty = "EMPTY", host EMPTY, [0 0 0 0 0 0];
    /// `RUN_LVL`: a runlevel change (and, with user `shutdown`, a shutdown).
    RunLevel = "RUN_LVL", host #[cfg(not(target_os = "freebsd"))] RUN_LVL, [1 - 1 1 1 1];
    /// `BOOT_TIME`: the system booted.
    BootTime = "BOOT_TIME", host BOOT_TIME, [2 1 2 2 2 2];
    /// `NEW_TIME`: the clock was changed; the time after the change.
    NewTime = "NEW_TIME", host NEW_TIME, [3 3 4 4 4 4];
    /// `OLD_TIME`: the clock was changed; the time before the change.
    OldTime = "OLD_TIME", host OLD_TIME, [4 2 3 3 3 3];
    /// `INIT_PROCESS`: a process spawned by init.
    InitProcess = "INIT_PROCESS", host INIT_PROCESS, [5 5 5 5 5 5];
    /// `LOGIN_PROCESS`: a getty waiting for a login (also failed logins in btmp).
    LoginProcess = "LOGIN_PROCESS", host LOGIN_PROCESS, [6 6 6 6 6 6];
    /// `USER_PROCESS`: a user's session.
    UserProcess = "USER_PROCESS", host USER_PROCESS, [7 4 7 7 7 7];
    /// `DEAD_PROCESS`: a session or process that ended.
    DeadProcess = "DEAD_PROCESS", host DEAD_PROCESS, [8 7 8 8 8 8];
    /// `ACCOUNTING`: not used on Linux.
    Accounting = "ACCOUNTING", host #[cfg(not(target_os = "freebsd"))] ACCOUNTING, [9 - 9 9 9 9];
    /// `SHUTDOWN_TIME`: the system shut down (FreeBSD, macOS).
    ShutdownTime = "SHUTDOWN_TIME",
        host #[cfg(any(target_os = "freebsd", target_os = "macos"))] SHUTDOWN_TIME,
        [- 8 - - 11 -];
    /// `SIGNATURE`: a signature record (macOS, NetBSD).
    Signature = "SIGNATURE",
        host #[cfg(any(target_os = "macos", target_os = "netbsd"))] SIGNATURE,
        [- - 10 - 10 -];
    /// `DOWN_TIME`: the system went down (illumos/Solaris, NetBSD).
    DownTime = "DOWN_TIME",
        host #[cfg(any(target_os = "illumos", target_os = "solaris", target_os = "netbsd"))] DOWN_TIME,
        [- - 11 - - 10];
}

/// The system this crate is built for, as a column of [`entry_types!`].
const HOST_SYSTEM: System = if cfg!(target_os = "freebsd") {
    System::FreeBsd
} else if cfg!(target_os = "netbsd") {
    System::NetBsd
} else if cfg!(target_os = "macos") {
    System::MacOs
} else if cfg!(any(target_os = "illumos", target_os = "solaris")) {
    System::Illumos
} else {
    System::Linux
};

const fn same(a: Option<RawEntryType>, b: Option<RawEntryType>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        (None, None) => true,
        _ => false,
    }
}

// The host's column of the list is its header: checked by the compiler.
const _: () = {
    let mut rest = EntryType::EVERY;
    while let [t, tail @ ..] = rest {
        assert!(
            same(t.raw(), t.raw_in(HOST_SYSTEM)),
            "the entry_types! list disagrees with the host's <utmpx.h>"
        );
        rest = tail;
    }
};

impl EntryType {
    /// Every variant that this system's header names, in `ut_type` order
    /// (on Linux, `EMPTY` to `ACCOUNTING`, 0 to 9).
    pub const ALL: &'static [EntryType] = &HOST_NAMED;

    /// The kind that type number `raw` means on `system`; a number the
    /// system does not name is [`EntryType::Unknown`].
    pub(crate) const fn from_raw_in(system: System, raw: RawEntryType) -> Self {
        let mut rest = EntryType::EVERY;
        while let [t, tail @ ..] = rest {
            if same(t.raw_in(system), Some(raw)) {
                return *t;
            }
            rest = tail;
        }
        EntryType::Unknown(UnknownType(raw))
    }
}

/// The number of [`EntryType::EVERY`] variants the host names.
const HOST_COUNT: usize = {
    let mut n = 0;
    let mut rest = EntryType::EVERY;
    while let [t, tail @ ..] = rest {
        if t.raw().is_some() {
            n += 1;
        }
        rest = tail;
    }
    n
};

// Evaluated by the compiler: an index out of bounds here is a build error,
// never a panic at run time.
/// The host's named variants, sorted by their raw value.
#[allow(clippy::indexing_slicing)]
const HOST_NAMED: [EntryType; HOST_COUNT] = {
    let mut out = [EntryType::Empty; HOST_COUNT];
    let mut n = 0;
    let mut rest = EntryType::EVERY;
    while let [t, tail @ ..] = rest {
        if t.raw().is_some() {
            out[n] = *t;
            n += 1;
        }
        rest = tail;
    }
    // Insertion sort by raw value (the BSDs number them differently).
    let mut i = 1;
    while i < HOST_COUNT {
        let mut j = i;
        while j > 0 && raw_or_max(out[j - 1]) > raw_or_max(out[j]) {
            let t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    out
};

const fn raw_or_max(t: EntryType) -> RawEntryType {
    match t.raw() {
        Some(raw) => raw,
        None => RawEntryType::MAX,
    }
}

impl fmt::Display for EntryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryType::Unknown(unknown) => write!(f, "UNKNOWN({unknown})"),
            known => f.write_str(known.as_str()),
        }
    }
}

impl From<RawEntryType> for EntryType {
    fn from(raw: RawEntryType) -> Self {
        EntryType::from_raw(raw)
    }
}

/// The error of parsing an entry type name that is not a C constant's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown entry type name {0:?}")]
pub struct ParseEntryTypeError(String);

impl core::str::FromStr for EntryType {
    type Err = ParseEntryTypeError;

    /// Parses a C constant's name (`"USER_PROCESS"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        find(s).ok_or_else(|| ParseEntryTypeError(s.to_owned()))
    }
}

impl Named for EntryType {
    /// The named variants of any system ([`EntryType::Unknown`] has no name
    /// of its own to parse).
    const LIST: &'static [Self] = EntryType::EVERY;

    fn name(self) -> &'static str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_round_trip_for_every_value() {
        // Under Miri every 61st value (and both ends): the full range is slow there.
        let step = if cfg!(miri) { 61 } else { 1 };
        let values = (RawEntryType::MIN..=RawEntryType::MAX)
            .step_by(step)
            .chain([RawEntryType::MAX]);
        for raw in values {
            assert_eq!(EntryType::from_raw(raw).raw(), Some(raw));
        }
    }

    #[test]
    fn named_variants_are_distinct_and_named() {
        for (i, t) in EntryType::ALL.iter().enumerate() {
            assert!(!matches!(t, EntryType::Unknown(_)));
            assert_eq!(t.to_string(), t.as_str());
            assert_eq!(t.as_str().parse::<EntryType>(), Ok(*t));
            assert!(t.raw().is_some(), "{t}");
            for u in &EntryType::ALL[..i] {
                assert!(t.raw() > u.raw(), "{t} {u}: in ut_type order");
            }
        }
        assert_eq!(EntryType::from_raw(-1).to_string(), "UNKNOWN(-1)");
        assert!("BOGUS".parse::<EntryType>().is_err());
        crate::enum_list::assert_names_round_trip::<EntryType>();
        for &t in EntryType::EVERY {
            let named = EntryType::ALL.contains(&t);
            assert_eq!(t.raw().is_some(), named, "{t}");
        }
    }

    #[test]
    fn an_unknown_type_never_holds_a_named_number() {
        for raw in -2..=300 {
            if let EntryType::Unknown(u) = EntryType::from_raw(raw) {
                assert_eq!(u.raw(), raw);
                assert!(EntryType::ALL.iter().all(|t| t.raw() != Some(raw)), "{raw}");
            }
            for system in System::ALL {
                let t = EntryType::from_raw_in(system, raw);
                assert_eq!(t.raw_in(system), Some(raw), "{system:?} {raw}");
                if let EntryType::Unknown(u) = t {
                    assert_eq!(u.raw(), raw);
                    let named = EntryType::EVERY
                        .iter()
                        .any(|k| k.raw_in(system) == Some(raw));
                    assert!(!named, "{system:?} names {raw}");
                }
            }
        }
        assert_eq!(
            EntryType::from_raw_in(System::FreeBsd, 4),
            EntryType::UserProcess
        );
        assert_eq!(EntryType::UserProcess.raw_in(System::FreeBsd), Some(4));
        assert_eq!(EntryType::RunLevel.raw_in(System::FreeBsd), None);
        assert_eq!(
            EntryType::from_raw_in(System::MacOs, 11),
            EntryType::ShutdownTime
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn linux_names_empty_to_accounting() {
        let raws: Vec<_> = EntryType::ALL.iter().map(|t| t.raw()).collect();
        assert_eq!(raws, (0..=9).map(Some).collect::<Vec<_>>());
        assert_eq!(EntryType::ShutdownTime.raw(), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_numbers_are_the_headers() {
        for raw in -1..12 {
            let linux = EntryType::from_raw_in(System::Linux, raw);
            assert_eq!(linux, EntryType::from_raw(raw));
            assert_eq!(linux.raw_in(System::Linux), Some(raw));
        }
    }
}
