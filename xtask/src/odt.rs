//! ODT writer: an OpenDocument text package (mimetype stored first, manifest, content, styles,
//! meta) with outline headings, lists and tables, as LibreOffice writes them.

use std::io::Write;

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::model::{Block, Program, Row, xml_escape};

const NS: &str = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" office:version=\"1.3\"";

pub fn write(p: &Program, pages: u32) -> anyhow::Result<Vec<u8>> {
    let mut body = String::with_capacity(64 * 1024);
    let mut tables = 0;
    for b in &p.blocks {
        match b {
            Block::Heading { level, text } => {
                body.push_str(&format!(
                    "<text:h text:style-name=\"Heading_20_{level}\" text:outline-level=\"{level}\">"
                ));
                xml_escape(text, &mut body);
                body.push_str("</text:h>");
            }
            Block::Para(text) => para(&mut body, text, "Text_20_body"),
            Block::List { ordered, items } => {
                let style = if *ordered {
                    "Numbering_20_123"
                } else {
                    "List_20_1"
                };
                body.push_str(&format!("<text:list text:style-name=\"{style}\">"));
                for i in items {
                    body.push_str("<text:list-item>");
                    para(&mut body, i, "List_20_Contents");
                    body.push_str("</text:list-item>");
                }
                body.push_str("</text:list>");
            }
            Block::Table(t) => {
                tables += 1;
                let n = t.header.len();
                body.push_str(&format!(
                    "<table:table table:name=\"Таблица{tables}\"><table:table-column table:number-columns-repeated=\"{n}\"/><table:table-header-rows><table:table-row>"
                ));
                for h in &t.header {
                    cell(&mut body, h, 1);
                }
                body.push_str("</table:table-row></table:table-header-rows>");
                for r in &t.rows {
                    body.push_str("<table:table-row>");
                    match r {
                        Row::Cells(cells) => {
                            for c in cells {
                                cell(&mut body, c, 1);
                            }
                        }
                        Row::Span(s) => {
                            cell(&mut body, s, n);
                            for _ in 1..n {
                                body.push_str("<table:covered-table-cell/>");
                            }
                        }
                    }
                    body.push_str("</table:table-row>");
                }
                body.push_str("</table:table>");
            }
            Block::PageBreak => body.push_str("<text:p text:style-name=\"PageBreak\"/>"),
        }
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {NS}><office:automatic-styles><style:style style:name=\"PageBreak\" style:family=\"paragraph\"><style:paragraph-properties fo:break-after=\"page\"/></style:style></office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"
    );
    let mut title = String::new();
    xml_escape(&p.title, &mut title);
    let meta = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta {NS}><office:meta><dc:title>{title}</dc:title><meta:generator>shnor-gen</meta:generator><meta:creation-date>{}-09-01T00:00:00</meta:creation-date><meta:document-statistic meta:page-count=\"{pages}\"/></office:meta></office:document-meta>",
        p.year_from
    );
    let styles = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-styles {NS}><office:styles><style:style style:name=\"Heading_20_1\" style:display-name=\"Heading 1\" style:family=\"paragraph\" style:default-outline-level=\"1\"/><style:style style:name=\"Heading_20_2\" style:display-name=\"Heading 2\" style:family=\"paragraph\" style:default-outline-level=\"2\"/><style:style style:name=\"Text_20_body\" style:display-name=\"Text body\" style:family=\"paragraph\"/></office:styles></office:document-styles>"
    );

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/vnd.oasis.opendocument.text")?;
    for (name, data) in [
        ("META-INF/manifest.xml", MANIFEST),
        ("content.xml", content.as_str()),
        ("styles.xml", styles.as_str()),
        ("meta.xml", meta.as_str()),
    ] {
        zip.start_file(name, deflated)?;
        zip.write_all(data.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn para(out: &mut String, text: &str, style: &str) {
    out.push_str(&format!("<text:p text:style-name=\"{style}\">"));
    xml_escape(text, out);
    out.push_str("</text:p>");
}

fn cell(out: &mut String, text: &str, span: usize) {
    if span > 1 {
        out.push_str(&format!(
            "<table:table-cell table:number-columns-spanned=\"{span}\" office:value-type=\"string\">"
        ));
    } else {
        out.push_str("<table:table-cell office:value-type=\"string\">");
    }
    para(out, text, "Table_20_Contents");
    out.push_str("</table:table-cell>");
}

const MANIFEST: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/><manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/><manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";
