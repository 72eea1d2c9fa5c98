"""The page's rules for the browser: every item in order, earlier answers only where a rule reads them."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.questionnaire.loader import load_version
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.respond.client_logic import page_logic, page_logic_json
from tests.surveyapp.respond_helpers import QUESTIONNAIRES, come_back, post_page, publish_file, readme_example, start

VERSION = load_version(QUESTIONNAIRES / "public_safety" / "2024.yaml")


@pytest.fixture
def example(tmp_path: Path) -> QuestionnaireVersion:
    """The README's example, with a follow-up on the second page that reads an answer of the first."""
    path = readme_example(tmp_path)
    text = path.read_text(encoding="utf-8")
    rule = "relevant: \"selected(victim_any, 'yes')\""
    assert rule in text
    path.write_text(text.replace(rule, "relevant: \"selected(victim_any, 'yes') and age < 60\""), encoding="utf-8")
    return load_version(path)


def test_items_in_page_order_with_rules() -> None:
    section = VERSION.section("victimisation")
    logic = page_logic(VERSION, section, {}, "kk")
    assert [entry["code"] for entry in logic["items"]] == [item.code for item in section.items]
    for entry, item in zip(logic["items"], section.items, strict=True):
        assert ("relevant" in entry) == (item.relevant is not None)


def test_only_referenced_earlier_answers(example: QuestionnaireVersion) -> None:
    answers = {"age": 40, "region": "astana", "district": "esil", "victim_any": "yes"}
    logic = page_logic(example, example.section("safety"), answers, "ru")
    # The region is not read on this page, and this page's own answers come from the form.
    assert logic["answers"] == {"age": 40}
    assert page_logic(example, example.section("about_you"), answers, "ru")["answers"] == {}


def test_number_checks_carry_messages(example: QuestionnaireVersion) -> None:
    entries = {e["code"]: e for e in page_logic(example, example.section("safety"), {}, "ru")["items"]}
    count = entries["victims_count"]
    assert (count["number"], count["min"], count["max"]) == ("integer", 1, 99)
    # The designer's message states the rule in the respondent's terms; it wins for the bounds too.
    assert count["constraint_message"] == count["min_message"] == count["max_message"]
    assert count["constraint_message"].startswith("Число не может")
    assert entries["young"]["calculation"] == ["<", ["name", "age", None], ["lit", 30]]
    assert entries["young"]["shown"] is False
    assert entries["thanks"]["kind"] is None


def test_generic_messages_without_a_designed_one(example: QuestionnaireVersion) -> None:
    age = page_logic(example, example.section("about_you"), {}, "kk")["items"][0]
    assert age["min_message"] == "Ең аз рұқсат етілген мән: 18."
    assert "constraint" not in age


def test_json_is_compact_and_keeps_kazakh() -> None:
    text = page_logic_json(VERSION, VERSION.sections[0], {}, "kk")
    assert json.loads(text)["items"]
    assert "\\u04" not in text


def _wrapper(html: str, code: str) -> str:
    match = re.search(rf'<fieldset class="relevance[^"]*"[^>]*data-item="{code}"[^>]*>', html)
    assert match, f"{code} is not on the page"
    return match.group(0)


def test_page_draws_hidden_follow_ups_disabled_and_marks_new_ones(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    publish_file(app, readme_example(tmp_path))
    first = start(client, "/q/example/2025?lang=ru", lang="ru")
    html = client.get(first).get_data(as_text=True)
    # The follow-up is on the page for the script, hidden and disabled so that nothing of it is posted.
    assert "hidden disabled" in _wrapper(html, "district")
    assert "hidden" not in _wrapper(html, "age")
    logic = json.loads(unescape(re.search(r'data-logic="([^"]*)"', html).group(1)))  # type: ignore[union-attr]
    assert logic["items"][2]["relevant"][0] == "or"
    assert 'src="/static/js/relevance.js"' in html and "<script>" not in html  # no inline script (CSP)
    # Without the script, the follow-up comes back after the round trip, marked as new.
    response = come_back(
        client, post_page(client, first, {"age": ["40"], "region": ["almaty"], "shown": ["age region"]})
    )
    assert response.status_code == 200
    again = response.get_data(as_text=True)
    assert "is-new" in _wrapper(again, "district") and "hidden" not in _wrapper(again, "district")
    assert "is-new" not in _wrapper(again, "region")
