"""Unfinished responses past their expiry: closed for good and their answers purged, so nobody can reopen them
with an old code and nothing a respondent left unfinished is kept beyond PARTIAL_EXPIRY_DAYS.

What stays of a purged response is its version, status and the page it was left on (the break-off figures
of the fieldwork page); a response whose first page was never opened (the "start" reply was lost on its way
to the respondent) is deleted outright: nobody saw a question, there is nothing to count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Text, and_, delete, or_, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import CursorResult

from surveyapp.extensions import db
from surveyapp.models import ResponseStatus, SurveyResponse
from surveyapp.models.base import utcnow

# Kept of paradata after the purge: that the respondent did see a page (never-opened ones are deleted first).
_PURGED_PARADATA = {"opened": True}


@dataclass(frozen=True)
class Purge:
    expired: int  # in progress until now, past their expiry
    purged: int  # expired responses whose answers were erased (the newly expired and older ones)
    never_opened: int  # deleted: created by the consent page, first page never opened


def never_opened() -> ColumnElement[bool]:
    """An unfinished response whose first page was never shown.

    Every page view sets ``paradata.opened``; responses from before that marker count as opened when a page
    view is pending (``viewing``) or any answer is stored."""
    return and_(
        SurveyResponse.paradata["opened"].as_string().is_(None),
        SurveyResponse.paradata["viewing"].as_string().is_(None),
        sql_cast(SurveyResponse.answers, Text) == "{}",
    )


def _rows(statement: Any) -> int:
    # A DELETE or UPDATE returns a cursor result, which carries the row count.
    return int(cast(CursorResult[Any], db.session.execute(statement)).rowcount or 0)


def purge_partials() -> Purge:
    """Close every overdue in-progress response and erase the answers of every expired one."""
    now = utcnow()
    overdue = and_(SurveyResponse.status == ResponseStatus.IN_PROGRESS.value, SurveyResponse.expires_at < now)
    closed = SurveyResponse.status == ResponseStatus.EXPIRED.value
    orphans = _rows(
        delete(SurveyResponse).where(or_(overdue, closed), never_opened()).execution_options(synchronize_session=False)
    )
    erased: dict[str, Any] = {
        "answers": {},
        "page_languages": {},
        "design": {},
        "paradata": _PURGED_PARADATA,
        "quality_flags": [],
        "resume_code": None,
        "access_token_hash": None,
        "invitation_id": None,
    }
    expired = _rows(
        update(SurveyResponse)
        .where(overdue)
        .values(status=ResponseStatus.EXPIRED.value, **erased)
        .execution_options(synchronize_session=False)
    )
    # Expired before answers were purged (or by an older version of this command): erase them now.
    older = _rows(
        update(SurveyResponse)
        .where(closed, sql_cast(SurveyResponse.answers, Text) != "{}")
        .values(**erased)
        .execution_options(synchronize_session=False)
    )
    return Purge(expired=expired, purged=expired + older, never_opened=orphans)
