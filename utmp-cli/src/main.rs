//! `utmp`: who is logged in, who logged in when, and the raw records.

use clap::Parser;

/// Read Unix login records (utmp, wtmp, btmp).
#[derive(Debug, Parser)]
#[command(name = "utmp", version, about)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
}
