//! Routing and handlers: the page, its assets, and the JSON API, with the layers that bound
//! every request and the headers every response carries.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State as Ext};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::json;
use tokio::sync::OwnedSemaphorePermit;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use super::State;
use super::upload::{self, Upload, UploadError};
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
const JSON_TYPE: &str = "application/json; charset=utf-8";

type Shared = Arc<State>;

/// The whole application: routes, then (inside out) the body idle timeout, the body size
/// limit, the per-request time limit, the `Host` guard, Russian coded errors for what the
/// layers refuse, and the security headers.
pub(crate) fn router(state: Shared) -> Router {
    let limits = &state.config.limits;
    let timeouts = &state.config.timeouts;
    let body_limit = usize::try_from(limits.max_request_bytes).unwrap_or(usize::MAX);
    Router::new()
        .route("/", get(page))
        .route("/search", get(page))
        .route("/assets/app.js", get(app_js))
        .route("/assets/style.css", get(style_css))
        .route("/api/config", get(config))
        .route("/api/search", get(search))
        .route("/api/report/{file}", get(download))
        .route("/api/check", post(check))
        .fallback(not_found)
        // The body limit below is the one that counts; axum's 2 MB default must not apply.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyTimeoutLayer::new(timeouts.body_idle))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            guard_host,
        ))
        .layer(middleware::map_response_with_state(
            Arc::clone(&state),
            coded_errors,
        ))
        .layer(middleware::map_response(harden))
        .with_state(state)
}

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

    fn internal() -> ApiError {
        ApiError::new(
            500,
            "internal",
            "внутренняя ошибка при проверке документа; сообщите разработчикам",
        )
    }

    fn busy() -> ApiError {
        ApiError::new(
            503,
            "busy",
            "сервер занят: слишком много запросов в очереди; повторите через минуту",
        )
    }

    fn too_large(state: &State) -> ApiError {
        ApiError::new(
            413,
            "too_large",
            format!(
                "размер загрузки превышает предел {} МБ",
                state.config.limits.max_request_bytes / (1024 * 1024)
            ),
        )
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.response(None)
    }
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn json_response(code: u16, value: &impl Serialize) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    (
        status(code),
        [
            (header::CONTENT_TYPE, JSON_TYPE),
            (header::CONTENT_SECURITY_POLICY, API_CSP),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Headers every response carries.
async fn harden(mut r: Response) -> Response {
    let h = r.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
    }
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    r
}

/// What the layers and the router refuse on their own (body limit, timeouts, unknown method,
/// unparsable query) comes without our JSON; give it the same coded Russian error as ours.
async fn coded_errors(Ext(state): Ext<Shared>, r: Response) -> Response {
    let ours = r
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if r.status().as_u16() < 400 || ours {
        return r;
    }
    let e = match r.status().as_u16() {
        413 => ApiError::too_large(&state),
        408 => ApiError::new(
            408,
            "timeout",
            "запрос не уложился в отведённое время; повторите загрузку",
        ),
        405 => ApiError::new(405, "method_not_allowed", "метод не поддерживается"),
        404 => ApiError::new(404, "not_found", "такой страницы нет"),
        400 => ApiError::new(400, "bad_request", "некорректный HTTP-запрос"),
        500 => ApiError::new(500, "internal", "внутренняя ошибка сервера"),
        s => ApiError::new(s, "bad_request", "запрос не может быть выполнен"),
    };
    let allow = r.headers().get(header::ALLOW).cloned();
    let mut out = e.response(None);
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

async fn guard_host(Ext(state): Ext<Shared>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    if state.loopback && !host_is_loopback(host) {
        return ApiError::new(
            400,
            "bad_host",
            "сервер принимает запросы только по адресу localhost",
        )
        .into_response();
    }
    next.run(req).await
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

async fn not_found() -> ApiError {
    ApiError::new(404, "not_found", "такой страницы нет")
}

fn static_asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn page() -> Response {
    static_asset("text/html; charset=utf-8", INDEX_HTML)
}

async fn app_js() -> Response {
    static_asset("text/javascript; charset=utf-8", APP_JS)
}

async fn style_css() -> Response {
    static_asset("text/css; charset=utf-8", STYLE_CSS)
}

async fn config(Ext(state): Ext<Shared>) -> Response {
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
/// `multipart/form-data`. The body must announce its length (411 otherwise), which the body
/// limit layer has already compared with the cap (413 before reading).
async fn check(
    Ext(state): Ext<Shared>,
    Query(params): Query<Vec<(String, String)>>,
    req: Request,
) -> Response {
    let headers = req.headers();
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Some(length) = length.filter(|_| !headers.contains_key(header::TRANSFER_ENCODING)) else {
        return ApiError::new(
            411,
            "length_required",
            "не указан размер загрузки (заголовок Content-Length)",
        )
        .into_response();
    };
    if length > state.config.limits.max_request_bytes {
        return ApiError::too_large(&state).into_response();
    }
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/form-data"));
    let raw_name = match multipart {
        true => None,
        false => match file_name(&params, headers) {
            Some(name) => Some(name),
            None => {
                return ApiError::new(
                    400,
                    "no_name",
                    "не указано имя файла (параметр ?name= или заголовок X-File-Name)",
                )
                .into_response();
            }
        },
    };
    // The turn is taken before the body is read: at most `workers` bodies are in memory.
    let Ok(turn) = state.checks.enter().await else {
        return ApiError::busy().into_response();
    };
    let deadline = state.config.timeouts.body_deadline(length);
    let uploads = match raw_name {
        Some(name) => {
            match tokio::time::timeout(deadline, read_body(req.into_body(), length)).await {
                Ok(Ok(bytes)) => vec![Upload {
                    name: upload::display_name(&name),
                    bytes,
                }],
                Ok(Err(e)) => return upload_error(&state, e),
                Err(_) => return upload_error(&state, UploadError::Timeout),
            }
        }
        None => {
            let Ok(form) = Multipart::from_request(req, &()).await else {
                return upload_error(&state, UploadError::Malformed);
            };
            let limits = &state.config.limits;
            match tokio::time::timeout(deadline, upload::read_multipart(form, limits)).await {
                Ok(Ok(files)) => files,
                Ok(Err(e)) => return upload_error(&state, e),
                Err(_) => return upload_error(&state, UploadError::Timeout),
            }
        }
    };
    let results = match check_on_pool(Arc::clone(&state), turn, uploads).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if !multipart {
        return match results.into_iter().next() {
            Some((_, Ok(report))) => json_response(200, &report),
            Some((name, Err(e))) => e.response(Some(&name)),
            None => ApiError::internal().into_response(),
        };
    }
    let files: Vec<serde_json::Value> = results
        .into_iter()
        .map(|(name, result)| match result {
            Ok(report) => json!({ "name": name, "report": report }),
            Err(e) => {
                let mut v = e.body(None);
                v["name"] = json!(name);
                v
            }
        })
        .collect();
    json_response(200, &json!({ "files": files }))
}

/// `?name=` or the percent-encoded `X-File-Name` header.
fn file_name(params: &[(String, String)], headers: &HeaderMap) -> Option<String> {
    if let Some((_, v)) = params.iter().find(|(k, _)| k == "name") {
        return Some(v.clone());
    }
    let raw = headers.get("x-file-name")?.to_str().ok()?;
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

fn upload_error(state: &State, e: UploadError) -> Response {
    let e = match e {
        UploadError::TooLarge => ApiError::too_large(state),
        UploadError::Timeout => ApiError::new(
            408,
            "timeout",
            "загрузка идёт слишком медленно или прервалась; повторите",
        ),
        UploadError::Incomplete => ApiError::new(
            400,
            "incomplete",
            "загрузка прервалась, файл получен не полностью",
        ),
        UploadError::TooManyFiles(n) => ApiError::new(
            413,
            "too_many_files",
            format!("слишком много файлов в одном запросе; можно не больше {n}"),
        ),
        UploadError::NoFiles => ApiError::new(400, "no_file", "в запросе нет файлов"),
        UploadError::Malformed => ApiError::new(
            400,
            "bad_request",
            "некорректная форма загрузки (multipart)",
        ),
    };
    e.into_response()
}

/// Read exactly `length` announced bytes into one buffer of that size.
async fn read_body(mut body: Body, length: u64) -> Result<Vec<u8>, UploadError> {
    let length = usize::try_from(length).map_err(|_| UploadError::TooLarge)?;
    let mut bytes = Vec::with_capacity(length);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| upload::body_error(&e))?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > length {
                return Err(UploadError::TooLarge);
            }
            bytes.extend_from_slice(&data);
        }
    }
    if bytes.len() != length {
        return Err(UploadError::Incomplete);
    }
    Ok(bytes)
}

/// Check the uploads on the blocking pool, one after another, keeping the turn until the
/// last is done (even if the client has gone).
async fn check_on_pool(
    state: Shared,
    turn: OwnedSemaphorePermit,
    uploads: Vec<Upload>,
) -> Result<Vec<(String, Result<CheckReport, ApiError>)>, ApiError> {
    tokio::task::spawn_blocking(move || {
        let results = uploads
            .into_iter()
            .map(|u| {
                // A panic in extraction or checking costs this file only.
                let report = catch_unwind(AssertUnwindSafe(|| check_upload(&u, &state)))
                    .unwrap_or_else(|_| Err(ApiError::internal()));
                (u.name, report)
            })
            .collect();
        release_memory();
        drop(turn);
        results
    })
    .await
    .map_err(|_| ApiError::internal())
}

/// The one place the server turns bytes into a report: extract in memory (PDFs in the
/// isolated worker process), check, remember, persist.
fn check_upload(upload: &Upload, state: &State) -> Result<CheckReport, ApiError> {
    if upload.bytes.is_empty() {
        return Err(ApiError::new(422, "empty", "файл пуст"));
    }
    let doc = crate::extract::extract_bytes(&upload.name, &upload.bytes, &state.config.extract)
        .map_err(|e| ApiError::from_file_error(&e))?;
    let report = crate::check::check(&doc, &state.config.rules);
    state.remember(&report);
    if let Some(dir) = &state.config.data_dir {
        // Best effort: the report is already in memory for downloads.
        if let Err(e) = persist(&dir.join("reports"), &report) {
            eprintln!("не удалось сохранить отчёт: {e}");
        }
    }
    Ok(report)
}

/// Hand the memory of a finished check back to the system, so a burst of large uploads does
/// not leave the server holding gigabytes while idle (glibc keeps freed arenas otherwise).
fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
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
async fn download(
    Ext(state): Ext<Shared>,
    Path(file): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let not_found = || {
        ApiError::new(
            404,
            "not_found",
            "отчёт не найден; проверьте документ ещё раз",
        )
        .into_response()
    };
    let Some((hash, ext)) = file.rsplit_once('.') else {
        return not_found();
    };
    if !is_hash(hash) || !matches!(ext, "json" | "html" | "docx") {
        return not_found();
    }
    let (hash, ext) = (hash.to_string(), ext.to_string());
    let attachment = params.iter().any(|(k, _)| k == "download") || ext != "html";
    // Reading the stored JSON and rendering DOCX/HTML are blocking work.
    let rendered = tokio::task::spawn_blocking(move || render(&state, &hash, &ext))
        .await
        .unwrap_or_else(|_| Err(ApiError::internal()));
    let Some(rendered) = rendered.transpose() else {
        return not_found();
    };
    let (body, content_type, csp, name) = match rendered {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let disposition = if attachment {
        format!(
            "attachment; filename=\"{}\"; filename*=UTF-8''{}",
            upload::ascii_fallback(&name),
            percent_encoding::utf8_percent_encode(&name, upload::RFC5987_ESCAPED)
        )
    } else {
        "inline".to_string()
    };
    let disposition =
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(csp),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

type Rendered = (Vec<u8>, &'static str, &'static str, String);

/// The stored report `hash` in format `ext` with its type, CSP and download name; `Ok(None)`
/// when there is no such report.
fn render(state: &State, hash: &str, ext: &str) -> Result<Option<Rendered>, ApiError> {
    let report = state.recall(hash).or_else(|| {
        let dir = state.config.data_dir.as_ref()?.join("reports");
        let text = std::fs::read(dir.join(format!("{hash}.json"))).ok()?;
        serde_json::from_slice(&text).ok()
    });
    let Some(report) = report else {
        return Ok(None);
    };
    let (body, content_type, csp) = match ext {
        "json" => serde_json::to_vec_pretty(&report)
            .map(|b| (b, JSON_TYPE, API_CSP))
            .map_err(|_| ApiError::new(500, "internal", "не удалось сформировать отчёт"))?,
        "html" => crate::report::render(&report, crate::report::ReportFormat::Html)
            .map(|b| (b, "text/html; charset=utf-8", REPORT_CSP))
            .map_err(|e| ApiError::new(500, "internal", e.message_ru()))?,
        _ => crate::report::render(&report, crate::report::ReportFormat::Docx)
            .map(|b| {
                (
                    b,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    API_CSP,
                )
            })
            .map_err(|e| ApiError::new(500, "internal", e.message_ru()))?,
    };
    let name = format!("{}_отчёт.{ext}", upload::download_stem(&report.source));
    Ok(Some((body, content_type, csp, name)))
}

/// `GET /api/search?q=&risk=&type=&complete=&year=&limit=`.
async fn search(Ext(state): Ext<Shared>, Query(params): Query<Vec<(String, String)>>) -> Response {
    let Some(dir) = state.config.index_dir.clone() else {
        return ApiError::new(
            503,
            "index_unavailable",
            "поисковый архив не подключён; запустите сервер с --index ПАПКА",
        )
        .into_response();
    };
    let query = match super::search::parse_query(&params) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let Ok(turn) = state.searches.enter().await else {
        return ApiError::busy().into_response();
    };
    let result = tokio::task::spawn_blocking(move || {
        let result = super::search::search(&query, &dir, &state.archive);
        drop(turn);
        result
    })
    .await
    .unwrap_or_else(|_| Err(ApiError::internal()));
    match result {
        Ok(body) => json_response(200, &body),
        Err(e) => e.into_response(),
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
