//! The checker on small documents: each negative context and each synonym family of the
//! element definitions (DESIGN.md), evidence locations, sections, warnings and structure.

use shnor::check::{check, testdoc};
use shnor::model::{Block, CheckReport, DocType, Document, Element, Presence, RiskFactor};
use shnor::rules::Rules;

fn run(text: &str) -> (Document, CheckReport) {
    let doc = testdoc::document("test.md", text);
    let report = check(&doc, &Rules::builtin());
    (doc, report)
}

fn presence(r: &CheckReport, e: Element) -> Presence {
    r.element(e).map(|v| v.presence).unwrap_or(Presence::Absent)
}

/// A complete anti-risk programme; tests replace one part to probe one element.
fn programme(
    goal: &str,
    measures: &str,
    indicators: &str,
    monitoring: &str,
    analysis: &str,
) -> String {
    format!(
        "# Антирисковая программа МБОУ «СОШ № 3» г. Энска по направлению «Низкая учебная мотивация обучающихся» на 2024–2025 годы\n\n\
         ## 1. Анализ текущей ситуации\n\n\
         По результатам анкетирования 2023 года 40 % обучающихся не интересуются учёбой. Мониторинг показал снижение качества знаний.\n\n\
         ## 2. Цель\n\n{goal}\n\n\
         ## 3. Мероприятия\n\n{measures}\n\n\
         ## 4. Показатели\n\n{indicators}\n\n\
         ## 5. Мониторинг\n\n{monitoring}\n\n\
         ## 6. Анализ\n\n{analysis}\n"
    )
}

const GOAL: &str =
    "К маю 2025 года повысить долю обучающихся с высокой учебной мотивацией с 35 % до 55 %.";
const MEASURES: &str = "| Мероприятие | Сроки | Ответственный |\n|---|---|---|\n| Проектная неделя | октябрь 2024 | заместитель директора по УВР |\n| Клуб «Юный исследователь» | еженедельно | учитель биологии |";
const INDICATORS: &str = "- доля обучающихся с высокой учебной мотивацией — не менее 55 %;\n- число участников олимпиад — с 12 до 30 человек.";
const MONITORING: &str = "Мониторинг учебной мотивации проводится педагогом-психологом два раза в год (октябрь, апрель).";
const ANALYSIS: &str = "Результаты мониторинга анализируются на педагогическом совете; по итогам в план мероприятий вносятся изменения.";

#[test]
fn complete_programme_is_complete_with_quotes_from_the_text() {
    let (doc, r) = run(&programme(GOAL, MEASURES, INDICATORS, MONITORING, ANALYSIS));
    for e in Element::ALL {
        assert_eq!(presence(&r, e), Presence::Present, "{e}");
    }
    assert!(r.cycle_complete);
    assert_eq!(r.doc_type, DocType::AntiriskProgramme);
    assert_eq!(r.risk_factors, vec![RiskFactor::LowMotivation]);
    assert_eq!(r.school.as_deref(), Some("МБОУ «СОШ № 3» г. Энска"));
    assert_eq!((r.year_from, r.year_to), (Some(2024), Some(2025)));
    assert_eq!(r.roadmap_rows.len(), 2);
    assert_eq!(r.roadmap_rows[0].dates.as_deref(), Some("октябрь 2024"));
    assert!(!r.rules_version.is_empty());
    for v in &r.elements {
        assert!(!v.evidence.is_empty(), "{}", v.element);
        for ev in &v.evidence {
            let block = &doc.blocks[ev.location.block as usize];
            let text = match (block, ev.location.cell) {
                (Block::Table(t), Some(c)) => t.rows[c.row as usize]
                    .cells
                    .iter()
                    .find(|x| x.col == c.col)
                    .map(|x| x.text())
                    .unwrap_or_default(),
                (b, None) => b.text(),
                (b, Some(_)) => panic!("cell location on a non-table block {b:?}"),
            };
            assert!(
                text.contains(&ev.quote),
                "«{}» not in block «{text}»",
                ev.quote
            );
            assert!(!ev.rule.is_empty());
        }
    }
    let measures = r
        .element(Element::Measures)
        .map(|v| v.evidence.clone())
        .unwrap_or_default();
    assert!(
        measures
            .iter()
            .any(|e| e.location.cell.is_some() && e.column.as_deref() == Some("Мероприятие"))
    );
    assert!(
        r.element(Element::Goal)
            .is_some_and(|v| v.recommendation.is_none())
    );
}

#[test]
fn monitoring_only_in_the_past_is_not_monitoring() {
    let past = "В 2023 году был проведён мониторинг учебной мотивации. По результатам мониторинга школа включена в перечень школ с низкими образовательными результатами.";
    let (_, r) = run(&programme(GOAL, MEASURES, INDICATORS, past, ANALYSIS));
    assert_ne!(presence(&r, Element::Monitoring), Presence::Present);
    assert!(!r.cycle_complete);
    let rec = r
        .element(Element::Monitoring)
        .and_then(|v| v.recommendation.clone())
        .unwrap_or_default();
    assert!(
        rec.contains("мониторинг") || rec.contains("Мониторинг"),
        "{rec}"
    );
}

#[test]
fn school_selection_by_monitoring_is_not_monitoring() {
    let selection = "По результатам мониторинга ФИОКО школа отнесена к школам с низкими образовательными результатами.";
    let (_, r) = run(&programme(GOAL, MEASURES, INDICATORS, selection, ANALYSIS));
    assert_ne!(presence(&r, Element::Monitoring), Presence::Present);
}

#[test]
fn monitoring_synonyms_count() {
    for text in [
        "Контроль реализации программы осуществляет заместитель директора ежеквартально.",
        "Отслеживание динамики учебной мотивации ведёт классный руководитель каждую четверть.",
        "Замеры уровня мотивации проводятся в сентябре и мае по единой анкете.",
        "Контрольные срезы знаний по математике проводятся в декабре и апреле.",
    ] {
        let (_, r) = run(&programme(GOAL, MEASURES, INDICATORS, text, ANALYSIS));
        assert_eq!(
            presence(&r, Element::Monitoring),
            Presence::Present,
            "{text}"
        );
    }
}

#[test]
fn swot_only_is_not_the_analysis_step() {
    let doc = format!(
        "# Программа развития МБОУ «СОШ № 1» на 2024–2026 годы\n\n\
         ## SWOT-анализ\n\n\
         | Сильные стороны | Слабые стороны |\n|---|---|\n| опытные педагоги | низкая мотивация |\n\n\
         Проблемный анализ показал, что ключевая проблема — низкие результаты ВПР.\n\n\
         ## Цель\n\n{GOAL}\n\n## Мероприятия\n\n{MEASURES}\n\n## Показатели\n\n{INDICATORS}\n\n## Мониторинг\n\n{MONITORING}\n"
    );
    let (_, r) = run(&doc);
    assert_eq!(r.doc_type, DocType::DevelopmentProgramme);
    assert_ne!(presence(&r, Element::Analysis), Presence::Present);
    assert_eq!(presence(&r, Element::Monitoring), Presence::Present);
    assert!(!r.cycle_complete);
}

#[test]
fn analysis_synonyms_count() {
    for text in [
        "Рефлексия результатов проводится на методическом совете в конце каждого полугодия.",
        "Корректировка программы проводится ежегодно с учётом данных мониторинга.",
        "По итогам мониторинга директор принимает управленческие решения о продолжении мероприятий.",
    ] {
        let (_, r) = run(&programme(GOAL, MEASURES, INDICATORS, MONITORING, text));
        assert_eq!(presence(&r, Element::Analysis), Presence::Present, "{text}");
    }
}

#[test]
fn indicators_without_numbers_are_weak_and_warned() {
    let vague = "- повышение мотивации обучающихся;\n- рост интереса к учёбе.";
    let (_, r) = run(&programme(GOAL, MEASURES, vague, MONITORING, ANALYSIS));
    assert_eq!(presence(&r, Element::Indicators), Presence::Weak);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == "indicator_without_target")
    );
    assert!(!r.cycle_complete);
}

#[test]
fn criteria_of_achievement_are_indicators() {
    let doc = programme(GOAL, MEASURES, "", MONITORING, ANALYSIS).replace(
        "## 4. Показатели\n\n",
        "## 4. Критерии достижения цели\n\nДоля обучающихся, успевающих на «4» и «5», — не менее 40 %.\n",
    );
    let (_, r) = run(&doc);
    assert_eq!(presence(&r, Element::Indicators), Presence::Present);
}

#[test]
fn goal_as_a_process_is_present_but_not_measurable() {
    let process = "Цель программы: совершенствование работы школы по повышению учебной мотивации обучающихся.";
    let (_, r) = run(&programme(
        process, MEASURES, INDICATORS, MONITORING, ANALYSIS,
    ));
    assert_eq!(presence(&r, Element::Goal), Presence::Present);
    assert!(r.warnings.iter().any(|w| w.code == "goal_not_measurable"));
    let (_, good) = run(&programme(GOAL, MEASURES, INDICATORS, MONITORING, ANALYSIS));
    assert!(
        !good
            .warnings
            .iter()
            .any(|w| w.code == "goal_not_measurable")
    );
}

#[test]
fn missing_element_gets_a_recommendation() {
    let doc = programme(GOAL, MEASURES, INDICATORS, MONITORING, ANALYSIS)
        .replace("## 6. Анализ\n\n", "")
        .replace(ANALYSIS, "");
    let (_, r) = run(&doc);
    let v = r.element(Element::Analysis).cloned();
    assert!(v.as_ref().is_some_and(|v| v.presence == Presence::Absent));
    assert!(
        v.and_then(|v| v.recommendation)
            .is_some_and(|t| t.contains("анализ"))
    );
    assert_eq!(r.missing(), vec![Element::Analysis]);
}

#[test]
fn elements_only_in_table_columns() {
    let doc = "# Дорожная карта по направлению «Низкий уровень вовлеченности родителей» на 2024 год\n\n\
        Цель: к маю 2024 года увеличить долю родителей, посещающих собрания, с 40 % до 70 %.\n\n\
        | № п/п | Мероприятие | Сроки | Ответственный | Целевое значение | Форма контроля | Анализ и корректировка |\n\
        |---|---|---|---|---|---|---|\n\
        | 1 | Родительский клуб | ежемесячно | педагог-психолог | 20 семей | журнал посещений, ежемесячно | обсуждение итогов на совещании, корректировка плана |\n\
        | 2 | Дни открытых уроков | ноябрь, март | заместитель директора | не менее 60 родителей | анкета, после каждого дня | по итогам анкет изменение формата |\n";
    let (_, r) = run(doc);
    assert_eq!(r.doc_type, DocType::Roadmap);
    for e in Element::ALL {
        assert_eq!(presence(&r, e), Presence::Present, "{e}");
    }
    let mon = r
        .element(Element::Monitoring)
        .map(|v| v.evidence.clone())
        .unwrap_or_default();
    assert!(
        mon.iter()
            .any(|e| e.column.as_deref() == Some("Форма контроля") && e.location.cell.is_some())
    );
    assert_eq!(r.risk_factors, vec![RiskFactor::LowParentInvolvement]);
}

#[test]
fn roadmap_rows_without_dates_or_responsible_are_warned() {
    let doc = "# Дорожная карта\n\n| Мероприятие | Сроки | Ответственный |\n|---|---|---|\n| Семинар для педагогов |  | завуч |\n| Классный час | октябрь |  |\n";
    let (_, r) = run(doc);
    assert_eq!(r.roadmap_rows.len(), 2);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == "roadmap_row_without_date" && w.message.contains("Семинар"))
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == "roadmap_row_without_responsible"
                && w.message.contains("Классный час"))
    );
}

#[test]
fn draft_placeholders_are_not_elements() {
    let doc = programme(
        GOAL,
        MEASURES,
        "(в разработке)",
        "Показатели и мониторинг — доработать после совещания.",
        ANALYSIS,
    );
    let (_, r) = run(&doc);
    assert_ne!(presence(&r, Element::Indicators), Presence::Present);
    assert_ne!(presence(&r, Element::Monitoring), Presence::Present);
}

#[test]
fn letters_and_orders_have_no_cycle() {
    let doc = "ПРИКАЗ\n\nОб утверждении антирисковых программ\n\n1. Утвердить антирисковую программу по направлению «Низкая учебная мотивация обучающихся».\n\n2. Контроль за исполнением настоящего приказа оставляю за собой.\n";
    let (_, r) = run(doc);
    assert_eq!(r.doc_type, DocType::Other);
    assert!(r.elements.iter().all(|v| v.presence == Presence::Absent));
    assert!(!r.cycle_complete);
    assert_eq!(r.risk_factors, vec![RiskFactor::LowMotivation]);
}

fn section(title: &str, monitoring: &str) -> String {
    format!(
        "## {title}\n\nЦель: к 2025 году снизить долю обучающихся группы риска с 20 % до 10 %.\n\n\
         Мероприятия: консультации (еженедельно, учителя); занятия в малых группах (по графику, завуч).\n\n\
         Показатели: доля обучающихся группы риска — не более 10 %.\n\n{monitoring}\n\n\
         Анализ: по итогам полугодия результаты анализируются на педсовете, план корректируется.\n\n"
    )
}

#[test]
fn medium_term_programme_is_judged_per_section() {
    let doc = format!(
        "# Среднесрочная программа развития МБОУ «СОШ № 2» на 2024–2026 годы\n\n{}{}",
        section(
            "Раздел 1. Высокая доля обучающихся с рисками учебной неуспешности",
            "Мониторинг: входные, промежуточные и итоговые срезы знаний каждую четверть."
        ),
        section("Раздел 2. Низкий уровень дисциплины в классе", "")
    );
    let (_, r) = run(&doc);
    assert_eq!(r.doc_type, DocType::MediumTermProgramme);
    assert_eq!(r.sections.len(), 2);
    assert_eq!(
        r.sections[0].risk_factor,
        Some(RiskFactor::AcademicFailureRisk)
    );
    assert!(r.sections[0].cycle_complete);
    assert!(!r.sections[1].cycle_complete);
    assert!(!r.cycle_complete);
    // The document's elements are the union of its sections' (DESIGN.md): monitoring is
    // there (section 1) although section 2 lacks it; only the sections decide the cycle.
    assert_eq!(presence(&r, Element::Monitoring), Presence::Present);
    assert_eq!(
        r.risk_factors,
        vec![RiskFactor::LowDiscipline, RiskFactor::AcademicFailureRisk]
    );

    // A common monitoring chapter after the sections covers all of them.
    let with_common = format!(
        "{doc}## Раздел 3. Мониторинг реализации программы\n\nМониторинг всех направлений проводится ежеквартально, ответственный — заместитель директора.\n"
    );
    let (_, r) = run(&with_common);
    assert!(
        r.sections.iter().all(|s| s.cycle_complete),
        "{:?}",
        r.sections
    );
    assert!(r.cycle_complete);
}

#[test]
fn sections_as_table_rows_and_empty_cells() {
    let doc = "# Среднесрочная программа развития МБОУ «СОШ № 4» на 2024–2025 годы\n\n\
        | Фактор риска | Цель | Меры | Показатели | Мониторинг | Анализ |\n\
        |---|---|---|---|---|---|\n\
        | Низкая учебная мотивация обучающихся | К маю 2025 года повысить долю мотивированных с 40 % до 60 % | Проектная неделя (октябрь, завуч) | Доля мотивированных: 40 % → 60 % | Анкетирование в октябре и мае (психолог) | По итогам полугодия обсуждение на педсовете и корректировка плана |\n\
        | Дефицит педагогических кадров | К 2025 году закрыть 2 вакансии | Целевое обучение (2024, директор) | Число вакансий: 2 → 0 | Сверка штатного расписания ежеквартально (директор) | — |\n";
    let (_, r) = run(doc);
    assert_eq!(r.doc_type, DocType::MediumTermProgramme);
    assert_eq!(r.sections.len(), 2);
    assert_eq!(r.sections[1].risk_factor, Some(RiskFactor::TeacherShortage));
    assert!(r.sections[0].cycle_complete);
    let analysis = r.sections[1]
        .elements
        .iter()
        .find(|v| v.element == Element::Analysis);
    assert!(
        analysis.is_some_and(|v| !v.presence.is_present()),
        "{analysis:?}"
    );
    assert!(!r.cycle_complete);
    assert_eq!(presence(&r, Element::Analysis), Presence::Present);
}

#[test]
fn programme_without_its_kind_is_typed_by_risk_factors() {
    let doc = programme(GOAL, MEASURES, INDICATORS, MONITORING, ANALYSIS).replacen(
        "# Антирисковая программа МБОУ «СОШ № 3» г. Энска по направлению «Низкая учебная мотивация обучающихся» на 2024–2025 годы",
        "# ПРОГРАММА\n\n«Учиться интересно»: повышение учебной мотивации обучающихся МБОУ «СОШ № 3» на 2024–2025 годы",
        1,
    );
    let (_, r) = run(&doc);
    assert_eq!(r.doc_type, DocType::AntiriskProgramme);
    assert_eq!(r.risk_factors, vec![RiskFactor::LowMotivation]);
}

#[test]
fn findings_of_the_current_state_are_not_the_analysis_step() {
    let findings =
        "Анализ результатов ВПР показывает, что 40 % обучающихся не справляются с заданиями.";
    let (_, r) = run(&programme(GOAL, MEASURES, INDICATORS, MONITORING, findings));
    assert_ne!(presence(&r, Element::Analysis), Presence::Present);
}

#[test]
fn formal_control_clause_is_not_monitoring() {
    let formal = "Контроль за исполнением программы возлагается на заместителя директора по УВР.";
    let (_, r) = run(&programme(GOAL, MEASURES, INDICATORS, formal, ANALYSIS));
    assert_ne!(presence(&r, Element::Monitoring), Presence::Present);
}

#[test]
fn dates_are_not_target_values() {
    let doc = "# Дорожная карта на 2024 год\n\n| Мероприятие | Срок | Ответственный | Ожидаемый результат |\n|---|---|---|---|\n| Семинар для учителей | до 01.09.2024 | завуч | аналитическая справка |\n";
    let (_, r) = run(doc);
    assert_ne!(presence(&r, Element::Indicators), Presence::Present);
}

// ---------------------------------------------------------------------------------------------
// Generalisation (issue #6): elements in running prose, unusual column headers, goal headings
// and passport rows, negative contexts that must win over section-level matches.
// ---------------------------------------------------------------------------------------------

/// A programme written as running prose: no element headings, labels or tables. It opens with
/// a «Пояснительная записка» whose past-tense diagnosis must not swallow the programme text.
fn prose(goal: &str, measures: &str, indicators: &str, monitoring: &str, analysis: &str) -> String {
    format!(
        "ПРОГРАММА РАЗВИТИЯ МБОУ «СОШ № 7» г. Энска на 2024–2026 годы\n\n\
         Пояснительная записка\n\n\
         В 2023 году школа была включена в перечень школ с низкими образовательными результатами. Анкетирование показало, что 40 % обучающихся не проявляют интереса к учёбе, а низкая учебная мотивация стала главным риском.\n\n\
         {goal}\n\n{measures}\n\n{indicators}\n\n{monitoring}\n\n{analysis}\n"
    )
}

/// The prose programme with `text` in place of `element`'s default sentence.
fn prose_with(element: Element, text: &str) -> String {
    let mut parts = [P_GOAL, P_MEASURES, P_INDICATORS, P_MONITORING, P_ANALYSIS];
    let slot = match element {
        Element::Goal => 0,
        Element::Measures => 1,
        Element::Indicators => 2,
        Element::Monitoring => 3,
        Element::Analysis => 4,
    };
    parts[slot] = text;
    let [g, m, i, mo, a] = parts;
    prose(g, m, i, mo, a)
}

/// Verdict for `element` in the prose programme with `text` as its sentence.
fn prose_presence(element: Element, text: &str) -> Presence {
    presence(&run(&prose_with(element, text)).1, element)
}

const P_GOAL: &str = "Целью программы является повышение к маю 2026 года доли обучающихся с высокой учебной мотивацией.";
const P_MEASURES: &str = "Для этого в октябре 2024 года планируется провести проектную неделю (ответственный — заместитель директора), а клуб «Юный исследователь» будет работать еженедельно под руководством учителя биологии.";
const P_INDICATORS: &str =
    "К концу программы доля обучающихся с высокой учебной мотивацией увеличится с 40 до 60 %.";
const P_MONITORING: &str = "Ход реализации программы будет отслеживаться ежеквартально: педагог-психолог проводит анкетирование обучающихся в октябре и апреле.";
const P_ANALYSIS: &str = "По итогам каждого полугодия результаты будут проанализированы на педагогическом совете, и план мероприятий будет скорректирован.";

#[test]
fn prose_programme_is_complete_and_the_diagnosis_ends_at_the_goal() {
    let (doc, r) = run(&prose(
        P_GOAL,
        P_MEASURES,
        P_INDICATORS,
        P_MONITORING,
        P_ANALYSIS,
    ));
    for e in Element::ALL {
        assert_eq!(
            presence(&r, e),
            Presence::Present,
            "{e}: {:?}",
            r.element(e)
        );
        for ev in r.element(e).map(|v| v.evidence.clone()).unwrap_or_default() {
            let block = doc.blocks[ev.location.block as usize].text();
            assert!(block.contains(&ev.quote), "«{}» not in «{block}»", ev.quote);
        }
    }
    assert!(r.cycle_complete);
    // Without the goal statement the whole text stays under «Пояснительная записка».
    let (_, r) = run(&prose_with(
        Element::Goal,
        "Школа работает в сложных условиях.",
    ));
    assert_ne!(presence(&r, Element::Analysis), Presence::Present);
}

#[test]
fn goal_in_prose_by_its_definition() {
    for goal in [
        "Целью программы является повышение к маю 2026 года доли обучающихся с высокой учебной мотивацией.",
        "Школа ставит перед собой цель к маю 2026 года сделать учёбу интересной для каждого ученика.",
        "Мы хотим, чтобы к 2026 году каждый ученик находил на уроках задачи по силам и по интересу.",
        "Программа нацелена на повышение учебной мотивации обучающихся 5–9 классов.",
    ] {
        let (_, r) = run(&prose_with(Element::Goal, goal));
        assert_eq!(presence(&r, Element::Goal), Presence::Present, "{goal}");
    }
    let (_, r) = run(&prose_with(
        Element::Goal,
        "Школа работает в сложных условиях.",
    ));
    assert_ne!(presence(&r, Element::Goal), Presence::Present);
}

#[test]
fn measures_in_prose_as_planned_or_future_actions() {
    for measures in [
        "Для этого в октябре 2024 года планируется провести проектную неделю, ответственный — заместитель директора.",
        "В течение года мы проведём цикл встреч «Учиться интересно» (один раз в месяц, педагог-психолог).",
        "Для обучающихся с трудностями будут организованы занятия в малых группах (два раза в неделю, учителя-предметники).",
        "С сентября 2024 года начнёт работать клуб «Юный исследователь» (ответственный — учитель биологии).",
    ] {
        assert_eq!(
            prose_presence(Element::Measures, measures),
            Presence::Present,
            "{measures}"
        );
    }
    let past = "В 2023 году школа провела неделю математики и организовала клуб.";
    assert_ne!(prose_presence(Element::Measures, past), Presence::Present);
}

#[test]
fn indicators_in_prose_as_baseline_and_target() {
    for ind in [
        "К концу программы доля обучающихся с высокой учебной мотивацией увеличится с 40 до 60 %.",
        "Посещаемость родительских собраний вырастет с 28 до 60 %.",
        "Планируемые показатели: доля мотивированных обучающихся — не менее 60 % (2023 — 40 %).",
        "Целевые значения: число участников олимпиад — с 12 до 30 человек.",
    ] {
        assert_eq!(
            prose_presence(Element::Indicators, ind),
            Presence::Present,
            "{ind}"
        );
    }
    for not_ind in [
        // A number inside the goal statement is the goal's target.
        "Наша цель: доля обучающихся с высокой учебной мотивацией увеличится с 40 до 60 %.",
        // A past change is diagnosis.
        "За 2023 год доля неуспевающих снизилась с 20 до 15 %.",
        // A change without values is not measurable.
        "Доля обучающихся с высокой учебной мотивацией заметно увеличится.",
    ] {
        let (_, r) = run(&prose_with(Element::Indicators, not_ind));
        assert_ne!(
            presence(&r, Element::Indicators),
            Presence::Present,
            "{not_ind}"
        );
    }
}

#[test]
fn monitoring_in_columns_is_recognised_by_family() {
    for header in [
        "Методы сбора информации",
        "Способ контроля",
        "Форма фиксации",
        "Инструментарий",
        "Источник данных",
        "Периодичность замеров",
    ] {
        let table = format!(
            "| Показатель | 2023 | 2025 | {header} |\n|---|---|---|---|\n\
             | Доля мотивированных обучающихся | 40 % | 60 % | анкета, октябрь и апрель |\n\
             | Число участников олимпиад | 12 | 30 | протокол школьного этапа, ежегодно |"
        );
        let (_, r) =
            run(&programme(GOAL, MEASURES, &table, "", ANALYSIS)
                .replace("## 5. Мониторинг\n\n", ""));
        assert_eq!(
            presence(&r, Element::Monitoring),
            Presence::Present,
            "{header}"
        );
        let ev = r
            .element(Element::Monitoring)
            .map(|v| v.evidence.clone())
            .unwrap_or_default();
        assert!(
            ev.iter().any(|e| e.column.as_deref() == Some(header)),
            "{header}: {ev:?}"
        );
    }
    // A plain «Примечание» column is not monitoring.
    let table = "| Показатель | 2023 | 2025 | Примечание |\n|---|---|---|---|\n| Доля мотивированных обучающихся | 40 % | 60 % | анкета, октябрь и апрель |";
    let (_, r) =
        run(&programme(GOAL, MEASURES, table, "", ANALYSIS).replace("## 5. Мониторинг\n\n", ""));
    assert_ne!(presence(&r, Element::Monitoring), Presence::Present);
}

#[test]
fn more_monitoring_synonyms_count() {
    for text in [
        "Мониторинговые процедуры проводятся ежеквартально заместителем директора по УВР.",
        "Контрольные точки — декабрь и май: педагог-психолог проводит анкетирование по единой методике.",
        "В мае педагог-психолог повторяет анкетирование тех же классов по той же методике.",
        "Отслеживание посещаемости клуба ведёт классный руководитель еженедельно.",
    ] {
        assert_eq!(
            prose_presence(Element::Monitoring, text),
            Presence::Present,
            "{text}"
        );
    }
}

#[test]
fn more_analysis_synonyms_count() {
    for text in [
        "Обсуждение итогов на педсовете проводится в конце каждого полугодия.",
        "Итоги каждой четверти мы обсуждаем на совещании при директоре.",
        "В августе коллектив сопоставляет полученные значения с целевыми.",
        "По итогам года директор принимает решение о продолжении или изменении мероприятий.",
        "В конце полугодия проводится рефлексивный семинар педагогов.",
    ] {
        let (_, r) = run(&prose_with(Element::Analysis, text));
        assert_eq!(presence(&r, Element::Analysis), Presence::Present, "{text}");
    }
}

#[test]
fn past_and_formal_monitoring_in_prose_is_not_monitoring() {
    for text in [
        "В 2023 году был проведён мониторинг учебной мотивации, он показал низкий интерес к учёбе.",
        "По результатам мониторинга, проведённого ФИОКО, школа включена в перечень школ с низкими образовательными результатами.",
        "Контроль за исполнением программы оставляю за собой.",
        "Контроль за реализацией программы возложить на заместителя директора по УВР.",
    ] {
        let (_, r) = run(&prose_with(Element::Monitoring, text));
        assert_ne!(
            presence(&r, Element::Monitoring),
            Presence::Present,
            "{text}"
        );
    }
}

#[test]
fn diagnosis_labels_and_subsections_do_not_give_analysis() {
    // A «Проблемный анализ:» label in prose opens a diagnosis of its own.
    let label = "Проблемный анализ:\n\nПедагоги анализируют результаты ВПР: 40 % обучающихся не справляются с заданиями базового уровня.";
    let (_, r) = run(&prose_with(Element::Analysis, "")
        .replace("Пояснительная записка\n\n", "")
        .replace(P_GOAL, &format!("{label}\n\n{P_GOAL}")));
    assert_ne!(presence(&r, Element::Analysis), Presence::Present);

    // A subsection «Анализ итогов года» under a neutral chapter title whose body holds findings:
    // the findings win over the heading, even though other sentences of the body are neutral.
    let doc = format!(
        "# Программа развития МБОУ «СОШ № 1» на 2024–2026 годы\n\n\
         ## 1. С чего мы начинаем\n\n\
         ### 1.1. Анализ итогов года\n\n\
         Анализ показал, что треть обучающихся не справляется с заданиями базового уровня. Средний балл ОГЭ по математике — 3,1.\n\n\
         ## 2. Цель\n\n{GOAL}\n\n## 3. Мероприятия\n\n{MEASURES}\n\n## 4. Показатели\n\n{INDICATORS}\n\n## 5. Мониторинг\n\n{MONITORING}\n"
    );
    let (_, r) = run(&doc);
    assert_ne!(presence(&r, Element::Analysis), Presence::Present);
    // The same heading over a planned analysis still counts.
    let (_, r) = run(&doc.replace(
        "Анализ показал, что треть обучающихся не справляется с заданиями базового уровня. Средний балл ОГЭ по математике — 3,1.",
        "Анализ результатов проводится на педсовете в конце каждого полугодия, по его итогам план корректируется.",
    ));
    assert_eq!(presence(&r, Element::Analysis), Presence::Present);
}

#[test]
fn goal_under_a_heading_with_the_goal_word_anywhere_or_in_a_passport_row() {
    let doc = programme(GOAL, MEASURES, INDICATORS, MONITORING, ANALYSIS)
        .replace("## 2. Цель\n\n", "## 2. Ожидаемый результат (цель)\n\n");
    let (_, r) = run(&doc);
    assert_eq!(presence(&r, Element::Goal), Presence::Present);

    // The first row of a two-column passport table is content, not a header.
    let passport = "| Цель Программы | Повысить к маю 2025 года долю обучающихся с высокой учебной мотивацией до 55 % |\n|---|---|\n| Сроки реализации | 2024–2025 годы |";
    let doc = programme("", MEASURES, INDICATORS, MONITORING, ANALYSIS)
        .replace("## 2. Цель\n\n", "")
        .replace(
            "## 1. Анализ текущей ситуации",
            &format!("{passport}\n\n## 1. Анализ текущей ситуации"),
        );
    let (_, r) = run(&doc);
    assert_eq!(presence(&r, Element::Goal), Presence::Present);
    let ev = r
        .element(Element::Goal)
        .and_then(|v| v.evidence.first().cloned());
    assert!(
        ev.as_ref().is_some_and(
            |e| e.quote.starts_with("Повысить к маю 2025") && e.location.cell.is_some()
        ),
        "{ev:?}"
    );

    // A heading that only refers to the goal does not state one.
    let doc = programme("", MEASURES, INDICATORS, MONITORING, ANALYSIS)
        .replace("## 2. Цель\n\n", "")
        .replace("## 3. Мероприятия", "## 3. Мероприятия по достижению цели");
    let (_, r) = run(&doc);
    assert_ne!(presence(&r, Element::Goal), Presence::Present);
}

#[test]
fn monitoring_heading_over_findings_is_not_monitoring() {
    let doc = format!(
        "# Программа развития МБОУ «СОШ № 1» на 2024–2026 годы\n\n\
         ## 1. С чего мы начинаем\n\n\
         ### 1.1. Мониторинг образовательных результатов\n\n\
         В 2023 году мониторинг проводился один раз. Наблюдается снижение качества знаний по математике.\n\n\
         ## 2. Цель\n\n{GOAL}\n\n## 3. Мероприятия\n\n{MEASURES}\n\n## 4. Показатели\n\n{INDICATORS}\n\n## 5. Анализ\n\n{ANALYSIS}\n"
    );
    let (_, r) = run(&doc);
    assert_ne!(presence(&r, Element::Monitoring), Presence::Present);
    // Planned tracking under the same heading counts.
    let (_, r) = run(&doc.replace(
        "В 2023 году мониторинг проводился один раз. Наблюдается снижение качества знаний по математике.",
        "Мониторинг проводится ежеквартально, ответственный — заместитель директора.",
    ));
    assert_eq!(presence(&r, Element::Monitoring), Presence::Present);
}

#[test]
fn the_goal_of_a_single_activity_is_not_the_programme_goal() {
    for other in [
        "Цель анкетирования — выявить уровень учебной мотивации обучающихся.",
        "Цель семинара: познакомить педагогов с приёмами формирующего оценивания.",
    ] {
        let (_, r) =
            run(&prose_with(Element::Goal, other).replace("Пояснительная записка\n\n", ""));
        assert_ne!(presence(&r, Element::Goal), Presence::Present, "{other}");
    }
    let (_, r) = run(&prose_with(
        Element::Goal,
        "Программа призвана обеспечить каждому ученику успешное освоение математики к 2026 году.",
    ));
    assert_eq!(presence(&r, Element::Goal), Presence::Present);
}

#[test]
fn a_common_chapter_that_covers_every_direction_closes_the_sections() {
    let sec = |title: &str| {
        format!(
            "# {title}\n\nЦель направления — к 2025 году снизить долю обучающихся группы риска с 20 % до 10 %.\n\n\
             Мероприятия: консультации (еженедельно, учителя); занятия в малых группах (по графику, завуч).\n\n\
             Показатели: доля обучающихся группы риска — не более 10 %.\n\n"
        )
    };
    let doc = format!(
        "# Среднесрочная программа развития МБОУ «СОШ № 2» на 2024–2026 годы\n\n{}{}\
         # Как мы будем отслеживать продвижение\n\n\
         По обоим направлениям заместитель директора раз в четверть сводит данные анкет и текущую успеваемость. В конце каждого полугодия итоги обсуждаются на педагогическом совете, и мероприятия уточняются.\n",
        sec("Направление 1. Высокая доля обучающихся с рисками учебной неуспешности"),
        sec("Направление 2. Низкий уровень дисциплины в классе"),
    );
    let (_, r) = run(&doc);
    assert_eq!(r.doc_type, DocType::MediumTermProgramme);
    assert_eq!(r.sections.len(), 2);
    assert!(
        r.sections.iter().all(|s| s.cycle_complete),
        "{:?}",
        r.sections
    );
    // Without the «every direction» cue the chapter continues the last section only.
    let (_, r) = run(&doc.replace("По обоим направлениям заместитель", "Заместитель"));
    assert!(!r.sections[0].cycle_complete);
    assert!(r.sections[1].cycle_complete);
}

#[test]
fn plan_columns_in_plain_words() {
    let doc = "# План-график реализации антирисковой программы на 2025 год\n\n\
        Цель плана — к декабрю 2025 года вовлечь в родительский всеобуч не менее 60 % родителей.\n\n\
        | Что делаем | Когда | Кто отвечает | Плановое значение | Как измеряем |\n|---|---|---|---|---|\n\
        | Родительский всеобуч | 1 раз в четверть | педагог-психолог | не менее 60 % родителей | подсчёт участников после каждого занятия |\n\
        | Субботние мастерские |  | классные руководители | не менее 25 семей | учёт семей каждый месяц |\n";
    let (_, r) = run(doc);
    assert_eq!(r.doc_type, DocType::Roadmap);
    assert_eq!(r.roadmap_rows.len(), 2);
    assert_eq!(
        r.roadmap_rows[0].responsible.as_deref(),
        Some("педагог-психолог")
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == "roadmap_row_without_date" && w.message.contains("Субботние"))
    );
    for e in [
        Element::Goal,
        Element::Measures,
        Element::Indicators,
        Element::Monitoring,
    ] {
        assert_eq!(presence(&r, e), Presence::Present, "{e}");
    }
    assert_ne!(presence(&r, Element::Analysis), Presence::Present);
}

#[test]
fn further_prose_indicator_and_analysis_forms() {
    let (_, r) = run(&prose_with(
        Element::Indicators,
        "К 2026 году не менее 80 % педагогов пройдут курсы по формирующему оцениванию.",
    ));
    assert_eq!(presence(&r, Element::Indicators), Presence::Present);
    for text in [
        "План мероприятий уточняется по итогам каждого полугодия.",
        "Ежегодно педагогический совет делает выводы об эффективности мероприятий.",
    ] {
        let (_, r) = run(&prose_with(Element::Analysis, text));
        assert_eq!(presence(&r, Element::Analysis), Presence::Present, "{text}");
    }
    let past =
        "По итогам 2023 года педсовет принял решение о переходе на новую систему оценивания.";
    assert_ne!(prose_presence(Element::Analysis, past), Presence::Present);
}

#[test]
fn passport_tables_numbered_or_with_a_short_goal_row() {
    for passport in [
        // «№ | key | value» rows.
        "| № | Раздел паспорта | Содержание |\n|---|---|---|\n| 1 | Наименование | Антирисковая программа |\n| 2 | Цель программы | Повысить к маю 2025 года долю обучающихся с высокой учебной мотивацией до 55 % |",
        // A goal row the writer flagged as the header, with a short value.
        "| Цель программы | Рост учебной мотивации |\n|---|---|\n| Сроки реализации | 2024–2025 годы |",
    ] {
        let doc = programme("", MEASURES, INDICATORS, MONITORING, ANALYSIS)
            .replace("## 2. Цель\n\n", "")
            .replace(
                "## 1. Анализ текущей ситуации",
                &format!("{passport}\n\n## 1. Анализ текущей ситуации"),
            );
        let (_, r) = run(&doc);
        assert_eq!(presence(&r, Element::Goal), Presence::Present, "{passport}");
        let quote = r
            .element(Element::Goal)
            .and_then(|v| v.evidence.first().map(|e| e.quote.clone()))
            .unwrap_or_default();
        assert!(
            quote.starts_with("Повысить") || quote.starts_with("Рост"),
            "{quote}"
        );
    }
}

#[test]
fn goal_lead_ins_and_references() {
    for goal in [
        "Наша цель — к маю 2026 года сделать так, чтобы каждый ученик справлялся с программой.",
        "Коллектив видит свою главную цель в том, чтобы к 2026 году каждый ученик справлялся с программой.",
    ] {
        let (_, r) = run(&prose_with(Element::Goal, goal));
        assert_eq!(presence(&r, Element::Goal), Presence::Present, "{goal}");
    }
    for reference in [
        "Для достижения цели: провести проектную неделю и открыть клуб.",
        "В соответствии с целью — провести проектную неделю и открыть клуб.",
    ] {
        let (_, r) = run(&prose_with(Element::Goal, reference));
        assert_ne!(
            presence(&r, Element::Goal),
            Presence::Present,
            "{reference}"
        );
    }
}

#[test]
fn bare_targets_and_present_tense_activities() {
    let (_, r) = run(&prose_with(
        Element::Indicators,
        "Ожидается, что к 2026 году доля обучающихся с высокой учебной мотивацией составит 60 %.",
    ));
    assert_eq!(presence(&r, Element::Indicators), Presence::Present);
    let (_, r) = run(&prose_with(
        Element::Measures,
        "Еженедельно проводятся занятия клуба «Юный исследователь», ответственный — учитель биологии.",
    ));
    assert_eq!(presence(&r, Element::Measures), Presence::Present);
    let (_, r) = run(&prose_with(
        Element::Analysis,
        "На основе данных мониторинга педагогический совет принимает решения об изменении плана.",
    ));
    assert_eq!(presence(&r, Element::Analysis), Presence::Present);
}

#[test]
fn analysis_of_a_previous_programme_is_diagnosis() {
    let doc = format!(
        "# Программа развития МБОУ «СОШ № 1» на 2024–2026 годы\n\n\
         ## 1. Анализ результатов реализации предыдущей программы развития\n\n\
         Средний балл ОГЭ по математике — 3,1. Доля обучающихся, занятых в кружках, — 45 %.\n\n\
         ## 2. Цель\n\n{GOAL}\n\n## 3. Мероприятия\n\n{MEASURES}\n\n## 4. Показатели\n\n{INDICATORS}\n\n## 5. Мониторинг\n\n{MONITORING}\n"
    );
    let (_, r) = run(&doc);
    assert_ne!(presence(&r, Element::Analysis), Presence::Present);
}

#[test]
fn monitoring_header_families_beyond_the_first_list() {
    for header in [
        "Когда и как проверяем",
        "Частота измерений",
        "Средства отслеживания",
        "Диагностика",
    ] {
        let table = format!(
            "| Показатель | 2023 | 2025 | {header} |\n|---|---|---|---|\n\
             | Доля мотивированных обучающихся | 40 % | 60 % | анкета, октябрь и апрель |"
        );
        let (_, r) =
            run(&programme(GOAL, MEASURES, &table, "", ANALYSIS)
                .replace("## 5. Мониторинг\n\n", ""));
        assert_eq!(
            presence(&r, Element::Monitoring),
            Presence::Present,
            "{header}"
        );
    }
}

#[test]
fn third_person_future_measures_and_wordless_monitoring() {
    let (_, r) = run(&prose_with(
        Element::Measures,
        "В октябре 2024 года заместитель директора проведёт для учителей семинар по управлению классом.",
    ));
    assert_eq!(presence(&r, Element::Measures), Presence::Present);
    for text in [
        "Раз в месяц заместитель директора посещает по два урока в каждом классе и заполняет карту наблюдения.",
        "Сводные данные ежемесячно заносятся в таблицу классными руководителями.",
    ] {
        assert_eq!(
            prose_presence(Element::Monitoring, text),
            Presence::Present,
            "{text}"
        );
    }
    let past = "В 2023 году заместитель директора посещал уроки и заполнял карты наблюдения.";
    assert_ne!(prose_presence(Element::Monitoring, past), Presence::Present);
}

#[test]
fn swot_cells_and_problem_rows_outside_a_diagnosis_heading_are_diagnosis() {
    for table in [
        "| Сильные стороны | Слабые стороны |\n|---|---|\n| опытные педагоги | не проводится анализ результатов, нет корректировки планов |",
        "| Раздел | Содержание |\n|---|---|\n| Проблемный анализ | Результаты обсуждаются на педсовете, но планы не корректируются |",
    ] {
        let doc = programme(GOAL, MEASURES, INDICATORS, MONITORING, "")
            .replace("## 6. Анализ\n\n", "")
            .replace("## 2. Цель", &format!("{table}\n\n## 2. Цель"))
            .replace("## 1. Анализ текущей ситуации", "## 1. О школе");
        let (_, r) = run(&doc);
        assert_ne!(
            presence(&r, Element::Analysis),
            Presence::Present,
            "{table}"
        );
    }
}

#[test]
fn one_past_cell_does_not_void_a_column_and_bare_analysis_columns_count() {
    let table = "| Показатель | 2023 | 2025 | Мониторинг | Анализ |\n|---|---|---|---|---|\n\
        | Доля мотивированных обучающихся | 40 % | 60 % | в 2023 году была проведена одна анкета | по итогам полугодия решение о корректировке плана |\n\
        | Число участников олимпиад | 12 | 30 | протокол школьного этапа, ежегодно | обсуждение на методическом совете в мае |";
    let (_, r) = run(&programme(GOAL, MEASURES, table, "", "")
        .replace("## 5. Мониторинг\n\n", "")
        .replace("## 6. Анализ\n\n", ""));
    assert_eq!(presence(&r, Element::Monitoring), Presence::Present);
    assert_eq!(presence(&r, Element::Analysis), Presence::Present);
    let ev = r
        .element(Element::Analysis)
        .map(|v| v.evidence.clone())
        .unwrap_or_default();
    assert!(
        ev.iter().any(|e| e.column.as_deref() == Some("Анализ")),
        "{ev:?}"
    );
}
