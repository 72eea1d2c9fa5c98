"""Survey weighting: base weights, nonresponse adjustment, post-stratification, raking, trimming.

Every function returns new weights and leaves its inputs untouched. :func:`rake` and
:func:`poststratify` return :class:`CalibratedWeights`, which carry the margin model so that a
:class:`~analysis.design.Design` built on them computes calibration-aware variances.

Raking works on cells (combinations of margin categories) rather than rows: every row of a cell gets the
same adjustment factor, so iterative proportional fitting on the few hundred cell totals gives the same
weights as on the rows, and a million-row file costs one pass to build the cells and one to apply the
factors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis._columns import Column, factorize, label, resolve, to_float
from analysis.calibration import Calibration
from analysis.errors import ConvergenceError, DataError, MarginError, WeightError

Margins = Mapping[str, Mapping[str, float]]
"""Population margins: variable -> {category (as text) -> population total}."""

# Totals of different margins must agree to this relative tolerance: census tables are often rounded.
# Margins that disagree cannot all be met; raking then converges on the change in the weights (as R's
# rake() does) and the margins are met up to their disagreement, which the result reports.
_TOTAL_RTOL = 1e-6
# Above this many category combinations the cells are found by sorting instead of a direct table.
_DIRECT_CELL_LIMIT = 4_000_000


@dataclass(frozen=True, eq=False)
class CalibratedWeights:
    """Weights that reproduce population margins, with what the variance estimator needs to know."""

    weights: np.ndarray
    calibration: Calibration
    iterations: int
    max_error: float
    """Largest relative difference between a weighted margin and its population total."""
    totals_disagreement: float = 0.0
    """How far apart the margins' own totals are (relative): the margin error raking cannot go below.
    The weights add up to the last margin's total."""

    def __len__(self) -> int:
        return int(self.weights.shape[0])

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return self.weights if dtype is None else self.weights.astype(dtype)


@dataclass(frozen=True)
class WeightDiagnostics:
    """Summary of a weight vector (rows with zero weight are left out)."""

    n: int
    total: float
    min: float
    max: float
    mean: float
    cv: float
    """Coefficient of variation (population standard deviation / mean)."""
    kish_n_eff: float
    """Kish's effective sample size ``(sum w)^2 / sum w^2``."""
    efficiency: float
    """``kish_n_eff / n``: the share of the sample size left after weighting."""
    deff_weighting: float
    """Kish's design effect due to weighting, ``n sum w^2 / (sum w)^2 = 1 + cv^2``."""
    max_min_ratio: float


# ---------------------------------------------------------------------------------------------- margins
def read_margins(path: str | Path) -> dict[str, dict[str, float]]:
    """Read a margins CSV with columns ``variable,category,total`` (categories kept as text)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise MarginError(f"margins file not found: {path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MarginError(f"cannot read margins file {path}: {exc}") from None
    return margins_from_frame(frame, source=str(path))


def margins_from_frame(frame: pd.DataFrame, source: str = "margins") -> dict[str, dict[str, float]]:
    missing = [c for c in ("variable", "category", "total") if c not in frame.columns]
    if missing:
        raise MarginError(f"{source} lacks column(s) {', '.join(missing)} (need variable,category,total)")
    if frame.empty:
        raise MarginError(f"{source} has no rows")
    margins: dict[str, dict[str, float]] = {}
    for row_number, (variable, category, total) in enumerate(
        zip(frame["variable"], frame["category"], frame["total"], strict=True), start=2
    ):
        variable, category = str(variable).strip(), str(category).strip()
        try:
            value = float(total)
        except (TypeError, ValueError):
            raise MarginError(f"{source} line {row_number}: total {total!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise MarginError(f"{source} line {row_number}: total for {variable}={category} must be positive")
        categories = margins.setdefault(variable, {})
        if category in categories:
            raise MarginError(f"{source} line {row_number}: {variable}={category} is listed twice")
        categories[category] = value
    return margins


def _level_text(value: object) -> str:
    """How a data value is written in a margins file: integral floats without the '.0'."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------------------------------------- simple
def base_weights(probabilities: Column, data: pd.DataFrame | None = None) -> np.ndarray:
    """Inverse selection probabilities; every probability must lie in (0, 1]."""
    p = _values(data, probabilities, "selection probabilities")
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
    w = _weights(data, weights)
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
    w = _weights(data, weights).copy()
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


def diagnostics(weights: Column, data: pd.DataFrame | None = None) -> WeightDiagnostics:
    """Kish effective sample size, weighting efficiency, design effect due to weighting, range and CV."""
    w = _weights(data, weights)
    w = w[w > 0]
    n = len(w)
    total = float(w.sum())
    sum_sq = float(np.dot(w, w))
    mean = total / n
    cv = float(np.sqrt(max(sum_sq / n - mean * mean, 0.0)) / mean)
    kish = total * total / sum_sq
    return WeightDiagnostics(
        n=n,
        total=total,
        min=float(w.min()),
        max=float(w.max()),
        mean=mean,
        cv=cv,
        kish_n_eff=kish,
        efficiency=kish / n,
        deff_weighting=n * sum_sq / (total * total),
        max_min_ratio=float(w.max() / w.min()),
    )


# ---------------------------------------------------------------------------------------------- calibration
def poststratify(
    data: pd.DataFrame, weights: Column, variable: str, totals: Mapping[str, float]
) -> CalibratedWeights:
    """Scale weights within each category of ``variable`` to its population total (R's ``postStratify``)."""
    return rake(data, weights, {variable: totals}, tol=1e-12, max_iter=2)


def rake(
    data: pd.DataFrame,
    weights: Column,
    margins: Margins,
    *,
    tol: float = 1e-10,
    max_iter: int = 1000,
    trim: tuple[float | None, float | None] | None = None,
) -> CalibratedWeights:
    """Rake ``weights`` to population ``margins`` by iterative proportional fitting.

    Converged when no weight changes by more than ``tol`` (relative) over a sweep through the margins:
    R's ``rake()`` criterion, relative instead of absolute so that it does not depend on the scale of
    the weights. When the margins' totals agree the margins are then met to about ``tol``; when they
    disagree (rounded census tables, within 1e-6) every margin is met up to that disagreement, which
    :attr:`CalibratedWeights.totals_disagreement` reports, and the weights add up to the last margin's
    total. With ``trim =
    (lower, upper)`` (absolute weight values; ``None`` for no bound) weights are clipped to the bounds
    after each raking and raked again until both the margins and the bounds hold. The variance of a
    trimmed raking is computed as if it were a plain raking of the base weights (an approximation).
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError("data must be a pandas DataFrame")
    if not margins:
        raise MarginError("no margins given")
    if not (tol > 0) or max_iter < 1:
        raise MarginError("tolerance must be positive and the iteration limit at least 1")
    w0 = _weights(data, weights)
    variables = list(margins)
    targets, codes = [], []
    for variable in variables:
        target, code = _margin_codes(data, variable, margins[variable], w0)
        targets.append(target)
        codes.append(code)
    disagreement = _check_totals(variables, targets)
    cell, cell_codes = _cells(codes, [len(t) for t in targets])
    n_cells = cell_codes[0].shape[0]

    iterations = 0
    current = w0
    lo = -np.inf if trim is None or trim[0] is None else float(trim[0])
    hi = np.inf if trim is None or trim[1] is None else float(trim[1])
    positive = w0 > 0
    for _ in range(1 if trim is None else max_iter):
        cell_weight = np.bincount(cell, weights=current, minlength=n_cells)
        factor, steps, change = _ipf(cell_weight, cell_codes, targets, tol, max_iter)
        iterations += steps
        error = _margin_error(cell_weight * factor, cell_codes, targets)
        if change > tol and math.isfinite(change):
            raise ConvergenceError(
                f"raking did not converge in {max_iter} iterations (largest relative change of a weight "
                f"in the last sweep {change:.3g}, tolerance {tol:g}; largest relative margin error {error:.3g})"
            )
        if not math.isfinite(change) or error > disagreement + _TOTAL_RTOL:
            # The weights stopped moving but the margins are not met: no weights reproduce them all.
            raise ConvergenceError(
                f"raking stalled with a relative margin error of {error:.3g}: the margins cannot all be met "
                "by these sample cells (a category combination the margins need is missing from the sample)"
            )
        current = current * factor[cell]
        kept = current[positive]
        if kept.min() >= lo * (1 - 1e-9) and kept.max() <= hi * (1 + 1e-9):
            break
        # Clipping breaks the margins again; the next raking restores them, usually within a few rounds.
        current = np.where(positive, np.clip(current, lo, hi), 0.0)
    else:
        raise ConvergenceError(f"raking with trimming to [{lo:g}, {hi:g}] did not converge in {max_iter} rounds")

    model = np.zeros((n_cells, sum(len(t) for t in targets)))
    offset = 0
    for cc, t in zip(cell_codes, targets, strict=True):
        model[np.arange(n_cells), offset + cc] = 1.0
        offset += len(t)
    final = np.array(current, dtype=np.float64)
    final.flags.writeable = False
    error = _margin_error(np.bincount(cell, weights=final, minlength=n_cells), cell_codes, targets)
    return CalibratedWeights(
        weights=final,
        calibration=Calibration.build(w0, cell, model),
        iterations=iterations,
        max_error=error,
        totals_disagreement=disagreement,
    )


def _margin_codes(
    data: pd.DataFrame, variable: str, totals: Mapping[str, float], w0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    if variable not in data.columns:
        raise MarginError(f"margin variable '{variable}' is not a column of the data")
    if not totals:
        raise MarginError(f"margin '{variable}' has no categories")
    codes, levels = factorize(data[variable])
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0]) + 1
        raise MarginError(f"margin variable '{variable}' has {int((codes < 0).sum())} missing values "
                          f"(first at row {row})")
    categories = [str(c).strip() for c in totals]
    position = {c: i for i, c in enumerate(categories)}
    texts = [_level_text(v) for v in levels]
    unknown = [t for t in texts if t not in position]
    if unknown:
        raise MarginError(
            f"sample category {variable}={unknown[0]} is missing from the margins"
            + (f" ({len(unknown) - 1} more)" if len(unknown) > 1 else "")
        )
    lookup = np.array([position[t] for t in texts], dtype=np.int64)
    mapped = lookup[codes]
    present = np.bincount(mapped, weights=w0, minlength=len(categories)) > 0
    if not present.all():
        absent = [c for c, ok in zip(categories, present, strict=True) if not ok]
        raise MarginError(
            f"margin category {variable}={absent[0]} has no sample cases with positive weight"
            + (f" ({len(absent) - 1} more)" if len(absent) > 1 else "")
        )
    target = np.array([float(totals[c]) for c in totals], dtype=np.float64)
    if not np.isfinite(target).all() or (target <= 0).any():
        raise MarginError(f"margin '{variable}' has a total that is not a positive number")
    return target, mapped


def _check_totals(variables: list[str], targets: list[np.ndarray]) -> float:
    """Relative disagreement of the margins' totals with the last one (what raking ends on)."""
    sums = [float(t.sum()) for t in targets]
    reference = sums[0]
    for variable, total in zip(variables, sums, strict=True):
        if abs(total - reference) > _TOTAL_RTOL * reference:
            raise MarginError(
                f"margins disagree on the population total: '{variables[0]}' sums to {reference:.10g} "
                f"but '{variable}' sums to {total:.10g}"
            )
    return max(abs(sums[-1] / total - 1.0) for total in sums)


def _cells(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Row -> cell index and, per margin, cell -> category code."""
    strides = np.cumprod([1, *sizes[:-1]])
    n_keys = int(np.prod(sizes, dtype=np.float64))
    key = codes[0].copy() if len(codes) == 1 else sum(c * int(s) for c, s in zip(codes, strides, strict=True))
    if n_keys <= _DIRECT_CELL_LIMIT:
        present = np.bincount(key, minlength=n_keys) > 0
        cell_of_key = np.cumsum(present) - 1
        cell = cell_of_key[key]
        cell_keys = np.flatnonzero(present)
    else:
        cell_keys, cell = np.unique(key, return_inverse=True)
    cell_codes = [(cell_keys // int(s)) % size for s, size in zip(strides, sizes, strict=True)]
    return cell.astype(np.int64, copy=False), cell_codes


def _ipf(
    cell_weight: np.ndarray, cell_codes: list[np.ndarray], targets: list[np.ndarray], tol: float, max_iter: int
) -> tuple[np.ndarray, int, float]:
    """Cell factors, sweeps done and the largest relative change of a factor in the last sweep."""
    factor = np.ones(cell_weight.shape[0])
    change = np.inf
    for iteration in range(1, max_iter + 1):
        before = factor.copy()
        for cc, target in zip(cell_codes, targets, strict=True):
            achieved = np.bincount(cc, weights=cell_weight * factor, minlength=len(target))
            factor *= (target / achieved)[cc]
        with np.errstate(divide="ignore", invalid="ignore"):
            change = float(np.max(np.abs(factor / before - 1.0)))
        if not math.isfinite(change):
            return factor, iteration, change  # weights underflowed to 0: the margins cannot be met
        if change <= tol:
            return factor, iteration, change
    return factor, max_iter, change


def _margin_error(cell_weight: np.ndarray, cell_codes: list[np.ndarray], targets: list[np.ndarray]) -> float:
    return max(
        float(np.max(np.abs(np.bincount(cc, weights=cell_weight, minlength=len(t)) / t - 1.0)))
        for cc, t in zip(cell_codes, targets, strict=True)
    )


def _values(data: pd.DataFrame | None, column: Column, what: str) -> np.ndarray:
    n = len(data) if data is not None else len(column)
    return to_float(resolve(data, column, n, what), label(column, what))


def _weights(data: pd.DataFrame | None, weights: Column) -> np.ndarray:
    if isinstance(weights, CalibratedWeights):
        return weights.weights
    w = _values(data, weights, "weights")
    if np.isnan(w).any():
        row = int(np.flatnonzero(np.isnan(w))[0]) + 1
        raise WeightError(f"weights have missing values (first at row {row})")
    if (w < 0).any() or np.isinf(w).any():
        row = int(np.flatnonzero((w < 0) | np.isinf(w))[0]) + 1
        raise WeightError(f"weights must be finite and not negative (row {row}: {w[row - 1]})")
    return w
