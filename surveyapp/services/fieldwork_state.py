"""Closing and reopening fieldwork of a published version (the web page and `flask questionnaires` share it).

Closed means no new response starts: the open link and unused invitations show a "survey closed" page. What
was already started is not lost: a respondent with a started response (page link, resume code, or a started
invitation) may still finish and send it, and ODK Collect submissions of a closed version are still stored,
because an interviewer's form was filled in before the closing and may wait in the device's outbox for days
(the closed version is no longer offered in the form list, so no new interview downloads it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import StoredVersion, User
from surveyapp.models.base import utcnow


@dataclass(frozen=True)
class FieldworkChange:
    instrument: str
    version: str
    closed: bool
    # False when the version already was in the asked state (nothing changed, nothing audited).
    changed: bool


def _label(row: StoredVersion) -> str:
    return f"{row.instrument.code}/{row.version}"


def close(row: StoredVersion, user: User | None) -> FieldworkChange:
    if row.fieldwork_closed_at is not None:
        return FieldworkChange(row.instrument.code, row.version, True, False)
    row.fieldwork_closed_at = utcnow()
    row.fieldwork_closed_by_id = user.id if user is not None else None
    audit.record("fieldwork_close", "questionnaire_version", _label(row), {}, user)
    _memory().pop(row.id, None)
    return FieldworkChange(row.instrument.code, row.version, True, True)


def reopen(row: StoredVersion, user: User | None) -> FieldworkChange:
    if row.fieldwork_closed_at is None:
        return FieldworkChange(row.instrument.code, row.version, False, False)
    when = row.fieldwork_closed_at
    row.fieldwork_closed_at = None
    row.fieldwork_closed_by_id = None
    audit.record("fieldwork_reopen", "questionnaire_version", _label(row), {"closed_at": when.isoformat()}, user)
    _memory().pop(row.id, None)
    return FieldworkChange(row.instrument.code, row.version, False, True)


# How long a consent page's GET may go by this process's memory of the state: the most visited page needs no
# query (tests/surveyapp/test_respond.py), while "agree", which starts a response, always asks the database.
STATE_SECONDS = 30.0
_STATE_KEY = "surveyapp.fieldwork_state"


def _memory() -> dict[int, tuple[float, bool]]:
    cache: dict[int, tuple[float, bool]] = current_app.extensions.setdefault(_STATE_KEY, {})
    return cache


def closed_at(version_id: int) -> datetime | None:
    """When the version's fieldwork was closed, None while it is open (a primary-key read)."""
    value = db.session.scalar(select(StoredVersion.fieldwork_closed_at).where(StoredVersion.id == version_id))
    _memory()[version_id] = (time.monotonic(), value is not None)
    return value


def is_closed(version_id: int, fresh: bool) -> bool:
    """Closed or not; with ``fresh`` from the database, else possibly as it was up to STATE_SECONDS ago in
    another process (this process's own closing and reopening are seen at once)."""
    seen = _memory().get(version_id)
    if not fresh and seen is not None and time.monotonic() - seen[0] < STATE_SECONDS:
        return seen[1]
    return closed_at(version_id) is not None
