"""The versioned JSON API (/api/v1); one module per resource, registered on the blueprint by importing it."""

from surveyapp.api import audit, docs, instruments, openapi, responses, results  # noqa: F401  # each adds its routes
from surveyapp.api.routes import bp

__all__ = ["bp"]
