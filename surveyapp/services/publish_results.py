"""Publishing a year's computed results: the explicit, audited step that shows them to ministries."""

from __future__ import annotations

from surveyapp import audit
from surveyapp.models import ComputationRun, User
from surveyapp.models.base import utcnow


def publish_run(run: ComputationRun, user: User | None) -> bool:
    """Mark ``run`` published; False when it already was (publishing twice changes nothing)."""
    if run.published_at is not None:
        return False
    run.published_at = utcnow()
    run.published_by_id = user.id if user is not None else None
    audit.record("results_publish", "programme", f"{run.programme}/{run.year}", {"run": run.id}, user)
    return True
