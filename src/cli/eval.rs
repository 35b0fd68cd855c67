//! `shnor eval`: accuracy of the checker against a labels file (printing only; logic in
//! `shnor::eval`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use shnor::eval::{self, EvalReport, Labels, Queries};
use shnor::extract::Options;
use shnor::rules::Rules;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Файл разметки (labels.json)
    #[arg(long)]
    labels: PathBuf,
    /// Папка, относительно которой указаны файлы в разметке (по умолчанию — папка файла разметки)
    #[arg(long)]
    docs: Option<PathBuf>,
    /// Вывести результат в JSON
    #[arg(long)]
    json: bool,
    /// Запросы для оценки поиска (queries.json): recall@5 и MRR
    #[arg(long)]
    queries: Option<PathBuf>,
    /// Папка с собственными правилами вместо встроенных
    #[arg(long)]
    rules: Option<PathBuf>,
}

pub fn run(args: EvalArgs) -> anyhow::Result<u8> {
    let labels = Labels::load(&args.labels).map_err(anyhow::Error::msg)?;
    let problems = labels.validate();
    if !problems.is_empty() {
        bail!("разметка некорректна:\n  {}", problems.join("\n  "));
    }
    let rules = match &args.rules {
        Some(dir) => Rules::load(dir).map_err(|e| anyhow::anyhow!(e.message_ru()))?,
        None => Rules::builtin(),
    };
    let queries = match &args.queries {
        Some(p) => Some(Queries::load(p).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let docs = match args.docs {
        Some(d) => d,
        None => args
            .labels
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_default(),
    };
    let opts = Options::isolated();
    let mut report = eval::evaluate(&labels, &docs, &opts, &rules);
    if let Some(q) = &queries {
        report.search = Some(
            eval::evaluate_search(&labels, &docs, q, &opts, &rules)
                .map_err(|e| anyhow::anyhow!(e.message_ru()))?,
        );
    }

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report).context("запись JSON")?;
        writeln!(out)?;
    } else {
        print_table(&mut out, &report)?;
    }
    Ok(0)
}

fn print_table(out: &mut impl Write, r: &EvalReport) -> std::io::Result<()> {
    writeln!(
        out,
        "Документов: {}, ошибок обработки: {}",
        r.documents,
        r.failures.len()
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<24} {:>4} {:>4} {:>4} {:>4} {:>9} {:>9} {:>6}",
        "Элемент", "TP", "FP", "FN", "TN", "точность", "полнота", "F1"
    )?;
    for s in &r.elements {
        writeln!(
            out,
            "{:<24} {:>4} {:>4} {:>4} {:>4} {:>9.3} {:>9.3} {:>6.3}",
            s.element.label_ru(),
            s.counts.tp,
            s.counts.fp,
            s.counts.fn_,
            s.counts.tn,
            s.precision,
            s.recall,
            s.f1
        )?;
    }
    writeln!(out)?;
    let acc = |a: &eval::Accuracy| format!("{:.3} ({}/{})", a.value, a.correct, a.total);
    writeln!(out, "Точность вердикта о цикле:      {}", acc(&r.cycle))?;
    writeln!(out, "Точность типа документа:        {}", acc(&r.doc_type))?;
    let rf = &r.risk_factors;
    writeln!(
        out,
        "Факторы риска, микро-F1:        {:.3} (точность {:.3}, полнота {:.3}; TP {}, FP {}, FN {})",
        rf.f1, rf.precision, rf.recall, rf.counts.tp, rf.counts.fp, rf.counts.fn_
    )?;
    writeln!(
        out,
        "Разделы среднесрочных программ: найдено {} из {}; цикл {}; элементы {}",
        r.sections.matched,
        r.sections.labelled,
        acc(&r.sections.cycle),
        acc(&r.sections.elements)
    )?;
    writeln!(
        out,
        "Цитаты своего элемента:         {}",
        acc(&r.evidence_agreement)
    )?;
    let failed_traps: Vec<_> = r.traps.iter().filter(|t| t.correct < t.documents).collect();
    if !failed_traps.is_empty() {
        writeln!(out, "Трудные случаи с ошибками (верно / всего документов):")?;
        for t in failed_traps {
            writeln!(out, "  {}: {}/{}", t.trap, t.correct, t.documents)?;
        }
    }
    if let Some(s) = &r.search {
        writeln!(
            out,
            "Поиск: запросов {}, recall@5 {:.3}, MRR {:.3}",
            s.queries, s.recall_at_5, s.mrr
        )?;
        for q in s.per_query.iter().filter(|q| !q.missed.is_empty()) {
            writeln!(
                out,
                "  «{}»: не найдены в первых 5: {}",
                q.q,
                q.missed.join(", ")
            )?;
        }
    }
    if !r.failures.is_empty() {
        writeln!(out)?;
        writeln!(out, "Ошибки обработки:")?;
        for f in &r.failures {
            writeln!(out, "  [{}] {}", f.code, f.message)?;
        }
    }
    if !r.disagreements.is_empty() {
        writeln!(out)?;
        writeln!(out, "Расхождения с разметкой ({}):", r.disagreements.len())?;
        for d in &r.disagreements {
            write!(
                out,
                "  {} — {}: ожидалось «{}», получено «{}»",
                d.file, d.field, d.expected, d.got
            )?;
            if let Some(q) = &d.evidence {
                write!(out, "; цитата: «{q}»")?;
            }
            if let Some(rule) = &d.rule {
                write!(out, " [правило {rule}]")?;
            }
            if let Some(q) = &d.expected_evidence {
                write!(out, "; в разметке: «{q}»")?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}
