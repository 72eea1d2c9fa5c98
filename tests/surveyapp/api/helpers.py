"""Accounts and tokens for the API tests."""

from __future__ import annotations

from flask import Flask

from surveyapp.extensions import db
from surveyapp.models import User
from surveyapp.services.api_tokens import create_token
from tests.conftest import make_user


def token_for(app: Flask, username: str, role: str, scope: str = "read", days: int = 30) -> str:
    """A new account ``username`` with ``role`` and a token of ``scope``; the token's secret."""
    user_id = make_user(app, username, role)
    return new_token(app, user_id, scope, days)


def new_token(app: Flask, user_id: int, scope: str = "read", days: int = 30) -> str:
    with app.app_context():
        made = create_token(db.session.get(User, user_id), f"{scope} script", scope, days)
        db.session.commit()
        return made.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
