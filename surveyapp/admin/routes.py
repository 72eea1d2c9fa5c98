from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from surveyapp.access import role_required
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50
# The offset of a page must fit the database's integer: a page number beyond any real log is simply not there.
MAX_PAGE = 2**31 // PAGE_SIZE


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_events() -> ResponseReturnValue:
    action = request.args.get("action", "").strip()
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    number = request.args.get("page", 1, type=int)
    if number is None or not 1 <= number <= MAX_PAGE:
        abort(404)
    page = db.paginate(query, page=number, per_page=PAGE_SIZE, error_out=False)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    return render_template("admin/audit.html", page=page, action=action, actions=actions)


@bp.get("/users")
@role_required(Role.ADMIN)
def users() -> ResponseReturnValue:
    accounts = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=accounts)
