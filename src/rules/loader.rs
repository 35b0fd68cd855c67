//! Loading `rules/*.toml`: parse every file, check every reference, prepare every pattern;
//! each problem becomes a [`RuleIssue`] naming the file, the line and the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::engine::{Patterns, prepare};
use super::types::*;
use crate::error::{Error, Result};
use crate::model::{DocType, Element, RiskFactor};

/// The rule files a folder must contain, in load order.
pub const FILES: [&str; 9] = [
    "contexts.toml",
    "structure.toml",
    "risk_factors.toml",
    "warnings.toml",
    "goal.toml",
    "measures.toml",
    "indicators.toml",
    "monitoring.toml",
    "analysis.toml",
];

/// The repository's `rules/` embedded at compile time, so the binary works anywhere.
const BUILTIN: [(&str, &str); 9] = [
    ("contexts.toml", include_str!("../../rules/contexts.toml")),
    ("structure.toml", include_str!("../../rules/structure.toml")),
    (
        "risk_factors.toml",
        include_str!("../../rules/risk_factors.toml"),
    ),
    ("warnings.toml", include_str!("../../rules/warnings.toml")),
    ("goal.toml", include_str!("../../rules/goal.toml")),
    ("measures.toml", include_str!("../../rules/measures.toml")),
    (
        "indicators.toml",
        include_str!("../../rules/indicators.toml"),
    ),
    (
        "monitoring.toml",
        include_str!("../../rules/monitoring.toml"),
    ),
    ("analysis.toml", include_str!("../../rules/analysis.toml")),
];

impl Rules {
    /// The rules bundled into the binary (the repository's `rules/` at build time).
    pub fn builtin() -> Rules {
        let files: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(n, c)| (n.to_string(), c.to_string()))
            .collect();
        match compile(&files) {
            Ok(r) => r,
            // The bundled rules are validated by tests; reaching this is a build defect.
            Err(issues) => panic!(
                "встроенные правила некорректны: {}",
                issues
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }

    /// Load and validate a rules folder; errors name the file, line and reason.
    pub fn load(dir: &Path) -> Result<Rules> {
        Rules::load_checked(dir).map_err(|issues| {
            Error::Rules(
                issues
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
    }

    /// Load a rules folder and return every problem found (for `shnor rules check`).
    pub fn load_checked(dir: &Path) -> std::result::Result<Rules, Vec<RuleIssue>> {
        let mut files = Vec::new();
        let mut issues = Vec::new();
        for name in FILES {
            let path = dir.join(name);
            match std::fs::read(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(s) => files.push((name.to_string(), s)),
                    Err(_) => issues.push(RuleIssue {
                        file: name.into(),
                        line: None,
                        reason: "файл не в кодировке UTF-8".into(),
                    }),
                },
                Err(e) => issues.push(RuleIssue {
                    file: name.into(),
                    line: None,
                    reason: format!("не удалось прочитать файл ({e})"),
                }),
            }
        }
        if let Ok(rd) = std::fs::read_dir(dir) {
            let mut extra: Vec<String> = rd
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml") && !FILES.contains(&n.as_str()))
                .collect();
            extra.sort();
            for n in extra {
                issues.push(RuleIssue {
                    file: n,
                    line: None,
                    reason: format!("неизвестный файл правил; ожидаются: {}", FILES.join(", ")),
                });
            }
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        compile(&files)
    }
}

// ---------------------------------------------------------------------------------------------
// Raw TOML shapes
// ---------------------------------------------------------------------------------------------

type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContexts {
    context: Vec<RawContext>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContext {
    id: S,
    #[serde(default)]
    description: Option<String>,
    applies_to: S,
    patterns: Vec<S>,
    #[serde(default)]
    unless: Vec<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    element: S,
    threshold: Spanned<f32>,
    recommendation: S,
    weak_recommendation: S,
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: S,
    scope: S,
    #[serde(default)]
    anchors: Vec<S>,
    patterns: Vec<S>,
    weight: Spanned<f32>,
    #[serde(default)]
    exclude: Vec<S>,
    #[serde(default)]
    anchor_exclude: Vec<S>,
    #[serde(default)]
    requires: Vec<S>,
    #[serde(default)]
    weak_reason: Option<String>,
    #[serde(default)]
    ignore: Vec<S>,
    #[serde(default)]
    strict_body: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRisks {
    risk: Vec<RawRisk>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRisk {
    id: S,
    patterns: Vec<S>,
    #[serde(default)]
    exclude: Vec<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStructure {
    title_blocks: Spanned<i64>,
    stamp_patterns: Vec<S>,
    roadmap_share: Spanned<f32>,
    risk_heading_weight: f32,
    risk_text_weight: f32,
    risk_core_weight: f32,
    risk_named_weight: f32,
    risk_named_patterns: Vec<S>,
    risk_threshold: Spanned<f32>,
    risk_relative: Spanned<f32>,
    doc_type: Vec<RawDocType>,
    generic_programme: Vec<S>,
    #[serde(default)]
    thematic_title: Vec<S>,
    #[serde(default)]
    thematic_unless: Vec<S>,
    #[serde(default)]
    non_programme: Vec<RawNonProgramme>,
    columns: RawColumns,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNonProgramme {
    kind: S,
    label: S,
    #[serde(default)]
    units: Vec<S>,
    #[serde(default)]
    within: Option<Spanned<i64>>,
    #[serde(default)]
    min_count: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocType {
    id: S,
    patterns: Vec<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    action: Vec<S>,
    dates: Vec<S>,
    responsible: Vec<S>,
    indicator: Vec<S>,
    result: Vec<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWarnings {
    messages: BTreeMap<String, S>,
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    issues: &'a mut Vec<RuleIssue>,
}

impl Ctx<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn issue(&mut self, span: Option<std::ops::Range<usize>>, reason: String) {
        let line = span.map(|s| self.line_of(s.start));
        self.issues.push(RuleIssue {
            file: self.file.to_string(),
            line,
            reason,
        });
    }

    /// The pattern source (ё folded) when it parses, else an issue at its line.
    /// The pattern source with «ё» folded, or an issue when it is empty. Syntax is checked by
    /// whoever compiles it ([`prepare`] or the regex builder), each pattern parsed once.
    fn source(&mut self, p: &S) -> Option<String> {
        // Only «ё» is folded in the source: lower-casing it would turn \W into \w.
        let src = p.get_ref().replace('ё', "е").replace('Ё', "Е");
        if src.trim().is_empty() {
            self.issue(Some(p.span()), "пустой шаблон".into());
            return None;
        }
        Some(src)
    }

    fn bad_pattern(&mut self, p: &S, msg: &str) {
        let last = msg.lines().last().unwrap_or("").trim().to_string();
        self.issue(
            Some(p.span()),
            format!("неверное регулярное выражение «{}»: {last}", p.get_ref()),
        );
    }

    fn regex(&mut self, p: &S) -> Option<Regex> {
        let src = self.source(p)?;
        match RegexBuilder::new(&src)
            .case_insensitive(true)
            .size_limit(4 << 20)
            .build()
        {
            Ok(r) => Some(r),
            Err(e) => {
                self.bad_pattern(p, &e.to_string());
                None
            }
        }
    }

    fn regexes(
        &mut self,
        ps: &[S],
        what: &str,
        span_hint: Option<std::ops::Range<usize>>,
    ) -> Vec<Regex> {
        if ps.is_empty() {
            self.issue(span_hint, format!("список «{what}» пуст"));
        }
        ps.iter().filter_map(|p| self.regex(p)).collect()
    }

    /// `ps` compiled as one [`Patterns`]; `what` names a list that must not be empty.
    fn patterns(
        &mut self,
        ps: &[S],
        what: Option<&str>,
        span_hint: Option<std::ops::Range<usize>>,
    ) -> Patterns {
        if let Some(what) = what.filter(|_| ps.is_empty()) {
            self.issue(span_hint.clone(), format!("список «{what}» пуст"));
        }
        let parts = ps
            .iter()
            .filter_map(|p| {
                let src = self.source(p)?;
                prepare(&src).map_err(|e| self.bad_pattern(p, &e)).ok()
            })
            .collect();
        Patterns::from_parts(parts)
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        match toml::from_str::<T>(self.text) {
            Ok(v) => Some(v),
            Err(e) => {
                let reason = e.message().trim().to_string();
                self.issue(e.span(), format!("ошибка разбора TOML: {reason}"));
                None
            }
        }
    }
}

/// Every rules file validated by its own function; all issues are collected, none stops the
/// others.
fn compile(files: &[(String, String)]) -> std::result::Result<Rules, Vec<RuleIssue>> {
    let mut issues = Vec::new();
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_str())
    };

    let version = version_of(files);

    // contexts.toml first: element rules refer to its ids.
    let contexts = get("contexts.toml")
        .map(|text| load_contexts(text, &mut issues))
        .unwrap_or_default();
    let mut elements: Vec<ElementRules> = Vec::new();
    let mut rule_ids = BTreeSet::new();
    for e in Element::ALL {
        let name = format!("{}.toml", e.id());
        let Some(text) = get(&name) else { continue };
        elements.extend(load_element(
            e,
            &name,
            text,
            &contexts,
            &mut rule_ids,
            &mut issues,
        ));
    }
    let (risks, risk_gate) = get("risk_factors.toml")
        .map(|text| load_risks(text, &mut issues))
        .unwrap_or_default();
    let structure = get("structure.toml").and_then(|text| load_structure(text, &mut issues));
    let warnings = get("warnings.toml")
        .map(|text| load_warnings(text, &mut issues))
        .unwrap_or_default();

    for name in FILES {
        if get(name).is_none() {
            issues.push(RuleIssue {
                file: name.into(),
                line: None,
                reason: "файл отсутствует".into(),
            });
        }
    }

    match structure {
        Some(structure) if issues.is_empty() && elements.len() == Element::ALL.len() => {
            let rules = Rules {
                version,
                contexts,
                elements,
                risks,
                risk_gate,
                structure,
                warnings,
            };
            rules.warm()?;
            Ok(rules)
        }
        _ => {
            if issues.is_empty() {
                issues.push(RuleIssue {
                    file: "rules".into(),
                    line: None,
                    reason: "правила неполны".into(),
                });
            }
            Err(issues)
        }
    }
}

/// A hash of every file's name and content: changes whenever any rule file changes.
fn version_of(files: &[(String, String)]) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (n, c) in sorted {
        hasher.update(n.as_bytes());
        hasher.update(&[0]);
        hasher.update(c.as_bytes());
        hasher.update(&[0]);
    }
    hasher.finalize().to_hex()[..16].to_string()
}

/// `contexts.toml`: the named contexts rules refer to.
fn load_contexts(text: &str, issues: &mut Vec<RuleIssue>) -> Vec<Context> {
    let mut contexts = Vec::new();
    let mut cx = Ctx {
        file: "contexts.toml",
        text,
        issues,
    };
    if let Some(raw) = cx.parse::<RawContexts>() {
        let mut seen = BTreeSet::new();
        for c in raw.context {
            if !seen.insert(c.id.get_ref().clone()) {
                cx.issue(
                    Some(c.id.span()),
                    format!("контекст «{}» объявлен дважды", c.id.get_ref()),
                );
            }
            let target = match c.applies_to.get_ref().as_str() {
                "sentence" => ContextTarget::Sentence,
                "section" => ContextTarget::Section,
                other => {
                    cx.issue(
                        Some(c.applies_to.span()),
                        format!(
                            "applies_to = «{other}»: допустимо «sentence» (предложение) или «section» (заголовок раздела)"
                        ),
                    );
                    ContextTarget::Sentence
                }
            };
            let patterns = cx.patterns(&c.patterns, Some("patterns"), Some(c.id.span()));
            let unless = cx.patterns(&c.unless, None, Some(c.id.span()));
            contexts.push(Context {
                id: c.id.into_inner(),
                description: c.description.unwrap_or_default(),
                target,
                patterns,
                unless,
            });
        }
    }
    contexts
}

/// One element's file (`goal.toml`, …): its threshold, texts and rules. `rule_ids` are the
/// ids seen so far in all element files (they must be unique across files).
fn load_element(
    e: Element,
    name: &str,
    text: &str,
    contexts: &[Context],
    rule_ids: &mut BTreeSet<String>,
    issues: &mut Vec<RuleIssue>,
) -> Option<ElementRules> {
    let mut cx = Ctx {
        file: name,
        text,
        issues,
    };
    let raw = cx.parse::<RawElement>()?;
    if raw.element.get_ref() != e.id() {
        cx.issue(
            Some(raw.element.span()),
            format!(
                "element = «{}», а файл {name} должен описывать «{}»",
                raw.element.get_ref(),
                e.id()
            ),
        );
    }
    if raw.threshold.get_ref().partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        cx.issue(
            Some(raw.threshold.span()),
            "threshold должен быть больше нуля".into(),
        );
    }
    for (field, s) in [
        ("recommendation", &raw.recommendation),
        ("weak_recommendation", &raw.weak_recommendation),
    ] {
        if s.get_ref().trim().is_empty() {
            cx.issue(Some(s.span()), format!("текст «{field}» пуст"));
        }
    }
    let mut rules = Vec::new();
    for r in &raw.rule {
        if !rule_ids.insert(r.id.get_ref().clone()) {
            cx.issue(
                Some(r.id.span()),
                format!("правило «{}» объявлено дважды", r.id.get_ref()),
            );
        }
        if !r.id.get_ref().starts_with(&format!("{}.", e.id())) {
            cx.issue(
                Some(r.id.span()),
                format!(
                    "идентификатор правила «{}» должен начинаться с «{}.»",
                    r.id.get_ref(),
                    e.id()
                ),
            );
        }
        let scope = match r.scope.get_ref().as_str() {
            "text" => Scope::Text,
            "anchor" => {
                let mut heading = r.anchors.is_empty();
                let mut label = r.anchors.is_empty();
                let mut column = r.anchors.is_empty();
                for a in &r.anchors {
                    match a.get_ref().as_str() {
                        "heading" => heading = true,
                        "label" => label = true,
                        "column" => column = true,
                        other => cx.issue(
                            Some(a.span()),
                            format!("anchors: «{other}» — допустимо «heading», «label», «column»"),
                        ),
                    }
                }
                Scope::Anchor {
                    heading,
                    label,
                    column,
                }
            }
            other => {
                cx.issue(
                    Some(r.scope.span()),
                    format!("scope = «{other}»: допустимо «text» или «anchor»"),
                );
                Scope::Text
            }
        };
        if r.strict_body && scope == Scope::Text {
            cx.issue(
                Some(r.id.span()),
                format!(
                    "правило «{}»: strict_body допустимо только при scope = «anchor»",
                    r.id.get_ref()
                ),
            );
        }
        let w = *r.weight.get_ref();
        if !(w > 0.0 && w <= 10.0) {
            cx.issue(
                Some(r.weight.span()),
                format!("weight = {w}: вес должен быть в пределах (0; 10]"),
            );
        }
        let patterns = cx.patterns(&r.patterns, Some("patterns"), Some(r.id.span()));
        let resolve = |list: &[S], cx: &mut Ctx| -> Vec<usize> {
            list.iter()
                .filter_map(|id| {
                    let found = contexts.iter().position(|c| &c.id == id.get_ref());
                    if found.is_none() {
                        cx.issue(
                            Some(id.span()),
                            format!("контекст «{}» не объявлен в contexts.toml", id.get_ref()),
                        );
                    }
                    found
                })
                .collect()
        };
        let exclude = resolve(&r.exclude, &mut cx);
        let anchor_exclude = resolve(&r.anchor_exclude, &mut cx);
        let requires = resolve(&r.requires, &mut cx);
        let ignore = cx.patterns(&r.ignore, None, Some(r.id.span()));
        rules.push(Rule {
            id: r.id.get_ref().clone(),
            scope,
            patterns,
            weight: w,
            exclude,
            anchor_exclude,
            requires,
            weak_reason: r.weak_reason.clone(),
            ignore,
            strict_body: r.strict_body,
        });
    }
    if rules.is_empty() {
        cx.issue(None, "нет ни одного правила [[rule]]".into());
    }
    let text_gate = Patterns::superset(
        rules
            .iter()
            .filter(|r| r.scope == Scope::Text)
            .map(|r| &r.patterns),
    );
    Some(ElementRules {
        element: e,
        threshold: *raw.threshold.get_ref(),
        recommendation: raw.recommendation.into_inner(),
        weak_recommendation: raw.weak_recommendation.into_inner(),
        rules,
        text_gate,
    })
}

/// `risk_factors.toml`: one dictionary per risk factor, and their superset.
fn load_risks(text: &str, issues: &mut Vec<RuleIssue>) -> (Vec<RiskRules>, Patterns) {
    let mut risks = Vec::new();
    let mut risk_gate = Patterns::default();
    let mut cx = Ctx {
        file: "risk_factors.toml",
        text,
        issues,
    };
    if let Some(raw) = cx.parse::<RawRisks>() {
        for r in raw.risk {
            let Some(risk) = RiskFactor::from_id(r.id.get_ref()) else {
                let known: Vec<&str> = RiskFactor::ALL.iter().map(|r| r.id()).collect();
                cx.issue(
                    Some(r.id.span()),
                    format!(
                        "неизвестный фактор риска «{}»; допустимы: {}",
                        r.id.get_ref(),
                        known.join(", ")
                    ),
                );
                continue;
            };
            if risks.iter().any(|x: &RiskRules| x.risk == risk) {
                cx.issue(
                    Some(r.id.span()),
                    format!("фактор риска «{}» описан дважды", r.id.get_ref()),
                );
            }
            let patterns = cx.patterns(&r.patterns, Some("patterns"), Some(r.id.span()));
            let exclude = cx.patterns(&r.exclude, None, Some(r.id.span()));
            risks.push(RiskRules {
                risk,
                patterns,
                exclude,
            });
        }
        for rf in RiskFactor::ALL {
            if !risks.iter().any(|x| x.risk == rf) {
                cx.issue(None, format!("нет словаря для фактора риска «{}»", rf.id()));
            }
        }
        risks.sort_by_key(|r| r.risk);
        risk_gate = Patterns::superset(risks.iter().map(|r| &r.patterns));
    }
    (risks, risk_gate)
}

/// `structure.toml`: title, doc-type, risk and column cues.
fn load_structure(text: &str, issues: &mut Vec<RuleIssue>) -> Option<StructureRules> {
    let mut structure = None;
    let mut cx = Ctx {
        file: "structure.toml",
        text,
        issues,
    };
    if let Some(raw) = cx.parse::<RawStructure>() {
        let tb = *raw.title_blocks.get_ref();
        if !(1..=1000).contains(&tb) {
            cx.issue(
                Some(raw.title_blocks.span()),
                "title_blocks должен быть от 1 до 1000".into(),
            );
        }
        for (name, v) in [
            ("roadmap_share", &raw.roadmap_share),
            ("risk_relative", &raw.risk_relative),
        ] {
            if !(0.0..=1.0).contains(v.get_ref()) {
                cx.issue(Some(v.span()), format!("{name} должен быть от 0 до 1"));
            }
        }
        if raw.risk_threshold.get_ref().partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            cx.issue(
                Some(raw.risk_threshold.span()),
                "risk_threshold должен быть больше нуля".into(),
            );
        }
        let stamp_patterns = cx.patterns(&raw.stamp_patterns, Some("stamp_patterns"), None);
        let risk_named_patterns =
            cx.patterns(&raw.risk_named_patterns, Some("risk_named_patterns"), None);
        let mut doc_types = Vec::new();
        for d in &raw.doc_type {
            match DocType::from_id(d.id.get_ref()) {
                Some(dt) => {
                    let patterns = cx.regexes(&d.patterns, "patterns", Some(d.id.span()));
                    doc_types.push(DocTypeCue {
                        doc_type: dt,
                        patterns,
                    });
                }
                None => cx.issue(
                    Some(d.id.span()),
                    format!(
                        "неизвестный тип документа «{}»; допустимы: {}",
                        d.id.get_ref(),
                        DocType::ALL.map(|d| d.id()).join(", ")
                    ),
                ),
            }
        }
        let columns = ColumnCues {
            action: cx.regexes(&raw.columns.action, "columns.action", None),
            dates: cx.regexes(&raw.columns.dates, "columns.dates", None),
            responsible: cx.regexes(&raw.columns.responsible, "columns.responsible", None),
            indicator: cx.regexes(&raw.columns.indicator, "columns.indicator", None),
            result: cx.regexes(&raw.columns.result, "columns.result", None),
        };
        let generic_programme =
            cx.patterns(&raw.generic_programme, Some("generic_programme"), None);
        let thematic_title = cx.patterns(&raw.thematic_title, Some("thematic_title"), None);
        let thematic_unless = cx.patterns(&raw.thematic_unless, None, None);
        let mut non_programme = Vec::new();
        for np in &raw.non_programme {
            let count = |v: &Option<Spanned<i64>>, name: &str, cx: &mut Ctx| match v {
                Some(v) if *v.get_ref() < 1 => {
                    cx.issue(Some(v.span()), format!("{name} должен быть не меньше 1"));
                    None
                }
                Some(v) => Some(*v.get_ref() as usize),
                None => None,
            };
            let within = count(&np.within, "within", &mut cx);
            let min_count = count(&np.min_count, "min_count", &mut cx).unwrap_or(1);
            if np.units.is_empty() {
                cx.issue(
                    Some(np.kind.span()),
                    format!(
                        "non_programme «{}»: нет ни одного шаблона units",
                        np.kind.get_ref()
                    ),
                );
            }
            let units = cx.patterns(&np.units, None, Some(np.kind.span()));
            non_programme.push(NonProgrammeCue {
                kind: np.kind.get_ref().clone(),
                label: np.label.get_ref().clone(),
                units,
                within,
                min_count,
            });
        }
        structure = Some(StructureRules {
            generic_programme,
            thematic_title,
            thematic_unless,
            non_programme,
            title_blocks: tb.clamp(1, 1000) as usize,
            stamp_patterns,
            doc_types,
            roadmap_share: *raw.roadmap_share.get_ref(),
            risk_heading_weight: raw.risk_heading_weight,
            risk_text_weight: raw.risk_text_weight,
            risk_core_weight: raw.risk_core_weight,
            risk_named_weight: raw.risk_named_weight,
            risk_named_patterns,
            risk_threshold: *raw.risk_threshold.get_ref(),
            risk_relative: *raw.risk_relative.get_ref(),
            columns,
        });
    }
    structure
}

/// `warnings.toml`: the Russian text of every warning code.
fn load_warnings(text: &str, issues: &mut Vec<RuleIssue>) -> BTreeMap<String, String> {
    let mut warnings = BTreeMap::new();
    let mut cx = Ctx {
        file: "warnings.toml",
        text,
        issues,
    };
    if let Some(raw) = cx.parse::<RawWarnings>() {
        for (code, msg) in raw.messages {
            if !WARNING_CODES.contains(&code.as_str()) {
                cx.issue(
                    Some(msg.span()),
                    format!(
                        "неизвестный код предупреждения «{code}»; допустимы: {}",
                        WARNING_CODES.join(", ")
                    ),
                );
            }
            if msg.get_ref().trim().is_empty() {
                cx.issue(
                    Some(msg.span()),
                    format!("текст предупреждения «{code}» пуст"),
                );
            }
            warnings.insert(code, msg.into_inner());
        }
        for code in WARNING_CODES {
            if !warnings.contains_key(code) {
                cx.issue(None, format!("нет текста предупреждения «{code}»"));
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin_files() -> Vec<(String, String)> {
        BUILTIN
            .iter()
            .map(|(n, c)| (n.to_string(), c.to_string()))
            .collect()
    }

    fn with_replaced(file: &str, from: &str, to: &str) -> Vec<(String, String)> {
        let mut files = builtin_files();
        for (n, c) in &mut files {
            if n == file {
                assert!(c.contains(from), "{file} has no «{from}»");
                *c = c.replacen(from, to, 1);
            }
        }
        files
    }

    #[test]
    fn builtin_rules_compile() {
        let r = Rules::builtin();
        assert_eq!(r.elements.len(), 5);
        assert_eq!(r.risks.len(), 10);
        assert_eq!(r.version.len(), 16);
    }

    #[test]
    fn version_changes_with_content() {
        let a = compile(&builtin_files()).map(|r| r.version).ok();
        let b = compile(&with_replaced(
            "goal.toml",
            "threshold = 1.0",
            "threshold = 1.5",
        ))
        .map(|r| r.version)
        .ok();
        assert!(a.is_some() && b.is_some());
        assert_ne!(a, b);
    }

    #[test]
    fn bad_regex_is_reported_with_file_and_line() {
        let files = with_replaced(
            "monitoring.toml",
            "patterns = [",
            "patterns = ['(незакрыто', ",
        );
        let issues = compile(&files).err().unwrap_or_default();
        let issue = issues.iter().find(|i| i.file == "monitoring.toml").cloned();
        let Some(issue) = issue else {
            panic!("no issue for monitoring.toml: {issues:?}")
        };
        assert!(issue.reason.contains("регулярное выражение"), "{issue}");
        let text = &files
            .iter()
            .find(|(n, _)| n == "monitoring.toml")
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        let expected = text
            .lines()
            .position(|l| l.contains("(незакрыто"))
            .map(|i| i + 1);
        assert_eq!(issue.line, expected);
    }

    #[test]
    fn unknown_context_and_field_are_reported() {
        let files = with_replaced(
            "analysis.toml",
            "exclude = [",
            "exclude = [\"no_such_context\", ",
        );
        let issues = compile(&files).err().unwrap_or_default();
        assert!(
            issues.iter().any(|i| i.file == "analysis.toml"
                && i.reason.contains("no_such_context")
                && i.line.is_some()),
            "{issues:?}"
        );
        let files = with_replaced(
            "goal.toml",
            "threshold = 1.0",
            "threshold = 1.0\npatern = 'x'",
        );
        let issues = compile(&files).err().unwrap_or_default();
        assert!(
            issues
                .iter()
                .any(|i| i.file == "goal.toml" && i.line == Some(3) && i.reason.contains("patern")),
            "{issues:?}"
        );
    }
}
