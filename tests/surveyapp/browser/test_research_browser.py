"""The version diff in a real browser: within the window on a desktop and on a 360-px phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.surveyapp.browser.respondent import ARTIFACTS, PHONE, Live
from tests.surveyapp.browser.staff import ensure_user, sideways, signed_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_version_diff_fits_the_window(live: Live, browser: Any, device: str) -> None:
    ensure_user(live, "diff_reader", "researcher")
    options = PHONE if device == "phone" else {"viewport": {"width": 1280, "height": 900}}
    with signed_in(live, browser, "diff_reader", "kk", options) as page:
        page.goto(f"{live.url}/research/questionnaires/public_safety/diff?from=2024&to=2025&lang=kk")
        page.screenshot(path=str(ARTIFACTS / f"research-diff-{device}-kk.png"), full_page=True)
        overflow = sideways(page)
        assert overflow <= 0, f"the diff scrolls sideways by {overflow} px ({device})"
        assert page.locator("#item-vict_fraud .side-by-side").count() == 1


RESEARCH_PAGES = (
    "/research/questionnaires",
    "/research/questionnaires/public_safety/2024",
    "/research/responses",
    "/research/exports",
    "/research/inputs",
    "/research/fieldwork/public_safety/2024",
    "/research/fieldwork/public_safety/2024/invitations",
)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_researchers_pages_fit_a_phone_in_the_interface_language(live: Live, browser: Any, lang: str) -> None:
    ensure_user(live, "phone_researcher", "researcher")
    with signed_in(live, browser, "phone_researcher", lang, PHONE) as page:
        for path in RESEARCH_PAGES:
            response = page.goto(f"{live.url}{path}")
            assert response is not None and response.status == 200, path
            page.screenshot(path=str(ARTIFACTS / f"{path.strip('/').replace('/', '-')}-phone-{lang}.png"))
            overflow = sideways(page)
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px on a phone ({lang})"
        # The draft form names the populations in the interface language, not by their codes alone.
        page.goto(f"{live.url}/research/questionnaires")
        adults = page.locator("select#population option[value=adults]").inner_text()
        assert adults == {"kk": "18 жастан асқан тұрғындар (adults)", "ru": "население 18 лет и старше (adults)"}[lang]


def test_the_admins_user_list_fits_a_phone(live: Live, browser: Any) -> None:
    ensure_user(live, "phone_admin", "admin")
    with signed_in(live, browser, "phone_admin", "ru", PHONE) as page:
        page.goto(f"{live.url}/admin/users")
        page.screenshot(path=str(ARTIFACTS / "admin-users-phone-ru.png"))
        overflow = sideways(page)
        assert overflow <= 0, f"the user list scrolls sideways by {overflow} px on a phone"
        assert "phone_admin" in page.inner_text("main")
