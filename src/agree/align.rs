//! Lines the rows of several annotators' copies up into units (one unit = one quote).
//!
//! Rows with the same `quote_id` form a unit. Rows left over — present in only some copies,
//! because an annotator added a quote the extractor missed or the copies come from different
//! extraction runs — are then paired across copies when they are in the same document and their
//! spans overlap: pairs with the largest overlap (intersection over union of the spans) first,
//! ties broken by the similarity of the quote texts. A unit never takes two rows of one copy.
//! Whatever is still in only some copies stays a unit of its own and is reported.

use std::collections::HashMap;

use rayon::prelude::*;
use similar::TextDiff;

use super::read::Table;

/// Marks a copy without a row in a unit.
pub const NO_ROW: u32 = u32::MAX;

/// How a unit was formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlignedBy {
    /// Its rows share a quote id (or it is in one copy only).
    Id,
    /// Rows with different ids were paired by span overlap.
    Overlap,
}

#[derive(Debug, Clone)]
pub struct Alignment {
    /// Number of copies.
    pub copies: usize,
    /// units × copies row indices ([`NO_ROW`] where a copy has none); empty when
    /// [`Alignment::identity`] (unit u is then row u of every copy, nothing to keep).
    rows: Vec<u32>,
    /// How each unit was formed; empty when [`Alignment::identity`] (every unit by id).
    how: Vec<AlignedBy>,
    /// Number of units.
    units: usize,
    /// Rows whose quote id matches the first copy holding it while their predicted speaker or
    /// quote text differ, per copy: a sign of different extraction runs.
    pub changed_predictions: Vec<usize>,
    /// Whether unit u is row u of every copy (the usual case: the copies have the same ids in
    /// the same order).
    pub identity: bool,
}

/// The rows of a unit, one per copy ([`NO_ROW`] where a copy has none).
#[derive(Debug, Clone, Copy)]
pub struct Unit<'a> {
    /// The rows, or empty when every copy has row `same`.
    rows: &'a [u32],
    same: u32,
    copies: usize,
}

impl<'a> Unit<'a> {
    pub fn len(&self) -> usize {
        self.copies
    }
    pub fn is_empty(&self) -> bool {
        self.copies == 0
    }
    /// Copy `f`'s row.
    #[inline]
    pub fn get(&self, f: usize) -> u32 {
        if self.rows.is_empty() {
            assert!(f < self.copies, "copy {f} of {}", self.copies);
            self.same
        } else {
            self.rows[f]
        }
    }
    /// Each copy's row, in copy order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        let u = *self;
        (0..u.copies).map(move |f| u.get(f))
    }
}

impl Alignment {
    pub fn units(&self) -> usize {
        self.units
    }
    pub fn unit(&self, u: usize) -> Unit<'_> {
        if self.identity {
            assert!(u < self.units, "unit {u} of {}", self.units);
            Unit {
                rows: &[],
                same: u as u32,
                copies: self.copies,
            }
        } else {
            Unit {
                rows: &self.rows[u * self.copies..(u + 1) * self.copies],
                same: 0,
                copies: self.copies,
            }
        }
    }
    /// Copy `f`'s row in unit `u`.
    #[inline]
    pub fn row(&self, u: usize, f: usize) -> u32 {
        if self.identity {
            u as u32
        } else {
            self.rows[u * self.copies + f]
        }
    }
    /// How unit `u` was formed.
    pub fn how(&self, u: usize) -> AlignedBy {
        if self.identity {
            AlignedBy::Id
        } else {
            self.how[u]
        }
    }
    /// The copy and row a unit is described by: its row in the first copy that has one.
    pub fn anchor(&self, u: usize) -> (usize, usize) {
        self.unit(u)
            .iter()
            .enumerate()
            .find(|(_, r)| *r != NO_ROW)
            .map(|(f, r)| (f, r as usize))
            .unwrap_or((0, 0))
    }
    /// Whether every copy has a row in the unit.
    pub fn is_complete(&self, u: usize) -> bool {
        self.identity || self.unit(u).iter().all(|r| r != NO_ROW)
    }
}

/// Aligns the copies. Units come in the order of their anchor (copy, then row), so the first
/// copy's rows keep their order and rows only later copies have follow.
pub fn align(tables: &[Table]) -> Alignment {
    let k = tables.len();
    // The usual case: every copy has the same ids in the same order.
    if tables.windows(2).all(|w| w[0].same_ids(&w[1])) {
        let n = tables.first().map_or(0, Table::len);
        let mut a = Alignment {
            copies: k,
            rows: Vec::new(),
            how: Vec::new(),
            units: n,
            changed_predictions: vec![0; k],
            identity: true,
        };
        count_changed(tables, &mut a);
        return a;
    }

    let mut used: Vec<Vec<bool>> = tables.iter().map(|t| vec![false; t.len()]).collect();
    let mut rows = Vec::new();
    let mut how = Vec::new();
    for f in 0..k {
        for r in 0..tables[f].len() {
            if used[f][r] {
                continue;
            }
            let mut unit = vec![NO_ROW; k];
            unit[f] = r as u32;
            let id = tables[f].quote_id(r);
            for g in f + 1..k {
                if let Some(rg) = tables[g].row_of(id.as_bytes())
                    && !used[g][rg]
                {
                    unit[g] = rg as u32;
                    used[g][rg] = true;
                }
            }
            rows.extend_from_slice(&unit);
            how.push(AlignedBy::Id);
        }
    }
    let mut a = Alignment {
        copies: k,
        rows,
        units: how.len(),
        how,
        changed_predictions: vec![0; k],
        identity: false,
    };
    count_changed(tables, &mut a);
    pair_by_overlap(tables, &mut a);
    a
}

fn count_changed(tables: &[Table], a: &mut Alignment) {
    let k = a.copies;
    let al = &*a;
    // Predicted speakers by one numbering for all copies, so that units compare integers.
    let mut numbers: HashMap<&str, u32> = HashMap::new();
    let common: Vec<Vec<u32>> = tables
        .iter()
        .map(|t| {
            t.names
                .iter()
                .map(|n| {
                    let next = numbers.len() as u32;
                    *numbers.entry(n).or_insert(next)
                })
                .collect()
        })
        .collect();
    if al.identity
        && tables
            .iter()
            .all(|t| std::ptr::eq(t.extracted(), tables[0].extracted()))
    {
        // Every copy shares the first copy's columns (and its numbering of names): nothing
        // differs.
        a.changed_predictions = vec![0; k];
        return;
    }
    a.changed_predictions = (0..al.units())
        .into_par_iter()
        .fold(
            || vec![0; k],
            |mut changed, u| {
                let (f0, r0) = al.anchor(u);
                let t0 = &tables[f0];
                for (g, rg) in al.unit(u).iter().enumerate() {
                    if g == f0 || rg == NO_ROW {
                        continue;
                    }
                    let tg = &tables[g];
                    let rg = rg as usize;
                    if t0.extracted().quote_hash[r0] != tg.extracted().quote_hash[rg]
                        || common[f0][t0.extracted().speaker[r0] as usize]
                            != common[g][tg.extracted().speaker[rg] as usize]
                    {
                        changed[g] += 1;
                    }
                }
                changed
            },
        )
        .reduce(
            || vec![0; k],
            |mut x, y| {
                for (a, b) in x.iter_mut().zip(y) {
                    *a += b;
                }
                x
            },
        );
}

/// A unit that some copies lack, as a candidate for pairing.
struct Partial {
    unit: usize,
    start: usize,
    end: usize,
    files: u64,
}

fn pair_by_overlap(tables: &[Table], a: &mut Alignment) {
    let k = a.copies;
    if k > 64 {
        // File sets are bit masks; more copies than that are only aligned by id.
        return;
    }
    let mut by_doc: HashMap<&str, Vec<Partial>> = HashMap::new();
    for u in 0..a.units() {
        if a.is_complete(u) {
            continue;
        }
        let (f, r) = a.anchor(u);
        let t = &tables[f];
        let files = a
            .unit(u)
            .iter()
            .enumerate()
            .filter(|(_, r)| *r != NO_ROW)
            .fold(0u64, |m, (g, _)| m | 1 << g);
        by_doc
            .entry(t.docs.get(t.extracted().doc[r]))
            .or_default()
            .push(Partial {
                unit: u,
                start: t.extracted().start.get(r),
                end: t.extracted().end.get(r),
                files,
            });
    }
    // unit → the unit it was merged into
    let mut parent: Vec<usize> = (0..a.units()).collect();
    let mut files: HashMap<usize, u64> = HashMap::new();
    let mut docs: Vec<_> = by_doc.into_iter().collect();
    docs.sort_by(|x, y| x.0.cmp(y.0));
    for (_, mut ps) in docs {
        if ps.len() < 2 {
            continue;
        }
        ps.sort_by_key(|p| (p.start, p.end, p.unit));
        let mut cands: Vec<(f64, f64, usize, usize)> = Vec::new();
        for i in 0..ps.len() {
            for j in i + 1..ps.len() {
                let (p, q) = (&ps[i], &ps[j]);
                if q.start >= p.end.max(p.start + 1) && !(q.start == p.start && q.end == p.end) {
                    // Sorted by start: no later unit can overlap `p` either.
                    break;
                }
                if p.files & q.files != 0 {
                    continue;
                }
                let inter = p.end.min(q.end).saturating_sub(p.start.max(q.start));
                let union = p.end.max(q.end) - p.start.min(q.start);
                let iou = if union == 0 {
                    1.0
                } else {
                    inter as f64 / union as f64
                };
                if iou <= 0.0 {
                    continue;
                }
                let sim = similarity(tables, a, p.unit, q.unit);
                cands.push((iou, sim, p.unit.min(q.unit), p.unit.max(q.unit)));
            }
        }
        cands.sort_by(|x, y| {
            y.0.total_cmp(&x.0)
                .then(y.1.total_cmp(&x.1))
                .then(x.2.cmp(&y.2))
                .then(x.3.cmp(&y.3))
        });
        for p in &ps {
            files.insert(p.unit, p.files);
        }
        for (_, _, u, v) in cands {
            let (ru, rv) = (root(&mut parent, u), root(&mut parent, v));
            if ru == rv {
                continue;
            }
            let (fu, fv) = (files[&ru], files[&rv]);
            if fu & fv != 0 {
                continue;
            }
            let (keep, gone) = (ru.min(rv), ru.max(rv));
            parent[gone] = keep;
            files.insert(keep, fu | fv);
            for f in 0..k {
                let r = a.rows[gone * k + f];
                if r != NO_ROW {
                    a.rows[keep * k + f] = r;
                    a.rows[gone * k + f] = NO_ROW;
                }
            }
            a.how[keep] = AlignedBy::Overlap;
        }
    }
    // Drop the units that were merged away (they have no rows left).
    let mut w = 0;
    for u in 0..a.units() {
        if a.unit(u).iter().all(|r| r == NO_ROW) {
            continue;
        }
        if w != u {
            for f in 0..k {
                a.rows[w * k + f] = a.rows[u * k + f];
            }
            a.how[w] = a.how[u];
        }
        w += 1;
    }
    a.rows.truncate(w * k);
    a.how.truncate(w);
    a.units = w;
}

fn root(parent: &mut [usize], mut u: usize) -> usize {
    while parent[u] != u {
        parent[u] = parent[parent[u]];
        u = parent[u];
    }
    u
}

/// Similarity (0–1) of two units' quote texts.
fn similarity(tables: &[Table], a: &Alignment, u: usize, v: usize) -> f64 {
    let (fu, ru) = a.anchor(u);
    let (fv, rv) = a.anchor(v);
    let x = tables[fu].quote(ru);
    let y = tables[fv].quote(rv);
    if x == y {
        return 1.0;
    }
    TextDiff::from_chars(x.as_ref(), y.as_ref()).ratio() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agree::read::read_csv_table;
    use std::path::Path;

    fn table(rows: &[(&str, &str, usize, usize, &str)]) -> Table {
        let mut s = String::from("quote_id,doc_id,quote,start,end\n");
        for (id, doc, s0, e0, q) in rows {
            s.push_str(&format!("{id},{doc},{q},{s0},{e0}\n"));
        }
        read_csv_table(s.as_bytes(), Path::new("t.csv")).unwrap()
    }

    fn ids(tables: &[Table], a: &Alignment) -> Vec<Vec<String>> {
        (0..a.units())
            .map(|u| {
                a.unit(u)
                    .iter()
                    .enumerate()
                    .map(|(f, r)| {
                        if r == NO_ROW {
                            "-".to_string()
                        } else {
                            tables[f].quote_id(r as usize).into_owned()
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn identical_ids_align_row_by_row() {
        let a = table(&[("x", "d", 0, 5, "q"), ("y", "d", 6, 9, "r")]);
        let b = a.clone();
        let al = align(&[a, b]);
        assert!(al.identity);
        assert_eq!(al.units(), 2);
        assert_eq!(al.unit(1).iter().collect::<Vec<_>>(), vec![1, 1]);
        assert_eq!(al.row(0, 1), 0);
        assert_eq!(al.changed_predictions, vec![0, 0]);
    }

    #[test]
    fn ids_then_overlap_then_leftovers() {
        let a = table(&[
            ("x", "d", 0, 10, "alpha beta"),
            ("y", "d", 20, 30, "gamma delta"),
            ("lonely", "e", 0, 4, "solo"),
        ]);
        let b = table(&[
            ("y", "d", 20, 30, "gamma delta"),
            ("x2", "d", 1, 10, "lpha beta"),
            ("z", "d", 40, 50, "far away"),
        ]);
        let c = table(&[
            ("x", "d", 0, 10, "alpha beta"),
            ("x3", "d", 0, 9, "alpha bet"),
        ]);
        let tables = [a, b, c];
        let al = align(&tables);
        assert_eq!(
            ids(&tables, &al),
            vec![
                vec!["x", "x2", "x"],
                vec!["y", "y", "-"],
                vec!["lonely", "-", "-"],
                vec!["-", "z", "-"],
                vec!["-", "-", "x3"],
            ]
        );
        assert_eq!(al.how[0], AlignedBy::Overlap);
        assert_eq!(al.how[1], AlignedBy::Id);
    }

    #[test]
    fn similarity_breaks_ties() {
        let a = table(&[("a1", "d", 0, 10, "the bridge will reopen")]);
        let b = table(&[
            ("b1", "d", 0, 10, "something else entirely"),
            ("b2", "d", 0, 10, "the bridge will reopen!"),
        ]);
        let tables = [a, b];
        let al = align(&tables);
        assert_eq!(ids(&tables, &al), vec![vec!["a1", "b2"], vec!["-", "b1"]]);
    }

    #[test]
    fn different_predictions_are_counted() {
        let a = table(&[("x", "d", 0, 5, "q")]);
        let b = table(&[("x", "d", 0, 5, "other"), ("w", "d", 9, 12, "w")]);
        let al = align(&[a, b]);
        assert_eq!(al.changed_predictions, vec![0, 1]);
    }
}
