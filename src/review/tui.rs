//! The terminal side of a review session: raw mode and the alternate screen, the event loop,
//! periodic saves, and leaving cleanly on `q`, Ctrl-C, SIGTERM, SIGHUP (a closed terminal) or a
//! panic — always restoring the terminal and writing the file.

use std::io::{self, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// Why the event loop ended.
#[derive(Debug)]
enum End {
    Quit,
    Signal,
}

fn now_rfc3339() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
    let _ = out.flush();
}

/// Runs the interactive session until the person quits (or a signal or panic ends it), then
/// saves. Returns the exit code.
pub fn run(mut o: Opened, file_label: &str) -> Result<i32> {
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
    if let Err(e) = execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide) {
        restore_terminal();
        return Err(tty_err(e));
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        event_loop(&mut term, &mut o, &stop, file_label)
    }));
    restore_terminal();
    let _ = std::panic::take_hook();

    let ended = match result {
        Ok(Ok(end)) => Ok(end),
        Ok(Err(e)) => Err(format!("terminal: {e}")),
        Err(_) => Err("internal error (see the message above)".to_string()),
    };
    let summary = o.summary();
    let journal = o.journal.path().to_path_buf();
    let saved = o.close();
    match (&ended, &saved) {
        (_, Err(e)) => {
            eprintln!(
                "quotecheck: {e}\nquotecheck: every decision is kept in {} and is applied when the file is opened again",
                journal.display()
            );
        }
        (Ok(End::Signal), Ok(())) => eprintln!("quotecheck: stopped by a signal; saved. {summary}"),
        (Ok(End::Quit), Ok(())) => eprintln!("{summary}; saved."),
        (Err(why), Ok(())) => eprintln!("quotecheck: {why}; every decision was saved. {summary}"),
    }
    Ok(match (ended, saved) {
        (Ok(_), Ok(())) => 0,
        _ => crate::error::exit::USAGE,
    })
}

fn event_loop(
    term: &mut Terminal<CrosstermBackend<Stdout>>,
    o: &mut Opened,
    stop: &AtomicBool,
    file_label: &str,
) -> io::Result<End> {
    let mut chrome = Chrome {
        file: file_label.to_string(),
        saved: true,
        written_at: None,
    };
    if let Some(h) = &o.report.stale_lock {
        o.session.notify(
            format!("took over the lock of a session that ended without closing: {h}"),
            false,
        );
    }
    if o.report.replayed > 0 {
        o.session.notify(
            format!(
                "recovered {} decisions from the journal of an interrupted session",
                o.report.replayed
            ),
            false,
        );
    }
    if let Some((n, p)) = &o.report.orphans {
        o.session.notify(
            format!(
                "{n} journal entries name quotes no longer in the file; set aside in {}",
                p.display()
            ),
            true,
        );
    }
    let mut dirty = false;
    let mut last_save = Instant::now();
    loop {
        term.draw(|f| ui::render(f, &o.session, &chrome))?;
        // Wait for input, saving when idle and watching for signals.
        loop {
            if stop.load(Ordering::Relaxed) {
                return Ok(End::Signal);
            }
            if dirty && last_save.elapsed() >= SAVE_EVERY {
                last_save = Instant::now();
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
        match event::read()? {
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
            event::Event::Resize(..) => {
                term.autoresize()?;
            }
            _ => {}
        }
    }
}
