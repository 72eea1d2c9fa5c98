"""The versioned JSON API (/api/v1); one module per resource, registered on the blueprint by importing it."""

from surveyapp.api import (  # noqa: F401  # each adds its routes
    audit,
    docs,
    exports,
    instruments,
    openapi,
    reports,
    responses,
    results,
)
from surveyapp.api.routes import bp

__all__ = ["bp"]
