"""Configuration from the environment, with safe defaults for development only."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from analysis.vocabulary import LANGUAGES
from surveyapp import stored_json
from surveyapp.bundled import data_dir

DEV_SECRET_KEY = "dev-only-not-for-production"  # noqa: S105 - refused in production by check_production()


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to set."""


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg 3, the driver we install (psycopg2 is not)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(instance_path: str) -> dict[str, Any]:
    env = os.environ
    app_env = env.get("APP_ENV", "development").strip().lower()
    production = app_env == "production"
    default_db = "sqlite:///" + str(Path(instance_path) / "surveyapp.sqlite3")
    database_url = env.get("DATABASE_URL", "").strip()
    return {
        "APP_ENV": app_env,
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        "DATABASE_URL_GIVEN": bool(database_url),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url or default_db),
        # Database errors must not quote the answers they failed to store into the log; JSON columns decode
        # with orjson (stored_json.py).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True, "json_deserializer": stored_json.loads},
        "LOG_FORMAT": env.get("LOG_FORMAT", "json" if production else "text").strip().lower(),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").strip().upper(),
        "DATABASE_PING_AFTER_IDLE_SECONDS": float(env.get("DATABASE_PING_AFTER_IDLE_SECONDS", "1")),
        "BABEL_DEFAULT_LOCALE": env.get("DEFAULT_LANGUAGE", "kk"),
        "BABEL_DEFAULT_TIMEZONE": env.get("TIMEZONE", "Asia/Almaty"),
        "LANGUAGES": LANGUAGES,
        "LANGUAGE_COOKIE": "lang",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env.get("SESSION_HOURS", "8"))),
        "WTF_CSRF_TIME_LIMIT": None,
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(env.get("LOGIN_LOCK_MINUTES", "15")),
        # Rate limits per client address (see surveyapp/rate_limits.py); Redis in production.
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1").strip() != "0",
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://").strip(),
        "RATELIMIT_RESPONDENT_START": env.get("RATELIMIT_RESPONDENT_START", "30 per minute;300 per hour"),
        "RATELIMIT_RESUME": env.get("RATELIMIT_RESUME", "10 per minute;60 per hour"),
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute;60 per hour"),
        "RATELIMIT_API": env.get("RATELIMIT_API", "120 per minute"),
        "PARTIAL_EXPIRY_DAYS": int(env.get("PARTIAL_EXPIRY_DAYS", "30")),
        # Days an invitation's sample variables are kept after it was used (or, never used, after it was made).
        "SAMPLE_RETENTION_DAYS": int(env.get("SAMPLE_RETENTION_DAYS", "90")),
        # Free-text answers may hold names: EXPORT_FREE_TEXT=0 leaves those columns out of every export.
        "EXPORT_FREE_TEXT": env.get("EXPORT_FREE_TEXT", "1").strip() != "0",
        # Export jobs write their files here; the web workers stream them from here, so with RQ workers on other
        # machines it must be a shared folder. Files older than EXPORT_KEEP_HOURS are removed.
        "EXPORTS_DIR": env.get("EXPORTS_DIR", "").strip() or str(Path(instance_path) / "exports"),
        "EXPORT_KEEP_HOURS": int(env.get("EXPORT_KEEP_HOURS", "24")),
        # Set HSTS_SECONDS (e.g. 31536000) only when TLS terminates in front of every request; TRUSTED_PROXIES is
        # the number of reverse proxies (nginx: 1) whose X-Forwarded-* headers are believed.
        "HSTS_SECONDS": int(env.get("HSTS_SECONDS", "0")),
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # /openrosa takes Basic credentials, so only over HTTPS; 1 lets a local trial use plain HTTP.
        "OPENROSA_ALLOW_HTTP": env.get("OPENROSA_ALLOW_HTTP", "0").strip() == "1",
        # A questionnaire page is a few kilobytes; the largest form of the app (a staff page) is far below these.
        # Anything bigger is refused with a 413 before a view runs (Flask 3.1 reads the last two).
        "MAX_CONTENT_LENGTH": int(env.get("MAX_REQUEST_BYTES", str(1024 * 1024))),
        "MAX_FORM_MEMORY_SIZE": int(env.get("MAX_FORM_FIELD_BYTES", str(64 * 1024))),
        "MAX_FORM_PARTS": int(env.get("MAX_FORM_FIELDS", "500")),
        # The staff's file uploads (margins, administrative figures, samples) take up to this much; the file waits
        # in UPLOADS_DIR (shared by the web workers) between its preview and its confirmation, at most an hour.
        "UPLOAD_MAX_BYTES": int(env.get("MAX_UPLOAD_BYTES", str(50 * 1024 * 1024))),
        "UPLOADS_DIR": env.get("UPLOADS_DIR", "").strip() or str(Path(instance_path) / "uploads"),
        # Background jobs (services/jobs.py): RQ on this Redis, run by `flask jobs worker`; unset, the app runs
        # them in threads of its own process (the embedded default).
        "REDIS_URL": env.get("REDIS_URL", "").strip(),
        "QUESTIONNAIRES_DIR": env.get("QUESTIONNAIRES_DIR") or str(data_dir("questionnaires")),
    }


def check_production(config: dict[str, Any]) -> None:
    """Refuse to run in production with the development secret or the embedded database."""
    if config.get("APP_ENV") != "production":
        return
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < 32:
        problems.append(
            "SECRET_KEY is the development key or shorter than 32 characters; set SECRET_KEY to a long "
            'random value, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
        )
    if not config.get("DATABASE_URL_GIVEN"):
        problems.append(
            "DATABASE_URL is not set; set it to the PostgreSQL database, "
            "e.g. postgresql+psycopg://user:password@host:5432/surveyapp"
        )
    if problems:
        raise ConfigError("Refusing to start in production (APP_ENV=production): " + "; ".join(problems))
