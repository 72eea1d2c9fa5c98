"""Estimates under every replicate and the replicate variance, vectorised over rows and replicates.

Replicate ``r`` weighs row ``k`` with ``b_k F[unit_k, r] g_r[cell_k]`` (see :mod:`analysis.replicates`):
``b`` the base weights, ``F`` the replicate factors per unit (PSU, or row for replicate weights from a file)
and ``g_r`` the raking factor of the row's calibration cell when the design is raked (1 otherwise). Rows
sharing a unit and a cell weigh alike in every replicate, so a weighted total under all replicates is one
product of a (domain x group) table of ``b x`` with the (group x replicate) matrix ``F g``: for replicates
built from a design the groups are PSU x cell, a few thousand even for a million rows.

Raking again (R's ``calibrate``/``rake`` on a ``svyrep.design``) is iterative proportional fitting on the
cell totals of each replicate, all replicates at once, to the margins the full-sample weights meet.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from analysis.calibration import Calibration, solve_cells
from analysis.design import Design
from analysis.errors import ConvergenceError, DesignError, EstimationError
from analysis.replicates import Replicates

_RAKE_TOL = 1e-10
_RAKE_MAX_ITER = 1000
_DENSE_TABLE_LIMIT = 20_000_000


@dataclass(frozen=True, eq=False)
class _Groups:
    group: np.ndarray
    """Row -> group (unit x cell)."""
    n_groups: int
    base: np.ndarray
    """Row -> base weight b_k."""
    matrix: np.ndarray
    """Groups x replicates: F[unit_g] * g[cell_g]."""


def _replicates(design: Design) -> Replicates:
    if design.replicates is None:
        raise EstimationError("the design has no replicate weights")
    return design.replicates


# A design is immutable, so its replicate groups (and the re-raking behind them) are computed once per design:
# a report asks many estimates of one design.
_CACHE: weakref.WeakKeyDictionary[Design, _Groups] = weakref.WeakKeyDictionary()


def _groups(design: Design) -> _Groups:
    cached = _CACHE.get(design)
    if cached is None:
        cached = _CACHE[design] = _build_groups(design)
    return cached


def _build_groups(design: Design) -> _Groups:
    rep = _replicates(design)
    cal = design.calibration
    n = design.n
    if rep.per_row:
        unit, base = np.arange(n), np.ones(n)
    else:
        unit = design.psu
        base = cal.base_weights if cal is not None else design.weights
    if cal is None:
        return _Groups(unit, rep.factors.shape[0], base, rep.factors)
    n_cells = cal.n_cells
    key = unit.astype(np.int64) * n_cells + cal.cell
    keys, group = np.unique(key, return_inverse=True)
    unit_g, cell_g = keys // n_cells, keys % n_cells
    rake = _rake_factors(design, rep, unit, base)
    return _Groups(group.astype(np.int64), len(keys), base, rep.factors[unit_g] * rake[cell_g])


def _rake_factors(design: Design, rep: Replicates, unit: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Cells x replicates raking factors that bring every replicate to the full sample's margins."""
    cal = design.calibration
    assert cal is not None
    if not cal.margin_sizes:
        raise DesignError("replicate weights can only be calibrated again after raking or post-stratification")
    n_cells = cal.n_cells
    by_unit = sparse.csr_matrix((base, (cal.cell, unit)), shape=(n_cells, rep.factors.shape[0]))
    cell_weight = np.asarray(by_unit @ rep.factors)
    final_cells = np.bincount(cal.cell, weights=design.weights, minlength=n_cells)
    margins = []
    offset = 0
    for size in cal.margin_sizes:
        block = cal.model[:, offset:offset + size]
        codes = np.argmax(block, axis=1)
        margins.append((codes, np.bincount(codes, weights=final_cells, minlength=size)))
        offset += size
    if cal.calfun != "raking" or cal.bounds != (0.0, float("inf")):
        return _recalibrate(cal, cell_weight, final_cells)
    factor = np.ones_like(cell_weight)
    for _ in range(_RAKE_MAX_ITER):
        before = factor.copy()
        for codes, target in margins:
            indicator = np.zeros((len(target), n_cells))
            indicator[codes, np.arange(n_cells)] = 1.0
            achieved = indicator @ (cell_weight * factor)
            if (achieved <= 0).any():
                r = int(np.argwhere(achieved <= 0)[0][1]) + 1
                raise EstimationError(
                    f"replicate {r} leaves a margin category without sample weight, so it cannot be raked "
                    "again (R's calibrate fails too); merge categories or use another replicate type"
                )
            factor *= (target[:, None] / achieved)[codes]
        change = float(np.max(np.abs(factor / before - 1.0)))
        if change <= _RAKE_TOL:
            return factor
    raise ConvergenceError(f"raking the replicate weights did not converge in {_RAKE_MAX_ITER} sweeps")


def _recalibrate(cal: Calibration, cell_weight: np.ndarray, final_cells: np.ndarray) -> np.ndarray:
    """Cells x replicates g of a linear / logit / bounded calibration, each replicate solved on its own."""
    population = cal.model.T @ final_cells
    factor = np.ones_like(cell_weight)
    for r in range(cell_weight.shape[1]):
        g, _, error = solve_cells(cal.calfun, cell_weight[:, r], cal.model, population, cal.bounds,
                                  tol=_RAKE_TOL, max_iter=_RAKE_MAX_ITER)
        if not error <= _RAKE_TOL * 100:
            raise ConvergenceError(
                f"replicate {r + 1} cannot be calibrated again ({cal.calfun}, bounds {cal.bounds[0]:g},"
                f"{cal.bounds[1]:g}; largest relative margin error {error:.3g}): widen the bounds or merge categories"
            )
        factor[:, r] = g
    return factor


def _table(groups: _Groups, values: np.ndarray, domain: np.ndarray, n_domains: int) -> np.ndarray:
    """Domains x replicates weighted totals of ``values`` (0 outside the domains)."""
    g = groups.n_groups
    weighted = groups.base * values
    if (n_domains + 1) * g <= _DENSE_TABLE_LIMIT:
        table = np.bincount(domain * g + groups.group, weights=weighted, minlength=(n_domains + 1) * g)
        return table.reshape(n_domains + 1, g)[:n_domains] @ groups.matrix
    inside = domain < n_domains
    matrix = sparse.csr_matrix((weighted[inside], (domain[inside], groups.group[inside])), shape=(n_domains, g))
    return np.asarray(matrix @ groups.matrix)


def replicate_estimates(
    design: Design, kind: str, a: np.ndarray, b: np.ndarray | None, domain: np.ndarray, n_domains: int
) -> np.ndarray:
    """Domains x replicates estimates of ``kind`` ("mean", "total", "ratio", "proportion")."""
    groups = _groups(design)
    inside = domain < n_domains
    a = np.where(inside, a, 0.0)
    numerator = _table(groups, a, domain, n_domains)
    if kind == "total":
        return numerator
    den_values = np.where(inside, 1.0 if b is None else np.where(inside, b, 0.0), 0.0)
    denominator = _table(groups, den_values, domain, n_domains)
    with np.errstate(divide="ignore", invalid="ignore"):
        # A replicate that drops every member of a domain has no estimate there: NaN, left out below.
        return np.where(denominator != 0, numerator / denominator, np.nan)


def variance(replicates: Replicates, thetas: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """``scale * sum_r rscale_r (theta_r - centre)^2`` per row of ``thetas`` (R's ``svrVar``).

    The centre is the mean of the replicates with a positive rscale, or the full-sample estimate when
    ``mse``. Replicates without an estimate (NaN) are left out, as R's ``na.action = na.omit``.
    """
    rs = replicates.rscales
    ok = np.isfinite(thetas)
    if replicates.mse:
        centre = estimate
    else:
        use = ok & (rs > 0)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            centre = np.where(use, thetas, 0.0).sum(axis=1) / use.sum(axis=1)
    deviation = np.where(ok, thetas - centre[:, None], 0.0)
    result: np.ndarray = replicates.scale * ((deviation * deviation) @ rs)
    return np.where(ok.any(axis=1), result, np.nan)


def replicate_variance(
    design: Design, kind: str, a: np.ndarray, b: np.ndarray | None, domain: np.ndarray, n_domains: int,
    estimate: np.ndarray,
) -> np.ndarray:
    thetas = replicate_estimates(design, kind, a, b, domain, n_domains)
    return variance(_replicates(design), thetas, estimate)


def replicate_weights(design: Design) -> np.ndarray:
    """The rows x replicates weight matrix of ``design`` (raked again per replicate when the design is raked).

    With ``design.replicates.scale``, ``.rscales`` and ``.mse`` this is what an export writes so that users
    outside the platform (R's ``svrepdesign(repweights = , type = , scale = , rscales = )``) get the same SEs.
    """
    groups = _groups(design)
    return groups.base[:, None] * groups.matrix[groups.group]
