"""Target numbers of submitted responses per region, set by a sample file for one published version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.extensions import db
from surveyapp.models.base import utcnow


class RegionQuota(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """One region's quota; a later sample giving the same region's quota replaces it."""

    __tablename__ = "region_quota"
    __table_args__ = (UniqueConstraint("version_id", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), index=True)
    region: Mapped[str] = mapped_column(String(80))
    quota: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
