"""Confidence intervals with t quantiles on the design's degrees of freedom.

Formulas follow R's ``survey`` package:

* symmetric (means, totals, ratios, ``WALD`` proportions): ``estimate +- t(df) * se``;
* ``LOGIT``: ``svyciprop(method = "logit")``, a Wald interval for ``logit(p)`` whose standard error is
  ``se / (p (1 - p))`` (the delta method; identical to R's intercept-only ``svyglm``), mapped back;
* ``BETA``: ``svyciprop(method = "beta")``, Korn and Graubard's Clopper-Pearson interval on the effective
  sample size ``p (1 - p) / se^2`` scaled by ``(t(n - 1) / t(df))^2``;
* ``WILSON``: Wilson's score interval with the effective sample size ``p (1 - p) / se^2`` and the t quantile;
* ``BY_DF``: a rule, not a formula: ``BETA`` in a domain with fewer than :data:`SMALL_DF` design degrees of
  freedom, ``LOGIT`` otherwise (the platform's stored indicators use it; :func:`method_for_df` says which).

Edge cases are decided on exact quantities (the counts behind ``p`` and the integer df), never on whether a
rounded standard error came out as exactly 0, so the interval does not depend on the scale of the weights:

* ``p = 0`` or ``p = 1`` (no member of the domain, or every member, is counted; ``p`` is then exactly 0 or 1
  and the standard error exactly 0): R returns NaN (``n.eff = 0/0``; ``svyglm`` does not converge). ``LOGIT``,
  ``BETA`` and ``WILSON`` all return the exact Clopper-Pearson interval on the domain's ``n``, which needs no
  degrees of freedom and stays inside [0, 1]. This is a deliberate difference from R.
* ``0 < p < 1`` and df <= 0 (the domain lies in one PSU per stratum): NaN, as R (``qt(alpha/2, 0)`` is
  NaN), whatever the standard error. Such a domain's standard error is 0 up to rounding, and whether the
  rounding leaves exactly 0 or 1e-17 depends on the weights' scale; it must not pick the interval.
* ``0 < p < 1``, df > 0 and a zero standard error (every PSU has the domain's composition): the zero-width
  interval ``[p, p]``, the limit of R's formulas as the variance goes to 0 and what R returns when rounding
  leaves a tiny positive variance. (With a variance of exactly 0 R's beta interval is
  ``qbeta(., Inf, Inf) = 0.5`` and its logit interval NaN, artefacts of 0/0.) Tiny positive standard errors
  go through the formulas, which are continuous there; limits are kept on their side of ``p``.

The design effect plays no part: like R's ``svyciprop``, the effective sample size is ``p (1 - p) / se^2``,
not ``n / deff`` (whose SRS-without-replacement variance has the factor ``(N - n) / N`` in the weight total N).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from scipy import special

# Effective sample sizes above this give a beta interval within 1e-10 of p: treated as the limit [p, p].
_MAX_BETA_TRIALS = 1e20


# Design degrees of freedom below which BY_DF takes Korn and Graubard's interval (BETA) instead of LOGIT, and
# below which the reports mark a domain's result. With few PSUs the logit interval, though on t(df), covers
# less than it says: the simulation quoted in issue 18 (3 PSUs per stratum, regions with 4-10 df) found BETA at
# 94.1-94.6 % against LOGIT's 93.5-94.1 %. benchmarks/coverage_sim.py --no-change --persons-per-psu 50 with 2,000
# samples (Monte Carlo SE 0.5 points; analysis/README.md has the table) gives, per region, LOGIT 94.0-94.3 % at
# 4 df, 93.2-94.6 % at 8 and 92.8-94.1 % at 12, but 94.3-95.0 % at 14 and 93.5-94.8 % at 16, as nationally
# (93.5-94.9 % at 24-96 df); BETA is 0.4-0.8 points higher everywhere at a cost of 4-7 % in width. So LOGIT
# from 14 df on (shorter intervals, no coverage lost against the national figure), BETA below.
SMALL_DF = 14


class CIMethod(StrEnum):
    """Confidence interval methods for proportions (means and totals always use ``WALD``).

    ``BY_DF`` chooses per domain: ``BETA`` with design df below :data:`SMALL_DF`, ``LOGIT`` otherwise.
    """

    LOGIT = "logit"
    BETA = "beta"
    WILSON = "wilson"
    WALD = "wald"
    BY_DF = "by_df"


def is_small_df(df: float | None, small_df: int = SMALL_DF) -> bool:
    """True when a domain has fewer design degrees of freedom than ``small_df`` (BY_DF's BETA; reports mark it).

    An unknown df (None or NaN) is not small: nothing is claimed about it."""
    return df is not None and df == df and df < small_df  # df == df is False for NaN


def method_for_df(df: float | None, small_df: int = SMALL_DF) -> CIMethod:
    """The interval BY_DF gives a proportion with ``df`` design degrees of freedom."""
    return CIMethod.BETA if is_small_df(df, small_df) else CIMethod.LOGIT


def t_quantile(df: np.ndarray | float, level: float) -> np.ndarray:
    """Upper ``(1 + level) / 2`` quantile of Student's t; NaN where there are no degrees of freedom."""
    df = np.asarray(df, dtype=np.float64)
    upper = (1.0 + level) / 2.0
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, special.stdtrit(np.where(df > 0, df, 1.0), upper), np.nan)


def symmetric(estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float) -> tuple[np.ndarray, ...]:
    half = t_quantile(df, level) * se
    return estimate - half, estimate + half


def proportion(
    p: np.ndarray,
    se: np.ndarray,
    df: np.ndarray,
    n: np.ndarray,
    level: float,
    method: CIMethod,
) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    t = t_quantile(df, level)
    if method is CIMethod.WALD:
        return p - t * se, p + t * se

    df = np.asarray(df, dtype=np.float64)
    if method is CIMethod.BY_DF:
        # Both formulas on every domain, then the rule's pick: the domains are a vector, the rule per element.
        beta_low, beta_high = proportion(p, se, df, n, level, CIMethod.BETA)
        logit_low, logit_high = proportion(p, se, df, n, level, CIMethod.LOGIT)
        small = df < SMALL_DF  # NaN df compares False: LOGIT, whose interval is then NaN anyway
        return np.where(small, beta_low, logit_low), np.where(small, beta_high, logit_high)
    # A proportion is exactly 0 or 1 when no domain member, or every one, is counted: both weighted sums are
    # then the same bincount (or zero), so these comparisons are exact.
    boundary = (p <= 0.0) | (p >= 1.0)
    exact_low, exact_high = _clopper_pearson(p, n, level)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n_eff = p * (1.0 - p) / (se * se)
        # Zero (or underflowing) standard error: the zero-width limit [p, p] where there are degrees of freedom.
        flat = np.isinf(n_eff) & (df > 0)
        if method is CIMethod.LOGIT:
            logit = np.log(p / (1.0 - p))
            half = t * se / (p * (1.0 - p))
            low, high = special.expit(logit - half), special.expit(logit + half)
        elif method is CIMethod.BETA:
            alpha = 1.0 - level
            ratio = _t_lower(n - 1.0, alpha) / _t_lower(df, alpha)
            trials = n_eff * ratio * ratio
            # Beyond 1e20 trials the interval is within 1e-10 of p and qbeta loses accuracy; use the limit.
            flat |= trials > _MAX_BETA_TRIALS
            low, high = _clopper_pearson(p, np.where(flat, 1.0, trials), level)
        elif method is CIMethod.WILSON:
            z2 = t * t / n_eff
            centre = (p + z2 / 2.0) / (1.0 + z2)
            half = t * np.sqrt(p * (1.0 - p) / n_eff + z2 / (4.0 * n_eff)) / (1.0 + z2)
            low, high = centre - half, centre + half
        else:
            raise ValueError(f"unknown CI method {method!r}")  # unreachable: CIMethod is closed
    # ``flat`` requires df > 0: without degrees of freedom t is NaN, and so is the interval, whatever the
    # standard error (rounding decides whether that is exactly 0).
    low, high = np.where(flat, p, low), np.where(flat, p, high)
    # With an enormous effective n, qbeta can land a hair on the wrong side of p.
    low, high = np.minimum(low, p), np.maximum(high, p)  # NaN stays NaN
    return np.where(boundary, exact_low, low), np.where(boundary, exact_high, high)


def _t_lower(df: np.ndarray, alpha: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, special.stdtrit(np.where(df > 0, df, 1.0), alpha / 2.0), np.nan)


def _clopper_pearson(p: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """``qbeta`` limits on ``n`` trials with ``n p`` successes (n need not be an integer; NaN n gives NaN)."""
    alpha = 1.0 - level
    x = n * p
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, special.betaincinv(np.maximum(x, 1e-300), n - x + 1.0, alpha / 2.0), 0.0)
        high = np.where(
            n - x > 0, special.betaincinv(x + 1.0, np.maximum(n - x, 1e-300), 1.0 - alpha / 2.0), 1.0
        )
    undefined = np.isnan(x)
    return np.where(undefined, np.nan, low), np.where(undefined, np.nan, high)
