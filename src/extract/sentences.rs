//! Paragraphs and sentences, tuned for news text.
//!
//! Paragraphs end at every line end (LF, CRLF or a lone CR) that does not only wrap a line.
//! Inside one, a sentence ends after `.`, `!` or `?` (plus closing quotation marks and brackets)
//! followed by space and an uppercase letter, a digit or an opening mark — except after an initial, a title, an acronym before a word that does not
//! usually start a sentence, a month abbreviation or `No.` before a number, `vs.`, and the like.
//! `?" he asked` does not end the sentence because a lowercase word follows.

use memchr::{memchr2_iter, memchr3_iter};

use compact_str::CompactString;

use super::lexicon::{self, Lexicon};
use super::tokens::lowercase;

/// A byte range of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: usize,
    pub end: usize,
}

/// The paragraphs and sentences of one document, in byte offsets.
#[derive(Debug, Clone, Default)]
pub struct Segments {
    pub paragraphs: Vec<Range>,
    pub sentences: Vec<Range>,
    /// Index of the first sentence of each paragraph.
    pub para_first_sentence: Vec<usize>,
}

/// Whether the byte at `i` ends a line: a LF, or a CR not followed by a LF (old Mac text; the
/// CR of a CRLF is part of the line end its LF makes).
pub(crate) fn is_line_end(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\n' => true,
        b'\r' => bytes.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// The first line end at or after `from` (see [`is_line_end`]).
pub(crate) fn next_line_end(bytes: &[u8], from: usize) -> Option<usize> {
    memchr2_iter(b'\n', b'\r', &bytes[from..])
        .map(|i| from + i)
        .find(|&i| is_line_end(bytes, i))
}

/// Whether the line end at `nl` only wraps a line inside a paragraph: a single line end (no
/// blank line after it) between a word or a comma and a lowercase word (`Nobody saw it\ncoming`),
/// as hard-wrapped text has. Every other line end ends a paragraph. LF, CRLF and a lone CR are
/// all one line end; spaces and tabs around it do not count.
pub(crate) fn soft_break(bytes: &[u8], nl: usize) -> bool {
    // the CR of this line's CRLF
    let line_start = if nl > 0 && bytes[nl] == b'\n' && bytes[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    let before = bytes[..line_start]
        .iter()
        .rev()
        .find(|&&b| !matches!(b, b' ' | b'\t'));
    let after = bytes[nl + 1..]
        .iter()
        .find(|&&b| !matches!(b, b' ' | b'\t'));
    before.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b',')
        && after.is_some_and(u8::is_ascii_lowercase)
}

impl Segments {
    pub fn new(text: &str, lex: &Lexicon) -> Self {
        let mut seg = Segments::default();
        let bytes = text.as_bytes();
        let mut p = 0;
        loop {
            let mut e = next_line_end(bytes, p).unwrap_or(text.len());
            while e < text.len() && soft_break(bytes, e) {
                e = next_line_end(bytes, e + 1).unwrap_or(text.len());
            }
            let r = trim(text, p, e);
            if r.start < r.end {
                seg.para_first_sentence.push(seg.sentences.len());
                seg.paragraphs.push(r);
                split_sentences(text, r, lex, &mut seg.sentences);
            }
            if e >= text.len() {
                break;
            }
            p = e + 1;
        }
        seg
    }

    /// Index of the paragraph holding byte `pos` (or the last one before it).
    pub fn paragraph_of(&self, pos: usize) -> Option<usize> {
        match self.paragraphs.partition_point(|r| r.start <= pos) {
            0 => None,
            i => Some(i - 1),
        }
    }

    /// Index of the sentence holding byte `pos` (or the last one before it).
    pub fn sentence_of(&self, pos: usize) -> Option<usize> {
        match self.sentences.partition_point(|r| r.start <= pos) {
            0 => None,
            i => Some(i - 1),
        }
    }
}

fn trim(text: &str, s: usize, e: usize) -> Range {
    let t = &text[s..e];
    let lead = t.len() - t.trim_start().len();
    let tt = t.trim();
    Range {
        start: s + lead,
        end: s + lead + tt.len(),
    }
}

/// What may follow a sentence's final `.!?` and still belong to the sentence: further
/// terminators, brackets and closing marks — of English (`”`, `’`), French (`»`, `›`) and
/// German text (`“` and `‘` after `„` and `‚`; `«` and `‹` after `»` and `›`).
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{201d}'
            | '\u{2019}'
            | '\u{201c}'
            | '\u{2018}'
            | ')'
            | ']'
            | '\u{bb}'
            | '\u{203a}'
            | '\u{ab}'
            | '\u{2039}'
            | '.'
            | '!'
            | '?'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{201c}'
            | '\u{2018}'
            | '('
            | '['
            | '\u{ab}'
            | '\u{2039}'
            | '\u{201e}'
            | '\u{201a}'
    )
}

/// Whether `s` opens with a quotation mark or bracket. `»` and `›` open (German `»…«`) only
/// glued to what they quote: spaced, they close a French quotation (`… fini. » Puis`).
fn opens(s: &str) -> bool {
    let mut it = s.chars();
    match it.next() {
        Some('\u{bb}' | '\u{203a}') => it.next().is_some_and(|c| !c.is_whitespace()),
        Some(c) => is_opener(c),
        None => false,
    }
}

/// The word just before byte `pos` (letters, digits and inner periods), lowercased, with its
/// trailing period.
fn word_before(text: &str, pos: usize) -> CompactString {
    let head = &text[..pos];
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let mut w = lowercase(&head[start..]);
    w.push('.');
    w
}

fn next_word(text: &str, pos: usize) -> CompactString {
    let rest = &text[pos..];
    let rest = rest.trim_start_matches(|c| is_opener(c) || matches!(c, '\u{bb}' | '\u{203a}'));
    let end = rest
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(rest.len(), |(i, _)| i);
    lowercase(&rest[..end])
}

fn split_sentences(text: &str, para: Range, lex: &Lexicon, out: &mut Vec<Range>) {
    let bytes = &text.as_bytes()[..para.end];
    let mut start = para.start;
    let mut skip_to = 0;
    for t in memchr3_iter(b'.', b'!', b'?', &bytes[para.start..]).map(|i| para.start + i) {
        if t < skip_to {
            continue;
        }
        // extend over further terminators and closing marks
        let mut j = t + 1;
        while let Some(c) = text[j..para.end].chars().next() {
            if is_closer(c) {
                j += c.len_utf8();
            } else {
                break;
            }
        }
        skip_to = j;
        let rest = &text[j..para.end];
        let after = rest.trim_start();
        if after.len() == rest.len() || after.is_empty() {
            continue; // no space after, or paragraph end (handled below)
        }
        let k = para.end - after.len();
        let Some(nc) = after.chars().next() else {
            continue;
        };
        if !(nc.is_uppercase() || nc.is_ascii_digit() || opens(after)) {
            continue;
        }
        if bytes[t] == b'.' && j == t + 1 && !ends_sentence_after_period(text, t, k, lex) {
            continue;
        }
        out.push(trim(text, start, j));
        start = k;
    }
    if start < para.end {
        out.push(trim(text, start, para.end));
    }
}

/// Whether a period at `t` (followed by space and a capital, digit or mark at `k`) ends the
/// sentence.
fn ends_sentence_after_period(text: &str, t: usize, k: usize, lex: &Lexicon) -> bool {
    let w = word_before(text, t);
    let core = w.trim_end_matches('.');
    if core.is_empty() {
        return true;
    }
    let next = next_word(text, k);
    let next_is_number = next.chars().next().is_some_and(|c| c.is_ascii_digit());
    // a single letter: an initial (`John F. Kennedy`)
    if core.chars().count() == 1 && core.chars().all(char::is_alphabetic) {
        return false;
    }
    let f = lex.get(&w);
    if f & lexicon::ABBREV != 0 {
        if f & lexicon::TITLE != 0 || matches!(core, "vs" | "v" | "st" | "mt" | "ft") {
            return false;
        }
        if f & lexicon::MONTH != 0 || core == "no" || core == "nos" {
            return !next_is_number;
        }
        // acronyms and the like end a sentence only before a typical sentence opener
        return lex.get(&next) & lexicon::STARTER != 0;
    }
    // an acronym not in the list (`F.B.I.`)
    if core.contains('.') && core.len() <= 8 {
        return lex.get(&next) & lexicon::STARTER != 0;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(t: &str) -> Vec<&str> {
        let lex = Lexicon::new();
        Segments::new(t, &lex)
            .sentences
            .iter()
            .map(|r| &t[r.start..r.end])
            .collect()
    }

    #[test]
    fn news_pitfalls() {
        assert_eq!(
            sents("Gov. Nia Brooks was blunt. “There is no money left.”"),
            ["Gov. Nia Brooks was blunt.", "“There is no money left.”"]
        );
        assert_eq!(
            sents("“Why?” he asked. Then he left."),
            ["“Why?” he asked.", "Then he left."]
        );
        assert_eq!(
            sents("John F. Kennedy spoke on Sept. 18 in the U.S. Capitol."),
            ["John F. Kennedy spoke on Sept. 18 in the U.S. Capitol."]
        );
        assert_eq!(
            sents("He lives in the U.S. The rest is history."),
            ["He lives in the U.S.", "The rest is history."]
        );
        assert_eq!(
            sents("No. 5 won. It was at 5 p.m. on Friday."),
            ["No. 5 won.", "It was at 5 p.m. on Friday."]
        );
        assert_eq!(sents("One.\n\nTwo. Three"), ["One.", "Two.", "Three"]);
    }

    #[test]
    fn german_and_french_marks() {
        for (o, c) in [
            ("\u{201e}", "\u{201c}"),
            ("\u{bb}", "\u{ab}"),
            ("\u{201a}", "\u{2018}"),
        ] {
            let t = format!("Sie war ruhig. {o}Wir schaffen das.{c} Dann ging sie.");
            assert_eq!(
                sents(&t),
                [
                    "Sie war ruhig.".to_string(),
                    format!("{o}Wir schaffen das.{c}"),
                    "Dann ging sie.".to_string()
                ]
            );
        }
        // a spaced `»` closes a French quotation: no sentence starts with it
        assert_eq!(
            sents("\u{ab} C'est fini. \u{bb} Puis il part."),
            ["\u{ab} C'est fini. \u{bb} Puis il part."]
        );
        assert_eq!(
            sents("\u{ab}C'est fini.\u{bb} Puis il part."),
            ["\u{ab}C'est fini.\u{bb}", "Puis il part."]
        );
    }

    fn paras(t: &str) -> Vec<&str> {
        let lex = Lexicon::new();
        Segments::new(t, &lex)
            .paragraphs
            .iter()
            .map(|r| &t[r.start..r.end])
            .collect()
    }

    #[test]
    fn every_line_end_ends_a_paragraph_unless_it_wraps_a_line() {
        for nl in ["\n", "\r\n", "\r"] {
            let t = format!("One.{nl}Two and{nl}three. {nl}{nl}Four{nl}{nl}five");
            assert_eq!(
                paras(&t),
                ["One.", &format!("Two and{nl}three."), "Four", "five"],
                "{nl:?}"
            );
        }
        // a CR that a LF follows is part of one line end; one that none follows is a line end
        assert_eq!(paras("a\r\n\rb"), ["a", "b"]);
        assert_eq!(paras("It\r \ncame"), ["It", "came"]);
        assert_eq!(paras("It \r\ncame"), ["It \r\ncame"]);
    }
}
