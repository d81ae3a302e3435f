//! Line ends: a lone CR (old Mac text) ends a line as LF and CRLF do, so paragraphs, the
//! attribution windows built on them and the multi-paragraph convention come out the same
//! whichever line end a document uses; offsets stay code points into the text as given.

use proptest::prelude::*;
use quotecheck::schema::{Kind, QuoteRecord};

mod common;
use common::{extract, extract_all, quote};

const LINE_ENDS: [&str; 3] = ["\n", "\r\n", "\r"];

/// A quotation that runs over three paragraphs reopens at each; a quote-only paragraph
/// continues its speaker; a quotation opening a paragraph after a report goes to the reporter.
/// None of it holds when the paragraphs are not told apart.
#[test]
fn paragraphs_end_at_every_kind_of_line_end() {
    for nl in LINE_ENDS {
        let t = format!(
            "\u{201c}Supply is stable,\u{201d} said Dr. Amara Okafor. \u{201c}We have doses for \
             every adult.{nl}{nl}\u{201c}Clinics open Monday.{nl}{nl}\u{201c}Bring an ID and a letter from \
             your doctor.\u{201d}\
             {nl}{nl}Mayor Tom Reyes said he wanted more time.{nl}\u{201c}We are not there \
             yet.\u{201d}{nl}The council met on Tuesday."
        );
        let rows = extract(&t);
        for p in ["We have doses", "Clinics open", "Bring an ID"] {
            let r = quote(&rows, p);
            assert_eq!(r.speaker, "Amara Okafor", "{p} with {nl:?}");
            assert!(!r.quote.contains(['\r', '\n']), "{:?} with {nl:?}", r.quote);
        }
        assert_eq!(quote(&rows, "Clinics open").quote, "Clinics open Monday.");
        let r = quote(&rows, "We are not there");
        assert_eq!(r.speaker, "Tom Reyes", "with {nl:?}");
        assert_eq!(r.rule, "prev-sentence", "with {nl:?}");
        assert_eq!(
            r.context,
            format!(
                "Mayor Tom Reyes said he wanted more time.{nl}\u{201c}We are not there yet.\u{201d}"
            )
        );
    }
}

/// A single line break between a word and a lowercase word only wraps the line, whichever the
/// line end; a blank line (two breaks) still ends the paragraph.
#[test]
fn a_wrapped_line_goes_on_with_any_line_end() {
    for nl in LINE_ENDS {
        let t = format!(
            "\u{201c}We will reopen the bridge,\u{201d} said Mayor Lena Ortiz.{nl}{nl}The council \
             met.{nl}{nl}\u{201c}Nobody saw it{nl}coming,\u{201d} Ortiz said.{nl}{nl}\
             \u{201c}The sign said closed{nl}{nl}and then it opened.\u{201d}"
        );
        let rows = extract(&t);
        let r = quote(&rows, "Nobody saw it");
        assert_eq!(r.quote, format!("Nobody saw it{nl}coming,"));
        assert_eq!(r.speaker, "Lena Ortiz");
        assert_eq!(r.rule, "adjacent-after");
        assert!(
            rows.iter().all(|r| !r.quote.contains("and then")),
            "a blank line ends the quotation with {nl:?}: {rows:#?}"
        );
    }
}

/// Code point `i` of the LF text, in the same text with every LF written as `nl`.
fn shift(lf: &[char], nl: &str, i: usize) -> usize {
    let extra = nl.chars().count() - 1;
    i + extra * lf[..i.min(lf.len())].iter().filter(|&&c| c == '\n').count()
}

fn to_lf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// What must not depend on the line end, with texts read back with LF line ends and offsets in
/// the LF text's code points: all but the quote id (made of the offsets) and the runner-up
/// candidates (ranked by distance in bytes, which the CR of a CRLF lengthens, so two close
/// runners-up may swap).
#[derive(Debug, PartialEq)]
struct Seen {
    kind: Kind,
    quote: String,
    start: usize,
    end: usize,
    speaker: String,
    speaker_mention: String,
    speaker_span: Option<(usize, usize)>,
    cue: String,
    rule: String,
    confidence: f64,
    context: String,
    context_start: Option<usize>,
}

fn seen(rows: &[QuoteRecord], lf: &[char], nl: &str) -> Vec<Seen> {
    // offsets of this text back to the LF text: invert `shift` by walking the LF text once
    let mut back = std::collections::HashMap::new();
    for i in 0..=lf.len() {
        back.insert(shift(lf, nl, i), i);
    }
    let lf_of = |i: usize| {
        *back
            .get(&i)
            .unwrap_or_else(|| panic!("offset {i} inside a line end {nl:?}"))
    };
    rows.iter()
        .map(|r| Seen {
            kind: r.kind,
            quote: to_lf(&r.quote),
            start: lf_of(r.start),
            end: lf_of(r.end),
            speaker: r.speaker.clone(),
            speaker_mention: to_lf(&r.speaker_mention),
            speaker_span: r
                .speaker_start
                .zip(r.speaker_end)
                .map(|(s, e)| (lf_of(s), lf_of(e))),
            cue: to_lf(&r.cue),
            rule: r.rule.clone(),
            confidence: r.confidence,
            context: to_lf(&r.context),
            context_start: r.context_start.map(lf_of),
        })
        .collect()
}

/// Pieces of news text: attributions before and after, pronouns, a report before a
/// quote-only paragraph, quotations that run on unclosed, wrapped words, every family of marks.
fn article() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "\u{201c}We will reopen the bridge,\u{201d}",
        "said Mayor Lena Ortiz.",
        "\u{201c}Nobody saw it",
        "coming,\u{201d}",
        "Ortiz said.",
        "he said.",
        "she told reporters.",
        "\u{201c}We have doses for every adult.",
        "\u{201c}Clinics open Monday.\u{201d}",
        "Gov. Nia Brooks was blunt.",
        "Dr. Amara Okafor said she wanted time.",
        "The council met on Tuesday.",
        "According to Sen. Joe Blake,",
        "\u{201c}the votes simply are not there.\u{201d}",
        "Blake called it",
        "\u{201c}a long night for everyone involved in the count,\u{201d}",
        "and",
        "\u{201c}a fraud\u{201d}",
        "\"Straight quotes work too,\"",
        "'I can't,'",
        "\u{2018}It\u{2019}s the players\u{2019} decision now,\u{2019}",
        "said coach Sam Ward.",
        "\u{ab}Nous sommes pr\u{ea}ts,\u{bb}",
        "a d\u{e9}clar\u{e9} le maire.",
        "\u{201e}Wir schaffen das\u{201c},",
        "sagte Angela Merkel.",
        "\u{2014}",
        "- Sanders.",
        "From the report:",
        "Police declined to comment.",
        "Kerry told Lavrov that aid could lead to a confrontation.",
        "The plan, officials said, would cost $5 million.",
        "\u{201c}",
        "\u{201d}",
        "\"",
        "coming",
        "it",
        "Ortiz",
        "\u{1f44b}",
    ]);
    let sep = prop::sample::select(vec![
        " ", " ", " ", ", ", "\n", "\n\n", " \n", "\n\n\n", "\n \n",
    ]);
    prop::collection::vec((piece, sep), 0..40)
        .prop_map(|v| v.into_iter().flat_map(|(p, s)| [p, s]).collect::<String>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The same rows, whichever the line end: LF, CRLF or a lone CR.
    #[test]
    fn rows_do_not_depend_on_the_line_end(lf in article()) {
        let chars: Vec<char> = lf.chars().collect();
        let want = seen(&extract_all(&lf), &chars, "\n");
        for nl in ["\r\n", "\r"] {
            let text = lf.replace('\n', nl);
            let got = seen(&extract_all(&text), &chars, nl);
            prop_assert_eq!(&got, &want, "line end {:?}", nl);
        }
    }
}
