//! `quotecheck import --per-annotator` through the real binary: a failing import leaves
//! nothing behind.

use std::path::Path;

use predicates::prelude::*;

mod common;
use common::{fixture, qc};

/// Every entry under `dir`, sorted, as paths relative to it.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_unusable_annotator_id_is_refused_before_the_folder_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("by/annotator");
    qc().args(["import", "jsonl"])
        .arg(fixture("formats/bad/per_annotator_bad_id.jsonl"))
        .arg("--per-annotator")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"../ben\""))
        .stderr(predicate::str::contains(
            "per_annotator_bad_id.jsonl:2: field `quotes[0].annotator`",
        ));
    assert!(tree(dir.path()).is_empty(), "{:?}", tree(dir.path()));
}

#[test]
fn a_failed_write_removes_the_folder_and_files_it_made() {
    // The second annotator's id is too long for a file name: the first file is written, the
    // second fails, and the folder this run made is taken away again.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("by/annotator");
    qc().args(["import", "jsonl"])
        .arg(fixture("formats/bad/per_annotator_long_id.jsonl"))
        .arg("--per-annotator")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bbbb"));
    assert!(tree(dir.path()).is_empty(), "{:?}", tree(dir.path()));
}

#[test]
fn a_failed_write_into_an_existing_folder_keeps_what_was_there() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("by");
    std::fs::create_dir_all(out.join("ben.csv")).unwrap();
    std::fs::write(out.join("ben.csv/keep.txt"), "mine").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let ok = fixture("formats/brat/multi");
    qc().args(["import", "brat"])
        .arg(&ok)
        .args(["--quotes-only", "--per-annotator"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ben.csv"));
    assert_eq!(tree(&out), ["ben.csv", "ben.csv/keep.txt", "notes.txt"]);
}
