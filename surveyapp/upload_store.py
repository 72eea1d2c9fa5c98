"""Uploaded files kept on the server between a preview and its confirmation, under a random token.

The preview page carries only the token, so the size of a margins, figures or sample file is bounded by
``UPLOAD_MAX_BYTES`` (the upload request) rather than by a form field. Each file lives in
``UPLOADS_DIR/<user id>/<token>/<its name>``: only the researcher who uploaded it can confirm it, and it is
deleted once stored or created, or after ``MAX_AGE`` (swept on every new upload). With web workers on several
machines ``UPLOADS_DIR`` must be a shared folder, as ``EXPORTS_DIR`` is.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path

from flask import Flask, current_app
from flask import Request as FlaskRequest

UPLOAD_BUFFER = 1024 * 1024  # bytes of the multipart parser's buffer allowed on the upload views
MAX_AGE = 3600  # seconds: a preview left longer than an hour is uploaded again
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
# The views that take a whole file (the staff's upload forms); every other request keeps MAX_CONTENT_LENGTH.
ENDPOINTS = {"workbench.margins_upload", "workbench.figures_upload", "workbench.invitations_upload"}


def _root() -> Path:
    return Path(current_app.config["UPLOADS_DIR"])


def _sweep(root: Path, now: float) -> None:
    if not root.is_dir():
        return
    for user_folder in root.iterdir():
        for entry in user_folder.iterdir() if user_folder.is_dir() else []:
            if now - entry.stat().st_mtime > MAX_AGE:
                shutil.rmtree(entry, ignore_errors=True)


def keep(user_id: int, name: str, data: bytes) -> str:
    """Store ``data`` under its (base) name for ``user_id``; the token that finds it again."""
    root = _root()
    _sweep(root, time.time())
    token = secrets.token_urlsafe(24)  # 32 characters
    folder = root / str(user_id) / token
    folder.mkdir(parents=True)
    (folder / Path(name).name).write_bytes(data)
    return token


def _folder(user_id: int, token: str) -> Path | None:
    if not TOKEN.fullmatch(token or ""):
        return None
    folder = _root() / str(user_id) / token
    return folder if folder.is_dir() else None


def fetch(user_id: int, token: str) -> tuple[str, bytes] | None:
    """(name, content) of the user's kept file; None when unknown, someone else's or older than an hour."""
    folder = _folder(user_id, token)
    if folder is None:
        return None
    if time.time() - folder.stat().st_mtime > MAX_AGE:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    files = [p for p in folder.iterdir() if p.is_file()]
    if len(files) != 1:
        return None
    return files[0].name, files[0].read_bytes()


def discard(user_id: int, token: str) -> None:
    folder = _folder(user_id, token)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


class UploadRequest(FlaskRequest):
    """A request whose size limit is ``UPLOAD_MAX_BYTES`` on the upload views, ``MAX_CONTENT_LENGTH`` elsewhere.

    Decided from the matched endpoint, before CSRF protection (or anything else) reads the body."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        if current_app and self.endpoint in ENDPOINTS:
            return int(current_app.config["UPLOAD_MAX_BYTES"])
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        # Werkzeug checks this limit against its parse buffer too, which a large file part fills past 64 KB.
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        limit = super().max_form_memory_size
        if current_app and self.endpoint in ENDPOINTS and limit is not None:
            return max(limit, UPLOAD_BUFFER)
        return limit

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value


def init_app(app: Flask) -> None:
    app.request_class = UploadRequest
