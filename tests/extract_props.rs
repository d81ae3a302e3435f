//! Invariants of the extractor on arbitrary input: no panic, every span inside the document on
//! code-point boundaries, quote text equal to its span, confidence in [0, 1], unique ids.

use std::collections::HashSet;

use proptest::prelude::*;
use quotecheck::extract::{ExtractOptions, Extractor};
use std::sync::OnceLock;

fn extractor() -> &'static Extractor {
    static X: OnceLock<Extractor> = OnceLock::new();
    X.get_or_init(|| Extractor::new(ExtractOptions::default()))
}

fn slice(chars: &[char], s: usize, e: usize) -> String {
    chars[s..e].iter().collect()
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let rows = extractor().extract("doc", text);
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut ids = HashSet::new();
    let mut prev = 0;
    for r in &rows {
        prop_assert!(
            r.start <= r.end && r.end <= n,
            "span {}..{} of {n}",
            r.start,
            r.end
        );
        prop_assert_eq!(&slice(&chars, r.start, r.end), &r.quote);
        prop_assert!(r.start >= prev, "rows not ordered by start");
        prev = r.start;
        prop_assert!((0.0..=1.0).contains(&r.confidence));
        prop_assert!(
            ids.insert(r.quote_id.clone()),
            "duplicate id {}",
            r.quote_id
        );
        match (r.speaker_start, r.speaker_end) {
            (Some(s), Some(e)) => {
                prop_assert!(s <= e && e <= n);
                prop_assert_eq!(&slice(&chars, s, e), &r.speaker_mention);
            }
            (None, None) => prop_assert!(r.speaker_mention.is_empty()),
            _ => prop_assert!(false, "half a speaker span"),
        }
        if let Some(cs) = r.context_start {
            let len = r.context.chars().count();
            prop_assert!(cs + len <= n);
            prop_assert_eq!(&slice(&chars, cs, cs + len), &r.context);
        }
        prop_assert!(!r.candidates.contains(&r.speaker) || r.speaker.is_empty());
    }
    Ok(())
}

/// Text built from the pieces quotation handling cares about.
fn newsish() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "\"",
        "“",
        "”",
        "‘",
        "’",
        "'",
        "''",
        "«",
        "»",
        "„",
        "\n",
        "\n\n",
        " ",
        ", ",
        ". ",
        ": ",
        "said",
        "told",
        "he",
        "she",
        "Mr.",
        "Sen.",
        "Ortiz",
        "Lena",
        "according to",
        "the Pentagon",
        "We",
        "tried",
        "5",
        "—",
        "?",
        "!",
        "é",
        "👋",
        "U.S.",
        "that",
        "called",
        "\u{0}",
        "\r",
    ]);
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_strings(s in any::<String>()) {
        check(&s)?;
    }

    #[test]
    fn arbitrary_bytes(b in prop::collection::vec(any::<u8>(), 0..400)) {
        check(&String::from_utf8_lossy(&b))?;
    }

    #[test]
    fn news_like_text(s in newsish()) {
        check(&s)?;
    }
}
