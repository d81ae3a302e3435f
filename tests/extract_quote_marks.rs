//! Quotation marks beyond English: guillemets both ways round (`«…»` in French and Swiss text,
//! `»…«` in German), German low-high quotes `„…“` and `‚…‘`.

use quotecheck::schema::Kind;

mod common;
use common::{extract, quote};

fn quotes(text: &str) -> Vec<String> {
    extract(text).into_iter().map(|r| r.quote).collect()
}

/// `»…«` (German): `»` opens, `«` closes.
#[test]
fn reversed_guillemets() {
    let t = "\u{bb}We will manage this\u{ab}, said Chancellor Angela Merkel.";
    let rows = extract(t);
    let r = quote(&rows, "We will manage this");
    assert_eq!(r.quote, "We will manage this");
    assert_eq!(r.speaker, "Angela Merkel");
    assert_eq!(r.kind, Kind::Direct);
    assert_eq!(r.rule, "adjacent-after");
    assert_eq!((r.start, r.end), (1, 20));
}

/// Reversed guillemets through the rest of the pipeline: a quotation that runs over two
/// paragraphs (reopening with `»`), a sentence break after `.«`, nested `›…‹`, a quotation
/// after a colon.
#[test]
fn reversed_guillemets_across_paragraphs_and_sentences() {
    let t = "Chancellor Angela Merkel was calm on Monday. \u{bb}We have managed so much. \
             We will manage this too.\n\n\u{bb}Nobody told me \u{203a}never\u{2039} before, and \
             nobody will.\u{ab} Then she left.\n\nThe minister Peter Altmaier said: \u{bb}The \
             borders stay open for now.\u{ab}";
    let rows = extract(t);
    let first = quote(&rows, "We have managed");
    assert_eq!(
        first.quote,
        "We have managed so much. We will manage this too."
    );
    assert_eq!(first.speaker, "Angela Merkel");
    assert_eq!(first.kind, Kind::Direct);
    let second = quote(&rows, "Nobody told me");
    assert_eq!(
        second.quote,
        "Nobody told me \u{203a}never\u{2039} before, and nobody will."
    );
    assert_eq!(second.speaker, "Angela Merkel");
    let third = quote(&rows, "The borders");
    assert_eq!(third.speaker, "Peter Altmaier");
    assert_eq!(third.rule, "adjacent-before");
}

/// A sentence ends after the closing mark of German quotes as after an English `”`, and one
/// opens with `»` or `„`: the rows are those of the same text in English marks.
#[test]
fn sentences_end_after_german_closing_marks() {
    let english = "Chancellor Angela Merkel was calm. \u{201c}We will manage this.\u{201d} Then she \
                   left. \u{201c}Nobody saw it coming.\u{201d} Peter Altmaier said that twice.";
    let want = extract(english);
    assert_eq!(want.len(), 2, "{want:#?}");
    // (one character for another: `“` is an opening mark in English and a closing one in German)
    let swap = |s: &str, from: [char; 2], to: [char; 2]| -> String {
        s.chars()
            .map(|c| match from.iter().position(|&f| f == c) {
                Some(i) => to[i],
                None => c,
            })
            .collect()
    };
    let marks = ['\u{201c}', '\u{201d}'];
    for german in [['\u{201e}', '\u{201c}'], ['\u{bb}', '\u{ab}']] {
        let t = swap(english, marks, german);
        let got = extract(&t);
        assert_eq!(got.len(), want.len(), "{t}: {got:#?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(
                (g.kind, &g.quote, &g.speaker, &g.rule, g.start, g.end),
                (w.kind, &w.quote, &w.speaker, &w.rule, w.start, w.end),
                "{t}"
            );
            assert_eq!(swap(&g.context, german, marks), w.context, "{t}");
        }
    }
}

/// French and Swiss guillemets keep working, with and without the spaces inside them
/// (`« Non »`, a narrow no-break space, `«Non»`), and a `» ` that closes a French quotation is
/// no opener of a German one.
#[test]
fn french_guillemets_are_not_reversed() {
    for (open, close) in [
        ("\u{ab} ", " \u{bb}"),
        ("\u{ab}\u{202f}", "\u{202f}\u{bb}"),
        ("\u{ab}", "\u{bb}"),
    ] {
        let t = format!(
            "{open}We are ready for the flood{close}, said Mayor Lena Ortiz. The council met. \
             {open}The pumps are running{close} \u{2014} Ortiz said it twice."
        );
        let rows = extract(&t);
        assert_eq!(
            quote(&rows, "We are ready").quote,
            "We are ready for the flood",
            "{open:?}"
        );
        assert_eq!(quote(&rows, "We are ready").speaker, "Lena Ortiz");
        assert_eq!(quote(&rows, "The pumps").quote, "The pumps are running");
    }
    // single guillemets inside double ones are nested, both ways round
    for (o, c, o1, c1) in [
        ("\u{ab}", "\u{bb}", "\u{2039}", "\u{203a}"),
        ("\u{bb}", "\u{ab}", "\u{203a}", "\u{2039}"),
    ] {
        let t = format!("{o}He told me {o1}never{c1} before{c}, said welder Jo Dunn.");
        assert_eq!(quotes(&t), [format!("He told me {o1}never{c1} before")]);
    }
}

/// German low-high double quotes, with low-high single ones nested or as the outer marks.
#[test]
fn german_low_high_quotes() {
    let t = "\u{201e}We will manage this\u{201c}, said Chancellor Angela Merkel.";
    let r = &extract(t)[0];
    assert_eq!(r.quote, "We will manage this");
    assert_eq!(r.speaker, "Angela Merkel");
    let t = "\u{201e}He told me \u{201a}never\u{2018} before\u{201c}, said welder Jo Dunn.";
    assert_eq!(quotes(t), ["He told me \u{201a}never\u{2018} before"]);
    assert_eq!(extract(t)[0].speaker, "Jo Dunn");
    let t = "\u{201a}We will manage this,\u{2018} said Chancellor Angela Merkel.";
    assert_eq!(quotes(t), ["We will manage this,"]);
    assert_eq!(extract(t)[0].speaker, "Angela Merkel");
}
