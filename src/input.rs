//! Documents to extract from: plain-text files, folders of them (recursive), JSON Lines files and
//! standard input. Documents are produced one at a time so memory stays bounded by the largest
//! document, not the corpus.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Location, Result};

/// One article.
#[derive(Debug, Clone)]
pub struct Document {
    pub doc_id: String,
    pub text: String,
}

/// How to read an input path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InputFormat {
    /// `.jsonl`/`.ndjson` files as JSON Lines, everything else as plain text.
    #[default]
    Auto,
    /// Every file is one plain-text document.
    Text,
    /// Every file is JSON Lines, one document per line.
    Jsonl,
}

/// Where to find the text and id in JSON Lines input.
#[derive(Debug, Clone)]
pub struct JsonlFields {
    pub text: String,
    pub id: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            text: "text".into(),
            id: "id".into(),
        }
    }
}

/// One file to read, found by expanding the input paths.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub jsonl: bool,
    /// Size in bytes (0 for stdin), for progress reporting.
    pub len: u64,
}

/// File extensions read as documents when a folder is walked.
const TEXT_EXTENSIONS: &[&str] = &["txt", "text"];
const JSONL_EXTENSIONS: &[&str] = &["jsonl", "ndjson"];

/// Expands paths into the files to read, in a deterministic order: paths in the order given,
/// folder contents sorted by path. No path (or `-`) means standard input.
pub fn expand_paths(paths: &[PathBuf], format: InputFormat) -> Result<Vec<InputFile>> {
    let mut out = Vec::new();
    let stdin = [PathBuf::from("-")];
    let paths = if paths.is_empty() { &stdin[..] } else { paths };
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(InputFile {
                path: p.clone(),
                jsonl: format == InputFormat::Jsonl,
                len: 0,
            });
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
        if meta.is_dir() {
            let before = out.len();
            walk(p, format, &mut out)?;
            if out.len() == before {
                return Err(Error::input(
                    Location::file(p),
                    format!(
                        "folder has no text files (looked for {} recursively)",
                        TEXT_EXTENSIONS
                            .iter()
                            .chain(JSONL_EXTENSIONS)
                            .map(|e| format!(".{e}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        } else {
            let jsonl = match format {
                InputFormat::Jsonl => true,
                InputFormat::Text => false,
                InputFormat::Auto => has_ext(p, JSONL_EXTENSIONS),
            };
            out.push(InputFile {
                path: p.clone(),
                jsonl,
                len: meta.len(),
            });
        }
    }
    Ok(out)
}

fn has_ext(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn walk(dir: &Path, format: InputFormat, out: &mut Vec<InputFile>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()).map_err(|err| Error::io(dir, err)))
        .collect::<Result<_>>()?;
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let meta = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?;
        if meta.is_dir() {
            walk(&p, format, out)?;
            continue;
        }
        let (is_text, is_jsonl) = (has_ext(&p, TEXT_EXTENSIONS), has_ext(&p, JSONL_EXTENSIONS));
        let jsonl = match format {
            InputFormat::Jsonl => is_jsonl || is_text,
            InputFormat::Text => false,
            InputFormat::Auto => is_jsonl,
        };
        if is_text || is_jsonl {
            out.push(InputFile {
                path: p,
                jsonl,
                len: meta.len(),
            });
        }
    }
    Ok(())
}

/// The document id of a plain-text file: its file stem.
pub fn doc_id_of(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "stdin".to_string();
    }
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Streams documents out of the expanded input files, one at a time, checking that every
/// document id is unique (ids become part of every `quote_id`).
pub struct DocumentStream {
    files: std::vec::IntoIter<InputFile>,
    fields: JsonlFields,
    current: Option<JsonlCursor>,
    seen: HashSet<String>,
    /// Bytes of input consumed so far (for progress bars).
    pub bytes_read: u64,
}

struct JsonlCursor {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    line: u64,
    any: bool,
    /// The current line's bytes (one buffer for all lines).
    buf: Vec<u8>,
}

impl DocumentStream {
    pub fn new(files: Vec<InputFile>, fields: JsonlFields) -> Self {
        DocumentStream {
            files: files.into_iter(),
            fields,
            current: None,
            seen: HashSet::new(),
            bytes_read: 0,
        }
    }

    fn check_unique(&mut self, id: &str, loc: Location) -> Result<()> {
        if !self.seen.insert(id.to_string()) {
            return Err(Error::input(
                loc,
                format!(
                    "duplicate document id {id:?}: ids must be unique because quote ids are built from them"
                ),
            ));
        }
        Ok(())
    }

    fn next_jsonl(&mut self) -> Option<Result<Document>> {
        loop {
            let cur = self.current.as_mut()?;
            let buf = &mut cur.buf;
            buf.clear();
            match cur.reader.read_until(b'\n', buf) {
                Err(e) => return Some(Err(Error::io(&cur.path, e))),
                Ok(0) => {
                    let cur = self.current.take()?;
                    if !cur.any {
                        return Some(Err(Error::input(
                            Location::file(&cur.path),
                            "empty file: no JSON Lines records",
                        )));
                    }
                    return None;
                }
                Ok(n) => {
                    self.bytes_read += n as u64;
                    cur.line += 1;
                    let line = cur.line;
                    let path = cur.path.clone();
                    if buf.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    cur.any = true;
                    let loc = Location::file(&path).line(line);
                    let text = match std::str::from_utf8(buf) {
                        Ok(t) => t,
                        Err(e) => {
                            return Some(Err(Error::input(
                                loc,
                                format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()),
                            )));
                        }
                    };
                    let doc = parse_jsonl_doc(text, &self.fields, &path, line);
                    let doc = match doc {
                        Ok(d) => d,
                        Err(e) => return Some(Err(e)),
                    };
                    if let Err(e) =
                        self.check_unique(&doc.doc_id, loc.field(self.fields.id.clone()))
                    {
                        return Some(Err(e));
                    }
                    return Some(Ok(doc));
                }
            }
        }
    }
}

/// Parses one JSON Lines record into a document. A missing id falls back to `<file stem>-<line>`.
pub fn parse_jsonl_doc(
    line_text: &str,
    fields: &JsonlFields,
    path: &Path,
    line: u64,
) -> Result<Document> {
    let loc = || Location::file(path).line(line);
    let v: Value = serde_json::from_str(line_text)
        .map_err(|e| Error::input(loc(), format!("not valid JSON: {e}")))?;
    let Value::Object(mut obj) = v else {
        return Err(Error::input(loc(), "expected a JSON object per line"));
    };
    // the text is moved out of the record, not copied (unless it is the id field too)
    let text_value = if fields.text == fields.id {
        obj.get(&fields.text).cloned()
    } else {
        obj.remove(&fields.text)
    };
    let text = match text_value {
        Some(Value::String(s)) => s,
        Some(_) => {
            return Err(Error::input(
                loc().field(fields.text.clone()),
                "expected a string",
            ));
        }
        None => {
            return Err(Error::input(
                loc().field(fields.text.clone()),
                format!(
                    "missing text field `{}` (choose another with --text-field)",
                    fields.text
                ),
            ));
        }
    };
    let doc_id = match obj.get(&fields.id) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Null) | None => format!("{}-{line}", doc_id_of(path)),
        Some(_) => {
            return Err(Error::input(
                loc().field(fields.id.clone()),
                "expected a string or number",
            ));
        }
    };
    Ok(Document { doc_id, text })
}

impl Iterator for DocumentStream {
    type Item = Result<Document>;

    fn next(&mut self) -> Option<Result<Document>> {
        loop {
            if self.current.is_some() {
                match self.next_jsonl() {
                    Some(r) => return Some(r),
                    None => continue,
                }
            }
            let f = self.files.next()?;
            if f.jsonl {
                let reader: Box<dyn BufRead + Send> = if f.path.as_os_str() == "-" {
                    Box::new(BufReader::new(std::io::stdin()))
                } else {
                    match File::open(&f.path) {
                        Ok(h) => Box::new(BufReader::with_capacity(1 << 16, h)),
                        Err(e) => return Some(Err(Error::io(&f.path, e))),
                    }
                };
                self.current = Some(JsonlCursor {
                    path: f.path,
                    reader,
                    line: 0,
                    any: false,
                    buf: Vec::new(),
                });
                continue;
            }
            let bytes = match read_all(&f.path) {
                Ok(b) => b,
                Err(e) => return Some(Err(e)),
            };
            self.bytes_read += bytes.len() as u64;
            if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                return Some(Err(Error::input(
                    Location::file(&f.path),
                    "empty file: no text to extract from",
                )));
            }
            let text = match crate::io::bytes_to_text(&f.path, bytes) {
                Ok(t) => t,
                Err(e) => return Some(Err(e)),
            };
            let doc_id = doc_id_of(&f.path);
            if let Err(e) = self.check_unique(&doc_id, Location::file(&f.path)) {
                return Some(Err(e));
            }
            return Some(Ok(Document { doc_id, text }));
        }
    }
}

fn read_all(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(path, e))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_missing_text_field_names_line_and_field() {
        let err = parse_jsonl_doc(
            r#"{"id":"a","body":"x"}"#,
            &JsonlFields::default(),
            Path::new("in.jsonl"),
            3,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("in.jsonl:3: field `text`: missing text field"),
            "{err}"
        );
    }

    #[test]
    fn jsonl_numeric_id_and_fallback_id() {
        let f = JsonlFields::default();
        let d = parse_jsonl_doc(r#"{"id":7,"text":"x"}"#, &f, Path::new("in.jsonl"), 1).unwrap();
        assert_eq!(d.doc_id, "7");
        let d = parse_jsonl_doc(r#"{"text":"x"}"#, &f, Path::new("dir/in.jsonl"), 4).unwrap();
        assert_eq!(d.doc_id, "in-4");
    }
}
