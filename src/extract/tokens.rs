//! A light tokenizer for the few sentences around a quotation: words (with inner apostrophes,
//! hyphens and abbreviation periods), punctuation and quotation marks, each with the lexicon's
//! flags. Only regions near quotations are tokenized, never the whole document.

use std::ops::Deref;
use std::rc::Rc;

use compact_str::CompactString;

use super::lexicon::{self, Flags, Lexicon, SHORT};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    /// One punctuation character (`,` `:` `;` `—` …).
    Punct(char),
    /// A quotation mark of any kind.
    Mark,
}

#[derive(Debug, Clone)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Starts with an uppercase letter (or `@`/a digit for handles and numbers: false).
    pub cap: bool,
    pub flags: Flags,
    /// Lowercased text without a possessive `'s` (inline: tokenizing allocates nothing per
    /// word).
    pub lower: CompactString,
    /// Ends in a possessive `'s` or `s'`.
    pub possessive: bool,
}

impl Tok {
    pub fn is(&self, f: Flags) -> bool {
        self.flags & f != 0
    }
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }
    /// `—`, `–` or `-` used as a dash, or `--`.
    pub fn is_dash(&self) -> bool {
        matches!(self.kind, Kind::Punct('\u{2014}' | '\u{2013}' | '-'))
    }
    /// A word that can be part of a proper name: capitalised and not a function word.
    pub fn is_namey(&self) -> bool {
        self.kind == Kind::Word && self.cap && !self.is(lexicon::NOT_NAME)
    }
}

/// A run of tokens shared with the paragraph they were cut from: tokenizing a paragraph once
/// serves every region of it that the sieves look at.
#[derive(Debug, Clone)]
pub struct Toks {
    all: Rc<Vec<Tok>>,
    lo: usize,
    hi: usize,
}

impl Toks {
    pub fn new(all: Rc<Vec<Tok>>, lo: usize, hi: usize) -> Self {
        let hi = hi.min(all.len());
        Toks {
            all,
            lo: lo.min(hi),
            hi,
        }
    }
    /// Whether these are the first tokens of `all`.
    pub fn is_prefix_of(&self, all: &Rc<Vec<Tok>>) -> bool {
        Rc::ptr_eq(&self.all, all) && self.lo == 0
    }
    pub fn owned(v: Vec<Tok>) -> Self {
        let n = v.len();
        Toks::new(Rc::new(v), 0, n)
    }
}

impl Deref for Toks {
    type Target = [Tok];
    fn deref(&self) -> &[Tok] {
        &self.all[self.lo..self.hi]
    }
}

fn is_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201c}'
            | '\u{201d}'
            | '\u{201e}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{ab}'
            | '\u{bb}'
            | '\u{2039}'
            | '\u{203a}'
            | '\''
    )
}

/// Lowercase without allocating for short ASCII words.
pub(crate) fn lowercase(word: &str) -> CompactString {
    if word.is_ascii() {
        // in place: no UTF-8 re-validation, and inline (no allocation) up to 24 bytes
        let mut s = CompactString::new(word);
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            s.make_ascii_lowercase();
        }
        s
    } else {
        CompactString::from(word.to_lowercase())
    }
}

/// Tokens of `text[start..end]`.
pub fn tokenize(text: &str, start: usize, end: usize, lex: &Lexicon) -> Vec<Tok> {
    // (bytes past `end` are out of reach: `alnum_at` needs no bounds test of its own)
    let b = &text.as_bytes()[..end];
    // about one token per five bytes of news text
    let mut out = Vec::with_capacity((end - start) / 5 + 4);
    let char_at = |i: usize| text[i..end].chars().next();
    let alnum_at = |i: usize| -> bool {
        match b.get(i) {
            Some(&x) if x < 0x80 => x.is_ascii_alphanumeric(),
            Some(_) => char_at(i).is_some_and(char::is_alphanumeric),
            None => false,
        }
    };
    let mut i = start;
    while i < end {
        let x = b[i];
        let (c, len) = if x < 0x80 {
            match ASCII_CLASS[x as usize] {
                SPACE => {
                    i += 1;
                    continue;
                }
                WORD => (x as char, 1),
                _ => {
                    out.push(punct(i, x as char, 1));
                    i += 1;
                    continue;
                }
            }
        } else {
            let c = char_at(i).unwrap_or(' ');
            (c, c.len_utf8())
        };
        if c.is_whitespace() {
            i += len;
            continue;
        }
        let s = i;
        if !(c.is_alphanumeric() || c == '@' || c == '#') {
            out.push(punct(s, c, len));
            i += len;
            continue;
        }
        // a word: letters/digits, and inner apostrophes, hyphens, periods and ampersands
        let mut e = s + len;
        let mut ascii = len == 1;
        while let Some(&d) = b.get(e) {
            if d < 0x80 {
                if WORD_BYTE[d as usize]
                    || (matches!(d, b'\'' | b'-' | b'.' | b'&') && alnum_at(e + 1))
                {
                    e += 1;
                } else {
                    break;
                }
            } else {
                let dc = char_at(e).unwrap_or(' ');
                let dl = dc.len_utf8();
                if dc.is_alphanumeric() || (dc == '\u{2019}' && alnum_at(e + dl)) {
                    e += dl;
                    ascii = false;
                } else {
                    break;
                }
            }
        }
        let (lower, flags, possessive, e) = if ascii && e - s < SHORT {
            ascii_word(text, s, e, end, lex)
        } else {
            any_word(text, s, e, end, lex)
        };
        out.push(Tok {
            start: s,
            end: e,
            kind: Kind::Word,
            cap: c.is_uppercase(),
            flags,
            lower,
            possessive,
        });
        i = e;
    }
    out
}

/// A punctuation or quotation-mark token.
fn punct(s: usize, c: char, len: usize) -> Tok {
    Tok {
        start: s,
        end: s + len,
        kind: if is_mark(c) {
            Kind::Mark
        } else {
            Kind::Punct(c)
        },
        cap: false,
        flags: 0,
        lower: CompactString::const_new(""),
        possessive: false,
    }
}

/// What an ASCII byte is to the tokenizer: white space, the start of a word (a letter, a digit,
/// `@` or `#`), or a token of its own.
const SPACE: u8 = 0;
const WORD: u8 = 1;
const OTHER: u8 = 2;
static ASCII_CLASS: [u8; 128] = {
    let mut t = [OTHER; 128];
    let mut c = 0;
    while c < 128 {
        let x = c as u8;
        // `char::is_whitespace` of the ASCII characters
        if matches!(x, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
            t[c] = SPACE;
        } else if x.is_ascii_alphanumeric() || x == b'@' || x == b'#' {
            t[c] = WORD;
        }
        c += 1;
    }
    t
};

/// Bytes that continue a word by themselves: ASCII letters, digits and `_`.
static WORD_BYTE: [bool; 128] = {
    let mut t = [false; 128];
    let mut c = 0;
    while c < 128 {
        t[c] = (c as u8).is_ascii_alphanumeric() || c == b'_' as usize;
        c += 1;
    }
    t
};

/// Whether a plural possessive mark follows at `e` (`players’`, `Sanders'`): the mark and then
/// the end, a space or a comma. Returns the mark's length.
fn plural_possessive_mark(text: &str, e: usize, end: usize) -> Option<usize> {
    let mut rc = text[e..end].chars();
    match rc.next() {
        Some(m @ ('\'' | '\u{2019}'))
            if rc.next().is_none_or(|c| c.is_whitespace() || c == ',') =>
        {
            Some(m.len_utf8())
        }
        _ => None,
    }
}

/// The lowercased form, flags, possessive mark and end of the ASCII word `text[s..e]` (shorter
/// than [`SHORT`] bytes, so that it fits the lexicon's short keys with a period added):
/// [`any_word`] without building a string to look it up.
fn ascii_word(
    text: &str,
    s: usize,
    mut e: usize,
    end: usize,
    lex: &Lexicon,
) -> (CompactString, Flags, bool, usize) {
    let b = text.as_bytes();
    let mut buf = [0u8; 16];
    let mut n = e - s;
    let (mut dotted, mut upper) = (false, false);
    for (k, &x) in b[s..e].iter().enumerate() {
        buf[k] = x.to_ascii_lowercase();
        dotted |= x == b'.';
        upper |= x.is_ascii_uppercase();
    }
    // an abbreviation or an initial keeps its period
    if e < end && b[e] == b'.' {
        let single_cap = n == 1 && b[s].is_ascii_uppercase();
        let keep = single_cap || dotted || {
            let mut with = buf;
            with[n] = b'.';
            lex.get_short(with, n + 1) & lexicon::ABBREV != 0
        };
        if keep {
            e += 1;
            buf[n] = b'.';
            n += 1;
        }
    }
    let mut possessive = false;
    if n > 0 && buf[n - 1] == b's' {
        // `'s`; (`’s` is not ASCII)
        if n > 3 && buf[n - 2] == b'\'' {
            n -= 2;
            buf[n] = 0;
            buf[n + 1] = 0;
            possessive = true;
        } else if let Some(m) = plural_possessive_mark(text, e, end) {
            possessive = true;
            e += m;
        }
    }
    let flags = lex.get_short(buf, n);
    // the lowercase form is the word's first `n` bytes lowercased (the possessive `'s` cut, a
    // period kept): copied from the text, as a string already
    let mut lower = CompactString::new(&text[s..s + n]);
    if upper {
        lower.make_ascii_lowercase();
    }
    (lower, flags, possessive, e)
}

/// The lowercased form (without a possessive `'s`), flags, possessive mark and end of the word
/// `text[s..e]`, taking a following abbreviation period or plural possessive mark.
fn any_word(
    text: &str,
    s: usize,
    mut e: usize,
    end: usize,
    lex: &Lexicon,
) -> (CompactString, Flags, bool, usize) {
    let b = text.as_bytes();
    let word = &text[s..e];
    let mut lower = lowercase(word);
    // an abbreviation or an initial keeps its period
    if e < end && b[e] == b'.' {
        lower.push('.');
        let single_cap = word.len() == 1 && word.as_bytes()[0].is_ascii_uppercase();
        if single_cap || word.contains('.') || lex.get(&lower) & lexicon::ABBREV != 0 {
            e += 1;
        } else {
            lower.pop();
        }
    }
    let mut possessive = false;
    // both kinds of possessive end in s; most words do not
    let ends_s = lower.ends_with('s');
    for suf in ["'s", "\u{2019}s"] {
        if ends_s && lower.len() > suf.len() + 1 && lower.ends_with(suf) {
            lower.truncate(lower.len() - suf.len());
            possessive = true;
            break;
        }
    }
    // plural possessive `players’`, `Sanders'`: the mark after a final s belongs to the word
    if !possessive
        && ends_s
        && let Some(m) = plural_possessive_mark(text, e, end)
    {
        possessive = true;
        e += m;
    }
    let flags = lex.get(&lower);
    (lower, flags, possessive, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_classes_agree_with_char_properties() {
        for x in 0u8..128 {
            let c = x as char;
            let want = if c.is_whitespace() {
                SPACE
            } else if c.is_alphanumeric() || c == '@' || c == '#' {
                WORD
            } else {
                OTHER
            };
            assert_eq!(ASCII_CLASS[x as usize], want, "{x:#x}");
            assert_eq!(WORD_BYTE[x as usize], c.is_ascii_alphanumeric() || c == '_');
        }
    }

    #[test]
    fn words_abbreviations_possessives() {
        let lex = Lexicon::new();
        let t = "Sen. O’Malley’s aide, John F. Kerry, said U.S. troops — twice.";
        let toks = tokenize(t, 0, t.len(), &lex);
        let words: Vec<&str> = toks.iter().map(|k| &t[k.start..k.end]).collect();
        assert_eq!(
            words,
            [
                "Sen.",
                "O’Malley’s",
                "aide",
                ",",
                "John",
                "F.",
                "Kerry",
                ",",
                "said",
                "U.S.",
                "troops",
                "—",
                "twice",
                "."
            ]
        );
        assert!(toks[1].possessive && toks[1].lower == "o’malley");
        assert!(toks[0].is(lexicon::TITLE));
        assert!(toks[8].is(lexicon::CUE));
    }
}
