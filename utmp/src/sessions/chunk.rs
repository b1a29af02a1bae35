//! Pairing a file cut into chunks, each chunk on its own (on any thread),
//! with the same sessions as one [`Pairing`] over the whole file.
//!
//! The pairing runs newest first and its state is mostly local: a shutdown
//! (or a change to runlevel 0 or 6) sets every part of it that older
//! records read. The line table and the logouts without a line are emptied,
//! and the last boot, the last shutdown and the last runlevel all become
//! that record's time. So a [`ChunkPairing`] pairs a chunk's records from a
//! state that knows nothing of the newer chunks, and splits them:
//!
//! * the *head*: the records down to (and including) the chunk's newest
//!   shutdown, whose sessions depend on the newer chunks: [`Paired::Head`],
//!   left to the caller's true [`Pairing`];
//! * the *tail*: every older record, whose session is already the true one:
//!   [`Paired::Tail`].
//!
//! The caller, chunk by chunk newest first, pushes the head's records to
//! its true [`Pairing`], takes the tail's sessions as they are, and then
//! moves the chunk's final state into its pairing with
//! [`Pairing::resume`]. A chunk without a shutdown, or whose tail would have
//! asked the system about a login (util-linux's test for a login without
//! logout, asked only when no boot is known), is not
//! [resumable](ChunkPairing::resumable): the caller pushes all its records
//! instead.
//!
//! ```
//! # fn main() -> utmp::Result<()> {
//! use utmp::environment::FixedEnvironment;
//! use utmp::sessions::{Paired, Pairing};
//! use utmp::{EntryBuilder, EntryType};
//! let record = |t, user: &str, line: &str, secs| {
//!     EntryBuilder::new(t).user(user).line(line).seconds(secs).build()
//! };
//! let file = [
//!     record(EntryType::BootTime, "reboot", "~", 100)?,
//!     record(EntryType::UserProcess, "ana", "pts/0", 110)?,
//!     record(EntryType::RunLevel, "shutdown", "~~", 120)?,
//!     record(EntryType::BootTime, "reboot", "~", 130)?,
//!     record(EntryType::UserProcess, "bo", "pts/0", 140)?,
//! ];
//! let env = FixedEnvironment::new(200);
//! let mut pairing = Pairing::new(&env);
//! // The whole file as one chunk, newest first.
//! let mut chunk = pairing.chunk_pairing();
//! let mut tail = Vec::new();
//! for e in file.iter().rev() {
//!     if let Paired::Tail(Some(s)) = chunk.push(e.as_entry_ref()) {
//!         tail.push(s.to_owned_session());
//!     }
//! }
//! assert!(chunk.resumable());
//! let mut sessions = Vec::new();
//! for e in file.iter().rev().take(chunk.head_len()) {
//!     sessions.extend(pairing.push(e.as_entry_ref()).map(|s| s.to_owned_session()));
//! }
//! sessions.extend(tail);
//! assert!(pairing.resume(&mut chunk));
//! let users: Vec<_> = sessions.iter().map(|s| s.user_lossy().into_owned()).collect();
//! assert_eq!(users, ["bo", "reboot", "shutdown", "ana", "reboot"]);
//! # Ok(()) }
//! ```

use std::borrow::Borrow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use super::{Pairing, Session, WhyDown};
use crate::clock::TimeZone;
use crate::entry::Entry;
use crate::environment::{Environment, LoginUid, Terminal};
use crate::layout::RecordBytes;

/// An environment that knows only the time: a chunk's tail must not ask
/// anything else, and asking is remembered.
#[derive(Debug)]
struct Unasked {
    now: SystemTime,
    /// Whether anything but the time was asked (atomic only so that a
    /// [`ChunkPairing`] can be shared to make [fresh](ChunkPairing::fresh)
    /// ones from, on any thread).
    asked: AtomicBool,
    zone: TimeZone,
}

impl Unasked {
    fn ask(&self) {
        self.asked.store(true, Ordering::Relaxed);
    }

    fn forget(&self) {
        self.asked.store(false, Ordering::Relaxed);
    }

    fn was_asked(&self) -> bool {
        self.asked.load(Ordering::Relaxed)
    }
}

impl Environment for Unasked {
    fn now(&self) -> SystemTime {
        self.now
    }

    fn boot_time(&self) -> Option<SystemTime> {
        self.ask();
        None
    }

    fn user_uid(&self, _user: &[u8]) -> Option<u32> {
        self.ask();
        None
    }

    fn process_exists(&self, _pid: i32) -> bool {
        self.ask();
        false
    }

    fn loginuid(&self, _pid: i32) -> LoginUid {
        self.ask();
        LoginUid::Unreadable
    }

    fn terminal(&self, _device: &Path) -> Option<Terminal> {
        self.ask();
        None
    }

    fn time_zone(&self) -> &TimeZone {
        &self.zone
    }
}

/// What [`ChunkPairing::push`] made of a record.
#[non_exhaustive]
pub enum Paired<B> {
    /// The record is in the chunk's head: its session depends on the newer
    /// chunks; push it to the true [`Pairing`].
    Head,
    /// The record is in the tail: this is its session (if it makes one),
    /// the same as the true pairing's.
    Tail(Option<Session<B>>),
}

impl<B: Borrow<RecordBytes>> std::fmt::Debug for Paired<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Paired::Head => f.write_str("Head"),
            Paired::Tail(s) => f.debug_tuple("Tail").field(s).finish(),
        }
    }
}

/// One chunk's pairing, from a state that knows nothing of the newer
/// chunks; see the [module docs](self).
#[derive(Debug)]
pub struct ChunkPairing {
    pairing: Pairing<Unasked>,
    /// Still in the head (no shutdown seen yet).
    head: bool,
    /// Records pushed while in the head, the shutdown that ends it included.
    head_len: usize,
}

impl<S: Environment> Pairing<S> {
    /// An empty [`ChunkPairing`] with this pairing's settings (btmp mode,
    /// since, until, and its idea of now).
    pub fn chunk_pairing(&self) -> ChunkPairing {
        ChunkPairing::with_settings(self)
    }

    /// After the records of `chunk`'s head were pushed here: takes the state
    /// its tail left (the next chunk's records pair against it), and returns
    /// true. Returns false, changing nothing, when `chunk` is not
    /// [resumable](ChunkPairing::resumable).
    pub fn resume(&mut self, chunk: &mut ChunkPairing) -> bool {
        if !chunk.resumable() {
            return false;
        }
        if self.btmp {
            return true;
        }
        let c = &mut chunk.pairing;
        std::mem::swap(&mut self.lines, &mut c.lines);
        std::mem::swap(&mut self.dead_ids, &mut c.dead_ids);
        self.last_boot = c.last_boot;
        self.last_down = c.last_down;
        self.last_runlevel = c.last_runlevel;
        self.why_down = c.why_down;
        true
    }
}

impl ChunkPairing {
    /// An empty one with the same settings.
    pub fn fresh(&self) -> ChunkPairing {
        ChunkPairing::with_settings(&self.pairing)
    }

    /// An empty one with `p`'s settings.
    fn with_settings<S>(p: &Pairing<S>) -> ChunkPairing {
        let env = Unasked {
            now: p.now.time(),
            asked: AtomicBool::new(false),
            zone: TimeZone::utc(),
        };
        let mut pairing = Pairing::new(env).btmp(p.btmp);
        pairing.now = p.now;
        pairing.since = p.since;
        pairing.until = p.until;
        ChunkPairing {
            head: !p.btmp,
            pairing,
            head_len: 0,
        }
    }

    /// Empties it for another chunk (the settings stay).
    pub fn restart(&mut self) {
        let p = &mut self.pairing;
        p.lines.clear();
        p.dead_ids.clear();
        p.last_boot = super::Stamp::default();
        p.last_down = p.now;
        p.last_runlevel = p.now;
        p.why_down = WhyDown::Crash;
        p.boot_time = None;
        p.state.forget();
        self.head = !p.btmp;
        self.head_len = 0;
    }

    /// The chunk's next record, newest first.
    pub fn push<B: Borrow<RecordBytes>>(&mut self, e: Entry<B>) -> Paired<B> {
        if !self.head {
            return Paired::Tail(self.pairing.push(e));
        }
        // head_len <= the records of a slice: no overflow.
        self.head_len = self.head_len.saturating_add(1);
        self.pairing.shut_down = false;
        // The head's sessions are the caller's to make; pairing them here
        // only brings the state to the shutdown.
        let _ = self.pairing.push(e);
        if self.pairing.shut_down {
            // Everything older records read is set now, as in the true
            // pairing; what the head asked is forgotten.
            self.head = false;
            self.pairing.state.forget();
        }
        Paired::Head
    }

    /// How many of the records pushed so far (newest first) are the head's.
    pub fn head_len(&self) -> usize {
        self.head_len
    }

    /// Whether the tail's sessions and state are the true ones: the chunk
    /// had a shutdown (or is btmp), and its tail did not ask the system.
    pub fn resumable(&self) -> bool {
        !self.head && !self.pairing.state.was_asked()
    }
}

#[cfg(test)]
mod tests;
