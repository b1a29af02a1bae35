//! Following a wtmpdb database as it is written: each new row (a login, a
//! boot) once, and each row whose `Logout` is filled in later (the logout,
//! the shutdown) once more.
//!
//! wtmpdb writes a login as a new row with `Logout` NULL and its logout as an
//! `UPDATE` of that row; so a follower remembers the highest `ID` it has seen
//! and the rows still open, and at each look asks SQLite for the rows above
//! that `ID` and for the open ones again. Each look opens the database anew,
//! read-only ([`Database::open`]): a database replaced by another (a new file
//! at the path) is simply read, and no connection or lock is held between
//! looks. It looks every poll interval (a database is not appended to like a
//! wtmp file, so there is no record boundary for inotify to tell about);
//! a wait ends at once on SIGINT or SIGTERM after
//! [`stop_on_signals`](crate::follow::stop_on_signals).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::system::wait;

use super::{Database, Row};

/// What a [`RowFollower`] yields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowEvent {
    /// A row not seen before (a login, a boot, a runlevel change), as it is
    /// now: its `Logout` may already be set when it was written and closed
    /// between two looks.
    Added(Row),
    /// A row seen open (its `Logout` NULL) whose `Logout` is now set: the
    /// session ended (a logout, or a boot row's shutdown).
    Closed(Row),
    /// A row seen open that is no longer in the table (deleted, or the
    /// database replaced by one without it); it is forgotten.
    Vanished {
        /// The row's `ID`.
        id: i64,
    },
}

/// Follows a wtmpdb database: each new row once, each row whose `Logout` is
/// filled in once more. Each look opens the database anew, read-only, and
/// holds nothing between looks; it looks every interval (there is no record
/// boundary for inotify to tell about), and a wait ends at once on SIGINT or
/// SIGTERM after [`stop_on_signals`](crate::follow::stop_on_signals).
#[derive(Debug)]
pub struct RowFollower {
    path: PathBuf,
    /// The highest `ID` seen.
    last_id: i64,
    /// The `ID`s of the rows seen with `Logout` NULL, in order.
    open: Vec<i64>,
    interval: Duration,
    queue: VecDeque<RowEvent>,
    /// The last look failed: wait an interval before the next, so that a
    /// lasting error is not retried in a busy loop.
    backoff: bool,
}

impl RowFollower {
    /// The shortest interval between two looks (shorter ones are raised to
    /// it), so that a follower cannot be made to spin.
    pub const MIN_INTERVAL: Duration = Duration::from_millis(1);

    /// Follows the database at `path`, looking every `interval`: from its
    /// first row when `from_start`, else from now on (the rows there now are
    /// not yielded, but a logout of one of them is, as
    /// [`RowEvent::Closed`]).
    ///
    /// # Errors
    ///
    /// Those of [`Database::open`] and of reading its rows.
    pub fn open(path: impl AsRef<Path>, from_start: bool, interval: Duration) -> Result<Self> {
        let path = path.as_ref().to_owned();
        let mut follower = RowFollower {
            path,
            last_id: i64::MIN,
            open: Vec::new(),
            interval: interval.max(Self::MIN_INTERVAL),
            queue: VecDeque::new(),
            backoff: false,
        };
        let db = Database::open(&follower.path)?;
        if !from_start {
            let (last, open) = (&mut follower.last_id, &mut follower.open);
            db.for_each_row(|row| {
                *last = (*last).max(row.id());
                if row.logout_micros().is_none() {
                    open.push(row.id());
                }
            })?;
            follower.open.sort_unstable();
        }
        Ok(follower)
    }

    /// The database followed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The interval between two looks.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// True once SIGINT or SIGTERM arrived after
    /// [`stop_on_signals`](crate::follow::stop_on_signals).
    pub fn is_stopped(&self) -> bool {
        wait::stopped()
    }

    /// Looks at the database once and queues what changed since the last
    /// look.
    ///
    /// # Errors
    ///
    /// Those of [`Database::open`] (a locked database past its busy timeout
    /// among them) and of reading its rows; nothing is queued then, and the
    /// next look tries again.
    pub fn look(&mut self) -> Result<()> {
        let db = Database::open(&self.path)?;
        let mut closed = Vec::new();
        let mut vanished = Vec::new();
        for &id in &self.open {
            match db.row_by_id(id)? {
                Some(row) if row.logout_micros().is_some() => closed.push(row),
                Some(_) => {}
                None => vanished.push(id),
            }
        }
        let mut added = Vec::new();
        db.for_each_row_after(self.last_id, |row| added.push(row))?;
        // Nothing is changed before every query has succeeded.
        for row in closed {
            self.open.retain(|&id| id != row.id());
            self.queue.push_back(RowEvent::Closed(row));
        }
        for id in vanished {
            self.open.retain(|&o| o != id);
            self.queue.push_back(RowEvent::Vanished { id });
        }
        for row in added {
            self.last_id = self.last_id.max(row.id());
            if row.logout_micros().is_none() {
                self.open.push(row.id());
            }
            self.queue.push_back(RowEvent::Added(row));
        }
        self.open.sort_unstable();
        Ok(())
    }

    /// The next event, looking every interval for at most `timeout` (`None`:
    /// as long as it takes). `Ok(None)` when the time passed, or when a stop
    /// signal arrived ([`RowFollower::is_stopped`]).
    ///
    /// # Errors
    ///
    /// Those of [`RowFollower::look`]; the follower goes on after one.
    pub fn wait_event(&mut self, timeout: Option<Duration>) -> Result<Option<RowEvent>> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Ok(Some(event));
            }
            if self.backoff {
                self.backoff = false;
                self.sleep(deadline)?;
            }
            if self.is_stopped() {
                return Ok(None);
            }
            if let Err(e) = self.look() {
                self.backoff = true;
                return Err(e);
            }
            if let Some(event) = self.queue.pop_front() {
                return Ok(Some(event));
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(None);
            }
            self.sleep(deadline)?;
        }
    }

    /// Sleeps an interval, or until `deadline` or a stop signal.
    fn sleep(&self, deadline: Option<Instant>) -> Result<()> {
        let sleep = match deadline {
            None => self.interval,
            Some(d) => d
                .saturating_duration_since(Instant::now())
                .min(self.interval),
        };
        wait::poll(&[], Some(sleep))
            .map_err(|e| crate::error::Error::io(Some(self.path.clone()), e))
    }
}
