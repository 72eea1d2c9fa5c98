"""The workbench's other main flows in a real browser on a 360×740 phone: a sample uploaded and its links file
downloaded; margins stored, indicators computed on a background job, reviewed, published and withdrawn; an admin
creating an account whose owner then signs in. Each step checks what the user sees and that nothing scrolls
sideways."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, Invitation, MarginSet, User
from tests.conftest import PASSWORD, invoke
from tests.surveyapp.browser.respondent import ARTIFACTS, CHROMIUM, PHONE, Live
from tests.surveyapp.browser.server import serving
from tests.surveyapp.browser.staff import ensure_user, sideways, signed_in
from tests.surveyapp.respond_helpers import QUESTIONNAIRES

pytestmark = pytest.mark.browser

PROGRAMME = "public_safety_2024_2028"


def _fits(page: Any, what: str) -> None:
    overflow = sideways(page)
    assert overflow <= 0, f"{what} scrolls sideways by {overflow} px on a 360-px phone"


SAMPLE_TEXTS = {
    "kk": {"preview": "Алдын ала қарау: 3 шақыру", "empty": "sample.csv:3: column stratum is empty"},
    "ru": {"preview": "Предпросмотр: приглашений 3", "empty": "sample.csv:3: column stratum is empty"},
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_sample_preview_errors_create_and_download_links(live: Live, browser: Any, tmp_path: Path, lang: str) -> None:
    ensure_user(live, "wb_researcher", "researcher")
    bad = tmp_path / "sample.csv"
    bad.write_text("person,stratum\nA-1,astana_urban\nA-2,\nA-3,\n", encoding="utf-8")
    with signed_in(live, browser, "wb_researcher", lang, {**PHONE, "accept_downloads": True}) as page:
        page.goto(f"{live.url}/research/fieldwork/example/2025/invitations?lang={lang}")
        _fits(page, "the invitations page")
        page.set_input_files("#file", str(bad))
        page.fill("#batch", f"may-{lang}")
        page.locator("main form.form button[type=submit]").nth(0).click()
        page.wait_for_load_state()
        error = page.locator(".flash-error").inner_text()
        # Every faulty row is named, not only the first.
        assert "sample.csv:3" in error and "sample.csv:4" in error, error
        _fits(page, "the invitations page with the sample's errors")

        good = tmp_path / "sample-good.csv"
        good.write_text(
            f"person,stratum\n{lang}-1,astana_urban\n{lang}-2,almaty_urban\n{lang}-3,abai_rural\n", encoding="utf-8"
        )
        page.set_input_files("#file", str(good))
        page.fill("#batch", f"may-{lang}")
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").first.click()
        page.wait_for_load_state()
        preview = page.locator("section[aria-labelledby=sample-preview]")
        assert SAMPLE_TEXTS[lang]["preview"] in preview.inner_text()
        assert preview.locator("tbody tr").count() == 3
        _fits(page, "the sample preview")
        page.screenshot(path=str(ARTIFACTS / f"invitations-preview-phone-{lang}.png"), full_page=True)
        with live.app.app_context():
            before = db.session.query(Invitation).count()
        with page.expect_download() as info:
            preview.locator("button[name=create]").click()
        download = info.value
        assert re.fullmatch(r"links-example-2025-\d{8}-\d{6}\.csv", download.suggested_filename)
        rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
        assert [r["person"] for r in rows] == [f"{lang}-1", f"{lang}-2", f"{lang}-3"]
        assert all(re.fullmatch(rf"{re.escape(live.url)}/i/[\w-]+", r["link"]) for r in rows), rows
    with live.app.app_context():
        made = db.session.query(Invitation).filter_by(batch=f"may-{lang}").all()
        assert len(made) == 3 and db.session.query(Invitation).count() == before + 3
    # A link of the file opens the questionnaire.
    context = browser.new_context(**PHONE)
    try:
        respondent = context.new_page()
        response = respondent.goto(f"{rows[0]['link']}?lang={lang}")
        assert response is not None and response.status == 200
    finally:
        context.close()


@pytest.fixture(scope="module")
def demo_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A second live app with the small demo (its responses and programmes), for computing indicators."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    tmp = tmp_path_factory.mktemp("browser-demo")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-demo-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'demo.sqlite3'}",
            "DEMO_LOGINS_FILE": str(tmp / "demo-logins.txt"),
            "DEMO_DIR": str(tmp / "demo"),
            "REPORTS_DIR": str(tmp / "reports"),
            "EXPORTS_DIR": str(tmp / "exports"),
            "REPORT_PREBUILD": ["kk.xlsx"],
            "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
            # One browser signs in many staff accounts from 127.0.0.1 across the folder's tests; the sign-in
            # limit per address (tested in tests/surveyapp/test_rate_limits.py) is not what these tests try.
            "RATELIMIT_LOGIN": "1000 per minute",
            "UPLOADS_DIR": str(tmp / "uploads"),
        }
    )
    with app.app_context():
        db.create_all()
    assert invoke(app, "demo", "init", "--adults", "500", "--pupils", "200")[0] == 0
    with serving(app, "live-demo-app") as url:
        yield Live(app, url, {})


def _margins_file(app: Any, tmp_path: Path, year: int) -> tuple[Path, str, int]:
    """The demo's adult margins of ``year`` written back as a CSV with every total raised by one."""
    with app.app_context():
        stored = db.session.query(MarginSet).filter_by(year=year).order_by(MarginSet.id).first()
        assert stored is not None, "the demo stores margins"
        population, cells = stored.population, list(stored.cells)
    columns = [c for c in cells[0] if c != "total"]
    path = tmp_path / f"margins-{year}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*columns, "total"])
        writer.writeheader()
        for cell in cells:
            writer.writerow({**{c: cell[c] for c in columns}, "total": int(float(cell["total"])) + 1})
    return path, population, len(cells)


FLOW_TEXTS = {
    "kk": {"done": "Дайын", "publish": "Министрліктерге жариялау", "withdraw": "Министрліктерден кері қайтару"},
    "ru": {"done": "Готово", "publish": "Опубликовать для министерств", "withdraw": "Отозвать у министерств"},
}


def test_margins_compute_review_publish_withdraw(demo_live: Live, browser: Any, tmp_path: Path) -> None:
    lang, year = "ru", 2025
    texts = FLOW_TEXTS[lang]
    ensure_user(demo_live, "flow_researcher", "researcher")
    margins, population, cells = _margins_file(demo_live.app, tmp_path, year)
    with signed_in(demo_live, browser, "flow_researcher", lang, PHONE) as page:
        page.goto(f"{demo_live.url}/research/inputs?lang={lang}")
        _fits(page, "the inputs page")
        form = page.locator("form[action$='/research/inputs/margins'][enctype='multipart/form-data']")
        form.locator("input[type=file]").set_input_files(str(margins))
        form.locator("input[name=year]").fill(str(year))
        form.locator("select[name=population]").select_option(population)
        form.locator("input[name=replace]").check()
        form.locator("input[type=submit][name=preview]").click()
        page.wait_for_load_state()
        preview = page.locator("section[aria-labelledby=margins-preview]")
        assert f"{cells}" in preview.locator("h3").inner_text()
        _fits(page, "the margins preview")
        preview.locator("button[name=store]").click()
        page.wait_for_load_state()
        assert page.locator(".flash-info").count() == 1
        with demo_live.app.app_context():
            stored = db.session.query(MarginSet).filter_by(year=year, population=population).one()
            assert stored.file_name == margins.name

        page.goto(f"{demo_live.url}/dashboard/{PROGRAMME}/compute?lang={lang}")
        _fits(page, "the compute page")
        page.select_option("#year", str(year))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/dashboard/jobs/\d+$"))
        _fits(page, "the job's progress page")
        # The page's own script follows the job until it is done.
        page.locator("#job-status", has_text=texts["done"]).wait_for(timeout=180_000)
        page.reload()
        page.screenshot(path=str(ARTIFACTS / f"compute-done-phone-{lang}.png"), full_page=True)
        _fits(page, "the finished job's page")
        page.locator("a.button[href$='/2025']").click()
        page.wait_for_url(re.compile(rf"/dashboard/{PROGRAMME}/2025$"))
        assert page.locator("[role=note] strong", has_text="Черновик").count() == 1
        assert page.locator("table, .card").count() > 0  # the draft's results are on the page
        _fits(page, "the draft scorecard")

        page.locator("a.button[href$='/publish']").click()
        page.wait_for_url(re.compile(r"/publish$"))
        _fits(page, "the publish confirmation")
        page.get_by_role("button", name=texts["publish"]).click()
        page.wait_for_url(re.compile(rf"/dashboard/{PROGRAMME}/2025$"))
        with demo_live.app.app_context():
            run = db.session.query(ComputationRun).filter_by(year=year).order_by(ComputationRun.id.desc()).first()
            assert run is not None and run.published_at is not None

        page.locator("a[href$='/withdraw']").click()
        page.wait_for_url(re.compile(r"/withdraw$"))
        _fits(page, "the withdraw confirmation")
        page.get_by_role("button", name=texts["withdraw"]).click()
        assert page.locator("textarea#reason:invalid").count() == 1  # the reason is required
        page.fill("#reason", "Пересчёт после исправления маргиналов")
        page.get_by_role("button", name=texts["withdraw"]).click()
        page.wait_for_url(re.compile(rf"/dashboard/{PROGRAMME}/2025$"))
        assert page.locator("a[href$='/withdraw']").count() == 0
        _fits(page, "the scorecard after the withdrawal")
    with demo_live.app.app_context():
        run = db.session.get(ComputationRun, run.id)
        assert run is not None and run.published_at is None


ACCOUNT_TEXTS = {
    "kk": {"create": "Есептік жазба жасау", "set": "Құпиясөзді орнату"},
    "ru": {"create": "Создать учётную запись", "set": "Задать пароль"},
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_admin_creates_a_user_who_sets_a_password_and_signs_in(live: Live, browser: Any, lang: str) -> None:
    ensure_user(live, "wb_admin", "admin")
    texts = ACCOUNT_TEXTS[lang]
    username = f"new_analyst_{lang}"
    with signed_in(live, browser, "wb_admin", lang, PHONE) as page:
        page.goto(f"{live.url}/admin/users?lang={lang}")
        _fits(page, "the accounts page")
        # One control per id (the rows' role selects had the new account's id), and no admin by default.
        # (Labelled controls only: every form's hidden CSRF input is id="csrf_token", which no label points at.)
        ids = page.evaluate("[...document.querySelectorAll('select[id], input[id]:not([type=hidden])')].map(e => e.id)")
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        assert page.locator("#role").input_value() == "ministry"
        page.fill("#username", username)
        page.select_option("#role", "researcher")
        page.get_by_role("button", name=texts["create"]).click()
        page.wait_for_load_state()
        link = page.locator("input.copy").input_value()
        assert "/auth/reset/" in link
        _fits(page, "the accounts page with the one-time link")
        page.screenshot(path=str(ARTIFACTS / f"accounts-link-phone-{lang}.png"), full_page=True)
    new_password = "a-new-long-passphrase-42"
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(f"{link}?lang={lang}")
        _fits(page, "the set-a-password page")
        page.fill("#new_password", new_password)
        page.fill("#repeat", new_password)
        page.get_by_role("button", name=texts["set"]).click()
        page.wait_for_url(re.compile(r"/auth/login"))
        page.fill("#username", username)
        page.fill("#password", new_password)
        page.locator("main form input[type=submit]").click()
        page.wait_for_load_state()
        assert "/auth/login" not in page.url
        page.goto(f"{live.url}/research/questionnaires?lang={lang}")
        assert page.url.endswith("/research/questionnaires?lang=" + lang)
        _fits(page, "the new researcher's first page")
        # The link was for one use only.
        again = page.goto(link)
        assert again is not None and again.status == 410
    finally:
        context.close()
    with live.app.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        assert user.role == "researcher" and user.check_password(new_password) and not user.check_password(PASSWORD)
