//! The report as Markdown tables (`--format markdown`), for pull requests and dataset cards.

use std::fmt::Write as _;

use super::{
    COEFFICIENTS, CONFUSION_LABELS, Coef, Report, documents_worst_first, fmt_coef, limited,
};
use crate::agree::metrics::Interval;
use crate::text::sanitize_one_line;

/// Escapes text for a table cell: pipes, and characters Markdown would read as markup.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in sanitize_one_line(s).chars() {
        if matches!(
            c,
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn coef(c: &Coef, i: Option<&Interval>) -> String {
    match (c, i) {
        (Coef::Value(v), Some(i)) => format!("{v:.3} [{:.3}, {:.3}]", i.low, i.high),
        (Coef::Value(v), None) => format!("{v:.3}"),
        (Coef::Undefined(why), _) => format!("undefined ({})", cell(why)),
    }
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let names: Vec<String> = r.annotators.iter().map(|a| cell(&a.name)).collect();
    let _ = writeln!(o, "# Inter-annotator agreement\n");
    let _ = writeln!(
        o,
        "{} annotators, {} quotes ({} in every file, {} aligned by span overlap, {} unaligned); speakers compared with `--speaker-match {}`.\n",
        r.annotators.len(),
        r.units,
        r.units - r.unaligned.len(),
        r.aligned_by_overlap,
        r.unaligned.len(),
        format!("{:?}", r.speaker_match).to_lowercase()
    );
    for w in &r.warnings {
        let _ = writeln!(o, "> **Warning:** {}\n", cell(w));
    }

    let _ = writeln!(o, "## Coverage\n");
    let _ = writeln!(
        o,
        "| annotator | file | rows | answered | confirmed | corrected | rejected | flagged | pending | missing |"
    );
    let _ = writeln!(o, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    for (a, n) in r.annotators.iter().zip(&names) {
        let _ = writeln!(
            o,
            "| {n} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&a.file),
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

    let _ = writeln!(o, "\n## Agreement\n");
    let mut head = String::from("| coefficient |");
    let mut rule = String::from("|---|");
    for f in &r.fields {
        let _ = write!(head, " {} |", f.name);
        rule.push_str("---|");
    }
    let _ = writeln!(o, "{head}\n{rule}");
    for (row, (label, _)) in COEFFICIENTS.iter().enumerate() {
        let mut line = format!("| {label} |");
        for f in &r.fields {
            let (c, i) = f.coefficients()[row];
            let _ = write!(line, " {} |", coef(c, i));
        }
        let _ = writeln!(o, "{line}");
    }
    let mut line = String::from("| quotes compared (answered by all) |");
    for f in &r.fields {
        let _ = write!(line, " {} ({}) |", f.units_pairable, f.units_complete);
    }
    let _ = writeln!(o, "{line}");
    if r.bootstrap > 0 {
        let _ = writeln!(
            o,
            "\nIntervals: 95% percentile bootstrap over quotes, {} replicates, seed {}.",
            r.bootstrap, r.seed
        );
    }

    let k = r.annotators.len();
    for f in &r.fields {
        let _ = writeln!(o, "\n## Cohen's kappa by pair, {}\n", f.name);
        let _ = writeln!(o, "| | {} |\n|---|{}", names.join(" | "), "--:|".repeat(k));
        for (i, name) in names.iter().enumerate() {
            let mut line = format!("| **{name}** |");
            for j in 0..k {
                if i == j {
                    line.push_str(" — |");
                } else {
                    let _ = write!(line, " {} |", fmt_coef(f.cohen_kappa(i, j)));
                }
            }
            let _ = writeln!(o, "{line}");
        }
    }

    for c in &r.status_confusion {
        let _ = writeln!(
            o,
            "\n## Status: {} (rows) × {} (columns)\n",
            names[c.a], names[c.b]
        );
        let _ = writeln!(
            o,
            "| | {} |\n|---|{}",
            CONFUSION_LABELS.join(" | "),
            "--:|".repeat(5)
        );
        for (i, l) in CONFUSION_LABELS.iter().enumerate() {
            let cells: Vec<String> = c.counts[i].iter().map(u64::to_string).collect();
            let _ = writeln!(o, "| **{l}** | {} |", cells.join(" | "));
        }
    }

    let docs = documents_worst_first(r);
    let shown = limited(&docs, r.limit);
    let _ = writeln!(
        o,
        "\n## Per document\n\n{} documents{}.\n",
        docs.len(),
        if shown.len() < docs.len() {
            format!("; the {} with the least agreement", shown.len())
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        o,
        "| document | quotes | unanimous | status agreement | status alpha | speaker agreement |\n|---|--:|--:|--:|--:|--:|"
    );
    for d in shown {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&d.doc_id),
            d.units,
            d.unanimous,
            fmt_coef(&d.status_agreement),
            fmt_coef(&d.status_alpha),
            fmt_coef(&d.speaker_agreement)
        );
    }

    if !r.unaligned.is_empty() {
        let shown = limited(&r.unaligned, r.limit);
        let _ = writeln!(
            o,
            "\n## In only some files\n\n{} quotes{}.\n\n| quote_id | document | span | in |\n|---|---|---|---|",
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
                "| {} | {} | {}–{} | {} |",
                cell(&u.quote_id),
                cell(&u.doc_id),
                u.start,
                u.end,
                who.join(", ")
            );
        }
    }

    let shown = limited(&r.disagreements, r.limit);
    let _ = writeln!(
        o,
        "\n## Disagreements\n\n{} of {} quotes{}.\n",
        r.disagreements_total,
        r.units,
        if shown.len() < r.disagreements_total {
            format!("; the first {}", shown.len())
        } else {
            String::new()
        }
    );
    if !shown.is_empty() {
        let mut head = String::from("| quote_id | quote | differs |");
        let mut rule = String::from("|---|---|---|");
        for n in &names {
            let _ = write!(head, " {n} |");
            rule.push_str("---|");
        }
        let _ = writeln!(o, "{head}\n{rule}");
        for d in shown {
            let mut line = format!(
                "| {} | {} | {} |",
                cell(&d.quote_id),
                cell(&d.quote),
                d.fields.join(", ")
            );
            for a in &d.answers {
                let s = match (a.present, a.status) {
                    (false, _) => "(no row)".to_string(),
                    (true, None) => "pending".to_string(),
                    (true, Some(s)) => s.as_str().to_string(),
                };
                match &a.speaker {
                    Some(sp) => {
                        let _ = write!(line, " {s}: {} |", cell(sp));
                    }
                    None => {
                        let _ = write!(line, " {s} |");
                    }
                }
            }
            let _ = writeln!(o, "{line}");
        }
    }
    o
}
