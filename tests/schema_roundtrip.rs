//! The schema's file formats: golden files pin the exact bytes of CSV and JSON Lines output, and
//! property tests check that writing then reading any record gives it back unchanged.

use std::path::Path;

use proptest::prelude::*;
use quotecheck::schema::{self, DataFormat, Kind, QuoteRecord, Status, WriteOptions};

fn golden_records() -> Vec<QuoteRecord> {
    vec![
        QuoteRecord {
            quote_id: "bridge:1-37".into(),
            doc_id: "bridge".into(),
            kind: Kind::Direct,
            quote: "We will reopen the bridge by spring,".into(),
            start: 1,
            end: 37,
            speaker: "Lena Ortiz".into(),
            speaker_mention: "Mayor Lena Ortiz".into(),
            speaker_start: Some(44),
            speaker_end: Some(60),
            cue: "said".into(),
            confidence: 0.95,
            rule: "adjacent".into(),
            candidates: vec!["Marcus Bell".into(), "the Pentagon".into()],
            context: "“We will reopen the bridge by spring,” said Mayor Lena Ortiz.".into(),
            context_start: Some(0),
            // a CSV file has one set of columns, so every row carries the extra column
            extra: vec![("source_url".into(), String::new())],
            ..Default::default()
        },
        QuoteRecord {
            quote_id: "hack:1-42".into(),
            doc_id: "hack".into(),
            kind: Kind::Mixed,
            quote: "=SUM(A1:A9) is what they put on the \"page\",\nthen\x1b[31m".into(),
            start: 1,
            end: 42,
            speaker: "-Nair".into(),
            confidence: 0.5,
            status: Some(Status::Corrected),
            reviewed_speaker: "Priya Nair".into(),
            annotator: "ana".into(),
            reviewed_at: "2026-11-24T10:00:00+00:00".into(),
            note: "@check spelling".into(),
            extra: vec![(
                "source_url".into(),
                "https://example.invalid/a?b=1,2".into(),
            )],
            ..Default::default()
        },
    ]
}

fn golden_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it.
fn check_golden(name: &str, actual: &[u8]) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected =
        std::fs::read(&path).unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(
        String::from_utf8_lossy(actual),
        String::from_utf8_lossy(&expected),
        "{name} differs from the golden file (UPDATE_GOLDEN=1 to accept)"
    );
}

#[test]
fn csv_golden() {
    let out = schema::write_records(
        Vec::new(),
        &golden_records(),
        DataFormat::Csv,
        WriteOptions::default(),
    )
    .unwrap();
    check_golden("schema_v1.csv", &out);
    let back = schema::read_csv(&out[..], Path::new("g.csv")).unwrap();
    assert_eq!(back.records, golden_records());
}

#[test]
fn csv_golden_without_formula_escape() {
    let out = schema::write_records(
        Vec::new(),
        &golden_records(),
        DataFormat::Csv,
        WriteOptions {
            escape_formulas: false,
        },
    )
    .unwrap();
    check_golden("schema_v1_raw.csv", &out);
}

#[test]
fn jsonl_golden() {
    let out = schema::write_records(
        Vec::new(),
        &golden_records(),
        DataFormat::Jsonl,
        WriteOptions::default(),
    )
    .unwrap();
    check_golden("schema_v1.jsonl", &out);
    let back = schema::read_jsonl(&out[..], Path::new("g.jsonl")).unwrap();
    assert_eq!(back.records, golden_records());
}

fn text() -> impl Strategy<Value = String> {
    // arbitrary Unicode including control characters, quotes, commas, newlines and formula starts
    prop_oneof![
        any::<String>(),
        "[=+@\\-'\"\t\r\n, a-z]{0,12}",
        Just(String::new()),
    ]
}

fn name() -> impl Strategy<Value = String> {
    // names in `candidates` are trimmed and `|` is the separator, so a candidate never has them
    "[A-Za-z][A-Za-z .'=+@-]{0,10}[A-Za-z]".prop_map(|s| s)
}

fn record() -> impl Strategy<Value = QuoteRecord> {
    (
        (
            text(),
            0usize..10_000,
            0usize..500,
            prop::sample::select(Kind::ALL.to_vec()),
        ),
        (
            text(),
            text(),
            prop::option::of(0usize..10_000),
            text(),
            0u32..=1000,
        ),
        (
            prop::collection::vec(name(), 0..4),
            text(),
            prop::option::of(0usize..10_000),
        ),
        (
            prop::option::of(prop::sample::select(Status::ALL.to_vec())),
            text(),
            text(),
        ),
        prop::collection::vec(("x_[a-z]{1,5}", text()), 0..3),
    )
        .prop_map(
            |(
                (quote, start, len, kind),
                (speaker, mention, ms, cue, conf),
                (candidates, context, cs),
                (status, rs, note),
                extra,
            )| {
                let mut extra = extra;
                extra.sort();
                extra.dedup_by(|a, b| a.0 == b.0);
                QuoteRecord {
                    quote_id: format!("d:{start}-{}", start + len),
                    doc_id: "d".into(),
                    kind,
                    quote,
                    start,
                    end: start + len,
                    speaker,
                    speaker_mention: mention,
                    speaker_start: ms,
                    speaker_end: ms.map(|s| s + 3),
                    cue,
                    confidence: f64::from(conf) / 1000.0,
                    rule: "r".into(),
                    candidates,
                    context,
                    context_start: cs,
                    status,
                    reviewed_speaker: rs,
                    annotator: "ann".into(),
                    reviewed_at: String::new(),
                    note,
                    extra,
                }
            },
        )
}

proptest! {
    #[test]
    fn csv_round_trip_is_lossless(recs in prop::collection::vec(record(), 1..5)) {
        // a CSV file has one set of columns: give every record every extra column
        let mut cols: Vec<String> = recs.iter().flat_map(|r| r.extra.iter().map(|(k, _)| k.clone())).collect();
        cols.sort();
        cols.dedup();
        let recs: Vec<QuoteRecord> = recs.into_iter().map(|mut r| {
            r.extra = cols.iter().map(|c| (c.clone(), r.extra.iter().find(|(k, _)| k == c).map(|(_, v)| v.clone()).unwrap_or_default())).collect();
            r
        }).collect();
        for escape in [true, false] {
            let out = schema::write_records(Vec::new(), &recs, DataFormat::Csv, WriteOptions { escape_formulas: escape }).unwrap();
            let back = schema::read_csv(&out[..], Path::new("p.csv")).unwrap();
            if escape {
                prop_assert_eq!(&back.records, &recs);
            } else {
                // without escaping, only values that do not look escaped come back unchanged
                prop_assert_eq!(back.records.len(), recs.len());
            }
        }
    }

    #[test]
    fn jsonl_round_trip_is_lossless(recs in prop::collection::vec(record(), 1..5)) {
        let out = schema::write_records(Vec::new(), &recs, DataFormat::Jsonl, WriteOptions::default()).unwrap();
        let back = schema::read_jsonl(&out[..], Path::new("p.jsonl")).unwrap();
        prop_assert_eq!(back.records, recs);
    }

    #[test]
    fn formula_escape_is_a_bijection(s in text()) {
        let e = schema::escape_formula(&s);
        prop_assert_eq!(schema::unescape_formula(&e), s.as_str());
        let first = e.chars().next();
        prop_assert!(!matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')));
    }
}
