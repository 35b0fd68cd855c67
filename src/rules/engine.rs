//! The pattern engine: rule patterns prepared for folded text, combined into one matcher per
//! list, gated by a loose superset on the lazy DFA.

use std::fmt;

use regex_automata::{hybrid, meta, nfa::thompson};
use regex_syntax::hir::{self, Hir, HirKind, Look};

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
pub(super) struct Prepared {
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

pub(super) fn prepare(src: &str) -> std::result::Result<Prepared, String> {
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

    pub(super) fn from_parts(parts: Vec<Prepared>) -> Patterns {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
