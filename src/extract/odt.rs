//! ODT (OpenDocument Text) reader on zip + quick-xml.
//!
//! Headings from text:h (outline level) and from paragraph styles with a default outline
//! level, lists with nesting level and computed markers, tables with spans (covered cells
//! skipped), notes and text boxes, tracked changes taken as accepted (the deleted text lives
//! in text:tracked-changes, which is skipped), headers/footers of master pages as furniture.

use std::collections::HashMap;

use super::Limits;
use super::xml::{self, Element, Node};
use super::zipread::Package;
use crate::error::{Error, Result};
use crate::model::{Block, Cell, Document, Format, Location, Metadata, Row, Table};
use crate::text::normalize;

pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document> {
    let mut pkg = Package::open(bytes, limits)?;
    if let Some(manifest) = pkg.read("META-INF/manifest.xml")?
        && contains(&manifest, b"encryption-data")
    {
        return Err(Error::Encrypted("документ ODF зашифрован паролем".into()));
    }
    let content = pkg
        .read("content.xml")?
        .ok_or_else(|| Error::Corrupt("в пакете ODF нет content.xml".into()))?;
    let root = xml::parse(&content, limits.max_xml_depth)?;
    drop(content);
    let styles_root = match pkg.read("styles.xml")? {
        Some(b) => Some(xml::parse(&b, limits.max_xml_depth)?),
        None => None,
    };

    let mut styles = StyleSheet::default();
    if let Some(s) = &styles_root {
        styles.collect(s);
    }
    styles.collect(&root);

    let mut objects = HashMap::new();
    let object_parts: Vec<String> = pkg
        .names()
        .iter()
        .filter(|n| n.ends_with("/content.xml") && n.matches('/').count() == 1)
        .take(64)
        .cloned()
        .collect();
    for part in object_parts {
        if let Some(b) = pkg.read(&part)?
            && let Ok(obj) = xml::parse(&b, limits.max_xml_depth)
        {
            let mut tokens = Vec::new();
            math_tokens(&obj, &mut tokens);
            let dir = part.trim_end_matches("/content.xml").to_string();
            objects.insert(dir, tokens.join(" "));
        }
    }
    let mut reader = BodyReader {
        styles: &styles,
        notes: Vec::new(),
        list_counters: HashMap::new(),
        objects,
    };
    let text = root
        .child("body")
        .and_then(|b| b.child("text"))
        .ok_or_else(|| Error::Corrupt("в content.xml нет текста (office:text)".into()))?;
    let blocks = reader.blocks(text);

    let mut furniture: Vec<Block> = Vec::new();
    if let Some(s) = &styles_root
        && let Some(master) = s.child("master-styles")
    {
        for page in master.elements().filter(|e| e.name == "master-page") {
            for part in page.elements().filter(|e| {
                matches!(
                    e.name.as_str(),
                    "header"
                        | "footer"
                        | "header-first"
                        | "footer-first"
                        | "header-left"
                        | "footer-left"
                )
            }) {
                for b in reader.blocks(part) {
                    if !furniture.iter().any(|f| f.text() == b.text()) {
                        furniture.push(b);
                    }
                }
            }
        }
    }
    let notes = std::mem::take(&mut reader.notes);
    if blocks
        .iter()
        .chain(&notes)
        .all(|b| b.text().trim().is_empty())
    {
        return Err(super::layout::empty_body(&furniture));
    }
    let metadata = match pkg.read("meta.xml")? {
        Some(b) => read_meta(&b, limits),
        None => Metadata::default(),
    };
    let mut blocks = blocks;
    super::layout::locate_cells(&mut blocks);
    Ok(Document {
        source: String::new(),
        format: Format::Odt,
        hash: String::new(),
        metadata,
        blocks,
        furniture,
        notes,
        warnings: Vec::new(),
    })
}

/// Leaf texts of an embedded object (formulas are MathML); the StarMath source in
/// `annotation` repeats the formula and is skipped.
fn math_tokens(el: &Element, out: &mut Vec<String>) {
    for n in &el.children {
        match n {
            Node::Text(t) if !t.trim().is_empty() => out.push(t.trim().to_string()),
            Node::Element(e) if e.name != "annotation" => math_tokens(e, out),
            _ => {}
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn read_meta(bytes: &[u8], limits: &Limits) -> Metadata {
    let mut meta = Metadata::default();
    let Ok(root) = xml::parse(bytes, limits.max_xml_depth) else {
        return meta;
    };
    let Some(m) = root.child("meta") else {
        return meta;
    };
    let field = |name: &str| {
        m.child(name)
            .map(|e| normalize(&e.text()))
            .filter(|t| !t.is_empty())
    };
    meta.title = field("title");
    meta.author = field("initial-creator").or_else(|| field("creator"));
    meta.created = field("creation-date");
    meta
}

/// Paragraph styles that carry an outline level, and list styles' level formats.
#[derive(Default)]
struct StyleSheet {
    /// style name → (parent, default outline level).
    paragraph: HashMap<String, (Option<String>, Option<u8>)>,
    /// list style name → per-level (num-format, prefix, suffix, bullet char, display-levels).
    lists: HashMap<String, Vec<ListLevel>>,
}

#[derive(Clone, Default)]
struct ListLevel {
    bullet: Option<String>,
    num_format: String,
    prefix: String,
    suffix: String,
    display_levels: u8,
    start: u32,
}

impl StyleSheet {
    fn collect(&mut self, root: &Element) {
        for group in root
            .elements()
            .filter(|e| e.name == "styles" || e.name == "automatic-styles")
        {
            for s in group.elements() {
                match s.name.as_str() {
                    "style" if s.attr("family") == Some("paragraph") => {
                        if let Some(name) = s.attr("name") {
                            let level = s
                                .attr("default-outline-level")
                                .and_then(|v| v.parse::<u8>().ok())
                                .filter(|l| *l > 0);
                            self.paragraph.insert(
                                name.to_string(),
                                (s.attr("parent-style-name").map(str::to_string), level),
                            );
                        }
                    }
                    "list-style" => {
                        if let Some(name) = s.attr("name") {
                            self.lists.insert(name.to_string(), list_levels(s));
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn outline_level(&self, style: &str) -> Option<u8> {
        let mut cur = Some(style.to_string());
        for _ in 0..16 {
            let (parent, level) = self.paragraph.get(cur.as_deref()?)?;
            if level.is_some() {
                return *level;
            }
            cur = parent.clone();
        }
        None
    }
}

fn list_levels(style: &Element) -> Vec<ListLevel> {
    let mut levels = vec![ListLevel::default(); 10];
    for l in style.elements() {
        let Some(i) = l
            .attr("level")
            .and_then(|v| v.parse::<usize>().ok())
            .and_then(|v| v.checked_sub(1))
        else {
            continue;
        };
        let level = ListLevel {
            bullet: (l.name == "list-level-style-bullet")
                .then(|| l.attr("bullet-char").unwrap_or("•").to_string()),
            num_format: l.attr("num-format").unwrap_or_default().to_string(),
            prefix: l.attr("num-prefix").unwrap_or_default().to_string(),
            suffix: l.attr("num-suffix").unwrap_or_default().to_string(),
            display_levels: l
                .attr("display-levels")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1),
            start: l
                .attr("start-value")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1),
        };
        if let Some(slot) = levels.get_mut(i) {
            *slot = level;
        }
    }
    levels
}

struct BodyReader<'a> {
    styles: &'a StyleSheet,
    notes: Vec<Block>,
    /// list style name → counters per level, so numbering continues across list fragments.
    list_counters: HashMap<String, [u32; 10]>,
    /// Text of embedded objects (formulas) by their folder in the package.
    objects: HashMap<String, String>,
}

struct ListContext {
    style: Option<String>,
    level: u8,
}

impl BodyReader<'_> {
    fn blocks(&mut self, container: &Element) -> Vec<Block> {
        let mut out = Vec::new();
        self.push_blocks(container, &mut out, None);
        out
    }

    fn push_blocks(
        &mut self,
        container: &Element,
        out: &mut Vec<Block>,
        list: Option<&ListContext>,
    ) {
        for el in container.elements() {
            self.push_block(el, out, list);
        }
    }

    fn push_block(&mut self, el: &Element, out: &mut Vec<Block>, list: Option<&ListContext>) {
        {
            match el.name.as_str() {
                "p" | "h" => self.paragraph(el, out, list),
                "list" => self.list(el, out, list),
                "table" => {
                    if let Some(t) = self.table(el) {
                        out.push(Block::Table(t));
                    }
                }
                // Containers of ordinary content; text:tracked-changes (deleted text) and
                // office:forms are deliberately not listed.
                "section" | "index-body" | "table-of-content" | "alphabetical-index"
                | "illustration-index" | "table-index" | "object-index" | "user-index"
                | "bibliography" | "text-box" | "frame" | "change-region" | "list-header"
                | "soft-page-break" | "region-left" | "region-center" | "region-right" => {
                    self.push_blocks(el, out, list)
                }
                _ => {}
            }
        }
    }

    fn list(&mut self, el: &Element, out: &mut Vec<Block>, parent: Option<&ListContext>) {
        let ctx = ListContext {
            style: el
                .attr("style-name")
                .map(str::to_string)
                .or_else(|| parent.and_then(|p| p.style.clone())),
            level: parent.map_or(0, |p| p.level.saturating_add(1).min(9)),
        };
        for item in el.elements() {
            match item.name.as_str() {
                "list-item" => {
                    let mut first = true;
                    for child in item.elements() {
                        match child.name.as_str() {
                            "p" | "h" if first => {
                                first = false;
                                self.list_paragraph(child, out, &ctx);
                            }
                            "list" => self.list(child, out, Some(&ctx)),
                            _ => self.push_block(child, out, Some(&ctx)),
                        }
                    }
                }
                "list-header" => self.push_blocks(item, out, Some(&ctx)),
                _ => {}
            }
        }
    }

    fn list_paragraph(&mut self, p: &Element, out: &mut Vec<Block>, ctx: &ListContext) {
        let mut after = Vec::new();
        let text = normalize(&self.inline_text(p, &mut after));
        if p.name == "h" {
            self.paragraph(p, out, None);
            return;
        }
        let marker = self.next_marker(ctx);
        if !text.is_empty() {
            out.push(Block::ListItem {
                level: ctx.level,
                marker,
                text,
                loc: Location::default(),
            });
        }
        out.extend(after);
    }

    fn next_marker(&mut self, ctx: &ListContext) -> Option<String> {
        let style = ctx.style.clone()?;
        let levels = self.styles.lists.get(&style)?;
        let lvl = usize::from(ctx.level.min(9));
        let format = levels.get(lvl)?.clone();
        if let Some(b) = format.bullet {
            let c = b.chars().next().unwrap_or('•');
            return Some(if ('\u{E000}'..='\u{F8FF}').contains(&c) {
                "•".to_string()
            } else {
                b
            });
        }
        if format.num_format.is_empty() {
            return None;
        }
        let counters = self.list_counters.entry(style).or_insert([0; 10]);
        counters[lvl] = if counters[lvl] == 0 {
            format.start
        } else {
            counters[lvl].saturating_add(1)
        };
        for deeper in counters.iter_mut().skip(lvl + 1) {
            *deeper = 0;
        }
        let first = (lvl + 1).saturating_sub(usize::from(format.display_levels.max(1)));
        let parts: Vec<String> = (first..=lvl)
            .map(|l| {
                let fmt = levels.get(l).map(|f| f.num_format.as_str()).unwrap_or("1");
                format_number(counters[l].max(1), fmt)
            })
            .collect();
        Some(format!(
            "{}{}{}",
            format.prefix,
            parts.join("."),
            format.suffix
        ))
    }

    fn paragraph(&mut self, p: &Element, out: &mut Vec<Block>, list: Option<&ListContext>) {
        let mut after = Vec::new();
        let text = normalize(&self.inline_text(p, &mut after));
        if !text.is_empty() {
            let loc = Location::default();
            let style_level = p
                .attr("style-name")
                .and_then(|s| self.styles.outline_level(s));
            let block = if p.name == "h" {
                let level = p
                    .attr("outline-level")
                    .and_then(|v| v.parse::<u8>().ok())
                    .or(style_level)
                    .unwrap_or(1)
                    .clamp(1, 10);
                Block::Heading { level, text, loc }
            } else if let Some(level) = style_level {
                Block::Heading {
                    level: level.clamp(1, 10),
                    text,
                    loc,
                }
            } else if let Some(ctx) = list {
                Block::ListItem {
                    level: ctx.level,
                    marker: None,
                    text,
                    loc,
                }
            } else {
                Block::Paragraph { text, loc }
            };
            out.push(block);
        }
        out.extend(after);
    }

    /// Text of a paragraph; notes go to `self.notes`, frames (text boxes) to `after`.
    fn inline_text(&mut self, el: &Element, after: &mut Vec<Block>) -> String {
        let mut s = String::new();
        self.inline(el, &mut s, after);
        s
    }

    fn inline(&mut self, el: &Element, s: &mut String, after: &mut Vec<Block>) {
        for node in &el.children {
            match node {
                // Source line breaks inside a paragraph are just whitespace in ODF.
                Node::Text(t) => s.push_str(&t.replace(['\n', '\r'], " ")),
                Node::Element(e) => match e.name.as_str() {
                    "s" => {
                        let n: usize = e.attr("c").and_then(|v| v.parse().ok()).unwrap_or(1);
                        s.push_str(&" ".repeat(n.min(100)));
                    }
                    "tab" => s.push('\t'),
                    "line-break" => s.push('\n'),
                    "soft-hyphen" => s.push('\u{00AD}'),
                    "note" => {
                        if let Some(body) = e.child("note-body") {
                            let blocks = self.blocks(body);
                            self.notes.extend(blocks);
                        }
                    }
                    "object" => {
                        let href = e.attr("href").unwrap_or_default();
                        let key = href.trim_start_matches("./").trim_end_matches('/');
                        if let Some(t) = self.objects.get(key) {
                            s.push_str(t);
                        }
                    }
                    "frame" if e.child("object").is_some() => self.inline(e, s, after),
                    "frame" | "custom-shape" | "rect" | "g" | "text-box" => {
                        let mut inner = Vec::new();
                        self.push_blocks(e, &mut inner, None);
                        after.extend(inner);
                    }
                    // Comments, note numbers and change marks carry no body text.
                    "annotation" | "annotation-end" | "note-citation" | "tracked-changes"
                    | "deletion" | "change-start" | "change-end" | "change" => {}
                    _ => self.inline(e, s, after),
                },
            }
        }
    }

    fn table(&mut self, tbl: &Element) -> Option<Table> {
        let mut rows = Vec::new();
        self.table_rows(tbl, false, &mut rows);
        if rows.iter().all(|r: &Row| r.cells.is_empty()) {
            return None;
        }
        Some(Table {
            rows,
            loc: Location::default(),
        })
    }

    fn table_rows(&mut self, el: &Element, header: bool, rows: &mut Vec<Row>) {
        for child in el.elements() {
            match child.name.as_str() {
                "table-row" => {
                    let mut cells = Vec::new();
                    let mut col: u32 = 0;
                    for c in child.elements() {
                        let repeat: u32 = c
                            .attr("number-columns-repeated")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1)
                            .clamp(1, 1000);
                        match c.name.as_str() {
                            "table-cell" => {
                                let col_span = c
                                    .attr("number-columns-spanned")
                                    .and_then(|v| v.parse().ok())
                                    .unwrap_or(1u32)
                                    .clamp(1, 1000);
                                let row_span = c
                                    .attr("number-rows-spanned")
                                    .and_then(|v| v.parse().ok())
                                    .unwrap_or(1u32)
                                    .clamp(1, 100_000);
                                let blocks = self.blocks(c);
                                // Repeated empty cells are layout filler: keep one.
                                let copies = if blocks.is_empty() { 1 } else { repeat.min(64) };
                                for _ in 0..copies {
                                    cells.push(Cell {
                                        col,
                                        col_span,
                                        row_span,
                                        blocks: blocks.clone(),
                                    });
                                    // Each cell element takes one grid position; the positions
                                    // a span covers follow as covered-table-cell elements.
                                    col = col.saturating_add(1);
                                }
                                if copies < repeat {
                                    col = col.saturating_add(repeat - copies);
                                }
                            }
                            "covered-table-cell" => col = col.saturating_add(repeat),
                            _ => {}
                        }
                    }
                    rows.push(Row { cells, header });
                }
                "table-header-rows" => self.table_rows(child, true, rows),
                "table-rows" | "table-row-group" => self.table_rows(child, header, rows),
                _ => {}
            }
        }
    }
}

fn format_number(v: u32, fmt: &str) -> String {
    match fmt {
        "a" => alpha(v, 'a'),
        "A" => alpha(v, 'A'),
        "i" => super::docx::roman(v).to_lowercase(),
        "I" => super::docx::roman(v),
        "а" => cyr(v).to_string(),
        "А" => cyr(v).to_uppercase(),
        _ => v.to_string(),
    }
}

fn alpha(v: u32, base: char) -> String {
    let idx = (v.max(1) - 1) % 26;
    let repeat = ((v.max(1) - 1) / 26 + 1).min(10) as usize;
    char::from_u32(base as u32 + idx)
        .map(|c| c.to_string().repeat(repeat))
        .unwrap_or_default()
}

fn cyr(v: u32) -> String {
    const RU: &[char] = &[
        'а', 'б', 'в', 'г', 'д', 'е', 'ж', 'з', 'и', 'к', 'л', 'м', 'н', 'о', 'п', 'р', 'с', 'т',
        'у', 'ф', 'х', 'ц', 'ч', 'ш', 'щ', 'э', 'ю', 'я',
    ];
    let idx = ((v.max(1) - 1) as usize) % RU.len();
    RU.get(idx).map(|c| c.to_string()).unwrap_or_default()
}
