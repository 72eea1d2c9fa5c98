"""Researchers' pages: questionnaire versions (preview, diff) and fieldwork."""

from surveyapp.research.routes import bp

__all__ = ["bp"]
