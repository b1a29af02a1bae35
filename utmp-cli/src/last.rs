//! `utmp last`: logins and logouts, newest first, like util-linux `last`
//! (and `lastb` with `--bad`).

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use utmp::sessions::{
    begins, parse_time, HostColumn, LastFormat, LiveSystem, Pairing, ReverseReader, SessionFilter,
    SystemState, TimeFormat, TimeZone,
};

use utmp::EntryRef;

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
    /// Show each login, logout, boot and failed login (--bad) from now on,
    /// one line each, as it is written (through log rotation); Ctrl-C ends.
    #[arg(long, conflicts_with_all = ["limit", "since", "until", "present"])]
    follow: bool,
    /// With --follow: look at the file every SECONDS instead of being told
    /// by the kernel (inotify), e.g. on NFS.
    #[arg(long, value_name = "SECONDS", requires = "follow", value_parser = crate::follow::parse_interval)]
    poll: Option<std::time::Duration>,
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

    if args.follow {
        return follow(&args, files, format, filter, limit);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buf = Vec::with_capacity(1 << 16);
    let mut shown = 0usize;
    for path in &files {
        let mapped = crate::input::mapped(path, args.no_mmap)?;
        let first = begins(path)?;
        let mut pairing = Pairing::new(&state).btmp(args.bad);
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
        match mapped {
            Some(file) => {
                for entry in file.entries().rev() {
                    if !one(entry)? {
                        break;
                    }
                }
            }
            None => {
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

/// `--follow`: one file, from now on (`crate::follow::last`).
fn follow(
    args: &Args,
    files: Vec<PathBuf>,
    format: LastFormat,
    filter: SessionFilter,
    limit: Option<usize>,
) -> Outcome {
    let [path] = &files[..] else {
        return Err(Failure::Message("--follow follows one file".into()));
    };
    if limit.is_some() {
        return Err(Failure::Message(
            "--follow shows no limited number of lines".into(),
        ));
    }
    let how = crate::follow::LastFollow {
        bad: args.bad,
        json: args.json,
        system: args.system,
        format,
        filter,
        tabs: args.tabs,
        poll: args.poll,
    };
    crate::follow::last(path, how)
}
