//! PDF reader (to be implemented in issue #4).

use super::Options;
use crate::error::{Error, Result};
use crate::model::Document;

pub fn read(_bytes: &[u8], _opts: &Options) -> Result<Document> {
    Err(Error::Unsupported("pdf: чтение ещё не реализовано".into()))
}
