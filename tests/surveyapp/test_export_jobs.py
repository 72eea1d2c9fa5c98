"""Exports from the browser as background jobs: progress, a second identical request joins the running job, the
file is streamed from disk, a failure leaves nothing behind, and the roles are those of the exports."""

from __future__ import annotations

import io
import os
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Job, User
from surveyapp.services import export_job
from surveyapp.services.exports import ExportRequest
from tests.conftest import AuthActions, csrf_token, make_user
from tests.surveyapp.browse_helpers import small_survey

release = threading.Event()


@pytest.fixture
def survey(app: Flask, tmp_path: Path) -> Flask:
    return small_survey(app, tmp_path)


@pytest.fixture
def blocked(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Export jobs wait for the test before writing."""
    real = export_job.export_responses
    release.clear()

    def waiting(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_job, "export_responses", waiting)
    yield
    release.set()


def wait_for(app: Flask, job_id: int, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            assert job is not None
            if job.finished:
                db.session.expunge(job)
                return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def _submit(app: Flask, request: ExportRequest, name: str) -> tuple[int, bool]:
    with app.app_context():
        user = db.session.get(User, make_user(app, name, "researcher"))
        job, created = export_job.submit(request, user)
        return job.id, created


def test_identical_requests_join_one_job_and_the_file_streams(survey: Flask, blocked: None) -> None:
    request = ExportRequest("example", 2025, "csv", "kk")
    first, created = _submit(survey, request, "a1")
    second, created_again = _submit(survey, request, "a2")
    other, created_other = _submit(survey, ExportRequest("example", 2025, "parquet", "kk"), "a3")
    assert created and (second, created_again) == (first, False) and created_other and other != first
    release.set()
    done = wait_for(survey, first)
    assert done.status == "done" and done.progress == 1.0 and done.result["rows"] == 2
    assert wait_for(survey, other).status == "done"
    with survey.app_context():
        path = export_job.stored_file(db.session.get(Job, first))
        assert path is not None and path.name == "example_2025_kk.zip"
        assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial files beside it
        names = zipfile.ZipFile(path).namelist()
        assert names == ["example_2025_kk.csv", "example_2025_kk.csv.codebook.csv"]
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "responses_export")).all()
        assert sorted(e.actor for e in events) == ["a1", "a3"]  # the joined request exported nothing again


def test_a_failed_export_job_says_why_and_leaves_no_file(survey: Flask) -> None:
    job_id, _ = _submit(survey, ExportRequest("example", 2019, "csv", "kk"), "b1")
    job = wait_for(survey, job_id)
    assert job.status == "failed" and "no submitted responses to example in 2019" in job.error
    assert "Nothing was written" in job.error
    assert not (Path(survey.config["EXPORTS_DIR"]) / f"job-{job_id}").exists()


def test_web_export_job_page_and_download(survey: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(survey, "minister", "ministry")
    auth.login("minister")
    assert client.get("/research/exports").status_code == 403
    auth.logout()
    make_user(survey, "reader", "researcher")
    auth.login("reader")
    form = client.get("/research/exports?lang=ru").get_data(as_text=True)
    # The labels' language starts as the reader's own; the formats and replicate types are named in it.
    assert '<option selected value="ru">' in form or '<option value="ru" selected>' in form
    assert "CSV с кодовой книгой (.zip)" in form and ">нет</option>" in form
    token = csrf_token(client, "/research/exports")
    answer = client.post(
        "/research/exports",
        data={"selection": "example/2025", "file_format": "xlsx", "language": "ru", "csrf_token": token},
    )
    assert answer.status_code == 302 and "/research/exports/jobs/" in answer.headers["Location"]
    job_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])
    assert wait_for(survey, job_id).status == "done"
    page = client.get(f"/research/exports/jobs/{job_id}").get_data(as_text=True)
    assert f"/research/exports/jobs/{job_id}/file" in page
    status = client.get(f"/dashboard/jobs/{job_id}.json").json
    assert status["finished"] and status["progress"] == 1.0
    # The job stored its progress in English; the reader sees it in Russian.
    assert status["message"] == "2 из 2 ответов" and "2 из 2 ответов" in page
    download = client.get(f"/research/exports/jobs/{job_id}/file")
    assert download.status_code == 200 and download.is_streamed
    assert "example_2025_ru.xlsx" in download.headers["Content-Disposition"]
    frame = pd.read_excel(io.BytesIO(download.get_data()), sheet_name="data")
    download.close()
    assert len(frame) == 2 and "excluded" in frame.columns
    with survey.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["responses_export", "responses_export_download"]
    assert client.get("/research/exports/jobs/999/file").status_code == 404
    for folder in Path(survey.config["EXPORTS_DIR"]).glob("job-*"):
        for file in folder.iterdir():
            file.unlink()
    assert client.get(f"/research/exports/jobs/{job_id}/file").status_code == 410
    auth.logout()
    auth.login("minister")
    assert client.get(f"/research/exports/jobs/{job_id}").status_code == 403
    assert client.get(f"/research/exports/jobs/{job_id}/file").status_code == 403


def test_old_export_files_are_purged(survey: Flask) -> None:
    job_id, _ = _submit(survey, ExportRequest("example", 2025, "parquet", "en"), "c1")
    assert wait_for(survey, job_id).status == "done"
    folder = Path(survey.config["EXPORTS_DIR"]) / f"job-{job_id}"
    old = time.time() - 25 * 3600
    os.utime(folder, (old, old))
    with survey.app_context():
        assert export_job.purge_old_files() == 1
    assert not folder.exists()
