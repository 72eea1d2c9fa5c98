"""The survey design: weights, strata, primary sampling units and finite population correction.

A :class:`Design` is built once and passed to every estimator. Everything the variance estimator needs
(integer codes for strata and PSUs, PSUs per stratum, the finite population correction) is computed here,
so each estimate is a handful of vectorised passes over the rows.

Variance follows R's ``survey`` package (Lumley): Taylor linearisation with the ultimate-cluster
approximation, i.e. only first-stage PSUs enter the variance and they are treated as drawn with
replacement unless a finite population correction is given. PSU codes are nested in strata
(R's ``nest = TRUE``): the same cluster code in two strata is two PSUs.

The lonely-PSU policy and the second stage are in :mod:`analysis.stages`; ``LonelyPSU`` is imported from
here too, as the app, the CLI and the tests always have.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis._columns import Column, factorize, label, nest, no_missing, readonly, resolve, to_float
from analysis.calibration import Calibration
from analysis.errors import DesignError, LonelyPSUError, WeightError
from analysis.stages import LonelyPSU, SecondStage, second_stage

if TYPE_CHECKING:
    from scipy import sparse

    from analysis.replicates import Replicates
    from analysis.weighting import CalibratedWeights

# Above this many PSU x cell entries the PSU-by-cell weight table is kept sparse.
_DENSE_PSU_CELL_LIMIT = 20_000_000


@dataclass(frozen=True, eq=False)
class Design:
    """An immutable survey design. Build it with :meth:`Design.from_frame`.

    Arrays are read-only. ``data`` is kept by reference (not copied) so that estimators can look up
    columns by name; the design never modifies it.
    """

    data: pd.DataFrame
    weights: np.ndarray
    stratum: np.ndarray
    """Row -> stratum code (0..n_strata-1)."""
    psu: np.ndarray
    """Row -> PSU code (0..n_psu-1); PSU codes are ordered by stratum."""
    psu_stratum: np.ndarray
    """PSU -> stratum code."""
    stratum_psu_start: np.ndarray
    """Stratum -> index of its first PSU (PSUs of a stratum are contiguous)."""
    n_psu_in_stratum: np.ndarray
    sampling_fraction: np.ndarray
    """Stratum -> share of the population's PSUs that were sampled (0 without an FPC)."""
    strata_levels: np.ndarray
    lonely_psu: LonelyPSU
    has_strata: bool
    has_clusters: bool
    has_fpc: bool
    calibration: Calibration | None = None
    psu_cell_weight: np.ndarray | sparse.csr_matrix | None = None
    """PSU x calibration cell sums of the final weights (only for calibrated designs)."""
    stage2: SecondStage | None = None
    """Second-stage units within PSUs, when the design declares them (``ids = ~psu + ssu`` in R)."""
    replicates: Replicates | None = None
    """Replicate weights (:mod:`analysis.replicates`): when set, every estimator's variance comes from them."""

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        *,
        weights: Column | CalibratedWeights | None = None,
        strata: Column | None = None,
        cluster: Column | None = None,
        fpc: Column | None = None,
        lonely_psu: LonelyPSU | str = LonelyPSU.ERROR,
        ssu: Column | None = None,
        fpc2: Column | None = None,
    ) -> Design:
        """Declare a design on ``data``.

        Each of ``weights``, ``strata``, ``cluster`` and ``fpc`` is a column name of ``data`` or an array
        with one value per row. ``weights`` may also be the result of :func:`analysis.weighting.rake` or
        :func:`analysis.weighting.poststratify`; the design then remembers the calibration so that
        variances account for it. Without ``weights`` every row weighs 1. ``fpc`` holds, per row, either
        the number of PSUs in the stratum's population (values > 1) or the sampling fraction (values <= 1),
        as R's ``svydesign(fpc = )``.

        ``ssu`` names the second-stage units (codes nested in PSUs) and ``fpc2`` holds, per row, the number
        of SSUs in the PSU's population (> 1) or the PSU's second-stage sampling fraction (<= 1), as R's
        ``svydesign(ids = ~psu + ssu, fpc = ~fpc + fpc2)``. The second stage then adds
        ``sum_i f_h(i) V_i`` to the first-stage variance (R's ``multistage``), so PSUs sampled with certainty
        (``f_h = 1``) contribute the variance among their SSUs instead of nothing. Both FPCs are required:
        without the first R drops the second stage (sampling with replacement), without the second it
        assumes the second stage complete; either would silently make ``ssu`` a no-op.
        """
        from analysis.weighting import CalibratedWeights

        if not isinstance(data, pd.DataFrame):
            raise DesignError("data must be a pandas DataFrame")
        n = len(data)
        if n == 0:
            raise DesignError("the data has no rows")
        try:
            mode = LonelyPSU(lonely_psu)
        except ValueError:
            choices = ", ".join(m.value for m in LonelyPSU)
            raise DesignError(f"unknown lonely_psu option '{lonely_psu}' (choose one of: {choices})") from None

        calibration = None
        name = f"'{weights}'" if isinstance(weights, str) else ""
        if isinstance(weights, CalibratedWeights):
            if len(weights.weights) != n:
                raise WeightError(f"calibrated weights have {len(weights.weights)} values for {n} rows")
            w = weights.weights
            calibration = weights.calibration
        elif weights is None:
            w = np.ones(n)
        else:
            w = to_float(resolve(data, weights, n, "weights"), label(weights, "weights"))
        w = _checked_weights(w, name)

        if strata is None:
            stratum = np.zeros(n, dtype=np.int64)
            strata_levels = np.array([None], dtype=object)
        else:
            stratum, strata_levels = factorize(resolve(data, strata, n, "strata"))
            no_missing(stratum, label(strata, "strata"))

        n_strata = len(strata_levels)
        if cluster is None:
            order = np.argsort(stratum, kind="stable")
            psu = np.empty(n, dtype=np.int64)
            psu[order] = np.arange(n)
            psu_stratum = stratum[order]
        else:
            cluster_codes, cluster_levels = factorize(resolve(data, cluster, n, "cluster"))
            no_missing(cluster_codes, label(cluster, "cluster"))
            psu, psu_stratum = nest(stratum, cluster_codes, len(cluster_levels))

        n_psu_in_stratum = np.bincount(psu_stratum, minlength=n_strata)
        stratum_psu_start = np.concatenate(([0], np.cumsum(n_psu_in_stratum)[:-1]))

        fraction = np.zeros(n_strata)
        if fpc is not None:
            fraction = _sampling_fraction(
                to_float(resolve(data, fpc, n, "fpc"), label(fpc, "fpc")),
                stratum,
                n_psu_in_stratum,
                strata_levels,
            )

        lonely = n_psu_in_stratum == 1
        if mode is LonelyPSU.ERROR and lonely.any():
            names = ", ".join(str(s) for s in strata_levels[lonely][:5])
            more = f" and {int(lonely.sum()) - 5} more" if lonely.sum() > 5 else ""
            raise LonelyPSUError(
                f"{int(lonely.sum())} stratum/strata have a single PSU ({names}{more}); "
                "choose lonely_psu='certainty', 'adjust', 'centered' or 'remove'"
            )

        design = cls(
            data=data,
            weights=readonly(w),
            stratum=readonly(stratum),
            psu=readonly(psu),
            psu_stratum=readonly(psu_stratum),
            stratum_psu_start=readonly(stratum_psu_start),
            n_psu_in_stratum=readonly(n_psu_in_stratum),
            sampling_fraction=readonly(fraction),
            strata_levels=strata_levels,
            lonely_psu=mode,
            has_strata=strata is not None,
            has_clusters=cluster is not None,
            has_fpc=fpc is not None,
        )
        if ssu is not None or fpc2 is not None:
            if ssu is None or fpc2 is None or cluster is None or fpc is None:
                raise DesignError(
                    "a second stage needs cluster, fpc, ssu and fpc2: the second stage only adds variance "
                    "with the first stage's FPC (R's multistage) and its own FPC"
                )
            design = dataclasses.replace(
                design,
                stage2=second_stage(
                    resolve(data, ssu, n, "ssu"), label(ssu, "ssu"),
                    to_float(resolve(data, fpc2, n, "fpc2"), label(fpc2, "fpc2")),
                    psu, design.n_psu, mode, fraction[psu_stratum] > 0,
                ),
            )
        return design._with_calibration(calibration)

    def _with_calibration(self, calibration: Calibration | None) -> Design:
        if calibration is None:
            return dataclasses.replace(self, calibration=None, psu_cell_weight=None)
        n_cells = calibration.n_cells
        if self.n_psu * n_cells <= _DENSE_PSU_CELL_LIMIT:
            table: np.ndarray | sparse.csr_matrix = np.bincount(
                self.psu * n_cells + calibration.cell, weights=self.weights, minlength=self.n_psu * n_cells
            ).reshape(self.n_psu, n_cells)
        else:
            from scipy import sparse

            table = sparse.csr_matrix(
                (self.weights, (self.psu, calibration.cell)), shape=(self.n_psu, n_cells)
            )
        return dataclasses.replace(self, calibration=calibration, psu_cell_weight=table)

    # ------------------------------------------------------------------ derived designs
    def with_weights(self, weights: Column | CalibratedWeights) -> Design:
        """The same strata, PSUs and FPC with other weights (e.g. after nonresponse adjustment)."""
        from analysis.weighting import CalibratedWeights

        if isinstance(weights, CalibratedWeights):
            if len(weights.weights) != self.n:
                raise WeightError(f"calibrated weights have {len(weights.weights)} values for {self.n} rows")
            w = _checked_weights(weights.weights, "")
            return dataclasses.replace(self, weights=readonly(w))._with_calibration(weights.calibration)
        name = f"'{weights}'" if isinstance(weights, str) else ""
        w = _checked_weights(to_float(resolve(self.data, weights, self.n, "weights"), label(weights, "weights")),
                             name)
        return dataclasses.replace(self, weights=readonly(w))._with_calibration(None)

    def rake(
        self,
        margins: Mapping[str, Mapping[str, float]],
        *,
        tol: float = 1e-10,
        max_iter: int = 1000,
        trim: tuple[float | None, float | None] | None = None,
    ) -> Design:
        """A new design whose weights are this design's weights raked to ``margins``."""
        from analysis.weighting import rake

        return self.with_weights(
            rake(self.data, self.weights, margins, tol=tol, max_iter=max_iter, trim=trim)
        )

    def calibrate(
        self,
        margins: Mapping[str, Mapping[str, float]],
        *,
        calfun: str = "linear",
        bounds: tuple[float, float] | None = None,
        tol: float = 1e-10,
        max_iter: int = 100,
    ) -> Design:
        """A new design whose weights are calibrated to ``margins`` (R's ``calibrate``; see
        :func:`analysis.weighting.calibrate`)."""
        from analysis.weighting import calibrate

        return self.with_weights(
            calibrate(self.data, self.weights, margins, calfun=calfun, bounds=bounds, tol=tol, max_iter=max_iter)
        )

    def poststratify(self, variable: str, totals: Mapping[str, float]) -> Design:
        """A new design whose weights are post-stratified to the population ``totals`` of ``variable``."""
        from analysis.weighting import poststratify

        return self.with_weights(poststratify(self.data, self.weights, variable, totals))

    def with_replicates(
        self,
        type: str,
        *,
        replicates: int | None = None,
        seed: int | None = None,
        fay_rho: float = 0.0,
        mse: bool = False,
        hadamard: np.ndarray | None = None,
    ) -> Design:
        """This design with replicate weights built from its strata and PSUs ("jk1", "jkn", "bootstrap",
        "brr", "fay"), as R's ``as.svrepdesign``; see :mod:`analysis.replicates`."""
        from analysis import replicates as rep

        built = rep.from_design(self, type, replicates=replicates, seed=seed, fay_rho=fay_rho, mse=mse,
                                hadamard=hadamard)
        return rep.attach(self, built)

    def with_replicate_weights(
        self,
        weights: str | list[str] | np.ndarray,
        type: str,
        *,
        scale: float | None = None,
        rscales: list[float] | np.ndarray | None = None,
        fay_rho: float | None = None,
        mse: bool = False,
        df: int | None = None,
    ) -> Design:
        """This design with replicate weights from columns (a regular expression / prefix or a list of names)
        or an array, as R's ``svrepdesign(repweights = , type = , scale = , rscales = )``."""
        from analysis import replicates as rep

        built = rep.from_columns(self, weights, type, scale=scale, rscales=rscales, fay_rho=fay_rho, mse=mse,
                                 df=df)
        return rep.attach(self, built)

    # ------------------------------------------------------------------ sizes
    @property
    def n(self) -> int:
        return int(self.weights.shape[0])

    @property
    def n_psu(self) -> int:
        return int(self.psu_stratum.shape[0])

    @property
    def n_strata(self) -> int:
        return int(self.n_psu_in_stratum.shape[0])

    @property
    def df(self) -> int:
        """Design degrees of freedom: PSUs minus strata, as R's ``degf()`` (with replicate weights, the rank of
        the replicate weights minus 1, as R's ``degf()`` of a ``svyrep.design``)."""
        if self.replicates is not None:
            return self.replicates.df
        return self.n_psu - self.n_strata

    def __repr__(self) -> str:
        cal = ", calibrated" if self.calibration is not None else ""
        ssus = f", ssus={self.stage2.n_ssu}" if self.stage2 is not None else ""
        reps = ""
        if self.replicates is not None:
            reps = f", replicates={self.replicates.type.value} x {self.replicates.n_replicates}"
        return (
            f"Design(n={self.n}, strata={self.n_strata}, psus={self.n_psu}{ssus}, df={self.df}, "
            f"fpc={self.has_fpc}, lonely_psu={self.lonely_psu.value}{cal}{reps})"
        )


def _checked_weights(w: np.ndarray, name: str) -> np.ndarray:
    where = f" {name}" if name else ""
    missing = np.isnan(w)
    if missing.any():
        row = int(np.flatnonzero(missing)[0]) + 1
        raise WeightError(f"weights{where} have {int(missing.sum())} missing values (first at row {row})")
    if np.isinf(w).any():
        row = int(np.flatnonzero(np.isinf(w))[0]) + 1
        raise WeightError(f"weights{where} are infinite at row {row}")
    negative = w < 0
    if negative.any():
        row = int(np.flatnonzero(negative)[0]) + 1
        raise WeightError(f"weights{where} must not be negative (row {row}: {w[row - 1]})")
    if not (w > 0).any():
        raise WeightError(f"weights{where} are all zero")
    return w


def _sampling_fraction(
    fpc: np.ndarray, stratum: np.ndarray, n_psu: np.ndarray, strata_levels: np.ndarray
) -> np.ndarray:
    """Per-stratum sampling fraction of PSUs from a per-row FPC column, checked as R checks it."""
    if np.isnan(fpc).any():
        raise DesignError("fpc has missing values")
    if (fpc <= 0).any():
        raise DesignError("fpc must be positive (population sizes or sampling fractions)")
    per_stratum = np.empty(len(n_psu))
    per_stratum[stratum] = fpc
    varying = fpc != per_stratum[stratum]
    if varying.any():
        bad = strata_levels[stratum[np.flatnonzero(varying)[0]]]
        raise DesignError(f"fpc is not constant within stratum {bad}")
    if (per_stratum <= 1).all():
        return per_stratum
    if (per_stratum < 1).any():
        raise DesignError("fpc mixes sampling fractions (<= 1) and population sizes (> 1)")
    too_small = per_stratum < n_psu
    if too_small.any():
        bad = strata_levels[np.flatnonzero(too_small)[0]]
        raise DesignError(f"fpc in stratum {bad} is smaller than the number of sampled PSUs")
    return n_psu / per_stratum
