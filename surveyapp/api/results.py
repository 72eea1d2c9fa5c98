"""Programmes with their targets, computation runs and their indicator results (CI, n, deff, status).

The dashboard's rule holds here: ministries see published runs only, and a run they may not see is answered
as missing (404), so its existence is not told either; researchers and admins also see drafts.
"""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from analysis.errors import ProgrammeError
from analysis.programme import Indicator, Programme, load_programme, load_programmes
from surveyapp.api import schemas
from surveyapp.api.auth import api_access
from surveyapp.api.problem import ApiProblem
from surveyapp.api.routes import bp
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, Role, TokenScope
from surveyapp.services.publish_results import publish_run
from surveyapp.services.reports import available_years


def _drafts_allowed() -> bool:
    return current_user.role in (Role.RESEARCHER, Role.ADMIN)


def _programme(code: str) -> Programme:
    try:
        return load_programme(code)
    except ProgrammeError:
        raise ApiProblem(404, _("There is no programme %(code)s.", code=code)) from None


def _targets(indicator: Indicator) -> list[dict[str, object]]:
    return [
        {"year": t.year, "value": t.value, "kind": str(t.kind), "base_year": t.base_year, "note": t.note}
        for t in indicator.targets
    ]


def _programme_body(plan: Programme) -> dict[str, object]:
    return {
        "code": plan.code,
        "name": plan.name.as_dict(),
        "period": list(plan.period),
        "coordinator": plan.coordinator,
        "years": available_years(plan.code, published_only=not _drafts_allowed()),
        "indicators": [
            {
                "code": i.code,
                "name": i.name.as_dict(),
                "unit": str(i.unit),
                "direction": str(i.direction),
                "source": str(i.source),
                "targets": _targets(i),
            }
            for i in plan.indicators
        ],
    }


@bp.get("/programmes")
@api_access(Role.MINISTRY, Role.RESEARCHER)
def programmes() -> ResponseReturnValue:
    """The government programmes, their indicators and yearly targets.
    ---
    get:
      tags: [results]
      responses:
        200:
          content:
            application/json:
              schema: ProgrammeList
    """
    return schemas.ProgrammeList().dump({"items": [_programme_body(p) for p in load_programmes()]})


@bp.get("/programmes/<code>")
@api_access(Role.MINISTRY, Role.RESEARCHER)
def programme(code: str) -> ResponseReturnValue:
    """One programme with its indicators and yearly targets.
    ---
    get:
      tags: [results]
      responses:
        200:
          content:
            application/json:
              schema: Programme
        404: {$ref: '#/components/responses/NotFound'}
    """
    return schemas.Programme().dump(_programme_body(_programme(code)))


def _run_body(run: ComputationRun) -> dict[str, object]:
    return {
        "id": run.id,
        "programme": run.programme,
        "year": run.year,
        "computed_at": run.computed_at,
        "published_at": run.published_at,
        "published": run.published_at is not None,
        # Kish's weight diagnostics per population (runs computed before they were stored: none listed).
        "weights": {
            population: info["weights"]
            for population, info in (run.provenance or {}).get("populations", {}).items()
            if isinstance(info, dict) and info.get("weights")
        },
    }


@bp.get("/runs")
@api_access(Role.MINISTRY, Role.RESEARCHER)
def runs() -> ResponseReturnValue:
    """The computation runs this caller may see (ministries: published ones), newest first.
    ---
    get:
      tags: [results]
      parameters:
        - {name: programme, in: query, schema: {type: string}}
        - {name: year, in: query, schema: {type: integer}}
      responses:
        200:
          content:
            application/json:
              schema: RunList
        400: {$ref: '#/components/responses/BadRequest'}
    """
    query = select(ComputationRun)
    if not _drafts_allowed():
        query = query.where(ComputationRun.published_at.is_not(None))
    code = request.args.get("programme", "").strip()
    if code:
        query = query.where(ComputationRun.programme == code)
    year = request.args.get("year", "").strip()
    if year:
        if not year.isdigit() or not 1900 <= int(year) <= 2200:
            raise ApiProblem(400, _("year must be a year such as 2026."))
        query = query.where(ComputationRun.year == int(year))
    rows = db.session.scalars(query.order_by(ComputationRun.id.desc()))
    return schemas.RunList().dump({"items": [_run_body(r) for r in rows]})


def _run(run_id: int) -> ComputationRun:
    run = db.session.get(ComputationRun, run_id)
    if run is None or (run.published_at is None and not _drafts_allowed()):
        raise ApiProblem(404, _("There is no computation run %(id)d that you may see.", id=run_id))
    return run


@bp.get("/runs/<int:run_id>")
@api_access(Role.MINISTRY, Role.RESEARCHER)
def run(run_id: int) -> ResponseReturnValue:
    """A run with every result: national ones (breakdown '') and each category of each breakdown.
    ---
    get:
      tags: [results]
      parameters:
        - {name: indicator, in: query, schema: {type: string}}
        - {name: breakdown, in: query, description: "'' or absent for all; 'national' for national only",
           schema: {type: string}}
      responses:
        200:
          content:
            application/json:
              schema: RunResults
        404: {$ref: '#/components/responses/NotFound'}
    """
    found = _run(run_id)
    rows = found.results
    indicator = request.args.get("indicator", "").strip()
    if indicator:
        rows = [r for r in rows if r.indicator == indicator]
    breakdown = request.args.get("breakdown", "").strip()
    if breakdown:
        wanted = "" if breakdown == "national" else breakdown
        rows = [r for r in rows if r.breakdown == wanted]
    return schemas.RunResults().dump({**_run_body(found), "results": rows})


@bp.post("/runs/<int:run_id>/publish")
@api_access(Role.RESEARCHER, scope=TokenScope.ADMIN)
def publish(run_id: int) -> ResponseReturnValue:
    """Publish a run to ministries (as the dashboard's publish page does); publishing twice changes nothing.
    ---
    post:
      tags: [results]
      responses:
        200:
          content:
            application/json:
              schema: Run
        403: {$ref: '#/components/responses/Forbidden'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    found = _run(run_id)
    publish_run(found, current_user._get_current_object())
    db.session.commit()
    return schemas.Run().dump(_run_body(found))
