//! What coreutils `who` shows: which entries each option selects, and the
//! exact line layout of `who` 9.1 (`NAME LINE TIME [IDLE] [PID] COMMENT [EXIT]`).
//!
//! The selection and the layout are pure functions of the entries and of an
//! [`Environment`] (the current time, the terminals' status, which processes
//! exist, the local time zone), so they can be tested with fixed inputs;
//! [`LiveSystem`] is the real one (shared with [`sessions`](crate::sessions):
//! see [`mod@crate::environment`]).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use utmp::who::{FixedEnvironment, TimeFormat, Who};
//! use utmp::{EntryBuilder, EntryType};
//!
//! let entries = [EntryBuilder::new(EntryType::UserProcess)
//!     .user("alice")
//!     .line("pts/0")
//!     .host("example.org")
//!     .seconds(1_700_000_000)
//!     .build()?];
//! let mut out = Vec::new();
//! Who::new()
//!     .time_format(TimeFormat::Iso)
//!     .write(&mut out, &entries, &FixedEnvironment::new(1_700_000_000))?;
//! assert_eq!(out, b"alice    pts/0        2023-11-14 22:13 (example.org)\n");
//! # Ok(()) }
//! ```

use crate::clock;

use std::borrow::Borrow;
use std::ffi::OsStr;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::entry::Entry;
use crate::entry_type::EntryType;
pub use crate::environment::{Environment, FixedEnvironment, LiveSystem, Terminal};
use crate::layout::RecordBytes;

/// How `who` writes times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum TimeFormat {
    /// `2023-11-14 22:13` (`%Y-%m-%d %H:%M`): what `who` prints in any locale
    /// other than C/POSIX.
    #[default]
    Iso,
    /// `Nov 14 22:13` (`%b %e %H:%M`): what `who` prints in the C/POSIX locale.
    Classic,
}

impl TimeFormat {
    /// The format `who` uses under this `LC_TIME` locale name: [`TimeFormat::Classic`]
    /// for `""`, `C` and `POSIX`, [`TimeFormat::Iso`] for any other.
    pub fn for_locale(name: &str) -> TimeFormat {
        match name {
            "" | "C" | "POSIX" => TimeFormat::Classic,
            _ => TimeFormat::Iso,
        }
    }

    /// The format for this process's locale environment, read as the C library
    /// does: the first non-empty of `LC_ALL`, `LC_TIME`, `LANG`.
    ///
    /// A locale that is named but not installed counts as named (the C library
    /// would fall back to C); this reads no locale files.
    pub fn from_env() -> TimeFormat {
        let name = ["LC_ALL", "LC_TIME", "LANG"]
            .iter()
            .filter_map(std::env::var_os)
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        TimeFormat::for_locale(&name.to_string_lossy())
    }

    fn width(self) -> usize {
        match self {
            TimeFormat::Iso => 16,
            TimeFormat::Classic => 12,
        }
    }
}

/// Why an entry is shown, which decides its layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// A logged-in user (`USER_PROCESS` with a user name): `-u`, the default.
    User,
    /// `RUN_LVL`: `-r`.
    RunLevel,
    /// `BOOT_TIME`: `-b`.
    BootTime,
    /// `NEW_TIME`: `-t`.
    ClockChange,
    /// `INIT_PROCESS`: `-p`.
    InitSpawn,
    /// `LOGIN_PROCESS`: `-l`.
    Login,
    /// `DEAD_PROCESS`: `-d`.
    Dead,
}

impl Kind {
    /// A short lowercase name (`user`, `run-level`, `boot`, `clock-change`,
    /// `init`, `login`, `dead`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::RunLevel => "run-level",
            Kind::BootTime => "boot",
            Kind::ClockChange => "clock-change",
            Kind::InitSpawn => "init",
            Kind::Login => "login",
            Kind::Dead => "dead",
        }
    }
}

/// Whether other users may write to a user's terminal (`mesg`), the `-T` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mesg {
    /// `+`: group-writable and owned by the `tty` group.
    Writable,
    /// `-`: not writable by others.
    NotWritable,
    /// `?`: the terminal could not be examined.
    Unknown,
}

impl Mesg {
    /// The mark `who -T` prints.
    pub fn as_char(self) -> char {
        match self {
            Mesg::Writable => '+',
            Mesg::NotWritable => '-',
            Mesg::Unknown => '?',
        }
    }
}

/// How long a user's terminal has been idle (from its access time), the
/// `IDLE` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Idle {
    /// `.`: used in the last minute.
    Active,
    /// `HH:MM`: idle for this many seconds (under a day).
    For(u32),
    /// `old`: idle for a day or more, or since before the last boot, or the
    /// access time is in the future.
    Old,
    /// `?`: the terminal could not be examined.
    Unknown,
}

impl Idle {
    /// The text `who` prints in the `IDLE` column.
    pub fn text(self) -> String {
        match self {
            Idle::Active => "  .  ".to_owned(),
            Idle::For(s) => format!("{:02}:{:02}", s / 3600, s % 3600 / 60),
            Idle::Old => " old ".to_owned(),
            Idle::Unknown => "  ?".to_owned(),
        }
    }
}

/// One line of `who` output: the entry, why it is shown, and for users the
/// terminal's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    kind: Kind,
    entry: Entry,
    mesg: Option<Mesg>,
    idle: Option<Idle>,
    time: Vec<u8>,
}

impl Row {
    /// Why the entry is shown.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The entry.
    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    /// The terminal's `mesg` status (users only).
    pub fn mesg(&self) -> Option<Mesg> {
        self.mesg
    }

    /// The terminal's idle time (users only).
    pub fn idle(&self) -> Option<Idle> {
        self.idle
    }

    /// The entry's time as `who` prints it (local time, in the chosen format).
    pub fn time_text(&self) -> &[u8] {
        &self.time
    }
}

/// The options of coreutils `who`, and the output they produce.
///
/// Each method is one command-line option and combines like it: `Who::new()`
/// alone is `who` (users, short form); any of [`boot`](Who::boot),
/// [`dead`](Who::dead), [`login`](Who::login), [`process`](Who::process),
/// [`run_level`](Who::run_level), [`clock_change`](Who::clock_change),
/// [`users`](Who::users) or [`all`](Who::all) replaces that default with the
/// chosen kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Who {
    boot: bool,
    dead: bool,
    login: bool,
    init_spawn: bool,
    run_level: bool,
    clock_change: bool,
    users: bool,
    mesg: bool,
    idle: bool,
    exit: bool,
    heading: bool,
    short: bool,
    count: bool,
    check_pids: bool,
    line_only: Option<Vec<u8>>,
    time_format: TimeFormat,
}

/// The options once `who`'s defaults are applied.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    users: bool,
    short: bool,
}

impl Who {
    /// `who` without options: logged-in users, name, line, time and host.
    pub fn new() -> Self {
        Who::default()
    }

    /// `-a`: the same as `-b -d --login -p -r -t -T -u`.
    pub fn all(self) -> Self {
        let mut w = self.boot().dead().login().process().run_level();
        w = w.clock_change().mesg().users();
        w
    }

    /// `-b`: the time of the last system boot (every `BOOT_TIME` entry).
    pub fn boot(mut self) -> Self {
        self.boot = true;
        self
    }

    /// `-d`: dead processes, with the `IDLE` and `EXIT` columns.
    pub fn dead(mut self) -> Self {
        self.dead = true;
        self.idle = true;
        self.exit = true;
        self
    }

    /// `-l`: login processes (`LOGIN` gettys), with the `IDLE` column.
    pub fn login(mut self) -> Self {
        self.login = true;
        self.idle = true;
        self
    }

    /// `-p`: active processes spawned by init.
    pub fn process(mut self) -> Self {
        self.init_spawn = true;
        self
    }

    /// `-r`: run levels, with the `IDLE` column.
    pub fn run_level(mut self) -> Self {
        self.run_level = true;
        self.idle = true;
        self
    }

    /// `-t`: system clock changes (`NEW_TIME`).
    pub fn clock_change(mut self) -> Self {
        self.clock_change = true;
        self
    }

    /// `-u`: logged-in users, with the `IDLE` and `PID` columns.
    pub fn users(mut self) -> Self {
        self.users = true;
        self.idle = true;
        self
    }

    /// `-T`/`-w`: the `mesg` mark (`+`, `-`, `?`) after the name.
    pub fn mesg(mut self) -> Self {
        self.mesg = true;
        self
    }

    /// `-H`: a heading line first.
    pub fn heading(mut self) -> Self {
        self.heading = true;
        self
    }

    /// `-s`: only name, line, time and comment (no `IDLE` or `PID`; ignored
    /// with [`dead`](Who::dead) or [`all`](Who::all)).
    pub fn short(mut self) -> Self {
        self.short = true;
        self
    }

    /// `-q`: the user names on one line and `# users=N`.
    pub fn count(mut self) -> Self {
        self.count = true;
        self
    }

    /// Hide `USER_PROCESS` entries whose process no longer exists, as `who`
    /// does when it reads the system database (not a named file).
    pub fn check_pids(mut self) -> Self {
        self.check_pids = true;
        self
    }

    /// `-m`: only entries on this line (`pts/0`, without `/dev/`).
    pub fn line_only(mut self, line: impl AsRef<[u8]>) -> Self {
        self.line_only = Some(line.as_ref().to_vec());
        self
    }

    /// How times are written (default [`TimeFormat::Iso`]).
    pub fn time_format(mut self, format: TimeFormat) -> Self {
        self.time_format = format;
        self
    }

    fn resolved(&self) -> Resolved {
        let chosen = self.boot
            || self.dead
            || self.login
            || self.init_spawn
            || self.run_level
            || self.clock_change
            || self.users;
        Resolved {
            users: self.users || !chosen,
            // `-d` (and so `-a`) turns the short form off whatever else was asked.
            short: (self.short || !chosen) && !self.exit,
        }
    }

    /// Why `who` with these options would show `entry`, or `None`.
    ///
    /// Only the entry's own fields count here; [`Who::rows`] also applies
    /// [`line_only`](Who::line_only) and [`check_pids`](Who::check_pids).
    pub fn kind_of<B: Borrow<RecordBytes>>(&self, entry: &Entry<B>) -> Option<Kind> {
        let r = self.resolved();
        let t = entry.entry_type();
        if r.users && is_user(entry) {
            Some(Kind::User)
        } else if self.run_level && t == EntryType::RunLevel {
            Some(Kind::RunLevel)
        } else if self.boot && t == EntryType::BootTime {
            Some(Kind::BootTime)
        } else if self.clock_change && t == EntryType::NewTime {
            Some(Kind::ClockChange)
        } else if self.init_spawn && t == EntryType::InitProcess {
            Some(Kind::InitSpawn)
        } else if self.login && t == EntryType::LoginProcess {
            Some(Kind::Login)
        } else if self.dead && t == EntryType::DeadProcess {
            Some(Kind::Dead)
        } else {
            None
        }
    }

    fn kept<B: Borrow<RecordBytes>>(&self, entry: &Entry<B>, env: &dyn Environment) -> bool {
        !(self.check_pids && is_user(entry) && entry.pid() > 0 && !env.process_exists(entry.pid()))
    }

    /// The rows `who` shows for these entries, in order.
    pub fn rows<I, B>(&self, entries: I, env: &dyn Environment) -> Vec<Row>
    where
        I: IntoIterator,
        I::Item: Borrow<Entry<B>>,
        B: Borrow<RecordBytes>,
    {
        let mut rows = Vec::new();
        self.scan(entries, env, true, |row| {
            rows.push(row);
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap_or_else(|never| match never {});
        rows
    }

    /// Calls `f` with each row `who` shows, in order, without collecting them
    /// (constant memory over any number of entries); stops at `f`'s first error.
    ///
    /// # Errors
    ///
    /// The first error `f` returns.
    pub fn for_each_row<I, B, E, F>(&self, entries: I, env: &dyn Environment, f: F) -> Result<(), E>
    where
        I: IntoIterator,
        I::Item: Borrow<Entry<B>>,
        B: Borrow<RecordBytes>,
        F: FnMut(Row) -> Result<(), E>,
    {
        self.scan(entries, env, true, f)
    }

    /// The rows, with the users' terminals examined only when `terminals`.
    fn scan<I, B, E, F>(
        &self,
        entries: I,
        env: &dyn Environment,
        terminals: bool,
        mut f: F,
    ) -> Result<(), E>
    where
        I: IntoIterator,
        I::Item: Borrow<Entry<B>>,
        B: Borrow<RecordBytes>,
        F: FnMut(Row) -> Result<(), E>,
    {
        let mut boot_time = i64::MIN;
        for entry in entries {
            let entry = entry.borrow();
            if !self.kept(entry, env) {
                continue;
            }
            let on_line = match &self.line_only {
                Some(line) => line.get(..32).unwrap_or(line) == entry.line_bytes(),
                None => true,
            };
            if let Some(kind) = self.kind_of(entry).filter(|_| on_line) {
                let (mesg, idle) = if kind == Kind::User && terminals {
                    let (m, i) = terminal_status(entry, boot_time, env);
                    (Some(m), Some(i))
                } else {
                    (None, None)
                };
                f(Row {
                    kind,
                    entry: entry.to_entry(),
                    mesg,
                    idle,
                    time: self.time_text(entry.seconds(), env),
                })?;
            }
            if entry.entry_type() == EntryType::BootTime {
                boot_time = entry.seconds();
            }
        }
        Ok(())
    }

    fn time_text(&self, seconds: i64, env: &dyn Environment) -> Vec<u8> {
        let Some(c) = clock::civil_at(seconds, env.utc_offset(seconds)) else {
            return seconds.to_string().into_bytes();
        };
        let text = match self.time_format {
            TimeFormat::Iso => format!(
                "{}-{:02}-{:02} {:02}:{:02}",
                c.year, c.month, c.day, c.hour, c.minute
            ),
            TimeFormat::Classic => {
                const MONTHS: [&str; 12] = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ];
                let month = usize::try_from(c.month)
                    .ok()
                    .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
                    .copied()
                    .unwrap_or("???");
                format!("{month} {:2} {:02}:{:02}", c.day, c.hour, c.minute)
            }
        };
        text.into_bytes()
    }

    /// The heading line (`-H`), with its newline.
    pub fn heading_line(&self) -> Vec<u8> {
        self.line(Fields {
            name: b"NAME",
            state: b' ',
            line: b"LINE",
            time: b"TIME",
            idle: b"IDLE",
            pid: b"PID",
            comment: b"COMMENT",
            exit: b"EXIT",
        })
    }

    /// A row as `who` prints it, with its newline.
    pub fn format_row(&self, row: &Row) -> Vec<u8> {
        let e = &row.entry;
        let pid = e.pid().to_string();
        let idle = row.idle.map(Idle::text).unwrap_or_default();
        let id_comment = || {
            let mut c = b"id=".to_vec();
            c.extend_from_slice(e.id_bytes());
            c
        };
        let mut fields = Fields {
            name: b"",
            state: b' ',
            line: e.line_bytes(),
            time: &row.time,
            idle: b"",
            pid: pid.as_bytes(),
            comment: b"",
            exit: b"",
        };
        match row.kind {
            Kind::User => {
                let host = e.host_bytes();
                let comment = if host.is_empty() {
                    Vec::new()
                } else {
                    [&b"("[..], host, b")"].concat()
                };
                fields.name = e.user_bytes();
                fields.state = row.mesg.map_or(b'?', |m| m.as_char() as u8);
                fields.idle = idle.as_bytes();
                fields.comment = &comment;
                self.line(fields)
            }
            Kind::BootTime | Kind::ClockChange => {
                fields.line = if row.kind == Kind::BootTime {
                    b"system boot"
                } else {
                    b"clock change"
                };
                fields.pid = b"";
                self.line(fields)
            }
            Kind::RunLevel => {
                let pid = e.pid();
                // The C code's `unsigned char` conversions of pid / 256 and pid % 256.
                let last = (pid / 256) as u8;
                let current = (pid % 256) as u8;
                let mut line = b"run-level ".to_vec();
                if current != 0 {
                    line.push(current);
                }
                let comment = if last.is_ascii_graphic() || last == b' ' {
                    vec![
                        b'l',
                        b'a',
                        b's',
                        b't',
                        b'=',
                        if last == b'N' { b'S' } else { last },
                    ]
                } else {
                    Vec::new()
                };
                fields.line = &line;
                fields.pid = b"";
                fields.comment = &comment;
                self.line(fields)
            }
            Kind::InitSpawn | Kind::Login => {
                let comment = id_comment();
                if row.kind == Kind::Login {
                    fields.name = b"LOGIN";
                }
                fields.comment = &comment;
                self.line(fields)
            }
            Kind::Dead => {
                let comment = id_comment();
                // coreutils prints the exit status only where utmpx has one.
                let exit = e.exit_status().map_or_else(String::new, |status| {
                    format!("term={} exit={}", status.termination, status.exit)
                });
                fields.comment = &comment;
                fields.exit = exit.as_bytes();
                self.line(fields)
            }
        }
    }

    /// `who`'s `print_line`: fixed columns, trailing blanks removed.
    fn line(&self, f: Fields<'_>) -> Vec<u8> {
        let r = self.resolved();
        let mut out = Vec::with_capacity(96);
        pad(&mut out, f.name, 8);
        if self.mesg {
            out.push(b' ');
            out.push(f.state);
        }
        out.push(b' ');
        pad(&mut out, f.line, 12);
        out.push(b' ');
        pad(&mut out, f.time, self.time_format.width());
        if self.idle && !r.short {
            out.push(b' ');
            pad(&mut out, f.idle, 6);
        }
        if !r.short {
            out.push(b' ');
            out.resize(
                out.len()
                    .saturating_add(10usize.saturating_sub(f.pid.len())),
                b' ',
            );
            out.extend_from_slice(f.pid);
        }
        out.push(b' ');
        pad(&mut out, f.comment, 8);
        if self.exit {
            out.push(b' ');
            pad(&mut out, f.exit, 12);
        }
        while out.last() == Some(&b' ') {
            out.pop();
        }
        out.push(b'\n');
        out
    }

    /// `-q`: the names of the logged-in users, and their count.
    pub fn count_lines<I, B>(&self, entries: I, env: &dyn Environment) -> Vec<u8>
    where
        I: IntoIterator,
        I::Item: Borrow<Entry<B>>,
        B: Borrow<RecordBytes>,
    {
        let mut out = Vec::new();
        let mut n = 0u64;
        for entry in entries {
            let entry = entry.borrow();
            if is_user(entry) && self.kept(entry, env) {
                if n > 0 {
                    out.push(b' ');
                }
                let mut name = entry.user_bytes();
                while let Some(rest) = name.strip_suffix(b" ") {
                    name = rest;
                }
                out.extend_from_slice(name);
                n = n.saturating_add(1);
            }
        }
        out.extend_from_slice(format!("\n# users={n}\n").as_bytes());
        out
    }

    /// Everything `who` prints for these entries, written as it goes (the
    /// entries are not collected). Users' terminals are examined only when a
    /// column shows them, so rows are not kept with their status here.
    ///
    /// # Errors
    ///
    /// The writer's error.
    pub fn write<W, I, B>(&self, mut out: W, entries: I, env: &dyn Environment) -> io::Result<()>
    where
        W: Write,
        I: IntoIterator,
        I::Item: Borrow<Entry<B>>,
        B: Borrow<RecordBytes>,
    {
        if self.count {
            return out.write_all(&self.count_lines(entries, env));
        }
        if self.heading {
            out.write_all(&self.heading_line())?;
        }
        // Like `who`, stat each user's terminal, but only when a column shows it.
        let terminals = self.mesg || (self.idle && !self.resolved().short);
        self.scan(entries, env, terminals, |row| {
            out.write_all(&self.format_row(&row))
        })?;
        out.flush()
    }
}

/// `who`'s `IS_USER_PROCESS`: a `USER_PROCESS` entry with a user name.
fn is_user<B: Borrow<RecordBytes>>(entry: &Entry<B>) -> bool {
    entry.entry_type() == EntryType::UserProcess && !entry.user_bytes().is_empty()
}

/// The `mesg` mark and idle time of a user's terminal: `/dev/` + the line
/// (or the line itself when absolute), as `who` builds it.
fn terminal_status<B: Borrow<RecordBytes>>(
    entry: &Entry<B>,
    boot_time: i64,
    env: &dyn Environment,
) -> (Mesg, Idle) {
    let line = entry.line_bytes();
    let device = if line.first() == Some(&b'/') {
        PathBuf::from(OsStr::from_bytes(line))
    } else {
        crate::environment::device(line)
    };
    let Some(term) = env.terminal(&device) else {
        return (Mesg::Unknown, Idle::Unknown);
    };
    let mesg = if term.writable {
        Mesg::Writable
    } else {
        Mesg::NotWritable
    };
    let when = term.accessed;
    let now = clock::unix_seconds(env.now());
    let idle = if when == 0 {
        Idle::Unknown
    } else if boot_time < when && now.saturating_sub(86_400) < when && when <= now {
        match u32::try_from(now.saturating_sub(when)) {
            Ok(s) if s < 60 => Idle::Active,
            Ok(s) => Idle::For(s),
            Err(_) => Idle::Old,
        }
    } else {
        Idle::Old
    };
    (mesg, idle)
}

struct Fields<'a> {
    name: &'a [u8],
    state: u8,
    line: &'a [u8],
    time: &'a [u8],
    idle: &'a [u8],
    pid: &'a [u8],
    comment: &'a [u8],
    exit: &'a [u8],
}

/// `%-Ns`: the bytes, then blanks up to `width`.
fn pad(out: &mut Vec<u8>, s: &[u8], width: usize) {
    out.extend_from_slice(s);
    out.resize(
        out.len().saturating_add(width.saturating_sub(s.len())),
        b' ',
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::EntryBuilder;
    use crate::entry::ExitStatus;

    fn build(b: EntryBuilder) -> Entry {
        b.build().unwrap()
    }

    fn user(name: &str, line: &str, host: &str, pid: i32, t: i64) -> Entry {
        build(
            EntryBuilder::new(EntryType::UserProcess)
                .user(name)
                .line(line)
                .host(host)
                .pid(pid)
                .seconds(t),
        )
    }

    fn text(who: &Who, entries: &[Entry], env: &dyn Environment) -> String {
        let mut out = Vec::new();
        who.write(&mut out, entries, env).unwrap();
        String::from_utf8(out).unwrap()
    }

    // 2013-08-28 10:00:00 UTC = 1377684000 (15945 days * 86400 + 36000).
    const T: i64 = 1_377_684_000;

    #[test]
    fn default_layout_worked_out_from_who_c() {
        // "%-8s %-12s %-16s %-8s" then trailing blanks dropped.
        let e = [user("alice", "pts/0", "example.org", 42, T)];
        let env = FixedEnvironment::new(T);
        assert_eq!(
            text(&Who::new(), &e, &env),
            "alice    pts/0        2013-08-28 10:00 (example.org)\n"
        );
        let classic = Who::new().time_format(TimeFormat::Classic);
        assert_eq!(
            text(&classic, &e, &env),
            "alice    pts/0        Aug 28 10:00 (example.org)\n"
        );
        let e = [user("bob", "tty1", "", 1, T + 86_400 * 5)];
        assert_eq!(
            text(&classic, &e, &env),
            "bob      tty1         Sep  2 10:00\n"
        );
    }

    #[test]
    fn user_needs_a_name_and_dead_pids_are_hidden_only_when_asked() {
        let e = [
            user("", "tty1", "", 5, T),
            user("carol", "tty2", "", 6, T),
            user("dave", "tty3", "", 7, T),
        ];
        let env = FixedEnvironment::new(T).dead_process(7);
        assert_eq!(Who::new().rows(e, &env).len(), 2);
        let rows = Who::new().check_pids().rows(e, &env);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].entry().user(), "carol");
        assert_eq!(
            String::from_utf8(Who::new().count_lines(e, &env)).unwrap(),
            "carol dave\n# users=2\n"
        );
        assert_eq!(
            String::from_utf8(Who::new().check_pids().count_lines(e, &env)).unwrap(),
            "carol\n# users=1\n"
        );
        assert_eq!(
            String::from_utf8(Who::new().count_lines(&e[..1], &env)).unwrap(),
            "\n# users=0\n"
        );
    }

    #[test]
    fn users_option_adds_idle_and_pid_columns() {
        let e = [
            user("alice", "pts/0", "h", 42, T),
            user("bob", "pts/1", "", 43, T),
            user("eve", "pts/2", "", 44, T),
            user("old", "pts/3", "", 45, T),
        ];
        let term = |accessed, writable| Terminal {
            accessed,
            writable,
            owner: 0,
        };
        let env = FixedEnvironment::new(T + 3 * 3600 + 5 * 60 + 30)
            .terminal("/dev/pts/0", term(T + 3 * 3600 + 5 * 60, true))
            .terminal("/dev/pts/1", term(T, false))
            .terminal("/dev/pts/3", term(T - 86_400, false));
        let who = Who::new().users().mesg();
        // name, " " mark, " " line/12, " " time/16, " " idle/6, " " pid/10, " " comment
        assert_eq!(
            text(&who, &e, &env),
            "alice    + pts/0        2013-08-28 10:00   .            42 (h)\n\
             bob      - pts/1        2013-08-28 10:00 03:05          43\n\
             eve      ? pts/2        2013-08-28 10:00   ?            44\n\
             old      - pts/3        2013-08-28 10:00  old           45\n"
        );
    }

    #[test]
    fn boot_time_bounds_idle() {
        // A terminal last used before the latest boot preceding the entry is "old".
        let boot = build(EntryBuilder::new(EntryType::BootTime).line("~").seconds(T));
        let e = [boot, user("u", "tty1", "", 1, T + 60)];
        let env = FixedEnvironment::new(T + 600).terminal(
            "/dev/tty1",
            Terminal {
                accessed: T - 1,
                writable: false,
                owner: 0,
            },
        );
        let rows = Who::new().users().rows(e, &env);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].idle(), Some(Idle::Old));
        let env = env.terminal(
            "/dev/tty1",
            Terminal {
                accessed: T + 1,
                writable: false,
                owner: 0,
            },
        );
        assert_eq!(
            Who::new().users().rows(e, &env)[0].idle(),
            Some(Idle::For(599))
        );
    }

    #[test]
    fn all_and_heading() {
        let e = [
            build(EntryBuilder::new(EntryType::BootTime).line("~").seconds(T)),
            // pid = 'N' * 256 + '5' : previous level N (shown as S), current 5.
            build(
                EntryBuilder::new(EntryType::RunLevel)
                    .pid(i32::from(b'N') * 256 + i32::from(b'5'))
                    .seconds(T),
            ),
            build(EntryBuilder::new(EntryType::NewTime).seconds(T)),
            build(
                EntryBuilder::new(EntryType::InitProcess)
                    .line("tty1")
                    .id("1")
                    .pid(600)
                    .seconds(T),
            ),
            build(
                EntryBuilder::new(EntryType::LoginProcess)
                    .user("LOGIN")
                    .line("tty2")
                    .id("2")
                    .pid(601)
                    .seconds(T),
            ),
            build(
                EntryBuilder::new(EntryType::DeadProcess)
                    .line("pts/4")
                    .id("ts/4")
                    .pid(602)
                    .exit_status(ExitStatus {
                        termination: 1,
                        exit: 2,
                    })
                    .seconds(T),
            ),
            build(EntryBuilder::new(EntryType::Accounting).seconds(T)),
        ];
        let env = FixedEnvironment::new(T);
        let who = Who::new().all().heading();
        let b = "2013-08-28 10:00";
        let want = format!(
            "NAME       LINE         TIME             IDLE          PID COMMENT  EXIT\n\
             \x20          system boot  {b}\n\
             \x20          run-level 5  {b}                   last=S\n\
             \x20          clock change {b}\n\
             \x20          tty1         {b}               600 id=1\n\
             LOGIN      tty2         {b}               601 id=2\n\
             \x20          pts/4        {b}               602 id=ts/4  term=1 exit=2\n"
        );
        assert_eq!(text(&who, &e, &env), want);
        // -b alone: the PID column is there (empty), so nothing visible changes
        // but the heading gains "PID".
        assert_eq!(
            text(&Who::new().boot().heading(), &e, &env),
            format!(
                "NAME     LINE         TIME                    PID COMMENT\n\
                 \x20        system boot  {b}\n"
            )
        );
    }

    #[test]
    fn line_only_filters_rows() {
        let e = [user("a", "pts/0", "", 1, T), user("b", "pts/1", "", 2, T)];
        let rows = Who::new()
            .line_only("pts/1")
            .rows(e, &FixedEnvironment::new(T));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].entry().user(), "b");
    }

    #[test]
    fn utc_offset_shifts_time() {
        let e = [user("a", "pts/0", "", 1, T)];
        let env = FixedEnvironment::new(T).utc_offset(-5 * 3600 - 1800);
        assert_eq!(
            text(&Who::new(), &e, &env),
            "a        pts/0        2013-08-28 04:30\n"
        );
    }

    #[test]
    fn time_format_from_locale_name() {
        assert_eq!(TimeFormat::for_locale("C"), TimeFormat::Classic);
        assert_eq!(TimeFormat::for_locale("POSIX"), TimeFormat::Classic);
        assert_eq!(TimeFormat::for_locale(""), TimeFormat::Classic);
        assert_eq!(TimeFormat::for_locale("C.UTF-8"), TimeFormat::Iso);
        assert_eq!(TimeFormat::for_locale("en_US.UTF-8"), TimeFormat::Iso);
    }
}
