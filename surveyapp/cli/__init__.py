"""``flask`` command groups."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from surveyapp.cli import exports  # noqa: F401  # adds `flask responses export`
    from surveyapp.cli.demo import demo_cli
    from surveyapp.cli.indicators import indicators_cli, margins_cli
    from surveyapp.cli.invitations import invitations_cli, responses_cli
    from surveyapp.cli.jobs import jobs_cli
    from surveyapp.cli.questionnaires import questionnaires_cli
    from surveyapp.cli.reports import reports_cli
    from surveyapp.cli.translate import translate_cli
    from surveyapp.cli.users import users_cli

    for group in (
        users_cli,
        questionnaires_cli,
        invitations_cli,
        responses_cli,
        margins_cli,
        indicators_cli,
        reports_cli,
        jobs_cli,
        demo_cli,
        translate_cli,
    ):
        app.cli.add_command(group)
