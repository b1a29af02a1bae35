//! `--format FORMAT|auto`: which record format a file is read in.
//!
//! Without the option, a file is checked with `utmp::detect`: when it is
//! clearly in another format than this host's (confidence at least 0.8, and
//! 0.15 above the host's), that format is used and
//! stderr says so once (with the runner-up when it is close); when nothing
//! fits, it is read as the host's format, as before. `--format auto` does the
//! same but ends with exit 1 when nothing fits. Standard input and streamed
//! files are read in the host's format unless a format is named (`auto` reads
//! them whole first).

use std::path::Path;
use std::str::FromStr;

use utmp::{Format, MappedFile};

use crate::output::Failure;

/// Below this confidence no format "fits".
const FITS: f64 = 0.5;

/// Files read with read(2) are checked only up to this size.
const DETECT_READ_AT_MOST: u64 = 64 << 20;

/// Without `--format`, a foreign format must fit at least this well.
const CLEAR: f64 = 0.8;

/// A runner-up within this much of the winner is named too.
const CLOSE: f64 = 0.15;

/// The value of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatArg {
    /// Detect it from the bytes.
    Auto,
    /// This one.
    Named(Format),
}

impl FromStr for FormatArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "auto" {
            return Ok(FormatArg::Auto);
        }
        s.parse().map(FormatArg::Named).map_err(|e| format!("{e}"))
    }
}

/// The format to read `bytes` (the file at `path`) in.
///
/// # Errors
///
/// With `--format auto`, when no format fits.
pub fn choose(path: &Path, bytes: &[u8], arg: Option<FormatArg>) -> Result<Format, Failure> {
    let auto = match arg {
        Some(FormatArg::Named(f)) => return Ok(f),
        Some(FormatArg::Auto) => true,
        None => false,
    };
    let ranked = utmp::detect(bytes);
    let Some(&(top, confidence)) = ranked.first() else {
        return nothing_fits(path, auto, "no record fits in it");
    };
    if confidence < FITS {
        return nothing_fits(
            path,
            auto,
            &format!("the best candidate, {top}, has confidence {confidence:.2}"),
        );
    }
    // The host's file format (on FreeBSD, macOS and illumos it is not read
    // zero-copy, so `is_host` would not say so).
    if top == Format::HOST {
        return Ok(top);
    }
    if !auto {
        // Unasked, another format is taken only when it clearly fits and the
        // host's clearly does not (a host file caught mid-write ends in a
        // partial record, which halves the host's confidence).
        let host = ranked
            .iter()
            .find(|(f, _)| *f == Format::HOST)
            .map_or(0.0, |c| c.1);
        if confidence < CLEAR || confidence - host < CLOSE {
            return Ok(Format::HOST);
        }
    }
    let runner_up = ranked
        .get(1)
        .filter(|(_, c)| confidence - c < CLOSE)
        .map(|(f, c)| format!("; runner-up {f} ({c:.2})"))
        .unwrap_or_default();
    eprintln!(
        "utmp: {}: not this host's record format ({}); reading it as {top} \
         (confidence {confidence:.2}{runner_up}); name one with --format",
        path.display(),
        Format::HOST
    );
    Ok(top)
}

/// A file's bytes, mapped or read.
pub enum Data {
    Mapped(MappedFile),
    Read(Vec<u8>),
}

/// The records of a [`Data`], either way round.
pub type Records<'a> = Box<dyn DoubleEndedIterator<Item = utmp::Result<utmp::Entry>> + 'a>;

impl Data {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Data::Mapped(m) => m.as_bytes(),
            Data::Read(v) => v,
        }
    }

    /// The records in `format`: from the mapping with its size checks, or
    /// from the bytes read.
    pub fn entries(&self, format: Format) -> Records<'_> {
        match self {
            Data::Mapped(m) => Box::new(m.entries_in(format)),
            Data::Read(v) => Box::new(utmp::entries_in(v, format)),
        }
    }
}

/// How a command reads one file.
pub enum Source {
    /// The host's records through the usual zero-copy readers (the mapping,
    /// or `None` to stream the file).
    Host(Option<MappedFile>),
    /// Another format: the whole file, decoded record by record.
    Foreign(Format, Data),
}

/// Opens `path` for reading in the format `arg` names or detection finds.
///
/// # Errors
///
/// The file cannot be opened or read; with `--format auto`, no format fits.
pub fn open(path: &Path, no_mmap: bool, arg: Option<FormatArg>) -> Result<Source, Failure> {
    let mapped = crate::input::mapped(path, no_mmap)?;
    let read = || {
        std::fs::read(path).map_err(|e| {
            Failure::Utmp(utmp::Error::Io {
                path: Some(path.to_owned()),
                error: e,
            })
        })
    };
    Ok(match (arg, mapped) {
        (Some(FormatArg::Named(f)), m) if f.is_host() => Source::Host(m),
        (Some(FormatArg::Named(f)), Some(m)) => Source::Foreign(f, Data::Mapped(m)),
        (Some(FormatArg::Named(f)), None) => Source::Foreign(f, Data::Read(read()?)),
        (arg, Some(m)) => match choose(path, m.as_bytes(), arg)? {
            f if f.is_host() => Source::Host(Some(m)),
            f => Source::Foreign(f, Data::Mapped(m)),
        },
        (Some(FormatArg::Auto), None) => {
            let bytes = read()?;
            match choose(path, &bytes, Some(FormatArg::Auto))? {
                f if f.is_host() => Source::Host(None),
                f => Source::Foreign(f, Data::Read(bytes)),
            }
        }
        (None, None) => match std::fs::metadata(path) {
            // Not mapped (--no-mmap): a file small enough to read whole is
            // still checked; a stream or a huge file is read as the host's.
            Ok(meta) if meta.is_file() && meta.len() <= DETECT_READ_AT_MOST => {
                let bytes = read()?;
                match choose(path, &bytes, None)? {
                    f if f.is_host() => Source::Host(None),
                    f => Source::Foreign(f, Data::Read(bytes)),
                }
            }
            _ => Source::Host(None),
        },
    })
}

fn nothing_fits(path: &Path, auto: bool, why: &str) -> Result<Format, Failure> {
    if auto {
        Err(Failure::Message(format!(
            "{}: no known login-record format fits this file ({why}); name one with --format",
            path.display()
        )))
    } else {
        Ok(Format::HOST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_auto_and_names() {
        assert_eq!("auto".parse::<FormatArg>(), Ok(FormatArg::Auto));
        assert_eq!(
            "glibc-400-be".parse::<FormatArg>(),
            Ok(FormatArg::Named(Format::GLIBC_400_BE))
        );
        assert!("nope".parse::<FormatArg>().is_err());
    }

    #[test]
    fn nothing_fits_is_an_error_only_when_auto_was_asked_for() {
        let junk = [0xffu8; 384 * 3];
        assert!(choose(Path::new("x"), &junk, Some(FormatArg::Auto)).is_err());
        assert_eq!(choose(Path::new("x"), &junk, None).ok(), Some(Format::HOST));
    }
}
