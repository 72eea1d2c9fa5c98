from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from surveyapp.api.auth import api_access, current_token, load_caller
from surveyapp.extensions import csrf, db
from surveyapp.models import Role

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The app-wide check would refuse token requests; api.auth.load_caller checks the cookie sessions' writes itself.
csrf.exempt(bp)
bp.before_request(load_caller)


@bp.get("/health")
def health() -> ResponseReturnValue:
    """The service and its database answer (for load balancers; needs no sign-in).
    ---
    get:
      tags: [service]
      security: []
      responses:
        200: {description: up}
        503: {description: the database is unreachable}
    """
    # A load balancer reads 503 as "take this server out for now"; a 500 would look like a bug in the app.
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok"}


@bp.get("/me")
@api_access(Role.RESEARCHER, Role.MINISTRY)
def me() -> ResponseReturnValue:
    """Who the caller is: the account, its role, and the token's scope when one is used.
    ---
    get:
      tags: [service]
      responses:
        200:
          content:
            application/json:
              schema: Me
    """
    from surveyapp.api.schemas import Me

    token = current_token()
    return Me().dump({"username": current_user.username, "role": current_user.role, "token": token})
