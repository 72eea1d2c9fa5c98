"""``flask demo init``: the demo accounts (and, as the platform grows, demo content) for ``make run``."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import Role, User

demo_cli = AppGroup("demo", help="Demo accounts and data for trying the platform.")

DEMO_ACCOUNTS = (("admin", Role.ADMIN), ("researcher", Role.RESEARCHER), ("ministry", Role.MINISTRY))


def _login_file() -> Path:
    configured = current_app.config.get("DEMO_LOGINS_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "demo-logins.txt"


@demo_cli.command("init")
def init_demo() -> None:
    """Create the demo accounts when the database has no users yet, then print the logins."""
    logins = _login_file()
    if db.session.scalar(select(func.count()).select_from(User)) == 0:
        lines = []
        for username, role in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            user = User(username=username, role=role)
            user.set_password(password)
            db.session.add(user)
            audit.record("user_create", "user", username, {"role": str(role), "demo": True})
            lines.append(f"{username:<11} {password}   ({role})")
        db.session.commit()
        logins.write_text("\n".join(lines) + "\n", encoding="utf-8")
        logins.chmod(0o600)
    if logins.exists():
        click.echo("Demo logins (username, password), also in " + str(logins) + ":")
        click.echo(logins.read_text(encoding="utf-8").rstrip())
    else:
        click.echo("The database already has accounts; demo logins were not created here.")
