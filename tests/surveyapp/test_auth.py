from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, User
from tests.conftest import AuthActions, make_user


def audit_rows(app: Flask, action: str) -> list[dict[str, Any]]:
    with app.app_context():
        return [
            {"actor": e.actor, "object": (e.object_type, e.object_id), "details": e.details, "user_id": e.user_id}
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        ]


def test_login_page_renders_with_csrf(client: FlaskClient) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert 'autocomplete="current-password"' in page


def test_login_success_audited_and_logout(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    user_id = make_user(app, "aigerim", "researcher")
    response = auth.login("Aigerim")  # usernames are matched without regard to case
    assert response.status_code == 302
    assert client.get("/api/v1/me").json == {"username": "aigerim", "role": "researcher", "token": None}
    [event] = audit_rows(app, "login")
    assert event["actor"] == "aigerim" and event["object"] == ("user", "aigerim") and event["user_id"] == user_id
    with app.app_context():
        assert db.session.get(User, user_id).last_login_at is not None
    assert auth.logout().status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    assert len(audit_rows(app, "logout")) == 1


def test_wrong_password_refused_with_message(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "aigerim", "researcher")
    response = auth.login("aigerim", "not the password", headers={"Accept-Language": "ru"})
    assert response.status_code == 401
    assert "Неверное имя пользователя или пароль." in response.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401
    assert audit_rows(app, "login_failed")[0]["details"] == {"locked": False}


def test_failed_logins_are_throttled(app: Flask, auth: AuthActions) -> None:
    make_user(app, "aigerim", "researcher")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert auth.login("aigerim", "guess").status_code == 401
    # Even the right password is refused while the lock holds.
    response = auth.login("aigerim", headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many failed attempts. Try again in 15 min." in response.get_data(as_text=True)
    assert audit_rows(app, "login_failed")[-1]["details"] == {"locked": True}
    assert audit_rows(app, "login") == []


def test_unknown_usernames_are_throttled_too(app: Flask, auth: AuthActions) -> None:
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("nobody", "guess")
    assert auth.login("nobody", "guess").status_code == 429


def test_inactive_account_cannot_sign_in(app: Flask, auth: AuthActions) -> None:
    make_user(app, "old", "ministry", active=False)
    assert auth.login("old").status_code == 401


def test_post_without_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    make_user(app, "aigerim", "researcher")
    response = client.post(
        "/auth/login",
        data={"username": "aigerim", "password": "correct horse battery"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "The form expired or was sent from elsewhere" in response.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401


def test_logout_needs_post(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "aigerim", "researcher")
    auth.login("aigerim")
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_login_never_redirects_off_site(app: Flask, auth: AuthActions, target: str) -> None:
    make_user(app, "aigerim", "researcher")
    response = auth.login("aigerim", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/"


def test_login_follows_local_next(app: Flask, auth: AuthActions) -> None:
    make_user(app, "root", "admin")
    response = auth.login("root", query_string={"next": "/admin/audit"})
    assert response.location == "/admin/audit"


def test_a_ministry_lands_on_the_dashboard_after_sign_in(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "dana", "ministry")
    make_user(app, "saule", "researcher")
    response = auth.login("dana")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard/")
    auth.logout()
    assert not auth.login("saule").headers["Location"].endswith("/dashboard/")  # researchers keep the start page
