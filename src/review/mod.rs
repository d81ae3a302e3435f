//! `quotecheck review`: annotators confirm, correct or reject each extracted quote in a
//! full-screen terminal interface. Documented for people in `docs/review.md`.
//!
//! - [`model`]: the session as pure state (cursor, decisions, undo/redo, filters, prompts).
//! - [`action`]: key presses → [`action::Action`].
//! - [`articles`]: the source articles, for more context than the CSV holds.
//! - [`ui`]: drawing the screen from the model.
//! - [`store`]: the CSV file, rewritten atomically and byte for byte outside the review columns.
//! - [`journal`]: every decision appended and fsynced before it shows; replayed on reopening.
//! - [`lock`]: one session per file; stale locks of dead processes are taken over.
//! - [`tui`]: the terminal, signals and the event loop.

pub mod action;
pub mod articles;
pub mod journal;
pub mod lock;
pub mod model;
pub mod store;
pub mod tui;
pub mod ui;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::schema::{Dataset, WriteOptions};
use journal::Journal;
use lock::{Holder, Lock};
use model::{Filter, Only, Session, Settings};
use store::{CsvStore, Review};

/// Everything a review session is opened with.
#[derive(Debug, Clone)]
pub struct Options {
    pub path: PathBuf,
    pub annotator: String,
    pub filter: Filter,
    pub blind: bool,
    pub write: WriteOptions,
}

/// A validated file, read but not yet locked or changed.
pub struct Loaded {
    store: CsvStore,
    dataset: Dataset,
}

/// What opening found and did, for the person to be told.
#[derive(Debug, Default)]
pub struct OpenReport {
    /// Rows whose review state the journal of an interrupted session changed.
    pub replayed: usize,
    /// Entries whose quote id is no longer in the file, and where they were set aside.
    pub orphans: Option<(usize, PathBuf)>,
    /// The journal ended in a half-written entry (never acknowledged), which was dropped.
    pub torn_tail: bool,
    /// The lock of a session that died was taken over.
    pub stale_lock: Option<Holder>,
    /// Other names than this session's in the `annotator` column of decided rows (not when
    /// adjudicating, where they are the annotators'): most often a forgotten `--annotator`.
    pub other_annotators: Vec<String>,
}

/// An open review session: the file, its journal and lock, and the model.
pub struct Opened {
    pub store: CsvStore,
    pub journal: Journal,
    pub lock: Lock,
    pub session: Session,
    pub report: OpenReport,
}

/// Checks the annotator name: it is written into every decision.
pub fn check_annotator(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::usage("the annotator name is empty"));
    }
    if n.chars().any(char::is_control) {
        return Err(Error::usage(
            "the annotator name contains control characters",
        ));
    }
    Ok(n.to_string())
}

/// Reads and validates the file. Changes nothing on disk.
pub fn load(path: &Path, write: WriteOptions) -> Result<Loaded> {
    if crate::schema::DataFormat::from_path(path) != crate::schema::DataFormat::Csv {
        return Err(Error::usage(format!(
            "{}: review works on CSV datasets; this looks like JSON Lines",
            path.display()
        )));
    }
    let (store, dataset) = CsvStore::open(path, write)?;
    Ok(Loaded { store, dataset })
}

impl Loaded {
    /// The dataset's rows, as read.
    pub fn records(&self) -> &[crate::schema::QuoteRecord] {
        &self.dataset.records
    }

    /// Reports a filter that cannot select anything (an unknown document, a missing
    /// `agreement` column) before anything else happens.
    pub fn check_filter(&self, filter: &Filter) -> Result<()> {
        let reviews: Vec<Review> = self.dataset.records.iter().map(Review::of).collect();
        model::select_rows(&self.dataset.records, &reviews, filter)
            .map(|_| ())
            .map_err(Error::usage)
    }
}

/// Takes the lock, replays the journal of an interrupted session (writing the recovered
/// decisions into the file), selects the rows and builds the session.
pub fn prepare(loaded: Loaded, opts: &Options) -> Result<Opened> {
    let Loaded { mut store, dataset } = loaded;
    let path = store.path().to_path_buf();
    let lock = Lock::acquire(&path, &opts.annotator)?;
    let mut report = OpenReport {
        stale_lock: lock.stale.clone(),
        ..Default::default()
    };
    let (mut journal, recovered) = Journal::open(&journal::path_for(&path))?;
    report.torn_tail = recovered.torn_tail;
    let records = dataset.records;
    let mut reviews: Vec<Review> = records.iter().map(Review::of).collect();
    if !recovered.entries.is_empty() {
        let ids: Vec<&str> = records.iter().map(|r| r.quote_id.as_str()).collect();
        let replay = journal::replay(&recovered.entries, &ids, &mut reviews);
        // The journal holds every step (undos included); what the person wants to know is how
        // many rows got a decision back.
        report.replayed = records
            .iter()
            .zip(&reviews)
            .filter(|(rec, rev)| Review::of(rec) != **rev)
            .count();
        if !replay.orphans.is_empty() {
            let p = journal::set_aside(&path, &replay.orphans)?;
            report.orphans = Some((replay.orphans.len(), p));
        }
        // The file now gets every recovered decision; only then is the journal emptied.
        store.save(&reviews)?;
        journal.reset().map_err(|e| Error::io(journal.path(), e))?;
    }
    let view = model::select_rows(&records, &reviews, &opts.filter).map_err(Error::usage)?;
    let adjudicate = opts.filter.only == Some(Only::Disagreements)
        || records
            .first()
            .is_some_and(|r| r.extra.iter().any(|(k, _)| k.starts_with("ann_")));
    if !adjudicate {
        for rev in reviews.iter().filter(|r| r.status.is_some()) {
            let name = rev.annotator.trim();
            if !name.is_empty()
                && name != opts.annotator
                && !report.other_annotators.iter().any(|n| n == name)
            {
                report.other_annotators.push(name.to_string());
            }
        }
    }
    let session = Session::new(
        records,
        reviews,
        view,
        Settings {
            annotator: opts.annotator.clone(),
            blind: opts.blind,
            adjudicate,
        },
    );
    Ok(Opened {
        store,
        journal,
        lock,
        session,
        report,
    })
}

/// Opens a session: [`load`] then [`prepare`].
pub fn open(opts: &Options) -> Result<Opened> {
    prepare(load(&opts.path, opts.write)?, opts)
}

impl Opened {
    /// Makes one decision durable: journal append + fsync, then commit it in the model.
    pub fn persist(&mut self, changes: &[(usize, Review)]) -> std::io::Result<()> {
        let records = self.session.records();
        let entries: Vec<journal::Entry> = changes
            .iter()
            .map(|(row, r)| journal::Entry::new(&records[*row].quote_id, *row, r))
            .collect();
        match self.journal.append(&entries) {
            Ok(()) => {
                self.session.commit();
                Ok(())
            }
            Err(e) => {
                self.session.abort(&e.to_string());
                Err(e)
            }
        }
    }

    /// Rewrites the CSV with every decision and empties the journal.
    pub fn save(&mut self) -> Result<()> {
        self.store.save(self.session.reviews())?;
        self.journal
            .reset()
            .map_err(|e| Error::io(self.journal.path(), e))
    }

    /// The final save: rewrite the CSV, then remove the journal and the lock.
    pub fn close(mut self) -> Result<()> {
        self.save()?;
        let jp = self.journal.path().to_path_buf();
        self.journal.remove().map_err(|e| Error::io(&jp, e))?;
        drop(self.lock);
        Ok(())
    }

    /// A one-line summary of the session's rows.
    pub fn summary(&self) -> String {
        let c = self.session.counts();
        format!(
            "{}: {} of {} rows reviewed (confirmed {}, corrected {}, rejected {}, flagged {}; {} pending)",
            self.store.path().display(),
            c.reviewed(),
            self.session.view_len(),
            c.confirmed,
            c.corrected,
            c.rejected,
            c.flagged,
            c.pending
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::action::Action;
    use crate::review::model::Effect;
    use crate::schema::Status;

    const CSV: &str = "quote_id,doc_id,quote,start,end,speaker,candidates\n\
a,d,one,1,4,Lena Ortiz,Raj Patel\n\
b,d,two,5,8,Raj Patel,\n\
c,d,three,9,14,,\n";

    fn setup(text: &str) -> (tempfile::TempDir, Options) {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("q.csv");
        std::fs::write(&path, text).unwrap();
        let opts = Options {
            path,
            annotator: "ana".into(),
            filter: Filter::default(),
            blind: false,
            write: WriteOptions::default(),
        };
        (d, opts)
    }

    fn decide(o: &mut Opened, a: Action) {
        match o.session.handle(a, "2026-01-01T00:00:00Z") {
            Effect::Persist(ch) => o.persist(&ch).unwrap(),
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_crashed_session_is_recovered_on_reopening() {
        let (_d, opts) = setup(CSV);
        let mut o = open(&opts).unwrap();
        decide(&mut o, Action::Confirm);
        decide(&mut o, Action::Reject);
        // Ended without closing: nothing saved but the journal. (The stale lock of a killed
        // process is covered by the lock's tests and the terminal tests.)
        drop(o);
        let o = open(&opts).unwrap();
        assert_eq!(o.report.replayed, 2);
        assert_eq!(o.session.pos(), 2, "resumes at the first pending row");
        let ds = crate::schema::read_path(&opts.path).unwrap();
        assert_eq!(ds.records[0].status, Some(Status::Confirmed));
        assert_eq!(ds.records[1].status, Some(Status::Rejected));
        assert!(o.journal.is_empty());
        o.close().unwrap();
        assert!(!journal::path_for(&opts.path).exists());
        assert!(!lock::path_for(&opts.path).exists());
    }

    /// The journal holds every step (a decision, its undo, the next decision); the person is
    /// told how many rows got a decision back, not how many entries were read.
    #[test]
    fn recovery_counts_rows_not_journal_entries() {
        let (_d, opts) = setup(CSV);
        let mut o = open(&opts).unwrap();
        decide(&mut o, Action::Confirm);
        decide(&mut o, Action::Undo);
        decide(&mut o, Action::Reject);
        decide(&mut o, Action::Undo);
        decide(&mut o, Action::Redo);
        assert_eq!(o.journal.len(), 5);
        drop(o);
        let o = open(&opts).unwrap();
        assert_eq!(o.report.replayed, 1);
        assert_eq!(o.session.reviews()[0].status, Some(Status::Rejected));
        o.close().unwrap();
    }

    #[test]
    fn entries_for_quotes_no_longer_in_the_file_are_set_aside() {
        let (_d, opts) = setup(CSV);
        let mut o = open(&opts).unwrap();
        decide(&mut o, Action::Confirm);
        decide(&mut o, Action::Flag);
        drop(o);
        // The file is re-extracted: quote `a` is gone.
        std::fs::write(
            &opts.path,
            "quote_id,doc_id,quote,start,end\nb,d,two,5,8\nz,d,new,20,23\n",
        )
        .unwrap();
        let o = open(&opts).unwrap();
        assert_eq!(o.report.replayed, 1);
        let (n, p) = o.report.orphans.clone().unwrap();
        assert_eq!(n, 1);
        let kept = std::fs::read_to_string(p).unwrap();
        assert!(kept.contains("\"quote_id\":\"a\""), "{kept}");
        assert_eq!(o.session.reviews()[0].status, Some(Status::Flagged));
        o.close().unwrap();
    }

    /// Opening with `opts` fails because ana's session holds the file.
    fn refused_as_busy(opts: &Options) {
        let err = open(opts).err().unwrap().to_string();
        assert!(err.contains("being reviewed by ana"), "{err}");
    }

    #[test]
    fn a_second_session_is_refused_while_the_first_runs() {
        let (_d, opts) = setup(CSV);
        let o = open(&opts).unwrap();
        refused_as_busy(&Options {
            annotator: "ben".into(),
            ..opts.clone()
        });
        o.close().unwrap();
        open(&opts).unwrap().close().unwrap();
    }

    /// Through a chain of relative links across folders, the file at the end is locked,
    /// journalled and replaced; every link stays a link.
    #[test]
    fn a_file_named_through_links_is_reviewed_where_it_lives() {
        use std::os::unix::fs::symlink;
        let (d, mut opts) = setup(CSV);
        let root = d.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::rename(&opts.path, root.join("a/real.csv")).unwrap();
        symlink("a/one.csv", root.join("start.csv")).unwrap();
        symlink("b/two.csv", root.join("a/one.csv")).unwrap();
        symlink("../real.csv", root.join("a/b/two.csv")).unwrap();
        opts.path = root.join("start.csv");
        let mut o = open(&opts).unwrap();
        let real = std::fs::canonicalize(root.join("a/real.csv")).unwrap();
        assert_eq!(o.store.path(), real);
        assert!(lock::path_for(&real).exists());
        decide(&mut o, Action::Reject);
        assert!(journal::path_for(&real).exists());
        // the same file by its own name is held by the session opened through the links
        refused_as_busy(&Options {
            path: real.clone(),
            ..opts.clone()
        });
        o.close().unwrap();
        for link in ["start.csv", "a/one.csv", "a/b/two.csv"] {
            let m = std::fs::symlink_metadata(root.join(link)).unwrap();
            assert!(m.file_type().is_symlink(), "{link} was replaced");
        }
        let ds = crate::schema::read_path(&real).unwrap();
        assert_eq!(ds.records[0].status, Some(Status::Rejected));
        let mut left: Vec<String> = std::fs::read_dir(root.join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["b", "one.csv", "real.csv"],
            "no lock or journal left"
        );
    }

    #[test]
    fn a_session_without_decisions_leaves_the_file_alone() {
        let (_d, opts) = setup(CSV);
        open(&opts).unwrap().close().unwrap();
        assert_eq!(std::fs::read_to_string(&opts.path).unwrap(), CSV);
    }
}
