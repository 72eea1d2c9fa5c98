"""The job queue seam: long work runs outside the web request and reports its progress in the job table.

With ``REDIS_URL`` set, jobs go to RQ and run in ``flask jobs worker`` processes, on any number of machines
sharing the database: a job queued survives a restart of the web workers. Without it (the embedded default,
``make run``) the app runs each job in a thread of its own process, with the same table, so nothing else has to
be started; such a job ends with that process (a later request for the same work notices and starts again).

Each kind is one function ``(job, user, progress) -> result``, named in ``KINDS``; it commits its own work in
one step, so a failure leaves nothing half stored, and raises ``JobError`` with a message for the user.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from surveyapp.extensions import db
from surveyapp.models import Job, JobStatus, User
from surveyapp.models.base import utcnow
from surveyapp.models.job import ACTIVE

log = logging.getLogger(__name__)

QUEUE = "surveyapp"
JOB_TIMEOUT = 3 * 3600  # seconds: the largest computation (a million responses) takes minutes, not hours
# Stored instead of an unexpected error's text: the page says "see the server log", the log has the traceback.
INTERNAL_ERROR = "internal error"

# One place names every kind of job: "module:function", imported when a job of that kind runs.
KINDS = {
    "indicators_compute": "surveyapp.services.compute_job:run",
    "reports_build": "surveyapp.services.report_files:run_job",
    "responses_export": "surveyapp.services.export_job:run",
}

Handler = Callable[[Job, User | None, "Progress"], dict[str, Any]]

PROCESS_STARTED = utcnow()
_local_jobs: dict[int, threading.Thread] = {}  # jobs running in threads of this process (the embedded mode)
_local_lock = threading.Lock()
_worker_app: Flask | None = None


class JobError(Exception):
    """The job cannot do its work; the message says why and what to do (shown to the user as it is)."""


class Progress:
    """Writes a job's progress on a connection of its own: the job's session holds its uncommitted work."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def __call__(self, fraction: float, message: str) -> None:
        try:
            with db.engine.begin() as connection:
                connection.execute(
                    update(Job)
                    .where(Job.id == self.job_id)
                    .values(progress=max(0.0, min(1.0, fraction)), message=message[:500])
                )
        except SQLAlchemyError:
            # Progress is for the reader; a locked SQLite file must not fail the computation.
            log.warning("job %s: progress not recorded: %s", self.job_id, message, exc_info=True)


def redis_url() -> str:
    return str(current_app.config.get("REDIS_URL") or "")


def _queue(url: str) -> Any:
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(url))


def rq_id(job_id: int) -> str:
    return f"surveyapp-job-{job_id}"


def active_job(key: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.active_key == key))


def latest_job(key: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.key == key).order_by(Job.id.desc()).limit(1))


def submit(kind: str, params: dict[str, Any], key: str, user: User | None) -> tuple[Job, bool]:
    """Queue a job, or join the one already queued or running for ``key``: (job, whether it is new).

    Commits the session. The database's unique ``active_key`` decides between two requests at the same moment,
    so two workers never compute the same programme-year at once.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    existing = active_job(key)
    if existing is not None:
        if not _abandoned(existing):
            return existing, False
        _finish(existing.id, JobStatus.FAILED, error="the job was interrupted (its worker stopped); started again")
    job = Job(kind=kind, key=key, active_key=key, params=params, user_id=user.id if user is not None else None)
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = active_job(key)
        if existing is None:
            raise
        return existing, False
    _dispatch(job)
    db.session.refresh(job)
    return job, True


def _dispatch(job: Job) -> None:
    url = redis_url()
    if url:
        try:
            _queue(url).enqueue(
                "surveyapp.services.jobs.run_job",
                job.id,
                job_id=rq_id(job.id),
                job_timeout=JOB_TIMEOUT,
                result_ttl=24 * 3600,
                failure_ttl=7 * 24 * 3600,
            )
        except Exception:
            log.exception("job %s: the queue at REDIS_URL cannot be reached", job.id)
            _finish(job.id, JobStatus.FAILED, error="the job queue (Redis) cannot be reached; try again later")
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's real app
    thread = threading.Thread(target=_run_in_thread, args=(app, job.id), name=f"job-{job.id}", daemon=True)
    with _local_lock:
        _local_jobs[job.id] = thread
    thread.start()


def _run_in_thread(app: Flask, job_id: int) -> None:
    try:
        with app.app_context():
            try:
                execute(job_id)
            finally:
                db.session.remove()
    finally:
        with _local_lock:
            _local_jobs.pop(job_id, None)


def wait_for_local_jobs(timeout: float = 300) -> bool:
    """Let the jobs running in this process's threads finish (a clean shutdown, tests); whether they all did."""
    deadline = time.monotonic() + timeout
    while True:
        with _local_lock:
            threads = list(_local_jobs.values())
        if not threads:
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        threads[0].join(remaining)


def _abandoned(job: Job) -> bool:
    """Whether a queued or running job has no one working on it any more (a worker or the app was stopped)."""
    url = redis_url()
    if url:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job as QueuedJob
        from rq.job import JobStatus as QueuedStatus

        try:
            queued = QueuedJob.fetch(rq_id(job.id), connection=_queue(url).connection)
        except NoSuchJobError:
            return True
        except Exception:
            log.warning("job %s: the queue cannot be asked; treating it as alive", job.id, exc_info=True)
            return False
        return queued.get_status() in {QueuedStatus.FAILED, QueuedStatus.STOPPED, QueuedStatus.CANCELED}
    with _local_lock:
        if job.id in _local_jobs:
            return False
    # Another thread of this process would be in _local_jobs; a job older than this process was in one that
    # has stopped. (The embedded mode is one app process: production runs RQ workers.)
    created = job.created_at if job.created_at.tzinfo else job.created_at.replace(tzinfo=PROCESS_STARTED.tzinfo)
    return created < PROCESS_STARTED


def run_job(job_id: int) -> None:
    """The entry point RQ calls in a worker: in the app's context, made once per worker process."""
    global _worker_app
    if has_app_context():
        execute(job_id)
        return
    if _worker_app is None:
        from surveyapp import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        execute(job_id)


def execute(job_id: int) -> None:
    """Claim the job (only one worker can), run its kind, record the outcome."""
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
        .values(status=JobStatus.RUNNING.value, started_at=utcnow(), message="")
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE's result has a row count
    db.session.commit()
    if not claimed:
        log.info("job %s: not queued any more, nothing to do", job_id)
        return
    job = db.session.get(Job, job_id)
    assert job is not None
    user = db.session.get(User, job.user_id) if job.user_id is not None else None
    module, _sep, name = KINDS[job.kind].partition(":")
    handler: Handler = getattr(importlib.import_module(module), name)
    log.info("job %s (%s %s) started", job_id, job.kind, job.key)
    try:
        result = handler(job, user, Progress(job_id))
    except JobError as error:
        db.session.rollback()
        log.info("job %s (%s) failed: %s", job_id, job.kind, error)
        _finish(job_id, JobStatus.FAILED, error=str(error))
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s %s) failed", job_id, job.kind, job.key)
        _finish(job_id, JobStatus.FAILED, error=INTERNAL_ERROR)
    else:
        log.info("job %s (%s) done: %s", job_id, job.kind, result)
        _finish(job_id, JobStatus.DONE, result=result)


def _finish(job_id: int, status: JobStatus, error: str = "", result: dict[str, Any] | None = None) -> None:
    values: dict[str, Any] = {"status": status.value, "active_key": None, "finished_at": utcnow(), "error": error}
    if result is not None:
        values["result"] = result
    if status is JobStatus.DONE:
        values["progress"] = 1.0
    db.session.execute(update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE)).values(**values))
    db.session.commit()
    db.session.expire_all()
