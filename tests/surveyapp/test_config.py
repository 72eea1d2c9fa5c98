from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from surveyapp import create_app
from surveyapp.config import DEV_SECRET_KEY, ConfigError, normalise_database_url

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = "x" * 48


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "SECRET_KEY is the development key"),
        ({"SECRET_KEY": DEV_SECRET_KEY, "DATABASE_URL": "postgresql://db/x"}, "SECRET_KEY is the development key"),
        ({"SECRET_KEY": "short", "DATABASE_URL": "postgresql://db/x"}, "shorter than 32 characters"),
        ({"SECRET_KEY": STRONG_SECRET}, "DATABASE_URL is not set"),
    ],
)
def test_production_refuses_unsafe_configuration(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=expected):
        create_app()


def test_production_sets_secure_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_development_defaults_to_sqlite_under_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/surveyapp.sqlite3")
    assert app.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_normalised(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_wsgi_refuses_to_start_without_traceback() -> None:
    env = {"APP_ENV": "production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "Refusing to start in production" in result.stderr
    assert "Traceback" not in result.stderr
