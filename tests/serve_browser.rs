//! Drives the `shnor serve` page in headless Chromium (tests/web/upload.mjs, playwright-core):
//! upload through the page, check the rendered verdict, a hostile file name stays text, and the
//! search page renders. Skips with a message when chromium, node or playwright-core is missing
//! (install with `npm ci --prefix tests/web`). Screenshots go to target/serve-screenshots/.

mod serve_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serve_support::{FULL_CYCLE, ServerProcess};

fn browser_tools() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return Err(format!("chromium not found at {}", chromium.display()));
    }
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        return Err("node not found".into());
    }
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web");
    if !web.join("node_modules/playwright-core").exists() {
        return Err("playwright-core not installed (npm ci --prefix tests/web)".into());
    }
    Ok((chromium, web))
}

#[test]
fn page_uploads_a_file_and_shows_the_verdict() {
    let (chromium, web) = match browser_tools() {
        Ok(t) => t,
        Err(reason) => {
            println!("SKIP page_uploads_a_file_and_shows_the_verdict: {reason}");
            return;
        }
    };
    // The search page needs an archive: index the labelled samples.
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus-samples/files");
    let status = Command::new(env!("CARGO_BIN_EXE_shnor"))
        .arg("index")
        .arg(&samples)
        .arg("--index")
        .arg(&idx)
        .output()
        .expect("run shnor index");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let server = ServerProcess::start(&["--index", idx.to_str().expect("utf-8 path")]);
    let good = dir.path().join("Программа развития.txt");
    std::fs::write(&good, FULL_CYCLE.join("\n\n")).unwrap();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/serve-screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    let out = Command::new("node")
        .arg(web.join("upload.mjs"))
        .arg(server.url(""))
        .arg(&good)
        .arg(&shots)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "browser script failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let seen: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("bad output ({e}): {stdout}"));
    println!("page showed: {seen:#}");

    assert!(
        seen["limitsHint"]
            .as_str()
            .unwrap_or_default()
            .contains("100 МБ")
    );

    // The hostile name is shown as text: no element was created from it, no script ran.
    assert_eq!(seen["badTitle"], "<img src=x onerror=alert(1)>.docx");
    assert_eq!(seen["injectedImages"], 0);
    assert_eq!(seen["dialogs"].as_array().map(Vec::len), Some(0));
    assert!(
        seen["badError"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Не удалось проверить: ")
    );
    let csp_refusals: Vec<_> = seen["consoleErrors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str())
        .filter(|m| m.contains("Content Security Policy"))
        .collect();
    assert!(csp_refusals.is_empty(), "{csp_refusals:?}");

    // The search page rendered its filters from /api/config, found the samples about
    // «наставничество» (any inflection), highlighted the words and showed facet counts.
    assert_eq!(seen["riskOptions"], 11);
    let hits = seen["searchHits"].as_u64().unwrap_or_default();
    assert!(hits > 0, "no hits: {}", seen["searchStatus"]);
    assert!(seen["highlights"].as_u64().unwrap_or_default() > 0);
    assert!(seen["facetGroups"].as_u64().unwrap_or_default() > 0);
    assert!(
        seen["firstHit"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase()
            .contains("наставничеств"),
        "{}",
        seen["firstHit"]
    );

    // The verdict the page shows is the API's verdict for the same file.
    assert_eq!(seen["goodTitle"], "Программа развития.txt");
    let api = server.check("Программа развития.txt", &std::fs::read(&good).unwrap());
    assert_eq!(api.status, 200, "{}", api.text());
    let report = api.json();
    let complete = report["cycle_complete"].as_bool().expect("cycle_complete");
    assert_eq!(seen["complete"], complete.to_string());
    assert_eq!(
        seen["verdict"],
        if complete {
            "Полный управленческий цикл: есть"
        } else {
            "Полный управленческий цикл: нет"
        }
    );
    for v in report["elements"].as_array().expect("elements") {
        let id = v["element"].as_str().unwrap();
        assert_eq!(seen["chips"][id], v["presence"], "element {id}");
    }
    assert!(
        complete,
        "the full-cycle sample must be judged complete: {report}"
    );
}
