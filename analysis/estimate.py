"""Design-based estimators: mean, total, proportion and ratio, overall or by domain.

Each estimator is a ratio of weighted totals ``sum w a / sum w b`` (a total has no denominator). Its
linearised influence value is ``(a - estimate * b) / sum w b`` (``a`` for a total), exactly what R's
``svymean``, ``svytotal`` and ``svyratio`` hand to ``svyrecvar``; :mod:`analysis.variance` turns those into
standard errors. Domains keep the whole design: rows outside a domain keep their PSU and stratum and
contribute zero, as with R's ``subset()`` and ``svyby()``.

Design effects are against simple random sampling without replacement (R's ``deff = TRUE``):
``deff = var / (s^2 N^2 (N - n) / (N n))`` where ``s^2`` is the weighted variance (divisor ``n - 1``) of the
influence values in the domain, ``N`` the domain's weight total and ``n`` its number of rows. When the
weights sum to less than ``n`` (weights scaled to the sample) this is undefined and reported as NaN, as R
reports NA. ``n_eff = n / deff``.

Rows whose analysis variable is missing are left out of the domain (R's ``na.rm = TRUE``); so are rows
whose ``by`` value is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any, overload

import numpy as np
import pandas as pd

from analysis import ci
from analysis._columns import Column, factorize, label, resolve, to_float
from analysis.ci import CIMethod
from analysis.design import Design
from analysis.errors import DataError, EstimationError
from analysis.variance import domain_degrees_of_freedom, domain_variance

Where = str | Column | None


@dataclass(frozen=True)
class Estimate:
    """One estimate for one domain (``by`` is ``None`` for the whole population)."""

    by: Any
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: int
    deff: float
    n: int
    n_eff: float


class _Kind(Enum):
    MEAN = "mean"
    TOTAL = "total"
    RATIO = "ratio"
    PROPORTION = "proportion"


def to_frame(estimates: Estimate | Iterable[Estimate]) -> pd.DataFrame:
    """A tidy DataFrame with one row per estimate and the columns of :class:`Estimate`."""
    rows = [estimates] if isinstance(estimates, Estimate) else list(estimates)
    columns = list(Estimate.__dataclass_fields__)
    return pd.DataFrame([asdict(r) for r in rows], columns=columns)


# ---------------------------------------------------------------------------------------------- public API
@overload
def mean(design: Design, variable: Column, *, by: None = None, where: Where = None,
         level: float = 0.95) -> Estimate: ...
@overload
def mean(design: Design, variable: Column, *, by: Column, where: Where = None,
         level: float = 0.95) -> list[Estimate]: ...
def mean(design: Design, variable: Column, *, by: Column | None = None, where: Where = None,
         level: float = 0.95) -> Estimate | list[Estimate]:
    """Weighted mean of a numeric variable (R's ``svymean``) with a symmetric t interval."""
    y = _numeric(design, variable)
    return _run(design, _Kind.MEAN, y, None, by, where, level, CIMethod.WALD)


@overload
def total(design: Design, variable: Column, *, by: None = None, where: Where = None,
          level: float = 0.95) -> Estimate: ...
@overload
def total(design: Design, variable: Column, *, by: Column, where: Where = None,
          level: float = 0.95) -> list[Estimate]: ...
def total(design: Design, variable: Column, *, by: Column | None = None, where: Where = None,
          level: float = 0.95) -> Estimate | list[Estimate]:
    """Weighted total of a numeric variable (R's ``svytotal``) with a symmetric t interval."""
    y = _numeric(design, variable)
    return _run(design, _Kind.TOTAL, y, None, by, where, level, CIMethod.WALD)


@overload
def ratio(design: Design, numerator: Column, denominator: Column, *, by: None = None,
          where: Where = None, level: float = 0.95) -> Estimate: ...
@overload
def ratio(design: Design, numerator: Column, denominator: Column, *, by: Column,
          where: Where = None, level: float = 0.95) -> list[Estimate]: ...
def ratio(design: Design, numerator: Column, denominator: Column, *, by: Column | None = None,
          where: Where = None, level: float = 0.95) -> Estimate | list[Estimate]:
    """Ratio of two weighted totals (R's ``svyratio``) with a symmetric t interval."""
    y = _numeric(design, numerator)
    x = _numeric(design, denominator)
    return _run(design, _Kind.RATIO, y, x, by, where, level, CIMethod.WALD)


@overload
def proportion(design: Design, variable: Column, values: Sequence[Any] | Any, *, by: None = None,
               where: Where = None, ci_method: CIMethod | str = CIMethod.LOGIT,
               level: float = 0.95) -> Estimate: ...
@overload
def proportion(design: Design, variable: Column, values: Sequence[Any] | Any, *, by: Column,
               where: Where = None, ci_method: CIMethod | str = CIMethod.LOGIT,
               level: float = 0.95) -> list[Estimate]: ...
def proportion(design: Design, variable: Column, values: Sequence[Any] | Any, *, by: Column | None = None,
               where: Where = None, ci_method: CIMethod | str = CIMethod.LOGIT,
               level: float = 0.95) -> Estimate | list[Estimate]:
    """Share of the population whose ``variable`` is one of ``values`` (R's ``svyciprop``).

    Values are compared as they are stored: text with text, numbers with numbers. Rows with a missing
    value are left out of the denominator.
    """
    try:
        method = CIMethod(ci_method)
    except ValueError:
        choices = ", ".join(m.value for m in CIMethod)
        raise EstimationError(f"unknown CI method '{ci_method}' (choose one of: {choices})") from None
    hit = _counted(design, variable, values)
    return _run(design, _Kind.PROPORTION, hit, None, by, where, level, method)


# ---------------------------------------------------------------------------------------------- engine
def _counted(design: Design, variable: Column, values: Sequence[Any] | Any) -> np.ndarray:
    """1 where ``variable`` is one of ``values``, 0 elsewhere, NaN where it is missing."""
    raw = resolve(design.data, variable, design.n, "proportion variable")
    wanted = list(values) if isinstance(values, list | tuple | set | frozenset) else [values]
    if not wanted:
        raise EstimationError("a proportion needs at least one value to count")
    series = raw if isinstance(raw, pd.Series) else pd.Series(np.asarray(raw))
    missing = series.isna().to_numpy()
    hit = series.isin(wanted).to_numpy().astype(np.float64)
    hit[missing] = np.nan
    return hit


STATISTICS = tuple(k.value for k in _Kind)


def statistic_values(
    design: Design, statistic: str, variable: Column, *, values: Sequence[Any] | Any = None,
    denominator: Column | None = None,
) -> tuple[str, np.ndarray, np.ndarray | None]:
    """(kind, a, b) for :func:`linearise`: what ``mean``/``total``/``ratio``/``proportion`` estimate."""
    try:
        kind = _Kind(statistic)
    except ValueError:
        raise EstimationError(f"unknown statistic '{statistic}' (choose one of: {', '.join(STATISTICS)})") from None
    if kind is _Kind.PROPORTION:
        if values is None:
            raise EstimationError("a proportion needs the values to count")
        return kind.value, _counted(design, variable, values), None
    if kind is _Kind.RATIO:
        if denominator is None:
            raise EstimationError("a ratio needs a denominator")
        return kind.value, _numeric(design, variable), _numeric(design, denominator)
    return kind.value, _numeric(design, variable), None


def domain_mask(design: Design, by: Column | None, value: Any, where: Where, usable: np.ndarray) -> np.ndarray:
    """Rows of the domain ``by == value`` (every row when ``by`` is None), within ``where``, usable and
    weighted; an empty domain is an error naming the value."""
    keep = usable & (design.weights > 0)
    if where is not None:
        keep &= _where_mask(design, where)
    if by is not None:
        codes, levels = factorize(resolve(design.data, by, design.n, "by"))
        matches = [i for i, level in enumerate(levels) if _plain(level) == value or str(level) == str(value)]
        keep &= np.isin(codes, matches) if matches else False
        if not matches:
            shown = ", ".join(str(_plain(v)) for v in levels[:10])
            raise EstimationError(f"no domain {value!r} (values: {shown})")
    if not keep.any():
        raise EstimationError(f"the domain {value!r} is empty: no row with a value and a positive weight")
    return keep


def _numeric(design: Design, column: Column) -> np.ndarray:
    return to_float(resolve(design.data, column, design.n, "analysis variable"), label(column, "variable"))


def _domains(
    design: Design, by: Column | None, where: Where, usable: np.ndarray
) -> tuple[np.ndarray, list[Any]]:
    """Row -> domain index (``len(levels)`` for rows outside every domain) and the domain values."""
    n = design.n
    keep = usable & (design.weights > 0)
    if where is not None:
        mask = _where_mask(design, where)
        if not mask.any():
            raise EstimationError("the domain is empty: no row satisfies the subpopulation condition")
        keep &= mask
    if by is None:
        if not keep.any():
            raise EstimationError("the domain is empty: no row with a value and a positive weight")
        return np.where(keep, 0, 1), [None]
    codes, levels = factorize(resolve(design.data, by, n, "by"))
    keep &= codes >= 0
    used = np.bincount(codes[keep], minlength=len(levels)) > 0
    if not used.any():
        raise EstimationError("every domain is empty: no row with a value, a positive weight and a domain")
    remap = np.full(len(levels) + 1, -1, dtype=np.int64)
    remap[np.flatnonzero(used)] = np.arange(int(used.sum()))
    n_domains = int(used.sum())
    domain = np.where(keep, remap[np.maximum(codes, 0)], n_domains)
    return domain, [_plain(v) for v in levels[used]]


def _where_mask(design: Design, where: Column | str) -> np.ndarray:
    if isinstance(where, str):
        try:
            result = design.data.eval(where)
        except Exception as exc:  # pandas raises many types for a bad expression
            raise DataError(f"invalid subpopulation expression {where!r}: {exc}") from None
    else:
        result = resolve(design.data, where, design.n, "where")
    mask = np.asarray(result)
    if mask.shape != (design.n,) or mask.dtype.kind != "b":
        raise DataError("the subpopulation condition must give one true/false value per row")
    return mask


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _run(
    design: Design,
    kind: _Kind,
    a: np.ndarray,
    b: np.ndarray | None,
    by: Column | None,
    where: Where,
    level: float,
    method: CIMethod,
) -> Estimate | list[Estimate]:
    if not 0.0 < level < 1.0:
        raise EstimationError(f"confidence level must be between 0 and 1, got {level}")
    usable = ~np.isnan(a)
    if b is not None:
        usable &= ~np.isnan(b)
    domain, levels = _domains(design, by, where, usable)
    rows = _estimate(design, kind, a, b, domain, len(levels), level, method)
    result = [Estimate(by=lv, **row) for lv, row in zip(levels, rows, strict=True)]
    return result[0] if by is None else result


def design_effect(
    u: np.ndarray,
    wu: np.ndarray,
    wd: np.ndarray,
    domain: np.ndarray,
    n_domains: int,
    n: np.ndarray,
    weight_total: np.ndarray,
    variance: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(deff, n_eff) per domain against SRS without replacement, from the influence values ``u``."""
    d = n_domains + 1
    # Weighted variance of the influence values within each domain, divisor n - 1 (R's svyvar).
    u_mean = np.bincount(domain, weights=wu, minlength=d)[:n_domains] / weight_total
    centred = u - np.append(u_mean, 0.0)[domain]
    s2 = np.bincount(domain, weights=wd * centred * centred, minlength=d)[:n_domains] / weight_total
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = s2 * n / (n - 1.0)
        srs_variance = s2 * weight_total**2 * (weight_total - n) / (weight_total * n)
        deff = np.where(weight_total > n, variance / srs_variance, np.nan)
        n_eff = n / deff
    return deff, n_eff


@dataclass(frozen=True)
class Linearised:
    """Per-domain estimates with the row influence values their variance comes from (see module docstring)."""

    estimate: np.ndarray
    u: np.ndarray
    """Row influence values (0 outside every domain)."""
    wu: np.ndarray
    wd: np.ndarray
    """Row weights inside a domain, 0 outside."""
    n: np.ndarray
    weight_total: np.ndarray


def linearise(
    design: Design, kind: str, a: np.ndarray, b: np.ndarray | None, domain: np.ndarray, n_domains: int
) -> Linearised:
    """Estimates and influence values of ``kind`` ("mean", "total", "ratio", "proportion") per domain."""
    kind_ = _Kind(kind)
    w = design.weights
    inside = domain < n_domains
    d = n_domains + 1
    # Rows outside every domain may hold NaN; zero them so they cannot leak into the sums.
    a = np.where(inside, a, 0.0)
    wd = np.where(inside, w, 0.0)
    n = np.bincount(domain, minlength=d)[:n_domains]
    weight_total = np.bincount(domain, weights=wd, minlength=d)[:n_domains]
    numerator = np.bincount(domain, weights=wd * a, minlength=d)[:n_domains]

    if kind_ is _Kind.TOTAL:
        estimate: np.ndarray = numerator
        u: np.ndarray = a
    else:
        if b is None:
            denominator = weight_total
            residual = a - np.append(numerator / denominator, 0.0)[domain]
        else:
            b = np.where(inside, b, 0.0)
            denominator = np.bincount(domain, weights=wd * b, minlength=d)[:n_domains]
            if (denominator == 0).any():
                raise EstimationError("the denominator's weighted total is zero in a domain")
            residual = a - np.append(numerator / denominator, 0.0)[domain] * b
        estimate = numerator / denominator
        u = residual / np.append(denominator, 1.0)[domain]
    return Linearised(estimate, u, wd * u, wd, n, weight_total)


def _estimate(
    design: Design,
    kind: _Kind,
    a: np.ndarray,
    b: np.ndarray | None,
    domain: np.ndarray,
    n_domains: int,
    level: float,
    method: CIMethod,
) -> list[dict[str, Any]]:
    lin = linearise(design, kind.value, a, b, domain, n_domains)
    estimate, u, wu, wd, n, weight_total = lin.estimate, lin.u, lin.wu, lin.wd, lin.n, lin.weight_total

    if design.replicates is None:
        variance = domain_variance(design, wu, u, domain, n_domains)
        df = domain_degrees_of_freedom(design, domain, n_domains)
    else:
        from analysis.replicate_variance import replicate_variance

        # R's svyby on a svyrep.design: every domain keeps the design's replicate df.
        variance = replicate_variance(design, kind.value, a, b, domain, n_domains, estimate)
        df = np.full(n_domains, design.df, dtype=np.int64)
    se = np.sqrt(np.maximum(variance, 0.0))

    deff, n_eff = design_effect(u, wu, wd, domain, n_domains, n, weight_total, variance)

    if kind is _Kind.PROPORTION:
        low, high = ci.proportion(estimate, se, df, n, level, method)
    else:
        low, high = ci.symmetric(estimate, se, df, level)

    return [
        {
            "estimate": float(estimate[i]),
            "se": float(se[i]),
            "ci_low": float(low[i]),
            "ci_high": float(high[i]),
            "df": int(df[i]),
            "deff": float(deff[i]),
            "n": int(n[i]),
            "n_eff": float(n_eff[i]),
        }
        for i in range(n_domains)
    ]


def domains(design: Design, by: Column | None, where: Where, usable: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Row -> domain index (``len(levels)`` outside every domain) and the domain values, as the estimators
    form them (rows with a missing value, a zero weight or outside ``where`` belong to no domain)."""
    return _domains(design, by, where, usable)


def domain_means(
    design: Design, values: np.ndarray, domain: np.ndarray, n_domains: int, level: float
) -> list[dict[str, Any]]:
    """Mean of ``values`` in each domain with SE, symmetric t interval and df (Taylor or replicates)."""
    return _estimate(design, _Kind.MEAN, values, None, domain, n_domains, level, CIMethod.WALD)


def domain_totals(
    design: Design, values: np.ndarray, domain: np.ndarray, n_domains: int, level: float
) -> list[dict[str, Any]]:
    """Total of ``values`` in each domain with SE, symmetric t interval and df (Taylor or replicates)."""
    return _estimate(design, _Kind.TOTAL, values, None, domain, n_domains, level, CIMethod.WALD)
