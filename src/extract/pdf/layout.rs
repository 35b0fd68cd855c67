//! Layout analysis: glyphs → words → lines → blocks in reading order, ruled tables, and
//! paragraphs. Works per page in "upright" coordinates (text rotated to read left-to-right,
//! y up); rotated text is handled by rotating each direction group first.

use crate::model::{Block, Cell, Location, Row, Table};
use crate::text::normalize;

use super::content::{Glyph, PageContent, Rule};

/// A glyph in upright coordinates.
#[derive(Debug, Clone)]
struct G {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

/// A run of text on one baseline without a wide gap inside.
#[derive(Debug, Clone)]
struct Piece {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

impl Piece {
    fn top(&self) -> f64 {
        self.y + 0.8 * self.size
    }
    fn bottom(&self) -> f64 {
        self.y - 0.25 * self.size
    }
}

/// Lines stacked into one text block.
#[derive(Debug, Clone)]
struct TextBlock {
    lines: Vec<Piece>,
    x0: f64,
    x1: f64,
}

/// A positioned item of a page before it becomes a model block.
#[derive(Debug, Clone)]
pub struct Item {
    pub x0: f64,
    pub x1: f64,
    pub top: f64,
    pub bottom: f64,
    pub kind: ItemKind,
}

#[derive(Debug, Clone)]
pub enum ItemKind {
    /// Paragraph texts of a text block with their font sizes (already normalised).
    Text(Vec<(String, f64)>),
    Table(Table),
}

/// Fraction of the font size above which a gap between glyphs is a space.
const SPACE_GAP: f64 = 0.15;
/// Fraction of the font size above which a gap splits a line into separate pieces.
const PIECE_GAP: f64 = 0.8;

/// Lay out one page: items in reading order.
/// Glyphs minus those that repeat the same text at (almost) the same spot: "fake bold" and
/// shadow effects draw every character twice with a tiny offset, and a reader sees it once
/// (pdftotext drops them too: within 0.1 of the font size along the baseline, 0.2 across).
fn without_overprint(glyphs: &[Glyph]) -> Vec<&Glyph> {
    // Buckets of CELL points; any duplicate lies within the neighbouring buckets because the
    // tolerance is capped at CELL.
    const CELL: f64 = 2.0;
    let key = |x: f64, y: f64| ((x / CELL).floor() as i64, (y / CELL).floor() as i64);
    // Nine lookups per glyph: SipHash made this a third of PDF extraction time in a profile.
    let mut seen: rustc_hash::FxHashMap<(i64, i64), Vec<&Glyph>> = rustc_hash::FxHashMap::default();
    let mut out = Vec::with_capacity(glyphs.len());
    for g in glyphs {
        if g.text.trim().is_empty() {
            out.push(g);
            continue;
        }
        let along = (0.1 * g.size).min(CELL);
        let across = (0.2 * g.size).min(CELL);
        let (kx, ky) = key(g.x0, g.y0);
        let duplicate = (-1..=1).any(|dx| {
            (-1..=1).any(|dy| {
                seen.get(&(kx + dx, ky + dy)).is_some_and(|v| {
                    v.iter().any(|h| {
                        h.text == g.text
                            && h.dir == g.dir
                            && (h.x0 - g.x0).abs() <= if g.dir % 2 == 0 { along } else { across }
                            && (h.y0 - g.y0).abs() <= if g.dir % 2 == 0 { across } else { along }
                    })
                })
            })
        });
        if !duplicate {
            seen.entry((kx, ky)).or_default().push(g);
            out.push(g);
        }
    }
    out
}

pub fn page_items(page: &PageContent) -> Vec<Item> {
    let mut groups: [Vec<&Glyph>; 4] = Default::default();
    for g in without_overprint(&page.glyphs) {
        if let Some(v) = groups.get_mut(usize::from(g.dir % 4)) {
            v.push(g);
        }
    }
    let mut out = Vec::new();
    // Normal text first, then other directions by amount of text.
    let mut order: Vec<usize> = (0..4).collect();
    order.sort_by_key(|&d| (d != 0, std::cmp::Reverse(groups[d].len())));
    for dir in order {
        if groups[dir].is_empty() {
            continue;
        }
        let glyphs: Vec<G> = groups[dir]
            .iter()
            .filter(|g| g.size > 0.5)
            .map(|g| {
                let (ax, ay) = rotate(dir, g.x0, g.y0);
                let (bx, _) = rotate(dir, g.x1, g.y1);
                G {
                    x0: ax.min(bx),
                    x1: ax.max(bx),
                    y: ay,
                    size: g.size,
                    text: g.text.clone(),
                }
            })
            .collect();
        let rules: Vec<Rule> = if dir == 0 {
            page.rules.clone()
        } else {
            Vec::new()
        };
        out.extend(layout_group(glyphs, &rules));
    }
    out
}

/// Rotate a point by `dir` quarter turns clockwise (undoing the text's rotation).
fn rotate(dir: usize, x: f64, y: f64) -> (f64, f64) {
    match dir {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    }
}

fn layout_group(mut glyphs: Vec<G>, rules: &[Rule]) -> Vec<Item> {
    let mut items = Vec::new();
    for grid in find_grids(rules) {
        let (inside, rest): (Vec<G>, Vec<G>) = glyphs.into_iter().partition(|g| grid.contains(g));
        glyphs = rest;
        if let Some(item) = grid.into_item(inside) {
            items.push(item);
        }
    }
    let pieces = build_pieces(&glyphs);
    for block in build_blocks(pieces) {
        let x0 = block.x0;
        let x1 = block.x1;
        let top = block.lines.first().map_or(0.0, Piece::top);
        let bottom = block.lines.last().map_or(0.0, Piece::bottom);
        let paragraphs = paragraphs(&block);
        if !paragraphs.is_empty() {
            items.push(Item {
                x0,
                x1,
                top,
                bottom,
                kind: ItemKind::Text(paragraphs),
            });
        }
    }
    order_items(items, 0)
}

// ---------------------------------------------------------------------------------------------
// Glyphs → pieces
// ---------------------------------------------------------------------------------------------

fn build_pieces(glyphs: &[G]) -> Vec<Piece> {
    // 1. Runs in content-stream order (cheap and usually right).
    let mut runs: Vec<Piece> = Vec::new();
    let mut pending_space = false;
    let mut last_x0 = f64::MIN;
    for g in glyphs {
        let is_space = g.text.chars().all(char::is_whitespace);
        if let Some(run) = runs.last_mut() {
            let same_line = (g.y - run.y).abs() <= 0.3 * run.size.max(g.size);
            let gap = g.x0 - run.x1;
            let size = run.size.max(g.size);
            if is_space {
                if same_line {
                    pending_space = true;
                }
                continue;
            }
            // Fake bold: the same glyph drawn twice at nearly the same spot.
            if same_line
                && run.text.ends_with(g.text.as_str())
                && (g.x0 - last_x0).abs() < 0.15 * size
            {
                continue;
            }
            if same_line && gap > -0.3 * size && gap <= PIECE_GAP * size {
                if (pending_space || gap > SPACE_GAP * size) && !run.text.ends_with(' ') {
                    run.text.push(' ');
                }
                run.text.push_str(&g.text);
                run.x1 = run.x1.max(g.x1);
                run.size = run.size.max(g.size);
                pending_space = false;
                last_x0 = g.x0;
                continue;
            }
        }
        if is_space {
            continue;
        }
        pending_space = false;
        last_x0 = g.x0;
        runs.push(Piece {
            x0: g.x0,
            x1: g.x1,
            y: g.y,
            size: g.size,
            text: g.text.clone(),
        });
    }
    // 2. Lines by baseline, then merge runs along each line.
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    for r in runs {
        match lines.last_mut() {
            Some(line)
                if line
                    .first()
                    .is_some_and(|f| (f.y - r.y).abs() <= 0.35 * f.size.min(r.size)) =>
            {
                line.push(r)
            }
            _ => lines.push(vec![r]),
        }
    }
    let mut pieces = Vec::new();
    for mut line in lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut cur: Option<Piece> = None;
        for r in line {
            match cur.as_mut() {
                Some(c) if r.x0 - c.x1 <= PIECE_GAP * c.size.max(r.size) => {
                    let gap = r.x0 - c.x1;
                    if gap > SPACE_GAP * c.size.max(r.size)
                        && !c.text.ends_with(' ')
                        && !r.text.starts_with(' ')
                    {
                        c.text.push(' ');
                    }
                    c.text.push_str(&r.text);
                    c.x1 = c.x1.max(r.x1);
                    c.size = c.size.max(r.size);
                }
                _ => {
                    if let Some(c) = cur.take() {
                        pieces.push(c);
                    }
                    cur = Some(r);
                }
            }
        }
        pieces.extend(cur);
    }
    for p in &mut pieces {
        let t = p.text.trim();
        if t.len() != p.text.len() {
            p.text = t.to_string();
        }
    }
    pieces.retain(|p| !p.text.is_empty());
    pieces
}

// ---------------------------------------------------------------------------------------------
// Pieces → blocks
// ---------------------------------------------------------------------------------------------

fn build_blocks(mut pieces: Vec<Piece>) -> Vec<TextBlock> {
    pieces.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut blocks: Vec<TextBlock> = Vec::new();
    for p in pieces {
        let mut best: Option<(usize, f64)> = None;
        for (i, b) in blocks.iter().enumerate() {
            let Some(last) = b.lines.last() else { continue };
            let overlap = p.x0 < b.x1 && p.x1 > b.x0;
            if !overlap {
                continue;
            }
            let ratio = p.size.max(last.size) / p.size.min(last.size).max(0.1);
            if ratio > 1.25 {
                continue;
            }
            let dy = last.y - p.y;
            let same_line = dy.abs() <= 0.3 * p.size && p.x0 >= last.x1;
            let next_line = dy > 0.3 * p.size && dy <= 2.1 * p.size.max(last.size);
            if same_line || next_line {
                let score = if same_line { -1.0 } else { dy };
                if best.is_none_or(|(_, s)| score < s) {
                    best = Some((i, score));
                }
            }
        }
        match best.and_then(|(i, s)| blocks.get_mut(i).map(|b| (b, s))) {
            Some((b, s)) => {
                b.x0 = b.x0.min(p.x0);
                b.x1 = b.x1.max(p.x1);
                if s < 0.0 {
                    if let Some(last) = b.lines.last_mut() {
                        last.text.push(' ');
                        last.text.push_str(&p.text);
                        last.x1 = last.x1.max(p.x1);
                    }
                } else {
                    b.lines.push(p);
                }
            }
            None => blocks.push(TextBlock {
                x0: p.x0,
                x1: p.x1,
                lines: vec![p],
            }),
        }
    }
    blocks
}

/// Split a block's lines into paragraphs (first-line indents, short lines, wide gaps, list
/// markers) and normalise each (joins line-break hyphenation).
fn paragraphs(block: &TextBlock) -> Vec<(String, f64)> {
    let lines = &block.lines;
    let mut pitches: Vec<f64> = lines
        .windows(2)
        .map(|w| w[0].y - w[1].y)
        .filter(|d| *d > 0.0)
        .collect();
    pitches.sort_by(f64::total_cmp);
    let pitch = pitches.get(pitches.len() / 2).copied();
    let width = block.x1 - block.x0;
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut cur_size: f64 = 0.0;
    for (i, line) in lines.iter().enumerate() {
        let size = line.size;
        let brk = if let (Some(prev), true) = (i.checked_sub(1).and_then(|j| lines.get(j)), i > 0) {
            let next = lines.get(i + 1);
            let gap = prev.y - line.y;
            let wide_gap = pitch.is_some_and(|p| lines.len() >= 3 && gap > 1.35 * p);
            let indent = line.x0 > block.x0 + 0.7 * size
                && next.is_none_or(|n| line.x0 > n.x0 + 0.7 * size)
                && line.x0 > prev.x0 + 0.7 * size;
            let prev_short = prev.x1 < block.x1 - (4.0 * size).max(0.15 * width);
            let prev_ends = prev.text.ends_with(['.', ':', ';', '!', '?']);
            wide_gap
                || indent
                || (prev_short && (prev_ends || line.x0 <= prev.x0 + 0.7 * size))
                || marker(&line.text).is_some()
        } else {
            false
        };
        if brk && !cur.is_empty() {
            out.push((normalize(&cur.join("\n")), cur_size));
            cur.clear();
            cur_size = 0.0;
        }
        cur.push(&line.text);
        cur_size = cur_size.max(size);
    }
    if !cur.is_empty() {
        out.push((normalize(&cur.join("\n")), cur_size));
    }
    out.retain(|(t, _)| !t.is_empty());
    out
}

/// A list marker at the start of a paragraph: bullets, "1.", "1)", "а)".
pub fn marker(text: &str) -> Option<&str> {
    let first = text.chars().next()?;
    if matches!(
        first,
        '•' | '▪' | '◦' | '·' | '●' | '■' | '\u{F0B7}' | '–' | '—' | '-' | '*'
    ) {
        let rest = &text[first.len_utf8()..];
        return rest.starts_with(' ').then(|| &text[..first.len_utf8()]);
    }
    let end = text.find(' ')?;
    let head = &text[..end];
    let body = head.strip_suffix('.').or_else(|| head.strip_suffix(')'))?;
    let numeric =
        !body.is_empty() && body.len() <= 8 && body.chars().all(|c| c.is_ascii_digit() || c == '.');
    let letter =
        body.chars().count() == 1 && body.chars().all(char::is_alphabetic) && head.ends_with(')');
    (numeric && body.chars().next().is_some_and(|c| c.is_ascii_digit()) || letter).then_some(head)
}

// ---------------------------------------------------------------------------------------------
// Reading order: recursive XY-cut with merging of bands that share a column gutter
// ---------------------------------------------------------------------------------------------

fn order_items(mut items: Vec<Item>, depth: usize) -> Vec<Item> {
    if items.len() <= 1 || depth > 64 {
        items.sort_by(|a, b| b.top.total_cmp(&a.top).then(a.x0.total_cmp(&b.x0)));
        return items;
    }
    items.sort_by(|a, b| b.top.total_cmp(&a.top).then(a.x0.total_cmp(&b.x0)));
    // Horizontal bands: items that overlap vertically.
    let mut bands: Vec<Vec<Item>> = Vec::new();
    let mut band_bottom = f64::MAX;
    for it in items {
        match bands.last_mut() {
            Some(band) if it.top > band_bottom + 0.5 => {
                band_bottom = band_bottom.min(it.bottom);
                band.push(it);
            }
            _ => {
                band_bottom = it.bottom;
                bands.push(vec![it]);
            }
        }
    }
    // Merge neighbouring bands whose column gutters line up (two columns whose paragraph
    // breaks happen to coincide).
    let mut merged: Vec<(Vec<Item>, Option<Span>)> = Vec::new();
    for band in bands {
        let g = gutter(&band);
        if let (Some(ng), Some((prev, Some(pg)))) = (g, merged.last_mut()) {
            let lo = ng.0.max(pg.0);
            let hi = ng.1.min(pg.1);
            if hi > lo {
                prev.extend(band);
                *pg = (lo, hi);
                continue;
            }
        }
        merged.push((band, g));
    }
    if merged.len() == 1 {
        let Some((band, g)) = merged.pop() else {
            return Vec::new();
        };
        return match g {
            Some((lo, hi)) => {
                let mid = (lo + hi) / 2.0;
                let (left, right): (Vec<Item>, Vec<Item>) =
                    band.into_iter().partition(|it| (it.x0 + it.x1) / 2.0 < mid);
                if left.is_empty() || right.is_empty() {
                    let mut all = left;
                    all.extend(right);
                    all.sort_by(|a, b| b.top.total_cmp(&a.top).then(a.x0.total_cmp(&b.x0)));
                    return all;
                }
                let mut out = order_items(left, depth + 1);
                out.extend(order_items(right, depth + 1));
                out
            }
            None => band,
        };
    }
    merged
        .into_iter()
        .flat_map(|(band, _)| order_items(band, depth + 1))
        .collect()
}

/// A horizontal interval (x0, x1).
type Span = (f64, f64);

/// The widest vertical strip free of items inside a band, with items on both sides.
fn gutter(items: &[Item]) -> Option<Span> {
    if items.len() < 2 {
        return None;
    }
    let mut spans: Vec<(f64, f64)> = items.iter().map(|i| (i.x0, i.x1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let min_gap = 6.0;
    let mut best: Option<(f64, f64)> = None;
    let mut reach = spans.first()?.1;
    for s in spans.iter().skip(1) {
        if s.0 - reach >= min_gap && best.is_none_or(|b| s.0 - reach > b.1 - b.0) {
            best = Some((reach, s.0));
        }
        reach = reach.max(s.1);
    }
    best
}

// ---------------------------------------------------------------------------------------------
// Ruled tables
// ---------------------------------------------------------------------------------------------

struct Grid {
    /// Column boundaries, left to right.
    xs: Vec<f64>,
    /// Row boundaries, top to bottom (descending y).
    ys: Vec<f64>,
    h: Vec<Rule>,
    v: Vec<Rule>,
}

const TOL: f64 = 2.0;

fn find_grids(rules: &[Rule]) -> Vec<Grid> {
    if rules.len() < 4 || rules.len() > 20_000 {
        return Vec::new();
    }
    let h: Vec<Rule> = rules
        .iter()
        .copied()
        .filter(|r| r.is_horizontal() && r.x1 - r.x0 > 5.0)
        .collect();
    let v: Vec<Rule> = rules
        .iter()
        .copied()
        .filter(|r| !r.is_horizontal() && r.y1 - r.y0 > 5.0)
        .collect();
    // Union-find over rules that touch.
    let n = h.len() + v.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (i, a) in h.iter().enumerate() {
        for (j, b) in v.iter().enumerate() {
            let touch = b.x0 >= a.x0 - TOL
                && b.x0 <= a.x1 + TOL
                && a.y0 >= b.y0 - TOL
                && a.y0 <= b.y1 + TOL;
            if touch {
                let (ra, rb) = (find(&mut parent, i), find(&mut parent, h.len() + j));
                parent[ra] = rb;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> = Default::default();
    for i in 0..n {
        let root = find(&mut parent, i);
        let e = groups.entry(root).or_default();
        if i < h.len() {
            e.0.push(h[i]);
        } else {
            e.1.push(v[i - h.len()]);
        }
    }
    let mut grids = Vec::new();
    for (_, (gh, gv)) in groups {
        let xs = cluster(gv.iter().map(|r| r.x0).collect());
        let mut ys = cluster(gh.iter().map(|r| r.y0).collect());
        ys.reverse();
        if xs.len() >= 3 && ys.len() >= 3 && xs.len() <= 60 && ys.len() <= 400 {
            grids.push(Grid {
                xs,
                ys,
                h: gh,
                v: gv,
            });
        }
    }
    grids
}

fn cluster(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for x in v {
        match out.last() {
            Some(&l) if x - l <= TOL => {}
            _ => out.push(x),
        }
    }
    out
}

impl Grid {
    fn x_range(&self) -> (f64, f64) {
        (
            self.xs.first().copied().unwrap_or(0.0),
            self.xs.last().copied().unwrap_or(0.0),
        )
    }
    fn y_range(&self) -> (f64, f64) {
        (
            self.ys.last().copied().unwrap_or(0.0),
            self.ys.first().copied().unwrap_or(0.0),
        )
    }

    fn contains(&self, g: &G) -> bool {
        let (x0, x1) = self.x_range();
        let (y0, y1) = self.y_range();
        let cx = (g.x0 + g.x1) / 2.0;
        let cy = g.y + 0.3 * g.size;
        cx > x0 && cx < x1 && cy > y0 && cy < y1
    }

    /// A vertical rule at `x` covering height `y`.
    fn has_v(&self, x: f64, y: f64) -> bool {
        self.v
            .iter()
            .any(|r| (r.x0 - x).abs() <= TOL && r.y0 - TOL <= y && r.y1 + TOL >= y)
    }
    fn has_h(&self, y: f64, x: f64) -> bool {
        self.h
            .iter()
            .any(|r| (r.y0 - y).abs() <= TOL && r.x0 - TOL <= x && r.x1 + TOL >= x)
    }

    fn into_item(self, glyphs: Vec<G>) -> Option<Item> {
        let ncols = self.xs.len() - 1;
        let nrows = self.ys.len() - 1;
        // Owner of each grid cell: the top-left grid cell of the merged cell covering it.
        let mut owner: Vec<Vec<(usize, usize)>> = vec![vec![(0, 0); ncols]; nrows];
        for r in 0..nrows {
            let ymid = (self.ys[r] + self.ys[r + 1]) / 2.0;
            for c in 0..ncols {
                let xmid = (self.xs[c] + self.xs[c + 1]) / 2.0;
                owner[r][c] = if c > 0 && !self.has_v(self.xs[c], ymid) {
                    owner[r][c - 1]
                } else if r > 0 && !self.has_h(self.ys[r], xmid) {
                    owner[r - 1][c]
                } else {
                    (r, c)
                };
            }
        }
        let mut texts: Vec<Vec<Vec<G>>> = vec![vec![Vec::new(); ncols]; nrows];
        for g in glyphs {
            let cx = (g.x0 + g.x1) / 2.0;
            let cy = g.y + 0.3 * g.size;
            let c = self.xs.windows(2).position(|w| cx >= w[0] && cx < w[1]);
            let r = self.ys.windows(2).position(|w| cy <= w[0] && cy > w[1]);
            if let (Some(r), Some(c)) = (r, c) {
                let (orow, ocol) = owner[r][c];
                texts[orow][ocol].push(g);
            }
        }
        let mut rows = Vec::new();
        for r in 0..nrows {
            let mut cells = Vec::new();
            for c in 0..ncols {
                if owner[r][c] != (r, c) {
                    continue;
                }
                let col_span = (c..ncols).take_while(|&k| owner[r][k] == (r, c)).count() as u32;
                let row_span = (r..nrows).take_while(|&k| owner[k][c] == (r, c)).count() as u32;
                let glyphs = std::mem::take(&mut texts[r][c]);
                let blocks = cell_blocks(&glyphs);
                cells.push(Cell {
                    col: c as u32,
                    col_span: col_span.max(1),
                    row_span: row_span.max(1),
                    blocks,
                });
            }
            if !cells.is_empty() {
                rows.push(Row {
                    cells,
                    header: false,
                });
            }
        }
        if rows
            .iter()
            .all(|r| r.cells.iter().all(|c| c.blocks.is_empty()))
        {
            return None;
        }
        if rows.len() > 1 {
            if let Some(first) = rows.first_mut() {
                first.header = true;
            }
        }
        let (x0, x1) = self.x_range();
        let (bottom, top) = self.y_range();
        Some(Item {
            x0,
            x1,
            top,
            bottom,
            kind: ItemKind::Table(Table {
                rows,
                loc: Location::default(),
            }),
        })
    }
}

fn cell_blocks(glyphs: &[G]) -> Vec<Block> {
    let pieces = build_pieces(glyphs);
    let mut out = Vec::new();
    for b in build_blocks(pieces) {
        for (text, _) in paragraphs(&b) {
            out.push(Block::Paragraph {
                text,
                loc: Location::default(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(text: &str, x: f64, y: f64, size: f64, advance: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x0: x + i as f64 * advance,
                y0: y,
                x1: x + (i + 1) as f64 * advance,
                y1: y,
                size,
                dir: 0,
                text: c.to_string(),
            })
            .collect()
    }

    fn texts(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .flat_map(|i| match &i.kind {
                ItemKind::Text(p) => p.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
                ItemKind::Table(t) => vec![t.text()],
            })
            .collect()
    }

    #[test]
    fn overprinted_glyphs_are_read_once() {
        // Fake bold: the word drawn twice, 0.4 pt apart; then the same word on the next line.
        let mut page = PageContent {
            width: 600.0,
            height: 800.0,
            ..PageContent::default()
        };
        page.glyphs.extend(glyphs("цель", 50.0, 700.0, 12.0, 6.0));
        page.glyphs.extend(glyphs("цель", 50.4, 700.2, 12.0, 6.0));
        page.glyphs.extend(glyphs("цель", 50.0, 686.0, 12.0, 6.0));
        assert_eq!(texts(&page_items(&page)), vec!["цель цель"]);
    }

    #[test]
    fn two_columns_read_left_then_right() {
        let mut page = PageContent {
            width: 600.0,
            height: 800.0,
            ..PageContent::default()
        };
        for (i, y) in [700.0, 686.0, 672.0].iter().enumerate() {
            page.glyphs
                .extend(glyphs(&format!("лев{i}"), 50.0, *y, 12.0, 6.0));
            page.glyphs
                .extend(glyphs(&format!("прав{i}"), 320.0, *y, 12.0, 6.0));
        }
        let t = texts(&page_items(&page));
        assert_eq!(t, vec!["лев0 лев1 лев2", "прав0 прав1 прав2"]);
    }

    #[test]
    fn spaces_come_from_gaps_and_hyphenation_joins() {
        let mut page = PageContent::default();
        page.glyphs.extend(glyphs("мони-", 50.0, 700.0, 12.0, 6.0));
        page.glyphs.extend(glyphs("торинг", 50.0, 686.0, 12.0, 6.0));
        page.glyphs
            .extend(glyphs("идёт", 50.0 + 6.0 * 6.0 + 3.0, 686.0, 12.0, 6.0));
        assert_eq!(texts(&page_items(&page)), vec!["мониторинг идёт"]);
    }

    #[test]
    fn ruled_grid_becomes_table() {
        let mut page = PageContent::default();
        for y in [700.0, 680.0, 660.0] {
            page.rules.push(Rule {
                x0: 50.0,
                y0: y,
                x1: 350.0,
                y1: y,
            });
        }
        for x in [50.0, 150.0, 350.0] {
            page.rules.push(Rule {
                x0: x,
                y0: 660.0,
                x1: x,
                y1: 700.0,
            });
        }
        page.glyphs.extend(glyphs("№", 55.0, 685.0, 10.0, 5.0));
        page.glyphs.extend(glyphs("Сроки", 155.0, 685.0, 10.0, 5.0));
        page.glyphs.extend(glyphs("1", 55.0, 665.0, 10.0, 5.0));
        page.glyphs.extend(glyphs("май", 155.0, 665.0, 10.0, 5.0));
        let items = page_items(&page);
        let ItemKind::Table(t) = &items[0].kind else {
            panic!("no table")
        };
        assert_eq!(t.text(), "№\tСроки\n1\tмай");
        assert!(t.rows[0].header);
    }

    #[test]
    fn markers() {
        assert_eq!(marker("1. Цель"), Some("1."));
        assert_eq!(marker("а) меры"), Some("а)"));
        assert_eq!(marker("• пункт"), Some("•"));
        assert_eq!(marker("2024 год"), None);
    }
}
