//! Legacy binary Word (.doc): Word 97–2003 read in full, Word 6.0/95 as plain paragraphs.
//!
//! The OLE2 container is opened with the `cfb` crate (which rejects looping or doubly used
//! sector chains). From the FIB ([MS-DOC] 2.5) we take the story lengths and the places of
//! the piece table (`pieces.rs`), the paragraph properties and the style sheet (`props.rs`).
//! The character stream is cut into paragraphs at paragraph marks; cell and row marks, with the
//! table depth from the paragraph properties, build `Table` blocks (nested tables included,
//! spans from the row definitions); field codes are hidden and field results shown; footnotes
//! and endnotes go to `notes`, headers and footers to `furniture`, as for DOCX.

mod pieces;
mod props;

use std::io::{Cursor, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};

use pieces::{Char, PieceTable};
use props::{Para, ParaIndex, RowDef, Styles, slice};

use super::Limits;
use crate::error::{Error, Result};
use crate::model::{Block, Cell, Document, Format, Location, Metadata, Row, Table};
use crate::text::normalize;

const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// FibBase.wIdent of Word 97 and later, and of Word 6.0/95.
const WORD_IDENT: u16 = 0xA5EC;
const WORD6_IDENT: u16 = 0xA5DC;
/// Word 97 writes nFib 0xC1; Word 6.0 and 95 write 101..=105.
const NFIB_WORD97: u16 = 0xC0;
/// Deepest field nesting we track; deeper begin marks are taken as text.
const MAX_FIELD_DEPTH: usize = 64;

pub(super) fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

pub(super) fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// Read a `.doc` file. Non-OLE content that reached us by its extension gets a clear
/// `unsupported` naming what it is.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document> {
    if !bytes.starts_with(&OLE2_MAGIC) {
        return Err(Error::Unsupported(not_word(bytes).into()));
    }
    // cfb validates chains on open; a panic in it on hostile input is still one file's problem.
    match catch_unwind(AssertUnwindSafe(|| read_ole(bytes, limits))) {
        Ok(r) => r,
        Err(_) => Err(Error::Corrupt(
            "разбор контейнера OLE2 прерван из-за внутренней ошибки".into(),
        )),
    }
}

/// What a non-OLE file with a `.doc` name is, in Russian.
fn not_word(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(512)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let has = |s: &[u8]| lower.windows(s.len()).any(|w| w == s);
    if head.starts_with(b"\xFFWPC") {
        "файл с расширением .doc — документ WordPerfect; сохраните его как DOCX или PDF"
    } else if has(b"<html") || has(b"<!doctype html") || has(b"xmlns:w=\"urn:schemas-microsoft") {
        "файл с расширением .doc — веб-страница (HTML), а не документ Word; сохраните его как DOCX или PDF"
    } else if head.starts_with(&[0xDB, 0xA5]) || head.starts_with(&[0x9B, 0xA5]) {
        "документ Word 2.0 не поддерживается; сохраните его как DOCX"
    } else {
        "файл с расширением .doc не является документом Word; сохраните его как DOCX или PDF"
    }
}

fn read_ole(bytes: &[u8], limits: &Limits) -> Result<Document> {
    let opened = cfb::CompoundFile::open(Cursor::new(bytes));
    // A password-protected DOCX is an OLE2 file too; its stream name tells even when the
    // container itself is damaged.
    if opened.is_err() && super::zipread::is_encrypted_ooxml(bytes) {
        return Err(Error::Encrypted(
            "документ Office зашифрован паролем".into(),
        ));
    }
    let mut ole = opened.map_err(|e| Error::Corrupt(format!("контейнер OLE2 повреждён: {e}")))?;
    if ole.is_stream("/EncryptedPackage") || ole.is_stream("/EncryptionInfo") {
        return Err(Error::Encrypted(
            "документ Office зашифрован паролем".into(),
        ));
    }
    if !ole.is_stream("/WordDocument") {
        return Err(Error::Unsupported(
            "файл OLE2 не содержит документа Word (возможно, это таблица Excel или презентация PowerPoint); сохраните его как DOCX или PDF".into(),
        ));
    }
    let word = read_stream(&mut ole, "/WordDocument", limits)?;
    let fib = Fib::parse(&word)?;
    if fib.encrypted {
        return Err(Error::Encrypted("документ Word зашифрован паролем".into()));
    }
    let mut doc = if fib.word97 {
        let table_name = if fib.table1 { "/1Table" } else { "/0Table" };
        if !ole.is_stream(table_name) {
            return Err(Error::Corrupt(format!(
                "в документе Word нет потока {}",
                &table_name[1..]
            )));
        }
        let table = read_stream(&mut ole, table_name, limits)?;
        Word97::new(&word, &table, &fib)?.document(&fib)?
    } else {
        read_word6(&word, &fib)?
    };
    doc.metadata.title = summary_title(&mut ole, limits);
    Ok(doc)
}

fn read_stream<F: Read + std::io::Seek>(
    ole: &mut cfb::CompoundFile<F>,
    name: &str,
    limits: &Limits,
) -> Result<Vec<u8>> {
    let mut s = ole
        .open_stream(name)
        .map_err(|e| Error::Corrupt(format!("поток {} не читается: {e}", &name[1..])))?;
    let len = s.len();
    if len > limits.max_stream_bytes {
        return Err(Error::TooLarge(format!(
            "поток {} занимает {} МБ при пределе {} МБ",
            &name[1..],
            len / (1024 * 1024),
            limits.max_stream_bytes / (1024 * 1024)
        )));
    }
    let mut out = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    (&mut s)
        .take(limits.max_stream_bytes)
        .read_to_end(&mut out)
        .map_err(|e| Error::Corrupt(format!("поток {} не читается: {e}", &name[1..])))?;
    Ok(out)
}

/// The title from the SummaryInformation property set, when it has one (PIDSI_TITLE = 2).
fn summary_title<F: Read + std::io::Seek>(
    ole: &mut cfb::CompoundFile<F>,
    limits: &Limits,
) -> Option<String> {
    let name = "/\u{5}SummaryInformation";
    if !ole.is_stream(name) {
        return None;
    }
    let small = Limits {
        max_stream_bytes: limits.max_stream_bytes.min(1024 * 1024),
        ..limits.clone()
    };
    let s = read_stream(ole, name, &small).ok()?;
    // PropertySetStream: 28-byte header + FMTID/offset pairs; first set's offset at 44.
    let set = usize::try_from(le_u32(&s, 44)?).ok()?;
    let count = le_u32(&s, set + 4)?.min(256) as usize;
    for i in 0..count {
        let id = le_u32(&s, set + 8 + 8 * i)?;
        let off = usize::try_from(le_u32(&s, set + 12 + 8 * i)?).ok()?;
        if id != 2 {
            continue;
        }
        let at = set.checked_add(off)?;
        // VT_LPSTR (0x1E): 4-byte length then bytes in the set's code page (usually 1251/1252).
        if le_u32(&s, at)? != 0x1E {
            return None;
        }
        let len = (le_u32(&s, at + 4)? as usize).min(4096);
        let raw = s.get(at + 8..at + 8 + len)?;
        let raw = raw.split(|b| *b == 0).next().unwrap_or_default();
        let (text, _, _) = encoding_rs::WINDOWS_1251.decode(raw);
        let t = normalize(&text);
        return (!t.is_empty()).then_some(t);
    }
    None
}

/// The parts of the FIB we use.
#[derive(Debug, Default)]
struct Fib {
    word97: bool,
    encrypted: bool,
    /// The table stream is 1Table (else 0Table).
    table1: bool,
    complex: bool,
    lid: u16,
    /// Word 6/95: offset of the first text byte (non-complex files).
    fc_min: u32,
    /// ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx, ccpHdrTxbx.
    ccp: [u32; 8],
    /// fc/lcb pairs by index in FibRgFcLcb97 order (Word 6/95: the same order from 0x58).
    fclcb: Vec<(u32, u32)>,
}

/// FibRgFcLcb97 indexes.
const STSHF: usize = 1;
const PLCF_BTE_PAPX: usize = 13;
const CLX: usize = 33;

impl Fib {
    fn parse(w: &[u8]) -> Result<Fib> {
        let short = || Error::Corrupt("заголовок документа Word (FIB) обрезан".into());
        let ident = le_u16(w, 0).ok_or_else(short)?;
        if ident != WORD_IDENT && ident != WORD6_IDENT {
            return Err(Error::Unsupported(
                "двоичный документ Word старой версии (до Word 6.0) не поддерживается; сохраните его как DOCX".into(),
            ));
        }
        let nfib = le_u16(w, 2).ok_or_else(short)?;
        let lid = le_u16(w, 6).ok_or_else(short)?;
        let flags = le_u16(w, 0x0A).ok_or_else(short)?;
        let mut fib = Fib {
            word97: ident == WORD_IDENT && nfib >= NFIB_WORD97,
            // fEncrypted or fObfuscated (XOR): both need the password.
            encrypted: flags & 0x0100 != 0 || flags & 0x8000 != 0,
            table1: flags & 0x0200 != 0,
            complex: flags & 0x0004 != 0,
            lid,
            ..Fib::default()
        };
        if fib.encrypted {
            return Ok(fib);
        }
        let (ccp_at, pairs_at, pairs) = if fib.word97 {
            let csw = usize::from(le_u16(w, 32).ok_or_else(short)?);
            let lw = 34 + 2 * csw;
            let cslw = usize::from(le_u16(w, lw).ok_or_else(short)?);
            let fc = lw + 2 + 4 * cslw;
            let n = usize::from(le_u16(w, fc).ok_or_else(short)?);
            (lw + 2 + 12, fc + 2, n)
        } else {
            fib.fc_min = le_u32(w, 0x18).ok_or_else(short)?;
            (0x34, 0x58, CLX + 1)
        };
        for (i, c) in fib.ccp.iter_mut().enumerate() {
            *c = le_u32(w, ccp_at + 4 * i).ok_or_else(short)?;
        }
        fib.fclcb = (0..pairs)
            .map_while(|i| {
                Some((
                    le_u32(w, pairs_at + 8 * i)?,
                    le_u32(w, pairs_at + 8 * i + 4)?,
                ))
            })
            .collect();
        Ok(fib)
    }

    fn pair(&self, i: usize) -> (u32, u32) {
        self.fclcb.get(i).copied().unwrap_or((0, 0))
    }

    /// CP ranges of the stories: main, footnotes, headers, comments, endnotes.
    fn stories(&self) -> [(Story, u32, u32); 5] {
        let [text, ftn, hdd, mcr, atn, edn, _, _] = self.ccp;
        let a = text;
        let b = a.saturating_add(ftn);
        let c = b.saturating_add(hdd);
        let d = c.saturating_add(mcr);
        let e = d.saturating_add(atn);
        let f = e.saturating_add(edn);
        [
            (Story::Main, 0, a),
            (Story::Notes, a, b),
            (Story::Furniture, b, c),
            (Story::Comments, d, e),
            (Story::Notes, e, f),
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Story {
    Main,
    Notes,
    Furniture,
    Comments,
}

/// The 8-bit code page of a Word 6/95 document by its language id.
fn code_page_of(lid: u16) -> &'static encoding_rs::Encoding {
    use encoding_rs::*;
    match lid {
        // Serbian and Bosnian in Cyrillic share the primary language of Croatian.
        0x0C1A | 0x201A => return WINDOWS_1251,
        _ => {}
    }
    match lid & 0x3FF {
        0x19 | 0x22 | 0x23 | 0x02 | 0x2F => WINDOWS_1251,
        0x05 | 0x15 | 0x0E | 0x1B | 0x24 | 0x18 | 0x1C | 0x1A => WINDOWS_1250,
        0x08 => WINDOWS_1253,
        0x1F => WINDOWS_1254,
        0x0D => WINDOWS_1255,
        0x01 => WINDOWS_1256,
        0x25..=0x27 => WINDOWS_1257,
        _ => WINDOWS_1252,
    }
}

fn single_byte_table(enc: &'static encoding_rs::Encoding) -> [char; 256] {
    std::array::from_fn(|i| {
        let b = [i as u8];
        let (s, _) = enc.decode_without_bom_handling(&b);
        s.chars().next().unwrap_or('\u{FFFD}')
    })
}

struct Word97<'a> {
    word: &'a [u8],
    pieces: PieceTable,
    paras: ParaIndex,
    styles: Styles,
    single_byte: [char; 256],
}

impl<'a> Word97<'a> {
    fn new(word: &'a [u8], table: &'a [u8], fib: &Fib) -> Result<Word97<'a>> {
        let (fc, lcb) = fib.pair(CLX);
        let clx = slice(table, fc, lcb);
        if clx.is_empty() {
            return Err(Error::Corrupt(
                "в документе Word нет таблицы фрагментов текста (CLX)".into(),
            ));
        }
        let pieces = PieceTable::parse(clx, false)?;
        let (fc, lcb) = fib.pair(PLCF_BTE_PAPX);
        let paras = ParaIndex::read(table, word, fc, lcb);
        let (fc, lcb) = fib.pair(STSHF);
        let styles = Styles::read(table, fc, lcb);
        Ok(Word97 {
            word,
            pieces,
            paras,
            styles,
            // [MS-DOC] 2.4.1: 8-bit pieces of Word 97 and later are always in code page 1252.
            single_byte: single_byte_table(encoding_rs::WINDOWS_1252),
        })
    }

    fn document(&self, fib: &Fib) -> Result<Document> {
        let total = self.pieces.pieces.last().map_or(0, |p| p.cp_end);
        let mut blocks = Vec::new();
        let mut notes = Vec::new();
        let mut furniture: Vec<Block> = Vec::new();
        for (story, from, to) in fib.stories() {
            if story == Story::Comments || from >= to || from >= total {
                continue;
            }
            let mut chars = Vec::new();
            self.pieces
                .chars(self.word, from, to, &self.single_byte, &mut chars);
            let mut builder = Builder::new(story == Story::Main);
            for_each_paragraph(&chars, |text, mark, ch| {
                let para = self.para_at(ch);
                let row = (para.ttp || para.inner_ttp)
                    .then(|| {
                        self.paras
                            .grpprl_at(ch.fc)
                            .and_then(|g| RowDef::from_grpprl(g.get(2..).unwrap_or_default()))
                    })
                    .flatten();
                let heading = if para.depth() == 0 && mark != '\u{7}' {
                    para.outline
                        .map(|l| l + 1)
                        .or_else(|| self.styles.heading_level(para.istd))
                } else {
                    None
                };
                builder.paragraph(text, mark, &para, heading, row);
            });
            let out = builder.finish();
            match story {
                Story::Main => blocks = out,
                Story::Notes => notes.extend(out),
                Story::Furniture => {
                    for b in out {
                        if !b.text().trim().is_empty()
                            && !furniture.iter().any(|f| f.text() == b.text())
                        {
                            furniture.push(b);
                        }
                    }
                }
                Story::Comments => {}
            }
        }
        notes.retain(|b| !b.text().trim().is_empty());
        finish(blocks, notes, furniture, Metadata::default())
    }

    /// Paragraph properties of the paragraph whose mark is `ch`: its PAPX, then the piece's
    /// property modifier.
    fn para_at(&self, ch: &Char) -> Para {
        let mut p = Para::default();
        if let Some(g) = self.paras.grpprl_at(ch.fc) {
            p.istd = le_u16(g, 0).unwrap_or(0);
            p.apply(g.get(2..).unwrap_or_default());
        }
        if let Some(g) = self
            .pieces
            .pieces
            .get(ch.piece)
            .and_then(|piece| piece.prc)
            .and_then(|i| self.pieces.grpprls.get(i))
        {
            p.apply(g);
        }
        p
    }
}

fn finish(
    mut blocks: Vec<Block>,
    notes: Vec<Block>,
    furniture: Vec<Block>,
    metadata: Metadata,
) -> Result<Document> {
    if blocks
        .iter()
        .chain(&notes)
        .all(|b| b.text().trim().is_empty())
    {
        return Err(super::layout::empty_body(&furniture));
    }
    super::layout::locate_cells(&mut blocks);
    Ok(Document {
        source: String::new(),
        format: Format::Doc,
        hash: String::new(),
        metadata,
        blocks,
        furniture,
        notes,
        warnings: Vec::new(),
    })
}

/// Word 6.0/95: the 8-bit text in the document's code page, paragraphs only (the reader does
/// not decode this version's paragraph properties, so table cells become paragraphs).
fn read_word6(word: &[u8], fib: &Fib) -> Result<Document> {
    let text_len: u32 = fib
        .ccp
        .iter()
        .take(6)
        .fold(0u32, |a, c| a.saturating_add(*c));
    let pieces = if fib.complex {
        let (fc, lcb) = fib.pair(CLX);
        PieceTable::parse(slice(word, fc, lcb), true)?
    } else {
        PieceTable::contiguous(fib.fc_min, text_len)
    };
    let single_byte = single_byte_table(code_page_of(fib.lid));
    let mut blocks = Vec::new();
    let mut notes = Vec::new();
    let mut furniture: Vec<Block> = Vec::new();
    for (story, from, to) in fib.stories() {
        if story == Story::Comments || from >= to {
            continue;
        }
        let mut chars = Vec::new();
        pieces.chars(word, from, to, &single_byte, &mut chars);
        let mut builder = Builder::new(story == Story::Main);
        for_each_paragraph(&chars, |text, mark, _| {
            let mark = if mark == '\u{7}' { '\r' } else { mark };
            builder.paragraph(text, mark, &Para::default(), None, None);
        });
        let out = builder.finish();
        match story {
            Story::Main => blocks = out,
            Story::Notes => notes.extend(out),
            Story::Furniture => {
                for b in out {
                    if !furniture.iter().any(|f| f.text() == b.text()) {
                        furniture.push(b);
                    }
                }
            }
            Story::Comments => {}
        }
    }
    notes.retain(|b| !b.text().trim().is_empty());
    furniture.retain(|b| !b.text().trim().is_empty());
    finish(blocks, notes, furniture, Metadata::default())
}

/// Cut a story into paragraphs: calls `f(visible text, mark, mark char)` at every paragraph,
/// cell or row mark and page/section break. Field codes (between 0x13 and 0x14) are hidden,
/// field results shown; other control characters are dropped.
fn for_each_paragraph(chars: &[Char], mut f: impl FnMut(&str, char, &Char)) {
    // Per open field: true while in its code part.
    let mut fields: Vec<bool> = Vec::new();
    let mut text = String::new();
    for ch in chars {
        let hidden = fields.iter().any(|in_code| *in_code);
        match ch.c {
            '\u{13}' if fields.len() < MAX_FIELD_DEPTH => fields.push(true),
            '\u{14}' => {
                if let Some(top) = fields.last_mut() {
                    *top = false;
                }
            }
            '\u{15}' => {
                fields.pop();
            }
            '\r' | '\u{7}' | '\u{C}' => {
                f(&text, ch.c, ch);
                text.clear();
            }
            _ if hidden => {}
            '\t' => text.push('\t'),
            '\u{B}' => text.push('\n'),
            '\u{1E}' => text.push('-'),
            c if (c as u32) < 0x20 => {}
            c => text.push(c),
        }
    }
    if !text.trim().is_empty()
        && let Some(last) = chars.last()
    {
        f(&text, '\r', last);
    }
}

/// One open table: finished rows (cells with their blocks) and the row and cell being filled.
#[derive(Default)]
struct TableAcc {
    rows: Vec<(Vec<Vec<Block>>, Option<RowDef>)>,
    row: Vec<Vec<Block>>,
    cell: Vec<Block>,
}

/// Turns the paragraph stream into blocks, tables by their marks and depth.
struct Builder {
    out: Vec<Block>,
    open: Vec<TableAcc>,
    /// Page breaks are kept in the body only.
    page_breaks: bool,
}

impl Builder {
    fn new(page_breaks: bool) -> Self {
        Builder {
            out: Vec::new(),
            open: Vec::new(),
            page_breaks,
        }
    }

    fn paragraph(
        &mut self,
        raw: &str,
        mark: char,
        para: &Para,
        heading: Option<u8>,
        row: Option<RowDef>,
    ) {
        let text = normalize(raw);
        let cell_mark = mark == '\u{7}';
        let row_end = (cell_mark && para.ttp) || para.inner_ttp;
        let cell_end = !row_end && (cell_mark || para.inner_cell);
        // A cell mark is only ever inside a table, whatever the (possibly lost) properties say.
        let depth = match para.depth() {
            0 if cell_mark => 1,
            d => d as usize,
        };
        while self.open.len() > depth {
            self.close_table();
        }
        while self.open.len() < depth {
            self.open.push(TableAcc::default());
        }
        let block = (!text.is_empty() && !row_end).then(|| make_block(text, para, heading));
        match self.open.last_mut() {
            None => {
                self.out.extend(block);
                if mark == '\u{C}' && self.page_breaks {
                    self.out.push(Block::PageBreak {
                        loc: Location::default(),
                    });
                }
            }
            Some(t) => {
                t.cell.extend(block);
                if cell_end {
                    let cell = std::mem::take(&mut t.cell);
                    t.row.push(cell);
                } else if row_end {
                    if !t.cell.is_empty() {
                        let cell = std::mem::take(&mut t.cell);
                        t.row.push(cell);
                    }
                    let cells = std::mem::take(&mut t.row);
                    t.rows.push((cells, row));
                }
            }
        }
    }

    fn close_table(&mut self) {
        let Some(mut t) = self.open.pop() else { return };
        if !t.cell.is_empty() {
            let cell = std::mem::take(&mut t.cell);
            t.row.push(cell);
        }
        if !t.row.is_empty() {
            let cells = std::mem::take(&mut t.row);
            t.rows.push((cells, None));
        }
        let table = build_table(t.rows);
        if table.rows.is_empty() {
            return;
        }
        let block = Block::Table(table);
        match self.open.last_mut() {
            Some(parent) => parent.cell.push(block),
            None => self.out.push(block),
        }
    }

    fn finish(mut self) -> Vec<Block> {
        while !self.open.is_empty() {
            self.close_table();
        }
        self.out
    }
}

fn make_block(text: String, para: &Para, heading: Option<u8>) -> Block {
    let loc = Location::default();
    match heading {
        Some(level) if text.chars().count() <= 300 => Block::Heading { level, text, loc },
        _ if para.ilfo > 0 => Block::ListItem {
            level: para.ilvl,
            marker: None,
            text,
            loc,
        },
        _ => Block::Paragraph { text, loc },
    }
}

/// Boundaries closer than this (twips, ≈ 1 mm) are one grid line.
const GRID_SNAP: i32 = 60;

/// Rows of cells → a `Table` with grid columns from the row definitions: horizontal merges
/// widen the previous cell, vertical continuations lengthen the cell above.
fn build_table(rows: Vec<(Vec<Vec<Block>>, Option<RowDef>)>) -> Table {
    let mut lines: Vec<i32> = rows
        .iter()
        .filter_map(|(cells, def)| def.as_ref().filter(|d| d.bounds.len() == cells.len() + 1))
        .flat_map(|d| d.bounds.iter().map(|b| i32::from(*b)))
        .collect();
    lines.sort_unstable();
    let mut grid: Vec<i32> = Vec::new();
    for x in lines {
        if grid.last().is_none_or(|g| x - g > GRID_SNAP) {
            grid.push(x);
        }
    }
    let column = |x: i16| -> u32 {
        let x = i32::from(x);
        grid.partition_point(|g| *g + GRID_SNAP < x) as u32
    };
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for (cells, def) in rows {
        let def = def.filter(|d| d.bounds.len() == cells.len() + 1);
        let mut row = Row::default();
        for (i, blocks) in cells.into_iter().enumerate() {
            let (col, span, h_merged, v_merged) = match &def {
                Some(d) => {
                    let a = column(d.bounds[i]);
                    let b = column(d.bounds[i + 1]).max(a + 1);
                    let (h, v) = d.merged.get(i).copied().unwrap_or((false, false));
                    (a, b - a, h, v)
                }
                None => (i as u32, 1, false, false),
            };
            if h_merged && let Some(prev) = row.cells.last_mut() {
                prev.col_span = (col + span).saturating_sub(prev.col).max(1);
                prev.blocks.extend(blocks);
                continue;
            }
            if v_merged
                && blocks.iter().all(|b| b.text().trim().is_empty())
                && let Some(above) = out
                    .iter_mut()
                    .rev()
                    .find_map(|r| r.cells.iter_mut().find(|c| c.col == col))
            {
                above.row_span += 1;
                continue;
            }
            row.cells.push(Cell {
                col,
                col_span: span,
                row_span: 1,
                blocks,
            });
        }
        if !row.cells.is_empty() {
            out.push(row);
        }
    }
    Table {
        rows: out,
        loc: Location::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(s: &str) -> Vec<Char> {
        s.chars()
            .enumerate()
            .map(|(i, c)| Char {
                c,
                fc: i as u32,
                piece: 0,
            })
            .collect()
    }

    #[test]
    fn fields_show_results_and_hide_codes() {
        let mut got = Vec::new();
        let s = "См. \u{13}HYPERLINK \"http://x\"\u{14}сайт\u{15} и \u{13}PAGE\u{15}конец\r";
        for_each_paragraph(&ch(s), |t, m, _| got.push((t.to_string(), m)));
        assert_eq!(got, vec![("См. сайт и конец".to_string(), '\r')]);
    }

    #[test]
    fn cells_rows_and_nested_tables_become_blocks() {
        let mut b = Builder::new(true);
        let cell = Para {
            in_table: true,
            ..Para::default()
        };
        let ttp = Para {
            in_table: true,
            ttp: true,
            ..Para::default()
        };
        let inner = Para {
            in_table: true,
            itap: 2,
            ..Para::default()
        };
        b.paragraph("До таблицы", '\r', &Para::default(), Some(1), None);
        b.paragraph("Мероприятие", '\u{7}', &cell, None, None);
        b.paragraph("Сроки", '\u{7}', &cell, None, None);
        b.paragraph("", '\u{7}', &ttp, None, None);
        b.paragraph(
            "вложенная",
            '\r',
            &Para {
                inner_cell: true,
                ..inner
            },
            None,
            None,
        );
        b.paragraph(
            "",
            '\r',
            &Para {
                inner_ttp: true,
                ..inner
            },
            None,
            None,
        );
        b.paragraph("ячейка", '\u{7}', &cell, None, None);
        b.paragraph("", '\u{7}', &ttp, None, None);
        b.paragraph("После", '\r', &Para::default(), None, None);
        let blocks = b.finish();
        assert!(
            matches!(&blocks[0], Block::Heading { level: 1, text, .. } if text == "До таблицы")
        );
        let Block::Table(t) = &blocks[1] else {
            panic!("table expected: {blocks:?}");
        };
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells.len(), 2);
        assert_eq!(t.rows[0].cells[1].text(), "Сроки");
        assert_eq!(t.rows[1].cells.len(), 1);
        assert!(matches!(t.rows[1].cells[0].blocks[0], Block::Table(_)));
        assert_eq!(t.rows[1].cells[0].text(), "вложенная\nячейка");
        assert!(matches!(&blocks[2], Block::Paragraph { text, .. } if text == "После"));
    }

    #[test]
    fn row_definitions_give_spans() {
        let p = |s: &str| {
            vec![Block::Paragraph {
                text: s.into(),
                loc: Location::default(),
            }]
        };
        let wide = RowDef {
            bounds: vec![0, 2000, 4000],
            merged: vec![(false, false), (false, false)],
        };
        let narrow = RowDef {
            bounds: vec![0, 1000, 2000, 4000],
            merged: vec![(false, false), (false, false), (false, true)],
        };
        let t = build_table(vec![
            (vec![p("A"), p("B")], Some(wide)),
            (vec![p("a"), p("b"), vec![]], Some(narrow)),
        ]);
        assert_eq!(t.columns(), 3);
        assert_eq!(
            (t.rows[0].cells[0].col, t.rows[0].cells[0].col_span),
            (0, 2)
        );
        assert_eq!(
            (t.rows[0].cells[1].col, t.rows[0].cells[1].row_span),
            (2, 2)
        );
        assert_eq!(t.rows[1].cells.len(), 2);
    }

    #[test]
    fn non_ole_files_get_named() {
        let limits = Limits::default();
        let wp = read(b"\xFFWPC\x10\x00\x00\x00", &limits).unwrap_err();
        assert_eq!(wp.code(), "unsupported");
        assert!(wp.message_ru().contains("WordPerfect"));
        let html = read(b"<html><body>x</body></html>", &limits).unwrap_err();
        assert!(html.message_ru().contains("HTML"));
        let junk = read(&OLE2_MAGIC, &limits).unwrap_err();
        assert_eq!(junk.code(), "corrupt");
    }

    #[test]
    fn code_pages_by_language() {
        assert_eq!(code_page_of(0x0419), encoding_rs::WINDOWS_1251);
        assert_eq!(code_page_of(0x0409), encoding_rs::WINDOWS_1252);
        assert_eq!(code_page_of(0x0405), encoding_rs::WINDOWS_1250);
    }
}
