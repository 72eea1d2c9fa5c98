"""``flask users``: create accounts, reset passwords, list and deactivate them."""

from __future__ import annotations

import click
from sqlalchemy import select

from surveyapp import audit
from surveyapp.cli.group import CommandGroup
from surveyapp.extensions import db
from surveyapp.models import ApiToken, Instrument, InterviewerAssignment, Role, TokenScope, User
from surveyapp.models.base import utcnow
from surveyapp.models.user import MIN_PASSWORD_LENGTH
from surveyapp.services import accounts
from surveyapp.services.accounts import find_user
from surveyapp.services.api_tokens import DEFAULT_DAYS, MAX_DAYS, TokenError, create_token, revoke_token, tokens_of
from surveyapp.services.interviewers import assigned_codes, collect_settings

users_cli = CommandGroup("users", help="Manage staff accounts (admin, researcher, ministry, interviewer).")


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
    help=(
        "admin: everything; researcher: questionnaires, responses, exports; ministry: published results;"
        " interviewer: ODK Collect submissions for assigned instruments."
    ),
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
    accounts.create_user(username, role, password)
    db.session.commit()
    click.echo(f"Created {role} {username!r}.")


@users_cli.command("set-password")
@click.argument("username")
@click.password_option(help="Asked for when not given (hidden input, typed twice).")
def set_password(username: str, password: str) -> None:
    """Set a new password for USERNAME."""
    user = _require_user(username)
    check_password_rule(password)
    accounts.set_password(user, password)
    db.session.commit()
    click.echo(f"Password changed for {user.username!r}.")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(username: str, role: str) -> None:
    """Give USERNAME another ROLE."""
    user = _require_user(username)
    old = accounts.set_role(user, role)
    db.session.commit()
    click.echo(f"{user.username!r} is now {role} (was {old}).")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """Stop USERNAME from signing in (the account and its audit trail are kept)."""
    user = _require_user(username)
    accounts.set_active(user, False)
    db.session.commit()
    click.echo(f"{user.username!r} can no longer sign in.")


@users_cli.command("list")
def list_users() -> None:
    """List the staff accounts."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if user.active else "inactive"
        line = f"{user.username:<24} {user.role:<11} {state}"
        if user.role == Role.INTERVIEWER:
            codes = assigned_codes(user)
            line += "  assigned: " + (", ".join(codes) if codes else "(none)")
        click.echo(line)


def _require_interviewer(username: str) -> User:
    user = _require_user(username)
    if user.role != Role.INTERVIEWER:
        raise click.ClickException(
            f"{user.username!r} is a {user.role}, not an interviewer; only interviewers are assigned to instruments."
            f" To change the role: flask users set-role {user.username} interviewer"
        )
    return user


def _require_instrument(code: str) -> Instrument:
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == code))
    if instrument is None:
        raise click.ClickException(
            f"No instrument with code {code!r}. Published instruments are listed by: flask questionnaires list"
        )
    return instrument


@users_cli.command("assign")
@click.argument("username")
@click.argument("instrument")
def assign(username: str, instrument: str) -> None:
    """Let interviewer USERNAME collect INSTRUMENT (every published version) with ODK Collect."""
    user = _require_interviewer(username)
    found = _require_instrument(instrument)
    if db.session.get(InterviewerAssignment, (user.id, found.id)) is not None:
        click.echo(f"{user.username!r} is already assigned to {found.code!r}.")
        return
    db.session.add(InterviewerAssignment(user_id=user.id, instrument_id=found.id))
    audit.record("interviewer_assign", "user", user.username, {"instrument": found.code})
    db.session.commit()
    click.echo(f"{user.username!r} may now collect {found.code!r}.")


@users_cli.command("unassign")
@click.argument("username")
@click.argument("instrument")
def unassign(username: str, instrument: str) -> None:
    """Stop interviewer USERNAME collecting INSTRUMENT (what was already sent is kept)."""
    user = _require_interviewer(username)
    found = _require_instrument(instrument)
    row = db.session.get(InterviewerAssignment, (user.id, found.id))
    if row is None:
        click.echo(f"{user.username!r} was not assigned to {found.code!r}.")
        return
    db.session.delete(row)
    audit.record("interviewer_unassign", "user", user.username, {"instrument": found.code})
    db.session.commit()
    click.echo(f"{user.username!r} no longer collects {found.code!r}.")


@users_cli.command("odk-qr")
@click.argument("username")
@click.option(
    "--server-url", required=True, help="The address ODK Collect uses, e.g. https://survey.example.kz/openrosa"
)
def odk_qr(username: str, server_url: str) -> None:
    """Print ODK Collect's settings for USERNAME: the JSON and the code to turn into a QR image."""
    user = _require_interviewer(username)
    settings, code = collect_settings(server_url, user.username)
    click.echo(settings)
    click.echo(code)
    click.echo(
        "Make a QR image of the second line (e.g. qrencode -o collect.png < file) and scan it in Collect:"
        " Project settings > Add project > Configure with QR code. The password is typed on the device.",
        err=True,
    )


token_cli = CommandGroup("token", help="Personal API tokens of an account: create, list, revoke.")
users_cli.add_command(token_cli)


@token_cli.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for (shown in the list), e.g. 'R scripts'.")
@click.option(
    "--scope",
    type=click.Choice([s.value for s in TokenScope]),
    default=TokenScope.READ.value,
    show_default=True,
    help="read: GET only; submit: also sending responses; admin: every request the account's role allows.",
)
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=DEFAULT_DAYS, show_default=True, help="Expiry.")
def token_create(username: str, name: str, scope: str, days: int) -> None:
    """Make an API token for USERNAME and print it (once: only its hash is kept)."""
    user = _require_user(username)
    try:
        made = create_token(user, name, scope, days)
    except TokenError as error:
        raise click.ClickException(f"{error}.") from None
    db.session.commit()
    click.echo(f"Token {made.token.id} for {user.username!r} ({scope}, expires {made.token.expires_at:%Y-%m-%d}):")
    click.echo(made.secret)
    click.echo("Keep it now: it is not shown again. Send it as: Authorization: Bearer <token>", err=True)


@token_cli.command("list")
@click.argument("username")
def token_list(username: str) -> None:
    """List USERNAME's API tokens (never their secrets)."""
    user = _require_user(username)
    now = utcnow()
    for token in tokens_of(user):
        state = "revoked" if token.revoked_at else ("active" if token.usable_at(now) else "expired")
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        click.echo(
            f"{token.id:<6} {token.prefix}…  {token.scope:<7} {state:<8} expires {token.expires_at:%Y-%m-%d}  "
            f"{used:<16} {token.name}"
        )


@token_cli.command("revoke")
@click.argument("username")
@click.argument("token_id", type=int)
def token_revoke(username: str, token_id: int) -> None:
    """Revoke USERNAME's token TOKEN_ID (see `flask users token list USERNAME`)."""
    user = _require_user(username)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise click.ClickException(f"{user.username!r} has no token {token_id}. See: flask users token list {username}")
    if not revoke_token(token):
        click.echo(f"Token {token_id} was already revoked.")
        return
    db.session.commit()
    click.echo(f"Token {token_id} of {user.username!r} is revoked.")
