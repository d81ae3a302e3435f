//! `quotecheck extract` through the real binary: inputs, outputs and bad input.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use quotecheck::schema;

mod common;
use common::{fixture, on_a_terminal, qc};

fn articles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/articles")
}

fn read_csv_bytes(bytes: &[u8]) -> schema::Dataset {
    schema::read_csv(bytes, Path::new("stdout.csv")).expect("extract writes a valid dataset")
}

#[test]
fn folder_to_csv_file_is_valid_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let out1 = dir.path().join("a.csv");
    let out2 = dir.path().join("b.csv");
    qc().args(["extract"])
        .arg(articles())
        .arg("-o")
        .arg(&out1)
        .assert()
        .success()
        .stdout("");
    qc().args(["extract", "-j", "1"])
        .arg(articles())
        .arg("-o")
        .arg(&out2)
        .assert()
        .success();
    let a = std::fs::read(&out1).unwrap();
    assert_eq!(
        a,
        std::fs::read(&out2).unwrap(),
        "output must not depend on thread count or run"
    );
    let ds = read_csv_bytes(&a);
    assert!(!ds.records.is_empty());
    // rows come in input order, then by position, with unique ids
    let mut ids = std::collections::HashSet::new();
    for w in ds.records.windows(2) {
        assert!((&w[0].doc_id, w[0].start) <= (&w[1].doc_id, w[1].start));
    }
    for r in &ds.records {
        assert!(
            ids.insert(r.quote_id.clone()),
            "duplicate id {}",
            r.quote_id
        );
        assert!(r.status.is_none(), "extract leaves review columns empty");
        let text = std::fs::read_to_string(articles().join(format!("{}.txt", r.doc_id))).unwrap();
        assert_eq!(
            quotecheck::text::slice_chars(&text, r.start, r.end),
            r.quote,
            "offsets are code points"
        );
    }
}

#[test]
fn stdin_to_stdout() {
    let out = qc()
        .args(["extract"])
        .write_stdin("“We will reopen the bridge by spring,” said Mayor Lena Ortiz.\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let ds = read_csv_bytes(&out);
    assert_eq!(ds.records.len(), 1);
    assert_eq!(ds.records[0].doc_id, "stdin");
    assert_eq!(ds.records[0].quote, "We will reopen the bridge by spring,");
    assert_eq!((ds.records[0].start, ds.records[0].end), (1, 37));
}

#[test]
fn jsonl_output_has_the_same_fields() {
    let out = qc()
        .args(["extract", "--format", "jsonl"])
        .arg(fixture("extract/good.jsonl"))
        .assert()
        .success();
    let bytes = out.get_output().stdout.clone();
    let ds = schema::read_jsonl(&bytes[..], Path::new("out.jsonl")).unwrap();
    let ids: Vec<_> = ds.records.iter().map(|r| r.doc_id.as_str()).collect();
    assert_eq!(ids, ["n1", "n2"]);
    for line in String::from_utf8(bytes).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for c in schema::COLUMNS {
            assert!(v.get(*c).is_some(), "field {c} missing in {line}");
        }
    }
}

#[test]
fn jsonl_custom_fields() {
    let out = qc()
        .args(["extract", "--text-field", "body", "--id-field", "url"])
        .arg(fixture("extract/custom_fields.jsonl"))
        .assert()
        .success();
    let ds = read_csv_bytes(&out.get_output().stdout);
    assert_eq!(ds.records[0].doc_id, "u1");
}

#[test]
fn output_format_follows_extension() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q.jsonl");
    qc().arg("extract")
        .arg(fixture("extract/good.jsonl"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.starts_with('{'), "{first}");
}

/// Every bad input exits 2 with a message naming the file (and line where there is one), and
/// leaves no output file behind.
fn assert_bad_input(input: &Path, extra: &[&str], expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let mut cmd = qc();
    cmd.arg("extract")
        .args(extra)
        .arg(input)
        .arg("-o")
        .arg(&out);
    let mut a = cmd.assert().code(2).stdout("");
    for e in expect {
        a = a.stderr(predicate::str::contains(*e));
    }
    let _ = a;
    assert!(!out.exists(), "no output file may be left behind");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temp file left behind"
    );
}

#[test]
fn invalid_utf8_is_reported_with_line() {
    assert_bad_input(
        &fixture("extract/invalid_utf8.txt"),
        &[],
        &["invalid_utf8.txt:2:", "invalid UTF-8"],
    );
}

#[test]
fn empty_file_is_reported() {
    assert_bad_input(
        &fixture("extract/empty.txt"),
        &[],
        &["empty.txt", "empty file"],
    );
}

#[test]
fn binary_file_is_reported() {
    assert_bad_input(
        &fixture("extract/binary.txt"),
        &[],
        &["binary.txt:1:", "binary file"],
    );
}

#[test]
fn bad_jsonl_line_is_reported() {
    assert_bad_input(
        &fixture("extract/bad_line.jsonl"),
        &[],
        &["bad_line.jsonl:2:", "not valid JSON"],
    );
}

#[test]
fn jsonl_without_text_field_is_reported() {
    assert_bad_input(
        &fixture("extract/missing_text.jsonl"),
        &[],
        &["missing_text.jsonl:2: field `text`", "--text-field"],
    );
}

#[test]
fn duplicate_document_ids_are_reported() {
    assert_bad_input(
        &fixture("extract/duplicate_id.jsonl"),
        &[],
        &["duplicate_id.jsonl:2", "duplicate document id"],
    );
}

#[test]
fn folder_without_text_files_is_reported() {
    assert_bad_input(
        &fixture("extract/no_text_files"),
        &[],
        &["no_text_files", "no text files"],
    );
}

#[test]
fn unreadable_path_is_reported() {
    assert_bad_input(
        &fixture("extract/does_not_exist.txt"),
        &[],
        &["does_not_exist.txt", "No such file"],
    );
}

#[test]
fn error_in_a_later_document_leaves_no_output() {
    // the first file is fine and its rows are already written to the temp file when the error
    // comes: the output must still not appear
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    qc().arg("extract")
        .arg(articles().join("001_river_bridge.txt"))
        .arg(fixture("extract/invalid_utf8.txt"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
}

#[test]
fn bad_flag_is_a_usage_error() {
    qc().args(["extract", "--format", "xml"]).assert().code(2);
    qc().args(["extract", "--kinds", "direct,gossip"])
        .assert()
        .code(2);
}

#[test]
fn broken_pipe_exits_quietly() {
    // `quotecheck extract … | head -c 10`: the reader goes away early; no message, exit 0
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let line = "“We will reopen the bridge by spring,” said Mayor Lena Ortiz.";
    let body: String = (0..20_000)
        .map(|i| format!("{{\"id\":\"d{i}\",\"text\":\"{line}\"}}\n"))
        .collect();
    std::fs::write(&input, body).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("quotecheck");
    let script = format!(
        "set -o pipefail; '{}' extract '{}' | head -c 10 >/dev/null",
        bin.display(),
        input.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "exit status {:?}", out.status);
}

#[test]
fn formula_cells_are_escaped_by_default_and_raw_on_request() {
    let input = "“=1+1 is the answer,” said Ann Lee.\n";
    let out = qc().arg("extract").write_stdin(input).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("\"'=1+1 is the answer,\""), "{text}");
    // reading it back gives the original text
    assert_eq!(
        read_csv_bytes(text.as_bytes()).records[0].quote,
        "=1+1 is the answer,"
    );
    let raw = qc()
        .args(["extract", "--no-formula-escape"])
        .write_stdin(input)
        .assert()
        .success();
    let raw = String::from_utf8(raw.get_output().stdout.clone()).unwrap();
    assert!(raw.contains(",\"=1+1 is the answer,\""), "{raw}");
}

#[test]
fn help_has_examples_and_exit_codes() {
    qc().arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
    qc().args(["extract", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:").and(predicate::str::contains("Exit codes")));
}

#[test]
fn escape_sequences_never_reach_a_terminal_raw() {
    // stdout is a pseudo-terminal made by `script` (util-linux): the CSV of an article holding
    // an escape sequence must arrive neutralised
    let Some(raw) = on_a_terminal(&articles(), "extract 004_council_hack.txt", &[]) else {
        return;
    };
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("␛[31mYOU HAVE BEEN WARNED"), "{text}");
    assert!(!raw.contains(&0x1b), "a raw ESC reached the terminal");
    assert!(!raw.contains(&0x07), "a raw BEL reached the terminal");
}

/// The default of `--kinds` is shown the way it is typed, comma-separated, and means all
/// three kinds.
#[test]
fn kinds_default_is_shown_comma_separated_and_takes_all_kinds() {
    qc().args(["extract", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[default: direct,mixed,indirect]"));
    let out = qc().arg("extract").arg(articles()).output().unwrap();
    assert!(out.status.success());
    let ds = read_csv_bytes(&out.stdout);
    for kind in [
        schema::Kind::Direct,
        schema::Kind::Mixed,
        schema::Kind::Indirect,
    ] {
        assert!(ds.records.iter().any(|r| r.kind == kind), "{kind:?}");
    }
}

/// `--kinds` only filters: each kind's rows are the same as in a run with all kinds (the
/// indirect rows made from a quotation's reported clause came only when direct or mixed
/// rows were asked for too).
#[test]
fn kinds_filter_without_changing_rows() {
    let all = qc().arg("extract").arg(articles()).output().unwrap();
    let all = read_csv_bytes(&all.stdout);
    for kinds in ["direct", "mixed", "indirect", "direct,indirect"] {
        let out = qc()
            .args(["extract", "--kinds", kinds])
            .arg(articles())
            .output()
            .unwrap();
        assert!(out.status.success());
        let got: Vec<_> = read_csv_bytes(&out.stdout)
            .records
            .into_iter()
            .map(|r| r.quote_id)
            .collect();
        let want: Vec<_> = all
            .records
            .iter()
            .filter(|r| kinds.split(',').any(|k| k == r.kind.as_str()))
            .map(|r| r.quote_id.clone())
            .collect();
        assert_eq!(got, want, "--kinds {kinds}");
    }
}
