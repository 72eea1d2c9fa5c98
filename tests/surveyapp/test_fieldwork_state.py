"""Closing and reopening fieldwork per published version: the web button (with its confirmation) and the CLI
share one audited service; a closed version starts no response, while started ones can still be sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Invitation, StoredVersion, SurveyResponse
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.invitations import create_invitations
from tests.conftest import AuthActions, csrf_token, invoke, make_user
from tests.surveyapp.respond_helpers import complete, publish_file, readme_example, start

OPEN_LINK = "/q/example/2025"
STATE = "/research/fieldwork/example/2025/state"


@pytest.fixture
def domain(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    return publish_file(app, readme_example(tmp_path))


def _count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(SurveyResponse)).all())


def _invitation(app: Flask, domain: QuestionnaireVersion) -> str:
    with app.app_context():
        row = db.session.scalars(select(StoredVersion)).one()
        [made] = create_invitations(row, domain, [{"stratum": "s1"}])
        db.session.commit()
        return f"/i/{made.token}"


def test_web_close_with_confirmation_then_reopen(
    app: Flask, client: FlaskClient, auth: AuthActions, domain: QuestionnaireVersion
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    client.get("/?lang=ru")
    fieldwork = client.get("/research/fieldwork/example/2025").get_data(as_text=True)
    assert 'data-fieldwork="open"' in fieldwork and STATE in fieldwork
    confirm = client.get(STATE).get_data(as_text=True)
    assert "Закрыть полевой этап example 2025?" in confirm
    assert _count(app) == 0 and app.test_client().get(OPEN_LINK).status_code == 200  # a GET changes nothing
    closed = client.post(STATE, data={"csrf_token": csrf_token(client, STATE)})
    assert closed.status_code == 302
    assert 'data-fieldwork="closed"' in client.get("/research/fieldwork/example/2025").get_data(as_text=True)
    assert app.test_client().get(OPEN_LINK).status_code == 403
    assert "Открыть полевой этап example 2025 снова?" in client.get(STATE).get_data(as_text=True)
    client.post(STATE, data={"csrf_token": csrf_token(client, STATE)})
    assert app.test_client().get(OPEN_LINK).status_code == 200
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("fieldwork_%"))).all()
        assert [(e.action, e.object_id, e.actor) for e in events] == [
            ("fieldwork_close", "example/2025", "saule"),
            ("fieldwork_reopen", "example/2025", "saule"),
        ]
    # Without the CSRF token nothing changes; a ministry account reaches neither page.
    assert client.post(STATE).status_code in {302, 400}
    assert app.test_client().get(OPEN_LINK).status_code == 200
    auth.logout()
    make_user(app, "ministry", "ministry")
    auth.login("ministry")
    assert client.get(STATE).status_code == 403


def test_closed_version_refuses_new_responses_but_started_ones_are_sent(
    app: Flask, domain: QuestionnaireVersion
) -> None:
    started = app.test_client()
    page = start(started, OPEN_LINK, lang="kk")
    consent_open = app.test_client()
    token = csrf_token(consent_open, OPEN_LINK)  # the consent page was open when fieldwork closed
    invited = app.test_client()
    invitation_started = _invitation(app, domain)
    invited_page = start(invited, invitation_started)
    unused = _invitation(app, domain)

    code, output = invoke(app, "questionnaires", "close-fieldwork", "example", "2025")
    assert code == 0 and "closed" in output
    assert invoke(app, "questionnaires", "close-fieldwork", "example", "2025")[1].strip().endswith("already closed.")
    assert "fieldwork closed" in invoke(app, "questionnaires", "list")[1]

    kk = app.test_client().get(f"{OPEN_LINK}?lang=kk")
    assert kk.status_code == 403 and "Бұл сауалнама жабық" in kk.get_data(as_text=True)
    ru = app.test_client().get(f"{OPEN_LINK}?lang=ru").get_data(as_text=True)
    assert "Этот опрос закрыт" in ru
    before = _count(app)
    agreed = consent_open.post(OPEN_LINK, data={"action": "agree", "lang": "kk", "csrf_token": token})
    assert agreed.status_code == 403 and _count(app) == before
    unused_page = app.test_client().get(unused)
    assert unused_page.status_code == 403
    with app.app_context():
        statuses = sorted(db.session.scalars(select(Invitation.status)).all())
    assert statuses == ["sent", "started"]  # the unused invitation stays unused, for a reopening

    # Started before the closing: finished and sent afterwards, by link and by invitation alike.
    assert complete(started, app, domain, page).endswith("/done")
    assert complete(invited, app, domain, invited_page).endswith("/done")
    with app.app_context():
        assert sorted(db.session.scalars(select(SurveyResponse.status)).all()) == ["submitted", "submitted"]

    assert invoke(app, "questionnaires", "reopen-fieldwork", "example", "2025")[0] == 0
    assert app.test_client().get(unused).status_code == 200
    code, output = invoke(app, "questionnaires", "close-fieldwork", "example", "1999")
    assert code != 0 and "not published" in output
