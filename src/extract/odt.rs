//! odt reader (to be implemented in issue #3).

use super::Limits;
use crate::error::{Error, Result};
use crate::model::Document;

pub fn read(_bytes: &[u8], _limits: &Limits) -> Result<Document> {
    Err(Error::Unsupported("odt: чтение ещё не реализовано".into()))
}
