"""A respondent taking back their own submitted response with its resume code.

Until results have been computed for the year the response was submitted in, nothing of it is kept: the row
is deleted. Once a computation has used it, the answers are still erased, but a bare row marked "withdrawn"
stays (version and submission time only), so the next computation of that year can say in its report how
many responses were left out since. The audit event records that a withdrawal happened, never what was
withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, ResponseStatus, SurveyResponse
from surveyapp.models.base import utcnow
from surveyapp.respond.flow import aware


class WithdrawalError(Exception):
    """Only a submitted response can be withdrawn (an unfinished one simply expires)."""


@dataclass(frozen=True)
class Withdrawal:
    year: int
    after_computation: bool  # the year's results were computed with this response in them


def results_computed(year: int) -> bool:
    return bool(db.session.scalar(select(func.count()).where(ComputationRun.year == year)))


def withdraw(response: SurveyResponse) -> Withdrawal:
    """Erase the response (the caller holds its row lock and commits)."""
    if response.status != ResponseStatus.SUBMITTED.value or response.submitted_at is None:
        raise WithdrawalError("only a submitted response can be withdrawn")
    year = aware(response.submitted_at).year
    if response.is_test:
        # A draft's test response was never part of any result: it simply goes.
        db.session.delete(response)
        return Withdrawal(year, False)
    after = results_computed(year)
    audit.record(
        "response_withdrawn",
        "questionnaire_version",
        response.version_id,
        {"year": year, "after_computation": after},
    )
    if not after:
        db.session.delete(response)
        return Withdrawal(year, False)
    response.status = ResponseStatus.WITHDRAWN.value
    response.answers = {}
    response.page_languages = {}
    response.design = {}
    response.paradata = {"withdrawn_at": utcnow().isoformat()}
    response.quality_flags = []
    response.language = ""
    response.current_section = ""
    response.resume_code = None
    response.access_token_hash = None
    return Withdrawal(year, True)
