"""Reports are stored when a run is computed or published; downloads read the stored file and name its run."""

from __future__ import annotations

import hashlib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Job, ReportFile
from surveyapp.services import report_files
from surveyapp.services.jobs import wait_for_local_jobs
from tests.conftest import AuthActions, csrf_token, make_user
from tests.surveyapp.test_jobs import PROGRAMME, wait_for

YEAR = f"/dashboard/{PROGRAMME}/2025"


@pytest.fixture
def computed_on_the_web(demo: Flask, client: FlaskClient) -> int:
    """A researcher signed in on ``client`` computed 2025 from the web; the run's id."""
    demo.config["REPORT_PREBUILD"] = ["ru.xlsx"]
    make_user(demo, "saule", "researcher")
    AuthActions(client).login("saule")
    compute = f"/dashboard/{PROGRAMME}/compute"
    response = client.post(compute, data={"csrf_token": csrf_token(client, compute), "year": "2025"})
    job = wait_for(demo, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert job.status == "done", job.error
    return int(job.result["run_id"])


def test_a_download_serves_the_stored_file_of_its_run(
    computed_on_the_web: int,
    app: Flask,
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_id = computed_on_the_web
    with app.app_context():
        [stored] = db.session.scalars(select(ReportFile).where(ReportFile.run_id == run_id)).all()
        assert (stored.language, stored.format, stored.published) == ("ru", "xlsx", False)
        assert stored.sha256 == hashlib.sha256(stored.content).hexdigest() and stored.size == len(stored.content)
        content = stored.content

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("a download must not build the report")

    monkeypatch.setattr(report_files, "build", no_build)
    download = client.get(YEAR + "/report.ru.xlsx")
    assert download.status_code == 200 and download.data == content
    assert download.headers["X-Report-Run"] == str(run_id) and download.headers["X-Report-State"] == "draft"
    assert f"{PROGRAMME}_2025_run{run_id}_draft_ru.xlsx" in download.headers["Content-Disposition"]


def test_a_missing_file_is_built_once_by_a_job_and_the_page_says_so(
    computed_on_the_web: int,
    app: Flask,
    client: FlaskClient,
) -> None:
    run_id = computed_on_the_web
    pending = client.get(YEAR + "/report.kk.html?lang=ru")
    assert pending.status_code == 202
    page = pending.get_data(as_text=True)
    assert f"расчёта № {run_id} ещё не сохранён" in page and '<meta http-equiv="refresh" content="5">' in page
    again = client.get(YEAR + "/report.kk.html")  # a reload joins the same job
    assert again.status_code in {200, 202}
    assert wait_for_local_jobs(120)
    with app.app_context():
        builds = db.session.scalars(select(Job).where(Job.kind == "reports_build")).all()
        assert len(builds) == 1 and builds[0].status == "done", builds[0].error
    ready = client.get(YEAR + "/report.kk.html")
    assert ready.status_code == 200 and ready.headers["X-Report-Run"] == str(run_id)
    assert "<html" in ready.get_data(as_text=True)


def test_a_failed_rebuild_is_said_and_not_retried_on_each_reload(
    computed_on_the_web: int,
    app: Flask,
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report_files, "build", broken)
    assert client.get(YEAR + "/report.kk.pdf").status_code == 202
    assert wait_for_local_jobs(60)
    failed = client.get(YEAR + "/report.kk.pdf?lang=ru")
    assert failed.status_code == 503
    page = failed.get_data(as_text=True)
    assert "не удалось сформировать" in page and "disk full" not in page and "http-equiv" not in page
    assert client.get(YEAR + "/report.kk.pdf").status_code == 503
    with app.app_context():
        assert db.session.query(Job).filter_by(kind="reports_build").count() == 1


def test_publishing_stores_the_ministries_copy(
    computed_on_the_web: int,
    app: Flask,
    client: FlaskClient,
) -> None:
    run_id = computed_on_the_web
    confirm = client.get(YEAR + "/publish").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm).group(1)  # type: ignore[union-attr]
    assert client.post(YEAR + "/publish", data={"csrf_token": token, "run": str(run_id)}).status_code == 302
    assert wait_for_local_jobs(120)
    with app.app_context():
        copies = db.session.scalars(select(ReportFile).where(ReportFile.run_id == run_id)).all()
        assert sorted(f.published for f in copies) == [False, True]
    make_user(app, "dana", "ministry")
    ministry = app.test_client()
    AuthActions(ministry).login("dana")
    download = ministry.get(YEAR + "/report.ru.xlsx")
    assert download.status_code == 200 and download.headers["X-Report-State"] == "published"
    assert download.headers["X-Report-Run"] == str(run_id)
