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

/// One source's line of the manifest. `R` is its summary row: owned when read back, `()` while a
/// run goes (the row lives in the summary, so each is held once), borrowed when written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry<R = SummaryRow> {
    pub source: String,
    /// blake3 hex of the source bytes.
    pub hash: String,
    pub rules_version: String,
    pub tool_version: String,
    pub formats: Vec<ReportFormat>,
    /// Files written for this source, relative to the output folder.
    pub outputs: Vec<String>,
    pub row: R,
}

impl<R> Entry<R> {
    /// The entry with `row` in place of its own, and its own row.
    pub fn with_row<T>(self, row: T) -> (Entry<T>, R) {
        let Entry {
            source,
            hash,
            rules_version,
            tool_version,
            formats,
            outputs,
            row: old,
        } = self;
        let entry = Entry {
            source,
            hash,
            rules_version,
            tool_version,
            formats,
            outputs,
            row,
        };
        (entry, old)
    }
}

#[derive(Serialize, Deserialize)]
struct ManifestFile<R = SummaryRow> {
    manifest_version: u32,
    entries: Vec<Entry<R>>,
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
pub fn finish(out: &Path, mut entries: Vec<Entry<&SummaryRow>>) -> Result<()> {
    entries.sort_by(|a, b| a.source.cmp(&b.source));
    let m = ManifestFile {
        manifest_version: MANIFEST_VERSION,
        entries,
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
