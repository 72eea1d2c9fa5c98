"""``flask questionnaires``: validate, diff, publish, list, and XLSForm export and import."""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from analysis.vocabulary import POPULATIONS
from surveyapp.cli.group import CommandGroup
from surveyapp.extensions import db
from surveyapp.models import Instrument, StoredVersion
from surveyapp.questionnaire import (
    InvalidQuestionnaireError,
    QuestionnaireError,
    QuestionnaireVersion,
    diff_versions,
    instrument_versions,
    load_version,
    validate_paths,
    version_path,
)
from surveyapp.questionnaire.loader import expand_paths
from surveyapp.questionnaire.xlsform import choice_rows, left_out, survey_rows, write_xlsform
from surveyapp.questionnaire.xlsform_import import import_xlsform
from surveyapp.services import fieldwork_state
from surveyapp.services.publish_versions import publish
from surveyapp.services.versions import domain_of, published

questionnaires_cli = CommandGroup(
    "questionnaires", help="Validate, compare, publish and list questionnaire versions; XLSForm export and import."
)


def _root() -> Path:
    return Path(current_app.config["QUESTIONNAIRES_DIR"])


@questionnaires_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Check version files (default: every file under questionnaires/); one line per problem."""
    try:
        problems = validate_paths(paths or [_root()])
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from None
    for problem in problems:
        click.echo(str(problem))
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    files = len(expand_paths(Path(p) for p in (paths or [_root()])))
    click.echo(f"{files} file(s) checked: {errors} error(s), {warnings} warning(s).")
    if errors:
        raise SystemExit(1)


def _version_for(instrument: str, version: str) -> QuestionnaireVersion:
    row = published(instrument, version)
    if row is not None:
        return domain_of(row)
    path = version_path(instrument, version, _root())
    if not path.exists():
        known = instrument_versions(instrument, _root())
        raise click.ClickException(
            f"{instrument} {version}: neither published nor a file at {path}. "
            f"Versions on disk: {', '.join(known) or 'none'}"
        )
    return load_version(path)


@questionnaires_cli.command("diff")
@click.argument("instrument")
@click.argument("old")
@click.argument("new")
@click.option("--lang", type=click.Choice(["en", "kk", "ru"]), default="en", show_default=True)
def diff(instrument: str, old: str, new: str, lang: str) -> None:
    """What changed from version OLD to NEW of INSTRUMENT: added, removed, reworded, recoded items."""
    try:
        before, after = _version_for(instrument, old), _version_for(instrument, new)
    except InvalidQuestionnaireError as error:
        raise click.ClickException(str(error)) from None
    click.echo(diff_versions(before, after).format_text(lang))


@questionnaires_cli.command("publish")
@click.argument("paths", nargs=-1, type=click.Path())
def publish_command(paths: tuple[str, ...]) -> None:
    """Publish version files or folders (default: every file under questionnaires/). Publishing the same
    content again changes nothing."""
    try:
        files = expand_paths(Path(p) for p in (paths or [_root()]))
        missing = [str(f) for f in files if not f.exists()]
        if missing:
            raise click.ClickException(f"no such file: {', '.join(missing)}")
        loaded = [load_version(path) for path in files]
    except InvalidQuestionnaireError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            "nothing was published: fix the errors above (flask questionnaires validate)"
        ) from None
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from None
    results = []
    try:
        for domain in loaded:
            results.append((domain, publish(domain)))
    except QuestionnaireError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}. Nothing was published.") from None
    db.session.commit()
    for domain, result in results:
        state = "published" if result.created else "already published, unchanged"
        click.echo(f"{domain.instrument} {domain.version}: {state} (sha256 {domain.sha256[:12]}…)")


@questionnaires_cli.command("list")
def list_command() -> None:
    """Published versions and version files not yet published."""
    rows = db.session.execute(
        select(
            Instrument.code,
            StoredVersion.version,
            StoredVersion.sha256,
            StoredVersion.published_at,
            StoredVersion.fieldwork_closed_at,
        )
        .join(StoredVersion.instrument)
        .order_by(Instrument.code, StoredVersion.version)
    ).all()
    seen = set()
    for code, version, sha, when, closed in rows:
        seen.add((code, version))
        state = "  fieldwork closed" if closed else ""
        click.echo(f"{code:<24} {version:<8} published {when:%Y-%m-%d}  {sha[:12]}{state}")
    root = _root()
    for path in expand_paths([root]) if root.exists() else []:
        key = (path.parent.name, path.stem)
        if key not in seen:
            click.echo(f"{key[0]:<24} {key[1]:<8} file only (not published): {path}")


@questionnaires_cli.command("export-xlsform")
@click.argument("instrument")
@click.argument("version")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="the .xlsx to write")
def export_xlsform(instrument: str, version: str, out: Path) -> None:
    """INSTRUMENT VERSION (as published, else its file) as an XLSForm workbook for KoboToolbox, ODK or SurveyCTO."""
    try:
        domain = _version_for(instrument, version)
    except InvalidQuestionnaireError as error:
        raise click.ClickException(str(error)) from None
    write_xlsform(domain, out)
    click.echo(f"Wrote {out}: {len(survey_rows(domain))} survey rows, {len(choice_rows(domain))} choices.")
    for what in left_out(domain):
        click.echo(f"Not in the workbook (XLSForm has no place for it): {what}")


_INSTRUMENT = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@questionnaires_cli.command("import-xlsform")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--instrument", required=True, help="snake_case code of the instrument, e.g. public_safety")
@click.option("--version", "version", required=True, help='version number, e.g. "2026"')
@click.option("--population", type=click.Choice(POPULATIONS), default="adults", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="default: <questionnaires>/<instrument>/<version>.yaml")  # fmt: skip
@click.option("--force", is_flag=True, help="overwrite an existing file")
@click.option(
    "--leave-out-media", is_flag=True, help="leave photo, audio, file ... questions out with a warning, not refused"
)
def import_xlsform_command(
    workbook: Path,
    instrument: str,
    version: str,
    population: str,
    out: Path | None,
    force: bool,
    leave_out_media: bool,
) -> None:
    """An XLSForm WORKBOOK (e.g. from KoboToolbox) as a questionnaire YAML draft, then validated.

    WORKBOOK is an .xlsx, an .xls, a CSV in pyxform's layout, or a folder or .zip of survey.csv, choices.csv
    and settings.csv."""
    if not _INSTRUMENT.match(instrument):
        raise click.ClickException(f"instrument {instrument!r} is not a snake_case code such as public_safety")
    if not _VERSION.match(version):
        raise click.ClickException(f"version {version!r}: use letters, digits, '.', '_' or '-', e.g. 2026")
    if not workbook.exists():
        raise click.ClickException(f"no such file or folder: {workbook}")
    target = out or _root() / instrument / f"{version}.yaml"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists; give --out another path, or --force to overwrite it")
    try:
        imported = import_xlsform(workbook, instrument, version, population, leave_out_media=leave_out_media)
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from None
    for problem in imported.problems:
        click.echo(str(problem), err=True)
    if imported.errors:
        raise click.ClickException(
            f"nothing was written: {len(imported.errors)} row(s) above cannot be carried over; fix the workbook"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(imported.yaml_text, encoding="utf-8")
    problems = validate_paths([target])
    for problem in problems:
        click.echo(str(problem))
    errors = sum(1 for p in problems if p.is_error)
    if errors:
        raise click.ClickException(
            f"wrote {target} as a draft: {errors} error(s) above to fix before it can be published"
        )
    click.echo(f"Wrote {target}: valid. Review it, then: flask questionnaires publish {target}")


def _published_or_fail(instrument: str, version: str) -> StoredVersion:
    row = published(instrument, version)
    if row is None:
        raise click.ClickException(f"{instrument} {version} is not published (see `flask questionnaires list`).")
    return row


@questionnaires_cli.command("close-fieldwork")
@click.argument("instrument")
@click.argument("version")
def close_fieldwork(instrument: str, version: str) -> None:
    """Stop new responses to a published version; started ones may still be finished and sent."""
    change = fieldwork_state.close(_published_or_fail(instrument, version), None)
    db.session.commit()
    if change.changed:
        click.echo(f"Fieldwork of {instrument} {version} is closed: no new response starts.")
    else:
        click.echo(f"Fieldwork of {instrument} {version} was already closed.")


@questionnaires_cli.command("reopen-fieldwork")
@click.argument("instrument")
@click.argument("version")
def reopen_fieldwork(instrument: str, version: str) -> None:
    """Let new responses to a published version start again."""
    change = fieldwork_state.reopen(_published_or_fail(instrument, version), None)
    db.session.commit()
    if change.changed:
        click.echo(f"Fieldwork of {instrument} {version} is open again.")
    else:
        click.echo(f"Fieldwork of {instrument} {version} was already open.")
