"""Fixtures shared by every test package.

Database tests run on SQLite and, when TEST_DATABASE_URL points at a PostgreSQL server, on PostgreSQL too:
the ``app`` fixture is parametrized over the available backends.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, settings

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import User

# Property tests draw the same examples on every run (no example database, no time limits that a loaded
# 2-core machine could break): a submission can never fail on a fresh random draw or a slow moment.
settings.register_profile(
    "suite", deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("suite")

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
PASSWORD = "correct horse battery"

_pg_ready = False


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs() -> None:
    # `make test` compiles them too; this keeps a bare `pytest` run in the right languages.
    from surveyapp.cli.translate import compile_catalogs

    compile_catalogs()


def _database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return TEST_DATABASE_URL


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    global _pg_ready
    backend = request.param
    app = create_app(
        {
            "TESTING": True,
            "RATELIMIT_ENABLED": False,  # tests/surveyapp/test_rate_limits.py turns them on
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": _database_url(backend, tmp_path),
            "DEMO_LOGINS_FILE": str(tmp_path / "demo-logins.txt"),
            "DEMO_DIR": str(tmp_path / "demo"),
            "REPORTS_DIR": str(tmp_path / "reports"),
            "EXPORTS_DIR": str(tmp_path / "exports"),
            "UPLOADS_DIR": str(tmp_path / "uploads"),
            # Reports a job builds after a computation or a publication: one quick one (the PDFs are timed by
            # benchmarks/report_download_bench.py); a download of any other is built on demand by its own job.
            "REPORT_PREBUILD": ["ru.xlsx"],
            "QUESTIONNAIRES_DIR": str(Path(__file__).resolve().parent.parent / "questionnaires"),
        }
    )
    app.config["BACKEND"] = backend
    with app.app_context():
        if backend == "sqlite" or not _pg_ready:
            db.drop_all()
            db.create_all()
            _pg_ready = backend == "postgresql" or _pg_ready
    # No app context stays pushed during the test: each request must get its own, as in production,
    # or Flask-Babel's locale and Flask-Login's user would leak from one request into the next.
    yield app
    from surveyapp.services.jobs import wait_for_local_jobs

    # A job thread a test started must not write into the next test's tables.
    assert wait_for_local_jobs(timeout=300), "a background job did not finish"
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def make_user(app: Flask, username: str, role: str, password: str = PASSWORD, active: bool = True) -> int:
    with app.app_context():
        user = User(username=username, role=role, active=active)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user.id


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str = PASSWORD, **kwargs: Any) -> Any:
        token = csrf_token(self.client, "/auth/login")
        return self.client.post(
            "/auth/login",
            data={"username": username, "password": password, "csrf_token": token},
            **kwargs,
        )

    def logout(self) -> Any:
        token = csrf_token(self.client, "/")
        return self.client.post("/auth/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def invoke(app: Flask, *args: str) -> tuple[int, str]:
    """Run a `flask` command against the test app; (exit code, output)."""
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output
