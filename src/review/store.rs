//! The reviewed CSV file as bytes on disk.
//!
//! A review must not disturb what it does not own: every column other than the five review
//! columns comes back out byte for byte, whatever quoting, line endings or formula escaping the
//! file used, and columns this version does not know are kept. So the file is read twice: once
//! through [`crate::schema::read_csv`] for validated, typed records, and once here to remember
//! the raw bytes of every row. Writing copies a row's raw bytes when its review columns did not
//! change, and otherwise splices freshly written review cells between the untouched raw fields.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::{Error, Location, Result};
use crate::schema::{self, Dataset, QuoteRecord, REVIEW_COLUMNS, Status, WriteOptions};

/// The review state of one row: the five review columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Review {
    /// `None` = pending.
    pub status: Option<Status>,
    pub reviewed_speaker: String,
    pub annotator: String,
    /// RFC 3339.
    pub reviewed_at: String,
    pub note: String,
}

impl Review {
    pub fn of(r: &QuoteRecord) -> Review {
        Review {
            status: r.status,
            reviewed_speaker: r.reviewed_speaker.clone(),
            annotator: r.annotator.clone(),
            reviewed_at: r.reviewed_at.clone(),
            note: r.note.clone(),
        }
    }

    /// The cell text of review column `i` (in [`REVIEW_COLUMNS`] order), before escaping.
    fn cell(&self, i: usize) -> &str {
        match i {
            0 => self.status.map(Status::as_str).unwrap_or(""),
            1 => &self.reviewed_speaker,
            2 => &self.annotator,
            3 => &self.reviewed_at,
            _ => &self.note,
        }
    }
}

/// What the file looked like when it was last read or written by us, to notice another program
/// changing it underneath the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
    })
}

/// The raw bytes of a CSV dataset and where each row lies in them.
#[derive(Debug)]
pub struct CsvStore {
    path: PathBuf,
    bytes: Vec<u8>,
    header_end: usize,
    /// Start of every row; the row ends where the next begins (or at the end of the file).
    row_starts: Vec<usize>,
    /// Index of each review column in the file's header; `None` when the file lacks it and it
    /// is appended on write.
    review_idx: [Option<usize>; 5],
    /// The review state each row had when the file was read: rows still in that state are
    /// written back verbatim.
    original: Vec<Review>,
    opts: WriteOptions,
    stamp: Option<Stamp>,
    /// Whether this store has rewritten the file.
    written: bool,
}

impl CsvStore {
    /// Reads and validates a CSV dataset. A file named through a symbolic link is kept where
    /// it lives ([`crate::io::output_target`]): saving renames the new file over the real one
    /// (renaming over the link would turn it into a private copy, and the file it points at
    /// would never get the decisions), and [`CsvStore::path`], beside which the lock and the
    /// journal sit, is the real file, so sessions opened by either name see each other. A
    /// dangling link or a loop of links is an error naming the path as given.
    pub fn open(path: &Path, opts: WriteOptions) -> Result<(CsvStore, Dataset)> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let stamp = stamp(path);
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(Error::input(
                Location::file(path),
                "empty file: expected a header row and data",
            ));
        }
        let ds = schema::read_csv(&bytes[..], path)?;
        let (header_end, row_starts) = row_spans(&bytes, path)?;
        if row_starts.len() != ds.records.len() {
            return Err(Error::input(
                Location::file(path),
                format!(
                    "found {} rows but the CSV reader found {}; the file may be damaged",
                    row_starts.len(),
                    ds.records.len()
                ),
            ));
        }
        let mut review_idx = [None; 5];
        for (k, col) in REVIEW_COLUMNS.iter().enumerate() {
            review_idx[k] = ds.headers.iter().position(|h| h == col);
        }
        let original = ds.records.iter().map(Review::of).collect();
        Ok((
            CsvStore {
                path: crate::io::output_target(path)?,
                bytes,
                header_end,
                row_starts,
                review_idx,
                original,
                opts,
                stamp,
                written: false,
            },
            ds,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn len(&self) -> usize {
        self.row_starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row_starts.is_empty()
    }

    fn row_bytes(&self, i: usize) -> &[u8] {
        let start = self.row_starts[i];
        let end = self
            .row_starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.bytes.len());
        &self.bytes[start..end]
    }

    /// The whole file as it should be with the given review states (one per row).
    pub fn render(&self, reviews: &[Review]) -> Vec<u8> {
        debug_assert_eq!(reviews.len(), self.len());
        let mut out = Vec::with_capacity(self.bytes.len() + self.bytes.len() / 8);
        let missing: Vec<usize> = (0..5).filter(|&k| self.review_idx[k].is_none()).collect();
        let header = &self.bytes[..self.header_end];
        if missing.is_empty() {
            out.extend_from_slice(header);
        } else {
            let rec = RawRecord::split(header);
            out.extend_from_slice(&header[..rec.content_end]);
            for &k in &missing {
                out.push(b',');
                out.extend_from_slice(REVIEW_COLUMNS[k].as_bytes());
            }
            out.extend_from_slice(terminator_or_crlf(&header[rec.content_end..]));
        }
        let last = self.len().saturating_sub(1);
        for (i, review) in reviews.iter().enumerate() {
            let raw = self.row_bytes(i);
            if *review == self.original[i] && missing.is_empty() {
                out.extend_from_slice(raw);
                continue;
            }
            let rec = RawRecord::split(raw);
            out.extend_from_slice(&raw[..rec.lead]);
            let mut first = true;
            for (f, range) in rec.fields.iter().enumerate() {
                if !first {
                    out.push(b',');
                }
                first = false;
                match (0..5).find(|&k| self.review_idx[k] == Some(f)) {
                    Some(k) => self.push_cell(&mut out, k, review),
                    None => out.extend_from_slice(&raw[range.clone()]),
                }
            }
            for &k in &missing {
                out.push(b',');
                self.push_cell(&mut out, k, review);
            }
            let tail = &raw[rec.content_end..];
            if tail.is_empty() && i != last {
                // Cannot happen for a row the CSV reader accepted, but never glue two rows.
                out.extend_from_slice(b"\r\n");
            } else {
                out.extend_from_slice(tail);
            }
        }
        out
    }

    fn push_cell(&self, out: &mut Vec<u8>, k: usize, review: &Review) {
        let v = review.cell(k);
        // `status` and `reviewed_at` are machine-written and never start with a formula sign;
        // the three free-text review columns follow the schema's escaping.
        let escaped =
            if self.opts.escape_formulas && schema::TEXT_COLUMNS.contains(&REVIEW_COLUMNS[k]) {
                schema::escape_formula(v)
            } else {
                v.into()
            };
        push_field(out, &escaped);
    }

    /// Whether the file on disk is still the one this store last read or wrote.
    pub fn unchanged_on_disk(&self) -> bool {
        self.stamp.is_none() || stamp(&self.path) == self.stamp
    }

    /// Rewrites the file atomically (temporary file, fsync, rename). Refuses when another
    /// program changed the file since it was read, so that its change is not overwritten.
    pub fn save(&mut self, reviews: &[Review]) -> Result<()> {
        if !self.written && reviews == &self.original[..] && self.unchanged_on_disk() {
            // Nothing to write: the file on disk is the one that was read.
            return Ok(());
        }
        if !self.unchanged_on_disk() {
            return Err(Error::Other(format!(
                "{}: the file was changed by another program while it was being reviewed; it was not overwritten (the decisions are kept in the journal)",
                self.path.display()
            )));
        }
        let bytes = self.render(reviews);
        let perms = std::fs::metadata(&self.path).ok().map(|m| m.permissions());
        crate::io::write_atomic(&self.path, &bytes)?;
        // The temporary file is created private; give the file back the permissions it had.
        if let Some(p) = perms {
            let _ = std::fs::set_permissions(&self.path, p);
        }
        self.stamp = stamp(&self.path);
        self.written = true;
        Ok(())
    }
}

fn terminator_or_crlf(tail: &[u8]) -> &[u8] {
    if tail.is_empty() { b"\r\n" } else { tail }
}

/// Writes one CSV field, quoting it when it has to be (RFC 4180).
pub fn push_field(out: &mut Vec<u8>, v: &str) {
    if v.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.push(b'"');
        for b in v.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(v.as_bytes());
    }
}

/// The byte ranges of the fields of one raw CSV record (as the `csv` crate accepted it).
#[derive(Debug)]
struct RawRecord {
    /// Blank-line bytes before the record.
    lead: usize,
    fields: Vec<std::ops::Range<usize>>,
    /// Where the line terminator (and anything after it) starts.
    content_end: usize,
}

impl RawRecord {
    fn split(raw: &[u8]) -> RawRecord {
        let mut i = 0;
        while i < raw.len() && (raw[i] == b'\r' || raw[i] == b'\n') {
            i += 1;
        }
        let lead = i;
        let mut fields = Vec::new();
        let mut field_start = i;
        // The states of the `csv` crate's parser: a quote opens a quoted field only at the start
        // of a field; inside one, a doubled quote is a literal quote; after the closing quote,
        // anything up to the next comma is still part of the same field.
        #[derive(PartialEq)]
        enum St {
            Start,
            Plain,
            Quoted,
            QuoteInQuoted,
        }
        let mut st = St::Start;
        while i < raw.len() {
            let b = raw[i];
            st = match (st, b) {
                (St::Quoted, b'"') => St::QuoteInQuoted,
                (St::Quoted, _) => St::Quoted,
                (St::Start, b'"') => St::Quoted,
                (St::QuoteInQuoted, b'"') => St::Quoted,
                (_, b',') => {
                    fields.push(field_start..i);
                    field_start = i + 1;
                    St::Start
                }
                (_, b'\r' | b'\n') => break,
                _ => St::Plain,
            };
            i += 1;
        }
        fields.push(field_start..i);
        RawRecord {
            lead,
            fields,
            content_end: i,
        }
    }
}

/// Finds where the header ends and where every record starts, with the same CSV settings as
/// the schema's reader.
fn row_spans(bytes: &[u8], path: &Path) -> Result<(usize, Vec<usize>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let mut starts = Vec::new();
    rdr.byte_headers()
        .map_err(|e| Error::input(Location::file(path), format!("not valid CSV: {e}")))?;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => starts.push(rec.position().map(|p| p.byte() as usize).unwrap_or(0)),
            Err(e) => {
                return Err(Error::input(
                    Location::file(path),
                    format!("not valid CSV: {e}"),
                ));
            }
        }
    }
    let header_end = starts.first().copied().unwrap_or(bytes.len());
    Ok((header_end, starts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_str(text: &[u8]) -> (tempfile::TempDir, CsvStore, Dataset) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("q.csv");
        std::fs::write(&p, text).unwrap();
        let (s, ds) = CsvStore::open(&p, WriteOptions::default()).unwrap();
        (dir, s, ds)
    }

    fn reviews(ds: &Dataset) -> Vec<Review> {
        ds.records.iter().map(Review::of).collect()
    }

    const ODD: &[u8] = b"\xef\xbb\xbfdoc_id,quote,start,end,speaker,mystery,status,note\r\n\
d1,\"He said \"\"no\"\", twice\",1,5,'=Blake,\"x,y\",,\r\n\
d1,plain,6,9,\"Ann\",  spaced  ,confirmed,\"multi\nline\"\n\
d2,\"\",10,12,,'+1,,\n";

    /// Odd quoting, an unknown column, CRLF and LF, formula escapes, all review columns.
    const ODD_FULL: &[u8] = b"quote_id,doc_id,quote,start,end,speaker,status,reviewed_speaker,annotator,reviewed_at,note,x\r\n\
a,d1,\"He said \"\"no\"\", twice\",1,5,'=Blake,,,,,,\"x,y\"\r\n\
b,d1,plain,6,9,\"Ann\",corrected,'-Bo,ana,2026-01-01T00:00:00Z,\"multi\nline\",  spaced  \n\
c,d2,\"\",10,12,,,,,,,'+1\n";

    #[test]
    fn unchanged_file_is_written_back_byte_for_byte() {
        let (_d, s, ds) = open_str(ODD_FULL);
        assert_eq!(s.render(&reviews(&ds)), ODD_FULL);
        // Changing one row leaves every other row untouched, and that row's other cells too.
        let mut r = reviews(&ds);
        r[2].status = Some(Status::Flagged);
        r[2].reviewed_speaker = "@x".into();
        let out = s.render(&r);
        let want = String::from_utf8(ODD_FULL.to_vec()).unwrap().replace(
            "c,d2,\"\",10,12,,,,,,,'+1\n",
            "c,d2,\"\",10,12,,flagged,'@x,,,,'+1\n",
        );
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    #[test]
    fn only_review_cells_change() {
        let (_d, s, ds) = open_str(ODD);
        let mut r = reviews(&ds);
        r[0].status = Some(Status::Corrected);
        r[0].note = "=cmd, \"x\"".into();
        let out = String::from_utf8(s.render(&r)).unwrap();
        // Missing review columns are appended to the header and to every row.
        assert!(out.starts_with(
            "\u{feff}doc_id,quote,start,end,speaker,mystery,status,note,reviewed_speaker,annotator,reviewed_at\r\n"
        ));
        assert!(out.contains(
            "d1,\"He said \"\"no\"\", twice\",1,5,'=Blake,\"x,y\",corrected,\"'=cmd, \"\"x\"\"\",,,\r\n"
        ), "{out}");
        assert!(
            out.contains("d1,plain,6,9,\"Ann\",  spaced  ,confirmed,\"multi\nline\",,,\n"),
            "{out}"
        );
        let back = schema::read_csv(out.as_bytes(), Path::new("x")).unwrap();
        assert_eq!(back.records[0].note, "=cmd, \"x\"");
        assert_eq!(back.records[0].speaker, "=Blake");
        assert_eq!(back.records[1].note, "multi\nline");
        assert_eq!(back.records[2].extra, vec![("mystery".into(), "+1".into())]);
    }

    #[test]
    fn blank_lines_are_kept() {
        let text = b"doc_id,quote,start,end,status,reviewed_speaker,annotator,reviewed_at,note\r\n\r\nd,q,1,2,,,,,\r\n\r\n\r\nd,r,3,4,,,,,\r\n\r\n";
        let (_d, s, ds) = open_str(text);
        assert_eq!(ds.records.len(), 2);
        let mut r = reviews(&ds);
        assert_eq!(s.render(&r), text);
        r[1].status = Some(Status::Confirmed);
        r[0].status = Some(Status::Rejected);
        assert_eq!(
            String::from_utf8(s.render(&r)).unwrap(),
            "doc_id,quote,start,end,status,reviewed_speaker,annotator,reviewed_at,note\r\n\r\nd,q,1,2,rejected,,,,\r\n\r\n\r\nd,r,3,4,confirmed,,,,\r\n\r\n"
        );
    }

    #[test]
    fn last_row_without_newline() {
        let text = b"doc_id,quote,start,end,status,reviewed_speaker,annotator,reviewed_at,note\nd,q,1,2,,,,,";
        let (_d, s, ds) = open_str(text);
        let mut r = reviews(&ds);
        assert_eq!(s.render(&r), text);
        r[0].status = Some(Status::Rejected);
        assert_eq!(
            s.render(&r),
            b"doc_id,quote,start,end,status,reviewed_speaker,annotator,reviewed_at,note\nd,q,1,2,rejected,,,,"
        );
    }

    #[test]
    fn save_without_changes_writes_nothing() {
        let (_d, mut s, ds) = open_str(ODD);
        let before = std::fs::metadata(s.path()).unwrap().modified().unwrap();
        s.save(&reviews(&ds)).unwrap();
        assert_eq!(std::fs::read(s.path()).unwrap(), ODD);
        assert_eq!(
            std::fs::metadata(s.path()).unwrap().modified().unwrap(),
            before
        );
    }

    #[test]
    fn save_refuses_when_file_changed() {
        let (_d, mut s, ds) = open_str(ODD);
        let mut r = reviews(&ds);
        r[0].status = Some(Status::Flagged);
        s.save(&r).unwrap();
        std::fs::write(
            s.path(),
            b"doc_id,quote,start,end\nd,q,1,2,extra-long-change\n",
        )
        .unwrap();
        assert!(s.save(&r).is_err());
    }

    proptest::proptest! {
        /// The splitter finds the same fields as the `csv` crate, on well-formed and on odd
        /// input (stray quotes, text after a closing quote).
        #[test]
        fn splitter_agrees_with_csv_reader(body in "[a\",\r\n]{0,14}") {
            let line = format!("{body}\r\nnext\r\n");
            let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line.as_bytes());
            let mut rec = csv::ByteRecord::new();
            if rdr.read_byte_record(&mut rec).unwrap_or(false) && &rec[0] != b"next" {
                let start = rec.position().unwrap().byte() as usize;
                let raw = &line.as_bytes()[start..];
                let split = RawRecord::split(raw);
                proptest::prop_assert_eq!(split.fields.len(), rec.len(), "{:?}", line);
                for (k, r) in split.fields.iter().enumerate() {
                    let mut one = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&raw[r.clone()]);
                    let mut f = csv::ByteRecord::new();
                    let got = if one.read_byte_record(&mut f).unwrap() { f[0].to_vec() } else { Vec::new() };
                    proptest::prop_assert_eq!(&got[..], &rec[k], "{:?} field {}", line, k);
                }
            }
        }

        /// Writing a field and reading it back gives the same text.
        #[test]
        fn push_field_round_trips(v in "[a \",\r\n'=]{0,10}") {
            let mut out = Vec::new();
            push_field(&mut out, &v);
            out.extend_from_slice(b",z\n");
            let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(&out[..]);
            let rec = rdr.records().next().unwrap().unwrap();
            proptest::prop_assert_eq!(&rec[0], v.as_str());
        }
    }
}
