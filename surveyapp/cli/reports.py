"""``flask reports build``: the yearly indicator report as PDF, XLSX or HTML, in Kazakh, Russian or English."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from analysis.report import build
from analysis.vocabulary import LANGUAGES
from surveyapp import audit
from surveyapp.cli.group import CommandGroup
from surveyapp.extensions import db
from surveyapp.services.reports import ReportError, report_data

reports_cli = CommandGroup("reports", help="Yearly indicator reports for ministries.")


@reports_cli.command("build")
@click.option("--programme", required=True, help="Programme code, e.g. public_safety_2024_2028.")
@click.option("--year", required=True, type=int)
@click.option("--lang", "language", type=click.Choice(LANGUAGES), required=True)
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx", "html"]), required=True)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path))
@click.option("--draft", is_flag=True, help="Use the latest computed results even if they are not published yet.")
def build_command(programme: str, year: int, language: str, fmt: str, out: Path, draft: bool) -> None:
    """Build the report of PROGRAMME for YEAR from the stored results."""
    try:
        data = report_data(
            programme, year, language, current_app.config["QUESTIONNAIRES_DIR"], published_only=not draft
        )
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    with click.progressbar(length=100, label=f"{fmt.upper()} {language}", show_percent=True) as bar:
        state = {"shown": 0}

        def progress(done: int, total: int, _step: str) -> None:
            percent = int(100 * done / max(total, 1))
            bar.update(percent - state["shown"])
            state["shown"] = percent

        try:
            path = build(data, fmt, out, progress)
        except OSError as error:
            raise click.ClickException(f"cannot write {out}: {error.strerror}") from None
    audit.record(
        "report_build",
        "report",
        f"{programme}/{year}/{language}.{fmt}",
        {"run": data.run_id, "draft": data.draft, "file": str(path)},
    )
    db.session.commit()
    click.echo(
        f"Wrote {path} ({path.stat().st_size // 1024} KiB) from run {data.run_id}"
        + (" — DRAFT, not published" if data.draft else "")
        + (" — SYNTHETIC demo data" if data.synthetic else "")
    )
