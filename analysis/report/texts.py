"""Every piece of interface text the reports print, in Kazakh, Russian and English, in one place.

The reports are built outside Flask (the CLI, a benchmark, a notebook), so they cannot use the Flask-Babel
catalogs; this dictionary is their catalog. Terms follow shared/design/GLOSSARY.md (көрсеткіш/индикатор,
нысаналы мән ↔ целевое значение, сауалнама ↔ опрос, салмақ коэффициенті ↔ весовой коэффициент). A test fails
if a key lacks ``kk`` or ``ru``; English falls back to Russian if ever missing.

Kazakh case endings depend on the word they attach to, so placeholders are never followed by a suffix that
would have to agree with a number (write "{min_n} адамға жетпейді", not "{min_n}-ден").
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ cover and every page
    "report.title": {
        "kk": "Нысаналы индикаторларға қол жеткізу туралы жылдық есеп",
        "ru": "Ежегодный отчёт о достижении целевых индикаторов",
        "en": "Annual report on the achievement of target indicators",
    },
    "report.subtitle": {
        "kk": "{year} жылдың қорытындысы бойынша",
        "ru": "по итогам {year} года",
        "en": "Results for {year}",
    },
    "report.period": {
        "kk": "Бағдарламаның іске асыру кезеңі: {first}–{last} жылдар",
        "ru": "Период реализации программы: {first}–{last} годы",
        "en": "Programme period: {first}–{last}",
    },
    "report.coordinator": {
        "kk": "Үйлестіруші орган: {name}",
        "ru": "Координирующий орган: {name}",
        "en": "Coordinating body: {name}",
    },
    "report.generated": {
        "kk": "Есеп жасалған күн: {date}",
        "ru": "Дата формирования отчёта: {date}",
        "en": "Report generated: {date}",
    },
    "report.run": {
        "kk": "Есептеу нөмірі: {run}",
        "ru": "Номер расчёта: {run}",
        "en": "Computation run: {run}",
    },
    "report.source_note": {
        "kk": "Есептегі барлық сандар – жүйеде сақталған есептеу нәтижелері.",
        "ru": "Все числа в отчёте – сохранённые в системе результаты расчёта.",
        "en": "Every number in this report is a stored computed result.",
    },
    "report.diagnostic": {
        "kk": "Сауалнама деректері бойынша бағалаулар – диагностикалық құрал: олар жағдайды сипаттайды және "
              "мектептерді, ұйымдарды немесе өңірлерді бағалау рейтингі не жазалау үшін негіз болып табылмайды.",
        "ru": "Оценки по данным опросов – диагностический инструмент: они описывают положение дел и не являются "
              "рейтингом школ, организаций или регионов и основанием для санкций.",
        "en": "Survey estimates are a diagnostic: they describe the situation and are not a rating of schools, "
              "organisations or regions, nor grounds for sanctions.",
    },
    "report.summary": {
        "kk": "Индикаторлар мәртебесі бойынша жиынтық",
        "ru": "Сводка по статусам индикаторов",
        "en": "Indicators by status",
    },
    "report.summary_count": {
        "kk": "индикатор саны: {count}",
        "ru": "число индикаторов: {count}",
        "en": "number of indicators: {count}",
    },
    "report.footer": {
        "kk": "Нысаналы индикаторлар туралы есеп · {year}",
        "ru": "Отчёт о целевых индикаторах · {year}",
        "en": "Target indicators report · {year}",
    },
    "report.contents": {"kk": "Мазмұны", "ru": "Содержание", "en": "Contents"},
    "page.number": {"kk": "{page}-бет / {pages}", "ru": "стр. {page} из {pages}", "en": "page {page} of {pages}"},
    "synthetic.banner": {
        "kk": "СИНТЕТИКАЛЫҚ ДЕРЕКТЕР – нақты нәтижелер емес, тек көрсетілім үшін",
        "ru": "СИНТЕТИЧЕСКИЕ ДАННЫЕ – не реальные результаты, только для демонстрации",
        "en": "SYNTHETIC DATA – not real results, for demonstration only",
    },
    "synthetic.short": {"kk": "СИНТЕТИКАЛЫҚ ДЕРЕКТЕР", "ru": "СИНТЕТИЧЕСКИЕ ДАННЫЕ", "en": "SYNTHETIC DATA"},
    "draft.banner": {
        "kk": "ЖОБА – нәтижелер әлі жарияланбаған",
        "ru": "ПРОЕКТ – результаты ещё не опубликованы",
        "en": "DRAFT – results not yet published",
    },
    "draft.short": {"kk": "ЖОБА", "ru": "ПРОЕКТ", "en": "DRAFT"},
    # ------------------------------------------------------------------ scorecard
    "scorecard.title": {
        "kk": "Индикаторлардың жиынтық кестесі",
        "ru": "Сводная таблица индикаторов",
        "en": "Indicator scorecard",
    },
    "scorecard.intro": {
        "kk": "{year} жыл: әр индикатордың мәні, {level} % сенімділік аралығы, нысаналы мәні және мәртебесі.",
        "ru": "{year} год: значение каждого индикатора, {level} % доверительный интервал, целевое значение и статус.",
        "en": "{year}: each indicator's value, {level} % confidence interval, target and status.",
    },
    "legend.title": {"kk": "Шартты белгілер", "ru": "Условные обозначения", "en": "Legend"},
    # ------------------------------------------------------------------ column headers
    "col.code": {"kk": "Код", "ru": "Код", "en": "Code"},
    "col.indicator": {"kk": "Индикатор", "ru": "Индикатор", "en": "Indicator"},
    "col.value": {"kk": "Мәні", "ru": "Значение", "en": "Value"},
    "col.ci": {"kk": "{level} % СА", "ru": "{level} % ДИ", "en": "{level} % CI"},
    "col.ci_low": {"kk": "СА төменгі шегі", "ru": "Нижняя граница ДИ", "en": "CI lower bound"},
    "col.ci_high": {"kk": "СА жоғарғы шегі", "ru": "Верхняя граница ДИ", "en": "CI upper bound"},
    "col.target": {"kk": "Нысаналы мән", "ru": "Целевое значение", "en": "Target"},
    "col.target_printed": {
        "kk": "Бағдарламадағы нысаналы мән",
        "ru": "Целевое значение в программе",
        "en": "Target as printed",
    },
    "col.status": {"kk": "Мәртебесі", "ru": "Статус", "en": "Status"},
    "col.trajectory": {"kk": "Траектория", "ru": "Траектория", "en": "Trajectory"},
    "col.n": {"kk": "n", "ru": "n", "en": "n"},
    "col.n_eff": {"kk": "Тиімді n", "ru": "Эффективный n", "en": "Effective n"},
    "col.deff": {"kk": "Дизайн әсері", "ru": "Эффект дизайна", "en": "Design effect"},
    "col.moe": {"kk": "Қателік шегі (±)", "ru": "Предельная ошибка (±)", "en": "Margin of error (±)"},
    "col.df": {"kk": "Еркіндік дәрежелері", "ru": "Степени свободы", "en": "Degrees of freedom"},
    "col.se": {"kk": "Стандартты қате", "ru": "Стандартная ошибка", "en": "Standard error"},
    "col.category": {"kk": "Санат", "ru": "Категория", "en": "Category"},
    "col.breakdown": {"kk": "Бөліну белгісі", "ru": "Разрез", "en": "Breakdown"},
    "col.unit": {"kk": "Өлшем бірлігі", "ru": "Единица измерения", "en": "Unit"},
    "col.source": {"kk": "Дереккөз", "ru": "Источник", "en": "Source"},
    "col.direction": {"kk": "Бағыты", "ru": "Направление", "en": "Direction"},
    "col.year": {"kk": "Жыл", "ru": "Год", "en": "Year"},
    "col.suppressed": {"kk": "Жасыру себебі", "ru": "Причина скрытия", "en": "Suppression reason"},
    "col.instrument": {"kk": "Сауалнама парағы", "ru": "Анкета", "en": "Questionnaire"},
    "col.version": {"kk": "Нұсқасы", "ru": "Версия", "en": "Version"},
    "col.sha256": {"kk": "SHA-256", "ru": "SHA-256", "en": "SHA-256"},
    "col.fieldwork": {"kk": "Далалық жұмыстар", "ru": "Полевые работы", "en": "Fieldwork"},
    "col.respondents": {"kk": "Респонденттер", "ru": "Респонденты", "en": "Respondents"},
    "col.population": {"kk": "Бас жиынтық", "ru": "Генеральная совокупность", "en": "Population"},
    "col.margins": {"kk": "Шектік бөлулер", "ru": "Маргинальные распределения", "en": "Margins"},
    "col.file": {"kk": "Файл", "ru": "Файл", "en": "File"},
    # ------------------------------------------------------------------ statuses
    "status.achieved": {"kk": "Қол жеткізілді", "ru": "Достигнуто", "en": "Achieved"},
    "status.not_achieved": {"kk": "Қол жеткізілмеді", "ru": "Не достигнуто", "en": "Not achieved"},
    "status.not_distinguishable": {
        "kk": "Нысаналы мәннен ажыратылмайды",
        "ru": "Не отличимо от цели",
        "en": "Not distinguishable from target",
    },
    "status.no_target": {
        "kk": "Осы жылға нысаналы мән жоқ",
        "ru": "Нет цели на этот год",
        "en": "No target this year",
    },
    "status.no_data": {"kk": "Деректер жоқ", "ru": "Нет данных", "en": "No data"},
    "status_rule.achieved": {
        "kk": "сенімділік аралығы толығымен нысаналы мәннің қажетті жағында жатыр (әкімшілік деректер үшін: мән "
              "нысаналы мәнге жетті)",
        "ru": "доверительный интервал целиком лежит по нужную сторону от целевого значения (для административных "
              "данных: значение достигло цели)",
        "en": "the whole confidence interval lies on the target's good side (administrative data: the value "
              "meets the target)",
    },
    "status_rule.not_achieved": {
        "kk": "сенімділік аралығы толығымен нысаналы мәннің екінші жағында жатыр (әкімшілік деректер үшін: мән "
              "нысаналы мәнге жетпеді)",
        "ru": "доверительный интервал целиком лежит по другую сторону от целевого значения (для административных "
              "данных: значение не достигло цели)",
        "en": "the whole confidence interval lies on the other side of the target (administrative data: the "
              "value falls short of the target)",
    },
    "status_rule.not_distinguishable": {
        "kk": "нысаналы мән сенімділік аралығының ішінде: іріктеме деректері бойынша мақсатқа жеткенін не "
              "жетпегенін айту мүмкін емес",
        "ru": "целевое значение лежит внутри доверительного интервала: по выборочным данным нельзя сказать, "
              "достигнута ли цель",
        "en": "the target lies inside the confidence interval: the sample cannot tell whether it was met",
    },
    "status_rule.no_target": {
        "kk": "мән өлшенді, бірақ бағдарлама осы жылға нысаналы мән белгілемеген: оның орнына түпкі нысаналы "
              "мәнге дейінгі қашықтық көрсетіледі",
        "ru": "значение измерено, но программа не устанавливает цель на этот год: вместо статуса показано "
              "расстояние до конечного целевого значения",
        "en": "the value was measured, but the programme sets no target for this year: the distance to the "
              "final target is shown instead",
    },
    "status_rule.no_data": {
        "kk": "осы жылға есептелген мән жоқ",
        "ru": "за этот год нет рассчитанного значения",
        "en": "there is no computed value for the year",
    },
    "trajectory.on_track": {"kk": "Жоспарлы траекторияда", "ru": "На плановой траектории", "en": "On track"},
    "trajectory.off_track": {"kk": "Траекториядан артта", "ru": "Отставание от траектории", "en": "Off track"},
    "trajectory.not_distinguishable": {
        "kk": "Траекториядан ажыратылмайды",
        "ru": "Не отличимо от траектории",
        "en": "Not distinguishable from the trajectory",
    },
    "trajectory.no_data": {"kk": "Деректер жоқ", "ru": "Нет данных", "en": "No data"},
    # analysis.status.Progress (Open SDG-style progress towards the final target)
    "trajectory.target_achieved": {"kk": "Түпкі мақсатқа қол жеткізілді", "ru": "Конечная цель достигнута",
                                   "en": "Final target achieved"},
    "trajectory.substantial_progress": {"kk": "Айтарлықтай ілгерілеу", "ru": "Существенный прогресс",
                                        "en": "Substantial progress"},
    "trajectory.moderate_progress": {"kk": "Орташа ілгерілеу", "ru": "Умеренный прогресс", "en": "Moderate progress"},
    "trajectory.limited_progress": {"kk": "Шектеулі ілгерілеу", "ru": "Ограниченный прогресс",
                                    "en": "Limited progress"},
    "trajectory.deterioration": {"kk": "Нашарлау", "ru": "Ухудшение", "en": "Deterioration"},
    # ------------------------------------------------------------------ indicator pages
    "ind.value_year": {"kk": "{year} жылғы мәні", "ru": "Значение за {year} год", "en": "Value, {year}"},
    "ind.target_year": {
        "kk": "{year} жылғы нысаналы мән",
        "ru": "Целевое значение на {year} год",
        "en": "Target for {year}",
    },
    "ind.final_target_year": {
        "kk": "{year} жылғы түпкі нысаналы мән",
        "ru": "Конечная цель на {year} год",
        "en": "Final target for {year}",
    },
    "ind.empty_title": {
        "kk": "{year} жылы деректері жоқ индикаторлар",
        "ru": "Индикаторы без данных за {year} год",
        "en": "Indicators without data for {year}",
    },
    "ind.precision": {"kk": "Дәлдігі", "ru": "Точность", "en": "Precision"},
    "ind.precision_line": {
        "kk": "n = {n}; тиімді n = {n_eff}; дизайн әсері = {deff}",
        "ru": "n = {n}; эффективный n = {n_eff}; эффект дизайна = {deff}",
        "en": "n = {n}; effective n = {n_eff}; design effect = {deff}",
    },
    "ind.trend": {"kk": "Жылдар бойынша серпіні", "ru": "Динамика по годам", "en": "Trend by year"},
    "ind.regions": {"kk": "Өңірлер бойынша", "ru": "По регионам", "en": "By region"},
    "ind.breakdowns": {"kk": "Топтар бойынша бөліну", "ru": "В разрезе групп", "en": "Breakdown by group"},
    "ind.national": {"kk": "Республика бойынша", "ru": "Республика", "en": "National"},
    "ind.no_history": {
        "kk": "Өткен жылдар бойынша деректер жоқ",
        "ru": "Нет данных за прошлые годы",
        "en": "No data for earlier years",
    },
    "ind.no_regions": {"kk": "Өңірлер бойынша деректер жоқ", "ru": "Нет данных по регионам", "en": "No regional data"},
    "ind.no_breakdowns": {
        "kk": "Топтар бойынша деректер жоқ",
        "ru": "Нет данных в разрезе групп",
        "en": "No breakdown data",
    },
    "ind.admin_no_ci": {
        "kk": "Әкімшілік деректер: толық есепке алу, сенімділік аралығы қолданылмайды.",
        "ru": "Административные данные: сплошной учёт, доверительный интервал не применяется.",
        "en": "Administrative data: a complete count, no confidence interval applies.",
    },
    "chart.estimate": {"kk": "Бағалау", "ru": "Оценка", "en": "Estimate"},
    "chart.value": {"kk": "Мәні", "ru": "Значение", "en": "Value"},
    "chart.ci": {
        "kk": "{level} % сенімділік аралығы",
        "ru": "{level} % доверительный интервал",
        "en": "{level} % confidence interval",
    },
    "chart.target": {"kk": "Нысаналы мән", "ru": "Целевое значение", "en": "Target"},
    "chart.target_year": {
        "kk": "{year} жылғы нысаналы мән",
        "ru": "Целевое значение на {year} год",
        "en": "Target for {year}",
    },
    "chart.hidden_regions": {
        "kk": "Жасырылған өңірлер: {names}",
        "ru": "Скрытые регионы: {names}",
        "en": "Suppressed regions: {names}",
    },
    "suppressed.cell": {"kk": "жасырылған", "ru": "скрыто", "en": "suppressed"},
    "suppressed.small_n": {
        "kk": "респонденттер саны {min_n} адамға жетпейді",
        "ru": "менее {min_n} респондентов",
        "en": "fewer than {min_n} respondents",
    },
    "suppressed.wide_ci": {
        "kk": "сенімділік аралығы тым кең",
        "ru": "слишком широкий доверительный интервал",
        "en": "confidence interval too wide",
    },
    "suppressed.no_ci": {
        "kk": "сенімділік аралығын есептеу мүмкін емес",
        "ru": "доверительный интервал не может быть рассчитан",
        "en": "no confidence interval can be computed",
    },
    "suppressed.disclosure": {
        "kk": "респонденттердің жеке басын анықтау қаупі",
        "ru": "риск идентификации респондентов",
        "en": "risk of identifying respondents",
    },
    "suppressed.footnote": {
        "kk": "«{cell}» – жарияланбайтын бағалау: {reasons}.",
        "ru": "«{cell}» – оценка не публикуется: {reasons}.",
        "en": "“{cell}” – estimate not published: {reasons}.",
    },
    # ------------------------------------------------------------------ breakdowns
    "breakdown.region": {"kk": "Өңір", "ru": "Регион", "en": "Region"},
    "breakdown.sex": {"kk": "Жынысы", "ru": "Пол", "en": "Sex"},
    "breakdown.age_group": {"kk": "Жас тобы", "ru": "Возрастная группа", "en": "Age group"},
    "breakdown.settlement": {"kk": "Елді мекен түрі", "ru": "Тип населённого пункта", "en": "Settlement type"},
    # ------------------------------------------------------------------ units, directions, sources
    "unit.percent": {"kk": "%", "ru": "%", "en": "%"},
    "unit.points": {"kk": "балл", "ru": "баллы", "en": "points"},
    "unit.per_100k": {"kk": "100 мың тұрғынға", "ru": "на 100 тыс. населения", "en": "per 100,000 population"},
    "unit.per_10k": {"kk": "10 мың тұрғынға", "ru": "на 10 тыс. населения", "en": "per 10,000 population"},
    "unit.count": {"kk": "саны", "ru": "количество", "en": "number"},
    "unit.rank": {"kk": "рейтингтегі орын", "ru": "место в рейтинге", "en": "rank"},
    "direction.increase": {
        "kk": "арттыру (мән жоғары болған сайын жақсы)",
        "ru": "повышение (чем выше, тем лучше)",
        "en": "increase (higher is better)",
    },
    "direction.decrease": {
        "kk": "төмендету (мән төмен болған сайын жақсы)",
        "ru": "снижение (чем ниже, тем лучше)",
        "en": "decrease (lower is better)",
    },
    "source.survey": {"kk": "Сауалнама", "ru": "Опрос", "en": "Survey"},
    "source.administrative": {"kk": "Әкімшілік деректер", "ru": "Административные данные", "en": "Administrative data"},
    "source.external_rating": {"kk": "Сыртқы рейтинг", "ru": "Внешний рейтинг", "en": "External rating"},
    # ------------------------------------------------------------------ how a target is printed
    "target.level": {"kk": "{value}", "ru": "{value}", "en": "{value}"},
    "target.at_least": {"kk": "кемінде {value}", "ru": "не менее {value}", "en": "at least {value}"},
    "target.above": {"kk": "{value} жоғары", "ru": "более {value}", "en": "above {value}"},
    "target.at_most": {"kk": "{value} аспайды", "ru": "не более {value}", "en": "at most {value}"},
    "target.change_vs_base": {
        "kk": "{base_year} жылмен салыстырғанда {value}",
        "ru": "{value} к {base_year} году",
        "en": "{value} vs {base_year}",
    },
    "target.change_vs_previous": {
        "kk": "өткен жылмен салыстырғанда {value}",
        "ru": "{value} к предыдущему году",
        "en": "{value} vs the previous year",
    },
    "target.absolute_change_vs_base": {
        "kk": "{base_year} жылмен салыстырғанда {value}",
        "ru": "{value} к {base_year} году",
        "en": "{value} vs {base_year}",
    },
    "target.change_vs_unnamed_base": {
        "kk": "базалық мәнмен салыстырғанда {value}",
        "ru": "{value} к базовому значению",
        "en": "{value} vs the base",
    },
    "target.rank": {"kk": "{value}-орын", "ru": "{value}-е место", "en": "rank {value}"},
    "target.points_suffix": {"kk": "пайыздық тармақ", "ru": "п. п.", "en": "pp"},
    "target.equals": {"kk": "= {value}", "ru": "= {value}", "en": "= {value}"},
    "target.none": {
        "kk": "осы жылға нысаналы мән белгіленбеген",
        "ru": "на этот год целевое значение не установлено",
        "en": "no target set for this year",
    },
    "target.none_final": {
        "kk": "{year} жылға нысаналы мән жоқ (түпкі нысаналы мән, {final_year} жыл: {value})",
        "ru": "на {year} год цели нет (конечная цель на {final_year} год: {value})",
        "en": "no target for {year} (final target for {final_year}: {value})",
    },
    "target.none_final_short": {
        "kk": "жоқ; түпкі ({final_year}): {value}",
        "ru": "нет; конечная ({final_year}): {value}",
        "en": "none; final ({final_year}): {value}",
    },
    "progress.title": {
        "kk": "Түпкі нысаналы мәнге дейін",
        "ru": "До конечной цели",
        "en": "To the final target",
    },
    "progress.gap": {
        "kk": "{final_year} жылғы түпкі мәнге дейін: {gap}",
        "ru": "до конечной цели {final_year} г.: {gap}",
        "en": "to the {final_year} final target: {gap}",
    },
    "progress.reached": {
        "kk": "{final_year} жылғы түпкі нысаналы мәнге қазірдің өзінде жетті",
        "ru": "конечная цель на {final_year} год уже достигнута",
        "en": "already meets the final target for {final_year}",
    },
    "target.base_unknown": {
        "kk": "базалық жылдың мәні белгісіз",
        "ru": "значение базового года неизвестно",
        "en": "base-year value unknown",
    },
    # ------------------------------------------------------------------ methodological annex
    "meth.title": {"kk": "Әдістемелік қосымша", "ru": "Методологическое приложение", "en": "Methodological annex"},
    "meth.samples": {
        "kk": "Іріктеме және далалық жұмыстар",
        "ru": "Выборка и полевые работы",
        "en": "Samples and fieldwork",
    },
    "meth.samples_none": {
        "kk": "Бұл жылы сауалнама деректері пайдаланылған жоқ.",
        "ru": "В этом году данные опросов не использовались.",
        "en": "No survey data were used this year.",
    },
    "meth.withdrawn": {
        "kk": "Респонденттер өздері кері қайтарып алған, есептеуге енгізілмеген жауаптар саны: {count}.",
        "ru": "Число ответов, отозванных самими респондентами и исключённых из расчёта: {count}.",
        "en": "Responses withdrawn by their respondents and left out of the computation: {count}.",
    },
    "meth.mode_restricted": {
        "kk": "{indicator} индикаторы тек {mode} жауаптары бойынша есептелді: {count} жауап (барлығы {total}); "
              "басқа тәсілмен жиналған жауаптар салмақтау мен дисперсияда қалады, бірақ көрсеткішке кірмейді.",
        "ru": "Индикатор {indicator} рассчитан только по ответам способа сбора «{mode}»: {count} ответов "
              "(всего {total}); ответы, собранные иначе, остаются во взвешивании и в оценке дисперсии, но не в "
              "показателе.",
        "en": "Indicator {indicator} is computed from {mode} responses only: {count} responses (of {total}); the "
              "responses collected otherwise stay in the weighting and the variance but not in the indicator.",
    },
    "mode.web": {"kk": "веб (өзі толтырған)", "ru": "веб (самозаполнение)", "en": "web (self-completed)"},
    "mode.interviewer": {
        "kk": "интервьюер (ODK Collect)", "ru": "интервьюер (ODK Collect)", "en": "interviewer (ODK Collect)",
    },
    "meth.weighting": {"kk": "Салмақтау", "ru": "Взвешивание", "en": "Weighting"},
    "meth.weighting_default": {
        "kk": "Іріктеменің негізгі салмақ коэффициенттері халық санының шектік бөлулеріне калибрленді (рейкинг).",
        "ru": "Базовые весовые коэффициенты выборки откалиброваны (рейкинг) по маргинальным распределениям "
              "численности населения.",
        "en": "The sample's base weights were calibrated (raked) to population margins.",
    },
    # Two groups of a breakdown compared on the CI of their difference (covariance of shared PSUs included).
    "cmp.line": {
        "kk": "{first} мен {second} арасындағы айырма: {difference} ({level} % сенімділік аралығы {low}…{high}) – "
              "{status}.",
        "ru": "Разность между группами «{first}» и «{second}»: {difference} ({level} % доверительный интервал "
              "{low}…{high}) – {status}.",
        "en": "{first} minus {second}: {difference} ({level} % confidence interval {low} to {high}): {status}.",
    },
    "chg.line": {
        "kk": "{year} жылмен салыстырғандағы өзгеріс: {change} ({level} % сенімділік аралығы {low}…{high}) – "
              "{status}.",
        "ru": "Изменение по сравнению с {year} годом: {change} ({level} % доверительный интервал {low}…{high}) – "
              "{status}.",
        "en": "Change from {year}: {change} ({level} % confidence interval {low} to {high}): {status}.",
    },
    "chg.significantly_improved": {"kk": "айтарлықтай жақсарды", "ru": "значимое улучшение",
                                   "en": "significantly improved"},
    "chg.not_distinguishable": {"kk": "ажыратылмайды", "ru": "изменение неразличимо", "en": "not distinguishable"},
    "chg.significantly_worse": {"kk": "айтарлықтай нашарлады", "ru": "значимое ухудшение",
                                "en": "significantly worse"},
    "chg.value": {"kk": "{year} жылмен салыстырғандағы өзгеріс", "ru": "Изменение по сравнению с {year} годом",
                  "en": "Change from {year}"},
    "chg.ci_low": {"kk": "Өзгерістің төменгі шегі", "ru": "Нижняя граница изменения",
                   "en": "Change, lower bound"},
    "chg.ci_high": {"kk": "Өзгерістің жоғарғы шегі", "ru": "Верхняя граница изменения",
                    "en": "Change, upper bound"},
    "chg.status": {"kk": "{year} жылмен салыстырғандағы өзгеріс мәртебесі",
                   "ru": "Статус изменения по сравнению с {year} годом", "en": "Status of the change from {year}"},
    "cmp.higher": {"kk": "айтарлықтай жоғары", "ru": "значимо выше", "en": "significantly higher"},
    "cmp.lower": {"kk": "айтарлықтай төмен", "ru": "значимо ниже", "en": "significantly lower"},
    "cmp.not_distinguishable": {"kk": "ажыратылмайды", "ru": "различие неразличимо", "en": "not distinguishable"},
    "meth.weight_diagnostics": {
        "kk": "Салмақтардың ең үлкенінің ең кішісіне қатынасы {ratio}, салмақтардың вариация коэффициенті (ВК) "
              "{cv}, салмақтаудан туындаған дизайн әсері (Киш, 1 + ВК²) {deff}, тиімді іріктеме көлемі {n_eff} "
              "({n} респонденттің).",
        "ru": "Отношение наибольшего веса к наименьшему {ratio}, коэффициент вариации весов (КВ) {cv}, эффект "
              "дизайна из-за взвешивания (Киш, 1 + КВ²) {deff}, эффективный объём выборки {n_eff} (из {n} "
              "респондентов).",
        "en": "Largest to smallest weight {ratio}, coefficient of variation of the weights {cv}, design effect due "
              "to weighting (Kish, 1 + CV²) {deff}, effective sample size {n_eff} (of {n} respondents).",
    },
    "meth.variance": {
        "kk": "Стандартты қателер стратификацияны, кластерлеуді және салмақтарды калибрлеуді ескере отырып, Тейлор "
              "линеаризациясы әдісімен есептелді; {level} % сенімділік аралықтары ({method} әдісі) іріктеме "
              "дизайнының еркіндік дәрежелерімен құрылды.",
        "ru": "Стандартные ошибки рассчитаны методом линеаризации Тейлора с учётом стратификации, кластеризации и "
              "калибровки весов; {level} % доверительные интервалы (метод {method}) построены с числом степеней "
              "свободы, определяемым дизайном выборки.",
        "en": "Standard errors are Taylor-linearised and account for stratification, clustering and weight "
              "calibration; {level} % confidence intervals ({method} method) use the design's degrees of freedom.",
    },
    "meth.variance.by_df": {
        "kk": "Стандартты қателер стратификацияны, кластерлеуді және салмақтарды калибрлеуді ескере отырып, Тейлор "
              "линеаризациясы әдісімен есептелді; {level} % сенімділік аралықтары іріктеме дизайнының еркіндік "
              "дәрежелерімен құрылды. Үлестердің аралық әдісі топтың еркіндік дәрежелеріне байланысты: олардың "
              "саны {threshold} шегінен аз болса (бірінші сатыдағы іріктеу бірліктері аз), Корн – Граубард "
              "аралығы (еркіндік дәрежелеріне түзетілген тиімді іріктеме көлеміндегі Клоппер – Пирсон бета "
              "аралығы) қолданылады, ол бірліктер аз болғанда да жабуын сақтайды; қалған жағдайда – логит "
              "аралығы. Орташа мәндер мен балдар үшін – Стьюдент үлестірімінің квантилімен симметриялық аралық. "
              "Топтар бойынша бөліну кестелерінде еркіндік дәрежелерінің саны {threshold} шегінен аз топтар "
              "{mark} белгісімен белгіленген.",
        "ru": "Стандартные ошибки рассчитаны методом линеаризации Тейлора с учётом стратификации, кластеризации и "
              "калибровки весов; {level} % доверительные интервалы построены с числом степеней свободы, "
              "определяемым дизайном выборки. Метод интервала для долей зависит от числа степеней свободы "
              "группы: если их меньше {threshold} (мало первичных единиц отбора) – интервал Корна – Граубарда "
              "(бета-распределение Клоппера – Пирсона по эффективному объёму выборки с поправкой на степени "
              "свободы), сохраняющий покрытие при малом числе единиц; иначе – интервал на основе "
              "логит-преобразования. Для средних и баллов – симметричный интервал с квантилем распределения "
              "Стьюдента. В таблицах в разрезе групп группы с числом степеней свободы меньше {threshold} "
              "отмечены знаком {mark}.",
        "en": "Standard errors are Taylor-linearised and account for stratification, clustering and weight "
              "calibration; {level} % confidence intervals use the design's degrees of freedom (df). For shares "
              "the interval depends on the group's df: with fewer than {threshold} df (few primary sampling "
              "units) it is the Korn–Graubard interval (Clopper–Pearson beta on the effective sample size "
              "adjusted for the df), which keeps its coverage with few units; otherwise the logit interval. Means "
              "and scores: the symmetric interval with Student's t quantile. Groups in the breakdown tables with "
              "fewer than {threshold} df are marked {mark}.",
    },
    "small_df.footnote.by_df": {
        "kk": "{mark} – іріктеме дизайнының еркіндік дәрежелерінің саны {threshold} шегінен аз (топта бірінші "
              "сатыдағы іріктеу бірліктері аз): үлестің аралығы Корн – Граубард әдісімен құрылды және кең, "
              "бағалауды сақтықпен түсіндіру қажет.",
        "ru": "{mark} – менее {threshold} степеней свободы дизайна (в группе мало первичных единиц отбора): "
              "интервал для доли построен по методу Корна – Граубарда и широк, оценку следует интерпретировать с "
              "осторожностью.",
        "en": "{mark} – fewer than {threshold} design degrees of freedom (few primary sampling units in the group): "
              "a share's interval is Korn–Graubard's and wide; read the figure with caution.",
    },
    "small_df.footnote": {
        "kk": "{mark} – іріктеме дизайнының еркіндік дәрежелерінің саны {threshold} шегінен аз (топта бірінші "
              "сатыдағы іріктеу бірліктері аз): аралық кең және тұрақсыз, бағалауды сақтықпен түсіндіру қажет.",
        "ru": "{mark} – менее {threshold} степеней свободы дизайна (в группе мало первичных единиц отбора): "
              "интервал широк и неустойчив, оценку следует интерпретировать с осторожностью.",
        "en": "{mark} – fewer than {threshold} design degrees of freedom (few primary sampling units in the group): "
              "the interval is wide and unstable; read the figure with caution.",
    },
    "meth.single_psu": {
        "kk": "Бір ғана бірінші сатыдағы іріктеу бірлігі бар страталар ({population}): {strata}.",
        "ru": "Страты с единственной первичной единицей отбора ({population}): {strata}.",
        "en": "Strata with a single primary sampling unit ({population}): {strata}.",
    },
    "meth.single_psu.certainty": {
        "kk": "Мұндай бірлік міндетті түрде іріктелген деп есептелді және дисперсияға үлес қоспайды.",
        "ru": "Такая единица считается отобранной с вероятностью 1 и не вносит вклада в дисперсию.",
        "en": "Such a unit is treated as selected with certainty and adds nothing to the variance.",
    },
    "meth.single_psu.remove": {
        "kk": "Мұндай страталар дисперсияны бағалаудан алынып тасталды.",
        "ru": "Такие страты исключены из оценки дисперсии.",
        "en": "Such strata are left out of the variance estimate.",
    },
    "meth.single_psu.adjust": {
        "kk": "Мұндай бірліктің ауытқуы страта бойынша орташа мәннен емес, жалпы орташа мәннен есептелді "
              "(дисперсияны асыра бағалайтын сақ тәсіл).",
        "ru": "Отклонение такой единицы отсчитывается не от среднего по страте, а от общего среднего "
              "(осторожный приём, скорее завышающий дисперсию).",
        "en": "Such a unit's deviation is taken from the overall mean rather than the stratum mean (a cautious "
              "choice that tends to overstate the variance).",
    },
    "meth.single_psu.centered": {
        "kk": "Мұндай бірліктің ауытқуы іріктеменің барлық бірліктері бойынша орташа мәннен есептелді.",
        "ru": "Отклонение такой единицы отсчитывается от среднего по всем единицам отбора выборки.",
        "en": "Such a unit's deviation is taken from the mean over all the sample's units.",
    },
    # The interval methods of analysis.CIMethod, as the variance sentence names them.
    "ci_method.logit": {"kk": "логит", "ru": "логит-преобразования", "en": "logit"},
    "ci_method.beta": {"kk": "Клоппер – Пирсон бета", "ru": "бета-распределения Клоппера – Пирсона",
                       "en": "Clopper–Pearson beta"},
    "ci_method.wilson": {"kk": "Уилсон", "ru": "Уилсона", "en": "Wilson"},
    "ci_method.wald": {"kk": "Вальд", "ru": "Вальда", "en": "Wald"},
    "meth.precision": {"kk": "Бағалаулардың дәлдігі", "ru": "Точность оценок", "en": "Precision of the estimates"},
    "meth.precision_note": {
        "kk": "Қателік шегі – {level} % сенімділік аралығы енінің жартысы. Дизайн әсері – осы іріктеме дизайны "
              "кезіндегі бағалау дисперсиясының сол көлемдегі қарапайым кездейсоқ іріктеме кезіндегі дисперсияға "
              "қатынасы; тиімді n = n / дизайн әсері.",
        "ru": "Предельная ошибка – половина ширины {level} % доверительного интервала. Эффект дизайна – отношение "
              "дисперсии оценки при данном дизайне выборки к дисперсии при простой случайной выборке того же "
              "объёма; эффективный n = n / эффект дизайна.",
        "en": "The margin of error is half the width of the {level} % confidence interval. The design effect is "
              "the variance of the estimate under this design divided by its variance under simple random "
              "sampling of the same size; effective n = n / design effect.",
    },
    "meth.status_rules": {
        "kk": "Мәртебені анықтау ережелері",
        "ru": "Правила определения статуса",
        "en": "Status rules",
    },
    "meth.trajectory_rule": {
        "kk": "Түпкі мақсатқа қарай ілгерілеу деректер бар алғашқы жылдан бері (базалық жылға қатысты мақсатта — "
              "базалық жылдан бері) байқалған орташа жылдық өзгеріс қарқынын бағдарламаның соңғы нысаналы мәніне "
              "мерзімінде жету үшін қажетті қарқынмен салыстырады (Open SDG қолданатын Канада статистика "
              "басқармасының өлшемі): айтарлықтай ілгерілеу – қажетті қарқынның 95 %-ы және одан көп, орташа – "
              "60 %-дан бастап, шектеулі – 60 %-дан аз, нашарлау – индикатор мақсаттан алыстайды; түпкі мақсатқа "
              "қол жеткізілді – соңғы мән оған жетті. Мақсаты жоқ индикатор үшін – жылына 1,5 % және 0,5 % "
              "өсу шектері. Нүктелік бағалаулар пайдаланылады: жылдық мәртебемен бірге оқыңыз.",
        "ru": "Продвижение к конечной цели сравнивает наблюдаемый среднегодовой темп изменения с первого года с "
              "данными (для цели относительно базового года – с базового года) с темпом, необходимым, чтобы в срок "
              "достичь последнего целевого значения программы (мера Статистического управления Канады, принятая "
              "Open SDG): существенный прогресс – 95 % необходимого темпа и более, умеренный – от 60 %, "
              "ограниченный – менее 60 %, ухудшение – индикатор удаляется от цели; конечная цель достигнута – "
              "последнее значение уже её достигло. Для индикатора без цели – пороги роста 1,5 % и 0,5 % в год. "
              "Используются точечные оценки: читайте вместе с годовым статусом.",
        "en": "Progress toward the final target compares the average yearly change observed since the first year "
              "with data (for a target set against a base year, since that year) with the yearly change needed "
              "to reach the programme's last target on time (Statistics Canada's measure, as used by Open SDG): "
              "substantial progress at 95 % of the needed pace or more, moderate from 60 %, limited below 60 %, "
              "deterioration when the indicator moves away from the target; final target achieved when the latest "
              "value already meets it. Without a target, growth of 1.5 % and 0.5 % a year are the cut points. "
              "It uses point estimates: read it together with the yearly status.",
    },
    # How a change target (against a base year or the previous year) was judged; the annex prints the sentence
    # of Methodology.change_inference when the report has such a target.
    "meth.change_rule.base_exact": {
        "kk": "Өзгеріске қойылған мақсаттар үшін нысаналы мән базалық жылдың бағалауынан есептеледі және ол дәл "
              "деп қабылданады: есепті жылдың сенімділік аралығы ғана осы мәнмен салыстырылады, базалық жылдың "
              "іріктеме қателігі ескерілмейді.",
        "ru": "Для целей по изменению целевое значение рассчитывается из оценки базового года, которая "
              "принимается за точную: с ним сравнивается только доверительный интервал отчётного года, "
              "выборочная ошибка базового года не учитывается.",
        "en": "For change targets the target value is computed from the base year's estimate, taken as exact: "
              "only the report year's confidence interval is compared with it, and the base year's sampling "
              "error is not counted.",
    },
    "meth.change_panel": {
        "kk": "Келесі бас жиынтықтар үшін жылдардың іріктемелері бірдей бірінші сатыдағы бірліктерден тұрады "
              "(панель): {populations}. Олардың өзгерісінде бірліктердің екі жылдағы ковариациясы есепке алынады "
              "(бірліктер страта мен код бойынша сәйкестендіріледі).",
        "ru": "Для следующих генеральных совокупностей выборки лет состоят из одних и тех же первичных единиц "
              "отбора (панель): {populations}. В их изменениях учитывается ковариация единиц между годами "
              "(единицы сопоставляются по страте и коду).",
        "en": "For these populations the yearly samples are the same primary sampling units (a panel): "
              "{populations}. Their changes count the units' covariance between the years (units are matched by "
              "stratum and code).",
    },
    "meth.year_change": {
        "kk": "Алдыңғы жылмен салыстырғандағы өзгеріс – екі жыл бағалауларының айырмасы және оның {level} % "
              "сенімділік аралығы. Әр жылдың іріктемелері тәуелсіз деп қарастырылады, сондықтан айырманың "
              "дисперсиясы екі жыл дисперсияларының қосындысына тең, еркіндік дәрежелері Саттертуэйт бойынша "
              "есептеледі. Аралық толығымен индикатордың жақсы жағында болса – айтарлықтай жақсарды, толығымен "
              "жаман жағында болса – айтарлықтай нашарлады, нөлді қамтыса – ажыратылмайды.",
        "ru": "Изменение по сравнению с предыдущим годом – разность оценок двух лет с {level} % доверительным "
              "интервалом. Выборки разных лет рассматриваются как независимые, поэтому дисперсия разности равна "
              "сумме дисперсий двух лет, число степеней свободы – по Саттертуэйту. Интервал целиком на "
              "благоприятной для индикатора стороне – значимое улучшение, целиком на неблагоприятной – значимое "
              "ухудшение, интервал содержит ноль – изменение неразличимо.",
        "en": "The change from the previous year is the difference of the two years' estimates with its {level} % "
              "confidence interval. The yearly samples are treated as independent, so the variance of the "
              "difference is the sum of the two years' variances, with Satterthwaite's degrees of freedom. The "
              "whole interval on the indicator's good side means significantly improved, wholly on the bad side "
              "significantly worse, an interval containing zero not distinguishable.",
    },
    "meth.change_rule.ci": {
        "kk": "Өзгеріс екі жыл арасындағы айырманың {level} % сенімділік аралығы бойынша бағаланады, ол екі "
              "жылдың да іріктеме қателігін ескереді (жылдардың іріктемелері тәуелсіз деп қарастырылады, "
              "сондықтан айырманың дисперсиясы екі жыл дисперсияларының қосындысына тең): "
              "аралық толығымен индикатордың жақсы жағында болса – айтарлықтай "
              "жақсарды, толығымен жаман жағында болса – айтарлықтай нашарлады, нөлді қамтыса – "
              "ажыратылмайды. Өзгеріске қойылған мақсат та осы аралық бойынша бағаланады.",
        "ru": "Изменение оценивается по {level} % доверительному интервалу разности между двумя годами, который "
              "учитывает выборочную ошибку обоих лет (выборки лет считаются независимыми, "
              "поэтому дисперсия разности равна сумме дисперсий двух лет): "
              "интервал целиком на благоприятной для индикатора стороне – "
              "значимое улучшение, целиком на неблагоприятной – значимое ухудшение, интервал содержит ноль – "
              "изменение неразличимо. Цель по изменению оценивается по тому же интервалу.",
        "en": "Change is judged on the {level} % confidence interval of the difference between the two years, "
              "which counts both years' sampling error (the years' samples are taken as independent, so "
              "the variance of the difference is the sum of the two years' variances): "
              "the whole interval on the indicator's good side means significantly improved, "
              "wholly on the bad side significantly worse, an interval containing zero not distinguishable. A "
              "change target is judged on the same interval.",
    },
    "meth.suppression": {"kk": "Шағын ұяшықтарды жасыру", "ru": "Скрытие малых ячеек", "en": "Small-cell suppression"},
    "meth.suppression_rule": {
        "kk": "Респонденттер саны {min_n} адамға жетпейтін топтар бойынша бағалаулар жарияланбайды (кестелерде "
              "«{cell}» деп белгіленген): олар тұрақсыз және респонденттердің жеке басын анықтауға мүмкіндік беруі "
              "мүмкін. Жекелеген мектеп немесе басқа шағын бірлік бойынша нәтижелер келтірілмейді.",
        "ru": "Оценки по группам, в которых менее {min_n} респондентов, не публикуются (в таблицах отмечены "
              "«{cell}»): они неустойчивы и могут позволить установить личность респондентов. Результаты по "
              "отдельной школе или иной малой единице не приводятся.",
        "en": "Estimates for groups with fewer than {min_n} respondents are not published (marked “{cell}” in the "
              "tables): they are unstable and could allow respondents to be identified. No result is given for a "
              "single school or any other small unit.",
    },
    "meth.admin_sources": {
        "kk": "Әкімшілік деректер көздері",
        "ru": "Источники административных данных",
        "en": "Sources of administrative data",
    },
    "meth.notes": {"kk": "Ескертпелер", "ru": "Примечания", "en": "Notes"},
    "meth.interpretation": {"kk": "Нәтижелерді түсіндіру", "ru": "Интерпретация результатов", "en": "Interpretation"},
    # ------------------------------------------------------------------ spreadsheet and web page
    "sheet.scorecard": {"kk": "Жиынтық кесте", "ru": "Сводная таблица", "en": "Scorecard"},
    "sheet.methodology": {"kk": "Әдістеме", "ru": "Методология", "en": "Methodology"},
    "html.print": {"kk": "Басып шығару", "ru": "Печать", "en": "Print"},
    "html.lang_name": {"kk": "қазақ тілі", "ru": "русский язык", "en": "English"},
}


def tr(key: str, language: str, **values: Any) -> str:
    """The text of ``key`` in ``language`` with ``{placeholders}`` filled; an unknown key is an error."""
    entry = TEXTS[key]
    text = entry.get(language) or entry["ru"]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in TEXTS
