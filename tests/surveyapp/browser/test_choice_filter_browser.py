"""A general choice_filter in a real browser on a phone: options appear and go as the answers they read change,
an option that goes loses its tick, and the server stores what the page showed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.surveyapp.browser.respondent import PHONE, Live, Respondent
from tests.surveyapp.questionnaire.choice_filter_fixture import filtered_tree
from tests.surveyapp.respond_helpers import publish_file, stored_answers


def _shown(page: Any, code: str) -> list[str]:
    return page.eval_on_selector_all(
        f'input[name="{code}"]',
        "els => els.filter(e => e.closest('label').getBoundingClientRect().height > 0 && !e.disabled)"
        ".map(e => e.value)",
    )


def test_options_follow_the_answers_on_a_phone(live: Live, browser: Any, tmp_path: Path) -> None:
    path = filtered_tree(tmp_path, "filters_live", same_page=True)
    live.surveys["filters_live"] = publish_file(live.app, path)
    context = browser.new_context(**PHONE)
    r = Respondent(live, context, "choice-filter-phone", "filters_live")
    r.goto("/q/filters_live/2025?lang=kk")
    r.press("agree")
    r.answer({"age": ["20"], "region": ["shymkent"]})
    assert r.press("next") == 200 and r.where()[1] == "services"
    page = r.page
    assert _shown(page, "used") == []  # nothing offered until the kind of service is chosen
    page.locator('[name="kind"][value="state"]').check()
    assert _shown(page, "used") == ["police"]  # the court asks for 25 and over
    page.locator('[name="used"][value="police"]').check()
    assert _shown(page, "best") == ["police"]
    r.shot("state-police")
    # Another kind: the police option goes, with its tick, and so does the follow-on choice.
    page.locator('[name="kind"][value="private"]').check()
    assert _shown(page, "used") == ["ngo"]
    assert not page.locator('[name="used"][value="police"]').is_checked()
    assert _shown(page, "best") == []
    page.locator('[name="used"][value="ngo"]').check()
    page.locator('[name="best"][value="ngo"]').check()
    r.shot("private-ngo")
    r.audit("kk")
    assert r.press("next") == 200
    assert r.where()[1] != "services", page.locator(".error").all_inner_texts()
    stored = stored_answers(live.app, r.where()[0])
    assert (stored["kind"], stored["used"], stored["best"]) == ("private", ["ngo"], "ngo")
    context.close()
