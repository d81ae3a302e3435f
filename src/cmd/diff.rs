//! `quotecheck diff`: agreement between annotators' reviewed copies, and a merged file.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use quotecheck::agree::{self, report};
use quotecheck::error::exit;
use quotecheck::io::Output;
use quotecheck::speaker::SpeakerMatch;
use quotecheck::{Error, Result};

use crate::cli::Global;

const AFTER_HELP: &str = "\
Examples:
  quotecheck diff ana.csv ben.csv                       # report in the terminal
  quotecheck diff ana.csv ben.csv cy.csv --bootstrap 1000 --seed 7
  quotecheck diff *.csv --format json -o agreement.json
  quotecheck diff ana.csv ben.csv --format html -o agreement.html
  quotecheck diff ana.csv ben.csv --merge merged.csv    # then: review --only disagreements
  quotecheck diff ana.csv ben.csv --speaker-match surname --fail-under 0.8

Rows line up by quote_id; rows in only some files are paired by document and span overlap
(text similarity breaks ties), and what stays unpaired is listed. Compared: the status (pending
counts as missing) and the final speaker (the reviewed speaker, or the predicted one where
confirmed). Annotator names come from the `annotator` column, else the file name; --names
overrides. Coefficients: percent agreement, Cohen's kappa per pair, Fleiss' kappa (on the quotes
every annotator answered), Krippendorff's alpha (nominal), Gwet's AC1; undefined ones say why.
See docs/diff.md for the definitions, the JSON keys and the merged file's columns. --merge
refuses to replace a merged file that holds adjudication decisions or is being reviewed.

Exit codes: 0 ok (disagreements are not an error); 1 --fail-under was given and Krippendorff's
alpha of status or speaker is below it; 2 bad input or usage (the message names the file and
line) — no output file is written.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Tables for people (coloured when standard output is a terminal).
    Terminal,
    /// Every figure, machine-readable.
    Json,
    /// Tables in Markdown.
    Markdown,
    /// One self-contained page with tables and charts.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Colour {
    Auto,
    Always,
    Never,
}

/// Measure how far annotators agree and merge their copies for adjudication.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The reviewed copies (CSV, or JSON Lines by extension), one per annotator.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Annotator names, one per file, comma-separated (default: the `annotator` column, else
    /// the file name).
    #[arg(long, value_delimiter = ',')]
    pub names: Option<Vec<String>>,

    /// When two speaker names are the same.
    #[arg(long, value_enum, default_value_t = SpeakerMatch::Normalized)]
    pub speaker_match: SpeakerMatch,

    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Terminal)]
    pub format: ReportFormat,

    /// Write the report here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write a merged dataset for adjudication (see docs/diff.md).
    #[arg(long, value_name = "OUT.csv")]
    pub merge: Option<PathBuf>,

    /// Bootstrap replicates for 95% confidence intervals (0 = none).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub bootstrap: usize,

    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// How many disagreements, documents and unaligned quotes the terminal, Markdown and HTML
    /// reports list (0 = all; JSON always lists all).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,

    /// Exit with 1 when Krippendorff's alpha of status or speaker is below this.
    #[arg(long, value_name = "ALPHA")]
    pub fail_under: Option<f64>,

    /// Colour in the terminal report.
    #[arg(long, value_enum, default_value_t = Colour::Auto)]
    pub color: Colour,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
}

pub fn run(args: Args, g: Global) -> Result<i32> {
    if let Some(n) = args.threads {
        // An error means a pool exists already, which is fine.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    if let Some(a) = args.fail_under
        && !a.is_finite()
    {
        return Err(Error::usage("--fail-under needs a number"));
    }
    for out in [args.output.as_deref(), args.merge.as_deref()] {
        quotecheck::io::check_not_an_input(out, args.files.iter().map(PathBuf::as_path))?;
    }
    if let Some(merge) = &args.merge {
        let report = args.output.as_deref().unwrap_or(Path::new("-"));
        quotecheck::io::check_distinct_outputs(merge, report)?;
        agree::merge::check_overwrite(merge)?;
    }
    let input = agree::Input {
        files: args.files.clone(),
        names: args.names.clone(),
    };
    let loaded = agree::load(&input)?;
    for w in &loaded.warnings {
        eprintln!(
            "quotecheck: warning: {}",
            quotecheck::text::sanitize_one_line_for_screen(w)
        );
    }
    let opts = report::Options {
        speaker_match: args.speaker_match,
        bootstrap: args.bootstrap,
        seed: args.seed,
        limit: args.limit,
    };
    let (rep, coded) = agree::compare(&loaded, &opts);
    let to_file = args.output.as_deref().is_some_and(|p| p != Path::new("-"));
    if args.format != ReportFormat::Terminal || to_file {
        for w in &rep.warnings {
            eprintln!(
                "quotecheck: warning: {}",
                quotecheck::text::sanitize_one_line_for_screen(w)
            );
        }
    }

    let colour = args.format == ReportFormat::Terminal
        && match args.color {
            Colour::Always => true,
            Colour::Never => false,
            Colour::Auto => {
                !to_file
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none()
            }
        };
    // Opened before the merged file is written, so that a report that cannot be written (a
    // missing folder) stops the command before any output is in place.
    let mut out = Output::create(args.output.as_deref())?;
    if colour {
        // The terminal report neutralises the text from the files itself; its colours must
        // reach the terminal as colours.
        out = out.styled();
    }
    if let Some(m) = &args.merge {
        agree::merge::write_merged(
            m,
            &loaded.tables,
            &loaded.names,
            &loaded.alignment,
            &coded,
            g.write,
        )?;
    }

    let mut tm = agree::Timings::start();
    let text = match args.format {
        ReportFormat::Terminal => report::terminal::render(&rep, colour),
        // Written straight to the output below.
        ReportFormat::Json => String::new(),
        ReportFormat::Markdown => report::markdown::render(&rep),
        ReportFormat::Html => report::html::render(&rep),
    };
    let shown = out.path().to_path_buf();
    if args.format == ReportFormat::Json {
        let items = rep
            .disagreement_units
            .iter()
            .map(|&u| report::disagreement(&loaded.tables, &loaded.alignment, &coded, u as usize));
        report::json::write(&rep, items, &mut out).map_err(|e| match e.io_error_kind() {
            Some(kind) => Error::io(&shown, std::io::Error::new(kind, e.to_string())),
            None => Error::Other(e.to_string()),
        })?;
    } else {
        out.write_all(text.as_bytes())
            .map_err(|e| Error::io(&shown, e))?;
    }
    out.commit()?;
    tm.mark("render and write");

    let below = args.fail_under.is_some_and(|min| {
        rep.fields.iter().any(|f| {
            f.summary
                .krippendorff_alpha
                .value()
                .is_some_and(|a| a < min)
        })
    });
    release_at_exit((text, rep, coded));
    release_at_exit(loaded);
    Ok(if below { exit::FINDINGS } else { exit::OK })
}

/// The process exits right after the command: leaving the tables of a large comparison to the
/// operating system saves freeing them piece by piece (a tenth of a second for a million rows).
fn release_at_exit<T>(big: T) {
    std::mem::forget(big);
}
