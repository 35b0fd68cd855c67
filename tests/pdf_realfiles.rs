//! Every PDF of the shared real-world corpus (../shared/realfiles) through the worker process:
//! text or a coded error within the time limit, the caller never crashes, outcomes match the
//! manifest tags, and fidelity against the pdftotext references is high. Skips when the corpus
//! is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;
use shnor::extract::{Options, extract_bytes};

/// Extracted full text, or (error code, Russian message).
type Outcome = Result<String, (String, String)>;

/// Regression floor for the median fidelity (measured 0.973 over 56 usable references, 2026-11-23).
const FIDELITY_FLOOR: f64 = 0.96;

/// References that are objectively unusable: pdftotext printed raw glyph codes (CID fonts
/// without ToUnicode, manifest tag `no-tounicode`) instead of the document's text, so no faithful reader can match them. Listed here, printed, and left out of the median.
const UNUSABLE_REFERENCES: &[(&str, &str)] = &[
    (
        "089_test_3072.pdf",
        "reference is glyph-code mojibake (Latin-1/Hebrew code points), tagged cyrillic",
    ),
    (
        "096_complex_ttf_font.pdf",
        "reference is glyph-code mojibake (Gurmukhi/Myanmar code points), tagged cyrillic",
    ),
    (
        "125_ThuluthFeatures.pdf",
        "reference is glyph-code mojibake for the Arabic samples; ours reads the Latin captions",
    ),
];

struct Entry {
    file: String,
    tags: Vec<String>,
}

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realfiles");
    dir.join("MANIFEST.tsv").exists().then_some(dir)
}

fn manifest(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("manifest");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.get(1) == Some(&"pdf")).then(|| Entry {
                file: cols[0].to_string(),
                tags: cols
                    .get(8)
                    .map(|t| {
                        t.split(',')
                            .filter(|s| !s.is_empty())
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        })
        .collect()
}

#[test]
fn realfiles_pdf_outcomes_and_fidelity() {
    let Some(dir) = corpus() else {
        eprintln!("SKIP: ../shared/realfiles not found");
        return;
    };
    let entries = manifest(&dir);
    assert!(entries.len() > 50, "manifest lists {} PDFs", entries.len());
    let mut opts = Options {
        pdf_worker: Some(PathBuf::from(env!("CARGO_BIN_EXE_shnor"))),
        ..Options::default()
    };
    opts.limits.timeout = Duration::from_secs(30);

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    let results: Vec<(String, Vec<String>, Outcome)> = pool.install(|| {
        entries
            .par_iter()
            .map(|e| {
                let bytes =
                    std::fs::read(dir.join("files").join(&e.file)).expect("read corpus file");
                let r = extract_bytes(&e.file, &bytes, &opts)
                    .map(|d| d.reading_text())
                    .map_err(|err| (err.code().to_string(), err.message_ru()));
                (e.file.clone(), e.tags.clone(), r)
            })
            .collect()
    });

    // Outcome table by tag.
    let mut by_tag: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (_, tags, r) in &results {
        let outcome = match r {
            Ok(t) if t.trim().is_empty() => "ok-empty".to_string(),
            Ok(_) => "ok".to_string(),
            Err((code, _)) => code.clone(),
        };
        for tag in tags.iter().map(String::as_str).chain(["(all)"]) {
            *by_tag
                .entry(tag.to_string())
                .or_default()
                .entry(outcome.clone())
                .or_default() += 1;
        }
    }
    println!("\n{:<20} outcomes", "tag");
    for (tag, counts) in &by_tag {
        let cells: Vec<String> = counts.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!("{tag:<20} {}", cells.join(" "));
    }

    let mut wrong = Vec::new();
    for (file, tags, r) in &results {
        if let Err((code, msg)) = r {
            assert!(!msg.is_empty(), "{file}: error without message");
            println!("  {file}: {code}: {msg}");
        }
        let has = |t: &str| tags.iter().any(|x| x == t);
        if has("user-password") && !matches!(r, Err((c, _)) if c == "encrypted") {
            wrong.push(format!(
                "{file}: needs a user password but gave {:?}",
                short(r)
            ));
        }
        if has("no-text")
            && !has("user-password")
            && !matches!(r, Err((c, _)) if c == "scanned" || c == "empty")
        {
            wrong.push(format!("{file}: has no text layer but gave {:?}", short(r)));
        }
    }

    // Fidelity against pdftotext references.
    let mut scores: Vec<(f64, String, String)> = Vec::new();
    for (file, _, r) in &results {
        let Ok(reference) = std::fs::read_to_string(dir.join("ref").join(format!("{file}.txt")))
        else {
            continue;
        };
        if reference.split_whitespace().count() < 5 {
            continue;
        }
        if let Some((_, why)) = UNUSABLE_REFERENCES.iter().find(|(f, _)| f == file) {
            println!("  excluded: {file}: {why}");
            continue;
        }
        if let (Some(out), Ok(text)) = (std::env::var_os("PDF_DUMP_DIR"), r) {
            // Debugging aid: our text next to the reference for side-by-side comparison.
            let _ = std::fs::write(Path::new(&out).join(format!("{file}.txt")), text);
        }
        // Our extractors fold typographic quotes, dashes and odd spaces by design
        // (`text::normalize`); the reference goes through the same folding line by line (no
        // joining across lines), so the score measures text and order, not that convention.
        let reference: String = reference
            .lines()
            .map(|l| {
                // pdftotext wraps right-to-left runs in invisible bidi embedding controls.
                let l: String = l
                    .chars()
                    .filter(|c| !('\u{202A}'..='\u{202E}').contains(c))
                    .collect();
                shnor::text::normalize(&l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let (score, reason) = match r {
            Ok(text) => (
                shnor::text::similarity(text, &reference),
                "text".to_string(),
            ),
            Err((code, _)) => (0.0, format!("error {code}")),
        };
        scores.push((score, file.clone(), reason));
    }
    scores.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = scores[scores.len() / 2].0;
    println!(
        "\nfidelity vs pdftotext: {} files, median {median:.3}",
        scores.len()
    );
    for (s, f, why) in scores
        .iter()
        .take(if std::env::var_os("PDF_ALL_SCORES").is_some() {
            usize::MAX
        } else {
            5
        })
    {
        println!("  worst: {s:.3} {f} ({why})");
    }
    assert!(
        wrong.is_empty(),
        "outcomes contradict the manifest:\n{}",
        wrong.join("\n")
    );
    // Issue #4's bar is a median of 0.95, met since the reading order follows pdftotext's
    // (block growth and topological sort). What still scores low: ruled tables, which we read
    // row by row where pdftotext reads its own blocks (often whole columns), rotated tables,
    // form-field values pdftotext draws from widget appearances, and references that are
    // themselves garbage (fonts without ToUnicode, scans). The texts are
    // compared in reading order (`Document::reading_text`: furniture where it was read, list
    // markers kept). This floor catches regressions; PDF_DUMP_DIR=dir writes our texts.
    println!(
        "bar 0.95: {}",
        if median >= 0.95 { "met" } else { "NOT met" }
    );
    assert!(
        median >= FIDELITY_FLOOR,
        "median similarity {median:.3} < {FIDELITY_FLOOR}"
    );
}

fn short(r: &Outcome) -> Result<String, String> {
    match r {
        Ok(t) => Ok(t.chars().take(60).collect()),
        Err((c, _)) => Err(c.clone()),
    }
}
