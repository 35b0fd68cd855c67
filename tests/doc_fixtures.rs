//! Programmes of corpus-samples saved as Word 97 .doc by LibreOffice (`soffice --headless
//! --convert-to doc`, in tests/fixtures/doc/) give the same verdicts as their DOCX: doc type,
//! risk factors, every element's presence, per-section verdicts, roadmap rows and the cycle
//! verdict; tables and headings are the same in number.

use std::path::Path;

use shnor::check::check;
use shnor::extract::{Options, extract_file};
use shnor::model::{Block, CheckReport, Format};
use shnor::rules::Rules;

fn verdicts(r: &CheckReport) -> String {
    let elements: Vec<String> = r
        .elements
        .iter()
        .map(|v| format!("{}={:?}", v.element.id(), v.presence))
        .collect();
    let sections: Vec<String> = r
        .sections
        .iter()
        .map(|s| {
            let e: Vec<String> = s
                .elements
                .iter()
                .map(|v| format!("{:?}", v.presence))
                .collect();
            format!("{:?}:{}:{}", s.risk_factor, e.join(","), s.cycle_complete)
        })
        .collect();
    format!(
        "type={} risks={:?} {} sections=[{}] roadmap_rows={} complete={}",
        r.doc_type.id(),
        r.risk_factors,
        elements.join(" "),
        sections.join("; "),
        r.roadmap_rows.len(),
        r.cycle_complete
    )
}

fn count_tables(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter(|b| matches!(b, Block::Table(_)))
        .count()
}

#[test]
fn doc_fixtures_match_their_docx_verdicts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/fixtures/doc");
    let rules = Rules::builtin();
    let opts = Options::default();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/doc")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "doc"))
        .collect();
    names.sort();
    assert!(names.len() >= 5, "expected the converted programmes");
    let mut mismatches = Vec::new();
    for doc_path in names {
        let stem = doc_path.file_stem().unwrap().to_string_lossy().into_owned();
        let docx_path = root
            .join("corpus-samples/files")
            .join(format!("{stem}.docx"));
        let doc = extract_file(&doc_path, &opts).unwrap_or_else(|e| panic!("{stem}.doc: {e}"));
        let docx = extract_file(&docx_path, &opts).unwrap_or_else(|e| panic!("{stem}.docx: {e}"));
        assert_eq!(doc.format, Format::Doc);
        // Tables survive as tables, headings as headings.
        assert_eq!(
            count_tables(&doc.blocks),
            count_tables(&docx.blocks),
            "{stem}: tables"
        );
        let headings = |d: &shnor::model::Document| {
            d.blocks
                .iter()
                .filter(|b| matches!(b, Block::Heading { .. }))
                .count()
        };
        assert_eq!(headings(&doc), headings(&docx), "{stem}: headings");
        let (a, b) = (
            verdicts(&check(&doc, &rules)),
            verdicts(&check(&docx, &rules)),
        );
        println!("{stem}: {a}");
        if a != b {
            mismatches.push(format!("{stem}\n  doc:  {a}\n  docx: {b}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
