//! End-to-end tests of `shnor serve` over real HTTP: the page, the JSON API, and bad uploads
//! that must get a clear Russian error while the server keeps serving.

mod serve_support;

use std::io::Write;
use std::time::Duration;

use serve_support::{ServerProcess, docx, encode, parse_response, zip_bomb_docx};

fn is_russian(message: &str) -> bool {
    message
        .chars()
        .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)))
}

#[test]
fn page_and_assets_are_served_with_security_headers() {
    let server = ServerProcess::start(&[]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<html lang=\"ru\">"));
    assert!(page.text().contains("Перетащите файлы сюда"));
    let csp = page
        .header("Content-Security-Policy")
        .expect("CSP on the page");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(server.get("/search").status, 200);
    let js = server.get("/assets/app.js");
    assert_eq!(js.status, 200);
    assert!(
        js.header("Content-Type")
            .unwrap_or_default()
            .starts_with("text/javascript")
    );
    let (code, message) = server.get("/nope").error();
    assert_eq!(code, "not_found");
    assert!(is_russian(&message));
    let r = server.request("DELETE", "/api/check", &[], b"");
    assert_eq!(r.status, 405);
}

#[test]
fn foreign_host_header_is_refused() {
    let server = ServerProcess::start(&[]);
    let mut s = server.connect();
    s.write_all(b"GET /api/config HTTP/1.1\r\nHost: attacker.example\r\n\r\n")
        .unwrap();
    let r = serve_support::read_response(&mut s);
    assert_eq!(r.status, 400);
    assert_eq!(r.error().0, "bad_host");
    server.assert_alive();
}

#[test]
fn oversized_upload_is_refused_before_the_body_is_read() {
    let server = ServerProcess::start(&[]);
    let mut s = server.connect();
    let total: u64 = 101 * 1024 * 1024;
    let head = format!(
        "POST /api/check?name=big.pdf HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {total}\r\n\r\n",
        server.port
    );
    s.write_all(head.as_bytes()).unwrap();
    // Stream the body from another thread in 1 MiB pieces (never held in memory whole) while
    // this thread reads the answer, which must come without waiting for the body.
    let mut writer = s.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let chunk = vec![0u8; 1024 * 1024];
        let mut sent = 0u64;
        while sent < total {
            if writer.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len() as u64;
        }
    });
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let r = serve_support::read_response(&mut s);
    assert_eq!(r.status, 413, "{}", r.text());
    let (code, message) = r.error();
    assert_eq!(code, "too_large");
    assert!(message.contains("100 МБ"), "{message}");
    sender.join().unwrap();
    server.assert_alive();
}

#[test]
fn chunked_unsized_and_unnamed_uploads_get_coded_errors() {
    let server = ServerProcess::start(&[]);
    // Chunked, and no length at all: both 411, as the README says.
    for framing in [
        "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "\r\n",
    ] {
        let mut s = server.connect();
        s.write_all(
            format!(
                "POST /api/check?name=a.txt HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{framing}",
                server.port
            )
            .as_bytes(),
        )
        .unwrap();
        let r = serve_support::read_response(&mut s);
        assert_eq!(
            (r.status, r.error().0.as_str()),
            (411, "length_required"),
            "{framing:?}"
        );
        assert!(r.error().1.contains("Content-Length"));
    }

    let r = server.request("POST", "/api/check", &[], b"text");
    assert_eq!((r.status, r.error().0.as_str()), (400, "no_name"));
    server.assert_alive();
}

#[test]
fn unknown_format_and_empty_file_are_explained() {
    let server = ServerProcess::start(&[]);
    let r = server.check("scan.jpg", b"\xFF\xD8\xFF\xE0 not a document");
    assert_eq!(r.status, 415);
    let (code, message) = r.error();
    assert_eq!(code, "unsupported");
    assert!(message.contains("PDF, DOCX"), "{message}");
    assert_eq!(r.json()["error"]["file"], "scan.jpg");

    let r = server.check("пусто.docx", b"");
    assert_eq!((r.status, r.error().0.as_str()), (422, "empty"));
    server.assert_alive();
}

#[test]
fn path_in_the_name_is_dropped() {
    let server = ServerProcess::start(&[]);
    let r = server.check("../../etc/passwd.jpg", b"x");
    assert_eq!(r.json()["error"]["file"], "passwd.jpg");
}

#[test]
fn multipart_upload_reports_each_file_and_caps_the_count() {
    let server = ServerProcess::start(&["--max-files", "2"]);
    let part = |name: &str, data: &str| {
        format!(
            "--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n{data}\r\n"
        )
    };
    let body = format!(
        "{}{}--B0undary--\r\n",
        part("a.bin", "xx"),
        part("b.jpg", "yy")
    );
    let ct = [("Content-Type", "multipart/form-data; boundary=B0undary")];
    let r = server.request("POST", "/api/check", &ct, body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let files = r.json()["files"].as_array().cloned().expect("files");
    let names: Vec<_> = files
        .iter()
        .map(|f| f["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(names, ["a.bin", "b.jpg"]);
    assert!(files.iter().all(|f| f["error"]["code"] == "unsupported"));

    let body = format!(
        "{}{}{}--B0undary--\r\n",
        part("a.txt", "1"),
        part("b.txt", "2"),
        part("c.txt", "3")
    );
    let r = server.request("POST", "/api/check", &ct, body.as_bytes());
    assert_eq!((r.status, r.error().0.as_str()), (413, "too_many_files"));
    server.assert_alive();
}

#[test]
fn report_downloads_reject_bad_ids() {
    let server = ServerProcess::start(&[]);
    for target in [
        "/api/report/..%2F..%2Fetc%2Fpasswd.json",
        "/api/report/0000000000000000000000000000000000000000000000000000000000000000.json",
        "/api/report/zz.json",
    ] {
        let r = server.get(target);
        assert_eq!(
            (r.status, r.error().0.as_str()),
            (404, "not_found"),
            "{target}"
        );
    }
}

#[test]
fn search_without_archive_says_so() {
    let server = ServerProcess::start(&[]);
    let r = server.get("/api/search?q=%D0%BD%D0%B0%D1%81%D1%82%D0%B0%D0%B2%D0%BD%D0%B8%D1%87%D0%B5%D1%81%D1%82%D0%B2%D0%BE");
    assert_eq!(r.status, 503);
    let (code, message) = r.error();
    assert_eq!(code, "index_unavailable");
    assert!(message.contains("--index"));
}

#[test]
fn malformed_request_line_gets_400_and_server_goes_on() {
    let server = ServerProcess::start(&[]);
    let mut s = server.connect();
    s.write_all(b"\x00\x01 garbage\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut s, &mut raw).unwrap();
    assert_eq!(parse_response(&raw).status, 400);
    server.assert_alive();
}

// ---- These need the extractors (issues 3, 4) -------------------------------------------------

#[test]
fn corrupt_pdf_is_reported_as_corrupt() {
    let server = ServerProcess::start(&[]);
    let r = server.check(
        "программа.pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer garbage",
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let (code, message) = r.error();
    assert_eq!(code, "corrupt");
    assert!(message.contains("повреждён"), "{message}");
    server.assert_alive();
}

#[test]
fn zip_bomb_disguised_as_docx_is_refused() {
    let server = ServerProcess::start(&[]);
    let bomb = zip_bomb_docx(300);
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "the bomb must be small on the wire"
    );
    let r = server.check("программа.docx", &bomb);
    assert_eq!(r.status, 422, "{}", r.text());
    let (code, message) = r.error();
    assert_eq!(code, "too_large");
    assert!(is_russian(&message));
    server.assert_alive();
}

#[test]
fn script_file_name_is_data_not_markup() {
    let server = ServerProcess::start(&[]);
    let doc = docx(serve_support::FULL_CYCLE);
    let r = server.check("<script>.docx", &doc);
    assert_eq!(
        r.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    let v = r.json();
    let source = v["source"].as_str().or(v["error"]["file"].as_str());
    assert_eq!(source, Some("<script>.docx"), "{v}");
    server.assert_alive();
}

// ---- These need the checker (issue 6) --------------------------------------------------------

#[test]
fn uploaded_programme_gets_a_verdict_with_evidence_and_downloads() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let server = ServerProcess::start(&["--data-dir", data_dir]);
    let text = serve_support::FULL_CYCLE.join("\n\n");
    let r = server.check("Программа развития.txt", text.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let report = r.json();
    assert_eq!(report["source"], "Программа развития.txt");
    assert_eq!(report["cycle_complete"], true, "{report:#}");
    let elements = report["elements"].as_array().expect("elements");
    assert_eq!(elements.len(), 5);
    for v in elements {
        assert_eq!(v["presence"], "present", "{v}");
        let quote = v["evidence"][0]["quote"].as_str().expect("evidence quote");
        assert!(text.contains(quote), "quote not from the document: {quote}");
    }
    let hash = report["hash"].as_str().expect("hash").to_string();

    // Nothing but the report JSON is written, and only into the data dir.
    let stored: Vec<_> = walk(data.path());
    assert_eq!(stored, [format!("reports/{hash}.json")]);

    let json = server.get(&format!("/api/report/{hash}.json"));
    assert_eq!(json.status, 200);
    assert_eq!(json.json(), report);
    let disposition = json.header("Content-Disposition").unwrap_or_default();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");

    let docx = server.get(&format!("/api/report/{hash}.docx"));
    assert_eq!(docx.status, 200, "{}", docx.text());
    assert!(docx.body.starts_with(b"PK\x03\x04"));
    assert!(
        docx.header("Content-Disposition")
            .unwrap_or_default()
            .starts_with("attachment;")
    );

    let html = server.get(&format!("/api/report/{hash}.html"));
    assert_eq!(html.status, 200, "{}", html.text());
    assert!(
        html.header("Content-Type")
            .unwrap_or_default()
            .starts_with("text/html")
    );
    let csp = html.header("Content-Security-Policy").unwrap_or_default();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(html.text().contains("Программа развития.txt"));
}

#[test]
fn missing_monitoring_is_reported_with_a_recommendation() {
    let server = ServerProcess::start(&[]);
    let without: Vec<&str> = serve_support::FULL_CYCLE
        .iter()
        .copied()
        .filter(|p| !p.starts_with("Мониторинг"))
        .collect();
    let r = server.check("без мониторинга.txt", without.join("\n\n").as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let report = r.json();
    assert_eq!(report["cycle_complete"], false);
    let monitoring = report["elements"]
        .as_array()
        .and_then(|a| a.iter().find(|v| v["element"] == "monitoring"))
        .cloned()
        .expect("monitoring verdict");
    assert_ne!(monitoring["presence"], "present", "{monitoring}");
    assert!(is_russian(
        monitoring["recommendation"].as_str().unwrap_or_default()
    ));
}

#[test]
fn script_name_is_escaped_in_the_html_report() {
    let server = ServerProcess::start(&[]);
    let r = server.check(
        "<script>.txt",
        serve_support::FULL_CYCLE.join("\n\n").as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let hash = r.json()["hash"].as_str().unwrap().to_string();
    let html = server.get(&format!("/api/report/{hash}.html")).text();
    assert!(
        html.contains("&lt;script&gt;.txt"),
        "name not shown escaped"
    );
    assert!(
        !html.to_lowercase().contains("<script"),
        "markup from the file name"
    );
    let download = server.get(&format!("/api/report/{hash}.html?download=1"));
    let disposition = download.header("Content-Disposition").unwrap_or_default();
    assert!(
        disposition.starts_with(
            "attachment; filename=\"script______.html\"; filename*=UTF-8''script_%D0%BE%D1%82%D1%87%D1%91%D1%82.html"
        ),
        "{disposition}"
    );
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

const MENTORING_TXT: &str = "Антирисковая программа МБОУ «СОШ № 3» на 2024–2025 годы\n\n\
Цель: к маю 2025 года снизить долю педагогов с профессиональными дефицитами до 10 %.\n\n\
Мероприятия: наставничество для молодых педагогов, открытые уроки, взаимопосещения.\n";

const PARENTS_TXT: &str = "Программа развития МБОУ «СОШ № 7» на 2023–2026 годы\n\n\
Мероприятия: проведение родительского собрания по итогам четверти; создание родительского клуба; \
наставничество.\n";

/// Build an archive with `shnor index` over the given TXT documents; returns the temp dir
/// (holding `docs/` and `idx/`).
fn build_archive(docs: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("docs");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, text) in docs {
        std::fs::write(dir.join(name), text).expect("write");
    }
    reindex(tmp.path());
    tmp
}

fn reindex(root: &std::path::Path) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shnor"))
        .args(["index", "docs", "--index", "idx"])
        .current_dir(root)
        .output()
        .expect("run shnor index");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

fn sources(body: &serde_json::Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            let s = h["source"].as_str().unwrap_or_default();
            s.rsplit('/').next().unwrap_or_default().to_string()
        })
        .collect()
}

fn facet_count(body: &serde_json::Value, facet: &str, id: &str) -> Option<u64> {
    body["facets"][facet]
        .as_array()?
        .iter()
        .find(|f| f["id"] == id)
        .and_then(|f| f["count"].as_u64())
}

#[test]
fn search_api_returns_hits_snippets_and_facets() {
    let tmp = build_archive(&[
        ("mentoring.txt", MENTORING_TXT),
        ("parents.txt", PARENTS_TXT),
    ]);
    let idx = tmp.path().join("idx");
    let server = ServerProcess::start(&["--index", idx.to_str().expect("utf-8 path")]);

    // An inflected form finds both documents; the matched word is marked in the snippet.
    let r = server.get(&format!("/api/search?q={}", encode("наставничеством")));
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["total"], 2, "{body}");
    let mut found = sources(&body);
    found.sort();
    assert_eq!(found, ["mentoring.txt", "parents.txt"]);
    let mentoring = body["hits"]
        .as_array()
        .and_then(|h| {
            h.iter().find(|h| {
                h["source"]
                    .as_str()
                    .is_some_and(|s| s.ends_with("mentoring.txt"))
            })
        })
        .expect("mentoring hit");
    assert_eq!(mentoring["doc_type"], "antirisk_programme");
    assert_eq!(mentoring["school"], "МБОУ «СОШ № 3»");
    assert_eq!(mentoring["year_from"], 2024);
    assert_eq!(mentoring["year_to"], 2025);
    assert_eq!(mentoring["cycle_complete"], false);
    let marked: Vec<&str> = mentoring["snippet"]
        .as_array()
        .expect("snippet parts")
        .iter()
        .filter(|p| p["mark"] == true)
        .filter_map(|p| p["text"].as_str())
        .collect();
    assert_eq!(marked, ["наставничество"], "{}", mentoring["snippet"]);
    let whole: String = mentoring["snippet"]
        .as_array()
        .expect("snippet parts")
        .iter()
        .filter_map(|p| p["text"].as_str())
        .collect();
    assert!(whole.contains("для молодых педагогов"), "{whole}");

    // Facets count both documents, with Russian labels.
    assert_eq!(facet_count(&body, "type", "antirisk_programme"), Some(1));
    assert_eq!(facet_count(&body, "type", "development_programme"), Some(1));
    assert_eq!(facet_count(&body, "complete", "false"), Some(2));
    assert_eq!(facet_count(&body, "year", "2025"), Some(2));
    assert_eq!(facet_count(&body, "year", "2026"), Some(1));
    let type_label = body["facets"]["type"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == "antirisk_programme"))
        .and_then(|f| f["label"].as_str())
        .unwrap_or_default()
        .to_string();
    assert_eq!(type_label, "Антирисковая программа");

    // Filters narrow the hits and the facets alike.
    let r = server.get(&format!(
        "/api/search?q={}&type=development_programme",
        encode("наставничество")
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["total"], 1);
    assert_eq!(sources(&body), ["parents.txt"]);
    assert_eq!(facet_count(&body, "type", "antirisk_programme"), None);
    let r = server.get("/api/search?year=2026");
    assert_eq!(sources(&r.json()), ["parents.txt"], "{}", r.text());
    let r = server.get("/api/search?risk=low_teacher_competence&complete=false");
    assert_eq!(sources(&r.json()), ["mentoring.txt"], "{}", r.text());
    let r = server.get("/api/search?limit=1");
    let body = r.json();
    assert_eq!((body["total"].as_u64(), sources(&body).len()), (Some(2), 1));

    // A new document indexed while the server runs is found without a restart.
    std::fs::write(
        tmp.path().join("docs/tree.txt"),
        "Концепция развития школы\n\nНовогодняя ёлка для учеников и шахматный турнир.\n",
    )
    .expect("write");
    assert_eq!(
        server
            .get(&format!("/api/search?q={}", encode("елка")))
            .json()["total"],
        0
    );
    reindex(tmp.path());
    let r = server.get(&format!("/api/search?q={}", encode("елка")));
    assert_eq!(sources(&r.json()), ["tree.txt"], "{}", r.text());
}

#[test]
fn bad_search_parameters_get_400_with_a_russian_message() {
    let tmp = build_archive(&[("mentoring.txt", MENTORING_TXT)]);
    let idx = tmp.path().join("idx");
    let server = ServerProcess::start(&["--index", idx.to_str().expect("utf-8 path")]);
    for (target, want) in [
        ("/api/search?risk=nonsense", "bad_risk"),
        ("/api/search?type=poem", "bad_type"),
        ("/api/search?complete=maybe", "bad_complete"),
        ("/api/search?year=20x5", "bad_year"),
        ("/api/search?limit=0", "bad_limit"),
        ("/api/search?limit=-3", "bad_limit"),
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 400, "{target}: {}", r.text());
        let (code, message) = r.error();
        assert_eq!(code, want, "{target}");
        assert!(is_russian(&message), "{target}: {message}");
    }
    let long = "а".repeat(1001);
    let r = server.get(&format!("/api/search?q={}", encode(&long)));
    assert_eq!((r.status, r.error().0.as_str()), (400, "query_too_long"));
    // Query syntax the user got wrong is searched leniently, never a crash.
    for q in ["\"незакрытая фраза", "AND OR NOT", "((", "+-", "title:"] {
        let r = server.get(&format!("/api/search?q={}", encode(q)));
        assert_eq!(r.status, 200, "{q}: {}", r.text());
    }
    // The cap on limit is applied, not refused.
    assert_eq!(server.get("/api/search?limit=5000").status, 200);
    server.assert_alive();
}

#[test]
fn missing_index_folder_is_refused_at_startup() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for dir in [tmp.path().join("nope"), tmp.path().to_path_buf()] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_shnor"))
            .args(["serve", "--addr", "127.0.0.1:0", "--index"])
            .arg(&dir)
            .output()
            .expect("run shnor serve");
        assert_ne!(out.status.code(), Some(0));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("shnor index"), "{err}");
        assert!(is_russian(&err), "{err}");
    }
    // Refusing must not leave an empty index behind.
    assert!(!tmp.path().join("nope").exists());
}
