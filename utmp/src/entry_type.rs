//! The kind of a record (`ut_type`).

use core::ffi::c_short;
use core::fmt;

/// The raw type of `ut_type` in the C structure.
pub type RawEntryType = c_short;

/// What a record is about: `ut_type`, see [utmp(5)].
///
/// The known variants are matched against the constants of the platform's
/// header (through `utmp-sys`), so the numbers are never written here. A value
/// the header does not name is kept in [`EntryType::Unknown`].
///
/// The variants are the union of what the supported systems name; each
/// system's header names some of them, with its own numbers (FreeBSD's
/// `USER_PROCESS` is 4, and `OLD_TIME`/`NEW_TIME` are swapped between Linux
/// and the BSDs). [`EntryType::ALL`] lists those of the host; a variant
/// the host's header does not name (FreeBSD's `RUN_LVL`, Linux's
/// `SHUTDOWN_TIME`) has no [`raw`](EntryType::raw) value there and is never
/// read from a record.
///
/// [utmp(5)]: https://man7.org/linux/man-pages/man5/utmp.5.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EntryType {
    /// `EMPTY`: no valid information.
    Empty,
    /// `RUN_LVL`: a runlevel change (and, with user `shutdown`, a shutdown).
    RunLevel,
    /// `BOOT_TIME`: the system booted.
    BootTime,
    /// `NEW_TIME`: the clock was changed; the time after the change.
    NewTime,
    /// `OLD_TIME`: the clock was changed; the time before the change.
    OldTime,
    /// `INIT_PROCESS`: a process spawned by init.
    InitProcess,
    /// `LOGIN_PROCESS`: a getty waiting for a login (also failed logins in btmp).
    LoginProcess,
    /// `USER_PROCESS`: a user's session.
    UserProcess,
    /// `DEAD_PROCESS`: a session or process that ended.
    DeadProcess,
    /// `ACCOUNTING`: not used on Linux.
    Accounting,
    /// `SHUTDOWN_TIME`: the system shut down (FreeBSD, macOS).
    ShutdownTime,
    /// `SIGNATURE`: a signature record (macOS, NetBSD).
    Signature,
    /// `DOWN_TIME`: the system went down (illumos/Solaris, NetBSD).
    DownTime,
    /// A value that the platform's header does not name.
    Unknown(RawEntryType),
}

impl EntryType {
    /// The C constant's name (`"USER_PROCESS"`), or `"UNKNOWN"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EntryType::Empty => "EMPTY",
            EntryType::RunLevel => "RUN_LVL",
            EntryType::BootTime => "BOOT_TIME",
            EntryType::NewTime => "NEW_TIME",
            EntryType::OldTime => "OLD_TIME",
            EntryType::InitProcess => "INIT_PROCESS",
            EntryType::LoginProcess => "LOGIN_PROCESS",
            EntryType::UserProcess => "USER_PROCESS",
            EntryType::DeadProcess => "DEAD_PROCESS",
            EntryType::Accounting => "ACCOUNTING",
            EntryType::ShutdownTime => "SHUTDOWN_TIME",
            EntryType::Signature => "SIGNATURE",
            EntryType::DownTime => "DOWN_TIME",
            EntryType::Unknown(_) => "UNKNOWN",
        }
    }

    /// The raw `ut_type` value: the host header's constant, or `None` for a
    /// variant that this system's header does not name (`RUN_LVL` and
    /// `ACCOUNTING` on FreeBSD; `SHUTDOWN_TIME`, `SIGNATURE`, `DOWN_TIME` on
    /// Linux).
    pub const fn raw(self) -> Option<RawEntryType> {
        use utmp_sys as sys;
        Some(match self {
            EntryType::Empty => sys::EMPTY,
            #[cfg(not(target_os = "freebsd"))]
            EntryType::RunLevel => sys::RUN_LVL,
            EntryType::BootTime => sys::BOOT_TIME,
            EntryType::NewTime => sys::NEW_TIME,
            EntryType::OldTime => sys::OLD_TIME,
            EntryType::InitProcess => sys::INIT_PROCESS,
            EntryType::LoginProcess => sys::LOGIN_PROCESS,
            EntryType::UserProcess => sys::USER_PROCESS,
            EntryType::DeadProcess => sys::DEAD_PROCESS,
            #[cfg(not(target_os = "freebsd"))]
            EntryType::Accounting => sys::ACCOUNTING,
            #[cfg(any(target_os = "freebsd", target_os = "macos"))]
            EntryType::ShutdownTime => sys::SHUTDOWN_TIME,
            #[cfg(any(target_os = "macos", target_os = "netbsd"))]
            EntryType::Signature => sys::SIGNATURE,
            #[cfg(any(target_os = "illumos", target_os = "solaris", target_os = "netbsd"))]
            EntryType::DownTime => sys::DOWN_TIME,
            EntryType::Unknown(raw) => raw,
            #[allow(unreachable_patterns)]
            _ => return None,
        })
    }

    /// The entry type for a raw `ut_type` value; values the header does not
    /// name become [`EntryType::Unknown`].
    pub const fn from_raw(raw: RawEntryType) -> Self {
        use utmp_sys as sys;
        match raw {
            sys::EMPTY => EntryType::Empty,
            #[cfg(not(target_os = "freebsd"))]
            sys::RUN_LVL => EntryType::RunLevel,
            sys::BOOT_TIME => EntryType::BootTime,
            sys::NEW_TIME => EntryType::NewTime,
            sys::OLD_TIME => EntryType::OldTime,
            sys::INIT_PROCESS => EntryType::InitProcess,
            sys::LOGIN_PROCESS => EntryType::LoginProcess,
            sys::USER_PROCESS => EntryType::UserProcess,
            sys::DEAD_PROCESS => EntryType::DeadProcess,
            #[cfg(not(target_os = "freebsd"))]
            sys::ACCOUNTING => EntryType::Accounting,
            #[cfg(any(target_os = "freebsd", target_os = "macos"))]
            sys::SHUTDOWN_TIME => EntryType::ShutdownTime,
            #[cfg(any(target_os = "macos", target_os = "netbsd"))]
            sys::SIGNATURE => EntryType::Signature,
            #[cfg(any(target_os = "illumos", target_os = "solaris", target_os = "netbsd"))]
            sys::DOWN_TIME => EntryType::DownTime,
            other => EntryType::Unknown(other),
        }
    }

    /// Every variant that this system's header names, in `ut_type` order
    /// (on Linux, `EMPTY` to `ACCOUNTING`, 0 to 9).
    pub const ALL: &'static [EntryType] = &HOST_NAMED;

    /// Every named variant, of any system.
    const EVERY: [EntryType; 13] = [
        EntryType::Empty,
        EntryType::RunLevel,
        EntryType::BootTime,
        EntryType::NewTime,
        EntryType::OldTime,
        EntryType::InitProcess,
        EntryType::LoginProcess,
        EntryType::UserProcess,
        EntryType::DeadProcess,
        EntryType::Accounting,
        EntryType::ShutdownTime,
        EntryType::Signature,
        EntryType::DownTime,
    ];
}

// The two tables below are evaluated by the compiler: an index out of bounds
// there is a build error, never a panic at run time.

/// The number of [`EntryType::EVERY`] variants the host names.
#[allow(clippy::indexing_slicing)]
const HOST_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < EntryType::EVERY.len() {
        if EntryType::EVERY[i].raw().is_some() {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The host's named variants, sorted by their raw value.
#[allow(clippy::indexing_slicing)]
const HOST_NAMED: [EntryType; HOST_COUNT] = {
    let mut out = [EntryType::Empty; HOST_COUNT];
    let mut n = 0;
    let mut i = 0;
    while i < EntryType::EVERY.len() {
        if EntryType::EVERY[i].raw().is_some() {
            out[n] = EntryType::EVERY[i];
            n += 1;
        }
        i += 1;
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

impl EntryType {
    /// The entry type of a Linux (glibc, musl) type number, whatever the host:
    /// the numbers of glibc's `bits/utmp.h`.
    pub(crate) const fn from_raw_linux(raw: RawEntryType) -> Self {
        match raw {
            0 => EntryType::Empty,
            1 => EntryType::RunLevel,
            2 => EntryType::BootTime,
            3 => EntryType::NewTime,
            4 => EntryType::OldTime,
            5 => EntryType::InitProcess,
            6 => EntryType::LoginProcess,
            7 => EntryType::UserProcess,
            8 => EntryType::DeadProcess,
            9 => EntryType::Accounting,
            other => EntryType::Unknown(other),
        }
    }

    /// The Linux type number of this kind (the inverse of `from_raw_linux`);
    /// `None` for the kinds Linux has no number for.
    pub(crate) const fn raw_linux(self) -> Option<RawEntryType> {
        Some(match self {
            EntryType::Empty => 0,
            EntryType::RunLevel => 1,
            EntryType::BootTime => 2,
            EntryType::NewTime => 3,
            EntryType::OldTime => 4,
            EntryType::InitProcess => 5,
            EntryType::LoginProcess => 6,
            EntryType::UserProcess => 7,
            EntryType::DeadProcess => 8,
            EntryType::Accounting => 9,
            EntryType::Unknown(raw) => raw,
            EntryType::ShutdownTime | EntryType::Signature | EntryType::DownTime => return None,
        })
    }
}

impl fmt::Display for EntryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryType::Unknown(raw) => write!(f, "UNKNOWN({raw})"),
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
        EntryType::EVERY
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| ParseEntryTypeError(s.to_owned()))
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
        for t in EntryType::EVERY {
            assert_eq!(t.as_str().parse::<EntryType>(), Ok(t));
            let named = EntryType::ALL.contains(&t);
            assert_eq!(t.raw().is_some(), named, "{t}");
        }
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
            assert_eq!(EntryType::from_raw_linux(raw), EntryType::from_raw(raw));
            assert_eq!(EntryType::from_raw_linux(raw).raw_linux(), Some(raw));
        }
    }
}
