"""The stored report files of a computation run (services/report_files.py): the list, and each file.

The dashboard's rule holds: ministries see published runs' reports only, and a draft run is answered as missing
(404). A report not stored yet is built by a job, as on the dashboard; the answer is then 202 with Retry-After.
"""

from __future__ import annotations

from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from surveyapp.api import schemas
from surveyapp.api.auth import api_access
from surveyapp.api.problem import ApiProblem
from surveyapp.api.results import _run
from surveyapp.api.routes import bp
from surveyapp.dashboard.report_download import send_stored
from surveyapp.extensions import db
from surveyapp.models import ReportFile, Role
from surveyapp.services import report_files

RETRY_SECONDS = 10


@bp.get("/runs/<int:run_id>/reports")
@api_access(Role.MINISTRY, Role.RESEARCHER)
def run_reports(run_id: int) -> ResponseReturnValue:
    """The run's stored reports (in its present state: draft or published), with their download URLs.
    ---
    get:
      tags: [results]
      responses:
        200:
          content:
            application/json:
              schema: ReportFileList
        404: {$ref: '#/components/responses/NotFound'}
    """
    run = _run(run_id)
    rows = db.session.scalars(
        select(ReportFile)
        .where(ReportFile.run_id == run.id, ReportFile.published == report_files.is_published(run))
        .order_by(ReportFile.language, ReportFile.format)
    ).all()
    items = [
        {
            "language": r.language,
            "format": r.format,
            "published": r.published,
            "size": r.size,
            "sha256": r.sha256,
            "built_at": r.built_at,
            "url": url_for("api.run_report_file", run_id=run.id, language=r.language, fmt=r.format),
        }
        for r in rows
    ]
    return schemas.ReportFileList().dump({"run": run.id, "items": items})


@bp.get("/runs/<int:run_id>/reports/<language>.<fmt>")
@api_access(Role.MINISTRY, Role.RESEARCHER)
def run_report_file(run_id: int, language: str, fmt: str) -> ResponseReturnValue:
    """One stored report file (pdf, xlsx or html; kk or ru); 202 while a job builds one not stored yet.
    ---
    get:
      tags: [results]
      responses:
        200:
          description: the report file
          content:
            application/octet-stream: {schema: {type: string, format: binary}}
        202: {description: the report is being built; retry after Retry-After seconds}
        404: {$ref: '#/components/responses/NotFound'}
    """
    run = _run(run_id)
    if fmt not in report_files.MIMETYPES or language not in {lang for lang, _f in report_files.DEFAULT_PREBUILD}:
        raise ApiProblem(
            404,
            _(
                "There is no %(language)s.%(fmt)s report; the reports are %(choices)s.",
                language=language,
                fmt=fmt,
                choices=", ".join(f"{lang}.{f}" for lang, f in report_files.DEFAULT_PREBUILD),
            ),
        )
    stored = report_files.stored(run, language, fmt)
    if stored is None:
        job, _created = report_files.request_build(run, current_user._get_current_object(), also=(language, fmt))
        body = {"status": "building", "job": job.id, "retry_after": RETRY_SECONDS}
        return body, 202, {"Retry-After": str(RETRY_SECONDS)}
    return send_stored(run, stored, run.programme, language, fmt)
