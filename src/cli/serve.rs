//! `shnor serve`: start the local web page and JSON API.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use shnor::index;
use shnor::rules::Rules;
use shnor::server::{Config, Server, UploadLimits, index_problem};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Адрес и порт (по умолчанию только для этого компьютера; порт 0 — любой свободный)
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Папка поискового архива (создаётся командой `shnor index`; по умолчанию .shnor/index, если он есть)
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
    /// Сколько загрузок проверяется одновременно (каждая держит в памяти не больше одной загрузки)
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: u16,
    /// Сколько запросов может ждать очереди; остальным — ответ «сервер занят» (503)
    #[arg(long, default_value_t = 256, value_name = "N")]
    queue: usize,
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
    // Without --index: the archive `shnor index` writes by default, when there is one.
    let index_dir = args.index.or_else(|| {
        let default = PathBuf::from(index::DEFAULT_DIR);
        index_problem(&default).is_none().then_some(default)
    });
    let mut config = Config::new(args.addr, rules);
    config.index_dir = index_dir;
    config.data_dir = args.data_dir;
    config.workers = usize::from(args.workers);
    config.limits = UploadLimits {
        max_request_bytes: args.max_upload_mb.saturating_mul(1024 * 1024),
        max_files: args.max_files,
        max_queued: args.queue,
    };
    let server = Server::bind(config).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "адрес {} уже занят (возможно, сервер уже запущен); укажите другой, например --addr 127.0.0.1:0 (любой свободный порт)",
            args.addr
        ),
        _ => anyhow::anyhow!("не удалось занять адрес {}: {e}", args.addr),
    })?;
    let addr = server.local_addr()?;
    // The first line of stdout: tests and scripts read the address from it.
    let mut out = std::io::stdout().lock();
    writeln!(out, "Сервер запущен: http://{addr}/ (остановить: Ctrl+C)")?;
    out.flush()?;
    drop(out);
    if !addr.ip().is_loopback() {
        eprintln!("внимание: сервер доступен не только с этого компьютера ({addr})");
    }
    server.run()?;
    eprintln!("сервер остановлен");
    Ok(0)
}
