"""Domain contrasts (``svycontrast`` on ``svyby(covmat = TRUE)``-like).

R's svycontrast for the same contrasts is compared in tests/analysis/test_golden_stats.py (from
golden/make_golden_stats.R, to 1e-9). Here each test recomputes the variance of the
difference by brute force, with pandas group-bys over the rows (influence values of each domain mean written
out, PSU totals, the stratified with-replacement formula). The single-domain standard errors are
also compared with analysis.mean/proportion by domain, which the R golden tests cover, and the covariance
between two domains with svy's (``Estimate.covariance`` of a by-domain mean), an independent implementation.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import Design, Versus
from analysis.errors import EstimationError
from tests.analysis.golden_cases import GOLDEN


def _influence(data: pd.DataFrame, y: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Weighted influence values w (y - ybar) / W of the domain mean, 0 outside the domain (and where y is
    missing, as na.rm = TRUE)."""
    inside = inside & ~np.isnan(y)
    y = np.nan_to_num(y)
    w = data["w0"].to_numpy()
    big_w = w[inside].sum()
    ybar = (w * y)[inside].sum() / big_w
    return np.where(inside, w * (y - ybar) / big_w, 0.0)


def _brute_variance(data: pd.DataFrame, wz: np.ndarray) -> float:
    psu = pd.DataFrame({"stratum": data["stratum"], "psu": data["psu"], "z": wz}).groupby(
        ["stratum", "psu"])["z"].sum().reset_index()
    total = 0.0
    for _, group in psu.groupby("stratum"):
        n = len(group)
        total += n / (n - 1) * ((group["z"] - group["z"].mean()) ** 2).sum()
    return total


@pytest.fixture
def synthetic() -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "synthetic.csv")


@pytest.fixture
def design(synthetic: pd.DataFrame) -> Design:
    return Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")


def test_women_minus_men_matches_brute_force(synthetic: pd.DataFrame, design: Design) -> None:
    y = synthetic["income"].to_numpy()
    women, men = (synthetic["sex"] == "F").to_numpy(), (synthetic["sex"] == "M").to_numpy()
    result = analysis.contrast(design, "mean", "income", by="sex", first="F", second="M")
    expected = _brute_variance(synthetic, _influence(synthetic, y, women) - _influence(synthetic, y, men))
    assert result.se ** 2 == pytest.approx(expected, rel=1e-10)
    by_sex = {e.by: e for e in analysis.mean(design, "income", by="sex")}
    assert result.difference == pytest.approx(by_sex["F"].estimate - by_sex["M"].estimate, rel=1e-12)
    assert (result.se_first, result.se_second) == pytest.approx((by_sex["F"].se, by_sex["M"].se), rel=1e-12)
    # Sharing PSUs correlates the two domains: the naive independent SE is wrong.
    assert abs(result.covariance) > 1e5
    assert result.se ** 2 == pytest.approx(result.se_first ** 2 + result.se_second ** 2 - 2 * result.covariance)
    assert result.df == design.df
    assert result.ci_low < result.difference < result.ci_high


def test_region_versus_rest_and_versus_national(synthetic: pd.DataFrame, design: Design) -> None:
    y = (synthetic["q"] == "yes").to_numpy().astype(float)
    region = (synthetic["region"] == "R2").to_numpy()
    everyone = np.ones(len(synthetic), bool)
    rest = analysis.contrast(design, "proportion", "q", values=["yes"], by="region", first="R2",
                             second=Versus.REST)
    expected = _brute_variance(synthetic, _influence(synthetic, y, region) - _influence(synthetic, y, ~region))
    assert rest.se ** 2 == pytest.approx(expected, rel=1e-10)
    national = analysis.contrast(design, "proportion", "q", values=["yes"], by="region", first="R2",
                                 second=Versus.ALL)
    expected = _brute_variance(synthetic, _influence(synthetic, y, region) - _influence(synthetic, y, everyone))
    assert national.se ** 2 == pytest.approx(expected, rel=1e-10)
    assert national.estimate_second == pytest.approx(analysis.proportion(design, "q", ["yes"]).estimate)
    assert national.covariance > 0  # the region is part of the nation


def test_contrast_on_a_calibrated_design_uses_the_calibration_residuals(synthetic: pd.DataFrame) -> None:
    """Raking to sex margins makes the sex totals fixed; each domain's SE still equals the R-checked one."""
    margins = analysis.read_margins(GOLDEN / "synthetic_margins.csv")
    raked = Design.from_frame(synthetic, weights=analysis.rake(synthetic, "w0", margins), strata="stratum",
                              cluster="psu")
    result = analysis.contrast(raked, "mean", "income", by="region", first="R1", second="R3")
    by_region = {e.by: e for e in analysis.mean(raked, "income", by="region")}
    assert (result.se_first, result.se_second) == pytest.approx((by_region["R1"].se, by_region["R3"].se),
                                                                rel=1e-12)


def test_bad_contrasts_are_clear_errors(design: Design) -> None:
    with pytest.raises(EstimationError, match="no domain 'X'"):
        analysis.contrast(design, "mean", "income", by="sex", first="X", second="M")
    with pytest.raises(EstimationError, match="two different domains"):
        analysis.contrast(design, "mean", "income", by="sex", first="F", second="F")
    with pytest.raises(EstimationError, match="unknown statistic"):
        analysis.contrast(design, "median", "income", by="sex", first="F", second="M")


def test_cli_contrast() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "contrast", "--data", str(GOLDEN / "synthetic.csv"), "--weight", "w0",
         "--strata", "stratum", "--cluster", "psu", "--proportion", "q=yes", "--by", "region", "--first", "R2",
         "--versus", "rest"],
        capture_output=True, text=True, check=True,
    )
    row = json.loads(out.stdout)
    data = pd.read_csv(GOLDEN / "synthetic.csv")
    lib = analysis.contrast(Design.from_frame(data, weights="w0", strata="stratum", cluster="psu"), "proportion",
                            "q", values=["yes"], by="region", first="R2", second=Versus.REST)
    assert row["difference"] == pytest.approx(lib.difference, rel=1e-12)
    assert row["se"] == pytest.approx(lib.se, rel=1e-12)
    assert row["second"] == "rest"


def test_domain_covariance_agrees_with_svy(design: Design) -> None:
    svy = pytest.importorskip("svy")
    pytest.importorskip("polars")
    sample = svy.Sample(svy.read_csv(str(GOLDEN / "synthetic.csv")),
                        svy.Design(stratum="stratum", psu="psu", wgt="w0"))
    theirs = sample.estimation.mean("income", by="sex", drop_nulls=True)
    levels = [row["sex"] for row in theirs.to_polars().iter_rows(named=True)]
    assert levels == ["F", "M"]
    cov = np.asarray(theirs.covariance)
    ours = analysis.contrast(design, "mean", "income", by="sex", first="F", second="M")
    assert ours.covariance == pytest.approx(cov[0, 1], rel=1e-10)
    assert ours.se ** 2 == pytest.approx(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1], rel=1e-10)


@pytest.mark.parametrize(("args", "message"), [
    (["--by", "sex", "--first", "X", "--second", "M"], "error: no domain 'X' (values: F, M)"),
    (["--by", "sex", "--first", "F"], "error: one of the arguments --second --versus is required"),
])
def test_cli_contrast_bad_input_is_one_line(args: list[str], message: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "contrast", "--data", str(GOLDEN / "synthetic.csv"), "--weight", "w0",
         "--strata", "stratum", "--cluster", "psu", "--mean", "income", *args],
        capture_output=True, text=True,
    )
    assert out.returncode == 2
    assert out.stderr.strip() == message


def test_rest_leaves_out_rows_without_a_domain(synthetic: pd.DataFrame) -> None:
    gaps = synthetic.assign(region=synthetic["region"].where(synthetic.index % 7 != 0))
    design = Design.from_frame(gaps, weights="w0", strata="stratum", cluster="psu")
    rest = analysis.contrast(design, "mean", "income", by="region", first="R2", second=Versus.REST)
    known = gaps["region"].notna() & (gaps["region"] != "R2")
    expected = analysis.mean(design, "income", where=known.to_numpy())
    assert rest.estimate_second == pytest.approx(expected.estimate, rel=1e-12)
    assert rest.se_second == pytest.approx(expected.se, rel=1e-12)
