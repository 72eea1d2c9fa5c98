"""The version diff in a real browser: within the window on a desktop and on a 360-px phone."""

from __future__ import annotations

from typing import Any

import pytest

from surveyapp.extensions import db
from surveyapp.models import User
from tests.conftest import PASSWORD
from tests.surveyapp.browser.respondent import ARTIFACTS, PHONE, Live

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_version_diff_fits_the_window(live: Live, browser: Any, device: str) -> None:
    with live.app.app_context():
        if db.session.query(User).filter_by(username="diff_reader").first() is None:
            reader = User(username="diff_reader", role="researcher")
            reader.set_password(PASSWORD)
            db.session.add(reader)
            db.session.commit()
    options = PHONE if device == "phone" else {"viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        page.goto(f"{live.url}/auth/login?lang=kk")
        page.fill("#username", "diff_reader")
        page.fill("#password", PASSWORD)
        page.locator("main form input[type=submit]").click()
        page.goto(f"{live.url}/research/questionnaires/public_safety/diff?from=2024&to=2025&lang=kk")
        page.screenshot(path=str(ARTIFACTS / f"research-diff-{device}-kk.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the diff scrolls sideways by {overflow} px ({device})"
        assert page.locator("#item-vict_fraud .side-by-side").count() == 1
    finally:
        context.close()


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
    with live.app.app_context():
        if db.session.query(User).filter_by(username="phone_researcher").first() is None:
            researcher = User(username="phone_researcher", role="researcher")
            researcher.set_password(PASSWORD)
            db.session.add(researcher)
            db.session.commit()
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live.url}/auth/login?lang={lang}")
        page.fill("#username", "phone_researcher")
        page.fill("#password", PASSWORD)
        page.locator("main form input[type=submit]").click()
        for path in RESEARCH_PAGES:
            response = page.goto(f"{live.url}{path}")
            assert response is not None and response.status == 200, path
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            name = path.strip("/").replace("/", "-")
            page.screenshot(path=str(ARTIFACTS / f"{name}-phone-{lang}.png"))
            assert overflow <= 0, f"{path} scrolls sideways by {overflow} px on a phone ({lang})"
        # The draft form names the populations in the interface language, not by their codes alone.
        page.goto(f"{live.url}/research/questionnaires")
        adults = page.locator("select#population option[value=adults]").inner_text()
        assert adults == {"kk": "18 жастан асқан тұрғындар (adults)", "ru": "население 18 лет и старше (adults)"}[lang]
    finally:
        context.close()
