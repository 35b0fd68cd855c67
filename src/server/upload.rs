//! Uploaded files: names made safe for display and downloads, and `multipart/form-data`
//! bodies split into files. Uploads stay in memory; a name is never used as a path.

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

/// Why a multipart body was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum MultipartError {
    NoBoundary,
    Malformed,
    TooManyFiles(usize),
    NoFiles,
}

/// Split a `multipart/form-data` body into its file parts (parts without a `filename` are
/// ignored). At most `max_files` files.
pub fn parse_multipart(
    content_type: &str,
    body: &[u8],
    max_files: usize,
) -> Result<Vec<Upload>, MultipartError> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .ok_or(MultipartError::NoBoundary)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut files = Vec::new();
    let mut pos = find(body, &delimiter, 0).ok_or(MultipartError::Malformed)?;
    loop {
        pos += delimiter.len();
        let after = body.get(pos..).ok_or(MultipartError::Malformed)?;
        if after.starts_with(b"--") {
            break;
        }
        pos += if after.starts_with(b"\r\n") {
            2
        } else {
            return Err(MultipartError::Malformed);
        };
        let head_end = find(body, b"\r\n\r\n", pos).ok_or(MultipartError::Malformed)?;
        let head = std::str::from_utf8(body.get(pos..head_end).ok_or(MultipartError::Malformed)?)
            .map_err(|_| MultipartError::Malformed)?;
        let content_start = head_end + 4;
        let mut next_delim = delimiter.clone();
        next_delim.splice(0..0, b"\r\n".iter().copied());
        let content_end =
            find(body, &next_delim, content_start).ok_or(MultipartError::Malformed)?;
        if let Some(filename) = part_filename(head) {
            if files.len() == max_files {
                return Err(MultipartError::TooManyFiles(max_files));
            }
            files.push(Upload {
                name: display_name(&filename),
                bytes: body
                    .get(content_start..content_end)
                    .ok_or(MultipartError::Malformed)?
                    .to_vec(),
            });
        }
        pos = content_end + 2;
    }
    if files.is_empty() {
        return Err(MultipartError::NoFiles);
    }
    Ok(files)
}

/// `filename` (or RFC 5987 `filename*`) of a part's `Content-Disposition`.
fn part_filename(head: &str) -> Option<String> {
    let disposition = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(v)
    })?;
    let mut plain = None;
    for param in disposition.split(';').map(str::trim) {
        if let Some(v) = param.strip_prefix("filename*=") {
            let encoded = v.split("''").nth(1).unwrap_or(v);
            if let Some(decoded) = super::http::percent_decode(encoded) {
                return Some(decoded);
            }
        } else if let Some(v) = param.strip_prefix("filename=") {
            plain = Some(v.trim_matches('"').to_string());
        }
    }
    plain
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
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

    #[test]
    fn multipart_files() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''%D0%B0.txt\r\n\r\n\r\nline\r\n--XyZ--\r\n";
        let files = parse_multipart("multipart/form-data; boundary=XyZ", body, 5).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].name, "a.txt");
        assert_eq!(files[0].bytes, b"hello");
        assert_eq!(files[1].name, "а.txt");
        assert_eq!(files[1].bytes, b"\r\nline");
        assert_eq!(
            parse_multipart("multipart/form-data; boundary=XyZ", body, 1),
            Err(MultipartError::TooManyFiles(1))
        );
        assert_eq!(
            parse_multipart("multipart/form-data", body, 5),
            Err(MultipartError::NoBoundary)
        );
        assert_eq!(
            parse_multipart("multipart/form-data; boundary=XyZ", b"--XyZ\r\nbroken", 5),
            Err(MultipartError::Malformed)
        );
    }
}
