"""Background jobs: in threads of the app without Redis, in RQ workers with it; one job per programme-year."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from surveyapp.extensions import db
from surveyapp.models import ComputationRun, Job, ReportFile, User
from surveyapp.services import compute_job, jobs
from tests.conftest import invoke, make_user

PROGRAMME = "public_safety_2024_2028"
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
release = threading.Event()


def blocking(job: Job, user: User | None, progress: jobs.Progress) -> dict[str, Any]:
    """A job kind that waits for the test to let it finish."""
    progress(0.3, "waiting")
    assert release.wait(30)
    return {"ok": True}


def failing(job: Job, user: User | None, progress: jobs.Progress) -> dict[str, Any]:
    raise RuntimeError("secret internals")


def wait_for(app: Flask, job_id: int, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            assert job is not None
            if job.finished:
                db.session.expunge(job)
                return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def submit_compute(app: Flask, year: int = 2025) -> tuple[int, bool]:
    with app.app_context():
        user = db.session.get(User, make_user(app, f"r{time.monotonic_ns()}", "researcher"))
        job, created = compute_job.submit(PROGRAMME, year, user)
        return job.id, created


def test_embedded_job_computes_a_draft_run_and_stores_its_reports(demo: Flask) -> None:
    job_id, created = submit_compute(demo)
    assert created
    job = wait_for(demo, job_id)
    assert job.status == "done", job.error
    assert job.progress == 1.0 and job.active_key is None and job.user_id is not None
    with demo.app_context():
        run = db.session.get(ComputationRun, job.result["run_id"])
        assert run is not None and run.year == 2025 and run.published_at is None
        files = db.session.scalars(select(ReportFile).where(ReportFile.run_id == run.id)).all()
        assert [(f.language, f.format, f.published) for f in files] == [("kk", "xlsx", False)]
        assert files[0].content[:2] == b"PK" and files[0].size == len(files[0].content)
        assert job.result["report_files"] == [files[0].id]


def test_a_failed_computation_has_a_clear_message_and_stores_nothing(demo: Flask) -> None:
    with demo.app_context():
        before = len(db.session.scalars(select(ComputationRun)).all())
    job_id, _created = submit_compute(demo, year=2031)  # outside the programme's period
    job = wait_for(demo, job_id)
    assert job.status == "failed"
    assert "2031 is outside programme" in job.error and "Nothing was stored" in job.error
    assert "Traceback" not in job.error
    with demo.app_context():
        assert len(db.session.scalars(select(ComputationRun)).all()) == before


def test_an_unexpected_error_is_logged_with_its_traceback_not_shown(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(jobs.KINDS, "indicators_compute", "tests.surveyapp.test_jobs:failing")
    with caplog.at_level(logging.ERROR, logger="surveyapp.services.jobs"):
        job_id, _created = submit_compute(app)
        job = wait_for(app, job_id)
    assert job.status == "failed" and job.error == jobs.INTERNAL_ERROR
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)


@pytest.fixture
def blocked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(jobs.KINDS, "indicators_compute", "tests.surveyapp.test_jobs:blocking")
    release.clear()
    yield
    release.set()


def test_a_second_request_for_the_same_year_joins_the_running_job(app: Flask, blocked: None) -> None:
    first, created = submit_compute(app)
    assert created
    second, created_again = submit_compute(app)
    assert (second, created_again) == (first, False)
    other_year, created_other = submit_compute(app, 2024)
    assert created_other and other_year != first
    release.set()
    assert wait_for(app, first).status == "done"
    assert wait_for(app, other_year).status == "done"
    # Once finished, the same request starts a new job.
    release.clear()
    third, created_third = submit_compute(app)
    assert created_third and third != first
    release.set()
    wait_for(app, third)


def test_the_database_refuses_two_active_jobs_for_one_key(app: Flask) -> None:
    with app.app_context():
        db.session.add(Job(kind="indicators_compute", key="k", active_key="k"))
        db.session.commit()
        db.session.add(Job(kind="indicators_compute", key="k", active_key="k"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        # Finished jobs (no active key) never collide.
        db.session.add_all([Job(kind="indicators_compute", key="k"), Job(kind="indicators_compute", key="k")])
        db.session.commit()


def test_a_job_left_by_a_stopped_process_is_started_again(app: Flask, blocked: None) -> None:
    with app.app_context():
        stale = Job(
            kind="indicators_compute",
            key=compute_job.key(PROGRAMME, 2025),
            status="running",
            created_at=jobs.PROCESS_STARTED.replace(year=2000),
        )
        stale.active_key = stale.key
        db.session.add(stale)
        db.session.commit()
        stale_id = stale.id
    job_id, created = submit_compute(app)
    assert created and job_id != stale_id
    release.set()
    wait_for(app, job_id)
    with app.app_context():
        old = db.session.get(Job, stale_id)
        assert old is not None and old.status == "failed" and "interrupted" in old.error


def _redis() -> Any:
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(REDIS_TEST_URL)
    try:
        connection.ping()
    except RedisError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    connection.flushdb()
    return connection


def test_with_redis_jobs_wait_for_a_worker_and_run_there(demo: Flask) -> None:
    from rq import Queue, SimpleWorker

    connection = _redis()
    demo.config["REDIS_URL"] = REDIS_TEST_URL
    try:
        job_id, created = submit_compute(demo)
        assert created
        again, created_again = submit_compute(demo)
        assert (again, created_again) == (job_id, False)
        with demo.app_context():
            job = db.session.get(Job, job_id)
            assert job is not None and job.status == "queued"  # no thread ran it: it waits for a worker
            queue = Queue(jobs.QUEUE, connection=connection)
            assert queue.job_ids == [jobs.rq_id(job_id)]
            SimpleWorker([queue], connection=connection).work(burst=True)
        job = wait_for(demo, job_id, timeout=5)
        assert job.status == "done", job.error
        with demo.app_context():
            run = db.session.get(ComputationRun, job.result["run_id"])
            assert run is not None and run.published_at is None
            assert db.session.scalars(select(ReportFile).where(ReportFile.run_id == run.id)).all()
    finally:
        connection.flushdb()


def test_worker_command_needs_redis(app: Flask) -> None:
    code, out = invoke(app, "jobs", "worker", "--burst")
    assert code != 0 and "REDIS_URL is not set" in out
