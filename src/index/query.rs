//! Limits on search text, checked before tantivy's query parser sees it. The parser recurses
//! once per group `(` and per `NOT`, so a long enough run of either overflows the stack and
//! aborts the process; the CLI and the server both refuse such text with a Russian message.

/// Longest accepted query text, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most groups `(` and `NOT`s in one query: a bound on the parser's nesting.
pub const MAX_QUERY_DEPTH: usize = 24;

/// Why a query text is refused before parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    TooLong,
    TooDeep,
}

impl QueryError {
    /// Stable machine code (the server's `error.code`).
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::TooLong => "query_too_long",
            QueryError::TooDeep => "query_too_deep",
        }
    }

    pub fn message_ru(&self) -> String {
        match self {
            QueryError::TooLong => {
                format!("слишком длинный запрос: не больше {MAX_QUERY_CHARS} символов")
            }
            QueryError::TooDeep => format!(
                "слишком сложный запрос: не больше {MAX_QUERY_DEPTH} скобок и операторов НЕ (NOT)"
            ),
        }
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message_ru())
    }
}

impl std::error::Error for QueryError {}

/// Refuse text the query parser cannot take safely: over `MAX_QUERY_CHARS` characters, or
/// with more than `MAX_QUERY_DEPTH` groups and `NOT`s.
///
/// Every `(` and every `NOT` (or `НЕ`, which becomes `NOT`) is counted, wherever it stands, so
/// the count bounds the parser's nesting however quotes, escapes and `)` are placed: a running
/// depth would have to model exactly where tantivy sees a phrase or an escape, and any
/// disagreement would let a deep query through.
pub fn check_query_text(text: &str) -> Result<(), QueryError> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong);
    }
    let groups = text.matches('(').count();
    let nots = text
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"'))
        .filter(|w| matches!(*w, "NOT" | "НЕ"))
        .count();
    if groups + nots > MAX_QUERY_DEPTH {
        return Err(QueryError::TooDeep);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_queries_pass() {
        for q in [
            "",
            "наставничество",
            "\"родительский клуб\" AND (мотивация OR благополучие)",
            "((",
            "a NOT b НЕ c",
            "title:(цель задачи)",
            "NOTE НЕТ",
        ] {
            assert_eq!(check_query_text(q), Ok(()), "{q}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        assert_eq!(
            check_query_text(&"(".repeat(MAX_QUERY_DEPTH + 1)),
            Err(QueryError::TooDeep)
        );
        assert_eq!(
            check_query_text(&"(".repeat(MAX_QUERY_DEPTH)),
            Ok(()),
            "the limit itself is allowed"
        );
        assert_eq!(
            check_query_text(&"NOT ".repeat(MAX_QUERY_DEPTH + 1)),
            Err(QueryError::TooDeep)
        );
        assert_eq!(
            check_query_text(&format!("{}x", "НЕ (".repeat(13))),
            Err(QueryError::TooDeep)
        );
        assert_eq!(
            check_query_text(&"(".repeat(1000)),
            Err(QueryError::TooDeep)
        );
    }

    #[test]
    fn closing_brackets_inside_phrases_or_escaped_do_not_hide_depth() {
        let hidden = format!("{}\"{}\"{}", "(".repeat(13), ")".repeat(13), "(".repeat(13));
        assert_eq!(check_query_text(&hidden), Err(QueryError::TooDeep));
        let escaped = format!("{}{}{}", "(".repeat(13), "\\)".repeat(13), "(".repeat(13));
        assert_eq!(check_query_text(&escaped), Err(QueryError::TooDeep));
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(check_query_text(&"я".repeat(MAX_QUERY_CHARS)), Ok(()));
        assert_eq!(
            check_query_text(&"я".repeat(MAX_QUERY_CHARS + 1)),
            Err(QueryError::TooLong)
        );
        assert!(QueryError::TooDeep.message_ru().contains("НЕ"));
    }

    /// Every query the check lets through parses and searches on a thread with a small stack.
    #[test]
    fn worst_accepted_queries_search_on_a_small_stack() {
        let dir = tempfile::tempdir().expect("tempdir");
        let archive = crate::index::Archive::open(dir.path()).expect("archive");
        let worst = [
            "(".repeat(MAX_QUERY_DEPTH),
            "NOT ".repeat(MAX_QUERY_DEPTH) + "x",
            "НЕ (".repeat(MAX_QUERY_DEPTH / 2) + "x",
            "(a OR ".repeat(MAX_QUERY_DEPTH) + &")".repeat(MAX_QUERY_DEPTH),
        ];
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                for q in worst {
                    assert_eq!(check_query_text(&q), Ok(()), "{q}");
                    archive
                        .search(&crate::index::SearchQuery::new(q.clone()))
                        .unwrap_or_else(|e| panic!("{q}: {e}"));
                }
            })
            .expect("spawn")
            .join()
            .expect("no overflow");
    }
}
