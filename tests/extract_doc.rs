//! Legacy Word (.doc) on the real third-party files in ../shared/realfiles: every file gives a
//! document or the right error code, and where LibreOffice produced a reference the word-level
//! agreement (multiset F1 of lower-cased words) has a median ≥ 0.95. Skips when the folder is
//! absent. Also checks that cfb's chain validation turns a looping sector chain into `corrupt`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use shnor::extract::{Options, extract_bytes, extract_file};
use shnor::model::Document;

/// `../shared/realfiles`, or the folder `SHNOR_REALFILES` names.
fn realfiles() -> Option<PathBuf> {
    let dir = std::env::var_os("SHNOR_REALFILES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realfiles"));
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// (file, tags) of the .doc entries.
fn doc_entries(dir: &Path) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols.get(1) == Some(&"doc")).then(|| {
                let tags = cols.get(8).copied().unwrap_or_default();
                (
                    cols[0].to_string(),
                    tags.split(',')
                        .filter(|t| !t.is_empty())
                        .map(str::to_string)
                        .collect(),
                )
            })
        })
        .collect()
}

fn words(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *m.entry(w.to_lowercase().replace('ё', "е")).or_default() += 1;
    }
    m
}

/// 2·|common words| / (|a| + |b|) over word multisets; 1 when both are empty.
fn word_agreement(a: &str, b: &str) -> f64 {
    let (wa, wb) = (words(a), words(b));
    let (na, nb): (usize, usize) = (wa.values().sum(), wb.values().sum());
    if na + nb == 0 {
        return 1.0;
    }
    let common: usize = wa
        .iter()
        .map(|(w, n)| (*n).min(wb.get(w).copied().unwrap_or(0)))
        .sum();
    2.0 * common as f64 / (na + nb) as f64
}

/// What LibreOffice's text export prints: the body and notes, headers and footers.
fn comparable(doc: &Document) -> String {
    doc.full_text()
}

#[test]
fn word_agreement_counts_words_not_layout() {
    assert_eq!(word_agreement("Цель: повысить", "цель\tповысить"), 1.0);
    assert!((word_agreement("a b c d", "a b") - 2.0 * 2.0 / 6.0).abs() < 1e-9);
    assert_eq!(word_agreement("", ""), 1.0);
    assert_eq!(word_agreement("слово", ""), 0.0);
}

#[test]
fn realfiles_doc_extract_with_word_agreement() {
    let Some(dir) = realfiles() else {
        eprintln!("SKIP: ../shared/realfiles not found");
        return;
    };
    let opts = Options::default();
    let mut scores = Vec::new();
    let mut problems = Vec::new();
    for (file, tags) in doc_entries(&dir) {
        let has = |t: &str| tags.iter().any(|x| x == t);
        let result = extract_file(&dir.join("files").join(&file), &opts);
        let reference = std::fs::read_to_string(dir.join("ref").join(format!("{file}.txt")))
            .ok()
            .filter(|r| !has("reference-failed") && r.chars().any(char::is_alphanumeric));
        let expected = if has("encrypted") {
            Some("encrypted")
        } else if has("not-ole2") {
            Some("unsupported")
        } else if has("broken") && reference.is_none() {
            Some("corrupt")
        } else if reference.is_none() {
            Some("empty")
        } else {
            None
        };
        match (&result, expected) {
            (Ok(doc), None) => {
                let r = reference.as_deref().unwrap_or_default();
                let s = word_agreement(&comparable(doc), r);
                println!("{file:<44} agreement {s:.3}");
                scores.push((s, file.clone()));
            }
            (Err(e), Some(code)) if e.code() == code => {
                println!("{file:<44} {code}: {}", e.message_ru());
            }
            (Ok(_), Some(code)) => problems.push(format!("{file}: extracted, expected {code}")),
            (Err(e), _) => problems.push(format!(
                "{file}: got {} ({}), expected {}",
                e.code(),
                e.message_ru(),
                expected.unwrap_or("a document")
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "wrong outcomes:\n{}",
        problems.join("\n")
    );
    assert!(!scores.is_empty(), "no .doc with a reference");
    scores.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = scores[scores.len() / 2].0;
    println!(
        "word agreement over {} files: median {median:.3}, worst {:.3} ({})",
        scores.len(),
        scores[0].0,
        scores[0].1
    );
    assert!(median >= 0.95, "median word agreement {median:.3} < 0.95");
}

/// A compound file whose WordDocument stream (a Word 97 FIB start, then filler) has a
/// sector chain that loops: its first sector points back at itself.
fn looping_ole() -> Vec<u8> {
    use std::io::Write;
    let mut c =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, std::io::Cursor::new(Vec::new()))
            .expect("create");
    let mut s = c.create_stream("/WordDocument").expect("stream");
    let mut data = vec![0xEC, 0xA5, 0xC1, 0x00, b'L', b'O', b'O', b'P'];
    data.resize(8192, 0x41);
    s.write_all(&data).expect("write");
    drop(s);
    c.flush().expect("flush");
    let mut bytes = c.into_inner().into_inner();
    // 512-byte sectors (version 3): sector k starts at (k + 1) * 512; the first DIFAT entry
    // in the header (0x4C) names the first FAT sector.
    let first = (1..bytes.len() / 512)
        .find(|k| bytes[k * 512..].starts_with(&data[..8]))
        .expect("stream sector")
        - 1;
    let fat_sector = u32::from_le_bytes(bytes[0x4C..0x50].try_into().expect("4 bytes")) as usize;
    let at = (fat_sector + 1) * 512 + 4 * first;
    bytes[at..at + 4].copy_from_slice(&(first as u32).to_le_bytes());
    bytes
}

#[test]
fn looping_sector_chain_is_corrupt_not_a_hang() {
    let bytes = looping_ole();
    let err = extract_bytes("петля.doc", &bytes, &Options::default()).expect_err("must fail");
    assert_eq!(err.code(), "corrupt", "{}", err.message_ru());
}

/// A version-3 compound file with one stream.
fn ole_with(stream: &str, data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut c =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, std::io::Cursor::new(Vec::new()))
            .expect("create");
    c.create_stream(stream)
        .expect("stream")
        .write_all(data)
        .expect("write");
    c.flush().expect("flush");
    c.into_inner().into_inner()
}

#[test]
fn encrypted_and_foreign_ole_files_get_their_codes() {
    let opts = Options::default();
    // FIB of Word 97 with fEncrypted (bit 8 of the flags at 0x0A).
    let mut fib = vec![0u8; 1024];
    fib[..4].copy_from_slice(&[0xEC, 0xA5, 0xC1, 0x00]);
    fib[0x0A..0x0C].copy_from_slice(&0x0100u16.to_le_bytes());
    let err = extract_bytes("пароль.doc", &ole_with("/WordDocument", &fib), &opts)
        .expect_err("encrypted");
    assert_eq!(err.code(), "encrypted");
    // An Excel workbook named .doc.
    let err = extract_bytes("таблица.doc", &ole_with("/Workbook", &[0u8; 4096]), &opts)
        .expect_err("not Word");
    assert_eq!(err.code(), "unsupported");
    assert!(err.message_ru().contains("Excel"), "{}", err.message_ru());
    // A Word stream without its table stream is damaged, not a panic.
    fib[0x0A..0x0C].copy_from_slice(&0u16.to_le_bytes());
    let err = extract_bytes("без таблицы.doc", &ole_with("/WordDocument", &fib), &opts)
        .expect_err("no table stream");
    assert_eq!(err.code(), "corrupt");
}
