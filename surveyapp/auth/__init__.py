"""Staff login and logout, and each user's own API tokens."""

from surveyapp.auth import tokens as tokens  # registers the token pages on the blueprint
from surveyapp.auth.routes import bp

__all__ = ["bp"]
