//! One list per enum: [`enum_list!`] generates an enum's variants and, from
//! the same rows, its names ([`as_str`](crate::Source::as_str), `Display`),
//! `FromStr` with a typed error, `ALL`, or, for an enum of numbers, its raw
//! conversions (in the manner of nix's `libc_enum!`). A name or a number is
//! written once; a variant cannot be added without one.
//!
//! [`EntryType`](crate::EntryType) has its own list (`entry_types!`, one
//! number per system) and [`Format`](crate::Format) its named constants
//! (`formats!`); both share [`Named`] and [`find`] with this one.

/// A type whose values are all listed, each with a name: what
/// [`enum_list!`] generates (and `entry_types!`, `formats!`), so that one
/// lookup and one round-trip test serve them all.
pub(crate) trait Named: Copy + Eq + 'static {
    /// Every value, in the list's order.
    const LIST: &'static [Self];

    /// The value's name.
    fn name(self) -> &'static str;
}

/// The value of [`Named::LIST`] called `name`.
pub(crate) fn find<T: Named>(name: &str) -> Option<T> {
    T::LIST.iter().copied().find(|t| t.name() == name)
}

/// Every name of [`Named::LIST`] in prose: `"a, b, c or d"`.
pub(crate) fn one_of<T: Named>() -> String {
    let mut out = String::new();
    let count = T::LIST.len();
    for (i, t) in T::LIST.iter().enumerate() {
        let sep = match count.checked_sub(i) {
            Some(1) => " or ",
            _ => ", ",
        };
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(t.name());
    }
    out
}

/// Generates an enum from one list.
///
/// The enum is `#[non_exhaustive]` (the callers give its other attributes).
///
/// Names: each row `Variant = "name",` makes a unit variant; the enum gets
/// `ALL` (every variant, in the list's order), a `const fn as_str`,
/// `Display` (the name) and [`Named`]. An optional trailing
/// `#[error("...")] error ParseError;` adds the error type (a `thiserror`
/// struct holding the refused text as field 0) and `FromStr`.
///
/// Numbers: `enum Name(Raw) { Variant = 1, ... } other Other(Unknown);`
/// makes unit variants for the numbers and `Other(Unknown)` for the rest,
/// where `Unknown` is a generated newtype whose field is private: only
/// `from_raw` builds one, and never for a listed number. The enum gets
/// `ALL` (the listed variants), `const fn from_raw` and `const fn raw`.
macro_rules! enum_list {
    (
        $(#[$attr:meta])*
        $vis:vis enum $Enum:ident {
            $( $(#[$vattr:meta])* $Variant:ident = $name:literal, )+
        }
        $(
            $(#[$eattr:meta])*
            error $Error:ident;
        )?
    ) => {
        $(#[$attr])*
        #[non_exhaustive]
        $vis enum $Enum {
            $( $(#[$vattr])* $Variant, )+
        }

        impl $Enum {
            /// Every value, in a fixed order.
            $vis const ALL: [$Enum; [$($name),+].len()] = [$($Enum::$Variant),+];

            /// The name, as `Display` writes it and `FromStr` parses it:
            ///
            $(#[doc = concat!(
                "* [`", stringify!($Variant), "`](Self::", stringify!($Variant), "): `", $name, "`"
            )])+
            $vis const fn as_str(self) -> &'static str {
                match self {
                    $($Enum::$Variant => $name,)+
                }
            }
        }

        impl ::core::fmt::Display for $Enum {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::enum_list::Named for $Enum {
            const LIST: &'static [Self] = &$Enum::ALL;

            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        $(
            #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
            $(#[$eattr])*
            $vis struct $Error(String);

            impl ::core::str::FromStr for $Enum {
                type Err = $Error;

                /// Parses a name of the list (exactly: case matters).
                fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                    $crate::enum_list::find(s).ok_or_else(|| $Error(s.to_owned()))
                }
            }
        )?
    };
    (
        $(#[$attr:meta])*
        $vis:vis enum $Enum:ident($Raw:ty) {
            $( $(#[$vattr:meta])* $Variant:ident = $raw:literal, )+
        }
        $(#[$oattr:meta])*
        other $Other:ident($(#[$uattr:meta])* $Unknown:ident);
    ) => {
        $(#[$attr])*
        #[non_exhaustive]
        $vis enum $Enum {
            $( $(#[$vattr])* $Variant, )+
            $(#[$oattr])*
            $Other($Unknown),
        }

        $(#[$uattr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis struct $Unknown($Raw);

        impl $Unknown {
            /// The number.
            $vis const fn raw(self) -> $Raw {
                self.0
            }
        }

        impl $Enum {
            /// Every named value, in a fixed order.
            $vis const ALL: [$Enum; [$($raw),+].len()] = [$($Enum::$Variant),+];

            /// The value for a number; a number the list does not name
            /// becomes the catch-all variant.
            $vis const fn from_raw(raw: $Raw) -> $Enum {
                match raw {
                    $($raw => $Enum::$Variant,)+
                    other => $Enum::$Other($Unknown(other)),
                }
            }

            /// The number:
            ///
            $(#[doc = concat!(
                "* [`", stringify!($Variant), "`](Self::", stringify!($Variant), "): ", stringify!($raw)
            )])+
            /// * the catch-all variant: the number it holds.
            $vis const fn raw(self) -> $Raw {
                match self {
                    $($Enum::$Variant => $raw,)+
                    $Enum::$Other(unknown) => unknown.0,
                }
            }
        }
    };
}

pub(crate) use enum_list;

/// Every value of `T`'s list: its name parses back to it and is what
/// `Display` writes, and no two share a name.
#[cfg(test)]
pub(crate) fn assert_names_round_trip<T>()
where
    T: Named + core::fmt::Debug + core::fmt::Display + core::str::FromStr,
    T::Err: core::fmt::Debug,
{
    assert!(!T::LIST.is_empty());
    for (i, &t) in T::LIST.iter().enumerate() {
        assert_eq!(t.to_string(), t.name(), "{t:?}");
        match t.name().parse::<T>() {
            Ok(back) => assert!(back == t, "{t:?} parsed back as {back:?}"),
            Err(e) => panic!("{t:?}: its name {:?} does not parse: {e:?}", t.name()),
        }
        for &u in &T::LIST[..i] {
            assert!(u != t && u.name() != t.name(), "{t:?} and {u:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    enum_list! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Three {
            A = "a",
            B = "b",
            C = "c",
        }
        #[error("not a letter: {0:?}")]
        error ParseThreeError;
    }

    enum_list! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Numbered(i8) {
            One = 1,
            Two = 2,
        }
        other Other(Unlisted);
    }

    #[test]
    fn names_come_from_the_list() {
        assert_names_round_trip::<Three>();
        assert_eq!(Three::ALL, [Three::A, Three::B, Three::C]);
        assert_eq!(
            "d".parse::<Three>().map_err(|e| e.to_string()),
            Err("not a letter: \"d\"".to_owned())
        );
        assert_eq!(one_of::<Three>(), "a, b or c");
    }

    #[test]
    fn numbers_come_from_the_list_and_the_rest_is_other() {
        for raw in i8::MIN..=i8::MAX {
            let n = Numbered::from_raw(raw);
            assert_eq!(n.raw(), raw);
            let listed = Numbered::ALL.iter().any(|k| k.raw() == raw);
            assert_eq!(matches!(n, Numbered::Other(_)), !listed, "{raw}");
        }
        assert_eq!(Numbered::from_raw(2), Numbered::Two);
        assert!(matches!(Numbered::from_raw(3), Numbered::Other(u) if u.raw() == 3));
    }
}
