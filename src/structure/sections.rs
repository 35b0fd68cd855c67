//! Sections: element sections by heading and by table row, and the risk factors addressed.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::*;
use crate::model::{DocType, RiskFactor};
use crate::rules::{Rules, fold};

/// The risk factor a heading is about, when exactly one matches.
pub(super) fn heading_risk(folded: &str, rules: &Rules) -> Option<RiskFactor> {
    let found: Vec<RiskFactor> = rules
        .risks
        .iter()
        .filter(|r| r.find(folded).is_some())
        .map(|r| r.risk)
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

pub(super) fn in_diagnosis(st: &Structure, rules: &Rules, unit: usize) -> bool {
    rules
        .contexts
        .iter()
        .enumerate()
        .any(|(ci, c)| c.id == "diagnosis" && st.section_context(ci, unit))
}

pub(super) fn find_sections(st: &Structure, rules: &Rules) -> Vec<Section> {
    let after_title = st.title_unit.map(|t| t + 1).unwrap_or(0);
    let risk_heads: Vec<(usize, RiskFactor)> = st
        .headings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.unit >= after_title && !in_diagnosis(st, rules, h.unit))
        .filter_map(|(hi, h)| heading_risk(&st.units[h.unit].folded, rules).map(|r| (hi, r)))
        .collect();
    let mut sections = Vec::new();
    for (k, &(hi, risk)) in risk_heads.iter().enumerate() {
        let h = &st.headings[hi];
        let next_risk = risk_heads.get(k + 1).map(|&(j, _)| st.headings[j].unit);
        let mut end = next_risk.unwrap_or(st.units.len());
        for other in &st.headings[hi + 1..] {
            if other.unit >= end {
                break;
            }
            let text = &st.units[other.unit].folded;
            let closes = other.level < h.level
                || (other.level == h.level
                    && (text.contains("программ")
                        || !is_element_subheading(text, rules)
                        || covers_all_directions(st, other.unit)));
            if closes {
                end = other.unit;
                break;
            }
        }
        let u = &st.units[h.unit];
        sections.push(Section {
            title: u.text.clone(),
            risk: Some(risk),
            units: h.unit..end,
            location: u.loc.clone(),
        });
    }
    if sections.is_empty() {
        sections = table_row_sections(st, rules);
    }
    sections
}

pub(super) fn goal_word_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"\bцел(ь|и)\b"))
}

pub(super) fn all_directions_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"\b(вс[еи]\w*|обо(им|их)|обе(им|их)|кажд\w+|друг\w+)\s+([\w-]+\s+)?(направлени|раздел|фактор|риск)")
    })
}

/// A chapter whose first paragraph says it covers every direction («По обоим направлениям…»,
/// «для всех факторов риска») is programme-wide even when its heading names only an element.
pub(super) fn covers_all_directions(st: &Structure, heading: usize) -> bool {
    st.units
        .iter()
        .skip(heading + 1)
        .find(|u| u.kind != UnitKind::Heading)
        .is_some_and(|u| all_directions_re().is_match(&u.folded))
}

/// Sections laid out as table rows: a «Фактор риска» column names the risk of each row and the
/// other columns hold the elements.
pub(super) fn table_row_sections(st: &Structure, rules: &Rules) -> Vec<Section> {
    let mut sections = Vec::new();
    for (ti, t) in st.tables.iter().enumerate() {
        let Some(risk_col) = t.columns.iter().find(|c| {
            let f = fold(&c.1);
            f.contains("риск") || f.contains("фактор") || f.contains("направлени")
        }) else {
            continue;
        };
        let mut rows: Vec<(usize, Range<usize>)> = Vec::new();
        for (i, u) in st.units.iter().enumerate() {
            if u.table != Some(ti) {
                continue;
            }
            let Some(r) = u.row else { continue };
            if t.header_row.is_some_and(|h| r <= h) {
                continue;
            }
            match rows.last_mut() {
                Some((row, range)) if *row == r => range.end = i + 1,
                _ => rows.push((r, i..i + 1)),
            }
        }
        for (_, range) in rows {
            let title_unit = range
                .clone()
                .find(|&i| st.units[i].column.as_deref() == Some(risk_col.1.as_str()));
            let Some(tu) = title_unit else { continue };
            if let Some(risk) = heading_risk(&st.units[tu].folded, rules) {
                sections.push(Section {
                    title: st.units[tu].text.clone(),
                    risk: Some(risk),
                    units: range,
                    location: st.units[tu].loc.clone(),
                });
            }
        }
    }
    sections
}

/// A short heading naming a cycle element («Цель», «Задачи», «Показатели»…) that continues the
/// current risk section rather than closing it.
pub(super) fn is_element_subheading(folded: &str, rules: &Rules) -> bool {
    if folded.split_whitespace().count() > 8 {
        return false;
    }
    rules.elements.iter().any(|e| {
        e.rules
            .iter()
            .any(|r| matches!(r.scope, crate::rules::Scope::Anchor { .. }) && r.matches(folded))
    })
}

pub(super) fn find_risks(st: &Structure, rules: &Rules) -> Vec<RiskFactor> {
    let sr = &rules.structure;
    let mut scores = [0f32; 10];
    let label_units: std::collections::BTreeSet<usize> = st
        .anchors
        .iter()
        .filter(|a| a.kind == AnchorKind::Label)
        .map(|a| a.unit)
        .collect();
    // Text under «Цель», «Задачи», «Мероприятия»… is what the programme addresses.
    let core_units: std::collections::BTreeSet<usize> = st
        .anchors
        .iter()
        .filter(|a| is_element_subheading(&st.units[a.unit].folded[..a.text_end], rules))
        .flat_map(|a| a.body.iter().copied())
        .collect();
    let not_programme = st.doc_type == DocType::Other;
    for (i, u) in st.units.iter().enumerate() {
        let diagnosis = in_diagnosis(st, rules, i);
        let strong = !diagnosis
            && (u.kind == UnitKind::Heading
                || Some(i) == st.title_unit
                || label_units.contains(&i));
        for s in &u.sentences {
            let folded = &u.folded[s.clone()];
            if !rules.risk_gate.is_match(folded) {
                continue;
            }
            let named = sr.risk_named_patterns.is_match(folded);
            for r in &rules.risks {
                let Some((start, _)) = r.find(folded) else {
                    continue;
                };
                let quoted =
                    folded[..start].matches('«').count() > folded[..start].matches('»').count();
                let weight = if named || quoted {
                    sr.risk_named_weight
                } else if not_programme {
                    // A report or an order only «addresses» risk factors it names as such.
                    0.0
                } else if strong {
                    sr.risk_heading_weight
                } else if diagnosis {
                    0.0
                } else if core_units.contains(&i) {
                    sr.risk_core_weight
                } else {
                    sr.risk_text_weight
                };
                let idx = RiskFactor::ALL
                    .iter()
                    .position(|x| *x == r.risk)
                    .unwrap_or(0);
                scores[idx] += weight;
            }
        }
    }
    let max = scores.iter().copied().fold(0f32, f32::max);
    let mut out: Vec<RiskFactor> = RiskFactor::ALL
        .iter()
        .zip(scores.iter())
        .filter(|(_, s)| **s >= sr.risk_threshold && **s >= sr.risk_relative * max)
        .map(|(r, _)| *r)
        .collect();
    match st.doc_type {
        DocType::MediumTermProgramme if !st.sections.is_empty() => {
            out = st.sections.iter().filter_map(|s| s.risk).collect();
            out.sort();
            out.dedup();
        }
        DocType::AntiriskProgramme => {
            // One risk factor per anti-risk programme: the one named in its title, else the
            // strongest.
            let in_title = st.title_unit.and_then(|t| {
                heading_risk(
                    &title_text(&st.units, t).to_lowercase().replace('ё', "е"),
                    rules,
                )
            });
            let best = RiskFactor::ALL
                .iter()
                .zip(scores.iter())
                .filter(|(_, s)| **s > 0.0)
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(r, _)| *r);
            out = in_title.or(best).into_iter().collect();
        }
        _ => {}
    }
    out
}
