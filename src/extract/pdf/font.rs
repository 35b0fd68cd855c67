//! Fonts: character codes → Unicode text and advance widths.
//!
//! Order of trust for the text of a code: the font's ToUnicode CMap, then the simple-font
//! encoding (base encoding + Differences, glyph names via the Adobe Glyph List), then nothing
//! (the glyph still advances the pen so word spacing stays right).

use rustc_hash::FxHashMap as HashMap;

use lopdf::{Dictionary, Document, Object};

use super::std14;

/// How a font splits a string into codes and what the codes mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontKind {
    /// Type1, TrueType, MMType1: one byte per code.
    Simple,
    /// Type3: one byte per code, widths in glyph space scaled by FontMatrix.
    Type3,
    /// Type0 (CID-keyed): codes of 1–4 bytes per the codespace ranges, usually 2 (Identity-H).
    Composite,
}

/// One decoded glyph of a shown string.
pub struct DecodedGlyph<'a> {
    /// Text of the glyph; empty when the font gives no Unicode mapping.
    pub text: &'a str,
    /// Advance in text space units (already divided by 1000 or scaled by FontMatrix).
    pub width: f64,
    /// True for the single-byte code 32, which also receives word spacing (Tw).
    pub is_space_code: bool,
}

pub struct Font {
    pub kind: FontKind,
    /// True when a composite or Type3 font has no usable ToUnicode (text may be lost).
    pub missing_unicode: bool,
    pub name: String,
    to_unicode: Option<ToUnicode>,
    /// Text of each byte code for simple fonts (from the encoding).
    simple_text: Vec<String>,
    /// Simple fonts: width per byte code in glyph units (1/1000 em unless Type3).
    simple_widths: Vec<f64>,
    cid_widths: HashMap<u32, f64>,
    default_width: f64,
    /// Composite fonts: codespace ranges (lo, hi, byte length).
    codespace: Vec<(u32, u32, u8)>,
    /// Composite fonts without ToUnicode: CID → text through the embedded TrueType cmap.
    gid_text: HashMap<u32, String>,
    /// Type3: FontMatrix x scale (glyph space → text space).
    width_scale: f64,
}

impl Font {
    /// Build a font from its dictionary. Never fails: unknown parts fall back to defaults.
    pub fn load(doc: &Document, dict: &Dictionary, max_stream: usize) -> Font {
        let subtype = name_of(doc, dict.get(b"Subtype").ok()).unwrap_or_default();
        let kind = match subtype.as_str() {
            "Type0" => FontKind::Composite,
            "Type3" => FontKind::Type3,
            _ => FontKind::Simple,
        };
        let base_font = name_of(doc, dict.get(b"BaseFont").ok()).unwrap_or_default();
        let to_unicode = deref(doc, dict.get(b"ToUnicode").ok())
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.decompressed_content_with_limit(max_stream).ok())
            .map(|bytes| ToUnicode::parse(&bytes))
            .filter(|t| !t.is_empty());
        let mut font = Font {
            kind,
            missing_unicode: false,
            name: base_font.clone(),
            to_unicode,
            simple_text: Vec::new(),
            simple_widths: Vec::new(),
            cid_widths: HashMap::default(),
            default_width: 1000.0,
            codespace: Vec::new(),
            gid_text: HashMap::default(),
            width_scale: 0.001,
        };
        match kind {
            FontKind::Composite => font.load_composite(doc, dict, max_stream),
            FontKind::Simple | FontKind::Type3 => {
                font.load_simple(doc, dict, &base_font, max_stream)
            }
        }
        font
    }

    fn load_simple(
        &mut self,
        doc: &Document,
        dict: &Dictionary,
        base_font: &str,
        max_stream: usize,
    ) {
        if self.kind == FontKind::Type3 {
            if let Some(Object::Array(m)) = deref(doc, dict.get(b"FontMatrix").ok()) {
                if let Some(a) = m.first().and_then(|o| number(doc, o)) {
                    self.width_scale = a;
                }
            }
        }
        // Encoding: base table, then Differences.
        let symbolic = descriptor(doc, dict)
            .and_then(|d| d.get(b"Flags").ok().and_then(|o| number(doc, o)))
            .is_some_and(|f| (f as i64) & 4 != 0);
        let std = std14_face(base_font);
        let mut base: &pdf_encoding::ForwardMap = &pdf_encoding::STANDARD;
        if base_font.contains("Symbol") {
            base = &pdf_encoding::SYMBOL;
        } else if base_font.contains("ZapfDingbats") {
            base = &pdf_encoding::ZDINGBAT;
        } else if std.is_none() && !symbolic {
            // Non-embedded TrueType/Type1 text fonts without an encoding behave like WinAnsi in
            // practice (Acrobat does this for TrueType).
            base = &pdf_encoding::WINANSI;
        }
        let mut differences: Vec<(u8, String)> = Vec::new();
        let mut named_base = false;
        match deref(doc, dict.get(b"Encoding").ok()) {
            Some(Object::Name(n)) => {
                named_base = base_table(n).is_some();
                base = base_table(n).unwrap_or(base);
            }
            Some(Object::Dictionary(enc)) => {
                if let Some(n) = name_of(doc, enc.get(b"BaseEncoding").ok()) {
                    named_base = base_table(n.as_bytes()).is_some();
                    base = base_table(n.as_bytes()).unwrap_or(base);
                }
                if let Some(Object::Array(arr)) = deref(doc, enc.get(b"Differences").ok()) {
                    let mut code: i64 = 0;
                    for item in arr {
                        match deref(doc, Some(item)) {
                            Some(Object::Integer(i)) => code = *i,
                            Some(Object::Real(r)) => code = *r as i64,
                            Some(Object::Name(n)) => {
                                if (0..256).contains(&code) {
                                    differences
                                        .push((code as u8, String::from_utf8_lossy(n).into()));
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        let win_ansi = std::ptr::eq(base, &pdf_encoding::WINANSI);
        self.simple_text = (0..256u32)
            .map(|c| match base.get(c as u8) {
                // Control codes are no text; WinAnsi shows its unused upper codes as bullets
                // (PDF 32000-1, annex D, note 6).
                Some(ch) if !ch.is_control() => ch.to_string(),
                _ if win_ansi && matches!(c, 127 | 129 | 141 | 143 | 144 | 157) => "•".to_string(),
                _ => String::new(),
            })
            .collect();
        if !named_base {
            // An embedded Type1 program carries its own ("builtin") encoding.
            for (code, glyph) in builtin_type1_encoding(doc, dict, max_stream) {
                if let (Some(slot), Some(text)) = (
                    self.simple_text.get_mut(code as usize),
                    glyph_to_unicode(&glyph),
                ) {
                    *slot = text;
                }
            }
        }
        for (code, glyph) in &differences {
            // An unknown glyph name keeps the base encoding's character, as poppler does.
            if let (Some(slot), Some(text)) = (
                self.simple_text.get_mut(*code as usize),
                glyph_to_unicode(glyph),
            ) {
                *slot = text;
            }
        }
        if self.kind == FontKind::Type3 && self.to_unicode.is_none() {
            self.missing_unicode = self.simple_text.iter().all(String::is_empty);
        }

        // Widths: Widths array, else standard-14 metrics, else MissingWidth.
        let missing = descriptor(doc, dict)
            .and_then(|d| d.get(b"MissingWidth").ok().and_then(|o| number(doc, o)))
            .unwrap_or(0.0);
        let std_default = if base_font.contains("Courier") {
            600.0
        } else {
            500.0
        };
        self.simple_widths = (0..256u32)
            .map(|c| {
                let text = self
                    .simple_text
                    .get(c as usize)
                    .map(String::as_str)
                    .unwrap_or("");
                match (std, text.chars().next()) {
                    (Some(face), Some(ch)) => face_width(face, ch).unwrap_or(std_default),
                    _ if base_font.contains("Courier") => 600.0,
                    _ if missing > 0.0 => missing,
                    _ => std_default,
                }
            })
            .collect();
        let first = dict
            .get(b"FirstChar")
            .ok()
            .and_then(|o| number(doc, o))
            .unwrap_or(0.0) as i64;
        if let Some(Object::Array(w)) = deref(doc, dict.get(b"Widths").ok()) {
            for (i, o) in w.iter().enumerate() {
                let code = first + i as i64;
                if let (Some(v), Some(slot)) = (
                    number(doc, o),
                    usize::try_from(code)
                        .ok()
                        .and_then(|c| self.simple_widths.get_mut(c)),
                ) {
                    *slot = v;
                }
            }
        }
        if self.kind == FontKind::Type3 {
            // Type3 widths are in glyph space; FontMatrix maps them to text space.
        } else {
            self.width_scale = 0.001;
        }
    }

    fn load_composite(&mut self, doc: &Document, dict: &Dictionary, max_stream: usize) {
        let descendant = match deref(doc, dict.get(b"DescendantFonts").ok()) {
            Some(Object::Array(a)) => a.first().and_then(|o| deref(doc, Some(o))),
            _ => None,
        }
        .and_then(|o| o.as_dict().ok());
        if let Some(desc) = descendant {
            if let Some(dw) = desc.get(b"DW").ok().and_then(|o| number(doc, o)) {
                self.default_width = dw;
            }
            if let Some(Object::Array(w)) = deref(doc, desc.get(b"W").ok()) {
                self.cid_widths = parse_cid_widths(doc, w);
            }
        }
        // Code lengths: an embedded CMap stream's codespace, else the ToUnicode's, else 2 bytes.
        match deref(doc, dict.get(b"Encoding").ok()) {
            Some(Object::Stream(s)) => {
                if let Ok(bytes) = s.decompressed_content_with_limit(1 << 20) {
                    self.codespace = parse_codespace(&bytes);
                }
            }
            Some(Object::Name(n)) if n.starts_with(b"Identity") => {
                self.codespace = vec![(0, 0xFFFF, 2)];
            }
            _ => {}
        }
        if self.codespace.is_empty() {
            self.codespace = self
                .to_unicode
                .as_ref()
                .map(|t| t.codespace.clone())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| vec![(0, 0xFFFF, 2)]);
        }
        if let Some(desc) = descendant {
            if self.to_unicode.is_none() {
                self.gid_text = truetype_gid_text(doc, desc, max_stream);
            } else if self
                .to_unicode
                .as_ref()
                .is_some_and(ToUnicode::has_private_use)
            {
                // Some producers map ligatures to private-use code points; the font's own
                // glyph names ("f_t", "fi") say what they are.
                self.gid_text = truetype_glyph_names(doc, desc, max_stream);
            }
        }
        self.missing_unicode = self.to_unicode.is_none() && self.gid_text.is_empty();
    }

    /// Split `bytes` into glyphs and call `f` for each.
    pub fn decode(&mut self, bytes: &[u8], mut f: impl FnMut(DecodedGlyph<'_>)) {
        match self.kind {
            FontKind::Simple | FontKind::Type3 => {
                for &b in bytes {
                    let code = u32::from(b);
                    let width = self.simple_widths.get(b as usize).copied().unwrap_or(0.0)
                        * self.width_scale;
                    let encoded = self
                        .simple_text
                        .get(b as usize)
                        .map(String::as_str)
                        .unwrap_or("");
                    let text: &str = match self.to_unicode.as_mut().and_then(|t| t.get(code, 1)) {
                        // A private-use mapping loses to a real character from the encoding.
                        Some(s) if is_private_use(s) && !encoded.is_empty() => {
                            if is_private_use(encoded) { s } else { encoded }
                        }
                        Some(s) => s,
                        None => encoded,
                    };
                    f(DecodedGlyph {
                        text,
                        width,
                        is_space_code: b == 32,
                    });
                }
            }
            FontKind::Composite => {
                let mut i = 0;
                while i < bytes.len() {
                    let (code, len) = self.next_code(&bytes[i..]);
                    i += len.max(1);
                    let width = self
                        .cid_widths
                        .get(&code)
                        .copied()
                        .unwrap_or(self.default_width)
                        * 0.001;
                    let text = match self.to_unicode.as_mut() {
                        Some(t) => match t.get(code, len as u8) {
                            Some(s) if is_private_use(s) => {
                                self.gid_text.get(&code).map_or(s, String::as_str)
                            }
                            other => other.unwrap_or(""),
                        },
                        None => self.gid_text.get(&code).map_or("", String::as_str),
                    };
                    f(DecodedGlyph {
                        text,
                        width,
                        is_space_code: len == 1 && code == 32,
                    });
                }
            }
        }
    }

    fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        let mut code: u32 = 0;
        for len in 1..=4usize.min(bytes.len()) {
            code = (code << 8) | u32::from(bytes[len - 1]);
            if self
                .codespace
                .iter()
                .any(|&(lo, hi, l)| usize::from(l) == len && code >= lo && code <= hi)
            {
                return (code, len);
            }
        }
        // No range matched: take the shortest length the codespace uses.
        let len = self
            .codespace
            .iter()
            .map(|c| usize::from(c.2))
            .min()
            .unwrap_or(2)
            .min(bytes.len())
            .max(1);
        let code = bytes[..len]
            .iter()
            .fold(0u32, |a, &b| (a << 8) | u32::from(b));
        (code, len)
    }
}

/// `dup <code> /<name> put` entries of an embedded Type1 font's clear-text header.
fn builtin_type1_encoding(
    doc: &Document,
    dict: &Dictionary,
    max_stream: usize,
) -> Vec<(u8, String)> {
    let Some(file) = descriptor(doc, dict)
        .and_then(|d| deref(doc, d.get(b"FontFile").ok()))
        .and_then(|o| o.as_stream().ok())
    else {
        return builtin_cff_encoding(doc, dict, max_stream);
    };
    let Ok(bytes) = file.decompressed_content_with_limit(max_stream) else {
        return Vec::new();
    };
    let clear_len = file
        .dict
        .get(b"Length1")
        .ok()
        .and_then(|o| number(doc, o))
        .map_or(bytes.len(), |l| (l as usize).min(bytes.len()));
    let head = &bytes[..clear_len];
    let Some(start) = head.windows(9).position(|w| w == b"/Encoding") else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&head[start..]);
    let mut out = Vec::new();
    let mut words = text.split_ascii_whitespace().peekable();
    while let Some(w) = words.next() {
        if w == "readonly" || w == "def" && !out.is_empty() {
            break;
        }
        if w != "dup" {
            continue;
        }
        let (Some(code), Some(name)) = (words.next(), words.next()) else {
            break;
        };
        if let (Ok(code), Some(name)) = (code.parse::<u8>(), name.strip_prefix('/')) {
            out.push((code, name.to_string()));
        }
    }
    out
}

/// The builtin encoding of an embedded compact (Type1C, FontFile3) font: code → glyph name
/// through the CFF encoding and charset (TeX math fonts carry their symbols this way).
fn builtin_cff_encoding(doc: &Document, dict: &Dictionary, max_stream: usize) -> Vec<(u8, String)> {
    let Some(bytes) = descriptor(doc, dict)
        .and_then(|d| deref(doc, d.get(b"FontFile3").ok()))
        .and_then(|o| o.as_stream().ok())
        .filter(|s| name_of(doc, s.dict.get(b"Subtype").ok()).as_deref() == Some("Type1C"))
        .and_then(|s| s.decompressed_content_with_limit(max_stream).ok())
    else {
        return Vec::new();
    };
    let Some(cff) = ttf_parser::cff::Table::parse(&bytes) else {
        return Vec::new();
    };
    (0..=255u8)
        .filter_map(|code| {
            let gid = cff.glyph_index(code).filter(|g| g.0 != 0)?;
            Some((code, cff.glyph_name(gid)?.to_string()))
        })
        .collect()
}

/// The decompressed FontFile2 (embedded TrueType) of a CID font's descriptor.
fn embedded_truetype(doc: &Document, desc: &Dictionary, max_stream: usize) -> Option<Vec<u8>> {
    descriptor(doc, desc)
        .and_then(|d| deref(doc, d.get(b"FontFile2").ok()))
        .and_then(|o| o.as_stream().ok())
        .and_then(|s| s.decompressed_content_with_limit(max_stream).ok())
}

/// CID → text for an embedded TrueType CID font: CIDToGIDMap, then the font's Unicode cmap
/// reversed (glyph → first code point that maps to it). This is how poppler recovers text
/// from Identity-H fonts that lack a ToUnicode CMap.
fn truetype_gid_text(doc: &Document, desc: &Dictionary, max_stream: usize) -> HashMap<u32, String> {
    let mut out = HashMap::default();
    let Some(data) = embedded_truetype(doc, desc, max_stream) else {
        return out;
    };
    let Ok(face) = ttf_parser::Face::parse(&data, 0) else {
        return out;
    };
    let Some(cmap) = face.tables().cmap else {
        return out;
    };
    let mut by_gid: HashMap<u16, char> = HashMap::default();
    for sub in cmap.subtables {
        if !sub.is_unicode() {
            continue;
        }
        sub.codepoints(|cp| {
            if let (Some(gid), Some(c)) = (sub.glyph_index(cp), char::from_u32(cp)) {
                by_gid.entry(gid.0).or_insert(c);
            }
        });
    }
    if by_gid.is_empty() {
        return out;
    }
    let cid_to_gid: Option<Vec<u8>> = match deref(doc, desc.get(b"CIDToGIDMap").ok()) {
        Some(Object::Stream(s)) => s.decompressed_content_with_limit(1 << 20).ok(),
        _ => None,
    };
    match cid_to_gid {
        Some(map) => {
            for (cid, pair) in map.chunks_exact(2).enumerate() {
                let gid = u16::from_be_bytes([pair[0], pair[1]]);
                if let Some(c) = by_gid.get(&gid) {
                    out.insert(cid as u32, c.to_string());
                }
            }
        }
        None => {
            for (gid, c) in by_gid {
                out.insert(u32::from(gid), c.to_string());
            }
        }
    }
    out
}

fn parse_cid_widths(doc: &Document, w: &[Object]) -> HashMap<u32, f64> {
    let mut out = HashMap::default();
    let mut i = 0;
    while i < w.len() {
        let Some(first) = number(doc, &w[i]) else {
            break;
        };
        match w.get(i + 1).and_then(|o| deref(doc, Some(o))) {
            Some(Object::Array(list)) => {
                for (k, v) in list.iter().enumerate() {
                    if let Some(v) = number(doc, v) {
                        out.insert(first as u32 + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = number(doc, o).unwrap_or(first);
                let v = w.get(i + 2).and_then(|o| number(doc, o)).unwrap_or(1000.0);
                // Bound the range so a hostile W array cannot allocate without limit.
                let (lo, hi) = (first as u32, (last as u32).min(first as u32 + 65536));
                for c in lo..=hi {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
    out
}

fn base_table(name: &[u8]) -> Option<&'static pdf_encoding::ForwardMap> {
    match name {
        b"WinAnsiEncoding" => Some(&pdf_encoding::WINANSI),
        b"MacRomanEncoding" => Some(&pdf_encoding::MACROMAN),
        b"StandardEncoding" => Some(&pdf_encoding::STANDARD),
        b"MacExpertEncoding" => Some(&pdf_encoding::MACEXPERT),
        _ => None,
    }
}

/// True when the text is made only of private-use code points (meaningless to a reader).
fn is_private_use(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| ('\u{E000}'..='\u{F8FF}').contains(&c))
}

/// CID → text from the glyph names of an embedded TrueType font (post table), for glyphs
/// whose name means something ("f_t" → "ft"); CIDToGIDMap applies as for the cmap.
fn truetype_glyph_names(
    doc: &Document,
    desc: &Dictionary,
    max_stream: usize,
) -> HashMap<u32, String> {
    let mut out = HashMap::default();
    let Some(data) = embedded_truetype(doc, desc, max_stream) else {
        return out;
    };
    let Ok(face) = ttf_parser::Face::parse(&data, 0) else {
        return out;
    };
    let name_text = |gid: u16| -> Option<String> {
        let name = face.glyph_name(ttf_parser::GlyphId(gid))?;
        glyph_to_unicode(name).filter(|t| !is_private_use(t))
    };
    match deref(doc, desc.get(b"CIDToGIDMap").ok()) {
        Some(Object::Stream(s)) => {
            if let Ok(map) = s.decompressed_content_with_limit(1 << 20) {
                for (cid, pair) in map.chunks_exact(2).enumerate() {
                    if let Some(t) = name_text(u16::from_be_bytes([pair[0], pair[1]])) {
                        out.insert(cid as u32, t);
                    }
                }
            }
        }
        _ => {
            for gid in 0..face.number_of_glyphs() {
                if let Some(t) = name_text(gid) {
                    out.insert(u32::from(gid), t);
                }
            }
        }
    }
    out
}

/// Glyph name → Unicode: Adobe Glyph List (incl. "afii10017" Cyrillic), "uniXXXX", "uXXXX",
/// and ligatures named by their parts ("f_t" → "ft").
pub fn glyph_to_unicode(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or(name);
    if base.contains('_') && pdf_encoding::glyphname_to_unicode(base).is_none() {
        return base
            .split('_')
            .map(|part| glyph_to_unicode(part).filter(|_| !part.is_empty()))
            .collect();
    }
    if let Some(s) = pdf_encoding::glyphname_to_unicode(name) {
        return Some(s.to_string());
    }
    let base = name.split('.').next().unwrap_or(name);
    if base != name {
        if let Some(s) = pdf_encoding::glyphname_to_unicode(base) {
            return Some(s.to_string());
        }
    }
    if let Some(hex) = base.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 {
            let mut out = String::new();
            for chunk in hex.as_bytes().chunks(4) {
                let cp = u32::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
                out.push(char::from_u32(cp)?);
            }
            return Some(out);
        }
    }
    if let Some(hex) = base.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) {
            let cp = u32::from_str_radix(hex, 16).ok()?;
            return char::from_u32(cp).map(String::from);
        }
    }
    None
}

fn std14_face(base_font: &str) -> Option<&'static [(u32, u16)]> {
    // Subset prefixes ("ABCDEF+Helvetica") and common aliases (Arial = Helvetica metrics).
    let name = base_font.rsplit('+').next().unwrap_or(base_font);
    let lower = name.to_ascii_lowercase();
    let bold = lower.contains("bold");
    let italic = lower.contains("italic") || lower.contains("oblique");
    let helv = lower.starts_with("helvetica") || lower.starts_with("arial");
    let times = lower.starts_with("times");
    match (helv, times, bold, italic) {
        (true, _, false, false) => Some(std14::HELVETICA),
        (true, _, true, false) => Some(std14::HELVETICA_BOLD),
        (true, _, false, true) => Some(std14::HELVETICA_OBLIQUE),
        (true, _, true, true) => Some(std14::HELVETICA_BOLD_OBLIQUE),
        (_, true, false, false) => Some(std14::TIMES_ROMAN),
        (_, true, true, false) => Some(std14::TIMES_BOLD),
        (_, true, false, true) => Some(std14::TIMES_ITALIC),
        (_, true, true, true) => Some(std14::TIMES_BOLD_ITALIC),
        _ => None,
    }
}

fn face_width(face: &[(u32, u16)], ch: char) -> Option<f64> {
    face.binary_search_by_key(&(ch as u32), |&(c, _)| c)
        .ok()
        .and_then(|i| face.get(i))
        .map(|&(_, w)| f64::from(w))
}

fn descriptor<'a>(doc: &'a Document, dict: &'a Dictionary) -> Option<&'a Dictionary> {
    deref(doc, dict.get(b"FontDescriptor").ok()).and_then(|o| o.as_dict().ok())
}

/// Follow references (bounded, so a reference cycle cannot loop).
pub fn deref<'a>(doc: &'a Document, mut obj: Option<&'a Object>) -> Option<&'a Object> {
    for _ in 0..16 {
        match obj {
            Some(Object::Reference(id)) => obj = doc.get_object(*id).ok(),
            other => return other,
        }
    }
    None
}

pub fn number(doc: &Document, obj: &Object) -> Option<f64> {
    match deref(doc, Some(obj))? {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) if r.is_finite() => Some(f64::from(*r)),
        _ => None,
    }
}

pub fn name_of(doc: &Document, obj: Option<&Object>) -> Option<String> {
    match deref(doc, obj)? {
        Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// ToUnicode CMaps
// ---------------------------------------------------------------------------------------------

/// A parsed ToUnicode CMap: single codes (bfchar) and ranges (bfrange), keyed by code length.
#[derive(Debug, Default)]
pub struct ToUnicode {
    chars: HashMap<(u32, u8), String>,
    /// (lo, hi, code length, target): target is either a start string incremented per code, or
    /// an explicit list.
    ranges: Vec<(u32, u32, u8, RangeTarget)>,
    codespace: Vec<(u32, u32, u8)>,
    /// Range lookups materialised on first use.
    cache: HashMap<(u32, u8), String>,
}

#[derive(Debug)]
enum RangeTarget {
    Start(Vec<u16>),
    List(Vec<String>),
}

#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Hex(Vec<u8>),
    Word(&'a [u8]),
    Open,
    Close,
}

fn tokens(src: &[u8]) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        match c {
            b'%' => {
                while i < src.len() && src[i] != b'\n' && src[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if src.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if src.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let start = i + 1;
                let end = src[start..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(src.len(), |p| start + p);
                let hex: Vec<u8> = src[start..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let mut bytes = Vec::with_capacity(hex.len() / 2 + 1);
                for pair in hex.chunks(2) {
                    let hi = hex_val(pair[0]);
                    let lo = pair.get(1).map_or(0, |&b| hex_val(b));
                    bytes.push(hi << 4 | lo);
                }
                out.push(Tok::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'(' => {
                // Literal strings are rare in ToUnicode; skip them whole.
                let mut depth = 0;
                while i < src.len() {
                    match src[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            _ if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < src.len() && !b"<>[]()% \t\r\n\x0c\0".contains(&src[i]) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                } else {
                    out.push(Tok::Word(&src[start..i]));
                }
            }
        }
    }
    out
}

fn hex_val(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

fn code_of(bytes: &[u8]) -> (u32, u8) {
    let len = bytes.len().clamp(1, 4);
    let code = bytes
        .iter()
        .take(4)
        .fold(0u32, |a, &b| (a << 8) | u32::from(b));
    (code, len as u8)
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| (u16::from(c[0]) << 8) | u16::from(*c.get(1).unwrap_or(&0)))
        .collect()
}

fn utf16_string(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .filter(|&c| c != '\0')
        .collect()
}

fn parse_codespace(src: &[u8]) -> Vec<(u32, u32, u8)> {
    let toks = tokens(src);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == Tok::Word(b"begincodespacerange") {
            i += 1;
            while i + 1 < toks.len() {
                match (&toks[i], &toks[i + 1]) {
                    (Tok::Hex(lo), Tok::Hex(hi)) => {
                        let (l, len) = code_of(lo);
                        let (h, _) = code_of(hi);
                        out.push((l, h, len));
                        i += 2;
                    }
                    _ => break,
                }
            }
        }
        i += 1;
    }
    out
}

impl ToUnicode {
    pub fn parse(src: &[u8]) -> ToUnicode {
        let toks = tokens(src);
        let mut t = ToUnicode {
            codespace: parse_codespace(src),
            ..ToUnicode::default()
        };
        let mut i = 0;
        while i < toks.len() {
            match toks[i] {
                Tok::Word(b"beginbfchar") => {
                    i += 1;
                    while i + 1 < toks.len() {
                        match (&toks[i], &toks[i + 1]) {
                            (Tok::Hex(src), Tok::Hex(dst)) => {
                                t.chars
                                    .insert(code_of(src), utf16_string(&utf16_units(dst)));
                                i += 2;
                            }
                            (Tok::Hex(_), Tok::Word(_)) => i += 2,
                            _ => break,
                        }
                    }
                }
                Tok::Word(b"beginbfrange") => {
                    i += 1;
                    while i + 2 < toks.len() {
                        let (Tok::Hex(lo), Tok::Hex(hi)) = (&toks[i], &toks[i + 1]) else {
                            break;
                        };
                        let (lo, len) = code_of(lo);
                        let (hi, _) = code_of(hi);
                        match &toks[i + 2] {
                            Tok::Hex(dst) => {
                                t.ranges
                                    .push((lo, hi, len, RangeTarget::Start(utf16_units(dst))));
                                i += 3;
                            }
                            Tok::Open => {
                                let mut list = Vec::new();
                                i += 3;
                                while i < toks.len() {
                                    match &toks[i] {
                                        Tok::Hex(d) => list.push(utf16_string(&utf16_units(d))),
                                        Tok::Close => break,
                                        _ => {}
                                    }
                                    i += 1;
                                }
                                t.ranges.push((lo, hi, len, RangeTarget::List(list)));
                                i += 1;
                            }
                            _ => break,
                        }
                    }
                }
                _ => i += 1,
            }
        }
        t
    }

    fn is_empty(&self) -> bool {
        self.chars.is_empty() && self.ranges.is_empty()
    }

    fn has_private_use(&self) -> bool {
        self.chars.values().any(|t| is_private_use(t))
            || self.ranges.iter().any(|(_, _, _, target)| match target {
                RangeTarget::Start(units) => {
                    units.first().is_some_and(|u| (0xE000..=0xF8FF).contains(u))
                }
                RangeTarget::List(list) => list.iter().any(|t| is_private_use(t)),
            })
    }

    /// Text for a code of `len` bytes. Codes written with a different length in the CMap (a
    /// common producer bug) are matched by value as a fallback.
    pub fn get(&mut self, code: u32, len: u8) -> Option<&str> {
        let key = (code, len);
        if !self.chars.contains_key(&key) && !self.cache.contains_key(&key) {
            let found = self.lookup_range(code, len).or_else(|| {
                (1..=4u8).filter(|&l| l != len).find_map(|l| {
                    self.chars
                        .get(&(code, l))
                        .cloned()
                        .or_else(|| self.lookup_range(code, l))
                })
            })?;
            self.cache.insert(key, found);
        }
        self.chars
            .get(&key)
            .or_else(|| self.cache.get(&key))
            .map(String::as_str)
    }

    fn lookup_range(&self, code: u32, len: u8) -> Option<String> {
        for (lo, hi, l, target) in &self.ranges {
            if *l != len || code < *lo || code > *hi {
                continue;
            }
            let off = code - lo;
            return match target {
                RangeTarget::Start(units) => {
                    let mut units = units.clone();
                    if let Some(last) = units.last_mut() {
                        *last = last.wrapping_add(off as u16);
                    }
                    Some(utf16_string(&units))
                }
                RangeTarget::List(list) => list.get(off as usize).cloned(),
            };
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tounicode_bfchar_and_bfrange() {
        let src = b"/CIDInit /ProcSet findresource begin 1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0003> <0020> <0010> <0416> endbfchar
            2 beginbfrange <0020> <0025> <0410> <0030> <0031> [<0041> <00660069>] endbfrange";
        let mut t = ToUnicode::parse(src);
        assert_eq!(t.get(0x10, 2), Some("Ж"));
        assert_eq!(t.get(0x22, 2), Some("В"));
        assert_eq!(t.get(0x31, 2), Some("fi"));
        assert_eq!(t.get(0x26, 2), None);
        assert_eq!(t.codespace, vec![(0, 0xFFFF, 2)]);
    }

    #[test]
    fn glyph_names_cover_cyrillic_and_uni() {
        assert_eq!(glyph_to_unicode("afii10017").as_deref(), Some("А"));
        assert_eq!(glyph_to_unicode("uni0436").as_deref(), Some("ж"));
        assert_eq!(glyph_to_unicode("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_to_unicode("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_to_unicode("g123"), None);
        // Ligatures named by their parts; a part without a meaning spoils the whole name.
        assert_eq!(glyph_to_unicode("f_t").as_deref(), Some("ft"));
        assert_eq!(glyph_to_unicode("f_f_i.alt").as_deref(), Some("ffi"));
        assert_eq!(glyph_to_unicode("f_g123"), None);
        assert!(is_private_use("\u{F603}") && !is_private_use("ft") && !is_private_use(""));
    }

    #[test]
    fn std14_widths_known() {
        assert_eq!(face_width(std14::HELVETICA, 'a'), Some(556.0));
        assert_eq!(face_width(std14::TIMES_ROMAN, ' '), Some(250.0));
        assert!(std14_face("ABCDEF+Arial-BoldMT").is_some());
    }
}
