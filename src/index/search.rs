//! Queries: the user's text (words, "phrases", AND/OR/NOT, +/-; Russian И/ИЛИ/НЕ too) over
//! title, section title, school, region and body, combined with exact filters. Ranking is BM25
//! over `kind = document` entries; each hit then looks up its best-matching section entry for
//! the section title and a focused snippet.

use std::collections::{BTreeMap, HashMap};
use std::ops::{Bound, Range};

use serde::Serialize;
use tantivy::collector::{Collector, Count, FacetCollector, SegmentCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EnableScoring, Occur, Query, QueryParser, RangeQuery,
    Scorer, TermQuery, TermSetQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, DocId, DocSet, Index, Score, Searcher, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};

use super::analyzer;
use super::schema::{self, Fields};
use super::{Archive, index_err, stored_str};
use crate::error::Result;
use crate::model::{DocType, Element, RiskFactor};

/// Snippet length bound. tantivy counts bytes; Cyrillic takes two, so this is ~160 letters.
const SNIPPET_BYTES: usize = 320;
/// Largest accepted `limit`.
pub const MAX_LIMIT: usize = 1000;

/// Field boosts: a word in the title or a section heading says more than one in the body.
const BOOSTS: [(&str, f32); 6] = [
    ("title", 3.0),
    ("school", 1.0),
    ("region", 1.0),
    ("body", 1.0),
    ("section_title", 2.0),
    ("section_body", 1.0),
];

/// A search request. `SearchQuery::new("…")` gives the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    /// Free text; empty means "all documents" (filters still apply).
    pub text: String,
    /// Every listed risk factor must be among the document's.
    pub risk: Vec<RiskFactor>,
    pub doc_type: Option<DocType>,
    /// Only documents whose management cycle is (or is not) complete.
    pub complete: Option<bool>,
    /// Only documents whose years cover this year.
    pub year: Option<u16>,
    /// Every listed element must be missing (not `Present`) in the document.
    pub missing: Vec<Element>,
    /// Number of hits to return (1..=`MAX_LIMIT`).
    pub limit: usize,
    /// Compute facet counts over all matching documents.
    pub facets: bool,
    /// Look up sections and build snippets (off for evaluation, which needs only the ranking).
    pub snippets: bool,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            risk: Vec::new(),
            doc_type: None,
            complete: None,
            year: None,
            missing: Vec::new(),
            limit: 10,
            facets: false,
            snippets: true,
        }
    }
}

impl SearchQuery {
    pub fn new(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Number of documents that match (all of them, not only the returned hits).
    pub total: u64,
    pub hits: Vec<Hit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<FacetCounts>,
}

/// One matching document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub source: String,
    pub score: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub doc_type: DocType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_from: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_to: Option<u16>,
    pub risk_factors: Vec<RiskFactor>,
    pub cycle_complete: bool,
    /// Elements not present in the document, in cycle order.
    pub missing: Vec<Element>,
    /// The section that matched best, when the match is inside one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<SectionHit>,
    pub snippet: Snippet,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionHit {
    pub title: String,
    /// Index of the block where the section starts (`Location::block`).
    pub block: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_factor: Option<RiskFactor>,
}

/// A fragment of the matching text with the matched words marked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges into `text` of the matched words, sorted and disjoint.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The text with every highlight wrapped in `open` … `close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 16);
        let mut pos = 0;
        for r in &self.highlights {
            let (Some(before), Some(word)) =
                (self.text.get(pos..r.start), self.text.get(r.clone()))
            else {
                continue;
            };
            out.push_str(before);
            out.push_str(open);
            out.push_str(word);
            out.push_str(close);
            pos = r.end;
        }
        out.push_str(self.text.get(pos..).unwrap_or_default());
        out
    }
}

/// Counts of matching documents per facet value, most frequent first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FacetCounts {
    pub doc_type: Vec<FacetValue>,
    pub risk: Vec<FacetValue>,
    pub complete: Vec<FacetValue>,
    pub missing: Vec<FacetValue>,
    pub year: Vec<FacetValue>,
    pub region: Vec<FacetValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    /// Machine value: a doc type / risk / element id, "true"/"false", a year, a region name.
    pub id: String,
    /// Russian label for people.
    pub label: String,
    pub count: u64,
}

/// Parsers for the two kinds of entries: documents (title, school, region, body) and
/// sections (section title and text).
pub(crate) fn query_parsers(index: &Index, f: &Fields) -> (QueryParser, QueryParser) {
    (
        query_parser(index, vec![f.title, f.school, f.region, f.body]),
        query_parser(index, vec![f.section_title, f.section_body]),
    )
}

fn query_parser(index: &Index, fields: Vec<tantivy::schema::Field>) -> QueryParser {
    let mut parser = QueryParser::for_index(index, fields);
    let schema = index.schema();
    for (name, boost) in BOOSTS {
        if let Ok(field) = schema.get_field(name) {
            parser.set_field_boost(field, boost);
        }
    }
    parser
}

pub(crate) fn run(archive: &Archive, q: &SearchQuery) -> Result<SearchResults> {
    let (reader, f, parser, section_parser) = archive.parts();
    let searcher = reader.searcher();
    let limit = q.limit.clamp(1, MAX_LIMIT);
    // Callers check first to give the user the precise reason; this keeps every library caller
    // safe from the parser's recursion too.
    super::query::check_query_text(&q.text)
        .map_err(|e| crate::error::Error::Index(e.message_ru()))?;
    let text = TextQuery::parse(&searcher, parser, f.body, &q.text)?;

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (
            Occur::Must,
            text.as_ref().map_or_else(
                || Box::new(AllQuery) as Box<dyn Query>,
                |t| t.base.box_clone(),
            ),
        ),
        (Occur::Must, term(f.kind, schema::KIND_DOCUMENT)),
    ];
    clauses.extend(filters(f, q).into_iter().map(|c| (Occur::Must, c)));
    let doc_query = BooleanQuery::new(clauses);

    // With a proximity bonus to apply, fetch a wider window and re-rank it.
    let fetch = match text.as_ref().and_then(|t| t.phrase.as_ref()) {
        Some(_) => limit.max(RERANK_WINDOW),
        None => limit,
    };
    let top = TopDocs::with_limit(fetch).order_by_score();
    let (mut top_docs, total, facet_counts) = if q.facets {
        let mut fc = FacetCollector::for_field("facet");
        for root in [
            "/doc_type",
            "/risk",
            "/complete",
            "/missing",
            "/year",
            "/region",
        ] {
            fc.add_facet(root);
        }
        let (t, n, c) = searcher
            .search(&doc_query, &(top, Count, fc))
            .map_err(index_err)?;
        (t, n, Some(facets(&c)))
    } else {
        let (t, n) = searcher
            .search(&doc_query, &(top, Count))
            .map_err(index_err)?;
        (t, n, None)
    };
    if let Some(phrase) = text.as_ref().and_then(|t| t.phrase.as_ref()) {
        rerank_by_proximity(&searcher, phrase.as_ref(), &mut top_docs)?;
    }
    top_docs.truncate(limit);

    let mut hits = Vec::with_capacity(top_docs.len());
    for (score, address) in top_docs {
        let doc: TantivyDocument = searcher.doc(address).map_err(index_err)?;
        hits.push((hit_from(f, &doc, score), doc));
    }
    let text = match (text, q.snippets) {
        (Some(t), true) => t,
        _ => {
            return Ok(finish(
                hits.into_iter().map(|(h, _)| h).collect(),
                total,
                facet_counts,
            ));
        }
    };
    let section_text = TextQuery::parse(&searcher, section_parser, f.section_body, &q.text)?;
    let sources: Vec<&str> = hits.iter().map(|(h, _)| h.source.as_str()).collect();
    let sections = match &section_text {
        Some(t) => best_sections(&searcher, f, t.base.as_ref(), &sources)?,
        None => HashMap::new(),
    };
    let section_snippets = match &section_text {
        Some(t) => Some(Snippeter::new(&searcher, t.base.as_ref(), f.section_body)?),
        None => None,
    };
    let document_snippets = Snippeter::new(&searcher, text.base.as_ref(), f.body)?;
    let hits = hits
        .into_iter()
        .map(|(mut hit, doc)| {
            match sections.get(&hit.source) {
                Some((section, body)) => {
                    hit.section = Some(section.clone());
                    hit.snippet = make_snippet(section_snippets.as_ref(), body);
                }
                None => {
                    let body = stored_str(&doc, f.body).unwrap_or_default();
                    hit.snippet = make_snippet(Some(&document_snippets), &body);
                }
            }
            hit
        })
        .collect();
    Ok(finish(hits, total, facet_counts))
}

fn finish(mut hits: Vec<Hit>, total: usize, facets: Option<FacetCounts>) -> SearchResults {
    // Equal scores are ordered by source so output never depends on segment layout.
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.source.cmp(&b.source))
    });
    SearchResults {
        total: total as u64,
        hits,
        facets,
    }
}

/// How many top documents get the proximity bonus; below that the order is plain BM25.
const RERANK_WINDOW: usize = 50;

/// The parsed user text.
struct TextQuery {
    /// What decides whether a document matches, and its BM25 score.
    base: Box<dyn Query>,
    /// For plain multi-word queries: the words as a sloppy phrase in the body, whose score is
    /// added to the best documents so that «родительского собрания» ranks above a text that
    /// merely contains both words apart. Applied to a window of top hits only, because phrase
    /// matching reads positions and is costly over every matching document.
    phrase: Option<Box<dyn Query>>,
}

impl TextQuery {
    /// `None` when the text is blank (match everything).
    fn parse(
        searcher: &Searcher,
        parser: &QueryParser,
        body: tantivy::schema::Field,
        text: &str,
    ) -> Result<Option<TextQuery>> {
        let prepared = prepare_query_text(text);
        if prepared.trim().is_empty() {
            return Ok(None);
        }
        // Lenient: a stray quote or bracket must not turn a search into an error.
        let base = parser.parse_query_lenient(&prepared).0;
        if !is_plain(text) {
            return Ok(Some(TextQuery { base, phrase: None }));
        }
        let words = prepared.split_whitespace().count();
        let phrase = (words >= 2).then(|| {
            parser
                .parse_query_lenient(&format!("body:\"{}\"~{PHRASE_SLOP}", prepared.trim()))
                .0
        });
        let base = with_derived_forms(searcher, base, &prepared, body)?;
        Ok(Some(TextQuery { base, phrase }))
    }
}

/// Add `PHRASE_BOOST` × the phrase score to each hit and sort again (best first, ties by
/// address). Scorers only move forward, so hits are visited per segment in doc order.
fn rerank_by_proximity(
    searcher: &Searcher,
    phrase: &dyn Query,
    hits: &mut [(f32, DocAddress)],
) -> Result<()> {
    let weight = phrase
        .weight(EnableScoring::enabled_from_searcher(searcher))
        .map_err(index_err)?;
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_by_key(|&i| hits.get(i).map(|h| h.1));
    let mut current: Option<(u32, Box<dyn Scorer>)> = None;
    for i in order {
        let Some((score, address)) = hits.get_mut(i) else {
            continue;
        };
        if current
            .as_ref()
            .is_none_or(|(seg, _)| *seg != address.segment_ord)
        {
            let reader = searcher.segment_reader(address.segment_ord);
            current = Some((
                address.segment_ord,
                weight.scorer(reader, 1.0).map_err(index_err)?,
            ));
        }
        if let Some((_, scorer)) = current.as_mut() {
            let mut doc = scorer.doc();
            if doc < address.doc_id {
                doc = scorer.seek(address.doc_id);
            }
            if doc == address.doc_id {
                *score += PHRASE_BOOST * scorer.score();
            }
        }
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(())
}

/// Words that may stand between the query words for the proximity bonus.
const PHRASE_SLOP: u32 = 3;
const PHRASE_BOOST: f32 = 2.0;

/// True for words without any query syntax (quotes, operators, fields, groups).
fn is_plain(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    !words.is_empty()
        && !text.contains(['"', ':', '(', ')', '[', ']', '{', '}', '^', '~', '*'])
        && words.iter().all(|w| {
            !w.starts_with(['+', '-']) && !matches!(*w, "AND" | "OR" | "NOT" | "И" | "ИЛИ" | "НЕ")
        })
}

/// Stems at least this long (in letters) also match words they begin: «профориентац» finds
/// «профориентационная работа». Shorter stems would match too much («школ» → «школьный»).
const MIN_PREFIX_STEM_CHARS: usize = 6;
/// Bound on the derived words one stem expands to.
const MAX_DERIVED_FORMS: usize = 20;
/// Weight of a derived form relative to the word itself.
const DERIVED_FORM_BOOST: f32 = 0.5;

/// Add derived forms to a plain-words query. The Snowball stemmer strips endings but does not
/// relate a noun to its adjective («профориентация» / «профориентационная»), which matters for
/// Russian programme vocabulary. Indexed words that start with a long stem are added as
/// ordinary, down-weighted terms (BM25-scored and highlighted like the rest); stems without
/// such words add nothing.
fn with_derived_forms(
    searcher: &Searcher,
    base: Box<dyn Query>,
    prepared: &str,
    field: tantivy::schema::Field,
) -> Result<Box<dyn Query>> {
    let mut stems = analyzer::terms(prepared);
    stems.sort_unstable();
    stems.dedup();
    let mut derived: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for stem in stems
        .iter()
        .filter(|s| s.chars().count() >= MIN_PREFIX_STEM_CHARS)
    {
        for word in words_with_prefix(searcher, field, stem)? {
            derived.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &word),
                    IndexRecordOption::WithFreqs,
                )),
            ));
        }
    }
    if derived.is_empty() {
        return Ok(base);
    }
    Ok(Box::new(BooleanQuery::new(vec![
        (Occur::Should, base),
        (
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(derived)),
                DERIVED_FORM_BOOST,
            )),
        ),
    ])))
}

/// Indexed terms of `field` that start with `stem` and are longer, sorted, at most
/// `MAX_DERIVED_FORMS`.
fn words_with_prefix(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    stem: &str,
) -> Result<Vec<String>> {
    let mut out = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field).map_err(index_err)?;
        let mut stream = inverted
            .terms()
            .range()
            .gt(stem.as_bytes())
            .into_stream()
            .map_err(crate::error::Error::Io)?;
        while stream.advance() && out.len() < MAX_DERIVED_FORMS {
            let key = stream.key();
            if !key.starts_with(stem.as_bytes()) {
                break;
            }
            if let Ok(word) = std::str::from_utf8(key) {
                out.insert(word.to_string());
            }
        }
    }
    Ok(out.into_iter().take(MAX_DERIVED_FORMS).collect())
}

/// «SWOT-анализ» → «SWOT анализ»: a hyphen inside a word would make the parser demand the
/// exact phrase, missing «анализ (SWOT)»; the proximity bonus still ranks the phrase first.
/// A leading hyphen (exclusion) is kept.
fn split_hyphens(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let inner = i > 0
                && chars.get(i - 1).is_some_and(|p| p.is_alphanumeric())
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
            if c == '-' && inner { ' ' } else { c }
        })
        .collect()
}

/// Field names a user may target with `field:word`.
/// Only document-entry fields: a section field here would let section entries into the ranking.
const QUERY_FIELDS: [&str; 4] = ["title", "school", "region", "body"];

/// Translate Russian operators (И, ИЛИ, НЕ as whole upper-case words) into the query grammar's
/// AND, OR, NOT, and neutralise colons that do not follow a field name («цель: рост» is text).
/// Quoted phrases pass through untouched.
pub fn prepare_query_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_quotes = false;
    for (i, part) in text.split('"').enumerate() {
        if i > 0 {
            out.push('"');
        }
        if in_quotes {
            out.push_str(part);
        } else {
            let words: Vec<String> = part
                .split(' ')
                .map(|w| match w {
                    "И" => "AND".to_string(),
                    "ИЛИ" => "OR".to_string(),
                    "НЕ" => "NOT".to_string(),
                    w => match w.split_once(':') {
                        Some((field, _)) if QUERY_FIELDS.contains(&field) => w.to_string(),
                        Some(_) => split_hyphens(&w.replace(':', " ")),
                        None => split_hyphens(w),
                    },
                })
                .collect();
            out.push_str(&words.join(" "));
        }
        in_quotes = !in_quotes;
    }
    out
}

fn term(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

fn filters(f: &Fields, q: &SearchQuery) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if let Some(t) = q.doc_type {
        out.push(term(f.doc_type, t.id()));
    }
    for r in &q.risk {
        out.push(term(f.risk, r.id()));
    }
    for e in &q.missing {
        out.push(term(f.missing, e.id()));
    }
    if let Some(c) = q.complete {
        out.push(Box::new(TermQuery::new(
            Term::from_field_bool(f.complete, c),
            IndexRecordOption::Basic,
        )));
    }
    if let Some(y) = q.year {
        let y = u64::from(y);
        out.push(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_u64(f.year_from, y)),
        )));
        out.push(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_u64(f.year_to, y)),
            Bound::Unbounded,
        )));
    }
    out
}

/// The section entry of `source` that matches the text best, with its stored text.
/// For each of `sources`, its section entry that matches the text best, with the stored
/// section text. One query for all hits; the grouping reads the `source` fast field.
fn best_sections(
    searcher: &Searcher,
    f: &Fields,
    text_query: &dyn Query,
    sources: &[&str],
) -> Result<HashMap<String, (SectionHit, String)>> {
    if sources.is_empty() {
        return Ok(HashMap::new());
    }
    let query = BooleanQuery::new(vec![
        (Occur::Must, text_query.box_clone()),
        (Occur::Must, term(f.kind, schema::KIND_SECTION)),
        (
            Occur::Must,
            Box::new(TermSetQuery::new(
                sources.iter().map(|s| Term::from_field_text(f.source, s)),
            )),
        ),
    ]);
    let best = searcher.search(&query, &BestPerSource).map_err(index_err)?;
    let mut out = HashMap::with_capacity(best.len());
    for (source, (_, address)) in best {
        let doc: TantivyDocument = searcher.doc(address).map_err(index_err)?;
        let section = SectionHit {
            title: stored_str(&doc, f.section_title).unwrap_or_default(),
            block: stored_u64(&doc, f.section_block)
                .and_then(|b| u32::try_from(b).ok())
                .unwrap_or(0),
            risk_factor: stored_str(&doc, f.section_risk).and_then(|r| RiskFactor::from_id(&r)),
        };
        out.insert(
            source,
            (
                section,
                stored_str(&doc, f.section_body).unwrap_or_default(),
            ),
        );
    }
    Ok(out)
}

/// Collects the best-scoring entry per `source` value (ties: the lower address).
struct BestPerSource;

type BestBySource = HashMap<String, (Score, DocAddress)>;

fn better(a: (Score, DocAddress), b: (Score, DocAddress)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

impl Collector for BestPerSource {
    type Fruit = BestBySource;
    type Child = BestPerSourceSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<BestPerSourceSegment> {
        Ok(BestPerSourceSegment {
            segment_ord,
            column: segment.fast_fields().str("source")?,
            best: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<BestBySource>) -> tantivy::Result<BestBySource> {
        let mut out = BestBySource::new();
        for fruit in fruits {
            for (source, candidate) in fruit {
                match out.get(&source) {
                    Some(&current) if !better(candidate, current) => {}
                    _ => {
                        out.insert(source, candidate);
                    }
                }
            }
        }
        Ok(out)
    }
}

struct BestPerSourceSegment {
    segment_ord: SegmentOrdinal,
    column: Option<StrColumn>,
    /// Term ordinal of the source in this segment → best (score, doc).
    best: HashMap<u64, (Score, DocId)>,
}

impl SegmentCollector for BestPerSourceSegment {
    type Fruit = BestBySource;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(ord) = self.column.as_ref().and_then(|c| c.term_ords(doc).next()) else {
            return;
        };
        let entry = self.best.entry(ord).or_insert((score, doc));
        if score > entry.0 {
            *entry = (score, doc);
        }
    }

    fn harvest(self) -> BestBySource {
        let mut out = BestBySource::new();
        let Some(column) = self.column else {
            return out;
        };
        let mut source = String::new();
        for (ord, (score, doc)) in self.best {
            source.clear();
            if column.ord_to_str(ord, &mut source).unwrap_or(false) {
                out.insert(
                    source.clone(),
                    (score, DocAddress::new(self.segment_ord, doc)),
                );
            }
        }
        out
    }
}

fn make_snippet(snippeter: Option<&Snippeter>, body: &str) -> Snippet {
    snippeter
        .and_then(|s| s.snippet(body))
        // Nothing to highlight (filters only, or a title-only match): show the beginning.
        .unwrap_or_else(|| Snippet {
            text: leading_text(body, SNIPPET_BYTES),
            highlights: Vec::new(),
        })
}

/// Passages longer than this are cut to a window around the first matched word.
const MAX_PASSAGE_BYTES: usize = 1200;

/// Snippets without stemming whole documents: tantivy's generator analyzes every word it is
/// given, so it only sees the paragraph where the query's stems weigh most. Snowball Russian
/// stems are prefixes of the lower-cased, ё-folded word, so a plain text scan finds them.
struct Snippeter {
    generator: SnippetGenerator,
    /// Query stems of the field with their weight: rare words count more, as in tantivy's
    /// own fragment scoring.
    stems: Vec<(String, f32)>,
}

impl Snippeter {
    fn new(searcher: &Searcher, query: &dyn Query, body: tantivy::schema::Field) -> Result<Self> {
        let mut generator = SnippetGenerator::create(searcher, query, body).map_err(index_err)?;
        generator.set_max_num_chars(SNIPPET_BYTES);
        let mut terms: Vec<Term> = Vec::new();
        query.query_terms(&mut |term, _| {
            if term.field() == body && !terms.contains(term) {
                terms.push(term.clone());
            }
        });
        let mut stems = Vec::with_capacity(terms.len());
        for term in terms {
            if let Some(s) = term.value().as_str() {
                let df = searcher.doc_freq(&term).map_err(index_err)?;
                stems.push((s.to_string(), 1.0 / (1.0 + df as f32)));
            }
        }
        Ok(Snippeter { generator, stems })
    }

    fn snippet(&self, body: &str) -> Option<Snippet> {
        let passage = best_passage(body, &self.stems)?;
        let s = self.generator.snippet(passage);
        (!s.is_empty()).then(|| Snippet {
            text: s.fragment().to_string(),
            highlights: s.highlighted().to_vec(),
        })
    }
}

/// The paragraph (line) of `body` whose distinct stems at word starts weigh most (the first
/// such line on ties), cut to a window around the first stem when long.
fn best_passage<'a>(body: &'a str, stems: &[(String, f32)]) -> Option<&'a str> {
    let mut best: Option<(f32, &str, usize)> = None;
    for line in body.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let folded = analyzer::fold_yo(&line.to_lowercase());
        let (mut weight, mut found) = (0.0, 0);
        let mut first = usize::MAX;
        for (stem, w) in stems {
            if let Some(pos) = word_prefix_position(&folded, stem) {
                weight += w;
                found += 1;
                first = first.min(pos);
            }
        }
        if found > 0 && best.is_none_or(|(b, _, _)| weight > b) {
            // Lower-casing keeps byte offsets for Cyrillic and Latin; otherwise start at 0.
            let first = if folded.len() == line.len() { first } else { 0 };
            best = Some((weight, line, first));
            if found == stems.len() {
                break;
            }
        }
    }
    let (_, line, first) = best?;
    Some(window(line, first, MAX_PASSAGE_BYTES))
}

/// Byte position of the first occurrence of `stem` that starts a word.
fn word_prefix_position(text: &str, stem: &str) -> Option<usize> {
    if stem.is_empty() {
        return None;
    }
    text.match_indices(stem).map(|(i, _)| i).find(|&i| {
        text.get(..i)
            .and_then(|before| before.chars().next_back())
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// At most `max` bytes of `text`, starting a quarter window before `pos`, on char boundaries.
fn window(text: &str, pos: usize, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = pos.saturating_sub(max / 4).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + max).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(start..end).unwrap_or(text)
}

/// At most `max_bytes` of `text` from its start, cut at a word boundary, whitespace collapsed.
fn leading_text(text: &str, max_bytes: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.len() <= max_bytes {
        return collapsed;
    }
    let mut end = max_bytes;
    while !collapsed.is_char_boundary(end) {
        end -= 1;
    }
    let cut = collapsed
        .get(..end)
        .and_then(|s| s.rfind(' ').map(|i| &s[..i]))
        .unwrap_or_else(|| collapsed.get(..end).unwrap_or_default());
    cut.to_string()
}

fn stored_u64(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<u64> {
    doc.get_first(field).and_then(|v| v.as_u64())
}

fn stored_all(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn hit_from(f: &Fields, doc: &TantivyDocument, score: f32) -> Hit {
    let year = |field| stored_u64(doc, field).and_then(|y| u16::try_from(y).ok());
    let mut missing: Vec<Element> = stored_all(doc, f.missing)
        .iter()
        .filter_map(|e| Element::from_id(e))
        .collect();
    missing.sort_unstable();
    Hit {
        source: stored_str(doc, f.source).unwrap_or_default(),
        score,
        title: stored_str(doc, f.title),
        school: stored_str(doc, f.school),
        region: stored_str(doc, f.region),
        doc_type: stored_str(doc, f.doc_type)
            .and_then(|t| DocType::from_id(&t))
            .unwrap_or(DocType::Other),
        year_from: year(f.year_from),
        year_to: year(f.year_to),
        risk_factors: stored_all(doc, f.risk)
            .iter()
            .filter_map(|r| RiskFactor::from_id(r))
            .collect(),
        cycle_complete: doc
            .get_first(f.complete)
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        missing,
        section: None,
        snippet: Snippet::default(),
    }
}

fn facets(counts: &tantivy::collector::FacetCounts) -> FacetCounts {
    let values = |root: &str, label: &dyn Fn(&str) -> String| -> Vec<FacetValue> {
        let mut v: Vec<FacetValue> = counts
            .get(root)
            .filter_map(|(facet, count)| {
                let id = last_segment(facet)?;
                Some(FacetValue {
                    label: label(&id),
                    id,
                    count,
                })
            })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
        v
    };
    let mut year = values("/year", &|y| y.to_string());
    // Years read best in calendar order.
    year.sort_by(|a, b| a.id.cmp(&b.id));
    FacetCounts {
        doc_type: values("/doc_type", &|id| {
            DocType::from_id(id).map_or_else(|| id.to_string(), |d| d.label_ru().to_string())
        }),
        risk: values("/risk", &|id| {
            RiskFactor::from_id(id).map_or_else(|| id.to_string(), |r| r.label_ru().to_string())
        }),
        complete: values("/complete", &|id| {
            if id == "true" {
                "полный цикл"
            } else {
                "цикл неполный"
            }
            .to_string()
        }),
        missing: values("/missing", &|id| {
            Element::from_id(id).map_or_else(|| id.to_string(), |e| e.label_ru().to_string())
        }),
        year,
        region: values("/region", &|r| r.to_string()),
    }
}

fn last_segment(facet: &Facet) -> Option<String> {
    facet.to_path().last().map(|s| s.to_string())
}

/// Facet counts keyed for quick lookup in tests and callers: "doc_type/concept" → count.
pub fn flatten(f: &FacetCounts) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (root, values) in [
        ("doc_type", &f.doc_type),
        ("risk", &f.risk),
        ("complete", &f.complete),
        ("missing", &f.missing),
        ("year", &f.year),
        ("region", &f.region),
    ] {
        for v in values {
            out.insert(format!("{root}/{}", v.id), v.count);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_operators_and_colons() {
        assert_eq!(prepare_query_text("клуб И родители"), "клуб AND родители");
        assert_eq!(
            prepare_query_text("клуб ИЛИ кружок НЕ спорт"),
            "клуб OR кружок NOT спорт"
        );
        // Inside quotes and in lower case the words are text.
        assert_eq!(
            prepare_query_text("\"клуб И родители\" и"),
            "\"клуб И родители\" и"
        );
        assert_eq!(prepare_query_text("цель: рост"), "цель  рост");
        assert_eq!(
            prepare_query_text("title:наставничество"),
            "title:наставничество"
        );
    }

    #[test]
    fn plain_words_detection() {
        assert!(is_plain("родительские собрания"));
        assert!(is_plain("наставничество"));
        assert!(is_plain("SWOT-анализ"));
        assert!(!is_plain(" "));
        assert!(!is_plain("\"родительские собрания\""));
        assert!(!is_plain("клуб -спорт"));
        assert!(!is_plain("клуб OR кружок"));
        assert!(!is_plain("title:клуб кружок"));
    }

    #[test]
    fn passage_is_the_line_whose_stems_weigh_most() {
        let stems = vec![("родительск".to_string(), 0.1), ("клуб".to_string(), 0.2)];
        let body =
            "Пример: клубника.\nРодительский совет.\nРабота Родительского клуба «Ёлочка».\nКлуб.";
        assert_eq!(
            best_passage(body, &stems),
            Some("Работа Родительского клуба «Ёлочка».")
        );
        // «клубника» starts with the stem and counts; «суперклуб» does not.
        assert_eq!(best_passage("суперклуб", &stems), None);
        // A rare word outweighs a common one.
        let weighted = vec![
            ("педагог".to_string(), 0.01),
            ("наставничеств".to_string(), 0.5),
        ];
        let text = "Педагогов 19.\nСистема наставничества.";
        assert_eq!(
            best_passage(text, &weighted),
            Some("Система наставничества.")
        );
        assert_eq!(best_passage("", &stems), None);
        assert_eq!(
            word_prefix_position("ёж и клуб", "клуб"),
            Some("ёж и ".len())
        );
    }

    #[test]
    fn window_respects_char_boundaries() {
        let text = "я".repeat(5000);
        let w = window(&text, 5001, 1001);
        assert!(w.len() <= 1001 && !w.is_empty());
        assert!(w.chars().all(|c| c == 'я'));
        assert_eq!(window("короткий", 3, 100), "короткий");
    }

    #[test]
    fn marked_snippet_and_leading_text() {
        let s = Snippet {
            text: "родительского собрания итог".into(),
            highlights: vec![Range {
                start: 0,
                end: "родительского".len(),
            }],
        };
        assert_eq!(s.marked("«", "»"), "«родительского» собрания итог");
        // Out-of-range highlights are ignored rather than panicking.
        let bad = Snippet {
            text: "ёж".into(),
            highlights: vec![1..2, 10..20],
        };
        assert_eq!(bad.marked("[", "]"), "ёж");
        assert_eq!(leading_text("раз  два\nтри", 100), "раз два три");
        let long = "слово ".repeat(100);
        let cut = leading_text(&long, 21);
        assert_eq!(cut, "слово");
    }
}
