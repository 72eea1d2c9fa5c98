from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from surveyapp.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # read-only JSON; session-authenticated writes will carry their own CSRF header


@bp.get("/health")
def health() -> ResponseReturnValue:
    # A load balancer reads 503 as "take this server out for now"; a 500 would look like a bug in the app.
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok"}


@bp.get("/me")
@login_required
def me() -> ResponseReturnValue:
    return {"username": current_user.username, "role": current_user.role}
