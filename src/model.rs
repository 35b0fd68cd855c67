//! The data that flows through the pipeline.
//!
//! `Document` is what extractors produce and the only thing later stages see: ordered blocks
//! with locations. `CheckReport` is what the checker produces and what reports, the summary,
//! the index and the web page consume. JSON keys are English and stable (see `SCHEMA_VERSION`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Version of the JSON produced from `Document` and `CheckReport`. Bump on breaking changes.
pub const SCHEMA_VERSION: u32 = 1;

// ---------------------------------------------------------------------------------------------
// Document
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Pdf,
    Docx,
    Odt,
    Rtf,
    Txt,
    /// Legacy binary Word (97–2003 in full; 6.0/95 as paragraphs).
    Doc,
}

impl Format {
    /// Guess from the file extension (case-insensitive). Content sniffing is the extractor's job.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "pdf" => Format::Pdf,
            "docx" | "docm" | "dotx" => Format::Docx,
            "odt" | "ott" => Format::Odt,
            "rtf" => Format::Rtf,
            "txt" | "text" | "csv" | "md" => Format::Txt,
            "doc" | "dot" => Format::Doc,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Rtf => "rtf",
            Format::Txt => "txt",
            Format::Doc => "doc",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// As stored in the file (ISO 8601 when the format has it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Detected text encoding for TXT/RTF (e.g. "windows-1251").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// True when some or all text came from OCR.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ocr: bool,
}

/// Where a block sits, so a verdict can cite it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// 1-based page number when known (PDF, explicit page breaks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// 0-based index of the top-level block in `Document::blocks`.
    pub block: u32,
    /// For text inside a table: the cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<CellRef>,
}

/// A cell address inside a table block: 0-based row and grid column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellRef {
    pub row: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Path as given by the user (or the name inside an archive: `archive.zip!/dir/file.docx`).
    pub source: String,
    pub format: Format,
    /// blake3 hex of the file bytes.
    pub hash: String,
    pub metadata: Metadata,
    /// Body content in reading order.
    pub blocks: Vec<Block>,
    /// Running headers and footers, kept apart from the body. When `loc.page` is known (PDF),
    /// `loc.block` is the index of the body block this one precedes in reading order
    /// (`blocks.len()` when it follows the last); `Document::reading_text` uses it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub furniture: Vec<Block>,
    /// Footnotes and endnotes, in order of reference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Block>,
    /// Non-fatal extraction problems, in Russian (e.g. a font without ToUnicode).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Heading {
        /// 1 = top level.
        level: u8,
        text: String,
        loc: Location,
    },
    Paragraph {
        text: String,
        loc: Location,
    },
    ListItem {
        /// 0 = top level.
        level: u8,
        /// The visible marker when known: "1.", "2.3", "а)", "•".
        #[serde(skip_serializing_if = "Option::is_none")]
        marker: Option<String>,
        text: String,
        loc: Location,
    },
    Table(Table),
    /// An explicit page break; `loc.page` is the page that starts after it when known.
    PageBreak {
        loc: Location,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub rows: Vec<Row>,
    pub loc: Location,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// True for header rows (repeated header / `w:tblHeader`, or detected).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub header: bool,
}

/// A table cell. Merged cells appear once, at their top-left grid position, with spans;
/// the grid positions they cover have no `Cell` of their own (as in HTML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// 0-based grid column of the cell's left edge.
    pub col: u32,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub col_span: u32,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub row_span: u32,
    /// Paragraphs, list items and nested tables inside the cell, in order.
    pub blocks: Vec<Block>,
}

fn one() -> u32 {
    1
}
fn is_one(v: &u32) -> bool {
    *v == 1
}

impl Block {
    pub fn loc(&self) -> &Location {
        match self {
            Block::Heading { loc, .. }
            | Block::Paragraph { loc, .. }
            | Block::ListItem { loc, .. }
            | Block::PageBreak { loc } => loc,
            Block::Table(t) => &t.loc,
        }
    }

    pub fn loc_mut(&mut self) -> &mut Location {
        match self {
            Block::Heading { loc, .. }
            | Block::Paragraph { loc, .. }
            | Block::ListItem { loc, .. }
            | Block::PageBreak { loc } => loc,
            Block::Table(t) => &mut t.loc,
        }
    }

    /// The block's own text; tables give their cells' text, rows on lines, cells tab-separated.
    pub fn text(&self) -> String {
        match self {
            Block::Heading { text, .. }
            | Block::Paragraph { text, .. }
            | Block::ListItem { text, .. } => text.clone(),
            Block::Table(t) => t.text(),
            Block::PageBreak { .. } => String::new(),
        }
    }
}

impl Block {
    /// Like `text()`, but a list item keeps its visible marker.
    pub fn reading_text(&self) -> String {
        match self {
            Block::ListItem {
                marker: Some(m),
                text,
                ..
            } if !m.is_empty() => format!("{m} {text}"),
            _ => self.text(),
        }
    }
}

impl Cell {
    /// Cell text: its blocks' text joined by newlines.
    pub fn text(&self) -> String {
        join_blocks(&self.blocks, "\n")
    }
}

impl Table {
    pub fn text(&self) -> String {
        self.rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.text().replace('\n', " "))
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Number of grid columns (max over rows of the rightmost covered column + 1).
    pub fn columns(&self) -> u32 {
        self.rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.col + c.col_span))
            .max()
            .unwrap_or(0)
    }
}

fn join_blocks(blocks: &[Block], sep: &str) -> String {
    blocks
        .iter()
        .map(Block::text)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

impl Document {
    /// Plain text of the body: one block per paragraph, blank line between blocks.
    pub fn text(&self) -> String {
        join_blocks(&self.blocks, "\n\n")
    }

    /// Body, notes and furniture text — everything a reference tool (pdftotext, pandoc) prints.
    pub fn full_text(&self) -> String {
        let mut parts = vec![self.text()];
        if !self.notes.is_empty() {
            parts.push(join_blocks(&self.notes, "\n\n"));
        }
        if !self.furniture.is_empty() {
            parts.push(join_blocks(&self.furniture, "\n\n"));
        }
        parts.retain(|p| !p.is_empty());
        parts.join("\n\n")
    }

    /// Everything a reference tool (pdftotext) prints, in reading order: furniture with a known
    /// page sits where it was read (before the body block its `loc.block` names), other
    /// furniture and notes follow the body; list items keep their visible marker. For fidelity
    /// measurements; the checker uses `text()`.
    pub fn reading_text(&self) -> String {
        let (placed, rest): (Vec<&Block>, Vec<&Block>) =
            self.furniture.iter().partition(|b| b.loc().page.is_some());
        let mut parts: Vec<String> = Vec::new();
        let mut furniture = placed.into_iter().peekable();
        for (i, b) in self.blocks.iter().enumerate() {
            while let Some(f) = furniture.next_if(|f| f.loc().block as usize <= i) {
                parts.push(f.reading_text());
            }
            parts.push(b.reading_text());
        }
        parts.extend(furniture.map(Block::reading_text));
        parts.extend(self.notes.iter().map(Block::reading_text));
        parts.extend(rest.into_iter().map(Block::reading_text));
        parts.retain(|p| !p.is_empty());
        parts.join("\n\n")
    }

    /// Renumber `loc.block` of top-level blocks (and of everything inside tables) so that it
    /// equals the block's index. Extractors call this once at the end.
    pub fn renumber(&mut self) {
        for (i, b) in self.blocks.iter_mut().enumerate() {
            set_block_index(b, i as u32);
        }
    }
}

fn set_block_index(b: &mut Block, i: u32) {
    b.loc_mut().block = i;
    if let Block::Table(t) = b {
        for row in &mut t.rows {
            for cell in &mut row.cells {
                for inner in &mut cell.blocks {
                    set_block_index(inner, i);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Domain: document types, risk factors, cycle elements
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    Concept,
    DevelopmentProgramme,
    MediumTermProgramme,
    AntiriskProgramme,
    Roadmap,
    Other,
}

impl DocType {
    pub const ALL: [DocType; 6] = [
        DocType::Concept,
        DocType::DevelopmentProgramme,
        DocType::MediumTermProgramme,
        DocType::AntiriskProgramme,
        DocType::Roadmap,
        DocType::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            DocType::Concept => "concept",
            DocType::DevelopmentProgramme => "development_programme",
            DocType::MediumTermProgramme => "medium_term_programme",
            DocType::AntiriskProgramme => "antirisk_programme",
            DocType::Roadmap => "roadmap",
            DocType::Other => "other",
        }
    }

    pub fn from_id(id: &str) -> Option<DocType> {
        DocType::ALL.into_iter().find(|d| d.id() == id)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            DocType::Concept => "Концепция развития",
            DocType::DevelopmentProgramme => "Программа развития",
            DocType::MediumTermProgramme => "Среднесрочная программа",
            DocType::AntiriskProgramme => "Антирисковая программа",
            DocType::Roadmap => "Дорожная карта",
            DocType::Other => "Иной документ",
        }
    }
}

impl fmt::Display for DocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskFactor {
    LowEquipment,
    TeacherShortage,
    LowTeacherCompetence,
    HighShareSen,
    LanguageBarriers,
    LowMotivation,
    LowWellbeing,
    LowDiscipline,
    AcademicFailureRisk,
    LowParentInvolvement,
}

impl RiskFactor {
    pub const ALL: [RiskFactor; 10] = [
        RiskFactor::LowEquipment,
        RiskFactor::TeacherShortage,
        RiskFactor::LowTeacherCompetence,
        RiskFactor::HighShareSen,
        RiskFactor::LanguageBarriers,
        RiskFactor::LowMotivation,
        RiskFactor::LowWellbeing,
        RiskFactor::LowDiscipline,
        RiskFactor::AcademicFailureRisk,
        RiskFactor::LowParentInvolvement,
    ];

    pub fn id(self) -> &'static str {
        match self {
            RiskFactor::LowEquipment => "low_equipment",
            RiskFactor::TeacherShortage => "teacher_shortage",
            RiskFactor::LowTeacherCompetence => "low_teacher_competence",
            RiskFactor::HighShareSen => "high_share_sen",
            RiskFactor::LanguageBarriers => "language_barriers",
            RiskFactor::LowMotivation => "low_motivation",
            RiskFactor::LowWellbeing => "low_wellbeing",
            RiskFactor::LowDiscipline => "low_discipline",
            RiskFactor::AcademicFailureRisk => "academic_failure_risk",
            RiskFactor::LowParentInvolvement => "low_parent_involvement",
        }
    }

    pub fn from_id(id: &str) -> Option<RiskFactor> {
        RiskFactor::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The official wording.
    pub fn label_ru(self) -> &'static str {
        match self {
            RiskFactor::LowEquipment => "Низкий уровень оснащения школы",
            RiskFactor::TeacherShortage => "Дефицит педагогических кадров",
            RiskFactor::LowTeacherCompetence => {
                "Недостаточная предметная и методическая компетентность педагогических работников"
            }
            RiskFactor::HighShareSen => "Высокая доля обучающихся с ОВЗ",
            RiskFactor::LanguageBarriers => {
                "Низкое качество преодоления языковых и культурных барьеров"
            }
            RiskFactor::LowMotivation => "Низкая учебная мотивация обучающихся",
            RiskFactor::LowWellbeing => "Пониженный уровень школьного благополучия",
            RiskFactor::LowDiscipline => "Низкий уровень дисциплины в классе",
            RiskFactor::AcademicFailureRisk => {
                "Высокая доля обучающихся с рисками учебной неуспешности"
            }
            RiskFactor::LowParentInvolvement => "Низкий уровень вовлеченности родителей",
        }
    }
}

impl fmt::Display for RiskFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The five steps of the management cycle, in cycle order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    Goal,
    Measures,
    Indicators,
    Monitoring,
    Analysis,
}

impl Element {
    pub const ALL: [Element; 5] = [
        Element::Goal,
        Element::Measures,
        Element::Indicators,
        Element::Monitoring,
        Element::Analysis,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Element::Goal => "goal",
            Element::Measures => "measures",
            Element::Indicators => "indicators",
            Element::Monitoring => "monitoring",
            Element::Analysis => "analysis",
        }
    }

    pub fn from_id(id: &str) -> Option<Element> {
        Element::ALL.into_iter().find(|e| e.id() == id)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            Element::Goal => "Цель",
            Element::Measures => "Меры (мероприятия)",
            Element::Indicators => "Показатели",
            Element::Monitoring => "Мониторинг",
            Element::Analysis => "Анализ и корректировка",
        }
    }
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

// ---------------------------------------------------------------------------------------------
// Check report
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Clearly there, about the programme's own implementation.
    Present,
    /// Something there, but not enough (e.g. indicators without numbers). Counts as absent for
    /// `cycle_complete`.
    Weak,
    Absent,
}

impl Presence {
    pub fn is_present(self) -> bool {
        self == Presence::Present
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            Presence::Present => "есть",
            Presence::Weak => "слабо",
            Presence::Absent => "нет",
        }
    }
}

/// A quote from the document that supports a verdict, with where it is and which rule fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Exact substring of the block text (after extraction normalisation).
    pub quote: String,
    pub location: Location,
    /// Title of the section the quote is in, when the document has sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Header of the table column the quote is in, when in a table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Rule id from `rules/`, e.g. "monitoring.terms".
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementVerdict {
    pub element: Element,
    pub presence: Presence,
    /// 0.0..=1.0
    pub confidence: f32,
    pub evidence: Vec<Evidence>,
    /// Russian recommendation when the element is weak or absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
}

/// Verdicts for one risk-factor section of a medium-term programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionReport {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_factor: Option<RiskFactor>,
    pub location: Location,
    pub elements: Vec<ElementVerdict>,
    pub cycle_complete: bool,
}

/// A quality remark that does not change the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// Stable code, e.g. "goal_not_measurable", "indicator_without_target",
    /// "roadmap_row_without_date", "roadmap_row_without_responsible", "measure_without_risk".
    pub code: String,
    /// Russian text for the expert.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// One row of a roadmap table, as found in the document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoadmapRow {
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dates: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    pub location: Location,
}

/// The checker's full verdict on one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    pub schema_version: u32,
    pub source: String,
    pub format: Format,
    pub hash: String,
    /// Version string of the rules used (changes when any rule file changes).
    pub rules_version: String,
    pub doc_type: DocType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_from: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_to: Option<u16>,
    pub risk_factors: Vec<RiskFactor>,
    /// Document-level verdicts, one per element in `Element::ALL` order.
    pub elements: Vec<ElementVerdict>,
    /// Per risk-factor section (medium-term programmes); empty otherwise.
    pub sections: Vec<SectionReport>,
    pub cycle_complete: bool,
    pub warnings: Vec<Warning>,
    pub roadmap_rows: Vec<RoadmapRow>,
    /// Number of pages (PDF) or blocks, for statistics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
}

impl CheckReport {
    pub fn element(&self, e: Element) -> Option<&ElementVerdict> {
        self.elements.iter().find(|v| v.element == e)
    }

    /// Elements that are not `Present` at document level, in cycle order.
    pub fn missing(&self) -> Vec<Element> {
        Element::ALL
            .into_iter()
            .filter(|e| !self.element(*e).is_some_and(|v| v.presence.is_present()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str) -> Block {
        Block::Paragraph {
            text: text.into(),
            loc: Location::default(),
        }
    }

    #[test]
    fn ids_round_trip() {
        for r in RiskFactor::ALL {
            assert_eq!(RiskFactor::from_id(r.id()), Some(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.id()));
        }
        for d in DocType::ALL {
            assert_eq!(DocType::from_id(d.id()), Some(d));
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                format!("\"{}\"", d.id())
            );
        }
        for e in Element::ALL {
            assert_eq!(Element::from_id(e.id()), Some(e));
        }
    }

    #[test]
    fn reading_text_places_furniture_by_anchor_and_keeps_markers() {
        let at = |text: &str, page: Option<u32>, block: u32| Block::Paragraph {
            text: text.into(),
            loc: Location {
                page,
                block,
                cell: None,
            },
        };
        let doc = Document {
            source: "x".into(),
            format: Format::Pdf,
            hash: String::new(),
            metadata: Metadata::default(),
            blocks: vec![
                para("Цель"),
                Block::ListItem {
                    level: 0,
                    marker: Some("1.".into()),
                    text: "Мероприятие".into(),
                    loc: Location::default(),
                },
            ],
            furniture: vec![
                at("Шапка", Some(1), 0),
                at("Стр. 1", Some(1), 1),
                at("Стр. 2", Some(2), 2),
                at("Колонтитул DOCX", None, 0),
            ],
            notes: vec![para("Сноска")],
            warnings: vec![],
        };
        assert_eq!(
            doc.reading_text(),
            "Шапка\n\nЦель\n\nСтр. 1\n\n1. Мероприятие\n\nСтр. 2\n\nСноска\n\nКолонтитул DOCX"
        );
        // The checker's body text is unchanged: no furniture, no marker.
        assert_eq!(doc.text(), "Цель\n\nМероприятие");
    }

    #[test]
    fn table_text_and_renumber() {
        let table = Table {
            rows: vec![Row {
                cells: vec![
                    Cell {
                        col: 0,
                        col_span: 2,
                        row_span: 1,
                        blocks: vec![para("Мероприятие"), para("второй абзац")],
                    },
                    Cell {
                        col: 2,
                        col_span: 1,
                        row_span: 1,
                        blocks: vec![para("Сроки")],
                    },
                ],
                header: true,
            }],
            loc: Location::default(),
        };
        assert_eq!(table.columns(), 3);
        let mut doc = Document {
            source: "x".into(),
            format: Format::Docx,
            hash: String::new(),
            metadata: Metadata::default(),
            blocks: vec![para("Цель"), Block::Table(table)],
            furniture: vec![],
            notes: vec![],
            warnings: vec![],
        };
        doc.renumber();
        assert_eq!(doc.blocks[1].loc().block, 1);
        if let Block::Table(t) = &doc.blocks[1] {
            assert_eq!(t.rows[0].cells[0].blocks[0].loc().block, 1);
        }
        assert_eq!(doc.text(), "Цель\n\nМероприятие второй абзац\tСроки");
    }
}
