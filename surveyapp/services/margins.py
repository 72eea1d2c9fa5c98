"""Population margins for raking: imported per year and population as region × sex × age group × settlement."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import MarginSet
from surveyapp.questionnaire.shared_lists import read_shared_lists
from surveyapp.services.tabular import ImportFileError, number, read_table

DIMENSIONS = ("region", "sex", "age_group", "settlement")
KNOWN = {"sex": {"male", "female"}, "settlement": {"urban", "rural"}}


def known_regions(questionnaires: Path) -> set[str]:
    shared = read_shared_lists(questionnaires).get("regions")
    choices = shared.raw_choices if shared is not None else None
    return {str(c["code"]) for c in choices or [] if isinstance(c, dict) and "code" in c}


def import_margins(
    path: Path, year: int, population: str, questionnaires: Path, replace: bool = False, synthetic: bool = False
) -> MarginSet:
    table = read_table(path, ["total"])
    dimensions = [d for d in DIMENSIONS if d in table.columns]
    if not dimensions:
        raise ImportFileError(f"{path}: no margin column; give one or more of {', '.join(DIMENSIONS)} and total")
    regions = known_regions(questionnaires)
    cells = []
    seen: dict[tuple[str, ...], int] = {}
    for line, row in table.rows:
        key = tuple(row[d] for d in dimensions)
        for dimension, value in zip(dimensions, key, strict=True):
            if not value:
                raise ImportFileError(f"{path}:{line}: {dimension} is empty")
        if regions and "region" in row and row["region"] not in regions:
            raise ImportFileError(
                f"{path}:{line}: unknown region {row['region']!r}; use the codes of questionnaires/_lists/regions.yaml"
            )
        for dimension in ("sex", "settlement"):
            if dimension not in dimensions:
                continue
            value = row[dimension]
            if value not in KNOWN[dimension]:
                raise ImportFileError(
                    f"{path}:{line}: unknown {dimension} {value!r}; use {', '.join(sorted(KNOWN[dimension]))}"
                )
        if key in seen:
            raise ImportFileError(f"{path}:{line}: the same cell as line {seen[key]} ({', '.join(key)})")
        seen[key] = line
        total = number(table, line, "total", row["total"])
        cells.append(dict(zip(dimensions, key, strict=True)) | {"total": total})
    existing = db.session.scalar(select(MarginSet).where(MarginSet.year == year, MarginSet.population == population))
    if existing is not None:
        if existing.sha256 == table.sha256:
            return existing
        if not replace:
            raise ImportFileError(
                f"margins for {population} {year} are already imported (from {existing.file_name}); "
                "add --replace to put this file in their place"
            )
        db.session.delete(existing)
        db.session.flush()
    margin_set = MarginSet(
        year=year, population=population, cells=cells, file_name=path.name, sha256=table.sha256, synthetic=synthetic
    )
    db.session.add(margin_set)
    db.session.flush()
    audit.record(
        "margins_import",
        "margins",
        f"{population}/{year}",
        {"file": path.name, "sha256": table.sha256, "cells": len(cells)},
    )
    return margin_set


def margin_variables(margin_set: MarginSet) -> tuple[str, ...]:
    present = set(margin_set.cells[0]) if margin_set.cells else set()
    return tuple(d for d in DIMENSIONS if d in present)


def raking_margins(margin_set: MarginSet) -> dict[str, dict[str, float]]:
    """One-way margins (variable → category → total) summed from the cells."""
    variables = margin_variables(margin_set)
    margins: dict[str, dict[str, float]] = {v: defaultdict(float) for v in variables}
    for cell in margin_set.cells:
        for variable in variables:
            margins[variable][str(cell[variable])] += float(cell["total"])
    return {v: dict(c) for v, c in margins.items()}
