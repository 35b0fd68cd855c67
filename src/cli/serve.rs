//! `shnor serve`: start the local web page and JSON API.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;

use shnor::rules::Rules;
use shnor::server::{Config, Server, UploadLimits, index_problem};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Адрес и порт (по умолчанию только для этого компьютера; порт 0 — любой свободный)
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Папка поискового архива (создаётся командой `shnor index`)
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// Папка для сохранённых отчётов (JSON); без неё отчёты хранятся только в памяти
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Папка с правилами проверки (по умолчанию встроенные)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Наибольший размер одной загрузки, МБ
    #[arg(long, default_value_t = 100, value_name = "MB")]
    max_upload_mb: u64,
    /// Наибольшее число файлов в одной загрузке
    #[arg(long, default_value_t = 20, value_name = "N")]
    max_files: usize,
    /// Число потоков обработки запросов
    #[arg(long, default_value_t = 4, value_name = "N")]
    workers: usize,
}

pub fn run(args: ServeArgs) -> anyhow::Result<u8> {
    let rules = match &args.rules {
        Some(dir) => Rules::load(dir).map_err(|e| anyhow::anyhow!(e.message_ru()))?,
        None => Rules::builtin(),
    };
    // Checked before binding so the message is not mistaken for an address problem.
    if let Some(problem) = args.index.as_deref().and_then(index_problem) {
        anyhow::bail!(problem);
    }
    let mut config = Config::new(args.addr, rules);
    config.index_dir = args.index;
    config.data_dir = args.data_dir;
    config.workers = args.workers;
    config.limits = UploadLimits {
        max_request_bytes: args.max_upload_mb.saturating_mul(1024 * 1024),
        max_files: args.max_files,
    };
    let server =
        Server::bind(config).with_context(|| format!("не удалось занять адрес {}", args.addr))?;
    let addr = server.local_addr()?;
    if !addr.ip().is_loopback() {
        eprintln!("внимание: сервер доступен не только с этого компьютера ({addr})");
    }
    // Tests and scripts read the port from this line.
    let mut out = std::io::stdout().lock();
    writeln!(out, "Сервер запущен: http://{addr}/ (остановить: Ctrl+C)")?;
    out.flush()?;
    drop(out);
    server.run()?;
    Ok(0)
}
