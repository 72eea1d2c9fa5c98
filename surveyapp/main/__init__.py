"""The home page and the language switcher."""

from surveyapp.main.routes import bp

__all__ = ["bp"]
