"""The draft report's most common checker messages in the interface language.

The checker keeps its English text for the command line (``flask questionnaires validate`` prints it
unchanged) and gives these problems a message key and values besides; a problem without a known key (or a
report stored before keys existed) is shown in the checker's English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _


def _no_text(code: str) -> str:
    # One sentence per language: the language's name is inflected differently in each (kk locative, ru genitive).
    sentences = {
        "kk": _("There is no Kazakh text."),
        "ru": _("There is no Russian text."),
        "en": _("There is no English text."),
    }
    return sentences.get(code, code)


def _unknown_key(p: Mapping[str, str]) -> tuple[str, str]:
    message = _("Unknown key %(name)r.", name=p.get("name", ""))
    if p.get("suggestion"):
        return message, _("Did you mean %(suggestion)r?", suggestion=p["suggestion"])
    return message, _("Allowed keys: %(allowed)s (or x_... notes).", allowed=p.get("allowed", ""))


def _unknown_item(p: Mapping[str, str]) -> tuple[str, str]:
    message = _("%(rule)s refers to an unknown item %(code)r.", rule=p.get("rule", ""), code=p.get("code", ""))
    if p.get("suggestion"):
        return message, _("Did you mean %(suggestion)r?", suggestion=p["suggestion"])
    return message, _("There is no item with this code in this version.")


_MESSAGES: dict[str, Callable[[Mapping[str, str]], tuple[str, str]]] = {
    "unknown_key": _unknown_key,
    "unknown_item": _unknown_item,
    "not_snake_case": lambda p: (
        _("The code %(code)r is not snake_case.", code=p.get("code", "")),
        _(
            "Use small Latin letters, digits and _, starting with a letter, e.g. %(fixed)r.",
            fixed=p.get("fixed", ""),
        ),
    ),
    "text_missing": lambda p: (
        _("The text %(name)s is missing.", name=p.get("name", "")),
        _("Add %(name)s: {kk: ..., ru: ...}", name=p.get("name", "")),
    ),
    "text_no_language": lambda p: (
        _no_text(p.get("language", "")),
        _(
            'Add %(code)s: "..." (Kazakh and Russian are required for what respondents see).',
            code=p.get("language", ""),
        ),
    ),
    "unknown_language": lambda p: (
        _("Unknown language %(code)r.", code=p.get("language", "")),
        _("The languages are kk, ru and en."),
    ),
    "unknown_choice_list": lambda p: (
        _("Unknown choice list %(name)r.", name=p.get("name", "")),
        _("Define it under choice_lists: (or include a shared list there)."),
    ),
    "yaml_syntax": lambda p: (
        _("The YAML cannot be read: %(detail)s", detail=p.get("detail", "")),
        _("Fix the YAML syntax (indentation, colons, quotes) at this line."),
    ),
}


def problem_text(problem: Mapping[str, Any]) -> tuple[str, str]:
    """(message, hint) of a report entry, in the interface language where the checker gave a key."""
    translate = _MESSAGES.get(str(problem.get("key") or ""))
    params = problem.get("params")
    if translate is None or not isinstance(params, dict):
        return str(problem.get("message", "")), str(problem.get("hint", ""))
    return translate({str(k): str(v) for k, v in params.items()})
