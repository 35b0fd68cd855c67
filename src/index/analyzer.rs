//! The Russian text analyzer shared by indexing and query parsing: words → lower case → ё→е →
//! without stop words → Snowball Russian stems. Registering it under one name and using it for
//! both sides is what makes «ёлка» find «елка» and «собрания» find «собраний».

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name under which the analyzer is registered on every opened index.
pub const RUSSIAN: &str = "ru_stem";

/// Tokens longer than this (in bytes) are noise (base64, glued table cells) and are dropped.
const MAX_TOKEN_BYTES: usize = 80;

/// Build the analyzer. Cheap; tantivy clones it per thread.
pub fn russian() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(YoFolding)
        .filter(russian_stop_words())
        .filter(Stemmer::new(Language::Russian))
        .build()
}

/// tantivy's Snowball Russian list; it is spelled with «е», so it matches tokens after `YoFolding`.
fn russian_stop_words() -> StopWordFilter {
    // `None` only when tantivy is built without the `stopwords` feature, which Cargo.toml enables.
    StopWordFilter::new(Language::Russian).unwrap_or_else(|| StopWordFilter::remove(Vec::new()))
}

/// Analyze `text` and return the resulting terms (for tests and diagnostics).
pub fn terms(text: &str) -> Vec<String> {
    let mut analyzer = russian();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Replace «ё» by «е» (lower and upper case).
pub fn fold_yo(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ё' => 'е',
            'Ё' => 'Е',
            c => c,
        })
        .collect()
}

/// Token filter folding «ё» into «е»: Russian texts use both spellings of the same word.
#[derive(Clone, Copy, Debug, Default)]
pub struct YoFolding;

impl TokenFilter for YoFolding {
    type Tokenizer<T: Tokenizer> = YoFoldingFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> YoFoldingFilter<T> {
        YoFoldingFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct YoFoldingFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for YoFoldingFilter<T> {
    type TokenStream<'a> = YoFoldingStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        YoFoldingStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct YoFoldingStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for YoFoldingStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Most tokens have no «ё»; avoid reallocating them.
        if token.text.contains(['ё', 'Ё']) {
            token.text = fold_yo(&token.text);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yo_and_e_spellings_give_the_same_term() {
        assert_eq!(terms("ёлка"), terms("елка"));
        assert_eq!(terms("Ёлка"), terms("ЕЛКА"));
        assert_eq!(terms("её достижения"), terms("ее достижения"));
    }

    #[test]
    fn yo_folding_filter_folds_on_its_own() {
        // The Snowball stemmer folds ё as well; the filter must not rely on it (stop words,
        // stems it leaves alone).
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(YoFolding)
            .build();
        let mut stream = analyzer.token_stream("Ёлка ещё ЗЕЛЁНАЯ");
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        assert_eq!(out, ["елка", "еще", "зеленая"]);
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        assert_eq!(
            terms("родительские собрания"),
            terms("родительского собрания")
        );
        assert_eq!(terms("наставничество"), terms("наставничества"));
        assert_eq!(terms("мониторинг"), terms("мониторинга"));
        assert_ne!(terms("мониторинг"), terms("мотивация"));
    }

    #[test]
    fn stop_words_are_dropped_and_long_tokens_ignored() {
        assert_eq!(terms("план и по"), terms("план"));
        let long = "а".repeat(200);
        assert_eq!(terms(&format!("цель {long}")), terms("цель"));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Ёлочный базар";
        let mut analyzer = russian();
        let mut stream = analyzer.token_stream(text);
        let first = stream.next().map(|t| (t.offset_from, t.offset_to));
        assert_eq!(first, Some((0, "Ёлочный".len())));
    }
}
