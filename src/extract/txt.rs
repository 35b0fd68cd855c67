//! Plain text reader: encoding detection (BOM, UTF-16/32 without BOM, UTF-8, then chardetng
//! for legacy code pages such as windows-1251, KOI8-R, IBM866) and paragraph splitting with
//! conservative heading and list detection.

use std::sync::OnceLock;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use regex::Regex;

use super::Limits;
use crate::error::{Error, Result};
use crate::model::{Block, Document, Format, Location, Metadata};
use crate::text::normalize;

pub fn read(bytes: &[u8], _limits: &Limits) -> Result<Document> {
    let (text, encoding) = decode(bytes);
    if text.contains('\0') {
        return Err(Error::Unsupported(
            "файл похож на двоичный, а не на текст".into(),
        ));
    }
    let blocks = split_blocks(&text);
    if blocks.is_empty() {
        return Err(Error::Empty("файл не содержит текста".into()));
    }
    Ok(Document {
        source: String::new(),
        format: Format::Txt,
        hash: String::new(),
        metadata: Metadata {
            encoding: Some(encoding),
            ..Metadata::default()
        },
        blocks,
        furniture: Vec::new(),
        notes: Vec::new(),
        warnings: Vec::new(),
    })
}

/// Decode text bytes and name the encoding used.
pub fn decode(bytes: &[u8]) -> (String, String) {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE, 0, 0]) {
        return (decode_utf32(rest, false), "UTF-32LE".into());
    }
    if let Some(rest) = bytes.strip_prefix(&[0, 0, 0xFE, 0xFF]) {
        return (decode_utf32(rest, true), "UTF-32BE".into());
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        let (text, _) = enc.decode_without_bom_handling(body);
        return (text.into_owned(), enc.name().to_string());
    }
    if let Some(found) = detect_wide(bytes) {
        return found;
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), UTF_8.name().to_string());
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let mut guess = detector.guess(None, false);
    // chardetng names KOI8-U for any KOI8 text; without Ukrainian letters it is KOI8-R
    // (the two agree on Russian).
    if guess == encoding_rs::KOI8_U {
        let (t, _) = guess.decode_without_bom_handling(bytes);
        if !t.contains(['і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ']) {
            guess = encoding_rs::KOI8_R;
        }
    }
    let (text, _) = guess.decode_without_bom_handling(bytes);
    if non_ascii_letter_share(&text) < 0.4 {
        return (text.into_owned(), guess.name().to_string());
    }
    // Most letters outside ASCII: the text is not in a Latin script whatever the guess says
    // (chardetng does not tell Mac Cyrillic from windows-1252). Take the Cyrillic code page
    // whose decoding has the most letters with sane letter case.
    let mut best = (cyrillic_score(&text), text.into_owned(), guess);
    for enc in [
        encoding_rs::WINDOWS_1251,
        encoding_rs::KOI8_R,
        encoding_rs::IBM866,
        encoding_rs::X_MAC_CYRILLIC,
        encoding_rs::ISO_8859_5,
    ] {
        let (t, _) = enc.decode_without_bom_handling(bytes);
        let score = cyrillic_score(&t);
        if score > best.0 + 0.01 {
            best = (score, t.into_owned(), enc);
        }
    }
    (best.1, best.2.name().to_string())
}

/// Share of letters that are not ASCII.
fn non_ascii_letter_share(text: &str) -> f64 {
    let (mut letters, mut non_ascii) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if !c.is_ascii() {
            non_ascii += 1;
        }
    }
    if letters == 0 {
        0.0
    } else {
        non_ascii as f64 / letters as f64
    }
}

/// Among non-ASCII characters: Cyrillic letters count, minus capitals inside a lower-case
/// word (the usual symptom of a wrong Cyrillic code page). Box-drawing characters count too on
/// lines that are lines of a drawn table (DOS exports draw tables with them; IBM866 has them,
/// windows-1251 reads them as letters).
fn cyrillic_score(text: &str) -> f64 {
    let (mut non_ascii, mut good) = (0usize, 0isize);
    for line in text.lines() {
        let table_line = super::boxdraw::is_table_line(line);
        let mut prev_lower = false;
        for c in line.chars() {
            if !c.is_ascii() {
                non_ascii += 1;
                if ('\u{2500}'..='\u{257F}').contains(&c) {
                    good += isize::from(table_line);
                } else if ('\u{0400}'..='\u{04FF}').contains(&c) {
                    good += if c.is_uppercase() && prev_lower {
                        -1
                    } else {
                        1
                    };
                }
            }
            prev_lower = c.is_lowercase();
        }
    }
    if non_ascii == 0 {
        0.0
    } else {
        good as f64 / non_ascii as f64
    }
}

/// UTF-16/UTF-32 without a BOM: text in these has NUL bytes (ASCII spaces and punctuation
/// at least), which real 8-bit text never has. Pick the variant whose decoding looks most
/// like text.
fn detect_wide(bytes: &[u8]) -> Option<(String, String)> {
    let sample = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or_default();
    let zeros = sample.iter().filter(|b| **b == 0).count();
    if sample.len() < 4 || zeros == 0 || zeros * 100 < sample.len() {
        return None;
    }
    let mut best: Option<(f64, String, String)> = None;
    let mut consider = |text: String, name: &str| {
        let score = plausibility(&text);
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, text, name.to_string()));
        }
    };
    if bytes.len() % 4 == 0 {
        consider(decode_utf32(bytes, false), "UTF-32LE");
        consider(decode_utf32(bytes, true), "UTF-32BE");
    }
    consider(
        UTF_16LE.decode_without_bom_handling(bytes).0.into_owned(),
        UTF_16LE.name(),
    );
    consider(
        UTF_16BE.decode_without_bom_handling(bytes).0.into_owned(),
        UTF_16BE.name(),
    );
    best.filter(|(score, _, _)| *score > 0.7)
        .map(|(_, text, name)| (text, name))
}

/// How much a decoding looks like document text: common scripts count fully, other printable
/// characters half (a wrong UTF-16 byte order turns ASCII into CJK ideographs), controls and
/// replacement characters not at all.
fn plausibility(text: &str) -> f64 {
    let mut total = 0usize;
    let mut score = 0.0;
    for c in text.chars().take(20_000) {
        total += 1;
        score += match c {
            '\n' | '\r' | '\t' => 1.0,
            '\u{FFFD}' => 0.0,
            c if c.is_control() => 0.0,
            c if (c as u32) < 0x0530 => 1.0,
            '\u{2000}'..='\u{206F}' => 1.0,
            '\u{E000}'..='\u{F8FF}' => 0.0,
            _ => 0.5,
        };
    }
    if total == 0 {
        0.0
    } else {
        score / total as f64
    }
}

fn decode_utf32(bytes: &[u8], big_endian: bool) -> String {
    bytes
        .chunks_exact(4)
        .map(|c| {
            let arr = [c[0], c[1], c[2], c[3]];
            let v = if big_endian {
                u32::from_be_bytes(arr)
            } else {
                u32::from_le_bytes(arr)
            };
            char::from_u32(v).unwrap_or('\u{FFFD}')
        })
        .collect()
}

/// Split into blocks: on blank lines when the text has them (lines inside a paragraph are
/// joined, with hyphenation repaired), otherwise one block per line.
fn split_blocks(text: &str) -> Vec<Block> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let non_empty = lines.iter().filter(|l| !l.trim().is_empty()).count();
    let blank_separated = lines
        .windows(2)
        .filter(|w| !w[0].trim().is_empty() && w[1].trim().is_empty())
        .count();
    // Paragraph mode only when blank lines really separate groups of several lines.
    let paragraph_mode = blank_separated > 0 && non_empty > blank_separated + blank_separated / 2;
    let mut groups: Vec<Vec<&str>> = Vec::new();
    if paragraph_mode {
        let mut cur: Vec<&str> = Vec::new();
        for l in &lines {
            if l.trim().is_empty() {
                if !cur.is_empty() {
                    groups.push(std::mem::take(&mut cur));
                }
            } else if super::boxdraw::is_table_line(l) {
                // A line of a drawn table is a block of its own (`boxdraw` makes the table).
                if !cur.is_empty() {
                    groups.push(std::mem::take(&mut cur));
                }
                groups.push(vec![l]);
            } else if is_list_line(l) && !cur.is_empty() {
                // A list item starts a new block even without a blank line before it.
                groups.push(std::mem::take(&mut cur));
                cur.push(l);
            } else {
                cur.push(l);
            }
        }
        if !cur.is_empty() {
            groups.push(cur);
        }
    } else if let Some(width) = hard_wrap_width(&lines) {
        groups = reflow(&lines, width);
    } else {
        groups = lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| vec![*l])
            .collect();
    }
    groups
        .into_iter()
        .filter_map(|g| {
            let single_line = g.len() == 1;
            let text = normalize(&g.join("\n"));
            (!text.is_empty()).then(|| classify(text, single_line, paragraph_mode))
        })
        .collect()
}

/// The column a text was hard-wrapped at (typewriter style, e.g. 72), when it was: many lines
/// end close to one common width of 40–100 characters. Text with one paragraph per line has
/// lengths all over the place and gives `None`.
fn hard_wrap_width(lines: &[&str]) -> Option<usize> {
    // Lines of a drawn table all have the table's width; they say nothing about wrapping.
    let mut lens: Vec<usize> = lines
        .iter()
        .filter(|l| !super::boxdraw::is_table_line(l))
        .map(|l| l.trim_end().chars().count())
        .filter(|n| *n > 0)
        .collect();
    if lens.len() < 8 {
        return None;
    }
    lens.sort_unstable();
    // The 90th percentile, so a few over-long lines (tables, URLs) do not set the width.
    let p90 = *lens.get(lens.len() * 9 / 10)?;
    // The wrap column is the longest line of that cluster: the percentile alone falls short
    // of it and would make full lines look like paragraph ends.
    let width = lens.iter().copied().filter(|n| *n <= p90 + 3).max()?;
    if !(40..=100).contains(&width) {
        return None;
    }
    let near = lens
        .iter()
        .filter(|n| **n * 100 >= width * 80 && **n <= width + 2)
        .count();
    (near * 100 >= lens.len() * 45).then_some(width)
}

/// Joins the lines of a hard-wrapped text back into paragraphs. A line continues into the next
/// when the next line's first word would not have fitted after it (so the writer's editor had
/// to wrap); blank lines, indented lines, list items and capitalised titles start a new block.
fn reflow<'a>(lines: &[&'a str], width: usize) -> Vec<Vec<&'a str>> {
    let mut groups: Vec<Vec<&'a str>> = Vec::new();
    let mut cur: Vec<&'a str> = Vec::new();
    for l in lines {
        if l.trim().is_empty() {
            if !cur.is_empty() {
                groups.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if super::boxdraw::is_table_line(l) {
            if !cur.is_empty() {
                groups.push(std::mem::take(&mut cur));
            }
            groups.push(vec![l]);
            continue;
        }
        let starts_block = is_list_line(l)
            || l.starts_with("  ")
            || l.starts_with('\t')
            || is_caps_title(l)
            || cur.last().is_some_and(|prev| {
                let first_word = l.split_whitespace().next().map_or(0, |w| w.chars().count());
                let prev_len = prev.trim_end().chars().count();
                prev_len + 1 + first_word <= width || is_caps_title(prev)
            });
        if starts_block && !cur.is_empty() {
            groups.push(std::mem::take(&mut cur));
        }
        cur.push(l);
    }
    if !cur.is_empty() {
        groups.push(cur);
    }
    groups
}

/// A short line in capitals («ЦЕЛЬ ПРОГРАММЫ»): a title, never part of a paragraph.
fn is_caps_title(line: &str) -> bool {
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4 && letters.len() <= 100 && letters.iter().all(|c| c.is_uppercase())
}

fn list_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*([-•*–—·]|\d{1,2}[.)]|[а-яa-z][)])\s+\S").expect("valid regex")
    })
}

fn numbered_heading_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+\p{Lu}").expect("valid regex"))
}

fn is_list_line(line: &str) -> bool {
    list_re().is_match(line)
}

/// Heading only when the signal is strong: a short line in capitals, or (in paragraph mode,
/// where lists are not line-per-item) a short numbered title like «2.1. Цель программы».
fn classify(text: String, single_line: bool, paragraph_mode: bool) -> Block {
    let loc = Location::default();
    let chars = text.chars().count();
    let ends_sentence = text.ends_with(['.', ';', ',', ':']);
    if single_line && chars <= 100 {
        let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) && !ends_sentence {
            return Block::Heading {
                level: 1,
                text,
                loc,
            };
        }
        if paragraph_mode
            && !ends_sentence
            && let Some(m) = numbered_heading_re().captures(&text)
        {
            let depth = m.get(1).map_or(1, |n| n.as_str().split('.').count());
            return Block::Heading {
                level: depth.clamp(1, 6) as u8,
                text,
                loc,
            };
        }
    }
    if let Some(m) = list_re().captures(&text)
        && let Some(marker) = m.get(1)
    {
        let marker_text = marker.as_str().to_string();
        let rest = text
            .get(marker.end()..)
            .unwrap_or_default()
            .trim()
            .to_string();
        return Block::ListItem {
            level: 0,
            marker: Some(if marker_text.chars().all(|c| "-*–—·".contains(c)) {
                "•".to_string()
            } else {
                marker_text
            }),
            text: rest,
            loc,
        };
    }
    Block::Paragraph { text, loc }
}
