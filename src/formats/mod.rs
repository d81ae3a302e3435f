//! Other tools' annotation formats: brat standoff, Label Studio, doccano, Prodigy, and JSON Lines
//! for Hugging Face datasets. One module per format; each imports into the dataset schema and
//! exports from it. What a format cannot hold is named in a warning (see `docs/formats.md`).

pub mod brat;
pub mod doccano;
pub mod jsonl;
pub mod labelstudio;
pub mod prodigy;
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
    /// Label Studio JSON (tasks with annotations and predictions)
    Labelstudio,
    /// doccano JSON Lines (entities and relations)
    Doccano,
    /// Prodigy JSON Lines (spans, tokens and relations)
    Prodigy,
    /// JSON Lines for Hugging Face datasets (one document per line)
    Jsonl,
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
    Labelstudio,
    Doccano,
    Prodigy,
    /// JSON Lines for Hugging Face datasets (one document per line)
    Jsonl,
}

/// Imports a file or folder in one of the other tools' formats.
pub fn import(format: FormatName, input: &Path, opts: &ImportOptions) -> Result<Collection> {
    match format {
        FormatName::Brat => brat::import(input, opts),
        _ if opts.quotes_only => Err(Error::usage("--quotes-only applies to brat input only")),
        FormatName::Labelstudio => checked(labelstudio::import(input)?, opts, input),
        FormatName::Doccano => checked(doccano::import(input)?, opts, input),
        FormatName::Prodigy => checked(prodigy::import(input)?, opts, input),
        FormatName::Jsonl => checked(jsonl::import(input)?, opts, input),
    }
}

/// An imported collection with one row per quote and annotator ([`check_unique`]), narrowed to
/// the annotator asked for.
fn checked(col: Collection, opts: &ImportOptions, input: &Path) -> Result<Collection> {
    check_unique(&col, input)?;
    // (a file the readers would refuse is not written: a speaker span is both ends or none)
    if let Some(i) = col
        .records
        .iter()
        .position(|r| r.speaker_start.is_some() != r.speaker_end.is_some())
    {
        return Err(col.error_at(
            i,
            input,
            "speaker_end",
            "a speaker span needs both speaker_start and speaker_end",
        ));
    }
    filter_annotator(col, opts)
}

/// Refuses a collection that holds one annotator's row for one quote twice (the same
/// `quote_id` and `annotator`), as every reader of the schema does
/// ([`schema::check_unique_rows`]), naming where both were read.
pub fn check_unique(col: &Collection, input: &Path) -> Result<()> {
    let mut seen: std::collections::HashMap<(&str, &str), usize> =
        std::collections::HashMap::with_capacity(col.records.len());
    for (i, r) in col.records.iter().enumerate() {
        let Some(first) = seen.insert((&r.quote_id, &r.annotator), i) else {
            continue;
        };
        let who = if r.annotator.is_empty() {
            String::new()
        } else {
            format!(" of annotator {:?}", r.annotator)
        };
        let first_at = match (col.sources.get(first), col.sources.get(i)) {
            (Some(a), Some(b)) => a.relative_to(b),
            _ => format!("row {}", first + 1),
        };
        return Err(col.error_at(
            i,
            input,
            "quote_id",
            format!(
                "duplicate quote_id {:?}{who} (first {first_at}); every quote needs its own id",
                r.quote_id
            ),
        ));
    }
    Ok(())
}

fn filter_annotator(mut col: Collection, opts: &ImportOptions) -> Result<Collection> {
    if let Some(want) = &opts.annotator {
        if col.sources.len() == col.records.len() {
            let keep: Vec<bool> = col.records.iter().map(|r| &r.annotator == want).collect();
            let mut k = keep.iter();
            col.sources.retain(|_| *k.next().unwrap_or(&false));
        }
        col.records.retain(|r| &r.annotator == want);
    }
    Ok(col)
}

/// Writes records in a document format (all but brat, which writes a folder).
pub fn export_bytes(
    format: FormatName,
    records: &[QuoteRecord],
    lines: &[u64],
    texts: &BTreeMap<String, Vec<char>>,
    input: &Path,
) -> Result<Vec<u8>> {
    let groups = group_records(records, lines);
    match format {
        FormatName::Labelstudio => labelstudio::export(&groups, texts, input),
        FormatName::Doccano => doccano::export(&groups, texts, input),
        FormatName::Prodigy => prodigy::export(&groups, texts, input),
        FormatName::Jsonl => jsonl::export(&groups, texts, input),
        FormatName::Brat => Err(Error::usage("brat is written as a folder")),
    }
}

/// Recognises a JSON or JSON Lines file by the shape of its first record.
pub fn sniff_json(path: &Path) -> Result<SourceFormat> {
    let src = crate::io::read_text(path)?;
    let t = src.trim_start();
    if t.starts_with('[') {
        return Ok(SourceFormat::Labelstudio);
    }
    let first = t.lines().next().unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(first).unwrap_or(serde_json::Value::Null);
    let has = |k: &str| v.get(k).is_some();
    Ok(
        if has("data") && (has("annotations") || has("predictions")) {
            SourceFormat::Labelstudio
        } else if has("quotes") && has("text") {
            SourceFormat::Jsonl
        } else if has("tokens")
            || has("_input_hash")
            || has("_annotator_id")
            || has("spans") && has("text")
        {
            SourceFormat::Prodigy
        } else if has("entities") || has("label") && has("text") {
            SourceFormat::Doccano
        } else {
            SourceFormat::Records
        },
    )
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
        "jsonl" | "ndjson" | "json" => sniff_json(path)?,
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
        SourceFormat::Labelstudio => labelstudio::import(path)?,
        SourceFormat::Doccano => doccano::import(path)?,
        SourceFormat::Prodigy => prodigy::import(path)?,
        SourceFormat::Jsonl => jsonl::import(path)?,
    };

    if opts.quotes_only && format != SourceFormat::Brat {
        return Err(Error::usage(format!(
            "{}: --gold-quotes-only applies to brat input only",
            path.display()
        )));
    }
    match format {
        SourceFormat::Brat => Ok(col),
        // (quotecheck files were checked with their lines as they were read)
        SourceFormat::Csv | SourceFormat::Records => filter_annotator(col, opts),
        _ => checked(col, opts, path),
    }
}

/// Groups records by annotator, for `--per-annotator`: each annotator's records, with the
/// index of its first. Every record must name its annotator.
pub fn by_annotator(
    input: &Path,
    col: &Collection,
) -> Result<BTreeMap<String, (usize, Vec<QuoteRecord>)>> {
    let mut out: BTreeMap<String, (usize, Vec<QuoteRecord>)> = BTreeMap::new();
    for (i, r) in col.records.iter().enumerate() {
        if r.annotator.trim().is_empty() {
            return Err(col.error_at(
                i,
                input,
                "annotator",
                format!(
                    "quote {:?} has no annotator id: --per-annotator needs one on every quote (brat: <doc>_<annotator>.ann)",
                    r.quote_id
                ),
            ));
        }
        out.entry(r.annotator.clone())
            .or_insert_with(|| (i, Vec::new()))
            .1
            .push(r.clone());
    }
    Ok(out)
}

/// Writes one file per annotator, `dir/<annotator>.<csv|jsonl>`, for `--per-annotator`: all of
/// them or nothing. Everything that can be wrong with the records (a row without an annotator,
/// an id that cannot be a file name) is found, and every file is rendered, before anything is
/// made on disk; if a write then fails, the files and folders this call made are removed
/// again (files it replaced cannot be brought back, but each is replaced whole or not at all).
/// Returns the number of files written.
pub fn write_per_annotator(
    input: &Path,
    col: &Collection,
    dir: &Path,
    format: schema::DataFormat,
    opts: schema::WriteOptions,
) -> Result<usize> {
    let groups = by_annotator(input, col)?;
    let ext = match format {
        schema::DataFormat::Csv => "csv",
        schema::DataFormat::Jsonl => "jsonl",
    };
    let mut files = Vec::with_capacity(groups.len());
    for (who, (first, recs)) in &groups {
        if brat::check_name(who, "annotator id").is_err() {
            return Err(col.error_at(
                *first,
                input,
                "annotator",
                format!(
                    "annotator id {who:?} (quote {:?}) cannot be used as a file name for --per-annotator",
                    recs[0].quote_id
                ),
            ));
        }
        let path = dir.join(format!("{who}.{ext}"));
        // `import jsonl by/ana.jsonl --per-annotator by --to jsonl` would replace its input
        crate::io::check_not_an_input(Some(&path), [input])?;
        let bytes = schema::write_records(Vec::new(), recs, format, opts)
            .map_err(|e| Error::io(&path, e))?;
        files.push((path, bytes));
    }
    // The folders this call makes, outermost first.
    let mut made_dirs: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err())
        .collect();
    made_dirs.reverse();
    let mut made_files = Vec::new();
    let written = std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(dir, e))
        .and_then(|()| {
            for (path, bytes) in &files {
                let existed = std::fs::symlink_metadata(path).is_ok();
                crate::io::write_atomic(path, bytes)?;
                if !existed {
                    made_files.push(path.as_path());
                }
            }
            Ok(())
        });
    if let Err(e) = written {
        for f in made_files {
            let _ = std::fs::remove_file(f);
        }
        // Innermost first; a folder someone else put something in meanwhile is left.
        for d in made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        return Err(e);
    }
    Ok(files.len())
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
    /// Where each record was read, for messages about it: one per record, or none at all (a
    /// quotecheck file read by [`load`], whose reader names lines itself).
    pub sources: Vec<Source>,
    pub docs: Vec<DocText>,
    pub warnings: Vec<String>,
}

impl Collection {
    /// Adds records read at `source`.
    pub fn extend(&mut self, records: Vec<QuoteRecord>, source: &Source) {
        self.sources
            .extend(std::iter::repeat_n(source, records.len()).cloned());
        self.records.extend(records);
    }

    /// An error about record `i` and its `field`, at the file and line it was read from (the
    /// `input` as a whole when that is not known).
    pub fn error_at(&self, i: usize, input: &Path, field: &str, msg: impl Into<String>) -> Error {
        match self.sources.get(i) {
            Some(s) => Error::input(s.location(field), msg),
            None => Error::input(
                Location::file(input).field(field),
                format!("row {}: {}", i + 1, msg.into()),
            ),
        }
    }
}

/// Where an imported record was read: the file; the line (brat: the line of the quote's span
/// in the `.ann` file; JSON Lines: the document's line; a JSON array: the line its element
/// starts on), and where in that line's JSON (`quotes[2]`, `task 3.annotations[0]`), which
/// tells records of one line apart, and the elements of an array written on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: std::path::PathBuf,
    pub line: Option<u64>,
    pub at: String,
}

impl Source {
    pub fn new(path: &Path, line: Option<u64>, at: impl Into<String>) -> Source {
        Source {
            path: path.to_path_buf(),
            line,
            at: at.into(),
        }
    }

    /// The location of `field` of the record read here.
    pub fn location(&self, field: &str) -> Location {
        let mut loc = Location::file(&self.path).field(if self.at.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.at)
        });
        loc.line = self.line;
        loc
    }

    /// This place as seen from a message about `other`: `on line 3` in the same file, else the
    /// file and line (`at b/d_ana.ann:3`); `, in quotes[0]` where the JSON says more.
    fn relative_to(&self, other: &Source) -> String {
        let mut out = if self.path == other.path {
            match self.line {
                Some(l) => format!("on line {l}"),
                None => "in the same file".to_string(),
            }
        } else {
            let mut loc = Location::file(&self.path);
            loc.line = self.line;
            format!("at {loc}")
        };
        if !self.at.is_empty() {
            out.push_str(&format!(
                ", in {}",
                crate::text::sanitize_one_line(&self.at)
            ));
        }
        out
    }
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

    #[test]
    fn one_id_may_label_one_span_twice() {
        // a Label Studio region labelled by two controls: the relation finds its Speaker label
        let text: Vec<char> = "Ann said \"yes\".".chars().collect();
        let span = |id: &str, label: &str, s: Span| LabelledSpan {
            id: id.into(),
            label: label.into(),
            span: s,
            meta: None,
            field: String::new(),
        };
        let spans = [
            span("q", "Quote", (10, 13)),
            span("s", "Speaker", (0, 3)),
            span("s", "Person", (0, 3)),
        ];
        let links = [Link {
            from: "q".into(),
            to: "s".into(),
        }];
        let recs =
            records_from_spans("d", "", &text, &spans, &links, Path::new("x.json"), 1).unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].speaker, "Ann");
    }
}

// ---------------------------------------------------------------------------------------------
// Shared by the exporters and importers of document formats
// ---------------------------------------------------------------------------------------------

/// A record as a document format sees it: a quote span, perhaps a speaker span and a cue span,
/// and the fields the format has no place for (`meta`, stored by each format in its own way).
#[derive(Debug, Clone)]
pub struct Structured {
    pub quote: Span,
    pub speaker: Option<Span>,
    pub cue: Option<Span>,
    pub meta: serde_json::Map<String, serde_json::Value>,
}

fn loc(input: &Path, line: u64, field: &str) -> Location {
    Location::file(input).line(line).field(field)
}

fn spans_of(rec: &QuoteRecord, key: &str, input: &Path, line: u64) -> Result<Option<Vec<Span>>> {
    match rec.extra.iter().find(|(k, _)| k == key) {
        Some((_, v)) if !v.trim().is_empty() => parse_spans(v)
            .map(Some)
            .map_err(|m| Error::input(loc(input, line, key), m)),
        _ => Ok(None),
    }
}

/// Splits a record into spans and meta for a format with contiguous labelled spans. The quote
/// must be the document text at its offsets; a speaker span is used when `speaker_mention` is
/// the text at `speaker_start..speaker_end`, a cue span when `cue_spans` holds one piece whose
/// text is `cue`. Everything else (and multi-piece spans) goes into `meta`, so import gives the
/// record back unchanged.
pub fn structure(rec: &QuoteRecord, line: u64, text: &[char], input: &Path) -> Result<Structured> {
    let n = text.len();
    if rec.end > n {
        return Err(Error::input(
            loc(input, line, "end"),
            format!(
                "offsets {}-{} lie outside the document text ({n} characters)",
                rec.start, rec.end
            ),
        ));
    }
    let at = |s: Span| -> String { text[s.0.min(n)..s.1.min(n)].iter().collect() };
    if at((rec.start, rec.end)) != rec.quote {
        return Err(Error::input(
            loc(input, line, "quote"),
            format!(
                "the quote does not match the document text at {}-{}",
                rec.start, rec.end
            ),
        ));
    }
    let mut meta = brat::note_fields(rec, &[]);
    meta.insert("kind".into(), rec.kind.as_str().into());
    if let Some(s) = rec.status {
        meta.insert("status".into(), s.as_str().into());
    }
    let mut speaker = None;
    if let (Some(s), Some(e)) = (rec.speaker_start, rec.speaker_end) {
        if e <= n && at((s, e)) == rec.speaker_mention && !rec.speaker_mention.is_empty() {
            speaker = Some((s, e));
        } else {
            meta.insert("speaker_start".into(), s.into());
            meta.insert("speaker_end".into(), e.into());
        }
    }
    if speaker.is_none() {
        meta.insert("speaker_mention".into(), rec.speaker_mention.clone().into());
        meta.insert("speaker".into(), rec.speaker.clone().into());
    }
    let mut cue = None;
    match spans_of(rec, brat::CUE_SPANS, input, line)? {
        Some(p) if p.len() == 1 && p[0].1 <= n && at(p[0]) == rec.cue => cue = Some(p[0]),
        _ => {
            if !rec.cue.is_empty() {
                meta.insert("cue".into(), rec.cue.clone().into());
            }
        }
    }
    // Single-piece span columns are implied by the spans themselves.
    if let Some(extra) = meta.get_mut("extra").and_then(|v| v.as_object_mut()) {
        if cue.is_some() {
            extra.shift_remove(brat::CUE_SPANS);
        }
        if extra.is_empty() {
            meta.shift_remove("extra");
        }
    }
    // A quote id that differs from the default, and any other field, is kept in meta already.
    let _ = spans_of(rec, brat::QUOTE_SPANS, input, line)?;
    let _ = spans_of(rec, brat::SPEAKER_SPANS, input, line)?;
    Ok(Structured {
        quote: (rec.start, rec.end),
        speaker,
        cue,
        meta,
    })
}

/// The inverse of [`structure`]: a record from spans in a document. Without `meta` (data made by
/// another tool) the kind is judged from the quotation marks and the context is the paragraph.
/// A `meta` field that contradicts the span or the document is an error: the field it is in
/// and the message.
pub fn rebuild(
    doc_id: &str,
    annotator: &str,
    text: &[char],
    st: &Structured,
    has_meta: bool,
) -> std::result::Result<QuoteRecord, (String, String)> {
    let n = text.len();
    let at = |s: Span| -> String { text[s.0.min(n)..s.1.min(n)].iter().collect() };
    let (start, end) = st.quote;
    let mut r = QuoteRecord {
        quote_id: QuoteRecord::make_id(doc_id, start, end),
        doc_id: doc_id.to_string(),
        quote: at(st.quote),
        start,
        end,
        annotator: annotator.to_string(),
        ..Default::default()
    };
    if let Some(s) = st.speaker {
        r.speaker = at(s);
        r.speaker_mention = r.speaker.clone();
        r.speaker_start = Some(s.0);
        r.speaker_end = Some(s.1);
    }
    if let Some(c) = st.cue {
        r.cue = at(c);
        brat::set_extra(&mut r, brat::CUE_SPANS, format_spans(&[c]));
    }
    if has_meta {
        let mut m = st.meta.clone();
        if let Some(k) = m
            .shift_remove("kind")
            .and_then(|v| v.as_str().map(String::from))
        {
            r.kind = k.parse().unwrap_or_default();
        }
        if let Some(s) = m
            .shift_remove("status")
            .and_then(|v| v.as_str().map(String::from))
        {
            r.status = crate::schema::parse_status(&s).ok().flatten();
        }
        for key in ["speaker_start", "speaker_end"] {
            if let Some(v) = m.shift_remove(key).and_then(|v| v.as_u64()) {
                if key == "speaker_start" {
                    r.speaker_start = Some(v as usize);
                } else {
                    r.speaker_end = Some(v as usize);
                }
            }
        }
        for key in ["speaker_mention", "cue"] {
            if let Some(v) = m.shift_remove(key) {
                let v = v.as_str().unwrap_or_default().to_string();
                if key == "cue" {
                    r.cue = v;
                } else {
                    r.speaker_mention = v;
                }
            }
        }
        brat::apply_note_fields(&mut r, &m)?;
        // `extra` keys come after the span columns set above; keep file order stable.
    } else {
        let mask = quoted::quoted_mask(text);
        let q = quoted::Quotedness::of(text, &mask, start, end);
        r.kind = if q.is_almost_all_quoted() {
            crate::schema::Kind::Direct
        } else if q.quoted > 0 {
            crate::schema::Kind::Mixed
        } else {
            crate::schema::Kind::Indirect
        };
        let (c, cs) = paragraph_context(text, start, end);
        r.context = c;
        r.context_start = Some(cs);
    }
    Ok(r)
}

/// Records grouped by document and annotator, in the order of first appearance, each with the
/// line it was read from.
pub type Groups<'a> = Vec<((String, String), Vec<(&'a QuoteRecord, u64)>)>;

pub fn group_records<'a>(records: &'a [QuoteRecord], lines: &[u64]) -> Groups<'a> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut map: std::collections::HashMap<(String, String), Vec<(&QuoteRecord, u64)>> =
        std::collections::HashMap::new();
    for (i, r) in records.iter().enumerate() {
        let key = (r.doc_id.clone(), r.annotator.clone());
        let line = lines.get(i).copied().unwrap_or(i as u64 + 2);
        map.entry(key.clone())
            .or_insert_with(|| {
                order.push(key.clone());
                Vec::new()
            })
            .push((r, line));
    }
    order
        .into_iter()
        .map(|k| {
            let v = map.remove(&k).unwrap_or_default();
            (k, v)
        })
        .collect()
}

/// The document texts an export needs: `<doc_id>.txt` from `text_dir` when given, else rebuilt
/// from the rows' `context` and `quote` columns, with blanks where no row says what the text
/// is (and a warning).
pub fn export_texts(
    records: &[QuoteRecord],
    text_dir: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Result<BTreeMap<String, Vec<char>>> {
    let mut out: BTreeMap<String, Vec<char>> = BTreeMap::new();
    let mut rebuilt = 0;
    for r in records {
        if out.contains_key(&r.doc_id) {
            continue;
        }
        if let Some(dir) = text_dir {
            brat::check_name(&r.doc_id, "document id")?;
            let p = dir.join(format!("{}.txt", r.doc_id));
            let t = crate::io::read_text(&p)?;
            out.insert(r.doc_id.clone(), t.chars().collect());
        } else {
            rebuilt += 1;
            out.insert(r.doc_id.clone(), Vec::new());
        }
    }
    if text_dir.is_none() {
        let mut placed: BTreeMap<String, Vec<Option<char>>> = BTreeMap::new();
        for r in records {
            let buf = placed.entry(r.doc_id.clone()).or_default();
            let mut put = |start: usize, s: &str| {
                for (i, c) in s.chars().enumerate() {
                    if buf.len() <= start + i {
                        buf.resize(start + i + 1, None);
                    }
                    buf[start + i].get_or_insert(c);
                }
            };
            if let Some(cs) = r.context_start {
                put(cs, &r.context);
            }
            put(r.start, &r.quote);
            if let Some(ss) = r.speaker_start {
                put(ss, &r.speaker_mention);
            }
        }
        for (d, buf) in placed {
            out.insert(d, buf.into_iter().map(|c| c.unwrap_or(' ')).collect());
        }
        if rebuilt > 0 {
            warnings.push(format!(
                "no --text folder: the text of {rebuilt} document(s) was rebuilt from the rows' context and quote columns; text outside them is blank (give --text DIR with <doc_id>.txt files for the full text)"
            ));
        }
    }
    Ok(out)
}

/// A labelled span of a document format (Label Studio region, doccano entity, Prodigy span).
#[derive(Debug, Clone)]
pub struct LabelledSpan {
    pub id: String,
    /// `Quote`, `Speaker` or `Cue` (compared without case).
    pub label: String,
    pub span: Span,
    /// The quotecheck fields of a quote written by `export`.
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
    /// Where the span is in its input record (`spans[2]`), for messages; empty when made
    /// here.
    pub field: String,
}

/// A relation between two labelled spans.
#[derive(Debug, Clone)]
pub struct Link {
    pub from: String,
    pub to: String,
}

pub const LABEL_QUOTE: &str = "Quote";
pub const LABEL_SPEAKER: &str = "Speaker";
pub const LABEL_CUE: &str = "Cue";

fn label_is(l: &str, names: &[&str]) -> bool {
    names.iter().any(|n| l.eq_ignore_ascii_case(n))
}

/// The labelled spans and links of one document and annotator, for export.
pub fn spans_for_export(
    group: &[(&QuoteRecord, u64)],
    text: &[char],
    input: &Path,
) -> Result<(Vec<LabelledSpan>, Vec<Link>)> {
    let mut spans = Vec::new();
    let mut links = Vec::new();
    for (i, (rec, line)) in group.iter().enumerate() {
        let st = structure(rec, *line, text, input)?;
        let q = format!("q{}", i + 1);
        spans.push(LabelledSpan {
            id: q.clone(),
            label: LABEL_QUOTE.into(),
            span: st.quote,
            meta: Some(st.meta),
            field: String::new(),
        });
        if let Some(s) = st.speaker {
            let id = format!("s{}", i + 1);
            spans.push(LabelledSpan {
                id: id.clone(),
                label: LABEL_SPEAKER.into(),
                span: s,
                meta: None,
                field: String::new(),
            });
            links.push(Link {
                from: q.clone(),
                to: id,
            });
        }
        if let Some(c) = st.cue {
            let id = format!("c{}", i + 1);
            spans.push(LabelledSpan {
                id: id.clone(),
                label: LABEL_CUE.into(),
                span: c,
                meta: None,
                field: String::new(),
            });
            links.push(Link { from: q, to: id });
        }
    }
    Ok((spans, links))
}

/// Records from the labelled spans of one document and annotator: one per `Quote` span, with the
/// `Speaker` and `Cue` spans linked to it. Offsets are checked against the text.
pub fn records_from_spans(
    doc_id: &str,
    annotator: &str,
    text: &[char],
    spans: &[LabelledSpan],
    links: &[Link],
    input: &Path,
    line: u64,
) -> Result<Vec<QuoteRecord>> {
    // One id may carry several labels of the same span (Label Studio gives a region labelled
    // by two controls one result each); one id for two different spans makes every relation
    // to it ambiguous.
    let mut by_id: std::collections::HashMap<&str, Vec<&LabelledSpan>> =
        std::collections::HashMap::new();
    // (the span's place in its record, when the input said where it is)
    let at = |s: &LabelledSpan| {
        let l = Location::file(input).line(line);
        if s.field.is_empty() {
            l
        } else {
            l.field(s.field.clone())
        }
    };
    for s in spans {
        if s.span.0 > s.span.1 {
            return Err(Error::input(
                at(s),
                format!(
                    "span {}-{} ({}) ends before it starts",
                    s.span.0, s.span.1, s.label
                ),
            ));
        }
        if s.span.1 > text.len() {
            return Err(Error::input(
                at(s),
                format!(
                    "span {}-{} ({}) lies outside the document text ({} characters)",
                    s.span.0,
                    s.span.1,
                    s.label,
                    text.len()
                ),
            ));
        }
        let same_id = by_id.entry(s.id.as_str()).or_default();
        if let Some(o) = same_id.iter().find(|o| o.span != s.span) {
            return Err(Error::input(
                at(s),
                format!(
                    "span id {:?} names two different spans ({}-{} {}, {}-{} {}); every span needs its own id",
                    s.id, o.span.0, o.span.1, o.label, s.span.0, s.span.1, s.label
                ),
            ));
        }
        same_id.push(s);
    }
    for l in links {
        for end in [&l.from, &l.to] {
            if !by_id.contains_key(end.as_str()) {
                return Err(Error::input(
                    Location::file(input).line(line),
                    format!("a relation refers to span {end:?}, which does not exist"),
                ));
            }
        }
    }
    let mut out = Vec::new();
    for q in spans
        .iter()
        .filter(|s| label_is(&s.label, &[LABEL_QUOTE, "Quotation", "Content"]))
    {
        let linked = |names: &[&str]| -> Option<Span> {
            links.iter().find_map(|l| {
                let other = if l.from == q.id {
                    &l.to
                } else if l.to == q.id {
                    &l.from
                } else {
                    return None;
                };
                by_id
                    .get(other.as_str())?
                    .iter()
                    .find(|o| label_is(&o.label, names))
                    .map(|o| o.span)
            })
        };
        let st = Structured {
            quote: q.span,
            speaker: linked(&[LABEL_SPEAKER, "Source"]),
            cue: linked(&[LABEL_CUE]),
            meta: q.meta.clone().unwrap_or_default(),
        };
        let r =
            rebuild(doc_id, annotator, text, &st, q.meta.is_some()).map_err(|(field, msg)| {
                Error::input(Location::file(input).line(line).field(field), msg)
            })?;
        out.push(r);
    }
    out.sort_by_key(|r| (r.start, r.end));
    Ok(out)
}

/// The 1-based line on which each top-level element of a JSON array starts, for error messages
/// about one element of a file that is one big array.
pub fn array_element_lines(src: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let (mut depth, mut in_str, mut esc, mut line) = (0i32, false, false, 1u64);
    let mut expect = false;
    for c in src.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_str {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        if expect && !c.is_whitespace() && c != ']' {
            out.push(line);
            expect = false;
        }
        match c {
            '"' => in_str = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 && c == '[' {
                    expect = true;
                }
            }
            ']' | '}' => depth -= 1,
            ',' if depth == 1 => expect = true,
            _ => {}
        }
    }
    out
}

/// Reads a JSON Lines file: the 1-based line and value of every non-empty line.
pub fn read_json_lines(path: &Path) -> Result<Vec<(u64, serde_json::Value)>> {
    let src = crate::io::read_text(path)?;
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(line).map_err(|e| {
            Error::input(
                Location::file(path).line(i as u64 + 1),
                crate::schema::json_line_error(&e),
            )
        })?;
        out.push((i as u64 + 1, v));
    }
    if out.is_empty() {
        return Err(Error::input(Location::file(path), "no records"));
    }
    Ok(out)
}

/// Helpers to read fields of a JSON object with errors that say where and what.
pub struct Obj<'a> {
    pub map: &'a serde_json::Map<String, serde_json::Value>,
    pub path: &'a Path,
    pub line: u64,
    /// Where in the record, for messages (`annotations[0].result[2]`).
    pub at: String,
}

impl<'a> Obj<'a> {
    pub fn new(v: &'a serde_json::Value, path: &'a Path, line: u64, at: &str) -> Result<Obj<'a>> {
        match v.as_object() {
            Some(map) => Ok(Obj {
                map,
                path,
                line,
                at: at.to_string(),
            }),
            None => Err(Error::input(
                Location::file(path).line(line),
                format!(
                    "{}: expected a JSON object",
                    if at.is_empty() { "record" } else { at }
                ),
            )),
        }
    }
    fn name(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.at)
        }
    }
    pub fn err(&self, key: &str, msg: impl std::fmt::Display) -> Error {
        Error::input(
            Location::file(self.path)
                .line(self.line)
                .field(self.name(key)),
            msg.to_string(),
        )
    }
    pub fn get(&self, key: &str) -> Option<&'a serde_json::Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }
    pub fn str(&self, key: &str) -> Result<&'a str> {
        match self.get(key) {
            Some(serde_json::Value::String(s)) => Ok(s),
            Some(_) => Err(self.err(key, "expected a string")),
            None => Err(self.err(key, format!("missing field `{key}`"))),
        }
    }
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.err(key, "expected a string")),
        }
    }
    pub fn usize(&self, key: &str) -> Result<usize> {
        match self.get(key) {
            Some(v) => v.as_u64().map(|x| x as usize).ok_or_else(|| {
                self.err(key, format!("expected a non-negative integer, found {v}"))
            }),
            None => Err(self.err(key, format!("missing field `{key}`"))),
        }
    }
    pub fn array(&self, key: &str) -> Result<&'a [serde_json::Value]> {
        match self.get(key) {
            Some(serde_json::Value::Array(a)) => Ok(a),
            Some(_) => Err(self.err(key, "expected an array")),
            None => Ok(&[]),
        }
    }
    pub fn child(&self, v: &'a serde_json::Value, name: &str) -> Result<Obj<'a>> {
        Obj::new(v, self.path, self.line, &self.name(name))
    }
    pub fn meta(&self, key: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
        self.get(key).and_then(|v| v.as_object()).cloned()
    }
}

/// An id of a JSON value that may be a string or a number.
pub fn id_string(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
