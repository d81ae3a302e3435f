//! `quotecheck review`: confirm, correct or reject each extracted quote in the terminal.

use std::io::IsTerminal;
use std::path::PathBuf;

use quotecheck::review::articles::Articles;
use quotecheck::review::model::{Filter, Only};
use quotecheck::review::{self, Options};
use quotecheck::{Error, Result};

use crate::cli::Global;

const AFTER_HELP: &str = "\
Keys (also shown by ? in the review screen):
  a, Enter  confirm the predicted speaker      1-9  choose that alternative speaker
  e         type the speaker (Tab completes)   x    reject (not a quote / not attributable)
  f         flag for discussion                n    write a note
  Space     skip                               u, Backspace  undo (repeatable); Ctrl-r redo
  j/k, arrows  next/previous row   g  next pending row   /  search   q  save and quit

Examples:
  quotecheck review quotes.csv --annotator ana
  quotecheck review quotes.csv --annotator ana --only pending --doc nyt-2024-0113
  quotecheck review ana.csv --annotator ana --sample 200 --seed 7 --blind   # agreement study
  quotecheck review merged.csv --annotator lead --only disagreements        # adjudication
  quotecheck review quotes.csv --annotator ana --articles articles/          # c: whole paragraphs

Every decision is appended to FILE.journal and flushed to disk before it shows; FILE itself is
rewritten atomically on quit and every 30 seconds. Reopening resumes at the first pending row.
One session per file at a time (FILE.lock). Columns other than status, reviewed_speaker,
annotator, reviewed_at and note are kept byte for byte. See docs/review.md.

Exit codes: 0 saved and quit; 2 bad input, file locked by another session, or no terminal.";

/// Review extracted quotes in a full-screen terminal interface.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The CSV dataset to review (written by `quotecheck extract` or `quotecheck diff --merge`).
    pub file: PathBuf,

    /// Who is reviewing; written into every decision (default: $QUOTECHECK_ANNOTATOR, else $USER).
    #[arg(long, value_name = "NAME")]
    pub annotator: Option<String>,

    /// Go through only these rows.
    #[arg(long, value_enum)]
    pub only: Option<Only>,

    /// The confidence under which a row counts as low-confidence.
    #[arg(long, default_value_t = 0.5, value_name = "X")]
    pub threshold: f64,

    /// Only rows of this document (repeatable).
    #[arg(long = "doc", value_name = "ID")]
    pub docs: Vec<String>,

    /// Review a reproducible random sample of N rows (the same N and seed give the same rows
    /// in every copy of the file).
    #[arg(long, value_name = "N")]
    pub sample: Option<usize>,

    /// The seed of --sample.
    #[arg(long, value_name = "S", default_value_t = 0, requires = "sample")]
    pub seed: u64,

    /// Hide the predicted speaker, the speaker mention and the confidence, so that annotators
    /// are not anchored by the model.
    #[arg(long)]
    pub blind: bool,

    /// The articles the dataset was extracted from (files, folders or JSON Lines, read as
    /// `extract` reads them): `c` then shows whole paragraphs around the quote, one more on
    /// each side per press, instead of the neighbouring rows' contexts.
    #[arg(long = "articles", value_name = "PATH", num_args = 1..)]
    pub articles: Vec<PathBuf>,
}

fn annotator(given: Option<String>) -> Result<String> {
    let name = given
        .or_else(|| std::env::var("QUOTECHECK_ANNOTATOR").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .ok_or_else(|| Error::usage("say who is reviewing with --annotator NAME"))?;
    review::check_annotator(&name)
}

pub fn run(args: Args, g: Global) -> Result<i32> {
    if !(0.0..=1.0).contains(&args.threshold) {
        return Err(Error::usage("--threshold must be between 0 and 1"));
    }
    if args.sample == Some(0) {
        return Err(Error::usage("--sample must be at least 1"));
    }
    let opts = Options {
        path: args.file.clone(),
        annotator: annotator(args.annotator)?,
        filter: Filter {
            only: args.only,
            docs: args.docs,
            sample: args.sample.map(|n| (n, args.seed)),
            threshold: args.threshold,
        },
        blind: args.blind,
        write: g.write,
    };
    // Validate the file first, so that a bad file is reported the same way everywhere.
    let loaded = review::load(&opts.path, opts.write)?;
    loaded.check_filter(&opts.filter)?;
    let articles = if args.articles.is_empty() {
        None
    } else {
        Some(Articles::load(&args.articles, loaded.records())?)
    };
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "review is interactive and needs a terminal, but standard input or output is not one (a pipe, a file or CI); run it in a terminal",
        ));
    }
    let mut opened = review::prepare(loaded, &opts)?;
    if let Some((articles, report)) = articles {
        opened.session.set_articles(articles);
        if report.missing + report.inconsistent.len() > 0 {
            opened.session.notify(
                format!(
                    "articles: {} documents found; {} not among them, {} not matching the file's offsets",
                    report.matched,
                    report.missing,
                    report.inconsistent.len()
                ),
                false,
            );
        }
    }
    if opened.session.view_len() == 0 {
        eprintln!(
            "quotecheck: no rows to review with these options. {}",
            opened.summary()
        );
        opened.close()?;
        return Ok(0);
    }
    let label = args
        .file
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    review::tui::run(opened, &label)
}
