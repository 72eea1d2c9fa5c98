"""Raking margins from rounded tables: their totals may disagree slightly (accepted up to 1e-6); raking then
converges on the change in the weights, as R's rake(), and meets every margin up to that disagreement."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.cli import main
from analysis.errors import ConvergenceError
from tests.analysis.golden_cases import GOLDEN

SYNTHETIC = str(GOLDEN / "synthetic.csv")


@pytest.fixture
def rounded_margins(tmp_path: Path) -> Path:
    """The synthetic margins scaled and rounded to 0.1: the three totals now differ by up to 6.5e-7."""
    margins = pd.read_csv(GOLDEN / "synthetic_margins.csv")
    margins["total"] = (margins["total"] * 0.123457).round(1)
    sums = margins.groupby("variable")["total"].sum()
    assert 1e-7 < (sums.max() - sums.min()) / sums.min() < 1e-6
    path = tmp_path / "rounded.csv"
    margins.to_csv(path, index=False)
    return path


def test_rake_converges_on_rounded_margins(rounded_margins: Path) -> None:
    data = pd.read_csv(SYNTHETIC)
    margins = analysis.read_margins(rounded_margins)
    raked = analysis.rake(data, "w0", margins)
    assert 1e-7 < raked.totals_disagreement < 1e-6
    assert raked.max_error <= raked.totals_disagreement + 1e-10
    assert raked.weights.sum() == pytest.approx(sum(margins["agegrp"].values()), rel=1e-12)
    for variable, totals in margins.items():
        sums = pd.Series(raked.weights).groupby(data[variable]).sum()
        for category, total in totals.items():
            assert sums[category] == pytest.approx(total, rel=1e-6)


def test_rake_cannot_meet_impossible_margins() -> None:
    # Every row with a = x has b = u, so b = u cannot be smaller than a = x.
    data = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "u", "u", "v"], "w": [1.0, 1.0, 1.0, 1.0]})
    margins = {"a": {"x": 50.0, "y": 50.0}, "b": {"u": 10.0, "v": 90.0}}
    with pytest.raises(ConvergenceError, match="raking did not converge in 200 iterations"):
        analysis.rake(data, "w", margins, max_iter=200)
    with pytest.raises(ConvergenceError, match="the margins cannot all be met"):
        analysis.rake(data, "w", margins, max_iter=100_000, tol=1e-6)


def test_cli_rake_and_estimate_accept_rounded_margins(rounded_margins: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "raked.csv"
    status = main(["rake", "--data", SYNTHETIC, "--weight", "w0", "--margins", str(rounded_margins),
                   "--out", str(out_path)])
    captured = capsys.readouterr()
    assert (status, captured.err) == (0, "")
    summary = json.loads(captured.out)
    assert 1e-7 < summary["margin_totals_disagreement"] < 1e-6
    assert summary["max_margin_error"] <= summary["margin_totals_disagreement"] + 1e-10

    status = main(["estimate", "--data", SYNTHETIC, "--weight", "w0", "--strata", "stratum", "--cluster", "psu",
                   "--proportion", "q=yes", "--rake-margins", str(rounded_margins)])
    captured = capsys.readouterr()
    assert (status, captured.err) == (0, "")
    (row,) = json.loads(captured.out)["rows"]
    assert 0.5 < row["estimate"] < 0.65


def test_estimate_takes_tol_and_max_iter(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["estimate", "--data", SYNTHETIC, "--weight", "w0", "--strata", "stratum", "--cluster", "psu",
            "--proportion", "q=yes", "--rake-margins", str(GOLDEN / "synthetic_margins.csv")]
    assert main([*argv, "--max-iter", "1", "--tol", "1e-15"]) == 2
    assert "raking did not converge in 1 iterations" in capsys.readouterr().err
    assert main([*argv, "--max-iter", "50", "--tol", "1e-6"]) == 0
    loose = json.loads(capsys.readouterr().out)["rows"][0]["estimate"]
    assert main(argv) == 0
    strict = json.loads(capsys.readouterr().out)["rows"][0]["estimate"]
    np.testing.assert_allclose(loose, strict, rtol=1e-5)
