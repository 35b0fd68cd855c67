//! Fixture builders: DOCX/ODT packages written with the zip writer from literal XML.

#![allow(dead_code)]

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

/// A zip package from (name, content) pairs; the first entry is stored uncompressed so that
/// an ODT `mimetype` can come first as the format requires.
pub fn zip_package(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (i, (name, data)) in entries.iter().enumerate() {
        let method = if i == 0 && *name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        w.start_file(
            *name,
            SimpleFileOptions::default().compression_method(method),
        )
        .expect("start zip entry");
        w.write_all(data).expect("write zip entry");
    }
    w.finish().expect("finish zip").into_inner()
}

pub const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml""#;

const DOC_RELS_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#;

/// A DOCX with the given body XML (inside w:body) and optional extra parts, each listed in
/// the document relationships with its type suffix: ("styles", xml), ("numbering", xml),
/// ("footnotes", xml), ("endnotes", xml), ("header", xml), ("footer", xml).
pub fn docx(body: &str, parts: &[(&str, &str)], core: Option<&str>) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let root_rels = format!(
        r#"{DOC_RELS_HEAD}<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#
    );
    let mut rels = DOC_RELS_HEAD.to_string();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (kind, xml)) in parts.iter().enumerate() {
        let file = format!("{kind}{i}.xml");
        rels.push_str(&format!(
            r#"<Relationship Id="rIdP{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{file}"/>"#
        ));
        files.push((format!("word/{file}"), xml.as_bytes().to_vec()));
    }
    rels.push_str("</Relationships>");
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        (
            "[Content_Types].xml".into(),
            content_types.as_bytes().to_vec(),
        ),
        ("_rels/.rels".into(), root_rels.into_bytes()),
        ("word/document.xml".into(), document.into_bytes()),
        ("word/_rels/document.xml.rels".into(), rels.into_bytes()),
    ];
    entries.extend(files);
    if let Some(core) = core {
        entries.push(("docProps/core.xml".into(), core.as_bytes().to_vec()));
    }
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip_package(&refs)
}

/// Wrap a part's inner XML in its root element with the WordprocessingML namespaces.
pub fn w_part(root: &str, inner: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:{root} {W_NS}>{inner}</w:{root}>"#)
}

pub fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

pub fn p_styled(style: &str, text: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
}

pub const ODF_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0""#;

/// An ODT with the given office:text content, automatic styles and optional styles.xml and
/// manifest.
pub fn odt(text: &str, auto_styles: &str, styles: Option<&str>, manifest: Option<&str>) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS}><office:automatic-styles>{auto_styles}</office:automatic-styles><office:body><office:text>{text}</office:text></office:body></office:document-content>"#
    );
    let meta = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NS}><office:meta><dc:title>Программа развития</dc:title><meta:initial-creator>Иванова А. А.</meta:initial-creator><meta:creation-date>2024-02-01T10:00:00</meta:creation-date></office:meta></office:document-meta>"#
    );
    let manifest = manifest.unwrap_or(
        r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>"#,
    );
    let mut entries: Vec<(&str, Vec<u8>)> = vec![
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.text".to_vec(),
        ),
        ("content.xml", content.into_bytes()),
        ("meta.xml", meta.into_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes().to_vec()),
    ];
    if let Some(s) = styles {
        entries.push(("styles.xml", s.as_bytes().to_vec()));
    }
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (*n, d.as_slice())).collect();
    zip_package(&refs)
}
