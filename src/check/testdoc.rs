//! A small Markdown-like reader that builds a `Document` from text, for tests of the checker
//! that must not depend on the format extractors: `#` headings, `-`/`*`/`•` list items,
//! pipe tables (a `|---|` line marks the row above as the header; `<br>` splits a cell into
//! paragraphs), paragraphs separated by blank lines.

use crate::model::{Block, Cell, Document, Format, Location, Metadata, Row, Table};

/// Build a `Document` from Markdown-like text.
pub fn document(source: &str, text: &str) -> Document {
    let mut blocks = Vec::new();
    let mut para: Vec<String> = Vec::new();
    let mut table: Vec<Row> = Vec::new();
    let flush_para = |para: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            blocks.push(Block::Paragraph {
                text: para.join(" "),
                loc: Location::default(),
            });
            para.clear();
        }
    };
    let flush_table = |table: &mut Vec<Row>, blocks: &mut Vec<Block>| {
        if !table.is_empty() {
            blocks.push(Block::Table(Table {
                rows: std::mem::take(table),
                loc: Location::default(),
            }));
        }
    };
    for raw in text.lines() {
        // Bold and italic markers are formatting, not text.
        let unmarked = raw.replace("**", "").replace("__", "");
        let line = unmarked.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with('|') {
            flush_para(&mut para, &mut blocks);
            let inner = trimmed.trim_start_matches('|').trim_end_matches('|');
            let cells: Vec<&str> = inner.split('|').collect();
            if cells
                .iter()
                .all(|c| !c.trim().is_empty() && c.trim().chars().all(|ch| matches!(ch, '-' | ':')))
            {
                if let Some(last) = table.last_mut() {
                    last.header = true;
                }
                continue;
            }
            let row = Row {
                cells: cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Cell {
                        col: i as u32,
                        col_span: 1,
                        row_span: 1,
                        blocks: c
                            .split("<br>")
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(|s| Block::Paragraph {
                                text: s.to_string(),
                                loc: Location::default(),
                            })
                            .collect(),
                    })
                    .collect(),
                header: false,
            };
            table.push(row);
            continue;
        }
        flush_table(&mut table, &mut blocks);
        if trimmed.is_empty() {
            flush_para(&mut para, &mut blocks);
            continue;
        }
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        if hashes > 0 && trimmed[hashes..].starts_with(' ') {
            flush_para(&mut para, &mut blocks);
            blocks.push(Block::Heading {
                level: hashes.min(6) as u8,
                text: trimmed[hashes..].trim().to_string(),
                loc: Location::default(),
            });
            continue;
        }
        let indent = line.len() - trimmed.len();
        if let Some(rest) = ["- ", "* ", "• "]
            .iter()
            .find_map(|m| trimmed.strip_prefix(m))
        {
            flush_para(&mut para, &mut blocks);
            blocks.push(Block::ListItem {
                level: (indent / 2).min(8) as u8,
                marker: Some("•".into()),
                text: rest.trim().to_string(),
                loc: Location::default(),
            });
            continue;
        }
        para.push(trimmed.to_string());
    }
    flush_table(&mut table, &mut blocks);
    flush_para(&mut para, &mut blocks);
    let mut doc = Document {
        source: source.to_string(),
        format: Format::Txt,
        hash: blake3::hash(text.as_bytes()).to_hex().to_string(),
        metadata: Metadata::default(),
        blocks,
        furniture: Vec::new(),
        notes: Vec::new(),
        warnings: Vec::new(),
    };
    doc.renumber();
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headings_lists_tables() {
        let d = document(
            "x.md",
            "# Заголовок\n\nАбзац\nпродолжение\n\n- пункт\n\n| A | B |\n|---|---|\n| 1 | 2<br>3 |\n",
        );
        assert_eq!(d.blocks.len(), 4);
        assert!(
            matches!(&d.blocks[0], Block::Heading { level: 1, text, .. } if text == "Заголовок")
        );
        assert!(
            matches!(&d.blocks[1], Block::Paragraph { text, .. } if text == "Абзац продолжение")
        );
        match &d.blocks[3] {
            Block::Table(t) => {
                assert!(t.rows[0].header);
                assert_eq!(t.rows[1].cells[1].text(), "2\n3");
                assert_eq!(t.loc.block, 3);
            }
            other => panic!("not a table: {other:?}"),
        }
    }
}
