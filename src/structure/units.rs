//! Units: the document flattened into headings, paragraphs, list items and cell paragraphs;
//! sentence splitting, heading inference and «Метка:» anchors.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::*;
use crate::model::{Block, Location, RoadmapRow};
use crate::rules::{ContextTarget, Rules, fold};

/// Sentence ranges of `text` (byte offsets), trimmed of surrounding spaces.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(pos, c)) in chars.iter().enumerate() {
        let split = match c {
            '\n' => Some(pos),
            '.' | '!' | '?' | ';' => {
                let next = chars.get(i + 1).map(|x| x.1);
                let after = chars.get(i + 2).map(|x| x.1);
                match (next, after) {
                    (Some(n), Some(a))
                        if n.is_whitespace()
                            && !(c == '.' && no_break_before(&text[start..pos])) =>
                    {
                        if a.is_uppercase()
                            || a.is_ascii_digit()
                            || a == '«'
                            || a == '-'
                            || a == '—'
                        {
                            Some(pos + c.len_utf8())
                        } else {
                            None
                        }
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(end) = split {
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// A period after a list number («2.») or a short abbreviation («г.», «с.», «им.») does not end
/// a sentence.
pub(super) fn no_break_before(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    if before
        .trim()
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
    {
        return true;
    }
    let letters = last.chars().filter(|c| c.is_alphabetic()).count();
    // An initial («Н. А. Петрова») is one capital letter.
    let initial = letters == 1 && last.chars().all(|c| c.is_uppercase() || c == '.');
    initial || (letters > 0 && letters <= 2 && last.chars().all(|c| c.is_lowercase() || c == '.'))
}

pub(super) fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

pub(super) fn numbered_heading_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"^((?:\d{1,2}\.)+\d{0,2}\.?|\d{1,2}\))\s*(\S.*)$"))
}

pub(super) fn section_word_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)^(раздел|глава|часть|направление|блок|таблица|фактор)\s+([0-9IVXLivx]+|[а-яё]+)\b")
    })
}

pub(super) fn roman_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"^[IVXL]{1,5}\.\s+\S"))
}

pub(super) fn label_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"^([^:\n]{2,80}?):(\s+|$)"))
}

/// A label alone on its line, closed by a full stop: «Мероприятия.» above a numbered list.
fn lone_label_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"^([^:.;,\n]{2,40}?)\.$"))
}

/// A run-in heading: «Мониторинг. Ежемесячно классные руководители…».
pub(super) fn run_in_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"^([^:.;,\n]{2,40}?)\.\s+[А-ЯЁA-Z«]"))
}

/// Inferred heading level of a paragraph, or None when it reads like running text.
pub fn infer_heading_level(text: &str) -> Option<u8> {
    let t = text.trim();
    let chars = t.chars().count();
    if !(3..=160).contains(&chars) {
        return None;
    }
    let last = t.chars().last()?;
    let ends_like_sentence = matches!(last, '.' | ';' | ',') && !t.ends_with("..");
    let words = t.split_whitespace().count();
    if let Some(m) = section_word_re().captures(t) {
        let _ = m;
        if words <= 20 && !matches!(last, ';' | ',') {
            return Some(1);
        }
    }
    if roman_re().is_match(t) && words <= 16 && !ends_like_sentence {
        return Some(1);
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    if letters.len() >= 4 && upper * 10 >= letters.len() * 8 && words <= 20 {
        return Some(1);
    }
    if let Some(c) = numbered_heading_re().captures(t) {
        let num = c.get(1).map(|m| m.as_str()).unwrap_or("");
        let rest = c.get(2).map(|m| m.as_str()).unwrap_or("");
        let starts_upper = rest.chars().next().is_some_and(|c| c.is_uppercase());
        if starts_upper && !ends_like_sentence && words <= 14 && !num.ends_with(')') {
            let depth = num.split('.').filter(|p| !p.is_empty()).count().max(1);
            return Some(depth.min(6) as u8);
        }
        return None;
    }
    // A short line without final punctuation («Мероприятия», «Ожидаемые результаты») is a
    // run-in heading in plain text; it nests under numbered and upper-case headings.
    let first = t.chars().next()?;
    let plain_end = !matches!(last, '.' | ';' | ',' | ':' | '!' | '?' | ')');
    if (first.is_uppercase() || first == '«') && plain_end && words <= 8 && chars <= 90 {
        return Some(2);
    }
    None
}

/// Depth of a numbered list marker: «2.» → 1, «2.1.» → 2, «IV.» → 1; bullets → None.
pub(super) fn marker_depth(marker: &str) -> Option<u8> {
    let m = marker.trim().trim_end_matches(['.', ')']);
    if m.is_empty() {
        return None;
    }
    if m.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Some(m.split('.').filter(|p| !p.is_empty()).count().clamp(1, 6) as u8);
    }
    if m.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L')) {
        return Some(1);
    }
    None
}

/// Numbered list items that are really headings («1. Цель», «2. Дефицит педагогических кадров»
/// followed by text): short, no final punctuation, and either very short or followed by prose.
pub(super) fn promote_list_headings(units: &mut [Unit], headings: &mut Vec<Heading>) {
    for i in 0..units.len() {
        let Some(depth) = units[i].numbered else {
            continue;
        };
        if units[i].kind != UnitKind::ListItem {
            continue;
        }
        let t = units[i].text.trim();
        let words = t.split_whitespace().count();
        let last = t.chars().last().unwrap_or('.');
        let starts_upper = t.chars().next().is_some_and(|c| c.is_uppercase());
        if !starts_upper || matches!(last, '.' | ';' | ',' | ':' | '!' | '?') || words > 14 {
            continue;
        }
        // A next line starting in lower case or with «(» continues an item broken by layout.
        let next = units.get(i + 1);
        let continued = next.is_some_and(|n| {
            n.kind == UnitKind::Paragraph
                && n.text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase() || c == '(')
        });
        let next_is_prose = next.is_some_and(|n| n.kind == UnitKind::Paragraph) && !continued;
        if !continued && (words <= 6 || next_is_prose) {
            units[i].kind = UnitKind::Heading;
            headings.push(Heading {
                unit: i,
                level: depth,
                end: i,
            });
        }
    }
    headings.sort_by_key(|h| h.unit);
}

pub(super) struct Builder<'a> {
    pub(super) rules: &'a Rules,
    pub(super) units: Vec<Unit>,
    pub(super) headings: Vec<Heading>,
    pub(super) anchors: Vec<Anchor>,
    pub(super) tables: Vec<TableInfo>,
    pub(super) roadmap_rows: Vec<RoadmapRow>,
    pub(super) current_page: Option<u32>,
}

impl Builder<'_> {
    pub(super) fn push(&mut self, text: &str, loc: Location, kind: UnitKind) -> Option<usize> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let mut loc = loc;
        if loc.page.is_none() {
            loc.page = self.current_page;
        }
        self.units.push(Unit {
            numbered: None,
            label: false,
            sentences: sentences(t),
            text: t.to_string(),
            folded: fold(t),
            loc,
            kind,
            table: None,
            row: None,
            column: None,
        });
        Some(self.units.len() - 1)
    }

    pub(super) fn block(&mut self, b: &Block) {
        if let Some(p) = b.loc().page {
            self.current_page = Some(p);
        }
        match b {
            Block::Heading { level, text, loc } => {
                if let Some(u) = self.push(text, loc.clone(), UnitKind::Heading) {
                    self.headings.push(Heading {
                        unit: u,
                        level: (*level).max(1),
                        end: u,
                    });
                }
            }
            Block::Paragraph { text, loc } => match infer_heading_level(text) {
                Some(level) => {
                    if let Some(u) = self.push(text, loc.clone(), UnitKind::Heading) {
                        self.headings.push(Heading {
                            unit: u,
                            level,
                            end: u,
                        });
                    }
                }
                None => {
                    self.push(text, loc.clone(), UnitKind::Paragraph);
                }
            },
            Block::ListItem {
                text, loc, marker, ..
            } => {
                if let Some(u) = self.push(text, loc.clone(), UnitKind::ListItem) {
                    self.units[u].numbered = marker.as_deref().and_then(marker_depth);
                }
            }
            Block::Table(t) => self.table(t),
            Block::PageBreak { .. } => {}
        }
    }
}

/// Paragraphs and list items with a sentence that states the programme's goal (the goal's
/// text rules match and none of their sentence-level exclusions holds).
pub(super) fn goal_statement_units(units: &[Unit], rules: &Rules) -> Vec<usize> {
    let Some(goal) = rules.element(crate::model::Element::Goal) else {
        return Vec::new();
    };
    let text_rules: Vec<&crate::rules::Rule> = goal
        .rules
        .iter()
        .filter(|r| r.scope == crate::rules::Scope::Text)
        .collect();
    units
        .iter()
        .enumerate()
        .filter(|(_, u)| matches!(u.kind, UnitKind::Paragraph | UnitKind::ListItem))
        .filter(|(_, u)| {
            u.sentences.iter().any(|s| {
                let f = u.folded.get(s.clone()).unwrap_or("");
                text_rules.iter().any(|r| {
                    r.matches(f)
                        && !r.exclude.iter().any(|&ci| {
                            rules
                                .contexts
                                .get(ci)
                                .is_some_and(|c| c.target == ContextTarget::Sentence && c.holds(f))
                        })
                })
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// «Цель программы: …» and «Задачи:» paragraphs followed by a list.
pub(super) fn label_anchors(units: &[Unit], anchors: &mut Vec<Anchor>) {
    for (i, u) in units.iter().enumerate() {
        if u.kind != UnitKind::Paragraph && u.kind != UnitKind::ListItem {
            continue;
        }
        let starts_upper = |l: &str| {
            l.trim_start_matches(|ch: char| !ch.is_alphabetic())
                .chars()
                .next()
                .is_some_and(|ch| ch.is_uppercase())
        };
        let fits = |m: &regex::Match, max_words: usize| {
            m.as_str().split_whitespace().count() <= max_words && starts_upper(m.as_str())
        };
        // «Цель программы: …», else a run-in «Показатели. Доля …: 71 %» (whose colon comes
        // late), else a lone «Мероприятия.» line that introduces what follows.
        let label = label_re()
            .captures(&u.text)
            .and_then(|c| c.get(1))
            .filter(|m| fits(m, 8))
            .or_else(|| {
                run_in_re()
                    .captures(&u.text)
                    .and_then(|c| c.get(1))
                    .filter(|m| fits(m, 3))
            })
            .or_else(|| {
                lone_label_re()
                    .captures(&u.text)
                    .and_then(|c| c.get(1))
                    .filter(|m| fits(m, 4))
            });
        let Some(label) = label else { continue };
        let inline = u.text.get(label.end() + 1..).unwrap_or("").trim();
        let mut body = Vec::new();
        if !inline.is_empty() {
            body.push(i);
            for (j, v) in units.iter().enumerate().skip(i + 1).take(40) {
                // List items, and lines that continue a sentence broken by the layout.
                let continues = v.kind == UnitKind::Paragraph
                    && v.text.chars().next().is_some_and(|c| c.is_lowercase());
                if v.kind == UnitKind::ListItem || continues {
                    body.push(j);
                } else {
                    break;
                }
            }
        } else {
            for (j, v) in units.iter().enumerate().skip(i + 1).take(60) {
                if v.kind == UnitKind::Heading {
                    break;
                }
                if v.kind == UnitKind::Paragraph
                    && label_re().is_match(&v.text)
                    && v.text.len() < 200
                {
                    break;
                }
                body.push(j);
            }
        }
        anchors.push(Anchor {
            kind: AnchorKind::Label,
            unit: i,
            text_end: label.end(),
            body,
        });
    }
}

fn passport_label_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"^\W*(наименовани|названи|цел[ьи]|основн\w+\s+(цел|иде)|миссия|задач|срок|этап|основани|разработчик|исполнител|координатор|руководител|ожидаем|показател|индикатор|критери|контрол|мониторинг|финансир|ресурс|целев\w+\s+(групп|показател|индикатор))")
    })
}

/// A passport table read labels first («Наименование программы», «Цель программы», «Задачи
/// программы», «Сроки реализации», then the values in the same order), as PDF and DOCX
/// exports of two-column tables often come out: the k-th value after a run of passport labels
/// is the body of the k-th label.
pub(super) fn labels_first_anchors(units: &[Unit], anchors: &mut Vec<Anchor>) {
    let is_label = |u: &Unit| {
        let t = u.text.trim();
        let words = t.split_whitespace().count();
        u.kind != UnitKind::Cell
            && u.kind != UnitKind::ListItem
            && (1..=6).contains(&words)
            && t.chars().count() <= 60
            && !t.ends_with(['.', ';', ',', ':'])
            && !t.chars().any(|c| c.is_ascii_digit())
            && passport_label_re().is_match(&u.folded)
    };
    let mut i = 0;
    while i < units.len() {
        let run = units[i..].iter().take_while(|u| is_label(u)).count();
        if run < 3 {
            i += 1;
            continue;
        }
        let values: Vec<usize> = (i + run..units.len())
            .take_while(|&j| {
                let v = &units[j];
                // A numbered chapter heading («2. Обоснование») closes the passport.
                let chapter =
                    v.kind == UnitKind::Heading && numbered_heading_re().is_match(&v.text);
                !(chapter || is_label(v))
            })
            .take(run)
            .collect();
        for (k, &v) in values.iter().enumerate() {
            let lu = i + k;
            anchors.push(Anchor {
                kind: AnchorKind::Label,
                unit: lu,
                text_end: units[lu].text.len(),
                body: vec![v],
            });
        }
        i += run;
    }
}

/// A plan whose first row analyses a survey or a diagnostic («Анализ результатов
/// анкетирования», «Входная диагностика») starts from the current state: that row's action
/// is diagnosis, not the analysis or monitoring step (the `opening_row` context says which
/// actions).
pub(super) fn mark_opening_rows(
    units: &[Unit],
    tables: &[TableInfo],
    rules: &Rules,
    section_contexts: &mut [Option<Vec<bool>>],
) {
    let (Some(opening), Some(flags)) = (
        rules.context("opening_row"),
        rules
            .contexts
            .iter()
            .position(|c| c.id == "diagnosis")
            .and_then(|ci| section_contexts.get_mut(ci))
            .and_then(|f| f.as_mut()),
    ) else {
        return;
    };
    for (ui, u) in units.iter().enumerate() {
        let Some(t) = u.table.and_then(|t| tables.get(t)) else {
            continue;
        };
        let first_data = t.header_row.map(|h| h + 1).unwrap_or(0);
        let action = t.columns.iter().any(|(_, name, role)| {
            *role == Some(ColumnRole::Action) && u.column.as_deref() == Some(name.as_str())
        });
        if t.roadmap && u.row == Some(first_data) && action && opening.holds(&u.folded) {
            if let Some(f) = flags.get_mut(ui) {
                *f = true;
            }
        }
    }
}
