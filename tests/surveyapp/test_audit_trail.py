"""The audit trail page and its CSV export: real actors, translated actions, filters, a safe spreadsheet."""

from __future__ import annotations

import csv
import getpass
import io
import os
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from tests.conftest import AuthActions, invoke, make_user


def events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_failed_web_sign_in_is_an_anonymous_web_request_not_the_command_line(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, "root", "admin")
    auth.login("root", "wrong password")
    [failed] = events(app, "login_failed")
    assert failed.user_id is None and failed.actor == "web-anonymous"
    assert invoke(app, "users", "create", "dana", "--role", "ministry", "--password", "x" * 12)[0] == 0
    [created] = events(app, "user_create")
    assert created.user_id is None and created.actor == "command-line"
    auth.login("root")
    [signed_in] = events(app, "login")
    assert signed_in.actor == "root" and signed_in.user_id is not None

    page = client.get("/admin/audit?lang=ru").get_data(as_text=True)
    assert "веб, без входа" in page and "командная строка (сервер)" in page
    assert "Неудачная попытка входа" in page and "Учётная запись создана" in page
    kk = client.get("/admin/audit?lang=kk").get_data(as_text=True)
    assert "Кіру сәтсіз аяқталды" in kk


def add(app: Flask, at: datetime, actor: str, action: str, object_id: str = "", user_id: int | None = None) -> None:
    with app.app_context():
        db.session.add(
            AuditEvent(at=at, actor=actor, user_id=user_id, action=action, object_type="user", object_id=object_id)
        )
        db.session.commit()


def test_filters_by_dates_and_user(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    root = make_user(app, "root", "admin")
    add(app, datetime(2026, 3, 1, 23, 59, tzinfo=UTC), "root", "user_role", "march", root)
    add(app, datetime(2026, 4, 2, 8, 0, tzinfo=UTC), "command-line", "user_role", "april")
    auth.login("root")
    march = client.get("/admin/audit?lang=en&from=2026-03-01&to=2026-03-01").get_data(as_text=True)
    assert "user march" in march and "user april" not in march
    cli = client.get("/admin/audit?lang=en&actor=command-line").get_data(as_text=True)
    assert "user april" in cli and "user march" not in cli
    bad = client.get("/admin/audit?lang=en&from=yesterday")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "yesterday is not a date (YYYY-MM-DD)" in text and "user april" in text


def test_csv_export_is_excel_ready_formula_safe_and_audited(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "root", "admin")
    add(app, datetime(2026, 3, 1, tzinfo=UTC), "web-anonymous", "login_failed", '=HYPERLINK("http://x")')
    add(app, datetime(2026, 3, 2, tzinfo=UTC), "web-anonymous", "login_failed", "@SUM(A1)")
    add(app, datetime(2026, 3, 3, tzinfo=UTC), "web-anonymous", "login_failed", "Әлия")
    auth.login("root")
    response = client.get("/admin/audit.csv?lang=kk&action=login_failed")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 4
    object_ids = {row[6] for row in rows[1:]}
    assert object_ids == {'\'=HYPERLINK("http://x")', "'@SUM(A1)", "Әлия"}
    assert all(row[3] == "Кіру сәтсіз аяқталды" for row in rows[1:])
    [export] = events(app, "audit_export")
    assert export.actor == "root" and export.details == {"rows": 3, "action": "login_failed"}


def test_csv_export_is_for_admins_only(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "ana", "researcher")
    auth.login("ana")
    assert client.get("/admin/audit.csv").status_code == 403


def test_command_line_events_name_the_operating_system_user(
    app: Flask, client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(app, "root", "admin")
    monkeypatch.setattr(getpass, "getuser", lambda: "operator7")
    assert invoke(app, "users", "create", "dana", "--role", "ministry", "--password", "x" * 12)[0] == 0
    [created] = events(app, "user_create")
    assert created.actor == "command-line" and created.details["os_user"] == "operator7"
    auth.login("root")
    [signed_in] = events(app, "login")
    assert "os_user" not in signed_in.details  # a web request has its own actor

    page = client.get("/admin/audit?lang=ru").get_data(as_text=True)
    assert "командная строка (сервер), пользователь ОС operator7" in page
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit.csv?lang=en").get_data().decode("utf-8-sig"))))
    assert rows[0][-1] == "OS user (command line)"
    by_action = {row[4]: row for row in rows[1:]}
    assert by_action["user_create"][1] == "command line (server), OS user operator7"
    assert by_action["user_create"][-1] == "operator7" and by_action["login"][-1] == ""


@pytest.mark.parametrize("failure", [KeyError("getpwuid(): uid not found: 1234"), OSError("No username set")])
def test_an_unknown_operating_system_user_still_writes_the_event(
    app: Flask, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    # A container run with an arbitrary uid has no name for it: the event is written with the uid.
    def no_name() -> str:
        raise failure

    monkeypatch.setattr(getpass, "getuser", no_name)
    code, out = invoke(app, "users", "create", "dana", "--role", "ministry", "--password", "x" * 12)
    assert code == 0, out
    [created] = events(app, "user_create")
    assert created.details["os_user"] == f"uid {os.getuid()}"
