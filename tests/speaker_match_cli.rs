//! `--speaker-match overlap` through the real binary: `eval` accepts and rejects the speakers the
//! PolNeAR reference scorer's content-word rule does, and `diff` groups names by it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

mod common;
use common::{fixture, json_of, qc};

fn eval(mode: &str, errors: &Path) -> serde_json::Value {
    json_of(
        qc().arg("eval")
            .arg("--gold")
            .arg(fixture("eval/overlap").join("train"))
            .arg("--gold-quotes-only")
            .arg("--pred")
            .arg(fixture("eval/overlap").join("pred.csv"))
            .args(["--speaker-match", mode, "--format", "json", "--errors"])
            .arg(errors),
    )
}

/// (quote, predicted speaker) of every `wrong_speaker` row of an errors file.
fn wrong_speakers(path: &Path, quote_col: &str, speaker_col: &str) -> BTreeSet<(String, String)> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (t, q, s) = (col("type"), col(quote_col), col(speaker_col));
    rd.records()
        .map(|r| r.unwrap())
        .filter(|r| &r[t] == "wrong_speaker")
        .map(|r| {
            let quote = r[q].trim_matches(|c: char| "\u{201c}\u{201d}\" ".contains(c));
            (quote.to_string(), r[s].to_string())
        })
        .collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn eval_overlap_accepts_what_the_reference_rule_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.csv");
    let v = eval("overlap", &errors);
    assert_eq!(v["lenient"]["tp"], 13);
    // Accepted: "Sen. Joe Blake" for "Blake's office", "He" for "he", "his" for "His aide",
    // "President" for "The president", "Ms. Smith" for "Mr. Smith's lawyer", "Ortiz's" for
    // "Dr. Ortiz", and "Joe Blake" for a quote attributed both to Lee and to Blake.
    assert_eq!(v["speaker"]["n"], 11);
    assert_eq!(v["speaker"]["correct"], 7);
    // ... plus "—" for a quote without a source (it names nobody)
    assert_eq!(v["attributed"]["tp"], 8);
    assert_eq!(
        wrong_speakers(&errors, "gold_quote", "pred_speaker"),
        set(&[
            // no coreference: "he" is not Joe Blake
            ("Taxes will not rise,", "Joe Blake"),
            // a pronoun beside a content word does not count
            ("Nothing has changed.", "her aide"),
            // a name without content words must equal the other but for articles
            ("Schools come first.", "the president"),
            // titles and function words are no content words
            ("We are confident.", "a spokesman for the senator"),
            // a quote without a source wants a prediction that names nobody
            ("Drive slowly.", "Blake"),
        ])
    );
}

#[test]
fn other_modes_differ_from_overlap_on_the_same_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.csv");
    let v = eval("surname", &errors);
    assert_eq!(v["speaker"]["correct"], 6);
    let wrong = wrong_speakers(&errors, "gold_quote", "pred_speaker");
    // surnames differ ("blake" vs "office"), content words overlap
    assert!(wrong.contains(&(
        "We will fix the roads this year.".to_string(),
        "Sen. Joe Blake".to_string()
    )));
    // the second source of a quote counts in every mode
    assert!(!wrong.iter().any(|(q, _)| q == "We agree on the bridge."));
}

/// The reference scorer, when it is at hand and `python3` runs: `POLNEAR_SCORER`, else
/// `tools/polnear_eval.py` beside `POLNEAR_DIR`, else `shared/tools/polnear_eval.py` in a folder
/// above the repository.
fn scorer() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("POLNEAR_SCORER") {
        candidates.push(p.into());
    } else {
        if let Some(d) = std::env::var_os("POLNEAR_DIR") {
            candidates.push(Path::new(&d).join("../tools/polnear_eval.py"));
        }
        for up in Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().skip(1) {
            candidates.push(up.join("shared/tools/polnear_eval.py"));
        }
    }
    let python = StdCommand::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        return None;
    }
    candidates.into_iter().find(|p| p.is_file())
}

#[test]
fn eval_overlap_agrees_with_the_reference_scorer_itself() {
    let Some(scorer) = scorer() else {
        eprintln!("reference scorer or python3 not found: skipping");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (ours, theirs) = (dir.path().join("ours.csv"), dir.path().join("theirs.csv"));
    let json = dir.path().join("scorer.json");
    let v = eval("overlap", &ours);
    let out = StdCommand::new("python3")
        .arg(&scorer)
        .arg("--polnear")
        .arg(fixture("eval/overlap"))
        .args(["--split", "train", "--system"])
        .arg(fixture("eval/overlap").join("pred.csv"))
        .arg("--errors")
        .arg(&theirs)
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let r = &s["results"];
    assert_eq!(r["speaker"]["n"], v["speaker"]["n"]);
    assert_eq!(r["speaker"]["correct"], v["speaker"]["correct"]);
    assert_eq!(r["attributed"]["tp"], v["attributed"]["tp"]);
    assert_eq!(
        wrong_speakers(&theirs, "gold_quote", "sys_speaker"),
        wrong_speakers(&ours, "gold_quote", "pred_speaker")
    );
}

const HEADER: &str = "doc_id,quote,start,end,speaker,status,annotator\n";

#[test]
fn diff_groups_names_by_their_last_content_word() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("ana.csv");
    let b = dir.path().join("ben.csv");
    std::fs::write(
        &a,
        format!(
            "{HEADER}d,abc,0,3,Sen. Joe Blake,confirmed,ana\nd,def,10,13,He,confirmed,ana\nd,ghi,20,23,the president,confirmed,ana\nd,jkl,30,33,Blake's office,confirmed,ana\n"
        ),
    )
    .unwrap();
    std::fs::write(
        &b,
        format!(
            "{HEADER}d,abc,0,3,Blake,confirmed,ben\nd,def,10,13,he,confirmed,ben\nd,ghi,20,23,President,confirmed,ben\nd,jkl,30,33,Joe Blake,confirmed,ben\n"
        ),
    )
    .unwrap();
    let run = |mode: &str, format: &str| {
        let out = qc()
            .arg("diff")
            .arg(&a)
            .arg(&b)
            .args([
                "--speaker-match",
                mode,
                "--format",
                format,
                "--color",
                "never",
            ])
            .output()
            .unwrap();
        assert!(out.status.code().is_some_and(|c| c <= 1));
        String::from_utf8(out.stdout).unwrap()
    };
    let v: serde_json::Value = serde_json::from_str(&run("overlap", "json")).unwrap();
    assert_eq!(v["options"]["speaker_match"], "overlap");
    // three of four agree; "Blake's office" and "Joe Blake" share a word but not a key
    let items = v["disagreements"]["items"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .filter(|d| {
            d["fields"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("speaker"))
        })
        .map(|d| d["quote_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["d:30-33"]);
    let n: serde_json::Value = serde_json::from_str(&run("normalized", "json")).unwrap();
    assert_eq!(n["disagreements"]["items"].as_array().unwrap().len(), 2);
    assert!(run("overlap", "terminal").contains("speakers compared by shared content word"));
}
