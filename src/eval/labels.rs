//! Labels: the ground-truth file, validated against the documents it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{Block, DocType, Document, Element, RiskFactor};

/// A labels file: `{"documents": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    pub documents: Vec<LabelledDoc>,
}

/// Ground truth for one document. Unknown risk ids, element keys or doc types fail to parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledDoc {
    /// Relative to the `--docs` folder.
    pub file: String,
    pub doc_type: DocType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_from: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_to: Option<u16>,
    #[serde(default)]
    pub risk_factors: Vec<RiskFactor>,
    pub elements: BTreeMap<Element, bool>,
    pub cycle_complete: bool,
    /// Only for medium-term programmes: one entry per risk-factor section.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<LabelledSection>,
    /// Exact short quote per present element; `null` for absent ones.
    #[serde(default)]
    pub evidence: BTreeMap<Element, Option<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledSection {
    pub title: String,
    pub risk_factor: RiskFactor,
    pub elements: BTreeMap<Element, bool>,
    pub cycle_complete: bool,
}

impl LabelledDoc {
    /// Expected presence of an element (a missing key reads as absent; `validate` reports it).
    pub fn expects(&self, e: Element) -> bool {
        self.elements.get(&e).copied().unwrap_or(false)
    }
}

impl Labels {
    /// Read and parse a labels file. Parse errors name the line and column.
    pub fn load(path: &Path) -> Result<Labels, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: не удалось прочитать: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Internal consistency problems (files are not opened): missing element keys,
    /// `cycle_complete` not matching the elements (for a medium-term programme with sections:
    /// not matching its sections, and elements contradicting them — the design takes their
    /// union; for an `other` document: ever true), sections on a document that is not a medium-term programme, section risk
    /// factors not among the document's, duplicates, evidence for absent elements or missing for
    /// present ones. Messages are in Russian.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for d in &self.documents {
            let f = &d.file;
            if !seen.insert(f.as_str()) {
                problems.push(format!("{f}: документ размечен дважды"));
            }
            problems.extend(missing_keys(f, "", &d.elements));
            if d.doc_type == DocType::Other {
                // Not a programme: whatever it states, its cycle is never complete.
                if d.cycle_complete {
                    problems.push(format!(
                        "{f}: cycle_complete = true у документа other (не программа: цикл не бывает полным)"
                    ));
                }
            } else if d.sections.is_empty() {
                problems.extend(check_elements(f, "", &d.elements, d.cycle_complete));
            }
            if !d.sections.is_empty() && d.doc_type != DocType::MediumTermProgramme {
                problems.push(format!(
                    "{f}: разделы (sections) допустимы только для medium_term_programme"
                ));
            }
            let mut section_risks = BTreeSet::new();
            for s in &d.sections {
                let ctx = format!(" (раздел «{}»)", s.title);
                problems.extend(missing_keys(f, &ctx, &s.elements));
                problems.extend(check_elements(f, &ctx, &s.elements, s.cycle_complete));
                if !d.risk_factors.contains(&s.risk_factor) {
                    problems.push(format!(
                        "{f}{ctx}: фактор риска {} не указан в risk_factors документа",
                        s.risk_factor
                    ));
                }
                if !section_risks.insert(s.risk_factor) {
                    problems.push(format!(
                        "{f}{ctx}: фактор риска {} повторяется",
                        s.risk_factor
                    ));
                }
            }
            if !d.sections.is_empty() {
                // Only the sections decide the cycle; the document's elements are their union.
                let all_sections = d.sections.iter().all(|s| s.cycle_complete);
                if all_sections != d.cycle_complete {
                    problems.push(format!(
                        "{f}: cycle_complete документа не совпадает с разделами (полный цикл только когда он полный во всех разделах)"
                    ));
                }
                // DESIGN.md: the document's elements are the union of the sections'. Older sets
                // took the intersection; both are consistent, a contradiction of both is not.
                for e in Element::ALL {
                    let has = |s: &LabelledSection| s.elements.get(&e).copied().unwrap_or(false);
                    let union = d.sections.iter().any(has);
                    let intersection = d.sections.iter().all(has);
                    if !d.elements.contains_key(&e) {
                        continue;
                    }
                    if d.expects(e) && !union {
                        problems.push(format!(
                            "{f}: элемент {e} отмечен в документе, но нет ни в одном разделе (элементы документа — объединение разделов)"
                        ));
                    } else if !d.expects(e) && intersection {
                        problems.push(format!(
                            "{f}: элемент {e} не отмечен в документе, но есть во всех разделах"
                        ));
                    }
                }
            }
            for e in Element::ALL {
                let quote = d.evidence.get(&e).and_then(|q| q.as_deref());
                match (d.expects(e), quote) {
                    (true, None) => problems.push(format!("{f}: нет цитаты для элемента {e}")),
                    (false, Some(_)) => {
                        problems.push(format!("{f}: цитата для отсутствующего элемента {e}"))
                    }
                    (_, Some(q)) if q.trim().is_empty() => {
                        problems.push(format!("{f}: пустая цитата для элемента {e}"))
                    }
                    _ => {}
                }
            }
        }
        problems
    }
}

fn missing_keys(file: &str, ctx: &str, elements: &BTreeMap<Element, bool>) -> Vec<String> {
    Element::ALL
        .iter()
        .filter(|e| !elements.contains_key(e))
        .map(|e| format!("{file}{ctx}: нет отметки для элемента {e}"))
        .collect()
}

/// `cycle_complete` must say whether all five elements are present.
pub(super) fn check_elements(
    file: &str,
    ctx: &str,
    elements: &BTreeMap<Element, bool>,
    cycle_complete: bool,
) -> Vec<String> {
    let all = Element::ALL
        .iter()
        .all(|e| elements.get(e).copied().unwrap_or(false));
    if all != cycle_complete {
        vec![format!(
            "{file}{ctx}: cycle_complete = {cycle_complete}, но элементы говорят {all}"
        )]
    } else {
        Vec::new()
    }
}

/// Every leaf text of a document (headings, paragraphs, list items, paragraphs inside table
/// cells, notes), one string per paragraph, in reading order.
pub fn paragraph_texts(doc: &Document) -> Vec<String> {
    fn walk(blocks: &[Block], out: &mut Vec<String>) {
        for b in blocks {
            match b {
                Block::Table(t) => {
                    for row in &t.rows {
                        for cell in &row.cells {
                            walk(&cell.blocks, out);
                        }
                    }
                }
                Block::PageBreak { .. } => {}
                other => out.push(other.text()),
            }
        }
    }
    let mut out = Vec::new();
    walk(&doc.blocks, &mut out);
    walk(&doc.notes, &mut out);
    out
}

/// True when `quote` is in the text of `paragraphs` as a reader sees it: every run of
/// whitespace, paragraph and line breaks included, read as one space, so a quote may cross a
/// line of a PDF or the break between two paragraphs.
pub fn quote_in(paragraphs: &[String], quote: &str) -> bool {
    let quote = collapse(quote);
    if quote.is_empty() {
        return false;
    }
    let text = collapse(&paragraphs.join(" "));
    text.contains(&quote)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
