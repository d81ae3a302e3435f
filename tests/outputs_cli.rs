//! Where commands write, through the real binary: an output that is one of the inputs is refused
//! before anything is written, a command with two outputs leaves neither when one cannot be
//! written, and an output into a folder that does not exist says so.

use std::path::Path;

mod common;
use common::{args, fixture, qc_in};

use predicates::prelude::*;

/// A temporary folder holding copies of the fixtures the tests write over.
fn workdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("diff/ana.csv", "ana.csv"),
        ("diff/ben.csv", "ben.csv"),
        ("eval/gold.csv", "gold.csv"),
        ("eval/pred.csv", "pred.csv"),
        ("formats/texts/council.txt", "council.txt"),
        ("formats/extracted.csv", "extracted.csv"),
    ] {
        std::fs::copy(fixture(from), d.path().join(to)).unwrap();
    }
    d
}

#[test]
fn an_output_that_is_one_of_the_inputs_is_refused_and_the_input_kept() {
    let cases: &[(&str, &str)] = &[
        ("extract council.txt -o council.txt", "council.txt"),
        ("extract . -o council.txt", "council.txt"),
        ("diff ana.csv ben.csv --merge ana.csv", "ana.csv"),
        ("diff ana.csv ben.csv -o ben.csv", "ben.csv"),
        ("diff ana.csv ben.csv -o ./ana.csv", "ana.csv"),
        (
            "eval --gold gold.csv --pred pred.csv --errors gold.csv",
            "gold.csv",
        ),
        (
            "eval --gold gold.csv --pred pred.csv -o pred.csv",
            "pred.csv",
        ),
        (
            "import jsonl extracted.csv -o extracted.csv",
            "extracted.csv",
        ),
        (
            "export jsonl extracted.csv --text . -o extracted.csv",
            "extracted.csv",
        ),
        (
            "export doccano extracted.csv --text . -o council.txt",
            "council.txt",
        ),
    ];
    for (line, input) in cases {
        let d = workdir();
        let before = std::fs::read(d.path().join(input)).unwrap();
        let files = common::listing(d.path());
        qc_in(d.path()).args(args(line)).assert().code(2).stderr(
            predicate::str::contains(*input)
                .and(predicate::str::contains("is also an input"))
                .and(predicate::str::contains("panicked").not()),
        );
        assert_eq!(
            std::fs::read(d.path().join(input)).unwrap(),
            before,
            "{line}"
        );
        assert_eq!(common::listing(d.path()), files, "{line}");
    }
}

#[test]
fn when_one_of_two_outputs_cannot_be_written_neither_is_left() {
    let cases: &[&str] = &[
        "diff ana.csv ben.csv --merge merged.csv -o missing/report.txt",
        "diff ana.csv ben.csv --merge missing/merged.csv -o report.txt",
        "eval --gold gold.csv --pred pred.csv --errors errors.csv -o missing/report.txt",
        "eval --gold gold.csv --pred pred.csv --errors missing/errors.csv -o report.txt",
    ];
    for line in cases {
        let d = workdir();
        let files = common::listing(d.path());
        qc_in(d.path()).args(args(line)).assert().code(2);
        assert_eq!(common::listing(d.path()), files, "{line}");
    }
}

#[test]
fn an_output_in_a_folder_that_does_not_exist_names_the_folder() {
    let cases: &[&str] = &[
        "extract council.txt -o missing/out.csv",
        "diff ana.csv ben.csv --merge missing/merged.csv",
        "eval --gold gold.csv --pred pred.csv -o missing/r.json",
        "import jsonl hf.jsonl -o missing/out.csv",
        "export jsonl extracted.csv --text . -o missing/out.jsonl",
        "export brat extracted.csv --text . -o missing/deeper/brat",
    ];
    for line in cases {
        let d = workdir_with_hf();
        qc_in(d.path()).args(args(line)).assert().code(2).stderr(
            predicate::str::contains("does not exist")
                .and(predicate::str::contains("missing"))
                .and(predicate::str::contains(".tmp").not())
                .and(predicate::str::contains("quotecheck-export").not()),
        );
        assert!(!d.path().join("missing").exists(), "{line}");
    }
}

#[test]
fn two_outputs_of_one_command_at_the_same_place_are_refused() {
    // The report would replace the merged file (or the errors file) without a word.
    let d = workdir();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::fs::write(d.path().join("old.csv"), "kept\n").unwrap();
    let cases: &[&str] = &[
        "diff ana.csv ben.csv --merge m.csv -o m.csv",
        "diff ana.csv ben.csv --merge m.csv -o sub/../m.csv",
        "diff ana.csv ben.csv --merge old.csv -o ./old.csv",
        // both on standard output: the report would be mixed into the CSV
        "diff ana.csv ben.csv --merge -",
        "diff ana.csv ben.csv --merge - -o -",
        "eval --gold gold.csv --pred pred.csv --errors e.csv -o e.csv",
        "eval --gold gold.csv --pred pred.csv --errors -",
    ];
    for line in cases {
        let before = common::listing(d.path());
        qc_in(d.path())
            .args(args(line))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("the same place"));
        assert_eq!(common::listing(d.path()), before, "{line}");
        assert_eq!(
            std::fs::read_to_string(d.path().join("old.csv")).unwrap(),
            "kept\n"
        );
    }
    // /dev/null may take both
    qc_in(d.path())
        .args(args("diff ana.csv ben.csv --merge /dev/null -o /dev/null"))
        .assert()
        .success();
    // one output on standard output and the other in a file is fine
    qc_in(d.path())
        .args(args("diff ana.csv ben.csv --merge - -o report.txt"))
        .assert()
        .success()
        .stdout(predicate::str::starts_with("quote_id,"));
}

#[test]
fn every_help_example_is_one_whole_line() {
    // A line too long for the help's width is wrapped by clap, and a wrapped example cannot be
    // copied; a hard line break in the middle of a sentence shows as a ragged paragraph.
    let d = workdir();
    for cmd in ["extract", "review", "diff", "eval", "import", "export"] {
        let out = qc_in(d.path()).args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        // (doc comments are help text too: no intra-doc link syntax in them)
        assert!(
            !help.contains("[`"),
            "{cmd}: rustdoc link syntax in --help\n{help}"
        );
        let examples = help
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{cmd}: no examples"));
        for line in examples.lines().take_while(|l| !l.is_empty()) {
            assert!(
                line.starts_with("  ") && line.contains("quotecheck "),
                "{cmd}: an example is wrapped: {line:?}\n{help}"
            );
        }
        for para in help.split("\n\n") {
            let lines: Vec<&str> = para.lines().collect();
            for w in lines.windows(2) {
                let prose = |l: &str| !l.starts_with(' ') && !l.ends_with(':');
                assert!(
                    !(prose(w[0]) && prose(w[1]) && w[0].len() < 30 && w[1].len() > 60),
                    "{cmd}: a sentence broken in the middle of a paragraph: {:?} / {:?}",
                    w[0],
                    w[1]
                );
            }
        }
    }
}

#[test]
fn a_row_given_twice_is_refused_by_every_reader() {
    // The same quote_id for the same annotator twice would be counted (eval), exported or
    // decided (review) twice; diff refused it already.
    let d = workdir();
    let gold = std::fs::read_to_string(d.path().join("gold.csv")).unwrap();
    let second = gold.lines().nth(1).unwrap();
    let lines = gold.lines().count();
    std::fs::write(d.path().join("twice.csv"), format!("{gold}{second}\n")).unwrap();
    let want = format!(
        "twice.csv:{}: field `quote_id`: duplicate quote_id",
        lines + 1
    );
    for line in [
        "eval --gold twice.csv --pred pred.csv",
        "eval --gold gold.csv --pred twice.csv",
        "export jsonl twice.csv -o out.jsonl",
        "diff twice.csv ana.csv",
    ] {
        qc_in(d.path())
            .args(args(line))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(want.as_str()));
    }
    assert!(!d.path().join("out.jsonl").exists());
}

#[test]
fn a_speaker_span_with_one_end_is_refused_by_every_reader() {
    // One end alone says nothing about where the speaker is; the fast reader of diff and the
    // schema reader agree on it.
    let d = workdir();
    let ana = std::fs::read_to_string(d.path().join("ana.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(ana.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (ss, se) = (col("speaker_start"), col("speaker_end"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for (i, rec) in rdr.records().enumerate() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        if i == 0 {
            rec[ss] = "4".into();
            rec[se] = String::new();
        }
        w.write_record(&rec).unwrap();
    }
    std::fs::write(d.path().join("half.csv"), w.into_inner().unwrap()).unwrap();
    for line in [
        "eval --gold half.csv --pred pred.csv",
        "export jsonl half.csv -o out.jsonl",
        "diff half.csv ben.csv",
        "diff ben.csv half.csv",
    ] {
        qc_in(d.path())
            .args(args(line))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "half.csv:2: field `speaker_end`: speaker_start is given without speaker_end",
            ));
    }
    assert!(!d.path().join("out.jsonl").exists());
}

/// The commands that write one file, with `OUT` where the output goes: each run in a
/// [`workdir_with_hf`].
const ONE_FILE_OUTPUTS: &[&str] = &[
    "extract council.txt -o OUT",
    "diff ana.csv ben.csv --merge OUT",
    "diff ana.csv ben.csv -o OUT",
    "eval --gold gold.csv --pred pred.csv --errors OUT",
    "eval --gold gold.csv --pred pred.csv -o OUT",
    "export labelstudio extracted.csv --text . -o OUT",
    "import jsonl hf.jsonl -o OUT",
];

/// A [`workdir`] with `hf.jsonl`, a file to import.
fn workdir_with_hf() -> tempfile::TempDir {
    let d = workdir();
    qc_in(d.path())
        .args(args("export jsonl extracted.csv --text . -o hf.jsonl"))
        .assert()
        .success();
    d
}

/// A [`workdir_with_hf`] with an empty folder `real/` for link targets.
fn workdir_with_links() -> tempfile::TempDir {
    let d = workdir_with_hf();
    std::fs::create_dir(d.path().join("real")).unwrap();
    d
}

/// The words of `line` with `OUT` replaced by `out`.
fn with_out<'a>(line: &'a str, out: &'a str) -> Vec<&'a str> {
    args(line)
        .into_iter()
        .map(|a| if a == "OUT" { out } else { a })
        .collect()
}

fn assert_still_a_link(link: &Path, target: &str, args: &[&str]) {
    let meta = std::fs::symlink_metadata(link).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "{args:?}: the link was replaced by a file"
    );
    assert_eq!(
        std::fs::read_link(link).unwrap(),
        Path::new(target),
        "{args:?}"
    );
}

#[test]
fn an_output_named_through_a_symbolic_link_replaces_the_file_it_names() {
    // Writing used to rename the new file over the link itself: the link became a private
    // copy and the file it named kept its old content.
    for line in ONE_FILE_OUTPUTS {
        let d = workdir_with_links();
        std::fs::write(d.path().join("real/out"), "old\n").unwrap();
        std::os::unix::fs::symlink("real/out", d.path().join("link")).unwrap();
        // a link whose file does not exist yet: the file is made where the link says
        std::os::unix::fs::symlink("real/new", d.path().join("dangling")).unwrap();
        for (name, target) in [("link", "real/out"), ("dangling", "real/new")] {
            let args = with_out(line, name);
            qc_in(d.path()).args(&args).assert().success();
            assert_still_a_link(&d.path().join(name), target, &args);
            let written = std::fs::read(d.path().join(target)).unwrap();
            assert!(
                !written.is_empty() && written != b"old\n",
                "{args:?}: the linked file did not get the output"
            );
        }
        assert_eq!(common::listing(&d.path().join("real")), ["new", "out"]);
        assert!(
            !common::listing(d.path())
                .iter()
                .any(|n| n.ends_with(".tmp")),
            "{line}: a temporary file was left"
        );
    }
}

#[test]
fn a_brat_export_through_a_symbolic_link_fills_the_folder_it_names() {
    let d = workdir_with_links();
    std::fs::create_dir(d.path().join("real/empty")).unwrap();
    std::os::unix::fs::symlink("real/empty", d.path().join("link")).unwrap();
    std::os::unix::fs::symlink("real/new", d.path().join("dangling")).unwrap();
    for (name, target) in [("link", "real/empty"), ("dangling", "real/new")] {
        let args = ["export", "brat", "extracted.csv", "--text", ".", "-o", name];
        qc_in(d.path()).args(args).assert().success();
        assert_still_a_link(&d.path().join(name), target, &args);
        let files = common::listing(&d.path().join(target));
        assert!(
            files.iter().any(|f| f.ends_with(".ann")),
            "{args:?}: {files:?}"
        );
    }
    assert_eq!(common::listing(&d.path().join("real")), ["empty", "new"]);
}

#[test]
fn an_output_that_is_an_input_through_a_symbolic_link_is_refused() {
    let d = workdir_with_links();
    std::os::unix::fs::symlink("ana.csv", d.path().join("link-to-ana.csv")).unwrap();
    std::os::unix::fs::symlink("gold.csv", d.path().join("link-to-gold.csv")).unwrap();
    std::os::unix::fs::symlink("hf.jsonl", d.path().join("link-to-hf.jsonl")).unwrap();
    let before = std::fs::read(d.path().join("ana.csv")).unwrap();
    for line in [
        "diff ana.csv ben.csv --merge link-to-ana.csv",
        "diff link-to-ana.csv ben.csv -o ana.csv",
        "eval --gold gold.csv --pred pred.csv --errors link-to-gold.csv",
        "import jsonl hf.jsonl -o link-to-hf.jsonl",
    ] {
        let files = common::listing(d.path());
        qc_in(d.path())
            .args(args(line))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is also an input"));
        assert_eq!(common::listing(d.path()), files, "{line}");
    }
    assert_eq!(std::fs::read(d.path().join("ana.csv")).unwrap(), before);
}

#[test]
fn two_outputs_at_one_place_through_a_symbolic_link_are_refused() {
    // A link to a file that does not exist yet names that file: the two outputs would still
    // land at one place.
    let d = workdir_with_links();
    std::os::unix::fs::symlink("real/m.csv", d.path().join("dangling")).unwrap();
    std::fs::write(d.path().join("real/old.csv"), "kept\n").unwrap();
    std::os::unix::fs::symlink("real/old.csv", d.path().join("link")).unwrap();
    for line in [
        "diff ana.csv ben.csv --merge dangling -o real/m.csv",
        "diff ana.csv ben.csv --merge real/old.csv -o link",
        "eval --gold gold.csv --pred pred.csv --errors real/m.csv -o dangling",
    ] {
        qc_in(d.path())
            .args(args(line))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("the same place"));
        assert_eq!(
            common::listing(&d.path().join("real")),
            ["old.csv"],
            "{line}"
        );
        assert_eq!(
            std::fs::read_to_string(d.path().join("real/old.csv")).unwrap(),
            "kept\n"
        );
    }
}

#[test]
fn a_per_annotator_file_that_is_the_input_is_refused() {
    // The annotator's file used to replace the input it was read from.
    let d = workdir();
    std::fs::create_dir(d.path().join("by")).unwrap();
    std::os::unix::fs::symlink("by", d.path().join("link-to-by")).unwrap();
    std::fs::write(
        d.path().join("by/ana.jsonl"),
        r#"{"doc_id":"d","annotator":"ana","text":"He said hi","quotes":[{"start":8,"end":10}]}"#,
    )
    .unwrap();
    let before = std::fs::read(d.path().join("by/ana.jsonl")).unwrap();
    for out in ["by", "link-to-by"] {
        qc_in(d.path())
            .args(args("import jsonl by/ana.jsonl --to jsonl"))
            .args(["--per-annotator", out])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is also an input"));
        assert_eq!(common::listing(&d.path().join("by")), ["ana.jsonl"]);
        assert_eq!(
            std::fs::read(d.path().join("by/ana.jsonl")).unwrap(),
            before
        );
    }
}
