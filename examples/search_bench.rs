//! Search latency benchmark on a synthetic archive (issue #8).
//!
//! Builds an index of N generated programmes (default 20,000; Russian programme vocabulary,
//! fixed seed, `Document`/`CheckReport` values built directly — no files), reports build time
//! and size on disk, then runs warm-up queries and measures p50/p99 latency of 200 queries in
//! one run (words, inflected forms, phrases, boolean operators, filters), without and with
//! facet counts. Both wall-clock and thread CPU time are reported: on a shared machine the
//! wall time includes waiting for a core.
//!
//! cargo run --release --example search_bench -- [--docs N] [--queries N] [--dir PATH [--reuse]]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use shnor::index::{Archive, SearchQuery};
use shnor::model::{
    Block, CheckReport, DocType, Document, Element, ElementVerdict, Format, Location, Metadata,
    Presence, RiskFactor, SCHEMA_VERSION, SectionReport,
};

/// splitmix64: tiny, deterministic, good enough for picking words.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SENTENCES: &[&str] = &[
    "Цель программы: к маю {y} года повысить долю обучающихся, успешно освоивших основную образовательную программу, с {a} % до {b} %.",
    "Задачи: организовать наставничество для молодых педагогов и обеспечить методическое сопровождение учителей.",
    "Проведение родительских собраний по итогам каждой четверти с участием классных руководителей и педагога-психолога.",
    "Создание родительского клуба «Семейная гостиная», ежемесячные встречи с родителями обучающихся.",
    "Мониторинг реализации программы проводится ежеквартально заместителем директора по учебно-воспитательной работе.",
    "По итогам мониторинга проводится анализ результатов и принимаются управленческие решения о корректировке мероприятий.",
    "Показатели: доля обучающихся с положительной динамикой учебной мотивации — не менее {a} %; целевое значение на {y} год — {b} %.",
    "Организация внеурочной деятельности: кружки робототехники, шахматный клуб, школьный театр и спортивные секции.",
    "Участие педагогов в курсах повышения квалификации по формированию функциональной грамотности обучающихся.",
    "Разработка индивидуальных образовательных маршрутов для обучающихся с рисками учебной неуспешности.",
    "Оснащение кабинетов физики и химии современным оборудованием в рамках центра «Точка роста».",
    "Психолого-педагогическое сопровождение обучающихся с ограниченными возможностями здоровья.",
    "Проведение диагностики уровня школьного благополучия: анонимное анкетирование обучающихся {c}–11 классов.",
    "Профилактика травли и конфликтов, работа службы школьной медиации, классные часы по правилам поведения.",
    "Адаптация детей-инофонов: дополнительные занятия по русскому языку, языковой клуб, поддержка семей мигрантов.",
    "Привлечение молодых специалистов, целевое обучение выпускников педагогических колледжей, меры поддержки учителей.",
    "Проведение открытых уроков и взаимопосещений, работа профессиональных обучающихся сообществ педагогов.",
    "Анализ результатов всероссийских проверочных работ и основного государственного экзамена по математике и русскому языку.",
    "Ответственный — директор школы; сроки — сентябрь {y} года — май {z} года.",
    "Вовлечение родителей в проектную деятельность, совместные праздники, дни открытых дверей и новогодняя ёлка.",
    "Дорожная карта содержит мероприятия, сроки, ответственных исполнителей, показатели и ожидаемые результаты.",
    "Контроль выполнения плана мероприятий осуществляет методический совет школы два раза в год.",
    "Корректировка программы проводится по результатам ежегодного самообследования и рефлексии педагогического коллектива.",
    "Повышение учебной мотивации через проектную и исследовательскую деятельность, олимпиады и конкурсы.",
    "Школа расположена в сельской местности, обучающиеся подвозятся школьным автобусом из трёх населённых пунктов.",
    "SWOT-анализ показал сильные стороны: стабильный коллектив; слабые стороны: низкая мотивация обучающихся.",
];

const FILLER: &[&str] = &[
    "образовательный",
    "процесс",
    "качество",
    "обучение",
    "воспитание",
    "развитие",
    "школа",
    "учитель",
    "ученик",
    "класс",
    "урок",
    "методика",
    "оценка",
    "результат",
    "программа",
    "деятельность",
    "условия",
    "среда",
    "ресурс",
    "кадры",
    "семья",
    "родители",
    "сотрудничество",
    "партнёрство",
    "сетевое",
    "взаимодействие",
    "цифровой",
    "платформа",
    "электронный",
    "журнал",
    "библиотека",
    "читательская",
    "грамотность",
    "естественнонаучная",
    "математическая",
    "финансовая",
    "креативное",
    "мышление",
    "глобальные",
    "компетенции",
    "профориентация",
    "предпрофильная",
    "подготовка",
    "экзамен",
    "аттестация",
    "успеваемость",
    "посещаемость",
    "дисциплина",
    "поведение",
    "здоровье",
    "питание",
    "спорт",
    "туризм",
    "краеведение",
    "музей",
    "волонтёрство",
    "добровольчество",
    "лидерство",
    "самоуправление",
    "совет",
    "методист",
    "тьютор",
    "логопед",
    "дефектолог",
    "психолог",
    "социальный",
    "педагог",
    "инклюзия",
    "адаптированная",
    "коррекционная",
    "мониторинговый",
    "срез",
    "анкетирование",
    "рефлексия",
    "самоанализ",
    "экспертиза",
    "куратор",
    "муниципалитет",
    "министерство",
];

const VILLAGES: &[&str] = &[
    "с. Ивановка",
    "с. Озерки",
    "д. Берёзовка",
    "пос. Заречный",
    "с. Никольское",
    "г. Кимры",
    "с. Покровское",
    "пгт Красный Холм",
    "с. Сосновка",
    "х. Лебяжий",
];
const REGIONS: &[&str] = &[
    "Тверская область",
    "Курская область",
    "Республика Дагестан",
    "Алтайский край",
    "Пермский край",
    "Саратовская область",
    "Республика Тыва",
    "Забайкальский край",
];
const HEADINGS: &[&str] = &[
    "1. Паспорт программы",
    "2. Анализ текущего состояния",
    "3. Цели и задачи программы",
    "4. План мероприятий",
    "5. Целевые показатели",
    "6. Мониторинг реализации программы",
    "7. Анализ результатов и корректировка",
];

fn sentence(rng: &mut Rng) -> String {
    let y = 2021 + rng.below(6);
    let a = 20 + rng.below(40);
    let s = rng
        .pick(SENTENCES)
        .replace("{y}", &y.to_string())
        .replace("{z}", &(y + 1 + rng.below(3)).to_string())
        .replace("{a}", &a.to_string())
        .replace("{b}", &(a + 5 + rng.below(30)).to_string())
        .replace("{c}", &(5 + rng.below(4)).to_string());
    // A few free words make every document's vocabulary a little different.
    let extra: Vec<&str> = (0..rng.below(8)).map(|_| *rng.pick(FILLER)).collect();
    if extra.is_empty() {
        s
    } else {
        format!("{s} Также: {}.", extra.join(" "))
    }
}

fn paragraph(rng: &mut Rng) -> Block {
    let n = 2 + rng.below(3);
    Block::Paragraph {
        text: (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" "),
        loc: Location::default(),
    }
}

fn verdicts(rng: &mut Rng, complete: bool) -> Vec<ElementVerdict> {
    Element::ALL
        .into_iter()
        .map(|e| ElementVerdict {
            element: e,
            presence: if complete || rng.chance(60) {
                Presence::Present
            } else {
                Presence::Absent
            },
            confidence: 0.9,
            evidence: vec![],
            recommendation: None,
        })
        .collect()
}

fn generate(i: usize, rng: &mut Rng) -> (Document, CheckReport) {
    let doc_type = *rng.pick(&[
        DocType::AntiriskProgramme,
        DocType::AntiriskProgramme,
        DocType::MediumTermProgramme,
        DocType::DevelopmentProgramme,
        DocType::Concept,
        DocType::Roadmap,
        DocType::Other,
    ]);
    let mut risks: Vec<RiskFactor> = (0..1 + rng.below(3))
        .map(|_| *rng.pick(&RiskFactor::ALL))
        .collect();
    risks.sort_unstable();
    risks.dedup();
    let mut blocks = Vec::new();
    let mut sections = Vec::new();
    if doc_type == DocType::MediumTermProgramme {
        for r in &risks {
            sections.push(SectionReport {
                title: r.label_ru().to_string(),
                risk_factor: Some(*r),
                location: Location {
                    page: None,
                    block: blocks.len() as u32,
                    cell: None,
                },
                elements: vec![],
                cycle_complete: rng.chance(50),
            });
            blocks.push(Block::Heading {
                level: 1,
                text: r.label_ru().to_uppercase(),
                loc: Location::default(),
            });
            for _ in 0..3 + rng.below(3) {
                blocks.push(paragraph(rng));
            }
        }
    } else {
        for h in HEADINGS.iter().take(3 + rng.below(HEADINGS.len() - 2)) {
            blocks.push(Block::Heading {
                level: 1,
                text: (*h).to_string(),
                loc: Location::default(),
            });
            for _ in 0..1 + rng.below(2) {
                blocks.push(paragraph(rng));
            }
        }
    }
    for s in &mut sections {
        s.elements = verdicts(rng, s.cycle_complete);
    }
    let complete = if sections.is_empty() {
        rng.chance(40)
    } else {
        sections.iter().all(|s| s.cycle_complete)
    };
    let source = format!("/archive/{:02}/{i:05}.docx", i % 89);
    let mut doc = Document {
        source: source.clone(),
        format: Format::Docx,
        hash: format!("{:016x}", rng.next()),
        metadata: Metadata::default(),
        blocks,
        furniture: vec![],
        notes: vec![],
        warnings: vec![],
    };
    doc.renumber();
    let year_from = 2020 + rng.below(6) as u16;
    let report = CheckReport {
        schema_version: SCHEMA_VERSION,
        source,
        format: Format::Docx,
        hash: doc.hash.clone(),
        rules_version: "bench".into(),
        doc_type,
        title: Some(format!(
            "{} МБОУ «СОШ № {}»",
            doc_type.label_ru(),
            1 + i % 97
        )),
        school: Some(format!(
            "МБОУ «СОШ № {}» {}",
            1 + i % 97,
            rng.pick(VILLAGES)
        )),
        region: Some((*rng.pick(REGIONS)).to_string()),
        year_from: Some(year_from),
        year_to: Some(year_from + rng.below(3) as u16),
        risk_factors: risks,
        elements: verdicts(rng, complete),
        sections,
        cycle_complete: complete,
        warnings: vec![],
        roadmap_rows: vec![],
        pages: None,
    };
    (doc, report)
}

const QUERIES: &[&str] = &[
    "наставничество",
    "наставничества молодых педагогов",
    "родительские собрания",
    "родительский клуб",
    "\"родительского клуба\"",
    "ёлка",
    "елка",
    "мониторинг реализации программы",
    "анализ результатов корректировка",
    "учебная мотивация",
    "учебной мотивации обучающихся",
    "функциональная грамотность",
    "точка роста оборудование",
    "робототехника",
    "шахматный клуб",
    "инофоны русский язык",
    "дети-инофоны",
    "травля медиация",
    "школьное благополучие анкетирование",
    "ограниченными возможностями здоровья",
    "индивидуальный образовательный маршрут",
    "молодые специалисты целевое обучение",
    "профессиональные обучающиеся сообщества",
    "всероссийские проверочные работы",
    "наставничество AND мониторинг",
    "наставничество OR тьютор",
    "мотивация -олимпиады",
    "+родители +клуб",
    "волонтёрство",
    "профориентация",
    "сельская школа автобус",
    "\"управленческие решения\"",
    "методический совет",
    "самообследование рефлексия",
    "дорожная карта ответственный",
    "целевое значение показатель",
    "Ивановка",
    "Тверская",
    "психолог логопед дефектолог",
    "финансовая грамотность",
];

fn query(i: usize) -> SearchQuery {
    let mut q = SearchQuery::new(QUERIES[i % QUERIES.len()]);
    if i % 3 == 1 {
        q.risk = vec![RiskFactor::ALL[i % RiskFactor::ALL.len()]];
    }
    if i % 5 == 2 {
        q.complete = Some(true);
    }
    if i % 7 == 3 {
        q.year = Some(2021 + (i % 5) as u16);
    }
    if i % 11 == 4 {
        q.doc_type = Some(DocType::ALL[i % DocType::ALL.len()]);
    }
    q
}

/// CPU time of the calling thread: on a shared machine this is what a query costs, without the
/// time spent waiting for a core. (A search runs on the calling thread.)
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant supported on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut docs = 20_000usize;
    let mut queries = 200usize;
    let mut dir: Option<PathBuf> = None;
    let mut reuse = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--docs" => docs = args.next().ok_or("--docs N")?.parse()?,
            "--queries" => queries = args.next().ok_or("--queries N")?.parse()?,
            "--dir" => dir = Some(args.next().ok_or("--dir PATH")?.into()),
            // Keep an index built by an earlier run with the same --docs (latency only).
            "--reuse" => reuse = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let tmp = tempfile::tempdir()?;
    let dir = dir.unwrap_or_else(|| tmp.path().join("index"));
    let reuse = reuse && dir.join("meta.json").is_file();
    if dir.exists() && !reuse {
        std::fs::remove_dir_all(&dir)?;
    }

    let mut rng = Rng(0x5348_4E4F_5232_0026);
    let mut archive = Archive::open(&dir)?;
    let mut generating = Duration::ZERO;
    let mut text_bytes = 0usize;
    let mut entries = 0usize;
    let started = Instant::now();
    for i in 0..if reuse { 0 } else { docs } {
        let t = Instant::now();
        let (doc, report) = generate(i, &mut rng);
        text_bytes += doc.text().len();
        entries += 1 + shnor::index::schema::sections(&doc, &report).len();
        generating += t.elapsed();
        archive.upsert(&doc, &report)?;
    }
    archive.commit()?;
    let build = started.elapsed() - generating;
    let size = archive.size_on_disk()?;
    drop(archive);

    println!("documents: {docs} (tantivy entries incl. sections: {entries})");
    println!(
        "text: {:.1} MB (avg {:.1} KB per document)",
        text_bytes as f64 / 1e6,
        text_bytes as f64 / docs.max(1) as f64 / 1e3
    );
    println!(
        "build: {:.1} s (generation excluded: {:.1} s)",
        build.as_secs_f64(),
        generating.as_secs_f64()
    );
    println!("size on disk: {:.1} MB", size as f64 / 1e6);

    // A fresh reader, as `shnor search` would open it.
    let archive = Archive::open(&dir)?;
    for i in 0..20 {
        archive.search(&query(i))?;
    }
    let snippets = std::env::var_os("NOSNIP").is_none();
    for facets in [false, true] {
        let mut wall = Vec::with_capacity(queries);
        let mut cpu = Vec::with_capacity(queries);
        let mut hits = 0usize;
        for i in 0..queries {
            let mut q = query(i);
            q.facets = facets;
            q.snippets = snippets;
            let (t, c) = (Instant::now(), thread_cpu());
            let r = archive.search(&q)?;
            cpu.push(thread_cpu().saturating_sub(c));
            wall.push(t.elapsed());
            hits += r.hits.len();
        }
        wall.sort_unstable();
        cpu.sort_unstable();
        println!(
            "{queries} queries (limit 10, snippets{}; {hits} hits):",
            if facets { ", facets" } else { "" },
        );
        for (name, times) in [("wall", &wall), ("cpu ", &cpu)] {
            println!(
                "  {name}: p50 {}, p90 {}, p99 {}, max {}",
                ms(percentile(times, 50.0)),
                ms(percentile(times, 90.0)),
                ms(percentile(times, 99.0)),
                ms(*times.last().unwrap_or(&Duration::ZERO)),
            );
        }
    }
    Ok(())
}
