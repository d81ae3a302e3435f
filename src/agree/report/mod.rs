//! The agreement report: every figure `diff` prints, computed once and rendered by
//! [`terminal`], [`json`], [`markdown`] and [`html`].

pub mod html;
pub mod json;
pub mod markdown;
pub mod terminal;

use std::collections::HashMap;

use rayon::prelude::*;

use super::align::{AlignedBy, Alignment, NO_ROW};
use super::metrics::{self, Coef, Interval, Intervals, Labels, MISSING, Summary, Tallies};
use super::read::{Table, status_of_code};
use crate::schema::Status;
use crate::speaker::{SpeakerMatch, match_key};

/// Options of the computation.
#[derive(Debug, Clone)]
pub struct Options {
    pub speaker_match: SpeakerMatch,
    /// Bootstrap replicates (0 = no intervals).
    pub bootstrap: usize,
    pub seed: u64,
    /// How many disagreements, unaligned units and documents the human-readable reports list
    /// (0 = all). JSON lists them all.
    pub limit: usize,
}

/// One annotator's coverage.
#[derive(Debug, Clone)]
pub struct Annotator {
    pub name: String,
    pub file: String,
    pub rows: usize,
    /// Rows with a status, by status in [`Status::ALL`] order.
    pub by_status: [usize; 4],
    pub pending: usize,
    /// Units this copy has no row for.
    pub missing: usize,
}

impl Annotator {
    pub fn answered(&self) -> usize {
        self.by_status.iter().sum()
    }
}

/// The figures of one compared field.
#[derive(Debug, Clone)]
pub struct Field {
    /// `status` or `speaker`.
    pub name: &'static str,
    pub units_answered: u64,
    pub units_pairable: u64,
    pub units_complete: u64,
    pub categories: usize,
    pub summary: Summary,
    pub intervals: Option<Intervals>,
    /// Per pair (in [`metrics::pairs`] order): units both answered and the share they agree on.
    pub pair_units: Vec<u64>,
    pub pair_agreement: Vec<Coef>,
}

/// The summary coefficients of a field in report order: label and JSON key.
pub const COEFFICIENTS: [(&str, &str); 4] = [
    ("percent agreement", "percent_agreement"),
    ("Krippendorff's alpha", "krippendorff_alpha"),
    ("Fleiss' kappa", "fleiss_kappa"),
    ("Gwet's AC1", "gwet_ac1"),
];

impl Field {
    /// The field's summary coefficients in [`COEFFICIENTS`] order, each with its bootstrap
    /// interval (when `--bootstrap` asked for intervals).
    pub fn coefficients(&self) -> [(&Coef, Option<&Interval>); 4] {
        let (s, iv) = (&self.summary, self.intervals.as_ref());
        [
            (
                &s.percent_agreement,
                iv.and_then(|v| v.percent_agreement.as_ref()),
            ),
            (
                &s.krippendorff_alpha,
                iv.and_then(|v| v.krippendorff_alpha.as_ref()),
            ),
            (&s.fleiss_kappa, iv.and_then(|v| v.fleiss_kappa.as_ref())),
            (&s.gwet_ac1, iv.and_then(|v| v.gwet_ac1.as_ref())),
        ]
    }

    /// Cohen's kappa of annotators `a` and `b` (in either order; they must differ).
    pub fn cohen_kappa(&self, a: usize, b: usize) -> &Coef {
        let pairs = self.summary.cohen_kappa.len();
        // k annotators make k(k-1)/2 pairs.
        let k = (2..).find(|k| k * (k - 1) / 2 >= pairs).unwrap_or(2);
        &self.summary.cohen_kappa[pair_index(a.min(b), a.max(b), k)]
    }
}

/// The position of the pair `(a, b)`, `a < b`, in [`metrics::pairs`] order for `k` annotators.
fn pair_index(a: usize, b: usize, k: usize) -> usize {
    // Pairs (i, j) with i < a come first: k-1 + k-2 + … + k-a of them.
    a * (2 * k - a - 1) / 2 + (b - a - 1)
}

/// A status confusion table of two annotators: rows the first, columns the second, in
/// [`Status::ALL`] order then "none" (pending or no row).
#[derive(Debug, Clone)]
pub struct Confusion {
    pub a: usize,
    pub b: usize,
    pub counts: [[u64; 5]; 5],
}

#[derive(Debug, Clone)]
pub struct Document {
    pub doc_id: String,
    pub units: usize,
    /// Units where every annotator gave the same answer.
    pub unanimous: usize,
    pub status_agreement: Coef,
    pub status_alpha: Coef,
    pub speaker_agreement: Coef,
}

/// One annotator's answer on a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Whether the copy has a row for the unit.
    pub present: bool,
    pub status: Option<Status>,
    /// The final speaker as the annotator wrote it.
    pub speaker: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Disagreement {
    pub quote_id: String,
    pub doc_id: String,
    pub quote: String,
    /// `status`, `speaker` or both.
    pub fields: Vec<&'static str>,
    pub answers: Vec<Answer>,
    /// The most common speaker (as first written), the reference of the inline diffs.
    pub majority_speaker: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Unaligned {
    pub quote_id: String,
    pub doc_id: String,
    pub start: usize,
    pub end: usize,
    /// Annotators whose copy has the unit.
    pub present: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub annotators: Vec<Annotator>,
    pub units: usize,
    pub aligned_by_overlap: usize,
    pub unaligned: Vec<Unaligned>,
    pub warnings: Vec<String>,
    pub speaker_match: SpeakerMatch,
    pub bootstrap: usize,
    pub seed: u64,
    pub limit: usize,
    pub fields: Vec<Field>,
    pub status_confusion: Vec<Confusion>,
    pub documents: Vec<Document>,
    pub disagreements_total: usize,
    /// Every unit with a disagreement, in report order.
    pub disagreement_units: Vec<u32>,
    /// The first `limit` of them (all when `limit` is 0), with their answers. JSON lists all
    /// of them, made one at a time with [`disagreement`] as it is written.
    pub disagreements: Vec<Disagreement>,
    /// Units where every annotator gave the same answer (same decision and, where they named
    /// one, the same speaker).
    pub unanimous: usize,
}

/// Per-unit answers coded for comparison, shared by the report and the merged file. The codes
/// are worked out from the tables when asked for (cheap: a few lookups), so that a million
/// units' codes are not kept; [`Coded::labels`] makes them all for the bootstrap.
pub struct Coded<'a> {
    tables: &'a [Table],
    /// The columns each copy's answers are coded from.
    views: Vec<View<'a>>,
    al: &'a Alignment,
    /// Speaker keys (normalised names) by code.
    pub speaker_keys: Vec<String>,
    labels: std::sync::OnceLock<(Labels, Labels)>,
}

/// A copy's columns an answer is coded from.
struct View<'a> {
    status: &'a [u8],
    reviewed: &'a [u32],
    /// Predicted speakers.
    speaker: &'a [u32],
    /// The speaker key code of each name id.
    keys: Vec<u32>,
}

/// Outcome codes: what an annotator decided about a unit, the thing majority votes count.
pub const OUT_REJECTED: u32 = 0;
pub const OUT_FLAGGED: u32 = 1;
/// Confirmed or corrected without a speaker name.
pub const OUT_NO_NAME: u32 = 2;
/// `OUT_SPEAKER + key` for a named speaker.
pub const OUT_SPEAKER: u32 = 3;

impl<'a> Coded<'a> {
    pub fn new(tables: &'a [Table], al: &'a Alignment, mode: SpeakerMatch) -> Coded<'a> {
        let mut keys: HashMap<String, u32> = HashMap::new();
        let mut speaker_keys: Vec<String> = Vec::new();
        // Copies mostly name the same people: each name is keyed once.
        let mut by_name: HashMap<&str, u32> = HashMap::new();
        let key_of_name: Vec<Vec<u32>> = tables
            .iter()
            .map(|t| {
                t.names
                    .iter()
                    .map(|n| {
                        if let Some(&c) = by_name.get(n) {
                            return c;
                        }
                        let code = if n.trim().is_empty() {
                            MISSING
                        } else {
                            let key = match_key(n, mode);
                            if key.is_empty() {
                                MISSING
                            } else {
                                *keys.entry(key.clone()).or_insert_with(|| {
                                    speaker_keys.push(key);
                                    (speaker_keys.len() - 1) as u32
                                })
                            }
                        };
                        by_name.insert(n, code);
                        code
                    })
                    .collect()
            })
            .collect();
        let views = tables
            .iter()
            .zip(key_of_name)
            .map(|(t, keys)| View {
                status: &t.status,
                reviewed: &t.reviewed,
                speaker: &t.extracted().speaker,
                keys,
            })
            .collect();
        Coded {
            tables,
            views,
            al,
            speaker_keys,
            labels: std::sync::OnceLock::new(),
        }
    }

    /// Number of status categories ([`Status::ALL`]).
    pub fn status_categories(&self) -> usize {
        4
    }

    /// Number of speaker categories (keys).
    pub fn speaker_categories(&self) -> usize {
        self.speaker_keys.len()
    }

    /// Copy `f`'s answer in its row `r` ([`NO_ROW`]: none): the status code (its place in
    /// [`Status::ALL`]) and the speaker key, each [`MISSING`] when there is none.
    #[inline(always)]
    pub fn answer_codes(&self, f: usize, r: u32) -> (u32, u32) {
        if r == NO_ROW {
            return (MISSING, MISSING);
        }
        let (t, r) = (&self.views[f], r as usize);
        let code = t.status[r];
        let key = match status_of_code(code) {
            Some(s @ (Status::Confirmed | Status::Corrected)) => {
                let name = if s == Status::Corrected || t.reviewed[r] != 0 {
                    t.reviewed[r]
                } else {
                    t.speaker[r]
                };
                t.keys[name as usize]
            }
            _ => MISSING,
        };
        (code.checked_sub(1).map_or(MISSING, u32::from), key)
    }

    /// A unit's status codes and speaker keys, one per copy, into `st` and `sp`.
    #[inline]
    pub fn unit_codes(&self, u: usize, st: &mut Vec<u32>, sp: &mut Vec<u32>) {
        let k = self.tables.len();
        st.resize(k, MISSING);
        sp.resize(k, MISSING);
        self.unit_codes_into(u, st, sp);
    }

    /// [`Coded::unit_codes`] into slices of one place per copy.
    #[inline(always)]
    fn unit_codes_into(&self, u: usize, st: &mut [u32], sp: &mut [u32]) {
        for (f, (s, k)) in st.iter_mut().zip(sp.iter_mut()).enumerate() {
            (*s, *k) = self.answer_codes(f, self.al.row(u, f));
        }
    }

    /// A unit's speaker keys, one per copy.
    pub fn speaker_codes(&self, u: usize) -> Vec<u32> {
        let (mut st, mut sp) = (Vec::new(), Vec::new());
        self.unit_codes(u, &mut st, &mut sp);
        sp
    }

    /// The status and speaker labels of every unit (for the bootstrap), made on first use.
    pub fn labels(&self) -> &(Labels, Labels) {
        self.labels.get_or_init(|| {
            let k = self.tables.len();
            let n = self.al.units();
            // Units in parallel chunks, each chunk's memory first touched by the thread that
            // fills it.
            const UNITS: usize = 1 << 14;
            let kk = k.max(1);
            let (st, sp) = par_vec2(n * k, UNITS * kk, |range, st, sp| {
                for u in range.start / kk..range.end / kk {
                    for f in 0..k {
                        let (s, key) = self.answer_codes(f, self.al.row(u, f));
                        st.push(s);
                        sp.push(key);
                    }
                }
            });
            (
                Labels::from_data(k, self.status_categories(), st),
                Labels::from_data(k, self.speaker_categories(), sp),
            )
        })
    }

    /// An annotator's answer (merge answer code, see [`OUT_SPEAKER`]) from its status and
    /// speaker key.
    #[inline]
    fn outcome(status: u32, key: u32) -> u32 {
        match status {
            MISSING => MISSING,
            2 => OUT_REJECTED,
            3 => OUT_FLAGGED,
            _ if key == MISSING => OUT_NO_NAME,
            _ => OUT_SPEAKER + key,
        }
    }

    /// Per annotator: the unit's answer code (see [`OUT_SPEAKER`]).
    pub fn unit_outcomes(&self, u: usize) -> Vec<u32> {
        let (mut st, mut sp) = (Vec::new(), Vec::new());
        self.unit_codes(u, &mut st, &mut sp);
        st.iter()
            .zip(&sp)
            .map(|(&s, &key)| Coded::outcome(s, key))
            .collect()
    }

    /// The majority answer of a unit and the share of all annotators who gave it (ties go to
    /// the answer of the earliest annotator). `None` when nobody answered.
    pub fn majority(&self, u: usize) -> Option<(u32, f64)> {
        majority(&self.unit_outcomes(u))
    }

    /// Whether every annotator gave the same answer (the majority's share is 1), from a unit's
    /// codes.
    #[inline]
    fn unanimous(st: &[u32], sp: &[u32]) -> bool {
        let Some(o) = st.first().map(|&s| Coded::outcome(s, sp[0])) else {
            return false;
        };
        o != MISSING
            && st
                .iter()
                .zip(sp)
                .all(|(&s, &key)| Coded::outcome(s, key) == o)
    }

    /// The speaker key code of table `f`'s name id.
    pub fn key_of(&self, f: usize, name: u32) -> u32 {
        self.views[f].keys[name as usize]
    }
}

/// Where [`par_vec`] has a chunk's values written, in order.
struct Fill<'a, T> {
    out: &'a mut [std::mem::MaybeUninit<T>],
    at: usize,
}

impl<T> Fill<'_, T> {
    #[inline(always)]
    fn push(&mut self, v: T) {
        self.out[self.at].write(v);
        self.at += 1;
    }
}

/// Two vectors of `len` values made in parallel, chunk by chunk: `fill(range, a, b)` pushes the
/// values of the indices in `range` to `a` and `b`, which write them straight into place, so
/// that each chunk's memory is first touched (and its pages come in) on the thread that fills
/// it.
fn par_vec2<A: Send, B: Send>(
    len: usize,
    chunk: usize,
    fill: impl Fn(std::ops::Range<usize>, &mut Fill<A>, &mut Fill<B>) + Sync,
) -> (Vec<A>, Vec<B>) {
    let chunk = chunk.max(1);
    let mut a: Vec<A> = Vec::with_capacity(len);
    let mut b: Vec<B> = Vec::with_capacity(len);
    a.spare_capacity_mut()[..len]
        .par_chunks_mut(chunk)
        .zip(b.spare_capacity_mut()[..len].par_chunks_mut(chunk))
        .enumerate()
        .for_each(|(c, (x, y))| {
            let n = x.len();
            let (mut x, mut y) = (Fill { out: x, at: 0 }, Fill { out: y, at: 0 });
            fill(c * chunk..c * chunk + n, &mut x, &mut y);
            assert!(x.at == n && y.at == n, "a value for every index");
        });
    // SAFETY: every one of the first `len` elements of both was written above (a chunk missing
    // a value panics before this point).
    unsafe {
        a.set_len(len);
        b.set_len(len);
    }
    (a, b)
}

/// See [`Coded::majority`].
pub fn majority(outs: &[u32]) -> Option<(u32, f64)> {
    let mut best: Option<(u32, usize)> = None;
    for (i, &o) in outs.iter().enumerate() {
        if o == MISSING || outs[..i].contains(&o) {
            continue;
        }
        let c = outs.iter().filter(|&&x| x == o).count();
        if best.is_none_or(|(_, bc)| c > bc) {
            best = Some((o, c));
        }
    }
    best.map(|(o, c)| (o, c as f64 / outs.len() as f64))
}

/// The answer an annotator gave on a unit, as written.
pub fn answer(tables: &[Table], f: usize, row: u32) -> Answer {
    if row == NO_ROW {
        return Answer {
            present: false,
            status: None,
            speaker: None,
        };
    }
    let t = &tables[f];
    let r = row as usize;
    Answer {
        present: true,
        status: status_of_code(t.status[r]),
        speaker: t.final_speaker(r).map(str::to_string),
    }
}

/// Computes the report.
pub fn build<'a>(
    tables: &[Table],
    names: &[String],
    al: &Alignment,
    coded: &'a Coded<'a>,
    opts: &Options,
) -> Report {
    let k = tables.len();
    let n = al.units();
    // With few annotators, a unit's statuses are counted once, by their combination, per
    // document: the document's figures, the field's tallies and the confusion tables all
    // follow from those counts, and so do the annotators' status counts when every copy has
    // every unit.
    let by_combination = metrics::Combinations::new(k, coded.status_categories()).is_some();
    let counted_later = by_combination && al.identity;

    let mut annotators: Vec<Annotator> = tables
        .iter()
        .zip(names)
        .map(|(t, name)| {
            let counts = t
                .status
                .par_chunks(1 << 16)
                .filter(|_| !counted_later)
                .fold(
                    || [0usize; 5],
                    |mut c, part| {
                        for &s in part {
                            c[(s as usize).min(4)] += 1;
                        }
                        c
                    },
                )
                .reduce(
                    || [0usize; 5],
                    |mut x, y| {
                        for (a, b) in x.iter_mut().zip(y) {
                            *a += b;
                        }
                        x
                    },
                );
            let pending = counts[0];
            let by_status = [counts[1], counts[2], counts[3], counts[4]];
            Annotator {
                name: name.clone(),
                file: t.path.display().to_string(),
                rows: t.len(),
                by_status,
                pending,
                missing: 0,
            }
        })
        .collect();
    let mut unaligned = Vec::new();
    let mut aligned_by_overlap = 0;
    // Every unit is complete when the copies have the same rows.
    for u in (0..n).filter(|_| !al.identity) {
        if al.how(u) == AlignedBy::Overlap {
            aligned_by_overlap += 1;
        }
        if !al.is_complete(u) {
            let unit = al.unit(u);
            for (f, r) in unit.iter().enumerate() {
                if r == NO_ROW {
                    annotators[f].missing += 1;
                }
            }
            let (f, r) = al.anchor(u);
            let t = &tables[f];
            unaligned.push(Unaligned {
                quote_id: t.quote_id(r).into_owned(),
                doc_id: t.docs.get(t.extracted().doc[r]).to_string(),
                start: t.extracted().start.get(r),
                end: t.extracted().end.get(r),
                present: (0..k).filter(|&g| unit.get(g) != NO_ROW).collect(),
            });
        }
    }

    let mut warnings = Vec::new();
    for (f, &c) in al.changed_predictions.iter().enumerate() {
        if c > 0 {
            warnings.push(format!(
                "{} has {c} row(s) whose quote_id matches {} but whose quote text or predicted speaker differs: the files may not come from the same extraction",
                annotators[f].file, annotators[0].file
            ));
        }
    }
    let complete = if al.identity {
        n
    } else {
        (0..n).filter(|&u| al.is_complete(u)).count()
    };
    if n > 0 && (complete as f64) < 0.5 * n as f64 {
        warnings.push(format!(
            "only {complete} of {n} quotes are in every file: the files may not come from the same extraction"
        ));
    }

    let (doc_of_unit, doc_names, doc_start, grouped) = documents_of_units(tables, al);
    // Units grouped by document, each group in unit order: the units themselves when every
    // document's units come one after another (`grouped`).
    let mut doc_units = Vec::new();
    if !grouped {
        doc_units = vec![0u32; n];
        let mut next = doc_start.clone();
        for (u, &d) in doc_of_unit.iter().enumerate() {
            doc_units[next[d as usize]] = u as u32;
            next[d as usize] += 1;
        }
    }
    let unit_of = |i: usize| if grouped { i } else { doc_units[i] as usize };

    // Whether two answers of a unit differ.
    let differs = |unit: &[u32]| {
        let mut seen = MISSING;
        unit.iter().any(|&c| {
            if c == MISSING {
                return false;
            }
            if seen == MISSING {
                seen = c;
                false
            } else {
                c != seen
            }
        })
    };
    // One pass over the units, document by document (in parallel), for the tallies of both
    // fields, the status confusion tables, the unanimous units, the disagreements and the
    // per-document figures.
    let pairs = metrics::pairs(k);
    let ix = |c: u32| if c == MISSING { 4 } else { c as usize };
    let v_status = coded.status_categories();
    let v_speaker = coded.speaker_categories();
    struct Pass {
        status: metrics::Accumulator,
        speaker: metrics::Accumulator,
        confusion: Vec<[[u64; 5]; 5]>,
        unanimous: usize,
        /// Per chunk of documents: its documents and its units with a disagreement.
        documents: Vec<(usize, Vec<Document>, Vec<u32>)>,
        doc: Tallies,
        doc_combos: Option<metrics::Combinations>,
        /// The unit's codes.
        st: Vec<u32>,
        sp: Vec<u32>,
    }
    let new_pass = || Pass {
        status: metrics::Accumulator::new(k, v_status),
        speaker: metrics::Accumulator::new(k, v_speaker),
        confusion: vec![[[0u64; 5]; 5]; pairs.len()],
        unanimous: 0,
        documents: Vec::new(),
        doc: Tallies::new(k, v_status),
        doc_combos: metrics::Combinations::new(k, v_status),
        st: vec![MISSING; k],
        sp: vec![MISSING; k],
    };
    const DOCS: usize = 256;
    let doc_chunks = doc_names.len().div_ceil(DOCS);
    let add_chunk = |p: &mut Pass, c: usize| {
        let mut docs = Vec::with_capacity(DOCS);
        let mut disagree = Vec::new();
        for d in c * DOCS..((c + 1) * DOCS).min(doc_names.len()) {
            let (from, to) = (doc_start[d], doc_start[d + 1]);
            p.doc.clear();
            let mut unanimous = 0;
            let mut speaker_agreement = PercentAgreement::default();
            for i in from..to {
                let u = unit_of(i);
                coded.unit_codes_into(u, &mut p.st, &mut p.sp);
                let (st, sp) = (&p.st[..], &p.sp[..]);
                p.speaker.add(sp);
                match &mut p.doc_combos {
                    Some(combos) => combos.add(st),
                    None => {
                        p.status.add(st);
                        for (q, &(a, b)) in pairs.iter().enumerate() {
                            p.confusion[q][ix(st[a])][ix(st[b])] += 1;
                        }
                        p.doc.add_unit(st, 1);
                    }
                }
                let (s0, k0) = (st[0], sp[0]);
                if st.iter().all(|&s| s == s0) && sp.iter().all(|&x| x == k0) {
                    // Every annotator gave the same answer, or none did: the usual unit.
                    if Coded::outcome(s0, k0) != MISSING {
                        unanimous += 1;
                    }
                    if k0 != MISSING && k >= 2 {
                        speaker_agreement.add_full();
                    }
                    continue;
                }
                if Coded::unanimous(st, sp) {
                    unanimous += 1;
                }
                if differs(st) || differs(sp) {
                    disagree.push(u as u32);
                }
                speaker_agreement.add(sp);
            }
            if let Some(combos) = &mut p.doc_combos {
                p.doc.add_combination_sums(combos);
                p.status.add_combinations(combos);
                combos.clear();
            }
            p.unanimous += unanimous;
            docs.push(Document {
                doc_id: doc_names[d].to_string(),
                units: to - from,
                unanimous,
                status_agreement: p.doc.percent_agreement(),
                status_alpha: p.doc.krippendorff_alpha(),
                speaker_agreement: speaker_agreement.coef(),
            });
        }
        p.documents.push((c, docs, disagree));
    };
    // A few runs of chunks per thread: each run's tallies (large for speakers) are made and
    // merged once.
    let runs = doc_chunks.min(rayon::current_num_threads() * 4).max(1);
    let pass = (0..runs)
        .into_par_iter()
        .map(|g| {
            let mut p = new_pass();
            for c in g * doc_chunks / runs..(g + 1) * doc_chunks / runs {
                add_chunk(&mut p, c);
            }
            p
        })
        .reduce_with(|mut x, y| {
            x.status.merge(y.status);
            x.speaker.merge(y.speaker);
            for (cx, cy) in x.confusion.iter_mut().zip(&y.confusion) {
                for (rx, ry) in cx.iter_mut().zip(cy) {
                    for (a, b) in rx.iter_mut().zip(ry) {
                        *a += b;
                    }
                }
            }
            x.unanimous += y.unanimous;
            x.documents.extend(y.documents);
            x
        })
        .unwrap_or_else(new_pass);
    let Pass {
        status,
        speaker,
        mut confusion,
        unanimous,
        mut documents,
        ..
    } = pass;
    if let Some(combos) = status.combinations().filter(|_| by_combination) {
        combos.for_each(|st, n| {
            for (q, &(a, b)) in pairs.iter().enumerate() {
                confusion[q][ix(st[a])][ix(st[b])] += n;
            }
            if counted_later {
                // Every copy has a row in every unit: a missing status is a pending row.
                for (a, &c) in annotators.iter_mut().zip(st) {
                    match a.by_status.get_mut(c as usize) {
                        Some(x) => *x += n as usize,
                        None => a.pending += n as usize,
                    }
                }
            }
        });
    }
    documents.sort_unstable_by_key(|d| d.0);
    let mut disagreement_units: Vec<u32> =
        documents.iter().flat_map(|d| d.2.iter().copied()).collect();
    if !grouped {
        disagreement_units.sort_unstable();
    }
    let documents: Vec<Document> = documents.into_iter().flat_map(|d| d.1).collect();
    let status_confusion = confusion
        .into_iter()
        .zip(&pairs)
        .map(|(counts, &(a, b))| Confusion { a, b, counts })
        .collect();

    let field =
        |name: &'static str, labels: &dyn Fn() -> &'a Labels, t: Tallies, seed: u64| -> Field {
            let q = t.used_categories();
            let summary = t.summary(q);
            // Without replicates there are no intervals and no need for every unit's labels.
            let intervals = if opts.bootstrap == 0 {
                None
            } else {
                metrics::bootstrap(labels(), opts.bootstrap, seed, q)
            };
            Field {
                name,
                units_answered: t.answered_units(),
                units_pairable: t.pairable_units(),
                units_complete: t.complete_units(),
                categories: q,
                summary,
                intervals,
                pair_units: pairs.iter().map(|&(i, j)| t.pair_units(i, j)).collect(),
                pair_agreement: pairs.iter().map(|&(i, j)| t.pair_observed(i, j)).collect(),
            }
        };
    let fields = vec![
        field("status", &|| &coded.labels().0, status.finish(), opts.seed),
        field(
            "speaker",
            &|| &coded.labels().1,
            speaker.finish(),
            opts.seed.wrapping_add(1),
        ),
    ];

    let shown = if opts.limit == 0 {
        disagreement_units.len()
    } else {
        opts.limit.min(disagreement_units.len())
    };
    let disagreements = disagreement_units[..shown]
        .iter()
        .map(|&u| disagreement(tables, al, coded, u as usize))
        .collect();

    Report {
        annotators,
        units: n,
        aligned_by_overlap,
        unaligned,
        warnings,
        speaker_match: opts.speaker_match,
        bootstrap: opts.bootstrap,
        seed: opts.seed,
        limit: opts.limit,
        fields,
        status_confusion,
        documents,
        disagreements_total: disagreement_units.len(),
        disagreement_units,
        disagreements,
        unanimous,
    }
}

/// Each unit's document, numbered in order of first appearance, the documents' names, and
/// where each document's units start among the units grouped by document (one past the last
/// document: the number of units), and whether every document's units come one after another.
/// A document is known by its anchor's table and document id, so that names are compared once
/// per document rather than per unit.
fn documents_of_units<'a>(
    tables: &'a [Table],
    al: &Alignment,
) -> (std::borrow::Cow<'a, [u32]>, Vec<&'a str>, Vec<usize>, bool) {
    let n = al.units();
    let count = |doc_of_unit: &[u32], docs: usize| {
        let mut start = vec![0usize; docs + 1];
        for &d in doc_of_unit {
            start[d as usize + 1] += 1;
        }
        for d in 0..docs {
            start[d + 1] += start[d];
        }
        start
    };
    if al.identity
        && let Some(t) = tables.first()
    {
        // Unit u is the first copy's row u, whose document ids are numbered in order of first
        // appearance already (checked here).
        // In one pass: the check, whether documents come one after another, and how many
        // units each has.
        let doc = &t.extracted().doc[..n];
        let docs = t.docs.len();
        let mut start = vec![0usize; docs + 1];
        let (mut next, mut prev) = (0u32, 0u32);
        let (mut in_order, mut grouped) = (true, true);
        for &d in doc {
            if d == next {
                next += 1;
            }
            if d >= next {
                in_order = false;
                break;
            }
            grouped &= d >= prev;
            prev = d;
            start[d as usize + 1] += 1;
        }
        if in_order && next as usize == docs {
            for d in 0..docs {
                start[d + 1] += start[d];
            }
            let names = t.docs.iter().collect();
            return (std::borrow::Cow::Borrowed(doc), names, start, grouped);
        }
    }
    let mut doc_of_unit: Vec<u32> = Vec::with_capacity(n);
    let mut doc_names: Vec<&str> = Vec::new();
    let mut by_name: HashMap<&str, u32> = HashMap::new();
    let mut known: Vec<Vec<u32>> = tables
        .iter()
        .map(|t| vec![u32::MAX; t.docs.len()])
        .collect();
    for u in 0..n {
        let (f, r) = al.anchor(u);
        let d = tables[f].extracted().doc[r];
        let g = &mut known[f][d as usize];
        if *g == u32::MAX {
            let name = tables[f].docs.get(d);
            *g = *by_name.entry(name).or_insert_with(|| {
                doc_names.push(name);
                (doc_names.len() - 1) as u32
            });
        }
        doc_of_unit.push(*g);
    }
    let start = count(&doc_of_unit, doc_names.len());
    let grouped = doc_of_unit.windows(2).all(|w| w[0] <= w[1]);
    (
        std::borrow::Cow::Owned(doc_of_unit),
        doc_names,
        start,
        grouped,
    )
}

/// The disagreement on unit `u`: what differs and every annotator's answer.
pub fn disagreement(tables: &[Table], al: &Alignment, coded: &Coded, u: usize) -> Disagreement {
    let (mut st, mut sp) = (Vec::new(), Vec::new());
    coded.unit_codes(u, &mut st, &mut sp);
    let differs = |l: &[u32]| {
        let mut seen = MISSING;
        l.iter().any(|&c| {
            if c == MISSING {
                return false;
            }
            if seen == MISSING {
                seen = c;
                false
            } else {
                c != seen
            }
        })
    };
    let mut fields = Vec::new();
    if differs(&st) {
        fields.push("status");
    }
    if differs(&sp) {
        fields.push("speaker");
    }
    let (f, r) = al.anchor(u);
    let t = &tables[f];
    let answers: Vec<Answer> = al
        .unit(u)
        .iter()
        .enumerate()
        .map(|(g, row)| answer(tables, g, row))
        .collect();
    Disagreement {
        quote_id: t.quote_id(r).into_owned(),
        doc_id: t.docs.get(t.extracted().doc[r]).to_string(),
        quote: t.quote(r).into_owned(),
        fields,
        majority_speaker: majority_speaker(&sp, &answers),
        answers,
    }
}

/// The most common speaker key of a unit (`codes`, one per annotator), as the first annotator
/// who gave it wrote it.
pub fn majority_speaker(codes: &[u32], answers: &[Answer]) -> Option<String> {
    let (key, _) = majority(codes)?;
    codes
        .iter()
        .position(|&c| c == key)
        .and_then(|i| answers[i].speaker.clone())
}

/// Percent agreement without the per-category tallies (for fields with many categories), over
/// units added one by one as their labels.
#[derive(Default)]
struct PercentAgreement {
    sum: f64,
    count: u64,
}

impl PercentAgreement {
    #[inline]
    fn add(&mut self, x: &[u32]) {
        let mut m = 0;
        let mut same = 0;
        for (i, &a) in x.iter().enumerate() {
            if a == MISSING {
                continue;
            }
            m += 1;
            same += x[i + 1..].iter().filter(|&&b| b == a).count();
        }
        if m < 2 {
            return;
        }
        self.sum += same as f64 / (m * (m - 1) / 2) as f64;
        self.count += 1;
    }

    /// [`PercentAgreement::add`] for a unit every one of two or more annotators gave the same
    /// label.
    #[inline]
    fn add_full(&mut self) {
        self.sum += 1.0;
        self.count += 1;
    }

    fn coef(&self) -> Coef {
        if self.count == 0 {
            Coef::Undefined("no unit has answers from two annotators")
        } else {
            Coef::Value(self.sum / self.count as f64)
        }
    }
}

/// Display names of the status confusion rows and columns.
pub const CONFUSION_LABELS: [&str; 5] = ["confirmed", "corrected", "rejected", "flagged", "none"];

/// The human-readable lists are cut to `limit` entries (0 = all).
pub fn limited<T>(items: &[T], limit: usize) -> &[T] {
    if limit == 0 || items.len() <= limit {
        items
    } else {
        &items[..limit]
    }
}

/// Documents sorted for display: lowest share of unanimous units first, documents without an
/// agreement figure (no unit answered twice) last. Only the first
/// `r.limit` (when not 0) are put in order: the rest are not shown.
pub fn documents_worst_first(r: &Report) -> Vec<&Document> {
    let mut d: Vec<&Document> = r.documents.iter().collect();
    // A document without a single unit answered twice has no agreement figure at all (no one
    // has reviewed it yet): it goes after every document that has one, not first for its
    // zero unanimous units.
    let order = |a: &&Document, b: &&Document| {
        let sa = a.unanimous as f64 / a.units.max(1) as f64;
        let sb = b.unanimous as f64 / b.units.max(1) as f64;
        let ua = a.status_agreement.value().is_none();
        let ub = b.status_agreement.value().is_none();
        ua.cmp(&ub)
            .then(sa.total_cmp(&sb))
            .then(a.doc_id.cmp(&b.doc_id))
    };
    if r.limit > 0 && r.limit < d.len() {
        d.select_nth_unstable_by(r.limit - 1, order);
        d[..r.limit].sort_by(order);
    } else {
        d.sort_by(order);
    }
    d
}

/// A number with three decimals, or the reason it is undefined.
pub fn fmt_coef(c: &Coef) -> String {
    match c {
        Coef::Value(v) => format!("{v:.3}"),
        Coef::Undefined(_) => "undefined".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_index_follows_the_order_of_pairs() {
        for k in 2..7 {
            for (p, &(a, b)) in metrics::pairs(k).iter().enumerate() {
                assert_eq!(pair_index(a, b, k), p, "k={k} pair ({a}, {b})");
            }
        }
    }

    fn table(body: &str) -> Table {
        let s = format!("quote_id,doc_id,quote,start,end,speaker,status,reviewed_speaker\n{body}");
        crate::agree::read::read_csv_table(s.as_bytes(), std::path::Path::new("t.csv")).unwrap()
    }

    #[test]
    fn codes_worked_out_per_unit_agree_with_the_labels() {
        let a = table("x,d,q,0,5,Ann,confirmed,\ny,d,r,6,9,Bo,corrected,Cy\nz,d,s,10,12,Di,,\n");
        let same = table(
            "x,d,q,0,5,Ann,rejected,\ny,d,r,6,9,Bo,confirmed,\nz,d,s,10,12,Di,corrected,ann\n",
        );
        let other = table("y,d,r,6,9,Bo,flagged,\nw,e,t,0,3,Ed,confirmed,\n");
        for tables in [vec![a.clone(), same], vec![a, other]] {
            let al = crate::agree::align::align(&tables);
            assert_eq!(al.identity, tables[1].len() == 3);
            let coded = Coded::new(&tables, &al, SpeakerMatch::Normalized);
            let (st_labels, sp_labels) = coded.labels();
            let (mut st, mut sp) = (Vec::new(), Vec::new());
            for u in 0..al.units() {
                coded.unit_codes(u, &mut st, &mut sp);
                assert_eq!(st, st_labels.unit(u));
                assert_eq!(sp, sp_labels.unit(u));
                assert_eq!(coded.speaker_codes(u), sp);
                let outs = coded.unit_outcomes(u);
                assert_eq!(
                    Coded::unanimous(&st, &sp),
                    majority(&outs).is_some_and(|m| m.1 >= 1.0)
                );
            }
            // Status counts, whether counted per row or from the units' combinations.
            let opts = Options {
                speaker_match: SpeakerMatch::Normalized,
                bootstrap: 0,
                seed: 1,
                limit: 0,
            };
            let names: Vec<String> = vec!["a".into(), "b".into()];
            let rep = build(&tables, &names, &al, &coded, &opts);
            for (a, t) in rep.annotators.iter().zip(&tables) {
                let count = |c: u8| t.status.iter().filter(|&&s| s == c).count();
                assert_eq!(a.pending, count(0));
                assert_eq!(a.by_status, [count(1), count(2), count(3), count(4)]);
            }
        }
    }

    #[test]
    fn par_vec2_fills_every_index_in_order() {
        for (len, chunk) in [(0, 4), (1, 4), (10, 3), (1000, 7), (4096, 4096)] {
            let (a, b) = par_vec2(len, chunk, |range, a, b| {
                for i in range {
                    a.push(i as u32);
                    b.push(i * 2);
                }
            });
            assert_eq!(a, (0..len as u32).collect::<Vec<_>>());
            assert_eq!(b, (0..len).map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    #[should_panic(expected = "a value for every index")]
    fn par_vec2_refuses_a_chunk_left_short() {
        par_vec2(10, 4, |range, a: &mut Fill<u8>, b: &mut Fill<u8>| {
            for _ in range.skip(1) {
                a.push(0);
                b.push(0);
            }
        });
    }
}
