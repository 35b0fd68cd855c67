//! Archive search on tantivy with a Russian analyzer (issue #8).
