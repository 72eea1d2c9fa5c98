"""``flask demo init``: the demo accounts (and, as the platform grows, demo content) for ``make run``."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from surveyapp import audit
from surveyapp.cli.group import CommandGroup
from surveyapp.demo import statistics
from surveyapp.demo.load import has_responses, load_margins, load_responses, publish_all
from surveyapp.extensions import db
from surveyapp.models import AdminFigure, ComputationRun, MarginSet, Role, User
from surveyapp.questionnaire import QuestionnaireError
from surveyapp.services.admin_figures import import_figures
from surveyapp.services.indicators import ComputeError, compute
from surveyapp.services.publish_results import publish_run

demo_cli = CommandGroup("demo", help="Demo accounts and data for trying the platform.")

# The demo publishes 2024 and leaves 2025 as a draft, so both what ministries see and the publishing step show.
DEMO_RUNS = (
    ("public_safety_2024_2028", 2024, True),
    ("public_safety_2024_2028", 2025, False),
    ("child_protection_2023_2025", 2024, True),
    ("child_protection_2023_2025", 2025, False),
)
DEMO_ACCOUNTS = (("admin", Role.ADMIN), ("researcher", Role.RESEARCHER), ("ministry", Role.MINISTRY))


def _login_file() -> Path:
    configured = current_app.config.get("DEMO_LOGINS_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "demo-logins.txt"


@demo_cli.command("init")
@click.option("--adults", default=10_000, show_default=True, help="Synthetic adult respondents per year.")
@click.option("--pupils", default=4_000, show_default=True, help="Synthetic pupils per year.")
@click.option("--seed", default=2026, show_default=True)
def init_demo(adults: int, pupils: int, seed: int) -> None:
    """Demo accounts, the questionnaires and SYNTHETIC responses, each made only when missing; prints the logins."""
    root = Path(current_app.config["QUESTIONNAIRES_DIR"])
    try:
        created = publish_all(root)
    except QuestionnaireError as error:
        raise click.ClickException(f"the questionnaires under {root} do not load: {error}") from None
    if created:
        click.echo(f"Published {created} questionnaire version(s) from {root}.")
    if not has_responses() and (adults or pupils):
        click.echo("Generating synthetic demo responses (clearly marked as synthetic)…")
        for key, count in load_responses(adults, pupils, seed).items():
            click.echo(f"  {key}: {count} synthetic responses")
    if not db.session.scalar(select(func.count()).select_from(MarginSet)):
        folder = Path(current_app.config.get("DEMO_DIR") or Path(current_app.instance_path) / "demo")
        imported = load_margins(folder, root)
        click.echo(f"Imported synthetic population margins ({', '.join(imported)}) from {folder}.")
    if not db.session.scalar(select(func.count()).select_from(AdminFigure)):
        folder = Path(current_app.config.get("DEMO_DIR") or Path(current_app.instance_path) / "demo")
        path = statistics.write(folder / "administrative_SYNTHETIC.csv")
        count = import_figures(path, root, synthetic=True)
        db.session.commit()
        click.echo(f"Imported {count} synthetic administrative figures from {path}.")
    if (adults or pupils) and not db.session.scalar(select(func.count()).select_from(ComputationRun)):
        for code, year, publish in DEMO_RUNS:
            try:
                run = compute(code, year)
            except ComputeError as error:
                click.echo(f"  {code} {year}: not computed ({error})")
                continue
            if publish:
                publish_run(run, None)
            db.session.commit()
            state = "published" if publish else "draft, publish it in the dashboard"
            click.echo(f"Computed the indicators of {code} {year} ({state}).")
    _init_accounts()


def _init_accounts() -> None:
    logins = _login_file()
    if db.session.scalar(select(func.count()).select_from(User)) == 0:
        lines = []
        for username, role in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            user = User(username=username, role=role)
            user.set_password(password)
            db.session.add(user)
            audit.record("user_create", "user", username, {"role": str(role), "demo": True})
            lines.append(f"{username:<11} {password}   ({role})")
        db.session.commit()
        logins.write_text("\n".join(lines) + "\n", encoding="utf-8")
        logins.chmod(0o600)
    if logins.exists():
        click.echo("Demo logins (username, password), also in " + str(logins) + ":")
        click.echo(logins.read_text(encoding="utf-8").rstrip())
    else:
        click.echo("The database already has accounts; demo logins were not created here.")
