"""Time building the full yearly report (PDF + XLSX) for one programme-year: 17 indicators, 20 regions.

The ReportData is synthetic (random numbers around the real targets of the public-safety programme, the real
region list); the goal is within 30 s on the project machines
(a ministry rebuilds it after every correction). Not a test.

    .venv/bin/python benchmarks/report_bench.py [--runs 3] [--lang kk] [--out benchmarks/out]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.programme import Source, Unit, absolute_target, load_programme  # noqa: E402
from analysis.report import (  # noqa: E402
    ACHIEVED,
    NO_DATA,
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
    StatusInfo,
    TargetInfo,
    Value,
    WeightingInfo,
    build,
)

YEAR = 2025
GROUPS = {
    "sex": {"m": {"kk": "Ерлер", "ru": "Мужчины", "en": "Men"}, "f": {"kk": "Әйелдер", "ru": "Женщины", "en": "Women"}},
    "age_group": {"18_29": {"kk": "18–29 жас", "ru": "18–29 лет", "en": "18–29"},
                  "30_44": {"kk": "30–44 жас", "ru": "30–44 лет", "en": "30–44"},
                  "45_59": {"kk": "45–59 жас", "ru": "45–59 лет", "en": "45–59"},
                  "60_plus": {"kk": "60 жас және одан үлкен", "ru": "60 лет и старше", "en": "60 and over"}},
    "settlement": {"urban": {"kk": "Қала", "ru": "Город", "en": "Urban"},
                   "rural": {"kk": "Ауыл", "ru": "Село", "en": "Rural"}},
}


def regions() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((ROOT / "questionnaires" / "_lists" / "regions.yaml").read_text(encoding="utf-8"))
    return {choice["code"]: choice["label"] for choice in data["choices"]}


def _survey_value(rng: random.Random, centre: float, n: int, percent: bool) -> Value:
    estimate = min(99.0, max(1.0, rng.gauss(centre, 4.0)))
    deff = rng.uniform(1.2, 1.8)
    # a share's binomial variance; a 0-100 score with a standard deviation of 8-14 points
    se = (estimate * (100 - estimate) / n * deff) ** 0.5 if percent else rng.uniform(8, 14) * (deff / n) ** 0.5
    return Value(estimate, se, estimate - 1.96 * se, estimate + 1.96 * se, n, n / deff, deff)


def _status(value: Value, target: float, direction: str) -> str:
    """The usual rule (interval wholly on one side of the target), so the sample report looks coherent."""
    low = value.ci_low if value.ci_low is not None else value.estimate
    high = value.ci_high if value.ci_high is not None else value.estimate
    if low is None or high is None:
        return NO_DATA
    if direction == "decrease":
        low, high, target = -high, -low, -target
    if low >= target:
        return ACHIEVED
    if high < target:
        return NOT_ACHIEVED
    return NOT_DISTINGUISHABLE


def synthetic_report(language: str = "ru", seed: int = 7) -> ReportData:
    rng = random.Random(seed)
    programme = load_programme("public_safety_2024_2028")
    region_labels = regions()
    indicators = []
    for ind in programme.indicators:
        target = ind.target(YEAR) if YEAR in ind.years else ind.final_target
        base = rng.uniform(50, 90) if ind.unit in (Unit.PERCENT, Unit.POINTS) else rng.uniform(5, 2000)
        target_value = absolute_target(target, base_value=base)
        survey = ind.source is Source.SURVEY
        percent = ind.unit is Unit.PERCENT
        if survey:
            national = _survey_value(rng, target_value + rng.uniform(-4, 4), 12_000, percent)
        else:
            national = Value(target_value * rng.uniform(0.9, 1.1))
        breakdowns: dict[str, tuple[BreakdownRow, ...]] = {}
        rows = []
        for code, label in region_labels.items():
            if survey:
                n = rng.choice([24, *range(200, 900, 50)])
                value = _survey_value(rng, national.estimate or 50, n, percent)
                rows.append(BreakdownRow(code, label[language], value, SMALL_N if n < 30 else None))
            else:
                rows.append(BreakdownRow(code, label[language], Value((national.estimate or 1) * rng.uniform(.7, 1.3))))
        if ind.source is not Source.EXTERNAL_RATING:  # a country's rank has no regions
            breakdowns["region"] = tuple(rows)
        if survey:
            for name, categories in GROUPS.items():
                breakdowns[name] = tuple(
                    BreakdownRow(code, label[language], _survey_value(rng, national.estimate or 50, 3000, percent))
                    for code, label in categories.items())
        history = [HistoryPoint(t.year, target=absolute_target(t, base_value=base)) for t in ind.targets]
        history = [h if h.year != YEAR - 1 else HistoryPoint(h.year, (national.estimate or 0) * 0.98,
                                                             None, None, h.target) for h in history]
        if national.ci_low is not None and history and history[0].year < YEAR:
            first = history[0]
            e = first.estimate or national.estimate or 0
            history[0] = HistoryPoint(first.year, e, e - 1.5, e + 1.5, first.target)
        status = _status(national, target_value, ind.direction.value) if rng.random() > 0.1 else NO_DATA
        indicators.append(IndicatorReport(
            code=ind.code, name=ind.name, unit=ind.unit, direction=ind.direction, source=ind.source,
            national=national if status != NO_DATA else Value(None), status=StatusInfo(status),
            target=TargetInfo(target.year, target.value, target.kind, target_value, target.base_year, target.reading),
            history=tuple(history), breakdowns=breakdowns,
        ))
    methodology = Methodology(
        samples=(InstrumentSample("public_safety", "2025", "ab12" * 16, 12_000, date(2025, 5, 1), date(2025, 6, 30)),),
        weighting=(WeightingInfo("public_safety", ("region × settlement", "sex × age_group"), "margins 2025"),),
        admin_sources=tuple(AdminSource(i.code, "ІІМ / МВД", f"admin_{YEAR}.csv", "cd34" * 16)
                            for i in indicators if not i.is_survey),
    )
    return ReportData(
        programme_code=programme.code, programme_name=programme.name, year=YEAR, language=language,
        generated_at=datetime(2026, 1, 15, tzinfo=UTC), indicators=tuple(indicators),
        methodology=methodology, synthetic=True, period=programme.period, coordinator=programme.coordinator,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lang", default="kk", choices=("kk", "ru", "en"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args()
    report = synthetic_report(args.lang)
    regions_n = len(report.indicators[0].breakdowns["region"])
    print(f"{len(report.indicators)} indicators, {regions_n} regions, language {args.lang}, {args.runs} runs")
    times: dict[str, list[float]] = {"pdf": [], "xlsx": [], "pdf+xlsx": []}
    for _ in range(args.runs):
        start = time.perf_counter()
        build(report, "pdf", args.out / f"report_{args.lang}.pdf")
        middle = time.perf_counter()
        build(report, "xlsx", args.out / f"report_{args.lang}.xlsx")
        end = time.perf_counter()
        times["pdf"].append(middle - start)
        times["xlsx"].append(end - middle)
        times["pdf+xlsx"].append(end - start)
    for name, values in times.items():
        print(f"{name:9s} median {statistics.median(values):6.2f} s   (runs: {', '.join(f'{v:.2f}' for v in values)})")
    print(f"files in {args.out}")


if __name__ == "__main__":
    main()
