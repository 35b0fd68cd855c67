//! Batch review: sources (files, folders, zip) → parallel read + extract + check + render on a
//! dedicated rayon pool → one channel → a single writer on the calling thread, which writes
//! reports atomically, journals progress for resume, and at the end writes the summary and the
//! manifest. Everything a file contains is decided by the document alone and every list is
//! sorted by source, so the output bytes do not depend on the number of threads.

pub mod manifest;
pub mod names;
pub mod sources;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::extract;
use crate::model::{CheckReport, Document};
use crate::report::summary::{self, SummaryRow, Totals};
use crate::report::{self, ReportFormat};
use crate::rules::Rules;
use manifest::{Entry, Journal, TOOL_VERSION};
use sources::Source;

/// Sub-folder of the output folder holding the per-document reports.
pub const REPORTS_DIR: &str = "reports";
/// Prefix of temporary files; leftovers of a killed run are removed at the next start.
const TMP_PREFIX: &str = ".shnor-tmp-";

pub struct ReviewOptions {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub formats: Vec<ReportFormat>,
    /// Worker threads (at least 1).
    pub jobs: usize,
    pub rules: Rules,
    pub extract: extract::Options,
    /// Reuse manifest entries of unchanged sources. Off when a sink outside the output folder
    /// (the search archive) must see every document.
    pub reuse: bool,
}

/// Receives progress on the writer thread (the caller's thread).
pub trait Observer {
    fn started(&mut self, _total: usize) {}
    /// A document is done: checked, failed, or skipped because nothing changed.
    fn finished(&mut self, _row: &SummaryRow, _skipped: bool) {}
    /// A checked document and its report, for sinks such as the search index. Not called for
    /// skipped documents (their sinks are up to date).
    fn checked(&mut self, _doc: &Document, _report: &CheckReport) -> Result<()> {
        Ok(())
    }
}

/// An observer that does nothing.
pub struct Silent;
impl Observer for Silent {}

#[derive(Debug)]
pub struct ReviewResult {
    /// One row per source (including failed ones), sorted by source.
    pub rows: Vec<SummaryRow>,
    pub totals: Totals,
    /// Sources reused from the manifest without re-checking.
    pub skipped: usize,
}

impl ReviewResult {
    /// 2 if any file failed, 1 if any cycle is incomplete, 0 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.totals.failed > 0 {
            2
        } else if self.totals.incomplete > 0 {
            1
        } else {
            0
        }
    }
}

/// What a worker sends to the writer.
enum Done {
    /// Checked or failed now; `files` are (path relative to `out`, bytes).
    Fresh { idx: usize, done: Box<Fresh> },
    /// Unchanged since the manifest entry.
    Skipped { idx: usize, entry: Box<Entry> },
}

struct Fresh {
    entry: Option<Entry>,
    row: SummaryRow,
    files: Vec<(String, Vec<u8>)>,
    checked: Option<(Document, CheckReport)>,
}

/// Context shared by the workers.
struct Ctx<'a> {
    opts: &'a ReviewOptions,
    formats: Vec<ReportFormat>,
    prior: HashMap<String, Entry>,
    /// Whether the checked `Document` must travel to the writer (an observer wants it).
    want_documents: bool,
}

/// Run a batch review. Per-file problems become failed rows; only problems with the output
/// folder itself are errors.
pub fn review(opts: &ReviewOptions, observer: &mut dyn Observer) -> Result<ReviewResult> {
    review_with(opts, observer, false)
}

/// Like [`review`], passing each checked `Document` to `observer.checked` when `want_documents`.
pub fn review_with(
    opts: &ReviewOptions,
    observer: &mut dyn Observer,
    want_documents: bool,
) -> Result<ReviewResult> {
    let out = opts.out.as_path();
    let reports_dir = out.join(REPORTS_DIR);
    std::fs::create_dir_all(&reports_dir)?;
    remove_temp_files(out)?;
    remove_temp_files(&reports_dir)?;

    let mut formats = opts.formats.clone();
    formats.sort();
    formats.dedup();

    let (found, discovery_failures) =
        sources::discover(&opts.inputs, Some(out), &opts.extract.limits);
    let stems = names::assign(&found);
    let prior = manifest::load(out);
    let total = found.len() + discovery_failures.len();
    observer.started(total);

    // Each row is held once, here; `entries` keep the rest of the manifest entry.
    let mut rows: Vec<Option<SummaryRow>> = vec![None; found.len()];
    let mut entries: Vec<Option<Entry<()>>> = vec![None; found.len()];
    let mut skipped = 0usize;
    let mut fails: Vec<SummaryRow> = Vec::new();
    for f in discovery_failures {
        let row = SummaryRow::failed(&f.display, &f.error);
        observer.finished(&row, false);
        fails.push(row);
    }

    let ctx = Ctx {
        opts,
        formats: formats.clone(),
        prior,
        want_documents,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .thread_name(|i| format!("shnor-review-{i}"))
        .build()
        .map_err(|e| Error::Io(std::io::Error::other(e)))?;
    // Bounded, so rendered reports never pile up faster than they are written.
    let (tx, rx) = mpsc::sync_channel::<Done>(opts.jobs.max(1) * 2);
    let mut journal = Journal::open(out)?;
    let mut write_error: Option<Error> = None;

    std::thread::scope(|scope| {
        let ctx = &ctx;
        let found = &found;
        let stems = &stems;
        scope.spawn(move || {
            pool.install(|| {
                (0..found.len())
                    .into_par_iter()
                    .for_each_with(tx, |tx, idx| {
                        let done = process(ctx, idx, &found[idx], &stems[idx]);
                        // The writer only stops receiving after a write error; nothing to do then.
                        let _ = tx.send(done);
                    });
            });
        });
        for done in rx {
            if write_error.is_some() {
                continue;
            }
            match done {
                Done::Skipped { idx, entry } => {
                    skipped += 1;
                    observer.finished(&entry.row, true);
                    let (entry, row) = entry.with_row(());
                    rows[idx] = Some(row);
                    entries[idx] = Some(entry);
                }
                Done::Fresh { idx, done } => {
                    let Fresh {
                        entry,
                        row,
                        files,
                        checked,
                    } = *done;
                    let written = files
                        .iter()
                        .try_for_each(|(rel, bytes)| write_atomic_rel(out, rel, bytes))
                        .and_then(|()| match &entry {
                            Some(e) => journal.append(e),
                            None => Ok(()),
                        })
                        .and_then(|()| match &checked {
                            Some(c) => observer.checked(&c.0, &c.1),
                            None => Ok(()),
                        });
                    if let Err(e) = written {
                        write_error = Some(e);
                        continue;
                    }
                    observer.finished(&row, false);
                    rows[idx] = Some(row);
                    // The entry's row is a copy of `row`, needed only by the journal above.
                    entries[idx] = entry.map(|e| e.with_row(()).0);
                }
            }
        }
    });
    if let Some(e) = write_error {
        return Err(e);
    }

    // Rows in summary order, each remembering its source index for the manifest.
    let mut keyed: Vec<(Option<usize>, SummaryRow)> = rows
        .into_iter()
        .enumerate()
        .filter_map(|(idx, r)| r.map(|r| (Some(idx), r)))
        .chain(fails.into_iter().map(|r| (None, r)))
        .collect();
    keyed.sort_by(|a, b| a.1.source.cmp(&b.1.source));
    let mut position: Vec<Option<usize>> = vec![None; found.len()];
    for (pos, (idx, _)) in keyed.iter().enumerate() {
        if let Some(slot) = idx.and_then(|i| position.get_mut(i)) {
            *slot = Some(pos);
        }
    }
    let all_rows: Vec<SummaryRow> = keyed.into_iter().map(|(_, r)| r).collect();

    write_atomic(out, "summary.csv", &summary::csv(&all_rows)?)?;
    write_atomic_with(out, "summary.jsonl", |w| summary::write_jsonl(w, &all_rows))?;
    write_atomic(out, "index.html", summary::index_html(&all_rows).as_bytes())?;

    let entries: Vec<Entry<&SummaryRow>> = entries
        .into_iter()
        .zip(&position)
        .filter_map(|(e, pos)| Some(e?.with_row(all_rows.get((*pos)?)?).0))
        .collect();
    remove_stale_outputs(out, &ctx.prior, &entries);
    manifest::finish(out, entries)?;

    Ok(ReviewResult {
        totals: summary::totals(&all_rows),
        rows: all_rows,
        skipped,
    })
}

/// Read, hash, and either reuse the manifest entry or extract, check and render.
fn process(ctx: &Ctx, idx: usize, source: &Source, stem: &str) -> Done {
    let opts = ctx.opts;
    let bytes = match sources::read(source, &opts.extract.limits) {
        Ok(b) => b,
        Err(e) => {
            return Done::Fresh {
                idx,
                done: Box::new(Fresh {
                    entry: None,
                    row: SummaryRow::failed(&source.display, &e),
                    files: Vec::new(),
                    checked: None,
                }),
            };
        }
    };
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let outputs: Vec<String> = ctx
        .formats
        .iter()
        .map(|f| format!("{REPORTS_DIR}/{stem}.{}", f.extension()))
        .collect();
    if let Some(prev) = ctx.prior.get(&source.display).filter(|_| opts.reuse) {
        if reusable(
            prev,
            &hash,
            &opts.rules.version,
            &ctx.formats,
            &outputs,
            &opts.out,
        ) {
            return Done::Skipped {
                idx,
                entry: Box::new(prev.clone()),
            };
        }
    }

    // A panic in a parser or the checker must not end the batch: it becomes a failed row.
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<_> {
        let doc = extract::extract_bytes(&source.display, &bytes, &opts.extract)?;
        let report = crate::check::check(&doc, &opts.rules);
        let mut files = Vec::with_capacity(ctx.formats.len());
        for (format, rel) in ctx.formats.iter().zip(&outputs) {
            files.push((rel.clone(), report::render(&report, *format)?));
        }
        Ok((doc, report, files))
    }));
    drop(bytes);
    let outcome = result.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::Corrupt(format!("сбой при обработке файла: {what}")))
    });
    let (row, files, checked) = match outcome {
        Ok((doc, report, files)) => {
            let row = SummaryRow::checked(&report, outputs.clone());
            let checked = ctx.want_documents.then_some((doc, report));
            (row, files, checked)
        }
        Err(e) => (SummaryRow::failed(&source.display, &e), Vec::new(), None),
    };
    let entry = Entry {
        source: source.display.clone(),
        hash,
        rules_version: opts.rules.version.clone(),
        tool_version: TOOL_VERSION.to_string(),
        formats: ctx.formats.clone(),
        outputs: files.iter().map(|(rel, _)| rel.clone()).collect(),
        row: row.clone(),
    };
    Done::Fresh {
        idx,
        done: Box::new(Fresh {
            entry: Some(entry),
            row,
            files,
            checked,
        }),
    }
}

/// Failures that depend on the moment (a slow machine, a locked file) are retried.
const RETRIED_CODES: [&str; 2] = ["timeout", "io"];

fn reusable(
    prev: &Entry,
    hash: &str,
    rules_version: &str,
    formats: &[ReportFormat],
    outputs: &[String],
    out: &Path,
) -> bool {
    let same_inputs = prev.hash == hash
        && prev.rules_version == rules_version
        && prev.tool_version == TOOL_VERSION
        && prev.formats == formats;
    if !same_inputs {
        return false;
    }
    if prev.row.is_failed() {
        return !prev
            .row
            .error_code
            .as_deref()
            .is_some_and(|c| RETRIED_CODES.contains(&c));
    }
    prev.outputs == outputs && prev.outputs.iter().all(|o| out.join(o).is_file())
}

/// Delete reports the previous run wrote that this run did not (source gone, format dropped,
/// name changed). Only plain names inside `reports/` are ever touched.
fn remove_stale_outputs(out: &Path, prior: &HashMap<String, Entry>, now: &[Entry<&SummaryRow>]) {
    let keep: HashSet<&str> = now
        .iter()
        .flat_map(|e| e.outputs.iter().map(String::as_str))
        .collect();
    for old in prior.values().flat_map(|e| e.outputs.iter()) {
        if keep.contains(old.as_str()) {
            continue;
        }
        let Some(name) = old.strip_prefix(&format!("{REPORTS_DIR}/")) else {
            continue;
        };
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            continue;
        }
        // Best effort: a report that cannot be removed is harmless.
        let _ = std::fs::remove_file(out.join(REPORTS_DIR).join(name));
    }
}

fn remove_temp_files(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

fn write_atomic_rel(out: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = out.join(rel);
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(Error::Io(std::io::Error::other(format!(
            "недопустимое имя отчёта: {rel}"
        ))));
    };
    write_atomic(dir, &name.to_string_lossy(), bytes)
}

/// Write a file so that readers see either the old or the complete new content: a temporary
/// file in the same folder, then rename. (No fsync: this protects against a killed process,
/// which is what resume needs, not against power loss.)
pub(crate) fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    write_atomic_with(dir, name, |w| Ok(w.write_all(bytes)?))
}

/// [`write_atomic`] for content written piece by piece: large files (the manifest and the
/// summaries of 10,000 documents) are streamed instead of being built in memory first.
pub(crate) fn write_atomic_with(
    dir: &Path,
    name: &str,
    content: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempfile_in(dir)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        content(&mut w)?;
        w.flush()?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile creates 0600; reports are meant to be shared like any other file.
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(dir.join(name))
        .map_err(|e| Error::Io(e.error))?;
    Ok(())
}
