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

use crate::schema::{Kind, QuoteRecord};

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
        let want = |k: Kind| self.opts.kinds.contains(&k);
        let spans = self.scanner.scan(text);
        if spans.is_empty() && !want(Kind::Indirect) {
            return Vec::new();
        }
        let doc = Doc::new(text, &self.lex, Segments::new(text, &self.lex), spans);
        let pos = CharPos::new(text);
        let ch = |b: usize| pos.of(b);
        let mut out = Vec::new();
        // (with `indirect` alone too: a reported clause holding a short quoted fragment is an
        // indirect row found from its quotation)
        if !doc.spans.is_empty() {
            for a in doc.attribute() {
                if !want(a.kind) {
                    continue;
                }
                let (start, end) = (ch(a.span.start), ch(a.span.end));
                let (speaker, speaker_mention, ss, se) = match (&a.speaker, a.mention) {
                    (Some(s), Some((m0, m1))) => (
                        s.name.clone(),
                        text[m0..m1].to_string(),
                        Some(ch(m0)),
                        Some(ch(m1)),
                    ),
                    _ => (String::new(), String::new(), None, None),
                };
                out.push(QuoteRecord {
                    quote_id: quote_id(doc_id, start, end),
                    doc_id: doc_id.to_string(),
                    kind: a.kind,
                    quote: text[a.span.start..a.span.end].to_string(),
                    start,
                    end,
                    speaker,
                    speaker_mention,
                    speaker_start: ss,
                    speaker_end: se,
                    cue: a.cue,
                    confidence: a.confidence.clamp(0.0, 1.0),
                    rule: a.rule.to_string(),
                    candidates: a.candidates,
                    context: text[a.context.0..a.context.1].to_string(),
                    context_start: Some(ch(a.context.0)),
                    ..Default::default()
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
                out.push(QuoteRecord {
                    quote_id: quote_id(doc_id, start, end),
                    doc_id: doc_id.to_string(),
                    kind: Kind::Indirect,
                    quote: text[ind.start..ind.end].to_string(),
                    start,
                    end,
                    speaker: spk.name,
                    speaker_mention: text[m0..m1].to_string(),
                    speaker_start: Some(ch(m0)),
                    speaker_end: Some(ch(m1)),
                    cue: ind.cue,
                    confidence: conf,
                    rule: "indirect".into(),
                    candidates,
                    context: text[ind.context.0..ind.context.1].to_string(),
                    context_start: Some(ch(ind.context.0)),
                    ..Default::default()
                });
            }
        }
        out.sort_by_key(|a| (a.start, a.end));
        out.dedup_by(|a, b| a.quote_id == b.quote_id);
        out
    }
}

/// [`QuoteRecord::make_id`], written into a buffer made its final size at once (`format!`
/// grows its buffer piece by piece, and every row has an id).
fn quote_id(doc_id: &str, start: usize, end: usize) -> String {
    use std::fmt::Write;
    // (two offsets of up to 20 digits, `:` and `-`)
    let mut id = String::with_capacity(doc_id.len() + 42);
    id.push_str(doc_id);
    let _ = write!(id, ":{start}-{end}");
    id
}

/// Code-point offsets of byte offsets. The offsets asked for in one document lie close to each
/// other and come nearly in order, so counting from the previous answer walks the text about
/// once, where a full index would touch (and store) every character of every document.
struct CharPos<'a> {
    text: &'a str,
    /// The last (byte, code point) pair answered.
    last: Cell<(usize, usize)>,
}

impl<'a> CharPos<'a> {
    fn new(text: &'a str) -> Self {
        CharPos {
            text,
            last: Cell::new((0, 0)),
        }
    }

    /// Code points that start before byte `b` (for `b` inside a character: rounded up, as
    /// [`crate::text::CharIndex::char_of_byte`] does).
    fn of(&self, b: usize) -> usize {
        let b = b.min(self.text.len());
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
    use super::{CharPos, quote_id};
    use crate::schema::QuoteRecord;
    use crate::text::CharIndex;

    #[test]
    fn quote_ids_are_those_of_the_schema() {
        for (doc, s, e) in [
            ("a", 0, 0),
            ("doc#12", 7, 1234),
            ("東京", usize::MAX - 1, usize::MAX),
        ] {
            assert_eq!(quote_id(doc, s, e), QuoteRecord::make_id(doc, s, e));
        }
    }

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
    }
}
