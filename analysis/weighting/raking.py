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
from analysis.errors import ConvergenceError, DataError, MarginError, WeightError

from .calibrated import CalibratedWeights, weight_values
from .margins import Margins, level_text

# Totals of different margins must agree to this relative tolerance: census tables are often rounded.
# Margins that disagree cannot all be met; raking then converges on the change in the weights (as R's
# rake() does) and the margins are met up to their disagreement, which the result reports.
_TOTAL_RTOL = 1e-6
# Above this many category combinations the cells are found by sorting instead of a direct table.
_DIRECT_CELL_LIMIT = 4_000_000
INTERACTION = ":"
"""Joins the columns of an interaction margin (``region:settlement``) and its categories (``North:urban``)."""


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

    model = _model(cell_codes, targets)
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


def calibrate(
    data: pd.DataFrame,
    weights: Column,
    margins: Margins,
    *,
    calfun: str = "linear",
    bounds: tuple[float, float] | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> CalibratedWeights:
    """Calibrate ``weights`` to ``margins`` with R's ``calibrate(calfun=..., bounds=...)``.

    ``calfun`` is ``linear`` (GREG; with ``bounds`` the truncated linear method), ``logit`` (weights
    bounded: ``L < g < U`` where ``g`` is the calibrated weight over the base weight, R's ``bounds = c(L,
    U)``) or ``raking`` (without bounds the same as :func:`rake`). Margins may be interactions
    (``region:settlement`` with categories ``North:urban``). Newton's method as R's ``grake``; converged
    when every margin total is met to ``tol`` (relative). Unbounded linear calibration can give negative
    weights; R keeps them, we refuse them with a message (a :class:`Design` cannot use them): bounds prevent it.
    """
    from analysis.calibration import CALFUNS, check_bounds, solve_cells

    if calfun not in CALFUNS:
        raise MarginError(f"unknown calibration function '{calfun}': use one of {', '.join(CALFUNS)}")
    if calfun == "raking" and bounds is None:
        return rake(data, weights, margins, tol=tol, max_iter=max(max_iter, 1000))
    if not isinstance(data, pd.DataFrame):
        raise DataError("data must be a pandas DataFrame")
    if not margins:
        raise MarginError("no margins given")
    if not (tol > 0) or max_iter < 1:
        raise MarginError("tolerance must be positive and the iteration limit at least 1")
    try:
        g_bounds = check_bounds(calfun, bounds)
    except ValueError as exc:
        raise MarginError(str(exc)) from None
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
    model = _model(cell_codes, targets)
    cell_weight = np.bincount(cell, weights=w0, minlength=n_cells)
    g, iterations, error = solve_cells(calfun, cell_weight, model, np.concatenate(targets), g_bounds,
                                       tol=tol, max_iter=max_iter)
    if not error <= max(tol, disagreement + _TOTAL_RTOL):
        hint = (f"the bounds {g_bounds[0]:g},{g_bounds[1]:g} on g (calibrated / base weight) may be too tight "
                "for these margins: widen them, and scale the base weights to the population total first if they "
                "do not add up to it") if bounds is not None else "check that the margins fit the sample"
        raise ConvergenceError(
            f"{calfun} calibration did not meet the margins in {max_iter} iterations (largest relative margin "
            f"error {error:.3g}, tolerance {tol:g}): {hint}"
        )
    final = w0 * g[cell]
    negative = final < 0
    if negative.any():
        # R keeps negative GREG weights; a Design refuses them, so say here how to avoid them.
        raise WeightError(
            f"{calfun} calibration gives {int(negative.sum())} negative weights (smallest g = calibrated / base "
            f"weight {float(g.min()):.3g}): bound g, for example with calfun='linear' or 'logit' and bounds (0.1, 5)"
            " (command line: --bounds 0.1,5)"
        )
    final.flags.writeable = False
    error = _margin_error(np.bincount(cell, weights=final, minlength=n_cells), cell_codes, targets)
    return CalibratedWeights(
        weights=final,
        calibration=Calibration.build(w0, cell, model, tuple(len(t) for t in targets), calfun=calfun,
                                      bounds=g_bounds),
        iterations=iterations,
        max_error=error,
        totals_disagreement=disagreement,
    )


def _model(cell_codes: list[np.ndarray], targets: list[np.ndarray]) -> np.ndarray:
    """Cells x margin categories indicator matrix (R's model matrix, one block of columns per margin)."""
    n_cells = cell_codes[0].shape[0]
    model = np.zeros((n_cells, sum(len(t) for t in targets)))
    offset = 0
    for cc, t in zip(cell_codes, targets, strict=True):
        model[np.arange(n_cells), offset + cc] = 1.0
        offset += len(t)
    return model


def _margin_codes(
    data: pd.DataFrame, variable: str, totals: Mapping[str, float], w0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    if not totals:
        raise MarginError(f"margin '{variable}' has no categories")
    codes, texts = _margin_column(data, variable)
    categories = [str(c).strip() for c in totals]
    position = {c: i for i, c in enumerate(categories)}
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


def margin_columns(margins: Margins) -> list[str]:
    """The data columns the margins refer to (an interaction ``a:b`` refers to ``a`` and ``b``)."""
    columns: list[str] = []
    for variable in margins:
        for part in [p.strip() for p in variable.split(INTERACTION)]:
            if part not in columns:
                columns.append(part)
    return columns


def _margin_column(data: pd.DataFrame, variable: str) -> tuple[np.ndarray, list[str]]:
    """Row codes and category texts of a margin variable; ``a:b`` is the interaction of columns a and b.

    An interaction's categories are the parts' categories joined with ':' (``North:urban``), as in the
    margins file; that is how a joint table such as region x settlement is calibrated to.
    """
    parts = [variable] if variable in data.columns else [p.strip() for p in variable.split(INTERACTION)]
    missing = [p for p in parts if p not in data.columns]
    if missing:
        what = "margin variable" if len(parts) == 1 else f"part of the interaction margin '{variable}'"
        raise MarginError(f"{what} '{missing[0]}' is not a column of the data")
    key = np.zeros(len(data), dtype=np.int64)
    all_levels = []
    for part in parts:
        codes, levels = factorize(data[part])
        if (codes < 0).any():
            row = int(np.flatnonzero(codes < 0)[0]) + 1
            raise MarginError(f"margin variable '{part}' has {int((codes < 0).sum())} missing values "
                              f"(first at row {row})")
        key = key * len(levels) + codes
        all_levels.append([level_text(v) for v in levels.tolist()])
    if len(parts) == 1:
        return key, all_levels[0]
    present, codes = np.unique(key, return_inverse=True)
    texts = []
    for k in present.tolist():
        labels = []
        for part_levels in reversed(all_levels):
            k, code = divmod(k, len(part_levels))
            labels.append(part_levels[code])
        texts.append(INTERACTION.join(reversed(labels)))
    return codes.astype(np.int64), texts


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
