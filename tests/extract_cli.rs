//! `shnor extract` end to end: formats, per-file errors on stderr, exit codes.

mod common;

use std::process::Command;

use common::{docx, p, p_styled, w_part};

fn shnor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shnor"))
}

fn sample_docx() -> Vec<u8> {
    let styles = w_part(
        "styles",
        r#"<w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/></w:style>"#,
    );
    let table = format!(
        "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
        p("Показатель"),
        p("Значение"),
        p("Доля | успевающих"),
        p("95%")
    );
    docx(
        &format!(
            "{}{}{table}",
            p_styled("H1", "Цель программы"),
            p("Повысить качество.")
        ),
        &[("styles", &styles)],
        None,
    )
}

#[test]
fn formats_errors_and_exit_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("программа.docx");
    std::fs::write(&good, sample_docx()).expect("write");
    let bad = dir.path().join("битый.docx");
    std::fs::write(&bad, b"PK\x03\x04 not really").expect("write");

    let out = shnor().arg("extract").arg(&good).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Цель программы\n\nПовысить качество.\n\nПоказатель\tЗначение\n"));

    let out = shnor()
        .args(["extract", "--format", "markdown"])
        .arg(&good)
        .output()
        .expect("run");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("# Цель программы\n"), "{md}");
    assert!(
        md.contains("| Показатель | Значение |\n| --- | --- |\n| Доля \\| успевающих | 95% |"),
        "{md}"
    );

    let out = shnor()
        .args(["extract", "--format", "json"])
        .arg(&good)
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["format"], "docx");
    assert_eq!(json["blocks"][0]["type"], "heading");
    assert_eq!(json["blocks"][2]["rows"][1]["cells"][1]["col"], 1);

    // One bad file: its error on stderr, the good file still printed, exit code 2.
    let out = shnor()
        .arg("extract")
        .arg(&bad)
        .arg(&good)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("ошибка: "), "{stderr}");
    assert!(stderr.contains("битый.docx: файл повреждён"), "{stderr}");
    assert!(stderr.trim_end().ends_with("[corrupt]"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Повысить качество."));

    // A size limit from the command line.
    let out = shnor()
        .args(["extract", "--max-file-mb", "0"])
        .arg(&good)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[too_large]"));
}
