"""Change between two years: independent samples and a panel of PSUs.

R's own numbers for the panel case are compared in tests/analysis/test_golden_stats.py (from
golden/make_golden_stats.R). Checks here, by kind:

* independent samples: the variance is the sum of each year's variance from analysis.mean (itself checked
  against R's golden values);
* panel of PSUs: (a) a brute-force computation with pandas group-bys over the union of both years' PSUs
  (the stacked-design formula), (b) the same number through a different route, analysis.contrast on the
  two years stacked into one design (what R's svycontrast(svyby(~y, ~year, stacked, covmat = TRUE)) does;
  R's output for it is in golden/golden_stats.json, checked in test_golden_stats.py), and (c) a simulation
  (fixed seed, 300 panel samples of a population with persistent PSU effects): the mean estimated variance
  of the change is close to the variance of the change over the samples, where the independent-samples
  formula is several times too large.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import Design
from analysis.change import change
from analysis.errors import DesignError
from tests.analysis.golden_cases import GOLDEN


def _year(rng: np.random.Generator, effects: dict[tuple[int, int], float], psus: dict[int, range],
          shift: float, per_psu: int = 8) -> pd.DataFrame:
    rows = []
    for h, chosen in psus.items():
        for p in chosen:
            for _ in range(per_psu):
                rows.append({"stratum": f"S{h}", "psu": f"P{p}", "N": 10, "w": float(rng.uniform(1, 3)),
                             "y": 10 + effects[(h, p)] + shift + float(rng.normal(0, 2))})
    return pd.DataFrame(rows)


def _two_years(seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four strata of 10 PSUs; year 1 samples PSUs 0-5, year 2 PSUs 2-7 (4 shared per stratum)."""
    rng = np.random.default_rng(seed)
    effects = {(h, p): float(rng.normal(0, 3)) for h in range(4) for p in range(10)}
    first = _year(rng, effects, {h: range(0, 6) for h in range(4)}, 0.0)
    second = _year(rng, effects, {h: range(2, 8) for h in range(4)}, 1.0)
    return first, second


def _design(data: pd.DataFrame, **extra: str) -> Design:
    return Design.from_frame(data, weights="w", strata="stratum", cluster="psu", **extra)  # type: ignore[arg-type]


def _brute_panel_variance(first: pd.DataFrame, second: pd.DataFrame, scale: float) -> float:
    parts = []
    for data, factor in ((first, -scale), (second, 1.0)):
        w, y = data["w"], data["y"]
        ybar = (w * y).sum() / w.sum()
        parts.append(data.assign(z=factor * w * (y - ybar) / w.sum())[["stratum", "psu", "z"]])
    psu = pd.concat(parts).groupby(["stratum", "psu"])["z"].sum().reset_index()
    total = 0.0
    for _, group in psu.groupby("stratum"):
        n = len(group)
        total += n / (n - 1) * ((group["z"] - group["z"].mean()) ** 2).sum()
    return total


def test_independent_samples_add_the_variances() -> None:
    first, second = _two_years()
    one, two = analysis.mean(_design(first), "y"), analysis.mean(_design(second), "y")
    result = change(_design(first), _design(second), "mean", "y")
    assert result.change == pytest.approx(two.estimate - one.estimate, rel=1e-12)
    assert result.se ** 2 == pytest.approx(one.se ** 2 + two.se ** 2, rel=1e-12)
    assert result.covariance == 0.0
    assert min(one.df, two.df) <= result.df <= one.df + two.df  # Satterthwaite


def test_each_year_can_have_its_own_array() -> None:
    """after_variable: the years' values as arrays of their own rows (the platform's indicator values)."""
    first, second = _two_years()
    by_name = change(_design(first), _design(second), "mean", "y", panel="psu")
    arrays = change(_design(first), _design(second), "mean", first["y"].to_numpy(),
                    after_variable=second["y"].to_numpy(), panel="psu")
    assert (arrays.change, arrays.se, arrays.df) == pytest.approx((by_name.change, by_name.se, by_name.df), rel=1e-14)


@pytest.mark.parametrize("scale", [1.0, 1.05])
def test_panel_matches_brute_force_and_the_stacked_contrast(scale: float) -> None:
    first, second = _two_years()
    result = change(_design(first), _design(second), "mean", "y", panel="psu", scale=scale)
    assert result.se ** 2 == pytest.approx(_brute_panel_variance(first, second, scale), rel=1e-10)
    assert result.shared_psus == 16
    assert result.df == 4 * 8 - 4  # union: 8 PSUs in each of 4 strata
    if scale == 1.0:
        stacked = pd.concat([first.assign(year=1), second.assign(year=2)], ignore_index=True)
        via_contrast = analysis.contrast(_design(stacked), "mean", "y", by="year", first=2, second=1)
        assert result.se == pytest.approx(via_contrast.se, rel=1e-12)
        assert result.change == pytest.approx(via_contrast.difference, rel=1e-12)
    # Persistent PSU effects: shared PSUs make the years' estimates positively correlated.
    assert result.covariance > 0
    assert result.se < change(_design(first), _design(second), "mean", "y", scale=scale).se


def test_panel_with_fpc_uses_the_union_sampling_fraction() -> None:
    first, second = _two_years()
    result = change(_design(first, fpc="N"), _design(second, fpc="N"), "mean", "y", panel="psu")
    # 8 of 10 PSUs in each stratum of the union: the brute-force variance times (1 - 8/10).
    assert result.se ** 2 == pytest.approx(0.2 * _brute_panel_variance(first, second, 1.0), rel=1e-10)
    with pytest.raises(DesignError, match="FPC of stratum S0 differs"):
        change(_design(first, fpc="N"), _design(second.assign(N=12), fpc="N"), "mean", "y", panel="psu")
    with pytest.raises(DesignError, match="in both years or in neither"):
        change(_design(first, fpc="N"), _design(second), "mean", "y", panel="psu")


def test_simulated_panel_variance_is_right_where_independence_is_not() -> None:
    rng = np.random.default_rng(2026)
    effects = {(h, p): float(rng.normal(0, 3)) for h in range(4) for p in range(40)}
    changes, panel_var, independent_var = [], [], []
    for _ in range(300):
        chosen = {h: rng.choice(40, size=6, replace=False) for h in range(4)}
        psus = {h: range(6) for h in range(4)}
        relabel = {(h, i): effects[(h, int(chosen[h][i]))] for h in range(4) for i in range(6)}
        first = _year(rng, relabel, psus, 0.0, per_psu=5)
        second = _year(rng, relabel, psus, 1.0, per_psu=5)
        d1, d2 = _design(first), _design(second)
        panel = change(d1, d2, "mean", "y", panel="psu")
        changes.append(panel.change)
        panel_var.append(panel.se ** 2)
        independent_var.append(change(d1, d2, "mean", "y").se ** 2)
    empirical = float(np.var(changes, ddof=1))
    # 300 samples: the empirical variance itself is within about +-16 % (2 SE of a variance).
    assert float(np.mean(panel_var)) == pytest.approx(empirical, rel=0.2)
    assert float(np.mean(independent_var)) > 3 * empirical


def test_panel_needs_clusters_and_a_known_psu_column() -> None:
    first, second = _two_years()
    flat = Design.from_frame(first, weights="w", strata="stratum")
    with pytest.raises(DesignError, match="needs the first year's design to have clusters"):
        change(flat, _design(second), "mean", "y", panel="psu")
    with pytest.raises(DesignError, match="unknown PSU column 'nope'"):
        change(_design(first), _design(second), "mean", "y", panel="nope")


def test_cli_change(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first, second = _two_years()
    one, two = tmp_path / "y1.csv", tmp_path / "y2.csv"
    first.to_csv(one, index=False)
    second.to_csv(two, index=False)
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "change", "--before", str(one), "--after", str(two), "--weight", "w",
         "--strata", "stratum", "--cluster", "psu", "--mean", "y", "--panel"],
        capture_output=True, text=True, check=True,
    )
    row = json.loads(out.stdout)
    assert row["se"] ** 2 == pytest.approx(_brute_panel_variance(first, second, 1.0), rel=1e-10)
    assert row["shared_psus"] == 16


def test_fixtures_for_the_r_script_are_these_years() -> None:
    first, second = _two_years()
    pd.testing.assert_frame_equal(pd.read_csv(GOLDEN / "change_y1.csv"), first)
    pd.testing.assert_frame_equal(pd.read_csv(GOLDEN / "change_y2.csv"), second)


def test_cli_change_panel_without_cluster_is_a_clear_error() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "change", "--before", str(GOLDEN / "change_y1.csv"), "--after",
         str(GOLDEN / "change_y2.csv"), "--mean", "y", "--panel"],
        capture_output=True, text=True,
    )
    assert out.returncode == 2
    assert out.stderr.strip() == "error: --panel needs --cluster: the PSU codes the years share"
