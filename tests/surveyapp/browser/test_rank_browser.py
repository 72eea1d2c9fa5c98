"""A rank question in a real browser on a phone: one drop-down per place, and a follow-up that reads the first
place (selected-at(q, 0)) appears as soon as the order is complete, without a round trip."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.surveyapp.browser.respondent import PHONE, Live, Respondent
from tests.surveyapp.respond_helpers import QUESTIONNAIRES, publish_file, stored_answers
from tests.surveyapp.test_respond_rank import FORM


def test_the_first_place_opens_its_follow_up_live_on_a_phone(live: Live, browser: Any, tmp_path: Path) -> None:
    root = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES / "_lists", root / "_lists")
    path = root / "priorities" / "2025.yaml"
    path.parent.mkdir()
    path.write_text(FORM, encoding="utf-8")
    live.surveys["priorities"] = publish_file(live.app, path)
    context = browser.new_context(**PHONE)
    r = Respondent(live, context, "rank-phone", "priorities")
    r.goto("/q/priorities/2025?lang=kk")
    r.press("agree")
    page = r.page
    follow_up = page.locator('[data-item="why_police"]')
    page.select_option('[name="priorities.1"]', "police")
    page.select_option('[name="priorities.2"]', "schools")
    assert follow_up.is_hidden()  # a partial order is no answer yet
    page.select_option('[name="priorities.3"]', "roads")
    assert follow_up.is_visible()
    page.select_option('[name="priorities.1"]', "roads")
    page.select_option('[name="priorities.3"]', "police")
    assert follow_up.is_hidden()  # police is no longer first
    r.shot("ranked")
    r.audit("kk")
    token = r.where()[0]
    assert r.press("submit") == 200 and "/done" in page.url, page.locator(".error").all_inner_texts()
    assert stored_answers(live.app, token)["priorities"] == ["roads", "schools", "police"]
    context.close()
