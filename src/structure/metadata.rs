//! Metadata: title, document type, school, region and the programme's years.

use std::sync::OnceLock;

use regex::Regex;

use super::*;
use crate::model::{DocType, Document};
use crate::rules::{Rules, fold};

fn title_year_end_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // «… на 2025–2026 г.г.», «… 2024 г.», «… гг.», «… годы.», «… учебный год.»
    R.get_or_init(|| re(r"(\bг\.\s?г|\bгг|\bг|\bгод\w*|\bуч)\.$"))
}

pub(super) fn detect_title_and_type(st: &mut Structure, doc: &Document, rules: &Rules) {
    let sr = &rules.structure;
    for (i, u) in st.units.iter().enumerate().take(sr.title_blocks) {
        // A kind is looked for in the subtitle of a title without one, not in later chapters
        // («План мероприятий» of a «Программа работы с родителями»).
        if st.generic_programme && st.title_unit.is_some_and(|t| i > t + 2) {
            break;
        }
        if u.text.chars().count() > 400 || u.kind == UnitKind::ListItem {
            continue;
        }
        if sr.stamp_patterns.is_match(&u.folded) {
            continue;
        }
        // Titles do not end with a full stop; running sentences of letters and reports do.
        let year_end = title_year_end_re().is_match(&u.folded);
        if u.kind != UnitKind::Heading && u.text.ends_with('.') && !year_end {
            continue;
        }
        // A title split over two lines («ПРОГРАММА» / «развития МБОУ …») is read as one.
        let joined = fold(&title_text(&st.units, i));
        // The cue that starts earliest in the line names the document («Дорожная карта
        // реализации антирисковой программы» is a roadmap); ties go to the earlier-listed type.
        // After a programme title without its kind, a later `other` cue is a chapter heading
        // («Пояснительная записка»), not the document's kind.
        if let Some(cue) = sr
            .doc_types
            .iter()
            .filter(|c| !(st.generic_programme && c.doc_type == DocType::Other))
            .filter_map(|c| {
                c.patterns
                    .iter()
                    .filter_map(|p| p.find(&joined).map(|m| m.start()))
                    .min()
                    .map(|pos| (pos, c))
            })
            .min_by_key(|(pos, _)| *pos)
            .map(|(_, c)| c)
        {
            st.doc_type = cue.doc_type;
            st.title_unit = Some(i);
            st.title = Some(title_text(&st.units, i));
            st.generic_programme = false;
            if cue.doc_type == DocType::Roadmap {
                st.doc_type = thematic_type(&joined, rules).unwrap_or(DocType::Roadmap);
            }
            break;
        }
        // «Программа „Успешный ученик“» names no kind: remember it, keep looking, and decide
        // by the risk factors it addresses.
        if st.title_unit.is_none() && sr.generic_programme.is_match(&joined) {
            st.doc_type = DocType::DevelopmentProgramme;
            st.title_unit = Some(i);
            st.title = Some(title_text(&st.units, i));
            st.generic_programme = true;
        }
    }
    // A title typed by its subject: «Программа работы с родителями», «Комплекс мер по
    // улучшению материально-технической базы» work on the one risk factor they name.
    if st.generic_programme {
        let title = st.title.as_deref().map(fold).unwrap_or_default();
        if let Some(t) = thematic_type(&title, rules) {
            st.doc_type = t;
            st.generic_programme = false;
        }
    }
    if st.title_unit.is_none() {
        let total: usize = st.units.iter().map(|u| u.text.chars().count()).sum();
        let roadmap: usize = st
            .tables
            .iter()
            .filter(|t| t.roadmap)
            .map(|t| t.text_len)
            .sum();
        if total > 0 && roadmap as f32 >= sr.roadmap_share * total as f32 {
            st.doc_type = DocType::Roadmap;
        }
        st.title = doc
            .metadata
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| st.headings.first().map(|h| title_text(&st.units, h.unit)));
    }
}

/// The type of a title whose form is typed by its subject (`thematic_title`, not
/// `thematic_unless`): an anti-risk programme when the title names exactly one risk factor.
fn thematic_type(folded_title: &str, rules: &Rules) -> Option<DocType> {
    let sr = &rules.structure;
    if !sr.thematic_title.is_match(folded_title) || sr.thematic_unless.is_match(folded_title) {
        return None;
    }
    super::sections::heading_risk(folded_title, rules).map(|_| DocType::AntiriskProgramme)
}

/// The first non-programme sign that holds (`structure.toml` `[[non_programme]]`): enough
/// units among the first `within` (approval stamps not counted) match its patterns.
pub(super) fn find_not_programme(st: &Structure, rules: &Rules) -> Option<NotProgramme> {
    let sr = &rules.structure;
    sr.non_programme.iter().find_map(|cue| {
        let limit = cue.within.unwrap_or(usize::MAX);
        let mut hits = st
            .units
            .iter()
            .enumerate()
            .take(limit)
            .filter(|(_, u)| !sr.stamp_patterns.is_match(&u.folded))
            .filter(|(_, u)| cue.units.is_match(&u.folded))
            .map(|(i, _)| i);
        let first = hits.next()?;
        (1 + hits.count() >= cue.min_count).then(|| NotProgramme {
            kind: cue.kind.clone(),
            label: cue.label.clone(),
            unit: first,
        })
    })
}

/// The title unit's text, joined with the next short line when the title is split across lines
/// («ПРОГРАММА РАЗВИТИЯ» / «МБОУ …»).
pub(super) fn title_text(units: &[Unit], i: usize) -> String {
    let mut t = units[i].text.clone();
    if t.chars().count() < 60 {
        if let Some(next) = units.get(i + 1) {
            if next.kind != UnitKind::Cell
                && next.text.chars().count() < 160
                && !next.text.ends_with('.')
            {
                t.push(' ');
                t.push_str(&next.text);
            }
        }
    }
    t.chars().take(300).collect()
}

pub(super) fn school_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(concat!(
            r"\b(?:МБОУ|МАОУ|МКОУ|МОУ|ГБОУ|ГАОУ|ГКОУ|МБОО|МОБУ|МКОО|МАОО|ЧОУ|НОУ|ОГБОУ|КГБОУ|ОГАОУ|ГОУ|МБ\s?ОУ)",
            r"(?:\s+(?:«[^»\n]{2,90}»|\x22[^\x22\n]{2,90}\x22|[А-ЯЁA-Z][^,.;:\n«\x22()]{0,60}?(?:СОШ|ООШ|НОШ|школа|лицей|гимназия)(?:\s*№\s*\d+)?))",
            r"(?:\s*»)?",
            r"(?:\s*(?:им\.|имени)\s+[А-ЯЁ][^,.;\n«»]{2,60})?",
            r"(?:,?\s+(?:с|г|п|пгт|д|ст|х|рп|р\.п|пос|ст-ца)\.\s?[А-ЯЁ][\w-]+(?:\s[А-ЯЁ][\w-]+)?)?",
        ))
    })
}

pub(super) fn school_full_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)(?:муниципальн|государственн|частн)\w*\s+(?:бюджетн\w+\s+|казенн\w+\s+|казённ\w+\s+|автономн\w+\s+)?общеобразовательн\w+\s+(?:учреждени|организаци)\w*\s*(?:«[^»\n]{2,120}»|\x22[^\x22\n]{2,120}\x22)(?:,?\s+(?:с|г|п|пгт|д|ст|х|рп|пос)\.\s?[А-ЯЁ][\w-]+)?")
    })
}

pub(super) fn find_school(st: &Structure) -> Option<String> {
    let limit = st.units.len().min(80);
    for u in &st.units[..limit] {
        if let Some(m) = school_re().find(&u.text) {
            return Some(m.as_str().trim().trim_end_matches(',').to_string());
        }
    }
    for u in &st.units[..limit] {
        if let Some(m) = school_full_re().find(&u.text) {
            return Some(m.as_str().trim().to_string());
        }
    }
    None
}

pub(super) fn region_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(concat!(
            r"(?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?:ская|ской|ую)\s+област[ьиью]+",
            r"|Республик[аиеу]\s+[А-ЯЁ][а-яё]+(?:\s+[А-ЯЁ][а-яё]+)?",
            r"|[А-ЯЁ][а-яё]+(?:ий|ого|ом)\s+кра[йяе]",
            r"|[А-ЯЁ][а-яё]+(?:ий|ого|ом)\s+автономн\w+\s+округ\w*",
            r"|[А-ЯЁ][а-яё]+(?:ский|ского|ском|цкий|цкого)\s+(?:муниципальн\w+\s+)?район\w*",
            r"|[А-ЯЁ][а-яё]+(?:ский|ского|ском)\s+(?:муниципальн\w+|городск\w+)\s+округ\w*)"
        ))
    })
}

pub(super) fn find_region(st: &Structure) -> Option<String> {
    let limit = st.units.len().min(80);
    st.units[..limit]
        .iter()
        .find_map(|u| region_re().find(&u.text).map(|m| m.as_str().to_string()))
}

pub(super) fn years_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"\b(20[0-4]\d)\s*(?:г\.?\s*|гг\.?\s*|год\w*\s*)?(?:-|–|—|/|по|до)\s*(20[0-4]\d)\b")
    })
}

pub(super) fn single_year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)\bна\s+(20[0-4]\d)\s*(?:год|г\.)"))
}

pub(super) fn title_year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?i)\b(20[0-4]\d)\s*(?:год|г\.|уч)"))
}

pub(super) fn year_range(text: &str) -> Option<(u16, u16)> {
    years_re().captures_iter(text).find_map(|c| {
        let a = c.get(1)?.as_str().parse::<u16>().ok()?;
        let b = c.get(2)?.as_str().parse::<u16>().ok()?;
        (b > a && b - a <= 10).then_some((a, b))
    })
}

pub(super) fn find_years(st: &Structure, rules: &Rules) -> (Option<u16>, Option<u16>) {
    // The title area names the programme's years («на 2022–2024 годы», «2022 год»).
    if let Some(t) = st.title_unit {
        let area = (t..(t + 4).min(st.units.len())).filter(|&i| !in_diagnosis(st, rules, i));
        for i in area {
            let text = &st.units[i].text;
            if let Some((a, b)) = year_range(text) {
                return (Some(a), Some(b));
            }
            let y = single_year_re()
                .captures(text)
                .or_else(|| title_year_re().captures(text))
                .and_then(|c| c.get(1)?.as_str().parse::<u16>().ok());
            if y.is_some() {
                return (y, y);
            }
        }
    }
    // Then a passport row or label about terms, then the first pages outside the diagnosis
    // (which cites past years).
    let mut order: Vec<usize> = Vec::new();
    for a in &st.anchors {
        let u = &st.units[a.unit];
        if a.kind == AnchorKind::Label && u.folded[..a.text_end].contains("срок") {
            order.extend(a.body.iter().copied());
        }
    }
    order.extend((0..st.units.len().min(60)).filter(|&i| !in_diagnosis(st, rules, i)));
    for i in order {
        let text = &st.units[i].text;
        if let Some((a, b)) = year_range(text) {
            return (Some(a), Some(b));
        }
        if let Some(c) = single_year_re().captures(text) {
            let y = c.get(1).and_then(|m| m.as_str().parse::<u16>().ok());
            if y.is_some() {
                return (y, y);
            }
        }
    }
    (None, None)
}
