//! The search archive: a tantivy index of checked programmes with a Russian analyzer
//! (`analyzer`), one entry per document and per section (`schema`), and ranked search with
//! filters, facets and highlighted snippets (`search`).
//!
//! `Archive` is the whole public surface: `open` (creates the index when missing), `upsert` /
//! `remove` + `commit` for writers, `search` for readers. Updates are incremental: an entry is
//! keyed by `Document::source` and skipped when the file hash and the rules version are
//! unchanged.

pub mod analyzer;
pub mod query;
pub mod schema;
pub mod search;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tantivy::directory::MmapDirectory;
use tantivy::query::QueryParser;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::model::{CheckReport, Document};
pub use query::{MAX_QUERY_CHARS, MAX_QUERY_DEPTH, QueryError, check_query_text};
use schema::Fields;
pub use search::{FacetCounts, FacetValue, Hit, SearchQuery, SearchResults, SectionHit, Snippet};

/// Default index location, relative to the working directory (`--index` overrides it).
pub const DEFAULT_DIR: &str = ".shnor/index";

/// The key under which a file is indexed: its canonical absolute path (so `docs/a.pdf` and
/// `./docs/a.pdf` are one document), or the absolute path when it no longer exists.
pub fn source_key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// Per-thread indexing memory. tantivy needs at least 15 MB per thread; more buys fewer flushes.
const WRITER_BYTES_PER_THREAD: usize = 48 * 1024 * 1024;
/// Indexing threads: the machine's cores, at most this many (memory stays bounded).
const MAX_WRITER_THREADS: usize = 4;

/// What `put` did with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Updated,
    /// Same file hash and rules version as the indexed entry: nothing written.
    Unchanged,
}

/// One indexed source document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indexed {
    pub source: String,
    /// blake3 hex of the file bytes (`Document::hash`).
    pub hash: String,
    /// `CheckReport::rules_version` of the indexed verdicts.
    pub rules_version: String,
}

/// What the index knows about one source document.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Known {
    hash: String,
    rules_version: String,
}

/// A tantivy search archive in a directory.
pub struct Archive {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    reader: IndexReader,
    parser: QueryParser,
    section_parser: QueryParser,
    /// Opened on the first write, so searching never takes the index lock.
    writer: Option<IndexWriter>,
    /// Source → hash, including uncommitted changes; loaded on first use.
    known: OnceLock<BTreeMap<String, Known>>,
}

impl Archive {
    /// Open the archive in `dir`, creating the folder and an empty index when missing.
    pub fn open(dir: &Path) -> Result<Archive> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Index(format!("не удалось создать каталог {}: {e}", dir.display()))
        })?;
        let directory = MmapDirectory::open(dir).map_err(|e| {
            Error::Index(format!("не удалось открыть каталог {}: {e}", dir.display()))
        })?;
        let index = Index::open_or_create(directory, schema::build_schema()).map_err(|e| {
            match e {
                tantivy::TantivyError::SchemaError(_) => Error::Index(format!(
                    "индекс в {} создан другой версией shnor; удалите каталог и постройте индекс заново",
                    dir.display()
                )),
                e => Error::Index(format!("не удалось открыть индекс {}: {e}", dir.display())),
            }
        })?;
        index
            .tokenizers()
            .register(analyzer::RUSSIAN, analyzer::russian());
        let fields = Fields::from_schema(&index.schema()).map_err(index_err)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(index_err)?;
        let (parser, section_parser) = search::query_parsers(&index, &fields);
        Ok(Archive {
            dir: dir.to_path_buf(),
            index,
            fields,
            reader,
            parser,
            section_parser,
            writer: None,
            known: OnceLock::new(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Add or replace a document (keyed by `doc.source`). Skipped when the hash and the rules
    /// version are unchanged. Visible to `search` after `commit`.
    pub fn upsert(&mut self, doc: &Document, report: &CheckReport) -> Result<()> {
        self.put(doc, report).map(|_| ())
    }

    /// `upsert` that says what it did.
    pub fn put(&mut self, doc: &Document, report: &CheckReport) -> Result<Change> {
        let incoming = Known {
            hash: doc.hash.clone(),
            rules_version: report.rules_version.clone(),
        };
        let change = match self.known()?.get(&doc.source) {
            Some(k) if *k == incoming => return Ok(Change::Unchanged),
            Some(_) => Change::Updated,
            None => Change::Added,
        };
        let entries = schema::entries(&self.fields, doc, report);
        let source_field = self.fields.source;
        let writer = self.writer()?;
        // A delete affects only entries added before it, so the new entries survive.
        writer.delete_term(Term::from_field_text(source_field, &doc.source));
        for entry in entries {
            writer.add_document(entry).map_err(index_err)?;
        }
        self.known_mut()?.insert(doc.source.clone(), incoming);
        Ok(change)
    }

    /// Whether `source` is indexed with this file hash and rules version (uncommitted changes
    /// included), i.e. `put` would do nothing. Lets a caller skip extraction of unchanged files.
    pub fn is_current(&self, source: &str, hash: &str, rules_version: &str) -> Result<bool> {
        Ok(self
            .known()?
            .get(source)
            .is_some_and(|k| k.hash == hash && k.rules_version == rules_version))
    }

    /// Delete a document and its sections. Returns whether it was indexed.
    pub fn remove(&mut self, source: &str) -> Result<bool> {
        if !self.known()?.contains_key(source) {
            return Ok(false);
        }
        let source_field = self.fields.source;
        self.writer()?
            .delete_term(Term::from_field_text(source_field, source));
        self.known_mut()?.remove(source);
        Ok(true)
    }

    /// Indexed documents as (source, content hash), sorted by source; includes uncommitted
    /// changes.
    pub fn sources(&self) -> Result<Vec<(String, String)>> {
        Ok(self
            .known()?
            .iter()
            .map(|(s, k)| (s.clone(), k.hash.clone()))
            .collect())
    }

    /// Indexed documents with the rules version their verdicts came from, sorted by source;
    /// includes uncommitted changes.
    pub fn indexed(&self) -> Result<Vec<Indexed>> {
        Ok(self
            .known()?
            .iter()
            .map(|(s, k)| Indexed {
                source: s.clone(),
                hash: k.hash.clone(),
                rules_version: k.rules_version.clone(),
            })
            .collect())
    }

    /// Make all changes durable and visible to `search`.
    pub fn commit(&mut self) -> Result<()> {
        if let Some(writer) = self.writer.as_mut() {
            writer.commit().map_err(index_err)?;
            self.reader.reload().map_err(index_err)?;
        }
        Ok(())
    }

    /// Ranked search with filters, snippets and (on request) facet counts.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        search::run(self, query)
    }

    /// Sources of the best `limit` documents for a free-text query, best first (for `eval`).
    pub fn ranked_sources(&self, text: &str, limit: usize) -> Result<Vec<String>> {
        let query = SearchQuery {
            text: text.to_string(),
            limit,
            snippets: false,
            ..SearchQuery::default()
        };
        Ok(self
            .search(&query)?
            .hits
            .into_iter()
            .map(|h| h.source)
            .collect())
    }

    /// Number of committed documents (not counting section entries).
    pub fn num_documents(&self) -> Result<u64> {
        let searcher = self.reader.searcher();
        let q = tantivy::query::TermQuery::new(
            Term::from_field_text(self.fields.kind, schema::KIND_DOCUMENT),
            tantivy::schema::IndexRecordOption::Basic,
        );
        searcher
            .search(&q, &tantivy::collector::Count)
            .map(|n| n as u64)
            .map_err(index_err)
    }

    /// Bytes the index occupies on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        let mut total = 0;
        for entry in std::fs::read_dir(&self.dir)? {
            let meta = entry?.metadata()?;
            if meta.is_file() {
                total += meta.len();
            }
        }
        Ok(total)
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            let threads = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .clamp(1, MAX_WRITER_THREADS);
            let writer = self
                .index
                .writer_with_num_threads(threads, threads * WRITER_BYTES_PER_THREAD)
                .map_err(|e| match e {
                    tantivy::TantivyError::LockFailure(..) => Error::Index(format!(
                        "индекс {} занят другим процессом; дождитесь его завершения",
                        self.dir.display()
                    )),
                    e => index_err(e),
                })?;
            self.writer = Some(writer);
        }
        self.writer
            .as_mut()
            .ok_or_else(|| Error::Index("индекс открыт только для чтения".into()))
    }

    fn known(&self) -> Result<&BTreeMap<String, Known>> {
        if let Some(k) = self.known.get() {
            return Ok(k);
        }
        let loaded = self.load_known()?;
        Ok(self.known.get_or_init(|| loaded))
    }

    fn known_mut(&mut self) -> Result<&mut BTreeMap<String, Known>> {
        self.known()?;
        self.known
            .get_mut()
            .ok_or_else(|| Error::Index("список проиндексированных файлов не загружен".into()))
    }

    /// Read source, hash and rules version of every committed document from fast fields
    /// (cheap: no stored text is decompressed).
    fn load_known(&self) -> Result<BTreeMap<String, Known>> {
        let searcher = self.reader.searcher();
        let mut out = BTreeMap::new();
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            let column = |name: &str| {
                ff.str(name)
                    .map_err(index_err)?
                    .ok_or_else(|| Error::Index(format!("нет быстрого поля {name}")))
            };
            let (kind, source, hash, rules) = match (
                column("kind"),
                column("source"),
                column("hash"),
                column("rules_version"),
            ) {
                (Ok(k), Ok(s), Ok(h), Ok(r)) => (k, s, h, r),
                // A segment with no documents at all has no columns.
                _ if segment.num_docs() == 0 => continue,
                (k, s, h, r) => {
                    k?;
                    s?;
                    h?;
                    r?;
                    continue;
                }
            };
            let read = |col: &tantivy::columnar::StrColumn, doc: u32, buf: &mut String| {
                buf.clear();
                if let Some(ord) = col.term_ords(doc).next() {
                    col.ord_to_str(ord, buf).map_err(Error::Io)?;
                }
                Ok::<_, Error>(())
            };
            let (mut k, mut s, mut h, mut r) =
                (String::new(), String::new(), String::new(), String::new());
            for doc in segment.doc_ids_alive() {
                read(&kind, doc, &mut k)?;
                if k != schema::KIND_DOCUMENT {
                    continue;
                }
                read(&source, doc, &mut s)?;
                read(&hash, doc, &mut h)?;
                read(&rules, doc, &mut r)?;
                out.insert(
                    s.clone(),
                    Known {
                        hash: h.clone(),
                        rules_version: r.clone(),
                    },
                );
            }
        }
        Ok(out)
    }

    pub(crate) fn parts(&self) -> (&IndexReader, &Fields, &QueryParser, &QueryParser) {
        (
            &self.reader,
            &self.fields,
            &self.parser,
            &self.section_parser,
        )
    }
}

pub(crate) fn index_err(e: tantivy::TantivyError) -> Error {
    Error::Index(e.to_string())
}

/// Read a stored text value.
pub(crate) fn stored_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    use tantivy::schema::Value;
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
}
