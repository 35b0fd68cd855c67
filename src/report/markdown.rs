//! The per-document report as Markdown (CommonMark with pipe tables). Text from documents is
//! escaped so it cannot open links, emphasis, HTML or break a table.

use std::fmt::Write;

use super::{
    ROADMAP_ROWS_SHOWN, cycle_chain_ru, cycle_verdict_ru, evidence_location_ru, file_name,
    location_ru, one_line, presence_of, recommendation_ru, roadmap_counts, years_ru,
};
use crate::model::{CheckReport, Element, ElementVerdict};

/// Escape inline text: backslash-escape the ASCII punctuation that Markdown or GFM tables give
/// a meaning to anywhere in a line, plus list/heading markers at the start, and flatten
/// newlines.
pub fn escape(s: &str) -> String {
    let flat = one_line(s);
    let mut out = String::with_capacity(flat.len() + 8);
    let digits = flat.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in flat.chars().enumerate() {
        let inline = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' | '&'
        );
        let leading_marker = (i == 0 && matches!(c, '-' | '+' | '='))
            || (i == digits && digits > 0 && matches!(c, '.' | ')'));
        if inline || leading_marker {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn render(r: &CheckReport) -> String {
    let mut md = String::new();
    // Writing into a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        md,
        "# Экспертное заключение: {}\n",
        escape(file_name(&r.source))
    );
    let _ = writeln!(md, "Файл: {}\n", escape(&r.source));
    let _ = writeln!(md, "| Поле | Значение |\n|---|---|");
    if let Some(t) = &r.title {
        let _ = writeln!(md, "| Название | {} |", escape(t));
    }
    let _ = writeln!(
        md,
        "| Школа | {} |",
        r.school
            .as_deref()
            .map(escape)
            .unwrap_or_else(|| "не определена".into())
    );
    if let Some(reg) = &r.region {
        let _ = writeln!(md, "| Регион | {} |", escape(reg));
    }
    let _ = writeln!(md, "| Тип документа | {} |", r.doc_type.label_ru());
    let years = years_ru(r.year_from, r.year_to);
    let _ = writeln!(
        md,
        "| Период реализации | {} |",
        if years.is_empty() {
            "не указан".to_string()
        } else {
            years
        }
    );
    let risks: Vec<&str> = r.risk_factors.iter().map(|f| f.label_ru()).collect();
    let _ = writeln!(
        md,
        "| Факторы риска | {} |\n",
        if risks.is_empty() {
            "не указаны".to_string()
        } else {
            risks.join("; ")
        }
    );

    let _ = writeln!(
        md,
        "**Управленческий цикл: {}**\n",
        cycle_verdict_ru(r.cycle_complete, &r.elements)
    );
    if !r.sections.is_empty() {
        let done = r.sections.iter().filter(|s| s.cycle_complete).count();
        let _ = writeln!(
            md,
            "Разделов с полным циклом: {done} из {}.\n",
            r.sections.len()
        );
    }
    let _ = writeln!(md, "{}\n", cycle_chain_ru(&r.elements));
    verdict_table(&mut md, &r.elements);

    let _ = writeln!(md, "## Доказательства\n");
    for e in Element::ALL {
        let _ = writeln!(
            md,
            "### {} — {}\n",
            e.label_ru(),
            presence_of(&r.elements, e).label_ru()
        );
        match r
            .elements
            .iter()
            .find(|v| v.element == e)
            .filter(|v| !v.evidence.is_empty())
        {
            None => {
                let _ = writeln!(md, "Подтверждающих фрагментов не найдено.\n");
            }
            Some(v) => {
                for ev in &v.evidence {
                    let _ = writeln!(
                        md,
                        "> {}\n\n{}; правило `{}`\n",
                        escape(&ev.quote),
                        escape(&evidence_location_ru(ev)),
                        ev.rule.replace('`', "'")
                    );
                }
            }
        }
    }

    if !r.sections.is_empty() {
        let _ = writeln!(md, "## Разделы по факторам риска\n");
        for s in &r.sections {
            let _ = writeln!(md, "### {}\n", escape(&s.title));
            if let Some(rf) = s.risk_factor {
                let _ = writeln!(md, "Фактор риска: {}.", rf.label_ru());
            }
            let _ = writeln!(
                md,
                "Цикл: {} ({}).\n",
                cycle_verdict_ru(s.cycle_complete, &s.elements),
                location_ru(&s.location)
            );
            verdict_table(&mut md, &s.elements);
        }
    }

    let _ = writeln!(md, "## Рекомендации\n");
    let mut any = false;
    for v in r.elements.iter().filter(|v| !v.presence.is_present()) {
        if let Some(rec) = recommendation_ru(v) {
            let _ = writeln!(md, "- {}: {}", v.element.label_ru(), escape(&rec));
            any = true;
        }
    }
    for s in &r.sections {
        for v in s.elements.iter().filter(|v| !v.presence.is_present()) {
            if let Some(rec) = recommendation_ru(v) {
                let _ = writeln!(
                    md,
                    "- Раздел «{}». {}: {}",
                    escape(&s.title),
                    v.element.label_ru(),
                    escape(&rec)
                );
                any = true;
            }
        }
    }
    if !any {
        md.push_str(
            "Все элементы управленческого цикла присутствуют; рекомендаций по циклу нет.\n",
        );
    }
    md.push('\n');

    let _ = writeln!(md, "## Замечания\n");
    if r.warnings.is_empty() {
        md.push_str("Замечаний нет.\n\n");
    } else {
        for w in &r.warnings {
            let loc = w
                .location
                .as_ref()
                .map(|l| format!(" — {}", location_ru(l)))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "- {}{} (`{}`)",
                escape(&w.message),
                loc,
                w.code.replace('`', "'")
            );
        }
        md.push('\n');
    }

    if !r.roadmap_rows.is_empty() {
        let (total, no_dates, no_resp) = roadmap_counts(r);
        let _ = writeln!(md, "## Дорожная карта\n");
        let _ = writeln!(
            md,
            "Строк мероприятий: {total}; без сроков: {no_dates}; без ответственного: {no_resp}.\n"
        );
        let _ = writeln!(
            md,
            "| № | Мероприятие | Сроки | Ответственный | Показатель |\n|---:|---|---|---|---|"
        );
        let cell = |v: &Option<String>| v.as_deref().map(escape).unwrap_or_default();
        for (i, row) in r.roadmap_rows.iter().take(ROADMAP_ROWS_SHOWN).enumerate() {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                i + 1,
                escape(&row.action),
                cell(&row.dates),
                cell(&row.responsible),
                cell(&row.indicator)
            );
        }
        if total > ROADMAP_ROWS_SHOWN {
            let _ = writeln!(
                md,
                "\nПоказаны первые {ROADMAP_ROWS_SHOWN} строк из {total}."
            );
        }
        md.push('\n');
    }
    let _ = writeln!(
        md,
        "---\nЗаключение сформировано программой shnor {}, версия правил {}.",
        env!("CARGO_PKG_VERSION"),
        escape(&r.rules_version)
    );
    md
}

fn verdict_table(md: &mut String, verdicts: &[ElementVerdict]) {
    let _ = writeln!(
        md,
        "| Элемент | Оценка | Где найдено | Рекомендация |\n|---|---|---|---|"
    );
    for e in Element::ALL {
        let v = verdicts.iter().find(|v| v.element == e);
        let place = v
            .and_then(|v| v.evidence.first())
            .map(|ev| escape(&evidence_location_ru(ev)))
            .unwrap_or_else(|| "—".into());
        let rec = v
            .and_then(recommendation_ru)
            .map(|r| escape(&r))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            e.label_ru(),
            presence_of(verdicts, e).label_ru(),
            place,
            rec
        );
    }
    md.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    #[test]
    fn escapes_markup_and_table_breakers() {
        assert_eq!(
            escape("a|b <x> [l](u)\nновая"),
            "a\\|b \\<x\\> \\[l\\](u) новая"
        );
        assert_eq!(escape("12. пункт - да"), "12\\. пункт - да");
        assert_eq!(escape("- пункт"), "\\- пункт");
    }

    #[test]
    fn report_has_every_part() {
        let md = render(&fixtures::medium_term());
        assert!(md.contains("**Управленческий цикл: неполный (нет: показатели, анализ)**"));
        assert!(md.contains("Цель (есть) → Меры (есть) → Показатели (слабо) → Мониторинг (есть) → Анализ (нет) → Цель"));
        assert!(md.contains("### 2\\. Низкий уровень вовлеченности родителей"));
        assert!(md.contains("Строк мероприятий: 3; без сроков: 1; без ответственного: 1."));
        assert!(md.contains("\\<script\\>"));
        assert!(!md.contains("<script>"));
        // every table row has the same number of unescaped pipes as its header
        for line in md.lines().filter(|l| l.starts_with("| Цель |")) {
            let pipes = line.matches('|').count() - line.matches("\\|").count();
            assert_eq!(pipes, 5, "{line}");
        }
    }
}
