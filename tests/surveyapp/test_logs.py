"""The log: structured, one id per request, and never a token, a resume code or an answer."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.logs import LOGGER_NAME
from surveyapp.models import SurveyResponse
from surveyapp.respond import flow
from tests.surveyapp.respond_helpers import page_url, post_page, publish_file, readme_example, start

SECRET_ANSWER = "Секретный ответ 4242"


def capture(app: Flask) -> io.StringIO:
    """The text our handler writes (it is the one the factory put on the app's logger tree)."""
    stream = io.StringIO()
    [handler] = [h for h in logging.getLogger(LOGGER_NAME).handlers if isinstance(h, logging.StreamHandler)]
    handler.setStream(stream)
    return stream


@pytest.fixture
def json_app(tmp_path: Path) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
            "LOG_FORMAT": "json",
        }
    )
    with app.app_context():
        db.create_all()
    publish_file(app, readme_example(tmp_path))
    return app


def test_an_error_on_a_respondent_page_is_logged_as_json_without_token_code_or_answer(
    json_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = json_app.test_client()
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    with json_app.app_context():
        code = db.session.query(SurveyResponse).one().resume_code
    stream = capture(json_app)

    def failing_save(*args: object, **kwargs: object) -> None:
        # What a database error looks like: it quotes the row (answers and resume code) it could not store.
        raise IntegrityError(
            "INSERT INTO response ...", {"answers": SECRET_ANSWER, "code": code}, Exception(f"Key ({code})")
        )

    monkeypatch.setattr(flow, "save_page", failing_save)
    # A typed number long enough not to turn up by chance in a request id or a duration of the log.
    page = post_page(client, first, {"age": ["47193"], "region": [SECRET_ANSWER]})
    assert page.status_code == 500
    text = stream.getvalue()
    entries = [json.loads(line) for line in text.splitlines()]
    [error] = [e for e in entries if e["level"] == "ERROR"]
    assert error["request_id"] == page.headers["X-Request-ID"]
    assert error["path"] == "/s/<token>/p/about_you" and error["method"] == "POST"
    assert "sqlalchemy.exc.IntegrityError" in error["exception"] and "failing_save" in error["exception"]
    for secret in (token, code, SECRET_ANSWER, "47193"):
        assert secret not in text
    assert any(e.get("status") == 500 and e["request_id"] == error["request_id"] for e in entries)


def test_every_request_gets_an_id_and_a_proxy_id_is_kept(client: FlaskClient) -> None:
    first, second = client.get("/"), client.get("/")
    assert len(first.headers["X-Request-ID"]) == 32 and first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert client.get("/", headers={"X-Request-ID": "nginx-0123456789abcdef"}).headers["X-Request-ID"] == (
        "nginx-0123456789abcdef"
    )
    assert client.get("/", headers={"X-Request-ID": "bad id; forged log line"}).headers["X-Request-ID"] != (
        "bad id; forged log line"
    )


def test_production_logs_json_and_hides_sql_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    app = create_app()
    assert app.config["LOG_FORMAT"] == "json"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
