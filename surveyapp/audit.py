"""Writing audit events for privileged actions."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_login import current_user

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, User


def record(
    action: str,
    object_type: str = "",
    object_id: object = "",
    details: dict[str, Any] | None = None,
    user: User | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit makes it durable with the action itself."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()  # the proxy cannot be stored
    event = AuditEvent(
        user_id=user.id if user is not None else None,
        actor=user.username if user is not None else "command-line",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
    )
    db.session.add(event)
    return event
