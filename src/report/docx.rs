//! The per-document report as DOCX (docx-rs, writer only): headings, a metadata table, a
//! verdict table coloured by presence, evidence quotes with locations, per-section tables,
//! recommendations, warnings and the roadmap summary. A4 page; no timestamps in the package.

use docx_rs::{
    AlignmentType, BreakType, Docx, Paragraph, Run, RunFonts, Shading, ShdType, Style, StyleType,
    Table, TableCell, TableRow, WidthType,
};

use super::{
    ROADMAP_ROWS_SHOWN, clean_text, cycle_chain_ru, cycle_verdict_ru, evidence_location_ru,
    file_name, location_ru, presence_of, recommendation_ru, roadmap_counts, years_ru,
};
use crate::error::{Error, Result};
use crate::model::{CheckReport, Element, ElementVerdict, Presence};

/// A4 text width in twentieths of a point with 2 cm margins.
const TEXT_WIDTH: usize = 9638;

pub fn render(r: &CheckReport) -> Result<Vec<u8>> {
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman")
                .east_asia("Times New Roman"),
        )
        .default_size(24)
        .add_style(heading_style("Heading1", "heading 1", 32))
        .add_style(heading_style("Heading2", "heading 2", 28))
        .add_style(heading_style("Heading3", "heading 3", 24))
        .add_style(
            Style::new("Quote", StyleType::Paragraph)
                .name("Quote")
                .italic()
                .indent(Some(567), None, None, None),
        );

    doc = doc
        .add_paragraph(heading(
            1,
            &format!("Экспертное заключение: {}", file_name(&r.source)),
        ))
        .add_paragraph(para(&r.source).color("5F6B7A"));
    doc = doc.add_table(meta_table(r));

    let mut verdict = format!(
        "Управленческий цикл: {}",
        cycle_verdict_ru(r.cycle_complete, &r.elements)
    );
    if !r.sections.is_empty() {
        let done = r.sections.iter().filter(|s| s.cycle_complete).count();
        verdict.push_str(&format!(
            "; разделов с полным циклом: {done} из {}",
            r.sections.len()
        ));
    }
    doc = doc.add_paragraph(
        Paragraph::new().add_run(
            Run::new()
                .add_text(clean_text(&verdict))
                .bold()
                .size(28)
                .color(if r.cycle_complete { "2E7D32" } else { "C62828" }),
        ),
    );
    doc = doc
        .add_paragraph(para(&cycle_chain_ru(&r.elements)))
        .add_paragraph(heading(2, "Оценка элементов цикла"))
        .add_table(verdict_table(&r.elements));

    doc = doc.add_paragraph(heading(2, "Доказательства"));
    for e in Element::ALL {
        doc = doc.add_paragraph(heading(
            3,
            &format!(
                "{} — {}",
                e.label_ru(),
                presence_of(&r.elements, e).label_ru()
            ),
        ));
        match r
            .elements
            .iter()
            .find(|v| v.element == e)
            .filter(|v| !v.evidence.is_empty())
        {
            None => doc = doc.add_paragraph(para("Подтверждающих фрагментов не найдено.")),
            Some(v) => {
                for ev in &v.evidence {
                    doc = doc
                        .add_paragraph(para(&format!("«{}»", ev.quote)).style("Quote"))
                        .add_paragraph(
                            para(&format!(
                                "{}; правило {}",
                                evidence_location_ru(ev),
                                ev.rule
                            ))
                            .size(20)
                            .color("5F6B7A"),
                        );
                }
            }
        }
    }

    if !r.sections.is_empty() {
        doc = doc.add_paragraph(heading(2, "Разделы по факторам риска"));
        for s in &r.sections {
            doc = doc.add_paragraph(heading(3, &s.title));
            let mut line = String::new();
            if let Some(rf) = s.risk_factor {
                line.push_str(&format!("Фактор риска: {}. ", rf.label_ru()));
            }
            line.push_str(&format!(
                "Цикл: {} ({}).",
                cycle_verdict_ru(s.cycle_complete, &s.elements),
                location_ru(&s.location)
            ));
            doc = doc
                .add_paragraph(para(&line))
                .add_table(verdict_table(&s.elements));
        }
    }

    doc = doc.add_paragraph(heading(2, "Рекомендации"));
    let mut recs = Vec::new();
    for v in r.elements.iter().filter(|v| !v.presence.is_present()) {
        if let Some(rec) = recommendation_ru(v) {
            recs.push(format!("{}: {}", v.element.label_ru(), rec));
        }
    }
    for s in &r.sections {
        for v in s.elements.iter().filter(|v| !v.presence.is_present()) {
            if let Some(rec) = recommendation_ru(v) {
                recs.push(format!(
                    "Раздел «{}». {}: {}",
                    s.title,
                    v.element.label_ru(),
                    rec
                ));
            }
        }
    }
    if recs.is_empty() {
        doc = doc.add_paragraph(para(
            "Все элементы управленческого цикла присутствуют; рекомендаций по циклу нет.",
        ));
    }
    for rec in &recs {
        doc = doc.add_paragraph(para(&format!("• {rec}")));
    }

    doc = doc.add_paragraph(heading(2, "Замечания"));
    if r.warnings.is_empty() {
        doc = doc.add_paragraph(para("Замечаний нет."));
    }
    for w in &r.warnings {
        let loc = w
            .location
            .as_ref()
            .map(|l| format!(" — {}", location_ru(l)))
            .unwrap_or_default();
        doc = doc.add_paragraph(para(&format!("• {}{} ({})", w.message, loc, w.code)));
    }

    if !r.roadmap_rows.is_empty() {
        let (total, no_dates, no_resp) = roadmap_counts(r);
        doc = doc
            .add_paragraph(heading(2, "Дорожная карта"))
            .add_paragraph(para(&format!(
                "Строк мероприятий: {total}; без сроков: {no_dates}; без ответственного: {no_resp}."
            )))
            .add_table(roadmap_table(r));
        if total > ROADMAP_ROWS_SHOWN {
            doc = doc.add_paragraph(para(&format!(
                "Показаны первые {ROADMAP_ROWS_SHOWN} строк из {total}."
            )));
        }
    }

    doc = doc.add_paragraph(
        para(&format!(
            "Заключение сформировано программой shnor {}, версия правил {}.",
            env!("CARGO_PKG_VERSION"),
            r.rules_version
        ))
        .size(18)
        .color("5F6B7A"),
    );

    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| Error::Corrupt(format!("не удалось записать DOCX: {e}")))?;
    Ok(out.into_inner())
}

fn heading_style(id: &str, name: &str, size: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .bold()
        .size(size)
        .color("1D2530")
}

fn heading(level: usize, text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(clean_text(text).replace(['\n', '\t'], " ")))
        .style(&format!("Heading{level}"))
        .outline_lvl(level.saturating_sub(1))
        .keep_next(true)
}

/// A paragraph whose newlines become line breaks (a DOCX text node cannot hold them).
fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text))
}

fn run(text: &str) -> Run {
    let clean = clean_text(text);
    let mut run = Run::new();
    for (i, line) in clean.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line.replace('\t', " "));
    }
    run
}

fn cell(text: &str, width: usize) -> TableCell {
    TableCell::new()
        .add_paragraph(para(text))
        .width(width, WidthType::Dxa)
}

fn header_cell(text: &str, width: usize) -> TableCell {
    TableCell::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(clean_text(text)).bold()))
        .width(width, WidthType::Dxa)
        .shading(Shading::new().shd_type(ShdType::Clear).fill("F2F4F7"))
}

fn presence_cell(p: Presence, width: usize) -> TableCell {
    let (fill, color) = match p {
        Presence::Present => ("E3F2E4", "2E7D32"),
        Presence::Weak => ("FFF4D6", "A86B00"),
        Presence::Absent => ("FDE4E4", "C62828"),
    };
    TableCell::new()
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(p.label_ru()).bold().color(color)),
        )
        .width(width, WidthType::Dxa)
        .shading(Shading::new().shd_type(ShdType::Clear).fill(fill))
}

fn meta_table(r: &CheckReport) -> Table {
    let w = [2800, TEXT_WIDTH - 2800];
    let row = |k: &str, v: &str| TableRow::new(vec![header_cell(k, w[0]), cell(v, w[1])]);
    let mut rows = Vec::new();
    if let Some(t) = &r.title {
        rows.push(row("Название", t));
    }
    rows.push(row("Школа", r.school.as_deref().unwrap_or("не определена")));
    if let Some(reg) = &r.region {
        rows.push(row("Регион", reg));
    }
    rows.push(row("Тип документа", r.doc_type.label_ru()));
    let years = years_ru(r.year_from, r.year_to);
    rows.push(row(
        "Период реализации",
        if years.is_empty() {
            "не указан"
        } else {
            &years
        },
    ));
    let risks: Vec<&str> = r.risk_factors.iter().map(|f| f.label_ru()).collect();
    rows.push(row(
        "Факторы риска",
        &if risks.is_empty() {
            "не указаны".to_string()
        } else {
            risks.join("\n")
        },
    ));
    let pages = r
        .pages
        .map(|p| format!(", страниц: {p}"))
        .unwrap_or_default();
    rows.push(row(
        "Файл",
        &format!("{}{pages}", r.format.as_str().to_uppercase()),
    ));
    Table::new(rows)
        .set_grid(w.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

fn verdict_table(verdicts: &[ElementVerdict]) -> Table {
    let w = [2000, 1100, 3038, 3500];
    let mut rows = vec![TableRow::new(vec![
        header_cell("Элемент", w[0]),
        header_cell("Оценка", w[1]),
        header_cell("Доказательство", w[2]),
        header_cell("Рекомендация", w[3]),
    ])];
    for e in Element::ALL {
        let v = verdicts.iter().find(|v| v.element == e);
        let evidence = v
            .and_then(|v| v.evidence.first())
            .map(|ev| format!("«{}»\n{}", ev.quote, evidence_location_ru(ev)))
            .unwrap_or_else(|| "—".into());
        let rec = v.and_then(recommendation_ru).unwrap_or_default();
        rows.push(TableRow::new(vec![
            cell(e.label_ru(), w[0]),
            presence_cell(presence_of(verdicts, e), w[1]),
            cell(&evidence, w[2]),
            cell(&rec, w[3]),
        ]));
    }
    Table::new(rows)
        .set_grid(w.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

fn roadmap_table(r: &CheckReport) -> Table {
    let w = [600, 3238, 1800, 2000, 2000];
    let mut rows = vec![TableRow::new(vec![
        header_cell("№", w[0]),
        header_cell("Мероприятие", w[1]),
        header_cell("Сроки", w[2]),
        header_cell("Ответственный", w[3]),
        header_cell("Показатель", w[4]),
    ])];
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    for (i, row) in r.roadmap_rows.iter().take(ROADMAP_ROWS_SHOWN).enumerate() {
        rows.push(TableRow::new(vec![
            cell(&(i + 1).to_string(), w[0]),
            cell(&row.action, w[1]),
            cell(&opt(&row.dates), w[2]),
            cell(&opt(&row.responsible), w[3]),
            cell(&opt(&row.indicator), w[4]),
        ]));
    }
    Table::new(rows)
        .set_grid(w.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
}
