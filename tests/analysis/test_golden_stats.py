"""Two-stage variance, domain contrasts and change between years against R's survey package.

golden/golden_stats.json is written by golden/make_golden_stats.R (svymean/svyby/svycontrast on the same
fixture CSVs; coef, SE and vcov at 15 significant digits). These are closed-form (non-iterative)
computations on both sides, so R and we differ only by floating-point order: tolerance 1e-9 relative.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import pandas as pd

import analysis
from analysis import Design, Versus
from analysis.change import change
from tests.analysis.golden_cases import GOLDEN

RTOL = 1e-9


@cache
def _cases() -> dict[str, Any]:
    return json.loads((GOLDEN / "golden_stats.json").read_text(encoding="utf-8"))["cases"]


def _close(actual: float, expected: float) -> bool:
    return math.isclose(actual, expected, rel_tol=RTOL, abs_tol=1e-14)


def _two_stage() -> Design:
    data = pd.read_csv(GOLDEN / "two_stage.csv")
    return Design.from_frame(data, weights="w", strata="stratum", cluster="psu", fpc="N", ssu="ssu", fpc2="M")


def test_two_stage_mean_matches_r() -> None:
    r = _cases()["two_stage_mean_y"]
    ours = analysis.mean(_two_stage(), "y")
    assert _close(ours.estimate, r["estimate"]) and _close(ours.se, r["se"]), (ours.estimate, ours.se, r)


def test_two_stage_domains_match_r() -> None:
    r = _cases()["two_stage_mean_y_by_sex"]
    rows = analysis.mean(_two_stage(), "y", by="sex")
    assert [e.by for e in rows] == r["by"]
    for e, estimate, se in zip(rows, r["estimate"], r["se"], strict=True):
        assert _close(e.estimate, estimate) and _close(e.se, se), (e.by, e.estimate, e.se, estimate, se)


def test_two_stage_certainty_stratum_matches_r() -> None:
    r = _cases()["two_stage_mean_y_stratum_A"]
    ours = analysis.mean(_two_stage(), "y", where="stratum == 'A'")
    assert _close(ours.estimate, r["estimate"]) and _close(ours.se, r["se"]), (ours.estimate, ours.se, r)


def _synthetic() -> Design:
    return Design.from_frame(pd.read_csv(GOLDEN / "synthetic.csv"), weights="w0", strata="stratum", cluster="psu")


def test_contrast_women_men_matches_r() -> None:
    r = _cases()["contrast_income_women_men"]
    ours = analysis.contrast(_synthetic(), "mean", "income", by="sex", first="F", second="M")
    assert _close(ours.difference, r["estimate"]) and _close(ours.se, r["se"]), (ours, r)
    assert _close(ours.covariance, r["covariance"]), (ours.covariance, r["covariance"])


def test_contrast_region_versus_rest_matches_r() -> None:
    r = _cases()["contrast_yes_R2_rest"]
    ours = analysis.contrast(_synthetic(), "proportion", "q", values=["yes"], by="region", first="R2",
                             second=Versus.REST)
    assert _close(ours.difference, r["estimate"]) and _close(ours.se, r["se"]), (ours, r)


def test_contrast_region_versus_national_matches_r() -> None:
    r = _cases()["contrast_yes_R2_national"]
    ours = analysis.contrast(_synthetic(), "proportion", "q", values=["yes"], by="region", first="R2",
                             second=Versus.ALL)
    assert _close(ours.difference, r["estimate"]) and _close(ours.se, r["se"]), (ours, r)
    assert _close(ours.covariance, r["covariance"]), (ours.covariance, r["covariance"])


def test_panel_change_matches_r() -> None:
    r = _cases()["change_panel_mean_y"]
    first, second = (pd.read_csv(GOLDEN / f"change_y{k}.csv") for k in (1, 2))
    designs = [Design.from_frame(d, weights="w", strata="stratum", cluster="psu") for d in (first, second)]
    ours = change(designs[0], designs[1], "mean", "y", panel="psu")
    for field, key in (("change", "estimate"), ("se", "se"), ("before", "before"), ("after", "after"),
                       ("se_before", "se_before_own"), ("se_after", "se_after_own")):
        assert _close(getattr(ours, field), r[key]), (field, getattr(ours, field), r[key])
    assert ours.df == r["df"]
    # By design (analysis/README.md, "Change between years"): se_before/se_after are each year's own design's
    # SE, and the covariance is what their squares leave of the change's variance. The stacked svyby's vcov
    # instead gives each year's SE over the union of PSUs (n_h = 8, not 6, in n_h/(n_h - 1)) and a covariance
    # to match; both decompositions give the same variance of the change.
    own = (r["se_before_own"] ** 2 + r["se_after_own"] ** 2 - r["se"] ** 2) / 2
    assert _close(ours.covariance, own), (ours.covariance, own)
    stacked = r["se_before"] ** 2 + r["se_after"] ** 2 - 2 * r["covariance"]
    assert math.isclose(stacked, r["se"] ** 2, rel_tol=1e-12)
