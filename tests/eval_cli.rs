//! `quotecheck eval` through the real binary.

use predicates::prelude::*;

mod common;
use common::{fixture, json_of, qc};

fn eval_json(extra: &[&str]) -> serde_json::Value {
    json_of(
        qc().arg("eval")
            .arg("--gold")
            .arg(fixture("eval/gold.csv"))
            .arg("--pred")
            .arg(fixture("eval/pred.csv"))
            .args(["--format", "json"])
            .args(extra),
    )
}

#[test]
fn figures_on_a_hand_checked_example() {
    let v = eval_json(&[]);
    // 4 gold quotes (one rejected row left out), 5 predictions (one in a document the gold lacks)
    assert_eq!(v["n_gold"], 4);
    assert_eq!(v["n_pred"], 5);
    assert_eq!(v["n_gold_rejected"], 1);
    // all four gold quotes are found leniently; the second only at J = 17/20 (not strict)
    assert_eq!(v["lenient"]["tp"], 4);
    assert_eq!(v["strict"]["tp"], 3);
    assert_eq!(v["lenient"]["precision"], 0.8);
    assert_eq!(v["lenient"]["recall"], 1.0);
    // speakers: "Sen. Lena Ortiz" = "Lena Ortiz" (normalized); "Lena Ortiz" ≠ "Critics";
    // "Patel" ≠ "Raj Patel" unless surnames are enough; b wants nobody and gets nobody
    assert_eq!(v["speaker"]["n"], 3);
    assert_eq!(v["speaker"]["correct"], 1);
    assert_eq!(v["attributed"]["tp"], 2);
    let s = eval_json(&["--speaker-match", "surname"]);
    assert_eq!(s["speaker"]["correct"], 2);
    assert_eq!(s["attributed"]["tp"], 3);
    let e = eval_json(&["--speaker-match", "exact"]);
    assert_eq!(e["speaker"]["correct"], 0);
    let g = eval_json(&["--gold-docs-only"]);
    assert_eq!(g["n_pred"], 4);
    assert_eq!(g["lenient"]["precision"], 1.0);
    // per-kind and per-document breakdowns
    assert_eq!(v["per_kind"]["mixed"]["n_gold"], 1);
    assert_eq!(v["per_doc"].as_array().unwrap().len(), 3);
}

#[test]
fn json_report_snapshot() {
    insta::assert_snapshot!(
        "eval_report",
        serde_json::to_string_pretty(&eval_json(&[])).unwrap()
    );
}

#[test]
fn text_report_and_errors_file() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.csv");
    qc().arg("eval")
        .arg("--gold")
        .arg(fixture("eval/gold.csv"))
        .arg("--pred")
        .arg(fixture("eval/pred.csv"))
        .arg("--errors")
        .arg(&errors)
        .arg("--per-doc")
        .assert()
        .success()
        .stdout(predicate::str::contains("quotes, lenient (J≥0.5)"))
        .stdout(predicate::str::contains("speaker accuracy: 0.333"));
    let text = std::fs::read_to_string(&errors).unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let kinds: Vec<String> = rd.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(
        kinds,
        vec!["wrong_speaker", "wrong_speaker", "false_alarm"],
        "{text}"
    );
}

#[test]
fn thresholds_give_exit_1() {
    qc().arg("eval")
        .arg("--gold")
        .arg(fixture("eval/gold.csv"))
        .arg("--pred")
        .arg(fixture("eval/pred.csv"))
        .args(["--min-attributed-f1", "0.9"])
        .assert()
        .code(1);
    qc().arg("eval")
        .arg("--gold")
        .arg(fixture("eval/gold.csv"))
        .arg("--pred")
        .arg(fixture("eval/pred.csv"))
        .args(["--min-f1", "0.8"])
        .assert()
        .success();
}

#[test]
fn bad_input_names_file_line_and_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.csv");
    let report = dir.path().join("report.json");
    qc().arg("eval")
        .arg("--gold")
        .arg(fixture("eval/bad_offset.csv"))
        .arg("--pred")
        .arg(fixture("eval/pred.csv"))
        .arg("--errors")
        .arg(&errors)
        .arg("-o")
        .arg(&report)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad_offset.csv:2: field `end`"));
    assert!(!errors.exists() && !report.exists());
}

#[test]
fn brat_gold_is_read_directly() {
    let v: serde_json::Value = json_of(
        qc().arg("eval")
            .arg("--gold")
            .arg(fixture("formats/brat/multi"))
            .arg("--gold-quotes-only")
            .arg("--gold-annotator")
            .arg("ana")
            .arg("--pred")
            .arg(fixture("formats/brat/multi"))
            .arg("--pred-format")
            .arg("brat")
            .args(["--format", "json"]),
    );
    // gold: ana's three direct-quote units (one split quote is two); pred: ana's three
    // attributions with their full content spans
    assert_eq!(v["n_gold"], 4);
    assert_eq!(v["n_pred"], 3);
}

/// A gold file where some rows were reviewed and others never were is an adjudication that was
/// not finished: the pending rows still count, with the extractor's speaker, so eval says so.
/// A file without any review (a hand-made gold file) or a fully reviewed one gets no warning.
#[test]
fn a_gold_file_with_pending_rows_among_reviewed_ones_is_warned_about() {
    let run = |gold: &str| eval_against_pred(gold, &[]).1;
    let err = run("eval/gold_half_reviewed.csv");
    assert!(
        err.contains("warning: ")
            && err.contains("gold_half_reviewed.csv: 1 of 5 rows are pending"),
        "{err}"
    );
    assert_eq!(run("eval/gold.csv"), "");
    assert_eq!(run("eval/pred.csv"), "");
}

/// A gold file with rows still flagged for discussion was not finished either: a flagged row
/// counts as a gold quote with its speaker, so eval says how many there are and how to go
/// through them. It used to score them silently.
#[test]
fn a_gold_file_with_flagged_rows_is_warned_about() {
    let (_, err) = eval_against_pred("eval/gold_flagged.csv", &[]);
    assert!(
        err.contains("warning: ")
            && err.contains("gold_flagged.csv: rows flagged for discussion: 1 of 5")
            && err.contains("--only flagged"),
        "{err}"
    );
    assert!(!err.contains("pending"), "{err}");
}

/// A merged file left half adjudicated: its pending rows with a suggested (majority) speaker in
/// `reviewed_speaker` count with that speaker, not the extractor's, and the warning says so.
#[test]
fn pending_rows_of_a_merged_gold_count_with_their_suggested_speaker_and_the_warning_says_so() {
    let (stdout, err) = eval_against_pred("eval/gold_merged_pending.csv", &["--format", "json"]);
    assert!(
        err.contains("gold_merged_pending.csv: 2 of 4 rows are pending"),
        "{err}"
    );
    assert!(
        err.contains("1 with the speaker suggested in `reviewed_speaker`"),
        "{err}"
    );
    assert!(
        !err.contains("count as gold quotes with their predicted speaker —"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    // right: Lena Ortiz (row 1) and the suggested Lena Ortiz (row 2); wrong: Patel for Raj
    // Patel under `normalized`; row 4 names nobody
    assert_eq!(v["speaker"]["n"], 3);
    assert_eq!(v["speaker"]["correct"], 2);
}

/// `quotecheck eval` of a gold fixture against `eval/pred.csv` (it must succeed): its standard
/// output and its standard error.
fn eval_against_pred(gold: &str, extra: &[&str]) -> (Vec<u8>, String) {
    let out = qc()
        .arg("eval")
        .args(extra)
        .arg("--gold")
        .arg(fixture(gold))
        .arg("--pred")
        .arg(fixture("eval/pred.csv"))
        .assert()
        .success()
        .get_output()
        .clone();
    (out.stdout, String::from_utf8(out.stderr).unwrap())
}
