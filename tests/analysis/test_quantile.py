"""Quantiles with Woodruff intervals (analysis/quantile.py).

The quantile rule is recomputed here from its definition (R's qs() + qrule_math / qrule_school) and by
numpy's type-1 quantile; the interval from the definition in R's woodruffCI: the design-based CI of the
share at or below the quantile (computed here with analysis.proportion on an explicit indicator column, and
with an explicit with-replacement variance formula for an unclustered sample), mapped back through the rule.
R's svyquantile for the same cases (golden/make_golden_replicates.R) is compared in test_golden_replicates.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import analysis
from analysis import Design
from analysis.errors import EstimationError
from analysis.quantile import median, quantile
from tests.analysis.golden_cases import load_data


def _math_rule(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R's qs() and qrule_math transcribed: R's cumsum and sum accumulate in long double."""
    order = np.argsort(x, kind="stable")
    x = x[order]
    running = np.cumsum(w[order].astype(np.longdouble))
    cumw, total = running.astype(np.float64), float(running[-1])
    hits = np.flatnonzero(cumw <= p * total)
    pos = int(hits[-1]) if len(hits) else 0
    following = min(pos + 1, len(x) - 1)
    return float(x[pos] if p - cumw[pos] / total <= 0 else x[following])


@pytest.fixture
def dclus1() -> Design:
    return Design.from_frame(load_data("apiclus1.csv").copy(), weights="pw", cluster="dnum", fpc="fpc")


def test_equal_weights_give_the_type_1_quantile() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=101)
    design = Design.from_frame(pd.DataFrame({"x": x}))
    for q in quantile(design, "x", [0.1, 0.25, 0.5, 0.9]):
        assert q.estimate == np.quantile(x, q.p, method="inverted_cdf")


def test_ties_at_exactly_p_follow_the_rule() -> None:
    design = Design.from_frame(pd.DataFrame({"x": [4.0, 1.0, 3.0, 2.0]}))
    assert median(design, "x").estimate == 2.0               # math: the lower value
    assert median(design, "x", rule="school").estimate == 2.5  # school: the average of the two


def test_woodruff_interval_matches_its_definition(dclus1: Design) -> None:
    data = dclus1.data
    x, w = data["api00"].to_numpy(float), data["pw"].to_numpy(float)
    for q in quantile(dclus1, "api00", [0.25, 0.5, 0.75]):
        assert q.estimate == _math_rule(x, w, q.p)
        share = analysis.mean(dclus1, (x <= q.estimate).astype(float))
        t = stats.t.ppf(0.975, dclus1.df)
        low, high = share.estimate - t * share.se, share.estimate + t * share.se
        assert q.ci_low == _math_rule(x, w, low)
        assert q.ci_high == _math_rule(x, w, high)
        assert q.se == pytest.approx((q.ci_high - q.ci_low) / (2 * t), rel=1e-12)
        assert q.df == 14 and q.n == 183


def test_unclustered_interval_with_an_explicit_variance_formula() -> None:
    rng = np.random.default_rng(8)
    n = 400
    x, w = rng.gamma(2.0, 10.0, n), rng.uniform(1, 5, n)
    design = Design.from_frame(pd.DataFrame({"x": x, "w": w}), weights="w")
    q = median(design, "x")
    below = (x <= q.estimate).astype(float)
    m = np.sum(w * below) / w.sum()
    z = w * (below - m) / w.sum()
    variance = n / (n - 1) * np.sum((z - z.mean()) ** 2)  # with replacement, one stratum
    t = stats.t.ppf(0.975, n - 1)
    assert q.ci_low == _math_rule(x, w, m - t * np.sqrt(variance))
    assert q.ci_high == _math_rule(x, w, m + t * np.sqrt(variance))


def test_domains_keep_the_whole_design_and_their_own_df() -> None:
    data = load_data("apistrat.csv").copy()
    design = Design.from_frame(data, weights="pw", strata="stype", fpc="fpc")
    rows = quantile(design, "api00", [0.5, 0.9], by="stype")
    assert [(r.by, r.p) for r in rows] == [("E", 0.5), ("E", 0.9), ("H", 0.5), ("H", 0.9), ("M", 0.5), ("M", 0.9)]
    for r in rows:
        inside = (data["stype"] == r.by).to_numpy()
        x, w = data["api00"].to_numpy(float)[inside], data["pw"].to_numpy(float)[inside]
        assert r.estimate == _math_rule(x, w, r.p)
        alone = quantile(design, "api00", r.p, where=(data["stype"] == r.by).to_numpy())[0]
        assert (alone.estimate, alone.ci_low, alone.ci_high, alone.df) == (r.estimate, r.ci_low, r.ci_high, r.df)
    assert {r.df for r in rows if r.by == "E"} == {99}


def test_replicate_designs_take_the_share_se_from_the_replicates(dclus1: Design) -> None:
    rep = dclus1.with_replicates("jk1")
    q = median(rep, "api00")
    x, w = dclus1.data["api00"].to_numpy(float), dclus1.data["pw"].to_numpy(float)
    share = analysis.mean(rep, (x <= q.estimate).astype(float))
    t = stats.t.ppf(0.975, rep.df)
    assert q.ci_low == _math_rule(x, w, share.estimate - t * share.se)
    assert q.ci_high == _math_rule(x, w, share.estimate + t * share.se)
    assert share.se != analysis.mean(dclus1, (x <= q.estimate).astype(float)).se


def test_interval_ends_outside_zero_one_are_nan_as_in_r() -> None:
    design = Design.from_frame(pd.DataFrame({"x": np.arange(10.0)}))
    q = quantile(design, "x", 0.02)[0]
    assert np.isnan(q.ci_low) and np.isfinite(q.ci_high)


def test_bad_requests_are_refused(dclus1: Design) -> None:
    with pytest.raises(EstimationError, match=r"\[0, 1\]"):
        quantile(dclus1, "api00", 1.5)
    with pytest.raises(EstimationError, match="unknown quantile rule"):
        quantile(dclus1, "api00", 0.5, rule="hf7")
