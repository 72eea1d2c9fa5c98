"""``flask responses export``: the submitted responses of a year as a labelled file with its codebook."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from analysis.vocabulary import LANGUAGES
from surveyapp.cli.invitations import responses_cli
from surveyapp.extensions import db
from surveyapp.services.exports import ExportError, ExportRequest, export_responses
from surveyapp.services.exports.formats import FORMATS
from surveyapp.services.exports.replicates import TYPES as REPLICATE_TYPES


@responses_cli.command("export")
@click.option("--instrument", required=True, help="Instrument code, e.g. public_safety.")
@click.option("--year", required=True, type=int, help="Responses submitted in this year.")
@click.option("--version", default=None, help="One version's items only; without it the year's versions together.")
@click.option("--run", "run", default=None, type=int, help="Computation run whose final weights to attach.")
@click.option("--format", "file_format", required=True, type=click.Choice(list(FORMATS)))
@click.option("--lang", "language", default="ru", show_default=True, type=click.Choice(LANGUAGES))
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--replicates",
    type=click.Choice(REPLICATE_TYPES),
    default=None,
    help="Add replicate weights repw_1..repw_R built from the run's design (the codebook says how to use them).",
)
@click.option("--replicates-n", type=click.IntRange(min=2), default=None, help="Bootstrap replicates (default 50).")
def export_command(
    instrument: str,
    year: int,
    version: str | None,
    run: int | None,
    file_format: str,
    language: str,
    out_path: Path,
    replicates: str | None,
    replicates_n: int | None,
) -> None:
    """Write one row per submitted response: design variables, the run's final weight, one column per item."""
    if not out_path.parent.is_dir():
        raise click.ClickException(f"folder {out_path.parent} does not exist; nothing was written")
    request = ExportRequest(
        instrument,
        year,
        file_format,
        language,
        version,
        run,
        free_text=bool(current_app.config.get("EXPORT_FREE_TEXT", True)),
        replicates=replicates,
        replicates_n=replicates_n,
    )
    try:
        result = export_responses(request, out_path, current_app.config["SECRET_KEY"])
    except ExportError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}. Nothing was written.") from None
    except OSError as error:
        db.session.rollback()
        raise click.ClickException(f"cannot write {out_path}: {error.strerror}. Nothing was written.") from None
    db.session.commit()
    weights = f"final weights of run {result.run}" if result.run is not None else "no computation run: no final weights"
    click.echo(
        f"{result.rows} responses to {instrument} {'/'.join(result.versions)} ({year}) written to "
        + ", ".join(str(p) for p in result.files)
        + f"; {weights}."
    )
    if result.r_call:
        click.echo(f"R:     library(survey); {result.r_call}")
        click.echo(f"Stata: {result.stata_line}")
