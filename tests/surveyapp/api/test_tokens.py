"""Personal API tokens: made on the web page or the command line, shown once, stored hashed, scoped, expiring."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import ApiToken, AuditEvent
from surveyapp.services.secrets import digest
from tests.conftest import AuthActions, csrf_token, invoke, make_user
from tests.surveyapp.api.helpers import bearer, token_for


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_token_acts_as_its_owner_and_only_its_hash_is_stored(app: Flask, client: FlaskClient) -> None:
    secret = token_for(app, "aigerim", "researcher")
    answer = client.get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code == 200
    assert answer.json["username"] == "aigerim" and answer.json["role"] == "researcher"
    assert answer.json["token"]["scope"] == "read"
    assert answer.json["token"]["expires_at"].endswith("+00:00")
    assert "Set-Cookie" not in answer.headers  # the token signs in for this request alone
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert stored.token_hash == digest(secret) and secret not in (stored.prefix, stored.token_hash)
        assert stored.last_used_at is not None
    assert "api_token_create" in _actions(app)


def test_unknown_revoked_and_expired_tokens_are_refused_as_problems(app: Flask, client: FlaskClient) -> None:
    secret = token_for(app, "aigerim", "researcher")
    for wrong in ("sat_nothing", ""):
        answer = client.get("/api/v1/me", headers={**bearer(wrong), "Accept-Language": "ru"})
        assert answer.status_code == 401
        assert answer.mimetype == "application/problem+json"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert answer.json["title"] == "Требуется вход"
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        token.expires_at = token.expires_at - timedelta(days=31)
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_an_inactive_account_s_token_is_refused(app: Flask, client: FlaskClient) -> None:
    secret = token_for(app, "aigerim", "researcher")
    assert invoke(app, "users", "deactivate", "aigerim")[0] == 0
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_cli_creates_lists_and_revokes_tokens(app: Flask, client: FlaskClient) -> None:
    make_user(app, "aigerim", "researcher")
    code, output = invoke(app, "users", "token", "create", "aigerim", "--name", "R scripts", "--scope", "submit")
    assert code == 0, output
    secret = re.search(r"^(sat_\S+)$", output, re.M)
    assert secret, output
    assert client.get("/api/v1/me", headers=bearer(secret.group(1))).json["token"]["scope"] == "submit"
    code, listing = invoke(app, "users", "token", "list", "aigerim")
    assert code == 0 and "R scripts" in listing and "active" in listing and secret.group(1) not in listing
    token_id = listing.split()[0]
    assert invoke(app, "users", "token", "revoke", "aigerim", token_id) == (
        0,
        f"Token {token_id} of 'aigerim' is revoked.\n",
    )
    assert "revoked" in invoke(app, "users", "token", "list", "aigerim")[1]
    assert client.get("/api/v1/me", headers=bearer(secret.group(1))).status_code == 401
    assert _actions(app)[-2:] == ["api_token_create", "api_token_revoke"]


def test_cli_refuses_bad_input_in_one_line(app: Flask) -> None:
    make_user(app, "aigerim", "researcher")
    code, output = invoke(app, "users", "token", "create", "nobody", "--name", "x")
    assert code != 0 and "No user named 'nobody'" in output
    code, output = invoke(app, "users", "token", "create", "aigerim", "--name", "x", "--days", "1000")
    assert code != 0 and "Traceback" not in output
    code, output = invoke(app, "users", "token", "revoke", "aigerim", "99")
    assert code != 0 and "has no token 99" in output


def test_the_web_page_shows_a_new_token_once_and_revokes_it(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "aigerim", "ministry")
    auth.login("aigerim")
    client.set_cookie("lang", "ru")
    token = csrf_token(client, "/auth/tokens")
    page = client.post("/auth/tokens", data={"name": "Power BI", "scope": "read", "days": "30", "csrf_token": token})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Скопируйте новый токен сейчас" in text
    secret = re.search(r'<code id="new-token">([^<]+)</code>', text).group(1)
    assert secret not in client.get("/auth/tokens").get_data(as_text=True)  # shown once
    assert client.get("/api/v1/me", headers=bearer(secret)).json["username"] == "aigerim"
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    revoked = client.post(f"/auth/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/auth/tokens")})
    assert revoked.status_code == 302
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_the_web_page_refuses_a_bad_form_and_other_users_tokens(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    token_for(app, "other", "researcher")
    make_user(app, "aigerim", "researcher")
    auth.login("aigerim")
    token = csrf_token(client, "/auth/tokens")
    assert (
        client.post("/auth/tokens", data={"name": "", "scope": "read", "days": "30", "csrf_token": token}).status_code
        == 422
    )
    assert (
        client.post("/auth/tokens", data={"name": "x", "scope": "root", "days": "30", "csrf_token": token}).status_code
        == 422
    )
    with app.app_context():
        other_id = db.session.scalar(select(ApiToken.id))
    assert client.post(f"/auth/tokens/{other_id}/revoke", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, other_id).revoked_at is None


def test_the_token_page_needs_a_sign_in(client: FlaskClient) -> None:
    assert client.get("/auth/tokens").status_code == 302
