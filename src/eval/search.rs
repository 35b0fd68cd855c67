//! Search quality: recall and reciprocal rank of a ranked-results callback.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::*;
use crate::error::Error;
use crate::extract::{self, Options};
use crate::rules::Rules;

/// `{"queries": [{"q": "...", "relevant": ["files/..."]}]}`; paths are relative to `--docs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queries {
    pub queries: Vec<Query>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Query {
    pub q: String,
    pub relevant: Vec<String>,
}

impl Queries {
    pub fn load(path: &Path) -> Result<Queries, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: не удалось прочитать: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Index the labelled documents under `docs_dir` into a throw-away archive and score
/// `queries` against it. Documents that fail extraction or checking are not indexed (their
/// queries lose recall, which is the honest outcome).
pub fn evaluate_search(
    labels: &Labels,
    docs_dir: &Path,
    queries: &Queries,
    opts: &Options,
    rules: &Rules,
) -> Result<SearchScores, Error> {
    let tmp = tempfile::tempdir()?;
    let mut archive = crate::index::Archive::open(tmp.path())?;
    for d in &labels.documents {
        let path = docs_dir.join(&d.file);
        let Ok(doc) = extract::extract_file(&path, opts) else {
            continue;
        };
        let Ok(report) = check_guarded(&path, &doc, rules) else {
            continue;
        };
        archive.put(&doc, &report)?;
    }
    archive.commit()?;
    let limit = RECALL_AT * 4;
    Ok(search_metrics(queries, |q| {
        archive.ranked_sources(q, limit).unwrap_or_default()
    }))
}

/// How many top results count for recall.
pub const RECALL_AT: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryScore {
    pub q: String,
    /// Relevant documents among the first `RECALL_AT` distinct results, divided by
    /// `min(relevant, RECALL_AT)`.
    pub recall_at_5: f64,
    /// 1 / rank of the first relevant result, 0 when none is returned.
    pub reciprocal_rank: f64,
    /// Relevant documents missing from the first `RECALL_AT`.
    pub missed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchScores {
    pub queries: u32,
    /// Mean over queries.
    pub recall_at_5: f64,
    /// Mean reciprocal rank.
    pub mrr: f64,
    pub per_query: Vec<QueryScore>,
}

/// Score a search function: `search(q)` returns document paths, best first. Paths may repeat
/// (one hit per section); only the first occurrence of each document counts. A result matches a
/// relevant entry when its path ends with it (so absolute and relative paths both work).
pub fn search_metrics(queries: &Queries, search: impl Fn(&str) -> Vec<String>) -> SearchScores {
    let mut per_query = Vec::new();
    for query in &queries.queries {
        let mut ranked: Vec<String> = Vec::new();
        for hit in search(&query.q) {
            if !ranked.iter().any(|h| same_doc(h, &hit)) {
                ranked.push(hit);
            }
        }
        let top = &ranked[..ranked.len().min(RECALL_AT)];
        let missed: Vec<String> = query
            .relevant
            .iter()
            .filter(|r| !top.iter().any(|h| path_matches(h, r)))
            .cloned()
            .collect();
        let found = query.relevant.len() - missed.len();
        // Capped denominator: a query with more relevant documents than slots can still
        // reach 1.0 when the first `RECALL_AT` results are all relevant.
        let slots = query.relevant.len().min(RECALL_AT);
        let found = found.min(slots);
        let recall = if slots == 0 {
            1.0
        } else {
            found as f64 / slots as f64
        };
        let rr = ranked
            .iter()
            .position(|h| query.relevant.iter().any(|r| path_matches(h, r)))
            .map(|i| 1.0 / (i + 1) as f64)
            .unwrap_or(0.0);
        per_query.push(QueryScore {
            q: query.q.clone(),
            recall_at_5: recall,
            reciprocal_rank: rr,
            missed,
        });
    }
    let n = per_query.len();
    let mean = |f: fn(&QueryScore) -> f64| {
        if n == 0 {
            0.0
        } else {
            per_query.iter().map(f).sum::<f64>() / n as f64
        }
    };
    SearchScores {
        queries: n as u32,
        recall_at_5: mean(|s| s.recall_at_5),
        mrr: mean(|s| s.reciprocal_rank),
        per_query,
    }
}

pub(super) fn same_doc(a: &str, b: &str) -> bool {
    Path::new(a) == Path::new(b)
}

/// `hit` names the relevant document when its trailing path components equal `relevant`'s.
pub fn path_matches(hit: &str, relevant: &str) -> bool {
    let rel = PathBuf::from(relevant);
    Path::new(hit).ends_with(&rel) || Path::new(relevant).ends_with(hit)
}
