"""Logging set up by the factory: one line per request and per error, with a request id, and nothing private.

A log is read by more people, and kept longer, than the database: so it never holds a link token, a resume
code or an answer. Addresses are logged with the token cut out, query strings not at all, and errors with
their type and stack frames only: an exception's message is where a database error quotes the row it could
not store (``DETAIL: Key (resume_code)=(…)``, ``[parameters: …]``), so messages are withheld, and SQLAlchemy
hides statement parameters as well (``hide_parameters`` in the configuration).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from types import TracebackType
from typing import Any

from flask import Flask, Response, g, has_request_context, request

LOGGER_NAME = "surveyapp"
_HANDLER_MARK = "_surveyapp_handler"
# Respondents' and invitations' links carry a bearer token as their second path segment.
_SECRET_PATH = re.compile(r"^/(s|i)/[^/]+")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def safe_path(path: str) -> str:
    return _SECRET_PATH.sub(lambda m: f"/{m.group(1)}/<token>", path)


def safe_exception(exc_info: ExcInfo) -> str:
    """The stack frames and exception types of an error (its causes too), without any exception's message."""
    lines: list[str] = []
    error: BaseException | None = exc_info[1]
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = traceback.format_tb(error.__traceback__)
        lines[:0] = [*frames, f"{type(error).__module__}.{type(error).__qualname__}{_sqlstate(error)}\n"]
        error = error.__cause__ or error.__context__
        if error is not None:
            lines.insert(0, "(caused by the error below)\n")
    return "Traceback (messages withheld):\n" + "".join(lines).rstrip("\n")


def _sqlstate(error: BaseException) -> str:
    # The SQLSTATE says what kind of database error it was (23505 a duplicate key) without quoting any value.
    original = getattr(error, "orig", error)
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return f" (SQLSTATE {code})" if code else ""


class RequestContextFilter(logging.Filter):
    """Adds the request id, method and (token-free) path to every record made during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "-")
            record.method = request.method
            record.path = safe_path(request.path)
        else:
            record.request_id = record.method = record.path = "-"
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(method)s %(path)s: %(message)s")

    def formatException(self, ei: Any) -> str:
        return safe_exception(ei)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for the log collector of a production server."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "method": getattr(record, "method", "-"),
            "path": getattr(record, "path", "-"),
        }
        for extra in ("status", "duration_ms"):
            if hasattr(record, extra):
                entry[extra] = getattr(record, extra)
        if record.exc_info:
            entry["exception"] = safe_exception(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str, level: str) -> logging.Handler:
    """One handler on the app's logger tree, replaced (not added again) when another app is built."""
    logger = logging.getLogger(LOGGER_NAME)
    for old in [h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)]:
        logger.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    return handler


def init_app(app: Flask) -> None:
    configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    request_log = logging.getLogger(LOGGER_NAME + ".request")

    @app.before_request
    def assign_request_id() -> None:
        # A proxy's id (nginx $request_id) is kept, so its access log and ours can be matched line by line.
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-ID"] = request_id
            duration = round((time.perf_counter() - g.request_started) * 1000, 1)
            request_log.info(
                "%s %s", response.status_code, duration, extra={"status": response.status_code, "duration_ms": duration}
            )
        return response
