//! `utmp`: who is logged in, who logged in when, and the raw records.
//!
//! A thin consumer of the `utmp` crate: argument parsing and printing only.
//! Exit codes: 0 success, 1 runtime error (one line on stderr), 2 usage error.

mod chunks;
mod dump;
mod follow;
mod format_choice;
mod input;
mod last;
mod output;
mod source_choice;
mod who;
#[cfg(target_os = "linux")]
mod wtmpdb_last;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Read Unix login records (utmp, wtmp, btmp).
#[derive(Debug, Parser)]
#[command(name = "utmp", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Who is logged in (like coreutils `who`).
    Who(who::Args),
    /// Logins and logouts, newest first (like util-linux `last`/`lastb`).
    Last(last::Args),
    /// Records as utmpdump text or JSON Lines (like `utmpdump`).
    Dump(dump::DumpArgs),
    /// utmpdump text or JSON Lines back to records (like `utmpdump -r`).
    Undump(dump::UndumpArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Who(args) => who::run(args),
        Command::Last(args) => last::run(args),
        Command::Dump(args) => dump::run_dump(args),
        Command::Undump(args) => dump::run_undump(args),
    };
    output::exit(result)
}
