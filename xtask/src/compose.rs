//! Composes one programme from the vocabulary: which type, which risk factors, which cycle
//! elements are present and where they sit (prose, lists, passport table, roadmap columns),
//! plus neutral body text up to a target length. Labels are recorded as the text is written.

use crate::model::{Block, Elements, Program, Row, SectionLabel, Table};
use crate::rng::Rng;
use crate::vocab::{self, FACTORS, Factor};

const GOAL: usize = 0;
const MEASURES: usize = 1;
const INDICATORS: usize = 2;
const MONITORING: usize = 3;
const ANALYSIS: usize = 4;

/// About one page of A4 in 11 pt text.
pub const CHARS_PER_PAGE: usize = 3000;

const PAST_MONITORING: &str = "По результатам мониторинга образовательных результатов {y} года школа включена в перечень школ с низкими образовательными результатами.";

struct Ctx {
    rng: Rng,
    school: String,
    settlement: String,
    year_from: u32,
    year_to: u32,
    evidence: [Option<String>; 5],
    traps: Vec<&'static str>,
    blocks: Vec<Block>,
}

impl Ctx {
    fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level,
            text: text.into(),
        });
    }
    fn para(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Para(text.into()));
    }
    fn cite(&mut self, element: usize, quote: &str) {
        if self.evidence[element].is_none() {
            self.evidence[element] = Some(quote.to_string());
        }
    }
    fn trap(&mut self, t: &'static str) {
        if !self.traps.contains(&t) {
            self.traps.push(t);
        }
    }
    fn person(&mut self) -> String {
        format!(
            "{} {}",
            self.rng.pick(vocab::INITIALS),
            self.rng.pick(vocab::SURNAMES)
        )
    }
    fn chars(&self) -> usize {
        self.blocks
            .iter()
            .map(|b| match b {
                Block::Heading { text, .. } | Block::Para(text) => text.len(),
                Block::List { items, .. } => items.iter().map(String::len).sum(),
                Block::Table(t) => t
                    .rows
                    .iter()
                    .map(|r| match r {
                        Row::Cells(c) => c.iter().map(String::len).sum(),
                        Row::Span(s) => s.len(),
                    })
                    .sum(),
                Block::PageBreak => 0,
            })
            .sum::<usize>()
            / 2 // Cyrillic is two bytes per character in UTF-8
    }
}

/// Compose document `index` of a corpus seeded with `seed`.
pub fn compose(seed: u64, index: u64) -> Program {
    let mut rng = Rng::for_item(seed, index);
    let doc_type = *rng.pick(&[
        "development_programme",
        "development_programme",
        "development_programme",
        "antirisk_programme",
        "antirisk_programme",
        "antirisk_programme",
        "medium_term_programme",
        "medium_term_programme",
        "roadmap",
        "roadmap",
        "concept",
        "other",
    ]);
    let (school, settlement) = school_name(&mut rng);
    let year_from = rng.range(2021, 2025);
    let span = if doc_type == "development_programme" || doc_type == "concept" {
        rng.range(3, 5)
    } else {
        rng.range(1, 2)
    };
    // Pages of a typical programme: 5–20, most around 8–12.
    let target_pages = match doc_type {
        "roadmap" | "other" => rng.range(2, 6),
        _ => (rng.range(5, 20) + rng.range(5, 14)) / 2,
    };
    let mut ctx = Ctx {
        rng,
        school,
        settlement,
        year_from,
        year_to: year_from + span,
        evidence: Default::default(),
        traps: Vec::new(),
        blocks: Vec::new(),
    };
    let n_factors = match doc_type {
        "medium_term_programme" => ctx.rng.range(2, 4) as usize,
        "antirisk_programme" => 1,
        "other" => ctx.rng.range(0, 2) as usize,
        _ => ctx.rng.range(1, 3) as usize,
    };
    let factors: Vec<&'static Factor> = ctx
        .rng
        .sample(&FACTORS.iter().collect::<Vec<_>>(), n_factors);

    let (title, elements, sections) = match doc_type {
        "antirisk_programme" => antirisk(&mut ctx, factors[0]),
        "medium_term_programme" => medium_term(&mut ctx, &factors),
        "roadmap" => roadmap(&mut ctx, &factors),
        "other" => other(&mut ctx, &factors),
        _ => development(&mut ctx, doc_type, &factors),
    };
    pad_to(&mut ctx, target_pages as usize * CHARS_PER_PAGE);

    Program {
        doc_type,
        title,
        school: ctx.school,
        year_from,
        risk_factors: factors.iter().map(|f| f.id).collect(),
        elements,
        sections,
        evidence: ctx.evidence,
        traps: ctx.traps,
        blocks: ctx.blocks,
    }
}

fn school_name(rng: &mut Rng) -> (String, String) {
    let n = rng.range(1, 45);
    if rng.chance(0.5) {
        let v = rng.pick(vocab::VILLAGES).to_string();
        let kind = rng.pick(&[
            "МБОУ «СОШ № {n}»",
            "МКОУ «ООШ № {n}»",
            "МБОУ «Средняя школа № {n}»",
        ]);
        (format!("{} {v}", kind.replace("{n}", &n.to_string())), v)
    } else {
        let t = rng.pick(vocab::TOWNS).to_string();
        let kind = rng.pick(&[
            "МБОУ СОШ № {n}",
            "МАОУ «Гимназия № {n}»",
            "МОУ «Лицей № {n}»",
            "МБОУ «СОШ № {n}»",
        ]);
        (format!("{} {t}", kind.replace("{n}", &n.to_string())), t)
    }
}

/// Present/absent for each element: most programmes have most elements, about a third are complete.
fn draw_elements(rng: &mut Rng) -> Elements {
    [
        rng.chance(0.92),
        rng.chance(0.92),
        rng.chance(0.78),
        rng.chance(0.7),
        rng.chance(0.7),
    ]
}

fn title_page(ctx: &mut Ctx, title: &str) {
    let region = ctx.rng.pick(vocab::REGIONS).to_string();
    ctx.para(region);
    ctx.para(format!(
        "Муниципальное образовательное учреждение {}",
        ctx.school
    ));
    let director = ctx.person();
    let order = ctx.rng.range(12, 240);
    let (day, month) = (ctx.rng.range(1, 28), ctx.rng.range(1, 12));
    ctx.para(format!(
        "УТВЕРЖДАЮ: директор школы {director}. Приказ № {order} от {day:02}.{month:02}.{}",
        ctx.year_from
    ));
    ctx.heading(1, title);
    ctx.para(format!(
        "{}, {}–{}",
        ctx.settlement, ctx.year_from, ctx.year_to
    ));
    ctx.blocks.push(Block::PageBreak);
}

fn goal_sentence(ctx: &mut Ctx, f: &Factor, measurable: bool) -> String {
    if measurable {
        let (base, target) = values(&mut ctx.rng, "%", f.goal_up);
        let month = ctx.rng.pick(vocab::MONTHS_DATIVE);
        let verb = if f.goal_up {
            "повысить"
        } else {
            "снизить"
        };
        format!(
            "к {month} {} года {verb} {} с {base} до {target}",
            ctx.year_to, f.goal_obj
        )
    } else {
        f.vague_goal.to_string()
    }
}

/// Baseline and target as displayed, e.g. ("34 %", "55 %").
fn values(rng: &mut Rng, unit: &str, up: bool) -> (String, String) {
    let (lo, hi) = match unit {
        "%" => {
            let a = rng.range(8, 55);
            (a, (a + rng.range(10, 35)).min(98))
        }
        "балл" => {
            let a = rng.range(28, 36);
            (a, a + rng.range(2, 6))
        }
        _ => {
            let a = rng.range(2, 30);
            (a, a + rng.range(3, 25))
        }
    };
    let (b, t) = if up { (lo, hi) } else { (hi, lo) };
    let show = |v: u32| match unit {
        "%" => format!("{v} %"),
        "балл" => format!("{},{}", v / 10, v % 10),
        u => format!("{v} {u}"),
    };
    (show(b), show(t))
}

fn indicator_table(ctx: &mut Ctx, factors: &[&Factor]) -> Table {
    let years: Vec<u32> = (ctx.year_from..=ctx.year_to).collect();
    let mut header = vec!["Показатель".to_string(), "Базовое значение".to_string()];
    header.extend(years.iter().skip(1).map(|y| format!("{y} год")));
    let mut widths = vec![6, 2];
    widths.extend(years.iter().skip(1).map(|_| 2));
    let mut rows = Vec::new();
    for f in factors {
        for (name, unit, up) in ctx.rng.sample(f.indicators, 3) {
            let (b, t) = values(&mut ctx.rng, unit, up);
            let mut cells = vec![name.to_string(), b];
            let steps = years.len() - 1;
            for i in 1..=steps {
                cells.push(if i == steps {
                    t.clone()
                } else {
                    "—".to_string()
                });
            }
            rows.push(Row::Cells(cells));
        }
    }
    Table {
        widths,
        header,
        rows,
    }
}

fn monitoring_sentence(ctx: &mut Ctx) -> String {
    let freq = ctx.rng.pick(vocab::MONITORING_FREQ);
    let who = ctx.rng.pick(&vocab::RESPONSIBLE[1..5]);
    let tool = ctx.rng.pick(vocab::MONITORING_TOOLS);
    match ctx.rng.range(0, 2) {
        0 => format!(
            "Мониторинг реализации программы проводится {freq}; ответственный — {who}. Источники данных: {tool}."
        ),
        1 => format!(
            "Контроль за ходом реализации программы осуществляет {who}: {freq} отслеживается динамика показателей, используются {tool}."
        ),
        _ => format!(
            "Планируется промежуточный замер показателей {freq} (ответственный — {who}); результаты заносятся в сводную таблицу."
        ),
    }
}

fn analysis_sentence(ctx: &mut Ctx) -> String {
    match ctx.rng.range(0, 2) {
        0 => "По итогам каждого полугодия рабочая группа анализирует результаты реализации программы и при необходимости вносит корректировки в план мероприятий.".to_string(),
        1 => "Итоги реализации рассматриваются на заседании педагогического совета; по результатам анализа принимаются управленческие решения о корректировке программы.".to_string(),
        _ => format!("Ежегодно, в мае, проводится анализ достижения целевых значений; на его основе план на {} год корректируется.", ctx.year_from + 1),
    }
}

fn activity_table(ctx: &mut Ctx, factors: &[&Factor], with_indicator: bool, spans: bool) -> Table {
    let mut header = vec!["№ п/п", "Мероприятие", "Сроки", "Ответственный"];
    let mut widths = vec![1, 6, 3, 3];
    if with_indicator {
        header.push("Показатель");
        widths.push(3);
    }
    header.push("Результат");
    widths.push(3);
    let mut rows = Vec::new();
    let mut n = 0;
    let year = ctx.year_from;
    for (i, f) in factors.iter().enumerate() {
        if spans && factors.len() > 1 {
            rows.push(Row::Span(format!("Направление {}. {}", i + 1, f.label)));
        }
        let k = ctx.rng.range(3, f.activities.len() as u32) as usize;
        for a in ctx.rng.sample(f.activities, k) {
            n += 1;
            // Some rows lack a date or a responsible person: warnings for the checker.
            let when = if ctx.rng.chance(0.07) {
                String::new()
            } else {
                dated_period(&mut ctx.rng, year)
            };
            let who = if ctx.rng.chance(0.07) {
                String::new()
            } else {
                ctx.rng.pick(vocab::RESPONSIBLE).to_string()
            };
            let mut cells = vec![format!("{n}."), a.to_string(), when, who];
            if with_indicator {
                let (name, unit, up) = *ctx.rng.pick(f.indicators);
                let (_, t) = values(&mut ctx.rng, unit, up);
                let bound = if up {
                    "не менее"
                } else {
                    "не более"
                };
                cells.push(format!("{name}: {bound} {t}"));
            }
            cells.push(
                ctx.rng
                    .pick(&[
                        "проведено",
                        "разработан план",
                        "протокол",
                        "приказ",
                        "отчёт",
                        "справка",
                    ])
                    .to_string(),
            );
            rows.push(Row::Cells(cells));
        }
    }
    Table {
        widths,
        header: header.into_iter().map(String::from).collect(),
        rows,
    }
}

/// One risk factor's block of the cycle. Returns the elements actually written.
fn factor_section(ctx: &mut Ctx, f: &Factor, present: Elements, number: &str) -> Elements {
    let style = ctx.rng.range(0, 2);
    if style == 1 && present[MEASURES] {
        return factor_grid(ctx, f, present);
    }
    let measurable = ctx.rng.chance(0.75);
    if present[GOAL] || present[MEASURES] {
        ctx.heading(2, format!("{number}1. Цель и задачи"));
    }
    if present[GOAL] {
        let g = goal_sentence(ctx, f, measurable);
        let s = format!("Цель: {g}.");
        ctx.cite(GOAL, &s);
        ctx.para(s);
    }
    if present[MEASURES] {
        ctx.para("Задачи:");
        let k = ctx.rng.range(3, f.tasks.len() as u32) as usize;
        let items: Vec<String> = ctx
            .rng
            .sample(f.tasks, k)
            .into_iter()
            .map(|t| format!("{t}."))
            .collect();
        ctx.cite(MEASURES, &items[0]);
        ctx.blocks.push(Block::List {
            ordered: true,
            items,
        });
        ctx.heading(2, format!("{number}2. План мероприятий"));
        let t = activity_table(ctx, &[f], false, false);
        ctx.blocks.push(Block::Table(t));
    }
    if present[INDICATORS] {
        ctx.heading(2, format!("{number}3. Целевые показатели"));
        let t = indicator_table(ctx, &[f]);
        if let Some(Row::Cells(c)) = t.rows.first() {
            let q = c[0].clone();
            ctx.cite(INDICATORS, &q);
        }
        ctx.blocks.push(Block::Table(t));
    } else if ctx.rng.chance(0.6) {
        ctx.heading(2, format!("{number}3. Ожидаемые результаты"));
        let items = f.vague_results.iter().map(|r| format!("{r};")).collect();
        ctx.blocks.push(Block::List {
            ordered: false,
            items,
        });
        ctx.trap("expected results without anything measurable");
    }
    if present[MONITORING] {
        ctx.heading(2, format!("{number}4. Мониторинг реализации"));
        let s = monitoring_sentence(ctx);
        ctx.cite(MONITORING, &s);
        ctx.para(s);
    }
    if present[ANALYSIS] {
        ctx.heading(2, format!("{number}5. Анализ результатов и корректировка"));
        let s = analysis_sentence(ctx);
        ctx.cite(ANALYSIS, &s);
        ctx.para(s);
    }
    present
}

/// The whole cycle in one wide table (as many schools write an anti-risk programme).
fn factor_grid(ctx: &mut Ctx, f: &Factor, present: Elements) -> Elements {
    let mut header = Vec::new();
    let mut cells = Vec::new();
    if present[GOAL] {
        let g = upper_first(&goal_sentence(ctx, f, true));
        ctx.cite(GOAL, &g);
        header.push("Цель");
        cells.push(g);
    }
    header.push("Задачи");
    let tasks: Vec<String> = ctx
        .rng
        .sample(f.tasks, 3)
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{}. {t}.", i + 1))
        .collect();
    ctx.cite(MEASURES, &tasks[0]);
    cells.push(tasks.join(" "));
    header.push("Мероприятия");
    let acts: Vec<String> = ctx
        .rng
        .sample(f.activities, 4)
        .iter()
        .map(|a| format!("{a} ({}).", ctx_period(&mut ctx.rng)))
        .collect();
    cells.push(acts.join(" "));
    if present[INDICATORS] {
        header.push("Показатели");
        let mut parts = Vec::new();
        for (name, unit, up) in ctx.rng.sample(f.indicators, 2) {
            let (b, t) = values(&mut ctx.rng, unit, up);
            parts.push(format!("{name}: {t} ({} — {b}).", ctx.year_from - 1));
        }
        ctx.cite(INDICATORS, parts[0].split(':').next().unwrap_or_default());
        cells.push(parts.join(" "));
    }
    if present[MONITORING] || present[ANALYSIS] {
        header.push("Методы сбора и обработки информации");
        let mut s = String::new();
        if present[MONITORING] {
            let m = monitoring_sentence(ctx);
            ctx.cite(MONITORING, &m);
            s.push_str(&m);
        }
        if present[ANALYSIS] {
            let a = analysis_sentence(ctx);
            ctx.cite(ANALYSIS, &a);
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&a);
        }
        cells.push(s);
    }
    header.push("Ответственные");
    let p = ctx.person();
    cells.push(format!("{}, {p}", ctx.rng.pick(vocab::RESPONSIBLE)));
    let widths = vec![3; header.len()];
    ctx.blocks.push(Block::Table(Table {
        widths,
        header: header.into_iter().map(String::from).collect(),
        rows: vec![Row::Cells(cells)],
    }));
    present
}

fn ctx_period(rng: &mut Rng) -> String {
    rng.pick(vocab::PERIODS).to_string()
}

/// "октябрь 2023" for a month, "ежемесячно" for a recurring period.
fn dated_period(rng: &mut Rng, year: u32) -> String {
    let p = rng.pick(vocab::PERIODS);
    if p.contains(' ') || p.starts_with("еже") {
        p.to_string()
    } else {
        format!("{p} {year}")
    }
}

fn intro(ctx: &mut Ctx, factors: &[&Factor], monitoring_present: bool) {
    ctx.heading(1, "1. Информационная справка");
    facts(ctx, 4);
    if ctx.rng.chance(0.7) {
        ctx.para(PAST_MONITORING.replace("{y}", &(ctx.year_from - 1).to_string()));
        if !monitoring_present {
            ctx.trap("monitoring mentioned only about the past");
        }
    }
    if !factors.is_empty() {
        ctx.para("По итогам самодиагностики для школы определены следующие рисковые направления:");
        let items = factors.iter().map(|f| format!("«{}»;", f.label)).collect();
        ctx.blocks.push(Block::List {
            ordered: false,
            items,
        });
    }
}

fn swot(ctx: &mut Ctx, analysis_present: bool) {
    ctx.heading(1, "SWOT-анализ потенциала развития школы");
    ctx.para(
        "Проведённый анализ текущего состояния позволил выделить сильные и слабые стороны школы.",
    );
    let cell = |rng: &mut Rng| {
        let (s, v) = subject_verb(rng);
        let o = rng.pick(vocab::FILLER_OBJECTS);
        format!("{s} {v} {o}")
    };
    let rows = (0..2)
        .map(|_| Row::Cells((0..4).map(|_| cell(&mut ctx.rng)).collect()))
        .collect();
    ctx.blocks.push(Block::Table(Table {
        widths: vec![1, 1, 1, 1],
        header: ["Сильные стороны", "Слабые стороны", "Возможности", "Угрозы"]
            .map(String::from)
            .to_vec(),
        rows,
    }));
    if !analysis_present {
        ctx.trap("initial SWOT analysis is diagnosis, not the analysis step");
    }
}

fn facts(ctx: &mut Ctx, n: usize) {
    let mut s = String::new();
    for f in ctx.rng.sample(vocab::SCHOOL_FACTS, n) {
        let filled = f
            .replace("{students}", &ctx.rng.range(60, 900).to_string())
            .replace("{classes}", &ctx.rng.range(9, 33).to_string())
            .replace("{distance}", &ctx.rng.range(5, 120).to_string())
            .replace("{buses}", &ctx.rng.range(1, 3).to_string())
            .replace("{teachers}", &ctx.rng.range(12, 70).to_string())
            .replace("{senior}", &ctx.rng.range(2, 12).to_string())
            .replace("{poor}", &ctx.rng.range(15, 60).to_string())
            .replace("{built}", &ctx.rng.range(1958, 1992).to_string())
            .replace("{repair}", &ctx.rng.range(2010, 2020).to_string())
            .replace("{age}", &ctx.rng.range(42, 56).to_string())
            .replace("{young}", &ctx.rng.range(1, 6).to_string());
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&filled);
    }
    ctx.para(s);
}

fn subject_verb(rng: &mut Rng) -> (&'static str, &'static str) {
    let (s, plural) = *rng.pick(vocab::FILLER_SUBJECTS);
    let (sg, pl) = *rng.pick(vocab::FILLER_VERBS);
    (s, if plural { pl } else { sg })
}

fn filler_paragraph(rng: &mut Rng) -> String {
    let n = rng.range(3, 6);
    let mut p = String::new();
    for _ in 0..n {
        let (s, v) = subject_verb(rng);
        let o = rng.pick(vocab::FILLER_OBJECTS);
        let a = rng.pick(vocab::FILLER_ADJUNCTS);
        if !p.is_empty() {
            p.push(' ');
        }
        p.push_str(&format!("{s} {v} {o} {a}."));
    }
    p
}

/// Neutral descriptive sections until the document reaches about `target` characters.
fn pad_to(ctx: &mut Ctx, target: usize) {
    const TITLES: &[&str] = &[
        "Характеристика социокультурной среды",
        "Кадровое обеспечение",
        "Материально-техническое обеспечение",
        "Воспитательная работа и дополнительное образование",
        "Взаимодействие с социальными партнёрами",
        "Информационная открытость школы",
    ];
    // Insert before the cycle sections (after the introduction), as real programmes do.
    let before_cycle = ctx
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, text } if text.starts_with("2.") || text.starts_with("Раздел")));
    let at = before_cycle.unwrap_or(ctx.blocks.len());
    let mut extra = Vec::new();
    let mut have = ctx.chars();
    let mut i = 0;
    while have < target {
        let title = TITLES[i % TITLES.len()];
        let text = match before_cycle {
            Some(_) => format!("1.{}. {title}", i + 1),
            None => title.to_string(),
        };
        extra.push(Block::Heading { level: 2, text });
        have += title.len() / 2;
        for _ in 0..ctx.rng.range(2, 4) {
            let p = filler_paragraph(&mut ctx.rng);
            have += p.len() / 2;
            extra.push(Block::Para(p));
        }
        if ctx.rng.chance(0.25) {
            let items: Vec<String> = (0..ctx.rng.range(3, 5))
                .map(|_| format!("{};", ctx.rng.pick(vocab::FILLER_OBJECTS)))
                .collect();
            have += items.iter().map(|s| s.len() / 2).sum::<usize>();
            extra.push(Block::List {
                ordered: false,
                items,
            });
        }
        i += 1;
    }
    ctx.blocks.splice(at..at, extra);
}

fn passport(
    ctx: &mut Ctx,
    title: &str,
    factors: &[&Factor],
    present: Elements,
    goal: Option<String>,
) {
    ctx.heading(1, "Паспорт программы");
    let mut rows = vec![
        Row::Cells(vec!["Наименование программы".into(), title.to_string()]),
        Row::Cells(vec![
            "Основания для разработки".into(),
            ctx.rng.sample(vocab::LAWS, 3).join("; "),
        ]),
        Row::Cells(vec![
            "Разработчики".into(),
            format!("Рабочая группа {}", ctx.school),
        ]),
    ];
    if let Some(g) = goal {
        rows.push(Row::Cells(vec!["Цель программы".into(), g]));
    }
    if present[MEASURES] {
        let tasks: Vec<String> = factors
            .iter()
            .map(|f| ctx.rng.pick(f.tasks).to_string())
            .collect();
        rows.push(Row::Cells(vec![
            "Задачи программы".into(),
            tasks.join("; "),
        ]));
    }
    rows.push(Row::Cells(vec![
        "Сроки и этапы реализации".into(),
        format!("{}–{} годы", ctx.year_from, ctx.year_to),
    ]));
    if present[MONITORING] && ctx.rng.chance(0.5) {
        let m = monitoring_sentence(ctx);
        ctx.cite(MONITORING, &m);
        rows.push(Row::Cells(vec!["Система организации контроля".into(), m]));
    }
    ctx.blocks.push(Block::Table(Table {
        widths: vec![1, 3],
        header: vec!["Раздел".into(), "Содержание".into()],
        rows,
    }));
}

fn antirisk(ctx: &mut Ctx, f: &'static Factor) -> (String, Elements, Vec<SectionLabel>) {
    let title = format!(
        "Антирисковая программа {} по направлению «{}»",
        ctx.school, f.label
    );
    title_page(ctx, &title);
    let present = draw_elements(&mut ctx.rng);
    intro(ctx, &[f], present[MONITORING]);
    if ctx.rng.chance(0.4) {
        swot(ctx, present[ANALYSIS]);
    }
    ctx.heading(1, "2. Содержание программы");
    let e = factor_section(ctx, f, present, "2.");
    (title, e, Vec::new())
}

fn medium_term(
    ctx: &mut Ctx,
    factors: &[&'static Factor],
) -> (String, Elements, Vec<SectionLabel>) {
    let title = format!(
        "Среднесрочная программа развития {} на {}–{} годы",
        ctx.school, ctx.year_from, ctx.year_to
    );
    title_page(ctx, &title);
    let plans: Vec<Elements> = factors
        .iter()
        .map(|_| draw_elements(&mut ctx.rng))
        .collect();
    let all = |i: usize| plans.iter().all(|p| p[i]);
    intro(ctx, factors, all(MONITORING));
    let mut sections = Vec::new();
    for (i, (f, p)) in factors.iter().zip(&plans).enumerate() {
        let heading = format!("Раздел {}. Риск «{}»", i + 2, f.label);
        ctx.heading(1, heading.clone());
        let e = factor_section(ctx, f, *p, &format!("{}.", i + 2));
        sections.push(SectionLabel {
            title: heading,
            risk_factor: f.id,
            elements: e,
        });
    }
    let elements = std::array::from_fn(|i| sections.iter().all(|s| s.elements[i]));
    (title, elements, sections)
}

fn development(
    ctx: &mut Ctx,
    doc_type: &'static str,
    factors: &[&'static Factor],
) -> (String, Elements, Vec<SectionLabel>) {
    let title = if doc_type == "concept" {
        format!(
            "Концепция развития {} на {}–{} годы",
            ctx.school, ctx.year_from, ctx.year_to
        )
    } else {
        format!(
            "Программа развития {} на {}–{} годы «Школа возможностей»",
            ctx.school, ctx.year_from, ctx.year_to
        )
    };
    title_page(ctx, &title);
    let present = draw_elements(&mut ctx.rng);
    let goal = present[GOAL].then(|| {
        let measurable = ctx.rng.chance(0.7);
        upper_first(&goal_sentence(ctx, factors[0], measurable))
    });
    if ctx.rng.chance(0.6) {
        passport(ctx, &title, factors, present, goal.clone());
    }
    intro(ctx, factors, present[MONITORING]);
    if ctx.rng.chance(0.6) {
        swot(ctx, present[ANALYSIS]);
    }
    ctx.heading(1, "2. Цель и задачи программы");
    if let Some(g) = goal {
        let s = format!("Цель программы: {}.", lower_first(&g));
        ctx.cite(GOAL, &s);
        ctx.para(s);
    } else {
        ctx.para(format!(
            "Программа определяет направления развития {} на {}–{} годы.",
            ctx.school, ctx.year_from, ctx.year_to
        ));
    }
    if present[MEASURES] {
        ctx.para("Для этого необходимо решить следующие задачи:");
        let items: Vec<String> = factors
            .iter()
            .flat_map(|f| f.tasks.iter().take(2))
            .map(|t| format!("{t};"))
            .collect();
        ctx.cite(MEASURES, &items[0]);
        ctx.blocks.push(Block::List {
            ordered: true,
            items,
        });
        ctx.heading(1, "3. План реализации программы");
        let with_indicator = present[INDICATORS] && ctx.rng.chance(0.3);
        let t = activity_table(ctx, factors, with_indicator, true);
        ctx.blocks.push(Block::Table(t));
    }
    if present[INDICATORS] {
        ctx.heading(1, "4. Целевые индикаторы и показатели");
        let t = indicator_table(ctx, factors);
        if let Some(Row::Cells(c)) = t.rows.first() {
            let q = c[0].clone();
            ctx.cite(INDICATORS, &q);
        }
        ctx.blocks.push(Block::Table(t));
    } else {
        ctx.heading(1, "4. Ожидаемые результаты");
        let items = factors
            .iter()
            .flat_map(|f| f.vague_results.iter())
            .map(|r| format!("{r};"))
            .collect();
        ctx.blocks.push(Block::List {
            ordered: false,
            items,
        });
        ctx.trap("expected results without anything measurable");
    }
    if present[MONITORING] || present[ANALYSIS] {
        ctx.heading(1, "5. Управление реализацией программы");
        if present[MONITORING] {
            let s = monitoring_sentence(ctx);
            ctx.cite(MONITORING, &s);
            ctx.para(s);
        }
        if present[ANALYSIS] {
            let s = analysis_sentence(ctx);
            ctx.cite(ANALYSIS, &s);
            ctx.para(s);
        }
    }
    (title, present, Vec::new())
}

fn roadmap(ctx: &mut Ctx, factors: &[&'static Factor]) -> (String, Elements, Vec<SectionLabel>) {
    let title = format!(
        "Дорожная карта реализации программы развития {} на {} год",
        ctx.school, ctx.year_from
    );
    let mut present = draw_elements(&mut ctx.rng);
    present[MEASURES] = true;
    ctx.para(format!(
        "Муниципальное образовательное учреждение {}",
        ctx.school
    ));
    ctx.heading(1, title.clone());
    if present[GOAL] {
        let g = goal_sentence(ctx, factors[0], true);
        let s = format!("Цель: {g}.");
        ctx.cite(GOAL, &s);
        ctx.para(s);
    }
    let mut t = activity_table(ctx, factors, present[INDICATORS], true);
    if let Some(Row::Cells(c)) = t.rows.iter().find(|r| matches!(r, Row::Cells(_))) {
        let q = c[1].clone();
        ctx.cite(MEASURES, &q);
        if present[INDICATORS] {
            let q = c[4].split(':').next().unwrap_or_default().to_string();
            ctx.cite(INDICATORS, &q);
        }
    }
    let ncols = t.header.len();
    let mut n = t.rows.iter().filter(|r| matches!(r, Row::Cells(_))).count();
    let mut tail = |text: String, who: &str, result: &str| {
        n += 1;
        let mut cells = vec![
            format!("{n}."),
            text,
            "ежеквартально".to_string(),
            who.to_string(),
        ];
        while cells.len() < ncols - 1 {
            cells.push("—".into());
        }
        cells.push(result.to_string());
        Row::Cells(cells)
    };
    if present[MONITORING] {
        let s = "Мониторинг выполнения дорожной карты и достижения показателей".to_string();
        ctx.cite(MONITORING, &s);
        t.rows
            .push(tail(s, "заместитель директора по УВР", "справка"));
    }
    if present[ANALYSIS] {
        let s =
            "Анализ результатов на педагогическом совете, корректировка дорожной карты".to_string();
        ctx.cite(ANALYSIS, &s);
        t.rows.push(tail(s, "директор школы", "протокол"));
    }
    ctx.blocks.push(Block::Table(t));
    (title, present, Vec::new())
}

fn other(ctx: &mut Ctx, factors: &[&'static Factor]) -> (String, Elements, Vec<SectionLabel>) {
    let title = format!(
        "{} {} за {}–{} учебный год",
        ctx.rng.pick(&[
            "Отчёт о работе",
            "Публичный доклад",
            "Справка о деятельности"
        ]),
        ctx.school,
        ctx.year_from - 1,
        ctx.year_from
    );
    ctx.heading(1, title.clone());
    ctx.para(PAST_MONITORING.replace("{y}", &(ctx.year_from - 1).to_string()));
    ctx.trap("not a programme: a report about the past");
    facts(ctx, 5);
    for f in factors {
        let result = ctx.rng.pick(f.vague_results);
        ctx.para(format!(
            "В прошедшем году школа работала по направлению «{}»; по итогам года отмечено {result}.",
            f.label
        ));
    }
    (title, [false; 5], Vec::new())
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ELEMENTS;

    #[test]
    fn same_seed_same_document() {
        let a = compose(42, 7);
        let b = compose(42, 7);
        assert_eq!(a.blocks, b.blocks);
        assert_ne!(compose(43, 7).blocks, a.blocks);
    }

    #[test]
    fn evidence_is_quoted_from_the_text_and_matches_labels() {
        for i in 0..300 {
            let p = compose(1, i);
            let text = p.plain_text();
            for (k, present) in p.elements.iter().enumerate() {
                if let Some(q) = &p.evidence[k] {
                    assert!(
                        text.contains(q.as_str()),
                        "doc {i} {}: «{q}» not in text",
                        ELEMENTS[k]
                    );
                }
                if *present && p.sections.is_empty() {
                    assert!(
                        p.evidence[k].is_some(),
                        "doc {i} ({}) {} present without evidence",
                        p.doc_type,
                        ELEMENTS[k]
                    );
                }
            }
        }
    }

    #[test]
    fn corpus_mixes_types_and_complete_and_incomplete_cycles() {
        let docs: Vec<Program> = (0..300).map(|i| compose(5, i)).collect();
        for t in [
            "development_programme",
            "antirisk_programme",
            "medium_term_programme",
            "roadmap",
            "concept",
            "other",
        ] {
            assert!(docs.iter().any(|d| d.doc_type == t), "no {t}");
        }
        let complete = docs.iter().filter(|d| d.cycle_complete()).count();
        assert!(
            complete > 30 && complete < 200,
            "{complete} complete of 300"
        );
        assert!(docs.iter().any(|d| {
            d.traps
                .contains(&"monitoring mentioned only about the past")
        }));
    }

    #[test]
    fn documents_reach_their_length() {
        for i in 0..50 {
            let p = compose(9, i);
            let chars = p.plain_text().chars().count();
            let min_pages = if matches!(p.doc_type, "roadmap" | "other") {
                2
            } else {
                5
            };
            assert!(
                chars >= min_pages * CHARS_PER_PAGE,
                "doc {i}: {chars} chars"
            );
            assert!(chars <= 22 * CHARS_PER_PAGE, "doc {i}: {chars} chars");
        }
    }
}
