from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import ConvergenceError, MarginError, WeightError
from analysis.errors import DataError
from tests.analysis.golden_cases import GOLDEN


def margins() -> dict[str, dict[str, float]]:
    return analysis.read_margins(GOLDEN / "synthetic_margins.csv")


def test_base_weights_invert_probabilities() -> None:
    np.testing.assert_allclose(analysis.base_weights([0.5, 0.25, 1.0]), [2.0, 4.0, 1.0])


@pytest.mark.parametrize(("probabilities", "message"), [
    ([0.5, 0.0], r"must lie in \(0, 1\] \(row 2: 0.0\)"),
    ([1.5, 0.5], r"must lie in \(0, 1\] \(row 1: 1.5\)"),
    ([0.5, np.nan], "missing values"),
])
def test_base_weights_reject_bad_probabilities(probabilities: list[float], message: str) -> None:
    with pytest.raises(WeightError, match=message):
        analysis.base_weights(probabilities)


def test_nonresponse_adjustment_moves_weight_within_cells() -> None:
    data = pd.DataFrame({
        "w": [10.0, 10.0, 20.0, 5.0, 5.0, 5.0],
        "resp": [True, False, True, True, True, False],
        "cell": ["a", "a", "a", "b", "b", "b"],
    })
    adjusted = analysis.adjust_nonresponse("w", "resp", "cell", data=data)
    np.testing.assert_allclose(adjusted, [40 / 3, 0.0, 80 / 3, 7.5, 7.5, 0.0])
    assert adjusted.sum() == pytest.approx(data["w"].sum())
    data.loc[3:4, "resp"] = False
    with pytest.raises(WeightError, match="nonresponse cell b has no respondents"):
        analysis.adjust_nonresponse("w", "resp", "cell", data=data)
    with pytest.raises(DataError, match="true/false or 0/1"):
        analysis.adjust_nonresponse("w", [1, 2, 0, 0, 1, 1], data=data)


def test_poststratify_hits_totals(synthetic: pd.DataFrame) -> None:
    totals = {"urban": 700_000.0, "rural": 550_000.0}
    result = analysis.poststratify(synthetic, "w0", "urban", totals)
    sums = pd.Series(result.weights).groupby(synthetic["urban"]).sum()
    assert sums.to_dict() == pytest.approx(totals, rel=1e-12)


def test_rake_reproduces_margins_without_touching_inputs(synthetic: pd.DataFrame) -> None:
    before = synthetic.copy()
    result = analysis.rake(synthetic, "w0", margins())
    pd.testing.assert_frame_equal(synthetic, before)
    assert result.max_error <= 1e-10 and result.iterations > 1
    for variable, totals in margins().items():
        sums = pd.Series(result.weights).groupby(synthetic[variable].astype(str)).sum()
        for category, total in totals.items():
            assert math.isclose(sums[category], total, rel_tol=1e-10)
    with pytest.raises(ValueError, match="read-only"):
        result.weights[0] = 0.0


def _edit(m: dict[str, dict[str, float]], variable: str, category: str, total: float | None):
    m = {k: dict(v) for k, v in m.items()}
    if total is None:
        m[variable].pop(category)
    else:
        m[variable][category] = total
    return m


@pytest.mark.parametrize(("margins_", "error", "message"), [
    (_edit(margins(), "sex", "X", 10.0), MarginError, "margin category sex=X has no sample cases"),
    (_edit(margins(), "agegrp", "65+", None), MarginError, "sample category agegrp=65\\+ is missing"),
    (_edit(margins(), "sex", "F", 1.0), MarginError, "margins disagree on the population total"),
    ({"county": {"A": 1.0}}, MarginError, "margin variable 'county' is not a column"),
    ({}, MarginError, "no margins given"),
])
def test_rake_rejects_inconsistent_margins(synthetic, margins_, error, message: str) -> None:
    with pytest.raises(error, match=message):
        analysis.rake(synthetic, "w0", margins_)


def test_rake_reports_non_convergence(synthetic: pd.DataFrame) -> None:
    with pytest.raises(ConvergenceError, match="did not converge in 2 iterations"):
        analysis.rake(synthetic, "w0", margins(), tol=1e-14, max_iter=2)


def test_rake_rejects_missing_values_in_a_margin_variable(synthetic: pd.DataFrame) -> None:
    synthetic.loc[4, "sex"] = None
    with pytest.raises(MarginError, match="'sex' has 1 missing values \\(first at row 5\\)"):
        analysis.rake(synthetic, "w0", margins())


def test_rake_with_trimming_respects_bounds_and_margins(synthetic: pd.DataFrame) -> None:
    plain = analysis.rake(synthetic, "w0", margins())
    assert plain.weights.max() > 3000
    trimmed = analysis.rake(synthetic, "w0", margins(), trim=(400.0, 3000.0))
    assert trimmed.weights.max() <= 3000 * (1 + 1e-9) and trimmed.weights.min() >= 400 * (1 - 1e-9)
    assert trimmed.max_error <= 1e-10


def test_trim_preserves_total_and_bounds() -> None:
    w = np.array([1.0, 2.0, 3.0, 50.0, 4.0, 0.0])
    trimmed = analysis.trim(w, lower=1.5, upper=20.0)
    assert trimmed.sum() == pytest.approx(w.sum())
    assert trimmed[:5].min() >= 1.5 and trimmed.max() <= 20.0 and trimmed[5] == 0.0
    with pytest.raises(WeightError, match="the bounds cannot hold that total"):
        analysis.trim(w, upper=5.0)
    with pytest.raises(WeightError, match="reversed"):
        analysis.trim(w, lower=5.0, upper=1.0)


def test_diagnostics_of_a_small_vector() -> None:
    d = analysis.diagnostics(np.array([1.0, 1.0, 2.0, 4.0, 0.0]))
    assert (d.n, d.total, d.min, d.max, d.mean) == (4, 8.0, 1.0, 4.0, 2.0)
    assert d.kish_n_eff == pytest.approx(64 / 22)
    assert d.efficiency == pytest.approx(16 / 22)
    assert d.deff_weighting == pytest.approx(88 / 64)
    assert d.deff_weighting == pytest.approx(1 + d.cv**2)
    assert d.max_min_ratio == 4.0


@pytest.mark.parametrize(("text", "message"), [
    ("variable,category,total\nsex,F,1\nsex,F,2\n", "sex=F is listed twice"),
    ("variable,category,total\nsex,F,-1\n", "must be positive"),
    ("variable,category\nsex,F\n", "lacks column"),
    ("variable,category,total\n", "has no rows"),
])
def test_read_margins_errors(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MarginError, match=message):
        analysis.read_margins(path)
