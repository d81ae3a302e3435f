//! Every export format: golden files, lossless round trips (export then import gives the rows
//! back) and bad input through the real binary.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use proptest::prelude::*;
use quotecheck::formats::{self, FormatName, ImportOptions};
use quotecheck::schema::{self, Kind, QuoteRecord, Status};

mod common;
use common::{fixture, qc};

const ALL: [(&str, &str); 5] = [
    ("brat", ""),
    ("labelstudio", "json"),
    ("doccano", "jsonl"),
    ("prodigy", "jsonl"),
    ("jsonl", "jsonl"),
];

/// Records in a comparable form: sorted, with extra columns in name order.
fn canon(mut v: Vec<QuoteRecord>) -> Vec<QuoteRecord> {
    for r in &mut v {
        // In a CSV file an empty cell and an absent column are the same thing.
        r.extra.retain(|(_, v)| !v.is_empty());
        r.extra.sort();
        r.confidence = schema::format_confidence(r.confidence).parse().unwrap();
    }
    v.sort_by(|a, b| {
        (&a.doc_id, &a.annotator, a.start, a.end, &a.quote_id).cmp(&(
            &b.doc_id,
            &b.annotator,
            b.start,
            b.end,
            &b.quote_id,
        ))
    });
    v
}

fn export_import(format: &str, ext: &str, input: &Path, dir: &Path) -> Vec<QuoteRecord> {
    let out = if ext.is_empty() {
        dir.join(format!("{format}-out"))
    } else {
        dir.join(format!("out.{ext}"))
    };
    qc().args(["export", format])
        .arg(input)
        .arg("--text")
        .arg(fixture("formats/texts"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr("");
    let back = dir.join(format!("back-{format}.csv"));
    qc().args(["import", format])
        .arg(&out)
        .arg("--all-annotators")
        .arg("-o")
        .arg(&back)
        .assert()
        .success();
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_file(&out);
    schema::read_path(&back).unwrap().records
}

#[test]
fn every_format_round_trips_the_fixture_through_the_binary() {
    let input = fixture("formats/council.csv");
    let want = canon(schema::read_path(&input).unwrap().records);
    let dir = tempfile::tempdir().unwrap();
    for (format, ext) in ALL {
        let got = canon(export_import(format, ext, &input, dir.path()));
        assert_eq!(got, want, "{format}");
    }
}

/// Rows as `extract` writes them: a cue word without cue offsets, and (one row) a speaker
/// without mention offsets. brat keeps both in its note; reading the note back must fill the
/// schema's own columns, not add a second `cue` column.
#[test]
fn extracted_rows_with_cues_without_spans_round_trip_through_every_format() {
    let input = fixture("formats/extracted.csv");
    let want = canon(schema::read_path(&input).unwrap().records);
    assert!(want.iter().all(|r| !r.cue.is_empty()));
    let dir = tempfile::tempdir().unwrap();
    for (format, ext) in ALL {
        let got = canon(export_import(format, ext, &input, dir.path()));
        assert_eq!(got, want, "{format}");
    }
    for scheme in ["quote", "attribution"] {
        let out = dir.path().join(format!("brat-{scheme}"));
        qc().args(["export", "brat"])
            .arg(&input)
            .args(["--scheme", scheme, "--text"])
            .arg(fixture("formats/texts"))
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let back = dir.path().join(format!("back-{scheme}.csv"));
        qc().args(["import", "brat"])
            .arg(&out)
            .arg("--all-annotators")
            .arg("-o")
            .arg(&back)
            .assert()
            .success();
        let header = std::fs::read_to_string(&back).unwrap();
        let header = header.lines().next().unwrap();
        assert_eq!(header.matches(",cue,").count(), 1, "{scheme}: {header}");
        assert_eq!(
            canon(schema::read_path(&back).unwrap().records),
            want,
            "{scheme}"
        );
    }
}

#[test]
fn brat_attribution_scheme_round_trips() {
    let input = fixture("formats/council.csv");
    let want = canon(schema::read_path(&input).unwrap().records);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    qc().args(["export", "brat"])
        .arg(&input)
        .args(["--scheme", "attribution", "--text"])
        .arg(fixture("formats/texts"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let col = formats::import(
        FormatName::Brat,
        &out,
        &ImportOptions {
            all_annotators: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(canon(col.records), want);
}

/// `quotecheck export FORMAT` of the fixture `csv`, with the fixture texts, to `out`.
fn export(format: &str, csv: &str, out: &Path) {
    qc().args(["export", format])
        .arg(fixture(csv))
        .arg("--text")
        .arg(fixture("formats/texts"))
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

fn golden(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    export(format, "formats/council.csv", &out);
    if out.is_dir() {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                format!(
                    "=== {}\n{}",
                    p.file_name().unwrap().to_string_lossy(),
                    std::fs::read_to_string(p).unwrap()
                )
            })
            .collect()
    } else {
        std::fs::read_to_string(&out).unwrap()
    }
}

/// One test per format, against the snapshot `export_<format>`.
macro_rules! golden_tests {
    ($($test:ident: $format:literal),*) => {$(
        #[test]
        fn $test() {
            insta::assert_snapshot!(concat!("export_", $format), golden($format));
        }
    )*};
}
golden_tests!(
    golden_brat: "brat",
    golden_labelstudio: "labelstudio",
    golden_doccano: "doccano",
    golden_prodigy: "prodigy",
    golden_jsonl: "jsonl"
);

#[test]
fn text_and_annotator_survive_every_export() {
    let text = std::fs::read_to_string(fixture("formats/texts/council.txt")).unwrap();
    for (format, _) in ALL {
        let out = golden(format);
        for who in ["ana", "ben"] {
            assert!(out.contains(who), "{format} lost annotator {who}");
        }
        let first_line = text.lines().next().unwrap();
        let escaped = serde_json::to_string(first_line).unwrap();
        assert!(
            out.contains(first_line) || out.contains(escaped.trim_matches('"')),
            "{format} lost the text"
        );
    }
}

#[test]
fn export_without_text_rebuilds_it_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.jsonl");
    qc().args(["export", "jsonl"])
        .arg(fixture("formats/council.csv"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("rebuilt from the rows' context"));
    let col = formats::import(FormatName::Jsonl, &out, &ImportOptions::default()).unwrap();
    assert_eq!(col.records.len(), 6);
}

#[test]
fn bad_input_names_file_line_and_reason_and_writes_nothing() {
    let cases = [
        (
            "labelstudio",
            "ls_offsets.json",
            "ls_offsets.json:2: field `task 1.annotations[0].result[0]`: span 11-90 (Quote) lies outside",
        ),
        (
            "labelstudio",
            "ls_no_text.json",
            "ls_no_text.json:2: field `task 1.data.text`: missing field",
        ),
        (
            "labelstudio",
            "ls_truncated.json",
            "ls_truncated.json:3: not valid JSON",
        ),
        (
            "doccano",
            "doccano_shape.jsonl",
            "doccano_shape.jsonl:2: field `entities[0].start_offset`: expected a non-negative integer",
        ),
        // (every span named by its place in the record, in every JSON format)
        (
            "doccano",
            "doccano_offsets.jsonl",
            "doccano_offsets.jsonl:2: field `entities[1]`: span 11-70 (Quote) lies outside",
        ),
        (
            "prodigy",
            "prodigy_offsets.jsonl",
            "prodigy_offsets.jsonl:2: field `spans[0]`: span 11-40 (QUOTE) lies outside",
        ),
        (
            "jsonl",
            "jsonl_mismatch.jsonl",
            "jsonl_mismatch.jsonl:1: field `quotes[0].quote`: does not match",
        ),
        (
            "jsonl",
            "jsonl_not_json.jsonl",
            "jsonl_not_json.jsonl:1: not valid JSON",
        ),
        // two spans under one id: a relation to it could mean either
        (
            "doccano",
            "doccano_duplicate_id.jsonl",
            "doccano_duplicate_id.jsonl:2: field `entities[2]`: span id \"2\" names two different spans (0-3 Speaker, 9-12 Speaker)",
        ),
        // a quote of another document (or annotator) than its line's: it used to be taken as
        // the line's without a word
        (
            "jsonl",
            "jsonl_other_doc.jsonl",
            "jsonl_other_doc.jsonl:2: field `quotes[1].doc_id`: the quote names document \"e\", but its line is document \"d\"",
        ),
        (
            "jsonl",
            "jsonl_other_annotator.jsonl",
            "jsonl_other_annotator.jsonl:1: field `quotes[1].annotator`: the quote names annotator \"ben\", but its line is annotator \"ana\"",
        ),
        // one quote twice: every reader would count it twice
        // ... named by the input's line (and the place in it) of both, in every format
        (
            "jsonl",
            "jsonl_duplicate_quote.jsonl",
            "jsonl_duplicate_quote.jsonl:1: field `quotes[1].quote_id`: duplicate quote_id \"x\" (first on line 1, in quotes[0])",
        ),
        (
            "jsonl",
            "jsonl_duplicate_across_lines.jsonl",
            "jsonl_duplicate_across_lines.jsonl:3: field `quotes[1].quote_id`: duplicate quote_id \"d:9-17\" of annotator \"ana\" (first on line 1, in quotes[0])",
        ),
        (
            "doccano",
            "doccano_duplicate_quote.jsonl",
            "doccano_duplicate_quote.jsonl:3: field `quote_id`: duplicate quote_id \"d:9-17\" of annotator \"ana\" (first on line 1)",
        ),
        (
            "prodigy",
            "prodigy_duplicate_quote.jsonl",
            "prodigy_duplicate_quote.jsonl:2: field `quote_id`: duplicate quote_id \"d:9-17\" of annotator \"ana\" (first on line 1)",
        ),
        // a Label Studio export on one line: the tasks tell the two apart
        (
            "labelstudio",
            "ls_duplicate_quote.json",
            "ls_duplicate_quote.json:1: field `task 2.annotations[0].quote_id`: duplicate quote_id \"d:9-17\" of annotator \"ana\" (first on line 1, in task 1.annotations[0])",
        ),
        (
            "labelstudio",
            "ls_duplicate_id.json",
            "ls_duplicate_id.json:2: field `task 1.annotations[0].result[2]`: span id \"s\" names two different spans (0-3 Speaker, 9-12 Speaker)",
        ),
    ];
    for (format, file, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        qc().args(["import", format])
            .arg(fixture("formats/bad").join(file))
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(want));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{file}");
    }
}

#[test]
fn export_of_a_quote_that_is_not_the_text_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "doc_id,quote,start,end\ncouncil,Not the text,0,12\n").unwrap();
    for (format, ext) in ALL {
        let out = dir.path().join(format!("o{ext}"));
        qc().args(["export", format])
            .arg(&bad)
            .arg("--text")
            .arg(fixture("formats/texts"))
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("bad.csv:2: field `quote`"));
        assert!(!out.exists(), "{format}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Property: export then import gives back every field, for random rows of a random text.
// ---------------------------------------------------------------------------------------------

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "said", "Ortiz", "“We", "will”", "bridge", "é", "👋", "=SUM(1)", "-3", "\"x\"",
            "O'Brien", "the", "\n", "a|b", "\t",
        ]),
        30..60,
    )
    .prop_map(|w| w.join(" "))
}

fn rows_for(text: String) -> impl Strategy<Value = Vec<QuoteRecord>> {
    let n = text.chars().count();
    let text = text.to_string();
    prop::collection::vec(
        (
            0..n,
            1..12usize,
            prop::option::of((0..n, 1..6usize)),
            prop::option::of((0..n, 1..4usize, any::<bool>())),
            prop::sample::select(vec!["", "ana", "ben"]),
            prop::option::of(prop::sample::select(Status::ALL.to_vec())),
            prop::sample::select(Kind::ALL.to_vec()),
            (0u32..=1000, "[a-z =+|'-]{0,8}", "[A-Za-z .]{0,10}"),
        ),
        1..6,
    )
    .prop_map(move |specs| {
        let chars: Vec<char> = text.chars().collect();
        let at = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (s, len, sp, cue, who, status, kind, (conf, note, speaker)) in specs {
            let e = (s + len).min(n);
            if !seen.insert((who, s, e)) {
                continue;
            }
            let mut r = QuoteRecord {
                quote_id: QuoteRecord::make_id("doc", s, e),
                doc_id: "doc".into(),
                kind,
                quote: at(s, e),
                start: s,
                end: e,
                confidence: conf as f64 / 1000.0,
                note,
                status,
                annotator: who.into(),
                reviewed_speaker: speaker.clone(),
                ..Default::default()
            };
            if let Some((ss, sl)) = sp {
                let se = (ss + sl).min(n);
                r.speaker_mention = at(ss, se);
                r.speaker_start = Some(ss);
                r.speaker_end = Some(se);
                r.speaker = if speaker.is_empty() {
                    r.speaker_mention.clone()
                } else {
                    speaker
                };
            }
            match cue {
                Some((cs, cl, true)) => {
                    let ce = (cs + cl).min(n);
                    r.cue = at(cs, ce);
                    r.extra.push(("cue_spans".into(), format!("{cs}-{ce}")));
                }
                // As `extract` writes it: a cue word without offsets.
                Some((_, _, false)) => r.cue = "said".into(),
                None => {}
            }
            let (c, cs) = formats::paragraph_context(&chars, s, e);
            r.context = c;
            r.context_start = Some(cs);
            out.push(r);
        }
        out
    })
}

/// Every format, and brat in both schemes, gives back exactly the rows it was given.
fn round_trips(text: &str, rows: &[QuoteRecord]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let texts: std::collections::BTreeMap<String, Vec<char>> =
        [("doc".to_string(), text.chars().collect())].into();
    let input = dir.path().join("in.csv");
    let lines: Vec<u64> = (0..rows.len() as u64).map(|i| i + 2).collect();
    let want = canon(rows.to_vec());
    for format in [
        FormatName::Labelstudio,
        FormatName::Doccano,
        FormatName::Prodigy,
        FormatName::Jsonl,
    ] {
        let bytes = formats::export_bytes(format, rows, &lines, &texts, &input).unwrap();
        let p = dir.path().join("out.json");
        std::fs::write(&p, bytes).unwrap();
        let col = formats::import(format, &p, &ImportOptions::default()).unwrap();
        prop_assert_eq!(canon(col.records), want.clone(), "{:?}", format);
    }
    for scheme in [
        formats::brat::Scheme::Quote,
        formats::brat::Scheme::Attribution,
    ] {
        let bdir = dir.path().join(format!("brat-{scheme:?}"));
        std::fs::create_dir(&bdir).unwrap();
        std::fs::write(bdir.join("doc.txt"), text).unwrap();
        for ((doc, who), recs) in formats::group_records(rows, &lines) {
            let ann = formats::brat::write_ann(&texts[&doc], &recs, scheme, &input).unwrap();
            std::fs::write(
                bdir.join(formats::brat::ann_file_name(&doc, &who).unwrap()),
                ann,
            )
            .unwrap();
        }
        let col = formats::import(
            FormatName::Brat,
            &bdir,
            &ImportOptions {
                all_annotators: true,
                ..Default::default()
            },
        )
        .unwrap();
        prop_assert_eq!(canon(col.records), want.clone(), "brat {:?}", scheme);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
    #[test]
    fn export_then_import_is_lossless((text, rows) in words().prop_flat_map(|t| (Just(t.clone()), rows_for(t)))) {
        round_trips(&text, &rows)?;
    }
}

#[test]
fn a_cue_or_speaker_on_another_quote_s_characters_round_trips() {
    let text = "Ortiz said: yes. Lee: no";
    let at = |s: usize, e: usize| text.chars().skip(s).take(e - s).collect::<String>();
    let quote = |s: usize, e: usize| {
        let (context, cs) = formats::paragraph_context(&text.chars().collect::<Vec<_>>(), s, e);
        QuoteRecord {
            quote_id: QuoteRecord::make_id("doc", s, e),
            doc_id: "doc".into(),
            quote: at(s, e),
            start: s,
            end: e,
            annotator: "ana".into(),
            context,
            context_start: Some(cs),
            ..Default::default()
        }
    };
    // the first quote's cue and the second quote's speaker are other quotes' spans
    let mut a = quote(12, 15);
    a.cue = at(22, 24);
    a.extra.push(("cue_spans".into(), "22-24".into()));
    let mut b = quote(22, 24);
    b.speaker = at(12, 15);
    b.speaker_mention = b.speaker.clone();
    b.speaker_start = Some(12);
    b.speaker_end = Some(15);
    round_trips(text, &[a, b]).unwrap();
}

#[test]
fn a_json_lines_quote_may_repeat_its_line_s_document_and_annotator() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hf.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"doc_id":"d","annotator":"ana","text":"He said hi. She said no.","quotes":["#,
            r#"{"doc_id":"d","annotator":"ana","start":8,"end":10},"#,
            r#"{"doc_id":"","annotator":null,"start":21,"end":23}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = qc()
        .args(["import", "jsonl"])
        .arg(&input)
        .args(["--to", "jsonl"])
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let ds = quotecheck::schema::read_jsonl(&out[..], Path::new("out.jsonl")).unwrap();
    let got: Vec<(&str, &str, &str)> = ds
        .records
        .iter()
        .map(|r| (r.doc_id.as_str(), r.annotator.as_str(), r.quote.as_str()))
        .collect();
    assert_eq!(got, [("d", "ana", "hi"), ("d", "ana", "no")]);
}

/// Exports the fixture in `format` into `dir` and puts `fields` (JSON members, each followed by
/// a comma) at the start of the first quote's `quotecheck` object. Returns the export (a
/// folder for brat) and the file that was edited.
fn export_with_object_fields(
    format: &str,
    ext: &str,
    dir: &Path,
    fields: &str,
) -> (PathBuf, PathBuf) {
    let exported = dir.join(if ext.is_empty() {
        "out".into()
    } else {
        format!("out.{ext}")
    });
    export(format, "formats/extracted.csv", &exported);
    let (file, open) = match format {
        "brat" => (exported.join("council.ann"), "AnnotatorNotes T1\t{"),
        "labelstudio" => (exported.clone(), "\"quotecheck\": {"),
        _ => (exported.clone(), "\"quotecheck\":{"),
    };
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(open), "{format}: {open:?} not in the export");
    std::fs::write(&file, text.replacen(open, &format!("{open}{fields}"), 1)).unwrap();
    (exported, file)
}

#[test]
fn a_quotecheck_object_that_contradicts_its_span_or_document_is_refused() {
    // Such a field used to become an extra column of the same name: the output had two
    // `doc_id` (or `start` …) columns, which every reader refuses.
    // (the JSON Lines format has no such object: its quotes hold the schema's fields)
    for (format, ext) in ALL.into_iter().filter(|(f, _)| *f != "jsonl") {
        for (key, value) in [
            ("doc_id", r#""other""#),
            ("start", "3"),
            ("kind", r#""mixed""#),
        ] {
            if format != "brat" && key == "kind" {
                // kind travels in the object itself there
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            let (exported, file) =
                export_with_object_fields(format, ext, dir.path(), &format!("\"{key}\":{value},"));
            let out = dir.path().join("back.csv");
            qc().args(["import", format])
                .arg(&exported)
                .arg("-o")
                .arg(&out)
                .assert()
                .code(2)
                .stderr(
                    predicate::str::contains(format!("field `quotecheck.{key}`"))
                        .and(predicate::str::contains(value.trim_matches('"')))
                        .and(predicate::str::contains(
                            file.file_name().unwrap().to_str().unwrap(),
                        )),
                );
            assert!(!out.exists(), "{format} {key}");
        }
    }
}

#[test]
fn a_quotecheck_object_may_repeat_what_its_span_and_document_say() {
    for (format, ext) in ALL
        .into_iter()
        .filter(|(f, _)| !["brat", "jsonl"].contains(f))
    {
        let dir = tempfile::tempdir().unwrap();
        // every quote of the fixture is of document council
        let same = r#""doc_id":"council","schema_version":1,"extra":{"doc_id":"council"},"#;
        let (exported, _) = export_with_object_fields(format, ext, dir.path(), same);
        let out = dir.path().join("back.csv");
        qc().args(["import", format])
            .arg(&exported)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let header = std::fs::read_to_string(&out).unwrap();
        let header = header.lines().next().unwrap();
        assert_eq!(header.matches("doc_id").count(), 1, "{format}: {header}");
        assert_eq!(
            header.matches("schema_version").count(),
            1,
            "{format}: {header}"
        );
    }
}

/// A merged file (`diff --merge`) has columns of its own after the schema's (`agreement`,
/// `ann_<name>_status`, …). Every format gives them back in the same order: the exports used
/// to shuffle the fields of each quote object, so the imported file's columns came back in
/// another order than the file exported.
#[test]
fn extra_columns_come_back_in_their_order() {
    let input = fixture("formats/merged.csv");
    let header = |p: &Path| {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    let want = header(&input);
    assert!(
        want.ends_with(",agreement,ann_ana_status,ann_ana_speaker,ann_ben_status,ann_ben_speaker")
    );
    let dir = tempfile::tempdir().unwrap();
    for (format, ext) in ALL {
        let got = export_import(format, ext, &input, dir.path());
        assert_eq!(
            canon(got),
            canon(schema::read_path(&input).unwrap().records),
            "{format}"
        );
        let got = header(&dir.path().join(format!("back-{format}.csv")));
        if format == "brat" {
            // brat keeps a multi-piece quote's spans as the pieces of its annotation, not in
            // the note, so `quote_spans` is rebuilt (after the others); the rest keep order.
            let others = |h: &str| {
                h.split(',')
                    .filter(|c| *c != "quote_spans")
                    .collect::<Vec<_>>()
                    .join(",")
            };
            assert_eq!(others(&got), others(&want), "{format}");
        } else {
            assert_eq!(got, want, "{format}");
        }
    }
}
