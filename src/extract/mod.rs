//! Extraction: file bytes → `Document`. One module per format; nothing after this stage knows
//! about formats. Every reader takes `Limits` and never panics on file data.

mod boxdraw;
pub mod doc;
pub mod docx;
mod layout;
pub mod odt;
pub mod pdf;
pub mod rtf;
pub mod txt;
pub mod xml;
pub mod zipread;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::model::{Document, Format};

/// Limits on untrusted input. Defaults suit school documents (a few MB) with a wide margin.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Maximum size of the file on disk.
    pub max_file_bytes: u64,
    /// Maximum total uncompressed size of the zip entries we read (DOCX/ODT).
    pub max_uncompressed_bytes: u64,
    /// Maximum uncompressed/compressed ratio of one zip entry.
    pub max_zip_ratio: u64,
    /// Maximum XML nesting depth.
    pub max_xml_depth: usize,
    /// Maximum number of PDF pages.
    pub max_pages: u32,
    /// Maximum decompressed size of one PDF stream.
    pub max_stream_bytes: u64,
    /// Maximum number of PDF objects.
    pub max_objects: usize,
    /// Time limit for one file (enforced by the PDF worker process).
    pub timeout: Duration,
    /// Memory limit (address space) of the PDF worker process.
    pub max_worker_memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 100 * 1024 * 1024,
            max_uncompressed_bytes: 200 * 1024 * 1024,
            max_zip_ratio: 200,
            max_xml_depth: 256,
            max_pages: 2000,
            max_stream_bytes: 64 * 1024 * 1024,
            max_objects: 1_000_000,
            timeout: Duration::from_secs(30),
            max_worker_memory_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// How to run extraction.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub limits: Limits,
    /// Run PDF parsing in a child process of this binary (crash/hang isolation).
    /// `None` parses in-process (only for trusted input and the worker itself).
    pub pdf_worker: Option<PathBuf>,
    /// Run OCR on pages without a text layer when tesseract is installed.
    pub ocr: bool,
}

impl Options {
    /// Options for the CLI: PDFs are parsed in a child process of the current executable.
    pub fn isolated() -> Self {
        Options {
            pdf_worker: std::env::current_exe().ok(),
            ..Options::default()
        }
    }
}

/// Read a file from disk (respecting `max_file_bytes`) and extract it.
pub fn extract_file(path: &Path, opts: &Options) -> Result<Document> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > opts.limits.max_file_bytes {
        return Err(Error::TooLarge(format!(
            "{} МБ при пределе {} МБ",
            meta.len() / (1024 * 1024),
            opts.limits.max_file_bytes / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path)?;
    extract_bytes(&path.to_string_lossy(), &bytes, opts)
}

/// Extract a document from bytes; `name` is used for the format guess and as `Document::source`.
pub fn extract_bytes(name: &str, bytes: &[u8], opts: &Options) -> Result<Document> {
    if bytes.len() as u64 > opts.limits.max_file_bytes {
        return Err(Error::TooLarge(format!(
            "{} МБ при пределе {} МБ",
            bytes.len() / (1024 * 1024),
            opts.limits.max_file_bytes / (1024 * 1024)
        )));
    }
    let format = sniff(bytes).or_else(|| Format::from_extension(Path::new(name)));
    let mut doc = match format {
        Some(Format::Pdf) => pdf::read(bytes, opts)?,
        Some(Format::Docx) => docx::read(bytes, &opts.limits)?,
        Some(Format::Odt) => odt::read(bytes, &opts.limits)?,
        Some(Format::Rtf) => rtf::read(bytes, &opts.limits)?,
        Some(Format::Txt) => txt::read(bytes, &opts.limits)?,
        Some(Format::Doc) => doc::read(bytes, &opts.limits)?,
        None => {
            return Err(Error::Unsupported(format!(
                "неизвестный тип файла «{}»; поддерживаются PDF, DOCX, DOC, ODT, RTF, TXT",
                Path::new(name)
                    .extension()
                    .map(|e| e.to_string_lossy().into_owned())
                    .unwrap_or_default()
            )));
        }
    };
    doc.source = name.to_string();
    doc.hash = blake3::hash(bytes).to_hex().to_string();
    // Tables drawn with box-drawing characters arrive as one paragraph per line.
    doc.blocks = boxdraw::tables(std::mem::take(&mut doc.blocks));
    doc.renumber();
    Ok(doc)
}

/// Content-based format detection; `None` when the bytes do not say (plain text, unknown zip).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Some(Format::Pdf);
    }
    if head.starts_with(b"{\\rtf") {
        return Some(Format::Rtf);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // OLE2: legacy .doc, or an encrypted OOXML package.
        return Some(Format::Doc);
    }
    if head.starts_with(b"PK\x03\x04") {
        if contains(head, b"mimetypeapplication/vnd.oasis.opendocument.text") {
            return Some(Format::Odt);
        }
        if contains(bytes, b"word/document.xml") {
            return Some(Format::Docx);
        }
        if contains(bytes, b"content.xml") {
            return Some(Format::Odt);
        }
    }
    None
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
