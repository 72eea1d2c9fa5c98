"""Error pages in the chosen language for people, JSON for API clients."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
        500: (
            _("Something went wrong"),
            _("An unexpected error occurred on our side. Nothing you entered was lost; try again later."),
        ),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, detail: str | None = None) -> ResponseReturnValue:
    title, message = _messages().get(code, (str(code), detail or ""))
    if detail:
        message = detail
    if wants_json():
        return {"error": {"status": code, "title": title, "message": message}}, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return render_error(400, _("The form expired or was sent from elsewhere. Reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.code == 500:
            return internal_error(error)
        return render_error(error.code or 500)

    @app.errorhandler(InternalServerError)
    def internal_error(error: Exception) -> ResponseReturnValue:
        db.session.rollback()
        return render_error(500)

    @app.errorhandler(Exception)
    def unhandled(error: Exception) -> ResponseReturnValue:
        app.logger.exception("Unhandled error")  # the (token-free) path comes with every record
        db.session.rollback()
        return render_error(500)
