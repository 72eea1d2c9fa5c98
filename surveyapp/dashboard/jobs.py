"""Computing a programme-year's indicators from the browser, as a background job, and following its progress."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from surveyapp.access import role_required
from surveyapp.dashboard.publication import _programme_title
from surveyapp.dashboard.routes import _programme, bp
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, Job, Role
from surveyapp.services import compute_job, job_messages, jobs

POLL_SECONDS = 3  # the page without JavaScript reloads this often; the script asks the JSON endpoint faster


@bp.app_template_global("dashboard_job_status")
def status_label(status: str) -> str:
    labels = {
        "queued": _("Waiting for a worker"),
        "running": _("Running"),
        "done": _("Done"),
        "failed": _("Failed"),
    }
    return labels.get(status, status)


def error_text(job: Job) -> str:
    if not job.error:
        return ""
    if job.error == jobs.INTERNAL_ERROR:
        return _(
            "An unexpected error stopped the job; nothing was stored. The details are in the server log (job %(id)d).",
            id=job.id,
        )
    return _("The job failed: %(error)s", error=job.error)


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/<programme>/compute", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
def compute(programme: str) -> ResponseReturnValue:
    plan = _programme(programme)
    years = list(range(plan.period[0], plan.period[1] + 1))
    if request.method == "POST":
        year = request.form.get("year", type=int)
        if year not in years:
            flash(_("Choose a year of the programme (%(first)d–%(last)d).", first=years[0], last=years[-1]), "error")
            return redirect(url_for("dashboard.compute", programme=plan.code))
        job, created = compute_job.submit(plan.code, year, current_user._get_current_object())
        if not created:
            flash(_("The %(year)d indicators are already being computed: here is that computation.", year=year), "info")
        return redirect(url_for("dashboard.job", job_id=job.id))
    recent = db.session.scalars(
        select(Job)
        .where(Job.kind == "indicators_compute", Job.key.like(f"indicators_compute:{plan.code}/%"))
        .order_by(Job.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "dashboard/compute.html",
        plan=plan,
        title=_programme_title(plan.code),
        years=years,
        chosen=request.args.get("year", type=int),
        recent=recent,
    )


def _describe(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "status_label": status_label(job.status),
        "finished": job.finished,
        "progress": round(job.progress, 3),
        "message": job_messages.shown(job.message),
        "error": error_text(job),
        "result": job.result if job.status == "done" else {},
    }


@bp.get("/jobs/<int:job_id>")
@role_required(Role.RESEARCHER)
def job(job_id: int) -> ResponseReturnValue:
    job = _job(job_id)
    run = None
    if job.status == "done" and job.result.get("run_id"):
        run = db.session.get(ComputationRun, job.result["run_id"])
    plan = None
    if job.kind == "indicators_compute":
        plan = _programme(job.params["programme"])
    elif run is not None:
        plan = _programme(run.programme)
    return render_template(
        "dashboard/job.html",
        job=job,
        info=_describe(job),
        run=run,
        plan=plan,
        title=_programme_title(plan.code) if plan is not None else "",
        year=job.params.get("year") or (run.year if run is not None else None),
        poll_seconds=POLL_SECONDS,
    )


@bp.get("/jobs/<int:job_id>.json")
@role_required(Role.RESEARCHER)
def job_status(job_id: int) -> ResponseReturnValue:
    response = jsonify(_describe(_job(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response
