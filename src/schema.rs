//! The dataset schema: the contract between `extract`, `review`, `diff`, `eval`, `import` and
//! `export`. Documented for people in `docs/schema.md`; this module is the only code that knows
//! the column names, their order and how each value is spelled.
//!
//! Version 1. UTF-8, RFC 4180 CSV with a header row (or JSON Lines with the same field names).
//! Readers match columns by name, accept the columns in any order, keep unknown columns, and
//! reject a file whose `schema_version` is newer than they understand.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::error::{Error, Location, Result};

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Every column of schema version 1, in the order they are written.
pub const COLUMNS: &[&str] = &[
    "quote_id",
    "doc_id",
    "kind",
    "quote",
    "start",
    "end",
    "speaker",
    "speaker_mention",
    "speaker_start",
    "speaker_end",
    "cue",
    "confidence",
    "rule",
    "candidates",
    "context",
    "context_start",
    "status",
    "reviewed_speaker",
    "annotator",
    "reviewed_at",
    "note",
    "schema_version",
];

/// The columns `review` fills in; `extract` leaves them empty.
pub const REVIEW_COLUMNS: &[&str] = &[
    "status",
    "reviewed_speaker",
    "annotator",
    "reviewed_at",
    "note",
];

/// Columns a file must have to be read as a quotecheck dataset. Everything else defaults to empty,
/// so a hand-made gold file can be as small as `doc_id,quote,start,end,speaker`.
pub const REQUIRED_COLUMNS: &[&str] = &["doc_id", "quote", "start", "end"];

/// Separator between names in the `candidates` column. A `|` inside a name is written as `/`.
pub const CANDIDATE_SEPARATOR: char = '|';

/// What kind of quotation a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Kind {
    /// A whole statement inside quotation marks.
    #[default]
    Direct,
    /// A quoted fragment inside reported speech: `called the plan "a reckless gamble"`.
    Mixed,
    /// Reported speech without quotation marks: `X said that …`.
    Indirect,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Direct, Kind::Mixed, Kind::Indirect];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::Mixed => "mixed",
            Kind::Indirect => "indirect",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "direct" | "" => Ok(Kind::Direct),
            "mixed" => Ok(Kind::Mixed),
            "indirect" => Ok(Kind::Indirect),
            other => Err(format!(
                "unknown kind {other:?}; expected direct, mixed or indirect"
            )),
        }
    }
}

/// A reviewer's decision. A row without a status is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// The predicted speaker is right.
    Confirmed,
    /// The speaker was fixed: see `reviewed_speaker`.
    Corrected,
    /// Not a quotation, or not attributable.
    Rejected,
    /// Needs discussion.
    Flagged,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Confirmed,
        Status::Corrected,
        Status::Rejected,
        Status::Flagged,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Corrected => "corrected",
            Status::Rejected => "rejected",
            Status::Flagged => "flagged",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "confirmed" => Ok(Status::Confirmed),
            "corrected" => Ok(Status::Corrected),
            "rejected" => Ok(Status::Rejected),
            "flagged" => Ok(Status::Flagged),
            other => Err(format!(
                "unknown status {other:?}; expected empty (pending), confirmed, corrected, rejected or flagged"
            )),
        }
    }
}

/// Parses an optional status: empty means pending.
pub fn parse_status(s: &str) -> Result<Option<Status>, String> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        s.parse().map(Some)
    }
}

/// One row of the dataset.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuoteRecord {
    /// Unique in the file and stable across runs: `<doc_id>:<start>-<end>`.
    pub quote_id: String,
    pub doc_id: String,
    pub kind: Kind,
    /// The quoted text without its surrounding quotation marks.
    pub quote: String,
    /// Code-point offset of the quote in the document (inclusive).
    pub start: usize,
    /// Code-point offset of the end of the quote (exclusive).
    pub end: usize,
    /// Normalised speaker: titles stripped, pronouns and surnames resolved to the fullest name.
    pub speaker: String,
    /// The surface text that names the speaker near the quote ("he", "Sen. Blake").
    pub speaker_mention: String,
    pub speaker_start: Option<usize>,
    pub speaker_end: Option<usize>,
    /// The speech cue ("said", "told", "according to", ":").
    pub cue: String,
    /// The extractor's confidence in the attribution, 0 to 1.
    pub confidence: f64,
    /// Which sieve decided the speaker.
    pub rule: String,
    /// The next most likely speakers, best first.
    pub candidates: Vec<String>,
    /// The sentence(s) around the quote.
    pub context: String,
    /// Code-point offset of `context` in the document.
    pub context_start: Option<usize>,
    /// `None` = pending.
    pub status: Option<Status>,
    pub reviewed_speaker: String,
    pub annotator: String,
    /// RFC 3339 time of the decision.
    pub reviewed_at: String,
    pub note: String,
    /// Columns this version does not know, in file order, kept so that no data is lost.
    pub extra: Vec<(String, String)>,
}

impl QuoteRecord {
    /// The stable id of a quote span.
    pub fn make_id(doc_id: &str, start: usize, end: usize) -> String {
        format!("{doc_id}:{start}-{end}")
    }

    /// The speaker a reviewer settled on: the reviewed speaker if one was given, else the
    /// predicted one when confirmed. `None` when pending, rejected or flagged without a name.
    pub fn final_speaker(&self) -> Option<&str> {
        match self.status {
            Some(Status::Corrected) => Some(self.reviewed_speaker.as_str()),
            Some(Status::Confirmed) => Some(if self.reviewed_speaker.is_empty() {
                self.speaker.as_str()
            } else {
                self.reviewed_speaker.as_str()
            }),
            _ => None,
        }
    }

    /// The value of any column by name, as it is written to CSV (before formula escaping).
    pub fn get(&self, column: &str) -> Option<String> {
        self.cell(column).map(Cow::into_owned)
    }

    /// [`QuoteRecord::get`] without copying the text columns.
    pub fn cell(&self, column: &str) -> Option<Cow<'_, str>> {
        let opt = |v: Option<usize>| Cow::Owned(v.map(|x| x.to_string()).unwrap_or_default());
        fn s(v: &str) -> Cow<'_, str> {
            Cow::Borrowed(v)
        }
        Some(match column {
            "quote_id" => s(&self.quote_id),
            "doc_id" => s(&self.doc_id),
            "kind" => s(self.kind.as_str()),
            "quote" => s(&self.quote),
            "start" => Cow::Owned(self.start.to_string()),
            "end" => Cow::Owned(self.end.to_string()),
            "speaker" => s(&self.speaker),
            "speaker_mention" => s(&self.speaker_mention),
            "speaker_start" => opt(self.speaker_start),
            "speaker_end" => opt(self.speaker_end),
            "cue" => s(&self.cue),
            "confidence" => Cow::Owned(format_confidence(self.confidence)),
            "rule" => s(&self.rule),
            "candidates" => match self.candidates.as_slice() {
                [] => s(""),
                [one] if !one.contains(CANDIDATE_SEPARATOR) => s(one),
                _ => Cow::Owned(join_candidates(&self.candidates)),
            },
            "context" => s(&self.context),
            "context_start" => opt(self.context_start),
            "status" => s(self.status.map_or("", |st| st.as_str())),
            "reviewed_speaker" => s(&self.reviewed_speaker),
            "annotator" => s(&self.annotator),
            "reviewed_at" => s(&self.reviewed_at),
            "note" => s(&self.note),
            "schema_version" => Cow::Owned(SCHEMA_VERSION.to_string()),
            other => {
                return self
                    .extra
                    .iter()
                    .find(|(k, _)| k == other)
                    .map(|(_, v)| s(v));
            }
        })
    }
}

/// Confidence is written with at most three decimals, without trailing zeros.
pub fn format_confidence(c: f64) -> String {
    let s = format!("{:.3}", c.clamp(0.0, 1.0));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

pub fn join_candidates(c: &[String]) -> String {
    let mut out = String::with_capacity(c.iter().map(|n| n.len() + 1).sum());
    push_candidates(&mut out, c);
    out
}

/// Appends [`join_candidates`] of `c` to `out`.
fn push_candidates(out: &mut String, c: &[String]) {
    for (i, n) in c.iter().enumerate() {
        if i > 0 {
            out.push(CANDIDATE_SEPARATOR);
        }
        if n.contains(CANDIDATE_SEPARATOR) {
            out.push_str(&n.replace(CANDIDATE_SEPARATOR, "/"));
        } else {
            out.push_str(n);
        }
    }
}

pub fn split_candidates(s: &str) -> Vec<String> {
    s.split(CANDIDATE_SEPARATOR)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Formula escaping
// ---------------------------------------------------------------------------------------------

/// Columns holding free text that may come from an article or a person. Only these are ever
/// escaped; numeric columns cannot start with a formula character.
pub const TEXT_COLUMNS: &[&str] = &[
    "quote_id",
    "doc_id",
    "quote",
    "speaker",
    "speaker_mention",
    "cue",
    "rule",
    "candidates",
    "context",
    "reviewed_speaker",
    "annotator",
    "note",
];

fn is_formula_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Escapes a cell so that a spreadsheet shows it as text instead of evaluating it.
///
/// The policy (see `docs/schema.md`): a text cell that starts with `=`, `+`, `-`, `@`, tab or
/// carriage return — possibly after apostrophes — gets one leading apostrophe, as OWASP
/// recommends. [`unescape_formula`] removes exactly that apostrophe, so escaping is lossless:
/// `unescape(escape(s)) == s` for every string.
pub fn escape_formula(s: &str) -> std::borrow::Cow<'_, str> {
    let rest = s.trim_start_matches('\'');
    match rest.chars().next() {
        Some(c) if is_formula_trigger(c) => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// Reverses [`escape_formula`].
pub fn unescape_formula(s: &str) -> &str {
    if let Some(stripped) = s.strip_prefix('\'') {
        let rest = stripped.trim_start_matches('\'');
        if rest.chars().next().is_some_and(is_formula_trigger) {
            return stripped;
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// A dataset read from one file.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The column names of the file, in file order.
    pub headers: Vec<String>,
    pub records: Vec<QuoteRecord>,
    /// The 1-based line each record starts on, for error messages.
    pub lines: Vec<u64>,
}

/// The file formats a dataset can be stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DataFormat {
    Csv,
    Jsonl,
}

impl DataFormat {
    /// Guesses the format from a file extension (`.jsonl`/`.ndjson`/`.json` → JSON Lines).
    pub fn from_path(path: &Path) -> DataFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
        {
            Some(e) if e == "jsonl" || e == "ndjson" || e == "json" => DataFormat::Jsonl,
            _ => DataFormat::Csv,
        }
    }
}

/// Options for writing datasets.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions {
    /// Escape formula-like text cells in CSV (default on; see [`escape_formula`]).
    pub escape_formulas: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            escape_formulas: true,
        }
    }
}

/// Reads a dataset, choosing CSV or JSON Lines by the file extension.
pub fn read_path(path: &Path) -> Result<Dataset> {
    read_path_as(path, DataFormat::from_path(path))
}

pub fn read_path_as(path: &Path, format: DataFormat) -> Result<Dataset> {
    let bytes = crate::io::read_bytes(path)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::input(
            Location::file(path),
            "empty file: expected a header row and data",
        ));
    }
    match format {
        DataFormat::Csv => read_csv(&bytes[..], path),
        DataFormat::Jsonl => read_jsonl(&bytes[..], path),
    }
}

/// Maps column names to positions in a CSV header.
struct ColumnMap {
    idx: HashMap<String, usize>,
}

impl ColumnMap {
    fn get<'r>(&self, rec: &'r csv::StringRecord, name: &str) -> &'r str {
        self.idx.get(name).and_then(|&i| rec.get(i)).unwrap_or("")
    }
}

/// Reads a CSV dataset. `path` is used in error messages only.
pub fn read_csv<R: Read>(rdr: R, path: &Path) -> Result<Dataset> {
    let mut reader = CsvRecords::new(rdr, path)?;
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for item in &mut reader {
        let (line, record) = item?;
        records.push(record);
        lines.push(line);
    }
    check_unique_rows(&records, Some(&lines), path)?;
    Ok(Dataset {
        headers: reader.headers,
        records,
        lines,
    })
}

/// Reads a CSV dataset one record at a time, with the same validation and errors as
/// [`read_csv`], for files too large to hold as [`QuoteRecord`]s all at once. Yields each
/// record with the 1-based line it starts on.
pub struct CsvRecords<R: Read> {
    rdr: csv::Reader<LineCounter<R>>,
    lines: LineTracker,
    headers: Vec<String>,
    cols: ColumnMap,
    known: Vec<bool>,
    path: std::path::PathBuf,
    rec: csv::StringRecord,
    done: bool,
}

impl<R: Read> CsvRecords<R> {
    /// Reads and checks the header row. `path` is used in error messages only.
    pub fn new(rdr: R, path: &Path) -> Result<Self> {
        let lines = LineTracker::default();
        let mut csv_rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(LineCounter {
                inner: rdr,
                pos: 0,
                lines: lines.clone(),
            });
        let raw = csv_rdr
            .headers()
            .map_err(|e| csv_error(path, e, &lines, &[]))?
            .clone();
        let headers = check_header(raw.iter(), path)?;
        let idx = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        let known = headers
            .iter()
            .map(|h| COLUMNS.contains(&h.as_str()))
            .collect();
        Ok(CsvRecords {
            rdr: csv_rdr,
            lines,
            headers,
            cols: ColumnMap { idx },
            known,
            path: path.to_path_buf(),
            rec: csv::StringRecord::new(),
            done: false,
        })
    }

    /// The column names of the file, in file order.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }
}

impl<R: Read> Iterator for CsvRecords<R> {
    type Item = Result<(u64, QuoteRecord)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.rdr.read_record(&mut self.rec) {
            Ok(true) => {}
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                self.done = true;
                return Some(Err(csv_error(&self.path, e, &self.lines, &self.headers)));
            }
        }
        let rec = &self.rec;
        let cols = &self.cols;
        let line = rec
            .position()
            .map(|p| self.lines.line_at(p.byte()))
            .unwrap_or(0);
        let get = |name: &str| -> String {
            let v = cols.get(rec, name);
            if TEXT_COLUMNS.contains(&name) {
                unescape_formula(v).to_string()
            } else {
                v.to_string()
            }
        };
        let extra = self
            .headers
            .iter()
            .zip(rec.iter())
            .zip(self.known.iter())
            .filter(|(_, k)| !**k)
            .map(|((h, v), _)| (h.clone(), unescape_formula(v).to_string()))
            .collect();
        let raw = RawRow { get: &get, extra };
        let out = raw.into_record(&self.path, line).map(|r| (line, r));
        if out.is_err() {
            self.done = true;
        }
        Some(out)
    }
}

/// Checks a CSV header row the way every dataset reader does: a byte-order mark before the first
/// name is dropped, names are trimmed, and empty names, repeated names and missing required
/// columns are refused (line 1 of `path`). Returns the cleaned names.
pub fn check_header<'a>(raw: impl Iterator<Item = &'a str>, path: &Path) -> Result<Vec<String>> {
    let headers: Vec<String> = raw
        .enumerate()
        .map(|(i, h)| {
            if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            }
        })
        .map(|h| h.trim().to_string())
        .collect();
    let mut seen = std::collections::HashSet::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(Error::input(
                Location::file(path).line(1),
                format!("column {} has an empty name", i + 1),
            ));
        }
        if !seen.insert(h.as_str()) {
            return Err(Error::input(
                Location::file(path).line(1),
                format!("column `{h}` appears twice in the header"),
            ));
        }
    }
    for need in REQUIRED_COLUMNS {
        if !seen.contains(*need) {
            return Err(Error::input(
                Location::file(path).line(1),
                format!(
                    "missing column `{need}`: not a quotecheck dataset (header has: {}); see docs/schema.md",
                    headers.join(", ")
                ),
            ));
        }
    }
    Ok(headers)
}

/// Keeps the kind of an I/O error that the csv writer wrapped, so that a broken pipe is still
/// recognised as one.
fn csv_to_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Offsets of the line-end bytes (`\r`, `\n`) a [`LineCounter`] has read that the CSV reader has
/// not yet passed, and the number of `\n` it has passed. The `csv` crate's own line numbers are
/// off by one on CRLF files (a record's `\n` is counted into the next record), so lines are
/// derived from byte offsets instead.
#[derive(Debug, Clone, Default)]
struct LineTracker(LineState);

type LineState = std::sync::Arc<std::sync::Mutex<(std::collections::VecDeque<(u64, bool)>, u64)>>;

impl LineTracker {
    /// The 1-based line on which a record whose position is `byte` really starts: a record's
    /// position can point at line ends (a CRLF's `\n`, blank lines) that precede its first field.
    /// Offsets must not decrease between calls.
    fn line_at(&self, byte: u64) -> u64 {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (pending, passed) = &mut *g;
        let mut cursor = byte;
        while let Some(&(at, is_nl)) = pending.front() {
            if at <= cursor {
                if at == cursor {
                    cursor += 1;
                }
                *passed += u64::from(is_nl);
                pending.pop_front();
            } else {
                break;
            }
        }
        *passed + 1
    }
}

/// Passes bytes through, noting where every line end is.
struct LineCounter<R> {
    inner: R,
    pos: u64,
    lines: LineTracker,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut g = self.lines.0.lock().unwrap_or_else(|p| p.into_inner());
        g.0.extend(
            memchr::memchr2_iter(b'\n', b'\r', &buf[..n])
                .map(|i| (self.pos + i as u64, buf[i] == b'\n')),
        );
        self.pos += n as u64;
        Ok(n)
    }
}

/// The message for a JSON Lines line that is not JSON. The line is parsed on its own, so the
/// parser's "line 1" would contradict the file's line number in front of it: only the column
/// is kept.
pub fn json_line_error(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&suffix) {
        Some(reason) if e.line() == 1 => {
            format!("not valid JSON: {reason} at column {}", e.column())
        }
        _ => format!("not valid JSON: {full}"),
    }
}

/// `headers` are the file's column names once the header is read (empty while reading it), so
/// that a bad field is named by its column.
fn csv_error(path: &Path, e: csv::Error, lines: &LineTracker, headers: &[String]) -> Error {
    let mut loc = Location::file(path);
    if let Some(p) = e.position() {
        loc = loc.line(lines.line_at(p.byte()));
    }
    let msg = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => match headers.get(err.field()) {
            Some(h) => {
                loc = loc.field(h);
                "invalid UTF-8; convert the file to UTF-8".to_string()
            }
            None => format!(
                "invalid UTF-8 in field {}; convert the file to UTF-8",
                err.field() + 1
            ),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("row has {len} fields but the header has {expected_len}")
        }
        csv::ErrorKind::Io(io) => {
            return Error::io(path, std::io::Error::new(io.kind(), io.to_string()));
        }
        _ => format!("not valid CSV: {e}"),
    };
    Error::input(loc, msg)
}

/// Builds and validates one record from a column lookup (`get` returns a column's value, already
/// formula-unescaped, or "" when the column is absent), exactly as the CSV and JSON Lines readers
/// do, with their error messages. For readers that scan files in their own way (the fast columnar
/// reader of `diff`) and must report problems in the same words.
pub fn record_from_lookup(
    get: &dyn Fn(&str) -> String,
    path: &Path,
    line: u64,
) -> Result<QuoteRecord> {
    RawRow {
        get,
        extra: Vec::new(),
    }
    .into_record(path, line)
}

/// [`unescape_formula`] on raw bytes (the escape characters are all ASCII, so this is the same
/// rule).
pub fn unescape_formula_bytes(s: &[u8]) -> &[u8] {
    if let Some(stripped) = s.strip_prefix(b"'") {
        let first = stripped.iter().find(|&&b| b != b'\'');
        if first.is_some_and(|&b| is_formula_trigger(b as char)) {
            return stripped;
        }
    }
    s
}

/// A row seen through a column lookup, shared by the CSV and JSON Lines readers so that both
/// validate in exactly the same way.
struct RawRow<'a> {
    get: &'a dyn Fn(&str) -> String,
    extra: Vec<(String, String)>,
}

impl RawRow<'_> {
    fn into_record(self, path: &Path, line: u64) -> Result<QuoteRecord> {
        let g = self.get;
        let loc = |field: &str| Location::file(path).line(line).field(field);
        let req_usize = |field: &str| -> Result<usize> {
            let v = g(field);
            v.trim().parse::<usize>().map_err(|_| {
                Error::input(
                    loc(field),
                    format!("expected a non-negative integer, found {:?}", v),
                )
            })
        };
        let opt_usize = |field: &str| -> Result<Option<usize>> {
            let v = g(field);
            if v.trim().is_empty() {
                return Ok(None);
            }
            v.trim().parse::<usize>().map(Some).map_err(|_| {
                Error::input(
                    loc(field),
                    format!("expected empty or a non-negative integer, found {:?}", v),
                )
            })
        };
        let version = g("schema_version");
        if !version.trim().is_empty() {
            match version.trim().parse::<u32>() {
                Ok(v) if v <= SCHEMA_VERSION => {}
                Ok(v) => {
                    return Err(Error::input(
                        loc("schema_version"),
                        format!(
                            "schema version {v} is newer than this quotecheck understands ({SCHEMA_VERSION}); upgrade quotecheck"
                        ),
                    ));
                }
                Err(_) => {
                    return Err(Error::input(
                        loc("schema_version"),
                        format!("expected a number, found {version:?}"),
                    ));
                }
            }
        }
        let doc_id = g("doc_id");
        if doc_id.trim().is_empty() {
            return Err(Error::input(loc("doc_id"), "empty document id"));
        }
        let start = req_usize("start")?;
        let end = req_usize("end")?;
        if end < start {
            return Err(Error::input(
                loc("end"),
                format!("end {end} is before start {start}"),
            ));
        }
        let speaker_start = opt_usize("speaker_start")?;
        let speaker_end = opt_usize("speaker_end")?;
        // (a span is both ends or none: one end alone says nothing about where the speaker is)
        match (speaker_start, speaker_end) {
            (Some(_), None) => {
                return Err(Error::input(
                    loc("speaker_end"),
                    "speaker_start is given without speaker_end",
                ));
            }
            (None, Some(_)) => {
                return Err(Error::input(
                    loc("speaker_start"),
                    "speaker_end is given without speaker_start",
                ));
            }
            _ => {}
        }
        if let (Some(s), Some(e)) = (speaker_start, speaker_end)
            && e < s
        {
            return Err(Error::input(
                loc("speaker_end"),
                format!("speaker_end {e} is before speaker_start {s}"),
            ));
        }
        let conf_raw = g("confidence");
        let confidence = if conf_raw.trim().is_empty() {
            0.0
        } else {
            match conf_raw.trim().parse::<f64>() {
                Ok(c) if (0.0..=1.0).contains(&c) => c,
                _ => {
                    return Err(Error::input(
                        loc("confidence"),
                        format!("expected a number from 0 to 1, found {conf_raw:?}"),
                    ));
                }
            }
        };
        let kind = g("kind")
            .parse::<Kind>()
            .map_err(|m| Error::input(loc("kind"), m))?;
        let status = parse_status(&g("status")).map_err(|m| Error::input(loc("status"), m))?;
        let mut quote_id = g("quote_id");
        if quote_id.trim().is_empty() {
            quote_id = QuoteRecord::make_id(&doc_id, start, end);
        }
        Ok(QuoteRecord {
            quote_id,
            doc_id,
            kind,
            quote: g("quote"),
            start,
            end,
            speaker: g("speaker"),
            speaker_mention: g("speaker_mention"),
            speaker_start,
            speaker_end,
            cue: g("cue"),
            confidence,
            rule: g("rule"),
            candidates: split_candidates(&g("candidates")),
            context: g("context"),
            context_start: opt_usize("context_start")?,
            status,
            reviewed_speaker: g("reviewed_speaker"),
            annotator: g("annotator"),
            reviewed_at: g("reviewed_at"),
            note: g("note"),
            extra: self.extra,
        })
    }
}

/// Reads a JSON Lines dataset: one object per line with the CSV's field names. Numbers may be
/// JSON numbers or strings; `candidates` may be an array or a `|`-separated string; `null` is
/// empty.
pub fn read_jsonl<R: Read>(rdr: R, path: &Path) -> Result<Dataset> {
    let reader = std::io::BufReader::new(rdr);
    let mut records = Vec::new();
    let mut lines = Vec::new();
    let mut headers: Vec<String> = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let lineno = i as u64 + 1;
        let line = line.map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidData {
                Error::input(Location::file(path).line(lineno), "invalid UTF-8")
            } else {
                Error::io(path, e)
            }
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let obj: Map<String, Value> = match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                return Err(Error::input(
                    Location::file(path).line(lineno),
                    "expected a JSON object",
                ));
            }
            Err(e) => {
                return Err(Error::input(
                    Location::file(path).line(lineno),
                    json_line_error(&e),
                ));
            }
        };
        for k in obj.keys() {
            if !headers.contains(k) {
                headers.push(k.clone());
            }
        }
        for need in REQUIRED_COLUMNS {
            if !obj.contains_key(*need) {
                return Err(Error::input(
                    Location::file(path).line(lineno).field(*need),
                    format!("missing field `{need}`"),
                ));
            }
        }
        let get = |name: &str| -> String { json_value_to_cell(obj.get(name)) };
        let extra = obj
            .iter()
            .filter(|(k, _)| !COLUMNS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), json_value_to_cell(Some(v))))
            .collect();
        records.push(RawRow { get: &get, extra }.into_record(path, lineno)?);
        lines.push(lineno);
    }
    if records.is_empty() {
        return Err(Error::input(Location::file(path), "no records"));
    }
    check_unique_rows(&records, Some(&lines), path)?;
    Ok(Dataset {
        headers,
        records,
        lines,
    })
}

/// Refuses a file that holds one annotator's row for one quote twice (the same `quote_id` and
/// `annotator`): every reader would count or decide it twice. One quote_id with different
/// annotators is the shape of an `import --all-annotators` file and is fine. `lines` are the
/// rows' lines, for the message; without them rows are counted from 1.
pub fn check_unique_rows(
    records: &[QuoteRecord],
    lines: Option<&[u64]>,
    path: &Path,
) -> Result<()> {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        if let Some(first) = seen.insert((&r.quote_id, &r.annotator), i) {
            let at = |k: usize| lines.and_then(|l| l.get(k)).copied();
            let (loc, first_at) = match (at(i), at(first)) {
                (Some(l), Some(f)) => (Location::file(path).line(l), format!("line {f}")),
                _ => (Location::file(path), format!("row {}", first + 1)),
            };
            let who = if r.annotator.is_empty() {
                String::new()
            } else {
                format!(" of annotator {:?}", r.annotator)
            };
            let row = if at(i).is_some() {
                String::new()
            } else {
                format!("row {}: ", i + 1)
            };
            return Err(Error::input(
                loc.field("quote_id"),
                format!(
                    "{row}duplicate quote_id {:?}{who} (first on {first_at}); every row needs its own id",
                    r.quote_id
                ),
            ));
        }
    }
    Ok(())
}

fn json_value_to_cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => {
            let names: Vec<String> = a.iter().map(|x| json_value_to_cell(Some(x))).collect();
            join_candidates(&names)
        }
        Some(other) => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// Writes records as CSV: the schema's columns in order, then any extra columns (in the order
/// they first appear), with a header row.
pub struct CsvWriter<W: Write> {
    w: csv::Writer<W>,
    extra: Vec<String>,
    opts: WriteOptions,
    /// Confidences already formatted (a file holds few distinct values), by their bits.
    confidences: Vec<(u64, String)>,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(w: W, extra_columns: &[String], opts: WriteOptions) -> std::io::Result<Self> {
        let mut cw = Self::headerless(w, extra_columns, opts);
        let mut header: Vec<&str> = COLUMNS.to_vec();
        header.extend(extra_columns.iter().map(String::as_str));
        cw.w.write_record(&header).map_err(csv_to_io)?;
        Ok(cw)
    }

    /// A writer of data rows only, for producing pieces of one file in parallel: their
    /// concatenation after [`CsvWriter::new`]'s header is the same file.
    pub fn headerless(w: W, extra_columns: &[String], opts: WriteOptions) -> Self {
        let w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .has_headers(false)
            .from_writer(w);
        CsvWriter {
            w,
            extra: extra_columns.to_vec(),
            opts,
            confidences: Vec::new(),
        }
    }

    pub fn write(&mut self, r: &QuoteRecord) -> std::io::Result<()> {
        // field by field, borrowing the text: no copy of each cell
        for c in COLUMNS.iter().copied() {
            let v = if c == "confidence" {
                let bits = r.confidence.to_bits();
                let k = match self.confidences.iter().position(|(b, _)| *b == bits) {
                    Some(k) => k,
                    None => {
                        if self.confidences.len() >= 64 {
                            self.confidences.clear();
                        }
                        let f = format_confidence(r.confidence);
                        self.confidences.push((bits, f));
                        self.confidences.len() - 1
                    }
                };
                Cow::Borrowed(self.confidences[k].1.as_str())
            } else {
                r.cell(c).unwrap_or_default()
            };
            let v = if self.opts.escape_formulas && TEXT_COLUMNS.contains(&c) {
                escape_formula(&v)
            } else {
                Cow::Borrowed(v.as_ref())
            };
            self.w.write_field(v.as_bytes()).map_err(csv_to_io)?;
        }
        for c in &self.extra {
            let v = r
                .extra
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            let v = if self.opts.escape_formulas {
                escape_formula(v)
            } else {
                Cow::Borrowed(v)
            };
            self.w.write_field(v.as_bytes()).map_err(csv_to_io)?;
        }
        self.w.write_record(None::<&[u8]>).map_err(csv_to_io)
    }

    pub fn into_inner(self) -> std::io::Result<W> {
        self.w
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

/// Data rows as [`CsvWriter`] writes them (no extra columns), appended to a byte buffer: for
/// writers of many rows at a time (`extract` serialises a few documents per task). The same
/// bytes, without a `Write`, the per-field state of a general CSV writer or a look-up of each
/// column by name: a field is quoted when it holds a comma, a quotation mark or a line break,
/// its quotation marks doubled.
pub struct CsvRows {
    opts: WriteOptions,
    /// Per column of [`COLUMNS`]: whether it is one of [`TEXT_COLUMNS`].
    text: Vec<bool>,
    /// Confidences already formatted, by their bits (as in [`CsvWriter`]).
    confidences: Vec<(u64, String)>,
    /// A made cell (a quote id, joined candidates), kept for the next.
    scratch: String,
}

/// The cells of one row, by column.
struct Cells<'a> {
    /// `None`: made from the row's document and offsets.
    quote_id: Option<&'a str>,
    row: NewRow<'a>,
    status: Option<Status>,
    reviewed_speaker: &'a str,
    annotator: &'a str,
    reviewed_at: &'a str,
    note: &'a str,
}

/// A row as the extractor makes it, borrowing its text: a [`QuoteRecord`] that nobody has
/// reviewed (no status, reviewer fields or extra columns) whose `quote_id` is
/// [`QuoteRecord::make_id`] of its document and offsets. [`CsvRows::write_new`] writes it
/// without the copies of the article's text that a record holds.
#[derive(Debug, Clone, Copy)]
pub struct NewRow<'a> {
    pub doc_id: &'a str,
    pub kind: Kind,
    pub quote: &'a str,
    pub start: usize,
    pub end: usize,
    pub speaker: &'a str,
    pub speaker_mention: &'a str,
    pub speaker_start: Option<usize>,
    pub speaker_end: Option<usize>,
    pub cue: &'a str,
    pub confidence: f64,
    pub rule: &'a str,
    pub candidates: &'a [String],
    pub context: &'a str,
    pub context_start: Option<usize>,
}

impl<'a> NewRow<'a> {
    /// The row of a record, borrowing its cells.
    pub fn of(r: &'a QuoteRecord) -> Self {
        NewRow {
            doc_id: &r.doc_id,
            kind: r.kind,
            quote: &r.quote,
            start: r.start,
            end: r.end,
            speaker: &r.speaker,
            speaker_mention: &r.speaker_mention,
            speaker_start: r.speaker_start,
            speaker_end: r.speaker_end,
            cue: &r.cue,
            confidence: r.confidence,
            rule: &r.rule,
            candidates: &r.candidates,
            context: &r.context,
            context_start: r.context_start,
        }
    }

    /// The record of this row.
    pub fn to_record(&self) -> QuoteRecord {
        let mut quote_id = String::with_capacity(self.doc_id.len() + 42);
        push_quote_id(&mut quote_id, self.doc_id, self.start, self.end);
        QuoteRecord {
            quote_id,
            doc_id: self.doc_id.to_string(),
            kind: self.kind,
            quote: self.quote.to_string(),
            start: self.start,
            end: self.end,
            speaker: self.speaker.to_string(),
            speaker_mention: self.speaker_mention.to_string(),
            speaker_start: self.speaker_start,
            speaker_end: self.speaker_end,
            cue: self.cue.to_string(),
            confidence: self.confidence,
            rule: self.rule.to_string(),
            candidates: self.candidates.to_vec(),
            context: self.context.to_string(),
            context_start: self.context_start,
            ..Default::default()
        }
    }
}

/// Appends [`QuoteRecord::make_id`] of `doc_id`, `start` and `end` to `out`.
fn push_quote_id(out: &mut String, doc_id: &str, start: usize, end: usize) {
    use std::fmt::Write as _;
    out.push_str(doc_id);
    let _ = write!(out, ":{start}-{end}");
}

impl CsvRows {
    pub fn new(opts: WriteOptions) -> Self {
        CsvRows {
            opts,
            text: COLUMNS.iter().map(|c| TEXT_COLUMNS.contains(c)).collect(),
            confidences: Vec::new(),
            scratch: String::new(),
        }
    }

    pub fn write(&mut self, out: &mut Vec<u8>, r: &QuoteRecord) {
        self.write_cells(
            out,
            &Cells {
                quote_id: Some(&r.quote_id),
                row: NewRow::of(r),
                status: r.status,
                reviewed_speaker: &r.reviewed_speaker,
                annotator: &r.annotator,
                reviewed_at: &r.reviewed_at,
                note: &r.note,
            },
        );
    }

    /// [`CsvRows::write`] of `r.to_record()`, without making the record.
    pub fn write_new(&mut self, out: &mut Vec<u8>, r: &NewRow<'_>) {
        self.write_cells(
            out,
            &Cells {
                quote_id: None,
                row: *r,
                status: None,
                reviewed_speaker: "",
                annotator: "",
                reviewed_at: "",
                note: "",
            },
        );
    }

    fn write_cells(&mut self, out: &mut Vec<u8>, c: &Cells<'_>) {
        let r = &c.row;
        let opt = |out: &mut Vec<u8>, v: Option<usize>| {
            if let Some(v) = v {
                push_decimal(out, v);
            }
        };
        for (i, &text) in self.text.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            // (in the order of COLUMNS; `csv_rows_are_what_the_csv_writer_writes` checks it)
            let v: &str = match i {
                0 => match c.quote_id {
                    Some(id) => id,
                    None => {
                        // (made in a buffer kept for the next row: no allocation per row)
                        let mut id = std::mem::take(&mut self.scratch);
                        id.clear();
                        push_quote_id(&mut id, r.doc_id, r.start, r.end);
                        self.text_field(out, text, &id);
                        self.scratch = id;
                        continue;
                    }
                },
                1 => r.doc_id,
                2 => r.kind.as_str(),
                3 => r.quote,
                4 => {
                    push_decimal(out, r.start);
                    continue;
                }
                5 => {
                    push_decimal(out, r.end);
                    continue;
                }
                6 => r.speaker,
                7 => r.speaker_mention,
                8 => {
                    opt(out, r.speaker_start);
                    continue;
                }
                9 => {
                    opt(out, r.speaker_end);
                    continue;
                }
                10 => r.cue,
                11 => {
                    let bits = r.confidence.to_bits();
                    let k = match self.confidences.iter().position(|(b, _)| *b == bits) {
                        Some(k) => k,
                        None => {
                            if self.confidences.len() >= 64 {
                                self.confidences.clear();
                            }
                            self.confidences
                                .push((bits, format_confidence(r.confidence)));
                            self.confidences.len() - 1
                        }
                    };
                    csv_field(out, self.confidences[k].1.as_bytes());
                    continue;
                }
                12 => r.rule,
                13 => match r.candidates {
                    [] => "",
                    [one] if !one.contains(CANDIDATE_SEPARATOR) => one,
                    many => {
                        let mut joined = std::mem::take(&mut self.scratch);
                        joined.clear();
                        push_candidates(&mut joined, many);
                        self.text_field(out, text, &joined);
                        self.scratch = joined;
                        continue;
                    }
                },
                14 => r.context,
                15 => {
                    opt(out, r.context_start);
                    continue;
                }
                16 => c.status.map_or("", |st| st.as_str()),
                17 => c.reviewed_speaker,
                18 => c.annotator,
                19 => c.reviewed_at,
                20 => c.note,
                21 => {
                    push_decimal(out, SCHEMA_VERSION as usize);
                    continue;
                }
                _ => "",
            };
            self.text_field(out, text, v);
        }
        out.extend_from_slice(b"\r\n");
    }

    fn text_field(&self, out: &mut Vec<u8>, text: bool, v: &str) {
        if text && self.opts.escape_formulas {
            csv_field(out, escape_formula(v).as_bytes());
        } else {
            csv_field(out, v.as_bytes());
        }
    }
}

/// `v` in decimal (as `to_string` writes it).
fn push_decimal(out: &mut Vec<u8>, mut v: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Bytes that make the `csv` crate quote a field: the delimiter, the quotation mark and the
/// line breaks.
static CSV_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Whether one of the eight bytes of `w` is in [`CSV_SPECIAL`].
fn csv_special_in(w: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // (the classic test for a zero byte, exact as to whether there is one)
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    zero(w ^ (ONES * u64::from(b',')))
        | zero(w ^ (ONES * u64::from(b'"')))
        | zero(w ^ (ONES * u64::from(b'\n')))
        | zero(w ^ (ONES * u64::from(b'\r')))
        != 0
}

/// One CSV field as the `csv` crate writes it by default.
fn csv_field(out: &mut Vec<u8>, f: &[u8]) {
    let quote = if f.len() < 64 {
        // eight bytes at a time, then byte by byte
        let mut chunks = f.chunks_exact(8);
        chunks
            .by_ref()
            .any(|c| csv_special_in(u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))))
            || chunks.remainder().iter().any(|&b| CSV_SPECIAL[b as usize])
    } else {
        memchr::memchr3(b',', b'"', b'\n', f).is_some() || memchr::memchr(b'\r', f).is_some()
    };
    if !quote {
        out.extend_from_slice(f);
        return;
    }
    out.reserve(f.len() + 2);
    out.push(b'"');
    let mut rest = f;
    while let Some(i) = memchr::memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=i]);
        out.push(b'"');
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// The JSON object of one record: the CSV's field names; numbers as numbers; empty optional
/// values as `null`; `candidates` as an array.
pub fn record_to_json(r: &QuoteRecord) -> Value {
    let mut m = Map::new();
    for c in COLUMNS.iter().copied() {
        let v = match c {
            "start" => Value::from(r.start),
            "end" => Value::from(r.end),
            "speaker_start" => r.speaker_start.map(Value::from).unwrap_or(Value::Null),
            "speaker_end" => r.speaker_end.map(Value::from).unwrap_or(Value::Null),
            "context_start" => r.context_start.map(Value::from).unwrap_or(Value::Null),
            "confidence" => Value::from(
                format_confidence(r.confidence)
                    .parse::<f64>()
                    .unwrap_or(0.0),
            ),
            "candidates" => Value::from(r.candidates.clone()),
            "status" => r
                .status
                .map(|s| Value::from(s.as_str()))
                .unwrap_or(Value::Null),
            "schema_version" => Value::from(SCHEMA_VERSION),
            other => Value::from(r.get(other).unwrap_or_default()),
        };
        m.insert(c.to_string(), v);
    }
    for (k, v) in &r.extra {
        m.insert(k.clone(), Value::from(v.clone()));
    }
    Value::Object(m)
}

/// Writes one record as a JSON line.
pub fn write_jsonl_record<W: Write>(w: &mut W, r: &QuoteRecord) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, &record_to_json(r))?;
    w.write_all(b"\n")
}

/// Writes a whole dataset in the given format.
pub fn write_records<W: Write>(
    w: W,
    records: &[QuoteRecord],
    format: DataFormat,
    opts: WriteOptions,
) -> std::io::Result<W> {
    match format {
        DataFormat::Csv => {
            let mut extra: Vec<String> = Vec::new();
            for r in records {
                for (k, _) in &r.extra {
                    if !extra.contains(k) {
                        extra.push(k.clone());
                    }
                }
            }
            let mut cw = CsvWriter::new(w, &extra, opts)?;
            for r in records {
                cw.write(r)?;
            }
            cw.into_inner()
        }
        DataFormat::Jsonl => {
            let mut w = w;
            for r in records {
                write_jsonl_record(&mut w, r)?;
            }
            Ok(w)
        }
    }
}

/// Writes a dataset to a path atomically (or stdout for `-`).
pub fn write_path(
    path: Option<&Path>,
    records: &[QuoteRecord],
    format: DataFormat,
    opts: WriteOptions,
) -> Result<()> {
    let out = crate::io::Output::create(path)?;
    let shown = out.path().to_path_buf();
    let out = write_records(out, records, format, opts).map_err(|e| Error::io(&shown, e))?;
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_lines_line_that_is_not_json_gives_its_column_not_the_parser_s_line_1() {
        let data = "{\"doc_id\":\"a\",\"quote\":\"x\",\"start\":0,\"end\":1}\nnot json\n";
        let e = read_jsonl(data.as_bytes(), Path::new("g.jsonl"))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "g.jsonl:2: not valid JSON: expected ident at column 2");
    }

    #[test]
    fn invalid_utf8_is_named_by_its_column_and_line() {
        let data = b"doc_id,quote,start,end\r\na,ok,0,2\r\nb,bad \xff here,0,3\r\n";
        let e = read_csv(&data[..], Path::new("g.csv"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "g.csv:3: field `quote`: invalid UTF-8; convert the file to UTF-8"
        );
    }

    mod csv_rows {
        use super::*;
        use proptest::prelude::*;

        fn cell() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Zoë", " ", ",", "\"", "\r", "\n", "\r\n", "=", "+", "-", "@", "'", "|",
                    "#", "\t", "1",
                ]),
                0..8,
            )
            .prop_map(|v| v.concat())
        }

        prop_compose! {
            fn record()(
                texts in proptest::collection::vec(cell(), 11),
                nums in proptest::collection::vec(0usize..100_000, 5),
                some in proptest::collection::vec(any::<bool>(), 3),
                kind in 0usize..3,
                status in 0usize..5,
                confidence in proptest::sample::select(vec![0.0, 0.4, 0.85 * 0.6, 0.95, 1.0, 0.123_456]),
                candidates in proptest::collection::vec(cell(), 0..4),
            ) -> QuoteRecord {
                QuoteRecord {
                    quote_id: texts[0].clone(),
                    doc_id: texts[1].clone(),
                    kind: Kind::ALL[kind],
                    quote: texts[2].clone(),
                    start: nums[0],
                    end: nums[1],
                    speaker: texts[3].clone(),
                    speaker_mention: texts[4].clone(),
                    speaker_start: some[0].then_some(nums[2]),
                    speaker_end: some[0].then_some(nums[3]),
                    cue: texts[5].clone(),
                    confidence,
                    rule: texts[6].clone(),
                    candidates,
                    context: texts[7].clone(),
                    context_start: some[1].then_some(nums[4]),
                    status: Status::ALL.get(status).copied(),
                    reviewed_speaker: texts[8].clone(),
                    annotator: texts[9].clone(),
                    reviewed_at: if some[2] { texts[10].clone() } else { String::new() },
                    note: texts[10].clone(),
                    extra: Vec::new(),
                }
            }
        }

        #[test]
        fn special_bytes_eight_at_a_time() {
            for x in 0u8..=255 {
                for k in 0..8 {
                    let mut b = [b'a'; 8];
                    b[k] = x;
                    b[(k + 3) % 8] = 0xc3;
                    let want = b.iter().any(|&y| CSV_SPECIAL[y as usize]);
                    assert_eq!(csv_special_in(u64::from_le_bytes(b)), want, "{x:#x} at {k}");
                }
            }
        }

        proptest! {
            #[test]
            fn csv_rows_are_what_the_csv_writer_writes(
                records in proptest::collection::vec(record(), 1..4),
                escape_formulas in any::<bool>(),
            ) {
                let opts = WriteOptions { escape_formulas };
                let mut w = CsvWriter::headerless(Vec::new(), &[], opts);
                let (mut rows, mut fast) = (CsvRows::new(opts), Vec::new());
                for r in &records {
                    w.write(r).unwrap();
                    rows.write(&mut fast, r);
                }
                let want = w.into_inner().unwrap();
                prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&want));
            }

            #[test]
            fn new_rows_are_written_as_their_records(
                r in record(),
                escape_formulas in any::<bool>(),
            ) {
                let row = NewRow::of(&r);
                let rec = row.to_record();
                prop_assert_eq!(&rec.quote_id, &QuoteRecord::make_id(&r.doc_id, r.start, r.end));
                prop_assert!(rec.status.is_none() && rec.note.is_empty() && rec.extra.is_empty());
                let opts = WriteOptions { escape_formulas };
                let mut w = CsvWriter::headerless(Vec::new(), &[], opts);
                w.write(&rec).unwrap();
                let want = w.into_inner().unwrap();
                // twice through one writer: the buffer it keeps for made cells starts clean
                let (mut rows, mut fast) = (CsvRows::new(opts), Vec::new());
                for _ in 0..2 {
                    fast.clear();
                    rows.write_new(&mut fast, &row);
                    prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&want));
                }
            }
        }
    }

    fn sample() -> QuoteRecord {
        QuoteRecord {
            quote_id: "doc:1-5".into(),
            doc_id: "doc".into(),
            kind: Kind::Mixed,
            quote: "=SUM(A1), \"hi\"\nthere".into(),
            start: 1,
            end: 5,
            speaker: "Lena Ortiz".into(),
            speaker_mention: "Ortiz".into(),
            speaker_start: Some(10),
            speaker_end: Some(15),
            cue: "said".into(),
            confidence: 0.875,
            rule: "adjacent".into(),
            candidates: vec!["Raj Patel".into(), "the Pentagon".into()],
            context: "ctx".into(),
            context_start: Some(0),
            status: Some(Status::Corrected),
            reviewed_speaker: "-Someone".into(),
            annotator: "ann".into(),
            reviewed_at: "2026-01-01T00:00:00Z".into(),
            note: "@note".into(),
            extra: vec![("custom".into(), "+1".into())],
        }
    }

    #[test]
    fn csv_round_trip_is_lossless() {
        let r = sample();
        let bytes = write_records(
            Vec::new(),
            std::slice::from_ref(&r),
            DataFormat::Csv,
            WriteOptions::default(),
        )
        .unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("'=SUM"), "{text}");
        let ds = read_csv(&bytes[..], Path::new("t.csv")).unwrap();
        assert_eq!(ds.records, vec![r]);
    }

    #[test]
    fn jsonl_round_trip_is_lossless() {
        let r = sample();
        let bytes = write_records(
            Vec::new(),
            std::slice::from_ref(&r),
            DataFormat::Jsonl,
            WriteOptions::default(),
        )
        .unwrap();
        let ds = read_jsonl(&bytes[..], Path::new("t.jsonl")).unwrap();
        assert_eq!(ds.records, vec![r]);
    }

    #[test]
    fn byte_unescape_matches_str_unescape() {
        for s in [
            "", "'=1", "''+x", "'quoted'", "'", "''", "'-", "'@a", "plain", "'\t",
        ] {
            assert_eq!(
                unescape_formula_bytes(s.as_bytes()),
                unescape_formula(s).as_bytes(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn streaming_reader_matches_read_csv() {
        let data = "doc_id,quote,start,end,x\nd,q,1,2,a\nd,\"r\n s\",3,4,b\n";
        let all = read_csv(data.as_bytes(), Path::new("t.csv")).unwrap();
        let rdr = CsvRecords::new(data.as_bytes(), Path::new("t.csv")).unwrap();
        assert_eq!(rdr.headers(), &all.headers[..]);
        let streamed: Vec<(u64, QuoteRecord)> = rdr.map(|r| r.unwrap()).collect();
        assert_eq!(streamed.iter().map(|x| x.0).collect::<Vec<_>>(), all.lines);
        assert_eq!(
            streamed.into_iter().map(|x| x.1).collect::<Vec<_>>(),
            all.records
        );
    }

    #[test]
    fn formula_escape_is_reversible() {
        for s in [
            "", "=1", "'=1", "''+x", "'quoted'", "plain", "-", "@a", "\tx", "'",
        ] {
            assert_eq!(unescape_formula(&escape_formula(s)), s, "{s:?}");
        }
        assert_eq!(escape_formula("=1"), "'=1");
        assert_eq!(escape_formula("'hello"), "'hello");
    }

    #[test]
    fn line_numbers_are_right_for_crlf_and_lf_files() {
        for nl in ["\n", "\r\n"] {
            let data = format!(
                "doc_id,quote,start,end{nl}d,q,1,2{nl}d,\"two{nl}lines\",3,4{nl}{nl}d,q,x,6{nl}"
            );
            let err = read_csv(data.as_bytes(), Path::new("g.csv"))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("g.csv:6: field `start`"), "{nl:?}: {err}");
            let ok = data.replace(",x,", ",5,");
            assert_eq!(
                read_csv(ok.as_bytes(), Path::new("g.csv")).unwrap().lines,
                vec![2, 3, 6]
            );
        }
        let data = "doc_id,quote,start,end\r\nd,q,1\r\n";
        let err = read_csv(data.as_bytes(), Path::new("g.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("g.csv:2:"), "{err}");
    }

    #[test]
    fn bad_offset_names_line_and_field() {
        let data = "doc_id,quote,start,end\nd,q,1,2\nd,q,x,2\n";
        let err = read_csv(data.as_bytes(), Path::new("g.csv"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "g.csv:3: field `start`: expected a non-negative integer, found \"x\""
        );
    }

    #[test]
    fn missing_column_is_reported() {
        let err = read_csv("a,b\n1,2\n".as_bytes(), Path::new("g.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing column `doc_id`"), "{err}");
    }

    #[test]
    fn newer_schema_is_refused() {
        let data = "doc_id,quote,start,end,schema_version\nd,q,1,2,99\n";
        let err = read_csv(data.as_bytes(), Path::new("g.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("newer"), "{err}");
    }

    #[test]
    fn minimal_gold_file_gets_ids() {
        let ds = read_csv(
            "doc_id,quote,start,end,speaker\nd,q,1,2,X\n".as_bytes(),
            Path::new("g.csv"),
        )
        .unwrap();
        assert_eq!(ds.records[0].quote_id, "d:1-2");
        assert_eq!(ds.records[0].speaker, "X");
    }

    #[test]
    fn confidence_formatting() {
        assert_eq!(format_confidence(0.5), "0.5");
        assert_eq!(format_confidence(1.0), "1");
        assert_eq!(format_confidence(0.0), "0");
        assert_eq!(format_confidence(0.12345), "0.123");
    }
}
