//! `shnor extract FILE… [--format text|json|markdown]`: print each document's text and structure.

use std::io::Write;
use std::path::PathBuf;

use shnor::FileError;
use shnor::extract::{Options, extract_file};
use shnor::model::{Block, Document, Table};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Markdown,
}

#[derive(clap::Args)]
pub struct ExtractArgs {
    /// Файлы (PDF, DOCX, DOC, ODT, RTF, TXT)
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Формат вывода
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
    /// Предельный размер файла, МБ
    #[arg(long, value_name = "МБ")]
    max_file_mb: Option<u64>,
    /// Предельный распакованный размер DOCX/ODT, МБ
    #[arg(long, value_name = "МБ")]
    max_unzipped_mb: Option<u64>,
    /// Предельное время обработки одного PDF, секунд
    #[arg(long, value_name = "СЕК")]
    timeout: Option<u64>,
}

pub fn run(args: ExtractArgs) -> anyhow::Result<u8> {
    match print_all(&args) {
        Ok(code) => Ok(code),
        // The reader went away (`shnor extract … | head`): not an error of ours.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Ok(0)
        }
        Err(e) => Err(e),
    }
}

fn print_all(args: &ExtractArgs) -> anyhow::Result<u8> {
    let mut opts = Options::isolated();
    if let Some(mb) = args.max_file_mb {
        opts.limits.max_file_bytes = mb.saturating_mul(1024 * 1024);
    }
    if let Some(mb) = args.max_unzipped_mb {
        opts.limits.max_uncompressed_bytes = mb.saturating_mul(1024 * 1024);
    }
    if let Some(s) = args.timeout {
        opts.limits.timeout = std::time::Duration::from_secs(s);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0usize;
    let mut json_docs = Vec::new();
    let many = args.files.len() > 1;
    for (i, path) in args.files.iter().enumerate() {
        match extract_file(path, &opts) {
            Ok(doc) => match args.format {
                OutputFormat::Json => json_docs.push(doc),
                OutputFormat::Text => {
                    if many {
                        writeln!(
                            out,
                            "{}==> {} <==",
                            if i > 0 { "\n" } else { "" },
                            doc.source
                        )?;
                    }
                    writeln!(out, "{}", render_text(&doc))?;
                }
                OutputFormat::Markdown => {
                    if many {
                        writeln!(
                            out,
                            "{}<!-- {} -->",
                            if i > 0 { "\n" } else { "" },
                            doc.source
                        )?;
                    }
                    write!(out, "{}", render_markdown(&doc))?;
                }
            },
            Err(e) => {
                failed += 1;
                let fe = FileError::new(path, &e);
                eprintln!("ошибка: {} [{}]", fe.message, fe.code);
            }
        }
    }
    if let OutputFormat::Json = args.format {
        // One document prints as an object, several as an array, so `jq` works either way.
        if json_docs.len() == 1 && !many {
            serde_json::to_writer_pretty(&mut out, &json_docs[0]).map_err(std::io::Error::from)?;
        } else {
            serde_json::to_writer_pretty(&mut out, &json_docs).map_err(std::io::Error::from)?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if failed > 0 { 2 } else { 0 })
}

/// Plain text: the body, then notes and running headers/footers under their own captions.
pub fn render_text(doc: &Document) -> String {
    let mut s = doc.text();
    if !doc.notes.is_empty() {
        s.push_str("\n\n--- Сноски ---\n\n");
        s.push_str(&join_text(&doc.notes));
    }
    if !doc.furniture.is_empty() {
        s.push_str("\n\n--- Колонтитулы ---\n\n");
        s.push_str(&join_text(&doc.furniture));
    }
    s
}

fn join_text(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(Block::text)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Markdown: headings as `#`, list items indented by level, tables as pipe tables.
pub fn render_markdown(doc: &Document) -> String {
    let mut s = String::new();
    markdown_blocks(&doc.blocks, &mut s);
    if !doc.notes.is_empty() {
        s.push_str("---\n\n**Сноски**\n\n");
        markdown_blocks(&doc.notes, &mut s);
    }
    if !doc.furniture.is_empty() {
        s.push_str("---\n\n**Колонтитулы**\n\n");
        markdown_blocks(&doc.furniture, &mut s);
    }
    s
}

fn markdown_blocks(blocks: &[Block], s: &mut String) {
    for b in blocks {
        match b {
            Block::Heading { level, text, .. } => {
                let hashes = "#".repeat(usize::from((*level).clamp(1, 6)));
                s.push_str(&format!("{hashes} {}\n\n", escape_md(text)));
            }
            Block::Paragraph { text, .. } => s.push_str(&format!("{}\n\n", escape_md(text))),
            Block::ListItem {
                level,
                marker,
                text,
                ..
            } => {
                let indent = "  ".repeat(usize::from(*level));
                let marker = match marker.as_deref() {
                    Some(m) if m.ends_with('.') || m.ends_with(')') => m.to_string(),
                    Some(m) if m.chars().all(|c| c.is_ascii_digit() || c == '.') => {
                        format!("{m}.")
                    }
                    _ => "-".to_string(),
                };
                s.push_str(&format!("{indent}{marker} {}\n", escape_md(text)));
                s.push('\n');
            }
            Block::Table(t) => {
                markdown_table(t, s);
                s.push('\n');
            }
            Block::PageBreak { .. } => {}
        }
    }
}

fn markdown_table(t: &Table, s: &mut String) {
    let cols = t.columns() as usize;
    if cols == 0 {
        return;
    }
    for (i, row) in t.rows.iter().enumerate() {
        let mut cells = vec![String::new(); cols];
        for c in &row.cells {
            if let Some(slot) = cells.get_mut(c.col as usize) {
                *slot = escape_md(&c.text().replace('\n', " ")).replace('|', "\\|");
            }
        }
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
        if i == 0 {
            s.push_str(&format!("|{}\n", " --- |".repeat(cols)));
        }
    }
}

/// Escape characters that would otherwise start Markdown structure at the line start.
fn escape_md(text: &str) -> String {
    let t = text.trim();
    match t.chars().next() {
        Some('#' | '>' | '-' | '*' | '+') => format!("\\{t}"),
        _ => t.to_string(),
    }
}
