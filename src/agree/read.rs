//! Reads reviewed copies of a dataset into columns, keeping only what `diff` compares.
//!
//! A million-row file must be read in a fraction of a second, so CSV is scanned here directly
//! (without a `String` per cell) instead of through [`schema::read_csv`]. The scan follows the
//! same CSV dialect as the `csv` crate's reader (RFC 4180, lenient about stray quotes, `\r`, `\n`
//! or `\r\n` line ends, blank lines skipped), checks every row the way the schema reader does,
//! and reports a bad row through [`schema::record_from_lookup`] so the message is word for word
//! the schema reader's. JSON Lines files go through the schema reader.
//!
//! A file is mapped into memory and cut into chunks at line ends that are parsed in parallel.
//! A cut can fall inside a quoted field that spans lines; so every chunk but the first is parsed
//! on the guess that its cut is a record boundary, and the guess is then checked against where
//! the chunk before it really ended. A wrong guess only costs parsing that chunk again, in order.
//! Problems are reported in file order (within a chunk, invalid text before bad rows, as a
//! single-buffer reader would), with the same words and line numbers however the file is cut.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use foldhash::fast::FixedState;
use rayon::prelude::*;

use crate::error::{Error, Location, Result};
use crate::schema::{self, DataFormat, QuoteRecord, Status};

/// The 64-bit hash quote ids and quote texts are compared by (fixed, so runs agree).
pub fn text_hash(b: &[u8]) -> u64 {
    FixedState::with_seed(0x9e37_79b9).hash_one(b)
}

/// Numbers kept in 4 bytes each while they all fit, in practice always (offsets in documents,
/// positions in files under 4 GiB), else in 8: half the memory to fill for a million rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Numbers {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Default for Numbers {
    fn default() -> Self {
        Numbers::Narrow(Vec::new())
    }
}

impl Numbers {
    #[inline(always)]
    pub fn push(&mut self, v: usize) {
        match self {
            Numbers::Narrow(n) if v <= u32::MAX as usize => n.push(v as u32),
            _ => self.push_wide(v),
        }
    }

    #[cold]
    fn push_wide(&mut self, v: usize) {
        self.widen();
        if let Numbers::Wide(w) = self {
            w.push(v as u64);
        }
    }

    fn widen(&mut self) {
        if let Numbers::Narrow(n) = self {
            *self = Numbers::Wide(n.iter().map(|&x| u64::from(x)).collect());
        }
    }

    #[inline]
    pub fn get(&self, i: usize) -> usize {
        match self {
            Numbers::Narrow(n) => n[i] as usize,
            Numbers::Wide(w) => w[i] as usize,
        }
    }

    pub fn try_get(&self, i: usize) -> Option<usize> {
        match self {
            Numbers::Narrow(n) => n.get(i).map(|&x| x as usize),
            Numbers::Wide(w) => w.get(i).map(|&x| x as usize),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Numbers::Narrow(n) => n.len(),
            Numbers::Wide(w) => w.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn reserve(&mut self, more: usize) {
        match self {
            Numbers::Narrow(n) => n.reserve(more),
            Numbers::Wide(w) => w.reserve(more),
        }
    }

    fn clear(&mut self) {
        *self = match std::mem::take(self) {
            Numbers::Narrow(mut n) => {
                n.clear();
                Numbers::Narrow(n)
            }
            Numbers::Wide(mut w) => {
                // Back to narrow, keeping no room: wide numbers are rare.
                w.clear();
                Numbers::Narrow(Vec::new())
            }
        };
    }

    fn pop(&mut self) {
        match self {
            Numbers::Narrow(n) => {
                n.pop();
            }
            Numbers::Wide(w) => {
                w.pop();
            }
        }
    }

    fn extend_from(&mut self, o: &Numbers) {
        match (&mut *self, o) {
            (Numbers::Narrow(a), Numbers::Narrow(b)) => a.extend_from_slice(b),
            (Numbers::Wide(a), Numbers::Wide(b)) => a.extend_from_slice(b),
            (Numbers::Wide(a), Numbers::Narrow(b)) => a.extend(b.iter().map(|&x| u64::from(x))),
            (Numbers::Narrow(_), Numbers::Wide(b)) => {
                self.widen();
                if let Numbers::Wide(a) = self {
                    a.extend_from_slice(b);
                }
            }
        }
    }

    /// The first `n`.
    fn first(&self, n: usize) -> Numbers {
        match self {
            Numbers::Narrow(v) => Numbers::Narrow(v[..n].to_vec()),
            Numbers::Wide(v) => Numbers::Wide(v[..n].to_vec()),
        }
    }
}

/// Many strings stored end to end.
#[derive(Debug, Clone, Default, PartialEq)]
struct Strs {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Strs {
    fn push(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(s);
        self.ends.push(self.bytes.len());
    }
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }
    fn get(&self, i: usize) -> Cow<'_, str> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        String::from_utf8_lossy(&self.bytes[start..self.ends[i]])
    }
}

/// A string as two words: all of it when it has up to 16 bytes (a name, a document id), else
/// its first and last 8 bytes.
#[inline(always)]
fn short_key(s: &[u8]) -> (u64, u64) {
    let n = s.len();
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
    let half = |b: &[u8]| u64::from(u32::from_le_bytes(b.try_into().unwrap_or([0; 4])));
    match n {
        0 => (0, 0),
        1..4 => (
            u64::from(s[0]) | u64::from(s[n / 2]) << 8 | u64::from(s[n - 1]) << 16,
            0,
        ),
        4..8 => (half(&s[..4]), half(&s[n - 4..])),
        _ => (word(&s[..8]), word(&s[n - 8..])),
    }
}

/// Whether two strings are equal, compared as a few words when short.
#[inline(always)]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    // Two strings of the same length up to 16 bytes are equal when their short keys are.
    a.len() == b.len()
        && if a.len() <= 16 {
            short_key(a) == short_key(b)
        } else {
            a == b
        }
}

/// Mixes a [`short_key`] and the length into a hash.
#[inline(always)]
fn short_hash(a: u64, b: u64, n: u32) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let m = u128::from(a ^ K) * u128::from(b ^ K.rotate_left(32) ^ u64::from(n));
    (m as u64) ^ (m >> 64) as u64
}

/// A slot of [`Interner`]'s table: the string's key and length and its id (`u32::MAX`: empty).
/// A string of up to 16 bytes is compared on the slot alone, so that a look-up touches one
/// place in memory.
#[derive(Debug, Clone, Copy)]
struct Slot {
    a: u64,
    b: u64,
    len: u32,
    id: u32,
}

const EMPTY_SLOT: Slot = Slot {
    a: 0,
    b: 0,
    len: 0,
    id: u32::MAX,
};

/// Interns short strings (document ids, speaker names) as small integers, numbered in order of
/// first appearance.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    /// Open addressing, a power of two at most half full (or empty).
    slots: Vec<Slot>,
    text: String,
    ends: Vec<usize>,
    /// The ids asked for since [`Interner::begin`], in order of first asking (a chunk's table
    /// keeps its strings from chunk to chunk, and tells which of them the chunk used).
    order: Vec<u32>,
    /// The round each id was last asked for in.
    round: Vec<u32>,
    current: u32,
}

impl Interner {
    #[inline]
    pub fn id(&mut self, s: &[u8]) -> u32 {
        match self.find(s) {
            Some(id) => {
                self.note(id);
                id
            }
            None => self.insert(s),
        }
    }

    #[inline(always)]
    fn find(&self, s: &[u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let (a, b) = short_key(s);
        let n = s.len() as u32;
        let mask = self.slots.len() - 1;
        let mut i = short_hash(a, b, n) as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.id == u32::MAX {
                return None;
            }
            if slot.a == a
                && slot.b == b
                && slot.len == n
                && (n <= 16 || self.get(slot.id).as_bytes() == s)
            {
                return Some(slot.id);
            }
            i = (i + 1) & mask;
        }
    }

    /// Asks for the slot `s` would be looked up in, ahead of the look-up.
    #[inline(always)]
    fn prefetch(&self, s: &[u8]) {
        if self.slots.is_empty() {
            return;
        }
        let (a, b) = short_key(s);
        let i = short_hash(a, b, s.len() as u32) as usize & (self.slots.len() - 1);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: prefetching an element of the slice; SSE is part of every x86_64 CPU.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (&self.slots[i] as *const Slot).cast(),
            )
        };
        #[cfg(not(target_arch = "x86_64"))]
        let _ = i;
    }

    #[inline(always)]
    fn note(&mut self, id: u32) {
        let r = &mut self.round[id as usize];
        if *r != self.current {
            *r = self.current;
            self.order.push(id);
        }
    }

    #[cold]
    fn insert(&mut self, s: &[u8]) -> u32 {
        // Input was checked to be UTF-8 when read; anything else is kept with replacement
        // characters, under what it became.
        let s = String::from_utf8_lossy(s);
        let id = match self.find(s.as_bytes()) {
            Some(id) => id,
            None => {
                let id = self.ends.len() as u32;
                self.text.push_str(&s);
                self.ends.push(self.text.len());
                self.round.push(self.current.wrapping_sub(1));
                if self.ends.len() * 2 > self.slots.len() {
                    let room = (self.slots.len() * 2).max(64);
                    self.slots = vec![EMPTY_SLOT; room];
                    for i in 0..self.ends.len() as u32 {
                        self.place(i);
                    }
                } else {
                    self.place(id);
                }
                id
            }
        };
        self.note(id);
        id
    }

    /// Files string `id` in the table (which has room).
    fn place(&mut self, id: u32) {
        let i = id as usize;
        let s = &self.text.as_bytes()[if i == 0 { 0 } else { self.ends[i - 1] }..self.ends[i]];
        let (a, b) = short_key(s);
        let n = s.len() as u32;
        let mask = self.slots.len() - 1;
        let mut at = short_hash(a, b, n) as usize & mask;
        while self.slots[at].id != u32::MAX {
            at = (at + 1) & mask;
        }
        self.slots[at] = Slot { a, b, len: n, id };
    }

    /// Room for `more` strings more, so that the table is not made again as it fills.
    fn reserve(&mut self, more: usize) {
        let want = ((self.ends.len() + more) * 2).next_power_of_two();
        if want > self.slots.len() {
            self.slots = vec![EMPTY_SLOT; want];
            for i in 0..self.ends.len() as u32 {
                self.place(i);
            }
        }
        self.ends.reserve(more);
        self.round.reserve(more);
    }

    /// Back to no strings, keeping the room.
    fn clear(&mut self) {
        if !self.ends.is_empty() {
            self.slots.fill(EMPTY_SLOT);
        }
        self.text.clear();
        self.ends.clear();
        self.order.clear();
        self.round.clear();
        self.current = 0;
    }

    /// Starts a new round of [`Interner::used`].
    fn begin(&mut self) {
        self.current = self.current.wrapping_add(1);
        self.order.clear();
    }

    /// The ids asked for since [`Interner::begin`], in order of first asking.
    fn used(&self) -> &[u32] {
        &self.order
    }

    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        &self.text[if i == 0 { 0 } else { self.ends[i - 1] }..self.ends[i]]
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    /// The strings in id order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len() as u32).map(|i| self.get(i))
    }
}

/// Status codes in [`Table::status`]: 0 is pending, then [`Status::ALL`] in order.
pub fn status_code(s: Option<Status>) -> u8 {
    match s {
        None => 0,
        Some(s) => Status::ALL
            .iter()
            .position(|&x| x == s)
            .map_or(0, |i| i as u8 + 1),
    }
}

pub fn status_of_code(c: u8) -> Option<Status> {
    (c as usize)
        .checked_sub(1)
        .and_then(|i| Status::ALL.get(i).copied())
}

/// A file's bytes: mapped into memory, or read into it.
pub enum Bytes {
    Map(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Bytes {
    fn get(&self) -> &[u8] {
        match self {
            Bytes::Map(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.get().len())
    }
}

/// Where a table's text columns (quote id, quote, note) are.
#[derive(Debug, Clone)]
enum Text {
    /// Kept with the rows (tables built from records: JSON Lines).
    Stored {
        lines: Vec<u64>,
        quote_id: Strs,
        quote: Strs,
        note: Strs,
    },
    /// In the CSV file, read again when asked for: a report shows the text of a few rows, and
    /// the comparisons go by hash, so a million rows' text is never copied.
    Csv {
        bytes: Arc<Bytes>,
        /// Where each row's record starts.
        row_at: Numbers,
        /// Bytes from the start of each row's record to its first review column (see
        /// [`Cols::review_from`]; `u32::MAX` when unknown).
        prefix: Vec<u32>,
        quote_id: Option<usize>,
        quote: usize,
        note: Option<usize>,
    },
}

/// The columns a reviewed copy has from the extraction, the same in every copy of it.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// [`text_hash`] of each row's quote id and quote text.
    pub id_hash: Vec<u64>,
    pub quote_hash: Vec<u64>,
    /// Document ids in [`Table::docs`].
    pub doc: Vec<u32>,
    pub start: Numbers,
    pub end: Numbers,
    /// Predicted speaker, as ids in [`Table::names`].
    pub speaker: Vec<u32>,
}

impl Extracted {
    fn clear(&mut self) {
        self.id_hash.clear();
        self.quote_hash.clear();
        self.doc.clear();
        self.start.clear();
        self.end.clear();
        self.speaker.clear();
    }

    fn reserve(&mut self, more: usize) {
        self.id_hash.reserve(more);
        self.quote_hash.reserve(more);
        self.doc.reserve(more);
        self.start.reserve(more);
        self.end.reserve(more);
        self.speaker.reserve(more);
    }

    /// Row `j` of `o` added.
    fn push_row_of(&mut self, o: &Extracted, j: usize) {
        self.id_hash.push(o.id_hash[j]);
        self.quote_hash.push(o.quote_hash[j]);
        self.doc.push(o.doc[j]);
        self.start.push(o.start.get(j));
        self.end.push(o.end.get(j));
        self.speaker.push(o.speaker[j]);
    }

    /// The first `n` rows.
    fn first(&self, n: usize) -> Extracted {
        Extracted {
            id_hash: self.id_hash[..n].to_vec(),
            quote_hash: self.quote_hash[..n].to_vec(),
            doc: self.doc[..n].to_vec(),
            start: self.start.first(n),
            end: self.end.first(n),
            speaker: self.speaker[..n].to_vec(),
        }
    }
}

/// One annotator's copy, column by column.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub headers: Vec<String>,
    /// This table's own columns from the extraction; unused while [`Table::shared`] is set.
    own: Extracted,
    /// The first copy's columns, when every row of this copy so far has the bytes of the first
    /// copy's row of the same number up to the review columns (the usual case): they are not
    /// copied. Names and documents are then numbered as in the first copy.
    shared: Option<Arc<Extracted>>,
    /// Per row of a chunk read against a reference: the reference's row with the same bytes up
    /// to the review columns, or `u32::MAX` for a row read in full (whose columns are in
    /// [`Table::own`]).
    ref_row: Vec<u32>,
    /// Shared by a copy with the documents of the first copy's (see [`Table::shared`]).
    pub docs: Arc<Interner>,
    /// See [`status_code`].
    pub status: Vec<u8>,
    /// Reviewed speaker, as ids in [`Table::names`].
    pub reviewed: Vec<u32>,
    pub names: Interner,
    /// Distinct values of the `annotator` column with their count and first line.
    pub annotators: Vec<(String, u64, u64)>,
    /// The rows whose `note` is not empty, in order (a merged file reads only their notes).
    noted: Vec<u32>,
    text: Text,
    ids: std::sync::OnceLock<IdIndex>,
    sorted_ids: std::sync::OnceLock<Vec<(u64, u32)>>,
    repeats: std::sync::OnceLock<Vec<Vec<u32>>>,
    /// Where each of [`schema::COLUMNS`] is among the headers.
    schema_columns: std::sync::OnceLock<Vec<Option<usize>>>,
}

impl Table {
    fn new(path: &Path, headers: Vec<String>, text: Text) -> Table {
        let mut names = Interner::default();
        names.id(b"");
        Table {
            path: path.to_path_buf(),
            headers,
            own: Extracted::default(),
            shared: None,
            ref_row: Vec::new(),
            docs: Arc::default(),
            status: Vec::new(),
            reviewed: Vec::new(),
            names,
            annotators: Vec::new(),
            noted: Vec::new(),
            text,
            ids: std::sync::OnceLock::new(),
            sorted_ids: std::sync::OnceLock::new(),
            repeats: std::sync::OnceLock::new(),
            schema_columns: std::sync::OnceLock::new(),
        }
    }

    fn stored(path: &Path, headers: Vec<String>) -> Table {
        let text = Text::Stored {
            lines: Vec::new(),
            quote_id: Strs::default(),
            quote: Strs::default(),
            note: Strs::default(),
        };
        Table::new(path, headers, text)
    }

    fn csv(path: &Path, headers: Vec<String>, bytes: Arc<Bytes>, cols: &Cols) -> Table {
        let text = Text::Csv {
            bytes,
            row_at: Numbers::default(),
            prefix: Vec::new(),
            quote_id: cols.quote_id,
            quote: cols.quote,
            note: cols.note,
        };
        Table::new(path, headers, text)
    }

    pub fn len(&self) -> usize {
        self.status.len()
    }

    /// The columns from the extraction.
    pub fn extracted(&self) -> &Extracted {
        self.shared.as_deref().unwrap_or(&self.own)
    }

    /// Makes the columns from the extraction shareable with copies read against this one.
    fn share(&mut self) {
        if self.shared.is_none() {
            self.shared = Some(Arc::new(std::mem::take(&mut self.own)));
        }
    }

    /// Copies the shared columns into this table's own (for a copy whose rows stop being the
    /// first copy's).
    fn unshare(&mut self) {
        if let Some(sh) = self.shared.take() {
            self.own = sh.first(self.len());
        }
    }
    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// The line row `r` starts on.
    pub fn line(&self, r: usize) -> u64 {
        match &self.text {
            Text::Stored { lines, .. } => lines[r],
            Text::Csv { bytes, row_at, .. } => {
                let before = &bytes.get()[..row_at.get(r)];
                1 + memchr::memchr_iter(b'\n', before).count() as u64
            }
        }
    }

    /// A text column of row `r`, formula escapes undone.
    fn text_of(&self, r: usize, which: TextColumn) -> Cow<'_, str> {
        match &self.text {
            Text::Stored {
                quote_id,
                quote,
                note,
                ..
            } => match which {
                TextColumn::QuoteId => quote_id.get(r),
                TextColumn::Quote => quote.get(r),
                TextColumn::Note => note.get(r),
            },
            Text::Csv {
                bytes,
                row_at,
                quote_id,
                quote,
                note,
                ..
            } => {
                let col = match which {
                    TextColumn::QuoteId => *quote_id,
                    TextColumn::Quote => Some(*quote),
                    TextColumn::Note => *note,
                };
                let data = bytes.get();
                let raw = match col {
                    Some(c) => nth_field(data, row_at.get(r), c),
                    None => Cow::Borrowed(&b""[..]),
                };
                let text = match raw {
                    Cow::Borrowed(b) => Cow::Borrowed(schema::unescape_formula_bytes(b)),
                    Cow::Owned(v) => Cow::Owned(schema::unescape_formula_bytes(&v).to_vec()),
                };
                if which == TextColumn::QuoteId && is_blank(&text) {
                    // The id the schema gives a row without one.
                    let ex = self.extracted();
                    return Cow::Owned(QuoteRecord::make_id(
                        self.docs.get(ex.doc[r]),
                        ex.start.get(r),
                        ex.end.get(r),
                    ));
                }
                match text {
                    Cow::Borrowed(b) => String::from_utf8_lossy(b),
                    Cow::Owned(v) => Cow::Owned(String::from_utf8_lossy(&v).into_owned()),
                }
            }
        }
    }

    /// The whole record of row `r` as the schema reader reads it, read again from the file;
    /// `None` for a table not read from a CSV file.
    pub fn record(&self, r: usize) -> Option<Result<QuoteRecord>> {
        let Text::Csv { bytes, row_at, .. } = &self.text else {
            return None;
        };
        let data = bytes.get();
        let mut fields = Vec::with_capacity(self.headers.len() + 1);
        scan_record(data, row_at.get(r), &mut fields, &mut 0);
        let value = |i: usize| -> Cow<'_, [u8]> {
            fields
                .get(i)
                .map_or(Cow::Borrowed(&b""[..]), |&f| decode(data, f))
        };
        let index = self.schema_columns.get_or_init(|| {
            schema::COLUMNS
                .iter()
                .map(|c| self.headers.iter().position(|h| h == c))
                .collect()
        });
        let get = |name: &str| -> String {
            let i = schema::COLUMNS
                .iter()
                .position(|c| *c == name)
                .and_then(|c| index[c]);
            let v = i.map_or(Cow::Borrowed(&b""[..]), value);
            let v: &[u8] = if schema::TEXT_COLUMNS.contains(&name) {
                schema::unescape_formula_bytes(&v)
            } else {
                &v
            };
            lossy_string(v)
        };
        // The row was checked when read: the line (slow to count) is only needed if the file
        // changed since.
        let rec = schema::record_from_lookup(&get, &self.path, 0)
            .or_else(|_| schema::record_from_lookup(&get, &self.path, self.line(r)));
        Some(rec.map(|mut rec| {
            rec.extra = self
                .headers
                .iter()
                .enumerate()
                .filter(|(_, h)| !schema::COLUMNS.contains(&h.as_str()))
                .map(|(i, h)| {
                    let v = value(i);
                    (h.clone(), lossy_string(schema::unescape_formula_bytes(&v)))
                })
                .collect();
            rec
        }))
    }

    pub fn quote_id(&self, r: usize) -> Cow<'_, str> {
        self.text_of(r, TextColumn::QuoteId)
    }
    pub fn quote(&self, r: usize) -> Cow<'_, str> {
        self.text_of(r, TextColumn::Quote)
    }
    pub fn note(&self, r: usize) -> Cow<'_, str> {
        if self.noted.binary_search(&(r as u32)).is_err() {
            return Cow::Borrowed("");
        }
        self.text_of(r, TextColumn::Note)
    }

    /// (id hash, row) of every row, sorted (made on first use).
    fn sorted_ids(&self) -> &[(u64, u32)] {
        self.sorted_ids.get_or_init(|| {
            let mut h: Vec<(u64, u32)> = self
                .extracted()
                .id_hash
                .par_iter()
                .enumerate()
                .map(|(r, &h)| (h, r as u32))
                .collect();
            h.par_sort_unstable();
            h
        })
    }

    /// Where row `r`'s record starts in its CSV file (`None` for other tables).
    pub fn row_start(&self, r: usize) -> Option<usize> {
        match &self.text {
            Text::Csv { row_at, .. } => row_at.try_get(r),
            Text::Stored { .. } => None,
        }
    }

    /// Hands the pages of `from..to` of a mapped file back to the system (they are read again
    /// if needed).
    pub fn release_bytes(&self, from: usize, to: usize) {
        if let Text::Csv { bytes, .. } = &self.text
            && let Bytes::Map(map) = &**bytes
        {
            let to = to.min(map.len());
            if to > from {
                drop_pages(map, from, to - from);
            }
        }
    }

    /// Hands the pages of a mapped file back to the system (they are read again if needed),
    /// in the background: nothing waits for it.
    fn release_pages(&self) {
        if let Text::Csv { bytes, .. } = &self.text
            && matches!(**bytes, Bytes::Map(_))
        {
            let release = |bytes: &Bytes| {
                if let Bytes::Map(map) = bytes {
                    drop_pages(map, 0, map.len());
                }
            };
            let shared = Arc::clone(bytes);
            if std::thread::Builder::new()
                .spawn(move || release(&shared))
                .is_err()
            {
                release(bytes);
            }
        }
    }

    /// Whether two tables hold the same quote ids in the same order (compared by hash).
    pub fn same_ids(&self, o: &Table) -> bool {
        let (a, b) = (self.extracted(), o.extracted());
        a.id_hash.len() == self.len()
            && b.id_hash.len() == o.len()
            && (std::ptr::eq(a, b) && self.len() == o.len() || a.id_hash == b.id_hash)
    }

    /// The row holding a quote id (the index is built on first use).
    pub fn row_of(&self, id: &[u8]) -> Option<usize> {
        self.ids.get_or_init(|| IdIndex::build(self)).find(self, id)
    }

    /// The rows whose quote id hashes repeat, in groups of equal hashes (made on first use).
    fn repeats(&self) -> &[Vec<u32>] {
        self.repeats
            .get_or_init(|| equal_hashes(&self.extracted().id_hash))
    }

    /// Refuses a repeated quote id, naming the line of the first repeat and of the row it
    /// repeats. Ids whose hashes are equal are compared in full.
    pub fn check_duplicates(&self) -> Result<()> {
        // (repeat, first) with the earliest repeat
        let mut worst: Option<(u32, u32)> = None;
        for g in self.repeats() {
            for (a, &x) in g.iter().enumerate() {
                for &y in &g[a + 1..] {
                    if worst.is_none_or(|(w, _)| y < w)
                        && self.quote_id(x as usize) == self.quote_id(y as usize)
                    {
                        worst = Some((y, x));
                    }
                }
            }
        }
        match worst {
            None => Ok(()),
            Some((rep, first)) => {
                let id = self.quote_id(rep as usize);
                // The first occurrence of that id is the smallest row with it.
                let ids = &self.extracted().id_hash;
                let hash = ids[rep as usize];
                let first = (0..=first as usize)
                    .find(|&r| ids[r] == hash && self.quote_id(r) == id)
                    .unwrap_or(first as usize);
                Err(Error::input(
                    Location::file(&self.path)
                        .line(self.line(rep as usize))
                        .field("quote_id"),
                    format!(
                        "duplicate quote_id {:?} (first on line {}); every row of a file needs its own id",
                        id,
                        self.line(first)
                    ),
                ))
            }
        }
    }

    /// Reserves room for `more` rows.
    fn reserve_rows(&mut self, more: usize) {
        if self.shared.is_none() {
            self.own.reserve(more);
        }
        self.status.reserve(more);
        self.reviewed.reserve(more);
        if let Text::Csv { row_at, prefix, .. } = &mut self.text {
            row_at.reserve(more);
            prefix.reserve(more);
        }
    }

    /// The speaker the annotator settled on (see [`QuoteRecord::final_speaker`]); `None` when
    /// pending, rejected or flagged, or when the name is empty.
    pub fn final_speaker(&self, row: usize) -> Option<&str> {
        let name = match status_of_code(self.status[row]) {
            Some(Status::Corrected) => self.reviewed[row],
            Some(Status::Confirmed) if self.reviewed[row] != 0 => self.reviewed[row],
            Some(Status::Confirmed) => self.extracted().speaker[row],
            _ => return None,
        };
        let s = self.names.get(name);
        if s.trim().is_empty() { None } else { Some(s) }
    }

    /// Builds the columns from records read by the schema reader.
    pub fn from_dataset(path: &Path, ds: schema::Dataset) -> Result<Table> {
        let mut t = Table::stored(path, ds.headers);
        for (r, line) in ds.records.iter().zip(ds.lines) {
            t.push(r, &|| line, 0);
        }
        Ok(t)
    }

    /// Adds a record: `line` tells where it starts, `at` is its byte position in a CSV file.
    fn push(&mut self, r: &QuoteRecord, line: &dyn Fn() -> u64, at: usize) {
        self.own.id_hash.push(text_hash(r.quote_id.as_bytes()));
        self.own.quote_hash.push(text_hash(r.quote.as_bytes()));
        match &mut self.text {
            Text::Stored {
                lines,
                quote_id,
                quote,
                note,
            } => {
                if !r.note.is_empty() {
                    self.noted.push(self.status.len() as u32);
                }
                lines.push(line());
                quote_id.push(r.quote_id.as_bytes());
                quote.push(r.quote.as_bytes());
                note.push(r.note.as_bytes());
            }
            Text::Csv { row_at, prefix, .. } => {
                row_at.push(at);
                prefix.push(u32::MAX);
            }
        }
        self.own
            .doc
            .push(Arc::make_mut(&mut self.docs).id(r.doc_id.as_bytes()));
        self.own.start.push(r.start);
        self.own.end.push(r.end);
        self.status.push(status_code(r.status));
        self.own.speaker.push(self.names.id(r.speaker.as_bytes()));
        self.reviewed
            .push(self.names.id(r.reviewed_speaker.as_bytes()));
        self.count_annotator(r.annotator.as_bytes(), line);
    }

    #[inline(always)]
    fn count_annotator(&mut self, a: &[u8], line: &dyn Fn() -> u64) {
        // Nearly every row names the file's one annotator.
        if let Some(e) = self.annotators.first_mut()
            && short_eq(e.0.as_bytes(), a)
        {
            e.1 += 1;
            return;
        }
        self.count_other_annotator(a, line);
    }

    fn count_other_annotator(&mut self, a: &[u8], line: &dyn Fn() -> u64) {
        let a = a.trim_ascii();
        if a.is_empty() {
            return;
        }
        if let Some(e) = self.annotators.iter_mut().find(|e| e.0.as_bytes() == a) {
            e.1 += 1;
        } else {
            self.annotators
                .push((String::from_utf8_lossy(a).into_owned(), 1, line()));
        }
    }

    /// Adds the rows of `p`, the table of the next chunk of the same CSV file, whose line
    /// numbers need `add` added. Document and speaker ids are renumbered in order of first
    /// appearance, as if the file had been read in one piece.
    fn append(&mut self, p: &Table, add: u64, map: &mut Vec<u32>, reference: Option<&Table>) {
        // The part's ids, in order of first use in the part, as this table's.
        let remap = |ours: &mut Interner, theirs: &Interner, map: &mut Vec<u32>| {
            map.resize(theirs.len(), u32::MAX);
            for &i in theirs.used() {
                map[i as usize] = ours.id(theirs.get(i).as_bytes());
            }
        };
        let mut names = std::mem::take(map);
        remap(&mut self.names, &p.names, &mut names);
        // Documents may be shared with another table: changed only for one they lack.
        let mut docs = vec![u32::MAX; p.docs.len()];
        for &i in p.docs.used() {
            let s = p.docs.get(i).as_bytes();
            docs[i as usize] = match self.docs.find(s) {
                Some(id) => id,
                None => Arc::make_mut(&mut self.docs).id(s),
            };
        }
        for (name, n, line) in &p.annotators {
            match self.annotators.iter_mut().find(|e| &e.0 == name) {
                Some(e) => e.1 += n,
                None => self.annotators.push((name.clone(), *n, line + add)),
            }
        }
        let against = !p.ref_row.is_empty();
        if let (
            Text::Csv { row_at, prefix, .. },
            Text::Csv {
                row_at: pr,
                prefix: pp,
                ..
            },
        ) = (&mut self.text, &p.text)
        {
            row_at.extend_from(pr);
            if !against {
                // Only a reference needs them.
                prefix.extend_from_slice(pp);
            }
        }
        let base = self.len();
        self.noted.extend(p.noted.iter().map(|&r| r + base as u32));
        let mirrored = || {
            p.ref_row
                .iter()
                .enumerate()
                .all(|(i, &j)| j as usize == base + i)
        };
        if self.shared.is_some() && !(against && mirrored()) {
            self.unshare();
        }
        if self.shared.is_none() {
            let own = &mut self.own;
            let add_own = |own: &mut Extracted, k: usize| {
                let o = &p.own;
                own.id_hash.push(o.id_hash[k]);
                own.quote_hash.push(o.quote_hash[k]);
                own.doc.push(docs[o.doc[k] as usize]);
                own.start.push(o.start.get(k));
                own.end.push(o.end.get(k));
                own.speaker.push(names[o.speaker[k] as usize]);
            };
            match reference {
                Some(rf) if against => {
                    // Rows of the reference are numbered as in it (this table's names and
                    // documents began as the reference's).
                    let rx = rf.extracted();
                    let mut k = 0;
                    for &j in &p.ref_row {
                        if j == u32::MAX {
                            add_own(own, k);
                            k += 1;
                        } else {
                            own.push_row_of(rx, j as usize);
                        }
                    }
                }
                _ => {
                    // Whole columns at once.
                    let o = &p.own;
                    own.id_hash.extend_from_slice(&o.id_hash);
                    own.quote_hash.extend_from_slice(&o.quote_hash);
                    own.doc.extend(o.doc.iter().map(|&d| docs[d as usize]));
                    own.start.extend_from(&o.start);
                    own.end.extend_from(&o.end);
                    own.speaker
                        .extend(o.speaker.iter().map(|&s| names[s as usize]));
                }
            }
        }
        self.status.extend_from_slice(&p.status);
        self.reviewed
            .extend(p.reviewed.iter().map(|&s| names[s as usize]));
        *map = names;
    }

    /// Makes the last row, read in full, the reference's row `j`, whose bytes it has up to the
    /// review columns.
    fn adopt_last(&mut self, j: usize) {
        if let Some(last) = self.ref_row.last_mut()
            && *last == u32::MAX
        {
            let o = &mut self.own;
            o.id_hash.pop();
            o.quote_hash.pop();
            o.doc.pop();
            o.start.pop();
            o.end.pop();
            o.speaker.pop();
            *last = j as u32;
        }
    }

    /// Back to no rows, keeping the room (a chunk's table, used again for another chunk).
    fn clear_rows(&mut self) {
        self.own.clear();
        self.shared = None;
        self.ref_row.clear();
        // A document's rows are usually together: a chunk's documents are not kept for the next.
        Arc::make_mut(&mut self.docs).clear();
        self.status.clear();
        self.reviewed.clear();
        self.names.begin();
        self.names.id(b"");
        self.annotators.clear();
        self.noted.clear();
        match &mut self.text {
            Text::Csv { row_at, prefix, .. } => {
                row_at.clear();
                prefix.clear();
            }
            Text::Stored {
                lines,
                quote_id,
                quote,
                note,
            } => {
                lines.clear();
                quote_id.clear();
                quote.clear();
                note.clear();
            }
        }
        self.ids = std::sync::OnceLock::new();
        self.sorted_ids = std::sync::OnceLock::new();
        self.repeats = std::sync::OnceLock::new();
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TextColumn {
    QuoteId,
    Quote,
    Note,
}

/// The rows of `hashes` whose hash is another row's too, in groups of equal hashes, each in row
/// order; groups in order of their first row. The hashes are first spread over buckets by their
/// top bits (hashes are uniform), and each bucket, small enough for the processor's caches, is
/// searched with a small table: much faster than sorting a million hashes.
fn equal_hashes(hashes: &[u64]) -> Vec<Vec<u32>> {
    let n = hashes.len();
    let bits = (n / 512)
        .max(1)
        .next_power_of_two()
        .trailing_zeros()
        .min(20);
    let bucket = |h: u64| {
        if bits == 0 {
            0
        } else {
            (h >> (64 - bits)) as usize
        }
    };
    let mut start = vec![0u32; (1 << bits) + 1];
    for &h in hashes {
        start[bucket(h) + 1] += 1;
    }
    for b in 0..1 << bits {
        start[b + 1] += start[b];
    }
    // (low half of the hash, row) by bucket, rows in order within each: the bucket holds the
    // top bits, and rows whose low halves are equal are compared on their whole hashes.
    let mut spread = vec![(0u32, 0u32); n];
    let mut next = start.clone();
    for (r, &h) in hashes.iter().enumerate() {
        let b = bucket(h);
        spread[next[b] as usize] = (h as u32, r as u32);
        next[b] += 1;
    }
    let mut found: Vec<Vec<u32>> = start
        .par_windows(2)
        .map_init(Vec::new, |table: &mut Vec<u32>, w| {
            let part = &spread[w[0] as usize..w[1] as usize];
            let size = (part.len() * 2).next_power_of_two().max(16);
            table.clear();
            table.resize(size, u32::MAX);
            let mask = size - 1;
            // Each repeated hash's group, as (index of its first entry, rows).
            let mut groups: Vec<(usize, Vec<u32>)> = Vec::new();
            for (i, &(low, r)) in part.iter().enumerate() {
                let mut at = (low as usize) & mask;
                loop {
                    let k = table[at];
                    if k == u32::MAX {
                        table[at] = i as u32;
                        break;
                    }
                    let (other_low, other) = part[k as usize];
                    if other_low == low && hashes[other as usize] == hashes[r as usize] {
                        match groups.iter_mut().find(|g| g.0 == k as usize) {
                            Some(g) => g.1.push(r),
                            None => groups.push((k as usize, vec![part[k as usize].1, r])),
                        }
                        break;
                    }
                    at = (at + 1) & mask;
                }
            }
            groups.into_iter().map(|g| g.1).collect::<Vec<_>>()
        })
        .flatten()
        .collect();
    found.sort_unstable_by_key(|g| g[0]);
    found
}

/// quote id → row, for alignment. Keyed by the ids' hashes; ids whose hashes collide are kept in
/// a side table, and every find is checked against the id itself.
#[derive(Debug, Clone, Default)]
struct IdIndex {
    first: HashMap<u64, u32, FixedState>,
    more: HashMap<u64, Vec<u32>, FixedState>,
}

impl IdIndex {
    /// Indexes every id (the first row wins if one repeats).
    fn build(t: &Table) -> IdIndex {
        let mut x = IdIndex::default();
        x.first.reserve(t.len());
        for (row, &h) in t.extracted().id_hash.iter().enumerate() {
            match x.first.entry(h) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(row as u32);
                }
                std::collections::hash_map::Entry::Occupied(o) => {
                    if t.quote_id(*o.get() as usize) != t.quote_id(row) {
                        x.more.entry(h).or_default().push(row as u32);
                    }
                }
            }
        }
        x
    }

    fn find(&self, t: &Table, id: &[u8]) -> Option<usize> {
        let h = text_hash(id);
        let &r = self.first.get(&h)?;
        if t.quote_id(r as usize).as_bytes() == id {
            return Some(r as usize);
        }
        self.more
            .get(&h)?
            .iter()
            .find(|&&o| t.quote_id(o as usize).as_bytes() == id)
            .map(|&o| o as usize)
    }
}

/// Reads one annotator's copy: CSV, or JSON Lines for `.jsonl`/`.ndjson`/`.json` files.
pub fn read_table(path: &Path) -> Result<Table> {
    read_table_against(path, None, false)
}

/// Reads the copies: the first, then the others in parallel against it (a row with the same
/// bytes as the first copy's up to the review columns is not read twice).
pub fn read_tables(paths: &[PathBuf]) -> Result<Vec<Table>> {
    let Some((first, rest)) = paths.split_first() else {
        return Ok(Vec::new());
    };
    let mut tm = super::Timings::start();
    let mut t0 = read_table_against(first, None, !rest.is_empty())?;
    t0.share();
    tm.mark("read the first copy");
    // The first copy's ids are sorted (for its duplicate check) while the others are read.
    let (others, _) = rayon::join(
        || {
            rest.par_iter()
                .map(|p| read_table_against(p, Some(&t0), false))
                .collect::<Result<Vec<Table>>>()
        },
        || t0.repeats(),
    );
    let others = others?;
    tm.mark("read the others");
    t0.release_pages();
    Ok(std::iter::once(t0).chain(others).collect())
}

/// [`read_table`], against a reference copy; `keep` keeps the file's pages in memory (for a
/// reference).
fn read_table_against(path: &Path, reference: Option<&Table>, keep: bool) -> Result<Table> {
    if DataFormat::from_path(path) == DataFormat::Jsonl {
        let ds = schema::read_path(path)?;
        return Table::from_dataset(path, ds);
    }
    if path.as_os_str() == "-" {
        return read_csv_against(std::io::stdin(), path, reference);
    }
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mapped = match f.metadata() {
        // SAFETY: the map is only read. A file that another process truncates meanwhile could
        // fault, the usual risk of reading files this way; quotecheck's own writers replace
        // files atomically instead of rewriting them.
        Ok(m) if m.is_file() && m.len() > 0 => unsafe { memmap2::Mmap::map(&f) }.ok(),
        _ => None,
    };
    let Some(map) = mapped else {
        return read_csv_against(f, path, reference);
    };
    let bytes = Arc::new(Bytes::Map(map));
    // Pages are handed back as soon as their chunk is read, so that the whole file is never
    // resident at once (the few rows whose text a report shows are read again).
    let release = |from: usize, to: usize| {
        if let Bytes::Map(map) = &*bytes
            && !keep
        {
            let to = to.min(map.len());
            if to > from {
                drop_pages(map, from, to - from);
            }
        }
    };
    read_csv_bytes(bytes.clone(), path, reference, CHUNK, &release)
}

fn read_csv_against(mut rdr: impl Read, path: &Path, reference: Option<&Table>) -> Result<Table> {
    let mut data = Vec::new();
    rdr.read_to_end(&mut data).map_err(|e| Error::io(path, e))?;
    read_csv_bytes(
        Arc::new(Bytes::Owned(data)),
        path,
        reference,
        CHUNK,
        &|_, _| {},
    )
}

/// Maps the pages of `from..to` in one go, ahead of reading them (where the system allows):
/// cheaper than a page fault every few pages.
fn populate(bytes: &Bytes, from: usize, to: usize) {
    #[cfg(target_os = "linux")]
    if let Bytes::Map(map) = bytes
        && to > from
    {
        let _ = map.advise_range(memmap2::Advice::PopulateRead, from, to - from);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (bytes, from, to);
}

/// Drops the resident pages of `len` bytes of a map from `from` on (where the system allows).
fn drop_pages(map: &memmap2::Mmap, from: usize, len: usize) {
    #[cfg(unix)]
    // SAFETY: the map is private and read-only: dropping its pages only makes the next access
    // read them from the file again.
    let _ = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, len) };
    #[cfg(not(unix))]
    let _ = (map, from, len);
}

/// Reads a CSV copy. `path` names the file in messages.
pub fn read_csv_table(rdr: impl Read, path: &Path) -> Result<Table> {
    read_csv_against(rdr, path, None)
}

/// Most review columns (`status` … `schema_version` and extra columns after them) a row can
/// have for [`Rows::quick_same_row`].
const REVIEW_MAX: usize = 16;

/// Bytes a chunk of a file is cut after (at the next line end).
const CHUNK: usize = 4 << 20;

/// Longest record a chunk parsed on a guess may hold before the guess is given up: a cut inside
/// a quoted field can make the rest of the file look like one field.
const MAX_GUESSED_RECORD: usize = 1 << 20;

/// Where a field's bytes are in the buffer and how to decode them.
#[derive(Debug, Clone, Copy)]
struct Field {
    start: usize,
    end: usize,
    kind: FieldKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FieldKind {
    Plain,
    /// `"…"` with no doubled quote inside and nothing after the closing quote.
    Quoted,
    /// Quoted with `""` escapes, bytes after the closing quote or no closing quote.
    Escaped,
    /// Quoted and ending with its closing quote, with or without escapes.
    QuotedMaybe,
}

/// [`decode`], with the usual case inline.
#[inline(always)]
fn field(buf: &[u8], f: Field) -> Cow<'_, [u8]> {
    if f.kind == FieldKind::Plain {
        Cow::Borrowed(&buf[f.start..f.end])
    } else {
        decode(buf, f)
    }
}

/// Decodes a field as the `csv` crate would: a quoted field loses its quotes and `""` becomes
/// `"`; bytes after a closing quote are kept as they are.
#[inline]
fn decode(buf: &[u8], f: Field) -> Cow<'_, [u8]> {
    match f.kind {
        FieldKind::Plain => Cow::Borrowed(&buf[f.start..f.end]),
        FieldKind::Quoted => Cow::Borrowed(&buf[f.start + 1..f.end - 1]),
        FieldKind::QuotedMaybe
            if memchr::memchr(b'"', &buf[f.start + 1..f.end]) == Some(f.end - f.start - 2) =>
        {
            Cow::Borrowed(&buf[f.start + 1..f.end - 1])
        }
        FieldKind::Escaped | FieldKind::QuotedMaybe => {
            let inner = &buf[f.start + 1..f.end];
            let mut out = Vec::with_capacity(inner.len());
            let mut i = 0;
            let mut in_quotes = true;
            while i < inner.len() {
                let b = inner[i];
                if in_quotes && b == b'"' {
                    if inner.get(i + 1) == Some(&b'"') {
                        out.push(b'"');
                        i += 2;
                        continue;
                    }
                    in_quotes = false;
                    i += 1;
                    continue;
                }
                out.push(b);
                i += 1;
            }
            Cow::Owned(out)
        }
    }
}

/// The first position at or after `pos` holding one of `set`, or `buf.len()`.
#[inline(always)]
fn find_any<const N: usize>(buf: &[u8], mut pos: usize, set: [u8; N]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of every x86_64 CPU, and each load reads 16 bytes inside `buf`.
        unsafe {
            let needles = set.map(|b| _mm_set1_epi8(b as i8));
            while pos + 16 <= buf.len() {
                let v = _mm_loadu_si128(buf.as_ptr().add(pos).cast::<__m128i>());
                let mut m = _mm_cmpeq_epi8(v, needles[0]);
                for n in &needles[1..] {
                    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, *n));
                }
                let bits = _mm_movemask_epi8(m) as u32;
                if bits != 0 {
                    return pos + bits.trailing_zeros() as usize;
                }
                pos += 16;
            }
        }
    }
    buf[pos..]
        .iter()
        .position(|b| set.contains(b))
        .map_or(buf.len(), |i| pos + i)
}

/// Scans the record starting at `pos` (not at a line end), filling `fields`. Returns where the
/// next record starts (its terminator consumed) and adds the `\n` bytes consumed to `newlines`.
fn scan_record(buf: &[u8], mut pos: usize, fields: &mut Vec<Field>, newlines: &mut u64) -> usize {
    fields.clear();
    loop {
        let start = pos;
        let mut kind = FieldKind::Plain;
        if buf.get(pos) == Some(&b'"') {
            kind = FieldKind::Quoted;
            pos += 1;
            // Inside quotes until a quote that is not doubled.
            loop {
                let q = find_any(buf, pos, [b'"', b'\n']);
                if q == buf.len() {
                    // An unclosed quote runs to the end of the file, as in the `csv` crate.
                    kind = FieldKind::Escaped;
                    pos = q;
                    break;
                }
                if buf[q] == b'\n' {
                    *newlines += 1;
                    pos = q + 1;
                    continue;
                }
                if buf.get(q + 1) == Some(&b'"') {
                    kind = FieldKind::Escaped;
                    pos = q + 2;
                    continue;
                }
                pos = q + 1;
                break;
            }
        }
        // Unquoted bytes (or bytes after a closing quote) up to the delimiter or line end.
        let d = find_any(buf, pos, [b',', b'\n', b'\r']);
        if d != pos && kind == FieldKind::Quoted {
            kind = FieldKind::Escaped;
        }
        fields.push(Field {
            start,
            end: d,
            kind,
        });
        if d == buf.len() {
            return d;
        }
        match buf[d] {
            b',' => pos = d + 1,
            b'\n' => {
                *newlines += 1;
                return d + 1;
            }
            _ => {
                // `\r`, possibly followed by `\n`.
                if buf.get(d + 1) == Some(&b'\n') {
                    *newlines += 1;
                    return d + 2;
                }
                return d + 1;
            }
        }
    }
}

fn is_line_end(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Skips a run of blank lines, counting its `\n`s.
fn skip_blank(buf: &[u8], mut pos: usize, newlines: &mut u64) -> usize {
    while pos < buf.len() && is_line_end(buf[pos]) {
        *newlines += u64::from(buf[pos] == b'\n');
        pos += 1;
    }
    pos
}

/// Text checked to be UTF-8 when read (anything else with replacement characters).
fn lossy_string(v: &[u8]) -> String {
    match std::str::from_utf8(v) {
        Ok(s) => s.to_string(),
        Err(_) => String::from_utf8_lossy(v).into_owned(),
    }
}

/// Field `col` of the record at `pos`, decoded.
fn nth_field(data: &[u8], pos: usize, col: usize) -> Cow<'_, [u8]> {
    let mut fields = Vec::with_capacity(col + 2);
    let mut newlines = 0;
    scan_record(data, pos, &mut fields, &mut newlines);
    fields
        .get(col)
        .map_or(Cow::Borrowed(&b""[..]), |&f| decode(data, f))
}

/// Column positions of the fields `diff` reads.
struct Cols {
    all: HashMap<String, usize>,
    quote_id: Option<usize>,
    doc_id: usize,
    quote: usize,
    start: usize,
    end: usize,
    kind: Option<usize>,
    speaker: Option<usize>,
    speaker_start: Option<usize>,
    speaker_end: Option<usize>,
    confidence: Option<usize>,
    context_start: Option<usize>,
    status: Option<usize>,
    reviewed_speaker: Option<usize>,
    annotator: Option<usize>,
    note: Option<usize>,
    schema_version: Option<usize>,
    /// The first of the columns a review fills in (and `schema_version`), when every column the
    /// rows are read for comes before it: the same row in two reviewed copies then has the same
    /// bytes up to there.
    review_from: Option<usize>,
}

impl Cols {
    fn new(headers: &[String]) -> Cols {
        let all: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        let g = |n: &str| all.get(n).copied();
        Cols {
            quote_id: g("quote_id"),
            doc_id: g("doc_id").unwrap_or(0),
            quote: g("quote").unwrap_or(0),
            start: g("start").unwrap_or(0),
            end: g("end").unwrap_or(0),
            kind: g("kind"),
            speaker: g("speaker"),
            speaker_start: g("speaker_start"),
            speaker_end: g("speaker_end"),
            confidence: g("confidence"),
            context_start: g("context_start"),
            status: g("status"),
            reviewed_speaker: g("reviewed_speaker"),
            annotator: g("annotator"),
            note: g("note"),
            schema_version: g("schema_version"),
            review_from: None,
            all,
        }
        .with_review_from()
    }

    fn with_review_from(mut self) -> Cols {
        let review = [
            self.status,
            self.reviewed_speaker,
            self.annotator,
            self.all.get("reviewed_at").copied(),
            self.note,
            self.schema_version,
        ];
        let read = [
            self.quote_id,
            Some(self.doc_id),
            Some(self.quote),
            Some(self.start),
            Some(self.end),
            self.kind,
            self.speaker,
            self.speaker_start,
            self.speaker_end,
            self.confidence,
            self.context_start,
        ];
        let from = review.into_iter().flatten().min();
        self.review_from =
            from.filter(|&f| self.status.is_some() && read.into_iter().flatten().all(|c| c < f));
        self
    }
}

/// What every chunk of one file shares.
struct Ctx<'a> {
    bytes: &'a Arc<Bytes>,
    data: &'a [u8],
    path: &'a Path,
    headers: &'a [String],
    cols: &'a Cols,
    reference: Option<Reference<'a>>,
    /// Chunk tables done with, to be used again.
    pool: Mutex<Vec<Table>>,
}

impl Ctx<'_> {
    /// An empty table for a chunk's rows.
    fn table(&self) -> Table {
        let used = self.pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        used.unwrap_or_else(|| {
            Table::csv(
                self.path,
                self.headers.to_vec(),
                self.bytes.clone(),
                self.cols,
            )
        })
    }

    fn recycle(&self, mut t: Table) {
        t.clear_rows();
        self.pool.lock().unwrap_or_else(|e| e.into_inner()).push(t);
    }
}

/// The first copy, which the others are read against: the same extraction reviewed by other
/// people has the same bytes up to the review columns in nearly every row.
struct Reference<'a> {
    table: &'a Table,
    data: &'a [u8],
    row_at: &'a Numbers,
    prefix: &'a [u32],
    /// The length of the copy read against it.
    len: usize,
}

impl<'a> Reference<'a> {
    /// `t` as the reference for a copy with these headers, if it can be one.
    fn new(t: &'a Table, headers: &[String], cols: &Cols) -> Option<Reference<'a>> {
        let Text::Csv {
            bytes,
            row_at,
            prefix,
            ..
        } = &t.text
        else {
            return None;
        };
        if t.headers != headers || cols.review_from.is_none() {
            return None;
        }
        Some(Reference {
            table: t,
            data: bytes.get(),
            row_at,
            prefix,
            len: 0,
        })
    }

    /// The row whose quote id has this hash, if any.
    /// `at` is where the row is in the copy read: copies of one extraction keep their rows in
    /// the same order, so the row is looked for near the same place in the reference first.
    fn row_of_hash(&self, h: u64, at: usize) -> Option<usize> {
        const NEAR: usize = 4096;
        let ids = &self.table.extracted().id_hash;
        let guess = (at as f64 / self.len.max(1) as f64 * ids.len() as f64) as usize;
        let (lo, hi) = (
            guess.saturating_sub(NEAR),
            guess.saturating_add(NEAR).min(ids.len()),
        );
        if let Some(i) = ids.get(lo..hi).and_then(|w| w.iter().position(|&x| x == h)) {
            return Some(lo + i);
        }
        let sorted = self.table.sorted_ids();
        let i = sorted.partition_point(|&(x, _)| x < h);
        sorted
            .get(i)
            .filter(|&&(x, _)| x == h)
            .map(|&(_, r)| r as usize)
    }

    /// Whether the record at `at` in `data` has the bytes of row `j` up to the review
    /// columns; how many.
    fn same_prefix(&self, j: usize, data: &[u8], at: usize) -> Option<usize> {
        let (theirs, ours) = self.prefixes(j, data, at)?;
        (theirs == ours).then_some(ours.len())
    }

    /// Asks for the first bytes of row `j` ahead of their comparison.
    #[inline(always)]
    fn prefetch(&self, j: usize) {
        #[cfg(target_arch = "x86_64")]
        if j < self.row_at.len() {
            let at = self.row_at.get(j);
            for off in [0, 64, 128, 192] {
                if let Some(b) = self.data.get(at + off) {
                    // SAFETY: prefetching a byte of the slice; SSE is part of every x86_64 CPU.
                    unsafe {
                        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                            (b as *const u8).cast(),
                        )
                    };
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = j;
    }

    /// The bytes of row `j` up to the review columns, and as many bytes of `data` from `at`.
    #[inline(always)]
    fn prefixes<'d>(&self, j: usize, data: &'d [u8], at: usize) -> Option<(&'a [u8], &'d [u8])> {
        let len = *self.prefix.get(j)?;
        if len == u32::MAX {
            return None;
        }
        let from = self.row_at.get(j);
        let theirs = self.data.get(from..from + len as usize)?;
        let ours = data.get(at..at + len as usize)?;
        Some((theirs, ours))
    }
}

/// Whether two slices hold the same bytes, compared 64 at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
#[inline]
fn same_bytes_avx512(a: &[u8], b: &[u8]) -> bool {
    use std::arch::x86_64::{_mm512_cmpneq_epi8_mask, _mm512_loadu_si512, _mm512_maskz_loadu_epi8};
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    let mut i = 0;
    while i + 64 <= n {
        // SAFETY: both loads read 64 bytes inside the slices.
        let (x, y) = unsafe {
            (
                _mm512_loadu_si512(a.as_ptr().add(i).cast()),
                _mm512_loadu_si512(b.as_ptr().add(i).cast()),
            )
        };
        if _mm512_cmpneq_epi8_mask(x, y) != 0 {
            return false;
        }
        i += 64;
    }
    if i < n {
        let k = u64::MAX >> (64 - (n - i));
        // SAFETY: masked loads read only the bytes of the mask, the `n - i` bytes left inside
        // the slices, and do not fault on the others.
        let (x, y) = unsafe {
            (
                _mm512_maskz_loadu_epi8(k, a.as_ptr().add(i).cast()),
                _mm512_maskz_loadu_epi8(k, b.as_ptr().add(i).cast()),
            )
        };
        return _mm512_cmpneq_epi8_mask(x, y) == 0;
    }
    true
}

/// Evaluates the first of three calls of one function, compiled for AVX-512BW, for AVX2 and for
/// SSE2, that the processor can run.
macro_rules! widest_vectors {
    ($avx512:expr, $avx2:expr, $sse2:expr) => {{
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512bw") {
                // SAFETY: the processor has AVX-512BW.
                unsafe { $avx512 }
            } else if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2.
                unsafe { $avx2 }
            } else {
                $sse2
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            $sse2
        }
    }};
}

/// Reads, from `pos`, the rows that have the bytes of the reference's rows `j`, `j + 1`, … up to
/// the review columns and usual review columns (see [`Rows::quick_same_row`]), as long as they
/// do. Returns where it stopped and the reference's row expected there.
macro_rules! same_rows_with {
    ($classify:ident, $same:expr, $r:ident, $rf:ident, $pos:ident, $j:ident) => {{
        let data = $r.cx.data;
        let (mut pos, mut j) = ($pos, $j);
        while pos < $r.limit && !is_line_end(data[pos]) {
            let Some((theirs, ours)) = $rf.prefixes(j, data, pos) else {
                break;
            };
            // The reference's rows are read from memory again: asked for a few rows ahead.
            $rf.prefetch(j + 8);
            if !$same(theirs, ours) {
                break;
            }
            let from = pos + ours.len();
            let Some(block) = data.get(from..from + 64).and_then(|b| b.try_into().ok()) else {
                break;
            };
            match $r.quick_same_row(j, pos, from, block, $classify(block)) {
                Some(next) => {
                    pos = next;
                    j += 1;
                }
                None => break,
            }
        }
        (pos, j)
    }};
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
fn same_rows_avx512(r: &mut Rows, rf: &Reference, pos: usize, j: usize) -> (usize, usize) {
    same_rows_with!(classify_avx512, same_bytes_avx512, r, rf, pos, j)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn same_rows_avx2(r: &mut Rows, rf: &Reference, pos: usize, j: usize) -> (usize, usize) {
    same_rows_with!(classify_avx2, |a: &[u8], b: &[u8]| a == b, r, rf, pos, j)
}

fn same_rows_sse2(r: &mut Rows, rf: &Reference, pos: usize, j: usize) -> (usize, usize) {
    same_rows_with!(classify_sse2, |a: &[u8], b: &[u8]| a == b, r, rf, pos, j)
}

/// See [`same_rows_with`]: with the widest vector instructions the processor has.
fn same_rows(r: &mut Rows, rf: &Reference, pos: usize, j: usize) -> (usize, usize) {
    widest_vectors!(
        same_rows_avx512(r, rf, pos, j),
        same_rows_avx2(r, rf, pos, j),
        same_rows_sse2(r, rf, pos, j)
    )
}

/// Reads the records of a chunk against the reference (see [`Reference`]): a row with the same
/// bytes as the next row of the reference up to the review columns only has those read. Gives
/// up (`Fallback`) where rows stop matching.
fn scan_with_reference(
    r: &mut Rows,
    rf: &Reference,
    fields: &mut Vec<Field>,
    guess: bool,
) -> Result<Blocks> {
    let data = r.cx.data;
    let from = r.cx.cols.review_from.unwrap_or(0);
    let mut expect: Option<usize> = None;
    let mut misses = 0;
    let mut pos = r.start;
    while pos < r.limit {
        if is_line_end(data[pos]) {
            pos = skip_blank(data, pos, &mut 0);
            continue;
        }
        if let Some(j) = expect {
            let (to, k) = same_rows(r, rf, pos, j);
            if k != j {
                (pos, expect) = (to, Some(k));
                continue;
            }
        }
        if let Some(j) = expect
            && let Some(len) = rf.same_prefix(j, data, pos)
        {
            let next = scan_record(data, pos + len, fields, &mut 0);
            if guess && next - pos > MAX_GUESSED_RECORD {
                return Ok(Blocks::GaveUp);
            }
            if from + fields.len() == r.cx.headers.len() && r.same_row(j, fields, pos, next)? {
                expect = Some(j + 1);
                pos = next;
                continue;
            }
        }
        let next = scan_record(data, pos, fields, &mut 0);
        if guess && next - pos > MAX_GUESSED_RECORD {
            return Ok(Blocks::GaveUp);
        }
        r.record(fields, pos, next)?;
        let found = r.t.own.id_hash.last().and_then(|&h| rf.row_of_hash(h, pos));
        if let Some(j) = found
            && rf.same_prefix(j, data, pos).is_some()
        {
            // Read in full only for want of knowing which reference row to compare with.
            r.t.adopt_last(j);
        }
        expect = found.map(|j| j + 1);
        misses = if expect.is_some() { 0 } else { misses + 1 };
        pos = next;
        if misses >= 16 {
            // Not the same extraction here: read the rest on its own.
            return Ok(Blocks::Fallback(pos));
        }
    }
    Ok(Blocks::Done(pos))
}

/// The rows of one chunk.
struct Part {
    table: Table,
    /// Where parsing began and stopped (a record boundary at or after the chunk's end).
    start: usize,
    end: usize,
    /// The line number parsing began with (0 when it was not known).
    base_line: u64,
}

/// Parses the records that start in `start..limit`. `start` is taken to be a record boundary;
/// on a `guess`, a record longer than [`MAX_GUESSED_RECORD`] gives the guess up (`Ok(None)`).
/// Text from `check_from` on is checked before use. `base_line` is the line `start` is on.
fn parse_part(
    cx: &Ctx,
    start: usize,
    limit: usize,
    check_from: usize,
    base_line: u64,
    guess: bool,
) -> Result<Option<Part>> {
    let data = cx.data;
    let mut r = Rows {
        cx,
        t: cx.table(),
        start,
        limit,
        checked: check_from.max(start),
        base_line,
        last_doc: (Vec::new(), u32::MAX),
        reserved: false,
    };
    let mut fields: Vec<Field> = Vec::with_capacity(cx.headers.len() + 1);
    // Rows whose bytes match the first copy's up to the review columns take its reading of
    // them; other rows are read 64 bytes at a time; from a row the block scan cannot read like
    // the `csv` crate would, one field at a time.
    let mut pos = start;
    let mut done = false;
    if let Some(rf) = &cx.reference {
        match scan_with_reference(&mut r, rf, &mut fields, guess)? {
            Blocks::Done(end) => (pos, done) = (end, true),
            Blocks::GaveUp => return Ok(None),
            Blocks::Fallback(at) => pos = at,
        }
    }
    if !done {
        pos = match scan_blocks(&mut r, pos, &mut fields, guess)? {
            Blocks::Done(end) => end,
            Blocks::GaveUp => return Ok(None),
            Blocks::Fallback(at) => at,
        };
    }
    while pos < limit {
        if is_line_end(data[pos]) {
            pos = skip_blank(data, pos, &mut 0);
            continue;
        }
        let next = scan_record(data, pos, &mut fields, &mut 0);
        if guess && next - pos > MAX_GUESSED_RECORD {
            return Ok(None);
        }
        r.record(&fields, pos, next)?;
        pos = next;
    }
    Ok(Some(Part {
        table: r.t,
        start,
        end: pos,
        base_line,
    }))
}

/// A chunk's rows as they are read.
struct Rows<'a, 'b> {
    cx: &'a Ctx<'b>,
    t: Table,
    start: usize,
    limit: usize,
    /// Text before this was checked.
    checked: usize,
    base_line: u64,
    last_doc: (Vec<u8>, u32),
    reserved: bool,
}

impl Rows<'_, '_> {
    /// The error to report for a problem found in the record ending at `next`, when text is
    /// checked lazily: a problem with the text of the chunk comes first, as when it is checked
    /// before the records are read, and then one with the text past it up to `next`.
    fn first_problem(&self, found: Error, next: usize) -> Error {
        let cx = self.cx;
        let limit = self.limit.max(self.start);
        if let Err(e) = check_text(cx.data, self.start, limit, cx.path) {
            return e;
        }
        if next > limit
            && let Err(e) = check_text(cx.data, limit, next, cx.path)
        {
            return e;
        }
        found
    }

    /// Checks the text of `from..to` (see [`Rows::record_in`]).
    fn check_lazily(&self, from: usize, to: usize, next: usize) -> Result<()> {
        check_text(self.cx.data, from, to, self.cx.path).map_err(|e| self.first_problem(e, next))
    }

    /// Adds the record `at..next` (its fields found).
    fn record(&mut self, fields: &[Field], at: usize, next: usize) -> Result<()> {
        self.record_in(fields, at, next, false)
    }

    /// [`Rows::record`]; `clean` tells that the record's bytes are known to be ASCII without
    /// NUL. Text is checked record by record rather than all at once (and only where it is not
    /// the reference's, which was checked); problems are still reported as if the chunk's text
    /// had been checked first.
    #[inline]
    fn record_in(&mut self, fields: &[Field], at: usize, next: usize, clean: bool) -> Result<()> {
        if !clean && next > self.checked {
            self.check_lazily(at.max(self.checked), next, next)?;
        }
        self.record_checked(fields, at, next)
            .map_err(|e| self.first_problem(e, next))
    }

    fn record_checked(&mut self, fields: &[Field], at: usize, next: usize) -> Result<()> {
        let cx = self.cx;
        // Lines are only needed for messages and first mentions: counted when asked for.
        let (data, start, base) = (cx.data, self.start, self.base_line);
        let line = || base + memchr::memchr_iter(b'\n', &data[start..at]).count() as u64;
        if fields.len() != cx.headers.len() {
            return Err(Error::input(
                Location::file(cx.path).line(line()),
                format!(
                    "row has {} fields but the header has {}",
                    fields.len(),
                    cx.headers.len()
                ),
            ));
        }
        if !push_row_quick(
            &mut self.t,
            cx.cols,
            data,
            fields,
            &line,
            at,
            &mut self.last_doc,
        ) {
            push_row(
                &mut self.t,
                cx.cols,
                data,
                fields,
                &line,
                at,
                &mut self.last_doc,
            )?;
        }
        if cx.reference.is_some() {
            self.t.ref_row.push(u32::MAX);
        }
        if let Some(i) = cx.cols.note
            && fields[i].end > fields[i].start
        {
            self.t.noted.push(self.t.len() as u32 - 1);
        }
        self.reserve(next);
        Ok(())
    }

    fn reserve(&mut self, next: usize) {
        if !self.reserved && self.t.len() == 32 {
            // Size the columns for the whole chunk from the rows so far.
            let per_row = (next - self.start) / 32 + 1;
            let rows = self.limit.saturating_sub(self.start) / per_row;
            self.t.reserve_rows(rows + rows / 16);
            self.reserved = true;
        }
    }

    /// [`Rows::same_row`] for the usual row, whose review columns (from `from` on) are short
    /// ASCII without quotes and end within 64 bytes: they are found with one look at those
    /// bytes (`block`, classified as `m`). Returns where the next record starts, or `None` (nothing added) for any other
    /// row, which is then read field by field.
    #[inline(always)]
    fn quick_same_row(
        &mut self,
        j: usize,
        at: usize,
        from: usize,
        block: &[u8; 64],
        m: Masks,
    ) -> Option<usize> {
        let cx = self.cx;
        let (data, cols) = (cx.data, cx.cols);
        let ends = m.nl | m.cr;
        if ends == 0 {
            return None;
        }
        let e = ends.trailing_zeros();
        let below = (1u64 << e) - 1;
        if (m.quote | m.text) & below != 0 {
            return None;
        }
        let commas = m.comma & below;
        let review_from = cols.review_from?;
        if commas.count_ones() as usize + 1 + review_from != cx.headers.len() {
            return None;
        }
        // Field boundaries: up to `REVIEW_MAX` review columns.
        let mut bounds = [0u32; REVIEW_MAX + 1];
        let n = cx.headers.len() - review_from;
        if n > REVIEW_MAX {
            return None;
        }
        let mut c = commas;
        for b in bounds.iter_mut().take(n).skip(1) {
            *b = c.trailing_zeros() + 1;
            c &= c - 1;
        }
        bounds[n] = e + 1;
        let raw = |col: Option<usize>| -> &[u8] {
            match col {
                Some(c) => {
                    let i = c - review_from;
                    block
                        .get(bounds[i] as usize..(bounds[i + 1] as usize).saturating_sub(1))
                        .unwrap_or(b"")
                }
                None => b"",
            }
        };
        let get = |col: Option<usize>| schema::unescape_formula_bytes(raw(col));
        // A status or version with a leading apostrophe reads as no status or version here and
        // goes to the full reading, which undoes the escape.
        let status = parse_status(raw(cols.status))?;
        if !version_ok(raw(cols.schema_version)) {
            return None;
        }
        let e = from + e as usize;
        let next = if data[e] == b'\r' && data.get(e + 1) == Some(&b'\n') {
            e + 2
        } else {
            e + 1
        };
        // Undoing an escape never leaves a field empty.
        let noted = !raw(cols.note).is_empty();
        self.push_same(
            j,
            at,
            next,
            status,
            get(cols.reviewed_speaker),
            get(cols.annotator),
            noted,
        );
        Some(next)
    }

    /// Adds the record `at..next`, whose bytes up to the review columns are those of row `j`
    /// of the reference; `fields` are its review columns on. `names` maps the reference's
    /// name ids to this table's, `doc` caches the last document. Declines (`false`, nothing
    /// added) a row whose review columns need the full reading, to word a problem.
    fn same_row(&mut self, j: usize, fields: &[Field], at: usize, next: usize) -> Result<bool> {
        let cx = self.cx;
        let (data, cols) = (cx.data, cx.cols);
        // The bytes before `fields` are the reference's, already checked.
        let from_byte = fields.first().map_or(next, |f| f.start);
        self.check_lazily(from_byte, next, next)?;
        let from = cols.review_from.unwrap_or(0);
        let text = |c: Option<usize>| -> Cow<'_, [u8]> {
            match c.and_then(|c| fields.get(c - from)) {
                Some(&f) => match field(data, f) {
                    Cow::Borrowed(b) => Cow::Borrowed(schema::unescape_formula_bytes(b)),
                    Cow::Owned(v) => Cow::Owned(schema::unescape_formula_bytes(&v).to_vec()),
                },
                None => Cow::Borrowed(b""),
            }
        };
        let Some(status) = parse_status(&text(cols.status)) else {
            return Ok(false);
        };
        if !version_ok(&text(cols.schema_version)) {
            return Ok(false);
        }
        let noted = cols
            .note
            .and_then(|c| fields.get(c - from))
            .is_some_and(|f| f.end > f.start);
        self.push_same(
            j,
            at,
            next,
            status,
            &text(cols.reviewed_speaker),
            &text(cols.annotator),
            noted,
        );
        Ok(true)
    }

    /// Adds a row with the bytes of the reference's row `j` up to the review columns.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn push_same(
        &mut self,
        j: usize,
        at: usize,
        next: usize,
        status: u8,
        reviewed: &[u8],
        annotator: &[u8],
        noted: bool,
    ) {
        let data = self.cx.data;
        let t = &mut self.t;
        if noted {
            t.noted.push(t.len() as u32);
        }
        t.ref_row.push(j as u32);
        if let Text::Csv { row_at, .. } = &mut t.text {
            row_at.push(at);
        }
        t.status.push(status);
        t.reviewed.push(if reviewed.is_empty() {
            0
        } else {
            t.names.id(reviewed)
        });
        let (start, base) = (self.start, self.base_line);
        let line = || base + memchr::memchr_iter(b'\n', &data[start..at]).count() as u64;
        t.count_annotator(annotator, &line);
        self.reserve(next);
    }
}

enum Blocks {
    /// Every record starting before the limit was read; the next starts here.
    Done(usize),
    /// A guess ran into a record longer than [`MAX_GUESSED_RECORD`].
    GaveUp,
    /// The record starting here needs the field-by-field scan.
    Fallback(usize),
}

/// Where quotes, commas, `\n` and `\r` are in 64 bytes (bit i = byte i).
#[derive(Clone, Copy)]
struct Masks {
    quote: u64,
    comma: u64,
    nl: u64,
    cr: u64,
    /// Bytes that are not ASCII, or NUL: text to check.
    text: u64,
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
#[inline]
fn classify_avx512(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        _mm512_cmpeq_epi8_mask, _mm512_loadu_si512, _mm512_movepi8_mask, _mm512_set1_epi8,
    };
    // SAFETY: the load reads the 64 bytes of `block`.
    let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
    let eq = |b: u8| _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b as i8));
    Masks {
        quote: eq(b'"'),
        comma: eq(b','),
        nl: eq(b'\n'),
        cr: eq(b'\r'),
        text: eq(0) | _mm512_movepi8_mask(v),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn classify_avx2(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
    };
    // SAFETY: the loads read the 64 bytes of `block`.
    let (lo, hi) = unsafe {
        (
            _mm256_loadu_si256(block.as_ptr().cast::<__m256i>()),
            _mm256_loadu_si256(block.as_ptr().add(32).cast::<__m256i>()),
        )
    };
    let bits = |x: __m256i, y: __m256i| {
        u64::from(_mm256_movemask_epi8(x) as u32) | u64::from(_mm256_movemask_epi8(y) as u32) << 32
    };
    let eq = |b: u8| {
        let n = _mm256_set1_epi8(b as i8);
        bits(_mm256_cmpeq_epi8(lo, n), _mm256_cmpeq_epi8(hi, n))
    };
    Masks {
        quote: eq(b'"'),
        comma: eq(b','),
        nl: eq(b'\n'),
        cr: eq(b'\r'),
        text: eq(0) | bits(lo, hi),
    }
}

#[inline(always)]
fn classify_sse2(block: &[u8; 64]) -> Masks {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of every x86_64 CPU; the loads read the 64 bytes of `block`.
        unsafe {
            let v: [__m128i; 4] =
                std::array::from_fn(|i| _mm_loadu_si128(block.as_ptr().add(16 * i).cast()));
            let mask = |b: u8| {
                let n = _mm_set1_epi8(b as i8);
                let mut m = 0u64;
                for (i, x) in v.iter().enumerate() {
                    m |= (_mm_movemask_epi8(_mm_cmpeq_epi8(*x, n)) as u32 as u64) << (16 * i);
                }
                m
            };
            let mut high = 0u64;
            for (i, x) in v.iter().enumerate() {
                high |= (_mm_movemask_epi8(*x) as u32 as u64) << (16 * i);
            }
            Masks {
                quote: mask(b'"'),
                comma: mask(b','),
                nl: mask(b'\n'),
                cr: mask(b'\r'),
                text: mask(0) | high,
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mask = |b: u8| {
            block
                .iter()
                .enumerate()
                .fold(0u64, |m, (i, &x)| m | (u64::from(x == b) << i))
        };
        let high = block
            .iter()
            .enumerate()
            .fold(0u64, |m, (i, &x)| m | (u64::from(x >= 0x80) << i));
        Masks {
            quote: mask(b'"'),
            comma: mask(b','),
            nl: mask(b'\n'),
            cr: mask(b'\r'),
            text: mask(0) | high,
        }
    }
}

/// Bit i of the result is the parity of the set bits 0..=i of `x`.
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// Reads a chunk's records 64 bytes at a time: quotes are paired by parity, and delimiters
/// outside them end fields and records. That is how the `csv` crate reads CSV as long as every
/// quote that opens a quoted stretch starts a field (or doubles a quote); a block where one
/// does not (a stray quote inside a field) or a quote left open at the end of the file hands
/// the record it is in to [`scan_record`].
fn scan_blocks(r: &mut Rows, start: usize, fields: &mut Vec<Field>, guess: bool) -> Result<Blocks> {
    widest_vectors!(
        scan_blocks_avx512(r, start, fields, guess),
        scan_blocks_avx2(r, start, fields, guess),
        scan_blocks_sse2(r, start, fields, guess)
    )
}

/// The body of [`scan_blocks`], made with each way of classifying a block.
macro_rules! scan_blocks_with {
    ($classify:ident, $r:ident, $start:ident, $fields:ident, $guess:ident) => {{
        let (r, start, fields, guess) = ($r, $start, $fields, $guess);
        let data = r.cx.data;
        let limit = r.limit;
        if start >= limit {
            return Ok(Blocks::Done(start));
        }
        fields.clear();
        let mut rec = start;
        let mut field = start;
        let mut inside = false;
        // Whether the byte before the block may precede an opening quote: a delimiter, or a
        // closing quote (a doubled quote); the chunk starts at a record boundary.
        let mut may_open = true;
        let mut base = start;
        let mut pad = [0u8; 64];
        let mut dirty = false;
        let kind = |at: usize| {
            if data.get(at) == Some(&b'"') {
                FieldKind::QuotedMaybe
            } else {
                FieldKind::Plain
            }
        };
        while base < data.len() {
            let valid = if base + 64 <= data.len() {
                u64::MAX
            } else {
                u64::MAX >> (64 - (data.len() - base))
            };
            let block: &[u8; 64] = match data.get(base..base + 64) {
                Some(b) => b.try_into().unwrap_or(&pad),
                None => {
                    pad = [0; 64];
                    pad[..data.len() - base].copy_from_slice(&data[base..]);
                    &pad
                }
            };
            let m = $classify(block);
            // Conservative: a byte to check anywhere in the block marks the records from here on.
            dirty |= m.text & valid != 0;
            let delim = m.comma | m.nl | m.cr;
            let px = prefix_xor(m.quote) ^ if inside { u64::MAX } else { 0 };
            let open = m.quote & px;
            let close = m.quote & !px;
            // Text after a closing quote needs no care: it stays in the field (and `decode` keeps
            // it) as in the `csv` crate, unless it holds a quote, which is caught here.
            if open & !(((delim | close) << 1) | u64::from(may_open)) != 0 {
                return Ok(Blocks::Fallback(rec));
            }
            inside = px >> 63 != 0;
            may_open = (delim | close) >> 63 != 0;
            let mut s = delim & !px & valid;
            while s != 0 {
                let p = base + s.trailing_zeros() as usize;
                s &= s - 1;
                if data[p] == b',' {
                    fields.push(Field {
                        start: field,
                        end: p,
                        kind: kind(field),
                    });
                    field = p + 1;
                    continue;
                }
                // A line end: the end of a record, or a blank line.
                if p != rec {
                    fields.push(Field {
                        start: field,
                        end: p,
                        kind: kind(field),
                    });
                    r.record_in(fields, rec, p + 1, !dirty)?;
                    fields.clear();
                }
                rec = p + 1;
                field = rec;
                if rec < data.len() && is_line_end(data[rec]) {
                    continue;
                }
                if rec >= limit {
                    return Ok(Blocks::Done(rec));
                }
            }
            if guess && base.saturating_sub(rec) > MAX_GUESSED_RECORD {
                return Ok(Blocks::GaveUp);
            }
            base += 64;
        }
        if inside {
            // A quote left open runs to the end of the file.
            return Ok(Blocks::Fallback(rec));
        }
        if rec < data.len() {
            // The last record has no line end.
            fields.push(Field {
                start: field,
                end: data.len(),
                kind: kind(field),
            });
            r.record(fields, rec, data.len())?;
        }
        Ok(Blocks::Done(data.len()))
    }};
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
fn scan_blocks_avx512(
    r: &mut Rows,
    start: usize,
    fields: &mut Vec<Field>,
    guess: bool,
) -> Result<Blocks> {
    scan_blocks_with!(classify_avx512, r, start, fields, guess)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn scan_blocks_avx2(
    r: &mut Rows,
    start: usize,
    fields: &mut Vec<Field>,
    guess: bool,
) -> Result<Blocks> {
    scan_blocks_with!(classify_avx2, r, start, fields, guess)
}

fn scan_blocks_sse2(
    r: &mut Rows,
    start: usize,
    fields: &mut Vec<Field>,
    guess: bool,
) -> Result<Blocks> {
    scan_blocks_with!(classify_sse2, r, start, fields, guess)
}

/// The start of the first record after `at`, guessed: after a line end, and where a record with
/// the header's number of fields starts if one does within a few lines.
fn next_cut(data: &[u8], at: usize, fields_wanted: usize) -> usize {
    let mut fields = Vec::with_capacity(fields_wanted + 1);
    let mut pos = at;
    let mut first = None;
    for _ in 0..16 {
        let Some(nl) = memchr::memchr(b'\n', &data[pos.min(data.len())..]) else {
            return first.unwrap_or(data.len());
        };
        let mut n = 0;
        let cut = skip_blank(data, pos + nl + 1, &mut n);
        if cut >= data.len() {
            return first.unwrap_or(data.len());
        }
        first.get_or_insert(cut);
        // A wrong guess costs a reparse, so look at the next record (in a bounded window).
        let window = &data[..data.len().min(cut + 65536)];
        scan_record(window, cut, &mut fields, &mut n);
        if fields.len() == fields_wanted {
            return cut;
        }
        pos = cut;
    }
    first.unwrap_or(data.len())
}

/// Reads a CSV copy held in memory, cut into chunks of about `chunk` bytes that are parsed in
/// parallel. `release(from, to)` is told when bytes are no longer needed.
fn read_csv_bytes(
    bytes: Arc<Bytes>,
    path: &Path,
    reference: Option<&Table>,
    chunk: usize,
    release: &(dyn Fn(usize, usize) + Sync),
) -> Result<Table> {
    let data = bytes.get();
    if data.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::input(
            Location::file(path),
            "empty file: expected a header row and data",
        ));
    }
    // The header.
    let mut newlines = 0;
    let hstart = skip_blank(data, 0, &mut newlines);
    let mut fields = Vec::new();
    let hend = scan_record(data, hstart, &mut fields, &mut newlines);
    // Chunk boundaries: chunk i is cuts[i]..cuts[i + 1].
    let mut cuts = vec![hend];
    loop {
        let last = *cuts.last().unwrap_or(&hend);
        if last >= data.len() {
            break;
        }
        let cut = next_cut(data, last.saturating_add(chunk).max(hend), fields.len());
        cuts.push(cut.max(last + 1).min(data.len()));
    }
    if cuts.len() == 1 {
        cuts.push(data.len());
    }
    // The first chunk's text is checked before the header is looked at, as one buffer of a
    // streaming reader would be.
    let first_end = cuts[1].max(hend);
    check_text(data, 0, first_end, path)?;
    let raw: Vec<String> = fields
        .iter()
        .map(|&f| String::from_utf8_lossy(&decode(data, f)).into_owned())
        .collect();
    let headers = schema::check_header(raw.iter().map(String::as_str), path)?;
    let cols = Cols::new(&headers);
    let cx = Ctx {
        bytes: &bytes,
        data,
        path,
        headers: &headers,
        cols: &cols,
        reference: reference
            .and_then(|t| Reference::new(t, &headers, &cols))
            .map(|r| Reference {
                len: data.len(),
                ..r
            }),
        pool: Mutex::new(Vec::new()),
    };
    let first_line = 1 + newlines;

    // Every chunk in parallel, all but the first on a guess, taken in file order by as many
    // workers as there are threads. Each chunk's rows join the table as soon as the chunks
    // before it have joined, so that a chunk's rows are held twice only briefly and the
    // chunks' tables are used again. A chunk whose guess was wrong (it did not begin where
    // the one before it ended) or that failed is parsed again in order, to word its error
    // with the right line (a guess's error may be only the wrong guess's).
    let chunks = cuts.len() - 1;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut table = Table::csv(path, headers.clone(), bytes.clone(), &cols);
    if let Some(rf) = &cx.reference {
        // Rows with the reference's bytes take its numbering of names and documents, and its
        // columns while every row so far is the reference's row of the same number.
        table.names = rf.table.names.clone();
        table.docs = rf.table.docs.clone();
        table.shared = rf.table.shared.clone();
    }
    let joined = Mutex::new(Joined {
        table,
        waiting: (0..chunks).map(|_| None).collect(),
        next: 0,
        pos: hend,
        known: (hend, first_line),
        named: Vec::new(),
        failed: None,
        map: Vec::new(),
    });
    let workers = rayon::current_num_threads().clamp(1, chunks);
    (0..workers).into_par_iter().for_each(|_| {
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= chunks {
                return;
            }
            let (from, to) = (cuts[i], cuts[i + 1]);
            populate(&bytes, from, to);
            let r = if i == 0 {
                parse_part(&cx, from, to, first_end, first_line, false)
            } else {
                parse_part(&cx, from, to, from, 0, true)
            };
            release(
                from,
                r.as_ref()
                    .ok()
                    .and_then(|p| p.as_ref())
                    .map_or(to, |p| p.end),
            );
            let mut guard = joined.lock().unwrap_or_else(|e| e.into_inner());
            let j = &mut *guard;
            j.waiting[i] = Some(r);
            if j.failed.is_some() {
                return;
            }
            while let Some(r) = j.waiting.get_mut(j.next).and_then(Option::take) {
                let i = j.next;
                j.next += 1;
                if let Err(e) = j.join(&cx, i, r, &cuts, first_end, release) {
                    j.failed = Some(e);
                    stop.store(true, Ordering::Relaxed);
                    return;
                }
            }
        }
    });
    let j = joined.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = j.failed {
        return Err(e);
    }
    let mut table = j.table;
    if table
        .shared
        .as_ref()
        .is_some_and(|sh| sh.id_hash.len() != table.len())
    {
        table.unshare();
    }
    Ok(table)
}

/// The table of a file being read, as its chunks join it in order.
struct Joined {
    table: Table,
    /// Chunks parsed ahead of their turn.
    waiting: Vec<Option<Result<Option<Part>>>>,
    /// The chunk whose turn it is.
    next: usize,
    /// Where the rows joined so far end.
    pos: usize,
    /// Line numbers are counted only where needed (a chunk parsed again, an annotator first
    /// named in a later chunk), from the last place counted to: (byte, its line).
    known: (usize, u64),
    /// Annotator names seen so far.
    named: Vec<String>,
    failed: Option<Error>,
    /// Room for [`Table::append`].
    map: Vec<u32>,
}

impl Joined {
    fn line_at(&mut self, data: &[u8], p: usize) -> u64 {
        if p > self.known.0 {
            self.known.1 += memchr::memchr_iter(b'\n', &data[self.known.0..p]).count() as u64;
            self.known.0 = p;
        }
        self.known.1
    }

    /// Adds chunk `i`, parsed as `r`: its guess was right if the chunk before it ended exactly
    /// where it began; otherwise it is parsed again from there.
    fn join(
        &mut self,
        cx: &Ctx,
        i: usize,
        r: Result<Option<Part>>,
        cuts: &[usize],
        first_end: usize,
        release: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<()> {
        let (from, to) = (cuts[i], cuts[i + 1]);
        let pos = self.pos;
        if pos >= to {
            // The previous chunk's last record ran over this whole chunk.
            if let Ok(Some(p)) = r {
                cx.recycle(p.table);
            }
            return Ok(());
        }
        let r = match r {
            Ok(Some(p)) if p.start == pos => Ok(p),
            other => {
                if let Ok(Some(p)) = other {
                    cx.recycle(p.table);
                }
                // Text before `pos` was checked with the record it belongs to.
                let check_from = if i == 0 { first_end } else { pos.max(from) };
                let line = self.line_at(cx.data, pos);
                let p = parse_part(cx, pos, to, check_from, line, false)?;
                release(pos, p.as_ref().map_or(to, |p| p.end));
                p.ok_or_else(|| Error::Other("chunk parse gave up without a guess".into()))
            }
        };
        let part = r?;
        let new_name = part
            .table
            .annotators
            .iter()
            .any(|a| !self.named.contains(&a.0));
        let add = if new_name {
            self.named
                .extend(part.table.annotators.iter().map(|a| a.0.clone()));
            self.line_at(cx.data, part.start) - part.base_line
        } else {
            0
        };
        if i == 0 {
            // Room for the whole file, from the rows of the first chunk.
            let per_row = (part.end - part.start) / part.table.len().max(1) + 1;
            let rows = cx.data.len() / per_row;
            self.table.reserve_rows(rows + rows / 32 + 16);
            if let Some(docs) = Arc::get_mut(&mut self.table.docs) {
                // Documents in proportion (not for documents shared with another table).
                docs.reserve(rows / part.table.len().max(1) * part.table.docs.len());
            }
        }
        let reference = cx.reference.as_ref().map(|r| r.table);
        self.table
            .append(&part.table, add, &mut self.map, reference);
        self.pos = part.end;
        cx.recycle(part.table);
        Ok(())
    }
}

/// Refuses binary data and invalid UTF-8 in `data[from..to]`, naming the line. `from` and `to`
/// are at line ends or the ends of the data, so no character is cut in two.
fn check_text(data: &[u8], from: usize, to: usize, path: &Path) -> Result<()> {
    let chunk = &data[from..to];
    // Plain ASCII without NUL, the usual case, in one pass.
    if chunk.chunks(4096).all(|b| {
        let (mut or, mut min) = (0u8, u8::MAX);
        for &x in b {
            or |= x;
            min = min.min(x);
        }
        or < 0x80 && min > 0
    }) {
        return Ok(());
    }
    let line_at = |i: usize| 1 + memchr::memchr_iter(b'\n', &data[..from + i]).count() as u64;
    if let Some(i) = memchr::memchr(0, chunk) {
        return Err(Error::input(
            Location::file(path).line(line_at(i)),
            "binary file (contains a NUL byte); expected a CSV file",
        ));
    }
    if let Err(e) = std::str::from_utf8(chunk) {
        return Err(Error::input(
            Location::file(path).line(line_at(e.valid_up_to())),
            "invalid UTF-8; convert the file to UTF-8",
        ));
    }
    Ok(())
}

/// Whether a `schema_version` is empty or one this quotecheck reads.
#[inline(always)]
fn version_ok(v: &[u8]) -> bool {
    if let [d] = v
        && d.is_ascii_digit()
    {
        return u32::from(d - b'0') <= schema::SCHEMA_VERSION;
    }
    version_ok_any(v)
}

fn version_ok_any(v: &[u8]) -> bool {
    let v = trim(v);
    if let [d] = v
        && d.is_ascii_digit()
    {
        return u32::from(d - b'0') <= schema::SCHEMA_VERSION;
    }
    v.is_empty()
        || std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.parse::<u32>().ok())
            .is_some_and(|x| x <= schema::SCHEMA_VERSION)
}

/// Blank as the schema reader sees it (Unicode white space).
#[inline]
fn is_blank(b: &[u8]) -> bool {
    match b.first() {
        None => true,
        // An ASCII character that is not white space: the usual case, decided at once.
        Some(&c) if c.is_ascii() && !(9..=13).contains(&c) && c != b' ' => false,
        _ => b.trim_ascii().is_empty() || std::str::from_utf8(b).is_ok_and(|s| s.trim().is_empty()),
    }
}

/// Whether a trimmed, non-empty confidence is a number from 0 to 1 as `f64` parsing sees it.
#[inline]
fn confidence_in_range(c: &[u8]) -> bool {
    // Digits with an integer part of only zeros are below 1 (or 1 after rounding): no need to
    // parse. Anything else is parsed.
    let point = c.iter().position(|&b| b == b'.').unwrap_or(c.len());
    let (int, frac) = (&c[..point], &c[(point + 1).min(c.len())..]);
    if int.iter().all(|&b| b == b'0')
        && frac.iter().all(u8::is_ascii_digit)
        && !(int.is_empty() && frac.is_empty())
    {
        return true;
    }
    std::str::from_utf8(c)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .is_some_and(|v| (0.0..=1.0).contains(&v))
}

#[inline]
fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

#[inline]
fn parse_usize(b: &[u8]) -> Option<usize> {
    // The usual form, 1 to 19 digits and nothing else, without a branch per digit.
    if !b.is_empty() && b.len() <= 19 {
        let mut v: usize = 0;
        let mut digits = true;
        for &c in b {
            let d = c.wrapping_sub(b'0');
            digits &= d < 10;
            v = v.wrapping_mul(10).wrapping_add(d as usize);
        }
        if digits {
            return Some(v);
        }
    }
    parse_usize_any(b)
}

fn parse_usize_any(b: &[u8]) -> Option<usize> {
    let b = trim(b);
    if b.is_empty() || b.len() > 19 {
        return std::str::from_utf8(b).ok()?.parse().ok();
    }
    let mut v: usize = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            // Let the standard parser decide odd forms such as a leading `+`.
            return std::str::from_utf8(b).ok()?.parse().ok();
        }
        v = v * 10 + (c - b'0') as usize;
    }
    Some(v)
}

#[inline]
fn eq_lower(b: &[u8], words: &[&[u8]]) -> bool {
    words.iter().any(|w| b.eq_ignore_ascii_case(w))
}

#[inline(always)]
fn parse_status(b: &[u8]) -> Option<u8> {
    // Codes as in `status_code`: the statuses as written by quotecheck first, told apart by
    // their length and then compared whole.
    match b.len() {
        0 => return Some(0),
        9 if b == b"confirmed" => return Some(1),
        9 if b == b"corrected" => return Some(2),
        8 if b == b"rejected" => return Some(3),
        7 if b == b"flagged" => return Some(4),
        _ => {}
    }
    parse_status_any(b)
}

fn parse_status_any(b: &[u8]) -> Option<u8> {
    let b = trim(b);
    if b.is_empty() {
        return Some(0);
    }
    Status::ALL
        .iter()
        .position(|s| b.eq_ignore_ascii_case(s.as_str().as_bytes()))
        .map(|i| i as u8 + 1)
}

/// The bytes of a field that needs no decoding: plain, or quoted without quotes inside;
/// `None` for any other.
#[inline(always)]
fn undecoded(buf: &[u8], f: Field) -> Option<&[u8]> {
    match f.kind {
        FieldKind::Plain => Some(&buf[f.start..f.end]),
        FieldKind::Quoted => Some(&buf[f.start + 1..f.end - 1]),
        FieldKind::QuotedMaybe
            if f.end >= f.start + 2
                && memchr::memchr(b'"', &buf[f.start + 1..f.end]) == Some(f.end - f.start - 2) =>
        {
            Some(&buf[f.start + 1..f.end - 1])
        }
        _ => None,
    }
}

/// A plain field of 1 to 8 ASCII digits, read as one word; `None` for any other (`buf` must
/// hold 8 bytes up to the field's end).
#[inline(always)]
fn short_number(buf: &[u8], start: usize, end: usize) -> Option<usize> {
    let len = end.wrapping_sub(start);
    if len == 0 || len > 8 || end < 8 {
        return None;
    }
    let w = u64::from_le_bytes(buf.get(end - 8..end)?.try_into().ok()?);
    // The field's bytes are the top `len` of the word; the others become leading zeros.
    let keep = u64::MAX << (8 * (8 - len));
    let w = (w & keep) | (0x3030_3030_3030_3030 & !keep);
    let d = w.wrapping_sub(0x3030_3030_3030_3030);
    // A byte below `0` borrows and sets its top bit, one above `9` does after adding 0x76.
    if (d | d.wrapping_add(0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 != 0 {
        return None;
    }
    // Eight digits, the first in the lowest byte, combined in pairs, fours and eights.
    let v = d.wrapping_mul(10).wrapping_add(d >> 8);
    let v = (v & 0x0000_00FF_0000_00FF)
        .wrapping_mul(100 + (1_000_000 << 32))
        .wrapping_add(((v >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(1 + (10_000 << 32)))
        >> 32;
    Some(v as usize)
}

/// A number field as [`parse_usize`] reads it.
#[inline(always)]
fn field_number(buf: &[u8], f: Field) -> Option<usize> {
    if f.kind == FieldKind::Plain
        && let Some(v) = short_number(buf, f.start, f.end)
    {
        return Some(v);
    }
    parse_usize(undecoded(buf, f)?)
}

/// An optional number field: `Some(None)` when blank, else as [`parse_usize`] reads it
/// trimmed; `None` for anything else.
#[inline(always)]
fn field_optional_number(buf: &[u8], f: Field) -> Option<Option<usize>> {
    if f.kind == FieldKind::Plain {
        if f.start == f.end {
            return Some(None);
        }
        if let Some(v) = short_number(buf, f.start, f.end) {
            return Some(Some(v));
        }
    }
    let b = trim(undecoded(buf, f)?);
    if b.is_empty() {
        Some(None)
    } else {
        parse_usize(b).map(Some)
    }
}

/// [`push_row`] for a row whose fields need no decoding and pass the quick checks, the usual
/// row; `false` (nothing added) for any other.
#[inline]
fn push_row_quick(
    t: &mut Table,
    cols: &Cols,
    buf: &[u8],
    fields: &[Field],
    line: &dyn Fn() -> u64,
    at: usize,
    last_doc: &mut (Vec<u8>, u32),
) -> bool {
    macro_rules! get {
        ($e:expr) => {
            match undecoded(buf, fields[$e]) {
                Some(v) => v,
                None => return false,
            }
        };
    }
    macro_rules! opt {
        ($e:expr) => {
            match $e {
                Some(i) => get!(i),
                None => b"",
            }
        };
    }
    macro_rules! ok {
        ($e:expr) => {
            match $e {
                Some(v) => v,
                None => return false,
            }
        };
    }
    // The speaker's slot is asked for now, to be there when it is looked up at the end.
    let speaker = schema::unescape_formula_bytes(opt!(cols.speaker));
    t.names.prefetch(speaker);
    let doc_id = schema::unescape_formula_bytes(get!(cols.doc_id));
    let start = ok!(field_number(buf, fields[cols.start]));
    let end = ok!(field_number(buf, fields[cols.end]));
    if end < start || is_blank(doc_id) {
        return false;
    }
    let status = ok!(parse_status(opt!(cols.status)));
    if !version_ok(opt!(cols.schema_version)) {
        return false;
    }
    let number = |c: Option<usize>| -> Option<Option<usize>> {
        match c {
            Some(i) => field_optional_number(buf, fields[i]),
            None => Some(None),
        }
    };
    let ss = ok!(number(cols.speaker_start));
    let se = ok!(number(cols.speaker_end));
    if ss.is_some() != se.is_some() {
        return false;
    }
    if let (Some(s), Some(e)) = (ss, se)
        && e < s
    {
        return false;
    }
    ok!(number(cols.context_start));
    let c = trim(opt!(cols.confidence));
    if !c.is_empty() && !confidence_in_range(c) {
        return false;
    }
    let k = opt!(cols.kind);
    if k != b"direct" && !eq_lower(trim(k), &[b"", b"direct", b"mixed", b"indirect"]) {
        return false;
    }
    let qid = schema::unescape_formula_bytes(opt!(cols.quote_id));
    let quote = schema::unescape_formula_bytes(get!(cols.quote));
    let reviewed = schema::unescape_formula_bytes(opt!(cols.reviewed_speaker));
    let annotator = schema::unescape_formula_bytes(opt!(cols.annotator));

    t.own.id_hash.push(if is_blank(qid) {
        let id = QuoteRecord::make_id(&String::from_utf8_lossy(doc_id), start, end);
        text_hash(id.as_bytes())
    } else {
        text_hash(qid)
    });
    t.own.quote_hash.push(text_hash(quote));
    if let Text::Csv { row_at, prefix, .. } = &mut t.text {
        row_at.push(at);
        prefix.push(
            cols.review_from
                .and_then(|c| u32::try_from(fields[c].start - at).ok())
                .unwrap_or(u32::MAX),
        );
    }
    // Rows of one document are usually together: skip the hash lookup for a repeat.
    let doc = if last_doc.1 != u32::MAX && short_eq(&last_doc.0, doc_id) {
        last_doc.1
    } else {
        let id = Arc::make_mut(&mut t.docs).id(doc_id);
        last_doc.0.clear();
        last_doc.0.extend_from_slice(doc_id);
        last_doc.1 = id;
        id
    };
    t.own.doc.push(doc);
    t.own.start.push(start);
    t.own.end.push(end);
    t.status.push(status);
    t.own.speaker.push(t.names.id(speaker));
    t.reviewed.push(if reviewed.is_empty() {
        0
    } else {
        t.names.id(reviewed)
    });
    t.count_annotator(annotator, line);
    true
}

fn push_row(
    t: &mut Table,
    cols: &Cols,
    buf: &[u8],
    fields: &[Field],
    line: &dyn Fn() -> u64,
    at: usize,
    last_doc: &mut (Vec<u8>, u32),
) -> Result<()> {
    let raw = |i: usize| field(buf, fields[i]);
    let opt = |i: Option<usize>| i.map(raw).unwrap_or(Cow::Borrowed(b""));
    let text = |i: Option<usize>| -> Cow<'_, [u8]> {
        match opt(i) {
            Cow::Borrowed(b) => Cow::Borrowed(schema::unescape_formula_bytes(b)),
            Cow::Owned(v) => Cow::Owned(schema::unescape_formula_bytes(&v).to_vec()),
        }
    };
    let doc_id = text(Some(cols.doc_id));
    let start = parse_usize(&raw(cols.start));
    let end = parse_usize(&raw(cols.end));
    let status = parse_status(&opt(cols.status));

    // The same checks as the schema reader, in cheap form.
    let ok = (|| {
        if !version_ok(&opt(cols.schema_version)) {
            return None;
        }
        if is_blank(&doc_id) {
            return None;
        }
        if end? < start? {
            return None;
        }
        let ss = opt(cols.speaker_start);
        let se = opt(cols.speaker_end);
        let ss = if trim(&ss).is_empty() {
            None
        } else {
            Some(parse_usize(&ss)?)
        };
        let se = if trim(&se).is_empty() {
            None
        } else {
            Some(parse_usize(&se)?)
        };
        if ss.is_some() != se.is_some() {
            return None;
        }
        if let (Some(s), Some(e)) = (ss, se)
            && e < s
        {
            return None;
        }
        let cs = opt(cols.context_start);
        if !trim(&cs).is_empty() {
            parse_usize(&cs)?;
        }
        let c = opt(cols.confidence);
        let c = trim(&c);
        if !c.is_empty() && !confidence_in_range(c) {
            return None;
        }
        let k = opt(cols.kind);
        if &*k != b"direct" && !eq_lower(trim(&k), &[b"", b"direct", b"mixed", b"indirect"]) {
            return None;
        }
        status?;
        Some(())
    })();
    if ok.is_none() {
        // Let the schema reader find and word the problem.
        let get = |name: &str| -> String {
            match cols.all.get(name) {
                Some(&i) => {
                    let v = raw(i);
                    let v: &[u8] = if schema::TEXT_COLUMNS.contains(&name) {
                        schema::unescape_formula_bytes(&v)
                    } else {
                        &v
                    };
                    String::from_utf8_lossy(v).into_owned()
                }
                None => String::new(),
            }
        };
        let rec = schema::record_from_lookup(&get, &t.path, line())?;
        // The quick checks were stricter than the schema: take its reading of the row.
        t.push(&rec, line, at);
        return Ok(());
    }
    let (start, end) = (start.unwrap_or(0), end.unwrap_or(0));

    let qid = text(cols.quote_id);
    t.own.id_hash.push(if is_blank(&qid) {
        let id = QuoteRecord::make_id(&String::from_utf8_lossy(&doc_id), start, end);
        text_hash(id.as_bytes())
    } else {
        text_hash(&qid)
    });
    t.own.quote_hash.push(text_hash(&text(Some(cols.quote))));
    if let Text::Csv { row_at, prefix, .. } = &mut t.text {
        row_at.push(at);
        prefix.push(
            cols.review_from
                .and_then(|c| u32::try_from(fields[c].start - at).ok())
                .unwrap_or(u32::MAX),
        );
    }
    // Rows of one document are usually together: skip the hash lookup for a repeat.
    let doc = if last_doc.1 != u32::MAX && short_eq(&last_doc.0, &doc_id) {
        last_doc.1
    } else {
        let id = Arc::make_mut(&mut t.docs).id(&doc_id);
        last_doc.0.clear();
        last_doc.0.extend_from_slice(&doc_id);
        last_doc.1 = id;
        id
    };
    t.own.doc.push(doc);
    t.own.start.push(start);
    t.own.end.push(end);
    t.status.push(status.unwrap_or(0));
    let sp = text(cols.speaker);
    t.own.speaker.push(t.names.id(&sp));
    let rs = text(cols.reviewed_speaker);
    t.reviewed
        .push(if rs.is_empty() { 0 } else { t.names.id(&rs) });
    let a = text(cols.annotator);
    t.count_annotator(&a, line);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn via_schema(data: &str) -> Result<Table> {
        let ds = schema::read_csv(data.as_bytes(), Path::new("t.csv"))?;
        Table::from_dataset(Path::new("t.csv"), ds)
    }

    fn lines(t: &Table) -> Vec<u64> {
        (0..t.len()).map(|r| t.line(r)).collect()
    }

    fn fast(data: &str) -> Result<Table> {
        read_csv_table(data.as_bytes(), Path::new("t.csv"))
    }

    /// Compares everything but the id index (whose layout may differ) and line numbers: the
    /// `csv` crate reports a CRLF file's record at the line before it (it counts the `\n` of
    /// the previous line end only when it reads the next record); lines are checked on their own.
    fn same(a: &Table, b: &Table) {
        assert_eq!(a.headers, b.headers);
        assert_eq!(a.len(), b.len());
        let (x, y) = (a.extracted(), b.extracted());
        assert_eq!(x.id_hash, y.id_hash);
        assert_eq!(x.quote_hash, y.quote_hash);
        assert_eq!(x.start, y.start);
        assert_eq!(x.end, y.end);
        assert_eq!(a.status, b.status);
        assert_eq!(a.annotators, b.annotators);
        for r in 0..a.len() {
            assert_eq!(a.quote_id(r), b.quote_id(r));
            assert_eq!(a.quote(r), b.quote(r));
            assert_eq!(a.note(r), b.note(r));
            assert_eq!(a.docs.get(x.doc[r]), b.docs.get(y.doc[r]));
            assert_eq!(a.names.get(x.speaker[r]), b.names.get(y.speaker[r]));
            assert_eq!(a.names.get(a.reviewed[r]), b.names.get(b.reviewed[r]));
            assert_eq!(a.final_speaker(r), b.final_speaker(r));
        }
    }

    const HEAD: &str = "quote_id,doc_id,kind,quote,start,end,speaker,status,reviewed_speaker,annotator,note,confidence\n";

    #[test]
    fn reads_like_the_schema_reader() {
        let data = format!(
            "{HEAD}a,d1,direct,\"Hello, \"\"world\"\"\",0,5,Ann,confirmed,,ana,,\n\
             ,d1,mixed,\"two\nlines\",7,9,'=Bob,corrected,'-Carl,ana,\"a \"\"note\"\"\",\r\n\
             \r\n\
             c,d2,,x\"y,10,12,,rejected,,ana,n,0.5\r\n\
             d,d2,INDIRECT,q,1,1,Dee,,,,,1"
        );
        let a = fast(&data).unwrap();
        let b = via_schema(&data).unwrap();
        same(&a, &b);
        assert_eq!(a.quote(0), "Hello, \"world\"");
        assert_eq!(a.quote_id(1), "d1:7-9");
        assert_eq!(a.final_speaker(1), Some("-Carl"));
        assert_eq!(lines(&a), vec![2, 3, 6, 7]);
        assert_eq!(a.row_of(b"c"), Some(2));
        assert_eq!(a.row_of(b"zz"), None);
    }

    #[test]
    fn quick_parsers_agree_with_the_general_ones() {
        for s in Status::ALL {
            let code = Some(status_code(Some(s)));
            assert_eq!(parse_status(s.as_str().as_bytes()), code);
            assert_eq!(parse_status_any(s.as_str().as_bytes()), code);
            assert_eq!(parse_status(s.as_str().to_uppercase().as_bytes()), code);
        }
        assert_eq!(parse_status(b" "), Some(0));
        assert_eq!(parse_status(b"maybe"), None);
        for n in [
            "0",
            "7",
            "0042",
            "18446744073709551615",
            " 12 ",
            "+3",
            "",
            "1x",
            "99999999999999999999",
        ] {
            assert_eq!(
                parse_usize(n.as_bytes()),
                parse_usize_any(n.as_bytes()),
                "{n:?}"
            );
        }
        // Number fields read a word at a time, wherever they are in the buffer.
        let mut numbers: Vec<String> = [
            "0",
            "7",
            "0042",
            "12345678",
            "123456789",
            "99999999",
            "00000000",
            " 12",
            "12 ",
            "+3",
            "",
            "1x",
            "x1",
            "1/2",
            "1:2",
            "9\u{0}",
            "18446744073709551615",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        numbers.extend((0..2000u64).map(|i| (i * i * 7919 % 100_000_007).to_string()));
        for n in &numbers {
            for pad in 0..10 {
                let buf = format!("{},{n},", "y".repeat(pad));
                let f = Field {
                    start: pad + 1,
                    end: pad + 1 + n.len(),
                    kind: FieldKind::Plain,
                };
                let b = n.as_bytes();
                assert_eq!(field_number(buf.as_bytes(), f), parse_usize(b), "{n:?}");
                let general = if trim(b).is_empty() {
                    Some(None)
                } else {
                    parse_usize(trim(b)).map(Some)
                };
                assert_eq!(field_optional_number(buf.as_bytes(), f), general, "{n:?}");
            }
        }
        let names: Vec<String> = (0..3000)
            .map(|i| format!("N{}", "x".repeat(i % 40) + &i.to_string()))
            .collect();
        let mut i = Interner::default();
        for n in names.iter().chain(&names) {
            let id = i.id(n.as_bytes());
            assert_eq!(i.get(id), n);
        }
        assert_eq!(i.len(), names.len());
    }

    #[test]
    fn offsets_beyond_four_billion_are_kept() {
        let data =
            format!("{HEAD}a,d,direct,q,1,5,,,,,,\nb,d,direct,q,5000000000,5000000009,,,,,,\n");
        let t = fast(&data).unwrap();
        same(&t, &via_schema(&data).unwrap());
        assert_eq!(t.extracted().start.get(1), 5_000_000_000);
        assert_eq!(t.extracted().end.get(1), 5_000_000_009);
    }

    #[test]
    fn numbers_widen_when_one_does_not_fit() {
        let big = u32::MAX as usize + 7;
        let mut a = Numbers::default();
        a.push(3);
        a.push(u32::MAX as usize);
        assert!(matches!(a, Numbers::Narrow(_)));
        let mut b = a.clone();
        b.push(big);
        assert!(matches!(b, Numbers::Wide(_)));
        assert_eq!(
            (b.len(), b.get(0), b.get(1), b.get(2)),
            (3, 3, u32::MAX as usize, big)
        );
        a.extend_from(&b);
        assert_eq!(a.len(), 5);
        assert_eq!(a.get(4), big);
        assert_eq!(a.try_get(5), None);
        b.extend_from(&Numbers::Narrow(vec![9]));
        assert_eq!(b.get(3), 9);
        assert_eq!(b.first(2).get(1), u32::MAX as usize);
        b.pop();
        assert_eq!(b.len(), 3);
        b.clear();
        assert!(b.is_empty() && matches!(b, Numbers::Narrow(_)));
    }

    #[test]
    fn wide_comparison_agrees_with_slices() {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx512bw") {
            let a: Vec<u8> = (0..300u32).map(|i| (i * 7 % 251) as u8).collect();
            for len in 0..300 {
                for at in [0, 1, 63] {
                    let x = &a[..len];
                    let mut b = x.to_vec();
                    // SAFETY: the processor has AVX-512BW.
                    assert!(unsafe { same_bytes_avx512(x, &b) });
                    if len > at {
                        b[at] ^= 1;
                        assert!(!unsafe { same_bytes_avx512(x, &b) });
                        b[at] ^= 1;
                        b[len - 1] ^= 0x80;
                        assert!(!unsafe { same_bytes_avx512(x, &b) });
                    }
                    assert!(len == 0 || !unsafe { same_bytes_avx512(x, &b[..len - 1]) });
                }
            }
        }
    }

    #[test]
    fn equal_hashes_finds_every_repeat() {
        for n in [0usize, 1, 5, 600, 5000, 70_000] {
            // Distinct hashes spread like real ones, with some repeated (up to four times).
            let mut h: Vec<u64> = (0..n as u64).map(|i| text_hash(&i.to_le_bytes())).collect();
            for i in (0..n).step_by(97) {
                h[(i * 31 + 7) % n] = h[i];
            }
            // Hashes that differ only between their top bits and their low half are different.
            for i in (0..n).step_by(89) {
                h[(i * 17 + 3) % n] = h[i] ^ 1 << 40;
            }
            let mut want: std::collections::BTreeMap<u64, Vec<u32>> = Default::default();
            for (r, &x) in h.iter().enumerate() {
                want.entry(x).or_default().push(r as u32);
            }
            let mut want: Vec<Vec<u32>> = want.into_values().filter(|g| g.len() > 1).collect();
            want.sort();
            assert_eq!(equal_hashes(&h), want, "{n}");
        }
    }

    #[test]
    fn errors_match_the_schema_reader() {
        for bad in [
            "a,d,direct,q,x,5,,,,,,\n",
            "a,d,direct,q,9,5,,,,,,\n",
            "a,d,direct,q,1,5,,maybe,,,,\n",
            "a,d,sideways,q,1,5,,,,,,\n",
            "a,d,direct,q,1,5,,,,,,2\n",
            "a, ,direct,q,1,5,,,,,,\n",
        ] {
            let data = format!("{HEAD}b,d,direct,q,0,1,,,,,,\n{bad}");
            let a = fast(&data).unwrap_err().to_string();
            let b = via_schema(&data).unwrap_err().to_string();
            assert_eq!(a, b, "{bad}");
            assert!(a.starts_with("t.csv:3: field"), "{a}");
        }
    }

    #[test]
    fn structural_errors_name_the_line() {
        let e = fast(&format!("{HEAD}a,d,direct,q,0,1\n"))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.csv:2: row has 6 fields but the header has 12");
        let e = fast(&format!(
            "{HEAD}a,d,direct,q,0,1,,,,,,\nb,d,direct,q,2,3,,,,,,\na,d,direct,q,4,5,,,,,,\n"
        ))
        .unwrap()
        .check_duplicates()
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("t.csv:4: field `quote_id`: duplicate quote_id \"a\" (first on line 2)"),
            "{e}"
        );
        let e = read_csv_table(
            &b"doc_id,quote,start,end\nd,\xff,1,2\n"[..],
            Path::new("t.csv"),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "t.csv:2: invalid UTF-8; convert the file to UTF-8");
        let e = read_csv_table(&b"\x7fELF\x00\x00"[..], Path::new("t.csv"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("binary"), "{e}");
        let e = fast("  \n").unwrap_err().to_string();
        assert!(e.contains("empty file"), "{e}");
        let e = fast("hello world\n").unwrap_err().to_string();
        assert!(e.contains("missing column `doc_id`"), "{e}");
    }

    #[test]
    fn records_across_buffer_refills() {
        // Rows longer than a read, read one byte at a time.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() || out.is_empty() {
                    return Ok(0);
                }
                out[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        let mut data = String::from(HEAD);
        for i in 0..50 {
            data.push_str(&format!(
                "id{i},d{},direct,\"q \"\"{i}\"\"\r\nx\",{i},{},S{i},confirmed,,ana,,\r\n",
                i / 7,
                i + 3
            ));
        }
        let a = read_csv_table(Trickle(data.as_bytes()), Path::new("t.csv")).unwrap();
        same(&a, &via_schema(&data).unwrap());
        // Each row spans two lines.
        assert_eq!(lines(&a), (0..50).map(|i| 2 + 2 * i).collect::<Vec<u64>>());
    }

    fn chunked(data: &str, chunk: usize) -> Result<Table> {
        let bytes = Arc::new(Bytes::Owned(data.as_bytes().to_vec()));
        read_csv_bytes(bytes, Path::new("t.csv"), None, chunk, &|_, _| {})
    }

    /// Reads `data` cut into chunks of several sizes and checks that every cut gives what one
    /// piece gives: the same columns and line numbers, or the same error.
    fn cuts_agree(data: &str) {
        let whole = chunked(data, usize::MAX);
        for chunk in [1, 2, 5, 13, 40, 97, 300] {
            let part = chunked(data, chunk);
            match (&whole, &part) {
                (Ok(a), Ok(b)) => {
                    same(a, b);
                    assert_eq!(lines(a), lines(b), "chunk {chunk}");
                    assert!(a.docs.iter().eq(b.docs.iter()), "chunk {chunk}");
                    assert!(a.names.iter().eq(b.names.iter()), "chunk {chunk}");
                    assert_eq!(a.extracted().doc, b.extracted().doc, "chunk {chunk}");
                    assert_eq!(
                        a.extracted().speaker,
                        b.extracted().speaker,
                        "chunk {chunk}"
                    );
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "chunk {chunk}"),
                _ => panic!("chunk {chunk}: {:?} vs {:?}", whole.is_ok(), part.is_ok()),
            }
        }
    }

    #[test]
    fn quoted_line_breaks_across_cuts() {
        // Every row has a quoted field over several lines, some with stray quotes and lines
        // that look like rows of their own: cuts inside them must be found out.
        let mut data = String::from(HEAD);
        for i in 0..60 {
            let q = match i % 4 {
                0 => "\"a\nb,c,d,e,f,g,h,i,j,k,l\nmore\"".to_string(),
                1 => format!("\"line\r\n{i},d,direct,q,0,1,,,,,,\n\"\"x\"\"\""),
                2 => "plain x\"y".to_string(),
                _ => "\"\"".to_string(),
            };
            data.push_str(&format!(
                "id{i},d{},direct,{q},{i},{},S{},confirmed,,ana,,\r\n",
                i / 9,
                i + 1,
                i % 5
            ));
            if i % 7 == 0 {
                data.push_str("\r\n\n");
            }
        }
        cuts_agree(&data);
        let a = chunked(&data, 16).unwrap();
        assert_eq!(a.len(), 60);
        assert_eq!(a.quote(1), "line\r\n1,d,direct,q,0,1,,,,,,\n\"x\"");
        let b = via_schema(&data).unwrap();
        same(&a, &b);
    }

    #[test]
    fn annotators_first_named_in_later_chunks_keep_their_line() {
        let mut data = String::from(HEAD);
        for i in 0..60 {
            data.push_str(&format!(
                "id{i},d,direct,\"q\n{i}\",{i},{},,confirmed,,ann{},,\n",
                i + 1,
                i / 15
            ));
        }
        cuts_agree(&data);
        let t = chunked(&data, 64).unwrap();
        let want: Vec<(String, u64, u64)> = (0..4)
            .map(|a| (format!("ann{a}"), 15, 2 + 30 * a))
            .collect();
        assert_eq!(t.annotators, want);
        same(&t, &via_schema(&data).unwrap());
    }

    #[test]
    fn errors_in_later_chunks_read_like_the_schema_reader() {
        let mut rows = String::from(HEAD);
        for i in 0..200 {
            rows.push_str(&format!("id{i},d,direct,\"q\nq\",{i},{},,,,,,\n", i + 1));
        }
        for bad in [
            "x,d,direct,q,9,5,,,,,,\n",
            "x,d,direct,q,1,5,,maybe,,,,\n",
            "x,d,direct,q,1,5\n",
            "x,d,direct,\"q\",1,5,,,,,,2\n",
        ] {
            let data = format!("{rows}{bad}{rows}");
            let data = data.replacen(HEAD, "", 2);
            let data = format!("{HEAD}{data}");
            cuts_agree(&data);
            let fast = chunked(&data, 50).unwrap_err().to_string();
            assert!(fast.starts_with("t.csv:402:"), "{fast}");
            if let Err(e) = via_schema(&data) {
                assert_eq!(fast, e.to_string());
            }
        }
        // Invalid text after a bad row in the same chunk is reported first, as by one buffer;
        // in a later chunk, the bad row first.
        let data = format!(
            "{HEAD}a,d,direct,q,9,5,,,,,,\n{}b,d,direct,\u{0}",
            "c,d,direct,q,1,2,,,,,,\n".repeat(30)
        );
        let one = chunked(&data, usize::MAX).unwrap_err().to_string();
        assert!(one.contains("NUL"), "{one}");
        let cut = chunked(&data, 20).unwrap_err().to_string();
        assert!(cut.starts_with("t.csv:2: field `end`"), "{cut}");
    }

    #[test]
    fn a_guess_inside_a_very_long_field_is_given_up() {
        let long = format!("\"{}\"", "word, \n".repeat(MAX_GUESSED_RECORD / 4));
        let data = format!("{HEAD}a,d,direct,{long},0,1,,,,,,\nb,d,direct,q,1,2,,,,,,\n");
        let t = chunked(&data, 1 << 16).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(lines(&t), vec![2, 3 + MAX_GUESSED_RECORD as u64 / 4]);
        same(&t, &chunked(&data, usize::MAX).unwrap());
    }

    fn against(data: &str, reference: &Table, chunk: usize) -> Result<Table> {
        let bytes = Arc::new(Bytes::Owned(data.as_bytes().to_vec()));
        read_csv_bytes(
            bytes,
            Path::new("u.csv"),
            Some(reference),
            chunk,
            &|_, _| {},
        )
    }

    fn alone(data: &str) -> Result<Table> {
        let bytes = Arc::new(Bytes::Owned(data.as_bytes().to_vec()));
        read_csv_bytes(bytes, Path::new("u.csv"), None, usize::MAX, &|_, _| {})
    }

    /// A copy read against a reference reads as it reads alone, whatever the cuts.
    fn reference_agrees(reference: &str, data: &str) {
        let r = chunked(reference, usize::MAX).unwrap();
        let want = alone(data);
        for chunk in [1, 7, 40, 200, usize::MAX] {
            match (&want, against(data, &r, chunk)) {
                (Ok(a), Ok(b)) => {
                    // Names and documents are numbered as in the reference: `same` compares
                    // them by name.
                    same(a, &b);
                    assert_eq!(lines(a), lines(&b), "chunk {chunk}");
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "chunk {chunk}"),
                (a, b) => panic!("chunk {chunk}: {:?} vs {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    const REVIEWED: &str = "quote_id,doc_id,kind,quote,start,end,speaker,status,reviewed_speaker,annotator,note,schema_version\n";

    #[test]
    fn copies_read_against_the_first() {
        let row = |i: usize, q: &str, review: &str| {
            format!(
                "id{i},d{},direct,\"{q}, {i}\",{i},{},Sp{},{review}\n",
                i / 3,
                i + 5,
                i % 4
            )
        };
        let mut first = String::from(REVIEWED);
        let mut second = String::from(REVIEWED);
        for i in 0..40 {
            first.push_str(&row(i, "same", "confirmed,,ana,,1"));
            match i {
                // A row only the second copy has, one only the first has, one whose quote
                // differs, notes over lines, and names only the second copy uses.
                7 => second.push_str(&row(100, "new", "rejected,,ben,,1")),
                11 => continue,
                13 => second.push_str(&row(i, "other", "confirmed,,ben,,1")),
                _ => {}
            }
            let review = match i % 5 {
                0 => "corrected,'=Neu Name,ben,\"two\nlines\",1".to_string(),
                1 => "flagged,,ben,,".to_string(),
                _ => format!("confirmed,Rev{},ben,,1", i % 3),
            };
            second.push_str(&row(i, "same", &review));
        }
        reference_agrees(&first, &second);
        let r = chunked(&first, usize::MAX).unwrap();
        let t = against(&second, &r, 50).unwrap();
        assert_eq!(t.len(), 41);
        assert_eq!(t.quote(8), "same, 7");
        assert_eq!(t.note(0), "two\nlines");
        assert_eq!(t.final_speaker(0), Some("=Neu Name"));
        // Problems in the second copy, in the part it shares with the first or not, read as
        // they do alone.
        for (bad, good) in [
            ("confirmed,,ben,,1\n", "maybe,,ben,,1\n"),
            ("confirmed,,ben,,1\n", "confirmed,,ben,,7\n"),
            ("confirmed,,ben,,1\n", "confirmed,,ben,\n"),
            ("confirmed,,ben,,1\n", "confirmed,,ben,,1,\n"),
            ("confirmed,,ben,,1\n", "confirmed,\u{0},ben,,1\n"),
            (",Sp1,", ",Sp1\u{0},"),
            (",12,17,", ",12,x,"),
        ] {
            for n in [1, 3] {
                let at = second.match_indices(bad).nth(n).map(|(i, _)| i);
                let Some(at) = at else { continue };
                let data = format!("{}{good}{}", &second[..at], &second[at + bad.len()..]);
                reference_agrees(&first, &data);
            }
        }
        // An invalid row before invalid text in the same chunk: the text is reported.
        let data = second
            .replacen("confirmed,Rev2,ben,,1", "maybe,,ben,,1", 1)
            .replacen("flagged,,ben,,", "flagged,,b\u{0}n,,", 3);
        reference_agrees(&first, &data);
        assert!(
            against(&data, &r, usize::MAX)
                .unwrap_err()
                .to_string()
                .contains("NUL")
        );
        // Copies with other columns are read on their own.
        let other = second.replacen(
            "reviewed_speaker,annotator",
            "annotator,reviewed_speaker",
            1,
        );
        assert!(against(&other, &r, 30).is_ok());
        reference_agrees(&first, &other);
    }

    #[test]
    fn a_copy_with_the_first_copys_rows_shares_its_columns() {
        let row = |i: usize, review: &str| {
            format!(
                "id{i},d{},direct,\"q, {i}\",{i},{},Sp{},{review}\n",
                i / 3,
                i + 5,
                i % 4
            )
        };
        let mut first = String::from(REVIEWED);
        let mut second = String::from(REVIEWED);
        let mut fewer = String::from(REVIEWED);
        for i in 0..200 {
            first.push_str(&row(i, "confirmed,,ana,,1"));
            let review = if i % 3 == 0 {
                "corrected,New One,ben,,1"
            } else {
                "rejected,,ben,\"a\nnote\",1"
            };
            second.push_str(&row(i, review));
            if i < 150 {
                fewer.push_str(&row(i, review));
            }
        }
        let mut r = chunked(&first, usize::MAX).unwrap();
        r.share();
        let changed = second.replacen(",12,17,", ",12,18,", 1);
        for chunk in [1, 50, 300, usize::MAX] {
            let t = against(&second, &r, chunk).unwrap();
            assert!(t.shared.is_some(), "chunk {chunk}");
            assert!(t.same_ids(&r));
            same(&t, &alone(&second).unwrap());
            // Fewer rows, or a row of its own: the columns are the copy's own.
            for data in [&fewer, &changed] {
                let t = against(data, &r, chunk).unwrap();
                assert!(t.shared.is_none(), "chunk {chunk}");
                same(&t, &alone(data).unwrap());
            }
        }
    }

    #[test]
    fn rows_are_found_in_the_reference_near_or_far() {
        let mut data = String::from(REVIEWED);
        for i in 0..50 {
            data.push_str(&format!("id{i},d,direct,q,{i},{i},S,confirmed,,a,,1\n"));
        }
        let t = chunked(&data, usize::MAX).unwrap();
        let cols = Cols::new(&t.headers);
        let rf = Reference {
            len: data.len(),
            ..Reference::new(&t, &t.headers, &cols).unwrap()
        };
        for (at, far) in [(0, false), (data.len() / 2, false), (usize::MAX / 2, true)] {
            for r in [0, 17, 49] {
                assert_eq!(
                    rf.row_of_hash(t.extracted().id_hash[r], at),
                    Some(r),
                    "{at} {far}"
                );
            }
            assert_eq!(rf.row_of_hash(text_hash(b"nope"), at), None);
        }
    }

    proptest! {
        #[test]
        fn any_copy_reads_against_the_first_as_alone(
            rows in proptest::collection::vec(
                (0usize..6, "[a-c\" ,\n]{0,6}", 0usize..5, "[A-C ]{0,4}", 0usize..40),
                1..30,
            ),
        ) {
            let mut first = String::from(REVIEWED);
            let mut second = String::from(REVIEWED);
            for (i, (d, q, st, rev, change)) in rows.iter().enumerate() {
                let q = q.replace('"', "\"\"");
                let status = ["", "confirmed", "corrected", "rejected", "maybe"][*st];
                let line = |q: &str, status: &str| {
                    format!("id{i},d{d},direct,\"{q}\",{i},{},S{d},{status},{rev},x,,1\n", i + 1)
                };
                first.push_str(&line(&q, "confirmed"));
                match change {
                    0 => {}
                    1 => second.push_str(&line("other", status)),
                    2 => {
                        second.push_str(&line(&q, status));
                        second.push_str(&line(&q, status));
                    }
                    3 => second.push_str(&format!("{}\n", line(&q, status).trim_end())),
                    4 => second.push_str(&line(&q, status).replace(",x,", ",x\"y,")),
                    _ => second.push_str(&line(&q, status)),
                }
            }
            reference_agrees(&first, &second);
        }

        #[test]
        fn any_cut_reads_like_one_piece(
            rows in proptest::collection::vec(
                ("[a-c\"',\n\r ]{0,8}", "[a-c ]{0,6}", 0usize..30, 0usize..3, 0usize..40),
                1..25,
            ),
            crlf in any::<bool>(),
        ) {
            // Written by hand, not by a CSV writer: stray quotes, blank lines, rows with too
            // many fields and fields that never close are all possible, and must read the same
            // however the file is cut.
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut data = format!("quote_id,doc_id,quote,start,end,speaker,status{nl}");
            for (i, (q, sp, st, d, form)) in rows.iter().enumerate() {
                let status = match st {
                    0 => "bogus",
                    1..10 => "",
                    10..20 => "confirmed",
                    _ => "corrected",
                };
                let escaped = q.replace('"', "\"\"");
                let q = match form {
                    // Plain, with stray quotes but no delimiter.
                    0..10 => q.replace([',', '\n', '\r'], ""),
                    10..30 => format!("\"{escaped}\""),
                    30..34 => format!("\"{escaped}\"tail"),
                    34..38 => format!("\"{escaped}\",x,{nl}{nl}\"y"),
                    38 => q.clone(),
                    _ => format!("\"{q}"),
                };
                data.push_str(&format!("id{i},doc{d},{q},{i},{},{sp},{status}{nl}", i + 1));
                if form % 5 == 1 {
                    data.push_str(nl);
                }
            }
            cuts_agree(&data);
            // And as the schema reader reads it (line numbers agree when lines end in `\n`).
            match (chunked(&data, usize::MAX), via_schema(&data)) {
                (Ok(a), Ok(b)) => {
                    same(&a, &b);
                    if !crlf {
                        prop_assert_eq!(lines(&a), lines(&b));
                    }
                }
                (Err(a), Err(b)) if !crlf => prop_assert_eq!(a.to_string(), b.to_string()),
                (Err(_), Err(_)) => {}
                (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|t| t.len()), b.map(|t| t.len())),
            }
        }

        #[test]
        fn any_cells_read_like_the_schema_reader(
            cells in proptest::collection::vec(
                ("[a-z\"',\n\r =+-]{0,12}", "[A-Za-z \"',.\n-]{0,10}", 0usize..4, 0usize..3),
                1..20,
            )
        ) {
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            w.write_record(["quote_id", "doc_id", "quote", "start", "end", "speaker", "status", "reviewed_speaker"]).unwrap();
            for (i, (q, s, st, d)) in cells.iter().enumerate() {
                let status = ["", "confirmed", "corrected", "rejected"][*st];
                w.write_record([format!("id{i}"), format!("doc{d}"), q.clone(), i.to_string(), (i + 1).to_string(), s.clone(), status.to_string(), s.to_uppercase()]).unwrap();
            }
            let bytes = w.into_inner().unwrap();
            let data = String::from_utf8(bytes).unwrap();
            let a = fast(&data).unwrap();
            let b = via_schema(&data).unwrap();
            same(&a, &b);
            // Written with `\n` line ends, where both count lines alike.
            prop_assert_eq!(lines(&a), lines(&b));
        }
    }
}
