//! `utmp dump --follow` and `utmp last --follow`: records as they are
//! written, through log rotation (`utmp::follow` does the following; this
//! prints).
//!
//! Ctrl-C (SIGINT), SIGTERM and a closed output pipe end a follow quietly
//! with exit status 0. What happens to the file (rotated, truncated, a
//! partial record left behind, a new file that cannot be read) is one line
//! on stderr, and the follow goes on.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::Duration;

use utmp::follow::{Event, FollowOptions, Follower, Start};
use utmp::json::push_json;
use utmp::layouts::last::LastFormat;
use utmp::layouts::utmpdump::push_utmpdump;
use utmp::sessions::{Activity, LiveSessions, SessionFilter};
use utmp::Format;

use crate::format_choice::FormatArg;
use crate::output::{Failure, Outcome};

/// `--poll SECONDS`: a positive number of seconds (`0.5`).
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("not a number of seconds: {s}"))?;
    if secs.is_nan() || secs <= 0.0 {
        return Err(format!("the interval must be more than 0 seconds: {s}"));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| format!("{s}: {e}"))
}

fn options(start: Start, poll: Option<Duration>, format: Format) -> FollowOptions {
    let options = FollowOptions::new().start(start).format(format);
    match poll {
        Some(interval) => options.poll(interval),
        None => options,
    }
}

/// The record format to follow `path` in: `--format`, else as the file's
/// first MiB (what is there now) is detected, as `dump` and `last` do.
pub fn record_format(path: &Path, arg: Option<FormatArg>) -> Result<Format, Failure> {
    if let Some(FormatArg::Named(f)) = arg {
        return Ok(f);
    }
    let mut head = Vec::new();
    if let Ok(file) = File::open(path) {
        // Unreadable now: the follower's open reports it.
        let _ = file.take(1 << 20).read_to_end(&mut head);
    }
    crate::format_choice::choose(path, &head, arg)
}

/// Opens the follower, with Ctrl-C and SIGTERM set to end it.
fn open(path: &Path, options: FollowOptions) -> Result<Follower, Failure> {
    if path.as_os_str() == "-" {
        return Err(Failure::Message(
            "following standard input is unsupported".into(),
        ));
    }
    utmp::follow::stop_on_signals()?;
    Ok(options.open(path)?)
}

/// Runs `one` on every event, handing the output on whenever the follower
/// is about to wait; returns when a signal stops it.
fn run(
    follower: &mut Follower,
    out: &mut impl Write,
    mut one: impl FnMut(Event, &mut Vec<u8>),
) -> Outcome {
    let mut buf = Vec::with_capacity(1 << 16);
    let mut timeout = Some(Duration::ZERO);
    loop {
        match follower.wait_event(timeout) {
            Ok(Some(event)) => {
                one(event, &mut buf);
                timeout = Some(Duration::ZERO);
                continue;
            }
            Ok(None) => {}
            Err(e) => eprintln!("utmp: warning: {e}"),
        }
        // Nothing more for now: out with it, then wait.
        out.write_all(&buf)?;
        out.flush()?;
        buf.clear();
        if follower.is_stopped() {
            return Ok(());
        }
        timeout = if timeout.is_some() {
            None
        } else {
            Some(Duration::ZERO)
        };
    }
}

/// What happened to the file, on stderr.
fn notice(path: &Path, event: &Event) {
    let path = path.display();
    match event {
        Event::Reopened => eprintln!("utmp: {path}: replaced (rotated?); following the new file"),
        Event::Truncated { .. } => {
            eprintln!("utmp: {path}: file truncated; reading it again from its start")
        }
        Event::Incomplete { offset, len } => eprintln!(
            "utmp: warning: {path}: the file was left with {len} byte(s) of a partial record \
             at byte offset {offset}, skipped"
        ),
        Event::Unrepresentable { offset, reason } => eprintln!(
            "utmp: warning: {path}: the record at byte offset {offset} was left out: {reason}"
        ),
        _ => {}
    }
}

/// `utmp dump --follow FILE`: like `utmpdump -f`, the last 10 records, then
/// each new one as it is written.
pub fn dump(path: &Path, json: bool, poll: Option<Duration>, format: Format) -> Outcome {
    let mut follower = open(path, options(Start::Last(10), poll, format))?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    run(&mut follower, &mut out, |event, buf| match event {
        Event::Record(entry) if json => push_json(&entry, buf),
        Event::Record(entry) => {
            if !push_utmpdump(&entry, buf) {
                eprintln!(
                    "utmp: warning: a record was left out: its year does not fit a C int, \
                     which utmpdump cannot print (use --json)"
                );
            }
        }
        other => notice(path, &other),
    })
}

/// How `utmp last --follow` shows each event.
pub struct LastFollow {
    /// Failed logins (btmp).
    pub bad: bool,
    /// JSON Lines instead of text.
    pub json: bool,
    /// Show shutdowns, runlevel and clock changes too (`-x`).
    pub system: bool,
    /// The text layout.
    pub format: LastFormat,
    /// Users and terminals to show.
    pub filter: SessionFilter,
    /// Separate the event from the line with a tab (`-T`).
    pub tabs: bool,
    /// Poll at this interval instead of inotify.
    pub poll: Option<Duration>,
    /// The file's record format.
    pub record_format: Format,
}

/// `utmp last --follow`: each login, logout, boot and failed login
/// (`--bad`) written to `path` from now on, one line each: the event
/// (`login`, `logout`, ...) in a 12-wide column, then the session as `last`
/// shows it (a logout with its login's time and length), or a JSON object
/// with `event` first and then the fields of `last --json`.
pub fn last(path: &Path, mut how: LastFollow) -> Outcome {
    let mut follower = open(path, options(Start::End, how.poll, how.record_format))?;
    let mut live = LiveSessions::new().btmp(how.bad);
    // Who is logged in now, so that a logout finds its login: the records
    // before the follower's starting point.
    if let Some(upto) = follower.offset() {
        if let Ok(file) = File::open(path) {
            let records = utmp::Reader::new(file.take(upto)).with_format(how.record_format);
            for entry in records.flatten() {
                live.remember(&entry);
            }
        }
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    run(&mut follower, &mut out, |event, buf| {
        let entry = match event {
            Event::Record(entry) => entry,
            other => return notice(path, &other),
        };
        let Some((activity, session)) = live.push(entry) else {
            return;
        };
        let shown = match activity {
            Activity::Shutdown | Activity::System => how.system,
            _ => true,
        };
        if !shown || !how.filter.matches(&session) {
            return;
        }
        if how.json {
            // `{"event":"login",` then the session's own fields.
            let Ok(object) = serde_json::to_vec(&session) else {
                return;
            };
            buf.extend_from_slice(b"{\"event\":\"");
            buf.extend_from_slice(activity.as_str().as_bytes());
            buf.extend_from_slice(b"\",");
            buf.extend_from_slice(object.get(1..).unwrap_or_default());
            buf.push(b'\n');
        } else {
            let word = activity.as_str();
            buf.extend_from_slice(word.as_bytes());
            if how.tabs {
                buf.push(b'\t');
            } else {
                buf.resize(buf.len() + 13 - word.len().min(12), b' ');
            }
            how.format.write_session(&session, buf);
        }
    })
}
