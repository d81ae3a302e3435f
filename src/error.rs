//! The one error type of the library. Every variant knows which exit code it maps to, and every
//! message about bad input names the file and, where there is one, the line and field, so that a
//! person can go straight to the problem.

use std::fmt;
use std::path::{Path, PathBuf};

/// Exit codes, documented in the README and `quotecheck --help`.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// The command ran and has findings (for example `diff` found disagreements with
    /// `--fail-on-disagreement`, or `eval` fell under a `--min-*` threshold).
    pub const FINDINGS: i32 = 1;
    /// Bad usage or bad input; nothing was written.
    pub const USAGE: i32 = 2;
}

/// Where in an input a problem was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub path: Option<PathBuf>,
    /// 1-based line number (for CSV: the line the record starts on).
    pub line: Option<u64>,
    pub field: Option<String>,
}

impl Location {
    pub fn file(path: impl AsRef<Path>) -> Self {
        Location {
            path: Some(path.as_ref().to_path_buf()),
            line: None,
            field: None,
        }
    }
    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) if p.as_os_str() == "-" => write!(f, "<stdin>")?,
            Some(p) => write!(f, "{}", shown_path(p))?,
            None => write!(f, "<input>")?,
        }
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{}`", crate::text::sanitize_one_line(field))?;
        }
        Ok(())
    }
}

/// A path as an error message shows it. File names are untrusted too (a folder of downloaded
/// articles, a glob): an escape sequence in one must not reach the terminal.
fn shown_path(p: &Path) -> String {
    crate::text::sanitize_one_line(&p.display().to_string())
}

// Every message is shown on a terminal, so each variant neutralises what it carries from outside
// (paths, values, names) when it is displayed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", shown_path(path))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The input is malformed: wrong encoding, bad CSV, bad JSON, a value out of range.
    #[error("{loc}: {msg}")]
    Input { loc: Location, msg: String },
    /// The command line asks for something that cannot be done.
    #[error("{}", crate::text::sanitize_for_terminal(.0))]
    Usage(String),
    /// Writing to stdout failed because the reader went away (`quotecheck … | head`).
    #[error("broken pipe")]
    BrokenPipe,
    /// Anything else that is not the user's fault.
    #[error("{}", crate::text::sanitize_for_terminal(.0))]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::BrokenPipe {
            return Error::BrokenPipe;
        }
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
    pub fn input(loc: Location, msg: impl Into<String>) -> Self {
        Error::Input {
            loc,
            msg: crate::text::sanitize_for_terminal(&msg.into()),
        }
    }
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }
    /// The exit code this error maps to.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::BrokenPipe => exit::OK,
            Error::Io { .. } | Error::Input { .. } | Error::Usage(_) => exit::USAGE,
            Error::Other(_) => exit::USAGE,
        }
    }
}
