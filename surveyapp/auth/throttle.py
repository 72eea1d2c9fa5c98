"""Throttling of failed logins per username, so passwords cannot be guessed by brute force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from surveyapp.extensions import db
from surveyapp.models import LoginThrottle
from surveyapp.models.base import utcnow


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _key(username: str) -> str:
    return username.lower()[:80]


def begin_attempt(username: str) -> timedelta | None:
    """Count a login attempt before its password is checked; the remaining lock time when it is refused.

    Counting after the check let simultaneous wrong guesses all pass the lock test before any was counted
    (30 at once gave 7 password checks for a limit of 5). Here the attempt is counted under a lock on the
    username's row and committed at once, so at most LOGIN_MAX_FAILURES passwords are ever checked per
    window; a correct password then clears the count (``clear``).
    """
    key = _key(username)
    insert = sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else postgresql_insert
    # Makes sure the row exists to be locked; on SQLite this write also takes the database's write lock.
    db.session.execute(insert(LoginThrottle).values(username=key, failures=0).on_conflict_do_nothing())
    row = db.session.scalar(
        select(LoginThrottle)
        .where(LoginThrottle.username == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:  # pragma: no cover - inserted a moment ago in this transaction
        raise RuntimeError(f"login_throttle row {key!r} vanished")
    now = utcnow()
    locked_until = _aware(row.locked_until)
    if locked_until is not None and locked_until > now:
        db.session.commit()
        return locked_until - now
    window = timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    first = _aware(row.first_failure_at)
    if first is None or now - first > window or locked_until is not None:
        row.failures, row.first_failure_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        row.locked_until = now + window  # this attempt is the last one checked
    db.session.commit()
    return None


def is_locked(username: str) -> bool:
    """Whether the attempts counted so far lock the username (after a failed check, for the audit)."""
    row = db.session.get(LoginThrottle, _key(username))
    return row is not None and row.locked_until is not None


def clear(username: str) -> None:
    # A statement, not a loaded row: two sign-ins of one user at once (ODK Collect resending, two tabs) both
    # clear the count, and deleting a row the other already deleted must not fail the second sign-in.
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.username == _key(username)))
