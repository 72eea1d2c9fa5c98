"""Where the engine differs from R's survey package on purpose: empty domains and proportions of 0 or 1.

Each test pins one row of the table in analysis/README.md ("Empty domains and p ∈ {0, 1}"); where R's answer
is in the golden file it is read from there, so the difference is stated against R's own output.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import CIMethod, Design, EstimationError, Versus
from tests.analysis.golden_cases import golden, load_data

ALPHA = 0.05


def _edge() -> Design:
    return Design.from_frame(load_data("edge.csv").copy(), weights="w", strata="stratum", cluster="psu")


def _r_rows(case: str) -> dict[str | None, dict]:
    [found] = [c for c in golden()["cases"] if c["id"] == case]
    return {row["by"]: row for row in found["rows"]}


# ------------------------------------------------------------------------------------------- empty domains
def test_an_empty_where_domain_is_an_error_naming_the_cause() -> None:
    """R: subset() to no rows, then svymean on a design without rows (or with all weights 0 when it is
    calibrated, a 0/0 mean): no check and no usable number. Here: EstimationError, never a 0 or a NaN."""
    design = _edge()
    for estimator in (analysis.mean, analysis.total):
        with pytest.raises(EstimationError, match="the domain is empty: no row satisfies the subpopulation"):
            estimator(design, "w", where="b == 'b9'")
    with pytest.raises(EstimationError, match="the domain is empty"):
        analysis.proportion(design, "answer", ["yes"], where="b == 'b9'")


def test_a_where_domain_whose_rows_have_no_value_or_weight_is_an_error_too() -> None:
    frame = load_data("edge.csv").copy().assign(y=[1.0, 2.0, np.nan, np.nan, 3.0, 4.0, 5.0, 6.0])
    design = Design.from_frame(
        frame.assign(w=np.where(frame["b"] == "b3", 0.0, frame["w"])), weights="w", strata="stratum", cluster="psu"
    )
    with pytest.raises(EstimationError, match="no row with a value and a positive weight"):
        analysis.mean(design, "y", where="b == 'b2' and a == 'a0'")  # its one row has no value
    with pytest.raises(EstimationError, match="no row with a value and a positive weight"):
        analysis.mean(design, "y", where="b == 'b3'")  # both rows have weight 0


def test_by_leaves_out_domains_without_usable_rows_as_svyby_does() -> None:
    """R's svyby(drop.empty.groups = TRUE), the default, estimates only the groups that occur among rows of
    positive weight; a factor level without rows is not in its result. Here the same, and a group whose rows
    all lack the value is left out too (svyby(na.rm.all = TRUE)); rows without a domain value are in no
    domain (svyby(na.rm.by = TRUE)). The other domains keep every PSU for the variance, as in R."""
    frame = load_data("edge.csv").copy()
    frame["b"] = pd.Categorical(frame["b"], categories=["b0", "b1", "b2", "b3", "never"])
    frame["y"] = np.where(frame["b"] == "b2", np.nan, frame["w"] / 10)
    frame.loc[0, "b"] = np.nan  # a row in no domain
    design = Design.from_frame(frame, weights="w", strata="stratum", cluster="psu")
    rows = analysis.mean(design, "y", by="b")
    assert [r.by for r in rows] == ["b0", "b1", "b3"]
    alone = analysis.mean(design, "y", where=(frame["b"] == "b0").to_numpy())
    assert (rows[0].estimate, rows[0].se, rows[0].df) == pytest.approx((alone.estimate, alone.se, alone.df))


def test_a_named_domain_that_is_empty_is_an_error_in_a_contrast() -> None:
    """A contrast names its domains: one without usable rows cannot be compared, so it is an error rather than
    a difference against 0 (R's svyby would have dropped it and svycontrast then fails on a missing name)."""
    frame = load_data("edge.csv").copy().assign(y=lambda f: np.where(f["b"] == "b2", np.nan, 1.0))
    design = Design.from_frame(frame, weights="w", strata="stratum", cluster="psu")
    with pytest.raises(EstimationError, match="the domain 'b2' is empty"):
        analysis.contrast(design, "mean", "y", by="b", first="b2", second=Versus.REST)
    with pytest.raises(EstimationError, match="no domain 'b9'"):
        analysis.contrast(design, "mean", "y", by="b", first="b9", second="b0")


# ---------------------------------------------------------------------------------------- p = 0 and p = 1
@pytest.mark.parametrize("method", [CIMethod.LOGIT, CIMethod.BETA, CIMethod.WILSON])
def test_p_of_one_gives_the_exact_interval_where_r_gives_nan(method: CIMethod) -> None:
    """Domain a1 answers "yes" in all 4 rows. R (golden, svyciprop(method = "beta")): estimate 1, se 0 and a
    NaN interval, since its effective n is 0/0. Here: the Clopper–Pearson interval on the domain's n,
    [(α/2)^(1/n), 1], for every method that respects [0, 1]; it needs no variance and no df."""
    r = _r_rows("edge_prop_yes_by_a_beta")["a1"]
    assert (r["estimate"], r["se"], r["ci_low"], r["ci_high"]) == (1, 0, "NaN", "NaN")
    ours = {e.by: e for e in analysis.proportion(_edge(), "answer", ["yes"], by="a", ci_method=method)}["a1"]
    assert (ours.estimate, ours.se, ours.n) == (1.0, 0.0, 4)
    assert (ours.ci_low, ours.ci_high) == pytest.approx(((ALPHA / 2) ** (1 / 4), 1.0), rel=1e-12)
    assert math.isnan(ours.deff) and math.isnan(ours.n_eff)  # 0/0, as R's deff


@pytest.mark.parametrize("method", [CIMethod.LOGIT, CIMethod.BETA, CIMethod.WILSON])
def test_p_of_zero_gives_the_exact_interval_even_without_degrees_of_freedom(method: CIMethod) -> None:
    """No row of any b-domain answers "maybe": p = 0 and se = 0 everywhere. R: NaN (beta, 0/0), and for logit
    svyglm has no finite intercept to converge to. Here [0, 1 − (α/2)^(1/n)], also in b1 and b2, which lie in
    one PSU (df = 0) and would otherwise get a NaN interval."""
    rows = {e.by: e for e in analysis.proportion(_edge(), "answer", ["maybe"], by="b", ci_method=method)}
    assert {by: e.df for by, e in rows.items()} == {"b0": 1, "b1": 0, "b2": 0, "b3": 1}
    for e in rows.values():
        assert (e.estimate, e.se, e.n) == (0.0, 0.0, 2)
        assert (e.ci_low, e.ci_high) == pytest.approx((0.0, 1 - (ALPHA / 2) ** (1 / 2)), rel=1e-12)


def test_wald_keeps_the_zero_width_interval_at_p_of_zero_and_one() -> None:
    """WALD is p ± t·se as R's confint(svymean(...)): at p = 0 or 1 the interval is [p, p], as in R. It is
    offered for comparison only; the reports never use it for proportions."""
    rows = {e.by: e for e in analysis.proportion(_edge(), "answer", ["yes"], by="a", ci_method=CIMethod.WALD)}
    assert (rows["a1"].ci_low, rows["a1"].ci_high) == (1.0, 1.0)


def test_an_interior_p_without_degrees_of_freedom_is_nan_as_in_r() -> None:
    """The exact interval is kept for the boundary: 0 < p < 1 in a domain inside one PSU stays NaN (R too:
    qt(., 0) is NaN), for it has no variance estimate to build an interval on."""
    rows = {e.by: e for e in analysis.proportion(_edge(), "answer", ["yes"], by="b")}
    assert rows["b2"].df == 0 and 0 < rows["b2"].estimate < 1
    assert math.isnan(rows["b2"].ci_low) and math.isnan(rows["b2"].ci_high)
