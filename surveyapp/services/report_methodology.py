"""The report's methodology annex, assembled from a computation run's provenance: the samples per
questionnaire version with their fieldwork dates, the weighting margins, strata of a single PSU, the
administrative sources and the disclosure rule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from analysis.programme import Indicator
from analysis.report import (
    AdminSource,
    InstrumentSample,
    Methodology,
    ModeRestriction,
    SinglePSUStrata,
    WeightingInfo,
    WeightSummary,
)
from analysis.vocabulary import POPULATION_NAMES
from surveyapp.extensions import db
from surveyapp.models import AdminFigure, ComputationRun, Instrument, ResponseStatus, StoredVersion, SurveyResponse
from surveyapp.services.report_labels import RunLabels

MARGIN_NAMES = {
    "region": {"kk": "өңір", "ru": "регион", "en": "region"},
    "sex": {"kk": "жыныс", "ru": "пол", "en": "sex"},
    "age_group": {"kk": "жас тобы", "ru": "возрастная группа", "en": "age group"},
    "settlement": {"kk": "елді мекен түрі", "ru": "тип поселения", "en": "settlement type"},
}


def methodology(
    run: ComputationRun, year: int, language: str, labels: RunLabels, indicators: tuple[Indicator, ...] = ()
) -> tuple[Methodology, bool]:
    """The run's methodology annex in ``language``, and whether any of its inputs is synthetic."""
    samples, weighting = [], []
    single_psu: list[SinglePSUStrata] = []
    synthetic = False
    withdrawn = 0
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    for population, info in (run.provenance or {}).get("populations", {}).items():
        margins = info.get("margins")
        withdrawn += int((info.get("excluded") or {}).get("withdrawn", 0))
        synthetic |= bool(margins and margins.get("synthetic"))
        lonely = info.get("lonely_psu") or {}  # runs stored before the rule was recorded had no such strata
        if lonely.get("strata"):
            name = POPULATION_NAMES.get(population, {}).get(language, population)
            single_psu.append(SinglePSUStrata(name, lonely["rule"], tuple(lonely["strata"])))
        for key, sha in info.get("versions", {}).items():
            instrument, version = key.split("/", 1)
            row = db.session.scalar(
                select(StoredVersion)
                .join(Instrument)
                .where(Instrument.code == instrument, StoredVersion.version == version)
            )
            first = last = None
            count = 0
            modes: set[str] = set()
            if row is not None:
                first, last, count = db.session.execute(
                    select(
                        func.min(SurveyResponse.submitted_at), func.max(SurveyResponse.submitted_at), func.count()
                    ).where(
                        SurveyResponse.version_id == row.id,
                        SurveyResponse.status == ResponseStatus.SUBMITTED.value,
                        SurveyResponse.submitted_at >= start,
                        SurveyResponse.submitted_at < end,
                    )
                ).one()
                modes = set(
                    db.session.scalars(
                        select(SurveyResponse.mode).where(SurveyResponse.version_id == row.id).distinct()
                    )
                )
            synthetic |= "synthetic" in modes
            samples.append(
                InstrumentSample(
                    instrument=labels.title(instrument, language),
                    version=version,
                    sha256=sha,
                    respondents=int(count or 0),
                    fieldwork_start=first.date() if first else None,
                    fieldwork_end=last.date() if last else None,
                    population=POPULATION_NAMES.get(population, {}).get(language, population),
                )
            )
        if margins:
            names = tuple(MARGIN_NAMES[v][language] for v in MARGIN_NAMES if v in _margin_variables(run, population))
            weighting.append(
                WeightingInfo(
                    instrument=POPULATION_NAMES.get(population, {}).get(language, population),
                    margins=names or ("—",),
                    source=f"{margins['file']} (SHA-256 {margins['sha256'][:12]}…)",
                    diagnostics=_weight_summary(info.get("weights")),
                )
            )
    sources = []
    figures = db.session.execute(
        select(AdminFigure.indicator, AdminFigure.file_name, AdminFigure.sha256, AdminFigure.synthetic).where(
            AdminFigure.programme == run.programme, AdminFigure.year == year, AdminFigure.region == ""
        )
    ).all()
    for code, file_name, sha, is_synthetic in figures:
        synthetic |= bool(is_synthetic)
        agencies = next((", ".join(i.agencies) for i in indicators if i.code == code), "")
        sources.append(AdminSource(indicator=code, source=agencies or file_name, file=file_name, sha256=sha))
    rule = (run.provenance or {}).get("disclosure", {})
    ci_method, small_df = interval_rule(run)
    return Methodology(
        samples=tuple(samples),
        weighting=tuple(weighting),
        admin_sources=tuple(sources),
        single_psu=tuple(single_psu),
        min_cell_n=int(rule.get("min_n", 30)),
        withdrawn=withdrawn,
        mode_restrictions=_mode_restrictions(run),
        panel_populations=tuple(
            POPULATION_NAMES.get(population, {}).get(language, population)
            for population, info in sorted((run.provenance or {}).get("populations", {}).items())
            if isinstance(info, dict) and (info.get("previous_year") or {}).get("samples") == "panel"
        ),
        ci_method=ci_method,
        # A run that judged a survey indicator's change target on the change's CI says so; others took the
        # base as exact (administrative figures have no sampling error).
        change_inference="ci" if (run.provenance or {}).get("change_targets") else "base_exact",
        small_df=small_df,
    ), synthetic


def _mode_restrictions(run: ComputationRun) -> tuple[ModeRestriction, ...]:
    """The indicators computed from one mode of collection only, as the run recorded them."""
    stored = (run.provenance or {}).get("mode_restrictions") or {}
    return tuple(
        ModeRestriction(code, str(info["mode"]), int(info["responses"]), int(info["responses"] + info["other_modes"]))
        for code, info in sorted(stored.items())
    )


def interval_rule(run: ComputationRun) -> tuple[str, int | None]:
    """The interval method the run recorded and its df threshold. Runs computed before the rule was recorded
    used logit everywhere (and mark nothing): the annex then says logit, which is what they did."""
    stored = (run.provenance or {}).get("ci_method")
    if not isinstance(stored, dict) or stored.get("rule") != "by_df":
        return "logit", None
    try:
        return "by_df", int(stored["threshold"])
    except (KeyError, TypeError, ValueError):
        return "logit", None


def _weight_summary(stored: dict[str, Any] | None) -> WeightSummary | None:
    """The stored Kish diagnostics; runs computed before they were stored have none."""
    if not stored:
        return None
    try:
        return WeightSummary(
            n=int(stored["n"]),
            max_min_ratio=float(stored["max_min_ratio"]),
            cv=float(stored["cv"]),
            deff_weighting=float(stored["deff_weighting"]),
            kish_n_eff=float(stored["kish_n_eff"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _margin_variables(run: ComputationRun, population: str) -> tuple[str, ...]:
    from surveyapp.models import MarginSet
    from surveyapp.services.margins import margin_variables

    margin_set = db.session.scalar(
        select(MarginSet).where(MarginSet.year == run.year, MarginSet.population == population)
    )
    return margin_variables(margin_set) if margin_set is not None else ()
