//! Crash and hang isolation: PDFs are parsed in a child process (`<exe> __pdf-worker`) that
//! is reused for many files. One long-lived worker per calling thread speaks length-prefixed
//! frames over stdin/stdout: request JSON, PDF bytes → response JSON. The parent enforces the
//! time limit (kill → `timeout`); the child caps its own address space (RLIMIT_AS). A panic,
//! abort, stack overflow or allocation failure in the child becomes `corrupt` for that file,
//! and the next file gets a fresh worker.

use std::cell::RefCell;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::extract::{Limits, Options};
use crate::model::Document;

/// Test-only hook: the worker sleeps this many milliseconds before each parse, so tests can
/// exercise the timeout path with a real hung child.
pub const TEST_DELAY_ENV: &str = "SHNOR_PDF_WORKER_TEST_DELAY_MS";

/// Largest frame either side accepts (a sanity bound against a corrupted stream).
const MAX_FRAME: u64 = 1 << 30;

#[derive(Serialize, Deserialize)]
struct Request {
    max_pages: u32,
    max_stream_bytes: u64,
    max_objects: usize,
    ocr: bool,
}

#[derive(Serialize, Deserialize)]
enum Response {
    Ok(Box<Document>),
    Err { code: String, detail: String },
}

struct Worker {
    exe: PathBuf,
    memory: u64,
    child: Child,
    stdin: BufWriter<ChildStdin>,
    frames: Receiver<io::Result<Vec<u8>>>,
}

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

/// Parse `bytes` in this thread's worker process, spawning it when needed.
pub fn parse_isolated(exe: &Path, bytes: &[u8], opts: &Options) -> Result<Document> {
    let limits = &opts.limits;
    let request = Request {
        max_pages: limits.max_pages,
        max_stream_bytes: limits.max_stream_bytes,
        max_objects: limits.max_objects,
        ocr: opts.ocr,
    };
    // OCR renders and recognises page images: give it proportionally more time.
    let timeout = if opts.ocr {
        limits.timeout * 20
    } else {
        limits.timeout
    };
    WORKER.with(|cell| {
        let mut slot = cell.borrow_mut();
        for attempt in 0..2 {
            let reuse = slot
                .as_ref()
                .is_some_and(|w| w.exe == exe && w.memory == limits.max_worker_memory_bytes);
            if !reuse {
                if let Some(old) = slot.take() {
                    old.kill();
                }
                *slot = Some(Worker::spawn(exe, limits.max_worker_memory_bytes)?);
            }
            let Some(worker) = slot.as_mut() else { break };
            if worker.send(&request, bytes).is_err() {
                // The idle worker died (killed from outside?): retry once with a fresh one.
                if let Some(old) = slot.take() {
                    old.kill();
                }
                if attempt == 0 {
                    continue;
                }
                return Err(Error::Corrupt("не удалось запустить обработчик PDF".into()));
            }
            return match worker.frames.recv_timeout(timeout) {
                Ok(Ok(frame)) => match serde_json::from_slice::<Response>(&frame) {
                    Ok(Response::Ok(doc)) => Ok(*doc),
                    Ok(Response::Err { code, detail }) => Err(error_from(&code, detail)),
                    Err(e) => {
                        if let Some(w) = slot.take() {
                            w.kill();
                        }
                        Err(Error::Corrupt(format!(
                            "ответ обработчика PDF не читается: {e}"
                        )))
                    }
                },
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(w) = slot.take() {
                        w.kill();
                    }
                    Err(Error::Timeout(format!("предел {} с", timeout.as_secs())))
                }
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                    let status = slot.take().map(Worker::reap);
                    Err(Error::Corrupt(format!(
                        "обработчик PDF аварийно завершился на этом файле ({})",
                        status.unwrap_or_else(|| "нет кода".into())
                    )))
                }
            };
        }
        Err(Error::Corrupt("не удалось запустить обработчик PDF".into()))
    })
}

impl Worker {
    fn spawn(exe: &Path, memory: u64) -> Result<Worker> {
        let mut child = Command::new(exe)
            .arg("__pdf-worker")
            .arg("--max-memory")
            .arg(memory.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error::Corrupt(format!("не удалось запустить обработчик PDF: {e}")))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::Corrupt("не удалось запустить обработчик PDF".into()));
        };
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let frame = read_frame(&mut r);
                let failed = frame.is_err();
                if tx.send(frame).is_err() || failed {
                    break;
                }
            }
        });
        Ok(Worker {
            exe: exe.to_path_buf(),
            memory,
            child,
            stdin: BufWriter::new(stdin),
            frames: rx,
        })
    }

    fn send(&mut self, req: &Request, bytes: &[u8]) -> io::Result<()> {
        let json = serde_json::to_vec(req).map_err(io::Error::other)?;
        write_frame(&mut self.stdin, &json)?;
        write_frame(&mut self.stdin, bytes)?;
        self.stdin.flush()
    }

    fn kill(self) {
        drop(self);
    }

    /// Collect a dead worker and describe how it ended.
    fn reap(mut self) -> String {
        // The pipe closed; give the process a moment to finish dying before asking.
        for _ in 0..50 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return describe(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        self.child
            .wait()
            .map(describe)
            .unwrap_or_else(|e| e.to_string())
    }
}

impl Drop for Worker {
    /// No zombies: a worker leaving the pool (or its thread ending) is killed and reaped.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn describe(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(sig)) => format!("сигнал {sig}"),
        (Some(code), _) => format!("код выхода {code}"),
        _ => "неизвестная причина".into(),
    }
}

fn write_frame(w: &mut impl Write, data: &[u8]) -> io::Result<()> {
    w.write_all(&(data.len() as u64).to_le_bytes())?;
    w.write_all(data)
}

fn read_frame(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 8];
    r.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    let mut buf = Vec::new();
    r.take(len).read_to_end(&mut buf)?;
    if buf.len() as u64 != len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(buf)
}

/// The child side: serve requests from stdin until it closes. Called by `shnor __pdf-worker`.
pub fn serve(max_memory: u64) -> io::Result<()> {
    limit_memory(max_memory);
    // Panics are reported to the parent as `corrupt`; nobody reads the child's stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let delay = std::env::var(TEST_DELAY_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let mut input = BufReader::new(io::stdin().lock());
    let mut output = BufWriter::new(io::stdout().lock());
    loop {
        let header = match read_frame(&mut input) {
            Ok(h) => h,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        };
        let bytes = read_frame(&mut input)?;
        if let Some(ms) = delay {
            std::thread::sleep(Duration::from_millis(ms));
        }
        let response = match serde_json::from_slice::<Request>(&header) {
            Ok(req) => {
                let limits = Limits {
                    max_pages: req.max_pages,
                    max_stream_bytes: req.max_stream_bytes,
                    max_objects: req.max_objects,
                    ..Limits::default()
                };
                match super::parse_guarded(&bytes, &limits, req.ocr) {
                    Ok(doc) => Response::Ok(Box::new(doc)),
                    Err(e) => {
                        let (code, detail) = error_parts(&e);
                        Response::Err { code, detail }
                    }
                }
            }
            Err(e) => Response::Err {
                code: "corrupt".into(),
                detail: format!("неверный запрос к обработчику: {e}"),
            },
        };
        let json = serde_json::to_vec(&response).map_err(io::Error::other)?;
        write_frame(&mut output, &json)?;
        output.flush()?;
    }
}

fn limit_memory(bytes: u64) {
    if bytes == 0 {
        return;
    }
    let lim = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: setrlimit only reads the struct we pass; failure leaves the old limit in place.
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &lim);
    }
}

fn error_parts(e: &Error) -> (String, String) {
    let detail = match e {
        Error::Encrypted(d)
        | Error::Scanned(d)
        | Error::Corrupt(d)
        | Error::Unsupported(d)
        | Error::TooLarge(d)
        | Error::Timeout(d)
        | Error::Empty(d)
        | Error::Rules(d)
        | Error::Index(d) => d.clone(),
        Error::Io(io) => io.to_string(),
    };
    (e.code().to_string(), detail)
}

fn error_from(code: &str, detail: String) -> Error {
    match code {
        "encrypted" => Error::Encrypted(detail),
        "scanned" => Error::Scanned(detail),
        "unsupported" => Error::Unsupported(detail),
        "too_large" => Error::TooLarge(detail),
        "timeout" => Error::Timeout(detail),
        "empty" => Error::Empty(detail),
        "io" => Error::Io(io::Error::other(detail)),
        _ => Error::Corrupt(detail),
    }
}
