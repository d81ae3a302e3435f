//! `quotecheck diff` through the real binary: report formats (golden files), the merged file,
//! and every kind of bad input.

use std::path::Path;

use predicates::prelude::*;

mod common;
use common::{args, on_a_terminal, qc, qc_in};

const DIR: &str = "tests/fixtures/diff";

fn stdout_of(args: &[&str]) -> String {
    let out = qc_in(DIR).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const THREE: [&str; 4] = ["diff", "ana.csv", "ben.csv", "cy.csv"];

#[test]
fn terminal_report() {
    let s = stdout_of(&[&THREE[..], &["--color", "never"]].concat());
    assert!(!s.contains('\x1b'));
    insta::assert_snapshot!("terminal", s);
}

#[test]
fn terminal_report_in_colour() {
    let s = stdout_of(&[&THREE[..], &["--color", "always"]].concat());
    assert!(s.contains("\x1b[32;4ms\x1b[0m"), "{s}");
}

#[test]
fn json_report() {
    let s = stdout_of(&[&THREE[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    // Hand-computed: 5 of 7 quotes, mean pairwise agreement (1+⅓+⅓+1+1+⅓+1)/7.
    let p = v["status"]["percent_agreement"]["value"].as_f64().unwrap();
    assert!((p - 5.0 / 7.0).abs() < 1e-12, "{p}");
    assert_eq!(v["units"]["total"], 7);
    assert_eq!(v["units"]["aligned_by_overlap"], 1);
    assert_eq!(v["disagreements"]["total"], 3);
    for key in [
        "krippendorff_alpha",
        "fleiss_kappa",
        "gwet_ac1",
        "percent_agreement",
    ] {
        assert!(v["speaker"][key]["value"].is_number(), "{key}");
    }
    assert_eq!(v["status"]["cohen_kappa"].as_array().unwrap().len(), 3);
    insta::assert_snapshot!("json", s);
}

#[test]
fn json_lists_every_disagreement_whatever_the_limit() {
    let all = stdout_of(&[&THREE[..], &["--format", "json"]].concat());
    let one = stdout_of(&[&THREE[..], &["--format", "json", "--limit", "1"]].concat());
    assert_eq!(all, one);
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(v["disagreements"]["items"].as_array().unwrap().len(), 3);
    // The human-readable reports stop at the limit and say so.
    let md = stdout_of(&[&THREE[..], &["--format", "markdown", "--limit", "1"]].concat());
    assert!(md.contains("3 of 7 quotes; the first 1."), "{md}");
}

#[test]
fn json_report_with_bootstrap_is_reproducible() {
    let args = [
        &THREE[..],
        &["--format", "json", "--bootstrap", "300", "--seed", "5"],
    ]
    .concat();
    let a = stdout_of(&args);
    let b = stdout_of(&[&args[..], &["-j", "1"]].concat());
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    let ci = v["status"]["krippendorff_alpha"]["ci95"]
        .as_array()
        .unwrap();
    let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
    let est = v["status"]["krippendorff_alpha"]["value"].as_f64().unwrap();
    assert!(lo < est && est < hi, "{lo} {est} {hi}");
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(
        "markdown",
        stdout_of(&[&THREE[..], &["--format", "markdown"]].concat())
    );
}

#[test]
fn html_report() {
    let s = stdout_of(&[&THREE[..], &["--format", "html"]].concat());
    assert!(s.starts_with("<!DOCTYPE html>"));
    // Self-contained: nothing to fetch.
    assert!(!s.contains("src=") && !s.contains("href=") && !s.contains("@import"));
    assert!(s.contains("<svg"));
    insta::assert_snapshot!("html", s);
}

#[test]
fn surname_mode_agrees_on_kerry_and_john_kerry() {
    let v: serde_json::Value = serde_json::from_str(&stdout_of(
        &[
            &THREE[..],
            &["--format", "json", "--speaker-match", "surname"],
        ]
        .concat(),
    ))
    .unwrap();
    // "Lena Ortiz", "Lena Ortis", "Ortiz": Ortiz and Lena Ortiz now agree.
    let items = v["disagreements"]["items"].as_array().unwrap();
    let q = items
        .iter()
        .find(|d| d["quote_id"] == "bridge:80-100")
        .unwrap();
    assert_eq!(q["fields"], serde_json::json!(["status", "speaker"]));
    let p = v["speaker"]["percent_agreement"]["value"].as_f64().unwrap();
    let exact: serde_json::Value = serde_json::from_str(&stdout_of(
        &[
            &THREE[..],
            &["--format", "json", "--speaker-match", "exact"],
        ]
        .concat(),
    ))
    .unwrap();
    let pe = exact["speaker"]["percent_agreement"]["value"]
        .as_f64()
        .unwrap();
    assert!(p > pe, "{p} {pe}");
}

#[test]
fn merged_file_for_adjudication() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.csv");
    qc_in(DIR)
        .args(THREE)
        .args(["--merge", out.to_str().unwrap(), "--format", "json", "-o"])
        .arg(dir.path().join("r.json"))
        .assert()
        .success();
    let ds = quotecheck::schema::read_path(&out).unwrap();
    assert_eq!(ds.records.len(), 7);
    let get = |r: &quotecheck::schema::QuoteRecord, k: &str| r.get(k).unwrap_or_default();
    let first = &ds.records[0];
    assert_eq!(get(first, "agreement"), "1");
    assert_eq!(first.status, Some(quotecheck::schema::Status::Confirmed));
    assert_eq!(first.annotator, "ana+ben+cy");
    let second = &ds.records[1];
    assert_eq!(get(second, "agreement"), "0.333");
    assert_eq!(second.status, None);
    assert_eq!(second.reviewed_speaker, "Lena Ortiz");
    assert_eq!(
        second.candidates[..2],
        ["Lena Ortis".to_string(), "Ortiz".to_string()]
    );
    assert_eq!(get(second, "ann_ben_speaker"), "Lena Ortis");
    assert_eq!(get(second, "ann_cy_status"), "confirmed");
    // The note that starts with `=` is escaped in the file and read back intact.
    let third = &ds.records[2];
    assert_eq!(third.note, "ben: =not a quote, a headline");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("'ben: ") || text.contains("ben: =not"),
        "{text}"
    );
    // The quote only ben and cy have is pending with agreement 2/3.
    let last = &ds.records[6];
    assert_eq!(last.quote_id, "pentagon:200-240");
    assert_eq!(get(last, "agreement"), "0.667");
    assert_eq!(get(last, "ann_ana_status"), "");
    // Columns: the schema's, then ours.
    assert!(ds.headers.ends_with(&[
        "agreement".to_string(),
        "ann_ana_status".into(),
        "ann_ana_speaker".into(),
        "ann_ben_status".into(),
        "ann_ben_speaker".into(),
        "ann_cy_status".into(),
        "ann_cy_speaker".into(),
    ]));
}

#[test]
fn merged_file_is_the_same_from_json_lines_or_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let merged = |inputs: &[String], stdin: Option<Vec<u8>>| {
        let out = dir.path().join("merged.csv");
        let mut c = qc_in(DIR);
        c.arg("diff")
            .args(inputs)
            .args(["--names", "ana,ben,cy", "--merge", out.to_str().unwrap()])
            .args(["-o", dir.path().join("r.txt").to_str().unwrap()]);
        if let Some(bytes) = stdin {
            c.write_stdin(bytes);
        }
        c.assert().success();
        std::fs::read_to_string(&out).unwrap()
    };
    let csv: Vec<String> = THREE[1..].iter().map(|s| s.to_string()).collect();
    let want = merged(&csv, None);
    // The same copies as JSON Lines (notes over several lines and all).
    let jsonl: Vec<String> = THREE[1..]
        .iter()
        .map(|f| {
            let ds =
                quotecheck::schema::read_path(std::path::Path::new(&format!("{DIR}/{f}"))).unwrap();
            let path = dir.path().join(f.replace(".csv", ".jsonl"));
            let mut w = Vec::new();
            for r in &ds.records {
                quotecheck::schema::write_jsonl_record(&mut w, r).unwrap();
            }
            std::fs::write(&path, w).unwrap();
            path.to_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(merged(&jsonl, None), want);
    // The second copy from standard input.
    let stdin = std::fs::read(format!("{DIR}/ben.csv")).unwrap();
    let mixed = vec![csv[0].clone(), "-".to_string(), jsonl[2].clone()];
    assert_eq!(merged(&mixed, Some(stdin)), want);
}

#[test]
fn names_override_and_fail_under() {
    let s = stdout_of(&[
        "diff", "ana.csv", "ben.csv", "--names", "x,y", "--format", "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["annotators"][1]["name"], "y");
    qc_in(DIR)
        .args(["diff", "ana.csv", "ben.csv", "--fail-under", "0.99"])
        .assert()
        .code(1);
    qc_in(DIR)
        .args(["diff", "ana.csv", "ben.csv", "--fail-under", "0.1"])
        .assert()
        .code(0);
}

#[test]
fn bad_inputs_exit_2_with_file_and_line() {
    for (line, msg) in [
        ("diff ana.csv", "two or more"),
        ("diff ana.csv empty.csv", "empty.csv: empty file"),
        ("diff ana.csv header_only.csv", "header_only.csv:2: no rows"),
        (
            "diff ana.csv dup_id.csv",
            "dup_id.csv:4: field `quote_id`: duplicate quote_id \"bridge:0-35\" (first on line 2)",
        ),
        (
            "diff ana.csv other_schema.csv",
            "other_schema.csv:1: different schema from ana.csv",
        ),
        ("diff ana.csv picture.csv", "picture.csv:"),
        (
            "diff ana.csv not_csv.csv",
            "not_csv.csv:1: missing column `doc_id`",
        ),
        (
            "diff ana.csv bad_status.csv",
            "bad_status.csv:4: field `status`: unknown status",
        ),
        (
            "diff ana.csv ana_again.csv",
            "annotator name \"ana\" is also the name of ana.csv",
        ),
        ("diff ana.csv ana.csv", "given twice"),
        (
            "diff ana.csv ben.csv --names a",
            "--names gives 1 name(s) for 2 files",
        ),
        ("diff ana.csv missing.csv", "missing.csv"),
    ] {
        qc_in(DIR)
            .args(args(line))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(msg));
    }
}

#[test]
fn bad_input_writes_no_merged_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.csv");
    qc_in(DIR)
        .args(["diff", "ana.csv", "dup_id.csv", "--merge"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
}

/// A document nobody has answered yet has no agreement to speak of: the per-document list, cut
/// to `--limit`, shows the documents with the least agreement among those compared first, and
/// the ones without any figure after them.
#[test]
fn documents_without_answers_come_after_those_with_the_least_agreement() {
    let s = stdout_of(&[
        "diff",
        "partial_ana.csv",
        "partial_ben.csv",
        "--limit",
        "1",
        "--color",
        "never",
    ]);
    let table: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.starts_with("Per document"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(table.len(), 3, "{s}");
    assert!(table[2].trim_start().starts_with("a "), "{s}");
    let md = stdout_of(&[
        "diff",
        "partial_ana.csv",
        "partial_ben.csv",
        "--format",
        "markdown",
    ]);
    let a = md.find("| a |").unwrap_or(usize::MAX);
    let b = md.find("| b |").unwrap_or(0);
    assert!(a < b, "{md}");
}

#[test]
fn terminal_report_on_a_terminal_is_coloured_not_shown_as_escape_codes() {
    // The report's own colours reach the terminal as colours; the escape sequence inside a
    // speaker name still arrives neutralised.
    let Some(raw) = on_a_terminal(Path::new(DIR), "diff escape_ana.csv escape_ben.csv", &[]) else {
        return;
    };
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("\x1b[1mCoverage\x1b[0m"), "{text}");
    assert!(!text.contains("␛[1m"), "colour codes shown as text: {text}");
    assert!(!text.contains("␛[0m"), "colour codes shown as text: {text}");
    assert!(text.contains("Raj ␛[2JPatel"), "{text}");
    assert!(
        !text.contains("\x1b[2J"),
        "a raw escape from the data: {text}"
    );

    // NO_COLOR: plain text, nothing for the terminal to interpret
    let Some(raw) = on_a_terminal(
        Path::new(DIR),
        "diff escape_ana.csv escape_ben.csv",
        &[("NO_COLOR", "1")],
    ) else {
        return;
    };
    let text = String::from_utf8_lossy(&raw);
    assert!(!raw.contains(&0x1b), "{text}");
    assert!(text.contains("Raj ␛[2JPatel"), "{text}");
}

#[test]
fn warnings_and_error_messages_neutralise_escape_sequences() {
    // An annotator name from the file in a warning
    let out = qc_in(DIR)
        .args(["diff", "escape_annotators.csv", "escape_ben.csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("zed␛]0;PWNED␇"), "{err}");
    assert!(!out.stderr.contains(&0x1b), "{err}");
    assert!(!out.stderr.contains(&0x07), "{err}");

    // File names in error messages: a missing file, and a bad row of a file
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("ana\x1b[2J.csv");
    std::fs::copy(format!("{DIR}/bad_status.csv"), &named).unwrap();
    let missing = dir.path().join("ben\x1b]0;T\x07.csv");
    for args in [
        vec![named.clone(), format!("{DIR}/ben.csv").into()],
        vec![format!("{DIR}/ana.csv").into(), missing.clone()],
    ] {
        let out = qc().arg("diff").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("␛"), "{err}");
        assert!(!out.stderr.contains(&0x1b), "{err}");
        assert!(!out.stderr.contains(&0x07), "{err}");
    }
}

/// A line end inside a one-line field (here a speaker: CRLF in one file, a lone CR and a tab
/// in the other) shows as one space in the terminal and Markdown reports, as an LF does; it
/// used to show as `␍`.
#[test]
fn line_ends_inside_a_speaker_show_as_spaces() {
    for format in ["terminal", "markdown"] {
        let s = stdout_of(&[
            "diff",
            "line_ends_ana.csv",
            "line_ends_ben.csv",
            "--format",
            format,
        ]);
        assert!(!s.contains('␍') && !s.contains('\r'), "{format}: {s}");
        assert!(
            s.contains("corrected  Lena Ortiz") || s.contains("corrected: Lena Ortiz |"),
            "{format}: {s}"
        );
        assert!(s.contains("Lena Ortis Jr"), "{format}: {s}");
    }
}

/// Running the merge again over a merged file that has been adjudicated would throw the
/// adjudication away: `--merge` refuses a file that holds decisions on rows the annotators
/// disagreed on, and one with a review session open or interrupted (its journal), and says
/// what to do. A merged file nobody has worked on yet is simply written again.
#[test]
fn merge_refuses_to_overwrite_adjudication_decisions() {
    use quotecheck::schema::{self, DataFormat, Status, WriteOptions};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.csv");
    let merge = || {
        let mut c = qc_in(DIR);
        c.args(["diff", "ana.csv", "ben.csv", "--format", "json", "-o"])
            .arg(dir.path().join("r.json"))
            .arg("--merge")
            .arg(&out);
        c
    };
    merge().assert().success();
    merge().assert().success();
    // The lead decides one disagreement.
    let mut ds = schema::read_path(&out).unwrap();
    let row = ds
        .records
        .iter()
        .position(|r| r.get("agreement").is_some_and(|a| a != "1"))
        .expect("a disagreement");
    ds.records[row].status = Some(Status::Rejected);
    ds.records[row].annotator = "lead".into();
    schema::write_path(
        Some(&out),
        &ds.records,
        DataFormat::Csv,
        WriteOptions::default(),
    )
    .unwrap();
    let before = std::fs::read(&out).unwrap();
    merge()
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "merged.csv holds 1 adjudication decision",
        ))
        .stderr(predicate::str::contains("another name"));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // A review session open (or killed) on a merged file: its journal is beside it.
    let fresh = dir.path().join("fresh.csv");
    let merge_fresh = || {
        let mut c = qc_in(DIR);
        c.args(["diff", "ana.csv", "ben.csv", "--merge"])
            .arg(&fresh);
        c
    };
    merge_fresh().assert().success();
    std::fs::write(dir.path().join("fresh.csv.journal"), "").unwrap();
    let before = std::fs::read(&fresh).unwrap();
    merge_fresh()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fresh.csv.journal"));
    assert_eq!(std::fs::read(&fresh).unwrap(), before);
}
