"""The ``surveyapp`` console script: the ``flask`` commands with the app already chosen."""

from __future__ import annotations

from flask.cli import FlaskGroup

from surveyapp import create_app


def main() -> None:
    FlaskGroup(create_app=lambda: create_app(), help="Survey platform commands (flask --app surveyapp ...).").main()
