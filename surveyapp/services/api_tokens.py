"""Making, finding and revoking personal API tokens; the web page, the API and `flask users token` share it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import ApiToken, TokenScope, User
from surveyapp.models.base import utcnow
from surveyapp.services.secrets import digest, new_token

# A recognisable start lets secret scanners (and people) tell a leaked token from any other string.
TOKEN_PREFIX = "sat_"  # noqa: S105  # a marker, not a secret
MAX_DAYS = 366
DEFAULT_DAYS = 90
NAME_MAX = 80


class TokenError(ValueError):
    """The token cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to its owner once, never stored


def create_token(user: User, name: str, scope: str, days: int = DEFAULT_DAYS, actor: User | None = None) -> NewToken:
    """Add a token for ``user`` to the session (the caller commits), with its audit event."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise TokenError(f"the name must have 1 to {NAME_MAX} characters")
    if scope not in {s.value for s in TokenScope}:
        raise TokenError(f"the scope must be one of: {', '.join(s.value for s in TokenScope)}")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"the token must expire in 1 to {MAX_DAYS} days")
    secret = TOKEN_PREFIX + new_token()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        scope=scope,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token_create", "api_token", token.id, {"owner": user.username, "scope": scope, "days": days}, user=actor
    )
    return NewToken(token, secret)


def revoke_token(token: ApiToken, actor: User | None = None) -> bool:
    """Revoke ``token``; False when it was revoked already (nothing changes then)."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit.record("api_token_revoke", "api_token", token.id, {"owner": token.user.username}, user=actor)
    return True


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token with this secret (its owner active), else None; the moment of use is noted."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    now = now or utcnow()
    if token is None or not token.usable_at(now) or not token.user.active:
        return None
    # Noted at most once a minute, so a script's burst of reads does not write on every request.
    last = token.last_used_at
    if last is None or (now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo))) > timedelta(minutes=1):
        token.last_used_at = now
        db.session.commit()
    return token
