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

    @classmethod
    def build(cls, base_weights: np.ndarray, cell: np.ndarray, model: np.ndarray,
              margin_sizes: tuple[int, ...] = ()) -> Calibration:
        cell_weight = np.bincount(cell, weights=base_weights, minlength=model.shape[0])
        gram = model.T @ (model * cell_weight[:, None])
        return cls(
            base_weights=_readonly(base_weights),
            cell=_readonly(cell),
            model=_readonly(model),
            gram_pinv=_readonly(np.linalg.pinv(gram, hermitian=True)),
            margin_sizes=tuple(int(m) for m in margin_sizes),
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
