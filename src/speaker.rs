//! Speaker-name normalisation and comparison, shared by `diff` and `eval` so that both count
//! "Sen. John Kerry", "john kerry" and (in surname mode) "Kerry" the same way.

/// How strictly two speaker strings must agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SpeakerMatch {
    /// Byte-for-byte equal after trimming.
    Exact,
    /// Equal after [`normalize`]: case, punctuation, titles, possessives and a leading article
    /// are ignored.
    #[default]
    Normalized,
    /// Normalized, and also equal when one name's words are all in the other ("Kerry" = "John
    /// Kerry") or the surnames agree.
    Surname,
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

/// Whether two speaker strings name the same speaker under `mode`. Two empty names match.
pub fn speakers_match(a: &str, b: &str, mode: SpeakerMatch) -> bool {
    match mode {
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
/// In surname mode this is the surname, so "Kerry" and "John Kerry" fall together.
pub fn match_key(name: &str, mode: SpeakerMatch) -> String {
    match mode {
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
}
