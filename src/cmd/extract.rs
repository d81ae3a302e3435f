//! `quotecheck extract`: news articles in, a reviewable quote dataset out.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, mpsc};

use indicatif::{ProgressBar, ProgressStyle};
use quotecheck::extract::{ExtractOptions, Extractor, Rows};
use quotecheck::input::{Document, DocumentStream, InputFormat, JsonlFields, expand_paths};
use quotecheck::io::Output;
use quotecheck::schema::{self, DataFormat, Kind};
use quotecheck::{Error, Result};

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
    #[arg(long, value_delimiter = ',', default_value = "direct,mixed,indirect", value_parser = parse_kind)]
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

/// The reader hands documents over in batches of about this many bytes or documents (one
/// hand-over, and one wake-up of the reader, per batch instead of per chunk).
const BATCH_BYTES: usize = 512 << 10;
const BATCH_DOCS: usize = 64;
/// Batches read ahead of the one being extracted (bounds memory to a few batches).
const READ_AHEAD: usize = 2;
/// Documents extracted and serialised by a worker at a time (one writer and its buffer serve
/// them all).
const CHUNK_DOCS: usize = 8;
/// Finished chunks that may wait for an earlier, slower one before the workers pause.
const MAX_WAITING: usize = 64;

pub fn run(args: Args, g: Global) -> Result<i32> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
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
    // A reader thread parses the next batches while the workers extract and serialise chunks
    // of the current one. Each worker takes the next chunk as soon as it is done with its
    // last (no worker waits for a slower one, as it would at the end of a parallel loop over
    // a batch), and writes the finished chunks that are next in input order itself.
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::sync_channel(READ_AHEAD);
        scope.spawn(move || read_batches(docs, tx));
        let work = Mutex::new(Work {
            rx,
            batch: Vec::new().into_iter(),
            bytes_read: 0,
            next_seq: 0,
        });
        let sink = Mutex::new(Sink {
            out: &mut out,
            ready: BTreeMap::new(),
            next: 0,
            failed: None,
        });
        let written = Condvar::new();
        let worker = || {
            while let Some((seq, docs, bytes_read)) = take_chunk(&work, &sink) {
                // (the rows of news text take about 1.4 times its bytes, as CSV: the buffer
                // is made about that large at once instead of grown and copied)
                let text: usize = docs.iter().map(|d| d.text.len()).sum();
                let piece = serialise(
                    docs.iter().map(|d| extractor.rows(&d.doc_id, &d.text)),
                    format,
                    g.write,
                    text + text / 2,
                );
                drop(docs);
                let mut s = lock(&sink);
                s.ready.insert(seq, (piece, bytes_read));
                if s.flush(&bar) {
                    written.notify_all();
                }
                // a chunk far ahead of the oldest unwritten one waits (bounding the memory of
                // finished chunks) until that one is written
                while s.failed.is_none() && s.next <= seq && s.ready.len() > MAX_WAITING {
                    s = written.wait(s).unwrap_or_else(PoisonError::into_inner);
                }
            }
            // (a worker that stops on an error lets the waiting ones go)
            written.notify_all();
        };
        std::thread::scope(|workers| {
            for _ in 1..threads {
                workers.spawn(worker);
            }
            worker();
        });
        let failed = lock(&sink).failed.take();
        match failed {
            Some(Failure::Input(e)) => Err(e),
            Some(Failure::Output(e)) => Err(io_err(e)),
            None => Ok(()),
        }
    })?;
    bar.finish_and_clear();
    out.commit()?;
    Ok(0)
}

/// Groups documents into batches and sends them on; stops at the first error (which is sent
/// too) or when the receiver has gone away.
fn read_batches(mut docs: DocumentStream, tx: mpsc::SyncSender<Result<(Vec<Document>, u64)>>) {
    loop {
        let mut batch = Vec::with_capacity(BATCH_DOCS);
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

/// The documents not yet taken by a worker.
struct Work {
    rx: mpsc::Receiver<Result<(Vec<Document>, u64)>>,
    /// The rest of the batch being taken apart, and the input bytes read up to its end.
    batch: std::vec::IntoIter<Document>,
    bytes_read: u64,
    /// The sequence number of the next chunk.
    next_seq: usize,
}

/// The finished chunks on their way to the output, in input order.
struct Sink<'a> {
    out: &'a mut Output,
    /// Finished chunks waiting for an earlier one, by sequence number.
    ready: BTreeMap<usize, (std::io::Result<Vec<u8>>, u64)>,
    /// The sequence number of the next chunk to write.
    next: usize,
    failed: Option<Failure>,
}

enum Failure {
    Input(Error),
    Output(std::io::Error),
}

impl Sink<'_> {
    /// Writes the chunks that are next in order; whether any was written.
    fn flush(&mut self, bar: &ProgressBar) -> bool {
        let mut any = false;
        while self.failed.is_none()
            && let Some((piece, bytes_read)) = self.ready.remove(&self.next)
        {
            if let Err(e) = piece.and_then(|p| self.out.write_all(&p)) {
                self.failed = Some(Failure::Output(e));
            }
            bar.set_position(bytes_read);
            self.next += 1;
            any = true;
        }
        any
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // (a worker that panicked takes the process down anyway; its data is still consistent)
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The next chunk of documents, with its sequence number and the input bytes read so far; none
/// when the input is exhausted or the run failed (an input error is noted in `sink`).
fn take_chunk(work: &Mutex<Work>, sink: &Mutex<Sink>) -> Option<(usize, Vec<Document>, u64)> {
    let mut w = lock(work);
    if w.batch.len() == 0 {
        if lock(sink).failed.is_some() {
            return None;
        }
        match w.rx.recv() {
            Ok(Ok((batch, bytes_read))) => {
                w.batch = batch.into_iter();
                w.bytes_read = bytes_read;
            }
            Ok(Err(e)) => {
                let mut s = lock(sink);
                if s.failed.is_none() {
                    s.failed = Some(Failure::Input(e));
                }
                return None;
            }
            Err(_) => return None,
        }
    }
    if lock(sink).failed.is_some() {
        return None;
    }
    let docs: Vec<Document> = w.batch.by_ref().take(CHUNK_DOCS).collect();
    let seq = w.next_seq;
    w.next_seq += 1;
    Some((seq, docs, w.bytes_read))
}

/// The rows of some documents, in order, as output bytes (in a buffer of `capacity` bytes to
/// begin with).
fn serialise<'a>(
    docs: impl Iterator<Item = Rows<'a>>,
    format: DataFormat,
    opts: schema::WriteOptions,
    capacity: usize,
) -> std::io::Result<Vec<u8>> {
    match format {
        DataFormat::Csv => {
            let mut csv = schema::CsvRows::new(opts);
            let mut buf = Vec::with_capacity(capacity);
            for rows in docs {
                for r in rows.iter() {
                    csv.write_new(&mut buf, &r);
                }
            }
            Ok(buf)
        }
        DataFormat::Jsonl => {
            let mut buf = Vec::with_capacity(capacity);
            for rows in docs {
                for r in rows.iter() {
                    schema::write_jsonl_record(&mut buf, &r.to_record())?;
                }
            }
            Ok(buf)
        }
    }
}
