"""Interface language: an explicit choice (remembered in a cookie), then Accept-Language, then the default."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from analysis.vocabulary import POPULATION_NAMES, POPULATIONS
from surveyapp.extensions import babel
from surveyapp.services import job_messages

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def chosen_language() -> str | None:
    languages = current_app.config["LANGUAGES"]
    explicit = request.args.get("lang") or request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if explicit in languages:
        return explicit
    return None


def select_locale() -> str:
    # A respondent's pages follow the language of their response, set by the respond views.
    respondent = g.get("respondent_language")
    if respondent:
        return str(respondent)
    explicit = chosen_language()
    if explicit:
        return explicit
    best = request.accept_languages.best_match(current_app.config["LANGUAGES"])
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.after_request
    def remember_language(response: Response) -> Response:
        # A ?lang= choice is remembered like one made with the language switcher.
        lang = request.args.get("lang")
        if lang is None or lang not in app.config["LANGUAGES"]:
            return response
        if request.cookies.get(app.config["LANGUAGE_COOKIE"]) != lang:
            remember(response, lang)
        return response

    @app.context_processor
    def language_context() -> dict[str, object]:
        from flask_babel import get_locale

        return {
            "current_language": str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "role_label": role_label,
            "mode_label": mode_label,
            "population_name": population_name,
            "job_message": job_messages.shown,
        }


def remember(response: Response, lang: str) -> None:
    response.set_cookie(
        current_app.config["LANGUAGE_COOKIE"],
        lang,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )


def role_label(role: str) -> str:
    labels = {
        "admin": _("administrator"),
        "researcher": _("researcher"),
        "ministry": _("ministry"),
        "interviewer": _("interviewer"),
    }
    return labels.get(role, role)


def mode_label(mode: str) -> str:
    labels = {
        "web": _("web (self-completed)"),
        "interviewer": _("interviewer (ODK Collect)"),
        "synthetic": _("synthetic (demo data)"),
    }
    return labels.get(mode, mode)


def population_name(population: str) -> str:
    """The population's name in the interface language, its code after it (the code is what files use)."""
    from flask_babel import get_locale

    names = POPULATION_NAMES.get(population)
    return f"{names[str(get_locale())]} ({population})" if names else population


def population_choices() -> list[tuple[str, str]]:
    """The populations for a form's select, named in the interface language."""
    return [(p, population_name(p)) for p in POPULATIONS]
