//! The tantivy schema and the mapping `Document` + `CheckReport` → tantivy documents.
//!
//! Every source document becomes one `kind = document` entry (metadata, whole text, filter
//! fields, facets) and one `kind = section` entry per section (source, section title, section
//! text), so a hit can name the section that matched. Sections have text fields of their own
//! (`section_title`, `section_body`): ranking documents then never walks section postings.

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::analyzer;
use crate::model::{Block, CheckReport, Document, RiskFactor};

pub const KIND_DOCUMENT: &str = "document";
pub const KIND_SECTION: &str = "section";

/// Programmes span a few years; a longer range is a parsing accident and would flood the facet.
const MAX_YEAR_SPAN: u16 = 20;
/// Bound on section entries per document, so a pathological heading structure stays cheap.
const MAX_SECTIONS: usize = 1000;

/// Handles of every field in the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub kind: Field,
    pub source: Field,
    pub hash: Field,
    pub rules_version: Field,
    pub title: Field,
    pub school: Field,
    pub region: Field,
    pub body: Field,
    pub section_title: Field,
    pub section_body: Field,
    pub section_block: Field,
    pub section_risk: Field,
    pub doc_type: Field,
    pub risk: Field,
    pub missing: Field,
    pub complete: Field,
    pub year_from: Field,
    pub year_to: Field,
    pub facet: Field,
}

impl Fields {
    /// Resolve the field handles of a schema built by `build_schema` (or opened from disk).
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            kind: f("kind")?,
            source: f("source")?,
            hash: f("hash")?,
            rules_version: f("rules_version")?,
            title: f("title")?,
            school: f("school")?,
            region: f("region")?,
            body: f("body")?,
            section_title: f("section_title")?,
            section_body: f("section_body")?,
            section_block: f("section_block")?,
            section_risk: f("section_risk")?,
            doc_type: f("doc_type")?,
            risk: f("risk")?,
            missing: f("missing")?,
            complete: f("complete")?,
            year_from: f("year_from")?,
            year_to: f("year_to")?,
            facet: f("facet")?,
        })
    }
}

pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    let russian = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyzer::RUSSIAN)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let opts = TextOptions::default().set_indexing_options(indexing);
        if stored { opts.set_stored() } else { opts }
    };
    b.add_text_field("kind", STRING | FAST | STORED);
    b.add_text_field("source", STRING | FAST | STORED);
    b.add_text_field("hash", STRING | FAST | STORED);
    b.add_text_field("rules_version", STRING | FAST | STORED);
    b.add_text_field("title", russian(true));
    b.add_text_field("school", russian(true));
    b.add_text_field("region", russian(true));
    b.add_text_field("body", russian(true));
    b.add_text_field("section_title", russian(true));
    b.add_text_field("section_body", russian(true));
    b.add_u64_field("section_block", STORED);
    b.add_text_field("section_risk", STRING | STORED);
    b.add_text_field("doc_type", STRING | STORED);
    b.add_text_field("risk", STRING | STORED);
    b.add_text_field("missing", STRING | STORED);
    b.add_bool_field("complete", INDEXED | FAST | STORED);
    b.add_u64_field("year_from", INDEXED | FAST | STORED);
    b.add_u64_field("year_to", INDEXED | FAST | STORED);
    b.add_facet_field("facet", FacetOptions::default());
    b.build()
}

/// A searchable part of a document: a risk-factor section of a medium-term programme, or the
/// blocks under one heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    /// Index of the block where the section starts (`Location::block`).
    pub block: u32,
    pub risk_factor: Option<RiskFactor>,
    pub text: String,
}

/// Sections of a document: the checker's sections when it found any (medium-term programmes),
/// otherwise one per heading, running to the next heading.
pub fn sections(doc: &Document, report: &CheckReport) -> Vec<Section> {
    if report.sections.is_empty() {
        heading_sections(doc)
    } else {
        report_sections(doc, report)
    }
}

fn report_sections(doc: &Document, report: &CheckReport) -> Vec<Section> {
    let n = doc.blocks.len();
    let mut starts: Vec<usize> = report
        .sections
        .iter()
        .map(|s| (s.location.block as usize).min(n))
        .collect();
    starts.sort_unstable();
    report
        .sections
        .iter()
        .take(MAX_SECTIONS)
        .map(|s| {
            let start = (s.location.block as usize).min(n);
            // The section runs to the next section that starts after it.
            let end = starts.iter().copied().find(|&b| b > start).unwrap_or(n);
            Section {
                title: s.title.clone(),
                block: s.location.block,
                risk_factor: s.risk_factor,
                text: blocks_text(doc.blocks.get(start..end).unwrap_or_default()),
            }
        })
        .collect()
}

fn heading_sections(doc: &Document) -> Vec<Section> {
    let mut out = Vec::new();
    let mut current: Option<(String, u32, Vec<&Block>)> = None;
    let flush = |cur: Option<(String, u32, Vec<&Block>)>, out: &mut Vec<Section>| {
        if let Some((title, block, blocks)) = cur {
            let text = blocks
                .iter()
                .map(|b| b.text())
                .filter(|t| !t.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            out.push(Section {
                title,
                block,
                risk_factor: None,
                text,
            });
        }
    };
    for (i, block) in doc.blocks.iter().enumerate() {
        if let Block::Heading { text, .. } = block {
            if out.len() >= MAX_SECTIONS {
                break;
            }
            flush(current.take(), &mut out);
            if !text.trim().is_empty() {
                current = Some((text.trim().to_string(), i as u32, vec![block]));
            }
        } else if let Some((_, _, blocks)) = current.as_mut() {
            blocks.push(block);
        }
    }
    if out.len() < MAX_SECTIONS {
        flush(current, &mut out);
    }
    out
}

fn blocks_text(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(Block::text)
        .filter(|t| !t.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Years as stored: a missing end means the programme is known only by its start, and vice versa.
pub fn year_range(report: &CheckReport) -> Option<(u16, u16)> {
    match (report.year_from, report.year_to) {
        (Some(a), Some(b)) if a <= b => Some((a, b)),
        (Some(a), Some(b)) => Some((b, a)),
        (Some(a), None) | (None, Some(a)) => Some((a, a)),
        (None, None) => None,
    }
}

/// Title shown for a document: the checker's, else the file's metadata title.
pub fn title(doc: &Document, report: &CheckReport) -> Option<String> {
    report
        .title
        .clone()
        .or_else(|| doc.metadata.title.clone())
        .filter(|t| !t.trim().is_empty())
}

/// All tantivy entries for one source document: the document itself, then its sections.
pub fn entries(f: &Fields, doc: &Document, report: &CheckReport) -> Vec<TantivyDocument> {
    let mut document = TantivyDocument::default();
    document.add_text(f.source, &doc.source);
    document.add_text(f.hash, &doc.hash);
    document.add_text(f.rules_version, &report.rules_version);
    if let Some(t) = title(doc, report) {
        document.add_text(f.title, t);
    }
    if let Some(s) = &report.school {
        document.add_text(f.school, s);
    }
    if let Some(r) = &report.region {
        document.add_text(f.region, r);
    }
    document.add_text(f.doc_type, report.doc_type.id());
    let mut risks = report.risk_factors.clone();
    risks.sort_unstable();
    risks.dedup();
    for r in &risks {
        document.add_text(f.risk, r.id());
    }
    let missing = report.missing();
    for e in &missing {
        document.add_text(f.missing, e.id());
    }
    document.add_bool(f.complete, report.cycle_complete);
    let years = year_range(report);
    if let Some((from, to)) = years {
        document.add_u64(f.year_from, u64::from(from));
        document.add_u64(f.year_to, u64::from(to));
    }

    document.add_text(f.kind, KIND_DOCUMENT);
    document.add_text(f.body, doc.text());
    document.add_facet(
        f.facet,
        Facet::from_path(["doc_type", report.doc_type.id()]),
    );
    for r in &risks {
        document.add_facet(f.facet, Facet::from_path(["risk", r.id()]));
    }
    for e in &missing {
        document.add_facet(f.facet, Facet::from_path(["missing", e.id()]));
    }
    let complete = if report.cycle_complete {
        "true"
    } else {
        "false"
    };
    document.add_facet(f.facet, Facet::from_path(["complete", complete]));
    if let Some((from, to)) = years {
        for y in from..=to.min(from.saturating_add(MAX_YEAR_SPAN)) {
            document.add_facet(
                f.facet,
                Facet::from_path(["year".to_string(), y.to_string()]),
            );
        }
    }
    if let Some(r) = report.region.as_deref().filter(|r| !r.trim().is_empty()) {
        document.add_facet(f.facet, Facet::from_path(["region", r.trim()]));
    }

    let mut out = vec![document];
    for s in sections(doc, report) {
        let mut entry = TantivyDocument::default();
        entry.add_text(f.kind, KIND_SECTION);
        entry.add_text(f.source, &doc.source);
        entry.add_text(f.section_title, &s.title);
        entry.add_u64(f.section_block, u64::from(s.block));
        if let Some(r) = s.risk_factor {
            entry.add_text(f.section_risk, r.id());
        }
        entry.add_text(f.section_body, &s.text);
        out.push(entry);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Location, Metadata, SectionReport};

    fn para(t: &str) -> Block {
        Block::Paragraph {
            text: t.into(),
            loc: Location::default(),
        }
    }

    fn heading(t: &str) -> Block {
        Block::Heading {
            level: 2,
            text: t.into(),
            loc: Location::default(),
        }
    }

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            source: "x".into(),
            format: Format::Txt,
            hash: "h".into(),
            metadata: Metadata::default(),
            blocks,
            furniture: vec![],
            notes: vec![],
            warnings: vec![],
        }
    }

    fn report(sections: Vec<SectionReport>) -> CheckReport {
        CheckReport {
            schema_version: crate::model::SCHEMA_VERSION,
            source: "x".into(),
            format: Format::Txt,
            hash: "h".into(),
            rules_version: "r".into(),
            doc_type: crate::model::DocType::MediumTermProgramme,
            title: None,
            school: None,
            region: None,
            year_from: Some(2025),
            year_to: Some(2023),
            risk_factors: vec![],
            elements: vec![],
            sections,
            cycle_complete: false,
            warnings: vec![],
            roadmap_rows: vec![],
            pages: None,
        }
    }

    fn section(title: &str, block: u32) -> SectionReport {
        SectionReport {
            title: title.into(),
            risk_factor: None,
            location: Location {
                page: None,
                block,
                cell: None,
            },
            elements: vec![],
            cycle_complete: false,
        }
    }

    #[test]
    fn heading_sections_split_at_every_heading() {
        let d = doc(vec![
            para("преамбула"),
            heading("Первый"),
            para("а"),
            para("б"),
            heading("  "),
            heading("Второй"),
            para("в"),
        ]);
        let s = sections(&d, &report(vec![]));
        let got: Vec<(&str, u32, &str)> = s
            .iter()
            .map(|s| (s.title.as_str(), s.block, s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Первый", 1, "Первый\n\nа\n\nб"),
                ("Второй", 5, "Второй\n\nв")
            ]
        );
    }

    #[test]
    fn report_sections_run_to_the_next_section_and_tolerate_bad_locations() {
        let d = doc(vec![para("0"), para("1"), para("2"), para("3")]);
        // Out of order and out of range locations must neither panic nor overlap.
        let r = report(vec![section("Б", 2), section("А", 0), section("В", 99)]);
        let s = sections(&d, &r);
        let got: Vec<(&str, &str)> = s
            .iter()
            .map(|s| (s.title.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(got, [("Б", "2\n\n3"), ("А", "0\n\n1"), ("В", "")]);
        // Reversed years are put in order.
        assert_eq!(year_range(&r), Some((2023, 2025)));
    }
}
