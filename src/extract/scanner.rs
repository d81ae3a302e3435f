//! Finding quotation spans: pairs of quotation marks, paragraph by paragraph.
//!
//! Candidate marks are found with SIMD byte searches (memchr) and classified with one anchored
//! Aho-Corasick automaton (built once per extractor). Each paragraph is
//! paired on its own; an unclosed quotation continues into the next paragraph only when that
//! paragraph opens with a quotation mark (the news convention for multi-paragraph quotes), so an
//! unbalanced mark never swallows the rest of the article.
//!
//! Which marks are outer marks is decided per document: double quotes (straight, curly, and the
//! `''` pair some wire texts use) unless the text uses single quotes as its outer marks
//! (British style); guillemets always, `«…»` or, when the text turns them round (German),
//! `»…«`. Marks of the other kind inside a quotation are nested quotes and belong to it;
//! outside, single marks are apostrophes, inch marks, possessives or headline quotes and are
//! ignored.

use super::sentences::{is_line_end, soft_break};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// `"`, or `''` standing in for it.
    Straight2,
    /// `“` or `„`.
    Open2,
    /// `”`.
    Close2,
    /// `'`.
    Straight1,
    /// `‘` or `‚`.
    Open1,
    /// `’`.
    Close1,
    /// `«` (a closer in a text that uses `»…«`: see [`guillemets_reversed`]).
    OpenG,
    /// `»`.
    CloseG,
    /// `‹`, the single guillemet (turned round with the double ones).
    OpenG1,
    /// `›`.
    CloseG1,
    /// A line end: LF, or a CR that no LF follows (the CR of a CRLF is not a hit).
    Newline,
}

/// The patterns, in the order of [`Mark`] they map to. `''` comes before `'` so that leftmost-first
/// matching takes the pair.
const PATTERNS: &[(&str, Mark)] = &[
    ("\"", Mark::Straight2),
    ("''", Mark::Straight2),
    ("\u{201c}", Mark::Open2),
    ("\u{201e}", Mark::Open2),
    ("\u{201d}", Mark::Close2),
    ("'", Mark::Straight1),
    ("\u{2018}", Mark::Open1),
    ("\u{201a}", Mark::Open1),
    ("\u{2019}", Mark::Close1),
    ("\u{ab}", Mark::OpenG),
    ("\u{2039}", Mark::OpenG1),
    ("\u{bb}", Mark::CloseG),
    ("\u{203a}", Mark::CloseG1),
    ("\n", Mark::Newline),
];

/// Which family of marks a quotation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Double,
    Single,
    Guillemet,
    /// `‹ ›`: nested in `« »` (or `› ‹` in `» «`), a quotation of its own elsewhere.
    SingleGuillemet,
}

/// One quotation span, in byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Offset of the opening mark.
    pub open: usize,
    /// Start of the quoted text (after the mark and any space).
    pub start: usize,
    /// End of the quoted text (before the closing mark and any space).
    pub end: usize,
    /// Offset just past the closing mark; the paragraph end when unclosed.
    pub close: usize,
    /// Whether a closing mark was found (in this paragraph).
    pub closed: bool,
    /// The quotation goes on in the next paragraph.
    pub continues: bool,
    /// The quotation began in an earlier paragraph.
    pub continued: bool,
    pub style: Style,
}

/// The quotation-mark scanner: one automaton, shared.
#[derive(Debug, Clone)]
pub struct Scanner {
    /// Per first byte, the patterns that start with it, in list order: the mark at a candidate
    /// is the first of them that the text goes on with (leftmost-first, as an anchored
    /// Aho-Corasick search would find it, without one).
    by_first: Vec<Vec<(&'static [u8], Mark)>>,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    pos: usize,
    len: usize,
    mark: Mark,
}

fn char_before(text: &str, pos: usize) -> Option<char> {
    text[..pos].chars().next_back()
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text[pos..].chars().next()
}

/// Whether a mark at `pos..pos+len` can open: something to quote follows, and it is not glued to
/// a preceding word.
fn can_open(text: &str, pos: usize, len: usize) -> bool {
    let next = char_at(text, pos + len);
    let prev = char_before(text, pos);
    let next_ok = next.is_some_and(|c| !c.is_whitespace());
    let prev_ok = prev.is_none_or(|c| {
        c.is_whitespace() || "([{\u{2014}\u{2013}-/:;,.?!\u{2026}>".contains(c) || is_any_mark(c)
    });
    next_ok && prev_ok
}

/// Whether a mark can close: glued to the preceding text.
fn can_close(text: &str, pos: usize) -> bool {
    char_before(text, pos).is_some_and(|c| !c.is_whitespace())
}

fn is_any_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{201c}'
            | '\u{201d}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{ab}'
            | '\u{bb}'
            | '\u{2039}'
            | '\u{203a}'
            | '\u{201e}'
            | '\u{201a}'
    )
}

/// A single mark between two letters is an apostrophe (`It’s`, `O'Brien`).
fn is_apostrophe(text: &str, pos: usize, len: usize) -> bool {
    let prev = char_before(text, pos);
    let next = char_at(text, pos + len);
    prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric)
}

/// `'90s`, `’16`: an elided century, not an opening quote.
fn is_elision(text: &str, pos: usize, len: usize) -> bool {
    let rest = &text[pos + len..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits == 2
        && rest[digits..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() || c == 's')
}

/// A closing single mark after a plural `s` and before a lowercase word is probably a possessive
/// (`the players’ decision`): a weak closer, used only when no better one follows.
fn is_weak_single_close(text: &str, pos: usize, len: usize) -> bool {
    let prev = char_before(text, pos);
    if prev != Some('s') {
        return false;
    }
    let rest = &text[pos + len..];
    let mut it = rest.chars();
    matches!(it.next(), Some(' ')) && it.next().is_some_and(|c| c.is_lowercase())
}

impl Scanner {
    pub fn new() -> Self {
        let mut by_first = vec![Vec::new(); 256];
        for (p, m) in PATTERNS {
            let b = p.as_bytes();
            by_first[usize::from(b[0])].push((b, *m));
        }
        Scanner { by_first }
    }

    fn hits(&self, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        // Marks start with `"`, `'`, a line end, or the lead byte of a two- or three-byte
        // character (`«`/`»` after 0xC2; the curly quotes and `‹›` after 0xE2). Two SIMD
        // passes find the candidates; the automaton only classifies the few multi-byte ones.
        let mut cands: Vec<usize> = memchr::memchr3_iter(b'"', b'\'', b'\n', bytes).collect();
        let wide_start = cands.len();
        // (a CR ends a line when no LF follows it: old Mac text)
        cands.extend(memchr::memchr3_iter(0xC2, 0xE2, b'\r', bytes));
        if wide_start > 0 && wide_start < cands.len() {
            cands.sort_unstable();
        }
        let mut out = Vec::with_capacity(cands.len() / 2);
        let mut skip_to = 0;
        for p in cands {
            if p < skip_to {
                continue;
            }
            // `'old-school,'''`: a nested single quote closing right before the `''` that
            // closes the outer quotation; read the first `'` on its own
            if bytes[p] == b'\''
                && bytes.get(p + 1) == Some(&b'\'')
                && bytes.get(p + 2) == Some(&b'\'')
                && p > 0
                && !bytes[p - 1].is_ascii_whitespace()
            {
                out.push(Hit {
                    pos: p,
                    len: 1,
                    mark: Mark::Straight1,
                });
                skip_to = p + 1;
                continue;
            }
            if bytes[p] == b'\r' {
                if is_line_end(bytes, p) {
                    out.push(Hit {
                        pos: p,
                        len: 1,
                        mark: Mark::Newline,
                    });
                }
                continue;
            }
            let rest = &bytes[p..];
            if let Some(&(pat, mark)) = self.by_first[usize::from(bytes[p])]
                .iter()
                .find(|(pat, _)| rest.starts_with(pat))
            {
                out.push(Hit {
                    pos: p,
                    len: pat.len(),
                    mark,
                });
                skip_to = p + pat.len();
            }
        }
        out
    }

    /// All quotation spans of a document, in order.
    pub fn scan(&self, text: &str) -> Vec<Span> {
        let mut hits = self.hits(text);
        if guillemets_reversed(text, &hits) {
            for h in &mut hits {
                h.mark = match h.mark {
                    Mark::OpenG => Mark::CloseG,
                    Mark::CloseG => Mark::OpenG,
                    Mark::OpenG1 => Mark::CloseG1,
                    Mark::CloseG1 => Mark::OpenG1,
                    m => m,
                };
            }
        }
        let doubles = self.pair(text, &hits, false);
        // British style: more single-quoted passages outside double quotes than double ones
        if uses_single_outer(text, &hits, &doubles) {
            self.pair(text, &hits, true)
        } else if single_opens_paragraph(text, &hits, &doubles) {
            with_paragraph_singles(text, doubles, self.pair(text, &hits, true))
        } else {
            doubles
        }
    }

    fn pair(&self, text: &str, hits: &[Hit], single_outer: bool) -> Vec<Span> {
        let mut out = Vec::new();
        // paragraph by paragraph
        let mut i = 0;
        let mut para_start = 0;
        let mut carry: Option<Style> = None;
        while para_start <= text.len() {
            let mut j = i;
            // (a line break that only wraps a line goes on with the paragraph)
            while j < hits.len()
                && (hits[j].mark != Mark::Newline || soft_break(text.as_bytes(), hits[j].pos))
            {
                j += 1;
            }
            // (the CR of a CRLF belongs to the line end: an unclosed quotation stops before
            // it, as before a LF)
            let para_end = match hits.get(j) {
                Some(h) if h.pos > para_start && text.as_bytes()[h.pos - 1] == b'\r' => h.pos - 1,
                Some(h) => h.pos,
                None => text.len(),
            };
            let next_para_opens = next_paragraph_opening(text, hits, j);
            let blank = text[para_start..para_end].trim().is_empty();
            if !blank {
                carry = pair_paragraph(
                    text,
                    &hits[i..j],
                    para_start,
                    para_end,
                    single_outer,
                    carry,
                    next_para_opens,
                    &mut out,
                );
            }
            if j >= hits.len() {
                break;
            }
            para_start = hits[j].pos + 1;
            i = j + 1;
        }
        out
    }
}

/// Whether the document quotes `»like this«` (German and other central European usage) rather
/// than `«like this»` (French, Swiss): the majority of the guillemets that stand where a
/// quotation opens — after the start of a line, a space or opening punctuation, and right before
/// a word. A French `« `, spaced from its word, and the closing `» ` of a French quotation say
/// nothing either way; without any guillemet that says something the text is read the French way.
fn guillemets_reversed(text: &str, hits: &[Hit]) -> bool {
    let mut balance = 0i32;
    for h in hits {
        if !matches!(
            h.mark,
            Mark::OpenG | Mark::CloseG | Mark::OpenG1 | Mark::CloseG1
        ) {
            continue;
        }
        let glued_to_word = char_at(text, h.pos + h.len)
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '[' | '(' | '\u{2026}'));
        if glued_to_word && can_open(text, h.pos, h.len) {
            balance += if matches!(h.mark, Mark::CloseG | Mark::CloseG1) {
                1
            } else {
                -1
            };
        }
    }
    balance > 0
}

/// The style of the first mark of the next non-empty paragraph, if it can open a quotation.
fn next_paragraph_opening(text: &str, hits: &[Hit], nl: usize) -> Option<(Style, Mark)> {
    let h = hits.get(nl)?;
    let rest = &text[h.pos..];
    let skip = rest.len() - rest.trim_start().len();
    let first = h.pos + skip;
    let mut k = nl;
    while k < hits.len() && hits[k].pos < first {
        k += 1;
    }
    let m = hits.get(k)?;
    if m.pos != first {
        return None;
    }
    let style = match m.mark {
        Mark::Straight2 | Mark::Open2 => Style::Double,
        Mark::Straight1 | Mark::Open1 => Style::Single,
        Mark::OpenG => Style::Guillemet,
        Mark::OpenG1 => Style::SingleGuillemet,
        _ => return None,
    };
    Some((style, m.mark))
}

/// British style: single marks open more quotations outside the double-quoted passages than
/// there are double-quoted passages (single marks inside them are nested quotes).
fn uses_single_outer(text: &str, hits: &[Hit], doubles: &[Span]) -> bool {
    let mut singles = 0usize;
    for h in hits {
        if matches!(h.mark, Mark::Open1 | Mark::Straight1)
            && can_open(text, h.pos, h.len)
            && !is_apostrophe(text, h.pos, h.len)
            && !is_elision(text, h.pos, h.len)
        {
            let i = doubles.partition_point(|d| d.open < h.pos);
            let inside = i > 0 && doubles[i - 1].close > h.pos;
            if !inside {
                singles += 1;
            }
        }
    }
    singles > 0 && singles > doubles.len()
}

/// A single opening mark at the start of a paragraph, outside double quotes: in a text that
/// otherwise uses double quotes, the one passage quoted in single marks.
fn single_opens_paragraph(text: &str, hits: &[Hit], doubles: &[Span]) -> bool {
    hits.iter().any(|h| {
        matches!(h.mark, Mark::Open1 | Mark::Straight1)
            && char_before(text, h.pos).is_none_or(|c| c == '\n' || c == '\r')
            && can_open(text, h.pos, h.len)
            && !is_elision(text, h.pos, h.len)
            && {
                let i = doubles.partition_point(|d| d.open < h.pos);
                !(i > 0 && doubles[i - 1].close > h.pos)
            }
    })
}

/// Adds to `doubles` the single-quoted passages that open a paragraph and close on sentence
/// punctuation (`‘It’s the players’ decision now,’ said …`) and overlap no double-quoted one.
fn with_paragraph_singles(text: &str, doubles: Vec<Span>, singles: Vec<Span>) -> Vec<Span> {
    let mut extra: Vec<Span> = singles
        .into_iter()
        .filter(|q| {
            q.closed
                && char_before(text, q.open).is_none_or(|c| c == '\n' || c == '\r')
                && text[q.start..q.end].ends_with([',', '.', '?', '!'])
                && !doubles.iter().any(|d| d.open < q.close && q.open < d.close)
        })
        .collect();
    if extra.is_empty() {
        return doubles;
    }
    extra.extend(doubles);
    extra.sort_by_key(|q| q.open);
    extra
}

fn style_of(m: Mark, single_outer: bool) -> Option<Style> {
    match m {
        Mark::Straight2 | Mark::Open2 | Mark::Close2 if !single_outer => Some(Style::Double),
        Mark::Straight1 | Mark::Open1 | Mark::Close1 if single_outer => Some(Style::Single),
        Mark::OpenG | Mark::CloseG => Some(Style::Guillemet),
        Mark::OpenG1 | Mark::CloseG1 => Some(Style::SingleGuillemet),
        _ => None,
    }
}

struct Open {
    pos: usize,
    len: usize,
    style: Style,
    continued: bool,
    /// Fallback closer for single quotes: (mark pos, mark len).
    weak: Option<(usize, usize)>,
}

/// Pairs the marks of one paragraph; returns the style of a quotation carried into the next.
#[allow(clippy::too_many_arguments)]
fn pair_paragraph(
    text: &str,
    hits: &[Hit],
    para_start: usize,
    para_end: usize,
    single_outer: bool,
    carry: Option<Style>,
    next_opens: Option<(Style, Mark)>,
    out: &mut Vec<Span>,
) -> Option<Style> {
    let mut open: Option<Open> = None;
    let mut first_mark = true;
    let para_first = {
        let p = &text[para_start..para_end];
        para_start + (p.len() - p.trim_start().len())
    };
    for h in hits {
        let Some(style) = style_of(h.mark, single_outer) else {
            continue;
        };
        // a carried quotation re-opens with the paragraph's first mark
        if first_mark && carry == Some(style) && h.pos == para_first {
            first_mark = false;
            open = Some(Open {
                pos: h.pos,
                len: h.len,
                style,
                continued: true,
                weak: None,
            });
            continue;
        }
        first_mark = false;
        if let Some(o) = &mut open {
            if o.style != style {
                continue; // nested marks of another family
            }
            let closes = match h.mark {
                // `he's like 6'2",”`: after a digit and before the real closer, an inch mark
                Mark::Close2 | Mark::Straight2 if inch_before_close(text, h.pos, h.len) => false,
                Mark::Close2 | Mark::CloseG | Mark::CloseG1 => true,
                // an opening curly mark used as a closer (`“It's unusual,“ said Noble`): it
                // follows a word or punctuation and is followed by a space or the end
                Mark::Open2 => can_close(text, h.pos) && !can_open(text, h.pos, h.len),
                Mark::OpenG | Mark::OpenG1 => false,
                Mark::Straight2 => true,
                // `‚Nein‘` (German low-high single quotes), or `‘` misused as a closer
                Mark::Open1 => {
                    !is_apostrophe(text, h.pos, h.len)
                        && can_close(text, h.pos)
                        && !can_open(text, h.pos, h.len)
                }
                Mark::Straight1 | Mark::Close1 => {
                    if is_apostrophe(text, h.pos, h.len) || !can_close(text, h.pos) {
                        // `'` before a word while open: an opener of a nested quote or noise
                        false
                    } else if is_weak_single_close(text, h.pos, h.len) {
                        if o.weak.is_none() {
                            o.weak = Some((h.pos, h.len));
                        }
                        continue;
                    } else {
                        true
                    }
                }
                Mark::Newline => false,
            };
            if closes {
                emit(text, o, h.pos, h.pos + h.len, true, false, out);
                open = None;
            } else if matches!(
                h.mark,
                Mark::Open2 | Mark::OpenG | Mark::OpenG1 | Mark::Open1
            ) || (h.mark == Mark::Straight1 && can_open(text, h.pos, h.len))
            {
                // a second opener before any closer: the first one never closes; restart here
                open = Some(Open {
                    pos: h.pos,
                    len: h.len,
                    style,
                    continued: false,
                    weak: None,
                });
            }
        } else {
            let opens = match h.mark {
                Mark::Open2 | Mark::OpenG | Mark::OpenG1 => true,
                Mark::Straight2 => {
                    // `6"` is an inch mark
                    let after_digit = char_before(text, h.pos).is_some_and(|c| c.is_ascii_digit());
                    !after_digit && can_open(text, h.pos, h.len)
                }
                // a closing curly mark used as an opener (some sites use one glyph for both)
                Mark::Close2 => can_open(text, h.pos, h.len) && !can_close(text, h.pos),
                Mark::Open1 | Mark::Straight1 | Mark::Close1 => {
                    can_open(text, h.pos, h.len)
                        && !is_apostrophe(text, h.pos, h.len)
                        && !is_elision(text, h.pos, h.len)
                        && (h.mark != Mark::Close1 || !can_close(text, h.pos))
                }
                Mark::CloseG | Mark::CloseG1 | Mark::Newline => false,
            };
            if opens {
                open = Some(Open {
                    pos: h.pos,
                    len: h.len,
                    style,
                    continued: false,
                    weak: None,
                });
            }
        }
    }
    let o = open?;
    if let Some((p, l)) = o.weak {
        emit(text, &o, p, p + l, true, false, out);
        return None;
    }
    let continues = next_opens.is_some_and(|(s, _)| s == o.style);
    emit(text, &o, para_end, para_end, false, continues, out);
    if continues { Some(o.style) } else { None }
}

/// A double mark after a digit that is followed, past at most one punctuation mark, by another
/// closing double mark: the first is an inch mark (`6'2",”`).
fn inch_before_close(text: &str, pos: usize, len: usize) -> bool {
    if !char_before(text, pos).is_some_and(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut rest = text[pos + len..].chars();
    let mut next = rest.next();
    if next.is_some_and(|c| matches!(c, ',' | '.' | '!' | '?' | ';')) {
        next = rest.next();
    }
    matches!(next, Some('\u{201d}' | '"'))
}

fn emit(
    text: &str,
    o: &Open,
    end: usize,
    close: usize,
    closed: bool,
    continues: bool,
    out: &mut Vec<Span>,
) {
    let start = o.pos + o.len;
    if end <= start {
        return;
    }
    let inner = &text[start..end];
    let lead = inner.len() - inner.trim_start().len();
    let trimmed = inner.trim();
    if !trimmed.chars().any(char::is_alphanumeric) {
        return;
    }
    let s = start + lead;
    out.push(Span {
        open: o.pos,
        start: s,
        end: s + trimmed.len(),
        close,
        closed,
        continues,
        continued: o.continued,
        style: o.style,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_what_an_anchored_leftmost_first_search_finds() {
        use aho_corasick::{AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .start_kind(StartKind::Anchored)
            .build(PATTERNS.iter().map(|(p, _)| *p))
            .unwrap_or_else(|e| panic!("{e}"));
        let scanner = Scanner::new();
        let mut text = String::new();
        for (a, _) in PATTERNS {
            for (b, _) in PATTERNS {
                text.push_str(a);
                text.push_str(b);
                text.push_str("x\u{2014}'");
            }
        }
        let bytes = text.as_bytes();
        for p in 0..bytes.len() {
            let end = (p + 3).min(bytes.len());
            let want = ac
                .find(Input::new(&bytes[p..end]).anchored(Anchored::Yes))
                .map(|m| (m.end() - m.start(), PATTERNS[m.pattern().as_usize()].1));
            let got = scanner.by_first[usize::from(bytes[p])]
                .iter()
                .find(|(pat, _)| bytes[p..].starts_with(pat))
                .map(|&(pat, mark)| (pat.len(), mark));
            assert_eq!(got, want, "at {p}");
        }
    }

    fn quotes(t: &str) -> Vec<&str> {
        Scanner::new()
            .scan(t)
            .into_iter()
            .map(|s| &t[s.start..s.end])
            .collect()
    }

    #[test]
    fn straight_and_curly() {
        assert_eq!(quotes(r#"He said "yes, now" and left."#), ["yes, now"]);
        assert_eq!(quotes("“A,” he said, “B.”"), ["A,", "B."]);
        assert_eq!(quotes("''It works,'' he said."), ["It works,"]);
        assert_eq!(
            quotes("''I would use the word 'old-school,''' said Gregory Slayton."),
            ["I would use the word 'old-school,'"]
        );
        assert_eq!(quotes("«Non» dit-il."), ["Non"]);
    }

    #[test]
    fn an_opening_curly_mark_used_as_a_closer() {
        assert_eq!(
            quotes("“It is unusual,“ said Larry Noble. “It is a hard thing.”"),
            ["It is unusual,", "It is a hard thing."]
        );
        // still a second opener when a word follows it
        assert_eq!(quotes("“Broken start “Real quote.”"), ["Real quote."]);
    }

    #[test]
    fn nested_single_quotes_stay_inside() {
        assert_eq!(
            quotes("“When they told me ‘the plant is closing,’ I cried,” said Jo."),
            ["When they told me ‘the plant is closing,’ I cried,"]
        );
    }

    #[test]
    fn single_outer_with_apostrophes_and_possessive() {
        assert_eq!(
            quotes("‘It’s the players’ decision now,’ said coach Sam Ward."),
            ["It’s the players’ decision now,"]
        );
        assert_eq!(quotes("'I can't,' she said."), ["I can't,"]);
    }

    #[test]
    fn inch_marks_and_apostrophes_are_not_quotes() {
        assert!(quotes(r#"He is 6'2" tall and it's the 90's."#).is_empty());
        assert!(quotes("Russia’s and the players’ views.").is_empty());
    }

    #[test]
    fn multi_paragraph_and_unclosed() {
        let t = "“One.\n\n“Two.”\n\nThree.";
        let s = Scanner::new().scan(t);
        assert_eq!(s.len(), 2);
        assert!(s[0].continues && !s[0].closed && s[1].continued && s[1].closed);
        let t = "The sign read \"Closed until further notice.\n\nPolice declined to comment.";
        let s = Scanner::new().scan(t);
        assert_eq!(s.len(), 1);
        assert_eq!(&t[s[0].start..s[0].end], "Closed until further notice.");
        assert!(!s[0].continues);
    }

    #[test]
    fn guillemets_either_way_round() {
        assert_eq!(quotes("\u{bb}Nein\u{ab}, sagte er."), ["Nein"]);
        assert_eq!(quotes("\u{ab}Non\u{bb}, dit-il."), ["Non"]);
        assert_eq!(quotes("\u{ab} Non \u{bb}, dit-il."), ["Non"]);
        // the closing `» ` of a French quotation before a word says nothing; `«Non` does
        assert_eq!(
            quotes("Il a dit \u{ab} oui \u{bb} puis \u{ab}non\u{bb} et \u{bb}Jamais\u{ab}."),
            ["oui", "non"]
        );
        // the majority decides
        assert_eq!(
            quotes("\u{bb}Ja\u{ab} und \u{bb}Nein\u{ab}, und dann \u{ab}Oui\u{bb}."),
            ["Ja", "Nein"]
        );
        // a German quotation over two paragraphs, the second reopening with `»`
        let s = Scanner::new().scan("\u{bb}Eins.\n\n\u{bb}Zwei.\u{ab} Drei.");
        assert_eq!(s.len(), 2);
        assert!(s[0].continues && s[1].continued && s[1].closed);
    }

    #[test]
    fn a_lone_cr_ends_a_paragraph() {
        for nl in ["\n", "\r\n", "\r"] {
            let t =
                format!("\u{201c}One.{nl}{nl}\u{201c}Two.\u{201d}{nl}Three \u{201c}four{nl}Five.");
            let s = Scanner::new().scan(&t);
            assert_eq!(s.len(), 3, "{nl:?}");
            assert!(s[0].continues && s[1].continued && s[1].closed, "{nl:?}");
            // an unclosed quotation stops at the line end, its CR included
            assert_eq!(&t[s[2].open..s[2].close], "\u{201c}four", "{nl:?}");
            assert!(!s[2].closed && !s[2].continues, "{nl:?}");
        }
        // a line that only wraps goes on
        let t = "\u{201c}Nobody saw it\rcoming,\u{201d} she said.";
        assert_eq!(quotes(t), ["Nobody saw it\rcoming,"]);
        // a single-quoted passage opening a paragraph of a text in double quotes
        let t = "\u{201c}We tried,\u{201d} he said. \u{201c}We did.\u{201d}\r\u{2018}Not yet,\u{2019} said Jo.";
        assert_eq!(quotes(t), ["We tried,", "We did.", "Not yet,"]);
    }
}
