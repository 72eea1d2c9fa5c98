"""Report downloads from the stored files of a run: read, never built on the request.

A file that is missing (a format not built ahead, a run computed on the command line) is built by a job; the
reader gets a page that says so and reloads itself until the file is there. A rebuild that failed is said, not
tried again on every reload.
"""

from __future__ import annotations

import io

from flask import Response, render_template, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user

from analysis.programme import Programme
from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, JobStatus, ReportFile
from surveyapp.services import jobs, report_files

RELOAD_SECONDS = 5


def serve(plan: Programme, run: ComputationRun, language: str, fmt: str) -> ResponseReturnValue:
    stored = report_files.stored(run, language, fmt)
    if stored is None:
        return _missing(plan, run, language, fmt)
    return send_stored(run, stored, plan.code, language, fmt)


def send_stored(run: ComputationRun, stored: ReportFile, programme: str, language: str, fmt: str) -> Response:
    """A stored report file as a download, audited, naming its run (for the dashboard and the API alike)."""
    audit.record(
        "report_download",
        "report",
        f"{programme}/{run.year}/{language}.{fmt}",
        {"run": run.id, "sha256": stored.sha256},
    )
    db.session.commit()
    response = send_file(
        io.BytesIO(stored.content),
        mimetype=report_files.MIMETYPES[fmt],
        as_attachment=fmt != "html",
        download_name=report_files.download_name(run, language, fmt),
        etag=stored.sha256,
        last_modified=stored.built_at,
    )
    # Which run the file shows (its cover says so too), for scripts that fetch the reports.
    response.headers["X-Report-Run"] = str(run.id)
    response.headers["X-Report-State"] = "published" if run.published_at is not None else "draft"
    return response


def _missing(plan: Programme, run: ComputationRun, language: str, fmt: str) -> ResponseReturnValue:
    state = "published" if run.published_at is not None else "draft"
    key = f"reports_build:{run.id}:{state}"
    last = jobs.latest_job(key)
    failed = None
    if last is not None and last.finished:
        errors = [e for e in last.result.get("report_errors", []) if e.startswith(f"{language}.{fmt}:")]
        if last.status == JobStatus.FAILED.value:
            failed = last.error
        elif errors:
            failed = errors[0]
    if failed is not None:
        if failed == jobs.INTERNAL_ERROR:
            failed = ""
        return render_template(
            "dashboard/report_pending.html", plan=plan, run=run, language=language, fmt=fmt, failed=failed, job=last
        ), 503
    # Whoever downloads first starts the build (a ministry too): the job records who, as every job does.
    job, _created = report_files.request_build(run, current_user._get_current_object(), also=(language, fmt))
    return render_template(
        "dashboard/report_pending.html",
        plan=plan,
        run=run,
        language=language,
        fmt=fmt,
        failed=None,
        job=job,
        reload_seconds=RELOAD_SECONDS,
    ), 202
