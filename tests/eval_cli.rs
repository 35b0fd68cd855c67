//! `shnor eval` as a user runs it: JSON shape on corpus-samples, and a clear Russian error on a
//! broken labels file.

use std::path::PathBuf;
use std::process::Command;

fn shnor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shnor"))
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus-samples")
}

#[test]
fn json_report_covers_every_labelled_document() {
    let out = shnor()
        .arg("eval")
        .arg("--labels")
        .arg(corpus().join("labels.json"))
        .arg("--docs")
        .arg(corpus())
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let labels: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("labels.json")).unwrap())
            .unwrap();
    let n = labels["documents"].as_array().unwrap().len() as u64;
    assert_eq!(v["documents"], n);
    let elements: Vec<&str> = v["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["element"].as_str().unwrap())
        .collect();
    assert_eq!(
        elements,
        ["goal", "measures", "indicators", "monitoring", "analysis"]
    );
    for e in v["elements"].as_array().unwrap() {
        let total = ["tp", "fp", "fn", "tn"]
            .iter()
            .map(|k| e[k].as_u64().unwrap())
            .sum::<u64>();
        assert_eq!(total, n, "every document is counted once per element");
    }
    assert_eq!(v["cycle"]["total"], n);
    assert_eq!(v["doc_type"]["total"], n);
    // Every labelled section of a medium-term programme is accounted for.
    let sections: usize = labels["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["sections"].as_array().map_or(0, |s| s.len()))
        .sum();
    assert_eq!(v["sections"]["labelled"], sections as u64);
}

#[test]
fn text_report_is_russian() {
    let out = shnor()
        .arg("eval")
        .arg("--labels")
        .arg(corpus().join("labels.json"))
        .arg("--docs")
        .arg(corpus())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Точность вердикта о цикле"), "{text}");
    assert!(text.contains("Факторы риска, микро-F1"), "{text}");
}

#[test]
fn inconsistent_labels_are_rejected_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels.json");
    std::fs::write(
        &labels,
        r#"{"documents":[{"file":"a.txt","doc_type":"development_programme","risk_factors":[],
            "elements":{"goal":true,"measures":true,"indicators":true,"monitoring":true,"analysis":true},
            "cycle_complete":false,"evidence":{"goal":"x","measures":"x","indicators":"x","monitoring":"x","analysis":"x"}}]}"#,
    )
    .unwrap();
    let out = shnor()
        .args(["eval", "--labels"])
        .arg(&labels)
        .arg("--docs")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("разметка некорректна") && err.contains("a.txt: cycle_complete"),
        "{err}"
    );

    // An `other` document may state all five elements, but its cycle is never complete.
    std::fs::write(
        &labels,
        std::fs::read_to_string(&labels)
            .unwrap()
            .replace("development_programme", "other")
            .replace("\"cycle_complete\":false", "\"cycle_complete\":true"),
    )
    .unwrap();
    let out = shnor()
        .args(["eval", "--labels"])
        .arg(&labels)
        .arg("--docs")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("a.txt: cycle_complete = true у документа other"),
        "{err}"
    );

    std::fs::write(
        &labels,
        r#"{"documents":[{"file":"a.txt","doc_type":"letter"}]}"#,
    )
    .unwrap();
    let out = shnor()
        .args(["eval", "--labels"])
        .arg(&labels)
        .arg("--docs")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("labels.json"));
}
