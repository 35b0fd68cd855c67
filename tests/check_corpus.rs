//! The checker against a labelled corpus (`corpus-samples/labels.json`, DESIGN.md format).
//!
//! Documents are read from their editable sources (`src/<name>.md|.txt`) through the test
//! Markdown reader, so this measures the checker, not the extractors. Set `SHNOR_CORPUS` to
//! another corpus folder to measure it; the test is skipped when no corpus is present.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use shnor::check::{check, testdoc};
use shnor::model::Element;
use shnor::rules::Rules;

fn corpus_dir() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("SHNOR_CORPUS") {
        return Some(PathBuf::from(p));
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus-samples");
    p.join("labels.json").exists().then_some(p)
}

fn source_text(dir: &Path, file: &str) -> Option<String> {
    let stem = Path::new(file).file_stem()?.to_string_lossy().into_owned();
    ["md", "txt"]
        .iter()
        .map(|ext| dir.join("src").join(format!("{stem}.{ext}")))
        .find_map(|p| std::fs::read_to_string(p).ok())
}

#[derive(Default)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Counts {
    fn add(&mut self, expected: bool, got: bool) {
        match (expected, got) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            _ => {}
        }
    }
    fn f1(&self) -> f64 {
        let d = 2 * self.tp + self.fp + self.fn_;
        if d == 0 {
            1.0
        } else {
            2.0 * self.tp as f64 / d as f64
        }
    }
}

#[test]
fn corpus_figures() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: no corpus-samples/labels.json and SHNOR_CORPUS not set");
        return;
    };
    let labels: Value = match std::fs::read_to_string(dir.join("labels.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
    {
        Some(v) => v,
        None => panic!("unreadable labels.json in {}", dir.display()),
    };
    let rules = Rules::builtin();
    let mut el: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut risk = Counts::default();
    let (mut n, mut cycle_ok, mut type_ok) = (0, 0, 0);
    let (mut sec_n, mut sec_ok) = (0, 0);
    let docs = labels["documents"].as_array().cloned().unwrap_or_default();
    for d in &docs {
        let file = d["file"].as_str().unwrap_or_default();
        // SHNOR_CORPUS_FILES=1 reads the delivered binaries through the real extractors.
        let doc = if std::env::var("SHNOR_CORPUS_FILES").is_ok() {
            match shnor::extract::extract_file(&dir.join(file), &shnor::extract::Options::default())
            {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("{file}: {}", e.message_ru());
                    continue;
                }
            }
        } else {
            let Some(text) = source_text(&dir, file) else {
                eprintln!("no source for {file}");
                continue;
            };
            testdoc::document(file, &text)
        };
        let r = check(&doc, &rules);
        n += 1;
        let mut diffs = Vec::new();
        for e in Element::ALL {
            let exp = d["elements"][e.id()].as_bool().unwrap_or(false);
            let got = r.element(e).is_some_and(|v| v.presence.is_present());
            el.entry(e.id()).or_default().add(exp, got);
            if exp != got {
                let ev = r
                    .element(e)
                    .and_then(|v| v.evidence.first())
                    .map(|ev| format!("{} «{}»", ev.rule, ev.quote))
                    .unwrap_or_default();
                diffs.push(format!("  {}: expected {exp}, got {got} {ev}", e.id()));
            }
        }
        let exp_cycle = d["cycle_complete"].as_bool().unwrap_or(false);
        if exp_cycle == r.cycle_complete {
            cycle_ok += 1;
        } else {
            diffs.push(format!(
                "  cycle: expected {exp_cycle}, got {}",
                r.cycle_complete
            ));
        }
        let exp_type = d["doc_type"].as_str().unwrap_or_default();
        if exp_type == r.doc_type.id() {
            type_ok += 1;
        } else {
            diffs.push(format!(
                "  doc_type: expected {exp_type}, got {}",
                r.doc_type.id()
            ));
        }
        let exp_risks: Vec<&str> = d["risk_factors"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let got_risks: Vec<&str> = r.risk_factors.iter().map(|f| f.id()).collect();
        for id in shnor::model::RiskFactor::ALL.map(|f| f.id()) {
            risk.add(exp_risks.contains(&id), got_risks.contains(&id));
        }
        let mut exp_sorted = exp_risks.clone();
        exp_sorted.sort();
        let mut got_sorted = got_risks.clone();
        got_sorted.sort();
        if exp_sorted != got_sorted {
            diffs.push(format!(
                "  risks: expected {exp_risks:?}, got {got_risks:?}"
            ));
        }
        if let Some(secs) = d["sections"].as_array() {
            for s in secs {
                sec_n += 1;
                let rf = s["risk_factor"].as_str().unwrap_or_default();
                let got = r
                    .sections
                    .iter()
                    .find(|x| x.risk_factor.map(|f| f.id()) == Some(rf));
                let exp_complete = s["cycle_complete"].as_bool().unwrap_or(false);
                match got {
                    Some(g) => {
                        let mut same = g.cycle_complete == exp_complete;
                        for e in Element::ALL {
                            let exp = s["elements"][e.id()].as_bool().unwrap_or(false);
                            let gp = g
                                .elements
                                .iter()
                                .find(|v| v.element == e)
                                .is_some_and(|v| v.presence.is_present());
                            if exp != gp {
                                same = false;
                                diffs.push(format!(
                                    "  section {rf} {}: expected {exp}, got {gp}",
                                    e.id()
                                ));
                            }
                        }
                        if same {
                            sec_ok += 1;
                        }
                    }
                    None => diffs.push(format!("  section {rf}: not found")),
                }
            }
        }
        if !diffs.is_empty() {
            eprintln!("{file}\n{}", diffs.join("\n"));
        }
        // Every present verdict quotes the document.
        let all_text = doc.text();
        for v in &r.elements {
            if v.presence.is_present() {
                assert!(
                    !v.evidence.is_empty(),
                    "{file}: {} present without evidence",
                    v.element
                );
                for ev in &v.evidence {
                    assert!(
                        all_text.contains(&ev.quote),
                        "{file}: quote not in text: {}",
                        ev.quote
                    );
                }
            }
        }
    }
    eprintln!("documents: {n}");
    for (e, c) in &el {
        eprintln!(
            "  {e:<11} F1 {:.3} (tp {} fp {} fn {})",
            c.f1(),
            c.tp,
            c.fp,
            c.fn_
        );
    }
    eprintln!("  cycle accuracy {:.3}", cycle_ok as f64 / n.max(1) as f64);
    eprintln!(
        "  doc_type accuracy {:.3}",
        type_ok as f64 / n.max(1) as f64
    );
    eprintln!("  risk micro-F1 {:.3}", risk.f1());
    eprintln!(
        "  section accuracy {:.3} ({sec_ok}/{sec_n})",
        sec_ok as f64 / sec_n.max(1) as f64
    );
    // The targets of issue #6; a regression below them fails.
    assert!(n > 0, "no documents read");
    for (e, c) in &el {
        assert!(c.f1() >= 0.95, "{e} F1 {:.3} < 0.95", c.f1());
    }
    assert!(cycle_ok as f64 / n as f64 >= 0.95, "cycle accuracy");
    assert!(type_ok as f64 / n as f64 >= 0.9, "doc_type accuracy");
    assert!(risk.f1() >= 0.9, "risk micro-F1");
}
