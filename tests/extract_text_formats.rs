//! ODT, RTF and TXT extraction on files built in the test (Russian text in legacy encodings).

mod common;

use common::odt;
use shnor::extract::{Options, extract_bytes};
use shnor::model::{Block, Document};

const RUSSIAN: &str = "Цель программы: повышение учебной мотивации обучающихся.\n\nМониторинг проводится ежеквартально, анализ результатов - в конце года.\n\nОтветственный - заместитель директора по УВР.";

fn extract(name: &str, bytes: &[u8]) -> Document {
    extract_bytes(name, bytes, &Options::default()).expect("extracts")
}

fn texts(blocks: &[Block]) -> Vec<String> {
    blocks.iter().map(Block::text).collect()
}

fn encode(enc: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = enc.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn txt_legacy_cyrillic_encodings_are_detected() {
    for enc in [
        encoding_rs::WINDOWS_1251,
        encoding_rs::KOI8_R,
        encoding_rs::IBM866,
    ] {
        let doc = extract("программа.txt", &encode(enc, RUSSIAN));
        assert_eq!(
            doc.metadata.encoding.as_deref(),
            Some(enc.name()),
            "{}",
            enc.name()
        );
        assert_eq!(doc.blocks.len(), 3, "{}", enc.name());
        assert_eq!(doc.text(), RUSSIAN, "{}", enc.name());
    }
}

#[test]
fn txt_utf16_with_and_without_bom_and_utf8_bom() {
    let le: Vec<u8> = RUSSIAN
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let be: Vec<u8> = RUSSIAN
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    let mut le_bom = vec![0xFF, 0xFE];
    le_bom.extend(&le);
    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend(RUSSIAN.as_bytes());
    for (bytes, enc) in [
        (le, "UTF-16LE"),
        (be, "UTF-16BE"),
        (le_bom, "UTF-16LE"),
        (utf8_bom, "UTF-8"),
    ] {
        let doc = extract("a.txt", &bytes);
        assert_eq!(doc.metadata.encoding.as_deref(), Some(enc));
        assert_eq!(doc.text(), RUSSIAN);
    }
}

#[test]
fn txt_paragraphs_headings_and_lists() {
    let text = "ПАСПОРТ ПРОГРАММЫ\n\n1. Цель программы\n\nПовышение качества\nобразования и мони-\nторинг результатов.\n- первая задача\n- вторая задача\n";
    let doc = extract("a.txt", text.as_bytes());
    let kinds: Vec<String> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text, .. } => format!("H{level} {text}"),
            Block::ListItem { marker, text, .. } => {
                format!("L{} {text}", marker.clone().unwrap_or_default())
            }
            Block::Paragraph { text, .. } => format!("P {text}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "H1 ПАСПОРТ ПРОГРАММЫ",
            "H1 1. Цель программы",
            "P Повышение качества образования и мониторинг результатов.",
            "L• первая задача",
            "L• вторая задача",
        ]
    );
    // Line-per-paragraph text without blank lines: every line is a block.
    let doc = extract(
        "b.txt",
        "Первая строка.\nВторая строка.\nТретья строка.".as_bytes(),
    );
    assert_eq!(doc.blocks.len(), 3);
}

#[test]
fn rtf_cp1251_hex_escapes_unicode_and_font_charsets() {
    // \'hh in the document code page, \uN with a '?' fallback that must be skipped, and a
    // font whose \fcharset204 makes its bytes windows-1251 under an ANSI (1252) document.
    let rtf1251 = [
        br"{\rtf1\ansi\ansicpg1251\deff0{\fonttbl{\f0\fswiss Arial;}}{\info{\title \'cf\'f0\'ee\'e3\'f0\'e0\'ec\'ec\'e0}{\author \'c8\'e2\'e0\'ed\'ee\'e2}}".as_slice(),
        &encode_rtf_hex("Цель программы"),
        br"\par\uc1\u1052?\u1086?\u1085?\u1080?\u1090?\u1086?\u1088?\u1080?\u1085?\u1075? \u8212? \'e5\'e6\'e5\'ec\'e5\'f1\'ff\'f7\'ed\'ee\par {\pict\wmetafile8 0102ff}{\*\shpinst{\sp{\sn fill}{\sv 1}}}\par}",
    ]
    .concat();
    let doc = extract("a.rtf", &rtf1251);
    assert_eq!(
        texts(&doc.blocks),
        vec!["Цель программы", "Мониторинг — ежемесячно"]
    );
    assert_eq!(doc.metadata.title.as_deref(), Some("Программа"));
    assert_eq!(doc.metadata.author.as_deref(), Some("Иванов"));

    let rtf_charset = br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0\froman\fcharset0 Times;}{\f1\froman\fcharset204 Times New Roman Cyr;}}\f1 \'d6\'e5\'eb\'fc\f0  caf\'e9\par}";
    let doc = extract("b.rtf", rtf_charset);
    assert_eq!(texts(&doc.blocks), vec!["Цель café"]);
}

fn encode_rtf_hex(text: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    bytes
        .iter()
        .map(|b| {
            if b.is_ascii() {
                (*b as char).to_string()
            } else {
                format!("\\'{b:02x}")
            }
        })
        .collect::<String>()
        .into_bytes()
}

#[test]
fn rtf_tables_notes_headers_and_bin() {
    let rtf = br"{\rtf1\ansi{\header \pard Header text\par}{\footer \pard Footer text\par}
\pard Body before{\footnote \pard Note text\par}.\par
\trowd\clvmgf\cellx1000\cellx3000\pard\intbl A\cell B\cell\row
\trowd\clvmrg\cellx1000\clmgf\cellx2000\clmrg\cellx3000\pard\intbl \cell C\cell D\cell\row
\pard After {\*\unknowndest hidden}{\pict\bin4 }}}}\par}";
    let doc = extract("t.rtf", rtf);
    assert_eq!(texts(&doc.notes), vec!["Note text"]);
    assert_eq!(texts(&doc.furniture), vec!["Header text", "Footer text"]);
    assert_eq!(doc.blocks.len(), 3);
    assert_eq!(doc.blocks[0].text(), "Body before.");
    let Block::Table(t) = &doc.blocks[1] else {
        panic!("expected a table, got {:?}", doc.blocks[1]);
    };
    let a = &t.rows[0].cells[0];
    assert_eq!((a.text().as_str(), a.row_span, a.col_span), ("A", 2, 1));
    let b = &t.rows[0].cells[1];
    assert_eq!((b.col, b.col_span), (1, 2));
    let c = &t.rows[1].cells[0];
    assert_eq!((c.text().as_str(), c.col, c.col_span), ("C\nD", 1, 2));
    assert_eq!(doc.blocks[2].text(), "After");
}

#[test]
fn rtf_nested_tables() {
    let rtf = br"{\rtf1\ansi\trowd\cellx5000
\pard\intbl\itap2 Inner 1\nestcell Inner 2\nestcell{\*\nesttableprops\trowd\cellx2000\cellx4000\nestrow}{\nonesttables fallback\par}
\pard\intbl\itap1 Outer\cell\row\pard Done\par}";
    let doc = extract("n.rtf", rtf);
    let Block::Table(outer) = &doc.blocks[0] else {
        panic!("expected a table");
    };
    let cell = &outer.rows[0].cells[0];
    let Block::Table(inner) = &cell.blocks[0] else {
        panic!("expected a nested table, got {:?}", cell.blocks);
    };
    assert_eq!(inner.text(), "Inner 1\tInner 2");
    assert_eq!(cell.blocks[1].text(), "Outer");
    assert!(!doc.text().contains("fallback"));
    assert_eq!(doc.blocks[1].text(), "Done");
}

#[test]
fn odt_structure_spans_lists_notes_changes_and_furniture() {
    let auto = r#"<text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/><text:list-level-style-bullet text:level="2" text:bullet-char="•"/></text:list-style><style:style style:name="P9" style:family="paragraph" style:parent-style-name="Heading_20_2"/>"#;
    let styles = format!(
        r#"<?xml version="1.0"?><office:document-styles {ns}><office:styles><style:style style:name="Heading_20_2" style:family="paragraph" style:default-outline-level="2"/></office:styles><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>Верхний колонтитул</text:p></style:header></style:master-page></office:master-styles></office:document-styles>"#,
        ns = common::ODF_NS
    );
    let text = r#"<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>удалённое</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">Паспорт программы</text:h>
<text:p text:style-name="P9">Цель</text:p>
<text:p>Снижение<text:s text:c="2"/>доли неуспевающих<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>По итогам года.</text:p></text:note-body></text:note><text:change text:change-id="c1"/>.</text:p>
<text:list text:style-name="L1"><text:list-item><text:p>Первая задача</text:p><text:list><text:list-item><text:p>подпункт</text:p></text:list-item></text:list></text:list-item><text:list-item><text:p>Вторая задача</text:p></text:list-item></text:list>
<table:table><table:table-column table:number-columns-repeated="3"/><table:table-header-rows><table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Мероприятие</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>Срок</text:p></table:table-cell></table:table-row></table:table-header-rows><table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>Клуб</text:p></table:table-cell><table:table-cell><text:p>a</text:p></table:table-cell><table:table-cell><text:p>2024</text:p></table:table-cell></table:table-row><table:table-row><table:covered-table-cell/><table:table-cell><text:p>b</text:p></table:table-cell><table:table-cell><text:p>2025</text:p></table:table-cell></table:table-row></table:table>"#;
    let doc = extract("a.odt", &odt(text, auto, Some(&styles), None));
    let summary: Vec<String> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text, .. } => format!("H{level} {text}"),
            Block::ListItem {
                level,
                marker,
                text,
                ..
            } => format!("L{level}{} {text}", marker.clone().unwrap_or_default()),
            Block::Paragraph { text, .. } => format!("P {text}"),
            Block::Table(_) => "T".to_string(),
            Block::PageBreak { .. } => "B".to_string(),
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            "H1 Паспорт программы",
            "H2 Цель",
            "P Снижение доли неуспевающих.",
            "L01. Первая задача",
            "L1• подпункт",
            "L02. Вторая задача",
            "T",
        ]
    );
    assert_eq!(texts(&doc.notes), vec!["По итогам года."]);
    assert_eq!(texts(&doc.furniture), vec!["Верхний колонтитул"]);
    assert!(!doc.text().contains("удалённое"));
    let Block::Table(t) = &doc.blocks[6] else {
        panic!("table");
    };
    assert!(t.rows[0].header);
    assert_eq!(
        (t.rows[0].cells[0].col_span, t.rows[0].cells[1].col),
        (2, 2)
    );
    assert_eq!(t.rows[1].cells[0].row_span, 2);
    let cols: Vec<u32> = t.rows[2].cells.iter().map(|c| c.col).collect();
    assert_eq!(cols, vec![1, 2]);
    assert_eq!(doc.metadata.title.as_deref(), Some("Программа развития"));
    assert_eq!(doc.metadata.author.as_deref(), Some("Иванова А. А."));
}

#[test]
fn odt_encrypted_and_not_a_zip() {
    let manifest = r#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>"#;
    let bytes = odt("<text:p>x</text:p>", "", None, Some(manifest));
    let err = extract_bytes("a.odt", &bytes, &Options::default()).expect_err("encrypted");
    assert_eq!(err.code(), "encrypted");
    let err =
        extract_bytes("a.odt", b"plain text, not a zip", &Options::default()).expect_err("corrupt");
    assert_eq!(err.code(), "corrupt");
}

#[test]
fn rtf_headings_from_stylesheet_and_outline_level_and_list_markers() {
    let rtf = br"{\rtf1\ansi\ansicpg1251{\stylesheet{\s0 Normal;}{\s1\outlinelevel0 heading 1;}{\s2 \'c7\'e0\'e3\'ee\'eb\'ee\'e2\'ee\'ea 2;}}
\pard\s1 \'cf\'e0\'f1\'ef\'ee\'f0\'f2\par
\pard\s2 \'d6\'e5\'eb\'fc\par
\pard\outlinelevel2 Level three\par
\pard{\listtext 1.\tab}\ls1 First item\par
\pard Plain text\par}";
    let doc = extract("h.rtf", rtf);
    let summary: Vec<String> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text, .. } => format!("H{level} {text}"),
            Block::ListItem { marker, text, .. } => {
                format!("L{} {text}", marker.clone().unwrap_or_default())
            }
            other => format!("P {}", other.text()),
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            "H1 Паспорт",
            "H2 Цель",
            "H3 Level three",
            "L1. First item",
            "P Plain text",
        ]
    );
}

#[test]
fn txt_hard_wrapped_lines_become_paragraphs_again() {
    // Wrapped at 60 columns (Python's textwrap) with no blank lines, as an old editor does.
    let text = "\
ЦЕЛЬ ПРОГРАММЫ
Повысить к 2026 году долю обучающихся, успешно освоивших
основную образовательную программу, с 62 до 80 процентов за
счёт адресной поддержки и наставничества.
ЗАДАЧИ
1. Организовать наставничество для молодых педагогов в
течение всего учебного года.
2. Провести цикл семинаров.
МОНИТОРИНГ
Заместитель директора ежеквартально проводит контрольные
срезы по математике и русскому языку, результаты заносятся в
таблицу динамики и обсуждаются на методическом совете.
Итоги реализации программы рассматриваются на педсовете.
";
    let doc = extract("wrapped.txt", text.as_bytes());
    let blocks = texts(&doc.blocks);
    assert_eq!(
        blocks,
        vec![
            "ЦЕЛЬ ПРОГРАММЫ",
            "Повысить к 2026 году долю обучающихся, успешно освоивших основную образовательную \
             программу, с 62 до 80 процентов за счёт адресной поддержки и наставничества.",
            "ЗАДАЧИ",
            "Организовать наставничество для молодых педагогов в течение всего учебного года.",
            "Провести цикл семинаров.",
            "МОНИТОРИНГ",
            "Заместитель директора ежеквартально проводит контрольные срезы по математике и \
             русскому языку, результаты заносятся в таблицу динамики и обсуждаются на \
             методическом совете.",
            "Итоги реализации программы рассматриваются на педсовете.",
        ]
    );
    assert!(matches!(doc.blocks.first(), Some(Block::Heading { .. })));
}

#[test]
fn txt_one_paragraph_per_line_is_not_reflowed() {
    let lines = [
        "Цель программы: повысить качество образования.",
        "Задачи: создать условия для профессионального роста педагогов, обновить программы внеурочной деятельности и организовать работу с родителями обучающихся.",
        "Мониторинг проводится ежеквартально.",
        "Анализ результатов проводится на педагогическом совете по итогам каждого полугодия, по его итогам программа корректируется.",
        "Ответственный: директор.",
        "Срок реализации программы: 2025–2027 годы, этапы описаны в разделе 4 «План мероприятий».",
        "Показатели: доля обучающихся с отметками «4» и «5» — не менее 45 %.",
        "Ресурсы: кадровые, материально-технические, финансовые.",
    ];
    let doc = extract("lines.txt", lines.join("\n").as_bytes());
    assert_eq!(doc.blocks.len(), lines.len());
}

/// Rows of a table block as cell texts.
fn table_rows(b: &Block) -> Vec<Vec<String>> {
    match b {
        Block::Table(t) => t
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text()).collect())
            .collect(),
        other => panic!("not a table: {other:?}"),
    }
}

#[test]
fn txt_box_drawing_table_becomes_a_table() {
    // A legal-information-system export: prose, a drawn table in IBM866 (DOS), prose.
    let text = "План мероприятий\r\n\r\nНиже приведён перечень мероприятий программы на 2025 год.\r\n\r\n\
┌───┬────────────────────┬──────────┬────────────┐\r\n\
│ № │   Мероприятие      │  Срок    │Ответствен- │\r\n\
│п/п│                    │          │ный         │\r\n\
├───┼────────────────────┼──────────┼────────────┤\r\n\
│1. │Входная диагностика │сентябрь  │заместитель │\r\n\
│   │обучающихся         │2025      │директора   │\r\n\
├───┼────────────────────┼──────────┼────────────┤\r\n\
│2. │Ежемесячный монито- │ежемесячно│руководители│\r\n\
│   │ринг успеваемости   │          │ШМО         │\r\n\
└───┴────────────────────┴──────────┴────────────┘\r\n\r\n\
Контроль исполнения плана возлагается на директора.\r\n";
    let doc = extract("plan.txt", &encode(encoding_rs::IBM866, text));
    let tables: Vec<&Block> = doc
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Table(_)))
        .collect();
    assert_eq!(tables.len(), 1, "{:?}", texts(&doc.blocks));
    assert_eq!(
        table_rows(tables[0]),
        vec![
            vec!["№ п/п", "Мероприятие", "Срок", "Ответственный"],
            vec![
                "1.",
                "Входная диагностика обучающихся",
                "сентябрь 2025",
                "заместитель директора"
            ],
            vec![
                "2.",
                "Ежемесячный мониторинг успеваемости",
                "ежемесячно",
                "руководители ШМО"
            ],
        ]
    );
    let t = texts(&doc.blocks);
    assert_eq!(t.first().map(String::as_str), Some("План мероприятий"));
    assert_eq!(
        t.last().map(String::as_str),
        Some("Контроль исполнения плана возлагается на директора.")
    );
    // Nothing of the drawing is left in the text.
    assert!(!doc.text().contains('│') && !doc.text().contains('─'));
}

#[test]
fn docx_paragraphs_of_a_box_drawing_table_become_a_table() {
    let lines = [
        "┌──┬───────────────┬────────┐",
        "│№ │Показатель     │Целевое │",
        "│  │               │значение│",
        "├──┼───────────────┼────────┤",
        "│1 │Доля обучающих-│не менее│",
        "│  │ся с отметками │45 %    │",
        "│  │«4» и «5»      │        │",
        "└──┴───────────────┴────────┘",
    ];
    let mut body = common::p("Целевые показатели программы");
    for l in lines {
        body.push_str(&common::p(l));
    }
    let doc = extract("t.docx", &common::docx(&body, &[], None));
    assert_eq!(doc.blocks.len(), 2, "{:?}", texts(&doc.blocks));
    assert_eq!(
        table_rows(&doc.blocks[1]),
        vec![
            vec!["№", "Показатель", "Целевое значение"],
            vec![
                "1",
                "Доля обучающихся с отметками «4» и «5»",
                "не менее 45 %"
            ],
        ]
    );
    let Block::Table(t) = &doc.blocks[1] else {
        unreachable!()
    };
    assert!(t.rows[0].header);
}

#[test]
fn upper_case_windows_1251_text_is_not_read_as_box_drawing() {
    // windows-1251 capitals are IBM866 box-drawing characters; a text of capital lines must
    // still decode as windows-1251.
    let text = "ПРОГРАММА РАЗВИТИЯ\r\nЦЕЛЬ ПРОГРАММЫ\r\nШКОЛА\r\nЗАДАЧИ И МЕРОПРИЯТИЯ\r\nМониторинг проводится ежеквартально.\r\n";
    let doc = extract("caps.txt", &encode(encoding_rs::WINDOWS_1251, text));
    assert_eq!(doc.metadata.encoding.as_deref(), Some("windows-1251"));
    assert!(doc.blocks.iter().all(|b| !matches!(b, Block::Table(_))));
}
