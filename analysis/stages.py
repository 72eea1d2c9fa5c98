"""What a :class:`analysis.design.Design` does with strata of one PSU, and its second sampling stage.

Both are declared on the design and read by the variance estimator (:mod:`analysis.variance`); the second
stage is built here from the SSU and ``fpc2`` columns, checked as R's ``svydesign`` checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from analysis._columns import factorize, nest, no_missing, readonly
from analysis.errors import DesignError, LonelyPSUError


class LonelyPSU(StrEnum):
    """What to do with a stratum that has a single PSU (R's ``options(survey.lonely.psu)``)."""

    ERROR = "error"
    """Refuse to build the design (R's default ``"fail"``): the variance is not identifiable."""
    CERTAINTY = "certainty"
    """The PSU was sampled with certainty and contributes no variance (R's ``"certainty"``)."""
    ADJUST = "adjust"
    """Deviation of the PSU total from zero, the population mean of the influence values (R's ``"adjust"``)."""
    CENTERED = "centered"
    """Deviation from the mean PSU total of the whole sample (Stata's ``singleunit(centered)``)."""
    REMOVE = "remove"
    """The stratum is left out of the variance (R's ``"remove"``). Only first-stage PSUs enter the variance
    here (ultimate clusters), so this gives the variance of ``CERTAINTY``, as R's does for one-stage designs;
    the two differ in R only when later stages are modelled."""


@dataclass(frozen=True, eq=False)
class SecondStage:
    """SSUs nested in PSUs, ordered by PSU so that each PSU's SSUs are contiguous."""

    ssu: np.ndarray
    """Row -> SSU code (0..n_ssu-1)."""
    psu_ssu_start: np.ndarray
    """PSU -> index of its first SSU."""
    n_ssu_in_psu: np.ndarray
    sampling_fraction: np.ndarray
    """PSU -> share of its population's SSUs that were sampled."""

    @property
    def n_ssu(self) -> int:
        return int(self.n_ssu_in_psu.sum())


def second_stage(
    raw: np.ndarray | pd.Series, name: str, fpc2: np.ndarray, psu: np.ndarray, n_psu: int,
    mode: LonelyPSU, counts: np.ndarray,
) -> SecondStage:
    """The second stage from per-row SSU codes and ``fpc2``; ``counts`` marks the PSUs whose stratum has a
    first-stage sampling fraction, the only ones where the second stage adds variance."""
    codes, levels = factorize(raw)
    no_missing(codes, name)
    ssu, ssu_psu = nest(psu, codes, len(levels))
    n_ssu = np.bincount(ssu_psu, minlength=n_psu)
    start = np.concatenate(([0], np.cumsum(n_ssu)[:-1]))

    if np.isnan(fpc2).any():
        raise DesignError("fpc2 has missing values")
    if (fpc2 <= 0).any():
        raise DesignError("fpc2 must be positive (SSUs in the PSU's population or sampling fractions)")
    per_psu = np.empty(n_psu)
    per_psu[psu] = fpc2
    varying = fpc2 != per_psu[psu]
    if varying.any():
        raise DesignError(f"fpc2 is not constant within a PSU (row {int(np.flatnonzero(varying)[0]) + 1})")
    if (per_psu <= 1).all():
        fraction = per_psu
    elif (per_psu < 1).any():
        raise DesignError("fpc2 mixes sampling fractions (<= 1) and population sizes (> 1)")
    else:
        too_small = per_psu < n_ssu
        if too_small.any():
            row = int(np.flatnonzero(too_small[psu])[0]) + 1
            raise DesignError(f"fpc2 is smaller than the number of sampled SSUs in a PSU (row {row})")
        fraction = n_ssu / per_psu
    # A PSU with one sampled SSU out of several has no second-stage variance estimate; it only matters
    # where the first stage's fraction lets the second stage count.
    lonely = (n_ssu == 1) & (fraction < 1 - 1e-7) & counts
    if mode is LonelyPSU.ERROR and lonely.any():
        row = int(np.flatnonzero(lonely[psu])[0]) + 1
        raise LonelyPSUError(
            f"{int(lonely.sum())} PSU(s) have a single sampled SSU (first at row {row}); "
            "choose lonely_psu='certainty', 'adjust', 'centered' or 'remove'"
        )
    return SecondStage(readonly(ssu), readonly(start), readonly(n_ssu), readonly(fraction))
