//! `quotecheck eval` (being built).

use crate::cli::Global;

/// (being built)
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _g: Global) -> quotecheck::Result<i32> {
    Err(quotecheck::Error::usage(
        "`eval` is not available in this build yet",
    ))
}
