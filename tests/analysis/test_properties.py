"""Property tests: raking reproduces every margin; estimates are invariant to the scale of the weights;
proportion confidence intervals stay within [0, 1]."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analysis
from analysis import CIMethod, Design

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def samples(draw: st.DrawFn) -> pd.DataFrame:
    """A small stratified cluster sample with two categorical margin variables and a yes/no answer.

    Every combination of the margin categories occurs at least once, so raking always has a solution.
    """
    n_a = draw(st.integers(2, 3))
    n_b = draw(st.integers(2, 4))
    n_strata = draw(st.integers(1, 3))
    psus_per_stratum = draw(st.integers(2, 4))
    n_psu = n_strata * psus_per_stratum
    extra = draw(st.integers(0, 40))
    n = n_a * n_b + extra
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    a = np.concatenate([np.repeat(np.arange(n_a), n_b), rng.integers(0, n_a, extra)])
    b = np.concatenate([np.tile(np.arange(n_b), n_a), rng.integers(0, n_b, extra)])
    # Every PSU gets at least one row so the design has the PSUs it declares.
    psu = np.concatenate([np.arange(n_psu), rng.integers(0, n_psu, max(n - n_psu, 0))])[:n]
    if n < n_psu:
        psu = np.arange(n) % n_psu
    yes_rate = draw(st.sampled_from([0.0, 0.02, 0.5, 0.98, 1.0]))
    return pd.DataFrame({
        "a": [f"a{i}" for i in a],
        "b": [f"b{i}" for i in b],
        "stratum": psu % n_strata,
        "psu": psu,
        "w": rng.uniform(0.5, 50.0, n),
        "answer": np.where(rng.random(n) < yes_rate, "yes", "no"),
        "y": rng.lognormal(3, 1, n),
    })


def _valid(frame: pd.DataFrame) -> bool:
    return bool((frame.groupby("stratum")["psu"].nunique() >= 2).all())


@st.composite
def margins_for(draw: st.DrawFn, frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    population = draw(st.floats(100.0, 1e7))
    result = {}
    for variable in ("a", "b"):
        categories = sorted(frame[variable].unique())
        shares = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=len(categories),
                                        max_size=len(categories))))
        shares = shares / shares.sum()
        result[variable] = {c: float(population * s) for c, s in zip(categories, shares, strict=True)}
    return result


@SETTINGS
@given(data=st.data())
def test_raking_reproduces_every_margin(data: st.DataObject) -> None:
    frame = data.draw(samples())
    margins = data.draw(margins_for(frame))
    raked = analysis.rake(frame, "w", margins)
    assert (raked.weights > 0).all()
    for variable, totals in margins.items():
        sums = pd.Series(raked.weights).groupby(frame[variable]).sum()
        for category, total in totals.items():
            assert math.isclose(sums[category], total, rel_tol=1e-9)


@SETTINGS
@given(data=st.data(), scale=st.floats(1e-3, 1e3))
def test_estimates_do_not_depend_on_the_scale_of_the_weights(data: st.DataObject, scale: float) -> None:
    frame = data.draw(samples())
    if not _valid(frame):
        return
    scaled = frame.assign(w=frame["w"] * scale)
    base = Design.from_frame(frame, weights="w", strata="stratum", cluster="psu")
    other = Design.from_frame(scaled, weights="w", strata="stratum", cluster="psu")
    for estimator in (lambda d: analysis.mean(d, "y", by="a"),
                      lambda d: analysis.proportion(d, "answer", ["yes"], by="b", ci_method=CIMethod.BETA)):
        for x, y in zip(estimator(base), estimator(other), strict=True):
            assert y.estimate == pytest.approx(x.estimate, rel=1e-9, abs=1e-12)
            assert y.se == pytest.approx(x.se, rel=1e-7, abs=1e-12)
            assert (y.ci_low, y.ci_high) == pytest.approx((x.ci_low, x.ci_high), rel=1e-7, abs=1e-10, nan_ok=True)
            assert (y.df, y.n) == (x.df, x.n)
    t_base, t_other = analysis.total(base, "y"), analysis.total(other, "y")
    assert t_other.estimate == pytest.approx(scale * t_base.estimate, rel=1e-9)
    assert t_other.se == pytest.approx(scale * t_base.se, rel=1e-7)
    # Raking from scaled base weights gives the same final weights.
    margins = data.draw(margins_for(frame))
    np.testing.assert_allclose(analysis.rake(scaled, "w", margins).weights,
                               analysis.rake(frame, "w", margins).weights, rtol=1e-8)


@SETTINGS
@given(data=st.data(), method=st.sampled_from([CIMethod.LOGIT, CIMethod.BETA, CIMethod.WILSON]),
       level=st.sampled_from([0.8, 0.9, 0.95, 0.99]), rake=st.booleans())
def test_proportion_ci_stays_within_0_1(data: st.DataObject, method: CIMethod, level: float, rake: bool) -> None:
    frame = data.draw(samples())
    if not _valid(frame):
        return
    design = Design.from_frame(frame, weights="w", strata="stratum", cluster="psu")
    if rake:
        design = design.rake(data.draw(margins_for(frame)))
    for est in [analysis.proportion(design, "answer", ["yes"], ci_method=method, level=level),
                *analysis.proportion(design, "answer", ["yes"], by="a", ci_method=method, level=level)]:
        if math.isnan(est.ci_low):  # no degrees of freedom, and not at 0 or 1 where the exact interval applies
            assert est.df <= 0 and 0.0 < est.estimate < 1.0
            continue
        assert 0.0 <= est.ci_low <= est.estimate <= est.ci_high <= 1.0
