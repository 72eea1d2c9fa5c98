"""Unfinished responses past their expiry: closed for good, so nobody can reopen them with an old code."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import update
from sqlalchemy.engine import CursorResult

from surveyapp.extensions import db
from surveyapp.models import ResponseStatus, SurveyResponse
from surveyapp.models.base import utcnow


def expire_partials() -> int:
    """Mark every in-progress response whose expiry has passed as expired; returns how many."""
    # An UPDATE returns a cursor result, which carries the row count.
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(SurveyResponse)
            .where(SurveyResponse.status == ResponseStatus.IN_PROGRESS.value, SurveyResponse.expires_at < utcnow())
            .values(status=ResponseStatus.EXPIRED.value, resume_code=None, invitation_id=None)
        ),
    )
    return int(result.rowcount or 0)
