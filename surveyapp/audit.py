"""Writing audit events for privileged actions, each attributed to its real actor."""

from __future__ import annotations

import getpass
import os
from typing import Any

from flask import g, has_request_context
from flask_login import current_user

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, User

# Events without an account (user_id NULL) carry one of these in ``actor``; a real account's event always has
# its user_id, so a user who happens to be named like a marker cannot be mistaken for one.
ACTOR_CLI = "command-line"
ACTOR_ANONYMOUS_WEB = "web-anonymous"
# The details key under which an event written outside a web request names the operating-system user who ran
# the command: "command-line" alone cannot tell two operators of the same server apart.
OS_USER_KEY = "os_user"


def os_user() -> str:
    """The operating-system account running this process, never an exception.

    ``getpass.getuser()`` reads LOGNAME/USER/... and then the password database; in a container started with an
    arbitrary uid none of them may answer (KeyError before Python 3.13, OSError since), and an audit event must
    still be written, so the numeric uid stands in, and failing that a plain marker.
    """
    try:
        name = getpass.getuser()
    except (KeyError, OSError, ImportError):
        name = ""
    if name:
        return name[:80]
    getuid = getattr(os, "getuid", None)  # absent on Windows
    return f"uid {getuid()}" if getuid is not None else "unknown"


def record(
    action: str,
    object_type: str = "",
    object_id: object = "",
    details: dict[str, Any] | None = None,
    user: User | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit makes it durable with the action itself.

    The actor is ``user`` when given, else the signed-in web user, else an anonymous web request (a failed
    sign-in), else the command line (no request at all). Outside a request the operating-system user is kept in
    ``details["os_user"]`` as well, also when ``user`` is given (a CLI command acting for an account).
    """
    actor = ACTOR_CLI
    # A change made through the API names the token too: its owner can tell which script did it.
    token = g.get("api_token") if has_request_context() else None
    if token is not None:
        details = {**(details or {}), "api_token": token.id}
    if not has_request_context():
        details = {**(details or {}), OS_USER_KEY: os_user()}
    elif user is None:
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
