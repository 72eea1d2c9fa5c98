"""Writing audit events for privileged actions, each attributed to its real actor."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_login import current_user

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, User

# Events without an account (user_id NULL) carry one of these in ``actor``; a real account's event always has
# its user_id, so a user who happens to be named like a marker cannot be mistaken for one.
ACTOR_CLI = "command-line"
ACTOR_ANONYMOUS_WEB = "web-anonymous"


def record(
    action: str,
    object_type: str = "",
    object_id: object = "",
    details: dict[str, Any] | None = None,
    user: User | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit makes it durable with the action itself.

    The actor is ``user`` when given, else the signed-in web user, else an anonymous web request (a failed
    sign-in), else the command line (no request at all).
    """
    actor = ACTOR_CLI
    # A change made through the API names the token too: its owner can tell which script did it.
    token = g.get("api_token") if has_request_context() else None
    if token is not None:
        details = {**(details or {}), "api_token": token.id}
    if user is None and has_request_context():
        if current_user.is_authenticated:
            user = current_user._get_current_object()  # the proxy cannot be stored
        else:
            actor = ACTOR_ANONYMOUS_WEB
    event = AuditEvent(
        user_id=user.id if user is not None else None,
        actor=user.username if user is not None else actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
    )
    db.session.add(event)
    return event
