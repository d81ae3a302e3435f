//! `quotecheck export` (being built).

use crate::cli::Global;

/// (being built)
#[derive(Debug, clap::Subcommand)]
pub enum Format {
    /// JSON Lines (Hugging Face datasets)
    Jsonl,
}

pub fn run(_f: Format, _g: Global) -> quotecheck::Result<i32> {
    Err(quotecheck::Error::usage(
        "`export` is not available in this build yet",
    ))
}
