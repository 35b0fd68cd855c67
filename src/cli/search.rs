//! `shnor search "query"`: ranked documents from the archive with school, type, section and a
//! highlighted snippet; filters by risk factor, type, completeness, year; facet counts; JSON.
//! Exit code: 0 when something was found, 1 when nothing, 2 on error.

use std::io::IsTerminal;
use std::path::PathBuf;

use serde::Serialize;

use shnor::index::{self, Archive, FacetValue, Hit, SearchQuery, SearchResults, search::MAX_LIMIT};
use shnor::model::{DocType, Element, RiskFactor};

#[derive(clap::Args)]
#[command(
    after_help = "Запрос: слова (словоформы не важны, ё = е), \"точная фраза\", \
AND/OR/NOT (или И/ИЛИ/НЕ), +обязательное, -исключённое слово.\n\
Код выхода: 0 — найдено, 1 — ничего не найдено, 2 — ошибка."
)]
pub struct SearchArgs {
    /// Поисковый запрос (пустая строка — все документы, подходящие под фильтры)
    query: String,
    /// Каталог поискового индекса
    #[arg(long, value_name = "DIR", default_value = index::DEFAULT_DIR)]
    index: PathBuf,
    /// Только документы с этим фактором риска (можно повторять), например low_motivation
    #[arg(long, value_name = "ID", value_parser = parse_risk)]
    risk: Vec<RiskFactor>,
    /// Только документы этого типа, например antirisk_programme
    #[arg(long = "type", value_name = "T", value_parser = parse_doc_type)]
    doc_type: Option<DocType>,
    /// Только документы с полным управленческим циклом
    #[arg(long, conflicts_with = "incomplete")]
    complete: bool,
    /// Только документы с неполным циклом
    #[arg(long)]
    incomplete: bool,
    /// Только документы, в которых нет этого элемента цикла (goal, measures, indicators, monitoring, analysis)
    #[arg(long, value_name = "ELEMENT", value_parser = parse_element)]
    missing: Vec<Element>,
    /// Только документы, период которых включает этот год
    #[arg(long, value_name = "Y")]
    year: Option<u16>,
    /// Сколько документов показать
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=MAX_LIMIT as i64))]
    limit: u16,
    /// Показать число документов по типам, факторам риска, полноте цикла, годам
    #[arg(long)]
    facets: bool,
    /// Вывести результат в JSON
    #[arg(long)]
    json: bool,
}

fn parse_risk(s: &str) -> Result<RiskFactor, String> {
    RiskFactor::from_id(s).ok_or_else(|| {
        let ids: Vec<&str> = RiskFactor::ALL.iter().map(|r| r.id()).collect();
        format!(
            "неизвестный фактор риска «{s}»; допустимые: {}",
            ids.join(", ")
        )
    })
}

fn parse_doc_type(s: &str) -> Result<DocType, String> {
    DocType::from_id(s).ok_or_else(|| {
        let ids: Vec<&str> = DocType::ALL.iter().map(|d| d.id()).collect();
        format!(
            "неизвестный тип документа «{s}»; допустимые: {}",
            ids.join(", ")
        )
    })
}

fn parse_element(s: &str) -> Result<Element, String> {
    Element::from_id(s).ok_or_else(|| {
        let ids: Vec<&str> = Element::ALL.iter().map(|e| e.id()).collect();
        format!(
            "неизвестный элемент цикла «{s}»; допустимые: {}",
            ids.join(", ")
        )
    })
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    query: &'a str,
    #[serde(flatten)]
    results: &'a SearchResults,
}

pub fn run(args: SearchArgs) -> anyhow::Result<u8> {
    // Before anything else: a query the parser cannot take is the user's to fix (exit 2).
    index::check_query_text(&args.query).map_err(|e| anyhow::anyhow!(e.message_ru()))?;
    // Searching must not create an empty index where the user mistyped a path.
    if !args.index.join("meta.json").is_file() {
        anyhow::bail!(
            "поисковый индекс не найден в {}; постройте его командой «shnor index ПАПКА --index {}»",
            args.index.display(),
            args.index.display()
        );
    }
    let archive = Archive::open(&args.index).map_err(|e| anyhow::anyhow!(e.message_ru()))?;
    let query = SearchQuery {
        text: args.query.clone(),
        risk: args.risk,
        doc_type: args.doc_type,
        complete: match (args.complete, args.incomplete) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        year: args.year,
        missing: args.missing,
        limit: usize::from(args.limit),
        facets: args.facets,
        snippets: true,
    };
    let results = archive
        .search(&query)
        .map_err(|e| anyhow::anyhow!(e.message_ru()))?;
    if args.json {
        let out = JsonOutput {
            query: &args.query,
            results: &results,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        let (open, close) = if std::io::stdout().is_terminal() {
            ("\x1b[1m", "\x1b[0m")
        } else {
            ("«", "»")
        };
        print!("{}", render(&args.query, &results, open, close));
    }
    Ok(if results.hits.is_empty() { 1 } else { 0 })
}

/// The human-readable result list; `open`/`close` mark the matched words.
fn render(query: &str, r: &SearchResults, open: &str, close: &str) -> String {
    let mut out = String::new();
    if query.trim().is_empty() {
        out.push_str(&format!("Найдено документов: {}\n", r.total));
    } else {
        out.push_str(&format!(
            "Найдено документов: {} по запросу «{query}»\n",
            r.total
        ));
    }
    if r.total > r.hits.len() as u64 && !r.hits.is_empty() {
        out.push_str(&format!("Показаны первые {}.\n", r.hits.len()));
    }
    for (i, hit) in r.hits.iter().enumerate() {
        out.push('\n');
        out.push_str(&render_hit(i + 1, hit, open, close));
    }
    if let Some(f) = &r.facets {
        out.push_str("\nРаспределение найденных документов:\n");
        for (label, values) in [
            ("Тип документа", &f.doc_type),
            ("Факторы риска", &f.risk),
            ("Управленческий цикл", &f.complete),
            ("Нет элемента цикла", &f.missing),
            ("Годы", &f.year),
            ("Регион", &f.region),
        ] {
            if !values.is_empty() {
                out.push_str(&format!("  {label}: {}\n", facet_line(values)));
            }
        }
    }
    out
}

fn facet_line(values: &[FacetValue]) -> String {
    values
        .iter()
        .map(|v| format!("{} — {}", v.label, v.count))
        .collect::<Vec<_>>()
        .join("; ")
}

fn render_hit(n: usize, hit: &Hit, open: &str, close: &str) -> String {
    let mut out = String::new();
    let name = hit.title.clone().unwrap_or_else(|| {
        PathBuf::from(&hit.source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| hit.source.clone())
    });
    out.push_str(&format!("{n}. {name}\n"));
    let mut who = Vec::new();
    if let Some(s) = &hit.school {
        who.push(s.clone());
    }
    if let Some(r) = &hit.region {
        who.push(r.clone());
    }
    if !who.is_empty() {
        out.push_str(&format!("   Школа: {}\n", who.join(", ")));
    }
    let mut about = vec![hit.doc_type.label_ru().to_string()];
    match (hit.year_from, hit.year_to) {
        (Some(a), Some(b)) if a != b => about.push(format!("{a}–{b}")),
        (Some(a), _) | (None, Some(a)) => about.push(a.to_string()),
        _ => {}
    }
    if hit.cycle_complete {
        about.push("цикл полный".into());
    } else if hit.missing.is_empty() {
        about.push("цикл неполный".into());
    } else {
        let missing: Vec<String> = hit
            .missing
            .iter()
            .map(|e| e.label_ru().to_lowercase())
            .collect();
        about.push(format!("цикл неполный (нет: {})", missing.join(", ")));
    }
    out.push_str(&format!("   {}\n", about.join(" · ")));
    if !hit.risk_factors.is_empty() {
        let risks: Vec<&str> = hit.risk_factors.iter().map(|r| r.label_ru()).collect();
        out.push_str(&format!("   Факторы риска: {}\n", risks.join("; ")));
    }
    if let Some(s) = &hit.section {
        out.push_str(&format!("   Раздел: {}\n", s.title));
    }
    let snippet = hit.snippet.marked(open, close);
    let snippet = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
    if !snippet.is_empty() {
        out.push_str(&format!("   …{snippet}…\n"));
    }
    out.push_str(&format!("   Файл: {}\n", hit.source));
    out
}
