//! Property tests of wtmpdb rows: decoding keeps every value exactly or names
//! the column it refuses; rows written to a real database come back
//! exactly, in the order SQLite's own `ORDER BY Login DESC, Logout ASC`
//! gives; `wtmpdb last`'s pairing and layouts take any rows.
#![cfg(target_os = "linux")]

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use utmp::layouts::last::{HostColumn, TimeFormat};
use utmp::layouts::wtmpdb_last::LastLayout;
use utmp::sessions::TimeZone;
use utmp::wtmpdb::{Database, Pairing, Row, RowType, Selection, Value};

/// Owned column values, as a strategy makes them.
#[derive(Debug, Clone, PartialEq)]
enum Owned {
    Null,
    Integer(i64),
    Real(f64),
    Text(Vec<u8>),
    Blob(Vec<u8>),
}

impl Owned {
    fn as_value(&self) -> Value<'_> {
        match self {
            Owned::Null => Value::Null,
            Owned::Integer(n) => Value::Integer(*n),
            Owned::Real(x) => Value::Real(*x),
            Owned::Text(b) => Value::Text(b),
            Owned::Blob(b) => Value::Blob(b),
        }
    }
}

fn any_value() -> impl Strategy<Value = Owned> {
    prop_oneof![
        Just(Owned::Null),
        any::<i64>().prop_map(Owned::Integer),
        (-1e300f64..1e300).prop_map(Owned::Real),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Owned::Text),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Owned::Blob),
    ]
}

/// Text without NUL (what a C program could have written), any bytes else.
fn text() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(1u8..=255, 0..40)
}

/// A row as wtmpdb could hold it: any times, some NULLs, any text.
/// (unused, Type, User, Login, Logout, [TTY, RemoteHost, Service]).
type RowParts = (i64, i64, Vec<u8>, i64, Option<i64>, [Option<Vec<u8>>; 3]);

fn any_row() -> impl Strategy<Value = RowParts> {
    (
        0i64..6,
        text(),
        prop_oneof![
            any::<i64>(),
            1_699_000_000_000_000i64..1_701_000_000_000_000
        ],
        proptest::option::of(prop_oneof![
            Just(0i64),
            any::<i64>(),
            1_699_000_000_000_000i64..1_701_000_000_000_000
        ]),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
    )
        .prop_map(|(ty, user, login, logout, tty, host, service)| {
            (0, ty, user, login, logout, [tty, host, service])
        })
}

proptest! {
    #[test]
    fn decoding_keeps_values_or_names_the_column(values in proptest::array::uniform8(any_value())) {
        let borrowed: [Value<'_>; 8] = std::array::from_fn(|i| values[i].as_value());
        match Row::decode(borrowed) {
            Ok(row) => {
                prop_assert_eq!(&values[0], &Owned::Integer(row.id()));
                prop_assert_eq!(&values[1], &Owned::Integer(row.row_type().raw()));
                prop_assert_eq!(&values[3], &Owned::Integer(row.login_micros()));
                prop_assert_eq!(
                    &values[4],
                    &row.logout_micros().map_or(Owned::Null, Owned::Integer)
                );
                let text = |v: &Owned| match v {
                    Owned::Text(b) | Owned::Blob(b) => Some(b.clone()),
                    Owned::Integer(n) => Some(n.to_string().into_bytes()),
                    _ => None,
                };
                prop_assert_eq!(text(&values[2]), Some(row.user().to_vec()));
                prop_assert_eq!(text(&values[5]), row.tty().map(<[u8]>::to_vec));
                prop_assert_eq!(text(&values[6]), row.host().map(<[u8]>::to_vec));
                prop_assert_eq!(text(&values[7]), row.service().map(<[u8]>::to_vec));
                let us = row.login_micros();
                let want = if us >= 0 {
                    UNIX_EPOCH + Duration::from_micros(us as u64)
                } else {
                    UNIX_EPOCH - Duration::from_micros(us.unsigned_abs())
                };
                prop_assert_eq!(row.login(), want);
            }
            Err(e) => {
                // The column named is one whose value breaks the rules.
                let i = utmp::wtmpdb::COLUMNS.iter().position(|&c| c == e.column).unwrap();
                let bad = match (i, &values[i]) {
                    (0 | 1 | 3, Owned::Integer(_)) => false,
                    (0 | 1 | 3, _) => true,
                    (4, Owned::Integer(_) | Owned::Null) => false,
                    (4, _) => true,
                    (2, Owned::Null) => true,
                    (_, Owned::Real(_)) => true,
                    _ => false,
                };
                prop_assert!(bad, "{} blamed for {:?}", e, values[i]);
                // Every column before it was fine.
                for (j, v) in values.iter().enumerate().take(i) {
                    let ok = match j {
                        0 | 1 | 3 => matches!(v, Owned::Integer(_)),
                        4 => matches!(v, Owned::Integer(_) | Owned::Null),
                        2 => !matches!(v, Owned::Null | Owned::Real(_)),
                        _ => !matches!(v, Owned::Real(_)),
                    };
                    prop_assert!(ok, "column {} ({:?}) should have been blamed first", j, v);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_database_gives_back_its_rows_in_sqlites_order(rows in proptest::collection::vec(any_row(), 0..40)) {
        let dir = std::env::temp_dir().join(format!("utmp-wtmpdb-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{:?}.db", std::thread::current().id()).replace(['(', ')'], ""));
        let _ = std::fs::remove_file(&path);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, \
             Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT) STRICT;",
        )
        .unwrap();
        // Text columns are bound as blobs and cast to TEXT: stored as text
        // with any bytes, as a C program's sqlite3_bind_text stores them.
        let mut want = Vec::new();
        for (i, (_, ty, user, login, logout, [tty, host, service])) in rows.iter().enumerate() {
            let id = i as i64 + 1;
            conn.execute(
                "INSERT INTO wtmp VALUES(?1, ?2, CAST(?3 AS TEXT), ?4, ?5, CAST(?6 AS TEXT), CAST(?7 AS TEXT), CAST(?8 AS TEXT))",
                rusqlite::params![
                    id,
                    ty,
                    SqlValue::Blob(user.clone()),
                    login,
                    logout,
                    tty.clone().map_or(SqlValue::Null, SqlValue::Blob),
                    host.clone().map_or(SqlValue::Null, SqlValue::Blob),
                    service.clone().map_or(SqlValue::Null, SqlValue::Blob),
                ],
            )
            .unwrap();
            want.push(Row::new(
                id,
                RowType::from_raw(*ty),
                user.clone(),
                *login,
                *logout,
                tty.clone(),
                host.clone(),
                service.clone(),
            ));
        }
        let order: Vec<i64> = conn
            .prepare("SELECT ID FROM wtmp ORDER BY Login DESC, Logout ASC")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        drop(conn);
        let db = Database::open(&path).unwrap();
        let got = db.rows().unwrap();
        let ids: Vec<i64> = got.iter().map(Row::id).collect();
        prop_assert_eq!(&ids, &order);
        let mut walked = Vec::new();
        db.for_each_newest_first(|r| {
            walked.push(r.clone());
            true
        })
        .unwrap();
        prop_assert_eq!(&walked, &got);
        drop(db);
        for row in &got {
            prop_assert_eq!(Some(row), want.iter().find(|w| w.id() == row.id()));
        }
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn any_rows_list_in_every_layout(
        rows in proptest::collection::vec(any_row(), 0..30),
        system in any::<bool>(),
        limit in 0u64..5,
        since in proptest::option::of(1_699_000_000u64..1_701_000_000),
        until in proptest::option::of(1_699_000_000u64..1_701_000_000),
        present in proptest::option::of(1_699_000_000u64..1_701_000_000),
        host in 0usize..3,
        full_names in any::<bool>(),
        service in any::<bool>(),
    ) {
        let rows: Vec<Row> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (_, ty, user, login, logout, [tty, h, s]))| {
                Row::new(i as i64, RowType::from_raw(ty), user, login, logout, tty, h, s)
            })
            .collect();
        let mut sorted = rows.clone();
        utmp::wtmpdb::sort_newest_first(&mut sorted);
        let t = |s: u64| UNIX_EPOCH + Duration::from_secs(s);
        let mut sel = Selection::new().system(system).limit(limit);
        if let Some(s) = since { sel = sel.since(t(s)); }
        if let Some(u) = until { sel = sel.until(t(u)); }
        if let Some(p) = present { sel = sel.present(t(p)); }
        for fmt in TimeFormat::ALL {
            let mut layout = LastLayout::new(TimeZone::utc())
                .time_format(fmt)
                .host_column([HostColumn::Third, HostColumn::Last, HostColumn::Hidden][host])
                .full_names(full_names)
                .service(service);
            let mut pairing = Pairing::new(sel.clone());
            let (mut text, mut json) = (Vec::new(), Vec::new());
            let (mut lines, mut own) = (0usize, 0u64);
            layout.write_json_start(&mut json);
            for row in &sorted {
                let p = pairing.push(row);
                if p.shutdown.is_some() {
                    prop_assert!(system && row.row_type() == RowType::Boot);
                }
                own += u64::from(p.session.is_some());
                for s in [p.shutdown, p.session].into_iter().flatten() {
                    prop_assert!(std::ptr::eq(s.row(), row));
                    layout.write_session(&s, &mut text);
                    layout.write_json_session(&s, &mut json);
                    lines += 1;
                }
            }
            if limit > 0 {
                prop_assert!(own <= limit);
            }
            prop_assert_eq!(text.iter().filter(|&&c| c == b'\n').count(), lines);
            layout.write_json_end(pairing.begins_micros(), &mut json);
            let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
            prop_assert_eq!(v["entries"].as_array().map(Vec::len), Some(lines));
        }
    }
}
