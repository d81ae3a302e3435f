//! End-to-end tests of `quotecheck review` in a real terminal: tmux runs the binary, `send-keys`
//! types, `capture-pane` reads the screen, and the tests check the files it leaves.
//!
//! Every test has its own tmux server (a private socket) and a fixed window size. Waits poll
//! the screen with a generous timeout instead of sleeping, so that a loaded machine only makes
//! them slower. Without tmux they are skipped with a message, except under CI, where a missing
//! tmux is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use quotecheck::schema::{self, Status};

mod common;
use common::fixture;

const WAIT: Duration = Duration::from_secs(30);

fn tmux_available() -> bool {
    use std::os::unix::fs::FileTypeExt;
    let null_ok = std::fs::metadata("/dev/null").is_ok_and(|m| m.file_type().is_char_device());
    assert!(
        null_ok,
        "/dev/null is not a character device (something replaced it with a regular file); tmux cannot start its server"
    );
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("tmux is required for the terminal tests under CI but is not installed");
        }
        eprintln!("skipping: tmux is not installed");
    }
    ok
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A private tmux server, killed on drop.
struct Tmux {
    socket: String,
    conf: PathBuf,
    dir: tempfile::TempDir,
}

impl Tmux {
    fn new() -> Tmux {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("tmux.conf");
        // Keep panes of finished processes, to read their last screen and exit status.
        std::fs::write(&conf, "set -g remain-on-exit on\nset -g status off\n").unwrap();
        Tmux {
            socket: format!(
                "qc-review-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            ),
            conf,
            dir,
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-L").arg(&self.socket).arg("-f").arg(&self.conf);
        c
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `quotecheck review FILE --annotator ana EXTRA…` in a new session of 100×30. A
    /// shell around it records the exit status in `<name>.status`.
    fn start(&self, name: &str, file: &Path, extra: &[&str]) {
        self.start_env(name, file, extra, &[]);
    }

    fn start_env(&self, name: &str, file: &Path, extra: &[&str], env: &[&str]) {
        let status = self.dir.path().join(format!("{name}.status"));
        let mut args: Vec<String> = [
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "100",
            "-y",
            "30",
            "--",
            "sh",
            "-c",
            "\"$@\"; echo \"exit=$?\" > \"$QC_STATUS.tmp\"; mv \"$QC_STATUS.tmp\" \"$QC_STATUS\"",
            "sh",
            env!("CARGO_BIN_EXE_quotecheck"),
            "review",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.insert(1, format!("QC_STATUS={}", status.display()));
        args.insert(1, "-e".to_string());
        for e in env {
            args.insert(1, e.to_string());
            args.insert(1, "-e".to_string());
        }
        args.push(file.to_str().unwrap().to_string());
        args.extend(["--annotator", "ana"].iter().map(|s| s.to_string()));
        args.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&refs);
    }

    fn screen(&self, name: &str) -> String {
        // No-break spaces (which keep names together on screen) read as spaces.
        self.run(&["capture-pane", "-p", "-J", "-S", "-", "-t", name])
            .replace('\u{a0}', " ")
    }

    fn wait_for(&self, name: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen(name);
            if ok(&s) {
                return s;
            }
            if start.elapsed() > WAIT {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, name: &str, text: &str) -> String {
        self.wait_for(name, text, |s| s.contains(text))
    }

    fn keys(&self, name: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", name];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn type_text(&self, name: &str, text: &str) {
        self.run(&["send-keys", "-t", name, "-l", text]);
    }

    /// Waits until the review in session `name` has exited and returns its exit status.
    fn wait_exit(&self, name: &str) -> i32 {
        let status = self.dir.path().join(format!("{name}.status"));
        let start = Instant::now();
        loop {
            if let Ok(s) = std::fs::read_to_string(&status)
                && let Some(code) = s.trim().strip_prefix("exit=")
            {
                return code.parse().unwrap();
            }
            if start.elapsed() > WAIT {
                panic!(
                    "timed out waiting for the review in {name} to exit; screen:\n{}",
                    self.screen(name)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A private server, or `None` (the test is skipped) when tmux is not installed.
    fn available() -> Option<Tmux> {
        tmux_available().then(Tmux::new)
    }

    /// Starts a review of `file` (see [`Tmux::start`]) and waits for its first screen, none of
    /// its `total` rows reviewed.
    fn open(&self, name: &str, file: &Path, extra: &[&str], total: usize) -> String {
        self.start(name, file, extra);
        self.wait_text(name, &reviewed(0, total))
    }

    /// Presses `key` and waits until the screen shows `then`.
    fn press(&self, name: &str, key: &str, then: &str) -> String {
        self.keys(name, &[key]);
        self.wait_text(name, then)
    }

    /// Quits the review with `q`; it must exit 0.
    fn quit(&self, name: &str) {
        self.keys(name, &["q"]);
        assert_eq!(self.wait_exit(name), 0);
    }

    /// Starts a second review of `file`, which must be refused (exit 2); its last screen.
    fn refused(&self, name: &str, file: &Path) -> String {
        self.start(name, file, &[]);
        assert_eq!(self.wait_exit(name), 2);
        self.screen(name)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}

fn fixture_copy(t: &Tmux, name: &str) -> PathBuf {
    let p = t.dir.path().join(name);
    std::fs::copy(fixture(&format!("review/{name}")), &p).unwrap();
    p
}

fn read(p: &Path) -> schema::Dataset {
    schema::read_csv(&std::fs::read(p).unwrap()[..], p).unwrap()
}

fn statuses(p: &Path) -> Vec<Option<Status>> {
    read(p).records.iter().map(|r| r.status).collect()
}

fn reviewed(n: usize, total: usize) -> String {
    format!("{n}/{total} reviewed")
}

#[test]
fn decisions_typed_in_a_terminal_end_up_in_the_csv_byte_for_byte() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "odd.csv");
    let original = std::fs::read_to_string(&file).unwrap();
    t.open("s", &file, &[], 4);
    // Row 1: confirm the prediction.
    t.press("s", "a", &reviewed(1, 4));
    // Row 2: the first alternative (the other speaker of the document).
    let screen = t.wait_text("s", "2/4");
    assert!(screen.contains("1 =Lena Ortiz"), "{screen}");
    t.press("s", "1", &reviewed(2, 4));
    // Row 3: type a speaker with a comma and quotes.
    t.press("s", "e", "Speaker:");
    t.type_text("s", "Someone, \"X\"");
    t.press("s", "Enter", &reviewed(3, 4));
    // Row 4: reject, undo (back to row 4), flag, then a note.
    t.press("s", "x", &reviewed(4, 4));
    t.press("s", "u", &reviewed(3, 4));
    t.press("s", "C-r", "redone");
    t.press("s", "BSpace", &reviewed(3, 4));
    t.press("s", "f", &reviewed(4, 4));
    t.press("s", "n", "Note:");
    t.type_text("s", "ask the desk");
    t.press("s", "Enter", "ask the desk");
    // Help overlay and a resize do not disturb anything.
    t.press("s", "?", "Help (any key closes)");
    t.keys("s", &["Escape"]);
    // Wait until Escape was read on its own (an Escape followed at once by another key reads
    // as an Alt chord).
    t.wait_for("s", "the help to close", |s| {
        !s.contains("Help (any key closes)")
    });
    t.run(&["resize-window", "-t", "s", "-x", "60", "-y", "16"]);
    t.wait_for("s", "a narrower screen", |s| {
        s.lines().all(|l| l.chars().count() <= 60) && s.contains("4/4")
    });
    t.quit("s");

    let ds = read(&file);
    let st: Vec<_> = ds.records.iter().map(|r| r.status).collect();
    assert_eq!(
        st,
        vec![
            Some(Status::Confirmed),
            Some(Status::Corrected),
            Some(Status::Corrected),
            Some(Status::Flagged)
        ]
    );
    let r = &ds.records;
    assert_eq!(r[0].reviewed_speaker, "=Lena Ortiz");
    assert_eq!(r[1].reviewed_speaker, "=Lena Ortiz");
    assert_eq!(r[2].reviewed_speaker, "Someone, \"X\"");
    assert_eq!(r[3].note, "ask the desk");
    for x in r {
        assert_eq!(x.annotator, "ana");
        chrono::DateTime::parse_from_rfc3339(&x.reviewed_at).unwrap();
    }
    // The whole file, byte for byte: only the review cells differ from the original.
    let ts: Vec<&str> = r.iter().map(|x| x.reviewed_at.as_str()).collect();
    let want = original
        .replace(
            "'=HYPERLINK(\"http://x\"),,,,,,1,",
            &format!(
                "'=HYPERLINK(\"http://x\"),confirmed,'=Lena Ortiz,ana,{},,1,",
                ts[0]
            ),
        )
        .replace(
            ",99,,,,,,,1,",
            &format!(",99,,corrected,'=Lena Ortiz,ana,{},,1,", ts[1]),
        )
        .replace(
            ",,'+1,,,,,,1,",
            &format!(",,'+1,corrected,\"Someone, \"\"X\"\"\",ana,{},,1,", ts[2]),
        )
        .replace(
            "\"\",,,,,,,,1,\n",
            &format!("\"\",,,flagged,,ana,{},ask the desk,1,\n", ts[3]),
        );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), want);
    // A clean quit leaves neither journal nor lock behind.
    assert_eq!(
        common::listing(t.dir.path()),
        vec!["odd.csv", "s.status", "tmux.conf"]
    );
}

fn lock_pid(file: &Path) -> i32 {
    let mut lock = file.as_os_str().to_os_string();
    lock.push(".lock");
    let text = std::fs::read_to_string(PathBuf::from(lock)).unwrap();
    let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    v["pid"].as_i64().unwrap() as i32
}

#[test]
fn sigkill_mid_session_loses_no_acknowledged_decision() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "odd.csv");
    let original = std::fs::read(&file).unwrap();
    t.open("a", &file, &[], 4);
    t.press("a", "a", &reviewed(1, 4));
    t.press("a", "x", &reviewed(2, 4));
    t.keys("a", &["f"]);
    // Shown means acknowledged: the journal holds it.
    t.wait_text("a", &reviewed(3, 4));
    let pid = lock_pid(&file);
    // SAFETY: sending a signal to the process the test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    t.wait_exit("a");
    // Nothing was saved to the CSV itself; the journal has everything.
    assert_eq!(std::fs::read(&file).unwrap(), original);

    // Reopen: the stale lock is taken over and the journal replayed; the cursor is on the
    // first pending row.
    t.start("b", &file, &[]);
    let s = t.wait_text("b", &reviewed(3, 4));
    assert!(s.contains("4/4"), "resumes at the pending row:\n{s}");
    assert!(
        s.contains("took over the lock of a session that ended without closing: ana"),
        "{s}"
    );
    assert!(s.contains("recovered 3 decisions"), "{s}");
    assert_eq!(
        statuses(&file),
        vec![
            Some(Status::Confirmed),
            Some(Status::Rejected),
            Some(Status::Flagged),
            None
        ],
        "replayed decisions are written to the file on opening"
    );
    t.quit("b");
    assert_eq!(statuses(&file)[..3].len(), 3);
    assert_eq!(statuses(&file)[1], Some(Status::Rejected));
}

#[test]
fn sigterm_saves_and_a_second_session_is_refused() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "odd.csv");
    t.open("a", &file, &[], 4);
    t.press("a", "x", &reviewed(1, 4));

    let s = t.refused("b", &file);
    assert!(s.contains("is being reviewed by ana"), "{s}");

    let pid = lock_pid(&file);
    // SAFETY: sending a signal to the process the test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    assert_eq!(t.wait_exit("a"), 0);
    let s = t.screen("a");
    assert!(s.contains("stopped by a signal; saved"), "{s}");
    assert_eq!(statuses(&file)[0], Some(Status::Rejected));
}

#[test]
fn escape_sequences_in_articles_are_shown_neutralised() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "escapes.csv");
    let s = t.open("s", &file, &[], 1);
    assert!(s.contains("␛[2J"), "{s}");
    assert!(s.contains("␛]0;owned␇"), "{s}");
    // The title-setting sequence did not reach the terminal.
    let title = t.run(&["display-message", "-p", "-t", "s", "#{pane_title}"]);
    assert!(!title.contains("owned"), "{title}");
    t.quit("s");
}

#[test]
fn blind_sample_session() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "odd.csv");
    let s = t.open("s", &file, &["--blind", "--sample", "2", "--seed", "1"], 2);
    assert!(s.contains("hidden (blind review)"), "{s}");
    t.press("s", "a", "blind review: the prediction is hidden");
    t.quit("s");
}

fn wait_gone(pid: i32) {
    let start = Instant::now();
    // SAFETY: signal 0 only checks that the process exists.
    while unsafe { libc::kill(pid, 0) } == 0 {
        assert!(
            start.elapsed() < WAIT,
            "process {pid} still running after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_closed_terminal_saves_and_exits() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "odd.csv");
    t.open("s", &file, &[], 4);
    t.press("s", "x", &reviewed(1, 4));
    let pid = lock_pid(&file);
    // Killing the tmux server closes the terminal under the running review.
    t.run(&["kill-server"]);
    wait_gone(pid);
    assert_eq!(statuses(&file)[0], Some(Status::Rejected));
    let mut journal = file.as_os_str().to_os_string();
    journal.push(".journal");
    assert!(
        !PathBuf::from(journal).exists(),
        "saved cleanly, journal removed"
    );
}

#[test]
fn a_panic_restores_the_terminal_and_saves() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "odd.csv");
    t.start_env("s", &file, &[], &["QUOTECHECK_TEST_PANIC_KEY=!"]);
    t.wait_text("s", &reviewed(0, 4));
    t.press("s", "f", &reviewed(1, 4));
    t.keys("s", &["!"]);
    assert_eq!(t.wait_exit("s"), 2);
    let s = t.screen("s");
    assert!(s.contains("test panic requested"), "{s}");
    assert!(s.contains("every decision was saved"), "{s}");
    // Back on the normal screen: the review screen's frame is gone.
    assert!(!s.contains("Alternatives (1-9)"), "{s}");
    assert_eq!(statuses(&file)[0], Some(Status::Flagged));
}

#[test]
fn more_context_from_the_articles_shows_their_paragraphs() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let arts = t.dir.path().join("articles");
    std::fs::create_dir(&arts).unwrap();
    std::fs::write(
        arts.join("bridge.txt"),
        "The council met on Monday to hear residents.\n\n\
         “We will reopen the bridge by spring,” said Mayor Lena Ortiz.\n\n\
         Shop owners along the river complained about the long detour.\n",
    )
    .unwrap();
    let file = t.dir.path().join("quotes.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quotecheck"))
        .args(["extract", "--kinds", "direct", "-o"])
        .arg(&file)
        .arg(&arts)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let s = t.open("s", &file, &["--articles", arts.to_str().unwrap()], 1);
    assert!(!s.contains("long detour"), "{s}");
    let s = t.press("s", "c", "Context +1");
    assert!(!s.contains("long detour"), "{s}");
    let s = t.press("s", "c", "long detour");
    assert!(s.contains("council met on Monday"), "{s}");
    t.quit("s");
}

#[test]
fn typeahead_longer_than_one_read_is_not_held_back() {
    // A paste (or keys typed while the screen is busy) can put more than the terminal
    // library reads at once into the terminal's input. All of it must be handled without
    // waiting for another key.
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "odd.csv");
    t.open("p", &file, &[], 4);
    t.press("p", "n", "Note:");
    let note = format!("{}the very end", "pasted words ".repeat(300));
    t.type_text("p", &note);
    t.wait_text("p", "the very end▏");
    t.press("p", "Enter", &reviewed(0, 4));
    t.quit("p");
    assert_eq!(read(&file).records[0].note, note);
}

#[test]
fn a_file_reached_through_a_symbolic_link_is_reviewed_where_it_lives() {
    // Saving used to rename the new file over the link: the link became a copy, and the file
    // it pointed at never got the decisions. A session through the link and one on the file
    // itself must also see each other's lock.
    let Some(t) = Tmux::available() else {
        return;
    };
    let real_dir = t.dir.path().join("shared");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("odd.csv");
    std::fs::copy(fixture("review/odd.csv"), &real).unwrap();
    let link = t.dir.path().join("mine.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    t.open("a", &link, &[], 4);
    t.press("a", "x", &reviewed(1, 4));

    let s = t.refused("b", &real);
    assert!(s.contains("is being reviewed by ana"), "{s}");

    t.quit("a");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(statuses(&real)[0], Some(Status::Rejected));
    let leftovers: Vec<_> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".lock") || n.contains(".journal"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A window made small mid-session keeps the row's decision on the screen, however long the
/// quote; one under the minimum says it is too small; keys still work in both, and the
/// decisions reach the file.
#[test]
fn a_small_window_keeps_the_decision_in_sight() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "long_quote.csv");
    t.open("s", &file, &[], 2);
    t.run(&["resize-window", "-t", "s", "-x", "24", "-y", "7"]);
    let s = t.wait_text("s", "speaker: Lena Ortiz");
    assert!(s.contains("pending"), "{s}");
    assert!(s.contains("q quit"), "{s}");
    t.keys("s", &["x", "k"]);
    let s = t.wait_text("s", "rejected");
    assert!(s.contains("speaker: Lena Ortiz"), "{s}");
    t.keys("s", &["e"]);
    t.type_text("s", "Zed");
    t.wait_text("s", "Speaker: Zed▏");
    t.keys("s", &["Enter", "k"]);
    t.wait_text("s", "corrected → Zed");
    t.run(&["resize-window", "-t", "s", "-x", "15", "-y", "4"]);
    t.wait_text("s", "too small");
    t.run(&["resize-window", "-t", "s", "-x", "100", "-y", "30"]);
    t.wait_text("s", "Decision   corrected → Zed");
    t.quit("s");
    assert_eq!(
        statuses(&file),
        vec![Some(Status::Corrected), None],
        "{}",
        std::fs::read_to_string(&file).unwrap()
    );
}

/// Text pasted into a note (or a speaker, or a search) is typed into it whole: a line break in
/// it used to end the note and the rest of the text was taken as keys, so pasting
/// "looks fine⏎x" rejected the row. Pasted outside a prompt, it does nothing.
#[test]
fn pasted_text_is_typed_into_the_prompt_not_taken_as_keys() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "long_quote.csv");
    t.open("s", &file, &[], 2);
    let paste = |text: &str| {
        t.run(&["set-buffer", "-b", "p", text]);
        t.run(&["paste-buffer", "-p", "-b", "p", "-t", "s"]);
    };
    t.keys("s", &["n"]);
    t.wait_text("s", "Note: ");
    paste("looks fine\nxa2\tf");
    t.wait_text("s", "Note: looks fine xa2 f▏");
    t.keys("s", &["Enter"]);
    t.wait_text("s", "Note       looks fine xa2 f");
    paste("xx\nfa");
    t.wait_text("s", "paste");
    t.quit("s");
    let rows = read(&file).records;
    assert_eq!(rows[0].note, "looks fine xa2 f");
    assert_eq!(statuses(&file), vec![None, None]);
}

/// Reopening a file under another name than the one its decisions carry (a forgotten
/// `--annotator`, which falls back to $USER) is said on opening, before any decision is
/// recorded under the new name: diff would otherwise find two people in one copy.
#[test]
fn opening_a_file_decided_by_someone_else_says_so() {
    let Some(t) = Tmux::available() else {
        return;
    };
    let file = fixture_copy(&t, "decided_by_ben.csv");
    t.start("s", &file, &[]);
    let s = t.wait_text("s", "1/2 reviewed");
    assert!(
        s.contains("decisions in this file are by ben") && s.contains("recorded as ana"),
        "{s}"
    );
    t.quit("s");
    // A file of one's own decisions opens without it.
    let mine = fixture_copy(&t, "odd.csv");
    let s = t.open("m", &mine, &[], read(&mine).records.len());
    assert!(!s.contains("decisions in this file are by"), "{s}");
    t.quit("m");
}
