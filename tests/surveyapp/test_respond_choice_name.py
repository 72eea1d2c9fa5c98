"""A respondent's calculation with jr:choice-name stores the label in the language the page was answered in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.surveyapp.questionnaire.choice_name_fixture import choice_name_yaml
from tests.surveyapp.respond_helpers import (
    fill,
    page_url,
    post_page,
    publish_file,
    readme_example,
    start,
    stored_answers,
)


@pytest.mark.parametrize(("language", "label"), [("kk", "Астана қаласы"), ("ru", "город Астана")])
def test_the_stored_label_is_in_the_respondents_language(
    app: Flask, client: FlaskClient, tmp_path: Path, language: str, label: str
) -> None:
    path = readme_example(tmp_path)
    path.write_text(choice_name_yaml(), encoding="utf-8")
    domain = publish_file(app, path)
    first = start(client, f"/q/{domain.instrument}/{domain.version}?lang={language}", lang=language)
    token, section = page_url(first)
    assert section == "about_you"
    form = fill(domain, "about_you", {}, {"age": 40, "region": "astana", "district": "esil"})
    moved = post_page(client, first, form)
    assert moved.status_code == 302 and page_url(moved.location)[1] == "safety"
    assert stored_answers(app, token)["region_name"] == label
    # The later page's rule on the label is decided in the same language: shown in Russian only.
    page = client.get(moved.location).get_data(as_text=True)
    shown = re.search(r'name="shown" value="([^"]*)"', page)
    assert shown is not None and ("capital_why" in shown.group(1).split()) is (language == "ru")
