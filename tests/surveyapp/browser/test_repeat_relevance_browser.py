"""A household roster in a real browser on a phone: a follow-up question inside one member's group appears as
the age is typed (no round trip), in that member's group only, and the server stores what the page showed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.surveyapp.browser.respondent import PHONE, Live, Respondent
from tests.surveyapp.respond_helpers import QUESTIONNAIRES, publish_file, stored_answers

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "repeats" / "household.yaml"


def _publish_free_roster(live: Live, tmp_path: Path) -> None:
    """The roster fixture without its count: the respondent adds members with the Add button."""
    if "household_free" in live.surveys:
        return
    root = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES / "_lists", root / "_lists")
    (root / "household").mkdir()
    path = root / "household" / "2025.yaml"
    path.write_text(FIXTURE.read_text(encoding="utf-8").replace("      count: household_size\n", ""), "utf-8")
    live.surveys["household_free"] = publish_file(live.app, path)


def _visible(page: Any, name: str) -> bool:
    return bool(
        page.eval_on_selector_all(
            f'[name="{name}"]', "els => els.some(e => !e.disabled && e.getBoundingClientRect().height > 0)"
        )
    )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_follow_up_appears_in_one_instance_as_the_age_is_typed(
    live: Live, browser: Any, tmp_path: Path, lang: str
) -> None:
    _publish_free_roster(live, tmp_path)
    context = browser.new_context(**PHONE)
    r = Respondent(live, context, f"roster-{lang}", "household_free")
    r.goto(f"/q/household/2025?lang={lang}")
    r.press("agree")
    r.answer({"household_size": ["2"]})
    assert r.press("next") == 200 and r.where()[1] == "members"
    assert r.press("add:members") == 200  # the second member: Add posts the page, as it does without the script
    page = r.page
    assert page.locator("fieldset.repeat-instance").count() == 2
    assert not _visible(page, "members.1.member_victim") and not _visible(page, "members.2.member_victim")
    url_before = page.url
    page.locator('[name="members.1.member_age"]').fill("34")
    page.locator('[name="members.2.member_age"]').fill("15")
    # Both aged 14 or more: each member's own age opens its own question, at once.
    assert _visible(page, "members.1.member_victim") and _visible(page, "members.2.member_victim")
    # The instance's own bounds are checked as one leaves the field, the message beside that member's field.
    page.locator('[name="members.2.member_age"]').fill("200")
    page.locator('[name="members.2.member_age"]').press("Tab")
    check = page.locator('[id="members.2.member_age-check"]')
    assert check.is_visible() and "110" in check.inner_text()
    assert page.locator('[id="members.1.member_age-check"]').count() == 0
    page.locator('[name="members.2.member_age"]').fill("9")
    page.locator('[name="members.2.member_age"]').press("Tab")
    assert check.count() == 0
    assert _visible(page, "members.1.member_victim")
    assert not _visible(page, "members.2.member_victim")  # a child: the follow-up went again, in that group only
    assert page.url == url_before  # no round trip
    assert page.locator("#relevance-notice").inner_text().strip()  # the live region said questions opened
    page.locator('[name="members.1.member_victim"][value="yes"]').check()
    r.shot("members-live")
    r.audit(lang)
    token = r.where()[0]
    assert r.press("next") == 200
    assert r.where()[1] == "summary", page.locator(".error").all_inner_texts()
    assert r.press("submit") == 200 and "/done" in page.url
    answers = stored_answers(live.app, token)
    assert answers["members"] == [
        {"member_age": 34, "member_victim": "yes", "member_number": 1},
        {"member_age": 9, "member_number": 2},
    ]
    assert answers["adults_total"] == 43
    context.close()
