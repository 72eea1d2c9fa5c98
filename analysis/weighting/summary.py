"""What a weight vector costs: Kish's effective sample size, design effect due to weighting, range, CV."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._columns import Column

from .calibrated import weight_values


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

    def as_record(self) -> dict[str, float | int]:
        """The diagnostics as plain numbers (stored with a computation run, printed in the annex)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def diagnostics(weights: Column, data: pd.DataFrame | None = None) -> WeightDiagnostics:
    """Kish effective sample size, weighting efficiency, design effect due to weighting, range and CV."""
    w = weight_values(data, weights)
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
