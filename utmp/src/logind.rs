//! Current sessions from systemd-logind (or elogind): the session files under
//! `/run/systemd/sessions`, read the way sd-login reads them.
//!
//! On systems that keep no `/run/utmp` (Debian 13, openSUSE), logind is the
//! only record of who is logged in. Each session is a file
//! `/run/systemd/sessions/<id>` of `KEY=value` lines (`UID`, `USER`, `TTY`,
//! `SEAT`, `REMOTE_HOST`, `CLASS`, `LEADER`, `REALTIME`, ...), which logind
//! rewrites atomically (a temporary hidden file renamed over the old one).
//!
//! ```no_run
//! # fn main() -> utmp::Result<()> {
//! for session in utmp::logind::Sessions::open()? {
//!     let session = session?;
//!     println!(
//!         "{} {} on {}",
//!         session.id(),
//!         String::from_utf8_lossy(session.user().unwrap_or_default()),
//!         session.entry().line_lossy(),
//!     );
//! }
//! # Ok(()) }
//! ```
//!
//! # Why the files, and not libsystemd
//!
//! This module parses the files itself, in pure Rust, instead of loading
//! `libsystemd.so.0` at run time:
//!
//! * it builds and runs on every target (musl, the BSDs, macOS) with no C
//!   library and no `unsafe`; the sessions folder is simply absent where there
//!   is no logind, and tests point [`Sessions::open_in`] at fixtures;
//! * libsystemd 252 (Debian 12) has no `sd_session_get_start_time`,
//!   `sd_session_get_leader` or `sd_session_get_username` (they came in 254),
//!   so the start time, the leader and the user name would have to come from
//!   the files anyway;
//! * elogind keeps the same files in the same place, and a static or musl
//!   binary cannot `dlopen` a glibc `libsystemd`.
//!
//! The price: the files begin with `# This is private data. Do not parse.`
//! Their format has been stable since systemd 209 and elogind uses it too;
//! what is read here is checked field by field against the real sd-login
//! 252 (the `logind_oracle` test), so a change in format shows up there.
//!
//! # The rules, as sd-login applies them
//!
//! * **Listing** ([`Sessions`]): the entries of the folder that are regular
//!   files, symbolic links or of unknown type; hidden names (`.#5a1b2c`, the
//!   temporary files logind writes) and backup names (`~`, `.dpkg-old`,
//!   `.rpmnew`, ...) are skipped, as are FIFOs (`5.ref`), sockets, devices and
//!   folders. A listed name that is not a session id (letters and digits
//!   only) is an error item, never a quiet omission. Sessions come sorted by
//!   id (numbers in numeric order), where sd-login returns directory order.
//! * **Reading**: the file is opened without blocking, and must be a regular
//!   file (a symbolic link to a FIFO or a folder is an error, not a hang) of
//!   at most [`MAX_FILE_SIZE`] bytes (4 MiB - 1; see below). A file with a
//!   NUL byte is an error, as for sd-login (`EBADMSG`).
//! * **Parsing** ([`parse`]): systemd 252's env-file rules exactly: `#` and
//!   `;` start comment lines (a comment ending in `\` continues onto the next
//!   line); blanks around keys and unquoted values are dropped; `\` escapes
//!   the next character outside quotes (`\` + newline joins lines); `'...'`
//!   is literal; inside `"..."`, `\` before one of `` "\`$ `` escapes it,
//!   before a newline joins lines, and is kept before anything else; quoted
//!   and unquoted pieces of one value are joined; a key without `=` is
//!   ignored; the last of a repeated key wins; an unterminated quote at the
//!   end of a half-written file ends the value there.
//! * **Values**: an empty value counts as absent (sd-login's `ENODATA`).
//!   `UID` is a decimal without sign, blanks or leading zeros, neither
//!   65535 nor 4294967295 (systemd's `parse_uid`); `ACTIVE` and `REMOTE` are
//!   systemd booleans (`1 yes y true t on`, `0 no n false f off`, any case).
//!   logind writes `REMOTE_HOST`, `REMOTE_USER`, `SERVICE` and `DESKTOP`
//!   C-escaped; sd-login undoes that only for `DESKTOP`, and this module
//!   returns the values exactly as sd-login does. `LEADER` (a pid: positive,
//!   fitting `pid_t`) and `REALTIME` (microseconds, fitting `u64`) are plain
//!   decimals; sd-login 252 has no getter for them or for `USER`, so the
//!   oracle test checks those three only through the shared parser.
//!
//! **Two deliberate differences**: sd-login refuses a whole file with
//! `EINVAL` when any key or value is not valid UTF-8 (every getter fails, so
//! `loginctl` and coreutils `who` lose the session). Here the bytes are kept
//! exactly ([`Session::value`] returns `&[u8]`), so such a session is still
//! listed; [`Session::is_utf8`] says whether sd-login would have read it.
//! And a file larger than [`MAX_FILE_SIZE`] is an error item here, where
//! sd-login reads it whole.
//!
//! # The `Entry` view, and what does not fit in it
//!
//! [`Session::entry`] maps a session to the record `who` and pyutmp-style
//! code understand: `USER_PROCESS` when the class starts with `user`
//! (`user`, `user-early`, `user-incomplete`), `LOGIN_PROCESS` otherwise
//! (`greeter`, `lock-screen`, `background`, `manager`, or no class);
//! `ut_user` from `USER`; `ut_line` from `TTY`, else `SEAT`, else `SERVICE`;
//! `ut_host` from `REMOTE_HOST`; `ut_pid` from `LEADER`; `ut_tv` from
//! `REALTIME` (microseconds since the epoch); `ut_session` from the id when
//! it is a number that fits.
//!
//! logind's values have no length limit; a utmp record's fields do (32 bytes
//! of user name, 32 of line, 256 of host, a 32-bit time on glibc x86_64). A
//! value that does not fit is cut at the field's end (at a character boundary
//! when the value is UTF-8), a time that does not fit is left zero, and
//! [`Session::unfit_fields`] names every field concerned, so nothing is cut
//! silently; the [`Session`] itself keeps every value whole. `utmp who` warns
//! on standard error for such a session and prints the whole values with
//! `--json`.

use std::cmp::Ordering;
use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::encoder::EntryBuilder;
use crate::entry::Entry;
use crate::entry_type::EntryType;
use crate::error::{Error, Result};
use crate::layout;

/// The folder logind (and elogind) keeps its session files in.
pub fn sessions_dir() -> &'static Path {
    Path::new("/run/systemd/sessions")
}

/// The largest session file read (4 MiB - 1): a larger one is an error.
///
/// logind's files are well under a kilobyte. sd-login 252 reads a regular
/// file of any size (a 64 MiB one in a trial; the `logind_oracle` test checks
/// one a byte over this bound); this bound keeps a stray huge file in the
/// folder from exhausting memory.
pub const MAX_FILE_SIZE: u64 = 4 * 1024 * 1024 - 1;

/// One logind session: every `KEY=value` pair of its file, whole, with typed
/// accessors for the keys sd-login reads.
///
/// The string accessors return `None` when the key is absent or its value
/// empty (sd-login's `ENODATA`), and the exact bytes otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    id: String,
    /// Every key and value, one after the other.
    data: Vec<u8>,
    /// Each assignment: where its key starts, where its value starts, where
    /// its value ends, in `data`.
    spans: Vec<(usize, usize, usize)>,
    /// For each of [`KNOWN`], the last assignment of it, if any.
    known: [Option<usize>; KNOWN.len()],
}

/// The keys the typed accessors read, found once when parsing.
const KNOWN: [&str; 15] = [
    "UID",
    "USER",
    "TTY",
    "SEAT",
    "DISPLAY",
    "REMOTE_HOST",
    "REMOTE_USER",
    "SERVICE",
    "TYPE",
    "CLASS",
    "STATE",
    "ACTIVE",
    "REMOTE",
    "LEADER",
    "REALTIME",
];

/// The index of `key` in [`KNOWN`] (a `match`, so a length test first).
const fn known_slot(key: &[u8]) -> Option<usize> {
    Some(match key {
        b"UID" => 0,
        b"USER" => 1,
        b"TTY" => 2,
        b"SEAT" => 3,
        b"DISPLAY" => 4,
        b"REMOTE_HOST" => 5,
        b"REMOTE_USER" => 6,
        b"SERVICE" => 7,
        b"TYPE" => 8,
        b"CLASS" => 9,
        b"STATE" => 10,
        b"ACTIVE" => 11,
        b"REMOTE" => 12,
        b"LEADER" => 13,
        b"REALTIME" => 14,
        _ => return None,
    })
}

// `known_slot` is the inverse of `KNOWN`: checked by the compiler.
#[allow(clippy::indexing_slicing)] // i < KNOWN.len(), in a constant
const _: () = {
    let mut i = 0;
    while i < KNOWN.len() {
        assert!(matches!(known_slot(KNOWN[i].as_bytes()), Some(slot) if slot == i));
        i += 1;
    }
};

impl Session {
    /// A session with this id made of the contents of its file (parsed with
    /// [`parse`]; any bytes are accepted).
    pub fn from_bytes(id: impl Into<String>, contents: &[u8]) -> Self {
        let mut data = Vec::with_capacity(contents.len());
        // logind writes about 20 keys.
        let mut spans = Vec::with_capacity(24);
        let mut known = [None; KNOWN.len()];
        parse_with(contents, true, |k, v| {
            if let Some(slot) = known_slot(k).and_then(|i| known.get_mut(i)) {
                *slot = Some(spans.len());
            }
            let start = data.len();
            data.extend_from_slice(k);
            let middle = data.len();
            data.extend_from_slice(v);
            spans.push((start, middle, data.len()));
        });
        Session {
            id: id.into(),
            data,
            spans,
            known,
        }
    }

    /// The session id (the file's name: `5`, `c1`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Every assignment of the file, in file order, after unquoting; a key
    /// given twice appears twice (the last one counts, see [`value`](Session::value)).
    pub fn pairs(&self) -> impl DoubleEndedIterator<Item = (&[u8], &[u8])> {
        self.spans
            .iter()
            .map(|&(k, v, end)| (recorded(&self.data, k, v), recorded(&self.data, v, end)))
    }

    /// The value of `key` (the last assignment wins), possibly empty; `None`
    /// when the file does not assign it. Any key, known or not.
    pub fn value(&self, key: &str) -> Option<&[u8]> {
        match known_slot(key.as_bytes()) {
            Some(slot) => {
                let index = (*self.known.get(slot)?)?;
                let span = self.spans.get(index);
                debug_assert!(
                    span.is_some(),
                    "known index {index} of {}",
                    self.spans.len()
                );
                let &(_, v, end) = span?;
                Some(recorded(&self.data, v, end))
            }
            None => self
                .pairs()
                .rev()
                .find(|(k, _)| *k == key.as_bytes())
                .map(|(_, v)| v),
        }
    }

    /// The value of `key` when present and not empty (sd-login's rule).
    fn text(&self, key: &str) -> Option<&[u8]> {
        self.value(key).filter(|v| !v.is_empty())
    }

    /// `UID`: the user's id, when it is a valid uid (`parse_uid`'s rules).
    pub fn uid(&self) -> Option<u32> {
        parse_uid(self.text("UID")?)
    }

    /// `USER`: the user's name.
    pub fn user(&self) -> Option<&[u8]> {
        self.text("USER")
    }

    /// `TTY`: the terminal, without `/dev/` (`pts/0`, `tty1`).
    pub fn tty(&self) -> Option<&[u8]> {
        self.text("TTY")
    }

    /// `SEAT`: the seat (`seat0`).
    pub fn seat(&self) -> Option<&[u8]> {
        self.text("SEAT")
    }

    /// `DISPLAY`: the X11 display (`:0`).
    pub fn display(&self) -> Option<&[u8]> {
        self.text("DISPLAY")
    }

    /// `REMOTE_HOST`: where a remote session comes from, as sd-login returns
    /// it (logind C-escapes it when writing; see the [module docs](self)).
    pub fn remote_host(&self) -> Option<&[u8]> {
        self.text("REMOTE_HOST")
    }

    /// `REMOTE_USER`: the remote user name, as sd-login returns it.
    pub fn remote_user(&self) -> Option<&[u8]> {
        self.text("REMOTE_USER")
    }

    /// `SERVICE`: the PAM service that opened the session (`sshd`, `login`).
    pub fn service(&self) -> Option<&[u8]> {
        self.text("SERVICE")
    }

    /// `TYPE`: `tty`, `x11`, `wayland`, `mir`, `web` or `unspecified`.
    pub fn session_type(&self) -> Option<&[u8]> {
        self.text("TYPE")
    }

    /// `CLASS`: `user`, `greeter`, `lock-screen`, `background`, ...
    pub fn class(&self) -> Option<&[u8]> {
        self.text("CLASS")
    }

    /// `STATE`: `online`, `active` or `closing`.
    pub fn state(&self) -> Option<&[u8]> {
        self.text("STATE")
    }

    /// `ACTIVE`: whether the session is in the foreground of its seat.
    pub fn active(&self) -> Option<bool> {
        parse_boolean(self.text("ACTIVE")?)
    }

    /// `REMOTE`: whether the session is remote.
    pub fn remote(&self) -> Option<bool> {
        parse_boolean(self.text("REMOTE")?)
    }

    /// `LEADER`: the process id of the session leader, when it is a positive
    /// decimal number that fits a `pid_t`.
    pub fn leader(&self) -> Option<i32> {
        parse_decimal(self.text("LEADER")?)
            .and_then(|n| i32::try_from(n).ok())
            .filter(|&n| n > 0)
    }

    /// `REALTIME`: when the session started, in microseconds since the epoch.
    pub fn start_time_micros(&self) -> Option<u64> {
        parse_decimal(self.text("REALTIME")?)
    }

    /// `REALTIME` as a `SystemTime`.
    pub fn start_time(&self) -> Option<SystemTime> {
        UNIX_EPOCH.checked_add(Duration::from_micros(self.start_time_micros()?))
    }

    /// Whether every key and value is UTF-8 as systemd checks it (no
    /// surrogates, no non-characters): when not, sd-login refuses the whole
    /// file, while this module keeps the bytes.
    pub fn is_utf8(&self) -> bool {
        self.pairs()
            .all(|(k, v)| systemd_utf8_valid(k) && systemd_utf8_valid(v))
    }

    /// Whether the class starts with `user` (the session of a logged-in user,
    /// `USER_PROCESS` in the [`entry`](Session::entry) view).
    pub fn is_user_class(&self) -> bool {
        self.class().is_some_and(|c| c.starts_with(b"user"))
    }

    /// What `ut_line` is made from: `TTY`, else `SEAT`, else `SERVICE`.
    pub fn line(&self) -> Option<&[u8]> {
        self.tty()
            .or_else(|| self.seat())
            .or_else(|| self.service())
    }

    /// The session as a utmp record (see the [module docs](self)); values too
    /// long for their field are cut, and listed by [`unfit_fields`](Session::unfit_fields).
    pub fn entry(&self) -> Entry {
        let kind = if self.is_user_class() {
            EntryType::UserProcess
        } else {
            EntryType::LoginProcess
        };
        let [user, line, host] = self.strings();
        let base = EntryBuilder::new(kind)
            .user(cut(user.1, user.2))
            .line(cut(line.1, line.2))
            .host(cut(host.1, host.2))
            .pid(self.leader().unwrap_or(0));
        let base = match self.id.parse::<i32>() {
            Ok(n) => base.session(i64::from(n)),
            Err(_) => base,
        };
        // Every value fits now (cut, a pid_t, an i32), so this cannot fail.
        let plain = base.build();
        debug_assert!(plain.is_ok(), "{plain:?}");
        let plain = plain.unwrap_or_else(|_| Entry::zeroed());
        with_time(plain, self.start_time_micros().unwrap_or(0)).unwrap_or(plain)
    }

    /// The C fields of the [`entry`](Session::entry) view (`ut_user`,
    /// `ut_line`, `ut_host`, `ut_tv`) whose value did not fit and was cut
    /// (or, for the time, left zero); empty when the view is exact.
    pub fn unfit_fields(&self) -> Vec<&'static str> {
        let mut unfit: Vec<&'static str> = self
            .strings()
            .iter()
            .filter(|(_, value, cap)| value.len() > *cap)
            .map(|(field, _, _)| *field)
            .collect();
        if with_time(Entry::zeroed(), self.start_time_micros().unwrap_or(0)).is_none() {
            unfit.push("ut_tv");
        }
        unfit
    }

    /// The string fields of the view: C name, whole value, field size.
    fn strings(&self) -> [(&'static str, &[u8], usize); 3] {
        [
            (
                "ut_user",
                self.user().unwrap_or_default(),
                layout::UT_USER.len,
            ),
            (
                "ut_line",
                self.line().unwrap_or_default(),
                layout::UT_LINE.len,
            ),
            (
                "ut_host",
                self.remote_host().unwrap_or_default(),
                layout::UT_HOST.len,
            ),
        ]
    }
}

/// `data[start..end]`, a span recorded while `data` was filled (so always
/// inside it).
fn recorded(data: &[u8], start: usize, end: usize) -> &[u8] {
    let span = data.get(start..end);
    debug_assert!(span.is_some(), "{start}..{end} of {}", data.len());
    span.unwrap_or(&[])
}

/// `entry` with `ut_tv` set to `micros` since the epoch, when it fits.
fn with_time(entry: Entry, micros: u64) -> Option<Entry> {
    let seconds = i64::try_from(micros / 1_000_000).ok()?;
    let usec = i64::try_from(micros % 1_000_000).ok()?;
    EntryBuilder::from_entry(entry)
        .seconds(seconds)
        .microseconds(usec)
        .build()
        .ok()
}

/// The longest prefix of `value` of at most `cap` bytes, ending on a character
/// boundary when `value` is UTF-8.
fn cut(value: &[u8], cap: usize) -> &[u8] {
    let end = match std::str::from_utf8(value) {
        // The last character boundary at or below `cap` (0 always is one).
        Ok(s) => (0..=cap.min(s.len()))
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0),
        Err(_) => cap.min(value.len()),
    };
    // `end` is at most `value.len()`: split_at cannot panic.
    value.split_at(end).0
}

/// systemd's `parse_uid`: a decimal with no sign, blank or leading zero,
/// fitting 32 bits, and neither `(uid_t) -1` nor `(uint16_t) -1`.
fn parse_uid(s: &[u8]) -> Option<u32> {
    if s.len() > 1 && s.first() == Some(&b'0') {
        return None;
    }
    let n = u32::try_from(parse_decimal(s)?).ok()?;
    (n != u32::MAX && n != 0xFFFF).then_some(n)
}

/// Digits only (at least one), fitting `u64`.
fn parse_decimal(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u64, |n, &c| {
        let d = c.checked_sub(b'0').filter(|&d| d <= 9)?;
        n.checked_mul(10)?.checked_add(u64::from(d))
    })
}

/// systemd's `parse_boolean`.
fn parse_boolean(s: &[u8]) -> Option<bool> {
    const TRUE: [&[u8]; 6] = [b"1", b"yes", b"y", b"true", b"t", b"on"];
    const FALSE: [&[u8]; 6] = [b"0", b"no", b"n", b"false", b"f", b"off"];
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(s)) {
        Some(true)
    } else if FALSE.iter().any(|f| f.eq_ignore_ascii_case(s)) {
        Some(false)
    } else {
        None
    }
}

/// systemd's `utf8_is_valid`: UTF-8 without non-characters (U+FDD0..U+FDEF,
/// U+xxFFFE, U+xxFFFF).
fn systemd_utf8_valid(s: &[u8]) -> bool {
    std::str::from_utf8(s).is_ok_and(|s| {
        s.chars().all(|c| {
            let c = u32::from(c);
            !(0xFDD0..=0xFDEF).contains(&c) && c & 0xFFFE != 0xFFFE
        })
    })
}

const NEWLINE: &[u8] = b"\n\r";
const WHITESPACE: &[u8] = b" \t\n\r";
const COMMENTS: &[u8] = b"#;";
const SHELL_NEED_ESCAPE: &[u8] = b"\"\\`$";

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    PreKey,
    Key,
    PreValue,
    Value,
    ValueEscape,
    SingleQuote,
    DoubleQuote,
    DoubleQuoteEscape,
    Comment,
    CommentEscape,
}

/// Parses an env file as systemd 252's `parse_env_file` does, into its
/// assignments in file order (the caller picks the last of a repeated key).
/// A NUL byte ends the input, as it ends the C string systemd parses
/// ([`read_session`] refuses a file with one, as sd-login does). Any bytes are
/// accepted; nothing here can fail.
pub fn parse(contents: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    parse_with(contents, true, |k, v| out.push((k.to_vec(), v.to_vec())));
    out
}

/// [`parse`], handing each assignment to `push` (the buffers are reused).
///
/// `plain` takes lines that need no unquoting whole (the fast path); without
/// it every byte goes through the state machine (the tests compare the two).
fn parse_with(contents: &[u8], plain: bool, mut push_pair: impl FnMut(&[u8], &[u8])) {
    // A NUL ends the C string systemd parses.
    let contents = match contents.iter().position(|&c| c == 0) {
        Some(nul) => contents.split_at(nul).0,
        None => contents,
    };
    let mut parser = EnvParser::default();
    let mut rest = contents;
    while let Some((&c, tail)) = rest.split_first() {
        if plain && parser.state == State::PreKey {
            // Most lines are `KEY=value` with nothing to unquote: take the
            // whole line at once (what the machine would do).
            if let Some((k, v, next)) = plain_line(rest) {
                push_pair(k, v);
                rest = next;
                continue;
            }
        }
        rest = tail;
        parser.step(c, &mut push_pair);
    }
    parser.finish(&mut push_pair);
}

/// systemd 252's `parse_env_file` state machine, fed one byte at a time.
struct EnvParser {
    state: State,
    key: Vec<u8>,
    value: Vec<u8>,
    /// Where trailing blanks start in the key and in an unquoted value.
    key_ws: Option<usize>,
    value_ws: Option<usize>,
}

impl Default for EnvParser {
    fn default() -> Self {
        EnvParser {
            state: State::PreKey,
            key: Vec::new(),
            value: Vec::new(),
            key_ws: None,
            value_ws: None,
        }
    }
}

impl EnvParser {
    /// Hands the assignment read so far to `push_pair`, the key's trailing
    /// blanks cut, and the value's when `cut_value` (an unquoted value).
    fn push(&mut self, cut_value: bool, push_pair: &mut impl FnMut(&[u8], &[u8])) {
        // Each mark is a length the buffer had when the mark was set, and
        // the buffers only grow until they are cleared here.
        if let Some(ws) = self.key_ws {
            debug_assert!(ws <= self.key.len());
            self.key.truncate(ws);
        }
        if let (true, Some(ws)) = (cut_value, self.value_ws) {
            debug_assert!(ws <= self.value.len());
            self.value.truncate(ws);
        }
        push_pair(&self.key, &self.value);
        self.key.clear();
        self.value.clear();
    }

    /// Marks where a run of blanks starts in `buf`, or clears the mark.
    fn blank_mark(mark: &mut Option<usize>, buf: &[u8], c: u8) {
        if !WHITESPACE.contains(&c) {
            *mark = None;
        } else if mark.is_none() {
            *mark = Some(buf.len());
        }
    }

    fn step(&mut self, c: u8, push_pair: &mut impl FnMut(&[u8], &[u8])) {
        match self.state {
            State::PreKey => {
                if COMMENTS.contains(&c) {
                    self.state = State::Comment;
                } else if !WHITESPACE.contains(&c) {
                    self.state = State::Key;
                    self.key_ws = None;
                    self.key.push(c);
                }
            }
            State::Key => {
                if NEWLINE.contains(&c) {
                    self.state = State::PreKey;
                    self.key.clear();
                } else if c == b'=' {
                    self.state = State::PreValue;
                    self.value_ws = None;
                } else {
                    Self::blank_mark(&mut self.key_ws, &self.key, c);
                    self.key.push(c);
                }
            }
            State::PreValue => {
                if NEWLINE.contains(&c) {
                    self.state = State::PreKey;
                    self.push(false, push_pair);
                } else if let Some(next) = match c {
                    b'\'' => Some(State::SingleQuote),
                    b'"' => Some(State::DoubleQuote),
                    b'\\' => Some(State::ValueEscape),
                    _ => None,
                } {
                    self.state = next;
                } else if !WHITESPACE.contains(&c) {
                    self.state = State::Value;
                    self.value.push(c);
                }
            }
            State::Value => {
                if NEWLINE.contains(&c) {
                    self.state = State::PreKey;
                    self.push(true, push_pair);
                } else if c == b'\\' {
                    self.state = State::ValueEscape;
                    self.value_ws = None;
                } else {
                    Self::blank_mark(&mut self.value_ws, &self.value, c);
                    self.value.push(c);
                }
            }
            _ => self.step_quoted(c),
        }
    }

    /// The states inside quotes, escapes and comments.
    fn step_quoted(&mut self, c: u8) {
        match self.state {
            State::ValueEscape => {
                self.state = State::Value;
                if !NEWLINE.contains(&c) {
                    self.value.push(c);
                }
            }
            State::SingleQuote => {
                if c == b'\'' {
                    self.state = State::PreValue;
                } else {
                    self.value.push(c);
                }
            }
            State::DoubleQuote => {
                if c == b'"' {
                    self.state = State::PreValue;
                } else if c == b'\\' {
                    self.state = State::DoubleQuoteEscape;
                } else {
                    self.value.push(c);
                }
            }
            State::DoubleQuoteEscape => {
                self.state = State::DoubleQuote;
                if SHELL_NEED_ESCAPE.contains(&c) {
                    self.value.push(c);
                } else if c != b'\n' {
                    self.value.extend_from_slice(&[b'\\', c]);
                }
            }
            State::Comment => {
                if c == b'\\' {
                    self.state = State::CommentEscape;
                } else if NEWLINE.contains(&c) {
                    self.state = State::PreKey;
                }
            }
            // systemd 252: the character after a `\` in a comment stays in
            // the comment, even a newline (254 changed this).
            State::CommentEscape => self.state = State::Comment,
            State::PreKey | State::Key | State::PreValue | State::Value => {
                debug_assert!(false, "step handles the unquoted states");
            }
        }
    }

    /// The end of the input: an assignment still open is complete.
    fn finish(&mut self, push_pair: &mut impl FnMut(&[u8], &[u8])) {
        match self.state {
            State::PreValue
            | State::ValueEscape
            | State::SingleQuote
            | State::DoubleQuote
            | State::DoubleQuoteEscape => self.push(false, push_pair),
            State::Value => self.push(true, push_pair),
            State::PreKey | State::Key | State::Comment | State::CommentEscape => {}
        }
    }
}

/// A plain line at the start of `rest`: a key of ASCII letters, digits and
/// `_`, `=`, and a value with no blank, CR, quote or backslash, up to a
/// newline or the end. Returns the key, the value and what follows the
/// line (after its newline).
fn plain_line(rest: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let mut lines = rest.splitn(2, |&c| c == b'\n');
    let line = lines.next()?;
    // No newline: the line ends the input.
    let next = lines.next().unwrap_or(&[]);
    let mut sides = line.splitn(2, |&c| c == b'=');
    let (key, value) = (sides.next()?, sides.next()?);
    let key_ok = !key.is_empty() && key.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_');
    let value_ok = value
        .iter()
        .all(|&c| !matches!(c, b' ' | b'\t' | b'\r' | b'\'' | b'"' | b'\\'));
    (key_ok && value_ok).then_some((key, value, next))
}

/// Whether sd-login's `session_id_valid` accepts this id: letters and digits
/// (ASCII), at least one.
pub fn is_session_id(id: &[u8]) -> bool {
    !id.is_empty() && id.iter().all(u8::is_ascii_alphanumeric)
}

/// systemd's `hidden_or_backup_file`: names the listing skips.
fn hidden_or_backup(name: &[u8]) -> bool {
    const NAMES: [&[u8]; 3] = [b"lost+found", b"aquota.user", b"aquota.group"];
    const SUFFIXES: [&[u8]; 17] = [
        b"rpmnew",
        b"rpmsave",
        b"rpmorig",
        b"dpkg-old",
        b"dpkg-new",
        b"dpkg-tmp",
        b"dpkg-dist",
        b"dpkg-bak",
        b"dpkg-backup",
        b"dpkg-remove",
        b"ucf-new",
        b"ucf-old",
        b"ucf-dist",
        b"swp",
        b"bak",
        b"old",
        b"new",
    ];
    if name.starts_with(b".") || name.ends_with(b"~") || NAMES.contains(&name) {
        return true;
    }
    // What follows the last dot, when there is one.
    let mut parts = name.rsplitn(2, |&c| c == b'.');
    let ext = parts.next();
    parts.next().is_some() && ext.is_some_and(|ext| SUFFIXES.contains(&ext))
}

/// Reads one session file (`<dir>/<id>`) with sd-login's rules: a regular
/// file, opened without blocking, at most [`MAX_FILE_SIZE`] bytes.
///
/// # Errors
///
/// [`Error::Io`] with the path: `NotFound` (the session ended meanwhile),
/// `PermissionDenied`, `InvalidInput` for an id that is not letters and
/// digits, `InvalidData` for something other than a regular file, a file
/// larger than [`MAX_FILE_SIZE`] or one with a NUL byte, or any read error.
pub fn read_session(dir: &Path, id: &OsStr) -> Result<Session> {
    let path = dir.join(id);
    let fail = |e: io::Error| Error::io(Some(path.clone()), e);
    let Some(id) = std::str::from_utf8(id.as_bytes())
        .ok()
        .filter(|id| is_session_id(id.as_bytes()))
    else {
        return Err(fail(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a logind session id (letters and digits only)",
        )));
    };
    // O_NONBLOCK: opening a FIFO (through a symbolic link) must not wait for
    // a writer.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&path)
        .map_err(fail)?;
    let meta = file.metadata().map_err(fail)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file"
        };
        return Err(fail(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{what}, not a logind session file"),
        )));
    }
    let contents = read_limited(file, meta.len()).map_err(fail)?;
    if let Some(at) = contents.iter().position(|&c| c == 0) {
        return Err(fail(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a NUL byte at offset {at}: not a session file (sd-login refuses it too)"),
        )));
    }
    Ok(Session::from_bytes(id, &contents))
}

/// One byte more than a session file may hold: what is read at most.
const READ_LIMIT: u64 = MAX_FILE_SIZE + 1;
// So every size up to it is a `usize` (the casts below lose nothing).
const _: () = assert!(READ_LIMIT <= usize::MAX as u64);

/// `size` plus one byte, for `size` at most [`MAX_FILE_SIZE`].
#[allow(clippy::arithmetic_side_effects)] // size <= MAX_FILE_SIZE < u64::MAX
fn read_size(size: u64) -> usize {
    debug_assert!(size <= MAX_FILE_SIZE);
    size.min(MAX_FILE_SIZE) as usize + 1
}

fn read_limited(file: File, size_hint: u64) -> io::Result<Vec<u8>> {
    let too_large = || {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {MAX_FILE_SIZE} bytes, the most read of a session file"),
        )
    };
    if size_hint > MAX_FILE_SIZE {
        return Err(too_large());
    }
    // One read of the size fstat gave, plus one byte: a regular file that
    // returns less has ended (logind replaces its files by renaming, so they
    // do not grow); one that returns it all has grown, and is read on.
    let want = read_size(size_hint);
    let mut contents = vec![0; want];
    let mut file = file.take(READ_LIMIT);
    let n = loop {
        match file.read(&mut contents) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    contents.truncate(n);
    if n == want {
        file.read_to_end(&mut contents)?;
    }
    if contents.len() > MAX_FILE_SIZE as usize {
        return Err(too_large());
    }
    Ok(contents)
}

/// Orders ids as numbers when both are, numbers first, else bytewise.
fn id_order(a: &OsStr, b: &OsStr) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    match (parse_decimal(a), parse_decimal(b)) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// The sessions of a sessions folder, one item per listed file, sorted by id:
/// each a [`Session`] or the error that kept it from being read.
///
/// The folder is listed when opened; each file is read when its item is
/// taken (a session that ended meanwhile is a `NotFound` error item).
#[derive(Debug)]
pub struct Sessions {
    dir: PathBuf,
    ids: std::vec::IntoIter<std::ffi::OsString>,
}

impl Sessions {
    /// The sessions in [`sessions_dir()`].
    ///
    /// # Errors
    ///
    /// See [`Sessions::open_in`].
    pub fn open() -> Result<Self> {
        Sessions::open_in(sessions_dir())
    }

    /// The sessions in `dir` (a folder laid out like `/run/systemd/sessions`).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] with the path when the folder cannot be listed: `NotFound`
    /// when it does not exist (no logind running: sd-login reports no
    /// sessions then), `PermissionDenied`, or not a folder.
    pub fn open_in(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        let fail = |e: io::Error| Error::io(Some(dir.to_path_buf()), e);
        let mut ids = Vec::new();
        for entry in fs::read_dir(dir).map_err(fail)? {
            let entry = entry.map_err(fail)?;
            let name = entry.file_name();
            if hidden_or_backup(name.as_bytes()) {
                continue;
            }
            // d_type, or lstat where the file system does not give it (what
            // sd-login's DT_UNKNOWN case leads to when the file is opened).
            let kind = entry.file_type().map_err(fail)?;
            if kind.is_file() || kind.is_symlink() {
                ids.push(name);
            }
        }
        ids.sort_by(|a, b| id_order(a, b));
        Ok(Sessions {
            dir: dir.to_path_buf(),
            ids: ids.into_iter(),
        })
    }

    /// The folder being read.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads every remaining session at once, in order, on several threads
    /// when there are many (opening and closing thousands of small files is
    /// kernel time, which the threads share out among the cores).
    pub fn read_all(self) -> Vec<Result<Session>> {
        /// Below this many files one thread is as fast.
        const PER_THREAD: usize = 512;
        let ids: Vec<std::ffi::OsString> = self.ids.collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(8)
            .min(ids.len() / PER_THREAD)
            .max(1);
        let dir = self.dir.as_path();
        let read = |chunk: &[std::ffi::OsString]| -> Vec<Result<Session>> {
            chunk.iter().map(|id| read_session(dir, id)).collect()
        };
        if threads == 1 {
            return read(&ids);
        }
        let chunk = ids.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = ids
                .chunks(chunk)
                .map(|part| {
                    let spawned = std::thread::Builder::new()
                        .name("utmp-logind".into())
                        .spawn_scoped(scope, move || read(part));
                    (part, spawned)
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|(part, spawned)| match spawned {
                    // A thread that could not start or finish (it cannot
                    // panic: nothing in `read_session` does) is read here.
                    Ok(handle) => handle.join().unwrap_or_else(|_| read(part)),
                    Err(_) => read(part),
                })
                .collect()
        })
    }
}

impl Iterator for Sessions {
    type Item = Result<Session>;

    fn next(&mut self) -> Option<Self::Item> {
        let id = self.ids.next()?;
        Some(read_session(&self.dir, &id))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ids.size_hint()
    }
}

impl ExactSizeIterator for Sessions {}

#[cfg(test)]
mod tests;
