from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from tests.conftest import AuthActions, csrf_token, make_user

ADMIN_PAGES = ["/admin/audit", "/admin/users"]
# The workbench's pages that change things: researchers and admins only (a ministry account reaches none).
RESEARCH_PAGES = [
    "/research/questionnaires",
    "/research/inputs",
    "/research/drafts/1",
    "/research/drafts/1/publish",
    "/research/fieldwork/example/2025/state",
]
# Forms that change things, by POST: refused to a ministry account before anything else is looked at.
RESEARCH_POSTS = ["/research/drafts/1/test-link", "/research/fieldwork/example/2025/state"]


@pytest.mark.parametrize("url", RESEARCH_POSTS)
def test_ministry_posts_to_no_workbench_form(app: Flask, client: FlaskClient, auth: AuthActions, url: str) -> None:
    make_user(app, "someone", "ministry")
    auth.login("someone")
    assert client.post(url, data={"csrf_token": csrf_token(client, "/")}).status_code == 403


@pytest.mark.parametrize("url", [*RESEARCH_PAGES, "/account/password"])
def test_anonymous_is_sent_to_login_from_the_workbench(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and response.location.startswith("/auth/login?next=")


@pytest.mark.parametrize("url", RESEARCH_PAGES)
def test_ministry_reaches_no_workbench_page(app: Flask, client: FlaskClient, auth: AuthActions, url: str) -> None:
    make_user(app, "someone", "ministry")
    auth.login("someone")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_anonymous_is_sent_to_login(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/auth/login?next=" + url)


@pytest.mark.parametrize("role", ["researcher", "ministry"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_other_roles_are_refused(app: Flask, client: FlaskClient, auth: AuthActions, role: str, url: str) -> None:
    make_user(app, "someone", role)
    auth.login("someone")
    response = client.get(url, headers={"Accept-Language": "kk"})
    assert response.status_code == 403
    assert "Қол жеткізу шектелген" in response.get_data(as_text=True)


def test_admin_lists_audit_events(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "root", "admin")
    with app.app_context():
        db.session.add(AuditEvent(actor="command-line", action="publish", object_type="questionnaire", object_id="x/1"))
        db.session.commit()
    auth.login("root")
    page = client.get("/admin/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "publish" in page and "questionnaire x/1" in page
    assert "login" in page  # the admin's own sign-in is in the trail
    filtered = client.get("/admin/audit?action=publish").get_data(as_text=True)
    assert "questionnaire x/1" in filtered and "<td>login</td>" not in filtered


def test_admin_lists_accounts(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "root", "admin")
    make_user(app, "dana", "ministry")
    auth.login("root")
    page = client.get("/admin/users", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "dana" in page and "министерство" in page
