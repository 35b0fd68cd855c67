//! DOCX (WordprocessingML) reader on zip + quick-xml.
//!
//! Follows the package relationships to the main part, resolves heading levels through
//! styles.xml (outline level, style names, basedOn chains), computes list markers from
//! numbering.xml, maps gridSpan/vMerge to cell spans, takes tracked changes as accepted,
//! shows field results, and keeps notes and headers/footers apart from the body.

use std::collections::HashMap;

use super::Limits;
use super::xml::{self, Element, Node};
use super::zipread::Package;
use crate::error::{Error, Result};
use crate::model::{Block, Cell, Document, Format, Location, Metadata, Row, Table};
use crate::text::normalize;

const REL_OFFICE_DOCUMENT: &str = "/officeDocument";

/// Formatting elements of story parts (body, notes, headers) that the reader never looks at;
/// skipping them while parsing keeps large documents fast. Not used for styles/numbering.
const STORY_NOISE: &[&str] = &[
    "rFonts",
    "sz",
    "szCs",
    "color",
    "lang",
    "spacing",
    "ind",
    "jc",
    "tcW",
    "tcBorders",
    "tblBorders",
    "pBdr",
    "shd",
    "proofErr",
    "bookmarkStart",
    "bookmarkEnd",
    "noProof",
    "b",
    "bCs",
    "i",
    "iCs",
    "u",
    "kern",
    "w",
    "position",
    "highlight",
    "lastRenderedPageBreak",
    "tblW",
    "tblLook",
    "tblInd",
    "tblLayout",
    "tblCellMar",
    "tblGrid",
    "trHeight",
    "vAlign",
    "noWrap",
    "webHidden",
    "keepNext",
    "keepLines",
    "widowControl",
    "contextualSpacing",
    "snapToGrid",
    "autoSpaceDE",
    "autoSpaceDN",
    "adjustRightInd",
    "textAlignment",
    "tabs",
    "pgSz",
    "pgMar",
    "cols",
    "docGrid",
    "tcMar",
    "rStyle",
    "caps",
    "smallCaps",
    "strike",
    "vertAlign",
    "effectiveExtent",
    "extent",
    "docPr",
    "cNvGraphicFramePr",
    "blipFill",
    "spPr",
    "commentRangeStart",
    "commentRangeEnd",
    "permStart",
    "permEnd",
    "rPrChange",
    "pPrChange",
    "tblPrChange",
    "tcPrChange",
    "trPrChange",
    "sectPrChange",
];

fn parse_story(bytes: &[u8], limits: &Limits) -> Result<Element> {
    xml::parse_skipping(bytes, limits.max_xml_depth, STORY_NOISE)
}

pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document> {
    let mut pkg = Package::open(bytes, limits)?;
    let main = main_part_name(&mut pkg, limits)?;
    let body_xml = pkg
        .read(&main)?
        .ok_or_else(|| Error::Corrupt(format!("в пакете нет основной части «{main}»")))?;
    let root = parse_story(&body_xml, limits)?;
    drop(body_xml);
    let rels = read_rels(&mut pkg, &main, limits)?;

    let styles = match rels.target_of("/styles") {
        Some(p) => match pkg.read(&p)? {
            Some(b) => Styles::parse(&xml::parse(&b, limits.max_xml_depth)?),
            None => Styles::default(),
        },
        None => Styles::default(),
    };
    let numbering = match rels.target_of("/numbering") {
        Some(p) => match pkg.read(&p)? {
            Some(b) => Numbering::parse(&xml::parse(&b, limits.max_xml_depth)?),
            None => Numbering::default(),
        },
        None => Numbering::default(),
    };

    let mut alt_chunks = HashMap::new();
    for (id, t, target) in &rels.items {
        if t.ends_with("/aFChunk")
            && (target.ends_with(".html") || target.ends_with(".htm"))
            && let Some(b) = pkg.read(target)?
        {
            alt_chunks.insert(id.clone(), html_paragraphs(&String::from_utf8_lossy(&b)));
        }
    }
    let mut reader = BodyReader {
        styles: &styles,
        numbering: Counters::new(&numbering),
        note_refs: Vec::new(),
        warnings: Vec::new(),
        alt_chunks,
    };
    let body = root
        .child("body")
        .ok_or_else(|| Error::Corrupt("в документе нет тела (w:body)".into()))?;
    let blocks = reader.blocks(body);

    let notes = read_notes(&mut pkg, &rels, &mut reader, limits)?;
    let furniture = read_furniture(&mut pkg, &rels, &mut reader, limits)?;
    let metadata = read_core_properties(&mut pkg, limits)?;
    if blocks
        .iter()
        .chain(&notes)
        .all(|b| b.text().trim().is_empty())
    {
        return Err(super::layout::empty_body(&furniture));
    }

    let mut blocks = blocks;
    super::layout::locate_cells(&mut blocks);
    Ok(Document {
        source: String::new(),
        format: Format::Docx,
        hash: String::new(),
        metadata,
        blocks,
        furniture,
        notes,
        warnings: reader.warnings,
    })
}

/// The main document part: the officeDocument relationship of `_rels/.rels`, else the usual path.
fn main_part_name(pkg: &mut Package<'_>, limits: &Limits) -> Result<String> {
    if let Some(b) = pkg.read("_rels/.rels")? {
        let root = xml::parse(&b, limits.max_xml_depth)?;
        for r in root.elements().filter(|e| e.name == "Relationship") {
            if r.attr("Type")
                .is_some_and(|t| t.ends_with(REL_OFFICE_DOCUMENT))
                && let Some(target) = r.attr("Target")
            {
                let name = resolve_target("", target);
                if pkg.find_name(&name).is_some() {
                    return Ok(name);
                }
            }
        }
    }
    Ok("word/document.xml".to_string())
}

/// Relationships of one part: (type, resolved target) in file order.
struct Rels {
    items: Vec<(String, String, String)>,
}

impl Rels {
    fn target_of(&self, type_suffix: &str) -> Option<String> {
        self.items
            .iter()
            .find(|(_, t, _)| t.ends_with(type_suffix))
            .map(|(_, _, target)| target.clone())
    }

    fn targets_of<'a>(&'a self, type_suffix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.items
            .iter()
            .filter(move |(_, t, _)| t.ends_with(type_suffix))
            .map(|(_, _, target)| target.as_str())
    }
}

fn read_rels(pkg: &mut Package<'_>, part: &str, limits: &Limits) -> Result<Rels> {
    let (dir, file) = match part.rfind('/') {
        Some(i) => (&part[..i + 1], &part[i + 1..]),
        None => ("", part),
    };
    let mut items = Vec::new();
    if let Some(b) = pkg.read(&format!("{dir}_rels/{file}.rels"))? {
        let root = xml::parse(&b, limits.max_xml_depth)?;
        for r in root.elements().filter(|e| e.name == "Relationship") {
            if r.attr("TargetMode") == Some("External") {
                continue;
            }
            if let (Some(id), Some(t), Some(target)) =
                (r.attr("Id"), r.attr("Type"), r.attr("Target"))
            {
                items.push((id.to_string(), t.to_string(), resolve_target(dir, target)));
            }
        }
    }
    Ok(Rels { items })
}

/// Resolve a relationship target relative to the source part's folder.
fn resolve_target(dir: &str, target: &str) -> String {
    let joined = if let Some(abs) = target.strip_prefix('/') {
        abs.to_string()
    } else {
        format!("{dir}{target}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn read_notes(
    pkg: &mut Package<'_>,
    rels: &Rels,
    reader: &mut BodyReader<'_>,
    limits: &Limits,
) -> Result<Vec<Block>> {
    let mut by_id: HashMap<(NoteKind, String), Vec<Block>> = HashMap::new();
    for (kind, suffix, elem) in [
        (NoteKind::Foot, "/footnotes", "footnote"),
        (NoteKind::End, "/endnotes", "endnote"),
    ] {
        let Some(part) = rels.target_of(suffix) else {
            continue;
        };
        let Some(b) = pkg.read(&part)? else { continue };
        let root = parse_story(&b, limits)?;
        for note in root.elements().filter(|e| e.name == elem) {
            if note
                .attr("type")
                .is_some_and(|t| t != "normal" && !t.is_empty())
            {
                continue;
            }
            let Some(id) = note.attr("id") else { continue };
            let blocks = reader.blocks(note);
            by_id.insert((kind, id.to_string()), blocks);
        }
    }
    let mut notes = Vec::new();
    // Notes can reference further notes only in pathological files; one pass is enough.
    let refs = std::mem::take(&mut reader.note_refs);
    for key in refs {
        if let Some(blocks) = by_id.remove(&key) {
            notes.extend(blocks);
        }
    }
    Ok(notes)
}

fn read_furniture(
    pkg: &mut Package<'_>,
    rels: &Rels,
    reader: &mut BodyReader<'_>,
    limits: &Limits,
) -> Result<Vec<Block>> {
    let mut out: Vec<Block> = Vec::new();
    let parts: Vec<String> = rels
        .targets_of("/header")
        .chain(rels.targets_of("/footer"))
        .map(str::to_string)
        .collect();
    for part in parts {
        let Some(b) = pkg.read(&part)? else { continue };
        let root = parse_story(&b, limits)?;
        for block in reader.blocks(&root) {
            // The same header usually repeats for first/even/odd pages: keep one copy.
            if !out.iter().any(|b| b.text() == block.text()) {
                out.push(block);
            }
        }
    }
    reader.note_refs.clear();
    Ok(out)
}

fn read_core_properties(pkg: &mut Package<'_>, limits: &Limits) -> Result<Metadata> {
    let mut meta = Metadata::default();
    let Some(b) = pkg.read("docProps/core.xml")? else {
        return Ok(meta);
    };
    // Damaged metadata is not worth failing the document for.
    let Ok(root) = xml::parse(&b, limits.max_xml_depth) else {
        return Ok(meta);
    };
    let field = |name: &str| {
        root.child(name)
            .map(|e| normalize(&e.text()))
            .filter(|t| !t.is_empty())
    };
    meta.title = field("title");
    meta.author = field("creator");
    meta.created = field("created");
    Ok(meta)
}

// ---------------------------------------------------------------------------------------------
// Styles and numbering
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct StyleInfo {
    name: String,
    based_on: Option<String>,
    outline_level: Option<u8>,
    num: Option<NumRef>,
}

#[derive(Default)]
struct Styles {
    by_id: HashMap<String, StyleInfo>,
    default_paragraph: Option<String>,
}

#[derive(Clone, Debug, Default)]
struct NumRef {
    num_id: Option<String>,
    level: Option<u8>,
}

impl Styles {
    fn parse(root: &Element) -> Styles {
        let mut styles = Styles::default();
        for s in root.elements().filter(|e| e.name == "style") {
            let Some(id) = s.attr("styleId") else {
                continue;
            };
            if s.attr("type").is_some_and(|t| t != "paragraph") {
                continue;
            }
            if s.attr("default").is_some_and(|d| d == "1" || d == "true") {
                styles.default_paragraph = Some(id.to_string());
            }
            let ppr = s.child("pPr");
            let info = StyleInfo {
                name: s
                    .child("name")
                    .and_then(|n| n.attr("val"))
                    .unwrap_or_default()
                    .to_string(),
                based_on: s
                    .child("basedOn")
                    .and_then(|b| b.attr("val"))
                    .map(str::to_string),
                outline_level: ppr
                    .and_then(|p| p.child("outlineLvl"))
                    .and_then(|o| o.attr("val"))
                    .and_then(|v| v.parse().ok()),
                num: ppr.and_then(|p| p.child("numPr")).map(num_ref),
            };
            styles.by_id.insert(id.to_string(), info);
        }
        styles
    }

    /// Style chain from `id` up through basedOn (bounded: files may contain cycles).
    fn chain(&self, id: &str) -> Vec<&StyleInfo> {
        let mut out = Vec::new();
        let mut cur = Some(id.to_string());
        while let Some(c) = cur {
            if out.len() >= 16 {
                break;
            }
            let Some(s) = self.by_id.get(&c) else { break };
            out.push(s);
            cur = s.based_on.clone();
        }
        out
    }

    /// Heading level (1-based) given by the style, if any.
    fn heading_level(&self, id: &str) -> Option<u8> {
        for s in self.chain(id) {
            if let Some(l) = s.outline_level {
                // Outline level 9 is "body text".
                return (l < 9).then_some(l + 1);
            }
            if let Some(l) = heading_level_from_name(&s.name) {
                return Some(l);
            }
        }
        heading_level_from_name(id)
    }

    fn numbering(&self, id: &str) -> Option<NumRef> {
        let mut found = NumRef::default();
        for s in self.chain(id) {
            if let Some(n) = &s.num {
                if found.num_id.is_none() {
                    found.num_id = n.num_id.clone();
                }
                if found.level.is_none() {
                    found.level = n.level;
                }
            }
        }
        found.num_id.is_some().then_some(found)
    }
}

/// "heading 2", "Heading2", "Заголовок 2", "Title" → level.
pub(crate) fn heading_level_from_name(name: &str) -> Option<u8> {
    let lower = name.to_lowercase();
    if lower == "title" || lower == "название" || lower == "заголовок" {
        return Some(1);
    }
    for prefix in ["heading", "заголовок"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let digits = rest.trim();
            if let Ok(n) = digits.parse::<u8>()
                && (1..=9).contains(&n)
            {
                return Some(n);
            }
        }
    }
    None
}

fn num_ref(num_pr: &Element) -> NumRef {
    NumRef {
        num_id: num_pr
            .child("numId")
            .and_then(|n| n.attr("val"))
            .map(str::to_string),
        level: num_pr
            .child("ilvl")
            .and_then(|n| n.attr("val"))
            .and_then(|v| v.parse().ok()),
    }
}

#[derive(Clone, Default)]
struct LevelFormat {
    fmt: String,
    text: String,
    start: u32,
}

#[derive(Default)]
struct Numbering {
    /// abstractNumId → levels.
    abstracts: HashMap<String, Vec<LevelFormat>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
}

impl Numbering {
    fn parse(root: &Element) -> Numbering {
        let mut n = Numbering::default();
        for a in root.elements().filter(|e| e.name == "abstractNum") {
            let Some(id) = a.attr("abstractNumId") else {
                continue;
            };
            let mut levels = vec![LevelFormat::default(); 9];
            for lvl in a.elements().filter(|e| e.name == "lvl") {
                let Some(i) = lvl.attr("ilvl").and_then(|v| v.parse::<usize>().ok()) else {
                    continue;
                };
                if let Some(slot) = levels.get_mut(i) {
                    *slot = level_format(lvl);
                }
            }
            n.abstracts.insert(id.to_string(), levels);
        }
        for num in root.elements().filter(|e| e.name == "num") {
            let (Some(id), Some(abs)) = (
                num.attr("numId"),
                num.child("abstractNumId").and_then(|a| a.attr("val")),
            ) else {
                continue;
            };
            let mut overrides = HashMap::new();
            for o in num.elements().filter(|e| e.name == "lvlOverride") {
                if let (Some(l), Some(start)) = (
                    o.attr("ilvl").and_then(|v| v.parse().ok()),
                    o.child("startOverride")
                        .and_then(|s| s.attr("val"))
                        .and_then(|v| v.parse().ok()),
                ) {
                    overrides.insert(l, start);
                }
            }
            n.nums.insert(id.to_string(), (abs.to_string(), overrides));
        }
        n
    }
}

fn level_format(lvl: &Element) -> LevelFormat {
    LevelFormat {
        fmt: lvl
            .child("numFmt")
            .and_then(|f| f.attr("val"))
            .unwrap_or("decimal")
            .to_string(),
        text: lvl
            .child("lvlText")
            .and_then(|f| f.attr("val"))
            .unwrap_or_default()
            .to_string(),
        start: lvl
            .child("start")
            .and_then(|f| f.attr("val"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(1),
    }
}

/// Running list counters, so numbered items get their visible marker ("1.", "2.3", "а)").
struct Counters<'a> {
    numbering: &'a Numbering,
    /// abstractNumId → current value per level (0 = not started).
    values: HashMap<String, [u32; 9]>,
}

impl<'a> Counters<'a> {
    fn new(numbering: &'a Numbering) -> Self {
        Counters {
            numbering,
            values: HashMap::new(),
        }
    }

    /// Advance the counter for (numId, level) and return the marker; `None` when the list is
    /// unknown or numbering is switched off (numId 0).
    fn next(&mut self, num_id: &str, level: u8) -> Option<Option<String>> {
        let (abs, overrides) = self.numbering.nums.get(num_id)?;
        let formats = self.numbering.abstracts.get(abs)?;
        let lvl = usize::from(level.min(8));
        let values = self.values.entry(abs.clone()).or_insert([0; 9]);
        let start_of = |l: usize| {
            overrides
                .get(&(l as u8))
                .copied()
                .or_else(|| formats.get(l).map(|f| f.start))
                .unwrap_or(1)
        };
        values[lvl] = if values[lvl] == 0 {
            start_of(lvl)
        } else {
            values[lvl].saturating_add(1)
        };
        for deeper in values.iter_mut().skip(lvl + 1) {
            *deeper = 0;
        }
        let format = formats.get(lvl).cloned().unwrap_or_default();
        if format.fmt == "none" {
            return Some(None);
        }
        if format.fmt == "bullet" {
            return Some(Some(bullet_marker(&format.text)));
        }
        let mut marker = String::new();
        let mut chars = format.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                let l = (d as usize).saturating_sub(1).min(8);
                let v = if values[l] == 0 {
                    start_of(l)
                } else {
                    values[l]
                };
                let fmt = formats.get(l).map(|f| f.fmt.as_str()).unwrap_or("decimal");
                marker.push_str(&format_number(v, fmt));
            } else {
                marker.push(c);
            }
        }
        Some((!marker.trim().is_empty()).then(|| marker.trim().to_string()))
    }
}

/// Bullets often use private-use Symbol/Wingdings characters: show a plain bullet for those.
fn bullet_marker(text: &str) -> String {
    let t = text.trim();
    match t.chars().next() {
        None => "•".to_string(),
        Some(c) if ('\u{E000}'..='\u{F8FF}').contains(&c) => "•".to_string(),
        Some('o') if t.len() == 1 => "◦".to_string(),
        Some(_) => t.to_string(),
    }
}

fn format_number(v: u32, fmt: &str) -> String {
    const RU_LOWER: &[char] = &[
        'а', 'б', 'в', 'г', 'д', 'е', 'ж', 'з', 'и', 'к', 'л', 'м', 'н', 'о', 'п', 'р', 'с', 'т',
        'у', 'ф', 'х', 'ц', 'ч', 'ш', 'щ', 'э', 'ю', 'я',
    ];
    match fmt {
        "lowerLetter" => letters(v, &('a'..='z').collect::<Vec<_>>()),
        "upperLetter" => letters(v, &('A'..='Z').collect::<Vec<_>>()),
        "russianLower" => letters(v, RU_LOWER),
        "russianUpper" => letters(v, RU_LOWER).to_uppercase(),
        "lowerRoman" => roman(v).to_lowercase(),
        "upperRoman" => roman(v),
        "decimalZero" => format!("{v:02}"),
        _ => v.to_string(),
    }
}

/// Word's letter numbering: a..z, then aa..zz, ...
fn letters(v: u32, alphabet: &[char]) -> String {
    if v == 0 || alphabet.is_empty() {
        return v.to_string();
    }
    let n = alphabet.len() as u32;
    let idx = ((v - 1) % n) as usize;
    let repeat = ((v - 1) / n + 1).min(10) as usize;
    alphabet
        .get(idx)
        .map(|c| c.to_string().repeat(repeat))
        .unwrap_or_default()
}

pub(crate) fn roman(mut v: u32) -> String {
    if v == 0 || v >= 4000 {
        return v.to_string();
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (n, s) in TABLE {
        while v >= n {
            out.push_str(s);
            v -= n;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Body
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum NoteKind {
    Foot,
    End,
}

struct BodyReader<'a> {
    styles: &'a Styles,
    numbering: Counters<'a>,
    note_refs: Vec<(NoteKind, String)>,
    warnings: Vec<String>,
    /// Text of imported HTML chunks (w:altChunk) by relationship id.
    alt_chunks: HashMap<String, Vec<String>>,
}

/// Text collected from a paragraph's runs plus blocks found inside it (text boxes, tables
/// inside runs), which follow the paragraph.
#[derive(Default)]
struct Inline {
    text: String,
    after: Vec<Block>,
    page_break: bool,
}

impl BodyReader<'_> {
    /// Block-level content of a container (body, cell, note, header, text box).
    fn blocks(&mut self, container: &Element) -> Vec<Block> {
        let mut out = Vec::new();
        self.push_blocks(container, &mut out);
        out
    }

    fn push_blocks(&mut self, container: &Element, out: &mut Vec<Block>) {
        for el in container.elements() {
            match el.name.as_str() {
                "p" => self.paragraph(el, out),
                "tbl" => {
                    if let Some(t) = self.table(el) {
                        out.push(Block::Table(t));
                    }
                }
                // Wrappers whose content is ordinary block content; insertions are accepted.
                "sdt" | "sdtContent" | "customXml" | "ins" | "moveTo" | "smartTag" => {
                    self.push_blocks(el, out)
                }
                "altChunk" => match el.attr("id").and_then(|id| self.alt_chunks.get(id)) {
                    Some(paragraphs) => out.extend(paragraphs.iter().map(|t| Block::Paragraph {
                        text: t.clone(),
                        loc: Location::default(),
                    })),
                    None => {
                        let w = "документ содержит внедрённый фрагмент (altChunk) не в HTML; его текст не извлечён"
                            .to_string();
                        if !self.warnings.contains(&w) {
                            self.warnings.push(w);
                        }
                    }
                },
                _ => {}
            }
        }
    }

    fn paragraph(&mut self, p: &Element, out: &mut Vec<Block>) {
        let ppr = p.child("pPr");
        let mut inline = Inline::default();
        if ppr
            .and_then(|pp| pp.child("pageBreakBefore"))
            .is_some_and(|e| e.attr("val").is_none_or(|v| v != "0" && v != "false"))
        {
            out.push(Block::PageBreak {
                loc: Location::default(),
            });
        }
        self.inline(p, &mut inline);
        let text = normalize(&inline.text);
        if !text.is_empty() {
            out.push(self.classify(ppr, text));
        }
        out.append(&mut inline.after);
        if inline.page_break {
            out.push(Block::PageBreak {
                loc: Location::default(),
            });
        }
    }

    /// Heading, list item or paragraph, from direct properties first, then the style chain.
    fn classify(&mut self, ppr: Option<&Element>, text: String) -> Block {
        let loc = Location::default();
        let style = ppr
            .and_then(|pp| pp.child("pStyle"))
            .and_then(|s| s.attr("val"))
            .map(str::to_string)
            .or_else(|| self.styles.default_paragraph.clone());
        let direct_outline = ppr
            .and_then(|pp| pp.child("outlineLvl"))
            .and_then(|o| o.attr("val"))
            .and_then(|v| v.parse::<u8>().ok());
        let heading = match direct_outline {
            Some(l) => (l < 9).then_some(l + 1),
            None => style.as_deref().and_then(|s| self.styles.heading_level(s)),
        };
        if let Some(level) = heading {
            return Block::Heading { level, text, loc };
        }
        let direct_num = ppr.and_then(|pp| pp.child("numPr")).map(num_ref);
        let style_num = style.as_deref().and_then(|s| self.styles.numbering(s));
        let num_id = direct_num
            .as_ref()
            .and_then(|n| n.num_id.clone())
            .or_else(|| style_num.as_ref().and_then(|n| n.num_id.clone()));
        let level = direct_num
            .as_ref()
            .and_then(|n| n.level)
            .or_else(|| style_num.as_ref().and_then(|n| n.level))
            .unwrap_or(0);
        if let Some(num_id) = num_id.filter(|id| id != "0")
            && let Some(marker) = self.numbering.next(&num_id, level)
        {
            return Block::ListItem {
                level: level.min(8),
                marker,
                text,
                loc,
            };
        }
        Block::Paragraph { text, loc }
    }

    fn inline(&mut self, el: &Element, acc: &mut Inline) {
        for node in &el.children {
            let Node::Element(e) = node else { continue };
            match e.name.as_str() {
                "r" => self.run(e, acc),
                // Containers of runs; insertions and moves are accepted.
                "hyperlink" | "smartTag" | "ins" | "moveTo" | "sdt" | "sdtContent"
                | "customXml" | "fldSimple" | "bdo" | "dir" | "oMath" | "oMathPara" => {
                    self.inline(e, acc)
                }
                // Math runs keep their text in m:t.
                "t" => acc.text.push_str(&e.text()),
                "tbl" => {
                    if let Some(t) = self.table(e) {
                        acc.after.push(Block::Table(t));
                    }
                }
                "p" => self.paragraph(e, &mut acc.after),
                _ => {}
            }
        }
    }

    fn run(&mut self, r: &Element, acc: &mut Inline) {
        if r.child("rPr")
            .and_then(|p| p.child("vanish"))
            .is_some_and(|v| v.attr("val").is_none_or(|v| v != "0" && v != "false"))
        {
            return;
        }
        for e in r.elements() {
            match e.name.as_str() {
                "t" => acc.text.push_str(&e.text()),
                "tab" | "ptab" => acc.text.push('\t'),
                "br" => {
                    if e.attr("type") == Some("page") {
                        acc.page_break = true;
                    }
                    acc.text.push('\n');
                }
                "cr" => acc.text.push('\n'),
                "noBreakHyphen" => acc.text.push('-'),
                "softHyphen" => acc.text.push('\u{00AD}'),
                "sym" => {
                    if let Some(c) = e
                        .attr("char")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c))
                    {
                        acc.text.push(c);
                    }
                }
                "footnoteReference" | "endnoteReference" => {
                    let kind = if e.name == "footnoteReference" {
                        NoteKind::Foot
                    } else {
                        NoteKind::End
                    };
                    if let Some(id) = e.attr("id") {
                        self.note_refs.push((kind, id.to_string()));
                    }
                }
                "drawing" | "pict" | "object" | "AlternateContent" => self.embedded(e, acc),
                "ins" | "sdt" | "sdtContent" | "smartTag" => self.inline(e, acc),
                _ => {}
            }
        }
    }

    /// Text boxes inside drawings/VML: their content becomes blocks after the paragraph.
    /// For mc:AlternateContent only one branch is read (both hold the same text box).
    fn embedded(&mut self, e: &Element, acc: &mut Inline) {
        if e.name == "AlternateContent" {
            if let Some(branch) = e.child("Choice").or_else(|| e.child("Fallback")) {
                for child in branch.elements() {
                    self.embedded(child, acc);
                }
            }
            return;
        }
        if e.name == "txbxContent" {
            let mut inner = Vec::new();
            self.push_blocks(e, &mut inner);
            acc.after.extend(inner);
            return;
        }
        for child in e.elements() {
            self.embedded(child, acc);
        }
    }

    fn table(&mut self, tbl: &Element) -> Option<Table> {
        let mut rows: Vec<Row> = Vec::new();
        // grid column → (row index, cell index) of the cell a vMerge continuation extends.
        let mut open: HashMap<u32, (usize, usize)> = HashMap::new();
        for tr in flatten(tbl, "tr") {
            let trpr = tr.child("trPr");
            let header = trpr
                .and_then(|t| t.child("tblHeader"))
                .is_some_and(|h| h.attr("val").is_none_or(|v| v != "0" && v != "false"));
            let mut col: u32 = trpr
                .and_then(|t| t.child("gridBefore"))
                .and_then(|g| g.attr("val"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
                .min(1000);
            let row_idx = rows.len();
            let mut cells: Vec<Cell> = Vec::new();
            for tc in flatten(tr, "tc") {
                let tcpr = tc.child("tcPr");
                let span: u32 = tcpr
                    .and_then(|t| t.child("gridSpan"))
                    .and_then(|g| g.attr("val"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
                    .clamp(1, 1000);
                let vmerge = tcpr.and_then(|t| t.child("vMerge"));
                let continues =
                    vmerge.is_some_and(|v| v.attr("val").is_none_or(|v| v == "continue"));
                let blocks = self.blocks(tc);
                if continues && let Some(&(r, c)) = open.get(&col) {
                    if let Some(origin) = rows.get_mut(r).and_then(|row| row.cells.get_mut(c)) {
                        origin.row_span = (row_idx - r + 1) as u32;
                        origin.blocks.extend(blocks);
                    }
                    col = col.saturating_add(span);
                    continue;
                }
                if vmerge.is_some() {
                    open.insert(col, (row_idx, cells.len()));
                } else {
                    open.remove(&col);
                }
                cells.push(Cell {
                    col,
                    col_span: span,
                    row_span: 1,
                    blocks,
                });
                col = col.saturating_add(span);
            }
            rows.push(Row { cells, header });
        }
        if rows.iter().all(|r| r.cells.is_empty()) {
            return None;
        }
        Some(Table {
            rows,
            loc: Location::default(),
        })
    }
}

/// Paragraph texts of an HTML fragment imported with w:altChunk: tags dropped, block tags
/// end paragraphs, table cells separated by tabs, script/style skipped, entities decoded.
fn html_paragraphs(html: &str) -> Vec<String> {
    const BLOCK_TAGS: &[&str] = &[
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "ul",
        "ol",
        "title",
        "blockquote",
        "pre",
        "hr",
    ];
    let mut paragraphs = Vec::new();
    let mut cur = String::new();
    let mut rest = html;
    let mut flush = |cur: &mut String| {
        let t = normalize(&decode_entities(cur));
        if !t.is_empty() {
            paragraphs.push(t);
        }
        cur.clear();
    };
    while let Some(lt) = rest.find('<') {
        cur.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[gt + 1..];
        if (name == "script" || name == "style" || name == "head") && !tag.starts_with('/') {
            let close = format!("</{name}");
            rest = match rest.to_ascii_lowercase().find(&close) {
                Some(i) => rest.get(i..).unwrap_or_default(),
                None => "",
            };
        } else if BLOCK_TAGS.contains(&name.as_str()) {
            flush(&mut cur);
        } else if name == "td" || name == "th" {
            cur.push('\t');
        }
    }
    cur.push_str(rest);
    flush(&mut cur);
    paragraphs
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&i| i <= 10);
        let decoded = end.and_then(|i| {
            let name = &after[..i];
            match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{00A0}'),
                "laquo" => Some('«'),
                "raquo" => Some('»'),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }
        });
        match (decoded, end) {
            (Some(c), Some(i)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Children named `name`, looking through content-control and custom-XML wrappers.
fn flatten<'e>(parent: &'e Element, name: &str) -> Vec<&'e Element> {
    let mut out = Vec::new();
    for e in parent.elements() {
        if e.name == name {
            out.push(e);
        } else if matches!(
            e.name.as_str(),
            "sdt" | "sdtContent" | "customXml" | "ins" | "moveTo"
        ) {
            out.extend(flatten(e, name));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names() {
        assert_eq!(format_number(3, "russianLower"), "в");
        assert_eq!(format_number(29, "lowerLetter"), "cc");
        assert_eq!(format_number(14, "upperRoman"), "XIV");
        assert_eq!(heading_level_from_name("Заголовок 2"), Some(2));
        assert_eq!(heading_level_from_name("heading 10"), None);
        assert_eq!(heading_level_from_name("Normal"), None);
        assert_eq!(
            resolve_target("word/", "../customXml/a.xml"),
            "customXml/a.xml"
        );
        assert_eq!(
            resolve_target("", "/word/document2.xml"),
            "word/document2.xml"
        );
        assert_eq!(
            html_paragraphs(
                "<html><head><title>T</title><style>p{}</style></head><body><p>Цель &amp; <b>задачи</b></p><table><tr><td>1</td><td>2&#x44F;</td></tr></table><script>x<y</script></body>"
            ),
            vec!["Цель & задачи".to_string(), "1 2я".to_string()]
        );
    }
}
