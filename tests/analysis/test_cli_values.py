"""Values given on the command line mean the same thing whatever dtype the CSV reader infers for a column:
numeric codes compare as numbers, text as text, on pandas 2 and 3 and on both CSV engines."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import cli_input
from analysis.cli import main


@pytest.fixture(params=["pyarrow", "pandas"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(cli_input, "ENGINE", request.param)
    return str(request.param)


@pytest.fixture
def coded(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A survey export with numeric answer codes: 1 yes, 2 rather yes, 3 no, 9 don't know."""
    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame({
        "w": np.round(rng.uniform(0.5, 2.0, n), 3),
        "region": rng.choice([1, 2, 10], n),
        "q": rng.choice([1, 2, 3, 9], n, p=[0.3, 0.2, 0.3, 0.2]),
        "score": rng.choice([1.5, 2.0, 2.5], n),
        "mixed": rng.choice(["1", "2", "dk"], n),
    })
    path = tmp_path / "coded.csv"
    frame.to_csv(path, index=False)
    return path, frame


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def weighted_share(frame: pd.DataFrame, hit: pd.Series, base: pd.Series | None = None) -> float:
    base = pd.Series(True, index=frame.index) if base is None else base
    return float(frame.loc[base & hit, "w"].sum() / frame.loc[base, "w"].sum())


def estimate_rows(path: Path, extra: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict]:
    status, out, err = run(["estimate", "--data", str(path), "--weight", "w", *extra], capsys)
    assert (status, err) == (0, "")
    return json.loads(out)["rows"]


def test_proportion_of_numeric_codes(coded, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    path, frame = coded
    (row,) = estimate_rows(path, ["--proportion", "q=1,2"], capsys)
    assert row["estimate"] == pytest.approx(weighted_share(frame, frame["q"].isin([1, 2])), rel=1e-12)
    assert 0 < row["ci_low"] < row["estimate"] < row["ci_high"] < 1


def test_numeric_codes_match_whatever_their_spelling(coded, engine: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path, frame = coded
    (as_float,) = estimate_rows(path, ["--proportion", "q=1.0,02"], capsys)
    (decimal,) = estimate_rows(path, ["--proportion", "score=2"], capsys)
    assert as_float["estimate"] == pytest.approx(weighted_share(frame, frame["q"].isin([1, 2])), rel=1e-12)
    assert decimal["estimate"] == pytest.approx(weighted_share(frame, frame["score"] == 2.0), rel=1e-12)


def test_where_on_numeric_codes_drops_dont_knows(coded, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    path, frame = coded
    (row,) = estimate_rows(path, ["--proportion", "q=1,2", "--where", "q != 9"], capsys)
    known = frame["q"] != 9
    assert row["estimate"] == pytest.approx(weighted_share(frame, frame["q"].isin([1, 2]), known), rel=1e-12)
    assert row["n"] == int(known.sum())


def test_where_and_by_on_the_same_numeric_column(coded, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    path, frame = coded
    rows = estimate_rows(path, ["--proportion", "q=1", "--by", "region", "--where", "region >= 2"], capsys)
    assert [r["by"] for r in rows] == ["2", "10"]
    for row in rows:
        inside = frame["region"] == int(row["by"])
        assert row["estimate"] == pytest.approx(weighted_share(frame, frame["q"] == 1, inside), rel=1e-12)


def test_text_column_compares_as_text(coded, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    path, frame = coded
    (row,) = estimate_rows(path, ["--proportion", "mixed=1", "--where", "mixed != 'dk'"], capsys)
    (both,) = estimate_rows(path, ["--proportion", "mixed=1.0,dk"], capsys)
    base = frame["mixed"] != "dk"
    assert row["estimate"] == pytest.approx(weighted_share(frame, frame["mixed"] == "1", base), rel=1e-12)
    # A text column compares text: "1.0" is not "1".
    assert both["estimate"] == pytest.approx(weighted_share(frame, frame["mixed"] == "dk"), rel=1e-12)


@pytest.mark.parametrize(("values", "message"), [
    ("q=4,5", "none of the values 4, 5 occurs in column 'q'"),
    ("q=yes", "none of the values yes occurs in column 'q'"),
    ("mixed=3", "none of the values 3 occurs in column 'mixed'"),
])
def test_proportion_that_matches_nothing_is_an_error(coded, engine: str, values: str, message: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = coded
    status, out, err = run(["estimate", "--data", str(path), "--weight", "w", "--proportion", values], capsys)
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err


def test_both_engines_read_the_same_frame(coded) -> None:
    path, _ = coded
    frames = [cli_input.read_csv(str(path), text=["q", "region", "mixed"], numeric=["w", "score"], engine=e)
              for e in ("pyarrow", "pandas")]
    for column in ("q", "region", "mixed"):
        assert list(frames[0][column].cat.categories) == list(frames[1][column].cat.categories)
        assert all(isinstance(c, str) for c in frames[0][column].cat.categories)
        np.testing.assert_array_equal(frames[0][column].cat.codes, frames[1][column].cat.codes)
    for column in ("w", "score"):
        assert frames[0][column].dtype == frames[1][column].dtype == np.float64
        np.testing.assert_array_equal(frames[0][column], frames[1][column])


def test_unknown_engine_is_a_clear_error(coded, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = coded
    monkeypatch.setattr(cli_input, "ENGINE", "polars")
    status, out, err = run(["estimate", "--data", str(path), "--weight", "w", "--proportion", "q=1"], capsys)
    assert (status, out) == (2, "")
    assert err == "error: unknown CSV engine 'polars' (ANALYSIS_CSV_ENGINE: one of pyarrow, pandas)\n"
