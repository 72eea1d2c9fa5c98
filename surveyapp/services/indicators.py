"""Computing a programme's indicators for a year: survey indicators from the responses (raked, with design-
based SEs) and administrative ones from the imported statistics, each compared with its target.

The result rows themselves are made in :mod:`surveyapp.services.indicator_results`; ``results_fingerprint``
is still importable from here."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from analysis import AnalysisError, Design, LonelyPSU, weighting
from analysis.change import Change, change
from analysis.contrast import contrast
from analysis.definition import ItemInfo, Statistic, catalogue_from_version
from analysis.errors import ProgrammeError
from analysis.programme import (
    DEFAULT_LONELY_PSU,
    LONELY_PSU_RULES,
    Indicator,
    Programme,
    Source,
    absolute_target,
    load_programme,
)
from analysis.status import (
    DEFAULT_DISCLOSURE,
    DisclosureRule,
    TargetStatus,
    Unassessed,
    change_contrast,
    change_status,
    change_target_status,
)
from analysis.survey_indicator import (
    RespondentValues,
    estimate,
    interval_method,
    interval_rule,
    respondent_values,
    restrict,
)
from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import (
    ComputationRun,
    IndicatorResult,
    Instrument,
    MarginSet,
    ResponseStatus,
    StoredVersion,
    SurveyResponse,
    User,
)
from surveyapp.services.indicator_results import administrative_results, result_row, target_status
from surveyapp.services.indicator_results import results_fingerprint as results_fingerprint
from surveyapp.services.job_messages import COMPUTED, LOADED, say
from surveyapp.services.margins import margin_variables, raking_margins
from surveyapp.services.run_weights import store_weights
from surveyapp.services.survey_frames import version_frame
from surveyapp.services.versions import domain_of

BREAKDOWNS = ("region", "sex", "age_group", "settlement", "mode")
CODE_VERSION = "surveyapp-0.1"


class ComputeError(Exception):
    """The computation cannot run; the message says which input is missing or wrong and how to fix it."""


@dataclass
class SurveyData:
    """One population's responses for the year, flattened, with the raked design."""

    frame: pd.DataFrame
    design: Design
    catalogues: dict[str, dict[str, ItemInfo]]  # version row id (as str) -> items
    versions: list[StoredVersion]
    margin_set: MarginSet | None
    excluded: dict[str, int] = field(default_factory=dict)
    lonely_strata: tuple[str, ...] = ()  # strata with a single PSU this year, their variance by design.lonely_psu


def _breakdowns(frame: pd.DataFrame, mode: str | None = None) -> list[str]:
    """The breakdowns the year's data can give; by mode (web / interviewer) only when both were used, since
    one mode alone is the national figure again (and so is an indicator restricted to one ``mode``)."""
    return [
        b for b in BREAKDOWNS
        if frame[b].notna().any() and (b != "mode" or (mode is None and frame[b].nunique() > 1))
    ]


def _sample_or_none(
    population: str, indicators: list[Indicator], year: int, lonely_psu: LonelyPSU
) -> SurveyData | None:
    try:
        return load_survey_data(population, indicators, year, None, lonely_psu)
    except ComputeError:
        return None


def mode_values(indicator: Indicator, data: SurveyData, values: RespondentValues) -> tuple[RespondentValues, int]:
    """The values of the responses of the definition's ``mode`` only (all when it has none), and how many
    responses of the year's frame that mode has."""
    definition = indicator.definition
    assert definition is not None
    if definition.mode is None:
        return values, len(data.frame)
    keep = (data.frame["mode"] == definition.mode).to_numpy(dtype=bool)
    return restrict(values, keep), int(keep.sum())


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def _needed_codes(indicators: Iterable[Indicator]) -> set[str]:
    codes = set()
    for indicator in indicators:
        if indicator.definition is not None:
            for measure in indicator.definition.measures:
                codes |= {component.item for component in measure.components}
    return codes


def load_survey_data(
    population: str,
    indicators: list[Indicator],
    year: int,
    progress: Callable[[str], None] | None = None,
    lonely_psu: LonelyPSU = DEFAULT_LONELY_PSU,
) -> SurveyData:
    """The year's complete, unflagged responses to every version the indicators use, raked to the margins.

    A stratum with a single PSU gets its variance by ``lonely_psu`` (the programme's setting for the population)."""
    wanted: dict[str, set[str]] = {}
    for indicator in indicators:
        assert indicator.definition is not None
        for measure in indicator.definition.measures:
            wanted.setdefault(measure.instrument, set()).update(measure.versions)
    versions = list(db.session.scalars(select(StoredVersion).join(Instrument).where(Instrument.code.in_(list(wanted)))))
    versions = [v for v in versions if v.version in wanted[v.instrument.code]]
    if not versions:
        names = ", ".join(f"{i} {sorted(v)}" for i, v in wanted.items())
        raise ComputeError(f"none of the questionnaire versions the indicators use is published ({names})")
    margin_set = db.session.scalar(select(MarginSet).where(MarginSet.year == year, MarginSet.population == population))
    start, end = _year_bounds(year)
    catalogues = {str(v.id): catalogue_from_version(domain_of(v)) for v in versions}
    codes = sorted(_needed_codes(indicators))
    raking = margin_variables(margin_set) if margin_set is not None else ()
    parts = []
    for version in versions:
        part = version_frame(version, codes, catalogues[str(version.id)], start, end)
        if len(part):
            parts.append(part)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    excluded = {"quality_flag": 0, "missing_design_variable": 0}
    if len(frame):
        flagged = frame["flagged"].to_numpy(dtype=bool)
        missing = frame[list(raking)].isna().any(axis=1).to_numpy() if raking else np.zeros(len(frame), bool)
        excluded = {"quality_flag": int(flagged.sum()), "missing_design_variable": int((missing & ~flagged).sum())}
        frame = frame[~flagged & ~missing].reset_index(drop=True)
    # Withdrawn responses never reach the frame (it reads submitted ones only); counted for the report.
    excluded["withdrawn"] = int(
        db.session.scalar(
            select(func.count()).where(
                SurveyResponse.version_id.in_([v.id for v in versions]),
                SurveyResponse.status == ResponseStatus.WITHDRAWN.value,
                SurveyResponse.submitted_at >= start,
                SurveyResponse.submitted_at < end,
            )
        )
        or 0
    )
    # Excluded by a researcher (services/exclusion.py): never in the frame either; counted for the provenance.
    excluded["researcher"] = int(
        db.session.scalar(
            select(func.count()).where(
                SurveyResponse.version_id.in_([v.id for v in versions]),
                SurveyResponse.status == ResponseStatus.SUBMITTED.value,
                SurveyResponse.excluded_at.is_not(None),
                SurveyResponse.submitted_at >= start,
                SurveyResponse.submitted_at < end,
            )
        )
        or 0
    )
    n = len(frame)
    if n == 0:
        raise ComputeError(
            f"no complete, unflagged responses of {population} submitted in {year} to "
            + ", ".join(f"{v.instrument.code} {v.version}" for v in versions)
        )
    if progress:
        progress(say(LOADED, population=population, n=n))
    try:
        design = Design.from_frame(frame, weights="base_weight", strata="stratum", cluster="psu", lonely_psu=lonely_psu)
        if margin_set is not None:
            design = design.rake(raking_margins(margin_set))
        elif progress:
            progress(
                f"{population}: WARNING no population margins for {year}, design weights only (import them with "
                f"flask margins import FILE --year {year} --population {population})"
            )
    except AnalysisError as error:
        raise ComputeError(f"weighting {population} {year} to the margins failed: {error}") from None
    used = set(frame["version_id"])
    lonely = tuple(str(s) for s in design.strata_levels[design.n_psu_in_stratum == 1])
    return SurveyData(
        frame, design, catalogues, [v for v in versions if str(v.id) in used], margin_set, excluded, lonely
    )


def survey_values(indicator: Indicator, data: SurveyData) -> RespondentValues:
    """Each respondent's value, per version under the measure that covers it; NaN for other versions."""
    definition = indicator.definition
    assert definition is not None
    n = len(data.frame)
    value = np.full(n, np.nan)
    shares: list[tuple[np.ndarray, np.ndarray]] | None = None
    for version in data.versions:
        measure = definition.measure_for(version.instrument.code, version.version)
        if measure is None:
            continue
        rows = (data.frame["version_id"] == str(version.id)).to_numpy()
        if not rows.any():
            continue
        part = respondent_values(
            definition,
            measure,
            data.frame[rows],
            data.catalogues[str(version.id)],
            f"{indicator.programme} {indicator.code}",
        )
        if definition.statistic is Statistic.MEAN_OF_PROPORTIONS:
            if shares is None:
                shares = [(np.zeros(n), np.zeros(n)) for _ in part.shares]
            for k, (num, base) in enumerate(part.shares):
                shares[k][0][rows] = num
                shares[k][1][rows] = base
        else:
            value[rows] = part.value
    return RespondentValues(value, tuple(shares or ()))


# Breakdowns whose two groups the report compares (women vs men, urban vs rural), first minus second.
CONTRASTED = ("sex", "settlement")


def group_contrasts(
    definition: Any, data: SurveyData, values: RespondentValues, rule: DisclosureRule
) -> list[dict[str, Any]]:
    """Difference between the two groups of each two-group breakdown, with the covariance of shared PSUs
    (analysis.contrast, R's svycontrast), on the indicator's scale. Mean-of-proportion indicators have no
    contrast estimator yet; groups below the disclosure rule's n are not compared."""
    if definition.statistic is Statistic.MEAN_OF_PROPORTIONS:
        return []
    statistic = "proportion" if definition.statistic is Statistic.PROPORTION else "mean"
    scale = 100.0 if statistic == "proportion" else 1.0
    found = []
    for breakdown in CONTRASTED:
        if breakdown not in data.frame or not data.frame[breakdown].notna().any():
            continue
        usable = ~np.isnan(values.value)
        counts = data.frame.loc[usable, breakdown].value_counts()
        groups = sorted(str(g) for g in counts.index)
        if len(groups) != 2 or counts.min() < rule.min_n:
            continue
        try:
            result = contrast(data.design, statistic, values.value, values=[1.0] if statistic == "proportion" else None,
                              by=data.frame[breakdown].astype(str).to_numpy(), first=groups[0], second=groups[1])
        except AnalysisError:
            continue  # a contrast that cannot be estimated is left out; the groups' own rows still show
        found.append({
            "breakdown": breakdown, "first": groups[0], "second": groups[1],
            "difference": scale * result.difference, "se": scale * result.se,
            "ci_low": scale * result.ci_low, "ci_high": scale * result.ci_high, "df": result.df,
            "p_value": result.p_value,
        })
    return found


def _national_change(
    indicator: Indicator,
    before: SurveyData,
    after: SurveyData,
    after_values: RespondentValues,
    scale: float = 1.0,
    samples: str = "independent",
) -> tuple[Change, float] | None:
    """``after - scale * before`` of the national figure (analysis.change) and the factor to the indicator's
    scale (100 for a share). ``samples`` is the population's setting: "independent" (fresh PSUs each year, the
    variance the sum of the years') or "panel" (the same PSUs, their covariance counted). None where it cannot
    be estimated: no comparable figure in the earlier year, no df, or a mean-of-proportions indicator (no
    change estimator yet)."""
    definition = indicator.definition
    assert definition is not None
    if definition.statistic is Statistic.MEAN_OF_PROPORTIONS:
        return None
    proportion = definition.statistic is Statistic.PROPORTION
    # The earlier year is held to the same mode of collection as this one (a definition's ``mode:``).
    before_values, _in_mode = mode_values(indicator, before, survey_values(indicator, before))
    if np.isnan(before_values.value).all():
        return None  # the earlier year's versions are not covered by the definition
    try:
        found = change(before.design, after.design, "proportion" if proportion else "mean", before_values.value,
                       values=[1.0] if proportion else None, after_variable=after_values.value, scale=scale,
                       panel="psu" if samples == "panel" else None)
    except AnalysisError:
        return None
    return found, 100.0 if proportion else 1.0


def year_change(indicator: Indicator, before: SurveyData, after: SurveyData, after_values: RespondentValues,
                from_year: int, samples: str = "independent") -> dict[str, Any] | None:
    """The national figure's change from ``from_year``, on the indicator's scale, with its CI and status
    (analysis.status.change_status)."""
    measured = _national_change(indicator, before, after, after_values, samples=samples)
    if measured is None:
        return None
    found, points = measured
    try:
        status = change_status((found.ci_low, found.ci_high), indicator.direction)
    except AnalysisError:
        return None
    return {
        "from_year": from_year, "before": points * found.before, "after": points * found.after,
        "change": points * found.change, "se": points * found.se, "ci_low": points * found.ci_low,
        "ci_high": points * found.ci_high, "df": found.df, "p_value": found.p_value, "samples": samples,
        "status": status.value,
    }


def change_target(
    indicator: Indicator,
    year: int,
    base: SurveyData,
    after: SurveyData,
    after_values: RespondentValues,
    samples: str = "independent",
) -> tuple[TargetStatus, float, dict[str, Any]] | None:
    """The status of a change target ("+5 % on 2024", "+2 points on the previous year") judged on the CI of
    ``after - scale * base - offset`` (analysis.status.change_contrast), so the base year's sampling error
    counts as the report year's does; the absolute target is the base estimate moved by the target. None when
    the base year's sample has no comparable figure."""
    target = indicator.target(year)
    scale, offset = change_contrast(target)
    measured = _national_change(indicator, base, after, after_values, scale, samples)
    if measured is None:
        return None
    found, points = measured
    try:
        status = change_target_status(
            target, indicator.direction, points * found.change, (points * found.ci_low, points * found.ci_high)
        )
    except AnalysisError:
        return None
    base_year = target.base_year if target.base_year is not None else year - 1
    judged = {
        "base_year": base_year, "base": points * found.before, "contrast": points * found.change - offset,
        "ci_low": points * found.ci_low - offset, "ci_high": points * found.ci_high - offset, "df": found.df,
        "scale": scale, "offset": offset, "samples": samples,
    }
    return status, absolute_target(target, points * found.before), judged


def compute(
    programme_code: str,
    year: int,
    user: User | None = None,
    rule: DisclosureRule = DEFAULT_DISCLOSURE,
    progress: Callable[[str], None] | None = None,
) -> ComputationRun:
    try:
        programme = load_programme(programme_code)
    except ProgrammeError as error:
        raise ComputeError(str(error)) from None
    if not programme.period[0] <= year <= programme.period[1]:
        raise ComputeError(
            f"{year} is outside programme {programme.code} ({programme.period[0]}–{programme.period[1]})"
        )
    run = ComputationRun(programme=programme.code, year=year, computed_by_id=user.id if user else None)
    provenance: dict[str, Any] = {
        "code_version": CODE_VERSION,
        "disclosure": {"min_n": rule.min_n, "max_ci_width": rule.max_ci_width},
        # How the intervals were made: the df rule, its threshold, and per result row details["ci_method"].
        "ci_method": interval_rule(),
        "populations": {},
    }
    results: list[IndicatorResult] = []
    change_targets: dict[str, dict[str, Any]] = {}
    survey = [i for i in programme.indicators if i.source is Source.SURVEY and i.definition is not None]
    by_population: dict[str, list[Indicator]] = {}
    for indicator in survey:
        # Expected results without a yearly target (read as "by the final year") are still measured every year.
        by_population.setdefault(indicator.definition.population, []).append(indicator)  # type: ignore[union-attr]
    warnings: list[str] = []
    weights: list[tuple[np.ndarray, np.ndarray]] = []  # (response ids, final weights) per population
    for population, indicators in by_population.items():
        try:
            lonely_psu = programme.population(population).lonely_psu
            data = load_survey_data(population, indicators, year, progress, lonely_psu)
        except ComputeError as error:
            # The other populations' indicators still get computed; these are reported without data.
            warnings.append(str(error))
            if progress:
                progress(f"{population}: WARNING {error}")
            for indicator in indicators:
                results.append(
                    IndicatorResult(
                        indicator=indicator.code, status=Unassessed.NO_DATA.value, details={"note": str(error)}
                    )
                )
            continue
        # The previous year's sample, for the change and its CI (none imported: no change is stored); other
        # base years of change targets are loaded when a target needs them.
        previous = _sample_or_none(population, indicators, year - 1, lonely_psu)
        samples_kind = programme.population(population).change_samples
        samples: dict[int, SurveyData | None] = {year - 1: previous}
        if data.lonely_strata:
            message = _lonely_warning(programme, population, data)
            warnings.append(f"{population}: {message}")
            if progress:
                progress(f"{population}: WARNING {message}")
        ids = data.frame["response_id"].to_numpy()
        weights.append((ids, data.design.weights))
        provenance["populations"][population] = {
            "responses": len(ids),
            "responses_sha256": hashlib.sha256(np.ascontiguousarray(ids, dtype=np.int64).tobytes()).hexdigest(),
            "excluded": data.excluded,
            "lonely_psu": {"rule": data.design.lonely_psu.value, "strata": list(data.lonely_strata)},
            # What the final weights cost in precision (Kish): read back by the report's annex and the API.
            "weights": {
                "calibration": "raking" if data.margin_set is not None else "none",
                **weighting.diagnostics(data.design.weights).as_record(),
            },
            "versions": {f"{v.instrument.code}/{v.version}": v.sha256 for v in data.versions},
            # The sample each indicator's change is measured from, and how the years relate: None when not imported.
            "previous_year": None
            if previous is None
            else {"year": year - 1, "responses": len(previous.frame), "samples": samples_kind},
            "margins": None
            if data.margin_set is None
            else {
                "file": data.margin_set.file_name,
                "sha256": data.margin_set.sha256,
                "synthetic": data.margin_set.synthetic,
            },
        }
        for indicator in indicators:
            definition = indicator.definition
            assert definition is not None  # survey indicators are the ones with a definition
            values, in_mode = mode_values(indicator, data, survey_values(indicator, data))
            if definition.mode is not None:
                provenance.setdefault("mode_restrictions", {})[indicator.code] = {
                    "mode": definition.mode, "population": population,
                    "responses": in_mode, "other_modes": len(data.frame) - in_mode,
                }
                if in_mode == 0:
                    note = (f"{indicator.code}: no {definition.mode} responses of {population} in {year} "
                            f"(the definition counts mode: {definition.mode} only)")
                    warnings.append(note)
                    if progress:
                        progress(f"{population}: WARNING {note}")
                    results.append(IndicatorResult(
                        indicator=indicator.code, status=Unassessed.NO_DATA.value, details={"note": note}
                    ))
                    continue
            try:
                [national] = estimate(definition, data.design, values)
                rows = [result_row(indicator.code, "", national, rule, interval_method(definition, national.df))]
                for breakdown in _breakdowns(data.frame, definition.mode):
                    rows += [
                        result_row(indicator.code, breakdown, e, rule, interval_method(definition, e.df))
                        for e in estimate(definition, data.design, values, by=breakdown)
                    ]
            except AnalysisError as error:
                raise ComputeError(f"{indicator.code}: {error}") from None
            head = rows[0]
            ci = (head.ci_low, head.ci_high) if head.ci_low is not None and head.ci_high is not None else None
            status, target, note = target_status(indicator, year, head.estimate, ci, None)
            judged = None
            if status is Unassessed.NO_BASE:
                named = indicator.target(year).base_year
                base_year = named if named is not None else year - 1
                base = samples.get(base_year)
                if base_year not in samples:
                    base = samples[base_year] = _sample_or_none(population, indicators, base_year, lonely_psu)
                judged = (
                    change_target(indicator, year, base, data, values, samples_kind) if base is not None else None
                )
            if judged is not None:
                status, target, found = judged
                note = ""
                change_targets[indicator.code] = found
                head.details = {**(head.details or {}), "change_target": found}
            head.status, head.target = status.value, target
            head.details = {**(head.details or {}), **({"note": note} if note else {})}
            if definition.mode is not None:
                head.details["mode"] = definition.mode
            comparisons = group_contrasts(definition, data, values, rule)
            if comparisons:
                head.details["contrasts"] = comparisons
            moved = (
                year_change(indicator, previous, data, values, year - 1, samples_kind) if previous is not None else None
            )
            if moved is not None:
                head.details["change"] = moved
            results += rows
        if progress:
            progress(say(COMPUTED, population=population, n=len(indicators)))
    results += administrative_results(programme, year)
    computed = {r.indicator for r in results}
    for indicator in programme.indicators:
        if indicator.code not in computed:  # a survey indicator without a definition: say so, never skip it
            results.append(
                IndicatorResult(
                    indicator=indicator.code,
                    status=Unassessed.NO_DATA.value,
                    details={"note": "no survey definition in the programme file"},
                )
            )
    if change_targets:
        # Survey indicators' change targets judged on the CI of the change (the annex says so).
        provenance["change_targets"] = change_targets
    provenance["warnings"] = warnings
    if not any(r.estimate is not None for r in results if not r.breakdown):
        raise ComputeError(
            f"nothing to compute for {programme.code} {year}: " + ("; ".join(warnings) or "no data imported")
        )
    run.provenance = provenance
    run.results = results
    db.session.add(run)
    db.session.flush()
    for ids, final in weights:
        store_weights(run.id, ids, final)
    audit.record(
        "indicators_compute", "programme", f"{programme.code}/{year}", {"run": run.id, "results": len(results)}, user
    )
    return run


def _lonely_warning(programme: Programme, population: str, data: SurveyData) -> str:
    strata = data.lonely_strata
    names = ", ".join(strata[:10]) + (f" and {len(strata) - 10} more" if len(strata) > 10 else "")
    return (
        f"{len(strata)} stratum/strata with a single PSU ({names}): their variance by the lonely-PSU rule "
        f"'{data.design.lonely_psu.value}' (set populations: {population}: lonely_psu: "
        f"{'|'.join(r.value for r in LONELY_PSU_RULES)} in programme {programme.code}'s file to change it)"
    )
