"""Labelled exports of the submitted responses: one tidy table (table.py) and its codebook feeding every
format (formats/), written to a temporary file that replaces the target only when complete."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select

from analysis.vocabulary import LANGUAGES
from surveyapp import audit
from surveyapp.extensions import db
from surveyapp.models import ComputationRun, Instrument, ResponseStatus, RunWeight, StoredVersion, SurveyResponse, User
from surveyapp.questionnaire.history import version_sort_key
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.exports.codebook import COLUMNS as CODEBOOK_COLUMNS
from surveyapp.services.exports.codebook import codebook_rows
from surveyapp.services.exports.formats import FORMATS
from surveyapp.services.exports.formats.csv_file import codebook_path
from surveyapp.services.exports.formats.xlsx_file import TooManyRowsError
from surveyapp.services.exports.replicates import TYPES as REPLICATE_TYPES
from surveyapp.services.exports.replicates import ExportReplicates, ReplicateExportError
from surveyapp.services.exports.replicates import build as build_replicates
from surveyapp.services.exports.table import (
    ExportTable,
    RepeatExport,
    Variable,
    build_repeat_variables,
    build_variables,
    chunks,
    repeat_frame,
)
from surveyapp.services.run_weights import run_weights
from surveyapp.services.versions import domain_of


class ExportError(Exception):
    """The export cannot be made; the message says why in one line. Nothing has been written."""


@dataclass(frozen=True)
class ExportRequest:
    instrument: str
    year: int
    format: str
    language: str
    version: str | None = None
    run: int | None = None
    free_text: bool = True
    replicates: str | None = None  # jk1, jkn, bootstrap or brr: repw_1..repw_R from the run's design
    replicates_n: int | None = None  # bootstrap replicates (default 50)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    run: int | None
    versions: tuple[str, ...]
    files: tuple[Path, ...]
    r_call: str = ""  # with replicate weights: how to declare them in R (svrepdesign) and Stata (svyset)
    stata_line: str = ""


def _period(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def _versions(request: ExportRequest) -> list[StoredVersion]:
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == request.instrument))
    if instrument is None:
        raise ExportError(f"unknown instrument {request.instrument!r}")
    start, end = _period(request.year)
    answered = set(
        db.session.scalars(
            select(SurveyResponse.version_id)
            .join(StoredVersion)
            .where(
                StoredVersion.instrument_id == instrument.id,
                SurveyResponse.status == ResponseStatus.SUBMITTED.value,
                SurveyResponse.submitted_at >= start,
                SurveyResponse.submitted_at < end,
            )
            .distinct()
        )
    )
    rows = [v for v in instrument.versions if request.version is None or v.version == request.version]
    if request.version is not None and not rows:
        known = ", ".join(sorted((v.version for v in instrument.versions), key=version_sort_key)) or "none"
        raise ExportError(f"{request.instrument} has no published version {request.version!r} (published: {known})")
    rows = [v for v in rows if v.id in answered]
    if not rows:
        which = f" {request.version}" if request.version else ""
        raise ExportError(f"no submitted responses to {request.instrument}{which} in {request.year}: nothing to export")
    return sorted(rows, key=lambda v: version_sort_key(v.version))


def _run(request: ExportRequest, versions: list[StoredVersion]) -> int | None:
    """The run asked for, or the year's latest run that weighted these versions' responses (None if none)."""
    if request.run is not None:
        run = db.session.get(ComputationRun, request.run)
        if run is None or run.year != request.year:
            raise ExportError(
                f"no computation run {request.run} for {request.year} (flask indicators compute prints each run's id)"
            )
        return run.id
    return db.session.scalar(
        select(func.max(RunWeight.run_id))
        .join(ComputationRun, ComputationRun.id == RunWeight.run_id)
        .join(SurveyResponse, SurveyResponse.id == RunWeight.response_id)
        .where(ComputationRun.year == request.year, SurveyResponse.version_id.in_([v.id for v in versions]))
    )


def repeat_path(out: Path, code: str) -> Path:
    """Where a repeat's long table goes beside the export: households.csv -> households.members.csv."""
    return out.with_name(f"{out.stem}.{code}{out.suffix}")


def _one(repeat: RepeatExport) -> dict[str, list[Variable]]:
    return dict.fromkeys(LANGUAGES, repeat.table.variables)


def _checked(request: ExportRequest) -> tuple[list[StoredVersion], list[QuestionnaireVersion], int | None]:
    """The request's versions, their content and the run, or ExportError saying what is wrong."""
    if request.format not in FORMATS:
        raise ExportError(f"unknown format {request.format!r}; choose one of {', '.join(FORMATS)}")
    if request.language not in LANGUAGES:
        raise ExportError(f"unknown language {request.language!r}; choose one of {', '.join(LANGUAGES)}")
    versions = _versions(request)
    domains = [domain_of(v) for v in versions]
    for domain in domains:
        if request.language not in domain.languages:
            raise ExportError(
                f"{request.instrument} {domain.version} has no {request.language!r} texts "
                f"(its languages: {', '.join(domain.languages)}); choose another --lang"
            )
    run_id = _run(request, versions)
    if request.replicates is not None:
        if request.replicates not in REPLICATE_TYPES:
            raise ExportError(
                f"unknown replicate type {request.replicates!r}; choose one of {', '.join(REPLICATE_TYPES)}"
            )
        if run_id is None:
            raise ExportError(
                "replicate weights are built from a computation run's design, and none weighted these responses "
                "(run flask indicators compute first, or leave out --replicates)"
            )
    return versions, domains, run_id


def check_request(request: ExportRequest) -> None:
    """Raise ExportError when the export cannot be made (before a job is queued for it)."""
    _checked(request)


RowsProgress = Callable[[int, int], None]  # (rows written so far, rows in the selection)


def _counted(parts: Iterator[pd.DataFrame], total: int, on_rows: RowsProgress | None) -> Iterator[pd.DataFrame]:
    done = 0
    for part in parts:
        yield part
        done += len(part)
        if on_rows is not None:
            on_rows(done, total)


def selection_size(request: ExportRequest, versions: list[StoredVersion]) -> int:
    start, end = _period(request.year)
    return int(
        db.session.scalar(
            select(func.count()).where(
                SurveyResponse.version_id.in_([v.id for v in versions]),
                SurveyResponse.status == ResponseStatus.SUBMITTED.value,
                SurveyResponse.submitted_at >= start,
                SurveyResponse.submitted_at < end,
            )
        )
        or 0
    )


def export_responses(
    request: ExportRequest, out: Path, secret: str, user: User | None = None, on_rows: RowsProgress | None = None
) -> ExportResult:
    """Write the export to `out` (and a codebook beside a CSV); audited. Raises ExportError before writing
    anything when the request is wrong, and leaves no file behind when writing fails. `on_rows` hears how far
    the writing is after each chunk (a job's progress bar)."""
    versions, domains, run_id = _checked(request)
    by_language = {lang: build_variables(domains, lang) for lang in LANGUAGES}
    repeats_by_language = {lang: build_repeat_variables(domains, lang) for lang in LANGUAGES}
    if not request.free_text:
        by_language = {lang: [v for v in vs if not v.free_text] for lang, vs in by_language.items()}
        repeats_by_language = {
            lang: {code: [v for v in vs if not v.free_text] for code, vs in repeats.items()}
            for lang, repeats in repeats_by_language.items()
        }
    variables = by_language[request.language]
    start, end = _period(request.year)
    replicates = None
    if request.replicates is not None and run_id is not None:
        try:
            replicates = build_replicates(
                run_id, _selection_ids(versions, start, end), request.replicates, request.replicates_n
            )
        except ReplicateExportError as error:
            raise ExportError(str(error)) from None
        extra = {lang: replicate_variables(replicates) for lang in LANGUAGES}
        by_language = {lang: _after_weight(vs, extra[lang]) for lang, vs in by_language.items()}
        variables = _after_weight(variables, extra[request.language])
    # The codebook lists a repeat's columns after the responses' ones, each row naming its table.
    for lang, repeats in repeats_by_language.items():
        by_language[lang] = by_language[lang] + [v for vs in repeats.values() for v in vs]
    table = ExportTable(
        request.instrument,
        request.language,
        versions,
        variables,
        run_id,
        run_weights(run_id) if run_id is not None else run_weights(-1),
        replicates.weights if replicates is not None else None,
    )
    for code, repeat_variables in repeats_by_language[request.language].items():
        sub = ExportTable(request.instrument, request.language, versions, repeat_variables, None, run_weights(-1))
        frame = repeat_frame(code, repeat_variables, versions, start, end, secret)
        table.repeats.append(RepeatExport(code, sub, frame))
    targets = [out] + ([codebook_path(out)] if request.format == "csv" else [])
    temporary = [target.with_name(f".{target.name}.partial-{os.getpid()}") for target in targets]
    try:
        total = selection_size(request, versions) if on_rows is not None else 0
        parts = _counted(chunks(table, domains, start, end, secret), total, on_rows)
        codebook = codebook_rows(by_language) + (replicate_codebook(replicates) if replicates is not None else [])
        rows = FORMATS[request.format](table, parts, temporary[0], codebook)
        if request.format == "csv":
            temporary[0].with_name(temporary[0].name + ".codebook.csv").replace(temporary[1])
        if request.format != "xlsx":  # XLSX holds each repeat as a sheet of the same workbook
            for repeat in table.repeats:
                part = repeat_path(out, repeat.code)
                partial = part.with_name(f".{part.name}.partial-{os.getpid()}")
                temporary.append(partial)
                targets.append(part)
                FORMATS[request.format](repeat.table, iter([repeat.frame]), partial, codebook_rows(_one(repeat)))
                # CSV writes a codebook beside every file; the main one already covers the repeat's columns.
                partial.with_name(partial.name + ".codebook.csv").unlink(missing_ok=True)
        for source, target in zip(temporary, targets, strict=True):
            source.replace(target)
    except TooManyRowsError as error:
        raise ExportError(str(error)) from None
    finally:
        for path in [*temporary, temporary[0].with_name(temporary[0].name + ".codebook.csv")]:
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".codebook.csv").unlink(missing_ok=True)
    audit.record(
        "responses_export",
        "instrument",
        f"{request.instrument}/{request.year}",
        {
            "format": request.format,
            "language": request.language,
            "versions": [v.version for v in versions],
            "run": run_id,
            "rows": rows,
            "free_text": request.free_text,
            "repeats": {repeat.code: len(repeat.frame) for repeat in table.repeats},
            "replicates": request.replicates,
        },
        user,
    )
    return ExportResult(
        out,
        rows,
        run_id,
        tuple(v.version for v in versions),
        tuple(targets),
        replicates.r_call() if replicates is not None else "",
        replicates.stata_line() if replicates is not None else "",
    )


def _selection_ids(versions: list[StoredVersion], start: datetime, end: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(SurveyResponse.id).where(
                SurveyResponse.version_id.in_([v.id for v in versions]),
                SurveyResponse.status == ResponseStatus.SUBMITTED.value,
                SurveyResponse.submitted_at >= start,
                SurveyResponse.submitted_at < end,
            )
        )
    )


def replicate_variables(replicates: ExportReplicates) -> list[Variable]:
    return [
        Variable(name, name, f"Replicate weight {r} ({replicates.type}) of the run's design", "number")
        for r, name in enumerate(replicates.names, start=1)
    ]


def _after_weight(variables: list[Variable], extra: list[Variable]) -> list[Variable]:
    at = next(i for i, v in enumerate(variables) if v.name == "final_weight") + 1
    return [*variables[:at], *extra, *variables[at:]]


def replicate_codebook(replicates: ExportReplicates) -> list[dict[str, object]]:
    """How to use repw_*: the R call and the Stata line, as rows of the codebook (variable '_replicates')."""
    note = (
        "Replicate weights of the run's design (strata, PSUs, final weights; not raked again per replicate). "
        "Use the rows with in_run = 1."
    )
    stata_note = (
        " Stata's bootstrap divides by R, not R-1 as R's survey package and this platform do: multiply Stata's "
        "variance by R/(R-1)."
        if replicates.type == "bootstrap"
        else ""
    )
    rows = [
        {"variable": "_replicates", "type": "note", "label_en": note + stata_note},
        {"variable": "_replicates", "type": "R", "label_en": "library(survey); " + replicates.r_call()},
        {"variable": "_replicates", "type": "Stata", "label_en": replicates.stata_line()},
    ]
    return [{column: row.get(column, "") for column in CODEBOOK_COLUMNS} for row in rows]
