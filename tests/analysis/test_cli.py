"""The command-line contract other tools script against: option names, JSON shape,
exit status 2 with one line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.cli import ROW_FIELDS, main
from tests.analysis.golden_cases import GOLDEN, golden

APISTRAT = str(GOLDEN / "apistrat.csv")
SYNTHETIC = str(GOLDEN / "synthetic.csv")
SYN_MARGINS = str(GOLDEN / "synthetic_margins.csv")
SYN_DESIGN = ["--data", SYNTHETIC, "--weight", "w0", "--strata", "stratum", "--cluster", "psu"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def case(case_id: str) -> dict:
    return next(c for c in golden()["cases"] if c["id"] == case_id)


def test_estimate_json_shape_and_r_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        ["estimate", *SYN_DESIGN, "--proportion", "q=yes", "--by", "region", "--rake-margins", SYN_MARGINS],
        capsys,
    )
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert list(document) == ["rows"]
    rows = document["rows"]
    assert all(tuple(row) == ROW_FIELDS for row in rows)
    expected = case("syn_rk_prop_yes_by_region")["rows"]
    assert [r["by"] for r in rows] == [e["by"] for e in expected] == sorted(r["by"] for r in rows)
    for row, exp in zip(rows, expected, strict=True):
        assert row["estimate"] == pytest.approx(exp["estimate"], rel=1e-8)
        for field in ("se", "ci_low", "ci_high", "deff"):
            assert row[field] == pytest.approx(exp[field], rel=1e-6)
        assert (row["df"], row["n"]) == (exp["df"], exp["n"])
        assert row["n_eff"] == pytest.approx(row["n"] / row["deff"])


def test_estimate_overall_mean_with_where_has_null_by(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        ["estimate", "--data", APISTRAT, "--weight", "pw", "--strata", "stype", "--fpc", "fpc",
         "--mean", "api00", "--where", "comp_imp == 'Yes'"],
        capsys,
    )
    (row,) = json.loads(out)["rows"]
    expected = case("strat_mean_api00_subset_compimp")["rows"][0]
    assert status == 0
    assert row["by"] is None
    assert row["se"] == pytest.approx(expected["se"], rel=1e-6)
    assert row["ci_high"] == pytest.approx(expected["ci_high"], rel=1e-6)


@pytest.mark.parametrize("method", ["logit", "beta", "wilson", "wald"])
def test_every_ci_method_runs(method: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        ["estimate", *SYN_DESIGN, "--proportion", "q=yes,dk", "--ci", method, "--level", "0.9"], capsys
    )
    (row,) = json.loads(out)["rows"]
    assert status == 0
    assert row["ci_low"] < row["estimate"] < row["ci_high"]


def test_numeric_domains_sort_as_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = pd.read_csv(SYNTHETIC)
    data["zone"] = data["psu"] % 11 + 1  # 1..11: text order would put 10 and 11 before 2
    path = tmp_path / "zones.csv"
    data.to_csv(path, index=False)
    status, out, _ = run(["estimate", "--data", str(path), "--weight", "w0", "--mean", "hh", "--by", "zone"],
                         capsys)
    assert status == 0
    assert [r["by"] for r in json.loads(out)["rows"]] == [str(z) for z in range(1, 12)]


def test_table_format(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["estimate", *SYN_DESIGN, "--mean", "income", "--by", "urban", "--format", "table"],
                         capsys)
    lines = out.splitlines()
    assert status == 0
    assert lines[0].split() == list(ROW_FIELDS)
    assert [line.split()[0] for line in lines[1:]] == ["rural", "urban"]


def test_rake_writes_weights_matching_r(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "raked.csv"
    status, out, err = run(
        ["rake", "--data", SYNTHETIC, "--weight", "w0", "--margins", SYN_MARGINS, "--out", str(out_path),
         "--weight-name", "final", "--max-iter", "50", "--tol", "1e-11"],
        capsys,
    )
    assert (status, err) == (0, "")
    summary = json.loads(out)
    assert summary["weight_column"] == "final"
    assert summary["max_margin_error"] <= 1e-11
    written = pd.read_csv(out_path, keep_default_na=False)
    original = pd.read_csv(SYNTHETIC, keep_default_na=False)
    assert list(written.columns) == [*original.columns, "final"]
    assert written["income"].astype(str).tolist() == original["income"].astype(str).tolist()
    np.testing.assert_allclose(written["final"], golden()["weights"]["syn_rake"]["values"], rtol=1e-8)


def test_rake_with_trim_keeps_bounds_and_margins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_path = tmp_path / "trimmed.csv"
    status, _, err = run(
        ["rake", "--data", SYNTHETIC, "--weight", "w0", "--margins", SYN_MARGINS, "--out", str(out_path),
         "--trim", "400,3000"],
        capsys,
    )
    assert (status, err) == (0, "")
    written = pd.read_csv(out_path)
    assert written["w0_raked"].between(400 * (1 - 1e-9), 3000 * (1 + 1e-9)).all()
    assert written.groupby("region")["w0_raked"].sum()["R1"] == pytest.approx(275000, rel=1e-9)


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, str]:
    data = pd.read_csv(APISTRAT, keep_default_na=False)
    text_weight = data.astype({"pw": object})
    text_weight.loc[3, "pw"] = "abc"
    negative = data.copy()
    negative.loc[5, "pw"] = -1.0
    files = {
        "text_weight": text_weight,
        "negative_weight": negative,
    }
    paths = {}
    for name, frame in files.items():
        paths[name] = str(tmp_path / f"{name}.csv")
        frame.to_csv(paths[name], index=False)
    margins = {
        "unequal": "variable,category,total\nstype,E,4421\nstype,H,755\nstype,M,1018\nsch_wide,No,1\n"
                   "sch_wide,Yes,5122\n",
        "missing_sample": "variable,category,total\nstype,E,4421\nstype,H,755\nstype,M,1018\nstype,X,5\n",
        "missing_margin": "variable,category,total\nstype,E,4421\nstype,H,755\n",
        "unknown_var": "variable,category,total\ncounty,A,1\n",
        "bad_total": "variable,category,total\nstype,E,many\n",
        "bad_header": "var,cat,n\nstype,E,1\n",
    }
    for name, text in margins.items():
        paths[name] = str(tmp_path / f"{name}.csv")
        Path(paths[name]).write_text(text, encoding="utf-8")
    paths["empty"] = str(tmp_path / "empty.csv")
    Path(paths["empty"]).write_text("", encoding="utf-8")
    return paths


STRAT = ["--data", APISTRAT, "--weight", "pw", "--strata", "stype"]
BAD_INPUTS = [
    (["estimate", *STRAT, "--mean", "nope"], "unknown column 'nope' (--mean)"),
    (["estimate", *STRAT, "--mean", "api00", "--by", "county"], "unknown column 'county' (--by)"),
    (["estimate", "--data", "{text_weight}", "--weight", "pw", "--mean", "api00"],
     "column 'pw' is not numeric (row 4: 'abc')"),
    (["estimate", "--data", "{negative_weight}", "--weight", "pw", "--mean", "api00"],
     "weights 'pw' must not be negative (row 6"),
    (["estimate", *STRAT, "--mean", "api00", "--where", "api00 > 5000"], "the domain is empty"),
    (["estimate", *STRAT, "--mean", "api00", "--where", "nonsense >"], "invalid subpopulation expression"),
    (["estimate", *STRAT, "--mean", "stype"], "column 'stype' is not numeric"),
    (["estimate", *STRAT, "--proportion", "sch_wide"], "--proportion must look like COL=V1[,V2...]"),
    (["estimate", *STRAT, "--mean", "api00", "--level", "95"], "must be between 0 and 1"),
    (["estimate", *STRAT, "--mean", "api00", "--ci", "exact"], "invalid choice: 'exact'"),
    (["estimate", *STRAT], "one of the arguments --mean --proportion is required"),
    (["estimate", *STRAT, "--mean", "api00", "--rake-margins", "{unequal}"],
     "margins disagree on the population total"),
    (["estimate", *STRAT, "--mean", "api00", "--rake-margins", "{missing_sample}"],
     "margin category stype=X has no sample cases"),
    (["estimate", *STRAT, "--mean", "api00", "--rake-margins", "{missing_margin}"],
     "sample category stype=M is missing from the margins"),
    (["estimate", *STRAT, "--mean", "api00", "--rake-margins", "{unknown_var}"],
     "unknown margin variable 'county'"),
    (["estimate", *STRAT, "--mean", "api00", "--rake-margins", "{bad_total}"], "is not a number"),
    (["estimate", *STRAT, "--mean", "api00", "--rake-margins", "{bad_header}"], "lacks column(s)"),
    (["estimate", *STRAT, "--mean", "api00", "--rake-margins", "/nonexistent/m.csv"],
     "margins file not found"),
    (["estimate", "--data", "/nonexistent/in.csv", "--mean", "api00"], "data file not found"),
    (["estimate", "--data", "{empty}", "--mean", "api00"], "is empty"),
    (["estimate", "--data", APISTRAT, "--cluster", "snum", "--strata", "stype", "--mean", "api00",
      "--where", "snum == 5"], "the domain is empty"),
    (["estimate", "--data", SYNTHETIC, "--strata", "stratum", "--cluster", "region", "--mean", "income"],
     "have a single PSU"),
    (["estimate", "--data", APISTRAT, "--mean", "api00", "--fpc", "snum"], "fpc is not constant"),
    (["rake", "--data", APISTRAT, "--weight", "pw", "--margins", "{missing_margin}", "--out", "x.csv"],
     "sample category stype=M is missing"),
    (["rake", "--data", SYNTHETIC, "--weight", "w0", "--margins", SYN_MARGINS, "--out", "x.csv",
      "--max-iter", "1", "--tol", "1e-15"], "raking did not converge in 1 iterations"),
    (["rake", "--data", APISTRAT, "--weight", "pw", "--margins", SYN_MARGINS, "--out", "x.csv"],
     "unknown margin variable 'region'"),
    (["rake", "--data", APISTRAT, "--weight", "pw", "--margins", SYN_MARGINS, "--out", "x.csv",
      "--trim", "5"], "expected LOW,HIGH"),
    (["rake", "--data", APISTRAT, "--weight", "pw", "--margins", SYN_MARGINS, "--out", "x.csv",
      "--max-iter", "0"], "must be at least 1"),
    (["rake", "--data", APISTRAT, "--weight", "pw", "--out", "x.csv"], "the following arguments are required"),
    (["summarise"], "invalid choice: 'summarise'"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_INPUTS, ids=[m for _, m in BAD_INPUTS])
def test_bad_input_exits_2_with_one_line(
    argv: list[str], message: str, bad_files: dict[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run([a.format(**bad_files) for a in argv], capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert message in err


def test_process_exit_status_and_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "estimate", "--data", APISTRAT, "--weight", "pw", "--mean", "nope"],
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == f"error: unknown column 'nope' (--mean) in {APISTRAT}\n"
    assert "Traceback" not in result.stderr


def test_import_does_not_pull_in_flask() -> None:
    code = "import sys, analysis, analysis.cli; print('flask' in sys.modules, 'surveyapp' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.split() == ["False", "False"]


def test_overall_with_by_gives_both_from_one_read(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["estimate", *SYN_DESIGN, "--proportion", "q=yes", "--rake-margins", SYN_MARGINS]
    status, out, err = run([*base, "--by", "region", "--overall"], capsys)
    assert (status, err) == (0, "")
    rows = json.loads(out)["rows"]
    _, alone, _ = run(base, capsys)
    _, by_region, _ = run([*base, "--by", "region"], capsys)
    # The same numbers as the two separate commands: the all-rows estimate first, with by null.
    assert rows == json.loads(alone)["rows"] + json.loads(by_region)["rows"]
    assert rows[0]["by"] is None
    assert rows[0]["estimate"] == pytest.approx(case("syn_rk_prop_yes_logit")["rows"][0]["estimate"], rel=1e-8)


def test_overall_needs_by(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["estimate", *SYN_DESIGN, "--proportion", "q=yes", "--overall"], capsys)
    assert (status, out) == (2, "")
    assert err == "error: --overall adds the all-rows estimate to a --by estimate; use it with --by COL\n"
