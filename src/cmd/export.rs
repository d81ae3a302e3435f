//! `quotecheck export FORMAT IN.csv -o OUTPUT`: a quotecheck dataset out to another tool.

use std::path::{Path, PathBuf};

use quotecheck::formats::{self, FormatName, brat};
use quotecheck::io::Output;
use quotecheck::schema;
use quotecheck::{Error, Result};

use crate::cli::Global;

const AFTER_HELP: &str = "\
Examples:
  quotecheck export brat gold.csv --text articles/ -o brat-out/
  quotecheck export brat gold.csv --text articles/ --scheme attribution -o polnear-style/
  quotecheck export labelstudio quotes.csv --text articles/ -o tasks.json
  quotecheck export doccano quotes.csv --text articles/ -o doccano.jsonl
  quotecheck export prodigy quotes.csv --text articles/ -o prodigy.jsonl
  quotecheck export jsonl gold.csv --text articles/ -o hf.jsonl

Every export carries the document text and the annotator ids. A quotecheck file does not hold the
documents: give --text DIR with <doc_id>.txt files (the folder `extract` read). Without it the
text is rebuilt from the rows' context and quote columns, blank elsewhere, with a warning.
Fields a format has no place for travel in a `quotecheck` object (brat: an AnnotatorNotes note),
so importing the export gives the same rows back. See docs/formats.md.

brat output is a folder, which must not exist yet or be empty: <doc_id>.txt and
<doc_id>.ann (<doc_id>_<annotator>.ann for rows with an annotator).

Exit codes: 0 ok; 2 bad input (the message names the file, line and field) — nothing is written.";

/// Write a quotecheck dataset in another tool's format.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The format to write.
    #[arg(value_enum)]
    pub format: FormatName,

    /// The quotecheck dataset (.csv or .jsonl).
    pub input: PathBuf,

    /// Output file (brat: folder). Standard output when absent (not for brat).
    #[arg(short, long, value_name = "OUTPUT")]
    pub output: Option<PathBuf>,

    /// Folder with the documents as <doc_id>.txt.
    #[arg(long, value_name = "DIR")]
    pub text: Option<PathBuf>,

    /// brat: the annotation scheme to write.
    #[arg(long, value_enum, default_value_t = brat::Scheme::Quote)]
    pub scheme: brat::Scheme,
}

pub fn run(args: Args, _g: Global) -> Result<i32> {
    let not_an_input = |inputs: &[&Path]| {
        quotecheck::io::check_not_an_input(args.output.as_deref(), inputs.iter().copied())
    };
    not_an_input(&[args.input.as_path()])?;
    let ds = schema::read_path(&args.input)?;
    if let Some(dir) = &args.text {
        let docs: std::collections::BTreeSet<&str> =
            ds.records.iter().map(|r| r.doc_id.as_str()).collect();
        let texts: Vec<PathBuf> = docs.iter().map(|d| dir.join(format!("{d}.txt"))).collect();
        not_an_input(&texts.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    }
    let mut warnings = Vec::new();
    let texts = formats::export_texts(&ds.records, args.text.as_deref(), &mut warnings)?;
    let result = if args.format == FormatName::Brat {
        let out = args
            .output
            .as_deref()
            .ok_or_else(|| Error::usage("brat export needs -o OUTPUT_FOLDER"))?;
        write_brat(&ds, &texts, args.scheme, &args.input, out)
    } else {
        let bytes =
            formats::export_bytes(args.format, &ds.records, &ds.lines, &texts, &args.input)?;
        let mut out = Output::create(args.output.as_deref())?;
        let shown = out.path().to_path_buf();
        std::io::Write::write_all(&mut out, &bytes).map_err(|e| Error::io(&shown, e))?;
        out.commit()
    };
    for w in &warnings {
        eprintln!(
            "quotecheck: warning: {}",
            quotecheck::text::sanitize_one_line(w)
        );
    }
    result.map(|_| 0)
}

/// Writes every file into a fresh folder beside OUTPUT, then renames it into place: a failure
/// leaves nothing behind. An OUTPUT that is a symbolic link is filled where it points (renaming
/// over the link itself would fail, a folder cannot replace a link).
fn write_brat(
    ds: &schema::Dataset,
    texts: &std::collections::BTreeMap<String, Vec<char>>,
    scheme: brat::Scheme,
    input: &Path,
    shown: &Path,
) -> Result<()> {
    let target = quotecheck::io::output_target(shown)?;
    let out = target.as_path();
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map_err(|e| Error::io(shown, e))?
            .next()
            .is_none();
        if !empty {
            return Err(Error::usage(format!(
                "{}: the output folder exists and is not empty; choose a new one",
                shown.display()
            )));
        }
    }
    let mut files: Vec<(String, String)> = Vec::new();
    for ((doc, annotator), recs) in formats::group_records(&ds.records, &ds.lines) {
        let text = &texts[&doc];
        let name = brat::ann_file_name(&doc, &annotator)?;
        files.push((name, brat::write_ann(text, &recs, scheme, input)?));
        let txt = format!("{doc}.txt");
        if !files.iter().any(|(n, _)| *n == txt) {
            files.push((txt, text.iter().collect()));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".quotecheck-export.")
        .tempdir_in(&parent)
        .map_err(|e| quotecheck::io::cannot_create_in(shown, &parent, e))?;
    for (name, body) in &files {
        let p = tmp.path().join(name);
        std::fs::write(&p, body).map_err(|e| Error::io(&p, e))?;
    }
    let tmp_path = tmp.keep();
    let set_mode = std::fs::set_permissions(
        &tmp_path,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    );
    if let Err(e) = set_mode.and_then(|_| std::fs::rename(&tmp_path, out)) {
        let _ = std::fs::remove_dir_all(&tmp_path);
        return Err(Error::io(shown, e));
    }
    quotecheck::io::sync_dir(&parent);
    Ok(())
}
