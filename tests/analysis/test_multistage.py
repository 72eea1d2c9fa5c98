"""Two-stage variance (``ids = ~psu + ssu`` with an FPC per stage, R's ``multistage``).

R's svymean/svyby on the same two_stage.csv are compared in tests/analysis/test_golden_stats.py (from
golden/make_golden_stats.R, to 1e-9). Here each test recomputes the
variance with explicit loops over strata, PSUs and SSUs from the formula of R's ``survey:::multistage``
(first-stage ``onestrat`` plus, for every PSU, the second stage's ``onestrat`` times the first stage's
sampling fraction ``n_h / N_h``). svy (``Design(ssu=..., pop_size=PopSize(psu=, ssu=))``), an
independent implementation, gives the same standard error: checked here too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import Design
from analysis.errors import DesignError, LonelyPSUError


def _two_stage_sample(seed: int = 7) -> pd.DataFrame:
    """Stratum A: 3 PSUs of 3 (self-representing); stratum B: 4 PSUs of 12. 2-4 SSUs per PSU of 9, 3 rows each."""
    rng = np.random.default_rng(seed)
    rows = []
    for stratum, n_psu, big_n in (("A", 3, 3), ("B", 4, 12)):
        for p in range(n_psu):
            m = int(rng.integers(2, 5))
            for s in range(m):
                level = rng.normal(0, 3)
                for _ in range(3):
                    rows.append({"stratum": stratum, "psu": f"{stratum}{p}", "ssu": f"s{s}", "N": big_n,
                                 "M": 9, "y": 50 + level + rng.normal(0, 2), "sex": rng.choice(["F", "M"]),
                                 "w": float(rng.uniform(5, 15))})
    return pd.DataFrame(rows)


def _brute_force_mean_variance(data: pd.DataFrame, domain: np.ndarray | None = None) -> float:
    """Variance of the weighted mean by explicit loops: u = (y - ybar) / W in the domain, 0 outside."""
    inside = np.ones(len(data), bool) if domain is None else domain
    w, y = data["w"].to_numpy(), data["y"].to_numpy()
    big_w = w[inside].sum()
    ybar = (w * y)[inside].sum() / big_w
    wu = np.where(inside, w * (y - ybar) / big_w, 0.0)
    psu_total: dict[tuple[str, str], float] = defaultdict(float)
    ssu_total: dict[tuple[str, str, str], float] = defaultdict(float)
    for k, row in enumerate(data.itertuples()):
        psu_total[(row.stratum, row.psu)] += wu[k]
        ssu_total[(row.stratum, row.psu, row.ssu)] += wu[k]
    variance = 0.0
    for stratum in sorted(set(data["stratum"])):
        part = data[data["stratum"] == stratum]
        big_n = float(part["N"].iloc[0])
        psus = sorted(set(part["psu"]))
        n = len(psus)
        z = [psu_total[(stratum, p)] for p in psus]
        zbar = sum(z) / n
        variance += (1 - n / big_n) * n / (n - 1) * sum((zi - zbar) ** 2 for zi in z)
        for p in psus:
            rows = part[part["psu"] == p]
            ssus = sorted(set(rows["ssu"]))
            m, big_m = len(ssus), float(rows["M"].iloc[0])
            t = [ssu_total[(stratum, p, s)] for s in ssus]
            tbar = sum(t) / m
            within = (1 - m / big_m) * m / (m - 1) * sum((ti - tbar) ** 2 for ti in t)
            variance += (n / big_n) * within
    return variance


def _design(data: pd.DataFrame) -> Design:
    return Design.from_frame(data, weights="w", strata="stratum", cluster="psu", fpc="N", ssu="ssu", fpc2="M")


def test_second_stage_matches_the_explicit_multistage_formula() -> None:
    data = _two_stage_sample()
    ours = analysis.mean(_design(data), "y")
    assert ours.se ** 2 == pytest.approx(_brute_force_mean_variance(data), rel=1e-12)
    first_only = analysis.mean(Design.from_frame(data, weights="w", strata="stratum", cluster="psu", fpc="N"), "y")
    assert ours.se > first_only.se  # the self-representing stratum now contributes
    assert ours.df == first_only.df == 7 - 2  # degrees of freedom stay first-stage, as R's degf()


def test_certainty_psus_get_their_variance_from_the_second_stage() -> None:
    data = _two_stage_sample()
    only_a = data[data["stratum"] == "A"].reset_index(drop=True)
    one_stage = Design.from_frame(only_a, weights="w", strata="stratum", cluster="psu", fpc="N")
    assert analysis.mean(one_stage, "y").se == 0.0  # f_h = 1: the first stage says nothing
    ours = analysis.mean(_design(only_a), "y")
    assert ours.se > 0
    assert ours.se ** 2 == pytest.approx(_brute_force_mean_variance(only_a), rel=1e-12)


def test_second_stage_in_domains() -> None:
    data = _two_stage_sample()
    rows = analysis.mean(_design(data), "y", by="sex")
    for row in rows:
        expected = _brute_force_mean_variance(data, (data["sex"] == row.by).to_numpy())
        assert row.se ** 2 == pytest.approx(expected, rel=1e-12)


def test_second_stage_needs_both_fpcs_and_rejects_lonely_ssus() -> None:
    data = _two_stage_sample()
    with pytest.raises(DesignError, match="second stage needs"):
        Design.from_frame(data, weights="w", strata="stratum", cluster="psu", ssu="ssu", fpc2="M")
    with pytest.raises(DesignError, match="fpc2 is not constant"):
        Design.from_frame(data.assign(M=np.arange(len(data)) + 10), weights="w", strata="stratum",
                          cluster="psu", fpc="N", ssu="ssu", fpc2="M")
    lonely = data[~((data["psu"] == "B0") & (data["ssu"] != "s0"))].reset_index(drop=True)
    with pytest.raises(LonelyPSUError, match="single sampled SSU"):
        _design(lonely)
    relaxed = Design.from_frame(lonely, weights="w", strata="stratum", cluster="psu", fpc="N", ssu="ssu",
                                fpc2="M", lonely_psu="certainty")
    assert analysis.mean(relaxed, "y").se > 0


def test_cli_second_stage(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = _two_stage_sample()
    path = tmp_path / "two_stage.csv"
    data.to_csv(path, index=False)
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "estimate", "--data", str(path), "--weight", "w", "--strata",
         "stratum", "--cluster", "psu", "--fpc", "N", "--ssu", "ssu", "--fpc2", "M", "--mean", "y"],
        capture_output=True, text=True, check=True,
    )
    row = json.loads(out.stdout)["rows"][0]
    assert row["se"] ** 2 == pytest.approx(_brute_force_mean_variance(data), rel=1e-10)


def test_second_stage_agrees_with_svy() -> None:
    svy = pytest.importorskip("svy")
    pytest.importorskip("polars")
    from tests.analysis.golden_cases import GOLDEN

    path = str(GOLDEN / "two_stage.csv")
    sample = svy.Sample(svy.read_csv(path), svy.Design(stratum="stratum", psu="psu", ssu="ssu", wgt="w",
                                                       pop_size=svy.PopSize(psu="N", ssu="M")))
    theirs = sample.estimation.mean("y").to_polars().row(0, named=True)
    ours = analysis.mean(_design(pd.read_csv(path)), "y")
    assert (ours.estimate, ours.se) == pytest.approx((theirs["est"], theirs["se"]), rel=1e-10)


def test_second_stage_after_post_stratification_uses_the_residuals() -> None:
    """Post-stratified by sex: each row's influence value is replaced by its residual from the base-weighted
    mean of u in its sex cell (times the final weight) in both stages; brute force with those residuals."""
    data = _two_stage_sample()
    totals = {"F": 900.0, "M": 1100.0}
    design = _design(data).poststratify("sex", totals)
    ours = analysis.mean(design, "y")
    w0 = data["w"].to_numpy()
    w = design.weights
    y = data["y"].to_numpy()
    ybar = (w * y).sum() / w.sum()
    u = (y - ybar) / w.sum()
    cell = data["sex"].to_numpy()
    fitted = {g: (w0 * u)[cell == g].sum() / w0[cell == g].sum() for g in totals}
    residual = u - np.array([fitted[g] for g in cell])
    # Feed the brute force rows whose weighted influence w*(y - ybar)/W equals w * residual.
    fake = data.assign(w=w, y=residual * w.sum() + ybar)
    assert ours.se ** 2 == pytest.approx(_brute_force_mean_variance(fake), rel=1e-9)
