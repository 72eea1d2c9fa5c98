"""Rate limits (Flask-Limiter) on the pages anyone can reach: starting a response, resuming, signing in, the API.

Counted per client address (the API: per token when one is sent): behind nginx set TRUSTED_PROXIES=1 so that
address is the client's, not nginx's.
Counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` (the embedded default; each worker process counts
alone) or Redis in production, ``redis://host:6379/0``, shared by every worker of every app server. A limit
is a Flask-Limiter string such as ``"30 per minute;300 per hour"``. When the storage is unreachable, requests
are counted in memory instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

from surveyapp.config import ConfigError

# endpoint -> (config key of its limit, the methods counted). Only POSTs start responses, test resume codes
# and check passwords; page views stay free.
LIMITED_ENDPOINTS: dict[str, tuple[str, list[str]]] = {
    "respond.open_link": ("RATELIMIT_RESPONDENT_START", ["POST"]),
    "respond.invitation_link": ("RATELIMIT_RESPONDENT_START", ["POST"]),
    "respond.resume": ("RATELIMIT_RESUME", ["POST"]),
    "auth.login": ("RATELIMIT_LOGIN", ["POST"]),
}
LIMITED_BLUEPRINTS = {"api": "RATELIMIT_API"}
EXEMPT_ENDPOINTS = ("api.health",)  # polled by monitoring and load balancers
LIMIT_KEYS = (*{key for key, _ in LIMITED_ENDPOINTS.values()}, *LIMITED_BLUEPRINTS.values())


def _configured(key: str) -> Callable[[], str]:
    return lambda: str(current_app.config[key])


def init_app(app: Flask) -> Limiter:
    """Bind a limiter of this app's own (after the blueprints are registered) and attach the limits."""
    for key in LIMIT_KEYS:
        try:
            parse_many(str(app.config[key]))
        except ValueError:
            raise ConfigError(
                f"{key}={app.config[key]!r} is not a rate limit; write e.g. '30 per minute;300 per hour'"
            ) from None
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)  # Retry-After on the 429 answer
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)  # a storage failure never fails the request
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "surveyapp")
    if app.config.get("APP_ENV") == "production" and str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory"):
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is memory://: every worker counts alone; set it to redis://HOST:6379/0"
        )

    # One limiter per app: Flask-Limiter keeps some settings from the first init_app of an instance.
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    # The limits hold only a weak reference to their limiter, and a disabled limiter is not kept by Flask.
    app.extensions["surveyapp_limiter"] = limiter
    for endpoint, (key, methods) in LIMITED_ENDPOINTS.items():
        view: Any = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(_configured(key), methods=methods)(view)
    # Each route of a limited blueprint by itself (a blueprint-wide limit would not let health be exempt).
    # The API counts per token when one is sent: scripts of one office behind one address count apart, and a
    # token cannot dodge its limit by changing address.
    from surveyapp.api.auth import rate_limit_key

    for endpoint, view in list(app.view_functions.items()):
        blueprint = endpoint.partition(".")[0]
        if blueprint in LIMITED_BLUEPRINTS and endpoint not in EXEMPT_ENDPOINTS:
            limit = limiter.limit(_configured(LIMITED_BLUEPRINTS[blueprint]), key_func=rate_limit_key)
            app.view_functions[endpoint] = limit(view)
    return limiter
