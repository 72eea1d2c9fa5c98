"""``flask invitations create``: single-use links from a sample file."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask import current_app

from surveyapp import audit
from surveyapp.cli.group import CommandGroup
from surveyapp.extensions import db
from surveyapp.services.exclusion import ExclusionError, exclude, include
from surveyapp.services.expiry import purge_partials
from surveyapp.services.invitations import SampleError, create_invitations, invitation_variables, read_sample
from surveyapp.services.margins import known_regions
from surveyapp.services.quotas import quotas_in_sample, store_quotas
from surveyapp.services.sample_retention import clear_samples
from surveyapp.services.versions import domain_of, published

invitations_cli = CommandGroup("invitations", help="Personal single-use invitation links.")


@invitations_cli.command("create")
@click.option("--instrument", required=True)
@click.option("--version", "version", required=True)
@click.option(
    "--sample",
    "sample_path",
    required=True,
    type=click.Path(path_type=Path),
    help="CSV (UTF-8) with one row per sampled person and the design variables as columns.",
)
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(path_type=Path),
    help="CSV to write: the sample's rows with their personal link added.",
)
@click.option(
    "--base-url", default="http://127.0.0.1:5000", show_default=True, help="Address of the app as respondents reach it."
)
@click.option("--batch", default="", help="A label for this mailing (kept with the invitations).")
def create(instrument: str, version: str, sample_path: Path, out_path: Path, base_url: str, batch: str) -> None:
    """Create one invitation per row of the sample and write the links next to each row."""
    row = published(instrument, version)
    if row is None:
        raise click.ClickException(
            f"{instrument} {version} is not published; publish it first: flask questionnaires publish "
            f"questionnaires/{instrument}/{version}.yaml"
        )
    domain = domain_of(row)
    try:
        rows = read_sample(sample_path, invitation_variables(domain))
        region_quotas = quotas_in_sample(
            sample_path, rows, known_regions(Path(current_app.config["QUESTIONNAIRES_DIR"]))
        )
    except SampleError as error:
        raise click.ClickException(str(error)) from None
    if out_path.exists():
        raise click.ClickException(f"{out_path} exists; choose another --out so no links are overwritten")
    created = create_invitations(row, domain, rows, batch)
    store_quotas(row, region_quotas)
    base = base_url.rstrip("/")
    columns = [*rows[0].keys(), "link"]
    try:
        with out_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for invitation in created:
                writer.writerow(invitation.row | {"link": f"{base}/i/{invitation.token}"})
    except OSError as error:
        db.session.rollback()
        raise click.ClickException(f"cannot write {out_path}: {error.strerror}; no invitations were stored") from None
    audit.record(
        "invitations_create",
        "questionnaire",
        f"{instrument}/{version}",
        {"count": len(created), "batch": batch, "quotas": region_quotas},
    )
    db.session.commit()
    click.echo(f"{len(created)} invitations for {instrument} {version} written to {out_path}")
    if current_app.config.get("APP_ENV") != "production":
        click.echo("Keep the links file safe: each link opens one person's questionnaire.")


@invitations_cli.command("clear-samples")
def clear_samples_command() -> None:
    """Erase invitations' sample variables SAMPLE_RETENTION_DAYS after use (or creation); run it daily."""
    days = int(current_app.config["SAMPLE_RETENTION_DAYS"])
    cleared = clear_samples(days)
    if cleared.used or cleared.unused:
        audit.record(
            "invitation_samples_clear",
            "invitation",
            "",
            {"used": cleared.used, "unused_closed": cleared.unused, "days": days},
        )
    db.session.commit()
    click.echo(f"{cleared.used} used invitation(s) had their sample variables erased.")
    click.echo(f"{cleared.unused} unused invitation(s) past retention erased and closed.")


responses_cli = CommandGroup("responses", help="Respondents' answers: housekeeping.")


@responses_cli.command("expire")
def expire_command() -> None:
    """Close unfinished responses older than PARTIAL_EXPIRY_DAYS since their last page and erase their answers
    (run it daily); ones whose first page was never opened are deleted."""
    purge = purge_partials()
    if purge.expired or purge.purged or purge.never_opened:
        # Counts only: what was erased is not copied into the trail.
        audit.record(
            "responses_expire",
            "response",
            "",
            {"expired": purge.expired, "purged": purge.purged, "never_opened_deleted": purge.never_opened},
        )
    db.session.commit()
    click.echo(f"{purge.expired} unfinished response(s) expired.")
    click.echo(f"{purge.purged} expired response(s) had their answers erased.")
    click.echo(f"{purge.never_opened} response(s) whose first page was never opened deleted.")


@responses_cli.command("exclude")
@click.argument("response_id", type=int)
@click.option("--reason", required=True, help="Why it must not count (kept with the response and audited).")
def exclude_command(response_id: int, reason: str) -> None:
    """Keep one submitted response out of indicator computation (the next `flask indicators compute`)."""
    try:
        exclude(response_id, reason)
    except ExclusionError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}. Nothing was changed.") from None
    db.session.commit()
    click.echo(f"response {response_id} excluded from indicator computation: {reason}")


@responses_cli.command("include")
@click.argument("response_id", type=int)
@click.option("--reason", default="", help="Why it counts again (audited).")
def include_command(response_id: int, reason: str) -> None:
    """Let an excluded response count again in indicator computation."""
    try:
        include(response_id, reason)
    except ExclusionError as error:
        db.session.rollback()
        raise click.ClickException(f"{error}. Nothing was changed.") from None
    db.session.commit()
    click.echo(f"response {response_id} included in indicator computation again")
