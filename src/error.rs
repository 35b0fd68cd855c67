//! One error enum for the library. Every variant has a stable machine code (`code()`) and a
//! Russian message for the person reading the report (`message_ru()`).

use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is encrypted with a password we do not know.
    #[error("encrypted: {0}")]
    Encrypted(String),
    /// Pages carry images but no text layer (a scan).
    #[error("scanned: {0}")]
    Scanned(String),
    /// The file is damaged or is not what its extension says.
    #[error("corrupt: {0}")]
    Corrupt(String),
    /// A format we do not read (e.g. legacy binary .doc).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A configured limit was exceeded (file size, zip ratio, pages, XML depth...).
    #[error("too large: {0}")]
    TooLarge(String),
    /// Extraction did not finish within the time limit.
    #[error("timeout: {0}")]
    Timeout(String),
    /// The document has no text at all.
    #[error("empty: {0}")]
    Empty(String),
    /// Reading the file from disk failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// The rules folder is invalid (file, line and reason are in the message).
    #[error("rules: {0}")]
    Rules(String),
    /// The search index could not be opened or written.
    #[error("index: {0}")]
    Index(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Stable machine code, used in JSON, CSV and exit summaries. Never rename these.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Encrypted(_) => "encrypted",
            Error::Scanned(_) => "scanned",
            Error::Corrupt(_) => "corrupt",
            Error::Unsupported(_) => "unsupported",
            Error::TooLarge(_) => "too_large",
            Error::Timeout(_) => "timeout",
            Error::Empty(_) => "empty",
            Error::Io(_) => "io",
            Error::Rules(_) => "rules",
            Error::Index(_) => "index",
        }
    }

    /// Human-readable reason in Russian (without the file name).
    pub fn message_ru(&self) -> String {
        match self {
            Error::Encrypted(d) => with_detail(
                "файл защищён паролем; снимите защиту и загрузите файл снова",
                d,
            ),
            Error::Scanned(d) => with_detail(
                "в файле нет текстового слоя (скан); распознайте текст или загрузите текстовый вариант",
                d,
            ),
            Error::Corrupt(d) => {
                with_detail("файл повреждён или не соответствует своему формату", d)
            }
            Error::Unsupported(d) => with_detail("формат не поддерживается", d),
            Error::TooLarge(d) => with_detail("файл превышает допустимый размер", d),
            Error::Timeout(d) => with_detail("обработка файла не уложилась в отведённое время", d),
            Error::Empty(d) => with_detail("в документе нет текста", d),
            Error::Io(e) => format!("не удалось прочитать файл: {e}"),
            Error::Rules(d) => format!("ошибка в правилах проверки: {d}"),
            Error::Index(d) => format!("ошибка поискового индекса: {d}"),
        }
    }
}

fn with_detail(base: &str, detail: &str) -> String {
    if detail.is_empty() {
        base.to_string()
    } else {
        format!("{base} ({detail})")
    }
}

/// A per-file failure as it appears in reports and summaries: the batch goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FileError {
    pub path: PathBuf,
    pub code: String,
    /// Russian message for the user, including the file name.
    pub message: String,
}

impl FileError {
    pub fn new(path: &Path, err: &Error) -> Self {
        FileError {
            path: path.to_path_buf(),
            code: err.code().to_string(),
            message: format!("{}: {}", path.display(), err.message_ru()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_messages_russian() {
        let e = Error::TooLarge("распакованный размер 200 МБ больше предела 100 МБ".into());
        assert_eq!(e.code(), "too_large");
        assert!(e.message_ru().contains("превышает"));
        let fe = FileError::new(Path::new("a.docx"), &e);
        assert!(fe.message.starts_with("a.docx: "));
        assert_eq!(fe.code, "too_large");
    }
}
