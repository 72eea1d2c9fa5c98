"""Reading one questionnaire version's responses of a period into a flat frame: one row per submitted
response (not excluded by a researcher), one column per needed answer plus the design variables, with the JSON
read by the database.

PostgreSQL parses each response once (json_to_record) and streams the rows as CSV (COPY); any other database
(SQLite) goes through SQLAlchemy's JSON paths. Both give the same frame."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from analysis.definition import ItemInfo, resolve_item
from surveyapp.extensions import db
from surveyapp.models import ResponseStatus, StoredVersion, SurveyResponse
from surveyapp.services.margins import DIMENSIONS


def _text(column: Any) -> Any:
    return column.as_string()


def version_frame(
    version: StoredVersion, codes: list[str], catalogue: dict[str, ItemInfo], start: datetime, end: datetime
) -> pd.DataFrame:
    """The version's responses of the period, one column per needed item (under the version's own code).

    Only the needed answers are read out of the JSON, by the database, so a million responses never have to
    be parsed whole in Python."""
    items: dict[str, tuple[str, str | None]] = {}
    repeated: dict[str, str] = {}  # item code -> its repeat: the whole roster is read, the item picked out
    for code in codes:
        actual = resolve_item(code, catalogue)
        if actual is not None and catalogue[actual].repeat is not None:
            repeat = catalogue[actual].repeat
            assert repeat is not None
            items[actual] = (repeat, None)
            repeated[actual] = repeat
        elif actual is not None:
            head, dot, row = actual.partition(".")
            items[actual] = (head, row if dot else None)
    if db.session.get_bind().dialect.name == "postgresql":
        frame = _postgresql_frame(version.id, items, start, end)
    else:
        frame = _generic_frame(version.id, items, start, end)
    for code in repeated:
        frame[code] = frame[code].map(lambda text, item=code: _instances(text, item))
    frame["version_id"] = str(version.id)
    frame["base_weight"] = pd.to_numeric(frame["base_weight"]).fillna(1.0)
    for name in (*DIMENSIONS, "stratum", "psu"):
        column = frame[name]
        if not pd.api.types.is_string_dtype(column):
            # SQLite's json_extract keeps numbers as numbers; PostgreSQL's ->> gives text: make both text.
            column = column.map(lambda v: None if v is None or v == "" else str(v), na_action="ignore")
        frame[name] = column.mask(column == "")
    frame["stratum"] = frame["stratum"].fillna("all")
    frame["psu"] = frame["psu"].fillna("r" + frame["response_id"].astype(str))
    return frame


def _instances(text: Any, item: str) -> list[Any]:
    """The item's answer in each instance of a roster read as JSON text (SQLite's and PostgreSQL's spelling
    of a JSON array alike)."""
    value = json.loads(text) if isinstance(text, str) and text else text
    if not isinstance(value, list):
        return []
    return [instance.get(item) if isinstance(instance, dict) else None for instance in value]


def _generic_frame(version_id: int, items: dict[str, tuple[str, str | None]], start: datetime, end: datetime) -> Any:
    """Any database: the JSON paths through SQLAlchemy, one row object per response."""
    answers = {
        name: _text(SurveyResponse.answers[(head, row)] if row is not None else SurveyResponse.answers[head])
        for name, (head, row) in items.items()
    }
    design = {d: _text(SurveyResponse.design[d]) for d in (*DIMENSIONS, "stratum", "psu")}
    query = (
        select(
            SurveyResponse.id.label("response_id"),
            SurveyResponse.quality_flags.label("flags"),
            SurveyResponse.mode.label("mode"),
            SurveyResponse.design["base_weight"].as_float().label("base_weight"),
            *(expression.label(f"d:{name}") for name, expression in design.items()),
            *(expression.label(f"i:{name}") for name, expression in answers.items()),
        )
        .where(
            SurveyResponse.version_id == version_id,
            SurveyResponse.status == ResponseStatus.SUBMITTED.value,
            SurveyResponse.excluded_at.is_(None),
            SurveyResponse.submitted_at >= start,
            SurveyResponse.submitted_at < end,
        )
        .order_by(SurveyResponse.id)
    )
    result = db.session.execute(query)
    frame = pd.DataFrame.from_records(result.all(), columns=list(result.keys()))
    frame = frame.rename(columns=lambda c: c.split(":", 1)[1] if ":" in c else c)
    frame["flagged"] = frame["flags"].map(bool)
    return frame.drop(columns=["flags"])


def _postgresql_frame(
    version_id: int, items: dict[str, tuple[str, str | None]], start: datetime, end: datetime
) -> pd.DataFrame:
    """PostgreSQL: each response's JSON parsed once (json_to_record) instead of once per path, and the rows
    streamed as CSV (COPY) into pandas' parser instead of one Python object per value: the same values as
    the generic query, several times faster on a million responses."""
    from psycopg import sql
    from psycopg.pq import TransactionStatus

    design_names = (*DIMENSIONS, "stratum", "psu")
    heads = sorted({head for head, _row in items.values()})
    nested = {head for head, row in items.values() if row is not None}

    def record(column: str, alias: str, fields: list[tuple[str, str]]) -> sql.Composable:
        # Not an object (JSON null, an array): no values, as ->> gives, instead of an error.
        return sql.SQL(
            "json_to_record(CASE WHEN json_typeof(r.{c}::json) = 'object' THEN r.{c}::json END) AS {a}({f})"
        ).format(
            c=sql.Identifier(column),
            a=sql.Identifier(alias),
            f=sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(t)) for n, t in fields),
        )

    columns: list[sql.Composable] = [
        sql.SQL("r.id"),
        sql.SQL("r.quality_flags::text"),
        sql.SQL("r.mode"),
        sql.SQL("d.base_weight::float8"),
        *(sql.SQL("d.{}").format(sql.Identifier(name)) for name in design_names),
    ]
    for head, row in items.values():
        if row is None:
            columns.append(sql.SQL("x.{}").format(sql.Identifier(head)))
        else:
            columns.append(sql.SQL("x.{} ->> {}").format(sql.Identifier(head), sql.Literal(row)))
    sources = [
        sql.SQL("response AS r"),
        record("design", "d", [("base_weight", "text"), *((name, "text") for name in design_names)]),
    ]
    if heads:
        sources.append(record("answers", "x", [(head, "json" if head in nested else "text") for head in heads]))
    query = sql.SQL(
        "COPY (SELECT {columns} FROM {sources} WHERE r.version_id = {version} AND r.status = {status}"
        " AND r.excluded_at IS NULL"
        " AND r.submitted_at >= {start} AND r.submitted_at < {end})"
        " TO STDOUT WITH (FORMAT csv, NULL '\\N')"
    ).format(
        columns=sql.SQL(", ").join(columns),
        sources=sql.SQL(", ").join(sources),
        version=sql.Literal(version_id),
        status=sql.Literal(ResponseStatus.SUBMITTED.value),
        start=sql.Literal(start),
        end=sql.Literal(end),
    )
    buffer = io.BytesIO()
    connection = db.session.connection().connection.driver_connection
    assert connection is not None  # a checked-out pool connection always has its driver's
    with connection.cursor() as cursor:
        # Parsing the JSON is the database's work here: let it share that among parallel workers (the planner
        # would not, thinking a million rows costly to pass between processes); for this query only.
        previous = cursor.execute("SELECT current_setting('parallel_tuple_cost')").fetchone()
        cursor.execute("SELECT set_config('parallel_tuple_cost', '0', true)")
        try:
            with cursor.copy(query) as copy:
                for block in copy:
                    buffer.write(block)
        finally:
            if previous and connection.info.transaction_status != TransactionStatus.INERROR:
                cursor.execute("SELECT set_config('parallel_tuple_cost', %s, true)", (previous[0],))
    buffer.seek(0)
    names = ["response_id", "flags", "mode", "base_weight", *design_names, *items]
    dtypes: dict[str, Any] = {name: str for name in names} | {"response_id": "int64", "base_weight": "float64"}
    if not buffer.getbuffer().nbytes:  # no responses: the parser refuses an empty input
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items() if name != "flags"}).assign(
            flagged=pd.Series(dtype=bool)
        )
    frame = pd.read_csv(
        buffer,
        names=names,
        header=None,
        dtype=dtypes,
        keep_default_na=False,
        na_values=["\\N"],
    )
    frame = frame.sort_values("response_id", ignore_index=True)  # the order of the generic query (ORDER BY id)
    # A few distinct flag lists (mostly "[]"): decode each once.
    flags = frame["flags"]
    decoded = {value: bool(json.loads(value)) for value in flags.dropna().unique()}
    frame["flagged"] = flags.map(decoded).fillna(False).astype(bool)
    return frame.drop(columns=["flags"])
