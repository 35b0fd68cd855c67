//! Hand-built check reports for unit tests (the same JSON the integration tests use).

use crate::model::CheckReport;

fn parse(json: &str) -> CheckReport {
    match serde_json::from_str(json) {
        Ok(r) => r,
        Err(e) => panic!("fixture does not match the CheckReport schema: {e}"),
    }
}

/// A medium-term programme with two risk-factor sections, an incomplete cycle, warnings,
/// roadmap rows and hostile text (`<script>`, `&`) in the source name and school.
pub fn medium_term() -> CheckReport {
    parse(include_str!("../../tests/report_fixtures/medium_term.json"))
}

/// A development programme with a complete cycle and nothing to warn about.
pub fn complete() -> CheckReport {
    parse(include_str!("../../tests/report_fixtures/complete.json"))
}
