"""``flask questionnaires``: validate, diff, publish and list questionnaire versions."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from surveyapp.cli.group import CommandGroup
from surveyapp.extensions import db
from surveyapp.models import Instrument, QuestionnaireVersion
from surveyapp.questionnaire import (
    InvalidQuestionnaireError,
    QuestionnaireError,
    diff_versions,
    instrument_versions,
    load_version,
    validate_paths,
    version_path,
)
from surveyapp.questionnaire import (
    QuestionnaireVersion as DomainVersion,
)
from surveyapp.questionnaire.loader import expand_paths
from surveyapp.services.publishing import publish
from surveyapp.services.versions import domain_of, published

questionnaires_cli = CommandGroup("questionnaires", help="Validate, compare, publish and list questionnaire versions.")


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


def _version_for_diff(instrument: str, version: str) -> DomainVersion:
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
        before, after = _version_for_diff(instrument, old), _version_for_diff(instrument, new)
    except InvalidQuestionnaireError as error:
        raise click.ClickException(str(error)) from None
    click.echo(diff_versions(before, after).format_text(lang))


@questionnaires_cli.command("publish")
@click.argument("paths", nargs=-1, type=click.Path(), required=True)
def publish_command(paths: tuple[str, ...]) -> None:
    """Publish version files (or folders of them). Publishing the same content again changes nothing."""
    try:
        files = expand_paths(Path(p) for p in paths)
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
            QuestionnaireVersion.version,
            QuestionnaireVersion.sha256,
            QuestionnaireVersion.published_at,
        )
        .join(QuestionnaireVersion.instrument)
        .order_by(Instrument.code, QuestionnaireVersion.version)
    ).all()
    seen = set()
    for code, version, sha, when in rows:
        seen.add((code, version))
        click.echo(f"{code:<24} {version:<8} published {when:%Y-%m-%d}  {sha[:12]}")
    root = _root()
    for path in expand_paths([root]) if root.exists() else []:
        key = (path.parent.name, path.stem)
        if key not in seen:
            click.echo(f"{key[0]:<24} {key[1]:<8} file only (not published): {path}")
