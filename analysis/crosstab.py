"""Two-way tables with design-based cell estimates and the Rao–Scott adjusted chi-square test (R's ``svychisq``).

Cells are the combinations of the row and column variables' values (sorted, as R's ``factor()``), in R's
order (rows vary fastest). For each cell: its weighted total, its share of the table and its share of its
row, each with a design-based SE (Taylor or replicate weights).

The test follows ``svychisq`` line by line. ``p`` are the cell proportions (``svymean`` of the cell
indicators) with covariance ``V``; ``N`` the number of rows in the table; ``X^2`` Pearson's statistic of the
table of ``N p`` (``chisq.test(svytable(..., Ntotal = N))``). With ``C`` the interaction columns of the
saturated model residualised on the main effects, ``D = diag(p)``:

    Delta = (C' D^-1 C / N)^-1  C' D^-1 V D^-1 C

* second order (``statistic = "F"``, R's default): ``F = X^2 / tr(Delta)`` on ``d0 = tr(Delta)^2 / tr(Delta^2)``
  and ``d0 * df`` degrees of freedom, ``df`` the design df (of the rows in the table);
* first order (``statistic = "Chisq"``): ``X^2 / mean(diag(Delta))`` against chi-square on
  ``(r-1)(c-1)`` df. (R prints the unadjusted ``X^2`` as the statistic there; we report both.)

``F`` and ``d0`` do not depend on ``N``; only the printed ``X^2`` does. Rows missing either variable are left
out of the table (R's ``na.rm = TRUE``) and ``N`` counts the rows kept; R's ``N`` counts every row of the design,
which only changes the unadjusted ``X^2`` and the first-order statistic's scale, not the F test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis._columns import Column, factorize, label, resolve
from analysis.design import Design
from analysis.errors import DataError, EstimationError
from analysis.estimate import Where, domain_means, domain_totals, domains, linearise
from analysis.variance import domain_degrees_of_freedom, influence_totals, totals_variance


@dataclass(frozen=True)
class Cell:
    row: Any
    column: Any
    n: int
    total: float
    se_total: float
    proportion: float
    """Share of the table's weight."""
    se_proportion: float
    row_proportion: float
    """Share of the row's weight (R's ``svyby(~col, ~row, svymean)``)."""
    se_row_proportion: float


@dataclass(frozen=True)
class RaoScott:
    pearson: float
    """Pearson's X^2 of the table scaled to N rows (unadjusted)."""
    f: float
    ndf: float
    ddf: float
    p_value: float
    """Second-order (F) p-value: R's svychisq default."""
    first_order: float
    first_order_df: int
    first_order_p_value: float


@dataclass(frozen=True)
class Crosstab:
    rows: list[Any]
    columns: list[Any]
    cells: list[Cell]
    test: RaoScott
    n: int
    df: int


def crosstab(design: Design, row: Column, column: Column, *, where: Where = None,
             level: float = 0.95) -> Crosstab:
    """Cell estimates of ``row`` x ``column`` and their Rao–Scott test of independence."""
    n = design.n
    r_codes, r_levels = factorize(resolve(design.data, row, n, "row"))
    c_codes, c_levels = factorize(resolve(design.data, column, n, "column"))
    usable = (r_codes >= 0) & (c_codes >= 0)
    inside, _ = domains(design, None, where, usable)
    keep = inside == 0
    r_used = np.unique(r_codes[keep])
    c_used = np.unique(c_codes[keep])
    nr, nc = len(r_used), len(c_used)
    if nr < 2 or nc < 2:
        raise DataError(
            f"a two-way table needs at least two values in each variable; {label(row, 'row')} has {nr} and "
            f"{label(column, 'column')} has {nc} among the rows used"
        )
    r_map = np.full(len(r_levels), -1)
    r_map[r_used] = np.arange(nr)
    c_map = np.full(len(c_levels), -1)
    c_map[c_used] = np.arange(nc)
    n_cells = nr * nc
    cell = np.where(keep, r_map[np.maximum(r_codes, 0)] + nr * c_map[np.maximum(c_codes, 0)], n_cells)

    table_domain = np.where(keep, 0, 1)
    indicators = [np.where(keep, (cell == j).astype(np.float64), np.nan) for j in range(n_cells)]
    p, cov = _proportions(design, indicators, table_domain)
    df = int(_df(design, table_domain))
    totals = _cell_totals(design, cell, n_cells, level)
    row_domain = np.where(keep, r_map[np.maximum(r_codes, 0)], nr)
    rows_estimates = [domain_means(design, np.where(keep, (c_map[np.maximum(c_codes, 0)] == j).astype(float), 0.0),
                                   row_domain, nr, level) for j in range(nc)]
    counts = np.bincount(cell, minlength=n_cells + 1)[:n_cells]
    cells = []
    for j in range(n_cells):
        i, k = j % nr, j // nr
        cells.append(Cell(
            row=_plain(r_levels[r_used[i]]), column=_plain(c_levels[c_used[k]]), n=int(counts[j]),
            total=totals[j][0], se_total=totals[j][1], proportion=float(p[j]),
            se_proportion=float(np.sqrt(max(cov[j, j], 0.0))),
            row_proportion=rows_estimates[k][i]["estimate"], se_row_proportion=rows_estimates[k][i]["se"],
        ))
    test = rao_scott(p, cov, nr, nc, int(keep.sum()), df)
    return Crosstab(rows=[_plain(r_levels[v]) for v in r_used], columns=[_plain(c_levels[v]) for v in c_used],
                    cells=cells, test=test, n=int(keep.sum()), df=df)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _df(design: Design, table_domain: np.ndarray) -> int:
    if design.replicates is not None:
        return design.df
    return int(domain_degrees_of_freedom(design, table_domain, 1)[0])


def _proportions(design: Design, indicators: list[np.ndarray], domain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell proportions and their covariance matrix (R's ``svymean(mm, design)`` and its ``var``)."""
    k = len(indicators)
    if design.replicates is not None:
        from analysis.replicate_variance import replicate_estimates

        full = np.array([float(linearise(design, "mean", a, None, domain, 1).estimate[0]) for a in indicators])
        thetas = np.vstack([replicate_estimates(design, "mean", a, None, domain, 1) for a in indicators])
        return full, _replicate_covariance(design, thetas, full)
    columns: list[np.ndarray] = []
    ssu_columns: list[np.ndarray | None] = []
    estimates: list[float] = []
    for a in indicators:
        lin = linearise(design, "mean", a, None, domain, 1)
        totals, ssu = influence_totals(design, lin.wu, lin.u, domain, 1)
        columns.append(totals[:, 0])
        ssu_columns.append(None if ssu is None else ssu[:, 0])
        estimates.append(float(lin.estimate[0]))
    t = np.column_stack(columns)
    s = None if ssu_columns[0] is None else np.column_stack([c for c in ssu_columns if c is not None])
    # Covariances from variances of sums: every variance rule (strata, lonely PSUs, stages) applies as is.
    i, j = np.triu_indices(k, 1)
    single = totals_variance(design, t, s)
    pairs = totals_variance(design, t[:, i] + t[:, j], None if s is None else s[:, i] + s[:, j])
    cov = np.diag(single)
    cov[i, j] = cov[j, i] = (pairs - single[i] - single[j]) / 2.0
    return np.array(estimates), cov


def _replicate_covariance(design: Design, thetas: np.ndarray, estimates: np.ndarray) -> np.ndarray:
    rep = design.replicates
    assert rep is not None
    if not np.isfinite(thetas).all():
        raise EstimationError("a replicate has no rows in the table; its covariance cannot be formed")
    centre = estimates if rep.mse else thetas[:, rep.rscales > 0].mean(axis=1)
    deviation = thetas - centre[:, None]
    cov: np.ndarray = rep.scale * (deviation * rep.rscales) @ deviation.T
    return cov


def _cell_totals(design: Design, cell: np.ndarray, n_cells: int, level: float) -> list[tuple[float, float]]:
    """Weighted total and SE of each cell; a cell no row falls in has total 0 and SE 0."""
    present = np.bincount(cell, minlength=n_cells + 1)[:n_cells] > 0
    index = np.full(n_cells + 1, -1)
    index[np.flatnonzero(present)] = np.arange(int(present.sum()))
    compact = np.where(cell < n_cells, index[cell], int(present.sum()))
    rows = domain_totals(design, np.ones(design.n), compact, int(present.sum()), level)
    return [(rows[index[j]]["estimate"], rows[index[j]]["se"]) if present[j] else (0.0, 0.0)
            for j in range(n_cells)]


def rao_scott(p: np.ndarray, v: np.ndarray, nr: int, nc: int, n: int, df: int) -> RaoScott:
    """The Rao–Scott statistics from cell proportions ``p`` (rows fastest) and their covariance ``v``."""
    rows = np.tile(np.arange(nr), nc)
    cols = np.repeat(np.arange(nc), nr)
    x1 = np.column_stack([np.ones(nr * nc)]
                         + [(rows == i).astype(float) for i in range(1, nr)]
                         + [(cols == k).astype(float) for k in range(1, nc)])
    interactions = np.column_stack([((rows == i) & (cols == k)).astype(float)
                                    for k in range(1, nc) for i in range(1, nr)])
    q, _ = np.linalg.qr(x1)
    c = interactions - q @ (q.T @ interactions)
    inv_d = np.diag(np.where(p == 0, 0.0, 1.0 / np.where(p == 0, 1.0, p)))
    denominator = c.T @ (inv_d / n) @ c
    numerator = c.T @ inv_d @ v @ inv_d @ c
    delta = np.linalg.solve(denominator, numerator)
    trace = float(np.trace(delta))
    d0 = trace**2 / float(np.trace(delta @ delta))

    table = (n * p).reshape(nc, nr).T  # rows x columns
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float(np.nansum((table - expected) ** 2 / expected))
    f = pearson / trace
    first = pearson / (trace / delta.shape[0])
    first_df = (nr - 1) * (nc - 1)
    # Imported here: scipy.stats costs about half a second to import, which every CLI command would pay.
    from scipy import stats

    return RaoScott(
        pearson=pearson, f=f, ndf=d0, ddf=d0 * df,
        p_value=float(stats.f.sf(f, d0, d0 * df)) if df > 0 else float("nan"),
        first_order=first, first_order_df=first_df, first_order_p_value=float(stats.chi2.sf(first, first_df)),
    )
