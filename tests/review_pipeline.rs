//! `shnor review` end to end on the real binary: failed files become rows, output bytes do not
//! depend on `--jobs`, and a run killed midway then resumed ends with the same output tree as
//! an uninterrupted run.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_shnor");

/// A programme text; `variant` changes the school, numbers and whether the monitoring and
/// analysis parts are there, so documents differ and verdicts vary.
fn programme(variant: usize) -> String {
    let mut text = format!(
        "Программа развития МБОУ «СОШ № {n}» на 2024–2028 годы\n\n\
         Паспорт программы\n\n\
         Цель программы: к 2028 году повысить долю обучающихся, успешно освоивших основную \
         образовательную программу, с {a} % до {b} %.\n\n\
         Задачи и мероприятия: организация наставничества для педагогов (ответственный — \
         заместитель директора, сроки — 2024–2025 гг.); проведение родительских собраний \
         ежеквартально.\n\n\
         Целевые показатели: доля обучающихся с высокой учебной мотивацией — исходное значение \
         {a} %, целевое значение {b} %.\n\n",
        n = variant + 1,
        a = 30 + variant % 20,
        b = 60 + variant % 30,
    );
    if variant % 3 != 0 {
        text.push_str(
            "Мониторинг реализации программы проводится два раза в год (декабрь, май); \
             ответственный — заместитель директора по УВР.\n\n\
             По итогам мониторинга результаты анализируются на педагогическом совете, \
             программа корректируется, принимаются управленческие решения.\n",
        );
    }
    text
}

/// A folder with `n` programme texts in sub-folders, a zip of a few more, and files that must
/// fail: a WordPerfect file named .doc, a broken zip, an empty text.
fn make_inputs(root: &Path, n: usize) -> PathBuf {
    let input = root.join("uploads");
    for i in 0..n {
        let dir = input.join(format!("район_{}", i % 7));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("программа {i:04}.txt")), programme(i)).unwrap();
    }
    let mut zip = zip::ZipWriter::new(std::fs::File::create(input.join("выгрузка.zip")).unwrap());
    for i in 0..3 {
        zip.start_file(
            format!("школа {i}/программа.txt"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(programme(1000 + i).as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let mut wordperfect = b"\xFFWPC".to_vec();
    wordperfect.extend_from_slice(&[0u8; 600]);
    std::fs::write(input.join("старый.doc"), wordperfect).unwrap();
    std::fs::write(input.join("битый.zip"), b"PK\x03\x04 broken").unwrap();
    std::fs::write(input.join("пустой.txt"), b"").unwrap();
    input
}

fn review(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("review")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Every file under `dir` with its bytes, keyed by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn assert_same_tree(a: &Path, b: &Path) {
    let (ta, tb) = (tree(a), tree(b));
    let names_a: Vec<&String> = ta.keys().collect();
    let names_b: Vec<&String> = tb.keys().collect();
    assert_eq!(names_a, names_b, "different file sets");
    for (name, bytes) in &ta {
        assert!(tb[name] == *bytes, "{name} differs");
    }
}

#[test]
fn failed_files_are_rows_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = make_inputs(dir.path(), 4);
    let missing = dir.path().join("нет такого.docx");
    let out = dir.path().join("out");
    let o = review(&[
        input.to_str().unwrap(),
        missing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "html,md,json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("старый.doc: формат не поддерживается"),
        "{stderr}"
    );

    let csv = std::fs::read(out.join("summary.csv")).unwrap();
    assert!(csv.starts_with("\u{FEFF}Файл;Статус;".as_bytes()));
    let csv = String::from_utf8(csv).unwrap();
    // 4 texts + 3 in the zip + .doc + broken zip + empty text + missing path, plus the header
    assert_eq!(csv.lines().count(), 12, "{csv}");
    let row = |needle: &str| {
        csv.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no row for {needle}\n{csv}"))
    };
    assert!(row("старый.doc").contains(";ошибка;unsupported;"));
    assert!(row("битый.zip").contains(";ошибка;corrupt;"));
    assert!(row("нет такого.docx").contains(";ошибка;io;"));
    assert!(row("выгрузка.zip!/школа 1/программа.txt").contains(';'));

    let jsonl = std::fs::read_to_string(out.join("summary.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 11);
    let sources: Vec<&str> = rows.iter().map(|r| r["source"].as_str().unwrap()).collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted, "summary not sorted by source");
    // every checked row links reports that exist
    for r in &rows {
        for rep in r["reports"].as_array().unwrap() {
            assert!(out.join(rep.as_str().unwrap()).is_file(), "{rep}");
        }
    }
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("<b>11</b>документов"));
    assert!(!out.join(".shnor-journal.jsonl").exists());
    assert!(out.join(".shnor-manifest.json").is_file());
}

#[test]
fn output_bytes_do_not_depend_on_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let input = make_inputs(dir.path(), 40);
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    for (out, jobs) in [(&one, "1"), (&two, "2")] {
        let o = review(&[
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            jobs,
            "--format",
            "html,docx,md,json",
        ]);
        assert!(o.status.code().is_some_and(|c| c <= 2), "{o:?}");
    }
    assert_same_tree(&one, &two);
    assert!(tree(&one).len() > 5);
}

#[test]
fn rerun_skips_unchanged_and_redoes_changed() {
    let dir = tempfile::tempdir().unwrap();
    let input = make_inputs(dir.path(), 6);
    let out = dir.path().join("out");
    let args = [input.to_str().unwrap(), "--out", out.to_str().unwrap()];
    let first = review(&args);
    let before = tree(&out);
    let again = review(&args);
    assert_eq!(first.status.code(), again.status.code());
    let stdout = String::from_utf8_lossy(&again.stdout);
    // everything with a content hash is reused; only the missing-path style failures are retried
    assert!(
        stdout.contains("без изменений с прошлого запуска: 11"),
        "{stdout}"
    );
    assert_eq!(before, tree(&out));

    // a changed file is checked again; a removed one leaves the summary and its reports go
    let changed = input.join("район_0/программа 0000.txt");
    std::fs::write(&changed, programme(1)).unwrap();
    std::fs::remove_file(input.join("район_1/программа 0001.txt")).unwrap();
    let third = review(&args);
    let stdout = String::from_utf8_lossy(&third.stdout);
    assert!(
        stdout.contains("без изменений с прошлого запуска: 9"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(!csv.contains("программа 0001.txt"));
    let after = tree(&out);
    assert!(
        !after.keys().any(|k| k.contains("программа_0001")),
        "stale report left"
    );
}

/// Wait until the journal of a running review has at least `lines` complete lines.
fn wait_for_journal(out: &Path, lines: usize, child: &mut std::process::Child) -> bool {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        let n = std::fs::read(out.join(".shnor-journal.jsonl"))
            .map(|b| b.iter().filter(|c| **c == b'\n').count())
            .unwrap_or(0);
        if n >= lines {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

#[test]
fn killed_run_resumes_to_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut count = 400;
    loop {
        let root = dir.path().join(format!("n{count}"));
        let input = make_inputs(&root, count);
        let (killed, clean) = (root.join("killed"), root.join("clean"));
        let args = |out: &Path| {
            vec![
                "review".to_string(),
                input.to_string_lossy().into_owned(),
                "--out".into(),
                out.to_string_lossy().into_owned(),
                "--jobs".into(),
                "2".into(),
                "--format".into(),
                "html,docx,md,json".into(),
            ]
        };
        let mut child = Command::new(BIN)
            .args(args(&killed))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let interrupted = wait_for_journal(&killed, 20, &mut child);
        let _ = child.kill();
        let _ = child.wait();
        if !interrupted {
            // The run finished before it could be killed; try again with more documents.
            assert!(count < 10_000, "could not interrupt a run");
            count *= 4;
            continue;
        }
        assert!(killed.join(".shnor-journal.jsonl").is_file());
        assert!(
            !killed.join("summary.csv").exists(),
            "killed run wrote the summary"
        );

        let resumed = Command::new(BIN).args(args(&killed)).output().unwrap();
        let stdout = String::from_utf8_lossy(&resumed.stdout);
        assert!(
            stdout.contains("без изменений с прошлого запуска"),
            "{stdout}"
        );
        let full = Command::new(BIN).args(args(&clean)).output().unwrap();
        assert_eq!(resumed.status.code(), full.status.code());
        assert_same_tree(&killed, &clean);
        break;
    }
}
