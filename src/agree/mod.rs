//! Inter-annotator agreement: `quotecheck diff`.
//!
//! Several annotators review copies of the same extraction; this module reads their copies
//! ([`read`]), lines the rows up into units ([`align`]), measures agreement on the status and on
//! the final speaker ([`metrics`]), reports it ([`report`]) and writes a merged file for
//! adjudication ([`merge`]).

pub mod align;
pub mod merge;
pub mod metrics;
pub mod read;
pub mod report;

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, Location, Result};
use crate::schema::COLUMNS;
use align::Alignment;
use read::Table;

/// Phase timings on standard error when `QUOTECHECK_TIMINGS` is set, to see where a large
/// comparison spends its time (`scripts/bench_diff.sh` does not need it).
pub struct Timings {
    on: bool,
    last: Instant,
    /// CPU time of the process (all threads) at the previous mark, in seconds.
    cpu: f64,
}

/// CPU time (user + system) of the whole process so far, in seconds, where the system tells.
fn process_cpu() -> f64 {
    #[cfg(unix)]
    {
        // SAFETY: getrusage fills the struct it is given.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } == 0 {
            let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 * 1e-6;
            return t(u.ru_utime) + t(u.ru_stime);
        }
    }
    0.0
}

impl Timings {
    pub fn start() -> Timings {
        let on = std::env::var_os("QUOTECHECK_TIMINGS").is_some();
        Timings {
            on,
            last: Instant::now(),
            cpu: if on { process_cpu() } else { 0.0 },
        }
    }
    /// Prints the time since the previous mark.
    pub fn mark(&mut self, what: &str) {
        if self.on {
            let now = Instant::now();
            // Resident memory now and at its peak, where the system tells (Linux).
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let kb = |key: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map_or(String::new(), |v| v.trim().to_string())
            };
            let cpu = process_cpu();
            eprintln!(
                "quotecheck: timing: {what}: {:.1} ms, CPU {:.1} ms (resident {}, peak {})",
                (now - self.last).as_secs_f64() * 1e3,
                (cpu - self.cpu) * 1e3,
                kb("VmRSS:"),
                kb("VmHWM:")
            );
            self.last = now;
            self.cpu = cpu;
        }
    }
}

/// What to compare.
#[derive(Debug, Clone)]
pub struct Input {
    pub files: Vec<PathBuf>,
    /// Names given on the command line, one per file.
    pub names: Option<Vec<String>>,
}

/// The copies, read, named and aligned.
#[derive(Debug)]
pub struct Loaded {
    pub tables: Vec<Table>,
    pub names: Vec<String>,
    pub alignment: Alignment,
    /// Problems worth a word that do not stop the comparison.
    pub warnings: Vec<String>,
}

/// Reads the copies (in parallel), checks that they can be compared, names the annotators and
/// aligns the rows.
pub fn load(input: &Input) -> Result<Loaded> {
    let files = &input.files;
    if files.len() < 2 {
        return Err(Error::usage(format!(
            "diff compares two or more annotators' files; got {}",
            files.len()
        )));
    }
    for (i, a) in files.iter().enumerate() {
        for b in &files[..i] {
            let same = a == b
                || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y);
            if same {
                return Err(Error::usage(format!(
                    "{} is given twice: compare different annotators' files",
                    a.display()
                )));
            }
        }
    }
    if files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return Err(Error::usage(
            "standard input (`-`) can be only one of the files",
        ));
    }
    if let Some(n) = &input.names
        && n.len() != files.len()
    {
        return Err(Error::usage(format!(
            "--names gives {} name(s) for {} files",
            n.len(),
            files.len()
        )));
    }
    let mut tm = Timings::start();
    let tables = read::read_tables(files)?;
    for t in &tables {
        if t.is_empty() {
            return Err(Error::input(
                Location::file(&t.path).line(2),
                "no rows: the file has a header but no quotes",
            ));
        }
    }
    tm.mark("read");
    // A copy with the same ids as the first in the same order has the same repeats, if any.
    tables
        .par_iter()
        .enumerate()
        .filter(|(i, t)| *i == 0 || !t.same_ids(&tables[0]))
        .map(|(_, t)| t.check_duplicates())
        .collect::<Result<Vec<()>>>()?;
    tm.mark("duplicate ids");
    check_schemas(&tables)?;
    let mut warnings = Vec::new();
    let names = annotator_names(&tables, input.names.as_deref(), &mut warnings)?;
    let alignment = align::align(&tables);
    tm.mark("align");
    Ok(Loaded {
        tables,
        names,
        alignment,
        warnings,
    })
}

/// Computes the report and the coded answers the merged file is made from.
pub fn compare<'a>(l: &'a Loaded, opts: &report::Options) -> (report::Report, report::Coded<'a>) {
    let mut tm = Timings::start();
    let coded = report::Coded::new(&l.tables, &l.alignment, opts.speaker_match);
    tm.mark("code answers");
    let rep = report::build(&l.tables, &l.names, &l.alignment, &coded, opts);
    tm.mark("build report");
    (rep, coded)
}

/// The files must have the same schema columns, and a `status` column: without one a file holds
/// no review.
fn check_schemas(tables: &[Table]) -> Result<()> {
    let known = |t: &Table| -> Vec<String> {
        let mut v: Vec<String> = t
            .headers
            .iter()
            .filter(|h| COLUMNS.contains(&h.as_str()))
            .cloned()
            .collect();
        v.sort();
        v
    };
    let first = &tables[0];
    let base = known(first);
    for t in tables {
        if !t.headers.iter().any(|h| h == "status") {
            return Err(Error::input(
                Location::file(&t.path).line(1),
                "no `status` column: not a reviewed copy (review it with `quotecheck review` first)",
            ));
        }
        let cols = known(t);
        if cols != base {
            let missing: Vec<&str> = base
                .iter()
                .filter(|c| !cols.contains(c))
                .map(String::as_str)
                .collect();
            let extra: Vec<&str> = cols
                .iter()
                .filter(|c| !base.contains(c))
                .map(String::as_str)
                .collect();
            let mut what = Vec::new();
            if !missing.is_empty() {
                what.push(format!("lacks {}", missing.join(", ")));
            }
            if !extra.is_empty() {
                what.push(format!("has {} in addition", extra.join(", ")));
            }
            return Err(Error::input(
                Location::file(&t.path).line(1),
                format!(
                    "different schema from {}: it {}",
                    first.path.display(),
                    what.join(" and ")
                ),
            ));
        }
    }
    Ok(())
}

fn annotator_names(
    tables: &[Table],
    given: Option<&[String]>,
    warnings: &mut Vec<String>,
) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        let name = if let Some(g) = given {
            let n = g[i].trim().to_string();
            if n.is_empty() {
                return Err(Error::usage(format!("--names: name {} is empty", i + 1)));
            }
            n
        } else if let Some(best) = t
            .annotators
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        {
            if t.annotators.len() > 1 {
                let second = t
                    .annotators
                    .iter()
                    .find(|a| a.0 != best.0)
                    .map_or(0, |a| a.2);
                warnings.push(format!(
                    "{}:{}: the `annotator` column names {} people ({}); using {:?}, the most frequent (name the files with --names)",
                    t.path.display(),
                    second,
                    t.annotators.len(),
                    t.annotators
                        .iter()
                        .map(|a| a.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    best.0
                ));
            }
            best.0.clone()
        } else if t.path.as_os_str() == "-" {
            "stdin".to_string()
        } else {
            t.path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| format!("annotator{}", i + 1))
        };
        if let Some(j) = names.iter().position(|n: &String| n == &name) {
            return Err(Error::input(
                Location::file(&t.path),
                format!(
                    "annotator name {name:?} is also the name of {}: each file must be a different annotator's (rename with --names a,b,…)",
                    tables[j].path.display()
                ),
            ));
        }
        names.push(name);
    }
    Ok(names)
}
