"""Cursor pagination shared by the API's lists: an opaque cursor naming the last row of the page before."""

from __future__ import annotations

import base64

from flask import request
from flask_babel import gettext as _

from surveyapp.api.problem import ApiProblem

PAGE_DEFAULT = 100
PAGE_MAX = 1000


def cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"r{last_id}".encode()).decode().rstrip("=")


def after(given: str) -> int:
    try:
        text = base64.urlsafe_b64decode(given + "=" * (-len(given) % 4)).decode()
        if not text.startswith("r"):
            raise ValueError(text)
        return int(text[1:])
    except ValueError:
        raise ApiProblem(400, _("The cursor is not one this API gave; start again without it.")) from None


def limit() -> int:
    text = request.args.get("limit", str(PAGE_DEFAULT)).strip()
    if not text.isdigit() or not 1 <= int(text) <= PAGE_MAX:
        raise ApiProblem(400, _("limit must be a whole number from 1 to %(max)d.", max=PAGE_MAX))
    return int(text)
