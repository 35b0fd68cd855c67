//! Report file names: derived from a source's relative path, safe on every file system, and
//! unique. Names are assigned over the sorted source list, so they are the same on every run
//! with the same inputs.

use std::collections::HashSet;

use super::sources::Source;

/// Longest stem in bytes; leaves room for a collision suffix and the extension within the
/// usual 255-byte file name limit.
const MAX_STEM_BYTES: usize = 180;

/// One stem per source, in the same order. Path parts are joined with `__`; characters other
/// than letters, digits, `.`, `-`, `_` and `№` become `_`; collisions (compared
/// case-insensitively, for case-insensitive file systems) get `-2`, `-3`, …
pub fn assign(sources: &[Source]) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    sources
        .iter()
        .map(|s| {
            let base = sanitize(&s.rel);
            let mut stem = base.clone();
            let mut n = 2;
            while !taken.insert(stem.to_lowercase()) {
                stem = format!("{base}-{n}");
                n += 1;
            }
            stem
        })
        .collect()
}

pub fn sanitize(rel: &str) -> String {
    let parts: Vec<String> = rel
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(|p| {
            p.chars()
                .map(|c| {
                    if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '№') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    let mut stem = parts.join("__");
    // No hidden files and nothing the cleanup of temporary files would take for its own.
    while stem.starts_with('.') {
        stem.replace_range(..1, "_");
    }
    if stem.is_empty() {
        stem.push_str("document");
    }
    if stem.len() > MAX_STEM_BYTES {
        // Keep the end (file name and extension), which tells documents apart best.
        let mut cut = stem.len() - MAX_STEM_BYTES;
        while !stem.is_char_boundary(cut) {
            cut += 1;
        }
        stem = stem[cut..].to_string();
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::sources::Origin;

    fn src(rel: &str) -> Source {
        Source {
            display: rel.into(),
            rel: rel.into(),
            origin: Origin::File(rel.into()),
        }
    }

    #[test]
    fn names_are_safe_and_unique() {
        let names = assign(&[
            src("Школа 5/программа развития.docx"),
            src("Школа_5/программа_развития.docx"),
            src("школа_5/ПРОГРАММА_развития.docx"),
            src("../.secret/a?b*.pdf"),
            src("up.zip/dir/№7.txt"),
        ]);
        assert_eq!(
            names,
            [
                "Школа_5__программа_развития.docx",
                "Школа_5__программа_развития.docx-2",
                "школа_5__ПРОГРАММА_развития.docx-3",
                "_secret__a_b_.pdf",
                "up.zip__dir__№7.txt",
            ]
        );
    }

    #[test]
    fn long_names_keep_their_end_within_limits() {
        let long = format!("{}/итоговый.pdf", "я".repeat(300));
        let stem = sanitize(&long);
        assert!(stem.len() <= MAX_STEM_BYTES);
        assert!(stem.ends_with("__итоговый.pdf"));
    }
}
