"""Weights as the functions of this package take them: a column, an array, or calibrated weights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis._columns import Column, label, resolve, to_float
from analysis.calibration import Calibration
from analysis.errors import WeightError


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


def column_values(data: pd.DataFrame | None, column: Column, what: str) -> np.ndarray:
    n = len(data) if data is not None else len(column)
    return to_float(resolve(data, column, n, what), label(column, what))


def weight_values(data: pd.DataFrame | None, weights: Column) -> np.ndarray:
    if isinstance(weights, CalibratedWeights):
        return weights.weights
    w = column_values(data, weights, "weights")
    if np.isnan(w).any():
        row = int(np.flatnonzero(np.isnan(w))[0]) + 1
        raise WeightError(f"weights have missing values (first at row {row})")
    if (w < 0).any() or np.isinf(w).any():
        row = int(np.flatnonzero((w < 0) | np.isinf(w))[0]) + 1
        raise WeightError(f"weights must be finite and not negative (row {row}: {w[row - 1]})")
    return w
