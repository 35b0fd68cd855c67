//! End-to-end tests of `shnor serve` over real HTTP: the page, the JSON API, and bad uploads
//! that must get a clear Russian error while the server keeps serving.

mod serve_support;

use std::io::Write;
use std::time::Duration;

use serve_support::{ServerProcess, docx, parse_response, zip_bomb_docx};

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
fn chunked_and_unnamed_uploads_get_coded_errors() {
    let server = ServerProcess::start(&[]);
    let mut s = server.connect();
    s.write_all(
        format!(
            "POST /api/check?name=a.txt HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            server.port
        )
        .as_bytes(),
    )
    .unwrap();
    let r = serve_support::read_response(&mut s);
    assert_eq!((r.status, r.error().0.as_str()), (411, "length_required"));

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
