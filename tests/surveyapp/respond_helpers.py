"""Filling questionnaire pages in tests: valid answers made from the questionnaire model itself."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import SurveyResponse
from surveyapp.questionnaire import load_version, relevant_items
from surveyapp.questionnaire.choice_filters import on_offer
from surveyapp.questionnaire.model import Item, QuestionnaireVersion
from surveyapp.questionnaire.question_types import question_type
from surveyapp.services.publish_versions import publish

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRES = ROOT / "questionnaires"


def readme_example(tmp_path: Path) -> Path:
    """The complete example of questionnaires/README.md as a questionnaire tree, so the documented format is
    exactly what the flow tests run on."""
    text = (QUESTIONNAIRES / "README.md").read_text(encoding="utf-8")
    match = re.search(r"## A complete example.*?```yaml\n(.*?)```", text, re.S)
    assert match, "questionnaires/README.md lost its complete example"
    root = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES / "_lists", root / "_lists")
    (root / "example").mkdir(parents=True)
    path = root / "example" / "2025.yaml"
    path.write_text(match.group(1), encoding="utf-8")
    return path


def publish_file(app: Flask, path: Path) -> QuestionnaireVersion:
    domain = load_version(path)
    with app.app_context():
        publish(domain)
        db.session.commit()
    return domain


def _value(domain: QuestionnaireVersion, item: Item, answers: dict[str, Any], index: int) -> Any:
    if item.choices is not None:
        choices = [c for c in on_offer(item, answers) if not c.special]
        if item.type == "matrix":
            return {row.code: choices[(i + index) % len(choices)].code for i, row in enumerate(item.rows)}
        if item.type == "multiple_choice":
            return [choices[0].code]
        return choices[index % len(choices)].code
    if item.type in {"integer", "decimal"}:
        if item.code.startswith("age"):
            low = item.min if isinstance(item.min, int) else 18
            return max(low, min(35, item.max if isinstance(item.max, int) else 35))
        return item.min if isinstance(item.min, int | float) and item.min > 0 else 1
    if item.type == "date":
        return dt.date.today().isoformat()
    if item.type in {"text", "long_text"}:
        return "Тест: әғқңөұүһі"
    return None


def fill(
    domain: QuestionnaireVersion,
    section: str,
    answers: dict[str, Any],
    overrides: dict[str, Any] | None = None,
    index: int = 0,
) -> dict[str, list[str]]:
    """Form data answering every shown item of `section` validly (or as `overrides` say)."""
    overrides = overrides or {}
    answers = dict(answers)
    form: dict[str, list[str]] = {}
    for item in domain.section(section).items:
        visible = {i.code for i in relevant_items(domain, answers, section)}
        if item.code not in visible or item.type in {"note", "calculate"}:
            continue
        value = overrides[item.code] if item.code in overrides else _value(domain, item, answers, index)
        if value is None:
            continue
        answers[item.code] = value
        form |= question_type(item).form_input(item, value)
    return form


def page_url(location: str) -> tuple[str, str]:
    """(token, section) of a page address."""
    match = re.search(r"/s/([^/]+)/p/([^/?]+)", location)
    assert match, location
    return match.group(1), match.group(2)


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def start(client: FlaskClient, url: str, lang: str = "kk", **extra: str) -> str:
    """Agree on the consent page; returns the first page's address."""
    token = csrf(client, url)
    response = client.post(url, data={"action": "agree", "lang": lang, "csrf_token": token, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.location


def post_page(client: FlaskClient, location: str, form: dict[str, list[str]], action: str = "next") -> Any:
    url = location.split("?")[0]
    token = csrf(client, location)
    data: dict[str, Any] = {"action": action, "csrf_token": token, **form}
    return client.post(url, data=data)


def come_back(client: FlaskClient, posted: Any) -> Any:
    """A page that did not move on (an error, follow-up questions): the POST redirects to the page itself
    (so reload and Back never post again), and the page is shown from what was kept on the server."""
    assert posted.status_code == 302, posted.get_data(as_text=True)[:2000]
    assert page_url(posted.location) == page_url(posted.request.url), posted.location
    return client.get(posted.location)


def complete(
    client: FlaskClient,
    app: Flask,
    domain: QuestionnaireVersion,
    location: str,
    overrides: dict[str, Any] | None = None,
) -> str:
    """Answer every page until the thank-you page; returns its address."""
    answers: dict[str, Any] = {}
    for _ in range(len(domain.sections) + 1):
        token, section = page_url(location)
        form = fill(domain, section, stored_answers(app, token) | answers, overrides)
        response = post_page(client, location, form)
        assert response.status_code == 302, _errors(response.get_data(as_text=True))
        location = response.location
        if location.endswith("/done"):
            return location
    raise AssertionError("the questionnaire never ended")


def _errors(page: str) -> list[str]:
    return re.findall(r'class="error"[^>]*>([^<]+)<', page)


def stored_answers(app: Flask, token: str) -> dict[str, Any]:
    from surveyapp.services.secrets import digest

    with app.app_context():
        response = db.session.query(SurveyResponse).filter_by(access_token_hash=digest(token)).one()
        return dict(response.answers)


def only_response(app: Flask) -> SurveyResponse:
    with app.app_context():
        [response] = db.session.query(SurveyResponse).all()
        db.session.expunge(response)
        return response
