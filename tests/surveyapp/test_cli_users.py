from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from surveyapp.audit import os_user
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, User


def run(runner: FlaskCliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(args=list(args))
    return result.exit_code, result.output


def get_user(app: Flask, username: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            db.session.expunge(user)
        return user


def audit_actions(app: Flask) -> list[tuple[str, str, dict[str, object]]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.object_id, e.details) for e in rows]


def test_create_user_and_audit(app: Flask, runner: FlaskCliRunner) -> None:
    code, out = run(runner, "users", "create", "saule", "--role", "researcher", "--password", "long-enough-1")
    assert code == 0, out
    assert "Created researcher 'saule'" in out
    user = get_user(app, "saule")
    assert user is not None and user.role == "researcher" and user.check_password("long-enough-1")
    assert user.password_hash != "long-enough-1"
    assert audit_actions(app) == [("user_create", "saule", {"role": "researcher", "os_user": os_user()})]


def test_password_prompt_is_used_when_not_given(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "erlan", "--role", "ministry"], input="long-enough-2\nlong-enough-2\n"
    )
    assert result.exit_code == 0, result.output
    assert get_user(app, "erlan").check_password("long-enough-2")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "create", "x", "--role", "boss", "--password", "long-enough-1"], "'boss' is not one of"),
        (["users", "create", "x", "--role", "admin", "--password", "short"], "password is too short"),
        (["users", "create", "Saule", "--role", "admin", "--password", "long-enough-1"], "already exists"),
        (["users", "set-password", "ghost", "--password", "long-enough-1"], "No user named 'ghost'"),
        (["users", "set-role", "ghost", "admin"], "No user named 'ghost'"),
    ],
)
def test_bad_input_gives_clear_message(app: Flask, runner: FlaskCliRunner, args: list[str], message: str) -> None:
    run(runner, "users", "create", "saule", "--role", "researcher", "--password", "long-enough-1")
    code, out = run(runner, *args)
    assert code != 0
    assert message in out
    assert "Traceback" not in out
    assert get_user(app, "saule").check_password("long-enough-1")


def test_set_password_role_deactivate_and_list(app: Flask, runner: FlaskCliRunner) -> None:
    run(runner, "users", "create", "saule", "--role", "researcher", "--password", "long-enough-1")
    assert run(runner, "users", "set-password", "saule", "--password", "new-password-22")[0] == 0
    assert run(runner, "users", "set-role", "saule", "admin")[0] == 0
    assert run(runner, "users", "deactivate", "saule")[0] == 0
    user = get_user(app, "saule")
    assert user.check_password("new-password-22") and user.role == "admin" and not user.active
    actions = [action for action, _object, _details in audit_actions(app)]
    assert actions == ["user_create", "user_password", "user_role", "user_deactivate"]
    code, out = run(runner, "users", "list")
    assert code == 0 and "saule" in out and "inactive" in out


def test_demo_init_creates_accounts_once(app: Flask, runner: FlaskCliRunner) -> None:
    code, first = run(runner, "demo", "init", "--adults", "0", "--pupils", "0")
    assert code == 0, first
    with app.app_context():
        users = {u.username: u.role for u in db.session.scalars(select(User))}
    assert users == {"admin": "admin", "researcher": "researcher", "ministry": "ministry"}
    admin_line = next(line for line in first.splitlines() if line.startswith("admin "))
    password = admin_line.split()[1]
    assert get_user(app, "admin").check_password(password)
    code, second = run(runner, "demo", "init", "--adults", "0", "--pupils", "0")
    assert code == 0 and admin_line in second
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 3
