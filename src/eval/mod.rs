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

mod floor;
mod labels;
mod score;
mod search;

pub use floor::*;
pub use labels::*;
pub use score::*;
pub use search::*;

use std::path::Path;

use rayon::prelude::*;

use crate::check;
use crate::error::{Error, FileError};
use crate::extract::{self, Options};
use crate::model::Document;
use crate::rules::Rules;

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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{
        Block, CheckReport, DocType, Element, ElementVerdict, Evidence, Format, Location, Presence,
        RiskFactor, SCHEMA_VERSION, SectionReport,
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
    fn evidence_of_another_element_is_a_disagreement_even_when_the_verdict_is_right() {
        let mut l = label("a", AntiriskProgramme, [true; 5], &[]);
        // The checker quotes «цитата <element>»; the labels give monitoring's quote to analysis
        // too, so the analysis verdict cites the monitoring sentence.
        l.evidence
            .insert(Element::Monitoring, Some("цитата  monitoring".into()));
        l.evidence
            .insert(Element::Analysis, Some("другая фраза".into()));
        l.evidence.insert(Element::Goal, Some("цитата goal".into()));
        let mut r = report(AntiriskProgramme, [P; 5], &[]);
        if let Some(v) = r
            .elements
            .iter_mut()
            .find(|v| v.element == Element::Analysis)
        {
            v.evidence[0].quote = "Цитата monitoring".into();
        }
        let s = score(&Labels { documents: vec![l] }, &[Ok(r)]);
        assert_eq!(
            (s.evidence_agreement.correct, s.evidence_agreement.total),
            (4, 5)
        );
        let d: Vec<_> = s
            .disagreements
            .iter()
            .filter(|d| d.field.starts_with("evidence:"))
            .collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field, "evidence:analysis");
        assert!(d[0].got.contains("monitoring"));
    }

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

    /// Valid label shapes the design allows: a medium-term programme with all five elements
    /// (the union of its sections) and an incomplete section; an `other` document with all
    /// five elements and, by definition, no complete cycle.
    #[test]
    fn validate_accepts_union_of_sections_and_incomplete_other() {
        let quotes = |d: &mut LabelledDoc| {
            for e in Element::ALL {
                let q = d.expects(e).then(|| format!("цитата {e}"));
                d.evidence.insert(e, q);
            }
        };
        let section = |risk, e: [bool; 5]| LabelledSection {
            title: format!("раздел {risk}"),
            risk_factor: risk,
            elements: els(e),
            cycle_complete: e.iter().all(|x| *x),
        };
        let mut midterm = label(
            "m",
            MediumTermProgramme,
            [true; 5],
            &[LowMotivation, LowWellbeing],
        );
        midterm.cycle_complete = false;
        midterm.sections = vec![
            section(LowMotivation, [true; 5]),
            section(LowWellbeing, [true, true, true, false, true]),
        ];
        quotes(&mut midterm);
        let mut municipal = label("o", Other, [true; 5], &[]);
        municipal.cycle_complete = false;
        quotes(&mut municipal);
        let ok = Labels {
            documents: vec![midterm.clone(), municipal.clone()],
        }
        .validate();
        assert!(ok.is_empty(), "{ok:?}");

        // The older convention (intersection: monitoring absent because one section lacks it)
        // is still consistent.
        let mut intersection = midterm.clone();
        intersection.file = "m1".into();
        intersection.elements.insert(Element::Monitoring, false);
        intersection.evidence.insert(Element::Monitoring, None);
        let ok = Labels {
            documents: vec![intersection],
        }
        .validate();
        assert!(ok.is_empty(), "{ok:?}");

        // Contradicting both (goal absent although every section has it); the cycle follows
        // the sections.
        let mut not_union = midterm.clone();
        not_union.file = "m2".into();
        not_union.elements.insert(Element::Goal, false);
        not_union.evidence.insert(Element::Goal, None);
        let mut complete_midterm = midterm.clone();
        complete_midterm.file = "m3".into();
        complete_midterm.cycle_complete = true;
        let mut missing_in_all = midterm;
        missing_in_all.file = "m4".into();
        for s in &mut missing_in_all.sections {
            s.elements.insert(Element::Analysis, false);
            s.cycle_complete = false;
        }
        // An `other` document never has a complete cycle.
        let mut complete_other = municipal;
        complete_other.file = "o2".into();
        complete_other.cycle_complete = true;
        let problems = Labels {
            documents: vec![not_union, complete_midterm, missing_in_all, complete_other],
        }
        .validate();
        let has = |s: &str| problems.iter().any(|p| p.contains(s));
        assert!(
            has("m2: элемент goal не отмечен в документе, но есть во всех разделах"),
            "{problems:?}"
        );
        assert!(has("m3: cycle_complete документа не совпадает с разделами"));
        assert!(has(
            "m4: элемент analysis отмечен в документе, но нет ни в одном разделе"
        ));
        assert!(has("o2: cycle_complete = true у документа other"));
    }

    #[test]
    fn quotes_match_after_collapsing_whitespace() {
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
        // A quote may cross a paragraph or line break, as a reader reads it.
        assert!(quote_in(&p, "ежемесячно анализ"));
        assert!(quote_in(&p, "ежемесячно\nанализ  в мае"));
        assert!(quote_in(&p, "неуспевающих Мониторинг"));
        // But it must be there: no words skipped, no empty quote.
        assert!(!quote_in(&p, "Мониторинг анализ"));
        assert!(!quote_in(&p, "неуспевающихМониторинг"));
        assert!(!quote_in(&p, " \n "));
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
