//! Writes a corpus: N documents in a deterministic mix of formats, a manifest and labels.
//!
//! Layout of `OUT`: `files/NNNNN_<doc_type>.<ext>`, `manifest.tsv` (file, format, doc_type,
//! pages, bytes, chars, encoding) and `labels.json` in the format `shnor eval` reads. Document
//! `i` depends only on (seed, i), so the first 100 documents of a 10,000 corpus are the
//! 100-document corpus.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;
use serde_json::json;

use crate::compose::compose;
use crate::model::{ELEMENTS, Program};
use crate::pdf::Font;
use crate::rng::Rng;
use crate::{docx, odt, pdf, txt};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Odt,
    Txt,
    Pdf,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Txt => "txt",
            Format::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> anyhow::Result<Format> {
        Ok(match s {
            "docx" => Format::Docx,
            "odt" => Format::Odt,
            "txt" => Format::Txt,
            "pdf" => Format::Pdf,
            _ => anyhow::bail!("unknown format {s:?} (docx, odt, txt, pdf)"),
        })
    }

    /// The mix of an upload batch: mostly DOCX and PDF.
    fn draw(rng: &mut Rng) -> Format {
        match rng.range(0, 19) {
            0..=7 => Format::Docx,
            8..=14 => Format::Pdf,
            15 | 16 => Format::Odt,
            _ => Format::Txt,
        }
    }
}

pub struct Options {
    pub out: PathBuf,
    pub count: usize,
    pub seed: u64,
    /// Only this format instead of the mix.
    pub only: Option<Format>,
    pub font: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub file: String,
    pub format: Format,
    pub doc_type: &'static str,
    pub pages: usize,
    pub bytes: usize,
    pub chars: usize,
    pub encoding: &'static str,
}

/// One document: its bytes, its manifest entry (without the path) and its labels.
pub fn render(
    seed: u64,
    index: u64,
    format: Format,
    font: &Font,
) -> anyhow::Result<(Vec<u8>, Entry, Program)> {
    let p = compose(seed, index);
    let mut rng = Rng::for_item(seed ^ 0x5EED_F0F0, index);
    let layout = pdf::layout(&p, font);
    let n_pages = layout.pages.len();
    let mut encoding = "";
    let bytes = match format {
        Format::Docx => docx::write(&p, &mut rng, n_pages as u32)?,
        Format::Odt => odt::write(&p, n_pages as u32)?,
        Format::Pdf => pdf::write(&p, font, &layout.pages)?,
        Format::Txt => {
            let (b, enc) = txt::write(&p, &mut rng);
            encoding = enc;
            b
        }
    };
    let entry = Entry {
        file: format!("files/{index:05}_{}.{}", p.doc_type, format.ext()),
        format,
        doc_type: p.doc_type,
        pages: n_pages,
        bytes: bytes.len(),
        chars: p.plain_text().chars().count(),
        encoding,
    };
    Ok((bytes, entry, p))
}

pub fn generate(opts: &Options) -> anyhow::Result<Vec<Entry>> {
    let font = Font::load(&opts.font)?;
    let files = opts.out.join("files");
    std::fs::create_dir_all(&files)
        .with_context(|| format!("cannot create {}", files.display()))?;
    let results: Vec<anyhow::Result<(Entry, serde_json::Value)>> = (0..opts.count as u64)
        .into_par_iter()
        .map(|i| {
            let format = match opts.only {
                Some(f) => f,
                None => Format::draw(&mut Rng::for_item(opts.seed ^ 0xF0_4A7, i)),
            };
            let (bytes, entry, p) = render(opts.seed, i, format, &font)?;
            let path = opts.out.join(&entry.file);
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let label = label(&entry.file, &p);
            Ok((entry, label))
        })
        .collect();
    let mut entries = Vec::with_capacity(results.len());
    let mut labels = Vec::with_capacity(results.len());
    for r in results {
        let (e, l) = r?;
        entries.push(e);
        labels.push(l);
    }
    write_manifest(&opts.out.join("manifest.tsv"), &entries)?;
    let labels = json!({
        "note": format!("synthetic corpus from xtask gen, seed {}, labels true by construction", opts.seed),
        "documents": labels,
    });
    std::fs::write(
        opts.out.join("labels.json"),
        serde_json::to_vec_pretty(&labels)?,
    )?;
    Ok(entries)
}

fn label(file: &str, p: &Program) -> serde_json::Value {
    let el = |e: &[bool; 5]| {
        let mut m = serde_json::Map::new();
        for (k, v) in ELEMENTS.iter().zip(e) {
            m.insert(k.to_string(), json!(v));
        }
        serde_json::Value::Object(m)
    };
    let mut doc = json!({
        "file": file,
        "doc_type": p.doc_type,
        "school": p.school,
        "year_from": p.year_from,
        "risk_factors": p.risk_factors,
        "elements": el(&p.elements),
        "cycle_complete": p.cycle_complete(),
        "evidence": ELEMENTS.iter().zip(&p.evidence).map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "traps": p.traps,
    });
    if !p.sections.is_empty() {
        doc["sections"] = p
            .sections
            .iter()
            .map(|s| {
                json!({
                    "title": s.title,
                    "risk_factor": s.risk_factor,
                    "elements": el(&s.elements),
                    "cycle_complete": s.elements.iter().all(|e| *e),
                })
            })
            .collect();
    }
    doc
}

fn write_manifest(path: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    let mut s = String::from("file\tformat\tdoc_type\tpages\tbytes\tchars\tencoding\n");
    for e in entries {
        s.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            e.file,
            e.format.ext(),
            e.doc_type,
            e.pages,
            e.bytes,
            e.chars,
            e.encoding
        ));
    }
    std::fs::write(path, s).with_context(|| format!("cannot write {}", path.display()))
}
