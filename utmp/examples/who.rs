//! Who is logged in now, through the C library (like `who`, or pyutmp's
//! `UtmpFile`).
//!
//! ```text
//! cargo run -p utmp --example who [FILE]
//! ```
//!
//! Reads the system database (`/var/run/utmp` on glibc), or FILE.

use std::process::ExitCode;
use std::time::UNIX_EPOCH;

use utmp::Database;

fn main() -> ExitCode {
    let opened = match std::env::args_os().nth(1) {
        Some(path) => Database::open_path(path),
        None => Database::open(),
    };
    let db = match opened {
        Ok(db) => db,
        Err(e) => {
            // One line, e.g. "who: /var/run/utmp: no such login database (...)".
            eprintln!("who: {e}");
            return ExitCode::FAILURE;
        }
    };
    for entry in db {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                eprintln!("who: {e}");
                return ExitCode::FAILURE;
            }
        };
        if !entry.is_user_process() {
            continue;
        }
        let host = entry.host_lossy();
        let from = if host.is_empty() {
            String::new()
        } else {
            format!(" ({host})")
        };
        println!(
            "{:<8} {:<12} {}{from}",
            entry.user_lossy(),
            entry.line_lossy(),
            utc(entry.time())
        );
    }
    ExitCode::SUCCESS
}

/// `YYYY-MM-DD HH:MM` in UTC (a real program would use a date library and the
/// local time zone).
fn utc(time: Option<std::time::SystemTime>) -> String {
    let Some(secs) = time
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
    else {
        return "?".to_owned();
    };
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Days to a civil date: count 400-year eras from 0000-03-01.
    let z = days + 719_468;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        rem / 3_600,
        rem / 60 % 60
    )
}
