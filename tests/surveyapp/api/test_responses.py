"""GET /api/v1/responses: cursor pages of JSON, and NDJSON and CSV streamed whole; researchers and admins only."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.surveyapp.api.helpers import bearer, token_for


@pytest.fixture
def auth(survey: Flask) -> dict[str, str]:
    return bearer(token_for(survey, "aigerim", "researcher"))


def test_json_pages_follow_the_cursor_to_the_end(client: FlaskClient, auth: dict[str, str]) -> None:
    seen, url = [], "/api/v1/responses?instrument=example&limit=2"
    first = client.get(url, headers=auth).json
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"{url}&cursor={first['next_cursor']}", headers=auth).json
    assert second["next_cursor"] is None
    seen = [r["id"] for r in first["items"] + second["items"]]
    assert seen == [1, 2, 3]
    record = first["items"][0]
    assert record["instrument"] == "example" and record["version"] == "2025" and record["language"] == "kk"
    assert record["answers"]["victim_types"] == ["theft", "fraud"]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("status=submitted", [1, 2]),
        ("status=in_progress", [3]),
        ("year=2025", [1, 2]),
        ("year=2024", []),
        ("version=2025", [1, 2, 3]),
        ("flag=speeding", [2]),
        ("updated_since=2000-01-01T00:00:00Z", [1, 2, 3]),
        ("updated_since=2999-01-01", []),
    ],
)
def test_filters(client: FlaskClient, auth: dict[str, str], query: str, ids: list[int]) -> None:
    answer = client.get(f"/api/v1/responses?instrument=example&{query}", headers=auth)
    assert answer.status_code == 200, answer.json
    assert [r["id"] for r in answer.json["items"]] == ids


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("", 400, "Укажите инструмент: ?instrument=КОД."),
        ("instrument=nothing", 404, "Инструмент nothing не опубликован."),
        ("instrument=example&format=xml", 400, "format должен быть одним из: json, ndjson, csv."),
        (
            "instrument=example&status=done",
            400,
            "status должен быть одним из: in_progress, submitted, expired, withdrawn.",
        ),
        ("instrument=example&year=20x5", 400, "year должен быть годом, например 2026."),
        ("instrument=example&limit=0", 400, "limit должен быть целым числом от 1 до 1000."),
        ("instrument=example&cursor=!!", 400, "Этот курсор выдан не этим API; начните заново без него."),
        ("instrument=example&version=1999", 404, "Версия 1999 инструмента example не опубликована."),
    ],
)
def test_bad_queries_are_translated_problems(
    client: FlaskClient, auth: dict[str, str], query: str, status: int, detail: str
) -> None:
    answer = client.get(f"/api/v1/responses?{query}", headers={**auth, "Accept-Language": "ru"})
    assert answer.status_code == status and answer.mimetype == "application/problem+json"
    assert answer.json["detail"] == detail


def test_ndjson_streams_one_record_a_line(client: FlaskClient, auth: dict[str, str]) -> None:
    answer = client.get("/api/v1/responses?instrument=example&format=ndjson&status=submitted", headers=auth)
    assert answer.mimetype == "application/x-ndjson" and answer.is_streamed
    lines = [json.loads(line) for line in answer.get_data(as_text=True).splitlines()]
    assert [r["id"] for r in lines] == [1, 2]
    assert lines[1]["answers"]["victim_other"] == "Қала, «кеш»"


def test_csv_streams_whole_and_reads_in_pandas(client: FlaskClient, auth: dict[str, str]) -> None:
    answer = client.get("/api/v1/responses?instrument=example&format=csv", headers=auth)
    assert answer.mimetype == "text/csv" and answer.is_streamed
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[:3] == ["id", "instrument", "version"] and "design.region" in header and "thanks" not in header
    frame = pd.read_csv(io.StringIO(text), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame["id"]) == ["1", "2", "3"]
    assert list(frame["victim_types"]) == ["theft fraud", "", ""]
    assert frame.loc[1, "victim_other"] == "Қала, «кеш»"
    assert frame.loc[1, "quality_flags"] == "speeding"


@pytest.mark.parametrize("role", ["ministry"])
def test_ministries_never_see_responses(survey: Flask, client: FlaskClient, role: str) -> None:
    headers = bearer(token_for(survey, "dana", role))
    for fmt in ("json", "ndjson", "csv"):
        assert client.get(f"/api/v1/responses?instrument=example&format={fmt}", headers=headers).status_code == 403


def test_admins_read_responses(survey: Flask, client: FlaskClient) -> None:
    headers = bearer(token_for(survey, "root", "admin"))
    assert len(client.get("/api/v1/responses?instrument=example", headers=headers).json["items"]) == 3


def test_times_carry_their_utc_offset_on_every_database(client: FlaskClient, auth: dict[str, str]) -> None:
    record = client.get("/api/v1/responses?instrument=example&status=submitted", headers=auth).json["items"][0]
    assert record["submitted_at"] == "2025-03-01T00:00:00+00:00"
    line = client.get("/api/v1/responses?instrument=example&format=ndjson", headers=auth).get_data(as_text=True)
    assert json.loads(line.splitlines()[0])["submitted_at"] == "2025-03-01T00:00:00+00:00"
