"""Ministries' and researchers' view of the indicator results: scorecards, indicator pages, report downloads."""

from surveyapp.dashboard import jobs, publication  # noqa: F401  (their views join the blueprint)
from surveyapp.dashboard.routes import bp

__all__ = ["bp"]
