//! Where the time of `quotecheck extract` goes, stage by stage, on a folder of articles: the
//! tokenizer over every paragraph, and the whole extractor, single-threaded, in MB/s. For
//! finding what to speed up; the end-to-end figure is `scripts/bench_extract.sh`'s.
//!
//! Usage: cargo bench --bench extract -- DIR [ROUNDS]   (DIR: .txt files, e.g. PolNeAR's
//! train/text; or $POLNEAR_DIR)

use std::time::Instant;

use quotecheck::extract::lexicon::Lexicon;
use quotecheck::extract::tokens::tokenize;
use quotecheck::extract::{ExtractOptions, Extractor};

// as in the binary
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let dir = args
        .first()
        .cloned()
        .or_else(|| {
            std::env::var("POLNEAR_DIR")
                .ok()
                .map(|d| format!("{d}/train/text"))
        })
        .unwrap_or_default();
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "usage: cargo bench --bench extract -- DIR [ROUNDS] (no folder {dir:?}; skipped)"
        );
        return;
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "{} articles, {mb:.1} MB, best of {rounds} rounds",
        texts.len()
    );

    let lex = Lexicon::new();
    let paragraphs: Vec<(&str, usize, usize)> = texts
        .iter()
        .flat_map(|t| {
            let mut at = 0;
            t.split('\n').map(move |p| {
                let r = (t.as_str(), at, at + p.len());
                at += p.len() + 1;
                r
            })
        })
        .collect();
    let best = |f: &dyn Fn() -> usize| {
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let s = best(&|| {
        paragraphs
            .iter()
            .map(|&(t, a, b)| tokenize(t, a, b, &lex).len())
            .sum()
    });
    println!("{:<28} {:8.1} MB/s", "tokenize every paragraph", mb / s);

    let ex = Extractor::new(ExtractOptions::default());
    let s = best(&|| {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| ex.extract(&i.to_string(), t).len())
            .sum()
    });
    println!("{:<28} {:8.1} MB/s", "extract (one thread)", mb / s);
}
