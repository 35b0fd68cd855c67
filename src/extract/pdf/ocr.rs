//! Optional OCR of image-only pages: render with `pdftoppm`, recognise with `tesseract -l rus`.
//! Both are external programs; without them the caller reports `scanned` with instructions.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// True when `tesseract` with Russian data and `pdftoppm` can be run.
pub fn available() -> bool {
    let langs = Command::new("tesseract")
        .arg("--list-langs")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let has_rus = langs.is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l.trim() == "rus")
    });
    let has_render = Command::new("pdftoppm")
        .arg("-v")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    has_rus && has_render
}

/// Recognise the given 1-based pages; returns paragraphs per page.
pub fn recognise(bytes: &[u8], pages: &[u32]) -> Result<BTreeMap<u32, Vec<String>>> {
    if !available() {
        return Err(Error::Scanned(
            "для распознавания установите tesseract-ocr-rus и poppler-utils и запустите с --ocr"
                .into(),
        ));
    }
    let dir = tempfile::tempdir()?;
    let pdf = dir.path().join("in.pdf");
    std::fs::write(&pdf, bytes)?;
    let mut out = BTreeMap::new();
    for &page in pages {
        let prefix = dir.path().join(format!("p{page}"));
        let status = Command::new("pdftoppm")
            .args(["-r", "300", "-gray", "-png", "-singlefile"])
            .arg("-f")
            .arg(page.to_string())
            .arg("-l")
            .arg(page.to_string())
            .arg(&pdf)
            .arg(&prefix)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        let png = prefix.with_extension("png");
        if !status.success() || !png.exists() {
            continue;
        }
        let o = Command::new("tesseract")
            .arg(&png)
            .arg("stdout")
            .args(["-l", "rus+eng"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()?;
        let text = String::from_utf8_lossy(&o.stdout);
        let paragraphs: Vec<String> = text
            .split("\n\n")
            .map(crate::text::normalize)
            .filter(|p| !p.is_empty())
            .collect();
        out.insert(page, paragraphs);
    }
    Ok(out)
}
