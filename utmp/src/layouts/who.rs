//! What coreutils `who` shows: which entries each option selects, and the
//! exact line layout of `who` 9.1 (`NAME LINE TIME [IDLE] [PID] COMMENT [EXIT]`).
//!
//! The selection and the layout are pure functions of the entries and of an
//! [`Environment`] (the current time, the terminals' status, which processes
//! exist, the local time zone), so they can be tested with fixed inputs;
//! [`LiveSystem`](crate::environment::LiveSystem) is the real one (shared
//! with [`sessions`](crate::sessions): see [`mod@crate::environment`]).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use utmp::environment::FixedEnvironment;
//! use utmp::layouts::who::{TimeFormat, Who};
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

use crate::clock::{self, TimeZone};

use std::borrow::Borrow;
use std::ffi::OsStr;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::entry::{Entry, ExitStatus};
use crate::entry_type::EntryType;
use crate::enum_list::{enum_list, one_of};
use crate::environment::{Environment, Terminal};
use crate::layout::{self, RecordBytes};
use crate::line_map::LineMap;

mod fast;

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

enum_list! {
    /// Why an entry is shown, which decides its layout.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Kind {
        /// A logged-in user (`USER_PROCESS` with a user name): `-u`, the default.
        User = "user",
        /// `RUN_LVL`: `-r`.
        RunLevel = "run-level",
        /// `BOOT_TIME`: `-b`.
        BootTime = "boot",
        /// `NEW_TIME`: `-t`.
        ClockChange = "clock-change",
        /// `INIT_PROCESS`: `-p`.
        InitSpawn = "init",
        /// `LOGIN_PROCESS`: `-l`.
        Login = "login",
        /// `DEAD_PROCESS`: `-d`.
        Dead = "dead",
    }
    /// A kind name that is none of [`Kind::ALL`].
    #[error("unknown kind {0:?} (expected {list})", list = one_of::<Kind>())]
    error ParseKindError;
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
        let mut out = Vec::with_capacity(8);
        push_idle(&mut out, self);
        String::from_utf8_lossy(&out).into_owned()
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
        self.kind_with(self.resolved(), entry.entry_type(), entry)
    }

    /// [`Who::kind_of`] with the options resolved and the entry's type read.
    #[inline]
    fn kind_with<B: Borrow<RecordBytes>>(
        &self,
        r: Resolved,
        t: EntryType,
        entry: &Entry<B>,
    ) -> Option<Kind> {
        if r.users && is_user_of(t, entry) {
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
        self.kept_of(entry.entry_type(), entry, env)
    }

    /// [`Who::kept`] with the entry's type read.
    #[inline]
    fn kept_of<B: Borrow<RecordBytes>>(
        &self,
        t: EntryType,
        entry: &Entry<B>,
        env: &dyn Environment,
    ) -> bool {
        !(self.check_pids
            && is_user_of(t, entry)
            && entry.pid() > 0
            && !env.process_exists(entry.pid()))
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
        let zone = env.time_zone();
        let now = PassClock::read(env);
        self.scan_views(entries, env, terminals, now, BootTime::none(), |v| {
            f(Row {
                kind: v.kind,
                entry: v.entry.to_entry(),
                mesg: v.mesg,
                idle: v.idle,
                time: self.time_text(v.entry.seconds(), zone),
            })
        })
    }

    /// The rows as borrowed views of the entries (nothing copied), with the
    /// users' terminals examined only when `terminals`.
    /// `now` is the pass's clock, `boot_time` the last boot before the
    /// first entry.
    fn scan_views<I, B, E, F, G>(
        &self,
        entries: I,
        env: &dyn Environment,
        terminals: bool,
        now: PassClock,
        mut boot_time: BootTime<G>,
        mut f: F,
    ) -> Result<(), E>
    where
        I: IntoIterator,
        I::Item: Borrow<Entry<B>>,
        B: Borrow<RecordBytes>,
        F: FnMut(RowView<'_, B>) -> Result<(), E>,
        G: FnOnce() -> Option<i64>,
    {
        let mut devices = TerminalCache::default();
        let now = now.0;
        let r = self.resolved();
        for entry in entries {
            let entry = entry.borrow();
            let t = entry.entry_type();
            if !self.kept_of(t, entry, env) {
                continue;
            }
            let on_line = match &self.line_only {
                Some(line) => line.get(..32).unwrap_or(line) == entry.line_bytes(),
                None => true,
            };
            if let Some(kind) = self.kind_with(r, t, entry).filter(|_| on_line) {
                let (mesg, idle) = if kind == Kind::User && terminals {
                    let (m, i) = terminal_status(entry, &mut boot_time, now, env, &mut devices);
                    (Some(m), Some(i))
                } else {
                    (None, None)
                };
                f(RowView {
                    kind,
                    entry,
                    mesg,
                    idle,
                })?;
            }
            if t == EntryType::BootTime {
                boot_time = BootTime::Known(entry.seconds());
            }
        }
        Ok(())
    }

    /// The time text of one row, as `localtime` gives it (no cache: the
    /// reference that [`TimeText`]'s cached writing is tested against).
    fn time_text(&self, seconds: i64, zone: &TimeZone) -> Vec<u8> {
        let Some(c) = clock::civil_at(seconds, zone.offset_at(seconds)) else {
            return seconds.to_string().into_bytes();
        };
        let mut text = Vec::with_capacity(16);
        self.push_date(&mut text, &c);
        clock::push_hhmm(&mut text, &c);
        text
    }

    /// The date part of the time text, with the blank after it:
    /// `2013-08-28 ` (`%Y-%m-%d `) or `Aug 28 ` (`%b %e `).
    fn push_date(&self, out: &mut Vec<u8>, c: &clock::Civil) {
        match self.time_format {
            TimeFormat::Iso => clock::push_iso_date(out, c),
            TimeFormat::Classic => clock::push_month_day(out, c),
        }
    }

    /// The heading line (`-H`), with its newline.
    pub fn heading_line(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(96);
        self.push_line(
            &mut out,
            Fields {
                name: b"NAME",
                state: b' ',
                line: b"LINE",
                time: b"TIME",
                idle: Cell::Text(b"IDLE"),
                pid: b"PID",
                comment: [b"COMMENT", b"", b""],
                exit: Cell::Text(b"EXIT"),
            },
        );
        out
    }

    /// A row as `who` prints it, with its newline.
    pub fn format_row(&self, row: &Row) -> Vec<u8> {
        let mut out = Vec::with_capacity(96);
        let view = RowView {
            kind: row.kind,
            entry: &row.entry,
            mesg: row.mesg,
            idle: row.idle,
        };
        self.push_row(&mut out, &view, &row.time);
        out
    }

    /// Appends a row as `who` prints it, with its newline; `time` is its
    /// time text.
    fn push_row<B: Borrow<RecordBytes>>(&self, out: &mut Vec<u8>, v: &RowView<'_, B>, time: &[u8]) {
        let e = v.entry;
        let mut pid_digits = Decimal::new();
        let mut fields = Fields {
            name: b"",
            state: b' ',
            line: e.line_bytes(),
            time,
            idle: Cell::Text(b""),
            // The short form has no PID column: no digits to make.
            pid: if self.resolved().short {
                b""
            } else {
                pid_digits.of(i64::from(e.pid()))
            },
            comment: [b"", b"", b""],
            exit: Cell::Text(b""),
        };
        match v.kind {
            Kind::User => {
                let host = e.host_bytes();
                if !host.is_empty() {
                    fields.comment = [b"(", host, b")"];
                }
                fields.name = e.user_bytes();
                fields.state = v.mesg.map_or(b'?', |m| m.as_char() as u8);
                fields.idle = v.idle.map_or(Cell::Text(b""), Cell::Idle);
                self.push_line(out, fields);
            }
            Kind::BootTime | Kind::ClockChange => {
                fields.line = if v.kind == Kind::BootTime {
                    b"system boot"
                } else {
                    b"clock change"
                };
                fields.pid = b"";
                self.push_line(out, fields);
            }
            Kind::RunLevel => self.push_run_level(out, fields, e.pid()),
            Kind::InitSpawn | Kind::Login | Kind::Dead => {
                fields.comment = [b"id=", e.id_bytes(), b""];
                if v.kind == Kind::Login {
                    fields.name = b"LOGIN";
                }
                if v.kind == Kind::Dead {
                    // coreutils prints the exit status only where utmpx has one.
                    if let Some(status) = e.exit_status() {
                        fields.exit = Cell::Exit(status);
                    }
                }
                self.push_line(out, fields);
            }
        }
    }

    /// Appends a row as [`Who::push_row`] does, written in `window` first
    /// when the fast writer covers it (see `fast::write_row`).
    #[inline]
    fn push_row_in<B: Borrow<RecordBytes>>(
        &self,
        out: &mut Vec<u8>,
        window: &mut [u8; fast::WINDOW],
        v: &RowView<'_, B>,
        time: &[u8],
    ) {
        match fast::write_row(self, v, time, window).and_then(|n| window.get(..n)) {
            Some(row) => out.extend_from_slice(row),
            None => self.push_row(out, v, time),
        }
    }

    /// A `RUN_LVL` row: the levels are in the pid.
    fn push_run_level(&self, out: &mut Vec<u8>, fields: Fields<'_>, pid: i32) {
        // The C code's `unsigned char` conversions of pid / 256 and pid % 256.
        let last = (pid / 256) as u8;
        let current = (pid % 256) as u8;
        let line = [
            b'r', b'u', b'n', b'-', b'l', b'e', b'v', b'e', b'l', b' ', current,
        ];
        let last = [if last == b'N' { b'S' } else { last }];
        let shown = last[0].is_ascii_graphic() || last[0] == b' ';
        self.push_line(
            out,
            Fields {
                // `run-level ` and the current level when it is not NUL.
                line: if current == 0 { &line[..10] } else { &line },
                comment: if shown {
                    [b"last=", &last, b""]
                } else {
                    fields.comment
                },
                pid: b"",
                ..fields
            },
        );
    }

    /// `who`'s `print_line`: fixed columns, trailing blanks removed, appended
    /// to `out`.
    fn push_line(&self, out: &mut Vec<u8>, f: Fields<'_>) {
        let r = self.resolved();
        let start = out.len();
        let mut row = Cells { out, blanks: 0 };
        row.pad(&[f.name], 8);
        if self.mesg {
            row.blank(1);
            row.byte(f.state);
        }
        row.blank(1);
        row.pad(&[f.line], 12);
        row.blank(1);
        row.pad(&[f.time], self.time_format.width());
        if self.idle && !r.short {
            row.blank(1);
            row.cell(&f.idle, 6);
        }
        if !r.short {
            row.blank(1);
            row.blank(10usize.saturating_sub(f.pid.len()));
            row.text(f.pid);
        }
        row.blank(1);
        row.pad(&f.comment, 8);
        if self.exit {
            row.blank(1);
            row.cell(&f.exit, 12);
        }
        // The blanks held back are dropped; those a text ended with go too.
        while out.len() > start && out.last() == Some(&b' ') {
            out.pop();
        }
        out.push(b'\n');
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
        // Rows are made in one buffer and written a block at a time.
        let mut buf = Vec::with_capacity(WRITE_BLOCK.saturating_add(512));
        if self.heading {
            buf.extend_from_slice(&self.heading_line());
        }
        let terminals = self.shows_terminals();
        let mut times = TimeText::new(env);
        let now = PassClock::read(env);
        let mut window = [0u8; fast::WINDOW];
        self.scan_views(entries, env, terminals, now, BootTime::none(), |v| {
            let time = times.text(self, v.entry.seconds());
            self.push_row_in(&mut buf, &mut window, &v, time);
            if buf.len() >= WRITE_BLOCK {
                out.write_all(&buf)?;
                buf.clear();
            }
            Ok::<(), io::Error>(())
        })?;
        out.write_all(&buf)?;
        out.flush()
    }

    /// Whether `-H` was asked: the heading line comes first.
    pub fn shows_heading(&self) -> bool {
        self.heading
    }

    /// Like `who`, stat each user's terminal, but only when a column shows it.
    fn shows_terminals(&self) -> bool {
        self.mesg || (self.idle && !self.resolved().short)
    }

    /// Appends to `out` the rows of one part of a pass over entries cut in
    /// parts (each made on its own thread, say): the rows [`Who::write`]
    /// writes for these entries, when they follow the others. The heading
    /// ([`Who::heading_line`]) and `-q` ([`Who::count_lines`]) are the whole
    /// pass's, not a part's: neither is written here.
    ///
    /// `now` is the clock read once for the whole pass; `boot_before` gives
    /// the time of the last `BOOT_TIME` entry before this part (`None`: there
    /// is none), and is called only when a user's idle time depends on it
    /// (a terminal used in the last day, before the part's own first boot).
    pub fn write_part<I, B, G>(
        &self,
        out: &mut Vec<u8>,
        entries: I,
        env: &dyn Environment,
        now: PassClock,
        boot_before: G,
    ) where
        I: IntoIterator,
        I::Item: Borrow<Entry<B>>,
        B: Borrow<RecordBytes>,
        G: FnOnce() -> Option<i64>,
    {
        let mut times = TimeText::new(env);
        let boot_time = BootTime::Unasked(boot_before);
        let mut window = [0u8; fast::WINDOW];
        self.scan_views(entries, env, self.shows_terminals(), now, boot_time, |v| {
            let time = times.text(self, v.entry.seconds());
            self.push_row_in(out, &mut window, &v, time);
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap_or_else(|never| match never {});
    }
}

/// The clock of one pass of `who`, read once (as `who` reads it once for
/// its idle times), and shared by the parts of a pass ([`Who::write_part`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassClock(i64);

impl PassClock {
    /// Reads `env`'s clock.
    pub fn read(env: &dyn Environment) -> Self {
        PassClock(clock::unix_seconds(env.now()))
    }
}

/// The time of the last boot before an entry: known, or to be asked (once)
/// of whoever knows the entries before these (`None` there: no boot).
enum BootTime<G> {
    Known(i64),
    Unasked(G),
}

impl BootTime<fn() -> Option<i64>> {
    /// No boot before the first entry.
    fn none() -> Self {
        BootTime::Known(i64::MIN)
    }
}

impl<G: FnOnce() -> Option<i64>> BootTime<G> {
    /// The time, asked now if it was not yet.
    fn get(&mut self) -> i64 {
        let t = match std::mem::replace(self, BootTime::Known(i64::MIN)) {
            BootTime::Known(t) => t,
            BootTime::Unasked(ask) => ask().unwrap_or(i64::MIN),
        };
        *self = BootTime::Known(t);
        t
    }
}

/// [`Who::write`] hands its output to the writer in blocks of about this
/// many bytes.
const WRITE_BLOCK: usize = 64 * 1024;

/// A row before it is kept or written: why the entry is shown, the entry
/// (borrowed), and for users the terminal's status.
struct RowView<'e, B> {
    kind: Kind,
    entry: &'e Entry<B>,
    mesg: Option<Mesg>,
    idle: Option<Idle>,
}

/// The time text of the last row, and the local day its date part stands
/// for: records come in time order, so most rows repeat their predecessor's
/// day, and only the hour and minute are made again.
struct TimeText {
    /// The zone, with its day cache.
    clock: clock::LocalClock,
    /// The local date (year, month, day) of the date part in `text`.
    date: Option<(i64, i64, i64)>,
    /// The date part's length in `text`.
    date_len: usize,
    text: Vec<u8>,
}

impl TimeText {
    fn new(env: &dyn Environment) -> Self {
        TimeText {
            clock: clock::LocalClock::new(env.time_zone().clone()),
            date: None,
            date_len: 0,
            text: Vec::with_capacity(32),
        }
    }

    /// `seconds` as `who` writes it in local time (the seconds themselves
    /// when the year does not fit C's `struct tm`, as `localtime` fails).
    fn text(&mut self, who: &Who, seconds: i64) -> &[u8] {
        // The day's cache, else as `localtime` (a day whose offset changes).
        let civil = self.clock.cached(seconds).or_else(|| {
            let zone = self.clock.zone();
            clock::civil_at(seconds, zone.offset_at(seconds))
        });
        let Some(c) = civil else {
            self.date = None;
            self.text.clear();
            self.text.extend_from_slice(seconds.to_string().as_bytes());
            return &self.text;
        };
        let date = (c.year, c.month, c.day);
        if self.date != Some(date) {
            self.text.clear();
            who.push_date(&mut self.text, &c);
            self.date = Some(date);
            self.date_len = self.text.len();
        }
        self.text.truncate(self.date_len);
        clock::push_hhmm(&mut self.text, &c);
        &self.text
    }
}

/// At most this many terminals' status are remembered in one pass.
const TERMINALS_CACHED: usize = 4096;

/// The status of each terminal already examined in one pass: a wtmp names
/// the same few lines again and again, and each `stat` is a system call
/// (coreutils `who` makes one per user row). Emptied when it holds
/// [`TERMINALS_CACHED`] devices, so memory stays bounded.
#[derive(Default)]
struct TerminalCache {
    seen: LineMap<Option<Terminal>>,
}

impl TerminalCache {
    /// The status of the terminal on the record's line: `/dev/` + the line
    /// (or the line itself when absolute), as `who` builds it.
    fn status(&mut self, rec: &RecordBytes, env: &dyn Environment) -> Option<Terminal> {
        let line = layout::c_str(rec, layout::UT_LINE);
        if let Some(known) = self.seen.get(rec, line.len()) {
            return known;
        }
        let device = if line.first() == Some(&b'/') {
            PathBuf::from(OsStr::from_bytes(line))
        } else {
            crate::environment::device(line)
        };
        let status = env.terminal(&device);
        if self.seen.len() >= TERMINALS_CACHED {
            self.seen.clear();
        }
        self.seen.insert(rec, line.len(), status);
        status
    }
}

/// `who`'s `IS_USER_PROCESS`: a `USER_PROCESS` entry with a user name.
fn is_user<B: Borrow<RecordBytes>>(entry: &Entry<B>) -> bool {
    is_user_of(entry.entry_type(), entry)
}

/// [`is_user`] of an entry of type `t`.
#[inline]
fn is_user_of<B: Borrow<RecordBytes>>(t: EntryType, entry: &Entry<B>) -> bool {
    t == EntryType::UserProcess && !entry.user_bytes().is_empty()
}

/// The `mesg` mark and idle time of a user's terminal.
fn terminal_status<B: Borrow<RecordBytes>, G: FnOnce() -> Option<i64>>(
    entry: &Entry<B>,
    boot_time: &mut BootTime<G>,
    now: i64,
    env: &dyn Environment,
    devices: &mut TerminalCache,
) -> (Mesg, Idle) {
    let Some(term) = devices.status(entry.as_bytes(), env) else {
        return (Mesg::Unknown, Idle::Unknown);
    };
    let mesg = if term.writable {
        Mesg::Writable
    } else {
        Mesg::NotWritable
    };
    let when = term.accessed;
    let idle = if when == 0 {
        Idle::Unknown
    // The boot is asked last: only a terminal used in the last day needs it.
    } else if now.saturating_sub(86_400) < when && when <= now && boot_time.get() < when {
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
    idle: Cell<'a>,
    pid: &'a [u8],
    /// In parts, written one after the other (`(` host `)`, `id=` id).
    comment: [&'a [u8]; 3],
    exit: Cell<'a>,
}

/// A column whose text is made as it is written.
enum Cell<'a> {
    Text(&'a [u8]),
    Idle(Idle),
    /// `term=T exit=E`.
    Exit(ExitStatus),
}

/// A row being written: blanks are held back until a text follows them,
/// so a row has no trailing blanks to take off but those of its last text
/// (and no blank is written twice).
struct Cells<'o> {
    out: &'o mut Vec<u8>,
    /// Blanks owed before the next text.
    blanks: usize,
}

impl Cells<'_> {
    /// `n` blanks (written before the next text, if any).
    #[inline]
    fn blank(&mut self, n: usize) {
        self.blanks = self.blanks.saturating_add(n);
    }

    /// Writes the blanks owed.
    #[inline]
    fn flush(&mut self) {
        clock::push_fill(self.out, b' ', self.blanks);
        self.blanks = 0;
    }

    /// A text, after the blanks owed (nothing for an empty one).
    #[inline]
    fn text(&mut self, text: &[u8]) {
        if !text.is_empty() {
            self.flush();
            self.out.extend_from_slice(text);
        }
    }

    /// One character (a blank is owed like the others).
    #[inline]
    fn byte(&mut self, c: u8) {
        if c == b' ' {
            self.blank(1);
        } else {
            self.flush();
            self.out.push(c);
        }
    }

    /// `%-Ns`: the parts, then blanks up to `width`.
    #[inline]
    fn pad(&mut self, parts: &[&[u8]], width: usize) {
        let mut len = 0usize;
        for part in parts {
            self.text(part);
            len = len.saturating_add(part.len());
        }
        self.blank(width.saturating_sub(len));
    }

    /// `%-Ns` of a cell.
    fn cell(&mut self, cell: &Cell<'_>, width: usize) {
        if let Cell::Text(text) = *cell {
            return self.pad(&[text], width);
        }
        // The blanks owed go before, not into the cell's width.
        self.flush();
        let start = self.out.len();
        match *cell {
            // Padded above.
            Cell::Text(_) => {}
            Cell::Idle(idle) => push_idle(self.out, idle),
            Cell::Exit(status) => {
                self.out.extend_from_slice(b"term=");
                self.out
                    .extend_from_slice(Decimal::new().of(status.termination.into()));
                self.out.extend_from_slice(b" exit=");
                self.out
                    .extend_from_slice(Decimal::new().of(status.exit.into()));
            }
        }
        debug_assert!(self.out.len() >= start, "only appended to");
        self.blank(width.saturating_sub(self.out.len().wrapping_sub(start)));
    }
}

/// The `IDLE` column's text.
fn push_idle(out: &mut Vec<u8>, idle: Idle) {
    match idle {
        Idle::Active => out.extend_from_slice(b"  .  "),
        Idle::Old => out.extend_from_slice(b" old "),
        Idle::Unknown => out.extend_from_slice(b"  ?"),
        Idle::For(s) => {
            // `%02d:%02d` of the hours and the minutes.
            let (hours, minutes) = (s / 3600, s % 3600 / 60);
            for (i, n) in [hours, minutes].into_iter().enumerate() {
                if i == 1 {
                    out.push(b':');
                }
                if n < 10 {
                    out.push(b'0');
                }
                out.extend_from_slice(Decimal::new().of(n.into()));
            }
        }
    }
}

/// Room for the digits of any `u64` and a minus sign.
const DECIMAL_MAX: usize = 21;
const _: () = assert!(u64::MAX.ilog10() + 2 == DECIMAL_MAX as u32);

/// A number's decimal digits, written without the formatting machinery.
struct Decimal {
    buf: [u8; DECIMAL_MAX],
}

impl Decimal {
    fn new() -> Self {
        Decimal {
            buf: [0; DECIMAL_MAX],
        }
    }

    // `at` starts at DECIMAL_MAX and drops once per digit (a u64 has at most
    // DECIMAL_MAX - 1, asserted above) and once for the sign: it never goes
    // below 0, so the subtractions and the indexing stay in bounds.
    #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    fn of(&mut self, v: i64) -> &[u8] {
        let mut at = DECIMAL_MAX;
        let mut n = v.unsigned_abs();
        // Two digits at a time while more than two are left (a pid has
        // up to seven), then the last one or two.
        while n >= 100 {
            at -= 2;
            [self.buf[at], self.buf[at + 1]] = clock::two((n % 100) as u32);
            n /= 100;
        }
        if n >= 10 {
            at -= 2;
            [self.buf[at], self.buf[at + 1]] = clock::two(n as u32);
        } else {
            at -= 1;
            self.buf[at] = b'0' + n as u8;
        }
        if v < 0 {
            at -= 1;
            self.buf[at] = b'-';
        }
        &self.buf[at..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::EntryBuilder;
    use crate::entry::ExitStatus;
    use crate::environment::FixedEnvironment;

    #[test]
    fn kind_names_round_trip() {
        crate::enum_list::assert_names_round_trip::<Kind>();
        assert!("boot-time".parse::<Kind>().is_err());
    }

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
    fn parts_written_apart_are_the_whole_pass() {
        let boot = |t| build(EntryBuilder::new(EntryType::BootTime).line("~").seconds(t));
        let e = [
            boot(T),
            user("u", "tty1", "", 1, T + 60),
            user("v", "tty2", "h", 2, T + 120),
            boot(T + 300),
            user("u", "tty1", "", 3, T + 400),
        ];
        let terminal = |accessed| Terminal {
            accessed,
            writable: true,
            owner: 0,
        };
        // tty1 used between the boots: idle after the first, old after the second.
        let env = FixedEnvironment::new(T + 600)
            .terminal("/dev/tty1", terminal(T + 1))
            .terminal("/dev/tty2", terminal(T - 1));
        let who = Who::new().all();
        let whole = text(&who, &e, &env);
        assert!(
            whole.contains("00:09") && whole.contains(" old "),
            "{whole}"
        );
        let now = PassClock::read(&env);
        for split in 0..=e.len() {
            let (head, tail) = e.split_at(split);
            let mut out = Vec::new();
            let mut asked = [false, false];
            who.write_part(&mut out, head, &env, now, || {
                asked[0] = true;
                None
            });
            let before = head
                .iter()
                .rev()
                .find(|e| e.entry_type() == EntryType::BootTime);
            who.write_part(&mut out, tail, &env, now, || {
                asked[1] = true;
                before.map(|b| b.seconds())
            });
            assert_eq!(String::from_utf8(out).unwrap(), whole, "split at {split}");
            // Asked only for a user row before the part's own first boot.
            let starts_with_user = |p: &[Entry]| {
                p.first()
                    .is_some_and(|e| e.entry_type() == EntryType::UserProcess)
            };
            assert_eq!(asked, [starts_with_user(head), starts_with_user(tail)]);
        }
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
    fn times_across_a_daylight_saving_change_are_local() {
        // Central Europe, 2013-03-31: 01:00 UTC is 02:00 CET, then 03:00 CEST.
        let cet = TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        let env = FixedEnvironment::new(T).time_zone(cet);
        let at = |day: i64, secs: i64| (15_794 + day) * 86_400 + secs;
        let e = [
            user("a", "pts/0", "", 1, at(0, 12 * 3600)),
            user("b", "pts/1", "", 2, at(1, 1800)),
            user("c", "pts/2", "", 3, at(1, 5400)),
            user("d", "pts/3", "", 4, at(1, 7200)),
            user("e", "pts/4", "", 5, at(2, 12 * 3600)),
        ];
        assert_eq!(
            text(&Who::new(), &e, &env),
            "a        pts/0        2013-03-30 13:00\n\
             b        pts/1        2013-03-31 01:30\n\
             c        pts/2        2013-03-31 03:30\n\
             d        pts/3        2013-03-31 04:00\n\
             e        pts/4        2013-04-01 14:00\n"
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

    #[test]
    fn decimal_digits_are_those_of_display() {
        for v in [
            0,
            7,
            -1,
            9,
            10,
            -10,
            99,
            100,
            65_535,
            i64::from(i32::MIN),
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(Decimal::new().of(v), v.to_string().as_bytes(), "{v}");
        }
    }

    proptest::proptest! {
        #[test]
        fn decimal_digits_match_display_for_any_i64(v in proptest::num::i64::ANY) {
            let (mut digits, want) = (Decimal::new(), v.to_string());
            proptest::prop_assert_eq!(digits.of(v), want.as_bytes());
        }
    }

    proptest::proptest! {
        // A row written with its blanks held back is the row written with
        // every blank, its trailing blanks then taken off (`print_line`).
        #[cfg_attr(miri, ignore = "safe code; slow under Miri")]
        #[test]
        fn held_back_blanks_equal_padding_then_trimming(
            cells in proptest::collection::vec(
                (proptest::collection::vec(proptest::prop_oneof![proptest::strategy::Just(b' '), b'a'..=b'c'], 0..6), 0usize..8, 0usize..3),
                0..8,
            )
        ) {
            let mut held = Vec::new();
            let mut row = Cells { out: &mut held, blanks: 0 };
            let mut padded = Vec::new();
            for (text, width, before) in &cells {
                row.blank(*before);
                row.pad(&[text], *width);
                padded.resize(padded.len() + before, b' ');
                padded.extend_from_slice(text);
                padded.resize(padded.len() + width.saturating_sub(text.len()), b' ');
            }
            while held.last() == Some(&b' ') {
                held.pop();
            }
            while padded.last() == Some(&b' ') {
                padded.pop();
            }
            proptest::prop_assert_eq!(held, padded);
        }
    }

    #[test]
    fn idle_text_is_printf_02d_02d() {
        for s in [
            60,
            61,
            3_599,
            3_600,
            9 * 3_600 + 5 * 60,
            86_399,
            100 * 3_600,
            u32::MAX,
        ] {
            let want = format!("{:02}:{:02}", s / 3600, s % 3600 / 60);
            assert_eq!(Idle::For(s).text(), want, "{s}");
        }
        assert_eq!(Idle::Active.text(), "  .  ");
        assert_eq!(Idle::Old.text(), " old ");
        assert_eq!(Idle::Unknown.text(), "  ?");
    }

    /// An environment that counts `stat`s, in a zone whose UTC offset
    /// jumps by an hour at `T + 30` (mid-minute).
    struct Counting {
        inner: FixedEnvironment,
        stats: std::cell::Cell<usize>,
        zone: TimeZone,
    }

    impl Environment for Counting {
        fn now(&self) -> std::time::SystemTime {
            Environment::now(&self.inner)
        }
        fn boot_time(&self) -> Option<std::time::SystemTime> {
            Environment::boot_time(&self.inner)
        }
        fn user_uid(&self, user: &[u8]) -> Option<u32> {
            Environment::user_uid(&self.inner, user)
        }
        fn process_exists(&self, pid: i32) -> bool {
            Environment::process_exists(&self.inner, pid)
        }
        fn loginuid(&self, pid: i32) -> crate::environment::LoginUid {
            Environment::loginuid(&self.inner, pid)
        }
        fn terminal(&self, device: &std::path::Path) -> Option<Terminal> {
            self.stats.set(self.stats.get() + 1);
            Environment::terminal(&self.inner, device)
        }
        fn time_zone(&self) -> &TimeZone {
            &self.zone
        }
    }

    #[test]
    fn written_rows_equal_the_rows_formatted_one_by_one() {
        // Same minute twice, the offset jumping between two entries of one
        // UTC minute, a minute boundary, each terminal seen several times.
        let times = [T, T + 10, T + 40, T + 59, T + 60, T + 3_600 * 30];
        let e: Vec<Entry> = times
            .iter()
            .enumerate()
            .map(|(i, &t)| user("u", ["pts/0", "pts/1"][i % 2], "", 9, t))
            .collect();
        let seen = Terminal {
            accessed: T - 600,
            writable: true,
            owner: 0,
        };
        let env = Counting {
            inner: FixedEnvironment::new(T + 1_000)
                .terminal("/dev/pts/0", seen)
                .terminal("/dev/pts/1", seen),
            stats: std::cell::Cell::new(0),
            // T is 2013-08-28 (day 240 of the year) 10:00:00 UTC.
            zone: TimeZone::from_posix("UTC0XST-1,J240/10:00:30,J365/23:00").unwrap(),
        };
        assert_eq!(env.zone.offset_at(T + 29), 0);
        assert_eq!(env.zone.offset_at(T + 30), 3_600);
        let classic = Who::new().all().time_format(TimeFormat::Classic);
        for who in [
            Who::new(),
            Who::new().all(),
            Who::new().users().mesg(),
            classic,
        ] {
            let one_by_one: Vec<u8> = who
                .rows(&e, &env)
                .iter()
                .flat_map(|r| who.format_row(r))
                .collect();
            env.stats.set(0);
            let mut written = Vec::new();
            who.write(&mut written, &e, &env).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(one_by_one).unwrap()
            );
            // Two terminals, each examined once by the writer (when shown).
            let shown = who.mesg || who.idle;
            assert_eq!(env.stats.get(), if shown { 2 } else { 0 });
        }
        let text = text(&Who::new(), &e, &env);
        assert!(
            text.contains("2013-08-28 10:00\n") && text.contains("2013-08-28 11:00\n"),
            "{text}"
        );
    }
}
