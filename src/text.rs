//! Text normalisation shared by all extractors: NFC, unified quotes/dashes/spaces, soft hyphens
//! removed, words hyphenated across line breaks joined. Keeps «ё» (folding is the index's job).

use unicode_normalization::UnicodeNormalization;

/// Normalise one paragraph of extracted text. Line breaks inside the paragraph become spaces
/// unless they end a hyphenated word part («мони-\nторинг» → «мониторинг»).
pub fn normalize(input: &str) -> String {
    let nfc: String = input.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut chars = nfc.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{00AD}' | '\u{200B}' | '\u{FEFF}' | '\u{200C}' | '\u{200D}' | '\u{2060}' => {}
            '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' | '\u{200A}' | '\u{2002}'
            | '\u{2003}' | '\u{2004}' | '\u{2005}' | '\u{2006}' | '\u{2008}' | '\u{3000}'
            | '\t' => out.push(' '),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => out.push('"'),
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => out.push('\''),
            '\u{2010}' | '\u{2011}' => out.push('-'),
            '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => out.push('—'),
            '\r' | '\n' | '\u{2028}' | '\u{2029}' | '\u{000B}' | '\u{000C}' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if ends_with_hyphenated_part(&out) {
                    // A lower-case continuation is a split word; otherwise a real hyphen stays.
                    if chars.peek().is_some_and(|n| n.is_lowercase()) {
                        out.pop();
                    }
                    while chars.peek().is_some_and(|n| *n == ' ' || *n == '\t') {
                        chars.next();
                    }
                } else {
                    out.push(' ');
                }
            }
            _ => out.push(c),
        }
    }
    collapse_spaces(&out)
}

/// True when `s` ends with a letter followed by '-' (a word split by line-break hyphenation).
fn ends_with_hyphenated_part(s: &str) -> bool {
    let mut rev = s.chars().rev();
    rev.next() == Some('-') && rev.next().is_some_and(char::is_alphabetic)
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_space = true;
    for c in s.chars() {
        if c == ' ' {
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
        } else {
            out.push(c);
            prev_space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn joins_line_break_hyphenation_and_unifies() {
        assert_eq!(normalize("мони-\nторинг"), "мониторинг");
        assert_eq!(normalize("Санкт-\nПетербург"), "Санкт-Петербург");
        assert_eq!(normalize("«Цель»\u{00A0}– это\u{00AD}то"), "«Цель» — этото");
        assert_eq!(normalize("  ёлка \r\n  растёт  "), "ёлка растёт");
        assert_eq!(normalize("\u{201C}x\u{201D}"), "\"x\"");
    }
}
