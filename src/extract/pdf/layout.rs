//! Layout analysis: glyphs → words → lines → blocks in reading order, ruled tables, and
//! paragraphs. Works per page in "upright" coordinates (text rotated to read left-to-right,
//! y up); rotated text is handled by rotating each direction group first.

use crate::model::{Block, Cell, Location, Row, Table};
use crate::text::normalize;

use super::content::{Glyph, PageContent, Rule};

/// A glyph in upright coordinates.
#[derive(Debug, Clone)]
struct G<'a> {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    /// Borrowed from the page's glyph: a copy per glyph was a malloc per character.
    text: &'a str,
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
    use std::hash::BuildHasher;
    // Buckets of CELL points per text; any duplicate lies within the neighbouring buckets
    // because the tolerance is capped at CELL. Buckets are chains in one vector (no allocation
    // per bucket) and the text's hash is part of the key, so neighbours with other text are
    // never compared: this filter was a third of PDF time with SipHash and per-bucket vectors.
    const CELL: f64 = 2.0;
    let hasher = rustc_hash::FxBuildHasher;
    let key = |x: f64, y: f64| ((x / CELL).floor() as i64, (y / CELL).floor() as i64);
    let mut heads: rustc_hash::FxHashMap<(i64, i64, u64), usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(glyphs.len(), hasher);
    // (glyph, next node in the same bucket)
    let mut nodes: Vec<(&Glyph, usize)> = Vec::with_capacity(glyphs.len());
    let mut out = Vec::with_capacity(glyphs.len());
    for g in glyphs {
        if g.text.trim().is_empty() {
            out.push(g);
            continue;
        }
        let along = (0.1 * g.size).min(CELL);
        let across = (0.2 * g.size).min(CELL);
        let (tol_x, tol_y) = if g.dir % 2 == 0 {
            (along, across)
        } else {
            (across, along)
        };
        let th = hasher.hash_one(g.text.as_str());
        let (kx, ky) = key(g.x0, g.y0);
        let duplicate = (-1..=1).any(|dx| {
            (-1..=1).any(|dy| {
                let mut at = heads.get(&(kx + dx, ky + dy, th)).copied();
                while let Some(i) = at {
                    let (h, next) = nodes[i];
                    if h.dir == g.dir
                        && (h.x0 - g.x0).abs() <= tol_x
                        && (h.y0 - g.y0).abs() <= tol_y
                        && h.text == g.text
                    {
                        return true;
                    }
                    at = (next != usize::MAX).then_some(next);
                }
                false
            })
        });
        if !duplicate {
            let next = heads.get(&(kx, ky, th)).copied().unwrap_or(usize::MAX);
            nodes.push((g, next));
            heads.insert((kx, ky, th), nodes.len() - 1);
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
    // The page's primary direction: more right-to-left letters than left-to-right ones.
    let balance: i64 = page
        .glyphs
        .iter()
        .flat_map(|g| g.text.chars())
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => 1,
            _ if is_rtl(c) => -1,
            _ => i64::from(c.is_alphabetic()),
        })
        .sum();
    let ltr = balance >= 0;
    let mut out = Vec::new();
    // Normal text first, then other directions by amount of text.
    let mut order: Vec<usize> = (0..4).collect();
    order.sort_by_key(|&d| (d != 0, std::cmp::Reverse(groups[d].len())));
    for dir in order {
        if groups[dir].is_empty() {
            continue;
        }
        let glyphs: Vec<G<'_>> = groups[dir]
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
                    text: g.text.as_str(),
                }
            })
            .collect();
        let rules: Vec<Rule> = if dir == 0 {
            page.rules.clone()
        } else {
            Vec::new()
        };
        out.extend(layout_group(glyphs, &rules, ltr));
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

fn layout_group(mut glyphs: Vec<G<'_>>, rules: &[Rule], ltr: bool) -> Vec<Item> {
    let mut items: Vec<(Item, (f64, usize))> = Vec::new();
    for grid in find_grids(rules) {
        let (inside, rest): (Vec<G<'_>>, Vec<G<'_>>) =
            glyphs.into_iter().partition(|g| grid.contains(g));
        glyphs = rest;
        if let Some(item) = grid.into_item(inside, ltr) {
            items.push((item, (0.0, 0)));
        }
    }
    let pieces = build_pieces(&glyphs);
    let blocks = coalesce_blocks(pieces.clone());
    let (merged, table_merges) = merge_row_aligned(blocks.clone());
    // Side-by-side blocks with shared baselines (an unruled table, numbers beside list items):
    // lines across the page are the reading unit, so the group is laid out by joining text on
    // each line and cutting at column gutters (XY cut) instead of pdftotext's block order.
    let row_aligned = table_merges >= MIN_TABLE_MERGES;
    let blocks = if row_aligned {
        build_blocks(pieces)
    } else if table_merges == 0 {
        merged
    } else {
        blocks
    };
    for mut block in blocks {
        for line in &mut block.lines {
            line.text = logical_order(&line.text, ltr);
        }
        let x0 = block.x0;
        let x1 = block.x1;
        let top = block.lines.first().map_or(0.0, Piece::top);
        let bottom = block.lines.last().map_or(0.0, Piece::bottom);
        let size = block.lines.first().map_or(0.0, |l| l.size);
        let paragraphs = paragraphs(&block);
        if !paragraphs.is_empty() {
            items.push((
                Item {
                    x0,
                    x1,
                    top,
                    bottom,
                    kind: ItemKind::Text(paragraphs),
                },
                (size, block.lines.len()),
            ));
        }
    }
    // Blocks are visited top to bottom in the order they were started; tables join by top.
    items.sort_by_key(|(it, _)| bucket(it.top));
    let (items, meta): (Vec<Item>, Vec<(f64, usize)>) = items.into_iter().unzip();
    if row_aligned {
        return order_items(items, 0);
    }
    reading_order(items, &meta, ltr)
}

/// Strong right-to-left letters (Hebrew, Arabic, Syriac, Thaana, NKo and their presentation
/// forms), Arabic-Indic digits excluded.
fn is_rtl(c: char) -> bool {
    let u = c as u32;
    matches!(u, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
        && !matches!(u, 0x0660..=0x0669 | 0x06F0..=0x06F9)
        && c.is_alphabetic()
}

fn is_ltr_or_digit(c: char) -> bool {
    c.is_numeric() || (c.is_alphabetic() && !is_rtl(c))
}

/// A line read left to right (visual order) put into logical order the way pdftotext does:
/// on a left-to-right page each right-to-left run (up to the next left-to-right letter or
/// digit) is reversed; on a right-to-left page the whole line is, keeping left-to-right runs.
fn logical_order(line: &str, ltr: bool) -> String {
    if !line.chars().any(is_rtl) {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    if ltr {
        let mut i = 0;
        while i < chars.len() {
            let j = i + chars[i..].iter().take_while(|c| !is_rtl(**c)).count();
            out.extend(&chars[i..j]);
            let k = j + chars[j..]
                .iter()
                .take_while(|c| !is_ltr_or_digit(**c))
                .count();
            // Spaces before the next left-to-right word stay where they are.
            let run = k - chars[j..k]
                .iter()
                .rev()
                .take_while(|c| c.is_whitespace())
                .count();
            out.extend(chars[j..run].iter().rev());
            out.extend(&chars[run..k]);
            i = k;
        }
    } else {
        let mut end = chars.len();
        while end > 0 {
            let rtl = chars[..end]
                .iter()
                .rev()
                .take_while(|c| !is_ltr_or_digit(**c))
                .count();
            out.extend(chars[end - rtl..end].iter().rev());
            end -= rtl;
            let l = chars[..end]
                .iter()
                .rev()
                .take_while(|c| !is_rtl(**c))
                .count();
            out.extend(&chars[end - l..end]);
            end -= l;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Glyphs → pieces
// ---------------------------------------------------------------------------------------------

fn build_pieces(glyphs: &[G<'_>]) -> Vec<Piece> {
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
            if same_line && run.text.ends_with(g.text) && (g.x0 - last_x0).abs() < 0.15 * size {
                continue;
            }
            if same_line && gap > -0.3 * size && gap <= PIECE_GAP * size {
                if (pending_space || gap > SPACE_GAP * size) && !run.text.ends_with(' ') {
                    run.text.push(' ');
                }
                run.text.push_str(g.text);
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
            text: g.text.to_string(),
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
                && line.x0 > prev.x0 + 0.7 * size
                // The hanging indent of a list item's second line is no new paragraph.
                && marker(&prev.text).is_none();
            let prev_short = prev.x1 < block.x1 - (4.0 * size).max(0.15 * width);
            let prev_ends = prev.text.ends_with(['.', ':', ';', '!', '?']);
            // A word hyphenated across the line break never ends a paragraph.
            let mut tail = prev.text.chars().rev();
            let hyphenated = tail.next() == Some('-')
                && tail.next().is_some_and(char::is_alphabetic)
                && line.text.chars().next().is_some_and(char::is_lowercase);
            !hyphenated
                && (wide_gap
                    || indent
                    || (prev_short && (prev_ends || line.x0 <= prev.x0 + 0.7 * size))
                    || marker(&line.text).is_some())
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
// Pieces → blocks, the way pdftotext groups text (poppler TextPage::coalesce): a block starts
// at the top-left-most free piece and grows by whole neighbouring lines of the same font size
// that overlap it horizontally, by text on its own lines close to its sides, and by a few
// outlying pieces just beyond its left or right edge.
// ---------------------------------------------------------------------------------------------

/// Max baseline distance between two lines of one block, as a fraction of the font size.
const LINE_SPACING: f64 = 1.5;
/// Max relative font size difference for lines added above or below a block.
const SIZE_DELTA_LINES: f64 = 0.05;
/// Max relative font size difference for text on a block's own lines.
const SIZE_DELTA_OVERLAP: f64 = 0.6;
/// Max relative font size difference for outlying pieces left or right of a block.
const SIZE_DELTA_SIDE: f64 = 0.2;
/// Baseline tolerance of "the same line" (sub/superscripts), as a fraction of the font size.
const INTRA_LINE: f64 = 0.5;
/// Horizontal slack for text on a block's own lines, as a fraction of the font size.
const COL_SPACE_NEAR: f64 = 0.7;
/// Horizontal reach for outlying pieces, as a fraction of the font size.
const COL_SPACE_SIDE: f64 = 1.0;

/// Baseline bucket of a piece (4 pt bands, top first).
fn bucket(y: f64) -> i64 {
    (-y / 4.0).floor() as i64
}

fn coalesce_blocks(mut pieces: Vec<Piece>) -> Vec<TextBlock> {
    // Top to bottom by baseline, left to right inside a baseline.
    pieces.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let n = pieces.len();
    let mut used = vec![false; n];
    // Index range of pieces whose baseline lies in [lo, hi].
    let range = |lo: f64, hi: f64| -> std::ops::Range<usize> {
        let start = pieces.partition_point(|p| p.y > hi);
        let end = pieces.partition_point(|p| p.y >= lo);
        start..end.max(start)
    };
    let mut blocks = Vec::new();
    let mut first = 0;
    loop {
        while first < n && used[first] {
            first += 1;
        }
        let Some(top) = pieces.get(first) else { break };
        // The left-most piece among the first few baseline bands, so that a block does not
        // start at a superscript.
        let band = bucket(top.y);
        let mut start = first;
        for i in first..n {
            if bucket(pieces[i].y) >= band + 4 {
                break;
            }
            if !used[i] && pieces[i].x0 < pieces[start].x0 {
                start = i;
            }
        }
        used[start] = true;
        let fs = pieces[start].size;
        let (mut hi_base, mut lo_base) = (pieces[start].y, pieces[start].y);
        let (mut bx0, mut bx1) = (pieces[start].x0, pieces[start].x1);
        let mut members = vec![start];
        let near = |size: f64, delta: f64| (size - fs).abs() < delta * fs;
        loop {
            let mut found = false;
            // Lines above the block's top line, then below its bottom line, nearest first.
            for up in [true, false] {
                let base = if up { hi_base } else { lo_base };
                let r = if up {
                    range(base, base + LINE_SPACING * fs)
                } else {
                    range(base - LINE_SPACING * fs, base)
                };
                let mut new_base = base;
                for k in 0..r.len() {
                    // Pieces are sorted top first: going up walks the range backwards.
                    let i = if up { r.end - 1 - k } else { r.start + k };
                    let p = &pieces[i];
                    let beyond = if up { p.y > base } else { p.y < base };
                    if !used[i]
                        && beyond
                        && p.x0 < bx1
                        && p.x1 > bx0
                        && near(p.size, SIZE_DELTA_LINES)
                    {
                        used[i] = true;
                        members.push(i);
                        bx0 = bx0.min(p.x0);
                        bx1 = bx1.max(p.x1);
                        new_base = p.y;
                        found = true;
                    }
                }
                if up {
                    hi_base = new_base;
                } else {
                    lo_base = new_base;
                }
            }
            // Text on the block's own lines that overlaps it (with a little slack).
            let slack = COL_SPACE_NEAR * fs;
            for i in range(lo_base - INTRA_LINE * fs, hi_base + INTRA_LINE * fs) {
                let p = &pieces[i];
                if !used[i]
                    && p.x0 < bx1 + slack
                    && p.x1 > bx0 - slack
                    && near(p.size, SIZE_DELTA_OVERLAP)
                {
                    used[i] = true;
                    members.push(i);
                    bx0 = bx0.min(p.x0);
                    bx1 = bx1.max(p.x1);
                    found = true;
                }
            }
            if found {
                continue;
            }
            // A few outlying pieces just left, then just right, of the block.
            let reach = COL_SPACE_SIDE * fs;
            for left in [true, false] {
                let r = range(lo_base - INTRA_LINE * fs, hi_base + INTRA_LINE * fs);
                let fits = |p: &Piece| {
                    near(p.size, SIZE_DELTA_SIDE)
                        && if left {
                            p.x1 <= bx0 && p.x1 > bx0 - reach
                        } else {
                            p.x0 >= bx1 && p.x0 < bx1 + reach
                        }
                };
                let mut hits: Vec<usize> = Vec::new();
                let mut last_band = None;
                for i in r {
                    if used[i] || !fits(&pieces[i]) {
                        continue;
                    }
                    let b = bucket(pieces[i].y);
                    if last_band != Some(b) {
                        hits.push(i);
                        last_band = Some(b);
                    }
                }
                if hits.is_empty() || hits.len() > 3 {
                    continue;
                }
                for i in hits {
                    let p = &pieces[i];
                    used[i] = true;
                    members.push(i);
                    bx0 = bx0.min(p.x0);
                    bx1 = bx1.max(p.x1);
                    hi_base = hi_base.max(p.y);
                    lo_base = lo_base.min(p.y);
                    found = true;
                }
            }
            if !found {
                break;
            }
        }
        members.sort_by(|&a, &b| {
            pieces[b]
                .y
                .total_cmp(&pieces[a].y)
                .then(pieces[a].x0.total_cmp(&pieces[b].x0))
        });
        blocks.push(block_lines(members.iter().map(|&i| &pieces[i])));
    }
    blocks
}

/// Side-by-side blocks whose lines share baselines, one of them narrow, are the columns of an
/// unruled table or a column of list numbers beside their items: they are read as one block,
/// row by row (pdftotext reads them column by column). Two columns of prose are both wide and
/// stay apart.
fn merge_row_aligned(mut blocks: Vec<TextBlock>) -> (Vec<TextBlock>, usize) {
    if blocks.len() > MAX_ROW_MERGE_BLOCKS {
        return (blocks, 0);
    }
    let mut table_merges = 0;
    let span = |b: &TextBlock| {
        (
            b.lines.last().map_or(0.0, Piece::bottom),
            b.lines.first().map_or(0.0, Piece::top),
        )
    };
    let is_bare_marker = |t: &str| !t.contains(' ') && marker(&format!("{t} x")).is_some();
    'again: loop {
        for i in 0..blocks.len() {
            let a = &blocks[i];
            let (lo, hi) = span(a);
            // Where a block's text starts on a's height (its lines with a baseline there).
            let start_beside = |k: usize| {
                blocks[k]
                    .lines
                    .iter()
                    .filter(|l| l.y >= lo && l.y <= hi)
                    .map(|l| l.x0)
                    .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))))
            };
            // The nearest block to the right on a's height.
            let Some((j, b_x0)) = (0..blocks.len())
                .filter(|&k| k != i)
                .filter_map(|k| start_beside(k).filter(|x| *x >= a.x1).map(|x| (k, x)))
                .min_by(|p, q| p.1.total_cmp(&q.1))
            else {
                continue;
            };
            let b = &blocks[j];
            let size = a
                .lines
                .iter()
                .chain(&b.lines)
                .map(|l| l.size)
                .fold(f64::MAX, f64::min);
            if (a.x1 - a.x0).min(b.x1 - b.x0) > ROW_MERGE_NARROW * size {
                continue;
            }
            let (few, many) = if a.lines.len() <= b.lines.len() {
                (a, b)
            } else {
                (b, a)
            };
            let aligned = |l: &Piece| {
                many.lines
                    .iter()
                    .any(|m| (m.y - l.y).abs() <= 0.3 * l.size.min(m.size))
            };
            let matched = few.lines.iter().filter(|l| aligned(l)).count();
            // A lone list number ("1.", "а)") beside the first line of its item.
            let marker_beside = a.lines.len() == 1
                && matched == 1
                && a.lines.iter().all(|l| is_bare_marker(&l.text))
                && b_x0 - a.x1 <= 4.0 * size;
            if !marker_beside && (matched < 2 || matched * 2 < few.lines.len()) {
                continue;
            }
            let mut pieces: Vec<Piece> = a.lines.iter().chain(&b.lines).cloned().collect();
            pieces.sort_by(|p, q| q.y.total_cmp(&p.y).then(p.x0.total_cmp(&q.x0)));
            let merged = block_lines(pieces.iter());
            if matched >= 2 {
                table_merges += 1;
            }
            let (lo, hi) = (i.min(j), i.max(j));
            blocks.remove(hi);
            blocks[lo] = merged;
            continue 'again;
        }
        return (blocks, table_merges);
    }
}

/// Above this many blocks in a direction group, no row merging (it is quadratic per merge).
const MAX_ROW_MERGE_BLOCKS: usize = 300;
/// Width, in font sizes, up to which a block counts as a narrow table column.
const ROW_MERGE_NARROW: f64 = 7.0;
/// Merges of blocks sharing two or more baselines that make a group an unruled table.
const MIN_TABLE_MERGES: usize = 2;

/// Join a block's pieces (top to bottom, left to right) into lines by baseline.
fn block_lines<'a>(pieces: impl Iterator<Item = &'a Piece>) -> TextBlock {
    let mut lines: Vec<Vec<&Piece>> = Vec::new();
    for p in pieces {
        match lines.last_mut() {
            Some(line)
                if line
                    .first()
                    .is_some_and(|f| (f.y - p.y).abs() <= INTRA_LINE * f.size.max(p.size)) =>
            {
                line.push(p)
            }
            _ => lines.push(vec![p]),
        }
    }
    let mut out = TextBlock {
        lines: Vec::with_capacity(lines.len()),
        x0: f64::MAX,
        x1: f64::MIN,
    };
    for mut line in lines {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let Some(first) = line.first() else { continue };
        // The line's baseline is that of its largest text (not of a superscript).
        let main = line
            .iter()
            .max_by(|a, b| a.size.total_cmp(&b.size))
            .map_or(first.y, |p| p.y);
        let mut joined = Piece {
            x0: first.x0,
            x1: first.x1,
            y: main,
            size: first.size,
            text: String::new(),
        };
        for p in &line {
            // A sub- or superscript touching its base joins it without a space.
            if !joined.text.is_empty() && p.x0 - joined.x1 > SPACE_GAP * p.size.max(joined.size) {
                joined.text.push(' ');
            }
            joined.text.push_str(&p.text);
            joined.x0 = joined.x0.min(p.x0);
            joined.x1 = joined.x1.max(p.x1);
            joined.size = joined.size.max(p.size);
        }
        out.x0 = out.x0.min(joined.x0);
        out.x1 = out.x1.max(joined.x1);
        out.lines.push(joined);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reading order of blocks: pdftotext's topological sort after Breuel ("High Performance
// Document Layout Analysis", 2003). Block A comes before B when (1) they overlap horizontally
// and A is above, or (2) A is left of B and no block C has B before C and C before A by (1)
// (A is not further down another column). Small blocks that form a grid of aligned cells are
// read as a table, row by row; other blocks are widened over the free space below them so
// that the blocks of one column overlap and (1) chains them.
// ---------------------------------------------------------------------------------------------

/// A block's box in top-down coordinates (y0 above y1) for ordering, with its widened box.
#[derive(Debug, Clone, Copy)]
struct OBox {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    ex0: f64,
    ex1: f64,
    ey0: f64,
    ey1: f64,
    size: f64,
    lines: usize,
    table: Option<usize>,
}

/// Above this many blocks on a page the quadratic sort gives way to the cheap XY cut.
const MAX_SORTED_BLOCKS: usize = 2000;

/// Blocks of more lines are prose, never grid cells: two columns whose paragraphs happen to
/// line up are read column by column (pdftotext reads them across, as a table).
const MAX_CELL_LINES: usize = 4;

/// Blocks in reading order; `meta` holds each item's font size and line count (0 for tables).
fn reading_order(items: Vec<Item>, meta: &[(f64, usize)], ltr: bool) -> Vec<Item> {
    let n = items.len();
    if n <= 1 || n > MAX_SORTED_BLOCKS || meta.len() != n {
        return order_items(items, 0);
    }
    let mut b: Vec<OBox> = items
        .iter()
        .zip(meta)
        .map(|(it, &(size, lines))| OBox {
            x0: it.x0,
            x1: it.x1,
            y0: -it.top,
            y1: -it.bottom,
            ex0: it.x0,
            ex1: it.x1,
            ey0: -it.top,
            ey1: -it.bottom,
            size,
            lines,
            table: None,
        })
        .collect();
    detect_tables(&mut b);
    widen(&mut b);
    // rule1[a] bit c: a is before c by rule 1 (overlap in x, a above).
    let words = n.div_ceil(64);
    let mut rule1 = vec![0u64; n * words];
    let mut rule1_t = vec![0u64; n * words];
    for a in 0..n {
        for c in 0..n {
            if a != c && before_rule1(&b[a], &b[c]) {
                rule1[a * words + c / 64] |= 1 << (c % 64);
                rule1_t[c * words + a / 64] |= 1 << (a % 64);
            }
        }
    }
    let r1 = |a: usize, c: usize| rule1[a * words + c / 64] >> (c % 64) & 1 == 1;
    // Some C with `cur` before C and C before `cand`, both by rule 1.
    let blocked = |cur: usize, cand: usize| {
        (0..words).any(|w| rule1[cur * words + w] & rule1_t[cand * words + w] != 0)
    };
    let before = |cand: usize, cur: usize| -> bool {
        let (p, q) = (&b[cand], &b[cur]);
        if let (Some(t1), Some(t2)) = (p.table, q.table) {
            if t1 == t2 {
                let side = if ltr { p.x1 <= q.x0 } else { p.x0 >= q.x1 };
                return (side && p.y0 <= q.y1 && p.y1 >= q.y0) || p.y1 <= q.y0;
            }
        }
        if r1(cand, cur) {
            return true;
        }
        let left = if ltr { p.ex1 <= q.ex0 } else { q.ex1 <= p.ex0 };
        left && !blocked(cur, cand)
    };
    // Iterative depth-first topological sort in creation order.
    let mut visited = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for root in 0..n {
        if visited[root] {
            continue;
        }
        visited[root] = true;
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (cur, ref mut next)) = stack.last_mut() {
            let mut pushed = None;
            while *next < n {
                let cand = *next;
                *next += 1;
                if !visited[cand] && before(cand, cur) {
                    pushed = Some(cand);
                    break;
                }
            }
            match pushed {
                Some(c) => {
                    visited[c] = true;
                    stack.push((c, 0));
                }
                None => {
                    order.push(cur);
                    stack.pop();
                }
            }
        }
    }
    let mut slots: Vec<Option<Item>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

fn before_rule1(a: &OBox, c: &OBox) -> bool {
    let overlap = (a.ex0 <= c.ex0 && c.ex0 <= a.ex1) || (c.ex0 <= a.ex0 && a.ex0 <= c.ex1);
    overlap && a.ey0 < c.ey0
}

/// Mark blocks that sit in a grid (a right neighbour, a lower neighbour and a diagonal one, all
/// aligned) with a table id, and give every member the table's envelope as its widened box.
fn detect_tables(b: &mut [OBox]) {
    let n = b.len();
    let mut tables = 0usize;
    for i in 0..n {
        let me = b[i];
        let (mut right, mut below, mut diag) = (None::<usize>, None::<usize>, None::<usize>);
        let (mut bx_right, mut by_below, mut bx_diag, mut by_diag) =
            (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
        for (j, o) in b.iter().enumerate() {
            if j == i {
                continue;
            }
            if o.y0 <= me.y1 && o.y1 >= me.y0 && o.x0 > me.x1 && o.x0 < bx_right {
                bx_right = o.x0;
                right = Some(j);
            } else if o.x0 <= me.x1 && o.x1 >= me.x0 && o.y0 > me.y1 && o.y0 < by_below {
                by_below = o.y0;
                below = Some(j);
            } else if o.x0 > me.x1 && o.x0 < bx_diag && o.y0 > me.y1 && o.y0 < by_diag {
                bx_diag = o.x0;
                by_diag = o.y0;
                diag = Some(j);
            }
        }
        let (Some(r), Some(d), Some(g)) = (right, below, diag) else {
            continue;
        };
        let (r, d, g) = (b[r], b[d], b[g]);
        if [&me, &r, &d, &g].iter().any(|o| o.lines > MAX_CELL_LINES) {
            continue;
        }
        let ov_x = |p: &OBox, q: &OBox| p.x0 <= q.x1 && p.x1 >= q.x0;
        let ov_y = |p: &OBox, q: &OBox| p.y0 <= q.y1 && p.y1 >= q.y0;
        if ov_x(&d, &g)
            || ov_y(&r, &g)
            || ov_x(&r, &d)
            || ov_y(&r, &d)
            || g.x0 > r.x1
            || g.x1 < r.x0
            || g.y0 > d.y1
            || g.y1 < d.y0
        {
            continue;
        }
        let size = [me.size, r.size, d.size, g.size]
            .into_iter()
            .filter(|s| *s > 0.0)
            .fold(f64::MAX, f64::min);
        if size == f64::MAX {
            continue;
        }
        let dx = size * COL_SPACE_NEAR;
        let dy = size * INTRA_LINE;
        let cx = |p: &OBox| (p.x0 + p.x1) / 2.0;
        let cy = |p: &OBox| (p.y0 + p.y1) / 2.0;
        let aligned_x = ((cx(&me) - cx(&d)).abs() <= dx && (cx(&r) - cx(&g)).abs() <= dx)
            || ((me.x0 - d.x0).abs() <= dx && (r.x0 - g.x0).abs() <= dx)
            || ((me.x1 - d.x1).abs() <= dx && (r.x1 - g.x1).abs() <= dx);
        let aligned_y = ((cy(&me) - cy(&r)).abs() <= dy && (cy(&d) - cy(&g)).abs() <= dy)
            || ((me.y0 - r.y0).abs() <= dy && (d.y0 - g.y0).abs() <= dy)
            || ((me.y1 - r.y1).abs() <= dy && (d.y1 - g.y1).abs() <= dy);
        if !(aligned_x && aligned_y) {
            continue;
        }
        let ids = [i, right.unwrap_or(i), below.unwrap_or(i), diag.unwrap_or(i)];
        let id = match ids.iter().filter_map(|&k| b[k].table).max() {
            Some(t) => t,
            None => {
                tables += 1;
                tables - 1
            }
        };
        for k in ids {
            b[k].table = Some(id);
        }
    }
    if tables == 0 {
        return;
    }
    let mut env = vec![(f64::MAX, f64::MIN, f64::MAX, f64::MIN); tables];
    for o in b.iter() {
        if let Some(e) = o.table.and_then(|t| env.get_mut(t)) {
            e.0 = e.0.min(o.x0);
            e.1 = e.1.max(o.x1);
            e.2 = e.2.min(o.y0);
            e.3 = e.3.max(o.y1);
        }
    }
    for o in b.iter_mut() {
        if let Some(e) = o.table.and_then(|t| env.get(t)) {
            (o.ex0, o.ex1, o.ey0, o.ey1) = *e;
        }
    }
}

/// Widen each non-table block over blocks below it, up to its nearest neighbours on its own
/// height, so that the blocks of one column overlap and rule 1 chains them.
fn widen(b: &mut [OBox]) {
    let n = b.len();
    for i in 0..n {
        if b[i].table.is_some() {
            continue;
        }
        let me = b[i];
        let (mut lim_hi, mut lim_lo) = (f64::MAX, f64::MIN);
        for (j, o) in b.iter().enumerate() {
            if j != i && me.y0 <= o.y1 && me.y1 >= o.y0 {
                if o.x0 < lim_hi && o.x0 > me.x1 {
                    lim_hi = o.x0;
                }
                if o.x1 > lim_lo && o.x1 < me.x0 {
                    lim_lo = o.x1;
                }
            }
        }
        let (mut ex0, mut ex1) = (me.ex0, me.ex1);
        for (j, o) in b.iter().enumerate() {
            if j == i || o.y0 < me.y1 {
                continue;
            }
            if o.x1 > ex1 && o.x1 <= lim_hi {
                ex1 = o.x1;
            }
            if o.x0 < ex0 && o.x0 >= lim_lo {
                ex0 = o.x0;
            }
        }
        b[i].ex0 = ex0;
        b[i].ex1 = ex1;
    }
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

    fn contains(&self, g: &G<'_>) -> bool {
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

    fn into_item(self, glyphs: Vec<G<'_>>, ltr: bool) -> Option<Item> {
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
        let mut texts: Vec<Vec<Vec<G<'_>>>> = vec![vec![Vec::new(); ncols]; nrows];
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
                let blocks = cell_blocks(&glyphs, ltr);
                cells.push(Cell {
                    col: c as u32,
                    col_span: col_span.max(1),
                    row_span: row_span.max(1),
                    blocks,
                });
            }
            if !ltr {
                // A right-to-left table starts at its right edge: column 0 is the rightmost.
                cells.reverse();
                for cell in &mut cells {
                    cell.col = (ncols as u32).saturating_sub(cell.col + cell.col_span);
                }
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

fn cell_blocks(glyphs: &[G<'_>], ltr: bool) -> Vec<Block> {
    let pieces = build_pieces(glyphs);
    let mut out = Vec::new();
    for mut b in build_blocks(pieces) {
        for line in &mut b.lines {
            line.text = logical_order(&line.text, ltr);
        }
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
    fn right_to_left_runs_come_out_in_logical_order() {
        // Glyphs sorted left to right give the visual order of an Arabic phrase.
        assert_eq!(logical_order("ملاعلاب ابحرم", true), "مرحبا بالعالم");
        assert_eq!(
            logical_order("Hello ملاعلاب ابحرم 2024", true),
            "Hello مرحبا بالعالم 2024"
        );
        assert_eq!(logical_order("םולש", false), "שלום");
        assert_eq!(logical_order("план 2024", true), "план 2024");
    }

    #[test]
    fn aligned_paragraphs_of_two_columns_are_not_a_table() {
        // Two columns whose five-line paragraphs line up: read column by column.
        let mut page = PageContent {
            width: 600.0,
            height: 800.0,
            ..PageContent::default()
        };
        for (p, top) in [700.0, 620.0].iter().enumerate() {
            for l in 0..5 {
                let y = top - 14.0 * f64::from(l);
                page.glyphs
                    .extend(glyphs(&format!("лев{p}{l}"), 50.0, y, 12.0, 6.0));
                page.glyphs
                    .extend(glyphs(&format!("прав{p}{l}"), 320.0, y, 12.0, 6.0));
            }
        }
        let t = texts(&page_items(&page)).join(" ");
        assert!(t.starts_with("лев00 лев01 лев02 лев03 лев04 лев10"), "{t}");
    }

    #[test]
    fn unruled_table_is_read_row_by_row() {
        // A name column and two narrow value columns on shared baselines, rows 20 pt apart.
        let mut page = PageContent {
            width: 600.0,
            height: 800.0,
            ..PageContent::default()
        };
        for (r, (name, a, b)) in [
            ("Доля", "39 %", "55 %"),
            ("Число", "9", "25"),
            ("Охват", "0 %", "70 %"),
        ]
        .iter()
        .enumerate()
        {
            let y = 700.0 - 20.0 * r as f64;
            page.glyphs.extend(glyphs(name, 50.0, y, 12.0, 6.0));
            page.glyphs.extend(glyphs(a, 300.0, y, 12.0, 6.0));
            page.glyphs.extend(glyphs(b, 400.0, y, 12.0, 6.0));
        }
        let t = texts(&page_items(&page)).join(" ");
        assert_eq!(t, "Доля 39 % 55 % Число 9 25 Охват 0 % 70 %");
    }

    #[test]
    fn list_numbers_join_their_items() {
        let mut page = PageContent {
            width: 600.0,
            height: 800.0,
            ..PageContent::default()
        };
        for (i, top) in [700.0, 640.0].iter().enumerate() {
            page.glyphs
                .extend(glyphs(&format!("{}.", i + 1), 50.0, *top, 12.0, 6.0));
            page.glyphs
                .extend(glyphs("провести мероприятие", 80.0, *top, 12.0, 6.0));
            page.glyphs
                .extend(glyphs("для родителей", 80.0, top - 14.0, 12.0, 6.0));
        }
        let t = texts(&page_items(&page));
        assert_eq!(
            t,
            vec![
                "1. провести мероприятие для родителей",
                "2. провести мероприятие для родителей"
            ]
        );
    }

    #[test]
    fn markers() {
        assert_eq!(marker("1. Цель"), Some("1."));
        assert_eq!(marker("а) меры"), Some("а)"));
        assert_eq!(marker("• пункт"), Some("•"));
        assert_eq!(marker("2024 год"), None);
    }
}
