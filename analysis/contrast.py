"""Differences between two domain estimates of one design, with the covariance from shared PSUs.

Like R's ``svycontrast`` on ``svyby(..., covmat = TRUE)``: the difference of two linearised estimates has the
difference of their influence values as its own, so its variance is the design variance of
``z_1 - z_2`` summed within PSUs. Domains that share PSUs (women and men in the same households' clusters; a
region and the whole population that contains it) are correlated, and this covariance is what a naive
``sqrt(se_1^2 + se_2^2)`` leaves out. ``second`` may be another domain value, :attr:`Versus.REST` (every
other row of the population) or :attr:`Versus.ALL` (the whole population, which contains ``first``).

The interval is ``difference +- t(df) se`` with df from the PSUs holding members of either domain (R's
``degf()`` on their union; R's ``confint`` on a ``svycontrast`` uses the normal quantile unless given df).
The p-value is the two-sided t test of no difference on the same df.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from analysis import ci
from analysis._columns import Column, factorize, resolve
from analysis.design import Design
from analysis.errors import EstimationError
from analysis.estimate import Where, domain_mask, linearise, statistic_values
from analysis.variance import domain_degrees_of_freedom, influence_totals, totals_variance


class Versus(StrEnum):
    REST = "rest"
    """Every row of the population (within ``where``) in another domain of ``by`` (missing ``by`` excluded)."""
    ALL = "all"
    """The whole population (within ``where``), which includes the first domain."""


@dataclass(frozen=True)
class Contrast:
    """``first - second`` with its standard error, interval and the pieces behind them."""

    first: Any
    second: Any
    estimate_first: float
    estimate_second: float
    difference: float
    se: float
    ci_low: float
    ci_high: float
    df: int
    p_value: float
    se_first: float
    se_second: float
    covariance: float


def contrast(
    design: Design,
    statistic: str,
    variable: Column,
    *,
    by: Column,
    first: Any,
    second: Any,
    values: Sequence[Any] | Any = None,
    denominator: Column | None = None,
    where: Where = None,
    level: float = 0.95,
) -> Contrast:
    """Difference between the ``statistic`` ("mean", "proportion", "total", "ratio") of ``variable`` in the
    domain ``by == first`` and in ``by == second`` (or :class:`Versus`). ``values`` are a proportion's counted
    values, ``denominator`` a ratio's denominator."""
    if not 0.0 < level < 1.0:
        raise EstimationError(f"confidence level must be between 0 and 1, got {level}")
    kind, a, b = statistic_values(design, statistic, variable, values=values, denominator=denominator)
    usable = ~np.isnan(a) if b is None else ~np.isnan(a) & ~np.isnan(b)
    one = domain_mask(design, by, first, where, usable)
    versus = _versus(second)
    if versus is None:
        if second == first:
            raise EstimationError(f"a contrast needs two different domains, got {first!r} twice")
        two = domain_mask(design, by, second, where, usable)
    else:
        population = domain_mask(design, None, "all", where, usable)
        if versus is Versus.REST:
            # "The rest" are the other domains: rows without a value of ``by`` belong to none of them.
            codes, _ = factorize(resolve(design.data, by, design.n, "by"))
            two = population & ~one & (codes >= 0)
        else:
            two = population
        if not two.any():
            raise EstimationError(f"the rest of the population outside {first!r} is empty")
    return _difference(design, kind, a, b, one, two, first, versus or second, level)


def _versus(second: Any) -> Versus | None:
    if isinstance(second, Versus):
        return second
    return None


def _difference(
    design: Design, kind: str, a: np.ndarray, b: np.ndarray | None, one: np.ndarray, two: np.ndarray,
    first: Any, second: Any, level: float,
) -> Contrast:
    if design.replicates is not None:
        return _replicate_difference(design, kind, a, b, one, two, first, second, level)
    parts = []
    for mask in (one, two):
        domain = np.where(mask, 0, 1)
        lin = linearise(design, kind, a, b, domain, 1)
        parts.append((float(lin.estimate[0]), influence_totals(design, lin.wu, lin.u, domain, 1)))
    (e1, (t1, s1)), (e2, (t2, s2)) = parts
    v1 = float(totals_variance(design, t1, s1)[0])
    v2 = float(totals_variance(design, t2, s2)[0])
    vd = float(totals_variance(design, t1 - t2, None if s1 is None or s2 is None else s1 - s2)[0])
    df = int(domain_degrees_of_freedom(design, np.where(one | two, 0, 1), 1)[0])
    return _result(first, second, e1, e2, v1, v2, vd, df, level)


def _replicate_difference(
    design: Design, kind: str, a: np.ndarray, b: np.ndarray | None, one: np.ndarray, two: np.ndarray,
    first: Any, second: Any, level: float,
) -> Contrast:
    """The same difference with replicate weights: the variance of ``theta_1r - theta_2r`` (R's svycontrast on
    a svyrep.design's svyby)."""
    from analysis.replicate_variance import replicate_estimates, variance

    rep = design.replicates
    assert rep is not None
    estimates, thetas = [], []
    for mask in (one, two):
        domain = np.where(mask, 0, 1)
        estimates.append(float(linearise(design, kind, a, b, domain, 1).estimate[0]))
        thetas.append(replicate_estimates(design, kind, a, b, domain, 1))
    e1, e2 = estimates
    v1 = float(variance(rep, thetas[0], np.array([e1]))[0])
    v2 = float(variance(rep, thetas[1], np.array([e2]))[0])
    vd = float(variance(rep, thetas[0] - thetas[1], np.array([e1 - e2]))[0])
    return _result(first, second, e1, e2, v1, v2, vd, design.df, level)


def _result(first: Any, second: Any, e1: float, e2: float, v1: float, v2: float, vd: float, df: int,
            level: float) -> Contrast:
    difference = e1 - e2
    se = float(np.sqrt(max(vd, 0.0)))
    low, high = ci.symmetric(np.array([difference]), np.array([se]), np.array([df]), level)
    return Contrast(
        first=first, second=second, estimate_first=e1, estimate_second=e2, difference=difference, se=se,
        ci_low=float(low[0]), ci_high=float(high[0]), df=df, p_value=p_value(difference, se, df),
        se_first=float(np.sqrt(max(v1, 0.0))), se_second=float(np.sqrt(max(v2, 0.0))),
        covariance=(v1 + v2 - vd) / 2.0,
    )


def p_value(difference: float, se: float, df: float) -> float:
    """Two-sided t test of a zero difference; NaN without df or without a standard error."""
    if not df > 0 or not se > 0:
        return float("nan")
    from scipy import special  # imported when needed: the package must import quickly for the CLI

    return float(2.0 * special.stdtr(df, -abs(difference) / se))
