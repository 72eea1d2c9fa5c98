"""The result rows of a computation run: survey estimates with their disclosure decision, the national
figure's status against its target, the administrative indicators' rows, and the run's fingerprint."""

from __future__ import annotations

import hashlib
import json
import math

from sqlalchemy import select

from analysis import AnalysisError, Estimate
from analysis.errors import ProgrammeError
from analysis.programme import CHANGE_KINDS, Indicator, Programme, Source
from analysis.status import (
    Disclosure,
    DisclosureRule,
    TargetStatus,
    Unassessed,
    disclosure,
    indicator_status,
)
from surveyapp.extensions import db
from surveyapp.models import AdminFigure, ComputationRun, IndicatorResult


def result_row(
    indicator: str, breakdown: str, e: Estimate, rule: DisclosureRule, ci_method: str | None = None
) -> IndicatorResult:
    """One estimate as a stored row; a breakdown cell carries the disclosure rule's decision, and every row the
    interval it got (``details["ci_method"]``: the df rule picks per domain, so the annex can say which)."""
    suppressed = ""
    if breakdown:
        decision = disclosure(e.n, (e.ci_low, e.ci_high), rule)
        if decision.action is Disclosure.SUPPRESS:
            suppressed = "suppressed: " + decision.message
        elif decision.action is Disclosure.FLAG:
            suppressed = "flagged: " + decision.message
    return IndicatorResult(
        indicator=indicator,
        breakdown=breakdown,
        category="" if e.by is None else str(e.by),
        estimate=_finite(e.estimate),
        se=_finite(e.se),
        ci_low=_finite(e.ci_low),
        ci_high=_finite(e.ci_high),
        df=float(e.df),
        deff=_finite(e.deff),
        n=int(e.n),
        n_eff=_finite(e.n_eff),
        suppressed=suppressed[:80],
        details={"ci_method": ci_method} if ci_method else {},
    )


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def target_status(
    indicator: Indicator, year: int, value: float | None, ci: tuple[float, float] | None, base_value: float | None
) -> tuple[TargetStatus | Unassessed, float | None, str]:
    """(status, absolute target, note) for the national figure."""
    if value is None:
        return Unassessed.NO_DATA, None, "no figure for the year"
    try:
        target = indicator.target(year)
    except ProgrammeError:
        return Unassessed.NO_TARGET, None, f"no target for {year}"
    if target.kind in CHANGE_KINDS and base_value is None:
        return Unassessed.NO_BASE, None, f"the {target.base_year or year - 1} base value is not imported"
    try:
        status = indicator_status(indicator, year, value, ci, base_value)
    except AnalysisError as error:
        return Unassessed.NO_STATUS, None, str(error)
    return status.status, status.target, ""


def administrative_results(programme: Programme, year: int) -> list[IndicatorResult]:
    """The year's rows of the administrative indicators, national (with status) and by region."""
    figures = list(db.session.scalars(select(AdminFigure).where(AdminFigure.programme == programme.code)))
    table: dict[tuple[str, int, str], AdminFigure] = {(f.indicator, f.year, f.region): f for f in figures}
    results = []
    for indicator in programme.indicators:
        if indicator.source is Source.SURVEY:
            continue
        national = table.get((indicator.code, year, ""))
        value = national.value if national else None
        base_value = None
        try:
            target = indicator.target(year)
            base_year = target.base_year if target.base_year is not None else year - 1
            base = table.get((indicator.code, base_year, ""))
            base_value = base.value if base else None
        except ProgrammeError:
            pass
        status, absolute, note = target_status(indicator, year, value, None, base_value)
        head = IndicatorResult(
            indicator=indicator.code,
            estimate=value,
            status=status.value,
            target=absolute,
            details={"note": note, "synthetic": bool(national and national.synthetic), "base_value": base_value}
            if national or note
            else {},
        )
        results.append(head)
        for (code, figure_year, region), figure in sorted(table.items()):
            if code == indicator.code and figure_year == year and region:
                results.append(
                    IndicatorResult(
                        indicator=indicator.code, breakdown="region", category=region, estimate=figure.value, n=None
                    )
                )
    return results


def results_fingerprint(run: ComputationRun) -> str:
    """A hash of every stored number: equal inputs must give an equal fingerprint."""
    rows = sorted(
        (r.indicator, r.breakdown, r.category, r.estimate, r.se, r.ci_low, r.ci_high, r.n, r.status, r.suppressed)
        for r in run.results
    )
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()
