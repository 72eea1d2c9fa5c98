"""Respondents' answers of one instrument: pages of JSON, or the whole selection streamed as NDJSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Response, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import Select, select

from surveyapp.api import schemas
from surveyapp.api.auth import api_access
from surveyapp.api.pages import after, cursor, limit
from surveyapp.api.problem import ApiProblem
from surveyapp.api.routes import bp
from surveyapp.extensions import db
from surveyapp.models import Instrument, ResponseStatus, Role, StoredVersion, SurveyResponse
from surveyapp.questionnaire.history import version_sort_key
from surveyapp.services.exports.safe_text import neutralize
from surveyapp.services.versions import domain_of

FORMATS = ("json", "ndjson", "csv")
STREAM_BATCH = 500
META_COLUMNS = (
    "id", "instrument", "version", "version_sha256", "language", "status", "mode",
    "started_at", "updated_at", "submitted_at", "quality_flags",
)  # fmt: skip


def _instrument() -> Instrument:
    code = request.args.get("instrument", "").strip()
    if not code:
        raise ApiProblem(400, _("Name the instrument: ?instrument=CODE."))
    row = db.session.scalar(select(Instrument).where(Instrument.code == code))
    if row is None:
        raise ApiProblem(404, _("No instrument %(code)s has been published.", code=code))
    return row


def _versions(instrument: Instrument) -> list[StoredVersion]:
    wanted = request.args.get("version", "").strip()
    rows = sorted(instrument.versions, key=lambda v: version_sort_key(v.version))
    if wanted:
        rows = [r for r in rows if r.version == wanted]
        if not rows:
            raise ApiProblem(
                404, _("No published version %(version)s of %(code)s.", version=wanted, code=instrument.code)
            )
    return rows


def _moment(name: str) -> datetime | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiProblem(400, _("%(name)s must be an ISO 8601 time, e.g. 2026-05-01T00:00:00Z.", name=name)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _query(versions: list[StoredVersion]) -> Select[Any]:
    query = select(SurveyResponse).where(SurveyResponse.version_id.in_([v.id for v in versions]))
    status = request.args.get("status", "").strip()
    if status:
        if status not in {s.value for s in ResponseStatus}:
            choices = ", ".join(s.value for s in ResponseStatus)
            raise ApiProblem(400, _("status must be one of: %(choices)s.", choices=choices))
        query = query.where(SurveyResponse.status == status)
    year = request.args.get("year", "").strip()
    if year:
        if not year.isdigit() or not 1900 <= int(year) <= 2200:
            raise ApiProblem(400, _("year must be a year such as 2026."))
        # The survey year is the year of submission, as in the indicator computation.
        start, end = datetime(int(year), 1, 1, tzinfo=UTC), datetime(int(year) + 1, 1, 1, tzinfo=UTC)
        query = query.where(SurveyResponse.submitted_at >= start, SurveyResponse.submitted_at < end)
    since = _moment("updated_since")
    if since is not None:
        query = query.where(SurveyResponse.updated_at >= since)
    return query.order_by(SurveyResponse.id)


def _flag_filter(rows: Iterator[SurveyResponse]) -> Iterator[SurveyResponse]:
    # The flags are a JSON list, which SQLite and PostgreSQL search differently: filtered here, row by row.
    flag = request.args.get("flag", "").strip()
    return (r for r in rows if flag in (r.quality_flags or [])) if flag else rows


Labels = dict[int, tuple[str, str]]  # version id -> (instrument code, version number)


def _record(row: SurveyResponse, labels: Labels) -> dict[str, Any]:
    # Only responses of published versions are selected (a test response has no version_id).
    instrument, version = labels[row.version_id or 0]
    return {
        "id": row.id,
        "instrument": instrument,
        "version": version,
        "version_sha256": row.version_sha256,
        "language": row.language,
        "status": row.status,
        "mode": row.mode,
        "started_at": row.started_at,
        "updated_at": row.updated_at,
        "submitted_at": row.submitted_at,
        "quality_flags": row.quality_flags or [],
        "design": row.design or {},
        "answers": row.answers or {},
    }


def _rows(query: Select[Any]) -> Iterator[SurveyResponse]:
    # In batches by id, never the whole table in memory, and no server-side cursor held open between yields.
    last = 0
    while True:
        batch = db.session.scalars(query.where(SurveyResponse.id > last).limit(STREAM_BATCH)).all()
        if not batch:
            return
        yield from _flag_filter(iter(batch))
        last = batch[-1].id
        db.session.expunge_all()


def _json_value(value: Any) -> Any:
    # Stored in UTC; SQLite gives the times back without their zone.
    return value.replace(tzinfo=value.tzinfo or UTC).isoformat() if isinstance(value, datetime) else value


def _ndjson(query: Select[Any], labels: Labels) -> Iterator[str]:
    for row in _rows(query):
        record = {k: _json_value(v) for k, v in _record(row, labels).items()}
        yield json.dumps(record, ensure_ascii=False) + "\n"


def csv_columns(versions: list[StoredVersion]) -> tuple[list[str], list[str]]:
    """(design variables, answer columns) of the versions, in questionnaire order, first version first.

    A matrix has one column per row (``item.row``); a multiple choice one column of space-separated codes,
    as in XLSForm exports."""
    design: list[str] = []
    answers: list[str] = []
    for version in versions:
        domain = domain_of(version)
        for variable in domain.design_variables:
            if variable.name not in design:
                design.append(variable.name)
        for item in domain.items:
            if item.type == "note":  # shown, never answered
                continue
            names = [f"{item.code}.{r.code}" for r in item.rows] if item.rows else [item.code]
            answers.extend(n for n in names if n not in answers)
    return design, answers


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dict):
        return neutralize(json.dumps(value, ensure_ascii=False))
    if isinstance(value, str):
        return neutralize(value)
    return str(value)


def _csv(query: Select[Any], labels: Labels, design: list[str], answers: list[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    # A byte-order mark: Excel then reads the Kazakh and Russian letters as UTF-8.
    writer.writerow([*META_COLUMNS, *(f"design.{d}" for d in design), *answers])
    yield "\ufeff" + flush()
    for row in _rows(query):
        record = _record(row, labels)
        given = record["answers"]
        cells = [_cell(_json_value(record[c])) for c in META_COLUMNS]
        cells += [_cell(record["design"].get(d)) for d in design]
        for column in answers:
            head, dot, sub = column.partition(".")
            value = given.get(head)
            cells.append(_cell(value.get(sub) if dot and isinstance(value, dict) else value))
        writer.writerow(cells)
        yield flush()


@bp.get("/responses")
@api_access(Role.RESEARCHER)
def responses() -> ResponseReturnValue:
    """The responses of an instrument. JSON comes in pages (follow next_cursor); NDJSON and CSV stream whole.
    ---
    get:
      tags: [responses]
      parameters:
        - {name: instrument, in: query, required: true, schema: {type: string}}
        - {name: format, in: query, schema: {type: string, enum: [json, ndjson, csv], default: json}}
        - {name: version, in: query, schema: {type: string}}
        - {name: year, in: query, description: year of submission, schema: {type: integer}}
        - {name: status, in: query, schema: {type: string, enum: [in_progress, submitted, expired, withdrawn]}}
        - {name: flag, in: query, description: only responses with this quality flag, schema: {type: string}}
        - {name: updated_since, in: query, schema: {type: string, format: date-time}}
        - {name: cursor, in: query, description: "json only: next_cursor of the previous page", schema: {type: string}}
        - {name: limit, in: query, description: json only, schema: {type: integer, minimum: 1, maximum: 1000}}
      responses:
        200:
          content:
            application/json:
              schema: ResponsePage
            application/x-ndjson:
              schema: Response
            text/csv:
              schema: {type: string}
        400: {$ref: '#/components/responses/BadRequest'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    fmt = request.args.get("format", "json").strip()
    if fmt not in FORMATS:
        raise ApiProblem(400, _("format must be one of: %(choices)s.", choices=", ".join(FORMATS)))
    instrument = _instrument()
    versions = _versions(instrument)
    query = _query(versions)
    # Plain values, read now: the streaming batches detach every object of the session as they go.
    labels = {v.id: (instrument.code, v.version) for v in versions}
    if fmt == "ndjson":
        return Response(stream_with_context(_ndjson(query, labels)), mimetype="application/x-ndjson")
    if fmt == "csv":
        name = f"{instrument.code}_responses.csv"
        design, answers = csv_columns(versions)
        return Response(
            stream_with_context(_csv(query, labels, design, answers)),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    size = limit()
    given = request.args.get("cursor", "").strip()
    if given:
        query = query.where(SurveyResponse.id > after(given))
    page: list[SurveyResponse] = []
    source = _rows(query) if request.args.get("flag") else iter(db.session.scalars(query.limit(size + 1)))
    for row in source:
        page.append(row)
        if len(page) > size:
            break
    more = len(page) > size
    page = page[:size]
    body = {
        "items": [_record(r, labels) for r in page],
        "next_cursor": cursor(page[-1].id) if more and page else None,
    }
    return schemas.ResponsePage().dump(body)
