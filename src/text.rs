//! Text normalisation shared by all extractors: NFC, unified quotes/dashes/spaces, soft hyphens
//! removed, words hyphenated across line breaks joined, look-alike letters inside Cyrillic words
//! («ѐ» for «ё», Latin «o» in «мoниторинг») replaced by the Cyrillic ones. Keeps «ё» (folding is
//! the index's job).

use unicode_normalization::UnicodeNormalization;

/// Normalise one paragraph of extracted text. Line breaks inside the paragraph become spaces
/// unless they end a hyphenated word part («мони-\nторинг» → «мониторинг»). Words that mix
/// Cyrillic letters with Latin look-alikes (or with «ѐ», «ë», typed for «ё» by some fonts and
/// converters) are spelt in Cyrillic, so rules and the index see one spelling.
pub fn normalize(input: &str) -> String {
    if is_plain(input) {
        return input.to_string();
    }
    normalize_slow(input)
}

/// True when `normalize` would return `s` unchanged for a simple reason: only printable ASCII
/// and basic Cyrillic (U+0400–U+047F, NFC as they stand), single spaces, none at the ends, no
/// look-alike to replace (a Latin letter touching a Cyrillic one, «Ѐ ѐ Ѝ ѝ»).
/// Most paragraphs of a Russian document are like this, and a byte scan is all they need.
fn is_plain(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut prev_space = true;
    // What the previous character was: a Latin letter, a Cyrillic letter, or anything else.
    let mut prev_latin = false;
    let mut prev_cyrillic = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b' ' if prev_space => return false,
            b' ' => {
                prev_space = true;
                prev_latin = false;
                prev_cyrillic = false;
            }
            b'a'..=b'z' | b'A'..=b'Z' => {
                if prev_cyrillic {
                    return false;
                }
                prev_space = false;
                prev_latin = true;
            }
            0x21..=0x7E => {
                prev_space = false;
                prev_latin = false;
                prev_cyrillic = false;
            }
            0xD0 | 0xD1 => {
                // U+0400 Ѐ, U+040D Ѝ (D0 80, D0 8D) and U+0450 ѐ, U+045D ѝ (D1 90, D1 9D).
                let next = bytes.get(i + 1).copied().unwrap_or(0);
                if prev_latin || matches!((b, next), (0xD0, 0x80 | 0x8D) | (0xD1, 0x90 | 0x9D)) {
                    return false;
                }
                prev_space = false;
                prev_latin = false;
                prev_cyrillic = true;
            }
            // Continuation bytes of the two-byte Cyrillic letters accepted above.
            0x80..=0xBF => {}
            _ => return false,
        }
    }
    !prev_space || s.is_empty()
}

fn normalize_slow(input: &str) -> String {
    // Nearly all text is NFC already; the quick check costs a fraction of composing it.
    let nfc: std::borrow::Cow<str> = match unicode_normalization::is_nfc_quick(input.chars()) {
        unicode_normalization::IsNormalized::Yes => std::borrow::Cow::Borrowed(input),
        _ => std::borrow::Cow::Owned(input.nfc().collect()),
    };
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
    respell_lookalikes(&collapse_spaces(&out))
}

/// The Cyrillic letter a look-alike stands for inside a Cyrillic word: Latin letters drawn the
/// same (a, c, e, o, p, x, y, k; A, B, C, E, H, K, M, O, P, T, X, Y), «ë» and the
/// grave-accented «ѐ ѝ» that some fonts and converters put for «ё» and «й».
fn cyrillic_for(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        'k' => 'к',
        'A' => 'А',
        'B' => 'В',
        'C' => 'С',
        'E' => 'Е',
        'H' => 'Н',
        'K' => 'К',
        'M' => 'М',
        'O' => 'О',
        'P' => 'Р',
        'T' => 'Т',
        'X' => 'Х',
        'Y' => 'У',
        'ë' | 'ѐ' => 'ё',
        'Ë' | 'Ѐ' => 'Ё',
        'ѝ' => 'й',
        'Ѝ' => 'Й',
        _ => return None,
    })
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}') && c.is_alphabetic()
}

/// Respell words (maximal runs of letters) that hold at least one Cyrillic letter and whose
/// every other letter is a look-alike. A word with a genuine Latin letter («Zoomконференция»)
/// and an all-Latin word («PC», «Noël») stay as they are; «ѐ ѝ» are respelt anywhere, since
/// Russian text never uses them.
fn respell_lookalikes(s: &str) -> String {
    let needs = s.chars().any(|c| matches!(c, 'ѐ' | 'Ѐ' | 'ѝ' | 'Ѝ'))
        || s.chars().zip(s.chars().skip(1)).any(|(a, b)| {
            (is_cyrillic(a) && cyrillic_for(b).is_some())
                || (cyrillic_for(a).is_some() && is_cyrillic(b))
        });
    if !needs {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        // «ѐ ѝ» are Cyrillic and become «ё й» anyway, so they count.
        let has_cyrillic = word.chars().any(is_cyrillic);
        let foreign = word
            .chars()
            .any(|c| c.is_alphabetic() && !is_cyrillic(c) && cyrillic_for(c).is_none());
        for c in word.chars() {
            let grave = matches!(c, 'ѐ' | 'Ѐ' | 'ѝ' | 'Ѝ');
            match cyrillic_for(c) {
                Some(r) if grave || (has_cyrillic && !foreign) => out.push(r),
                _ => out.push(c),
            }
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_alphabetic() || is_combining(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Combining marks stay inside their word (NFC leaves some, e.g. an accent over «о»).
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// True when `s` ends with a letter followed by '-' (a word split by line-break hyphenation).
fn ends_with_hyphenated_part(s: &str) -> bool {
    let mut rev = s.chars().rev();
    rev.next() == Some('-') && rev.next().is_some_and(char::is_alphabetic)
}

/// Character-level similarity of two texts in [0, 1] after collapsing whitespace:
/// `1 - levenshtein(a, b) / max(len(a), len(b))`, counted in chars; 1.0 for equal texts.
/// Uses a bit-parallel Levenshtein (Hyyrö, via rapidfuzz), fast enough for whole documents.
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = collapse_whitespace(a).chars().collect();
    let b: Vec<char> = collapse_whitespace(b).chars().collect();
    let max_len = a.len().max(b.len());
    if max_len == 0 {
        return 1.0;
    }
    // The hint makes rapidfuzz search a Ukkonen band that doubles until it holds the answer,
    // so similar texts cost O(n·d/64) instead of O(n²/64). The distance is at least the
    // length difference, so the band starts there.
    let hint = a.len().abs_diff(b.len()) + 64;
    let args = rapidfuzz::distance::levenshtein::Args::default().score_hint(hint);
    let dist = rapidfuzz::distance::levenshtein::distance_with_args(
        a.iter().copied(),
        b.iter().copied(),
        &args,
    );
    1.0 - dist as f64 / max_len as f64
}

/// Every run of whitespace becomes one space; leading and trailing whitespace is dropped.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
    use super::{collapse_whitespace, cyrillic_for, normalize, normalize_slow, similarity};

    #[test]
    fn plain_text_fast_path_matches_the_full_normalisation() {
        for s in [
            "Цель программы: повысить качество образования.",
            "Ёлка и ель — 2025 г.",
            " ведущий пробел",
            "хвостовой пробел ",
            "два  пробела",
            "мони-\nторинг",
            "таб\tуляция",
            "неразрывный\u{a0}пробел",
            "й и й",
            "«кавычки» и “кавычки”",
            "Татарский: әни",
            "",
        ] {
            assert_eq!(normalize(s), normalize_slow(s), "{s:?}");
        }
    }

    fn naive_levenshtein(a: &[char], b: &[char]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                let subst = prev[j] + usize::from(ca != cb);
                cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    fn naive_similarity(a: &str, b: &str) -> f64 {
        let a: Vec<char> = collapse_whitespace(a).chars().collect();
        let b: Vec<char> = collapse_whitespace(b).chars().collect();
        let max_len = a.len().max(b.len());
        if max_len == 0 {
            return 1.0;
        }
        1.0 - naive_levenshtein(&a, &b) as f64 / max_len as f64
    }

    /// Small deterministic xorshift generator so the test needs no extra crate.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn text(&mut self, alphabet: &[char], max_len: u64) -> String {
            let len = self.next() % (max_len + 1);
            (0..len)
                .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
                .collect()
        }
    }

    #[test]
    fn similarity_matches_naive_levenshtein() {
        let alphabet = ['а', 'б', 'ё', 'x', ' ', '\n', 'Я', '1'];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2000 {
            // Lengths beyond 64 exercise the multi-word (blocked) bit-parallel path.
            let a = rng.text(&alphabet, 150);
            let b = if rng.next() % 3 == 0 {
                let mut b = a.clone();
                b.push_str(&rng.text(&alphabet, 5));
                b
            } else {
                rng.text(&alphabet, 150)
            };
            let fast = similarity(&a, &b);
            let slow = naive_similarity(&a, &b);
            assert!(
                (fast - slow).abs() < 1e-12,
                "{a:?} vs {b:?}: {fast} != {slow}"
            );
        }
    }

    #[test]
    fn similarity_matches_naive_levenshtein_on_long_similar_texts() {
        // Long texts with a few edits take the banded path (band narrower than the text).
        let alphabet = ['м', 'о', 'н', 'и', ' ', 'т', 'р', 'г'];
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for _ in 0..200 {
            let a: Vec<char> = rng.text(&alphabet, 600).chars().collect();
            let mut b = a.clone();
            for _ in 0..(rng.next() % 80) {
                let pos = (rng.next() % (b.len() as u64 + 1)) as usize;
                let c = alphabet[(rng.next() % alphabet.len() as u64) as usize];
                match rng.next() % 3 {
                    0 => b.insert(pos, c),
                    1 if pos < b.len() => {
                        b.remove(pos);
                    }
                    _ if pos < b.len() => b[pos] = c,
                    _ => b.push(c),
                }
            }
            let (a, b): (String, String) = (a.into_iter().collect(), b.into_iter().collect());
            let fast = similarity(&a, &b);
            let slow = naive_similarity(&a, &b);
            assert!((fast - slow).abs() < 1e-12, "{fast} != {slow}");
        }
    }

    #[test]
    fn similarity_basics() {
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("мониторинг", "мониторинг"), 1.0);
        assert_eq!(similarity("а  б\n\nв ", " а б в"), 1.0);
        assert_eq!(similarity("абвг", ""), 0.0);
        assert!((similarity("кот", "кит") - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn similarity_is_fast_on_long_texts() {
        // 150k characters with scattered edits: must finish in well under a second when
        // bit-parallel (a quadratic algorithm would need ~2·10^10 steps). No timing asserted.
        let base: String = "Цель программы — повышение качества образования. "
            .repeat(3000)
            .chars()
            .take(150_000)
            .collect();
        let mut edited: Vec<char> = base.chars().collect();
        for i in (0..edited.len()).step_by(97) {
            edited[i] = 'ж';
        }
        let edited: String = edited.into_iter().collect();
        let s = similarity(&base, &edited);
        assert!(s > 0.98 && s < 1.0, "{s}");
    }

    #[test]
    fn lookalikes_inside_cyrillic_words_are_respelt() {
        assert_eq!(normalize("Учѐт и отчѐт"), "Учёт и отчёт");
        assert_eq!(normalize("ЁЛКА и ЀЛКА"), "ЁЛКА и ЁЛКА");
        assert_eq!(normalize("мoниторинг и aнализ"), "мониторинг и анализ");
        assert_eq!(normalize("OBЗ, Цeль: пoвысить"), "ОВЗ, Цель: повысить");
        assert_eq!(normalize("учёт: ещë раз"), "учёт: ещё раз");
        assert_eq!(normalize("занятиѝ"), "занятий");
        // Latin words, words with a genuine Latin letter and ё outside Russian words stay.
        assert_eq!(normalize("PC и OK"), "PC и OK");
        assert_eq!(normalize("Zoomконференция"), "Zoomконференция");
        assert_eq!(
            normalize("Noël, e-mail, Wi-Fi-зона"),
            "Noël, e-mail, Wi-Fi-зона"
        );
        assert_eq!(normalize("3D-принтер, 10a"), "3D-принтер, 10a");
    }

    /// Property: respelling never changes the length in chars, leaves no look-alike next to a
    /// Cyrillic letter in a word without foreign letters, is idempotent, and agrees with the
    /// fast path.
    #[test]
    fn lookalike_respelling_properties() {
        let alphabet = [
            'а', 'о', 'ё', 'ѐ', 'ѝ', 'м', 'Ж', 'a', 'o', 'e', 'ë', 'C', 'z', 'Q', ' ', '-', '1',
            '\n', '.',
        ];
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        for _ in 0..3000 {
            let s = rng.text(&alphabet, 40);
            let once = normalize(&s);
            assert_eq!(normalize(&once), once, "{s:?}");
            assert_eq!(normalize(&once), normalize_slow(&once), "{once:?}");
            assert!(!once.contains(['ѐ', 'ѝ']), "{s:?} → {once:?}");
            for word in once.split(|c: char| !c.is_alphabetic()) {
                let cyr = word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
                let foreign = word
                    .chars()
                    .any(|c| !('\u{0400}'..='\u{04FF}').contains(&c) && cyrillic_for(c).is_none());
                if cyr && !foreign {
                    assert!(
                        word.chars().all(|c| cyrillic_for(c).is_none()),
                        "{s:?} → {once:?}: «{word}»"
                    );
                }
            }
            // Respelling maps one char to one char: hyphenation and spaces aside, nothing moves.
            let plain: String = s
                .chars()
                .filter(|c| !matches!(c, ' ' | '\n' | '-'))
                .collect();
            let plain_out: String = once.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            assert_eq!(plain.chars().count(), plain_out.chars().count(), "{s:?}");
        }
    }

    #[test]
    fn joins_line_break_hyphenation_and_unifies() {
        assert_eq!(normalize("мони-\nторинг"), "мониторинг");
        assert_eq!(normalize("Санкт-\nПетербург"), "Санкт-Петербург");
        assert_eq!(normalize("«Цель»\u{00A0}– это\u{00AD}то"), "«Цель» — этото");
        assert_eq!(normalize("  ёлка \r\n  растёт  "), "ёлка растёт");
        assert_eq!(normalize("\u{201C}x\u{201D}"), "\"x\"");
    }
}
