"""The audit trail through the API: admins only, newest first, in pages, with the web page's filters."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import invoke, make_user
from tests.surveyapp.api.helpers import bearer, token_for


def test_admins_page_through_the_trail(app: Flask, client: FlaskClient) -> None:
    auth = bearer(token_for(app, "root", "admin"))
    for name in ("a", "b", "c"):
        assert invoke(app, "users", "create", name, "--role", "researcher", "--password", "long enough pw")[0] == 0
    first = client.get("/api/v1/audit?action=user_create&limit=2", headers=auth).json
    assert [e["object_id"] for e in first["items"]] == ["c", "b"]
    assert first["items"][0]["actor"] == "command-line" and first["items"][0]["signed_in"] is False
    rest = client.get(f"/api/v1/audit?action=user_create&limit=2&cursor={first['next_cursor']}", headers=auth).json
    assert [e["object_id"] for e in rest["items"]] == ["a"] and rest["next_cursor"] is None
    token_events = client.get("/api/v1/audit?action=api_token_create", headers=auth).json["items"]
    assert token_events[0]["details"]["owner"] == "root"


def test_bad_filters_are_problems(app: Flask, client: FlaskClient) -> None:
    auth = {**bearer(token_for(app, "root", "admin")), "Accept-Language": "ru"}
    answer = client.get("/api/v1/audit?from=yesterday", headers=auth)
    assert answer.status_code == 400 and "yesterday" in answer.json["detail"]


@pytest.mark.parametrize("role", ["researcher", "ministry"])
def test_only_admins_read_the_trail(app: Flask, client: FlaskClient, role: str) -> None:
    make_user(app, "someone", "admin")
    assert client.get("/api/v1/audit", headers=bearer(token_for(app, "user", role))).status_code == 403
