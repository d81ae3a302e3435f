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

/// Like [`sanitize_for_terminal`] but also flattens newlines and tabs to spaces, for one-line
/// displays.
pub fn sanitize_one_line(s: &str) -> String {
    sanitize_for_terminal(s)
        .chars()
        .map(|c| {
            if c == '\n' || c == '\t' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect()
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
    fn delete_gets_its_own_visible_stand_in() {
        assert_eq!(sanitize_for_terminal("a\u{7f}b\u{9b}c"), "a␡b\u{FFFD}c");
    }

    #[test]
    fn slice_chars_uses_code_points() {
        assert_eq!(slice_chars("“ab” c", 1, 3), "ab");
    }
}
