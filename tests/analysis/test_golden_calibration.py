"""General calibration (linear, truncated linear, logit; one-way and interaction margins; JKn replicates
calibrated again) against R's survey package.

golden/golden_calibration.json is written by golden/make_golden_calibration.R: weights(), coef() and SE()
of svymean(~yes, calibrate(...)) at 15 significant digits. R runs grake with epsilon = 1e-12 instead of its
default 1e-7; the library runs with its default ``tol`` (relative margin error 1e-10), and Newton's
quadratic convergence takes both to rounding (the largest difference seen is 2e-14, weights). Tolerance
1e-9 relative for weights, estimates and SEs.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import weighting
from analysis.design import Design
from tests.analysis.golden_cases import GOLDEN, load_data

RTOL = 1e-9


@cache
def _golden() -> dict[str, Any]:
    return json.loads((GOLDEN / "golden_calibration.json").read_text(encoding="utf-8"))


def _scaled() -> pd.DataFrame:
    data = load_data("synthetic.csv").copy()
    return data.assign(w0=data["w0"] * _golden()["population"] / data["w0"].sum())


def _bounds(case: dict[str, Any]) -> tuple[float, float] | None:
    return None if case["bounds"] is None else (float(case["bounds"][0]), float(case["bounds"][1]))


TAYLOR = [k for k, c in _golden()["cases"].items() if c.get("scaled", True)]


@pytest.mark.parametrize("name", TAYLOR)
def test_calibrated_weights_match_r(name: str) -> None:
    case = _golden()["cases"][name]
    data = _scaled()
    margins = weighting.read_margins(GOLDEN / case["margins"])
    cal = weighting.calibrate(data, "w0", margins, calfun=case["calfun"], bounds=_bounds(case))
    np.testing.assert_allclose(cal.weights, case["weights"], rtol=RTOL, atol=0)


@pytest.mark.parametrize("name", TAYLOR)
def test_calibrated_proportion_and_se_match_r(name: str) -> None:
    case = _golden()["cases"][name]
    design = Design.from_frame(_scaled(), weights="w0", strata="stratum", cluster="psu")
    margins = weighting.read_margins(GOLDEN / case["margins"])
    est = analysis.proportion(design.calibrate(margins, calfun=case["calfun"], bounds=_bounds(case)), "q", ["yes"])
    assert math.isclose(est.estimate, case["estimate"], rel_tol=RTOL), (est.estimate, case["estimate"])
    assert math.isclose(est.se, case["se"], rel_tol=RTOL), (est.se, case["se"])


def test_jkn_replicates_calibrated_again_match_r() -> None:
    case = _golden()["cases"]["jkn_linear_interactions"]
    base = Design.from_frame(load_data("synthetic.csv").copy(), weights="w0", strata="stratum", cluster="psu")
    margins = weighting.read_margins(GOLDEN / case["margins"])
    calibrated = base.with_replicates("jkn").calibrate(margins, calfun="linear")
    est = analysis.proportion(calibrated, "q", ["yes"])
    assert math.isclose(est.estimate, case["estimate"], rel_tol=RTOL), (est.estimate, case["estimate"])
    assert math.isclose(est.se, case["se"], rel_tol=RTOL), (est.se, case["se"])
    np.testing.assert_allclose(calibrated.weights, case["weights"], rtol=RTOL, atol=0)


def test_weight_diagnostics_match_r() -> None:
    r = _golden()["diagnostics"]
    weights = np.asarray(_golden()["cases"][r["of"]]["weights"], dtype=float)
    ours = weighting.diagnostics(weights)
    for field, key in (("max_min_ratio", "ratio"), ("cv", "cv"), ("deff_weighting", "deff"),
                       ("kish_n_eff", "n_eff")):
        assert math.isclose(getattr(ours, field), r[key], rel_tol=RTOL), (field, getattr(ours, field), r[key])
