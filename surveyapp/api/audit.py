"""The audit trail for admins, newest first, in pages; the same filters as the /admin/audit page."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from surveyapp.admin.trail import TrailFilter
from surveyapp.api import schemas
from surveyapp.api.auth import api_access
from surveyapp.api.pages import after, cursor, limit
from surveyapp.api.problem import ApiProblem
from surveyapp.api.routes import bp
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Role


@bp.get("/audit")
@api_access(Role.ADMIN)
def audit_events() -> ResponseReturnValue:
    """Audit events, newest first (admins only).
    ---
    get:
      tags: [audit]
      parameters:
        - {name: action, in: query, schema: {type: string}}
        - {name: actor, in: query, schema: {type: string}}
        - {name: from, in: query, description: first day (UTC), schema: {type: string, format: date}}
        - {name: to, in: query, description: last day (UTC), schema: {type: string, format: date}}
        - {name: cursor, in: query, description: next_cursor of the previous page, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000}}
      responses:
        200:
          content:
            application/json:
              schema: AuditPage
        400: {$ref: '#/components/responses/BadRequest'}
    """
    wanted = TrailFilter.from_args(request.args.to_dict())
    if wanted.errors:
        raise ApiProblem(400, wanted.errors[0])
    size = limit()
    query = wanted.query().order_by(None).order_by(AuditEvent.id.desc())
    given = request.args.get("cursor", "").strip()
    if given:
        query = query.where(AuditEvent.id < after(given))
    rows = list(db.session.scalars(query.limit(size + 1)))
    page = rows[:size]
    items = [
        {
            "id": e.id, "at": e.at, "actor": e.actor, "signed_in": e.user_id is not None, "action": e.action,
            "object_type": e.object_type, "object_id": e.object_id, "details": e.details or {},
        }
        for e in page
    ]  # fmt: skip
    next_cursor = cursor(page[-1].id) if len(rows) > size else None
    return schemas.AuditPage().dump({"items": items, "next_cursor": next_cursor})
