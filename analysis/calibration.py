"""The part of a raking or post-stratification that the variance estimator needs afterwards.

Calibrated weights make totals of the margin variables exact, so those variables no longer contribute
sampling error. R's ``calibrate()`` expresses this by replacing each influence value with its residual from
a weighted least-squares regression on the margin indicators, using the design weights *before*
calibration. The regression only depends on which margin cell a row falls in, so we keep the cell of each
row and a small cell-by-indicator matrix; the regression then runs on a few hundred cells instead of
millions of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Calibration:
    """Margin model of a calibrated weight vector (read-only arrays)."""

    base_weights: np.ndarray
    """Weights before calibration: the regression weights of R's calibration residuals."""
    cell: np.ndarray
    """For every row, the index of its cell (one combination of margin categories)."""
    model: np.ndarray
    """Cells x indicators matrix: 1 where the cell belongs to a margin category."""
    gram_pinv: np.ndarray
    """Pseudo-inverse of the base-weighted cross-product of ``model``: indicators are collinear."""
    margin_sizes: tuple[int, ...] = ()
    """Categories per margin, in the order of ``model``'s columns: replicate weights are raked again with
    them (:mod:`analysis.replicates`). Empty when the calibration was not built by raking."""
    calfun: str = "raking"
    """R's ``calfun``: ``raking``, ``linear`` or ``logit``; replicate weights are calibrated again with it."""
    bounds: tuple[float, float] = (0.0, float("inf"))
    """Bounds on g = calibrated / base weight (R's ``bounds``)."""

    @classmethod
    def build(cls, base_weights: np.ndarray, cell: np.ndarray, model: np.ndarray,
              margin_sizes: tuple[int, ...] = (), calfun: str = "raking",
              bounds: tuple[float, float] = (0.0, float("inf"))) -> Calibration:
        cell_weight = np.bincount(cell, weights=base_weights, minlength=model.shape[0])
        gram = model.T @ (model * cell_weight[:, None])
        return cls(
            base_weights=_readonly(base_weights),
            cell=_readonly(cell),
            model=_readonly(model),
            gram_pinv=_readonly(np.linalg.pinv(gram, hermitian=True)),
            margin_sizes=tuple(int(m) for m in margin_sizes),
            calfun=calfun,
            bounds=(float(bounds[0]), float(bounds[1])),
        )

    @property
    def n_cells(self) -> int:
        return int(self.model.shape[0])

    def fitted(self, cell_sums: np.ndarray) -> np.ndarray:
        """Cell-level fitted values of the regression, given per-cell sums of base weight x influence."""
        beta = self.gram_pinv @ (self.model.T @ cell_sums)
        return self.model @ beta


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.array(array, copy=True)
    array.flags.writeable = False
    return array


# ------------------------------------------------------------------------------------ calibration functions
# R's survey calibrate(calfun=...) writes the calibrated weight as d * g with g = 1 + Fm1(x'eta); the same
# functions here (and R's names) so that the weights can be compared with R's directly.
CALFUNS = ("raking", "linear", "logit")


def g_weights(calfun: str, u: np.ndarray, bounds: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(g, dg/du) of R's ``cal.linear`` / ``cal.raking`` / ``cal.logit`` at the linear predictor ``u``."""
    low, high = bounds
    if calfun == "linear":
        # Bounded linear is R's truncated linear: g stops at the bounds and no longer responds there.
        g = np.clip(1.0 + u, low, high)
        return g, ((1.0 + u > low) & (1.0 + u < high)).astype(np.float64)
    if calfun == "raking":
        with np.errstate(over="ignore"):
            e = np.exp(u)
        return np.clip(e, low, high), np.where((e > low) & (e < high), e, 0.0)
    if calfun == "logit":
        a = (high - low) / ((high - 1.0) * (1.0 - low))
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(a * u)
            g = (low * (high - 1.0) + high * (1.0 - low) * e) / (high - 1.0 + (1.0 - low) * e)
            dg = a * (high - low) * (high - 1.0) * (1.0 - low) * e / (high - 1.0 + (1.0 - low) * e) ** 2
        # exp overflow means g has reached its upper bound: the limits, not NaN.
        big = ~np.isfinite(e)
        g = np.where(big, high, g)
        dg = np.where(big, 0.0, dg)
        return g, dg
    raise ValueError(f"unknown calibration function {calfun!r} (use one of {', '.join(CALFUNS)})")


def check_bounds(calfun: str, bounds: tuple[float, float] | None) -> tuple[float, float]:
    """The bounds on g as R takes them; logit needs finite L < 1 < U."""
    if calfun not in CALFUNS:
        raise ValueError(f"unknown calibration function {calfun!r} (use one of {', '.join(CALFUNS)})")
    low, high = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if calfun == "raking" and bounds is None:
        low = 0.0
    if not low < 1.0 < high:
        raise ValueError(f"calibration bounds must satisfy L < 1 < U (they bound g = w / d), got {low:g},{high:g}")
    if calfun == "logit" and not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError("logit calibration needs finite bounds L,U (for example 0.5,2)")
    return low, high


def solve_cells(
    calfun: str,
    cell_weight: np.ndarray,
    model: np.ndarray,
    population: np.ndarray,
    bounds: tuple[float, float],
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> tuple[np.ndarray, int, float]:
    """g per cell so that ``model' (cell_weight * g) = population``: Newton's method as R's ``grake``.

    Every row of a cell has the same model row and hence the same g, so the iterations run on the cells.
    The model may be collinear (one block of indicators per margin, each summing to the population size);
    the generalised inverse picks the same g as R's ``MASS::ginv``. Returns (g, iterations, largest
    relative misfit of a total).
    """
    sample_total = model.T @ cell_weight
    scale = np.maximum(np.abs(population), 1.0)
    eta = np.zeros(model.shape[1])
    if calfun == "linear" and not np.isfinite(bounds).any():
        # Unbounded linear calibration (GREG) has a closed form, which R uses as well.
        gram = model.T @ (model * cell_weight[:, None])
        eta = np.linalg.pinv(gram, hermitian=True) @ (population - sample_total)
        g = 1.0 + model @ eta
        misfit = population - model.T @ (cell_weight * g)
        return g, 1, float(np.max(np.abs(misfit) / scale))
    g, dg = g_weights(calfun, model @ eta, bounds)
    misfit = population - model.T @ (cell_weight * g)
    for iteration in range(1, max_iter + 1):
        error = float(np.max(np.abs(misfit) / scale))
        if error <= tol:
            return g, iteration - 1, error
        jacobian = model.T @ (model * (cell_weight * dg)[:, None])
        step = np.linalg.pinv(jacobian, hermitian=True, rcond=256 * np.finfo(float).eps) @ misfit
        # R's grake halves the step only while the weights overflow. Halving also while the misfit grows
        # (a backtracking line search) reaches the same, unique solution from base weights far from the
        # population totals, where the plain Newton step of a bounded calfun overshoots and cycles.
        norm = float(np.linalg.norm(misfit / scale))
        for _ in range(60):
            with np.errstate(invalid="ignore", over="ignore"):
                new_g, new_dg = g_weights(calfun, model @ (eta + step), bounds)
                new_misfit = population - model.T @ (cell_weight * new_g)
            new_norm = float(np.linalg.norm(new_misfit / scale))
            if np.isfinite(new_norm) and np.isfinite(new_dg).all() and new_norm < norm:
                break
            step = step / 2
        else:
            return g, iteration, error
        eta = eta + step
        g, dg, misfit = new_g, new_dg, new_misfit
    return g, max_iter, float(np.max(np.abs(misfit) / scale))
