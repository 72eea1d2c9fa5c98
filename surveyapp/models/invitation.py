"""Personal single-use invitation links, made from a sample file."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.extensions import db
from surveyapp.models.base import utcnow
from surveyapp.models.questionnaire import StoredVersion


class InvitationStatus(enum.StrEnum):
    SENT = "sent"
    STARTED = "started"
    DECLINED = "declined"
    SUBMITTED = "submitted"
    # Never used, and its sample variables cleared after SAMPLE_RETENTION_DAYS: the link no longer opens.
    EXPIRED = "expired"
    # Withdrawn by a researcher before it was used (sent to the wrong person, a duplicate): the link no longer opens.
    REVOKED = "revoked"


class Invitation(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """Only the token's hash is kept, and no link to the response: answers stay anonymous.

    The sample variables (region, stratum, PSU, base weight, ...) are copied into the response's design when
    the respondent starts, and stay here for nonresponse adjustment of the whole sample until
    ``flask invitations clear-samples`` erases them SAMPLE_RETENTION_DAYS after the invitation was used (or,
    unused, created).
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sample: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=InvitationStatus.SENT.value, index=True)
    batch: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    version: Mapped[StoredVersion] = relationship()
