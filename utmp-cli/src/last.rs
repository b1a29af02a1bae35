//! `utmp last`: logins and logouts, newest first, like util-linux `last`
//! (and `lastb` with `--bad`) on wtmp files, like `wtmpdb last` on wtmpdb
//! databases.
//!
//! Which file: `--source auto` (the default) reads the wtmpdb database when
//! one exists (`/var/lib/wtmpdb/wtmp.db`, then `/var/log/wtmp.db`), else
//! wtmp; `-f FILE` is read as a wtmpdb database when it starts with SQLite's
//! header, else as records. `--source wtmpdb|wtmp|utmp` names the kind (and,
//! without `-f`, its default file); `--source logind` is a usage error:
//! logind keeps current sessions only, no history.

use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use utmp::environment::{Environment, LiveSystem, LoginUid};
use utmp::layouts::last::{begins, HostColumn, LastFormat, TimeFormat};
use utmp::sessions::{
    parse_time, ChunkPairing, Paired, Pairing, ReverseReader, Session, SessionFilter, TimeZone,
};
use utmp::{HistoryFile, MappedEntries, MappedFile, Source};

use crate::chunks::{self, Chunk, Order, Plan};

use crate::format_choice::{self, FormatArg, Source as Opened};
use crate::output::{Failure, Outcome};
use crate::source_choice::{self, SourceArg};

/// Arguments of `utmp last`.
#[derive(Debug, clap::Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Times (-s, -t, -p): YYYY-MM-DD HH:MM[:SS], YYYY-MM-DD, HH:MM[:SS], \
                  @EPOCH, now, today, yesterday, tomorrow, +5min, -5days, '2 hours ago'.\n\
                  -NUM works like -n NUM."
)]
pub struct Args {
    /// Read FILE instead of the default (a wtmpdb database when it starts
    /// with SQLite's header, else records); repeatable.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Where the history comes from: auto (wtmpdb when its database exists,
    /// else wtmp), wtmpdb, wtmp, utmp (the utmp file read as records);
    /// logind keeps no history.
    #[arg(long = "source", value_name = "SOURCE", default_value = "auto", value_parser = source_choice::parser(None, &[
        (Source::Utmp, None),
        (Source::Wtmp, None),
        (Source::Wtmpdb, None),
        (Source::Logind, None),
    ]))]
    source: SourceArg,
    /// wtmpdb: show the PAM service column.
    #[arg(short = 'S', long = "service")]
    service: bool,
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
    /// Full login and logout times and dates (--time-format full; of -F and
    /// --time-format, the later one wins).
    #[arg(short = 'F', long = "fulltimes")]
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
    /// JSON: wtmpdb's document on a wtmpdb database, else one object per
    /// session per line (no footer).
    #[arg(short = 'j', long = "json")]
    json: bool,
    /// Read files with read(2) instead of mapping them into memory. A
    /// regular file up to 1 GiB is mapped by default (faster), trusting that
    /// nobody truncates or rewrites it meanwhile: a file truncated while
    /// mapped ends the process (SIGBUS), except when the size check made
    /// every 512 records sees it first. With --no-mmap that cannot happen.
    /// Without -n, a mapped file of more than 16384 records is paired on
    /// one thread per CPU (up to 8), newest part first; a read one on one
    /// thread.
    #[arg(long = "no-mmap")]
    no_mmap: bool,
    /// The files' record format (`glibc-384-be`, `openbsd-utmp-le`, ...), or
    /// `auto` to detect it [default: this host's, or the detected one when a
    /// file is clearly another's].
    #[arg(long = "format", value_name = "FORMAT|auto")]
    format: Option<FormatArg>,
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

/// The files to read and how, by `--source` and `-f`.
fn history_files(args: &Args) -> Result<Vec<HistoryFile>, Failure> {
    if args.source == SourceArg::Named(Source::Logind) {
        return Err(Failure::Usage(
            "--source logind: logind keeps current sessions only, no login history \
             (use --source wtmpdb or wtmp)"
                .into(),
        ));
    }
    let records = |path: &Path| HistoryFile::new(Source::Wtmp, path);
    if !args.files.is_empty() {
        return args
            .files
            .iter()
            .map(|f| match args.source {
                SourceArg::Auto => match HistoryFile::detect(f) {
                    Ok(h) => Ok(h),
                    // The reader reports what is wrong with the file.
                    Err(_) => Ok(records(f)),
                },
                SourceArg::Named(Source::Wtmpdb) => Ok(HistoryFile::new(Source::Wtmpdb, f)),
                _ => Ok(records(f)),
            })
            .collect();
    }
    Ok(vec![match args.source {
        _ if args.bad && args.source != SourceArg::Named(Source::Wtmpdb) => {
            records(utmp::btmp_path())
        }
        SourceArg::Named(Source::Utmp) => records(utmp::utmp_path()),
        SourceArg::Named(Source::Wtmp) => records(utmp::wtmp_path()),
        #[cfg(target_os = "linux")]
        SourceArg::Named(Source::Wtmpdb) => HistoryFile::new(
            Source::Wtmpdb,
            utmp::wtmpdb::default_path().unwrap_or(Path::new(utmp::wtmpdb::DEFAULT_PATHS[0])),
        ),
        _ => utmp::login_history(),
    }])
}

/// The options for a wtmpdb database; usage errors for what it cannot do.
#[cfg(target_os = "linux")]
fn args_for_wtmpdb(
    args: &Args,
    files: &[HistoryFile],
    since: Option<SystemTime>,
    until: Option<SystemTime>,
    present: Option<SystemTime>,
    limit: Option<usize>,
) -> Result<crate::wtmpdb_last::Options, Failure> {
    let refuse = |what: &str| {
        Failure::Usage(format!(
            "{what} does not apply to a wtmpdb database (use --source wtmp for wtmp files)"
        ))
    };
    if args.bad {
        return Err(refuse("--bad (wtmpdb keeps no failed logins)"));
    }
    if args.tabs {
        return Err(refuse("-T"));
    }
    if args.no_host && args.host_last {
        return Err(Failure::Usage(
            "The options -a and -R cannot be used together.".into(),
        ));
    }
    if files.iter().any(|f| f.source() != Source::Wtmpdb) {
        return Err(Failure::Usage(
            "wtmpdb databases and wtmp files cannot be read in one run".into(),
        ));
    }
    let mut selection = utmp::wtmpdb::Selection::new()
        .system(args.system)
        .limit(limit.map_or(0, |n| u64::try_from(n).unwrap_or(u64::MAX)));
    if let Some(t) = since {
        selection = selection.since(t);
    }
    if let Some(t) = until {
        selection = selection.until(t);
    }
    if let Some(t) = present {
        selection = selection.present(t);
    }
    for name in args.names.iter().filter(|n| !is_count(n)) {
        selection = selection.name(name.as_bytes());
    }
    Ok(crate::wtmpdb_last::Options {
        files: files
            .iter()
            .map(|f| {
                let name = if args.files.is_empty() {
                    b"wtmpdb".to_vec()
                } else {
                    f.path().as_os_str().as_bytes().to_vec()
                };
                (f.path().to_owned(), name)
            })
            .collect(),
        selection,
        time_format: args.time_format,
        full_times: args.full_times && full_times_win(std::env::args_os()),
        host: host_column(args),
        full_names: args.full_names,
        service: args.service,
        json: args.json,
    })
}

/// Whether `-F` comes after the last `--time-format` in the command line
/// (util-linux `last` and wtmpdb apply their options in order: the later
/// one wins).
fn full_times_win(argv: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let (mut full, mut format) = (None, None);
    for (i, arg) in argv.enumerate() {
        let arg = arg.as_bytes();
        if arg == b"--" {
            break;
        } else if arg == b"--fulltimes" {
            full = Some(i);
        } else if arg.starts_with(b"--time-format") {
            format = Some(i);
        } else if let Some(cluster) = arg.strip_prefix(b"-").filter(|c| !c.starts_with(b"-")) {
            // Short options; one that takes a value ends the cluster.
            for c in cluster {
                match c {
                    b'F' => full = Some(i),
                    b'f' | b'n' | b's' | b't' | b'p' => break,
                    _ => {}
                }
            }
        }
    }
    full > format
}

/// `-NUM`: a limit, not a name.
fn is_count(name: &str) -> bool {
    name.strip_prefix('-')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
}

/// The machine a file of another format came from, as far as this one can
/// tell: nothing. Its open logins show as `still logged in` (what its own
/// `last` showed when the file was copied), never as gone because of this
/// machine's boot time or processes.
struct OtherMachine(SystemTime, utmp::sessions::TimeZone);

impl Environment for OtherMachine {
    fn now(&self) -> SystemTime {
        self.0
    }

    fn boot_time(&self) -> Option<SystemTime> {
        None
    }

    fn user_uid(&self, _user: &[u8]) -> Option<u32> {
        Some(0)
    }

    fn process_exists(&self, _pid: i32) -> bool {
        true
    }

    fn loginuid(&self, _pid: i32) -> LoginUid {
        // Unset: util-linux's test then keeps the login open.
        LoginUid::Uid(u32::MAX)
    }

    fn terminal(&self, _device: &Path) -> Option<utmp::environment::Terminal> {
        None
    }

    fn time_zone(&self) -> &utmp::sessions::TimeZone {
        // Not asked by `last` (its zone is the LastFormat's).
        &self.1
    }
}

/// What `last` selects: the time window the pairing sees, the sessions
/// shown, and how many.
struct Selection {
    since: Option<SystemTime>,
    until: Option<SystemTime>,
    present: Option<SystemTime>,
    limit: Option<usize>,
    filter: SessionFilter,
}

/// `-s`, `-t`, `-p`, `-n` and the names (`-NUM` is a limit).
fn selection(args: &Args, tz: &TimeZone) -> Result<Selection, Failure> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let time = |s: &Option<String>| -> Result<Option<SystemTime>, Failure> {
        s.as_deref()
            .map(|s| parse_time(s, now, tz).map(unix))
            .transpose()
            .map_err(|e| Failure::Message(e.to_string()))
    };
    let (since, until, present) = (time(&args.since)?, time(&args.until)?, time(&args.present)?);
    let mut limit = args.limit;
    let mut filter = SessionFilter::new();
    for name in &args.names {
        match name.strip_prefix('-') {
            Some(n) if is_count(name) => {
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
    Ok(Selection {
        since,
        until,
        present,
        // util-linux: a limit of 0 means no limit.
        limit: limit.filter(|&n| n > 0),
        filter,
    })
}

/// `-R` and `-a`.
fn host_column(args: &Args) -> HostColumn {
    if args.no_host {
        HostColumn::Hidden
    } else if args.host_last {
        HostColumn::Last
    } else {
        HostColumn::Third
    }
}

/// How sessions are printed (`-F`, `--time-format`, `-R`, `-a`, `-w`, `-i`, `-T`).
fn last_format(args: &Args, tz: TimeZone) -> LastFormat {
    let time_format = if args.full_times && full_times_win(std::env::args_os()) {
        TimeFormat::Full
    } else {
        args.time_format.unwrap_or_default()
    };
    let _ = args.dns;
    LastFormat::new(tz)
        .time_format(time_format)
        .host_column(host_column(args))
        .full_names(args.full_names)
        .numeric_address(args.ip)
        .separator(if args.tabs { b'\t' } else { b' ' })
        .utf8(utf8_locale())
}

/// wtmpdb databases: `wtmpdb last`'s way (Linux only).
fn run_wtmpdb(args: &Args, files: &[HistoryFile], sel: &Selection) -> Outcome {
    #[cfg(target_os = "linux")]
    {
        let options = args_for_wtmpdb(args, files, sel.since, sel.until, sel.present, sel.limit)?;
        if args.follow {
            return crate::wtmpdb_last::follow(&options, args.poll);
        }
        crate::wtmpdb_last::run(&options)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (args, files, sel.present);
        Err(Failure::Usage(
            "wtmpdb databases are read on Linux only".into(),
        ))
    }
}

pub fn run(args: Args) -> Outcome {
    let tz = TimeZone::from_env();
    let sel = selection(&args, &tz)?;
    let format = last_format(&args, tz);
    let files = history_files(&args)?;
    if files.iter().any(|f| f.source() == Source::Wtmpdb) {
        return run_wtmpdb(&args, &files, &sel);
    }
    if args.service {
        return Err(Failure::Usage(
            "--service needs a wtmpdb database (wtmp records have no service)".into(),
        ));
    }
    let files: Vec<PathBuf> = files.iter().map(|f| f.path().to_owned()).collect();
    if args.follow {
        return follow(&args, files, format, sel.filter, sel.limit);
    }
    let stdout = io::stdout();
    let mut printer = Printer::new(&args, format, sel.filter, sel.limit, stdout.lock());
    for path in &files {
        printer.file(path, sel.since, sel.until)?;
    }
    printer.finish()
}

/// Records per chunk of the chunked pass: 6 MiB of glibc records. Fewer
/// chunks than `dump`'s (each has a few records pending for the writer,
/// and its own line table to merge): measured on the 1M-record bench file,
/// 4096 took 134 ms of CPU, 16384 123 ms, with a peak RSS of 29 MB (the
/// one-thread pass keeps the whole mapping: 380 MB).
const CHUNK_RECORDS: usize = 16384;

/// Which sessions are shown, and how: `-x`, the names and `--present`,
/// `--json`.
#[derive(Debug, Clone)]
struct Show {
    system: bool,
    json: bool,
    filter: SessionFilter,
}

impl Show {
    /// Writes `session` to `buf` when it is shown; whether it was.
    fn write<B: std::borrow::Borrow<utmp::RecordBytes>>(
        &self,
        session: &Session<B>,
        format: &mut LastFormat,
        buf: &mut Vec<u8>,
    ) -> io::Result<bool> {
        if (session.kind().is_system() && !self.system) || !self.filter.matches(session) {
            return Ok(false);
        }
        if self.json {
            serde_json::to_writer(&mut *buf, session).map_err(io::Error::from)?;
            buf.push(b'\n');
        } else {
            format.write_session(session, buf);
        }
        Ok(true)
    }
}

/// Prints sessions as they come, newest first, for every file in turn.
struct Printer<'a, W> {
    args: &'a Args,
    format: LastFormat,
    show: Show,
    limit: Option<usize>,
    /// How a mapped file is cut for the workers (see [`Printer::chunked`]);
    /// `None`: on this thread only.
    plan: Option<Plan>,
    /// Lines shown so far (of all files).
    shown: usize,
    buf: Vec<u8>,
    out: W,
}

impl<'a, W: Write> Printer<'a, W> {
    fn new(
        args: &'a Args,
        format: LastFormat,
        filter: SessionFilter,
        limit: Option<usize>,
        out: W,
    ) -> Self {
        Printer {
            args,
            format,
            show: Show {
                system: args.system,
                json: args.json,
                filter,
            },
            limit,
            plan: Some(Plan {
                chunk_records: CHUNK_RECORDS,
                ..Plan::new()
            }),
            shown: 0,
            buf: Vec::with_capacity(1 << 16),
            out,
        }
    }

    /// Writes what is left and flushes.
    fn finish(mut self) -> Outcome {
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(())
    }

    /// One file: its sessions, then its footer.
    fn file(
        &mut self,
        path: &Path,
        since: Option<SystemTime>,
        until: Option<SystemTime>,
    ) -> Outcome {
        // FreeBSD's logs go through its C library (see input::host_records).
        let host_records = crate::input::host_records(path)?;
        let opened = match host_records {
            Some(_) => Opened::Host(None),
            None => format_choice::open(path, self.args.no_mmap, self.args.format)?,
        };
        let first = match (host_records.as_ref().and_then(|r| r.first()), &opened) {
            (Some(e), _) => unix(e.seconds()),
            (None, Opened::Foreign(f, data)) => match data.entries(*f).flatten().next() {
                Some(e) => unix(e.seconds()),
                None => begins(path)?,
            },
            (None, Opened::Host(_)) => begins(path)?,
        };
        // A file of another format comes from another machine: this one's
        // boot time and processes say nothing about its open logins.
        let (live, other) = (
            LiveSystem::new(),
            OtherMachine(SystemTime::now(), utmp::sessions::TimeZone::utc()),
        );
        let which: &dyn Environment = match &opened {
            Opened::Foreign(..) => &other,
            Opened::Host(_) => &live,
        };
        let mut pairing = Pairing::new(which).btmp(self.args.bad);
        if let Some(t) = since {
            pairing = pairing.since(t);
        }
        if let Some(t) = until {
            pairing = pairing.until(t);
        }
        let pairing = &mut pairing;
        match (host_records, opened) {
            (Some(records), _) => {
                self.newest_first(pairing, records.iter().rev().map(|e| Ok(e.as_entry_ref())))?;
            }
            (None, Opened::Host(Some(file))) => match self.plan_for(&file) {
                Some(plan) => self.chunked(pairing, &file, plan)?,
                None => self.newest_first(pairing, file.entries().rev())?,
            },
            (None, Opened::Foreign(f, data)) => {
                self.newest_first(pairing, data.entries(f).rev())?
            }
            (None, Opened::Host(None)) => {
                let mut reader = ReverseReader::open(path)?;
                while let Some(entry) = reader.next_ref() {
                    if !self.record(pairing, entry)? {
                        break;
                    }
                }
            }
        }
        if !self.args.json {
            self.format.write_footer(path, first, &mut self.buf);
        }
        Ok(())
    }

    /// Feeds `records` (newest first) to [`Printer::record`] until it says stop.
    fn newest_first<B: std::borrow::Borrow<utmp::RecordBytes>>(
        &mut self,
        pairing: &mut Pairing<&dyn Environment>,
        records: impl Iterator<Item = utmp::Result<utmp::Entry<B>>>,
    ) -> Outcome {
        for entry in records {
            if !self.record(pairing, entry)? {
                break;
            }
        }
        Ok(())
    }

    /// One record, newest first; `false` once the limit is reached.
    fn record<B: std::borrow::Borrow<utmp::RecordBytes>>(
        &mut self,
        pairing: &mut Pairing<&dyn Environment>,
        entry: utmp::Result<utmp::Entry<B>>,
    ) -> Result<bool, Failure> {
        if self.limit.is_some_and(|n| self.shown >= n) {
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
        if !self.show.write(&session, &mut self.format, &mut self.buf)? {
            return Ok(true);
        }
        self.shown += 1;
        if self.buf.len() >= 1 << 16 {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(true)
    }
}

impl<W: Write> Printer<'_, W> {
    /// The plan for a mapped file, when it is paired on several threads:
    /// two CPUs or more, two chunks or more, and no limit (`-n 1` reads
    /// only the newest records).
    fn plan_for(&self, file: &MappedFile) -> Option<Plan> {
        self.plan.filter(|p| {
            self.limit.is_none() && p.workers >= 2 && file.record_count() >= 2 * p.size()
        })
    }

    /// A mapped file in chunks, newest first: the workers pair each chunk
    /// on its own (`utmp::sessions::ChunkPairing`) and write the sessions
    /// that do not depend on the newer chunks; this thread pairs the
    /// others (pending) with the true pairing, in their places.
    fn chunked(
        &mut self,
        pairing: &mut Pairing<&dyn Environment>,
        file: &MappedFile,
        plan: Plan,
    ) -> Outcome {
        let template = pairing.chunk_pairing();
        let (format, show) = (self.format.clone(), self.show.clone());
        let new = || LastChunk {
            pairing: template.fresh(),
            format: format.clone(),
            show: show.clone(),
            text: Vec::new(),
            pending: Vec::new(),
            first: 0,
            failed: false,
        };
        let mut failure = None;
        chunks::run_in_order(file, plan, Order::NewestFirst, new, |chunk| {
            match self.chunk(pairing, file, plan, chunk) {
                Ok(()) => Ok(true),
                Err(Failure::Io(e)) => Err(e),
                Err(f) => {
                    failure = Some(f);
                    Ok(false)
                }
            }
        })?;
        failure.map_or(Ok(()), Err)
    }

    /// One chunk from a worker: its text, its pending records paired here
    /// in their places; or, when the chunk could not be paired alone, all
    /// of it here.
    fn chunk(
        &mut self,
        pairing: &mut Pairing<&dyn Environment>,
        file: &MappedFile,
        plan: Plan,
        chunk: &mut LastChunk,
    ) -> Outcome {
        let range = plan.records_from(file, chunk.first);
        if !chunk.resumable() {
            self.newest_first(pairing, file.entries_range(range.clone()).rev())?;
            file.release(range);
            return Ok(());
        }
        let mut written = 0;
        for &(at, nth) in &chunk.pending {
            self.text(chunk.text.get(written..at).unwrap_or_default())?;
            written = at;
            // The nth record from the chunk's end: the worker read it whole.
            debug_assert!(nth < range.len(), "pending record {nth} lies in {range:?}");
            let index = range.end.saturating_sub(nth.saturating_add(1));
            if let Some(entry) = file.entries_range(index..index.saturating_add(1)).next() {
                self.record(pairing, entry)?;
            }
        }
        self.text(chunk.text.get(written..).unwrap_or_default())?;
        let resumed = pairing.resume(&mut chunk.pairing);
        debug_assert!(resumed, "a resumable chunk resumes");
        Ok(())
    }

    /// Done sessions' text: copied after the pending ones when short,
    /// written as it is when long.
    fn text(&mut self, text: &[u8]) -> io::Result<()> {
        if text.len() < 1 << 13 {
            self.buf.extend_from_slice(text);
        } else {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
            self.out.write_all(text)?;
        }
        Ok(())
    }
}

/// One chunk of `last`'s chunked pass: the text of its done sessions, and
/// where the pending ones go.
struct LastChunk {
    pairing: ChunkPairing,
    format: LastFormat,
    show: Show,
    text: Vec<u8>,
    /// For each pending record: where in `text` its session goes, and its
    /// place from the chunk's end (0: the newest).
    pending: Vec<(usize, usize)>,
    /// Its first record's index in the file.
    first: usize,
    /// A record could not be read (or a session not written): the writer
    /// pairs the whole chunk and reports it.
    failed: bool,
}

impl LastChunk {
    /// The `nth` record from the chunk's end: its session's text, or its
    /// place among the pending; false when a session could not be written.
    #[inline]
    fn push(&mut self, e: utmp::EntryRef<'_>, nth: usize) -> bool {
        match self.pairing.push(e) {
            Paired::Done(Some(s)) => self
                .show
                .write(&s, &mut self.format, &mut self.text)
                .is_ok(),
            Paired::Done(None) => true,
            _ => {
                self.pending.push((self.text.len(), nth));
                true
            }
        }
    }

    /// Whether its done sessions and final state are the true ones.
    fn resumable(&self) -> bool {
        !self.failed && self.pairing.resumable()
    }
}

impl Chunk for LastChunk {
    fn format(&mut self, mut records: MappedEntries<'_>, first: usize) {
        self.text.clear();
        self.pending.clear();
        self.pairing.restart();
        self.first = first;
        self.failed = false;
        // The records newest first, a run at a time (no Result per record).
        let mut nth = 0;
        while let Some(run) = records.next_back_run() {
            let Ok(run) = run else {
                self.failed = true;
                return;
            };
            for e in run.rev() {
                if !self.push(e, nth) {
                    self.failed = true;
                    return;
                }
                nth += 1;
            }
        }
    }

    fn text(&self) -> &[u8] {
        &self.text
    }

    fn kept(&self) -> usize {
        // A chunk the writer pairs itself stays mapped for it; the pending
        // records it reads are mapped in again.
        if self.resumable() {
            0
        } else {
            usize::MAX
        }
    }
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
        record_format: crate::follow::record_format(path, args.format)?,
    };
    crate::follow::last(path, how)
}

#[cfg(test)]
mod chunked_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_later_of_f_and_time_format_wins() {
        let win = |args: &[&str]| full_times_win(args.iter().map(std::ffi::OsString::from));
        assert!(win(&["utmp", "last", "-F"]));
        assert!(win(&["utmp", "last", "--time-format", "iso", "-xFw"]));
        assert!(win(&["utmp", "last", "--time-format=iso", "--fulltimes"]));
        assert!(!win(&["utmp", "last", "-F", "--time-format", "notime"]));
        assert!(!win(&["utmp", "last", "-x"]));
        // A value is no option: -f F.db, -s F.
        assert!(!win(&["utmp", "last", "--time-format", "iso", "-fF.db"]));
        assert!(!win(&["utmp", "last", "--time-format", "iso", "--", "-F"]));
    }
}
