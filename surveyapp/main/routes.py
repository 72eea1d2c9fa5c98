from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue

from surveyapp import i18n
from surveyapp.auth.routes import _safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("main/index.html")


@bp.get("/language/<lang>")
def set_language(lang: str) -> ResponseReturnValue:
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(_safe_next(request.args.get("next")))
    i18n.remember(response, lang)
    return response
