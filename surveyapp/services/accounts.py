"""Staff accounts: the changes ``flask users`` and the admin pages make, each audited the same way."""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import Role, User

RESET_SALT = "password-reset"
DEFAULT_RESET_HOURS = 24


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def create_user(username: str, role: str, password: str | None, actor: User | None = None) -> User:
    """A new account; without a password it cannot sign in until a reset link is used."""
    user = User(username=username, role=str(Role(role)))
    # A random secret nobody knows: the account exists, but only the one-time link opens it.
    user.set_password(password if password is not None else secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    audit.record("user_create", "user", username, {"role": user.role}, actor)
    return user


def set_password(user: User, password: str, actor: User | None = None, action: str = "user_password") -> None:
    user.set_password(password)
    audit.record(action, "user", user.username, None, actor)


def set_role(user: User, role: str, actor: User | None = None) -> str:
    old = user.role
    user.role = str(Role(role))
    audit.record("user_role", "user", user.username, {"from": old, "to": user.role}, actor)
    return old


def set_active(user: User, active: bool, actor: User | None = None) -> None:
    user.active = active
    audit.record("user_activate" if active else "user_deactivate", "user", user.username, None, actor)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _stamp(user: User) -> str:
    # Part of the current password hash: once the password changes, every link made before it is dead.
    return user.password_hash[-16:]


def reset_token(user: User, actor: User | None = None) -> str:
    """A signed one-time token for setting ``user``'s password; audited, never stored."""
    audit.record("user_reset_link", "user", user.username, {"hours": reset_hours()}, actor)
    return str(_serializer().dumps({"u": user.id, "p": _stamp(user)}))


def reset_hours() -> int:
    return int(current_app.config.get("PASSWORD_RESET_HOURS", DEFAULT_RESET_HOURS))


def user_for_token(token: str) -> User | None:
    """The active account the token opens, or None when it is forged, expired or already used."""
    try:
        data = _serializer().loads(token, max_age=reset_hours() * 3600)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active or data.get("p") != _stamp(user):
        return None
    return user
