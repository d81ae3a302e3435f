//! The report as one JSON document (`--format json`); the keys are documented in `docs/diff.md`.
//!
//! Every coefficient is an object `{"value": number|null, "ci95": [low, high]|null,
//! "undefined": reason|null}`: an undefined figure is `null` with its reason, never NaN.

use std::cell::RefCell;
use std::io::Write;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use super::{Answer, COEFFICIENTS, Disagreement, Document, Field, Report, Unaligned};
use crate::agree::metrics::{Coef, Interval, pairs};
use crate::schema::Status;

fn coef(c: &Coef, ci: Option<&Interval>) -> Value {
    match c {
        Coef::Value(v) => json!({
            "value": v,
            "ci95": ci.map(|i| json!([i.low, i.high])),
            "undefined": null,
        }),
        Coef::Undefined(reason) => json!({
            "value": null,
            "ci95": null,
            "undefined": reason,
        }),
    }
}

fn field(r: &Report, f: &Field) -> Value {
    let iv = f.intervals.as_ref();
    let s = &f.summary;
    let pair_list: Vec<Value> = pairs(r.annotators.len())
        .into_iter()
        .enumerate()
        .map(|(p, (i, j))| {
            json!({
                "a": r.annotators[i].name,
                "b": r.annotators[j].name,
                "units": f.pair_units[p],
                "percent_agreement": coef(&f.pair_agreement[p], None),
                "cohen_kappa": coef(&s.cohen_kappa[p], iv.and_then(|v| v.cohen_kappa[p].as_ref())),
            })
        })
        .collect();
    let mut out = json!({
        "units_answered": f.units_answered,
        "units_compared": f.units_pairable,
        "units_complete": f.units_complete,
        "categories": f.categories,
    });
    for ((_, key), (c, i)) in COEFFICIENTS.iter().zip(f.coefficients()) {
        out[*key] = coef(c, i);
    }
    out["cohen_kappa"] = Value::Array(pair_list);
    out
}

fn answer(a: &Answer) -> Value {
    json!({
        "present": a.present,
        "status": a.status.map(Status::as_str),
        "speaker": a.speaker,
    })
}

fn item(names: &[&str], d: &Disagreement) -> Value {
    let mut answers = Map::new();
    for (n, a) in names.iter().zip(&d.answers) {
        answers.insert(n.to_string(), answer(a));
    }
    json!({
        "quote_id": d.quote_id,
        "doc_id": d.doc_id,
        "quote": d.quote,
        "fields": d.fields,
        "majority_speaker": d.majority_speaker,
        "answers": answers,
    })
}

fn document(d: &Document) -> Value {
    json!({
        "doc_id": d.doc_id,
        "units": d.units,
        "unanimous": d.unanimous,
        "status_percent_agreement": coef(&d.status_agreement, None),
        "status_krippendorff_alpha": coef(&d.status_alpha, None),
        "speaker_percent_agreement": coef(&d.speaker_agreement, None),
    })
}

fn unaligned(names: &[&str], u: &Unaligned) -> Value {
    json!({
        "quote_id": u.quote_id,
        "doc_id": u.doc_id,
        "start": u.start,
        "end": u.end,
        "annotators": u.present.iter().map(|&i| names[i]).collect::<Vec<_>>(),
    })
}

/// A top-level entry: a value, or a list made one element at a time as it is written.
enum Entry<'a> {
    Value(Value),
    List(RefCell<Box<dyn Iterator<Item = Value> + 'a>>),
    /// `{"total": n, "items": [...]}`.
    Counted(usize, RefCell<Box<dyn Iterator<Item = Value> + 'a>>),
}

struct Lazy<'b, 'a>(&'b RefCell<Box<dyn Iterator<Item = Value> + 'a>>);

impl Serialize for Lazy<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(&mut *self.0.borrow_mut())
    }
}

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Entry::Value(v) => v.serialize(s),
            Entry::List(items) => Lazy(items).serialize(s),
            Entry::Counted(total, items) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("total", total)?;
                m.serialize_entry("items", &Lazy(items))?;
                m.end()
            }
        }
    }
}

struct Top<'a>(Vec<(&'static str, Entry<'a>)>);

impl Serialize for Top<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The report's entries in order; the long lists (documents, disagreements, unaligned quotes)
/// are made as they are written, so a million-row comparison is never held as one JSON tree.
fn entries<'a>(
    r: &'a Report,
    names: &'a [&'a str],
    items: impl Iterator<Item = Disagreement> + 'a,
) -> Top<'a> {
    let annotators: Vec<Value> = r
        .annotators
        .iter()
        .map(|a| {
            let mut by = Map::new();
            for (s, n) in Status::ALL.iter().zip(a.by_status) {
                by.insert(s.as_str().to_string(), json!(n));
            }
            json!({
                "name": a.name,
                "file": a.file,
                "rows": a.rows,
                "answered": a.answered(),
                "pending": a.pending,
                "missing_units": a.missing,
                "by_status": by,
            })
        })
        .collect();
    let confusion: Vec<Value> = r
        .status_confusion
        .iter()
        .map(|c| {
            json!({
                "a": names[c.a],
                "b": names[c.b],
                "labels": super::CONFUSION_LABELS,
                "counts": c.counts,
            })
        })
        .collect();
    let mut out: Vec<(&'static str, Entry)> = vec![
        ("annotators", Entry::Value(json!(annotators))),
        (
            "units",
            Entry::Value(json!({
                "total": r.units,
                "in_every_file": r.units - r.unaligned.len(),
                "aligned_by_overlap": r.aligned_by_overlap,
                "unaligned": r.unaligned.len(),
                "unanimous": r.unanimous,
            })),
        ),
        (
            "options",
            Entry::Value(json!({
                "speaker_match": format!("{:?}", r.speaker_match).to_lowercase(),
                "bootstrap": r.bootstrap,
                "seed": r.seed,
            })),
        ),
        ("warnings", Entry::Value(json!(r.warnings))),
    ];
    for f in &r.fields {
        out.push((f.name, Entry::Value(field(r, f))));
    }
    out.push(("status_confusion", Entry::Value(json!(confusion))));
    out.push((
        "documents",
        Entry::List(RefCell::new(Box::new(r.documents.iter().map(document)))),
    ));
    out.push((
        "disagreements",
        Entry::Counted(
            r.disagreements_total,
            RefCell::new(Box::new(items.map(move |d| item(names, &d)))),
        ),
    ));
    out.push((
        "unaligned",
        Entry::List(RefCell::new(Box::new(
            r.unaligned.iter().map(move |u| unaligned(names, u)),
        ))),
    ));
    Top(out)
}

/// Writes the report as one pretty-printed JSON document and a line end. `items` makes the
/// disagreements (all of them, in order; see [`super::disagreement`]) one at a time.
pub fn write<W: Write>(
    r: &Report,
    items: impl Iterator<Item = Disagreement>,
    mut w: W,
) -> serde_json::Result<()> {
    let names: Vec<&str> = r.annotators.iter().map(|a| a.name.as_str()).collect();
    let top = entries(r, &names, items);
    top.serialize(&mut serde_json::Serializer::pretty(&mut w))?;
    w.write_all(b"\n").map_err(serde_json::Error::io)
}

/// The report as one JSON tree, for small reports (the same document [`write`] writes).
pub fn render(r: &Report, items: impl Iterator<Item = Disagreement>) -> Value {
    let names: Vec<&str> = r.annotators.iter().map(|a| a.name.as_str()).collect();
    serde_json::to_value(entries(r, &names, items)).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::agree::{self, report};
    use crate::speaker::SpeakerMatch;

    #[test]
    fn streamed_document_is_the_tree_written_out() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
        let input = agree::Input {
            files: ["ana.csv", "ben.csv", "cy.csv"]
                .map(|f| dir.join(f))
                .to_vec(),
            names: None,
        };
        let l = agree::load(&input).unwrap();
        let opts = report::Options {
            speaker_match: SpeakerMatch::Normalized,
            bootstrap: 20,
            seed: 3,
            limit: 1,
        };
        let (rep, coded) = agree::compare(&l, &opts);
        let items = || {
            rep.disagreement_units
                .iter()
                .map(|&u| report::disagreement(&l.tables, &l.alignment, &coded, u as usize))
        };
        let mut streamed = Vec::new();
        super::write(&rep, items(), &mut streamed).unwrap();
        let tree = super::render(&rep, items());
        let mut want = serde_json::to_string_pretty(&tree).unwrap();
        want.push('\n');
        assert_eq!(String::from_utf8(streamed).unwrap(), want);
        assert_eq!(tree["disagreements"]["items"].as_array().unwrap().len(), 3);
        assert!(!tree["documents"].as_array().unwrap().is_empty());
    }
}
