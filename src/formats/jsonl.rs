//! JSON Lines for Hugging Face datasets: one line per document and annotator,
//! `{"doc_id", "annotator", "text", "quotes": [...]}`, each quote an object with the dataset
//! schema's fields (`start`, `end`, `quote`, `speaker`, …). `datasets.load_dataset("json", …)`
//! reads it as it is; every field of the schema is held, so the round trip is lossless.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::{Collection, DocText, Groups, Obj, read_json_lines};
use crate::error::{Error, Location, Result};
use crate::schema;

pub fn export(
    groups: &Groups,
    texts: &BTreeMap<String, Vec<char>>,
    input: &Path,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for ((doc, annotator), recs) in groups {
        let text = &texts[doc];
        let mut quotes = Vec::new();
        for (r, line) in recs {
            // Checks offsets and quote text against the document.
            super::structure(r, *line, text, input)?;
            let mut v = schema::record_to_json(r);
            if let Some(o) = v.as_object_mut() {
                o.shift_remove("doc_id");
                o.shift_remove("annotator");
            }
            quotes.push(v);
        }
        let mut m = Map::new();
        m.insert("doc_id".into(), doc.clone().into());
        m.insert("annotator".into(), annotator.clone().into());
        m.insert("text".into(), text.iter().collect::<String>().into());
        m.insert("quotes".into(), Value::Array(quotes));
        serde_json::to_writer(&mut out, &Value::Object(m))
            .map_err(|e| Error::Other(e.to_string()))?;
        out.push(b'\n');
    }
    Ok(out)
}

pub fn import(path: &Path) -> Result<Collection> {
    let mut col = Collection::default();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (line, v) in read_json_lines(path)? {
        let o = Obj::new(&v, path, line, "")?;
        let doc = o.str("doc_id")?.to_string();
        let annotator = o.opt_str("annotator")?.unwrap_or("").to_string();
        let text_s = o.str("text")?.to_string();
        let text: Vec<char> = text_s.chars().collect();
        match seen.get(&doc) {
            Some(t) if *t != text_s => {
                return Err(o.err(
                    "text",
                    format!("document {doc:?} has a different text on an earlier line"),
                ));
            }
            Some(_) => {}
            None => {
                seen.insert(doc.clone(), text_s.clone());
                col.docs.push(DocText {
                    doc_id: doc.clone(),
                    text: text_s.clone(),
                });
            }
        }
        for (i, q) in o.array("quotes")?.iter().enumerate() {
            let qo = o.child(q, &format!("quotes[{i}]"))?;
            // A quote may repeat its line's document and annotator; one that names others
            // belongs to another line, and taking it as this line's would change its data.
            for (key, what, line_value) in [
                ("doc_id", "document", doc.as_str()),
                ("annotator", "annotator", annotator.as_str()),
            ] {
                if let Some(own) = qo.opt_str(key)?
                    && !own.is_empty()
                    && own != line_value
                {
                    return Err(qo.err(
                        key,
                        format!(
                            "the quote names {what} {own:?}, but its line is {what} {line_value:?}; a line holds the quotes of its own document and annotator"
                        ),
                    ));
                }
            }
            let mut m = qo.map.clone();
            m.insert("doc_id".into(), doc.clone().into());
            m.insert("annotator".into(), annotator.clone().into());
            if !m.contains_key("quote")
                && let (Some(s), Some(e)) = (
                    m.get("start").and_then(Value::as_u64),
                    m.get("end").and_then(Value::as_u64),
                )
            {
                let (s, e) = (s as usize, e as usize);
                if e <= text.len() && s <= e {
                    m.insert("quote".into(), text[s..e].iter().collect::<String>().into());
                }
            }
            let one =
                serde_json::to_vec(&Value::Object(m)).map_err(|e| Error::Other(e.to_string()))?;
            let ds = schema::read_jsonl(&one[..], path).map_err(|e| match e {
                Error::Input { loc, msg } => Error::input(
                    Location {
                        line: Some(line),
                        field: loc.field.map(|f| format!("quotes[{i}].{f}")),
                        ..Location::file(path)
                    },
                    msg,
                ),
                other => other,
            })?;
            for r in ds.records {
                if r.end > text.len() {
                    return Err(qo.err(
                        "end",
                        format!(
                            "offsets {}-{} lie outside the text ({} characters)",
                            r.start,
                            r.end,
                            text.len()
                        ),
                    ));
                }
                let at: String = text[r.start..r.end].iter().collect();
                if at != r.quote {
                    return Err(qo.err(
                        "quote",
                        format!(
                            "does not match the document text at {}-{} ({at:?})",
                            r.start, r.end
                        ),
                    ));
                }
                col.extend(
                    vec![r],
                    &super::Source::new(path, Some(line), qo.at.clone()),
                );
            }
        }
    }
    Ok(col)
}
