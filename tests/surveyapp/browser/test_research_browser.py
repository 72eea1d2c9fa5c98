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
