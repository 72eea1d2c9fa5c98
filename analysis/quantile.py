"""Quantiles and medians with Woodruff intervals, as R's ``svyquantile`` (survey >= 4.1) with its defaults.

The estimate is the quantile rule applied to the weighted distribution of the domain. The default rule
``"math"`` (R's ``qrule = "math"``, Hyndman–Fan type 1) sorts the values, accumulates the weights and takes the
smallest value whose cumulative share of the weight reaches ``p`` (the lower value when the share equals
``p`` exactly). ``"school"`` (type 2) averages the two values in that case.

The interval is Woodruff's (R's ``interval.type = "mean"``, the default, called "mixed"/Woodruff in the
literature): estimate the share ``m`` of the population at or below the quantile, ``P(x <= q_hat)``, with its
design-based SE (Taylor linearisation, or the replicate weights when the design carries them), form the
interval ``m +- t(df) SE(m)`` on the design df, and map its ends back through the quantile rule. An end
below 0 or above 1 gives NaN, as in R. ``se`` is R's ``(upper - lower) / (2 t)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from analysis import ci
from analysis._columns import Column
from analysis.design import Design
from analysis.errors import EstimationError
from analysis.estimate import Where, _numeric, domain_means, domains


class QuantileRule(StrEnum):
    MATH = "math"
    SCHOOL = "school"


@dataclass(frozen=True)
class Quantile:
    by: Any
    p: float
    estimate: float
    ci_low: float
    ci_high: float
    se: float
    df: int
    n: int


def quantile(
    design: Design,
    variable: Column,
    probabilities: float | list[float] | tuple[float, ...] = 0.5,
    *,
    by: Column | None = None,
    where: Where = None,
    level: float = 0.95,
    rule: QuantileRule | str = QuantileRule.MATH,
) -> list[Quantile]:
    """Quantiles of ``variable`` at ``probabilities`` (one row per domain and probability, domains first),
    R's ``svyquantile(~x, design, quantiles, qrule = rule, ci = TRUE)`` (``svyby`` for ``by``)."""
    ps = [float(p) for p in (probabilities if isinstance(probabilities, list | tuple) else [probabilities])]
    if not ps or any(not 0.0 <= p <= 1.0 for p in ps):
        raise EstimationError(f"quantile probabilities must lie in [0, 1], got {ps}")
    if not 0.0 < level < 1.0:
        raise EstimationError(f"confidence level must be between 0 and 1, got {level}")
    try:
        how = QuantileRule(rule)
    except ValueError:
        raise EstimationError(f"unknown quantile rule '{rule}' (choose one of: math, school)") from None
    x = _numeric(design, variable)
    domain, levels = domains(design, by, where, ~np.isnan(x))
    n_domains = len(levels)
    w = design.weights
    order = np.lexsort((x, domain))  # stable: ties keep data order, as R's order()
    sorted_domain = domain[order]
    bounds = np.searchsorted(sorted_domain, np.arange(n_domains + 1))
    slices = [(order[bounds[d]:bounds[d + 1]]) for d in range(n_domains)]
    counts = np.array([len(s) for s in slices])

    out: list[Quantile] = []
    results: dict[tuple[int, int], Quantile] = {}
    for j, p in enumerate(ps):
        qhat = np.array([_rule(x[s], w[s], p, how) for s in slices])
        # The share of each domain at or below its own quantile, in one pass over the design.
        below = np.where(domain < n_domains, x <= np.append(qhat, np.nan)[domain], False).astype(np.float64)
        rows = domain_means(design, below, domain, n_domains, level)
        for d, row in enumerate(rows):
            low_p, high_p = row["ci_low"], row["ci_high"]
            lower = np.nan if not np.isfinite(low_p) or low_p < 0 else _rule(x[slices[d]], w[slices[d]], low_p, how)
            upper = (np.nan if not np.isfinite(high_p) or high_p > 1
                     else _rule(x[slices[d]], w[slices[d]], high_p, how))
            t = float(ci.t_quantile(np.array([row["df"]]), level)[0])
            results[(d, j)] = Quantile(
                by=levels[d], p=p, estimate=float(qhat[d]), ci_low=float(lower), ci_high=float(upper),
                se=float((upper - lower) / (2.0 * t)), df=int(row["df"]), n=int(counts[d]),
            )
    for d in range(n_domains):
        out.extend(results[(d, j)] for j in range(len(ps)))
    return out


def median(design: Design, variable: Column, *, by: Column | None = None, where: Where = None,
           level: float = 0.95, rule: QuantileRule | str = QuantileRule.MATH) -> Quantile | list[Quantile]:
    """The median with its Woodruff interval (one :class:`Quantile`, or one per domain with ``by``)."""
    rows = quantile(design, variable, 0.5, by=by, where=where, level=level, rule=rule)
    return rows[0] if by is None else rows


def _rule(x: np.ndarray, w: np.ndarray, p: float, how: QuantileRule) -> float:
    """R's ``qs()`` + ``qrule_math``/``qrule_school`` on values already sorted (ties in data order)."""
    keep = w > 0
    x, w = x[keep], w[keep]
    # R accumulates in long double (cumsum and sum); so do we, so that ties at exactly p*W fall the same way.
    running = np.cumsum(w.astype(np.longdouble))
    cumw = running.astype(np.float64)
    total = float(running[-1])
    at_or_below = np.flatnonzero(cumw <= p * total)
    pos = int(at_or_below[-1]) if len(at_or_below) else 0
    nxt = pos if pos == len(x) - 1 else pos + 1
    if p - cumw[pos] / total <= 0:
        return float(x[pos]) if how is QuantileRule.MATH else float((x[pos] + x[nxt]) / 2.0)
    return float(x[nxt])
