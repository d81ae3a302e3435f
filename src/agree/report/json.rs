//! The report as one JSON document (`--format json`); the keys are documented in `docs/diff.md`.
//!
//! Every coefficient is an object `{"value": number|null, "ci95": [low, high]|null,
//! "undefined": reason|null}`: an undefined figure is `null` with its reason, never NaN.

use serde_json::{Map, Value, json};

use super::{Answer, Field, Report};
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
    json!({
        "units_answered": f.units_answered,
        "units_compared": f.units_pairable,
        "units_complete": f.units_complete,
        "categories": f.categories,
        "percent_agreement": coef(&s.percent_agreement, iv.and_then(|v| v.percent_agreement.as_ref())),
        "krippendorff_alpha": coef(&s.krippendorff_alpha, iv.and_then(|v| v.krippendorff_alpha.as_ref())),
        "fleiss_kappa": coef(&s.fleiss_kappa, iv.and_then(|v| v.fleiss_kappa.as_ref())),
        "gwet_ac1": coef(&s.gwet_ac1, iv.and_then(|v| v.gwet_ac1.as_ref())),
        "cohen_kappa": pair_list,
    })
}

fn answer(a: &Answer) -> Value {
    json!({
        "present": a.present,
        "status": a.status.map(Status::as_str),
        "speaker": a.speaker,
    })
}

pub fn render(r: &Report) -> Value {
    let names: Vec<&str> = r.annotators.iter().map(|a| a.name.as_str()).collect();
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
    let mut fields = Map::new();
    for f in &r.fields {
        fields.insert(f.name.to_string(), field(r, f));
    }
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
    let documents: Vec<Value> = r
        .documents
        .iter()
        .map(|d| {
            json!({
                "doc_id": d.doc_id,
                "units": d.units,
                "unanimous": d.unanimous,
                "status_percent_agreement": coef(&d.status_agreement, None),
                "status_krippendorff_alpha": coef(&d.status_alpha, None),
                "speaker_percent_agreement": coef(&d.speaker_agreement, None),
            })
        })
        .collect();
    let disagreements: Vec<Value> = r
        .disagreements
        .iter()
        .map(|d| {
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
        })
        .collect();
    let unaligned: Vec<Value> = r
        .unaligned
        .iter()
        .map(|u| {
            json!({
                "quote_id": u.quote_id,
                "doc_id": u.doc_id,
                "start": u.start,
                "end": u.end,
                "annotators": u.present.iter().map(|&i| names[i]).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut out = Map::new();
    out.insert("annotators".into(), json!(annotators));
    out.insert(
        "units".into(),
        json!({
            "total": r.units,
            "in_every_file": r.units - r.unaligned.len(),
            "aligned_by_overlap": r.aligned_by_overlap,
            "unaligned": r.unaligned.len(),
            "unanimous": r.unanimous,
        }),
    );
    out.insert(
        "options".into(),
        json!({
            "speaker_match": format!("{:?}", r.speaker_match).to_lowercase(),
            "bootstrap": r.bootstrap,
            "seed": r.seed,
        }),
    );
    out.insert("warnings".into(), json!(r.warnings));
    for (k, v) in fields {
        out.insert(k, v);
    }
    out.insert("status_confusion".into(), json!(confusion));
    out.insert("documents".into(), json!(documents));
    out.insert(
        "disagreements".into(),
        json!({ "total": r.disagreements_total, "items": disagreements }),
    );
    out.insert("unaligned".into(), json!(unaligned));
    Value::Object(out)
}
