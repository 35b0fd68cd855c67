//! Structure: sections, doc type, school, years, risk factors, roadmap rows (issue #6).
//!
//! The document is flattened into `Unit`s (one per heading, paragraph, list item and table-cell
//! paragraph) that keep their `Location`, so every later match can be quoted exactly. Headings
//! are taken from the extractor and inferred from numbered, «Раздел N» and UPPER-CASE lines;
//! «Метка:» paragraphs, passport-table row labels and table column headers become `Anchor`s
//! whose body is the text they introduce.

mod metadata;
mod sections;
mod tables;
mod units;

use std::ops::Range;

use regex::Regex;

use crate::model::{DocType, Document, Location, RiskFactor, RoadmapRow};
use crate::rules::{ContextTarget, Rules, fold};

use metadata::*;
use sections::*;
use units::*;

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
    /// The same without the dates and responsible columns: where an indicator's values are.
    pub value_texts: Vec<String>,
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
    /// Why the document is not one school's programme, when a non-programme sign held.
    pub not_programme: Option<NotProgramme>,
}

/// A sign that the document is not a programme (`structure.toml` `[[non_programme]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct NotProgramme {
    /// The cue's stable kind: `order`, `regulation`, `letter`, `presentation`, `municipal`…
    pub kind: String,
    /// Russian name of the kind.
    pub label: String,
    /// The first unit that showed it.
    pub unit: usize,
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

fn re(src: &str) -> Regex {
    match Regex::new(src) {
        Ok(r) => r,
        // Patterns here are literals in this file; a typo is a programming error caught by tests.
        Err(e) => panic!("bad built-in pattern {src}: {e}"),
    }
}

/// Whether (folded) text says it applies to every direction («по обоим направлениям», «для
/// всех факторов риска»).
pub fn names_all_directions(folded: &str) -> bool {
    all_directions_re().is_match(folded)
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
    labels_first_anchors(&units, &mut anchors);

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

    let mut section_contexts = section_contexts;
    mark_opening_rows(&units, &tables, rules, &mut section_contexts);
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
        not_programme: None,
    };
    detect_title_and_type(&mut st, doc, rules);
    // Signs of a non-programme win over the title and over any element words.
    st.not_programme = find_not_programme(&st, rules);
    if st.not_programme.is_some() {
        st.doc_type = DocType::Other;
        st.generic_programme = false;
    }
    st.school = find_school(&st);
    st.region = find_region(&st);
    let (yf, yt) = find_years(&st, rules);
    st.year_from = yf;
    st.year_to = yt;
    st.sections = find_sections(&st, rules);
    if st.doc_type == DocType::Other
        && st.title_unit.is_none()
        && st.not_programme.is_none()
        && st.sections.len() >= 2
    {
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
