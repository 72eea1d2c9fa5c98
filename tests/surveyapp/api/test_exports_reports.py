"""POST/GET /api/v1/exports (jobs, poll, file) and GET /api/v1/runs/ID/reports (stored report files), per role:
researchers export, ministries are refused microdata but read the published runs' reports."""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from typing import Any

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Job, ReportFile
from surveyapp.services import export_job
from surveyapp.services.jobs import wait_for_local_jobs
from tests.surveyapp.api.helpers import bearer, token_for


@pytest.fixture
def researcher(survey: Flask) -> dict[str, str]:
    return bearer(token_for(survey, "aigerim", "researcher", scope="submit"))


@pytest.fixture
def ministry(app: Flask) -> dict[str, str]:
    return bearer(token_for(app, "minfin", "ministry", scope="submit"))


def test_researcher_starts_polls_and_downloads_an_export(client: FlaskClient, researcher: dict[str, str]) -> None:
    body = {"instrument": "example", "year": 2025, "format": "csv", "language": "kk"}
    started = client.post("/api/v1/exports", json=body, headers=researcher)
    assert started.status_code == 202, started.json
    job = started.json
    assert started.headers["Location"] == f"/api/v1/exports/{job['id']}"
    assert wait_for_local_jobs(60)
    polled = client.get(f"/api/v1/exports/{job['id']}", headers=researcher).json
    assert polled["status"] == "done" and polled["progress"] == 1.0
    assert polled["file"]["rows"] == 2 and polled["file"]["url"] == f"/api/v1/exports/{job['id']}/file"
    download = client.get(polled["file"]["url"], headers=researcher)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.get_data()))
    download.close()
    frame = pd.read_csv(archive.open("example_2025_kk.csv"), encoding="utf-8-sig")
    assert len(frame) == 2 and {"excluded", "in_run", "final_weight"} <= set(frame.columns)


def test_an_identical_request_joins_the_running_job(
    client: FlaskClient, researcher: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = export_job.export_responses

    def waiting(*args: Any, **kwargs: Any) -> Any:
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_job, "export_responses", waiting)
    body = {"instrument": "example", "year": 2025, "format": "parquet"}
    first = client.post("/api/v1/exports", json=body, headers=researcher).json
    second = client.post("/api/v1/exports", json=body, headers=researcher).json
    assert first["joined"] is False and second["joined"] is True and second["id"] == first["id"]
    assert client.get(f"/api/v1/exports/{first['id']}/file", headers=researcher).status_code == 409
    release.set()
    assert wait_for_local_jobs(60)
    assert client.get(f"/api/v1/exports/{first['id']}", headers=researcher).json["status"] == "done"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"instrument": "example", "year": 2025, "format": "docx"}, "unknown format 'docx'"),
        ({"instrument": "nothing", "year": 2025, "format": "csv"}, "unknown instrument 'nothing'"),
        ({"instrument": "example", "year": 2019, "format": "csv"}, "no submitted responses to example in 2019"),
        ({"instrument": "example", "format": "csv"}, "year"),
        ({"instrument": "example", "year": 2025, "format": "csv", "run": 99}, "no computation run 99"),
    ],
)
def test_bad_export_requests_start_nothing(
    client: FlaskClient, researcher: dict[str, str], body: dict[str, object], message: str
) -> None:
    answer = client.post("/api/v1/exports", json=body, headers=researcher)
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert message in answer.json["detail"]
    with client.application.app_context():
        assert db.session.scalars(select(Job)).all() == []


def test_file_before_done_and_unknown_job(client: FlaskClient, researcher: dict[str, str]) -> None:
    assert client.get("/api/v1/exports/999", headers=researcher).status_code == 404
    assert client.get("/api/v1/exports/999/file", headers=researcher).status_code == 404


def test_ministries_are_refused_microdata(survey: Flask, client: FlaskClient, ministry: dict[str, str]) -> None:
    body = {"instrument": "example", "year": 2025, "format": "csv"}
    assert client.post("/api/v1/exports", json=body, headers=ministry).status_code == 403
    assert client.get("/api/v1/exports/1", headers=ministry).status_code == 403
    assert client.get("/api/v1/exports/1/file", headers=ministry).status_code == 403


def test_a_read_token_cannot_start_an_export(survey: Flask, client: FlaskClient) -> None:
    reader = bearer(token_for(survey, "reader", "researcher", scope="read"))
    answer = client.post(
        "/api/v1/exports", json={"instrument": "example", "year": 2025, "format": "csv"}, headers=reader
    )
    assert answer.status_code == 403 and "(read)" in answer.json["detail"]


def _store_reports(app: Flask, runs: dict[str, int]) -> None:
    with app.app_context():
        for name, run_id in runs.items():
            for fmt in ("xlsx", "html"):
                content = f"{name} {fmt} report".encode()
                db.session.add(
                    ReportFile(
                        run_id=run_id,
                        language="ru",
                        format=fmt,
                        published=name == "published",
                        sha256=hashlib.sha256(content).hexdigest(),
                        size=len(content),
                        content=content,
                    )
                )
        db.session.commit()


def test_ministry_reads_published_run_reports_not_drafts(
    app: Flask, client: FlaskClient, runs: dict[str, int], ministry: dict[str, str]
) -> None:
    _store_reports(app, runs)
    listing = client.get(f"/api/v1/runs/{runs['published']}/reports", headers=ministry)
    assert listing.status_code == 200
    items = listing.json["items"]
    assert [(i["language"], i["format"], i["published"]) for i in items] == [("ru", "html", True), ("ru", "xlsx", True)]
    report = client.get(items[1]["url"], headers=ministry)
    assert report.status_code == 200 and report.get_data() == b"published xlsx report"
    assert report.headers["X-Report-State"] == "published"
    assert client.get(f"/api/v1/runs/{runs['draft']}/reports", headers=ministry).status_code == 404
    assert client.get(f"/api/v1/runs/{runs['draft']}/reports/ru.xlsx", headers=ministry).status_code == 404
    assert client.get(f"/api/v1/runs/{runs['published']}/reports/de.doc", headers=ministry).status_code == 404
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report_download")).one()
        assert event.actor == "minfin" and event.details["run"] == runs["published"]


def test_researcher_reads_draft_reports(app: Flask, client: FlaskClient, runs: dict[str, int]) -> None:
    _store_reports(app, runs)
    auth = bearer(token_for(app, "aigerim", "researcher"))
    items = client.get(f"/api/v1/runs/{runs['draft']}/reports", headers=auth).json["items"]
    assert {i["published"] for i in items} == {False} and len(items) == 2
    assert client.get(items[0]["url"], headers=auth).get_data() == b"draft html report"
