//! Read Unix login records: who is logged in now (utmp), who logged in when
//! (wtmp), and who failed to (btmp).
//!
//! Two ways to read, one record type:
//!
//! * **The system database through the C library** ([`Database`]), like
//!   pyutmp's `UtmpFile`: `setutxent`/`getutxent`/`endutxent`, with the C
//!   library's process-global state guarded so it is safe to use from any thread.
//! * **The records on disk, directly** ([`Reader`], [`entries`]): no C library
//!   state, `Send`, zero-copy over a byte slice, constant memory over a stream.
//!
//! Both yield entries ([`Entry`], or the borrowed [`EntryRef`]) whose accessors
//! decode the fields of this platform's `struct utmpx` as its header defines it.
//!
//! ```no_run
//! # fn main() -> utmp::Result<()> {
//! for entry in utmp::Reader::open(utmp::wtmp_path())? {
//!     let entry = entry?;
//!     if entry.is_user_process() {
//!         println!("{} on {} from {}", entry.user_lossy(), entry.line_lossy(), entry.host_lossy());
//!     }
//! }
//! # Ok(()) }
//! ```
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

mod encoder;
mod entry;
mod entry_type;
mod error;
mod layout;
mod paths;
mod reader;
#[cfg(feature = "serde")]
mod serde_impl;
pub mod sessions;
mod system;
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
mod time_fmt;
mod validate;
pub mod who;

pub use encoder::{write_entries, EntryBuilder};
pub use entry::{Entry, EntryRef, ExitStatus};
pub use entry_type::{EntryType, ParseEntryTypeError, RawEntryType};
pub use error::{Error, Result};
pub use layout::{RecordBytes, RECORD_SIZE};
pub use paths::{btmp_path, utmp_path, wtmp_path};
pub use reader::{entries, Reader, SliceEntries};
pub use system::{current_entries, Database};
pub use validate::validate;
