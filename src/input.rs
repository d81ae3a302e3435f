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
            match read_line(&mut cur.reader, buf) {
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

/// [`BufRead::read_until`] a line end: appends the bytes up to and including the next `\n`
/// (or up to the end of the input) to `buf` and returns how many. The same loop as the
/// standard library's, with the SIMD search of the `memchr` crate for the line end (the
/// standard library's searches two machine words at a time).
fn read_line(r: &mut (impl BufRead + ?Sized), buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let (done, used) = {
            let available = match r.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            match memchr::memchr(b'\n', available) {
                Some(i) => {
                    buf.extend_from_slice(&available[..=i]);
                    (true, i + 1)
                }
                None => {
                    buf.extend_from_slice(available);
                    (false, available.len())
                }
            }
        };
        r.consume(used);
        read += used;
        if done || used == 0 {
            return Ok(read);
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
    if let Some((text, id)) = plain_record(line_text, fields) {
        let doc_id = match id {
            Some(id) if !id.is_empty() => id,
            None => format!("{}-{line}", doc_id_of(path)),
            Some(_) => return parse_jsonl_value(line_text, fields, path, line),
        };
        return Ok(Document { doc_id, text });
    }
    parse_jsonl_value(line_text, fields, path, line)
}

/// [`parse_jsonl_doc`] through serde_json and a [`Value`] of the whole record: what it says
/// of every line, errors included.
fn parse_jsonl_value(
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

/// The text and id of the usual record, read by hand: a JSON object whose members are the
/// text field and at most the id field, once each, with string values (escapes allowed), and
/// keys without escapes. `None` for anything else, which [`parse_jsonl_value`] then reads:
/// what this accepts is valid JSON that it reads as serde_json does. (serde_json unescapes a
/// string into a scratch buffer that starts empty for every line and grows by doubling, then
/// copies it; here the text is unescaped once into a string of about its final size.)
fn plain_record(line: &str, fields: &JsonlFields) -> Option<(String, Option<String>)> {
    if fields.text == fields.id {
        return None;
    }
    // No control character but the line end: JSON allows none in a string, so that the
    // strings need no test of their own (a minimum over the bytes, which compilers vectorize).
    // A line with one, a tab between members say, is left to serde_json.
    let body = line.strip_suffix('\n').unwrap_or(line);
    let body = body.strip_suffix('\r').unwrap_or(body);
    if body.bytes().fold(u8::MAX, u8::min) < 0x20 {
        return None;
    }
    let b = line.as_bytes();
    let mut i = skip_json_space(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let (mut text, mut id) = (None, None);
    i = skip_json_space(b, i + 1);
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = i + 1 + string_stop(&b[i + 1..])?;
        if b[key_end] != b'"' {
            return None;
        }
        let key = &line[i + 1..key_end];
        i = skip_json_space(b, key_end + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_json_space(b, i + 1);
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let slot = if key == fields.text {
            &mut text
        } else if key == fields.id {
            &mut id
        } else {
            return None;
        };
        if slot.is_some() {
            return None;
        }
        let (value, end) = json_string(line, i + 1)?;
        *slot = Some(value);
        i = skip_json_space(b, end);
        match b.get(i) {
            Some(b',') => i = skip_json_space(b, i + 1),
            Some(b'}') => break,
            _ => return None,
        }
    }
    if skip_json_space(b, i + 1) != b.len() {
        return None;
    }
    Some((text?, id))
}

/// The first position at or after `i` that is no JSON white space.
fn skip_json_space(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\n' | b'\t' | b'\r'))
    {
        i += 1;
    }
    i
}

/// Where the first quotation mark or backslash of `b` is (a SIMD search).
fn string_stop(b: &[u8]) -> Option<usize> {
    memchr::memchr2(b'"', b'\\', b)
}

/// The JSON string whose contents start at `start` (after its opening quotation mark),
/// unescaped, and the position after its closing quotation mark; `None` if it is no valid
/// JSON string (an unknown escape, a lone surrogate, no end; the caller has made sure that
/// there is no control character).
fn json_string(line: &str, start: usize) -> Option<(String, usize)> {
    let b = line.as_bytes();
    let mut i = start;
    let mut stop = i + string_stop(&b[i..])?;
    if b[stop] == b'"' {
        return Some((line[i..stop].to_owned(), stop + 1));
    }
    // (the unescaped string is not longer than the rest of the line)
    let mut out = String::with_capacity(b.len() - start);
    loop {
        out.push_str(&line[i..stop]);
        if b[stop] == b'"' {
            return Some((out, stop + 1));
        }
        let (c, next) = json_escape(b, stop + 1)?;
        out.push(c);
        i = next;
        stop = i + string_stop(&b[i..])?;
    }
}

/// The character of the escape whose letter is at `i` (after a backslash), and the position
/// after it.
fn json_escape(b: &[u8], i: usize) -> Option<(char, usize)> {
    let c = match *b.get(i)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hi = hex4(b, i + 1)?;
            return match hi {
                0xD800..=0xDBFF => {
                    if b.get(i + 5..i + 7) != Some(b"\\u") {
                        return None;
                    }
                    let lo = hex4(b, i + 7)?;
                    if !(0xDC00..=0xDFFF).contains(&lo) {
                        return None;
                    }
                    let c = 0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                    Some((char::from_u32(c)?, i + 11))
                }
                0xDC00..=0xDFFF => None,
                _ => Some((char::from_u32(u32::from(hi))?, i + 5)),
            };
        }
        _ => return None,
    };
    Some((c, i + 1))
}

/// The four hexadecimal digits at `i`.
fn hex4(b: &[u8], i: usize) -> Option<u16> {
    let digits = b.get(i..i + 4)?;
    let mut v = 0u16;
    for &d in digits {
        v = v << 4 | u16::from(char::from(d).to_digit(16)? as u8);
    }
    Some(v)
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
    use proptest::strategy::Strategy;

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

    /// What a reading makes of a line, as text: the document or the error.
    fn outcome(
        f: fn(&str, &JsonlFields, &Path, u64) -> Result<Document>,
        line: &str,
        fields: &JsonlFields,
    ) -> String {
        match f(line, fields, Path::new("dir/in.jsonl"), 5) {
            Ok(d) => format!("ok {:?} {:?}", d.doc_id, d.text),
            Err(e) => format!("error {e}"),
        }
    }

    fn fields_to_try() -> [JsonlFields; 3] {
        [
            JsonlFields::default(),
            JsonlFields {
                text: "body".into(),
                id: "url".into(),
            },
            JsonlFields {
                text: "text".into(),
                id: "text".into(),
            },
        ]
    }

    #[test]
    fn jsonl_records_read_by_hand_as_serde_json_reads_them() {
        // (the usual records take the way by hand)
        let f = JsonlFields::default();
        for (line, text, id) in [
            (r#"{"id":"a","text":"x"}"#, "x", Some("a")),
            (
                " { \"text\" : \"\\\"q\\\" \\u00e9\\ud83d\\ude00\\n\\/\" ,\"id\":\"\"}\r\n",
                "\"q\" é😀\n/",
                Some(""),
            ),
            (r#"{"text":"x"}"#, "x", None),
        ] {
            assert_eq!(
                plain_record(line, &f),
                Some((text.to_string(), id.map(str::to_string))),
                "{line}"
            );
        }
        let deep = format!(
            "{{\"text\":\"x\",\"n\":{}1{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        let lines = [
            r#"{"id":"a","text":"x"}"#,
            r#"{"text":"a \"quoted\" line\nand \u00e9 \ud83d\ude00 \u0000","id":"b"}"#,
            r#"{"id":7,"text":"x"}"#,
            r#"{"id":-7.5e1,"text":"x"}"#,
            r#"{"id":null,"text":"x"}"#,
            r#"{"id":"","text":"x"}"#,
            r#"{"id":true,"text":"x"}"#,
            r#"{"id":["a"],"text":"x"}"#,
            r#"{"text":"x"}"#,
            r#"{"id":"a"}"#,
            r#"{"id":"a","text":7}"#,
            r#"{"id":"a","text":"x","text":"y"}"#,
            r#"{"id":"a","text":7,"text":"y"}"#,
            r#"{"id":"a","id":"b","text":"x"}"#,
            r#"{"id":"a","url":"http://x","meta":{"a":[1,2,{"b":null}]},"text":"x"}"#,
            r#"{"id":"a","text":"lone \ud800 surrogate"}"#,
            r#"{"id":"a","text":"lone \udc00 surrogate"}"#,
            r#"{"id":"a","text":"pair \ud800\u0041"}"#,
            r#"{"id":"a","text":"short \u12"}"#,
            r#"{"id":"a","text":"bad \q escape"}"#,
            "{\"id\":\"a\",\"text\":\"raw\ttab\"}",
            "{\"id\":\"a\",\"text\":\"raw\u{1f}unit\"}",
            "{\"id\":\"a\",\"text\":\"del\u{7f} and \u{85}\"}",
            r#"{"te\u0078t":"x","\u0069d":"a"}"#,
            r#"{"id":"a","text":"x"} trailing"#,
            r#"{"id":"a","text":"x"}{}"#,
            r#"{"id":"a","text":"x""#,
            r#"{"id":"a","text":"x"#,
            r#"{"id":"a",,"text":"x"}"#,
            r#"{"id":"a","text":"x",}"#,
            r#"{"id" "a","text":"x"}"#,
            "\u{feff}{\"id\":\"a\",\"text\":\"x\"}",
            "\u{a0}{\"id\":\"a\",\"text\":\"x\"}",
            r#"["text","x"]"#,
            r#""text""#,
            "7",
            "",
            r#"{}"#,
            &deep,
        ];
        for fields in fields_to_try() {
            for line in lines {
                assert_eq!(
                    outcome(parse_jsonl_doc, line, &fields),
                    outcome(parse_jsonl_value, line, &fields),
                    "{line}"
                );
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(1000))]

        /// Records of any members in any order, with any characters and escapes in their
        /// strings, are read by hand exactly as serde_json reads them (or left to it).
        #[test]
        fn jsonl_records_of_any_members_read_as_serde_json_reads_them(
            members in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "text", "text", "id", "id", "body", "url", "te\\u0078t",
                    ]),
                    proptest::collection::vec(
                        proptest::prop_oneof![
                            3 => proptest::char::any()
                                .prop_filter("plain", |&c| c != '"' && c != '\\' && c >= ' ')
                                .prop_map(|c| c.to_string()),
                            3 => proptest::sample::select(vec![
                                "\\n", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\t",
                                "\\u0041", "\\u00E9", "\\u0000", "\\uFFFF", "\\ud83d\\ude00",
                                "\\uD83D\\uDE00", "\\udbff\\udfff",
                            ])
                            .prop_map(str::to_string),
                            1 => proptest::sample::select(vec![
                                "\\ud800", "\\udfff", "\\ud800\\u0041", "\\ud800x", "\\u12",
                                "\\u12g4", "\\x", "\"", "\\", "\n", "\u{1}",
                            ])
                            .prop_map(str::to_string),
                        ],
                        0..10,
                    ),
                    proptest::sample::select(vec!["", "", " ", "\t", "\r\n"]),
                    proptest::sample::select(vec![false, false, false, true]),
                ),
                0..4,
            ),
            tail in proptest::sample::select(vec!["", "", "\n", " \r\n", "x", ",", "}"]),
        ) {
            let body: Vec<String> = members
                .iter()
                .map(|(k, parts, space, number)| {
                    let value = if *number {
                        "12".to_string()
                    } else {
                        format!("\"{}\"", parts.concat())
                    };
                    format!("{space}\"{k}\"{space}:{space}{value}{space}")
                })
                .collect();
            let line = format!("{{{}}}{tail}", body.join(","));
            for fields in fields_to_try() {
                proptest::prop_assert_eq!(
                    outcome(parse_jsonl_doc, &line, &fields),
                    outcome(parse_jsonl_value, &line, &fields),
                    "{}", line
                );
            }
        }
    }

    /// Lines come out as `read_until` gives them, whatever the buffer size, with or without
    /// a last line end.
    #[test]
    fn lines_are_read_as_read_until_reads_them() {
        for input in [
            &b""[..],
            b"\n",
            b"a",
            b"a\n",
            b"ab\ncd",
            b"ab\n\ncd\n",
            b"\r\nx\r\n\n",
        ] {
            for cap in [1, 2, 3, 64] {
                let (mut mine, mut std) = (
                    BufReader::with_capacity(cap, input),
                    BufReader::with_capacity(cap, input),
                );
                loop {
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    let n = read_line(&mut mine, &mut a).unwrap();
                    assert_eq!(n, std.read_until(b'\n', &mut b).unwrap());
                    assert_eq!(a, b, "{input:?} {cap}");
                    if n == 0 {
                        break;
                    }
                }
            }
        }
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
