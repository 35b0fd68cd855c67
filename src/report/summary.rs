//! The batch summary: one `SummaryRow` per source (checked or failed), written as
//! `summary.csv` (UTF-8 with BOM and `;` for Excel in a Russian locale), `summary.jsonl` and
//! `index.html` (counts, a sortable table and an SVG chart of missing elements per risk factor).
//! Rows are small on purpose: the resume manifest stores them, so a skipped document still
//! appears in the summary without re-reading its report.

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::{Deserialize, Serialize};

use super::html::{CSS, presence_class};
use super::{clean_text, element_short_ru, one_line, presence_of, years_ru};
use crate::error::{Error, Result};
use crate::model::{CheckReport, DocType, Element, Format, Presence, RiskFactor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked; see `cycle_complete`.
    Checked,
    /// Could not be read or checked; see `error_code`.
    Failed,
}

/// Verdicts of one risk-factor section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionSummary {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_factor: Option<RiskFactor>,
    pub elements: BTreeMap<Element, Presence>,
    pub cycle_complete: bool,
}

/// One line of the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Russian message for a failed file (without the file name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<DocType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_from: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_to: Option<u16>,
    #[serde(default)]
    pub risk_factors: Vec<RiskFactor>,
    /// Document-level verdict per element (empty for failed files).
    #[serde(default)]
    pub elements: BTreeMap<Element, Presence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_complete: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<SectionSummary>,
    #[serde(default)]
    pub warnings: u32,
    /// Report files of this document, relative to the output folder.
    #[serde(default)]
    pub reports: Vec<String>,
}

impl SummaryRow {
    pub fn checked(r: &CheckReport, reports: Vec<String>) -> SummaryRow {
        let elements = |v: &[crate::model::ElementVerdict]| {
            Element::ALL
                .into_iter()
                .map(|e| (e, presence_of(v, e)))
                .collect::<BTreeMap<_, _>>()
        };
        SummaryRow {
            source: r.source.clone(),
            status: Status::Checked,
            error_code: None,
            error_message: None,
            format: Some(r.format),
            doc_type: Some(r.doc_type),
            school: r.school.as_deref().map(one_line),
            region: r.region.as_deref().map(one_line),
            year_from: r.year_from,
            year_to: r.year_to,
            risk_factors: r.risk_factors.clone(),
            elements: elements(&r.elements),
            cycle_complete: Some(r.cycle_complete),
            sections: r
                .sections
                .iter()
                .map(|s| SectionSummary {
                    title: one_line(&s.title),
                    risk_factor: s.risk_factor,
                    elements: elements(&s.elements),
                    cycle_complete: s.cycle_complete,
                })
                .collect(),
            warnings: u32::try_from(r.warnings.len()).unwrap_or(u32::MAX),
            reports,
        }
    }

    pub fn failed(source: &str, err: &Error) -> SummaryRow {
        SummaryRow {
            source: source.to_string(),
            status: Status::Failed,
            error_code: Some(err.code().to_string()),
            error_message: Some(err.message_ru()),
            format: None,
            doc_type: None,
            school: None,
            region: None,
            year_from: None,
            year_to: None,
            risk_factors: Vec::new(),
            elements: BTreeMap::new(),
            cycle_complete: None,
            sections: Vec::new(),
            warnings: 0,
            reports: Vec::new(),
        }
    }

    pub fn is_failed(&self) -> bool {
        self.status == Status::Failed
    }

    /// Checked and the cycle is not complete.
    pub fn is_incomplete(&self) -> bool {
        self.status == Status::Checked && self.cycle_complete != Some(true)
    }

    /// Verdicts that describe the document with respect to one of its risk factors: the
    /// section for that factor when the programme has one, the document-level ones otherwise.
    pub fn elements_for(&self, rf: RiskFactor) -> &BTreeMap<Element, Presence> {
        self.sections
            .iter()
            .find(|s| s.risk_factor == Some(rf))
            .map(|s| &s.elements)
            .unwrap_or(&self.elements)
    }
}

/// Counts shown at the top of index.html and printed by the CLI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub documents: usize,
    pub complete: usize,
    pub incomplete: usize,
    pub failed: usize,
}

pub fn totals(rows: &[SummaryRow]) -> Totals {
    Totals {
        documents: rows.len(),
        complete: rows
            .iter()
            .filter(|r| r.cycle_complete == Some(true))
            .count(),
        incomplete: rows.iter().filter(|r| r.is_incomplete()).count(),
        failed: rows.iter().filter(|r| r.is_failed()).count(),
    }
}

const CSV_HEADER: [&str; 17] = [
    "Файл",
    "Статус",
    "Код ошибки",
    "Сообщение",
    "Тип документа",
    "Школа",
    "Регион",
    "Период",
    "Факторы риска",
    "Цель",
    "Меры",
    "Показатели",
    "Мониторинг",
    "Анализ",
    "Полный цикл",
    "Разделы с полным циклом",
    "Замечаний",
];

fn status_ru(row: &SummaryRow) -> &'static str {
    match (row.status, row.cycle_complete) {
        (Status::Failed, _) => "ошибка",
        (Status::Checked, Some(true)) => "полный цикл",
        (Status::Checked, _) => "неполный цикл",
    }
}

/// summary.csv: UTF-8 with BOM, `;`-separated, RFC 4180 quoting, CRLF line ends (what Excel
/// expects), Russian headers, one row per document including failed ones.
pub fn csv(rows: &[SummaryRow]) -> Result<Vec<u8>> {
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut out);
        let fail = |e: csv::Error| Error::Corrupt(format!("не удалось записать CSV: {e}"));
        w.write_record(CSV_HEADER).map_err(fail)?;
        for row in rows {
            let presence = |e: Element| {
                row.elements
                    .get(&e)
                    .map(|p| p.label_ru().to_string())
                    .unwrap_or_default()
            };
            let sections = if row.sections.is_empty() {
                String::new()
            } else {
                format!(
                    "{} из {}",
                    row.sections.iter().filter(|s| s.cycle_complete).count(),
                    row.sections.len()
                )
            };
            let record: [String; 17] = [
                row.source.clone(),
                status_ru(row).to_string(),
                row.error_code.clone().unwrap_or_default(),
                row.error_message.clone().unwrap_or_default(),
                row.doc_type
                    .map(|d| d.label_ru().to_string())
                    .unwrap_or_default(),
                row.school.clone().unwrap_or_default(),
                row.region.clone().unwrap_or_default(),
                years_ru(row.year_from, row.year_to),
                row.risk_factors
                    .iter()
                    .map(|f| f.label_ru())
                    .collect::<Vec<_>>()
                    .join("; "),
                presence(Element::Goal),
                presence(Element::Measures),
                presence(Element::Indicators),
                presence(Element::Monitoring),
                presence(Element::Analysis),
                match row.cycle_complete {
                    Some(true) => "да".into(),
                    Some(false) => "нет".into(),
                    None => String::new(),
                },
                sections,
                if row.is_failed() {
                    String::new()
                } else {
                    row.warnings.to_string()
                },
            ];
            w.write_record(record.iter().map(|f| clean_text(f)))
                .map_err(fail)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// summary.jsonl: one `SummaryRow` per line.
/// One JSON object per line, streamed to `w`.
pub fn write_jsonl(w: &mut dyn std::io::Write, rows: &[SummaryRow]) -> Result<()> {
    for row in rows {
        serde_json::to_writer(&mut *w, row)
            .map_err(|e| Error::Corrupt(format!("не удалось записать JSONL: {e}")))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Missing (not `Present`) counts per element for one group of documents.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingGroup {
    pub label: String,
    pub documents: usize,
    pub missing: [usize; 5],
}

/// The chart data: all checked documents first, then each risk factor that occurs, in the
/// official order. For a medium-term programme the factor's own section is used.
pub fn missing_by_risk_factor(rows: &[SummaryRow]) -> Vec<MissingGroup> {
    let checked: Vec<&SummaryRow> = rows.iter().filter(|r| !r.is_failed()).collect();
    let count = |docs: &[&SummaryRow],
                 pick: &dyn Fn(&SummaryRow) -> &BTreeMap<Element, Presence>| {
        let mut missing = [0usize; 5];
        for d in docs {
            let els = pick(d);
            for (i, e) in Element::ALL.into_iter().enumerate() {
                if !els.get(&e).is_some_and(|p| p.is_present()) {
                    missing[i] += 1;
                }
            }
        }
        missing
    };
    let mut groups = vec![MissingGroup {
        label: "Все проверенные документы".into(),
        documents: checked.len(),
        missing: count(&checked, &|d| &d.elements),
    }];
    for rf in RiskFactor::ALL {
        let docs: Vec<&SummaryRow> = checked
            .iter()
            .copied()
            .filter(|d| d.risk_factors.contains(&rf))
            .collect();
        if docs.is_empty() {
            continue;
        }
        groups.push(MissingGroup {
            label: rf.label_ru().into(),
            documents: docs.len(),
            missing: count(&docs, &|d| d.elements_for(rf)),
        });
    }
    groups
}

const ELEMENT_COLOURS: [&str; 5] = ["#3f6fb5", "#5b9bd5", "#8e6cc1", "#e08a2e", "#c0504d"];

/// Horizontal bars: per group, one bar per element, length = share of documents missing it.
fn missing_chart(groups: &[MissingGroup]) -> Markup {
    const LABEL_W: f64 = 150.0;
    const BAR_MAX: f64 = 560.0;
    const BAR_H: f64 = 14.0;
    let group_h = 26.0 + 5.0 * (BAR_H + 3.0) + 12.0;
    let height = 36.0 + group_h * groups.len() as f64;
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 820 {height:.0}")) role="img"
            aria-label="Доля документов, в которых элемент цикла отсутствует или выражен слабо" {
            @for (i, e) in Element::ALL.into_iter().enumerate() {
                rect x=(10 + i * 150) y="6" width="12" height="12" fill=(ELEMENT_COLOURS[i]) {}
                text x=(27 + i * 150) y="17" font-size="12" fill="#1d2530" { (element_short_ru(e)) }
            }
            @for (g, group) in groups.iter().enumerate() {
                @let top = 36.0 + group_h * g as f64;
                text x="10" y=(format!("{:.0}", top + 14.0)) font-size="13" font-weight="700" fill="#1d2530" {
                    (group.label) " (документов: " (group.documents) ")"
                }
                @for (i, e) in Element::ALL.into_iter().enumerate() {
                    @let y = top + 24.0 + i as f64 * (BAR_H + 3.0);
                    @let share = if group.documents == 0 { 0.0 } else { group.missing[i] as f64 / group.documents as f64 };
                    text x=(format!("{:.0}", LABEL_W - 6.0)) y=(format!("{:.1}", y + 11.0)) font-size="11" text-anchor="end" fill="#5f6b7a" {
                        (element_short_ru(e))
                    }
                    rect x=(LABEL_W) y=(format!("{y:.1}")) width=(format!("{:.1}", BAR_MAX)) height=(BAR_H) fill="#f2f4f7" {}
                    rect x=(LABEL_W) y=(format!("{y:.1}")) width=(format!("{:.1}", share * BAR_MAX)) height=(BAR_H) fill=(ELEMENT_COLOURS[i]) {
                        title { (element_short_ru(e)) ": нет или слабо в " (group.missing[i]) " из " (group.documents) }
                    }
                    text x=(format!("{:.1}", LABEL_W + BAR_MAX + 8.0)) y=(format!("{:.1}", y + 11.0)) font-size="11" fill="#1d2530" {
                        (group.missing[i]) " (" (format!("{:.0}", share * 100.0)) " %)"
                    }
                }
            }
        }
    }
}

/// Sort the table by a column on header click; numbers compare as numbers, text by Russian
/// collation. No external resources.
const SORT_JS: &str = r#"
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var key = function (tr) { var c = tr.cells[col]; return c ? (c.getAttribute('data-sort') || c.textContent.trim()) : ''; };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y) ? nx - ny : x.localeCompare(y, 'ru');
      return asc ? r : -r;
    });
    rows.forEach(function (tr) { body.appendChild(tr); });
  });
});
"#;

const INDEX_CSS: &str = r#"
body { max-width: 1400px; }
.counts { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0 20px; }
.count { border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 150px; }
.count b { display: block; font-size: 26px; }
table.sortable th { cursor: pointer; user-select: none; font-size: 13px; }
table.sortable th[aria-sort=ascending]::after { content: " ▲"; }
table.sortable th[aria-sort=descending]::after { content: " ▼"; }
table.sortable td { font-size: 13px; }
td.src { overflow-wrap: anywhere; min-width: 180px; max-width: 320px; }
td.errmsg { color: #444; font-size: 13px; }
.tablewrap { overflow-x: auto; }
.chart { display: block; width: 100%; max-width: 820px; height: auto; }
@media print { table.sortable th::after { content: none; } }
"#;

/// index.html: counts, the chart, and a sortable table linking to every report.
pub fn index_html(rows: &[SummaryRow]) -> String {
    let t = totals(rows);
    let groups = missing_by_risk_factor(rows);
    let page = html! {
        (DOCTYPE)
        html lang="ru" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Сводка экспертизы программ" }
                style { (PreEscaped(CSS)) (PreEscaped(INDEX_CSS)) }
            }
            body {
                h1 { "Сводка экспертизы программ" }
                p.sub { "Проверка на полный управленческий цикл: цель → меры → показатели → мониторинг → анализ." }
                div.counts {
                    div.count { b { (t.documents) } "документов" }
                    div.count.present { b { (t.complete) } "полный цикл" }
                    div.count.absent { b { (t.incomplete) } "неполный цикл" }
                    div.count.failed { b { (t.failed) } "ошибки чтения" }
                }
                h2 { "Каких элементов цикла не хватает чаще всего" }
                @if groups.first().is_some_and(|g| g.documents > 0) {
                    p.muted { "Доля документов, в которых элемент отсутствует или выражен слабо; по факторам риска — с учётом раздела программы, посвящённого фактору." }
                    (missing_chart(&groups))
                } @else {
                    p.muted { "Нет проверенных документов." }
                }
                h2 { "Документы" }
                p.muted.noprint { "Щёлкните заголовок столбца, чтобы отсортировать." }
                div.tablewrap { table.sortable {
                    thead {
                        tr {
                            th { "Файл" } th { "Итог" } th { "Тип" } th { "Школа" } th { "Период" }
                            @for e in Element::ALL { th { (element_short_ru(e)) } }
                            th { "Разделы" } th { "Замечаний" } th { "Отчёты" }
                        }
                    }
                    tbody {
                        @for row in rows { (index_row(row)) }
                    }
                } }
                script { (PreEscaped(SORT_JS)) }
            }
        }
    };
    page.into_string()
}

fn index_row(row: &SummaryRow) -> Markup {
    let status_class = match (row.status, row.cycle_complete) {
        (Status::Failed, _) => "failed",
        (Status::Checked, Some(true)) => "present",
        (Status::Checked, _) => "absent",
    };
    html! {
        tr {
            td.src { (clean_text(&row.source)) }
            td class=(status_class) { (status_ru(row)) }
            @if row.is_failed() {
                // The message spans the verdict columns, which a failed file does not have.
                td.errmsg colspan="10" {
                    (row.error_code.as_deref().unwrap_or("")) ": " (clean_text(row.error_message.as_deref().unwrap_or("")))
                }
            } @else {
                td { @if let Some(d) = row.doc_type { (d.label_ru()) } }
                td { @if let Some(s) = &row.school { (clean_text(s)) } }
                td data-sort=(row.year_from.map(|y| y.to_string()).unwrap_or_default()) { (years_ru(row.year_from, row.year_to)) }
                @for e in Element::ALL {
                    @match row.elements.get(&e) {
                        Some(p) => td class=(presence_class(*p)) data-sort=(presence_rank(*p)) { (p.label_ru()) },
                        None => td {},
                    }
                }
                td data-sort=(row.sections.len()) {
                    @if !row.sections.is_empty() {
                        (row.sections.iter().filter(|s| s.cycle_complete).count()) " из " (row.sections.len())
                    }
                }
                td.num { (row.warnings) }
            }
            td {
                @for (i, rep) in row.reports.iter().enumerate() {
                    @if i > 0 { " " }
                    a href=(href(rep)) { (rep.rsplit('.').next().unwrap_or(rep).to_uppercase()) }
                }
            }
        }
    }
}

fn presence_rank(p: Presence) -> u8 {
    match p {
        Presence::Absent => 0,
        Presence::Weak => 1,
        Presence::Present => 2,
    }
}

/// Percent-encode a relative report path for an href (names may hold Cyrillic and `#`, `?`).
fn href(rel: &str) -> String {
    let mut out = String::with_capacity(rel.len() * 3);
    for b in rel.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures;

    fn rows() -> Vec<SummaryRow> {
        vec![
            SummaryRow::checked(&fixtures::complete(), vec!["reports/a.pdf.html".into()]),
            SummaryRow::failed(
                "uploads/broken \"x\";y.docx",
                &Error::Corrupt("нет word/document.xml".into()),
            ),
            SummaryRow::checked(
                &fixtures::medium_term(),
                vec![
                    "reports/Школа №5.docx.html".into(),
                    "reports/Школа №5.docx.json".into(),
                ],
            ),
        ]
    }

    #[test]
    fn csv_has_bom_semicolons_quoting_and_failed_rows() {
        let bytes = csv(&rows()).unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.len(), 5, "{text}"); // header, 3 rows, trailing empty
        assert!(lines[0].starts_with("Файл;Статус;Код ошибки;Сообщение;"));
        assert!(
            lines[2]
                .starts_with("\"uploads/broken \"\"x\"\";y.docx\";ошибка;corrupt;файл повреждён")
        );
        assert!(lines[3].contains(";Среднесрочная программа;"));
        assert!(lines[3].contains(";есть;есть;слабо;есть;нет;нет;1 из 2;2"));
        // parse back: every row has the header's field count
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes());
        for rec in rdr.records() {
            assert_eq!(rec.unwrap().len(), CSV_HEADER.len());
        }
    }

    #[test]
    fn jsonl_round_trips() {
        let rows = rows();
        let mut bytes = Vec::new();
        write_jsonl(&mut bytes, &rows).unwrap();
        let back: Vec<SummaryRow> = bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(back, rows);
    }

    #[test]
    fn chart_counts_missing_per_risk_factor_using_sections() {
        let groups = missing_by_risk_factor(&rows());
        assert_eq!(groups[0].documents, 2);
        // document level: medium-term lacks indicators (weak) and analysis
        assert_eq!(groups[0].missing, [0, 0, 1, 0, 1]);
        let labels: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Все проверенные документы",
                RiskFactor::LowTeacherCompetence.label_ru(),
                RiskFactor::LowMotivation.label_ru(),
                RiskFactor::LowParentInvolvement.label_ru(),
            ]
        );
        // the motivation section is complete; the parents section lacks three elements
        assert_eq!(groups[2].missing, [0, 0, 0, 0, 0]);
        assert_eq!(groups[3].missing, [0, 0, 1, 1, 1]);
    }

    #[test]
    fn index_has_counts_table_chart_and_escaped_links() {
        let html = index_html(&rows());
        assert!(html.contains("<b>3</b>документов"));
        assert!(html.contains("<b>1</b>полный цикл"));
        assert!(html.contains("<b>1</b>ошибки чтения"));
        assert_eq!(html.matches("<tr>").count(), 4);
        assert!(
            html.contains("href=\"reports/%D0%A8%D0%BA%D0%BE%D0%BB%D0%B0%20%E2%84%965.docx.html\"")
        );
        assert!(html.contains("corrupt: файл повреждён"));
        assert!(html.contains("class=\"chart\""));
        assert!(!html.contains("<script>alert"));
    }
}
