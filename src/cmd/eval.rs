//! `quotecheck eval --gold GOLD --pred PRED`: score predicted quotes against gold quotes.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use quotecheck::eval::{ERROR_COLUMNS, EvalOptions, evaluate};
use quotecheck::formats::{self, ImportOptions, SourceFormat};
use quotecheck::io::Output;
use quotecheck::schema::escape_formula;
use quotecheck::speaker::SpeakerMatch;
use quotecheck::{Error, Result};

use crate::cli::Global;

const AFTER_HELP: &str = "\
Examples:
  quotecheck eval --gold gold.csv --pred quotes.csv
  quotecheck eval --gold gold.csv --pred quotes.csv --format json | jq .lenient.f1
  quotecheck eval --gold polnear/train --gold-quotes-only --pred quotes.csv --errors errors.csv
  quotecheck eval --gold annotations.json --pred predictions.jsonl --speaker-match surname
  quotecheck eval --gold polnear/train --gold-quotes-only --pred quotes.csv --speaker-match overlap

GOLD and PRED are quotecheck files (.csv, or .jsonl with the schema's fields) or any format
`quotecheck import` reads: a folder or .ann file is brat; a .json/.jsonl file is recognised by its
shape (Label Studio, doccano, Prodigy, JSON Lines); --gold-format/--pred-format override.

Matching: per document, one-to-one, greedily by character Jaccard of the spans with quotation
marks and whitespace stripped from their edges. Lenient match: Jaccard >= 0.5; strict: >= 0.9.
Speaker accuracy: over lenient matches whose gold row names a speaker (the reviewed speaker where
a reviewer set one). Attributed quote: lenient match with the right speaker (a gold row naming
nobody wants a prediction naming nobody). --speaker-match overlap is the PolNeAR scorer's rule
without coreference (a shared content word; see docs/eval.md). Rows with status `rejected` are not
quotes; a gold file's pending or flagged rows count, with a warning. Every document of the gold (for brat, every annotated text) and of the predictions
counts, unless --gold-docs-only.

Exit codes: 0 ok; 1 a --min-* threshold was not reached; 2 bad input or usage.";

/// Score predicted quotes against gold: precision, recall and F1 of quote spans, speaker accuracy,
/// attributed-quote F1.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The gold annotations.
    #[arg(long, value_name = "GOLD")]
    pub gold: PathBuf,

    /// The predictions to score.
    #[arg(long, value_name = "PRED")]
    pub pred: PathBuf,

    /// Format of GOLD (default: guessed).
    #[arg(long, value_enum)]
    pub gold_format: Option<SourceFormat>,

    /// Format of PRED (default: guessed).
    #[arg(long, value_enum)]
    pub pred_format: Option<SourceFormat>,

    /// brat gold: take the direct-quote units (as `import brat --quotes-only`).
    #[arg(long)]
    pub gold_quotes_only: bool,

    /// Take this annotator's annotations from a gold file that has several.
    #[arg(long, value_name = "ID")]
    pub gold_annotator: Option<String>,

    /// How speaker names must agree.
    #[arg(long, value_enum, default_value_t = SpeakerMatch::Normalized)]
    pub speaker_match: SpeakerMatch,

    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Write the report here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write every miss, false alarm and wrong speaker, with context, to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,

    /// Add one line per document to the text report.
    #[arg(long)]
    pub per_doc: bool,

    /// Leave out predictions for documents the gold does not have.
    #[arg(long)]
    pub gold_docs_only: bool,

    /// Jaccard threshold of a lenient match.
    #[arg(long, default_value_t = 0.5, value_name = "J")]
    pub lenient: f64,

    /// Jaccard threshold of a strict match.
    #[arg(long, default_value_t = 0.9, value_name = "J")]
    pub strict: f64,

    /// Exit 1 when lenient F1 is below this.
    #[arg(long, value_name = "F1")]
    pub min_f1: Option<f64>,

    /// Exit 1 when attributed-quote F1 is below this.
    #[arg(long, value_name = "F1")]
    pub min_attributed_f1: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

pub fn run(args: Args, _g: Global) -> Result<i32> {
    for (name, v) in [("--lenient", args.lenient), ("--strict", args.strict)] {
        if !(v > 0.0 && v <= 1.0) {
            return Err(Error::usage(format!(
                "{name} must be above 0 and at most 1"
            )));
        }
    }
    for out in [args.output.as_deref(), args.errors.as_deref()] {
        quotecheck::io::check_not_an_input(out, [args.gold.as_path(), args.pred.as_path()])?;
    }
    if let Some(errors) = &args.errors {
        let report = args.output.as_deref().unwrap_or(std::path::Path::new("-"));
        quotecheck::io::check_distinct_outputs(errors, report)?;
    }
    let gold_opts = ImportOptions {
        quotes_only: args.gold_quotes_only,
        annotator: args.gold_annotator.clone(),
        all_annotators: false,
    };
    let gold = formats::load(&args.gold, args.gold_format, &gold_opts)?;
    let pred = formats::load(&args.pred, args.pred_format, &ImportOptions::default())?;
    for w in gold.warnings.iter().chain(&pred.warnings) {
        eprintln!(
            "quotecheck: warning: {}",
            quotecheck::text::sanitize_one_line_for_screen(w)
        );
    }
    let pending = gold.records.iter().filter(|r| r.status.is_none()).count();
    if pending > 0 && pending < gold.records.len() {
        // A merged file's undecided rows carry the majority speaker in `reviewed_speaker`,
        // which is the speaker they are scored with (`eval::row_speaker`).
        let suggested = gold
            .records
            .iter()
            .filter(|r| r.status.is_none() && !r.reviewed_speaker.trim().is_empty())
            .count();
        let speakers = if suggested == 0 {
            "with their predicted speaker".to_string()
        } else {
            format!(
                "{} with their predicted speaker, {suggested} with the speaker suggested in `reviewed_speaker`",
                pending - suggested
            )
        };
        eprintln!(
            "quotecheck: warning: {}: {pending} of {} rows are pending (no decision) while the others have one; they count as gold quotes, {speakers} — finish the review (`quotecheck review FILE --only pending`) for a gold file",
            quotecheck::text::sanitize_one_line(&args.gold.display().to_string()),
            gold.records.len()
        );
    }
    // A flagged row is one left for discussion: a gold file that still has some is not done.
    let flagged = gold
        .records
        .iter()
        .filter(|r| r.status == Some(quotecheck::schema::Status::Flagged))
        .count();
    if flagged > 0 {
        eprintln!(
            "quotecheck: warning: {}: rows flagged for discussion: {flagged} of {}; they count as gold quotes with the speaker they have — settle them (`quotecheck review FILE --only flagged`) for a gold file",
            quotecheck::text::sanitize_one_line(&args.gold.display().to_string()),
            gold.records.len(),
        );
    }
    let gold_docs: Vec<String> = gold.docs.iter().map(|d| d.doc_id.clone()).collect();
    let report = evaluate(
        &gold.records,
        &pred.records,
        &gold_docs,
        EvalOptions {
            lenient: args.lenient,
            strict: args.strict,
            speaker_match: args.speaker_match,
            gold_docs_only: args.gold_docs_only,
        },
    );

    // Opened before the errors file is written, so that a report that cannot be written (a
    // missing folder) stops the command before any output is in place.
    let mut out = Output::create(args.output.as_deref())?;
    if let Some(path) = &args.errors {
        let texts: HashMap<&str, Vec<char>> = gold
            .docs
            .iter()
            .chain(&pred.docs)
            .map(|d| (d.doc_id.as_str(), d.text.chars().collect()))
            .collect();
        let errors_out = Output::create(Some(path))?;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(errors_out);
        let io = |e: csv::Error| Error::io(path, std::io::Error::other(e.to_string()));
        w.write_record(ERROR_COLUMNS).map_err(io)?;
        for e in &report.errors {
            let cells = e.cells(texts.get(e.doc_id.as_str()).map(|v| v.as_slice()));
            w.write_record(cells.iter().map(|c| escape_formula(c).into_owned()))
                .map_err(io)?;
        }
        let errors_out = w
            .into_inner()
            .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?;
        errors_out.commit()?;
    }

    let body = match args.format {
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report.to_json())
                .map_err(|e| Error::Other(e.to_string()))?;
            s.push('\n');
            s
        }
        ReportFormat::Text => report.to_text(args.per_doc),
    };
    let shown = out.path().to_path_buf();
    out.write_all(body.as_bytes())
        .map_err(|e| Error::io(&shown, e))?;
    out.commit()?;

    let o = report.overall;
    let below = args.min_f1.is_some_and(|m| o.lenient().f1 < m)
        || args
            .min_attributed_f1
            .is_some_and(|m| o.attributed().f1 < m);
    Ok(if below {
        quotecheck::error::exit::FINDINGS
    } else {
        0
    })
}
