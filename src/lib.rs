//! shnor — checks Russian school development programmes (project «500+», ШНОР) for a full
//! management cycle: goal → measures → indicators → monitoring → analysis.
//!
//! Pipeline (data flows one way): `extract` (file → `model::Document`) → `structure`
//! (sections, doc type, risk factors) → `check` (rules → `model::CheckReport`) → sinks
//! (`report`, `index`). See docs/ARCHITECTURE.md.

pub mod check;
pub mod error;
pub mod eval;
pub mod extract;
pub mod index;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod server;
pub mod structure;
pub mod text;

pub use error::{Error, FileError, Result};
