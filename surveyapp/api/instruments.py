"""Instruments and their published versions: JSON, and the YAML and XLSForm downloads of a version."""

from __future__ import annotations

import io
import json

import yaml
from flask import Response, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from surveyapp.api import schemas
from surveyapp.api.auth import api_access
from surveyapp.api.problem import ApiProblem
from surveyapp.api.routes import bp
from surveyapp.extensions import db
from surveyapp.models import Instrument, Role, StoredVersion
from surveyapp.questionnaire.history import version_sort_key
from surveyapp.questionnaire.xlsform import xlsform_workbook
from surveyapp.services.versions import domain_of, published

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _summary(row: StoredVersion) -> dict[str, object]:
    code, version = row.instrument.code, row.version
    return {
        "version": version,
        "sha256": row.sha256,
        "published_at": row.published_at,
        "links": {
            "self": url_for("api.version", code=code, version=version),
            "yaml": url_for("api.version_yaml", code=code, version=version),
            "xlsform": url_for("api.version_xlsform", code=code, version=version),
        },
    }


def _instrument(row: Instrument) -> dict[str, object]:
    versions = sorted(row.versions, key=lambda v: version_sort_key(v.version))
    return {"code": row.code, "title": row.title, "population": row.population, "versions": map(_summary, versions)}


def _version(code: str, version: str) -> StoredVersion:
    row = published(code, version)
    if row is None:
        raise ApiProblem(404, _("No published version %(version)s of %(code)s.", version=version, code=code))
    return row


@bp.get("/instruments")
@api_access(Role.RESEARCHER)
def instruments() -> ResponseReturnValue:
    """The instruments with published versions.
    ---
    get:
      tags: [instruments]
      responses:
        200:
          content:
            application/json:
              schema: InstrumentList
    """
    # EXISTS, not DISTINCT: PostgreSQL has no equality for the JSON title.
    rows = db.session.scalars(select(Instrument).where(Instrument.versions.any()).order_by(Instrument.code))
    return schemas.InstrumentList().dump({"items": [_instrument(r) for r in rows]})


@bp.get("/instruments/<code>")
@api_access(Role.RESEARCHER)
def instrument(code: str) -> ResponseReturnValue:
    """One instrument and its published versions.
    ---
    get:
      tags: [instruments]
      responses:
        200:
          content:
            application/json:
              schema: Instrument
        404: {$ref: '#/components/responses/NotFound'}
    """
    row = db.session.scalar(select(Instrument).where(Instrument.code == code))
    if row is None or not row.versions:
        raise ApiProblem(404, _("No instrument %(code)s has been published.", code=code))
    return schemas.Instrument().dump(_instrument(row))


@bp.get("/instruments/<code>/versions/<version>")
@api_access(Role.RESEARCHER)
def version(code: str, version: str) -> ResponseReturnValue:
    """A published version with its whole content.
    ---
    get:
      tags: [instruments]
      responses:
        200:
          content:
            application/json:
              schema: Version
        404: {$ref: '#/components/responses/NotFound'}
    """
    row = _version(code, version)
    body = {**_summary(row), "instrument": code, "content": json.loads(row.content)}
    return schemas.Version().dump(body)


@bp.get("/instruments/<code>/versions/<version>/yaml")
@api_access(Role.RESEARCHER)
def version_yaml(code: str, version: str) -> ResponseReturnValue:
    """The published content as YAML (the questionnaire format of questionnaires/README.md).
    ---
    get:
      tags: [instruments]
      responses:
        200:
          content:
            application/yaml: {schema: {type: string}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    row = _version(code, version)
    text = yaml.safe_dump(json.loads(row.content), allow_unicode=True, sort_keys=False)
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{code}_{version}.yaml"'},
    )


@bp.get("/instruments/<code>/versions/<version>/xlsform")
@api_access(Role.RESEARCHER)
def version_xlsform(code: str, version: str) -> ResponseReturnValue:
    """The published version as an XLSForm workbook (for ODK tools and pyxform).
    ---
    get:
      tags: [instruments]
      responses:
        200:
          content:
            application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: {schema: {type: string, format: binary}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    domain = domain_of(_version(code, version))
    buffer = io.BytesIO()
    xlsform_workbook(domain).save(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=f"{code}_{version}.xlsx")
