"""Questionnaire instruments and their immutable, hashed versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.extensions import db
from surveyapp.models.base import utcnow


class Instrument(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    __tablename__ = "instrument"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    population: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    versions: Mapped[list[StoredVersion]] = relationship(back_populates="instrument", order_by="StoredVersion.version")


class StoredVersion(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """A published version: content and sha256 never change once stored."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("instrument_id", "version", name="uq_questionnaire_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    source_path: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Fieldwork state, the only thing about a published version that may change: while set, no new response
    # starts (responses already started may still be finished and sent).
    fieldwork_closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fieldwork_closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    instrument: Mapped[Instrument] = relationship(back_populates="versions")
