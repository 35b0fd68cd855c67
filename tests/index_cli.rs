//! `shnor index` and `shnor search` through the real binary on files they create.

use std::path::Path;
use std::process::{Command, Output};

fn shnor(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shnor"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run shnor")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write");
}

const MENTORING: &str = "Антирисковая программа МБОУ «СОШ № 3»\n\n\
Цель: к маю 2025 года снизить долю педагогов с профессиональными дефицитами до 10 %.\n\n\
Мероприятия: наставничество для молодых педагогов, открытые уроки, взаимопосещения.\n";

const PARENTS: &str = "Программа развития МБОУ «СОШ № 7»\n\n\
Мероприятия: проведение родительского собрания по итогам четверти; создание родительского клуба.\n";

const TREE: &str = "Концепция развития школы\n\nНовогодняя ёлка для учеников и шахматный турнир.\n";

#[test]
fn index_is_incremental_and_search_finds_inflected_forms() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let docs = root.join("docs");
    std::fs::create_dir_all(docs.join("sub")).expect("mkdir");
    write(&docs.join("mentoring.txt"), MENTORING);
    write(&docs.join("parents.txt"), PARENTS);
    write(&docs.join("sub").join("tree.txt"), TREE);
    write(&docs.join("notes.xyz"), "не документ");

    let first = shnor(&["index", "docs"], root);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    assert!(
        stdout(&first).contains("Добавлено: 3, обновлено: 0, без изменений: 0, удалено: 0"),
        "{}",
        stdout(&first)
    );
    // The default index location is ./.shnor/index.
    assert!(root.join(".shnor/index/meta.json").is_file());

    // Inflected forms and ё/е.
    let found = shnor(&["search", "родительские собрания"], root);
    assert_eq!(found.status.code(), Some(0), "{found:?}");
    let text = stdout(&found);
    assert!(text.contains("parents.txt"), "{text}");
    assert!(text.contains("«родительского» «собрания»"), "{text}");
    assert!(stdout(&shnor(&["search", "елка"], root)).contains("tree.txt"));

    // Unchanged files are skipped.
    let second = shnor(&["index", "docs"], root);
    assert!(
        stdout(&second).contains("Добавлено: 0, обновлено: 0, без изменений: 3, удалено: 0"),
        "{}",
        stdout(&second)
    );

    // A changed file is replaced, a removed file disappears.
    write(
        &docs.join("mentoring.txt"),
        "Антирисковая программа.\n\nЦель: оснастить кабинет робототехники.\n",
    );
    std::fs::remove_file(docs.join("sub").join("tree.txt")).expect("rm");
    let third = shnor(&["index", "./docs/"], root);
    assert_eq!(third.status.code(), Some(0), "{third:?}");
    assert!(
        stdout(&third).contains("Добавлено: 0, обновлено: 1, без изменений: 1, удалено: 1"),
        "{}",
        stdout(&third)
    );
    assert_eq!(
        shnor(&["search", "наставничество"], root).status.code(),
        Some(1)
    );
    assert_eq!(shnor(&["search", "ёлка"], root).status.code(), Some(1));
    assert!(stdout(&shnor(&["search", "робототехника"], root)).contains("mentoring.txt"));

    // JSON for machines.
    let json = shnor(&["search", "родительский клуб", "--json", "--facets"], root);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["query"], "родительский клуб");
    assert_eq!(v["total"], 1);
    let source = v["hits"][0]["source"].as_str().expect("source");
    assert!(source.ends_with("parents.txt"), "{source}");
    assert!(
        v["facets"]["doc_type"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
}

#[test]
fn bad_files_are_reported_and_do_not_stop_the_batch() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let docs = root.join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    write(&docs.join("good.txt"), PARENTS);
    std::fs::write(docs.join("broken.docx"), b"PK\x03\x04 not really a zip").expect("write");

    let out = shnor(&["index", "docs", "--index", "idx"], root);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stdout(&out).contains("Добавлено: 1"), "{}", stdout(&out));
    assert!(stdout(&out).contains("с ошибками: 1"), "{}", stdout(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.docx"));
    let found = shnor(&["search", "клуб", "--index", "idx"], root);
    assert_eq!(found.status.code(), Some(0), "{found:?}");

    // Searching where there is no index is an error, not an empty result.
    let missing = shnor(&["search", "клуб", "--index", "nowhere"], root);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("индекс не найден"));
    assert!(!root.join("nowhere").exists());
}
