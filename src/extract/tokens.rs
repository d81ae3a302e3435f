//! A light tokenizer for the few sentences around a quotation: words (with inner apostrophes,
//! hyphens and abbreviation periods), punctuation and quotation marks, each with the lexicon's
//! flags. Only regions near quotations are tokenized, never the whole document.

use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

use compact_str::CompactString;

use super::lexicon::{self, Flags, Lexicon, SHORT};
use super::names;

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
    pub lower: Lower,
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

/// The lowercase form of a word: up to [`Lower::INLINE`] bytes kept inline (almost every
/// word), longer ones on the heap.
///
/// Three machine words, made from the word's bytes a machine word at a time: the tokenizer
/// makes one for every word and moves it into the token, and a form written byte by byte
/// (an enum of a byte array and a `Box<str>`) was read back by that move with loads that
/// straddled the writes, which the processor cannot forward (a stall of some fifteen cycles a
/// word, a seventh of the tokenizer's time).
pub struct Lower(Repr);

/// Byte 23 tells the two apart: the length of an inline form, or [`HEAP`].
#[repr(C)]
#[derive(Clone, Copy)]
union Repr {
    /// Bytes `0..len` the form (valid UTF-8: every constructor copies a `str` or ASCII
    /// bytes), byte 23 `len` (at most [`Lower::INLINE`]), the others zero.
    inline: [u64; 3],
    heap: Heap,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Heap {
    /// A `Box<str>` taken apart with [`Box::into_raw`], owned by the [`Lower`].
    ptr: *mut str,
    /// `tag[7]` (byte 23) is [`HEAP`].
    tag: [u8; 8],
}

const HEAP: u8 = 0xff;

// (the layout the tag's place depends on)
const _: () = assert!(
    std::mem::size_of::<Heap>() == 24
        && std::mem::size_of::<Repr>() == 24
        && std::mem::offset_of!(Heap, tag) == 16
);

// SAFETY: a `Lower` owns its heap form as a `Box<str>` would, and hands out only shared
// references to it.
unsafe impl Send for Lower {}
unsafe impl Sync for Lower {}

impl Lower {
    /// Longest form kept inline.
    pub const INLINE: usize = 23;

    pub fn new(s: &str) -> Self {
        let b = s.as_bytes();
        if b.len() <= Lower::INLINE {
            let mut bytes = [0u8; 24];
            bytes[..b.len()].copy_from_slice(b);
            bytes[23] = b.len() as u8;
            Lower::inline(bytes)
        } else {
            let mut tag = [0u8; 8];
            tag[7] = HEAP;
            Lower(Repr {
                heap: Heap {
                    ptr: Box::into_raw(Box::<str>::from(s)),
                    tag,
                },
            })
        }
    }

    /// The inline form whose memory is `bytes` (byte 23 the length).
    fn inline(bytes: [u8; 24]) -> Self {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[8 * i..8 * i + 8]);
            u64::from_ne_bytes(w)
        };
        Lower(Repr {
            inline: [word(0), word(1), word(2)],
        })
    }

    /// The first `len` bytes of `word` (little-endian), which must be ASCII.
    fn ascii(word: u128, len: usize) -> Self {
        debug_assert!(len <= 16 && word.to_le_bytes().iter().all(u8::is_ascii));
        let mut bytes = [0u8; 24];
        bytes[..16].copy_from_slice(&word.to_le_bytes());
        bytes[23] = len as u8;
        Lower::inline(bytes)
    }

    /// Byte 23: the length of an inline form, or [`HEAP`].
    fn tag(&self) -> u8 {
        // SAFETY: byte 23 is initialised in both forms (the top byte of `inline[2]`, or
        // `heap.tag[7]`), and a `u8` may hold any byte.
        unsafe { *(&self.0 as *const Repr as *const u8).add(23) }
    }

    pub fn as_str(&self) -> &str {
        let tag = self.tag();
        if tag == HEAP {
            // SAFETY: the heap form holds a pointer from `Box::into_raw`, freed only on drop.
            unsafe { &*self.0.heap.ptr }
        } else {
            let len = usize::from(tag).min(Lower::INLINE);
            // SAFETY: in the inline form, bytes `0..len` are initialised and copied from a
            // `str` or from ASCII bytes, so valid UTF-8; they live as long as `self`.
            unsafe {
                let p = &self.0 as *const Repr as *const u8;
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(p, len))
            }
        }
    }
}

impl Drop for Lower {
    fn drop(&mut self) {
        if self.tag() == HEAP {
            // SAFETY: the pointer came from `Box::into_raw` and is freed here only.
            drop(unsafe { Box::from_raw(self.0.heap.ptr) });
        }
    }
}

impl Clone for Lower {
    fn clone(&self) -> Self {
        if self.tag() == HEAP {
            Lower::new(self.as_str())
        } else {
            // SAFETY: the inline form is plain bytes.
            Lower(Repr {
                inline: unsafe { self.0.inline },
            })
        }
    }
}

impl Default for Lower {
    fn default() -> Self {
        Lower::new("")
    }
}

impl Deref for Lower {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Lower {
    fn eq(&self, other: &Lower) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Lower {}

impl PartialEq<str> for Lower {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Lower {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Lower {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Lower {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The tokens of a piece of text, with one bit per token that says whether it can be part of
/// a name ([`names::may_be_name_part`]): the mention scan visits only the marked tokens (about
/// one in eight in news text) instead of reading every token again.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    toks: Vec<Tok>,
    /// Bit `i % 64` of word `i / 64` marks token `i`.
    name_bits: Vec<u64>,
}

impl Tokens {
    fn mark(bits: &mut Vec<u64>, i: usize) {
        let w = i / 64;
        if w >= bits.len() {
            bits.resize(w + 1, 0);
        }
        bits[w] |= 1 << (i % 64);
    }
}

impl From<Vec<Tok>> for Tokens {
    fn from(toks: Vec<Tok>) -> Self {
        let mut name_bits = vec![0; toks.len().div_ceil(64)];
        for (i, t) in toks.iter().enumerate() {
            if names::may_be_name_part(t) {
                Tokens::mark(&mut name_bits, i);
            }
        }
        Tokens { toks, name_bits }
    }
}

impl Deref for Tokens {
    type Target = [Tok];
    fn deref(&self) -> &[Tok] {
        &self.toks
    }
}

/// A run of tokens shared with the paragraph they were cut from: tokenizing a paragraph once
/// serves every region of it that the sieves look at.
#[derive(Debug, Clone)]
pub struct Toks {
    all: Rc<Tokens>,
    lo: usize,
    hi: usize,
}

impl Toks {
    pub fn new(all: Rc<Tokens>, lo: usize, hi: usize) -> Self {
        let hi = hi.min(all.len());
        Toks {
            all,
            lo: lo.min(hi),
            hi,
        }
    }
    /// Whether these are the first tokens of `all`.
    pub fn is_prefix_of(&self, all: &Rc<Tokens>) -> bool {
        Rc::ptr_eq(&self.all, all) && self.lo == 0
    }
    pub fn owned(v: impl Into<Tokens>) -> Self {
        let all = v.into();
        let n = all.len();
        Toks::new(Rc::new(all), 0, n)
    }
    /// Whether token `i` of these can be part of a name ([`names::may_be_name_part`]).
    pub fn may_be_name_part(&self, i: usize) -> bool {
        let k = self.lo + i;
        k < self.hi && self.all.name_bits[k / 64] & (1 << (k % 64)) != 0
    }
    /// The first token at or after `i` that can be part of a name, or `self.len()`: a search
    /// 64 tokens at a time.
    pub fn next_name_part(&self, i: usize) -> usize {
        let k = self.lo + i;
        if k >= self.hi {
            return self.hi - self.lo;
        }
        let bits = &self.all.name_bits;
        let mut w = k / 64;
        let mut x = bits[w] & (u64::MAX << (k % 64));
        while x == 0 {
            w += 1;
            if w * 64 >= self.hi {
                return self.hi - self.lo;
            }
            x = bits[w];
        }
        (w * 64 + x.trailing_zeros() as usize).min(self.hi) - self.lo
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
            | '\u{201a}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{ab}'
            | '\u{bb}'
            | '\u{2039}'
            | '\u{203a}'
            | '\''
    )
}

/// Lowercase without allocating for short ASCII words (and words whose only other characters
/// are curly apostrophes, `Trump’s`: they have no case).
pub(crate) fn lowercase(word: &str) -> CompactString {
    if word.is_ascii() || word.chars().all(|c| c.is_ascii() || c == '\u{2019}') {
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
pub fn tokenize(text: &str, start: usize, end: usize, lex: &Lexicon) -> Tokens {
    // (bytes past `end` are out of reach: `alnum_at` needs no bounds test of its own)
    let b = &text.as_bytes()[..end];
    // about one token per five bytes of news text
    let mut out = Vec::with_capacity((end - start) / 5 + 4);
    let mut name_bits = Vec::with_capacity((end - start) / 320 + 1);
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
                    push_made(&mut out, || punct(i, x as char, 1));
                    i += 1;
                    continue;
                }
            }
        } else if x == 0xE2 && b.get(i + 1) == Some(&0x80) {
            // U+2000-U+203F (spaces, dashes, curly quotation marks): white space or a token of
            // its own, never part of a word (no look-up in the character tables)
            let c = char_at(i).unwrap_or(' ');
            if !matches!(
                c,
                '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}'
            ) {
                push_made(&mut out, || punct(i, c, c.len_utf8()));
            }
            i += c.len_utf8();
            continue;
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
            push_made(&mut out, || punct(s, c, len));
            i += len;
            continue;
        }
        // a word: letters/digits, and inner apostrophes, hyphens, periods and ampersands
        let mut e = s + len;
        let mut ascii = len == 1;
        if ascii {
            e = ascii_word_end(b, e, &alnum_at);
        }
        while let Some(&d) = b.get(e) {
            if d < 0x80 {
                if WORD_BYTE[d as usize]
                    || (matches!(d, b'\'' | b'-' | b'.' | b'&') && alnum_at(e + 1))
                    || (d == b',' && thousands_comma(b, e))
                {
                    e += 1;
                } else {
                    break;
                }
            } else {
                let dc = char_at(e).unwrap_or(' ');
                let dl = dc.len_utf8();
                // (the curly apostrophe first: it is common, and no letter)
                let inner = if dc == '\u{2019}' {
                    alnum_at(e + dl)
                } else {
                    // (a combining accent belongs to its letter: `Jose\u{301}`)
                    dc.is_alphanumeric()
                        || unicode_normalization::char::is_combining_mark(dc)
                        || mojibake_tail(&text[s..e], dc)
                };
                if inner {
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
        let n = out.len();
        let tok = push_made(&mut out, || Tok {
            start: s,
            end: e,
            kind: Kind::Word,
            cap: c.is_uppercase(),
            flags,
            lower,
            possessive,
        });
        if names::may_be_name_part(tok) {
            Tokens::mark(&mut name_bits, n);
        }
        i = e;
    }
    name_bits.resize(out.len().div_ceil(64), 0);
    Tokens {
        toks: out,
        name_bits,
    }
}

/// Appends the token `make` makes, made once there is room for it, and returns it. (A token
/// made before `push` is kept aside in memory while the vector may grow, then copied with
/// wide loads that straddle the narrower writes that made it, which the processor cannot
/// forward: a stall for every token.)
#[inline(always)]
fn push_made(out: &mut Vec<Tok>, make: impl FnOnce() -> Tok) -> &Tok {
    out.reserve(1);
    let n = out.len();
    out.spare_capacity_mut()[0].write(make());
    // SAFETY: the element at `n`, within the capacity, was written just above.
    unsafe { out.set_len(n + 1) };
    &out[n]
}

/// Where the ASCII part of a word that goes on at `e` ends: at the first byte that is not an
/// ASCII letter, digit or `_`, or an inner `'`, `-`, `.` or `&` (one followed by a letter or
/// digit). Eight bytes at a time: most words end within the first eight.
fn ascii_word_end(b: &[u8], mut e: usize, alnum_at: &impl Fn(usize) -> bool) -> usize {
    loop {
        match b.get(e..e + 8) {
            Some(x) => {
                let w = u64::from_le_bytes(x.try_into().unwrap_or([0; 8]));
                let stop = non_word_bytes(w);
                if stop == 0 {
                    e += 8;
                    continue;
                }
                e += (stop.trailing_zeros() / 8) as usize;
            }
            None => {
                while b.get(e).is_some_and(|&d| d < 0x80 && WORD_BYTE[d as usize]) {
                    e += 1;
                }
            }
        }
        match b.get(e) {
            Some(b'\'' | b'-' | b'.' | b'&') if alnum_at(e + 1) => e += 1,
            Some(b',') if thousands_comma(b, e) => e += 1,
            _ => return e,
        }
    }
}

/// A comma between thousands (`2,000`, `1,500,000`): part of the number.
fn thousands_comma(b: &[u8], e: usize) -> bool {
    e > 0
        && b[e - 1].is_ascii_digit()
        && b.get(e + 1..e + 4)
            .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
        && !b.get(e + 4).is_some_and(u8::is_ascii_digit)
}

const ONES64: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS64: u64 = u64::from_le_bytes([0x80; 8]);

/// The high bit of each byte of `w` that does not continue a word by itself (see
/// [`WORD_BYTE`]): not an ASCII letter, digit or `_`.
fn non_word_bytes(w: u64) -> u64 {
    let v = w & !HIGHS64;
    // per byte v < 0x80 (no carry crosses a byte): lo <= v <= hi
    let within = |v: u64, lo: u8, hi: u8| {
        (v + ONES64 * u64::from(0x80 - lo)) & !(v + ONES64 * u64::from(0x7f - hi))
    };
    let letter = within(v | (ONES64 * 0x20), b'a', b'z');
    let digit = within(v, b'0', b'9');
    let x = v ^ (ONES64 * u64::from(b'_'));
    let under = !(((x & !HIGHS64) + (ONES64 * 0x7f)) | x);
    !((letter | digit | under) & !w) & HIGHS64
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
        lower: Lower::default(),
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
/// [`any_word`] without building a string to look it up. The word is handled as one 16-byte
/// number (lowercased, searched and looked up a word at a time, not byte by byte).
fn ascii_word(
    text: &str,
    s: usize,
    mut e: usize,
    end: usize,
    lex: &Lexicon,
) -> (Lower, Flags, bool, usize) {
    let b = text.as_bytes();
    let mut n = e - s;
    let raw = load16(b, s) & low_bytes(n);
    let dotted = has_byte(raw, b'.');
    let mut w = ascii_lowercase(raw);
    // an abbreviation or an initial keeps its period
    if e < end && b[e] == b'.' {
        let single_cap = n == 1 && b[s].is_ascii_uppercase();
        let with = w | u128::from(b'.') << (8 * n);
        if single_cap || dotted || lex.get_word(with, n + 1) & lexicon::ABBREV != 0 {
            e += 1;
            w = with;
            n += 1;
        }
    }
    let mut possessive = false;
    if n > 0 && byte_at(w, n - 1) == b's' {
        // `'s`; (`’s` is not ASCII)
        if n > 3 && byte_at(w, n - 2) == b'\'' {
            n -= 2;
            w &= low_bytes(n);
            possessive = true;
        } else if let Some(m) = plural_possessive_mark(text, e, end) {
            possessive = true;
            e += m;
        }
    }
    // the lowercase form is the word's first `n` bytes lowercased (the possessive `'s` cut, a
    // period kept)
    (Lower::ascii(w, n), lex.get_word(w, n), possessive, e)
}

/// The 16 bytes of `b` from `s` as a little-endian number (zeros past the end of `b`).
fn load16(b: &[u8], s: usize) -> u128 {
    match b.get(s..s + 16) {
        Some(x) => u128::from_le_bytes(x.try_into().unwrap_or([0; 16])),
        None => {
            let mut buf = [0u8; 16];
            let rest = b.get(s..).unwrap_or(&[]);
            buf[..rest.len()].copy_from_slice(rest);
            u128::from_le_bytes(buf)
        }
    }
}

/// The mask of the low `n` bytes (`n` ≤ 16).
fn low_bytes(n: usize) -> u128 {
    if n >= 16 {
        u128::MAX
    } else {
        (1u128 << (8 * n)) - 1
    }
}

const ONES: u128 = u128::from_le_bytes([0x01; 16]);
const HIGHS: u128 = u128::from_le_bytes([0x80; 16]);

/// `w` with its bytes `A`-`Z` lowercased; every byte must be ASCII (below 0x80).
fn ascii_lowercase(w: u128) -> u128 {
    // per byte x < 0x80: the high bit of x + (0x80 - 'A') is set iff x >= 'A', that of
    // x + (0x80 - 'Z' - 1) iff x > 'Z' (no carry crosses a byte)
    let ge_a = w + ONES * u128::from(0x80 - b'A');
    let gt_z = w + ONES * u128::from(0x80 - b'Z' - 1);
    let upper = ge_a & !gt_z & HIGHS;
    w | (upper >> 2)
}

/// Whether one of the bytes of `w` is `x` (bytes are below 0x80, `x` is not 0).
fn has_byte(w: u128, x: u8) -> bool {
    let v = w ^ (ONES * u128::from(x));
    // the classic test for a zero byte: exact as to whether there is one
    v.wrapping_sub(ONES) & !v & HIGHS != 0
}

/// UTF-8 read as Latin-1 (`PeÃ±a` for `Peña`, common in scraped text): the second character
/// of such a pair, after `Â` or `Ã`, is part of the word although it is no letter; so it is
/// after their decomposed forms (`A` and a combining circumflex or tilde), which pages that
/// normalise text to NFD carry.
pub(crate) fn mojibake_tail(word: &str, c: char) -> bool {
    ('\u{80}'..='\u{bf}').contains(&c)
        && (word.ends_with(['\u{c2}', '\u{c3}'])
            || word.ends_with("A\u{302}")
            || word.ends_with("A\u{303}"))
}

fn byte_at(w: u128, i: usize) -> u8 {
    (w >> (8 * i)) as u8
}

/// The lowercased form (without a possessive `'s`), flags, possessive mark and end of the word
/// `text[s..e]`, taking a following abbreviation period or plural possessive mark.
fn any_word(
    text: &str,
    s: usize,
    mut e: usize,
    end: usize,
    lex: &Lexicon,
) -> (Lower, Flags, bool, usize) {
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
    (Lower::new(&lower), flags, possessive, e)
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
    fn word_at_a_time_helpers_agree_with_byte_by_byte() {
        // every ASCII byte in every position, next to others
        for x in 0u8..128 {
            for k in 0..16 {
                let mut b = [b'a'; 16];
                b[k] = x;
                b[(k + 5) % 16] = b'Q';
                let w = u128::from_le_bytes(b);
                let want: Vec<u8> = b.iter().map(u8::to_ascii_lowercase).collect();
                assert_eq!(
                    ascii_lowercase(w).to_le_bytes().to_vec(),
                    want,
                    "{x:#x} at {k}"
                );
                for y in [b'.', b'\'', x.max(1)] {
                    assert_eq!(has_byte(w, y), b.contains(&y), "{y:#x} in {b:?}");
                }
            }
        }
        let b = b"Sanders' x";
        assert_eq!(
            load16(b, 0) & low_bytes(7),
            u128::from_le_bytes(*b"Sanders\0\0\0\0\0\0\0\0\0")
        );
        assert_eq!(load16(b, 8), u128::from(b'x') << 8 | u128::from(b' '));
    }

    #[test]
    fn general_punctuation_is_no_word() {
        // what the tokenizer assumes of U+2000-U+203F without looking the characters up
        for cp in 0x2000..=0x203f {
            let c = char::from_u32(cp).unwrap_or(' ');
            assert!(!c.is_alphanumeric(), "{cp:#x}");
            let space = matches!(
                c,
                '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}'
            );
            assert_eq!(c.is_whitespace(), space, "{cp:#x}");
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_string());
        }
        assert_eq!(lowercase("Trump\u{2019}S"), "trump\u{2019}s");
        assert_eq!(lowercase("Zo\u{eb}"), "zo\u{eb}");
    }

    #[test]
    fn word_bytes_eight_at_a_time() {
        for x in 0u8..=255 {
            for k in 0..8 {
                let mut b = [b'a'; 8];
                b[k] = x;
                let want = if x < 0x80 && WORD_BYTE[x as usize] {
                    0
                } else {
                    0x80u64 << (8 * k)
                };
                assert_eq!(non_word_bytes(u64::from_le_bytes(b)), want, "{x:#x} at {k}");
            }
        }
    }

    #[test]
    fn lowercase_forms_are_strings_of_a_token_size() {
        assert_eq!(std::mem::size_of::<Lower>(), 24);
        let long = "an-extraordinarily-long-hyphenated-word";
        // inline up to 23 bytes, on the heap from 24
        let (max_inline, min_heap) = ("a".repeat(23), "b".repeat(24));
        for w in ["", "the", "o’malley", "é", long, &max_inline, &min_heap] {
            let l = Lower::new(w);
            assert_eq!(l, w);
            assert_eq!(l.as_str(), w);
            assert_eq!(format!("{l:?}"), format!("{w:?}"));
            assert_eq!(l.tag() == HEAP, w.len() > Lower::INLINE, "{w}");
            let c = l.clone();
            drop(l);
            assert_eq!(c, w);
        }
        let w = u128::from_le_bytes(*b"sanders\0\0\0\0\0\0\0\0\0");
        assert_eq!(Lower::ascii(w, 7), "sanders");
        assert_eq!(Lower::ascii(w, 3), "san");
        assert_eq!(Lower::default(), "");
    }

    /// Every mark the quotation scanner pairs is a mark token, German low marks included.
    #[test]
    fn quotation_marks_are_mark_tokens() {
        let lex = Lexicon::new();
        for m in ['"', '\'', '“', '”', '„', '‚', '‘', '’', '«', '»', '‹', '›'] {
            let t = format!("a {m} b");
            let toks = tokenize(&t, 0, t.len(), &lex);
            assert_eq!(toks.len(), 3, "{m}");
            assert_eq!(toks[1].kind, Kind::Mark, "{m}");
        }
    }

    proptest::proptest! {
        /// The tokenizer marks the tokens that can be part of a name as a mark of each token
        /// by itself would, and the search for the next marked token of any cut of them finds
        /// what a token-by-token search finds.
        #[test]
        fn marked_name_parts(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Theresa", "May", "may", "in", "de", "van", "@jack", "J.", "Smith's",
                    "Korean-born", "O'Neil", "2,000", "the", "said", "Mr.", "\u{c9}mile", ",",
                    "\u{201c}", ".", "-",
                ]),
                0..200,
            ),
            lo in 0usize..220,
            len in 0usize..220,
        ) {
            let lex = Lexicon::new();
            let text = words.join(" ");
            let all = Rc::new(tokenize(&text, 0, text.len(), &lex));
            let again = Tokens::from(all.toks.clone());
            proptest::prop_assert_eq!(&all.name_bits, &again.name_bits);
            let toks = Toks::new(all.clone(), lo, lo + len);
            for i in 0..=toks.len() {
                let want = (i..toks.len())
                    .find(|&k| names::may_be_name_part(&toks[k]))
                    .unwrap_or(toks.len());
                proptest::prop_assert_eq!(toks.next_name_part(i), want);
                if i < toks.len() {
                    proptest::prop_assert_eq!(
                        toks.may_be_name_part(i),
                        names::may_be_name_part(&toks[i])
                    );
                }
            }
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
