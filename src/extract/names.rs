//! Speaker phrases → speaker names: titles and appositives stripped, organisations kept as
//! written, a surname mapped to the fullest name of the document, pronouns resolved to the
//! nearest compatible person named before them.

use compact_str::CompactString;
use memchr::memmem;

use super::lexicon::{self, Lexicon};
#[cfg(test)]
use super::tokens::tokenize;
use super::tokens::{Kind, Tok, Toks, lowercase};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Gender {
    #[default]
    Unknown,
    Male,
    Female,
    /// An organisation or a group.
    Plural,
}

impl Gender {
    pub(crate) fn of_flags(f: lexicon::Flags) -> Gender {
        if f & lexicon::MALE != 0 && f & lexicon::FEMALE == 0 {
            Gender::Male
        } else if f & lexicon::FEMALE != 0 && f & lexicon::MALE == 0 {
            Gender::Female
        } else if f & lexicon::PLURAL != 0 {
            Gender::Plural
        } else {
            Gender::Unknown
        }
    }
    pub fn compatible(self, other: Gender) -> bool {
        self == Gender::Unknown || other == Gender::Unknown || self == other
    }
}

/// What a speaker phrase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// A person's name ("Lena Ortiz", "Ortiz").
    Person,
    /// An organisation or a described source, kept as written ("the Pentagon", "a spokesman").
    Described,
    /// A pronoun ("he").
    Pronoun,
}

/// A speaker as found beside a quote, before or after resolution.
#[derive(Debug, Clone)]
pub struct Speaker {
    /// The normalised name.
    pub name: String,
    /// Byte range of the surface mention.
    pub mention: (usize, usize),
    pub what: What,
    pub gender: Gender,
    /// Whether a pronoun was resolved (for the confidence).
    pub resolved_pronoun: bool,
}

/// Words naming a ministry in `Secretary of State`, `Minister of Finance`.
const DEPARTMENTS: &[&str] = &[
    "state",
    "defense",
    "defence",
    "homeland",
    "security",
    "treasury",
    "justice",
    "labor",
    "commerce",
    "energy",
    "health",
    "human",
    "services",
    "education",
    "agriculture",
    "interior",
    "transportation",
    "veterans",
    "affairs",
    "housing",
    "urban",
    "development",
    "finance",
    "foreign",
    "home",
    "trade",
    "war",
];

/// Whether a lowercased word is a name particle (`de`, `van`, `bin`…). (Tested on every token
/// of a paragraph: a match on length first, not a walk through a list.)
fn is_particle(lower: &str) -> bool {
    let b = lower.as_bytes();
    (2..=3).contains(&b.len()) && PARTICLES.contains(&particle_key(b))
}

/// [`is_particle`] of the lowercased form of an ASCII word, without making it.
fn is_ascii_particle(word: &[u8]) -> bool {
    (2..=3).contains(&word.len())
        && PARTICLES.contains(&word.iter().fold(word.len() as u32, |k, b| {
            k << 8 | u32::from(b.to_ascii_lowercase())
        }))
}

// (each particle as one number, with its length: a match on byte strings compares them one by
// one, and this runs on every token of a paragraph)
const fn particle_key(w: &[u8]) -> u32 {
    let mut k = w.len() as u32;
    let mut i = 0;
    while i < w.len() {
        k = k << 8 | w[i] as u32;
        i += 1;
    }
    k
}

const PARTICLES: [u32; 15] = [
    particle_key(b"de"),
    particle_key(b"al"),
    particle_key(b"la"),
    particle_key(b"le"),
    particle_key(b"du"),
    particle_key(b"da"),
    particle_key(b"di"),
    particle_key(b"van"),
    particle_key(b"von"),
    particle_key(b"der"),
    particle_key(b"den"),
    particle_key(b"bin"),
    particle_key(b"del"),
    particle_key(b"ibn"),
    particle_key(b"mac"),
];

fn is_initial(t: &Tok) -> bool {
    t.kind == Kind::Word && t.cap && t.lower.len() == 2 && t.lower.ends_with('.')
}

/// Whether a token can be part of a proper name.
fn name_part(t: &Tok) -> bool {
    if t.kind != Kind::Word {
        return false;
    }
    // (run on every token of a paragraph: the lowercased form read once)
    let lower = t.lower.as_str();
    let initial = t.cap && lower.len() == 2 && lower.ends_with('.');
    if initial || is_particle(lower) {
        return true;
    }
    (t.cap || lower.starts_with('@'))
        && !t.is(lexicon::NOT_NAME | lexicon::TITLE | lexicon::PRONOUN | lexicon::MONTH)
        && !lower.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && !compound_adjective(lower)
}

/// Whether [`name_part_at`] can hold for `t`, whatever the tokens around it: the tokenizer
/// marks these tokens ([`super::tokens::Tokens`]), and the mention scan visits only them.
pub(crate) fn may_be_name_part(t: &Tok) -> bool {
    // (a capitalised function word, pronoun or title is no name part unless it is an initial
    // or `May`: neither has these flags)
    t.kind == Kind::Word
        && ((t.cap
            && (!t.is(lexicon::NOT_NAME | lexicon::PRONOUN | lexicon::TITLE)
                || t.lower.len() == 2))
            || t.is(lexicon::PARTICLE)
            || t.lower.starts_with('@'))
}

/// [`name_part`] of `toks[j]`, or the month `May` as a surname after a forename or a title
/// (`Theresa May`, `Mrs May`; not `in May`, `Will May 5`).
pub(crate) fn name_part_at(toks: &[Tok], j: usize) -> bool {
    let t = &toks[j];
    name_part(t)
        || (t.cap
            && t.lower == "may"
            && j > 0
            && {
                let p = &toks[j - 1];
                !p.possessive
                    && p.kind == Kind::Word
                    && ((p.cap && p.is(lexicon::MALE | lexicon::FEMALE) && !p.is(lexicon::MONTH))
                        || p.is(lexicon::TITLE))
            }
            && !toks
                .get(j + 1)
                .is_some_and(|n| n.lower.as_bytes().first().is_some_and(u8::is_ascii_digit)))
}

/// A lowercase word that is a noun rather than a verb, as far as the word lists tell.
fn describes_noun(t: &Tok) -> bool {
    describes(t) && !t.lower.ends_with('s')
}

/// `Korean-born`, `Texas-based`, `GOP-led`: a capitalised compound adjective before a name
/// describes the person and is no part of the name.
fn compound_adjective(lower: &str) -> bool {
    const SUFFIXES: [&str; 10] = [
        "-born",
        "-based",
        "-backed",
        "-led",
        "-owned",
        "-funded",
        "-leaning",
        "-controlled",
        "-affiliated",
        "-allied",
    ];
    lower.len() > 5 && lower.contains('-') && SUFFIXES.iter().any(|x| lower.ends_with(x))
}

/// The speaker named by the phrase `toks[lo..hi]`, unresolved.
pub fn from_phrase(text: &str, toks: &[Tok], lo: usize, hi: usize) -> Option<Speaker> {
    if lo >= hi || hi > toks.len() {
        return None;
    }
    // `Appearing before supporters, …`, `Speaking in his real voice`: a sentence-opening
    // participle is no name
    let t0 = &toks[lo];
    if t0.cap
        && t0.lower.len() >= 6
        && t0.lower.ends_with("ing")
        && !t0.is(lexicon::MALE | lexicon::FEMALE | lexicon::TITLE)
        && toks.get(lo + 1).is_some_and(|n| {
            n.kind == Kind::Word
                && !n.cap
                && n.is(lexicon::PREP | lexicon::FUNCTION)
                && !n.is(lexicon::CUE)
        })
    {
        return None;
    }
    // `Thursday`, `Friday morning`: time words are no speaker
    if toks[lo..hi]
        .iter()
        .filter(|t| t.kind == Kind::Word)
        .all(|t| t.is(lexicon::TIME))
    {
        return None;
    }
    let mention = (toks[lo].start, toks[hi - 1].end);
    if hi - lo == 1 && toks[lo].is(lexicon::PRONOUN) {
        let t = &toks[lo];
        let name = if t.lower == "i" {
            "I".to_string()
        } else {
            t.lower.to_string()
        };
        return Some(Speaker {
            name,
            mention,
            what: What::Pronoun,
            gender: Gender::of_flags(t.flags),
            resolved_pronoun: false,
        });
    }
    // `Scott Hawkins of Cheyenne`: a name before `of` is the speaker, the rest says where from
    if let Some(of) = toks[lo..hi]
        .iter()
        .position(|t| t.lower == "of")
        .map(|p| lo + p)
        && of > lo
        && name_part(&toks[of - 1])
        && (of - lo >= 2 || toks[lo].is(lexicon::MALE | lexicon::FEMALE))
        && toks[lo..of]
            .iter()
            .all(|t| name_part(t) || t.is(lexicon::TITLE))
        && toks[lo..of].iter().filter(|t| name_part(t)).count() >= 2
    {
        return from_phrase(text, toks, lo, of);
    }
    // the trailing run of name words, before any lowercase head (and before a trailing day:
    // `a fact sheet lawmakers released Monday`)
    let mut e = hi;
    while e > lo
        && (toks[e - 1].kind != Kind::Word
            || (e - 1 > lo && toks[e - 1].is(lexicon::TIME) && !toks[e - 1].is(lexicon::MONTH)))
    {
        e -= 1;
    }
    let last = &toks[e.saturating_sub(1).max(lo)];
    // `a professor at Harvard University`, `a senior fellow at Brookings`: a described person
    // with an affiliation speaks for themselves (`a spokesman for the Pentagon` speaks for it)
    let affiliated = toks
        .get(lo)
        .is_some_and(|t| matches!(t.lower.as_str(), "a" | "an" | "one" | "another"))
        && toks[lo + 1..hi]
            .iter()
            .position(|t| matches!(t.lower.as_str(), "at" | "of" | "from" | "with" | "to"))
            .is_some_and(|p| {
                p > 0
                    && toks[lo + 1..lo + 1 + p]
                        .iter()
                        .all(|t| t.kind == Kind::Word && !t.cap)
            });
    let ends_in_name =
        name_part_at(toks, e.saturating_sub(1).max(lo)) && !is_particle(&last.lower) && !affiliated;
    if ends_in_name {
        let mut s = e - 1;
        while s > lo && name_part_at(toks, s - 1) && !toks[s - 1].possessive {
            s -= 1;
        }
        // `Secretary of State John Kerry`: the department is not part of the name
        if s > lo && toks[s - 1].lower == "of" {
            while s + 1 < e && DEPARTMENTS.contains(&toks[s].lower.as_str()) {
                s += 1;
            }
        }
        // a determiner right before the run: an organisation ("the Pentagon")
        let det = s > lo && matches!(toks[s - 1].lower.as_str(), "the");
        let run_text = join_words(text, &toks[s..e]);
        if det {
            return Some(Speaker {
                name: format!("the {run_text}"),
                mention,
                what: What::Described,
                gender: Gender::Plural,
                resolved_pronoun: false,
            });
        }
        // a forename gives the gender only before a surname: a lone word may be a surname
        let mut gender = if e - s >= 2 {
            Gender::of_flags(toks[s].flags & (lexicon::MALE | lexicon::FEMALE))
        } else {
            Gender::Unknown
        };
        for t in &toks[lo..s] {
            if t.is(lexicon::TITLE) {
                let g = Gender::of_flags(t.flags);
                if g != Gender::Unknown {
                    gender = g;
                }
            }
        }
        let org = toks[s..e].iter().any(|t| t.is(lexicon::NONPERSON));
        return Some(Speaker {
            name: run_text,
            mention,
            what: if org { What::Described } else { What::Person },
            gender,
            resolved_pronoun: false,
        });
    }
    // a described source: keep as written, without a leading determiner's capital
    let words: Vec<&Tok> = toks[lo..hi]
        .iter()
        .filter(|t| t.kind == Kind::Word)
        .collect();
    // `the man`, `one user`, `another commenter`: a determiner and a noun (or `one` alone:
    // `"…," read one.`)
    let lone_one = words.len() == 1 && matches!(words[0].lower.as_str(), "one" | "another");
    let det_led = lone_one
        || words.len() >= 2
            && matches!(
                words[0].lower.as_str(),
                "the"
                    | "a"
                    | "an"
                    | "one"
                    | "another"
                    | "some"
                    | "several"
                    | "two"
                    | "three"
                    | "many"
            );
    if !det_led
        && !words
            .iter()
            .any(|t| t.is(lexicon::ROLE | lexicon::ORG | lexicon::TITLE) || t.cap)
    {
        return None;
    }
    let mut name = text[mention.0..mention.1].to_string();
    // (`One aide`, `An official`: any leading determiner, as `the` and `a`)
    if det_led
        && words[0].cap
        && let Some(first) = name.get(..1)
        && first.bytes().all(|b| b.is_ascii_uppercase())
    {
        name = format!("{}{}", first.to_ascii_lowercase(), &name[1..]);
    }
    let plural = words
        .last()
        .is_some_and(|t| t.lower.ends_with('s') || t.is(lexicon::ORG));
    Some(Speaker {
        name,
        mention,
        what: What::Described,
        gender: if plural {
            Gender::Plural
        } else {
            Gender::Unknown
        },
        resolved_pronoun: false,
    })
}

fn join_words(text: &str, toks: &[Tok]) -> String {
    let mut s = String::with_capacity(joined_len(toks));
    join_words_with(text, toks, |w| s.push_str(w));
    s
}

/// The length of the text the tokens `toks` span (at least that of their [`join_words`]).
fn joined_len(toks: &[Tok]) -> usize {
    match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => b.end.saturating_sub(a.start),
        _ => 0,
    }
}

/// [`join_words`], handing each piece to `push`.
fn join_words_with(text: &str, toks: &[Tok], mut push: impl FnMut(&str)) {
    for (i, t) in toks.iter().enumerate() {
        if i > 0 {
            push(" ");
        }
        let w = &text[t.start..t.end];
        let w = if t.possessive && i + 1 == toks.len() {
            w.trim_end_matches(['s', 'S'])
                .trim_end_matches(['\'', '\u{2019}'])
        } else {
            w
        };
        push(w);
    }
}

/// The longest form of a one-word name in the document: the nearest run of capitalised words
/// ending in it before `pos`, else the first one after. `Ortiz` → `Lena Ortiz`.
pub fn fullest(text: &str, lex: &Lexicon, word: &str, pos: usize) -> Option<String> {
    pick_form(&full_forms(text, lex, word), pos, |_| true)
}

/// Of the forms of a name (`full_forms`), the nearest before `pos` that `ok` accepts, else the
/// first after.
pub fn pick_form(
    forms: &[(usize, String)],
    pos: usize,
    ok: impl Fn(&str) -> bool,
) -> Option<String> {
    pick_form_index(forms, pos, ok).map(|i| forms[i].1.clone())
}

/// [`pick_form`] as an index into `forms`.
pub fn pick_form_index(
    forms: &[(usize, String)],
    pos: usize,
    ok: impl Fn(&str) -> bool,
) -> Option<usize> {
    let split = forms.partition_point(|(o, _)| *o < pos);
    (0..split)
        .rev()
        .chain(split..forms.len())
        .find(|&i| ok(&forms[i].1))
}

/// A letter, digit or combining mark (`e\u{301}`, a decomposed `é`): a character of a word.
fn word_char(c: char) -> bool {
    // (no combining mark is ASCII: the spaces and punctuation around names, tested at every
    // occurrence of one, need no look-up in the Unicode tables)
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Every multi-word form of a one-word name in the document, with its position, in order.
pub fn full_forms(text: &str, lex: &Lexicon, word: &str) -> Vec<(usize, String)> {
    full_forms_in(text, lex, word, None)
}

/// Where the words of a document that start with an ASCII capital letter start (after a
/// character that is no word character), grouped by that letter: the occurrences of a
/// capitalised name without searching the whole text for each name.
#[derive(Debug, Clone, Default)]
pub struct CapWords {
    /// `pos[bounds[l]..bounds[l + 1]]`: the offsets of the words starting with letter `l`
    /// (`A` = 0), in order.
    bounds: [u32; 27],
    pos: Vec<u32>,
}

impl CapWords {
    /// `None` for a text too long for 32-bit offsets.
    pub fn new(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        u32::try_from(b.len()).ok()?;
        let mut all: Vec<u32> = Vec::new();
        let mut count = [0u32; 26];
        let mut note = |o: usize| {
            let starts = o == 0 || {
                let p = b[o - 1];
                if p < 0x80 {
                    !p.is_ascii_alphanumeric()
                } else {
                    !text[..o].chars().next_back().is_some_and(word_char)
                }
            };
            if starts {
                all.push(o as u32);
                count[usize::from(b[o] - b'A')] += 1;
            }
        };
        // eight bytes at a time: the high bit of each byte in `A..=Z`
        const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const HIGH: u64 = !LOW;
        let chunks = b.chunks_exact(8);
        let rest = chunks.remainder().len();
        for (i, c) in chunks.enumerate() {
            let x = u64::from_le_bytes(c.try_into().unwrap_or_default());
            let low = x & LOW;
            let ge_a = low + 0x3f3f_3f3f_3f3f_3f3f; // (b & 0x7f) >= 0x41
            let ge_after_z = low + 0x2525_2525_2525_2525; // (b & 0x7f) >= 0x5b
            let mut m = ge_a & !ge_after_z & !x & HIGH;
            while m != 0 {
                note(i * 8 + (m.trailing_zeros() / 8) as usize);
                m &= m - 1;
            }
        }
        for (o, c) in b.iter().enumerate().skip(b.len() - rest) {
            if c.is_ascii_uppercase() {
                note(o);
            }
        }
        let mut bounds = [0u32; 27];
        for l in 0..26 {
            bounds[l + 1] = bounds[l] + count[l];
        }
        let mut next = bounds;
        let mut pos = vec![0u32; all.len()];
        for o in all {
            let l = usize::from(b[o as usize] - b'A');
            pos[next[l] as usize] = o;
            next[l] += 1;
        }
        Some(CapWords { bounds, pos })
    }

    /// The offsets of the words that start with the ASCII capital `first`.
    fn starting_with(&self, first: u8) -> &[u32] {
        let l = usize::from(first - b'A');
        &self.pos[self.bounds[l] as usize..self.bounds[l + 1] as usize]
    }
}

/// [`full_forms`], finding the name in `caps` when it can: a name of word characters only that
/// starts with an ASCII capital is found there exactly where the search of the whole text finds
/// it with word boundaries on both sides (no two such occurrences overlap, and no occurrence
/// without a boundary can hide one with boundaries).
pub fn full_forms_in(
    text: &str,
    lex: &Lexicon,
    word: &str,
    caps: Option<&CapWords>,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    if word.len() < 2 {
        return out;
    }
    let bytes = text.as_bytes();
    let end_ok = |o: usize| !text[o + word.len()..].chars().next().is_some_and(word_char);
    let mut take = |o: usize| {
        if let Some(start) = form_start(text, lex, o) {
            out.push((o, text[start..o + word.len()].to_string()));
        }
    };
    match caps.filter(|_| word.as_bytes()[0].is_ascii_uppercase() && word.chars().all(word_char)) {
        Some(caps) => {
            for &o in caps.starting_with(word.as_bytes()[0]) {
                let o = o as usize;
                if bytes[o..].starts_with(word.as_bytes()) && end_ok(o) {
                    take(o);
                }
            }
        }
        None => {
            for o in memmem::find_iter(bytes, word.as_bytes()) {
                if !(o > 0 && text[..o].chars().next_back().is_some_and(word_char)) && end_ok(o) {
                    take(o);
                }
            }
        }
    }
    out
}

/// The start of the run of capitalised words that ends with the word at `o`, if it holds two
/// words or more.
fn form_start(text: &str, lex: &Lexicon, o: usize) -> Option<usize> {
    // walk back over capitalised words separated by single spaces
    let mut start = o;
    let mut words = 1;
    while words < 4 {
        let head = &text[..start];
        let Some(h) = head.strip_suffix(' ') else {
            break;
        };
        let ws = h
            .char_indices()
            .rev()
            .find(|&(i, c)| {
                !(word_char(c)
                    || c == '.'
                    || c == '-'
                    || c == '\''
                    || c == '\u{2019}'
                    || super::tokens::mojibake_tail(&h[..i], c))
            })
            .map_or(0, |(i, c)| i + c.len_utf8());
        let w = &h[ws..];
        if w.is_empty() {
            break;
        }
        // (most words before a name are lowercase ASCII words, no particle: the tests below
        // would stop at them, with a lowercased copy and a look-up first)
        if w.is_ascii() && !w.as_bytes()[0].is_ascii_uppercase() && !is_ascii_particle(w.as_bytes())
        {
            break;
        }
        let lower = lowercase(w);
        let f = lex.get(&lower);
        let initial = w.len() == 2 && w.ends_with('.') && w.starts_with(|c: char| c.is_uppercase());
        let cap = w.starts_with(|c: char| c.is_uppercase());
        let particle = is_particle(&lower);
        // `Secretary of State John Kerry`: a ministry is not part of the name; nor is
        // `Korean-born`
        if DEPARTMENTS.contains(&lower.as_str()) || compound_adjective(&lower) {
            break;
        }
        if w.ends_with(['\'', '\u{2019}']) || lower.ends_with("'s") || lower.ends_with("\u{2019}s")
        {
            break;
        }
        // (nor `Chief of Staff Denis McDonough`'s role word, nor the participle of a heading,
        // `Celebrating Clinton`)
        let participle = lower.ends_with("ing") && f & (lexicon::MALE | lexicon::FEMALE) == 0;
        if !(initial
            || particle
            || (cap
                && !participle
                && f & (lexicon::NOT_NAME
                    | lexicon::TITLE
                    | lexicon::MONTH
                    | lexicon::PRONOUN
                    | lexicon::ROLE)
                    == 0))
        {
            break;
        }
        if w.ends_with('.') && !initial {
            break;
        }
        // a capitalised word at a sentence start is a name only when it is a known forename
        // (not at a line start: `Salma Hayek` opening a paragraph keeps its unknown forename)
        let before = &h[..ws];
        let trimmed = before.trim_end();
        let at_start =
            trimmed.is_empty() || trimmed.ends_with(['.', '!', '?', '"', '\u{201c}', '\u{201d}']);
        // (at a paragraph start an unknown word can be the forename that introduces the
        // person, `Florent Groberg is a former captain`, but not a word the lexicon knows or
        // one shaped like an inflected common word: `Despite Rubio`, `Backing Clinton`,
        // `Professors Foner`)
        let introduces = before[trimmed.len()..].contains(['\n', '\r'])
            && !trimmed.is_empty()
            && f == 0
            && !particle
            && !["ing", "ed", "ly", "s"].iter().any(|x| lower.ends_with(x));
        if at_start && f & (lexicon::MALE | lexicon::FEMALE) == 0 && !initial && !introduces {
            break;
        }
        start = ws;
        words += 1;
    }
    (words >= 2).then_some(start)
}

/// The gender of a resolved name: from its forename, else from `Mr.`/`Mrs.`/`Ms.` before its
/// surname somewhere in the document.
pub fn gender_of(text: &str, lex: &Lexicon, name: &str) -> Gender {
    Honorifics::new(text).gender_of(text, lex, name)
}

/// Where `Mr. `, `Mrs. ` and `Ms. ` occur in a document: found in one pass, so that the gender
/// of each name is a look at the few words after them instead of a scan of the whole text.
#[derive(Debug, Clone, Default)]
pub struct Honorifics {
    /// Per honorific (in the order of [`HONORIFICS`]), the byte offsets right after it.
    after: [Vec<usize>; 3],
}

/// The honorifics that give a gender, in the order they are tried.
const HONORIFICS: [(&str, Gender); 3] = [
    ("Mr. ", Gender::Male),
    ("Mrs. ", Gender::Female),
    ("Ms. ", Gender::Female),
];

impl Honorifics {
    pub fn new(text: &str) -> Self {
        let mut h = Honorifics::default();
        // all three start with `M`: one pass over the `M`s
        let b = text.as_bytes();
        for o in memchr::memchr_iter(b'M', b) {
            for (k, (t, _)) in HONORIFICS.iter().enumerate() {
                if b[o..].starts_with(t.as_bytes()) {
                    h.after[k].push(o + t.len());
                }
            }
        }
        h
    }

    /// [`gender_of`] with this document's honorifics.
    pub fn gender_of(&self, text: &str, lex: &Lexicon, name: &str) -> Gender {
        let mut words = name.split(' ');
        if name.contains(' ')
            && let Some(first) = words.next()
        {
            let g = Gender::of_flags(lex.get_folded(first) & (lexicon::MALE | lexicon::FEMALE));
            if g != Gender::Unknown {
                return g;
            }
        }
        // `Mr. {surname}` occurs in the text exactly when some `Mr. ` is followed by it; the
        // surname is the last word or more (`Ms. Suu Kyi` for `Aung San Suu Kyi`)
        let surnames = || {
            name.char_indices()
                .filter(|&(_, c)| c == ' ')
                .map(|(i, _)| &name[i + 1..])
        };
        for (k, (_, g)) in HONORIFICS.iter().enumerate() {
            if self.after[k].iter().any(|&o| {
                let after = &text.as_bytes()[o..];
                after.starts_with(name.as_bytes())
                    || surnames().any(|sn| {
                        after.starts_with(sn.as_bytes())
                            && !after
                                .get(sn.len())
                                .is_some_and(|&b| b.is_ascii_alphanumeric())
                    })
            }) {
                return *g;
            }
        }
        Gender::Unknown
    }
}

/// A person or group named in the text before a pronoun, as a candidate antecedent.
#[derive(Debug, Clone)]
pub struct Mention {
    pub name: CompactString,
    pub pos: usize,
    pub gender: Gender,
    /// First in its sentence: likely the subject.
    pub subject: bool,
    /// Right after `told`, `to`, `with`…: likely an object.
    pub object: bool,
    /// Followed by a speech verb (`Willsie said`).
    pub speaks: bool,
    pub described: bool,
    /// A title stood before the name (`Sen.`, `Mr.`).
    pub titled: bool,
    /// After `in`, `at`, `near` …: more likely a place than a person.
    pub locative: bool,
}

/// Whether a name can be a person's: no place or institution word, not a plural group word.
pub fn person_like(lex: &Lexicon, name: &str) -> bool {
    person_like_flags(name, word_flags(lex, name))
}

/// The lexicon flags of the words of a name, or-ed together.
pub fn word_flags(lex: &Lexicon, name: &str) -> lexicon::Flags {
    name.split(' ').fold(0, |f, w| f | lex.get_folded(w))
}

/// [`person_like`] of a name whose [`word_flags`] are `flags` (for a caller that has them
/// already).
pub fn person_like_flags(name: &str, flags: lexicon::Flags) -> bool {
    if flags & lexicon::NONPERSON != 0 {
        return false;
    }
    // one word
    if !name.contains(' ') {
        let w = name;
        const GROUP_SUFFIXES: [&str; 6] = ["ans", "ers", "ists", "ites", "ians", "ics"];
        let group = if w.is_ascii() {
            // (no lowercased copy of an ASCII word)
            GROUP_SUFFIXES.iter().any(|s| {
                w.len() >= s.len()
                    && w.as_bytes()[w.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
            })
        } else {
            let l = lowercase(w);
            GROUP_SUFFIXES.iter().any(|s| l.ends_with(s))
        };
        if group {
            return false;
        }
        if w.len() > 1 && w.chars().all(|c| c.is_uppercase() || c == '.') {
            return false; // an acronym
        }
    }
    true
}

/// Prepositions of place: a name after one is more likely a place (`in Palo Alto`).
const LOCATIVES: &[&str] = &[
    "in",
    "at",
    "near",
    "outside",
    "inside",
    "across",
    "throughout",
    "around",
];

/// Words after which a name is an object, not a subject (`told Kasich`, `with Cruz`).
const OBJECT_MARKERS: &[&str] = &[
    "told",
    "tells",
    "telling",
    "to",
    "with",
    "by",
    "about",
    "from",
    "than",
    "against",
    "for",
    "asked",
    "asks",
    "of",
    "at",
    "on",
    "in",
    "and",
    "called",
    "thanked",
    "praised",
    "attacked",
    "criticized",
    "over",
    "like",
    "as",
    "between",
    "into",
    "endorsed",
    "defeated",
    "beat",
];

/// A lowercase word that describes the person named after it (`federal`, `prosecutor`).
fn describes(t: &Tok) -> bool {
    t.kind == Kind::Word
        && !t.cap
        && (t.is(lexicon::TITLE | lexicon::ROLE)
            || !t.is(lexicon::FUNCTION
                | lexicon::PREP
                | lexicon::ADVERB
                | lexicon::AUX
                | lexicon::VERB
                | lexicon::CUE
                | lexicon::CUE_ING
                | lexicon::CUE_BASE
                | lexicon::PRONOUN
                | lexicon::TIME)
                && !t.lower.ends_with("ed")
                && !t.lower.ends_with("ly"))
}

/// Words after which a name starts a clause: it is probably its subject.
/// Auxiliary verbs: after a name they make it the subject of a clause (`said Obama has kept`
/// reports what Obama did; `said Obama.` names the speaker).
const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "does", "did", "will", "would", "can",
    "could", "should", "might", "must", "shall", "may",
];

const CLAUSE_OPENERS: &[&str] = &[
    "and", "but", "that", "when", "while", "because", "although", "though", "if", "since", "after",
    "before", "so", "where", "whereas", "until", "once", "as",
];

/// Person mentions in `toks`, skipping the inside of quotations (`inside`).
pub fn mentions(
    text: &str,
    toks: &[Tok],
    inside: &dyn Fn(usize) -> bool,
    sentence_starts: &dyn Fn(usize) -> bool,
    out: &mut Vec<Mention>,
) {
    mentions_from(
        text,
        &Toks::owned(toks.to_vec()),
        0,
        inside,
        sentence_starts,
        out,
        &mut ScanMarks::default(),
    );
}

/// Where a scan of [`mentions_from`] went: the token index where each mention's run ends, and
/// every run of name words (start, end), a mention or not.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScanMarks {
    pub ends: Vec<usize>,
    pub runs: Vec<(usize, usize)>,
}

impl ScanMarks {
    /// For the first `n` tokens of the scanned ones: how many of the mentions are theirs too,
    /// and the token from which a scan of the `n` tokens finds the rest.
    ///
    /// A mention looks at most one token past its run, so a run that ends two tokens or more
    /// before the cut comes out the same; the scan resumes at the token two before the cut, or
    /// at the start of the run that holds it (where the scan of the whole was too).
    pub fn resume(&self, n: usize) -> (usize, usize) {
        let Some(t) = n.checked_sub(2) else {
            return (0, 0);
        };
        let p = self.runs.partition_point(|r| r.0 < t);
        let s = match p.checked_sub(1).map(|k| self.runs[k]) {
            Some((i, j)) if j > t => i,
            _ => t,
        };
        (self.ends.partition_point(|&j| j <= s), s)
    }
}

/// [`mentions`], going on from token `from` (a token the scan of all of `toks` came to: 0, the
/// end of a run, or a token outside every run), and noting where it went in `marks`.
pub(crate) fn mentions_from(
    text: &str,
    toks: &Toks,
    from: usize,
    inside: &dyn Fn(usize) -> bool,
    sentence_starts: &dyn Fn(usize) -> bool,
    out: &mut Vec<Mention>,
    marks: &mut ScanMarks,
) {
    // (about one run of name words in eight tokens of news text, most of them mentions)
    let rest = toks.len().saturating_sub(from);
    out.reserve(rest / 8);
    marks.ends.reserve(rest / 8);
    marks.runs.reserve(rest / 8);
    let mut i = toks.next_name_part(from);
    while i < toks.len() {
        let t = &toks[i];
        // (the tokens that cannot be part of a name, about seven in eight, were passed over
        // 64 at a time by `next_name_part`)
        if !name_part_at(toks, i) || is_initial(t) || inside(t.start) {
            i = toks.next_name_part(i + 1);
            continue;
        }
        let mut j = i + 1;
        while j < toks.len()
            && toks.may_be_name_part(j)
            && name_part_at(toks, j)
            && !toks[j - 1].possessive
            && !inside(toks[j].start)
        {
            j += 1;
        }
        let at_start = i == 0 || sentence_starts(t.start) || toks[i - 1].kind == Kind::Mark;
        // a lone capitalised word at a sentence start says nothing unless it is a known name
        let lone_starter =
            j - i == 1 && at_start && t.is(lexicon::STARTER | lexicon::VERB | lexicon::CUE);
        // titles before the run give gender and make it a person
        let mut k = i;
        let mut gender = Gender::Unknown;
        let mut titled = false;
        // titles, and a state or country before them (`Ohio Gov. John Kasich`)
        while k > 0
            && (toks[k - 1].is(lexicon::TITLE)
                || (k < i && toks[k - 1].cap && toks[k - 1].is(lexicon::NONPERSON)))
        {
            k -= 1;
            titled = true;
            let g = Gender::of_flags(toks[k].flags);
            if g != Gender::Unknown {
                gender = g;
            }
        }
        // `Former federal prosecutor Glen Kopp`: descriptive words before the name belong to it
        while k > 0 && i - k < 6 && describes(&toks[k - 1]) {
            k -= 1;
        }
        let described = k > 0 && toks[k - 1].lower == "the" && !titled;
        // `the Obama administration`: the name modifies the noun after it, which is the
        // mention; `the Clinton hearing`: a noun that names no one, so no mention at all
        let head = toks
            .get(j)
            .filter(|n| described && n.kind == Kind::Word && !n.cap && !n.possessive);
        let org_head = head.is_some_and(|n| n.is(lexicon::ORG));
        let modifier = !org_head && head.is_some_and(describes_noun);
        if !(lone_starter || (described && j - i > 3) || modifier) {
            // (inline, no allocation, for a name of up to 24 bytes: most of them)
            let mut name = CompactString::with_capacity(joined_len(&toks[i..j]) + 4);
            if described {
                name.push_str("the ");
            }
            join_words_with(text, &toks[i..j], |w| name.push_str(w));
            if org_head && let Some(n) = head {
                name.push(' ');
                name.push_str(&text[n.start..n.end]);
            }
            if gender == Gender::Unknown && j - i >= 2 {
                gender = Gender::of_flags(toks[i].flags & (lexicon::MALE | lexicon::FEMALE));
            }
            let first = if described { k - 1 } else { k };
            // the subject of a clause: at its start (after a comma, a conjunction or a
            // quotation), or after a speech verb (`said Sanders`); not a possessive
            let prev = first.checked_sub(1).map(|p| &toks[p]);
            let possessive = toks[j - 1].possessive;
            // inside a sentence, a subject opens a clause and is followed by its verb or an
            // appositive (`…, Sanders did go further`, `But Sen. Cobb-Hunter, a member …,
            // recalled`); an item of a list is not (`…, Senator Marco Rubio, and …`)
            let next_tok = toks.get(j);
            let verb_follows = next_tok
                .is_some_and(|n| n.kind == Kind::Word && !n.cap && !n.is(lexicon::FUNCTION));
            let appositive_follows = next_tok.is_some_and(|n| n.is_punct(',') || n.is_punct('('));
            let opens_clause = prev.is_some_and(|p| {
                matches!(
                    p.kind,
                    Kind::Mark | Kind::Punct('(' | '\u{2014}' | '\u{2013}' | ';')
                ) || CLAUSE_OPENERS.contains(&p.lower.as_str())
            });
            // `said Sanders.` is an inverted speaker; `suggested Trump went` is not the subject
            let aux_follows =
                next_tok.is_some_and(|n| AUXILIARIES.contains(&n.lower.as_str()) && !n.cap);
            let inverted =
                prev.is_some_and(|p| p.is(lexicon::CUE)) && !verb_follows && !aux_follows;
            let after_comma = prev.is_some_and(|p| p.is_punct(','));
            // `His daughter, Mira, 12, carried …`: a name in commas after a short phrase of
            // lowercase words opening the sentence names its subject
            let names_subject = after_comma && appositive_follows && {
                let mut b = first - 1;
                while b > 0
                    && first - b <= 4
                    && toks[b - 1].kind == Kind::Word
                    && !toks[b - 1].is(lexicon::CUE | lexicon::VERB | lexicon::AUX)
                    && !sentence_starts(toks[b].start)
                {
                    b -= 1;
                }
                b + 1 < first
                    && sentence_starts(toks[b].start)
                    && (!toks[b].cap || toks[b].is(lexicon::FUNCTION | lexicon::PRONOUN))
                    && !toks[b + 1..first - 1].iter().any(|t| t.cap)
            };
            let subject = !possessive
                && (first == 0
                    || sentence_starts(toks[first].start)
                    || inverted
                    || names_subject
                    || (opens_clause && (verb_follows || appositive_follows))
                    || (after_comma && verb_follows));
            // followed by a speech verb: a speaker
            let next = toks.get(j);
            let cue_at = |k: usize| {
                let n = toks.get(k);
                n.is_some_and(|n| n.is(lexicon::CUE) && !n.cap)
                    || (n.is_some_and(|n| n.is(lexicon::ADVERB))
                        && toks
                            .get(k + 1)
                            .is_some_and(|n| n.is(lexicon::CUE) && !n.cap))
            };
            // past an appositive too: `Armstrong Williams, Carson's longtime friend, suggested`
            let after_appositive = next.is_some_and(|n| n.is_punct(','))
                && toks[j + 1..]
                    .iter()
                    .take(15)
                    .position(|t| t.is_punct(',') || t.kind == Kind::Mark)
                    .is_some_and(|p| toks[j + 1 + p].is_punct(',') && cue_at(j + 2 + p));
            let speaks = cue_at(j) || after_appositive;
            let subject = subject || (speaks && !possessive);
            let object = !speaks
                && prev.is_some_and(|p| {
                    OBJECT_MARKERS.contains(&p.lower.as_str())
                        || (p.kind == Kind::Word && !p.cap && !subject)
                });
            let locative = prev.is_some_and(|p| LOCATIVES.contains(&p.lower.as_str()));
            out.push(Mention {
                name,
                pos: t.start,
                gender: if described { Gender::Plural } else { gender },
                subject,
                object,
                locative,
                speaks,
                described,
                titled,
            });
            marks.ends.push(j);
        }
        marks.runs.push((i, j));
        i = toks.next_name_part(j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(t: &str) -> Option<Speaker> {
        let lex = Lexicon::new();
        let toks = tokenize(t, 0, t.len(), &lex);
        from_phrase(t, &toks, 0, toks.len())
    }

    #[test]
    fn phrases() {
        assert_eq!(phrase("Mayor Lena Ortiz").unwrap().name, "Lena Ortiz");
        assert_eq!(
            phrase("Finance Minister Raj Patel").unwrap().name,
            "Raj Patel"
        );
        assert_eq!(
            phrase("Secretary of State John Kerry").unwrap().name,
            "John Kerry"
        );
        assert_eq!(phrase("the Pentagon").unwrap().name, "the Pentagon");
        assert_eq!(phrase("welder Jo Dunn").unwrap().name, "Jo Dunn");
        assert_eq!(phrase("a spokesman").unwrap().name, "a spokesman");
        let he = phrase("he").unwrap();
        assert_eq!((he.what, he.gender), (What::Pronoun, Gender::Male));
        assert_eq!(phrase("Mrs. Clinton").unwrap().gender, Gender::Female);
    }

    #[test]
    fn particles_are_matched() {
        const PARTICLES: &[&str] = &[
            "de", "van", "von", "der", "den", "bin", "al", "la", "le", "du", "da", "di", "del",
            "ibn", "mac",
        ];
        for p in PARTICLES {
            assert!(is_particle(p), "{p}");
        }
        let others = PARTICLES
            .iter()
            .map(|p| format!("{p}s"))
            .chain(["d", "", "dee"].map(String::from));
        for w in others {
            assert!(!is_particle(&w), "{w}");
        }
        // the test on a word as written agrees with the one on its lowercased form
        for w in [
            "De", "VAN", "Bin", "Mac", "Macs", "Dee", "D", "la", "x", "Of", "DI",
        ] {
            assert_eq!(
                is_ascii_particle(w.as_bytes()),
                is_particle(&w.to_ascii_lowercase()),
                "{w}"
            );
        }
    }

    #[test]
    fn honorifics_give_the_gender_of_a_surname() {
        let lex = Lexicon::new();
        let t = "Mr. Smithson spoke. Mrs. Ortiz and Ms. Lee listened; Mr. Lee left. Mr.";
        let h = Honorifics::new(t);
        // as a search for `Mr. Smith` in the text would: a prefix of a longer word counts
        assert_eq!(h.gender_of(t, &lex, "Smith"), Gender::Male);
        assert_eq!(h.gender_of(t, &lex, "Ana Ortiz"), Gender::Female);
        // `Mr.` is tried before `Ms.`
        assert_eq!(h.gender_of(t, &lex, "Lee"), Gender::Male);
        // a forename decides first
        assert_eq!(h.gender_of(t, &lex, "Susan Lee"), Gender::Female);
        assert_eq!(h.gender_of(t, &lex, "Brooks"), Gender::Unknown);
        assert_eq!(gender_of(t, &lex, "Ortiz"), Gender::Female);
    }

    /// The lexicon's particle flag marks exactly the words [`is_particle`] takes.
    #[test]
    fn the_particle_flag_marks_the_particles() {
        let lex = Lexicon::new();
        let letters = || (b'a'..=b'z').map(char::from);
        let mut words: Vec<String> = lex.words().map(|(w, _)| w.to_string()).collect();
        for a in letters() {
            for b in letters() {
                words.push(format!("{a}{b}"));
                words.extend(letters().map(|c| format!("{a}{b}{c}")));
            }
        }
        let mut n = 0;
        for w in &words {
            let flagged = lex.get(w) & lexicon::PARTICLE != 0;
            assert_eq!(flagged, is_particle(w), "{w}");
            n += usize::from(flagged);
        }
        assert_eq!(
            n,
            PARTICLES.len() * 2,
            "every particle, in the lexicon and among the probes"
        );
    }

    /// The mention scan visits only the tokens the tokenizer marks: every name part is one,
    /// whatever the lexicon says of the word (each word of the lexicon as written there, with
    /// a capital and in capitals, after a forename and after a preposition).
    #[test]
    fn every_name_part_is_marked() {
        let lex = Lexicon::new();
        let mut t = String::from(
            "Theresa May met Mrs May in May, said de Gaulle, @jack and J. Smith; the \
             Korean-born O'Neil, 2,000 van der Berg fans, Sen. Cobb-Hunter and Mr. Lee.",
        );
        for (w, _) in lex.words() {
            let cap: String = w.chars().take(1).flat_map(char::to_uppercase).collect();
            let cap = cap + &w[w.chars().next().map_or(0, char::len_utf8)..];
            for v in [w.to_string(), cap, w.to_uppercase()] {
                t.push_str(&format!(" Theresa {v} spoke, in {v} and @{v}."));
            }
        }
        let toks = Toks::owned(tokenize(&t, 0, t.len(), &lex));
        let mut parts = 0;
        for j in 0..toks.len() {
            if name_part_at(&toks, j) {
                parts += 1;
                assert!(toks.may_be_name_part(j), "{:?}", toks[j]);
            }
        }
        assert!(parts > lex.words().count(), "{parts}");
    }

    #[test]
    fn mentions_of_a_prefix_go_on_from_those_of_the_whole() {
        let lex = Lexicon::new();
        let t = "Gov. Nia Brooks told Sen. Cobb-Hunter, a member, that Ohio Gov. John Kasich \
                 said Friday. Trump’s aide Lee Epstein and Rubio did go further, said Sanders \
                 Tuesday; Former federal prosecutor Glen Kopp told the Daily News Editorial Board";
        let all = std::rc::Rc::new(tokenize(t, 0, t.len(), &lex));
        let toks = Toks::new(all.clone(), 0, all.len());
        let inside = |p: usize| (40..48).contains(&p);
        let starts = |p: usize| p == 0 || t[..p].trim_end().ends_with('.');
        let (mut whole, mut marks) = (Vec::new(), ScanMarks::default());
        mentions_from(t, &toks, 0, &inside, &starts, &mut whole, &mut marks);
        assert_eq!(whole.len(), marks.ends.len());
        assert!(whole.len() >= 8, "{whole:?}");
        // runs that are no mention too (a sentence opener)
        assert!(marks.runs.len() > whole.len());
        for n in 0..=toks.len() {
            let mut expected = Vec::new();
            mentions(t, &toks[..n], &inside, &starts, &mut expected);
            let (kept, from) = marks.resume(n);
            assert!(from + 2 >= n || marks.runs.iter().any(|r| r.0 == from));
            let mut got: Vec<Mention> = whole[..kept].to_vec();
            mentions_from(
                t,
                &Toks::new(all.clone(), 0, n),
                from,
                &inside,
                &starts,
                &mut got,
                &mut ScanMarks::default(),
            );
            assert_eq!(
                format!("{got:?}"),
                format!("{expected:?}"),
                "prefix of {n} tokens"
            );
        }
    }

    #[test]
    fn fullest_names() {
        let lex = Lexicon::new();
        let t = "Mayor Lena Ortiz spoke. Later, Ortiz said so. When Ortiz left, Bill Ortiz stayed.";
        assert_eq!(fullest(t, &lex, "Ortiz", 30).as_deref(), Some("Lena Ortiz"));
        assert_eq!(fullest(t, &lex, "Ortiz", 80).as_deref(), Some("Bill Ortiz"));
        assert_eq!(fullest("Ortiz said.", &lex, "Ortiz", 0), None);
        // a surname with UTF-8 read as Latin-1 in it, its `Ã` decomposed
        let t = "President Enrique Pe\u{41}\u{303}\u{b1}a Nieto met Trump.";
        assert_eq!(
            full_forms(t, &lex, "Nieto"),
            vec![(27, "Enrique Pe\u{41}\u{303}\u{b1}a Nieto".to_string())]
        );
    }

    #[test]
    fn ascii_word_characters_are_letters_and_digits() {
        for c in (0u8..0x80).map(char::from) {
            assert_eq!(
                word_char(c),
                c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c),
                "{c:?}"
            );
        }
        assert!(word_char('\u{301}') && word_char('\u{e9}') && !word_char('\u{2019}'));
    }

    proptest::proptest! {
        /// The forms found through the index of capitalised words are those the search of
        /// the whole text finds, for any name (the index serves only some of them).
        #[test]
        fn indexed_forms_are_those_of_the_search(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Ortiz", "Lena", "Bill", "Mayor", "Pe\u{f1}a", "\u{c9}mile", "de", "O'Neil",
                    "Cobb-Hunter", "Jr.", "J.", "said", "the", "Ortiz's", "ortiz", "xOrtiz",
                    "Ortiz2", "e\u{301}", "\u{2019}", ".", ",", "\n", "\"", " ", " ", " ",
                ]),
                0..40,
            ),
            joins in proptest::collection::vec(proptest::bool::ANY, 40),
            name in proptest::sample::select(vec![
                "Ortiz", "Lena", "Pe\u{f1}a", "\u{c9}mile", "O'Neil", "Cobb-Hunter", "Hunter",
                "Jr.", "J.", "Neil", "Ortiz2", "de", "Bill",
            ]),
        ) {
            let lex = Lexicon::new();
            // words glued together or apart, so that names also occur inside other words
            let mut text = String::new();
            for (w, glue) in words.iter().zip(&joins) {
                if !glue && !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(w);
            }
            let caps = CapWords::new(&text);
            proptest::prop_assert_eq!(
                full_forms_in(&text, &lex, name, caps.as_ref()),
                full_forms(&text, &lex, name)
            );
        }
    }
}
