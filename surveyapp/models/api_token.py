"""Personal API tokens: a user's scripts act as that user, within the token's scope, until it expires."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.extensions import db
from surveyapp.models.base import utcnow
from surveyapp.models.user import User


class TokenScope(enum.StrEnum):
    """What a token may do on top of reading; it never lends more than its owner's role allows."""

    READ = "read"  # GET requests only
    SUBMIT = "submit"  # reading, and sending responses
    ADMIN = "admin"  # every request the owner's role allows (publishing, revoking tokens)


class ApiToken(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """Only the token's hash is stored; the secret is shown once, when it is made."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so its owner can tell which line of the list a script holds.
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    def usable_at(self, moment: datetime) -> bool:
        expires = self.expires_at if self.expires_at.tzinfo else self.expires_at.replace(tzinfo=moment.tzinfo)
        return self.revoked_at is None and moment < expires

    def allows(self, scope: TokenScope) -> bool:
        order = [TokenScope.READ, TokenScope.SUBMIT, TokenScope.ADMIN]
        return order.index(TokenScope(self.scope)) >= order.index(scope)
