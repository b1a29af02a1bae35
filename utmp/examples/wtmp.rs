//! The login history, streamed in constant memory with the direct reader.
//!
//! ```text
//! cargo run -p utmp --example wtmp [FILE]
//! ```
//!
//! Reads FILE, or the system's wtmp (`/var/log/wtmp` on glibc), and prints
//! one line per record: type, user, line, host and time (UTC).

use std::process::ExitCode;
use std::time::UNIX_EPOCH;

use utmp::Reader;

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| utmp::wtmp_path().to_owned(), Into::into);
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wtmp: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &std::path::Path) -> utmp::Result<()> {
    for entry in Reader::open(path)? {
        let entry = entry?;
        println!(
            "{:<13} {:<8} {:<12} {:<16} {}",
            entry.entry_type().to_string(),
            entry.user_lossy(),
            entry.line_lossy(),
            entry.host_lossy(),
            utc(entry.time())
        );
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS` in UTC (a real program would use a date library and
/// the local time zone).
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
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3_600,
        rem / 60 % 60,
        rem % 60
    )
}
