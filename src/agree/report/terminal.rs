//! The report for people at a terminal (the default format). Colour only when asked for (the
//! command asks when standard output is a terminal); every piece of file content is passed
//! through [`crate::text::sanitize_one_line_for_screen`] first: control characters
//! neutralised, invisible ones shown (`Lena⍽Ortiz` is not `LenaOrtiz`).

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::{
    COEFFICIENTS, CONFUSION_LABELS, Coef, Report, documents_worst_first, fmt_coef, limited,
};
use crate::agree::metrics::Interval;
use crate::text::sanitize_one_line_for_screen as sanitize_one_line;

struct Style {
    colour: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn warn(&self, s: &str) -> String {
        self.paint("33", s)
    }
    /// A coefficient coloured by the usual reading (≥ 0.8 good, ≥ 0.667 tentative, else poor).
    fn coef(&self, c: &Coef) -> String {
        match c {
            Coef::Value(v) => {
                let code = if *v >= 0.8 {
                    "32"
                } else if *v >= 0.667 {
                    "33"
                } else {
                    "31"
                };
                self.paint(code, &format!("{v:.3}"))
            }
            Coef::Undefined(_) => self.dim("undefined"),
        }
    }
}

fn interval(i: Option<&Interval>) -> String {
    match i {
        Some(i) => format!("[{:.3}, {:.3}]", i.low, i.high),
        None => String::new(),
    }
}

/// Pads to a display width (the strings here are names and numbers; wide characters in names
/// are measured with unicode-width).
fn pad(s: &str, w: usize) -> String {
    let width = unicode_width::UnicodeWidthStr::width(strip_ansi(s).as_str());
    format!("{s}{}", " ".repeat(w.saturating_sub(width)))
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_esc = false;
    for c in s.chars() {
        if in_esc {
            if c == 'm' {
                in_esc = false;
            }
        } else if c == '\x1b' {
            in_esc = true;
        } else {
            out.push(c);
        }
    }
    out
}

/// Shortens text to `max` characters for one-line display.
fn clip(s: &str, max: usize) -> String {
    let s = sanitize_one_line(s);
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// An inline character diff from `from` to `to`: deletions as `[-…-]`, insertions as `{+…+}`
/// (and red/green when colour is on).
pub fn char_diff(from: &str, to: &str, colour: bool) -> String {
    let (from, to) = (sanitize_one_line(from), sanitize_one_line(to));
    let diff = TextDiff::from_chars(from.as_str(), to.as_str());
    let mut out = String::new();
    let mut run: Option<(ChangeTag, String)> = None;
    let flush = |out: &mut String, run: Option<(ChangeTag, String)>| {
        if let Some((tag, s)) = run {
            match (tag, colour) {
                (ChangeTag::Equal, _) => out.push_str(&s),
                (ChangeTag::Delete, true) => write!(out, "\x1b[31;9m{s}\x1b[0m").unwrap_or(()),
                (ChangeTag::Insert, true) => write!(out, "\x1b[32;4m{s}\x1b[0m").unwrap_or(()),
                (ChangeTag::Delete, false) => write!(out, "[-{s}-]").unwrap_or(()),
                (ChangeTag::Insert, false) => write!(out, "{{+{s}+}}").unwrap_or(()),
            }
        }
    };
    for ch in diff.iter_all_changes() {
        let tag = ch.tag();
        match &mut run {
            Some((t, s)) if *t == tag => s.push_str(ch.value()),
            _ => {
                flush(&mut out, run.take());
                run = Some((tag, ch.value().to_string()));
            }
        }
    }
    flush(&mut out, run);
    out
}

pub fn render(r: &Report, colour: bool) -> String {
    let st = Style { colour };
    let mut o = String::new();
    let names: Vec<String> = r
        .annotators
        .iter()
        .map(|a| sanitize_one_line(&a.name))
        .collect();
    let _ = writeln!(
        o,
        "{} {} annotators, {} quotes ({} in every file, {} aligned by span overlap, {} unaligned); speakers compared {}",
        st.bold("quotecheck diff:"),
        r.annotators.len(),
        r.units,
        r.units - r.unaligned.len(),
        r.aligned_by_overlap,
        r.unaligned.len(),
        match r.speaker_match {
            crate::speaker::SpeakerMatch::Exact => "exactly",
            crate::speaker::SpeakerMatch::Normalized => "normalised",
            crate::speaker::SpeakerMatch::Surname => "by surname",
            crate::speaker::SpeakerMatch::Overlap => "by shared content word",
        }
    );
    for w in &r.warnings {
        let _ = writeln!(o, "{} {}", st.warn("warning:"), sanitize_one_line(w));
    }

    // Coverage
    let _ = writeln!(o, "\n{}", st.bold("Coverage"));
    let nw = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4)
        .max(9)
        + 2;
    let _ = writeln!(
        o,
        "  {}{:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  file",
        pad("annotator", nw),
        "rows",
        "answered",
        "confirmed",
        "corrected",
        "rejected",
        "flagged",
        "pending",
        "missing"
    );
    for (a, n) in r.annotators.iter().zip(&names) {
        let _ = writeln!(
            o,
            "  {}{:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  {}",
            pad(n, nw),
            a.rows,
            a.answered(),
            a.by_status[0],
            a.by_status[1],
            a.by_status[2],
            a.by_status[3],
            a.pending,
            a.missing,
            sanitize_one_line(&a.file)
        );
    }

    // Coefficients
    let _ = writeln!(o, "\n{}", st.bold("Agreement"));
    let cw = 30;
    let mut head = format!("  {}", pad("", 24));
    for f in &r.fields {
        head.push_str(&pad(f.name, cw));
    }
    let _ = writeln!(o, "{}", head.trim_end());
    for (row, (label, _)) in COEFFICIENTS.iter().enumerate() {
        let mut line = format!("  {}", pad(label, 24));
        for f in &r.fields {
            let (c, i) = f.coefficients()[row];
            let cell = format!("{} {}", st.coef(c), interval(i));
            line.push_str(&pad(&cell, cw));
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }
    let mut line = format!("  {}", pad("units compared", 24));
    for f in &r.fields {
        line.push_str(&pad(
            &format!("{} ({} by all)", f.units_pairable, f.units_complete),
            cw,
        ));
    }
    let _ = writeln!(o, "{}", line.trim_end());
    let mut reasons = Vec::new();
    for f in &r.fields {
        for ((label, _), (c, _)) in COEFFICIENTS.iter().zip(f.coefficients()) {
            if let Some(why) = c.reason() {
                reasons.push(format!("{} {label}: undefined: {why}", f.name));
            }
        }
    }
    for why in reasons {
        let _ = writeln!(o, "  {}", st.dim(&why));
    }
    if r.bootstrap == 0 {
        let _ = writeln!(o, "  {}", st.dim("(95% intervals: add --bootstrap 1000)"));
    } else {
        let _ = writeln!(
            o,
            "  {}",
            st.dim(&format!(
                "[95% bootstrap intervals over quotes, {} replicates, seed {}]",
                r.bootstrap, r.seed
            ))
        );
    }
    if let Some(f) = r.fields.iter().find(|f| f.name == "status")
        && f.units_complete < f.units_pairable
    {
        let _ = writeln!(
            o,
            "  {}",
            st.dim("(Fleiss' kappa uses only the quotes every annotator answered)")
        );
    }

    // Pairwise matrix
    let k = r.annotators.len();
    let pw = nw.max(8);
    for f in &r.fields {
        let _ = writeln!(
            o,
            "\n{}",
            st.bold(&format!("Cohen's kappa by pair, {}", f.name))
        );
        let mut head = format!("  {}", pad("", pw));
        for n in &names {
            head.push_str(&pad(n, pw));
        }
        let _ = writeln!(o, "{}", head.trim_end());
        for (i, name) in names.iter().enumerate() {
            let mut line = format!("  {}", pad(name, pw));
            for j in 0..k {
                let cell = if i == j {
                    st.dim("—")
                } else {
                    st.coef(f.cohen_kappa(i, j))
                };
                line.push_str(&pad(&cell, pw));
            }
            let _ = writeln!(o, "{}", line.trim_end());
        }
    }

    // Confusion
    for c in &r.status_confusion {
        let _ = writeln!(
            o,
            "\n{}",
            st.bold(&format!(
                "Status: {} (rows) × {} (columns)",
                names[c.a], names[c.b]
            ))
        );
        let mut head = format!("  {}", pad("", 11));
        for l in CONFUSION_LABELS {
            head.push_str(&format!("{l:>11}"));
        }
        let _ = writeln!(o, "{head}");
        for (i, l) in CONFUSION_LABELS.iter().enumerate() {
            let mut line = format!("  {}", pad(l, 11));
            for (j, &n) in c.counts[i].iter().enumerate() {
                let s = format!("{n:>11}");
                line.push_str(&if i == j && i < 4 { st.bold(&s) } else { s });
            }
            let _ = writeln!(o, "{line}");
        }
    }

    // Documents
    let docs = documents_worst_first(r);
    let shown = limited(&docs, r.limit);
    let _ = writeln!(
        o,
        "\n{}",
        st.bold(&format!(
            "Per document ({} documents{})",
            docs.len(),
            if shown.len() < docs.len() {
                format!(", the {} with the least agreement", shown.len())
            } else {
                String::new()
            }
        ))
    );
    let dw = shown
        .iter()
        .map(|d| clip(&d.doc_id, 40).chars().count())
        .max()
        .unwrap_or(8)
        .max(8)
        + 2;
    let _ = writeln!(
        o,
        "  {}{:>7} {:>10} {:>13} {:>13} {:>14}",
        pad("document", dw),
        "quotes",
        "unanimous",
        "status agree",
        "status alpha",
        "speaker agree"
    );
    for d in shown {
        let _ = writeln!(
            o,
            "  {}{:>7} {:>10} {:>13} {:>13} {:>14}",
            pad(&clip(&d.doc_id, 40), dw),
            d.units,
            d.unanimous,
            fmt_coef(&d.status_agreement),
            fmt_coef(&d.status_alpha),
            fmt_coef(&d.speaker_agreement)
        );
    }

    // Unaligned
    if !r.unaligned.is_empty() {
        let shown = limited(&r.unaligned, r.limit);
        let _ = writeln!(
            o,
            "\n{}",
            st.bold(&format!(
                "In only some files ({}{})",
                r.unaligned.len(),
                if shown.len() < r.unaligned.len() {
                    format!(", first {}", shown.len())
                } else {
                    String::new()
                }
            ))
        );
        for u in shown {
            let who: Vec<&str> = u.present.iter().map(|&i| names[i].as_str()).collect();
            let _ = writeln!(
                o,
                "  {}  {} {}-{}  in: {}",
                clip(&u.quote_id, 40),
                clip(&u.doc_id, 30),
                u.start,
                u.end,
                who.join(", ")
            );
        }
    }

    // Disagreements
    let shown = limited(&r.disagreements, r.limit);
    let _ = writeln!(
        o,
        "\n{}",
        st.bold(&format!(
            "Disagreements ({} of {} quotes{})",
            r.disagreements_total,
            r.units,
            if shown.len() < r.disagreements_total {
                format!(", first {}; --limit 0 shows all", shown.len())
            } else {
                String::new()
            }
        ))
    );
    if shown.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for d in shown {
        let _ = writeln!(
            o,
            "  {}  {}  [{}]",
            st.bold(&clip(&d.quote_id, 50)),
            st.dim(&clip(&d.doc_id, 30)),
            d.fields.join(", ")
        );
        let _ = writeln!(o, "    “{}”", clip(&d.quote, 100));
        for (a, n) in d.answers.iter().zip(&names) {
            let status = match (a.present, a.status) {
                (false, _) => "(no row)".to_string(),
                (true, None) => "pending".to_string(),
                (true, Some(s)) => s.as_str().to_string(),
            };
            let mut line = format!("    {}{}", pad(n, nw), pad(&status, 11));
            if let Some(sp) = &a.speaker {
                line.push_str(&clip(sp, 60));
                if let Some(m) = &d.majority_speaker
                    && m != sp
                {
                    let _ = write!(line, "   {}", char_diff(m, sp, colour));
                }
            }
            let _ = writeln!(o, "{}", line.trim_end());
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_diff_marks_changes() {
        assert_eq!(
            char_diff("Lena Ortiz", "Lena Ortis", false),
            "Lena Orti[-z-]{+s+}"
        );
        assert_eq!(char_diff("a", "a", false), "a");
        assert!(char_diff("x", "y", true).contains("\x1b[31;9mx"));
        // Control characters in names never reach the terminal.
        assert!(!char_diff("a", "a\x1b[2J", false).contains('\x1b'));
        // and an invisible character in a name shows
        assert_eq!(
            char_diff("Lena Ortiz", "Lena\u{200b}Ortiz", false),
            "Lena[- -]{+\u{237d}+}Ortiz"
        );
    }

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("héllo wörld", 5), "héll…");
        assert_eq!(clip("a\nb", 5), "a b");
    }
}
