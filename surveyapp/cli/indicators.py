"""``flask margins`` and ``flask indicators``: the inputs and the computation of the programmes' indicators."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from surveyapp.extensions import db
from surveyapp.services.margins import import_margins
from surveyapp.services.tabular import ImportFileError

margins_cli = AppGroup("margins", help="Population margins the survey weights are raked to.")

POPULATIONS = ["adults", "pupils", "parents", "police_employees", "service_users"]


@margins_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--year", required=True, type=int)
@click.option("--population", required=True, type=click.Choice(POPULATIONS))
@click.option("--replace", is_flag=True, help="Put this file in place of margins already imported for the year.")
@click.option("--synthetic", is_flag=True, help="Mark the figures as synthetic (demo data).")
def import_command(path: Path, year: int, population: str, replace: bool, synthetic: bool) -> None:
    """Import PATH (CSV or XLSX: region, sex, age_group, settlement, total) as the margins of YEAR."""
    try:
        margin_set = import_margins(
            path, year, population, Path(current_app.config["QUESTIONNAIRES_DIR"]), replace, synthetic
        )
    except ImportFileError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}. Nothing was imported.") from None
    db.session.commit()
    total = sum(float(c["total"]) for c in margin_set.cells)
    click.echo(
        f"Margins for {population} {year}: {len(margin_set.cells)} cells, population {total:,.0f}"
        f" (sha256 {margin_set.sha256[:12]}…)"
    )
