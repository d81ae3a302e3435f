//! Key presses → actions. The mapping depends only on the mode the session is in, so it is
//! a pure function, tested without a terminal; the help overlay is generated from [`KEYS`] so
//! that it cannot drift from the mapping.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::model::Mode;

/// Everything a person can ask the review session to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Confirm the predicted speaker.
    Confirm,
    /// Choose alternative speaker `n` (1-based).
    Choose(u8),
    /// Accept the speaker a merged file suggests for a pending row (the annotators' majority).
    AcceptSuggestion,
    /// Type the speaker.
    StartEdit,
    Reject,
    Flag,
    StartNote,
    /// Move on without deciding.
    Skip,
    Undo,
    Redo,
    Prev,
    Next,
    First,
    Last,
    NextPending,
    StartSearch,
    MoreContext,
    LessContext,
    ToggleHelp,
    /// Save and quit.
    Quit,
    // In a text prompt:
    Insert(char),
    DeleteBack,
    ClearInput,
    Complete,
    Submit,
    Cancel,
    /// A key that means nothing here.
    Nothing,
}

/// The keys of normal mode, as the help overlay lists them.
pub const KEYS: &[(&str, &str)] = &[
    ("a, Enter", "confirm the predicted speaker"),
    ("1-9", "choose that alternative speaker"),
    (
        "s",
        "accept the suggested (majority) speaker of a merged file",
    ),
    (
        "e",
        "type the speaker (Tab completes, Enter saves, Esc cancels)",
    ),
    ("x", "reject: not a quotation, or not attributable"),
    ("f", "flag for discussion"),
    ("n", "write a note (Enter saves, Esc cancels)"),
    ("Space", "skip without deciding"),
    ("u, Backspace", "undo the last decision (repeatable)"),
    ("Ctrl-r", "redo"),
    ("k, Up, Left", "previous row"),
    ("j, Down, Right", "next row"),
    ("Home, End", "first, last row"),
    ("g", "next pending row"),
    (
        "/",
        "search quote, speaker or document (Enter on empty repeats)",
    ),
    ("c, C", "more, less context"),
    ("?, F1", "this help (any key closes it)"),
    ("q, Ctrl-c", "save and quit"),
];

/// Maps a key event to an action in the given mode.
pub fn map_key(mode: Mode, key: KeyEvent) -> Action {
    if key.kind == KeyEventKind::Release {
        return Action::Nothing;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return Action::Quit;
    }
    match mode {
        Mode::Help => Action::ToggleHelp,
        Mode::Edit | Mode::Note | Mode::Search => match key.code {
            KeyCode::Enter => Action::Submit,
            KeyCode::Esc => Action::Cancel,
            KeyCode::Backspace => Action::DeleteBack,
            KeyCode::Tab if mode == Mode::Edit => Action::Complete,
            KeyCode::Char('u') if ctrl => Action::ClearInput,
            KeyCode::Char(_) if ctrl => Action::Nothing,
            KeyCode::Char(c) => Action::Insert(c),
            _ => Action::Nothing,
        },
        Mode::Normal => match key.code {
            KeyCode::Char('r') | KeyCode::Char('R') if ctrl => Action::Redo,
            _ if ctrl => Action::Nothing,
            KeyCode::Char('a') | KeyCode::Enter => Action::Confirm,
            KeyCode::Char(c @ '1'..='9') => Action::Choose(c as u8 - b'0'),
            KeyCode::Char('e') => Action::StartEdit,
            KeyCode::Char('s') => Action::AcceptSuggestion,
            KeyCode::Char('x') => Action::Reject,
            KeyCode::Char('f') => Action::Flag,
            KeyCode::Char('n') => Action::StartNote,
            KeyCode::Char(' ') => Action::Skip,
            KeyCode::Char('u') | KeyCode::Backspace => Action::Undo,
            KeyCode::Char('k') | KeyCode::Up | KeyCode::Left => Action::Prev,
            KeyCode::Char('j') | KeyCode::Down | KeyCode::Right => Action::Next,
            KeyCode::Home => Action::First,
            KeyCode::End => Action::Last,
            KeyCode::Char('g') => Action::NextPending,
            KeyCode::Char('/') => Action::StartSearch,
            KeyCode::Char('c') => Action::MoreContext,
            KeyCode::Char('C') => Action::LessContext,
            KeyCode::Char('?') | KeyCode::F(1) => Action::ToggleHelp,
            KeyCode::Char('q') => Action::Quit,
            _ => Action::Nothing,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }
    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn normal_mode_keys() {
        use Action::*;
        let cases = [
            (k(KeyCode::Char('a')), Confirm),
            (k(KeyCode::Enter), Confirm),
            (k(KeyCode::Char('1')), Choose(1)),
            (k(KeyCode::Char('9')), Choose(9)),
            (k(KeyCode::Char('0')), Nothing),
            (k(KeyCode::Char('e')), StartEdit),
            (k(KeyCode::Char('s')), AcceptSuggestion),
            (k(KeyCode::Char('x')), Reject),
            (k(KeyCode::Char('f')), Flag),
            (k(KeyCode::Char('n')), StartNote),
            (k(KeyCode::Char(' ')), Skip),
            (k(KeyCode::Backspace), Undo),
            (k(KeyCode::Char('u')), Undo),
            (ctrl('r'), Redo),
            (k(KeyCode::Up), Prev),
            (k(KeyCode::Char('k')), Prev),
            (k(KeyCode::Down), Next),
            (k(KeyCode::Char('j')), Next),
            (k(KeyCode::Char('g')), NextPending),
            (k(KeyCode::Char('/')), StartSearch),
            (k(KeyCode::Char('q')), Quit),
            (ctrl('c'), Quit),
            (k(KeyCode::Char('?')), ToggleHelp),
        ];
        for (key, want) in cases {
            assert_eq!(map_key(Mode::Normal, key), want, "{key:?}");
        }
    }

    #[test]
    fn prompt_keys_type_text() {
        assert_eq!(
            map_key(Mode::Edit, k(KeyCode::Char('a'))),
            Action::Insert('a')
        );
        assert_eq!(
            map_key(Mode::Note, k(KeyCode::Char('q'))),
            Action::Insert('q')
        );
        assert_eq!(map_key(Mode::Edit, k(KeyCode::Tab)), Action::Complete);
        assert_eq!(map_key(Mode::Note, k(KeyCode::Tab)), Action::Nothing);
        assert_eq!(map_key(Mode::Search, k(KeyCode::Esc)), Action::Cancel);
        assert_eq!(map_key(Mode::Search, k(KeyCode::Enter)), Action::Submit);
        assert_eq!(map_key(Mode::Edit, ctrl('c')), Action::Quit);
        assert_eq!(
            map_key(Mode::Help, k(KeyCode::Char('a'))),
            Action::ToggleHelp
        );
    }

    #[test]
    fn releases_are_ignored() {
        let mut e = k(KeyCode::Char('a'));
        e.kind = KeyEventKind::Release;
        assert_eq!(map_key(Mode::Normal, e), Action::Nothing);
    }
}
