//! `wtmpdb last`'s text and JSON layouts, byte for byte as wtmpdb 0.75.0
//! prints them (`src/wtmpdb.c`, `print_entry`), for the sessions that
//! [`wtmpdb::Pairing`](crate::wtmpdb::Pairing) finds.

use super::last::{HostColumn, TimeFormat};
use crate::clock::{self, Civil, LocalClock, TimeZone};
use crate::sessions::End;
use crate::wtmpdb::pairing::{c_str, secs};
use crate::wtmpdb::{RowType, Session};

/// Writes sessions in `wtmpdb last`'s layout, byte for byte as wtmpdb
/// 0.75.0 prints them in the C locale.
///
/// Columns: user (8 bytes, cut; `soft-reboot` shown as `s-reboot`), tty (12,
/// cut), host (16, cut), [`service`](LastLayout::service) (12, cut), login
/// time, logout, length. Widths count bytes, as C's `printf` does, so a
/// multi-byte character takes its bytes' width and a cut may split it.
/// [`full_names`](LastLayout::full_names) (`-w`) keeps user and host whole.
/// Lines keep their trailing blanks (`crash `), as wtmpdb prints them.
/// Control bytes in the text are written as `?` (wtmpdb writes them as
/// they are, which lets a recorded name move the terminal's cursor).
#[derive(Debug, Clone)]
pub struct LastLayout {
    time: TimeFormat,
    begins: TimeFormat,
    host: HostColumn,
    full_names: bool,
    service: bool,
    clock: LocalClock,
    json_entries: u64,
    /// The login, logout and length texts of the session being written
    /// (kept to reuse their memory).
    texts: [Vec<u8>; 3],
}

impl LastLayout {
    /// wtmpdb's defaults: short times, host third, cut columns, local times
    /// in `tz`.
    pub fn new(tz: TimeZone) -> LastLayout {
        LastLayout {
            time: TimeFormat::Short,
            begins: TimeFormat::Full,
            host: HostColumn::Third,
            full_names: false,
            service: false,
            clock: LocalClock::new(tz),
            json_entries: 0,
            texts: Default::default(),
        }
    }

    /// `--time-format`: the times of the lines and of the footer.
    #[must_use]
    pub fn time_format(mut self, t: TimeFormat) -> Self {
        self.time = t;
        self.begins = t;
        self
    }

    /// `-F`: full times in the lines (the footer keeps its format, as in
    /// wtmpdb).
    #[must_use]
    pub fn full_times(mut self) -> Self {
        self.time = TimeFormat::Full;
        self
    }

    /// Where the host goes (`-a`: last, `-R`: hidden).
    #[must_use]
    pub fn host_column(mut self, h: HostColumn) -> Self {
        self.host = h;
        self
    }

    /// `-w`: user and host names whole.
    #[must_use]
    pub fn full_names(mut self, yes: bool) -> Self {
        self.full_names = yes;
        self
    }

    /// `-S`: the PAM service column.
    #[must_use]
    pub fn service(mut self, yes: bool) -> Self {
        self.service = yes;
        self
    }

    /// Login and logout column widths.
    fn widths(&self) -> (usize, usize) {
        match self.time {
            TimeFormat::NoTime => (0, 0),
            TimeFormat::Full => (24, 24),
            TimeFormat::Iso => (25, 25),
            _ => (16, 5),
        }
    }

    #[inline]
    fn civil(&mut self, t: i64) -> Civil {
        self.clock.civil(t)
    }

    /// wtmpdb's `format_time`: `fmt` of `t` (seconds); `logout` picks the
    /// short format's `%H:%M`.
    fn push_time(&mut self, out: &mut Vec<u8>, fmt: TimeFormat, t: i64, logout: bool) {
        match fmt {
            TimeFormat::NoTime => {}
            TimeFormat::Full => clock::push_ctime(out, &self.civil(t)),
            TimeFormat::Iso => push_iso_z(out, &self.civil(t)),
            _ if logout => clock::push_hhmm(out, &self.civil(t)),
            _ => {
                // "%a %b %e %H:%M": ctime's first 16 bytes.
                let at = out.len();
                clock::push_ctime(out, &self.civil(t));
                out.truncate(at.saturating_add(16));
            }
        }
    }

    /// The login, logout and length texts of a session, into `texts`.
    fn times(&mut self, s: &Session<'_>, texts: &mut [Vec<u8>; 3]) {
        let [login, logout, length] = texts;
        login.clear();
        logout.clear();
        length.clear();
        self.push_time(login, self.time, secs(s.start), false);
        let hhmm = !matches!(
            self.time,
            TimeFormat::NoTime | TimeFormat::Full | TimeFormat::Iso
        );
        if s.stop != 0 {
            self.push_time(logout, self.time, secs(s.stop), true);
            push_length(length, s.start, s.stop);
            return;
        }
        let (a, b): (&[u8], &[u8]) = match (s.end, s.row.row_type()) {
            (End::Crash(_), _) => (b"crash", b""),
            (_, RowType::Login) if hhmm => (b"still", b"logged in"),
            (_, RowType::Login) => (b"still logged in", b""),
            (_, RowType::Boot) if hhmm => (b"still", b"running"),
            (_, RowType::Boot) => (b"still running", b""),
            (_, other) => {
                logout.extend_from_slice(b"ERROR");
                length.extend_from_slice(b"Unknown: ");
                clock::push_int(length, other.raw(), 0, false, false);
                return;
            }
        };
        logout.extend_from_slice(a);
        length.extend_from_slice(b);
    }

    /// Appends one session's line (with its newline).
    pub fn write_session(&mut self, s: &Session<'_>, out: &mut Vec<u8>) {
        let start = out.len();
        self.raw_line(s, out);
        // Control bytes (a newline or an escape sequence in a user or host
        // name) become `?`, one byte for one: wtmpdb passes them to the
        // terminal.
        if let Some(line) = out.get_mut(start..) {
            for c in line.iter_mut().filter(|c| **c < 0x20 || **c == 0x7f) {
                *c = b'?';
            }
        }
        out.push(b'\n');
    }

    /// The line without its newline.
    fn raw_line(&mut self, s: &Session<'_>, out: &mut Vec<u8>) {
        let mut texts = std::mem::take(&mut self.texts);
        self.times(s, &mut texts);
        let [login, logout, length] = &texts;
        let (login_len, logout_len) = self.widths();
        let user = c_str(s.user());
        let user = if !self.full_names && user == b"soft-reboot" {
            &b"s-reboot"[..]
        } else {
            user
        };
        let user_prec = if self.full_names { user.len() } else { 8 };
        printf_s(out, user, 8, user_prec);
        out.push(b' ');
        printf_s(out, c_str(s.line()), 12, 12);
        let host = c_str(s.host());
        if self.host == HostColumn::Third {
            out.push(b' ');
            let prec = if self.full_names { host.len() } else { 16 };
            printf_s(out, host, 16, prec);
        }
        if self.service {
            out.push(b' ');
            printf_s(out, c_str(s.service()), 12, 12);
        }
        out.push(b' ');
        printf_s(out, login, login_len, login_len);
        out.extend_from_slice(b" - ");
        printf_s(out, logout, logout_len, logout_len);
        out.push(b' ');
        if self.host == HostColumn::Last {
            printf_s(out, length, 12, 12);
            out.push(b' ');
            out.extend_from_slice(host);
        } else {
            out.extend_from_slice(length);
        }
        self.texts = texts;
    }

    /// Appends the footer: `\n<name> begins <time>\n`, nothing under
    /// `--time-format notime`; `<name> has no entries\n` when no row was
    /// read. `name` is what wtmpdb shows: the `-f` argument as given, or
    /// `wtmpdb`.
    pub fn write_footer(&mut self, name: &[u8], begins_micros: Option<i64>, out: &mut Vec<u8>) {
        match begins_micros {
            None => {
                out.extend_from_slice(name);
                out.extend_from_slice(b" has no entries\n");
            }
            Some(_) if self.begins == TimeFormat::NoTime => {}
            Some(t) => {
                out.push(b'\n');
                out.extend_from_slice(name);
                out.extend_from_slice(b" begins ");
                self.push_time(out, self.begins, secs(t), false);
                out.push(b'\n');
            }
        }
    }

    /// Appends the start of `-j`'s JSON document.
    pub fn write_json_start(&mut self, out: &mut Vec<u8>) {
        self.json_entries = 0;
        out.extend_from_slice(b"{\n   \"entries\": [\n");
    }

    /// Appends one session as an entry of `-j`'s JSON document: wtmpdb's
    /// keys and layout, strings escaped (wtmpdb does not escape them: a `"`
    /// in a host name makes its output invalid JSON), bytes that are not
    /// UTF-8 replaced by U+FFFD.
    pub fn write_json_session(&mut self, s: &Session<'_>, out: &mut Vec<u8>) {
        let mut texts = std::mem::take(&mut self.texts);
        self.times(s, &mut texts);
        let [login, logout, length] = &texts;
        if self.json_entries > 0 {
            out.extend_from_slice(b",\n");
        }
        self.json_entries = self.json_entries.saturating_add(1);
        let field = |out: &mut Vec<u8>, key: &str, value: &[u8], last: bool| {
            out.extend_from_slice(b"       \"");
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"\": ");
            push_json_string(out, value);
            out.extend_from_slice(if last { b"\n" } else { b",\n" });
        };
        out.extend_from_slice(b"     { \"user\": ");
        push_json_string(out, c_str(s.user()));
        out.extend_from_slice(b",\n");
        field(out, "tty", c_str(s.line()), false);
        if self.host != HostColumn::Hidden {
            field(out, "hostname", c_str(s.host()), false);
        }
        if self.service {
            // wtmpdb prints its column text here: a blank, then the
            // service padded to 12.
            let mut service = vec![b' '];
            printf_s(&mut service, c_str(s.service()), 12, 12);
            field(out, "service", &service, false);
        }
        field(out, "login", login, false);
        if matches!(length.first(), Some(b' ' | b'(')) {
            field(out, "logout", logout, false);
            field(out, "length", remove_parentheses(length), true);
        } else {
            let mut both = logout.clone();
            both.push(b' ');
            both.extend_from_slice(length);
            field(out, "logout", &both, true);
        }
        out.extend_from_slice(b"     }");
        self.texts = texts;
    }

    /// Appends the end of `-j`'s JSON document, with `"start"` (the
    /// footer's time) unless times are off or no row was read. Where
    /// wtmpdb leaves the `entries` array open (no rows), it is closed.
    pub fn write_json_end(&mut self, begins_micros: Option<i64>, out: &mut Vec<u8>) {
        match begins_micros {
            Some(t) if self.begins != TimeFormat::NoTime => {
                out.extend_from_slice(b"\n   ],\n   \"start\": \"");
                let mut text = Vec::new();
                self.push_time(&mut text, self.begins, secs(t), false);
                push_json_chars(out, &text);
                out.extend_from_slice(b"\"\n");
            }
            _ => out.extend_from_slice(b"\n   ]\n"),
        }
        out.extend_from_slice(b"}\n");
    }
}

/// printf's `%-W.Ps`: at most `precision` bytes, padded with blanks to
/// `width`.
fn printf_s(out: &mut Vec<u8>, s: &[u8], width: usize, precision: usize) {
    let s = s.get(..precision).unwrap_or(s);
    out.extend_from_slice(s);
    clock::push_fill(out, b' ', width.saturating_sub(s.len()));
}

/// wtmpdb's `calc_time_length` of two microsecond times, in its unsigned
/// arithmetic (an end before the start wraps around, as wtmpdb prints it).
fn push_length(out: &mut Vec<u8>, start: i64, stop: i64) {
    let secs = (stop as u64).wrapping_sub(start as u64) / 1_000_000;
    let mins = (secs / 60 % 60) as i64;
    let hours = (secs / 3600 % 24) as i64;
    // At most 2^64 / 10^6 / 86,400 < 2^28: fits.
    let days = (secs / 86_400) as i64;
    if days > 0 {
        out.push(b'(');
        clock::push_int(out, days, 0, false, false);
        out.push(b'+');
        clock::push_int(out, hours, 2, true, false);
        out.push(b':');
        clock::push_int(out, mins, 2, true, false);
        out.push(b')');
    } else if hours > 0 {
        out.extend_from_slice(b" (");
        clock::push_int(out, hours, 2, true, false);
        out.push(b':');
        clock::push_int(out, mins, 2, true, false);
        out.push(b')');
    } else {
        out.extend_from_slice(b" (00:");
        clock::push_int(out, mins, 2, true, false);
        out.push(b')');
    }
}

/// wtmpdb's `remove_parentheses`: what is between `(` and `)`.
fn remove_parentheses(s: &[u8]) -> &[u8] {
    use crate::byte_split::{around_first, before_first};
    around_first(s, b'(').map_or(s, |(_, rest)| before_first(rest, b')'))
}

/// strftime's `%FT%T%z`: `2023-11-14T22:13:20+0000`.
fn push_iso_z(out: &mut Vec<u8>, c: &Civil) {
    clock::push_int(out, c.year, 4, true, c.year > 9999);
    out.push(b'-');
    clock::push_int(out, c.month, 2, true, false);
    out.push(b'-');
    clock::push_int(out, c.day, 2, true, false);
    out.push(b'T');
    clock::push_int(out, c.hour, 2, true, false);
    out.push(b':');
    clock::push_int(out, c.minute, 2, true, false);
    out.push(b':');
    clock::push_int(out, c.second, 2, true, false);
    out.push(if c.offset < 0 { b'-' } else { b'+' });
    let off = c.offset.unsigned_abs();
    clock::push_int(out, (off / 3600) as i64, 2, true, false);
    clock::push_int(out, (off / 60 % 60) as i64, 2, true, false);
}

/// A JSON string of bytes, quoted and escaped.
fn push_json_string(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'"');
    push_json_chars(out, b);
    out.push(b'"');
}

/// The escaped characters of a JSON string (invalid UTF-8 replaced).
fn push_json_chars(out: &mut Vec<u8>, b: &[u8]) {
    for ch in String::from_utf8_lossy(b).chars() {
        match ch {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                out.extend_from_slice(format!("\\u{:04x}", u32::from(c)).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wtmpdb::pairing::USEC;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn lengths_as_wtmpdb_computes_them() {
        let m = 60 * USEC;
        assert_eq!(text(|o| push_length(o, 0, 59 * USEC)), " (00:00)");
        assert_eq!(text(|o| push_length(o, 0, 61 * m)), " (01:01)");
        assert_eq!(text(|o| push_length(o, 0, 25 * 60 * m)), "(1+01:00)");
        // An end before the start wraps around (wtmpdb's unsigned
        // arithmetic): what it prints for a shutdown after a later boot.
        assert_eq!(text(|o| push_length(o, 60 * USEC, 0)), "(213503982+08:00)");
    }

    #[test]
    fn printf_precision_counts_bytes() {
        assert_eq!(text(|o| printf_s(o, "ève".as_bytes(), 8, 8)), "ève    ");
        let mut v = Vec::new();
        printf_s(&mut v, "éééé".as_bytes(), 3, 3);
        assert_eq!(v, b"\xc3\xa9\xc3");
    }

    #[test]
    fn parentheses_and_iso() {
        assert_eq!(remove_parentheses(b" (00:01)"), b"00:01");
        assert_eq!(remove_parentheses(b"(1+01:00)"), b"1+01:00");
        assert_eq!(remove_parentheses(b"crash"), b"crash");
        let c = TimeZone::fixed(-(5 * 3600 + 30 * 60)).civil(1_700_000_000);
        assert_eq!(text(|o| push_iso_z(o, &c)), "2023-11-14T16:43:20-0530");
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(
            text(|o| push_json_string(o, b"a\"b\\c\n\x01\xff")),
            "\"a\\\"b\\\\c\\n\\u0001\u{fffd}\""
        );
    }
}
