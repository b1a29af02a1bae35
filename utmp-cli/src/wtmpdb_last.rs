//! `utmp last` on a wtmpdb database: what `wtmpdb last` prints, byte for
//! byte (`-j`: the same values as valid JSON).

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;

use utmp::layouts::last::{HostColumn, TimeFormat};
use utmp::layouts::wtmpdb_last::LastLayout;
use utmp::sessions::TimeZone;
use utmp::wtmpdb::{Database, Pairing, Row, RowEvent, RowFollower, RowType, Selection};

use crate::output::Outcome;

/// What `utmp last` was asked, for wtmpdb.
#[derive(Debug)]
pub struct Options {
    /// Each database, and the name its footer shows (the `-f` argument as
    /// given, or `wtmpdb` for the default database, as wtmpdb does).
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub selection: Selection,
    pub time_format: Option<TimeFormat>,
    pub full_times: bool,
    pub host: HostColumn,
    pub full_names: bool,
    pub service: bool,
    pub json: bool,
}

/// The text layout the options ask for.
fn layout(opts: &Options) -> LastLayout {
    let mut layout = LastLayout::new(TimeZone::from_env())
        .host_column(opts.host)
        .full_names(opts.full_names)
        .service(opts.service);
    if let Some(t) = opts.time_format {
        layout = layout.time_format(t);
    }
    if opts.full_times {
        layout = layout.full_times();
    }
    layout
}

pub fn run(opts: &Options) -> Outcome {
    let mut layout = layout(opts);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buf = Vec::with_capacity(1 << 16);
    for (path, name) in &opts.files {
        let db = Database::open(path)?;
        let mut pairing = Pairing::new(opts.selection.clone());
        if opts.json {
            layout.write_json_start(&mut buf);
        }
        let mut failed = None;
        let walked = newest_first_in_batches(db, |row| {
            let pushed = pairing.push(row);
            for s in [pushed.shutdown, pushed.session].into_iter().flatten() {
                if opts.json {
                    layout.write_json_session(&s, &mut buf);
                } else {
                    layout.write_session(&s, &mut buf);
                }
            }
            if buf.len() >= 1 << 16 {
                if let Err(e) = out.write_all(&buf) {
                    failed = Some(e);
                    return false;
                }
                buf.clear();
            }
            !pairing.is_full()
        });
        if let Some(e) = failed {
            return Err(e.into());
        }
        if let Err(e) = walked {
            // The lines of the rows before the one that failed, then why.
            out.write_all(&buf)?;
            return Err(e.into());
        }
        if opts.json {
            layout.write_json_end(pairing.begins_micros(), &mut buf);
        } else {
            layout.write_footer(name, pairing.begins_micros(), &mut buf);
        }
    }
    out.write_all(&buf)?;
    out.flush()?;
    Ok(())
}

/// `utmp last --follow` on a wtmpdb database: from now on, each login,
/// logout and boot (with `-x` also shutdowns and runlevel rows) as it is
/// written, one line each: the event in a 12-wide column, then the row as
/// `wtmpdb last` lays it out (a logout with its login's time and length);
/// with `--json`, one object per line (`event`, then the row as
/// docs/json.md describes it). Rows deleted while open are said on stderr.
pub fn follow(opts: &Options, poll: Option<std::time::Duration>) -> Outcome {
    let [(path, _)] = &opts.files[..] else {
        return Err(crate::output::Failure::Message(
            "--follow follows one file".into(),
        ));
    };
    utmp::follow::stop_on_signals()?;
    let interval = poll.unwrap_or(utmp::follow::DEFAULT_POLL_INTERVAL);
    let mut follower = RowFollower::open(path, false, interval)?;
    let mut layout = layout(opts);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buf = Vec::new();
    loop {
        match follower.wait_event(None) {
            Ok(Some(event)) => {
                follow_event(opts, &mut layout, &event, &mut buf);
                out.write_all(&buf)?;
                out.flush()?;
                buf.clear();
            }
            Ok(None) => {}
            Err(e) => eprintln!("utmp: warning: {e}"),
        }
        if follower.is_stopped() {
            return Ok(());
        }
    }
}

/// One event's line (see [`follow`]).
fn follow_event(opts: &Options, layout: &mut LastLayout, event: &RowEvent, buf: &mut Vec<u8>) {
    let (row, closed) = match event {
        RowEvent::Added(row) => (row, false),
        RowEvent::Closed(row) => (row, true),
        RowEvent::Vanished { id } => {
            eprintln!("utmp: row {id} was removed from the database while its session was open");
            return;
        }
        _ => return,
    };
    let word = match (row.row_type(), closed) {
        (RowType::Login, false) => "login",
        (RowType::Login, true) => "logout",
        (RowType::Boot, false) => "boot",
        (RowType::Boot, true) if opts.selection.shows_system() => "shutdown",
        (_, false) if opts.selection.shows_system() => "system",
        _ => return,
    };
    // The row alone, as `wtmpdb last` would list it now.
    let mut pairing = Pairing::new(opts.selection.clone());
    let pushed = pairing.push(row);
    let session = if word == "shutdown" {
        pushed.shutdown.or(pushed.session)
    } else {
        pushed.session
    };
    let Some(session) = session else {
        // Not selected (a user or tty not asked for).
        return;
    };
    if opts.json {
        // `event`, then the row in the one JSON form (docs/json.md).
        #[derive(serde::Serialize)]
        struct Event<'a> {
            event: &'a str,
            #[serde(flatten)]
            row: &'a utmp::wtmpdb::Row,
        }
        let written = serde_json::to_writer(&mut *buf, &Event { event: word, row });
        // Writing to a Vec cannot fail, and a row's `Serialize` makes no error.
        debug_assert!(written.is_ok(), "{written:?}");
        buf.push(b'\n');
    } else {
        buf.extend_from_slice(format!("{word:<12}").as_bytes());
        layout.write_session(&session, buf);
    }
}

/// Rows handed over per batch.
const BATCH: usize = 1024;

/// [`Database::for_each_newest_first`] on a second thread: SQLite reads
/// and decodes rows there while `f` formats them here (half the wall-clock
/// time on two cores). Batches of rows go back and forth, so their memory
/// is reused. `f` returns `false` to stop.
fn newest_first_in_batches(db: Database, mut f: impl FnMut(&Row) -> bool) -> utmp::Result<()> {
    let (full_tx, full_rx) = mpsc::sync_channel::<Vec<Row>>(4);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<Row>>();
    thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut batch: Vec<Row> = Vec::with_capacity(BATCH);
            let mut used = 0usize;
            let mut open = true;
            let walked = db.for_each_newest_first(|row| {
                match batch.get_mut(used) {
                    Some(slot) => slot.clone_from(row),
                    None => batch.push(row.clone()),
                }
                used += 1;
                if used < BATCH {
                    return true;
                }
                batch.truncate(used);
                let next = empty_rx.try_recv().unwrap_or_default();
                open = full_tx.send(std::mem::replace(&mut batch, next)).is_ok();
                used = 0;
                open
            });
            if open && used > 0 {
                batch.truncate(used);
                let _ = full_tx.send(batch);
            }
            walked
        });
        'batches: for batch in &full_rx {
            for row in &batch {
                if !f(row) {
                    break 'batches;
                }
            }
            let _ = empty_tx.send(batch);
        }
        // Stops the reader at its next batch.
        drop(full_rx);
        reader
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}
