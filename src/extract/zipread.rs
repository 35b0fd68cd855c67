//! Reading entries of untrusted zip packages (DOCX, ODT) under limits. Declared sizes are
//! checked first as a fast refusal, but never trusted: every entry is read through a reader
//! capped at what the limits still allow, so a lying header cannot make us inflate a bomb.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::Limits;
use crate::error::{Error, Result};

/// Entries smaller than this are not subject to the ratio check: tiny XML parts compress
/// extremely well and are harmless.
const RATIO_FREE_BYTES: u64 = 1024 * 1024;

pub struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    names: Vec<String>,
    limits: Limits,
    /// Uncompressed bytes still allowed for the whole package.
    budget: u64,
}

impl<'a> Package<'a> {
    /// Open a zip package; anything that is not a readable zip is `Corrupt`.
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self> {
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
            Error::Corrupt(
                "внутри нет zip-архива, из которого состоят DOCX и ODT, или архив повреждён".into(),
            )
        })?;
        let names = archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        Ok(Package {
            archive,
            names,
            limits: limits.clone(),
            budget: limits.max_uncompressed_bytes,
        })
    }

    /// Entry names as stored.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The stored name matching `name` case-insensitively (packages made by odd tools differ).
    pub fn find_name(&self, name: &str) -> Option<String> {
        let name = name.trim_start_matches('/');
        self.names
            .iter()
            .find(|n| n.as_str() == name)
            .or_else(|| self.names.iter().find(|n| n.eq_ignore_ascii_case(name)))
            .cloned()
    }

    /// Read one entry fully, or `None` when it does not exist. Exceeding the package budget
    /// or the compression ratio is `TooLarge`; a damaged entry is `Corrupt`.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let Some(stored) = self.find_name(name) else {
            return Ok(None);
        };
        let mut file = match self.archive.by_name(&stored) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(zip::result::ZipError::UnsupportedArchive(msg)) if msg.contains("ncrypt") => {
                return Err(Error::Encrypted(format!("часть «{stored}» зашифрована")));
            }
            Err(e) => {
                return Err(Error::Corrupt(format!(
                    "не удалось прочитать «{stored}»: {e}"
                )));
            }
        };
        if file.encrypted() {
            return Err(Error::Encrypted(format!("часть «{stored}» зашифрована")));
        }
        let ratio_cap = file
            .compressed_size()
            .saturating_mul(self.limits.max_zip_ratio)
            .max(RATIO_FREE_BYTES);
        let cap = ratio_cap.min(self.budget);
        let too_large = |size: u64, limits: &Limits| {
            if size > ratio_cap {
                Error::TooLarge(format!(
                    "часть «{stored}» распаковывается более чем в {} раз (подозрение на zip-бомбу)",
                    limits.max_zip_ratio
                ))
            } else {
                Error::TooLarge(format!(
                    "распакованное содержимое больше {} МБ",
                    limits.max_uncompressed_bytes / (1024 * 1024)
                ))
            }
        };
        if file.size() > cap {
            return Err(too_large(file.size(), &self.limits));
        }
        let mut out = Vec::with_capacity(file.size().min(cap).min(16 * 1024 * 1024) as usize);
        // Read one byte past the cap so that exceeding it is detected, not silently truncated.
        let read = (&mut file)
            .take(cap.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| Error::Corrupt(format!("часть «{stored}» повреждена: {e}")))?;
        if read as u64 > cap {
            return Err(too_large(read as u64, &self.limits));
        }
        self.budget = self.budget.saturating_sub(read as u64);
        Ok(Some(out))
    }
}

/// True for an OLE2 (Compound File) container holding an `EncryptedPackage` stream: that is
/// how Office stores a password-protected DOCX/XLSX.
pub fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    const OLE2: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if !bytes.starts_with(&OLE2) {
        return false;
    }
    // Directory entry names are UTF-16LE; scanning for the name is enough to tell.
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(name: &str, data: &[u8]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name, opts).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn reads_within_limits_and_refuses_ratio_bombs() {
        let small = zip_with("a.xml", "<a>Цель</a>".as_bytes());
        let mut p = Package::open(&small, &Limits::default()).unwrap();
        assert_eq!(p.read("A.XML").unwrap().unwrap(), "<a>Цель</a>".as_bytes());
        assert!(p.read("missing.xml").unwrap().is_none());

        let zeros = vec![0u8; 8 * 1024 * 1024];
        let bomb = zip_with("a.xml", &zeros);
        let mut p = Package::open(&bomb, &Limits::default()).unwrap();
        assert_eq!(p.read("a.xml").unwrap_err().code(), "too_large");

        let limits = Limits {
            max_uncompressed_bytes: 100,
            ..Limits::default()
        };
        let text = zip_with("a.xml", &[b'x'; 1000]);
        let mut p = Package::open(&text, &limits).unwrap();
        assert_eq!(p.read("a.xml").unwrap_err().code(), "too_large");

        assert_eq!(
            Package::open(b"not a zip", &Limits::default())
                .err()
                .map(|e| e.code()),
            Some("corrupt")
        );
    }
}
