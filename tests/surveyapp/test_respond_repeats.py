"""A roster page in the respondent path: one group of questions per member, Add and Remove without a script,
errors that name the member, typed input and every instance kept across a round trip and a resume."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.questionnaire.model import QuestionnaireVersion
from tests.surveyapp.respond_helpers import (
    QUESTIONNAIRES,
    come_back,
    page_url,
    post_page,
    publish_file,
    start,
    stored_answers,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "repeats" / "household.yaml"


def _publish(app: Flask, tmp_path: Path, free: bool = False) -> QuestionnaireVersion:
    root = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES / "_lists", root / "_lists")
    (root / "household").mkdir()
    text = FIXTURE.read_text(encoding="utf-8")
    if free:  # the respondent sets the number of members with Add and Remove
        text = text.replace("      count: household_size\n", "")
    path = root / "household" / "2025.yaml"
    path.write_text(text, encoding="utf-8")
    return publish_file(app, path)


def _to_members(client: FlaskClient, size: str = "2") -> str:
    location = start(client, "/q/household/2025?lang=ru", lang="ru")
    moved = post_page(client, location, {"household_size": [size]})
    assert moved.status_code == 302
    assert page_url(moved.location)[1] == "members"
    return moved.location


def _value(page: str, name: str) -> str | None:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    return match.group(1) if match else None


def test_the_count_from_an_answer_gives_one_group_per_member(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    _publish(app, tmp_path)
    location = _to_members(client, "3")
    page = client.get(location).get_data(as_text=True)
    assert page.count('class="repeat-instance"') == 3
    assert 'name="members.3.member_age"' in page
    assert "Добавить" not in page and "Удалить" not in page  # a fixed count has no Add or Remove button
    form = {
        "members.count": ["3"],
        "members.1.member_age": ["40"],
        "members.1.member_victim": ["yes"],
        "members.2.member_age": ["10"],
        "members.3.member_age": ["16"],
        "members.3.member_victim": ["no"],
    }
    moved = post_page(client, location, form)
    assert moved.status_code == 302 and page_url(moved.location)[1] == "summary"
    token = page_url(location)[0]
    answers = stored_answers(app, token)
    assert answers["members"] == [
        {"member_age": 40, "member_victim": "yes", "member_number": 1},
        {"member_age": 10, "member_number": 2},
        {"member_age": 16, "member_victim": "no", "member_number": 3},
    ]
    assert answers["adults_total"] == 66


def test_errors_name_the_member_and_typed_input_comes_back(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    _publish(app, tmp_path)
    location = _to_members(client, "2")
    form = {"members.count": ["2"], "members.1.member_age": ["30"], "members.2.member_age": ["12x"]}
    shown = come_back(client, post_page(client, location, form))
    assert shown.status_code == 422
    page = shown.get_data(as_text=True)
    assert "Член домохозяйства 1: Был ли жертвой?" in page  # required, now relevant (30 >= 14)
    assert "Член домохозяйства 2: Возраст" in page
    assert _value(page, "members.2.member_age") == "12x"
    assert _value(page, "members.1.member_age") == "30"


def test_add_and_remove_keep_what_was_typed_and_resume_keeps_every_member(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    _publish(app, tmp_path, free=True)
    location = _to_members(client)
    page = client.get(location).get_data(as_text=True)
    assert page.count('class="repeat-instance"') == 1
    assert "Добавить: Член домохозяйства" in page
    form = {"members.count": ["1"], "members.1.member_age": ["50"], "members.1.member_victim": ["no"]}
    added = client.get(post_page(client, location, form, action="add:members").location).get_data(as_text=True)
    assert added.count('class="repeat-instance"') == 2
    assert _value(added, "members.1.member_age") == "50"
    form = {
        "members.count": ["2"],
        "members.1.member_age": ["50"],
        "members.1.member_victim": ["no"],
        "members.2.member_age": ["20"],
        "members.2.member_victim": ["yes"],
    }
    added = client.get(post_page(client, location, form, action="add:members").location).get_data(as_text=True)
    assert added.count('class="repeat-instance"') == 3
    form |= {"members.count": ["3"], "members.3.member_age": ["7"]}
    removed = client.get(post_page(client, location, form, action="remove:members:1").location)
    page = removed.get_data(as_text=True)
    assert page.count('class="repeat-instance"') == 2
    assert _value(page, "members.1.member_age") == "20"
    assert _value(page, "members.2.member_age") == "7"
    token = page_url(location)[0]
    assert stored_answers(app, token)["members"] == [
        {"member_age": 20, "member_victim": "yes", "member_number": 1},
        {"member_age": 7, "member_number": 2},
    ]
    # A later visit (a resume draws the page from the stored answers) shows both members.
    again = client.get(location.split("?")[0]).get_data(as_text=True)
    assert again.count('class="repeat-instance"') == 2
    assert _value(again, "members.2.member_age") == "7"
