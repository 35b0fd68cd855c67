//! A deliberately small HTTP/1.1 layer over `std::net`: one request per connection
//! (`Connection: close`), bounded header size, bodies only with `Content-Length` and under a
//! cap. General-purpose servers buffer or drain bodies in ways we cannot bound (tiny_http
//! allocates the whole announced `Content-Length` when it drains an unread body), so the
//! limits live here, where they are visible.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// Largest request head (request line + headers) we accept.
const MAX_HEAD_BYTES: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;
/// After rejecting a body we keep reading (and discarding) it for at most this long, so the
/// client finishes sending and reads our error instead of getting a reset.
const LINGER: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path without the query string, percent-decoded.
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Announced body length; the body itself is read on demand with [`read_body`].
    pub content_length: Option<u64>,
    pub chunked: bool,
    /// Bytes of the body that arrived together with the head.
    pub(crate) body_prefix: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read. Each maps to a status and a Russian message.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed or timed out before sending a full head; nothing to answer.
    Gone,
    Malformed,
    HeadTooLarge,
}

/// Read and parse the request head. The body is left on the stream.
pub fn read_head(stream: &mut TcpStream) -> Result<Request, ReadError> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Err(ReadError::Gone),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(ReadError::Gone),
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(head_len)) => {
                let req = build_request(&parsed, buf.get(head_len..).unwrap_or_default())?;
                return Ok(req);
            }
            Ok(httparse::Status::Partial) => {
                if buf.len() > MAX_HEAD_BYTES {
                    return Err(ReadError::HeadTooLarge);
                }
            }
            Err(httparse::Error::TooManyHeaders) => return Err(ReadError::HeadTooLarge),
            Err(_) => return Err(ReadError::Malformed),
        }
    }
}

fn build_request(parsed: &httparse::Request, rest: &[u8]) -> Result<Request, ReadError> {
    let method = parsed.method.ok_or(ReadError::Malformed)?.to_string();
    let target = parsed.path.ok_or(ReadError::Malformed)?;
    let (raw_path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_decode(raw_path).ok_or(ReadError::Malformed)?;
    let query = parse_query(raw_query).ok_or(ReadError::Malformed)?;
    let mut headers = Vec::with_capacity(parsed.headers.len());
    for h in parsed.headers.iter() {
        let value = std::str::from_utf8(h.value).map_err(|_| ReadError::Malformed)?;
        headers.push((h.name.to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut content_length = None;
    let mut chunked = false;
    for (k, v) in &headers {
        match k.as_str() {
            "content-length" => {
                let n: u64 = v.parse().map_err(|_| ReadError::Malformed)?;
                if content_length.is_some_and(|c| c != n) {
                    return Err(ReadError::Malformed);
                }
                content_length = Some(n);
            }
            "transfer-encoding" => chunked = true,
            _ => {}
        }
    }
    Ok(Request {
        method,
        path,
        query,
        headers,
        content_length,
        chunked,
        body_prefix: rest.to_vec(),
    })
}

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// More than the cap was announced or sent.
    TooLarge,
    /// No `Content-Length` (chunked uploads are not accepted).
    LengthRequired,
    /// The peer stopped sending before the announced length.
    Incomplete,
}

/// Read exactly the announced body, refusing (before reading anything) when it exceeds `max`.
pub fn read_body(stream: &mut TcpStream, req: &Request, max: u64) -> Result<Vec<u8>, BodyError> {
    if req.chunked {
        return Err(BodyError::LengthRequired);
    }
    let len = match req.content_length {
        None => return Ok(Vec::new()),
        Some(n) if n > max => return Err(BodyError::TooLarge),
        Some(n) => n,
    };
    // `len <= max`, and `max` is a configured size that fits in memory.
    let len = usize::try_from(len).map_err(|_| BodyError::TooLarge)?;
    let mut body = Vec::with_capacity(len);
    let prefix = &req.body_prefix[..req.body_prefix.len().min(len)];
    body.extend_from_slice(prefix);
    let remaining = (len - body.len()) as u64;
    stream
        .take(remaining)
        .read_to_end(&mut body)
        .map_err(|_| BodyError::Incomplete)?;
    if body.len() != len {
        return Err(BodyError::Incomplete);
    }
    Ok(body)
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: body.into(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    pub fn write_to(&self, out: &mut impl Write, head_only: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (k, v) in &self.headers {
            // Header values come from our own code; strip line breaks anyway so nothing
            // derived from a request can split the response.
            let v: String = v.chars().filter(|c| !c.is_control()).collect();
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(&self.body)?;
        }
        out.flush()
    }
}

/// Close politely after an early error: stop writing, then swallow what the client is still
/// sending (bounded by time, constant memory) so it can read our answer.
pub fn linger_close(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 64 * 1024];
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    while Instant::now() < deadline {
        match stream.read(&mut sink) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Decode `%XX` escapes (and nothing else); `None` when the result is not UTF-8 or an escape
/// is broken.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = hex_val(*bytes.get(i + 1)?)?;
            let lo = hex_val(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `application/x-www-form-urlencoded` query: `+` is a space, then percent-decoding.
pub fn parse_query(q: &str) -> Option<Vec<(String, String)>> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((
                percent_decode(&k.replace('+', " "))?,
                percent_decode(&v.replace('+', " "))?,
            ))
        })
        .collect()
}

/// RFC 5987 encoding for `filename*=UTF-8''…`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q =
            parse_query("name=%D0%BF%D1%80%D0%BE%D0%B3%D1%80%D0%B0%D0%BC%D0%BC%D0%B0+1.docx&x=")
                .unwrap();
        assert_eq!(q[0], ("name".into(), "программа 1.docx".into()));
        assert_eq!(q[1], ("x".into(), String::new()));
        assert!(parse_query("a=%ZZ").is_none());
        assert!(parse_query("a=%FF").is_none());
        assert!(parse_query("a=%4").is_none());
    }

    #[test]
    fn encode_round_trips() {
        let s = "Отчёт «500+» <1>.docx";
        assert_eq!(percent_decode(&percent_encode(s)).as_deref(), Some(s));
        assert!(!percent_encode(s).contains(['<', ' ', '"']));
    }

    #[test]
    fn response_head_cannot_be_split() {
        let r = Response::new(200, "text/plain", "ok").with_header("X-Test", "a\r\nSet-Cookie: x");
        let mut out = Vec::new();
        r.write_to(&mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("X-Test: aSet-Cookie: x\r\n"));
        assert!(text.ends_with("\r\n\r\nok"));
        assert!(text.contains("Content-Length: 2\r\n"));
    }
}
