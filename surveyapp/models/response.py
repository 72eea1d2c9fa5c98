"""Respondents' answers, each tied to the exact questionnaire version and language."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.extensions import db
from surveyapp.models.base import utcnow
from surveyapp.models.questionnaire import StoredVersion


class ResponseStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    EXPIRED = "expired"
    # Taken back by the respondent after submission: the answers are erased, the row stays only so the
    # report of a year whose results were already computed can say how many were left out since.
    WITHDRAWN = "withdrawn"


class SurveyResponse(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """No IP address, user agent, email or cookie identifier is ever stored here."""

    __tablename__ = "response"
    # A test response (made through a draft's test link) belongs to the draft and to no published version, so
    # every count, export and computation, which all select by published version, leaves it out by construction.
    __table_args__ = (
        CheckConstraint(
            "(is_test AND draft_id IS NOT NULL AND version_id IS NULL) "
            "OR (NOT is_test AND draft_id IS NULL AND version_id IS NOT NULL)",
            name="version_or_draft",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL only for a test response (``is_test``), which has ``draft_id`` instead.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_version.id"), index=True)
    is_test: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Deleted with its draft (the database cascades; services/drafts.py also deletes them explicitly).
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_draft.id", ondelete="CASCADE"), index=True
    )
    # Copied from the version so an export needs no join to know exactly what the respondent saw (for a test
    # response: the sha256 of the draft's content when the test started).
    version_sha256: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), default=ResponseStatus.IN_PROGRESS.value, index=True)
    mode: Mapped[str] = mapped_column(String(20), default="web")
    # Set for mode "interviewer": who collected it (an account, not the respondent) and the instanceID ODK
    # Collect gave the form, unique so a resend (or two at once) is stored once.
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    instance_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    page_languages: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    design: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    paradata: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    quality_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The link token is a bearer secret and is stored hashed. The short resume code is kept as is so it can
    # be shown on every page; it reopens an unfinished response, and after submission lets its holder withdraw it.
    access_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    resume_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    current_section: Mapped[str] = mapped_column(String(64), default="")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Kept only while the response is in progress, so fieldwork can count invitations that turned into
    # responses; cleared at submission, after which nothing links the answers to the sampled person.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"))

    # Set by a researcher (with a reason, audited) to keep a response out of indicator computation: the answers
    # stay, the export shows it, the fieldwork page counts it; cleared when it is re-included.
    excluded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    exclusion_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    excluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    version: Mapped[StoredVersion | None] = relationship()

    @property
    def excluded(self) -> bool:
        return self.excluded_at is not None
