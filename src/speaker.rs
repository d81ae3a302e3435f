//! Speaker-name normalisation and comparison, shared by `diff` and `eval` so that both count
//! "Sen. John Kerry", "john kerry" and (in surname mode) "Kerry" the same way.

use std::collections::BTreeSet;

use finl_unicode::categories::CharacterCategories;
use unicode_normalization::UnicodeNormalization;

/// How strictly two speaker strings must agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SpeakerMatch {
    /// Byte-for-byte equal after trimming.
    Exact,
    /// Equal once normalised: case, punctuation, titles, possessives and a leading article are
    /// ignored (see `normalize`).
    #[default]
    Normalized,
    /// Normalized, and also equal when one name's words are all in the other ("Kerry" = "John
    /// Kerry") or the surnames agree.
    Surname,
    /// The names share a content word: the rule of the PolNeAR reference scorer, without its
    /// coreference step. Titles, articles, function words and "spokesman" are not content words
    /// ("Sen. Joe Blake" = "Blake's office"); a name of pronouns only must share a pronoun
    /// ("he" = "He", never "Joe Blake"); a name of no content word ("the president") must equal
    /// the other but for articles. The first name is the candidate, the second the reference:
    /// "his" matches "his aide" but not the other way round.
    Overlap,
}

/// Honorifics and job titles that prefix names in news text.
pub const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "lt",
    "gen",
    "general",
    "col",
    "colonel",
    "capt",
    "captain",
    "maj",
    "major",
    "sgt",
    "sergeant",
    "adm",
    "admiral",
    "cmdr",
    "commander",
    "pres",
    "president",
    "vice",
    "secretary",
    "minister",
    "mayor",
    "judge",
    "justice",
    "chief",
    "rev",
    "reverend",
    "father",
    "sister",
    "brother",
    "sir",
    "dame",
    "lord",
    "lady",
    "hon",
    "honorable",
    "ambassador",
    "attorney",
    "officer",
    "detective",
    "coach",
    "chairman",
    "chairwoman",
    "chair",
    "speaker",
    "leader",
    "st",
    "saint",
    "prime",
    "deputy",
    "state",
    "assemblyman",
    "assemblywoman",
    "councilman",
    "councilwoman",
    "councilmember",
    "sheriff",
    "inspector",
    "superintendent",
];

const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"];

/// Normalises a speaker name: lowercase, curly apostrophes straightened, possessive `'s`
/// dropped, punctuation removed, leading titles and a leading article stripped, whitespace
/// collapsed. `"Sen. John Kerry's"` → `"john kerry"`, `"The Pentagon"` → `"pentagon"`.
pub fn normalize(name: &str) -> String {
    let lower = name
        .trim()
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'");
    let mut cleaned = String::with_capacity(lower.len());
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // possessive 's at a word end
            if chars.get(i + 1) == Some(&'s')
                && chars.get(i + 2).is_none_or(|n| !n.is_alphanumeric())
            {
                i += 2;
                continue;
            }
            i += 1;
            continue;
        }
        cleaned.push(if c.is_alphanumeric() { c } else { ' ' });
        i += 1;
    }
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    // drop leading articles and titles, but never every word ("the president" stays "president")
    while words.len() > 1 && (words[0] == "the" || TITLES.contains(&words[0])) {
        words.remove(0);
    }
    words.join(" ")
}

/// The surname of a normalised name: its last word that is not a suffix such as "jr".
pub fn surname(normalized: &str) -> Option<&str> {
    normalized
        .split(' ')
        .rev()
        .find(|w| !w.is_empty() && !SUFFIXES.contains(w))
}

/// Words that are not content words in overlap mode: the reference scorer's list of titles,
/// articles and function words (so "a spokesman for the campaign" has one content word).
pub const OVERLAP_STOPWORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sen",
    "senator",
    "rep",
    "reps",
    "representative",
    "gov",
    "governor",
    "president",
    "vice",
    "secretary",
    "minister",
    "prime",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokespeople",
    "of",
    "and",
    "or",
    "in",
    "on",
    "at",
    "for",
    "to",
    "by",
    "with",
    "from",
    "former",
    "who",
    "that",
    "this",
    "these",
    "those",
    "jr",
    "sr",
    "st",
];

/// Personal pronouns, which in overlap mode only ever match each other.
pub const PRONOUNS: &[&str] = &[
    "i",
    "me",
    "my",
    "mine",
    "myself",
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "it",
    "its",
    "itself",
];

const ARTICLES: &[&str] = &["the", "a", "an"];

/// A word character as Python's `re` module counts it (letters, numbers and `_`), so that names
/// split into words exactly as in the reference scorer.
fn is_word_char(c: char) -> bool {
    c == '_' || c.is_letter() || c.is_number()
}

/// The words of a name as overlap mode sees them: NFKC-normalised and lowercased, a possessive
/// `'s` / `’s` after a word dropped, split at every character that is not a letter, number or
/// `_`. `"Sen. Joe Blake's"` → `["sen", "joe", "blake"]`.
pub fn name_tokens(name: &str) -> Vec<String> {
    let lower = name.nfkc().collect::<String>().to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_word_char(c) {
            cur.push(c);
            if matches!(chars.get(i + 1), Some('\'' | '\u{2019}'))
                && chars.get(i + 2) == Some(&'s')
                && chars.get(i + 3).is_none_or(|&n| !is_word_char(n))
            {
                i += 3;
                continue;
            }
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        i += 1;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn content_words(name: &str) -> BTreeSet<String> {
    name_tokens(name)
        .into_iter()
        .filter(|t| !OVERLAP_STOPWORDS.contains(&t.as_str()))
        .collect()
}

fn is_pronoun(t: &str) -> bool {
    PRONOUNS.contains(&t)
}

/// The words of a name but its articles, joined by spaces.
fn loose_string(name: &str) -> String {
    name_tokens(name)
        .into_iter()
        .filter(|t| !ARTICLES.contains(&t.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Overlap mode: whether `candidate` names the speaker `reference` names.
fn overlap_match(candidate: &str, reference: &str) -> bool {
    let cand = content_words(candidate);
    if cand.is_empty() {
        let loose = loose_string(candidate);
        return !loose.is_empty() && loose == loose_string(reference);
    }
    let refw = content_words(reference);
    if cand.iter().all(|t| is_pronoun(t)) {
        return cand.intersection(&refw).next().is_some();
    }
    cand.iter().any(|t| !is_pronoun(t) && refw.contains(t))
}

/// Whether a speaker string names nobody under `mode`: empty for `exact`, nothing left after
/// [`normalize`] for `normalized` and `surname`, no word at all ([`name_tokens`]) for `overlap`.
pub fn names_nobody(name: &str, mode: SpeakerMatch) -> bool {
    match mode {
        SpeakerMatch::Exact => name.trim().is_empty(),
        SpeakerMatch::Normalized | SpeakerMatch::Surname => normalize(name).is_empty(),
        SpeakerMatch::Overlap => name_tokens(name).is_empty(),
    }
}

/// Whether two speaker strings name the same speaker under `mode`. Two empty names match, except
/// in overlap mode, which never accepts a name without a word. Overlap mode is not symmetric:
/// `a` is the candidate (a prediction), `b` the reference (the gold speaker).
pub fn speakers_match(a: &str, b: &str, mode: SpeakerMatch) -> bool {
    match mode {
        SpeakerMatch::Overlap => overlap_match(a, b),
        SpeakerMatch::Exact => a.trim() == b.trim(),
        SpeakerMatch::Normalized => normalize(a) == normalize(b),
        SpeakerMatch::Surname => {
            let (na, nb) = (normalize(a), normalize(b));
            if na == nb {
                return true;
            }
            if na.is_empty() || nb.is_empty() {
                return false;
            }
            let wa: Vec<&str> = na.split(' ').collect();
            let wb: Vec<&str> = nb.split(' ').collect();
            let subset = |x: &[&str], y: &[&str]| x.iter().all(|w| y.contains(w));
            subset(&wa, &wb) || subset(&wb, &wa) || surname(&na) == surname(&nb)
        }
    }
}

/// The key two names are grouped by under `mode` (for majority votes and confusion tables).
/// In surname mode this is the surname, so "Kerry" and "John Kerry" fall together. Overlap is not
/// transitive ("Joe Blake" ~ "Blake's office" ~ "the office"), so no key reproduces it; its key is
/// the last content word that is not a pronoun ("Sen. Joe Blake", "Blake" → "blake"), else the
/// pronouns ("he"), else the name without articles ("the president" → "president").
pub fn match_key(name: &str, mode: SpeakerMatch) -> String {
    match mode {
        SpeakerMatch::Overlap => {
            let words = content_words(name);
            let tokens = name_tokens(name);
            if let Some(t) = tokens
                .iter()
                .rev()
                .find(|t| words.contains(*t) && !is_pronoun(t))
            {
                return t.clone();
            }
            if !words.is_empty() {
                return words.into_iter().collect::<Vec<_>>().join(" ");
            }
            loose_string(name)
        }
        SpeakerMatch::Exact => name.trim().to_string(),
        SpeakerMatch::Normalized => normalize(name),
        SpeakerMatch::Surname => {
            let n = normalize(name);
            surname(&n).unwrap_or("").to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(normalize("Sen. John Kerry"), "john kerry");
        assert_eq!(normalize("the Pentagon"), "pentagon");
        assert_eq!(normalize("Trump’s"), "trump");
        assert_eq!(normalize("  Dr.  Amara   Okafor "), "amara okafor");
        assert_eq!(normalize("the president"), "president");
        assert_eq!(normalize("O'Brien"), "obrien");
    }

    #[test]
    fn modes() {
        assert!(speakers_match(
            "John Kerry",
            "John Kerry",
            SpeakerMatch::Exact
        ));
        assert!(!speakers_match("Kerry", "John Kerry", SpeakerMatch::Exact));
        assert!(speakers_match(
            "Sen. John Kerry",
            "john kerry",
            SpeakerMatch::Normalized
        ));
        assert!(!speakers_match(
            "Kerry",
            "John Kerry",
            SpeakerMatch::Normalized
        ));
        assert!(speakers_match("Kerry", "John Kerry", SpeakerMatch::Surname));
        assert!(speakers_match(
            "John F. Kerry Jr.",
            "Kerry",
            SpeakerMatch::Surname
        ));
        assert!(!speakers_match(
            "John Kerry",
            "John Kasich",
            SpeakerMatch::Surname
        ));
        assert!(!speakers_match("", "Kerry", SpeakerMatch::Surname));
        assert_eq!(match_key("Sen. John Kerry", SpeakerMatch::Surname), "kerry");
    }

    #[test]
    fn name_tokens_split_like_the_reference_scorer() {
        assert_eq!(name_tokens("Sen. Joe Blake's"), ["sen", "joe", "blake"]);
        assert_eq!(name_tokens("Blake\u{2019}s office"), ["blake", "office"]);
        // a possessive needs a word before it and a word boundary after it
        assert_eq!(name_tokens("O'Shea"), ["o", "shea"]);
        assert_eq!(name_tokens("'s"), ["s"]);
        assert_eq!(name_tokens("a's's"), ["a", "s"]);
        // NFKC before lowercasing: full-width letters and ligatures are plain letters
        assert_eq!(
            name_tokens("\u{ff2f}\u{ff42}\u{ff41}\u{ff4d}\u{ff41}"),
            ["obama"]
        );
        assert_eq!(name_tokens("\u{fb01}nch"), ["finch"]);
        // `_` and numbers are word characters, combining marks and symbols are not
        assert_eq!(name_tokens("x_y 2nd"), ["x_y", "2nd"]);
        assert_eq!(name_tokens("e\u{301}"), ["\u{e9}"]);
        assert_eq!(name_tokens("x\u{301}y"), ["x", "y"]);
        assert_eq!(name_tokens("a\u{2605}b"), ["a", "b"]);
        assert!(name_tokens(" \u{2014} ").is_empty());
    }

    #[test]
    fn overlap_mode_follows_the_reference_rule() {
        let m = |a: &str, b: &str| speakers_match(a, b, SpeakerMatch::Overlap);
        // any shared content word
        assert!(m("Sen. Joe Blake", "Blake's office"));
        assert!(m("Blake's office", "Sen. Joe Blake"));
        assert!(m("the Trump campaign", "Donald Trump"));
        assert!(m("Mr. Smith", "Ms. Smith"));
        assert!(m(
            "a spokesman for Clinton",
            "Hillary Clinton\u{2019}s campaign"
        ));
        assert!(!m("Joe Blake", "John Kasich"));
        // titles and function words are not content words
        assert!(!m("Sen. Joe Blake", "Sen. Ann Lee"));
        assert!(!m(
            "a spokesman for the campaign",
            "a spokesman for the senator"
        ));
        // pronoun-only names match on a shared pronoun, and nothing else (no coreference)
        assert!(m("he", "He"));
        assert!(m("his", "his aide"));
        assert!(!m("he", "Joe Blake"));
        assert!(!m("he", "him"));
        // a pronoun next to a content word does not count
        assert!(!m("his aide", "his"));
        assert!(m("his aide", "her aide"));
        // names without a content word must be equal but for articles
        assert!(m("the president", "President"));
        assert!(m("a spokesman", "the spokesman"));
        assert!(!m("the president", "President Obama"));
        assert!(!m("President Obama", "the president"));
        // nothing matches a name without words, not even another one
        assert!(!m("", "Joe Blake"));
        assert!(!m("", ""));
        assert!(!m("\u{2014}", "\u{2014}"));
        assert!(!m("Joe Blake", ""));
    }

    #[test]
    fn names_nobody_per_mode() {
        assert!(names_nobody("  ", SpeakerMatch::Exact));
        assert!(!names_nobody("\u{2014}", SpeakerMatch::Exact));
        assert!(names_nobody("\u{2014}", SpeakerMatch::Normalized));
        assert!(names_nobody("\u{2014}", SpeakerMatch::Overlap));
        // `_` is a word for the reference scorer
        assert!(names_nobody("_", SpeakerMatch::Surname));
        assert!(!names_nobody("_", SpeakerMatch::Overlap));
        assert!(!names_nobody("the", SpeakerMatch::Overlap));
    }

    #[test]
    fn overlap_keys() {
        let k = |n: &str| match_key(n, SpeakerMatch::Overlap);
        assert_eq!(k("Sen. Joe Blake"), "blake");
        assert_eq!(k("Blake"), "blake");
        assert_eq!(k("Joe Blake Jr."), "blake");
        assert_eq!(k("Blake's office"), "office");
        assert_eq!(k("his aide"), "aide");
        assert_eq!(k("He"), "he");
        assert_eq!(k("the president"), "president");
        assert_eq!(k("\u{2014}"), "");
    }
}
