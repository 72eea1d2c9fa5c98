"""Invitations in the browser: a sample uploaded, previewed with its row errors, the links downloaded; a revoke."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook

from surveyapp.extensions import db
from surveyapp.models import Invitation
from surveyapp.questionnaire.model import QuestionnaireVersion
from tests.conftest import AuthActions, csrf_token, make_user
from tests.surveyapp.test_invitations import example  # noqa: F401  (the fixture)

PAGE = "/research/fieldwork/example/2025/invitations"


@pytest.fixture(autouse=True)
def english(client: FlaskClient) -> None:
    client.get("/?lang=en")


def stored(app: Flask) -> list[Invitation]:
    with app.app_context():
        return list(db.session.query(Invitation).order_by(Invitation.id))


def post_sample(client: FlaskClient, name: str, data: bytes) -> object:
    return client.post(
        PAGE,
        data={"csrf_token": csrf_token(client, PAGE), "file": (io.BytesIO(data), name), "batch": "may"},
        content_type="multipart/form-data",
    )


def test_sample_preview_create_download_and_revoke(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    example: QuestionnaireVersion,  # noqa: F811
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    preview = post_sample(client, "sample.csv", b"person,stratum\nA-1,astana_urban\nA-2,almaty_urban\n")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Preview: 2 invitation(s)" in page and "almaty_urban" in page
    assert stored(app) == []
    form = dict(re.findall(r'name="(csrf_token|upload|batch)" (?:type="hidden" )?value="([^"]*)"', page))
    links = client.post(PAGE, data={**form, "create": "y"})
    assert links.status_code == 200 and links.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(links.get_data(as_text=True))))
    assert [r["person"] for r in rows] == ["A-1", "A-2"] and all("/i/" in r["link"] for r in rows)
    invitations = stored(app)
    assert [i.sample for i in invitations] == [{"stratum": "astana_urban"}, {"stratum": "almaty_urban"}]
    assert invitations[0].batch == "may"

    token = csrf_token(client, PAGE)
    revoked = client.post(f"{PAGE}/revoke", data={"csrf_token": token, "link": rows[0]["link"]})
    assert revoked.status_code == 302
    assert [i.status for i in stored(app)] == ["revoked", "sent"]
    again = client.post(f"{PAGE}/revoke", data={"csrf_token": token, "link": rows[0]["link"]})
    assert again.status_code == 302
    assert "already or revoked" in " ".join(
        re.findall(r'class="flash[^"]*"[^>]*>(.*?)</p>', client.get(PAGE).get_data(as_text=True))
    )


def test_sample_errors_by_row_and_xlsx(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    example: QuestionnaireVersion,  # noqa: F811
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    bad = post_sample(client, "sample.csv", b"stratum,person\nastana,A\n,B\n")
    assert bad.status_code == 422 and "sample.csv:3: column stratum is empty" in bad.get_data(as_text=True)
    missing = post_sample(client, "sample.csv", b"person\nA\n")
    assert missing.status_code == 422 and "column(s) stratum missing" in missing.get_data(as_text=True)
    book = Workbook()
    sheet = book.active
    sheet.append(["person", "stratum"])
    sheet.append(["A-1", "astana_urban"])
    buffer = io.BytesIO()
    book.save(buffer)
    ok = post_sample(client, "sample.xlsx", buffer.getvalue())
    assert ok.status_code == 200 and "Preview: 1 invitation(s)" in ok.get_data(as_text=True)
    assert stored(app) == []


def test_invitations_are_for_researchers(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    example: QuestionnaireVersion,  # noqa: F811
) -> None:
    make_user(app, "ministry", "ministry")
    auth.login("ministry")
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}/revoke", data={"csrf_token": csrf_token(client, "/")}).status_code == 403
