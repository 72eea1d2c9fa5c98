"""The workbench flow in a real browser on a 360×740 phone, in Kazakh and Russian: upload a draft YAML, read
the validation report in the interface language, upload the corrected file, preview, and publish after the
confirmation page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from surveyapp.extensions import db
from surveyapp.models import StoredVersion
from tests.surveyapp.browser.respondent import ARTIFACTS, PHONE, Live
from tests.surveyapp.browser.staff import ensure_user, sideways, signed_in
from tests.surveyapp.respond_helpers import publish_file, readme_example

pytestmark = pytest.mark.browser

TEXTS: dict[str, dict[str, str]] = {
    "kk": {
        "report": "Тексеру есебі",
        "unknown_key": "Белгісіз кілт: 'lable'.",
        "publish": "Осы нұсқаны жариялау",
    },
    "ru": {
        "report": "Отчёт проверки",
        "unknown_key": "Неизвестный ключ 'lable'.",
        "publish": "Опубликовать эту версию",
    },
}


def _files(tmp_path: Path, instrument: str) -> tuple[Path, Path]:
    """(broken, corrected) YAML of a new instrument made from the README's complete example."""
    text = readme_example(tmp_path).read_text(encoding="utf-8")
    text = re.sub(r"^instrument: .*$", f"instrument: {instrument}", text, count=1, flags=re.M)
    good = tmp_path / f"{instrument}.yaml"
    good.write_text(text, encoding="utf-8")
    broken = tmp_path / f"{instrument}-broken.yaml"
    assert "    label: {" in text
    broken.write_text(text.replace("    label: {", "    lable: {", 1), encoding="utf-8")
    return broken, good


def _no_sideways_scroll(page: Any, what: str) -> None:
    overflow = sideways(page)
    assert overflow <= 0, f"{what} scrolls sideways by {overflow} px on a 360-px phone"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_upload_fix_preview_publish_on_a_phone(live: Live, browser: Any, tmp_path: Path, lang: str) -> None:
    instrument = f"workbench_{lang}"
    broken, good = _files(tmp_path, instrument)
    ensure_user(live, "wb_researcher", "researcher")
    texts = TEXTS[lang]
    with signed_in(live, browser, "wb_researcher", lang, PHONE) as page:

        page.goto(f"{live.url}/research/questionnaires?lang={lang}")
        page.set_input_files("#file", str(broken))
        page.locator("form[action$='/research/drafts'] input[type=submit]").click()
        page.wait_for_url(re.compile(r"/research/drafts/\d+$"))
        report = page.locator("table.report")
        assert texts["report"] in page.content() and texts["unknown_key"] in report.inner_text()
        page.screenshot(path=str(ARTIFACTS / f"workbench-report-phone-{lang}.png"), full_page=True)
        _no_sideways_scroll(page, "the draft page with its report")

        page.set_input_files("form[action$='/upload'] input[type=file]", str(good))
        page.locator("form[action$='/upload'] input[type=submit]").click()
        page.wait_for_url(re.compile(r"/research/drafts/\d+$"))
        assert page.locator("table.report").count() == 0

        # The test link opens the respondent's consent page of the draft, marked as a test.
        page.locator("form[action$='/test-link'] button").click()
        link = page.locator("a.test-link").get_attribute("href") or ""
        assert "/t/" in link
        _no_sideways_scroll(page, "the draft page with its test link")
        respondent = page.context.new_page()
        respondent.goto(f"{link}?lang={lang}")
        assert respondent.locator("p.test-banner").count() == 1
        _no_sideways_scroll(respondent, "the test link's consent page")
        respondent.close()

        page.locator("a[href$='/preview']").click()
        page.wait_for_url(re.compile(r"/preview$"))
        _no_sideways_scroll(page, "the draft preview")
        page.go_back()

        page.locator("a[href$='/publish']").click()
        page.wait_for_url(re.compile(r"/publish$"))
        sha = page.locator("code.hash").inner_text()
        assert re.fullmatch(r"[0-9a-f]{64}", sha)
        _no_sideways_scroll(page, "the publish confirmation")
        page.screenshot(path=str(ARTIFACTS / f"workbench-publish-phone-{lang}.png"), full_page=True)
        page.get_by_role("button", name=texts["publish"]).click()
        page.wait_for_url(re.compile(rf"/research/questionnaires/{instrument}/2025$"))
        assert sha in page.content()
    with live.app.app_context():
        stored = db.session.query(StoredVersion).filter_by(sha256=sha).one()
        assert stored.instrument.code == instrument


def test_fieldwork_charts_fit_a_phone(live: Live, browser: Any, tmp_path: Path) -> None:
    """The charts' SVG scales into the column: no sideways scroll, and the bars are drawn."""
    from datetime import UTC, datetime

    from surveyapp.models import SurveyResponse

    # A version of its own: the folder's other tests answer the example survey, and their responses (sent
    # today) would stretch the chart's days.
    path = readme_example(tmp_path)
    charted = path.with_name("2031.yaml")
    charted.write_text(path.read_text(encoding="utf-8").replace('version: "2025"', 'version: "2031"'), "utf-8")
    domain = publish_file(live.app, charted)
    with live.app.app_context():
        version = db.session.query(StoredVersion).filter_by(sha256=domain.sha256).one()
        if db.session.query(SurveyResponse).filter_by(version_id=version.id).count() == 0:
            for day, region in [(1, "almaty"), (1, "astana"), (2, "almaty"), (5, "abai")]:
                db.session.add(
                    SurveyResponse(
                        version_id=version.id,
                        version_sha256=version.sha256,
                        language="kk",
                        status="submitted",
                        design={"region": region},
                        submitted_at=datetime(2026, 3, day, 12, tzinfo=UTC),
                    )
                )
        db.session.commit()
    ensure_user(live, "wb_researcher", "researcher")
    with signed_in(live, browser, "wb_researcher", "ru", PHONE) as page:
        page.goto(f"{live.url}/research/fieldwork/example/2031?lang=ru")
        per_day = page.locator("svg[data-chart=per-day]")
        assert per_day.locator("rect[data-day]").count() == 5  # 1-5 March, the days between at 0
        box = per_day.bounding_box()
        assert box is not None and 300 <= box["width"] <= 360
        assert page.locator("svg[data-chart=per-region] rect[data-kind=submitted]").count() == 3
        _no_sideways_scroll(page, "the fieldwork page with its charts")
        page.screenshot(path=str(ARTIFACTS / "fieldwork-charts-phone-ru.png"), full_page=True)
