//! Developer tasks for shnor: a synthetic corpus generator (`gen`) and the benchmark harness
//! (`bench`). Kept out of the main crate so `cargo test` there never builds it.

pub mod bench;
pub mod compose;
pub mod corpus;
pub mod docx;
pub mod model;
pub mod odt;
pub mod pdf;
pub mod rng;
pub mod txt;
pub mod vocab;
