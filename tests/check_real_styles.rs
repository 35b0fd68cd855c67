//! Element evidence on the shapes real school documents take (issue #14, part B): goals in
//! passport rows under other names or far from their label, activities named as goals,
//! placeholders, monitoring without the word, a one-off final re-survey, a roadmap that opens
//! with the analysis of a survey, qualitative «Показатель» cells, and medium-term sections that
//! must not borrow each other's elements or the preamble's goal.

use std::sync::OnceLock;

use shnor::check::{check, testdoc};
use shnor::model::{CheckReport, Element, ElementVerdict, Presence, RiskFactor};
use shnor::rules::Rules;

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(Rules::builtin)
}

fn run(text: &str) -> CheckReport {
    check(&testdoc::document("test.md", text), rules())
}

fn verdict(r: &CheckReport, e: Element) -> ElementVerdict {
    r.element(e)
        .cloned()
        .unwrap_or_else(|| panic!("no verdict for {e}"))
}

fn presence(r: &CheckReport, e: Element) -> Presence {
    verdict(r, e).presence
}

fn quotes(v: &ElementVerdict) -> Vec<String> {
    v.evidence.iter().map(|e| e.quote.clone()).collect()
}

const TITLE: &str = "# Программа работы с обучающимися, имеющими низкую учебную мотивацию, МБОУ «СОШ № 4» с. Заречное на 2025–2026 учебный год\n\n";
const GOAL: &str = "Цель: к маю 2026 года снизить долю обучающихся 5–9 классов с низкой учебной мотивацией с 38 % до 25 %.\n\n";
const MEASURES: &str = "| № | Мероприятие | Сроки | Ответственный |\n|---|---|---|---|\n| 1 | Проектная неделя «Открытие» | октябрь 2025 | заместитель директора по УВР |\n| 2 | Клуб «Эрудит» | еженедельно | учитель истории |\n\n";
const INDICATORS: &str = "Показатели: доля обучающихся с низкой учебной мотивацией — не более 25 %; число участников олимпиад — с 8 до 20 человек.\n\n";
const MONITORING: &str = "Педагог-психолог проводит анкетирование обучающихся по методике Лускановой раз в четверть.\n\n";
const ANALYSIS: &str = "По итогам каждого полугодия педагогический совет рассматривает результаты и принимает решение о корректировке плана.\n\n";

/// The programme above with one part replaced.
fn with(element: Element, text: &str) -> String {
    let mut parts = [GOAL, MEASURES, INDICATORS, MONITORING, ANALYSIS].map(str::to_string);
    parts[Element::ALL.iter().position(|&e| e == element).unwrap_or(0)] = format!("{text}\n\n");
    format!("{TITLE}{}", parts.concat())
}

#[test]
fn the_base_programme_is_complete() {
    let r = run(&with(Element::Goal, GOAL));
    for e in Element::ALL {
        assert_eq!(presence(&r, e), Presence::Present, "{e}");
    }
    assert!(r.cycle_complete);
}

#[test]
fn an_activity_named_as_the_goal_is_not_a_goal() {
    for goal in [
        "Цель: реализация плана мероприятий по работе с обучающимися.",
        "2. Цель программы — выполнение дорожной карты.",
        "| Раздел | Содержание |\n|---|---|\n| Цель программы | Реализация комплекса мер |\n| Сроки | 2025–2026 |",
    ] {
        let r = run(&with(Element::Goal, goal));
        assert_ne!(presence(&r, Element::Goal), Presence::Present, "{goal}");
        assert!(!r.cycle_complete);
    }
    // A process with a result is still a goal, only not a measurable one.
    let r = run(&with(
        Element::Goal,
        "Цель: реализация плана мероприятий, чтобы к 2026 году каждый ученик был вовлечён в проектную деятельность.",
    ));
    assert_eq!(presence(&r, Element::Goal), Presence::Present);
}

#[test]
fn goals_under_other_passport_names_count() {
    for label in ["Основная идея", "Миссия школы", "Стратегическая цель"]
    {
        let goal = format!(
            "| Наименование программы | Программа «Шаг вперёд» |\n|---|---|\n| {label} | Добиться к маю 2026 года, чтобы доля обучающихся с низкой учебной мотивацией снизилась с 38 % до 25 % |\n| Исполнители | педагогический коллектив |"
        );
        let r = run(&with(Element::Goal, &goal));
        let v = verdict(&r, Element::Goal);
        assert_eq!(v.presence, Presence::Present, "{label}: {v:?}");
        assert!(
            quotes(&v).iter().any(|q| q.starts_with("Добиться")),
            "{v:?}"
        );
    }
}

#[test]
fn a_passport_value_away_from_its_label_is_found() {
    // A dash column between label and value, and a value on the row below its label (a merged
    // label cell).
    for goal in [
        "| Стратегическая цель | — | К маю 2026 года снизить долю обучающихся с низкой учебной мотивацией с 38 % до 25 % |\n|---|---|---|\n| Сроки | — | 2025–2026 |",
        "| № | Наименование | Содержание |\n|---|---|---|\n| 1 | Цель программы | |\n| | | К маю 2026 года снизить долю обучающихся с низкой учебной мотивацией с 38 % до 25 % |\n| 2 | Сроки | 2025–2026 |",
    ] {
        let r = run(&with(Element::Goal, goal));
        let v = verdict(&r, Element::Goal);
        assert_eq!(v.presence, Presence::Present, "{goal}: {v:?}");
        assert!(
            quotes(&v).iter().any(|q| q.starts_with("К маю 2026")),
            "{v:?}"
        );
    }
}

#[test]
fn placeholders_are_not_evidence() {
    for (element, slot) in [
        (Element::Monitoring, "Мониторинг —"),
        (Element::Monitoring, "Мониторинг: в разработке."),
        (
            Element::Analysis,
            "Анализ результатов: уточнить у куратора.",
        ),
        (
            Element::Analysis,
            "| Раздел | Содержание |\n|---|---|\n| Анализ и корректировка | уточнить у куратора |\n| Сроки | 2025–2026 |",
        ),
    ] {
        let r = run(&with(element, slot));
        assert_ne!(presence(&r, element), Presence::Present, "{slot}");
        assert!(!r.cycle_complete, "{slot}");
    }
}

#[test]
fn a_one_off_final_resurvey_is_not_monitoring() {
    let once = "В мае 2026 года будет проведено повторное анкетирование обучающихся по методике Лускановой.";
    let r = run(&with(Element::Monitoring, once));
    assert_ne!(presence(&r, Element::Monitoring), Presence::Present);
    // The same survey repeated during the work is tracking.
    let repeated = "Повторное анкетирование обучающихся проводится каждую четверть, результаты фиксирует педагог-психолог.";
    let r = run(&with(Element::Monitoring, repeated));
    assert_eq!(presence(&r, Element::Monitoring), Presence::Present);
}

#[test]
fn monitoring_without_the_word_counts() {
    for text in [
        "Заместитель директора по УВР проводит ежемесячную сверку текущих отметок обучающихся по электронному журналу.",
        "Классные руководители заполняют лист контроля посещения кружков, учёт ведётся еженедельно.",
        "Ведётся учёт посещаемости занятий клуба; данные сводятся в таблицу раз в месяц.",
        "Контрольные срезы по математике и русскому языку проводятся по четвертям.",
    ] {
        let r = run(&with(Element::Monitoring, text));
        let v = verdict(&r, Element::Monitoring);
        assert_eq!(v.presence, Presence::Present, "{text}: {v:?}");
    }
    // A data source named inside an indicator is not tracking.
    let r = run(&with(
        Element::Monitoring,
        "Число пропусков уроков по журналу учёта: 2024 — 120, 2026 — не более 60.",
    ));
    assert_ne!(presence(&r, Element::Monitoring), Presence::Present);
}

#[test]
fn a_roadmap_opening_with_the_analysis_of_a_survey_has_no_analysis_step() {
    let measures = "| № | Мероприятие | Сроки | Ответственный |\n|---|---|---|---|\n| 1 | Анализ результатов анкетирования обучающихся | сентябрь 2025 | педагог-психолог |\n| 2 | Проектная неделя «Открытие» | октябрь 2025 | заместитель директора по УВР |\n| 3 | Клуб «Эрудит» | еженедельно | учитель истории |";
    let r = run(&format!(
        "{TITLE}{GOAL}{measures}\n\n{INDICATORS}{MONITORING}"
    ));
    assert_eq!(presence(&r, Element::Measures), Presence::Present);
    let v = verdict(&r, Element::Analysis);
    assert_ne!(v.presence, Presence::Present, "{v:?}");
    // The same row at the end of the plan is the analysis step.
    let closing = "| № | Мероприятие | Сроки | Ответственный |\n|---|---|---|---|\n| 1 | Проектная неделя «Открытие» | октябрь 2025 | заместитель директора по УВР |\n| 2 | Анализ результатов реализации программы, корректировка плана | май 2026 | директор |";
    let r = run(&format!(
        "{TITLE}{GOAL}{closing}\n\n{INDICATORS}{MONITORING}"
    ));
    assert_eq!(presence(&r, Element::Analysis), Presence::Present);
}

#[test]
fn qualitative_indicator_cells_are_cited_and_do_not_count() {
    let plan = "| № | Мероприятие | Сроки | Ответственный | Показатель |\n|---|---|---|---|---|\n| 1 | Проектная неделя | 1 раз в четверть | заместитель директора | повышение интереса к учёбе |\n| 2 | Клуб «Эрудит» | 15 занятий в год | учитель истории | рост мотивации |";
    let r = run(&with(Element::Indicators, plan));
    let v = verdict(&r, Element::Indicators);
    assert_ne!(v.presence, Presence::Present, "{v:?}");
    let q = quotes(&v);
    assert!(q.iter().any(|q| q == "повышение интереса к учёбе"), "{q:?}");
    assert!(!q.iter().any(|q| q == "Показатель"), "{q:?}");
    // Numbers in the cells are the evidence.
    let numeric = plan.replace("рост мотивации", "доля мотивированных — не менее 60 %");
    let r = run(&with(Element::Indicators, &numeric));
    let v = verdict(&r, Element::Indicators);
    assert_eq!(v.presence, Presence::Present, "{v:?}");
    assert!(quotes(&v).iter().any(|q| q.contains("60 %")), "{v:?}");
}

#[test]
fn vague_expected_results_cite_the_items_not_the_heading() {
    let vague = "## Ожидаемые результаты\n\n- повышение уровня учебной мотивации;\n- улучшение психологического климата в классах.";
    let r = run(&with(Element::Indicators, vague));
    let v = verdict(&r, Element::Indicators);
    assert_ne!(v.presence, Presence::Present);
    let q = quotes(&v);
    assert!(q.iter().any(|q| q.starts_with("повышение уровня")), "{q:?}");
    assert!(!q.iter().any(|q| q == "Ожидаемые результаты"), "{q:?}");
}

fn medium_term(preamble: &str, first: &str, second: &str, closing: &str) -> String {
    format!(
        "# Среднесрочная программа развития МБОУ «СОШ № 3» с. Ольховка на 2025–2026 годы\n\n{preamble}\n\n\
         ## 1. Направление «Низкая учебная мотивация обучающихся»\n\n{first}\n\n\
         ## 2. Направление «Дефицит педагогических кадров»\n\n{second}\n\n{closing}\n"
    )
}

const MOTIVATION: &str = "Задачи: провести проектную неделю (октябрь 2025, заместитель директора по УВР); открыть клуб «Эрудит» (еженедельно, учитель истории).\n\n\
    Показатели: доля обучающихся с высокой учебной мотивацией — с 30 % до 45 %.\n\n\
    Мониторинг: анкетирование обучающихся проводится педагогом-психологом раз в четверть.\n\n\
    Анализ: по итогам полугодия методический совет рассматривает результаты и корректирует план.";
const SHORTAGE_GOAL: &str =
    "Цель: к сентябрю 2026 года закрыть 2 вакансии учителей математики и физики.";
const SHORTAGE: &str = "Задачи: привлечь выпускников педагогического колледжа (в течение года, директор); организовать наставничество для молодых специалистов (сентябрь 2025, заместитель директора).\n\n\
    Показатели: число вакансий — с 3 до 1.\n\n\
    Анализ: по итогам года педсовет анализирует выполнение плана и принимает решения о корректировке.";

fn section_presence(r: &CheckReport, risk: RiskFactor, e: Element) -> Presence {
    r.sections
        .iter()
        .find(|s| s.risk_factor == Some(risk))
        .and_then(|s| s.elements.iter().find(|v| v.element == e))
        .map(|v| v.presence)
        .unwrap_or(Presence::Absent)
}

#[test]
fn the_preamble_goal_does_not_count_for_a_section() {
    let doc = medium_term(
        "Цель программы: к 2026 году повысить качество образования и выйти из числа школ с низкими образовательными результатами.",
        MOTIVATION,
        &format!("{SHORTAGE_GOAL}\n\n{SHORTAGE}"),
        "## 3. Мониторинг реализации программы\n\nПо обоим направлениям мониторинг ведётся ежемесячно заместителем директора.",
    );
    let r = run(&doc);
    assert_eq!(r.sections.len(), 2, "{:?}", r.sections);
    let m = RiskFactor::LowMotivation;
    assert_ne!(section_presence(&r, m, Element::Goal), Presence::Present);
    let t = RiskFactor::TeacherShortage;
    assert_eq!(section_presence(&r, t, Element::Goal), Presence::Present);
    // A programme-wide chapter covering all directions counts for every section.
    assert_eq!(
        section_presence(&r, t, Element::Monitoring),
        Presence::Present
    );
    assert!(!r.cycle_complete);
}

#[test]
fn monitoring_named_for_one_section_does_not_leak_into_another() {
    let goal1 = "Цель: к маю 2026 года повысить долю обучающихся с высокой учебной мотивацией с 30 % до 45 %.";
    let doc = medium_term(
        "",
        &format!("{goal1}\n\n{MOTIVATION}"),
        &format!("{SHORTAGE_GOAL}\n\n{SHORTAGE}"),
        "## 3. Мониторинг и анализ реализации программы\n\nПо направлению «Низкая учебная мотивация обучающихся» мониторинг ведётся ежемесячно заместителем директора.",
    );
    let r = run(&doc);
    let t = RiskFactor::TeacherShortage;
    assert_ne!(
        section_presence(&r, t, Element::Monitoring),
        Presence::Present
    );
    let m = RiskFactor::LowMotivation;
    assert_eq!(
        section_presence(&r, m, Element::Monitoring),
        Presence::Present
    );
    assert!(!r.cycle_complete);
    // Naming one direction as an example of all of them still covers every section.
    let doc = medium_term(
        "",
        &format!("{goal1}\n\n{MOTIVATION}"),
        &format!("{SHORTAGE_GOAL}\n\n{SHORTAGE}"),
        "## 3. Мониторинг реализации программы\n\nПо всем направлениям, в том числе по направлению «Низкая учебная мотивация обучающихся», мониторинг ведётся ежемесячно заместителем директора.",
    );
    let r = run(&doc);
    assert_eq!(
        section_presence(&r, t, Element::Monitoring),
        Presence::Present
    );
}
