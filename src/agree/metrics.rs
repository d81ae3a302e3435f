//! Agreement coefficients for nominal labels with missing data.
//!
//! Everything is computed from integer [`Tallies`] over units (a unit is one quote; each coder
//! gives it at most one label). Integer tallies make the result independent of the order units
//! are visited in (so parallel runs print the same digits as serial ones) and make a bootstrap
//! replicate nothing more than the same tallies with every unit weighted by how often it was
//! drawn.
//!
//! Definitions (n_uc = how many coders gave unit u category c, m_u = Σ_c n_uc):
//! - percent agreement: the mean over units with m_u ≥ 2 of the share of coder pairs that agree,
//!   Σ_c n_uc(n_uc−1) / (m_u(m_u−1)). With two coders this is the plain share of equal answers.
//! - Cohen's kappa (per pair of coders, units both answered): (p_o − p_e)/(1 − p_e), p_e from the
//!   two coders' own marginals.
//! - Fleiss' kappa: on the units every coder answered (it needs the same number of answers per
//!   unit; the others are left out and counted).
//! - Krippendorff's alpha (nominal): 1 − (n−1)(n − Σ_c o_cc)/(n² − Σ_c n_c²) from the
//!   coincidence matrix of pairable values (units with m_u ≥ 2).
//! - Gwet's AC1: (p_a − p_e)/(1 − p_e) with p_a the percent agreement above and
//!   p_e = Σ_c π_c(1−π_c)/(q−1), π_c the mean over units with an answer of n_uc/m_u, q the number
//!   of categories used anywhere in the data (as the irrCAC reference implementation does).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// The code of a missing label.
pub const MISSING: u32 = u32::MAX;

/// Labels of units × coders, row-major, coded 0..categories or [`MISSING`].
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    coders: usize,
    categories: usize,
    data: Vec<u32>,
}

impl Labels {
    pub fn new(coders: usize, categories: usize) -> Self {
        Labels {
            coders,
            categories,
            data: Vec::new(),
        }
    }

    pub fn with_capacity(coders: usize, categories: usize, units: usize) -> Self {
        Labels {
            coders,
            categories,
            data: Vec::with_capacity(coders * units),
        }
    }

    /// Labels from units × coders codes, each below `categories` or [`MISSING`].
    pub fn from_data(coders: usize, categories: usize, data: Vec<u32>) -> Self {
        debug_assert!(
            data.iter()
                .all(|&c| c == MISSING || (c as usize) < categories)
        );
        Labels {
            coders,
            categories,
            data,
        }
    }

    /// Builds labels from per-unit rows (`None` = missing); categories are 0..=max seen.
    pub fn from_rows(coders: usize, rows: &[Vec<Option<u32>>]) -> Self {
        let categories = rows
            .iter()
            .flatten()
            .flatten()
            .map(|&c| c as usize + 1)
            .max()
            .unwrap_or(0);
        let mut l = Labels::new(coders, categories);
        for r in rows {
            let codes: Vec<u32> = r.iter().map(|c| c.unwrap_or(MISSING)).collect();
            l.push_unit(&codes);
        }
        l
    }

    /// Appends one unit. `codes.len()` must equal the number of coders; codes at or above the
    /// number of categories widen it.
    pub fn push_unit(&mut self, codes: &[u32]) {
        debug_assert_eq!(codes.len(), self.coders);
        for &c in codes {
            if c != MISSING && c as usize >= self.categories {
                self.categories = c as usize + 1;
            }
        }
        self.data.extend_from_slice(codes);
    }

    pub fn coders(&self) -> usize {
        self.coders
    }
    pub fn categories(&self) -> usize {
        self.categories
    }
    pub fn units(&self) -> usize {
        self.data.len().checked_div(self.coders).unwrap_or(0)
    }
    pub fn unit(&self, i: usize) -> &[u32] {
        &self.data[i * self.coders..(i + 1) * self.coders]
    }

    /// Labels of a subset of units (for per-document figures).
    pub fn select(&self, units: &[usize]) -> Labels {
        let mut l = Labels::with_capacity(self.coders, self.categories, units.len());
        for &u in units {
            l.data.extend_from_slice(self.unit(u));
        }
        l
    }
}

/// A coefficient, or the reason it cannot be computed on this data.
#[derive(Debug, Clone, PartialEq)]
pub enum Coef {
    Value(f64),
    Undefined(&'static str),
}

impl Coef {
    fn undefined(reason: &'static str) -> Coef {
        Coef::Undefined(reason)
    }
    pub fn value(&self) -> Option<f64> {
        match self {
            Coef::Value(v) => Some(*v),
            Coef::Undefined(_) => None,
        }
    }
    pub fn reason(&self) -> Option<&str> {
        match self {
            Coef::Value(_) => None,
            Coef::Undefined(r) => Some(r),
        }
    }
    /// Guards against a non-finite result slipping through as a number.
    fn checked(v: f64, reason: &'static str) -> Coef {
        if v.is_finite() {
            Coef::Value(v)
        } else {
            Coef::undefined(reason)
        }
    }
}

const NO_PAIRS: &str = "no unit has answers from two annotators";
const ONE_CATEGORY: &str =
    "every answer is the same category, so chance agreement is 1 and the coefficient is 0/0";

/// Integer sums over (weighted) units from which every coefficient follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Tallies {
    coders: usize,
    categories: usize,
    /// Units by number of answers m (index 0..=coders).
    units_m: Vec<u64>,
    /// Σ_c n_uc(n_uc−1) over units with m answers.
    same_m: Vec<u64>,
    /// Σ n_uc over units with m answers: (coders+1) × categories.
    cat_m: Vec<u64>,
    /// Per pair of coders (i<j, in [`pair_index`] order): units both answered, of which equal.
    pair_n: Vec<u64>,
    pair_agree: Vec<u64>,
    /// Per pair, the first and second coder's category counts on the units both answered.
    pair_marg_a: Vec<u64>,
    pair_marg_b: Vec<u64>,
}

/// Units counted by their combination of answers, for data with few coders and categories:
/// each combination is then tallied once, weighted by its count (see
/// [`Tallies::add_combinations`]).
#[derive(Debug, Clone)]
pub struct Combinations {
    k: usize,
    v: usize,
    counts: Vec<u64>,
    /// Combinations with a count, in order of first appearance.
    touched: Vec<usize>,
}

impl Combinations {
    /// `None` when `coders` and `categories` make more than a few thousand combinations.
    pub fn new(coders: usize, categories: usize) -> Option<Combinations> {
        let n = (categories + 1)
            .checked_pow(coders as u32)
            .filter(|&c| c <= 4096)?;
        Some(Combinations {
            k: coders,
            v: categories,
            counts: vec![0; n],
            touched: Vec::new(),
        })
    }

    /// Counts one unit.
    #[inline]
    pub fn add(&mut self, unit: &[u32]) {
        let code = self.code(unit);
        self.add_code(code, 1);
    }

    /// The number of a unit's combination of answers.
    #[inline]
    pub fn code(&self, unit: &[u32]) -> usize {
        let v = self.v;
        unit.iter().rev().fold(0usize, |acc, &c| {
            acc * (v + 1) + if c == MISSING { 0 } else { c as usize + 1 }
        })
    }

    /// Counts `n` units with the combination numbered `code` (see [`Combinations::code`]).
    #[inline]
    pub fn add_code(&mut self, code: usize, n: u64) {
        if self.counts[code] == 0 {
            self.touched.push(code);
        }
        self.counts[code] += n;
    }

    /// Back to no units.
    pub fn clear(&mut self) {
        for &code in &self.touched {
            self.counts[code] = 0;
        }
        self.touched.clear();
    }

    /// Calls `f` with each combination counted (its answers) and its count, in order of first
    /// appearance.
    pub fn for_each(&self, mut f: impl FnMut(&[u32], u64)) {
        let (k, v) = (self.k, self.v);
        // Combinations are kept for a few coders only: room on the stack.
        let mut room = [MISSING; 16];
        let mut big = Vec::new();
        let unit: &mut [u32] = if k <= room.len() {
            &mut room[..k]
        } else {
            big.resize(k, MISSING);
            &mut big
        };
        for &code in &self.touched {
            let mut c = code;
            for x in unit.iter_mut() {
                let d = c % (v + 1);
                *x = if d == 0 { MISSING } else { d as u32 - 1 };
                c /= v + 1;
            }
            f(unit, self.counts[code]);
        }
    }
}

/// [`Tallies::add_unit`] on the tallies' arrays, passed one by one so that the compiler knows
/// they do not overlap and keeps them in registers.
#[allow(clippy::too_many_arguments)]
#[inline]
fn add_unit_to(
    codes: &[u32],
    weight: u64,
    v: usize,
    units_m: &mut [u64],
    same_m: &mut [u64],
    cat_m: &mut [u64],
    pair_n: &mut [u64],
    pair_agree: &mut [u64],
    pair_marg_a: &mut [u64],
    pair_marg_b: &mut [u64],
) {
    let k = codes.len();
    let mut m = 0usize;
    let mut same = 0u64;
    // Pairs in `pair_index` order.
    let mut p = 0;
    for (i, &a) in codes.iter().enumerate() {
        if a == MISSING {
            p += k - 1 - i;
            continue;
        }
        m += 1;
        for &b in &codes[i + 1..] {
            if b != MISSING {
                pair_n[p] += weight;
                if a == b {
                    pair_agree[p] += weight;
                    same += 2;
                }
                pair_marg_a[p * v + a as usize] += weight;
                pair_marg_b[p * v + b as usize] += weight;
            }
            p += 1;
        }
    }
    units_m[m] += weight;
    same_m[m] += same * weight;
    for &a in codes {
        if a != MISSING {
            cat_m[m * v + a as usize] += weight;
        }
    }
}

/// Sums units into [`Tallies`] cheaply. With few categories and coders (the status), units
/// are counted by their combination of answers, and each combination is tallied once with its
/// count as weight; with many (speakers), units where every coder gave the same category, the
/// usual unit, are counted by category and tallied once per category. Either way the integer
/// sums are those of adding every unit.
#[derive(Debug, Clone)]
pub struct Accumulator {
    tallies: Tallies,
    combos: Option<Combinations>,
    uniform: Vec<u64>,
}

impl Accumulator {
    pub fn new(coders: usize, categories: usize) -> Accumulator {
        let combos = Combinations::new(coders, categories);
        Accumulator {
            tallies: Tallies::new(coders, categories),
            uniform: if combos.is_some() {
                Vec::new()
            } else {
                vec![0; categories]
            },
            combos,
        }
    }

    /// Adds one unit.
    #[inline]
    pub fn add(&mut self, unit: &[u32]) {
        if let Some(c) = &mut self.combos {
            c.add(unit);
            return;
        }
        let a = unit[0];
        if a != MISSING && unit.iter().all(|&b| b == a) {
            self.uniform[a as usize] += 1;
        } else {
            self.tallies.add_unit(unit, 1);
        }
    }

    /// Adds the units counted in `combos` (for the same coders and categories).
    pub fn add_combinations(&mut self, combos: &Combinations) {
        if let Some(a) = &mut self.combos {
            for &code in &combos.touched {
                a.add_code(code, combos.counts[code]);
            }
            return;
        }
        combos.for_each(|unit, n| {
            for _ in 0..n {
                self.add(unit);
            }
        });
    }

    /// The units added so far by combination of answers, when counted that way.
    pub fn combinations(&self) -> Option<&Combinations> {
        self.combos.as_ref()
    }

    pub fn merge(&mut self, o: Accumulator) {
        self.tallies.merge(&o.tallies);
        for (x, y) in self.uniform.iter_mut().zip(&o.uniform) {
            *x += y;
        }
        if let (Some(a), Some(b)) = (&mut self.combos, &o.combos) {
            for &code in &b.touched {
                if a.counts[code] == 0 {
                    a.touched.push(code);
                }
                a.counts[code] += b.counts[code];
            }
        }
    }

    pub fn finish(mut self) -> Tallies {
        if let Some(c) = &mut self.combos {
            self.tallies.add_combinations(c);
        }
        let k = self.tallies.coders;
        let mut unit = vec![0; k];
        for (c, &n) in self.uniform.iter().enumerate() {
            if n > 0 {
                unit.fill(c as u32);
                self.tallies.add_unit(&unit, n);
            }
        }
        self.tallies
    }
}

/// Index of the pair (i, j), i < j, among all pairs of `coders` in row order.
pub fn pair_index(coders: usize, i: usize, j: usize) -> usize {
    debug_assert!(i < j && j < coders);
    i * (2 * coders - i - 1) / 2 + (j - i - 1)
}

/// All pairs (i, j), i < j, in [`pair_index`] order.
pub fn pairs(coders: usize) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    for i in 0..coders {
        for j in i + 1..coders {
            v.push((i, j));
        }
    }
    v
}

impl Tallies {
    pub fn new(coders: usize, categories: usize) -> Self {
        let p = coders * coders.saturating_sub(1) / 2;
        Tallies {
            coders,
            categories,
            units_m: vec![0; coders + 1],
            same_m: vec![0; coders + 1],
            cat_m: vec![0; (coders + 1) * categories],
            pair_n: vec![0; p],
            pair_agree: vec![0; p],
            pair_marg_a: vec![0; p * categories],
            pair_marg_b: vec![0; p * categories],
        }
    }

    /// Tallies of every unit, computed in fixed-size chunks in parallel (see [`Accumulator`]).
    pub fn of(labels: &Labels) -> Self {
        const CHUNK: usize = 1 << 14;
        let k = labels.coders;
        let v = labels.categories;
        if labels.units() == 0 || k == 0 {
            return Tallies::new(k, v);
        }
        labels
            .data
            .par_chunks(CHUNK * k)
            .fold(
                || Accumulator::new(k, v),
                |mut acc, chunk| {
                    for unit in chunk.chunks_exact(k) {
                        acc.add(unit);
                    }
                    acc
                },
            )
            .reduce(
                || Accumulator::new(k, v),
                |mut a, b| {
                    a.merge(b);
                    a
                },
            )
            .finish()
    }

    /// Adds units counted in `combos` (which is emptied).
    pub fn add_combinations(&mut self, combos: &mut Combinations) {
        combos.for_each(|unit, n| self.add_unit(unit, n));
        combos.clear();
    }

    /// The units counted in `combos` added to the sums that percent agreement and alpha are
    /// made of (not to the pairs' tallies); `combos` is left as it is.
    pub fn add_combination_sums(&mut self, combos: &Combinations) {
        let v = self.categories;
        combos.for_each(|unit, weight| {
            let mut m = 0usize;
            let mut same = 0u64;
            for (i, &a) in unit.iter().enumerate() {
                if a == MISSING {
                    continue;
                }
                m += 1;
                same += 2 * unit[i + 1..].iter().filter(|&&b| b == a).count() as u64;
            }
            self.units_m[m] += weight;
            self.same_m[m] += same * weight;
            for &a in unit {
                if a != MISSING {
                    self.cat_m[m * v + a as usize] += weight;
                }
            }
        });
    }

    /// Back to no units, keeping the room.
    pub fn clear(&mut self) {
        for v in [
            &mut self.units_m,
            &mut self.same_m,
            &mut self.cat_m,
            &mut self.pair_n,
            &mut self.pair_agree,
            &mut self.pair_marg_a,
            &mut self.pair_marg_b,
        ] {
            v.fill(0);
        }
    }

    /// Adds one unit `weight` times.
    pub fn add_unit(&mut self, codes: &[u32], weight: u64) {
        add_unit_to(
            codes,
            weight,
            self.categories,
            &mut self.units_m,
            &mut self.same_m,
            &mut self.cat_m,
            &mut self.pair_n,
            &mut self.pair_agree,
            &mut self.pair_marg_a,
            &mut self.pair_marg_b,
        );
    }

    pub fn merge(&mut self, o: &Tallies) {
        fn add(a: &mut [u64], b: &[u64]) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += *y;
            }
        }
        add(&mut self.units_m, &o.units_m);
        add(&mut self.same_m, &o.same_m);
        add(&mut self.cat_m, &o.cat_m);
        add(&mut self.pair_n, &o.pair_n);
        add(&mut self.pair_agree, &o.pair_agree);
        add(&mut self.pair_marg_a, &o.pair_marg_a);
        add(&mut self.pair_marg_b, &o.pair_marg_b);
    }

    /// Units with at least one answer.
    pub fn answered_units(&self) -> u64 {
        self.units_m[1..].iter().sum()
    }
    /// Units with at least two answers (the ones agreement is measured on).
    pub fn pairable_units(&self) -> u64 {
        self.units_m.get(2..).map_or(0, |s| s.iter().sum())
    }
    /// Units every coder answered.
    pub fn complete_units(&self) -> u64 {
        self.units_m[self.coders]
    }
    /// Categories used by at least one answer.
    pub fn used_categories(&self) -> usize {
        let v = self.categories;
        (0..v)
            .filter(|&c| (0..=self.coders).any(|m| self.cat_m[m * v + c] > 0))
            .count()
    }
    /// Units both coders of a pair answered.
    pub fn pair_units(&self, i: usize, j: usize) -> u64 {
        self.pair_n[pair_index(self.coders, i, j)]
    }

    pub fn percent_agreement(&self) -> Coef {
        let n2 = self.pairable_units();
        if n2 == 0 {
            return Coef::undefined(NO_PAIRS);
        }
        let mut s = 0.0;
        for m in 2..=self.coders {
            s += self.same_m[m] as f64 / (m * (m - 1)) as f64;
        }
        Coef::checked(s / n2 as f64, NO_PAIRS)
    }

    pub fn krippendorff_alpha(&self) -> Coef {
        let v = self.categories;
        let mut n = 0u64;
        let mut o_diag = 0.0;
        for m in 2..=self.coders {
            n += m as u64 * self.units_m[m];
            o_diag += self.same_m[m] as f64 / (m - 1) as f64;
        }
        if n == 0 {
            return Coef::undefined(NO_PAIRS);
        }
        let sum_sq: u128 = (0..v)
            .map(|c| {
                let x: u64 = (2..=self.coders).map(|m| self.cat_m[m * v + c]).sum();
                x as u128 * x as u128
            })
            .sum();
        let de = n as u128 * n as u128 - sum_sq;
        if de == 0 {
            return Coef::undefined(ONE_CATEGORY);
        }
        let nf = n as f64;
        Coef::checked(1.0 - (nf - 1.0) * (nf - o_diag) / de as f64, ONE_CATEGORY)
    }

    pub fn fleiss_kappa(&self) -> Coef {
        let k = self.coders;
        let v = self.categories;
        if k < 2 {
            return Coef::undefined("Fleiss' kappa needs at least two annotators");
        }
        let n = self.units_m[k];
        if n == 0 {
            return Coef::undefined("no unit was answered by every annotator");
        }
        let total = n as u128 * k as u128;
        let sum_sq: u128 = (0..v)
            .map(|c| {
                let x = self.cat_m[k * v + c] as u128;
                x * x
            })
            .sum();
        if sum_sq == total * total {
            return Coef::undefined(ONE_CATEGORY);
        }
        let p_bar = self.same_m[k] as f64 / (n as f64 * (k * (k - 1)) as f64);
        let pe = sum_sq as f64 / (total as f64 * total as f64);
        Coef::checked((p_bar - pe) / (1.0 - pe), ONE_CATEGORY)
    }

    /// Gwet's AC1 with `q` categories (use [`Tallies::used_categories`] of the full data, so that
    /// a bootstrap replicate keeps the same q).
    pub fn gwet_ac1(&self, q: usize) -> Coef {
        let pa = match self.percent_agreement() {
            Coef::Value(v) => v,
            u => return u,
        };
        if q < 2 {
            return Coef::undefined("only one category was used, so AC1's chance agreement is 0/0");
        }
        let v = self.categories;
        let n1 = self.answered_units() as f64;
        let mut pe = 0.0;
        for c in 0..v {
            let mut pi = 0.0;
            for m in 1..=self.coders {
                pi += self.cat_m[m * v + c] as f64 / m as f64;
            }
            let pi = pi / n1;
            pe += pi * (1.0 - pi);
        }
        let pe = pe / (q - 1) as f64;
        Coef::checked((pa - pe) / (1.0 - pe), "chance agreement is 1")
    }

    /// Share of the units both coders of a pair answered on which they agree.
    pub fn pair_observed(&self, i: usize, j: usize) -> Coef {
        let p = pair_index(self.coders, i, j);
        if self.pair_n[p] == 0 {
            return Coef::undefined("no unit was answered by both annotators");
        }
        Coef::Value(self.pair_agree[p] as f64 / self.pair_n[p] as f64)
    }

    pub fn cohen_kappa(&self, i: usize, j: usize) -> Coef {
        let p = pair_index(self.coders, i, j);
        let v = self.categories;
        let n = self.pair_n[p];
        if n == 0 {
            return Coef::undefined("no unit was answered by both annotators");
        }
        let cross: u128 = (0..v)
            .map(|c| self.pair_marg_a[p * v + c] as u128 * self.pair_marg_b[p * v + c] as u128)
            .sum();
        let nn = n as u128 * n as u128;
        if cross == nn {
            return Coef::undefined(
                "both annotators gave the same single answer throughout, so chance agreement is 1 and kappa is 0/0",
            );
        }
        let po = self.pair_agree[p] as f64 / n as f64;
        let pe = cross as f64 / nn as f64;
        Coef::checked((po - pe) / (1.0 - pe), ONE_CATEGORY)
    }

    /// Every coefficient at once.
    pub fn summary(&self, q: usize) -> Summary {
        Summary {
            percent_agreement: self.percent_agreement(),
            krippendorff_alpha: self.krippendorff_alpha(),
            fleiss_kappa: self.fleiss_kappa(),
            gwet_ac1: self.gwet_ac1(q),
            cohen_kappa: pairs(self.coders)
                .into_iter()
                .map(|(i, j)| self.cohen_kappa(i, j))
                .collect(),
        }
    }
}

/// The coefficients of one field.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub percent_agreement: Coef,
    pub krippendorff_alpha: Coef,
    pub fleiss_kappa: Coef,
    pub gwet_ac1: Coef,
    /// One per pair of coders, in [`pairs`] order.
    pub cohen_kappa: Vec<Coef>,
}

impl Summary {
    fn values(&self) -> Vec<Option<f64>> {
        let mut v = vec![
            self.percent_agreement.value(),
            self.krippendorff_alpha.value(),
            self.fleiss_kappa.value(),
            self.gwet_ac1.value(),
        ];
        v.extend(self.cohen_kappa.iter().map(Coef::value));
        v
    }
}

/// A percentile bootstrap 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
    /// Replicates in which the coefficient was undefined (left out of the percentiles).
    pub undefined_replicates: usize,
}

/// Intervals for a [`Summary`], in the same layout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Intervals {
    pub percent_agreement: Option<Interval>,
    pub krippendorff_alpha: Option<Interval>,
    pub fleiss_kappa: Option<Interval>,
    pub gwet_ac1: Option<Interval>,
    pub cohen_kappa: Vec<Option<Interval>>,
}

/// Percentile bootstrap over units: `replicates` resamples of the units with replacement, each
/// coefficient recomputed on each. Replicate `r` draws from its own generator seeded by
/// (`seed`, `r`), so the result does not depend on the number of threads. `None` when there are
/// fewer than two units or no replicates.
pub fn bootstrap(labels: &Labels, replicates: usize, seed: u64, q: usize) -> Option<Intervals> {
    let n = labels.units();
    if replicates == 0 || n < 2 {
        return None;
    }
    let k = labels.coders;
    // Units with the same labels are interchangeable: tally each distinct label tuple once,
    // weighted by how often it was drawn.
    let mut index: std::collections::HashMap<&[u32], u32, foldhash::fast::FixedState> =
        std::collections::HashMap::with_hasher(foldhash::fast::FixedState::with_seed(0));
    let mut patterns: Vec<&[u32]> = Vec::new();
    let mut pattern_of: Vec<u32> = Vec::with_capacity(n);
    for u in 0..n {
        let codes = labels.unit(u);
        let id = *index.entry(codes).or_insert_with(|| {
            patterns.push(codes);
            (patterns.len() - 1) as u32
        });
        pattern_of.push(id);
    }
    let rows: Vec<Vec<Option<f64>>> = (0..replicates)
        .into_par_iter()
        .map(|r| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(r as u64);
            let mut w = vec![0u64; patterns.len()];
            for _ in 0..n {
                let u = rng.random_range(0..n);
                w[pattern_of[u] as usize] += 1;
            }
            let mut t = Tallies::new(k, labels.categories);
            for (p, &c) in patterns.iter().zip(&w) {
                if c > 0 {
                    t.add_unit(p, c);
                }
            }
            t.summary(q).values()
        })
        .collect();
    let width = rows.first().map_or(0, Vec::len);
    let mut out: Vec<Option<Interval>> = Vec::with_capacity(width);
    for col in 0..width {
        let mut vals: Vec<f64> = rows.iter().filter_map(|r| r[col]).collect();
        let undefined = replicates - vals.len();
        if vals.is_empty() {
            out.push(None);
            continue;
        }
        vals.sort_by(f64::total_cmp);
        out.push(Some(Interval {
            low: quantile(&vals, 0.025),
            high: quantile(&vals, 0.975),
            undefined_replicates: undefined,
        }));
    }
    let mut it = out.into_iter();
    Some(Intervals {
        percent_agreement: it.next().flatten(),
        krippendorff_alpha: it.next().flatten(),
        fleiss_kappa: it.next().flatten(),
        gwet_ac1: it.next().flatten(),
        cohen_kappa: it.collect(),
    })
}

/// Quantile of sorted values with linear interpolation between order statistics (numpy's
/// default), so intervals can be checked against other tools.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(c: &Coef, want: f64, tol: f64) {
        let v = c.value().unwrap_or_else(|| panic!("undefined: {c:?}"));
        assert!((v - want).abs() <= tol, "got {v}, want {want}");
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
    /// observers, twelve units, values 1–5, missing data.
    fn krippendorff_example() -> Labels {
        let x = None;
        let obs: [[Option<u32>; 12]; 4] = [
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                x,
                x,
                x,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                x,
                Some(3),
            ],
            [
                x,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                x,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                x,
            ],
        ];
        let rows: Vec<Vec<Option<u32>>> = (0..12)
            .map(|u| (0..4).map(|c| obs[c][u].map(|v| v - 1)).collect())
            .collect();
        Labels::from_rows(4, &rows)
    }

    #[test]
    fn krippendorff_published_example() {
        let l = krippendorff_example();
        let t = Tallies::of(&l);
        // The paper gives 0.743 (0.74342 to five places).
        close(&t.krippendorff_alpha(), 0.743, 5e-4);
        close(&t.krippendorff_alpha(), 0.743_421, 1e-4);
        // Unit 12 has one value only and is not pairable.
        assert_eq!(t.pairable_units(), 11);
    }

    /// Wikipedia, "Cohen's kappa", worked example: 50 proposals, Yes/Yes 20, Yes/No 5,
    /// No/Yes 10, No/No 15 → κ = 0.40.
    fn cohen_example() -> Labels {
        let mut rows = Vec::new();
        for (a, b, n) in [(0, 0, 20), (0, 1, 5), (1, 0, 10), (1, 1, 15)] {
            for _ in 0..n {
                rows.push(vec![Some(a), Some(b)]);
            }
        }
        Labels::from_rows(2, &rows)
    }

    #[test]
    fn cohen_published_example() {
        let t = Tallies::of(&cohen_example());
        close(&t.cohen_kappa(0, 1), 0.40, 1e-9);
        close(&t.percent_agreement(), 0.70, 1e-12);
        // Two coders without missing data: Fleiss' kappa uses pooled marginals (Scott's pi),
        // and alpha is pi with a small-sample correction.
        close(&t.fleiss_kappa(), (0.70 - 0.505) / 0.495, 1e-12);
        // AC1 by hand: π_yes = (0.5 + 0.6)/2 = 0.55, p_e = 2·0.55·0.45 = 0.495.
        close(&t.gwet_ac1(2), (0.70 - 0.495) / (1.0 - 0.495), 1e-12);
    }

    /// Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
    fn fleiss_example() -> Labels {
        let table = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let rows: Vec<Vec<Option<u32>>> = table
            .iter()
            .map(|counts| {
                counts
                    .iter()
                    .enumerate()
                    .flat_map(|(c, &n)| std::iter::repeat_n(Some(c as u32), n))
                    .collect()
            })
            .collect();
        Labels::from_rows(14, &rows)
    }

    #[test]
    fn fleiss_published_example() {
        let t = Tallies::of(&fleiss_example());
        close(&t.fleiss_kappa(), 0.210, 5e-4);
        // P̄ = 0.378, P̄e = 0.2133 (Wikipedia): κ = 0.20993.
        close(&t.fleiss_kappa(), 0.209_931, 1e-4);
        close(&t.percent_agreement(), 0.378_022, 1e-6);
    }

    #[test]
    fn degenerate_data_is_undefined_never_nan() {
        // One category everywhere.
        let rows = vec![vec![Some(0), Some(0)]; 5];
        let t = Tallies::of(&Labels::from_rows(2, &rows));
        let s = t.summary(t.used_categories());
        close(&s.percent_agreement, 1.0, 0.0);
        assert!(s.krippendorff_alpha.reason().is_some());
        assert!(s.fleiss_kappa.reason().is_some());
        assert!(s.cohen_kappa[0].reason().is_some());
        assert!(s.gwet_ac1.reason().is_some());
        // No overlap.
        let rows = vec![vec![Some(0), None], vec![None, Some(1)]];
        let t = Tallies::of(&Labels::from_rows(2, &rows));
        let s = t.summary(2);
        for c in [
            &s.percent_agreement,
            &s.krippendorff_alpha,
            &s.fleiss_kappa,
            &s.gwet_ac1,
            &s.cohen_kappa[0],
        ] {
            assert!(c.reason().is_some(), "{c:?}");
        }
        // No units at all.
        let t = Tallies::of(&Labels::new(3, 0));
        assert!(t.summary(0).krippendorff_alpha.reason().is_some());
        // One unit with different answers is defined (and intervals are not).
        let l = Labels::from_rows(2, &[vec![Some(0), Some(1)]]);
        let t = Tallies::of(&l);
        close(&t.krippendorff_alpha(), 0.0, 1e-12);
        assert!(bootstrap(&l, 100, 1, 2).is_none());
    }

    /// Alpha straight from the coincidence matrix, as the paper computes it.
    fn alpha_by_coincidences(l: &Labels) -> Option<f64> {
        let v = l.categories();
        let mut o = vec![vec![0.0; v]; v];
        for u in 0..l.units() {
            let vals: Vec<u32> = l
                .unit(u)
                .iter()
                .copied()
                .filter(|&c| c != MISSING)
                .collect();
            let m = vals.len();
            if m < 2 {
                continue;
            }
            for i in 0..m {
                for j in 0..m {
                    if i != j {
                        o[vals[i] as usize][vals[j] as usize] += 1.0 / (m as f64 - 1.0);
                    }
                }
            }
        }
        let nc: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
        let n: f64 = nc.iter().sum();
        let mut d_o = 0.0;
        let mut d_e = 0.0;
        for c in 0..v {
            for k in 0..v {
                if c != k {
                    d_o += o[c][k];
                    d_e += nc[c] * nc[k];
                }
            }
        }
        if n < 2.0 || d_e == 0.0 {
            return None;
        }
        Some(1.0 - (n - 1.0) * d_o / d_e)
    }

    fn arb_labels() -> impl Strategy<Value = Labels> {
        (2usize..5, 1u32..5).prop_flat_map(|(k, v)| {
            proptest::collection::vec(
                proptest::collection::vec(proptest::option::weighted(0.8, 0..v), k),
                0..40,
            )
            .prop_map(move |rows| Labels::from_rows(k, &rows))
        })
    }

    proptest! {
        #[test]
        fn tallies_of_combinations_are_the_sum_over_units(l in arb_labels(), wide in any::<bool>()) {
            // `wide` makes too many combinations to count, for the other path.
            let l = if wide { Labels::from_data(l.coders(), 5000, l.data.clone()) } else { l };
            let mut t = Tallies::new(l.coders(), l.categories());
            for u in 0..l.units() {
                t.add_unit(l.unit(u), 1);
            }
            prop_assert_eq!(Tallies::of(&l), t);
        }

        #[test]
        fn units_counted_by_combination_add_up_as_units(l in arb_labels(), split in 0usize..40) {
            let (k, v) = (l.coders(), l.categories());
            let Some(mut combos) = Combinations::new(k, v) else {
                return Ok(());
            };
            let mut each = Tallies::new(k, v);
            let mut whole = Accumulator::new(k, v);
            for u in 0..l.units() {
                each.add_unit(l.unit(u), 1);
                whole.add(l.unit(u));
            }
            // Counted in two groups of units, each merged in by its combinations.
            let mut sums = Tallies::new(k, v);
            let mut merged = Accumulator::new(k, v);
            let cut = split.min(l.units());
            for part in [0..cut, cut..l.units()] {
                for u in part {
                    combos.add(l.unit(u));
                }
                sums.add_combination_sums(&combos);
                merged.add_combinations(&combos);
                combos.clear();
            }
            prop_assert_eq!(sums.percent_agreement(), each.percent_agreement());
            prop_assert_eq!(sums.krippendorff_alpha(), each.krippendorff_alpha());
            prop_assert_eq!(sums.pairable_units(), each.pairable_units());
            let mut seen = 0;
            merged.combinations().unwrap().for_each(|_, n| seen += n);
            prop_assert_eq!(seen, l.units() as u64);
            prop_assert_eq!(merged.finish(), whole.finish());
        }

        #[test]
        fn alpha_matches_coincidence_matrix(l in arb_labels()) {
            let fast = Tallies::of(&l).krippendorff_alpha().value();
            let slow = alpha_by_coincidences(&l);
            match (fast, slow) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-9, "{a} vs {b}"),
                (None, None) => {}
                other => prop_assert!(false, "{other:?}"),
            }
        }

        #[test]
        fn coefficients_are_finite_or_undefined(l in arb_labels()) {
            let t = Tallies::of(&l);
            let s = t.summary(t.used_categories());
            for c in s.values().into_iter().flatten() {
                prop_assert!(c.is_finite());
                prop_assert!(c <= 1.0 + 1e-12);
            }
            if let Some(p) = s.percent_agreement.value() {
                prop_assert!((0.0..=1.0).contains(&p));
            }
        }

        #[test]
        fn kappa_is_symmetric_in_coders(l in arb_labels()) {
            let k = l.coders();
            let mut swapped = Labels::new(k, l.categories());
            for u in 0..l.units() {
                let mut r = l.unit(u).to_vec();
                r.reverse();
                swapped.push_unit(&r);
            }
            let (a, b) = (Tallies::of(&l), Tallies::of(&swapped));
            prop_assert_eq!(a.cohen_kappa(0, k - 1), b.cohen_kappa(0, k - 1));
            prop_assert_eq!(a.krippendorff_alpha(), b.krippendorff_alpha());
        }
    }

    #[test]
    fn bootstrap_is_seeded_and_brackets_the_estimate() {
        let l = cohen_example();
        let a = bootstrap(&l, 500, 7, 2).unwrap();
        let b = bootstrap(&l, 500, 7, 2).unwrap();
        assert_eq!(a, b);
        let c = bootstrap(&l, 500, 8, 2).unwrap();
        assert_ne!(a, c);
        let k = a.cohen_kappa[0].unwrap();
        assert!(k.low < 0.40 && 0.40 < k.high, "{k:?}");
        assert!(k.high - k.low > 0.1 && k.high - k.low < 0.8, "{k:?}");
    }

    #[test]
    fn pair_indices_are_dense() {
        for k in 2..7 {
            let ps = pairs(k);
            for (n, &(i, j)) in ps.iter().enumerate() {
                assert_eq!(pair_index(k, i, j), n);
            }
        }
    }
}
