"""Publishing a year's computed results to ministries, and withdrawing them: explicit, audited steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, IndicatorResult, User
from surveyapp.models.base import utcnow

REASON_MAX = 500


@dataclass(frozen=True)
class Publication:
    """What ministries would see (or see) of a programme's year: one run and how much it holds."""

    run_id: int
    computed_at: datetime
    published_at: datetime | None
    indicators: int  # indicators with a national row
    with_value: int  # of which have a national value
    breakdown_cells: int  # regional, sex, age and settlement rows


def describe(run: ComputationRun) -> Publication:
    national = db.session.scalars(
        select(IndicatorResult).where(IndicatorResult.run_id == run.id, IndicatorResult.breakdown == "")
    ).all()
    cells = db.session.scalar(
        select(func.count(IndicatorResult.id)).where(IndicatorResult.run_id == run.id, IndicatorResult.breakdown != "")
    )
    return Publication(
        run_id=run.id,
        computed_at=run.computed_at,
        published_at=run.published_at,
        indicators=len({row.indicator for row in national}),
        with_value=len({row.indicator for row in national if row.estimate is not None}),
        breakdown_cells=int(cells or 0),
    )


def published_runs(programme: str, year: int) -> list[ComputationRun]:
    query = select(ComputationRun).where(
        ComputationRun.programme == programme,
        ComputationRun.year == year,
        ComputationRun.published_at.is_not(None),
    )
    return list(db.session.scalars(query.order_by(ComputationRun.id.desc())))


def publish_run(run: ComputationRun, user: User | None) -> bool:
    """Mark ``run`` published; False when it already was (publishing twice changes nothing)."""
    if run.published_at is not None:
        return False
    run.published_at = utcnow()
    run.published_by_id = user.id if user is not None else None
    audit.record("results_publish", "programme", f"{run.programme}/{run.year}", {"run": run.id}, user)
    return True


def withdraw(programme: str, year: int, reason: str, user: User | None) -> list[int]:
    """Unpublish every published run of the year, so that ministries see nothing for it; the ids withdrawn.

    The reason is required (callers check it and say so in their own words); the runs and their results stay,
    so the year can be published again after a correction.
    """
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValueError(f"a withdrawal needs a reason of 1 to {REASON_MAX} characters")
    runs = published_runs(programme, year)
    if not runs:
        return []
    history = {str(run.id): run.published_at.isoformat() for run in runs if run.published_at is not None}
    for run in runs:
        run.published_at = None
        run.published_by_id = None
    audit.record(
        "results_withdraw",
        "programme",
        f"{programme}/{year}",
        {"runs": [run.id for run in runs], "reason": reason, "published_at": history},
        user,
    )
    return [run.id for run in runs]
