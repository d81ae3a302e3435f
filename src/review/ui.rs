//! Drawing the review screen from a [`Session`]. Pure: given a session and a frame it draws;
//! tested headless with ratatui's `TestBackend`.
//!
//! Every piece of text that comes from the file (article text, names, notes, ids, extra
//! columns) goes through [`crate::text::sanitize_for_terminal`] before it reaches a cell, so an
//! escape sequence in an article is shown as `␛[…` and never acts on the terminal; then through
//! [`crate::text::screen_chars`], so that invisible characters show and every cell is as wide
//! as the layout measured it (see `wrap`).

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::buffer::CellWidth;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

use super::action::KEYS;
use super::model::{Mode, Session, agreement};
use crate::schema::{QuoteRecord, Status, format_confidence};
use crate::text::{CharIndex, carriage_returns_as_line_ends, sanitize_for_terminal, screen_chars};

#[cfg(test)]
thread_local! {
    /// Characters made ready for the screen or laid out since the last [`take_laid_out`].
    static LAID_OUT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count_laid_out(_n: usize) {
    #[cfg(test)]
    LAID_OUT.with(|c| c.set(c.get() + _n));
}

#[cfg(test)]
fn take_laid_out() -> usize {
    LAID_OUT.with(|c| c.replace(0))
}

/// The most characters of one field shown on one line: more than any screen line holds. A
/// cell of a megabyte (a hostile file) would otherwise be made ready for the screen on every
/// key press.
const ONE_LINE_MAX: usize = 1000;

/// The smallest window the review screen can be used in: a line each for the position, the
/// quote, the speaker, the decision and the keys (or what is being typed). A smaller one says
/// that it is too small.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 5;
/// Under this size the boxes give way to a compact view of the row.
const BOXES_WIDTH: u16 = 30;
const BOXES_HEIGHT: u16 = 10;

/// Text from the file for one line of the screen ([`crate::text::sanitize_one_line_for_screen`]),
/// cut at [`ONE_LINE_MAX`] characters with `…`.
fn sanitize_one_line(s: &str) -> String {
    let (head, cut) = match s.char_indices().nth(ONE_LINE_MAX) {
        Some((b, _)) => (&s[..b], true),
        None => (s, false),
    };
    count_laid_out(head.len());
    let mut out = crate::text::sanitize_one_line_for_screen(head);
    if cut {
        out.push('…');
    }
    out
}

/// What the screen shows about the file beyond the session itself.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// The file's name as shown in the title.
    pub file: String,
    /// Whether every decision on screen is on disk (false after a failed journal write).
    pub saved: bool,
    /// When the CSV file itself was last rewritten (local time, `HH:MM:SS`).
    pub written_at: Option<String>,
}

const QUOTE: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Yellow)
    .add_modifier(Modifier::BOLD);
const MENTION: Style = Style::new()
    .fg(Color::Cyan)
    .add_modifier(Modifier::BOLD)
    .add_modifier(Modifier::UNDERLINED);
const DIM: Style = Style::new().fg(Color::DarkGray);
const LABEL: Style = Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD);
const KEY: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
const ERROR: Style = Style::new()
    .fg(Color::White)
    .bg(Color::Red)
    .add_modifier(Modifier::BOLD);

/// Lines drawn as they are, cut at the area's edges. Unlike ratatui's paragraph, which can
/// write a wide character past the right edge of a narrow area, drawing never leaves the area.
struct Lines(Vec<Line<'static>>);

impl Widget for Lines {
    fn render(self, area: Rect, buf: &mut Buffer) {
        for (i, line) in self.0.iter().take(area.height as usize).enumerate() {
            buf.set_line(area.x, area.y + i as u16, line, area.width);
        }
    }
}

/// Word-wraps lines to `width` columns, keeping their styles.
fn wrap_lines(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for line in lines {
        let chars: Vec<(char, Style)> = line
            .spans
            .iter()
            .flat_map(|sp| {
                let st = line.style.patch(sp.style);
                sp.content.chars().map(move |c| (c, st)).collect::<Vec<_>>()
            })
            .collect();
        out.extend(wrap(&chars, width as usize, 0).0);
    }
    out
}

/// A bordered box with a title holding lines, word-wrapped when `wrapped`.
fn boxed(f: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>, wrapped: bool) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title.to_string());
    let inner = block.inner(area);
    f.render_widget(block, area);
    let lines = if wrapped {
        wrap_lines(lines, inner.width)
    } else {
        lines
    };
    f.render_widget(Lines(lines), inner);
}

/// Draws the whole screen.
pub fn render(f: &mut Frame, s: &Session, chrome: &Chrome) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(f, area);
        return;
    }
    let plan = (area.width >= BOXES_WIDTH && area.height >= BOXES_HEIGHT)
        .then(|| plan_boxes(s, area))
        .flatten();
    let Some(plan) = plan else {
        render_tiny(f, s, area);
        return;
    };
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(plan.context),
        Constraint::Length(plan.attribution),
        Constraint::Length(plan.annotators),
        Constraint::Length(plan.alternatives),
        Constraint::Length(1),
        Constraint::Length(plan.footer),
    ])
    .split(area);
    render_title(f, s, chrome, rows[0]);
    match s.current() {
        Some(_) => {
            render_context(f, s, rows[1]);
            if plan.compact {
                f.render_widget(Lines(plan.attribution_lines), rows[2]);
                f.render_widget(Lines(plan.annotator_lines), rows[3]);
            } else {
                boxed(f, rows[2], " Attribution ", plan.attribution_lines, false);
                if plan.annotators > 0 {
                    boxed(f, rows[3], " Annotators ", plan.annotator_lines, false);
                }
            }
            if plan.alternatives > 0 {
                render_alternatives(f, s, rows[4], plan.compact);
            }
        }
        None => {
            boxed(
                f,
                rows[1],
                "",
                vec![Line::raw("No rows to review with these options.")],
                true,
            );
        }
    }
    render_status(f, s, chrome, rows[5]);
    f.render_widget(Lines(plan.footer_lines), rows[6]);
    if s.mode() == Mode::Help {
        render_help(f, s, area);
    }
}

/// How the rows of the boxed screen are shared out.
struct Plan {
    /// Short windows lose the boxes' borders, so that the context keeps some room.
    compact: bool,
    context: u16,
    attribution: u16,
    attribution_lines: Vec<Line<'static>>,
    annotators: u16,
    annotator_lines: Vec<Line<'static>>,
    alternatives: u16,
    footer: u16,
    footer_lines: Vec<Line<'static>>,
}

/// Shares the window's rows out so that the decision line always shows: the title, the
/// status line, one line of the footer, the attribution down to the decision and a context
/// box with one line of text come first; then the rest of the footer (a long message), the
/// annotators' answers, the alternatives and the note, as far as they fit; the context takes
/// what is left. `None` when even the first part does not fit: the compact view is used then.
fn plan_boxes(s: &Session, area: Rect) -> Option<Plan> {
    let compact = area.height < 20;
    let border: u16 = if compact { 0 } else { 2 };
    let mut attribution_lines = attribution_lines(s);
    // (the lines after the decision: the note)
    let core = attribution_lines
        .iter()
        .position(|l| {
            l.spans
                .first()
                .is_some_and(|sp| sp.content.starts_with("Decision"))
        })
        .map_or(attribution_lines.len(), |i| i + 1) as u16;
    let after = attribution_lines.len() as u16 - core;
    let mut footer_lines = footer_lines(s, area.width);
    let adjudicate = s.settings().adjudicate && !s.annotator_answers().is_empty();
    let annotator_lines = if adjudicate {
        annotator_lines(s)
    } else {
        Vec::new()
    };
    const CONTEXT_MIN: u16 = 3;
    let need = 1 + 1 + 1 + core.max(1) + border + CONTEXT_MIN;
    let mut left = area.height.checked_sub(need)?;
    let mut take = |want: u16, least: u16| -> u16 {
        if want < least || left < least {
            return 0;
        }
        let got = want.min(left);
        left -= got;
        got
    };
    let footer = 1 + take(footer_lines.len().saturating_sub(1) as u16, 1);
    footer_lines.truncate(footer as usize);
    let annotators = if annotator_lines.is_empty() {
        0
    } else {
        take(annotator_lines.len().min(7) as u16 + border, border + 1)
    };
    let alternatives = take(
        if compact {
            1
        } else {
            alternatives_height(s, area.width)
        },
        border + 1,
    );
    let note = take(after, 1);
    attribution_lines.truncate((core + note) as usize);
    Some(Plan {
        compact,
        context: CONTEXT_MIN + left,
        attribution: core + note + border,
        attribution_lines,
        annotators,
        annotator_lines,
        alternatives,
        footer,
        footer_lines,
    })
}

/// Text cut to `width` cells, with `…` where it is cut.
fn fit(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = g.cell_width() as usize;
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push_str(g);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Text cut in the middle to `width` cells, with `…` where it is cut: ids and file names
/// differ at their ends as often as at their starts.
fn fit_middle(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_string();
    }
    if width < 3 {
        return fit(text, width);
    }
    let g: Vec<&str> = text.graphemes(true).collect();
    let room = width - 1;
    let (mut head, mut tail) = (String::new(), Vec::new());
    let (mut hw, mut tw) = (0usize, 0usize);
    let (mut i, mut j) = (0usize, g.len());
    // Alternately from the start and the end, the start first.
    loop {
        let mut moved = false;
        if i < j {
            let w = g[i].cell_width() as usize;
            if hw + tw + w <= room && hw <= tw {
                head.push_str(g[i]);
                hw += w;
                i += 1;
                moved = true;
            }
        }
        if i < j {
            let w = g[j - 1].cell_width() as usize;
            if hw + tw + w <= room && tw < hw {
                tail.push(g[j - 1]);
                tw += w;
                j -= 1;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    head
}

/// Wrapped lines of one style, at most `max` of them, the last ending in `…` when cut.
fn clipped(text: &str, style: Style, width: u16, max: usize) -> Vec<Line<'static>> {
    let mut lines = wrap_lines(vec![Line::styled(text.to_string(), style)], width);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            let t: String = last.spans.iter().map(|sp| sp.content.as_ref()).collect();
            let w = (width as usize).saturating_sub(1);
            *last = Line::styled(format!("{}…", fit(&t, w).trim_end_matches('…')), style);
        }
    }
    lines
}

/// Under [`MIN_WIDTH`] × [`MIN_HEIGHT`]: no part of a row, which could be mistaken for all
/// of it, only what to do.
fn render_too_small(f: &mut Frame, area: Rect) {
    let first = if area.width >= 16 {
        "Window too small"
    } else {
        "too small"
    };
    let lines = vec![
        Line::styled(first, KEY),
        Line::raw(format!("needs {MIN_WIDTH}×{MIN_HEIGHT}")),
        Line::styled("q saves and quits", DIM),
    ];
    f.render_widget(Lines(wrap_lines(lines, area.width)), area);
}

/// The compact view of small windows: the position, the quote, the speaker, the decision
/// and the keys (or the prompt, or a message). The quote gives way to the rest, which always
/// shows.
fn render_tiny(f: &mut Frame, s: &Session, area: Rect) {
    let width = area.width as usize;
    let height = area.height as usize;
    let top = Line::from(vec![
        Span::styled(format!("{}/{}", s.pos() + 1, s.view_len()), LABEL),
        Span::raw(fit(
            &format!(" · {} reviewed", s.counts().reviewed()),
            width.saturating_sub(width_of(&format!("{}/{}", s.pos() + 1, s.view_len()))),
        )),
    ]);
    let footer = match s.mode() {
        // (with a message on a line of its own when the window has room for it)
        Mode::Edit | Mode::Note | Mode::Search => footer_lines(s, area.width)
            .into_iter()
            .take(if height >= 7 { 2 } else { 1 })
            .collect::<Vec<_>>(),
        Mode::Normal | Mode::Help => match s.message() {
            Some(m) => vec![Line::styled(
                fit(&sanitize_one_line(&m.text), width),
                if m.error { ERROR } else { KEY },
            )],
            None => vec![Line::styled(fit("? help · q quit", width), DIM)],
        },
    };
    let Some((r, rev)) = s.current() else {
        let mut lines = vec![top, Line::raw(fit("No rows to review.", width))];
        lines.extend(footer);
        f.render_widget(Lines(lines), area);
        return;
    };
    let speaker = (!s.settings().blind).then(|| {
        Line::from(fit(
            &format!("speaker: {}", sanitize_one_line(&r.speaker)),
            width,
        ))
    });
    // (the top line, the quote's first line, the speaker, the decision's first, the footer)
    let fixed = 1 + 1 + usize::from(speaker.is_some()) + 1 + 1;
    let decision_text = decision_text(rev, false);
    let decision = clipped(
        &decision_text,
        status_style(rev.status),
        area.width,
        if height > fixed { 2 } else { 1 },
    );
    // (what the quote can have)
    let mut room =
        height.saturating_sub(1 + usize::from(speaker.is_some()) + decision.len() + footer.len());
    // The annotators' answers when adjudicating, if the quote keeps two lines.
    let mut answers = Vec::new();
    if s.settings().adjudicate {
        for a in s.annotator_answers() {
            if room <= 2 {
                break;
            }
            let answer = match (a.status.is_empty(), a.speaker.is_empty()) {
                (true, true) => "(no answer)".to_string(),
                (false, true) => a.status.clone(),
                (true, false) => a.speaker.clone(),
                (false, false) => format!("{} → {}", a.status, a.speaker),
            };
            answers.push(Line::from(fit(
                &format!(
                    "{}: {}",
                    sanitize_one_line(&a.name),
                    sanitize_one_line(&answer)
                ),
                width,
            )));
            room -= 1;
        }
    }
    let quote = clipped(
        &format!("\u{201c}{}\u{201d}", sanitize_one_line(&r.quote)),
        QUOTE,
        area.width,
        room.max(1),
    );
    let mut lines = vec![top];
    lines.extend(quote);
    lines.extend(answers);
    lines.extend(speaker);
    lines.extend(decision);
    lines.extend(footer);
    f.render_widget(Lines(lines), area);
    if s.mode() == Mode::Help {
        render_help(f, s, area);
    }
}

fn render_title(f: &mut Frame, s: &Session, chrome: &Chrome, area: Rect) {
    let width = area.width as usize;
    // The mode always shows whole; the ids and the file name give way.
    let mut tags = String::new();
    if s.settings().blind {
        tags.push_str("  BLIND");
    }
    if s.settings().adjudicate {
        tags.push_str("  ADJUDICATION");
    }
    let file = sanitize_one_line(&chrome.file);
    let (doc, qid) = match s.current() {
        Some((r, _)) => (
            Some(sanitize_one_line(&r.doc_id)),
            sanitize_one_line(&r.quote_id),
        ),
        None => (None, String::new()),
    };
    let mut label = " quotecheck review ";
    let cells = |label: &str, file: &str, doc: &Option<String>, qid: &str| {
        width_of(label)
            + 1
            + width_of(file)
            + doc.as_ref().map_or(0, |d| 6 + width_of(d))
            + if qid.is_empty() { 0 } else { 2 + width_of(qid) }
            + width_of(&tags)
    };
    let over = |label: &str, file: &str, doc: &Option<String>, qid: &str| {
        cells(label, file, doc, qid).saturating_sub(width)
    };
    // First the quote id, down to nothing, then the file name and the label, then the
    // document id.
    let mut qid = qid;
    let o = over(label, &file, &doc, &qid);
    if o > 0 {
        let keep = width_of(&qid).saturating_sub(o);
        qid = if keep >= 8 {
            fit_middle(&qid, keep)
        } else {
            String::new()
        };
    }
    let mut file = file;
    let o = over(label, &file, &doc, &qid);
    if o > 0 {
        file = fit_middle(&file, width_of(&file).saturating_sub(o).max(8));
    }
    if over(label, &file, &doc, &qid) > 0 {
        label = " review ";
    }
    let mut doc = doc;
    let o = over(label, &file, &doc, &qid);
    if o > 0
        && let Some(d) = &doc
    {
        doc = Some(fit_middle(d, width_of(d).saturating_sub(o).max(6)));
    }
    if over(label, &file, &doc, &qid) > 0 {
        file = String::new();
    }
    let mut spans = vec![Span::styled(label, KEY.add_modifier(Modifier::REVERSED))];
    if !file.is_empty() {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(file, LABEL));
    }
    if let Some(d) = doc {
        spans.push(Span::raw("  doc "));
        spans.push(Span::styled(d, LABEL));
        if !qid.is_empty() {
            spans.push(Span::styled(format!("  {qid}"), DIM));
        }
    }
    // The mode at the right end of what is left, so that nothing can cut it.
    let used: usize = spans.iter().map(|sp| width_of(&sp.content)).sum();
    let tags_at = width.saturating_sub(width_of(&tags)).min(used);
    let mut line = Line::from(spans);
    if used > tags_at {
        line = Line::from(fit(&line.to_string(), tags_at));
    }
    line.spans.push(Span::styled(tags, KEY));
    f.render_widget(Lines(vec![line]), area);
}

/// A stretch of document text: where it starts (code points) and the text.
struct Piece {
    start: Option<usize>,
    text: String,
}

/// The text to show around the current quote: its own context, or at higher levels the
/// paragraphs around it in its article (`--articles`), else the contexts of neighbouring rows
/// of the same document merged by offset.
fn context_pieces(s: &Session, r: &QuoteRecord) -> Vec<Piece> {
    let level = s.context_level();
    let own = Piece {
        start: r.context_start,
        text: r.context.clone(),
    };
    if let Some((start, text)) = s.article_window(level) {
        return vec![Piece {
            start: Some(start),
            text,
        }];
    }
    if level == 0 || r.context_start.is_none() {
        return vec![own];
    }
    let mut spans: Vec<(usize, String)> = s
        .neighbours(level)
        .into_iter()
        .map(|i| &s.records()[i])
        .filter(|n| !n.context.is_empty())
        .filter_map(|n| n.context_start.map(|cs| (cs, n.context.clone())))
        .collect();
    spans.sort_by_key(|(cs, _)| *cs);
    let mut merged: Vec<Piece> = Vec::new();
    for (cs, text) in spans {
        let len = text.chars().count();
        if let Some(last) = merged.last_mut() {
            let ls = last.start.unwrap_or(0);
            let lend = ls + last.text.chars().count();
            if cs <= lend {
                if cs + len > lend {
                    let skip = lend - cs;
                    last.text.extend(text.chars().skip(skip));
                }
                continue;
            }
        }
        merged.push(Piece {
            start: Some(cs),
            text,
        });
    }
    if merged.is_empty() { vec![own] } else { merged }
}

/// Per-character styles of a piece: the quote and the speaker mention highlighted.
fn style_piece(
    p: &Piece,
    r: &QuoteRecord,
    show_mention: bool,
) -> (Vec<(char, Style)>, Option<usize>) {
    let text = sanitize_for_terminal(&carriage_returns_as_line_ends(&p.text));
    let chars: Vec<char> = text.chars().collect();
    let mut styles = vec![Style::default(); chars.len()];
    let mut quote_at = None;
    let span_of = |start: usize, end: usize, expect: &str| -> Option<(usize, usize)> {
        let base = p.start?;
        if start < base || end < start || end - base > chars.len() {
            return None;
        }
        let (a, b) = (start - base, end - base);
        let got: String = p.text.chars().skip(a).take(b - a).collect();
        (got == expect).then_some((a, b))
    };
    let find = |needle: &str| -> Option<(usize, usize)> {
        if needle.is_empty() {
            return None;
        }
        let byte = p.text.find(needle)?;
        let idx = CharIndex::new(&p.text);
        let a = idx.char_of_byte(byte);
        Some((a, a + needle.chars().count()))
    };
    if let Some((a, b)) = span_of(r.start, r.end, &r.quote).or_else(|| find(&r.quote)) {
        styles[a..b].iter_mut().for_each(|s| *s = QUOTE);
        quote_at = Some(a);
    }
    if show_mention && !r.speaker_mention.is_empty() {
        let m = match (r.speaker_start, r.speaker_end) {
            (Some(a), Some(b)) => span_of(a, b, &r.speaker_mention),
            _ => None,
        }
        .or_else(|| find(&r.speaker_mention));
        if let Some((a, b)) = m {
            styles[a..b].iter_mut().for_each(|s| *s = MENTION);
        }
    }
    (chars.into_iter().zip(styles).collect(), quote_at)
}

fn render_context(f: &mut Frame, s: &Session, area: Rect) {
    let Some((r, _)) = s.current() else { return };
    let title = format!(
        " Context{} (c more, C less) ",
        if s.context_level() > 0 {
            format!(" +{}", s.context_level())
        } else {
            String::new()
        }
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let show_mention = !s.settings().blind;
    let mut chars: Vec<(char, Style)> = Vec::new();
    let mut mark = None;
    for (k, p) in context_pieces(s, r).iter().enumerate() {
        if p.text.is_empty() {
            continue;
        }
        if k > 0 {
            chars.extend(" … ".chars().map(|c| (c, DIM)));
        }
        let (styled, q) = style_piece(p, r, show_mention);
        if let (None, Some(q)) = (mark, q) {
            mark = Some(chars.len() + q);
        }
        chars.extend(styled);
    }
    if mark.is_none() {
        // The context does not contain the quote (or there is none): show the quote first.
        let mut head: Vec<(char, Style)> = Vec::new();
        head.push(('\u{201c}', QUOTE));
        head.extend(
            sanitize_for_terminal(&carriage_returns_as_line_ends(&r.quote))
                .chars()
                .map(|c| (c, QUOTE)),
        );
        head.push(('\u{201d}', QUOTE));
        if !chars.is_empty() {
            head.push(('\n', Style::default()));
            head.push(('\n', Style::default()));
        }
        mark = Some(0);
        head.extend(chars);
        chars = head;
    }
    let (chars, mark) = around_mark(
        chars,
        mark.unwrap_or(0),
        inner.width as usize,
        inner.height as usize,
    );
    let (lines, mark_line) = wrap(&chars, inner.width as usize, mark);
    let h = inner.height as usize;
    let scroll = if lines.len() <= h {
        0
    } else {
        mark_line.saturating_sub(h / 3).min(lines.len() - h)
    };
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(h).collect();
    f.render_widget(Lines(shown), inner);
}

/// The part of a context around character `mark` that can reach a box of `width` × `height`
/// cells, and the mark in it. A context of a megabyte (a huge quote, or a paragraph of a huge
/// article) would otherwise be laid out in full on every key press, though the box shows a few
/// thousand characters of it. The box shows the mark's line a third of the way down, so the
/// part kept holds a box full of cells on each side of the mark (a line break counted as one
/// cell, which is less than any line takes), and at most eight characters a cell, for runs of
/// characters that take no cell. `…` marks a cut.
fn around_mark(
    chars: Vec<(char, Style)>,
    mark: usize,
    width: usize,
    height: usize,
) -> (Vec<(char, Style)>, usize) {
    let budget = (width.max(1) + 1) * (height.max(1) + 1);
    if chars.len() <= budget {
        return (chars, mark);
    }
    let mark = mark.min(chars.len());
    let cells = |c: char| if c == '\n' { 1 } else { cw(c) };
    let reach = |it: &mut dyn Iterator<Item = char>| {
        let (mut used, mut n) = (0usize, 0usize);
        for c in it {
            used += cells(c);
            if used > budget || n >= 8 * budget {
                break;
            }
            n += 1;
        }
        n
    };
    let lo = mark - reach(&mut chars[..mark].iter().rev().map(|(c, _)| *c));
    let hi = mark + reach(&mut chars[mark..].iter().map(|(c, _)| *c));
    if lo == 0 && hi == chars.len() {
        return (chars, mark);
    }
    let mut out: Vec<(char, Style)> = Vec::with_capacity(hi - lo + 4);
    if lo > 0 {
        out.extend("… ".chars().map(|c| (c, DIM)));
    }
    let mark = mark - lo + out.len();
    out.extend_from_slice(&chars[lo..hi]);
    if hi < chars.len() {
        out.extend(" …".chars().map(|c| (c, DIM)));
    }
    (out, mark)
}

/// Word-wraps styled characters to `width` columns. Returns the lines and the line holding
/// character `mark`. Newlines break lines; tabs show as spaces.
///
/// The characters are first made ready for the screen ([`screen_chars`]), then measured the
/// way the buffer measures them when drawing: grapheme by grapheme within each run of one
/// style, with ratatui's own cell width, so a line never holds more than it was measured to.
fn wrap(chars: &[(char, Style)], width: usize, mark: usize) -> (Vec<Line<'static>>, usize) {
    count_laid_out(chars.len());
    let width = width.max(1);
    let plain: Vec<char> = chars.iter().map(|(c, _)| *c).collect();
    // Kept characters with their index in `chars`, for the mark.
    let kept: Vec<(usize, char, Style)> = screen_chars(&plain)
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (i, c, chars[i].1)))
        .collect();
    let units = units(&kept);
    let mut lines: Vec<Vec<&Unit>> = vec![Vec::new()];
    let mut col = 0usize;
    // The mark is the first kept character at or after it.
    let mut mark_line = None;
    let mut note_mark = |u: &Unit, line: usize| {
        if mark_line.is_none() && u.last >= mark {
            mark_line = Some(line);
        }
    };
    // Whether the current line continues a wrapped one (its leading spaces are dropped).
    let mut continued = false;
    let mut i = 0;
    while i < units.len() {
        let u = &units[i];
        if u.text == "\n" {
            note_mark(u, lines.len() - 1);
            lines.push(Vec::new());
            col = 0;
            continued = false;
            i += 1;
            continue;
        }
        if u.space {
            note_mark(u, lines.len() - 1);
            if col < width && !(col == 0 && continued) {
                lines.last_mut().expect("one line").push(u);
                col += 1;
            }
            i += 1;
            continue;
        }
        // A word: up to the next space or newline.
        let end = units[i..]
            .iter()
            .position(|u| u.space || u.text == "\n")
            .map_or(units.len(), |p| i + p);
        let w: usize = units[i..end].iter().map(|u| u.width).sum();
        if col > 0 && col + w > width {
            // Drop the trailing space of the full line.
            if let Some(l) = lines.last_mut()
                && l.last().is_some_and(|u| u.space)
            {
                l.pop();
            }
            lines.push(Vec::new());
            col = 0;
            continued = true;
        }
        for u in &units[i..end] {
            if col + u.width > width && col > 0 {
                lines.push(Vec::new());
                col = 0;
                continued = true;
            }
            note_mark(u, lines.len() - 1);
            lines.last_mut().expect("one line").push(u);
            col += u.width;
        }
        i = end;
    }
    let mark_line = mark_line.unwrap_or(lines.len() - 1);
    let out = lines
        .into_iter()
        .map(|l| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            let mut cur = String::new();
            let mut cur_st = None;
            for u in l {
                if cur_st != Some(u.style) && !cur.is_empty() {
                    spans.push(Span::styled(
                        std::mem::take(&mut cur),
                        cur_st.unwrap_or_default(),
                    ));
                }
                cur_st = Some(u.style);
                cur.push_str(&u.text);
            }
            if !cur.is_empty() {
                spans.push(Span::styled(cur, cur_st.unwrap_or_default()));
            }
            Line::from(spans)
        })
        .collect();
    (out, mark_line)
}

/// One grapheme of styled text as it will be drawn.
struct Unit {
    text: String,
    style: Style,
    width: usize,
    /// A lone space or tab, where lines may break (a tab is drawn as a space).
    space: bool,
    /// Index in the original characters of its last character.
    last: usize,
}

/// Splits kept characters into graphemes within each run of one style, as the buffer splits
/// each span it draws.
fn units(kept: &[(usize, char, Style)]) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < kept.len() {
        let style = kept[k].2;
        let run_end = kept[k..]
            .iter()
            .position(|(_, _, st)| *st != style)
            .map_or(kept.len(), |p| k + p);
        let run: String = kept[k..run_end].iter().map(|(_, c, _)| *c).collect();
        let mut at = k;
        for g in run.graphemes(true) {
            let n = g.chars().count();
            let last = kept[at + n - 1].0;
            at += n;
            let (text, space) = match g {
                " " | "\t" => (" ".to_string(), true),
                _ => (g.to_string(), false),
            };
            let width = if text == "\n" {
                0
            } else {
                text.cell_width() as usize
            };
            out.push(Unit {
                text,
                style,
                width,
                space,
                last,
            });
        }
        k = run_end;
    }
    out
}

fn cw(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Cells a string takes when drawn, measured as the buffer measures it.
fn width_of(s: &str) -> usize {
    s.graphemes(true).map(|g| g.cell_width() as usize).sum()
}

/// The decision on a row: status and speaker, and with `full` who decided and when.
fn decision_text(rev: &super::store::Review, full: bool) -> String {
    match rev.status {
        None => {
            let mut t = "pending".to_string();
            if !rev.reviewed_speaker.is_empty() {
                t.push_str(&format!(
                    " (suggested: {})",
                    sanitize_one_line(&rev.reviewed_speaker)
                ));
            }
            t
        }
        Some(st) => {
            let mut t = st.as_str().to_string();
            if matches!(st, Status::Confirmed | Status::Corrected)
                || !rev.reviewed_speaker.is_empty()
            {
                t.push_str(&format!(" → {}", sanitize_one_line(&rev.reviewed_speaker)));
            }
            if full && !rev.annotator.is_empty() {
                t.push_str(&format!(" · {}", sanitize_one_line(&rev.annotator)));
            }
            if full && !rev.reviewed_at.is_empty() {
                t.push_str(&format!(" · {}", sanitize_one_line(&rev.reviewed_at)));
            }
            t
        }
    }
}

fn status_style(st: Option<Status>) -> Style {
    match st {
        None => Style::new().fg(Color::Gray),
        Some(Status::Confirmed) => Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
        Some(Status::Corrected) => Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
        Some(Status::Rejected) => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Some(Status::Flagged) => Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
    }
}

fn attribution_lines(s: &Session) -> Vec<Line<'static>> {
    let Some((r, rev)) = s.current() else {
        return Vec::new();
    };
    let blind = s.settings().blind;
    let label = |t: &str| Span::styled(format!("{t:<11}"), LABEL);
    let mut lines = Vec::new();
    if blind {
        lines.push(Line::from(vec![
            label("Predicted"),
            Span::styled("hidden (blind review)", DIM),
        ]));
        lines.push(Line::from(vec![label("Kind"), Span::raw(r.kind.as_str())]));
    } else {
        let mut first = vec![
            label("Predicted"),
            Span::styled(
                if r.speaker.is_empty() {
                    "(none)".to_string()
                } else {
                    sanitize_one_line(&r.speaker)
                },
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ];
        if !r.speaker_mention.is_empty() {
            first.push(Span::raw("  mention "));
            first.push(Span::styled(sanitize_one_line(&r.speaker_mention), MENTION));
        }
        lines.push(Line::from(first));
        let mut second = vec![label("Cue")];
        second.push(Span::raw(if r.cue.is_empty() {
            "(none)".to_string()
        } else {
            sanitize_one_line(&r.cue)
        }));
        second.push(Span::raw(format!("  kind {}", r.kind.as_str())));
        second.push(Span::raw(format!(
            "  confidence {} {}",
            format_confidence(r.confidence),
            meter(r.confidence, 5)
        )));
        if !r.rule.is_empty() {
            second.push(Span::styled(
                format!("  rule {}", sanitize_one_line(&r.rule)),
                DIM,
            ));
        }
        lines.push(Line::from(second));
    }
    lines.push(Line::from(vec![
        label("Decision"),
        Span::styled(decision_text(rev, true), status_style(rev.status)),
    ]));
    if !rev.note.is_empty() {
        lines.push(Line::from(vec![
            label("Note"),
            Span::raw(sanitize_one_line(&rev.note)),
        ]));
    }
    lines
}

fn meter(v: f64, n: usize) -> String {
    let full = ((v.clamp(0.0, 1.0) * n as f64).round() as usize).min(n);
    format!("{}{}", "▰".repeat(full), "▱".repeat(n - full))
}

fn annotator_lines(s: &Session) -> Vec<Line<'static>> {
    let Some((r, _)) = s.current() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if let Some(a) = agreement(r) {
        lines.push(Line::from(vec![
            Span::styled("agreement ", LABEL),
            Span::raw(format_confidence(a)),
        ]));
    }
    for a in s.annotator_answers().into_iter().take(6) {
        let answer = match (a.status.is_empty(), a.speaker.is_empty()) {
            (true, true) => "(no answer)".to_string(),
            (false, true) => a.status.clone(),
            (true, false) => a.speaker.clone(),
            (false, false) => format!("{} → {}", a.status, a.speaker),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", sanitize_one_line(&a.name)), LABEL),
            Span::raw(sanitize_one_line(&answer)),
        ]));
    }
    lines
}

fn alternative_spans(s: &Session) -> Vec<Span<'static>> {
    let alts = s.alternatives();
    if alts.is_empty() {
        return vec![Span::styled(
            "(no other names in this document; e types one)",
            DIM,
        )];
    }
    let mut spans = Vec::new();
    // No-break spaces keep each numbered name on one line when the list wraps.
    for (i, n) in alts.iter().enumerate() {
        spans.push(Span::styled(format!("{}\u{a0}", i + 1), KEY));
        spans.push(Span::raw(format!(
            "{}   ",
            sanitize_one_line(n).replace(' ', "\u{a0}")
        )));
    }
    spans
}

/// The Alternatives box's height: as many lines as the list takes wrapped (at most three),
/// and the borders.
fn alternatives_height(s: &Session, width: u16) -> u16 {
    let inner = width.saturating_sub(2).max(1);
    let lines = wrap_lines(vec![Line::from(alternative_spans(s))], inner).len();
    (lines.clamp(1, 3) + 2) as u16
}

fn render_alternatives(f: &mut Frame, s: &Session, area: Rect, compact: bool) {
    let title = if s.settings().blind {
        " Speakers (1-9) "
    } else {
        " Alternatives (1-9) "
    };
    if compact {
        let mut spans = vec![Span::styled(title.trim().to_string() + " ", LABEL)];
        spans.extend(alternative_spans(s));
        f.render_widget(Lines(vec![Line::from(spans)]), area);
    } else {
        boxed(f, area, title, vec![Line::from(alternative_spans(s))], true);
    }
}

fn render_status(f: &mut Frame, s: &Session, chrome: &Chrome, area: Rect) {
    let c = s.counts();
    let total = s.view_len();
    let width = area.width as usize;
    let pos = format!(" {}/{} ", (s.pos() + 1).min(total), total);
    let done = format!(" {}/{} reviewed ", c.reviewed(), total);
    let long = format!(
        " confirmed {} · corrected {} · rejected {} · flagged {} · pending {} ",
        c.confirmed, c.corrected, c.rejected, c.flagged, c.pending
    );
    let medium = format!(
        " conf {} · corr {} · rej {} · flag {} · pend {} ",
        c.confirmed, c.corrected, c.rejected, c.flagged, c.pending
    );
    let short = format!(
        " ✓{} ✎{} ✗{} ⚑{} ?{} ",
        c.confirmed, c.corrected, c.rejected, c.flagged, c.pending
    );
    let who = format!(" {} ", sanitize_one_line(&s.settings().annotator));
    let saved = if chrome.saved {
        match &chrome.written_at {
            Some(t) => format!(" ● saved (file {t}) "),
            None => " ● saved ".to_string(),
        }
    } else {
        " ✗ NOT SAVED ".to_string()
    };
    let saved_short = if chrome.saved {
        " ● saved "
    } else {
        " ✗ NOT SAVED "
    };
    let used = |parts: &[&str]| parts.iter().map(|p| width_of(p)).sum::<usize>();
    let fits = |counts: &str| used(&[&pos, &done, counts, &who, saved_short]) + 12 <= width;
    let counts = if fits(&long) {
        long
    } else if fits(&medium) {
        medium
    } else {
        short
    };
    let saved = if used(&[&pos, &done, &counts, &who, &saved]) + 12 <= width {
        saved
    } else {
        saved_short.to_string()
    };
    let bar_w = width
        .saturating_sub(used(&[&pos, &done, &counts, &who, &saved]))
        .min(30);
    let filled = (c.reviewed() * bar_w.saturating_sub(2))
        .checked_div(total)
        .unwrap_or(0);
    let bar = if bar_w >= 4 {
        format!(
            "▕{}{}▏",
            "█".repeat(filled),
            "░".repeat(bar_w.saturating_sub(2) - filled)
        )
    } else {
        String::new()
    };
    let saved_style = if chrome.saved {
        Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
    } else {
        Style::new()
            .fg(Color::White)
            .bg(Color::Red)
            .add_modifier(Modifier::BOLD)
    };
    let line = Line::from(vec![
        Span::styled(pos, LABEL.add_modifier(Modifier::REVERSED)),
        Span::styled(bar, Style::new().fg(Color::Green)),
        Span::raw(done),
        Span::styled(counts, DIM.fg(Color::Gray)),
        Span::styled(who, LABEL),
        Span::styled(saved, saved_style),
    ]);
    f.render_widget(Lines(vec![line]), area);
}

/// The bottom line(s): the prompt being typed, a message (wrapped, up to three lines), or the
/// main keys.
fn footer_lines(s: &Session, width: u16) -> Vec<Line<'static>> {
    let width = width as usize;
    let prompt = |label: &str, hint: &str| {
        // (the end, where typing happens, is what shows)
        let typed = s.input();
        let tail = typed
            .char_indices()
            .rev()
            .nth(ONE_LINE_MAX)
            .map_or(typed, |(b, _)| &typed[b..]);
        let input = crate::text::sanitize_one_line_for_screen(tail);
        let fixed = label.chars().count() + 3;
        let room = width.saturating_sub(fixed).max(1);
        // Long input scrolls: the end, where typing happens, stays visible.
        let n = width_of(&input);
        let shown: String = if n > room {
            let mut tail: Vec<char> = Vec::new();
            let mut w = 0;
            for c in input.chars().rev() {
                w += cw(c);
                if w > room.saturating_sub(1) {
                    break;
                }
                tail.push(c);
            }
            std::iter::once('…').chain(tail.into_iter().rev()).collect()
        } else {
            input
        };
        let mut spans = vec![
            Span::styled(format!("{label}: "), KEY),
            Span::raw(shown),
            Span::styled("▏", KEY),
        ];
        // What the last key said (Tab's matches, say) takes the hint's place, or the next
        // line when it does not fit beside the input.
        let said = s.message().map(|m| {
            (
                sanitize_one_line(&m.text),
                if m.error { ERROR } else { KEY },
            )
        });
        let used = fixed + width_of(&spans[1].content) + 2;
        let mut lines = Vec::new();
        match said {
            Some((text, style)) if used + width_of(&text).min(20) <= width => {
                spans.push(Span::styled(
                    format!("  {}", fit(&text, width - used)),
                    style,
                ));
            }
            Some((text, style)) => lines.push(Line::styled(
                format!(" {}", fit(&text, width.saturating_sub(1))),
                style,
            )),
            None if fixed + n + hint.chars().count() + 2 <= width => {
                spans.push(Span::styled(format!("  {hint}"), DIM));
            }
            None => {}
        }
        lines.insert(0, Line::from(spans));
        lines
    };
    let message = |text: &str, style: Style| {
        let mut lines = wrap_lines(
            vec![Line::styled(format!(" {}", sanitize_one_line(text)), style)],
            width as u16,
        );
        lines.truncate(3);
        lines
    };
    match s.mode() {
        Mode::Edit => prompt("Speaker", "Tab completes · Enter saves · Esc cancels"),
        Mode::Note => prompt("Note", "Enter saves · Esc cancels"),
        Mode::Search => prompt("Search", "Enter finds the next match · Esc cancels"),
        Mode::Normal | Mode::Help => match s.message() {
            Some(m) if m.error => message(&m.text, ERROR),
            Some(m) => message(&m.text, KEY),
            None => {
                // The keys in the order they are listed, and in order of need when the line
                // cannot hold them all: quitting and the help (which lists every key) first.
                const FOOTER_KEYS: [(&str, &str, u8); 11] = [
                    ("a", "confirm", 2),
                    ("1-9", "choose", 5),
                    ("e", "edit", 3),
                    ("x", "reject", 4),
                    ("f", "flag", 7),
                    ("n", "note", 8),
                    ("u", "undo", 6),
                    ("q", "quit", 0),
                    ("g", "pending", 9),
                    ("/", "search", 10),
                    ("?", "help", 1),
                ];
                let cells = |k: &str, what: &str| k.chars().count() + what.chars().count() + 3;
                let mut by_need: Vec<_> = FOOTER_KEYS.iter().collect();
                by_need.sort_by_key(|(_, _, need)| *need);
                let mut used = 0;
                let mut shown = Vec::new();
                for (k, what, _) in by_need {
                    if used + cells(k, what) <= width {
                        used += cells(k, what);
                        shown.push(*k);
                    }
                }
                let mut spans = Vec::new();
                for (k, what, _) in FOOTER_KEYS.iter().filter(|(k, _, _)| shown.contains(k)) {
                    spans.push(Span::styled(format!(" {k}"), KEY));
                    spans.push(Span::raw(format!(" {what} ")));
                }
                vec![Line::from(spans)]
            }
        },
    }
}

fn render_help(f: &mut Frame, s: &Session, area: Rect) {
    let mut lines = vec![Line::styled("Keys", LABEL), Line::raw("")];
    let kw = KEYS
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, what) in KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!(" {k:<kw$}  "), KEY),
            Span::raw(*what),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Every decision is on disk the moment it shows (journal beside the file).",
        DIM,
    ));
    if s.settings().blind {
        lines.push(Line::styled(
            "Blind review: the prediction is hidden; choose or type the speaker.",
            DIM,
        ));
    }
    let w = 78.min(area.width);
    let mut lines = wrap_lines(lines, w.saturating_sub(2));
    if lines.len() + 2 > area.height as usize {
        // A small window: one line a key, without the notes, the keys first (their text cut
        // at the edge), and what does not fit said.
        let room = (area.height as usize).saturating_sub(2);
        let narrow = w < 50;
        lines = KEYS
            .iter()
            .map(|(k, what)| {
                let key = if narrow {
                    format!("{k}: ")
                } else {
                    format!(" {k:<kw$}  ")
                };
                Line::from(vec![Span::styled(key, KEY), Span::raw(*what)])
            })
            .collect();
        if lines.len() > room {
            lines.truncate(room.saturating_sub(1));
            lines.push(Line::styled(
                format!("… {} more: enlarge", KEYS.len() - lines.len()),
                DIM,
            ));
        }
    }
    let h = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, popup);
    boxed(f, popup, " Help (any key closes) ", lines, false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::action::Action;
    use crate::review::model::Settings;
    use crate::review::store::Review;
    use crate::schema::Kind;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    const T: &str = "2026-01-01T10:00:00Z";

    fn records() -> Vec<QuoteRecord> {
        let context = "The budget vote is on Friday. \u{201c}We will not back down,\u{201d} said Sen. Lena Ortiz, who chairs the committee. Her deputy disagreed.";
        let q = "We will not back down,";
        let qs = context.find(q).unwrap();
        let qs = context[..qs].chars().count();
        let ms = context[..context.find("Sen. Lena Ortiz").unwrap()]
            .chars()
            .count();
        vec![
            QuoteRecord {
                quote_id: "nyt-1:130-152".into(),
                doc_id: "nyt-1".into(),
                kind: Kind::Direct,
                quote: q.into(),
                start: 100 + qs,
                end: 100 + qs + q.chars().count(),
                speaker: "Lena Ortiz".into(),
                speaker_mention: "Sen. Lena Ortiz".into(),
                speaker_start: Some(100 + ms),
                speaker_end: Some(100 + ms + 15),
                cue: "said".into(),
                confidence: 0.82,
                rule: "adjacent-cue".into(),
                candidates: vec!["Raj Patel".into()],
                context: context.into(),
                context_start: Some(100),
                ..Default::default()
            },
            QuoteRecord {
                quote_id: "nyt-1:300-320".into(),
                doc_id: "nyt-1".into(),
                quote: "evil\x1b]0;pwned\x07 \x1b[2J text".into(),
                start: 300,
                end: 320,
                speaker: "Raj\x1b[31m Patel".into(),
                context: "He wrote \x1b[2J and \u{9b}31m things.".into(),
                confidence: 0.3,
                ..Default::default()
            },
        ]
    }

    fn session(settings: Settings) -> Session {
        let recs = records();
        let n = recs.len();
        Session::new(recs, vec![Review::default(); n], (0..n).collect(), settings)
    }

    /// An adjudication session of `recs` on their first row.
    fn adjudicating(recs: Vec<QuoteRecord>) -> Session {
        Session::new(
            recs,
            vec![Review::default(); 2],
            vec![0],
            Settings {
                adjudicate: true,
                ..ana()
            },
        )
    }

    fn ana() -> Settings {
        Settings {
            annotator: "ana".into(),
            ..Default::default()
        }
    }

    fn draw(s: &Session, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        let chrome = Chrome {
            file: "quotes.csv".into(),
            saved: true,
            written_at: None,
        };
        t.draw(|f| render(f, s, &chrome)).unwrap();
        t
    }

    #[test]
    fn main_screen() {
        let s = session(ana());
        insta::assert_snapshot!(draw(&s, 100, 24).backend());
    }

    #[test]
    fn quote_and_mention_are_highlighted() {
        let s = session(ana());
        let t = draw(&s, 100, 24);
        let buf = t.backend().buffer();
        let mut quote_cells = String::new();
        let mut mention_cells = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                let c = &buf[(x, y)];
                if c.bg == Color::Yellow {
                    quote_cells.push_str(c.symbol());
                }
                if c.fg == Color::Cyan && y < 13 {
                    mention_cells.push_str(c.symbol());
                }
            }
        }
        assert_eq!(quote_cells.trim(), "We will not back down,");
        assert!(mention_cells.contains("Sen. Lena Ortiz"), "{mention_cells}");
    }

    #[test]
    fn after_decisions_and_in_prompts() {
        let mut s = session(ana());
        s.apply(Action::Choose(1), T);
        s.apply(Action::StartEdit, T);
        for c in "Raj".chars() {
            s.apply(Action::Insert(c), T);
        }
        insta::assert_snapshot!(draw(&s, 100, 24).backend());
    }

    #[test]
    fn escape_sequences_never_reach_the_screen() {
        let mut s = session(ana());
        s.apply(Action::Next, T);
        let t = draw(&s, 100, 24);
        let text = t.backend().to_string();
        assert!(!text.contains('\x1b'), "{text}");
        assert!(!text.contains('\u{9b}'), "{text}");
        assert!(!text.contains('\x07'), "{text}");
        assert!(text.contains("␛[2J"), "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn help_overlay_lists_every_key() {
        let mut s = session(ana());
        s.apply(Action::ToggleHelp, T);
        let t = draw(&s, 100, 30);
        let text = t.backend().to_string();
        for (k, _) in KEYS {
            assert!(text.contains(k), "{k} missing from help:\n{text}");
        }
        insta::assert_snapshot!(text);
    }

    #[test]
    fn blind_mode_hides_the_prediction() {
        let s = session(Settings {
            blind: true,
            ..ana()
        });
        let text = draw(&s, 100, 24).backend().to_string();
        assert!(!text.contains("Predicted  Lena"), "{text}");
        assert!(text.contains("hidden (blind review)"));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn adjudication_shows_the_annotators() {
        let mut recs = records();
        recs[0].extra = vec![
            ("agreement".into(), "0.667".into()),
            ("ann_ana_status".into(), "confirmed".into()),
            ("ann_ana_speaker".into(), "Lena Ortiz".into()),
            ("ann_ben_status".into(), "corrected".into()),
            ("ann_ben_speaker".into(), "Tom Ford".into()),
            ("ann_cy_status".into(), "rejected".into()),
            ("ann_cy_speaker".into(), "".into()),
        ];
        let s = adjudicating(recs);
        let text = draw(&s, 100, 30)
            .backend()
            .to_string()
            .replace('\u{a0}', " ");
        assert!(text.contains("ben corrected → Tom Ford"), "{text}");
        // ana's answer is the prediction, which `a` confirms: no number is spent on it
        assert!(text.contains("│1 Tom Ford   2 Raj Patel   3 "), "{text}");
        insta::assert_snapshot!(text);
    }

    /// The text of the Alternatives box of `s`, drawn at 100×30.
    fn alternatives_box(s: &Session) -> String {
        let text = draw(s, 100, 30)
            .backend()
            .to_string()
            .replace('\u{a0}', " ");
        let at = text
            .find("Alternatives (1-9)")
            .expect("an Alternatives box");
        let line = text[at..].lines().nth(1).unwrap_or("");
        line.trim_matches(|c: char| c == '"' || c == '│' || c == ' ')
            .to_string()
    }

    /// A merged row whose prediction is also one annotator's answer, spelt differently by
    /// the other annotator and in the candidates: the one-key slots go to the other speakers,
    /// each once, never to the prediction that `a` already confirms.
    #[test]
    fn adjudication_alternatives_leave_out_the_prediction_and_repeats() {
        let mut recs = records();
        recs[0].speaker = "the Pentagon".into();
        recs[0].candidates = vec![
            "Ashton Carter".into(),
            "The Pentagon".into(),
            "Secretary Ashton Carter".into(),
            "Raj Patel".into(),
        ];
        recs[0].extra = vec![
            ("agreement".into(), "0.5".into()),
            ("ann_ana_status".into(), "confirmed".into()),
            ("ann_ana_speaker".into(), "the Pentagon".into()),
            ("ann_ben_status".into(), "corrected".into()),
            ("ann_ben_speaker".into(), "Ashton Carter".into()),
            ("ann_cy_status".into(), "corrected".into()),
            ("ann_cy_speaker".into(), "Pentagon".into()),
        ];
        let s = adjudicating(recs);
        assert_eq!(
            alternatives_box(&s),
            "1 Ashton Carter   2 Raj Patel   3 Raj␛[31m Patel"
        );
    }

    /// The same in plain review of an extracted file: a candidate or another row's name that
    /// is the predicted speaker in another spelling is no alternative to it.
    #[test]
    fn review_alternatives_leave_out_the_prediction_in_another_spelling() {
        let mut recs = records();
        recs[0].speaker = "Lena Ortiz".into();
        recs[0].candidates = vec![
            "Sen. Lena Ortiz".into(),
            "Raj Patel".into(),
            "raj patel".into(),
        ];
        recs[1].speaker = "Senator Lena Ortiz".into();
        let s = Session::new(recs, vec![Review::default(); 2], vec![0, 1], ana());
        assert_eq!(alternatives_box(&s), "1 Raj Patel");
    }

    /// Sessions whose current row is decided `corrected → Zed Quill` with a note, a quote far
    /// longer than a small window, in every mode the screen has: plain, adjudication (three
    /// annotators), blind, with a long message, and typing a speaker.
    fn decided_sessions() -> Vec<(&'static str, Session)> {
        let long = "word ".repeat(80);
        let decided = Review {
            status: Some(Status::Corrected),
            reviewed_speaker: "Zed Quill".into(),
            annotator: "ana".into(),
            reviewed_at: T.into(),
            note: "checked against the video".into(),
        };
        let make = |settings: Settings, extra: bool| {
            let mut recs = records();
            recs[0].quote = format!("Start {long}end.");
            recs[0].context = format!("Before. \u{201c}{}\u{201d} said Lena Ortiz.", recs[0].quote);
            recs[0].context_start = Some(recs[0].start - 9);
            if extra {
                recs[0].extra = vec![
                    ("agreement".into(), "0.333".into()),
                    ("ann_ana_status".into(), "confirmed".into()),
                    ("ann_ana_speaker".into(), "Lena Ortiz".into()),
                    ("ann_ben_status".into(), "corrected".into()),
                    ("ann_ben_speaker".into(), "Tom Ford".into()),
                    ("ann_cy_status".into(), "rejected".into()),
                    ("ann_cy_speaker".into(), "".into()),
                ];
            }
            // (the decided row alone, so that the session opens on it)
            Session::new(
                recs,
                vec![decided.clone(), Review::default()],
                vec![0],
                settings,
            )
        };
        let mut message = make(ana(), false);
        message.notify(format!("could not save: {}", "disk full ".repeat(20)), true);
        let mut typing = make(ana(), false);
        typing.apply(Action::StartEdit, T);
        typing.apply(Action::ClearInput, T);
        for c in "Zed Q".chars() {
            typing.apply(Action::Insert(c), T);
        }
        vec![
            ("plain", make(ana(), false)),
            (
                "adjudication",
                make(
                    Settings {
                        adjudicate: true,
                        ..ana()
                    },
                    true,
                ),
            ),
            (
                "blind",
                make(
                    Settings {
                        blind: true,
                        ..ana()
                    },
                    false,
                ),
            ),
            ("message", message),
            ("typing", typing),
        ]
    }

    /// The line that says what the row's decision is stays on the screen at every window size
    /// from the smallest usable one up; below that the screen says the window is too small
    /// instead of showing part of a row. A long quotation used to push the decision off the
    /// bottom of a small window, and typing in one showed no prompt.
    #[test]
    fn the_decision_line_shows_at_every_size() {
        let widths: Vec<u16> = (1..=32).chain([36, 40, 50, 80, 120, 200]).collect();
        let heights: Vec<u16> = (1..=24).chain([28, 32, 40, 60]).collect();
        for (what, s) in decided_sessions() {
            for &w in &widths {
                for &h in &heights {
                    let screen = draw(&s, w, h).backend().to_string();
                    let too_small = w < MIN_WIDTH || h < MIN_HEIGHT;
                    if too_small {
                        if w >= 10 && h >= 2 {
                            assert!(screen.contains("too small"), "{what} {w}×{h}:\n{screen}");
                        }
                        continue;
                    }
                    assert!(
                        screen.contains("corrected → Zed"),
                        "{what} {w}×{h}: no decision line\n{screen}"
                    );
                    assert!(!screen.contains("too small"), "{what} {w}×{h}:\n{screen}");
                    if what == "typing" {
                        assert!(
                            screen.contains("Zed Q▏"),
                            "{what} {w}×{h}: no prompt\n{screen}"
                        );
                    }
                }
            }
        }
    }

    /// Small windows: the quote gives way to the speaker, the decision and the keys, which
    /// always show; under the minimum the window says so.
    #[test]
    fn small_windows_keep_the_decision() {
        let sessions = decided_sessions();
        let plain = &sessions[0].1;
        insta::assert_snapshot!("decided_24x7", draw(plain, 24, 7).backend());
        insta::assert_snapshot!("decided_40x10", draw(plain, 40, 10).backend());
        insta::assert_snapshot!("typing_24x7", draw(&sessions[4].1, 24, 7).backend());
        insta::assert_snapshot!("too_small_16x4", draw(plain, 16, 4).backend());
    }

    /// The mode in the title (ADJUDICATION, BLIND) stays whole whatever the length of the
    /// file name, document id and quote id; they are shortened with `…` instead.
    #[test]
    fn the_title_keeps_the_mode_and_shortens_long_ids() {
        let mut recs = records();
        let doc = format!("nyt-2024-{}-end", "very-long-slug-".repeat(8));
        recs[0].doc_id = doc.clone();
        recs[0].quote_id = format!("{doc}:130-152");
        let s = Session::new(
            recs,
            vec![Review::default(); 2],
            vec![0],
            Settings {
                adjudicate: true,
                blind: true,
                ..ana()
            },
        );
        for w in [30u16, 40, 60, 80, 100, 160] {
            let t = draw(&s, w, 24);
            let title = t.backend().to_string();
            let title = title.lines().next().unwrap().to_string();
            assert!(title.contains("  BLIND  ADJUDICATION"), "{w}: {title}");
            if w >= 60 {
                assert!(title.contains("nyt-2024"), "{w}: {title}");
                assert!(title.contains('…'), "{w}: {title}");
            }
        }
        insta::assert_snapshot!("long_doc_id_title_80", {
            let t = draw(&s, 80, 24);
            t.backend().to_string().lines().next().unwrap().to_string()
        });
        // Short ids are shown whole.
        let s = adjudicating(records());
        let t = draw(&s, 100, 24);
        let title = t.backend().to_string();
        assert!(
            title.contains("doc nyt-1  nyt-1:130-152  ADJUDICATION"),
            "{title}"
        );
    }

    /// A one-line field shows a line end (LF, CRLF or a lone CR) and a tab as one space, as
    /// the context shows a CR as a line end; other control characters keep their visible
    /// stand-in. A CR used to show as `␍` where an LF showed as a space.
    #[test]
    fn one_line_fields_show_line_ends_and_tabs_as_spaces() {
        let mut recs = records();
        recs[0].speaker = "Lena\r\nOrtiz\rJr\tII\x07".into();
        recs[0].cue = "said\r".into();
        let rev = Review {
            note: "first line\r\nsecond\rthird".into(),
            status: Some(Status::Flagged),
            reviewed_speaker: "Tom\rFord".into(),
            ..Default::default()
        };
        let s = Session::new(recs, vec![rev, Review::default()], vec![0], ana());
        for (w, h) in [(100, 24), (26, 8)] {
            let text = draw(&s, w, h).backend().to_string();
            assert!(!text.contains('␍'), "{w}×{h}: {text}");
            assert!(text.contains("Lena Ortiz Jr II␇"), "{w}×{h}: {text}");
            assert!(text.contains("Tom Ford"), "{w}×{h}: {text}");
            if w == 100 {
                assert!(text.contains("first line second third"), "{text}");
            }
        }
    }

    #[test]
    fn small_terminals_degrade() {
        let s = session(ana());
        insta::assert_snapshot!("tiny_28x8", draw(&s, 28, 8).backend());
        insta::assert_snapshot!("narrow_40x12", draw(&s, 40, 12).backend());
        for (w, h) in [(1, 1), (2, 30), (200, 2), (30, 10), (10, 100), (300, 80)] {
            draw(&s, w, h);
        }
        let mut s = s;
        s.apply(Action::ToggleHelp, T);
        for (w, h) in [(1, 1), (20, 5), (40, 12), (80, 10)] {
            draw(&s, w, h);
        }
    }

    /// What a key says while a speaker, note or search is being typed shows beside the input:
    /// Tab's "no name in this document matches" and "1 of 2 matching names" used to be set
    /// but never shown, because the prompt took the message's place.
    #[test]
    fn messages_show_while_typing() {
        let mut s = session(ana());
        s.apply(Action::StartEdit, T);
        for c in "zz".chars() {
            s.apply(Action::Insert(c), T);
        }
        s.apply(Action::Complete, T);
        for (w, h) in [(100, 24), (40, 12), (24, 8)] {
            let text = draw(&s, w, h).backend().to_string();
            assert!(text.contains("Speaker: zz▏"), "{w}×{h}: {text}");
            assert!(text.contains("no name in"), "{w}×{h}: {text}");
        }
        s.apply(Action::ClearInput, T);
        s.apply(Action::Insert('R'), T);
        s.apply(Action::Complete, T);
        let text = draw(&s, 100, 24).backend().to_string();
        assert!(
            text.contains("Speaker: Raj Patel▏  1 of 2 matching names"),
            "{text}"
        );
    }

    /// The key line always names the keys to quit and to get help, whatever the width: at
    /// 80 columns it used to leave out `q quit`.
    #[test]
    fn the_key_line_always_shows_quit_and_help() {
        let s = session(ana());
        for w in [30u16, 40, 60, 80, 100, 120] {
            let text = draw(&s, w, 24).backend().to_string();
            let keys = text.lines().last().unwrap().to_string();
            assert!(
                keys.contains("q quit") && keys.contains("? help"),
                "{w}: {keys}"
            );
            if w >= 60 {
                assert!(
                    keys.contains("a confirm") && keys.contains("e edit"),
                    "{w}: {keys}"
                );
            }
        }
        let keys = draw(&s, 80, 24).backend().to_string();
        let keys = keys.lines().last().unwrap();
        assert_eq!(
            keys.trim_matches('"').trim_end(),
            " a confirm  1-9 choose  e edit  x reject  f flag  u undo  q quit  ? help"
        );
    }

    /// The Alternatives box is as tall as its list: the spaces after the last name used to
    /// count, so a list that just fitted on one line got an empty second line.
    #[test]
    fn the_alternatives_box_has_no_empty_line() {
        let mut recs = records();
        // "1 " and 26 characters: the 28 columns inside a 30-column box
        recs[0].candidates = vec!["Abcdefghij Klmnopqrst Uvwx".into()];
        recs[1].speaker = String::new();
        let s = Session::new(recs, vec![Review::default(); 2], vec![0], ana());
        let text = draw(&s, 30, 30)
            .backend()
            .to_string()
            .replace('\u{a0}', " ");
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains("Alternatives"))
            .expect("an Alternatives box");
        assert!(
            lines[at + 1].contains("1 Abcdefghij Klmnopqrst Uvwx"),
            "{text}"
        );
        assert!(lines[at + 2].starts_with("\"└"), "{text}");
    }

    /// In a small window the help lists a key a line instead of wrapping its text over
    /// several (which showed three keys at 26×12), and says when some do not fit.
    #[test]
    fn help_in_a_small_window_lists_a_key_a_line() {
        let mut s = session(ana());
        s.apply(Action::ToggleHelp, T);
        let text = draw(&s, 26, 12).backend().to_string();
        for k in [
            "a, Enter:",
            "1-9:",
            "e:",
            "x:",
            "f:",
            "n:",
            "Space:",
            "u, Backspace:",
        ] {
            assert!(text.contains(k), "{k}: {text}");
        }
        assert!(text.contains("more: enlarge"), "{text}");
        let text = draw(&s, 40, 24).backend().to_string();
        for (k, _) in KEYS {
            assert!(text.contains(&format!("{k}:")), "{k}: {text}");
        }
        insta::assert_snapshot!("help_26x12", draw(&s, 26, 12).backend());
    }

    #[test]
    fn long_messages_wrap_and_long_input_scrolls() {
        let mut s = session(ana());
        s.notify(format!("first part {} last part", "word ".repeat(30)), true);
        let text = draw(&s, 60, 24).backend().to_string();
        assert!(text.contains("first part"), "{text}");
        assert!(text.contains("last part"), "{text}");
        s.apply(Action::Skip, T);
        s.apply(Action::StartNote, T);
        for c in format!("start {} the end", "x".repeat(100)).chars() {
            s.apply(Action::Insert(c), T);
        }
        let text = draw(&s, 60, 24).backend().to_string();
        assert!(text.contains("x the end▏"), "{text}");
    }

    #[test]
    fn wide_characters_at_the_edge_of_a_narrow_window() {
        // Found by `any_row_any_size`: a paragraph wrapped "a中a" past a two-column area.
        let r = QuoteRecord {
            quote_id: "x".into(),
            doc_id: "x".into(),
            speaker: "a中a".into(),
            ..Default::default()
        };
        let s = Session::new(vec![r], vec![Review::default()], vec![0], ana());
        for w in 1..6 {
            draw(&s, w, 14);
        }
    }

    #[test]
    fn more_context_from_the_article_shows_whole_paragraphs() {
        use crate::review::articles::Articles;
        let text = "The council met on Monday.\n\nThe bridge has been closed since March. \
                    “We will reopen it by spring,” said Mayor Lena Ortiz.\n\n\
                    Residents \x1b[2Jcomplained about \u{9b}31m the detour.\n\nNothing else.";
        let q = "We will reopen it by spring,";
        let qs = text[..text.find(q).unwrap()].chars().count();
        let ms = text[..text.find("Mayor").unwrap()].chars().count();
        let rec = QuoteRecord {
            quote_id: format!("nyt-9:{qs}-{}", qs + q.chars().count()),
            doc_id: "nyt-9".into(),
            quote: q.into(),
            start: qs,
            end: qs + q.chars().count(),
            speaker: "Lena Ortiz".into(),
            speaker_mention: "Mayor Lena Ortiz".into(),
            speaker_start: Some(ms),
            speaker_end: Some(ms + 16),
            context: "“We will reopen it by spring,” said Mayor Lena Ortiz.".into(),
            context_start: Some(qs - 1),
            ..Default::default()
        };
        let (articles, report) = Articles::from_texts(
            [("nyt-9".to_string(), text.to_string())],
            std::slice::from_ref(&rec),
        );
        assert_eq!(report.matched, 1);
        let mut s = Session::new(vec![rec], vec![Review::default()], vec![0], ana());
        s.set_articles(articles);
        let level0 = draw(&s, 100, 24).backend().to_string();
        assert!(!level0.contains("closed since March"), "{level0}");
        s.apply(Action::MoreContext, T);
        let level1 = draw(&s, 100, 24).backend().to_string();
        assert!(level1.contains("closed since March"), "{level1}");
        assert!(!level1.contains("council met"), "{level1}");
        s.apply(Action::MoreContext, T);
        let term = draw(&s, 100, 24);
        let level2 = term.backend();
        let text2 = level2.to_string();
        assert!(
            text2.contains("council met") && text2.contains("detour"),
            "{text2}"
        );
        assert!(
            !text2.contains('\x1b') && !text2.contains('\u{9b}'),
            "{text2}"
        );
        insta::assert_snapshot!(level2);
    }

    /// Articles and contexts with Windows (CRLF) or old Mac (CR) line ends: a carriage return
    /// ends a line on the screen as a newline does. It used to show as `␍` at the end of every
    /// line, and in a file of CR line ends, all of it was one paragraph, so `c` showed the
    /// whole article at once.
    #[test]
    fn carriage_returns_end_lines_and_paragraphs() {
        use crate::review::articles::Articles;
        for nl in ["\r\n", "\r"] {
            let text = [
                "The council met on Monday.",
                "",
                "The bridge is closed.",
                "“We will reopen it,” said Lena Ortiz.",
                "",
                "Residents complained.",
                "",
                "Nothing else.",
            ]
            .join(nl);
            let q = "We will reopen it,";
            let qs = text[..text.find(q).unwrap()].chars().count();
            let cs = text[..text.find("The bridge").unwrap()].chars().count();
            let context: String = text
                .chars()
                .skip(cs)
                .take_while(|c| *c != '\u{201d}')
                .chain(['\u{201d}'])
                .collect();
            let rec = QuoteRecord {
                quote_id: "d:1-2".into(),
                doc_id: "d".into(),
                quote: q.into(),
                start: qs,
                end: qs + q.chars().count(),
                speaker: "Lena Ortiz".into(),
                context,
                context_start: Some(cs),
                ..Default::default()
            };
            let (articles, report) = Articles::from_texts(
                [("d".to_string(), text.clone())],
                std::slice::from_ref(&rec),
            );
            assert_eq!(report.matched, 1);
            let mut s = Session::new(vec![rec], vec![Review::default()], vec![0], ana());
            s.set_articles(articles);
            let level0 = draw(&s, 60, 24).backend().to_string();
            assert!(
                level0.contains("│The bridge is closed.   ")
                    && level0.contains("│“We will reopen it,”   "),
                "{nl:?}: {level0}"
            );
            s.apply(Action::MoreContext, T);
            let level1 = draw(&s, 60, 24).backend().to_string();
            assert!(
                level1.contains("│“We will reopen it,” said Lena Ortiz.   ")
                    && !level1.contains("bridge"),
                "{nl:?}: the quote's paragraph, not the whole article: {level1}"
            );
            s.apply(Action::MoreContext, T);
            let level2 = draw(&s, 60, 24).backend().to_string();
            assert!(
                level2.contains("│The bridge is closed.   ")
                    && level2.contains("│Residents complained.   ")
                    && !level2.contains("council")
                    && !level2.contains("Nothing else"),
                "{nl:?}: one paragraph more on each side: {level2}"
            );
            for screen in [level0, level1, level2] {
                assert!(!screen.contains('␍'), "{nl:?}: {screen}");
            }
        }
    }

    /// A quote of a megabyte (or a paragraph of one, or a cell of one in a hostile file) is
    /// shown as well as a short one, but only the part that can reach the screen is laid out:
    /// every key press redraws the screen, and laying out all of it took a quarter to half a
    /// second a press.
    #[test]
    fn a_huge_quote_is_laid_out_only_where_it_shows() {
        let words = "word ".repeat(200_000);
        let quote = format!("Start {}end.", words);
        let context = format!("Before it. \u{201c}{quote}\u{201d} said Big Talker.");
        let qs = 12;
        let huge = QuoteRecord {
            quote_id: "d:12-1".into(),
            doc_id: "d".into(),
            quote: quote.clone(),
            start: qs,
            end: qs + quote.chars().count(),
            speaker: format!("Big {}", "Talker ".repeat(150_000)),
            speaker_mention: "Big Talker".into(),
            context,
            context_start: Some(0),
            candidates: vec!["x".repeat(1_000_000)],
            note: "n".repeat(1_000_000),
            ..Default::default()
        };
        let mut late = huge.clone();
        // the quote at the end of a megabyte of context: the box shows it, not the start
        late.context = format!("{}\u{201c}Late.\u{201d}", "Before. ".repeat(125_000));
        late.quote = "Late.".into();
        late.start = late.context.chars().count() - 6;
        late.end = late.start + 5;
        let s = Session::new(
            vec![huge, late],
            vec![Review::default(); 2],
            vec![0, 1],
            ana(),
        );
        let mut s = s;
        for (row, (w, h)) in [(0, (100, 30)), (0, (20, 8)), (1, (100, 30)), (1, (20, 8))] {
            if row == 1 && s.pos() == 0 {
                s.apply(Action::Next, T);
            }
            take_laid_out();
            let screen = draw(&s, w, h).backend().to_string();
            let work = take_laid_out();
            assert!(work < 100_000, "{w}×{h}: {work} characters laid out");
            let want = if row == 0 { "Start word word" } else { "Late." };
            assert!(screen.contains(want), "{w}×{h}: {screen}");
        }
    }

    /// A flood of combining marks on one letter (Zalgo text) is drawn stacked in one cell,
    /// and a terminal draws the stack over the lines above and below it, the box borders
    /// included. At most four marks a letter reach the screen; the rest are shown as one `⍽`.
    #[test]
    fn a_flood_of_combining_marks_stays_in_its_line() {
        let flood = format!(
            "Zalgo a{}b{} text",
            "\u{301}".repeat(600),
            "\u{489}\u{300}".repeat(300)
        );
        let r = QuoteRecord {
            quote_id: "z".into(),
            doc_id: "z".into(),
            quote: flood.clone(),
            speaker: format!("Tom{} Ford", "\u{308}".repeat(50)),
            context: flood,
            context_start: Some(0),
            ..Default::default()
        };
        let s = Session::new(vec![r], vec![Review::default()], vec![0], ana());
        let t = draw(&s, 80, 24);
        let buf = t.backend().buffer();
        let mut most = 0;
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                let marks = buf[(x, y)]
                    .symbol()
                    .chars()
                    .filter(|c| {
                        use finl_unicode::categories::CharacterCategories;
                        c.is_mark()
                    })
                    .count();
                most = most.max(marks);
            }
        }
        assert!(most <= 4, "a cell holds {most} marks");
        let text = t.backend().to_string();
        assert!(
            text.contains(
                "Zalgo a\u{301}\u{301}\u{301}\u{301}⍽b\u{489}\u{300}\u{489}\u{300}⍽ text"
            ),
            "{text}"
        );
        assert!(
            text.contains("Tom\u{308}\u{308}\u{308}\u{308}⍽ Ford"),
            "{text}"
        );
    }

    #[test]
    fn more_context_merges_neighbours() {
        let mut recs = records();
        recs[1] = QuoteRecord {
            quote_id: "nyt-1:260-270".into(),
            doc_id: "nyt-1".into(),
            quote: "Later".into(),
            start: 262,
            end: 267,
            context: "A Later sentence follows.".into(),
            context_start: Some(260),
            ..Default::default()
        };
        let mut s = Session::new(recs, vec![Review::default(); 2], vec![0, 1], ana());
        s.apply(Action::MoreContext, T);
        let text = draw(&s, 100, 24).backend().to_string();
        assert!(text.contains("Later sentence"), "{text}");
        assert!(text.contains("…"), "{text}");
    }

    #[test]
    fn wrap_keeps_lines_within_width() {
        let text: Vec<(char, Style)> = "one two three fourfivesixseveneight nine 中文字符 end"
            .chars()
            .map(|c| (c, Style::default()))
            .collect();
        for w in 1..20 {
            let (lines, _) = wrap(&text, w, 0);
            for l in &lines {
                assert!(l.width() <= w.max(2), "{w}: {l:?}");
            }
        }
    }

    /// Rows whose text holds invisible or width-changing characters.
    fn invisible_records() -> Vec<QuoteRecord> {
        let context = "Site \u{1F3D7}\u{FE0F} plans \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} \
                       (a\u{200B}b\u{200C}c\u{200D}d\u{2060}e\u{FEFF}f x\u{200D}\x1b[2J) \
                       \u{201c}We build,\u{201d} said Lena\u{200B}Ortiz \u{1F3D7}\u{FE0F}\u{1F3D7}\u{FE0F}\u{1F3D7}\u{FE0F} \
                       and \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} end of the sentence here.";
        let q = "We build,";
        let qs = context[..context.find(q).unwrap()].chars().count();
        let ms = context[..context.find("Lena").unwrap()].chars().count();
        vec![QuoteRecord {
            quote_id: "web-1:1-2".into(),
            doc_id: "web\u{200B}-1".into(),
            quote: q.into(),
            start: qs,
            end: qs + q.chars().count(),
            speaker: "Lena\u{200B}Ortiz".into(),
            speaker_mention: "Lena\u{200B}Ortiz".into(),
            speaker_start: Some(ms),
            speaker_end: Some(ms + 10),
            cue: "said\u{2060}".into(),
            candidates: vec![
                "Bob \u{1F3D7}\u{FE0F}".into(),
                "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} Fam".into(),
            ],
            context: context.into(),
            context_start: Some(0),
            ..Default::default()
        }]
    }

    /// Every cell holds what a terminal advances over by exactly the width the buffer gives
    /// it, each row adds up to the window width, and (with `boxes` spanning the window, so not
    /// under the help overlay) the boxes' right border is in its column.
    fn assert_cells_agree(t: &Terminal<TestBackend>, boxes: bool) {
        use ratatui::buffer::CellWidth;
        let buf = t.backend().buffer();
        let (w, h) = (buf.area.width, buf.area.height);
        for y in 0..h {
            let mut x = 0;
            while x < w {
                let sym = buf[(x, y)].symbol();
                let cells = sym.cell_width().max(1);
                // A terminal that measures code point by code point (wcwidth) must agree.
                let per_char: usize = sym.chars().map(|c| c.width().unwrap_or(0)).sum();
                assert_eq!(
                    per_char,
                    cells as usize,
                    "row {y} col {x}: {sym:?} measured {cells}, drawn {per_char}\n{}",
                    t.backend()
                );
                assert!(
                    !sym.chars().any(|c| {
                        finl_unicode::categories::CharacterCategories::is_format(c)
                            || matches!(c, '\u{FE0E}' | '\u{FE0F}')
                    }),
                    "row {y} col {x}: invisible {sym:?}\n{}",
                    t.backend()
                );
                x += cells;
            }
            assert_eq!(x, w, "row {y} overflows\n{}", t.backend());
            let left = buf[(0, y)].symbol();
            if boxes && matches!(left, "│" | "┌" | "└") {
                let right = buf[(w - 1, y)].symbol();
                assert!(
                    matches!(right, "│" | "┐" | "┘"),
                    "row {y}: border out of line ({right:?})\n{}",
                    t.backend()
                );
            }
        }
    }

    #[test]
    fn invisible_and_width_changing_characters_keep_the_layout() {
        let recs = invisible_records();
        let s = Session::new(recs, vec![Review::default()], vec![0], ana());
        for (w, h) in [(100, 24), (60, 24), (40, 12), (28, 8)] {
            assert_cells_agree(&draw(&s, w, h), true);
        }
        let mut s = s;
        s.apply(Action::MoreContext, T);
        assert_cells_agree(&draw(&s, 37, 30), true);
        s.apply(Action::LessContext, T);
        let wide = draw(&s, 100, 24);
        let text = wide.backend().to_string();
        // An invisible character inside a name is shown, so that "Lena\u{200B}Ortiz" cannot
        // pass for "LenaOrtiz".
        assert!(text.contains("Predicted  Lena⍽Ortiz"), "{text}");
        insta::assert_snapshot!("invisible_100x24", wide.backend());
        insta::assert_snapshot!("invisible_60x24", draw(&s, 60, 24).backend());
    }

    proptest::proptest! {
        /// Whatever the file holds and whatever the window size, drawing never panics and no
        /// control character reaches the screen.
        #[test]
        fn any_row_any_size(
            quote in "\\PC{0,30}|[\\x00-\\x1f\\x7f-\\u{9f}a 中]{0,30}",
            context in "[\\x00-\\x1f\\x7f-\\u{9f}a-z 中“”\\n\\t\\u{FF9E}\\u{FF9F}\\u{200B}-\\u{200D}\\u{2060}\\u{FEFF}\\u{AD}\\u{FE0F}\\u{FE0E}\\u{301}\\u{1F3D7}\\u{1F468}\\u{1F3FD}\\u{2764}\\u{1F1FA}]{0,200}",
            speaker in "[\\x00-\\x1fa-z 中\\u{200B}\\u{200D}\\u{FE0F}\\u{1F468}\\u{1F3FD}]{0,20}",
            start in 0usize..300, len in 0usize..40, cs in proptest::option::of(0usize..300),
            ss in proptest::option::of(0usize..300),
            w in 1u16..140, h in 1u16..50, level in 0usize..4, help in proptest::bool::ANY,
        ) {
            let r = QuoteRecord {
                quote_id: "x:1-2".into(),
                doc_id: "x".into(),
                quote,
                start,
                end: start + len,
                speaker: speaker.clone(),
                speaker_mention: speaker,
                speaker_start: ss,
                speaker_end: ss.map(|x| x + 3),
                candidates: vec!["\u{1b}[2Jbad".into()],
                context,
                context_start: cs,
                ..Default::default()
            };
            let mut s = Session::new(vec![r.clone(), r], vec![Review::default(); 2], vec![0, 1], ana());
            for _ in 0..level {
                s.apply(Action::MoreContext, T);
            }
            if help {
                s.apply(Action::ToggleHelp, T);
            }
            let t = draw(&s, w, h);
            assert_cells_agree(&t, !help);
            let buf = t.backend().buffer();
            for cell in buf.content() {
                proptest::prop_assert!(!cell.symbol().chars().any(|c| c.is_control()), "{:?}", cell.symbol());
            }
        }
    }
}
