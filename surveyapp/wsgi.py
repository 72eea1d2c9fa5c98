"""WSGI entry point of the installed package: ``gunicorn surveyapp.wsgi:app``."""

import sys

from surveyapp import create_app
from surveyapp.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    print(error, file=sys.stderr)
    raise SystemExit(1) from None
