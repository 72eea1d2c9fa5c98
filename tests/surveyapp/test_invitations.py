"""`flask invitations create`, invitation links, and the fieldwork page."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import Invitation, SurveyResponse
from surveyapp.models.base import utcnow
from surveyapp.questionnaire.model import QuestionnaireVersion
from tests.conftest import AuthActions, make_user
from tests.surveyapp.respond_helpers import (
    complete,
    csrf,
    fill,
    only_response,
    page_url,
    post_page,
    publish_file,
    readme_example,
    start,
)


@pytest.fixture
def example(app: Flask, tmp_path: Path) -> QuestionnaireVersion:
    return publish_file(app, readme_example(tmp_path))


def write_sample(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def create(app: Flask, sample: Path, out: Path) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(
        args=[
            "invitations",
            "create",
            "--instrument",
            "example",
            "--version",
            "2025",
            "--sample",
            str(sample),
            "--out",
            str(out),
            "--base-url",
            "https://survey.example.kz/",
        ]
    )
    return result.exit_code, result.output


def test_invitation_links_carry_the_sample_and_work_once(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion, tmp_path: Path
) -> None:
    sample = write_sample(
        tmp_path / "sample.csv",
        [
            {"person": "A-1", "email": "a@example.kz", "stratum": "astana_urban"},
            {"person": "A-2", "email": "b@example.kz", "stratum": "almaty_urban"},
        ],
    )
    code, out = create(app, sample, tmp_path / "links.csv")
    assert code == 0, out
    assert "2 invitations for example 2025" in out
    with (tmp_path / "links.csv").open(encoding="utf-8") as handle:
        links = list(csv.DictReader(handle))
    assert [row["person"] for row in links] == ["A-1", "A-2"]
    assert all(row["link"].startswith("https://survey.example.kz/i/") for row in links)
    with app.app_context():
        stored = db.session.query(Invitation).order_by(Invitation.id).all()
        # Only the declared design variable is kept: no names or e-mails of sampled people.
        assert [inv.sample for inv in stored] == [{"stratum": "astana_urban"}, {"stratum": "almaty_urban"}]
        assert all(links[0]["link"].rsplit("/", 1)[1] not in inv.token_hash for inv in stored)

    path = "/i/" + links[0]["link"].rsplit("/", 1)[1]
    first = start(client, path + "?lang=ru", lang="ru")
    page = post_page(client, first, fill(example, "about_you", {}, {"region": "astana", "age": 40}))
    assert page.status_code == 302

    # Until it is sent, the invitation link reopens its own response, in this browser or another one.
    elsewhere = app.test_client()
    reopened = elsewhere.get(path + "?lang=ru")
    assert reopened.status_code == 302 and page_url(reopened.location)[1] == "safety"
    assert "Безопасность" in elsewhere.get(reopened.location).get_data(as_text=True)
    assert client.get(first).status_code == 404  # as with the resume code, the earlier page link stops working
    again = client.get(path + "?lang=ru")
    assert again.status_code == 302 and "resumed=1" in again.location
    complete(client, app, example, again.location, overrides={"region": "astana"})
    response = only_response(app)
    assert response.design["stratum"] == "astana_urban" and response.invitation_id is None
    assert response.paradata["resumes"] == 2
    with app.app_context():
        assert db.session.query(Invitation).filter_by(status="submitted").count() == 1
    # Once sent, the link says so (not "already used, continue with your code").
    sent = client.get(path + "?lang=ru")
    body = sent.get_data(as_text=True)
    assert sent.status_code == 200 and "Эти ответы уже отправлены" in body and "уже использована" not in body
    assert client.get("/i/not-a-token").status_code == 404


def test_declined_invitation_is_counted(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion, tmp_path: Path
) -> None:
    sample = write_sample(tmp_path / "sample.csv", [{"stratum": "s1"}])
    create(app, sample, tmp_path / "links.csv")
    with (tmp_path / "links.csv").open(encoding="utf-8") as handle:
        path = "/i/" + next(csv.DictReader(handle))["link"].rsplit("/", 1)[1]
    token = csrf(client, path)
    assert client.post(path, data={"action": "decline", "lang": "kk", "csrf_token": token}).status_code == 200
    with app.app_context():
        assert db.session.query(Invitation).one().status == "declined"
    # A declined invitation has no response to reopen: the link says it was used.
    again = client.get(path + "?lang=ru")
    assert again.status_code == 410 and "Эта ссылка уже использована" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("person,region\nA,astana\n", "column(s) stratum missing"),
        ("stratum\n\n", "the sample has no rows"),
        ("stratum,person\n,A\n", "sample.csv:2: column stratum is empty"),
        ("stratum\ns1,extra\n", "sample.csv:2: more values than columns"),
    ],
)
def test_bad_sample_files(
    app: Flask, example: QuestionnaireVersion, tmp_path: Path, content: str, message: str
) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_text(content, encoding="utf-8")
    code, out = create(app, sample, tmp_path / "links.csv")
    assert code != 0 and message in out and "Traceback" not in out
    assert not (tmp_path / "links.csv").exists()
    with app.app_context():
        assert db.session.query(Invitation).count() == 0


def test_unpublished_version_and_existing_output(app: Flask, example: QuestionnaireVersion, tmp_path: Path) -> None:
    sample = write_sample(tmp_path / "sample.csv", [{"stratum": "s1"}])
    result = app.test_cli_runner().invoke(
        args=[
            "invitations",
            "create",
            "--instrument",
            "example",
            "--version",
            "2026",
            "--sample",
            str(sample),
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    assert result.exit_code != 0 and "is not published" in result.output
    (tmp_path / "links.csv").write_text("keep me", encoding="utf-8")
    code, out = create(app, sample, tmp_path / "links.csv")
    assert code != 0 and "exists" in out
    assert (tmp_path / "links.csv").read_text(encoding="utf-8") == "keep me"


def test_fieldwork_page(
    app: Flask, client: FlaskClient, auth: AuthActions, example: QuestionnaireVersion, tmp_path: Path
) -> None:
    sample = write_sample(tmp_path / "sample.csv", [{"stratum": "s1"}, {"stratum": "s2"}, {"stratum": "s3"}])
    create(app, sample, tmp_path / "links.csv")
    respondent = app.test_client()
    complete(
        respondent,
        app,
        example,
        start(respondent, "/q/example/2025?lang=ru", lang="ru"),
        overrides={"region": "astana"},
    )
    left = app.test_client()
    left.get(start(left, "/q/example/2025?lang=kk", lang="kk"))  # one left unfinished on the first page
    make_user(app, "saule", "researcher")
    auth.login("saule")
    page = client.get("/research/fieldwork/example/2025?lang=en").get_data(as_text=True)
    assert "Invitations sent</th><td>3" in page
    assert "Questionnaires started</th><td>2" in page and "Submitted</th><td>1" in page
    assert "50.0 %" in page  # completion rate
    assert "Astana" in page or "Астана" in page
    assert "<small>about_you</small></td><td>1</td>" in page


def test_a_response_whose_first_page_never_opened_is_no_break_off(
    app: Flask, client: FlaskClient, auth: AuthActions, example: QuestionnaireVersion
) -> None:
    left = app.test_client()
    left.get(start(left, "/q/example/2025?lang=ru", lang="ru"))  # a real break-off on the first page
    start(app.test_client(), "/q/example/2025?lang=ru", lang="ru")  # the "start" reply never arrived
    make_user(app, "saule", "researcher")
    auth.login("saule")
    page = client.get("/research/fieldwork/example/2025?lang=en").get_data(as_text=True)
    assert "Questionnaires started</th><td>1" in page
    assert "Agreed, first page never opened</th><td>1" in page
    assert "<small>about_you</small></td><td>1</td>" in page


def test_an_expired_invited_response_is_not_reopened(
    app: Flask, client: FlaskClient, example: QuestionnaireVersion, tmp_path: Path
) -> None:
    create(app, write_sample(tmp_path / "sample.csv", [{"stratum": "s1"}]), tmp_path / "links.csv")
    with (tmp_path / "links.csv").open(encoding="utf-8") as handle:
        path = "/i/" + next(csv.DictReader(handle))["link"].rsplit("/", 1)[1]
    start(client, path + "?lang=ru", lang="ru")
    with app.app_context():
        response = db.session.query(SurveyResponse).one()
        response.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    assert client.get(path + "?lang=ru").status_code == 410
    assert only_response(app).paradata["resumes"] == 0
