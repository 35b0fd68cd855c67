//! `GET /api/search`: the archive behind the search page. The archive is opened on first use
//! and reopened whenever `shnor index` commits (seen as a change of `meta.json`), so a running
//! server follows the archive without a restart.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde_json::{Value, json};

use super::routes::ApiError;
use crate::index::{Archive, FacetValue, Hit, SearchQuery, Snippet, check_query_text};
use crate::model::{DocType, RiskFactor};

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;
const DEFAULT_LIMIT: usize = 10;

/// What identifies one committed state of the archive on disk.
type Stamp = (SystemTime, u64);

/// The open archive and the on-disk state it was opened at.
#[derive(Default)]
pub(crate) struct ArchiveCache {
    slot: Mutex<Option<(Stamp, Arc<Archive>)>>,
}

/// Why `--index DIR` cannot be served; `None` when it looks like an archive.
pub fn index_problem(dir: &Path) -> Option<String> {
    if !dir.is_dir() {
        return Some(format!(
            "папка поискового архива {} не найдена; постройте архив командой «shnor index ПАПКА --index {}»",
            dir.display(),
            dir.display()
        ));
    }
    if !dir.join("meta.json").is_file() {
        return Some(format!(
            "в папке {} нет поискового архива; постройте его командой «shnor index ПАПКА --index {}»",
            dir.display(),
            dir.display()
        ));
    }
    None
}

fn stamp(dir: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(dir.join("meta.json")).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl ArchiveCache {
    /// The archive as of the last commit on disk.
    fn get(&self, dir: &Path) -> Result<Arc<Archive>, ApiError> {
        // Archive::open would create an empty index where the folder vanished; refuse instead.
        let Some(now) = stamp(dir) else {
            return Err(ApiError::new(
                503,
                "index_unavailable",
                index_problem(dir).unwrap_or_else(|| "поисковый архив недоступен".to_string()),
            ));
        };
        let mut slot = self
            .slot
            .lock()
            .map_err(|_| ApiError::new(500, "internal", "внутренняя ошибка сервера"))?;
        if let Some((seen, archive)) = slot.as_ref()
            && *seen == now
        {
            return Ok(Arc::clone(archive));
        }
        let archive =
            Arc::new(Archive::open(dir).map_err(|e| ApiError::new(500, e.code(), e.message_ru()))?);
        *slot = Some((now, Arc::clone(&archive)));
        Ok(archive)
    }
}

/// Parse the request parameters (decoded, in order); every mistake is a 400 with a Russian
/// message, a query the parser cannot take safely included.
pub fn parse_query(params: &[(String, String)]) -> Result<SearchQuery, ApiError> {
    let bad = |code: &'static str, message: String| ApiError::new(400, code, message);
    let text = params
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    check_query_text(&text).map_err(|e| bad(e.code(), e.message_ru()))?;
    let mut query = SearchQuery {
        text,
        limit: DEFAULT_LIMIT,
        facets: true,
        snippets: true,
        ..SearchQuery::default()
    };
    for (key, value) in params {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "risk" => {
                let risk = RiskFactor::from_id(value).ok_or_else(|| {
                    bad(
                        "bad_risk",
                        format!(
                            "неизвестный фактор риска «{value}»; допустимые: {}",
                            ids(RiskFactor::ALL.iter().map(|r| r.id()))
                        ),
                    )
                })?;
                if !query.risk.contains(&risk) {
                    query.risk.push(risk);
                }
            }
            "type" => {
                query.doc_type = Some(DocType::from_id(value).ok_or_else(|| {
                    bad(
                        "bad_type",
                        format!(
                            "неизвестный тип документа «{value}»; допустимые: {}",
                            ids(DocType::ALL.iter().map(|d| d.id()))
                        ),
                    )
                })?);
            }
            "complete" => {
                query.complete = Some(match value {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(bad(
                            "bad_complete",
                            format!("параметр complete должен быть true или false, а не «{value}»"),
                        ));
                    }
                });
            }
            "year" => {
                query.year = Some(
                    value
                        .parse::<u16>()
                        .ok()
                        .filter(|y| (1900..=2200).contains(y))
                        .ok_or_else(|| bad("bad_year", format!("некорректный год «{value}»")))?,
                );
            }
            "limit" => {
                let n = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        bad(
                            "bad_limit",
                            format!("параметр limit должен быть целым числом от 1 до {MAX_LIMIT}"),
                        )
                    })?;
                query.limit = n.min(MAX_LIMIT);
            }
            _ => {}
        }
    }
    Ok(query)
}

fn ids<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.collect::<Vec<_>>().join(", ")
}

/// Run the query against the archive in `dir` (blocking).
pub(crate) fn search(
    query: &SearchQuery,
    dir: &Path,
    cache: &ArchiveCache,
) -> Result<Value, ApiError> {
    let archive = cache.get(dir)?;
    let results = archive
        .search(query)
        .map_err(|e| ApiError::new(500, e.code(), e.message_ru()))?;
    let facets = results.facets.unwrap_or_default();
    Ok(json!({
        "total": results.total,
        "hits": results.hits.iter().map(hit_json).collect::<Vec<_>>(),
        "facets": {
            "risk": facet_json(&facets.risk),
            "type": facet_json(&facets.doc_type),
            "complete": facet_json(&facets.complete),
            "year": facet_json(&facets.year),
        },
    }))
}

fn hit_json(h: &Hit) -> Value {
    json!({
        "source": h.source,
        "title": h.title,
        "school": h.school,
        "doc_type": h.doc_type.id(),
        "year_from": h.year_from,
        "year_to": h.year_to,
        "risk_factors": h.risk_factors.iter()
            .map(|r| json!({ "id": r.id(), "label": r.label_ru() }))
            .collect::<Vec<_>>(),
        "cycle_complete": h.cycle_complete,
        "missing": h.missing.iter()
            .map(|e| json!({ "id": e.id(), "label": e.label_ru() }))
            .collect::<Vec<_>>(),
        "section": h.section.as_ref().map(|s| s.title.as_str()),
        "snippet": snippet_parts(&h.snippet),
    })
}

fn facet_json(values: &[FacetValue]) -> Vec<Value> {
    values
        .iter()
        .map(|v| json!({ "id": v.id, "label": v.label, "count": v.count }))
        .collect()
}

/// The snippet as alternating plain and marked parts; a range that does not fall on character
/// boundaries is skipped rather than trusted.
pub fn snippet_parts(s: &Snippet) -> Vec<Value> {
    let mut parts = Vec::new();
    let mut pos = 0;
    let mut push = |text: &str, mark: bool| {
        if !text.is_empty() {
            parts.push(json!({ "text": text, "mark": mark }));
        }
    };
    for r in &s.highlights {
        let (Some(before), Some(word)) = (s.text.get(pos..r.start), s.text.get(r.clone())) else {
            continue;
        };
        push(before, false);
        push(word, true);
        pos = r.end;
    }
    push(s.text.get(pos..).unwrap_or_default(), false);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_splits_into_marked_parts() {
        let s = Snippet {
            text: "развитие наставничества в школе".into(),
            highlights: vec![17..45, 100..120],
        };
        let parts = snippet_parts(&s);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0]["text"], "развитие ");
        assert_eq!(parts[0]["mark"], false);
        assert_eq!(parts[1]["text"], "наставничества");
        assert_eq!(parts[1]["mark"], true);
        assert_eq!(parts[2]["text"], " в школе");
    }
}
