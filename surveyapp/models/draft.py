"""Questionnaire versions being drafted in the browser, before they are published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.extensions import db
from surveyapp.models.base import utcnow


class QuestionnaireDraft(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """An uploaded YAML file or XLSForm workbook, its YAML text and the last validation report.

    ``yaml_text`` is what gets validated, previewed and published; for an XLSForm it is the import's output with
    the metadata edited on the page. The uploaded bytes are kept as they came so a re-import can start over.
    """

    __tablename__ = "questionnaire_draft"
    __table_args__ = (UniqueConstraint("instrument", "version", name="uq_questionnaire_draft_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    source_format: Mapped[str] = mapped_column(String(10))  # "yaml" or "xlsform"
    source_name: Mapped[str] = mapped_column(String(255), default="")
    source_bytes: Mapped[bytes] = mapped_column(LargeBinary)
    yaml_text: Mapped[str] = mapped_column(Text, default="")
    # Problems as dicts (line, item, message, hint, severity, where) from the import and the validation.
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The draft's test link (shown once, as invitations are); a new link replaces it.
    test_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [p for p in self.report if p.get("severity") == "error"]
