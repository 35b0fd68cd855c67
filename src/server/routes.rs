//! Routing and handlers: the page, its assets, and the JSON API.

use std::net::TcpStream;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::Serialize;
use serde_json::json;

use super::State;
use super::http::{self, BodyError, ReadError, Request, Response};
use super::upload::{self, MultipartError, Upload};
use crate::error::Error;
use crate::model::{CheckReport, DocType, RiskFactor};

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// The page may load only its own scripts and styles and frame only our own report pages.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// A rendered report is a document, never an application: no scripts at all, sandboxed even
/// when opened on its own.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox";
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// An API error: HTTP status, stable code, Russian message.
#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// A per-file extraction/check failure.
    fn from_file_error(e: &Error) -> ApiError {
        // 413 is kept for request bodies over the upload cap; a file whose *content* breaks a
        // limit (a zip bomb, too many pages) is a bad file like any other.
        let status = match e {
            Error::Unsupported(_) => 415,
            Error::Io(_) | Error::Rules(_) | Error::Index(_) => 500,
            _ => 422,
        };
        ApiError::new(status, e.code(), e.message_ru())
    }

    fn body(&self, file: Option<&str>) -> serde_json::Value {
        let mut err = json!({ "code": self.code, "message": self.message });
        if let Some(f) = file {
            err["file"] = json!(f);
        }
        json!({ "error": err })
    }

    fn response(&self, file: Option<&str>) -> Response {
        json_response(self.status, &self.body(file))
    }
}

fn json_response(status: u16, value: &impl Serialize) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    Response::new(status, "application/json; charset=utf-8", body)
        .with_header("Content-Security-Policy", API_CSP)
        .with_header("Cache-Control", "no-store")
}

/// Headers every response carries.
fn harden(mut r: Response) -> Response {
    if !r
        .headers
        .iter()
        .any(|(k, _)| *k == "Content-Security-Policy")
    {
        r = r.with_header("Content-Security-Policy", PAGE_CSP);
    }
    r.with_header("X-Content-Type-Options", "nosniff")
        .with_header("Referrer-Policy", "no-referrer")
        .with_header("X-Frame-Options", "SAMEORIGIN")
        .with_header("Cross-Origin-Opener-Policy", "same-origin")
}

/// Read one request, answer it, close the connection.
pub(crate) fn serve_connection(stream: &mut TcpStream, state: &State) {
    let req = match http::read_head(stream) {
        Ok(r) => r,
        Err(ReadError::Gone) => return,
        Err(ReadError::Malformed) => {
            let e = ApiError::new(400, "bad_request", "некорректный HTTP-запрос");
            send(stream, e.response(None), false);
            http::linger_close(stream);
            return;
        }
        Err(ReadError::HeadTooLarge) => {
            let e = ApiError::new(431, "bad_request", "слишком большие заголовки запроса");
            send(stream, e.response(None), false);
            http::linger_close(stream);
            return;
        }
    };
    let head_only = req.method == "HEAD";
    let (response, linger) = route(stream, &req, state);
    eprintln!("{} {} → {}", req.method, req.path, response.status);
    send(stream, response, head_only);
    if linger {
        http::linger_close(stream);
    }
}

fn send(stream: &mut TcpStream, response: Response, head_only: bool) {
    let _ = harden(response).write_to(stream, head_only);
}

/// Returns the response and whether the connection still has an unread body (then we linger
/// before closing so the client can read the answer).
fn route(stream: &mut TcpStream, req: &Request, state: &State) -> (Response, bool) {
    if state.loopback && !host_is_loopback(req.header("host")) {
        let e = ApiError::new(
            400,
            "bad_host",
            "сервер принимает запросы только по адресу localhost",
        );
        return (e.response(None), has_body(req));
    }
    let get = req.method == "GET" || req.method == "HEAD";
    let path = req.path.as_str();
    let response = match (get, req.method.as_str(), path) {
        (true, _, "/" | "/search") => static_asset("text/html; charset=utf-8", INDEX_HTML),
        (true, _, "/assets/app.js") => static_asset("text/javascript; charset=utf-8", APP_JS),
        (true, _, "/assets/style.css") => static_asset("text/css; charset=utf-8", STYLE_CSS),
        (true, _, "/api/config") => config(state),
        (true, _, "/api/search") => search(req, state),
        (true, _, p) if p.starts_with("/api/report/") => download(req, state),
        (_, "POST", "/api/check") => return check(stream, req, state),
        (_, _, "/api/check") => method_not_allowed("POST"),
        (false, _, "/" | "/search" | "/api/config" | "/api/search") => method_not_allowed("GET"),
        _ => ApiError::new(404, "not_found", "такой страницы нет").response(None),
    };
    (response, has_body(req))
}

fn has_body(req: &Request) -> bool {
    req.chunked || req.content_length.is_some_and(|n| n > 0)
}

fn method_not_allowed(allow: &'static str) -> Response {
    ApiError::new(405, "method_not_allowed", "метод не поддерживается")
        .response(None)
        .with_header("Allow", allow)
}

fn host_is_loopback(host: Option<&str>) -> bool {
    let Some(host) = host else { return false };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    matches!(name, "localhost" | "127.0.0.1" | "::1")
}

fn static_asset(content_type: &str, body: &str) -> Response {
    Response::new(200, content_type, body.as_bytes().to_vec())
        .with_header("Cache-Control", "no-cache")
}

fn config(state: &State) -> Response {
    let c = &state.config;
    json_response(
        200,
        &json!({
            "max_request_bytes": c.limits.max_request_bytes,
            "max_files": c.limits.max_files,
            "rules_version": c.rules.version,
            "search": c.index_dir.is_some(),
            "risk_factors": RiskFactor::ALL
                .iter()
                .map(|r| json!({ "id": r.id(), "label": r.label_ru() }))
                .collect::<Vec<_>>(),
            "doc_types": DocType::ALL
                .iter()
                .map(|d| json!({ "id": d.id(), "label": d.label_ru() }))
                .collect::<Vec<_>>(),
        }),
    )
}

/// `POST /api/check`: one raw file (name in `?name=` or `X-File-Name`), or several in
/// `multipart/form-data`.
fn check(stream: &mut TcpStream, req: &Request, state: &State) -> (Response, bool) {
    let limits = &state.config.limits;
    let body = match http::read_body(stream, req, limits.max_request_bytes) {
        Ok(b) => b,
        Err(BodyError::TooLarge) => {
            let e = ApiError::new(
                413,
                "too_large",
                format!(
                    "размер загрузки превышает предел {} МБ",
                    limits.max_request_bytes / (1024 * 1024)
                ),
            );
            return (e.response(None), true);
        }
        Err(BodyError::LengthRequired) => {
            let e = ApiError::new(
                411,
                "length_required",
                "не указан размер загрузки (заголовок Content-Length)",
            );
            return (e.response(None), true);
        }
        Err(BodyError::Incomplete) => {
            let e = ApiError::new(
                400,
                "incomplete",
                "загрузка прервалась, файл получен не полностью",
            );
            return (e.response(None), false);
        }
    };
    let content_type = req.header("content-type").unwrap_or_default();
    let response = if content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        check_multipart(content_type, &body, state)
    } else {
        check_raw(req, body, state)
    };
    (response, false)
}

fn check_raw(req: &Request, body: Vec<u8>, state: &State) -> Response {
    let raw_name = req
        .param("name")
        .map(str::to_string)
        .or_else(|| req.header("x-file-name").and_then(http::percent_decode));
    let Some(raw_name) = raw_name else {
        return ApiError::new(
            400,
            "no_name",
            "не указано имя файла (параметр ?name= или заголовок X-File-Name)",
        )
        .response(None);
    };
    let upload = Upload {
        name: upload::display_name(&raw_name),
        bytes: body,
    };
    match check_upload(&upload, state) {
        Ok(report) => json_response(200, &report),
        Err(e) => e.response(Some(&upload.name)),
    }
}

fn check_multipart(content_type: &str, body: &[u8], state: &State) -> Response {
    let max = state.config.limits.max_files;
    let files = match upload::parse_multipart(content_type, body, max) {
        Ok(f) => f,
        Err(MultipartError::TooManyFiles(n)) => {
            return ApiError::new(
                413,
                "too_many_files",
                format!("слишком много файлов в одном запросе; можно не больше {n}"),
            )
            .response(None);
        }
        Err(MultipartError::NoFiles) => {
            return ApiError::new(400, "no_file", "в запросе нет файлов").response(None);
        }
        Err(MultipartError::NoBoundary | MultipartError::Malformed) => {
            return ApiError::new(
                400,
                "bad_request",
                "некорректная форма загрузки (multipart)",
            )
            .response(None);
        }
    };
    let results: Vec<serde_json::Value> = files
        .iter()
        .map(|f| match check_upload(f, state) {
            Ok(report) => json!({ "name": f.name, "report": report }),
            Err(e) => {
                let mut v = e.body(None);
                v["name"] = json!(f.name);
                v
            }
        })
        .collect();
    json_response(200, &json!({ "files": results }))
}

/// Extract in memory (PDFs in the isolated worker process), then check.
fn check_upload(upload: &Upload, state: &State) -> Result<CheckReport, ApiError> {
    if upload.bytes.is_empty() {
        return Err(ApiError::new(422, "empty", "файл пуст"));
    }
    let doc = crate::extract::extract_bytes(&upload.name, &upload.bytes, &state.config.extract)
        .map_err(|e| ApiError::from_file_error(&e))?;
    let report = catch_unwind(AssertUnwindSafe(|| {
        crate::check::check(&doc, &state.config.rules)
    }))
    .map_err(|_| {
        ApiError::new(
            500,
            "internal",
            "внутренняя ошибка при проверке документа; сообщите разработчикам",
        )
    })?;
    state.remember(&report);
    if let Some(dir) = &state.config.data_dir {
        // Best effort: the report is already in memory for downloads.
        if let Err(e) = persist(&dir.join("reports"), &report) {
            eprintln!("не удалось сохранить отчёт: {e}");
        }
    }
    Ok(report)
}

/// Write `<hash>.json` atomically (temp file in the same folder + rename).
fn persist(dir: &std::path::Path, report: &CheckReport) -> std::io::Result<()> {
    use std::io::Write;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer(&mut tmp, report)?;
    tmp.flush()?;
    tmp.persist(dir.join(format!("{}.json", report.hash)))
        .map_err(|e| e.error)?;
    Ok(())
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `GET /api/report/<hash>.<json|html|docx>[?download=1]`.
fn download(req: &Request, state: &State) -> Response {
    let not_found = || {
        ApiError::new(
            404,
            "not_found",
            "отчёт не найден; проверьте документ ещё раз",
        )
        .response(None)
    };
    let Some(file) = req.path.strip_prefix("/api/report/") else {
        return not_found();
    };
    let Some((hash, ext)) = file.rsplit_once('.') else {
        return not_found();
    };
    if !is_hash(hash) {
        return not_found();
    }
    let report = state.recall(hash).or_else(|| {
        let dir = state.config.data_dir.as_ref()?.join("reports");
        let text = std::fs::read(dir.join(format!("{hash}.json"))).ok()?;
        serde_json::from_slice(&text).ok()
    });
    let Some(report) = report else {
        return not_found();
    };
    let rendered = match ext {
        "json" => serde_json::to_vec_pretty(&report)
            .map(|b| (b, "application/json; charset=utf-8", API_CSP))
            .map_err(|_| ApiError::new(500, "internal", "не удалось сформировать отчёт")),
        "html" => crate::report::render(&report, crate::report::ReportFormat::Html)
            .map(|b| (b, "text/html; charset=utf-8", REPORT_CSP))
            .map_err(|e| ApiError::new(500, "internal", e.message_ru())),
        "docx" => crate::report::render(&report, crate::report::ReportFormat::Docx)
            .map(|b| {
                (
                    b,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    API_CSP,
                )
            })
            .map_err(|e| ApiError::new(500, "internal", e.message_ru())),
        _ => return not_found(),
    };
    let (body, content_type, csp) = match rendered {
        Ok(r) => r,
        Err(e) => return e.response(None),
    };
    let attachment = req.param("download").is_some() || ext != "html";
    let name = format!("{}_отчёт.{ext}", upload::download_stem(&report.source));
    let disposition = if attachment {
        format!(
            "attachment; filename=\"{}\"; filename*=UTF-8''{}",
            upload::ascii_fallback(&name),
            http::percent_encode(&name)
        )
    } else {
        "inline".to_string()
    };
    Response::new(200, content_type, body)
        .with_header("Content-Security-Policy", csp)
        .with_header("Content-Disposition", disposition)
        .with_header("Cache-Control", "no-store")
}

/// `GET /api/search?q=&risk=&type=&complete=&year=&limit=`.
fn search(req: &Request, state: &State) -> Response {
    let Some(dir) = &state.config.index_dir else {
        return ApiError::new(
            503,
            "index_unavailable",
            "поисковый архив не подключён; запустите сервер с --index ПАПКА",
        )
        .response(None);
    };
    match super::search::search(req, dir, &state.archive) {
        Ok(body) => json_response(200, &body),
        Err(e) => e.response(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        assert!(host_is_loopback(Some("localhost:8080")));
        assert!(host_is_loopback(Some("127.0.0.1:1")));
        assert!(host_is_loopback(Some("[::1]:8080")));
        assert!(host_is_loopback(Some("localhost")));
        assert!(!host_is_loopback(Some("evil.example:8080")));
        assert!(!host_is_loopback(Some("127.0.0.1.evil.example")));
        assert!(!host_is_loopback(None));
    }

    #[test]
    fn file_errors_keep_their_codes() {
        let e = ApiError::from_file_error(&Error::Corrupt("нет каталога".into()));
        assert_eq!((e.status, e.code), (422, "corrupt"));
        assert!(e.message.contains("повреждён"));
        let e = ApiError::from_file_error(&Error::TooLarge(String::new()));
        assert_eq!((e.status, e.code), (422, "too_large"));
        let body = e.body(Some("<script>.docx"));
        assert_eq!(body["error"]["file"], "<script>.docx");
        assert_eq!(body["error"]["code"], "too_large");
    }
}
