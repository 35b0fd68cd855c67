//! DOCX writer: the minimal WordprocessingML package Word itself produces for such documents
//! (styles, numbering, tables with a repeated header row and merged direction rows).
//! Style ids vary the way real files do: English ids ("Heading1") or Russian Word's numeric
//! ids ("1") whose names say "heading 1", so extractors must resolve styles, not match ids.

use std::io::Write;

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::model::{Block, Program, Row, Table, xml_escape};
use crate::rng::Rng;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// Text width of A4 with 2 cm margins, in twentieths of a point.
const TEXT_WIDTH_TWIPS: u32 = 9638;

pub fn write(p: &Program, rng: &mut Rng, pages: u32) -> anyhow::Result<Vec<u8>> {
    let numeric_styles = rng.chance(0.5);
    let split_runs = rng.chance(0.5);
    let mut body = String::with_capacity(64 * 1024);
    for b in &p.blocks {
        block(&mut body, b, numeric_styles, split_runs, rng);
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut put = |name: &str, data: &str| -> anyhow::Result<()> {
        zip.start_file(name, opts)?;
        zip.write_all(data.as_bytes())?;
        Ok(())
    };
    put("[Content_Types].xml", CONTENT_TYPES)?;
    put("_rels/.rels", RELS)?;
    put("word/_rels/document.xml.rels", DOC_RELS)?;
    put("word/document.xml", &document)?;
    put("word/styles.xml", &styles(numeric_styles))?;
    put("word/numbering.xml", NUMBERING)?;
    let mut title = String::new();
    xml_escape(&p.title, &mut title);
    put(
        "docProps/core.xml",
        &format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{title}</dc:title><dc:creator>shnor-gen</dc:creator><dcterms:created xsi:type=\"dcterms:W3CDTF\">{}-09-01T00:00:00Z</dcterms:created></cp:coreProperties>",
            p.year_from
        ),
    )?;
    put(
        "docProps/app.xml",
        &format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>shnor-gen</Application><Pages>{pages}</Pages></Properties>"
        ),
    )?;
    Ok(zip.finish()?.into_inner())
}

fn block(out: &mut String, b: &Block, numeric_styles: bool, split_runs: bool, rng: &mut Rng) {
    match b {
        Block::Heading { level, text } => {
            let id = if numeric_styles {
                level.to_string()
            } else {
                format!("Heading{level}")
            };
            out.push_str(&format!("<w:p><w:pPr><w:pStyle w:val=\"{id}\"/></w:pPr>"));
            runs(out, text, false, rng);
            out.push_str("</w:p>");
        }
        Block::Para(text) => {
            out.push_str("<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr>");
            runs(out, text, split_runs, rng);
            out.push_str("</w:p>");
        }
        Block::List { ordered, items } => {
            let num = if *ordered { 2 } else { 1 };
            for i in items {
                out.push_str(&format!(
                    "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{num}\"/></w:numPr></w:pPr>"
                ));
                runs(out, i, split_runs, rng);
                out.push_str("</w:p>");
            }
        }
        Block::Table(t) => table(out, t, rng),
        Block::PageBreak => out.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"),
    }
}

/// Text as one run, or split at word boundaries into several (as editing history leaves it).
fn runs(out: &mut String, text: &str, split: bool, rng: &mut Rng) {
    let pieces: Vec<&str> = if split && text.len() > 40 {
        let cut = text
            .char_indices()
            .filter(|(_, c)| *c == ' ')
            .map(|(i, _)| i)
            .nth(rng.range(1, 4) as usize)
            .unwrap_or(text.len());
        vec![&text[..cut], &text[cut..]]
    } else {
        vec![text]
    };
    for piece in pieces.into_iter().filter(|p| !p.is_empty()) {
        out.push_str("<w:r><w:t xml:space=\"preserve\">");
        xml_escape(piece, out);
        out.push_str("</w:t></w:r>");
    }
}

fn table(out: &mut String, t: &Table, rng: &mut Rng) {
    let total: u32 = t.widths.iter().sum();
    let cols: Vec<u32> = t
        .widths
        .iter()
        .map(|w| w * TEXT_WIDTH_TWIPS / total.max(1))
        .collect();
    out.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        out.push_str(&format!(
            "<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
        ));
    }
    out.push_str("</w:tblBorders></w:tblPr><w:tblGrid>");
    for c in &cols {
        out.push_str(&format!("<w:gridCol w:w=\"{c}\"/>"));
    }
    out.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (h, w) in t.header.iter().zip(&cols) {
        cell(out, h, *w, 1, true, rng);
    }
    out.push_str("</w:tr>");
    for r in &t.rows {
        out.push_str("<w:tr>");
        match r {
            Row::Cells(cells) => {
                for (c, w) in cells.iter().zip(&cols) {
                    cell(out, c, *w, 1, false, rng);
                }
            }
            Row::Span(text) => cell(out, text, TEXT_WIDTH_TWIPS, cols.len(), true, rng),
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl><w:p/>");
}

fn cell(out: &mut String, text: &str, width: u32, span: usize, bold: bool, rng: &mut Rng) {
    out.push_str(&format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
    ));
    if span > 1 {
        out.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
    }
    out.push_str("</w:tcPr><w:p>");
    if bold {
        out.push_str("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">");
        xml_escape(text, out);
        out.push_str("</w:t></w:r>");
    } else {
        runs(out, text, false, rng);
    }
    out.push_str("</w:p></w:tc>");
}

fn styles(numeric: bool) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/><w:sz w:val=\"24\"/><w:lang w:val=\"ru-RU\"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/></w:style>",
    );
    for level in 1..=3 {
        let id = if numeric {
            level.to_string()
        } else {
            format!("Heading{level}")
        };
        let size = 34 - 4 * level;
        s.push_str(&format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"heading {level}\"/><w:basedOn w:val=\"a\"/><w:next w:val=\"a\"/><w:pPr><w:keepNext/><w:outlineLvl w:val=\"{}\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"{size}\"/></w:rPr></w:style>",
            level - 1
        ));
    }
    s.push_str("<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/><w:basedOn w:val=\"a\"/><w:pPr><w:ind w:left=\"720\"/></w:pPr></w:style><w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/></w:style></w:styles>");
    s
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>";

const RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>";

const DOC_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/></Relationships>";

const NUMBERING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"•\"/><w:pPr><w:ind w:left=\"720\" w:hanging=\"360\"/></w:pPr></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId=\"1\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/><w:pPr><w:ind w:left=\"720\" w:hanging=\"360\"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num><w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num></w:numbering>";
