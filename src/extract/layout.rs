//! Post-processing shared by the office readers.

use crate::error::Error;
use crate::model::{Block, CellRef};

/// The error for a document whose body and notes have no words; says so when only running
/// headers/footers carry text.
pub(crate) fn empty_body(furniture: &[Block]) -> Error {
    if furniture.iter().any(|b| !b.text().trim().is_empty()) {
        Error::Empty("текст есть только в колонтитулах".into())
    } else {
        Error::Empty("в тексте документа нет ни одного слова".into())
    }
}

/// Give every block inside a table cell the address of its cell in the top-level table
/// (nested tables included), so a verdict can cite «table N, row R, column C».
pub(crate) fn locate_cells(blocks: &mut [Block]) {
    for block in blocks {
        if let Block::Table(t) = block {
            for (r, row) in t.rows.iter_mut().enumerate() {
                for cell in &mut row.cells {
                    let at = CellRef {
                        row: r as u32,
                        col: cell.col,
                    };
                    for inner in &mut cell.blocks {
                        set_cell(inner, at);
                    }
                }
            }
        }
    }
}

fn set_cell(block: &mut Block, at: CellRef) {
    block.loc_mut().cell = Some(at);
    if let Block::Table(t) = block {
        for row in &mut t.rows {
            for cell in &mut row.cells {
                for inner in &mut cell.blocks {
                    set_cell(inner, at);
                }
            }
        }
    }
}
