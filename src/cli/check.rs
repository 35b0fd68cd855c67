//! `shnor check FILE… [--json] [--rules DIR]`: a Russian verdict per file in the terminal, or
//! JSON. Exit code: 0 all cycles complete, 1 some cycle incomplete, 2 some file failed.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use serde::Serialize;

use shnor::check::{check, location_ru};
use shnor::error::FileError;
use shnor::extract::{Options, extract_file};
use shnor::model::{CheckReport, Element, Presence};
use shnor::rules::Rules;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Файлы для проверки (PDF, DOCX, DOC, ODT, RTF, TXT)
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Вывести результат в JSON
    #[arg(long)]
    json: bool,
    /// Папка с собственными правилами (по умолчанию — встроенные правила)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    reports: &'a [CheckReport],
    errors: &'a [FileError],
}

pub fn run(args: CheckArgs) -> anyhow::Result<u8> {
    let rules = match &args.rules {
        Some(dir) => Rules::load(dir).map_err(|e| anyhow::anyhow!(e.message_ru()))?,
        None => Rules::builtin(),
    };
    let opts = Options::isolated();
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for path in &args.files {
        match extract_file(path, &opts) {
            Ok(doc) => reports.push(check(&doc, &rules)),
            Err(e) => errors.push(FileError::new(path, &e)),
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &JsonOut {
                reports: &reports,
                errors: &errors,
            },
        )?;
        writeln!(out)?;
    } else {
        let colour = std::io::stdout().is_terminal();
        for r in &reports {
            write!(out, "{}", render(r, colour))?;
        }
        for e in &errors {
            writeln!(out, "{}", paint(&format!("✘ {}", e.message), RED, colour))?;
        }
    }
    Ok(if !errors.is_empty() {
        2
    } else if reports.iter().any(|r| !r.cycle_complete) {
        1
    } else {
        0
    })
}

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const BOLD: &str = "1";
const DIM: &str = "2";

fn paint(s: &str, code: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// The verdict on one document as Russian text.
fn render(r: &CheckReport, colour: bool) -> String {
    let mut s = String::new();
    s.push_str(&paint(&format!("━━ {}", r.source), BOLD, colour));
    s.push('\n');
    s.push_str(&format!("Тип документа: {}\n", r.doc_type.label_ru()));
    if let Some(t) = &r.title {
        s.push_str(&format!("Название: {t}\n"));
    }
    if let Some(t) = &r.school {
        s.push_str(&format!("Школа: {t}\n"));
    }
    if let Some(t) = &r.region {
        s.push_str(&format!("Регион: {t}\n"));
    }
    match (r.year_from, r.year_to) {
        (Some(a), Some(b)) if a != b => s.push_str(&format!("Годы: {a}–{b}\n")),
        (Some(a), _) => s.push_str(&format!("Год: {a}\n")),
        _ => {}
    }
    if !r.risk_factors.is_empty() {
        let names: Vec<&str> = r.risk_factors.iter().map(|f| f.label_ru()).collect();
        s.push_str(&format!("Факторы риска: {}\n", names.join("; ")));
    }
    let missing: Vec<&str> = r.missing().iter().map(|e| e.label_ru()).collect();
    let verdict = if r.cycle_complete {
        paint("Управленческий цикл: ПОЛНЫЙ", GREEN, colour)
    } else if missing.is_empty() {
        paint(
            "Управленческий цикл: НЕПОЛНЫЙ (не во всех разделах)",
            RED,
            colour,
        )
    } else {
        paint(
            &format!(
                "Управленческий цикл: НЕПОЛНЫЙ (нет: {})",
                missing.join(", ")
            ),
            RED,
            colour,
        )
    };
    s.push_str(&verdict);
    s.push('\n');
    for v in &r.elements {
        render_verdict(&mut s, v, "  ", colour);
    }
    for sec in &r.sections {
        let state = if sec.cycle_complete {
            paint("цикл полный", GREEN, colour)
        } else {
            paint("цикл неполный", RED, colour)
        };
        s.push_str(&format!(
            "\nРаздел «{}» ({}): {state}\n",
            sec.title,
            location_ru(&sec.location)
        ));
        for v in &sec.elements {
            render_verdict(&mut s, v, "    ", colour);
        }
    }
    if !r.roadmap_rows.is_empty() {
        s.push_str(&format!(
            "\nМероприятий в плане: {}\n",
            r.roadmap_rows.len()
        ));
    }
    if !r.warnings.is_empty() {
        s.push_str("\nЗамечания:\n");
        for w in &r.warnings {
            let at = w
                .location
                .as_ref()
                .map(|l| format!(" [{}]", location_ru(l)))
                .unwrap_or_default();
            s.push_str(&format!("  • {}{}\n", w.message, paint(&at, DIM, colour)));
        }
    }
    s.push('\n');
    s
}

fn render_verdict(s: &mut String, v: &shnor::model::ElementVerdict, indent: &str, colour: bool) {
    let (mark, code) = match v.presence {
        Presence::Present => ("✔", GREEN),
        Presence::Weak => ("≈", YELLOW),
        Presence::Absent => ("✘", RED),
    };
    let name = element_name(v.element);
    s.push_str(&format!(
        "{indent}{} {name}: {} (уверенность {:.0} %)\n",
        paint(mark, code, colour),
        paint(v.presence.label_ru(), code, colour),
        v.confidence * 100.0
    ));
    for ev in v.evidence.iter().take(2) {
        let mut at = location_ru(&ev.location);
        if let Some(sec) = &ev.section {
            at.push_str(&format!(", раздел «{sec}»"));
        }
        if let Some(col) = &ev.column {
            at.push_str(&format!(", столбец «{col}»"));
        }
        s.push_str(&format!(
            "{indent}    «{}»\n{indent}    {}\n",
            ev.quote,
            paint(&format!("[{at}; правило {}]", ev.rule), DIM, colour)
        ));
    }
    if let Some(rec) = &v.recommendation {
        s.push_str(&format!("{indent}    Рекомендация: {rec}\n"));
    }
}

fn element_name(e: Element) -> &'static str {
    e.label_ru()
}
