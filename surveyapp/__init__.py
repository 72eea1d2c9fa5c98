"""The Flask application of the survey platform.

Flask is imported lazily, inside ``create_app``, so that the Flask-free parts of this package
(``surveyapp.questionnaire``) can be imported by the CLI, the analysis export and tests without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from surveyapp.factory import build_app

    return build_app(test_config)
