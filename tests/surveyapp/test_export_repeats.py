"""A roster in the exports: the responses' table carries the number of members, and each repeat has its own
long table (response_id, instance, items) in every format, with its columns in the codebook."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from flask import Flask
from openpyxl import load_workbook

from surveyapp.extensions import db
from surveyapp.models import ResponseStatus, SurveyResponse
from surveyapp.services.exports import ExportRequest, export_responses, repeat_path
from surveyapp.services.exports.table import pseudonym
from surveyapp.services.versions import published
from tests.surveyapp.respond_helpers import QUESTIONNAIRES, publish_file

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "repeats" / "household.yaml"
SECRET = "export-secret"
HOUSEHOLDS: list[dict[str, Any]] = [
    {
        "household_size": 2,
        "members": [
            {"member_age": 40, "member_victim": "yes", "member_number": 1},
            {"member_age": 9, "member_number": 2},
        ],
    },
    {"household_size": 1, "members": [{"member_age": 70, "member_victim": "no", "member_number": 1}]},
]


def publish_household(app: Flask, tmp_path: Path) -> None:
    root = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES / "_lists", root / "_lists")
    (root / "household").mkdir()
    path = root / "household" / "2025.yaml"
    shutil.copy(FIXTURE, path)
    publish_file(app, path)


def add_responses(
    app: Flask, households: list[dict[str, Any]], designs: list[dict[str, Any]] | None = None
) -> list[int]:
    with app.app_context():
        version = published("household", "2025")
        when = datetime(2025, 6, 1, tzinfo=UTC)
        rows = []
        for index, answers in enumerate(households):
            response = SurveyResponse(
                version_id=version.id,
                version_sha256=version.sha256,
                language="ru",
                status=ResponseStatus.SUBMITTED.value,
                answers=answers,
                page_languages={},
                design=(designs or [{}] * len(households))[index],
                paradata={},
                quality_flags=[],
                started_at=when,
                submitted_at=when,
                access_token_hash=f"hash-{index}-{id(answers)}",
                current_section="members",
            )
            db.session.add(response)
            rows.append(response)
        db.session.commit()
        return [row.id for row in rows]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "sav", "dta"])
def test_each_repeat_gets_a_long_table(app: Flask, tmp_path: Path, fmt: str) -> None:
    publish_household(app, tmp_path)
    ids = add_responses(app, HOUSEHOLDS)
    out = tmp_path / f"households.{fmt}"
    with app.app_context():
        result = export_responses(ExportRequest("household", 2025, fmt, "ru"), out, SECRET)
    if fmt == "csv":
        main = pd.read_csv(out, encoding="utf-8-sig")
        long = pd.read_csv(repeat_path(out, "members"), encoding="utf-8-sig")
        codebook = pd.read_csv(out.with_name(out.name + ".codebook.csv"), encoding="utf-8-sig")
        assert set(codebook[codebook["table"] == "members"]["variable"]) == {
            "response_id", "instance", "member_age", "member_victim", "member_number"
        }  # fmt: skip
        assert "member_age" not in set(codebook[codebook["table"] == "data"]["variable"])
    elif fmt == "xlsx":
        book = load_workbook(out, read_only=True)
        assert book.sheetnames == ["data", "members", "codebook"]
        book.close()
        main = pd.read_excel(out, sheet_name="data")
        long = pd.read_excel(out, sheet_name="members")
    elif fmt == "parquet":
        main = pq.read_table(out).to_pandas()
        long = pq.read_table(repeat_path(out, "members")).to_pandas()
    else:
        reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
        main, _ = reader(str(out))
        long, meta = reader(str(repeat_path(out, "members")))
        assert meta.column_names_to_labels["member_age"] == "Возраст"
    assert result.rows == 2
    assert "member_age" not in main.columns
    assert list(main["members"]) == [2, 1]
    assert list(long.columns[:2]) == ["response_id", "instance"]
    assert list(long["response_id"]) == [pseudonym(ids[0], SECRET)] * 2 + [pseudonym(ids[1], SECRET)]
    assert list(long["instance"]) == [1, 2, 1]
    assert list(long["member_age"]) == [40, 9, 70]
    assert set(long["response_id"]) <= set(main["response_id"])
