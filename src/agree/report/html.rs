//! The report as one self-contained HTML page (`--format html`): inline CSS and SVG charts
//! (pairwise kappa heatmaps, status confusion, per-document agreement), no scripts, nothing
//! fetched from the network.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::{
    COEFFICIENTS, CONFUSION_LABELS, Coef, Report, documents_worst_first, fmt_coef, limited,
};
use crate::agree::metrics::{Interval, pairs};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// A colour for a coefficient from -1..1: red below 0.4, through yellow, to green at 1.
fn heat(v: Option<f64>) -> String {
    match v {
        None => "#ddd".to_string(),
        Some(v) => {
            let t = ((v - 0.4) / 0.6).clamp(0.0, 1.0);
            let hue = 10.0 + t * 110.0;
            format!("hsl({hue:.0},70%,{:.0}%)", 80.0 - t * 25.0)
        }
    }
}

fn coef(c: &Coef, i: Option<&Interval>) -> String {
    match (c, i) {
        (Coef::Value(v), Some(i)) => format!(
            "<b>{v:.3}</b> <span class=ci>[{:.3}, {:.3}]</span>",
            i.low, i.high
        ),
        (Coef::Value(v), None) => format!("<b>{v:.3}</b>"),
        (Coef::Undefined(why), _) => format!(
            "<span class=undef title=\"{}\">undefined</span><div class=why>{}</div>",
            esc(why),
            esc(why)
        ),
    }
}

fn diff_html(from: &str, to: &str) -> String {
    let diff = TextDiff::from_chars(from, to);
    let mut o = String::new();
    for ch in diff.iter_all_changes() {
        let v = esc(ch.value());
        match ch.tag() {
            ChangeTag::Equal => o.push_str(&v),
            ChangeTag::Delete => {
                let _ = write!(o, "<del>{v}</del>");
            }
            ChangeTag::Insert => {
                let _ = write!(o, "<ins>{v}</ins>");
            }
        }
    }
    o.replace("</del><del>", "").replace("</ins><ins>", "")
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;vertical-align:top}
th{background:#f4f4f4;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ci{color:#666;font-size:.9em}.undef{color:#999;font-style:italic}.why{color:#888;font-size:.8em;max-width:22em}
.warn{background:#fff4d6;border-left:4px solid #e0a000;padding:.4em .8em}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
.charts{display:flex;flex-wrap:wrap;gap:2em}.quote{color:#444;font-style:italic}
svg text{font:12px system-ui,sans-serif}
";

fn heatmap(names: &[String], vals: &dyn Fn(usize, usize) -> Option<f64>, title: &str) -> String {
    let k = names.len();
    let cell = 56;
    let left = 10
        + names
            .iter()
            .map(|n| n.chars().count().min(16))
            .max()
            .unwrap_or(4)
            * 7;
    let top = 40;
    let w = left + k * cell + 10;
    let h = top + k * cell + 10;
    let mut s = format!(
        "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(title)
    );
    let _ = write!(
        s,
        "<text x=\"0\" y=\"14\" font-weight=\"bold\">{}</text>",
        esc(title)
    );
    for (i, n) in names.iter().enumerate() {
        let short: String = n.chars().take(16).collect();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            left - 4,
            top + i * cell + cell / 2 + 4,
            esc(&short),
            left + i * cell + cell / 2,
            top - 6,
            esc(&short)
        );
    }
    for i in 0..k {
        for j in 0..k {
            let (x, y) = (left + j * cell, top + i * cell);
            if i == j {
                let _ = write!(
                    s,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"#f4f4f4\" stroke=\"#fff\"/>"
                );
                continue;
            }
            let v = vals(i, j);
            let label = v.map_or("n/a".to_string(), |v| format!("{v:.2}"));
            let _ = write!(
                s,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{}\" stroke=\"#fff\"><title>{}</title></rect><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
                heat(v),
                esc(&format!("{} / {}: {label}", names[i], names[j])),
                x + cell / 2,
                y + cell / 2 + 4
            );
        }
    }
    s.push_str("</svg></figure>");
    s
}

fn confusion_svg(title: &str, counts: &[[u64; 5]; 5]) -> String {
    let cell = 64;
    let left = 80;
    let top = 40;
    let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    let mut s = format!(
        "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">",
        left + 5 * cell + 10,
        top + 5 * cell + 10,
        esc(title)
    );
    let _ = write!(
        s,
        "<text x=\"0\" y=\"14\" font-weight=\"bold\">{}</text>",
        esc(title)
    );
    for (i, l) in CONFUSION_LABELS.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{l}</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{l}</text>",
            left - 4,
            top + i * cell + cell / 2 + 4,
            left + i * cell + cell / 2,
            top - 6
        );
    }
    for (i, row) in counts.iter().enumerate() {
        for (j, &n) in row.iter().enumerate() {
            // Square root so that small off-diagonal counts stay visible next to a large
            // diagonal.
            let t = (n as f64 / max).sqrt();
            let fill = if i == j {
                format!("hsl(130,55%,{:.0}%)", 96.0 - t * 50.0)
            } else {
                format!("hsl(8,70%,{:.0}%)", 96.0 - t * 45.0)
            };
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\" stroke=\"#fff\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{n}</text>",
                left + j * cell,
                top + i * cell,
                left + j * cell + cell / 2,
                top + i * cell + cell / 2 + 4
            );
        }
    }
    s.push_str("</svg></figure>");
    s
}

fn documents_svg(r: &Report) -> String {
    let docs = documents_worst_first(r);
    let shown = limited(&docs, r.limit);
    if shown.is_empty() {
        return String::new();
    }
    let row = 18;
    let left = 10
        + shown
            .iter()
            .map(|d| d.doc_id.chars().count().min(30))
            .max()
            .unwrap_or(8)
            * 7;
    let width = 360;
    let top = 24;
    let mut s = format!(
        "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"share of unanimous quotes per document\">",
        left + width + 60,
        top + shown.len() * row + 10
    );
    let _ = write!(
        s,
        "<text x=\"0\" y=\"14\" font-weight=\"bold\">Share of quotes with a unanimous answer</text>"
    );
    for (i, d) in shown.iter().enumerate() {
        let share = d.unanimous as f64 / d.units.max(1) as f64;
        let y = top + i * row;
        let name: String = d.doc_id.chars().take(30).collect();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{left}\" y=\"{}\" width=\"{width}\" height=\"{}\" fill=\"#eee\"/><rect x=\"{left}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect><text x=\"{}\" y=\"{}\">{:.0}% of {}</text>",
            left - 4,
            y + row - 5,
            esc(&name),
            y + 2,
            row - 4,
            y + 2,
            share * width as f64,
            row - 4,
            heat(Some(share)),
            esc(&format!(
                "{}: {} of {} unanimous",
                d.doc_id, d.unanimous, d.units
            )),
            left + width + 4,
            y + row - 5,
            share * 100.0,
            d.units
        );
    }
    s.push_str("</svg></figure>");
    s
}

pub fn render(r: &Report) -> String {
    let names: Vec<String> = r.annotators.iter().map(|a| a.name.clone()).collect();
    let k = names.len();
    let all_pairs = pairs(k);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Inter-annotator agreement</title><style>{STYLE}</style></head><body>\n<h1>Inter-annotator agreement</h1>\n"
    );
    let _ = writeln!(
        o,
        "<p>{} annotators, {} quotes ({} in every file, {} aligned by span overlap, {} unaligned); speakers compared with <code>--speaker-match {}</code>.</p>",
        k,
        r.units,
        r.units - r.unaligned.len(),
        r.aligned_by_overlap,
        r.unaligned.len(),
        format!("{:?}", r.speaker_match).to_lowercase()
    );
    for w in &r.warnings {
        let _ = writeln!(o, "<p class=warn>Warning: {}</p>", esc(w));
    }

    let _ = writeln!(
        o,
        "<h2>Coverage</h2><table><tr><th>annotator</th><th>file</th><th>rows</th><th>answered</th><th>confirmed</th><th>corrected</th><th>rejected</th><th>flagged</th><th>pending</th><th>missing</th></tr>"
    );
    for a in &r.annotators {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&a.name),
            esc(&a.file),
            a.rows,
            a.answered(),
            a.by_status[0],
            a.by_status[1],
            a.by_status[2],
            a.by_status[3],
            a.pending,
            a.missing
        );
    }
    o.push_str("</table>\n");

    let _ = write!(o, "<h2>Agreement</h2><table><tr><th>coefficient</th>");
    for f in &r.fields {
        let _ = write!(o, "<th>{}</th>", f.name);
    }
    o.push_str("</tr>\n");
    for (row, (label, _)) in COEFFICIENTS.iter().enumerate() {
        let _ = write!(o, "<tr><th>{}</th>", esc(label));
        for f in &r.fields {
            let (c, i) = f.coefficients()[row];
            let _ = write!(o, "<td>{}</td>", coef(c, i));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("<tr><th>quotes compared (answered by all)</th>");
    for f in &r.fields {
        let _ = write!(
            o,
            "<td class=n>{} ({})</td>",
            f.units_pairable, f.units_complete
        );
    }
    o.push_str("</tr></table>\n");
    if r.bootstrap > 0 {
        let _ = writeln!(
            o,
            "<p class=ci>Intervals: 95% percentile bootstrap over quotes, {} replicates, seed {}.</p>",
            r.bootstrap, r.seed
        );
    }

    o.push_str("<h2>Pairwise agreement</h2><div class=charts>");
    for f in &r.fields {
        let get = |i: usize, j: usize| f.cohen_kappa(i, j).value();
        o.push_str(&heatmap(
            &names,
            &get,
            &format!("Cohen's kappa, {}", f.name),
        ));
    }
    o.push_str("</div>\n<table><tr><th>pair</th>");
    for f in &r.fields {
        let _ = write!(
            o,
            "<th>{0}: quotes</th><th>{0}: agreement</th><th>{0}: kappa</th>",
            f.name
        );
    }
    o.push_str("</tr>\n");
    for (p, &(i, j)) in all_pairs.iter().enumerate() {
        let _ = write!(o, "<tr><td>{} / {}</td>", esc(&names[i]), esc(&names[j]));
        for f in &r.fields {
            let iv = f.intervals.as_ref().and_then(|v| v.cohen_kappa[p].as_ref());
            let _ = write!(
                o,
                "<td class=n>{}</td><td class=n>{}</td><td>{}</td>",
                f.pair_units[p],
                fmt_coef(&f.pair_agreement[p]),
                coef(&f.summary.cohen_kappa[p], iv)
            );
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");

    o.push_str("<h2>Status confusion</h2><div class=charts>");
    for c in &r.status_confusion {
        o.push_str(&confusion_svg(
            &format!("{} (rows) × {} (columns)", names[c.a], names[c.b]),
            &c.counts,
        ));
    }
    o.push_str("</div>\n");

    let docs = documents_worst_first(r);
    let shown = limited(&docs, r.limit);
    let _ = writeln!(
        o,
        "<h2>Per document</h2><p>{} documents{}.</p>{}",
        docs.len(),
        if shown.len() < docs.len() {
            format!("; the {} with the least agreement", shown.len())
        } else {
            String::new()
        },
        documents_svg(r)
    );
    o.push_str("<table><tr><th>document</th><th>quotes</th><th>unanimous</th><th>status agreement</th><th>status alpha</th><th>speaker agreement</th></tr>\n");
    for d in shown {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&d.doc_id),
            d.units,
            d.unanimous,
            fmt_coef(&d.status_agreement),
            fmt_coef(&d.status_alpha),
            fmt_coef(&d.speaker_agreement)
        );
    }
    o.push_str("</table>\n");

    if !r.unaligned.is_empty() {
        let shown = limited(&r.unaligned, r.limit);
        let _ = writeln!(
            o,
            "<h2>In only some files</h2><p>{} quotes{}.</p><table><tr><th>quote_id</th><th>document</th><th>span</th><th>in</th></tr>",
            r.unaligned.len(),
            if shown.len() < r.unaligned.len() {
                format!("; the first {}", shown.len())
            } else {
                String::new()
            }
        );
        for u in shown {
            let who: Vec<&str> = u.present.iter().map(|&i| names[i].as_str()).collect();
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}–{}</td><td>{}</td></tr>",
                esc(&u.quote_id),
                esc(&u.doc_id),
                u.start,
                u.end,
                esc(&who.join(", "))
            );
        }
        o.push_str("</table>\n");
    }

    let shown = limited(&r.disagreements, r.limit);
    let _ = writeln!(
        o,
        "<h2>Disagreements</h2><p>{} of {} quotes{}.</p>",
        r.disagreements_total,
        r.units,
        if shown.len() < r.disagreements_total {
            format!("; the first {}", shown.len())
        } else {
            String::new()
        }
    );
    if !shown.is_empty() {
        o.push_str("<table><tr><th>quote</th>");
        for n in &names {
            let _ = write!(o, "<th>{}</th>", esc(n));
        }
        o.push_str("</tr>\n");
        for d in shown {
            let _ = write!(
                o,
                "<tr><td><code>{}</code> <small>{}; differs: {}</small><div class=quote>“{}”</div></td>",
                esc(&d.quote_id),
                esc(&d.doc_id),
                d.fields.join(", "),
                esc(&d.quote)
            );
            for a in &d.answers {
                let s = match (a.present, a.status) {
                    (false, _) => "<span class=undef>no row</span>".to_string(),
                    (true, None) => "<span class=undef>pending</span>".to_string(),
                    (true, Some(s)) => s.as_str().to_string(),
                };
                let sp = match (&a.speaker, &d.majority_speaker) {
                    (Some(sp), Some(m)) if m != sp => format!("<br>{}", diff_html(m, sp)),
                    (Some(sp), _) => format!("<br>{}", esc(sp)),
                    (None, _) => String::new(),
                };
                let _ = write!(o, "<td>{s}{sp}</td>");
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</table>\n");
    }
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        assert_eq!(diff_html("ab", "a<b"), "a<ins>&lt;</ins>b");
    }
}
