"""Background jobs (computations, report builds) and the report files they store."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.extensions import db
from surveyapp.models.base import utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


class Job(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """One piece of long work, run outside the web request by a worker (RQ) or a thread of the app."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # What the job works on (e.g. one programme-year): at most one job per key is queued or running.
    key: Mapped[str] = mapped_column(String(200), index=True)
    # ``key`` while queued or running, NULL once finished: the unique index is the database's own guarantee
    # that two workers never compute the same thing at once (NULLs never collide, on SQLite and PostgreSQL).
    active_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default=JobStatus.QUEUED.value)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(500), default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def finished(self) -> bool:
        return self.status not in ACTIVE


class ReportFile(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """A built report of one computation run, stored in the database so every app server can serve it."""

    __tablename__ = "report_file"
    __table_args__ = (
        UniqueConstraint("run_id", "language", "format", "published", name="uq_report_file_run_language_format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("computation_run.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    format: Mapped[str] = mapped_column(String(8))
    # Built while the run was published (ministries' copy) or a draft (marked as such on every page).
    published: Mapped[bool] = mapped_column(default=False)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
