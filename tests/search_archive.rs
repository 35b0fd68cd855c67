//! The search archive through the library API, on hand-built documents and check reports.

use shnor::index::{Archive, Change, SearchQuery, SearchResults, search::flatten};
use shnor::model::{
    Block, CheckReport, DocType, Document, Element, ElementVerdict, Format, Location, Metadata,
    Presence, RiskFactor, SCHEMA_VERSION, SectionReport,
};

fn loc(block: u32) -> Location {
    Location {
        page: None,
        block,
        cell: None,
    }
}

fn heading(text: &str) -> Block {
    Block::Heading {
        level: 1,
        text: text.into(),
        loc: Location::default(),
    }
}

fn para(text: &str) -> Block {
    Block::Paragraph {
        text: text.into(),
        loc: Location::default(),
    }
}

fn document(source: &str, hash: &str, blocks: Vec<Block>) -> Document {
    let mut d = Document {
        source: source.into(),
        format: Format::Txt,
        hash: hash.into(),
        metadata: Metadata::default(),
        blocks,
        furniture: vec![],
        notes: vec![],
        warnings: vec![],
    };
    d.renumber();
    d
}

fn verdicts(present: &[Element]) -> Vec<ElementVerdict> {
    Element::ALL
        .into_iter()
        .map(|e| ElementVerdict {
            element: e,
            presence: if present.contains(&e) {
                Presence::Present
            } else {
                Presence::Absent
            },
            confidence: 1.0,
            evidence: vec![],
            recommendation: None,
        })
        .collect()
}

struct Meta {
    doc_type: DocType,
    risks: Vec<RiskFactor>,
    present: Vec<Element>,
    years: (Option<u16>, Option<u16>),
    school: &'static str,
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            doc_type: DocType::DevelopmentProgramme,
            risks: vec![],
            present: Element::ALL.to_vec(),
            years: (Some(2022), Some(2024)),
            school: "МБОУ «СОШ № 1»",
        }
    }
}

fn report(doc: &Document, meta: Meta) -> CheckReport {
    let complete = meta.present.len() == Element::ALL.len();
    CheckReport {
        schema_version: SCHEMA_VERSION,
        source: doc.source.clone(),
        format: doc.format,
        hash: doc.hash.clone(),
        rules_version: "test-1".into(),
        doc_type: meta.doc_type,
        title: Some(format!("Программа {}", doc.source)),
        school: Some(meta.school.into()),
        region: Some("Тверская область".into()),
        year_from: meta.years.0,
        year_to: meta.years.1,
        risk_factors: meta.risks,
        elements: verdicts(&meta.present),
        sections: vec![],
        cycle_complete: complete,
        warnings: vec![],
        roadmap_rows: vec![],
        pages: None,
    }
}

fn add(archive: &mut Archive, source: &str, hash: &str, blocks: Vec<Block>, meta: Meta) -> Change {
    let d = document(source, hash, blocks);
    let r = report(&d, meta);
    archive.put(&d, &r).expect("put")
}

fn sources(results: &SearchResults) -> Vec<&str> {
    let mut s: Vec<&str> = results.hits.iter().map(|h| h.source.as_str()).collect();
    s.sort_unstable();
    s
}

fn search(archive: &Archive, text: &str) -> SearchResults {
    archive.search(&SearchQuery::new(text)).expect("search")
}

fn open() -> (tempfile::TempDir, Archive) {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = Archive::open(&dir.path().join("index")).expect("open");
    (dir, archive)
}

#[test]
fn yo_and_e_spellings_find_each_other() {
    let (_dir, mut a) = open();
    add(
        &mut a,
        "yo.txt",
        "1",
        vec![para("Новогодняя ёлка для учеников начальной школы.")],
        Meta::default(),
    );
    add(
        &mut a,
        "e.txt",
        "2",
        vec![para("Школьная елка и праздник для родителей.")],
        Meta::default(),
    );
    add(
        &mut a,
        "none.txt",
        "3",
        vec![para("Конкурс чтецов в библиотеке.")],
        Meta::default(),
    );
    a.commit().expect("commit");
    assert_eq!(sources(&search(&a, "ёлка")), ["e.txt", "yo.txt"]);
    assert_eq!(sources(&search(&a, "елка")), ["e.txt", "yo.txt"]);
    assert_eq!(sources(&search(&a, "ЁЛКУ")), ["e.txt", "yo.txt"]);
}

#[test]
fn inflected_forms_and_phrases_match() {
    let (_dir, mut a) = open();
    add(
        &mut a,
        "parents.txt",
        "1",
        vec![para(
            "Проведение родительского собрания по итогам четверти с участием классных руководителей.",
        )],
        Meta::default(),
    );
    add(
        &mut a,
        "apart.txt",
        "2",
        vec![para(
            "Собрания педагогического совета; родительские комитеты работают отдельно.",
        )],
        Meta::default(),
    );
    add(
        &mut a,
        "mentor.txt",
        "3",
        vec![para("Программа наставничества для молодых педагогов.")],
        Meta::default(),
    );
    a.commit().expect("commit");

    let r = search(&a, "родительские собрания");
    assert_eq!(
        r.hits.first().map(|h| h.source.as_str()),
        Some("parents.txt")
    );
    let phrase = search(&a, "\"родительские собрания\"");
    assert_eq!(sources(&phrase), ["parents.txt"]);
    assert_eq!(sources(&search(&a, "наставничество")), ["mentor.txt"]);

    // The snippet marks the inflected forms actually present in the text.
    let hit = &phrase.hits[0];
    let marked = hit.snippet.marked("[", "]");
    assert!(marked.contains("[родительского] [собрания]"), "{marked}");
}

#[test]
fn boolean_operators() {
    let (_dir, mut a) = open();
    add(
        &mut a,
        "both.txt",
        "1",
        vec![para("Наставничество и мониторинг адаптации.")],
        Meta::default(),
    );
    add(
        &mut a,
        "mentor.txt",
        "2",
        vec![para("Наставничество молодых учителей.")],
        Meta::default(),
    );
    add(
        &mut a,
        "monitor.txt",
        "3",
        vec![para("Мониторинг успеваемости.")],
        Meta::default(),
    );
    a.commit().expect("commit");
    assert_eq!(
        sources(&search(&a, "наставничество AND мониторинг")),
        ["both.txt"]
    );
    assert_eq!(
        sources(&search(&a, "+наставничество -мониторинг")),
        ["mentor.txt"]
    );
    assert_eq!(
        sources(&search(&a, "наставничество НЕ мониторинг")),
        ["mentor.txt"]
    );
    assert_eq!(
        sources(&search(&a, "наставничество И мониторинг")),
        ["both.txt"]
    );
    assert_eq!(
        sources(&search(&a, "наставничество OR мониторинг")),
        ["both.txt", "mentor.txt", "monitor.txt"]
    );
    // A colon in plain text is not a field reference; a stray quote is not an error.
    assert_eq!(
        sources(&search(&a, "цель: мониторинг")),
        ["both.txt", "monitor.txt"]
    );
    assert_eq!(
        sources(&search(&a, "\"мониторинг")),
        ["both.txt", "monitor.txt"]
    );
}

#[test]
fn removed_document_disappears_and_changed_document_is_replaced() {
    let (dir, mut a) = open();
    assert_eq!(
        add(
            &mut a,
            "a.txt",
            "h1",
            vec![para("Шахматный клуб для учеников.")],
            Meta::default()
        ),
        Change::Added
    );
    add(
        &mut a,
        "b.txt",
        "h2",
        vec![para("Шахматный турнир между классами.")],
        Meta::default(),
    );
    a.commit().expect("commit");
    assert_eq!(sources(&search(&a, "шахматного")), ["a.txt", "b.txt"]);

    assert!(a.remove("a.txt").expect("remove"));
    assert!(!a.remove("missing.txt").expect("remove missing"));
    // Same hash → nothing to do; new hash → replaced.
    assert_eq!(
        add(
            &mut a,
            "b.txt",
            "h2",
            vec![para("Шахматный турнир между классами.")],
            Meta::default()
        ),
        Change::Unchanged
    );
    assert_eq!(
        add(
            &mut a,
            "b.txt",
            "h3",
            vec![para("Робототехника в рамках центра «Точка роста».")],
            Meta::default()
        ),
        Change::Updated
    );
    a.commit().expect("commit");

    assert!(search(&a, "шахматного").hits.is_empty());
    assert_eq!(sources(&search(&a, "робототехника")), ["b.txt"]);
    assert_eq!(a.num_documents().expect("count"), 1);
    assert_eq!(
        a.sources().expect("sources"),
        [("b.txt".to_string(), "h3".to_string())]
    );

    // The state survives reopening.
    drop(a);
    let a = Archive::open(&dir.path().join("index")).expect("reopen");
    assert_eq!(
        a.sources().expect("sources"),
        [("b.txt".to_string(), "h3".to_string())]
    );
    assert!(a.is_current("b.txt", "h3", "test-1").expect("current"));
    assert!(!a.is_current("b.txt", "h2", "test-1").expect("current"));
    assert!(!a.is_current("b.txt", "h3", "test-2").expect("current"));
    assert_eq!(sources(&search(&a, "робототехники")), ["b.txt"]);
}

#[test]
fn changed_rules_version_reindexes_same_file() {
    let (_dir, mut a) = open();
    let d = document("a.txt", "h1", vec![para("Клуб выходного дня.")]);
    let mut r = report(&d, Meta::default());
    assert_eq!(a.put(&d, &r).expect("put"), Change::Added);
    assert_eq!(a.put(&d, &r).expect("put"), Change::Unchanged);
    r.rules_version = "test-2".into();
    assert_eq!(a.put(&d, &r).expect("put"), Change::Updated);
    a.commit().expect("commit");
    assert_eq!(a.num_documents().expect("count"), 1);
}

#[test]
fn filters_and_facet_counts() {
    let (_dir, mut a) = open();
    let text = || {
        vec![para(
            "Мероприятия по повышению учебной мотивации обучающихся.",
        )]
    };
    add(
        &mut a,
        "motivation_complete.txt",
        "1",
        text(),
        Meta {
            doc_type: DocType::AntiriskProgramme,
            risks: vec![RiskFactor::LowMotivation],
            years: (Some(2021), Some(2023)),
            ..Meta::default()
        },
    );
    add(
        &mut a,
        "motivation_partial.txt",
        "2",
        text(),
        Meta {
            doc_type: DocType::AntiriskProgramme,
            risks: vec![RiskFactor::LowMotivation, RiskFactor::LowParentInvolvement],
            present: vec![Element::Goal, Element::Measures, Element::Indicators],
            years: (Some(2024), Some(2025)),
            ..Meta::default()
        },
    );
    add(
        &mut a,
        "concept.txt",
        "3",
        text(),
        Meta {
            doc_type: DocType::Concept,
            risks: vec![RiskFactor::LowParentInvolvement],
            present: vec![Element::Goal],
            years: (Some(2023), None),
            ..Meta::default()
        },
    );
    add(
        &mut a,
        "undated.txt",
        "4",
        text(),
        Meta {
            years: (None, None),
            ..Meta::default()
        },
    );
    a.commit().expect("commit");

    let run = |q: SearchQuery| {
        sources(&a.search(&q).expect("search"))
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let base = || SearchQuery::new("мотивация");
    assert_eq!(
        run(SearchQuery {
            risk: vec![RiskFactor::LowMotivation],
            ..base()
        }),
        ["motivation_complete.txt", "motivation_partial.txt"]
    );
    assert_eq!(
        run(SearchQuery {
            risk: vec![RiskFactor::LowMotivation, RiskFactor::LowParentInvolvement],
            ..base()
        }),
        ["motivation_partial.txt"]
    );
    assert_eq!(
        run(SearchQuery {
            doc_type: Some(DocType::Concept),
            ..base()
        }),
        ["concept.txt"]
    );
    assert_eq!(
        run(SearchQuery {
            complete: Some(true),
            ..base()
        }),
        ["motivation_complete.txt", "undated.txt"]
    );
    assert_eq!(
        run(SearchQuery {
            complete: Some(false),
            ..base()
        }),
        ["concept.txt", "motivation_partial.txt"]
    );
    assert_eq!(
        run(SearchQuery {
            year: Some(2023),
            ..base()
        }),
        ["concept.txt", "motivation_complete.txt"]
    );
    assert_eq!(
        run(SearchQuery {
            year: Some(2022),
            ..base()
        }),
        ["motivation_complete.txt"]
    );
    assert!(
        run(SearchQuery {
            year: Some(2026),
            ..base()
        })
        .is_empty()
    );
    assert_eq!(
        run(SearchQuery {
            missing: vec![Element::Monitoring],
            ..base()
        }),
        ["concept.txt", "motivation_partial.txt"]
    );
    // Filters alone (empty text) list every matching document.
    assert_eq!(
        run(SearchQuery {
            risk: vec![RiskFactor::LowParentInvolvement],
            ..SearchQuery::new("")
        }),
        ["concept.txt", "motivation_partial.txt"]
    );

    let all = a
        .search(&SearchQuery {
            facets: true,
            ..base()
        })
        .expect("search");
    assert_eq!(all.total, 4);
    let f = flatten(all.facets.as_ref().expect("facets"));
    assert_eq!(f.get("doc_type/antirisk_programme"), Some(&2));
    assert_eq!(f.get("doc_type/concept"), Some(&1));
    assert_eq!(f.get("doc_type/development_programme"), Some(&1));
    assert_eq!(f.get("risk/low_motivation"), Some(&2));
    assert_eq!(f.get("risk/low_parent_involvement"), Some(&2));
    assert_eq!(f.get("complete/true"), Some(&2));
    assert_eq!(f.get("complete/false"), Some(&2));
    assert_eq!(f.get("year/2023"), Some(&2));
    assert_eq!(f.get("year/2021"), Some(&1));
    assert_eq!(f.get("year/2025"), Some(&1));
    assert_eq!(f.get("missing/monitoring"), Some(&2));
    assert_eq!(f.get("missing/goal"), None);
    assert_eq!(f.get("region/Тверская область"), Some(&4));

    // Facet counts follow the filters.
    let filtered = a
        .search(&SearchQuery {
            facets: true,
            complete: Some(false),
            ..base()
        })
        .expect("search");
    let f = flatten(filtered.facets.as_ref().expect("facets"));
    assert_eq!(filtered.total, 2);
    assert_eq!(f.get("complete/true"), None);
    assert_eq!(f.get("doc_type/concept"), Some(&1));
}

#[test]
fn section_hits_point_at_the_matching_section() {
    let (_dir, mut a) = open();
    // A medium-term programme: sections come from the checker's report.
    let blocks = vec![
        heading("Раздел 1. Низкая учебная мотивация обучающихся"),
        para("Цель: повысить уровень олимпиадной активности обучающихся."),
        heading("Раздел 2. Низкий уровень вовлеченности родителей"),
        para("Создание родительского клуба «Семейная гостиная», ежемесячные встречи."),
        heading("Приложение"),
        para("Список литературы."),
    ];
    let d = document("medium.txt", "m1", blocks);
    let mut r = report(
        &d,
        Meta {
            doc_type: DocType::MediumTermProgramme,
            risks: vec![RiskFactor::LowMotivation, RiskFactor::LowParentInvolvement],
            ..Meta::default()
        },
    );
    r.sections = vec![
        SectionReport {
            title: "Низкая учебная мотивация обучающихся".into(),
            risk_factor: Some(RiskFactor::LowMotivation),
            location: loc(0),
            elements: verdicts(&Element::ALL),
            cycle_complete: true,
        },
        SectionReport {
            title: "Низкий уровень вовлеченности родителей".into(),
            risk_factor: Some(RiskFactor::LowParentInvolvement),
            location: loc(2),
            elements: verdicts(&Element::ALL),
            cycle_complete: true,
        },
    ];
    a.put(&d, &r).expect("put");
    // An ordinary programme: sections come from its headings.
    add(
        &mut a,
        "headings.txt",
        "h1",
        vec![
            para("Паспорт программы."),
            heading("1. Анализ текущего состояния"),
            para("Доля выпускников, поступивших в вузы, снизилась."),
            heading("2. Мониторинг реализации программы"),
            para(
                "Ежеквартальный мониторинг олимпиадной активности проводит заместитель директора.",
            ),
        ],
        Meta::default(),
    );
    a.commit().expect("commit");

    let r = search(&a, "родительский клуб");
    let hit = r.hits.first().expect("hit");
    assert_eq!(hit.source, "medium.txt");
    let section = hit.section.as_ref().expect("section");
    assert_eq!(section.title, "Низкий уровень вовлеченности родителей");
    assert_eq!(section.block, 2);
    assert_eq!(section.risk_factor, Some(RiskFactor::LowParentInvolvement));
    assert!(
        hit.snippet
            .marked("[", "]")
            .contains("[родительского] [клуба]")
    );
    // The snippet comes from the section, not from elsewhere in the document.
    assert!(!hit.snippet.text.contains("олимпиадной"));

    let r = search(&a, "олимпиадной активности");
    let by_source = |s: &str| r.hits.iter().find(|h| h.source == s).expect("hit");
    let h = by_source("headings.txt");
    assert_eq!(
        h.section.as_ref().map(|s| s.title.as_str()),
        Some("2. Мониторинг реализации программы")
    );
    assert_eq!(h.section.as_ref().map(|s| s.block), Some(3));
    let m = by_source("medium.txt");
    assert_eq!(m.section.as_ref().map(|s| s.block), Some(0));

    // A match only before the first heading has no section to point at.
    let r = search(&a, "паспорт");
    assert_eq!(sources(&r), ["headings.txt"]);
    assert!(r.hits[0].section.is_none());
    assert!(r.hits[0].snippet.text.contains("Паспорт"));
}

#[test]
fn ranking_prefers_title_and_repeated_terms_and_is_deterministic() {
    let (_dir, mut a) = open();
    add(
        &mut a,
        "weak.txt",
        "1",
        vec![para(
            "Упоминается волонтерство среди прочих направлений работы школы, кружков и секций.",
        )],
        Meta::default(),
    );
    add(
        &mut a,
        "strong.txt",
        "2",
        vec![
            heading("Волонтерство"),
            para("Школьный волонтерский отряд; волонтерство как форма воспитания."),
        ],
        Meta::default(),
    );
    a.commit().expect("commit");
    let first = search(&a, "волонтерство");
    assert_eq!(
        first.hits.first().map(|h| h.source.as_str()),
        Some("strong.txt")
    );
    let ranked = a.ranked_sources("волонтерство", 5).expect("ranked");
    assert_eq!(ranked, ["strong.txt", "weak.txt"]);
    assert_eq!(search(&a, "волонтерство"), first);
}

#[test]
fn json_shape_is_stable() {
    let (_dir, mut a) = open();
    add(
        &mut a,
        "a.txt",
        "1",
        vec![para("Родительский патруль у школы.")],
        Meta {
            risks: vec![RiskFactor::LowParentInvolvement],
            ..Meta::default()
        },
    );
    a.commit().expect("commit");
    let r = a
        .search(&SearchQuery {
            facets: true,
            ..SearchQuery::new("патруль")
        })
        .expect("search");
    let v = serde_json::to_value(&r).expect("json");
    assert_eq!(v["total"], 1);
    assert_eq!(v["hits"][0]["source"], "a.txt");
    assert_eq!(v["hits"][0]["doc_type"], "development_programme");
    assert_eq!(v["hits"][0]["risk_factors"][0], "low_parent_involvement");
    assert_eq!(v["hits"][0]["year_from"], 2022);
    let text = v["hits"][0]["snippet"]["text"].as_str().expect("text");
    let start = v["hits"][0]["snippet"]["highlights"][0]["start"]
        .as_u64()
        .expect("start") as usize;
    let end = v["hits"][0]["snippet"]["highlights"][0]["end"]
        .as_u64()
        .expect("end") as usize;
    assert_eq!(&text[start..end], "патруль");
    assert_eq!(v["facets"]["risk"][0]["id"], "low_parent_involvement");
}

#[test]
fn derived_forms_and_hyphenated_words() {
    let (_dir, mut a) = open();
    add(
        &mut a,
        "adjective.txt",
        "1",
        vec![para(
            "Организовать профориентационную работу с обучающимися.",
        )],
        Meta::default(),
    );
    add(
        &mut a,
        "noun.txt",
        "2",
        vec![para("Профориентация: встречи с работодателями.")],
        Meta::default(),
    );
    add(
        &mut a,
        "swot.txt",
        "3",
        vec![
            heading("Проблемно-ориентированный анализ (SWOT)"),
            para("Сильные стороны."),
        ],
        Meta::default(),
    );
    add(
        &mut a,
        "other.txt",
        "4",
        vec![para("Анализ результатов контрольных работ.")],
        Meta::default(),
    );
    a.commit().expect("commit");
    // The exact form ranks first; the adjective is found through the stem prefix.
    assert_eq!(
        a.ranked_sources("профориентация", 5).expect("ranked"),
        ["noun.txt", "adjective.txt"]
    );
    // A hyphenated query word does not demand the exact phrase.
    let ranked = a.ranked_sources("SWOT-анализ", 5).expect("ranked");
    assert_eq!(ranked.first().map(String::as_str), Some("swot.txt"));
    // Short stems are not expanded: «клуб» does not find «клубника».
    add(
        &mut a,
        "berry.txt",
        "5",
        vec![para("Клубника на пришкольном участке.")],
        Meta::default(),
    );
    a.commit().expect("commit");
    assert!(a.ranked_sources("клуб", 5).expect("ranked").is_empty());
}

#[test]
fn archive_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Archive>();
    let (_dir, mut a) = open();
    add(
        &mut a,
        "a.txt",
        "1",
        vec![para("Школьный театр.")],
        Meta::default(),
    );
    a.commit().expect("commit");
    let a = std::sync::Arc::new(a);
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let a = a.clone();
            std::thread::spawn(move || a.ranked_sources("театр", 5).expect("ranked"))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("join"), ["a.txt"]);
    }
}
