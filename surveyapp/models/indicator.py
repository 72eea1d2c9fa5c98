"""Inputs and results of the indicator computation: population margins, administrative figures, results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.extensions import db
from surveyapp.models.base import utcnow


class MarginSet(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """Population totals for one year and population, by region × sex × age group × settlement."""

    __tablename__ = "margin_set"
    __table_args__ = (UniqueConstraint("year", "population", name="uq_margin_set_year_population"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    population: Mapped[str] = mapped_column(String(40))
    cells: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    synthetic: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdminFigure(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """A yearly administrative statistic of an indicator, nationally (region '') or for one region."""

    __tablename__ = "admin_figure"
    __table_args__ = (UniqueConstraint("programme", "indicator", "year", "region", name="uq_admin_figure_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(80))
    indicator: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(64), default="")
    count: Mapped[float | None] = mapped_column(Float)
    population: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float] = mapped_column(Float)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ComputationRun(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """One `flask indicators compute` for a programme and year, with what went into it."""

    __tablename__ = "computation_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(80), index=True)
    year: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    results: Mapped[list[IndicatorResult]] = relationship(back_populates="run", cascade="all, delete-orphan")


class RunWeight(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """The final (raked) weight of each response a computation run used. Stored with the run, not recomputed
    at export time, so that an export of the run and the run's report always rest on the same weights, even
    after the margins are re-imported or responses are excluded later."""

    __tablename__ = "run_weight"

    run_id: Mapped[int] = mapped_column(ForeignKey("computation_run.id", ondelete="CASCADE"), primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)


class IndicatorResult(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """One estimate: an indicator nationally (breakdown '') or in one category of a breakdown."""

    __tablename__ = "indicator_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("computation_run.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(20))
    breakdown: Mapped[str] = mapped_column(String(40), default="")
    category: Mapped[str] = mapped_column(String(64), default="")
    estimate: Mapped[float | None] = mapped_column(Float)
    se: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    df: Mapped[float | None] = mapped_column(Float)
    deff: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int | None] = mapped_column(Integer)
    n_eff: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(40), default="")
    suppressed: Mapped[str] = mapped_column(String(80), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    run: Mapped[ComputationRun] = relationship(back_populates="results")
