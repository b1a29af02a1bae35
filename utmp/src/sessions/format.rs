//! `last`'s text layout, byte for byte as util-linux 2.41+ prints it.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::str::FromStr;
use std::time::SystemTime;

use super::clock::{self, TimeZone};
use super::{End, Session};
use crate::layout::{self, RECORD_SIZE};

/// How `last` shows times (`--time-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TimeFormat {
    /// `notime`: no times, only the length column.
    NoTime,
    /// `short` (the default): `Wed Aug 28 11:00 - 12:00`.
    #[default]
    Short,
    /// `full` (`-F`): `Wed Aug 28 11:00:00 2013 - Wed Aug 28 12:00:00 2013`.
    Full,
    /// `iso`: `2013-08-28T11:00:00+00:00 - 2013-08-28T12:00:00+00:00`.
    Iso,
}

impl TimeFormat {
    /// The `--time-format` name.
    pub const fn as_str(self) -> &'static str {
        match self {
            TimeFormat::NoTime => "notime",
            TimeFormat::Short => "short",
            TimeFormat::Full => "full",
            TimeFormat::Iso => "iso",
        }
    }

    /// Widths of the login and logout columns.
    const fn widths(self) -> (usize, usize) {
        match self {
            TimeFormat::NoTime => (0, 0),
            TimeFormat::Short => (16, 7),
            TimeFormat::Full => (24, 26),
            TimeFormat::Iso => (25, 27),
        }
    }
}

impl fmt::Display for TimeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A time format name that is not `notime`, `short`, `full` or `iso`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time format: {0}")]
pub struct ParseTimeFormatError(String);

impl FromStr for TimeFormat {
    type Err = ParseTimeFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "notime" => Ok(TimeFormat::NoTime),
            "short" => Ok(TimeFormat::Short),
            "full" => Ok(TimeFormat::Full),
            "iso" => Ok(TimeFormat::Iso),
            other => Err(ParseTimeFormatError(other.to_owned())),
        }
    }
}

/// Where the host column goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum HostColumn {
    /// Third column (the default).
    #[default]
    Third,
    /// Last column (`-a`), never cut.
    Last,
    /// Not shown (`-R`).
    Hidden,
}

/// Writes sessions in util-linux `last`'s layout.
///
/// Columns: user (8 wide, cut with a `*` as the 8th character when longer),
/// line (12, cut), host (16, cut with `*`), login time, logout, length.
/// [`full_names`](LastFormat::full_names) (`-w`) keeps user and host whole.
/// Lines end without trailing blanks; control characters come out as `*X`
/// (`*A` for 0x01), bytes that are not printable as `\ooo` octal (valid UTF-8
/// passes when [`utf8`](LastFormat::utf8) is set, as in a UTF-8 locale).
#[derive(Debug, Clone)]
pub struct LastFormat {
    time: TimeFormat,
    host: HostColumn,
    full_names: bool,
    numeric: bool,
    separator: u8,
    utf8: bool,
    tz: TimeZone,
}

impl LastFormat {
    /// The default layout (short times, host third, cut columns), local
    /// times in `tz`.
    pub fn new(tz: TimeZone) -> Self {
        LastFormat {
            time: TimeFormat::Short,
            host: HostColumn::Third,
            full_names: false,
            numeric: false,
            separator: b' ',
            utf8: false,
            tz,
        }
    }

    /// How times are shown.
    #[must_use]
    pub fn time_format(mut self, t: TimeFormat) -> Self {
        self.time = t;
        self
    }

    /// Where the host goes.
    #[must_use]
    pub fn host_column(mut self, h: HostColumn) -> Self {
        self.host = h;
        self
    }

    /// Whole user and host names (`-w`).
    #[must_use]
    pub fn full_names(mut self, yes: bool) -> Self {
        self.full_names = yes;
        self
    }

    /// The address as numbers instead of the host name (`-i`); `0.0.0.0`
    /// when none is recorded.
    #[must_use]
    pub fn numeric_address(mut self, yes: bool) -> Self {
        self.numeric = yes;
        self
    }

    /// The column separator (`-T`: a tab); a space by default.
    #[must_use]
    pub fn separator(mut self, sep: u8) -> Self {
        self.separator = sep;
        self
    }

    /// Pass printable UTF-8 through (a UTF-8 locale); otherwise every byte
    /// above 0x7f is written as `\ooo` (the C locale).
    #[must_use]
    pub fn utf8(mut self, yes: bool) -> Self {
        self.utf8 = yes;
        self
    }

    /// The time format in use.
    pub fn time(&self) -> TimeFormat {
        self.time
    }

    fn login_text(&self, t: i64) -> String {
        match self.time {
            TimeFormat::NoTime => String::new(),
            TimeFormat::Short | TimeFormat::Full => clock::ctime(&self.tz.civil(t)),
            TimeFormat::Iso => clock::iso(&self.tz.civil(t)),
        }
    }

    fn logout_text(&self, t: i64) -> String {
        match self.time {
            TimeFormat::NoTime => String::new(),
            TimeFormat::Short => clock::hhmm(&self.tz.civil(t)),
            TimeFormat::Full => clock::ctime(&self.tz.civil(t)),
            TimeFormat::Iso => clock::iso(&self.tz.civil(t)),
        }
    }

    /// Appends one session's line (with its newline) to `out`.
    pub fn write_session(&self, s: &Session, out: &mut Vec<u8>) {
        let mut raw = Vec::with_capacity(160);
        self.raw_line(s, &mut raw);
        careful(&raw, self.utf8, out);
        out.push(b'\n');
    }

    /// The line before trailing blanks are cut and characters made safe.
    fn raw_line(&self, s: &Session, line: &mut Vec<u8>) {
        let login = s.entry().seconds();
        let until = s.until_seconds();
        let (in_len, out_len) = self.time.widths();
        let long = self.time > TimeFormat::Short;

        let mut logout = b"- ".to_vec();
        logout.extend_from_slice(self.logout_text(until).as_bytes());
        let mut length = duration_text(until.saturating_sub(login)).into_bytes();
        let mut set = |a: &[u8], b: &[u8]| {
            logout = a.to_vec();
            length = b.to_vec();
        };
        match s.end() {
            End::StillRunning => {
                if long {
                    set(b"  still running", b"");
                } else {
                    set(b"  still", b"running");
                }
            }
            End::Crash(_) => logout = b"- crash".to_vec(),
            End::Down(_) => logout = b"- down ".to_vec(),
            End::StillLoggedIn => {
                if long {
                    set(b"  still logged in", b"");
                } else {
                    set(b"  still", b"logged in");
                }
            }
            End::GoneNoLogout => match self.time {
                TimeFormat::NoTime => set(b"", b"no logout"),
                TimeFormat::Short => set(b"   gone", b"- no logout"),
                _ => set(b"  gone - no logout", b""),
            },
            End::Instant => set(b"", b""),
            End::LoggedOut(_) | End::StillDown | End::Failed => {}
        }

        let sep = self.separator;
        let user = s.user_bytes();
        let name_len = if self.full_names {
            layout::UT_USER.len
        } else {
            8
        };
        pad(line, &marked(user, name_len, !self.full_names), 8);
        line.push(sep);
        let shown = s.match_line();
        pad(line, cut(&shown, 12), 12);
        line.push(sep);

        let domain = match (self.numeric, self.host) {
            (_, HostColumn::Hidden) => Vec::new(),
            (true, _) => numeric_address(s.entry().address_bytes()).into_bytes(),
            (false, _) => cut(s.host_bytes(), 255).to_vec(),
        };
        if self.host == HostColumn::Third {
            let domain_len = if self.full_names {
                layout::UT_HOST.len
            } else {
                16
            };
            pad(line, &marked(&domain, domain_len, !self.full_names), 16);
            line.push(sep);
        }
        pad(line, cut(self.login_text(login).as_bytes(), in_len), in_len);
        line.push(sep);
        pad(line, cut(&logout, out_len), out_len);
        line.push(sep);
        if self.host == HostColumn::Last {
            pad(line, cut(&length, 12), 12);
            line.push(sep);
            line.extend_from_slice(&domain);
        } else {
            line.extend_from_slice(&length);
        }
        while line.last().is_some_and(|&c| is_c_space(c)) {
            line.pop();
        }
    }

    /// Appends the footer, `\n<file name> begins <time>\n` (nothing with
    /// [`TimeFormat::NoTime`]).
    pub fn write_footer(&self, file: &Path, begins: SystemTime, out: &mut Vec<u8>) {
        if self.time == TimeFormat::NoTime {
            return;
        }
        let t = clock::unix_seconds(begins);
        let when = match self.time {
            TimeFormat::Iso => clock::iso(&self.tz.civil(t)),
            _ => clock::ctime(&self.tz.civil(t)),
        };
        let name = file.file_name().unwrap_or(file.as_os_str());
        out.push(b'\n');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b" begins ");
        out.extend_from_slice(when.as_bytes());
        out.push(b'\n');
    }
}

/// When a file of records begins, for the footer: the first record's time
/// (whole seconds), or the file's status-change time when it holds no whole
/// record (as util-linux does).
///
/// # Errors
///
/// [`crate::Error::Io`] when the file cannot be opened or read.
pub fn begins(path: impl AsRef<Path>) -> crate::Result<SystemTime> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let path = path.as_ref();
    let wrap = |e| crate::Error::Io {
        path: Some(path.to_owned()),
        source: e,
    };
    let mut file = std::fs::File::open(path).map_err(wrap)?;
    let mut first = [0u8; RECORD_SIZE];
    match file.read_exact(&mut first) {
        Ok(()) => {
            let e = crate::EntryRef::from_array(&first);
            Ok(clock::from_unix_seconds(e.seconds()))
        }
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            let meta = file.metadata().map_err(wrap)?;
            Ok(clock::from_unix_seconds(meta.ctime()))
        }
        Err(e) => Err(wrap(e)),
    }
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// At most `n` bytes.
fn cut(b: &[u8], n: usize) -> &[u8] {
    b.get(..n).unwrap_or(b)
}

/// At most `n` bytes; when longer and `mark`, the last kept byte is `*`.
fn marked(b: &[u8], n: usize, mark: bool) -> Vec<u8> {
    let mut v = cut(b, n).to_vec();
    if mark && b.len() > n {
        if let Some(last) = v.last_mut() {
            *last = b'*';
        }
    }
    v
}

/// `%-Ns`: left-aligned, padded with spaces to `width` bytes.
fn pad(out: &mut Vec<u8>, b: &[u8], width: usize) {
    out.extend_from_slice(b);
    out.resize(
        out.len().saturating_add(width.saturating_sub(b.len())),
        b' ',
    );
}

/// The length column: `(01:00)` with a leading space, `(1+02:03)`, or
/// `(-00:05)` for an end before the start, exactly as util-linux computes it.
fn duration_text(secs: i64) -> String {
    let mins = (secs / 60) % 60;
    let hours = (secs / 3600) % 24;
    let days = secs / 86_400;
    if days != 0 {
        format!("({days}+{:02}:{:02})", hours.abs(), mins.abs())
    } else if hours != 0 {
        format!(" ({hours:02}:{:02})", mins.abs())
    } else if secs >= 0 {
        format!(" ({hours:02}:{mins:02})")
    } else {
        format!(" (-00:{:02})", mins.abs())
    }
}

/// The address in numbers, as `getnameinfo(NI_NUMERICHOST)` writes it:
/// IPv4 when the last three words are zero or it is IPv4-mapped.
fn numeric_address(a: [u8; 16]) -> String {
    let [a0, a1, a2, a3, rest @ ..] = a;
    let v4 = if rest.iter().all(|&b| b == 0) {
        Some(Ipv4Addr::new(a0, a1, a2, a3))
    } else if a.get(..10).is_some_and(|r| r.iter().all(|&b| b == 0))
        && a.get(10..12) == Some(&[0xff, 0xff][..])
    {
        let [.., w, x, y, z] = a;
        Some(Ipv4Addr::new(w, x, y, z))
    } else {
        None
    };
    if let Some(v4) = v4 {
        return v4.to_string();
    }
    let v6 = Ipv6Addr::from(a);
    let seg = v6.segments();
    // inet_ntop writes IPv4-compatible addresses (::a.b.c.d) in dotted form.
    if seg.get(..6).is_some_and(|s| s.iter().all(|&w| w == 0)) && seg.get(6) != Some(&0) {
        let [.., w, x, y, z] = a;
        return format!("::{}", Ipv4Addr::new(w, x, y, z));
    }
    IpAddr::V6(v6).to_string()
}

/// util-linux's `fputs_careful`: printable ASCII, tab, CR, BEL and newline as
/// they are; other control characters as `*` and the character + 0x40;
/// other bytes as `\ooo`, except printable UTF-8 when `utf8`.
fn careful(line: &[u8], utf8: bool, out: &mut Vec<u8>) {
    let mut i = 0;
    while let Some(&c) = line.get(i) {
        if (0x20..0x7f).contains(&c) || matches!(c, b'\t' | b'\r' | 0x07 | b'\n') {
            out.push(c);
        } else if c < 0x80 {
            out.push(b'*');
            out.push(c ^ 0x40);
        } else {
            if utf8 {
                if let Some(n) = printable_utf8_len(line.get(i..).unwrap_or_default()) {
                    out.extend_from_slice(
                        line.get(i..).and_then(|r| r.get(..n)).unwrap_or_default(),
                    );
                    i = i.saturating_add(n);
                    continue;
                }
            }
            out.extend_from_slice(format!("\\{c:03o}").as_bytes());
        }
        i = i.saturating_add(1);
    }
}

/// The byte length of the UTF-8 character at the start of `b` when it is
/// valid and printable (not a C1 control).
fn printable_utf8_len(b: &[u8]) -> Option<usize> {
    let n = match b.first()? {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(b.get(..n)?).ok()?;
    let ch = s.chars().next()?;
    (!ch.is_control()).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_column_by_hand() {
        assert_eq!(duration_text(3600), " (01:00)");
        assert_eq!(duration_text(0), " (00:00)");
        assert_eq!(duration_text(59), " (00:00)");
        assert_eq!(duration_text(10 * 60), " (00:10)");
        assert_eq!(duration_text(86_400 + 2 * 3600 + 3 * 60), "(1+02:03)");
        // 1970-01-01 to 2038-01-19 03:14:07 = 2^31 - 1 seconds.
        assert_eq!(duration_text(i64::from(i32::MAX)), "(24855+03:14)");
        assert_eq!(duration_text(-300), " (-00:05)");
        assert_eq!(duration_text(-2 * 3600 - 300), " (-2:05)");
        assert_eq!(duration_text(-86_400 - 3600), "(-1+01:00)");
    }

    #[test]
    fn numeric_addresses_like_getnameinfo() {
        let mut a = [0u8; 16];
        assert_eq!(numeric_address(a), "0.0.0.0");
        a[..4].copy_from_slice(&[198, 41, 0, 4]);
        assert_eq!(numeric_address(a), "198.41.0.4");
        let v6: Ipv6Addr = "2001:503:ba3e::2:30".parse().unwrap();
        assert_eq!(numeric_address(v6.octets()), "2001:503:ba3e::2:30");
        let mapped: Ipv6Addr = "::ffff:10.1.2.3".parse().unwrap();
        assert_eq!(numeric_address(mapped.octets()), "10.1.2.3");
        let compat: Ipv6Addr = "::10.1.2.3".parse().unwrap();
        assert_eq!(numeric_address(compat.octets()), "::10.1.2.3");
        let one: Ipv6Addr = "::1".parse().unwrap();
        assert_eq!(numeric_address(one.octets()), "::1");
    }

    #[test]
    fn careful_output() {
        let mut out = Vec::new();
        careful(b"a\x01b\x7f\tc\xc3\xa9\xff", false, &mut out);
        assert_eq!(out, b"a*Ab*?\tc\\303\\251\\377");
        out.clear();
        careful(b"\xc3\xa9\xc2\x85", true, &mut out);
        assert_eq!(out, b"\xc3\xa9\\302\\205");
    }

    #[test]
    fn marks_and_pads() {
        assert_eq!(marked(b"never-gonna-logout", 16, true), b"never-gonna-log*");
        assert_eq!(
            marked(b"never-gonna-logout", 16, false),
            b"never-gonna-logo"
        );
        assert_eq!(marked(b"exactly8", 8, true), b"exactly8");
        let mut v = Vec::new();
        pad(&mut v, b"ab", 4);
        assert_eq!(v, b"ab  ");
        assert_eq!("iso".parse::<TimeFormat>(), Ok(TimeFormat::Iso));
        assert!("long".parse::<TimeFormat>().is_err());
    }
}
