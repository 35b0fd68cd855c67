//! PDF reader on top of lopdf: our own content-stream interpreter (`content`), font decoding
//! (`font`), layout analysis (`layout`), and crash/hang isolation in a child process (`worker`).
//!
//! `read` is the entry point: with `Options::pdf_worker` set, the parse runs in a child process
//! of the given executable; otherwise in-process behind `catch_unwind`.

mod content;
mod font;
mod layout;
mod ocr;
mod std14;
pub mod worker;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Document as PdfDocument, LoadOptions, Object};

use super::{Limits, Options};
use crate::error::{Error, Result};
use crate::model::{Block, Document, Format, Location, Metadata};

use layout::{Item, ItemKind};

/// Extract a PDF: in the worker process when `opts.pdf_worker` is set, else in-process.
pub fn read(bytes: &[u8], opts: &Options) -> Result<Document> {
    match &opts.pdf_worker {
        Some(exe) => worker::parse_isolated(exe, bytes, opts),
        None => parse_guarded(bytes, &opts.limits, opts.ocr),
    }
}

/// Parse in this process, turning a panic into `corrupt`.
pub fn parse_guarded(bytes: &[u8], limits: &Limits, ocr: bool) -> Result<Document> {
    match catch_unwind(AssertUnwindSafe(|| parse(bytes, limits, ocr))) {
        Ok(r) => r,
        Err(_) => Err(Error::Corrupt("сбой разбора PDF".into())),
    }
}

/// The parse itself. May panic inside lopdf on hostile input: call through `read`.
pub fn parse(bytes: &[u8], limits: &Limits, ocr: bool) -> Result<Document> {
    let load = LoadOptions {
        max_decompressed_size: usize::try_from(limits.max_stream_bytes).ok(),
        ..LoadOptions::default()
    };
    let pdf = PdfDocument::load_mem_with_options(bytes, load).map_err(|e| match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => {
            Error::Encrypted(String::new())
        }
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            Error::TooLarge("распакованный поток PDF больше допустимого".into())
        }
        _ => Error::Corrupt("структура PDF не читается".into()),
    })?;
    if pdf.is_encrypted() && !pdf.was_encrypted() {
        return Err(Error::Encrypted(String::new()));
    }
    if pdf.objects.len() > limits.max_objects {
        return Err(Error::TooLarge(format!(
            "{} объектов PDF при пределе {}",
            pdf.objects.len(),
            limits.max_objects
        )));
    }
    let pages = pdf.get_pages();
    if pages.is_empty() {
        if pdf.trailer.get(b"Encrypt").is_ok() {
            // The page tree could not be decrypted: the password is not empty after all.
            return Err(Error::Encrypted(String::new()));
        }
        return Err(Error::Corrupt("в PDF нет страниц".into()));
    }
    if pages.len() > limits.max_pages as usize {
        return Err(Error::TooLarge(format!(
            "{} страниц при пределе {}",
            pages.len(),
            limits.max_pages
        )));
    }
    let max_stream = usize::try_from(limits.max_stream_bytes).unwrap_or(usize::MAX);
    let mut interp = content::Interpreter::new(&pdf, max_stream);
    let mut page_items: Vec<Vec<Item>> = Vec::with_capacity(pages.len());
    let mut page_heights = Vec::with_capacity(pages.len());
    let mut scanned_pages = Vec::new();
    let mut text_chars = 0usize;
    let mut sizes: HashMap<i64, usize> = HashMap::new();
    for (&number, &id) in &pages {
        let page = interp.page(id);
        let chars = page
            .glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty())
            .count();
        text_chars += chars;
        for g in &page.glyphs {
            *sizes.entry((g.size * 2.0).round() as i64).or_default() += 1;
        }
        let area = page.width * page.height;
        if chars < 20 && area > 0.0 && page.image_area >= 0.25 * area {
            scanned_pages.push(number);
        }
        page_heights.push(page.height);
        page_items.push(layout::page_items(&page));
    }
    let body_size = sizes
        .iter()
        .max_by_key(|(s, n)| (**n, -**s))
        .map_or(10.0, |(s, _)| *s as f64 / 2.0);

    let mut doc = Document {
        source: String::new(),
        format: Format::Pdf,
        hash: String::new(),
        metadata: metadata(&pdf, pages.len() as u32),
        blocks: Vec::new(),
        furniture: Vec::new(),
        notes: Vec::new(),
        warnings: interp.warnings.iter().cloned().collect(),
    };
    let page_numbers: Vec<u32> = pages.keys().copied().collect();

    if interp.oversized_pages > 0 {
        if text_chars == 0 {
            return Err(Error::TooLarge(
                "распакованное содержимое страницы больше допустимого".into(),
            ));
        }
        doc.warnings.push(format!(
            "страниц пропущено из-за предела распаковки: {}",
            interp.oversized_pages
        ));
    }
    let mostly_scanned = scanned_pages.len() * 2 > pages.len();
    let mut recognised = std::collections::BTreeMap::new();
    if mostly_scanned || text_chars == 0 {
        if !scanned_pages.is_empty() && ocr {
            recognised = ocr::recognise(bytes, &scanned_pages)?;
            doc.metadata.ocr = true;
        } else if mostly_scanned {
            let how = if ocr::available() {
                "запустите с --ocr, чтобы распознать текст"
            } else {
                "для распознавания установите tesseract-ocr-rus и poppler-utils и запустите с --ocr"
            };
            return Err(Error::Scanned(format!(
                "страниц без текста: {} из {}; {how}",
                scanned_pages.len(),
                pages.len()
            )));
        } else {
            return Err(Error::Empty(String::new()));
        }
    } else if !scanned_pages.is_empty() {
        doc.warnings.push(format!(
            "страницы без текстового слоя (скан): {}",
            scanned_pages
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    let furniture = furniture_marks(&page_items, &page_heights);
    for (i, items) in page_items.into_iter().enumerate() {
        let page_no = page_numbers.get(i).copied().unwrap_or(i as u32 + 1);
        for text in recognised.remove(&page_no).unwrap_or_default() {
            doc.blocks.push(Block::Paragraph {
                text,
                loc: Location {
                    page: Some(page_no),
                    ..Location::default()
                },
            });
        }
        for (j, item) in items.into_iter().enumerate() {
            let is_furniture = furniture.get(i).is_some_and(|f| f.contains(&j));
            let blocks = to_blocks(item, page_no, body_size);
            if is_furniture {
                // Anchor each running header/footer at the body block it precedes, so the
                // reading-order text can put it back where it was read.
                let anchor = doc.blocks.len() as u32;
                doc.furniture.extend(blocks.into_iter().map(|mut b| {
                    b.loc_mut().block = anchor;
                    b
                }));
            } else {
                for b in blocks {
                    push_joining(&mut doc.blocks, b);
                }
            }
        }
    }
    if interp.unmapped > 0 && doc.warnings.is_empty() {
        doc.warnings.push(format!(
            "{} знаков без сопоставления с Unicode пропущено",
            interp.unmapped
        ));
    }
    if doc.blocks.is_empty() && doc.furniture.is_empty() {
        return Err(Error::Empty(String::new()));
    }
    Ok(doc)
}

/// Turn a laid-out item into model blocks (paragraphs, headings, list items, a table).
fn to_blocks(item: Item, page: u32, body_size: f64) -> Vec<Block> {
    let loc = Location {
        page: Some(page),
        ..Location::default()
    };
    match item.kind {
        ItemKind::Table(mut t) => {
            t.loc = loc.clone();
            for row in &mut t.rows {
                for cell in &mut row.cells {
                    for b in &mut cell.blocks {
                        b.loc_mut().page = Some(page);
                    }
                }
            }
            vec![Block::Table(t)]
        }
        ItemKind::Text(paragraphs) => paragraphs
            .into_iter()
            .map(|(text, size)| {
                // Headings are short and do not end like a sentence.
                let short = text.chars().count() < 150 && !text.ends_with(['.', ';', ',']);
                if short && size >= 1.2 * body_size {
                    let level = if size >= 1.6 * body_size { 1 } else { 2 };
                    return Block::Heading {
                        level,
                        text,
                        loc: loc.clone(),
                    };
                }
                if let Some(m) = layout::marker(&text) {
                    let rest = text[m.len()..].trim_start().to_string();
                    return Block::ListItem {
                        level: 0,
                        marker: Some(m.to_string()),
                        text: rest,
                        loc: loc.clone(),
                    };
                }
                Block::Paragraph {
                    text,
                    loc: loc.clone(),
                }
            })
            .collect(),
    }
}

/// Append a block, joining a paragraph split by a page break (no final punctuation before,
/// lower-case letter after).
fn push_joining(blocks: &mut Vec<Block>, b: Block) {
    if let (
        Some(Block::Paragraph {
            text: prev,
            loc: prev_loc,
        }),
        Block::Paragraph { text, loc },
    ) = (blocks.last_mut(), &b)
    {
        let crosses = prev_loc.page.is_some() && prev_loc.page < loc.page;
        let open = !prev.ends_with(['.', ':', ';', '!', '?', '»', '"']);
        let continues = text.chars().next().is_some_and(char::is_lowercase);
        if crosses && open && continues {
            let joined = crate::text::normalize(&format!("{prev}\n{text}"));
            *prev = joined;
            return;
        }
    }
    blocks.push(b);
}

/// Indices of items that are running headers/footers: text near the top or bottom edge
/// repeated (digits ignored) on at least half of the pages, or a bare page number.
fn furniture_marks(pages: &[Vec<Item>], heights: &[f64]) -> Vec<Vec<usize>> {
    let key = |item: &Item| -> Option<String> {
        let ItemKind::Text(p) = &item.kind else {
            return None;
        };
        let text: String = p
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if text.chars().count() > 200 {
            return None;
        }
        Some(
            text.chars()
                .map(|c| if c.is_ascii_digit() { '#' } else { c })
                .collect::<String>()
                .to_lowercase(),
        )
    };
    let mut candidates: Vec<Vec<(usize, String)>> = Vec::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (i, items) in pages.iter().enumerate() {
        let h = heights.get(i).copied().unwrap_or(792.0);
        let mut here = Vec::new();
        for (j, it) in items.iter().enumerate() {
            let edge = it.bottom > 0.9 * h || it.top < 0.1 * h;
            if let (true, Some(k)) = (edge, key(it)) {
                here.push((j, k));
            }
        }
        let mut seen: Vec<&String> = here.iter().map(|(_, k)| k).collect();
        seen.sort();
        seen.dedup();
        for k in seen {
            *counts.entry(k.clone()).or_default() += 1;
        }
        candidates.push(here);
    }
    let n = pages.len();
    candidates
        .into_iter()
        .map(|here| {
            here.into_iter()
                .filter(|(_, k)| {
                    let repeated = n >= 2 && counts.get(k).is_some_and(|&c| c >= 2 && c * 2 >= n);
                    repeated || is_page_number(k)
                })
                .map(|(j, _)| j)
                .collect()
        })
        .collect()
}

fn is_page_number(key: &str) -> bool {
    let core = key
        .trim_matches(|c: char| c == '-' || c == '—' || c == '–' || c.is_whitespace())
        .replace("страница", "")
        .replace("стр.", "")
        .replace("page", "")
        .replace(" из ", "")
        .replace(" of ", "")
        .replace('/', "");
    let core = core.trim();
    !core.is_empty() && core.chars().all(|c| c == '#')
}

fn metadata(pdf: &PdfDocument, pages: u32) -> Metadata {
    let info = pdf
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| font::deref(pdf, Some(o)))
        .and_then(|o| o.as_dict().ok());
    let get = |key: &[u8]| -> Option<String> {
        let obj = info?.get(key).ok()?;
        let obj = font::deref(pdf, Some(obj))?;
        let s = match obj {
            Object::String(..) => lopdf::decode_text_string(obj).ok()?,
            _ => return None,
        };
        let s = s.trim().trim_matches('\0').to_string();
        (!s.is_empty()).then_some(s)
    };
    Metadata {
        title: get(b"Title"),
        author: get(b"Author"),
        created: get(b"CreationDate").map(|d| pdf_date(&d)),
        pages: Some(pages),
        ..Metadata::default()
    }
}

/// "D:20230105143000+03'00'" → "2023-01-05T14:30:00+03:00"; unknown shapes are kept as is.
fn pdf_date(raw: &str) -> String {
    let s = raw.strip_prefix("D:").unwrap_or(raw);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return raw.to_string();
    }
    let part = |a: usize, b: usize, def: &str| digits.get(a..b).unwrap_or(def).to_string();
    let mut out = format!(
        "{}-{}-{}",
        part(0, 4, "0000"),
        part(4, 6, "01"),
        part(6, 8, "01")
    );
    if digits.len() >= 12 {
        out.push_str(&format!(
            "T{}:{}:{}",
            part(8, 10, "00"),
            part(10, 12, "00"),
            part(12, 14, "00")
        ));
        let tz = &s[digits.len()..];
        if tz.starts_with('Z') {
            out.push('Z');
        } else if let Some(sign) = tz.chars().next().filter(|c| *c == '+' || *c == '-') {
            let tzd: String = tz.chars().filter(char::is_ascii_digit).collect();
            if tzd.len() >= 4 {
                out.push_str(&format!("{sign}{}:{}", &tzd[..2], &tzd[2..4]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_iso() {
        assert_eq!(
            pdf_date("D:20230105143000+03'00'"),
            "2023-01-05T14:30:00+03:00"
        );
        assert_eq!(pdf_date("D:20230105"), "2023-01-05");
        assert_eq!(pdf_date("вчера"), "вчера");
    }

    #[test]
    fn page_numbers_recognised() {
        assert!(is_page_number("- # -"));
        assert!(is_page_number("страница # из #"));
        assert!(!is_page_number("глава #"));
    }

    #[test]
    fn garbage_is_corrupt_not_panic() {
        let e = parse_guarded(b"%PDF-1.4\n garbage", &Limits::default(), false).unwrap_err();
        assert_eq!(e.code(), "corrupt");
    }
}
