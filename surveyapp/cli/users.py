"""``flask users``: create accounts, reset passwords, list and deactivate them."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.cli.group import CommandGroup
from surveyapp.extensions import db
from surveyapp.models import Role, User
from surveyapp.models.user import MIN_PASSWORD_LENGTH

users_cli = CommandGroup("users", help="Manage staff accounts (admin, researcher, ministry).")


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def check_password_rule(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")


def _require_user(username: str) -> User:
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}. List accounts with: flask users list")
    return user


@users_cli.command("create")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="admin: everything; researcher: questionnaires, responses, exports; ministry: published results.",
)
@click.password_option(help="Asked for when not given (hidden input, typed twice).")
def create_user(username: str, role: str, password: str) -> None:
    """Create a staff account USERNAME with a role."""
    username = username.strip()
    if not username or len(username) > 80:
        raise click.ClickException("The username must have 1 to 80 characters.")
    if find_user(username) is not None:
        raise click.ClickException(
            f"A user named {username!r} already exists. To change the password: flask users set-password {username}"
        )
    check_password_rule(password)
    user = User(username=username, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user_create", "user", username, {"role": role})
    db.session.commit()
    click.echo(f"Created {role} {username!r}.")


@users_cli.command("set-password")
@click.argument("username")
@click.password_option(help="Asked for when not given (hidden input, typed twice).")
def set_password(username: str, password: str) -> None:
    """Set a new password for USERNAME."""
    user = _require_user(username)
    check_password_rule(password)
    user.set_password(password)
    audit.record("user_password", "user", user.username)
    db.session.commit()
    click.echo(f"Password changed for {user.username!r}.")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(username: str, role: str) -> None:
    """Give USERNAME another ROLE."""
    user = _require_user(username)
    old = user.role
    user.role = role
    audit.record("user_role", "user", user.username, {"from": old, "to": role})
    db.session.commit()
    click.echo(f"{user.username!r} is now {role} (was {old}).")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """Stop USERNAME from signing in (the account and its audit trail are kept)."""
    user = _require_user(username)
    user.active = False
    audit.record("user_deactivate", "user", user.username)
    db.session.commit()
    click.echo(f"{user.username!r} can no longer sign in.")


@users_cli.command("list")
def list_users() -> None:
    """List the staff accounts."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if user.active else "inactive"
        click.echo(f"{user.username:<24} {user.role:<11} {state}")
