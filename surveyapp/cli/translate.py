"""``flask translate``: keep the kk/ru/en interface catalogs in step with the code."""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "surveyapp" / "translations"
POT = ROOT / "surveyapp" / "translations" / "messages.pot"

translate_cli = AppGroup("translate", help="Extract, update and compile interface translations.")


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    _babel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        str(POT),
        str(ROOT),
    )


def compile_catalogs() -> None:
    _babel("compile", "-d", str(TRANSLATIONS))


@translate_cli.command("update")
def update() -> None:
    """Extract the interface strings and merge them into every catalog."""
    extract()
    _babel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")
    click.echo(f"Updated catalogs in {TRANSLATIONS}; translate the empty entries, then: flask translate compile")


@translate_cli.command("compile")
def compile_command() -> None:
    """Compile the catalogs (.po → .mo) the app reads."""
    compile_catalogs()
    click.echo("Compiled the catalogs.")
