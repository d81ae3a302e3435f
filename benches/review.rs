//! Measures the two speed targets of `quotecheck review`: opening a 100,000-row CSV (read,
//! validate, lock, journal, select rows, build the session) and acknowledging a decision (the
//! journal append with fsync, then the commit in the model). Run by `scripts/bench_review.sh`.
//!
//! Usage: cargo bench --bench review -- [ROWS] [DECISIONS]

use std::time::{Duration, Instant};

use quotecheck::review::action::Action;
use quotecheck::review::model::{Effect, Filter};
use quotecheck::review::{self, Options};
use quotecheck::schema::{CsvWriter, Kind, QuoteRecord, WriteOptions};

fn make_csv(path: &std::path::Path, rows: usize) {
    let f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut w = CsvWriter::new(f, &["source_url".to_string()], WriteOptions::default()).unwrap();
    let names = ["Lena Ortiz", "Raj Patel", "Mia Chen", "Tom Ford", "Ann Lee"];
    for i in 0..rows {
        let doc = i / 12;
        let q = format!("We will not back down on item {i}, whatever the committee decides,");
        let context = format!(
            "The budget vote is on Friday after a long week of talks. \u{201c}{q}\u{201d} said Sen. {}, who chairs the committee. Her deputy, \"unsure\", disagreed.",
            names[i % 5]
        );
        let start = 1000 + i * 7;
        let cs = start - 59;
        let mut r = QuoteRecord {
            quote_id: QuoteRecord::make_id(
                &format!("doc-{doc:06}"),
                start,
                start + q.chars().count(),
            ),
            doc_id: format!("doc-{doc:06}"),
            kind: Kind::Direct,
            quote: q.clone(),
            start,
            end: start + q.chars().count(),
            speaker: names[i % 5].to_string(),
            speaker_mention: format!("Sen. {}", names[i % 5]),
            cue: "said".into(),
            confidence: (i % 100) as f64 / 100.0,
            rule: "adjacent-cue".into(),
            candidates: vec![names[(i + 1) % 5].into(), names[(i + 2) % 5].into()],
            context,
            context_start: Some(cs),
            ..Default::default()
        };
        r.extra = vec![("source_url".into(), format!("https://example.org/{doc}"))];
        w.write(&r).unwrap();
    }
    w.into_inner().unwrap();
}

fn stats(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    let p = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (p(0.5), p(0.99), *v.last().unwrap())
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rows: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let decisions: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(500);
    let dir =
        tempfile::tempdir_in(std::env::var_os("BENCH_DIR").unwrap_or_else(|| ".".into())).unwrap();
    let path = dir.path().join("quotes.csv");
    make_csv(&path, rows);
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "file: {rows} rows, {:.1} MB (in {})",
        size as f64 / 1e6,
        dir.path().display()
    );
    let opts = Options {
        path: path.clone(),
        annotator: "bench".into(),
        filter: Filter::default(),
        blind: false,
        write: WriteOptions::default(),
    };

    // Opening, a few times (each open closes cleanly so the next starts alike).
    let mut opens = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let o = review::open(&opts).unwrap();
        opens.push(t.elapsed());
        assert_eq!(o.session.view_len(), rows);
        drop(o);
    }
    let (med, _, max) = stats(opens);
    println!(
        "open {rows} rows: median {}, max {}  (target: under 1000 ms)",
        ms(med),
        ms(max)
    );

    // Decisions: the time from the key's action to the decision being on disk and applied.
    let mut o = review::open(&opts).unwrap();
    let mut acks = Vec::new();
    let now = "2026-01-01T00:00:00Z";
    for i in 0..decisions {
        let action = match i % 4 {
            0 => Action::Confirm,
            1 => Action::Choose(1),
            2 => Action::Reject,
            _ => Action::Flag,
        };
        let t = Instant::now();
        match o.session.handle(action, now) {
            Effect::Persist(changes) => o.persist(&changes).unwrap(),
            e => panic!("unexpected {e:?}"),
        }
        acks.push(t.elapsed());
    }
    let (med, p99, max) = stats(acks);
    println!(
        "decision acknowledged (journal append + fsync): median {}, p99 {}, max {}  (target: under 10 ms)",
        ms(med),
        ms(p99),
        ms(max)
    );

    // The periodic/quit rewrite of the whole file, for reference.
    let t = Instant::now();
    o.save().unwrap();
    println!("atomic rewrite of the CSV: {}", ms(t.elapsed()));

    // Reopening after a crash: replay the journal, write the file.
    for i in 0..decisions {
        let _ = i;
        if let Effect::Persist(ch) = o.session.handle(Action::Undo, now) {
            o.persist(&ch).unwrap();
        }
    }
    drop(o);
    let t = Instant::now();
    let o = review::open(&opts).unwrap();
    println!(
        "reopen after a crash with {} journal entries (replay + rewrite): {}",
        o.report.replayed,
        ms(t.elapsed())
    );
    o.close().unwrap();
}
