//! `utmp who`: who is logged in, in coreutils `who`'s layout.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use utmp::who::{Environment, Kind, Row, SystemEnvironment, TimeFormat, Who};
use utmp::Entry;

use crate::format_choice::{self, FormatArg, Source};
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
    fn who(&self) -> Who {
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
            (self.operands.len() != 1, Who::check_pids),
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
                    Source::Foreign(f, data) => {
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
                    Source::Host(_) => Box::new(utmp::Reader::open(path)?),
                }
            }
            None => Box::new(utmp::Database::open()?),
        };
        Ok(Entries { inner, error: None })
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

fn json_row(row: &Row) -> serde_json::Value {
    let e = row.entry();
    let mut v = serde_json::json!({
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

pub fn run(args: Args) -> Outcome {
    let file = match args.operands.as_slice() {
        [file] => Some(file),
        _ => None,
    };
    let mut who = args.who();
    let mut no_tty = false;
    if args.my_line || args.operands.len() == 2 {
        match my_line() {
            Some(line) => who = who.line_only(line),
            None => no_tty = true,
        }
    }
    let mut entries = Entries::open(file, args.format)?;
    let env: &dyn Environment = &SystemEnvironment::new();
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    if args.json {
        if !no_tty {
            who.for_each_row(&mut entries, env, |row| {
                serde_json::to_writer(&mut out, &json_row(&row)).map_err(io::Error::from)?;
                out.write_all(b"\n")
            })?;
        }
    } else if no_tty && !args.count {
        // `who -m` off a terminal: the heading (if asked) and nothing else.
        if args.heading {
            out.write_all(&who.heading_line())?;
        }
    } else {
        who.write(&mut out, &mut entries, env)?;
    }
    out.flush()?;
    entries.finish()
}
