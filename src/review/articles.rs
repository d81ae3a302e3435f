//! The source articles of a dataset, for showing more of a document than the `context` column
//! holds (`quotecheck review FILE --articles PATH`). Only the documents the dataset mentions are
//! kept, and only those whose text agrees with the dataset: every row's `quote` must be the text
//! at its offsets, otherwise the offsets would highlight the wrong words.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::input::{self, DocumentStream, InputFormat, JsonlFields};
use crate::schema::QuoteRecord;
use crate::text::CharIndex;

/// One article: its text and where its paragraphs start and end (code points).
#[derive(Debug)]
struct Article {
    text: String,
    index: CharIndex,
    /// `(start, end)` of each non-blank line, in code points.
    paragraphs: Vec<(usize, usize)>,
}

/// Articles by document id.
#[derive(Debug, Default)]
pub struct Articles {
    docs: HashMap<String, Article>,
}

/// What loading found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Documents of the dataset found among the articles and consistent with it.
    pub matched: usize,
    /// Documents of the dataset with no article.
    pub missing: usize,
    /// Documents whose text does not hold a row's quote at its offsets (ids, sorted).
    pub inconsistent: Vec<String>,
}

impl Articles {
    /// Reads the articles at `paths` (files, folders, JSON Lines, as `extract` reads them) and
    /// keeps those of the documents in `records` whose text agrees with every row.
    pub fn load(paths: &[PathBuf], records: &[QuoteRecord]) -> Result<(Articles, LoadReport)> {
        let wanted: HashSet<&str> = records.iter().map(|r| r.doc_id.as_str()).collect();
        let files = input::expand_paths(paths, InputFormat::Auto)?;
        let mut texts = Vec::new();
        for doc in DocumentStream::new(files, JsonlFields::default()) {
            let doc = doc?;
            if wanted.contains(doc.doc_id.as_str()) {
                texts.push((doc.doc_id, doc.text));
            }
        }
        let (articles, report) = Articles::from_texts(texts, records);
        if report.matched == 0 {
            let shown = paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let why = if report.inconsistent.is_empty() {
                "none of its documents is among them (a document's id is its file stem, or the `id` field of a JSON Lines record)".to_string()
            } else {
                format!(
                    "the texts of {} of its documents do not hold the rows' quotes at their offsets (e.g. {:?}): these are not the articles the dataset was extracted from",
                    report.inconsistent.len(),
                    report.inconsistent[0]
                )
            };
            return Err(Error::usage(format!(
                "--articles {shown}: no article can be shown for this dataset: {why}"
            )));
        }
        Ok((articles, report))
    }

    /// The articles among `texts` (document id, text) that agree with every row of `records`
    /// of their document.
    pub fn from_texts(
        texts: impl IntoIterator<Item = (String, String)>,
        records: &[QuoteRecord],
    ) -> (Articles, LoadReport) {
        let wanted: HashSet<&str> = records.iter().map(|r| r.doc_id.as_str()).collect();
        let mut docs: HashMap<String, Article> = texts
            .into_iter()
            .filter(|(id, _)| wanted.contains(id.as_str()))
            .map(|(id, text)| (id, Article::new(text)))
            .collect();
        let mut bad: HashSet<String> = HashSet::new();
        for r in records {
            if let Some(a) = docs.get(&r.doc_id)
                && a.slice(r.start, r.end).as_deref() != Some(r.quote.as_str())
            {
                bad.insert(r.doc_id.clone());
            }
        }
        docs.retain(|id, _| !bad.contains(id));
        let mut inconsistent: Vec<String> = bad.into_iter().collect();
        inconsistent.sort();
        let report = LoadReport {
            matched: docs.len(),
            missing: wanted.len() - docs.len() - inconsistent.len(),
            inconsistent,
        };
        (Articles { docs }, report)
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The paragraphs around `[start, end)` of document `doc_id`: the quote's own paragraphs
    /// and `around` more on each side. Returns the window's start offset and its text.
    pub fn window(
        &self,
        doc_id: &str,
        start: usize,
        end: usize,
        around: usize,
    ) -> Option<(usize, String)> {
        let a = self.docs.get(doc_id)?;
        if a.paragraphs.is_empty() {
            return None;
        }
        // the paragraph holding `start`, and the one holding the last character
        let first = a.paragraphs.partition_point(|&(_, e)| e <= start);
        let last = a
            .paragraphs
            .partition_point(|&(_, e)| e < end.max(start + 1))
            .max(first);
        let lo = first.saturating_sub(around);
        let hi = (last + around).min(a.paragraphs.len() - 1);
        let (ws, we) = (a.paragraphs[lo].0, a.paragraphs[hi].1);
        Some((ws, a.slice(ws, we)?))
    }
}

impl Article {
    fn new(text: String) -> Article {
        let index = CharIndex::new(&text);
        // A line ends at a newline, a carriage return and newline, or a carriage return
        // alone (old Mac files): without the last, such an article is one paragraph.
        let mut paragraphs = Vec::new();
        let (mut start, mut blank) = (0, true);
        let mut chars = text.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\n' || c == '\r' {
                if !blank {
                    paragraphs.push((start, i));
                }
                if c == '\r' && chars.next_if(|&(_, n)| n == '\n').is_some() {
                    start = i + 2;
                } else {
                    start = i + 1;
                }
                blank = true;
            } else if !c.is_whitespace() {
                blank = false;
            }
        }
        if !blank {
            paragraphs.push((start, text.chars().count()));
        }
        Article {
            text,
            index,
            paragraphs,
        }
    }

    /// The text between two code-point offsets, if both lie inside it.
    fn slice(&self, start: usize, end: usize) -> Option<String> {
        if start > end || end > self.index.len_chars() {
            return None;
        }
        let (a, b) = (self.index.byte_of_char(start), self.index.byte_of_char(end));
        Some(self.text[a..b].to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(text: &str) -> Articles {
        let mut docs = HashMap::new();
        docs.insert("d".to_string(), Article::new(text.to_string()));
        Articles { docs }
    }

    #[test]
    fn every_kind_of_line_end_ends_a_paragraph() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = ["one", "", "two", " ", "three", "four"].join(nl) + nl;
            let a = article(&text);
            let at = |w: &str| text[..text.find(w).unwrap()].chars().count();
            let (s, e) = (at("three"), at("three") + 5);
            let window = |around| a.window("d", s, e, around).unwrap();
            assert_eq!(window(0), (s, "three".to_string()), "{nl:?}");
            assert_eq!(
                window(1),
                (at("two"), ["two", " ", "three", "four"].join(nl)),
                "{nl:?}"
            );
            assert_eq!(window(5).0, 0, "{nl:?}");
        }
    }

    #[test]
    fn only_articles_that_agree_with_the_rows_are_kept() {
        let row = |doc: &str, start, end, quote: &str| QuoteRecord {
            doc_id: doc.into(),
            start,
            end,
            quote: quote.into(),
            ..Default::default()
        };
        let records = vec![
            row("a", 4, 7, "two"),
            row("b", 0, 3, "one"),
            row("b", 4, 7, "xxx"),
            row("c", 0, 1, "z"),
        ];
        let texts = vec![
            ("a".to_string(), "one two".to_string()),
            ("b".to_string(), "one two".to_string()),
            ("elsewhere".to_string(), "…".to_string()),
        ];
        let (a, report) = Articles::from_texts(texts, &records);
        assert_eq!(
            report,
            LoadReport {
                matched: 1,
                missing: 1,
                inconsistent: vec!["b".into()],
            }
        );
        assert!(a.window("a", 4, 7, 0).is_some());
        assert!(a.window("b", 0, 3, 0).is_none());
    }

    #[test]
    fn windows_grow_by_paragraphs_and_stop_at_the_edges() {
        let t = "Zoë one.\n\nTwo “quoted” here.\n\nThree.\nFour.";
        let a = article(t);
        let q = t.find("quoted").unwrap();
        let start = t[..q].chars().count();
        let (s, w) = a.window("d", start, start + 6, 0).unwrap();
        assert_eq!(w, "Two “quoted” here.");
        assert_eq!(s, t[..t.find("Two").unwrap()].chars().count());
        let (s, w) = a.window("d", start, start + 6, 1).unwrap();
        assert_eq!(
            (s, w.as_str()),
            (0, "Zoë one.\n\nTwo “quoted” here.\n\nThree.")
        );
        let (_, w) = a.window("d", start, start + 6, 9).unwrap();
        assert_eq!(w, t);
        assert!(a.window("other", 0, 1, 1).is_none());
    }

    #[test]
    fn a_quote_over_two_paragraphs_shows_both() {
        let t = "A.\n\n“One\n\n“Two.”\n\nB.";
        let a = article(t);
        let s = t[..t.find("One").unwrap()].chars().count();
        let e = t[..t.find("Two").unwrap()].chars().count() + 3;
        let (_, w) = a.window("d", s, e, 0).unwrap();
        assert_eq!(w, "“One\n\n“Two.”");
    }
}
