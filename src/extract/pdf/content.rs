//! Content-stream interpreter: text state and matrices, fonts, Form XObjects, and the path
//! operators that draw table rules. Produces positioned glyphs and rules in page space
//! (after /Rotate, origin bottom-left, y up).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::{Font, FontKind, deref, number};

/// A 2-D affine matrix [a b c d e f] as in PDF.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix(pub [f64; 6]);

impl Matrix {
    pub const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other` (apply self first, then other).
    pub fn then(&self, o: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [oa, ob, oc, od, oe, of] = o.0;
        Matrix([
            a * oa + b * oc,
            a * ob + b * od,
            c * oa + d * oc,
            c * ob + d * od,
            e * oa + f * oc + oe,
            e * ob + f * od + of,
        ])
    }

    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn translate(tx: f64, ty: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }
}

/// One glyph in page space.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// Baseline start and end (page space).
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// Font size in page space.
    pub size: f64,
    /// Baseline direction in quarter turns counter-clockwise (0 = normal left-to-right).
    pub dir: u8,
    pub text: String,
}

/// An axis-aligned line drawn on the page (table border candidate).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rule {
    pub fn is_horizontal(&self) -> bool {
        (self.y1 - self.y0).abs() < 1.0
    }
}

#[derive(Debug, Default)]
pub struct PageContent {
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    /// Sum of the areas of images drawn on the page (page-space units²).
    pub image_area: f64,
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    font: Option<Rc<RefCell<Font>>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
    rise: f64,
}

/// Bounds on hostile content: nesting of forms and the amount of output per page.
const MAX_FORM_DEPTH: usize = 12;
const MAX_GLYPHS_PER_PAGE: usize = 500_000;
const MAX_RULES_PER_PAGE: usize = 50_000;
const MAX_OPS_PER_PAGE: usize = 5_000_000;

/// Interprets pages of one document; fonts are cached across pages.
pub struct Interpreter<'a> {
    doc: &'a Document,
    max_stream: usize,
    fonts: HashMap<usize, Rc<RefCell<Font>>>,
    fonts_by_id: HashMap<ObjectId, Rc<RefCell<Font>>>,
    /// Russian warnings about fonts whose text cannot be recovered.
    pub warnings: BTreeSet<String>,
    /// Number of glyphs that had no Unicode mapping.
    pub unmapped: usize,
    /// Pages whose content exceeded the decompression limit (skipped).
    pub oversized_pages: usize,
}

struct PageRun<'p> {
    out: &'p mut PageContent,
    ops: usize,
    path: Vec<Rule>,
    path_rects: Vec<Rule>,
    current: (f64, f64),
    subpath_start: (f64, f64),
}

impl<'a> Interpreter<'a> {
    pub fn new(doc: &'a Document, max_stream: usize) -> Self {
        Interpreter {
            doc,
            max_stream,
            fonts: HashMap::new(),
            fonts_by_id: HashMap::new(),
            warnings: BTreeSet::new(),
            unmapped: 0,
            oversized_pages: 0,
        }
    }

    /// Interpret one page. Broken content streams yield what was read before the damage.
    pub fn page(&mut self, page_id: ObjectId) -> PageContent {
        let doc = self.doc;
        let page = doc.get_dictionary(page_id).ok();
        let bbox = page
            .and_then(|p| inherited(doc, p, b"CropBox").or_else(|| inherited(doc, p, b"MediaBox")))
            .and_then(|o| rect_of(doc, o))
            .unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let rotate = page
            .and_then(|p| inherited(doc, p, b"Rotate"))
            .and_then(|o| number(doc, o))
            .map_or(0, |r| ((r as i64).rem_euclid(360) / 90) as u8);
        let (w, h) = ((bbox[2] - bbox[0]).abs(), (bbox[3] - bbox[1]).abs());
        let shift = Matrix::translate(-bbox[0].min(bbox[2]), -bbox[1].min(bbox[3]));
        let rot = match rotate {
            1 => Matrix([0.0, -1.0, 1.0, 0.0, 0.0, w]),
            2 => Matrix([-1.0, 0.0, 0.0, -1.0, w, h]),
            3 => Matrix([0.0, 1.0, -1.0, 0.0, h, 0.0]),
            _ => Matrix::IDENTITY,
        };
        let mut out = PageContent {
            width: if rotate % 2 == 1 { h } else { w },
            height: if rotate % 2 == 1 { w } else { h },
            ..PageContent::default()
        };
        let resources = page
            .and_then(|p| inherited(doc, p, b"Resources"))
            .and_then(|o| o.as_dict().ok());
        let bytes = match doc.get_page_content_with_limit(page_id, self.max_stream) {
            Ok(b) => b,
            Err(_) => {
                self.oversized_pages += 1;
                Vec::new()
            }
        };
        let gs = GraphicsState {
            ctm: shift.then(&rot),
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut run = PageRun {
            out: &mut out,
            ops: 0,
            path: Vec::new(),
            path_rects: Vec::new(),
            current: (0.0, 0.0),
            subpath_start: (0.0, 0.0),
        };
        self.run(&bytes, resources, gs, &mut run, 0);
        out
    }

    fn run(
        &mut self,
        bytes: &[u8],
        resources: Option<&'a Dictionary>,
        gs0: GraphicsState,
        page: &mut PageRun<'_>,
        depth: usize,
    ) {
        let mut gs = gs0;
        let mut stack: Vec<GraphicsState> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in Content::decode_iter(bytes) {
            let Ok(op) = op else { break };
            page.ops += 1;
            if page.ops > MAX_OPS_PER_PAGE {
                break;
            }
            let Operation { operator, operands } = op;
            let num = |i: usize| {
                operands
                    .get(i)
                    .and_then(|o| number(self.doc, o))
                    .unwrap_or(0.0)
            };
            match operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" => {
                    let m = Matrix([num(0), num(1), num(2), num(3), num(4), num(5)]);
                    gs.ctm = m.then(&gs.ctm);
                }
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tf" => {
                    gs.size = num(1);
                    let name = operands.first().and_then(|o| o.as_name().ok());
                    gs.font = name.and_then(|n| self.font(resources, n));
                }
                "Tc" => gs.char_spacing = num(0),
                "Tw" => gs.word_spacing = num(0),
                "Tz" => gs.h_scale = num(0) / 100.0,
                "TL" => gs.leading = num(0),
                "Ts" => gs.rise = num(0),
                "Td" => {
                    tlm = Matrix::translate(num(0), num(1)).then(&tlm);
                    tm = tlm;
                }
                "TD" => {
                    gs.leading = -num(1);
                    tlm = Matrix::translate(num(0), num(1)).then(&tlm);
                    tm = tlm;
                }
                "Tm" => {
                    tlm = Matrix([num(0), num(1), num(2), num(3), num(4), num(5)]);
                    tm = tlm;
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -gs.leading).then(&tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if operator == "\"" {
                        gs.word_spacing = num(0);
                        gs.char_spacing = num(1);
                    }
                    if operator != "Tj" {
                        tlm = Matrix::translate(0.0, -gs.leading).then(&tlm);
                        tm = tlm;
                    }
                    if let Some(Object::String(s, _)) = operands.last() {
                        self.show(s, &gs, &mut tm, page.out);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = operands.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s, &gs, &mut tm, page.out),
                                other => {
                                    let adj = number(self.doc, other).unwrap_or(0.0);
                                    let tx = -adj / 1000.0 * gs.size * gs.h_scale;
                                    tm = Matrix::translate(tx, 0.0).then(&tm);
                                }
                            }
                        }
                    }
                }
                "m" => {
                    page.current = gs.ctm.apply(num(0), num(1));
                    page.subpath_start = page.current;
                }
                "l" => {
                    let p = gs.ctm.apply(num(0), num(1));
                    push_segment(&mut page.path, page.current, p);
                    page.current = p;
                }
                "h" => {
                    push_segment(&mut page.path, page.current, page.subpath_start);
                    page.current = page.subpath_start;
                }
                "c" => page.current = gs.ctm.apply(num(4), num(5)),
                "v" | "y" => page.current = gs.ctm.apply(num(2), num(3)),
                "re" => {
                    let (x, y, w, h) = (num(0), num(1), num(2), num(3));
                    let p = [
                        gs.ctm.apply(x, y),
                        gs.ctm.apply(x + w, y),
                        gs.ctm.apply(x + w, y + h),
                        gs.ctm.apply(x, y + h),
                    ];
                    let xs = p.iter().map(|q| q.0);
                    let ys = p.iter().map(|q| q.1);
                    let (x0, x1) = (
                        xs.clone().fold(f64::MAX, f64::min),
                        xs.fold(f64::MIN, f64::max),
                    );
                    let (y0, y1) = (
                        ys.clone().fold(f64::MAX, f64::min),
                        ys.fold(f64::MIN, f64::max),
                    );
                    page.path_rects.push(Rule { x0, y0, x1, y1 });
                    page.current = p[0];
                    page.subpath_start = p[0];
                }
                "S" | "s" | "B" | "B*" | "b" | "b*" => {
                    if operator == "s" || operator.starts_with('b') {
                        push_segment(&mut page.path, page.current, page.subpath_start);
                    }
                    let rects = std::mem::take(&mut page.path_rects);
                    for r in rects {
                        for seg in rect_edges(&r) {
                            page.path.push(seg);
                        }
                    }
                    self.flush_path(page);
                }
                "f" | "F" | "f*" => {
                    // Filled thin rectangles are how many producers draw table borders.
                    let rects = std::mem::take(&mut page.path_rects);
                    page.path.clear();
                    for r in rects {
                        let (w, h) = (r.x1 - r.x0, r.y1 - r.y0);
                        if h <= 3.0 && w > 3.0 {
                            let y = (r.y0 + r.y1) / 2.0;
                            page.path.push(Rule {
                                x0: r.x0,
                                y0: y,
                                x1: r.x1,
                                y1: y,
                            });
                        } else if w <= 3.0 && h > 3.0 {
                            let x = (r.x0 + r.x1) / 2.0;
                            page.path.push(Rule {
                                x0: x,
                                y0: r.y0,
                                x1: x,
                                y1: r.y1,
                            });
                        }
                    }
                    self.flush_path(page);
                }
                "n" => {
                    page.path.clear();
                    page.path_rects.clear();
                }
                "BI" => page.out.image_area += area(&gs.ctm),
                "Do" => {
                    let Some(name) = operands.first().and_then(|o| o.as_name().ok()) else {
                        continue;
                    };
                    self.xobject(resources, name, &gs, page, depth);
                }
                _ => {}
            }
        }
    }

    fn flush_path(&mut self, page: &mut PageRun<'_>) {
        for r in page.path.drain(..) {
            if page.out.rules.len() < MAX_RULES_PER_PAGE {
                page.out.rules.push(r);
            }
        }
    }

    fn xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        gs: &GraphicsState,
        page: &mut PageRun<'_>,
        depth: usize,
    ) {
        let doc = self.doc;
        let Some(stream) = resources
            .and_then(|r| deref(doc, r.get(b"XObject").ok()))
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| deref(doc, d.get(name).ok()))
            .and_then(|o| o.as_stream().ok())
        else {
            return;
        };
        match stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
        {
            Some(b"Image") => page.out.image_area += area(&gs.ctm),
            Some(b"Form") if depth < MAX_FORM_DEPTH => {
                let matrix = match deref(doc, stream.dict.get(b"Matrix").ok()) {
                    Some(Object::Array(a)) if a.len() == 6 => {
                        let v: Vec<f64> = a.iter().map(|o| number(doc, o).unwrap_or(0.0)).collect();
                        Matrix([v[0], v[1], v[2], v[3], v[4], v[5]])
                    }
                    _ => Matrix::IDENTITY,
                };
                let own =
                    deref(doc, stream.dict.get(b"Resources").ok()).and_then(|o| o.as_dict().ok());
                let Ok(bytes) = stream.decompressed_content_with_limit(self.max_stream) else {
                    return;
                };
                let mut inner = gs.clone();
                inner.ctm = matrix.then(&gs.ctm);
                self.run(&bytes, own.or(resources), inner, page, depth + 1);
            }
            _ => {}
        }
    }

    fn font(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
    ) -> Option<Rc<RefCell<Font>>> {
        let doc = self.doc;
        let fonts = resources
            .and_then(|r| deref(doc, r.get(b"Font").ok()))
            .and_then(|o| o.as_dict().ok())?;
        let entry = fonts.get(name).ok()?;
        if let Object::Reference(id) = entry {
            if let Some(f) = self.fonts_by_id.get(id) {
                return Some(f.clone());
            }
        }
        let dict = deref(doc, Some(entry)).and_then(|o| o.as_dict().ok())?;
        let key = dict as *const Dictionary as usize;
        if let Some(f) = self.fonts.get(&key) {
            return Some(f.clone());
        }
        let font = Font::load(doc, dict, self.max_stream);
        if font.missing_unicode {
            let what = match font.kind {
                FontKind::Type3 => "шрифт Type3",
                _ => "составной (CID) шрифт",
            };
            self.warnings.insert(format!(
                "{what} «{}» без таблицы ToUnicode: часть текста может быть не извлечена",
                font.name
            ));
        }
        let rc = Rc::new(RefCell::new(font));
        if let Object::Reference(id) = entry {
            self.fonts_by_id.insert(*id, rc.clone());
        }
        self.fonts.insert(key, rc.clone());
        Some(rc)
    }

    fn show(&mut self, bytes: &[u8], gs: &GraphicsState, tm: &mut Matrix, out: &mut PageContent) {
        let Some(font) = gs.font.clone() else { return };
        let Ok(mut font) = font.try_borrow_mut() else {
            return;
        };
        let mut unmapped = 0;
        let size = gs.size;
        let scale = Matrix([size * gs.h_scale, 0.0, 0.0, size, 0.0, gs.rise]);
        font.decode(bytes, |g| {
            let m = scale.then(tm).then(&gs.ctm);
            let tx = (g.width * size
                + gs.char_spacing
                + if g.is_space_code {
                    gs.word_spacing
                } else {
                    0.0
                })
                * gs.h_scale;
            let (x0, y0) = m.apply(0.0, 0.0);
            *tm = Matrix::translate(tx, 0.0).then(tm);
            let m1 = scale.then(tm).then(&gs.ctm);
            let (x1, y1) = m1.apply(0.0, 0.0);
            if g.text.is_empty() {
                unmapped += 1;
                return;
            }
            if out.glyphs.len() >= MAX_GLYPHS_PER_PAGE {
                return;
            }
            // Size and direction come from the glyph's vertical axis, robust to skew and flips.
            let [_, _, c, d, _, _] = m.0;
            let glyph_size = (c * c + d * d).sqrt();
            let angle = (-c).atan2(d);
            let dir = ((angle / std::f64::consts::FRAC_PI_2).round() as i64).rem_euclid(4) as u8;
            out.glyphs.push(Glyph {
                x0,
                y0,
                x1,
                y1,
                size: glyph_size,
                dir,
                text: expand_ligature(g.text),
            });
        });
        self.unmapped += unmapped;
    }
}

/// Typographic ligatures (U+FB00–FB06) become their letters so words match and search works.
fn expand_ligature(text: &str) -> String {
    match text {
        "\u{FB00}" => "ff".into(),
        "\u{FB01}" => "fi".into(),
        "\u{FB02}" => "fl".into(),
        "\u{FB03}" => "ffi".into(),
        "\u{FB04}" => "ffl".into(),
        "\u{FB05}" | "\u{FB06}" => "st".into(),
        other => other.to_string(),
    }
}

fn push_segment(path: &mut Vec<Rule>, a: (f64, f64), b: (f64, f64)) {
    let horizontal = (a.1 - b.1).abs() < 1.0 && (a.0 - b.0).abs() > 2.0;
    let vertical = (a.0 - b.0).abs() < 1.0 && (a.1 - b.1).abs() > 2.0;
    if horizontal || vertical {
        path.push(Rule {
            x0: a.0.min(b.0),
            y0: a.1.min(b.1),
            x1: a.0.max(b.0),
            y1: a.1.max(b.1),
        });
    }
}

fn rect_edges(r: &Rule) -> Vec<Rule> {
    let (w, h) = (r.x1 - r.x0, r.y1 - r.y0);
    if h <= 3.0 && w > 2.0 {
        let y = (r.y0 + r.y1) / 2.0;
        return vec![Rule {
            x0: r.x0,
            y0: y,
            x1: r.x1,
            y1: y,
        }];
    }
    if w <= 3.0 && h > 2.0 {
        let x = (r.x0 + r.x1) / 2.0;
        return vec![Rule {
            x0: x,
            y0: r.y0,
            x1: x,
            y1: r.y1,
        }];
    }
    vec![
        Rule {
            x0: r.x0,
            y0: r.y0,
            x1: r.x1,
            y1: r.y0,
        },
        Rule {
            x0: r.x0,
            y0: r.y1,
            x1: r.x1,
            y1: r.y1,
        },
        Rule {
            x0: r.x0,
            y0: r.y0,
            x1: r.x0,
            y1: r.y1,
        },
        Rule {
            x0: r.x1,
            y0: r.y0,
            x1: r.x1,
            y1: r.y1,
        },
    ]
}

fn area(m: &Matrix) -> f64 {
    let [a, b, c, d, _, _] = m.0;
    (a * d - b * c).abs()
}

/// A page attribute, looked up through the page tree (Resources, MediaBox, CropBox, Rotate).
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(v) = node.get(key) {
            return deref(doc, Some(v));
        }
        node = deref(doc, node.get(b"Parent").ok()).and_then(|o| o.as_dict().ok())?;
    }
    None
}

fn rect_of(doc: &Document, o: &Object) -> Option<[f64; 4]> {
    let Object::Array(a) = o else { return None };
    if a.len() != 4 {
        return None;
    }
    let v: Vec<f64> = a.iter().filter_map(|o| number(doc, o)).collect();
    let r = [*v.first()?, *v.get(1)?, *v.get(2)?, *v.get(3)?];
    ((r[2] - r[0]).abs() > 1.0 && (r[3] - r[1]).abs() > 1.0).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_composition_applies_left_first() {
        let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let shift = Matrix::translate(10.0, 5.0);
        assert_eq!(scale.then(&shift).apply(1.0, 1.0), (12.0, 7.0));
        assert_eq!(shift.then(&scale).apply(1.0, 1.0), (22.0, 12.0));
    }
}
