"""Rate limits on starting responses, resuming, signing in and the API, in memory and in Redis."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from surveyapp import create_app
from surveyapp.config import ConfigError
from surveyapp.extensions import db
from surveyapp.models import SurveyResponse
from tests.surveyapp.respond_helpers import publish_file, readme_example

REDIS_URI = "redis://127.0.0.1:6379/0"


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1).ping())
    except Exception:
        return False


STORAGES = [
    pytest.param("memory://", id="memory"),
    pytest.param(REDIS_URI, id="redis",
                 marks=pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")),
]  # fmt: skip

MakeApp = Callable[..., Flask]


@pytest.fixture(params=STORAGES)
def make_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeApp]:
    """Apps with rate limits on, small limits, one database and one counter namespace per test."""
    prefix = f"surveyapp-test-{uuid.uuid4().hex}"  # never shares Redis keys with another run
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rate.sqlite3'}",
            "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": request.param, "RATELIMIT_KEY_PREFIX": prefix,
            "RATELIMIT_RESPONDENT_START": "3 per minute", "RATELIMIT_RESUME": "2 per minute",
            "RATELIMIT_LOGIN": "4 per minute", "RATELIMIT_API": "5 per minute",
            **overrides,
        })  # fmt: skip
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_login_posts_are_limited_with_a_translated_429_page(make_app: MakeApp) -> None:
    client = make_app().test_client()
    form = {"username": "nobody", "password": "wrong"}
    assert [client.post("/auth/login", data=form).status_code for _ in range(4)] == [401] * 4
    client.set_cookie("lang", "kk")
    refused = client.post("/auth/login", data=form)
    assert refused.status_code == 429
    assert "Сұраулар тым көп" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    client.set_cookie("lang", "ru")
    assert "Слишком много запросов" in client.post("/auth/login", data=form).get_data(as_text=True)
    assert client.get("/auth/login").status_code == 200  # looking at the page is never limited


def test_each_client_address_has_its_own_counter(make_app: MakeApp) -> None:
    client = make_app().test_client()
    form = {"username": "nobody", "password": "wrong"}
    for _ in range(4):
        client.post("/auth/login", data=form, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert client.post("/auth/login", data=form, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 429
    other = {"username": "somebody", "password": "wrong"}  # another account: the app's own lock-out plays no part
    assert client.post("/auth/login", data=other, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 401


def test_starting_responses_is_limited_and_refused_starts_store_nothing(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    version = publish_file(app, readme_example(tmp_path))
    url = f"/q/{version.instrument}/{version.version}"
    client = app.test_client()
    answers = [client.post(url, data={"action": "agree", "lang": "ru"}).status_code for _ in range(5)]
    assert answers[:3] == [302, 302, 302]
    assert answers[3:] == [429, 429]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 3
    assert client.get(url).status_code == 200  # the consent page itself is not limited


def test_resume_code_guesses_are_limited(make_app: MakeApp) -> None:
    client = make_app().test_client()
    codes = [client.post("/resume", data={"code": f"ABCD{i:04d}"}).status_code for i in range(3)]
    assert codes == [400, 400, 429]


def test_api_is_limited_in_json_and_health_is_exempt(make_app: MakeApp) -> None:
    client = make_app().test_client()
    codes = [client.get("/api/v1/me").status_code for _ in range(6)]
    assert 429 not in codes[:5]
    assert codes[5] == 429
    body = client.get("/api/v1/me").get_json()
    assert body["status"] == 429
    assert all(client.get("/api/v1/health").status_code == 200 for _ in range(10))


def test_limits_can_be_turned_off(make_app: MakeApp) -> None:
    client = make_app(RATELIMIT_ENABLED=False).test_client()
    assert [client.post("/resume", data={"code": "ABCD0000"}).status_code for _ in range(5)] == [400] * 5


def test_a_limit_that_does_not_parse_is_refused_at_start(make_app: MakeApp) -> None:
    with pytest.raises(ConfigError, match="RATELIMIT_LOGIN='lots' is not a rate limit"):
        make_app(RATELIMIT_LOGIN="lots")


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_app_servers_sharing_redis_share_the_counters(tmp_path: Path) -> None:
    prefix = f"surveyapp-test-{uuid.uuid4().hex}"
    servers = []
    for name in ("a", "b"):  # two app servers: separate processes in production, separate apps here
        app = create_app({
            "TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / (name + '.sqlite3')}",
            "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URI, "RATELIMIT_KEY_PREFIX": prefix,
            "RATELIMIT_LOGIN": "4 per minute",
        })  # fmt: skip
        with app.app_context():
            db.create_all()
        servers.append(app.test_client())
    form = {"username": "nobody", "password": "wrong"}
    for i in range(4):
        assert servers[i % 2].post("/auth/login", data=form).status_code == 401
    assert servers[0].post("/auth/login", data=form).status_code == 429
    assert servers[1].post("/auth/login", data=form).status_code == 429


def test_api_counts_per_token(make_app: MakeApp) -> None:
    from tests.surveyapp.api.helpers import bearer, token_for

    app = make_app()
    first, second = bearer(token_for(app, "one", "researcher")), bearer(token_for(app, "two", "researcher"))
    client = app.test_client()
    assert [client.get("/api/v1/me", headers=first).status_code for _ in range(6)][5] == 429
    # Same address, another token: a counter of its own.
    assert client.get("/api/v1/me", headers=second).status_code == 200
