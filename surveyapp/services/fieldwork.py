"""Fieldwork figures for one questionnaire version: how many started, finished and broke off, where, when."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from surveyapp.extensions import db
from surveyapp.models import Invitation, InvitationStatus, ResponseStatus, StoredVersion, SurveyResponse
from surveyapp.models.base import utcnow
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.expiry import never_opened


@dataclass
class Fieldwork:
    invitations: dict[str, int]
    started: int
    submitted: int
    in_progress: int
    expired: int
    # Made by the consent page but whose first page never reached the respondent (the reply was lost, or the
    # tab closed at once): neither started in earnest nor a break-off.
    never_opened: int
    withdrawn: int
    # Submitted, but kept out of indicator computation by a researcher (services/exclusion.py).
    excluded: int
    per_day: list[tuple[date, int]]
    per_region: list[tuple[str, int]]
    per_language: list[tuple[str, int]]
    # "web" (self-completed) or "interviewer" (ODK Collect, face to face): the two are read differently.
    per_mode: list[tuple[str, int]]
    breakoff_by_page: list[tuple[str, int]]
    flagged: dict[str, int] = field(default_factory=dict)
    # Invitations (not revoked) per region of the sample; empty when the sample names no region.
    invited_per_region: dict[str, int] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float | None:
        return self.submitted / self.started if self.started else None

    @property
    def invited(self) -> int:
        # A revoked link never reached its person (sent to the wrong one, a duplicate): not part of the sample.
        return sum(n for status, n in self.invitations.items() if status != "revoked")

    @property
    def response_rate(self) -> float | None:
        done = self.invitations.get("submitted", 0)
        return done / self.invited if self.invited else None


def fieldwork(row: StoredVersion, domain: QuestionnaireVersion) -> Fieldwork:
    invitations = dict(
        db.session.execute(
            select(Invitation.status, func.count()).where(Invitation.version_id == row.id).group_by(Invitation.status)
        ).all()
    )
    invited_per_region: Counter[str] = Counter()
    for (sample,) in db.session.execute(
        select(Invitation.sample).where(
            Invitation.version_id == row.id, Invitation.status != InvitationStatus.REVOKED.value
        )
    ).all():
        region = (sample or {}).get("region")
        if region not in (None, ""):
            invited_per_region[str(region)] += 1
    unfinished = SurveyResponse.status.in_([ResponseStatus.IN_PROGRESS.value, ResponseStatus.EXPIRED.value])
    orphan = case((unfinished & never_opened(), 1), else_=0)
    overdue_flag = case(
        ((SurveyResponse.status == ResponseStatus.IN_PROGRESS.value) & (SurveyResponse.expires_at < utcnow()), 1),
        else_=0,
    )
    counts: Counter[str] = Counter()
    for status, is_orphan, is_overdue, count in db.session.execute(
        select(SurveyResponse.status, orphan, overdue_flag, func.count())
        .where(SurveyResponse.version_id == row.id)
        .group_by(SurveyResponse.status, orphan, overdue_flag)
    ).all():
        if is_orphan:
            counts["never_opened"] += count
        elif is_overdue:
            # Counted as of now, whether or not `flask responses expire` has closed them yet.
            counts[ResponseStatus.EXPIRED.value] += count
        else:
            counts[status] += count
    submitted_rows = db.session.execute(
        select(
            SurveyResponse.submitted_at,
            SurveyResponse.language,
            SurveyResponse.design,
            SurveyResponse.quality_flags,
            SurveyResponse.excluded_at,
            SurveyResponse.mode,
        ).where(SurveyResponse.version_id == row.id, SurveyResponse.status == ResponseStatus.SUBMITTED.value)
    ).all()
    per_day: Counter[date] = Counter()
    per_region: Counter[str] = Counter()
    per_language: Counter[str] = Counter()
    per_mode: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    excluded = 0
    for submitted_at, language, design, flags, excluded_at, mode in submitted_rows:
        excluded += excluded_at is not None
        per_mode[mode] += 1
        per_day[submitted_at.date()] += 1
        per_region[str((design or {}).get("region", "—"))] += 1
        per_language[language] += 1
        for flag in flags or []:
            flagged[flag] += 1
    breakoff = dict(
        db.session.execute(
            select(SurveyResponse.current_section, func.count())
            .where(SurveyResponse.version_id == row.id, unfinished, ~never_opened())
            .group_by(SurveyResponse.current_section)
        ).all()
    )
    order = [section.code for section in domain.sections]
    return Fieldwork(
        invitations=invitations,
        started=sum(n for key, n in counts.items() if key != "never_opened"),
        submitted=counts[ResponseStatus.SUBMITTED.value],
        in_progress=counts[ResponseStatus.IN_PROGRESS.value],
        expired=counts[ResponseStatus.EXPIRED.value],
        never_opened=counts["never_opened"],
        withdrawn=counts[ResponseStatus.WITHDRAWN.value],
        excluded=excluded,
        per_day=sorted(per_day.items()),
        per_region=sorted(per_region.items(), key=lambda kv: (-kv[1], kv[0])),
        per_language=sorted(per_language.items()),
        per_mode=sorted(per_mode.items()),
        breakoff_by_page=[(code, breakoff.get(code, 0)) for code in order],
        flagged=dict(flagged),
        invited_per_region=dict(invited_per_region),
    )
