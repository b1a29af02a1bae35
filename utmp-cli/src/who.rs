//! `utmp who`: not implemented yet.

use crate::output::{Failure, Outcome};

/// Arguments of `utmp who`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Outcome {
    Err(Failure::Message("who: not implemented yet".into()))
}
