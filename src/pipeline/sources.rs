//! Sources of a batch: files, folders (recursive) and zip archives as downloaded from the
//! monitoring system. Discovery only lists names; bytes are read later, in the worker, under
//! the same limits the extractors use.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::extract::Limits;

/// Extensions picked up inside folders and archives; a file named on the command line is
/// always taken, whatever its name.
const REVIEWED_EXTENSIONS: [&str; 8] = ["pdf", "docx", "docm", "odt", "rtf", "txt", "doc", "zip"];

/// Most entries read from one archive.
const MAX_ZIP_ENTRIES: usize = 100_000;

/// Below this size a high compression ratio is normal (tables of spaces, repeated styles).
const RATIO_CHECK_FROM: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    ZipEntry { archive: PathBuf, index: usize },
}

/// One document to review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// What the user sees and what reports call the document: the path as given
    /// (`uploads/a.docx`) or `archive.zip!/dir/file.docx` for archive entries.
    pub display: String,
    /// Path relative to its input (folder input: inside the folder; file input: the file
    /// name; archive: archive name + entry path); report file names derive from it.
    pub rel: String,
    pub origin: Origin,
}

/// A source that could not even be listed (missing path, unreadable archive).
#[derive(Debug)]
pub struct DiscoveryError {
    pub display: String,
    pub error: Error,
}

/// List every document under `inputs`, sorted by `display` and without duplicates. `exclude`
/// (the output folder) is never descended into, so reports are not reviewed as inputs.
pub fn discover(
    inputs: &[PathBuf],
    exclude: Option<&Path>,
    limits: &Limits,
) -> (Vec<Source>, Vec<DiscoveryError>) {
    let exclude = exclude.and_then(|p| p.canonicalize().ok());
    let mut found = Vec::new();
    let mut failed = Vec::new();
    for input in inputs {
        let shown = slash_path(input);
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                failed.push(DiscoveryError {
                    display: shown,
                    error: Error::Io(e),
                });
                continue;
            }
        };
        if meta.is_dir() {
            let prefix = if shown == "." || shown == "./" {
                String::new()
            } else {
                format!("{}/", shown.trim_end_matches('/'))
            };
            walk(
                input,
                "",
                &prefix,
                exclude.as_deref(),
                limits,
                &mut found,
                &mut failed,
            );
        } else {
            let name = file_name_of(input);
            add_file(input, shown, name, limits, &mut found, &mut failed);
        }
    }
    found.sort_by(|a, b| a.display.cmp(&b.display));
    found.dedup_by(|a, b| a.display == b.display);
    failed.sort_by(|a, b| a.display.cmp(&b.display));
    (found, failed)
}

fn walk(
    dir: &Path,
    rel: &str,
    prefix: &str,
    exclude: Option<&Path>,
    limits: &Limits,
    found: &mut Vec<Source>,
    failed: &mut Vec<DiscoveryError>,
) {
    if exclude.is_some_and(|ex| dir.canonicalize().is_ok_and(|d| d == ex)) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            failed.push(DiscoveryError {
                display: format!("{prefix}{rel}"),
                error: Error::Io(e),
            });
            return;
        }
    };
    let mut names: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    names.sort();
    for (name, path) in names {
        let child_rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        // Symlinks are not followed into folders (no loops); linked files are read.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(&path, &child_rel, prefix, exclude, limits, found, failed);
        } else if has_reviewed_extension(&name) {
            let display = format!("{prefix}{child_rel}");
            add_file(&path, display, child_rel, limits, found, failed);
        }
    }
}

fn add_file(
    path: &Path,
    display: String,
    rel: String,
    limits: &Limits,
    found: &mut Vec<Source>,
    failed: &mut Vec<DiscoveryError>,
) {
    let is_zip = extension(&rel).is_some_and(|e| e == "zip");
    if !is_zip {
        found.push(Source {
            display,
            rel,
            origin: Origin::File(path.to_path_buf()),
        });
        return;
    }
    match list_zip(path, limits) {
        Ok(entries) => {
            for (index, name) in entries {
                if !has_reviewed_extension(&name) || extension(&name).is_some_and(|e| e == "zip") {
                    continue;
                }
                found.push(Source {
                    display: format!("{display}!/{name}"),
                    rel: format!("{rel}/{name}"),
                    origin: Origin::ZipEntry {
                        archive: path.to_path_buf(),
                        index,
                    },
                });
            }
        }
        Err(error) => failed.push(DiscoveryError { display, error }),
    }
}

/// (index, decoded name) of the file entries of an archive, skipping folders, hidden files and
/// macOS resource forks.
fn list_zip(path: &Path, limits: &Limits) -> Result<Vec<(usize, String)>> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > limits.max_file_bytes {
        return Err(too_large(meta.len(), limits.max_file_bytes));
    }
    let mut archive = zip::ZipArchive::new(File::open(path)?)
        .map_err(|e| Error::Corrupt(format!("архив zip не читается: {e}")))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(Error::TooLarge(format!(
            "в архиве {} файлов при пределе {MAX_ZIP_ENTRIES}",
            archive.len()
        )));
    }
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| Error::Corrupt(format!("архив zip не читается: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let name = decode_entry_name(entry.name_raw());
        let name = name.trim_start_matches('/').to_string();
        let hidden = name
            .split('/')
            .any(|part| part.starts_with('.') || part == "__MACOSX");
        if !hidden && !name.is_empty() {
            out.push((i, name));
        }
    }
    Ok(out)
}

/// Zip names are UTF-8 when the archiver says so; Russian Windows archivers write CP866.
fn decode_entry_name(raw: &[u8]) -> String {
    let name = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::IBM866
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    };
    name.replace('\\', "/")
}

/// Read the bytes of a source under the limits: file size, and for archive entries the
/// declared and actual uncompressed size and the compression ratio.
pub fn read(source: &Source, limits: &Limits) -> Result<Vec<u8>> {
    match &source.origin {
        Origin::File(path) => {
            let meta = std::fs::metadata(path)?;
            if meta.len() > limits.max_file_bytes {
                return Err(too_large(meta.len(), limits.max_file_bytes));
            }
            read_capped(File::open(path)?, limits.max_file_bytes)
        }
        Origin::ZipEntry { archive, index } => {
            let mut zip = zip::ZipArchive::new(File::open(archive)?)
                .map_err(|e| Error::Corrupt(format!("архив zip не читается: {e}")))?;
            let entry = zip
                .by_index(*index)
                .map_err(|e| Error::Corrupt(format!("файл в архиве не читается: {e}")))?;
            if entry.size() > limits.max_file_bytes {
                return Err(too_large(entry.size(), limits.max_file_bytes));
            }
            let packed = entry.compressed_size().max(1);
            if entry.size() > RATIO_CHECK_FROM && entry.size() / packed > limits.max_zip_ratio {
                return Err(Error::TooLarge(format!(
                    "степень сжатия файла в архиве {} больше предела {}",
                    entry.size() / packed,
                    limits.max_zip_ratio
                )));
            }
            read_capped(entry, limits.max_file_bytes)
        }
    }
}

/// Read at most `max` bytes; more is an error (headers may lie about sizes).
fn read_capped(reader: impl Read, max: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => Error::Corrupt(format!("данные повреждены: {e}")),
            _ => Error::Io(e),
        })?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, max));
    }
    Ok(bytes)
}

fn too_large(size: u64, max: u64) -> Error {
    Error::TooLarge(format!(
        "{} МБ при пределе {} МБ",
        size / (1024 * 1024),
        max / (1024 * 1024)
    ))
}

fn extension(name: &str) -> Option<String> {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
}

fn has_reviewed_extension(name: &str) -> bool {
    extension(name).is_some_and(|e| REVIEWED_EXTENSIONS.contains(&e.as_str()))
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| slash_path(path))
}

/// The path as the user gave it, with `/` separators.
fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn walks_folders_and_archives_in_sorted_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/sub")).unwrap();
        std::fs::write(root.join("b/sub/z.docx"), b"x").unwrap();
        std::fs::write(root.join("a.pdf"), b"x").unwrap();
        std::fs::write(root.join("notes.json"), b"{}").unwrap();
        std::fs::write(root.join(".hidden.pdf"), b"x").unwrap();
        std::fs::write(
            root.join("up.zip"),
            zip_with(&[
                ("dir/ш.txt", b"text"),
                ("__MACOSX/._x.txt", b""),
                ("img.png", b""),
            ]),
        )
        .unwrap();
        let (found, failed) = discover(&[root.to_path_buf()], None, &Limits::default());
        assert!(failed.is_empty());
        let prefix = format!("{}/", root.to_string_lossy());
        let shown: Vec<String> = found
            .iter()
            .map(|s| s.display.trim_start_matches(&prefix).to_string())
            .collect();
        assert_eq!(shown, ["a.pdf", "b/sub/z.docx", "up.zip!/dir/ш.txt"]);
        assert_eq!(found[2].rel, "up.zip/dir/ш.txt");
        assert_eq!(read(&found[2], &Limits::default()).unwrap(), b"text");
    }

    #[test]
    fn missing_input_and_broken_zip_are_per_source_errors() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.zip");
        std::fs::write(&bad, b"PK\x03\x04 not really").unwrap();
        let missing = dir.path().join("missing.docx");
        let (found, failed) = discover(&[missing, bad], None, &Limits::default());
        assert!(found.is_empty());
        let codes: Vec<&str> = failed.iter().map(|f| f.error.code()).collect();
        assert_eq!(codes, ["corrupt", "io"]);
    }

    #[test]
    fn oversized_and_overcompressed_entries_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("bomb.zip");
        let big = vec![b' '; 4 * 1024 * 1024];
        std::fs::write(&zip, zip_with(&[("a.txt", &big)])).unwrap();
        let (found, _) = discover(&[zip], None, &Limits::default());
        let limits = Limits {
            max_zip_ratio: 100,
            ..Limits::default()
        };
        assert_eq!(read(&found[0], &limits).unwrap_err().code(), "too_large");
        let limits = Limits {
            max_file_bytes: 1024 * 1024,
            ..Limits::default()
        };
        assert_eq!(read(&found[0], &limits).unwrap_err().code(), "too_large");
        let limits = Limits {
            max_zip_ratio: 10_000,
            ..Limits::default()
        };
        assert_eq!(read(&found[0], &limits).unwrap().len(), big.len());
    }

    #[test]
    fn cp866_names_are_decoded() {
        let (cp866, _, _) = encoding_rs::IBM866.encode("программа.docx");
        assert_eq!(decode_entry_name(&cp866), "программа.docx");
    }
}
