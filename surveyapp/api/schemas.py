"""The API's response bodies as marshmallow schemas: the views dump through them, and the OpenAPI document
describes them, so what is documented is what is sent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields


def utc(value: datetime | None) -> datetime | None:
    """Every stored time is UTC; SQLite gives them back without their zone, so it is put back."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class UtcDateTime(fields.DateTime):
    """ISO 8601 with its offset, on every database."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return super()._serialize(utc(value), attr, obj, **kwargs)


class Me(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True)
    token = fields.Nested(lambda: TokenInfo(), allow_none=True, metadata={"description": "the token used, if any"})


class TokenInfo(Schema):
    id = fields.Integer(required=True)
    scope = fields.String(required=True)
    expires_at = UtcDateTime(required=True)


class VersionSummary(Schema):
    version = fields.String(required=True)
    sha256 = fields.String(required=True)
    published_at = UtcDateTime(required=True)
    links = fields.Dict(keys=fields.String(), values=fields.String())


class Instrument(Schema):
    code = fields.String(required=True)
    title = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "kk, ru, en"})
    population = fields.String()
    versions = fields.List(fields.Nested(VersionSummary))


class InstrumentList(Schema):
    items = fields.List(fields.Nested(Instrument), required=True)


class Version(VersionSummary):
    instrument = fields.String(required=True)
    content = fields.Dict(metadata={"description": "the published questionnaire, as stored (canonical JSON)"})


class Response(Schema):
    id = fields.Integer(required=True)
    instrument = fields.String(required=True)
    version = fields.String(required=True)
    version_sha256 = fields.String(required=True)
    language = fields.String(required=True)
    status = fields.String(required=True)
    mode = fields.String(required=True)
    started_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    submitted_at = UtcDateTime(allow_none=True)
    quality_flags = fields.List(fields.String())
    design = fields.Dict()
    answers = fields.Dict()


class ResponsePage(Schema):
    items = fields.List(fields.Nested(Response), required=True)
    next_cursor = fields.String(allow_none=True, metadata={"description": "pass as ?cursor= for the next page"})


class Target(Schema):
    year = fields.Integer(required=True)
    value = fields.Float(required=True)
    kind = fields.String(required=True)
    base_year = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)


class ProgrammeIndicator(Schema):
    code = fields.String(required=True)
    name = fields.Dict(keys=fields.String(), values=fields.String())
    unit = fields.String()
    direction = fields.String()
    source = fields.String()
    targets = fields.List(fields.Nested(Target))


class Programme(Schema):
    code = fields.String(required=True)
    name = fields.Dict(keys=fields.String(), values=fields.String())
    period = fields.List(fields.Integer())
    coordinator = fields.String()
    years = fields.List(fields.Integer(), metadata={"description": "years with results this caller may see"})
    indicators = fields.List(fields.Nested(ProgrammeIndicator))


class ProgrammeList(Schema):
    items = fields.List(fields.Nested(Programme), required=True)


class RunWeights(Schema):
    """Kish's diagnostics of one population's final weights in a run."""

    calibration = fields.String(metadata={"description": "'raking' (to the year's margins) or 'none'"})
    n = fields.Integer(metadata={"description": "respondents with a positive weight"})
    total = fields.Float()
    min = fields.Float()
    max = fields.Float()
    mean = fields.Float()
    cv = fields.Float(metadata={"description": "coefficient of variation of the weights"})
    kish_n_eff = fields.Float(metadata={"description": "Kish effective sample size (sum w)^2 / sum w^2"})
    efficiency = fields.Float(metadata={"description": "kish_n_eff / n"})
    deff_weighting = fields.Float(metadata={"description": "design effect due to weighting, 1 + cv^2"})
    max_min_ratio = fields.Float()


class Run(Schema):
    id = fields.Integer(required=True)
    programme = fields.String(required=True)
    year = fields.Integer(required=True)
    computed_at = UtcDateTime(required=True)
    published_at = UtcDateTime(allow_none=True)
    published = fields.Boolean(required=True)
    weights = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(RunWeights),
        metadata={"description": "per population; absent for runs computed before the diagnostics were stored"},
    )


class RunList(Schema):
    items = fields.List(fields.Nested(Run), required=True)


class Result(Schema):
    indicator = fields.String(required=True)
    breakdown = fields.String(metadata={"description": "'' for the national estimate"})
    category = fields.String()
    estimate = fields.Float(allow_none=True)
    se = fields.Float(allow_none=True)
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    df = fields.Float(allow_none=True)
    deff = fields.Float(allow_none=True)
    n = fields.Integer(allow_none=True)
    n_eff = fields.Float(allow_none=True)
    target = fields.Float(allow_none=True)
    status = fields.String()
    suppressed = fields.String(metadata={"description": "why the estimate is withheld, '' when shown"})


class RunResults(Run):
    results = fields.List(fields.Nested(Result), required=True)


class Problem(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()


class AuditEntry(Schema):
    id = fields.Integer(required=True)
    at = UtcDateTime(required=True)
    actor = fields.String(required=True, metadata={"description": "the account, or command-line / web-anonymous"})
    signed_in = fields.Boolean(required=True, metadata={"description": "the actor is an account"})
    action = fields.String(required=True)
    object_type = fields.String()
    object_id = fields.String()
    details = fields.Dict()


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditEntry), required=True)
    next_cursor = fields.String(allow_none=True, metadata={"description": "pass as ?cursor= for older events"})


class ExportStart(Schema):
    """The same parameters as ``flask responses export`` (and the export page)."""

    instrument = fields.String(required=True)
    year = fields.Integer(required=True)
    format = fields.String(required=True, metadata={"enum": ["csv", "xlsx", "sav", "dta", "parquet"]})
    language = fields.String(load_default="ru", metadata={"enum": ["kk", "ru", "en"]})
    version = fields.String(load_default=None, allow_none=True, metadata={"description": "one version's items only"})
    run = fields.Integer(load_default=None, allow_none=True, metadata={"description": "default: the year's latest"})
    replicates = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "jk1, jkn, bootstrap or brr: add repw_1..repw_R of the run's design"},
    )
    replicates_n = fields.Integer(load_default=None, allow_none=True, metadata={"description": "bootstrap only"})


class ExportJob(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["queued", "running", "done", "failed"]})
    progress = fields.Float(required=True)
    message = fields.String()
    error = fields.String()
    joined = fields.Boolean(metadata={"description": "an identical export was already running: this is that job"})
    request = fields.Dict(required=True)
    file = fields.Dict(allow_none=True, metadata={"description": "name, rows, size, run and url once done"})


class ReportFileInfo(Schema):
    language = fields.String(required=True)
    format = fields.String(required=True)
    published = fields.Boolean(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    built_at = UtcDateTime(required=True)
    url = fields.String(required=True)


class ReportFileList(Schema):
    run = fields.Integer(required=True)
    items = fields.List(fields.Nested(ReportFileInfo), required=True)
