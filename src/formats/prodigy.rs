//! Prodigy JSON Lines (`rel.manual` / `spans.manual` tasks): one line per document and annotator,
//! `{"text", "tokens": [...], "spans": [{"start", "end", "token_start", "token_end", "label"}],
//! "relations": [{"head", "child", "head_span", "child_span", "label"}], "answer": "accept",
//! "_annotator_id", "_session_id", "meta": {"doc_id"}}`. Labels `QUOTE`, `SPEAKER`, `CUE`;
//! relations `SPEAKER` and `CUE` from a quote (head) to its speaker or cue (child). Tokens are
//! split at white space, punctuation and every span boundary. Fields Prodigy has no place for
//! ride on the quote span as `quotecheck`. Rejected and ignored answers are skipped on import.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::{
    Collection, DocText, Groups, LabelledSpan, Link, Obj, Span, id_string, read_json_lines,
};
use crate::error::{Error, Result};

/// Tokens as (start, end), split at white space, around punctuation and at the given boundaries.
pub fn tokenize(text: &[char], boundaries: &std::collections::BTreeSet<usize>) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &c) in text.iter().enumerate() {
        if let Some(s) = start
            && (c.is_whitespace()
                || !c.is_alphanumeric()
                || boundaries.contains(&i)
                || !text[i - 1].is_alphanumeric())
        {
            out.push((s, i));
            start = None;
        }
        if !c.is_whitespace() && start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

pub fn export(
    groups: &Groups,
    texts: &BTreeMap<String, Vec<char>>,
    input: &Path,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for ((doc, annotator), recs) in groups {
        let text = &texts[doc];
        let (spans, links) = super::spans_for_export(recs, text, input)?;
        let bounds = spans.iter().flat_map(|s| [s.span.0, s.span.1]).collect();
        let toks = tokenize(text, &bounds);
        let tok_at = |pos: usize, end: bool| -> usize {
            toks.iter()
                .position(|t| if end { t.1 >= pos } else { t.1 > pos })
                .unwrap_or(toks.len().saturating_sub(1))
        };
        let span_json = |s: &LabelledSpan| -> Value {
            let ts = tok_at(s.span.0, false);
            let te = tok_at(s.span.1, true).max(ts);
            let mut v = json!({"start": s.span.0, "end": s.span.1, "token_start": ts, "token_end": te, "label": s.label.to_uppercase()});
            if let Some(m) = &s.meta {
                v["quotecheck"] = Value::Object(m.clone());
            }
            v
        };
        let by_id: BTreeMap<&str, &LabelledSpan> =
            spans.iter().map(|s| (s.id.as_str(), s)).collect();
        let tokens: Vec<Value> = toks
            .iter()
            .enumerate()
            .map(|(i, &(s, e))| {
                let ws = text.get(e).is_some_and(|c| c.is_whitespace());
                json!({"text": text[s..e].iter().collect::<String>(), "start": s, "end": e, "id": i, "ws": ws})
            })
            .collect();
        let relations: Vec<Value> = links
            .iter()
            .map(|l| {
                let (h, c) = (span_json(by_id[l.from.as_str()]), span_json(by_id[l.to.as_str()]));
                let label = if l.to.starts_with('s') { "SPEAKER" } else { "CUE" };
                json!({"head": h["token_end"], "child": c["token_end"], "head_span": strip_meta(h), "child_span": strip_meta(c), "label": label})
            })
            .collect();
        let mut m = Map::new();
        m.insert("text".into(), text.iter().collect::<String>().into());
        m.insert("meta".into(), json!({"doc_id": doc}));
        m.insert("tokens".into(), Value::Array(tokens));
        m.insert(
            "spans".into(),
            Value::Array(spans.iter().map(span_json).collect()),
        );
        m.insert("relations".into(), Value::Array(relations));
        m.insert("answer".into(), "accept".into());
        m.insert("_annotator_id".into(), annotator.clone().into());
        m.insert("_session_id".into(), annotator.clone().into());
        serde_json::to_writer(&mut out, &Value::Object(m))
            .map_err(|e| Error::Other(e.to_string()))?;
        out.push(b'\n');
    }
    Ok(out)
}

fn strip_meta(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.shift_remove("quotecheck");
    }
    v
}

pub fn import(path: &Path) -> Result<Collection> {
    let mut col = Collection::default();
    let mut seen = std::collections::HashSet::new();
    let mut skipped = 0;
    for (line, v) in read_json_lines(path)? {
        let o = Obj::new(&v, path, line, "")?;
        if matches!(o.opt_str("answer")?, Some("reject") | Some("ignore")) {
            skipped += 1;
            continue;
        }
        let text_s = o.str("text")?.to_string();
        let text: Vec<char> = text_s.chars().collect();
        let doc = o
            .get("meta")
            .and_then(|m| m.get("doc_id"))
            .and_then(id_string)
            .or_else(|| o.get("doc_id").and_then(id_string))
            .or_else(|| o.get("_input_hash").and_then(id_string))
            .unwrap_or_else(|| format!("line{line}"));
        let annotator = o.opt_str("_annotator_id")?.unwrap_or("").to_string();
        let mut spans = Vec::new();
        // A quote and a cue (or speaker) may cover the same characters: the label is part of a
        // span's identity.
        let key = |label: &str, s: usize, e: usize| format!("{}:{s}-{e}", label.to_uppercase());
        for (i, s) in o.array("spans")?.iter().enumerate() {
            let so = o.child(s, &format!("spans[{i}]"))?;
            let (a, b) = (so.usize("start")?, so.usize("end")?);
            let label = so.str("label")?;
            spans.push(LabelledSpan {
                id: key(label, a, b),
                label: label.to_string(),
                span: (a, b),
                meta: so.meta("quotecheck"),
                field: so.at.clone(),
            });
        }
        let mut links = Vec::new();
        for (i, r) in o.array("relations")?.iter().enumerate() {
            let ro = o.child(r, &format!("relations[{i}]"))?;
            let end = |k: &str| -> Result<String> {
                let so = ro.child(
                    ro.get(k)
                        .ok_or_else(|| ro.err(k, format!("missing field `{k}`")))?,
                    k,
                )?;
                let (a, b) = (so.usize("start")?, so.usize("end")?);
                let label = so.opt_str("label")?.unwrap_or("");
                let same_label = spans
                    .iter()
                    .find(|s| s.span == (a, b) && s.label.eq_ignore_ascii_case(label));
                match same_label.or_else(|| spans.iter().find(|s| s.span == (a, b))) {
                    Some(s) => Ok(s.id.clone()),
                    // A relation may name a span that is not in `spans`: add it with its label.
                    None => Ok(format!("rel:{label}:{a}-{b}")),
                }
            };
            let (h, c) = (end("head_span")?, end("child_span")?);
            for id in [&h, &c] {
                if let Some(rest) = id.strip_prefix("rel:") {
                    let (label, sp) = rest.rsplit_once(':').unwrap_or(("", rest));
                    let (a, b) = sp.split_once('-').unwrap_or(("0", "0"));
                    let (a, b) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
                    spans.push(LabelledSpan {
                        id: id.clone(),
                        label: label.to_string(),
                        span: (a, b),
                        meta: None,
                        field: ro.at.clone(),
                    });
                }
            }
            links.push(Link { from: h, to: c });
        }
        if seen.insert(doc.clone()) {
            col.docs.push(DocText {
                doc_id: doc.clone(),
                text: text_s.clone(),
            });
        }
        col.extend(
            super::records_from_spans(&doc, &annotator, &text, &spans, &links, path, line)?,
            &super::Source::new(path, Some(line), ""),
        );
    }
    if skipped > 0 {
        col.warnings
            .push(format!("{skipped} rejected or ignored task(s) skipped"));
    }
    Ok(col)
}
