"""The web session's cookie still works for the API, and its writes still need the CSRF token."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions, csrf_token, make_user


def test_cookie_writes_need_the_csrf_header(
    app: Flask, client: FlaskClient, auth: AuthActions, runs: dict[str, int]
) -> None:
    make_user(app, "aigerim", "researcher")
    auth.login("aigerim")
    assert client.get("/api/v1/runs", headers={"Accept-Language": "ru"}).status_code == 200
    url = f"/api/v1/runs/{runs['draft']}/publish"
    refused = client.post(url, headers={"Accept-Language": "ru"})
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    assert "X-CSRFToken" in refused.json["detail"]
    token = csrf_token(client, "/auth/tokens")
    assert client.post(url, headers={"X-CSRFToken": token}).status_code == 200
