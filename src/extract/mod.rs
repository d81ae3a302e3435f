//! The extractor: finds quotations in a document and attributes each to its speaker.
//!
//! Entry point: [`Extractor::extract`]. It is `Sync`, built once and shared by all threads.

use crate::schema::{Kind, QuoteRecord};
use crate::text::CharIndex;

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
}

impl Extractor {
    pub fn new(opts: ExtractOptions) -> Self {
        Extractor { opts }
    }

    /// All quotations of one document, ordered by start offset, with stable ids.
    pub fn extract(&self, doc_id: &str, text: &str) -> Vec<QuoteRecord> {
        let idx = CharIndex::new(text);
        let mut out = Vec::new();
        let mut open: Option<usize> = None;
        for (b, c) in text.char_indices() {
            match (c, open) {
                ('\u{201c}', _) => open = Some(b + c.len_utf8()),
                ('\u{201d}', Some(s)) => {
                    let (start, end) = (idx.char_of_byte(s), idx.char_of_byte(b));
                    if end > start {
                        out.push(QuoteRecord {
                            quote_id: QuoteRecord::make_id(doc_id, start, end),
                            doc_id: doc_id.to_string(),
                            kind: Kind::Direct,
                            quote: text[s..b].to_string(),
                            start,
                            end,
                            ..Default::default()
                        });
                    }
                    open = None;
                }
                ('\n', _) => open = None,
                _ => {}
            }
        }
        out.retain(|r| self.opts.kinds.contains(&r.kind));
        out
    }
}
