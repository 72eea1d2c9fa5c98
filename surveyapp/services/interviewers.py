"""Interviewers' assignments to instruments, and the settings ODK Collect is configured with."""

from __future__ import annotations

import base64
import json
import zlib

from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Instrument, InterviewerAssignment, User


def assigned_instruments(user: User) -> list[Instrument]:
    return list(
        db.session.scalars(
            select(Instrument)
            .join(InterviewerAssignment, InterviewerAssignment.instrument_id == Instrument.id)
            .where(InterviewerAssignment.user_id == user.id)
            .order_by(Instrument.code)
        )
    )


def assigned_codes(user: User) -> list[str]:
    return [instrument.code for instrument in assigned_instruments(user)]


def is_assigned(user: User, instrument: Instrument) -> bool:
    return db.session.get(InterviewerAssignment, (user.id, instrument.id)) is not None


def collect_settings(server_url: str, username: str) -> tuple[str, str]:
    """The settings JSON and the string ODK Collect reads from a QR code: that JSON, zlib-compressed, base64.

    The password is left out on purpose: a QR code is photographed and passed around; it is typed on the device.
    """
    settings = json.dumps(
        {"general": {"server_url": server_url.rstrip("/"), "username": username}, "admin": {}},
        ensure_ascii=False,
    )
    return settings, base64.b64encode(zlib.compress(settings.encode("utf-8"))).decode("ascii")
