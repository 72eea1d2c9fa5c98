"""A small but complete programme-year, built by hand, for the report renderers' tests.

Three indicators of the public-safety programme, 2025: a survey share with every breakdown and one suppressed
region (A5), a survey score (A9) and an administrative rate (A7). The numbers are invented.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from analysis.programme import Direction, Kind, Source, Text, Unit
from analysis.report.data import (
    ACHIEVED,
    NO_DATA,
    NO_TARGET,
    NOT_ACHIEVED,
    NOT_DISTINGUISHABLE,
    SMALL_N,
    AdminSource,
    BreakdownRow,
    HistoryPoint,
    IndicatorReport,
    InstrumentSample,
    Methodology,
    ReportData,
    SinglePSUStrata,
    StatusInfo,
    TargetInfo,
    Value,
    WeightingInfo,
)

REGIONS = {  # code: (kk, ru)
    "astana": ("Астана қаласы", "город Астана"),
    "almaty": ("Алматы қаласы", "город Алматы"),
    "shymkent": ("Шымкент қаласы", "город Шымкент"),
    "east_kazakhstan": ("Шығыс Қазақстан облысы", "Восточно-Казахстанская область"),
    "ulytau": ("Ұлытау облысы", "область Ұлытау"),
}
# All 20, in the order of the questionnaires' list (for a regional chart as long as a real one).
ALL_REGIONS: dict[str, dict[str, str]] = {
    choice["code"]: choice["label"]
    for choice in yaml.safe_load((Path(__file__).parents[2] / "questionnaires" / "_lists" / "regions.yaml")
                                 .read_text(encoding="utf-8"))["choices"]
}
SEX = {"m": ("Ерлер", "Мужчины"), "f": ("Әйелдер", "Женщины")}
AGE = {"18_29": ("18–29 жас", "18–29 лет"), "30_44": ("30–44 жас", "30–44 лет"),
       "45_59": ("45–59 жас", "45–59 лет"), "60_plus": ("60 жас және одан үлкен", "60 лет и старше")}
SETTLEMENT = {"urban": ("Қала", "Город"), "rural": ("Ауыл", "Село")}

# The suppressed cell: its "true" value must never appear in any output.
HIDDEN_ESTIMATE = 47.391
HIDDEN_N = 24


def _label(labels: dict[str, tuple[str, str]], code: str, language: str) -> str:
    kk, ru = labels[code]
    return kk if language == "kk" else ru


def _rows(labels: dict[str, tuple[str, str]], values: dict[str, tuple[float, float, float, int]], language: str,
          suppressed: dict[str, str] | None = None) -> tuple[BreakdownRow, ...]:
    suppressed = suppressed or {}
    return tuple(
        BreakdownRow(code, _label(labels, code, language),
                     Value(est, se=(high - low) / 3.92, ci_low=low, ci_high=high, n=n, n_eff=n / 1.4, deff=1.4),
                     suppressed=suppressed.get(code))
        for code, (est, low, high, n) in values.items()
    )


def a5(language: str) -> IndicatorReport:
    return IndicatorReport(
        code="A5",
        name=Text(kk="Өз ауданында көшеде жалғыз жүргенде өзін қауіпсіз сезінетін адамдар үлесі",
                  ru="Доля людей, чувствующих себя в безопасности, когда они в одиночку идут по улице в своём районе",
                  en="Share of people who feel safe walking alone in the street in their area"),
        unit=Unit.PERCENT, direction=Direction.INCREASE, source=Source.SURVEY,
        national=Value(61.84, se=0.84, ci_low=60.17, ci_high=63.48, n=4210, n_eff=2951.2, deff=1.4265),
        status=StatusInfo(ACHIEVED, trajectory="on_track"),
        target=TargetInfo(2025, 60.0, Kind.LEVEL, value=60.0),
        history=(HistoryPoint(2024, 58.71, 57.02, 60.38, 59.0), HistoryPoint(2025, 61.84, 60.17, 63.48, 60.0),
                 HistoryPoint(2026, target=61.2), HistoryPoint(2027, target=62.4), HistoryPoint(2028, target=63.6)),
        breakdowns={
            "region": _rows(REGIONS, {"astana": (66.12, 62.3, 69.7, 512), "almaty": (58.43, 55.1, 61.7, 688),
                                      "shymkent": (63.95, 60.2, 67.5, 401),
                                      "east_kazakhstan": (59.27, 55.0, 63.4, 355),
                                      "ulytau": (HIDDEN_ESTIMATE, 28.1, 67.2, HIDDEN_N)},
                            language, {"ulytau": SMALL_N}),
            "sex": _rows(SEX, {"m": (67.08, 64.9, 69.2, 1980), "f": (57.21, 55.1, 59.3, 2230)}, language),
            "age_group": _rows(AGE, {"18_29": (64.4, 61.0, 67.7, 902), "30_44": (62.1, 59.4, 64.7, 1305),
                                     "45_59": (60.3, 57.2, 63.3, 1103), "60_plus": (59.8, 56.4, 63.1, 900)}, language),
            "settlement": _rows(SETTLEMENT, {"urban": (60.72, 58.6, 62.8, 2640), "rural": (63.7, 61.0, 66.3, 1570)},
                                language),
        },
    )


def a9(language: str) -> IndicatorReport:
    return IndicatorReport(
        code="A9",
        name=Text(kk="Полиция органдарының ашықтық (қолжетімділік) дәрежесін арттыру",
                  ru="Повышение степени открытости (доступности) органов полиции",
                  en="Degree of openness (accessibility) of the police (increase)"),
        unit=Unit.POINTS, direction=Direction.INCREASE, source=Source.SURVEY,
        national=Value(82.46, se=0.61, ci_low=81.26, ci_high=83.66, n=4188, n_eff=3102.0, deff=1.35),
        status=StatusInfo(NOT_DISTINGUISHABLE),
        target=TargetInfo(2025, 83.0, Kind.LEVEL, value=83.0),
        history=(HistoryPoint(2024, 81.9, 80.7, 83.1, 82.0), HistoryPoint(2025, 82.46, 81.26, 83.66, 83.0),
                 HistoryPoint(2026, target=84.0)),
        breakdowns={
            "region": _rows(REGIONS, {"astana": (84.1, 82.0, 86.2, 510), "almaty": (80.9, 78.9, 82.9, 690),
                                      "shymkent": (83.3, 81.0, 85.6, 399),
                                      "east_kazakhstan": (82.0, 79.5, 84.5, 352),
                                      "ulytau": (79.4, 75.1, 83.7, 31)}, language),
            "sex": _rows(SEX, {"m": (82.9, 81.4, 84.4, 1971), "f": (82.07, 80.6, 83.5, 2217)}, language),
        },
    )


def a7(language: str) -> IndicatorReport:
    regions = {"astana": 8.4, "almaty": 7.9, "shymkent": 10.2, "east_kazakhstan": 15.6, "ulytau": 17.3}
    return IndicatorReport(
        code="A7",
        name=Text(kk="100 мың тұрғынға шаққанда жол-көлік оқиғасынан қаза тапқандар саны",
                  ru="Число погибших в дорожно-транспортных происшествиях на 100 тыс. населения",
                  en="Road traffic deaths per 100,000 population"),
        unit=Unit.PER_100K, direction=Direction.DECREASE, source=Source.ADMINISTRATIVE,
        national=Value(12.34),
        status=StatusInfo(NOT_ACHIEVED),
        target=TargetInfo(2025, 11.7, Kind.LEVEL, value=11.7),
        history=(HistoryPoint(2023, 12.9), HistoryPoint(2024, 12.6, target=11.8), HistoryPoint(2025, 12.34,
                 target=11.7), HistoryPoint(2026, target=11.6)),
        breakdowns={"region": tuple(BreakdownRow(code, _label(REGIONS, code, language), Value(value))
                                    for code, value in regions.items())},
    )


def report(language: str = "ru", *, synthetic: bool = True) -> ReportData:
    methodology = Methodology(
        samples=(InstrumentSample("public_safety", "2025", "9f2c" + "0123456789abcdef" * 3 + "a1b2c3d4e5f6",
                                  4210, date(2025, 5, 12), date(2025, 6, 30),
                                  "18 жастан асқан тұрғындар" if language == "kk" else "население 18 лет и старше"),),
        weighting=(WeightingInfo("public_safety", ("region × settlement", "sex × age_group"),
                                 "population 2025 (margins_2025.csv)"),),
        admin_sources=(AdminSource("A7", "ІІМ" if language == "kk" else "МВД", "admin_2025.csv", "ab" * 32),),
        notes=("Тест" if language == "ru" else "Сынақ",),
    )
    return ReportData(
        programme_code="public_safety_2024_2028",
        programme_name=Text(
            kk="Қоғамдық қауіпсіздікті қоғаммен әріптестік жасап қамтамасыз етудің 2024 – 2028 жылдарға арналған "
               "тұжырымдамасы",
            ru="Концепция обеспечения общественной безопасности в партнёрстве с обществом на 2024 – 2028 годы",
            en="Concept for ensuring public safety in partnership with society, 2024–2028"),
        year=2025,
        language=language,
        generated_at=datetime(2026, 2, 3, 10, 0, tzinfo=UTC),
        indicators=(a5(language), a9(language), a7(language)),
        methodology=methodology,
        synthetic=synthetic,
        period=(2024, 2028),
        coordinator="ІІМ" if language == "kk" else "МВД",
        run_id=7,
    )


def a12(language: str) -> IndicatorReport:
    """A survey estimate of a count (an estimated total, in whole people): its margin of error is a whole number
    too, which is where the formats could round it differently."""
    return IndicatorReport(
        code="A12",
        name=Text(kk="Соңғы 12 айда қылмыс құрбаны болған тұрғындар саны (бағалау)",
                  ru="Число жителей, ставших жертвами преступлений за последние 12 месяцев (оценка)",
                  en="Residents who were victims of a crime in the last 12 months (estimate)"),
        unit=Unit.COUNT, direction=Direction.DECREASE, source=Source.SURVEY,
        national=Value(412_300.0, se=11_430.0, ci_low=389_900.0, ci_high=434_700.0, n=4210, n_eff=2951.2,
                       deff=1.4265),
        status=StatusInfo(NOT_DISTINGUISHABLE),
        target=TargetInfo(2025, 400_000.0, Kind.LEVEL, value=400_000.0),
        history=(HistoryPoint(2024, 425_100.0, 401_000.0, 449_200.0, 420_000.0),
                 HistoryPoint(2025, 412_300.0, 389_900.0, 434_700.0, 400_000.0)),
        breakdowns={"sex": _rows(SEX, {"m": (219_800.0, 203_100.0, 236_500.0, 1980),
                                       "f": (192_500.0, 177_300.0, 207_700.0, 2230)}, language)},
    )


def report_with_survey_count(language: str = "ru") -> ReportData:
    """The report above plus :func:`a12`: every kind of figure the formats round, and a stratum with one PSU."""
    base = report(language)
    population = "18 жастан асқан тұрғындар" if language == "kk" else "население 18 лет и старше"
    single_psu = (SinglePSUStrata(population, "adjust", ("R07_rural",)),)
    return replace(base, indicators=(*base.indicators, a12(language)),
                   methodology=replace(base.methodology, single_psu=single_psu))


def a13(language: str) -> IndicatorReport:
    """An expected result measured every year with a target only for the programme's last year (2028)."""
    return IndicatorReport(
        code="A13",
        name=Text(kk="Азаматтардың жеке, мүліктік және қоғамдық қауіпсіздігін сезінуі",
                  ru="Ощущение гражданами личной, имущественной и общественной безопасности",
                  en="Citizens' sense of personal, property and public safety"),
        unit=Unit.PERCENT, direction=Direction.INCREASE, source=Source.SURVEY,
        national=Value(62.04, se=0.8, ci_low=60.4, ci_high=63.6, n=4210, n_eff=2951.2, deff=1.43),
        status=StatusInfo(NO_TARGET),
        target=None,
        final_target=TargetInfo(2028, 80.5, Kind.AT_LEAST, value=80.5),
        history=(HistoryPoint(2025, 62.04, 60.4, 63.6), HistoryPoint(2028, target=80.5)),
        breakdowns={"region": _rows(REGIONS, {"astana": (66.1, 62.3, 69.7, 512), "almaty": (58.4, 55.1, 61.7, 688)},
                                    language)},
    )


def report_with_final_target(language: str = "ru") -> ReportData:
    """The report above plus :func:`a13` (measured, no target this year) and one indicator with no data."""
    base = report(language)
    empty = replace(a9(language), code="A10", national=Value(None), status=StatusInfo(NO_DATA), history=(),
                    breakdowns={})
    return replace(base, indicators=(*base.indicators, a13(language), empty))


def a12_satisfaction(language: str) -> IndicatorReport:
    """A small sample over all 20 regions: four regions are shown, sixteen are too small and hidden.

    The list of hidden regions then runs to several lines under the regional chart (as the demo's A12 does).
    """
    names = {code: (label["kk"], label["ru"]) for code, label in ALL_REGIONS.items()}
    shown = {"aktobe": (66.7, 57.5, 74.7, 92), "turkistan": (70.3, 60.7, 78.4, 130),
             "kostanay": (87.4, 75.2, 94.1, 92), "kyzylorda": (88.4, 79.4, 93.8, 91)}
    values = {code: shown.get(code, (HIDDEN_ESTIMATE, 30.0, 65.0, HIDDEN_N)) for code in names}
    hidden = {code: SMALL_N for code in names if code not in shown}
    return IndicatorReport(
        code="A12",
        name=Text(kk="Полиция қызметкерлерінің жұмысқа қанағаттану деңгейі",
                  ru="Уровень удовлетворённости сотрудников полиции работой",
                  en="Police employees' job satisfaction"),
        unit=Unit.PERCENT, direction=Direction.INCREASE, source=Source.SURVEY,
        national=Value(64.9, se=1.4, ci_low=62.1, ci_high=67.6, n=1741, n_eff=1150.0, deff=1.51),
        status=StatusInfo(NOT_DISTINGUISHABLE),
        target=TargetInfo(2025, 65.0, Kind.AT_LEAST, value=65.0),
        history=(HistoryPoint(2024, 62.3, 59.4, 65.1, 65.0), HistoryPoint(2025, 64.9, 62.1, 67.6, 65.0)),
        breakdowns={"region": _rows(names, values, language, hidden),
                    "sex": _rows(SEX, {"m": (64.7, 61.2, 68.0, 843), "f": (65.6, 61.2, 69.8, 898)}, language)},
    )


def report_with_hidden_regions(language: str = "ru") -> ReportData:
    base = report(language)
    return replace(base, indicators=(a12_satisfaction(language),))
