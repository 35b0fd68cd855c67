//! The management-cycle checker: `Document` + `Rules` → `CheckReport` (issue #6).
//!
//! For each element every rule is tried over a range of units (the whole document or one
//! risk-factor section). A hit that passes the rule's exclusions and requirements is «full» and
//! adds the rule's weight; a hit that lacks a requirement (e.g. an indicator without numbers) is
//! «weak»; a hit voided by a negative context (past tense, initial diagnosis) is remembered only
//! to explain the verdict. Score ≥ threshold → present; any weak or voided hit → weak.
//! Negative contexts win over section-level matches: an anchor inside a diagnosis section, or
//! whose own text names one, is voided; under a `strict_body` heading one voided sentence voids
//! the neutral rest of the body.

pub mod testdoc;

use std::ops::Range;

use crate::model::{
    CheckReport, DocType, Document, Element, ElementVerdict, Evidence, Location, Presence,
    SCHEMA_VERSION, SectionReport, Warning,
};
use crate::rules::{ContextTarget, ElementRules, Patterns, Rule, Rules, Scope, fold};
use crate::structure::{self, AnchorKind, Structure, UnitKind};

/// Longest quote kept as evidence (characters); longer sentences are cut at a char boundary.
const MAX_QUOTE_CHARS: usize = 300;
/// Evidence items kept per verdict.
const MAX_EVIDENCE: usize = 3;
/// Warnings of one code kept per document.
const MAX_WARNINGS_PER_CODE: usize = 10;
/// Full body sentences of an anchor read past the first one, looking for one that matches the
/// rule's own patterns.
const BODY_LOOKAHEAD: usize = 8;

pub fn check(doc: &Document, rules: &Rules) -> CheckReport {
    let st = structure::analyze(doc, rules);
    let all = std::slice::from_ref(&(0..st.units.len())).to_vec();
    // Parts of a medium-term programme outside its risk sections (a common «Мониторинг и
    // анализ» chapter, the passport) apply to every section.
    let common = common_ranges(&st);
    let sections: Vec<SectionReport> = st
        .sections
        .iter()
        .map(|s| {
            let verdicts: Vec<ElementVerdict> = Element::ALL
                .iter()
                .map(|&e| {
                    let own = evaluate(&st, rules, e, std::slice::from_ref(&s.units));
                    if own.presence.is_present() {
                        return own;
                    }
                    let shared = shared_verdict(&st, rules, e, &common, s);
                    if shared.presence.is_present() {
                        shared
                    } else {
                        own
                    }
                })
                .collect();
            let complete = verdicts.iter().all(|v| v.presence.is_present());
            SectionReport {
                title: s.title.clone(),
                risk_factor: s.risk,
                location: s.location.clone(),
                elements: verdicts,
                cycle_complete: complete,
            }
        })
        .collect();
    let elements: Vec<ElementVerdict> = if st.doc_type == DocType::Other {
        Element::ALL.iter().map(|&e| not_a_programme(e)).collect()
    } else if sections.is_empty() {
        Element::ALL
            .iter()
            .map(|&e| evaluate(&st, rules, e, &all))
            .collect()
    } else {
        Element::ALL
            .iter()
            .map(|&e| combine_sections(e, &sections))
            .collect()
    };
    let cycle_complete = if st.doc_type == DocType::Other {
        false
    } else if sections.is_empty() {
        elements.iter().all(|v| v.presence.is_present())
    } else {
        sections.iter().all(|s| s.cycle_complete)
    };
    let warnings = warnings(&st, rules, &elements);
    CheckReport {
        schema_version: SCHEMA_VERSION,
        source: doc.source.clone(),
        format: doc.format,
        hash: doc.hash.clone(),
        rules_version: rules.version.clone(),
        doc_type: st.doc_type,
        title: st.title.clone(),
        school: st.school.clone(),
        region: st.region.clone(),
        year_from: st.year_from,
        year_to: st.year_to,
        risk_factors: st.risk_factors.clone(),
        elements,
        sections,
        cycle_complete,
        warnings,
        roadmap_rows: st.roadmap_rows.clone(),
        pages: doc.metadata.pages,
    }
}

/// Unit ranges of a medium-term programme outside its risk sections and after its title.
fn common_ranges(st: &Structure) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = st.title_unit.map(|t| t + 1).unwrap_or(0);
    for s in &st.sections {
        if s.units.start > pos {
            out.push(pos..s.units.start);
        }
        pos = pos.max(s.units.end);
    }
    if pos < st.units.len() {
        out.push(pos..st.units.len());
    }
    out
}

/// A section's verdict from the parts of the programme outside its risk sections. The
/// preamble's goal is the programme's general aim, not the section's; a shared sentence or
/// chapter that names other directions only («По направлению «Дефицит кадров» мониторинг…»)
/// belongs to those sections.
fn shared_verdict(
    st: &Structure,
    rules: &Rules,
    element: Element,
    common: &[Range<usize>],
    section: &structure::Section,
) -> ElementVerdict {
    let first_section = st.sections.iter().map(|s| s.units.start).min().unwrap_or(0);
    let ranges: Vec<Range<usize>> = common
        .iter()
        .filter(|r| element != Element::Goal || r.start >= first_section)
        .cloned()
        .collect();
    let other_directions = |h: &Hit| {
        let u = &st.units[h.unit];
        let sentence = u.folded.get(h.range.clone()).unwrap_or("");
        let heading = st.section_title(h.unit).map(fold).unwrap_or_default();
        let named: Vec<_> = rules
            .risks
            .iter()
            .filter(|r| r.find(sentence).is_some() || r.find(&heading).is_some())
            .map(|r| r.risk)
            .collect();
        !named.is_empty()
            && !structure::names_all_directions(sentence)
            && section.risk.is_none_or(|risk| !named.contains(&risk))
    };
    evaluate_where(st, rules, element, &ranges, &|h| !other_directions(h))
}

/// A document that is not a programme (report, letter, order) has no cycle of its own.
fn not_a_programme(element: Element) -> ElementVerdict {
    ElementVerdict {
        element,
        presence: Presence::Absent,
        confidence: 0.8,
        evidence: Vec::new(),
        recommendation: Some(
            "Документ не является программой (отчёт, письмо, приказ, справка): управленческий цикл в нём не оценивается. Загрузите саму программу."
                .into(),
        ),
    }
}

/// Document-level verdict of a medium-term programme: the union of its risk sections (DESIGN.md)
/// — present when some section has the element, citing those sections; otherwise the first
/// section's verdict explains why. Whether the cycle is complete is decided by the sections.
fn combine_sections(element: Element, sections: &[SectionReport]) -> ElementVerdict {
    let of = |s: &SectionReport| s.elements.iter().find(|v| v.element == element).cloned();
    let verdicts: Vec<(&SectionReport, ElementVerdict)> = sections
        .iter()
        .filter_map(|s| of(s).map(|v| (s, v)))
        .collect();
    let present: Vec<&ElementVerdict> = verdicts
        .iter()
        .map(|(_, v)| v)
        .filter(|v| v.presence.is_present())
        .collect();
    if present.is_empty() {
        // A weak section explains more than an absent one.
        let explaining = verdicts
            .iter()
            .find(|(_, v)| v.presence == Presence::Weak)
            .or_else(|| verdicts.first());
        if let Some((s, v)) = explaining {
            let mut v = v.clone();
            v.recommendation = v
                .recommendation
                .map(|r| format!("Раздел «{}»: {r}", s.title));
            return v;
        }
        return ElementVerdict {
            element,
            presence: Presence::Absent,
            confidence: 0.5,
            evidence: Vec::new(),
            recommendation: None,
        };
    }
    let confidence = present.iter().map(|v| v.confidence).fold(1.0f32, f32::min);
    let mut evidence: Vec<Evidence> = Vec::new();
    for v in &present {
        if let Some(e) = v.evidence.first() {
            if !evidence
                .iter()
                .any(|x| x.quote == e.quote && x.location == e.location)
            {
                evidence.push(e.clone());
            }
        }
    }
    evidence.truncate(MAX_EVIDENCE);
    ElementVerdict {
        element,
        presence: Presence::Present,
        confidence,
        evidence,
        recommendation: None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum HitKind {
    /// Voided by a negative context (index of the context).
    Excluded,
    Weak,
    Full,
}

#[derive(Debug, Clone)]
struct Hit {
    kind: HitKind,
    unit: usize,
    range: Range<usize>,
    /// The context that voided an excluded hit.
    context: Option<usize>,
}

/// Does an exclusion context void text `folded` in unit `unit`? Returns the context index.
fn excluded_by(
    st: &Structure,
    rules: &Rules,
    ctxs: &[usize],
    unit: usize,
    folded: &str,
) -> Option<usize> {
    ctxs.iter()
        .copied()
        .find(|&ci| match rules.contexts.get(ci) {
            Some(c) if c.target == ContextTarget::Section => st.section_context(ci, unit),
            Some(c) => c.holds(folded),
            None => false,
        })
}

/// Whether one of the rule's requirements holds for a sentence, or for the table row it sits
/// in. With `values_only` (indicators) the row's dates and responsible cells do not count:
/// «1 раз в месяц» in «Сроки» is not the value of the «Показатель» next to it.
fn requirement_met(
    st: &Structure,
    rules: &Rules,
    rule: &Rule,
    unit: usize,
    folded: &str,
    values_only: bool,
) -> bool {
    if rule.requires.is_empty() {
        return true;
    }
    let u = &st.units[unit];
    let row_text = u.table.zip(u.row).and_then(|(t, r)| {
        st.tables.get(t).and_then(|t| {
            if values_only {
                t.value_texts.get(r)
            } else {
                t.row_texts.get(r)
            }
        })
    });
    rule.requires
        .iter()
        .any(|&ci| match rules.contexts.get(ci) {
            Some(c) if c.target == ContextTarget::Section => st.section_context(ci, unit),
            Some(c) => c.holds(folded) || row_text.is_some_and(|rt| c.holds(rt)),
            None => false,
        })
}

/// Which sentences may match any text rule of an element, filled in per unit on first use:
/// one scan of the element's superset pattern per sentence instead of one per rule.
struct Candidates<'a> {
    gate: &'a Patterns,
    units: Vec<Option<Vec<bool>>>,
}

impl<'a> Candidates<'a> {
    fn new(gate: &'a Patterns, units: usize) -> Candidates<'a> {
        Candidates {
            gate,
            units: vec![None; units],
        }
    }

    fn may_match(&mut self, st: &Structure, unit: usize, sentence: usize) -> bool {
        let Some(slot) = self.units.get_mut(unit) else {
            return true;
        };
        let gate = self.gate;
        let flags = slot.get_or_insert_with(|| {
            let u = &st.units[unit];
            u.sentences
                .iter()
                .map(|s| gate.is_empty() || gate.is_match(&u.folded[s.clone()]))
                .collect()
        });
        flags.get(sentence).copied().unwrap_or(true)
    }
}

/// Best hit of a text rule in `range`: the first full hit, else the first weak, else excluded.
fn text_hits(
    st: &Structure,
    rules: &Rules,
    rule: &Rule,
    ranges: &[Range<usize>],
    cand: &mut Candidates,
    values_only: bool,
) -> Vec<Hit> {
    let mut out = Vec::new();
    for ui in ranges.iter().flat_map(|r| r.clone()) {
        let u = &st.units[ui];
        if u.kind == UnitKind::Heading || u.label {
            continue;
        }
        for (si, s) in u.sentences.iter().cloned().enumerate() {
            let folded = &u.folded[s.clone()];
            if !cand.may_match(st, ui, si) || !rule.matches(folded) {
                continue;
            }
            let hit = match excluded_by(st, rules, &rule.exclude, ui, folded) {
                Some(ci) => Hit {
                    kind: HitKind::Excluded,
                    unit: ui,
                    range: s.clone(),
                    context: Some(ci),
                },
                None => Hit {
                    kind: if requirement_met(st, rules, rule, ui, folded, values_only) {
                        HitKind::Full
                    } else {
                        HitKind::Weak
                    },
                    unit: ui,
                    range: s.clone(),
                    context: None,
                },
            };
            let full = hit.kind == HitKind::Full;
            out.push(hit);
            if full && out.iter().filter(|h| h.kind == HitKind::Full).count() >= MAX_EVIDENCE {
                return out;
            }
        }
    }
    out
}

fn anchor_hits(
    st: &Structure,
    rules: &Rules,
    rule: &Rule,
    ranges: &[Range<usize>],
    (heading, label, column): (bool, bool, bool),
    values_only: bool,
) -> Vec<Hit> {
    let mut out = Vec::new();
    for a in &st.anchors {
        let allowed = match a.kind {
            AnchorKind::Heading => heading,
            AnchorKind::Label => label,
            AnchorKind::Column => column,
        };
        // A column header sits above the rows it names, possibly outside the range.
        if !allowed || (!in_ranges(ranges, a.unit) && a.kind != AnchorKind::Column) {
            continue;
        }
        let u = &st.units[a.unit];
        let anchor_folded = &u.folded[..a.text_end];
        if !rule.matches(anchor_folded) {
            continue;
        }
        if let Some(ci) = anchor_excluded(st, rules, &rule.anchor_exclude, a.unit, anchor_folded) {
            out.push(Hit {
                kind: HitKind::Excluded,
                unit: a.unit,
                range: 0..a.text_end,
                context: Some(ci),
            });
            continue;
        }
        // A column's cells are separate rows, not one text: one past-tense cell says nothing
        // about the others.
        let strict = rule.strict_body && a.kind != AnchorKind::Column;
        // Every content sentence of the body, with whether it matches the rule itself. For the
        // elements that share headings and columns (`strict_body` rules: monitoring, analysis)
        // a full sentence that also matches the rule's own patterns is preferred — under
        // «Мониторинг и анализ» the analysis sentence, not the first one; in a «Форма контроля»
        // column «ежемесячная сверка отметок», not «справка» — so the scan goes a few sentences
        // past the first full one.
        let prefer_own = rule.strict_body;
        let mut body: Vec<(Hit, bool)> = Vec::new();
        let mut after_full = 0usize;
        for &bi in a.body.iter().filter(|b| in_ranges(ranges, **b)) {
            let bu = &st.units[bi];
            // Headings of deeper subsections are structure, not content; so are a table's
            // header cells, and under a column header the row labels of a key|value table.
            let header_cell = bu
                .table
                .and_then(|t| st.tables.get(t))
                .is_some_and(|t| t.header_row.is_some() && t.header_row == bu.row);
            if bu.kind == UnitKind::Heading
                || header_cell
                || (a.kind == AnchorKind::Column && bu.label)
            {
                continue;
            }
            for s in bu.sentences.iter().cloned() {
                // The anchor's own label is not body text.
                if bi == a.unit && s.end <= a.text_end + 1 {
                    continue;
                }
                let folded = &bu.folded[s.clone()];
                // «—», «нет» in a cell is an empty slot, not content.
                if !folded
                    .split_whitespace()
                    .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
                {
                    continue;
                }
                let hit = match excluded_by(st, rules, &rule.exclude, bi, folded) {
                    Some(ci) => Hit {
                        kind: HitKind::Excluded,
                        unit: bi,
                        range: s.clone(),
                        context: Some(ci),
                    },
                    None => Hit {
                        kind: if requirement_met(st, rules, rule, bi, folded, values_only) {
                            HitKind::Full
                        } else {
                            HitKind::Weak
                        },
                        unit: bi,
                        range: s.clone(),
                        context: None,
                    },
                };
                let full = hit.kind == HitKind::Full;
                let own = (strict || (prefer_own && full)) && rule.matches(folded);
                if full {
                    after_full += 1;
                }
                body.push((hit, own));
                let enough = full && (own || !prefer_own || after_full > BODY_LOOKAHEAD);
                if !strict && enough {
                    break;
                }
            }
            let enough = body.iter().any(|(h, own)| h.kind == HitKind::Full && *own)
                || (after_full > 0 && !prefer_own)
                || after_full > BODY_LOOKAHEAD;
            if !strict && enough {
                break;
            }
        }
        let best = best_body_hit(body, strict);
        match best {
            Some(h) if h.kind == HitKind::Full => {
                out.push(h);
                if out.iter().filter(|h| h.kind == HitKind::Full).count() >= MAX_EVIDENCE {
                    return out;
                }
            }
            // A vague item under the anchor («повышение мотивации» under «Показатель») is what
            // the reader must fix: cite it rather than the heading.
            Some(h) => out.push(h),
            // An anchor with no usable body is itself the (weak) evidence.
            None => out.push(Hit {
                kind: HitKind::Weak,
                unit: a.unit,
                range: 0..a.text_end,
                context: None,
            }),
        }
    }
    out
}

/// Section-level contexts hold for an anchor inside such a section, and also when the anchor
/// text itself names one («Проблемный анализ:» as a label, a column «Анализ текущей ситуации»).
fn anchor_excluded(
    st: &Structure,
    rules: &Rules,
    ctxs: &[usize],
    unit: usize,
    folded: &str,
) -> Option<usize> {
    excluded_by(st, rules, ctxs, unit, folded).or_else(|| {
        ctxs.iter().copied().find(|&ci| {
            rules
                .contexts
                .get(ci)
                .is_some_and(|c| c.target == ContextTarget::Section && c.holds(folded))
        })
    })
}

/// The hit that stands for an anchor's body: the strongest, the first among equals. Under
/// `strict` a body with a voided sentence credits only sentences that match the rule itself.
fn best_body_hit(body: Vec<(Hit, bool)>, strict: bool) -> Option<Hit> {
    let voided = body
        .iter()
        .find(|(h, _)| h.kind == HitKind::Excluded)
        .map(|(h, _)| h.clone());
    let mut best: Option<(Hit, bool)> = None;
    for (h, own) in body {
        if strict && voided.is_some() && !own && h.kind != HitKind::Excluded {
            continue;
        }
        // Stronger wins; among full sentences one that names the element itself wins.
        let better = best
            .as_ref()
            .is_none_or(|(b, b_own)| h.kind > b.kind || (h.kind == b.kind && own && !b_own));
        if better {
            best = Some((h, own));
        }
    }
    let best = best.map(|(h, _)| h);
    match best {
        Some(b) if b.kind == HitKind::Excluded || !strict => Some(b),
        Some(b) if b.kind == HitKind::Full => Some(b),
        // A weak own sentence next to a voided one: the negative context wins.
        Some(b) => voided.or(Some(b)),
        None => voided,
    }
}

fn in_ranges(ranges: &[Range<usize>], u: usize) -> bool {
    ranges.iter().any(|r| r.contains(&u))
}

fn rule_hits(
    st: &Structure,
    rules: &Rules,
    rule: &Rule,
    ranges: &[Range<usize>],
    cand: &mut Candidates,
    values_only: bool,
) -> Vec<Hit> {
    match rule.scope {
        Scope::Text => text_hits(st, rules, rule, ranges, cand, values_only),
        Scope::Anchor {
            heading,
            label,
            column,
        } => anchor_hits(
            st,
            rules,
            rule,
            ranges,
            (heading, label, column),
            values_only,
        ),
    }
}

/// A quote that is an exact substring of the unit text, at most `MAX_QUOTE_CHARS` long.
fn quote(text: &str, range: Range<usize>) -> String {
    let s = text.get(range).unwrap_or("").trim();
    match s.char_indices().nth(MAX_QUOTE_CHARS) {
        Some((cut, _)) => s[..cut].trim_end().to_string(),
        None => s.to_string(),
    }
}

fn evidence(st: &Structure, hit: &Hit, rule: &str) -> Evidence {
    let u = &st.units[hit.unit];
    Evidence {
        quote: quote(&u.text, hit.range.clone()),
        location: u.loc.clone(),
        section: st
            .section_title(hit.unit)
            .map(|t| t.chars().take(200).collect()),
        column: u.column.clone(),
        rule: rule.to_string(),
    }
}

/// Verdict for one element over some ranges of units.
pub fn evaluate(
    st: &Structure,
    rules: &Rules,
    element: Element,
    ranges: &[Range<usize>],
) -> ElementVerdict {
    evaluate_where(st, rules, element, ranges, &|_| true)
}

/// Verdict for one element over some ranges of units, counting only the hits `keep` accepts.
fn evaluate_where(
    st: &Structure,
    rules: &Rules,
    element: Element,
    ranges: &[Range<usize>],
    keep: &dyn Fn(&Hit) -> bool,
) -> ElementVerdict {
    let Some(er) = rules.element(element) else {
        return ElementVerdict {
            element,
            presence: Presence::Absent,
            confidence: 0.0,
            evidence: Vec::new(),
            recommendation: None,
        };
    };
    let mut score = 0f32;
    let mut full: Vec<Evidence> = Vec::new();
    let mut weak: Vec<(Evidence, Option<String>)> = Vec::new();
    let mut voided: Vec<(Evidence, usize)> = Vec::new();
    let mut cand = Candidates::new(&er.text_gate, st.units.len());
    for rule in &er.rules {
        let hits = rule_hits(
            st,
            rules,
            rule,
            ranges,
            &mut cand,
            element == Element::Indicators,
        );
        let mut rule_full = false;
        for h in hits.iter().filter(|h| keep(h)) {
            match h.kind {
                HitKind::Full => {
                    rule_full = true;
                    if full.len() < MAX_EVIDENCE * 2 {
                        full.push(evidence(st, h, &rule.id));
                    }
                }
                HitKind::Weak => {
                    if weak.len() < MAX_EVIDENCE {
                        weak.push((evidence(st, h, &rule.id), rule.weak_reason.clone()));
                    }
                }
                HitKind::Excluded => {
                    if voided.len() < MAX_EVIDENCE {
                        if let Some(ci) = h.context {
                            let id = format!("{}!{}", rule.id, rules.contexts[ci].id);
                            voided.push((evidence(st, h, &id), ci));
                        }
                    }
                }
            }
        }
        if rule_full {
            score += rule.weight;
        }
    }
    verdict(er, rules, score, full, weak, voided)
}

fn verdict(
    er: &ElementRules,
    rules: &Rules,
    score: f32,
    mut full: Vec<Evidence>,
    weak: Vec<(Evidence, Option<String>)>,
    voided: Vec<(Evidence, usize)>,
) -> ElementVerdict {
    let element = er.element;
    if score >= er.threshold {
        // Evidence comes in rule order (anchored rules first in the files), then document
        // order; several rules may quote the same sentence, keep distinct quotes.
        let mut seen = std::collections::BTreeSet::new();
        full.retain(|e| seen.insert((e.quote.clone(), e.location.block)));
        full.truncate(MAX_EVIDENCE);
        let confidence = (0.7 + 0.3 * (score / (2.0 * er.threshold)).min(1.0)).min(0.99);
        return ElementVerdict {
            element,
            presence: Presence::Present,
            confidence,
            evidence: full,
            recommendation: None,
        };
    }
    if !full.is_empty() || !weak.is_empty() {
        let reason = weak.iter().find_map(|(_, r)| r.clone());
        // The rule's reason says what is wrong; the element's recommendation says what to write.
        let recommendation = match reason {
            Some(r) => format!("{r} {}", er.recommendation),
            None => er.weak_recommendation.clone(),
        };
        let mut ev: Vec<Evidence> = full;
        ev.extend(weak.into_iter().map(|(e, _)| e));
        ev.truncate(MAX_EVIDENCE);
        return ElementVerdict {
            element,
            presence: Presence::Weak,
            confidence: 0.5,
            evidence: ev,
            recommendation: Some(recommendation),
        };
    }
    if let Some((_, ci)) = voided.first() {
        let why = rules
            .contexts
            .get(*ci)
            .map(|c| c.description.clone())
            .unwrap_or_default();
        let recommendation = if why.is_empty() {
            er.weak_recommendation.clone()
        } else {
            format!(
                "Найденные упоминания не засчитаны ({why}). {}",
                er.weak_recommendation
            )
        };
        return ElementVerdict {
            element,
            presence: Presence::Weak,
            confidence: 0.6,
            evidence: voided
                .into_iter()
                .map(|(e, _)| e)
                .take(MAX_EVIDENCE)
                .collect(),
            recommendation: Some(recommendation),
        };
    }
    ElementVerdict {
        element,
        presence: Presence::Absent,
        confidence: 0.9,
        evidence: Vec::new(),
        recommendation: Some(er.recommendation.clone()),
    }
}

fn deadline_re() -> &'static regex::Regex {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        match regex::Regex::new(
            r"(?i)\b(к|до|в)\s+(концу\s+|началу\s+|маю\s+|сентябрю\s+|декабрю\s+)?(20[0-4]\d|\d{2}\.\d{2}\.20[0-4]\d)",
        ) {
            Ok(r) => r,
            // A literal pattern: failing here is a programming error caught by every test run.
            Err(e) => panic!("deadline pattern: {e}"),
        }
    })
}

fn warnings(st: &Structure, rules: &Rules, elements: &[ElementVerdict]) -> Vec<Warning> {
    let mut out = Vec::new();
    let measurable = rules.context("measurable");
    let get = |e: Element| elements.iter().find(|v| v.element == e);
    if let Some(goal) = get(Element::Goal).filter(|v| v.presence.is_present()) {
        let measurable_goal = goal.evidence.iter().any(|ev| {
            let f = fold(&ev.quote);
            measurable.is_some_and(|m| m.holds(&f)) || deadline_re().is_match(&ev.quote)
        });
        if !measurable_goal {
            out.push(Warning {
                code: "goal_not_measurable".into(),
                message: rules.warning_text("goal_not_measurable"),
                location: goal.evidence.first().map(|e| e.location.clone()),
            });
        }
    }
    if let Some(ind) = get(Element::Indicators).filter(|v| v.presence == Presence::Weak) {
        if ind
            .evidence
            .iter()
            .any(|e| e.rule.starts_with("indicators.") && !e.rule.contains('!'))
        {
            out.push(Warning {
                code: "indicator_without_target".into(),
                message: rules.warning_text("indicator_without_target"),
                location: ind.evidence.first().map(|e| e.location.clone()),
            });
        }
    }
    let mut no_date = 0;
    let mut no_resp = 0;
    for row in &st.roadmap_rows {
        if row.dates.as_deref().is_none_or(|d| d.trim().is_empty())
            && no_date < MAX_WARNINGS_PER_CODE
        {
            no_date += 1;
            out.push(Warning {
                code: "roadmap_row_without_date".into(),
                message: format!(
                    "{} («{}»)",
                    rules.warning_text("roadmap_row_without_date"),
                    short(&row.action)
                ),
                location: Some(row.location.clone()),
            });
        }
        if row
            .responsible
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
            && no_resp < MAX_WARNINGS_PER_CODE
        {
            no_resp += 1;
            out.push(Warning {
                code: "roadmap_row_without_responsible".into(),
                message: format!(
                    "{} («{}»)",
                    rules.warning_text("roadmap_row_without_responsible"),
                    short(&row.action)
                ),
                location: Some(row.location.clone()),
            });
        }
    }
    let measures_present = get(Element::Measures).is_some_and(|v| v.presence.is_present());
    if measures_present && st.risk_factors.is_empty() && st.doc_type != DocType::Other {
        out.push(Warning {
            code: "measure_without_risk".into(),
            message: rules.warning_text("measure_without_risk"),
            location: get(Element::Measures)
                .and_then(|v| v.evidence.first())
                .map(|e| e.location.clone()),
        });
    }
    out
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(80).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// Location formatted for people: «стр. 3, абзац 12, таблица: строка 2, столбец 3».
pub fn location_ru(loc: &Location) -> String {
    let mut parts = Vec::new();
    if let Some(p) = loc.page {
        parts.push(format!("стр. {p}"));
    }
    match loc.cell {
        Some(c) => parts.push(format!(
            "блок {}, таблица: строка {}, столбец {}",
            loc.block + 1,
            c.row + 1,
            c.col + 1
        )),
        None => parts.push(format!("абзац {}", loc.block + 1)),
    }
    parts.join(", ")
}
