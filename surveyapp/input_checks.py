"""Checks on what every request carries, made once at the edge before any view reads it.

Control characters (NUL above all) have no place in anything a person types into this app: PostgreSQL
refuses NUL in text outright (a 500 on a login), and a NUL stored inside a JSON answer makes every ``jsonb``
query over the answers fail for the whole table. Tab, line feed and carriage return are ordinary text and
pass; everything else in the C0 and C1 ranges is refused with a message, before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import Flask, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from surveyapp.errors import render_error

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(values: Iterable[str]) -> bool:
    return any(CONTROL_CHARACTERS.search(value) for value in values)


def _strings_of_request() -> Iterable[str]:
    yield request.path
    for multi in (request.args, request.form):
        for key, values in multi.lists():
            yield key
            yield from values


def refuse_control_characters() -> ResponseReturnValue | None:
    if has_control_characters(_strings_of_request()):
        return render_error(
            400,
            _(
                "What you sent contains invisible control characters (for example from a copied text) that "
                "cannot be stored. Remove them, or type the text again, and send it once more."
            ),
        )
    return None


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters)
