//! `utmp who`: who is logged in, in coreutils `who`'s layout.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use utmp::environment::{Environment, LiveSystem, LoginUid, Terminal};
use utmp::layouts::who::{PassClock, Row, TimeFormat, Who};
use utmp::logind::Session;
use utmp::{CurrentSessions, Entry, EntryType, MappedEntries, MappedFile, RecordBytes, Source};

use crate::chunks::{self, Chunk};

use crate::format_choice::{self, FormatArg, Source as Opened};
use crate::output::{Failure, Outcome};
use crate::source_choice::{self, SourceArg};

/// Arguments of `utmp who`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Same as -b -d --login -p -r -t -T -u.
    #[arg(short = 'a', long = "all")]
    all: bool,
    /// Time of last system boot.
    #[arg(short = 'b', long = "boot")]
    boot: bool,
    /// Print dead processes.
    #[arg(short = 'd', long = "dead")]
    dead: bool,
    /// Print line of column headings.
    #[arg(short = 'H', long = "heading")]
    heading: bool,
    /// Print system login processes.
    #[arg(short = 'l', long = "login")]
    login: bool,
    /// Only the entries of the terminal on standard input.
    #[arg(short = 'm')]
    my_line: bool,
    /// Print active processes spawned by init.
    #[arg(short = 'p', long = "process")]
    process: bool,
    /// All login names and number of users logged on.
    #[arg(short = 'q', long = "count")]
    count: bool,
    /// Print current runlevel.
    #[arg(short = 'r', long = "runlevel")]
    run_level: bool,
    /// Print only name, line, and time (default).
    #[arg(short = 's', long = "short")]
    short: bool,
    /// Print last system clock change.
    #[arg(short = 't', long = "time")]
    clock_change: bool,
    /// Add user's message status as +, - or ?.
    #[arg(
        short = 'T',
        short_alias = 'w',
        long = "mesg",
        visible_aliases = ["message", "writable"]
    )]
    mesg: bool,
    /// List users logged in.
    #[arg(short = 'u', long = "users")]
    users: bool,
    /// One JSON object per shown entry (JSON Lines) instead of the table.
    #[arg(long)]
    json: bool,
    /// Read FILE with read(2) instead of mapping it into memory (slower;
    /// safe against a file truncated while it is read).
    #[arg(long = "no-mmap")]
    no_mmap: bool,
    /// Where the sessions come from: `auto` (logind when it has sessions,
    /// else the utmp database), `utmp`, or `logind`. With FILE, `logind`
    /// reads FILE as a sessions folder like /run/systemd/sessions, the others
    /// as a utmp/wtmp file.
    // History sources (`wtmp`, `wtmpdb`) are `utmp last`'s; a wtmp file can
    // still be given as FILE.
    #[arg(long, default_value = "auto", value_name = "SOURCE", value_parser = source_choice::parser(
        Some("logind when it has sessions, else the utmp database"),
        &[
            (Source::Utmp, Some("The utmp database (or FILE)")),
            (Source::Logind, Some("systemd-logind's (elogind's) sessions (or the folder FILE)")),
        ],
    ))]
    source: SourceArg,
    /// FILE's record format (`freebsd-utx`, `netbsd-utmpx-516-le`, ...), or
    /// `auto` to detect it [default: this host's, or the detected one when
    /// FILE is clearly another's].
    #[arg(long = "format", value_name = "FORMAT|auto")]
    format: Option<FormatArg>,
    /// A utmp/wtmp file to read instead of the system database; two
    /// arguments (`who am i`) mean -m.
    #[arg(value_name = "FILE | ARG1 ARG2", num_args = 0..=2)]
    operands: Vec<OsString>,
}

/// One option: applies itself to the `Who`.
type WhoOption = fn(Who) -> Who;

impl Args {
    /// The `Who` for these options; `check_pids` hides users whose process
    /// is gone (coreutils does so for the system database; logind removes
    /// ended sessions itself, so its leaders are not checked).
    fn who(&self, check_pids: bool) -> Who {
        let mut w = Who::new().time_format(TimeFormat::from_env());
        let flags: [(bool, WhoOption); 13] = [
            (self.all, Who::all),
            (self.boot, Who::boot),
            (self.dead, Who::dead),
            (self.heading, Who::heading),
            (self.login, Who::login),
            (self.process, Who::process),
            (self.count, Who::count),
            (self.run_level, Who::run_level),
            (self.short, Who::short),
            (self.clock_change, Who::clock_change),
            (self.mesg, Who::mesg),
            (self.users, Who::users),
            (check_pids, Who::check_pids),
        ];
        for (on, set) in flags {
            if on {
                w = set(w);
            }
        }
        w
    }
}

/// The terminal on standard input, without `/dev/` (what `ttyname(0)` gives).
fn my_line() -> Option<Vec<u8>> {
    if !io::stdin().is_terminal() {
        return None;
    }
    let path = std::fs::read_link("/proc/self/fd/0").ok()?;
    let bytes = path.as_os_str().as_bytes();
    Some(bytes.strip_prefix(b"/dev/").unwrap_or(bytes).to_vec())
}

/// The records a command reads: FILE mapped (borrowed in place), or streamed
/// owned entries (FILE read, a foreign format decoded, the system database).
enum Records {
    Mapped(MappedFile),
    Owned(Box<dyn Iterator<Item = utmp::Result<Entry>>>),
}

impl Records {
    fn open(
        file: Option<&OsString>,
        no_mmap: bool,
        format: Option<FormatArg>,
    ) -> Result<Self, Failure> {
        let Some(file) = file else {
            return Ok(Records::Owned(Box::new(utmp::Database::open()?)));
        };
        let path = PathBuf::from(file);
        // A file of another format is small (a utmp): decoded whole.
        Ok(match format_choice::open(&path, no_mmap, format)? {
            Opened::Foreign(f, data) => {
                let all: Vec<_> = utmp::entries_in(data.bytes(), f)
                    .filter(|r| match r {
                        Err(e @ utmp::Error::Unrepresentable { .. }) => {
                            eprintln!("utmp: warning: {e} (record left out)");
                            false
                        }
                        _ => true,
                    })
                    .collect();
                Records::Owned(Box::new(all.into_iter()))
            }
            Opened::Host(Some(mapped)) => Records::Mapped(mapped),
            Opened::Host(None) => Records::Owned(Box::new(utmp::Reader::open(path)?)),
        })
    }

    fn of(entries: Vec<Entry>) -> Self {
        Records::Owned(Box::new(entries.into_iter().map(Ok)))
    }
}

/// Records streamed from a reader; the first error ends the stream and is
/// kept for the end.
struct Entries<I> {
    inner: I,
    error: Option<utmp::Error>,
}

impl<I> Entries<I> {
    fn new(inner: I) -> Self {
        Entries { inner, error: None }
    }

    fn finish(self) -> Outcome {
        match self.error {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

impl<I: Iterator<Item = utmp::Result<T>>, T> Iterator for Entries<I> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            match self.inner.next()? {
                Ok(e) => return Some(e),
                // `who` (through the C library) ignores a short last record.
                Err(e @ utmp::Error::TrailingBytes { .. }) => {
                    eprintln!("utmp: warning: {e}");
                }
                Err(e) => {
                    self.error = Some(e);
                    return None;
                }
            }
        }
    }
}

/// One row of `who --json`: what `who` adds (the source, the row's kind,
/// its time as the table shows it, `mesg` and `idle` where the options show
/// them, a logind session's own values), and the entry in the one JSON
/// representation of a record (`docs/json.md`).
#[derive(serde::Serialize)]
struct JsonRow<'a> {
    source: &'static str,
    kind: &'static str,
    #[serde(flatten)]
    entry: &'a Entry,
    time_text: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mesg: Option<char>,
    #[serde(skip_serializing_if = "Option::is_none")]
    idle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logind: Option<serde_json::Value>,
}

/// Writes `row` as one line of `who --json`.
fn write_json_row(
    out: &mut impl Write,
    row: &Row,
    source: Source,
    logind: Option<&Session>,
) -> io::Result<()> {
    let json = JsonRow {
        source: source.as_str(),
        kind: row.kind().as_str(),
        entry: row.entry(),
        time_text: String::from_utf8_lossy(row.time_text()),
        mesg: row.mesg().map(|m| m.as_char()),
        idle: row.idle().map(|i| i.text().trim().to_owned()),
        logind: logind.map(json_session),
    };
    serde_json::to_writer(&mut *out, &json).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// A logind session's own values, whole (the row's entry may hold them cut).
fn json_session(s: &Session) -> serde_json::Value {
    let text = |v: Option<&[u8]>| v.map(|v| String::from_utf8_lossy(v).into_owned());
    serde_json::json!({
        "id": s.id(),
        "uid": s.uid(),
        "user": text(s.user()),
        "tty": text(s.tty()),
        "seat": text(s.seat()),
        "display": text(s.display()),
        "remote_host": text(s.remote_host()),
        "remote_user": text(s.remote_user()),
        "service": text(s.service()),
        "type": text(s.session_type()),
        "class": text(s.class()),
        "state": text(s.state()),
        "active": s.active(),
        "remote": s.remote(),
        "leader": s.leader(),
        "start_time_us": s.start_time_micros(),
    })
}

/// Where the rows come from, once `--source` and FILE are resolved.
enum Input {
    /// utmp records: a file, the database, or what `current_sessions` read.
    Records(Records, Source),
    /// logind sessions.
    Logind(CurrentSessions),
}

impl Input {
    fn open(
        source: SourceArg,
        file: Option<&OsString>,
        no_mmap: bool,
        format: Option<FormatArg>,
    ) -> Result<Self, Failure> {
        Ok(match (source, file) {
            (SourceArg::Named(Source::Logind), Some(dir)) => {
                Input::Logind(CurrentSessions::from_logind(PathBuf::from(dir))?)
            }
            (SourceArg::Named(Source::Logind), None) => {
                Input::Logind(CurrentSessions::from_logind(utmp::logind::sessions_dir())?)
            }
            (SourceArg::Auto, None) => {
                let now = utmp::current_sessions()?;
                match now.source() {
                    Source::Logind => Input::Logind(now),
                    other => Input::Records(Records::of(now.into_entries()), other),
                }
            }
            (SourceArg::Named(Source::Utmp) | SourceArg::Auto, file) => {
                Input::Records(Records::open(file, no_mmap, format)?, Source::Utmp)
            }
            // The parser takes no other source; refused here too, not read as utmp.
            (SourceArg::Named(other), _) => {
                return Err(Failure::Usage(format!(
                    "--source {other}: not a source of current sessions"
                )))
            }
        })
    }
}

pub fn run(args: Args) -> Outcome {
    let file = match args.operands.as_slice() {
        [file] => Some(file),
        _ => None,
    };
    let input = Input::open(args.source, file, args.no_mmap, args.format)?;
    let mut who = args.who(file.is_none() && matches!(input, Input::Records(..)));
    let mut no_tty = false;
    if args.my_line || args.operands.len() == 2 {
        match my_line() {
            Some(line) => who = who.line_only(line),
            None => no_tty = true,
        }
    }
    let live = LiveSystem::new();
    let env: &dyn Environment = &live;
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match input {
        Input::Records(Records::Mapped(file), _)
            if !(args.json || args.count || no_tty)
                && file.record_count() >= 2 * chunks::CHUNK_RECORDS =>
        {
            let ended = write_chunked(&who, &file, &live, &mut out)?;
            out.flush()?;
            ended
        }
        Input::Records(Records::Mapped(file), source) => {
            let mut entries = Entries::new(file.entries());
            write_rows(&args, &who, no_tty, &mut out, &mut entries, env, source)?;
            out.flush()?;
            entries.finish()
        }
        Input::Records(Records::Owned(records), source) => {
            let mut entries = Entries::new(records);
            write_rows(&args, &who, no_tty, &mut out, &mut entries, env, source)?;
            out.flush()?;
            entries.finish()
        }
        Input::Logind(now) => {
            if args.json {
                if !no_tty {
                    for (session, entry) in now.logind_sessions().iter().zip(now.entries()) {
                        who.for_each_row(std::iter::once(entry), env, |row| {
                            write_json_row(&mut out, &row, Source::Logind, Some(session))
                        })?;
                    }
                }
            } else {
                for session in now.logind_sessions() {
                    let unfit = session.unfit_fields();
                    if !unfit.is_empty() {
                        eprintln!(
                            "utmp: warning: logind session {}: {} too long for a utmp record, \
                             shown cut (--json shows the whole values)",
                            session.id(),
                            unfit.join(", ")
                        );
                    }
                }
                write_rows(
                    &args,
                    &who,
                    no_tty,
                    &mut out,
                    now.entries(),
                    env,
                    Source::Logind,
                )?;
            }
            out.flush()?;
            logind_errors(now.errors())
        }
    }
}

/// The table (or JSON rows) of `who` over these entries.
fn write_rows<I, B, W>(
    args: &Args,
    who: &Who,
    no_tty: bool,
    out: &mut W,
    entries: I,
    env: &dyn Environment,
    source: Source,
) -> Outcome
where
    I: IntoIterator,
    I::Item: Borrow<Entry<B>>,
    B: Borrow<RecordBytes>,
    W: Write,
{
    if args.json {
        if !no_tty {
            who.for_each_row(entries, env, |row| write_json_row(out, &row, source, None))?;
        }
    } else if no_tty && !args.count {
        // `who -m` off a terminal: the heading (if asked) and nothing else.
        if args.heading {
            out.write_all(&who.heading_line())?;
        }
    } else {
        who.write(&mut *out, entries, env)?;
    }
    Ok(())
}

/// The table of `who` over a mapped file of several chunks, formatted on
/// worker threads (see [`chunks`]) and written in order: the heading first,
/// then each chunk's rows, all with the clock read once. What ends the
/// records is what ends a streamed pass: a short last record is a warning,
/// another error ends the table after the rows before it.
fn write_chunked(
    who: &Who,
    file: &MappedFile,
    env: &LiveSystem,
    out: &mut impl Write,
) -> io::Result<Outcome> {
    if who.shows_heading() {
        out.write_all(&who.heading_line())?;
    }
    let now = PassClock::read(env);
    let env = &SharedTerminals::new(env);
    let plan = chunks::Plan::new();
    let boots: Vec<_> = (0..plan.chunks(file)).map(|_| OnceLock::new()).collect();
    let mut ended = Ok(());
    let new = || WhoChunk {
        who,
        env,
        now,
        boots: Boots {
            file,
            plan,
            last: &boots,
        },
        text: Vec::new(),
        ended: None,
    };
    chunks::format_in_order(file, plan, new, out, |chunk| match chunk.ended.take() {
        None => true,
        Some(e @ utmp::Error::TrailingBytes { .. }) => {
            eprintln!("utmp: warning: {e}");
            true
        }
        Some(e) => {
            ended = Err(e.into());
            false
        }
    })?;
    Ok(ended)
}

/// The rows of `who` for one chunk of a mapped file.
struct WhoChunk<'a> {
    who: &'a Who,
    env: &'a SharedTerminals<'a>,
    now: PassClock,
    boots: Boots<'a>,
    text: Vec<u8>,
    /// The error that ended the chunk's records.
    ended: Option<utmp::Error>,
}

/// The live system, with the terminals' status remembered across the
/// chunks of one pass (each chunk's own cache starts empty; without this
/// one, every chunk would examine the same terminals again).
struct SharedTerminals<'a> {
    live: &'a LiveSystem,
    seen: Mutex<HashMap<PathBuf, Option<Terminal>>>,
}

/// At most this many terminals' status are remembered (then forgotten,
/// like the library's own cache, so memory stays bounded).
const TERMINALS_SHARED: usize = 4096;

impl<'a> SharedTerminals<'a> {
    fn new(live: &'a LiveSystem) -> Self {
        SharedTerminals {
            live,
            seen: Mutex::new(HashMap::new()),
        }
    }
}

impl Environment for SharedTerminals<'_> {
    fn now(&self) -> SystemTime {
        self.live.now()
    }

    fn boot_time(&self) -> Option<SystemTime> {
        self.live.boot_time()
    }

    fn user_uid(&self, user: &[u8]) -> Option<u32> {
        self.live.user_uid(user)
    }

    fn process_exists(&self, pid: i32) -> bool {
        self.live.process_exists(pid)
    }

    fn loginuid(&self, pid: i32) -> LoginUid {
        self.live.loginuid(pid)
    }

    fn terminal(&self, device: &Path) -> Option<Terminal> {
        // A worker that panicked holding it: the scope passes its panic on,
        // and what it held is still a cache of true answers.
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = seen.get(device) {
            return *known;
        }
        let status = self.live.terminal(device);
        if seen.len() >= TERMINALS_SHARED {
            seen.clear();
        }
        seen.insert(device.to_owned(), status);
        status
    }

    fn time_zone(&self) -> &utmp::sessions::TimeZone {
        self.live.time_zone()
    }
}

/// The last boot of each chunk, as the chunks are formatted: what a user's
/// idle time in a later chunk may depend on.
struct Boots<'a> {
    file: &'a MappedFile,
    /// How the file is cut.
    plan: chunks::Plan,
    /// Per chunk, once formatted: the time of its last `BOOT_TIME` entry.
    last: &'a [OnceLock<Option<i64>>],
}

impl Boots<'_> {
    /// The time of the last `BOOT_TIME` entry before chunk `k`: the chunks
    /// before it from the last, each as recorded when formatted, else (not
    /// yet formatted, on another thread) read backwards.
    fn before(&self, k: usize) -> Option<i64> {
        (0..k)
            .rev()
            .find_map(|j| match self.last.get(j).and_then(OnceLock::get) {
                Some(last) => *last,
                None => {
                    let size = self.plan.size();
                    let first = j.checked_mul(size)?;
                    let range = first..first.checked_add(size)?;
                    self.file.entries_range(range).rev().find_map(boot_seconds)
                }
            })
    }

    /// Records chunk `k`'s last boot.
    fn set(&self, k: usize, last: Option<i64>) {
        if let Some(slot) = self.last.get(k) {
            // Each chunk is formatted once: the slot is empty.
            let _ = slot.set(last);
        }
    }
}

/// The time of a `BOOT_TIME` record.
fn boot_seconds(record: utmp::Result<utmp::EntryRef<'_>>) -> Option<i64> {
    record
        .ok()
        .filter(|e| e.entry_type() == EntryType::BootTime)
        .map(|e| e.seconds())
}

impl Chunk for WhoChunk<'_> {
    fn format(&mut self, records: MappedEntries<'_>, first: usize) {
        self.text.clear();
        self.ended = None;
        let ended = &mut self.ended;
        let mut last_boot = None;
        let entries = records
            .map_while(|r| r.map_err(|e| *ended = Some(e)).ok())
            .inspect(|e| {
                if e.entry_type() == EntryType::BootTime {
                    last_boot = Some(e.seconds());
                }
            });
        let k = self.boots.plan.chunk_of(first);
        // Asked only when an idle time depends on it.
        let boot_before = || self.boots.before(k);
        self.who
            .write_part(&mut self.text, entries, self.env, self.now, boot_before);
        self.boots.set(k, last_boot);
    }

    fn text(&self) -> &[u8] {
        &self.text
    }
}

/// Session files that were listed but could not be read: one line each on
/// stderr, and exit status 1.
fn logind_errors(errors: &[utmp::Error]) -> Outcome {
    let Some((last, rest)) = errors.split_last() else {
        return Ok(());
    };
    for e in rest {
        eprintln!("utmp: {e}");
    }
    Err(Failure::Message(last.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_source_is_refused_not_read_as_utmp() {
        for source in [Source::Wtmp, Source::Wtmpdb] {
            let got = Input::open(SourceArg::Named(source), None, false, None);
            let refused = matches!(&got, Err(Failure::Usage(m))
                if *m == format!("--source {source}: not a source of current sessions"));
            assert!(refused, "{source}");
        }
    }
}
