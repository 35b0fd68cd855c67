//! The ground truth must be trustworthy: every labelled file exists, every evidence quote is in
//! its document's extracted text (whitespace collapsed, as a reader reads it), ids are known, labels
//! are consistent, and the corpus covers what issue #5 promises (formats, risk factors, types).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use shnor::eval::{self, Labels};
use shnor::extract::Options;
use shnor::model::{DocType, Element, RiskFactor};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn labelled_dirs() -> Vec<PathBuf> {
    vec![
        root().join("corpus-samples"),
        root().join("tests/holdout"),
        root().join("tests/holdout2"),
        root().join("tests/devset"),
    ]
}

fn load(dir: &Path) -> Labels {
    Labels::load(&dir.join("labels.json")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn labels_parse_and_are_consistent() {
    for dir in labelled_dirs() {
        let labels = load(&dir);
        assert!(
            !labels.documents.is_empty(),
            "{}: no documents",
            dir.display()
        );
        let problems = labels.validate();
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            dir.display(),
            problems.join("\n")
        );
        for d in &labels.documents {
            // Every element key is present (validate checks) and sections only on medium-term.
            assert_eq!(d.elements.len(), Element::ALL.len(), "{}", d.file);
            if d.doc_type == DocType::MediumTermProgramme {
                assert!(
                    (2..=4).contains(&d.sections.len()),
                    "{}: a medium-term programme has 2–4 risk sections",
                    d.file
                );
            }
        }
    }
}

#[test]
fn every_file_is_labelled_and_exists() {
    for dir in labelled_dirs() {
        let labels = load(&dir);
        let labelled: BTreeSet<String> = labels.documents.iter().map(|d| d.file.clone()).collect();
        for f in &labelled {
            assert!(dir.join(f).is_file(), "{}: missing {f}", dir.display());
        }
        let on_disk: BTreeSet<String> = std::fs::read_dir(dir.join("files"))
            .unwrap()
            .map(|e| format!("files/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        let unlabelled: Vec<_> = on_disk.difference(&labelled).collect();
        assert!(
            unlabelled.is_empty(),
            "{}: unlabelled files {unlabelled:?}",
            dir.display()
        );
    }
}

#[test]
fn evidence_quotes_are_in_the_documents() {
    let opts = Options::default();
    let mut missing = Vec::new();
    for dir in labelled_dirs() {
        let labels = load(&dir);
        for d in &labels.documents {
            let paragraphs = match eval::extract_labelled(&dir, &d.file, &opts) {
                Ok(doc) => eval::paragraph_texts(&doc),
                Err(e) => panic!("{}: extraction failed: {e}", d.file),
            };
            for (el, quote) in &d.evidence {
                if let Some(q) = quote
                    && !eval::quote_in(&paragraphs, q)
                {
                    missing.push(format!("{} [{}] {el}: «{q}»", dir.display(), d.file));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "quotes not found:\n{}",
        missing.join("\n")
    );
}

#[test]
fn corpus_covers_formats_risks_types_and_traps() {
    let dir = root().join("corpus-samples");
    let labels = load(&dir);
    assert!(labels.documents.len() >= 36);

    let mut formats: BTreeMap<String, usize> = BTreeMap::new();
    let mut cp1251 = 0;
    for d in &labels.documents {
        let ext = Path::new(&d.file)
            .extension()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if ext == "txt" && std::str::from_utf8(&std::fs::read(dir.join(&d.file)).unwrap()).is_err()
        {
            cp1251 += 1;
        }
        *formats.entry(ext).or_default() += 1;
    }
    for f in ["docx", "odt", "pdf", "rtf", "txt"] {
        assert!(
            formats.get(f).copied().unwrap_or(0) >= 3,
            "format {f}: {formats:?}"
        );
    }
    assert!(cp1251 >= 2, "windows-1251 TXT files: {cp1251}");

    let mut risks: BTreeMap<RiskFactor, usize> = BTreeMap::new();
    for d in &labels.documents {
        for r in &d.risk_factors {
            *risks.entry(*r).or_default() += 1;
        }
    }
    for r in RiskFactor::ALL {
        assert!(
            risks.get(&r).copied().unwrap_or(0) >= 2,
            "risk factor {r} appears < 2 times"
        );
    }
    for t in DocType::ALL {
        assert!(labels.documents.iter().any(|d| d.doc_type == t), "no {t}");
    }
    let complete = labels.documents.iter().filter(|d| d.cycle_complete).count();
    let programmes = labels
        .documents
        .iter()
        .filter(|d| d.doc_type != DocType::Other)
        .count();
    assert!(
        complete * 3 >= programmes && complete * 3 <= programmes * 2,
        "about half of the programmes complete: {complete}/{programmes}"
    );
    let traps: String = labels
        .documents
        .iter()
        .flat_map(|d| d.traps.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    for t in [
        "monitoring mentioned only about the past",
        "SWOT as the only analysis",
        "indicators without numbers",
        "goal phrased as a process",
        "критерии достижения",
        "контроль реализации",
        "отслеживание динамики",
        "рефлексия",
        "корректировка",
    ] {
        assert!(traps.contains(t), "trap not covered: {t}");
    }
}

#[test]
fn queries_name_labelled_files_and_cover_inflection_and_yo() {
    let dir = root().join("corpus-samples");
    let labels = load(&dir);
    let queries = eval::Queries::load(&dir.join("queries.json")).unwrap_or_else(|e| panic!("{e}"));
    assert!(queries.queries.len() >= 15);
    for q in &queries.queries {
        assert!(
            !q.relevant.is_empty(),
            "«{}» has no relevant documents",
            q.q
        );
        for r in &q.relevant {
            assert!(
                labels.documents.iter().any(|d| &d.file == r),
                "«{}»: {r} is not a labelled document",
                q.q
            );
        }
    }
    let has = |s: &str| queries.queries.iter().any(|q| q.q == s);
    assert!(has("родительские собрания") && has("родительского собрания"));
    assert!(has("ёлкинский лес") && has("елкинский лес"));
}
