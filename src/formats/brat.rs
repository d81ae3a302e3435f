//! brat standoff: a folder of `<doc>.txt` documents with `<doc>.ann` annotations beside them (or
//! `<doc>_<annotator>.ann`, one per annotator), or PolNeAR's `text/` + `attributions/` layout.
//!
//! Two annotation schemes are read and written:
//!
//! * **attribution** (PolNeAR): `Source`, `Cue` and `Content` text-bound annotations tied together
//!   by an `Attribution` (or `Attribution-no-source`) event; `Content2` continues a content span.
//! * **quote**: a `Quote` span with relations to a `Speaker` span and, optionally, a `Cue` span.
//!
//! On export, fields brat has no place for travel in an `AnnotatorNotes` note on the quote span as
//! a JSON object, so that export then import gives back every field. `Kind` and `Status` are
//! attributes of the quote span. Offsets are code points, as in brat.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::quoted::{self, Quotedness};
use super::{Collection, DocText, Source, Span, format_spans, paragraph_context, parse_spans};
use crate::error::{Error, Location, Result};
use crate::schema::{Kind, QuoteRecord, Status};

/// Extra columns that carry span pieces brat knows but the schema does not.
pub const QUOTE_SPANS: &str = "quote_spans";
pub const SPEAKER_SPANS: &str = "speaker_spans";
pub const CUE_SPANS: &str = "cue_spans";
/// Extra column of a `--quotes-only` row: the other sources annotated for the same quote (two
/// attributions of one span), `|`-separated; `eval` counts any of them as right as well.
pub const ALT_SPEAKERS: &str = "alt_speakers";

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// A text-bound annotation (`T` line).
#[derive(Debug, Clone)]
pub struct TextBound {
    pub id: String,
    pub typ: String,
    pub pieces: Vec<Span>,
    pub line: u64,
}

/// An event (`E` line): a trigger and role arguments.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub typ: String,
    pub trigger: String,
    pub args: Vec<(String, String)>,
    pub line: u64,
}

/// A relation (`R` line).
#[derive(Debug, Clone)]
pub struct Relation {
    pub id: String,
    pub typ: String,
    pub args: Vec<(String, String)>,
    pub line: u64,
}

/// An attribute (`A` or `M` line).
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub target: String,
    pub value: Option<String>,
    pub line: u64,
}

/// A note (`#` line).
#[derive(Debug, Clone)]
pub struct Note {
    pub target: String,
    pub text: String,
    /// The line of the `.ann` file it is on.
    pub line: u64,
}

/// One parsed `.ann` file.
#[derive(Debug, Clone, Default)]
pub struct AnnFile {
    pub tbs: Vec<TextBound>,
    pub events: Vec<Event>,
    pub relations: Vec<Relation>,
    pub attributes: Vec<Attribute>,
    pub notes: Vec<Note>,
    index: HashMap<String, usize>,
}

impl AnnFile {
    pub fn tb(&self, id: &str) -> Option<&TextBound> {
        self.index.get(id).map(|&i| &self.tbs[i])
    }
}

fn bad(path: &Path, line: u64, msg: impl Into<String>) -> Error {
    Error::input(Location::file(path).line(line), msg)
}

/// The `ROLE:ID` items of an event or relation line; `expected` names the shape in the error.
fn role_args<'a>(
    items: impl Iterator<Item = &'a str>,
    path: &Path,
    line: u64,
    id: &str,
    expected: &str,
) -> Result<Vec<(String, String)>> {
    items
        .map(|it| {
            let (role, target) = it.split_once(':').ok_or_else(|| {
                bad(
                    path,
                    line,
                    format!("{id}: expected `{expected}`, found {:?}", shorten(it)),
                )
            })?;
            Ok((role.to_string(), target.to_string()))
        })
        .collect()
}

fn slice(text: &[char], s: Span) -> String {
    text[s.0.min(text.len())..s.1.min(text.len())]
        .iter()
        .collect()
}

/// Parses an `.ann` file against its document text. Every problem is an error naming the file
/// and line: a line of an unknown kind, bad offsets, offsets outside the text, a span whose text
/// differs from the document, a reference to an undefined annotation, a duplicate id.
pub fn parse_ann(path: &Path, src: &str, text: &[char]) -> Result<AnnFile> {
    let mut ann = AnnFile::default();
    let mut ids: HashMap<String, u64> = HashMap::new();
    let lines: Vec<&str> = src.split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let lineno = i as u64 + 1;
        let line = lines[i].strip_suffix('\r').unwrap_or(lines[i]);
        i += 1;
        if line.trim().is_empty() {
            continue;
        }
        let (id, rest) = match line.split_once('\t') {
            Some(x) => x,
            None => {
                return Err(bad(
                    path,
                    lineno,
                    format!(
                        "malformed line {:?}: expected an annotation id, a tab and its fields",
                        shorten(line)
                    ),
                ));
            }
        };
        let kind = id.chars().next().unwrap_or(' ');
        let valid_id = id.len() > 1
            && (id[1..].chars().all(|c| c.is_ascii_digit()) || kind == '*' && id.len() == 1);
        if !matches!(kind, 'T' | 'E' | 'R' | 'A' | 'M' | 'N' | '#' | '*')
            || !(valid_id || id == "*")
        {
            return Err(bad(
                path,
                lineno,
                format!(
                    "malformed line: {:?} is not an annotation id (T1, E1, R1, A1, #1, …)",
                    shorten(id)
                ),
            ));
        }
        if id != "*"
            && let Some(prev) = ids.insert(id.to_string(), lineno)
        {
            return Err(bad(
                path,
                lineno,
                format!("duplicate annotation id {id} (first defined on line {prev})"),
            ));
        }
        match kind {
            'T' => {
                let (head, given) = match rest.split_once('\t') {
                    Some((h, t)) => (h, Some(t)),
                    None => (rest, None),
                };
                let (typ, offs) = head.split_once(' ').ok_or_else(|| {
                    bad(
                        path,
                        lineno,
                        format!("{id}: expected `TYPE START END`, found {:?}", shorten(head)),
                    )
                })?;
                let pieces =
                    parse_offsets(offs).map_err(|m| bad(path, lineno, format!("{id}: {m}")))?;
                for &(s, e) in &pieces {
                    if e > text.len() {
                        return Err(bad(
                            path,
                            lineno,
                            format!(
                                "{id}: offsets {s}-{e} lie outside the text ({} characters)",
                                text.len()
                            ),
                        ));
                    }
                }
                if let Some(given) = given {
                    let expected = pieces
                        .iter()
                        .map(|&p| slice(text, p))
                        .collect::<Vec<_>>()
                        .join(" ");
                    let mut got = given.to_string();
                    // brat writes a span's text verbatim, line breaks included: the text of a
                    // span that crosses a paragraph continues on the following lines.
                    while got != expected
                        && expected.starts_with(&format!("{got}\n"))
                        && i < lines.len()
                    {
                        got.push('\n');
                        got.push_str(lines[i].strip_suffix('\r').unwrap_or(lines[i]));
                        i += 1;
                    }
                    if got != expected {
                        return Err(bad(
                            path,
                            lineno,
                            format!(
                                "{id}: span text {:?} does not match the document text at {} ({:?})",
                                shorten(given),
                                format_spans(&pieces),
                                shorten(&expected)
                            ),
                        ));
                    }
                }
                ann.index.insert(id.to_string(), ann.tbs.len());
                ann.tbs.push(TextBound {
                    id: id.to_string(),
                    typ: typ.to_string(),
                    pieces,
                    line: lineno,
                });
            }
            'E' => {
                let mut items = rest.split_whitespace();
                let trig = items
                    .next()
                    .ok_or_else(|| bad(path, lineno, format!("{id}: empty event")))?;
                let (typ, trigger) = trig.split_once(':').ok_or_else(|| {
                    bad(
                        path,
                        lineno,
                        format!("{id}: expected `TYPE:TRIGGER`, found {:?}", shorten(trig)),
                    )
                })?;
                let args = role_args(items, path, lineno, id, "ROLE:ID")?;
                ann.events.push(Event {
                    id: id.to_string(),
                    typ: typ.to_string(),
                    trigger: trigger.to_string(),
                    args,
                    line: lineno,
                });
            }
            'R' => {
                let mut items = rest.split_whitespace();
                let typ = items
                    .next()
                    .ok_or_else(|| bad(path, lineno, format!("{id}: empty relation")))?;
                let args = role_args(items, path, lineno, id, "Arg1:ID Arg2:ID")?;
                if args.len() != 2 {
                    return Err(bad(
                        path,
                        lineno,
                        format!("{id}: a relation needs two arguments"),
                    ));
                }
                ann.relations.push(Relation {
                    id: id.to_string(),
                    typ: typ.to_string(),
                    args,
                    line: lineno,
                });
            }
            'A' | 'M' => {
                let items: Vec<&str> = rest.split_whitespace().collect();
                if items.len() < 2 || items.len() > 3 {
                    return Err(bad(
                        path,
                        lineno,
                        format!("{id}: expected `NAME TARGET [VALUE]`"),
                    ));
                }
                ann.attributes.push(Attribute {
                    name: items[0].to_string(),
                    target: items[1].to_string(),
                    value: items.get(2).map(|s| s.to_string()),
                    line: lineno,
                });
            }
            '#' => {
                let (head, note) = rest.split_once('\t').unwrap_or((rest, ""));
                let items: Vec<&str> = head.split_whitespace().collect();
                if items.len() != 2 {
                    return Err(bad(
                        path,
                        lineno,
                        format!("{id}: expected `AnnotatorNotes TARGET<TAB>TEXT`"),
                    ));
                }
                ann.notes.push(Note {
                    target: items[1].to_string(),
                    text: note.to_string(),
                    line: lineno,
                });
            }
            // Normalisations and equivalences carry nothing the schema holds.
            _ => {}
        }
    }
    // References must resolve.
    let defined = |x: &str| ann.index.contains_key(x) || ids.contains_key(x);
    for e in &ann.events {
        for (role, target) in
            std::iter::once(&("trigger".to_string(), e.trigger.clone())).chain(&e.args)
        {
            if !defined(target) {
                return Err(bad(
                    path,
                    e.line,
                    format!("{}: {role} {target} is not defined in this file", e.id),
                ));
            }
        }
    }
    for r in &ann.relations {
        for (role, target) in &r.args {
            if !defined(target) {
                return Err(bad(
                    path,
                    r.line,
                    format!("{}: {role} {target} is not defined in this file", r.id),
                ));
            }
        }
    }
    Ok(ann)
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        let mut t: String = s.chars().take(57).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

fn parse_offsets(s: &str) -> std::result::Result<Vec<Span>, String> {
    let mut out = Vec::new();
    for piece in s.split(';') {
        let nums: Vec<&str> = piece.split_whitespace().collect();
        let parsed: Vec<usize> = nums.iter().filter_map(|n| n.parse().ok()).collect();
        if nums.len() != 2 || parsed.len() != 2 {
            return Err(format!(
                "expected offsets `START END` (or `S E;S E`), found {:?}",
                shorten(s)
            ));
        }
        if parsed[1] < parsed[0] {
            return Err(format!("end {} is before start {}", parsed[1], parsed[0]));
        }
        out.push((parsed[0], parsed[1]));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Finding documents
// ---------------------------------------------------------------------------------------------

/// One document and its annotation files, one per annotator (the annotator is empty for a plain
/// `<doc>.ann`).
#[derive(Debug, Clone)]
pub struct BratDoc {
    pub doc_id: String,
    pub text_path: PathBuf,
    pub anns: Vec<(String, PathBuf)>,
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()).map_err(|e| Error::io(dir, e)))
        .collect::<Result<_>>()?;
    v.sort();
    Ok(v)
}

fn ext_is(p: &Path, ext: &str) -> bool {
    p.extension().and_then(|e| e.to_str()) == Some(ext)
}

fn stem_of(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Finds the documents of a brat input: an `.ann` file, a folder of `.txt` + `.ann` files
/// (searched recursively), or a folder with `text/` and `attributions/` (PolNeAR; also under
/// `data/<compartment>/`). Documents come sorted by id; annotators sorted within a document.
pub fn discover(input: &Path) -> Result<Vec<BratDoc>> {
    let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
    let mut docs: BTreeMap<String, BratDoc> = BTreeMap::new();
    let mut add = |txt_dir: &Path,
                   ann: &Path,
                   stem_dir_has_txt: &dyn Fn(&str) -> bool|
     -> Result<()> {
        let stem = stem_of(ann);
        let (doc, annotator) = if stem_dir_has_txt(&stem) {
            (stem.clone(), String::new())
        } else if let Some((base, who)) = stem.rsplit_once('_').filter(|(b, _)| stem_dir_has_txt(b))
        {
            (base.to_string(), who.to_string())
        } else {
            return Err(Error::input(
                Location::file(ann),
                format!(
                    "no document text for this annotation file: expected {}.txt (or <doc>.txt for <doc>_<annotator>.ann) in {}",
                    stem,
                    txt_dir.display()
                ),
            ));
        };
        let entry = docs.entry(doc.clone()).or_insert_with(|| BratDoc {
            doc_id: doc.clone(),
            text_path: txt_dir.join(format!("{doc}.txt")),
            anns: Vec::new(),
        });
        if entry.text_path != txt_dir.join(format!("{doc}.txt")) {
            return Err(Error::input(
                Location::file(ann),
                format!(
                    "document id {doc:?} occurs in two folders ({} and {})",
                    entry.text_path.display(),
                    txt_dir.display()
                ),
            ));
        }
        entry.anns.push((annotator, ann.to_path_buf()));
        Ok(())
    };
    if meta.is_file() {
        if !ext_is(input, "ann") {
            return Err(Error::usage(format!(
                "{}: brat input must be a folder or an .ann file",
                input.display()
            )));
        }
        let dir = input
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let has = |s: &str| dir.join(format!("{s}.txt")).is_file();
        add(dir, input, &has)?;
    } else {
        let mut root = input.to_path_buf();
        if !root.join("text").is_dir() && root.join("data").is_dir() {
            root = root.join("data");
        }
        if root.join("text").is_dir() && root.join("attributions").is_dir() {
            let tdir = root.join("text");
            let has = |s: &str| tdir.join(format!("{s}.txt")).is_file();
            for p in sorted_entries(&root.join("attributions"))? {
                if ext_is(&p, "ann") {
                    add(&tdir, &p, &has)?;
                }
            }
        } else {
            let mut stack = vec![root.clone()];
            while let Some(dir) = stack.pop() {
                let has = |s: &str| dir.join(format!("{s}.txt")).is_file();
                for p in sorted_entries(&dir)? {
                    if p.is_dir() {
                        stack.push(p);
                    } else if ext_is(&p, "ann") {
                        add(&dir, &p, &has)?;
                    }
                }
            }
        }
    }
    if docs.is_empty() {
        return Err(Error::input(
            Location::file(input),
            "no brat annotation files (.ann) found",
        ));
    }
    let mut out: Vec<BratDoc> = docs.into_values().collect();
    for d in &mut out {
        d.anns.sort();
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

/// How to import brat.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Rows are the quoted segments of each text (see the module `quoted`), not attributions.
    pub quotes_only: bool,
    /// Take only this annotator's files.
    pub annotator: Option<String>,
    /// Take every annotator's files (for `--per-annotator`); otherwise the first-sorting
    /// annotator of each document.
    pub all_annotators: bool,
}

/// One attribution, from either scheme.
#[derive(Debug, Clone, Default)]
struct Attribution {
    content: Vec<Span>,
    source: Option<Vec<Span>>,
    cue: Option<Vec<Span>>,
    /// The id of the span that carries attributes and notes.
    anchor: String,
}

fn is_type(t: &str, names: &[&str]) -> bool {
    names.iter().any(|n| t.eq_ignore_ascii_case(n))
}

fn attributions(ann: &AnnFile) -> Vec<Attribution> {
    let mut out = Vec::new();
    for e in &ann.events {
        let mut a = Attribution::default();
        for (role, target) in &e.args {
            let Some(tb) = ann.tb(target) else { continue };
            let r = role.trim_end_matches(|c: char| c.is_ascii_digit());
            if r.eq_ignore_ascii_case("Content") {
                if a.anchor.is_empty() {
                    a.anchor = tb.id.clone();
                }
                a.content.extend(tb.pieces.iter().copied());
            } else if is_type(r, &["Source", "Speaker"]) {
                a.source
                    .get_or_insert_with(Vec::new)
                    .extend(tb.pieces.iter().copied());
            } else if r.eq_ignore_ascii_case("Cue") {
                a.cue
                    .get_or_insert_with(Vec::new)
                    .extend(tb.pieces.iter().copied());
            }
        }
        if !a.content.is_empty() {
            a.content.sort();
            out.push(a);
        }
    }
    // The quote scheme: Quote spans with relations to Speaker and Cue spans.
    for tb in &ann.tbs {
        if !is_type(&tb.typ, &["Quote", "Quotation"]) {
            continue;
        }
        let mut a = Attribution {
            content: tb.pieces.clone(),
            anchor: tb.id.clone(),
            ..Default::default()
        };
        for r in &ann.relations {
            let other = if r.args[0].1 == tb.id {
                &r.args[1].1
            } else if r.args[1].1 == tb.id {
                &r.args[0].1
            } else {
                continue;
            };
            let Some(o) = ann.tb(other) else { continue };
            if is_type(&o.typ, &["Speaker", "Source"]) && a.source.is_none() {
                a.source = Some(o.pieces.clone());
            } else if is_type(&o.typ, &["Cue"]) && a.cue.is_none() {
                a.cue = Some(o.pieces.clone());
            }
        }
        out.push(a);
    }
    out
}

fn extent(p: &[Span]) -> Span {
    (
        p.iter().map(|x| x.0).min().unwrap_or(0),
        p.iter().map(|x| x.1).max().unwrap_or(0),
    )
}

fn pieces_text(text: &[char], p: &[Span]) -> String {
    p.iter()
        .map(|&s| slice(text, s))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Attribute and note data attached to an anchor span.
fn apply_annotations(ann: &AnnFile, anchor: &str, r: &mut QuoteRecord, path: &Path) -> Result<()> {
    for a in ann.attributes.iter().filter(|a| a.target == anchor) {
        let v = a.value.clone().unwrap_or_else(|| "true".into());
        if a.name.eq_ignore_ascii_case("Kind") {
            r.kind = v.parse().map_err(|m: String| {
                Error::input(Location::file(path).line(a.line).field("Kind"), m)
            })?;
        } else if a.name.eq_ignore_ascii_case("Status") {
            r.status = Some(v.parse().map_err(|m: String| {
                Error::input(Location::file(path).line(a.line).field("Status"), m)
            })?);
        } else {
            set_extra(r, &format!("attr_{}", a.name), v);
        }
    }
    for n in ann.notes.iter().filter(|n| n.target == anchor) {
        match serde_json::from_str::<Value>(&n.text) {
            Ok(Value::Object(m)) => {
                // A note written by quotecheck holds the context as it was.
                r.context.clear();
                r.context_start = None;
                apply_note_fields(r, &m).map_err(|(field, msg)| {
                    Error::input(Location::file(path).line(n.line).field(field), msg)
                })?
            }
            _ => {
                if !r.note.is_empty() {
                    r.note.push('\n');
                }
                r.note.push_str(&n.text);
            }
        }
    }
    Ok(())
}

pub(crate) fn set_extra(r: &mut QuoteRecord, k: &str, v: String) {
    if let Some(e) = r.extra.iter_mut().find(|(key, _)| key == k) {
        e.1 = v;
    } else {
        r.extra.push((k.to_string(), v));
    }
}

/// The fields of a record that brat has no place for, as a JSON object (empty when none).
pub(crate) fn note_fields(r: &QuoteRecord, skip_extra: &[&str]) -> Map<String, Value> {
    let mut m = Map::new();
    if r.quote_id != QuoteRecord::make_id(&r.doc_id, r.start, r.end) {
        m.insert("quote_id".into(), r.quote_id.clone().into());
    }
    if r.speaker != r.speaker_mention {
        m.insert("speaker".into(), r.speaker.clone().into());
    }
    m.insert("context".into(), r.context.clone().into());
    let text_fields: [(&str, &String); 4] = [
        ("rule", &r.rule),
        ("reviewed_speaker", &r.reviewed_speaker),
        ("reviewed_at", &r.reviewed_at),
        ("note", &r.note),
    ];
    for (k, v) in text_fields {
        if !v.is_empty() {
            m.insert(k.into(), v.clone().into());
        }
    }
    if r.confidence != 0.0 {
        m.insert("confidence".into(), r.confidence.into());
    }
    if !r.candidates.is_empty() {
        m.insert("candidates".into(), r.candidates.clone().into());
    }
    if let Some(c) = r.context_start {
        m.insert("context_start".into(), c.into());
    }
    let extra: Map<String, Value> = r
        .extra
        .iter()
        .filter(|(k, _)| !skip_extra.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), Value::from(v.clone())))
        .collect();
    if !extra.is_empty() {
        m.insert("extra".into(), Value::Object(extra));
    }
    m
}

/// Sets the fields named in a note object (the inverse of [`note_fields`]).
///
/// A column the record takes from its span or document (`doc_id`, `start`, `kind` …) may be
/// repeated, but one that says otherwise is refused with the field it is in
/// (`quotecheck.doc_id`): kept as an extra column it would give the output two columns of one
/// name, which no reader accepts.
pub(crate) fn apply_note_fields(
    r: &mut QuoteRecord,
    m: &Map<String, Value>,
) -> std::result::Result<(), (String, String)> {
    let s = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let agrees = |r: &QuoteRecord, field: String, k: &str, v: &Value| {
        let own = r.cell(k).unwrap_or_default();
        if own == s(v) {
            Ok(())
        } else {
            Err((
                field,
                format!(
                    "says {k} is {:?}, but the quote's {k} is {own:?}; remove it or make it agree",
                    s(v)
                ),
            ))
        }
    };
    for (k, v) in m {
        match k.as_str() {
            "quote_id" => r.quote_id = s(v),
            "speaker" => r.speaker = s(v),
            // Written by `write_ann` when the mention or the cue has no span of its own (an
            // extracted cue never has one).
            "speaker_mention" => r.speaker_mention = s(v),
            "cue" => r.cue = s(v),
            "speaker_start" => r.speaker_start = v.as_u64().map(|x| x as usize),
            "speaker_end" => r.speaker_end = v.as_u64().map(|x| x as usize),
            "rule" => r.rule = s(v),
            "context" => r.context = s(v),
            "reviewed_speaker" => r.reviewed_speaker = s(v),
            "reviewed_at" => r.reviewed_at = s(v),
            "note" => r.note = s(v),
            "confidence" => r.confidence = v.as_f64().unwrap_or(0.0).clamp(0.0, 1.0),
            "candidates" => {
                r.candidates = v
                    .as_array()
                    .map(|a| a.iter().map(&s).collect())
                    .unwrap_or_default()
            }
            "context_start" => r.context_start = v.as_u64().map(|x| x as usize),
            // after every other field, which it must agree with
            "extra" => {}
            other if crate::schema::COLUMNS.contains(&other) => {
                agrees(r, format!("{NOTE_OBJECT}.{other}"), other, v)?
            }
            other => set_extra(r, other, s(v)),
        }
    }
    if let Some(o) = m.get("extra").and_then(Value::as_object) {
        for (ek, ev) in o {
            if crate::schema::COLUMNS.contains(&ek.as_str()) {
                agrees(r, format!("{NOTE_OBJECT}.extra.{ek}"), ek, ev)?;
            } else {
                set_extra(r, ek, s(ev));
            }
        }
    }
    Ok(())
}

/// The name of the object that carries a quote's other fields, in messages.
const NOTE_OBJECT: &str = "quotecheck";

/// Reads a brat input into records (and the texts of its documents).
pub fn import(input: &Path, opts: &ImportOptions) -> Result<Collection> {
    let docs = discover(input)?;
    let mut col = Collection::default();
    let mut multi = 0usize;
    let mut missing_annotator = 0usize;
    for d in &docs {
        let text_s = crate::io::read_text(&d.text_path)?;
        let text: Vec<char> = text_s.chars().collect();
        let selected: Vec<&(String, PathBuf)> = if let Some(want) = &opts.annotator {
            d.anns.iter().filter(|(a, _)| a == want).collect()
        } else if opts.all_annotators {
            d.anns.iter().collect()
        } else {
            if d.anns.len() > 1 {
                multi += 1;
            }
            d.anns.iter().take(1).collect()
        };
        if selected.is_empty() {
            missing_annotator += 1;
            continue;
        }
        let mut parsed = Vec::new();
        for (who, p) in selected {
            let src = crate::io::read_text(p)?;
            parsed.push((who.clone(), p.clone(), parse_ann(p, &src, &text)?));
        }
        col.docs.push(DocText {
            doc_id: d.doc_id.clone(),
            text: text_s.clone(),
        });
        if opts.quotes_only {
            for (ai, r) in quote_rows(&d.doc_id, &text, &parsed) {
                col.extend(vec![r], &Source::new(&parsed[ai].1, None, ""));
            }
        } else {
            for (who, p, ann) in &parsed {
                for (r, line) in attribution_rows(&d.doc_id, &text, who, p, ann)? {
                    col.extend(vec![r], &Source::new(p, line, ""));
                }
            }
        }
    }
    if multi > 0 {
        col.warnings.push(format!(
            "{multi} document(s) have several annotators' files; took the first-sorting annotator of each (choose with --annotator, or take all with --per-annotator)"
        ));
    }
    if missing_annotator > 0 {
        col.warnings.push(format!(
            "{missing_annotator} document(s) have no file of annotator {:?}; skipped",
            opts.annotator.as_deref().unwrap_or("")
        ));
    }
    if col.docs.is_empty() {
        return Err(Error::usage(format!(
            "{}: no document has annotations of annotator {:?}",
            input.display(),
            opts.annotator.as_deref().unwrap_or("")
        )));
    }
    // Two files of one document and annotator (`d.ann` and `d_.ann`), or a quote id given in
    // a note that another quote has, would give a file every reader refuses.
    super::check_unique(&col, input)?;
    Ok(col)
}

fn kind_of(text: &[char], mask: &[bool], pieces: &[Span]) -> Kind {
    let mut q = Quotedness {
        nonspace: 0,
        quoted: 0,
    };
    for &(s, e) in pieces {
        let p = Quotedness::of(text, mask, s, e);
        q.nonspace += p.nonspace;
        q.quoted += p.quoted;
    }
    if q.is_almost_all_quoted() {
        Kind::Direct
    } else if q.quoted > 0 {
        Kind::Mixed
    } else {
        Kind::Indirect
    }
}

fn base_record(
    doc_id: &str,
    text: &[char],
    start: usize,
    end: usize,
    annotator: &str,
) -> QuoteRecord {
    let (context, context_start) = paragraph_context(text, start, end);
    QuoteRecord {
        quote_id: QuoteRecord::make_id(doc_id, start, end),
        doc_id: doc_id.to_string(),
        quote: slice(text, (start, end)),
        start,
        end,
        context,
        context_start: Some(context_start),
        annotator: annotator.to_string(),
        ..Default::default()
    }
}

fn set_source(r: &mut QuoteRecord, text: &[char], src: &[Span]) {
    let (s, e) = extent(src);
    r.speaker = pieces_text(text, src);
    r.speaker_mention = r.speaker.clone();
    r.speaker_start = Some(s);
    r.speaker_end = Some(e);
    if src.len() > 1 {
        set_extra(r, SPEAKER_SPANS, format_spans(src));
    }
}

/// One row per attribution, every attribution of the file, with the line of the span that
/// carries its attributes and notes.
fn attribution_rows(
    doc_id: &str,
    text: &[char],
    annotator: &str,
    path: &Path,
    ann: &AnnFile,
) -> Result<Vec<(QuoteRecord, Option<u64>)>> {
    let mask = quoted::quoted_mask(text);
    let mut rows = Vec::new();
    for a in attributions(ann) {
        let (s, e) = extent(&a.content);
        let mut r = base_record(doc_id, text, s, e, annotator);
        r.kind = kind_of(text, &mask, &a.content);
        if a.content.len() > 1 {
            set_extra(&mut r, QUOTE_SPANS, format_spans(&a.content));
        }
        if let Some(src) = &a.source {
            set_source(&mut r, text, src);
        }
        if let Some(cue) = &a.cue {
            r.cue = pieces_text(text, cue);
            set_extra(&mut r, CUE_SPANS, format_spans(cue));
        }
        apply_annotations(ann, &a.anchor, &mut r, path)?;
        rows.push((r, ann.tb(&a.anchor).map(|t| t.line)));
    }
    rows.sort_by_key(|(r, _)| (r.start, r.end));
    // Two attributions of the same span keep distinct ids.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (r, _) in &mut rows {
        let n = seen.entry(r.quote_id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            r.quote_id = format!("{}#{}", r.quote_id, n);
        }
    }
    Ok(rows)
}

/// A direct-quote unit of one annotator.
#[derive(Debug, Clone)]
struct Unit {
    span: Span,
    direct: bool,
    /// Source pieces of the first attribution naming a source.
    source: Option<Vec<Span>>,
    cue: Option<Vec<Span>>,
    /// Source pieces of later attributions of the same span that name other sources.
    other_sources: Vec<Vec<Span>>,
}

/// The direct-quote units of one annotation file: every contiguous content piece that is at least
/// half quoted, trimmed to its quoted part and then of quotation marks and whitespace. Units with
/// the same span are one unit: the first source that names one is its source, other distinct
/// sources are kept as alternatives.
fn units_of(text: &[char], mask: &[bool], ann: &AnnFile) -> Vec<Unit> {
    let mut by_span: BTreeMap<Span, Unit> = BTreeMap::new();
    for a in attributions(ann) {
        for &(s, e) in &a.content {
            let Some((us, ue, direct)) = quoted::direct_unit(text, mask, s, e) else {
                continue;
            };
            let span = quoted::trim_span(text, us, ue, quoted::is_mark_or_space);
            let u = by_span.entry(span).or_insert_with(|| Unit {
                span,
                direct,
                source: None,
                cue: None,
                other_sources: Vec::new(),
            });
            if u.source.is_none() {
                u.source = a.source.clone();
                u.cue = a.cue.clone();
            } else if let Some(src) = &a.source
                && u.source.as_ref() != Some(src)
                && !u.other_sources.contains(src)
            {
                u.other_sources.push(src.clone());
            }
        }
    }
    by_span.into_values().collect()
}

fn overlap(a: Span, b: Span) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// Rows of `--quotes-only`: the same rows for every annotator of a document. They are the direct-
/// quote units of all the annotators taken, plus every quoted segment of the text that overlaps
/// none of them. An annotator's row is `confirmed` when at least half of its non-space characters
/// lie in that annotator's units (then `speaker` and `reviewed_speaker` are the source of the unit
/// that covers most of it), `rejected` otherwise. Each row comes with the index of its
/// annotator's file in `parsed`.
fn quote_rows(
    doc_id: &str,
    text: &[char],
    parsed: &[(String, PathBuf, AnnFile)],
) -> Vec<(usize, QuoteRecord)> {
    let mask = quoted::quoted_mask(text);
    let per: Vec<Vec<Unit>> = parsed
        .iter()
        .map(|(_, _, a)| units_of(text, &mask, a))
        .collect();
    // Row spans with their kind (from the first annotator whose unit it is).
    let mut rows: BTreeMap<Span, Kind> = BTreeMap::new();
    for units in &per {
        for u in units {
            rows.entry(u.span)
                .or_insert(if u.direct { Kind::Direct } else { Kind::Mixed });
        }
    }
    let unit_spans: BTreeSet<Span> = rows.keys().copied().collect();
    for seg in quoted::quoted_segments(&mask) {
        let (s, e) = quoted::trim_span(text, seg.0, seg.1, quoted::is_mark_or_space);
        if !text[s..e].iter().any(|c| c.is_alphanumeric()) {
            continue;
        }
        if unit_spans.iter().all(|&u| overlap(u, (s, e)) == 0) {
            rows.entry((s, e)).or_insert(Kind::Direct);
        }
    }
    let mut out = Vec::new();
    for (ai, (who, _, _)) in parsed.iter().enumerate() {
        for (&(s, e), &kind) in &rows {
            let mut r = base_record(doc_id, text, s, e, who);
            r.kind = kind;
            let nonspace: Vec<usize> = (s..e).filter(|&i| !text[i].is_whitespace()).collect();
            let covered = nonspace
                .iter()
                .filter(|&&i| per[ai].iter().any(|u| u.span.0 <= i && i < u.span.1))
                .count();
            if !nonspace.is_empty() && covered * 2 >= nonspace.len() {
                r.status = Some(Status::Confirmed);
                let best = per[ai]
                    .iter()
                    .filter(|u| overlap(u.span, (s, e)) > 0)
                    .max_by_key(|u| (overlap(u.span, (s, e)), std::cmp::Reverse(u.span)));
                if let Some(u) = best {
                    if let Some(src) = &u.source {
                        set_source(&mut r, text, src);
                        // the annotator's answer, not a prediction: every annotator's copy keeps
                        // the same (empty) predicted speaker, so `diff` sees one extraction
                        r.reviewed_speaker = std::mem::take(&mut r.speaker);
                    }
                    if !u.other_sources.is_empty() {
                        let names: Vec<String> = u
                            .other_sources
                            .iter()
                            .map(|p| pieces_text(text, p))
                            .collect();
                        set_extra(&mut r, ALT_SPEAKERS, crate::schema::join_candidates(&names));
                    }
                    if let Some(cue) = &u.cue {
                        r.cue = pieces_text(text, cue);
                        set_extra(&mut r, CUE_SPANS, format_spans(cue));
                    }
                }
            } else {
                r.status = Some(Status::Rejected);
            }
            out.push((ai, r));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// Which annotation scheme to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Scheme {
    /// `Quote` spans with `Speaker` and `Cue` relations.
    #[default]
    Quote,
    /// PolNeAR's `Source`/`Cue`/`Content` spans tied by an `Attribution` event.
    Attribution,
}

/// The `.ann` text of one document's records for one annotator. `line_of` gives each record's
/// line in the input, for error messages.
pub fn write_ann(
    text: &[char],
    records: &[(&QuoteRecord, u64)],
    scheme: Scheme,
    input: &Path,
) -> Result<String> {
    let mut out = String::new();
    let (mut t, mut e, mut r, mut a, mut n) = (0, 0, 0, 0, 0);
    let mut tb = |out: &mut String, typ: &str, pieces: &[Span]| -> String {
        t += 1;
        let _ = writeln!(
            out,
            "T{t}\t{typ} {}\t{}",
            brat_offsets(pieces),
            pieces_text(text, pieces)
        );
        format!("T{t}")
    };
    for (rec, line) in records {
        let loc = |field: &str| Location::file(input).line(*line).field(field);
        let content = spans_field(rec, QUOTE_SPANS, Some((rec.start, rec.end)), input, *line)?;
        for &(s, e2) in &content {
            if e2 > text.len() {
                return Err(Error::input(
                    loc("end"),
                    format!(
                        "offsets {s}-{e2} lie outside the document text ({} characters)",
                        text.len()
                    ),
                ));
            }
        }
        let doc_slice = slice(text, (rec.start, rec.end));
        if doc_slice != rec.quote {
            return Err(Error::input(
                loc("quote"),
                format!(
                    "the quote does not match the document text at {}-{} ({:?})",
                    rec.start,
                    rec.end,
                    shorten(&doc_slice)
                ),
            ));
        }
        let source = spans_field(
            rec,
            SPEAKER_SPANS,
            rec.speaker_start.zip(rec.speaker_end),
            input,
            *line,
        )?;
        let skip = vec![QUOTE_SPANS, SPEAKER_SPANS, CUE_SPANS];
        let mut skip = skip;
        for &(s, e2) in &source {
            if e2 > text.len() {
                return Err(Error::input(
                    loc("speaker_end"),
                    format!("speaker offsets {s}-{e2} lie outside the document text"),
                ));
            }
        }
        if !source.is_empty() && pieces_text(text, &source) != rec.speaker_mention {
            return Err(Error::input(
                loc("speaker_mention"),
                format!(
                    "the speaker mention {:?} does not match the document text at {}",
                    shorten(&rec.speaker_mention),
                    format_spans(&source)
                ),
            ));
        }
        let cue = spans_field(rec, CUE_SPANS, None, input, *line)?;
        if cue.iter().any(|&(_, e2)| e2 > text.len()) {
            return Err(Error::input(
                loc(CUE_SPANS),
                "cue offsets lie outside the document text",
            ));
        }
        if !cue.is_empty() && pieces_text(text, &cue) != rec.cue {
            // A cue whose text is not what its spans hold cannot be a span: keep it in the note.
            skip.retain(|k| *k != CUE_SPANS);
        }
        let cue = if skip.contains(&CUE_SPANS) {
            cue
        } else {
            Vec::new()
        };
        let mut fields = note_fields(rec, &skip);
        if source.is_empty() && !rec.speaker_mention.is_empty() {
            fields.insert("speaker_mention".into(), rec.speaker_mention.clone().into());
        }
        if source.is_empty() && rec.speaker == rec.speaker_mention && !rec.speaker.is_empty() {
            fields.insert("speaker".into(), rec.speaker.clone().into());
        }
        if cue.is_empty() && !rec.cue.is_empty() {
            fields.insert("cue".into(), rec.cue.clone().into());
        }
        let anchor = match scheme {
            Scheme::Quote => {
                let q = tb(&mut out, "Quote", &content);
                if !source.is_empty() {
                    let s = tb(&mut out, "Speaker", &source);
                    r += 1;
                    let _ = writeln!(out, "R{r}\tSpeaker Arg1:{q} Arg2:{s}");
                }
                if !cue.is_empty() {
                    let c = tb(&mut out, "Cue", &cue);
                    r += 1;
                    let _ = writeln!(out, "R{r}\tCue Arg1:{q} Arg2:{c}");
                }
                q
            }
            Scheme::Attribution => {
                let c = tb(&mut out, "Content", &content);
                let s = (!source.is_empty()).then(|| tb(&mut out, "Source", &source));
                let k = (!cue.is_empty()).then(|| tb(&mut out, "Cue", &cue));
                let ev_type = if s.is_some() {
                    "Attribution"
                } else {
                    "Attribution-no-source"
                };
                // brat events need a trigger span: the cue where there is one, as in PolNeAR.
                let trig = tb(
                    &mut out,
                    ev_type,
                    if cue.is_empty() { &content } else { &cue },
                );
                e += 1;
                let _ = write!(out, "E{e}\t{ev_type}:{trig} Content:{c}");
                if let Some(k) = &k {
                    let _ = write!(out, " Cue:{k}");
                }
                if let Some(s) = &s {
                    let _ = write!(out, " Source:{s}");
                }
                out.push('\n');
                c
            }
        };
        a += 1;
        let _ = writeln!(out, "A{a}\tKind {anchor} {}", rec.kind);
        if let Some(st) = rec.status {
            a += 1;
            let _ = writeln!(out, "A{a}\tStatus {anchor} {st}");
        }
        if !fields.is_empty() {
            n += 1;
            let _ = writeln!(
                out,
                "#{n}\tAnnotatorNotes {anchor}\t{}",
                Value::Object(fields)
            );
        }
    }
    Ok(out)
}

fn brat_offsets(p: &[Span]) -> String {
    p.iter()
        .map(|(s, e)| format!("{s} {e}"))
        .collect::<Vec<_>>()
        .join(";")
}

fn spans_field(
    rec: &QuoteRecord,
    key: &str,
    fallback: Option<Span>,
    input: &Path,
    line: u64,
) -> Result<Vec<Span>> {
    match rec.extra.iter().find(|(k, _)| k == key) {
        Some((_, v)) if !v.trim().is_empty() => {
            parse_spans(v).map_err(|m| Error::input(Location::file(input).line(line).field(key), m))
        }
        _ => Ok(fallback.into_iter().collect()),
    }
}

/// The file name of an annotator's `.ann` for a document; annotator ids must survive the round
/// trip, so an id that a file name cannot carry unambiguously is refused.
pub fn ann_file_name(doc_id: &str, annotator: &str) -> Result<String> {
    check_name(doc_id, "document id")?;
    if annotator.is_empty() {
        Ok(format!("{doc_id}.ann"))
    } else {
        check_name(annotator, "annotator id")?;
        if annotator.contains('_') {
            return Err(Error::usage(format!(
                "annotator id {annotator:?} contains `_`, which a brat file name `<doc>_<annotator>.ann` cannot carry"
            )));
        }
        Ok(format!("{doc_id}_{annotator}.ann"))
    }
}

pub fn check_name(s: &str, what: &str) -> Result<()> {
    if s.is_empty() || s == "." || s == ".." || s.contains(['/', '\\', '\0']) {
        return Err(Error::usage(format!(
            "{what} {s:?} cannot be used as a file name"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    const TEXT: &str = "Ortiz said: \u{201c}We will rebuild the bridge.\u{201d}\nShe called it \u{201c}urgent\u{201d} and left.";

    #[test]
    fn parses_a_polnear_file() {
        let text = chars(TEXT);
        let ann = "T1\tSource 0 5\tOrtiz\nT2\tCue 6 10\tsaid\nT3\tContent 12 41\t\u{201c}We will rebuild the bridge.\u{201d}\nT4\tAttribution 6 10\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n";
        let a = parse_ann(Path::new("x.ann"), ann, &text).unwrap();
        assert_eq!(a.tbs.len(), 4);
        let atts = attributions(&a);
        assert_eq!(atts.len(), 1);
        assert_eq!(atts[0].source, Some(vec![(0, 5)]));
        let rows = attribution_rows("d", &text, "ann1", Path::new("x.ann"), &a).unwrap();
        // (with the line of the content span, which carries the attribution's notes)
        assert_eq!(rows[0].1, Some(3));
        let rows: Vec<QuoteRecord> = rows.into_iter().map(|(r, _)| r).collect();
        assert_eq!(rows[0].speaker, "Ortiz");
        assert_eq!(rows[0].cue, "said");
        assert_eq!(rows[0].kind, Kind::Direct);
        assert_eq!(rows[0].annotator, "ann1");
        assert_eq!(rows[0].context_start, Some(0));
    }

    #[test]
    fn span_text_continues_over_lines() {
        let text = chars("ab\ncd ef");
        let ann = "T1\tContent 0 5\tab\ncd\nT2\tCue 6 8\tef\n";
        let a = parse_ann(Path::new("x.ann"), ann, &text).unwrap();
        assert_eq!(a.tbs.len(), 2);
    }

    #[test]
    fn errors_name_line_and_reason() {
        let text = chars("hello world");
        let cases = [
            (
                "T1\tSource 0 5\thello\nbogus line\n",
                "x.ann:2: malformed line",
            ),
            (
                "T1\tSource 0 50\thello\n",
                "x.ann:1: T1: offsets 0-50 lie outside the text",
            ),
            (
                "T1\tSource 0 5\tjello\n",
                "x.ann:1: T1: span text \"jello\" does not match",
            ),
            (
                "T1\tSource 5 0\thello\n",
                "x.ann:1: T1: end 0 is before start 5",
            ),
            ("T1\tSource x 5\thello\n", "x.ann:1: T1: expected offsets"),
            (
                "E1\tAttribution:T9 Content:T1\n",
                "x.ann:1: E1: trigger T9 is not defined",
            ),
            (
                "T1\tSource 0 5\thello\nT1\tCue 6 11\tworld\n",
                "x.ann:2: duplicate annotation id T1",
            ),
            (
                "R1\tSpeaker Arg1:T1\n",
                "x.ann:1: R1: a relation needs two arguments",
            ),
        ];
        for (src, want) in cases {
            let err = parse_ann(Path::new("x.ann"), src, &text)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(want), "{err} (wanted {want})");
        }
    }

    #[test]
    fn quote_rows_mark_units_and_other_segments() {
        let text = chars(TEXT);
        let a1 = "T1\tSource 0 5\tOrtiz\nT2\tCue 6 10\tsaid\nT3\tContent 12 41\t\u{201c}We will rebuild the bridge.\u{201d}\nT4\tAttribution 6 10\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n";
        let a2 = "";
        let p1 = parse_ann(Path::new("a.ann"), a1, &text).unwrap();
        let p2 = parse_ann(Path::new("b.ann"), a2, &text).unwrap();
        let rows = quote_rows(
            "d",
            &text,
            &[
                ("a".into(), "a.ann".into(), p1),
                ("b".into(), "b.ann".into(), p2),
            ],
        );
        let files: Vec<usize> = rows.iter().map(|(ai, _)| *ai).collect();
        assert_eq!(files, [0, 0, 1, 1]);
        let rows: Vec<QuoteRecord> = rows.into_iter().map(|(_, r)| r).collect();
        // two rows (the unit and the "urgent" segment) for each of the two annotators
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].quote, "We will rebuild the bridge.");
        assert_eq!(rows[0].status, Some(Status::Confirmed));
        assert_eq!(rows[0].reviewed_speaker, "Ortiz");
        assert_eq!(rows[1].quote, "urgent");
        assert_eq!(rows[1].status, Some(Status::Rejected));
        assert_eq!(rows[2].quote_id, rows[0].quote_id);
        assert_eq!(rows[2].status, Some(Status::Rejected));
        assert_eq!(rows[2].annotator, "b");
    }

    #[test]
    fn a_quote_attributed_twice_keeps_its_other_source() {
        let text = chars(TEXT);
        // two attributions of the same content: sources "Ortiz" and "said" (any other span will
        // do), then one repeating the first source
        let a = "T1\tSource 0 5\tOrtiz\nT2\tSource 6 10\tsaid\nT3\tContent 12 41\t\u{201c}We will rebuild the bridge.\u{201d}\nE1\tAttribution:T2 Content:T3 Source:T1\nE2\tAttribution:T2 Content:T3 Source:T2\nE3\tAttribution:T2 Content:T3 Source:T1\n";
        let p = parse_ann(Path::new("a.ann"), a, &text).unwrap();
        let rows: Vec<QuoteRecord> = quote_rows("d", &text, &[("a".into(), "a.ann".into(), p)])
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        assert_eq!(rows[0].reviewed_speaker, "Ortiz");
        // (an answer, not a prediction: the predicted speaker stays empty in every copy)
        assert_eq!(rows[0].speaker, "");
        assert_eq!(rows[0].speaker_mention, "Ortiz");
        let alt: Vec<_> = rows[0]
            .extra
            .iter()
            .filter(|(k, _)| k == ALT_SPEAKERS)
            .collect();
        assert_eq!(alt, [&(ALT_SPEAKERS.to_string(), "said".to_string())]);
        assert!(rows[1].extra.iter().all(|(k, _)| k != ALT_SPEAKERS));
    }
}
