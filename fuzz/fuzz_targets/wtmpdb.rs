//! wtmpdb rows: arbitrary column values through `Row::decode`, `wtmpdb
//! last`'s pairing under arbitrary options and its text and JSON layouts;
//! and an input that starts with SQLite's header, as a database file
//! opened with `utmp::wtmpdb::Database`. Nothing panics; a decoded row
//! keeps every value exactly; each row gives at most a shutdown line and
//! its own line, both of that very row.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use utmp::layouts::last::{HostColumn, TimeFormat};
use utmp::layouts::wtmpdb_last::LastLayout;
use utmp::sessions::TimeZone;
use utmp::wtmpdb::{sort_newest_first, Database, Pairing, Row, Selection, Value, SQLITE_HEADER};

/// Bytes taken from the front of the input.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn i64(&mut self) -> Option<i64> {
        let mut b = [0u8; 8];
        for d in &mut b {
            *d = self.byte()?;
        }
        Some(i64::from_le_bytes(b))
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.byte()? % 48).min(self.0.len());
        let (b, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(b)
    }

    /// One value: its storage class from a byte, then its content.
    fn value(&mut self) -> Option<Value<'a>> {
        Some(match self.byte()? % 8 {
            0 => Value::Null,
            1 => Value::Real(f64::from_bits(self.i64()? as u64)),
            2 => Value::Text(self.bytes()?),
            3 => Value::Blob(self.bytes()?),
            // Small integers often (types, times near each other).
            4 => Value::Integer(i64::from(self.byte()? % 5)),
            5 => Value::Integer(1_700_000_000_000_000 + i64::from(self.byte()?) * 60_000_000),
            _ => Value::Integer(self.i64()?),
        })
    }
}

fn check_row(values: &[Value<'_>; 8], row: &Row) {
    assert_eq!(values[0], Value::Integer(row.id()));
    assert_eq!(values[1], Value::Integer(row.row_type().raw()));
    assert_eq!(values[3], Value::Integer(row.login_micros()));
    match row.logout_micros() {
        Some(t) => assert_eq!(values[4], Value::Integer(t)),
        None => assert_eq!(values[4], Value::Null),
    }
    let text = |v: &Value<'_>, got: Option<&[u8]>| match v {
        Value::Text(b) | Value::Blob(b) => assert_eq!(got, Some(*b)),
        Value::Null => assert_eq!(got, None),
        Value::Integer(n) => assert_eq!(got, Some(n.to_string().as_bytes())),
        Value::Real(_) => panic!("a real number decoded as text"),
    };
    text(&values[2], Some(row.user()));
    text(&values[5], row.tty());
    text(&values[6], row.host());
    text(&values[7], row.service());
    let _ = (row.login(), row.logout());
}

/// Lists the rows under options from `opts`, in every layout.
fn list(rows: &[Row], opts: [u8; 4]) {
    let t = |b: u8| UNIX_EPOCH + Duration::from_secs(1_699_990_000 + u64::from(b) * 600);
    let mut sel = Selection::new()
        .system(opts[0] & 1 == 1)
        .limit(u64::from(opts[0] >> 5));
    if opts[0] & 2 == 2 {
        sel = sel.since(t(opts[1]));
    }
    if opts[0] & 4 == 4 {
        sel = sel.until(t(opts[2]));
    }
    if opts[0] & 8 == 8 {
        sel = sel.present(t(opts[3]));
    }
    if opts[0] & 16 == 16 {
        sel = sel.name("root").name("pts/0");
    }
    let host = [HostColumn::Third, HostColumn::Last, HostColumn::Hidden][usize::from(opts[1] % 3)];
    for fmt in TimeFormat::ALL {
        let tz = TimeZone::fixed(i32::from(opts[3] as i8) * 900);
        let mut layout = LastLayout::new(tz)
            .time_format(fmt)
            .host_column(host)
            .full_names(opts[2] & 1 == 1)
            .service(opts[2] & 2 == 2);
        let mut pairing = Pairing::new(sel.clone());
        let (mut text, mut json) = (Vec::new(), Vec::new());
        let mut lines = 0usize;
        layout.write_json_start(&mut json);
        for row in rows {
            let full = pairing.is_full();
            let pushed = pairing.push(row);
            if full {
                assert!(pushed.shutdown.is_none() && pushed.session.is_none());
            }
            for s in [pushed.shutdown, pushed.session].into_iter().flatten() {
                assert!(std::ptr::eq(s.row(), row), "a line of another row");
                let _ = (s.kind(), s.end(), s.login(), s.logout(), s.user(), s.line());
                layout.write_session(&s, &mut text);
                layout.write_json_session(&s, &mut json);
                lines += 1;
            }
        }
        assert_eq!(text.iter().filter(|&&c| c == b'\n').count(), lines);
        layout.write_footer(b"wtmpdb", pairing.begins_micros(), &mut text);
        layout.write_json_end(pairing.begins_micros(), &mut json);
        assert!(std::str::from_utf8(&json).is_ok(), "JSON that is not UTF-8");
    }
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(SQLITE_HEADER) {
        // A database file: read it as `utmp last -f` would.
        let path = std::env::temp_dir().join(format!("utmp-fuzz-wtmpdb-{}.db", std::process::id()));
        if std::fs::write(&path, data).is_ok() {
            if let Ok(rows) = Database::open(&path).and_then(|db| db.rows()) {
                list(&rows, [0xff, 1, 2, 3]);
            }
            let _ = std::fs::remove_file(&path);
        }
        return;
    }
    let mut input = Input(data);
    let mut opts = [0u8; 4];
    for o in &mut opts {
        *o = input.byte().unwrap_or(0);
    }
    let mut rows = Vec::new();
    'rows: loop {
        let mut values = [Value::Null; 8];
        for v in &mut values {
            match input.value() {
                Some(x) => *v = x,
                None => break 'rows,
            }
        }
        match Row::decode(values) {
            Ok(row) => {
                check_row(&values, &row);
                rows.push(row);
            }
            Err(e) => {
                assert!(utmp::wtmpdb::COLUMNS.contains(&e.column));
                assert!(!e.to_string().is_empty());
            }
        }
    }
    sort_newest_first(&mut rows);
    assert!(rows
        .windows(2)
        .all(|w| w[0].login_micros() >= w[1].login_micros()));
    list(&rows, opts);
});
