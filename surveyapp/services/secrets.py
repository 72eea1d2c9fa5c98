"""Secrets handed to respondents (link tokens, resume codes). Only their hashes are stored."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L, 5/S or 2/Z: a code read off a phone screen and typed on another device must not be misread.
RESUME_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
RESUME_LENGTH = 8


def new_token() -> str:
    return secrets.token_urlsafe(18)


def new_resume_code() -> str:
    return "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_LENGTH))


def format_resume_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise_resume_code(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
