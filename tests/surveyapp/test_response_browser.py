"""The response browser (/research/responses): filters and counts, one response labelled in kk/ru/en with its
free text escaped, and excluding / re-including a response (web and CLI), audited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, SurveyResponse
from tests.conftest import AuthActions, invoke, make_user
from tests.surveyapp.browse_helpers import SCRIPT, small_survey


@pytest.fixture
def survey(app: Flask, tmp_path: Path) -> Flask:
    return small_survey(app, tmp_path)


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-response="(\d+)"', page)]


@pytest.fixture
def researcher(survey: Flask, client: FlaskClient, auth: AuthActions) -> FlaskClient:
    make_user(survey, "aigerim", "researcher")
    auth.login("aigerim")
    return client


def test_only_researchers_and_admins(survey: Flask, client: FlaskClient, auth: AuthActions) -> None:
    assert client.get("/research/responses").status_code in {302, 401}
    make_user(survey, "minister", "ministry")
    auth.login("minister")
    assert client.get("/research/responses").status_code == 403
    assert client.get("/research/responses/1").status_code == 403
    auth.logout()
    make_user(survey, "root", "admin")
    auth.login("root")
    assert client.get("/research/responses").status_code == 200


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("", [4, 3, 2, 1]),
        ("status=submitted", [4, 2, 1]),
        ("status=in_progress", [3]),
        ("year=2025", [3, 2, 1]),
        ("year=2024", [4]),
        ("flag=speeding", [2]),
        ("flag=any", [2]),
        ("region=abai", [4, 2]),
        ("language=kk", [3, 1]),
        ("instrument=example&version=2025", [4, 3, 2, 1]),
        ("instrument=nothing", []),
        ("excluded=no", [4, 3, 2, 1]),
        ("excluded=yes", []),
    ],
)
def test_filters(researcher: FlaskClient, query: str, ids: list[int]) -> None:
    page = researcher.get(f"/research/responses?{query}").get_data(as_text=True)
    assert _ids(page) == ids


def test_counts_paging_and_bad_filters(researcher: FlaskClient) -> None:
    page = researcher.get("/research/responses?year=2025").get_data(as_text=True)
    assert 'data-total="3"' in page
    assert 'data-status="submitted" data-count="2"' in page and 'data-status="in_progress" data-count="1"' in page
    page = researcher.get("/research/responses?year=20x5&status=lost&language=de").get_data(as_text=True)
    assert "20x5" in page and "lost" in page and _ids(page) == [4, 3, 2, 1]
    assert researcher.get("/research/responses?page=0").status_code == 404
    assert _ids(researcher.get("/research/responses?page=9").get_data(as_text=True)) == []


def test_one_response_labels_in_three_languages_and_escapes_free_text(researcher: FlaskClient) -> None:
    page = researcher.get("/research/responses/1").get_data(as_text=True)
    row = re.search(r'<tr data-item="victim_any">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = row.group(1)
    assert "<code>yes</code>" in cells and "Иә" in cells and "Да" in cells and "Yes" in cells
    assert "seconds" in page and "about_you" in page  # paradata
    page = researcher.get("/research/responses/2").get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Қала" in page
    assert researcher.get("/research/responses/999").status_code == 404


def _form_token(client: FlaskClient, url: str, prefix: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def test_exclude_and_include_from_the_web(survey: Flask, researcher: FlaskClient) -> None:
    url = "/research/responses/2"
    token = _form_token(researcher, url, "exclude")
    answer = researcher.post(url, data={"exclude-csrf_token": token, "exclude-reason": "  "})
    assert answer.status_code == 302
    with survey.app_context():
        assert db.session.get(SurveyResponse, 2).excluded_at is None  # no reason: nothing changed
    researcher.post(url, data={"exclude-csrf_token": token, "exclude-reason": "test interview"})
    page = researcher.get(url).get_data(as_text=True)
    assert "test interview" in page
    assert _ids(researcher.get("/research/responses?excluded=yes").get_data(as_text=True)) == [2]
    fieldwork = researcher.get("/research/fieldwork/example/2025").get_data(as_text=True)
    assert re.search(r'<td data-figure="excluded"><a [^>]+>1</a>', fieldwork)
    token = _form_token(researcher, url, "include")
    researcher.post(url, data={"include-csrf_token": token, "include-reason": "it was real"})
    with survey.app_context():
        row = db.session.get(SurveyResponse, 2)
        assert row.excluded_at is None and row.exclusion_reason == ""
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "response")).all()
        assert [(e.action, e.actor, e.details.get("reason")) for e in events] == [
            ("response_exclude", "aigerim", "test interview"),
            ("response_include", "aigerim", "it was real"),
        ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["exclude", "999", "--reason", "dup"], "no response 999"),
        (["exclude", "3", "--reason", "dup"], "only submitted responses"),
        (["exclude", "1", "--reason", " "], "a reason is required"),
        (["include", "1"], "response 1 is not excluded"),
    ],
)
def test_cli_refusals(survey: Flask, args: list[str], message: str) -> None:
    code, output = invoke(survey, "responses", *args)
    assert code != 0 and message in output and "Nothing was changed" in output and "Traceback" not in output


def test_cli_exclude_and_include(survey: Flask) -> None:
    code, output = invoke(survey, "responses", "exclude", "1", "--reason", "duplicate")
    assert code == 0, output
    code, output = invoke(survey, "responses", "exclude", "1", "--reason", "again")
    assert code != 0 and "already excluded (duplicate)" in output
    code, output = invoke(survey, "responses", "include", "1", "--reason", "checked")
    assert code == 0, output
    with survey.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["response_exclude", "response_include"]
