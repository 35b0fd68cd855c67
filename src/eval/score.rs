//! Scores: the arithmetic comparing check reports with labels, tested on hand-made reports.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::*;
use crate::error::FileError;
use crate::model::{CheckReport, DocType, Element, RiskFactor};

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

pub(super) fn ratio(num: u32, den: u32) -> f64 {
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
    /// Present-and-labelled-present verdicts whose evidence does not quote another element's
    /// labelled evidence instead of the element's own (a monitoring sentence cited as the
    /// analysis is wrong even when the verdict is right).
    #[serde(default)]
    pub evidence_agreement: Accuracy,
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
    let (mut ev_ok, mut ev_total) = (0, 0);

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
            } else if let Some(v) = verdict.filter(|_| got) {
                ev_total += 1;
                let quotes: Vec<&str> = v.evidence.iter().map(|e| e.quote.as_str()).collect();
                match misattributed(label, el, &quotes) {
                    None => ev_ok += 1,
                    Some(other) => dis.push(Disagreement {
                        file: file.clone(),
                        field: format!("evidence:{}", el.id()),
                        expected: format!("цитата элемента {}", el.id()),
                        got: format!("цитата элемента {}", other.id()),
                        evidence: quotes.first().map(|q| q.to_string()),
                        rule: v.evidence.first().map(|e| e.rule.clone()),
                        expected_evidence: label.evidence.get(&el).cloned().flatten(),
                    }),
                }
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
        evidence_agreement: Accuracy::new(ev_ok, ev_total),
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

/// Whitespace collapsed and case folded, as a reader compares two quotes.
fn reading_form(s: &str) -> String {
    crate::rules::fold(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Two quotes say the same thing: one contains the other and the shorter is at least half of
/// the longer (a short labelled phrase inside a long cited paragraph says little).
fn same_passage(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && long.contains(short) && short.len() * 2 >= long.len()
}

/// The element whose labelled quote the checker's main (first) quote for `el` is, when it is
/// not `el`'s own labelled quote.
fn misattributed(label: &LabelledDoc, el: Element, quotes: &[&str]) -> Option<Element> {
    let labelled = |e: Element| {
        label
            .evidence
            .get(&e)
            .cloned()
            .flatten()
            .map(|q| reading_form(&q))
            .filter(|q| !q.is_empty())
    };
    let main = reading_form(quotes.first()?);
    if labelled(el).is_some_and(|own| same_passage(&own, &main)) {
        return None;
    }
    Element::ALL
        .iter()
        .copied()
        .filter(|&o| o != el)
        .find(|&o| labelled(o).is_some_and(|q| same_passage(&q, &main)))
}

pub(super) fn presence_word(present: bool) -> &'static str {
    if present { "есть" } else { "нет" }
}

pub(super) fn simple(file: &str, field: &str, expected: bool, got: bool) -> Disagreement {
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
