"""``flask margins`` and ``flask indicators``: the inputs and the computation of the programmes' indicators."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from analysis.status import DisclosureRule
from analysis.vocabulary import POPULATIONS
from surveyapp.cli.group import CommandGroup
from surveyapp.extensions import db
from surveyapp.models import ComputationRun
from surveyapp.services.admin_figures import import_figures
from surveyapp.services.indicators import ComputeError, compute
from surveyapp.services.margins import import_margins
from surveyapp.services.publish_results import REASON_MAX, publish_run, withdraw
from surveyapp.services.reports import latest_run
from surveyapp.services.tabular import ImportFileError

margins_cli = CommandGroup("margins", help="Population margins the survey weights are raked to.")


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


indicators_cli = CommandGroup(
    "indicators", help="Compute the programmes' indicators and import administrative figures."
)


@indicators_cli.command("import-admin")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite figures already imported with other values.")
@click.option("--synthetic", is_flag=True, help="Mark the figures as synthetic (demo data).")
def import_admin(path: Path, replace: bool, synthetic: bool) -> None:
    """Import administrative figures (CSV or XLSX: programme, indicator, year, region, count, population, value)."""
    try:
        count = import_figures(path, Path(current_app.config["QUESTIONNAIRES_DIR"]), replace, synthetic)
    except ImportFileError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}. Nothing was imported.") from None
    db.session.commit()
    click.echo(f"Imported {count} administrative figure(s) from {path.name}.")


@indicators_cli.command("compute")
@click.option("--programme", required=True, help="Programme code, e.g. public_safety_2024_2028.")
@click.option("--year", required=True, type=int)
@click.option("--min-n", default=30, show_default=True, help="Breakdown cells with fewer respondents are suppressed.")
@click.option(
    "--max-ci-width",
    default=20.0,
    show_default=True,
    help="Breakdown cells with a wider CI (in the indicator's unit) are flagged.",
)
def compute_command(programme: str, year: int, min_n: int, max_ci_width: float) -> None:
    """Compute every indicator of PROGRAMME for YEAR, nationally and by region, sex, age group, settlement."""
    rule = DisclosureRule(min_n=min_n, max_ci_width=max_ci_width)
    try:
        run = compute(programme, year, rule=rule, progress=lambda message: click.echo(f"  {message}"))
    except ComputeError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}. Nothing was stored.") from None
    db.session.commit()
    click.echo(f"Run {run.id}: {programme} {year}, {len(run.results)} results stored.")
    click.echo(national_table(run))


def national_table(run: ComputationRun) -> str:
    lines = [f"{'indicator':<10} {'estimate':>9} {'95% CI':>17} {'n':>7} {'deff':>5} {'target':>7}  status"]
    for row in run.results:
        if row.breakdown:
            continue
        value = "—" if row.estimate is None else f"{row.estimate:9.2f}"
        ci = "" if row.ci_low is None else f"[{row.ci_low:6.2f}, {row.ci_high:6.2f}]"
        n = "" if row.n is None else str(row.n)
        deff = "" if row.deff is None else f"{row.deff:5.2f}"
        target = "" if row.target is None else f"{row.target:7.2f}"
        lines.append(f"{row.indicator:<10} {value:>9} {ci:>17} {n:>7} {deff:>5} {target:>7}  {row.status}")
    return "\n".join(lines)


@indicators_cli.command("publish")
@click.option("--programme", required=True)
@click.option("--year", required=True, type=int)
def publish_command(programme: str, year: int) -> None:
    """Publish the latest computed results of PROGRAMME for YEAR to ministries (audited)."""
    run = latest_run(programme, year, published_only=False)
    if run is None:
        raise click.ClickException(
            f"{programme} {year} has no computed results; run flask indicators compute --programme {programme} "
            f"--year {year}"
        )
    if publish_run(run, None):
        db.session.commit()
        click.echo(f"Published run {run.id} ({programme} {year}): ministries can see it now.")
    else:
        click.echo(f"Run {run.id} ({programme} {year}) was already published.")


@indicators_cli.command("withdraw")
@click.option("--programme", required=True)
@click.option("--year", required=True, type=int)
@click.option(
    "--reason", required=True, help="Why ministries must stop seeing these results (kept in the audit trail)."
)
def withdraw_command(programme: str, year: int, reason: str) -> None:
    """Withdraw the published results of PROGRAMME for YEAR: ministries then see nothing for that year (audited)."""
    if not reason.strip() or len(reason.strip()) > REASON_MAX:
        raise click.ClickException(f"Give a reason of 1 to {REASON_MAX} characters with --reason.")
    runs = withdraw(programme, year, reason, None)
    if not runs:
        raise click.ClickException(f"{programme} {year} has no published results: nothing to withdraw.")
    db.session.commit()
    ids = ", ".join(str(run) for run in runs)
    click.echo(
        f"Withdrew {programme} {year} (run {ids}): ministries no longer see this year. "
        f"To publish again: flask indicators publish --programme {programme} --year {year}"
    )
