//! The crate's one error type.

use std::io;
use std::path::PathBuf;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while reading or writing login records.
///
/// Use [`Error::kind`] to tell a missing file from a permission problem without
/// matching on variants.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O error, with the path it happened on when there is one.
    ///
    /// Its message is the path and what the operating system said
    /// (`/var/log/wtmp: Permission denied (os error 13)`), whole; so that
    /// reporters that walk `source()` do not print the cause twice, the
    /// `io::Error` is a field, not a source (`source()` is `None`).
    #[error("{}{error}", path_prefix(.path))]
    Io {
        /// The file that was being opened or read.
        path: Option<PathBuf>,
        /// What the operating system said (in the message already).
        error: io::Error,
    },
    /// The data ended inside a record: `len` bytes of a `record_size`-byte record
    /// start at byte `offset`. Every whole record before it has been delivered.
    #[error(
        "{}short trailing record: {len} of {record_size} bytes at byte offset {offset} \
         (not a utmp file of this platform's format?)",
        path_prefix(.path)
    )]
    TrailingBytes {
        /// The file, when reading one.
        path: Option<PathBuf>,
        /// Byte offset where the partial record starts.
        offset: u64,
        /// How many bytes of it there are.
        len: usize,
        /// The size of a whole record on this platform.
        record_size: usize,
    },
    /// A record that this platform's C library cannot have written (an unknown
    /// `ut_type`, `tv_usec` out of range): the file is probably of another
    /// format, ABI or byte order. Only [`crate::validate`] reports it.
    #[error(
        "{}record at byte offset {offset} does not look like a {record_size}-byte utmp record \
         of this platform: {reason} (another format, ABI or byte order?)",
        path_prefix(.path)
    )]
    Implausible {
        /// The file, when known.
        path: Option<PathBuf>,
        /// Byte offset of the record.
        offset: u64,
        /// The size of a whole record on this platform.
        record_size: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The system login database does not exist.
    #[error("{}: no such login database (this system keeps no utmp records there)", .path.display())]
    NoDatabase {
        /// The path the C library was asked to read.
        path: PathBuf,
    },
    /// The C library keeps no login records at all (musl's utmp functions are stubs).
    #[error("this C library ({libc}) does not keep utmp records")]
    Unsupported {
        /// Which C library.
        libc: &'static str,
    },
    /// The C library's login database is already open on this thread: its state
    /// is process-global, so one thread can hold only one handle at a time.
    #[error(
        "the system login database is already open on this thread; drop the other handle first"
    )]
    AlreadyOpen,
    /// A path handed to the C library contains a NUL byte.
    #[error("path contains a NUL byte: {}", .path.display())]
    InvalidPath {
        /// The offending path.
        path: PathBuf,
    },
    /// A line of text input (utmpdump text, JSON Lines) could not be parsed.
    #[error("line {line}: {message}")]
    Parse {
        /// 1-based line number.
        line: u64,
        /// What was wrong with it.
        message: String,
    },
    /// A record of another format holds a value that this host's entries
    /// cannot represent (a macOS user name longer than 32 bytes, a NetBSD
    /// `ut_type` over 32767, an address family that is not IP...). The record
    /// is not delivered, rather than cut; reading goes on with the next one.
    #[error(
        "{}record at byte offset {offset} ({format}): {field}: {message}",
        path_prefix(.path)
    )]
    Unrepresentable {
        /// The file, when reading one.
        path: Option<PathBuf>,
        /// Byte offset of the record.
        offset: u64,
        /// The record's format.
        format: crate::Format,
        /// The C field name.
        field: &'static str,
        /// What does not fit.
        message: String,
    },
    /// No record format fits the data (see [`crate::detect`]).
    #[error("{}no known login-record format fits this data: {reason}", path_prefix(.path))]
    UnknownFormat {
        /// The file, when known.
        path: Option<PathBuf>,
        /// What the best candidates got wrong.
        reason: String,
    },
    /// A value does not fit the field it is meant for (encoding a record).
    #[error("{field}: {message}")]
    InvalidField {
        /// The C field name (`ut_user`, ...).
        field: &'static str,
        /// Why the value does not fit.
        message: String,
    },
    // wtmpdb databases (`utmp::wtmpdb`).
    /// The file is not a wtmpdb database: not SQLite, or without the `wtmp`
    /// table or one of its columns.
    #[error("{}: {reason}", .path.display())]
    NotWtmpdb {
        /// The database file.
        path: PathBuf,
        /// What is missing (`no table wtmp`).
        reason: String,
    },
    /// Another program holds the database in a write transaction longer than
    /// the busy timeout.
    #[error("{}: database is locked (a writer holds it; try again)", .path.display())]
    DatabaseLocked {
        /// The database file.
        path: PathBuf,
    },
    /// SQLite could not read the database (a damaged or truncated file).
    #[error("{}: SQLite: {message}", .path.display())]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        message: String,
    },
    /// A row of a wtmpdb database has a value that cannot be decoded (a
    /// NULL or text login time...).
    #[error("{}: {message}", .path.display())]
    WtmpdbRow {
        /// The database file.
        path: PathBuf,
        /// Which row and column, and what is wrong.
        message: String,
    },
}

fn path_prefix(path: &Option<PathBuf>) -> String {
    match path {
        Some(p) => format!("{}: ", p.display()),
        None => String::new(),
    }
}

impl Error {
    /// The kind of error in `std::io` terms: `NotFound` for a missing file or
    /// database, `PermissionDenied`, `UnexpectedEof` for a short trailing record,
    /// `InvalidData` for unparsable input, and so on.
    pub fn kind(&self) -> io::ErrorKind {
        match self {
            Error::Io { error, .. } => error.kind(),
            Error::TrailingBytes { .. } => io::ErrorKind::UnexpectedEof,
            Error::NoDatabase { .. } => io::ErrorKind::NotFound,
            Error::Unsupported { .. } => io::ErrorKind::Unsupported,
            Error::AlreadyOpen => io::ErrorKind::WouldBlock,
            Error::InvalidPath { .. } | Error::InvalidField { .. } => io::ErrorKind::InvalidInput,
            Error::Parse { .. }
            | Error::Implausible { .. }
            | Error::Unrepresentable { .. }
            | Error::UnknownFormat { .. } => io::ErrorKind::InvalidData,
            Error::NotWtmpdb { .. } | Error::Sqlite { .. } | Error::WtmpdbRow { .. } => {
                io::ErrorKind::InvalidData
            }
            Error::DatabaseLocked { .. } => io::ErrorKind::WouldBlock,
        }
    }

    /// The file this error is about, when there is one.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Error::Io { path, .. }
            | Error::TrailingBytes { path, .. }
            | Error::Implausible { path, .. }
            | Error::Unrepresentable { path, .. }
            | Error::UnknownFormat { path, .. } => path.as_deref(),
            Error::NoDatabase { path } | Error::InvalidPath { path } => Some(path),
            Error::NotWtmpdb { path, .. }
            | Error::DatabaseLocked { path }
            | Error::Sqlite { path, .. }
            | Error::WtmpdbRow { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The same error, naming `new` when it names no file yet.
    pub(crate) fn with_reader_path(mut self, new: &Option<PathBuf>) -> Self {
        if let (
            Error::Io { path, .. }
            | Error::TrailingBytes { path, .. }
            | Error::Implausible { path, .. }
            | Error::Unrepresentable { path, .. }
            | Error::UnknownFormat { path, .. },
            Some(new),
        ) = (&mut self, new)
        {
            if path.is_none() {
                *path = Some(new.clone());
            }
        }
        self
    }

    pub(crate) fn io(path: Option<PathBuf>, error: io::Error) -> Self {
        Error::Io { path, error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn error_is_send_sync_static() {
        assert_send_sync::<Error>();
    }

    #[test]
    fn kind_and_message_name_the_path() {
        let e = Error::io(
            Some("/nope".into()),
            io::Error::from(io::ErrorKind::NotFound),
        );
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(e.to_string().starts_with("/nope: "), "{e}");
        // The cause is in the message, once: not again as a source, or an
        // error reporter walking the chain would print it twice.
        let cause = io::Error::from(io::ErrorKind::NotFound).to_string();
        assert_eq!(e.to_string(), format!("/nope: {cause}"));
        assert!(std::error::Error::source(&e).is_none());
        let t = Error::TrailingBytes {
            path: None,
            offset: 768,
            len: 5,
            record_size: 384,
        };
        assert_eq!(t.kind(), io::ErrorKind::UnexpectedEof);
        assert!(t.to_string().contains("768"), "{t}");
    }
}
