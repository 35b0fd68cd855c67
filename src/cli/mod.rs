//! Command-line interface: argument parsing and printing only; all logic lives in the library.

mod check;
mod eval;
mod extract;
mod index;
mod review;
mod rules;
mod search;
mod serve;
mod worker;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "shnor",
    version,
    about = "Проверка программ развития школ (проект «500+», ШНОР) на полный управленческий цикл: цель → меры → показатели → мониторинг → анализ"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Извлечь текст и структуру документов (text, json, markdown)
    Extract(extract::ExtractArgs),
    /// Проверить документы на полный управленческий цикл
    Check(check::CheckArgs),
    /// Пакетная экспертиза: отчёт по каждому документу и сводная таблица
    Review(review::ReviewArgs),
    /// Оценить точность проверки по размеченным документам
    Eval(eval::EvalArgs),
    /// Добавить документы в поисковый архив
    Index(index::IndexArgs),
    /// Искать в архиве программ
    Search(search::SearchArgs),
    /// Проверить правила (rules/*.toml)
    Rules(rules::RulesArgs),
    /// Веб-страница для проверки документов и поиска по архиву
    Serve(serve::ServeArgs),
    /// Internal: parse PDFs in an isolated child process.
    #[command(name = "__pdf-worker", hide = true)]
    PdfWorker(worker::WorkerArgs),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(a) => extract::run(a),
        Command::Check(a) => check::run(a),
        Command::Review(a) => review::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Index(a) => index::run(a),
        Command::Search(a) => search::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Serve(a) => serve::run(a),
        Command::PdfWorker(a) => worker::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("ошибка: {e:#}");
            ExitCode::from(2)
        }
    }
}
