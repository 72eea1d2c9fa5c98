"""Staff login and logout."""

from surveyapp.auth.routes import bp

__all__ = ["bp"]
