//! One row of wtmpdb's `wtmp` table, decoded from SQLite's values.
//!
//! Pure data: no SQLite here, so the decoding is tested by property tests
//! and fuzzed without a database.

use std::fmt;
use std::time::SystemTime;

use crate::clock;
use crate::enum_list::enum_list;

/// One value of a column as SQLite stores it (its storage class).
///
/// A `TEXT` value is any bytes: SQLite does not check that text is valid
/// UTF-8, so neither does the decoder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// `NULL`.
    Null,
    /// A 64-bit signed integer.
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text, as the bytes stored.
    Text(&'a [u8]),
    /// A blob.
    Blob(&'a [u8]),
}

impl Value<'_> {
    fn storage_class(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Integer(_) => "an integer",
            Value::Real(_) => "a real number",
            Value::Text(_) => "text",
            Value::Blob(_) => "a blob",
        }
    }
}

enum_list! {
    /// What a row records (the `Type` column).
    ///
    /// wtmpdb's numbers are its own, not utmp's: 1 boot, 2 runlevel, 3 login.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum RowType(i64) {
        /// `1` (`BOOT_TIME`): the system booted; `Logout` is its shutdown.
        Boot = 1,
        /// `2` (`RUNLEVEL`): a runlevel change (unused with systemd).
        RunLevel = 2,
        /// `3` (`USER_PROCESS`): a user's login.
        Login = 3,
    }
    /// Any other number, kept (built only by [`RowType::from_raw`]: never
    /// one of the numbers above).
    other Other(
        /// A `Type` number that wtmpdb does not name, kept in [`RowType::Other`].
        UnknownRowType
    );
}

/// Why a row could not be decoded: the column and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The row's `ID`, when that column could be read.
    pub id: Option<i64>,
    /// The column's name (`Login`).
    pub column: &'static str,
    /// What is wrong (`is NULL`, `is text, not an integer`).
    pub problem: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id {
            Some(id) => write!(
                f,
                "row with ID {id}: column {} {}",
                self.column, self.problem
            ),
            None => write!(f, "a row: column {} {}", self.column, self.problem),
        }
    }
}

impl std::error::Error for RowError {}

/// The columns of the `wtmp` table in the order [`Row::decode`] takes them.
pub const COLUMNS: [&str; 8] = [
    "ID",
    "Type",
    "User",
    "Login",
    "Logout",
    "TTY",
    "RemoteHost",
    "Service",
];

/// One row of the `wtmp` table, decoded exactly: 64-bit microsecond times,
/// text as its bytes (any length, any encoding).
///
/// The four text columns share one buffer (one allocation per row, none
/// when a row is decoded again in place with [`Row::decode_into`], or
/// copied with `clone_from`).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Row {
    id: i64,
    row_type: RowType,
    login: i64,
    logout: Option<i64>,
    /// `User`, `TTY`, `RemoteHost`, `Service`, one after the other.
    text: Vec<u8>,
    /// Where each of the four ends in `text`.
    ends: [usize; 4],
    /// Bit i set: text column i is not NULL (`User` never is).
    present: u8,
}

impl Clone for Row {
    fn clone(&self) -> Row {
        let mut row = Row::default();
        row.clone_from(self);
        row
    }

    /// Reuses this row's buffer.
    fn clone_from(&mut self, source: &Row) {
        self.id = source.id;
        self.row_type = source.row_type;
        self.login = source.login;
        self.logout = source.logout;
        self.text.clone_from(&source.text);
        self.ends = source.ends;
        self.present = source.present;
    }
}

impl Default for Row {
    fn default() -> Row {
        Row {
            id: 0,
            row_type: RowType::from_raw(0),
            login: 0,
            logout: None,
            text: Vec::new(),
            ends: [0; 4],
            present: 1,
        }
    }
}

impl Row {
    /// Decodes the eight values of a row, in the order of [`COLUMNS`]
    /// (`ID, Type, User, Login, Logout, TTY, RemoteHost, Service`).
    ///
    /// `ID`, `Type` and `Login` must be integers and `Logout` an integer or
    /// NULL; `User` must be text (or a blob, or an integer, taken as its
    /// decimal text), and `TTY`, `RemoteHost`, `Service` text, a blob, an
    /// integer or NULL. Nothing else is checked: any time and any bytes are
    /// kept as they are.
    ///
    /// # Errors
    ///
    /// [`RowError`] naming the first column that breaks these rules.
    pub fn decode(values: [Value<'_>; 8]) -> Result<Row, RowError> {
        let mut row = Row::default();
        row.decode_into(values)?;
        Ok(row)
    }

    /// [`Row::decode`] into this row, reusing its buffer. On error the row
    /// holds a mix of old and new values.
    ///
    /// # Errors
    ///
    /// As [`Row::decode`].
    pub fn decode_into(&mut self, values: [Value<'_>; 8]) -> Result<(), RowError> {
        let [id, row_type, user, login, logout, tty, host, service] = values;
        self.id = match id {
            Value::Integer(n) => n,
            other => return Err(RowError::wrong(None, "ID", &other, "an integer")),
        };
        let id = Some(self.id);
        self.row_type = match row_type {
            Value::Integer(n) => RowType::from_raw(n),
            other => return Err(RowError::wrong(id, "Type", &other, "an integer")),
        };
        if matches!(user, Value::Null | Value::Real(_)) {
            return Err(RowError::wrong(id, "User", &user, "text"));
        }
        self.login = match login {
            Value::Integer(n) => n,
            other => return Err(RowError::wrong(id, "Login", &other, "an integer")),
        };
        self.logout = match logout {
            Value::Integer(n) => Some(n),
            Value::Null => None,
            other => return Err(RowError::wrong(id, "Logout", &other, "an integer or NULL")),
        };
        self.text.clear();
        self.present = 0;
        let columns = [
            ("User", user),
            ("TTY", tty),
            ("RemoteHost", host),
            ("Service", service),
        ];
        for (i, ((name, v), end)) in columns.into_iter().zip(self.ends.iter_mut()).enumerate() {
            let present = match v {
                Value::Null => false,
                Value::Text(b) | Value::Blob(b) => {
                    self.text.extend_from_slice(b);
                    true
                }
                // What SQLite's text conversion gives (and wtmpdb would print).
                Value::Integer(n) => {
                    use std::io::Write;
                    let _ = write!(self.text, "{n}");
                    true
                }
                other @ Value::Real(_) => return Err(RowError::wrong(id, name, &other, "text")),
            };
            if present {
                self.present |= 1 << i;
            }
            *end = self.text.len();
        }
        Ok(())
    }

    /// A row from its parts (for tests and conversions).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: i64,
        row_type: RowType,
        user: impl Into<Vec<u8>>,
        login: i64,
        logout: Option<i64>,
        tty: Option<Vec<u8>>,
        host: Option<Vec<u8>>,
        service: Option<Vec<u8>>,
    ) -> Row {
        let user = user.into();
        fn text(t: &Option<Vec<u8>>) -> Value<'_> {
            match t {
                Some(b) => Value::Blob(b),
                None => Value::Null,
            }
        }
        let mut row = Row::default();
        // Integers and blobs only: cannot fail.
        let _ = row.decode_into([
            Value::Integer(id),
            Value::Integer(row_type.raw()),
            Value::Blob(&user),
            Value::Integer(login),
            logout.map_or(Value::Null, Value::Integer),
            text(&tty),
            text(&host),
            text(&service),
        ]);
        row
    }

    /// Text column `i` (0 `User` .. 3 `Service`), `None` when NULL.
    fn column(&self, i: usize) -> Option<&[u8]> {
        if self.present & (1 << i) == 0 {
            return None;
        }
        let start = match i.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.text.get(start..end)
    }

    /// The row's `ID`.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The `Type`.
    pub fn row_type(&self) -> RowType {
        self.row_type
    }

    /// The `User` as stored (`reboot` or `soft-reboot` for a boot).
    pub fn user(&self) -> &[u8] {
        self.column(0).unwrap_or_default()
    }

    /// `Login`: microseconds since the epoch (UTC), exactly as stored.
    pub fn login_micros(&self) -> i64 {
        self.login
    }

    /// `Logout`: microseconds since the epoch, `None` while the session is
    /// open (NULL). For a boot, the shutdown.
    pub fn logout_micros(&self) -> Option<i64> {
        self.logout
    }

    /// `Login` as a `SystemTime`.
    pub fn login(&self) -> SystemTime {
        micros_to_time(self.login)
    }

    /// `Logout` as a `SystemTime`.
    pub fn logout(&self) -> Option<SystemTime> {
        self.logout.map(micros_to_time)
    }

    /// `TTY` as stored (`~` for a boot), `None` when NULL.
    pub fn tty(&self) -> Option<&[u8]> {
        self.column(1)
    }

    /// `RemoteHost` as stored (the kernel release for a boot), `None` when
    /// NULL.
    pub fn host(&self) -> Option<&[u8]> {
        self.column(2)
    }

    /// `Service`: the PAM service (`sshd`, `login`), `None` when NULL.
    pub fn service(&self) -> Option<&[u8]> {
        self.column(3)
    }
}

impl RowError {
    fn wrong(id: Option<i64>, column: &'static str, got: &Value<'_>, want: &str) -> RowError {
        RowError {
            id,
            column,
            problem: format!("is {}, not {want}", got.storage_class()),
        }
    }
}

/// Microseconds since the epoch as a `SystemTime` (exact: every `i64` of
/// microseconds is in `SystemTime`'s range on Unix).
pub(crate) fn micros_to_time(us: i64) -> SystemTime {
    let secs = us.div_euclid(1_000_000);
    // 0..1_000_000: fits a u32.
    let micros = u32::try_from(us.rem_euclid(1_000_000)).unwrap_or(0);
    clock::from_unix(secs, micros)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn values<'a>(login: Value<'a>, logout: Value<'a>) -> [Value<'a>; 8] {
        [
            Value::Integer(7),
            Value::Integer(3),
            Value::Text(b"alice"),
            login,
            logout,
            Value::Text(b"pts/0"),
            Value::Null,
            Value::Text(b"sshd"),
        ]
    }

    #[test]
    fn a_login_decodes_exactly() {
        let row = Row::decode(values(Value::Integer(1_700_000_100_123_456), Value::Null)).unwrap();
        assert_eq!(row.id(), 7);
        assert_eq!(row.row_type(), RowType::Login);
        assert_eq!(row.user(), b"alice");
        assert_eq!(row.login_micros(), 1_700_000_100_123_456);
        assert_eq!(
            row.login(),
            UNIX_EPOCH + Duration::from_micros(1_700_000_100_123_456)
        );
        assert_eq!(row.logout(), None);
        assert_eq!(row.tty(), Some(&b"pts/0"[..]));
        assert_eq!(row.host(), None);
        assert_eq!(row.service(), Some(&b"sshd"[..]));
    }

    #[test]
    fn negative_and_extreme_times_are_kept() {
        let row = Row::decode(values(Value::Integer(-1), Value::Integer(i64::MAX))).unwrap();
        assert_eq!(row.login(), UNIX_EPOCH - Duration::from_micros(1));
        assert_eq!(
            row.logout(),
            Some(UNIX_EPOCH + Duration::from_micros(i64::MAX as u64))
        );
        let row = Row::decode(values(Value::Integer(i64::MIN), Value::Null)).unwrap();
        assert_eq!(
            row.login(),
            UNIX_EPOCH - Duration::from_micros(i64::MIN.unsigned_abs())
        );
    }

    #[test]
    fn wrong_storage_classes_name_the_column() {
        let e = Row::decode(values(Value::Null, Value::Null)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row with ID 7: column Login is NULL, not an integer"
        );
        let e = Row::decode(values(Value::Integer(1), Value::Text(b"soon"))).unwrap_err();
        assert_eq!(e.column, "Logout");
        let e = Row::decode(values(Value::Real(1.5), Value::Null)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row with ID 7: column Login is a real number, not an integer"
        );
        let mut v = values(Value::Integer(1), Value::Null);
        v[2] = Value::Null;
        assert_eq!(Row::decode(v).unwrap_err().column, "User");
        v[0] = Value::Text(b"x");
        assert_eq!(
            Row::decode(v).unwrap_err().to_string(),
            "a row: column ID is text, not an integer"
        );
    }

    #[test]
    fn text_keeps_any_bytes() {
        let mut v = values(Value::Integer(1), Value::Null);
        v[2] = Value::Text(b"\xff\xfe\0x");
        v[6] = Value::Blob(b"\x80");
        v[7] = Value::Integer(-12);
        let row = Row::decode(v).unwrap();
        assert_eq!(row.user(), b"\xff\xfe\0x");
        assert_eq!(row.host(), Some(&b"\x80"[..]));
        assert_eq!(row.service(), Some(&b"-12"[..]));
    }

    #[test]
    fn types_round_trip() {
        for raw in [-1, 0, 1, 2, 3, 4, i64::MAX] {
            assert_eq!(RowType::from_raw(raw).raw(), raw);
        }
        assert_eq!(RowType::from_raw(1), RowType::Boot);
        assert_eq!(RowType::from_raw(2), RowType::RunLevel);
        for t in RowType::ALL {
            assert_eq!(RowType::from_raw(t.raw()), t);
        }
        for raw in -2..10 {
            let named = RowType::ALL.iter().any(|t| t.raw() == raw);
            let other = matches!(RowType::from_raw(raw), RowType::Other(u) if u.raw() == raw);
            assert_eq!(other, !named, "{raw}");
        }
    }
}
