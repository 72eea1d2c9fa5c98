"""The yearly report's input, assembled from the stored computation runs (every number is a stored value).

The methodology annex is assembled in :mod:`surveyapp.services.report_methodology`; its population and
margin names are still importable from here."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from analysis.errors import DataError, ProgrammeError
from analysis.programme import Indicator, Kind, absolute_target, load_programme
from analysis.report import (
    DISCLOSURE,
    NO_DATA,
    NO_TARGET,
    SMALL_N,
    STATUSES,
    BreakdownRow,
    GroupComparison,
    HistoryPoint,
    IndicatorReport,
    ReportData,
    StatusInfo,
    TargetInfo,
    Value,
    YearChange,
)
from analysis.status import trajectory_status
from surveyapp.extensions import db
from surveyapp.models import AdminFigure, ComputationRun, IndicatorResult
from surveyapp.questionnaire.shared_lists import read_shared_lists
from surveyapp.services.report_labels import RunLabels, run_labels
from surveyapp.services.report_methodology import MARGIN_NAMES as MARGIN_NAMES
from surveyapp.services.report_methodology import POPULATION_NAMES as POPULATION_NAMES
from surveyapp.services.report_methodology import methodology as report_methodology


class ReportError(Exception):
    """No report can be made; the message says what to compute or publish first."""


def latest_run(programme: str, year: int, published_only: bool) -> ComputationRun | None:
    query = select(ComputationRun).where(ComputationRun.programme == programme, ComputationRun.year == year)
    if published_only:
        query = query.where(ComputationRun.published_at.is_not(None))
    return db.session.scalar(query.order_by(ComputationRun.id.desc()).limit(1))


def available_years(programme: str, published_only: bool) -> list[int]:
    query = select(ComputationRun.year).where(ComputationRun.programme == programme).distinct()
    if published_only:
        query = query.where(ComputationRun.published_at.is_not(None))
    return sorted(db.session.scalars(query))


# How a response was collected (SurveyResponse.mode), the categories of the "mode" breakdown.
MODE_LABELS: dict[str, dict[str, str]] = {
    "web": {"kk": "веб (өзі толтырған)", "ru": "веб (самозаполнение)", "en": "web (self-completed)"},
    "interviewer": {"kk": "интервьюер", "ru": "интервьюер", "en": "interviewer"},
}


@lru_cache(maxsize=4)
def _labels(questionnaires: str) -> dict[str, dict[str, dict[str, str]]]:
    """Category labels per design variable, from the shared lists (regions, sex, settlement)."""
    lists = read_shared_lists(Path(questionnaires))
    labels: dict[str, dict[str, dict[str, str]]] = {}
    for variable, name in (("region", "regions"), ("sex", "sex"), ("settlement", "settlement")):
        shared = lists.get(name)
        for choice in (shared.raw_choices if shared else None) or []:
            if isinstance(choice, dict) and "code" in choice:
                labels.setdefault(variable, {})[str(choice["code"])] = dict(choice.get("label") or {})
    labels["mode"] = MODE_LABELS
    return labels


def _label(questionnaires: str, breakdown: str, category: str, language: str, run: RunLabels | None = None) -> str:
    texts = _labels(questionnaires).get(breakdown, {}).get(category)
    if texts:
        return texts.get(language) or texts.get("ru") or category
    # A variable read from an item (the staff's age band): the label of the choice in the version used.
    from_item = run.category(breakdown, category, language) if run is not None else None
    return from_item or category


def _reason(suppressed: str) -> str | None:
    """The renderer's reason code for a withheld cell, or None when the cell is shown."""
    if not suppressed:
        return None
    if suppressed.startswith("suppressed") and "respondents" in suppressed:
        return SMALL_N
    return DISCLOSURE


def _value(row: IndicatorResult) -> Value:
    return Value(
        estimate=row.estimate,
        se=row.se,
        ci_low=row.ci_low,
        ci_high=row.ci_high,
        n=row.n,
        n_eff=row.n_eff,
        deff=row.deff,
        # Administrative figures are a complete count: no design df (the column is not set for them).
        df=row.df,
    )


def _status(row: IndicatorResult | None, trajectory: str | None = None, language: str = "en") -> StatusInfo:
    # The stored notes are the computation's English diagnostics: printed in an English report only, the
    # kk/ru reports say the same through the status and target wording.
    if row is None:
        return StatusInfo(NO_DATA, trajectory=trajectory, note="not computed" if language == "en" else None)
    note = ((row.details or {}).get("note") or None) if language == "en" else None
    if row.status in STATUSES and row.status != NO_TARGET:
        return StatusInfo(row.status, trajectory=trajectory, note=note)
    if row.status == NO_TARGET and row.estimate is not None:
        # Measured in a year the programme sets no target for: not "no data" (the final target is shown).
        return StatusInfo(NO_TARGET, trajectory=trajectory, note=note)
    # no_base / no_status: the value is shown, but it cannot be compared with this year's target.
    return StatusInfo(NO_DATA, trajectory=trajectory, note=note or (row.status if language == "en" else None))


def _trajectory(indicator: Indicator, history: dict[int, IndicatorResult], admin: dict[int, float]) -> str | None:
    """Progress toward the programme's final target over the years known so far (analysis.status).

    The years are those computed (``history``) and, for a target set against a base year, that base year's
    imported administrative figure (``admin``, by year), where the series then starts. None (nothing printed)
    with fewer than two years, or when the final target cannot be made a value of the indicator because its
    base is unknown: a trajectory against a guessed target would be a number the ministry cannot defend.
    """
    observed = {year: row.estimate for year, row in history.items() if row.estimate is not None}
    target = indicator.final_target if indicator.targets else None
    absolute = None
    if target is not None:
        base_year = target.year - 1 if target.kind is Kind.CHANGE_VS_PREVIOUS else target.base_year
        if base_year is not None and base_year not in observed and base_year in admin and base_year < target.year:
            observed[base_year] = admin[base_year]
        try:
            absolute = absolute_target(target, observed.get(base_year) if base_year is not None else None)
        except ProgrammeError:
            return None
    if len(observed) < 2:
        return None
    try:
        result = trajectory_status(
            observed,
            indicator.direction,
            target=absolute,
            target_year=target.year if target is not None else None,
            kind=target.kind if target is not None else Kind.LEVEL,
        )
    except DataError:
        return None  # e.g. a zero value: growth rates need positive values
    return result.status.value


def _admin_figures(programme: str, year: int) -> dict[str, dict[int, float]]:
    """National administrative figures up to ``year``, by indicator and year (base years included)."""
    figures: dict[str, dict[int, float]] = defaultdict(dict)
    national = (AdminFigure.programme == programme, AdminFigure.region == "", AdminFigure.year <= year)
    rows = db.session.scalars(select(AdminFigure).where(*national))
    for figure in rows:
        figures[figure.indicator][figure.year] = figure.value
    return figures


def _target(indicator: Indicator, year: int, row: IndicatorResult | None, final: bool = False) -> TargetInfo | None:
    """The target of ``year``, or None; with ``final``, the programme's last target whatever the year."""
    try:
        target = indicator.final_target if final else indicator.target(year)
    except ProgrammeError:
        return None
    if target is None:
        return None
    value = row.target if row is not None and row.target is not None and target.year == year else None
    if value is None and target.kind.value in {"level", "at_least", "above", "at_most", "rank"}:
        value = target.value
    return TargetInfo(
        year=target.year,
        printed_value=target.value,
        kind=target.kind,
        value=value,
        base_year=target.base_year,
        reading=target.reading,
    )


def report_data(
    programme_code: str,
    year: int,
    language: str,
    questionnaires: str,
    published_only: bool = True,
    run: ComputationRun | None = None,
) -> ReportData:
    """The report of the year's latest (published) run, or of ``run`` when given (a stored report file's)."""
    try:
        programme = load_programme(programme_code)
    except ProgrammeError as error:
        raise ReportError(str(error)) from None
    if run is None:
        run = latest_run(programme.code, year, published_only)
    if run is None:
        what = "published results" if published_only else "computed results"
        hint = (
            f"compute them with: flask indicators compute --programme {programme.code} --year {year}"
            if not latest_run(programme.code, year, False)
            else "publish the computed results first (dashboard, or --draft to build a draft report)"
        )
        raise ReportError(f"{programme.code} {year} has no {what}; {hint}")
    rows: dict[str, list[IndicatorResult]] = defaultdict(list)
    for row in run.results:
        rows[row.indicator].append(row)
    history = _history(programme.code, year, published_only)
    labels = run_labels(run)
    admin = _admin_figures(programme.code, year)
    indicators = []
    for indicator in programme.indicators:
        national = next((r for r in rows[indicator.code] if not r.breakdown), None)
        breakdowns: dict[str, list[BreakdownRow]] = defaultdict(list)
        for row in rows[indicator.code]:
            if row.breakdown:
                # Flagged cells (CI too wide) are withheld like suppressed ones: never a bare number in a report.
                hidden = _reason(row.suppressed)
                breakdowns[row.breakdown].append(
                    BreakdownRow(
                        category=row.category,
                        label=_label(questionnaires, row.breakdown, row.category, language, labels),
                        value=_value(row),
                        suppressed=hidden,
                    )
                )
        points = []
        for point_year, point in sorted(history.get(indicator.code, {}).items()):
            target = _target(indicator, point_year, point)
            points.append(
                HistoryPoint(
                    year=point_year,
                    estimate=point.estimate,
                    ci_low=point.ci_low,
                    ci_high=point.ci_high,
                    target=target.value if target and target.year == point_year else None,
                )
            )
        for planned in indicator.targets:
            if planned.year not in history.get(indicator.code, {}) and planned.kind.value in {
                "level",
                "at_least",
                "above",
                "at_most",
            }:
                points.append(HistoryPoint(year=planned.year, target=planned.value))
        indicators.append(
            IndicatorReport(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                direction=indicator.direction,
                source=indicator.source,
                national=_value(national) if national else Value(None),
                status=_status(
                    national,
                    _trajectory(indicator, history.get(indicator.code, {}), admin.get(indicator.code, {})),
                    language,
                ),
                target=_target(indicator, year, national),
                final_target=_target(indicator, year, national, final=True) if indicator.targets else None,
                history=tuple(points),
                breakdowns={k: tuple(v) for k, v in breakdowns.items()},
                note=indicator.note if language == "en" else None,
                comparisons=_comparisons(national, questionnaires, language, labels),
                change=_change(national),
            )
        )
    methodology, synthetic = report_methodology(run, year, language, labels, programme.indicators)
    return ReportData(
        programme_code=programme.code,
        programme_name=programme.name,
        year=year,
        language=language,
        generated_at=datetime.now(UTC),
        indicators=tuple(indicators),
        methodology=methodology,
        synthetic=synthetic,
        draft=run.published_at is None,
        period=programme.period,
        coordinator=programme.coordinator,
        run_id=run.id,
    )


def _change(national: IndicatorResult | None) -> YearChange | None:
    """The stored change from the previous year (surveyapp.services.indicators.year_change); older runs have none."""
    stored = (national.details or {}).get("change") if national is not None else None
    if not stored:
        return None
    try:
        return YearChange(from_year=int(stored["from_year"]), change=float(stored["change"]),
                          ci_low=float(stored["ci_low"]), ci_high=float(stored["ci_high"]), status=stored["status"])
    except (KeyError, TypeError, ValueError):
        return None


def _comparisons(
    national: IndicatorResult | None, questionnaires: str, language: str, labels: RunLabels
) -> tuple[GroupComparison, ...]:
    """The run's stored group contrasts (surveyapp.services.indicators.group_contrasts); older runs have none."""
    stored = ((national.details or {}).get("contrasts") if national is not None else None) or []
    found = []
    for c in stored:
        try:
            found.append(GroupComparison(
                first=_label(questionnaires, c["breakdown"], c["first"], language, labels),
                second=_label(questionnaires, c["breakdown"], c["second"], language, labels),
                difference=float(c["difference"]), ci_low=float(c["ci_low"]), ci_high=float(c["ci_high"]),
            ))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(found)


def _history(programme: str, year: int, published_only: bool) -> dict[str, dict[int, IndicatorResult]]:
    history: dict[str, dict[int, IndicatorResult]] = defaultdict(dict)
    for past in available_years(programme, published_only):
        if past > year:
            continue
        run = latest_run(programme, past, published_only)
        if run is None:
            continue
        for row in run.results:
            if not row.breakdown and row.estimate is not None:
                history[row.indicator][past] = row
    return history


def result_rows(run: ComputationRun) -> list[dict[str, Any]]:
    """The stored national results as plain dicts (for tests and the dashboard)."""
    return [
        {
            "indicator": r.indicator,
            "estimate": r.estimate,
            "ci_low": r.ci_low,
            "ci_high": r.ci_high,
            "n": r.n,
            "status": r.status,
            "target": r.target,
        }
        for r in run.results
        if not r.breakdown
    ]
