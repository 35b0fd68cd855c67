//! Uploaded files: names made safe for display and downloads, and `multipart/form-data`
//! bodies (parsed by axum's `Multipart`) read into files under limits. Uploads stay in memory;
//! a name is never used as a path.

use axum::extract::Multipart;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// One uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Display name: the last path component, control characters removed, length capped.
    pub name: String,
    pub bytes: Vec<u8>,
}

const MAX_NAME_CHARS: usize = 200;

/// The name a user gave, reduced to something safe to show (as text) and to use for the
/// format guess: no directories, no control characters, bounded length. Never a path.
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string();
    let capped: String = if cleaned.chars().count() > MAX_NAME_CHARS {
        // Keep the extension: the format guess needs it.
        let ext: String = match cleaned.rsplit_once('.') {
            Some((_, e)) if e.chars().count() <= 10 => format!(".{e}"),
            _ => String::new(),
        };
        let head: String = cleaned
            .chars()
            .take(MAX_NAME_CHARS - ext.chars().count())
            .collect();
        format!("{head}{ext}")
    } else {
        cleaned
    };
    if capped.is_empty() || capped == "." || capped == ".." {
        "документ".to_string()
    } else {
        capped
    }
}

/// A file name for a download built from the uploaded name: letters, digits, `-`, `_`, `.`
/// only (Cyrillic kept), so it is safe in any file system and header.
pub fn download_stem(name: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s,
        _ => name,
    };
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
        if out.chars().count() >= 80 {
            break;
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        "документ".to_string()
    } else {
        out
    }
}

/// `filename="…"` fallback for old clients: ASCII only.
pub fn ascii_fallback(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    s
}

/// Characters escaped in RFC 5987 `filename*=UTF-8\'\'…`: everything but `A-Za-z0-9-._~`.
pub(crate) const RFC5987_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Largest form field that is not a file (it is read and dropped).
const MAX_FORM_FIELD_BYTES: usize = 64 * 1024;
/// Most form fields that are not files.
const MAX_FORM_FIELDS: usize = 32;

/// Why an upload body was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UploadError {
    /// More than the cap was sent (or a form field over its own cap).
    TooLarge,
    /// The body stalled or came too slowly.
    Timeout,
    /// The client stopped before the announced length.
    Incomplete,
    TooManyFiles(usize),
    NoFiles,
    Malformed,
}

/// Classify a body read error: the idle timeout, the size limit, or a connection that ended.
pub(crate) fn body_error(e: &(dyn std::error::Error + 'static)) -> UploadError {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<tower_http::timeout::TimeoutError>() {
            return UploadError::Timeout;
        }
        if c.is::<http_body_util::LengthLimitError>() {
            return UploadError::TooLarge;
        }
        cause = c.source();
    }
    UploadError::Incomplete
}

/// Read the file parts of a `multipart/form-data` body (parts without a file name are
/// drained and ignored, up to their own small cap). At most `max_files` files; the body as a
/// whole is already capped by the request limit.
pub(crate) async fn read_multipart(
    mut form: Multipart,
    limits: &super::UploadLimits,
) -> Result<Vec<Upload>, UploadError> {
    let mut files = Vec::new();
    let mut other_fields = 0;
    while let Some(mut field) = form.next_field().await.map_err(|e| multipart_error(&e))? {
        let name = field.file_name().map(display_name);
        let cap = match &name {
            Some(_) if files.len() == limits.max_files => {
                return Err(UploadError::TooManyFiles(limits.max_files));
            }
            Some(_) => usize::MAX,
            None => {
                other_fields += 1;
                if other_fields > MAX_FORM_FIELDS {
                    return Err(UploadError::Malformed);
                }
                MAX_FORM_FIELD_BYTES
            }
        };
        let mut bytes = Vec::new();
        let mut read = 0usize;
        while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(&e))? {
            read += chunk.len();
            if read > cap {
                return Err(UploadError::TooLarge);
            }
            if name.is_some() {
                bytes.extend_from_slice(&chunk);
            }
        }
        if let Some(name) = name {
            files.push(Upload { name, bytes });
        }
    }
    if files.is_empty() {
        return Err(UploadError::NoFiles);
    }
    Ok(files)
}

fn multipart_error(e: &axum::extract::multipart::MultipartError) -> UploadError {
    match body_error(e) {
        UploadError::Incomplete if e.status().is_client_error() => UploadError::Malformed,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_directories_and_controls() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\Users\\a\\prog.docx"), "prog.docx");
        assert_eq!(display_name("a\r\nb.pdf"), "ab.pdf");
        assert_eq!(display_name(".."), "документ");
        assert_eq!(display_name("<script>.docx"), "<script>.docx");
        let long = format!("{}.docx", "я".repeat(500));
        let shown = display_name(&long);
        assert_eq!(shown.chars().count(), MAX_NAME_CHARS);
        assert!(shown.ends_with(".docx"));
    }

    #[test]
    fn download_names_are_plain() {
        assert_eq!(download_stem("<script>.docx"), "script");
        assert_eq!(
            download_stem("Программа развития 2024.pdf"),
            "Программа_развития_2024"
        );
        assert_eq!(download_stem("\"';.pdf"), "документ");
        assert_eq!(ascii_fallback("Программа_1.docx"), "__________1.docx");
    }
}
