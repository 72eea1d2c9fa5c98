"""A researcher's decision to keep one submitted response out of indicator computation (a duplicate, a test
interview, an impossible pattern), with a reason, audited; re-including it undoes that. The answers stay as
submitted: an exclusion is a flag on the response, read by the computation, the fieldwork page and exports."""

from __future__ import annotations

from dataclasses import dataclass

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import ResponseStatus, SurveyResponse, User
from surveyapp.models.base import utcnow

REASON_LIMIT = 500


class ExclusionError(Exception):
    """The exclusion cannot be made; the message says why in one line. Nothing was changed."""


@dataclass(frozen=True)
class ExclusionChange:
    response_id: int
    excluded: bool
    reason: str


def _response(response_id: int) -> SurveyResponse:
    row = db.session.get(SurveyResponse, response_id)
    if row is None or row.is_test:
        # A draft's test response is never counted, so it cannot be excluded or included either.
        raise ExclusionError(f"no response {response_id}")
    return row


def _reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise ExclusionError("a reason is required (say why, e.g. 'duplicate of a CATI interview')")
    if len(text) > REASON_LIMIT:
        raise ExclusionError(f"the reason is {len(text)} characters long; at most {REASON_LIMIT}")
    return text


def exclude(response_id: int, reason: str, user: User | None = None) -> ExclusionChange:
    """Mark the response as excluded; the caller commits (the audit event goes with it)."""
    text = _reason(reason)
    row = _response(response_id)
    if row.status != ResponseStatus.SUBMITTED.value:
        raise ExclusionError(
            f"response {response_id} is {row.status.replace('_', ' ')}: only submitted responses enter the "
            "computation, so only they can be excluded"
        )
    if row.excluded_at is not None:
        raise ExclusionError(f"response {response_id} is already excluded ({row.exclusion_reason})")
    row.excluded_at = utcnow()
    row.exclusion_reason = text
    row.excluded_by_id = user.id if user is not None else None
    audit.record("response_exclude", "response", response_id, {"reason": text}, user)
    return ExclusionChange(response_id, True, text)


def include(response_id: int, reason: str = "", user: User | None = None) -> ExclusionChange:
    """Take the exclusion back; the reason (optional) goes to the audit trail with the earlier one."""
    row = _response(response_id)
    if row.excluded_at is None:
        raise ExclusionError(f"response {response_id} is not excluded")
    text = " ".join(reason.split())[:REASON_LIMIT]
    audit.record(
        "response_include", "response", response_id, {"reason": text, "excluded_for": row.exclusion_reason}, user
    )
    row.excluded_at = None
    row.exclusion_reason = ""
    row.excluded_by_id = None
    return ExclusionChange(response_id, False, text)
