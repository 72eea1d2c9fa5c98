"""The respondent's path: open and invitation links, consent, pages, save and resume, submission."""

from surveyapp.respond.routes import bp

__all__ = ["bp"]
