//! Other tools' annotation formats: brat standoff, Label Studio, doccano, Prodigy, and JSON Lines
//! for Hugging Face datasets. One module per format; each imports into the dataset schema and
//! exports from it. What a format cannot hold is named in a warning (see `docs/formats.md`).

pub mod brat;
pub mod quoted;

use std::collections::BTreeMap;
use std::path::Path;

pub use brat::ImportOptions;

use crate::error::{Error, Location, Result};
use crate::schema::{self, QuoteRecord};

/// The formats `import` and `export` speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatName {
    /// brat standoff: a folder of .txt + .ann files
    Brat,
}

/// What `eval` can read: a quotecheck file or any importable format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceFormat {
    /// quotecheck CSV
    Csv,
    /// quotecheck JSON Lines (one row of the schema per line)
    Records,
    /// brat standoff
    Brat,
}

/// Imports a file or folder in one of the other tools' formats.
pub fn import(format: FormatName, input: &Path, opts: &ImportOptions) -> Result<Collection> {
    match format {
        FormatName::Brat => brat::import(input, opts),
    }
}

/// Guesses what a file is: a folder or `.ann` file is brat, `.jsonl`/`.ndjson`/`.json` is JSON
/// Lines, anything else CSV.
pub fn guess_format(path: &Path) -> Result<SourceFormat> {
    if path.is_dir() {
        return Ok(SourceFormat::Brat);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "ann" => SourceFormat::Brat,
        "jsonl" | "ndjson" | "json" => SourceFormat::Records,
        _ => SourceFormat::Csv,
    })
}

/// Reads a quotecheck file or imports another format (`format` `None` = guess).
pub fn load(path: &Path, format: Option<SourceFormat>, opts: &ImportOptions) -> Result<Collection> {
    let format = match format {
        Some(f) => f,
        None => guess_format(path)?,
    };
    let col = match format {
        SourceFormat::Csv => Collection {
            records: schema::read_path_as(path, schema::DataFormat::Csv)?.records,
            ..Default::default()
        },
        SourceFormat::Records => Collection {
            records: schema::read_path_as(path, schema::DataFormat::Jsonl)?.records,
            ..Default::default()
        },
        SourceFormat::Brat => brat::import(path, opts)?,
    };
    if (opts.quotes_only || opts.annotator.is_some()) && format != SourceFormat::Brat {
        return Err(Error::usage(format!(
            "{}: --gold-quotes-only and --gold-annotator apply to brat input only",
            path.display()
        )));
    }
    Ok(col)
}

/// Groups records by annotator, for `--per-annotator`. Every record must name its annotator.
pub fn by_annotator(records: &[QuoteRecord]) -> Result<BTreeMap<String, Vec<QuoteRecord>>> {
    let mut out: BTreeMap<String, Vec<QuoteRecord>> = BTreeMap::new();
    for r in records {
        if r.annotator.trim().is_empty() {
            return Err(Error::input(
                Location::default().field("annotator"),
                format!(
                    "row {} has no annotator id: --per-annotator needs one on every row (brat: <doc>_<annotator>.ann)",
                    r.quote_id
                ),
            ));
        }
        out.entry(r.annotator.clone()).or_default().push(r.clone());
    }
    Ok(out)
}

/// A span of code points, end exclusive.
pub type Span = (usize, usize);

/// A document's text.
#[derive(Debug, Clone, PartialEq)]
pub struct DocText {
    pub doc_id: String,
    pub text: String,
}

/// What an import produced: the records, the documents read (also those without records) and
/// warnings about what could not be carried over.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    pub records: Vec<QuoteRecord>,
    pub docs: Vec<DocText>,
    pub warnings: Vec<String>,
}

/// Spans written `start-end;start-end` in the extra columns `quote_spans`, `speaker_spans` and
/// `cue_spans`.
pub fn format_spans(p: &[Span]) -> String {
    p.iter()
        .map(|(s, e)| format!("{s}-{e}"))
        .collect::<Vec<_>>()
        .join(";")
}

pub fn parse_spans(s: &str) -> Result<Vec<Span>, String> {
    let mut out = Vec::new();
    for piece in s.split(';') {
        let (a, b) = piece
            .trim()
            .split_once('-')
            .ok_or_else(|| format!("expected spans like `3-10;14-20`, found {s:?}"))?;
        let (a, b): (usize, usize) = match (a.trim().parse(), b.trim().parse()) {
            (Ok(a), Ok(b)) => (a, b),
            _ => return Err(format!("expected spans like `3-10;14-20`, found {s:?}")),
        };
        if b < a {
            return Err(format!("span {a}-{b} ends before it starts"));
        }
        out.push((a, b));
    }
    Ok(out)
}

/// The paragraph(s) around a span: from the line break before `start` to the one after `end`.
/// Returns the text and its start offset.
pub fn paragraph_context(text: &[char], start: usize, end: usize) -> (String, usize) {
    let start = start.min(text.len());
    let end = end.clamp(start, text.len());
    let mut a = start;
    while a > 0 && text[a - 1] != '\n' {
        a -= 1;
    }
    let mut b = end;
    while b < text.len() && text[b] != '\n' {
        b += 1;
    }
    (text[a..b].iter().collect(), a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_round_trip() {
        let p = vec![(3, 10), (14, 20)];
        assert_eq!(format_spans(&p), "3-10;14-20");
        assert_eq!(parse_spans("3-10;14-20").unwrap(), p);
        assert!(parse_spans("3-").is_err());
        assert!(parse_spans("9-3").is_err());
    }

    #[test]
    fn context_is_the_paragraph() {
        let t: Vec<char> = "a b\nc d e\nf".chars().collect();
        assert_eq!(paragraph_context(&t, 6, 7), ("c d e".to_string(), 4));
        assert_eq!(paragraph_context(&t, 0, 1), ("a b".to_string(), 0));
    }
}
