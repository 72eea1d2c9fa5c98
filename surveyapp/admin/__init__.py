"""Administration: the audit trail and the staff accounts."""

from surveyapp.admin.routes import bp

__all__ = ["bp"]
