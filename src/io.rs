//! File input and output shared by every command.
//!
//! Outputs are never half-written: [`Output`] writes to a temporary file in the target's folder,
//! fsyncs it, renames it over the target and fsyncs the folder, so a crash leaves either the old
//! file or the complete new one. `-` means standard output. An output named through a symbolic
//! link is written where the link points (see [`output_target`]): the link stays.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

/// A destination that is either stdout or a file committed atomically.
pub struct Output {
    inner: OutputInner,
    /// The name the output was given, for messages.
    path: PathBuf,
    /// Where a file output is renamed to: `path` with symbolic links followed.
    target: PathBuf,
}

enum OutputInner {
    Stdout(BufWriter<io::Stdout>),
    /// Standard output that is a terminal: control characters and escape sequences from
    /// untrusted text are neutralised before they reach it (see [`TerminalWriter`]).
    Terminal(TerminalWriter<BufWriter<io::Stdout>>),
    File(BufWriter<EarlyWriteback>),
    /// A target that is not a regular file (`/dev/null`, a FIFO, a terminal): written in place,
    /// because renaming a temp file over it would replace the device or pipe with a plain file.
    Special(BufWriter<File>),
}

impl Output {
    /// Opens `path` for writing (`None` or `-` = stdout). Nothing appears at `path` until
    /// [`Output::commit`] succeeds.
    pub fn create(path: Option<&Path>) -> Result<Output> {
        match path {
            None => Ok(Output::stdout()),
            Some(p) if p.as_os_str() == "-" => Ok(Output::stdout()),
            Some(p) if std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir()) => {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(p)
                    .map_err(|e| Error::io(p, e))?;
                Ok(Output {
                    inner: OutputInner::Special(BufWriter::with_capacity(1 << 16, f)),
                    path: p.to_path_buf(),
                    target: p.to_path_buf(),
                })
            }
            Some(p) => {
                let target = output_target(p)?;
                // the temp file must be in the target's folder: a rename cannot cross file
                // systems, and one beside the link would replace the link
                let dir = parent_dir(&target);
                let tmp = tempfile::Builder::new()
                    .prefix(&format!(
                        ".{}.",
                        target
                            .file_name()
                            .map(|s| s.to_string_lossy())
                            .unwrap_or_default()
                    ))
                    .suffix(".tmp")
                    .tempfile_in(&dir)
                    .map_err(|e| cannot_create_in(p, &dir, e))?;
                Ok(Output {
                    inner: OutputInner::File(BufWriter::with_capacity(
                        1 << 16,
                        EarlyWriteback::new(tmp),
                    )),
                    path: p.to_path_buf(),
                    target,
                })
            }
        }
    }

    fn stdout() -> Output {
        use std::io::IsTerminal;
        let w = BufWriter::with_capacity(1 << 16, io::stdout());
        let inner = if io::stdout().is_terminal() {
            OutputInner::Terminal(TerminalWriter::new(w))
        } else {
            OutputInner::Stdout(w)
        };
        Output {
            inner,
            path: PathBuf::from("-"),
            target: PathBuf::from("-"),
        }
    }

    /// Lets escape sequences through to a terminal on standard output, for a report that
    /// styles its own text and has neutralised every piece of untrusted text in it (the colours
    /// of `diff`'s terminal report, which would otherwise show as `␛[1m`). Other outputs are
    /// unchanged.
    pub fn styled(self) -> Output {
        let inner = match self.inner {
            OutputInner::Terminal(w) => OutputInner::Stdout(w.into_inner()),
            inner => inner,
        };
        Output {
            inner,
            path: self.path,
            target: self.target,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_stdout(&self) -> bool {
        matches!(
            self.inner,
            OutputInner::Stdout(_) | OutputInner::Terminal(_)
        )
    }

    /// Flushes and, for a file, fsyncs, renames into place and fsyncs the folder.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        match self.inner {
            OutputInner::Stdout(mut w) => w.flush().map_err(|e| Error::io(&path, e)),
            OutputInner::Terminal(mut w) => w.flush().map_err(|e| Error::io(&path, e)),
            OutputInner::Special(mut w) => w.flush().map_err(|e| Error::io(&path, e)),
            OutputInner::File(w) => {
                let tmp = w
                    .into_inner()
                    .map_err(|e| Error::io(&path, e.into_error()))?
                    .file;
                // a temp file is created private (0600); the output gets the mode a normally
                // created file would have, or keeps the mode of the file it replaces
                let target = self.target;
                let mode = std::fs::metadata(&target)
                    .map(|m| m.permissions())
                    .unwrap_or_else(|_| default_permissions());
                tmp.as_file()
                    .set_permissions(mode)
                    .map_err(|e| Error::io(&path, e))?;
                tmp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
                tmp.persist(&target)
                    .map_err(|e| Error::io(&path, e.error))?;
                sync_dir(&parent_dir(&target));
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            OutputInner::Stdout(w) => w.write(buf),
            OutputInner::Terminal(w) => w.write(buf),
            OutputInner::File(w) => w.write(buf),
            OutputInner::Special(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            OutputInner::Stdout(w) => w.write_all(buf),
            OutputInner::Terminal(w) => w.write_all(buf),
            OutputInner::File(w) => w.write_all(buf),
            OutputInner::Special(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            OutputInner::Stdout(w) => w.flush(),
            OutputInner::Terminal(w) => w.flush(),
            OutputInner::File(w) => w.flush(),
            OutputInner::Special(w) => w.flush(),
        }
    }
}

/// The temporary file of an [`Output`]: every [`EarlyWriteback::STEP`] bytes it asks the kernel
/// to start writing the pages written so far to disk, so that the disk works while the output is
/// still being produced and the fsync of [`Output::commit`] waits only for the last few
/// megabytes instead of the whole file (about a tenth of `extract`'s wall time on a 100 MB
/// corpus). The request does not wait for the disk and does not change what is written.
pub struct EarlyWriteback {
    file: tempfile::NamedTempFile,
    /// Bytes written to the file, and how many of them writeback was started for.
    written: u64,
    started: u64,
}

impl EarlyWriteback {
    /// Bytes between two requests.
    const STEP: u64 = 8 << 20;

    fn new(file: tempfile::NamedTempFile) -> Self {
        EarlyWriteback {
            file,
            written: 0,
            started: 0,
        }
    }

    /// Starts writeback of the bytes written since the last request.
    #[cfg(target_os = "linux")]
    fn start_writeback(&mut self) {
        use std::os::fd::AsRawFd;
        let (Ok(from), Ok(len)) = (
            libc::off64_t::try_from(self.started),
            libc::off64_t::try_from(self.written - self.started),
        ) else {
            return;
        };
        // SAFETY: a plain system call on a file descriptor that `self.file` keeps open; it
        // reads no memory of ours. Its result is advice only: a failure to start writeback
        // early is no failure of the output (the fsync at commit reports real I/O errors).
        unsafe {
            libc::sync_file_range(
                self.file.as_file().as_raw_fd(),
                from,
                len,
                libc::SYNC_FILE_RANGE_WRITE,
            );
        }
        self.started = self.written;
    }

    #[cfg(not(target_os = "linux"))]
    fn start_writeback(&mut self) {
        self.started = self.written;
    }
}

impl Write for EarlyWriteback {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= Self::STEP {
            self.start_writeback();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Passes UTF-8 output through [`crate::text::sanitize_keeping_line_ends`], so that data written
/// to a terminal (a CSV of scraped text, say) cannot move the cursor, recolour the screen or set
/// the window title. A character split across two writes is held back until it is complete.
pub struct TerminalWriter<W: Write> {
    out: W,
    carry: Vec<u8>,
}

impl<W: Write> TerminalWriter<W> {
    pub fn new(out: W) -> Self {
        TerminalWriter {
            out,
            carry: Vec::new(),
        }
    }

    /// The writer underneath; a character held back for the next write is dropped, so call
    /// this before anything is written.
    fn into_inner(self) -> W {
        self.out
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(bytes);
        self.out
            .write_all(crate::text::sanitize_keeping_line_ends(&text).as_bytes())
    }
}

impl<W: Write> Write for TerminalWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.carry.extend_from_slice(buf);
        let complete = match std::str::from_utf8(&self.carry) {
            Ok(_) => self.carry.len(),
            // an incomplete character at the end waits for the next write
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.carry.len(),
        };
        let rest = self.carry.split_off(complete);
        let head = std::mem::replace(&mut self.carry, rest);
        self.emit(&head)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let tail = std::mem::take(&mut self.carry);
        self.emit(&tail)?;
        self.out.flush()
    }
}

/// Writes `bytes` to `path` atomically (temp file, fsync, rename, fsync folder).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut out = Output::create(Some(path))?;
    out.write_all(bytes).map_err(|e| Error::io(path, e))?;
    out.commit()
}

/// Where an output named `p` is written: `p` itself, or, when `p` is a symbolic link, the file
/// the link names with every link on the way followed, also when that file does not exist yet
/// (a dangling link whose folder exists names the file to create). Replacing the link itself
/// would leave the file it names unchanged and turn the link into a private copy. A link's
/// result is canonical (its folder, when the file does not exist yet).
pub fn output_target(p: &Path) -> Result<PathBuf> {
    // as many links as the kernel follows before it gives up (Linux: 40)
    const MAX_LINKS: usize = 40;
    // without a trailing slash, which would make the link's metadata its target's
    let mut cur: PathBuf = p.components().collect();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&cur).map_err(|e| Error::io(p, e))?;
                cur = if to.is_absolute() {
                    to
                } else {
                    parent_dir(&cur).join(to)
                };
            }
            // a file (or nothing yet) at the end of the links
            _ if cur == p => return Ok(p.to_path_buf()),
            _ => return Ok(resolved(&cur).unwrap_or(cur)),
        }
    }
    Err(Error::usage(format!(
        "{}: cannot write it: too many levels of symbolic links",
        p.display()
    )))
}

/// The permissions of a newly created file: 0666 less the process umask.
#[cfg(unix)]
fn default_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: umask only swaps the process's file-mode mask; it is read and put back at once.
    let mask = unsafe {
        let m = libc::umask(0o022);
        libc::umask(m);
        m
    };
    std::fs::Permissions::from_mode(0o666 & !(mask as u32))
}

#[cfg(not(unix))]
fn default_permissions() -> std::fs::Permissions {
    std::fs::File::open(".")
        .and_then(|f| f.metadata())
        .map(|m| m.permissions())
        .expect("current folder")
}

/// The error for an output `target` that cannot be created in `dir`: names the folder when it
/// is missing, and never the temporary file's name, which the person did not choose.
pub fn cannot_create_in(target: &Path, dir: &Path, e: io::Error) -> Error {
    if !dir.is_dir() {
        let what = if dir.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Error::usage(format!(
            "{}: cannot write it: {} {what}",
            target.display(),
            dir.display()
        ));
    }
    // The temporary file's library adds its path to the message; keep only the reason.
    let e = e.raw_os_error().map_or(e, io::Error::from_raw_os_error);
    Error::io(target, e)
}

/// Refuses to write `output` when it is one of `inputs` (the same file, by device and inode):
/// the input would be replaced by the output. Checked before anything is read or written.
pub fn check_not_an_input<'a>(
    output: Option<&Path>,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Some(out) = output.filter(|p| p.as_os_str() != "-") else {
        return Ok(());
    };
    let Ok(om) = std::fs::metadata(out) else {
        return Ok(());
    };
    if !om.is_file() {
        return Ok(());
    }
    for input in inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        if let Ok(im) = std::fs::metadata(input)
            && im.dev() == om.dev()
            && im.ino() == om.ino()
        {
            return Err(Error::usage(format!(
                "{}: the output is also an input ({}); it would be overwritten, so nothing was written; choose another output",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Refuses two outputs of one command that would land at the same place (`diff --merge m.csv
/// -o m.csv`, or both on standard output): the second would replace or run into the first.
/// `-` is standard output. Two names of one device or pipe (`/dev/null`) are allowed.
pub fn check_distinct_outputs(first: &Path, second: &Path) -> Result<()> {
    let stdout = |p: &Path| p.as_os_str() == "-";
    let same = match (stdout(first), stdout(second)) {
        (true, true) => true,
        (false, false) => {
            let special = std::fs::metadata(first).is_ok_and(|m| !m.is_file() && !m.is_dir());
            !special && resolved(first).is_some_and(|a| resolved(second) == Some(a))
        }
        _ => false,
    };
    if same {
        return Err(Error::usage(format!(
            "{} and {}: two outputs at the same place; one would replace the other, so nothing was written; choose different outputs",
            first.display(),
            second.display()
        )));
    }
    Ok(())
}

/// Where a path that may not exist yet points: the file itself when it exists (links
/// followed), else its file name in its resolved folder; a dangling link names the file it
/// would create (see [`output_target`]).
fn resolved(p: &Path) -> Option<PathBuf> {
    if let Ok(full) = std::fs::canonicalize(p) {
        return Some(full);
    }
    let target = match std::fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => output_target(p).ok()?,
        _ => p.to_path_buf(),
    };
    let name = target.file_name()?;
    std::fs::canonicalize(parent_dir(&target))
        .ok()
        .map(|d| d.join(name))
}

fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a rename durable. Failure is ignored: some file systems cannot fsync a folder, and the
/// data itself is already on disk.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Reads a whole file (or stdin for `-`) as UTF-8 text, with errors that name the file and the
/// line of the first invalid byte, and a refusal of binary files (NUL bytes).
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    bytes_to_text(path, bytes)
}

/// Reads a whole file, or stdin for `-`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|e| Error::io(path, e))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// Validates that `bytes` are UTF-8 text (not binary) and converts them. A leading byte-order mark
/// is kept out of the text, since offsets count from the first real character.
pub fn bytes_to_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if let Some(pos) = memchr::memchr(0, &bytes) {
        return Err(Error::input(
            Location::file(path).line(line_of(&bytes, pos)),
            "binary file (contains a NUL byte); expected UTF-8 text",
        ));
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let pos = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = line_of(&bytes, pos);
            let col = pos
                - bytes[..pos]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1)
                + 1;
            Err(Error::input(
                Location::file(path).line(line),
                format!("invalid UTF-8 at byte {pos} (column {col}); convert the file to UTF-8"),
            ))
        }
    }
}

/// 1-based line number of byte offset `pos`.
pub fn line_of(bytes: &[u8], pos: usize) -> u64 {
    memchr::memchr_iter(b'\n', &bytes[..pos.min(bytes.len())]).count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_atomic(&p, b"a,b\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"a,b\n");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn large_outputs_arrive_whole_across_early_writeback() {
        // more than two writeback steps, in pieces that straddle the step boundaries
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.csv");
        let step = EarlyWriteback::STEP as usize;
        let want: Vec<u8> = (0..2 * step + 12_345).map(|i| (i % 251) as u8).collect();
        let mut out = Output::create(Some(&p)).unwrap();
        let mut at = 0;
        for (k, len) in [1usize, 70_000, step - 3, 5, step, 1 << 16]
            .iter()
            .cycle()
            .enumerate()
        {
            if at >= want.len() || k > 64 {
                break;
            }
            let end = (at + len).min(want.len());
            out.write_all(&want[at..end]).unwrap();
            at = end;
        }
        assert_eq!(at, want.len());
        assert!(!p.exists(), "nothing at the target before commit");
        out.commit().unwrap();
        assert!(std::fs::read(&p).unwrap() == want);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn output_gets_normal_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_atomic(&p, b"x").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode, 0o600, "not the temp file's private mode");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"y").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640,
            "replacing keeps the mode"
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        // regression: `-o /dev/null` once renamed a temp file over the device. A FIFO stands in
        // for it here, so a regression cannot break the machine's /dev/null.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo has no other preconditions.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(&fifo).unwrap())
        };
        write_atomic(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        let meta = std::fs::metadata(&fifo).unwrap();
        assert!(
            meta.file_type().is_fifo(),
            "the FIFO must not be replaced by a file"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn terminal_writer_neutralises_escapes_even_when_split() {
        let mut w = TerminalWriter::new(Vec::new());
        let data = "a,\"\x1b[31mred\u{9b}\u{202e}é\",b\r\n".as_bytes();
        // byte by byte: escape and multi-byte characters arrive in pieces
        for b in data {
            w.write_all(std::slice::from_ref(b)).unwrap();
        }
        w.flush().unwrap();
        let out = String::from_utf8(w.out).unwrap();
        assert_eq!(out, "a,\"␛[31mred\u{fffd}\u{fffd}é\",b\r\n");
    }

    #[cfg(unix)]
    #[test]
    fn an_output_through_links_replaces_the_file_at_their_end() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        // a chain of relative links across folders, ending at a file that does not exist yet
        symlink("a/one", d.join("start")).unwrap();
        symlink("b/two", d.join("a/one")).unwrap();
        symlink("../final.csv", d.join("a/b/two")).unwrap();
        write_atomic(&d.join("start"), b"x").unwrap();
        assert_eq!(std::fs::read(d.join("a/final.csv")).unwrap(), b"x");
        for link in ["start", "a/one", "a/b/two"] {
            assert!(
                std::fs::symlink_metadata(d.join(link))
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
        }
        symlink("loop2", d.join("loop1")).unwrap();
        symlink("loop1", d.join("loop2")).unwrap();
        let e = write_atomic(&d.join("loop1"), b"x").unwrap_err();
        assert!(e.to_string().contains("too many levels"), "{e}");
    }

    #[test]
    fn dropped_output_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        {
            let mut o = Output::create(Some(&p)).unwrap();
            o.write_all(b"partial").unwrap();
        }
        assert!(!p.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = bytes_to_text(Path::new("x.txt"), b"ok\nbad \xff here".to_vec()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("x.txt:2:"), "{msg}");
        assert!(msg.contains("invalid UTF-8"), "{msg}");
    }

    #[test]
    fn binary_is_refused() {
        let err = bytes_to_text(Path::new("x.bin"), b"\x00\x01".to_vec()).unwrap_err();
        assert!(err.to_string().contains("binary"));
    }
}
