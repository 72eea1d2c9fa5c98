"""Our numbers against R's survey package (golden/golden.json, made by golden/make_golden.R).

Tolerances, tight enough that a changed formula fails and loose enough for floating-point order:
estimates 1e-8 relative, standard errors and CI limits 1e-6, raked weights 1e-8.
Where R returns NaN (a proportion of exactly 0 or 1 with the beta method) we deliberately return the
Clopper-Pearson interval on n instead; those rows check that the interval is inside [0, 1].
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import analysis
from tests.analysis.golden_cases import GOLDEN, golden, load_data, run_case

CASES = golden()["cases"]
ESTIMATE_RTOL = 1e-8
SE_RTOL = 1e-6


def _close(actual: float, expected: Any, rtol: float) -> bool:
    return math.isclose(actual, float(expected), rel_tol=rtol, abs_tol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_estimates_match_r(case: dict[str, Any]) -> None:
    got = run_case(case)
    expected = case["rows"]
    assert [g.by for g in got] == [e["by"] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert _close(g.estimate, e["estimate"], ESTIMATE_RTOL), (g.by, g.estimate, e["estimate"])
        assert _close(g.se, e["se"], SE_RTOL), (g.by, g.se, e["se"])
        assert (g.df, g.n) == (e["df"], e["n"])
        for field in ("ci_low", "ci_high", "deff"):
            if e[field] == "NaN":
                continue
            assert _close(getattr(g, field), e[field], SE_RTOL), (g.by, field, getattr(g, field), e[field])
        if e["ci_low"] == "NaN":
            assert 0.0 <= g.ci_low <= g.estimate <= g.ci_high <= 1.0
        if e["deff"] != "NaN":
            assert g.n_eff == pytest.approx(g.n / float(e["deff"]), rel=SE_RTOL)


def test_golden_covers_the_cases_the_issue_lists() -> None:
    ids = {c["id"] for c in CASES}
    kinds = {(c["design"]["data"], c["estimator"]["kind"], c["estimator"]["ci"]) for c in CASES}
    assert {"strat_mean_api00", "clus1_mean_api00", "clus1_mean_api00_by_stype"} <= ids
    assert ("apiclus1.csv", "proportion", "beta") in kinds
    assert ("apistrat.csv", "proportion", "logit") in kinds
    assert any(c["calibration"] and c["estimator"]["by"] for c in CASES if c["id"].startswith("syn_rk"))


WEIGHTS = golden()["weights"]


@pytest.mark.parametrize("name", sorted(WEIGHTS))
def test_weights_match_r(name: str) -> None:
    spec = WEIGHTS[name]
    data = load_data(spec["data"])
    if "margins" in spec:
        result = analysis.rake(data, spec["weights"], analysis.read_margins(GOLDEN / spec["margins"]))
        weights = result.weights
    elif "variable" in spec:
        weights = analysis.poststratify(data, spec["weights"], spec["variable"], spec["totals"]).weights
    else:
        weights = analysis.trim(spec["weights"], spec["lower"], spec["upper"], data=data)
    np.testing.assert_allclose(weights, spec["values"], rtol=1e-8, atol=0)
