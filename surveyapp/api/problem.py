"""Errors of the API as RFC 9457 problem details (application/problem+json), in the caller's language."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"


class ApiProblem(HTTPException):
    """Raised by an API view: the status, a translated ``detail`` and any extra headers (WWW-Authenticate)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(description=detail)
        self.code = status
        self.extra_headers = headers or {}
        self.extra = extra


def problem_response(
    status: int, title: str, detail: str = "", headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
