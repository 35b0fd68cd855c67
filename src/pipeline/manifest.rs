//! The resume manifest: for every source, the content hash, the rules and tool versions, the
//! report formats, the outputs written and the summary row. During a run finished documents
//! are appended to a journal (one JSON line each, after their reports are in place); at the end
//! the journal is folded into `.shnor-manifest.json` and removed. A run killed at any point
//! leaves at worst a torn last journal line, which is ignored.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::write_atomic_with;
use crate::error::{Error, Result};
use crate::report::ReportFormat;
use crate::report::summary::SummaryRow;

pub const MANIFEST_FILE: &str = ".shnor-manifest.json";
pub const JOURNAL_FILE: &str = ".shnor-journal.jsonl";
const MANIFEST_VERSION: u32 = 1;

/// Version of this program; a new version re-renders every report.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub source: String,
    /// blake3 hex of the source bytes.
    pub hash: String,
    pub rules_version: String,
    pub tool_version: String,
    pub formats: Vec<ReportFormat>,
    /// Files written for this source, relative to the output folder.
    pub outputs: Vec<String>,
    pub row: SummaryRow,
}

/// An entry without its summary row: what a run keeps per source while it goes, so that each
/// row is held once (in the summary) and only borrowed when the manifest is written.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryMeta {
    pub source: String,
    pub hash: String,
    pub rules_version: String,
    pub tool_version: String,
    pub formats: Vec<ReportFormat>,
    pub outputs: Vec<String>,
}

impl Entry {
    pub fn split(self) -> (EntryMeta, SummaryRow) {
        let Entry {
            source,
            hash,
            rules_version,
            tool_version,
            formats,
            outputs,
            row,
        } = self;
        let meta = EntryMeta {
            source,
            hash,
            rules_version,
            tool_version,
            formats,
            outputs,
        };
        (meta, row)
    }
}

#[derive(Serialize, Deserialize)]
struct ManifestFile {
    manifest_version: u32,
    entries: Vec<Entry>,
}

/// [`ManifestFile`] as written, borrowing: the same fields in the same order as [`Entry`].
#[derive(Serialize)]
struct ManifestOut<'a> {
    manifest_version: u32,
    entries: Vec<EntryOut<'a>>,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    source: &'a str,
    hash: &'a str,
    rules_version: &'a str,
    tool_version: &'a str,
    formats: &'a [ReportFormat],
    outputs: &'a [String],
    row: &'a SummaryRow,
}

/// Entries of the previous run(s): the manifest, then the journal of an interrupted run on top.
pub fn load(out: &Path) -> HashMap<String, Entry> {
    let mut entries = HashMap::new();
    if let Ok(bytes) = std::fs::read(out.join(MANIFEST_FILE)) {
        // An unreadable or foreign manifest only costs a full re-run.
        if let Ok(m) = serde_json::from_slice::<ManifestFile>(&bytes) {
            if m.manifest_version == MANIFEST_VERSION {
                for e in m.entries {
                    entries.insert(e.source.clone(), e);
                }
            }
        }
    }
    if let Ok(file) = File::open(out.join(JOURNAL_FILE)) {
        for line in BufReader::new(file).lines() {
            let Ok(line) = line else { break };
            if let Ok(e) = serde_json::from_str::<Entry>(&line) {
                entries.insert(e.source.clone(), e);
            }
        }
    }
    entries
}

/// Append-only log of documents finished in this run.
pub struct Journal {
    file: File,
}

impl Journal {
    pub fn open(out: &Path) -> Result<Journal> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(out.join(JOURNAL_FILE))?;
        Ok(Journal { file })
    }

    /// One line per entry, written with a single call so a kill cannot interleave entries.
    pub fn append(&mut self, entry: &Entry) -> Result<()> {
        let mut line = serde_json::to_vec(entry)
            .map_err(|e| Error::Corrupt(format!("не удалось записать журнал: {e}")))?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        Ok(())
    }
}

/// Write the final manifest (entries sorted by source) and drop the journal.
pub fn finish(out: &Path, mut entries: Vec<(&EntryMeta, &SummaryRow)>) -> Result<()> {
    entries.sort_by(|a, b| a.0.source.cmp(&b.0.source));
    let m = ManifestOut {
        manifest_version: MANIFEST_VERSION,
        entries: entries
            .into_iter()
            .map(|(e, row)| EntryOut {
                source: &e.source,
                hash: &e.hash,
                rules_version: &e.rules_version,
                tool_version: &e.tool_version,
                formats: &e.formats,
                outputs: &e.outputs,
                row,
            })
            .collect(),
    };
    write_atomic_with(out, MANIFEST_FILE, |w| {
        serde_json::to_writer_pretty(&mut *w, &m)
            .map_err(|e| Error::Corrupt(format!("не удалось записать манифест: {e}")))?;
        Ok(w.write_all(b"\n")?)
    })?;
    match std::fs::remove_file(out.join(JOURNAL_FILE)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}
