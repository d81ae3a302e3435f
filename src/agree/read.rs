//! Reads reviewed copies of a dataset into columns, keeping only what `diff` compares.
//!
//! A million-row file must be read in a fraction of a second, so CSV is scanned here directly
//! (in chunks, without a `String` per cell) instead of through [`schema::read_csv`]. The scan
//! follows the same CSV dialect as the `csv` crate's reader (RFC 4180, lenient about stray
//! quotes, `\r`, `\n` or `\r\n` line ends, blank lines skipped), checks every row the way the
//! schema reader does, and reports a bad row through [`schema::record_from_lookup`] so the
//! message is word for word the schema reader's. JSON Lines files go through the schema reader.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use foldhash::fast::FixedState;

use crate::error::{Error, Location, Result};
use crate::schema::{self, DataFormat, QuoteRecord, Status};

/// Many strings stored end to end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strs {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Strs {
    pub fn push(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(s);
        self.ends.push(self.bytes.len());
    }
    pub fn get_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }
    /// The string at `i`. Input was checked to be UTF-8 when read; anything else would be shown
    /// with replacement characters rather than fail.
    pub fn get(&self, i: usize) -> Cow<'_, str> {
        String::from_utf8_lossy(self.get_bytes(i))
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Interns short strings (document ids, speaker names) as small integers.
#[derive(Debug, Clone)]
pub struct Interner {
    map: HashMap<Box<[u8]>, u32, FixedState>,
    pub values: Vec<String>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            map: HashMap::with_hasher(FixedState::with_seed(0)),
            values: Vec::new(),
        }
    }
}

impl Interner {
    pub fn id(&mut self, s: &[u8]) -> u32 {
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(String::from_utf8_lossy(s).into_owned());
        self.map.insert(s.into(), id);
        id
    }
    pub fn get(&self, id: u32) -> &str {
        &self.values[id as usize]
    }
}

/// Status codes in [`Table::status`]: 0 is pending, then [`Status::ALL`] in order.
pub fn status_code(s: Option<Status>) -> u8 {
    match s {
        None => 0,
        Some(s) => Status::ALL
            .iter()
            .position(|&x| x == s)
            .map_or(0, |i| i as u8 + 1),
    }
}

pub fn status_of_code(c: u8) -> Option<Status> {
    (c as usize)
        .checked_sub(1)
        .and_then(|i| Status::ALL.get(i).copied())
}

/// One annotator's copy, column by column.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub headers: Vec<String>,
    /// The line each row starts on.
    pub lines: Vec<u64>,
    pub quote_id: Strs,
    pub doc: Vec<u32>,
    pub docs: Interner,
    pub start: Vec<usize>,
    pub end: Vec<usize>,
    pub quote: Strs,
    /// See [`status_code`].
    pub status: Vec<u8>,
    /// Predicted and reviewed speaker, as ids in [`Table::names`].
    pub speaker: Vec<u32>,
    pub reviewed: Vec<u32>,
    pub names: Interner,
    pub note: Strs,
    /// Distinct values of the `annotator` column with their count and first line.
    pub annotators: Vec<(String, u64, u64)>,
    ids: std::sync::OnceLock<IdIndex>,
}

impl Table {
    fn new(path: &Path, headers: Vec<String>) -> Table {
        let mut names = Interner::default();
        names.id(b"");
        Table {
            path: path.to_path_buf(),
            headers,
            lines: Vec::new(),
            quote_id: Strs::default(),
            doc: Vec::new(),
            docs: Interner::default(),
            start: Vec::new(),
            end: Vec::new(),
            quote: Strs::default(),
            status: Vec::new(),
            speaker: Vec::new(),
            reviewed: Vec::new(),
            names,
            note: Strs::default(),
            annotators: Vec::new(),
            ids: std::sync::OnceLock::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The row holding a quote id (the index is built on first use).
    pub fn row_of(&self, id: &[u8]) -> Option<usize> {
        self.ids
            .get_or_init(|| IdIndex::build(&self.quote_id))
            .find(id, &self.quote_id)
    }

    /// Refuses a repeated quote id, naming the line of the first repeat and of the row it
    /// repeats. Sorting hashes is much faster than growing a hash map over a million ids.
    pub fn check_duplicates(&self) -> Result<()> {
        use rayon::prelude::*;
        use std::hash::BuildHasher;
        let hasher = FixedState::with_seed(0x9e37_79b9);
        let mut h: Vec<(u64, u32)> = (0..self.len())
            .into_par_iter()
            .map(|r| (hasher.hash_one(self.quote_id.get_bytes(r)), r as u32))
            .collect();
        h.par_sort_unstable();
        // (repeat, first) with the earliest repeat
        let mut worst: Option<(u32, u32)> = None;
        let mut i = 0;
        while i < h.len() {
            let mut j = i + 1;
            while j < h.len() && h[j].0 == h[i].0 {
                j += 1;
            }
            if j - i > 1 {
                // Rows in this run share a hash; compare the ids themselves.
                for a in i..j {
                    for b in a + 1..j {
                        let (x, y) = (h[a].1, h[b].1);
                        if self.quote_id.get_bytes(x as usize)
                            == self.quote_id.get_bytes(y as usize)
                            && worst.is_none_or(|(w, _)| y < w)
                        {
                            worst = Some((y, x));
                        }
                    }
                }
            }
            i = j;
        }
        match worst {
            None => Ok(()),
            Some((rep, first)) => {
                // The first occurrence of that id is the smallest row with it.
                let id = self.quote_id.get_bytes(rep as usize);
                let first = (0..=first as usize)
                    .find(|&r| self.quote_id.get_bytes(r) == id)
                    .unwrap_or(first as usize);
                Err(Error::input(
                    Location::file(&self.path)
                        .line(self.lines[rep as usize])
                        .field("quote_id"),
                    format!(
                        "duplicate quote_id {:?} (first on line {}); every row of a file needs its own id",
                        String::from_utf8_lossy(id),
                        self.lines[first]
                    ),
                ))
            }
        }
    }

    /// Reserves room for about `rows` rows, scaling the text columns by what the rows so far
    /// needed, so that a large file is not copied again and again as its columns grow.
    fn reserve_rows(&mut self, rows: usize) {
        let have = self.len().max(1);
        let more = rows.saturating_sub(self.len());
        let per = |s: &Strs| s.bytes.len() / have + 1;
        self.lines.reserve(more);
        self.doc.reserve(more);
        self.start.reserve(more);
        self.end.reserve(more);
        self.status.reserve(more);
        self.speaker.reserve(more);
        self.reviewed.reserve(more);
        for s in [&mut self.quote_id, &mut self.quote, &mut self.note] {
            let p = per(s);
            s.bytes.reserve(more * p);
            s.ends.reserve(more);
        }
    }

    /// The speaker the annotator settled on (see [`QuoteRecord::final_speaker`]); `None` when
    /// pending, rejected or flagged, or when the name is empty.
    pub fn final_speaker(&self, row: usize) -> Option<&str> {
        let name = match status_of_code(self.status[row]) {
            Some(Status::Corrected) => self.reviewed[row],
            Some(Status::Confirmed) if self.reviewed[row] != 0 => self.reviewed[row],
            Some(Status::Confirmed) => self.speaker[row],
            _ => return None,
        };
        let s = self.names.get(name);
        if s.trim().is_empty() { None } else { Some(s) }
    }

    /// Builds the columns from records read by the schema reader.
    pub fn from_dataset(path: &Path, ds: schema::Dataset) -> Result<Table> {
        let mut t = Table::new(path, ds.headers);
        for (r, line) in ds.records.iter().zip(ds.lines) {
            t.push(r, line)?;
        }
        Ok(t)
    }

    fn push(&mut self, r: &QuoteRecord, line: u64) -> Result<()> {
        self.quote_id.push(r.quote_id.as_bytes());
        self.lines.push(line);
        self.doc.push(self.docs.id(r.doc_id.as_bytes()));
        self.start.push(r.start);
        self.end.push(r.end);
        self.quote.push(r.quote.as_bytes());
        self.status.push(status_code(r.status));
        self.speaker.push(self.names.id(r.speaker.as_bytes()));
        self.reviewed
            .push(self.names.id(r.reviewed_speaker.as_bytes()));
        self.note.push(r.note.as_bytes());
        self.count_annotator(r.annotator.as_bytes(), line);
        Ok(())
    }

    fn count_annotator(&mut self, a: &[u8], line: u64) {
        let a = a.trim_ascii();
        if a.is_empty() {
            return;
        }
        if let Some(e) = self.annotators.iter_mut().find(|e| e.0.as_bytes() == a) {
            e.1 += 1;
        } else {
            self.annotators
                .push((String::from_utf8_lossy(a).into_owned(), 1, line));
        }
    }
}

/// quote id → row, for duplicate detection and alignment. Keyed by a 64-bit hash of the id;
/// ids whose hashes collide are kept in a side table and compared in full.
#[derive(Debug, Clone)]
struct IdIndex {
    hasher: FixedState,
    first: HashMap<u64, u32, FixedState>,
    more: HashMap<u64, Vec<u32>, FixedState>,
}

impl Default for IdIndex {
    fn default() -> Self {
        IdIndex {
            hasher: FixedState::with_seed(0x9e37_79b9),
            first: HashMap::with_hasher(FixedState::with_seed(1)),
            more: HashMap::with_hasher(FixedState::with_seed(2)),
        }
    }
}

impl IdIndex {
    fn hash(&self, id: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(id)
    }

    /// Indexes every id (the first row wins if one repeats).
    fn build(ids: &Strs) -> IdIndex {
        let mut x = IdIndex::default();
        x.first.reserve(ids.len());
        for row in 0..ids.len() {
            let id = ids.get_bytes(row);
            let h = x.hash(id);
            match x.first.entry(h) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(row as u32);
                }
                std::collections::hash_map::Entry::Occupied(o) => {
                    if ids.get_bytes(*o.get() as usize) != id {
                        x.more.entry(h).or_default().push(row as u32);
                    }
                }
            }
        }
        x
    }

    fn find(&self, id: &[u8], ids: &Strs) -> Option<usize> {
        let h = self.hash(id);
        let &r = self.first.get(&h)?;
        if ids.get_bytes(r as usize) == id {
            return Some(r as usize);
        }
        self.more
            .get(&h)?
            .iter()
            .find(|&&o| ids.get_bytes(o as usize) == id)
            .map(|&o| o as usize)
    }
}

/// Reads one annotator's copy: CSV, or JSON Lines for `.jsonl`/`.ndjson`/`.json` files.
pub fn read_table(path: &Path) -> Result<Table> {
    if DataFormat::from_path(path) == DataFormat::Jsonl {
        let ds = schema::read_path(path)?;
        return Table::from_dataset(path, ds);
    }
    if path.as_os_str() == "-" {
        return read_csv_table(std::io::stdin(), path);
    }
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = f.metadata().ok().map(|m| m.len());
    read_csv_sized(f, path, size)
}

/// Where a field's bytes are in the buffer and how to decode them.
#[derive(Debug, Clone, Copy)]
struct Field {
    start: usize,
    end: usize,
    /// Starts with a quote (`""` escapes, and possibly bytes after the closing quote).
    quoted: bool,
}

/// Decodes a field as the `csv` crate would: a quoted field loses its quotes and `""` becomes
/// `"`; bytes after a closing quote are kept as they are.
fn decode(buf: &[u8], f: Field) -> Cow<'_, [u8]> {
    let raw = &buf[f.start..f.end];
    if !f.quoted {
        return Cow::Borrowed(raw);
    }
    let inner = &raw[1..];
    // Fast path: `"…"` without escapes.
    if let Some(q) = memchr::memchr(b'"', inner)
        && q + 1 == inner.len()
    {
        return Cow::Borrowed(&inner[..q]);
    }
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    let mut in_quotes = true;
    while i < inner.len() {
        let b = inner[i];
        if in_quotes && b == b'"' {
            if inner.get(i + 1) == Some(&b'"') {
                out.push(b'"');
                i += 2;
                continue;
            }
            in_quotes = false;
            i += 1;
            continue;
        }
        out.push(b);
        i += 1;
    }
    Cow::Owned(out)
}

enum Scan {
    /// A record ends just before this position (its terminator consumed).
    Record(usize),
    /// Only blank lines up to here.
    Blank(usize),
    /// The buffer ends inside a record.
    NeedMore,
}

/// Scans the record starting at `pos`, filling `fields`. `newlines` gets the number of `\n`
/// bytes consumed (for line numbers).
fn scan_record(
    buf: &[u8],
    mut pos: usize,
    eof: bool,
    fields: &mut Vec<Field>,
    newlines: &mut u64,
) -> Scan {
    fields.clear();
    *newlines = 0;
    // Blank lines between records are skipped, like the `csv` crate does.
    let begin = pos;
    while pos < buf.len() && (buf[pos] == b'\n' || buf[pos] == b'\r') {
        if buf[pos] == b'\n' {
            *newlines += 1;
        }
        pos += 1;
    }
    if pos > begin {
        return Scan::Blank(pos);
    }
    if pos >= buf.len() {
        return if eof {
            Scan::Blank(pos)
        } else {
            Scan::NeedMore
        };
    }
    loop {
        let start = pos;
        let quoted = buf.get(pos) == Some(&b'"');
        if quoted {
            pos += 1;
            // Inside quotes until a quote that is not doubled.
            loop {
                match memchr::memchr2(b'"', b'\n', &buf[pos..]) {
                    Some(q) if buf[pos + q] == b'\n' => {
                        *newlines += 1;
                        pos += q + 1;
                        continue;
                    }
                    Some(q) => {
                        let after = pos + q + 1;
                        if after >= buf.len() && !eof {
                            return Scan::NeedMore;
                        }
                        if buf.get(after) == Some(&b'"') {
                            pos = after + 1;
                            continue;
                        }
                        pos = after;
                        break;
                    }
                    None if eof => {
                        // An unclosed quote runs to the end of the file, as in the `csv` crate.
                        *newlines += memchr::memchr_iter(b'\n', &buf[pos..]).count() as u64;
                        pos = buf.len();
                        break;
                    }
                    None => return Scan::NeedMore,
                }
            }
        }
        // Unquoted bytes (or bytes after a closing quote) up to the delimiter or line end.
        match memchr::memchr3(b',', b'\n', b'\r', &buf[pos..]) {
            Some(d) => {
                let end = pos + d;
                fields.push(Field { start, end, quoted });
                match buf[end] {
                    b',' => pos = end + 1,
                    b'\n' => {
                        *newlines += 1;
                        return Scan::Record(end + 1);
                    }
                    _ => {
                        // `\r`, possibly followed by `\n`.
                        if end + 1 >= buf.len() && !eof {
                            return Scan::NeedMore;
                        }
                        if buf.get(end + 1) == Some(&b'\n') {
                            *newlines += 1;
                            return Scan::Record(end + 2);
                        }
                        return Scan::Record(end + 1);
                    }
                }
            }
            None if eof => {
                fields.push(Field {
                    start,
                    end: buf.len(),
                    quoted,
                });
                return Scan::Record(buf.len());
            }
            None => return Scan::NeedMore,
        }
    }
}

/// Column positions of the fields `diff` reads.
struct Cols {
    all: HashMap<String, usize>,
    quote_id: Option<usize>,
    doc_id: usize,
    quote: usize,
    start: usize,
    end: usize,
    kind: Option<usize>,
    speaker: Option<usize>,
    speaker_start: Option<usize>,
    speaker_end: Option<usize>,
    confidence: Option<usize>,
    context_start: Option<usize>,
    status: Option<usize>,
    reviewed_speaker: Option<usize>,
    annotator: Option<usize>,
    note: Option<usize>,
    schema_version: Option<usize>,
}

impl Cols {
    fn new(headers: &[String]) -> Cols {
        let all: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        let g = |n: &str| all.get(n).copied();
        Cols {
            quote_id: g("quote_id"),
            doc_id: g("doc_id").unwrap_or(0),
            quote: g("quote").unwrap_or(0),
            start: g("start").unwrap_or(0),
            end: g("end").unwrap_or(0),
            kind: g("kind"),
            speaker: g("speaker"),
            speaker_start: g("speaker_start"),
            speaker_end: g("speaker_end"),
            confidence: g("confidence"),
            context_start: g("context_start"),
            status: g("status"),
            reviewed_speaker: g("reviewed_speaker"),
            annotator: g("annotator"),
            note: g("note"),
            schema_version: g("schema_version"),
            all,
        }
    }
}

const CHUNK: usize = 4 << 20;

/// Reads a CSV copy. `path` names the file in messages.
pub fn read_csv_table(rdr: impl Read, path: &Path) -> Result<Table> {
    read_csv_sized(rdr, path, None)
}

/// [`read_csv_table`] knowing the file's size, to size the columns up front.
fn read_csv_sized(mut rdr: impl Read, path: &Path, size: Option<u64>) -> Result<Table> {
    let mut consumed: u64 = 0;
    let mut reserved = size.is_none();
    let mut buf = vec![0u8; CHUNK];
    let mut filled = 0;
    let mut pos = 0;
    let mut eof = false;
    let mut line: u64 = 1;
    let mut fields: Vec<Field> = Vec::with_capacity(32);
    let mut nl = 0u64;
    let mut table: Option<(Table, Cols)> = None;
    let mut checked_upto: usize = 0; // bytes of `buf` already checked for UTF-8 and NUL
    let mut any_text = false;
    let mut last_doc: (Vec<u8>, u32) = (Vec::new(), u32::MAX);

    loop {
        // Fill the buffer.
        if !eof {
            if pos > 0 {
                consumed += pos as u64;
                buf.copy_within(pos..filled, 0);
                filled -= pos;
                checked_upto = checked_upto.saturating_sub(pos);
                pos = 0;
            }
            if filled == buf.len() {
                buf.resize(buf.len() * 2, 0);
            }
            let n = loop {
                match rdr.read(&mut buf[filled..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io(path, e)),
                }
            };
            if n == 0 {
                eof = true;
            }
            filled += n;
            if !any_text && buf[..filled].iter().any(|b| !b.is_ascii_whitespace()) {
                any_text = true;
            }
            if eof && !any_text {
                return Err(Error::input(
                    Location::file(path),
                    "empty file: expected a header row and data",
                ));
            }
            if !eof && filled < buf.len() {
                // Keep reading until the buffer is full or the file ends, so records are
                // scanned in large batches.
                continue;
            }
        }
        // Check the bytes up to the last complete line for UTF-8 and NUL in one pass.
        let limit = if eof {
            filled
        } else {
            memchr::memrchr(b'\n', &buf[..filled]).map_or(checked_upto, |i| i + 1)
        };
        if limit > checked_upto {
            check_text(
                &buf[checked_upto..limit],
                path,
                line,
                &buf[pos..checked_upto],
            )?;
            checked_upto = limit;
        }
        // Scan the complete records in the checked bytes.
        let data = &buf[..checked_upto];
        let at_end = eof && checked_upto == filled;
        loop {
            match scan_record(data, pos, at_end, &mut fields, &mut nl) {
                Scan::NeedMore => break,
                Scan::Blank(next) => {
                    line += nl;
                    pos = next;
                    if pos >= data.len() {
                        break;
                    }
                }
                Scan::Record(next) => {
                    let rec_line = line;
                    match &mut table {
                        None => {
                            let raw: Vec<String> = fields
                                .iter()
                                .map(|&f| String::from_utf8_lossy(&decode(data, f)).into_owned())
                                .collect();
                            let headers =
                                schema::check_header(raw.iter().map(String::as_str), path)?;
                            let cols = Cols::new(&headers);
                            table = Some((Table::new(path, headers), cols));
                        }
                        Some((t, cols)) => {
                            if fields.len() != t.headers.len() {
                                return Err(Error::input(
                                    Location::file(path).line(rec_line),
                                    format!(
                                        "row has {} fields but the header has {}",
                                        fields.len(),
                                        t.headers.len()
                                    ),
                                ));
                            }
                            push_row(t, cols, data, &fields, rec_line, &mut last_doc)?;
                        }
                    }
                    line += nl;
                    pos = next;
                    if pos >= data.len() {
                        break;
                    }
                }
            }
        }
        if !reserved
            && let (Some(size), Some((t, _))) = (size, &mut table)
            && t.len() >= 64
        {
            let done = consumed + pos as u64;
            let est = (t.len() as u64).saturating_mul(size) / done.max(1);
            t.reserve_rows((est + est / 32) as usize);
            reserved = true;
        }
        if eof && pos >= filled {
            break;
        }
        if eof && checked_upto == filled && pos < filled {
            // Only possible if a scan needed more input at the very end; cannot happen with
            // `at_end`, but never loop forever on it.
            break;
        }
    }
    match table {
        Some((t, _)) => Ok(t),
        None => Err(Error::input(
            Location::file(path),
            "empty file: expected a header row and data",
        )),
    }
}

/// Refuses binary data and invalid UTF-8, naming the line. `before` is the unscanned text
/// between the current record and `chunk`, so line numbers stay right.
fn check_text(chunk: &[u8], path: &Path, line: u64, before: &[u8]) -> Result<()> {
    let line_at = |i: usize| {
        line + memchr::memchr_iter(b'\n', before).count() as u64
            + memchr::memchr_iter(b'\n', &chunk[..i]).count() as u64
    };
    if let Some(i) = memchr::memchr(0, chunk) {
        return Err(Error::input(
            Location::file(path).line(line_at(i)),
            "binary file (contains a NUL byte); expected a CSV file",
        ));
    }
    // `chunk` ends at a line end or the end of the file, so no character is cut in two.
    if let Err(e) = std::str::from_utf8(chunk) {
        return Err(Error::input(
            Location::file(path).line(line_at(e.valid_up_to())),
            "invalid UTF-8; convert the file to UTF-8",
        ));
    }
    Ok(())
}

/// Blank as the schema reader sees it (Unicode white space).
fn is_blank(b: &[u8]) -> bool {
    b.trim_ascii().is_empty() || std::str::from_utf8(b).is_ok_and(|s| s.trim().is_empty())
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

fn parse_usize(b: &[u8]) -> Option<usize> {
    let b = trim(b);
    if b.is_empty() || b.len() > 19 {
        return std::str::from_utf8(b).ok()?.parse().ok();
    }
    let mut v: usize = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            // Let the standard parser decide odd forms such as a leading `+`.
            return std::str::from_utf8(b).ok()?.parse().ok();
        }
        v = v * 10 + (c - b'0') as usize;
    }
    Some(v)
}

fn eq_lower(b: &[u8], words: &[&[u8]]) -> bool {
    words.iter().any(|w| b.eq_ignore_ascii_case(w))
}

fn parse_status(b: &[u8]) -> Option<u8> {
    let b = trim(b);
    if b.is_empty() {
        return Some(0);
    }
    Status::ALL
        .iter()
        .position(|s| b.eq_ignore_ascii_case(s.as_str().as_bytes()))
        .map(|i| i as u8 + 1)
}

fn push_row(
    t: &mut Table,
    cols: &Cols,
    buf: &[u8],
    fields: &[Field],
    line: u64,
    last_doc: &mut (Vec<u8>, u32),
) -> Result<()> {
    let raw = |i: usize| decode(buf, fields[i]);
    let opt = |i: Option<usize>| i.map(raw).unwrap_or(Cow::Borrowed(b""));
    let text = |i: Option<usize>| -> Cow<'_, [u8]> {
        match opt(i) {
            Cow::Borrowed(b) => Cow::Borrowed(schema::unescape_formula_bytes(b)),
            Cow::Owned(v) => Cow::Owned(schema::unescape_formula_bytes(&v).to_vec()),
        }
    };
    let doc_id = text(Some(cols.doc_id));
    let start = parse_usize(&raw(cols.start));
    let end = parse_usize(&raw(cols.end));
    let status = parse_status(&opt(cols.status));

    // The same checks as the schema reader, in cheap form.
    let ok = (|| {
        let v = opt(cols.schema_version);
        let v = trim(&v);
        if !v.is_empty() {
            match std::str::from_utf8(v).ok()?.parse::<u32>() {
                Ok(x) if x <= schema::SCHEMA_VERSION => {}
                _ => return None,
            }
        }
        if is_blank(&doc_id) {
            return None;
        }
        if end? < start? {
            return None;
        }
        let ss = opt(cols.speaker_start);
        let se = opt(cols.speaker_end);
        let ss = if trim(&ss).is_empty() {
            None
        } else {
            Some(parse_usize(&ss)?)
        };
        let se = if trim(&se).is_empty() {
            None
        } else {
            Some(parse_usize(&se)?)
        };
        if let (Some(s), Some(e)) = (ss, se)
            && e < s
        {
            return None;
        }
        let cs = opt(cols.context_start);
        if !trim(&cs).is_empty() {
            parse_usize(&cs)?;
        }
        let c = opt(cols.confidence);
        let c = trim(&c);
        if !c.is_empty() {
            let v: f64 = std::str::from_utf8(c).ok()?.parse().ok()?;
            if !(0.0..=1.0).contains(&v) {
                return None;
            }
        }
        let k = opt(cols.kind);
        if !eq_lower(trim(&k), &[b"", b"direct", b"mixed", b"indirect"]) {
            return None;
        }
        status?;
        Some(())
    })();
    if ok.is_none() {
        // Let the schema reader find and word the problem.
        let get = |name: &str| -> String {
            match cols.all.get(name) {
                Some(&i) => {
                    let v = raw(i);
                    let v: &[u8] = if schema::TEXT_COLUMNS.contains(&name) {
                        schema::unescape_formula_bytes(&v)
                    } else {
                        &v
                    };
                    String::from_utf8_lossy(v).into_owned()
                }
                None => String::new(),
            }
        };
        let rec = schema::record_from_lookup(&get, &t.path, line)?;
        // The quick checks were stricter than the schema: take its reading of the row.
        return t.push(&rec, line);
    }
    let (start, end) = (start.unwrap_or(0), end.unwrap_or(0));

    let qid = text(cols.quote_id);
    if is_blank(&qid) {
        let id = QuoteRecord::make_id(&String::from_utf8_lossy(&doc_id), start, end);
        t.quote_id.push(id.as_bytes());
    } else {
        t.quote_id.push(&qid);
    }
    t.lines.push(line);
    // Rows of one document are usually together: skip the hash lookup for a repeat.
    let doc = if last_doc.1 != u32::MAX && last_doc.0[..] == doc_id[..] {
        last_doc.1
    } else {
        let id = t.docs.id(&doc_id);
        last_doc.0.clear();
        last_doc.0.extend_from_slice(&doc_id);
        last_doc.1 = id;
        id
    };
    t.doc.push(doc);
    t.start.push(start);
    t.end.push(end);
    t.quote.push(&text(Some(cols.quote)));
    t.status.push(status.unwrap_or(0));
    let sp = text(cols.speaker);
    t.speaker.push(t.names.id(&sp));
    let rs = text(cols.reviewed_speaker);
    t.reviewed
        .push(if rs.is_empty() { 0 } else { t.names.id(&rs) });
    t.note.push(&text(cols.note));
    let a = text(cols.annotator);
    t.count_annotator(&a, line);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn via_schema(data: &str) -> Result<Table> {
        let ds = schema::read_csv(data.as_bytes(), Path::new("t.csv"))?;
        Table::from_dataset(Path::new("t.csv"), ds)
    }

    fn fast(data: &str) -> Result<Table> {
        read_csv_table(data.as_bytes(), Path::new("t.csv"))
    }

    /// Compares everything but the id index (whose layout may differ) and line numbers: the
    /// `csv` crate reports a CRLF file's record at the line before it (it counts the `\n` of
    /// the previous line end only when it reads the next record); lines are checked on their own.
    fn same(a: &Table, b: &Table) {
        assert_eq!(a.headers, b.headers);
        assert_eq!(a.quote_id, b.quote_id);
        assert_eq!(a.start, b.start);
        assert_eq!(a.end, b.end);
        assert_eq!(a.quote, b.quote);
        assert_eq!(a.status, b.status);
        assert_eq!(a.note, b.note);
        assert_eq!(a.annotators, b.annotators);
        for r in 0..a.len() {
            assert_eq!(a.docs.get(a.doc[r]), b.docs.get(b.doc[r]));
            assert_eq!(a.names.get(a.speaker[r]), b.names.get(b.speaker[r]));
            assert_eq!(a.names.get(a.reviewed[r]), b.names.get(b.reviewed[r]));
            assert_eq!(a.final_speaker(r), b.final_speaker(r));
        }
    }

    const HEAD: &str = "quote_id,doc_id,kind,quote,start,end,speaker,status,reviewed_speaker,annotator,note,confidence\n";

    #[test]
    fn reads_like_the_schema_reader() {
        let data = format!(
            "{HEAD}a,d1,direct,\"Hello, \"\"world\"\"\",0,5,Ann,confirmed,,ana,,\n\
             ,d1,mixed,\"two\nlines\",7,9,'=Bob,corrected,'-Carl,ana,\"a \"\"note\"\"\",\r\n\
             \r\n\
             c,d2,,x\"y,10,12,,rejected,,ana,n,0.5\r\n\
             d,d2,INDIRECT,q,1,1,Dee,,,,,1"
        );
        let a = fast(&data).unwrap();
        let b = via_schema(&data).unwrap();
        same(&a, &b);
        assert_eq!(a.quote.get(0), "Hello, \"world\"");
        assert_eq!(a.quote_id.get(1), "d1:7-9");
        assert_eq!(a.final_speaker(1), Some("-Carl"));
        assert_eq!(a.lines, vec![2, 3, 6, 7]);
        assert_eq!(a.row_of(b"c"), Some(2));
        assert_eq!(a.row_of(b"zz"), None);
    }

    #[test]
    fn errors_match_the_schema_reader() {
        for bad in [
            "a,d,direct,q,x,5,,,,,,\n",
            "a,d,direct,q,9,5,,,,,,\n",
            "a,d,direct,q,1,5,,maybe,,,,\n",
            "a,d,sideways,q,1,5,,,,,,\n",
            "a,d,direct,q,1,5,,,,,,2\n",
            "a, ,direct,q,1,5,,,,,,\n",
        ] {
            let data = format!("{HEAD}b,d,direct,q,0,1,,,,,,\n{bad}");
            let a = fast(&data).unwrap_err().to_string();
            let b = via_schema(&data).unwrap_err().to_string();
            assert_eq!(a, b, "{bad}");
            assert!(a.starts_with("t.csv:3: field"), "{a}");
        }
    }

    #[test]
    fn structural_errors_name_the_line() {
        let e = fast(&format!("{HEAD}a,d,direct,q,0,1\n"))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.csv:2: row has 6 fields but the header has 12");
        let e = fast(&format!(
            "{HEAD}a,d,direct,q,0,1,,,,,,\nb,d,direct,q,2,3,,,,,,\na,d,direct,q,4,5,,,,,,\n"
        ))
        .unwrap()
        .check_duplicates()
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("t.csv:4: field `quote_id`: duplicate quote_id \"a\" (first on line 2)"),
            "{e}"
        );
        let e = read_csv_table(
            &b"doc_id,quote,start,end\nd,\xff,1,2\n"[..],
            Path::new("t.csv"),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "t.csv:2: invalid UTF-8; convert the file to UTF-8");
        let e = read_csv_table(&b"\x7fELF\x00\x00"[..], Path::new("t.csv"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("binary"), "{e}");
        let e = fast("  \n").unwrap_err().to_string();
        assert!(e.contains("empty file"), "{e}");
        let e = fast("hello world\n").unwrap_err().to_string();
        assert!(e.contains("missing column `doc_id`"), "{e}");
    }

    #[test]
    fn records_across_buffer_refills() {
        // Rows longer than a read, read one byte at a time.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() || out.is_empty() {
                    return Ok(0);
                }
                out[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        let mut data = String::from(HEAD);
        for i in 0..50 {
            data.push_str(&format!(
                "id{i},d{},direct,\"q \"\"{i}\"\"\r\nx\",{i},{},S{i},confirmed,,ana,,\r\n",
                i / 7,
                i + 3
            ));
        }
        let a = read_csv_table(Trickle(data.as_bytes()), Path::new("t.csv")).unwrap();
        same(&a, &via_schema(&data).unwrap());
        // Each row spans two lines.
        assert_eq!(a.lines, (0..50).map(|i| 2 + 2 * i).collect::<Vec<u64>>());
    }

    proptest! {
        #[test]
        fn any_cells_read_like_the_schema_reader(
            cells in proptest::collection::vec(
                ("[a-z\"',\n\r =+-]{0,12}", "[A-Za-z \"',.\n-]{0,10}", 0usize..4, 0usize..3),
                1..20,
            )
        ) {
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            w.write_record(["quote_id", "doc_id", "quote", "start", "end", "speaker", "status", "reviewed_speaker"]).unwrap();
            for (i, (q, s, st, d)) in cells.iter().enumerate() {
                let status = ["", "confirmed", "corrected", "rejected"][*st];
                w.write_record([format!("id{i}"), format!("doc{d}"), q.clone(), i.to_string(), (i + 1).to_string(), s.clone(), status.to_string(), s.to_uppercase()]).unwrap();
            }
            let bytes = w.into_inner().unwrap();
            let data = String::from_utf8(bytes).unwrap();
            let a = fast(&data).unwrap();
            let b = via_schema(&data).unwrap();
            same(&a, &b);
            // Written with `\n` line ends, where both count lines alike.
            prop_assert_eq!(a.lines, b.lines);
        }
    }
}
