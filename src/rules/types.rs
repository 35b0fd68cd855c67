//! The compiled rules' types: what the checker reads once `rules/*.toml` is loaded.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;

use super::engine::Patterns;
use crate::model::{DocType, Element, RiskFactor};

/// Warning codes the checker emits; each needs a Russian text in `warnings.toml`.
pub const WARNING_CODES: [&str; 5] = [
    "goal_not_measurable",
    "indicator_without_target",
    "roadmap_row_without_date",
    "roadmap_row_without_responsible",
    "measure_without_risk",
];

/// One problem found in a rules folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleIssue {
    pub file: String,
    /// 1-based line, when the problem can be pinned to one.
    pub line: Option<usize>,
    /// Russian reason.
    pub reason: String,
}

impl fmt::Display for RuleIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}, строка {}: {}", self.file, l, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// Where a context applies: to the sentence holding a match, or to the headings above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextTarget {
    Sentence,
    Section,
}

/// A named context (e.g. past tense, initial diagnosis, «measurable»), used by rules to exclude
/// or require something around a match.
#[derive(Debug, Clone)]
pub struct Context {
    pub id: String,
    /// Russian explanation, shown when the context voids a match.
    pub description: String,
    pub target: ContextTarget,
    pub patterns: Patterns,
    /// Patterns that cancel the context in the same text (e.g. future tense cancels past tense).
    pub unless: Patterns,
}

impl Context {
    /// True when the context holds in `folded` text (see [`fold`]).
    pub fn holds(&self, folded: &str) -> bool {
        self.patterns.is_match(folded) && !self.unless.is_match(folded)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Any sentence of any paragraph, list item or cell.
    Text,
    /// A heading, a «label:» paragraph, a row label or a column header; evidence comes from the
    /// text under it.
    Anchor {
        heading: bool,
        label: bool,
        column: bool,
    },
}

/// One compiled rule of an element.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub scope: Scope,
    pub patterns: Patterns,
    pub weight: f32,
    /// Context indices that void a hit.
    pub exclude: Vec<usize>,
    /// Context indices checked on the anchor text itself.
    pub anchor_exclude: Vec<usize>,
    /// Context indices of which one must hold, else the hit is only weak.
    pub requires: Vec<usize>,
    pub weak_reason: Option<String>,
    /// Spans that never count as a match («результаты мониторинга» is a reference, not
    /// monitoring); they are blanked before the patterns run.
    pub ignore: Patterns,
    /// Anchor rules only: when one sentence under a heading or a label is voided by a negative
    /// context (past tense, findings of a diagnosis), the body is that context's text, so its
    /// neutral sentences do not count; only sentences matching the rule's own patterns still do.
    /// Column bodies are separate rows and are not affected.
    pub strict_body: bool,
}

impl Rule {
    /// True when the rule matches `folded` outside its ignored spans.
    pub fn matches(&self, folded: &str) -> bool {
        if !self.ignore.is_empty() && self.ignore.is_match(folded) {
            return self.patterns.is_match(&self.ignore.blank(folded));
        }
        self.patterns.is_match(folded)
    }
}

#[derive(Debug, Clone)]
pub struct ElementRules {
    pub element: Element,
    /// Score at which the element is present.
    pub threshold: f32,
    pub recommendation: String,
    pub weak_recommendation: String,
    pub rules: Vec<Rule>,
    /// Superset of the text-scope rules' patterns (see [`Patterns::superset`]).
    pub text_gate: Patterns,
}

#[derive(Debug, Clone)]
pub struct RiskRules {
    pub risk: RiskFactor,
    pub patterns: Patterns,
    pub exclude: Patterns,
}

impl RiskRules {
    /// First match not voided by an exclusion in the same text.
    pub fn find(&self, folded: &str) -> Option<(usize, usize)> {
        if !self.exclude.is_empty() && self.exclude.is_match(folded) {
            return self.patterns.find(&self.exclude.blank(folded));
        }
        self.patterns.find(folded)
    }
}

#[derive(Debug, Clone)]
pub struct DocTypeCue {
    pub doc_type: DocType,
    pub patterns: Vec<Regex>,
}

/// A sign of a non-programme: `min_count` units (among the first `within`, or anywhere)
/// match `units`.
#[derive(Debug, Clone)]
pub struct NonProgrammeCue {
    /// Stable id: `order`, `regulation`, `letter`, `report`, `presentation`, `municipal`…
    pub kind: String,
    /// Russian name of the kind for the report («приказ или постановление»).
    pub label: String,
    pub units: Patterns,
    pub within: Option<usize>,
    pub min_count: usize,
}

/// Column cues of roadmap-like tables.
#[derive(Debug, Clone)]
pub struct ColumnCues {
    pub action: Vec<Regex>,
    pub dates: Vec<Regex>,
    pub responsible: Vec<Regex>,
    pub indicator: Vec<Regex>,
    pub result: Vec<Regex>,
}

#[derive(Debug, Clone)]
pub struct StructureRules {
    /// How many leading blocks are searched for the title and the doc-type cues.
    pub title_blocks: usize,
    /// Approval stamps («УТВЕРЖДЕНО приказом…») skipped when looking for the title.
    pub stamp_patterns: Patterns,
    /// Doc-type cues in priority order.
    pub doc_types: Vec<DocTypeCue>,
    /// A title naming a programme without its kind.
    pub generic_programme: Patterns,
    /// Title forms typed by their subject («Программа работы с…», «План мероприятий по…»,
    /// «Комплекс мер по…»): one risk factor named in the title makes an anti-risk programme.
    pub thematic_title: Patterns,
    /// Titles of those forms that keep their own kind («План мероприятий („дорожная карта“)»).
    pub thematic_unless: Patterns,
    /// Signs of a document that is not one school's programme; any one that holds wins over
    /// the title cues and the element words.
    pub non_programme: Vec<NonProgrammeCue>,
    /// Share of text in roadmap tables that makes an uncued document a roadmap.
    pub roadmap_share: f32,
    pub risk_heading_weight: f32,
    pub risk_text_weight: f32,
    /// Weight of a mention in the programme's goal, tasks or measures.
    pub risk_core_weight: f32,
    /// Weight of a mention named as a risk factor («фактор риска», «направление», «…»).
    pub risk_named_weight: f32,
    /// Sentence cues that name a risk factor as such.
    pub risk_named_patterns: Patterns,
    pub risk_threshold: f32,
    /// A risk factor must score at least this share of the strongest one.
    pub risk_relative: f32,
    pub columns: ColumnCues,
}

/// Validated, compiled rules. `version` changes whenever any rule file changes.
#[derive(Debug, Clone)]
pub struct Rules {
    pub version: String,
    pub contexts: Vec<Context>,
    /// In `Element::ALL` order.
    pub elements: Vec<ElementRules>,
    pub risks: Vec<RiskRules>,
    /// Superset of all risk factors' patterns (see [`Patterns::superset`]).
    pub risk_gate: Patterns,
    pub structure: StructureRules,
    pub warnings: BTreeMap<String, String>,
}

impl Rules {
    /// Every pattern list of the rules, with where it comes from (for load errors).
    fn pattern_lists(&self) -> Vec<(String, &Patterns)> {
        let mut out: Vec<(String, &Patterns)> = Vec::new();
        for c in &self.contexts {
            out.push((format!("contexts.toml: {}", c.id), &c.patterns));
            out.push((format!("contexts.toml: {} (unless)", c.id), &c.unless));
        }
        for e in &self.elements {
            let file = format!("{}.toml", e.element.id());
            for r in &e.rules {
                out.push((format!("{file}: {}", r.id), &r.patterns));
                out.push((format!("{file}: {} (ignore)", r.id), &r.ignore));
            }
            out.push((format!("{file}: все текстовые правила"), &e.text_gate));
        }
        for r in &self.risks {
            out.push((format!("risk_factors.toml: {}", r.risk.id()), &r.patterns));
            out.push((
                format!("risk_factors.toml: {} (exclude)", r.risk.id()),
                &r.exclude,
            ));
        }
        out.push(("risk_factors.toml: все факторы".into(), &self.risk_gate));
        let s = &self.structure;
        out.push(("structure.toml: stamp_patterns".into(), &s.stamp_patterns));
        out.push((
            "structure.toml: generic_programme".into(),
            &s.generic_programme,
        ));
        out.push((
            "structure.toml: risk_named_patterns".into(),
            &s.risk_named_patterns,
        ));
        out.push(("structure.toml: thematic_title".into(), &s.thematic_title));
        out.push(("structure.toml: thematic_unless".into(), &s.thematic_unless));
        for np in &s.non_programme {
            out.push((
                format!("structure.toml: non_programme {}", np.kind),
                &np.units,
            ));
        }
        out
    }

    /// Compiles every pattern list's regexes, in parallel: loading the rules is then about
    /// half as long on two cores, and a list too large to compile is a load error.
    pub(super) fn warm(&self) -> std::result::Result<(), Vec<RuleIssue>> {
        use rayon::prelude::*;
        let issues: Vec<RuleIssue> = self
            .pattern_lists()
            .par_iter()
            .filter_map(|(what, p)| p.warm().err().map(|e| (what, e)))
            .map(|(what, e)| {
                let (file, list) = what.split_once(": ").unwrap_or(("rules", what));
                let last = e.lines().last().unwrap_or("").trim().to_string();
                RuleIssue {
                    file: file.to_string(),
                    line: None,
                    reason: format!("список шаблонов «{list}» не удалось собрать: {last}"),
                }
            })
            .collect();
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }

    pub fn element(&self, e: Element) -> Option<&ElementRules> {
        self.elements.iter().find(|r| r.element == e)
    }

    pub fn context(&self, id: &str) -> Option<&Context> {
        self.contexts.iter().find(|c| c.id == id)
    }

    pub fn warning_text(&self, code: &str) -> String {
        self.warnings
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}
