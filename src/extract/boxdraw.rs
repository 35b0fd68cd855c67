//! Tables drawn with characters: legal-information systems export roadmaps as box-drawing
//! grids (┌─┬─┐ │…│ ├─┼─┤ └─┴─┘), one text line per paragraph, in TXT and in DOCX (a
//! monospaced font); plain-text writers use `+---+` / `|…|` or Markdown pipes. Read as
//! paragraphs, each line mixes words of every column and a cell's words are spread over several
//! lines, so nothing could cite a cell. Runs of such lines become `Table` blocks: rule lines
//! separate rows, bars separate cells, the lines of one row are joined per column.

use crate::model::{Block, Cell, Location, Row, Table};
use crate::text::normalize;

/// Vertical bars that separate cells.
fn is_bar(c: char) -> bool {
    matches!(c, '│' | '┃' | '║' | '|' | '¦')
}

fn is_box_char(c: char) -> bool {
    ('\u{2500}'..='\u{257F}').contains(&c)
}

/// A horizontal rule of a drawn table: only box-drawing characters with a run of three
/// horizontal ones (`├───┼`), or ASCII `+`, `-`, `=`, `|`, `:` with at least three dashes
/// (`+----+`, `|---|:--|`). The run keeps a line of capitals misread in another code page
/// (windows-1251 capitals are IBM866 box characters) from passing for a rule.
pub(crate) fn is_rule_line(line: &str) -> bool {
    let t = line.trim();
    if t.chars().count() < 3 {
        return false;
    }
    if t.chars().all(|c| is_box_char(c) || c == ' ') {
        return ["───", "═══", "━━━", "┄┄┄", "╌╌╌"]
            .iter()
            .any(|run| t.contains(run));
    }
    let ascii = t
        .chars()
        .all(|c| matches!(c, '+' | '-' | '=' | '|' | ':' | ' '));
    ascii && t.chars().filter(|c| matches!(c, '-' | '=')).count() >= 3 && t.contains(['+', '|'])
}

/// A line of cell contents: starts with a bar and has at least two of them.
pub(crate) fn is_content_line(line: &str) -> bool {
    let t = line.trim();
    t.chars().next().is_some_and(is_bar) && t.chars().filter(|c| is_bar(*c)).count() >= 2
}

/// A line that belongs to a drawn table.
pub(crate) fn is_table_line(line: &str) -> bool {
    is_rule_line(line) || is_content_line(line)
}

/// The cell texts of one content line, between its bars (the outer bars dropped).
fn segments(line: &str) -> Vec<&str> {
    let t = line.trim();
    let inner = t.strip_prefix(|c: char| is_bar(c)).unwrap_or(t);
    let inner = inner.strip_suffix(|c: char| is_bar(c)).unwrap_or(inner);
    inner.split(is_bar).map(str::trim).collect()
}

/// «1», «1.», «2.3», «10)»: a row number that starts a new row of a table drawn without rules
/// between its rows.
fn starts_numbered(cell: &str) -> bool {
    let t = cell.trim();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0
        && t[digits..]
            .chars()
            .next()
            .is_none_or(|c| matches!(c, '.' | ')' | ' '))
}

/// Rows of cell texts (lines of one cell joined with `\n`) of a run of table lines, and whether
/// the first row is a header (a rule follows it). `None` when the run is not a table.
pub(crate) fn parse(lines: &[&str]) -> Option<(Vec<Vec<String>>, bool)> {
    let content = lines.iter().filter(|l| is_content_line(l)).count();
    if content < 2 && !(content == 1 && lines.iter().any(|l| is_rule_line(l))) {
        return None;
    }
    // Rules strictly inside the table: one per row when rows are ruled, at most the header's
    // otherwise (then every line that starts with text in the first column is a new row).
    let first_content = lines.iter().position(|l| is_content_line(l))?;
    let last_content = lines.iter().rposition(|l| is_content_line(l))?;
    let inner_rules = lines[first_content..last_content]
        .iter()
        .filter(|l| is_rule_line(l))
        .count();
    let ruled_rows = inner_rules >= 2;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut header = false;
    let flush = |cur: &mut Vec<String>, rows: &mut Vec<Vec<String>>| {
        if cur.iter().any(|c| !c.trim().is_empty()) {
            rows.push(std::mem::take(cur));
        }
        cur.clear();
    };
    for line in lines {
        if is_rule_line(line) {
            let had = !cur.is_empty();
            flush(&mut cur, &mut rows);
            if had && rows.len() == 1 {
                header = true;
            }
            continue;
        }
        if !is_content_line(line) {
            continue;
        }
        let segs = segments(line);
        let first = segs.first().copied().unwrap_or("");
        let first_cell_taken = cur.first().is_some_and(|c| !c.trim().is_empty());
        if !first.is_empty() && first_cell_taken && (!ruled_rows || starts_numbered(first)) {
            flush(&mut cur, &mut rows);
        }
        for (i, s) in segs.iter().enumerate() {
            if cur.len() <= i {
                cur.resize(i + 1, String::new());
            }
            if !s.is_empty() {
                if !cur[i].is_empty() {
                    cur[i].push('\n');
                }
                cur[i].push_str(s);
            }
        }
    }
    flush(&mut cur, &mut rows);
    let header = header && rows.len() >= 2;
    (!rows.is_empty()).then_some((rows, header))
}

/// A `Table` block of parsed rows; cells keep their column index, cell text is normalised
/// (hyphenation across a cell's lines repaired).
fn table_block(rows: Vec<Vec<String>>, header: bool, loc: Location) -> Block {
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(ri, cells)| Row {
            header: header && ri == 0,
            cells: cells
                .into_iter()
                .enumerate()
                .map(|(ci, text)| {
                    let text = normalize(&text);
                    Cell {
                        col: ci as u32,
                        col_span: 1,
                        row_span: 1,
                        blocks: if text.is_empty() {
                            Vec::new()
                        } else {
                            vec![Block::Paragraph {
                                text,
                                loc: loc.clone(),
                            }]
                        },
                    }
                })
                .collect(),
        })
        .collect();
    Block::Table(Table { rows, loc })
}

/// Replace runs of top-level blocks that are lines of a drawn table by `Table` blocks. Blocks
/// keep their order; a run that does not parse as a table stays as it was.
pub(crate) fn tables(blocks: Vec<Block>) -> Vec<Block> {
    let line_of = |b: &Block| match b {
        Block::Paragraph { text, .. }
        | Block::Heading { text, .. }
        | Block::ListItem { text, .. } => is_table_line(text).then_some(()),
        _ => None,
    };
    if !blocks.iter().any(|b| line_of(b).is_some()) {
        return blocks;
    }
    let mut out = Vec::with_capacity(blocks.len());
    let mut run: Vec<Block> = Vec::new();
    let finish = |run: &mut Vec<Block>, out: &mut Vec<Block>| {
        if run.is_empty() {
            return;
        }
        let texts: Vec<String> = run.iter().map(Block::text).collect();
        let lines: Vec<&str> = texts.iter().map(String::as_str).collect();
        match parse(&lines) {
            Some((rows, header)) => {
                let loc = run.first().map(|b| b.loc().clone()).unwrap_or_default();
                let mut block = [table_block(rows, header, loc)];
                super::layout::locate_cells(&mut block);
                out.extend(block);
                run.clear();
            }
            None => out.append(run),
        }
    };
    for b in blocks {
        if line_of(&b).is_some() {
            run.push(b);
        } else {
            finish(&mut run, &mut out);
            out.push(b);
        }
    }
    finish(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(t: &str) -> Block {
        Block::Paragraph {
            text: t.into(),
            loc: Location::default(),
        }
    }

    fn cell_texts(b: &Block) -> Vec<Vec<String>> {
        let Block::Table(t) = b else {
            panic!("not a table: {b:?}")
        };
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text()).collect())
            .collect()
    }

    #[test]
    fn ruled_box_table_becomes_rows_and_cells() {
        let lines = [
            "┌───┬──────────────┬────────┐",
            "│ N │ Мероприятие  │ Срок   │",
            "│п/п│              │        │",
            "├───┼──────────────┼────────┤",
            "│1. │Проведение    │ежемесяч│",
            "│   │мони-         │но      │",
            "│   │торинга       │        │",
            "├───┼──────────────┼────────┤",
            "│2. │Анализ итогов │май     │",
            "└───┴──────────────┴────────┘",
        ];
        let blocks: Vec<Block> = std::iter::once(para("До таблицы."))
            .chain(lines.iter().map(|l| para(l)))
            .chain(std::iter::once(para("После.")))
            .collect();
        let out = tables(blocks);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].text(), "До таблицы.");
        assert_eq!(out[2].text(), "После.");
        let Block::Table(t) = &out[1] else { panic!() };
        assert!(t.rows[0].header && !t.rows[1].header);
        assert_eq!(
            cell_texts(&out[1]),
            vec![
                vec!["N п/п", "Мероприятие", "Срок"],
                vec!["1.", "Проведение мониторинга", "ежемесяч но"],
                vec!["2.", "Анализ итогов", "май"],
            ]
        );
        // Cells carry their address.
        let Block::Paragraph { loc, .. } = &t.rows[1].cells[1].blocks[0] else {
            panic!()
        };
        assert_eq!(loc.cell.map(|c| (c.row, c.col)), Some((1, 1)));
    }

    #[test]
    fn rows_without_rules_split_on_numbers_or_lines() {
        // Ruled header, numbered rows without rules between them.
        let boxed = [
            "╔══╦═══════════╗",
            "║№ ║Мероприятие║",
            "╠══╬═══════════╣",
            "║1 ║Срез знаний║",
            "║  ║по математике║",
            "║2 ║Анкетирование║",
            "╚══╩═══════════╝",
        ];
        let (rows, header) = parse(&boxed).unwrap();
        assert!(header);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[1][1], "Срез знаний\nпо математике");
        // Markdown pipes: every line a row.
        let md = [
            "| Показатель | 2024 |",
            "|---|---|",
            "| Доля | 10 % |",
            "| Число | 5 |",
        ];
        let (rows, header) = parse(&md).unwrap();
        assert!(header);
        assert_eq!(
            rows,
            vec![
                vec!["Показатель", "2024"],
                vec!["Доля", "10 %"],
                vec!["Число", "5"]
            ]
        );
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for l in [
            "Цель | задачи",
            "— мониторинг —",
            "----",
            "1 + 1 = 2",
            "|",
            "Итого: |",
        ] {
            assert!(!is_table_line(l), "{l}");
        }
        assert!(is_rule_line("+-----+-----+"));
        assert!(is_rule_line("└───┴───┘"));
        assert!(!is_rule_line("│   │   │"));
        // A lone rule is not a table.
        let blocks = vec![para("Текст"), para("────────"), para("Ещё текст")];
        assert_eq!(tables(blocks.clone()), blocks);
    }
}
