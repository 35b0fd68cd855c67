//! Tables: table cells as units, and roadmap and passport tables read into anchors, column
//! roles and roadmap rows.

use regex::Regex;

use super::*;
use crate::model::{Block, CellRef, Location, RoadmapRow, Table};
use crate::rules::fold;

impl Builder<'_> {
    pub(super) fn cell_units(
        &mut self,
        blocks: &[Block],
        loc: &Location,
        cell: CellRef,
        out: &mut Vec<usize>,
    ) {
        for b in blocks {
            match b {
                Block::Heading { text, .. }
                | Block::Paragraph { text, .. }
                | Block::ListItem { text, .. } => {
                    let l = Location {
                        page: b.loc().page.or(loc.page),
                        block: loc.block,
                        cell: Some(cell),
                    };
                    if let Some(u) = self.push(text, l, UnitKind::Cell) {
                        out.push(u);
                    }
                }
                Block::Table(inner) => {
                    for row in &inner.rows {
                        for c in &row.cells {
                            self.cell_units(&c.blocks, loc, cell, out);
                        }
                    }
                }
                Block::PageBreak { .. } => {}
            }
        }
    }

    pub(super) fn table(&mut self, t: &Table) {
        let ti = self.tables.len();
        let cues = &self.rules.structure.columns;
        // Units of every cell, row by row.
        let mut cells: Vec<Vec<(u32, u32, Vec<usize>)>> = Vec::new();
        for (ri, row) in t.rows.iter().enumerate() {
            let mut row_cells = Vec::new();
            for c in &row.cells {
                let mut us = Vec::new();
                let cref = CellRef {
                    row: ri as u32,
                    col: c.col,
                };
                self.cell_units(&c.blocks, &t.loc, cref, &mut us);
                for &u in &us {
                    self.units[u].table = Some(ti);
                    self.units[u].row = Some(ri);
                }
                row_cells.push((c.col, c.col_span.max(1), us));
            }
            cells.push(row_cells);
        }
        let cell_text = |units: &[Unit], us: &[usize]| -> String {
            us.iter()
                .map(|&u| units[u].text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let role_of = |folded: &str| -> Option<ColumnRole> {
            let any = |v: &[Regex]| v.iter().any(|r| r.is_match(folded));
            if any(&cues.action) {
                Some(ColumnRole::Action)
            } else if any(&cues.dates) {
                Some(ColumnRole::Dates)
            } else if any(&cues.responsible) {
                Some(ColumnRole::Responsible)
            } else if any(&cues.indicator) {
                Some(ColumnRole::Indicator)
            } else if any(&cues.result) {
                Some(ColumnRole::Result)
            } else {
                None
            }
        };
        // Header row: the first of the first three rows naming two plan roles, or a flagged one,
        // or a short first row naming one role.
        let mut header_row = None;
        for (ri, row) in cells.iter().enumerate().take(3) {
            let texts: Vec<String> = row
                .iter()
                .map(|(_, _, us)| cell_text(&self.units, us))
                .collect();
            let roles: std::collections::BTreeSet<_> = texts
                .iter()
                .filter(|s| s.chars().count() <= 80)
                .filter_map(|s| role_of(&fold(s)).map(|r| r as u8))
                .collect();
            if roles.len() >= 2 {
                header_row = Some(ri);
                break;
            }
        }
        let by_roles = header_row.is_some();
        if header_row.is_none() {
            header_row = t.rows.iter().position(|r| r.header).filter(|&r| r < 3);
        }
        if header_row.is_none() && cells.len() >= 2 {
            if let Some(row) = cells.first() {
                let texts: Vec<String> = row
                    .iter()
                    .map(|(_, _, us)| cell_text(&self.units, us))
                    .collect();
                let short = row.len() >= 2 && texts.iter().all(|s| s.chars().count() <= 60);
                let has_role = texts.iter().any(|s| role_of(&fold(s)).is_some());
                if short && has_role {
                    header_row = Some(0);
                }
            }
        }
        // A two-column key|value table (a passport) whose first row is already content
        // («Цель Программы | Восполнить к декабрю…»): the writer's header flag is layout only.
        // Also with a dash or spacer column between key and value («Цель | — | …»).
        if !by_roles && header_row.is_some() && (2..=3).contains(&t.columns()) {
            let value_words = header_row
                .and_then(|hr| cells.get(hr))
                .and_then(|row| {
                    row.iter()
                        .skip(1)
                        .map(|(_, _, us)| cell_text(&self.units, us))
                        .rfind(|s| !s.trim().is_empty())
                })
                .map(|s| s.split_whitespace().count())
                .unwrap_or(0);
            let key_is_goal = header_row
                .and_then(|hr| cells.get(hr))
                .and_then(|row| row.first())
                .is_some_and(|(_, _, us)| {
                    goal_word_re().is_match(&fold(&cell_text(&self.units, us)))
                });
            if value_words >= 8 || (key_is_goal && value_words >= 2) {
                header_row = None;
            }
        }
        let mut columns = Vec::new();
        if let Some(hr) = header_row {
            if let Some(row) = cells.get(hr) {
                for (_, _, us) in row {
                    for &u in us {
                        self.units[u].label = true;
                    }
                }
                for (col, _, us) in row {
                    let text = cell_text(&self.units, us);
                    let role = role_of(&fold(&text));
                    columns.push((*col, text, role));
                }
            }
        }
        let has = |r: ColumnRole| columns.iter().any(|c| c.2 == Some(r));
        let roadmap =
            has(ColumnRole::Action) && (has(ColumnRole::Dates) || has(ColumnRole::Responsible));
        let column_of = |col: u32, span: u32| -> Option<&(u32, String, Option<ColumnRole>)> {
            columns
                .iter()
                .find(|c| c.0 == col)
                .or_else(|| columns.iter().find(|c| c.0 >= col && c.0 < col + span))
        };
        // Column names on data cells, column anchors, row-label anchors.
        let mut col_bodies: Vec<Vec<usize>> = vec![Vec::new(); columns.len()];
        let mut row_texts = Vec::new();
        let mut value_texts = Vec::new();
        // The passport-row anchor the previous row opened, to which a row with an empty label
        // cell (a merged label, a value carried over to the next row) still belongs.
        let mut open_label: Option<usize> = None;
        let data_start = header_row.map(|h| h + 1).unwrap_or(0);
        for (ri, row) in cells.iter().enumerate() {
            // The «№ п/п» column would make every row look measurable.
            let rt: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(ci, (_, _, us))| (ci, cell_text(&self.units, us)))
                .filter(|(ci, s)| {
                    *ci > 0
                        || !s
                            .chars()
                            .all(|c| c.is_ascii_digit() || c == '.' || c.is_whitespace())
                })
                .map(|(_, s)| fold(&s))
                .collect();
            row_texts.push(rt.join(" | "));
            // Without the dates and responsible columns: «15 сентября», «1 раз в месяц» are not
            // the values of an indicator.
            let vt: Vec<String> = row
                .iter()
                .enumerate()
                .filter(|(ci, (col, span, us))| {
                    let role = column_of(*col, *span).and_then(|c| c.2);
                    let number_only = cell_text(&self.units, us)
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.' || c.is_whitespace());
                    !matches!(role, Some(ColumnRole::Dates | ColumnRole::Responsible))
                        && (*ci > 0 || !number_only)
                })
                .map(|(_, (_, _, us))| fold(&cell_text(&self.units, us)))
                .collect();
            value_texts.push(vt.join(" | "));
            if ri < data_start {
                continue;
            }
            for (col, span, us) in row {
                if let Some(c) = column_of(*col, *span) {
                    let name = c.1.clone();
                    let idx = columns.iter().position(|x| x.0 == c.0).unwrap_or(0);
                    for &u in us {
                        self.units[u].column = Some(name.clone());
                        if let Some(b) = col_bodies.get_mut(idx) {
                            b.push(u);
                        }
                    }
                }
            }
            // Passport-style rows: «Цель программы» | text, also after a «№» cell
            // («1 | Цель программы | text»).
            if !roadmap && row.len() >= 2 {
                let is_number = |us: &[usize]| {
                    cell_text(&self.units, us).chars().all(|c| {
                        c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace()
                    })
                };
                let skip = usize::from(
                    row.len() == 3 && row.first().is_some_and(|(_, _, us)| is_number(us)),
                );
                let label_empty = row
                    .get(skip)
                    .is_none_or(|(_, _, us)| cell_text(&self.units, us).trim().is_empty());
                if label_empty {
                    if let Some(anchor) = open_label.and_then(|ai| self.anchors.get_mut(ai)) {
                        anchor.body.extend(
                            row.iter()
                                .skip(skip + 1)
                                .flat_map(|(_, _, us)| us.iter().copied()),
                        );
                    }
                    continue;
                }
                open_label = None;
                if let Some((_, _, first)) = row.get(skip) {
                    let label = cell_text(&self.units, first);
                    if let Some(&lu) = first.first() {
                        if !is_number(first) && label.chars().count() <= 120 {
                            for &u in first {
                                self.units[u].label = true;
                            }
                            let body: Vec<usize> = row
                                .iter()
                                .skip(skip + 1)
                                .flat_map(|(_, _, us)| us.iter().copied())
                                .collect();
                            let text_end = self.units[lu].text.len();
                            open_label = Some(self.anchors.len());
                            self.anchors.push(Anchor {
                                kind: AnchorKind::Label,
                                unit: lu,
                                text_end,
                                body,
                            });
                        }
                    }
                }
            }
        }
        if let Some(hr) = header_row {
            if let Some(row) = cells.get(hr) {
                for (ci, (_, _, us)) in row.iter().enumerate() {
                    if let (Some(&u), Some(body)) = (us.first(), col_bodies.get(ci)) {
                        let text_end = self.units[u].text.len();
                        self.anchors.push(Anchor {
                            kind: AnchorKind::Column,
                            unit: u,
                            text_end,
                            body: body.clone(),
                        });
                    }
                }
            }
        }
        if roadmap {
            let ncols = t.columns();
            for (ri, row) in cells.iter().enumerate().skip(data_start) {
                // A caption row spanning the whole table («Задача 1. …») is not an action.
                if row.len() == 1 && row.first().is_some_and(|c| c.1 >= ncols.saturating_sub(1)) {
                    continue;
                }
                let mut rr = RoadmapRow::default();
                let mut action_loc = None;
                for (col, span, us) in row {
                    let text = cell_text(&self.units, us);
                    if text.trim().is_empty() {
                        continue;
                    }
                    let Some(c) = column_of(*col, *span) else {
                        continue;
                    };
                    match c.2 {
                        Some(ColumnRole::Action) => {
                            if rr.action.is_empty() {
                                rr.action = text;
                                action_loc = us.first().map(|&u| self.units[u].loc.clone());
                            } else {
                                rr.action.push_str(" — ");
                                rr.action.push_str(&text);
                            }
                        }
                        Some(ColumnRole::Dates) => rr.dates = Some(text),
                        Some(ColumnRole::Responsible) => rr.responsible = Some(text),
                        Some(ColumnRole::Indicator) => rr.indicator = Some(text),
                        Some(ColumnRole::Result) => rr.result = Some(text),
                        None => {}
                    }
                }
                if rr.action.trim().is_empty() {
                    continue;
                }
                rr.location = action_loc.unwrap_or(Location {
                    page: t.loc.page,
                    block: t.loc.block,
                    cell: Some(CellRef {
                        row: ri as u32,
                        col: 0,
                    }),
                });
                self.roadmap_rows.push(rr);
            }
        }
        let text_len = t.text().chars().count();
        self.tables.push(TableInfo {
            block: t.loc.block as usize,
            header_row,
            columns,
            row_texts,
            value_texts,
            roadmap,
            text_len,
        });
    }
}
