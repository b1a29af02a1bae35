//! Read Unix login records: who is logged in now (utmp), who logged in when
//! (wtmp), and who failed to (btmp). The Rust successor of pyutmp.
//!
//! # Records
//!
//! A record is an [`Entry`] (owned) or an [`EntryRef`] (borrowed from a
//! buffer or a mapped file): one `struct utmpx` of this platform, its fields
//! decoded as the platform's header defines them (through `utmp-sys`):
//! [`Entry::user`], [`Entry::line`], [`Entry::host`], [`Entry::time`],
//! [`Entry::entry_type`] (an [`EntryType`]), [`Entry::pid`], and so on. Any
//! bytes are a record; nothing in an accessor can fail or panic. Strings are
//! offered as exact bytes, as `OsStr`, and lossily as UTF-8 for display.
//! [`EntryBuilder`] and [`write_entries`] write records (for tests and
//! conversion tools); [`validate`] says whether bytes look like this
//! platform's records at all. Every error is an [`Error`] with the path it
//! concerns.
//!
//! Files of other systems and ABIs (an s390x wtmp, FreeBSD's `utx.log`,
//! NetBSD's `wtmpx`, OpenBSD's `wtmp`, macOS, illumos) are read on any host
//! through a [`Format`]: named ([`Format::FREEBSD_UTX_LOG`],
//! `"glibc-400-be".parse()`) or found by [`detect`] (a ranked list with
//! confidences), then [`entries_in`], [`Reader::with_format`],
//! [`MappedFile::entries_in`], [`sessions::ReverseReader::with_format`],
//! [`validate_in`], and [`Format::encode`] to write any of them. Their
//! records come out as the same [`Entry`]; see [`mod@format`].
//!
//! # Sources
//!
//! Where records come from; each answer that chooses a source says which
//! ([`Source`]).
//!
//! * **The system database through the C library** ([`Database`], like
//!   pyutmp's `UtmpFile`): `utmpxname`/`setutxent`/`getutxent`/`endutxent`,
//!   with the C library's process-global state guarded so that it is safe to
//!   use from any thread (see [Thread safety](#thread-safety)).
//!   [`current_entries`] reads the whole default database at once.
//! * **The records on disk, directly** ([`Reader`], [`entries`],
//!   [`MappedFile`]): no C library state, `Send`, zero-copy over a byte slice
//!   or a mapped file (the fastest way through a large wtmp, forwards or
//!   backwards), constant memory over a stream. Use it for wtmp and btmp, for
//!   files of any size, and from many threads. The default paths are
//!   [`utmp_path`], [`wtmp_path`] and [`btmp_path`].
//! * **systemd-logind** ([`logind`]): where there is no utmp file (Debian 13,
//!   openSUSE), logind's (or elogind's) sessions; [`current_sessions`]
//!   answers "who is logged in" from logind when it has sessions, else from
//!   the utmp database.
//! * **wtmpdb**: where wtmp is gone (Debian 13, openSUSE), the login history
//!   is a wtmpdb SQLite database, read read-only by `wtmpdb` (Linux), row by
//!   row with exact 64-bit microsecond times. [`login_history`] picks the
//!   history's source: wtmpdb when its database exists, else wtmp.
//! * **A file as it is written** ([`follow`]): new records through log
//!   rotation and truncation (`utmp dump -f`, `utmp last --follow`).
//!
//! # Sessions
//!
//! [`sessions`] turns a login history into sessions the way util-linux
//! `last` does: logins paired with their logouts ([`sessions::Session`],
//! how each ended as [`sessions::End`]), boots with shutdowns, crashes and
//! failed logins (btmp), backwards through a file of any size
//! ([`sessions::ReverseReader`]) or as they happen
//! ([`sessions::LiveSessions`]).
//!
//! # Example
//!
//! Who is logged in, and the last logins:
//!
//! ```no_run
//! # fn main() -> utmp::Result<()> {
//! use utmp::{Database, Error, Reader};
//!
//! match Database::open() {
//!     Ok(db) => {
//!         for entry in db {
//!             let entry = entry?;
//!             if entry.is_user_process() {
//!                 println!("{} on {}", entry.user_lossy(), entry.line_lossy());
//!             }
//!         }
//!     }
//!     // Containers and some distributions keep no utmp file at all.
//!     Err(Error::NoDatabase { path }) => println!("no login database at {}", path.display()),
//!     Err(e) => return Err(e),
//! }
//!
//! for entry in Reader::open(utmp::wtmp_path())? {
//!     let entry = entry?;
//!     if entry.is_user_process() {
//!         println!("{} from {} at {:?}", entry.user_lossy(), entry.host_lossy(), entry.time());
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # The text of other tools
//!
//! A separate part of the crate, not needed to read records: [`layouts`],
//! byte-for-byte copies of other programs' output, which the `utmp` command
//! prints and which the tests hold against those programs.
//!
//! | module | mimics |
//! |---|---|
//! | [`layouts::who`] | coreutils `who`: which entries each option shows, and its rows |
//! | [`layouts::last`] | util-linux `last`'s lines and its `begins` footer |
//! | [`layouts::utmpdump`] | util-linux `utmpdump`'s text, both ways |
//! | `layouts::wtmpdb_last` (Linux) | `wtmpdb last`'s text and JSON |
//!
//! The crate's own lossless text is JSON Lines, `json` (feature `json`;
//! see [Serialization](#serialization-features-serde-and-json)).
//!
//! # Migrating from pyutmp
//!
//! | pyutmp | utmp |
//! |---|---|
//! | `UtmpFile()` | [`Database::open()?`](Database::open) |
//! | `UtmpFile(path)` | [`Database::open_path(path)?`](Database::open_path) (or [`Reader::open`]) |
//! | `for u in f` | `for e in db` (each item a `Result<Entry>`: `let e = e?;`) |
//! | `f.rewind()` | [`db.rewind()`](Database::rewind) (iterate `&mut db` to keep it) |
//! | `u.ut_user` | [`e.user()`](Entry::user) (`user_lossy()` for a `str`, `user_bytes()` for bytes) |
//! | `u.ut_line` (the full `/dev` path) | [`e.device()`](Entry::device) (`Option<PathBuf>`); [`e.line()`](Entry::line) is the field as stored (`pts/0`) |
//! | `u.ut_host` | [`e.host()`](Entry::host) |
//! | `u.ut_time` | [`e.time()`](Entry::time) (`Option<SystemTime>`; also [`seconds`](Entry::seconds) and [`microseconds`](Entry::microseconds)) |
//! | `u.ut_user_process` | [`e.is_user_process()`](Entry::is_user_process) |
//! | `u.ut_type` | [`e.entry_type()`](Entry::entry_type) (an [`EntryType`]; [`raw_type()`](Entry::raw_type) for the number) |
//! | `u.ut_pid` | [`e.pid()`](Entry::pid) |
//! | `u.ut_id` | [`e.id()`](Entry::id) ([`id_raw()`](Entry::id_raw) for all four bytes) |
//! | `u.ut_exit_code` | [`e.exit_status()`](Entry::exit_status)`.map(\|s\| s.exit)` (an `Option`: `None` where the system's records have no `ut_exit`) |
//! | `u.ut_session` | [`e.session()`](Entry::session) (an `Option`, as above) |
//! | `u.ut_addr` | [`e.address()`](Entry::address) (`Option<IpAddr>`; [`address_bytes()`](Entry::address_bytes) for the raw 16 bytes) |
//!
//! Differences: a missing database is an error ([`Error::NoDatabase`]) rather
//! than an empty iteration; a path given to `open_path` never carries over to a
//! later `open()` (pyutmp's `utmpname` did); string fields keep their exact
//! bytes (the `_lossy` accessors decode them for display).
//!
//! # Thread safety
//!
//! The C library keeps one database state per process: the file name, the open
//! file and its position, and a static buffer that each `getutxent` call
//! overwrites. [`Database`] guards it with a crate-wide mutex held for the
//! handle's whole life, so:
//!
//! * at most one `Database` exists at a time in the process; opening one while
//!   another thread holds one **waits** until that handle is dropped;
//! * opening a second one on the thread that already holds one fails at once
//!   with [`Error::AlreadyOpen`] instead of deadlocking;
//! * a `Database` is not `Send` (it must be dropped on the thread that opened
//!   it), and each record is copied out of the C buffer before the next call;
//! * code that calls the C functions directly (other libraries, C code) is not
//!   covered by the mutex; avoid mixing the two.
//!
//! Keep handles short-lived (or use [`current_entries`]). The direct reader
//! shares no state: [`Reader`], [`Entry`] and [`Error`] are `Send + Sync`
//! (a `Reader` is `Send` when its input is), and any number of them can be read
//! at once.
//!
//! # Platforms and features
//!
//! The record layout comes from the target's own `<utmpx.h>`, so glibc's
//! 384-byte x86_64/i686 records and the 400-byte aarch64/s390x ones are read
//! natively. With musl, whose utmpx functions are stubs, [`Database`] returns
//! [`Error::Unsupported`]; the direct reader works everywhere.
//!
//! # Serialization (features `serde` and `json`)
//!
//! With `serde`, `Serialize` is implemented for every entry and
//! `Deserialize` for [`Entry`], losslessly: readable members for scripts
//! (`"type": "USER_PROCESS"`, `"user": "alice"`, `"time":
//! "2023-11-14T22:13:20.250000Z"`) beside the exact values (`type_raw`,
//! `seconds`, `microseconds`), and `<field>_hex`/`padding_hex` only where
//! the text would lose bytes, so a record read back is the same bytes.
//! `json` adds JSON Lines over it, the module `json` (`json::push_json`,
//! `json::parse_json_line`, `json::JsonReader`). `utmp dump --json`,
//! `undump --json` and `who --json` use the same form; sessions use its names
//! and times. The format is documented once, in
//! [`docs/json.md`](https://github.com/utmp-rs/utmp/blob/main/docs/json.md)
//! (in the repository).
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::arithmetic_side_effects
    )
)]

// OpenBSD has no utmpx: its <utmp.h> record (line, name, host, time) has
// no type, pid, id or microseconds, which everything here reads.
#[cfg(target_os = "openbsd")]
compile_error!(
    "utmp does not support OpenBSD as a host: OpenBSD has no <utmpx.h> (its struct utmp has no \
     type, pid or id), so there is no system database API and no host record layout to read"
);
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "macos",
    target_os = "illumos",
    target_os = "solaris",
    target_os = "netbsd",
    target_os = "openbsd"
)))]
compile_error!(
    "utmp supports Linux, FreeBSD, macOS, illumos/Solaris and NetBSD hosts; this system's \
     <utmpx.h> layout and database paths have not been added"
);

mod byte_split;
mod clock;
mod detect;
mod encoder;
mod entry;
mod entry_type;
mod enum_list;
pub mod environment;
mod error;
pub mod follow;
pub mod format;
mod host_record;
#[cfg(feature = "json")]
pub mod json;
mod layout;
pub mod layouts;
mod lending;
mod line_map;
pub mod logind;
mod mapped;
mod paths;
mod reader;
mod records;
#[cfg(feature = "serde")]
mod serde_impl;
pub mod sessions;
mod source;
mod system;
#[cfg(test)]
mod test_skip;
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
mod time_fmt;
mod transcode;
mod validate;
#[cfg(target_os = "linux")]
pub mod wtmpdb;

pub use detect::detect;
pub use encoder::{write_entries, write_entries_in, EntryBuilder};
pub use entry::{Entry, EntryRef, ExitStatus};
pub use entry_type::{EntryType, ParseEntryTypeError, RawEntryType, UnknownType};
pub use error::{Error, Result};
pub use format::{
    ByteOrder, Field, Format, ParseFieldError, ParseFormatError, ParseSystemError, System,
};
pub use layout::{RecordBytes, RECORD_SIZE};
pub use lending::LendingRecords;
pub use mapped::{MappedEntries, MappedFile, MappedFormatEntries, RecordRun};
pub use paths::{btmp_path, utmp_path, wtmp_path};
pub use reader::{entries, Reader, SliceEntries};
pub use records::{entries_in, FormatEntries};
pub use source::{
    current_sessions, current_sessions_in, login_history, CurrentSessions, HistoryFile,
    ParseSourceError, Source,
};
pub use system::{current_entries, Database};
pub use validate::{validate, validate_in};
