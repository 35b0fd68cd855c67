//! The per-document expert report as one self-contained HTML file: inline CSS, an inline SVG
//! diagram of the management cycle, and print rules for A4. maud escapes every interpolated
//! value, so text from documents can never become markup.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{
    ROADMAP_ROWS_SHOWN, clean_text, cycle_verdict_ru, element_short_ru, evidence_location_ru,
    file_name, location_ru, presence_of, recommendation_ru, roadmap_counts, years_ru,
};
use crate::model::{CheckReport, Element, ElementVerdict, Presence, SectionReport};

/// Evidence quotes shown per element; the rest are counted.
const EVIDENCE_SHOWN: usize = 8;

/// Shared stylesheet for the document report and index.html.
pub(crate) const CSS: &str = r#"
:root { --ok:#2e7d32; --ok-bg:#e3f2e4; --weak:#a86b00; --weak-bg:#fff4d6; --bad:#c62828; --bad-bg:#fde4e4; --line:#d0d5dd; --muted:#5f6b7a; }
* { box-sizing: border-box; }
body { font-family: "PT Sans", "Segoe UI", Arial, sans-serif; font-size: 15px; line-height: 1.45; color: #1d2530; margin: 0 auto; padding: 24px; max-width: 1100px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 6px; }
.sub { color: var(--muted); margin: 0 0 16px; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
table.meta th { width: 28%; }
.present { background: var(--ok-bg); color: var(--ok); font-weight: 600; }
.weak { background: var(--weak-bg); color: var(--weak); font-weight: 600; }
.absent { background: var(--bad-bg); color: var(--bad); font-weight: 600; }
.failed { background: #eceff3; color: #444; font-weight: 600; }
.banner { padding: 12px 16px; border-radius: 6px; font-size: 17px; font-weight: 600; margin: 16px 0; }
.banner.complete { background: var(--ok-bg); color: var(--ok); border: 1px solid #a5d6a7; }
.banner.incomplete { background: var(--bad-bg); color: var(--bad); border: 1px solid #ef9a9a; }
.cycle { display: block; width: 100%; max-width: 560px; height: auto; margin: 8px auto; }
blockquote { margin: 6px 0 2px; padding: 6px 12px; border-left: 4px solid #90a4ae; background: #f7f9fb; white-space: pre-wrap; }
.loc { color: var(--muted); font-size: 13px; margin: 0 0 10px; }
.muted { color: var(--muted); }
ul.rec li, ul.warn li { margin: 4px 0; }
code { font-size: 12px; color: var(--muted); }
.num { text-align: right; white-space: nowrap; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { padding: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  tr, blockquote, .cycle, .banner { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .noprint { display: none; }
}
"#;

/// CSS class for a verdict.
pub(crate) fn presence_class(p: Presence) -> &'static str {
    match p {
        Presence::Present => "present",
        Presence::Weak => "weak",
        Presence::Absent => "absent",
    }
}

/// Render the report of one document.
pub fn render(r: &CheckReport) -> String {
    let title = format!(
        "Экспертное заключение: {}",
        clean_text(file_name(&r.source))
    );
    let page = html! {
        (DOCTYPE)
        html lang="ru" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (title) }
                p.sub { (clean_text(&r.source)) }
                (meta_table(r))
                (banner(r))
                h2 { "Управленческий цикл" }
                (cycle_svg(&r.elements, r.cycle_complete))
                (verdict_table(&r.elements))
                h2 { "Доказательства" }
                (evidence_list(&r.elements))
                @if !r.sections.is_empty() {
                    h2 { "Разделы по факторам риска" }
                    @for s in &r.sections { (section(s)) }
                }
                h2 { "Рекомендации" }
                (recommendations(r))
                h2 { "Замечания" }
                @if r.warnings.is_empty() {
                    p.muted { "Замечаний нет." }
                } @else {
                    ul.warn {
                        @for w in &r.warnings {
                            li {
                                (clean_text(&w.message))
                                @if let Some(loc) = &w.location { span.muted { " — " (location_ru(loc)) } }
                                " " code { (w.code) }
                            }
                        }
                    }
                }
                @if !r.roadmap_rows.is_empty() { (roadmap(r)) }
                footer {
                    "Заключение сформировано программой shnor " (env!("CARGO_PKG_VERSION"))
                    ", версия правил " (r.rules_version) ". Файл: blake3 " (r.hash) "."
                }
            }
        }
    };
    page.into_string()
}

fn meta_table(r: &CheckReport) -> Markup {
    let years = years_ru(r.year_from, r.year_to);
    html! {
        table.meta {
            @if let Some(t) = &r.title { tr { th { "Название" } td { (clean_text(t)) } } }
            tr { th { "Школа" } td { @if let Some(s) = &r.school { (clean_text(s)) } @else { span.muted { "не определена" } } } }
            @if let Some(reg) = &r.region { tr { th { "Регион" } td { (clean_text(reg)) } } }
            tr { th { "Тип документа" } td { (r.doc_type.label_ru()) } }
            tr { th { "Период реализации" } td { @if years.is_empty() { span.muted { "не указан" } } @else { (years) } } }
            tr {
                th { "Факторы риска" }
                td {
                    @if r.risk_factors.is_empty() { span.muted { "не указаны" } }
                    @for (i, f) in r.risk_factors.iter().enumerate() {
                        @if i > 0 { br; }
                        (f.label_ru())
                    }
                }
            }
            tr {
                th { "Файл" }
                td { (r.format.as_str().to_uppercase()) @if let Some(p) = r.pages { ", страниц: " (p) } }
            }
        }
    }
}

fn banner(r: &CheckReport) -> Markup {
    let class = if r.cycle_complete {
        "banner complete"
    } else {
        "banner incomplete"
    };
    let mut text = format!(
        "Управленческий цикл: {}",
        cycle_verdict_ru(r.cycle_complete, &r.elements)
    );
    if !r.sections.is_empty() {
        let done = r.sections.iter().filter(|s| s.cycle_complete).count();
        text.push_str(&format!(
            "; разделов с полным циклом: {done} из {}",
            r.sections.len()
        ));
    }
    html! { div class=(class) { (text) } }
}

/// Geometry of the ring: five nodes on a circle, starting at the top, clockwise.
fn node_centre(i: usize) -> (f64, f64) {
    let angle = (-90.0 + 72.0 * i as f64).to_radians();
    (270.0 + 125.0 * angle.cos(), 182.0 + 125.0 * angle.sin())
}

const NODE_R: f64 = 50.0;

/// The cycle goal → measures → indicators → monitoring → analysis → goal, nodes coloured by
/// verdict.
pub(crate) fn cycle_svg(verdicts: &[ElementVerdict], complete: bool) -> Markup {
    let label = format!(
        "Управленческий цикл: {}",
        cycle_verdict_ru(complete, verdicts)
    );
    let arrows: Vec<(String, String, String, String)> = (0..5)
        .map(|i| {
            let (x1, y1) = node_centre(i);
            let (x2, y2) = node_centre((i + 1) % 5);
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = (dx * dx + dy * dy).sqrt();
            let (ux, uy) = (dx / len, dy / len);
            let start = NODE_R + 3.0;
            let end = NODE_R + 9.0;
            (
                format!("{:.1}", x1 + ux * start),
                format!("{:.1}", y1 + uy * start),
                format!("{:.1}", x2 - ux * end),
                format!("{:.1}", y2 - uy * end),
            )
        })
        .collect();
    html! {
        svg.cycle xmlns="http://www.w3.org/2000/svg" viewBox="0 0 540 365" role="img" aria-label=(label) {
            defs {
                marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                    path d="M 0 0 L 10 5 L 0 10 z" fill="#607080" {}
                }
            }
            @for (x1, y1, x2, y2) in &arrows {
                line x1=(x1) y1=(y1) x2=(x2) y2=(y2) stroke="#607080" stroke-width="2.5" marker-end="url(#arrow)" {}
            }
            text x="270" y="177" text-anchor="middle" font-size="15" font-weight="700" fill=(if complete { "#2e7d32" } else { "#c62828" }) {
                @if complete { "Цикл полный" } @else { "Цикл неполный" }
            }
            text x="270" y="197" text-anchor="middle" font-size="12" fill="#5f6b7a" {
                (Element::ALL.iter().filter(|e| presence_of(verdicts, **e).is_present()).count()) " из 5 элементов"
            }
            @for (i, e) in Element::ALL.into_iter().enumerate() {
                @let p = presence_of(verdicts, e);
                @let (cx, cy) = node_centre(i);
                @let (fill, stroke) = node_colours(p);
                g {
                    title { (e.label_ru()) ": " (p.label_ru()) }
                    circle cx=(format!("{cx:.1}")) cy=(format!("{cy:.1}")) r=(NODE_R) fill=(fill) stroke=(stroke) stroke-width="3" {}
                    text x=(format!("{cx:.1}")) y=(format!("{:.1}", cy - 3.0)) text-anchor="middle" font-size="14" font-weight="700" fill="#1d2530" {
                        (element_short_ru(e))
                    }
                    text x=(format!("{cx:.1}")) y=(format!("{:.1}", cy + 16.0)) text-anchor="middle" font-size="13" fill=(stroke) {
                        (p.label_ru())
                    }
                }
            }
        }
    }
}

fn node_colours(p: Presence) -> (&'static str, &'static str) {
    match p {
        Presence::Present => ("#e3f2e4", "#2e7d32"),
        Presence::Weak => ("#fff4d6", "#a86b00"),
        Presence::Absent => ("#fde4e4", "#c62828"),
    }
}

fn verdict_table(verdicts: &[ElementVerdict]) -> Markup {
    html! {
        table {
            tr { th { "Элемент цикла" } th { "Оценка" } th.num { "Уверенность" } th { "Где найдено" } th { "Рекомендация" } }
            @for e in Element::ALL {
                @let v = verdicts.iter().find(|v| v.element == e);
                @let p = presence_of(verdicts, e);
                tr {
                    td { (e.label_ru()) }
                    td class=(presence_class(p)) { (p.label_ru()) }
                    td.num { @if let Some(v) = v { (format!("{:.0} %", v.confidence.clamp(0.0, 1.0) * 100.0)) } }
                    td {
                        @if let Some(ev) = v.and_then(|v| v.evidence.first()) { (evidence_location_ru(ev)) }
                        @else { span.muted { "—" } }
                    }
                    td { @if let Some(rec) = v.and_then(recommendation_ru) { (clean_text(&rec)) } @else if v.is_none() { "Элемент не оценён." } }
                }
            }
        }
    }
}

fn evidence_list(verdicts: &[ElementVerdict]) -> Markup {
    html! {
        @for e in Element::ALL {
            @let v = verdicts.iter().find(|v| v.element == e);
            h3 { (e.label_ru()) " — " (presence_of(verdicts, e).label_ru()) }
            @match v.filter(|v| !v.evidence.is_empty()) {
                None => p.muted { "Подтверждающих фрагментов не найдено." },
                Some(v) => {
                    @for ev in v.evidence.iter().take(EVIDENCE_SHOWN) {
                        blockquote { (clean_text(&ev.quote)) }
                        p.loc { (evidence_location_ru(ev)) "; правило " code { (ev.rule) } }
                    }
                    @if v.evidence.len() > EVIDENCE_SHOWN {
                        p.muted { "…и ещё фрагментов: " (v.evidence.len() - EVIDENCE_SHOWN) }
                    }
                }
            }
        }
    }
}

fn section(s: &SectionReport) -> Markup {
    html! {
        h3 { (clean_text(&s.title)) }
        p {
            @if let Some(rf) = s.risk_factor { "Фактор риска: " (rf.label_ru()) ". " }
            "Цикл: "
            span class=(if s.cycle_complete { "present" } else { "absent" }) { (cycle_verdict_ru(s.cycle_complete, &s.elements)) }
            span.muted { " (" (location_ru(&s.location)) ")" }
        }
        table {
            tr { th { "Элемент" } th { "Оценка" } th { "Доказательство" } th { "Рекомендация" } }
            @for e in Element::ALL {
                @let v = s.elements.iter().find(|v| v.element == e);
                @let p = presence_of(&s.elements, e);
                tr {
                    td { (element_short_ru(e)) }
                    td class=(presence_class(p)) { (p.label_ru()) }
                    td {
                        @if let Some(ev) = v.and_then(|v| v.evidence.first()) {
                            "«" (clean_text(&ev.quote)) "»" br; span.muted { (evidence_location_ru(ev)) }
                        } @else { span.muted { "—" } }
                    }
                    td { @if let Some(rec) = v.and_then(recommendation_ru) { (clean_text(&rec)) } }
                }
            }
        }
    }
}

fn recommendations(r: &CheckReport) -> Markup {
    let mut items: Vec<(Option<String>, String)> = r
        .elements
        .iter()
        .filter(|v| !v.presence.is_present())
        .filter_map(|v| {
            recommendation_ru(v).map(|rec| (None, format!("{}: {}", v.element.label_ru(), rec)))
        })
        .collect();
    for s in &r.sections {
        for v in s.elements.iter().filter(|v| !v.presence.is_present()) {
            if let Some(rec) = recommendation_ru(v) {
                items.push((
                    Some(s.title.clone()),
                    format!("{}: {}", v.element.label_ru(), rec),
                ));
            }
        }
    }
    html! {
        @if items.is_empty() {
            p.muted { "Все элементы управленческого цикла присутствуют; рекомендаций по циклу нет." }
        } @else {
            ul.rec {
                @for (section, text) in &items {
                    li {
                        @if let Some(s) = section { "Раздел «" (clean_text(s)) "». " }
                        (clean_text(text))
                    }
                }
            }
        }
    }
}

fn roadmap(r: &CheckReport) -> Markup {
    let (total, no_dates, no_resp) = roadmap_counts(r);
    let opt = |v: &Option<String>| v.as_deref().map(clean_text).unwrap_or_default();
    html! {
        h2 { "Дорожная карта" }
        p { "Строк мероприятий: " (total) "; без сроков: " (no_dates) "; без ответственного: " (no_resp) "." }
        table {
            tr { th.num { "№" } th { "Мероприятие" } th { "Сроки" } th { "Ответственный" } th { "Показатель" } }
            @for (i, row) in r.roadmap_rows.iter().take(ROADMAP_ROWS_SHOWN).enumerate() {
                tr {
                    td.num { (i + 1) }
                    td { (clean_text(&row.action)) }
                    td class=(if row.dates.is_none() { "absent" } else { "" }) { (opt(&row.dates)) }
                    td class=(if row.responsible.is_none() { "absent" } else { "" }) { (opt(&row.responsible)) }
                    td { (opt(&row.indicator)) }
                }
            }
        }
        @if total > ROADMAP_ROWS_SHOWN {
            p.muted { "Показаны первые " (ROADMAP_ROWS_SHOWN) " строк из " (total) "." }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    #[test]
    fn document_text_is_escaped() {
        let html = render(&fixtures::medium_term());
        assert!(!html.contains("<script>"), "document text became markup");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;программа&gt; &amp; план.docx"));
    }

    #[test]
    fn report_shows_verdicts_evidence_sections_and_roadmap() {
        let html = render(&fixtures::medium_term());
        assert!(html.contains("Управленческий цикл: неполный (нет: показатели, анализ)"));
        assert!(html.contains("разделов с полным циклом: 1 из 2"));
        assert!(html.contains("Среднесрочная программа"));
        assert!(html.contains("2024–2025"));
        assert!(html.contains("Низкая учебная мотивация обучающихся"));
        // evidence with a table-cell location and its column header
        assert!(html.contains("стр. 3, таблица (блок 21), строка 3, столбец 2 («Мероприятие»)"));
        // recommendation from the rules and the general one for a section gap
        assert!(html.contains("на педагогическом совете по итогам полугодия"));
        assert!(html.contains("Раздел «2. Низкий уровень вовлеченности родителей»"));
        assert!(html.contains("Строк мероприятий: 3; без сроков: 1; без ответственного: 1."));
        assert!(html.contains("@page { size: A4"));
        assert!(
            !html.contains("<link") && !html.contains("src=\"http"),
            "not self-contained"
        );
    }

    #[test]
    fn cycle_diagram_colours_nodes_by_verdict() {
        let r = fixtures::medium_term();
        let svg = cycle_svg(&r.elements, r.cycle_complete).into_string();
        assert_eq!(svg.matches("<circle").count(), 5);
        assert_eq!(svg.matches("marker-end=\"url(#arrow)\"").count(), 5);
        // goal, measures, monitoring present; indicators weak; analysis absent
        assert_eq!(svg.matches("fill=\"#e3f2e4\"").count(), 3);
        assert_eq!(svg.matches("fill=\"#fff4d6\"").count(), 1);
        assert_eq!(svg.matches("fill=\"#fde4e4\"").count(), 1);
        assert!(svg.contains("3 из 5 элементов"));
        let complete = fixtures::complete();
        let svg = cycle_svg(&complete.elements, true).into_string();
        assert_eq!(svg.matches("fill=\"#e3f2e4\"").count(), 5);
        assert!(svg.contains("Цикл полный"));
    }

    #[test]
    fn complete_report_has_no_cycle_recommendations() {
        let html = render(&fixtures::complete());
        assert!(html.contains("Управленческий цикл: полный"));
        assert!(html.contains("рекомендаций по циклу нет"));
        assert!(html.contains("Замечаний нет."));
        assert!(!html.contains("Дорожная карта"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let r = fixtures::medium_term();
        assert_eq!(render(&r), render(&r.clone()));
    }
}
