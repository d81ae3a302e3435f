//! Label Studio JSON: an array of tasks, one per document, `{"id", "data": {"text", "doc_id"},
//! "annotations": [...], "predictions": [...]}`. Each annotation (or prediction) has a `result`
//! list of `labels` regions (`value.start`, `value.end`, `value.text`, `value.labels`: `Quote`,
//! `Speaker` or `Cue`) and `relation` items from a quote to its speaker or cue. Rows with an
//! annotator become annotations (`completed_by.email` = the annotator id), rows without one
//! become predictions (`model_version` `quotecheck`). Fields Label Studio has no place for ride on
//! the quote region as `quotecheck`.
//!
//! Labelling config that matches:
//! ```xml
//! <View>
//!   <Relations><Relation value="speaker"/><Relation value="cue"/></Relations>
//!   <Labels name="label" toName="text">
//!     <Label value="Quote"/><Label value="Speaker"/><Label value="Cue"/>
//!   </Labels>
//!   <Text name="text" value="$text"/>
//! </View>
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::{Collection, DocText, Groups, LabelledSpan, Link, Obj, id_string};
use crate::error::{Error, Location, Result};

pub fn export(
    groups: &Groups,
    texts: &BTreeMap<String, Vec<char>>,
    input: &Path,
) -> Result<Vec<u8>> {
    let mut tasks: Vec<Value> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for ((doc, annotator), recs) in groups {
        let text = &texts[doc];
        let (spans, links) = super::spans_for_export(recs, text, input)?;
        let mut result: Vec<Value> = spans
            .iter()
            .map(|s| {
                let mut r = json!({
                    "id": s.id, "from_name": "label", "to_name": "text", "type": "labels",
                    "value": {"start": s.span.0, "end": s.span.1,
                              "text": text[s.span.0..s.span.1].iter().collect::<String>(),
                              "labels": [s.label]},
                });
                if let Some(m) = &s.meta {
                    r["quotecheck"] = Value::Object(m.clone());
                }
                r
            })
            .collect();
        for l in &links {
            let label = if l.to.starts_with('s') {
                "speaker"
            } else {
                "cue"
            };
            result.push(json!({"from_id": l.from, "to_id": l.to, "type": "relation", "direction": "right", "labels": [label]}));
        }
        let n = *index.entry(doc.as_str()).or_insert_with(|| {
            tasks.push(json!({
                "id": tasks.len() + 1,
                "data": {"text": text.iter().collect::<String>(), "doc_id": doc},
                "annotations": [], "predictions": [],
            }));
            tasks.len() - 1
        });
        let task = &mut tasks[n];
        if annotator.is_empty() {
            let list = task["predictions"]
                .as_array_mut()
                .map(|a| a.len())
                .unwrap_or(0);
            task["predictions"].as_array_mut().into_iter().for_each(|a| {
                a.push(json!({"id": list + 1, "model_version": "quotecheck", "result": result.clone()}))
            });
        } else {
            let list = task["annotations"]
                .as_array_mut()
                .map(|a| a.len())
                .unwrap_or(0);
            task["annotations"].as_array_mut().into_iter().for_each(|a| {
                a.push(json!({"id": list + 1, "completed_by": {"email": annotator}, "result": result.clone()}))
            });
        }
    }
    let mut out =
        serde_json::to_vec_pretty(&Value::Array(tasks)).map_err(|e| Error::Other(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

fn annotator_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::Object(o)) => ["email", "username", "id"]
            .iter()
            .find_map(|k| o.get(*k).and_then(id_string))
            .unwrap_or_default(),
        Some(v) => id_string(v).unwrap_or_default(),
        None => String::new(),
    }
}

pub fn import(path: &Path) -> Result<Collection> {
    let src = crate::io::read_text(path)?;
    let v: Value = serde_json::from_str(&src).map_err(|e| {
        Error::input(
            Location::file(path).line(e.line() as u64),
            format!("not valid JSON: {e}"),
        )
    })?;
    let tasks: Vec<Value> = match v {
        Value::Array(a) => a,
        Value::Object(_) => vec![v],
        _ => {
            return Err(Error::input(
                Location::file(path).line(1),
                "expected a JSON array of Label Studio tasks",
            ));
        }
    };
    let lines = super::array_element_lines(&src);
    let mut col = Collection::default();
    let mut cancelled = 0;
    for (ti, t) in tasks.iter().enumerate() {
        let line = lines.get(ti).copied().unwrap_or(1);
        let o = Obj::new(t, path, line, &format!("task {}", ti + 1))?;
        let data = o.child(
            o.get("data")
                .ok_or_else(|| o.err("data", "missing field `data` (the task's text)"))?,
            "data",
        )?;
        let text_s = data.str("text")?.to_string();
        let text: Vec<char> = text_s.chars().collect();
        let doc = data
            .get("doc_id")
            .and_then(id_string)
            .or_else(|| o.get("id").and_then(id_string))
            .unwrap_or_else(|| format!("task{}", ti + 1));
        col.docs.push(DocText {
            doc_id: doc.clone(),
            text: text_s,
        });
        for key in ["annotations", "predictions"] {
            for (ai, a) in o.array(key)?.iter().enumerate() {
                let ao = o.child(a, &format!("{key}[{ai}]"))?;
                if ao.get("was_cancelled").and_then(Value::as_bool) == Some(true) {
                    cancelled += 1;
                    continue;
                }
                let annotator = if key == "annotations" {
                    annotator_of(ao.get("completed_by"))
                } else {
                    String::new()
                };
                let mut spans = Vec::new();
                let mut links = Vec::new();
                for (ri, r) in ao.array("result")?.iter().enumerate() {
                    let ro = ao.child(r, &format!("result[{ri}]"))?;
                    if ro.opt_str("type")? == Some("relation") {
                        links.push(Link {
                            from: ro
                                .get("from_id")
                                .and_then(id_string)
                                .ok_or_else(|| ro.err("from_id", "missing"))?,
                            to: ro
                                .get("to_id")
                                .and_then(id_string)
                                .ok_or_else(|| ro.err("to_id", "missing"))?,
                        });
                        continue;
                    }
                    let Some(val) = ro.get("value") else { continue };
                    let vo = ro.child(val, "value")?;
                    let labels = vo.array("labels")?;
                    let Some(label) = labels.first().and_then(Value::as_str) else {
                        continue;
                    };
                    let (s, e) = (vo.usize("start")?, vo.usize("end")?);
                    if let Some(t) = vo.opt_str("text")? {
                        let at: String = text
                            .get(s.min(text.len())..e.min(text.len()))
                            .map(|x| x.iter().collect())
                            .unwrap_or_default();
                        if e <= text.len() && s <= e && at != t {
                            return Err(vo.err(
                                "text",
                                format!(
                                    "{t:?} does not match the document text at {s}-{e} ({at:?})"
                                ),
                            ));
                        }
                    }
                    let id = ro
                        .get("id")
                        .and_then(id_string)
                        .unwrap_or_else(|| format!("r{ri}"));
                    spans.push(LabelledSpan {
                        id,
                        label: label.to_string(),
                        span: (s, e),
                        meta: ro.meta("quotecheck"),
                        field: ro.at.clone(),
                    });
                }
                col.extend(
                    super::records_from_spans(&doc, &annotator, &text, &spans, &links, path, line)?,
                    &super::Source::new(path, Some(line), ao.at.clone()),
                );
            }
        }
    }
    if cancelled > 0 {
        col.warnings
            .push(format!("{cancelled} cancelled annotation(s) skipped"));
    }
    Ok(col)
}
