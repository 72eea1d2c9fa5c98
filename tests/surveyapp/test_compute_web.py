"""Computing indicators from the browser: a button, a background job, a progress page, a draft to review."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.extensions import db
from surveyapp.models import ComputationRun, Job
from tests.conftest import AuthActions, csrf_token, make_user
from tests.surveyapp.test_jobs import PROGRAMME, blocked, release, wait_for  # noqa: F401  (fixtures)

COMPUTE = f"/dashboard/{PROGRAMME}/compute"


def researcher(app: Flask, client: FlaskClient) -> None:
    make_user(app, "saule", "researcher")
    AuthActions(client).login("saule")


def start(client: FlaskClient, year: str = "2025") -> int:
    token = csrf_token(client, COMPUTE)
    response = client.post(COMPUTE, data={"csrf_token": token, "year": year})
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/dashboard/jobs/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def test_compute_from_the_web_gives_a_draft_to_review(demo: Flask, client: FlaskClient) -> None:
    researcher(demo, client)
    assert f'href="{COMPUTE}"' in client.get("/dashboard/?lang=en").get_data(as_text=True)
    job_id = start(client)
    job = wait_for(demo, job_id)
    assert job.status == "done", job.error
    page = client.get(f"/dashboard/jobs/{job_id}?lang=ru").get_data(as_text=True)
    run_id = job.result["run_id"]
    assert f"Расчёт № {run_id} сохранён как черновик" in page
    assert f'href="/dashboard/{PROGRAMME}/2025"' in page and f'href="/dashboard/{PROGRAMME}/2025/publish"' in page
    assert "http-equiv" not in page  # finished: no more refreshing
    with demo.app_context():
        run = db.session.get(ComputationRun, run_id)
        assert run is not None and run.published_at is None and run.computed_by_id is not None
    scorecard = client.get(f"/dashboard/{PROGRAMME}/2025?lang=ru").get_data(as_text=True)
    assert f"№ {run_id}" in scorecard and "Черновик" in scorecard
    assert f'action="{COMPUTE}"' in scorecard  # compute again from the year's page


def test_progress_page_polls_without_inline_script_and_refreshes_without_js(
    app: Flask,
    client: FlaskClient,
    blocked: None,  # noqa: F811
) -> None:
    researcher(app, client)
    job_id = start(client)
    page = client.get(f"/dashboard/jobs/{job_id}?lang=kk").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []  # the CSP forbids inline scripts
    assert "/static/js/job_progress.js" in page and f'data-status-url="/dashboard/jobs/{job_id}.json"' in page
    status = client.get(f"/dashboard/jobs/{job_id}.json?lang=kk").get_json()
    assert status["status"] in {"queued", "running"} and status["finished"] is False
    # A second click while it runs joins the same job.
    assert start(client) == job_id
    release.set()
    wait_for(app, job_id)
    done = client.get(f"/dashboard/jobs/{job_id}.json").get_json()
    assert done["finished"] is True and done["status"] == "done" and done["progress"] == 1.0


def test_compute_needs_a_researcher_csrf_and_a_year_of_the_programme(app: Flask, client: FlaskClient) -> None:
    make_user(app, "dana", "ministry")
    ministry = app.test_client()
    AuthActions(ministry).login("dana")
    token = csrf_token(ministry, "/")
    assert ministry.get(COMPUTE).status_code == 403
    assert ministry.post(COMPUTE, data={"csrf_token": token, "year": "2025"}).status_code == 403
    assert app.test_client().get(COMPUTE).status_code == 302  # anonymous: sign in first

    researcher(app, client)
    assert client.post(COMPUTE, data={"year": "2025"}).status_code == 400  # no CSRF token
    token = csrf_token(client, COMPUTE)
    wrong = client.post(COMPUTE + "?lang=en", data={"csrf_token": token, "year": "2040"}, follow_redirects=True)
    assert "Choose a year of the programme (2024–2028)" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Job).count() == 0
    assert client.get("/dashboard/jobs/999").status_code == 404


def test_a_failed_job_says_why_in_the_interface_language(demo: Flask, client: FlaskClient) -> None:
    researcher(demo, client)
    with demo.app_context():
        # No data at all for a year of the programme: the service's own message, nothing stored.
        before = db.session.query(ComputationRun).count()
    job_id = start(client, "2028")
    job = wait_for(demo, job_id)
    assert job.status == "failed"
    page = client.get(f"/dashboard/jobs/{job_id}?lang=ru").get_data(as_text=True)
    assert "Задача не выполнена:" in page and "Nothing was stored" in page and "Traceback" not in page
    with demo.app_context():
        assert db.session.query(ComputationRun).count() == before
