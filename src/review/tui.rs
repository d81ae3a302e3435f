//! The terminal side of a review session: raw mode and the alternate screen, the event loop,
//! periodic saves, and leaving cleanly on `q`, Ctrl-C, SIGTERM, SIGHUP (a closed terminal) or a
//! panic — always restoring the terminal and writing the file.
//!
//! A closed terminal needs care: the terminal library's input loop can spin forever on a hung-up
//! terminal instead of returning. So a watchdog thread watches for signals and for the hang-up
//! itself; if the event loop does not end by itself soon after, the watchdog saves the session
//! (which the event loop only holds while handling a key or drawing) and exits.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{cursor, event, execute, terminal};

use super::Opened;
use super::action::map_key;
use super::model::Effect;
use super::ui::{self, Chrome};
use crate::error::{Error, Result};

/// The CSV is rewritten at least this often while there are decisions it does not hold yet.
const SAVE_EVERY: Duration = Duration::from_secs(30);
/// How often the loop wakes without input, to notice signals and to save.
const TICK: Duration = Duration::from_millis(200);
/// How long the watchdog lets the event loop end by itself after a signal or hang-up.
const GRACE: Duration = Duration::from_millis(1500);

/// Why the event loop ended.
#[derive(Debug)]
enum End {
    Quit,
    Signal,
}

type Shared = Arc<Mutex<Option<Opened>>>;

fn now_rfc3339() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

/// Writes to stderr, ignoring failure: the terminal may be gone.
fn say(msg: &str) {
    let _ = writeln!(io::stderr(), "{msg}");
}

/// Whether the terminal on standard input has hung up (closed window, killed tmux server).
fn terminal_hung_up() -> bool {
    let mut fds = libc::pollfd {
        fd: 0,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout.
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    n > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

fn lock(shared: &Shared) -> MutexGuard<'_, Option<Opened>> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// Saves and reports; the exit code.
fn finish(o: Opened, ended: std::result::Result<End, String>) -> i32 {
    let summary = o.summary();
    let journal = o.journal.path().to_path_buf();
    let saved = o.close();
    match (&ended, &saved) {
        (_, Err(e)) => say(&format!(
            "quotecheck: {e}\nquotecheck: every decision is kept in {} and is applied when the file is opened again",
            journal.display()
        )),
        (Ok(End::Signal), Ok(())) => say(&format!(
            "quotecheck: stopped by a signal; saved. {summary}"
        )),
        (Ok(End::Quit), Ok(())) => say(&format!("{summary}; saved.")),
        (Err(why), Ok(())) => say(&format!(
            "quotecheck: {why}; every decision was saved. {summary}"
        )),
    }
    match (ended, saved) {
        (Ok(_), Ok(())) => 0,
        _ => crate::error::exit::USAGE,
    }
}

/// Runs the interactive session until the person quits (or a signal, a hang-up or a panic
/// ends it), then saves. Returns the exit code.
pub fn run(o: Opened, file_label: &str) -> Result<i32> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGQUIT,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .map_err(|e| Error::Other(format!("cannot install a signal handler: {e}")))?;
    }
    let prev_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        prev_hook(info);
    }));

    let tty_err = |e: io::Error| Error::Other(format!("terminal: {e}"));
    terminal::enable_raw_mode().map_err(tty_err)?;
    // Bracketed paste: pasted text arrives as one event, not as keys (see `Session::paste`).
    if let Err(e) = execute!(
        io::stdout(),
        terminal::EnterAlternateScreen,
        cursor::Hide,
        event::EnableBracketedPaste
    ) {
        restore_terminal();
        return Err(tty_err(e));
    }
    let shared: Shared = Arc::new(Mutex::new(Some(o)));
    let done = Arc::new(AtomicBool::new(false));
    {
        let (shared, stop, done) = (Arc::clone(&shared), Arc::clone(&stop), Arc::clone(&done));
        std::thread::spawn(move || watchdog(&shared, &stop, &done));
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        event_loop(&mut term, &shared, &stop, file_label)
    }));
    restore_terminal();
    let ended = match result {
        Ok(Ok(end)) => Ok(end),
        Ok(Err(e)) => Err(format!("terminal: {e}")),
        Err(_) => Err("internal error (see the message above)".to_string()),
    };
    let mut guard = lock(&shared);
    done.store(true, Ordering::SeqCst);
    let Some(o) = guard.take() else {
        // The watchdog has it and is saving; it exits the process when done.
        drop(guard);
        loop {
            std::thread::park();
        }
    };
    drop(guard);
    Ok(finish(o, ended))
}

/// Ends the session when the event loop cannot: after a signal or a hang-up, if the loop has
/// not finished within [`GRACE`], saves and exits.
fn watchdog(shared: &Shared, stop: &AtomicBool, done: &AtomicBool) {
    let mut since: Option<Instant> = None;
    loop {
        if done.load(Ordering::SeqCst) {
            return;
        }
        if since.is_none() && (stop.load(Ordering::SeqCst) || terminal_hung_up()) {
            stop.store(true, Ordering::SeqCst);
            since = Some(Instant::now());
        }
        if since.is_some_and(|t| t.elapsed() >= GRACE) {
            let mut guard = lock(shared);
            if done.load(Ordering::SeqCst) {
                return;
            }
            if let Some(o) = guard.take() {
                restore_terminal();
                let code = finish(o, Ok(End::Signal));
                std::process::exit(code);
            }
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn event_loop(
    term: &mut Terminal<CrosstermBackend<Stdout>>,
    shared: &Shared,
    stop: &AtomicBool,
    file_label: &str,
) -> io::Result<End> {
    let mut chrome = Chrome {
        file: file_label.to_string(),
        saved: true,
        written_at: None,
    };
    {
        let mut g = lock(shared);
        let Some(o) = g.as_mut() else {
            return Ok(End::Signal);
        };
        let mut said: Vec<String> = Vec::new();
        if let Some(h) = &o.report.stale_lock {
            said.push(format!(
                "took over the lock of a session that ended without closing: {h}"
            ));
        }
        if o.report.replayed > 0 {
            said.push(format!(
                "recovered {} decisions from the journal of an interrupted session",
                o.report.replayed
            ));
        }
        if let Some((n, p)) = &o.report.orphans {
            said.push(format!(
                "{n} journal entries name quotes no longer in the file; set aside in {}",
                p.display()
            ));
        }
        if !o.report.other_annotators.is_empty() {
            let mut names = o.report.other_annotators.clone();
            names.truncate(3);
            said.push(format!(
                "decisions in this file are by {}; yours are recorded as {} (quit with q and reopen with --annotator NAME if that is not you)",
                names.join(", "),
                o.session.settings().annotator
            ));
        }
        if !said.is_empty() {
            let error = o.report.orphans.is_some() || !o.report.other_annotators.is_empty();
            o.session.notify(said.join(" · "), error);
        }
    }
    let mut dirty = false;
    let mut last_save = Instant::now();
    loop {
        {
            let g = lock(shared);
            let Some(o) = g.as_ref() else {
                return Ok(End::Signal);
            };
            term.draw(|f| ui::render(f, &o.session, &chrome))?;
        }
        // Wait for input, saving when idle and watching for signals.
        loop {
            if stop.load(Ordering::SeqCst) {
                return Ok(End::Signal);
            }
            if dirty && last_save.elapsed() >= SAVE_EVERY {
                last_save = Instant::now();
                let mut g = lock(shared);
                let Some(o) = g.as_mut() else {
                    return Ok(End::Signal);
                };
                match o.save() {
                    Ok(()) => {
                        dirty = false;
                        chrome.written_at =
                            Some(chrono::Local::now().format("%H:%M:%S").to_string());
                    }
                    Err(e) => o.session.notify(e.to_string(), true),
                }
                term.draw(|f| ui::render(f, &o.session, &chrome))?;
            }
            if event::poll(TICK)? {
                break;
            }
        }
        let ev = event::read()?;
        // Debug builds only: lets the end-to-end tests check that a panic saves and restores
        // the terminal.
        #[cfg(debug_assertions)]
        if let event::Event::Key(k) = &ev
            && let event::KeyCode::Char(c) = k.code
            && std::env::var("QUOTECHECK_TEST_PANIC_KEY").is_ok_and(|v| v == c.to_string())
        {
            panic!("test panic requested by QUOTECHECK_TEST_PANIC_KEY");
        }
        let mut g = lock(shared);
        let Some(o) = g.as_mut() else {
            return Ok(End::Signal);
        };
        match ev {
            event::Event::Key(k) => {
                let action = map_key(o.session.mode(), k);
                match o.session.handle(action, &now_rfc3339()) {
                    Effect::Persist(changes) => {
                        chrome.saved = o.persist(&changes).is_ok();
                        dirty |= chrome.saved;
                    }
                    Effect::Quit => return Ok(End::Quit),
                    Effect::None => {}
                }
            }
            event::Event::Paste(text) => o.session.paste(&text),
            event::Event::Resize(..) => {
                term.autoresize()?;
            }
            _ => {}
        }
    }
}
