//! The regression floor a labelled folder must keep.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::*;
use crate::model::Element;

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
