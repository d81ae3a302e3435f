//! The decision journal: every decision is appended to `<file>.journal` and flushed to disk
//! before the screen shows it, so that no acknowledged decision is lost to a crash, a closed
//! terminal or `kill -9`.
//!
//! One JSON object per line. Each entry is the complete review state a row takes (not a delta),
//! so replaying is idempotent: an undo is journalled as the state the row returns to, and
//! replaying entries that are already in the CSV changes nothing. Entries name their row by
//! `quote_id` (with the row number as a tie-breaker for files with repeated ids).
//!
//! A crash can leave the last line half-written; that line was never acknowledged and is
//! dropped. Any other unreadable line is an error that names it.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store::Review;
use crate::error::{Error, Location, Result};
use crate::schema::Status;

/// One journalled decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub quote_id: String,
    /// 0-based data row the decision was made on.
    pub row: usize,
    /// Empty = pending (an undone decision).
    pub status: String,
    pub reviewed_speaker: String,
    pub annotator: String,
    pub reviewed_at: String,
    pub note: String,
}

impl Entry {
    pub fn new(quote_id: &str, row: usize, r: &Review) -> Entry {
        Entry {
            quote_id: quote_id.to_string(),
            row,
            status: r.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            reviewed_speaker: r.reviewed_speaker.clone(),
            annotator: r.annotator.clone(),
            reviewed_at: r.reviewed_at.clone(),
            note: r.note.clone(),
        }
    }

    pub fn review(&self) -> std::result::Result<Review, String> {
        Ok(Review {
            status: crate::schema::parse_status(&self.status)?,
            reviewed_speaker: self.reviewed_speaker.clone(),
            annotator: self.annotator.clone(),
            reviewed_at: self.reviewed_at.clone(),
            note: self.note.clone(),
        })
    }
}

/// The journal path of a dataset file: `quotes.csv` → `quotes.csv.journal`.
pub fn path_for(csv: &Path) -> PathBuf {
    let mut s = csv.as_os_str().to_os_string();
    s.push(".journal");
    PathBuf::from(s)
}

/// Where entries that no longer match any row are set aside: `quotes.csv.journal.orphans`.
pub fn orphans_path_for(csv: &Path) -> PathBuf {
    let mut s = csv.as_os_str().to_os_string();
    s.push(".journal.orphans");
    PathBuf::from(s)
}

/// An open journal, ready to append to.
#[derive(Debug)]
pub struct Journal {
    file: File,
    path: PathBuf,
    /// Entries appended since the last reset.
    len: usize,
}

/// What reading an existing journal found.
#[derive(Debug, Default)]
pub struct Recovered {
    pub entries: Vec<Entry>,
    /// A half-written last line was dropped.
    pub torn_tail: bool,
}

impl Journal {
    /// Opens (or creates) the journal and reads the entries it already holds. A torn last line
    /// is cut off so that new entries start on a line of their own.
    pub fn open(path: &Path) -> Result<(Journal, Recovered)> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        // A new journal's name must survive a power cut too, not only its contents.
        if let Some(dir) = path.parent() {
            crate::io::sync_dir(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            });
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
        let complete = match memchr::memrchr(b'\n', &bytes) {
            Some(i) => i + 1,
            None => 0,
        };
        let mut rec = Recovered {
            torn_tail: complete < bytes.len(),
            ..Default::default()
        };
        for (i, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let entry: Entry = serde_json::from_slice(line).map_err(|e| {
                Error::input(
                    Location::file(path).line(i as u64 + 1),
                    format!(
                        "unreadable journal entry ({e}); move the journal aside to open the file without it"
                    ),
                )
            })?;
            if let Err(m) = entry.review() {
                return Err(Error::input(
                    Location::file(path).line(i as u64 + 1).field("status"),
                    m,
                ));
            }
            rec.entries.push(entry);
        }
        if rec.torn_tail {
            file.set_len(complete as u64)
                .and_then(|_| file.sync_data())
                .map_err(|e| Error::io(path, e))?;
        }
        file.seek(SeekFrom::End(0))
            .map_err(|e| Error::io(path, e))?;
        let len = rec.entries.len();
        Ok((
            Journal {
                file,
                path: path.to_path_buf(),
                len,
            },
            rec,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Entries written since the journal was last emptied.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends entries in one write and waits until they are on disk.
    pub fn append(&mut self, entries: &[Entry]) -> std::io::Result<()> {
        let mut buf = Vec::with_capacity(256 * entries.len());
        for e in entries {
            serde_json::to_writer(&mut buf, e)?;
            buf.push(b'\n');
        }
        self.file.write_all(&buf)?;
        self.file.sync_data()?;
        self.len += entries.len();
        Ok(())
    }

    /// Empties the journal once the CSV holds every decision.
    pub fn reset(&mut self) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.file.sync_data()?;
        self.len = 0;
        Ok(())
    }

    /// Removes the journal file (after a clean save).
    pub fn remove(self) -> std::io::Result<()> {
        drop(self.file);
        std::fs::remove_file(&self.path)
    }
}

/// The outcome of applying journal entries to the rows of a file.
#[derive(Debug, Default)]
pub struct Replay {
    pub applied: usize,
    /// Entries whose quote id is not in the file.
    pub orphans: Vec<Entry>,
}

/// Applies entries in order (last one wins) to `reviews`, finding each row by quote id.
pub fn replay(entries: &[Entry], quote_ids: &[&str], reviews: &mut [Review]) -> Replay {
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, id) in quote_ids.iter().enumerate() {
        by_id.entry(id).or_default().push(i);
    }
    let mut out = Replay::default();
    for e in entries {
        let row = match by_id.get(e.quote_id.as_str()) {
            Some(rows) if rows.contains(&e.row) => Some(e.row),
            Some(rows) => rows.first().copied(),
            None => None,
        };
        match (row, e.review()) {
            (Some(i), Ok(r)) => {
                reviews[i] = r;
                out.applied += 1;
            }
            _ => out.orphans.push(e.clone()),
        }
    }
    out
}

/// Appends orphaned entries to the orphans file so that nothing is silently dropped.
pub fn set_aside(csv: &Path, orphans: &[Entry]) -> Result<PathBuf> {
    let p = orphans_path_for(csv);
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&p)
        .map_err(|e| Error::io(&p, e))?;
    let mut buf = Vec::new();
    for e in orphans {
        serde_json::to_writer(&mut buf, e).map_err(|e| Error::io(&p, e.into()))?;
        buf.push(b'\n');
    }
    f.write_all(&buf)
        .and_then(|_| f.sync_data())
        .map_err(|e| Error::io(&p, e))?;
    Ok(p)
}

/// The status an entry sets (`None`: pending, or a status this version cannot read).
pub fn status_of(e: &Entry) -> Option<Status> {
    crate::schema::parse_status(&e.status).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(s: Status, who: &str) -> Review {
        Review {
            status: Some(s),
            reviewed_speaker: who.into(),
            annotator: "ana".into(),
            reviewed_at: "2026-01-01T00:00:00Z".into(),
            note: String::new(),
        }
    }

    #[test]
    fn appended_entries_are_read_back() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("q.csv.journal");
        let (mut j, rec) = Journal::open(&p).unwrap();
        assert!(rec.entries.is_empty());
        j.append(&[Entry::new("a", 0, &rev(Status::Confirmed, "X"))])
            .unwrap();
        j.append(&[Entry::new("b", 1, &Review::default())]).unwrap();
        drop(j);
        let (_, rec) = Journal::open(&p).unwrap();
        assert_eq!(rec.entries.len(), 2);
        assert_eq!(status_of(&rec.entries[0]), Some(Status::Confirmed));
        assert_eq!(status_of(&rec.entries[1]), None);
    }

    #[test]
    fn torn_last_line_is_dropped_and_cut() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("j");
        let (mut j, _) = Journal::open(&p).unwrap();
        j.append(&[Entry::new("a", 0, &rev(Status::Rejected, ""))])
            .unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"quote_id\":\"b\",\"ro").unwrap();
        drop(f);
        let (mut j, rec) = Journal::open(&p).unwrap();
        assert!(rec.torn_tail);
        assert_eq!(rec.entries.len(), 1);
        j.append(&[Entry::new("c", 2, &rev(Status::Flagged, ""))])
            .unwrap();
        drop(j);
        let (_, rec) = Journal::open(&p).unwrap();
        assert!(!rec.torn_tail);
        assert_eq!(rec.entries.len(), 2);
        assert_eq!(rec.entries[1].quote_id, "c");
    }

    #[test]
    fn corrupt_middle_line_is_an_error_naming_it() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("j");
        std::fs::write(&p, "garbage\n{}\n").unwrap();
        let err = Journal::open(&p).unwrap_err().to_string();
        assert!(err.contains("j:1"), "{err}");
    }

    #[test]
    fn replay_finds_rows_by_id_and_sets_orphans_aside() {
        let ids = ["a", "b", "a"];
        let mut reviews = vec![Review::default(); 3];
        let entries = vec![
            Entry::new("a", 2, &rev(Status::Confirmed, "X")),
            Entry::new("b", 7, &rev(Status::Rejected, "")),
            Entry::new("zzz", 1, &rev(Status::Flagged, "")),
            Entry::new("b", 1, &Review::default()),
        ];
        let r = replay(&entries, &ids, &mut reviews);
        assert_eq!(r.applied, 3);
        assert_eq!(r.orphans.len(), 1);
        assert_eq!(reviews[2].status, Some(Status::Confirmed));
        assert_eq!(reviews[0].status, None);
        // Last entry wins: b was rejected, then undone.
        assert_eq!(reviews[1].status, None);
    }
}
