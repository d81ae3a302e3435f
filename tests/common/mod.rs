//! Helpers shared by the integration tests.
// Each test file is its own crate and uses only some of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use quotecheck::extract::{ExtractOptions, Extractor};
use quotecheck::schema::{Kind, QuoteRecord};

/// The quotecheck binary. An annotator name in the environment of whoever runs the tests
/// (`QUOTECHECK_ANNOTATOR`, which `review` reads) does not reach it.
pub fn qc() -> Command {
    let mut c = Command::cargo_bin("quotecheck").unwrap();
    c.env_remove("QUOTECHECK_ANNOTATOR");
    c
}

/// [`qc`] run in folder `dir`.
pub fn qc_in(dir: impl AsRef<Path>) -> Command {
    let mut c = qc();
    c.current_dir(dir);
    c
}

/// Runs `c`, which must succeed, and reads its standard output as one JSON value.
pub fn json_of(c: &mut Command) -> serde_json::Value {
    let out = c.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

/// `tests/fixtures/<path>`.
pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// The words of a command line, for tables of commands: `args("diff a.csv b.csv")`. Words are
/// separated by white space; no word of these tables holds any.
pub fn args(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// The names of the entries of folder `d`, sorted: what a command left behind.
pub fn listing(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Runs `quotecheck ARGS` in folder `dir` with its standard output on a pseudo-terminal made
/// by `script` (util-linux), with `env` set and `NO_COLOR` unset unless `env` sets it, and
/// returns what reached the terminal; `None` when `script` is not installed. ARGS is a shell
/// command line: quote what needs it.
pub fn on_a_terminal(dir: &Path, args: &str, env: &[(&str, &str)]) -> Option<Vec<u8>> {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("typescript");
    let bin = assert_cmd::cargo::cargo_bin("quotecheck");
    let cmd = format!("'{}' {args}", bin.display());
    let mut c = std::process::Command::new("script");
    c.args(["-q", "-e", "-c", &cmd])
        .arg(&log)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("QUOTECHECK_ANNOTATOR")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    assert!(c.status().unwrap().success(), "{args}");
    Some(std::fs::read(&log).unwrap())
}

/// One extractor with the default options for all the tests of a file.
fn extractor() -> &'static Extractor {
    static X: OnceLock<Extractor> = OnceLock::new();
    X.get_or_init(|| Extractor::new(ExtractOptions::default()))
}

/// Every row the extractor gives for `text` (document id `doc`), indirect ones included.
pub fn extract_all(text: &str) -> Vec<QuoteRecord> {
    extractor().extract("doc", text)
}

/// The direct and mixed rows of `text`.
pub fn extract(text: &str) -> Vec<QuoteRecord> {
    extract_all(text)
        .into_iter()
        .filter(|r| r.kind != Kind::Indirect)
        .collect()
}

/// The one row of `rows` whose quote starts with `prefix`.
pub fn quote<'a>(rows: &'a [QuoteRecord], prefix: &str) -> &'a QuoteRecord {
    let hits: Vec<&QuoteRecord> = rows
        .iter()
        .filter(|r| r.quote.starts_with(prefix))
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one quote starting {prefix:?} in {rows:#?}"
    );
    hits[0]
}
