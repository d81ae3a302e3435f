//! The command line: the top-level parser and its subcommands. Each subcommand's arguments and
//! usage text live beside its code in `src/cmd/<name>.rs`.

use clap::{Parser, Subcommand};

use crate::cmd;

const AFTER_HELP: &str = "\
Pipeline:
  quotecheck extract articles/ -o quotes.csv       # quotes and speakers
  quotecheck review ana.csv --annotator ana        # one copy per annotator
  quotecheck diff ana.csv ben.csv --merge m.csv    # agreement + merged file
  quotecheck review m.csv --only disagreements     # adjudicate: the gold file
  quotecheck eval --gold m.csv --pred quotes.csv   # score the extractor

Exit codes:
  0  success
  1  findings, where a command has them (see its --help)
  2  usage or input error (the message names the file, line
     and field); nothing was written

The dataset schema shared by every command is described in docs/schema.md.";

#[derive(Debug, Parser)]
#[command(
    name = "quotecheck",
    version,
    about = "Build quote-attribution datasets for fact-checking: extract quotes and speakers from news, review them, measure agreement, evaluate.",
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Write CSV cells that start with = + - @ verbatim instead of prefixing an apostrophe
    /// (see docs/schema.md, "Spreadsheet safety").
    #[arg(long, global = true)]
    pub no_formula_escape: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Extract(cmd::extract::Args),
    Review(cmd::review::Args),
    Diff(cmd::diff::Args),
    Eval(cmd::eval::Args),
    Import(cmd::import::Args),
    Export(cmd::export::Args),
}

/// Options every command shares.
#[derive(Debug, Clone, Copy, Default)]
pub struct Global {
    pub write: quotecheck::schema::WriteOptions,
}

impl Cli {
    pub fn global(&self) -> Global {
        Global {
            write: quotecheck::schema::WriteOptions {
                escape_formulas: !self.no_formula_escape,
            },
        }
    }
}

/// Runs the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> quotecheck::Result<i32> {
    let g = cli.global();
    match cli.command {
        Command::Extract(a) => cmd::extract::run(a, g),
        Command::Review(a) => cmd::review::run(a, g),
        Command::Diff(a) => cmd::diff::run(a, g),
        Command::Eval(a) => cmd::eval::run(a, g),
        Command::Import(a) => cmd::import::run(a, g),
        Command::Export(a) => cmd::export::run(a, g),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
