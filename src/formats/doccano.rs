//! doccano JSON Lines (relation extraction): one line per document and annotator,
//! `{"id", "text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations":
//! [{"id", "from_id", "to_id", "type"}]}` with labels `Quote`, `Speaker`, `Cue` and relation
//! types `speaker` and `cue`. quotecheck adds `doc_id`, `annotator` and, on each Quote entity,
//! `quotecheck` (the fields doccano has no place for); doccano keeps unknown keys as metadata.
//! Import also reads doccano's sequence-labelling export (`"label": [[start, end, "Quote"], …]`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::{Collection, DocText, Groups, LabelledSpan, Link, Obj, id_string, read_json_lines};
use crate::error::{Error, Result};

pub fn export(
    groups: &Groups,
    texts: &BTreeMap<String, Vec<char>>,
    input: &Path,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for (n, ((doc, annotator), recs)) in groups.iter().enumerate() {
        let text = &texts[doc];
        let (spans, links) = super::spans_for_export(recs, text, input)?;
        let ids: BTreeMap<&str, usize> = spans
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i + 1))
            .collect();
        let entities: Vec<Value> = spans
            .iter()
            .map(|s| {
                let mut e = json!({"id": ids[s.id.as_str()], "label": s.label, "start_offset": s.span.0, "end_offset": s.span.1});
                if let Some(m) = &s.meta {
                    e["quotecheck"] = Value::Object(m.clone());
                }
                e
            })
            .collect();
        let relations: Vec<Value> = links
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let typ = if l.to.starts_with('s') { "speaker" } else { "cue" };
                json!({"id": i + 1, "from_id": ids[l.from.as_str()], "to_id": ids[l.to.as_str()], "type": typ})
            })
            .collect();
        let mut m = Map::new();
        m.insert("id".into(), (n + 1).into());
        m.insert("doc_id".into(), doc.clone().into());
        m.insert("annotator".into(), annotator.clone().into());
        m.insert("text".into(), text.iter().collect::<String>().into());
        m.insert("entities".into(), Value::Array(entities));
        m.insert("relations".into(), Value::Array(relations));
        serde_json::to_writer(&mut out, &Value::Object(m))
            .map_err(|e| Error::Other(e.to_string()))?;
        out.push(b'\n');
    }
    Ok(out)
}

pub fn import(path: &Path) -> Result<Collection> {
    let mut col = Collection::default();
    let mut seen = std::collections::HashSet::new();
    for (line, v) in read_json_lines(path)? {
        let o = Obj::new(&v, path, line, "")?;
        let text_s = o.str("text")?.to_string();
        let text: Vec<char> = text_s.chars().collect();
        let doc = match o.get("doc_id").or_else(|| o.get("id")).and_then(id_string) {
            Some(d) => d,
            None => format!("line{line}"),
        };
        let annotator = match o.get("annotator").or_else(|| o.get("user")) {
            Some(v) => id_string(v).unwrap_or_default(),
            None => String::new(),
        };
        let mut spans = Vec::new();
        let mut links = Vec::new();
        for (i, e) in o.array("entities")?.iter().enumerate() {
            let eo = o.child(e, &format!("entities[{i}]"))?;
            let id = eo
                .get("id")
                .and_then(id_string)
                .ok_or_else(|| eo.err("id", "missing entity id"))?;
            let (s, en) = (eo.usize("start_offset")?, eo.usize("end_offset")?);
            spans.push(LabelledSpan {
                id,
                label: eo.str("label")?.to_string(),
                span: (s, en),
                meta: eo.meta("quotecheck"),
                field: eo.at.clone(),
            });
        }
        // The sequence-labelling export: "label": [[start, end, "Quote"], ...].
        for key in ["label", "labels"] {
            if let Some(Value::Array(items)) = o.get(key) {
                for (i, it) in items.iter().enumerate() {
                    let bad = || o.err(&format!("{key}[{i}]"), "expected [start, end, \"label\"]");
                    let a = it.as_array().filter(|a| a.len() == 3).ok_or_else(bad)?;
                    let (Some(s), Some(e), Some(l)) = (a[0].as_u64(), a[1].as_u64(), a[2].as_str())
                    else {
                        return Err(bad());
                    };
                    spans.push(LabelledSpan {
                        id: format!("{key}{i}"),
                        label: l.to_string(),
                        span: (s as usize, e as usize),
                        meta: None,
                        field: o.name(&format!("{key}[{i}]")),
                    });
                }
            }
        }
        for (i, r) in o.array("relations")?.iter().enumerate() {
            let ro = o.child(r, &format!("relations[{i}]"))?;
            let from = ro
                .get("from_id")
                .and_then(id_string)
                .ok_or_else(|| ro.err("from_id", "missing"))?;
            let to = ro
                .get("to_id")
                .and_then(id_string)
                .ok_or_else(|| ro.err("to_id", "missing"))?;
            links.push(Link { from, to });
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
    Ok(col)
}
