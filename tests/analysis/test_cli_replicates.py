"""CLI contract of the replicate options and the quantile and crosstab commands (analysis/cli_replicates.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import Design
from analysis.cli import main
from analysis.replicate_variance import replicate_weights
from tests.analysis.golden_cases import GOLDEN

APICLUS1 = str(GOLDEN / "apiclus1.csv")
CLUS1 = ["--data", APICLUS1, "--weight", "pw", "--cluster", "dnum", "--fpc", "fpc"]
SYNTHETIC = str(GOLDEN / "synthetic.csv")
SYN_DESIGN = ["--data", SYNTHETIC, "--weight", "w0", "--strata", "stratum", "--cluster", "psu"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_estimate_with_jk1_replicates(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["estimate", *CLUS1, "--mean", "api00", "--replicates", "jk1"], capsys)
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert document["rows"][0]["se"] == pytest.approx(26.329, abs=5e-4)  # R: svymean(~api00, rclus1)
    assert document["variance"] == {"method": "jk1", "replicates": 15, "scale": pytest.approx(0.914839, rel=1e-5),
                                    "mse": False, "df": 14}


def test_bootstrap_is_reproducible_with_its_seed(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["estimate", *SYN_DESIGN, "--proportion", "q=yes", "--by", "region", "--replicates", "bootstrap",
            "--replicates-n", "40", "--seed", "7"]
    first = json.loads(run(argv, capsys)[1])
    second = json.loads(run(argv, capsys)[1])
    assert first == second and first["variance"]["replicates"] == 40
    third = json.loads(run([*argv[:-1], "8"], capsys)[1])
    assert third["rows"][0]["se"] != first["rows"][0]["se"]


def test_replicate_weights_read_from_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = pd.read_csv(SYNTHETIC)
    design = Design.from_frame(data, weights="w0", strata="stratum", cluster="psu").with_replicates("jkn")
    matrix = replicate_weights(design)
    path = tmp_path / "with_reps.csv"
    data.assign(**{f"rep_{i + 1}": matrix[:, i] for i in range(matrix.shape[1])}).to_csv(path, index=False)
    assert design.replicates is not None
    rscales = ",".join(repr(float(r)) for r in design.replicates.rscales)
    status, out, err = run(["estimate", "--data", str(path), "--weight", "w0", "--mean", "income",
                            "--replicate-weights", "rep_", "--replicate-type", "jkn",
                            "--replicate-rscales", rscales], capsys)
    assert (status, err) == (0, "")
    assert json.loads(out)["rows"][0]["se"] == pytest.approx(analysis.mean(design, "income").se, rel=1e-10)


def test_quantile_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["quantile", *CLUS1, "--variable", "api00", "--p", "0.25,0.5"], capsys)
    assert (status, err) == (0, "")
    rows = json.loads(out)["rows"]
    assert [r["p"] for r in rows] == [0.25, 0.5]
    assert set(rows[0]) == {"by", "p", "estimate", "ci_low", "ci_high", "se", "df", "n"}
    assert rows[1]["estimate"] == 652.0
    status, out, _ = run(["quantile", *CLUS1, "--variable", "api00", "--by", "stype", "--replicates", "jk1"], capsys)
    document = json.loads(out)
    assert [r["by"] for r in document["rows"]] == ["E", "H", "M"] and document["variance"]["method"] == "jk1"


def test_crosstab_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["crosstab", *CLUS1, "--row", "sch_wide", "--column", "stype"], capsys)
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert document["rows"] == ["No", "Yes"] and document["columns"] == ["E", "H", "M"]
    assert document["test"]["f"] == pytest.approx(5.1934, abs=5e-5)  # R: svychisq(~sch.wide+stype, dclus1)
    assert len(document["cells"]) == 6 and document["df"] == 14
    assert np.isclose(sum(c["proportion"] for c in document["cells"]), 1.0)


@pytest.mark.parametrize(("argv", "message"), [
    (["estimate", *CLUS1, "--mean", "api00", "--replicates", "jkn"], "jkn needs strata"),
    (["estimate", *CLUS1, "--mean", "api00", "--replicates", "jk1", "--seed", "3"],
     "only apply to --replicates bootstrap"),
    (["estimate", *CLUS1, "--mean", "api00", "--replicates", "brr", "--replicate-weights", "pw"], "not both"),
    (["estimate", *CLUS1, "--mean", "api00", "--replicate-weights", "nothing"], "needs --replicate-type"),
    (["estimate", *CLUS1, "--mean", "api00", "--replicate-weights", "nothing", "--replicate-type", "jk1"],
     "matches 0 column"),
    (["estimate", *CLUS1, "--mean", "api00", "--replicate-scale", "2"], "need --replicate-weights"),
    (["estimate", *CLUS1, "--mean", "api00", "--mse"], "--mse needs"),
    (["estimate", *CLUS1, "--mean", "api00", "--replicates", "bootstrap", "--replicates-n", "0"], "at least 1"),
    (["estimate", *CLUS1, "--mean", "api00", "--replicates", "bogus"], "invalid choice"),
    (["quantile", *CLUS1, "--variable", "api00", "--p", "0.5,x"], "probabilities"),
    (["quantile", *CLUS1, "--variable", "nope"], "unknown column 'nope'"),
    (["crosstab", *CLUS1, "--row", "stype", "--column", "stype"], "two different columns"),
    (["crosstab", *CLUS1, "--row", "stype", "--column", "nope"], "unknown column 'nope' (--column)"),
])
def test_bad_input_exits_2_with_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(argv, capsys)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err
