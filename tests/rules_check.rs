//! `shnor rules check DIR` on valid and broken rule folders, and `--rules DIR` on `check`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

/// A temporary copy of the repository's rules.
fn copy_rules() -> tempfile::TempDir {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    };
    for entry in std::fs::read_dir(repo_rules())
        .into_iter()
        .flatten()
        .flatten()
    {
        let to = dir.path().join(entry.file_name());
        if let Err(e) = std::fs::copy(entry.path(), &to) {
            panic!("copy {}: {e}", entry.path().display());
        }
    }
    dir
}

fn shnor(args: &[&str]) -> (i32, String) {
    let out = match Command::new(env!("CARGO_BIN_EXE_shnor"))
        .args(args)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("run shnor: {e}"),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn replace_in(dir: &Path, file: &str, from: &str, to: &str) -> usize {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(text.contains(from), "{file} has no «{from}»");
    let line = text[..text.find(from).unwrap_or(0)].matches('\n').count() + 1;
    if let Err(e) = std::fs::write(&path, text.replacen(from, to, 1)) {
        panic!("write {file}: {e}");
    }
    line
}

#[test]
fn repository_rules_are_valid() {
    let (code, out) = shnor(&["rules", "check", &repo_rules().to_string_lossy()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Правила в порядке"), "{out}");
    let (code, _) = shnor(&["rules", "check"]);
    assert_eq!(code, 0);
}

#[test]
fn broken_regex_is_reported_with_file_line_and_reason() {
    let dir = copy_rules();
    let line = replace_in(dir.path(), "analysis.toml", "'рефлекси',", "'рефлекси(',");
    let (code, out) = shnor(&["rules", "check", &dir.path().to_string_lossy()]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("analysis.toml, строка {line}:")),
        "expected line {line}: {out}"
    );
    assert!(out.contains("неверное регулярное выражение"), "{out}");
}

#[test]
fn toml_syntax_error_unknown_context_and_missing_file_are_reported() {
    let dir = copy_rules();
    let line = replace_in(dir.path(), "goal.toml", "weight = 1.0", "weight = ");
    let ctx_line = replace_in(
        dir.path(),
        "monitoring.toml",
        "requires = [\"planned\"]",
        "requires = [\"planed\"]",
    );
    if let Err(e) = std::fs::remove_file(dir.path().join("warnings.toml")) {
        panic!("remove: {e}");
    }
    let (code, out) = shnor(&["rules", "check", &dir.path().to_string_lossy()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("warnings.toml"), "{out}");
    // A missing file stops loading before parsing; fix it and look at the rest.
    if let Err(e) = std::fs::copy(
        repo_rules().join("warnings.toml"),
        dir.path().join("warnings.toml"),
    ) {
        panic!("restore: {e}");
    }
    let (code, out) = shnor(&["rules", "check", &dir.path().to_string_lossy()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&format!("goal.toml, строка {line}:")), "{out}");
    assert!(out.contains("ошибка разбора TOML"), "{out}");
    assert!(
        out.contains(&format!("monitoring.toml, строка {ctx_line}:")) && out.contains("«planed»"),
        "{out}"
    );
}

#[test]
fn check_with_broken_rules_fails_before_reading_files() {
    let dir = copy_rules();
    replace_in(
        dir.path(),
        "risk_factors.toml",
        "id = \"low_motivation\"",
        "id = \"low_mood\"",
    );
    let (code, out) = shnor(&[
        "check",
        "--rules",
        &dir.path().to_string_lossy(),
        "no-such-file.txt",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("low_mood"), "{out}");
}

#[test]
fn check_reports_a_missing_file_and_exits_2() {
    let (code, out) = shnor(&["check", "no-such-file.docx"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no-such-file.docx"), "{out}");
    let (code, out) = shnor(&["check", "--json", "no-such-file.docx"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    assert_eq!(v["errors"][0]["code"], "io", "{out}");
}
