//! Rules as data: `rules/*.toml` loaded and validated once into `Rules` (issue #6).
//!
//! The rule files are configuration an expert edits without recompiling. Loading parses every
//! file, checks every reference and compiles every pattern; any problem becomes a `RuleIssue`
//! naming the file, the line and the reason, so a broken edit fails at load, never mid-check.

mod engine;
mod loader;
mod types;

pub use engine::{Patterns, fold};
pub use loader::FILES;
pub use types::*;
