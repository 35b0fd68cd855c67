//! `shnor index INPUT… [--index DIR]`: add files and folders to the search archive,
//! incrementally. Unchanged files (same content hash and rules version) are skipped before
//! extraction; files that disappeared from the given folders are removed; changed files are
//! replaced. Extraction and checking run in parallel; one writer updates the index.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use shnor::extract::{self, Options};
use shnor::index::{self, Archive, Change};
use shnor::model::{CheckReport, Document, Format};
use shnor::rules::Rules;
use shnor::{Error, FileError};

/// Folder recursion bound: deeper trees are almost certainly link loops or junk.
const MAX_DEPTH: usize = 32;

#[derive(clap::Args)]
pub struct IndexArgs {
    /// Файлы и папки с документами (PDF, DOCX, DOC, ODT, RTF, TXT); папки обходятся рекурсивно
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Каталог поискового индекса (создаётся, если его нет)
    #[arg(long, value_name = "DIR", default_value = index::DEFAULT_DIR)]
    index: PathBuf,
}

/// Result of preparing one file for the index (done in parallel).
enum Prepared {
    Unchanged,
    Ready(Box<(Document, CheckReport)>),
    Failed(Error),
}

#[derive(Default)]
struct Summary {
    added: usize,
    updated: usize,
    unchanged: usize,
    removed: usize,
    failed: Vec<FileError>,
}

pub fn run(args: IndexArgs) -> anyhow::Result<u8> {
    let mut archive = Archive::open(&args.index)
        .map_err(|e| anyhow::anyhow!(e.message_ru()))
        .with_context(|| format!("индекс {}", args.index.display()))?;
    let index_dir = std::fs::canonicalize(&args.index).unwrap_or_else(|_| args.index.clone());
    let rules = Rules::builtin();
    let indexed: BTreeMap<String, (String, String)> = archive
        .indexed()
        .map_err(|e| anyhow::anyhow!(e.message_ru()))?
        .into_iter()
        .map(|i| (i.source, (i.hash, i.rules_version)))
        .collect();

    let mut summary = Summary::default();
    let mut files = BTreeSet::new();
    let mut folders = Vec::new();
    let mut gone = BTreeSet::new();
    for input in &args.inputs {
        if input.is_dir() {
            let dir = std::fs::canonicalize(input).unwrap_or_else(|_| input.clone());
            walk(&dir, &index_dir, 0, &mut files);
            folders.push(dir);
        } else if input.is_file() {
            files.insert(PathBuf::from(index::source_key(input)));
        } else {
            let key = index::source_key(input);
            if indexed.contains_key(&key) {
                gone.insert(key);
            } else {
                summary.failed.push(FileError::new(
                    input,
                    &Error::Io(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "файл или папка не найдены",
                    )),
                ));
            }
        }
    }
    // Indexed files under the given folders that are no longer there.
    for source in indexed.keys() {
        let path = Path::new(source);
        if folders.iter().any(|f| path.starts_with(f)) && !files.contains(path) {
            gone.insert(source.clone());
        }
    }

    let progress = progress_bar(files.len() as u64);
    let files: Vec<PathBuf> = files.into_iter().collect();
    let opts = Options::isolated();
    let (tx, rx) = mpsc::channel::<(PathBuf, Prepared)>();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (indexed, rules, opts, files) = (&indexed, &rules, &opts, &files);
        scope.spawn(move || {
            files.par_iter().for_each_with(tx, |tx, path| {
                let prepared = prepare(path, indexed, rules, opts);
                // The receiver only goes away when the writer failed; nothing left to do then.
                let _ = tx.send((path.clone(), prepared));
            });
        });
        // The single writer: results arrive in any order; the index content does not depend on it.
        for (path, prepared) in rx {
            progress.inc(1);
            match prepared {
                Prepared::Unchanged => summary.unchanged += 1,
                Prepared::Ready(ready) => {
                    let (doc, report) = *ready;
                    match archive.put(&doc, &report) {
                        Ok(Change::Added) => summary.added += 1,
                        Ok(Change::Updated) => summary.updated += 1,
                        Ok(Change::Unchanged) => summary.unchanged += 1,
                        Err(e) => anyhow::bail!(e.message_ru()),
                    }
                }
                Prepared::Failed(e) => {
                    // A file that can no longer be read must not keep its stale entry.
                    archive
                        .remove(&path.to_string_lossy())
                        .map_err(|e| anyhow::anyhow!(e.message_ru()))?;
                    summary.failed.push(FileError::new(&path, &e));
                }
            }
        }
        Ok(())
    })?;
    progress.finish_and_clear();

    for source in &gone {
        if archive
            .remove(source)
            .map_err(|e| anyhow::anyhow!(e.message_ru()))?
        {
            summary.removed += 1;
        }
    }
    archive
        .commit()
        .map_err(|e| anyhow::anyhow!(e.message_ru()))?;

    print_summary(&summary, archive.dir(), &gone);
    Ok(if summary.failed.is_empty() { 0 } else { 2 })
}

/// Read, hash, and — unless the index already has this version — extract and check one file.
fn prepare(
    path: &Path,
    indexed: &BTreeMap<String, (String, String)>,
    rules: &Rules,
    opts: &Options,
) -> Prepared {
    let source = path.to_string_lossy().into_owned();
    let bytes = match read_limited(path, opts.limits.max_file_bytes) {
        Ok(b) => b,
        Err(e) => return Prepared::Failed(e),
    };
    let hash = blake3::hash(&bytes).to_hex().to_string();
    if indexed
        .get(&source)
        .is_some_and(|(h, r)| *h == hash && *r == rules.version)
    {
        return Prepared::Unchanged;
    }
    // A panic in a reader or the checker costs this file only, not the batch.
    let result = catch_unwind(AssertUnwindSafe(|| {
        let doc = extract::extract_bytes(&source, &bytes, opts)?;
        let report = shnor::check::check(&doc, rules);
        Ok::<_, Error>((doc, report))
    }));
    match result {
        Ok(Ok(pair)) => Prepared::Ready(Box::new(pair)),
        Ok(Err(e)) => Prepared::Failed(e),
        Err(_) => Prepared::Failed(Error::Corrupt(
            "внутренняя ошибка при разборе документа".into(),
        )),
    }
}

fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    let len = std::fs::metadata(path)?.len();
    if len > max {
        return Err(Error::TooLarge(format!(
            "{} МБ при пределе {} МБ",
            len / (1024 * 1024),
            max / (1024 * 1024)
        )));
    }
    Ok(std::fs::read(path)?)
}

/// Collect document files under `dir`: known extensions, no hidden entries (this skips the
/// default `.shnor/index`), nothing inside the index itself, symlinked folders not followed.
fn walk(dir: &Path, index_dir: &Path, depth: usize, out: &mut BTreeSet<PathBuf>) {
    if depth > MAX_DEPTH || dir.starts_with(index_dir) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, index_dir, depth + 1, out);
        } else if (kind.is_file() || kind.is_symlink())
            && path.is_file()
            && Format::from_extension(&path).is_some()
        {
            out.insert(path);
        }
    }
}

fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} файлов ({eta})") {
        bar.set_style(style);
    }
    bar
}

fn print_summary(s: &Summary, dir: &Path, gone: &BTreeSet<String>) {
    println!("Индекс: {}", dir.display());
    println!(
        "Добавлено: {}, обновлено: {}, без изменений: {}, удалено: {}, с ошибками: {}",
        s.added,
        s.updated,
        s.unchanged,
        s.removed,
        s.failed.len()
    );
    if !gone.is_empty() {
        println!("Удалены из индекса (файлов больше нет):");
        for g in gone {
            println!("  {g}");
        }
    }
    if !s.failed.is_empty() {
        let mut failed: Vec<&FileError> = s.failed.iter().collect();
        failed.sort_by(|a, b| a.path.cmp(&b.path));
        eprintln!("Не удалось проиндексировать:");
        for f in failed {
            eprintln!("  [{}] {}", f.code, f.message);
        }
    }
}
