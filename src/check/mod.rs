//! The management-cycle checker: `Document` + `Rules` → `CheckReport` (issue #6).

use crate::model::{CheckReport, Document};
use crate::rules::Rules;

pub fn check(_doc: &Document, _rules: &Rules) -> CheckReport {
    unimplemented!("issue #6")
}
