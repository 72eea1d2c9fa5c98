"""The versioned JSON API (/api/v1); one module per resource."""

from surveyapp.api.routes import bp

__all__ = ["bp"]
