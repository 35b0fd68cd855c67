//! Robustness and fidelity of the DOCX/ODT/RTF/TXT readers on the real third-party files in
//! ../shared/realfiles (.doc has its own test, `extract_doc.rs`). Skips with a message when the folder is absent.
//!
//! Fidelity compares our text with the reference extraction (pandoc for DOCX/ODT/RTF, the
//! decoded file for TXT) by `shnor::text::similarity`; the median must be ≥ 0.95.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use shnor::extract::{Options, extract_file};
use shnor::model::{Document, Format};
use shnor::text::similarity;

const MAX_COMPARED_CHARS: usize = 200_000;

const KINDS: [&str; 4] = ["docx", "odt", "rtf", "txt"];

struct Entry {
    file: String,
    kind: String,
    tags: Vec<String>,
}

fn realfiles() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realfiles");
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

fn manifest(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let (file, kind, tags) = (cols.first()?, cols.get(1)?, cols.get(8)?);
            KINDS.contains(kind).then(|| Entry {
                file: file.to_string(),
                kind: kind.to_string(),
                tags: tags
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

/// Files whose reference tool succeeded with some text.
fn usable_references(dir: &Path) -> HashMap<String, ()> {
    let text = std::fs::read_to_string(dir.join("REFERENCE.tsv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let ok = cols.get(2) == Some(&"0")
                && cols
                    .get(4)
                    .and_then(|c| c.parse::<u64>().ok())
                    .is_some_and(|c| c > 0);
            ok.then(|| (cols[0].to_string(), ()))
        })
        .collect()
}

/// The error code a file must give, or `None` when it must extract.
fn expected_error(e: &Entry) -> Option<&'static str> {
    let has = |t: &str| e.tags.iter().any(|x| x == t);
    if has("encrypted") {
        return Some("encrypted");
    }
    if has("broken") && has("reference-failed") {
        return Some("corrupt");
    }
    None
}

/// A reference with no words: only whitespace, table rules or pandoc's `[image]` placeholder.
fn is_blank_reference(r: &str) -> bool {
    r.replace("[image]", "")
        .chars()
        .all(|c| c.is_whitespace() || c == '-')
}

/// What pandoc prints in plain mode: body and notes, no running headers/footers.
fn comparable_text(doc: &Document) -> String {
    match doc.format {
        Format::Txt => doc.text(),
        _ => {
            let mut parts = vec![doc.text()];
            parts.extend(doc.notes.iter().map(|b| b.text()));
            parts.join("\n\n")
        }
    }
}

#[test]
fn realfiles_extract_without_panic_and_with_fidelity() {
    let Some(dir) = realfiles() else {
        eprintln!("SKIP: ../shared/realfiles not found");
        return;
    };
    let refs = usable_references(&dir);
    let opts = Options::default();
    let mut problems = Vec::new();
    let mut scores: Vec<(f64, String, String)> = Vec::new();
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    let mut max_time = (0.0f64, String::new());
    for e in manifest(&dir) {
        let path = dir.join("files").join(&e.file);
        let start = Instant::now();
        let result = extract_file(&path, &opts);
        let secs = start.elapsed().as_secs_f64();
        if secs > max_time.0 {
            max_time = (secs, e.file.clone());
        }
        let outcome = match &result {
            Ok(_) => "ok".to_string(),
            Err(err) => err.code().to_string(),
        };
        *counts.entry((e.kind.clone(), outcome.clone())).or_default() += 1;
        let reference = refs
            .contains_key(&e.file)
            .then(|| std::fs::read_to_string(dir.join("ref").join(format!("{}.txt", e.file))).ok())
            .flatten();
        let reference_blank = reference.as_deref().is_none_or(is_blank_reference);
        match (&result, expected_error(&e)) {
            (Ok(_), Some(code)) => problems.push(format!("{}: extracted, expected {code}", e.file)),
            (Err(err), Some(code)) if err.code() != code => problems.push(format!(
                "{}: got {} ({}), expected {code}",
                e.file,
                err.code(),
                err.message_ru()
            )),
            // `empty` is right for a document whose reference text is blank too.
            (Err(err), None)
                if err.code() != "empty"
                    || !(reference_blank || e.tags.iter().any(|t| t == "empty")) =>
            {
                problems.push(format!(
                    "{}: unexpected error {} ({})",
                    e.file,
                    err.code(),
                    err.message_ru()
                ))
            }
            _ => {}
        }
        if let Err(err) = &result {
            println!(
                "{:>7.3}s  {:<5} {:<48} error {}",
                secs,
                e.kind,
                e.file,
                err.code()
            );
            continue;
        }
        let Ok(doc) = result else { continue };
        match reference {
            // Levenshtein over two texts this long and this different takes minutes in a
            // debug build; such files are reported, not scored.
            Some(r) if r.chars().count() > MAX_COMPARED_CHARS => println!(
                "{:>7.3}s  {:<5} {:<48} not scored: reference longer than {MAX_COMPARED_CHARS} chars",
                secs, e.kind, e.file
            ),
            Some(r) => {
                let s = similarity(&comparable_text(&doc), &r);
                println!(
                    "{:>7.3}s  {:<5} {:<48} similarity {s:.3}",
                    secs, e.kind, e.file
                );
                scores.push((s, e.file.clone(), e.kind.clone()));
            }
            _ => println!(
                "{:>7.3}s  {:<5} {:<48} ok (no reference)",
                secs, e.kind, e.file
            ),
        }
    }

    let mut per_kind: Vec<_> = counts.into_iter().collect();
    per_kind.sort();
    println!("\noutcomes per format:");
    for ((kind, outcome), n) in &per_kind {
        println!("  {kind:<5} {outcome:<12} {n}");
    }
    println!("slowest file: {} ({:.3} s)", max_time.1, max_time.0);

    scores.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(!scores.is_empty(), "no file had a usable reference");
    let median = scores[scores.len() / 2].0;
    println!("\nfidelity over {} files: median {median:.3}", scores.len());
    println!("worst five:");
    for (s, f, k) in scores.iter().take(5) {
        println!("  {s:.3}  {k:<5} {f}");
    }
    assert!(
        problems.is_empty(),
        "wrong outcomes:\n{}",
        problems.join("\n")
    );
    assert!(median >= 0.95, "median similarity {median:.3} < 0.95");
}
