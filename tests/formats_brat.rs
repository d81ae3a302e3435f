//! `quotecheck import brat` and `export brat` through the real binary.

use std::path::Path;

use predicates::prelude::*;
use quotecheck::schema::{self, Status};

mod common;
use common::{fixture, qc};

fn read(p: &Path) -> Vec<schema::QuoteRecord> {
    schema::read_path(p).unwrap().records
}

#[test]
fn attributions_import_with_discontinuous_spans() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ana.csv");
    qc().args(["import", "brat"])
        .arg(fixture("formats/brat/multi"))
        .args(["--annotator", "ana", "-o"])
        .arg(&out)
        .assert()
        .success();
    let rows = read(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].speaker, "Mayor Lena Ortiz");
    assert_eq!(rows[0].cue, "said");
    assert_eq!(rows[0].annotator, "ana");
    assert_eq!(rows[1].kind.as_str(), "mixed");
    let split = &rows[2];
    assert_eq!(split.speaker, "Raj Patel");
    let spans = split
        .extra
        .iter()
        .find(|(k, _)| k == "quote_spans")
        .unwrap();
    assert_eq!(spans.1, "123-140;157-177");
}

#[test]
fn first_annotator_is_taken_by_default_with_a_warning() {
    qc().args(["import", "brat"])
        .arg(fixture("formats/brat/multi"))
        .assert()
        .success()
        .stderr(predicate::str::contains("first-sorting annotator"))
        .stdout(predicate::str::contains(",ana,"))
        .stdout(predicate::str::contains(",ben,").not());
}

#[test]
fn quotes_only_per_annotator_gives_the_same_rows_to_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let outdir = dir.path().join("by");
    qc().args(["import", "brat"])
        .arg(fixture("formats/brat/multi"))
        .args(["--quotes-only", "--per-annotator"])
        .arg(&outdir)
        .assert()
        .success();
    let ana = read(&outdir.join("ana.csv"));
    let ben = read(&outdir.join("ben.csv"));
    let ids = |v: &[schema::QuoteRecord]| v.iter().map(|r| r.quote_id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&ana), ids(&ben));
    assert_eq!(ana.len(), 4);
    let by = |v: &[schema::QuoteRecord], q: &str| v.iter().find(|r| r.quote == q).cloned().unwrap();
    let gamble_a = by(&ana, "a reckless gamble");
    let gamble_b = by(&ben, "a reckless gamble");
    assert_eq!(gamble_a.status, Some(Status::Confirmed));
    assert_eq!(gamble_a.reviewed_speaker, "Critics");
    assert_eq!(gamble_b.status, Some(Status::Rejected));
    assert_eq!(
        by(&ana, "We will rebuild the bridge before winter.").reviewed_speaker,
        "Mayor Lena Ortiz"
    );
    assert_eq!(
        by(&ben, "We will rebuild the bridge before winter.").reviewed_speaker,
        "Lena Ortiz"
    );
    for r in ana.iter().chain(&ben) {
        assert_eq!(
            r.quote_id,
            schema::QuoteRecord::make_id("council", r.start, r.end)
        );
        // an annotator's source is an answer, not a prediction
        assert_eq!(r.speaker, "");
    }
    // so `diff` sees copies of one extraction, without a warning
    qc().arg("diff")
        .arg(outdir.join("ana.csv"))
        .arg(outdir.join("ben.csv"))
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
}

#[test]
fn an_annotator_without_a_document_is_missing_there_not_rejecting() {
    // council: ana and ben; other (the same text): ana only
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    for (from, to) in [
        ("council.txt", "council.txt"),
        ("council_ana.ann", "council_ana.ann"),
        ("council_ben.ann", "council_ben.ann"),
        ("council.txt", "other.txt"),
        ("council_ana.ann", "other_ana.ann"),
    ] {
        std::fs::copy(fixture("formats/brat/multi").join(from), docs.join(to)).unwrap();
    }
    let by = dir.path().join("by");
    qc().args(["import", "brat"])
        .arg(&docs)
        .args(["--quotes-only", "--per-annotator"])
        .arg(&by)
        .assert()
        .success();
    let ana = read(&by.join("ana.csv"));
    let ben = read(&by.join("ben.csv"));
    let of = |v: &[schema::QuoteRecord], d: &str| v.iter().filter(|r| r.doc_id == d).count();
    assert_eq!((of(&ana, "council"), of(&ana, "other")), (4, 4));
    assert_eq!((of(&ben, "council"), of(&ben, "other")), (4, 0));
    let out = qc()
        .arg("diff")
        .arg(by.join("ana.csv"))
        .arg(by.join("ben.csv"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ben_cov = &v["annotators"][1];
    assert_eq!(ben_cov["name"], "ben");
    assert_eq!(ben_cov["missing_units"], 4);
    let rejected = ben
        .iter()
        .filter(|r| r.status == Some(Status::Rejected))
        .count();
    assert_eq!(ben_cov["by_status"]["rejected"], rejected);
    // only the rows both annotated are compared
    assert_eq!(v["status"]["units_compared"], 4);
}

#[test]
fn bad_input_names_file_line_and_reason() {
    let cases = [
        ("bad_line", "d.ann:2: malformed line"),
        (
            "bad_offsets",
            "d.ann:2: T2: offsets 11-99 lie outside the text",
        ),
        (
            "bad_text",
            "d.ann:2: T2: span text \"goodbye\" does not match",
        ),
        ("undefined_ref", "d.ann:2: E1: Content T7 is not defined"),
        ("no_text", "lonely.ann: no document text"),
        (
            "bad_kind",
            "d.ann:3: field `Status`: unknown status \"approved\"",
        ),
    ];
    for (dir, want) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out.csv");
        qc().args(["import", "brat"])
            .arg(fixture("formats/brat").join(dir))
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(want));
        assert!(!out.exists(), "{dir}: nothing may be written");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "{dir}");
    }
}

/// `d.ann` and `d_.ann` are both the files of the annotator without a name: one quote of one
/// annotator twice, which every reader refuses. The import used to write that file; it is
/// refused, naming both files and lines.
#[test]
fn one_quote_of_one_annotator_in_two_files_is_refused_naming_both() {
    let input = fixture("formats/brat/two_files_one_annotator");
    for extra in [&[][..], &["--quotes-only"][..]] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out.csv");
        let (first, second) = if extra.is_empty() {
            ("d.ann:2", "d_.ann:1: field `quote_id`")
        } else {
            // a direct-quote unit is no one line of the file
            ("d.ann)", "d_.ann: field `quote_id`")
        };
        qc().args(["import", "brat", "--all-annotators"])
            .args(extra)
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "two_files_one_annotator/{second}: duplicate quote_id \"d:9-17\" (first at "
            )))
            .stderr(predicate::str::contains(format!(
                "two_files_one_annotator/{first}"
            )));
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
