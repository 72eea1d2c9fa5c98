"""Two-way tables and the Rao–Scott test (analysis/crosstab.py).

R's documentation of svychisq/svytable on apiclus1 (dclus1 <- svydesign(id=~dnum, weights=~pw,
data=apiclus1, fpc=~fpc)) prints the numbers pinned below; the replicate-weight value is
svychisq(~sch.wide+stype, as.svrepdesign(dclus1)). Delta is also recomputed here from an explicitly built
covariance matrix (loops over PSUs), independent of the library's variance code.
test_golden_replicates.py compares the full-precision svychisq and svytable output
(golden/make_golden_replicates.R) to 1e-9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import Design
from analysis.crosstab import crosstab
from analysis.errors import DataError
from tests.analysis.golden_cases import load_data


@pytest.fixture
def dclus1() -> Design:
    return Design.from_frame(load_data("apiclus1.csv").copy(), weights="pw", cluster="dnum", fpc="fpc")


def test_rao_scott_matches_r_svychisq_on_apiclus1(dclus1: Design) -> None:
    table = crosstab(dclus1, "sch_wide", "stype")
    test = table.test
    assert test.f == pytest.approx(5.1934, abs=5e-5)             # F = 5.1934
    assert test.ndf == pytest.approx(1.4946, abs=5e-5)           # ndf = 1.4946
    assert test.ddf == pytest.approx(20.9250, abs=5e-4)          # ddf = 20.9250
    assert test.p_value == pytest.approx(0.02175, abs=5e-6)      # p-value = 0.02175
    assert test.pearson == pytest.approx(11.941, abs=5e-4)       # statistic="Chisq": X-squared = 11.941
    assert test.first_order_p_value == pytest.approx(0.005553, abs=5e-7)
    totals = {(c.row, c.column): c.total for c in table.cells}   # svytable(~sch.wide+stype, dclus1)
    expected = {("No", "E"): 406.1640, ("No", "H"): 101.5410, ("No", "M"): 270.7760,
                ("Yes", "E"): 4467.8035, ("Yes", "H"): 372.3170, ("Yes", "M"): 575.3989}
    for key, value in expected.items():
        assert totals[key] == pytest.approx(value, abs=5e-5)


def test_rao_scott_with_jk1_replicates_matches_r(dclus1: Design) -> None:
    assert crosstab(dclus1.with_replicates("jk1"), "sch_wide", "stype").test.f == pytest.approx(4.4639, abs=5e-5)


def test_delta_from_an_explicit_covariance_matrix(dclus1: Design) -> None:
    data = dclus1.data
    rows, cols = ["No", "Yes"], ["E", "H", "M"]
    w = data["pw"].to_numpy(float)
    cell = np.array([rows.index(r) + 2 * cols.index(c) for r, c in zip(data["sch_wide"], data["stype"], strict=True)])
    indicators = np.eye(6)[cell]
    p = (w[:, None] * indicators).sum(axis=0) / w.sum()
    z = w[:, None] * (indicators - p) / w.sum()
    psus = sorted(set(data["dnum"]))
    totals = np.array([z[(data["dnum"] == k).to_numpy()].sum(axis=0) for k in psus])
    n_psu = len(psus)
    f = n_psu / float(data["fpc"].iloc[0])
    centred = totals - totals.mean(axis=0)
    v = (1 - f) * n_psu / (n_psu - 1) * centred.T @ centred
    n = len(data)
    # Contrasts of independence for a 2 x 3 table (any basis of the interaction space gives the same Delta).
    x1 = np.column_stack([np.ones(6), np.tile([0, 1], 3), np.repeat([0, 1, 0], 2), np.repeat([0, 0, 1], 2)])
    yes = np.tile([0, 1], 3)
    x12 = np.column_stack([x1, yes * np.repeat([0, 1, 0], 2), yes * np.repeat([0, 0, 1], 2)])
    c = x12[:, 4:] - x1 @ np.linalg.lstsq(x1, x12[:, 4:], rcond=None)[0]
    inv_d = np.diag(1 / p)
    delta = np.linalg.solve(c.T @ inv_d @ c / n, c.T @ inv_d @ v @ inv_d @ c)
    table = (n * p).reshape(3, 2).T
    expected = np.outer(table.sum(1), table.sum(0)) / n
    x2 = np.sum((table - expected) ** 2 / expected)
    d0 = np.trace(delta) ** 2 / np.trace(delta @ delta)
    ours = crosstab(dclus1, "sch_wide", "stype").test
    assert ours.pearson == pytest.approx(x2, rel=1e-10)
    assert ours.f == pytest.approx(x2 / np.trace(delta), rel=1e-10)
    assert ours.ndf == pytest.approx(d0, rel=1e-10)
    assert ours.p_value == pytest.approx(stats.f.sf(x2 / np.trace(delta), d0, 14 * d0), rel=1e-9)
    assert ours.first_order == pytest.approx(x2 / np.mean(np.diag(delta)), rel=1e-10)


def test_cells_add_up_and_row_shares_are_domain_means(dclus1: Design) -> None:
    table = crosstab(dclus1, "stype", "awards")
    assert sum(c.proportion for c in table.cells) == pytest.approx(1.0, rel=1e-12)
    for row in table.rows:
        assert sum(c.row_proportion for c in table.cells if c.row == row) == pytest.approx(1.0, rel=1e-12)
    assert sum(c.n for c in table.cells) == table.n == 183
    assert table.df == 14


def test_where_restricts_the_table_and_its_df(dclus1: Design) -> None:
    data = dclus1.data
    sub = crosstab(dclus1, "sch_wide", "awards", where=(data["stype"] == "E").to_numpy())
    assert sub.n == int((data["stype"] == "E").sum())


def test_a_table_needs_two_values_on_each_side(dclus1: Design) -> None:
    data = dclus1.data.assign(one="x")
    design = Design.from_frame(data, weights="pw", cluster="dnum")
    with pytest.raises(DataError, match="at least two values"):
        crosstab(design, "one", "stype")


def test_stratified_design_gives_a_finite_test() -> None:
    data = load_data("apistrat.csv").copy()
    design = Design.from_frame(data, weights="pw", strata="stype", fpc="fpc")
    test = crosstab(design, "sch_wide", "awards").test
    assert 0 <= test.p_value <= 1 and test.ndf == pytest.approx(1.0)
    unweighted = Design.from_frame(pd.DataFrame({"a": ["x", "y"] * 50, "b": ["u"] * 30 + ["v"] * 70}))
    srs = crosstab(unweighted, "a", "b").test
    # Simple random sampling with replacement: Delta is close to 1 and F close to X^2.
    assert srs.f == pytest.approx(srs.pearson, rel=0.05)
