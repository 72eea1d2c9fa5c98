"""The unweighted mean of several shares, each with its own base (e.g. safe on each of three rows, A13).

Each share is a ratio ``p_k = sum w a_k / sum w b_k``; their mean ``(1/K) sum p_k`` is linearised with the
influence value ``u = (1/K) sum_k (a_k - p_k b_k) / sum w b_k``, the sum of the shares' own influence values
(the delta method, as R's ``svycontrast`` of several ``svyratio`` estimates). The variance, degrees of
freedom, calibration adjustment and design effect then follow exactly the path of :mod:`analysis.estimate`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis import ci
from analysis._columns import Column
from analysis.design import Design
from analysis.errors import EstimationError
from analysis.estimate import Estimate, _domains, design_effect
from analysis.variance import domain_degrees_of_freedom, domain_variance


def mean_of_shares(
    design: Design,
    shares: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    by: Column | None = None,
    level: float = 0.95,
) -> list[Estimate]:
    """One estimate per domain of ``by`` (or overall). ``shares`` are (numerator, base) 0/1 arrays per row;
    a row is in a domain when it is in the base of at least one share."""
    if not shares:
        raise EstimationError("mean_of_shares needs at least one share")
    a = [np.nan_to_num(np.asarray(num, dtype=float)) for num, _ in shares]
    b = [np.nan_to_num(np.asarray(base, dtype=float)) for _, base in shares]
    usable = np.zeros(design.n, dtype=bool)
    for base in b:
        usable |= base > 0
    domain, levels = _domains(design, by, None, usable)
    n_domains = len(levels)
    d = n_domains + 1
    inside = domain < n_domains
    w = np.where(inside, design.weights, 0.0)
    k = len(shares)
    estimate = np.zeros(n_domains)
    u = np.zeros(design.n)
    for a_k, b_k in zip(a, b, strict=True):
        numerator = np.bincount(domain, weights=w * a_k, minlength=d)[:n_domains]
        denominator = np.bincount(domain, weights=w * b_k, minlength=d)[:n_domains]
        if (denominator == 0).any():
            raise EstimationError("a share has no respondent in its base in some domain")
        p = numerator / denominator
        estimate += p / k
        u += (a_k - np.append(p, 0.0)[domain] * b_k) / np.append(denominator, 1.0)[domain] / k
    u = np.where(inside, u, 0.0)
    wu = w * u
    variance = domain_variance(design, wu, u, domain, n_domains)
    se = np.sqrt(np.maximum(variance, 0.0))
    df = domain_degrees_of_freedom(design, domain, n_domains)
    n = np.bincount(domain, minlength=d)[:n_domains]
    weight_total = np.bincount(domain, weights=w, minlength=d)[:n_domains]
    deff, n_eff = design_effect(u, wu, w, domain, n_domains, n, weight_total, variance)
    low, high = ci.symmetric(estimate, se, df, level)
    low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
    return [
        Estimate(
            by=levels[i],
            estimate=float(estimate[i]),
            se=float(se[i]),
            ci_low=float(low[i]),
            ci_high=float(high[i]),
            df=int(df[i]),
            deff=float(deff[i]),
            n=int(n[i]),
            n_eff=float(n_eff[i]),
        )
        for i in range(n_domains)
    ]
