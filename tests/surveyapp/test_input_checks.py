"""Control characters are refused at the edge, with a message, before anything is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import SurveyResponse
from surveyapp.questionnaire.model import QuestionnaireVersion
from tests.conftest import AuthActions
from tests.surveyapp.respond_helpers import (
    csrf,
    fill,
    page_url,
    post_page,
    publish_file,
    readme_example,
    start,
    stored_answers,
)

REFUSED = "невидимые управляющие символы"


@pytest.fixture
def example(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    return publish_file(app, readme_example(tmp_path))


@pytest.mark.parametrize("bad", ["\x00", "a\x00b", "\x1b[2J", "\x7f", "\x85"])
def test_control_characters_in_an_answer_are_refused_and_nothing_is_stored(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion, bad: str
) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    second = post_page(client, first, fill(example, "about_you", {}, {"region": "astana"})).location
    form = fill(
        example,
        "safety",
        stored_answers(app, token),
        {"victim_any": "yes", "victim_types": ["other"], "victim_other": f"кража {bad}"},
    )
    page = post_page(client, second, form, action="back")
    assert page.status_code == 400
    assert REFUSED in page.get_data(as_text=True)
    assert "victim_any" not in stored_answers(app, token)


def test_line_breaks_and_tabs_are_ordinary_text(app: Flask, client: FlaskClient, example: QuestionnaireVersion) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    second = post_page(client, first, fill(example, "about_you", {}, {"region": "astana"})).location
    text = "первая строка\r\nвторая\tстрока"
    form = fill(
        example,
        "safety",
        stored_answers(app, token),
        {"victim_any": "yes", "victim_types": ["other"], "victim_other": text},
    )
    assert post_page(client, second, form, action="back").status_code == 302
    assert stored_answers(app, token)["victim_other"].replace("\r\n", "\n") == text.replace("\r\n", "\n")


def test_nul_in_a_username_is_a_clear_400(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    client.set_cookie("lang", "ru")
    page = auth.login("admin\x00", "whatever")
    assert page.status_code == 400
    assert REFUSED in page.get_data(as_text=True)


def test_nul_in_an_address_is_a_clear_400(client: FlaskClient) -> None:
    assert client.get("/q/ex%00ample/2025?lang=ru").status_code == 400
    assert client.get("/resume?lang=ru&x=%00").status_code == 400


def count_responses(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SurveyResponse)) or 0


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ({"filler": "x" * (2 * 1024 * 1024)}, "application/x-www-form-urlencoded"),  # the whole body too big
        ({"filler": "x" * (100 * 1024)}, "multipart/form-data"),  # one field too big
        ({f"f{i}": "1" for i in range(600)}, "multipart/form-data"),  # too many fields
    ],
    ids=["body", "field", "fields"],
)
def test_oversized_requests_get_a_translated_413_and_store_nothing(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion, data: dict[str, str], content_type: str
) -> None:
    token = csrf(client, "/q/example/2025?lang=ru")
    form = {"action": "agree", "lang": "ru", "csrf_token": token, **data}
    page = client.post("/q/example/2025?lang=ru", data=form, content_type=content_type)
    assert page.status_code == 413
    assert "больше, чем принимает этот сайт" in page.get_data(as_text=True)
    assert count_responses(app) == 0
