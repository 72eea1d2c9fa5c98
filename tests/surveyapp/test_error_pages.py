"""Addresses and inputs that used to give a 500: each now has its own clear 4xx or 503."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient

from surveyapp import create_app
from surveyapp.models import User
from surveyapp.questionnaire import load_version, question_types
from surveyapp.questionnaire.errors import AnswerError
from surveyapp.questionnaire.model import Item
from tests.conftest import PASSWORD, AuthActions, csrf_token, make_user
from tests.surveyapp.respond_helpers import page_url, post_page, publish_file, readme_example, start

PROGRAMME = "public_safety_2024_2028"


@pytest.mark.parametrize("page", ["10000000000000000000000000000", "0", "-3", str(2**31)])
def test_audit_page_numbers_outside_any_log_are_404(
    app: Flask, auth: AuthActions, client: FlaskClient, page: str
) -> None:
    make_user(app, "root", "admin")
    auth.login("root")
    assert client.get(f"/admin/audit?page={page}").status_code == 404
    assert client.get("/admin/audit?page=2").status_code == 200  # an empty page of a short log is fine


@pytest.mark.parametrize("year", ["99999999999999999999999", "12", "3000"])
def test_a_year_no_survey_can_have_is_404_on_the_dashboard(
    app: Flask, auth: AuthActions, client: FlaskClient, year: str
) -> None:
    make_user(app, "minister", "ministry")
    auth.login("minister")
    for path in (f"/dashboard/{PROGRAMME}/{year}", f"/dashboard/{PROGRAMME}/{year}/A1"):
        assert client.get(path).status_code == 404


def test_health_is_503_when_the_database_is_down(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            # Nothing listens on port 9: connecting fails at once, as with a stopped PostgreSQL.
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2",
        }
    )
    answer = app.test_client().get("/api/v1/health")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_the_500_page_does_not_promise_the_page_was_saved(
    app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from surveyapp.respond import flow

    example = publish_file(app, readme_example(tmp_path))
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    page_url(first)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(flow, "save_page", broken)
    page = post_page(client, first, {"age": ["30"]})
    body = page.get_data(as_text=True)
    assert page.status_code == 500 and example.sha256
    assert "ничего не потеряно" not in body.lower() and "не потеряно" not in body
    assert "могло не сохраниться" in body
    assert page.headers["X-Request-ID"] in body  # a reference the respondent can quote


def test_a_422_page_has_a_title_and_says_what_is_wrong(app: Flask) -> None:
    @app.get("/broken-draft")
    def broken_draft() -> None:
        abort(422, description="questionnaires/example/2026.yaml: line 3: unknown key 'lable'")

    page = app.test_client().get("/broken-draft", headers={"Accept-Language": "ru"})
    body = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "422 · 422" not in body and "<title>422 · Невозможно обработать</title>" in body
    assert "unknown key &#39;lable&#39;" in body


@pytest.mark.parametrize("total", ["1e400", "NaN", "inf", "-inf"])
def test_margin_totals_that_are_not_finite_are_refused_by_line(app: Flask, tmp_path: Path, total: str) -> None:
    path = tmp_path / "m.csv"
    path.write_text(f"region,sex,total\nastana,female,200\nastana,male,{total}\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["margins", "import", str(path), "--year", "2025", "--population", "adults"]
    )
    assert result.exit_code != 0
    assert f"m.csv:3: total '{total}' is not a finite number" in result.output


@pytest.mark.parametrize("answer", ["NaN", "1e400", "inf", "-Infinity"])
def test_a_decimal_answer_that_is_not_finite_is_not_a_number(example_item: Item, answer: str) -> None:
    # Stored, such a value is no valid JSON (PostgreSQL's jsonb refuses NaN): it must fail as any bad number does.
    with pytest.raises(AnswerError) as error:
        question_types.Decimal().coerce(example_item, answer)
    assert error.value.key == "number"
    assert question_types.Decimal().coerce(example_item, "2,5") == 2.5


@pytest.fixture
def example_item(tmp_path: Path) -> Item:
    return load_version(readme_example(tmp_path)).item("age")


def test_simultaneous_wrong_logins_check_at_most_the_limit_of_passwords(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(app, "aigerim", "researcher")
    limit = app.config["LOGIN_MAX_FAILURES"]
    checks: list[str] = []
    real_check = User.check_password

    def slow_check(self: User, password: str) -> bool:
        checks.append(password)
        time.sleep(0.2)  # a real hash takes this long: every guess is in flight at once
        return real_check(self, password)

    monkeypatch.setattr(User, "check_password", slow_check)
    clients = [app.test_client() for _ in range(20)]
    tokens = [csrf_token(c, "/auth/login") for c in clients]
    statuses: list[int] = []

    def guess(client: FlaskClient, token: str) -> None:
        data = {"username": "aigerim", "password": "guess", "csrf_token": token}
        statuses.append(client.post("/auth/login", data=data).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(checks) <= limit
    assert sorted(statuses) == [401] * len(checks) + [429] * (20 - len(checks))
    assert AuthActions(app.test_client()).login("aigerim", PASSWORD).status_code == 429  # still locked
