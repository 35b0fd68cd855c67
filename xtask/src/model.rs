//! The generator's own document model: what a programme says, independent of the file format.
//! Each writer (docx, odt, txt, pdf) renders the same `Program`, so the formats carry the same text.

/// Management-cycle elements in the order of `ELEMENTS`.
pub const ELEMENTS: [&str; 5] = ["goal", "measures", "indicators", "monitoring", "analysis"];

pub type Elements = [bool; 5];

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading { level: u8, text: String },
    Para(String),
    List { ordered: bool, items: Vec<String> },
    Table(Table),
    PageBreak,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Relative column widths (same length as `header`).
    pub widths: Vec<u32>,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Cells(Vec<String>),
    /// One cell merged across the whole row (a roadmap's direction heading).
    Span(String),
}

/// Ground truth for one risk-factor section of a medium-term programme.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionLabel {
    pub title: String,
    pub risk_factor: &'static str,
    pub elements: Elements,
}

/// A generated document with its ground truth (known by construction).
#[derive(Debug, Clone)]
pub struct Program {
    pub doc_type: &'static str,
    pub title: String,
    pub school: String,
    pub year_from: u32,
    pub risk_factors: Vec<&'static str>,
    pub elements: Elements,
    pub sections: Vec<SectionLabel>,
    /// A short exact quote for each present element.
    pub evidence: [Option<String>; 5],
    pub traps: Vec<&'static str>,
    pub blocks: Vec<Block>,
}

impl Program {
    pub fn cycle_complete(&self) -> bool {
        self.doc_type != "other" && self.elements.iter().all(|e| *e)
    }

    /// All visible text in reading order (for size estimates and tests).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading { text, .. } | Block::Para(text) => {
                    out.push_str(text);
                    out.push('\n');
                }
                Block::List { items, .. } => {
                    for i in items {
                        out.push_str(i);
                        out.push('\n');
                    }
                }
                Block::Table(t) => {
                    for h in &t.header {
                        out.push_str(h);
                        out.push('\n');
                    }
                    for r in &t.rows {
                        match r {
                            Row::Cells(c) => {
                                for c in c {
                                    out.push_str(c);
                                    out.push('\n');
                                }
                            }
                            Row::Span(s) => {
                                out.push_str(s);
                                out.push('\n');
                            }
                        }
                    }
                }
                Block::PageBreak => {}
            }
        }
        out
    }
}

/// Escape text for XML character data and attribute values.
pub fn xml_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}
