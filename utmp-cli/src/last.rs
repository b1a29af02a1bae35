//! `utmp last`: logins and logouts, newest first, like util-linux `last`
//! (and `lastb` with `--bad`).

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use utmp::sessions::{
    begins, parse_time, HostColumn, LastFormat, LiveSystem, LoginUid, Pairing, ReverseReader,
    SessionFilter, SystemState, TimeFormat, TimeZone,
};

use utmp::EntryRef;

use crate::format_choice::{self, FormatArg, Source};
use crate::output::{Failure, Outcome};

/// Arguments of `utmp last`.
#[derive(Debug, clap::Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Times (-s, -t, -p): YYYY-MM-DD HH:MM[:SS], YYYY-MM-DD, HH:MM[:SS], \
                  @EPOCH, now, today, yesterday, tomorrow, +5min, -5days, '2 hours ago'.\n\
                  -NUM works like -n NUM."
)]
pub struct Args {
    /// Read FILE instead of the wtmp file (or btmp with --bad); repeatable.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Show at most N lines.
    #[arg(short = 'n', long = "limit", value_name = "N")]
    limit: Option<usize>,
    /// Show shutdowns, runlevel and clock changes too.
    #[arg(short = 'x', long = "system")]
    system: bool,
    /// Show user and host names whole.
    #[arg(short = 'w', long = "fullnames")]
    full_names: bool,
    /// Show the recorded IP address instead of the host name (0.0.0.0 when none).
    #[arg(short = 'i', long = "ip")]
    ip: bool,
    /// Accepted for compatibility; no DNS lookups are made: hosts are shown as recorded.
    #[arg(short = 'd', long = "dns")]
    dns: bool,
    /// Do not show the host column.
    #[arg(short = 'R', long = "nohostname")]
    no_host: bool,
    /// Show the host in the last column.
    #[arg(short = 'a', long = "hostlast")]
    host_last: bool,
    /// Full login and logout times and dates (--time-format full).
    #[arg(short = 'F', long = "fulltimes", conflicts_with = "time_format")]
    full_times: bool,
    /// How to show times: notime, short, full or iso.
    #[arg(long = "time-format", value_name = "FORMAT")]
    time_format: Option<TimeFormat>,
    /// Only records at or after this time (pairing sees only those).
    #[arg(short = 's', long = "since", value_name = "TIME")]
    since: Option<String>,
    /// Only records at or before this time (pairing sees only those).
    #[arg(short = 't', long = "until", value_name = "TIME")]
    until: Option<String>,
    /// Only sessions that were on at this time.
    #[arg(short = 'p', long = "present", value_name = "TIME")]
    present: Option<String>,
    /// Separate columns with tabs.
    #[arg(short = 'T', long = "tab-separated")]
    tabs: bool,
    /// Failed logins (btmp, like lastb): every record, no pairing.
    #[arg(long = "bad")]
    bad: bool,
    /// One JSON object per session per line (no footer).
    #[arg(long = "json")]
    json: bool,
    /// Read files with read(2) instead of mapping them into memory (slower;
    /// safe against a file truncated while it is read).
    #[arg(long = "no-mmap")]
    no_mmap: bool,
    /// The files' record format (`glibc-384-be`, `openbsd-utmp-le`, ...), or
    /// `auto` to detect it [default: this host's, or the detected one when a
    /// file is clearly another's].
    #[arg(long = "format", value_name = "FORMAT|auto")]
    format: Option<FormatArg>,
    /// Only these users or terminals (`pts/0`, or `1` for tty1); -NUM: a limit.
    #[arg(value_name = "USER|TTY")]
    names: Vec<String>,
}

/// The locale's character set is UTF-8 (the first of `LC_ALL`, `LC_CTYPE`,
/// `LANG` that is set decides).
fn utf8_locale() -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("utf-8") || l.contains("utf8")
        })
}

fn unix(secs: i64) -> SystemTime {
    match u64::try_from(secs) {
        Ok(s) => UNIX_EPOCH + Duration::from_secs(s),
        Err(_) => UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()),
    }
}

/// The machine a file of another format came from, as far as this one can
/// tell: nothing. Its open logins show as `still logged in` (what its own
/// `last` showed when the file was copied), never as gone because of this
/// machine's boot time or processes.
struct OtherMachine(SystemTime);

impl SystemState for OtherMachine {
    fn now(&self) -> SystemTime {
        self.0
    }

    fn boot_time(&self) -> Option<SystemTime> {
        None
    }

    fn user_uid(&self, _user: &[u8]) -> Option<u32> {
        Some(0)
    }

    fn loginuid(&self, _pid: i32) -> LoginUid {
        // Unset: util-linux's test then keeps the login open.
        LoginUid::Uid(u32::MAX)
    }

    fn tty_owner(&self, _line: &[u8]) -> Option<u32> {
        None
    }
}

pub fn run(args: Args) -> Outcome {
    let tz = TimeZone::from_env();
    let state = LiveSystem;
    let now = state
        .now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let time = |s: &Option<String>| -> Result<Option<SystemTime>, Failure> {
        s.as_deref()
            .map(|s| parse_time(s, now, &tz).map(unix))
            .transpose()
            .map_err(|e| Failure::Message(e.to_string()))
    };
    let (since, until, present) = (time(&args.since)?, time(&args.until)?, time(&args.present)?);

    let mut limit = args.limit;
    let mut filter = SessionFilter::new();
    for name in &args.names {
        match name.strip_prefix('-') {
            Some(n) if !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => {
                limit =
                    Some(n.parse().map_err(|_| {
                        Failure::Message(format!("failed to parse number: {name}"))
                    })?);
            }
            _ => filter = filter.name(name.as_bytes()),
        }
    }
    if let Some(p) = present {
        filter = filter.present(p);
    }
    // util-linux: a limit of 0 means no limit.
    let limit = limit.filter(|&n| n > 0);

    let time_format = if args.full_times {
        TimeFormat::Full
    } else {
        args.time_format.unwrap_or_default()
    };
    let host = if args.no_host {
        HostColumn::Hidden
    } else if args.host_last {
        HostColumn::Last
    } else {
        HostColumn::Third
    };
    let _ = args.dns;
    let mut format = LastFormat::new(tz.clone())
        .time_format(time_format)
        .host_column(host)
        .full_names(args.full_names)
        .numeric_address(args.ip)
        .separator(if args.tabs { b'\t' } else { b' ' })
        .utf8(utf8_locale());

    let files = if args.files.is_empty() {
        vec![if args.bad {
            utmp::btmp_path().to_owned()
        } else {
            utmp::wtmp_path().to_owned()
        }]
    } else {
        args.files.clone()
    };

    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buf = Vec::with_capacity(1 << 16);
    let mut shown = 0usize;
    for path in &files {
        let source = format_choice::open(path, args.no_mmap, args.format)?;
        let first = match &source {
            Source::Foreign(f, data) => match data.entries(*f).flatten().next() {
                Some(e) => unix(e.seconds()),
                None => begins(path)?,
            },
            Source::Host(_) => begins(path)?,
        };
        // A file of another format comes from another machine: this one's
        // boot time and processes say nothing about its open logins.
        let other = OtherMachine(state.now());
        let live: &dyn SystemState = &state;
        let which: &dyn SystemState = match &source {
            Source::Foreign(..) => &other,
            Source::Host(_) => live,
        };
        let mut pairing = Pairing::new(which).btmp(args.bad);
        if let Some(t) = since {
            pairing = pairing.since(t);
        }
        if let Some(t) = until {
            pairing = pairing.until(t);
        }
        // One record, newest first; `false` once the limit is reached.
        let mut one = |entry: utmp::Result<EntryRef<'_>>| -> Result<bool, Failure> {
            if limit.is_some_and(|n| shown >= n) {
                return Ok(false);
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e @ utmp::Error::TrailingBytes { .. }) => {
                    eprintln!("utmp: warning: {e} (ignored)");
                    return Ok(true);
                }
                Err(e @ utmp::Error::Unrepresentable { .. }) => {
                    eprintln!("utmp: warning: {e} (record left out)");
                    return Ok(true);
                }
                Err(e) => return Err(e.into()),
            };
            let Some(session) = pairing.push(entry) else {
                return Ok(true);
            };
            if (session.kind().is_system() && !args.system) || !filter.matches(&session) {
                return Ok(true);
            }
            if args.json {
                serde_json::to_writer(&mut buf, &session).map_err(io::Error::from)?;
                buf.push(b'\n');
            } else {
                format.write_session(&session, &mut buf);
            }
            shown += 1;
            if buf.len() >= 1 << 16 {
                out.write_all(&buf)?;
                buf.clear();
            }
            Ok(true)
        };
        match source {
            Source::Host(Some(file)) => {
                for entry in file.entries().rev() {
                    if !one(entry)? {
                        break;
                    }
                }
            }
            Source::Foreign(f, data) => {
                for item in data.entries(f).rev() {
                    let go = match item {
                        Ok(e) => one(Ok(e.as_entry_ref()))?,
                        Err(e) => one(Err(e))?,
                    };
                    if !go {
                        break;
                    }
                }
            }
            Source::Host(None) => {
                let mut reader = ReverseReader::open(path)?;
                while let Some(entry) = reader.next_ref() {
                    if !one(entry)? {
                        break;
                    }
                }
            }
        }
        if !args.json {
            format.write_footer(path, first, &mut buf);
        }
    }
    out.write_all(&buf)?;
    out.flush()?;
    Ok(())
}
