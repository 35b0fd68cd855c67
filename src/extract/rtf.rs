//! RTF reader: a small tokenizer and group-state machine.
//!
//! Text bytes (`\'hh` and raw 8-bit bytes) are decoded with the code page of the active font
//! (`\fcharset`/`\cpg` from the font table; 204 = Cyrillic → windows-1251) or the document's
//! `\ansicpg`; `\uN` gives Unicode with `\ucN` fallback characters skipped. Known non-text
//! destinations and every unknown `\*` destination are skipped; headers/footers go to
//! furniture, footnotes to notes, `\info` gives title and author. Tables (`\trowd`, `\cellx`,
//! `\cell`, `\row`, nested `\itap`/`\nestcell`/`\nestrow`) become `Table` blocks with spans
//! from the cell boundaries and merge flags. `\bin` data is skipped by its byte count.

use std::collections::HashMap;

use encoding_rs::{Encoding, WINDOWS_1252};

use super::Limits;
use crate::error::{Error, Result};
use crate::model::{Block, Cell, Document, Format, Location, Metadata, Row, Table};
use crate::text::normalize;

pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document> {
    // Some writers omit the \rtf header word; a leading group brace is required.
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    if bytes.get(start) != Some(&b'{') {
        return Err(Error::Corrupt("файл не начинается с группы RTF «{»".into()));
    }
    let mut p = Parser::new(bytes, limits.max_xml_depth.max(64));
    p.run()?;
    p.finish()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sink {
    Body,
    Note,
    Furniture,
    Skip,
    FontTable,
    StyleSheet,
    Title,
    Author,
    ListText,
}

#[derive(Clone, Debug)]
struct State {
    sink: Sink,
    /// Fallback characters to skip after `\uN`.
    uc: usize,
    font: Option<i32>,
    intbl: bool,
    itap: u32,
    outline: Option<u8>,
    style: Option<i32>,
    list: bool,
}

#[derive(Clone, Copy, Default, Debug)]
struct CellDef {
    right: i32,
    h_continue: bool,
    v_first: bool,
    v_continue: bool,
}

#[derive(Default, Clone, Copy)]
struct PendingFlags {
    h_continue: bool,
    v_first: bool,
    v_continue: bool,
}

#[derive(Default)]
struct RawRow {
    cells: Vec<Vec<Block>>,
    defs: Vec<CellDef>,
}

#[derive(Default)]
struct TableState {
    rows: Vec<RawRow>,
    cells: Vec<Vec<Block>>,
    blocks: Vec<Block>,
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    max_depth: usize,
    stack: Vec<State>,
    state: State,
    /// Document code page (`\ansicpg`).
    ansi: &'static Encoding,
    default_font: Option<i32>,
    /// font number → encoding from `\fcharset` / `\cpg`.
    fonts: HashMap<i32, &'static Encoding>,
    font_being_defined: Option<i32>,
    styles: HashMap<i32, String>,
    style_being_defined: Option<i32>,
    /// Undecoded 8-bit text bytes and the encoding they were written in.
    pending: Vec<u8>,
    pending_enc: &'static Encoding,
    /// Fallback characters still to skip after `\uN`.
    skip_chars: usize,
    // Text buffers per sink.
    body_para: String,
    note_para: String,
    furn_para: String,
    style_name: String,
    title: String,
    author: String,
    list_marker: String,
    marker_for_para: Option<String>,
    blocks: Vec<Block>,
    notes: Vec<Block>,
    furniture: Vec<Block>,
    tables: Vec<TableState>,
    /// Cell definitions of the current row per table depth (index 0 = depth 1).
    defs: Vec<Vec<CellDef>>,
    defs_depth: usize,
    flags: PendingFlags,
}

impl<'a> Parser<'a> {
    fn new(input: &'a [u8], max_depth: usize) -> Self {
        Parser {
            input,
            pos: 0,
            max_depth,
            stack: Vec::new(),
            state: State {
                sink: Sink::Body,
                uc: 1,
                font: None,
                intbl: false,
                itap: 0,
                outline: None,
                style: None,
                list: false,
            },
            ansi: WINDOWS_1252,
            default_font: None,
            fonts: HashMap::new(),
            font_being_defined: None,
            styles: HashMap::new(),
            style_being_defined: None,
            pending: Vec::new(),
            pending_enc: WINDOWS_1252,
            skip_chars: 0,
            body_para: String::new(),
            note_para: String::new(),
            furn_para: String::new(),
            style_name: String::new(),
            title: String::new(),
            author: String::new(),
            list_marker: String::new(),
            marker_for_para: None,
            blocks: Vec::new(),
            notes: Vec::new(),
            furniture: Vec::new(),
            tables: Vec::new(),
            defs: Vec::new(),
            defs_depth: 1,
            flags: PendingFlags::default(),
        }
    }

    fn run(&mut self) -> Result<()> {
        while let Some(&b) = self.input.get(self.pos) {
            self.pos += 1;
            match b {
                b'{' => {
                    self.flush_bytes();
                    if self.stack.len() >= self.max_depth {
                        return Err(Error::TooLarge(format!(
                            "вложенность групп RTF больше {}",
                            self.max_depth
                        )));
                    }
                    self.stack.push(self.state.clone());
                    self.skip_chars = 0;
                    self.group_start()?;
                }
                b'}' => {
                    self.flush_bytes();
                    self.group_end();
                    match self.stack.pop() {
                        Some(s) => self.state = s,
                        // Text after the closing brace of the document is ignored.
                        None => break,
                    }
                    self.skip_chars = 0;
                }
                b'\\' => self.control()?,
                b'\r' | b'\n' | 0 => {}
                _ => {
                    if self.skip_chars > 0 {
                        self.skip_chars -= 1;
                        continue;
                    }
                    if b < 0x80 {
                        self.flush_bytes();
                        self.push_char(b as char);
                    } else {
                        self.push_byte(b);
                    }
                }
            }
        }
        self.flush_bytes();
        Ok(())
    }

    /// After `{`: a group starting with `\*` is an ignorable destination, skipped unless we
    /// know it carries text.
    fn group_start(&mut self) -> Result<()> {
        if self.input.get(self.pos..self.pos + 2) == Some(b"\\*") {
            self.pos += 2;
            let word = self.peek_word();
            if !matches!(
                word.as_str(),
                "nesttableprops" | "shpinst" | "shptxt" | "ud"
            ) {
                self.state.sink = Sink::Skip;
            }
        }
        Ok(())
    }

    fn peek_word(&self) -> String {
        let mut i = self.pos;
        while self.input.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        if self.input.get(i) != Some(&b'\\') {
            return String::new();
        }
        i += 1;
        let start = i;
        while self.input.get(i).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
        }
        String::from_utf8_lossy(self.input.get(start..i).unwrap_or_default()).into_owned()
    }

    fn group_end(&mut self) {
        let sink = self.state.sink;
        if sink == Sink::StyleSheet {
            if let Some(id) = self.style_being_defined.take() {
                let name = std::mem::take(&mut self.style_name);
                let name = name.trim().trim_end_matches(';').trim().to_string();
                self.styles.insert(id, name);
            }
            self.style_name.clear();
        }
        // Only the outermost group of a destination finishes it.
        if self.stack.last().is_some_and(|s| s.sink == sink) {
            return;
        }
        match sink {
            // A footnote or header group ends its own last paragraph.
            Sink::Note | Sink::Furniture => self.end_paragraph(),
            Sink::ListText => {
                let m = normalize(&std::mem::take(&mut self.list_marker));
                if !m.is_empty() {
                    self.marker_for_para = Some(m);
                }
            }
            _ => {}
        }
    }

    fn control(&mut self) -> Result<()> {
        let Some(&c) = self.input.get(self.pos) else {
            return Ok(());
        };
        if !c.is_ascii_alphabetic() {
            self.pos += 1;
            return self.symbol(c);
        }
        let start = self.pos;
        while self
            .input
            .get(self.pos)
            .is_some_and(u8::is_ascii_alphabetic)
        {
            self.pos += 1;
        }
        let word = String::from_utf8_lossy(self.input.get(start..self.pos).unwrap_or_default())
            .into_owned();
        let num_start = self.pos;
        if self.input.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        while self.input.get(self.pos).is_some_and(u8::is_ascii_digit) && self.pos - num_start < 11
        {
            self.pos += 1;
        }
        let param: Option<i64> =
            std::str::from_utf8(self.input.get(num_start..self.pos).unwrap_or_default())
                .ok()
                .and_then(|s| s.parse().ok());
        if self.input.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        if word == "bin" {
            // Binary data: skip exactly N bytes, never past the end.
            let n = param.unwrap_or(0).max(0) as usize;
            self.pos = self.pos.saturating_add(n).min(self.input.len());
            return Ok(());
        }
        if self.skip_chars > 0 && word != "u" {
            self.skip_chars -= 1;
            return Ok(());
        }
        self.word(&word, param);
        Ok(())
    }

    fn symbol(&mut self, c: u8) -> Result<()> {
        match c {
            b'\'' => {
                let hex = self.input.get(self.pos..self.pos + 2).unwrap_or_default();
                let value = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                self.pos = (self.pos + 2).min(self.input.len());
                if self.skip_chars > 0 {
                    self.skip_chars -= 1;
                    return Ok(());
                }
                if let Some(v) = value {
                    self.push_byte(v);
                }
            }
            b'\\' | b'{' | b'}' => {
                if self.skip_chars > 0 {
                    self.skip_chars -= 1;
                } else {
                    self.flush_bytes();
                    self.push_char(c as char);
                }
            }
            b'~' => self.push_text("\u{00A0}"),
            b'-' => self.push_text("\u{00AD}"),
            b'_' => self.push_text("\u{2011}"),
            b'\n' | b'\r' => self.end_paragraph(),
            b'*' => {}
            _ => {}
        }
        Ok(())
    }

    fn word(&mut self, word: &str, param: Option<i64>) {
        let n = param.unwrap_or(0);
        let sink = self.state.sink;
        if sink == Sink::Skip {
            return;
        }
        match word {
            // Destinations.
            "fonttbl" => self.state.sink = Sink::FontTable,
            "stylesheet" => self.state.sink = Sink::StyleSheet,
            "colortbl" | "pict" | "listtable" | "listoverridetable" | "revtbl" | "rsidtbl"
            | "generator" | "xe" | "tc" | "ftnsep" | "ftnsepc" | "aftnsep" | "aftnsepc" | "sp"
            | "shprslt" | "pn" | "upr" | "fldinst" | "datafield" | "template" | "operator"
            | "keywords" | "subject" | "comment" | "doccomm" | "company" | "category"
            | "manager" | "hlinkbase" | "creatim" | "revtim" | "printim" | "buptim"
            | "nonshppict" | "objdata" | "objclass" | "themedata" | "colorschememapping"
            | "latentstyles" | "txe" | "rxe" | "bkmkstart" | "bkmkend" | "nonesttables" => {
                self.state.sink = Sink::Skip
            }
            "info" => {}
            "title" => self.state.sink = Sink::Title,
            "author" => self.state.sink = Sink::Author,
            "header" | "headerl" | "headerr" | "headerf" | "footer" | "footerl" | "footerr"
            | "footerf" => {
                self.state.sink = Sink::Furniture;
                self.state.intbl = false;
                self.state.itap = 0;
            }
            "footnote" => {
                self.state.sink = Sink::Note;
                self.state.intbl = false;
                self.state.itap = 0;
            }
            "pntext" | "listtext" => self.state.sink = Sink::ListText,
            // Code pages and fonts.
            "ansicpg" => {
                if let Some(e) = codepage(n) {
                    self.ansi = e;
                }
            }
            "mac" => self.ansi = encoding_rs::MACINTOSH,
            "pc" | "pca" => self.ansi = encoding_rs::IBM866,
            "deff" => self.default_font = Some(n as i32),
            "f" => {
                if sink == Sink::FontTable {
                    self.font_being_defined = Some(n as i32);
                } else {
                    self.flush_bytes();
                    self.state.font = Some(n as i32);
                }
            }
            "fcharset" if sink == Sink::FontTable => {
                if let (Some(f), Some(e)) = (self.font_being_defined, charset(n, self.ansi)) {
                    self.fonts.insert(f, e);
                }
            }
            "cpg" if sink == Sink::FontTable => {
                if let (Some(f), Some(e)) = (self.font_being_defined, codepage(n)) {
                    self.fonts.insert(f, e);
                }
            }
            "s" if sink == Sink::StyleSheet => self.style_being_defined = Some(n as i32),
            "s" => self.state.style = Some(n as i32),
            "uc" => self.state.uc = n.clamp(0, 16) as usize,
            "u" => {
                self.flush_bytes();
                let code = if n < 0 { n + 65536 } else { n };
                if let Some(ch) = u32::try_from(code).ok().and_then(char::from_u32) {
                    self.push_char(ch);
                }
                self.skip_chars = self.state.uc;
            }
            // Paragraphs and special characters.
            "par" | "sect" => self.end_paragraph(),
            "page" => {
                self.end_paragraph();
                if self.state.sink == Sink::Body && self.paragraph_depth() == 0 {
                    self.close_tables_to(0);
                    self.blocks.push(Block::PageBreak {
                        loc: Location::default(),
                    });
                }
            }
            "pard" => {
                self.state.intbl = false;
                self.state.itap = 0;
                self.state.outline = None;
                self.state.style = None;
                self.state.list = false;
            }
            "plain" => {}
            "line" => self.push_text("\n"),
            "tab" => self.push_text("\t"),
            "emdash" => self.push_text("—"),
            "endash" => self.push_text("–"),
            "bullet" => self.push_text("•"),
            "lquote" => self.push_text("‘"),
            "rquote" => self.push_text("’"),
            "ldblquote" => self.push_text("“"),
            "rdblquote" => self.push_text("”"),
            "emspace" | "enspace" | "qmspace" => self.push_text(" "),
            "outlinelevel" => self.state.outline = u8::try_from(n).ok().filter(|l| *l < 9),
            "ls" | "ilvl" => self.state.list = true,
            // Tables.
            "intbl" => self.state.intbl = true,
            "itap" => self.state.itap = n.clamp(0, 64) as u32,
            "trowd" => {
                let depth = (self.state.itap.max(1)) as usize;
                self.defs_depth = depth;
                if self.defs.len() < depth {
                    self.defs.resize(depth, Vec::new());
                }
                if let Some(d) = self.defs.get_mut(depth - 1) {
                    d.clear();
                }
                self.flags = PendingFlags::default();
            }
            "clmgf" => {}
            "clmrg" => self.flags.h_continue = true,
            "clvmgf" => self.flags.v_first = true,
            "clvmrg" => self.flags.v_continue = true,
            "cellx" => {
                let depth = self.defs_depth.max(1);
                if self.defs.len() < depth {
                    self.defs.resize(depth, Vec::new());
                }
                if let Some(d) = self.defs.get_mut(depth - 1)
                    && d.len() < 1000
                {
                    d.push(CellDef {
                        right: n.clamp(-1_000_000, 1_000_000) as i32,
                        h_continue: self.flags.h_continue,
                        v_first: self.flags.v_first,
                        v_continue: self.flags.v_continue,
                    });
                }
                self.flags = PendingFlags::default();
            }
            "cell" => self.end_cell(self.state.itap.max(1) as usize),
            "nestcell" => self.end_cell(self.state.itap.max(2) as usize),
            "row" => self.end_row(1),
            "nestrow" => self.end_row(self.state.itap.max(2) as usize),
            _ => {}
        }
    }

    fn paragraph_depth(&self) -> usize {
        if self.state.itap > 0 {
            self.state.itap as usize
        } else if self.state.intbl {
            1
        } else {
            0
        }
    }

    fn encoding(&self) -> &'static Encoding {
        self.state
            .font
            .or(self.default_font)
            .and_then(|f| self.fonts.get(&f).copied())
            .unwrap_or(self.ansi)
    }

    fn push_byte(&mut self, b: u8) {
        let enc = self.encoding();
        if enc != self.pending_enc {
            self.flush_bytes();
            self.pending_enc = enc;
        }
        self.pending.push(b);
    }

    fn flush_bytes(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let (text, _) = self.pending_enc.decode_without_bom_handling(&bytes);
        self.push_text(&text);
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.push_text(c.encode_utf8(&mut buf));
    }

    fn push_text(&mut self, t: &str) {
        if !self.pending.is_empty() {
            self.flush_bytes();
        }
        match self.state.sink {
            Sink::Body => self.body_para.push_str(t),
            Sink::Note => self.note_para.push_str(t),
            Sink::Furniture => self.furn_para.push_str(t),
            Sink::StyleSheet => self.style_name.push_str(t),
            Sink::Title => self.title.push_str(t),
            Sink::Author => self.author.push_str(t),
            Sink::ListText => self.list_marker.push_str(t),
            Sink::FontTable | Sink::Skip => {}
        }
    }

    fn end_paragraph(&mut self) {
        self.flush_bytes();
        match self.state.sink {
            Sink::Body => {
                let text = normalize(&std::mem::take(&mut self.body_para));
                let marker = self.marker_for_para.take();
                let depth = self.paragraph_depth();
                self.close_tables_to(depth);
                if text.is_empty() {
                    return;
                }
                let block = self.classify(text, marker);
                match self.tables.last_mut() {
                    Some(t) if depth > 0 => t.blocks.push(block),
                    _ => self.blocks.push(block),
                }
            }
            Sink::Note => {
                let text = normalize(&std::mem::take(&mut self.note_para));
                if !text.is_empty() {
                    self.notes.push(Block::Paragraph {
                        text,
                        loc: Location::default(),
                    });
                }
            }
            Sink::Furniture => {
                let text = normalize(&std::mem::take(&mut self.furn_para));
                if !text.is_empty() && !self.furniture.iter().any(|b| b.text() == text) {
                    self.furniture.push(Block::Paragraph {
                        text,
                        loc: Location::default(),
                    });
                }
            }
            _ => {}
        }
    }

    fn classify(&self, text: String, marker: Option<String>) -> Block {
        let loc = Location::default();
        let level = self.state.outline.map(|l| l + 1).or_else(|| {
            self.state
                .style
                .and_then(|s| self.styles.get(&s))
                .and_then(|name| super::docx::heading_level_from_name(name))
        });
        if let Some(level) = level {
            return Block::Heading { level, text, loc };
        }
        if marker.is_some() || self.state.list {
            return Block::ListItem {
                level: 0,
                marker: marker.map(|m| m.trim_end_matches('\t').trim().to_string()),
                text,
                loc,
            };
        }
        Block::Paragraph { text, loc }
    }

    /// Make the open-table stack exactly `depth` deep: deeper tables that ended are closed
    /// into their parent cell (or the body), missing levels are opened.
    fn close_tables_to(&mut self, depth: usize) {
        while self.tables.len() > depth {
            let Some(mut t) = self.tables.pop() else {
                break;
            };
            if !t.blocks.is_empty() {
                t.cells.push(std::mem::take(&mut t.blocks));
            }
            if !t.cells.is_empty() {
                let defs = self
                    .defs
                    .get(self.tables.len())
                    .cloned()
                    .unwrap_or_default();
                t.rows.push(RawRow {
                    cells: std::mem::take(&mut t.cells),
                    defs,
                });
            }
            if let Some(table) = build_table(t.rows) {
                match self.tables.last_mut() {
                    Some(parent) => parent.blocks.push(Block::Table(table)),
                    None => self.blocks.push(Block::Table(table)),
                }
            }
        }
        while self.tables.len() < depth.min(64) {
            self.tables.push(TableState::default());
        }
    }

    fn end_cell(&mut self, depth: usize) {
        if self.state.sink != Sink::Body {
            self.end_paragraph();
            return;
        }
        let saved = (self.state.intbl, self.state.itap);
        self.state.intbl = true;
        self.state.itap = depth as u32;
        self.end_paragraph();
        self.close_tables_to(depth);
        if let Some(t) = self.tables.last_mut() {
            let blocks = std::mem::take(&mut t.blocks);
            t.cells.push(blocks);
        }
        (self.state.intbl, self.state.itap) = saved;
    }

    fn end_row(&mut self, depth: usize) {
        if self.state.sink != Sink::Body {
            self.end_paragraph();
            return;
        }
        self.flush_bytes();
        self.close_tables_to(depth);
        let defs = self.defs.get(depth - 1).cloned().unwrap_or_default();
        if let Some(t) = self.tables.last_mut() {
            if !t.blocks.is_empty() {
                let blocks = std::mem::take(&mut t.blocks);
                t.cells.push(blocks);
            }
            let cells = std::mem::take(&mut t.cells);
            t.rows.push(RawRow { cells, defs });
        }
    }

    fn finish(mut self) -> Result<Document> {
        self.end_paragraph();
        self.close_tables_to(0);
        if self
            .blocks
            .iter()
            .chain(&self.notes)
            .all(|b| b.text().trim().is_empty())
        {
            return Err(super::layout::empty_body(&self.furniture));
        }
        let field = |s: &str| Some(normalize(s)).filter(|t| !t.is_empty());
        let metadata = Metadata {
            title: field(&self.title),
            author: field(&self.author),
            encoding: Some(self.ansi.name().to_string()),
            ..Metadata::default()
        };
        super::layout::locate_cells(&mut self.blocks);
        Ok(Document {
            source: String::new(),
            format: Format::Rtf,
            hash: String::new(),
            metadata,
            blocks: self.blocks,
            furniture: self.furniture,
            notes: self.notes,
            warnings: Vec::new(),
        })
    }
}

/// Lay raw rows on a grid made of all cell boundaries of the table, then apply merges.
fn build_table(raw: Vec<RawRow>) -> Option<Table> {
    let mut bounds: Vec<i32> = raw
        .iter()
        .flat_map(|r| r.defs.iter().map(|d| d.right))
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut rows: Vec<Row> = Vec::new();
    // grid column → (row, cell index) of the cell a vertical merge continues.
    let mut open: HashMap<u32, (usize, usize)> = HashMap::new();
    for r in raw {
        let usable_defs = r.defs.len() >= r.cells.len();
        let row_idx = rows.len();
        let mut cells: Vec<Cell> = Vec::new();
        let mut next_col: u32 = 0;
        for (i, blocks) in r.cells.into_iter().enumerate() {
            let def = r.defs.get(i).copied().unwrap_or_default();
            let (col, span) = if usable_defs {
                let left = if i == 0 {
                    0
                } else {
                    r.defs
                        .get(i - 1)
                        .and_then(|d| bounds.binary_search(&d.right).ok())
                        .map_or(0, |p| p + 1)
                };
                let right = bounds.binary_search(&def.right).unwrap_or(left);
                (left as u32, (right.saturating_sub(left) + 1) as u32)
            } else {
                (next_col, 1)
            };
            next_col = col.saturating_add(span);
            if def.h_continue
                && let Some(prev) = cells.last_mut()
            {
                prev.col_span = col.saturating_add(span).saturating_sub(prev.col).max(1);
                prev.blocks.extend(blocks);
                continue;
            }
            if def.v_continue
                && let Some(&(ri, ci)) = open.get(&col)
                && let Some(origin) = rows.get_mut(ri).and_then(|row| row.cells.get_mut(ci))
            {
                origin.row_span = (row_idx - ri + 1) as u32;
                origin.blocks.extend(blocks);
                continue;
            }
            if def.v_first {
                open.insert(col, (row_idx, cells.len()));
            } else {
                open.remove(&col);
            }
            cells.push(Cell {
                col,
                col_span: span,
                row_span: 1,
                blocks,
            });
        }
        rows.push(Row {
            cells,
            header: false,
        });
    }
    if rows
        .iter()
        .all(|r| r.cells.iter().all(|c| c.blocks.is_empty()))
    {
        return None;
    }
    Some(Table {
        rows,
        loc: Location::default(),
    })
}

/// `\ansicpg` / `\cpg` numbers → encodings.
fn codepage(n: i64) -> Option<&'static Encoding> {
    let label = match n {
        437 | 850 | 1252 => "windows-1252",
        866 => "ibm866",
        874 => "windows-874",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        10000 => "macintosh",
        10007 => "x-mac-cyrillic",
        20866 => "koi8-r",
        21866 => "koi8-u",
        28595 => "iso-8859-5",
        1250..=1258 => return Encoding::for_label(format!("windows-{n}").as_bytes()),
        _ => return None,
    };
    Encoding::for_label(label.as_bytes())
}

/// `\fcharsetN` → encoding; 0 (ANSI) and 1 (default) follow the document code page.
fn charset(n: i64, ansi: &'static Encoding) -> Option<&'static Encoding> {
    match n {
        0 | 1 => Some(ansi),
        // Symbol fonts: bytes are glyph indices; Latin-1 keeps them visible without guessing.
        2 => Some(WINDOWS_1252),
        77 => codepage(10000),
        128 => codepage(932),
        129 => codepage(949),
        134 => codepage(936),
        136 => codepage(950),
        161 => codepage(1253),
        162 => codepage(1254),
        163 => codepage(1258),
        177 => codepage(1255),
        178 => codepage(1256),
        186 => codepage(1257),
        204 => codepage(1251),
        222 => codepage(874),
        238 => codepage(1250),
        255 => codepage(866),
        _ => None,
    }
}
