//! Rules as data: `rules/*.toml` loaded and validated once into `Rules` (issue #6).
//!
//! The rule files are configuration an expert edits without recompiling. Loading parses every
//! file, checks every reference and compiles every pattern; any problem becomes a `RuleIssue`
//! naming the file, the line and the reason, so a broken edit fails at load, never mid-check.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use regex::{Regex, RegexBuilder};
use regex_automata::{hybrid, meta, nfa::thompson};
use regex_syntax::hir::{self, Hir, HirKind, Look};
use serde::Deserialize;
use toml::Spanned;

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

/// A list of patterns matched as one: a combined alternation scans the text once.
///
/// Loading only parses and prepares the patterns; the regexes are compiled by
/// [`Rules::warm`], all lists in parallel (compiling is most of the rules' load time).
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    /// Each pattern, prepared for folded text (see [`prepare`]).
    parts: Vec<Prepared>,
    /// Built from the loose forms only: a filter (see [`Patterns::superset`]).
    superset: bool,
    built: std::sync::OnceLock<std::result::Result<Built, String>>,
    /// Each pattern on its own, built on first use: only [`Patterns::blank`] needs them, and
    /// building them all up front cost a third of the rules' load time and memory.
    list: std::sync::OnceLock<Vec<meta::Regex>>,
}

#[derive(Debug, Clone)]
struct Built {
    /// All patterns as one regex; a [`Filter`] of the loose forms for a superset.
    any: Matcher,
    /// The loose superset of all patterns (see [`Prepared`]): it runs on the fast lazy DFA and
    /// rejects most sentences, which match nothing, before the exact patterns run. A Unicode
    /// `\b` makes the exact patterns fall back to the slow engines on Cyrillic text.
    gate: Option<Filter>,
}

#[derive(Debug, Clone)]
enum Matcher {
    Exact(meta::Regex),
    Filter(Filter),
}

/// A forward-only lazy DFA that answers «can this match?» for loose forms, which never need
/// match positions. A full regex also keeps a reverse automaton and fallback engines with
/// per-thread scratch space sized by the automaton: for the gates and supersets that was
/// most of `review`'s memory.
#[derive(Clone)]
struct Filter(std::sync::Arc<FilterInner>);

type CachePool = regex_automata::util::pool::Pool<
    hybrid::dfa::Cache,
    Box<
        dyn Fn() -> hybrid::dfa::Cache
            + Send
            + Sync
            + std::panic::RefUnwindSafe
            + std::panic::UnwindSafe,
    >,
>;

struct FilterInner {
    dfa: hybrid::dfa::DFA,
    caches: CachePool,
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Filter")
    }
}

impl Filter {
    fn new(hir: &Hir) -> std::result::Result<Filter, String> {
        let nfa = thompson::Compiler::new()
            .configure(thompson::Config::new().nfa_size_limit(Some(32 << 20)))
            .build_from_hir(hir)
            .map_err(|e| e.to_string())?;
        let pre = regex_automata::util::prefilter::Prefilter::from_hir_prefix(
            regex_automata::MatchKind::LeftmostFirst,
            hir,
        );
        let dfa = hybrid::dfa::DFA::builder()
            .configure(
                hybrid::dfa::Config::new()
                    .cache_capacity(DFA_CACHE_BYTES)
                    .prefilter(pre),
            )
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        let for_caches = dfa.clone();
        let caches: CachePool =
            regex_automata::util::pool::Pool::new(Box::new(move || for_caches.create_cache()));
        Ok(Filter(std::sync::Arc::new(FilterInner { dfa, caches })))
    }

    /// False only when `text` certainly has no match; true also when the DFA gives up.
    fn may_match(&self, text: &str) -> bool {
        let mut cache = self.0.caches.get();
        let input = regex_automata::Input::new(text).earliest(true);
        match self.0.dfa.try_search_fwd(&mut cache, &input) {
            Ok(m) => m.is_some(),
            Err(_) => true,
        }
    }
}

impl Matcher {
    fn is_match(&self, text: &str) -> bool {
        match self {
            Matcher::Exact(r) => r.is_match(text),
            Matcher::Filter(f) => f.may_match(text),
        }
    }
}

/// Lazy-DFA cache per regex and thread. Patterns such as `[^.;]{0,160}` between two word lists
/// create many DFA states; with the crate's default (2 MB) the cache thrashed, the DFA gave up
/// and the slow PikeVM ran instead: `review` spent 80 % of its time there on 12-page documents.
const DFA_CACHE_BYTES: usize = 8 << 20;

/// Compiles a prepared pattern. Built from the HIR directly: printing it back to a string
/// and parsing that again (classes such as `\w` spelt out range by range) doubled load time.
fn build(hir: &Hir) -> std::result::Result<meta::Regex, String> {
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(32 << 20))
                .hybrid_cache_capacity(DFA_CACHE_BYTES),
        )
        .build_from_hir(hir)
        .map_err(|e| e.to_string())
}

/// A rule pattern made ready for folded text (see [`fold`]), and its loose superset.
///
/// Literals are folded like the text and small classes get both cases, so the regexes run
/// case-sensitively: a case-insensitive Cyrillic literal is a chain of two-letter classes, which
/// left the regex crate only short literal prefixes to skip text with.
#[derive(Debug, Clone)]
struct Prepared {
    exact: Hir,
    /// The pattern with word-boundary assertions removed and bounded repetitions opened
    /// (`{0,160}` → `*`), when that changes it: it matches wherever the exact pattern could
    /// and runs on the lazy DFA, which a Unicode `\b` or a long counter would defeat.
    loose: Option<Hir>,
}

impl Prepared {
    fn loose_or_exact(&self) -> &Hir {
        self.loose.as_ref().unwrap_or(&self.exact)
    }
}

fn prepare(src: &str) -> std::result::Result<Prepared, String> {
    let hir = regex_syntax::Parser::new()
        .parse(src)
        .map_err(|e| e.to_string())?;
    let exact = fold_hir(hir);
    let mut changed = false;
    let loose = loosen(&exact, &mut changed);
    Ok(Prepared {
        exact,
        loose: changed.then_some(loose),
    })
}

/// `hir` matching folded text: literals folded, classes closed under case.
fn fold_hir(hir: Hir) -> Hir {
    match hir.into_kind() {
        HirKind::Literal(hir::Literal(bytes)) => match std::str::from_utf8(&bytes) {
            Ok(s) => Hir::literal(fold(s).into_bytes()),
            Err(_) => Hir::literal(bytes),
        },
        HirKind::Class(mut c) => {
            match &mut c {
                // Folding walks every code point. Large classes (`\w`, `[^.;]`) are closed
                // under case already; small ones (`[А-Я]`, `[её]`) are what needs it.
                hir::Class::Unicode(u) if class_size(u) <= 4096 => u.case_fold_simple(),
                hir::Class::Bytes(b) => b.case_fold_simple(),
                _ => {}
            }
            Hir::class(c)
        }
        HirKind::Repetition(r) => Hir::repetition(hir::Repetition {
            sub: Box::new(fold_hir(*r.sub)),
            ..r
        }),
        HirKind::Capture(c) => Hir::capture(hir::Capture {
            sub: Box::new(fold_hir(*c.sub)),
            ..c
        }),
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(fold_hir).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.into_iter().map(fold_hir).collect()),
        HirKind::Empty => Hir::empty(),
        HirKind::Look(l) => Hir::look(l),
    }
}

fn class_size(c: &hir::ClassUnicode) -> u32 {
    c.ranges()
        .iter()
        .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
        .sum()
}

/// A superset of `hir` without word boundaries and with bounded repetitions unbounded.
fn loosen(hir: &Hir, changed: &mut bool) -> Hir {
    match hir.kind() {
        HirKind::Look(l) => match l {
            Look::Start
            | Look::End
            | Look::StartLF
            | Look::EndLF
            | Look::StartCRLF
            | Look::EndCRLF => hir.clone(),
            _ => {
                *changed = true;
                Hir::empty()
            }
        },
        HirKind::Repetition(r) => {
            let open = r.max.is_some_and(|max| max > r.min.max(1));
            *changed |= open;
            Hir::repetition(hir::Repetition {
                min: r.min,
                max: if open { None } else { r.max },
                greedy: r.greedy,
                sub: Box::new(loosen(&r.sub, changed)),
            })
        }
        HirKind::Capture(c) => Hir::capture(hir::Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(loosen(&c.sub, changed)),
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(|h| loosen(h, changed)).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.iter().map(|h| loosen(h, changed)).collect())
        }
        _ => hir.clone(),
    }
}

impl Patterns {
    /// Parses and prepares `srcs` as one matcher for folded text.
    pub fn new(srcs: &[String]) -> std::result::Result<Patterns, String> {
        let parts = srcs
            .iter()
            .map(|s| prepare(s))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Patterns::from_parts(parts))
    }

    fn from_parts(parts: Vec<Prepared>) -> Patterns {
        Patterns {
            parts,
            ..Patterns::default()
        }
    }

    /// A filter that matches wherever any of `lists` could match (their loose forms in one
    /// regex). One scan of it tells that a sentence needs none of the lists' own scans, which
    /// is the common case: most sentences name no risk factor and fit no rule of an element.
    pub fn superset<'a>(lists: impl IntoIterator<Item = &'a Patterns>) -> Patterns {
        Patterns {
            parts: lists
                .into_iter()
                .flat_map(|l| l.parts.iter().cloned())
                .collect(),
            superset: true,
            ..Patterns::default()
        }
    }

    fn compile(&self) -> std::result::Result<Built, String> {
        let loose = || {
            Hir::alternation(
                self.parts
                    .iter()
                    .map(|p| p.loose_or_exact().clone())
                    .collect(),
            )
        };
        if self.superset {
            return Ok(Built {
                any: Matcher::Filter(Filter::new(&loose())?),
                gate: None,
            });
        }
        let any = Matcher::Exact(build(&Hir::alternation(
            self.parts.iter().map(|p| p.exact.clone()).collect(),
        ))?);
        let gate = if self.parts.iter().any(|p| p.loose.is_some()) {
            Some(Filter::new(&loose())?)
        } else {
            None
        };
        Ok(Built { any, gate })
    }

    /// Compiles the regexes now (else on first use); the error says why they cannot be.
    pub fn warm(&self) -> std::result::Result<(), String> {
        if self.parts.is_empty() {
            return Ok(());
        }
        match self.built.get_or_init(|| self.compile()) {
            Ok(_) => Ok(()),
            Err(e) => Err(e.clone()),
        }
    }

    fn built(&self) -> Option<&Built> {
        if self.parts.is_empty() {
            return None;
        }
        self.built.get_or_init(|| self.compile()).as_ref().ok()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    pub fn is_match(&self, text: &str) -> bool {
        let Some(b) = self.built() else {
            return false;
        };
        b.gate.as_ref().is_none_or(|g| g.may_match(text)) && b.any.is_match(text)
    }

    /// The leftmost match (start, end).
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        let b = self.built()?;
        if !b.gate.as_ref().is_none_or(|g| g.may_match(text)) {
            return None;
        }
        match &b.any {
            Matcher::Exact(r) => r.find(text).map(|m| (m.start(), m.end())),
            // A filter knows no positions; callers use `find` on exact lists only.
            Matcher::Filter(_) => None,
        }
    }

    fn list(&self) -> &[meta::Regex] {
        self.list.get_or_init(|| {
            self.parts
                .iter()
                .filter_map(|p| build(&p.exact).ok())
                .collect()
        })
    }

    /// `text` with every match replaced by spaces (byte offsets kept).
    pub fn blank(&self, text: &str) -> String {
        let mut out = text.to_string();
        if !self.is_match(text) {
            return out;
        }
        for p in self.list() {
            let spans: Vec<std::ops::Range<usize>> =
                p.find_iter(out.as_str()).map(|m| m.range()).collect();
            for r in spans {
                let spaces = " ".repeat(r.len());
                out.replace_range(r, &spaces);
            }
        }
        out
    }
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
        out
    }

    /// Compiles every pattern list's regexes, in parallel: loading the rules is then about
    /// half as long on two cores, and a list too large to compile is a load error.
    fn warm(&self) -> std::result::Result<(), Vec<RuleIssue>> {
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

/// Lower-case and fold «ё» to «е» without changing byte offsets, so a match in the folded text
/// can be cut from the original text as an exact quote.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let folded = match c {
            // Fast paths for the text's own alphabets; the general case looks up Unicode tables.
            'a'..='z' | 'а'..='я' | ' ' | '0'..='9' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            'ё' | 'Ё' => 'е',
            _ => {
                let mut lower = c.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                    _ => c,
                }
            }
        };
        out.push(folded);
    }
    out
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
    columns: RawColumns,
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

fn compile(files: &[(String, String)]) -> std::result::Result<Rules, Vec<RuleIssue>> {
    let mut issues = Vec::new();
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_str())
    };

    let mut hasher = blake3::Hasher::new();
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (n, c) in sorted {
        hasher.update(n.as_bytes());
        hasher.update(&[0]);
        hasher.update(c.as_bytes());
        hasher.update(&[0]);
    }
    let version = hasher.finalize().to_hex()[..16].to_string();

    // contexts.toml first: element rules refer to its ids.
    let mut contexts = Vec::new();
    if let Some(text) = get("contexts.toml") {
        let mut cx = Ctx {
            file: "contexts.toml",
            text,
            issues: &mut issues,
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
    }

    let mut elements: Vec<ElementRules> = Vec::new();
    let mut rule_ids = BTreeSet::new();
    for e in Element::ALL {
        let name = format!("{}.toml", e.id());
        let Some(text) = get(&name) else { continue };
        let mut cx = Ctx {
            file: &name,
            text,
            issues: &mut issues,
        };
        let Some(raw) = cx.parse::<RawElement>() else {
            continue;
        };
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
                                format!(
                                    "anchors: «{other}» — допустимо «heading», «label», «column»"
                                ),
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
        elements.push(ElementRules {
            element: e,
            threshold: *raw.threshold.get_ref(),
            recommendation: raw.recommendation.into_inner(),
            weak_recommendation: raw.weak_recommendation.into_inner(),
            rules,
            text_gate,
        });
    }

    let mut risks = Vec::new();
    let mut risk_gate = Patterns::default();
    if let Some(text) = get("risk_factors.toml") {
        let mut cx = Ctx {
            file: "risk_factors.toml",
            text,
            issues: &mut issues,
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
    }

    let mut structure = None;
    if let Some(text) = get("structure.toml") {
        let mut cx = Ctx {
            file: "structure.toml",
            text,
            issues: &mut issues,
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
            structure = Some(StructureRules {
                generic_programme,
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
    }

    let mut warnings = BTreeMap::new();
    if let Some(text) = get("warnings.toml") {
        let mut cx = Ctx {
            file: "warnings.toml",
            text,
            issues: &mut issues,
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
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin_files() -> Vec<(String, String)> {
        BUILTIN
            .iter()
            .map(|(n, c)| (n.to_string(), c.to_string()))
            .collect()
    }

    #[test]
    fn prepared_patterns_are_folded_and_loosened_only_where_needed() {
        let p = prepare(r"\bЦел(ь|и)\b{end}\s\\b[А-Я]{0,60}x").expect("parses");
        let exact = build(&p.exact).expect("exact compiles");
        let loose = build(p.loose.as_ref().expect("loosened")).expect("loose compiles");
        // Literals are folded like the text; classes keep both cases.
        assert!(exact.is_match("цели \\bабвx"));
        assert!(exact.is_match("цели \\bАБВx"));
        assert!(!exact.is_match("Цели \\bабвx"));
        // Without the boundaries and the counter, the loose form matches more.
        assert!(!exact.is_match("подцели \\bx"));
        assert!(loose.is_match("подцели \\bx"));
        let long = format!("цели \\b{}x", "а".repeat(61));
        assert!(!exact.is_match(&long) && loose.is_match(&long));
        // Nothing to loosen: no loose form; `?` and exact counts stay as they are.
        assert!(
            prepare(r"\w+\s\d{4}(год)?")
                .expect("parses")
                .loose
                .is_none()
        );
        assert!(prepare(r"(").is_err());
    }

    #[test]
    fn the_gate_never_changes_what_patterns_match() {
        let p = Patterns::new(&[r"\bмонитор\w*".into(), r"\bсрез(ы|ов)\b".into()])
            .expect("test patterns");
        assert!(p.built().is_some_and(|b| b.gate.is_some()));
        // «срезы» inside a longer word is not a word on its own: the exact patterns decide.
        assert!(!p.is_match("подсрезыватель и пр."));
        assert!(!p.is_match("контроль знаний"));
        assert!(p.is_match("Проводятся срезы знаний"));
        assert_eq!(p.find("Итоги: мониторинг"), Some((12, 32)));
        assert_eq!(
            p.blank("ещё срезы"),
            format!("ещё {}", " ".repeat("срезы".len()))
        );
        assert_eq!(p.blank("ничего"), "ничего");
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
    fn fold_keeps_offsets() {
        let s = "ЁЛКА Ёж «Цель»";
        let f = fold(s);
        assert_eq!(f.len(), s.len());
        assert_eq!(f, "елка еж «цель»");
    }

    #[test]
    fn fold_fast_paths_agree_with_unicode_lowercase() {
        for c in (0u32..0x530).filter_map(char::from_u32) {
            let mut lower = c.to_lowercase();
            let slow = match (lower.next(), lower.next()) {
                _ if c == 'ё' || c == 'Ё' => 'е',
                (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                _ => c,
            };
            assert_eq!(fold(&c.to_string()), slow.to_string(), "U+{:04X}", c as u32);
        }
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
