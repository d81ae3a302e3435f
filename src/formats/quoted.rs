//! Where a document's text lies inside double quotation marks, and the direct-quote units of an
//! annotated attribution.
//!
//! The rules follow the PolNeAR direct-quote convention used by `eval`'s reference scorer, so that
//! a gold file built by `import brat --quotes-only` has the same units as that scorer:
//!
//! * `“ „ ‟` open (or re-open while open: the multi-paragraph convention), `”` closes; a straight
//!   `"` toggles; two ASCII apostrophes `''` act as one straight `"`.
//! * At a paragraph break inside a quote, the quote continues only when the next paragraph starts
//!   with an opening mark; otherwise it ends with the paragraph.
//! * The marks themselves count as quoted.

pub const OPEN_DQ: &[char] = &['\u{201c}', '\u{201e}', '\u{201f}'];
pub const CLOSE_DQ: char = '\u{201d}';
pub const STRAIGHT_DQ: char = '"';

/// Characters removed from both ends of a span before spans are compared: double and single
/// quotation marks of every style, and whitespace.
pub fn is_edge_strip(c: char) -> bool {
    matches!(
        c,
        '\u{201c}'
            | '\u{201d}'
            | '\u{201e}'
            | '\u{201f}'
            | '"'
            | '\u{2033}'
            | '\u{ab}'
            | '\u{bb}'
            | '\''
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201a}'
            | '\u{201b}'
            | '`'
            | ' '
            | '\t'
            | '\r'
            | '\n'
            | '\u{a0}'
    )
}

/// Double quotation marks and whitespace: what an imported quote span is trimmed of, so that its
/// text is the quotation without its marks while a possessive apostrophe at its end survives.
pub fn is_mark_or_space(c: char) -> bool {
    matches!(
        c,
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '"' | '\u{2033}' | '\u{ab}' | '\u{bb}'
    ) || c.is_whitespace()
}

fn is_para_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{a0}')
}

/// For every character of `text`, whether it lies inside a pair of double quotation marks (the
/// marks included).
pub fn quoted_mask(text: &[char]) -> Vec<bool> {
    let n = text.len();
    let mut mask = vec![false; n];
    let mut inside = false;
    let two_apos = |j: usize| j + 1 < n && text[j] == '\'' && text[j + 1] == '\'';
    let mut i = 0;
    while i < n {
        let c = text[i];
        if c == '\n' {
            if inside {
                let mut j = i;
                while j < n && is_para_space(text[j]) {
                    j += 1;
                }
                if j < n && (OPEN_DQ.contains(&text[j]) || text[j] == STRAIGHT_DQ || two_apos(j)) {
                    let w = if two_apos(j) { 2 } else { 1 };
                    for m in &mut mask[i..j + w] {
                        *m = true;
                    }
                    i = j + w;
                    continue;
                }
                inside = false;
            }
            i += 1;
            continue;
        }
        if OPEN_DQ.contains(&c) {
            inside = true;
            mask[i] = true;
        } else if c == CLOSE_DQ {
            if inside {
                mask[i] = true;
                inside = false;
            }
        } else if c == STRAIGHT_DQ {
            mask[i] = true;
            inside = !inside;
        } else if two_apos(i) {
            mask[i] = true;
            mask[i + 1] = true;
            inside = !inside;
            i += 2;
            continue;
        } else {
            mask[i] = inside;
        }
        i += 1;
    }
    mask
}

/// How much of a span is quoted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quotedness {
    /// Non-space characters in the span.
    pub nonspace: usize,
    /// Of those, how many are inside quotation marks.
    pub quoted: usize,
}

impl Quotedness {
    pub fn of(text: &[char], mask: &[bool], start: usize, end: usize) -> Quotedness {
        let mut q = Quotedness {
            nonspace: 0,
            quoted: 0,
        };
        for i in start..end.min(text.len()) {
            if !text[i].is_whitespace() {
                q.nonspace += 1;
                if mask[i] {
                    q.quoted += 1;
                }
            }
        }
        q
    }
    /// At least half of the non-space characters are quoted: a direct-quote unit.
    pub fn is_mostly_quoted(&self) -> bool {
        self.nonspace > 0 && self.quoted * 2 >= self.nonspace
    }
    /// All but a few percent quoted: a direct quote rather than a mixed one.
    pub fn is_almost_all_quoted(&self) -> bool {
        self.nonspace > 0 && self.quoted * 10 >= self.nonspace * 9
    }
}

/// The direct-quote unit of one contiguous content piece, if it is one: the piece, with
/// surrounding whitespace removed, must contain a letter or digit and be at least half quoted;
/// the unit is then trimmed to its quoted part (first to last quoted character). Returns the
/// unit's span and whether the piece was almost entirely quoted (`direct`) or not (`mixed`).
pub fn direct_unit(
    text: &[char],
    mask: &[bool],
    start: usize,
    end: usize,
) -> Option<(usize, usize, bool)> {
    let (mut a, mut b) = (start.min(text.len()), end.min(text.len()));
    while a < b && text[a].is_whitespace() {
        a += 1;
    }
    while b > a && text[b - 1].is_whitespace() {
        b -= 1;
    }
    if a >= b || !text[a..b].iter().any(|c| c.is_alphanumeric()) {
        return None;
    }
    let q = Quotedness::of(text, mask, a, b);
    if !q.is_mostly_quoted() {
        return None;
    }
    let direct = q.is_almost_all_quoted();
    while a < b && !mask[a] {
        a += 1;
    }
    while b > a && !mask[b - 1] {
        b -= 1;
    }
    Some((a, b, direct))
}

/// Trims a span with `strip` from both ends; an empty result keeps the original span.
pub fn trim_span(
    text: &[char],
    start: usize,
    end: usize,
    strip: impl Fn(char) -> bool,
) -> (usize, usize) {
    let (mut a, mut b) = (start.min(text.len()), end.min(text.len()));
    while a < b && strip(text[a]) {
        a += 1;
    }
    while b > a && strip(text[b - 1]) {
        b -= 1;
    }
    if a < b { (a, b) } else { (start, end) }
}

/// The maximal runs of quoted characters: the quoted segments of a document.
pub fn quoted_segments(mask: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < mask.len() {
        if mask[i] {
            let s = i;
            while i < mask.len() && mask[i] {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn mask_follows_the_reference_rules() {
        // The reference scorer's own self-test string.
        let t = chars(
            "He said \"a\n\n\"b\" and \u{201c}c\n\n\u{201c}d\u{201d} e ''f\n\n''g'' h\n\n\"i j",
        );
        let m = quoted_mask(&t);
        let inside: String = t
            .iter()
            .zip(&m)
            .filter(|(c, f)| **f && !c.is_whitespace())
            .map(|(c, _)| *c)
            .collect();
        assert_eq!(inside, "\"a\"b\"\u{201c}c\u{201c}d\u{201d}''f''g''\"ij");
    }

    #[test]
    fn quote_ends_at_paragraph_without_reopening() {
        let t = chars("\u{201c}open\nplain \u{201c}x\u{201d}");
        let m = quoted_mask(&t);
        assert!(m[1]);
        assert!(!m[6], "the second paragraph does not start with a mark");
        assert_eq!(quoted_segments(&m), vec![(0, 5), (12, 15)]);
    }

    #[test]
    fn units_are_trimmed_to_the_quoted_part() {
        let s = "He called it \u{201c}a reckless gamble\u{201d} when he spoke today.";
        let t = chars(s);
        let m = quoted_mask(&t);
        // "it “a reckless gamble”" is mostly quoted → unit, mixed
        let (a, b, direct) = direct_unit(&t, &m, 10, 33).unwrap();
        assert_eq!(
            t[a..b].iter().collect::<String>(),
            "\u{201c}a reckless gamble\u{201d}"
        );
        assert!(!direct);
        // the whole sentence is not
        assert!(direct_unit(&t, &m, 0, t.len()).is_none());
        // a lone quotation mark is degenerate
        assert!(direct_unit(&t, &m, 13, 14).is_none());
    }

    #[test]
    fn trim_keeps_possessive_apostrophe() {
        let t = chars("\u{201c}the Joneses'\u{201d}");
        assert_eq!(trim_span(&t, 0, t.len(), is_mark_or_space), (1, 13));
        assert_eq!(trim_span(&t, 0, t.len(), is_edge_strip), (1, 12));
        assert_eq!(trim_span(&t, 0, 1, is_edge_strip), (0, 1));
    }
}
