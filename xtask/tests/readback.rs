//! Generated files must read back as the text they were generated from, with the tools a user
//! would use (`pdftotext`, `pandoc`). Each test skips with a message when its tool is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::corpus::{Format, render};
use xtask::pdf::{FONT_PATH, Font};

fn tool(name: &str) -> bool {
    let ok = Command::new(name).arg("-v").output().is_ok();
    if !ok {
        eprintln!("SKIP: {name} is not installed");
    }
    ok
}

fn font() -> Option<Font> {
    if !Path::new(FONT_PATH).exists() {
        eprintln!("SKIP: {FONT_PATH} is missing (install fonts-dejavu-core)");
        return None;
    }
    Some(Font::load(Path::new(FONT_PATH)).expect("font loads"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-readback-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// How often each Cyrillic letter occurs: reading order of table cells legitimately differs
/// between tools, but no letter may be lost, added or mis-mapped.
fn letters(s: &str) -> std::collections::BTreeMap<char, usize> {
    let mut m = std::collections::BTreeMap::new();
    for c in s.chars().filter(|c| ('\u{400}'..='\u{4FF}').contains(c)) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

fn assert_same_letters(got: &str, want: &str, what: &str) {
    let (g, w) = (letters(got), letters(want));
    let diff: Vec<String> = w
        .keys()
        .chain(g.keys())
        .filter(|c| g.get(c) != w.get(c))
        .map(|c| format!("{c}: got {:?}, want {:?}", g.get(c), w.get(c)))
        .collect();
    assert!(
        diff.is_empty(),
        "{what}: letter counts differ: {}",
        diff.join("; ")
    );
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn pdf_reads_back_with_pdftotext() {
    let Some(font) = font() else { return };
    if !tool("pdftotext") {
        return;
    }
    let mut checked = 0;
    for i in 0..12 {
        let (bytes, entry, program) = render(11, i, Format::Pdf, &font).expect("render");
        let path = tmp(&format!("{i}.pdf"));
        std::fs::write(&path, &bytes).expect("write");
        let out = Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        assert!(
            out.status.success(),
            "pdftotext failed on doc {i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf-8");
        // Every Cyrillic letter drawn is mapped back through ToUnicode, in order, none lost.
        let layout = xtask::pdf::layout(&program, &font);
        // The layout draws every letter of the document (plus repeated table headers)...
        let drawn = letters(&layout.drawn);
        for (c, n) in letters(&program.plain_text()) {
            assert!(
                drawn.get(&c).copied().unwrap_or(0) >= n,
                "doc {i}: layout lost some «{c}»"
            );
        }
        // ...and pdftotext maps every drawn glyph back to its letter through ToUnicode.
        assert_same_letters(&text, &layout.drawn, &format!("pdf doc {i}"));
        // One form feed per page.
        assert_eq!(
            text.matches('\u{0C}').count(),
            entry.pages,
            "doc {i}: page count"
        );
        assert!(entry.pages >= 2, "doc {i} has {} pages", entry.pages);
        // The title reads as a whole, words separated by spaces.
        let title_words = squash(&program.title);
        assert!(
            squash(&text).contains(&title_words),
            "doc {i}: title «{title_words}» not found"
        );
        checked += 1;
    }
    assert_eq!(checked, 12);
}

#[test]
fn docx_and_odt_read_back_with_pandoc() {
    let Some(font) = font() else { return };
    if !tool("pandoc") {
        return;
    }
    for (i, format) in [
        (0, Format::Docx),
        (1, Format::Odt),
        (2, Format::Docx),
        (3, Format::Odt),
    ] {
        let (bytes, _, program) = render(12, i, format, &font).expect("render");
        let path = tmp(&format!("{i}.{}", format.ext()));
        std::fs::write(&path, &bytes).expect("write");
        let out = Command::new("pandoc")
            .args(["-t", "plain", "--wrap=none"])
            .arg(&path)
            .output()
            .expect("pandoc runs");
        assert!(
            out.status.success(),
            "pandoc failed on {format:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf-8");
        // pandoc's ODT reader drops table header rows (table:table-header-rows); DOCX keeps them.
        let mut want = program.plain_text();
        if format == Format::Odt {
            want = without_table_headers(&program);
        }
        assert_same_letters(&text, &want, &format!("{format:?} doc {i}"));
    }
}

fn without_table_headers(p: &xtask::model::Program) -> String {
    let mut q = p.clone();
    for b in &mut q.blocks {
        if let xtask::model::Block::Table(t) = b {
            t.header.clear();
        }
    }
    q.plain_text()
}

#[test]
fn rendering_is_deterministic() {
    let Some(font) = font() else { return };
    for format in [Format::Docx, Format::Odt, Format::Txt, Format::Pdf] {
        let a = render(5, 3, format, &font).expect("render").0;
        let b = render(5, 3, format, &font).expect("render").0;
        assert!(a == b, "{format:?} output differs between runs");
    }
}
