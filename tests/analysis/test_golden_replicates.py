"""Replicate weights, quantiles and two-way tables against R's survey package.

golden/golden_replicates.json is written by golden/make_golden_replicates.R (JK1/JKn/BRR/Fay estimates,
replicates post-stratified and raked again, svyquantile, svytable and svychisq; coef, SE and test attributes
at 15 significant digits). The raking of replicates runs in R to epsilon 1e-12; everything else is closed
form on both sides, so the tolerance is 1e-9 relative throughout (quantiles, being data values, are exact).
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import numpy as np
import pytest

import analysis
from analysis import Design
from analysis.crosstab import crosstab
from analysis.quantile import quantile
from tests.analysis.golden_cases import GOLDEN, load_data

RTOL = 1e-9
POP_TYPES = {"E": 4421, "H": 755, "M": 1018}


@cache
def _golden() -> dict[str, Any]:
    return json.loads((GOLDEN / "golden_replicates.json").read_text(encoding="utf-8"))


def _close(actual: float, expected: float) -> bool:
    return math.isclose(actual, expected, rel_tol=RTOL, abs_tol=1e-300)


def _dclus1() -> Design:
    return Design.from_frame(load_data("apiclus1.csv").copy(), weights="pw", cluster="dnum", fpc="fpc")


def _dstrat() -> Design:
    return Design.from_frame(load_data("apistrat.csv").copy(), weights="pw", strata="stype", fpc="fpc")


def _syn() -> Design:
    return Design.from_frame(load_data("synthetic.csv").copy(), weights="w0", strata="stratum", cluster="psu")


def _pairs() -> Design:
    data = load_data("synthetic.csv")
    keep = data.groupby("stratum")["psu"].transform(lambda p: p.isin(sorted(p.unique())[:2]))
    return Design.from_frame(data[keep].reset_index(drop=True), weights="w0", strata="stratum", cluster="psu")


def _estimates() -> dict[str, Any]:
    rclus1 = _dclus1().with_replicates("jk1")
    rclus1p = rclus1.poststratify("stype", POP_TYPES)
    rsyn = _syn().with_replicates("jkn")
    raked = rsyn.rake(analysis.read_margins(GOLDEN / "synthetic_margins.csv"))
    pairs = _pairs()
    return {
        "jk1_mean_api00": lambda: analysis.mean(rclus1, "api00"),
        "jk1_total_enroll": lambda: analysis.total(rclus1, "enroll"),
        "jk1_mse_mean_api00": lambda: analysis.mean(_dclus1().with_replicates("jk1", mse=True), "api00"),
        "jk1_ps_mean_api00": lambda: analysis.mean(rclus1p, "api00"),
        "jk1_ps_total_enroll": lambda: analysis.total(rclus1p, "enroll"),
        "jkn_prop_yes_by_region": lambda: analysis.proportion(rsyn, "q", ["yes"], by="region"),
        "jkn_ratio_income_hh": lambda: analysis.ratio(rsyn, "income", "hh"),
        "jkn_mse_ratio_income_hh": lambda: analysis.ratio(_syn().with_replicates("jkn", mse=True), "income", "hh"),
        "jkn_total_income": lambda: analysis.total(rsyn, "income"),
        "jkn_rk_prop_yes": lambda: analysis.proportion(raked, "q", ["yes"]),
        "jkn_rk_mean_income_by_region": lambda: analysis.mean(raked, "income", by="region"),
        "brr_total_income": lambda: analysis.total(pairs.with_replicates("brr"), "income"),
        "brr_mean_income": lambda: analysis.mean(pairs.with_replicates("brr"), "income"),
        "fay_mean_income": lambda: analysis.mean(pairs.with_replicates("brr", fay_rho=0.3), "income"),
        "pairs_total_income": lambda: analysis.total(pairs, "income"),
    }


@pytest.mark.parametrize("name", sorted(_golden()["cases"]))
def test_replicate_estimates_match_r(name: str) -> None:
    r = _golden()["cases"][name]
    got = _estimates()[name]()
    rows = got if isinstance(got, list) else [got]
    if "by" in r:
        assert [e.by for e in rows] == r["by"]
    estimates, ses = np.atleast_1d(r["estimate"]), np.atleast_1d(r["se"])
    for e, estimate, se in zip(rows, estimates, ses, strict=True):
        assert _close(e.estimate, float(estimate)), (e.by, e.estimate, estimate)
        assert _close(e.se, float(se)), (e.by, e.se, se)


def test_jk1_df_matches_r() -> None:
    assert _dclus1().with_replicates("jk1").df == _golden()["jk1_df"]


def _check_quantiles(got: list[Any], r: dict[str, Any], intervals: bool = True) -> None:
    assert [q.p for q in got] == list(np.atleast_1d(r["p"]))
    for q, k in zip(got, range(len(got)), strict=True):
        assert q.estimate == np.atleast_1d(r["estimate"])[k]
        assert _close(q.se, float(np.atleast_1d(r["se"])[k])), (q.p, q.se, r["se"])
        if intervals:
            assert (q.ci_low, q.ci_high) == (np.atleast_1d(r["ci_low"])[k], np.atleast_1d(r["ci_high"])[k])


def test_quantiles_match_r() -> None:
    r = _golden()["quantiles"]
    _check_quantiles(quantile(_dclus1(), "api00", [0.25, 0.5, 0.75]), r["clus1_api00"])
    _check_quantiles(quantile(_dclus1(), "api00", [0.5], rule="school"), r["clus1_api00_school"])
    _check_quantiles(quantile(_dclus1().with_replicates("jk1"), "api00", [0.5]), r["jk1_api00"])


def test_quantiles_by_domain_match_r() -> None:
    r = _golden()["quantiles"]["strat_api00_by_stype"]
    got = quantile(_dstrat(), "api00", [0.5, 0.9], by="stype")
    assert sorted({q.by for q in got}) == r["by"]
    for i, domain in enumerate(r["by"]):
        rows = [q for q in got if q.by == domain]
        _check_quantiles(rows, {"p": r["p"], "estimate": r["estimate"][i], "se": r["se"][i]}, intervals=False)


def test_crosstab_cells_and_row_shares_match_r() -> None:
    tables = _golden()["tables"]
    cells = tables["clus1_schwide_stype_cells"]
    table = crosstab(_dclus1(), "sch_wide", "stype")
    by_cell = {(c.row, c.column): c for c in table.cells}
    for i, row in enumerate(cells["rows"]):
        for j, column in enumerate(cells["columns"]):
            assert _close(by_cell[(row, column)].total, cells["total"][i][j]), (row, column)
    shares = tables["clus1_stype_awards_row_props"]
    table = crosstab(_dclus1(), "stype", "awards")
    by_cell = {(c.row, c.column): c for c in table.cells}
    for i, row in enumerate(shares["rows"]):
        for j, column in enumerate(shares["columns"]):
            cell = by_cell[(row, column)]
            assert _close(cell.row_proportion, shares["proportion"][i][j]), (row, column)
            assert _close(cell.se_row_proportion, shares["se"][i][j]), (row, column, cell.se_row_proportion)


@pytest.mark.parametrize(("name", "design", "row", "column"), [
    ("clus1_schwide_stype", "clus1", "sch_wide", "stype"),
    ("jk1_schwide_stype", "jk1", "sch_wide", "stype"),
    ("strat_schwide_awards", "strat", "sch_wide", "awards"),
    ("clus1_stype_awards", "clus1", "stype", "awards"),
])
def test_rao_scott_second_order_matches_r(name: str, design: str, row: str, column: str) -> None:
    r = _golden()["tables"][name]
    d = {"clus1": _dclus1, "jk1": lambda: _dclus1().with_replicates("jk1"), "strat": _dstrat}[design]()
    test = crosstab(d, row, column).test
    for field, expected in (("f", r["statistic"]), ("ndf", r["parameter"][0]), ("ddf", r["parameter"][1]),
                            ("p_value", r["p_value"])):
        assert _close(getattr(test, field), expected), (field, getattr(test, field), expected)


def test_rao_scott_first_order_matches_r() -> None:
    r = _golden()["tables"]["clus1_schwide_stype_chisq"]
    test = crosstab(_dclus1(), "sch_wide", "stype").test
    assert _close(test.pearson, r["statistic"]), (test.pearson, r["statistic"])
    assert test.first_order_df == r["parameter"]
    assert _close(test.first_order_p_value, r["p_value"]), (test.first_order_p_value, r["p_value"])

