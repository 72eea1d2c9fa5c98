"""OpenRosa 1.0 for ODK Collect: formList, the XForms of published versions, and submissions by interviewers."""

from surveyapp.openrosa.routes import bp

__all__ = ["bp"]
