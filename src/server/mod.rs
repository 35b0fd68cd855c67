//! `shnor serve`: a small local web server for curators — a Russian page to upload drafts and
//! see the check report, a search page over the archive, and the JSON API the page uses.
//!
//! HTTP is hyper's (HTTP/1.1, one request per connection) under an axum router, on a tokio
//! runtime. What a hostile page or client can send is bounded at each step: the request head
//! (size, time to arrive), the number of open connections, the body (size before it is read,
//! idle time between pieces, a minimum rate), the time one request may take, and the uploads
//! held in memory and checked at once (`gate`: `--workers` at a time, a bounded queue, 503
//! beyond it). Extraction and checking are CPU-bound and run on tokio's blocking pool, never on
//! the async workers. Uploads stay in memory; the only thing written to disk is the JSON of
//! finished reports, under `--data-dir`, named by content hash.

mod gate;
mod routes;
mod search;
mod upload;

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;

use crate::extract::Options;
use crate::model::CheckReport;
use crate::rules::Rules;

pub use search::index_problem;
pub use upload::{display_name, download_stem};

/// Limits on what one request may carry.
#[derive(Debug, Clone)]
pub struct UploadLimits {
    /// Largest request body; bigger uploads get 413 before any of the body is read.
    pub max_request_bytes: u64,
    /// Most files in one multipart request.
    pub max_files: usize,
    /// Uploads that may wait for a free worker; more get 503.
    pub max_queued: usize,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_request_bytes: 100 * 1024 * 1024,
            max_files: 20,
            max_queued: 256,
        }
    }
}

/// Time limits on one connection and request.
#[derive(Debug, Clone)]
pub struct Timeouts {
    /// The whole request head must arrive within this (slowloris).
    pub head: Duration,
    /// Longest pause between two pieces of a request body.
    pub body_idle: Duration,
    /// The body must arrive at least this fast on average (after `body_idle` of grace), so a
    /// client dripping its upload cannot hold a worker for long.
    pub min_body_bytes_per_sec: u64,
    /// Longest time one request may take from head to answer.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            head: Duration::from_secs(10),
            body_idle: Duration::from_secs(10),
            min_body_bytes_per_sec: 256 * 1024,
            request: Duration::from_secs(600),
        }
    }
}

impl Timeouts {
    /// How long a body of `len` bytes may take to arrive.
    pub fn body_deadline(&self, len: u64) -> Duration {
        let rate = self.min_body_bytes_per_sec.max(1);
        self.body_idle + Duration::from_secs(len / rate)
    }
}

/// Everything the server needs; built by the CLI. New switches (e.g. OCR) go here and, when
/// the page needs them, into `/api/config`.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// Search archive folder (`shnor index` output).
    pub index_dir: Option<PathBuf>,
    /// Where finished reports are kept as JSON; nothing else is written.
    pub data_dir: Option<PathBuf>,
    pub limits: UploadLimits,
    pub timeouts: Timeouts,
    /// Uploads read and checked at once (each holds at most one request body in memory).
    pub workers: usize,
    pub extract: Options,
    pub rules: Rules,
}

impl Config {
    pub fn new(addr: SocketAddr, rules: Rules) -> Config {
        Config {
            addr,
            index_dir: None,
            data_dir: None,
            limits: UploadLimits::default(),
            timeouts: Timeouts::default(),
            workers: 4,
            extract: Options::isolated(),
            rules,
        }
    }
}

/// How many finished reports are kept in memory for downloads.
const REPORT_CACHE: usize = 64;
/// Largest request head (request line + headers); bigger heads get 431 from hyper.
const MAX_HEAD_BYTES: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;
/// Open connections at once; further ones wait in the listen backlog until one closes (an idle
/// connection closes after `Timeouts::head`).
const MAX_CONNECTIONS: usize = 1024;
/// Stack of runtime and blocking-pool threads: extraction recurses over document structure.
const THREAD_STACK_BYTES: usize = 8 * 1024 * 1024;

/// Shared, read-mostly state of a running server.
pub(crate) struct State {
    pub config: Config,
    /// Listening on a loopback address: then only loopback `Host` headers are accepted
    /// (a guard against DNS rebinding from a web page the user visits).
    pub loopback: bool,
    pub reports: Mutex<VecDeque<CheckReport>>,
    pub archive: search::ArchiveCache,
    /// Uploads being read or checked, and those waiting for their turn.
    pub checks: gate::Gate,
    /// Archive searches running on the blocking pool, and those waiting.
    pub searches: gate::Gate,
}

impl State {
    fn new(config: Config, loopback: bool) -> State {
        let workers = config.workers.max(1);
        let queued = config.limits.max_queued;
        State {
            checks: gate::Gate::new(workers, queued),
            searches: gate::Gate::new(workers, queued),
            config,
            loopback,
            reports: Mutex::new(VecDeque::new()),
            archive: search::ArchiveCache::default(),
        }
    }

    pub fn remember(&self, report: &CheckReport) {
        if let Ok(mut cache) = self.reports.lock() {
            cache.retain(|r| r.hash != report.hash);
            if cache.len() == REPORT_CACHE {
                cache.pop_front();
            }
            cache.push_back(report.clone());
        }
    }

    pub fn recall(&self, hash: &str) -> Option<CheckReport> {
        self.reports
            .lock()
            .ok()?
            .iter()
            .find(|r| r.hash == hash)
            .cloned()
    }
}

pub struct Server {
    listener: std::net::TcpListener,
    state: Arc<State>,
}

impl Server {
    /// Bind the address (port 0 picks a free port) and prepare the data folder. A busy port is
    /// `io::ErrorKind::AddrInUse`.
    pub fn bind(config: Config) -> io::Result<Server> {
        if let Some(problem) = config.index_dir.as_deref().and_then(index_problem) {
            return Err(io::Error::new(io::ErrorKind::NotFound, problem));
        }
        if let Some(dir) = &config.data_dir {
            std::fs::create_dir_all(dir.join("reports"))?;
        }
        let listener = std::net::TcpListener::bind(config.addr)?;
        listener.set_nonblocking(true)?;
        let loopback = listener.local_addr()?.ip().is_loopback();
        Ok(Server {
            listener,
            state: Arc::new(State::new(config, loopback)),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serve until Ctrl+C or SIGTERM, then stop accepting and let running requests (checks
    /// included) finish.
    pub fn run(self) -> io::Result<()> {
        self.run_until(shutdown_signal())
    }

    /// Serve until `stop` completes, then shut down gracefully as [`Server::run`] does.
    pub fn run_until(self, stop: impl Future<Output = ()> + Send) -> io::Result<()> {
        let workers = self.state.config.workers.max(1);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            // Checks and searches are gated to `workers` each; the rest is report rendering.
            .max_blocking_threads(2 * workers + 2)
            .thread_name("shnor-http")
            .thread_stack_size(THREAD_STACK_BYTES)
            .enable_io()
            .enable_time()
            .build()?;
        runtime.block_on(self.serve(stop))
    }

    async fn serve(self, stop: impl Future<Output = ()> + Send) -> io::Result<()> {
        let listener = tokio::net::TcpListener::from_std(self.listener)?;
        let router = routes::router(Arc::clone(&self.state));
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.state.config.timeouts.head)
            .max_header_size(MAX_HEAD_BYTES)
            .max_headers(MAX_HEADERS)
            // One request per connection: nothing idles between requests.
            .keep_alive(false);
        let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        tokio::pin!(stop);
        loop {
            let permit = tokio::select! {
                () = &mut stop => break,
                permit = Arc::clone(&connections).acquire_owned() => match permit {
                    Ok(p) => p,
                    Err(_) => break,
                },
            };
            let stream = tokio::select! {
                () = &mut stop => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    // A failed accept (the peer reset, or out of file descriptors) concerns
                    // that connection only; pause briefly so a persistent failure cannot spin.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                },
            };
            let service = hyper_util::service::TowerToHyperService::new(router.clone());
            let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
            tokio::spawn(async move {
                // Errors here are the client's (reset, timeout, malformed); hyper has answered
                // what could be answered.
                let _ = connection.await;
                drop(permit);
            });
        }
        drop(listener);
        eprintln!("остановка: ждём завершения начатых проверок…");
        let limit = self.state.config.timeouts.request + Duration::from_secs(5);
        if tokio::time::timeout(limit, graceful.shutdown())
            .await
            .is_err()
        {
            eprintln!("не все запросы завершились за {} с", limit.as_secs());
        }
        Ok(())
    }
}

/// Completes on Ctrl+C or (on Unix) SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
