//! A light tokenizer for the few sentences around a quotation: words (with inner apostrophes,
//! hyphens and abbreviation periods), punctuation and quotation marks, each with the lexicon's
//! flags. Only regions near quotations are tokenized, never the whole document.

use super::lexicon::{self, Flags, Lexicon};

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
    /// Lowercased text without a possessive `'s`.
    pub lower: String,
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

/// Tokens of `text[start..end]`.
pub fn tokenize(text: &str, start: usize, end: usize, lex: &Lexicon) -> Vec<Tok> {
    let mut out = Vec::new();
    let region = &text[start..end];
    let mut it = region.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        let s = start + i;
        if c.is_alphanumeric() || c == '@' || c == '#' {
            // a word: letters/digits, inner apostrophes, hyphens and periods
            let mut e = s + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if d.is_alphanumeric() || d == '_' {
                    e = start + j + d.len_utf8();
                    it.next();
                    continue;
                }
                if matches!(d, '\'' | '\u{2019}' | '-' | '.' | '&') {
                    // inner only: followed by a letter or digit
                    let after = region[j + d.len_utf8()..].chars().next();
                    if after.is_some_and(char::is_alphanumeric) {
                        e = start + j + d.len_utf8();
                        it.next();
                        continue;
                    }
                }
                break;
            }
            // abbreviation or initial keeps its period
            let word = &text[s..e];
            let mut lower = word.to_lowercase();
            if text[e..end].starts_with('.') {
                let with = format!("{lower}.");
                let single_cap = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
                if single_cap || lex.get(&with) & lexicon::ABBREV != 0 || word.contains('.') {
                    lower = with;
                    e += 1;
                    it.next();
                }
            }
            let mut possessive = false;
            for suf in ["'s", "\u{2019}s"] {
                if lower.len() > suf.len() + 1 && lower.ends_with(suf) {
                    lower.truncate(lower.len() - suf.len());
                    possessive = true;
                    break;
                }
            }
            // plural possessive `players’`: a mark right after a final s, before a space
            if !possessive && lower.ends_with('s') {
                let rest = &text[e..end];
                let mut rc = rest.chars();
                if matches!(rc.next(), Some('\'' | '\u{2019}'))
                    && rc.next().is_some_and(char::is_whitespace)
                {
                    possessive = true;
                }
            }
            let flags = lex.get(&lower);
            let cap = word.chars().next().is_some_and(char::is_uppercase);
            out.push(Tok {
                start: s,
                end: e,
                kind: Kind::Word,
                cap,
                flags,
                lower,
                possessive,
            });
        } else {
            let kind = if is_mark(c) {
                Kind::Mark
            } else {
                Kind::Punct(c)
            };
            out.push(Tok {
                start: s,
                end: s + c.len_utf8(),
                kind,
                cap: false,
                flags: 0,
                lower: String::new(),
                possessive: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
