//! Text utilities shared by every stage: code-point offsets and neutralising untrusted text
//! before it reaches a terminal.
//!
//! Offsets in the dataset are Unicode code points (as brat, Label Studio and Python count them),
//! while Rust strings are indexed by bytes; [`CharIndex`] converts between the two in O(log n).

/// Maps between byte offsets and code-point offsets of one document.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of every code point, plus the total length in bytes at the end.
    /// Empty when the text is pure ASCII (then both offsets are equal).
    starts: Vec<u32>,
    len_bytes: usize,
    len_chars: usize,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex {
                starts: Vec::new(),
                len_bytes: text.len(),
                len_chars: text.len(),
            };
        }
        let mut starts: Vec<u32> = text.char_indices().map(|(b, _)| b as u32).collect();
        let len_chars = starts.len();
        starts.push(text.len() as u32);
        CharIndex {
            starts,
            len_bytes: text.len(),
            len_chars,
        }
    }

    /// Number of code points in the text.
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    /// Code-point offset of a byte offset that lies on a character boundary.
    pub fn char_of_byte(&self, byte: usize) -> usize {
        if self.starts.is_empty() {
            return byte.min(self.len_bytes);
        }
        match self.starts.binary_search(&(byte as u32)) {
            Ok(i) => i,
            Err(i) => i, // inside a character: round up to the next boundary
        }
    }

    /// Byte offset of a code-point offset (clamped to the end of the text).
    pub fn byte_of_char(&self, ch: usize) -> usize {
        if self.starts.is_empty() {
            return ch.min(self.len_bytes);
        }
        self.starts[ch.min(self.len_chars)] as usize
    }
}

/// The substring between two code-point offsets (clamped to the text).
pub fn slice_chars(text: &str, start: usize, end: usize) -> &str {
    let idx = CharIndex::new(text);
    let (s, e) = (idx.byte_of_char(start), idx.byte_of_char(end.max(start)));
    &text[s..e]
}

/// Makes untrusted text safe to print on a terminal.
///
/// Article text is scraped from the web: an escape sequence in it could recolour the screen,
/// move the cursor, set the window title or worse. Every control character (C0, DEL, C1) except
/// newline and tab is replaced by a visible stand-in: the Unicode "control picture" for C0
/// (`␛` for ESC) and `�` for C1 and DEL. Bidirectional overrides, which can make text display
/// in a different order than it is stored, are shown as `�` too.
pub fn sanitize_for_terminal(s: &str) -> String {
    if !s.chars().any(needs_neutralising) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if needs_neutralising(c) {
                stand_in(c)
            } else {
                c
            }
        })
        .collect()
}

/// Like [`sanitize_for_terminal`] but keeps carriage returns, for data (CRLF-terminated CSV)
/// shown on a terminal as it is written.
pub fn sanitize_keeping_line_ends(s: &str) -> String {
    if !s.chars().any(|c| c != '\r' && needs_neutralising(c)) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c != '\r' && needs_neutralising(c) {
                stand_in(c)
            } else {
                c
            }
        })
        .collect()
}

/// Carriage returns as line ends, for text laid out on a screen by its newlines: a carriage
/// return alone (old Mac line ends) becomes a newline, and one before a newline (Windows line
/// ends) a space, which ends the line unseen. Keeps every character's position, so that
/// code-point offsets into the text still hold. [`sanitize_for_terminal`] would show both as
/// `␍`.
pub fn carriage_returns_as_line_ends(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\r' if chars.peek() == Some(&'\n') => ' ',
            '\r' => '\n',
            c => c,
        });
    }
    out
}

/// Like [`sanitize_for_terminal`] but for one-line displays (a name, a note, an id, a
/// message): a line end of any kind (LF, CRLF, or a CR alone, which
/// [`carriage_returns_as_line_ends`] takes as a line end too) and a tab are shown as one
/// space, the way text laid out by lines shows them; every other control character keeps its
/// visible stand-in.
pub fn sanitize_one_line(s: &str) -> String {
    if !s.contains(['\r', '\n', '\t']) {
        return sanitize_for_terminal(s);
    }
    let mut flat = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' | '\t' => flat.push(' '),
            c => flat.push(c),
        }
    }
    sanitize_for_terminal(&flat)
}

/// What stands for an invisible formatting character (zero-width space, joiners, word joiner,
/// byte order mark, soft hyphen…) on a screen.
pub const INVISIBLE_STAND_IN: char = '⍽';

/// How sanitised characters are drawn on a cell grid: the same length as `chars`, `None` where a
/// character is left out.
///
/// A terminal and the layout code must agree on how many cells every character takes, or the
/// text after it (and a box's right border) moves out of line. Invisible formatting characters
/// (general category Cf) take no cell, yet can change the text's meaning: a zero-width space
/// inside a name makes a different name that looks the same. They are shown as
/// [`INVISIBLE_STAND_IN`]. Characters whose only effect is to change the width of the one
/// before them, which terminals disagree about, are left out: the emoji and text presentation
/// selectors (U+FE0F, U+FE0E), skin-tone modifiers after another character, and the joiner
/// between two pictographs (a family emoji shows as its members side by side). Of a run of
/// combining marks only the first [`MAX_STACKED_MARKS`] are kept, then one stand-in. What is left
/// measures the same code point by code point as grapheme by grapheme; the halfwidth sound
/// marks (`ﾞ`, `ﾟ`), measured one way by the layout and another by terminals, are shown as
/// their spacing forms (`゛`, `゜`). Where a cluster still does not measure alike, the
/// characters after its first are shown as [`INVISIBLE_STAND_IN`] each.
pub fn screen_chars(chars: &[char]) -> Vec<Option<char>> {
    let mut out = screen_chars_per_char(chars);
    limit_stacked_marks(&mut out);
    // (a stand-in can join a new cluster only in contrived text; each round replaces at least
    // one more character, so this ends)
    while agree_by_cluster(&mut out) {}
    out
}

/// Each character on its own: stand-ins for invisible ones, width changers left out.
fn screen_chars_per_char(chars: &[char]) -> Vec<Option<char>> {
    use finl_unicode::categories::CharacterCategories;
    let pictograph = |c: char| c.is_symbol_other() || c.is_symbol_modifier();
    let presentation = |c: char| matches!(c, '\u{FE0E}' | '\u{FE0F}');
    let modifier = |c: char| ('\u{1F3FB}'..='\u{1F3FF}').contains(&c);
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if presentation(c) {
                return None;
            }
            if modifier(c) {
                return match i.checked_sub(1).map(|j| chars[j]) {
                    None | Some('\n') | Some('\t') => Some(c),
                    Some(_) => None,
                };
            }
            if c == '\u{200D}' {
                let before = chars[..i]
                    .iter()
                    .rev()
                    .find(|&&b| !presentation(b) && !modifier(b));
                let after = chars.get(i + 1);
                if before.is_some_and(|&b| pictograph(b)) && after.is_some_and(|&a| pictograph(a)) {
                    return None;
                }
            }
            if c.is_format() {
                return Some(INVISIBLE_STAND_IN);
            }
            // the halfwidth sound marks extend a cluster yet take a cell of their own, and
            // the layout and terminals measure them differently: their spacing forms do not
            match c {
                '\u{FF9E}' => return Some('\u{309B}'),
                '\u{FF9F}' => return Some('\u{309C}'),
                _ => {}
            }
            Some(c)
        })
        .collect()
}

/// The most combining marks that reach the screen in a row: a terminal draws them stacked on
/// one character, and a flood of them (Zalgo text) is drawn over the lines above and below,
/// box borders included. Writing systems stack a few at most.
pub const MAX_STACKED_MARKS: usize = 4;

/// Keeps the first [`MAX_STACKED_MARKS`] of a run of nonspacing or enclosing marks; the
/// first of the rest becomes [`INVISIBLE_STAND_IN`], and the others are left out.
fn limit_stacked_marks(out: &mut [Option<char>]) {
    use finl_unicode::categories::CharacterCategories;
    let mut run = 0;
    for c in out.iter_mut() {
        let Some(ch) = *c else { continue };
        if !(ch.is_mark_nonspacing() || ch.is_mark_enclosing()) {
            run = 0;
            continue;
        }
        run += 1;
        if run > MAX_STACKED_MARKS {
            *c = (run == MAX_STACKED_MARKS + 1).then_some(INVISIBLE_STAND_IN);
        }
    }
}

/// Breaks up every grapheme cluster of the kept characters whose width as a cluster differs
/// from the sum of its characters' widths (a one-character cluster becomes the stand-in);
/// whether it changed any.
fn agree_by_cluster(out: &mut [Option<char>]) -> bool {
    // (the cluster measured as the screen layout measures it)
    use ratatui::buffer::CellWidth;
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthChar;
    let (kept, at): (String, Vec<usize>) = out
        .iter()
        .enumerate()
        // (line breaks and tabs reach the screen as spaces, which a mark can extend)
        .filter_map(|(i, c)| c.map(|c| (if c.is_whitespace() { ' ' } else { c }, i)))
        .unzip();
    let mut k = 0;
    let mut changed = false;
    for g in kept.graphemes(true) {
        let n = g.chars().count();
        if g.cell_width() as usize != g.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>() {
            // (a lone mark is measured wider than it is drawn, too)
            for &i in &at[k + usize::from(n > 1)..k + n] {
                changed |= out[i] != Some(INVISIBLE_STAND_IN);
                out[i] = Some(INVISIBLE_STAND_IN);
            }
        }
        k += n;
    }
    changed
}

/// [`sanitize_for_terminal`] and then [`screen_chars`]: text ready for a cell grid whose layout
/// is computed from it.
pub fn sanitize_for_screen(s: &str) -> String {
    let chars: Vec<char> = sanitize_for_terminal(s).chars().collect();
    screen_chars(&chars).into_iter().flatten().collect()
}

/// [`sanitize_one_line`] and then [`screen_chars`].
pub fn sanitize_one_line_for_screen(s: &str) -> String {
    let chars: Vec<char> = sanitize_one_line(s).chars().collect();
    screen_chars(&chars).into_iter().flatten().collect()
}

fn needs_neutralising(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn stand_in(c: char) -> char {
    let u = c as u32;
    if u < 0x20 {
        char::from_u32(0x2400 + u).unwrap_or('\u{FFFD}')
    } else if u == 0x7f {
        '␡'
    } else {
        '\u{FFFD}'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_round_trips_on_multibyte_text() {
        let t = "“Hé,” said Zoë 👋.";
        let idx = CharIndex::new(t);
        for (ci, (bi, _)) in t.char_indices().enumerate() {
            assert_eq!(idx.char_of_byte(bi), ci);
            assert_eq!(idx.byte_of_char(ci), bi);
        }
        assert_eq!(idx.len_chars(), t.chars().count());
        assert_eq!(idx.byte_of_char(idx.len_chars()), t.len());
    }

    #[test]
    fn ascii_fast_path() {
        let idx = CharIndex::new("abc");
        assert_eq!(idx.char_of_byte(2), 2);
        assert_eq!(idx.byte_of_char(5), 3);
    }

    #[test]
    fn escape_sequences_are_neutralised() {
        let s = sanitize_for_terminal("a\x1b[31mred\x07\u{9b}2J\u{202e}x\nok\t!");
        assert!(!s.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        assert!(s.contains("␛[31mred␇"));
        assert!(s.contains("\nok\t!"));
    }

    #[test]
    fn carriage_returns_end_lines_in_place() {
        assert_eq!(
            carriage_returns_as_line_ends("a\r\nb\rc\r\r\nd\n"),
            "a \nb\nc\n \nd\n"
        );
    }

    #[test]
    fn one_line_text_shows_every_line_end_and_tab_as_one_space() {
        assert_eq!(
            sanitize_one_line("a\r\nb\rc\nd\te\r\r\nf\x1b[1m\x07"),
            "a b c d e  f␛[1m␇"
        );
        assert_eq!(sanitize_one_line_for_screen("Lena\rOrtiz"), "Lena Ortiz");
    }

    #[test]
    fn delete_gets_its_own_visible_stand_in() {
        assert_eq!(sanitize_for_terminal("a\u{7f}b\u{9b}c"), "a␡b\u{FFFD}c");
    }

    #[test]
    fn invisible_characters_show_and_width_changers_go() {
        assert_eq!(
            sanitize_one_line_for_screen("Lena\u{200B}Ortiz a\u{200C}b\u{2060}c\u{FEFF}d\u{AD}e"),
            "Lena⍽Ortiz a⍽b⍽c⍽d⍽e"
        );
        // A joiner next to a stand-in or a letter is shown; between pictographs it goes.
        assert_eq!(sanitize_for_screen("x\u{200D}\x1b[1m"), "x⍽␛[1m");
        assert_eq!(
            sanitize_for_screen("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"),
            "\u{1F468}\u{1F469}\u{1F467}"
        );
        assert_eq!(
            sanitize_for_screen("\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}"),
            "\u{1F3F3}\u{1F308}"
        );
        assert_eq!(
            sanitize_for_screen("\u{1F3FD}\u{1F3D7}\u{FE0F} \u{1F44D}\u{1F3FD}"),
            "\u{1F3FD}\u{1F3D7} \u{1F44D}"
        );
        // The halfwidth sound marks (`ｶﾞ`) show as their spacing forms, which every measure
        // takes as wide as a terminal draws them, alone or after any character.
        assert_eq!(sanitize_for_screen("\u{ff76}\u{ff9e}"), "\u{ff76}\u{309b}");
        assert_eq!(
            sanitize_for_screen("\u{201c}\u{ff9f}x"),
            "\u{201c}\u{309c}x"
        );
        assert_eq!(sanitize_for_screen("a\n\u{ff9f}"), "a\n\u{309c}");
        // Escape sequences are still neutralised.
        assert!(
            !sanitize_for_screen("\u{1b}[2J\u{9b}")
                .chars()
                .any(char::is_control)
        );
    }

    proptest::proptest! {
        /// What is left for the screen measures the same code point by code point (as a
        /// terminal advances) as grapheme by grapheme (as the layout measures).
        #[test]
        fn screen_text_measures_alike(s in "(\\PC|[\u{200B}-\u{200D}\u{2060}\u{FEFF}\u{FE0F}\u{FE0E}\u{FF9E}\u{FF9F}\u{1F3FB}-\u{1F3FF}\u{1F468}\u{1F469}\u{1F3D7}\u{2764}a ]){0,20}") {
            use ratatui::buffer::CellWidth;
            use unicode_segmentation::UnicodeSegmentation;
            use unicode_width::UnicodeWidthChar;
            let t = sanitize_one_line_for_screen(&s);
            let per_char: usize = t.chars().map(|c| c.width().unwrap_or(0)).sum();
            let per_grapheme: usize = t.graphemes(true).map(|g| g.cell_width() as usize).sum();
            proptest::prop_assert_eq!(per_char, per_grapheme, "{:?} -> {:?}", s, t);
            proptest::prop_assert!(!t.chars().any(|c| c.is_control()));
        }
    }

    #[test]
    fn slice_chars_uses_code_points() {
        assert_eq!(slice_chars("“ab” c", 1, 3), "ab");
    }
}
