//! The per-document report as JSON: the `CheckReport` itself (schema in docs/REPORT_SCHEMA.md).

use crate::error::{Error, Result};
use crate::model::CheckReport;

/// Pretty-printed JSON with a trailing newline.
pub fn render(r: &CheckReport) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(r)
        .map_err(|e| Error::Corrupt(format!("не удалось записать JSON: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    #[test]
    fn round_trips_and_is_versioned() {
        let r = fixtures::medium_term();
        let bytes = render(&r).unwrap();
        let back: CheckReport = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, r);
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["schema_version"], crate::model::SCHEMA_VERSION);
        assert_eq!(v["elements"][4]["presence"], "absent");
        assert_eq!(v["sections"][1]["risk_factor"], "low_parent_involvement");
    }
}
