"""Publishing a year's results to ministries only after a confirmation, and withdrawing them with a reason."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, ComputationRun
from tests.conftest import AuthActions, invoke, make_user
from tests.surveyapp.test_reports import PROGRAMME, computed  # noqa: F401  (the fixture)

SCORECARD = f"/dashboard/{PROGRAMME}/2025"


def token_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def ministry_client(app: Flask) -> FlaskClient:
    make_user(app, "dana", "ministry")
    ministry = app.test_client()
    AuthActions(ministry).login("dana")
    return ministry


def latest_2025(app: Flask) -> ComputationRun:
    with app.app_context():
        run = db.session.scalar(
            select(ComputationRun).where(ComputationRun.year == 2025).order_by(ComputationRun.id.desc())
        )
        assert run is not None
        db.session.expunge(run)
        return run


def test_publishing_needs_a_confirmation_that_names_what_ministries_will_see(
    computed: Flask,  # noqa: F811
    client: FlaskClient,
    auth: AuthActions,
) -> None:
    make_user(computed, "saule", "researcher")
    auth.login("saule")
    scorecard = client.get(SCORECARD + "?lang=ru").get_data(as_text=True)
    token = token_of(scorecard)
    # One click on the scorecard only opens the confirmation; a bare POST publishes nothing.
    assert f'href="{SCORECARD}/publish"' in scorecard
    assert client.post(SCORECARD + "/publish", data={"csrf_token": token}).status_code == 302
    assert latest_2025(computed).published_at is None

    run = latest_2025(computed)
    confirm = client.get(SCORECARD + "/publish?lang=ru")
    assert confirm.status_code == 200
    page = confirm.get_data(as_text=True)
    with computed.app_context():
        from analysis.programme import load_programme

        title = load_programme(PROGRAMME).name.ru
    assert title in page and "2025" in page and f"{run.id}" in page
    assert "Опубликовать результаты 2025 года для министерств?" in page
    assert re.search(r"\d+, из них \d+ с национальным значением", page)
    done = client.post(SCORECARD + "/publish", data={"csrf_token": token, "run": str(run.id)})
    assert done.status_code == 302
    assert latest_2025(computed).published_at is not None


def test_withdraw_on_the_web_needs_a_reason_and_hides_the_year_from_ministries(
    computed: Flask,  # noqa: F811
    client: FlaskClient,
    auth: AuthActions,
) -> None:
    ministry = ministry_client(computed)
    assert invoke(computed, "indicators", "publish", "--programme", PROGRAMME, "--year", "2025")[0] == 0
    assert ministry.get(SCORECARD).status_code == 200
    # A ministry cannot withdraw.
    assert ministry.get(SCORECARD + "/withdraw").status_code == 403

    make_user(computed, "saule", "researcher")
    auth.login("saule")
    scorecard = client.get(SCORECARD + "?lang=kk").get_data(as_text=True)
    assert f'href="{SCORECARD}/withdraw"' in scorecard
    token = token_of(scorecard)
    empty = client.post(SCORECARD + "/withdraw?lang=kk", data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 422 and "Себебін жазыңыз" in empty.get_data(as_text=True)
    assert ministry.get(SCORECARD).status_code == 200

    reason = "A5 өңірлік салмақтары қате"
    done = client.post(SCORECARD + "/withdraw", data={"csrf_token": token, "reason": reason})
    assert done.status_code == 302
    assert ministry.get(SCORECARD).status_code == 404
    assert ministry.get(SCORECARD + "/report.ru.pdf").status_code == 404
    assert f"{PROGRAMME}/2025" not in ministry.get("/dashboard/").get_data(as_text=True)
    with computed.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results_withdraw")).all()
        assert event.actor == "saule" and event.details["reason"] == reason
    # Nothing left to withdraw: the page says so instead of failing.
    again = client.get(SCORECARD + "/withdraw", follow_redirects=True)
    assert again.status_code == 200


def test_withdraw_on_the_command_line(computed: Flask) -> None:  # noqa: F811
    ministry = ministry_client(computed)
    code, out = invoke(computed, "indicators", "withdraw", "--programme", PROGRAMME, "--year", "2024", "--reason", "")
    assert code != 0 and "reason" in out
    assert ministry.get(f"/dashboard/{PROGRAMME}/2024").status_code == 200  # the demo published 2024
    code, out = invoke(
        computed, "indicators", "withdraw", "--programme", PROGRAMME, "--year", "2024", "--reason", "wrong margins"
    )
    assert code == 0, out
    assert "ministries no longer see this year" in out
    assert ministry.get(f"/dashboard/{PROGRAMME}/2024").status_code == 404
    with computed.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "results_withdraw")).all()
        assert event.actor == "command-line" and event.details["reason"] == "wrong margins"
    code, out = invoke(
        computed, "indicators", "withdraw", "--programme", PROGRAMME, "--year", "2024", "--reason", "again"
    )
    assert code != 0 and "nothing to withdraw" in out
