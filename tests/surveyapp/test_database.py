"""Pooled connections: pinged only after sitting idle, and a dead one never reaches a request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, exc, text
from sqlalchemy.engine import Connection, Engine

from surveyapp import database
from surveyapp.config import normalise_database_url
from surveyapp.extensions import db
from tests.conftest import BACKENDS, TEST_DATABASE_URL


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'pool.sqlite3'}" if request.param == "sqlite" else TEST_DATABASE_URL
    engine = create_engine(normalise_database_url(url), pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _identity(connection: Connection) -> Any:
    if connection.dialect.name == "postgresql":
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return connection.connection.dbapi_connection  # the object itself: an id() could be reused


def _kill_behind_the_pools_back(engine: Engine) -> Any:
    """Use the pooled connection once, then break it the way a server restart would."""
    with engine.connect() as connection:
        identity = _identity(connection)
        raw = connection.connection.dbapi_connection
    if engine.dialect.name == "postgresql":
        with engine.pool._creator() as killer:  # type: ignore[attr-defined]  # a connection outside the pool
            killer.execute("SELECT pg_terminate_backend(%s)", (identity,))
    else:
        raw.close()
    return identity


def test_a_dead_idle_connection_is_replaced_before_use(engine: Engine) -> None:
    database.ping_after_idle(engine, idle_seconds=0.0)
    dead = _kill_behind_the_pools_back(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
        assert _identity(connection) != dead


def test_without_the_ping_the_dead_connection_reaches_the_caller(engine: Engine) -> None:
    # The control for the test above: the scenario really breaks a connection.
    _kill_behind_the_pools_back(engine)
    with pytest.raises(exc.DBAPIError), engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _pings_over_three_uses(engine: Engine, idle_seconds: float, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    pings: list[object] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn))
    database.ping_after_idle(engine, idle_seconds=idle_seconds)
    for _ in range(3):
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    return pings


def test_a_connection_returned_a_moment_ago_is_not_pinged(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _pings_over_three_uses(engine, 60.0, monkeypatch) == []


def test_an_idle_connection_is_pinged(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _pings_over_three_uses(engine, 0.0, monkeypatch)
    assert len(pings) == 2  # not the brand-new connection, then every reuse


def test_the_app_replaces_a_connection_that_died_while_idle(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        dead = _kill_behind_the_pools_back(db.engine)
        # Later than DATABASE_PING_AFTER_IDLE_SECONDS after the connection went back to the pool.
        later = database.time.monotonic() + app.config["DATABASE_PING_AFTER_IDLE_SECONDS"] + 5
        monkeypatch.setattr(database.time, "monotonic", lambda: later)
    answer = app.test_client().get("/api/v1/health")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}
    with app.app_context(), db.engine.connect() as connection:
        assert _identity(connection) != dead
