"""A command group whose database failures reach the user as one clear line, never as a traceback."""

from __future__ import annotations

import os
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError, ProgrammingError


class CommandGroup(AppGroup):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as error:
            text = str(error.orig) if error.orig is not None else str(error)
            if "no such table" in text or "does not exist" in text or "UndefinedTable" in type(error.orig).__name__:
                raise click.ClickException(
                    "the database has no tables yet or is out of date: run `flask db upgrade` "
                    f"(database error: {text.splitlines()[0]})"
                ) from None
            raise click.ClickException(f"database error: {text.splitlines()[0]}") from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as error:
            # A bug, not bad input: say so in one line; SURVEYAPP_DEBUG=1 shows the traceback for a report.
            if os.environ.get("SURVEYAPP_DEBUG"):
                raise
            raise click.ClickException(
                f"unexpected error ({type(error).__name__}: {error}); nothing more was changed. "
                "Run again with SURVEYAPP_DEBUG=1 to see the details and report them."
            ) from None
