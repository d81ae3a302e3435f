//! The review session as pure state: rows, their review states, the cursor, undo/redo, the
//! filters and the text prompts. No terminal, no files, no clock: the caller passes the time in
//! and makes decisions durable.
//!
//! A decision is two-phase. [`Session::handle`] answers [`Effect::Persist`] with the new row
//! states and keeps the change pending; the caller writes them to the journal and then calls
//! [`Session::commit`] (or [`Session::abort`] when the write failed). So the screen never shows
//! a decision that is not on disk.

use std::collections::HashMap;

use super::action::Action;
use super::articles::Articles;
use super::store::Review;
use crate::schema::{QuoteRecord, Status};

/// What the keyboard is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a speaker.
    Edit,
    /// Typing a note.
    Note,
    /// Typing a search.
    Search,
    /// The help overlay is open.
    Help,
}

/// Which rows a session goes through (`--only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Only {
    /// Rows without a decision.
    Pending,
    /// Rows flagged for discussion.
    Flagged,
    /// Rows whose confidence is under the threshold.
    LowConfidence,
    /// Rows of a merged file on which annotators disagreed (`agreement` < 1) or that nobody
    /// answered (`agreement` empty).
    Disagreements,
}

/// How the rows of a session are chosen.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub only: Option<Only>,
    /// Keep only these documents (none = all).
    pub docs: Vec<String>,
    /// A reproducible random sample: (size, seed).
    pub sample: Option<(usize, u64)>,
    /// The `low-confidence` threshold.
    pub threshold: f64,
}

/// Settings of a session.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub annotator: String,
    /// Hide the predicted speaker (agreement studies).
    pub blind: bool,
    /// Show the annotators' answers (`ann_*` columns) and offer them as alternatives.
    pub adjudicate: bool,
}

/// What the caller has to do after an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    /// Make these row states durable, then call [`Session::commit`].
    Persist(Vec<(usize, Review)>),
    /// Save and quit.
    Quit,
}

/// One annotator's answer on a row of a merged file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub name: String,
    /// Their status (empty when pending).
    pub status: String,
    /// Their final speaker (empty when none).
    pub speaker: String,
}

/// A message on the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// One decision as undo sees it.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    row: usize,
    /// View position of the row.
    at: usize,
    before: Review,
    after: Review,
}

#[derive(Debug, Clone, PartialEq)]
enum Pending {
    Decide { step: Box<Step>, advance: bool },
    Undo,
    Redo,
}

/// Decision counts over the rows of the session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub pending: usize,
    pub confirmed: usize,
    pub corrected: usize,
    pub rejected: usize,
    pub flagged: usize,
}

impl Counts {
    fn slot(&mut self, s: Option<Status>) -> &mut usize {
        match s {
            None => &mut self.pending,
            Some(Status::Confirmed) => &mut self.confirmed,
            Some(Status::Corrected) => &mut self.corrected,
            Some(Status::Rejected) => &mut self.rejected,
            Some(Status::Flagged) => &mut self.flagged,
        }
    }
    pub fn reviewed(&self) -> usize {
        self.confirmed + self.corrected + self.rejected + self.flagged
    }
}

/// The most context levels `c` adds.
pub const MAX_CONTEXT: usize = 6;

pub struct Session {
    records: Vec<QuoteRecord>,
    reviews: Vec<Review>,
    view: Vec<usize>,
    /// Position of each row in the view (`usize::MAX` when not in it).
    pos_of: Vec<usize>,
    pos: usize,
    undo: Vec<Step>,
    redo: Vec<Step>,
    pending: Option<Pending>,
    mode: Mode,
    input: String,
    completion: Option<(String, usize)>,
    last_search: String,
    message: Option<Message>,
    settings: Settings,
    /// Names seen in each document, in order of first appearance.
    doc_names: HashMap<String, Vec<String>>,
    /// Rows of each document in file order, for extra context.
    doc_rows: HashMap<String, Vec<usize>>,
    counts: Counts,
    context: usize,
    /// The source articles, when given: more context comes from them.
    articles: Articles,
}

/// Names that a value of an `ann_*` column gives as a speaker: the value itself, or the part
/// after `status:`; nothing for a bare status word or an empty value.
pub fn ann_speaker(value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || v.eq_ignore_ascii_case("pending") || v.parse::<Status>().is_ok() {
        return None;
    }
    if let Some((head, rest)) = v.split_once(':')
        && head.trim().parse::<Status>().is_ok()
    {
        let rest = rest.trim();
        return (!rest.is_empty()).then(|| rest.to_string());
    }
    Some(v.to_string())
}

/// A stable pseudo-random key for sampling: the same seed and quote id give the same key on
/// every machine and in every version (SplitMix64 over FNV-1a), so a sample does not depend on
/// the row order, the review state or a library's random number generator.
pub fn sample_key(seed: u64, quote_id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in quote_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut z = h ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The agreement of a row of a merged file, when it has one.
pub fn agreement(r: &QuoteRecord) -> Option<f64> {
    r.extra
        .iter()
        .find(|(k, _)| k == "agreement")
        .and_then(|(_, v)| v.trim().parse::<f64>().ok())
}

/// The rows a session goes through, in file order. Documents first, then the sample (drawn
/// from those documents whatever their review state, so that reopening gives the same rows),
/// then `--only`.
pub fn select_rows(
    records: &[QuoteRecord],
    reviews: &[Review],
    f: &Filter,
) -> Result<Vec<usize>, String> {
    let mut rows: Vec<usize> = (0..records.len())
        .filter(|&i| f.docs.is_empty() || f.docs.iter().any(|d| *d == records[i].doc_id))
        .collect();
    if !f.docs.is_empty() && rows.is_empty() {
        return Err(format!(
            "no rows with document id {}",
            f.docs
                .iter()
                .map(|d| format!("{:?}", crate::text::sanitize_one_line(d)))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    if let Some((n, seed)) = f.sample
        && n < rows.len()
    {
        let mut keyed: Vec<(u64, usize)> = rows
            .iter()
            .map(|&i| (sample_key(seed, &records[i].quote_id), i))
            .collect();
        keyed.select_nth_unstable(n);
        rows = keyed[..n].iter().map(|&(_, i)| i).collect();
        rows.sort_unstable();
    }
    match f.only {
        None => {}
        Some(Only::Pending) => rows.retain(|&i| reviews[i].status.is_none()),
        Some(Only::Flagged) => rows.retain(|&i| reviews[i].status == Some(Status::Flagged)),
        Some(Only::LowConfidence) => rows.retain(|&i| records[i].confidence < f.threshold),
        Some(Only::Disagreements) => {
            if !records
                .iter()
                .any(|r| r.extra.iter().any(|(k, _)| k == "agreement"))
            {
                return Err(
                    "--only disagreements needs a merged file with an `agreement` column (written by `quotecheck diff --merge`)"
                        .to_string(),
                );
            }
            // An empty agreement is a quote nobody answered: it needs a decision too.
            rows.retain(|&i| agreement(&records[i]).is_none_or(|a| a < 1.0));
        }
    }
    Ok(rows)
}

/// What two spellings of one speaker share, for listing each speaker once: the normalised
/// name, or for a name that normalises to nothing (only a title, say) the name as written.
fn speaker_key(name: &str) -> String {
    let k = crate::speaker::normalize(name);
    if k.is_empty() {
        // \0 cannot occur in a normalised name, so the two kinds of key never collide
        format!("\0{}", name.trim())
    } else {
        k
    }
}

fn push_name(names: &mut Vec<String>, n: &str) {
    let n = n.trim();
    if !n.is_empty() && !names.iter().any(|x| x == n) {
        names.push(n.to_string());
    }
}

impl Session {
    /// A session over `records` (whose review states are `reviews`) going through `view`.
    /// The cursor starts on the first pending row.
    pub fn new(
        records: Vec<QuoteRecord>,
        reviews: Vec<Review>,
        view: Vec<usize>,
        settings: Settings,
    ) -> Session {
        assert_eq!(records.len(), reviews.len());
        let mut doc_names: HashMap<String, Vec<String>> = HashMap::new();
        let mut doc_rows: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in records.iter().enumerate() {
            let names = doc_names.entry(r.doc_id.clone()).or_default();
            push_name(names, &r.speaker);
            for c in &r.candidates {
                push_name(names, c);
            }
            push_name(names, &reviews[i].reviewed_speaker);
            doc_rows.entry(r.doc_id.clone()).or_default().push(i);
        }
        let mut pos_of = vec![usize::MAX; records.len()];
        let mut counts = Counts::default();
        for (p, &i) in view.iter().enumerate() {
            pos_of[i] = p;
            *counts.slot(reviews[i].status) += 1;
        }
        let start = view
            .iter()
            .position(|&i| reviews[i].status.is_none())
            .unwrap_or(0);
        Session {
            records,
            reviews,
            view,
            pos_of,
            pos: start,
            undo: Vec::new(),
            redo: Vec::new(),
            pending: None,
            mode: Mode::Normal,
            input: String::new(),
            completion: None,
            last_search: String::new(),
            message: None,
            settings,
            doc_names,
            doc_rows,
            counts,
            context: 0,
            articles: Articles::default(),
        }
    }

    // --- what the screen shows --------------------------------------------------------------

    pub fn records(&self) -> &[QuoteRecord] {
        &self.records
    }
    pub fn reviews(&self) -> &[Review] {
        &self.reviews
    }
    pub fn view_len(&self) -> usize {
        self.view.len()
    }
    /// Position of the cursor in the view (0-based).
    pub fn pos(&self) -> usize {
        self.pos
    }
    /// The row under the cursor (index into the file's rows).
    pub fn current_row(&self) -> Option<usize> {
        self.view.get(self.pos).copied()
    }
    pub fn current(&self) -> Option<(&QuoteRecord, &Review)> {
        self.current_row()
            .map(|i| (&self.records[i], &self.reviews[i]))
    }
    pub fn mode(&self) -> Mode {
        self.mode
    }
    pub fn input(&self) -> &str {
        &self.input
    }
    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    pub fn counts(&self) -> Counts {
        self.counts
    }
    pub fn context_level(&self) -> usize {
        self.context
    }

    /// Shows more context from these articles instead of the neighbouring rows' contexts.
    pub fn set_articles(&mut self, articles: Articles) {
        self.articles = articles;
    }

    /// At context level `level` ≥ 1, the paragraphs of the current row's article around the
    /// quote (`level - 1` more on each side): the window's start offset and text.
    pub fn article_window(&self, level: usize) -> Option<(usize, String)> {
        let r = &self.records[self.current_row()?];
        if level == 0 {
            return None;
        }
        self.articles.window(&r.doc_id, r.start, r.end, level - 1)
    }
    pub fn can_undo(&self) -> usize {
        self.undo.len()
    }
    pub fn can_redo(&self) -> usize {
        self.redo.len()
    }

    /// Other rows of the same document within `level` rows of the current one, in file order
    /// (the current row included), for showing more context.
    pub fn neighbours(&self, level: usize) -> Vec<usize> {
        let Some(row) = self.current_row() else {
            return Vec::new();
        };
        let rows = &self.doc_rows[&self.records[row].doc_id];
        let at = rows.iter().position(|&r| r == row).unwrap_or(0);
        let lo = at.saturating_sub(level);
        let hi = (at + level + 1).min(rows.len());
        rows[lo..hi].to_vec()
    }

    /// The names in the current row's document.
    pub fn doc_names(&self) -> &[String] {
        self.current_row()
            .and_then(|i| self.doc_names.get(&self.records[i].doc_id))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The annotators' answers of the current row, in adjudication mode: from the
    /// `ann_<name>_status` and `ann_<name>_speaker` columns that `diff --merge` writes (or any
    /// other `ann_<name>` column, taken as a free-form answer).
    pub fn annotator_answers(&self) -> Vec<Answer> {
        if !self.settings.adjudicate {
            return Vec::new();
        }
        let Some((r, _)) = self.current() else {
            return Vec::new();
        };
        let mut out: Vec<Answer> = Vec::new();
        for (k, v) in &r.extra {
            let Some(rest) = k.strip_prefix("ann_") else {
                continue;
            };
            let (name, part) = if let Some(n) = rest.strip_suffix("_status") {
                (n, 0)
            } else if let Some(n) = rest.strip_suffix("_speaker") {
                (n, 1)
            } else {
                (rest, 2)
            };
            let i = match out.iter().position(|a| a.name == name) {
                Some(i) => i,
                None => {
                    out.push(Answer {
                        name: name.to_string(),
                        ..Default::default()
                    });
                    out.len() - 1
                }
            };
            let a = &mut out[i];
            match part {
                0 => a.status = v.trim().to_string(),
                1 => a.speaker = v.trim().to_string(),
                _ => {
                    if let Some(sp) = ann_speaker(v) {
                        a.speaker = sp;
                    } else {
                        a.status = v.trim().to_string();
                    }
                }
            }
        }
        out
    }

    /// The numbered alternative speakers of the current row (at most nine): in adjudication
    /// mode the annotators' answers first; then the `candidates` column; then the other names
    /// in the document. Each speaker is listed once, in its first spelling, and two spellings
    /// count as one speaker when they normalise alike ([`crate::speaker::normalize`]: "The
    /// Pentagon" and "the Pentagon", "Sen. Joe Blake" and "Joe Blake"), as `diff` and `eval`
    /// count them. The predicted speaker is left out, `a` confirms it, except in blind mode,
    /// where every name is listed in alphabetical order so that the list does not give the
    /// model away.
    pub fn alternatives(&self) -> Vec<String> {
        let Some((r, _)) = self.current() else {
            return Vec::new();
        };
        let mut names: Vec<String> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let blind = self.settings.blind;
        if !blind && !r.speaker.trim().is_empty() {
            seen.push(speaker_key(&r.speaker));
        }
        let mut add = |names: &mut Vec<String>, n: &str| {
            let n = n.trim();
            if n.is_empty() {
                return;
            }
            let key = speaker_key(n);
            if !seen.contains(&key) {
                seen.push(key);
                names.push(n.to_string());
            }
        };
        for a in self.annotator_answers() {
            add(&mut names, &a.speaker);
        }
        let first_rest = names.len();
        if blind {
            add(&mut names, &r.speaker);
        }
        for c in &r.candidates {
            add(&mut names, c);
        }
        for n in self.doc_names() {
            add(&mut names, n);
        }
        if blind {
            names[first_rest..].sort_by_key(|n| n.to_lowercase());
        }
        names.truncate(9);
        names
    }

    // --- actions ----------------------------------------------------------------------------

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    fn set_pos(&mut self, p: usize) {
        self.pos = p.min(self.view.len().saturating_sub(1));
    }

    /// Handles one action at time `now` (RFC 3339).
    pub fn handle(&mut self, action: Action, now: &str) -> Effect {
        if self.pending.is_some() {
            // The caller always commits or aborts before the next key; refuse rather than lose
            // track of a decision.
            return Effect::None;
        }
        if action == Action::Nothing {
            return Effect::None;
        }
        if action == Action::Quit {
            return Effect::Quit;
        }
        self.message = None;
        match self.mode {
            Mode::Help => {
                self.mode = Mode::Normal;
                Effect::None
            }
            Mode::Edit | Mode::Note | Mode::Search => self.handle_prompt(action, now),
            Mode::Normal => self.handle_normal(action, now),
        }
    }

    fn handle_normal(&mut self, action: Action, now: &str) -> Effect {
        if self.view.is_empty() {
            if action == Action::ToggleHelp {
                self.mode = Mode::Help;
            }
            return Effect::None;
        }
        match action {
            Action::Confirm => {
                let (r, _) = self.current().expect("non-empty view");
                if self.settings.blind {
                    self.info("blind review: the prediction is hidden; choose a speaker with 1-9 or type one with e");
                    return Effect::None;
                }
                if r.speaker.trim().is_empty() {
                    self.info("no predicted speaker to confirm: choose one (1-9), type one (e) or reject (x)");
                    return Effect::None;
                }
                let name = r.speaker.trim().to_string();
                self.decide_speaker(&name, now)
            }
            Action::AcceptSuggestion => {
                let (_, rev) = self.current().expect("non-empty view");
                let suggested = rev.reviewed_speaker.trim();
                if rev.status.is_some() || suggested.is_empty() {
                    self.info("no suggested speaker here: s accepts the majority speaker a merged file suggests for a pending row");
                    return Effect::None;
                }
                let name = suggested.to_string();
                self.decide_speaker(&name, now)
            }
            Action::Choose(n) => {
                let alts = self.alternatives();
                match alts.get(usize::from(n).saturating_sub(1)) {
                    Some(name) => {
                        let name = name.clone();
                        self.decide_speaker(&name, now)
                    }
                    None => {
                        self.info(format!("there is no alternative {n}"));
                        Effect::None
                    }
                }
            }
            Action::Reject => self.decide(now, true, |r| {
                r.status = Some(Status::Rejected);
                r.reviewed_speaker.clear();
            }),
            Action::Flag => self.decide(now, true, |r| r.status = Some(Status::Flagged)),
            Action::StartEdit => {
                let (_, rev) = self.current().expect("non-empty view");
                self.input = if rev.status == Some(Status::Corrected) {
                    rev.reviewed_speaker.clone()
                } else {
                    String::new()
                };
                self.completion = None;
                self.mode = Mode::Edit;
                Effect::None
            }
            Action::StartNote => {
                let (_, rev) = self.current().expect("non-empty view");
                self.input = rev.note.clone();
                self.mode = Mode::Note;
                Effect::None
            }
            Action::StartSearch => {
                self.input.clear();
                self.mode = Mode::Search;
                Effect::None
            }
            Action::Skip | Action::Next => {
                if self.pos + 1 >= self.view.len() {
                    self.info("last row");
                }
                self.set_pos(self.pos + 1);
                Effect::None
            }
            Action::Prev => {
                if self.pos == 0 {
                    self.info("first row");
                }
                self.set_pos(self.pos.saturating_sub(1));
                Effect::None
            }
            Action::First => {
                self.set_pos(0);
                Effect::None
            }
            Action::Last => {
                self.set_pos(self.view.len());
                Effect::None
            }
            Action::NextPending => {
                let n = self.view.len();
                match (1..=n)
                    .map(|d| (self.pos + d) % n)
                    .find(|&p| self.reviews[self.view[p]].status.is_none())
                {
                    Some(p) => self.set_pos(p),
                    None => self.info("no pending rows left"),
                }
                Effect::None
            }
            Action::Undo => match self.undo.last() {
                Some(step) => {
                    let change = vec![(step.row, step.before.clone())];
                    self.pending = Some(Pending::Undo);
                    Effect::Persist(change)
                }
                None => {
                    self.info("nothing to undo");
                    Effect::None
                }
            },
            Action::Redo => match self.redo.last() {
                Some(step) => {
                    let change = vec![(step.row, step.after.clone())];
                    self.pending = Some(Pending::Redo);
                    Effect::Persist(change)
                }
                None => {
                    self.info("nothing to redo");
                    Effect::None
                }
            },
            Action::MoreContext => {
                self.context = (self.context + 1).min(MAX_CONTEXT);
                Effect::None
            }
            Action::LessContext => {
                self.context = self.context.saturating_sub(1);
                Effect::None
            }
            Action::ToggleHelp => {
                self.mode = Mode::Help;
                Effect::None
            }
            _ => Effect::None,
        }
    }

    fn handle_prompt(&mut self, action: Action, now: &str) -> Effect {
        match action {
            Action::Insert(c) => {
                if !c.is_control() {
                    self.input.push(c);
                }
                self.completion = None;
                Effect::None
            }
            Action::DeleteBack => {
                self.input.pop();
                self.completion = None;
                Effect::None
            }
            Action::ClearInput => {
                self.input.clear();
                self.completion = None;
                Effect::None
            }
            Action::Complete => {
                self.complete();
                Effect::None
            }
            Action::Cancel => {
                self.mode = Mode::Normal;
                self.input.clear();
                Effect::None
            }
            Action::Submit => {
                let mode = self.mode;
                self.mode = Mode::Normal;
                let text = std::mem::take(&mut self.input);
                match mode {
                    Mode::Edit => {
                        let name = text.trim();
                        if name.is_empty() {
                            self.info("no speaker typed: nothing saved (x rejects a row)");
                            Effect::None
                        } else {
                            let name = name.to_string();
                            self.decide_speaker(&name, now)
                        }
                    }
                    Mode::Note => {
                        let note = text.trim().to_string();
                        self.decide(now, false, |r| r.note = note)
                    }
                    _ => {
                        self.search(&text);
                        Effect::None
                    }
                }
            }
            _ => Effect::None,
        }
    }

    /// Tab: completes the typed text to a name of the document (a name that starts with it, or
    /// one of whose words does); pressing Tab again offers the next match.
    fn complete(&mut self) {
        let (typed, next) = match &self.completion {
            Some((typed, i)) => (typed.clone(), i + 1),
            None => (self.input.clone(), 0),
        };
        let t = typed.to_lowercase();
        let matches: Vec<String> = self
            .doc_names()
            .iter()
            .filter(|n| {
                let l = n.to_lowercase();
                l.starts_with(&t) || l.split_whitespace().any(|w| w.starts_with(&t))
            })
            .cloned()
            .collect();
        if matches.is_empty() {
            self.info("no name in this document matches");
            return;
        }
        let i = next % matches.len();
        self.input = matches[i].clone();
        self.completion = Some((typed, i));
        if matches.len() > 1 {
            self.info(format!(
                "{} of {} matching names (Tab for the next)",
                i + 1,
                matches.len()
            ));
        }
    }

    fn search(&mut self, text: &str) {
        let q = if text.trim().is_empty() {
            self.last_search.clone()
        } else {
            text.trim().to_string()
        };
        if q.is_empty() {
            return;
        }
        self.last_search = q.clone();
        let q = q.to_lowercase();
        let n = self.view.len();
        let blind = self.settings.blind;
        let hit = (1..=n).map(|d| (self.pos + d) % n).find(|&p| {
            let i = self.view[p];
            let r = &self.records[i];
            let has = |s: &str| s.to_lowercase().contains(&q);
            has(&r.quote)
                || has(&r.doc_id)
                || has(&r.quote_id)
                || has(&self.reviews[i].reviewed_speaker)
                || (!blind && (has(&r.speaker) || has(&r.speaker_mention)))
        });
        match hit {
            Some(p) => {
                if p <= self.pos {
                    self.info("search wrapped around");
                }
                self.set_pos(p);
            }
            None => self.info(format!(
                "not found: {}",
                crate::text::sanitize_one_line(&self.last_search)
            )),
        }
    }

    /// A decision naming a speaker: `confirmed` when it is the predicted speaker, otherwise
    /// `corrected`.
    fn decide_speaker(&mut self, name: &str, now: &str) -> Effect {
        let predicted = self.current().map(|(r, _)| r.speaker.trim() == name);
        let status = if predicted == Some(true) {
            Status::Confirmed
        } else {
            Status::Corrected
        };
        let name = name.to_string();
        self.decide(now, true, move |r| {
            r.status = Some(status);
            r.reviewed_speaker = name;
        })
    }

    fn decide(&mut self, now: &str, advance: bool, f: impl FnOnce(&mut Review)) -> Effect {
        let Some(row) = self.current_row() else {
            return Effect::None;
        };
        let before = self.reviews[row].clone();
        let mut after = before.clone();
        f(&mut after);
        after.annotator = self.settings.annotator.clone();
        after.reviewed_at = now.to_string();
        let change = vec![(row, after.clone())];
        self.pending = Some(Pending::Decide {
            step: Box::new(Step {
                row,
                at: self.pos,
                before,
                after,
            }),
            advance,
        });
        Effect::Persist(change)
    }

    fn set_review(&mut self, row: usize, r: Review) {
        if self.pos_of[row] != usize::MAX {
            *self.counts.slot(self.reviews[row].status) -= 1;
            *self.counts.slot(r.status) += 1;
        }
        if r.status == Some(Status::Corrected) {
            let names = self
                .doc_names
                .entry(self.records[row].doc_id.clone())
                .or_default();
            push_name(names, &r.reviewed_speaker);
        }
        self.reviews[row] = r;
    }

    /// The pending change is durable: apply it.
    pub fn commit(&mut self) {
        match self.pending.take() {
            None => {}
            Some(Pending::Decide { step, advance }) => {
                self.set_review(step.row, step.after.clone());
                let at = step.at;
                self.undo.push(*step);
                self.redo.clear();
                if advance {
                    self.set_pos(at + 1);
                    if at + 1 >= self.view.len() {
                        let left = self.counts.pending;
                        self.info(if left == 0 {
                            "all rows reviewed: q saves and quits".to_string()
                        } else {
                            format!("last row; {left} pending (g goes to the next)")
                        });
                    }
                }
            }
            Some(Pending::Undo) => {
                if let Some(step) = self.undo.pop() {
                    self.set_review(step.row, step.before.clone());
                    self.set_pos(step.at);
                    self.info(format!(
                        "undone ({} more can be undone, Ctrl-r redoes)",
                        self.undo.len()
                    ));
                    self.redo.push(step);
                }
            }
            Some(Pending::Redo) => {
                if let Some(step) = self.redo.pop() {
                    self.set_review(step.row, step.after.clone());
                    self.set_pos(step.at + 1);
                    self.info("redone");
                    self.undo.push(step);
                }
            }
        }
    }

    /// The pending change could not be made durable: drop it and say why.
    pub fn abort(&mut self, why: &str) {
        self.pending = None;
        self.message = Some(Message {
            text: format!("NOT SAVED: {why}"),
            error: true,
        });
    }

    /// Text pasted into the terminal (bracketed paste). In a prompt it is typed in whole, its
    /// line breaks and tabs as spaces: were it taken key by key, a line break would end the
    /// prompt and the rest of the text would act as keys (`x` rejecting the row…). Elsewhere it
    /// does nothing.
    pub fn paste(&mut self, text: &str) {
        if self.pending.is_some() {
            return;
        }
        self.message = None;
        match self.mode {
            Mode::Edit | Mode::Note | Mode::Search => {
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '\r' if chars.peek() == Some(&'\n') => {}
                        '\r' | '\n' | '\t' => self.input.push(' '),
                        c if c.is_control() => {}
                        c => self.input.push(c),
                    }
                }
                self.completion = None;
            }
            Mode::Normal | Mode::Help => {
                self.info("pasted text ignored: paste after e (speaker), n (note) or / (search)")
            }
        }
    }

    /// Sets an informational or error message (used by the runtime for saves).
    pub fn notify(&mut self, text: impl Into<String>, error: bool) {
        self.message = Some(Message {
            text: text.into(),
            error,
        });
    }

    /// Handles an action and, if it asks for it, commits immediately (for tests and tools that
    /// have nothing to make durable).
    pub fn apply(&mut self, action: Action, now: &str) -> Effect {
        let e = self.handle(action, now);
        if matches!(e, Effect::Persist(_)) {
            self.commit();
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    const T: &str = "2026-01-01T10:00:00Z";

    fn rec(doc: &str, i: usize, speaker: &str, cands: &[&str]) -> QuoteRecord {
        QuoteRecord {
            quote_id: format!("{doc}:{i}"),
            doc_id: doc.into(),
            quote: format!("quote {i}"),
            start: i * 10,
            end: i * 10 + 5,
            speaker: speaker.into(),
            candidates: cands.iter().map(|s| s.to_string()).collect(),
            confidence: 0.1 * i as f64,
            ..Default::default()
        }
    }

    fn session(settings: Settings) -> Session {
        let records = vec![
            rec("d1", 0, "Lena Ortiz", &["Raj Patel"]),
            rec("d1", 1, "Raj Patel", &[]),
            rec("d1", 2, "", &["Lena Ortiz"]),
            rec("d2", 3, "Mia Chen", &["Tom Ford", "Ann Lee"]),
        ];
        let reviews = vec![Review::default(); 4];
        let view = (0..4).collect();
        Session::new(records, reviews, view, settings)
    }

    fn ana() -> Settings {
        Settings {
            annotator: "ana".into(),
            ..Default::default()
        }
    }

    /// `s` on a pending row of a merged file records the suggested (majority) speaker:
    /// `corrected` when it differs from the prediction, `confirmed` when it is the prediction;
    /// on a row with no suggestion it records nothing and says why.
    #[test]
    fn s_accepts_the_suggested_speaker() {
        let records = vec![
            rec("d1", 0, "Lena Ortiz", &[]),
            rec("d1", 1, "Raj Patel", &[]),
        ];
        let reviews = vec![
            Review {
                reviewed_speaker: "Raj Patel".into(),
                ..Default::default()
            },
            Review::default(),
        ];
        let mut s = Session::new(records, reviews, vec![0, 1], ana());
        assert!(matches!(s.apply(AcceptSuggestion, T), Effect::Persist(_)));
        assert_eq!(s.reviews()[0].status, Some(Status::Corrected));
        assert_eq!(s.reviews()[0].reviewed_speaker, "Raj Patel");
        assert_eq!(s.reviews()[0].annotator, "ana");
        assert_eq!(s.pos(), 1);
        assert!(matches!(s.apply(AcceptSuggestion, T), Effect::None));
        assert_eq!(s.reviews()[1].status, None);
        assert!(
            s.message()
                .is_some_and(|m| m.text.contains("no suggested speaker"))
        );
    }

    #[test]
    fn confirm_records_everything_and_advances() {
        let mut s = session(ana());
        let e = s.handle(Confirm, T);
        assert_eq!(s.pos(), 0, "not applied before commit");
        let Effect::Persist(ch) = e else {
            panic!("{e:?}")
        };
        assert_eq!(ch[0].0, 0);
        s.commit();
        let r = &s.reviews()[0];
        assert_eq!(r.status, Some(Status::Confirmed));
        assert_eq!(r.reviewed_speaker, "Lena Ortiz");
        assert_eq!(r.annotator, "ana");
        assert_eq!(r.reviewed_at, T);
        assert_eq!(s.pos(), 1);
        assert_eq!(s.counts().confirmed, 1);
        assert_eq!(s.counts().pending, 3);
    }

    #[test]
    fn aborted_decision_changes_nothing() {
        let mut s = session(ana());
        assert!(matches!(s.handle(Reject, T), Effect::Persist(_)));
        s.abort("disk full");
        assert_eq!(s.reviews()[0].status, None);
        assert_eq!(s.pos(), 0);
        assert!(s.message().unwrap().error);
        assert_eq!(s.can_undo(), 0);
    }

    #[test]
    fn alternatives_and_choose() {
        let mut s = session(ana());
        // Row 0: candidates first, then other names of the document, never the prediction.
        assert_eq!(s.alternatives(), vec!["Raj Patel"]);
        s.apply(Choose(1), T);
        assert_eq!(s.reviews()[0].status, Some(Status::Corrected));
        assert_eq!(s.reviews()[0].reviewed_speaker, "Raj Patel");
        assert_eq!(s.alternatives(), vec!["Lena Ortiz"]);
        assert_eq!(s.apply(Choose(5), T), Effect::None);
        assert_eq!(s.message().unwrap().text, "there is no alternative 5");
        assert_eq!(s.pos(), 1);
    }

    #[test]
    fn undo_redo_across_rows() {
        let mut s = session(ana());
        s.apply(Confirm, T);
        s.apply(Reject, T);
        s.apply(Flag, T);
        assert_eq!(s.pos(), 3);
        s.apply(Undo, T);
        assert_eq!(s.pos(), 2);
        assert_eq!(s.reviews()[2].status, None);
        s.apply(Undo, T);
        assert_eq!(s.pos(), 1);
        assert_eq!(s.reviews()[1], Review::default());
        s.apply(Redo, T);
        assert_eq!(s.reviews()[1].status, Some(Status::Rejected));
        assert_eq!(s.pos(), 2);
        s.apply(Undo, T);
        s.apply(Undo, T);
        assert_eq!(s.pos(), 0);
        assert_eq!(s.counts().pending, 4);
        assert_eq!(s.apply(Undo, T), Effect::None);
        // A new decision clears redo.
        s.apply(Flag, T);
        assert_eq!(s.can_redo(), 0);
    }

    #[test]
    fn undo_of_a_revised_row_restores_the_earlier_decision() {
        let mut s = session(ana());
        s.apply(Confirm, T);
        s.apply(Prev, T);
        s.apply(Reject, T);
        s.apply(Undo, T);
        assert_eq!(s.reviews()[0].status, Some(Status::Confirmed));
    }

    /// A paste goes into the prompt whole (line breaks as spaces) and never acts as keys.
    #[test]
    fn pasted_text_goes_into_the_prompt_whole() {
        let mut s = session(ana());
        s.apply(StartNote, T);
        s.paste("looks fine\r\nxa\n2\tf\x1b");
        assert_eq!(s.mode(), Mode::Note);
        assert_eq!(s.input(), "looks fine xa 2 f");
        s.apply(Submit, T);
        assert_eq!(s.current().unwrap().1.note, "looks fine xa 2 f");
        assert_eq!(s.current().unwrap().1.status, None);
        s.paste("x\na");
        assert_eq!(s.current().unwrap().1.status, None);
        assert!(s.message().unwrap().text.contains("pasted text ignored"));
    }

    #[test]
    fn edit_with_completion() {
        let mut s = session(ana());
        s.apply(StartEdit, T);
        assert_eq!(s.mode(), Mode::Edit);
        s.apply(Insert('p'), T);
        s.apply(Complete, T);
        assert_eq!(s.input(), "Raj Patel");
        s.apply(Submit, T);
        assert_eq!(s.reviews()[0].status, Some(Status::Corrected));
        assert_eq!(s.reviews()[0].reviewed_speaker, "Raj Patel");
        // Typing the predicted name confirms it.
        s.apply(StartEdit, T);
        for c in "Raj Patel".chars() {
            s.apply(Insert(c), T);
        }
        s.apply(Submit, T);
        assert_eq!(s.reviews()[1].status, Some(Status::Confirmed));
        // Esc cancels.
        s.apply(StartEdit, T);
        s.apply(Insert('z'), T);
        s.apply(Cancel, T);
        assert_eq!(s.mode(), Mode::Normal);
        assert_eq!(s.reviews()[2].status, None);
        // Tab cycles through several matches.
        s.apply(StartEdit, T);
        s.apply(Complete, T);
        let first = s.input().to_string();
        s.apply(Complete, T);
        assert_ne!(s.input(), first);
    }

    #[test]
    fn note_keeps_the_cursor_and_is_undoable() {
        let mut s = session(ana());
        s.apply(StartNote, T);
        for c in "check ,\"this\"".chars() {
            s.apply(Insert(c), T);
        }
        s.apply(Submit, T);
        assert_eq!(s.pos(), 0);
        assert_eq!(s.reviews()[0].note, "check ,\"this\"");
        assert_eq!(s.reviews()[0].status, None);
        s.apply(Undo, T);
        assert_eq!(s.reviews()[0].note, "");
    }

    #[test]
    fn no_prediction_cannot_be_confirmed() {
        let mut s = session(ana());
        s.apply(Last, T);
        s.apply(Prev, T);
        assert_eq!(s.apply(Confirm, T), Effect::None);
        assert!(s.message().unwrap().text.contains("no predicted speaker"));
    }

    #[test]
    fn blind_hides_prediction() {
        let mut s = session(Settings {
            blind: true,
            ..ana()
        });
        assert_eq!(s.apply(Confirm, T), Effect::None);
        assert_eq!(s.alternatives(), vec!["Lena Ortiz", "Raj Patel"]);
        s.apply(Choose(1), T);
        assert_eq!(s.reviews()[0].status, Some(Status::Confirmed));
        s.apply(StartSearch, T);
        for c in "mia".chars() {
            s.apply(Insert(c), T);
        }
        s.apply(Submit, T);
        assert_eq!(s.pos(), 1, "the hidden prediction is not searchable");
    }

    #[test]
    fn navigation_and_next_pending() {
        let mut s = session(ana());
        s.apply(Next, T);
        s.apply(Confirm, T);
        assert_eq!(s.pos(), 2);
        s.apply(First, T);
        s.apply(NextPending, T);
        assert_eq!(s.pos(), 2);
        s.apply(Skip, T);
        assert_eq!(s.pos(), 3);
        s.apply(Next, T);
        assert_eq!(s.pos(), 3);
        assert_eq!(s.message().unwrap().text, "last row");
        s.apply(NextPending, T);
        assert_eq!(s.pos(), 0);
    }

    #[test]
    fn search_quote_speaker_and_doc() {
        let mut s = session(ana());
        s.apply(StartSearch, T);
        for c in "D2".chars() {
            s.apply(Insert(c), T);
        }
        s.apply(Submit, T);
        assert_eq!(s.pos(), 3);
        s.apply(StartSearch, T);
        for c in "patel".chars() {
            s.apply(Insert(c), T);
        }
        s.apply(Submit, T);
        assert_eq!(s.pos(), 1);
        s.apply(StartSearch, T);
        s.apply(Submit, T);
        assert_eq!(s.pos(), 1, "repeat finds no other row and stays");
    }

    #[test]
    fn resumes_at_first_pending() {
        let s0 = session(ana());
        let mut reviews = s0.reviews().to_vec();
        reviews[0].status = Some(Status::Confirmed);
        reviews[1].status = Some(Status::Rejected);
        let s = Session::new(s0.records().to_vec(), reviews, (0..4).collect(), ana());
        assert_eq!(s.pos(), 2);
        assert_eq!(s.counts().reviewed(), 2);
    }

    #[test]
    fn filters() {
        let s = session(ana());
        let recs = s.records().to_vec();
        let mut reviews = vec![Review::default(); 4];
        reviews[1].status = Some(Status::Flagged);
        let f = |only, docs: &[&str]| Filter {
            only,
            docs: docs.iter().map(|d| d.to_string()).collect(),
            sample: None,
            threshold: 0.25,
        };
        assert_eq!(
            select_rows(&recs, &reviews, &f(Some(Only::Pending), &[])).unwrap(),
            vec![0, 2, 3]
        );
        assert_eq!(
            select_rows(&recs, &reviews, &f(Some(Only::Flagged), &[])).unwrap(),
            vec![1]
        );
        assert_eq!(
            select_rows(&recs, &reviews, &f(Some(Only::LowConfidence), &[])).unwrap(),
            vec![0, 1, 2]
        );
        assert_eq!(
            select_rows(&recs, &reviews, &f(None, &["d2"])).unwrap(),
            vec![3]
        );
        assert!(select_rows(&recs, &reviews, &f(None, &["nope"])).is_err());
        assert!(select_rows(&recs, &reviews, &f(Some(Only::Disagreements), &[])).is_err());
    }

    #[test]
    fn sample_is_reproducible_and_independent_of_review_state() {
        let recs: Vec<QuoteRecord> = (0..200).map(|i| rec("d", i, "X", &[])).collect();
        let mut reviews = vec![Review::default(); 200];
        let f = Filter {
            sample: Some((20, 7)),
            ..Default::default()
        };
        let a = select_rows(&recs, &reviews, &f).unwrap();
        assert_eq!(a.len(), 20);
        for r in reviews.iter_mut().step_by(3) {
            r.status = Some(Status::Confirmed);
        }
        assert_eq!(select_rows(&recs, &reviews, &f).unwrap(), a);
        let other = Filter {
            sample: Some((20, 8)),
            ..Default::default()
        };
        assert_ne!(select_rows(&recs, &reviews, &other).unwrap(), a);
        assert!(a.windows(2).all(|w| w[0] < w[1]), "file order");
    }

    /// A quote nobody answered has an empty `agreement` in the merged file: it still needs a
    /// decision before the file is gold, so adjudication shows it with the disagreements.
    #[test]
    fn disagreements_include_quotes_nobody_answered() {
        let mut recs: Vec<QuoteRecord> = (0..4).map(|i| rec("d", i, "Lena Ortiz", &[])).collect();
        for (r, a) in recs.iter_mut().zip(["1", "0.667", "", " "]) {
            r.extra = vec![("agreement".into(), a.into())];
        }
        assert_eq!(disagreement_rows(&recs), vec![1, 2, 3]);
    }

    /// The rows `--only disagreements` shows of unreviewed `recs`.
    fn disagreement_rows(recs: &[QuoteRecord]) -> Vec<usize> {
        let reviews = vec![Review::default(); recs.len()];
        select_rows(
            recs,
            &reviews,
            &Filter {
                only: Some(Only::Disagreements),
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn disagreements_show_annotators_and_offer_their_speakers() {
        let mut recs = vec![
            rec("d", 0, "Lena Ortiz", &[]),
            rec("d", 1, "Raj Patel", &[]),
        ];
        recs[0].extra = vec![
            ("agreement".into(), "0.5".into()),
            ("ann_ana_status".into(), "corrected".into()),
            ("ann_ana_speaker".into(), "Raj Patel".into()),
            ("ann_ben_status".into(), "rejected".into()),
            ("ann_ben_speaker".into(), "".into()),
            ("ann_cy".into(), "corrected: Tom Ford".into()),
        ];
        recs[1].extra = vec![("agreement".into(), "1".into())];
        let reviews = vec![Review::default(); 2];
        let view = disagreement_rows(&recs);
        assert_eq!(view, vec![0]);
        let s = Session::new(
            recs,
            reviews,
            view,
            Settings {
                adjudicate: true,
                ..ana()
            },
        );
        let answers = s.annotator_answers();
        assert_eq!(answers.len(), 3);
        assert_eq!(
            answers[1],
            Answer {
                name: "ben".into(),
                status: "rejected".into(),
                speaker: "".into()
            }
        );
        assert_eq!(s.alternatives()[..2], ["Raj Patel", "Tom Ford"]);
        assert!(!s.alternatives().contains(&"Lena Ortiz".to_string()));
    }

    proptest::proptest! {
        /// Whatever keys are pressed, counts match the states, the cursor stays in the view,
        /// and undoing everything returns every row to where it started.
        #[test]
        fn invariants_hold(keys in proptest::collection::vec(0u8..14, 0..80)) {
            let mut s = session(ana());
            let start = s.reviews().to_vec();
            for k in keys {
                let a = match k {
                    0 => Confirm, 1 => Choose(1), 2 => Reject, 3 => Flag, 4 => Undo,
                    5 => Redo, 6 => Next, 7 => Prev, 8 => NextPending, 9 => Skip,
                    10 => Choose(2), 11 => Last, 12 => First, _ => Undo,
                };
                s.apply(a, T);
                proptest::prop_assert!(s.pos() < s.view_len());
                let mut c = Counts::default();
                for r in s.reviews() { *c.slot(r.status) += 1; }
                proptest::prop_assert_eq!(c, s.counts());
            }
            while s.can_undo() > 0 { s.apply(Undo, T); }
            proptest::prop_assert_eq!(s.reviews(), &start[..]);
        }
    }
}
