"""Base weights, nonresponse adjustment and trimming: each returns a new weight vector."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._columns import Column, factorize, label, resolve, to_float
from analysis.errors import ConvergenceError, DataError, WeightError

from .calibrated import column_values, weight_values


def base_weights(probabilities: Column, data: pd.DataFrame | None = None) -> np.ndarray:
    """Inverse selection probabilities; every probability must lie in (0, 1]."""
    p = column_values(data, probabilities, "selection probabilities")
    if np.isnan(p).any():
        raise WeightError("selection probabilities have missing values")
    if ((p <= 0) | (p > 1)).any():
        row = int(np.flatnonzero((p <= 0) | (p > 1))[0]) + 1
        raise WeightError(f"selection probabilities must lie in (0, 1] (row {row}: {p[row - 1]})")
    return 1.0 / p


def adjust_nonresponse(
    weights: Column,
    respondent: Column,
    cells: Column | None = None,
    data: pd.DataFrame | None = None,
) -> np.ndarray:
    """Move the weight of nonrespondents to respondents of the same cell (weighting-class adjustment).

    Respondents' weights are multiplied by (weight of the cell) / (weight of its respondents);
    nonrespondents get weight 0 and stay in the file.
    """
    w = weight_values(data, weights)
    n = len(w)
    resp = np.asarray(resolve(data, respondent, n, "respondent"))
    if resp.dtype.kind != "b":
        resp_float = to_float(resp, label(respondent, "respondent"))
        if not np.isin(resp_float, (0.0, 1.0)).all():
            raise DataError("respondent indicator must be true/false or 0/1")
        resp = resp_float == 1.0
    if cells is None:
        codes, levels = np.zeros(n, dtype=np.int64), np.array(["all"], dtype=object)
    else:
        codes, levels = factorize(resolve(data, cells, n, "cells"))
        if (codes < 0).any():
            raise DataError(f"nonresponse cells {label(cells, '')} have missing values".replace("  ", " "))
    all_w = np.bincount(codes, weights=w, minlength=len(levels))
    resp_w = np.bincount(codes, weights=np.where(resp, w, 0.0), minlength=len(levels))
    empty = (resp_w <= 0) & (all_w > 0)
    if empty.any():
        raise WeightError(f"nonresponse cell {levels[np.flatnonzero(empty)[0]]} has no respondents")
    factor = np.divide(all_w, resp_w, out=np.zeros_like(all_w), where=resp_w > 0)
    return np.where(resp, w * factor[codes], 0.0)


def trim(
    weights: Column,
    lower: float | None = None,
    upper: float | None = None,
    *,
    data: pd.DataFrame | None = None,
    max_iter: int = 100,
) -> np.ndarray:
    """Trim weights to ``[lower, upper]`` and share the excess equally among the others.

    This is R's ``trimWeights(strict = TRUE)``: weights outside the bounds are set to the bound, the
    trimmed amount is divided equally among the weights that were inside, and that is repeated until no
    weight is outside. The total is preserved. Rows with weight 0 stay at 0.
    """
    w = weight_values(data, weights).copy()
    lo = -np.inf if lower is None else float(lower)
    hi = np.inf if upper is None else float(upper)
    if lo > hi:
        raise WeightError(f"trimming bounds are reversed: lower {lo} > upper {hi}")
    positive = w > 0
    total, count = w.sum(), int(positive.sum())
    if count * hi < total * (1 - 1e-12) or count * lo > total * (1 + 1e-12):
        raise WeightError(
            f"cannot trim {count} weights summing to {total:.6g} into [{lo:.6g}, {hi:.6g}]: "
            "the bounds cannot hold that total"
        )
    for _ in range(max_iter):
        outside = positive & ((w < lo) | (w > hi))
        if not outside.any():
            return w
        clipped = np.where(positive, np.clip(w, lo, hi), 0.0)
        excess = float(np.sum(w - clipped))
        inside = positive & ~outside
        if not inside.any():
            raise WeightError("every weight is outside the trimming bounds; none is left to take the excess")
        clipped[inside] += excess / int(inside.sum())
        w = clipped
    raise ConvergenceError(f"trimming to [{lo:.6g}, {hi:.6g}] did not converge in {max_iter} iterations")
