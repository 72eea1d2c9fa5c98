"""A respondent taking back a submitted response with the resume code: confirmation, erasure, audit, report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, ComputationRun, ResponseStatus, SurveyResponse
from surveyapp.models.base import utcnow
from surveyapp.questionnaire.model import QuestionnaireVersion
from tests.surveyapp.respond_helpers import complete, csrf, only_response, publish_file, readme_example, start


@pytest.fixture
def example(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    return publish_file(app, readme_example(tmp_path))


def _submitted_code(app: Flask, client: FlaskClient, domain: QuestionnaireVersion) -> str:
    complete(client, app, domain, start(client, "/q/example/2025?lang=ru", lang="ru"))
    response = only_response(app)
    assert response.status == ResponseStatus.SUBMITTED.value and response.resume_code
    return response.resume_code


def _withdraw(client: FlaskClient, code: str, confirm: bool) -> str:
    token = csrf(client, "/resume?lang=ru")
    sent = client.post("/resume", data={"code": code, "csrf_token": token, "lang": "ru"})
    page = sent.get_data(as_text=True)
    assert sent.status_code == 200 and 'action="/withdraw"' in page, page
    asked = client.post("/withdraw", data={"code": code, "csrf_token": token, "lang": "ru"})
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.get_data(as_text=True)
    if not confirm:
        return asked.get_data(as_text=True)
    done = client.post("/withdraw", data={"code": code, "csrf_token": token, "lang": "ru", "confirm": "yes"})
    assert done.status_code == 200
    return done.get_data(as_text=True)


def _events(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.query(AuditEvent).filter_by(action="response_withdrawn"))
        db.session.expunge_all()
        return events


def test_asking_to_withdraw_changes_nothing_until_confirmed(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    code = _submitted_code(app, client, example)
    _withdraw(client, code, confirm=False)
    assert only_response(app).status == ResponseStatus.SUBMITTED.value
    assert _events(app) == []


def test_withdrawing_before_the_years_results_deletes_the_response(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    code = _submitted_code(app, client, example)
    answers = only_response(app).answers
    page = _withdraw(client, code, confirm=True)
    assert "Ваши ответы отозваны" in page
    with app.app_context():
        assert db.session.query(SurveyResponse).count() == 0
    [event] = _events(app)
    assert event.details["after_computation"] is False
    # The trail says a withdrawal happened, never what was withdrawn.
    stored = repr(event.details) + event.object_id
    assert code not in stored and set(event.details) == {"year", "after_computation"} and answers
    # The code is gone with the response: a second try is refused with a clear message.
    token = csrf(client, "/resume?lang=ru")
    again = client.post("/withdraw", data={"code": code, "csrf_token": token, "lang": "ru", "confirm": "yes"})
    assert again.status_code == 400 and "Такой код не найден" in again.get_data(as_text=True)


def test_withdrawing_after_the_years_results_keeps_only_a_bare_withdrawn_row(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    code = _submitted_code(app, client, example)
    with app.app_context():
        db.session.add(ComputationRun(programme="any", year=utcnow().year, provenance={}))
        db.session.commit()
    _withdraw(client, code, confirm=True)
    response = only_response(app)
    assert response.status == ResponseStatus.WITHDRAWN.value
    assert response.answers == {} and response.design == {} and response.page_languages == {}
    assert response.resume_code is None and response.access_token_hash is None
    assert response.submitted_at is not None  # the year it counts against
    assert set(response.paradata) == {"withdrawn_at"}
    [event] = _events(app)
    assert event.details["after_computation"] is True


def test_an_unfinished_response_cannot_be_withdrawn(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion
) -> None:
    start(client, "/q/example/2025?lang=ru", lang="ru")
    code = only_response(app).resume_code
    assert code
    token = csrf(client, "/resume?lang=ru")
    refused = client.post("/withdraw", data={"code": code, "csrf_token": token, "lang": "ru", "confirm": "yes"})
    assert refused.status_code == 400
    assert only_response(app).status == ResponseStatus.IN_PROGRESS.value
    assert re.search("Такой код не найден", refused.get_data(as_text=True))
