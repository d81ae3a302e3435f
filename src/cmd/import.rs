//! `quotecheck import FORMAT INPUT`: another tool's annotations in, a quotecheck dataset out.

use std::path::PathBuf;

use quotecheck::formats::{self, FormatName, ImportOptions};
use quotecheck::schema::{self, DataFormat};
use quotecheck::{Error, Result};

use crate::cli::Global;

const AFTER_HELP: &str = "\
Examples:
  quotecheck import brat annotations/ -o gold.csv
  quotecheck import brat polnear/train --quotes-only -o gold.csv       # direct-quote units
  quotecheck import brat polnear/annotator-training --quotes-only --per-annotator by-annotator/
  quotecheck import labelstudio export.json -o gold.csv
  quotecheck import doccano admin.jsonl -o gold.csv
  quotecheck import prodigy quotes.jsonl -o gold.csv
  quotecheck import jsonl dataset.jsonl -o gold.csv

Formats are described in docs/formats.md. brat input is a folder of <doc>.txt + <doc>.ann (or
<doc>_<annotator>.ann, one per annotator), an .ann file, or a folder with text/ and
attributions/ (PolNeAR). When a document has several annotators' files, the first-sorting
annotator is taken unless --annotator or --per-annotator says otherwise.

jsonl input is one line per document and annotator (doc_id, annotator, text, quotes): a quote
that names another doc_id or annotator than its line's is refused.

--quotes-only (brat): one row per quoted segment of each text, the same rows with the same ids for
every annotator; `confirmed` when the annotator made it part of a direct-quote attribution (a
content piece at least half inside quotation marks), with the source as `reviewed_speaker`;
`rejected` otherwise.

Exit codes: 0 ok; 2 bad input (the message names the file, line and reason) — nothing is written.";

/// Read annotations made with another tool into a quotecheck dataset.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The format of INPUT.
    #[arg(value_enum)]
    pub format: FormatName,

    /// The file or folder to read.
    pub input: PathBuf,

    /// Write here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Output format (default: from the output file's extension, else csv).
    #[arg(long, value_enum)]
    pub to: Option<DataFormat>,

    /// brat: rows are the quoted segments of the texts (direct-quote units), see below.
    #[arg(long)]
    pub quotes_only: bool,

    /// Take only this annotator's annotations.
    #[arg(long, value_name = "ID")]
    pub annotator: Option<String>,

    /// brat: take every annotator's files into the one output (default: the first-sorting
    /// annotator of each document).
    #[arg(long, conflicts_with = "annotator")]
    pub all_annotators: bool,

    /// Write one file per annotator, OUTDIR/<annotator>.csv, instead of one output.
    #[arg(long, value_name = "OUTDIR", conflicts_with = "output")]
    pub per_annotator: Option<PathBuf>,
}

pub fn run(args: Args, g: Global) -> Result<i32> {
    if args.quotes_only && args.format != FormatName::Brat {
        return Err(Error::usage("--quotes-only applies to brat input only"));
    }
    quotecheck::io::check_not_an_input(args.output.as_deref(), [args.input.as_path()])?;
    let opts = ImportOptions {
        quotes_only: args.quotes_only,
        annotator: args.annotator.clone(),
        all_annotators: args.per_annotator.is_some() || args.all_annotators,
    };
    let col = formats::import(args.format, &args.input, &opts)?;
    for w in &col.warnings {
        eprintln!(
            "quotecheck: warning: {}",
            quotecheck::text::sanitize_one_line(w)
        );
    }
    if let Some(dir) = &args.per_annotator {
        let format = args.to.unwrap_or(DataFormat::Csv);
        let n = formats::write_per_annotator(&args.input, &col, dir, format, g.write)?;
        eprintln!(
            "quotecheck: wrote {n} annotator file(s) to {}",
            quotecheck::text::sanitize_one_line(&dir.display().to_string())
        );
        return Ok(0);
    }
    let format = args.to.unwrap_or_else(|| {
        args.output
            .as_deref()
            .map(DataFormat::from_path)
            .unwrap_or(DataFormat::Csv)
    });
    schema::write_path(args.output.as_deref(), &col.records, format, g.write)?;
    Ok(0)
}
