//! `shnor review`: batch expert review of files, folders and zip archives.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use shnor::extract;
use shnor::pipeline::{self, Observer, ReviewOptions};
use shnor::report::ReportFormat;
use shnor::report::summary::SummaryRow;
use shnor::rules::Rules;

const EXIT_CODES: &str = "\
Коды завершения:
  0  все документы проверены, управленческий цикл полный во всех;
  1  все документы прочитаны, но хотя бы в одном цикл неполный;
  2  хотя бы один файл не удалось прочитать или проверить (он есть в сводке с кодом и сообщением),
     либо ошибка запуска (нет папки результата, ошибка в правилах).

Повторный запуск с той же папкой --out пропускает неизменённые файлы (по хешу содержимого и
версии правил) и дописывает прерванный запуск: итог совпадает с запуском без прерывания.";

#[derive(clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct ReviewArgs {
    /// Файлы, папки (рекурсивно) или архивы .zip
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Папка для отчётов, summary.csv, summary.jsonl и index.html
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Форматы отчётов по документам через запятую: html, docx, md, json
    #[arg(long, value_delimiter = ',', default_value = "html,docx,json")]
    format: Vec<ReportFormat>,
    /// Число потоков обработки (по умолчанию — число ядер)
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Папка с правилами проверки (по умолчанию — встроенные правила)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Распознавать сканы (нужен установленный tesseract)
    #[arg(long)]
    ocr: bool,
    /// Добавить проверенные документы в поисковый архив в этой папке
    #[arg(long, value_name = "DIR")]
    index: Option<PathBuf>,
    /// Печатать строку о каждом документе
    #[arg(long, short = 'v')]
    verbose: bool,
}

pub fn run(args: ReviewArgs) -> anyhow::Result<u8> {
    let rules = match &args.rules {
        Some(dir) => Rules::load(dir)?,
        None => Rules::builtin(),
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut extract = extract::Options::isolated();
    extract.ocr = args.ocr;
    let opts = ReviewOptions {
        inputs: args.inputs,
        out: args.out,
        formats: args.format,
        jobs,
        rules,
        extract,
        reuse: args.index.is_none(),
    };
    let mut progress = Progress::new(args.verbose);
    if let Some(dir) = &args.index {
        progress.archive = Some(shnor::index::Archive::open(dir)?);
    }
    let want_documents = progress.archive.is_some();
    let result = pipeline::review_with(&opts, &mut progress, want_documents)?;
    progress.finish();
    if let Some(archive) = progress.archive.as_mut() {
        archive.commit()?;
    }
    let t = result.totals;
    println!(
        "Документов: {}; полный цикл: {}; неполный цикл: {}; ошибки чтения: {}{}.",
        t.documents,
        t.complete,
        t.incomplete,
        t.failed,
        if result.skipped > 0 {
            format!("; без изменений с прошлого запуска: {}", result.skipped)
        } else {
            String::new()
        }
    );
    println!("Сводка: {}", opts.out.join("index.html").display());
    Ok(result.exit_code())
}

/// A progress bar when stderr is a terminal; otherwise only errors (and, with `--verbose`,
/// one line per document).
struct Progress {
    bar: Option<ProgressBar>,
    verbose: bool,
    failures: usize,
    /// The search archive fed with every checked document (`--index`).
    archive: Option<shnor::index::Archive>,
}

impl Progress {
    fn new(verbose: bool) -> Progress {
        Progress {
            bar: None,
            verbose,
            failures: 0,
            archive: None,
        }
    }

    fn line(&self, text: String) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn started(&mut self, total: usize) {
        if !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{bar:30.green/white} {pos}/{len} документов · {per_sec} · осталось {eta} · {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("█▉▊▋▌▍▎▏ ");
        bar.set_style(style);
        bar.set_message("ошибок: 0");
        self.bar = Some(bar);
    }

    fn checked(
        &mut self,
        doc: &shnor::model::Document,
        report: &shnor::model::CheckReport,
    ) -> shnor::Result<()> {
        match self.archive.as_mut() {
            Some(archive) => archive.upsert(doc, report),
            None => Ok(()),
        }
    }

    fn finished(&mut self, row: &SummaryRow, skipped: bool) {
        if row.is_failed() {
            self.failures += 1;
            self.line(format!(
                "ошибка: {}: {} [{}]",
                row.source,
                row.error_message.as_deref().unwrap_or(""),
                row.error_code.as_deref().unwrap_or("")
            ));
        } else if self.verbose {
            let verdict = if row.cycle_complete == Some(true) {
                "полный цикл"
            } else {
                "неполный цикл"
            };
            let note = if skipped {
                " (без изменений)"
            } else {
                ""
            };
            self.line(format!("{}: {verdict}{note}", row.source));
        }
        if let Some(bar) = &self.bar {
            bar.set_message(format!("ошибок: {}", self.failures));
            bar.inc(1);
        }
    }
}
