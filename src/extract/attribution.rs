//! The sieves that attribute a quotation to its speaker, most precise first:
//!
//! 1. `adjacent-after` / `adjacent-before`: `"Q," X said`, `"Q," said X`, `X said: "Q"`, with
//!    titles and appositives;
//! 2. `split`: the second part of `"Q1," X said, "Q2"` inherits the first part's speaker;
//! 3. `according-to`: `according to X` in the quotation's sentence;
//! 4. `same-clause`: a cue earlier in the same sentence (`X called the plan "…"`);
//! 5. `prev-sentence`: a named subject in the previous sentence (`Gov. Brooks was blunt. "…"`);
//! 6. `continuation`: a quotation with no attribution of its own continues the previous
//!    quotation's speaker in the same or the previous paragraph;
//!
//! then a pronoun is resolved to the nearest compatible person named before it (the subject,
//! not the object, of `told`), and a surname is mapped to the fullest name in the document.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::rc::Rc;

use foldhash::fast::FixedState;

use super::lexicon::{self, Lexicon};
use super::names::{self, Gender, Speaker, What};
use super::scanner::Span;
use super::sentences::Segments;
use super::tokens::{Kind as TK, Tok, Tokens, Toks, tokenize};
use crate::schema::Kind;

/// The longer forms of a one-word name, with their positions.
type NameForms = Vec<(usize, String)>;

/// A document being attributed.
pub struct Doc<'a> {
    pub text: &'a str,
    pub lex: &'a Lexicon,
    pub seg: Segments,
    pub spans: Vec<Span>,
    /// Name lookups already made in this document: surname → its longer forms, name → gender.
    forms: RefCell<HashMap<String, Rc<NameForms>, FixedState>>,
    genders: RefCell<HashMap<String, Gender, FixedState>>,
    /// Name → what the runner-up search can make of it; word → whether the document also
    /// writes it in lowercase.
    name_facts: RefCell<HashMap<String, Rc<NameFacts>, FixedState>>,
    lowercase_words: RefCell<HashMap<String, bool, FixedState>>,
    /// [`Doc::forename_full`] of each forename asked about.
    forename_forms: RefCell<HashMap<String, Option<String>, FixedState>>,
    /// Tokens of each paragraph, made when first needed.
    para_toks: RefCell<Vec<Option<Rc<Tokens>>>>,
    /// Person mentions of each paragraph, found when first needed.
    para_mentions: RefCell<Vec<Option<Rc<ParaMentions>>>>,
    /// Where the document writes `Mr.`, `Mrs.` and `Ms.`, for the gender of names.
    honorifics: OnceCell<names::Honorifics>,
    /// Where the capitalised words start, for the longer forms of names (made when first
    /// needed).
    caps: OnceCell<Option<names::CapWords>>,
}

/// The person mentions of a whole paragraph.
struct ParaMentions {
    ms: Vec<names::Mention>,
    /// Where the scan of the paragraph's tokens went.
    marks: names::ScanMarks,
    /// What [`Doc::nearby_candidates`] makes of the first mentions, made when first asked
    /// (the mentions after the last quotation of a paragraph are never asked about).
    cands: RefCell<Vec<Option<Rc<Cand>>>>,
}

/// A mention that can be offered as a runner-up speaker: its fullest name and that name's key.
struct Cand {
    name: String,
    key: String,
    /// A hash of `key`: the runner-up search compares each mention's key with those of the
    /// candidates so far, and most are different.
    key_hash: u64,
}

/// What a name can be as a runner-up, whatever the mention: its lexicon tests and its
/// candidate.
struct NameFacts {
    /// Names an organisation.
    org: bool,
    /// No place or institution word, not a group word ([`names::person_like`]).
    person_like: bool,
    /// Its gender is known (a forename, or `Mr.`/`Ms.` before its surname): found when first
    /// needed, as the candidate.
    known_person: OnceCell<bool>,
    /// All capitals (`FULL TEXT`).
    shouting: bool,
    cand: OnceCell<Rc<Cand>>,
}

/// The attribution of one quotation, in byte offsets.
#[derive(Debug, Clone)]
pub struct Attributed {
    pub span: Span,
    pub kind: Kind,
    pub speaker: Option<Speaker>,
    /// The unresolved surface mention.
    pub mention: Option<(usize, usize)>,
    pub cue: String,
    pub confidence: f64,
    pub rule: &'static str,
    pub candidates: Vec<String>,
    pub context: (usize, usize),
}

/// One sieve's finding.
#[derive(Debug, Clone)]
struct Found {
    speaker: Speaker,
    cue: String,
    rule: &'static str,
    confidence: f64,
    /// Byte offset of the cue, to recognise the second part of a split quotation.
    cue_pos: Option<usize>,
}

fn is_cue(t: &Tok) -> bool {
    t.kind == TK::Word && t.is(lexicon::CUE) && !t.cap
}

fn is_det(t: &Tok) -> bool {
    matches!(
        t.lower.as_str(),
        "the" | "a" | "an" | "his" | "her" | "its" | "their" | "this" | "these"
    )
}

/// `one`, `another`, `some`: start a phrase like a determiner (`one user wrote`).
fn is_quant(t: &Tok) -> bool {
    matches!(
        t.lower.as_str(),
        "one" | "another" | "some" | "several" | "two" | "three" | "many" | "other"
    )
}

/// A lowercase word that may describe a speaker (`senior`, `press`): not a closed-class word,
/// verb or cue.
fn is_descriptor(t: &Tok) -> bool {
    t.kind == TK::Word
        && !t.cap
        && !t.is(lexicon::FUNCTION
            | lexicon::PREP
            | lexicon::ADVERB
            | lexicon::AUX
            | lexicon::VERB
            | lexicon::CUE
            | lexicon::CUE_ING
            | lexicon::TIME
            | lexicon::PRONOUN)
        && !t.lower.ends_with("ed")
        && !t.lower.ends_with("ly")
        && !t.lower.ends_with("n't")
        && !t.lower.ends_with("n\u{2019}t")
}

fn nameish(t: &Tok) -> bool {
    t.kind == TK::Word
        && ((t.cap && !t.is(lexicon::NOT_NAME) && !t.is(lexicon::PRONOUN))
            || t.is(lexicon::TITLE | lexicon::ROLE | lexicon::ORG)
            || t.lower.starts_with('@'))
}

fn subject_pronoun(t: &Tok) -> bool {
    t.kind == TK::Word
        && matches!(
            t.lower.as_str(),
            "he" | "she" | "they" | "it" | "i" | "we" | "you"
        )
}

/// A speaker phrase starting at `i`, going forward: `[det] (name|title|role|descriptor|of|for|and)*`.
/// Returns its end (exclusive).
pub(crate) fn np_forward(toks: &[Tok], i: usize) -> Option<usize> {
    let t = toks.get(i)?;
    if subject_pronoun(t) {
        return Some(i + 1);
    }
    let mut j = i;
    if is_det(t) || is_quant(t) {
        j += 1;
    }
    let mut content = 0;
    let mut desc = 0;
    while j < toks.len() && j - i < 14 {
        let t = &toks[j];
        if t.kind != TK::Word {
            break;
        }
        if is_cue(t) || (j > i && plural_says(&toks[j - 1], t)) {
            break;
        }
        // an acronym inside the phrase (`council IT director`) is not the pronoun `it`, nor a
        // capitalised function word inside a run of names (`CBS This Morning co-anchor`)
        let acronym = t.cap && t.lower == "it" && j > i && content > 0;
        let in_title = t.cap
            && j > i
            && toks[j - 1].cap
            && content > 0
            && toks.get(j + 1).is_some_and(|n| n.cap && nameish(n));
        if nameish(t) || acronym || in_title {
            j += 1;
            content += 1;
            if t.possessive && toks.get(j).is_some_and(|n| n.kind != TK::Word) {
                break;
            }
            continue;
        }
        let next = toks.get(j + 1);
        // `one of two witnesses`
        if t.lower == "of" && j == i + 1 && is_quant(&toks[i]) {
            j += 1;
            continue;
        }
        // `of the Pentagon`, `of State`, `secretary of state Hillary Clinton`
        let lower_then_name = next.is_some_and(|n| n.kind == TK::Word && !n.cap)
            && toks.get(j + 2).is_some_and(|n| n.cap && nameish(n));
        if content > 0
            && matches!(t.lower.as_str(), "of" | "for" | "at")
            && next.is_some_and(|n| nameish(n) || is_det(n))
            || (t.lower == "of" && content > 0 && lower_then_name)
        {
            if lower_then_name && !next.is_some_and(nameish) {
                j += 1; // the lowercase word after `of`
            }
            j += 1;
            continue;
        }
        if content > 0
            && is_det(t)
            && j > i
            && matches!(toks[j - 1].lower.as_str(), "of" | "for" | "at")
        {
            j += 1;
            continue;
        }
        if content > 0 && t.lower == "and" && next.is_some_and(|n| n.cap && nameish(n)) {
            j += 1;
            continue;
        }
        // `undecided Republican voter`: a participle used as an adjective before a name or role
        // (not after a name: `Huma Abedin rallied supporters`)
        let adjective = t.lower.ends_with("ed")
            && !(j > i && toks[j - 1].cap)
            && !t.is(lexicon::CUE | lexicon::AUX)
            && next.is_some_and(|n| {
                n.kind == TK::Word
                    && (n.cap || n.is(lexicon::TITLE | lexicon::ROLE) || is_descriptor(n))
            });
        // `The top aide rallied supporters`: a past form after a head noun is its verb
        if t.lower.ends_with("ed")
            && !t.cap
            && j > i
            && toks[j - 1].is(lexicon::ROLE | lexicon::TITLE)
            && !toks[j - 1].cap
        {
            break;
        }
        if (is_descriptor(t) || adjective)
            && !t.cap
            && !t.is(lexicon::FUNCTION | lexicon::PREP | lexicon::PRONOUN | lexicon::TIME)
            && desc < 3
        {
            j += 1;
            desc += 1;
            content += 1;
            continue;
        }
        break;
    }
    // trim dangling connectors
    let dangling = |j: usize| {
        let mut j = j;
        while j > i
            && matches!(
                toks[j - 1].lower.as_str(),
                "of" | "for" | "and" | "the" | "a" | "an" | "at"
            )
        {
            j -= 1;
        }
        j
    };
    j = dangling(j);
    // a head noun is not followed by lowercase descriptors (`his campaign sent`)
    if let Some(h) = toks[i..j]
        .iter()
        .rposition(|t| t.is(lexicon::ROLE | lexicon::TITLE))
        && h > 0
        && toks[i + h + 1..j]
            .iter()
            .all(|t| is_descriptor(t) && !t.is(lexicon::ROLE | lexicon::TITLE | lexicon::ORG))
    {
        j = i + h + 1;
    }
    // a name is not followed by lowercase descriptors (`Others paid tribute`), nor by what they
    // hung from (`said Bobby Scott at the time`)
    if toks[i].cap && nameish(&toks[i]) {
        while j > i + 1
            && is_descriptor(&toks[j - 1])
            && !toks[j - 1].is(lexicon::TITLE | lexicon::ROLE | lexicon::ORG)
        {
            j -= 1;
        }
        j = dangling(j);
    }
    if j == i || (j == i + 1 && is_det(&toks[i])) {
        return None;
    }
    // a bare `one` (`read one.`, `said another,`)
    if j == i + 1
        && matches!(toks[i].lower.as_str(), "one" | "another")
        && toks.get(i + 1).is_none_or(|n| n.kind != TK::Word)
    {
        return Some(i + 1);
    }
    // lowercase descriptors only make a speaker after a determiner (`one user`, `a reporter`)
    let det_led = (is_det(&toks[i]) || is_quant(&toks[i])) && j >= i + 2;
    if !det_led && !toks[i..j].iter().any(|t| nameish(t) || subject_pronoun(t)) {
        return None;
    }
    Some(j)
}

/// The subject phrase that ends right before `toks[k]` (a cue), skipping adverbs and an
/// appositive (`X, a former adviser, said`). Returns `(start, end)`.
pub(crate) fn subject_before(toks: &[Tok], k: usize, lo: usize) -> Option<(usize, usize)> {
    if k <= lo {
        return None;
    }
    // passive or nominal readings: `was told`, `is said` (a capitalised one inside the phrase
    // is a name: `Theresa May said`)
    if toks[k - 1].is(lexicon::AUX) && !(toks[k - 1].cap && k - 1 > lo) {
        return None;
    }
    let mut j = k;
    let mut skipped = 0;
    // (and days: `Priebus later Thursday told`)
    while j > lo
        && (toks[j - 1].is(lexicon::ADVERB) || (toks[j - 1].cap && toks[j - 1].is(lexicon::TIME)))
        && !toks[j - 1].is(lexicon::PRONOUN)
        && !names::name_part_at(toks, j - 1)
        // (`May warns`: a month right before the verb, with no preposition, is a name)
        && !(j == k
            && toks[j - 1].lower == "may"
            && (j - 1 == lo
                || !(toks[j - 2].is(lexicon::PREP)
                    || matches!(toks[j - 2].lower.as_str(), "last" | "next" | "early" | "late"))))
        && skipped < 3
    {
        j -= 1;
        skipped += 1;
    }
    // `Ms. Sherry smiled and said`: the subject of the first verb
    if j > lo && matches!(toks[j - 1].lower.as_str(), "and" | "but" | "then" | "or") {
        let clause = toks[lo..j - 1]
            .iter()
            .rposition(|t| t.is_punct(',') || t.kind == TK::Mark)
            .map_or(lo, |p| lo + p + 1);
        if let Some(e) = np_forward(toks, clause) {
            let verb_next = toks.get(e).is_some_and(|t| t.kind == TK::Word && !t.cap);
            if verb_next && e < j {
                return Some((clause, e));
            }
        }
        return sentence_subject(&toks[lo..j - 1]).map(|(s, e)| (lo + s, lo + e));
    }
    // a relative clause: `X, who …, said` / `the report, which notes`
    if j > lo && matches!(toks[j - 1].lower.as_str(), "who" | "which") {
        j -= 1;
        if j > lo && toks[j - 1].is_punct(',') {
            j -= 1;
        }
        if j <= lo {
            return None;
        }
        let e = skip_parenthetical(toks, j, lo);
        return phrase_before(toks, e, lo);
    }
    let mut e = j;
    let mut appositive = None;
    // `Gov. John Kasich (R-OH), said`: a comma right after a party tag closes no appositive
    let party_parenthesis = j > lo + 3
        && toks[j - 1].is_punct(',')
        && toks[j - 2].is_punct(')')
        && (toks[j - 4].is_punct('(') || (j > lo + 4 && toks[j - 5].is_punct('(')))
        && {
            let first = if toks[j - 4].is_punct('(') {
                &toks[j - 3]
            } else {
                &toks[j - 4]
            };
            party_tag(first) || matches!(first.lower.as_str(), "r" | "d" | "i")
        };
    if party_parenthesis {
        e = j - 1;
    } else if j > lo && toks[j - 1].is_punct(',') {
        // appositive: find the comma that opens it
        let mut c = j - 1;
        let mut found = None;
        let mut depth = 0usize;
        while c > lo && j - c < 30 {
            c -= 1;
            match toks[c].kind {
                TK::Punct(')') => depth += 1,
                TK::Punct('(') => depth = depth.saturating_sub(1),
                TK::Punct(',') if depth == 0 => {
                    found = Some(c);
                    break;
                }
                TK::Mark | TK::Punct(';' | ':') => break,
                _ => {}
            }
        }
        e = found?;
        appositive = Some((e + 1, j - 1));
        // `Sen. Lindsey Graham, R-S.C., a candidate, said`: past a party tag to the name
        if e >= lo + 2 && party_tag(&toks[e - 1]) && toks[e - 2].is_punct(',') {
            e -= 2;
            appositive = None;
        }
    } else if j > lo && toks[j - 1].is_dash() {
        // `Gingrich — mentioned by Newsmax as a choice — told`, `A former candidate -- John
        // McCain, who lost in 2008 -- said`: a parenthesis between dashes, commas and all
        // (`--` may be two tokens)
        let mut close = j - 1;
        while close > lo && toks[close - 1].is_dash() {
            close -= 1;
        }
        let open = toks[lo..close]
            .iter()
            .rev()
            .take(40)
            .take_while(|t| !matches!(t.kind, TK::Mark | TK::Punct(';' | ':')))
            .position(|t| t.is_dash())
            .map(|p| close - 1 - p)?;
        e = open;
        while e > lo && toks[e - 1].is_dash() {
            e -= 1;
        }
        // (the name opening it: `John McCain, who …`)
        let name_end = (open + 1..close)
            .find(|&i| toks[i].is_punct(','))
            .unwrap_or(close);
        appositive = Some((open + 1, name_end));
    }
    let e = skip_parenthetical(toks, e, lo);
    // `Mr. Slinker, whose latest start-up, Paradata, uses big data, said`: commas inside a
    // relative clause; the speaker is the name before `, who`/`, whose`
    if appositive.is_some()
        && let Some(w) = (lo + 2..e).rev().take(30).find(|&w| {
            matches!(toks[w].lower.as_str(), "who" | "whose") && toks[w - 1].is_punct(',')
        })
        && !toks[w..e]
            .iter()
            .any(|t| t.kind == TK::Mark || t.is_punct(';'))
        && let Some((s, e2)) = phrase_before(toks, w - 1, lo)
        && toks[s..e2].iter().any(|t| t.cap && nameish(t))
    {
        return Some((s, e2));
    }
    // `22 Clinton emails as "top secret"`: after a number, a name and a cue form that is also
    // a plural noun are one noun phrase
    let plural_noun = matches!(
        toks[k].lower.as_str(),
        "emails"
            | "tweets"
            | "posts"
            | "notes"
            | "claims"
            | "reports"
            | "remarks"
            | "comments"
            | "answers"
            | "replies"
            | "responses"
            | "charges"
            | "statements"
            | "messages"
    );
    let phrase = phrase_before(toks, e, lo).filter(|&(s, _)| {
        !plural_noun
            || s == lo
            || !(toks[s - 1].kind == TK::Word
                && toks[s - 1]
                    .lower
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b','))
    });
    // `His spokesman, Jason Miller, said`, `Another delegate on the slate, Jim Poolman, said`:
    // the name in the appositive names the described speaker
    if let Some((a, b)) = appositive
        && phrase.is_none_or(|(s, e)| {
            is_det(&toks[s])
                || is_quant(&toks[s])
                || toks[s].possessive
                || !toks[s..e].iter().any(|t| t.cap && nameish(t))
        })
        && appositive_name(&toks[a..b])
    {
        return Some((a, b));
    }
    let (s, e) = phrase?;
    // `Giovanni Maria Vian, the editor in chief of the Vatican's newspaper, L'Osservatore
    // Romano, said`: the phrase before the last appositive is the tail of a longer one (a
    // lowercase word before it); the name is before the comma that opens the description
    if appositive.is_some()
        && s > lo
        && toks[s - 1].kind == TK::Word
        && !toks[s - 1].cap
        && let Some(c) = (lo + 1..s)
            .rev()
            .take(20)
            .take_while(|&i| !matches!(toks[i].kind, TK::Mark | TK::Punct(';' | ':')))
            .find(|&i| toks[i].is_punct(','))
        && let Some((ns, ne)) = phrase_before(toks, c, lo)
        && (ns == lo || matches!(toks[ns - 1].kind, TK::Punct(_)))
        && toks[ns..ne].iter().any(|t| t.cap && nameish(t))
        && appositive_name(&toks[ns..ne])
    {
        return Some((ns, ne));
    }
    // `A source familiar with the matter said`, `An official close to Christie said`, `One
    // aide traveling with Trump told`: the phrase after a describing adjective or participle
    // and its preposition is its complement; the speaker is the described phrase, whole
    if s >= lo + 3
        && matches!(
            toks[s - 1].lower.as_str(),
            "with" | "to" | "for" | "on" | "in" | "at" | "from"
        )
        && post_modifier(&toks[s - 2])
    {
        // (the described phrase: a determiner and up to three describing words)
        let mut os = s - 2;
        while os > lo && s - 2 - os < 3 && is_descriptor(&toks[os - 1]) {
            os -= 1;
        }
        if os < s - 2 && os > lo && (is_det(&toks[os - 1]) || is_quant(&toks[os - 1])) {
            return Some((os - 1, e));
        }
    }
    // `The sign on the gate read`: the object of a locative preposition is not the subject;
    // the phrase before it is (affiliations such as `a fellow at Brookings` stay whole)
    if s > lo + 1
        && matches!(
            toks[s - 1].lower.as_str(),
            "on" | "outside" | "behind" | "above" | "near"
        )
        && let Some(outer) = phrase_before(toks, s - 1, lo)
    {
        return Some(outer);
    }
    Some((s, e))
}

/// An adjective or participle that describes the noun before it, with a complement after
/// (`familiar with`, `close to`, `speaking to`).
fn post_modifier(t: &Tok) -> bool {
    t.kind == TK::Word
        && !t.cap
        && (matches!(
            t.lower.as_str(),
            "familiar"
                | "close"
                | "closest"
                | "loyal"
                | "allied"
                | "tied"
                | "linked"
                | "connected"
                | "opposed"
                | "friendly"
                | "sympathetic"
                | "knowledgeable"
                | "briefed"
                | "involved"
        ) || (t.lower.len() > 5 && t.lower.ends_with("ing") && t.lower != "according"))
}

/// A party and state tag after a politician's name (`R-S.C.`, `D-Ill.`, `I-Vt`).
fn party_tag(t: &Tok) -> bool {
    let b = t.lower.as_bytes();
    t.cap
        && b.len() >= 3
        && matches!(b[0], b'r' | b'd' | b'i')
        && b[1] == b'-'
        && b[2].is_ascii_alphabetic()
}

/// Whether an appositive is a person's name: two to four capitalised name words (`Jason
/// Miller`, `Sen. Jane Doe`) or a known forename (`Grant`), no organisation or date.
fn appositive_name(toks: &[Tok]) -> bool {
    ((2..=4).contains(&toks.len())
        || (toks.len() == 1 && toks[0].is(lexicon::MALE | lexicon::FEMALE)))
        && toks.iter().all(|t| {
            t.is_namey() && !t.is(lexicon::ORG | lexicon::MONTH | lexicon::TIME | lexicon::PRONOUN)
        })
        && toks.iter().any(|t| !t.is(lexicon::TITLE | lexicon::ROLE))
}

/// `Sen. Richard J. Durbin (D-Ill.)`: the phrase ends before the parenthesis.
fn skip_parenthetical(toks: &[Tok], e: usize, lo: usize) -> usize {
    if e > lo && toks[e - 1].is_punct(')') {
        let mut c = e - 1;
        while c > lo && e - c < 12 {
            c -= 1;
            if toks[c].is_punct('(') {
                return c;
            }
        }
    }
    e
}

/// The speaker phrase ending at `e` (exclusive), going backwards.
fn phrase_before(toks: &[Tok], e: usize, lo: usize) -> Option<(usize, usize)> {
    if e <= lo {
        return None;
    }
    let last = &toks[e - 1];
    if subject_pronoun(last) {
        return Some((e - 1, e));
    }
    let mut s = e;
    let mut desc = 0;
    while s > lo {
        let t = &toks[s - 1];
        if t.kind != TK::Word {
            break;
        }
        if nameish(t) || (t.cap && t.lower.len() == 2 && t.lower.ends_with('.')) {
            s -= 1;
            continue;
        }
        if is_det(t) || (is_quant(t) && s < e) {
            s -= 1;
            // `a spokesman for the governor`: the phrase goes on before `for`/`of`
            if s > lo + 1
                && matches!(toks[s - 1].lower.as_str(), "of" | "for")
                && nameish(&toks[s - 2])
            {
                continue;
            }
            break;
        }
        if matches!(t.lower.as_str(), "of" | "for") && s < e && s - 1 > lo && nameish(&toks[s - 2])
        {
            s -= 1;
            continue;
        }
        if t.lower == "the" {
            s -= 1;
            continue;
        }
        if t.lower == "and" && s < e && s - 1 > lo && toks[s - 2].cap && toks[s].cap {
            s -= 1;
            continue;
        }
        let det_before = s >= lo + 2 && (is_det(&toks[s - 2]) || is_quant(&toks[s - 2]));
        if is_descriptor(t) && desc < 3 && (s < e || det_before) {
            s -= 1;
            desc += 1;
            continue;
        }
        break;
    }
    // leading lowercase descriptors before a name are not part of it ("crowd cheered Smith")
    while s < e
        && is_descriptor(&toks[s])
        && toks[s..e].iter().any(|t| t.cap)
        && !toks[s].is(lexicon::TITLE | lexicon::ROLE)
    {
        s += 1;
    }
    if s == e || (e - s == 1 && is_det(&toks[s])) {
        return None;
    }
    let det_led = (is_det(&toks[s]) || is_quant(&toks[s])) && e - s >= 2;
    if !det_led && !toks[s..e].iter().any(nameish) {
        return None;
    }
    Some((s, e))
}

/// The subject of a sentence: its first phrase, after an opening adverbial and comma (`In an
/// attempt to make its point, the Daily News …`, `Hours later, Trump …`).
fn sentence_subject(toks: &[Tok]) -> Option<(usize, usize)> {
    // `And Mr. Christie gloated`, `But he added`: a leading conjunction is not the subject
    let from = usize::from(toks.first().is_some_and(|t| {
        t.kind == TK::Word && matches!(t.lower.as_str(), "and" | "but" | "so" | "yet" | "or")
    }));
    // `WASHINGTON, Dec. 8 (UPI) — …`: a dateline is no subject
    let from = toks[from..]
        .iter()
        .take(16)
        .position(Tok::is_dash)
        .filter(|&d| {
            d > 0
                && toks[from..from + d].iter().all(|t| match t.kind {
                    TK::Word => t.cap || t.lower.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
                    TK::Punct(c) => matches!(c, ',' | '(' | ')' | '.'),
                    TK::Mark => false,
                })
        })
        .map_or(from, |d| {
            let mut e = from + d;
            while toks.get(e).is_some_and(Tok::is_dash) {
                e += 1;
            }
            e
        });
    let toks_from = &toks[from..];
    sentence_subject_from(toks_from).map(|(s, e)| (s + from, e + from))
}

fn sentence_subject_from(toks: &[Tok]) -> Option<(usize, usize)> {
    let at = |i: usize| {
        // `On Friday, he joined …`
        if toks.get(i).is_some_and(subject_pronoun)
            && toks
                .get(i + 1)
                .is_some_and(|t| t.kind == TK::Word && !t.cap)
        {
            return Some((i, i + 1));
        }
        let e = np_forward(toks, i)?;
        // past a parenthesis and an appositive: `Gov. Chris Christie (R), a Trump ally, said`
        let mut v = e;
        if toks.get(v).is_some_and(|t| t.is_punct('(')) {
            v += toks[v..].iter().take(8).position(|t| t.is_punct(')'))? + 1;
        }
        if toks.get(v).is_some_and(|t| t.is_punct(',')) {
            v += 1
                + toks[v + 1..]
                    .iter()
                    .take(20)
                    .position(|t| t.is_punct(','))?
                + 1;
        }
        toks.get(v)
            .is_some_and(|t| t.kind == TK::Word && !t.cap)
            .then_some((i, e))
    };
    // `Appearing before supporters, Suu Kyi said`: a participle opens an adverbial too
    let opens_with_adverbial = toks.first().is_some_and(|t| {
        t.is(lexicon::PREP | lexicon::ADVERB)
            || t.is(lexicon::FUNCTION) && !is_det(t)
            // (`Carly`, `Kelly`, `Beverly` are forenames, not adverbs)
            || (t.lower.ends_with("ly")
                && t.lower.len() > 4
                && !t.is(lexicon::MALE | lexicon::FEMALE))
            || (t.cap && t.lower.ends_with("ing") && t.lower.len() > 5)
    });
    let comma = toks.iter().take(25).position(|t| t.is_punct(','));
    if opens_with_adverbial {
        // `Speaking at a town hall in Salem, New Hampshire, Trump went after Bush`: of the
        // phrases after the opening commas, the one its verb follows directly
        let direct = toks
            .iter()
            .take(40)
            .enumerate()
            .filter(|(_, t)| t.is_punct(','))
            .take(3)
            .find_map(|(c, _)| {
                let e = np_forward(toks, c + 1)?;
                toks.get(e)
                    .is_some_and(|t| {
                        t.kind == TK::Word && !t.cap && !t.is(lexicon::FUNCTION | lexicon::PREP)
                    })
                    .then_some((c + 1, e))
            });
        if direct.is_some() {
            return direct;
        }
    }
    if !opens_with_adverbial && let Some(hit) = at(0) {
        // `Back in 1999, Mr. Trump …`, `Late last month, the company …`: one capitalised word
        // before a preposition or time word and a comma
        // is more likely an adverbial than a subject
        let adverbial_like = hit.1 == hit.0 + 1
            && toks
                .get(hit.1)
                .is_some_and(|t| t.is(lexicon::PREP | lexicon::FUNCTION | lexicon::TIME));
        if !adverbial_like {
            return Some(hit);
        }
        return comma.and_then(|c| at(c + 1)).or(Some(hit));
    }
    // `(And) then Trump went on the attack, saying`: one adverb before the subject
    comma.and_then(|c| at(c + 1)).or_else(|| {
        toks.first()
            .is_some_and(|t| t.is(lexicon::ADVERB) && !t.cap)
            .then(|| at(1))
            .flatten()
    })
}

/// Tokens that may stand between a cue and the quotation it introduces: adjuncts such as
/// `in a statement`, `on Twitter`, `Friday`, `to reporters`, and a closing `,`/`:`/`that`.
fn adjunct_only(toks: &[Tok]) -> bool {
    toks.len() <= 10
        && toks.iter().all(|t| match t.kind {
            TK::Word => !t.is(lexicon::CUE) || t.is(lexicon::CUE_ING),
            TK::Punct(c) => matches!(c, ',' | ':' | '\u{2014}' | '\u{2013}' | '-' | '(' | ')'),
            TK::Mark => false,
        })
}

/// `"Q," X said` / `"Q," said X` / `"Q," according to X` at the start of `toks`.
/// Returns (phrase start, phrase end, cue index, number of tokens matched).
fn match_after(toks: &[Tok]) -> Option<(usize, usize, usize)> {
    let mut i = 0;
    while i < toks.len() && (toks[i].is_punct(',') || toks[i].is_dash()) {
        i += 1;
    }
    let t = toks.get(i)?;
    if t.lower == "according" && toks.get(i + 1).is_some_and(|n| n.lower == "to") {
        let e = np_forward(toks, i + 2)?;
        return Some((i + 2, e, i));
    }
    // `"Q" — Jane Doe` / `"Q" –@handle (date)`: a dash and a name ending the clause
    if i > 0
        && toks[i - 1].is_dash()
        && (t.cap || t.lower.starts_with('@'))
        && let Some(e) = np_forward(toks, i)
        && toks
            .get(e)
            .is_none_or(|n| matches!(n.kind, TK::Punct('(' | ',' | '.' | ';')))
    {
        return Some((i, e, i - 1));
    }
    if is_cue(t) {
        // (`"…," thanked Obama`, `"…," told reporters`: the phrase after such a verb is its
        // object)
        if takes_object(t) {
            return None;
        }
        let e = np_forward(toks, i + 1)?;
        return Some((i + 1, e, i));
    }
    let mut e = np_forward(toks, i)?;
    // `"…," the committee chairmen wrote`: a lowercase noun that the phrase left out as a verb
    // (`his campaign sent`) is its head when the cue comes right after it
    if e > i
        && toks.get(e).is_some_and(|t| {
            is_descriptor(t) && !is_cue(t) && t.lower.chars().all(char::is_alphabetic)
        })
        && toks.get(e + 1).is_some_and(is_cue)
    {
        e += 1;
    }
    let mut j = e;
    // `state Sen. Jason Holsman (D) said`
    if toks.get(j).is_some_and(|t| t.is_punct('(')) {
        let close = toks[j..].iter().take(8).position(|t| t.is_punct(')'))?;
        j += close + 1;
    }
    if toks.get(j).is_some_and(|t| t.is_punct(',')) {
        // an appositive, possibly with commas of its own (`Miller, a retired worker from
        // Cambridge, Mass., said`): the first `, cue` within reach
        let mut c = j + 1;
        while c < toks.len() && c - j < 30 {
            match toks[c].kind {
                TK::Mark | TK::Punct(';' | ':') => return None,
                TK::Punct(',') => {
                    let mut d = c + 1;
                    while d < toks.len() && toks[d].is(lexicon::ADVERB) && !is_cue(&toks[d]) {
                        d += 1;
                    }
                    if toks.get(d).is_some_and(is_cue) {
                        // `"…," a campaign aide, Jane Doe, said`: the name, as in
                        // `subject_before`
                        if (is_det(&toks[i]) || is_quant(&toks[i]))
                            && appositive_name(&toks[j + 1..c])
                        {
                            return Some((j + 1, c, d));
                        }
                        return Some((i, e, d));
                    }
                }
                _ => {}
            }
            c += 1;
        }
        return None;
    }
    // `a staffer in the room wondered`: a short prepositional phrase before the cue
    if toks
        .get(j)
        .is_some_and(|t| t.is(lexicon::PREP) && !t.is(lexicon::CUE))
        && let Some(k) = toks[j + 1..]
            .iter()
            .take(5)
            .position(is_cue)
            .map(|p| j + 1 + p)
        && toks[j + 1..k]
            .iter()
            .all(|t| t.kind == TK::Word && !t.is(lexicon::PRONOUN))
    {
        return Some((i, e, k));
    }
    let mut skipped = 0;
    while j < toks.len() && toks[j].is(lexicon::ADVERB) && !is_cue(&toks[j]) && skipped < 3 {
        j += 1;
        skipped += 1;
    }
    let c = toks.get(j)?;
    // (`"…," Trump went on`)
    let went_on = matches!(c.lower.as_str(), "went" | "goes")
        && toks.get(j + 1).is_some_and(|n| n.lower == "on");
    if is_cue(c) || went_on || (skipped == 0 && plural_says(&toks[e - 1], c)) {
        return Some((i, e, j));
    }
    // `he will say`, `she would later write`: a modal and the base form
    if skipped > 0
        && matches!(
            toks[j - skipped].lower.as_str(),
            "will" | "would" | "could" | "might" | "did"
        )
        && c.is(lexicon::CUE_BASE)
        && !c.cap
    {
        return Some((i, e, j));
    }
    name_before_cue(toks, i)
}

/// `"…," Fight for $15 organizing director Kendall Fells told …`: a description that the phrase
/// reader stops inside (at a number, a preposition) and a name of two words or more right before
/// the cue. Nothing that could be a clause of its own (a pronoun, an auxiliary, punctuation but
/// `$`) may stand between.
fn name_before_cue(toks: &[Tok], i: usize) -> Option<(usize, usize, usize)> {
    if !toks.get(i)?.cap {
        return None;
    }
    for k in i + 1..toks.len().min(i + 12) {
        let t = &toks[k];
        if is_cue(t) {
            let mut s = k;
            while s > i && toks[s - 1].is_namey() && !toks[s - 1].is(lexicon::TITLE | lexicon::ROLE)
            {
                s -= 1;
            }
            return (s > i && k - s >= 2).then_some((s, k, k));
        }
        match t.kind {
            TK::Word if !t.is(lexicon::PRONOUN | lexicon::AUX) => {}
            TK::Punct('$') => {}
            _ => return None,
        }
    }
    None
}

/// `could only quip`, `will say`: the base form of a speech verb after a modal (and adverbs).
fn after_modal(toks: &[Tok], k: usize) -> bool {
    let t = &toks[k];
    // (`will continue to be`, `would say to`: no speech)
    if !t.is(lexicon::CUE_BASE) || t.cap || toks.get(k + 1).is_some_and(|n| n.lower == "to") {
        return false;
    }
    toks[..k]
        .iter()
        .rev()
        .take(3)
        .take_while(|p| p.kind == TK::Word)
        .any(|p| {
            matches!(
                p.lower.as_str(),
                "will" | "would" | "could" | "might" | "can" | "should" | "must" | "did" | "may"
            )
        })
}

/// `they say`, `critics say`, `the Saudis state`: the base form of a speech verb after a plural
/// subject.
fn plural_says(subject_end: &Tok, verb: &Tok) -> bool {
    verb.is(lexicon::CUE_BASE)
        && !verb.cap
        && (matches!(subject_end.lower.as_str(), "they" | "we" | "i" | "you")
            || (subject_end.lower.ends_with('s')
                && !subject_end.possessive
                && subject_end.lower.len() > 3))
}

/// `X said: "Q"`: the cue nearest before the quotation, with only adjuncts between.
/// Returns (phrase start, phrase end, cue index).
fn match_before(toks: &[Tok]) -> Option<(usize, usize, usize)> {
    let n = toks.len();
    let mut k = n;
    while k > 0 && n - k <= 10 {
        k -= 1;
        let t = &toks[k];
        if t.kind == TK::Mark {
            return None;
        }
        // after a possessive or an article a cue form is a noun or an adjective: `Trump's
        // remarks "…"`, `in a written statement, "…"`
        let noun = k > 0
            && (toks[k - 1].possessive || matches!(toks[k - 1].lower.as_str(), "a" | "an" | "the"));
        let says =
            !noun && (is_cue(t) || (k > 0 && plural_says(&toks[k - 1], t)) || after_modal(toks, k));
        // `as Akhil Amar, a law professor, put it, "…"`
        if t.lower == "put"
            && toks.get(k + 1).is_some_and(|n| n.lower == "it")
            && adjunct_only(&toks[k + 2..])
        {
            return subject_before(toks, k, 0).map(|(s, e)| (s, e, k));
        }
        if says && adjunct_only(&toks[k + 1..]) {
            if let Some((s, e)) = subject_before(toks, k, 0) {
                return Some((s, e, k));
            }
            // `But, said Solovey, "…"`; (without the comma a described phrase is the subject of
            // the report: `… said the president "offered no changes"`; after `called`,
            // `thanked`, `told` the phrase is the object)
            if !t.is(lexicon::CUE_DIRECT) || takes_object(t) {
                return None;
            }
            let e = np_forward(toks, k + 1)?;
            let rest_is_punct = toks[e..]
                .iter()
                .all(|t| matches!(t.kind, TK::Punct(',' | ':')));
            return (rest_is_punct && (e < n || toks[k + 1].cap)).then_some((k + 1, e, k));
        }
    }
    None
}

/// `X: "Q"` (a bare colon after a speaker phrase that opens the sentence).
fn match_colon(toks: &[Tok]) -> Option<(usize, usize)> {
    let n = toks.len();
    if n < 2 || !toks[n - 1].is_punct(':') {
        return None;
    }
    // `From the report: "…"`, `More from Jones: "…"`, `Here's Clinton in December 1992: "…"`:
    // the source after the opener
    // (also after a dash: `What that means - More from Jones:`)
    let b = toks.iter().rposition(Tok::is_dash).map_or(0, |d| d + 1);
    let opener = match (toks.get(b), toks.get(b + 1).map(|t| t.lower.as_str())) {
        (Some(t), _) if t.lower == "from" => Some(b + 1),
        (Some(t), Some("from")) if t.lower == "more" => Some(b + 2),
        (Some(t), Some("is")) if t.lower == "here" => Some(b + 2),
        // (`Here's`: the tokenizer keeps `here` and marks the `'s`)
        (Some(t), _) if t.lower == "here" && t.possessive => Some(b + 1),
        _ => None,
    };
    if let Some(o) = opener
        && toks[b].cap
        && let Some(e) = np_forward(toks, o)
        && (e + 1 == n || adjunct_only(&toks[e..n - 1]))
    {
        return Some((o, e));
    }
    if let Some(e) = np_forward(toks, 0) {
        // allow adjuncts such as `on Twitter` between the phrase and the colon (not a verb
        // phrase: `The timing of his surge surprises pollster Daron Shaw:`)
        let adjunct_opens = toks[e].is(lexicon::PREP | lexicon::TIME) || toks[e].kind != TK::Word;
        if e + 1 == n || (adjunct_opens && adjunct_only(&toks[e..n - 1])) {
            return Some((0, e));
        }
    }
    // `… - HuffPollster: "…"`: a name right before the colon, unless it is the object of a
    // preposition or of a speech verb (`contrasted him with Clinton:`, `telling Fox News:`)
    if let Some((s, e)) = phrase_before(toks, n - 1, 0)
        && toks[s..e].iter().any(|t| t.cap)
        && !(s > 0
            && (toks[s - 1].is(lexicon::PREP | lexicon::CUE | lexicon::CUE_ING)
                || toks[s - 1].lower == "of"))
    {
        return Some((s, e));
    }
    // `And Mr. Christie gloated: "…"`: the subject of the verb before the colon
    let v = &toks[n - 2];
    if v.kind == TK::Word
        && !v.cap
        && v.lower.ends_with("ed")
        && !v.is(lexicon::FUNCTION | lexicon::PREP | lexicon::AUX)
        && let Some(hit) = subject_before(toks, n - 2, 0)
    {
        return Some(hit);
    }
    // `The campaign worded it more carefully: "…"`: the subject of the sentence
    sentence_subject(&toks[..n - 1])
}

/// `"Q" for Clinton, said Kunin.` / `"Q," since …, said Lee Epstein`: a cue later in the
/// sentence, at a clause boundary. Returns (phrase start, phrase end, cue index).
fn match_after_clause(toks: &[Tok]) -> Option<(usize, usize, usize)> {
    let mut clause_start = 0;
    for k in 0..toks.len() {
        let t = &toks[k];
        if t.kind == TK::Mark {
            return None;
        }
        if t.is_punct(',') || t.is_dash() {
            clause_start = k + 1;
            continue;
        }
        if !is_cue(t) || k == 0 || clause_start == 0 {
            continue;
        }
        if k == clause_start {
            if let Some(e) = np_forward(toks, k + 1) {
                return Some((k + 1, e, k));
            }
        } else if let Some((s, e)) = subject_before(toks, k, clause_start)
            && s == clause_start
        {
            return Some((s, e, k));
        }
    }
    None
}

/// The nearest cue before the quotation anywhere in the sentence, with its subject.
fn match_clause(toks: &[Tok]) -> Option<(usize, usize, usize)> {
    // `Said Dorothy Poynter, who grew up with Ali, "…"`
    if let Some(t) = toks.first()
        && t.cap
        && t.is(lexicon::CUE_DIRECT)
        && t.is(lexicon::CUE)
        && let Some(e) = np_forward(toks, 1)
    {
        return Some((1, e, 0));
    }
    let mut k = toks.len();
    while k > 0 {
        k -= 1;
        let t = &toks[k];
        if t.kind == TK::Mark {
            continue;
        }
        // `"…," said Vice President Joe Biden, urging …`: the inverted speaker after an earlier
        // quotation
        if is_cue(t)
            && t.is(lexicon::CUE_DIRECT)
            && k > 0
            && toks[k - 1].kind == TK::Mark
            && let Some(e) = np_forward(toks, k + 1)
            && toks[k + 1].cap
        {
            return Some((k + 1, e, k));
        }
        // `Sanders was asked by host Bill Maher, "…"`: the passive's agent
        if matches!(
            t.lower.as_str(),
            "asked" | "told" | "questioned" | "pressed" | "challenged"
        ) && k > 0
            && toks[k - 1].is(lexicon::AUX)
            && toks.get(k + 1).is_some_and(|n| n.lower == "by")
            && let Some(e) = np_forward(toks, k + 2)
        {
            return Some((k + 2, e, k));
        }
        if is_cue(t)
            && !(k > 0 && toks[k - 1].possessive)
            && let Some((s, e)) = subject_before(toks, k, 0)
        {
            return Some((s, e, k));
        }
        // (a comma may sit inside the closing mark of an earlier quotation: `defended "New
        // York values," saying …`)
        let after_comma = k > 0
            && (toks[k - 1].is_punct(',')
                || (k > 1 && toks[k - 1].kind == TK::Mark && toks[k - 2].is_punct(',')));
        if (t.is(lexicon::CUE_ING)
            && k > 0
            && (after_comma
                || toks[k - 1].is(lexicon::PREP)
                || (k + 2 == toks.len() && toks[k + 1].is_punct(':'))))
            || (t.is(lexicon::CUE_BASE) && !t.cap && k > 0 && toks[k - 1].lower == "to")
        {
            // `Mr. Trump was prompted to say "…"`: the subject of the passive before it
            if k >= 4
                && toks[k - 1].lower == "to"
                && toks[k - 2].lower.ends_with("ed")
                && toks[k - 3].is(lexicon::AUX)
                && let Some((s, e)) = phrase_before(toks, k - 3, 0)
                && toks[s..e].iter().any(|t| t.cap && nameish(t))
            {
                return Some((s, e, k));
            }
            // `…, saying "…"`, `before saying "…"`, `was prompted to say "…"`: the subject of
            // the sentence — after an earlier quotation, the speaker of its cue (`"…," Hannity
            // said on his show, remarking that "…"`), and never a word inside quotation marks
            let lead = &toks[..k];
            // (a sentence may start inside a quotation: then the marks after a word tell)
            let marks = |ts: &[Tok]| ts.iter().filter(|t| t.kind == TK::Mark).count();
            let quoted = |i: usize| marks(&lead[..i]) % 2 == 1 || marks(&lead[i..]) % 2 == 1;
            let subject = sentence_subject(lead)
                .filter(|&(s, _)| !quoted(s))
                .or_else(|| match_clause(lead).map(|(s, e, _)| (s, e)))
                .filter(|&(s, _)| !quoted(s));
            if let Some((s, e)) = subject {
                return Some((s, e, k));
            }
        }
        if t.is(lexicon::CUE_ING) && !t.cap && k > 0 {
            // `Clinton is telling voters that "…"`, `he has been saying "…"`: a progressive
            let mut j = k;
            while j > 0 && k - j < 2 && toks[j - 1].is(lexicon::AUX) {
                j -= 1;
            }
            // (in a clause of its own: `Carter said that critics had been predicting …` is
            // Carter's report)
            if j < k
                && !toks[..j].iter().any(is_cue)
                && let Some((s, e)) = subject_before(toks, j, 0)
            {
                return Some((s, e, k));
            }
            // `with Sen. John McCain calling it "…"`, `Ryan saying he was "…"`: a name right
            // before the participle is its subject
            // (`with Trump reportedly yelling: "…"`: past adverbs)
            let mut a = k;
            while a > 1 && k - a < 2 && toks[a - 1].is(lexicon::ADVERB) && !toks[a - 1].cap {
                a -= 1;
            }
            if j == k
                && toks[a - 1].is_namey()
                && !toks[a - 1].possessive
                && let Some((s, e)) = phrase_before(toks, a, 0)
                && toks[s].cap
                && (s == 0
                    || toks[s - 1].is_punct(',')
                    || toks[s - 1].is_dash()
                    || matches!(toks[s - 1].lower.as_str(), "with" | "and"))
            {
                return Some((s, e, k));
            }
        }
    }
    None
}

/// A cue whose following phrase is its object, never an inverted speaker (`told X`, `called X`,
/// `thanked X`).
fn takes_object(t: &Tok) -> bool {
    t.is(lexicon::CUE_TELL | lexicon::CUE_FRAME)
        || matches!(
            t.lower.as_str(),
            "thanked"
                | "thanks"
                | "urged"
                | "urges"
                | "praised"
                | "praises"
                | "accused"
                | "accuses"
                | "blamed"
                | "blames"
                | "criticized"
                | "criticizes"
                | "attacked"
                | "attacks"
        )
}

/// `Clinton's March comment that, "…"`, `Trump's remark: "…"`: a noun for words owned by a named
/// possessor right before the quotation (`that`, `,` or `:` between). Returns (possessor
/// phrase start, end, noun index).
fn match_possessed(toks: &[Tok]) -> Option<(usize, usize, usize)> {
    let mut k = toks.len();
    while k > 0 && (matches!(toks[k - 1].kind, TK::Punct(',' | ':')) || toks[k - 1].lower == "that")
    {
        k -= 1;
    }
    // (directly before the quotation the noun phrase is rather its subject: `Trump's comments
    // "are based on his opinion"`)
    if k == toks.len() {
        return None;
    }
    let noun = toks.get(k.checked_sub(1)?)?;
    if !matches!(
        noun.lower.as_str(),
        "comment"
            | "comments"
            | "remark"
            | "remarks"
            | "statement"
            | "words"
            | "claim"
            | "promise"
            | "pledge"
            | "vow"
            | "warning"
            | "message"
            | "tweet"
            | "assertion"
            | "quip"
            | "boast"
    ) {
        return None;
    }
    // the possessor, past one modifier (`Clinton's March comment`)
    let n = k - 1;
    let p = (n.saturating_sub(2)..n)
        .rev()
        .find(|&i| toks[i].possessive && toks[i].cap)?;
    if !toks[p + 1..n].iter().all(|t| t.kind == TK::Word) {
        return None;
    }
    let (s, e) = phrase_before(toks, p + 1, 0)?;
    Some((s, e, n))
}

/// `according to X` anywhere in `toks`.
fn match_according(toks: &[Tok]) -> Option<(usize, usize, usize)> {
    for i in 0..toks.len().saturating_sub(2) {
        if toks[i].lower == "according" && toks[i + 1].lower == "to" {
            let e = np_forward(toks, i + 2)?;
            return Some((i + 2, e, i));
        }
    }
    None
}

/// A mixed quotation must make up at least this share of the reported clause; below it the row
/// is the clause, as indirect speech.
const MIXED_SHARE: f64 = 0.5;

/// A quoted fragment of this many words inside a sentence is somebody's words even without a
/// speech cue; shorter ones are too often scare quotes.
const LONG_FRAGMENT_WORDS: usize = 5;
/// The most words between two quoted fragments that [`Doc::join_fragments`] makes one row.
const MAX_FRAGMENT_GLUE_WORDS: usize = 3;

/// Whether the text between two quoted fragments joins them inside one clause: at most
/// [`MAX_FRAGMENT_GLUE_WORDS`] words (`and`, `who are`, `by God and`) on one line, with no
/// sentence end.
fn fragment_glue(glue: &str) -> bool {
    !glue.contains(['\n', '\r'])
        && !glue.contains(['.', '!', '?', ';', ':'])
        && glue
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
            <= MAX_FRAGMENT_GLUE_WORDS
}

/// Runner-up speakers offered per row.
pub(crate) const MAX_CANDIDATES: usize = 5;

/// Words after a comma that open an adjunct, ending a reported clause.
const CLAUSE_BREAKS: &[&str] = &[
    "which",
    "who",
    "while",
    "whereas",
    "but",
    "as",
    "although",
    "though",
    "because",
    "according",
    "and",
    "where",
    "when",
    "even",
    "including",
    "after",
    "before",
];

/// Of each ASCII byte: 1 white space (as `char::is_whitespace`), 2 a letter or digit, else 0.
static ASCII_WORD_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
            t[c] = 1;
        } else if b.is_ascii_alphanumeric() {
            t[c] = 2;
        }
        c += 1;
    }
    t
};

/// The number of whitespace-separated words with a letter or digit (one pass, no splitting).
fn words_of(s: &str) -> usize {
    if s.is_ascii() {
        // byte by byte, without a branch per byte (the same classes as below, for ASCII): a
        // word is counted at the space after it (or the end) when a letter or digit was seen
        // since the last space
        let (mut n, mut alnum) = (0, false);
        for &b in s.as_bytes() {
            let class = ASCII_WORD_CLASS[usize::from(b & 0x7f)];
            let space = class == 1;
            n += usize::from(space & alnum);
            alnum = !space & (alnum | (class == 2));
        }
        return n + usize::from(alnum);
    }
    let (mut n, mut in_word, mut alnum) = (0, false, false);
    for c in s.chars() {
        if c.is_whitespace() {
            n += usize::from(in_word && alnum);
            (in_word, alnum) = (false, false);
        } else {
            in_word = true;
            alnum |= c.is_alphanumeric();
        }
    }
    n + usize::from(in_word && alnum)
}

const SMALL_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "in", "on", "for", "to", "at", "by", "with", "from", "is",
    "vs", "vs.",
];

/// Whether text right after a quotation (and its comma) is a byline (`," by Times' Ben
/// Sisario`): `by` and a capitalised word.
fn byline_after(rest: &str) -> bool {
    let rest = rest.trim_start_matches([',', ' ']);
    rest.strip_prefix("by ")
        .is_some_and(|r| r.chars().next().is_some_and(char::is_uppercase))
}

/// A title or name in Title Case: every word capitalised, no sentence punctuation.
fn is_title_case(s: &str) -> bool {
    let t = s.trim_end_matches([',', '.', ';', ':']);
    // (bytes, not characters: they are all ASCII, and no byte of another character is)
    if t.bytes().any(|b| matches!(b, b'.' | b'!' | b'?' | b';')) {
        return false;
    }
    // (the words walked again for each test, instead of collected: most text fails the first)
    let words = || {
        t.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
    };
    words().next().is_some()
        && words().all(|w| {
            let w = w.trim_start_matches(|c: char| !c.is_alphanumeric());
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                || SMALL_WORDS.contains(&w.to_lowercase().as_str())
        })
        && words().any(|w| {
            w.trim_start_matches(|c: char| !c.is_alphanumeric())
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        })
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, lex: &'a Lexicon, seg: Segments, spans: Vec<Span>) -> Self {
        Doc {
            text,
            lex,
            seg,
            spans,
            forms: RefCell::new(HashMap::default()),
            genders: RefCell::new(HashMap::default()),
            name_facts: RefCell::new(HashMap::default()),
            lowercase_words: RefCell::new(HashMap::default()),
            forename_forms: RefCell::new(HashMap::default()),
            para_toks: RefCell::new(Vec::new()),
            para_mentions: RefCell::new(Vec::new()),
            honorifics: OnceCell::new(),
            caps: OnceCell::new(),
        }
    }

    /// The tokens of `text[a..b]`, cut from its paragraph's tokens (tokenized once).
    pub(crate) fn tokens(&self, a: usize, b: usize) -> Toks {
        if a >= b {
            return Toks::owned(Vec::new());
        }
        let direct = || Toks::owned(tokenize(self.text, a, b, self.lex));
        let Some(pi) = self.seg.paragraph_of(a) else {
            return direct();
        };
        let para = self.seg.paragraphs[pi];
        if a < para.start || b > para.end {
            return direct();
        }
        let all = self.para_tokens(pi);
        let lo = all.partition_point(|t| t.start < a);
        let hi = all.partition_point(|t| t.start < b);
        if hi > lo && all[hi - 1].end > b {
            return direct();
        }
        Toks::new(all, lo, hi)
    }

    /// The tokens of paragraph `pi` (tokenized once).
    fn para_tokens(&self, pi: usize) -> Rc<Tokens> {
        let mut cache = self.para_toks.borrow_mut();
        if cache.len() < self.seg.paragraphs.len() {
            cache.resize(self.seg.paragraphs.len(), None);
        }
        let para = self.seg.paragraphs[pi];
        cache[pi]
            .get_or_insert_with(|| Rc::new(tokenize(self.text, para.start, para.end, self.lex)))
            .clone()
    }

    /// The person mentions of the whole paragraph `pi` (found once).
    fn para_mentions(&self, pi: usize) -> Rc<ParaMentions> {
        if let Some(Some(pm)) = self.para_mentions.borrow().get(pi) {
            return pm.clone();
        }
        let para = self.seg.paragraphs[pi];
        let toks = self.tokens(para.start, para.end);
        let inside = |x: usize| self.inside_quote(x);
        let starts = |x: usize| self.sentence_start(x);
        let (mut ms, mut marks) = (Vec::new(), names::ScanMarks::default());
        names::mentions_from(self.text, &toks, 0, &inside, &starts, &mut ms, &mut marks);
        let pm = Rc::new(ParaMentions {
            ms,
            marks,
            cands: RefCell::new(Vec::new()),
        });
        let mut cache = self.para_mentions.borrow_mut();
        if cache.len() < self.seg.paragraphs.len() {
            cache.resize(self.seg.paragraphs.len(), None);
        }
        cache[pi] = Some(pm.clone());
        pm
    }

    /// The person mentions that `names::mentions` finds in the tokens of paragraph `pi` before
    /// byte `hi`: the first `kept` mentions of the whole paragraph, then `tail` (the mentions
    /// near the cut, which look past it in the whole paragraph, found again).
    fn mentions_before(
        &self,
        pi: usize,
        hi: usize,
    ) -> (Rc<ParaMentions>, usize, Vec<names::Mention>) {
        let para = self.seg.paragraphs[pi];
        let full = self.para_mentions(pi);
        if hi >= para.end {
            let kept = full.ms.len();
            return (full, kept, Vec::new());
        }
        let toks = self.tokens(para.start, hi);
        let inside = |x: usize| self.inside_quote(x);
        let starts = |x: usize| self.sentence_start(x);
        let mut tail = Vec::new();
        let (kept, from) = if toks.is_prefix_of(&self.para_tokens(pi)) {
            full.marks.resume(toks.len())
        } else {
            (0, 0)
        };
        names::mentions_from(
            self.text,
            &toks,
            from,
            &inside,
            &starts,
            &mut tail,
            &mut names::ScanMarks::default(),
        );
        (full, kept, tail)
    }

    /// What the runner-up search makes of a mention: its fullest name, if it can be offered.
    fn candidate(&self, m: &names::Mention) -> Option<Rc<Cand>> {
        let full = if !m.described {
            self.fullest_form(&m.name, m.pos, Gender::Unknown)
        } else {
            None
        };
        let name = full
            .as_ref()
            .map_or(m.name.as_str(), |(f, i)| f[*i].1.as_str());
        let facts = self.name_facts(name);
        if !m.described && !facts.org && !facts.person_like {
            return None; // places, days, group words
        }
        // a name that is known to be someone's: it speaks, has a title or a forename, or
        // names an organisation (capitalised sentence openers and datelines are not)
        let person = *facts
            .known_person
            .get_or_init(|| matches!(self.gender(name), Gender::Male | Gender::Female))
            || (m.gender != Gender::Unknown && m.gender != Gender::Plural);
        if facts.shouting || !(m.speaks || m.titled || person || facts.org) {
            return None;
        }
        Some(Rc::clone(facts.cand.get_or_init(|| {
            let key = name_key(name);
            Rc::new(Cand {
                name: name.to_string(),
                key_hash: FixedState::default().hash_one(&key),
                key,
            })
        })))
    }

    /// What [`Doc::candidate`] needs to know of a name, whatever the mention (found once per
    /// name: most names of a document are mentioned again and again).
    fn name_facts(&self, name: &str) -> Rc<NameFacts> {
        if let Some(f) = self.name_facts.borrow().get(name) {
            return Rc::clone(f);
        }
        // (each word looked up once for both tests)
        let flags = names::word_flags(self.lex, name);
        let facts = Rc::new(NameFacts {
            org: flags & lexicon::ORG != 0,
            person_like: names::person_like_flags(name, flags),
            known_person: OnceCell::new(),
            shouting: name.chars().filter(|c| c.is_alphabetic()).count() > 1
                && !name.chars().any(|c| c.is_lowercase()),
            cand: OnceCell::new(),
        });
        self.name_facts
            .borrow_mut()
            .insert(name.to_string(), Rc::clone(&facts));
        facts
    }

    fn forms_of(&self, word: &str) -> Rc<NameForms> {
        if let Some(f) = self.forms.borrow().get(word) {
            return f.clone();
        }
        let caps = self.caps.get_or_init(|| names::CapWords::new(self.text));
        let f = Rc::new(names::full_forms_in(
            self.text,
            self.lex,
            word,
            caps.as_ref(),
        ));
        self.forms.borrow_mut().insert(word.to_string(), f.clone());
        f
    }

    /// The fullest form of a name near `pos` whose gender fits `want`: of a one-word name any
    /// longer form (`Ortiz` → `Lena Ortiz`); of a two-word name without a forename one that
    /// ends with both words (`Wasserman Schultz` → `Debbie Wasserman Schultz`, not another
    /// `Schultz`). A name with a forename is full already: a longer form of it is a headline's
    /// words (`Bush Hits Marco Rubio`) far more often than a middle name.
    fn fullest(&self, name: &str, pos: usize, want: Gender) -> Option<String> {
        self.fullest_form(name, pos, want)
            .map(|(forms, i)| forms[i].1.clone())
    }

    /// [`Doc::fullest`] as the name's forms and the index of the fullest one (no copy of it
    /// for a caller that only reads it).
    fn fullest_form(&self, name: &str, pos: usize, want: Gender) -> Option<(Rc<NameForms>, usize)> {
        let (last, whole) = match name.rsplit_once(' ') {
            Some((first, last)) => {
                // (two words only: a longer name with no known forename in it is most often
                // a headline's already)
                if first.contains(' ')
                    || self.lex.get_folded(first) & (lexicon::MALE | lexicon::FEMALE) != 0
                {
                    return None;
                }
                (last, true)
            }
            None => (name, false),
        };
        let forms = self.forms_of(last);
        let fits = |f: &str| {
            (!whole
                || (f.len() > name.len()
                    && f.ends_with(name)
                    && f[..f.len() - name.len()].ends_with(' ')))
                && (want == Gender::Unknown || want.compatible(self.gender(f)))
        };
        let i = names::pick_form_index(&forms, pos, fits)?;
        // `Schultz` → `Wasserman Schultz` → `Debbie Wasserman Schultz`
        if !whole && let Some(fuller) = self.fullest_form(&forms[i].1, pos, want) {
            return Some(fuller);
        }
        Some((forms, i))
    }

    /// Whether the document also writes this capitalised word in lowercase (a common word,
    /// not a name).
    fn used_in_lowercase(&self, word: &str) -> bool {
        if let Some(&u) = self.lowercase_words.borrow().get(word) {
            return u;
        }
        let u = self.search_lowercase(word);
        self.lowercase_words
            .borrow_mut()
            .insert(word.to_string(), u);
        u
    }

    /// [`Doc::used_in_lowercase`], searched for in the whole text.
    fn search_lowercase(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        if lower == word || lower.len() < 3 {
            return false;
        }
        let bytes = self.text.as_bytes();
        memchr::memmem::find_iter(bytes, lower.as_bytes()).any(|o| {
            let before = self.text[..o].chars().next_back();
            let after = self.text[o + lower.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    }

    fn gender(&self, name: &str) -> Gender {
        if let Some(g) = self.genders.borrow().get(name) {
            return *g;
        }
        let g = self
            .honorifics
            .get_or_init(|| names::Honorifics::new(self.text))
            .gender_of(self.text, self.lex, name);
        self.genders.borrow_mut().insert(name.to_string(), g);
        g
    }
    fn inside_quote(&self, pos: usize) -> bool {
        let i = self.spans.partition_point(|s| s.open < pos);
        i > 0 && self.spans[i - 1].close > pos && self.spans[i - 1].end > pos
    }

    fn sentence_start(&self, pos: usize) -> bool {
        self.seg
            .sentence_of(pos)
            .is_some_and(|i| self.seg.sentences[i].start == pos)
    }

    /// What a sieve found: the speaker of the phrase `s..e` of `toks`, with the cue at `c`.
    fn found_at(
        &self,
        toks: &[Tok],
        (s, e, c): (usize, usize, usize),
        rule: &'static str,
        confidence: f64,
    ) -> Option<Found> {
        Some(Found {
            speaker: self.speaker_from(toks, s, e)?,
            cue: cue_text(toks, c),
            rule,
            confidence,
            cue_pos: Some(toks[c].start),
        })
    }

    fn speaker_from(&self, toks: &[Tok], s: usize, e: usize) -> Option<Speaker> {
        // `Back in 1999, …`, `Ever since …`, `Guns are "…"`: a lone capitalised word opening
        // its sentence that the document also writes in lowercase is a common word, no name —
        // unless the document also gives it as someone's surname (`Marty Small … Small said`)
        if e == s + 1
            && toks[s].cap
            && !toks[s].is(lexicon::TITLE | lexicon::ROLE | lexicon::ORG | lexicon::PRONOUN)
            && self.sentence_start(toks[s].start)
            && self.used_in_lowercase(&self.text[toks[s].start..toks[s].end])
            && self
                .forms_of(&self.text[toks[s].start..toks[s].end])
                .is_empty()
        {
            return None;
        }
        // `Good information can …`, `Partial transcript as follows:`: a lone capitalised word
        // opening its sentence before a lowercase noun is an adjective of that noun, unless it
        // is a known forename or the document names it elsewhere (`Marty Small … Small said`)
        if e == s + 1
            && toks[s].cap
            && !toks[s].is(lexicon::TITLE
                | lexicon::ROLE
                | lexicon::ORG
                | lexicon::PRONOUN
                | lexicon::MALE
                | lexicon::FEMALE)
            && toks[s].lower.chars().any(char::is_lowercase)
            && !toks[s].possessive
            && toks.get(e).is_some_and(|n| {
                is_descriptor(n)
                    && !n.possessive
                    && n.lower.chars().next().is_some_and(char::is_alphabetic)
            })
            && self.sentence_start(toks[s].start)
            && self
                .forms_of(&self.text[toks[s].start..toks[s].end])
                .is_empty()
        {
            return None;
        }
        names::from_phrase(self.text, toks, s, e)
    }

    /// Resolves a pronoun or a lone surname; returns the speaker and the runner-up names.
    pub(crate) fn resolve(
        &self,
        sp: Speaker,
        history: &[(usize, Speaker)],
    ) -> (Speaker, Vec<String>) {
        match sp.what {
            What::Pronoun => self.resolve_pronoun(sp, history),
            What::Person => {
                let mut sp = sp;
                if let Some(full) = self.fullest(&sp.name, sp.mention.0, sp.gender) {
                    sp.name = full;
                } else if !sp.name.contains(' ')
                    && self.lex.get_folded(&sp.name) & (lexicon::MALE | lexicon::FEMALE) != 0
                    && self.forms_of(&sp.name).is_empty()
                    && let Some(full) = self.forename_full(&sp.name)
                {
                    // `Later, Desmond said` after `Desmond Hale`
                    sp.name = full;
                }
                if sp.gender == Gender::Unknown {
                    sp.gender = self.gender(&sp.name);
                }
                (sp, Vec::new())
            }
            What::Described => (sp, Vec::new()),
        }
    }

    fn resolve_pronoun(&self, sp: Speaker, history: &[(usize, Speaker)]) -> (Speaker, Vec<String>) {
        if matches!(sp.name.as_str(), "I" | "we" | "you") {
            return (sp, Vec::new());
        }
        let pos = sp.mention.0;
        let Some(p) = self.seg.paragraph_of(pos) else {
            return (sp, Vec::new());
        };
        let mut first = p.saturating_sub(1);
        if first > 0 && pos - self.seg.paragraphs[first].start < 300 {
            first -= 1;
        }
        let lo = self.seg.paragraphs[first].start;
        // (the mentions borrowed from each paragraph's, not copied)
        let found: Vec<_> = (first..=p)
            .map(|pi| self.mentions_before(pi, pos))
            .collect();
        let in_paragraphs = || {
            found
                .iter()
                .flat_map(|(full, kept, tail)| full.ms[..*kept].iter().chain(tail))
        };
        // earlier resolved pronouns keep their person in view (`he said … he added`); named
        // speakers are already among the mentions
        let mut recalled: Vec<names::Mention> = Vec::new();
        for (hp, h) in history {
            if *hp >= lo
                && *hp < pos
                && h.what != What::Pronoun
                && !in_paragraphs().any(|m| m.pos == *hp)
                && !recalled.iter().any(|m| m.pos == *hp)
            {
                // a described person who spoke (`the mayor`, `the actress`) stays in view for
                // `he` and `she`, of the sex the head noun gives
                let person = (h.what == What::Described)
                    .then(|| self.described_person(&h.name))
                    .flatten();
                recalled.push(names::Mention {
                    name: h.name.as_str().into(),
                    pos: *hp,
                    gender: person.unwrap_or(h.gender),
                    subject: true,
                    object: false,
                    speaks: true,
                    described: h.what == What::Described && person.is_none(),
                    titled: person.is_some(),
                    locative: false,
                });
            }
        }
        let mut ms: Vec<&names::Mention> = in_paragraphs().chain(&recalled).collect();
        ms.sort_by_key(|m| std::cmp::Reverse(m.pos));
        let want_person = matches!(sp.name.as_str(), "he" | "she");
        // each mention with its fullest name and gender, if it can be the pronoun's antecedent
        let mut cands: Vec<(&names::Mention, String, Gender)> = Vec::new();
        for &m in ms.iter() {
            let full = if m.described {
                None
            } else {
                self.fullest_form(&m.name, m.pos, sp.gender)
            };
            let full = full.as_ref().map(|(f, i)| f[*i].1.as_str());
            // (`Megyn was incredulous` after `Megyn Kelly`: a word with no longer form ending in
            // it may be a forename the document also gives with its surname)
            let by_forename = (full.is_none()
                && !m.described
                && !m.name.contains(' ')
                && self.forms_of(&m.name).is_empty())
            .then(|| self.forename_full(&m.name))
            .flatten();
            let full = full.or(by_forename.as_deref());
            // the tests on the fullest name, else on the name as written (`Suu Kyi` may pass
            // where `Aung San Suu Kyi`, with a place word in it, does not)
            let fits = |name: &str| {
                let mut gender = m.gender;
                if !m.described && gender == Gender::Unknown {
                    gender = self.gender(name);
                }
                // `his wife, Jane, called …`: a forename on its own, with no longer form in
                // the document, is a person of the forename's sex
                if gender == Gender::Unknown
                    && full.is_none()
                    && !name.contains(' ')
                    && !m.locative
                    && !self.modifies_noun(m.pos + name.len())
                    && self.forms_of(name).is_empty()
                {
                    gender = Gender::of_flags(
                        self.lex.get_folded(name) & (lexicon::MALE | lexicon::FEMALE),
                    );
                }
                self.may_be_antecedent(m, name, gender, &sp, want_person, history)
                    .then_some(gender)
            };
            let Some(gender) = full.and_then(fits).or_else(|| fits(&m.name)) else {
                continue;
            };
            let name = full.unwrap_or(&m.name).to_string();
            cands.push((m, name, gender));
        }
        let mut scored: Vec<(f64, String, Gender)> = Vec::new();
        for (rank, (m, name, gender)) in cands.iter().enumerate() {
            let mut score = rank as f64;
            if m.object {
                score += 3.0;
            }
            if !m.subject {
                score += 2.0;
            }
            // (a description only when no name fits: `the two-term president` is most often
            // the person a name nearby gives)
            // (but `said the woman, who did not want to be named`: a person the writer leaves
            // unnamed on purpose)
            if m.titled
                && m.name.starts_with("the ")
                && !matches!(m.name.rsplit(' ').next(), Some("man" | "woman"))
            {
                score += 100.0;
            }
            if m.speaks {
                score -= 1.0;
            } else if let Some(si) = self.seg.sentence_of(m.pos)
                && let sent_start = self.seg.sentences[si].start
                && cands
                    .iter()
                    .any(|(o, n, _)| o.speaks && o.pos < m.pos && o.pos >= sent_start && n != name)
                && !self.opens_with_subordinator(sent_start)
            {
                // inside what an earlier speaker of its sentence reports (`Madison recalled
                // that before Iowa, Obama wasn't treated …`): not the one who goes on talking
                // (but `When Maddow pointed out …, Clinton seized upon it`: the main clause)
                score += 1.5;
            }
            // the subject that opens the pronoun's paragraph is its topic (`His daughter,
            // Mira, 12, carried a sign. "…," she said.`), ahead of a speaker of the paragraphs
            // before
            if m.subject
                && !m.object
                && (*gender != Gender::Unknown || name.contains(' '))
                && m.pos >= self.seg.paragraphs[p].start
                && self.seg.sentence_of(m.pos) == Some(self.seg.para_first_sentence[p])
            {
                score -= 1.5;
            }
            // salience: a person who is the subject again and again in the window
            let again = cands
                .iter()
                .filter(|(o, n, _)| o.subject && n == name)
                .count()
                .saturating_sub(1);
            score -= 0.5 * (again.min(3) as f64);
            if *gender == Gender::Unknown {
                // many forenames are not in the lists: a title or a full name says person
                score += if m.titled || name.contains(' ') {
                    1.0
                } else {
                    1.5
                };
            }
            if !scored.iter().any(|(_, n, _)| n == name) {
                scored.push((score, name.clone(), *gender));
            }
        }
        scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut it = scored.into_iter();
        match it.next() {
            Some((_, name, gender)) => {
                let alts = it.map(|(_, n, _)| n).take(3).collect();
                (
                    Speaker {
                        name,
                        mention: sp.mention,
                        what: What::Person,
                        gender,
                        resolved_pronoun: true,
                    },
                    alts,
                )
            }
            None => (sp, Vec::new()),
        }
    }

    /// `Bill` → `Bill Clinton`: the one full name in the document that starts with a
    /// forename, if there is exactly one.
    fn forename_full(&self, forename: &str) -> Option<String> {
        if let Some(f) = self.forename_forms.borrow().get(forename) {
            return f.clone();
        }
        let f = self.search_forename_full(forename);
        self.forename_forms
            .borrow_mut()
            .insert(forename.to_string(), f.clone());
        f
    }

    /// [`Doc::forename_full`], searched for in the whole text.
    fn search_forename_full(&self, forename: &str) -> Option<String> {
        let mut found: Option<&str> = None;
        let pat = format!("{forename} ");
        for o in memchr::memmem::find_iter(self.text.as_bytes(), pat.as_bytes()) {
            if self.text[..o]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let rest = &self.text[o + pat.len()..];
            let surname = rest
                .split(|c: char| !(c.is_alphabetic() || c == '-'))
                .next()
                .unwrap_or("");
            // (an initial, `Donald J. Trump`, says nothing: the other forms decide)
            if surname.chars().nth(1).is_none() {
                continue;
            }
            if !surname.starts_with(|c: char| c.is_uppercase())
                || self.lex.get_folded(surname) & (lexicon::NOT_NAME | lexicon::TITLE) != 0
            {
                continue;
            }
            match found {
                None => found = Some(surname),
                Some(f) if f == surname => {}
                Some(_) => return None,
            }
        }
        found.map(|s| format!("{forename} {s}"))
    }

    /// Whether the word after `end` is a lowercase word that no list knows as a verb, so that
    /// the name before it modifies a noun (`Sanford police officer Timothy Smith`) rather than
    /// being a subject (`Carson defied the question`, `Bob agreed`).
    fn modifies_noun(&self, end: usize) -> bool {
        let Some(rest) = self.text.get(end..).and_then(|r| r.strip_prefix(' ')) else {
            return false;
        };
        let word = rest
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        !word.is_empty()
            && word.starts_with(|c: char| c.is_lowercase())
            && !word.ends_with("ed")
            && !word.ends_with('s')
            && self.lex.get(word) & (lexicon::VERB | lexicon::CUE | lexicon::AUX | lexicon::ADVERB)
                == 0
    }

    /// Whether the sentence at `start` opens with a subordinate clause (`When …, `).
    fn opens_with_subordinator(&self, start: usize) -> bool {
        let rest = self.text[start..].trim_start_matches(|c: char| !c.is_alphanumeric());
        let word = rest
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        matches!(
            word,
            "When"
                | "As"
                | "After"
                | "While"
                | "Although"
                | "Though"
                | "Before"
                | "Since"
                | "If"
                | "Because"
                | "Once"
                | "Until"
                | "Whereas"
        )
    }

    /// `the mayor`, `the actress`: a definite description of one person (its head noun a
    /// title or a role, singular, no organisation); the sex the head noun gives, if any.
    fn described_person(&self, name: &str) -> Option<Gender> {
        let rest = name.strip_prefix("the ")?;
        let head = rest.rsplit(' ').next()?;
        let flags = self.lex.get_folded(head);
        let sex = match head {
            "man" | "boy" => Gender::Male,
            "woman" | "girl" => Gender::Female,
            _ => Gender::of_flags(flags & (lexicon::MALE | lexicon::FEMALE)),
        };
        let person = flags & lexicon::TITLE != 0
            || sex != Gender::Unknown
            || matches!(
                head,
                "official"
                    | "aide"
                    | "adviser"
                    | "advisor"
                    | "spokesperson"
                    | "lawyer"
                    | "attorney"
                    | "officer"
                    | "leader"
                    | "candidate"
                    | "nominee"
                    | "host"
            );
        (person
            && flags & (lexicon::ORG | lexicon::NONPERSON) == 0
            && !rest.contains(" of ")
            && !rest.contains(" for "))
        .then_some(sex)
    }

    /// Whether a mention, as `name` of `gender`, can be the antecedent of the pronoun `sp`.
    fn may_be_antecedent(
        &self,
        m: &names::Mention,
        name: &str,
        gender: Gender,
        sp: &Speaker,
        want_person: bool,
        history: &[(usize, Speaker)],
    ) -> bool {
        if want_person {
            if m.described || !sp.gender.compatible(gender) || gender == Gender::Plural {
                return false;
            }
            // a name of unknown gender must look like a person's: not `FULL TEXT`, and no
            // word that the document also uses in lowercase (`Special Operations`)
            let known_name = m.titled
                || gender != Gender::Unknown
                || history.iter().any(|(_, h)| h.name == name)
                || (name.contains(' ')
                    && !name.split(' ').any(|w| {
                        w.chars().filter(|c| c.is_alphabetic()).count() > 1
                            && w.chars().all(|c| !c.is_lowercase())
                            || self.used_in_lowercase(w)
                    }));
            // (`in Palo Alto`: a name of unknown gender after a preposition of place)
            known_name
                && names::person_like(self.lex, name)
                && !(m.locative && gender == Gender::Unknown && !m.titled)
        } else {
            !((sp.name == "they" || sp.name == "it") && !m.described)
        }
    }

    /// Runner-up speakers for a quotation or report at `pos`: `first` (e.g. the runners-up of
    /// pronoun resolution), then the people and organisations named outside quotation marks in
    /// this and the previous paragraph up to the end of the sentence, nearest first, those who
    /// speak or are sentence subjects ahead. Distinct from `speaker` and from each other.
    pub(crate) fn nearby_candidates(
        &self,
        pos: usize,
        speaker: Option<&str>,
        first: Vec<String>,
        limit: usize,
    ) -> Vec<String> {
        self.nearby_candidates_keyed(pos, speaker, first, limit).0
    }

    /// [`Doc::nearby_candidates`], and the name keys of the speaker (if any) and of each
    /// candidate, in that order.
    fn nearby_candidates_keyed(
        &self,
        pos: usize,
        speaker: Option<&str>,
        first: Vec<String>,
        limit: usize,
    ) -> (Vec<String>, Vec<String>) {
        let mut seen: Vec<String> = speaker.map(name_key).into_iter().collect();
        let mut out = Vec::new();
        let mut push = |name: String, key: String, out: &mut Vec<String>| {
            if !key.is_empty() && !seen.contains(&key) && out.len() < limit {
                seen.push(key);
                out.push(name);
            }
        };
        for c in first {
            let key = name_key(&c);
            push(c, key, &mut out);
        }
        let Some(p) = self.seg.paragraph_of(pos) else {
            return (out, seen);
        };
        let first_para = p.saturating_sub(1);
        let hi = self
            .seg
            .sentence_of(pos)
            .map_or(pos, |i| self.seg.sentences[i].end)
            .max(pos)
            .min(self.text.len());
        // (score, candidate), one per key with its best score
        let mut scored: Vec<(f64, Rc<Cand>)> = Vec::new();
        let mut score = |m: &names::Mention, c: &Rc<Cand>| {
            // about one point per sentence of distance; later mentions count double
            let dist = if m.pos <= pos {
                pos - m.pos
            } else {
                2 * (m.pos - pos)
            };
            let mut score = dist as f64 / 150.0;
            if m.speaks {
                score -= 2.0;
            }
            if m.subject {
                score -= 1.0;
            }
            if m.object {
                score += 0.5;
            }
            match scored
                .iter_mut()
                .find(|(_, k)| k.key_hash == c.key_hash && k.key == c.key)
            {
                Some(e) => e.0 = e.0.min(score),
                None => scored.push((score, Rc::clone(c))),
            }
        };
        for pi in first_para..=p {
            if self.seg.paragraphs[pi].start >= hi {
                break;
            }
            let (full, kept, tail) = self.mentions_before(pi, hi);
            let mut cands = full.cands.borrow_mut();
            for m in full.ms.iter().take(kept).skip(cands.len()) {
                cands.push(self.candidate(m));
            }
            for (m, c) in full.ms[..kept].iter().zip(cands.iter()) {
                if let Some(c) = c {
                    score(m, c);
                }
            }
            for m in &tail {
                if let Some(c) = self.candidate(m) {
                    score(m, &c);
                }
            }
        }
        scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (_, c) in scored {
            if out.len() >= limit {
                break;
            }
            if !c.key.is_empty() && !seen.contains(&c.key) {
                seen.push(c.key.clone());
                out.push(c.name.clone());
            }
        }
        (out, seen)
    }

    /// Attributes every quotation span.
    pub fn attribute(&self) -> Vec<Attributed> {
        let mut out: Vec<Attributed> = Vec::with_capacity(self.spans.len());
        // (position of the mention, resolved speaker) of earlier attributions
        let mut history: Vec<(usize, Speaker)> = Vec::new();
        // the name key of each speaker in `history`, made once
        let mut history_keys: Vec<String> = Vec::new();
        // per quotation: (resolved speaker, cue position) for split/continuation
        let mut found_of: Vec<Option<Found>> = Vec::with_capacity(self.spans.len());
        for qi in 0..self.spans.len() {
            let sp = &self.spans[qi];
            let Some(pi) = self.seg.paragraph_of(sp.open) else {
                found_of.push(None);
                continue;
            };
            let para = self.seg.paragraphs[pi];
            let si = self.seg.sentence_of(sp.open).unwrap_or(0);
            let sent = self.seg.sentences[si];
            let sent_start = sent.start.max(para.start);
            let prev_same_para = qi > 0
                && self.spans[qi - 1].close > para.start
                && self.spans[qi - 1].close <= sp.open;
            let before_lo = if prev_same_para {
                sent_start.max(self.spans[qi - 1].close)
            } else {
                sent_start
            };
            let next_open = self
                .spans
                .get(qi + 1)
                .map(|n| n.open)
                .filter(|&o| o < para.end)
                .unwrap_or(para.end);
            let close_si = self
                .seg
                .sentence_of(sp.close.saturating_sub(1).max(sp.open))
                .unwrap_or(si);
            let mut after_hi = self.seg.sentences[close_si]
                .end
                .min(next_open)
                .max(sp.close);
            let mut cross = false;
            if after_hi <= sp.close + 1 && close_si + 1 < self.seg.sentences.len() {
                let ns = self.seg.sentences[close_si + 1];
                if ns.start >= sp.close && ns.end <= para.end {
                    after_hi = ns.end.min(next_open);
                    cross = true;
                }
            }
            let before = self.tokens(before_lo.min(sp.open), sp.open);
            let after = self.tokens(sp.close, after_hi.max(sp.close));
            let content = &self.text[sp.start..sp.end];
            // (past the closing mark of a quotation that ends this one: `… to help?’”`)
            let last_char = content
                .trim_end_matches([
                    '\u{2019}', '\'', '\u{201d}', '"', '\u{bb}', '\u{ab}', '\u{203a}', '\u{2039}',
                    '\u{201c}',
                ])
                .chars()
                .last()
                .unwrap_or(' ');
            // (counted when first needed, once)
            let n_words_cell = OnceCell::new();
            let n_words = || *n_words_cell.get_or_init(|| words_of(content));

            let mut found: Option<Found> = None;
            // 1. adjacent patterns
            let after_m = match_after(&after).filter(|&(_, e, c)| {
                // across a sentence break only a short `X said.` clause (`"Q." He also said
                // Trump's …` is a new report); after `!` or `?` the break is no sentence end
                // (`"Q!" Rep. Jo Lee, a Republican, said of the mood`)
                !cross
                    || (c.max(e) <= 6
                        && after[c.max(e)..]
                            .iter()
                            .filter(|t| t.kind == TK::Word && !t.is(lexicon::TIME))
                            .count()
                            <= 2)
                    || (matches!(last_char, '!' | '?') && c.max(e) <= 16)
            });
            let before_m = match_before(&before);
            // (`Clinton responded: "What difference does it make?" Her critics cited it`: a
            // question or exclamation that a cue and a colon introduce is theirs)
            let colon_before = before.last().is_some_and(|t| t.is_punct(':'));
            // (`under what Mr. Hedge called "the prior model," the club charged`: a naming verb
            // right before the quotation owns it)
            let named_before = before_m
                .is_some_and(|(_, _, c)| c + 1 == before.len() && before[c].is(lexicon::CUE_FRAME));
            let pick_after = after_m.is_some()
                && !named_before
                && (before_m.is_none()
                    || matches!(last_char, ',' | '\u{2014}' | '-')
                    || (matches!(last_char, '?' | '!') && !colon_before));
            if pick_after && let Some(m) = after_m {
                let confidence = if cross { 0.85 } else { 0.95 };
                found = self.found_at(&after, m, "adjacent-after", confidence);
            }
            // 2. split quotation: the cue between the previous part and this one
            if found.is_none()
                && prev_same_para
                && let Some(Some(pf)) = found_of.get(qi - 1)
                && pf.rule == "adjacent-after"
                && let Some(cue_at) = pf.cue_pos
                && cue_at >= self.spans[qi - 1].close
                && cue_at < sp.open
                && self.only_attribution_between(self.spans[qi - 1].close, cue_at, sp.open)
            {
                found = Some(Found {
                    rule: "split",
                    confidence: 0.92,
                    ..pf.clone()
                });
            }
            if found.is_none() {
                if let Some(m) = before_m {
                    found = self.found_at(&before, m, "adjacent-before", 0.92);
                } else if let Some((s, e)) = match_colon(&before)
                    && let Some(spk) = self.speaker_from(&before, s, e)
                {
                    found = Some(Found {
                        speaker: spk,
                        cue: ":".into(),
                        rule: "adjacent-before",
                        confidence: 0.85,
                        cue_pos: Some(before[before.len() - 1].start),
                    });
                }
            }
            if found.is_none()
                && let Some(m) = after_m
            {
                found = self.found_at(&after, m, "adjacent-after", 0.85);
            }
            // 3. according to
            if found.is_none() {
                for toks in [&before, &after] {
                    if let Some((s, e, c)) = match_according(toks)
                        && let Some(spk) = self.speaker_from(toks, s, e)
                    {
                        found = Some(Found {
                            speaker: spk,
                            cue: "according to".into(),
                            rule: "according-to",
                            confidence: 0.88,
                            cue_pos: Some(toks[c].start),
                        });
                        break;
                    }
                }
            }
            // 4. a cue in the same clause
            let sent_before = if before_lo > sent_start {
                self.tokens(sent_start, sp.open)
            } else {
                Toks::owned(Vec::new())
            };
            if found.is_none() {
                let toks = if sent_before.is_empty() {
                    &before
                } else {
                    &sent_before
                };
                found =
                    match_clause(toks).and_then(|m| self.found_at(toks, m, "same-clause", 0.75));
            }
            if found.is_none() {
                found = match_after_clause(&after)
                    .and_then(|m| self.found_at(&after, m, "same-clause", 0.7));
            }
            // `after Clinton's March comment that, "…"`: the owner of the words
            if found.is_none() {
                found = match_possessed(&before)
                    .and_then(|m| self.found_at(&before, m, "same-clause", 0.7));
            }
            // `Trump issued a statement, "…"`, `the Daily News focuses on …: "…"`: a quotation
            // introduced by a comma or colon with no cue belongs to the sentence's named subject
            let lead = if found.is_none() && sent_start < sp.open {
                self.tokens(sent_start, sp.open)
            } else {
                Toks::owned(Vec::new())
            };
            if found.is_none()
                && !lead.iter().any(|t| t.kind == TK::Mark)
                && lead
                    .last()
                    .is_some_and(|t| t.is_punct(',') || t.is_punct(':'))
                && let Some((s, e)) = sentence_subject(&lead)
                && lead[s..e].iter().any(|t| t.cap && nameish(t))
                && let Some(spk) = self.speaker_from(&lead, s, e)
                && spk.what != What::Pronoun
            {
                found = Some(Found {
                    speaker: spk,
                    cue: cue_text(&lead, lead.len() - 1),
                    rule: "same-clause",
                    confidence: 0.5,
                    cue_pos: None,
                });
            }
            // `Adding, "…"`: a cue without a subject continues the previous speaker
            let starts_sentence = before
                .iter()
                .all(|t| matches!(t.kind, TK::Mark | TK::Punct(_)))
                || (before.len() <= 4
                    && before.iter().any(|t| t.is(lexicon::CUE | lexicon::CUE_ING))
                    && !before
                        .iter()
                        .any(|t| t.cap && nameish(t) && !t.is(lexicon::CUE_ING | lexicon::CUE))
                    && !before.iter().any(subject_pronoun));
            // 6. continuation of the previous quotation (same or previous paragraph)
            if found.is_none() && starts_sentence {
                let prev = if qi > 0 {
                    found_of[qi - 1].as_ref()
                } else {
                    None
                };
                let prev_para = if qi > 0 {
                    self.seg.paragraph_of(self.spans[qi - 1].open)
                } else {
                    None
                };
                let near = prev_para.is_some_and(|pp| {
                    pp == pi
                        || (pp + 1 == pi && sp.open == para.start)
                        || (pp + 1 == pi && self.spans[qi - 1].continues)
                });
                if let (Some(pf), true) = (prev, near) {
                    // nothing but the previous attribution in between
                    let gap_lo = self.spans[qi - 1].close;
                    let gap = self.tokens(gap_lo, sp.open);
                    let gap_cues = gap.iter().filter(|t| is_cue(t)).count();
                    let names_between = gap.iter().filter(|t| t.cap && nameish(t)).count();
                    let pf_cue_inside = pf.cue_pos.is_some_and(|c| c >= gap_lo && c < sp.open);
                    if gap_cues <= usize::from(pf_cue_inside)
                        && (names_between == 0 || pf_cue_inside)
                    {
                        found = Some(Found {
                            rule: "continuation",
                            confidence: 0.7,
                            ..pf.clone()
                        });
                    }
                }
            }
            // a signature paragraph after a quotation that ends its paragraph (`"…"¶- Sanders.`),
            // as fact-check and live-blog pages attribute
            if found.is_none()
                && self
                    .text
                    .get(sp.close..para.end)
                    .is_some_and(|rest| rest.trim().is_empty())
                && let Some(next) = self.seg.paragraphs.get(pi + 1)
                && next.end - next.start < 80
            {
                let toks = self.tokens(next.start, next.end);
                if toks.first().is_some_and(|t| t.is_dash())
                    && let Some(e) = np_forward(&toks, 1)
                    && toks[e..].iter().all(|t| t.is_punct('.'))
                    && let Some(spk) = self.speaker_from(&toks, 1, e)
                {
                    found = Some(Found {
                        speaker: spk,
                        cue: "\u{2014}".into(),
                        rule: "signature",
                        confidence: 0.85,
                        cue_pos: Some(toks[0].start),
                    });
                }
            }
            // 5. a named subject in the previous sentence (or paragraph) with no cue
            if found.is_none() && starts_sentence && si > 0 {
                let prev_s = self.seg.sentences[si - 1];
                let same_para = prev_s.start >= para.start;
                let prev_para_colon = !same_para
                    && sp.open == para.start
                    && self.text[..prev_s.end].trim_end().ends_with(':');
                // a quotation that opens its paragraph after a paragraph ending in a report
                // (`X said she wanted more time.¶"…"`)
                let prev_para_report = !same_para && sp.open == para.start;
                if same_para || prev_para_colon || prev_para_report {
                    let toks = self.tokens(prev_s.start, prev_s.end);
                    if !toks.iter().any(|t| t.kind == TK::Mark) {
                        let named_subject_ok = same_para || prev_para_colon;
                        // the report of the main clause (`Schoen elaborated … that delegates,
                        // even those who did so before the campaign began, may reconsider`)
                        let main = sentence_subject(&toks).and_then(|(s, e)| {
                            let mut c = e;
                            while toks.get(c).is_some_and(|t| t.is(lexicon::ADVERB) && !t.cap) {
                                c += 1;
                            }
                            toks.get(c).is_some_and(is_cue).then_some((s, e, c))
                        });
                        let hit = main
                            .or_else(|| match_clause(&toks))
                            .map(|(s, e, c)| (s, e, cue_text(&toks, c)))
                            .or_else(|| {
                                if !named_subject_ok {
                                    return None;
                                }
                                // `In response, Donald Trump issued the following statement:`
                                let (s, e) = sentence_subject(&toks)?;
                                Some((s, e, String::new()))
                            });
                        if let Some((s, e, cue)) = hit
                            && let Some(spk) = self.speaker_from(&toks, s, e)
                        {
                            found = Some(Found {
                                speaker: spk,
                                cue: if cue.is_empty() && prev_para_colon {
                                    ":".into()
                                } else {
                                    cue
                                },
                                rule: "prev-sentence",
                                confidence: if named_subject_ok { 0.6 } else { 0.55 },
                                cue_pos: None,
                            });
                        }
                    }
                }
            }

            // 7. last resort for a quotation standing on its own: the most recent speaker of this
            // or the previous two paragraphs (low confidence; review sees the candidates)
            if found.is_none() && starts_sentence {
                let recent = (0..qi).rev().find_map(|k| {
                    let f = found_of[k].as_ref()?;
                    let kp = self.seg.paragraph_of(self.spans[k].open)?;
                    (kp + 2 >= pi).then_some(f)
                });
                if let Some(f) = recent {
                    found = Some(Found {
                        rule: "nearest-speaker",
                        confidence: 0.4,
                        ..f.clone()
                    });
                }
            }

            // 8. a long quoted fragment inside a sentence with no cue (`Bush referred to Rubio
            // as "a bright, charismatic leader"`, `who Beck on Wednesday called "…"`): the
            // sentence's subject, at low confidence
            if found.is_none()
                && !starts_sentence
                && n_words() >= LONG_FRAGMENT_WORDS
                && sent_start < sp.open
            {
                let lead = self.tokens(sent_start, sp.open);
                if !lead.iter().any(|t| t.kind == TK::Mark)
                    && let Some((s, e)) = sentence_subject(&lead)
                    && (lead[s..e].iter().any(|t| t.cap && nameish(t))
                        || (e - s == 1 && subject_pronoun(&lead[s])))
                    && let Some(spk) = self.speaker_from(&lead, s, e)
                {
                    found = Some(Found {
                        speaker: spk,
                        cue: String::new(),
                        rule: "sentence-subject",
                        confidence: 0.45,
                        cue_pos: None,
                    });
                }
            }

            // a speaker is never named inside a quotation (a sentence break inside one can
            // put its words in a cue's clause)
            if found.as_ref().is_some_and(|f| {
                !matches!(f.rule, "split" | "continuation" | "nearest-speaker")
                    && self.inside_quote(f.speaker.mention.0)
            }) {
                found = None;
            }
            // `He added that "Q1" and "Q2"`: a fragment a few words after another one of the
            // same sentence continues its report
            if found.is_none()
                && prev_same_para
                && self
                    .seg
                    .sentence_of(self.spans[qi - 1].close.saturating_sub(1))
                    == Some(si)
                && fragment_glue(&self.text[self.spans[qi - 1].close..sp.open])
                && out
                    .last()
                    .is_some_and(|r| r.span.close == self.spans[qi - 1].close)
                && let Some(Some(pf)) = found_of.get(qi - 1)
                && matches!(
                    pf.rule,
                    "adjacent-after" | "adjacent-before" | "same-clause" | "according-to" | "split"
                )
            {
                found = Some(Found {
                    rule: "split",
                    confidence: pf.confidence * 0.9,
                    cue_pos: None,
                    ..pf.clone()
                });
            }
            // resolution
            let mut candidates = Vec::new();
            let mut mention = None;
            let mut resolved: Option<Found> = None;
            if let Some(f) = found {
                mention = Some(f.speaker.mention);
                let inherited = matches!(f.rule, "split" | "continuation" | "nearest-speaker");
                let (spk, alts) = if inherited {
                    (f.speaker.clone(), Vec::new())
                } else {
                    self.resolve(f.speaker.clone(), &history)
                };
                candidates = alts;
                let mut conf = f.confidence;
                if spk.resolved_pronoun {
                    conf *= 0.85;
                } else if spk.what == What::Pronoun {
                    conf *= 0.6;
                }
                if !inherited {
                    history.push((spk.mention.0, spk.clone()));
                }
                resolved = Some(Found {
                    speaker: spk,
                    confidence: conf,
                    ..f
                });
            }

            // kind
            let kind = self.kind_of(&sent_before, &before, sp, content);
            // (`"Met accused of whitewashing," by Post's Kathianne Boniello:`: a headline with
            // its byline is a title too)
            let title = is_title_case(content)
                || ((content.ends_with(',') || self.text[sp.close..].starts_with(','))
                    && byline_after(&self.text[sp.close..]));
            let rule = resolved.as_ref().map_or("none", |f| f.rule);
            let adjacent = matches!(rule, "adjacent-after" | "adjacent-before" | "split");
            let cue_strong = resolved.as_ref().is_some_and(|f| {
                f.cue == ":" || f.cue == "according to" || {
                    let l = self.lex.get_folded(&f.cue);
                    l & (lexicon::CUE_DIRECT | lexicon::CUE_FRAME) != 0
                }
            });
            let ends_punct = matches!(last_char, ',' | '.' | '?' | '!');
            // a short fragment inside a longer report: the row is the reported clause, as
            // indirect speech, unless the quoted words make up most of it
            let mut kind = kind;
            let mut out_span = sp.clone();
            // (`'Q,' Mr Barrow said, adding that markets 'hate uncertainty'`: after the previous
            // part, a participle cue and `that` open the clause the fragment is in)
            let clause_cue = if rule == "split" && prev_same_para {
                self.that_clause_cue(self.spans[qi - 1].close, sp.open)
            } else if matches!(rule, "adjacent-before" | "same-clause" | "according-to") {
                // (`what Mr. Hedge called "the prior model," the club charged …`: when another
                // report follows, the quoted words are the name, no start of a reported clause)
                resolved
                    .as_ref()
                    .filter(|_| !(named_before && after_m.is_some()))
                    .and_then(|f| f.cue_pos)
            } else {
                None
            };
            if kind == Kind::Mixed
                && let Some(cp) = clause_cue
                && cp < sp.open
            {
                let sent_end = self.seg.sentences[close_si].end.max(sp.close);
                if let Some((cs, ce)) = self.reported_clause(cp, sp.close, sent_end)
                    && self.quoted_share(cs, ce) < MIXED_SHARE
                {
                    kind = Kind::Indirect;
                    out_span = Span {
                        open: cs,
                        start: cs,
                        end: ce,
                        close: ce,
                        closed: true,
                        continues: false,
                        continued: false,
                        style: sp.style,
                    };
                }
            }
            // `according to X, "the votes …"`: a quotation that is the whole reported clause
            // is direct even when it starts in lowercase
            if kind == Kind::Mixed
                && rule == "according-to"
                && let Some(cp) = resolved.as_ref().and_then(|f| f.cue_pos)
                && cp < sp.open
                && self.only_punct_between(cp, sp.open)
            {
                let sent_end = self.seg.sentences[close_si].end.max(sp.close);
                if self.text[sp.close..sent_end].trim().is_empty() {
                    kind = Kind::Direct;
                }
            }
            // `dismissed the report as "fake news"`: a characterisation, not a speech report
            let characterised = resolved.as_ref().is_some_and(|f| {
                // (without a lowercased copy: only ASCII letters lowercase to these)
                f.cue
                    .get(..7)
                    .is_some_and(|p| p.eq_ignore_ascii_case("dismiss"))
                    && f.cue_pos
                        .is_some_and(|cp| cp < sp.open && self.text[cp..sp.open].contains(" as "))
            });
            let keep = if characterised {
                false
            } else if kind == Kind::Indirect {
                true
            } else if title && (!adjacent || !ends_punct || kind == Kind::Mixed) {
                false
            } else if resolved.is_none() {
                kind == Kind::Direct && n_words() > 3
            } else if kind == Kind::Mixed && n_words() <= 3 {
                // a short fragment is a quotation only right after its cue (`called it
                // "absurd"`); elsewhere it is a scare quote
                (cue_strong && !title && rule == "adjacent-before")
                    || (rule == "split" && clause_cue.is_some())
            } else {
                true
            };
            found_of.push(resolved.clone());
            if !keep {
                continue;
            }

            // context: the sentences of the quotation and of the mention
            let mut c0 = sent_start;
            let mut c1 = self.seg.sentences[close_si].end.max(after_hi).max(sp.end);
            if let Some((ms, me)) = mention {
                if let Some(i) = self.seg.sentence_of(ms) {
                    c0 = c0.min(self.seg.sentences[i].start);
                }
                if let Some(i) = self.seg.sentence_of(me.saturating_sub(1)) {
                    c1 = c1.max(self.seg.sentences[i].end);
                }
            }
            let c1 = c1.min(self.text.len());
            // the previous quotation's speaker as a fallback candidate
            if let Some((_, h)) = history
                .iter()
                .rev()
                .find(|(_, h)| resolved.as_ref().is_none_or(|f| f.speaker.name != h.name))
                && !candidates.contains(&h.name)
            {
                candidates.push(h.name.clone());
            }
            let (speaker, cue, confidence) = match &resolved {
                Some(f) => (Some(f.speaker.clone()), f.cue.clone(), f.confidence),
                None => (None, String::new(), 0.0),
            };
            let own = speaker.as_ref().map(|s| s.name.as_str());
            // (`keys`: of the speaker and of each candidate)
            let (mut candidates, mut keys) =
                self.nearby_candidates_keyed(sp.open, own, candidates, MAX_CANDIDATES);
            // then the earlier speakers of the document, most recent first
            if candidates.len() < MAX_CANDIDATES {
                let start = history_keys.len();
                history_keys.extend(history[start..].iter().map(|(_, h)| name_key(&h.name)));
                for ((_, h), key) in history.iter().zip(&history_keys).rev() {
                    if candidates.len() >= MAX_CANDIDATES {
                        break;
                    }
                    if !keys.contains(key) {
                        candidates.push(h.name.clone());
                        keys.push(key.clone());
                    }
                }
            }
            out.push(Attributed {
                span: out_span,
                kind,
                speaker,
                mention,
                cue,
                confidence,
                rule,
                candidates,
                context: (c0.min(sp.open), c1),
            });
        }
        self.join_fragments(out)
    }

    /// `called him "a liar" and "a fraud."`, `said it "is an idea" and that "no group owns
    /// it."`: quoted fragments of one speaker a few words apart in one sentence are one
    /// report, the way annotated corpora mark them (PolNeAR train: 43 of 44 such pairs), so
    /// they become one mixed row spanning both fragments, inner marks included.
    fn join_fragments(&self, rows: Vec<Attributed>) -> Vec<Attributed> {
        let mut out: Vec<Attributed> = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(prev) = out.last_mut()
                && prev.kind == Kind::Mixed
                && row.kind == Kind::Mixed
                && prev.span.close <= row.span.open
                && let (Some(a), Some(b)) = (&prev.speaker, &row.speaker)
                && a.name == b.name
                && !self.text[prev.span.start..prev.span.end].ends_with(['.', '!', '?'])
                && fragment_glue(&self.text[prev.span.close..row.span.open])
            {
                prev.span.end = row.span.end;
                prev.span.close = row.span.close;
                prev.span.closed = row.span.closed;
                prev.span.continues = row.span.continues;
                prev.confidence = prev.confidence.min(row.confidence);
                prev.context = (
                    prev.context.0.min(row.context.0),
                    prev.context.1.max(row.context.1),
                );
                continue;
            }
            out.push(row);
        }
        out
    }

    /// Whether the text between two parts of a split quotation is only the first part's
    /// attribution: the cue, its speaker and a few adjuncts, ending in a comma, colon or period
    /// (`"Q1," he said, "Q2"`), not a new clause (`… asked Mr. X, referring to what he calls "Q2"`).
    fn only_attribution_between(&self, prev_close: usize, cue_at: usize, open: usize) -> bool {
        let gap = self.tokens(prev_close, open);
        let Some(c) = gap.iter().position(|t| t.start == cue_at) else {
            return false;
        };
        // another speaker after the first part's cue: `… asked X, while Y said "Q2"`
        let other_speaker = (c + 1..gap.len()).any(|k| {
            is_cue(&gap[k]) && subject_before(&gap, k, c + 1).is_some_and(|(s, _)| s > c + 1)
        });
        if other_speaker {
            return false;
        }
        let rest: Vec<&Tok> = gap[c + 1..].iter().filter(|t| t.kind != TK::Mark).collect();
        let Some(last) = rest.last() else {
            return true;
        };
        // the second part opens a new sentence: the same speaker goes on
        if matches!(last.kind, TK::Punct('.' | '?' | '!')) || last.lower.ends_with('.') {
            return true;
        }
        // inside the sentence: only the attribution and a few adjuncts before it (counted
        // from the last sentence end: `…, said X, a strategist in 2008. Unless rivals quit
        // the race, "…"`)
        let from = rest
            .iter()
            .rposition(|t| matches!(t.kind, TK::Punct('.' | '?' | '!')))
            .map_or(0, |p| p + 1);
        // (a new sentence with a cue of its own is a new report: `Others, reacting to the
        // delay, shouted, "…"`)
        if from > 0 && rest[from..].iter().any(|t| is_cue(t)) {
            return false;
        }
        let words = rest[from..].iter().filter(|t| t.kind == TK::Word).count();
        (words <= 25
            && matches!(
                last.kind,
                TK::Punct(',' | ':' | ';' | '\u{2014}' | '\u{2013}' | '-')
            ))
            || (last.kind == TK::Word && words <= 3)
    }

    /// Between `according to X` at `cue_pos` and a quotation opening at `open` there is only
    /// the phrase `X` and a comma (no verb, no other words of a clause).
    fn only_punct_between(&self, cue_pos: usize, open: usize) -> bool {
        let between = &self.text[cue_pos..open];
        between.trim_end().ends_with(',') && between.matches(',').count() == 1
    }

    /// In the text between two quotations of one sentence, a speech participle followed by
    /// `that` (`said, adding that`): where it starts.
    fn that_clause_cue(&self, from: usize, to: usize) -> Option<usize> {
        let gap = self.tokens(from, to);
        gap.windows(2)
            .find(|w| w[0].is(lexicon::CUE_ING) && !w[0].cap && w[1].lower == "that")
            .map(|w| w[0].start)
    }

    /// The reported clause after a cue at `cue_pos`: from after the cue (and `that`) to the end
    /// of the sentence, without the final period.
    fn reported_clause(
        &self,
        cue_pos: usize,
        quote_close: usize,
        sent_end: usize,
    ) -> Option<(usize, usize)> {
        let t = self.text;
        let mut p = cue_pos;
        p += t[p..]
            .find(|c: char| !(c.is_alphanumeric() || c == '-'))
            .unwrap_or(t.len() - p);
        if t[..p].ends_with("according") && t[p..].starts_with(" to") {
            p += 3;
        }
        // `told reporters on Monday that …`, `is telling supporters after his win that …`: the
        // addressee and adjuncts up to a `that` within a few words are not part of the report
        {
            let rest = &t[p..quote_close.min(sent_end).max(p)];
            let lead = rest
                .find(['"', '\u{201c}', '\u{201d}', '\u{ab}', '\u{bb}'])
                .map_or(rest, |q| &rest[..q]);
            if let Some(at) = lead.find(" that ")
                && !lead[..at].contains([',', ';', ':', '.', '?', '!'])
                && lead[..at].split_whitespace().count() <= 12
            {
                p += at + 1;
            }
        }
        loop {
            let rest = &t[p..sent_end.max(p)];
            let trimmed =
                rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == ':');
            let skip = rest.len() - trimmed.len();
            if trimmed.starts_with("that ") {
                p += skip + 4;
            } else {
                p += skip;
                break;
            }
        }
        // the clause ends at the sentence end, or after the quotation at a semicolon, a dash or a
        // comma that opens an adjunct (`, referring to …`, `, which …`)
        let mut end = sent_end.max(p);
        let tail = self.tokens(quote_close.min(end), end);
        for (i, tok) in tail.iter().enumerate() {
            let next = tail.get(i + 1);
            let boundary = match tok.kind {
                TK::Punct(';' | '\u{2014}' | '\u{2013}') => true,
                TK::Punct(',') => next.is_some_and(|n| {
                    n.kind == TK::Word
                        && (n.lower.ends_with("ing") || CLAUSE_BREAKS.contains(&n.lower.as_str()))
                }),
                _ => false,
            };
            if boundary {
                end = tok.start;
                break;
            }
        }
        let body = &t[p..end];
        let end = p + body
            .trim_end_matches(|c: char| c.is_whitespace() || c == '.' || c == ',')
            .len();
        (end > p).then_some((p, end))
    }

    /// The share of non-space characters of `text[s..e]` that lie inside quotation marks.
    fn quoted_share(&self, s: usize, e: usize) -> f64 {
        // letters and digits only: marks and punctuation say nothing about how much is quoted
        let nonspace = |a: usize, b: usize| {
            self.text[a..b]
                .chars()
                .filter(|c| c.is_alphanumeric())
                .count()
        };
        let total = nonspace(s, e);
        if total == 0 {
            return 0.0;
        }
        let first = self.spans.partition_point(|q| q.close <= s);
        let mut quoted = 0;
        for q in &self.spans[first..] {
            if q.open >= e {
                break;
            }
            // the quoted words, without their marks
            let (a, b) = (q.start.max(s), q.end.min(e));
            if a < b {
                quoted += nonspace(a, b);
            }
        }
        quoted as f64 / total as f64
    }

    /// Direct when the quotation stands as a sentence or clause of its own (at the sentence
    /// start, after a colon or comma, or after a cue with a capital letter); mixed when it is a
    /// fragment inside a sentence.
    fn kind_of(&self, sent_before: &[Tok], before: &[Tok], sp: &Span, content: &str) -> Kind {
        let toks = if sent_before.is_empty() {
            before
        } else {
            sent_before
        };
        let last = toks.iter().rev().find(|t| t.kind != TK::Mark);
        let Some(last) = last else {
            return Kind::Direct;
        };
        let _ = sp;
        let upper = content.chars().next().is_some_and(|c| c.is_uppercase());
        match last.kind {
            TK::Punct(':') => Kind::Direct,
            TK::Punct(',') if upper || before.len() < toks.len() => Kind::Direct,
            TK::Punct(',') => {
                // `X said, "q…"`: a cue before the comma
                if toks.len() >= 2 && toks[..toks.len() - 1].iter().rev().take(6).any(is_cue) {
                    Kind::Direct
                } else {
                    Kind::Mixed
                }
            }
            TK::Punct('\u{2014}' | '\u{2013}' | '-' | '(') if upper => Kind::Direct,
            TK::Word
                if upper && (is_cue(last) || last.is(lexicon::TIME) || last.lower == "that") =>
            {
                if last.lower == "that" {
                    Kind::Mixed
                } else {
                    Kind::Direct
                }
            }
            _ => Kind::Mixed,
        }
    }
}

/// A cheap comparison key for names: lowercase letters and digits of each word, titles and a
/// leading article left out.
fn name_key(name: &str) -> String {
    if name.is_ascii() {
        return ascii_name_key(name.as_bytes());
    }
    any_name_key(name)
}

/// [`name_key`] of any name, word by word.
fn any_name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for w in name.split_whitespace() {
        // names are compared in inner loops: ASCII words without a lowercased copy
        if w.is_ascii() {
            let article = ["the", "a", "an", "mr.", "mrs.", "ms.", "dr."]
                .iter()
                .any(|a| w.eq_ignore_ascii_case(a));
            if key.is_empty() && article {
                continue;
            }
            if !key.is_empty() {
                key.push(' ');
            }
            key.extend(
                w.bytes()
                    .filter(u8::is_ascii_alphanumeric)
                    .map(|b| b.to_ascii_lowercase() as char),
            );
            continue;
        }
        let lw = w.to_lowercase();
        if key.is_empty()
            && matches!(
                lw.as_str(),
                "the" | "a" | "an" | "mr." | "mrs." | "ms." | "dr."
            )
        {
            continue;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(lw.chars().filter(|c| c.is_alphanumeric()));
    }
    key
}

/// [`name_key`] of an ASCII name, byte by byte.
fn ascii_name_key(name: &[u8]) -> String {
    // (`split_whitespace` of ASCII text: the vertical tab too)
    let space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
    // (bytes, not characters: ASCII in, ASCII out)
    let mut key: Vec<u8> = Vec::with_capacity(name.len());
    for w in name.split(|&b| space(b)).filter(|w| !w.is_empty()) {
        if key.is_empty()
            && [&b"the"[..], b"a", b"an", b"mr.", b"mrs.", b"ms.", b"dr."]
                .iter()
                .any(|a| w.eq_ignore_ascii_case(a))
        {
            continue;
        }
        if !key.is_empty() {
            key.push(b' ');
        }
        key.extend(
            w.iter()
                .filter(|b| b.is_ascii_alphanumeric())
                .map(u8::to_ascii_lowercase),
        );
    }
    String::from_utf8(key).unwrap_or_default()
}

fn cue_text(toks: &[Tok], c: usize) -> String {
    if toks[c].lower == "according" {
        return "according to".into();
    }
    if matches!(toks[c].lower.as_str(), "went" | "goes")
        && toks.get(c + 1).is_some_and(|n| n.lower == "on")
    {
        return format!("{} on", toks[c].lower.as_str());
    }
    if let TK::Punct(p) = toks[c].kind {
        return p.to_string();
    }
    toks[c].lower.to_string()
}

#[cfg(test)]
mod name_key_tests {
    use super::{any_name_key, ascii_name_key, name_key, words_of};
    use proptest::prelude::*;

    fn ascii_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "The", "the", "MR.", "mrs.", "Ms.", "dr.", "An", " ", "  ", "\t", "\n",
                "\x0b", "\x0c", "\r", "\x1c", "O'Neil", "-", "—", ".", "Jr.", "42", "x-y", ",",
            ]),
            0..10,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn ascii_keys_and_counts_are_those_of_the_general_code(s in ascii_text()) {
            if s.is_ascii() {
                prop_assert_eq!(ascii_name_key(s.as_bytes()), any_name_key(&s));
            }
            let want = s
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count();
            prop_assert_eq!(words_of(&s), want);
        }
    }

    #[test]
    fn words_are_counted_as_split_on_whitespace() {
        for s in [
            "",
            "  ",
            "one",
            " two  words ",
            "a — b",
            "tab\tand\nnewline\u{a0}nbsp",
            "— … 42 ,",
            "«Ça va»",
            "\x0b vertical\x0ctab\r\n x",
            "a\x1cb \x1f",
        ] {
            let want = s
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count();
            assert_eq!(words_of(s), want, "{s:?}");
        }
    }

    #[test]
    fn keys_drop_a_leading_article_or_title_and_punctuation() {
        assert_eq!(name_key("The White House"), "white house");
        assert_eq!(name_key("Mr. John O'Neil-Smith Jr."), "john oneilsmith jr");
        assert_eq!(name_key("DR. Lena   Ávila"), "lena ávila");
        assert_eq!(name_key("Zoë the Great"), "zoë the great");
        assert_eq!(name_key("a"), "");
    }
}
