//! DOCX extraction on packages built in the test: headings, lists, tables with merged and
//! nested cells, notes, headers/footers, tracked changes, fields, text boxes, limits.

mod common;

use std::io::{Cursor, Write};
use std::time::Instant;

use common::{docx, p, p_styled, w_part};
use shnor::extract::{Limits, Options, extract_bytes};
use shnor::model::{Block, Document, Table};

fn extract(bytes: &[u8]) -> Document {
    extract_bytes("test.docx", bytes, &Options::default()).expect("extracts")
}

fn styles() -> String {
    w_part(
        "styles",
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Заголовок 2"/></w:style>
<w:style w:type="paragraph" w:styleId="MyTitle3"><w:name w:val="Мой стиль"/><w:basedOn w:val="Outline3"/></w:style>
<w:style w:type="paragraph" w:styleId="Outline3"><w:name w:val="Раздел"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>"#,
    )
}

fn numbering() -> String {
    w_part(
        "numbering",
        r#"<w:abstractNum w:abstractNumId="10"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="russianLower"/><w:lvlText w:val="%2)"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="20"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>"#,
    )
}

fn numbered(num: u32, level: u32, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

fn tc(props: &str, content: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>")
}

fn only_table(doc: &Document) -> &Table {
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .expect("a table")
}

#[test]
fn headings_from_names_outline_levels_and_based_on_chains() {
    let body = [
        p_styled("1", "Паспорт программы"),
        p_styled("a3", "Цель и задачи"),
        p_styled("MyTitle3", "Показатели"),
        p("Обычный абзац о мониторинге."),
        r#"<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Прямой уровень</w:t></w:r></w:p>"#.to_string(),
    ]
    .concat();
    let doc = extract(&docx(&body, &[("styles", &styles())], None));
    let got: Vec<(Option<u8>, String)> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text, .. } => (Some(*level), text.clone()),
            other => (None, other.text()),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(1), "Паспорт программы".to_string()),
            (Some(2), "Цель и задачи".to_string()),
            (Some(3), "Показатели".to_string()),
            (None, "Обычный абзац о мониторинге.".to_string()),
            (Some(1), "Прямой уровень".to_string()),
        ]
    );
}

#[test]
fn list_levels_and_markers_from_numbering() {
    let body = [
        numbered(1, 0, "Цель"),
        numbered(1, 1, "первая задача"),
        numbered(1, 1, "вторая задача"),
        numbered(1, 0, "Мероприятия"),
        numbered(1, 1, "снова с начала"),
        p_styled("ListBullet", "пункт со стилем-списком"),
    ]
    .concat();
    let doc = extract(&docx(
        &body,
        &[("styles", &styles()), ("numbering", &numbering())],
        None,
    ));
    let items: Vec<(u8, Option<String>, String)> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::ListItem {
                level,
                marker,
                text,
                ..
            } => (*level, marker.clone(), text.clone()),
            other => panic!("expected list items, got {other:?}"),
        })
        .collect();
    let m = |s: &str| Some(s.to_string());
    assert_eq!(
        items,
        vec![
            (0, m("1."), "Цель".into()),
            (1, m("а)"), "первая задача".into()),
            (1, m("б)"), "вторая задача".into()),
            (0, m("2."), "Мероприятия".into()),
            (1, m("а)"), "снова с начала".into()),
            (0, m("•"), "пункт со стилем-списком".into()),
        ]
    );
}

#[test]
fn table_with_grid_span_vertical_merge_and_nested_table() {
    let nested = format!(
        "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
        tc("", &p("внутри 1")),
        tc("", &p("внутри 2"))
    );
    let body = format!(
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>\
         <w:tr><w:trPr><w:tblHeader/></w:trPr>{}{}</w:tr>\
         <w:tr>{}{}{}</w:tr>\
         <w:tr>{}{}{}</w:tr></w:tbl>",
        tc(r#"<w:gridSpan w:val="2"/>"#, &p("Мероприятие и сроки")),
        tc("", &p("Ответственный")),
        tc(r#"<w:vMerge w:val="restart"/>"#, &p("Наставничество")),
        tc("", &p("2024")),
        tc("", &format!("{}{nested}", p("Директор"))),
        tc("<w:vMerge/>", "<w:p/>"),
        tc("", &p("2025")),
        tc("", &p("Завуч")),
    );
    let doc = extract(&docx(&body, &[], None));
    let t = only_table(&doc);
    assert_eq!(t.rows.len(), 3);
    assert!(t.rows[0].header);
    assert_eq!(t.columns(), 3);
    let head = &t.rows[0].cells;
    assert_eq!((head[0].col, head[0].col_span), (0, 2));
    assert_eq!(head[1].col, 2);
    let merged = &t.rows[1].cells[0];
    assert_eq!((merged.col, merged.row_span), (0, 2));
    assert_eq!(merged.text(), "Наставничество");
    // The covered grid position has no cell of its own.
    let cols2: Vec<u32> = t.rows[2].cells.iter().map(|c| c.col).collect();
    assert_eq!(cols2, vec![1, 2]);
    assert_eq!(
        merged.blocks[0].loc().cell,
        Some(shnor::model::CellRef { row: 1, col: 0 })
    );
    let director = &t.rows[1].cells[2];
    assert!(matches!(director.blocks[1], Block::Table(_)));
    assert!(director.text().contains("внутри 1\tвнутри 2"));
}

#[test]
fn notes_furniture_tracked_changes_fields_text_boxes() {
    let body = r#"<w:p><w:r><w:t>Цель</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r><w:ins w:id="1"><w:r><w:t xml:space="preserve"> достигнута</w:t></w:r></w:ins><w:del w:id="3"><w:r><w:delText> не</w:delText></w:r></w:del><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Стр. </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr="DATE"><w:r><w:t xml:space="preserve"> 01.09.2024</w:t></w:r></w:fldSimple></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>Текст во врезке</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>Текст во врезке</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:p><w:r><w:t>мони&#xAD;торинг&#xA0;ежеквартально</w:t></w:r></w:p>
<w:del w:id="9"><w:p><w:r><w:delText>Удалённый абзац</w:delText></w:r></w:p></w:del>"#;
    let footnotes = w_part(
        "footnotes",
        r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="2"><w:p><w:r><w:t>Сноска о показателях.</w:t></w:r></w:p></w:footnote>"#,
    );
    let header = w_part("hdr", &p("МБОУ СОШ № 5 — колонтитул"));
    let footer = w_part("ftr", &p("Нижний колонтитул"));
    let core = r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>Программа развития</dc:title><dc:creator>Петров П. П.</dc:creator><dcterms:created>2024-01-15T08:00:00Z</dcterms:created></cp:coreProperties>"#;
    let doc = extract(&docx(
        body,
        &[
            ("footnotes", &footnotes),
            ("header", &header),
            ("footer", &footer),
        ],
        Some(core),
    ));
    let texts: Vec<String> = doc.blocks.iter().map(Block::text).collect();
    assert_eq!(
        texts,
        vec![
            "Цель достигнута.",
            "Стр. 7 01.09.2024",
            "Текст во врезке",
            "мониторинг ежеквартально",
        ]
    );
    assert_eq!(
        doc.notes.iter().map(Block::text).collect::<Vec<_>>(),
        vec!["Сноска о показателях."]
    );
    assert_eq!(
        doc.furniture.iter().map(Block::text).collect::<Vec<_>>(),
        vec!["МБОУ СОШ № 5 — колонтитул", "Нижний колонтитул"]
    );
    assert!(!doc.text().contains("колонтитул"));
    assert_eq!(doc.metadata.title.as_deref(), Some("Программа развития"));
    assert_eq!(doc.metadata.author.as_deref(), Some("Петров П. П."));
    assert_eq!(
        doc.metadata.created.as_deref(),
        Some("2024-01-15T08:00:00Z")
    );
    assert_eq!(doc.blocks[3].loc().block, 3);
}

#[test]
fn errors_have_codes() {
    let opts = Options::default();
    let code = |name: &str, bytes: &[u8]| {
        extract_bytes(name, bytes, &opts)
            .err()
            .map(|e| e.code().to_string())
    };
    assert_eq!(
        code("a.docx", b"PK\x03\x04 truncated").as_deref(),
        Some("corrupt")
    );
    assert_eq!(
        code("a.docx", b"not a zip at all").as_deref(),
        Some("corrupt")
    );
    // A truncated OLE2 container is damaged; a WordPerfect file named .doc is not Word.
    assert_eq!(
        code("a.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 binary").as_deref(),
        Some("corrupt")
    );
    assert_eq!(
        code("a.doc", b"\xFFWPC\x10\x00\x00\x00").as_deref(),
        Some("unsupported")
    );
    // An OLE2 container with an EncryptedPackage stream is a password-protected DOCX.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(
        "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    assert_eq!(code("a.docx", &ole).as_deref(), Some("encrypted"));
    assert_eq!(
        code("a.docx", &docx("<w:p/>", &[], None)).as_deref(),
        Some("empty")
    );
    let deep = format!(
        "{}{}{}",
        "<w:sdt><w:sdtContent>".repeat(200),
        p("x"),
        "</w:sdtContent></w:sdt>".repeat(200)
    );
    assert_eq!(
        code("a.docx", &docx(&deep, &[], None)).as_deref(),
        Some("too_large")
    );
}

#[test]
fn zip_bomb_is_refused_quickly_as_too_large() {
    // ~200 MB of zeros named word/document.xml compresses to about 200 KB.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    w.start_file("word/document.xml", opts).expect("entry");
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..200 {
        w.write_all(&chunk).expect("write");
    }
    let bomb = w.finish().expect("zip").into_inner();
    assert!(bomb.len() < 2 * 1024 * 1024, "bomb is {} bytes", bomb.len());
    let start = Instant::now();
    let err = extract_bytes("bomb.docx", &bomb, &Options::default()).expect_err("refused");
    println!("zip bomb refused in {:?}", start.elapsed());
    assert_eq!(err.code(), "too_large");
    // Headers that understate the uncompressed size are not trusted: reading stops at the
    // declared size or the cap, never inflating the whole entry.
    let mut liar = bomb.clone();
    let local_size_at = 22;
    liar[local_size_at..local_size_at + 4].copy_from_slice(&1000u32.to_le_bytes());
    let cd = liar
        .windows(4)
        .rposition(|w| w == b"PK\x01\x02")
        .expect("central directory");
    liar[cd + 24..cd + 28].copy_from_slice(&1000u32.to_le_bytes());
    let err = extract_bytes("liar.docx", &liar, &Options::default()).expect_err("refused");
    assert!(matches!(err.code(), "corrupt" | "too_large"), "{err}");
    // Even with a generous ratio the total uncompressed budget stops it.
    let opts = Options {
        limits: Limits {
            max_zip_ratio: 1_000_000,
            max_uncompressed_bytes: 16 * 1024 * 1024,
            ..Limits::default()
        },
        ..Options::default()
    };
    let err = extract_bytes("bomb.docx", &bomb, &opts).expect_err("refused");
    assert_eq!(err.code(), "too_large");
}
