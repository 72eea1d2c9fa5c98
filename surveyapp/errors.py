"""Error pages in the chosen language for people, JSON for API clients."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from surveyapp.extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Go back and try again.")),
        401: (_("Sign in required"), _("Sign in to see this page.")),
        403: (_("Access denied"), _("Your account does not have access to this page.")),
        404: (_("Page not found"), _("There is no page at this address. Check the link or go home.")),
        405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
        413: (
            _("Too much sent at once"),
            _("What you sent is larger than this site accepts. Shorten very long texts and send it again."),
        ),
        429: (_("Too many requests"), _("Too many requests in a short time. Wait a little and retry.")),
        422: (
            _("This cannot be processed"),
            _("The request was understood, but what it refers to is not valid. The details below say what is wrong."),
        ),
        # Not "nothing was lost": the page that failed may not have been saved. Earlier pages were.
        500: (
            _("Something went wrong"),
            _(
                "An unexpected error occurred on our side, and what you sent on this page may not have been saved. "
                "Answers saved on earlier pages are kept. Go back and try again in a moment."
            ),
        ),
        503: (
            _("Temporarily unavailable"),
            _("The service is briefly unavailable. Nothing is wrong on your side; try again in a minute."),
        ),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, detail: str | None = None, headers: dict[str, str] | None = None) -> ResponseReturnValue:
    """The page for ``code``; ``detail`` replaces the general message (422: it is shown below it).

    API clients get an RFC 9457 problem whose ``detail`` is the message (or the 422 explanation)."""
    title, message = _messages().get(code) or (HTTP_STATUS_CODES.get(code, _("Error")), "")
    explanation = None
    if detail and code == 422:
        explanation = detail
    elif detail:
        message = detail
    request_id = g.get("request_id") if code >= 500 else None
    if wants_json():
        from surveyapp.api.problem import problem_response

        extra = {"request_id": request_id} if request_id else {}
        return problem_response(code, title, explanation or message, headers, **extra)
    html = render_template(
        "errors/error.html", code=code, title=title, message=message, detail=explanation, request_id=request_id
    )
    return html, code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return render_error(400, _("The form expired or was sent from elsewhere. Reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.code == 500:
            return internal_error(error)
        # A description given with abort() (not werkzeug's generic English one) is this error's explanation.
        given = error.description if error.description != type(error).description else None
        from surveyapp.api.problem import ApiProblem

        if isinstance(error, ApiProblem):
            return render_error(error.code or 500, given, error.extra_headers)
        return render_error(error.code or 500, given if error.code == 422 else None)

    @app.errorhandler(InternalServerError)
    def internal_error(error: Exception) -> ResponseReturnValue:
        db.session.rollback()
        return render_error(500)

    @app.errorhandler(Exception)
    def unhandled(error: Exception) -> ResponseReturnValue:
        app.logger.exception("Unhandled error")  # the (token-free) path comes with every record
        db.session.rollback()
        return render_error(500)
