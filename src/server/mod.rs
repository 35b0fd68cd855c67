//! `shnor serve`: a small local web server for curators — a Russian page to upload drafts and
//! see the check report, a search page over the archive, and the JSON API the page uses.
//!
//! Threading: one accept loop hands connections to a fixed pool of workers; each connection
//! carries exactly one request. Uploads are processed in memory; the only thing written to
//! disk is the JSON of finished reports, under `--data-dir`, named by content hash.

mod http;
mod routes;
mod search;
mod upload;

use std::collections::VecDeque;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

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
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_request_bytes: 100 * 1024 * 1024,
            max_files: 20,
        }
    }
}

/// Everything the server needs; built by the CLI.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// Search archive folder (`shnor index` output).
    pub index_dir: Option<PathBuf>,
    /// Where finished reports are kept as JSON; nothing else is written.
    pub data_dir: Option<PathBuf>,
    pub limits: UploadLimits,
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
            workers: 4,
            extract: Options::isolated(),
            rules,
        }
    }
}

/// How many finished reports are kept in memory for downloads.
const REPORT_CACHE: usize = 64;
/// Per-read/write socket timeout: a stalled client frees its worker after this.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// Shared, read-mostly state of a running server.
pub(crate) struct State {
    pub config: Config,
    /// Listening on a loopback address: then only loopback `Host` headers are accepted
    /// (a guard against DNS rebinding from a web page the user visits).
    pub loopback: bool,
    pub reports: Mutex<VecDeque<CheckReport>>,
    pub archive: search::ArchiveCache,
}

impl State {
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
    listener: TcpListener,
    state: Arc<State>,
}

impl Server {
    /// Bind the address (port 0 picks a free port) and prepare the data folder.
    pub fn bind(config: Config) -> io::Result<Server> {
        if let Some(problem) = config.index_dir.as_deref().and_then(index_problem) {
            return Err(io::Error::new(io::ErrorKind::NotFound, problem));
        }
        if let Some(dir) = &config.data_dir {
            std::fs::create_dir_all(dir.join("reports"))?;
        }
        let listener = TcpListener::bind(config.addr)?;
        let loopback = listener.local_addr()?.ip().is_loopback();
        Ok(Server {
            listener,
            state: Arc::new(State {
                config,
                loopback,
                reports: Mutex::new(VecDeque::new()),
                archive: search::ArchiveCache::default(),
            }),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serve until the process ends.
    pub fn run(self) -> io::Result<()> {
        let workers = self.state.config.workers.max(1);
        let (tx, rx) = mpsc::sync_channel::<TcpStream>(workers * 16);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..workers {
            let rx = Arc::clone(&rx);
            let state = Arc::clone(&self.state);
            thread::Builder::new()
                .name(format!("shnor-http-{i}"))
                .spawn(move || worker(&rx, &state))?;
        }
        for stream in self.listener.incoming() {
            match stream {
                Ok(s) => {
                    if tx.send(s).is_err() {
                        break;
                    }
                }
                // A failed accept (e.g. the peer reset) concerns that connection only.
                Err(_) => continue,
            }
        }
        Ok(())
    }
}

fn worker(rx: &Mutex<mpsc::Receiver<TcpStream>>, state: &State) {
    loop {
        let next = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        let Ok(mut stream) = next else { return };
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        // A panic in a handler must cost one request, not a worker.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            routes::serve_connection(&mut stream, state)
        }));
    }
}
