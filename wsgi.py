"""WSGI entry point of the checkout: ``gunicorn wsgi:app`` (installed: ``gunicorn surveyapp.wsgi:app``)."""

from surveyapp.wsgi import app

__all__ = ["app"]
