"""Survey indicators from answers: each respondent's value under a definition, then the design-based estimate.

The caller hands over one table per questionnaire version: a column per item code (matrix rows as
``matrix.row``) holding the stored answer codes, plus the design columns. A respondent outside the
indicator's base (no valid answer; special answers are missing unless the definition keeps them) gets NaN and
stays in the design, as a subpopulation does. Shares and scores are reported on a 0–100 scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.ci import SMALL_DF, CIMethod, method_for_df
from analysis.composite import mean_of_shares
from analysis.definition import ItemInfo, Measure, Statistic, SurveyDefinition, resolve_item
from analysis.design import Design
from analysis.errors import ProgrammeError
from analysis.estimate import Estimate, mean, proportion


@dataclass(frozen=True)
class RespondentValues:
    """Per row: ``value`` (0/1 for a share, 0–100 for a score; NaN outside the base); for a mean of shares,
    one (numerator, base) pair of 0/1 arrays per component instead."""

    value: np.ndarray
    shares: tuple[tuple[np.ndarray, np.ndarray], ...] = ()


def _answers(frame: pd.DataFrame, code: str, catalogue: Mapping[str, ItemInfo], where: str) -> np.ndarray:
    column = resolve_item(code, catalogue)
    if column is None or column not in frame:
        raise ProgrammeError(f"{where}: item {code!r} is not in the data of this questionnaire version")
    return frame[column].to_numpy(dtype=object)


def _base(answers: np.ndarray, info: ItemInfo, measure: Measure) -> np.ndarray:
    excluded = set(info.special if measure.exclude is None else measure.exclude)
    present = pd.notna(answers)
    return present & ~np.isin(answers, list(excluded))


def _over_instances(answers: np.ndarray, info: ItemInfo, measure: Measure, numerator: tuple[str, ...]) -> np.ndarray:
    """Per respondent, the instances' answers (a list each) folded into one 0/1: any or all of the valid ones
    in the numerator; NaN when no instance has a valid answer (a household without members, none answered)."""
    assert measure.over is not None
    excluded = set(info.special if measure.exclude is None else measure.exclude)
    hits = set(numerator)
    result = np.full(len(answers), np.nan)
    for row, instances in enumerate(answers):
        valid = [a for a in instances if a is not None and a not in excluded] if isinstance(instances, list) else []
        if valid:
            found = [a in hits for a in valid]
            result[row] = float(any(found) if measure.over.match == "any" else all(found))
    return result


def respondent_values(
    definition: SurveyDefinition,
    measure: Measure,
    frame: pd.DataFrame,
    catalogue: Mapping[str, ItemInfo],
    where: str = "definition",
) -> RespondentValues:
    n = len(frame)
    if definition.statistic is Statistic.PROPORTION and measure.over is not None:
        component = measure.components[0]
        answers = _answers(frame, component.item, catalogue, where)
        info = catalogue[resolve_item(component.item, catalogue) or component.item]
        return RespondentValues(_over_instances(answers, info, measure, component.numerator))
    if definition.statistic is Statistic.PROPORTION:
        component = measure.components[0]
        answers = _answers(frame, component.item, catalogue, where)
        info = catalogue[resolve_item(component.item, catalogue) or component.item]
        base = _base(answers, info, measure)
        hit = np.isin(answers, list(component.numerator))
        return RespondentValues(np.where(base, hit.astype(float), np.nan))
    if definition.statistic is Statistic.MEAN_OF_PROPORTIONS:
        shares = []
        for component in measure.components:
            answers = _answers(frame, component.item, catalogue, where)
            info = catalogue[resolve_item(component.item, catalogue) or component.item]
            base = _base(answers, info, measure)
            shares.append(((np.isin(answers, list(component.numerator)) & base).astype(float), base.astype(float)))
        return RespondentValues(np.full(n, np.nan), tuple(shares))
    # SCORE_MEAN: mean points of the scored components, scaled so max_points is 100.
    points = np.zeros(n)
    scored = np.zeros(n)
    for component in measure.components:
        answers = _answers(frame, component.item, catalogue, where)
        lookup = dict(component.points)
        values = np.array([lookup.get(a, np.nan) if isinstance(a, str) else np.nan for a in answers], dtype=float)
        valid = ~np.isnan(values)
        points += np.where(valid, values, 0.0)
        scored += valid
    if measure.max_points is None:
        raise ProgrammeError(f"{where}: a score_mean measure needs max_points")
    minimum = measure.min_valid or 1
    with np.errstate(invalid="ignore", divide="ignore"):
        score = 100.0 * points / scored / measure.max_points
    return RespondentValues(np.where(scored >= minimum, score, np.nan))


def restrict(values: RespondentValues, keep: np.ndarray) -> RespondentValues:
    """Only the rows in ``keep`` count (a definition's ``mode:``): the others leave the base as a domain's
    outsiders do, staying in the design so the variance is still the whole sample's."""
    keep = np.asarray(keep, dtype=bool)
    value = np.where(keep, values.value, np.nan)
    shares = tuple((np.where(keep, num, 0.0), np.where(keep, base, 0.0)) for num, base in values.shares)
    return RespondentValues(value, shares)


# The interval of the platform's stored shares: Korn-Graubard where the domain has few design df, logit
# elsewhere (analysis.ci.SMALL_DF says why). Means, scores and means of shares get the symmetric t interval.
PROPORTION_CI = CIMethod.BY_DF


def interval_rule() -> dict[str, object]:
    """The interval rule as a computation run's provenance records it (the report annex is worded from it)."""
    return {"rule": PROPORTION_CI.value, "threshold": SMALL_DF, "below": CIMethod.BETA.value,
            "otherwise": CIMethod.LOGIT.value, "means": CIMethod.WALD.value}


def interval_method(definition: SurveyDefinition, df: float | None) -> str:
    """The interval :func:`estimate` gave a result with ``df`` design degrees of freedom."""
    if definition.statistic is Statistic.PROPORTION:
        return method_for_df(df).value
    return CIMethod.WALD.value


def estimate(
    definition: SurveyDefinition,
    design: Design,
    values: RespondentValues,
    by: str | None = None,
    level: float = 0.95,
) -> list[Estimate]:
    """The indicator overall (``by=None``) or per domain, on the 0–100 scale."""
    if definition.statistic is Statistic.MEAN_OF_PROPORTIONS:
        results = mean_of_shares(design, values.shares, by=by, level=level)
        return [_scaled(e) for e in results]
    # NaN rows are outside the base; the estimators leave them out of the domain but keep them in the design.
    if definition.statistic is Statistic.PROPORTION:
        found = proportion(design, values.value, [1.0], by=by, level=level, ci_method=PROPORTION_CI)
        return [_scaled(e) for e in _as_list(found)]
    return _as_list(mean(design, values.value, by=by, level=level))


def _as_list(found: Estimate | list[Estimate]) -> list[Estimate]:
    return found if isinstance(found, list) else [found]


def _scaled(result: Estimate) -> Estimate:
    return Estimate(
        by=result.by,
        estimate=100 * result.estimate,
        se=100 * result.se,
        ci_low=100 * result.ci_low,
        ci_high=100 * result.ci_high,
        df=result.df,
        deff=result.deff,
        n=result.n,
        n_eff=result.n_eff,
    )
