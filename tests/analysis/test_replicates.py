"""Replicate weights (analysis/replicates.py, analysis/replicate_variance.py).

R's full-precision numbers for these cases (golden/make_golden_replicates.R) are compared in
test_golden_replicates.py. The checks here are: values R's survey package prints in its own
test output (tests/testoutput/api.Rout.saved in the survey sources: ``as.svrepdesign(dclus1)`` on apiclus1,
and the same post-stratified), replicate formulas recomputed here by brute force (explicit loops over PSUs
and replicates, a separate raking per replicate), and closed forms (jackknife and BRR variances of a total
equal the linearised one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import Design
from analysis.errors import DesignError, EstimationError, WeightError
from analysis.replicate_variance import replicate_weights
from analysis.replicates import sylvester_hadamard
from tests.analysis.golden_cases import load_data

POP_TYPES = {"E": 4421, "H": 755, "M": 1018}


@pytest.fixture
def dclus1() -> Design:
    return Design.from_frame(load_data("apiclus1.csv").copy(), weights="pw", cluster="dnum", fpc="fpc")


# ------------------------------------------------------------------------------------------ R's own output
def test_jk1_on_apiclus1_reproduces_r_survey_test_output(dclus1: Design) -> None:
    """survey/tests/testoutput/api.Rout.saved: rclus1 <- as.svrepdesign(dclus1)."""
    rclus1 = dclus1.with_replicates("jk1")
    assert rclus1.replicates is not None and rclus1.replicates.n_replicates == 15
    mean = analysis.mean(rclus1, "api00")
    assert mean.estimate == pytest.approx(644.17, abs=5e-3)
    assert mean.se == pytest.approx(26.329, abs=5e-4)                       # svymean(~api00, rclus1)
    assert analysis.mean(dclus1.with_replicates("jk1", mse=True), "api00").se == pytest.approx(26.335, abs=5e-4)
    assert analysis.total(rclus1, "enroll").se == pytest.approx(932235, abs=0.5)  # svytotal(~enroll, rclus1)
    assert rclus1.df == 14


def test_post_stratified_jk1_is_post_stratified_again_per_replicate(dclus1: Design) -> None:
    """rclus1p <- postStratify(rclus1, ~stype, pop.types): svymean 642.31 (26.934), svytotal 3680893 (473431)."""
    rclus1p = dclus1.with_replicates("jk1").poststratify("stype", POP_TYPES)
    mean = analysis.mean(rclus1p, "api00")
    assert (mean.estimate, mean.se) == pytest.approx((642.31, 26.934), abs=5e-3)
    total = analysis.total(rclus1p, "enroll")
    assert total.estimate == pytest.approx(3680893, abs=0.5)
    assert total.se == pytest.approx(473431, abs=0.5)


# ------------------------------------------------------------------------------------------ brute force
def _brute_force_variance(thetas: np.ndarray, theta: float, scale: float, rscales: np.ndarray, mse: bool) -> float:
    centre = theta if mse else float(np.mean(thetas[rscales > 0]))
    return float(scale * sum(r * (t - centre) ** 2 for t, r in zip(thetas, rscales, strict=True)))


def _jkn_row_weights(data: pd.DataFrame, w: np.ndarray) -> tuple[list[np.ndarray], list[float]]:
    """Delete-one-PSU weights built row by row from the definition (no code shared with the library)."""
    columns, rscales = [], []
    for stratum, rows in data.groupby("stratum", sort=True).groups.items():
        del stratum
        psus = sorted(set(data.loc[rows, "psu"]))
        n_h = len(psus)
        for dropped in psus:
            rw = w.copy()
            in_stratum = data.index.isin(rows)
            rw[in_stratum & (data["psu"] == dropped).to_numpy()] = 0.0
            rw[in_stratum & (data["psu"] != dropped).to_numpy()] *= n_h / (n_h - 1)
            columns.append(rw)
            rscales.append((n_h - 1) / n_h)
    return columns, rscales


def test_jkn_domains_proportion_and_ratio_equal_brute_force(synthetic: pd.DataFrame) -> None:
    design = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu").with_replicates("jkn")
    w = synthetic["w0"].to_numpy(float)
    columns, rscales = _jkn_row_weights(synthetic, w)
    rs = np.array(rscales)
    assert design.replicates is not None
    assert design.replicates.n_replicates == len(columns) == 63
    np.testing.assert_allclose(np.sort(design.replicates.rscales), np.sort(rs), rtol=1e-14)

    yes = (synthetic["q"] == "yes").to_numpy(float)
    income, hh = synthetic["income"].to_numpy(float), synthetic["hh"].to_numpy(float)
    for region, est in zip(sorted(synthetic["region"].unique()),
                           analysis.proportion(design, "q", ["yes"], by="region"), strict=True):
        inside = (synthetic["region"] == region).to_numpy()
        thetas = np.array([np.sum(c * yes * inside) / np.sum(c * inside) for c in columns])
        theta = np.sum(w * yes * inside) / np.sum(w * inside)
        assert est.estimate == pytest.approx(theta, rel=1e-12)
        assert est.se**2 == pytest.approx(_brute_force_variance(thetas, theta, 1.0, rs, False), rel=1e-10)
        assert est.df == design.df
    est = analysis.ratio(design, "income", "hh")
    ok = ~np.isnan(income) & ~np.isnan(hh)  # rows missing either are left out (R's na.rm)
    income, hh = np.where(ok, income, 0.0), np.where(ok, hh, 0.0)
    thetas = np.array([np.sum(c * income) / np.sum(c * hh) for c in columns])
    theta = np.sum(w * income) / np.sum(w * hh)
    assert est.se**2 == pytest.approx(_brute_force_variance(thetas, theta, 1.0, rs, False), rel=1e-10)
    mse = analysis.ratio(design.with_replicates("jkn", mse=True), "income", "hh")
    assert mse.se**2 == pytest.approx(_brute_force_variance(thetas, theta, 1.0, rs, True), rel=1e-10)


def test_jackknife_and_brr_variance_of_a_total_is_the_linearised_one(synthetic: pd.DataFrame) -> None:
    """Closed form: for a linear statistic JKn (any centring) and fully balanced BRR/Fay give Taylor's variance."""
    taylor = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")
    for design in (taylor.with_replicates("jkn"), taylor.with_replicates("jkn", mse=True)):
        assert analysis.total(design, "income").se == pytest.approx(analysis.total(taylor, "income").se, rel=1e-10)
    pairs = _two_psus_per_stratum(synthetic)
    taylor2 = Design.from_frame(pairs, weights="w0", strata="stratum", cluster="psu")
    for design in (taylor2.with_replicates("brr"), taylor2.with_replicates("brr", fay_rho=0.5)):
        assert design.replicates is not None and design.replicates.n_replicates == 16  # 12 strata -> order 16
        assert analysis.total(design, "income").se == pytest.approx(analysis.total(taylor2, "income").se, rel=1e-10)
    fay = taylor2.with_replicates("brr", fay_rho=0.3)
    assert fay.replicates is not None and fay.replicates.type.value == "fay"
    assert fay.replicates.scale == pytest.approx(1 / (16 * 0.7**2))
    assert set(np.unique(fay.replicates.factors)) == {0.3, 1.7}


def _two_psus_per_stratum(synthetic: pd.DataFrame) -> pd.DataFrame:
    keep = synthetic.groupby("stratum")["psu"].transform(lambda p: p.isin(sorted(p.unique())[:2]))
    return synthetic[keep].reset_index(drop=True)


def test_brr_half_samples_follow_the_hadamard_rows(synthetic: pd.DataFrame) -> None:
    pairs = _two_psus_per_stratum(synthetic)
    design = Design.from_frame(pairs, weights="w0", strata="stratum", cluster="psu").with_replicates("brr")
    assert design.replicates is not None
    factors = design.replicates.factors
    h = sylvester_hadamard(16)
    for s in range(design.n_strata):
        first, second = design.stratum_psu_start[s], design.stratum_psu_start[s] + 1
        np.testing.assert_array_equal(factors[first] + factors[second], 2.0)
        # The PSU seen first in the data is in the half-sample where H = 1 (R's brrweights).
        np.testing.assert_array_equal(factors[first] == 2.0, h[s + 1] == 1)
    signs = 2 * h - 1
    np.testing.assert_array_equal(signs.T @ signs, 16 * np.eye(16))


def test_bootstrap_is_rao_wu_with_a_fixed_seed(synthetic: pd.DataFrame) -> None:
    taylor = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")
    boot = taylor.with_replicates("bootstrap", replicates=80, seed=11)
    rep = boot.replicates
    assert rep is not None and rep.n_replicates == 80 and rep.scale == pytest.approx(1 / 79)
    again = taylor.with_replicates("bootstrap", replicates=80, seed=11).replicates
    assert again is not None
    np.testing.assert_array_equal(rep.factors, again.factors)
    other = taylor.with_replicates("bootstrap", replicates=80, seed=12).replicates
    assert other is not None and not np.array_equal(rep.factors, other.factors)
    # Each stratum draws n_h - 1 of its n_h PSUs with replacement; factor = count * n_h / (n_h - 1).
    for s in range(taylor.n_strata):
        start, n_h = taylor.stratum_psu_start[s], taylor.n_psu_in_stratum[s]
        block = rep.factors[start:start + n_h]
        counts = block * (n_h - 1) / n_h
        np.testing.assert_allclose(counts, np.round(counts), atol=1e-12)
        np.testing.assert_allclose(counts.sum(axis=0), n_h - 1)
    # The variance is the replicates' sample variance (scale 1/(R-1)), recomputed from row weights here.
    w = synthetic["w0"].to_numpy(float)
    rows = rep.factors[taylor.psu]
    income = synthetic["income"].to_numpy(float)
    ok = ~np.isnan(income)
    income = np.where(ok, income, 0.0)
    thetas = np.array([np.sum(w * rows[:, r] * income) / np.sum(w * rows[:, r] * ok) for r in range(80)])
    assert analysis.mean(boot, "income").se ** 2 == pytest.approx(np.var(thetas, ddof=1), rel=1e-10)


def test_many_bootstrap_replicates_approach_the_linearised_se(synthetic: pd.DataFrame) -> None:
    taylor = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")
    boot = taylor.with_replicates("bootstrap", replicates=4000, seed=5)
    assert analysis.total(boot, "income").se == pytest.approx(analysis.total(taylor, "income").se, rel=0.05)


def test_bootstrap_with_fpc_shrinks_towards_the_full_sample() -> None:
    data = load_data("apistrat.csv").copy()
    with_fpc = Design.from_frame(data, weights="pw", strata="stype", fpc="fpc")
    boot = with_fpc.with_replicates("bootstrap", replicates=3000, seed=2)
    # Rao-Wu with sqrt(1 - f): the variance of a total approaches the linearised one with the FPC.
    assert analysis.total(boot, "enroll").se == pytest.approx(analysis.total(with_fpc, "enroll").se, rel=0.05)


def test_raked_design_rakes_every_replicate_again(synthetic: pd.DataFrame, syn_margins: pd.DataFrame) -> None:
    margins = analysis.margins_from_frame(syn_margins)
    base = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")
    raked = base.with_replicates("jkn").rake(margins)
    w = synthetic["w0"].to_numpy(float)
    columns, rscales = _jkn_row_weights(synthetic, w)
    yes = (synthetic["q"] == "yes").to_numpy(float)
    thetas = []
    for c in columns:
        rw = analysis.rake(synthetic, c, margins).weights  # a separate raking of each replicate
        thetas.append(np.sum(rw * yes) / np.sum(rw))
    full = analysis.rake(synthetic, w, margins).weights
    theta = np.sum(full * yes) / np.sum(full)
    est = analysis.proportion(raked, "q", ["yes"])
    assert est.estimate == pytest.approx(theta, rel=1e-12)
    assert est.se**2 == pytest.approx(_brute_force_variance(np.array(thetas), theta, 1.0, np.array(rscales), False),
                                      rel=1e-8)


def test_exported_matrix_read_back_from_columns_gives_the_same_ses(
    synthetic: pd.DataFrame, syn_margins: pd.DataFrame
) -> None:
    margins = analysis.margins_from_frame(syn_margins)
    raked = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu") \
        .with_replicates("jkn").rake(margins)
    rep = raked.replicates
    assert rep is not None
    matrix = replicate_weights(raked)
    assert matrix.shape == (len(synthetic), rep.n_replicates)
    frame = synthetic.assign(w=raked.weights, **{f"repw{i + 1}": matrix[:, i] for i in range(matrix.shape[1])})
    # Outside the platform: full-sample weights, replicate columns, type, scale and rscales, no calibration.
    read = Design.from_frame(frame, weights="w").with_replicate_weights(
        r"repw\d+", "jkn", rscales=rep.rscales, scale=rep.scale, df=rep.df)
    for ours, theirs in zip(analysis.mean(raked, "income", by="region"),
                            analysis.mean(read, "income", by="region"), strict=True):
        assert theirs.estimate == pytest.approx(ours.estimate, rel=1e-12)
        assert theirs.se == pytest.approx(ours.se, rel=1e-10)
    # Reading them back and raking again to the same margins is a no-op for the SEs.
    again = read.rake(margins)
    assert analysis.total(again, "income").se == pytest.approx(analysis.total(raked, "income").se, rel=1e-8)


def test_replicate_weights_from_a_prefix_with_r_default_scales(synthetic: pd.DataFrame) -> None:
    design = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")
    boot = design.with_replicates("bootstrap", replicates=30, seed=1)
    matrix = replicate_weights(boot)
    frame = synthetic.assign(**{f"bw{i:02d}": matrix[:, i] for i in range(30)})
    read = Design.from_frame(frame, weights="w0").with_replicate_weights("bw", "bootstrap")
    assert read.replicates is not None and read.replicates.scale == pytest.approx(1 / 29)
    assert analysis.mean(read, "income").se == pytest.approx(analysis.mean(boot, "income").se, rel=1e-10)
    jk1 = Design.from_frame(frame, weights="w0").with_replicate_weights(["bw00", "bw01", "bw02", "bw03"], "jk1")
    assert jk1.replicates is not None and jk1.replicates.scale == pytest.approx(3 / 4)
    assert jk1.df == 3


def test_zero_members_in_a_replicate_drop_that_replicate_as_r_na_omit() -> None:
    data = pd.DataFrame({"psu": [1, 1, 2, 2, 3, 3, 4], "y": [1.0, 2, 3, 4, 5, 6, 7],
                         "g": ["a", "a", "b", "b", "b", "b", "b"], "w": 1.0})
    design = Design.from_frame(data, weights="w", cluster="psu").with_replicates("jk1")
    a = analysis.mean(design, "y", by="g")[0]
    # Domain "a" lives in PSU 1 only: the replicate dropping PSU 1 has no estimate and is left out.
    assert np.isfinite(a.se) and a.se == 0.0


@pytest.mark.parametrize(("build", "message"), [
    (lambda d: d.with_replicates("jk1"), "jk1 is for unstratified"),
    (lambda d: d.with_replicates("brr"), "exactly 2 PSUs"),
    (lambda d: d.with_replicates("bootstrap", replicates=1), "at least 2 replicates"),
    (lambda d: d.with_replicates("jkn", replicates=10), "only bootstrap"),
    (lambda d: d.with_replicates("fay"), "rho"),
    (lambda d: d.with_replicates("nope"), "unknown replicate type"),
    (lambda d: d.with_replicate_weights("zz", "jk1"), "no column name"),
    (lambda d: d.with_replicate_weights(["w0", "hh"], "jkn"), "rscales"),
    (lambda d: d.with_replicate_weights(["w0", "hh"], "other"), "explicit scale"),
    (lambda d: d.with_replicate_weights(["w0", "hh"], "jk1", rscales=[1, 2, 3]), "rscales must hold 2"),
])
def test_bad_replicate_requests_are_refused_with_a_clear_message(syn_design: Design, build, message: str) -> None:
    with pytest.raises(DesignError, match=message):
        build(syn_design)


def test_bad_replicate_weights_and_hadamard(synthetic: pd.DataFrame) -> None:
    frame = synthetic.assign(r1=1.0, r2=-1.0)
    with pytest.raises(WeightError, match="negative at row 1"):
        Design.from_frame(frame, weights="w0").with_replicate_weights("r[12]", "jk1")
    pairs = Design.from_frame(_two_psus_per_stratum(synthetic), weights="w0", strata="stratum", cluster="psu")
    with pytest.raises(DesignError, match="at least 13 rows"):
        pairs.with_replicates("brr", hadamard=sylvester_hadamard(8))
    with pytest.raises(DesignError, match="not a Hadamard"):
        pairs.with_replicates("brr", hadamard=np.eye(16))
    unstratified = Design.from_frame(synthetic, weights="w0", cluster="psu")
    with pytest.raises(DesignError, match="needs strata"):
        unstratified.with_replicates("jkn")


def test_panel_change_with_replicates_is_refused(syn_design: Design) -> None:
    rep = syn_design.with_replicates("jkn")
    with pytest.raises(EstimationError, match="panel"):
        analysis.change(rep, rep, "mean", "income", panel="psu")
    independent = analysis.change(rep, rep, "mean", "income")
    assert independent.se == pytest.approx(np.sqrt(2) * analysis.mean(rep, "income").se, rel=1e-12)


def test_contrast_with_replicates_uses_replicate_differences(syn_design: Design) -> None:
    rep = syn_design.with_replicates("jkn", mse=True)
    result = analysis.contrast(rep, "mean", "income", by="sex", first="F", second="M")
    data = syn_design.data
    w = data["w0"].to_numpy(float)
    columns, rscales = _jkn_row_weights(data, w)
    income = data["income"].to_numpy(float)
    ok = ~np.isnan(income)
    income = np.where(ok, income, 0.0)
    f, m = (data["sex"] == "F").to_numpy() & ok, (data["sex"] == "M").to_numpy() & ok

    def diff(c: np.ndarray) -> float:
        return float(np.sum(c * income * f) / np.sum(c * f) - np.sum(c * income * m) / np.sum(c * m))

    thetas = np.array([diff(c) for c in columns])
    assert result.se**2 == pytest.approx(_brute_force_variance(thetas, diff(w), 1.0, np.array(rscales), True),
                                         rel=1e-10)
