//! Plain-text writer, as "Save as text" from Word leaves it: headings as lines, list markers,
//! table cells separated by tabs. Encodings vary like real uploads: UTF-8, UTF-8 with BOM and
//! windows-1251, with LF or CRLF line ends.

use crate::model::{Block, Program, Row};
use crate::rng::Rng;

/// Returns the bytes and the encoding name (for the manifest).
pub fn write(p: &Program, rng: &mut Rng) -> (Vec<u8>, &'static str) {
    let eol = if rng.chance(0.5) { "\r\n" } else { "\n" };
    let mut s = String::with_capacity(64 * 1024);
    for b in &p.blocks {
        match b {
            Block::Heading { text, .. } => {
                s.push_str(eol);
                s.push_str(text);
                s.push_str(eol);
                s.push_str(eol);
            }
            Block::Para(text) => {
                s.push_str(text);
                s.push_str(eol);
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    if *ordered {
                        s.push_str(&format!("{}. ", i + 1));
                    } else {
                        s.push_str("- ");
                    }
                    s.push_str(item);
                    s.push_str(eol);
                }
            }
            Block::Table(t) => {
                s.push_str(&t.header.join("\t"));
                s.push_str(eol);
                for r in &t.rows {
                    match r {
                        Row::Cells(c) => s.push_str(&c.join("\t")),
                        Row::Span(text) => s.push_str(text),
                    }
                    s.push_str(eol);
                }
                s.push_str(eol);
            }
            Block::PageBreak => s.push('\u{0C}'),
        }
    }
    match rng.range(0, 9) {
        0..=4 => (s.into_bytes(), "utf-8"),
        5 | 6 => {
            let mut v = b"\xEF\xBB\xBF".to_vec();
            v.extend_from_slice(s.as_bytes());
            (v, "utf-8")
        }
        _ => {
            let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&s);
            (bytes.into_owned(), "windows-1251")
        }
    }
}
