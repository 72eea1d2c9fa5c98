"""Who is calling the API: a personal token (`Authorization: Bearer …`) or the web session's cookie.

A token acts as its owner: the role rules of the web apply unchanged, and the token's scope can only narrow
them. Requests with a token need no CSRF token (no browser sends the header by itself); requests that rely on
the session cookie still do, for every method that changes something.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from surveyapp.api.problem import ApiProblem
from surveyapp.extensions import csrf
from surveyapp.models import ApiToken, Role, TokenScope
from surveyapp.services.api_tokens import authenticate
from surveyapp.services.secrets import digest

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_secret() -> str | None:
    """The token sent with this request, or None when the request carries no bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def rate_limit_key() -> str:
    """Per token when one is sent (several scripts behind one office address count apart), else per address."""
    secret = bearer_secret()
    if secret:
        return "token:" + digest(secret)[:32]
    from flask_limiter.util import get_remote_address

    return get_remote_address()


def load_caller() -> None:
    """Before every API request: sign the token's owner in for this request alone, or check the cookie's CSRF."""
    g.api_token = None
    secret = bearer_secret()
    if secret is not None:
        token = authenticate(secret) if secret else None
        if token is None:
            raise ApiProblem(
                401,
                _("The API token is unknown, revoked or expired. Make a new one on your API tokens page."),
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        # For this request only: Flask-Login reads the user from here, and the session (cookie) is untouched.
        g._login_user = token.user
        g.api_token = token
        return
    if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            csrf.protect()
        except CSRFError:
            raise ApiProblem(
                400,
                _("Send the page's CSRF token in the X-CSRFToken header, or use an API token instead of the session."),
            ) from None


def current_token() -> ApiToken | None:
    return g.get("api_token")


def api_access(*roles: Role, scope: TokenScope = TokenScope.READ) -> Callable[[F], F]:
    """Signed-in callers with one of ``roles`` (admins pass every check), and a token of at least ``scope``."""
    allowed = {str(r) for r in roles} | {str(Role.ADMIN)}

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                raise ApiProblem(
                    401,
                    _("Send an API token as 'Authorization: Bearer <token>', or sign in."),
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if current_user.role not in allowed:
                raise ApiProblem(403, _("Your account's role does not give access to this resource."))
            token = current_token()
            needed = scope if request.method in SAFE_METHODS else max_scope(scope, TokenScope.SUBMIT)
            if token is not None and not token.allows(needed):
                raise ApiProblem(
                    403, _("This API token's scope (%(scope)s) does not allow this request.", scope=token.scope)
                )
            return view(*args, **kwargs)

        wrapped.api_roles = sorted(allowed)  # type: ignore[attr-defined]  # read by the OpenAPI document
        wrapped.api_scope = str(scope)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def max_scope(a: TokenScope, b: TokenScope) -> TokenScope:
    order = [TokenScope.READ, TokenScope.SUBMIT, TokenScope.ADMIN]
    return a if order.index(a) >= order.index(b) else b
