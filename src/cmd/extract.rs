//! `quotecheck extract`: news articles in, a reviewable quote dataset out.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use quotecheck::extract::{ExtractOptions, Extractor};
use quotecheck::input::{Document, DocumentStream, InputFormat, JsonlFields, expand_paths};
use quotecheck::io::Output;
use quotecheck::schema::{self, DataFormat, Kind, QuoteRecord};
use quotecheck::{Error, Result};
use rayon::prelude::*;

use crate::cli::Global;

const AFTER_HELP: &str = "\
Examples:
  quotecheck extract datasets/articles -o quotes.csv
  quotecheck extract article.txt                       # CSV to stdout
  cat article.txt | quotecheck extract --format jsonl
  quotecheck extract news.jsonl --text-field body --id-field url -o quotes.csv
  quotecheck extract articles/ --kinds direct,mixed     # leave out indirect speech

Inputs: plain-text files (doc_id = file stem), folders (recursive; .txt/.text files and
.jsonl/.ndjson files), JSON Lines files (one article per line), or standard input when no path
or `-` is given. Output rows are in input order and, within a document, by position; quote ids
are stable across runs.

Exit codes: 0 ok; 2 bad input (the message names the file and line) — no output file is left.";

/// Find every quotation in news articles and attribute it to its speaker.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Files or folders to read; `-` or nothing reads standard input.
    pub paths: Vec<PathBuf>,

    /// Write here instead of standard output (written to a temporary file and renamed).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Output format (default: from the output file's extension, else csv).
    #[arg(long, value_enum)]
    pub format: Option<DataFormat>,

    /// How to read input files.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input: InputFormat,

    /// JSON Lines field holding the article text.
    #[arg(long, default_value = "text")]
    pub text_field: String,

    /// JSON Lines field holding the document id.
    #[arg(long, default_value = "id")]
    pub id_field: String,

    /// Which kinds of quotation to emit (comma-separated).
    #[arg(long, value_delimiter = ',', default_values = ["direct", "mixed", "indirect"], value_parser = parse_kind)]
    pub kinds: Vec<Kind>,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,

    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

fn parse_kind(s: &str) -> std::result::Result<Kind, String> {
    s.parse()
}

/// Documents are processed in batches of about this many bytes: large enough to keep every core
/// busy, small enough that memory does not grow with the corpus.
const BATCH_BYTES: usize = 4 << 20;
const BATCH_DOCS: usize = 256;
/// Batches read ahead of the one being extracted (bounds memory to a few batches).
const READ_AHEAD: usize = 2;
/// Documents extracted and serialised by one task of the thread pool.
const CHUNK_DOCS: usize = 8;

pub fn run(args: Args, g: Global) -> Result<i32> {
    if let Some(n) = args.threads {
        // An error here means a pool exists already, which is fine.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let files = expand_paths(&args.paths, args.input)?;
    quotecheck::io::check_not_an_input(
        args.output.as_deref(),
        files.iter().map(|f| f.path.as_path()),
    )?;
    let total: u64 = files.iter().map(|f| f.len).sum();
    let show_progress = !args.no_progress
        && std::io::stderr().is_terminal()
        && (files.len() > 3 || total > 4 << 20);
    let bar = if show_progress {
        let b = ProgressBar::new(total);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {wide_bar} {binary_bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };

    let format = args.format.unwrap_or_else(|| {
        args.output
            .as_deref()
            .map(DataFormat::from_path)
            .unwrap_or(DataFormat::Csv)
    });
    let extractor = Extractor::new(ExtractOptions {
        kinds: args.kinds.clone(),
    });
    let mut out = Output::create(args.output.as_deref())?;
    let out_path = out.path().to_path_buf();
    let io_err = |e: std::io::Error| Error::io(&out_path, e);
    if format == DataFormat::Csv {
        let header = schema::CsvWriter::new(Vec::new(), &[], g.write)
            .and_then(|w| w.into_inner())
            .map_err(io_err)?;
        out.write_all(&header).map_err(io_err)?;
    }

    let docs = DocumentStream::new(
        files,
        JsonlFields {
            text: args.text_field,
            id: args.id_field,
        },
    );
    // Three stages overlap: a reader thread parses the next batches while the thread pool
    // extracts and serialises the current one, and this thread writes the finished bytes.
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(Vec<Document>, u64)>>(READ_AHEAD);
        scope.spawn(move || read_batches(docs, tx));
        for batch in rx {
            let (batch, bytes_read) = batch?;
            // a few documents per task: one writer (and its buffer) serves them all
            let pieces: Vec<std::io::Result<Vec<u8>>> = batch
                .par_chunks(CHUNK_DOCS)
                .map(|docs| {
                    // (the rows of news text take about 1.4 times its bytes, as CSV: the
                    // buffer is made about that large at once instead of grown and copied)
                    let text: usize = docs.iter().map(|d| d.text.len()).sum();
                    serialise(
                        docs.iter().map(|d| extractor.extract(&d.doc_id, &d.text)),
                        format,
                        g.write,
                        text + text / 2,
                    )
                })
                .collect();
            for piece in pieces {
                out.write_all(&piece.map_err(io_err)?).map_err(io_err)?;
            }
            bar.set_position(bytes_read);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    out.commit()?;
    Ok(0)
}

/// Groups documents into batches and sends them on; stops at the first error (which is sent
/// too) or when the receiver has gone away.
fn read_batches(
    mut docs: DocumentStream,
    tx: std::sync::mpsc::SyncSender<Result<(Vec<Document>, u64)>>,
) {
    loop {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while bytes < BATCH_BYTES && batch.len() < BATCH_DOCS {
            match docs.next() {
                Some(Ok(d)) => {
                    bytes += d.text.len();
                    batch.push(d);
                }
                Some(Err(e)) => {
                    let _ = tx.send(Err(e));
                    return;
                }
                None => break,
            }
        }
        if batch.is_empty() || tx.send(Ok((batch, docs.bytes_read))).is_err() {
            return;
        }
    }
}

/// The rows of some documents, in order, as output bytes (in a buffer of `capacity` bytes to
/// begin with).
fn serialise(
    docs: impl Iterator<Item = Vec<QuoteRecord>>,
    format: DataFormat,
    opts: schema::WriteOptions,
    capacity: usize,
) -> std::io::Result<Vec<u8>> {
    match format {
        DataFormat::Csv => {
            let mut rows = schema::CsvRows::new(opts);
            let mut buf = Vec::with_capacity(capacity);
            for records in docs {
                for r in &records {
                    rows.write(&mut buf, r);
                }
            }
            Ok(buf)
        }
        DataFormat::Jsonl => {
            let mut buf = Vec::with_capacity(capacity);
            for records in docs {
                for r in &records {
                    schema::write_jsonl_record(&mut buf, r)?;
                }
            }
            Ok(buf)
        }
    }
}
