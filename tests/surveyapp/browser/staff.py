"""A member of staff (researcher, admin) signed in to the live app in a fresh browser context."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Page

from surveyapp.extensions import db
from surveyapp.models import User
from tests.conftest import PASSWORD
from tests.surveyapp.browser.respondent import Live


def ensure_user(live: Live, username: str, role: str) -> None:
    with live.app.app_context():
        if db.session.query(User).filter_by(username=username).first() is None:
            user = User(username=username, role=role)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()


@contextmanager
def signed_in(live: Live, browser: Any, username: str, lang: str, options: dict[str, Any]) -> Iterator[Page]:
    """A page signed in as ``username`` (made beforehand with ``ensure_user``), in ``lang``; closed afterwards."""
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        page.goto(f"{live.url}/auth/login?lang={lang}")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.locator("main form input[type=submit]").click()
        yield page
    finally:
        context.close()


def sideways(page: Page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits its window)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))
