//! One module per subcommand: its arguments, usage text and glue to the library.

pub mod diff;
pub mod eval;
pub mod export;
pub mod extract;
pub mod import;
pub mod review;
