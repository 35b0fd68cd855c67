//! Report sinks: one expert-review report per document (HTML, Markdown, JSON, DOCX) and the
//! batch summary (CSV, JSONL, index.html). Every writer is a pure function of its input, so the
//! same `CheckReport` always gives the same bytes (no timestamps, no thread-dependent data).

pub mod docx;
pub mod html;
pub mod json;
pub mod markdown;
pub mod summary;

use std::fmt;
use std::str::FromStr;

use crate::model::{CheckReport, Element, ElementVerdict, Evidence, Location, Presence};

/// Per-document report formats, in the order they are written.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Html,
    Docx,
    Md,
    Json,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 4] = [
        ReportFormat::Html,
        ReportFormat::Docx,
        ReportFormat::Md,
        ReportFormat::Json,
    ];

    /// File extension of the report (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Docx => "docx",
            ReportFormat::Md => "md",
            ReportFormat::Json => "json",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for ReportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "html" | "htm" => Ok(ReportFormat::Html),
            "docx" => Ok(ReportFormat::Docx),
            "md" | "markdown" => Ok(ReportFormat::Md),
            "json" => Ok(ReportFormat::Json),
            other => Err(format!(
                "неизвестный формат отчёта «{other}»; допустимы: html, docx, md, json"
            )),
        }
    }
}

/// Render one report in the given format.
pub fn render(report: &CheckReport, format: ReportFormat) -> crate::Result<Vec<u8>> {
    match format {
        ReportFormat::Html => Ok(html::render(report).into_bytes()),
        ReportFormat::Md => Ok(markdown::render(report).into_bytes()),
        ReportFormat::Json => json::render(report),
        ReportFormat::Docx => docx::render(report),
    }
}

/// Drop characters that are invalid in XML 1.0 and meaningless in a report (C0 controls other
/// than tab and newline, DEL, C1 controls, non-characters), which extracted text may carry.
pub fn clean_text(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n') || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
        })
        .collect()
}

/// Where a quote is, in Russian: «стр. 3, абзац 12» or «таблица (абзац 7), строка 2, столбец 4».
pub fn location_ru(loc: &Location) -> String {
    let mut parts = Vec::new();
    if let Some(page) = loc.page {
        parts.push(format!("стр. {page}"));
    }
    match loc.cell {
        Some(cell) => parts.push(format!(
            "таблица (блок {}), строка {}, столбец {}",
            u64::from(loc.block) + 1,
            u64::from(cell.row) + 1,
            u64::from(cell.col) + 1
        )),
        None => parts.push(format!("абзац {}", u64::from(loc.block) + 1)),
    }
    parts.join(", ")
}

/// Location of a piece of evidence with its section and table column when known.
pub fn evidence_location_ru(ev: &Evidence) -> String {
    let mut s = location_ru(&ev.location);
    if let Some(col) = ev.column.as_deref().filter(|c| !c.trim().is_empty()) {
        s.push_str(&format!(" («{}»)", one_line(col)));
    }
    if let Some(section) = ev.section.as_deref().filter(|c| !c.trim().is_empty()) {
        s.push_str(&format!("; раздел «{}»", one_line(section)));
    }
    s
}

/// Collapse whitespace (including newlines) to single spaces and drop control characters.
pub fn one_line(s: &str) -> String {
    clean_text(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Short label for the cycle diagram.
pub fn element_short_ru(e: Element) -> &'static str {
    match e {
        Element::Goal => "Цель",
        Element::Measures => "Меры",
        Element::Indicators => "Показатели",
        Element::Monitoring => "Мониторинг",
        Element::Analysis => "Анализ",
    }
}

/// The cycle as one line, each element with its verdict, closing back on the goal:
/// «Цель (есть) → Меры (слабо) → … → Цель».
pub fn cycle_chain_ru(verdicts: &[ElementVerdict]) -> String {
    let chain: Vec<String> = Element::ALL
        .into_iter()
        .map(|e| {
            format!(
                "{} ({})",
                element_short_ru(e),
                presence_of(verdicts, e).label_ru()
            )
        })
        .collect();
    format!(
        "{} → {}",
        chain.join(" → "),
        element_short_ru(Element::Goal)
    )
}

/// Verdict of an element with a fallback when the checker left it out.
pub fn presence_of(verdicts: &[ElementVerdict], e: Element) -> Presence {
    verdicts
        .iter()
        .find(|v| v.element == e)
        .map(|v| v.presence)
        .unwrap_or(Presence::Absent)
}

/// The recommendation to show for a weak or absent element: the checker's (from the rules) or,
/// when the rules gave none, a general one so the expert never sees a gap without advice.
pub fn recommendation_ru(v: &ElementVerdict) -> Option<String> {
    if v.presence.is_present() {
        return v.recommendation.clone();
    }
    Some(
        v.recommendation
            .clone()
            .filter(|r| !r.trim().is_empty())
            .unwrap_or_else(|| default_recommendation_ru(v.element).to_string()),
    )
}

fn default_recommendation_ru(e: Element) -> &'static str {
    match e {
        Element::Goal => {
            "Сформулируйте цель программы конкретно и измеримо: что должно измениться, в каком объёме и к какому сроку."
        }
        Element::Measures => {
            "Опишите мероприятия, которые ведут к цели, с указанием сроков и ответственных."
        }
        Element::Indicators => {
            "Укажите измеримые показатели успешности с исходными и целевыми значениями."
        }
        Element::Monitoring => {
            "Опишите, как будет отслеживаться ход реализации программы: что измеряется, с какой периодичностью и кто отвечает."
        }
        Element::Analysis => {
            "Предусмотрите анализ результатов реализации и порядок корректировки программы и принятия управленческих решений по его итогам."
        }
    }
}

/// «Полный» / «Неполный (нет: …)» for a cycle.
pub fn cycle_verdict_ru(complete: bool, verdicts: &[ElementVerdict]) -> String {
    if complete {
        return "полный".to_string();
    }
    let missing: Vec<String> = Element::ALL
        .into_iter()
        .filter(|e| !presence_of(verdicts, *e).is_present())
        .map(|e| element_short_ru(e).to_lowercase())
        .collect();
    if missing.is_empty() {
        "неполный".to_string()
    } else {
        format!("неполный (нет: {})", missing.join(", "))
    }
}

/// «2022–2026», «с 2022», «по 2026» or an empty string.
pub fn years_ru(from: Option<u16>, to: Option<u16>) -> String {
    match (from, to) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) => format!("с {a}"),
        (None, Some(b)) => format!("по {b}"),
        (None, None) => String::new(),
    }
}

/// The file name part of a source path (`a/b.docx`, `x.zip!/dir/c.pdf` → `b.docx`, `c.pdf`).
pub fn file_name(source: &str) -> &str {
    source
        .rsplit(['/', '\\'])
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(source)
}

/// Maximum number of roadmap rows listed in a report; the rest are only counted.
pub const ROADMAP_ROWS_SHOWN: usize = 50;

/// Counts for the roadmap summary: (rows, without dates, without responsible person).
pub fn roadmap_counts(report: &CheckReport) -> (usize, usize, usize) {
    let rows = &report.roadmap_rows;
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    (
        rows.len(),
        rows.iter().filter(|r| blank(&r.dates)).count(),
        rows.iter().filter(|r| blank(&r.responsible)).count(),
    )
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CellRef;

    #[test]
    fn locations_read_in_russian() {
        let loc = Location {
            page: Some(3),
            block: 6,
            cell: Some(CellRef { row: 1, col: 3 }),
        };
        assert_eq!(
            location_ru(&loc),
            "стр. 3, таблица (блок 7), строка 2, столбец 4"
        );
        let loc = Location {
            page: None,
            block: 0,
            cell: None,
        };
        assert_eq!(location_ru(&loc), "абзац 1");
    }

    #[test]
    fn clean_text_drops_controls_keeps_text() {
        assert_eq!(clean_text("а\u{0}б\u{b}в\tг\nд\u{85}е"), "абв\tг\nде");
    }

    #[test]
    fn formats_parse() {
        assert_eq!("HTML".parse::<ReportFormat>(), Ok(ReportFormat::Html));
        assert_eq!("markdown".parse::<ReportFormat>(), Ok(ReportFormat::Md));
        assert!("pdf".parse::<ReportFormat>().is_err());
    }

    #[test]
    fn file_names_and_years() {
        assert_eq!(file_name("x.zip!/dir/c.pdf"), "c.pdf");
        assert_eq!(file_name("b.docx"), "b.docx");
        assert_eq!(years_ru(Some(2022), Some(2026)), "2022–2026");
        assert_eq!(years_ru(None, None), "");
    }

    #[test]
    fn absent_element_always_gets_a_recommendation() {
        let v = ElementVerdict {
            element: Element::Monitoring,
            presence: Presence::Absent,
            confidence: 0.9,
            evidence: vec![],
            recommendation: None,
        };
        assert!(recommendation_ru(&v).is_some_and(|r| r.contains("периодичностью")));
        let v = ElementVerdict {
            presence: Presence::Present,
            ..v
        };
        assert_eq!(recommendation_ru(&v), None);
    }
}
