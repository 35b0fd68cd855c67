//! Accuracy of the checker against labelled documents (`shnor eval`, issue #5).
//!
//! A labels file (DESIGN.md format) says, per document, what an expert sees: doc type, risk
//! factors, the five cycle elements, per-section verdicts of medium-term programmes. This module
//! loads and validates such files, runs extraction + check on every labelled document, and
//! compares: per-element precision/recall/F1, cycle and doc-type accuracy, risk-factor micro-F1,
//! section-level accuracy, and every disagreement with the evidence the checker used.
//! The arithmetic (`score`) is separate from running the pipeline (`evaluate`) so it can be
//! tested on hand-made reports. Search quality (`search_metrics`) takes a ranked-results
//! callback, so it does not depend on how the index is built.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::{Error, FileError};
use crate::extract::{self, Options};
use crate::model::{Block, CheckReport, DocType, Document, Element, RiskFactor};
use crate::rules::Rules;

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

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
    /// `cycle_complete` not matching the elements, sections on a document that is not a
    /// medium-term programme, section risk factors not among the document's, duplicates,
    /// evidence for absent elements or missing for present ones. Messages are in Russian.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for d in &self.documents {
            let f = &d.file;
            if !seen.insert(f.as_str()) {
                problems.push(format!("{f}: документ размечен дважды"));
            }
            problems.extend(check_elements(f, "", &d.elements, d.cycle_complete));
            if !d.sections.is_empty() && d.doc_type != DocType::MediumTermProgramme {
                problems.push(format!(
                    "{f}: разделы (sections) допустимы только для medium_term_programme"
                ));
            }
            let mut section_risks = BTreeSet::new();
            for s in &d.sections {
                let ctx = format!(" (раздел «{}»)", s.title);
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
                let all_sections = d.sections.iter().all(|s| s.cycle_complete);
                if all_sections != d.cycle_complete {
                    problems.push(format!(
                        "{f}: cycle_complete документа не совпадает с разделами (полный цикл только когда он полный во всех разделах)"
                    ));
                }
            }
            for e in Element::ALL {
                let quote = d.evidence.get(&e).and_then(|q| q.as_deref());
                match (d.expects(e), quote) {
                    (true, None) => problems.push(format!("{f}: нет цитаты для элемента {e}")),
                    (false, Some(_)) => {
                        problems.push(format!("{f}: цитата для отсутствующего элемента {e}"))
                    }
                    (_, Some(q)) if q.contains('\n') => {
                        problems.push(format!("{f}: цитата для {e} занимает несколько абзацев"))
                    }
                    _ => {}
                }
            }
        }
        problems
    }
}

fn check_elements(
    file: &str,
    ctx: &str,
    elements: &BTreeMap<Element, bool>,
    cycle_complete: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    for e in Element::ALL {
        if !elements.contains_key(&e) {
            problems.push(format!("{file}{ctx}: нет отметки для элемента {e}"));
        }
    }
    let all = Element::ALL
        .iter()
        .all(|e| elements.get(e).copied().unwrap_or(false));
    if all != cycle_complete {
        problems.push(format!(
            "{file}{ctx}: cycle_complete = {cycle_complete}, но элементы говорят {all}"
        ));
    }
    problems
}

/// Every leaf text of a document (headings, paragraphs, list items, paragraphs inside table
/// cells, notes), one string per paragraph: an evidence quote must lie inside one of them.
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

/// True when `quote` lies inside one paragraph of `paragraphs`.
pub fn quote_in(paragraphs: &[String], quote: &str) -> bool {
    paragraphs.iter().any(|p| p.contains(quote))
}

// ---------------------------------------------------------------------------------------------
// Scores
// ---------------------------------------------------------------------------------------------

/// Confusion counts for a binary decision (positive = present).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub tp: u32,
    pub fp: u32,
    #[serde(rename = "fn")]
    pub fn_: u32,
    pub tn: u32,
}

impl Counts {
    fn add(&mut self, expected: bool, got: bool) {
        match (expected, got) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    /// Share of predicted positives that are right; 1.0 when nothing was predicted positive.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// Share of real positives found; 1.0 when there were none.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// 2TP / (2TP + FP + FN); 1.0 when there is nothing to find and nothing was claimed.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

fn ratio(num: u32, den: u32) -> f64 {
    if den == 0 {
        1.0
    } else {
        f64::from(num) / f64::from(den)
    }
}

/// `correct / total` with the counts kept for printing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    pub correct: u32,
    pub total: u32,
    pub value: f64,
}

impl Accuracy {
    fn new(correct: u32, total: u32) -> Self {
        Accuracy {
            correct,
            total,
            value: ratio(correct, total),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementScore {
    pub element: Element,
    #[serde(flatten)]
    pub counts: Counts,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MicroF1 {
    #[serde(flatten)]
    pub counts: Counts,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionScores {
    /// Labelled sections in medium-term programmes.
    pub labelled: u32,
    /// Of those, sections the checker reported for the same risk factor.
    pub matched: u32,
    /// Sections whose `cycle_complete` matches (an unmatched section counts as wrong).
    pub cycle: Accuracy,
    /// Section element verdicts that match (an unmatched section counts as five wrong).
    pub elements: Accuracy,
}

/// One place where the checker and the labels differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    pub file: String,
    /// `goal`…`analysis`, `cycle_complete`, `doc_type`, `risk_factor`, `section`, or
    /// `section:<risk_id>:<element>` / `section:<risk_id>:cycle_complete`.
    pub field: String,
    pub expected: String,
    pub got: String,
    /// The checker's first evidence quote for this verdict, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The rule that produced that evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The labelled quote, so a missed element shows what should have been found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_evidence: Option<String>,
}

/// The outcome of running the pipeline on one labelled document.
pub type Outcome = Result<CheckReport, FileError>;

/// Everything `shnor eval` reports. JSON keys are stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub documents: u32,
    /// Documents that could not be extracted or checked; they count as wrong everywhere.
    pub failures: Vec<FileError>,
    pub elements: Vec<ElementScore>,
    pub cycle: Accuracy,
    pub doc_type: Accuracy,
    pub risk_factors: MicroF1,
    pub sections: SectionScores,
    pub disagreements: Vec<Disagreement>,
    /// Per labelled trap: how many documents with it got every element and the cycle right.
    pub traps: Vec<TrapScore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchScores>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrapScore {
    pub trap: String,
    pub documents: u32,
    /// Documents where all five element verdicts and the cycle verdict match the labels.
    pub correct: u32,
}

impl EvalReport {
    pub fn element(&self, e: Element) -> Option<&ElementScore> {
        self.elements.iter().find(|s| s.element == e)
    }
}

/// Compare outcomes (in the same order as `labels.documents`) with the labels.
///
/// A failed document counts as wrong on every measure: each labelled-present element is a
/// false negative and each labelled-absent one a false positive, its cycle and doc type are
/// wrong, its risk factors are missed and its sections unmatched.
pub fn score(labels: &Labels, outcomes: &[Outcome]) -> EvalReport {
    let mut element_counts: BTreeMap<Element, Counts> = Element::ALL
        .iter()
        .map(|e| (*e, Counts::default()))
        .collect();
    let mut cycle_ok = 0;
    let mut type_ok = 0;
    let mut risk = Counts::default();
    let mut sec_labelled = 0;
    let mut sec_matched = 0;
    let mut sec_cycle_ok = 0;
    let mut sec_el_ok = 0;
    let mut failures = Vec::new();
    let mut dis = Vec::new();

    for (label, outcome) in labels.documents.iter().zip(outcomes) {
        let file = &label.file;
        let report = match outcome {
            Ok(r) => r,
            Err(e) => {
                failures.push(e.clone());
                for (el, c) in element_counts.iter_mut() {
                    let expected = label.expects(*el);
                    c.add(expected, !expected);
                }
                risk.fn_ += label.risk_factors.len() as u32;
                sec_labelled += label.sections.len() as u32;
                continue;
            }
        };

        for el in Element::ALL {
            let expected = label.expects(el);
            let verdict = report.element(el);
            let got = verdict.is_some_and(|v| v.presence.is_present());
            if let Some(c) = element_counts.get_mut(&el) {
                c.add(expected, got);
            }
            if expected != got {
                let first = verdict.and_then(|v| v.evidence.first());
                dis.push(Disagreement {
                    file: file.clone(),
                    field: el.id().to_string(),
                    expected: presence_word(expected).into(),
                    got: verdict
                        .map(|v| v.presence.label_ru())
                        .unwrap_or("нет вердикта")
                        .into(),
                    evidence: first.map(|e| e.quote.clone()),
                    rule: first.map(|e| e.rule.clone()),
                    expected_evidence: label.evidence.get(&el).cloned().flatten(),
                });
            }
        }

        if report.cycle_complete == label.cycle_complete {
            cycle_ok += 1;
        } else {
            dis.push(simple(
                file,
                "cycle_complete",
                label.cycle_complete,
                report.cycle_complete,
            ));
        }

        if report.doc_type == label.doc_type {
            type_ok += 1;
        } else {
            dis.push(Disagreement {
                file: file.clone(),
                field: "doc_type".into(),
                expected: label.doc_type.id().into(),
                got: report.doc_type.id().into(),
                evidence: None,
                rule: None,
                expected_evidence: None,
            });
        }

        let expected_risks: BTreeSet<RiskFactor> = label.risk_factors.iter().copied().collect();
        let got_risks: BTreeSet<RiskFactor> = report.risk_factors.iter().copied().collect();
        for r in expected_risks.union(&got_risks) {
            let (e, g) = (expected_risks.contains(r), got_risks.contains(r));
            risk.add(e, g);
            if e != g {
                dis.push(Disagreement {
                    file: file.clone(),
                    field: "risk_factor".into(),
                    expected: if e { r.id().into() } else { "—".into() },
                    got: if g { r.id().into() } else { "—".into() },
                    evidence: None,
                    rule: None,
                    expected_evidence: None,
                });
            }
        }

        for ls in &label.sections {
            sec_labelled += 1;
            let rid = ls.risk_factor.id();
            let Some(rs) = report
                .sections
                .iter()
                .find(|s| s.risk_factor == Some(ls.risk_factor))
            else {
                dis.push(Disagreement {
                    file: file.clone(),
                    field: "section".into(),
                    expected: format!("{rid}: «{}»", ls.title),
                    got: "раздел не найден".into(),
                    evidence: None,
                    rule: None,
                    expected_evidence: None,
                });
                continue;
            };
            sec_matched += 1;
            if rs.cycle_complete == ls.cycle_complete {
                sec_cycle_ok += 1;
            } else {
                dis.push(simple(
                    file,
                    &format!("section:{rid}:cycle_complete"),
                    ls.cycle_complete,
                    rs.cycle_complete,
                ));
            }
            for el in Element::ALL {
                let expected = ls.elements.get(&el).copied().unwrap_or(false);
                let verdict = rs.elements.iter().find(|v| v.element == el);
                let got = verdict.is_some_and(|v| v.presence.is_present());
                if expected == got {
                    sec_el_ok += 1;
                } else {
                    let first = verdict.and_then(|v| v.evidence.first());
                    dis.push(Disagreement {
                        file: file.clone(),
                        field: format!("section:{rid}:{}", el.id()),
                        expected: presence_word(expected).into(),
                        got: verdict
                            .map(|v| v.presence.label_ru())
                            .unwrap_or("нет вердикта")
                            .into(),
                        evidence: first.map(|e| e.quote.clone()),
                        rule: first.map(|e| e.rule.clone()),
                        expected_evidence: None,
                    });
                }
            }
        }
        // Sections the checker invented are worth seeing, but do not enter the accuracy.
        for rs in &report.sections {
            let labelled = rs
                .risk_factor
                .is_some_and(|r| label.sections.iter().any(|ls| ls.risk_factor == r));
            if label.doc_type == DocType::MediumTermProgramme && !labelled {
                dis.push(Disagreement {
                    file: file.clone(),
                    field: "section".into(),
                    expected: "—".into(),
                    got: format!(
                        "{}: «{}»",
                        rs.risk_factor.map(|r| r.id()).unwrap_or("без фактора"),
                        rs.title
                    ),
                    evidence: None,
                    rule: None,
                    expected_evidence: None,
                });
            }
        }
    }

    let mut traps: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for (label, outcome) in labels.documents.iter().zip(outcomes) {
        let right = outcome.as_ref().is_ok_and(|r| {
            r.cycle_complete == label.cycle_complete
                && Element::ALL.iter().all(|e| {
                    r.element(*e).is_some_and(|v| v.presence.is_present()) == label.expects(*e)
                })
        });
        for t in &label.traps {
            let entry = traps.entry(t.as_str()).or_default();
            entry.0 += 1;
            entry.1 += u32::from(right);
        }
    }

    let n = labels.documents.len() as u32;
    EvalReport {
        documents: n,
        failures,
        elements: element_counts
            .into_iter()
            .map(|(element, counts)| ElementScore {
                element,
                counts,
                precision: counts.precision(),
                recall: counts.recall(),
                f1: counts.f1(),
            })
            .collect(),
        cycle: Accuracy::new(cycle_ok, n),
        doc_type: Accuracy::new(type_ok, n),
        risk_factors: MicroF1 {
            counts: risk,
            precision: risk.precision(),
            recall: risk.recall(),
            f1: risk.f1(),
        },
        sections: SectionScores {
            labelled: sec_labelled,
            matched: sec_matched,
            cycle: Accuracy::new(sec_cycle_ok, sec_labelled),
            elements: Accuracy::new(sec_el_ok, sec_labelled * Element::ALL.len() as u32),
        },
        disagreements: dis,
        traps: traps
            .into_iter()
            .map(|(trap, (documents, correct))| TrapScore {
                trap: trap.to_string(),
                documents,
                correct,
            })
            .collect(),
        search: None,
    }
}

fn presence_word(present: bool) -> &'static str {
    if present { "есть" } else { "нет" }
}

fn simple(file: &str, field: &str, expected: bool, got: bool) -> Disagreement {
    let word = |b: bool| {
        if b {
            "полный"
        } else {
            "неполный"
        }
    };
    Disagreement {
        file: file.to_string(),
        field: field.to_string(),
        expected: word(expected).into(),
        got: word(got).into(),
        evidence: None,
        rule: None,
        expected_evidence: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Running the pipeline
// ---------------------------------------------------------------------------------------------

/// Extract and check every labelled document under `docs_dir` (in parallel; results keep the
/// labels' order). A failure — missing file, extraction error, or a panic in the checker — is
/// that document's outcome; the run goes on.
pub fn run_pipeline(
    labels: &Labels,
    docs_dir: &Path,
    opts: &Options,
    rules: &Rules,
) -> Vec<Outcome> {
    labels
        .documents
        .par_iter()
        .map(|d| {
            let path = docs_dir.join(&d.file);
            let doc = extract::extract_file(&path, opts).map_err(|e| FileError::new(&path, &e))?;
            check_guarded(&path, &doc, rules)
        })
        .collect()
}

/// Extract, check and score in one call.
pub fn evaluate(labels: &Labels, docs_dir: &Path, opts: &Options, rules: &Rules) -> EvalReport {
    score(labels, &run_pipeline(labels, docs_dir, opts, rules))
}

/// A checker bug on one document must not end the evaluation of the others.
fn check_guarded(path: &Path, doc: &Document, rules: &Rules) -> Outcome {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check::check(doc, rules))).map_err(
        |panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            FileError {
                path: path.to_path_buf(),
                code: "panic".into(),
                message: format!("{}: сбой проверки: {what}", path.display()),
            }
        },
    )
}

/// Extract one labelled file (for label validation).
pub fn extract_labelled(docs_dir: &Path, file: &str, opts: &Options) -> Result<Document, Error> {
    extract::extract_file(&docs_dir.join(file), opts)
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

/// `{"queries": [{"q": "...", "relevant": ["files/..."]}]}`; paths are relative to `--docs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queries {
    pub queries: Vec<Query>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Query {
    pub q: String,
    pub relevant: Vec<String>,
}

impl Queries {
    pub fn load(path: &Path) -> Result<Queries, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: не удалось прочитать: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Index the labelled documents under `docs_dir` into a throw-away archive and score
/// `queries` against it. Documents that fail extraction or checking are not indexed (their
/// queries lose recall, which is the honest outcome).
pub fn evaluate_search(
    labels: &Labels,
    docs_dir: &Path,
    queries: &Queries,
    opts: &Options,
    rules: &Rules,
) -> Result<SearchScores, Error> {
    let tmp = tempfile::tempdir()?;
    let mut archive = crate::index::Archive::open(tmp.path())?;
    for d in &labels.documents {
        let path = docs_dir.join(&d.file);
        let Ok(doc) = extract::extract_file(&path, opts) else {
            continue;
        };
        let Ok(report) = check_guarded(&path, &doc, rules) else {
            continue;
        };
        archive.put(&doc, &report)?;
    }
    archive.commit()?;
    let limit = RECALL_AT * 4;
    Ok(search_metrics(queries, |q| {
        archive.ranked_sources(q, limit).unwrap_or_default()
    }))
}

/// How many top results count for recall.
pub const RECALL_AT: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryScore {
    pub q: String,
    /// Relevant documents among the first `RECALL_AT` distinct results, divided by
    /// `min(relevant, RECALL_AT)`.
    pub recall_at_5: f64,
    /// 1 / rank of the first relevant result, 0 when none is returned.
    pub reciprocal_rank: f64,
    /// Relevant documents missing from the first `RECALL_AT`.
    pub missed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchScores {
    pub queries: u32,
    /// Mean over queries.
    pub recall_at_5: f64,
    /// Mean reciprocal rank.
    pub mrr: f64,
    pub per_query: Vec<QueryScore>,
}

/// Score a search function: `search(q)` returns document paths, best first. Paths may repeat
/// (one hit per section); only the first occurrence of each document counts. A result matches a
/// relevant entry when its path ends with it (so absolute and relative paths both work).
pub fn search_metrics(queries: &Queries, search: impl Fn(&str) -> Vec<String>) -> SearchScores {
    let mut per_query = Vec::new();
    for query in &queries.queries {
        let mut ranked: Vec<String> = Vec::new();
        for hit in search(&query.q) {
            if !ranked.iter().any(|h| same_doc(h, &hit)) {
                ranked.push(hit);
            }
        }
        let top = &ranked[..ranked.len().min(RECALL_AT)];
        let missed: Vec<String> = query
            .relevant
            .iter()
            .filter(|r| !top.iter().any(|h| path_matches(h, r)))
            .cloned()
            .collect();
        let found = query.relevant.len() - missed.len();
        // Capped denominator: a query with more relevant documents than slots can still
        // reach 1.0 when the first `RECALL_AT` results are all relevant.
        let slots = query.relevant.len().min(RECALL_AT);
        let found = found.min(slots);
        let recall = if slots == 0 {
            1.0
        } else {
            found as f64 / slots as f64
        };
        let rr = ranked
            .iter()
            .position(|h| query.relevant.iter().any(|r| path_matches(h, r)))
            .map(|i| 1.0 / (i + 1) as f64)
            .unwrap_or(0.0);
        per_query.push(QueryScore {
            q: query.q.clone(),
            recall_at_5: recall,
            reciprocal_rank: rr,
            missed,
        });
    }
    let n = per_query.len();
    let mean = |f: fn(&QueryScore) -> f64| {
        if n == 0 {
            0.0
        } else {
            per_query.iter().map(f).sum::<f64>() / n as f64
        }
    };
    SearchScores {
        queries: n as u32,
        recall_at_5: mean(|s| s.recall_at_5),
        mrr: mean(|s| s.reciprocal_rank),
        per_query,
    }
}

fn same_doc(a: &str, b: &str) -> bool {
    Path::new(a) == Path::new(b)
}

/// `hit` names the relevant document when its trailing path components equal `relevant`'s.
pub fn path_matches(hit: &str, relevant: &str) -> bool {
    let rel = PathBuf::from(relevant);
    Path::new(hit).ends_with(&rel) || Path::new(relevant).ends_with(hit)
}

// ---------------------------------------------------------------------------------------------
// Regression floor
// ---------------------------------------------------------------------------------------------

/// Minimum figures a labelled folder must keep (`corpus-samples/eval-floor.json`). Raise them
/// to the last measured values as the checker improves; never lower them to make a test pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    pub element_f1: BTreeMap<Element, f64>,
    pub cycle_accuracy: f64,
    pub doc_type_accuracy: f64,
    pub risk_micro_f1: f64,
    pub section_cycle_accuracy: f64,
    /// Upper bound on failed documents.
    pub max_failures: u32,
}

impl Floor {
    pub fn load(path: &Path) -> Result<Floor, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: не удалось прочитать: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The floor equal to a measured report (figures rounded down to 3 decimals), for raising.
    pub fn from_report(r: &EvalReport) -> Floor {
        let down = |x: f64| (x * 1000.0).floor() / 1000.0;
        Floor {
            element_f1: r.elements.iter().map(|s| (s.element, down(s.f1))).collect(),
            cycle_accuracy: down(r.cycle.value),
            doc_type_accuracy: down(r.doc_type.value),
            risk_micro_f1: down(r.risk_factors.f1),
            section_cycle_accuracy: down(r.sections.cycle.value),
            max_failures: r.failures.len() as u32,
        }
    }

    /// Figures below the floor, as Russian messages; empty when the report holds the floor.
    pub fn violations(&self, r: &EvalReport) -> Vec<String> {
        let mut v = Vec::new();
        let mut below = |what: String, got: f64, floor: f64| {
            // Tolerance for float noise only: a real drop is at least one document.
            if got + 1e-9 < floor {
                v.push(format!("{what}: {got:.3} < {floor:.3}"));
            }
        };
        for (e, floor) in &self.element_f1 {
            let got = r.element(*e).map(|s| s.f1).unwrap_or(0.0);
            below(format!("F1 {e}"), got, *floor);
        }
        below("точность цикла".into(), r.cycle.value, self.cycle_accuracy);
        below(
            "точность типа".into(),
            r.doc_type.value,
            self.doc_type_accuracy,
        );
        below(
            "микро-F1 факторов риска".into(),
            r.risk_factors.f1,
            self.risk_micro_f1,
        );
        below(
            "точность цикла по разделам".into(),
            r.sections.cycle.value,
            self.section_cycle_accuracy,
        );
        if r.failures.len() as u32 > self.max_failures {
            v.push(format!(
                "ошибок обработки: {} > {}",
                r.failures.len(),
                self.max_failures
            ));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ElementVerdict, Evidence, Format, Location, Presence, SCHEMA_VERSION, SectionReport,
    };

    fn els(v: [bool; 5]) -> BTreeMap<Element, bool> {
        Element::ALL.into_iter().zip(v).collect()
    }

    fn label(file: &str, t: DocType, e: [bool; 5], risks: &[RiskFactor]) -> LabelledDoc {
        LabelledDoc {
            file: file.into(),
            doc_type: t,
            school: None,
            year_from: None,
            year_to: None,
            risk_factors: risks.to_vec(),
            elements: els(e),
            cycle_complete: e.iter().all(|x| *x),
            sections: vec![],
            evidence: BTreeMap::new(),
            traps: vec![],
        }
    }

    fn verdicts(p: [Presence; 5]) -> Vec<ElementVerdict> {
        Element::ALL
            .into_iter()
            .zip(p)
            .map(|(element, presence)| ElementVerdict {
                element,
                presence,
                confidence: 1.0,
                evidence: if presence == Presence::Absent {
                    vec![]
                } else {
                    vec![Evidence {
                        quote: format!("цитата {element}"),
                        location: Location::default(),
                        section: None,
                        column: None,
                        rule: format!("{element}.terms"),
                    }]
                },
                recommendation: None,
            })
            .collect()
    }

    fn report(t: DocType, p: [Presence; 5], risks: &[RiskFactor]) -> CheckReport {
        let elements = verdicts(p);
        CheckReport {
            schema_version: SCHEMA_VERSION,
            source: String::new(),
            format: Format::Docx,
            hash: String::new(),
            rules_version: "test".into(),
            doc_type: t,
            title: None,
            school: None,
            region: None,
            year_from: None,
            year_to: None,
            risk_factors: risks.to_vec(),
            cycle_complete: elements.iter().all(|v| v.presence.is_present()),
            elements,
            sections: vec![],
            warnings: vec![],
            roadmap_rows: vec![],
            pages: None,
        }
    }

    use DocType::*;
    use Presence::{Absent as A, Present as P, Weak as W};
    use RiskFactor::*;

    #[test]
    fn element_counts_precision_recall_f1() {
        let labels = Labels {
            documents: vec![
                label("a", AntiriskProgramme, [true; 5], &[LowMotivation]),
                label(
                    "b",
                    AntiriskProgramme,
                    [true, true, true, false, false],
                    &[],
                ),
                label("c", Other, [false; 5], &[]),
            ],
        };
        let outcomes = vec![
            // a: monitoring weak (counts as absent) -> FN; others TP.
            Ok(report(AntiriskProgramme, [P, P, P, W, P], &[LowMotivation])),
            // b: analysis claimed -> FP; monitoring right (TN).
            Ok(report(AntiriskProgramme, [P, P, P, A, P], &[])),
            // c: goal claimed -> FP.
            Ok(report(Other, [P, A, A, A, A], &[])),
        ];
        let r = score(&labels, &outcomes);
        let goal = r.element(Element::Goal).unwrap();
        assert_eq!(
            (
                goal.counts.tp,
                goal.counts.fp,
                goal.counts.fn_,
                goal.counts.tn
            ),
            (2, 1, 0, 0)
        );
        assert!((goal.precision - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(goal.recall, 1.0);
        assert!((goal.f1 - 0.8).abs() < 1e-9);
        let mon = r.element(Element::Monitoring).unwrap();
        assert_eq!(
            (mon.counts.tp, mon.counts.fp, mon.counts.fn_, mon.counts.tn),
            (0, 0, 1, 2)
        );
        assert_eq!(mon.precision, 1.0);
        assert_eq!(mon.recall, 0.0);
        assert_eq!(mon.f1, 0.0);
        let an = r.element(Element::Analysis).unwrap();
        assert_eq!(
            (an.counts.tp, an.counts.fp, an.counts.fn_, an.counts.tn),
            (1, 1, 0, 1)
        );
        // a: expected complete, got incomplete (weak monitoring); b and c: incomplete as labelled.
        assert_eq!((r.cycle.correct, r.cycle.total), (2, 3));
        assert_eq!(r.doc_type.value, 1.0);
        // 3 element disagreements (a monitoring, b analysis, c goal) + a's cycle.
        let fields: Vec<_> = r
            .disagreements
            .iter()
            .map(|d| (d.file.as_str(), d.field.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("a", "monitoring"),
                ("a", "cycle_complete"),
                ("b", "analysis"),
                ("c", "goal")
            ]
        );
        let c_goal = r.disagreements.iter().find(|d| d.file == "c").unwrap();
        assert_eq!(c_goal.evidence.as_deref(), Some("цитата goal"));
        assert_eq!(c_goal.rule.as_deref(), Some("goal.terms"));
        assert_eq!(c_goal.expected, "нет");
        assert_eq!(c_goal.got, "есть");
        let a_mon = &r.disagreements[0];
        assert_eq!(a_mon.got, "слабо");
        assert!(r.traps.is_empty());
    }

    #[test]
    fn doc_type_and_risk_micro_f1() {
        let mut with_trap = label("b", Roadmap, [false; 5], &[TeacherShortage]);
        with_trap.traps = vec!["SWOT as the only analysis".into()];
        let labels = Labels {
            documents: vec![
                label(
                    "a",
                    MediumTermProgramme,
                    [false; 5],
                    &[LowMotivation, LowWellbeing],
                ),
                with_trap,
            ],
        };
        let outcomes = vec![
            Ok(report(
                MediumTermProgramme,
                [A; 5],
                &[LowMotivation, LowDiscipline],
            )),
            Ok(report(DevelopmentProgramme, [A; 5], &[TeacherShortage])),
        ];
        let r = score(&labels, &outcomes);
        assert_eq!((r.doc_type.correct, r.doc_type.total), (1, 2));
        // tp: LowMotivation, TeacherShortage; fp: LowDiscipline; fn: LowWellbeing.
        let c = r.risk_factors.counts;
        assert_eq!((c.tp, c.fp, c.fn_), (2, 1, 1));
        assert!((r.risk_factors.f1 - 4.0 / 6.0).abs() < 1e-9);
        let dt = r
            .disagreements
            .iter()
            .find(|d| d.field == "doc_type")
            .unwrap();
        assert_eq!(
            (dt.expected.as_str(), dt.got.as_str()),
            ("roadmap", "development_programme")
        );
        // b's element and cycle verdicts are right even though its doc type is not.
        assert_eq!(
            r.traps,
            [TrapScore {
                trap: "SWOT as the only analysis".into(),
                documents: 1,
                correct: 1
            }]
        );
    }

    #[test]
    fn failures_count_as_wrong_everywhere() {
        let mut l = label(
            "a",
            AntiriskProgramme,
            [true, true, false, false, false],
            &[LowMotivation],
        );
        l.cycle_complete = false;
        let labels = Labels { documents: vec![l] };
        let err = FileError {
            path: "a".into(),
            code: "corrupt".into(),
            message: "a: файл повреждён".into(),
        };
        let r = score(&labels, &[Err(err)]);
        assert_eq!(r.failures.len(), 1);
        let goal = r.element(Element::Goal).unwrap();
        assert_eq!((goal.counts.tp, goal.counts.fn_), (0, 1));
        let ind = r.element(Element::Indicators).unwrap();
        assert_eq!((ind.counts.fp, ind.counts.tn), (1, 0));
        assert_eq!(r.cycle.correct, 0);
        assert_eq!(r.doc_type.correct, 0);
        assert_eq!(r.risk_factors.counts.fn_, 1);
    }

    #[test]
    fn sections_matched_by_risk_factor() {
        let mut l = label(
            "m",
            MediumTermProgramme,
            [true, true, false, true, true],
            &[LowMotivation, LowWellbeing, LowDiscipline],
        );
        l.sections = vec![
            LabelledSection {
                title: "1".into(),
                risk_factor: LowMotivation,
                elements: els([true; 5]),
                cycle_complete: true,
            },
            LabelledSection {
                title: "2".into(),
                risk_factor: LowWellbeing,
                elements: els([true, true, false, true, true]),
                cycle_complete: false,
            },
            LabelledSection {
                title: "3".into(),
                risk_factor: LowDiscipline,
                elements: els([true; 5]),
                cycle_complete: true,
            },
        ];
        let labels = Labels { documents: vec![l] };
        let mut r = report(
            MediumTermProgramme,
            [P, P, A, P, P],
            &[LowMotivation, LowWellbeing, LowDiscipline],
        );
        let sec = |rf, p: [Presence; 5]| SectionReport {
            title: "x".into(),
            risk_factor: Some(rf),
            location: Location::default(),
            cycle_complete: p.iter().all(|x| *x == P),
            elements: verdicts(p),
        };
        // Reported in a different order; wellbeing wrongly complete; discipline missing;
        // an extra unlabelled section.
        r.sections = vec![
            sec(LowWellbeing, [P; 5]),
            sec(LowMotivation, [P; 5]),
            sec(LowEquipment, [P; 5]),
        ];
        let s = score(&labels, &[Ok(r)]).sections;
        assert_eq!((s.labelled, s.matched), (3, 2));
        assert_eq!((s.cycle.correct, s.cycle.total), (1, 3));
        // motivation 5/5, wellbeing 4/5, discipline 0/5.
        assert_eq!((s.elements.correct, s.elements.total), (9, 15));
        let r2 = score(
            &labels,
            &[Ok({
                let mut r = report(MediumTermProgramme, [P, P, A, P, P], &[]);
                r.sections = vec![sec(LowEquipment, [P; 5])];
                r
            })],
        );
        let fields: Vec<_> = r2
            .disagreements
            .iter()
            .map(|d| d.field.as_str())
            .filter(|f| f.starts_with("section"))
            .collect();
        assert_eq!(fields, ["section", "section", "section", "section"]);
    }

    #[test]
    fn validate_finds_inconsistent_labels() {
        let good = label(
            "a",
            AntiriskProgramme,
            [true, false, false, false, false],
            &[],
        );
        let mut ev = BTreeMap::new();
        ev.insert(Element::Goal, Some("Цель".to_string()));
        let good = LabelledDoc {
            evidence: ev,
            ..good
        };
        assert!(
            Labels {
                documents: vec![good.clone()]
            }
            .validate()
            .is_empty()
        );

        let mut bad_cycle = good.clone();
        bad_cycle.file = "b".into();
        bad_cycle.cycle_complete = true;
        let mut sections_on_antirisk = good.clone();
        sections_on_antirisk.file = "c".into();
        sections_on_antirisk.sections = vec![LabelledSection {
            title: "s".into(),
            risk_factor: LowMotivation,
            elements: els([true; 5]),
            cycle_complete: true,
        }];
        let mut missing_quote = good.clone();
        missing_quote.file = "d".into();
        missing_quote.evidence.clear();
        let mut missing_key = good.clone();
        missing_key.file = "e".into();
        missing_key.elements.remove(&Element::Analysis);
        let problems = Labels {
            documents: vec![
                good.clone(),
                good,
                bad_cycle,
                sections_on_antirisk,
                missing_quote,
                missing_key,
            ],
        }
        .validate();
        let has = |s: &str| problems.iter().any(|p| p.contains(s));
        assert!(has("a: документ размечен дважды"), "{problems:?}");
        assert!(has("b: cycle_complete = true"));
        assert!(has("c: разделы"));
        assert!(has("c (раздел «s»): фактор риска low_motivation не указан"));
        assert!(has("d: нет цитаты для элемента goal"));
        assert!(has("e: нет отметки для элемента analysis"));
    }

    #[test]
    fn quotes_must_lie_inside_one_paragraph_or_cell() {
        use crate::model::{Cell, Metadata, Row, Table};
        let para = |t: &str| Block::Paragraph {
            text: t.into(),
            loc: Location::default(),
        };
        let doc = Document {
            source: "x".into(),
            format: Format::Docx,
            hash: String::new(),
            metadata: Metadata::default(),
            blocks: vec![
                para("Цель: снизить долю неуспевающих"),
                Block::Table(Table {
                    rows: vec![Row {
                        cells: vec![Cell {
                            col: 0,
                            col_span: 1,
                            row_span: 1,
                            blocks: vec![para("Мониторинг ежемесячно"), para("анализ в мае")],
                        }],
                        header: false,
                    }],
                    loc: Location::default(),
                }),
            ],
            furniture: vec![],
            notes: vec![para("сноска о срезах")],
            warnings: vec![],
        };
        let p = paragraph_texts(&doc);
        assert!(quote_in(&p, "снизить долю"));
        assert!(quote_in(&p, "Мониторинг ежемесячно"));
        assert!(quote_in(&p, "о срезах"));
        // Across two paragraphs of one cell, or across blocks: not a valid quote.
        assert!(!quote_in(&p, "ежемесячно анализ"));
        assert!(!quote_in(&p, "неуспевающих Мониторинг"));
    }

    #[test]
    fn unknown_ids_fail_to_parse() {
        let ok = r#"{"documents":[{"file":"f","doc_type":"roadmap","risk_factors":["low_motivation"],
            "elements":{"goal":true,"measures":true,"indicators":true,"monitoring":true,"analysis":true},
            "cycle_complete":true}]}"#;
        assert!(serde_json::from_str::<Labels>(ok).is_ok());
        for bad in [
            ok.replace("low_motivation", "low_mood"),
            ok.replace("\"goal\"", "\"aim\""),
            ok.replace("roadmap", "plan"),
        ] {
            assert!(serde_json::from_str::<Labels>(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn search_recall_and_mrr() {
        let queries = Queries {
            queries: vec![
                Query {
                    q: "родительский клуб".into(),
                    relevant: vec!["files/a.docx".into(), "files/b.pdf".into()],
                },
                Query {
                    q: "наставничество".into(),
                    relevant: vec!["files/c.odt".into()],
                },
                Query {
                    q: "ничего".into(),
                    relevant: vec!["files/d.txt".into()],
                },
            ],
        };
        let search = |q: &str| -> Vec<String> {
            match q {
                // a at rank 2 (after a duplicate hit of x), b beyond the top 5 distinct documents.
                "родительский клуб" => [
                    "/x/files/x.rtf",
                    "/x/files/x.rtf",
                    "/x/files/a.docx",
                    "/x/files/1",
                    "/x/files/2",
                    "/x/files/3",
                    "/x/files/b.pdf",
                ]
                .map(String::from)
                .to_vec(),
                "наставничество" => vec!["files/c.odt".into()],
                _ => vec![],
            }
        };
        let s = search_metrics(&queries, search);
        assert_eq!(s.queries, 3);
        assert_eq!(s.per_query[0].recall_at_5, 0.5);
        assert_eq!(s.per_query[0].reciprocal_rank, 0.5);
        assert_eq!(s.per_query[0].missed, ["files/b.pdf"]);
        assert_eq!(s.per_query[1].reciprocal_rank, 1.0);
        assert_eq!(s.per_query[2].recall_at_5, 0.0);
        assert!((s.recall_at_5 - 0.5).abs() < 1e-9);
        assert!((s.mrr - 0.5).abs() < 1e-9);
        // Six relevant documents, five slots: all five results relevant is full recall.
        let many = Queries {
            queries: vec![Query {
                q: "собрания".into(),
                relevant: (1..=6).map(|i| format!("files/{i}.txt")).collect(),
            }],
        };
        let s = search_metrics(&many, |_| {
            (2..=7).map(|i| format!("files/{i}.txt")).collect()
        });
        assert_eq!(s.recall_at_5, 1.0);
        let s = search_metrics(&many, |_| vec!["files/9.txt".into(), "files/1.txt".into()]);
        assert_eq!(s.recall_at_5, 0.2);
        assert_eq!(s.mrr, 0.5);
        assert!(path_matches("/data/corpus/files/a.docx", "files/a.docx"));
        assert!(!path_matches("/data/corpus/files/xa.docx", "files/a.docx"));
    }

    #[test]
    fn floor_detects_drops_only() {
        let labels = Labels {
            documents: vec![label("a", Roadmap, [true; 5], &[])],
        };
        let good = score(&labels, &[Ok(report(Roadmap, [P; 5], &[]))]);
        let floor = Floor::from_report(&good);
        assert!(floor.violations(&good).is_empty());
        let worse = score(&labels, &[Ok(report(Roadmap, [P, P, P, P, A], &[]))]);
        let v = floor.violations(&worse);
        assert!(v.iter().any(|m| m.starts_with("F1 analysis")), "{v:?}");
        assert!(v.iter().any(|m| m.starts_with("точность цикла")), "{v:?}");
    }
}
