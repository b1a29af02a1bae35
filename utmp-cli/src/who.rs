//! `utmp who`: who is logged in, in coreutils `who`'s layout.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use utmp::logind::Session;
use utmp::who::{Environment, Kind, LiveSystem, Row, TimeFormat, Who};
use utmp::{CurrentSessions, Entry, Source};

use crate::format_choice::{self, FormatArg, Source as Opened};
use crate::output::{Failure, Outcome};

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
    /// Where the sessions come from: `auto` (logind when it has sessions,
    /// else the utmp database), `utmp`, or `logind`. With FILE, `logind`
    /// reads FILE as a sessions folder like /run/systemd/sessions, the others
    /// as a utmp/wtmp file.
    #[arg(long, value_enum, default_value_t = SourceArg::Auto, value_name = "SOURCE")]
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

/// `--source`. History sources (`wtmp`, `wtmpdb`) are `utmp last`'s; a wtmp
/// file can still be given as FILE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SourceArg {
    /// logind when it has sessions, else the utmp database.
    Auto,
    /// The utmp database (or FILE).
    Utmp,
    /// systemd-logind's (elogind's) sessions (or the folder FILE).
    Logind,
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

/// The entries of FILE (the direct reader) or of the system database (the C
/// API), streamed; the first error ends the stream and is kept for the end.
struct Entries {
    inner: Box<dyn Iterator<Item = utmp::Result<Entry>>>,
    error: Option<utmp::Error>,
}

impl Entries {
    fn open(file: Option<&OsString>, format: Option<FormatArg>) -> Result<Self, Failure> {
        let inner: Box<dyn Iterator<Item = utmp::Result<Entry>>> = match file {
            Some(file) => {
                let path = PathBuf::from(file);
                // A file of another format is small (a utmp): decoded whole.
                match format_choice::open(&path, false, format)? {
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
                        Box::new(all.into_iter())
                    }
                    Opened::Host(_) => Box::new(utmp::Reader::open(path)?),
                }
            }
            None => Box::new(utmp::Database::open()?),
        };
        Ok(Entries { inner, error: None })
    }

    fn of(entries: Vec<Entry>) -> Self {
        Entries {
            inner: Box::new(entries.into_iter().map(Ok)),
            error: None,
        }
    }

    fn finish(self) -> Outcome {
        match self.error {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

impl Iterator for Entries {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
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

fn json_row(row: &Row, source: Source) -> serde_json::Value {
    let e = row.entry();
    let mut v = serde_json::json!({
        "source": source.as_str(),
        "kind": row.kind().as_str(),
        "type": e.entry_type().as_str(),
        "user": e.user_lossy(),
        "line": e.line_lossy(),
        "host": e.host_lossy(),
        "id": e.id_lossy(),
        "pid": e.pid(),
        "time": e.seconds(),
        "time_text": String::from_utf8_lossy(row.time_text()),
        "address": e.address().map(|a| a.to_string()),
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(m) = row.mesg() {
            obj.insert("mesg".into(), m.as_char().to_string().into());
        }
        if let Some(i) = row.idle() {
            obj.insert("idle".into(), i.text().trim().into());
        }
        if row.kind() == Kind::Dead {
            if let Some(s) = e.exit_status() {
                obj.insert(
                    "exit".into(),
                    serde_json::json!({"termination": s.termination, "exit": s.exit}),
                );
            }
        }
    }
    v
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
    Records(Entries, Source),
    /// logind sessions.
    Logind(CurrentSessions),
}

impl Input {
    fn open(
        source: SourceArg,
        file: Option<&OsString>,
        format: Option<FormatArg>,
    ) -> Result<Self, Failure> {
        Ok(match (source, file) {
            (SourceArg::Logind, Some(dir)) => {
                Input::Logind(CurrentSessions::from_logind(PathBuf::from(dir))?)
            }
            (SourceArg::Logind, None) => {
                Input::Logind(CurrentSessions::from_logind(utmp::logind::sessions_dir())?)
            }
            (SourceArg::Auto, None) => {
                let now = utmp::current_sessions()?;
                match now.source() {
                    Source::Logind => Input::Logind(now),
                    other => Input::Records(Entries::of(now.into_entries()), other),
                }
            }
            (SourceArg::Utmp | SourceArg::Auto, file) => {
                Input::Records(Entries::open(file, format)?, Source::Utmp)
            }
        })
    }
}

pub fn run(args: Args) -> Outcome {
    let file = match args.operands.as_slice() {
        [file] => Some(file),
        _ => None,
    };
    let input = Input::open(args.source, file, args.format)?;
    let mut who = args.who(file.is_none() && matches!(input, Input::Records(..)));
    let mut no_tty = false;
    if args.my_line || args.operands.len() == 2 {
        match my_line() {
            Some(line) => who = who.line_only(line),
            None => no_tty = true,
        }
    }
    let env: &dyn Environment = &LiveSystem::new();
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match input {
        Input::Records(mut entries, source) => {
            write_rows(&args, &who, no_tty, &mut out, &mut entries, env, source)?;
            out.flush()?;
            entries.finish()
        }
        Input::Logind(now) => {
            if args.json {
                if !no_tty {
                    for (session, entry) in now.logind_sessions().iter().zip(now.entries()) {
                        who.for_each_row(std::iter::once(entry), env, |row| {
                            let mut v = json_row(&row, Source::Logind);
                            if let Some(obj) = v.as_object_mut() {
                                obj.insert("logind".into(), json_session(session));
                            }
                            serde_json::to_writer(&mut out, &v).map_err(io::Error::from)?;
                            out.write_all(b"\n")
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
fn write_rows<I, W>(
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
    I::Item: std::borrow::Borrow<Entry>,
    W: Write,
{
    if args.json {
        if !no_tty {
            who.for_each_row(entries, env, |row| {
                serde_json::to_writer(&mut *out, &json_row(&row, source))
                    .map_err(io::Error::from)?;
                out.write_all(b"\n")
            })?;
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
