"""Raking (iterative proportional fitting on cells) and post-stratification to population margins.

Raking works on cells (combinations of margin categories) rather than rows: every row of a cell gets the
same adjustment factor, so iterative proportional fitting on the few hundred cell totals gives the same
weights as on the rows, and a million-row file costs one pass to build the cells and one to apply the
factors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis._columns import Column, factorize
from analysis.calibration import Calibration
from analysis.errors import ConvergenceError, DataError, MarginError

from .calibrated import CalibratedWeights, weight_values
from .margins import Margins, level_text

# Totals of different margins must agree to this relative tolerance: census tables are often rounded.
# Margins that disagree cannot all be met; raking then converges on the change in the weights (as R's
# rake() does) and the margins are met up to their disagreement, which the result reports.
_TOTAL_RTOL = 1e-6
# Above this many category combinations the cells are found by sorting instead of a direct table.
_DIRECT_CELL_LIMIT = 4_000_000


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
    w0 = weight_values(data, weights)
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
        calibration=Calibration.build(w0, cell, model, tuple(len(t) for t in targets)),
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
    texts = [level_text(v) for v in levels]
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
