"""Researchers' pages: questionnaire versions (preview, diff), fieldwork and data exports."""

from surveyapp.research import browser as _browser  # noqa: F401  # adds the response browser to the blueprint
from surveyapp.research import exports as _exports  # noqa: F401  # adds the export page to the blueprint
from surveyapp.research.routes import bp

__all__ = ["bp"]
