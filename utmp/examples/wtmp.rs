//! The login history, streamed in constant memory with the direct reader.
//!
//! ```text
//! cargo run -p utmp --example wtmp [FILE]
//! ```
//!
//! Reads FILE, or the system's wtmp (`/var/log/wtmp` on glibc), and prints
//! one line per record: type, user, line, host and time (UTC).

mod common;
use common::utc;

use std::process::ExitCode;

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
            utc(entry.time(), true)
        );
    }
    Ok(())
}
