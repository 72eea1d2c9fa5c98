"""SYNTHETIC administrative statistics for the demo: yearly national and regional figures of every
administrative indicator, with a base year, moving roughly toward the targets. Not official statistics."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from analysis.programme import Programme, Source, Unit, load_programmes
from surveyapp.demo.population import strata_counts

# A plausible base level per unit (what the demo starts from in the base year).
BASE_LEVEL = {Unit.PER_100K: 240.0, Unit.PER_10K: 85.0, Unit.PERCENT: 35.0, Unit.COUNT: 1500.0, Unit.POINTS: 70.0}
TOTAL_POPULATION_FACTOR = 1.55  # all ages per adult


def _years(programme: Programme) -> list[int]:
    years = set(range(programme.period[0], programme.period[1] + 1))
    for indicator in programme.indicators:
        years |= {t.base_year for t in indicator.targets if t.base_year is not None}
    return sorted(years)


def rows(seed: int = 2026, last_year: int = 2025) -> list[dict[str, object]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible demo, not secrets
    population: dict[str, float] = {}
    for (region, _settlement), adults in strata_counts().items():
        population[region] = population.get(region, 0.0) + adults * TOTAL_POPULATION_FACTOR
    out: list[dict[str, object]] = []
    for programme in load_programmes():
        for indicator in programme.indicators:
            if indicator.source is not Source.ADMINISTRATIVE:
                continue
            level_target = next(
                (t.value for t in indicator.targets if t.kind.value in {"level", "at_most", "at_least"}), None
            )
            decrease = indicator.direction.value == "decrease"
            if level_target is not None:
                base = level_target * (1.03 if decrease else 0.9)
            else:
                base = BASE_LEVEL.get(indicator.unit, 100.0)
            step = -0.025 if decrease else 0.025
            for i, year in enumerate(y for y in _years(programme) if y <= last_year):
                level = base * (1 + step * i + rng.gauss(0, 0.01))
                if indicator.unit is Unit.PERCENT:
                    level = min(level, 99.0)
                regional = {r: max(0.0, level * (1 + rng.gauss(0, 0.15))) for r in population}
                if indicator.unit in (Unit.PER_100K, Unit.PER_10K):
                    factor = 100_000 if indicator.unit is Unit.PER_100K else 10_000
                    counts = {r: round(v * population[r] / factor) for r, v in regional.items()}
                    out.append(
                        _row(
                            programme,
                            indicator.code,
                            year,
                            "",
                            sum(counts.values()),
                            round(sum(population.values())),
                            "",
                        )
                    )
                    out += [
                        _row(programme, indicator.code, year, r, c, round(population[r]), "") for r, c in counts.items()
                    ]
                elif indicator.unit is Unit.COUNT:
                    weights = {r: population[r] / sum(population.values()) for r in population}
                    counts = {r: round(level * weights[r] * (1 + rng.gauss(0, 0.1))) for r in population}
                    out.append(_row(programme, indicator.code, year, "", sum(counts.values()), "", ""))
                    out += [_row(programme, indicator.code, year, r, c, "", "") for r, c in counts.items()]
                else:
                    out.append(_row(programme, indicator.code, year, "", "", "", round(level, 2)))
                    out += [
                        _row(programme, indicator.code, year, r, "", "", round(min(v, 100.0), 2))
                        for r, v in regional.items()
                    ]
    return out


def _row(
    programme: Programme, code: str, year: int, region: str, count: object, population: object, value: object
) -> dict[str, object]:
    return {
        "programme": programme.code,
        "indicator": code,
        "year": year,
        "region": region,
        "count": count,
        "population": population,
        "value": value,
    }


def write(path: Path, seed: int = 2026) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["programme", "indicator", "year", "region", "count", "population", "value"]
        )
        writer.writeheader()
        writer.writerows(rows(seed))
    return path
