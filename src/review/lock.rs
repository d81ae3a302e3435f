//! One review session per file.
//!
//! The lock is `<file>.lock`, holding who took it. It is held with `flock(2)`, which the kernel
//! releases when the holding process dies for any reason, `kill -9` included: a lock file whose
//! `flock` can be taken was left by a process that is gone, and is taken over.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Who holds a lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    pub annotator: String,
    pub pid: u32,
    pub host: String,
    pub since: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (process {} on {}, since {})",
            crate::text::sanitize_one_line(&self.annotator),
            self.pid,
            crate::text::sanitize_one_line(&self.host),
            crate::text::sanitize_one_line(&self.since)
        )
    }
}

/// A held lock; released (and its file removed) on drop.
#[derive(Debug)]
pub struct Lock {
    file: Option<File>,
    path: PathBuf,
    /// The holder whose stale lock was taken over, if any.
    pub stale: Option<Holder>,
}

pub fn path_for(csv: &Path) -> PathBuf {
    let mut s = csv.as_os_str().to_os_string();
    s.push(".lock");
    PathBuf::from(s)
}

pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it or
    // truncates, and the length below stops at the first NUL either way.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return String::from("unknown host");
    }
    let n = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn try_flock(f: &File) -> std::io::Result<bool> {
    // SAFETY: flock on a file descriptor we own.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

impl Lock {
    /// Takes the lock on `csv` for `annotator`, or says who holds it.
    pub fn acquire(csv: &Path, annotator: &str) -> Result<Lock> {
        let path = path_for(csv);
        // A holder that is releasing may unlink the file between our open and our flock; the
        // inode check below notices, and a few retries settle it.
        for _ in 0..20 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            let mut old = String::new();
            if !try_flock(&file).map_err(|e| Error::io(&path, e))? {
                let _ = file.read_to_string(&mut old);
                let who = serde_json::from_str::<Holder>(old.trim())
                    .map(|h| h.to_string())
                    .unwrap_or_else(|_| "another session".to_string());
                return Err(Error::usage(format!(
                    "{} is being reviewed by {who}; only one review session per file at a time (lock: {})",
                    csv.display(),
                    path.display()
                )));
            }
            let same = match (file.metadata(), std::fs::metadata(&path)) {
                (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
                _ => false,
            };
            if !same {
                continue;
            }
            let _ = file.read_to_string(&mut old);
            let stale = serde_json::from_str::<Holder>(old.trim()).ok();
            let me = Holder {
                annotator: annotator.to_string(),
                pid: std::process::id(),
                host: hostname(),
                since: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            };
            let body = serde_json::to_string(&me).map_err(|e| Error::io(&path, e.into()))?;
            file.set_len(0)
                .and_then(|_| file.seek(SeekFrom::Start(0)))
                .and_then(|_| file.write_all(body.as_bytes()))
                .and_then(|_| file.write_all(b"\n"))
                .and_then(|_| file.sync_data())
                .map_err(|e| Error::io(&path, e))?;
            return Ok(Lock {
                file: Some(file),
                path,
                stale,
            });
        }
        Err(Error::usage(format!(
            "could not take the lock {}: it keeps changing",
            path.display()
        )))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Unlink while still holding the flock, so that nobody takes a lock on a file that is
        // about to disappear without noticing (see the inode check in `acquire`). Only if the
        // path is still this lock's file: if it was deleted by hand during the session, another
        // session may have taken the lock with a new file there, which is not ours to remove.
        if let Some(file) = self.file.take() {
            let ours = match (file.metadata(), std::fs::symlink_metadata(&self.path)) {
                (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
                _ => false,
            };
            if ours {
                let _ = std::fs::remove_file(&self.path);
            }
            drop(file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_names_the_holder_and_release_frees_it() {
        let d = tempfile::tempdir().unwrap();
        let csv = d.path().join("q.csv");
        let a = Lock::acquire(&csv, "ana").unwrap();
        assert!(a.stale.is_none());
        let err = Lock::acquire(&csv, "ben").unwrap_err().to_string();
        assert!(err.contains("being reviewed by ana"), "{err}");
        assert!(err.contains(&std::process::id().to_string()), "{err}");
        drop(a);
        assert!(!path_for(&csv).exists());
        let b = Lock::acquire(&csv, "ben").unwrap();
        assert!(b.stale.is_none());
    }

    #[test]
    fn release_leaves_a_lock_file_that_is_not_its_own() {
        // The lock file is deleted by hand during a session and a second session takes the
        // lock: the first one's exit must not delete the second's lock.
        let d = tempfile::tempdir().unwrap();
        let csv = d.path().join("q.csv");
        let a = Lock::acquire(&csv, "ana").unwrap();
        std::fs::remove_file(path_for(&csv)).unwrap();
        let b = Lock::acquire(&csv, "ben").unwrap();
        drop(a);
        assert!(path_for(&csv).exists());
        let err = Lock::acquire(&csv, "cy").unwrap_err().to_string();
        assert!(err.contains("being reviewed by ben"), "{err}");
        drop(b);
        assert!(!path_for(&csv).exists());
    }

    #[test]
    fn lock_left_by_a_dead_process_is_taken_over() {
        let d = tempfile::tempdir().unwrap();
        let csv = d.path().join("q.csv");
        let dead = Holder {
            annotator: "ana".into(),
            pid: 999_999,
            host: hostname(),
            since: "2026-01-01T00:00:00Z".into(),
        };
        std::fs::write(path_for(&csv), serde_json::to_string(&dead).unwrap()).unwrap();
        let l = Lock::acquire(&csv, "ben").unwrap();
        assert_eq!(l.stale, Some(dead));
    }
}
