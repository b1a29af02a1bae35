//! Who is logged in now, through the C library (like `who`, or pyutmp's
//! `UtmpFile`).
//!
//! ```text
//! cargo run -p utmp --example who [FILE]
//! ```
//!
//! Reads the system database (`/var/run/utmp` on glibc), or FILE.

mod common;
use common::utc;

use std::process::ExitCode;

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
            utc(entry.time(), false)
        );
    }
    ExitCode::SUCCESS
}
