//! Structure: sections, doc type, school, years, risk factors, roadmap rows (issue #6).
//!
//! The document is flattened into `Unit`s (one per heading, paragraph, list item and table-cell
//! paragraph) that keep their `Location`, so every later match can be quoted exactly. Headings
//! are taken from the extractor and inferred from numbered, «Раздел N» and UPPER-CASE lines;
//! «Метка:» paragraphs, passport-table row labels and table column headers become `Anchor`s
//! whose body is the text they introduce.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::model::{Block, CellRef, DocType, Document, Location, RiskFactor, RoadmapRow, Table};
use crate::rules::{ContextTarget, Rules, fold};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    Heading,
    Paragraph,
    ListItem,
    Cell,
}

/// One quotable piece of text with its location.
#[derive(Debug, Clone)]
pub struct Unit {
    pub text: String,
    /// `fold(text)`: same byte offsets as `text`.
    pub folded: String,
    pub loc: Location,
    pub kind: UnitKind,
    /// Index into `Structure::tables` for table cells.
    pub table: Option<usize>,
    pub row: Option<usize>,
    /// Header text of the cell's column, when the table has a header row.
    pub column: Option<String>,
    /// Sentence ranges of `text`.
    pub sentences: Vec<Range<usize>>,
    /// A table header cell or a row label: it names content, it is not content.
    pub label: bool,
    /// Nesting depth of a numbered list marker («2.» → 1, «2.1.» → 2).
    pub numbered: Option<u8>,
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub unit: usize,
    pub level: u8,
    /// First unit after the heading's section (exclusive end).
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorKind {
    Heading,
    /// «Цель программы:» paragraph or a passport-table row label.
    Label,
    /// A table column header.
    Column,
}

/// Text that introduces content: the anchor text is `units[unit].text[..text_end]`.
#[derive(Debug, Clone)]
pub struct Anchor {
    pub kind: AnchorKind,
    pub unit: usize,
    pub text_end: usize,
    pub body: Vec<usize>,
}

/// The role a table column plays in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    Action,
    Dates,
    Responsible,
    Indicator,
    Result,
}

#[derive(Debug, Clone)]
pub struct TableInfo {
    pub block: usize,
    pub header_row: Option<usize>,
    /// (grid column, header text, role)
    pub columns: Vec<(u32, String, Option<ColumnRole>)>,
    /// Folded text of each row without number-only cells (the «№» column).
    pub row_texts: Vec<String>,
    /// Has an action column and a dates or responsible column.
    pub roadmap: bool,
    pub text_len: usize,
}

/// A risk-factor section of a medium-term programme.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub risk: Option<RiskFactor>,
    pub units: Range<usize>,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct Structure {
    pub units: Vec<Unit>,
    pub headings: Vec<Heading>,
    pub anchors: Vec<Anchor>,
    pub tables: Vec<TableInfo>,
    /// Per context index: per unit, whether a section-level context holds around the unit.
    pub section_contexts: Vec<Option<Vec<bool>>>,
    pub doc_type: DocType,
    pub title: Option<String>,
    pub title_unit: Option<usize>,
    pub school: Option<String>,
    pub region: Option<String>,
    pub year_from: Option<u16>,
    pub year_to: Option<u16>,
    pub risk_factors: Vec<RiskFactor>,
    pub sections: Vec<Section>,
    pub roadmap_rows: Vec<RoadmapRow>,
    /// The title says «Программа» without its kind; the kind follows from the risk factors.
    pub generic_programme: bool,
}

impl Structure {
    /// Text of the nearest heading above `unit` (not the unit itself).
    pub fn section_title(&self, unit: usize) -> Option<&str> {
        self.headings
            .iter()
            .filter(|h| h.unit < unit && unit < h.end)
            .max_by_key(|h| h.unit)
            .map(|h| self.units[h.unit].text.as_str())
    }

    /// Whether a section-level context holds for `unit`.
    pub fn section_context(&self, ctx: usize, unit: usize) -> bool {
        self.section_contexts
            .get(ctx)
            .and_then(|v| v.as_ref())
            .and_then(|v| v.get(unit).copied())
            .unwrap_or(false)
    }
}

/// Sentence ranges of `text` (byte offsets), trimmed of surrounding spaces.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(pos, c)) in chars.iter().enumerate() {
        let split = match c {
            '\n' => Some(pos),
            '.' | '!' | '?' | ';' => {
                let next = chars.get(i + 1).map(|x| x.1);
                let after = chars.get(i + 2).map(|x| x.1);
                match (next, after) {
                    (Some(n), Some(a))
                        if n.is_whitespace()
                            && !(c == '.' && no_break_before(&text[start..pos])) =>
                    {
                        if a.is_uppercase()
                            || a.is_ascii_digit()
                            || a == '«'
                            || a == '-'
                            || a == '—'
                        {
                            Some(pos + c.len_utf8())
                        } else {
                            None
                        }
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(end) = split {
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// A period after a list number («2.») or a short abbreviation («г.», «с.», «им.») does not end
/// a sentence.
fn no_break_before(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    if before
        .trim()
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
    {
        return true;
    }
    let letters = last.chars().filter(|c| c.is_alphabetic()).count();
    // An initial («Н. А. Петрова») is one capital letter.
    let initial = letters == 1 && last.chars().all(|c| c.is_uppercase() || c == '.');
    initial || (letters > 0 && letters <= 2 && last.chars().all(|c| c.is_lowercase() || c == '.'))
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

fn re(src: &str) -> Regex {
    match Regex::new(src) {
        Ok(r) => r,
        // Patterns here are literals in this file; a typo is a programming error caught by tests.
        Err(e) => panic!("bad built-in pattern {src}: {e}"),
    }
}

fn numbered_heading_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"^((?:\d{1,2}\.)+\d{0,2}\.?|\d{1,2}\))\s*(\S.*)$"))
}

fn section_word_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)^(раздел|глава|часть|направление|блок|таблица|фактор)\s+([0-9IVXLivx]+|[а-яё]+)\b")
    })
}

fn roman_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"^[IVXL]{1,5}\.\s+\S"))
}

fn label_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"^([^:\n]{2,80}?):(\s+|$)"))
}

/// A run-in heading: «Мониторинг. Ежемесячно классные руководители…».
fn run_in_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"^([^:.;,\n]{2,40}?)\.\s+[А-ЯЁA-Z«]"))
}

/// Inferred heading level of a paragraph, or None when it reads like running text.
pub fn infer_heading_level(text: &str) -> Option<u8> {
    let t = text.trim();
    let chars = t.chars().count();
    if !(3..=160).contains(&chars) {
        return None;
    }
    let last = t.chars().last()?;
    let ends_like_sentence = matches!(last, '.' | ';' | ',') && !t.ends_with("..");
    let words = t.split_whitespace().count();
    if let Some(m) = section_word_re().captures(t) {
        let _ = m;
        if words <= 20 && !matches!(last, ';' | ',') {
            return Some(1);
        }
    }
    if roman_re().is_match(t) && words <= 16 && !ends_like_sentence {
        return Some(1);
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    if letters.len() >= 4 && upper * 10 >= letters.len() * 8 && words <= 20 {
        return Some(1);
    }
    if let Some(c) = numbered_heading_re().captures(t) {
        let num = c.get(1).map(|m| m.as_str()).unwrap_or("");
        let rest = c.get(2).map(|m| m.as_str()).unwrap_or("");
        let starts_upper = rest.chars().next().is_some_and(|c| c.is_uppercase());
        if starts_upper && !ends_like_sentence && words <= 14 && !num.ends_with(')') {
            let depth = num.split('.').filter(|p| !p.is_empty()).count().max(1);
            return Some(depth.min(6) as u8);
        }
        return None;
    }
    // A short line without final punctuation («Мероприятия», «Ожидаемые результаты») is a
    // run-in heading in plain text; it nests under numbered and upper-case headings.
    let first = t.chars().next()?;
    let plain_end = !matches!(last, '.' | ';' | ',' | ':' | '!' | '?' | ')');
    if (first.is_uppercase() || first == '«') && plain_end && words <= 8 && chars <= 90 {
        return Some(2);
    }
    None
}

/// Depth of a numbered list marker: «2.» → 1, «2.1.» → 2, «IV.» → 1; bullets → None.
fn marker_depth(marker: &str) -> Option<u8> {
    let m = marker.trim().trim_end_matches(['.', ')']);
    if m.is_empty() {
        return None;
    }
    if m.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Some(m.split('.').filter(|p| !p.is_empty()).count().clamp(1, 6) as u8);
    }
    if m.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L')) {
        return Some(1);
    }
    None
}

/// Numbered list items that are really headings («1. Цель», «2. Дефицит педагогических кадров»
/// followed by text): short, no final punctuation, and either very short or followed by prose.
fn promote_list_headings(units: &mut [Unit], headings: &mut Vec<Heading>) {
    for i in 0..units.len() {
        let Some(depth) = units[i].numbered else {
            continue;
        };
        if units[i].kind != UnitKind::ListItem {
            continue;
        }
        let t = units[i].text.trim();
        let words = t.split_whitespace().count();
        let last = t.chars().last().unwrap_or('.');
        let starts_upper = t.chars().next().is_some_and(|c| c.is_uppercase());
        if !starts_upper || matches!(last, '.' | ';' | ',' | ':' | '!' | '?') || words > 14 {
            continue;
        }
        // A next line starting in lower case or with «(» continues an item broken by layout.
        let next = units.get(i + 1);
        let continued = next.is_some_and(|n| {
            n.kind == UnitKind::Paragraph
                && n.text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase() || c == '(')
        });
        let next_is_prose = next.is_some_and(|n| n.kind == UnitKind::Paragraph) && !continued;
        if !continued && (words <= 6 || next_is_prose) {
            units[i].kind = UnitKind::Heading;
            headings.push(Heading {
                unit: i,
                level: depth,
                end: i,
            });
        }
    }
    headings.sort_by_key(|h| h.unit);
}

struct Builder<'a> {
    rules: &'a Rules,
    units: Vec<Unit>,
    headings: Vec<Heading>,
    anchors: Vec<Anchor>,
    tables: Vec<TableInfo>,
    roadmap_rows: Vec<RoadmapRow>,
    current_page: Option<u32>,
}

impl Builder<'_> {
    fn push(&mut self, text: &str, loc: Location, kind: UnitKind) -> Option<usize> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let mut loc = loc;
        if loc.page.is_none() {
            loc.page = self.current_page;
        }
        self.units.push(Unit {
            numbered: None,
            label: false,
            sentences: sentences(t),
            text: t.to_string(),
            folded: fold(t),
            loc,
            kind,
            table: None,
            row: None,
            column: None,
        });
        Some(self.units.len() - 1)
    }

    fn block(&mut self, b: &Block) {
        if let Some(p) = b.loc().page {
            self.current_page = Some(p);
        }
        match b {
            Block::Heading { level, text, loc } => {
                if let Some(u) = self.push(text, loc.clone(), UnitKind::Heading) {
                    self.headings.push(Heading {
                        unit: u,
                        level: (*level).max(1),
                        end: u,
                    });
                }
            }
            Block::Paragraph { text, loc } => match infer_heading_level(text) {
                Some(level) => {
                    if let Some(u) = self.push(text, loc.clone(), UnitKind::Heading) {
                        self.headings.push(Heading {
                            unit: u,
                            level,
                            end: u,
                        });
                    }
                }
                None => {
                    self.push(text, loc.clone(), UnitKind::Paragraph);
                }
            },
            Block::ListItem {
                text, loc, marker, ..
            } => {
                if let Some(u) = self.push(text, loc.clone(), UnitKind::ListItem) {
                    self.units[u].numbered = marker.as_deref().and_then(marker_depth);
                }
            }
            Block::Table(t) => self.table(t),
            Block::PageBreak { .. } => {}
        }
    }

    fn cell_units(
        &mut self,
        blocks: &[Block],
        loc: &Location,
        cell: CellRef,
        out: &mut Vec<usize>,
    ) {
        for b in blocks {
            match b {
                Block::Heading { text, .. }
                | Block::Paragraph { text, .. }
                | Block::ListItem { text, .. } => {
                    let l = Location {
                        page: b.loc().page.or(loc.page),
                        block: loc.block,
                        cell: Some(cell),
                    };
                    if let Some(u) = self.push(text, l, UnitKind::Cell) {
                        out.push(u);
                    }
                }
                Block::Table(inner) => {
                    for row in &inner.rows {
                        for c in &row.cells {
                            self.cell_units(&c.blocks, loc, cell, out);
                        }
                    }
                }
                Block::PageBreak { .. } => {}
            }
        }
    }

    fn table(&mut self, t: &Table) {
        let ti = self.tables.len();
        let cues = &self.rules.structure.columns;
        // Units of every cell, row by row.
        let mut cells: Vec<Vec<(u32, u32, Vec<usize>)>> = Vec::new();
        for (ri, row) in t.rows.iter().enumerate() {
            let mut row_cells = Vec::new();
            for c in &row.cells {
                let mut us = Vec::new();
                let cref = CellRef {
                    row: ri as u32,
                    col: c.col,
                };
                self.cell_units(&c.blocks, &t.loc, cref, &mut us);
                for &u in &us {
                    self.units[u].table = Some(ti);
                    self.units[u].row = Some(ri);
                }
                row_cells.push((c.col, c.col_span.max(1), us));
            }
            cells.push(row_cells);
        }
        let cell_text = |units: &[Unit], us: &[usize]| -> String {
            us.iter()
                .map(|&u| units[u].text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let role_of = |folded: &str| -> Option<ColumnRole> {
            let any = |v: &[Regex]| v.iter().any(|r| r.is_match(folded));
            if any(&cues.action) {
                Some(ColumnRole::Action)
            } else if any(&cues.dates) {
                Some(ColumnRole::Dates)
            } else if any(&cues.responsible) {
                Some(ColumnRole::Responsible)
            } else if any(&cues.indicator) {
                Some(ColumnRole::Indicator)
            } else if any(&cues.result) {
                Some(ColumnRole::Result)
            } else {
                None
            }
        };
        // Header row: the first of the first three rows naming two plan roles, or a flagged one,
        // or a short first row naming one role.
        let mut header_row = None;
        for (ri, row) in cells.iter().enumerate().take(3) {
            let texts: Vec<String> = row
                .iter()
                .map(|(_, _, us)| cell_text(&self.units, us))
                .collect();
            let roles: std::collections::BTreeSet<_> = texts
                .iter()
                .filter(|s| s.chars().count() <= 80)
                .filter_map(|s| role_of(&fold(s)).map(|r| r as u8))
                .collect();
            if roles.len() >= 2 {
                header_row = Some(ri);
                break;
            }
        }
        let by_roles = header_row.is_some();
        if header_row.is_none() {
            header_row = t.rows.iter().position(|r| r.header).filter(|&r| r < 3);
        }
        if header_row.is_none() && cells.len() >= 2 {
            if let Some(row) = cells.first() {
                let texts: Vec<String> = row
                    .iter()
                    .map(|(_, _, us)| cell_text(&self.units, us))
                    .collect();
                let short = row.len() >= 2 && texts.iter().all(|s| s.chars().count() <= 60);
                let has_role = texts.iter().any(|s| role_of(&fold(s)).is_some());
                if short && has_role {
                    header_row = Some(0);
                }
            }
        }
        // A two-column key|value table (a passport) whose first row is already content
        // («Цель Программы | Восполнить к декабрю…»): the writer's header flag is layout only.
        if !by_roles && header_row.is_some() && t.columns() == 2 {
            let value_words = header_row
                .and_then(|hr| cells.get(hr))
                .and_then(|row| row.get(1))
                .map(|(_, _, us)| cell_text(&self.units, us).split_whitespace().count())
                .unwrap_or(0);
            let key_is_goal = header_row
                .and_then(|hr| cells.get(hr))
                .and_then(|row| row.first())
                .is_some_and(|(_, _, us)| {
                    goal_word_re().is_match(&fold(&cell_text(&self.units, us)))
                });
            if value_words >= 8 || (key_is_goal && value_words >= 2) {
                header_row = None;
            }
        }
        let mut columns = Vec::new();
        if let Some(hr) = header_row {
            if let Some(row) = cells.get(hr) {
                for (_, _, us) in row {
                    for &u in us {
                        self.units[u].label = true;
                    }
                }
                for (col, _, us) in row {
                    let text = cell_text(&self.units, us);
                    let role = role_of(&fold(&text));
                    columns.push((*col, text, role));
                }
            }
        }
        let has = |r: ColumnRole| columns.iter().any(|c| c.2 == Some(r));
        let roadmap =
            has(ColumnRole::Action) && (has(ColumnRole::Dates) || has(ColumnRole::Responsible));
        let column_of = |col: u32, span: u32| -> Option<&(u32, String, Option<ColumnRole>)> {
            columns
                .iter()
                .find(|c| c.0 == col)
                .or_else(|| columns.iter().find(|c| c.0 >= col && c.0 < col + span))
        };
        // Column names on data cells, column anchors, row-label anchors.
        let mut col_bodies: Vec<Vec<usize>> = vec![Vec::new(); columns.len()];
        let mut row_texts = Vec::new();
        let data_start = header_row.map(|h| h + 1).unwrap_or(0);
        for (ri, row) in cells.iter().enumerate() {
            // The «№ п/п» column would make every row look measurable.
            let rt: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(ci, (_, _, us))| (ci, cell_text(&self.units, us)))
                .filter(|(ci, s)| {
                    *ci > 0
                        || !s
                            .chars()
                            .all(|c| c.is_ascii_digit() || c == '.' || c.is_whitespace())
                })
                .map(|(_, s)| fold(&s))
                .collect();
            row_texts.push(rt.join(" | "));
            if ri < data_start {
                continue;
            }
            for (col, span, us) in row {
                if let Some(c) = column_of(*col, *span) {
                    let name = c.1.clone();
                    let idx = columns.iter().position(|x| x.0 == c.0).unwrap_or(0);
                    for &u in us {
                        self.units[u].column = Some(name.clone());
                        if let Some(b) = col_bodies.get_mut(idx) {
                            b.push(u);
                        }
                    }
                }
            }
            // Passport-style rows: «Цель программы» | text, also after a «№» cell
            // («1 | Цель программы | text»).
            if !roadmap && row.len() >= 2 {
                let is_number = |us: &[usize]| {
                    cell_text(&self.units, us).chars().all(|c| {
                        c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace()
                    })
                };
                let skip = usize::from(
                    row.len() == 3 && row.first().is_some_and(|(_, _, us)| is_number(us)),
                );
                if let Some((_, _, first)) = row.get(skip) {
                    let label = cell_text(&self.units, first);
                    if let Some(&lu) = first.first() {
                        if !is_number(first) && label.chars().count() <= 120 {
                            for &u in first {
                                self.units[u].label = true;
                            }
                            let body: Vec<usize> = row
                                .iter()
                                .skip(skip + 1)
                                .flat_map(|(_, _, us)| us.iter().copied())
                                .collect();
                            let text_end = self.units[lu].text.len();
                            self.anchors.push(Anchor {
                                kind: AnchorKind::Label,
                                unit: lu,
                                text_end,
                                body,
                            });
                        }
                    }
                }
            }
        }
        if let Some(hr) = header_row {
            if let Some(row) = cells.get(hr) {
                for (ci, (_, _, us)) in row.iter().enumerate() {
                    if let (Some(&u), Some(body)) = (us.first(), col_bodies.get(ci)) {
                        let text_end = self.units[u].text.len();
                        self.anchors.push(Anchor {
                            kind: AnchorKind::Column,
                            unit: u,
                            text_end,
                            body: body.clone(),
                        });
                    }
                }
            }
        }
        if roadmap {
            let ncols = t.columns();
            for (ri, row) in cells.iter().enumerate().skip(data_start) {
                // A caption row spanning the whole table («Задача 1. …») is not an action.
                if row.len() == 1 && row.first().is_some_and(|c| c.1 >= ncols.saturating_sub(1)) {
                    continue;
                }
                let mut rr = RoadmapRow::default();
                let mut action_loc = None;
                for (col, span, us) in row {
                    let text = cell_text(&self.units, us);
                    if text.trim().is_empty() {
                        continue;
                    }
                    let Some(c) = column_of(*col, *span) else {
                        continue;
                    };
                    match c.2 {
                        Some(ColumnRole::Action) => {
                            if rr.action.is_empty() {
                                rr.action = text;
                                action_loc = us.first().map(|&u| self.units[u].loc.clone());
                            } else {
                                rr.action.push_str(" — ");
                                rr.action.push_str(&text);
                            }
                        }
                        Some(ColumnRole::Dates) => rr.dates = Some(text),
                        Some(ColumnRole::Responsible) => rr.responsible = Some(text),
                        Some(ColumnRole::Indicator) => rr.indicator = Some(text),
                        Some(ColumnRole::Result) => rr.result = Some(text),
                        None => {}
                    }
                }
                if rr.action.trim().is_empty() {
                    continue;
                }
                rr.location = action_loc.unwrap_or(Location {
                    page: t.loc.page,
                    block: t.loc.block,
                    cell: Some(CellRef {
                        row: ri as u32,
                        col: 0,
                    }),
                });
                self.roadmap_rows.push(rr);
            }
        }
        let text_len = t.text().chars().count();
        self.tables.push(TableInfo {
            block: t.loc.block as usize,
            header_row,
            columns,
            row_texts,
            roadmap,
            text_len,
        });
    }
}

/// Analyse a document's structure with the given rules.
pub fn analyze(doc: &Document, rules: &Rules) -> Structure {
    let mut b = Builder {
        rules,
        units: Vec::new(),
        headings: Vec::new(),
        anchors: Vec::new(),
        tables: Vec::new(),
        roadmap_rows: Vec::new(),
        current_page: None,
    };
    for block in &doc.blocks {
        b.block(block);
    }
    let Builder {
        units,
        mut headings,
        mut anchors,
        tables,
        roadmap_rows,
        ..
    } = b;

    let mut units = units;
    promote_list_headings(&mut units, &mut headings);
    // Section ends: the next heading of the same or a higher level.
    let n = units.len();
    for i in 0..headings.len() {
        let level = headings[i].level;
        let end = headings[i + 1..]
            .iter()
            .find(|h| h.level <= level)
            .map(|h| h.unit)
            .unwrap_or(n);
        headings[i].end = end;
    }
    for h in &headings {
        anchors.push(Anchor {
            kind: AnchorKind::Heading,
            unit: h.unit,
            text_end: units[h.unit].text.len(),
            body: (h.unit + 1..h.end).collect(),
        });
    }
    label_anchors(&units, &mut anchors);

    // Where the programme proper starts: a run-in «Цель:» / «Задачи:» label, or a paragraph
    // stating the goal («Целью программы является…»). An initial-diagnosis section («Пояснительная
    // записка», «Анализ текущей ситуации») ends there even without a heading.
    let mut programme_starts: Vec<usize> = anchors
        .iter()
        .filter(|a| {
            a.kind == AnchorKind::Label
                && units[a.unit].kind != UnitKind::Cell
                && is_element_subheading(&units[a.unit].folded[..a.text_end], rules)
        })
        .map(|a| a.unit)
        .collect();
    programme_starts.extend(goal_statement_units(&units, rules));
    programme_starts.sort_unstable();
    programme_starts.dedup();
    // Labels open a section of their own: «Проблемный анализ: …» and the lines under it, a
    // passport row «Проблемный анализ | …» and its value.
    let label_scopes: Vec<(usize, usize, Vec<usize>)> = anchors
        .iter()
        .filter(|a| a.kind == AnchorKind::Label)
        .map(|a| (a.unit, a.text_end, a.body.clone()))
        .collect();
    // Section-level contexts (e.g. diagnosis): a unit is inside when one of the headings around
    // it matches, or the label it sits under.
    let section_contexts: Vec<Option<Vec<bool>>> = rules
        .contexts
        .iter()
        .map(|c| {
            if c.target != ContextTarget::Section {
                return None;
            }
            let mut flags = vec![false; n];
            for h in &headings {
                if c.holds(&units[h.unit].folded) {
                    let end = programme_starts
                        .iter()
                        .copied()
                        .find(|&u| u > h.unit && u < h.end)
                        .unwrap_or(h.end);
                    for f in flags.iter_mut().take(end).skip(h.unit) {
                        *f = true;
                    }
                }
            }
            for (unit, text_end, body) in &label_scopes {
                let label = units[*unit].folded.get(..*text_end).unwrap_or("");
                if c.holds(label) {
                    let end = programme_starts
                        .iter()
                        .copied()
                        .find(|&u| u > *unit)
                        .unwrap_or(n);
                    for &b in std::iter::once(unit).chain(body.iter()) {
                        if let Some(f) = flags.get_mut(b).filter(|_| b < end) {
                            *f = true;
                        }
                    }
                }
            }
            // Cells under a column such as «Слабые стороны» or «Проблема».
            for (f, u) in flags.iter_mut().zip(units.iter()) {
                if u.column.as_deref().is_some_and(|h| c.holds(&fold(h))) {
                    *f = true;
                }
            }
            Some(flags)
        })
        .collect();

    let mut st = Structure {
        units,
        headings,
        anchors,
        tables,
        section_contexts,
        doc_type: DocType::Other,
        title: None,
        title_unit: None,
        school: None,
        region: None,
        year_from: None,
        year_to: None,
        risk_factors: Vec::new(),
        sections: Vec::new(),
        roadmap_rows,
        generic_programme: false,
    };
    detect_title_and_type(&mut st, doc, rules);
    st.school = find_school(&st);
    st.region = find_region(&st);
    let (yf, yt) = find_years(&st, rules);
    st.year_from = yf;
    st.year_to = yt;
    st.sections = find_sections(&st, rules);
    if st.doc_type == DocType::Other && st.title_unit.is_none() && st.sections.len() >= 2 {
        st.doc_type = DocType::MediumTermProgramme;
    }
    if st.doc_type != DocType::MediumTermProgramme {
        st.sections.clear();
    }
    if st.generic_programme && st.sections.len() >= 2 {
        st.doc_type = DocType::MediumTermProgramme;
    }
    st.risk_factors = find_risks(&st, rules);
    if st.generic_programme && st.risk_factors.len() == 1 {
        st.doc_type = DocType::AntiriskProgramme;
    }
    st
}

/// Paragraphs and list items with a sentence that states the programme's goal (the goal's
/// text rules match and none of their sentence-level exclusions holds).
fn goal_statement_units(units: &[Unit], rules: &Rules) -> Vec<usize> {
    let Some(goal) = rules.element(crate::model::Element::Goal) else {
        return Vec::new();
    };
    let text_rules: Vec<&crate::rules::Rule> = goal
        .rules
        .iter()
        .filter(|r| r.scope == crate::rules::Scope::Text)
        .collect();
    units
        .iter()
        .enumerate()
        .filter(|(_, u)| matches!(u.kind, UnitKind::Paragraph | UnitKind::ListItem))
        .filter(|(_, u)| {
            u.sentences.iter().any(|s| {
                let f = u.folded.get(s.clone()).unwrap_or("");
                text_rules.iter().any(|r| {
                    r.matches(f)
                        && !r.exclude.iter().any(|&ci| {
                            rules
                                .contexts
                                .get(ci)
                                .is_some_and(|c| c.target == ContextTarget::Sentence && c.holds(f))
                        })
                })
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// «Цель программы: …» and «Задачи:» paragraphs followed by a list.
fn label_anchors(units: &[Unit], anchors: &mut Vec<Anchor>) {
    for (i, u) in units.iter().enumerate() {
        if u.kind != UnitKind::Paragraph && u.kind != UnitKind::ListItem {
            continue;
        }
        let (c, max_words) = match label_re().captures(&u.text) {
            Some(c) => (c, 8),
            None => match run_in_re().captures(&u.text) {
                Some(c) => (c, 3),
                None => continue,
            },
        };
        let Some(label) = c.get(1) else { continue };
        let words = label.as_str().split_whitespace().count();
        let starts_upper = label
            .as_str()
            .trim_start_matches(|ch: char| !ch.is_alphabetic())
            .chars()
            .next()
            .is_some_and(|ch| ch.is_uppercase());
        if words > max_words || !starts_upper {
            continue;
        }
        let inline = u.text[label.end() + 1..].trim();
        let mut body = Vec::new();
        if !inline.is_empty() {
            body.push(i);
            for (j, v) in units.iter().enumerate().skip(i + 1).take(40) {
                // List items, and lines that continue a sentence broken by the layout.
                let continues = v.kind == UnitKind::Paragraph
                    && v.text.chars().next().is_some_and(|c| c.is_lowercase());
                if v.kind == UnitKind::ListItem || continues {
                    body.push(j);
                } else {
                    break;
                }
            }
        } else {
            for (j, v) in units.iter().enumerate().skip(i + 1).take(60) {
                if v.kind == UnitKind::Heading {
                    break;
                }
                if v.kind == UnitKind::Paragraph
                    && label_re().is_match(&v.text)
                    && v.text.len() < 200
                {
                    break;
                }
                body.push(j);
            }
        }
        anchors.push(Anchor {
            kind: AnchorKind::Label,
            unit: i,
            text_end: label.end(),
            body,
        });
    }
}

fn detect_title_and_type(st: &mut Structure, doc: &Document, rules: &Rules) {
    let sr = &rules.structure;
    for (i, u) in st.units.iter().enumerate().take(sr.title_blocks) {
        if u.text.chars().count() > 400 {
            continue;
        }
        if sr.stamp_patterns.is_match(&u.folded) {
            continue;
        }
        // Titles do not end with a full stop; running sentences of letters and reports do.
        let year_end = [" г.", "гг.", "год.", "годы.", "годов."]
            .iter()
            .any(|e| u.text.ends_with(e));
        if u.kind != UnitKind::Heading && u.text.ends_with('.') && !year_end {
            continue;
        }
        // A title split over two lines («ПРОГРАММА» / «развития МБОУ …») is read as one.
        let joined = fold(&title_text(&st.units, i));
        // The cue that starts earliest in the line names the document («Дорожная карта
        // реализации антирисковой программы» is a roadmap); ties go to the earlier-listed type.
        if let Some(cue) = sr
            .doc_types
            .iter()
            .filter_map(|c| {
                c.patterns
                    .iter()
                    .filter_map(|p| p.find(&joined).map(|m| m.start()))
                    .min()
                    .map(|pos| (pos, c))
            })
            .min_by_key(|(pos, _)| *pos)
            .map(|(_, c)| c)
        {
            st.doc_type = cue.doc_type;
            st.title_unit = Some(i);
            st.title = Some(title_text(&st.units, i));
            st.generic_programme = false;
            break;
        }
        // «Программа „Успешный ученик“» names no kind: remember it, keep looking, and decide
        // by the risk factors it addresses.
        if st.title_unit.is_none() && sr.generic_programme.is_match(&joined) {
            st.doc_type = DocType::DevelopmentProgramme;
            st.title_unit = Some(i);
            st.title = Some(title_text(&st.units, i));
            st.generic_programme = true;
        }
    }
    if st.title_unit.is_none() {
        let total: usize = st.units.iter().map(|u| u.text.chars().count()).sum();
        let roadmap: usize = st
            .tables
            .iter()
            .filter(|t| t.roadmap)
            .map(|t| t.text_len)
            .sum();
        if total > 0 && roadmap as f32 >= sr.roadmap_share * total as f32 {
            st.doc_type = DocType::Roadmap;
        }
        st.title = doc
            .metadata
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| st.headings.first().map(|h| title_text(&st.units, h.unit)));
    }
}

/// The title unit's text, joined with the next short line when the title is split across lines
/// («ПРОГРАММА РАЗВИТИЯ» / «МБОУ …»).
fn title_text(units: &[Unit], i: usize) -> String {
    let mut t = units[i].text.clone();
    if t.chars().count() < 60 {
        if let Some(next) = units.get(i + 1) {
            if next.kind != UnitKind::Cell
                && next.text.chars().count() < 160
                && !next.text.ends_with('.')
            {
                t.push(' ');
                t.push_str(&next.text);
            }
        }
    }
    t.chars().take(300).collect()
}

fn school_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(concat!(
            r"\b(?:МБОУ|МАОУ|МКОУ|МОУ|ГБОУ|ГАОУ|ГКОУ|МБОО|МОБУ|МКОО|МАОО|ЧОУ|НОУ|ОГБОУ|КГБОУ|ОГАОУ|ГОУ|МБ\s?ОУ)",
            r"(?:\s+(?:«[^»\n]{2,90}»|\x22[^\x22\n]{2,90}\x22|[А-ЯЁA-Z][^,.;:\n«\x22()]{0,60}?(?:СОШ|ООШ|НОШ|школа|лицей|гимназия)(?:\s*№\s*\d+)?))",
            r"(?:\s*»)?",
            r"(?:\s*(?:им\.|имени)\s+[А-ЯЁ][^,.;\n«»]{2,60})?",
            r"(?:,?\s+(?:с|г|п|пгт|д|ст|х|рп|р\.п|пос|ст-ца)\.\s?[А-ЯЁ][\w-]+(?:\s[А-ЯЁ][\w-]+)?)?",
        ))
    })
}

fn school_full_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)(?:муниципальн|государственн|частн)\w*\s+(?:бюджетн\w+\s+|казенн\w+\s+|казённ\w+\s+|автономн\w+\s+)?общеобразовательн\w+\s+(?:учреждени|организаци)\w*\s*(?:«[^»\n]{2,120}»|\x22[^\x22\n]{2,120}\x22)(?:,?\s+(?:с|г|п|пгт|д|ст|х|рп|пос)\.\s?[А-ЯЁ][\w-]+)?")
    })
}

fn find_school(st: &Structure) -> Option<String> {
    let limit = st.units.len().min(80);
    for u in &st.units[..limit] {
        if let Some(m) = school_re().find(&u.text) {
            return Some(m.as_str().trim().trim_end_matches(',').to_string());
        }
    }
    for u in &st.units[..limit] {
        if let Some(m) = school_full_re().find(&u.text) {
            return Some(m.as_str().trim().to_string());
        }
    }
    None
}

fn region_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(concat!(
            r"(?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?:ская|ской|ую)\s+област[ьиью]+",
            r"|Республик[аиеу]\s+[А-ЯЁ][а-яё]+(?:\s+[А-ЯЁ][а-яё]+)?",
            r"|[А-ЯЁ][а-яё]+(?:ий|ого|ом)\s+кра[йяе]",
            r"|[А-ЯЁ][а-яё]+(?:ий|ого|ом)\s+автономн\w+\s+округ\w*",
            r"|[А-ЯЁ][а-яё]+(?:ский|ского|ском|цкий|цкого)\s+(?:муниципальн\w+\s+)?район\w*",
            r"|[А-ЯЁ][а-яё]+(?:ский|ского|ском)\s+(?:муниципальн\w+|городск\w+)\s+округ\w*)"
        ))
    })
}

fn find_region(st: &Structure) -> Option<String> {
    let limit = st.units.len().min(80);
    st.units[..limit]
        .iter()
        .find_map(|u| region_re().find(&u.text).map(|m| m.as_str().to_string()))
}

fn years_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"\b(20[0-4]\d)\s*(?:г\.?\s*|гг\.?\s*|год\w*\s*)?(?:-|–|—|/|по|до)\s*(20[0-4]\d)\b")
    })
}

fn single_year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)\bна\s+(20[0-4]\d)\s*(?:год|г\.)"))
}

fn title_year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)\b(20[0-4]\d)\s*(?:год|г\.|уч)"))
}

fn year_range(text: &str) -> Option<(u16, u16)> {
    years_re().captures_iter(text).find_map(|c| {
        let a = c.get(1)?.as_str().parse::<u16>().ok()?;
        let b = c.get(2)?.as_str().parse::<u16>().ok()?;
        (b > a && b - a <= 10).then_some((a, b))
    })
}

fn find_years(st: &Structure, rules: &Rules) -> (Option<u16>, Option<u16>) {
    // The title area names the programme's years («на 2022–2024 годы», «2022 год»).
    if let Some(t) = st.title_unit {
        let area = (t..(t + 4).min(st.units.len())).filter(|&i| !in_diagnosis(st, rules, i));
        for i in area {
            let text = &st.units[i].text;
            if let Some((a, b)) = year_range(text) {
                return (Some(a), Some(b));
            }
            let y = single_year_re()
                .captures(text)
                .or_else(|| title_year_re().captures(text))
                .and_then(|c| c.get(1)?.as_str().parse::<u16>().ok());
            if y.is_some() {
                return (y, y);
            }
        }
    }
    // Then a passport row or label about terms, then the first pages outside the diagnosis
    // (which cites past years).
    let mut order: Vec<usize> = Vec::new();
    for a in &st.anchors {
        let u = &st.units[a.unit];
        if a.kind == AnchorKind::Label && u.folded[..a.text_end].contains("срок") {
            order.extend(a.body.iter().copied());
        }
    }
    order.extend((0..st.units.len().min(60)).filter(|&i| !in_diagnosis(st, rules, i)));
    for i in order {
        let text = &st.units[i].text;
        if let Some((a, b)) = year_range(text) {
            return (Some(a), Some(b));
        }
        if let Some(c) = single_year_re().captures(text) {
            let y = c.get(1).and_then(|m| m.as_str().parse::<u16>().ok());
            if y.is_some() {
                return (y, y);
            }
        }
    }
    (None, None)
}

/// The risk factor a heading is about, when exactly one matches.
fn heading_risk(folded: &str, rules: &Rules) -> Option<RiskFactor> {
    let found: Vec<RiskFactor> = rules
        .risks
        .iter()
        .filter(|r| r.find(folded).is_some())
        .map(|r| r.risk)
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

fn in_diagnosis(st: &Structure, rules: &Rules, unit: usize) -> bool {
    rules
        .contexts
        .iter()
        .enumerate()
        .any(|(ci, c)| c.id == "diagnosis" && st.section_context(ci, unit))
}

fn find_sections(st: &Structure, rules: &Rules) -> Vec<Section> {
    let after_title = st.title_unit.map(|t| t + 1).unwrap_or(0);
    let risk_heads: Vec<(usize, RiskFactor)> = st
        .headings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.unit >= after_title && !in_diagnosis(st, rules, h.unit))
        .filter_map(|(hi, h)| heading_risk(&st.units[h.unit].folded, rules).map(|r| (hi, r)))
        .collect();
    let mut sections = Vec::new();
    for (k, &(hi, risk)) in risk_heads.iter().enumerate() {
        let h = &st.headings[hi];
        let next_risk = risk_heads.get(k + 1).map(|&(j, _)| st.headings[j].unit);
        let mut end = next_risk.unwrap_or(st.units.len());
        for other in &st.headings[hi + 1..] {
            if other.unit >= end {
                break;
            }
            let text = &st.units[other.unit].folded;
            let closes = other.level < h.level
                || (other.level == h.level
                    && (text.contains("программ")
                        || !is_element_subheading(text, rules)
                        || covers_all_directions(st, other.unit)));
            if closes {
                end = other.unit;
                break;
            }
        }
        let u = &st.units[h.unit];
        sections.push(Section {
            title: u.text.clone(),
            risk: Some(risk),
            units: h.unit..end,
            location: u.loc.clone(),
        });
    }
    if sections.is_empty() {
        sections = table_row_sections(st, rules);
    }
    sections
}

fn goal_word_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"\bцел(ь|и)\b"))
}

fn all_directions_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"\b(вс[еи]\w*|обо(им|их)|обе(им|их)|кажд\w+|друг\w+)\s+([\w-]+\s+)?(направлени|раздел|фактор|риск)")
    })
}

/// A chapter whose first paragraph says it covers every direction («По обоим направлениям…»,
/// «для всех факторов риска») is programme-wide even when its heading names only an element.
fn covers_all_directions(st: &Structure, heading: usize) -> bool {
    st.units
        .iter()
        .skip(heading + 1)
        .find(|u| u.kind != UnitKind::Heading)
        .is_some_and(|u| all_directions_re().is_match(&u.folded))
}

/// Sections laid out as table rows: a «Фактор риска» column names the risk of each row and the
/// other columns hold the elements.
fn table_row_sections(st: &Structure, rules: &Rules) -> Vec<Section> {
    let mut sections = Vec::new();
    for (ti, t) in st.tables.iter().enumerate() {
        let Some(risk_col) = t.columns.iter().find(|c| {
            let f = fold(&c.1);
            f.contains("риск") || f.contains("фактор") || f.contains("направлени")
        }) else {
            continue;
        };
        let mut rows: Vec<(usize, Range<usize>)> = Vec::new();
        for (i, u) in st.units.iter().enumerate() {
            if u.table != Some(ti) {
                continue;
            }
            let Some(r) = u.row else { continue };
            if t.header_row.is_some_and(|h| r <= h) {
                continue;
            }
            match rows.last_mut() {
                Some((row, range)) if *row == r => range.end = i + 1,
                _ => rows.push((r, i..i + 1)),
            }
        }
        for (_, range) in rows {
            let title_unit = range
                .clone()
                .find(|&i| st.units[i].column.as_deref() == Some(risk_col.1.as_str()));
            let Some(tu) = title_unit else { continue };
            if let Some(risk) = heading_risk(&st.units[tu].folded, rules) {
                sections.push(Section {
                    title: st.units[tu].text.clone(),
                    risk: Some(risk),
                    units: range,
                    location: st.units[tu].loc.clone(),
                });
            }
        }
    }
    sections
}

/// A short heading naming a cycle element («Цель», «Задачи», «Показатели»…) that continues the
/// current risk section rather than closing it.
fn is_element_subheading(folded: &str, rules: &Rules) -> bool {
    if folded.split_whitespace().count() > 8 {
        return false;
    }
    rules.elements.iter().any(|e| {
        e.rules
            .iter()
            .any(|r| matches!(r.scope, crate::rules::Scope::Anchor { .. }) && r.matches(folded))
    })
}

fn find_risks(st: &Structure, rules: &Rules) -> Vec<RiskFactor> {
    let sr = &rules.structure;
    let mut scores = [0f32; 10];
    let label_units: std::collections::BTreeSet<usize> = st
        .anchors
        .iter()
        .filter(|a| a.kind == AnchorKind::Label)
        .map(|a| a.unit)
        .collect();
    // Text under «Цель», «Задачи», «Мероприятия»… is what the programme addresses.
    let core_units: std::collections::BTreeSet<usize> = st
        .anchors
        .iter()
        .filter(|a| is_element_subheading(&st.units[a.unit].folded[..a.text_end], rules))
        .flat_map(|a| a.body.iter().copied())
        .collect();
    let not_programme = st.doc_type == DocType::Other;
    for (i, u) in st.units.iter().enumerate() {
        let diagnosis = in_diagnosis(st, rules, i);
        let strong = !diagnosis
            && (u.kind == UnitKind::Heading
                || Some(i) == st.title_unit
                || label_units.contains(&i));
        for s in &u.sentences {
            let folded = &u.folded[s.clone()];
            if !rules.risk_gate.is_match(folded) {
                continue;
            }
            let named = sr.risk_named_patterns.is_match(folded);
            for r in &rules.risks {
                let Some((start, _)) = r.find(folded) else {
                    continue;
                };
                let quoted =
                    folded[..start].matches('«').count() > folded[..start].matches('»').count();
                let weight = if named || quoted {
                    sr.risk_named_weight
                } else if not_programme {
                    // A report or an order only «addresses» risk factors it names as such.
                    0.0
                } else if strong {
                    sr.risk_heading_weight
                } else if diagnosis {
                    0.0
                } else if core_units.contains(&i) {
                    sr.risk_core_weight
                } else {
                    sr.risk_text_weight
                };
                let idx = RiskFactor::ALL
                    .iter()
                    .position(|x| *x == r.risk)
                    .unwrap_or(0);
                scores[idx] += weight;
            }
        }
    }
    let max = scores.iter().copied().fold(0f32, f32::max);
    let mut out: Vec<RiskFactor> = RiskFactor::ALL
        .iter()
        .zip(scores.iter())
        .filter(|(_, s)| **s >= sr.risk_threshold && **s >= sr.risk_relative * max)
        .map(|(r, _)| *r)
        .collect();
    match st.doc_type {
        DocType::MediumTermProgramme if !st.sections.is_empty() => {
            out = st.sections.iter().filter_map(|s| s.risk).collect();
            out.sort();
            out.dedup();
        }
        DocType::AntiriskProgramme => {
            // One risk factor per anti-risk programme: the one named in its title, else the
            // strongest.
            let in_title = st.title_unit.and_then(|t| {
                heading_risk(
                    &title_text(&st.units, t).to_lowercase().replace('ё', "е"),
                    rules,
                )
            });
            let best = RiskFactor::ALL
                .iter()
                .zip(scores.iter())
                .filter(|(_, s)| **s > 0.0)
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(r, _)| *r);
            out = in_title.or(best).into_iter().collect();
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_and_trim() {
        let t = "Цель: рост. Задачи: план; успех. 2. Итог в с. Ивановка";
        let s: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            s,
            vec![
                "Цель: рост.",
                "Задачи: план; успех.",
                "2. Итог в с. Ивановка"
            ]
        );
    }

    #[test]
    fn heading_inference() {
        assert_eq!(infer_heading_level("1. Паспорт программы"), Some(1));
        assert_eq!(infer_heading_level("2.3. Мониторинг реализации"), Some(2));
        assert_eq!(infer_heading_level("ЦЕЛИ И ЗАДАЧИ ПРОГРАММЫ"), Some(1));
        assert_eq!(infer_heading_level("Раздел 3. Мероприятия"), Some(1));
        assert_eq!(
            infer_heading_level("1. Посещение куратором школы, беседы с руководством."),
            None
        );
        assert_eq!(
            infer_heading_level("Обычный абзац текста, который кончается точкой."),
            None
        );
        assert_eq!(infer_heading_level("Ожидаемые результаты"), Some(2));
        assert_eq!(infer_heading_level("Цель программы:"), None);
    }
}
