"""Change of an estimate between two survey rounds (years), with its standard error and interval.

``after - scale * before`` (``scale = 1`` for a plain difference; a relative change target "+5 % on the
base" is met when ``after - 1.05 before >= 0``, a linear contrast of the same kind):

* **independent samples** (``panel=None``): ``V = V_after + scale^2 V_before``, the covariance is 0, and the
  df are Satterthwaite's ``V^2 / (V_after^2 / df_after + scale^4 V_before^2 / df_before)``;
* **a panel of PSUs** (``panel="psu"``, the column naming the PSUs in both years): PSUs with the same
  stratum and PSU code in both years are the same unit, so their linearised totals are correlated. The
  variance is that of ``z_after - scale z_before`` over the union of both years' PSUs (a PSU sampled in
  one year only has a zero total in the other), with the strata's ``n_h / (n_h - 1)`` on the union. This
  is exactly what R gives for ``svycontrast(svyby(~y, ~year, design, svymean, covmat = TRUE), c(-1, 1))``
  on the two years stacked into one design (``ids = ~psu, strata = ~stratum, nest = TRUE``). With an FPC
  the strata's population PSU counts must agree between the years; df are PSUs minus strata among the
  union's PSUs holding members of either year's domain.

Each year's totals keep its own calibration residuals. A design with a second stage is refused in panel
mode (SSUs are not matched across years); independent samples use each year's full variance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis import ci
from analysis._columns import Column
from analysis.contrast import p_value
from analysis.design import Design
from analysis.errors import DesignError, EstimationError
from analysis.estimate import Where, domain_mask, linearise, statistic_values
from analysis.variance import domain_degrees_of_freedom, influence_totals, stratified_sum_of_squares, totals_variance


@dataclass(frozen=True)
class Change:
    """``after - scale * before`` with its standard error and interval."""

    before: float
    after: float
    change: float
    se: float
    ci_low: float
    ci_high: float
    df: float
    p_value: float
    se_before: float
    se_after: float
    covariance: float
    """Covariance of the two estimates (0 for independent samples)."""
    shared_psus: int
    scale: float


@dataclass(frozen=True)
class _Year:
    estimate: float
    variance: float
    df: int
    totals: np.ndarray
    present: np.ndarray
    """PSU -> holds members of the domain."""


def change(
    before: Design,
    after: Design,
    statistic: str,
    variable: Column,
    *,
    values: Sequence[Any] | Any = None,
    denominator: str | None = None,
    where: Where = None,
    panel: str | None = None,
    scale: float = 1.0,
    level: float = 0.95,
    after_variable: Column | None = None,
) -> Change:
    """Change of ``statistic`` ("mean", "proportion", "total", "ratio") of ``variable`` from ``before`` to
    ``after``. Column names (and a ``where`` expression) apply to both years' data. ``panel`` names the PSU
    column shared by the years; ``None`` treats the samples as independent. ``after_variable`` gives the second
    year its own column or array (one value per row of ``after``) when ``variable`` is an array of the first's."""
    if not 0.0 < level < 1.0:
        raise EstimationError(f"confidence level must be between 0 and 1, got {level}")
    if not math.isfinite(scale):
        raise EstimationError(f"scale must be a finite number, got {scale}")
    if panel is not None and (before.replicates is not None or after.replicates is not None):
        raise EstimationError("a panel change needs the PSUs' covariance, which replicate weights of two "
                              "separate files do not give; drop the replicates or panel")
    one = _year(before, statistic, variable, values, denominator, where, "first")
    two = _year(after, statistic, variable if after_variable is None else after_variable, values, denominator,
                where, "second")
    if panel is None:
        variance = two.variance + scale * scale * one.variance
        df = _satterthwaite(two.variance, two.df, scale * scale * one.variance, one.df)
        covariance, shared = 0.0, 0
    else:
        variance, df_union, shared = _panel_variance(before, after, one, two, panel, scale)
        df = float(df_union)
        covariance = 0.0 if scale == 0 else (two.variance + scale * scale * one.variance - variance) / (2 * scale)
    difference = two.estimate - scale * one.estimate
    se = math.sqrt(max(variance, 0.0))
    low, high = ci.symmetric(np.array([difference]), np.array([se]), np.array([df]), level)
    return Change(
        before=one.estimate, after=two.estimate, change=difference, se=se, ci_low=float(low[0]),
        ci_high=float(high[0]), df=df, p_value=p_value(difference, se, df),
        se_before=math.sqrt(max(one.variance, 0.0)), se_after=math.sqrt(max(two.variance, 0.0)),
        covariance=covariance, shared_psus=shared, scale=scale,
    )


def _year(design: Design, statistic: str, variable: Column, values: Any, denominator: str | None, where: Where,
          which: str) -> _Year:
    kind, a, b = statistic_values(design, statistic, variable, values=values, denominator=denominator)
    usable = ~np.isnan(a) if b is None else ~np.isnan(a) & ~np.isnan(b)
    try:
        mask = domain_mask(design, None, "all", where, usable)
    except EstimationError as exc:
        raise EstimationError(f"{which} year: {exc}") from None
    domain = np.where(mask, 0, 1)
    lin = linearise(design, kind, a, b, domain, 1)
    totals, ssu_totals = influence_totals(design, lin.wu, lin.u, domain, 1)
    if design.replicates is None:
        variance = float(totals_variance(design, totals, ssu_totals)[0])
        df = int(domain_degrees_of_freedom(design, domain, 1)[0])
    else:
        # Independent years: each year's own replicate variance and df.
        from analysis.replicate_variance import replicate_variance

        variance = float(replicate_variance(design, kind, a, b, domain, 1, lin.estimate)[0])
        df = design.df
    present = np.bincount(design.psu[mask], minlength=design.n_psu) > 0
    return _Year(float(lin.estimate[0]), variance, df, totals[:, 0], present)


def _satterthwaite(v1: float, df1: int, v2: float, df2: int) -> float:
    if df1 <= 0 or df2 <= 0:
        return 0.0
    denominator = v1 * v1 / df1 + v2 * v2 / df2
    if denominator == 0:
        return float(min(df1, df2))
    return (v1 + v2) ** 2 / denominator


def _psu_keys(design: Design, panel: str, which: str) -> pd.DataFrame:
    if not design.has_clusters:
        raise DesignError(f"a panel of PSUs needs the {which} year's design to have clusters (PSUs)")
    if design.stage2 is not None:
        raise DesignError("change over a panel of PSUs does not match second-stage units across years: "
                          "declare the designs without ssu, or treat the years as independent")
    if panel not in design.data.columns:
        raise DesignError(f"unknown PSU column '{panel}' in the {which} year's data")
    labels = np.empty(design.n_psu, dtype=object)
    labels[design.psu] = design.data[panel].astype(str).to_numpy()
    strata = np.array([str(s) for s in design.strata_levels], dtype=object)[design.psu_stratum]
    population = np.full(design.n_psu, np.nan)
    if design.has_fpc:
        fraction = design.sampling_fraction[design.psu_stratum]
        with np.errstate(divide="ignore"):
            population = np.where(fraction > 0, design.n_psu_in_stratum[design.psu_stratum] / fraction, np.inf)
    return pd.DataFrame({"stratum": strata, "psu": labels, "N": population})


def _panel_variance(before: Design, after: Design, one: _Year, two: _Year, panel: str, scale: float
                    ) -> tuple[float, int, int]:
    if before.has_strata != after.has_strata:
        raise DesignError("a panel of PSUs needs both years stratified the same way (one has strata, one not)")
    if before.has_fpc != after.has_fpc:
        raise DesignError("a panel of PSUs needs an FPC in both years or in neither")
    keys_before = _psu_keys(before, panel, "first")
    keys_after = _psu_keys(after, panel, "second")
    union = pd.concat([keys_before, keys_after], ignore_index=True)
    if before.has_fpc:
        by_stratum = union.groupby("stratum")["N"]
        spread = by_stratum.max() - by_stratum.min()
        bad = spread[spread > 1e-9 * by_stratum.max()]
        if len(bad):
            raise DesignError(f"the FPC of stratum {bad.index[0]} differs between the years: a panel of PSUs "
                              "needs the same population of PSUs")
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(union[["stratum", "psu"]]))
    n_union = len(uniques)
    index_before, index_after = codes[: len(keys_before)], codes[len(keys_before):]
    shared = int(np.intersect1d(index_before, index_after).size)
    frame = pd.DataFrame({"stratum": [k[0] for k in uniques], "psu": [k[1] for k in uniques]})
    fpc = None
    if before.has_fpc:
        population = union.groupby("stratum")["N"].first()
        # An infinite count (a stratum without FPC) gives the sampling fraction 0: with replacement.
        fpc = frame["stratum"].map(population).to_numpy(dtype=float)
    design = _union_design(frame, before, fpc)
    z = np.zeros(n_union)
    np.add.at(z, index_after, two.totals)
    np.add.at(z, index_before, -scale * one.totals)
    order = design.psu  # union rows are one per PSU: row -> its PSU code in the union design
    totals = np.zeros((design.n_psu, 1))
    totals[order, 0] = z
    variance = float(stratified_sum_of_squares(design, totals)[0])
    present = np.zeros(n_union, dtype=bool)
    present[index_before[one.present]] = True
    present[index_after[two.present]] = True
    domain = np.where(present, 0, 1)
    df = int(domain_degrees_of_freedom(design, domain, 1)[0])
    return variance, df, shared


def _union_design(frame: pd.DataFrame, like: Design, fpc: np.ndarray | None) -> Design:
    strata = "stratum" if like.has_strata else None
    return Design.from_frame(frame, strata=strata, cluster="psu", fpc=fpc, lonely_psu=like.lonely_psu)
