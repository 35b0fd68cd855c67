//! Russian PDFs made with LibreOffice (tests/fixtures/pdf, see make_fixtures.py): word-level
//! recall of the source text, reading order (two columns), the roadmap table's cells, metadata
//! and page locations — all through the worker process, as the CLI runs it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use shnor::extract::{Options, extract_bytes};
use shnor::model::{Block, Document};
use shnor::text::normalize;

fn fixture(name: &str) -> (Document, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf");
    let bytes = std::fs::read(dir.join(format!("{name}.pdf"))).expect("fixture pdf");
    let source = std::fs::read_to_string(dir.join(format!("{name}.txt"))).expect("fixture text");
    let opts = Options {
        pdf_worker: Some(PathBuf::from(env!("CARGO_BIN_EXE_shnor"))),
        ..Options::default()
    };
    let doc = extract_bytes(&format!("{name}.pdf"), &bytes, &opts).expect("extract");
    let lines = source
        .lines()
        .map(normalize)
        .filter(|l| !l.is_empty())
        .collect();
    (doc, lines)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Share of the source's words (with multiplicity) found in the extracted text.
fn recall(source: &[String], extracted: &str) -> f64 {
    let mut have: HashMap<String, usize> = HashMap::new();
    for w in words(extracted) {
        *have.entry(w).or_default() += 1;
    }
    let (mut found, mut total) = (0usize, 0usize);
    for w in source.iter().flat_map(|l| words(l)) {
        total += 1;
        if let Some(n) = have.get_mut(&w).filter(|n| **n > 0) {
            *n -= 1;
            found += 1;
        }
    }
    found as f64 / total.max(1) as f64
}

/// Every source paragraph appears whole, and in source order.
fn assert_in_order(source: &[String], extracted: &str) {
    let mut pos = 0;
    for line in source {
        let at = extracted[pos..]
            .find(line.as_str())
            .unwrap_or_else(|| panic!("«{line}» missing or out of order in:\n{extracted}"));
        pos += at + line.len();
    }
}

#[test]
fn one_column_times_like() {
    let (doc, source) = fixture("one_column_serif");
    let text = doc.text();
    let r = recall(&source, &text);
    println!("one_column_serif recall {r:.4}");
    assert!(r >= 0.99, "recall {r}");
    assert_in_order(&source, &text);
    assert_eq!(doc.metadata.pages, Some(1));
    assert!(
        matches!(&doc.blocks[0], Block::Heading { text, .. } if text == "Программа развития школы")
    );
    assert!(doc.blocks.iter().all(|b| b.loc().page == Some(1)));
    // One paragraph per source paragraph: justified lines were joined, none split.
    assert_eq!(doc.blocks.len(), source.len());
}

#[test]
fn two_columns_arial_like_read_column_by_column() {
    let (doc, source) = fixture("two_columns_sans");
    let text = doc.text();
    let r = recall(&source, &text);
    println!("two_columns_sans recall {r:.4}");
    assert!(r >= 0.99, "recall {r}");
    // Source order is title, left column, right column.
    assert_in_order(&source, &text);
}

#[test]
fn roadmap_table_cells() {
    let (doc, source) = fixture("roadmap_table");
    let r = recall(&source, &doc.text());
    println!("roadmap_table recall {r:.4}");
    assert!(r >= 0.99, "recall {r}");
    let table = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .expect("roadmap table detected");
    assert_eq!(table.columns(), 5);
    assert_eq!(table.rows.len(), 5);
    assert!(table.rows[0].header);
    let header: Vec<String> = table.rows[0].cells.iter().map(|c| c.text()).collect();
    assert_eq!(
        header,
        ["№", "Мероприятие", "Сроки", "Ответственный", "Показатель"]
    );
    let row2: Vec<String> = table.rows[2].cells.iter().map(|c| c.text()).collect();
    assert_eq!(
        row2[1],
        normalize("Организация работы родительского клуба «Вместе учимся»")
    );
    assert_eq!(row2[2], normalize("октябрь 2024 – май 2025"));
    assert_eq!(row2[3], "Социальный педагог");
    assert_eq!(table.loc.page, Some(1));
    // The paragraph after the table comes after it.
    assert!(
        matches!(doc.blocks.last(), Some(Block::Paragraph { text, .. }) if text.starts_with("По итогам"))
    );
}
