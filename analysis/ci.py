"""Confidence intervals with t quantiles on the design's degrees of freedom.

Formulas follow R's ``survey`` package:

* symmetric (means, totals, ratios, ``WALD`` proportions): ``estimate +- t(df) * se``;
* ``LOGIT``: ``svyciprop(method = "logit")``, a Wald interval for ``logit(p)`` whose standard error is
  ``se / (p (1 - p))`` (the delta method; identical to R's intercept-only ``svyglm``), mapped back;
* ``BETA``: ``svyciprop(method = "beta")``, Korn and Graubard's Clopper-Pearson interval on the effective
  sample size ``p (1 - p) / se^2`` scaled by ``(t(n - 1) / t(df))^2``;
* ``WILSON``: Wilson's score interval with the effective sample size ``p (1 - p) / se^2`` and the t quantile.

At ``p = 0`` or ``p = 1`` the standard error is zero and the effective sample size is undefined (R returns
NaN or a degenerate interval); there ``LOGIT``, ``BETA`` and ``WILSON`` all fall back to the exact
Clopper-Pearson interval on the domain's ``n``, which needs no degrees of freedom and stays inside [0, 1].
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from scipy import special


class CIMethod(StrEnum):
    """Confidence interval methods for proportions (means and totals always use ``WALD``)."""

    LOGIT = "logit"
    BETA = "beta"
    WILSON = "wilson"
    WALD = "wald"


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

    boundary = (p <= 0.0) | (p >= 1.0) | (se <= 0.0)
    exact_low, exact_high = _clopper_pearson(p, n, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = p * (1.0 - p) / (se * se)
        if method is CIMethod.LOGIT:
            logit = np.log(p / (1.0 - p))
            half = t * se / (p * (1.0 - p))
            low, high = special.expit(logit - half), special.expit(logit + half)
        elif method is CIMethod.BETA:
            alpha = 1.0 - level
            ratio = _t_lower(n - 1.0, alpha) / _t_lower(np.asarray(df, dtype=np.float64), alpha)
            low, high = _clopper_pearson(p, n_eff * ratio * ratio, level)
        elif method is CIMethod.WILSON:
            z2 = t * t / n_eff
            centre = (p + z2 / 2.0) / (1.0 + z2)
            half = t * np.sqrt(p * (1.0 - p) / n_eff + z2 / (4.0 * n_eff)) / (1.0 + z2)
            low, high = centre - half, centre + half
        else:
            raise ValueError(f"unknown CI method {method!r}")  # unreachable: CIMethod is closed
    return np.where(boundary, exact_low, low), np.where(boundary, exact_high, high)


def _t_lower(df: np.ndarray, alpha: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, special.stdtrit(np.where(df > 0, df, 1.0), alpha / 2.0), np.nan)


def _clopper_pearson(p: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """``qbeta`` limits on ``n`` trials with ``n p`` successes (n need not be an integer)."""
    alpha = 1.0 - level
    x = n * p
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, special.betaincinv(np.maximum(x, 1e-300), n - x + 1.0, alpha / 2.0), 0.0)
        high = np.where(
            n - x > 0, special.betaincinv(x + 1.0, np.maximum(n - x, 1e-300), 1.0 - alpha / 2.0), 1.0
        )
    return low, high
