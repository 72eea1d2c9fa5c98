"""Reports built once per computation run and stored in the database, so a download only reads a stored file.

A run's reports are built by the job that computed it, and again when it is published (the draft marking goes);
every app server serves the same bytes, and a file that is missing is rebuilt by a job, never on the request.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from analysis.report import build
from analysis.vocabulary import REQUIRED_LANGUAGES
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, Job, ReportFile, User
from surveyapp.services import jobs
from surveyapp.services.job_messages import REPORT, say
from surveyapp.services.reports import ReportError, report_data

MIMETYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
}
# What the dashboard offers for download; REPORT_PREBUILD (a list of "language.format") can narrow it.
DEFAULT_PREBUILD = tuple((language, fmt) for language in REQUIRED_LANGUAGES for fmt in ("pdf", "xlsx", "html"))


def prebuilt() -> list[tuple[str, str]]:
    configured = current_app.config.get("REPORT_PREBUILD")
    if not configured:
        return list(DEFAULT_PREBUILD)
    return [(item.partition(".")[0], item.partition(".")[2]) for item in configured]


def is_published(run: ComputationRun) -> bool:
    return run.published_at is not None


def stored(run: ComputationRun, language: str, fmt: str) -> ReportFile | None:
    """The stored report of ``run`` in its present state (draft or published), if built."""
    return db.session.scalar(
        select(ReportFile).where(
            ReportFile.run_id == run.id,
            ReportFile.language == language,
            ReportFile.format == fmt,
            ReportFile.published == is_published(run),
        )
    )


def download_name(run: ComputationRun, language: str, fmt: str) -> str:
    state = "published" if is_published(run) else "draft"
    return f"{run.programme}_{run.year}_run{run.id}_{state}_{language}.{fmt}"


def build_one(run: ComputationRun, language: str, fmt: str, job_id: int | None = None) -> ReportFile:
    """Build and store (replacing any older copy) one report of ``run``; committed."""
    published = is_published(run)
    data = report_data(
        run.programme, run.year, language, current_app.config["QUESTIONNAIRES_DIR"], published_only=published, run=run
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report.{fmt}"
        build(data, fmt, path)
        content = path.read_bytes()
    row = stored(run, language, fmt) or ReportFile(run_id=run.id, language=language, format=fmt, published=published)
    row.content = content
    row.size = len(content)
    row.sha256 = hashlib.sha256(content).hexdigest()
    row.job_id = job_id
    db.session.add(row)
    db.session.commit()
    return row


def build_run_reports(
    run: ComputationRun,
    job_id: int | None,
    progress: Callable[[int, int, str], None] | None = None,
    wanted: list[tuple[str, str]] | None = None,
) -> tuple[list[int], list[str]]:
    """Build every prebuilt report of ``run``: (stored file ids, errors of the ones that failed)."""
    wanted = wanted or prebuilt()
    ids, errors = [], []
    for number, (language, fmt) in enumerate(wanted):
        if progress:
            progress(number, len(wanted), say(REPORT, file=f"{language}.{fmt}"))
        try:
            ids.append(build_one(run, language, fmt, job_id).id)
        except ReportError as error:
            db.session.rollback()
            errors.append(f"{language}.{fmt}: {error}")
    return ids, errors


def request_build(run: ComputationRun, user: User | None, also: tuple[str, str] | None = None) -> tuple[Job, bool]:
    """Queue the build of ``run``'s reports in its present state, or join the one under way."""
    state = "published" if is_published(run) else "draft"
    params: dict[str, Any] = {"run_id": run.id, "published": is_published(run)}
    if also is not None and also not in prebuilt():
        params["also"] = list(also)
    return jobs.submit("reports_build", params, f"reports_build:{run.id}:{state}", user)


def run_job(job: Job, user: User | None, progress: jobs.Progress) -> dict[str, Any]:
    run = db.session.get(ComputationRun, job.params["run_id"])
    if run is None:
        raise jobs.JobError(f"computation run {job.params['run_id']} no longer exists")
    if is_published(run) != bool(job.params.get("published")):
        # Published or withdrawn since the job was queued: build what the run is now, under its own job.
        request_build(run, user)
        return {"run_id": run.id, "report_files": [], "superseded": True}
    wanted = prebuilt()
    if job.params.get("also"):
        language, fmt = job.params["also"]
        wanted.append((language, fmt))
    ids, errors = build_run_reports(run, job.id, lambda number, total, text: progress(number / total, text), wanted)
    if errors and not ids:
        raise jobs.JobError("no report could be built: " + "; ".join(errors))
    return {"run_id": run.id, "report_files": ids, "report_errors": errors}
