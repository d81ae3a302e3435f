//! Scoring predicted quotes against gold quotes.
//!
//! Per document, predicted and gold spans are matched one-to-one, greedily by character Jaccard
//! (highest first; ties by file order), after both spans are stripped of quotation marks and
//! whitespace at their edges. A pair is a lenient match at Jaccard ≥ 0.5 and a strict match at
//! ≥ 0.9. Speaker accuracy is over lenient matches whose gold row names a speaker; an attributed
//! quote is a lenient match whose speaker is right (or, when the gold names nobody, a prediction
//! that names nobody either). This is the method of the PolNeAR direct-quote scorer, so figures
//! computed here and there agree.
//!
//! Rows whose `status` is `rejected` are not quotes and take no part, in either file.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::formats::Span;
use crate::formats::brat::ALT_SPEAKERS;
use crate::formats::quoted::is_edge_strip;
use crate::schema::{Kind, QuoteRecord, Status, split_candidates};
use crate::speaker::{SpeakerMatch, names_nobody, speakers_match};

/// How to score.
#[derive(Debug, Clone, Copy)]
pub struct EvalOptions {
    pub lenient: f64,
    pub strict: f64,
    pub speaker_match: SpeakerMatch,
    /// Leave out predictions for documents the gold does not know.
    pub gold_docs_only: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            lenient: 0.5,
            strict: 0.9,
            speaker_match: SpeakerMatch::default(),
            gold_docs_only: false,
        }
    }
}

/// Counts from which every figure is computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub n_gold: usize,
    pub n_pred: usize,
    pub lenient_tp: usize,
    pub strict_tp: usize,
    /// Lenient matches whose gold names a speaker.
    pub speaker_n: usize,
    pub speaker_ok: usize,
    pub attributed_tp: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.n_gold += o.n_gold;
        self.n_pred += o.n_pred;
        self.lenient_tp += o.lenient_tp;
        self.strict_tp += o.strict_tp;
        self.speaker_n += o.speaker_n;
        self.speaker_ok += o.speaker_ok;
        self.attributed_tp += o.attributed_tp;
    }
    pub fn lenient(&self) -> Prf {
        Prf::new(self.lenient_tp, self.lenient_tp, self.n_pred, self.n_gold)
    }
    pub fn strict(&self) -> Prf {
        Prf::new(self.strict_tp, self.strict_tp, self.n_pred, self.n_gold)
    }
    pub fn attributed(&self) -> Prf {
        Prf::new(
            self.attributed_tp,
            self.attributed_tp,
            self.n_pred,
            self.n_gold,
        )
    }
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_ok, self.speaker_n)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    /// `tp_pred` matched predictions of `n_pred`, `tp_gold` matched gold rows of `n_gold`.
    pub fn new(tp_pred: usize, tp_gold: usize, n_pred: usize, n_gold: usize) -> Prf {
        let p = ratio(tp_pred, n_pred);
        let r = ratio(tp_gold, n_gold);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        Prf {
            precision: p,
            recall: r,
            f1: f,
        }
    }
    fn json(&self) -> Value {
        json!({"precision": self.precision, "recall": self.recall, "f1": self.f1})
    }
}

/// Per-kind counts: recall is counted over gold rows of the kind, precision over predicted rows of
/// the kind.
#[derive(Debug, Clone, Copy, Default)]
pub struct KindCounts {
    pub n_gold: usize,
    pub n_pred: usize,
    pub gold_lenient: usize,
    pub pred_lenient: usize,
    pub gold_strict: usize,
    pub pred_strict: usize,
    pub gold_attributed: usize,
    pub pred_attributed: usize,
}

/// One error for `--errors`.
#[derive(Debug, Clone)]
pub struct ErrorRow {
    /// `miss`, `false_alarm` or `wrong_speaker`.
    pub kind: &'static str,
    pub doc_id: String,
    pub jaccard: f64,
    pub gold: Option<QuoteRecord>,
    pub pred: Option<QuoteRecord>,
}

/// The result of an evaluation.
#[derive(Debug, Clone)]
pub struct Report {
    pub opts: EvalOptions,
    pub overall: Counts,
    pub per_doc: BTreeMap<String, Counts>,
    pub per_kind: BTreeMap<Kind, KindCounts>,
    pub errors: Vec<ErrorRow>,
    /// Predictions left out because their document is not in the gold (`gold_docs_only`).
    pub pred_outside_gold: usize,
    /// Rows left out because they are `rejected`.
    pub gold_rejected: usize,
    pub pred_rejected: usize,
}

/// The speaker a row names: the reviewed speaker when a reviewer set one, else the predicted one.
pub fn row_speaker(r: &QuoteRecord) -> &str {
    if r.status == Some(Status::Corrected) || !r.reviewed_speaker.trim().is_empty() {
        &r.reviewed_speaker
    } else {
        &r.speaker
    }
}

/// The span a row is compared by: its offsets, narrowed by the quotation marks and whitespace at
/// the edges of its quote text (when the quote text has the span's length, i.e. is the document
/// text there).
pub fn compare_span(r: &QuoteRecord) -> Span {
    let chars: Vec<char> = r.quote.chars().collect();
    if chars.len() != r.end.saturating_sub(r.start) {
        return (r.start, r.end);
    }
    let mut a = 0;
    let mut b = chars.len();
    while a < b && is_edge_strip(chars[a]) {
        a += 1;
    }
    while b > a && is_edge_strip(chars[b - 1]) {
        b -= 1;
    }
    if a < b {
        (r.start + a, r.start + b)
    } else {
        (r.start, r.end)
    }
}

pub fn jaccard(a: Span, b: Span) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = (a.1 - a.0) + (b.1 - b.0) - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

fn speaker_ok(pred: &QuoteRecord, gold: &QuoteRecord, mode: SpeakerMatch) -> (bool, bool) {
    let g = row_speaker(gold);
    let p = row_speaker(pred);
    if g.trim().is_empty() {
        (false, names_nobody(p, mode))
    } else {
        let ok = !p.trim().is_empty()
            && (speakers_match(p, g, mode)
                || alt_speakers(gold)
                    .iter()
                    .any(|a| speakers_match(p, a, mode)));
        (true, ok)
    }
}

/// Other speakers a gold row accepts (the `alt_speakers` column of a brat `--quotes-only` import:
/// further attributions of the same quote). They are alternatives to the annotator's source, so
/// they lapse once a reviewer corrects the row.
pub fn alt_speakers(r: &QuoteRecord) -> Vec<String> {
    if r.status == Some(Status::Corrected) {
        return Vec::new();
    }
    r.extra
        .iter()
        .find(|(k, _)| k == ALT_SPEAKERS)
        .map(|(_, v)| split_candidates(v))
        .unwrap_or_default()
}

/// Scores `pred` against `gold`. `gold_docs` lists documents known to the gold even when they have
/// no gold row (for example every document of a brat import).
pub fn evaluate(
    gold: &[QuoteRecord],
    pred: &[QuoteRecord],
    gold_docs: &[String],
    opts: EvalOptions,
) -> Report {
    let mut report = Report {
        opts,
        overall: Counts::default(),
        per_doc: BTreeMap::new(),
        per_kind: BTreeMap::new(),
        errors: Vec::new(),
        pred_outside_gold: 0,
        gold_rejected: 0,
        pred_rejected: 0,
    };
    let mut g_by_doc: BTreeMap<&str, Vec<&QuoteRecord>> = BTreeMap::new();
    for d in gold_docs {
        g_by_doc.entry(d.as_str()).or_default();
    }
    for g in gold {
        if g.status == Some(Status::Rejected) {
            report.gold_rejected += 1;
            g_by_doc.entry(g.doc_id.as_str()).or_default();
            continue;
        }
        g_by_doc.entry(g.doc_id.as_str()).or_default().push(g);
    }
    let mut p_by_doc: BTreeMap<&str, Vec<&QuoteRecord>> = BTreeMap::new();
    for p in pred {
        if p.status == Some(Status::Rejected) {
            report.pred_rejected += 1;
            continue;
        }
        if opts.gold_docs_only && !g_by_doc.contains_key(p.doc_id.as_str()) {
            report.pred_outside_gold += 1;
            continue;
        }
        p_by_doc.entry(p.doc_id.as_str()).or_default().push(p);
    }
    let mut docs: Vec<&str> = g_by_doc.keys().chain(p_by_doc.keys()).copied().collect();
    docs.sort();
    docs.dedup();
    let empty = Vec::new();
    for doc in docs {
        let mut gs: Vec<(&QuoteRecord, Span)> = g_by_doc
            .get(doc)
            .unwrap_or(&empty)
            .iter()
            .map(|g| (*g, compare_span(g)))
            .collect();
        gs.sort_by_key(|(g, s)| (*s, g.start, g.end));
        let ps: Vec<(&QuoteRecord, Span)> = p_by_doc
            .get(doc)
            .unwrap_or(&empty)
            .iter()
            .map(|p| (*p, compare_span(p)))
            .collect();
        let c = score_doc(&gs, &ps, &mut report);
        report.overall.add(&c);
        report.per_doc.insert(doc.to_string(), c);
    }
    report
}

fn score_doc(
    gs: &[(&QuoteRecord, Span)],
    ps: &[(&QuoteRecord, Span)],
    report: &mut Report,
) -> Counts {
    let opts = report.opts;
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, (_, sp)) in ps.iter().enumerate() {
        for (j, (_, gp)) in gs.iter().enumerate() {
            let jv = jaccard(*sp, *gp);
            if jv > 0.0 {
                pairs.push((jv, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    let mut p_match: HashMap<usize, (usize, f64)> = HashMap::new();
    let mut g_match: HashMap<usize, (usize, f64)> = HashMap::new();
    for (jv, i, j) in pairs {
        if p_match.contains_key(&i) || g_match.contains_key(&j) {
            continue;
        }
        p_match.insert(i, (j, jv));
        g_match.insert(j, (i, jv));
    }
    let mut c = Counts {
        n_gold: gs.len(),
        n_pred: ps.len(),
        ..Default::default()
    };
    for (g, _) in gs {
        report.per_kind.entry(g.kind).or_default().n_gold += 1;
    }
    for (i, (p, _)) in ps.iter().enumerate() {
        report.per_kind.entry(p.kind).or_default().n_pred += 1;
        let (j, jv) = match p_match.get(&i) {
            Some(&(j, jv)) => (Some(j), jv),
            None => (None, 0.0),
        };
        let gold = j.map(|j| gs[j].0);
        if let (Some(g), true) = (gold, jv >= opts.strict) {
            c.strict_tp += 1;
            report.per_kind.entry(p.kind).or_default().pred_strict += 1;
            report.per_kind.entry(g.kind).or_default().gold_strict += 1;
        }
        match gold {
            Some(g) if jv >= opts.lenient => {
                c.lenient_tp += 1;
                report.per_kind.entry(p.kind).or_default().pred_lenient += 1;
                report.per_kind.entry(g.kind).or_default().gold_lenient += 1;
                let (named, ok) = speaker_ok(p, g, opts.speaker_match);
                if named {
                    c.speaker_n += 1;
                    c.speaker_ok += ok as usize;
                }
                if ok {
                    c.attributed_tp += 1;
                    report.per_kind.entry(p.kind).or_default().pred_attributed += 1;
                    report.per_kind.entry(g.kind).or_default().gold_attributed += 1;
                } else {
                    report.errors.push(ErrorRow {
                        kind: "wrong_speaker",
                        doc_id: p.doc_id.clone(),
                        jaccard: jv,
                        gold: Some(g.clone()),
                        pred: Some((*p).clone()),
                    });
                }
            }
            _ => report.errors.push(ErrorRow {
                kind: "false_alarm",
                doc_id: p.doc_id.clone(),
                jaccard: jv,
                gold: gold.cloned(),
                pred: Some((*p).clone()),
            }),
        }
    }
    for (j, (g, _)) in gs.iter().enumerate() {
        let m = g_match.get(&j).copied();
        if m.is_none_or(|(_, jv)| jv < opts.lenient) {
            report.errors.push(ErrorRow {
                kind: "miss",
                doc_id: g.doc_id.clone(),
                jaccard: m.map_or(0.0, |x| x.1),
                gold: Some((*g).clone()),
                pred: m.map(|(i, _)| ps[i].0.clone()),
            });
        }
    }
    c
}

impl Report {
    /// The report as JSON; keys such as `lenient.f1`, `strict.f1`, `speaker.accuracy`,
    /// `attributed.f1`.
    pub fn to_json(&self) -> Value {
        let o = &self.overall;
        let block = |tp: usize, prf: Prf, threshold: Option<f64>| {
            let mut v = prf.json();
            v["tp"] = json!(tp);
            if let Some(t) = threshold {
                v["threshold"] = json!(t);
            }
            v
        };
        let per_kind: serde_json::Map<String, Value> = self
            .per_kind
            .iter()
            .map(|(k, kc)| {
                (
                    k.as_str().to_string(),
                    json!({
                        "n_gold": kc.n_gold,
                        "n_pred": kc.n_pred,
                        "lenient": Prf::new(kc.pred_lenient, kc.gold_lenient, kc.n_pred, kc.n_gold).json(),
                        "strict": Prf::new(kc.pred_strict, kc.gold_strict, kc.n_pred, kc.n_gold).json(),
                        "attributed": Prf::new(kc.pred_attributed, kc.gold_attributed, kc.n_pred, kc.n_gold).json(),
                    }),
                )
            })
            .collect();
        let per_doc: Vec<Value> = self
            .per_doc
            .iter()
            .map(|(d, c)| {
                json!({
                    "doc_id": d,
                    "n_gold": c.n_gold,
                    "n_pred": c.n_pred,
                    "lenient": block(c.lenient_tp, c.lenient(), None),
                    "strict": block(c.strict_tp, c.strict(), None),
                    "speaker": {"n": c.speaker_n, "correct": c.speaker_ok, "accuracy": c.speaker_accuracy()},
                    "attributed": block(c.attributed_tp, c.attributed(), None),
                })
            })
            .collect();
        json!({
            "n_docs": self.per_doc.len(),
            "n_gold": o.n_gold,
            "n_pred": o.n_pred,
            "n_gold_rejected": self.gold_rejected,
            "n_pred_rejected": self.pred_rejected,
            "n_pred_outside_gold_docs": self.pred_outside_gold,
            "lenient": block(o.lenient_tp, o.lenient(), Some(self.opts.lenient)),
            "strict": block(o.strict_tp, o.strict(), Some(self.opts.strict)),
            "speaker": {
                "match": format!("{:?}", self.opts.speaker_match).to_lowercase(),
                "n": o.speaker_n,
                "correct": o.speaker_ok,
                "accuracy": o.speaker_accuracy(),
            },
            "attributed": block(o.attributed_tp, o.attributed(), None),
            "per_kind": per_kind,
            "per_doc": per_doc,
        })
    }

    /// A table for people. `per_doc` adds one line per document.
    pub fn to_text(&self, per_doc: bool) -> String {
        use std::fmt::Write;
        let o = &self.overall;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "documents: {}   gold quotes: {}   predicted: {}",
            self.per_doc.len(),
            o.n_gold,
            o.n_pred
        );
        if self.gold_rejected + self.pred_rejected + self.pred_outside_gold > 0 {
            let _ = writeln!(
                s,
                "left out: {} rejected gold rows, {} rejected predicted rows, {} predictions for documents not in the gold",
                self.gold_rejected, self.pred_rejected, self.pred_outside_gold
            );
        }
        let _ = writeln!(
            s,
            "\n{:<28}{:>10}{:>10}{:>10}{:>8}",
            "", "precision", "recall", "F1", "tp"
        );
        let line = |s: &mut String, name: String, prf: Prf, tp: usize| {
            let _ = writeln!(
                s,
                "{:<28}{:>10.3}{:>10.3}{:>10.3}{:>8}",
                name, prf.precision, prf.recall, prf.f1, tp
            );
        };
        line(
            &mut s,
            format!("quotes, lenient (J≥{})", self.opts.lenient),
            o.lenient(),
            o.lenient_tp,
        );
        line(
            &mut s,
            format!("quotes, strict (J≥{})", self.opts.strict),
            o.strict(),
            o.strict_tp,
        );
        line(
            &mut s,
            "attributed quotes".to_string(),
            o.attributed(),
            o.attributed_tp,
        );
        let _ = writeln!(
            s,
            "\nspeaker accuracy: {:.3} ({} of {} lenient matches whose gold names a speaker; --speaker-match {})",
            o.speaker_accuracy(),
            o.speaker_ok,
            o.speaker_n,
            format!("{:?}", self.opts.speaker_match).to_lowercase()
        );
        if !self.per_kind.is_empty() {
            let _ = writeln!(
                s,
                "\nby kind (recall over gold rows of the kind, precision over predicted rows of the kind):"
            );
            let _ = writeln!(
                s,
                "{:<10}{:>8}{:>8}{:>10}{:>10}{:>10}{:>14}",
                "kind", "gold", "pred", "P", "R", "F1", "attributed F1"
            );
            for (k, kc) in &self.per_kind {
                let l = Prf::new(kc.pred_lenient, kc.gold_lenient, kc.n_pred, kc.n_gold);
                let a = Prf::new(kc.pred_attributed, kc.gold_attributed, kc.n_pred, kc.n_gold);
                let _ = writeln!(
                    s,
                    "{:<10}{:>8}{:>8}{:>10.3}{:>10.3}{:>10.3}{:>14.3}",
                    k.as_str(),
                    kc.n_gold,
                    kc.n_pred,
                    l.precision,
                    l.recall,
                    l.f1,
                    a.f1
                );
            }
        }
        if per_doc {
            let _ = writeln!(s, "\nby document (lenient):");
            let _ = writeln!(
                s,
                "{:>6}{:>6}{:>8}{:>8}{:>8}{:>10}  document",
                "gold", "pred", "P", "R", "F1", "attr. F1"
            );
            for (d, c) in &self.per_doc {
                let l = c.lenient();
                let _ = writeln!(
                    s,
                    "{:>6}{:>6}{:>8.3}{:>8.3}{:>8.3}{:>10.3}  {}",
                    c.n_gold,
                    c.n_pred,
                    l.precision,
                    l.recall,
                    l.f1,
                    c.attributed().f1,
                    crate::text::sanitize_one_line_for_screen(d)
                );
            }
        }
        s
    }
}

/// Columns of the `--errors` file.
pub const ERROR_COLUMNS: &[&str] = &[
    "type",
    "doc_id",
    "jaccard",
    "gold_quote_id",
    "gold_start",
    "gold_end",
    "gold_quote",
    "gold_speaker",
    "pred_quote_id",
    "pred_start",
    "pred_end",
    "pred_quote",
    "pred_speaker",
    "context",
];

impl ErrorRow {
    /// The row's cells, in [`ERROR_COLUMNS`] order. The context is the gold row's (else the
    /// prediction's), or the document paragraph when `text` is known.
    pub fn cells(&self, text: Option<&[char]>) -> Vec<String> {
        let g = self.gold.as_ref();
        let p = self.pred.as_ref();
        let num = |v: Option<usize>| v.map(|x| x.to_string()).unwrap_or_default();
        let anchor = g.or(p);
        let context = match (text, anchor) {
            (Some(t), Some(r)) => crate::formats::paragraph_context(t, r.start, r.end).0,
            (None, _) => g
                .map(|r| r.context.clone())
                .filter(|c| !c.is_empty())
                .or_else(|| p.map(|r| r.context.clone()))
                .unwrap_or_default(),
            _ => String::new(),
        };
        vec![
            self.kind.to_string(),
            self.doc_id.clone(),
            format!("{:.4}", self.jaccard),
            g.map(|r| r.quote_id.clone()).unwrap_or_default(),
            num(g.map(|r| r.start)),
            num(g.map(|r| r.end)),
            g.map(|r| r.quote.clone()).unwrap_or_default(),
            g.map(|r| row_speaker(r).to_string()).unwrap_or_default(),
            p.map(|r| r.quote_id.clone()).unwrap_or_default(),
            num(p.map(|r| r.start)),
            num(p.map(|r| r.end)),
            p.map(|r| r.quote.clone()).unwrap_or_default(),
            p.map(|r| row_speaker(r).to_string()).unwrap_or_default(),
            context,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(doc: &str, start: usize, quote: &str, speaker: &str) -> QuoteRecord {
        let end = start + quote.chars().count();
        QuoteRecord {
            quote_id: QuoteRecord::make_id(doc, start, end),
            doc_id: doc.into(),
            quote: quote.into(),
            start,
            end,
            speaker: speaker.into(),
            ..Default::default()
        }
    }

    #[test]
    fn jaccard_values() {
        assert_eq!(jaccard((0, 10), (0, 10)), 1.0);
        assert_eq!(jaccard((0, 10), (5, 15)), 5.0 / 15.0);
        assert_eq!(jaccard((0, 10), (10, 20)), 0.0);
        assert_eq!(jaccard((0, 0), (0, 0)), 0.0);
    }

    #[test]
    fn edges_are_stripped_when_quote_is_the_text() {
        let r = rec("d", 10, "\u{201c}Hi there,\u{201d} ", "");
        assert_eq!(compare_span(&r), (11, 20));
        // a quote that is not the document text between its offsets keeps its offsets
        let mut r2 = r.clone();
        r2.end += 5;
        assert_eq!(compare_span(&r2), (10, r2.end));
    }

    #[test]
    fn perfect_prediction_scores_one() {
        let g = vec![
            rec("d", 0, "abc def", "Lena Ortiz"),
            rec("d", 20, "xyz", ""),
        ];
        let r = evaluate(&g, &g, &[], EvalOptions::default());
        let o = r.overall;
        assert_eq!(o.lenient().f1, 1.0);
        assert_eq!(o.strict().f1, 1.0);
        assert_eq!(o.attributed().f1, 1.0);
        assert_eq!((o.speaker_n, o.speaker_ok), (1, 1));
        assert!(r.errors.is_empty());
    }

    #[test]
    fn lenient_strict_and_speaker() {
        let g = vec![
            rec("d", 0, "0123456789", "Sen. Lena Ortiz"),
            rec("d", 100, "abcdefghij", "Raj Patel"),
            rec("d", 200, "klmnopqrst", "Ann Lee"),
        ];
        let p = vec![
            rec("d", 0, "0123456789", "Lena Ortiz"), // strict, speaker right (normalized)
            rec("d", 102, "cdefghijklm", "Patel"), // J=8/13 lenient only, speaker wrong unless surname
            rec("d", 300, "nothing", "X"),         // false alarm
        ];
        let r = evaluate(&g, &p, &[], EvalOptions::default());
        let o = r.overall;
        assert_eq!((o.lenient_tp, o.strict_tp, o.attributed_tp), (2, 1, 1));
        assert_eq!((o.speaker_n, o.speaker_ok), (2, 1));
        let kinds: Vec<&str> = r.errors.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec!["wrong_speaker", "false_alarm", "miss"]);
        let r2 = evaluate(
            &g,
            &p,
            &[],
            EvalOptions {
                speaker_match: SpeakerMatch::Surname,
                ..Default::default()
            },
        );
        assert_eq!(r2.overall.attributed_tp, 2);
        assert!((o.lenient().precision - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn matching_is_one_to_one_and_greedy_by_jaccard() {
        let g = vec![rec("d", 0, "aaaaaaaaaa", "")];
        let p = vec![rec("d", 0, "aaaaaaaa", ""), rec("d", 0, "aaaaaaaaaa", "")];
        let r = evaluate(&g, &p, &[], EvalOptions::default());
        assert_eq!(r.overall.lenient_tp, 1);
        // the exact prediction wins even though it comes second
        assert_eq!(r.overall.strict_tp, 1);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].kind, "false_alarm");
    }

    #[test]
    fn rejected_rows_and_unknown_documents() {
        let mut g = vec![rec("d", 0, "abc", "X"), rec("d", 10, "def", "")];
        g[1].status = Some(Status::Rejected);
        let p = vec![rec("d", 0, "abc", "X"), rec("e", 0, "abc", "X")];
        let r = evaluate(&g, &p, &[], EvalOptions::default());
        assert_eq!((r.overall.n_gold, r.overall.n_pred), (1, 2));
        assert_eq!(r.gold_rejected, 1);
        let r = evaluate(
            &g,
            &p,
            &[],
            EvalOptions {
                gold_docs_only: true,
                ..Default::default()
            },
        );
        assert_eq!((r.overall.n_pred, r.pred_outside_gold), (1, 1));
        assert_eq!(r.overall.lenient().f1, 1.0);
    }

    #[test]
    fn gold_without_speaker_wants_none() {
        let g = vec![rec("d", 0, "abc", "")];
        let p1 = vec![rec("d", 0, "abc", "")];
        let p2 = vec![rec("d", 0, "abc", "Someone")];
        assert_eq!(
            evaluate(&g, &p1, &[], EvalOptions::default())
                .overall
                .attributed_tp,
            1
        );
        let r = evaluate(&g, &p2, &[], EvalOptions::default());
        assert_eq!(r.overall.attributed_tp, 0);
        assert_eq!(r.overall.speaker_n, 0);
    }

    #[test]
    fn reviewed_speaker_is_used() {
        let mut g = rec("d", 0, "abc", "Wrong Name");
        g.status = Some(Status::Corrected);
        g.reviewed_speaker = "Lena Ortiz".into();
        let p = vec![rec("d", 0, "abc", "Lena Ortiz")];
        let r = evaluate(&[g], &p, &[], EvalOptions::default());
        assert_eq!(r.overall.speaker_ok, 1);
    }

    #[test]
    fn other_gold_sources_count_until_a_reviewer_changes_the_speaker() {
        let mut g = rec("d", 0, "abc", "Lee");
        g.extra
            .push((ALT_SPEAKERS.to_string(), "Joe Blake|Ann Kerr".to_string()));
        let p = vec![rec("d", 0, "abc", "Ann Kerr")];
        let r = evaluate(std::slice::from_ref(&g), &p, &[], EvalOptions::default());
        assert_eq!((r.overall.speaker_n, r.overall.speaker_ok), (1, 1));
        g.status = Some(Status::Corrected);
        g.reviewed_speaker = "Lee Park".into();
        let r = evaluate(&[g], &p, &[], EvalOptions::default());
        assert_eq!((r.overall.speaker_n, r.overall.speaker_ok), (1, 0));
    }

    #[test]
    fn overlap_mode_wants_no_word_where_the_gold_names_nobody() {
        let g = vec![rec("d", 0, "abc", ""), rec("d", 10, "def", "")];
        let p = vec![rec("d", 0, "abc", "\u{2014}"), rec("d", 10, "def", "_")];
        let opts = EvalOptions {
            speaker_match: SpeakerMatch::Overlap,
            ..Default::default()
        };
        let r = evaluate(&g, &p, &[], opts);
        // "—" has no word; "_" is one
        assert_eq!(r.overall.attributed_tp, 1);
        assert_eq!(r.overall.speaker_n, 0);
    }
}
