//! Pairing one chunk of a file on its own: [`ChunkPairing`].

use std::borrow::Borrow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use super::{Pairing, Session, SessionKind, WhyDown};
use crate::clock::TimeZone;
use crate::entry::Entry;
use crate::environment::{Environment, LoginUid, Terminal};
use crate::layout::RecordBytes;

/// An environment that knows only the time: a chunk's done records must
/// not ask anything else, and asking is remembered.
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
    /// Its session depends on the newer chunks: push the record to the
    /// true [`Pairing`], in order with the chunk's other pending records.
    Pending,
    /// Its session, if it makes one: the same as the true pairing's.
    Done(Option<Session<B>>),
}

impl<B: Borrow<RecordBytes>> std::fmt::Debug for Paired<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Paired::Pending => f.write_str("Pending"),
            Paired::Done(s) => f.debug_tuple("Done").field(s).finish(),
        }
    }
}

/// One chunk's pairing, from a state that knows nothing of the newer
/// chunks: pairing a file cut into chunks, each chunk on its own (on any
/// thread), gives the same sessions as one [`Pairing`] over the whole file.
///
/// The pairing runs newest first, and its state is mostly local. A login
/// whose line has a newer record in the same chunk ends there; after a boot
/// (or a crash) the line table starts empty; and a shutdown (or a change to
/// runlevel 0 or 6) sets every part of the state that older records read.
/// So a [`ChunkPairing`] pairs a chunk's records from a state that knows
/// nothing of the newer chunks, and answers for each record:
///
/// * [`Paired::Done`]: its session (if it makes one) is the true one;
/// * [`Paired::Pending`]: its session depends on the newer chunks. These
///   are, before the chunk's newest shutdown only: the boots, shutdowns,
///   runlevel and clock changes (they read the last boot, shutdown and
///   runlevel, which may come from newer chunks), and, before the chunk's
///   newest boot or shutdown, the logins whose line has no newer record in
///   the chunk, the logins without a line, and the logouts without a line
///   (FreeBSD's: they end logins by id, which pending logins may ask for).
///
/// The caller, chunk by chunk newest first, pushes the chunk's pending
/// records, in order, to its true [`Pairing`] (their sessions take the
/// pending records' places among the done ones), then merges the chunk's
/// final state into its pairing with [`Pairing::resume`]: the chunk's lines
/// over the newer ones (or alone, after a boot or shutdown in the chunk),
/// and, after a shutdown in the chunk, its last boot, shutdown and runlevel.
/// A chunk where a done login would have asked the system about its
/// process (util-linux's test for a login without logout, asked only when
/// the last boot known is at the epoch) is not
/// [resumable](ChunkPairing::resumable): the caller pushes all its records
/// instead.
///
/// ```
/// # fn main() -> utmp::Result<()> {
/// use utmp::environment::FixedEnvironment;
/// use utmp::sessions::{Paired, Pairing};
/// use utmp::{EntryBuilder, EntryType};
/// let record = |t, user: &str, line: &str, secs| {
///     EntryBuilder::new(t).user(user).line(line).seconds(secs).build()
/// };
/// let file = [
///     record(EntryType::BootTime, "reboot", "~", 100)?,
///     record(EntryType::UserProcess, "ana", "pts/0", 110)?,
///     record(EntryType::RunLevel, "shutdown", "~~", 120)?,
///     record(EntryType::BootTime, "reboot", "~", 130)?,
///     record(EntryType::UserProcess, "bo", "pts/0", 140)?,
///     record(EntryType::DeadProcess, "", "pts/0", 150)?,
/// ];
/// let env = FixedEnvironment::new(200);
/// let mut pairing = Pairing::new(&env);
/// // The whole file as one chunk, newest first.
/// let mut chunk = pairing.chunk_pairing();
/// let mut slots = Vec::new();
/// for e in file.iter().rev() {
///     slots.push(match chunk.push(e.as_entry_ref()) {
///         Paired::Done(s) => s.map(|s| s.to_owned_session()),
///         // Resolved in order by the true pairing (here, at once).
///         Paired::Pending => pairing.push(e.as_entry_ref()).map(|s| s.to_owned_session()),
///         _ => unreachable!(),
///     });
/// }
/// assert!(pairing.resume(&mut chunk));
/// let users: Vec<_> = slots.iter().flatten().map(|s| s.user_lossy().into_owned()).collect();
/// assert_eq!(users, ["bo", "reboot", "shutdown", "ana", "reboot"]);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ChunkPairing {
    pairing: Pairing<Unasked>,
    /// No shutdown seen yet: some records are pending.
    head: bool,
}

// Made on one thread, paired on another, handed back: Send; shared to make
// fresh ones from: Sync.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<ChunkPairing>();
};

impl<S: Environment> Pairing<S> {
    /// An empty [`ChunkPairing`] with this pairing's settings (btmp mode,
    /// since, until, and its idea of now).
    pub fn chunk_pairing(&self) -> ChunkPairing {
        ChunkPairing::with_settings(self)
    }

    /// After `chunk`'s pending records were pushed here: takes the state
    /// the chunk left (the next chunk's records pair against it), and
    /// returns true. Returns false, changing nothing, when `chunk` is not
    /// [resumable](ChunkPairing::resumable).
    pub fn resume(&mut self, chunk: &mut ChunkPairing) -> bool {
        if !chunk.resumable() {
            return false;
        }
        if self.btmp {
            return true;
        }
        let c = &mut chunk.pairing;
        if c.went.down {
            // The chunk's lines and logouts without a line since its oldest
            // boot or shutdown are all there is.
            std::mem::swap(&mut self.lines, &mut c.lines);
            std::mem::swap(&mut self.dead_ids, &mut c.dead_ids);
        } else {
            // Its lines over the newer ones; its logouts without a line were
            // pending, pushed here.
            self.lines.extend_from(&c.lines);
        }
        if !chunk.head {
            // After its newest shutdown, the system rows were done there.
            self.last_boot = c.last_boot;
            self.last_down = c.last_down;
            self.last_runlevel = c.last_runlevel;
            self.why_down = c.why_down;
        }
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
        p.went = super::Went::default();
        self.head = !p.btmp;
    }

    /// The chunk's next record, newest first.
    pub fn push<B: Borrow<RecordBytes>>(&mut self, e: Entry<B>) -> Paired<B> {
        if !self.head {
            return Paired::Done(self.pairing.push(e));
        }
        let p = &mut self.pairing;
        let went_down = p.went.down;
        let (ids, asked) = (p.dead_ids.len(), p.state.was_asked());
        p.went.line_missed = false;
        let session = p.push(e);
        let pending = match &session {
            Some(s) if s.kind() == SessionKind::User => !went_down && p.went.line_missed,
            Some(_) => true,
            // A logout without a line, which pending logins may take.
            None => !went_down && p.dead_ids.len() > ids,
        };
        if p.went.shut_down {
            // Everything older records read is set now, as in the true
            // pairing.
            self.head = false;
        }
        if !pending {
            return Paired::Done(session);
        }
        // What a pending record asked is the true pairing's to ask (and
        // the boot time it cached was no answer).
        if !asked {
            p.state.forget();
            p.boot_time = None;
        }
        Paired::Pending
    }

    /// Whether the done sessions and the final state are the true ones:
    /// no done record asked the system.
    pub fn resumable(&self) -> bool {
        !self.pairing.state.was_asked()
    }
}

#[cfg(test)]
mod tests;
