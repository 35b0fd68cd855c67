//! The DOCX report is a valid package: every XML part parses, the text is all there, and
//! LibreOffice (when installed) opens it and sees the same text.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use shnor::model::CheckReport;
use shnor::report::{ReportFormat, render};

fn fixture(name: &str) -> CheckReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/report_fixtures")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Parse every XML part of the package; return the concatenated text of document.xml.
fn check_package(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names = Vec::new();
    let mut document_text = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut xml = String::new();
        part.read_to_string(&mut xml).unwrap();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut reader = quick_xml::Reader::from_str(&xml);
            let mut depth = 0i32;
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                    Ok(quick_xml::events::Event::Text(t)) if name == "word/document.xml" => {
                        document_text.push_str(&t.xml10_content());
                    }
                    Ok(quick_xml::events::Event::GeneralRef(r)) if name == "word/document.xml" => {
                        let entity = match &*r {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            other => panic!("unexpected entity {other}"),
                        };
                        document_text.push_str(entity);
                    }
                    Ok(quick_xml::events::Event::End(e))
                        if name == "word/document.xml" && e.name().as_ref() == "w:p" =>
                    {
                        depth -= 1;
                        document_text.push('\n');
                    }
                    Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                    Ok(_) => {}
                    Err(e) => panic!("{name}: invalid XML at {}: {e}", reader.buffer_position()),
                }
            }
            assert_eq!(depth, 0, "{name}: unbalanced elements");
        }
        names.push(name);
    }
    for required in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "missing part {required}"
        );
    }
    document_text
}

#[test]
fn docx_parts_are_well_formed_and_hold_the_report() {
    let report = fixture("medium_term.json");
    let bytes = render(&report, ReportFormat::Docx).unwrap();
    let text = check_package(&bytes);
    assert!(text.contains("Экспертное заключение"));
    assert!(text.contains("Управленческий цикл: неполный (нет: показатели, анализ)"));
    assert!(text.contains("МБОУ «СОШ № 5» с. Ивановка <script>alert(1)</script>"));
    assert!(text.contains("Фактор риска: Низкий уровень вовлеченности родителей."));
    assert!(text.contains("Строк мероприятий: 3; без сроков: 1; без ответственного: 1."));
    // same input, same bytes (no timestamps in the package)
    assert_eq!(bytes, render(&report, ReportFormat::Docx).unwrap());
}

#[test]
fn control_characters_from_documents_do_not_break_the_xml() {
    let mut report = fixture("complete.json");
    report.school = Some("Школа\u{1}\u{b} № 1\nкорпус 2".into());
    report.elements[0].evidence[0].quote = "Цель\u{0c}: «к 2027 году» & <более>".into();
    let text = check_package(&render(&report, ReportFormat::Docx).unwrap());
    assert!(text.contains("Школа № 1"));
    assert!(text.contains("Цель: «к 2027 году» & <более>"));
}

#[test]
fn libreoffice_opens_the_docx() {
    let Ok(out) = Command::new("soffice").arg("--version").output() else {
        eprintln!("SKIP: soffice (LibreOffice) is not installed");
        return;
    };
    if !out.status.success() {
        eprintln!("SKIP: soffice does not run");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("report.docx");
    std::fs::write(
        &docx,
        render(&fixture("medium_term.json"), ReportFormat::Docx).unwrap(),
    )
    .unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let status = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "txt:Text",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .unwrap();
    let txt = std::fs::read_to_string(dir.path().join("report.txt")).unwrap_or_else(|e| {
        panic!(
            "LibreOffice did not convert the report ({e}): {}",
            String::from_utf8_lossy(&status.stderr)
        )
    });
    assert!(txt.contains("Экспертное заключение"), "{txt}");
    assert!(txt.contains("Управленческий цикл: неполный"));
    assert!(txt.contains("Проведение цикла классных часов «Мои цели» 1 раз в месяц"));
    assert!(txt.contains("Мониторинг"));
}
