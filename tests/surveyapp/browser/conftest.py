"""Real browser tests: the app runs in a background thread, Debian's chromium drives it through Playwright.

One server and one browser serve the whole folder (start-up is the slow part); each test opens its own
browser contexts, so cookies and storage never leak from one test into another.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from surveyapp import create_app
from surveyapp.extensions import db
from tests.surveyapp.browser.respondent import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Live
from tests.surveyapp.browser.server import serving
from tests.surveyapp.respond_helpers import QUESTIONNAIRES, publish_file, readme_example


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The real app on 127.0.0.1 (a free port) with a fresh SQLite database and real questionnaires."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package 'chromium'): browser tests need it")
    tmp = tmp_path_factory.mktemp("browser")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'browser.sqlite3'}",
            "DEMO_LOGINS_FILE": str(tmp / "demo-logins.txt"),
            "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
            # One browser signs in many staff accounts from 127.0.0.1 across the folder's tests; the sign-in
            # limit per address (tested in tests/surveyapp/test_rate_limits.py) is not what these tests try.
            "RATELIMIT_LOGIN": "1000 per minute",
            "UPLOADS_DIR": str(tmp / "uploads"),
        }
    )
    with app.app_context():
        db.create_all()
    surveys = {
        "public_safety": publish_file(app, QUESTIONNAIRES / "public_safety" / "2024.yaml"),
        "child_protection": publish_file(app, QUESTIONNAIRES / "child_protection" / "2024.yaml"),
        "example": publish_file(app, readme_example(tmp)),
    }
    with serving(app) as url:
        yield Live(app, url, surveys)


@pytest.fixture(scope="session")
def browser(live: Live) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
