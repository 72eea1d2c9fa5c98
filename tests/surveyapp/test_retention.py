"""Nothing kept longer than needed: expired answers purged, never-opened responses deleted, samples cleared."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Invitation, ResponseStatus, SurveyResponse
from surveyapp.models.base import utcnow
from surveyapp.questionnaire.model import QuestionnaireVersion
from tests.conftest import invoke
from tests.surveyapp.respond_helpers import fill, page_url, post_page, publish_file, readme_example, start


@pytest.fixture
def example(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    return publish_file(app, readme_example(tmp_path))


def _answered_first_page(app: Flask, domain: QuestionnaireVersion) -> str:
    client = app.test_client()
    location = start(client, "/q/example/2025?lang=ru", lang="ru")
    _token, section = page_url(location)
    response = post_page(client, location, fill(domain, section, {}))
    assert response.status_code == 302
    return location


def _overdue_all(app: Flask) -> None:
    with app.app_context():
        for response in db.session.query(SurveyResponse):
            response.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()


def test_expire_purges_answers_and_deletes_never_opened_responses(app: Flask, example: QuestionnaireVersion) -> None:
    _answered_first_page(app, example)
    start(app.test_client(), "/q/example/2025?lang=kk", lang="kk")  # the "start" reply never arrived
    _overdue_all(app)
    code, out = invoke(app, "responses", "expire")
    assert code == 0, out
    assert "1 unfinished response(s) expired." in out
    assert "1 response(s) whose first page was never opened deleted." in out
    with app.app_context():
        [left] = db.session.query(SurveyResponse).all()
        assert left.status == ResponseStatus.EXPIRED.value
        assert left.answers == {} and left.design == {} and left.page_languages == {}
        assert left.resume_code is None and left.access_token_hash is None
        assert left.current_section  # the break-off page is still known to the fieldwork figures
        [event] = db.session.query(AuditEvent).filter_by(action="responses_expire").all()
        assert event.details == {"expired": 1, "purged": 1, "never_opened_deleted": 1}
    _code, out = invoke(app, "responses", "expire")  # a second run finds nothing left to do
    assert "0 expired response(s) had their answers erased." in out


def test_responses_closed_before_the_purge_existed_lose_their_answers_too(
    app: Flask, example: QuestionnaireVersion
) -> None:
    _answered_first_page(app, example)
    with app.app_context():
        response = db.session.query(SurveyResponse).one()
        response.status = ResponseStatus.EXPIRED.value
        db.session.commit()
    _code, out = invoke(app, "responses", "expire")
    assert "1 expired response(s) had their answers erased." in out
    with app.app_context():
        assert db.session.query(SurveyResponse).one().answers == {}


def test_in_progress_responses_not_yet_due_are_untouched(app: Flask, example: QuestionnaireVersion) -> None:
    _answered_first_page(app, example)
    start(app.test_client(), "/q/example/2025?lang=kk", lang="kk")  # fresh: the respondent may be loading it
    invoke(app, "responses", "expire")
    with app.app_context():
        rows = db.session.query(SurveyResponse).order_by(SurveyResponse.id).all()
        assert [r.status for r in rows] == ["in_progress", "in_progress"] and rows[0].answers


def _invitations(app: Flask, tmp_path: Path, count: int) -> list[str]:
    sample = tmp_path / "sample.csv"
    with sample.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["stratum"])
        writer.writeheader()
        writer.writerows({"stratum": f"s{i}"} for i in range(count))
    out = tmp_path / "links.csv"
    code, text = invoke(
        app, "invitations", "create", "--instrument", "example", "--version", "2025", "--sample", str(sample),
        "--out", str(out), "--base-url", "https://survey.example.kz/",
    )  # fmt: skip
    assert code == 0, text
    with out.open(encoding="utf-8") as handle:
        return ["/i/" + row["link"].rsplit("/", 1)[1] for row in csv.DictReader(handle)]


def test_samples_are_cleared_after_the_retention_period(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion, tmp_path: Path
) -> None:
    used, unused, recent = _invitations(app, tmp_path, 3)
    start(client, used + "?lang=ru", lang="ru")
    with app.app_context():
        rows = db.session.query(Invitation).order_by(Invitation.id).all()
        long_ago = utcnow() - timedelta(days=app.config["SAMPLE_RETENTION_DAYS"] + 1)
        rows[0].used_at = long_ago
        rows[0].created_at = rows[1].created_at = long_ago
        db.session.commit()
    code, out = invoke(app, "invitations", "clear-samples")
    assert code == 0, out
    assert "1 used invitation(s) had their sample variables erased." in out
    assert "1 unused invitation(s) past retention erased and closed." in out
    with app.app_context():
        rows = db.session.query(Invitation).order_by(Invitation.id).all()
        assert [r.sample for r in rows] == [{}, {}, {"stratum": "s2"}]
        assert [r.status for r in rows] == ["started", "expired", "sent"]
        [event] = db.session.query(AuditEvent).filter_by(action="invitation_samples_clear").all()
        assert event.details["used"] == 1 and event.details["unused_closed"] == 1
        assert "s0" not in repr(event.details)
    # The closed invitation no longer opens; the recent one still does.
    assert client.get(unused + "?lang=ru").status_code == 410
    assert client.get(recent + "?lang=ru").status_code == 200
