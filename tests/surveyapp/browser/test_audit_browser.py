"""The administrator's audit trail on a 360-px phone: every event readable without sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from tests.surveyapp.browser.respondent import ARTIFACTS, PHONE, Live
from tests.surveyapp.browser.staff import ensure_user, sideways, signed_in

pytestmark = pytest.mark.browser


def test_audit_trail_fits_a_phone(live: Live, browser: Any) -> None:
    ensure_user(live, "audit_admin", "admin")
    with live.app.app_context():
        # The widest real rows: a long object name and details with many keys.
        db.session.add(
            AuditEvent(
                actor="command-line",
                action="margins_import",
                object_type="margins",
                object_id="police_employees/2024/" + "x" * 90,
                details={"file": "margins_police_employees_2024_SYNTHETIC.csv", "sha256": "f" * 64, "cells": 170},
            )
        )
        db.session.commit()
    with signed_in(live, browser, "audit_admin", "ru", PHONE) as page:
        page.goto(f"{live.url}/admin/audit?lang=ru")
        page.screenshot(path=str(ARTIFACTS / "admin-audit-phone-ru.png"), full_page=True)
        overflow = sideways(page)
        assert overflow <= 0, f"the audit trail scrolls sideways by {overflow} px on a 360-px phone"
        assert "Численность населения для взвешивания импортирована" in page.inner_text("main")
        assert page.locator("a[href*='/admin/audit.csv']").count() == 1
