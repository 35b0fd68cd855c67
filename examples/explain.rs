//! For rule authors: print how the checker sees one document — its units with inferred
//! headings, then the JSON report. `.md` files are read with the test Markdown reader, anything
//! else through the extractors.
//!
//! `cargo run --example explain -- FILE [RULES_DIR]` (rules from a folder instead of the built-in
//! ones, to try an edit of `rules/*.toml` without rebuilding)

use std::path::Path;

use shnor::check::{check, testdoc};
use shnor::rules::Rules;

fn main() -> anyhow::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        anyhow::bail!("использование: explain ФАЙЛ");
    };
    let doc = if path.ends_with(".md") {
        testdoc::document(&path, &std::fs::read_to_string(&path)?)
    } else {
        shnor::extract::extract_file(Path::new(&path), &shnor::extract::Options::default())
            .map_err(|e| anyhow::anyhow!(e.message_ru()))?
    };
    let rules = match std::env::args().nth(2) {
        Some(dir) => Rules::load(Path::new(&dir)).map_err(|e| anyhow::anyhow!(e.message_ru()))?,
        None => Rules::builtin(),
    };
    let st = shnor::structure::analyze(&doc, &rules);
    for (i, u) in st.units.iter().enumerate() {
        let head = st.headings.iter().find(|h| h.unit == i);
        println!(
            "{i:>4} {:?}{} {}",
            u.kind,
            head.map(|h| format!(" L{} до {}", h.level, h.end))
                .unwrap_or_default(),
            u.text.chars().take(100).collect::<String>()
        );
    }
    println!("{}", serde_json::to_string_pretty(&check(&doc, &rules))?);
    Ok(())
}
