"""A draft's test link: the respondent's pages of a draft, whose responses are tests that are never counted
(fieldwork, indicators' frames, exports, the response browser, the API) and are deleted with the draft, and
when it is published."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, QuestionnaireDraft, StoredVersion, SurveyResponse
from surveyapp.questionnaire import load_version
from surveyapp.services.survey_frames import version_frame
from tests.conftest import AuthActions, csrf_token, invoke, make_user
from tests.surveyapp.api.helpers import bearer, new_token
from tests.surveyapp.respond_helpers import complete, start
from tests.surveyapp.test_workbench import SOURCE_2025, flashes, upload, yaml_2026

TEST_LINK = re.compile(r'class="test-link"><code>(http[^<]+)</code>')


def _draft_with_link(app: Flask, client: FlaskClient, auth: AuthActions) -> tuple[str, str]:
    """(draft page, test link path) for public_safety 2026, 2025 being published."""
    assert invoke(app, "questionnaires", "publish", str(SOURCE_2025))[0] == 0
    make_user(app, "saule", "researcher")
    auth.login("saule")
    client.get("/?lang=en")
    draft_url = upload(client, "public_safety_2026.yaml", yaml_2026()).headers["Location"]
    made = client.post(f"{draft_url}/test-link", data={"csrf_token": csrf_token(client, draft_url)})
    page = made.get_data(as_text=True)
    assert made.status_code == 200 and "shown only once" in page
    link = TEST_LINK.search(page)
    assert link, page
    return draft_url, link.group(1).split("localhost", 1)[1]


def _responses(app: Flask) -> list[SurveyResponse]:
    with app.app_context():
        rows = list(db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))
        db.session.expunge_all()
        return rows


def test_test_link_opens_the_draft_and_its_responses_are_never_counted(
    app: Flask, client: FlaskClient, auth: AuthActions, tmp_path: Path
) -> None:
    draft_url, link = _draft_with_link(app, client, auth)
    domain_2026 = load_version(SOURCE_2025)  # the draft is 2025's content under another number
    respondent = app.test_client()
    consent = respondent.get(f"{link}?lang=ru").get_data(as_text=True)
    assert "Тест черновика анкеты" in consent and domain_2026.title.ru in consent
    complete(respondent, app, domain_2026, start(respondent, link, lang="ru"))
    # A real response of the published 2025 version, to see that the counts still work.
    real = app.test_client()
    complete(real, app, domain_2026, start(real, "/q/public_safety/2025", lang="ru"))

    test_row, real_row = _responses(app)
    assert (test_row.is_test, test_row.version_id, test_row.status) == (True, None, "submitted")
    assert test_row.draft_id is not None and (real_row.is_test, real_row.draft_id) == (False, None)
    draft_page = client.get(draft_url).get_data(as_text=True)
    assert "1 started, 1 sent" in draft_page

    # Fieldwork of the published version: the real response only.
    fieldwork = client.get("/research/fieldwork/public_safety/2025").get_data(as_text=True)
    assert "Questionnaires started</th><td>1<" in fieldwork and "Submitted</th><td>1<" in fieldwork
    # The response browser lists the real one; the test one has no page.
    browser = client.get("/research/responses").get_data(as_text=True)
    assert f"/research/responses/{real_row.id}" in browser and f'/research/responses/{test_row.id}"' not in browser
    assert client.get(f"/research/responses/{test_row.id}").status_code == 404
    # The indicators' frame of the year.
    year = datetime.now(UTC).year
    with app.app_context():
        row = db.session.scalars(select(StoredVersion)).one()
        frame = version_frame(row, [], {}, datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC))
        assert list(frame["response_id"]) == [real_row.id]
    # The export.
    out = tmp_path / "export.csv"
    args = ("--instrument", "public_safety", "--year", str(year), "--format", "csv", "--out", str(out))
    code, output = invoke(app, "responses", "export", *args)
    assert code == 0, output
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    # The API.
    with app.app_context():
        user = db.session.scalar(select(QuestionnaireDraft.created_by_id))
    assert user is not None
    answer = client.get("/api/v1/responses?instrument=public_safety", headers=bearer(new_token(app, user)))
    assert [r["id"] for r in answer.get_json()["items"]] == [real_row.id]


def test_test_responses_are_deleted_when_the_draft_is_published(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    draft_url, link = _draft_with_link(app, client, auth)
    respondent = app.test_client()
    complete(respondent, app, load_version(SOURCE_2025), start(respondent, link))
    started = app.test_client()
    start(started, link)  # one still in progress
    assert len(_responses(app)) == 2
    published = client.post(f"{draft_url}/publish", data={"csrf_token": csrf_token(client, f"{draft_url}/publish")})
    assert published.status_code == 302
    assert _responses(app) == []
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "draft_delete")).one()
        assert event.details == {"reason": "published", "test_responses": 2}
    fieldwork = client.get("/research/fieldwork/public_safety/2026").get_data(as_text=True)
    assert "Questionnaires started</th><td>0<" in fieldwork
    # The link belonged to the draft: it opens nothing now.
    assert app.test_client().get(link).status_code == 404


def test_test_responses_are_deleted_with_the_draft_and_their_pages_stop(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    draft_url, link = _draft_with_link(app, client, auth)
    respondent = app.test_client()
    first_page = start(respondent, link)
    assert respondent.get(first_page).status_code == 200
    deleted = client.post(f"{draft_url}/delete", data={"csrf_token": csrf_token(client, draft_url), "sure": "y"})
    assert deleted.status_code == 302
    assert _responses(app) == []
    assert respondent.get(first_page).status_code == 404
    assert app.test_client().get(link).status_code == 404


def test_a_new_link_replaces_the_old_and_only_researchers_make_one(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    draft_url, link = _draft_with_link(app, client, auth)
    made = client.post(f"{draft_url}/test-link", data={"csrf_token": csrf_token(client, draft_url)})
    new = TEST_LINK.search(made.get_data(as_text=True))
    assert new and not new.group(1).endswith(link)
    assert app.test_client().get(link).status_code == 404
    assert app.test_client().get(new.group(1).split("localhost", 1)[1]).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "draft_test_link"))
    auth.logout()
    make_user(app, "ministry", "ministry")
    auth.login("ministry")
    assert client.post(f"{draft_url}/test-link", data={"csrf_token": csrf_token(client, "/")}).status_code == 403


def test_a_draft_with_errors_gives_no_test_link(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    client.get("/?lang=en")
    broken = yaml_2026().replace(b"sections:", b"sektions:")
    draft_url = upload(client, "public_safety_2026.yaml", broken).headers["Location"]
    made = client.post(f"{draft_url}/test-link", data={"csrf_token": csrf_token(client, draft_url)})
    assert made.status_code == 302
    assert "cannot be tested" in " ".join(flashes(client.get(draft_url).get_data(as_text=True)))


def test_a_test_resumes_by_its_code_and_can_be_withdrawn(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    _draft_url, link = _draft_with_link(app, client, auth)
    respondent = app.test_client()
    start(respondent, link, lang="ru")
    [row] = _responses(app)
    code = row.resume_code or ""
    other = app.test_client()  # another browser, with the code only
    token = csrf_token(other, "/resume?lang=ru")
    resumed = other.post("/resume", data={"code": code, "csrf_token": token, "lang": "ru"})
    assert resumed.status_code == 302
    page = other.get(resumed.headers["Location"]).get_data(as_text=True)
    assert "Тест черновика анкеты" in page
    complete(other, app, load_version(SOURCE_2025), resumed.headers["Location"])
    asked = other.post("/withdraw", data={"code": code, "csrf_token": token, "lang": "ru"})
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.get_data(as_text=True)
    done = other.post("/withdraw", data={"code": code, "csrf_token": token, "lang": "ru", "confirm": "yes"})
    assert done.status_code == 200 and _responses(app) == []
    with app.app_context():
        assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "response_withdrawn")).all()
