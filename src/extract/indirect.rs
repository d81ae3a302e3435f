//! Indirect speech: `X said that …`, `X told Y that …`, `X warned …`, `according to X, …` in
//! sentences without quotation marks. Cue words are found with one Aho-Corasick pass over the
//! document; only the sentences that hold one are tokenized.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::attribution::{self, Doc};
use super::lexicon;
use super::names::Speaker;
use super::tokens::Kind as TK;

/// The forms that introduce indirect speech: the most frequent report and belief verbs of news
/// text. (Direct and mixed quotations use the whole lexicon; a narrower list here keeps the
/// scan of every sentence cheap and the indirect rows precise.)
const INDIRECT_FORMS: &[&str] = &[
    "said",
    "says",
    "told",
    "tells",
    "added",
    "adds",
    "argued",
    "argues",
    "claimed",
    "claims",
    "warned",
    "warns",
    "noted",
    "notes",
    "insisted",
    "insists",
    "wrote",
    "writes",
    "explained",
    "explains",
    "stated",
    "announced",
    "announces",
    "suggested",
    "suggests",
    "predicted",
    "predicts",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "conceded",
    "concedes",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "reported",
    "promised",
    "promises",
    "vowed",
    "vows",
    "believes",
    "believed",
    "thinks",
    "hopes",
    "fears",
    "feared",
    "expects",
    "contended",
    "contends",
    "maintained",
    "maintains",
    "asserted",
    "asserts",
    "alleged",
    "alleges",
    "according to",
    "According to",
    "say",
    "testified",
    "stressed",
    "emphasized",
    "reiterated",
    "recalled",
    "tweeted",
    "complained",
    "complains",
    "pledged",
    "assured",
    "reminded",
    "cautioned",
    "indicated",
    "revealed",
    "disclosed",
    "countered",
    "responded",
    "replied",
];

/// The cue automaton for indirect speech.
#[derive(Debug, Clone)]
pub struct IndirectCues {
    ac: AhoCorasick,
}

/// One indirect quotation, in byte offsets.
#[derive(Debug, Clone)]
pub struct Indirect {
    pub start: usize,
    pub end: usize,
    pub speaker: Speaker,
    pub cue: String,
    pub context: (usize, usize),
}

impl Default for IndirectCues {
    fn default() -> Self {
        Self::new()
    }
}

impl IndirectCues {
    pub fn new() -> Self {
        // (a DFA: the forms are too many for the SIMD prefilter); word boundaries are checked
        // on each match
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(INDIRECT_FORMS)
            .expect("cue patterns are valid");
        IndirectCues { ac }
    }

    /// Indirect quotations of the document, in order, outside the quotation sentences.
    ///
    /// Each sentence without a quotation is searched for its first cue (the first match that
    /// is a whole word between spaces); the sentences with quotation marks are not read.
    /// (The same cues as one search of the whole text: no form holds sentence punctuation or
    /// a line break, so no match of one runs across a sentence's start or end.)
    pub fn find(&self, doc: &Doc<'_>) -> Vec<Indirect> {
        let mut out: Vec<Indirect> = Vec::new();
        let bytes = doc.text.as_bytes();
        for s in &doc.seg.sentences {
            // sentences with quotation marks are the direct and mixed quotations' business
            let i = doc.spans.partition_point(|q| q.close <= s.start);
            if doc.spans.get(i).is_some_and(|q| q.open < s.end) {
                continue;
            }
            let cue = self
                .ac
                .find_iter(&bytes[s.start..s.end])
                .map(|m| (s.start + m.start(), s.start + m.end()))
                .find(|&(a, e)| accepted(bytes, a, e));
            if let Some((at, _)) = cue
                && let Some(ind) = attribution_of(doc, s.start, s.end, at)
            {
                out.push(ind);
            }
        }
        out
    }
}

/// Whether a match of a form at `start..end` is a cue: a whole word between spaces (a
/// capitalised `According to` may open its paragraph or the document).
fn accepted(bytes: &[u8], start: usize, end: usize) -> bool {
    let before_ok = if start == 0 {
        bytes[0] == b'A'
    } else {
        bytes[start - 1] == b' '
            || (bytes[start] == b'A' && matches!(bytes[start - 1], b'\n' | b'\r'))
    };
    before_ok && bytes.get(end) == Some(&b' ')
}

fn attribution_of(doc: &Doc<'_>, s: usize, e: usize, cue_at: usize) -> Option<Indirect> {
    let toks = doc.tokens(s, e);
    let k = toks.iter().position(|t| t.start == cue_at)?;
    let t = &toks[k];
    if t.lower == "according" {
        // according to X, CLAUSE
        let pe = attribution::np_forward(&toks, k + 2)?;
        let spk = super::names::from_phrase(doc.text, &toks, k + 2, pe)?;
        if toks.get(pe).is_some_and(|t| t.is_punct(',')) && pe + 1 < toks.len() {
            let cs = toks[pe + 1].start;
            return clause(doc, cs, e, spk, "according to".into(), (s, e));
        }
        if k >= 2 && toks[k - 1].is_punct(',') {
            return clause(
                doc,
                s,
                toks[k - 1].start,
                spk,
                "according to".into(),
                (s, e),
            );
        }
        return None;
    }
    // a short noun phrase with a prepositional modifier opening the sentence (`Business
    // owners along the river say`) is the subject as a whole
    let opening_np = (3..=6).contains(&k)
        && toks[0].cap
        && !toks[0].is(lexicon::PREP)
        && toks[1..k].iter().any(|w| w.is(lexicon::PREP))
        && toks[..k].iter().all(|w| {
            w.kind == TK::Word
                && !w.is(lexicon::AUX
                    | lexicon::VERB
                    | lexicon::CUE
                    | lexicon::PRONOUN
                    | lexicon::TIME)
        });
    let (ss, se) = if opening_np {
        (0, k)
    } else {
        attribution::subject_before(&toks, k, 0)?
    };
    // the bare `say` only after a plural subject (`Business owners along the river say`)
    if t.lower == "say" && !toks[ss..se].iter().any(|w| w.lower.ends_with('s')) {
        return None;
    }
    let spk = super::names::from_phrase(doc.text, &toks, ss, se)?;
    // `CLAUSE, officials said Tuesday.`: the cue closes the sentence and reports what precedes it
    if ss >= 2
        && toks[ss - 1].is_punct(',')
        && toks[k + 1..]
            .iter()
            .all(|w| w.kind != TK::Word || w.is(lexicon::TIME) || w.lower == "on")
    {
        return clause(doc, s, toks[ss - 1].start, spk, t.lower.to_string(), (s, e));
    }
    let mut j = k + 1;
    if t.is(lexicon::CUE_TELL) {
        // the addressee
        j = attribution::np_forward(&toks, j).unwrap_or(j);
    }
    // adjuncts such as `on Tuesday`, `in an interview`, up to `that`
    let that = toks[j..]
        .iter()
        .take(8)
        .position(|t| t.lower == "that")
        .map(|p| j + p);
    let cs = match that {
        Some(p) => p + 1,
        None => {
            // without `that`, only say-verbs directly followed by a clause
            let say = matches!(
                t.lower.as_str(),
                "said" | "says" | "say" | "told" | "tells" | "added" | "wrote"
            );
            let next = toks.get(j)?;
            // (`said of the plan …` is about something, not what was said)
            // (nor `said little`, `said nothing during the speeches`: a quantity, no clause)
            if !say
                || next.kind != TK::Word
                || next.is(lexicon::PREP)
                || next.is(lexicon::TIME)
                || matches!(
                    next.lower.as_str(),
                    "of" | "little"
                        | "nothing"
                        | "something"
                        | "anything"
                        | "everything"
                        | "so"
                        | "goodbye"
                        | "hello"
                        | "yes"
                )
            {
                return None;
            }
            j
        }
    };
    let start = toks.get(cs)?.start;
    clause(doc, start, e, spk, t.lower.to_string(), (s, e))
}

fn clause(
    doc: &Doc<'_>,
    start: usize,
    end: usize,
    spk: Speaker,
    cue: String,
    context: (usize, usize),
) -> Option<Indirect> {
    let text = &doc.text[start..end];
    let trimmed = text.trim_end_matches(['.', ' ', ',', ';']);
    if trimmed.split_whitespace().count() < 4 {
        return None;
    }
    Some(Indirect {
        start,
        end: start + trimmed.len(),
        speaker: spk,
        cue,
        context,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::lexicon::Lexicon;
    use crate::extract::scanner::Scanner;
    use crate::extract::sentences::Segments;

    /// `find` as one search of the whole text, its first cue per sentence kept.
    fn find_whole_text(cues: &IndirectCues, doc: &Doc<'_>) -> Vec<Indirect> {
        let mut out = Vec::new();
        let mut last_sentence = usize::MAX;
        let bytes = doc.text.as_bytes();
        for m in cues.ac.find_iter(doc.text) {
            if !accepted(bytes, m.start(), m.end()) {
                continue;
            }
            let Some(si) = doc.seg.sentence_of(m.start()) else {
                continue;
            };
            let s = doc.seg.sentences[si];
            if si == last_sentence || s.end <= m.start() {
                continue;
            }
            last_sentence = si;
            let i = doc.spans.partition_point(|q| q.close <= s.start);
            if doc.spans.get(i).is_some_and(|q| q.open < s.end) {
                continue;
            }
            out.extend(attribution_of(doc, s.start, s.end, m.start()));
        }
        out
    }

    #[test]
    fn forms_are_words_and_spaces() {
        // (what lets `find` search sentence by sentence)
        for f in INDIRECT_FORMS {
            assert!(
                f.bytes().all(|b| b.is_ascii_alphabetic() || b == b' ') && !f.starts_with(' '),
                "{f:?}: see IndirectCues::find"
            );
        }
    }

    #[test]
    fn sentence_by_sentence_finds_what_one_search_finds() {
        let lex = Lexicon::new();
        let (scanner, cues) = (Scanner::new(), IndirectCues::new());
        let mut texts: Vec<String> = std::fs::read_dir("datasets/articles")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        assert!(!texts.is_empty());
        texts.extend(
            [
                "According to aides, the plan works. Officials said the vote was close.\n\
                 He said “it is fine.” She said it was not over yet at all.",
                "x according told him the news was bad. The mayor says the budget is balanced!",
                "Smith said. According to Jones, the deal is dead and gone for good now.",
            ]
            .map(String::from),
        );
        for text in &texts {
            let doc = Doc::new(text, &lex, Segments::new(text, &lex), scanner.scan(text));
            let got: Vec<_> = cues.find(&doc).iter().map(|i| (i.start, i.end)).collect();
            let want: Vec<_> = find_whole_text(&cues, &doc)
                .iter()
                .map(|i| (i.start, i.end))
                .collect();
            assert_eq!(got, want, "{text}");
        }
    }
}
