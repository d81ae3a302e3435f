//! The binary's edge: parse arguments, run, turn errors into messages and exit codes.

use clap::Parser;
use quotecheck::Error;

mod cli;
mod cmd;

/// Extraction allocates many small strings on every thread: mimalloc serves them from
/// thread-local pages, several times faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = cli::Cli::parse();
    let code = match cli::run(cli) {
        Ok(code) => code,
        // `quotecheck … | head` closes the pipe early: that is not an error.
        Err(Error::BrokenPipe) => 0,
        Err(e) => {
            eprintln!("quotecheck: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
