//! `utmp last`: not implemented yet.

use crate::output::{Failure, Outcome};

/// Arguments of `utmp last`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Outcome {
    Err(Failure::Message("last: not implemented yet".into()))
}
