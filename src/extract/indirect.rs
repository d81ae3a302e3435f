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
        // Few enough patterns for the SIMD (Teddy) prefilter; word boundaries are checked on
        // each match.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(INDIRECT_FORMS)
            .expect("cue patterns are valid");
        IndirectCues { ac }
    }

    /// Indirect quotations of the document, in order, outside the quotation sentences.
    pub fn find(&self, doc: &Doc<'_>) -> Vec<Indirect> {
        let mut out: Vec<Indirect> = Vec::new();
        let mut last_sentence = usize::MAX;
        let bytes = doc.text.as_bytes();
        for m in self.ac.find_iter(doc.text) {
            // a whole word between spaces
            // (a capitalised `According to` may open its paragraph)
            let before_ok = if m.start() == 0 {
                bytes[0] == b'A'
            } else {
                bytes[m.start() - 1] == b' '
                    || (bytes[m.start()] == b'A' && bytes[m.start() - 1] == b'\n')
            };
            if !before_ok || bytes.get(m.end()) != Some(&b' ') {
                continue;
            }
            let Some(si) = doc.seg.sentence_of(m.start()) else {
                continue;
            };
            if si == last_sentence {
                continue;
            }
            let s = doc.seg.sentences[si];
            if s.end <= m.start() {
                continue;
            }
            // sentences with quotation marks are the direct and mixed quotations' business
            let i = doc.spans.partition_point(|q| q.close <= s.start);
            if doc.spans.get(i).is_some_and(|q| q.open < s.end) {
                last_sentence = si;
                continue;
            }
            last_sentence = si;
            if let Some(ind) = attribution_of(doc, s.start, s.end, m.start()) {
                out.push(ind);
            }
        }
        out
    }
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
            if !say || next.kind != TK::Word || next.is(lexicon::PREP) || next.is(lexicon::TIME) {
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
