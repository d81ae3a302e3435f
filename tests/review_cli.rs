//! `quotecheck review` without a terminal: every check that does not need one, through the
//! real binary.

use std::path::Path;

mod common;
use common::{fixture, qc, qc_in};

use predicates::prelude::*;

/// A copy of a fixture in a fresh folder (review writes beside the file).
fn copy(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(name);
    std::fs::copy(fixture(&format!("review/{name}")), &p).unwrap();
    (d, p)
}

#[test]
fn without_a_terminal_it_says_so_and_exits_2() {
    let (d, p) = copy("odd.csv");
    let before = std::fs::read(&p).unwrap();
    qc().args(["review", p.to_str().unwrap(), "--annotator", "ana"])
        .write_stdin("")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("needs a terminal"));
    assert_eq!(std::fs::read(&p).unwrap(), before);
    assert_eq!(
        common::listing(d.path()),
        vec!["odd.csv"],
        "no lock or journal left"
    );
}

#[test]
fn without_a_terminal_even_with_dev_null() {
    let (_d, p) = copy("odd.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quotecheck"))
        .args(["review", p.to_str().unwrap(), "--annotator", "ana"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
}

#[test]
fn bad_file_names_line_and_field() {
    qc().args([
        "review",
        fixture("review/bad_start.csv").to_str().unwrap(),
        "--annotator",
        "ana",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("bad_start.csv:2: field `start`"));
}

#[test]
fn missing_file_is_an_error() {
    qc().args(["review", "/nonexistent/q.csv", "--annotator", "ana"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/q.csv"));
}

#[test]
fn unknown_document_and_missing_agreement_are_reported_first() {
    let (_d, p) = copy("odd.csv");
    qc().args([
        "review",
        p.to_str().unwrap(),
        "--annotator",
        "ana",
        "--doc",
        "zzz",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("no rows with document id \"zzz\""));
    qc().args([
        "review",
        p.to_str().unwrap(),
        "--annotator",
        "ana",
        "--only",
        "disagreements",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("`agreement` column"));
}

#[test]
fn bad_options() {
    let (_d, p) = copy("odd.csv");
    let f = p.to_str().unwrap();
    qc().args(["review", f, "--annotator", "  "])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("annotator name is empty"));
    qc().args(["review", f, "--annotator", "a", "--seed", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sample"));
    qc().args(["review", f, "--annotator", "a", "--only", "everything"])
        .assert()
        .code(2);
    qc().args(["review", f, "--annotator", "a", "--threshold", "2"])
        .assert()
        .code(2);
}

#[test]
fn jsonl_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("q.jsonl");
    std::fs::write(
        &p,
        "{\"doc_id\":\"d\",\"quote\":\"q\",\"start\":1,\"end\":2}\n",
    )
    .unwrap();
    qc().args(["review", p.to_str().unwrap(), "--annotator", "ana"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CSV"));
}

#[test]
fn articles_that_cannot_be_shown_are_reported_before_the_terminal_check() {
    let (d, p) = copy("odd.csv");
    let refused = |articles: &Path, why: &str| {
        qc().args([
            "review",
            p.to_str().unwrap(),
            "--annotator",
            "ana",
            "--articles",
        ])
        .arg(articles)
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(why));
    };
    refused(&d.path().join("no-such-folder"), "no-such-folder");
    // a folder of articles none of which is a document of the file
    let arts = d.path().join("articles");
    std::fs::create_dir(&arts).unwrap();
    std::fs::write(arts.join("other.txt"), "Nothing to see here.").unwrap();
    refused(&arts, "no article can be shown");
    // the document, but not the text the rows were extracted from
    std::fs::write(
        arts.join("d1.txt"),
        "A different text altogether, long enough.",
    )
    .unwrap();
    refused(&arts, "do not hold the rows' quotes");
    assert_eq!(common::listing(d.path()), vec!["articles", "odd.csv"]);
}

#[test]
fn a_dangling_link_and_a_loop_of_links_are_refused_by_the_name_given() {
    use std::os::unix::fs::symlink;
    let d = tempfile::tempdir().unwrap();
    symlink("gone/q.csv", d.path().join("dangling.csv")).unwrap();
    symlink("loop2.csv", d.path().join("loop1.csv")).unwrap();
    symlink("loop1.csv", d.path().join("loop2.csv")).unwrap();
    for (name, why) in [
        ("dangling.csv", "No such file"),
        ("loop1.csv", "symbolic links"),
    ] {
        qc_in(d.path())
            .args(["review", name, "--annotator", "ana"])
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with(format!("quotecheck: {name}: ")))
            .stderr(predicate::str::contains(why));
    }
    assert_eq!(
        common::listing(d.path()),
        vec!["dangling.csv", "loop1.csv", "loop2.csv"],
        "nothing made beside the links"
    );
}
