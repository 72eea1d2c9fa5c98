"""Two requests racing each other, in two threads against the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Invitation, StoredVersion, SurveyResponse
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.respond import flow, routes
from surveyapp.services.secrets import digest
from tests.surveyapp.respond_helpers import (
    csrf,
    fill,
    only_response,
    page_url,
    post_page,
    publish_file,
    readme_example,
    start,
    stored_answers,
)


@pytest.fixture
def example(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    return publish_file(app, readme_example(tmp_path))


def in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(target()), daemon=True)
    thread.start()
    return thread, out


def test_language_switch_racing_the_submit_never_changes_the_submitted_answers(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    token, _ = page_url(first)
    last = post_page(client, first, fill(example, "about_you", {}, {"age": 40, "region": "astana"})).location
    url = last.split("?")[0]
    form = fill(example, "safety", stored_answers(app, token), {"safe_dark": "very_safe", "victim_any": "no"})
    other = app.test_client()  # a second tab of the same respondent
    submit_csrf, switch_csrf = csrf(client, last), csrf(other, last)

    submitted = threading.Event()
    real_submit = flow.submit

    def slow_submit(response: Any, domain: QuestionnaireVersion) -> None:
        # The submit is done but not yet committed when the language switch arrives.
        real_submit(response, domain)
        submitted.set()
        time.sleep(0.5)

    monkeypatch.setattr(flow, "submit", slow_submit)
    submitting, _ = in_thread(lambda: client.post(url, data={"action": "submit", "csrf_token": submit_csrf, **form}))
    assert submitted.wait(10)
    switch = {"action": "lang:kk", "csrf_token": switch_csrf, "safe_dark": ["very_unsafe"], "victim_any": ["refuse"]}
    switching, switched = in_thread(lambda: other.post(url, data=switch))
    submitting.join(20)
    switching.join(20)
    assert switched and switched[0].status_code == 302
    response = only_response(app)
    assert response.status == "submitted"
    assert response.answers["safe_dark"] == "very_safe" and response.answers["victim_any"] == "no"
    assert response.language == "ru"


def test_two_agree_clicks_on_one_invitation_start_one_response(
    app: Flask, example: QuestionnaireVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "race-invitation-token"
    with app.app_context():
        version = db.session.scalar(select(StoredVersion))
        db.session.add(Invitation(version_id=version.id, token_hash=digest(token), sample={}))
        db.session.commit()
    path = f"/i/{token}"
    clients = [app.test_client(), app.test_client()]
    tokens = [csrf(c, path + "?lang=ru") for c in clients]

    # Both requests have seen the invitation still unused before either goes on to start a response.
    both_checked = threading.Barrier(2, timeout=10)
    real_consent_page = routes._consent_page

    def consent_page_after_both_checked(*args: Any) -> Any:
        both_checked.wait()
        return real_consent_page(*args)

    monkeypatch.setattr(routes, "_consent_page", consent_page_after_both_checked)
    runs = [
        in_thread(lambda c=c, t=t: c.post(path, data={"action": "agree", "lang": "ru", "csrf_token": t}))
        for c, t in zip(clients, tokens, strict=True)
    ]
    for thread, _ in runs:
        thread.join(20)
    statuses = sorted(out[0].status_code for _, out in runs)
    assert statuses == [302, 410]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
        assert db.session.scalar(select(Invitation.status)) == "started"
