"""Staff accounts. Respondents never have one."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from surveyapp.extensions import db
from surveyapp.models.base import utcnow

MIN_PASSWORD_LENGTH = 10


class Role(enum.StrEnum):
    ADMIN = "admin"
    RESEARCHER = "researcher"
    MINISTRY = "ministry"
    # Collects face to face with ODK Collect for the instruments assigned to them; reads no results or responses.
    INTERVIEWER = "interviewer"


class User(UserMixin, db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {str(r) for r in roles}


class LoginThrottle(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """Failed logins per (lower-cased) username, kept in the database so every worker sees them."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InterviewerAssignment(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """Which instruments an interviewer may send submissions for (all their published versions)."""

    __tablename__ = "interviewer_assignment"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id"), primary_key=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
