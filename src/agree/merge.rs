//! The merged dataset `diff --merge` writes for adjudication.
//!
//! A normal schema-v1 dataset, one row per unit (in the order of the report), plus columns:
//! - `agreement`: the share of all annotators who gave the majority answer, up to three
//!   decimals (1 = unanimous); empty when nobody answered. An answer is the decision about the
//!   quote: rejected, flagged, or the final speaker (confirmed or corrected, compared under
//!   `--speaker-match`); pending or no row is no answer. Ties go to the earliest annotator.
//! - `ann_<name>_status`, `ann_<name>_speaker` per annotator: their status and final speaker as
//!   written (empty when pending or without a row).
//!
//! The other columns come from the row of the first file that has the unit. A unanimous row
//! keeps that annotator's decision (`status`, `reviewed_speaker`, `reviewed_at`) with
//! `annotator` set to every name joined by `+`. Any other row is left pending for adjudication:
//! `status`, `annotator` and `reviewed_at` empty, the majority speaker suggested in
//! `reviewed_speaker`, the other annotators' speakers put first in `candidates`. `note` holds the
//! annotators' notes as `name: note; name: note`.

use std::collections::HashMap;
use std::path::Path;

use super::align::{Alignment, NO_ROW};
use super::read::Table;
use super::report::{Coded, OUT_SPEAKER, answer, majority};
use crate::error::{Error, Result};
use crate::io::Output;
use crate::schema::{self, COLUMNS, CsvWriter, DataFormat, QuoteRecord, WriteOptions};

/// Refuses to write a merged file over one that holds work a merge would throw away: a
/// review session open on it, or interrupted (its journal is beside it), or adjudication
/// decisions (rows the annotators did not all agree on, which a merge leaves pending, with a
/// status). A file that is not a merged dataset, or one nobody has worked on, may be replaced.
pub fn check_overwrite(path: &Path) -> Result<()> {
    if path == Path::new("-") || !path.exists() {
        return Ok(());
    }
    // (a review session works where a symbolic link points)
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let journal = crate::review::journal::path_for(&target);
    if journal.exists() {
        return Err(Error::usage(format!(
            "{} is being reviewed, or its review was interrupted ({} holds its latest decisions); a new merge would discard them: quit the review (or open it again and quit) first, or write the merge under another name",
            path.display(),
            journal.display()
        )));
    }
    let Ok(ds) = schema::read_path(&target) else {
        return Ok(());
    };
    if !ds.headers.iter().any(|h| h == "agreement") {
        return Ok(());
    }
    let decided = ds
        .records
        .iter()
        .filter(|r| {
            r.status.is_some() && crate::review::model::agreement(r).is_none_or(|a| a < 1.0)
        })
        .count();
    if decided > 0 {
        return Err(Error::usage(format!(
            "{} holds {decided} adjudication decision{} (rows the annotators disagreed on, decided since the merge); a new merge would discard {}: write it under another name (--merge NEW.csv), or move {} away first",
            path.display(),
            if decided == 1 { "" } else { "s" },
            if decided == 1 { "it" } else { "them" },
            path.display()
        )));
    }
    Ok(())
}

/// Formats an agreement share like confidences: up to three decimals, no trailing zeros.
pub fn format_agreement(share: Option<f64>) -> String {
    share.map(schema::format_confidence).unwrap_or_default()
}

/// The extra columns of the merged file, after any extra columns of the inputs.
pub fn merge_columns(names: &[String]) -> Vec<String> {
    let mut c = vec!["agreement".to_string()];
    for n in names {
        c.push(format!("ann_{n}_status"));
        c.push(format!("ann_{n}_speaker"));
    }
    c
}

/// Writes the merged file atomically.
pub fn write_merged(
    out_path: &Path,
    tables: &[Table],
    names: &[String],
    al: &Alignment,
    coded: &Coded,
    opts: WriteOptions,
) -> Result<()> {
    let ours = merge_columns(names);
    let mut extra: Vec<String> = Vec::new();
    for t in tables {
        for h in &t.headers {
            if !COLUMNS.contains(&h.as_str())
                && !ours.contains(h)
                && !(h.starts_with("ann_") && (h.ends_with("_status") || h.ends_with("_speaker")))
                && !extra.contains(h)
            {
                extra.push(h.clone());
            }
        }
    }
    let all_extra: Vec<String> = extra.iter().chain(&ours).cloned().collect();
    let out = Output::create(Some(out_path))?;
    let shown = out.path().to_path_buf();
    let io = |e: std::io::Error| Error::io(&shown, e);
    let mut w = CsvWriter::new(out, &all_extra, opts).map_err(io)?;

    let mut sources: Vec<Source> = tables.iter().map(|t| Source::new(&t.path)).collect();
    let columns = Columns::new(names, tables.len());
    // Where each mapped copy's pages have been handed back up to: the units go through the
    // files in order when the copies have the same rows, so that the files are never
    // resident whole.
    let mut released = vec![0usize; tables.len()];
    for u in 0..al.units() {
        let (f, r) = al.anchor(u);
        let base = match tables[f].record(r) {
            Some(rec) => rec?,
            None => sources[f].record(r)?,
        };
        let rec = merged_record(base, u, tables, names, al, coded, &extra, &columns);
        w.write(&rec).map_err(io)?;
        if al.identity && u % 4096 == 4095 {
            for (t, done) in tables.iter().zip(released.iter_mut()) {
                if let Some(at) = t.row_start(u) {
                    t.release_bytes(*done, at);
                    *done = at;
                }
            }
        }
    }
    w.into_inner().map_err(io)?.commit()
}

/// The names of the merged file's own columns and the texts of the agreement shares, made once.
struct Columns {
    status: Vec<String>,
    speaker: Vec<String>,
    /// `format_agreement` of c/k for c = 0..=k (k = the number of copies).
    agreement: Vec<String>,
}

impl Columns {
    fn new(names: &[String], k: usize) -> Columns {
        Columns {
            status: names.iter().map(|n| format!("ann_{n}_status")).collect(),
            speaker: names.iter().map(|n| format!("ann_{n}_speaker")).collect(),
            agreement: (0..=k)
                .map(|c| format_agreement(Some(c as f64 / k as f64)))
                .collect(),
        }
    }

    /// The text of a majority's share (see [`majority`]).
    fn agreement(&self, share: Option<f64>) -> String {
        let k = self.agreement.len() - 1;
        match share {
            None => String::new(),
            Some(s) => {
                let c = (s * k as f64).round() as usize;
                match self.agreement.get(c) {
                    Some(t) if c as f64 / k as f64 == s => t.clone(),
                    _ => format_agreement(Some(s)),
                }
            }
        }
    }
}

/// Full records of one input, read front to back as the units ask for them.
enum Source {
    Unopened(std::path::PathBuf),
    Csv(
        Box<schema::CsvRecords<std::io::BufReader<std::fs::File>>>,
        usize,
    ),
    All(Vec<QuoteRecord>),
}

impl Source {
    fn new(path: &Path) -> Source {
        Source::Unopened(path.to_path_buf())
    }

    /// Record `row` (rows are asked for in increasing order).
    fn record(&mut self, row: usize) -> Result<QuoteRecord> {
        if let Source::Unopened(p) = self {
            let p = p.clone();
            *self = if DataFormat::from_path(&p) == DataFormat::Jsonl || p.as_os_str() == "-" {
                Source::All(schema::read_path(&p)?.records)
            } else {
                let f = std::fs::File::open(&p).map_err(|e| Error::io(&p, e))?;
                Source::Csv(
                    Box::new(schema::CsvRecords::new(std::io::BufReader::new(f), &p)?),
                    0,
                )
            };
        }
        match self {
            Source::All(v) => v
                .get(row)
                .cloned()
                .ok_or_else(|| Error::Other("input changed while it was read".into())),
            Source::Csv(rdr, next) => loop {
                let item = rdr
                    .next()
                    .ok_or_else(|| Error::Other("input changed while it was read".into()))?;
                let (_, rec) = item?;
                *next += 1;
                if *next > row {
                    return Ok(rec);
                }
            },
            Source::Unopened(_) => Err(Error::Other("input could not be opened".into())),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn merged_record(
    mut rec: QuoteRecord,
    u: usize,
    tables: &[Table],
    names: &[String],
    al: &Alignment,
    coded: &Coded,
    input_extra: &[String],
    columns: &Columns,
) -> QuoteRecord {
    let unit = al.unit(u);
    let answers: Vec<_> = unit
        .iter()
        .enumerate()
        .map(|(f, r)| answer(tables, f, r))
        .collect();
    let maj = majority(&coded.unit_outcomes(u));
    let notes: Vec<String> = unit
        .iter()
        .enumerate()
        .filter(|(_, r)| *r != NO_ROW)
        .filter_map(|(f, r)| {
            let n = tables[f].note(r as usize);
            (!n.trim().is_empty()).then(|| format!("{}: {}", names[f], n.trim()))
        })
        .collect();
    rec.note = notes.join("; ");
    match maj {
        Some((_, share)) if share >= 1.0 => {
            rec.annotator = names.join("+");
        }
        _ => {
            rec.status = None;
            rec.annotator.clear();
            rec.reviewed_at.clear();
            rec.reviewed_speaker = match maj {
                Some((o, _)) if o >= OUT_SPEAKER => {
                    first_spelling(tables, al, coded, u, o - OUT_SPEAKER).unwrap_or_default()
                }
                _ => String::new(),
            };
            // Every other speaker an annotator named, most common first, ahead of the
            // extractor's own candidates.
            let mut counts: Vec<(u32, usize, String)> = Vec::new();
            let keys = coded.speaker_codes(u);
            for (f, r) in unit.iter().enumerate() {
                if r == NO_ROW {
                    continue;
                }
                let key = keys[f];
                if key == super::metrics::MISSING {
                    continue;
                }
                if let Some(e) = counts.iter_mut().find(|e| e.0 == key) {
                    e.1 += 1;
                } else if let Some(s) = &answers[f].speaker {
                    counts.push((key, 1, s.clone()));
                }
            }
            counts.sort_by_key(|c| std::cmp::Reverse(c.1));
            let majority_key = match maj {
                Some((o, _)) if o >= OUT_SPEAKER => Some(o - OUT_SPEAKER),
                _ => None,
            };
            let mut cands: Vec<String> = counts
                .into_iter()
                .filter(|c| Some(c.0) != majority_key)
                .map(|c| c.2)
                .collect();
            for c in rec.candidates.drain(..) {
                if !cands.iter().any(|x| x == &c) && c != rec.reviewed_speaker {
                    cands.push(c);
                }
            }
            rec.candidates = cands;
        }
    }
    let input: HashMap<&str, String> = rec
        .extra
        .drain(..)
        .filter(|(k, _)| input_extra.contains(k))
        .map(|(k, v)| {
            (
                input_extra
                    .iter()
                    .find(|x| **x == k)
                    .map_or("", |x| x.as_str()),
                v,
            )
        })
        .collect();
    let mut extra: Vec<(String, String)> = input_extra
        .iter()
        .map(|k| {
            (
                k.clone(),
                input.get(k.as_str()).cloned().unwrap_or_default(),
            )
        })
        .collect();
    extra.push(("agreement".into(), columns.agreement(maj.map(|m| m.1))));
    for (f, a) in answers.into_iter().enumerate() {
        extra.push((
            columns.status[f].clone(),
            a.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        ));
        extra.push((columns.speaker[f].clone(), a.speaker.unwrap_or_default()));
    }
    rec.extra = extra;
    rec
}

/// The speaker named by key `key` as the first annotator who gave it wrote it.
fn first_spelling(
    tables: &[Table],
    al: &Alignment,
    coded: &Coded,
    u: usize,
    key: u32,
) -> Option<String> {
    let f = coded.speaker_codes(u).iter().position(|&c| c == key)?;
    tables[f]
        .final_speaker(al.row(u, f) as usize)
        .map(str::to_string)
}
