"""The ``python -m analysis targets`` contract: JSON shape, values as printed, table, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_contract_shape(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["targets", "--format", "json"], capsys)
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert list(document) == ["indicators"]
    records = document["indicators"]
    assert len(records) == 28  # 18 of programme A (A16 split into A16, A16b) + 10 of programme B
    for record in records:
        assert list(record) == ["programme", "code", "name", "unit", "source", "targets"]
        assert list(record["name"]) == ["kk", "ru", "en"] and all(record["name"].values())
        assert record["source"] in ("survey", "administrative")
        assert record["targets"]
        for year, target in record["targets"].items():
            assert year.isdigit() and len(year) == 4
            assert list(target) == ["value", "kind", "base_year"]
            assert isinstance(target["value"], float)
            assert target["base_year"] is None or isinstance(target["base_year"], int)


def test_values_are_as_printed(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["targets", "--programme", "public_safety_2024_2028"], capsys)
    records = {r["code"]: r for r in json.loads(out)["indicators"]}
    assert {r["programme"] for r in records.values()} == {"public_safety_2024_2028"}
    assert records["A5"]["targets"]["2024"] == {"value": 59.0, "kind": "level", "base_year": None}
    assert records["A1"]["targets"]["2024"] == {"value": -3.0, "kind": "change_vs_base", "base_year": 2022}
    assert records["A12"]["targets"]["2026"] == {"value": 77.0, "kind": "at_least", "base_year": None}
    assert records["A14"]["targets"] == {"2028": {"value": 83.0, "kind": "above", "base_year": None}}
    assert records["A5"]["source"] == "survey"
    assert records["A15"]["source"] == "administrative"  # external rating, mapped (see targets_cli docstring)
    assert records["A7"]["unit"] == "per_100k"
    assert records["A5"]["name"]["kk"].startswith("Өз ауданында")  # Kazakh letters survive


def test_child_protection_programme(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["targets", "--programme", "child_protection_2023_2025", "--format", "json"], capsys)
    records = {r["code"]: r for r in json.loads(out)["indicators"]}
    assert list(records) == [f"B{i}" for i in range(1, 11)]
    assert records["B5"]["targets"] == {"2025": {"value": 1000.0, "kind": "absolute_change_vs_base",
                                                 "base_year": None}}
    assert records["B8"]["targets"]["2025"]["value"] == 96.0


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["targets", "--programme", "public_safety_2024_2028", "--format", "table"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("public_safety_2024_2028: ")
    assert lines[1].split()[:8] == ["code", "unit", "source", "2024", "2025", "2026", "2027", "2028"]
    a12 = next(line for line in lines if line.startswith("A12 "))
    assert a12.split()[3:8] == ["65", "65", ">=77", ">=77", ">=77"]
    a1 = next(line for line in lines if line.startswith("A1 "))
    assert "-3% vs 2022" in a1


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["targets", "--programme", "nope"], "error: unknown programme 'nope'"),
     (["targets", "--format", "xml"], "error: argument --format: invalid choice: 'xml'")],
)
def test_bad_input_exits_2_with_one_line(argv: list[str], message: str, capsys) -> None:
    status, out, err = run(argv, capsys)
    assert status == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_module_entry_point_without_flask() -> None:
    code = (
        "import sys; import analysis.programme, analysis.status, analysis.targets_cli, analysis.definition;"
        "assert 'flask' not in sys.modules and 'surveyapp' not in sys.modules, 'flask or surveyapp imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    result = subprocess.run([sys.executable, "-m", "analysis", "targets", "--programme",
                             "child_protection_2023_2025"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout)["indicators"][0]["code"] == "B1"
