//! quotecheck: build quote-attribution datasets for fact-checking.
//!
//! The pipeline is `extract` → `review` → `diff` → `review` (adjudication) → gold → `eval`.
//! Every stage reads and writes the one dataset schema defined in [`schema`] (documented in
//! `docs/schema.md`).

pub mod error;
pub mod input;
pub mod io;
pub mod schema;
pub mod speaker;
pub mod text;

pub mod agree;
pub mod eval;
pub mod extract;
pub mod formats;
pub mod review;

pub use error::{Error, Result};
