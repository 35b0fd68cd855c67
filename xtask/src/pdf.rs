//! PDF writer built on lopdf: A4 pages, an embedded subset of DejaVu Sans as a Type0 /
//! CIDFontType2 font (Identity-H, W widths, ToUnicode), wrapped paragraphs, lists, and tables
//! drawn with ruling lines that split across pages with a repeated header row. Page numbers
//! sit in the footer. This is what a text-layer PDF exported from a word processor looks like,
//! written without LibreOffice so the benchmark needs nothing but this crate.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Object, Stream, StringFormat, dictionary};

use crate::model::{Block, Program, Row, Table};

pub const FONT_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 70.0;
const RIGHT: f32 = PAGE_W - 42.0;
const TOP: f32 = PAGE_H - 56.0;
const BOTTOM: f32 = 62.0;
const BODY: f32 = 11.0;
const BODY_LEAD: f32 = 14.5;
const CELL: f32 = 9.0;
const CELL_LEAD: f32 = 11.5;
const PAD: f32 = 3.0;
const FONT_NAME: &str = "SHNRGN+DejaVuSans";

/// Characters the generator uses; anything else is drawn as '?'.
fn charset() -> Vec<char> {
    let mut v: Vec<char> = (0x20u8..=0x7E).map(char::from).collect();
    v.extend((0x410u32..=0x44F).filter_map(char::from_u32));
    v.extend("ЁёЇїІіЄє«»—–№•…“”„’°≤≥\u{A0}".chars());
    v
}

/// The embedded font: a glyph subset shared by every generated PDF.
pub struct Font {
    /// zlib-compressed subset TrueType program.
    program: Vec<u8>,
    program_len: usize,
    /// char → CID (= glyph id in the subset).
    cids: BTreeMap<char, u16>,
    /// Advance widths in 1/1000 em, indexed by CID.
    widths: Vec<u16>,
    ascent: i32,
    descent: i32,
    cap_height: i32,
    bbox: [i32; 4],
    /// ToUnicode CMap, zlib-compressed.
    to_unicode: Vec<u8>,
}

impl Font {
    pub fn load(path: &Path) -> anyhow::Result<Font> {
        let data = std::fs::read(path).with_context(|| {
            format!(
                "cannot read the font {} (install fonts-dejavu-core, or pass --font FILE.ttf)",
                path.display()
            )
        })?;
        let face = ttf_parser::Face::parse(&data, 0).context("not a TrueType font")?;
        let upem = f32::from(face.units_per_em());
        let scale = |v: f32| (v * 1000.0 / upem).round() as i32;
        let mut remapper = subsetter::GlyphRemapper::new();
        let mut cids = BTreeMap::new();
        let mut old_of_new: BTreeMap<u16, u16> = BTreeMap::new();
        for c in charset() {
            let Some(g) = face.glyph_index(c) else {
                bail!("the font has no glyph for {c:?}");
            };
            let new = remapper.remap(g.0);
            old_of_new.insert(new, g.0);
            cids.insert(c, new);
        }
        let n = usize::from(remapper.num_gids());
        let mut widths = vec![0u16; n];
        for (new, old) in &old_of_new {
            let adv = face
                .glyph_hor_advance(ttf_parser::GlyphId(*old))
                .unwrap_or(0);
            widths[usize::from(*new)] = scale(f32::from(adv)) as u16;
        }
        let sub = subsetter::subset(&data, 0, &remapper)
            .map_err(|e| anyhow::anyhow!("font subsetting failed: {e:?}"))?;
        let b = face.global_bounding_box();
        Ok(Font {
            program: deflate(&sub),
            program_len: sub.len(),
            to_unicode: deflate(to_unicode_cmap(&cids).as_bytes()),
            cids,
            widths,
            ascent: scale(f32::from(face.ascender())),
            descent: scale(f32::from(face.descender())),
            cap_height: scale(f32::from(face.capital_height().unwrap_or(face.ascender()))),
            bbox: [
                scale(f32::from(b.x_min)),
                scale(f32::from(b.y_min)),
                scale(f32::from(b.x_max)),
                scale(f32::from(b.y_max)),
            ],
        })
    }

    fn cid(&self, c: char) -> u16 {
        match self.cids.get(&c) {
            Some(id) => *id,
            None => self.cids.get(&'?').copied().unwrap_or(0),
        }
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s
            .chars()
            .map(|c| u32::from(self.widths[usize::from(self.cid(c))]))
            .sum();
        units as f32 * size / 1000.0
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::with_capacity(data.len() / 2), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn to_unicode_cmap(cids: &BTreeMap<char, u16>) -> String {
    let mut by_cid: BTreeMap<u16, char> = BTreeMap::new();
    for (c, id) in cids {
        by_cid.entry(*id).or_insert(*c);
    }
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(u16, char)> = by_cid.into_iter().collect();
    for chunk in entries.chunks(100) {
        s.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (id, c) in chunk {
            let mut buf = [0u16; 2];
            let units: String = c
                .encode_utf16(&mut buf)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            s.push_str(&format!("<{id:04X}> <{units}>\n"));
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend\n");
    s
}

/// A laid-out document.
pub struct Layout {
    /// Page content streams (uncompressed operators), one per page.
    pub pages: Vec<String>,
    /// Every string drawn, in drawing order, one per line (repeated table headers and page
    /// numbers included): what a text extractor should find.
    pub drawn: String,
}

pub fn layout(p: &Program, font: &Font) -> Layout {
    let mut w = Writer {
        font,
        pages: Vec::new(),
        cur: String::new(),
        y: TOP,
        drawn: String::new(),
    };
    for b in &p.blocks {
        match b {
            Block::Heading { level, text } => {
                let size = if *level == 1 { 14.0 } else { 12.0 };
                w.space(size * 0.8);
                w.ensure(size * 3.0);
                w.text_block(text, size, size * 1.3, LEFT, LEFT, RIGHT);
                w.y -= size * 0.4;
            }
            Block::Para(text) => {
                w.text_block(text, BODY, BODY_LEAD, LEFT + 28.0, LEFT, RIGHT);
                w.y -= 4.0;
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    w.ensure(BODY_LEAD);
                    let marker = if *ordered {
                        format!("{}.", i + 1)
                    } else {
                        "•".to_string()
                    };
                    w.line(&marker, BODY, LEFT + 12.0, w.y - BODY);
                    w.text_block(item, BODY, BODY_LEAD, LEFT + 28.0, LEFT + 28.0, RIGHT);
                }
                w.y -= 4.0;
            }
            Block::Table(t) => w.table(t),
            Block::PageBreak => w.new_page(),
        }
    }
    w.finish_page();
    Layout {
        pages: w.pages,
        drawn: w.drawn,
    }
}

struct Writer<'a> {
    font: &'a Font,
    pages: Vec<String>,
    cur: String,
    /// Top of the next line box.
    y: f32,
    drawn: String,
}

impl Writer<'_> {
    fn finish_page(&mut self) {
        let n = self.pages.len() + 1;
        let label = n.to_string();
        let x = (PAGE_W - self.font.width(&label, 9.0)) / 2.0;
        self.line(&label, 9.0, x, 36.0);
        self.pages.push(std::mem::take(&mut self.cur));
        self.y = TOP;
    }

    fn new_page(&mut self) {
        self.finish_page();
    }

    fn space(&mut self, dy: f32) {
        if self.y < TOP {
            self.y -= dy;
        }
    }

    fn ensure(&mut self, h: f32) {
        if self.y - h < BOTTOM {
            self.new_page();
        }
    }

    /// One line of text with its baseline at `y`.
    fn line(&mut self, s: &str, size: f32, x: f32, y: f32) {
        self.cur
            .push_str(&format!("BT /F1 {size} Tf {x:.2} {y:.2} Td <"));
        for c in s.chars() {
            self.cur.push_str(&format!("{:04X}", self.font.cid(c)));
        }
        self.cur.push_str("> Tj ET\n");
        self.drawn.push_str(s);
        self.drawn.push('\n');
    }

    /// Wrapped text; the first line starts at `x_first`, the rest at `x_rest`.
    fn text_block(&mut self, s: &str, size: f32, lead: f32, x_first: f32, x_rest: f32, right: f32) {
        let lines = wrap(self.font, s, size, right - x_first, right - x_rest);
        for (i, l) in lines.iter().enumerate() {
            self.ensure(lead);
            let x = if i == 0 { x_first } else { x_rest };
            self.line(l, size, x, self.y - size);
            self.y -= lead;
        }
    }

    fn table(&mut self, t: &Table) {
        let total: u32 = t.widths.iter().sum();
        let width = RIGHT - LEFT;
        let cols: Vec<f32> = t
            .widths
            .iter()
            .map(|w| *w as f32 * width / total.max(1) as f32)
            .collect();
        let header = self.wrap_row(
            &t.header.iter().map(String::as_str).collect::<Vec<_>>(),
            &cols,
        );
        self.y -= 4.0;
        self.ensure(row_height(&header) + 2.0 * CELL_LEAD + 2.0 * PAD);
        self.draw_row(&header, &cols);
        for r in &t.rows {
            let lines = match r {
                Row::Cells(c) => {
                    self.wrap_row(&c.iter().map(String::as_str).collect::<Vec<_>>(), &cols)
                }
                Row::Span(s) => self.wrap_row(&[s.as_str()], &[width]),
            };
            let row_cols = if matches!(r, Row::Span(_)) {
                vec![width]
            } else {
                cols.clone()
            };
            let mut from = 0;
            let tallest = lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
            while from < tallest {
                let room = ((self.y - BOTTOM - 2.0 * PAD) / CELL_LEAD).floor().max(0.0) as usize;
                if room == 0 {
                    self.new_page();
                    self.draw_row(&header, &cols);
                    continue;
                }
                let take = room.min(tallest - from);
                let chunk: Vec<Vec<String>> = lines
                    .iter()
                    .map(|c| c.iter().skip(from).take(take).cloned().collect())
                    .collect();
                self.draw_row_h(&chunk, &row_cols, take);
                from += take;
                if from < tallest {
                    self.new_page();
                    self.draw_row(&header, &cols);
                }
            }
        }
        self.y -= 8.0;
    }

    fn wrap_row(&self, cells: &[&str], cols: &[f32]) -> Vec<Vec<String>> {
        cells
            .iter()
            .zip(cols)
            .map(|(c, w)| wrap(self.font, c, CELL, w - 2.0 * PAD, w - 2.0 * PAD))
            .collect()
    }

    fn draw_row(&mut self, lines: &[Vec<String>], cols: &[f32]) {
        let n = lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
        self.draw_row_h(lines, cols, n);
    }

    fn draw_row_h(&mut self, lines: &[Vec<String>], cols: &[f32], n: usize) {
        let h = n as f32 * CELL_LEAD + 2.0 * PAD;
        let mut x = LEFT;
        let top = self.y;
        for (cell, w) in lines.iter().zip(cols) {
            self.cur
                .push_str(&format!("0.5 w {x:.2} {:.2} {w:.2} {h:.2} re S\n", top - h));
            for (i, l) in cell.iter().enumerate() {
                let baseline = top - PAD - CELL - i as f32 * CELL_LEAD + 1.5;
                self.line(l, CELL, x + PAD, baseline);
            }
            x += w;
        }
        self.y -= h;
    }
}

fn row_height(lines: &[Vec<String>]) -> f32 {
    lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * CELL_LEAD + 2.0 * PAD
}

/// Greedy word wrap; a word wider than the line is broken between characters.
fn wrap(font: &Font, s: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0.0;
    let space = font.width(" ", size);
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let avail = if lines.is_empty() { first } else { rest };
        let ww = font.width(word, size);
        if !cur.is_empty() && cur_w + space + ww <= avail {
            cur.push(' ');
            cur.push_str(word);
            cur_w += space + ww;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if ww <= avail {
            cur.push_str(word);
            cur_w = ww;
        } else {
            cur_w = 0.0;
            for c in word.chars() {
                let cw = font.width(c.encode_utf8(&mut [0; 4]), size);
                if cur_w + cw > rest && !cur.is_empty() {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0.0;
                }
                cur.push(c);
                cur_w += cw;
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// A PDF text string: UTF-16BE with a byte order mark.
fn text_string(s: &str) -> Object {
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

/// Serialise laid-out pages into a PDF file.
pub fn write(p: &Program, font: &Font, pages: &[String]) -> anyhow::Result<Vec<u8>> {
    let mut doc = lopdf::Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_file = doc.add_object(
        Stream::new(
            dictionary! { "Length1" => font.program_len as i64, "Filter" => "FlateDecode" },
            font.program.clone(),
        )
        .with_compression(false),
    );
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(FONT_NAME.as_bytes().to_vec()),
        "Flags" => 32,
        "FontBBox" => font.bbox.iter().map(|v| Object::Integer(i64::from(*v))).collect::<Vec<_>>(),
        "ItalicAngle" => 0,
        "Ascent" => font.ascent,
        "Descent" => font.descent,
        "CapHeight" => font.cap_height,
        "StemV" => 80,
        "FontFile2" => font_file,
    });
    let widths: Vec<Object> = font
        .widths
        .iter()
        .skip(1)
        .map(|w| Object::Integer(i64::from(*w)))
        .collect();
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(FONT_NAME.as_bytes().to_vec()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => 1000,
        "W" => vec![Object::Integer(1), Object::Array(widths)],
        "CIDToGIDMap" => "Identity",
    });
    let to_unicode = doc.add_object(
        Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            font.to_unicode.clone(),
        )
        .with_compression(false),
    );
    let type0 = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(FONT_NAME.as_bytes().to_vec()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => type0 } });
    let mut kids = Vec::with_capacity(pages.len());
    for content in pages {
        let stream = doc.add_object(
            Stream::new(
                dictionary! { "Filter" => "FlateDecode" },
                deflate(content.as_bytes()),
            )
            .with_compression(false),
        );
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => stream,
            "Resources" => resources,
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info = doc.add_object(dictionary! {
        "Title" => text_string(&p.title),
        "Producer" => Object::string_literal("shnor-gen"),
        "CreationDate" => Object::string_literal(format!("D:{}0901000000Z", p.year_from)),
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    let mut out = Vec::new();
    doc.save_to(&mut out)?;
    Ok(out)
}
