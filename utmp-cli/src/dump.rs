//! `utmp dump` and `utmp undump`: not implemented yet.

use crate::output::{Failure, Outcome};

/// Arguments of `utmp dump`.
#[derive(Debug, clap::Args)]
pub struct DumpArgs {}

/// Arguments of `utmp undump`.
#[derive(Debug, clap::Args)]
pub struct UndumpArgs {}

pub fn run_dump(_args: DumpArgs) -> Outcome {
    Err(Failure::Message("dump: not implemented yet".into()))
}

pub fn run_undump(_args: UndumpArgs) -> Outcome {
    Err(Failure::Message("undump: not implemented yet".into()))
}
