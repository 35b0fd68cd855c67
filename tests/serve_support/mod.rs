//! Shared helpers for the `shnor serve` tests: start the real binary on a free local port and
//! talk plain HTTP/1.1 to it over `std::net`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `shnor serve`; killed when dropped.
pub struct ServerProcess {
    child: Child,
    pub port: u16,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    pub fn start(extra: &[&str]) -> ServerProcess {
        Self::start_in(std::path::Path::new("."), extra)
    }

    /// Start with `dir` as the working directory.
    pub fn start_in(dir: &std::path::Path, extra: &[&str]) -> ServerProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shnor"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start shnor serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read startup line");
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in startup line {line:?}"));
        ServerProcess { child, port }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Send SIGTERM.
    pub fn terminate(&self) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid");
        // SAFETY: signalling our own child process by its pid.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }

    /// Whether the process has ended (without waiting).
    pub fn exited(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_some()
    }

    /// Wait (at most `limit`) for the process to end; `None` if it did not.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Peak resident memory of the server so far (`VmHWM`), in bytes; `None` off Linux.
    pub fn peak_rss(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(120))).ok();
        s
    }

    /// One request with a body; returns the parsed response.
    pub fn request(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> HttpResponse {
        let mut s = self.connect();
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n",
            self.port
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).expect("write head");
        s.write_all(body).expect("write body");
        read_response(&mut s)
    }

    pub fn get(&self, target: &str) -> HttpResponse {
        self.request("GET", target, &[], b"")
    }

    /// `POST /api/check?name=…` with a raw body.
    pub fn check(&self, name: &str, body: &[u8]) -> HttpResponse {
        let target = format!("/api/check?name={}", encode(name));
        self.request(
            "POST",
            &target,
            &[("Content-Type", "application/octet-stream")],
            body,
        )
    }

    /// The server still answers normally.
    pub fn assert_alive(&self) {
        let r = self.get("/api/config");
        assert_eq!(r.status, 200, "server stopped serving: {}", r.text());
        assert!(r.json()["max_request_bytes"].as_u64().is_some());
    }
}

pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// `(code, message)` of an error body.
    pub fn error(&self) -> (String, String) {
        let v = self.json();
        let code = v["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {v}"));
        let message = v["error"]["message"].as_str().expect("error message");
        (code.to_string(), message.to_string())
    }
}

/// Read one `Connection: close` response to the end.
pub fn read_response(s: &mut TcpStream) -> HttpResponse {
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    parse_response(&raw)
}

pub fn parse_response(raw: &[u8]) -> HttpResponse {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..split]).expect("utf-8 head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    HttpResponse {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A minimal valid DOCX whose paragraphs are `paragraphs`.
pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_escape(p)
        ));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let parts: [(&str, &[u8]); 3] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ];
    zip_parts(&parts)
}

/// A "DOCX" whose document part inflates to `inflated_mb` megabytes of zeros.
pub fn zip_bomb_docx(inflated_mb: usize) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("[Content_Types].xml", opts).unwrap();
    w.write_all(CONTENT_TYPES.as_bytes()).unwrap();
    w.start_file("_rels/.rels", opts).unwrap();
    w.write_all(RELS.as_bytes()).unwrap();
    w.start_file("word/document.xml", opts).unwrap();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..inflated_mb {
        w.write_all(&chunk).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn zip_parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A programme with every element of the management cycle stated plainly.
pub const FULL_CYCLE: &[&str] = &[
    "Программа развития МБОУ «СОШ № 3» на 2025–2027 годы",
    "Цель программы: к 2027 году повысить долю обучающихся, успешно освоивших основную образовательную программу, с 62 % до 80 %.",
    "Задачи и мероприятия: организовать наставничество для педагогов (сентябрь 2025, ответственный — заместитель директора по УВР); провести цикл семинаров по формирующему оцениванию (ежеквартально, руководители методических объединений).",
    "Целевые показатели: доля обучающихся без академической задолженности — базовое значение 62 %, целевое значение 80 %; доля педагогов, прошедших повышение квалификации, — с 40 % до 90 %.",
    "Мониторинг реализации программы: ежеквартально заместитель директора проводит мониторинг достижения целевых показателей по результатам контрольных срезов и заполняет таблицу динамики.",
    "Анализ результатов реализации программы проводится по итогам каждого полугодия на педагогическом совете; по результатам анализа принимаются управленческие решения и вносятся корректировки в программу.",
];
