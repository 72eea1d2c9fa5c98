"""General calibration (R's ``calibrate(calfun = "linear" | "logit", bounds = ...)``) against independent
row-by-row computations: the closed-form GREG weights from a full-rank model matrix, the logit g-function
inverted row by row, the residual-based variance written out from its definition, and every replicate
calibrated separately. R's own weights and SEs for these cases (``golden/make_golden_calibration.R``) are
compared in ``test_golden_calibration.py``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import weighting
from analysis.cli import main
from analysis.design import Design
from analysis.errors import ConvergenceError, MarginError, WeightError

from .conftest import GOLDEN

ONE_WAY = GOLDEN / "synthetic_margins.csv"
INTERACTIONS = GOLDEN / "synthetic_margins_interactions.csv"
POPULATION = 1_250_000.0


@pytest.fixture
def scaled(synthetic: pd.DataFrame) -> pd.DataFrame:
    # Bounds limit g = calibrated / base weight, so they only make sense when the base weights already add
    # up to about the population (as after a nonresponse adjustment): scale them as R users do.
    return synthetic.assign(w0=synthetic["w0"] * POPULATION / synthetic["w0"].sum())


def _row_model(data: pd.DataFrame, margins: dict[str, dict[str, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Full-rank model matrix (intercept + one dummy per non-reference category) and its population totals,
    built from the data's text values row by row, independent of the library's cells."""
    columns, totals = [np.ones(len(data))], [POPULATION]
    for variable, categories in margins.items():
        parts = variable.split(":")
        text = data[parts].astype(str).agg(":".join, axis=1)
        for category in list(categories)[1:]:
            columns.append((text == category).to_numpy(float))
            totals.append(categories[category])
    return np.column_stack(columns), np.array(totals)


def _greg(d: np.ndarray, x: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Closed-form GREG weights d * (1 + x'(X'DX)^-1 (T - X'd))."""
    lam = np.linalg.solve(x.T @ (x * d[:, None]), totals - x.T @ d)
    return d * (1.0 + x @ lam)


def _margins_met(data: pd.DataFrame, weights: np.ndarray, margins: dict[str, dict[str, float]]) -> float:
    worst = 0.0
    for variable, categories in margins.items():
        text = data[variable.split(":")].astype(str).agg(":".join, axis=1)
        sums = pd.Series(weights).groupby(text.to_numpy()).sum()
        for category, total in categories.items():
            worst = max(worst, abs(sums[category] / total - 1.0))
    return worst


@pytest.mark.parametrize("path", [ONE_WAY, INTERACTIONS])
@pytest.mark.parametrize(("calfun", "bounds"), [("linear", None), ("linear", (0.45, 2.6)),
                                                ("logit", (0.4, 2.6)), ("raking", (0.4, 2.6))])
def test_calibrated_weights_meet_every_margin(scaled: pd.DataFrame, path, calfun, bounds) -> None:
    margins = weighting.read_margins(path)
    cal = weighting.calibrate(scaled, "w0", margins, calfun=calfun, bounds=bounds)
    assert _margins_met(scaled, cal.weights, margins) < 1e-9
    assert cal.max_error < 1e-9
    if bounds is not None:
        g = cal.weights / scaled["w0"].to_numpy()
        assert g.min() >= bounds[0] - 1e-12 and g.max() <= bounds[1] + 1e-12


@pytest.mark.parametrize("path", [ONE_WAY, INTERACTIONS])
def test_linear_calibration_equals_the_closed_form_greg_weights(synthetic: pd.DataFrame, path) -> None:
    margins = weighting.read_margins(path)
    x, totals = _row_model(synthetic, margins)
    expected = _greg(synthetic["w0"].to_numpy(float), x, totals)
    cal = weighting.calibrate(synthetic, "w0", margins, calfun="linear")
    np.testing.assert_allclose(cal.weights, expected, rtol=1e-11)


def test_interaction_and_its_one_way_margin_together_give_the_same_greg(synthetic: pd.DataFrame) -> None:
    one_way = weighting.read_margins(ONE_WAY)
    joint = weighting.read_margins(INTERACTIONS)
    both = {"region": one_way["region"], **joint}  # region is implied by region:urban (collinear)
    a = weighting.calibrate(synthetic, "w0", both, calfun="linear").weights
    b = weighting.calibrate(synthetic, "w0", joint, calfun="linear").weights
    np.testing.assert_allclose(a, b, rtol=1e-11)


def test_logit_g_is_the_logit_function_of_a_linear_predictor(scaled: pd.DataFrame) -> None:
    """R's cal.logit: g = (L(U-1) + U(1-L)e^{Au}) / (U-1 + (1-L)e^{Au}); inverting it row by row must give
    a u that is exactly linear in the margin indicators."""
    low, high = 0.4, 2.6
    margins = weighting.read_margins(INTERACTIONS)
    g = weighting.calibrate(scaled, "w0", margins, calfun="logit", bounds=(low, high)).weights / scaled["w0"]
    g = g.to_numpy()
    assert (g > low).all() and (g < high).all()
    a = (high - low) / ((high - 1) * (1 - low))
    u = np.log((g - low) * (high - 1) / ((high - g) * (1 - low))) / a
    x, _ = _row_model(scaled, margins)
    coef, *_ = np.linalg.lstsq(x, u, rcond=None)
    assert np.max(np.abs(x @ coef - u)) < 1e-8
    # Not the same weights as linear calibration: the bounds bind where GREG goes below L.
    greg = weighting.calibrate(scaled, "w0", margins, calfun="linear").weights / scaled["w0"].to_numpy()
    assert greg.min() < low


def test_truncated_linear_keeps_g_linear_between_the_bounds(scaled: pd.DataFrame) -> None:
    low, high = 0.45, 2.6
    margins = weighting.read_margins(ONE_WAY)
    g = weighting.calibrate(scaled, "w0", margins, calfun="linear", bounds=(low, high)).weights
    g = g / scaled["w0"].to_numpy()
    inside = (g > low + 1e-9) & (g < high - 1e-9)
    assert (~inside).any() and inside.sum() > len(g) // 2
    x, _ = _row_model(scaled, margins)
    coef, *_ = np.linalg.lstsq(x[inside], g[inside] - 1.0, rcond=None)
    assert np.max(np.abs(x[inside] @ coef - (g[inside] - 1.0))) < 1e-9
    # Rows at a bound are the rows whose unbounded linear predictor is beyond it.
    assert np.all(1.0 + x[~inside] @ coef <= low + 1e-9) or np.all(
        (1.0 + x[~inside] @ coef <= low + 1e-9) | (1.0 + x[~inside] @ coef >= high - 1e-9))


def _greg_residual_se(data: pd.DataFrame, w: np.ndarray, d: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """SE of a calibrated mean as R's svyrecvar computes it, written out: influence z = w (y - mean) / sum w;
    calibrate() stores qr(X sqrt(d)) and w = g sqrt(d), so the residual is
    qr.resid(qr(X sqrt(d)), z / (g sqrt(d))) * g sqrt(d) = z - w x'B with B = (X'DX)^-1 X'(z / g); then the
    with-replacement stratified PSU variance of the residuals."""
    theta = np.sum(w * y) / np.sum(w)
    z = w * (y - theta) / np.sum(w)
    g = w / d
    b = np.linalg.solve(x.T @ (x * d[:, None]), x.T @ (z / g))
    e = z - w * (x @ b)
    variance = 0.0
    for _, rows in data.groupby("stratum").groups.items():
        psu_totals = pd.Series(e[data.index.get_indexer(rows)]).groupby(data.loc[rows, "psu"].to_numpy()).sum()
        n_h = len(psu_totals)
        variance += n_h / (n_h - 1) * float(np.sum((psu_totals - psu_totals.mean()) ** 2))
    return float(np.sqrt(variance))


@pytest.mark.parametrize(("calfun", "bounds"), [("linear", None), ("logit", (0.4, 2.6))])
def test_calibrated_se_is_the_greg_residual_se(scaled: pd.DataFrame, calfun, bounds) -> None:
    margins = weighting.read_margins(INTERACTIONS)
    design = Design.from_frame(scaled, weights="w0", strata="stratum", cluster="psu")
    calibrated = design.calibrate(margins, calfun=calfun, bounds=bounds)
    y = (scaled["q"] == "yes").to_numpy(float)
    est = analysis.proportion(calibrated, "q", ["yes"])
    x, _ = _row_model(scaled, margins)
    w = calibrated.weights
    assert est.estimate == pytest.approx(np.sum(w * y) / np.sum(w), rel=1e-12)
    assert est.se == pytest.approx(_greg_residual_se(scaled, w, scaled["w0"].to_numpy(float), x, y), rel=1e-9)
    # Calibration on margins that explain nothing about q would not change the SE much: these do.
    plain = analysis.proportion(design, "q", ["yes"])
    assert est.se != pytest.approx(plain.se, rel=1e-3)


def test_linear_calibration_of_replicates_calibrates_each_replicate_again(synthetic: pd.DataFrame) -> None:
    from analysis.replicate_variance import replicate_weights

    margins = weighting.read_margins(INTERACTIONS)
    base = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu").with_replicates("jkn")
    calibrated = base.calibrate(margins, calfun="linear")
    x, totals = _row_model(synthetic, margins)
    base_columns = replicate_weights(base)
    final_columns = replicate_weights(calibrated)
    for r in range(base_columns.shape[1]):
        np.testing.assert_allclose(final_columns[:, r], _greg(base_columns[:, r], x, totals), rtol=1e-9, atol=1e-9)


def test_bounds_that_cannot_hold_the_margins_say_so(scaled: pd.DataFrame) -> None:
    margins = weighting.read_margins(ONE_WAY)
    with pytest.raises(ConvergenceError, match="too tight"):
        weighting.calibrate(scaled, "w0", margins, calfun="logit", bounds=(0.9, 1.1))
    with pytest.raises(MarginError, match="L < 1 < U"):
        weighting.calibrate(scaled, "w0", margins, calfun="logit", bounds=(1.2, 3.0))
    with pytest.raises(MarginError, match="finite bounds"):
        weighting.calibrate(scaled, "w0", margins, calfun="logit")
    with pytest.raises(MarginError, match="unknown calibration function"):
        weighting.calibrate(scaled, "w0", margins, calfun="probit")


def test_negative_greg_weights_are_refused_with_a_hint() -> None:
    # One light respondent in a category whose total forces its neighbours' g below 0.
    data = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "v"], "w": [1.0, 1.0, 1.0, 1.0]})
    margins = {"a": {"x": 10.0, "y": 2.0}, "b": {"u": 11.0, "v": 1.0}}
    with pytest.raises(WeightError, match=r"negative weights.*--bounds"):
        weighting.calibrate(data, "w", margins, calfun="linear")
    bounded = weighting.calibrate(data, "w", margins, calfun="logit", bounds=(0.01, 20.0))
    assert bounded.weights.min() > 0 and _margins_met(data, bounded.weights, margins) < 1e-9


def test_interaction_margin_errors_name_the_problem(synthetic: pd.DataFrame) -> None:
    with pytest.raises(MarginError, match=r"part of the interaction margin 'region:town'.*'town'"):
        weighting.calibrate(synthetic, "w0", {"region:town": {"R1:x": 1.0}})
    joint = weighting.read_margins(INTERACTIONS)
    short = {"region:urban": {k: v for k, v in joint["region:urban"].items() if k != "R3:rural"}}
    with pytest.raises(MarginError, match="R3:rural is missing from the margins"):
        weighting.calibrate(synthetic, "w0", short)


def test_raking_to_interaction_margins_meets_them(synthetic: pd.DataFrame) -> None:
    margins = weighting.read_margins(INTERACTIONS)
    raked = weighting.rake(synthetic, "w0", margins)
    assert _margins_met(synthetic, raked.weights, margins) < 1e-9


def test_cli_calibrates_with_calfun_and_bounds(tmp_path, capsys, scaled: pd.DataFrame) -> None:
    data = tmp_path / "scaled.csv"
    scaled.to_csv(data, index=False)
    out = tmp_path / "out.csv"
    assert main(["rake", "--data", str(data), "--weight", "w0", "--margins", str(INTERACTIONS), "--out", str(out),
                 "--calfun", "logit", "--bounds", "0.4,2.6"]) == 0
    summary = capsys.readouterr().out
    assert '"calfun": "logit"' in summary
    written = pd.read_csv(out)
    g = written["w0_raked"] / written["w0"]
    assert g.min() > 0.4 and g.max() < 2.6
    assert _margins_met(written, written["w0_raked"].to_numpy(), weighting.read_margins(INTERACTIONS)) < 1e-9

    assert main(["estimate", "--data", str(data), "--weight", "w0", "--strata", "stratum", "--cluster", "psu",
                 "--proportion", "q=yes", "--rake-margins", str(INTERACTIONS), "--calfun", "linear"]) == 0
    row = json.loads(capsys.readouterr().out)["rows"][0]
    design = Design.from_frame(scaled, weights="w0", strata="stratum", cluster="psu")
    expected = analysis.proportion(design.calibrate(weighting.read_margins(INTERACTIONS)), "q", ["yes"])
    assert row["se"] == pytest.approx(expected.se, rel=1e-12)

    assert main(["estimate", "--data", str(data), "--weight", "w0", "--mean", "income",
                 "--rake-margins", str(ONE_WAY), "--calfun", "logit"]) == 2
    assert "--calfun logit needs --bounds" in capsys.readouterr().err
    assert main(["estimate", "--data", str(data), "--weight", "w0", "--mean", "income",
                 "--rake-margins", str(ONE_WAY), "--calfun", "linear", "--bounds", "1.5,2"]) == 2
    assert "L < 1 < U" in capsys.readouterr().err
