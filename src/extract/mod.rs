//! The extractor: finds quotations in a document and attributes each to its speaker.
//!
//! Entry point: [`Extractor::extract`]. The extractor is `Sync`: built once (word lists and
//! automata are compiled in [`Extractor::new`]) and shared by all threads.
//!
//! Pipeline per document: [`scanner`] pairs quotation marks paragraph by paragraph;
//! [`sentences`] splits paragraphs into sentences; [`attribution`] runs the sieves around each
//! quotation (only the sentences near a quotation are tokenized); [`names`] turns the speaker
//! phrase into a name; [`indirect`] finds reported speech without quotation marks. The design
//! and measured figures are in `docs/extraction.md`.

pub mod attribution;
pub mod indirect;
pub mod lexicon;
pub mod names;
pub mod scanner;
pub mod sentences;
pub mod tokens;

use std::cell::Cell;

use crate::schema::{Kind, NewRow, QuoteRecord};

use attribution::Doc;
use indirect::IndirectCues;
use lexicon::Lexicon;
use scanner::Scanner;
use sentences::Segments;

/// Options of the extractor.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Which kinds of quotation to emit.
    pub kinds: Vec<Kind>,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            kinds: Kind::ALL.to_vec(),
        }
    }
}

/// A configured extractor.
#[derive(Debug, Clone)]
pub struct Extractor {
    opts: ExtractOptions,
    lex: Lexicon,
    scanner: Scanner,
    indirect: IndirectCues,
}

impl Extractor {
    pub fn new(opts: ExtractOptions) -> Self {
        let lex = Lexicon::new();
        let indirect = IndirectCues::new();
        Extractor {
            opts,
            lex,
            scanner: Scanner::new(),
            indirect,
        }
    }

    /// All quotations of one document, ordered by start offset, with stable ids.
    pub fn extract(&self, doc_id: &str, text: &str) -> Vec<QuoteRecord> {
        self.rows(doc_id, text)
            .iter()
            .map(|r| r.to_record())
            .collect()
    }

    /// [`Extractor::extract`] as rows that borrow the document's text: for writers that
    /// serialise the rows at once (a record would copy the quote, the context and the mention
    /// out of the text first, only to be written and dropped).
    pub fn rows<'a>(&self, doc_id: &'a str, text: &'a str) -> Rows<'a> {
        let mut rows = Rows {
            doc_id,
            text,
            found: Vec::new(),
        };
        let want = |k: Kind| self.opts.kinds.contains(&k);
        let spans = self.scanner.scan(text);
        if spans.is_empty() && !want(Kind::Indirect) {
            return rows;
        }
        let doc = Doc::new(text, &self.lex, Segments::new(text, &self.lex), spans);
        let pos = CharPos::new(text);
        let ch = |b: usize| pos.of(b);
        let out = &mut rows.found;
        // (with `indirect` alone too: a reported clause holding a short quoted fragment is an
        // indirect row found from its quotation)
        if !doc.spans.is_empty() {
            for a in doc.attribute() {
                if !want(a.kind) {
                    continue;
                }
                let (start, end) = (ch(a.span.start), ch(a.span.end));
                let (speaker, mention) = match (a.speaker, a.mention) {
                    (Some(s), Some((m0, m1))) => (s.name, Some((m0, m1, ch(m0), ch(m1)))),
                    _ => (String::new(), None),
                };
                out.push(Found {
                    kind: a.kind,
                    quote: (a.span.start, a.span.end),
                    start,
                    end,
                    speaker,
                    mention,
                    cue: a.cue,
                    confidence: a.confidence.clamp(0.0, 1.0),
                    rule: a.rule,
                    candidates: a.candidates,
                    context: a.context,
                    context_start: ch(a.context.0),
                });
            }
        }
        if want(Kind::Indirect) {
            for ind in self.indirect.find(&doc) {
                let (spk, alts) = doc.resolve(ind.speaker.clone(), &[]);
                let candidates = doc.nearby_candidates(
                    ind.start,
                    Some(&spk.name),
                    alts,
                    attribution::MAX_CANDIDATES,
                );
                let (start, end) = (ch(ind.start), ch(ind.end));
                let (m0, m1) = ind.speaker.mention;
                let conf = if spk.resolved_pronoun { 0.6 } else { 0.7 };
                out.push(Found {
                    kind: Kind::Indirect,
                    quote: (ind.start, ind.end),
                    start,
                    end,
                    speaker: spk.name,
                    mention: Some((m0, m1, ch(m0), ch(m1))),
                    cue: ind.cue,
                    confidence: conf,
                    rule: "indirect",
                    candidates,
                    context: ind.context,
                    context_start: ch(ind.context.0),
                });
            }
        }
        out.sort_by_key(|a| (a.start, a.end));
        // (one document: the same offsets are the same quote id)
        out.dedup_by_key(|a| (a.start, a.end));
        rows
    }
}

/// The rows of one document: what the sieves found, with the document they point into.
pub struct Rows<'a> {
    doc_id: &'a str,
    text: &'a str,
    found: Vec<Found>,
}

/// One row in byte offsets of the text, with the code-point offsets it is written with.
struct Found {
    kind: Kind,
    /// The quotation's bytes.
    quote: (usize, usize),
    start: usize,
    end: usize,
    speaker: String,
    /// The mention's bytes and code points.
    mention: Option<(usize, usize, usize, usize)>,
    cue: String,
    confidence: f64,
    rule: &'static str,
    candidates: Vec<String>,
    /// The context's bytes.
    context: (usize, usize),
    context_start: usize,
}

impl<'a> Rows<'a> {
    pub fn len(&self) -> usize {
        self.found.len()
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The rows, in order.
    pub fn iter(&self) -> impl Iterator<Item = NewRow<'_>> {
        self.found.iter().map(|f| {
            let (speaker_mention, speaker_start, speaker_end) = match f.mention {
                Some((m0, m1, c0, c1)) => (&self.text[m0..m1], Some(c0), Some(c1)),
                None => ("", None, None),
            };
            NewRow {
                doc_id: self.doc_id,
                kind: f.kind,
                quote: &self.text[f.quote.0..f.quote.1],
                start: f.start,
                end: f.end,
                speaker: &f.speaker,
                speaker_mention,
                speaker_start,
                speaker_end,
                cue: &f.cue,
                confidence: f.confidence,
                rule: f.rule,
                candidates: &f.candidates,
                context: &self.text[f.context.0..f.context.1],
                context_start: Some(f.context_start),
            }
        })
    }
}

/// Code-point offsets of byte offsets. The offsets asked for in one document lie close to each
/// other and come nearly in order, so counting from the previous answer walks the text about
/// once, where a full index would touch (and store) every character of every document.
struct CharPos<'a> {
    text: &'a str,
    /// The last (byte, code point) pair answered.
    last: Cell<(usize, usize)>,
    /// All ASCII (two documents in five): every byte offset is its code-point offset.
    ascii: bool,
}

impl<'a> CharPos<'a> {
    fn new(text: &'a str) -> Self {
        CharPos {
            text,
            last: Cell::new((0, 0)),
            // (stops at the first non-ASCII byte: early in most other documents)
            ascii: text.is_ascii(),
        }
    }

    /// Code points that start before byte `b` (for `b` inside a character: rounded up, as
    /// [`crate::text::CharIndex::char_of_byte`] does).
    fn of(&self, b: usize) -> usize {
        let b = b.min(self.text.len());
        if self.ascii {
            return b;
        }
        // `chars().count()` counts a word at a time; off a character boundary, count the bytes
        // that start a character
        let starts = |x: usize, y: usize| match self.text.get(x..y) {
            Some(s) => s.chars().count(),
            None => self.text.as_bytes()[x..y]
                .iter()
                .filter(|&&c| (c as i8) >= -0x40)
                .count(),
        };
        let (lb, lc) = self.last.get();
        let c = if b >= lb {
            lc + starts(lb, b)
        } else {
            lc - starts(b, lb)
        };
        self.last.set((b, c));
        c
    }
}

#[cfg(test)]
mod tests {
    use super::CharPos;
    use crate::text::CharIndex;

    #[test]
    fn char_positions_match_the_full_index_in_any_order() {
        let text = "“Ça va,” said Zoë — 東京 and \u{1F600} twice. Plain ASCII tail.";
        let idx = CharIndex::new(text);
        let pos = CharPos::new(text);
        let mut bytes: Vec<usize> = (0..=text.len()).collect();
        // forwards, backwards, then jumping about (also inside multi-byte characters)
        let jumps: Vec<usize> = (0..=text.len())
            .map(|i| (i * 37) % (text.len() + 1))
            .collect();
        bytes.extend((0..=text.len()).rev());
        bytes.extend(jumps);
        for b in bytes {
            assert_eq!(pos.of(b), idx.char_of_byte(b), "byte {b}");
        }
        // an ASCII text, and offsets past its end
        let text = "\"Fine,\" said Zoe.";
        let (idx, pos) = (CharIndex::new(text), CharPos::new(text));
        for b in (0..=text.len()).rev().chain([text.len() + 3]) {
            assert_eq!(pos.of(b), idx.char_of_byte(b.min(text.len())), "byte {b}");
        }
    }
}
