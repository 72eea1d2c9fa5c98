"""Throttling of failed logins per username, so passwords cannot be guessed by brute force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app

from surveyapp.extensions import db
from surveyapp.models import LoginThrottle
from surveyapp.models.base import utcnow


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def locked_for(username: str) -> timedelta | None:
    """How long logins for ``username`` stay refused, or None when they are allowed."""
    row = db.session.get(LoginThrottle, username.lower())
    locked_until = _aware(row.locked_until) if row else None
    if locked_until is None:
        return None
    remaining = locked_until - utcnow()
    return remaining if remaining > timedelta(0) else None


def register_failure(username: str) -> bool:
    """Count a failed login; returns True when this failure locks the username."""
    key = username.lower()[:80]
    now = utcnow()
    window = timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    row = db.session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(username=key, failures=0)
        db.session.add(row)
    first = _aware(row.first_failure_at)
    if first is None or now - first > window:
        row.failures, row.first_failure_at, row.locked_until = 0, now, None
    row.failures += 1
    locked = row.failures >= current_app.config["LOGIN_MAX_FAILURES"]
    if locked:
        row.locked_until = now + window
    return locked


def clear(username: str) -> None:
    row = db.session.get(LoginThrottle, username.lower())
    if row is not None:
        db.session.delete(row)
