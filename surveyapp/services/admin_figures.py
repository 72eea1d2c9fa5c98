"""Administrative statistics of the programmes' indicators, imported per year and region from CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from analysis.programme import Programme, Source, Unit, load_programmes
from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import AdminFigure
from surveyapp.services.margins import known_regions
from surveyapp.services.tabular import ImportFileError, number, read_table

RATE_FACTORS = {Unit.PER_100K: 100_000.0, Unit.PER_10K: 10_000.0, Unit.PERCENT: 100.0}
COLUMNS = ["programme", "indicator", "year", "region", "count", "population", "value"]


def _years(programme: Programme) -> set[int]:
    years = set(range(programme.period[0], programme.period[1] + 1))
    for indicator in programme.indicators:
        years |= {t.base_year for t in indicator.targets if t.base_year is not None}
        if indicator.baseline is not None and indicator.baseline.year is not None:
            years.add(indicator.baseline.year)
    return years


def import_figures(path: Path, questionnaires: Path, replace: bool = False, synthetic: bool = False) -> int:
    """Check every row first and store nothing unless the whole file is right; returns the rows stored."""
    table = read_table(path, ["programme", "indicator", "year", "count", "population", "value"])
    programmes = {p.code: p for p in load_programmes()}
    regions = known_regions(questionnaires)
    seen: dict[tuple[str, str, int, str], int] = {}
    figures = []
    for line, row in table.rows:
        programme = programmes.get(row["programme"])
        if programme is None:
            raise ImportFileError(
                f"{path}:{line}: unknown programme {row['programme']!r} (known: {', '.join(sorted(programmes))})"
            )
        try:
            indicator = programme.indicator(row["indicator"])
        except Exception:  # ProgrammeError: say it the researcher's way
            administrative = ", ".join(i.code for i in programme.indicators if i.source is not Source.SURVEY)
            raise ImportFileError(
                f"{path}:{line}: unknown indicator {row['indicator']!r} in {programme.code} "
                f"(administrative ones: {administrative})"
            ) from None
        if indicator.source is Source.SURVEY:
            raise ImportFileError(
                f"{path}:{line}: {indicator.code} is a survey indicator; it is computed from responses, not imported"
            )
        try:
            year = int(row["year"])
        except ValueError:
            raise ImportFileError(f"{path}:{line}: year {row['year']!r} is not a year") from None
        allowed = _years(programme)
        if year not in allowed:
            raise ImportFileError(
                f"{path}:{line}: {year} is outside programme {programme.code} "
                f"(years {min(allowed)}–{max(allowed)}, base years included)"
            )
        region = row.get("region", "")
        if region and regions and region not in regions:
            raise ImportFileError(
                f"{path}:{line}: unknown region {region!r}; leave it empty for the national figure or use the "
                "codes of questionnaires/_lists/regions.yaml"
            )
        count = number(table, line, "count", row["count"], allow_empty=True)
        population = number(table, line, "population", row["population"], allow_empty=True)
        value = number(table, line, "value", row["value"], allow_empty=True) if "value" in row else None
        if value is None:
            if count is None:
                raise ImportFileError(f"{path}:{line}: give a count (with its population) or a value")
            factor = RATE_FACTORS.get(indicator.unit)
            if factor is not None:
                if not population:
                    raise ImportFileError(
                        f"{path}:{line}: {indicator.code} is {indicator.unit.value}: give the population the count "
                        "refers to (a positive number)"
                    )
                value = count / population * factor
            else:
                value = count
        key = (programme.code, indicator.code, year, region)
        if key in seen:
            raise ImportFileError(f"{path}:{line}: the same indicator, year and region as line {seen[key]}")
        seen[key] = line
        figures.append(
            AdminFigure(
                programme=programme.code,
                indicator=indicator.code,
                year=year,
                region=region,
                count=count,
                population=population,
                value=value,
                file_name=path.name,
                sha256=table.sha256,
                synthetic=synthetic,
            )
        )
    existing = {
        (f.programme, f.indicator, f.year, f.region): f
        for f in db.session.scalars(select(AdminFigure).where(AdminFigure.programme.in_({k[0] for k in seen})))
    }
    clashes = [k for k in seen if k in existing and existing[k].value != figures[list(seen).index(k)].value]
    if clashes and not replace:
        first = clashes[0]
        raise ImportFileError(
            f"{path}: {len(clashes)} figure(s) already imported with other values, e.g. {first[1]} {first[2]} "
            f"{first[3] or 'national'} (from {existing[first].file_name}); add --replace to overwrite them"
        )
    for figure in figures:
        old = existing.get((figure.programme, figure.indicator, figure.year, figure.region))
        if old is not None:
            db.session.delete(old)
    db.session.flush()
    db.session.add_all(figures)
    audit.record("admin_import", "statistics", path.name, {"rows": len(figures), "sha256": table.sha256})
    return len(figures)
