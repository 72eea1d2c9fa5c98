from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from surveyapp import audit
from surveyapp.access import role_required
from surveyapp.admin.trail import TrailFilter, action_label, actor_kind, actor_label, actor_name, details_text, to_csv
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Role
from surveyapp.models.base import utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50
# The offset of a page must fit the database's integer: a page number beyond any real log is simply not there.
MAX_PAGE = 2**31 // PAGE_SIZE


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_events() -> ResponseReturnValue:
    wanted = TrailFilter.from_args(request.args.to_dict())
    number = request.args.get("page", 1, type=int)
    if number is None or not 1 <= number <= MAX_PAGE:
        abort(404)
    page = db.paginate(wanted.query(), page=number, per_page=PAGE_SIZE, error_out=False)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    actors = db.session.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)).all()
    return render_template(
        "admin/audit.html",
        page=page,
        wanted=wanted,
        actions=sorted(actions, key=action_label),
        actors=[(a, actor_name(a)) for a in actors],
        action_label=action_label,
        actor_label=actor_label,
        actor_kind=actor_kind,
        details_text=details_text,
    )


@bp.get("/audit.csv")
@role_required(Role.ADMIN)
def audit_csv() -> ResponseReturnValue:
    wanted = TrailFilter.from_args(request.args.to_dict())
    events = list(db.session.scalars(wanted.query()))
    body = to_csv(events)
    # Who took a copy of the trail, and of which part, is itself part of the trail.
    audit.record("audit_export", "audit", "", {"rows": len(events), **wanted.args()})
    db.session.commit()
    name = f"audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.get("/users")
@role_required(Role.ADMIN)
def users() -> ResponseReturnValue:
    from surveyapp.workbench.accounts import users_page

    return users_page()
