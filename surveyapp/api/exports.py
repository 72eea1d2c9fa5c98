"""Labelled exports of the microdata as background jobs: start one, poll it, download its file (streamed from
disk). Researchers and admins only, as in the web; ministries are refused (403). An identical request while
one is running joins that job."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from surveyapp.api import schemas
from surveyapp.api.auth import api_access
from surveyapp.api.problem import ApiProblem
from surveyapp.api.routes import bp
from surveyapp.extensions import db
from surveyapp.models import Job, Role
from surveyapp.services import export_job
from surveyapp.services.exports import ExportError, ExportRequest, check_request


def _body(job: Job, joined: bool = False) -> dict[str, Any]:
    file = None
    if export_job.stored_file(job) is not None:
        file = {key: job.result.get(key) for key in ("name", "rows", "size", "run", "versions", "mimetype")} | {
            "url": url_for("api.export_file", job_id=job.id, _external=False)
        }
    return schemas.ExportJob().dump(
        {
            "id": job.id,
            "status": job.status,
            "progress": round(job.progress, 3),
            "message": job.message,
            "error": job.error,
            "joined": joined,
            "request": job.params.get("request", {}),
            "file": file,
        }
    )


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.kind != export_job.KIND:
        raise ApiProblem(404, _("There is no export job %(id)d.", id=job_id))
    return job


@bp.post("/exports")
@api_access(Role.RESEARCHER)
def start_export() -> ResponseReturnValue:
    """Start an export job (or join the identical one already running); poll its URL until it is done.
    ---
    post:
      tags: [exports]
      requestBody:
        required: true
        content:
          application/json:
            schema: ExportStart
      responses:
        202:
          content:
            application/json:
              schema: ExportJob
        400: {$ref: '#/components/responses/BadRequest'}
    """
    try:
        params = schemas.ExportStart().load(request.get_json(silent=True) or {})
    except ValidationError as error:
        problems = error.messages if isinstance(error.messages, dict) else {"body": error.messages}
        fields = "; ".join(f"{name}: {' '.join(map(str, messages))}" for name, messages in problems.items())
        raise ApiProblem(400, _("The export request is not valid: %(fields)s", fields=fields)) from None
    wanted = ExportRequest(
        params["instrument"],
        params["year"],
        params["format"],
        params["language"],
        params["version"],
        params["run"],
        free_text=bool(current_app.config.get("EXPORT_FREE_TEXT", True)),
        replicates=params["replicates"],
        replicates_n=params["replicates_n"],
    )
    try:
        check_request(wanted)
    except ExportError as error:
        db.session.rollback()
        raise ApiProblem(400, _("The export cannot be made: %(error)s.", error=str(error))) from None
    job, created = export_job.submit(wanted, current_user._get_current_object())
    response = _body(job, joined=not created)
    return response, 202, {"Location": url_for("api.export_status", job_id=job.id)}


@bp.get("/exports/<int:job_id>")
@api_access(Role.RESEARCHER)
def export_status(job_id: int) -> ResponseReturnValue:
    """An export job: status, progress, and once done its file's name, size and URL.
    ---
    get:
      tags: [exports]
      responses:
        200:
          content:
            application/json:
              schema: ExportJob
        404: {$ref: '#/components/responses/NotFound'}
    """
    return _body(_job(job_id)), 200, {"Cache-Control": "no-store"}


@bp.get("/exports/<int:job_id>/file")
@api_access(Role.RESEARCHER)
def export_file(job_id: int) -> ResponseReturnValue:
    """The export's file, streamed from disk (a zip of the CSV and its codebook for csv).
    ---
    get:
      tags: [exports]
      responses:
        200:
          description: the file
          content:
            application/octet-stream: {schema: {type: string, format: binary}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        410: {$ref: '#/components/responses/Gone'}
    """
    job = _job(job_id)
    path = export_job.stored_file(job)
    if path is None:
        if job.status == "done":
            raise ApiProblem(410, _("This export's file has been removed; export again."))
        if job.status == "failed":
            raise ApiProblem(409, _("The export failed: %(error)s", error=job.error))
        raise ApiProblem(409, _("The export is not finished yet; poll its status until it is done."))
    return export_job.send_export(job, path)
