"""How the survey is conducted: consent or assent, the quality threshold, and the helplines shown."""

from __future__ import annotations

from typing import Any

from ..model import CONSENT_MODES, PARENTAL_CONSENT, Consent, Helpline
from ..text import LocalizedText
from ..yamlsource import Path_
from .reader import Reader


def consent(reader: Reader, data: Any, population: Any) -> Consent | None:
    if not isinstance(data, dict):
        if data is not None:
            reader.error(("consent",), None, "consent must be a mapping with mode and text", "")
        return None
    reader.check_keys(("consent",), data, ("mode", "parental_consent", "text"), None, "consent")
    mode = data.get("mode")
    if mode not in CONSENT_MODES:
        reader.error(("consent", "mode"), None, f"unknown consent mode {mode!r}", f"one of: {', '.join(CONSENT_MODES)}")
    parental = data.get("parental_consent")
    if mode == "child_assent" and parental not in PARENTAL_CONSENT:
        reader.error(
            ("consent", "parental_consent"),
            None,
            f"child_assent needs parental_consent: passive or active, got {parental!r}",
            "passive = parents may opt out; active = signed consent in advance",
        )
    if mode == "adult" and parental is not None:
        reader.error(
            ("consent", "parental_consent"),
            None,
            "parental_consent is only for child_assent",
            "remove it, or use mode: child_assent",
        )
    if population == "pupils" and mode != "child_assent":
        reader.error(
            ("consent", "mode"),
            None,
            "pupils are asked for assent, not adult consent",
            "write mode: child_assent and parental_consent: passive | active",
        )
    text = reader.text(("consent", "text"), data.get("text"), None, "consent text")
    return Consent(str(mode), text or LocalizedText(), parental if isinstance(parental, str) else None)


def quality(reader: Reader, data: Any) -> int | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        reader.error(("quality",), None, "quality must be a mapping", "e.g. quality: {min_seconds: 240}")
        return None
    reader.check_keys(("quality",), data, ("min_seconds",), None, "quality")
    seconds = data.get("min_seconds")
    if seconds is not None and (not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 1):
        reader.error(("quality", "min_seconds"), None, "min_seconds must be a positive integer", "e.g. 240")
        return None
    return seconds


def helplines(reader: Reader, data: Any) -> tuple[Helpline, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        reader.error(("helplines",), None, "helplines must be a list", '- {phone: "111", name: {kk: ..., ru: ...}}')
        return ()
    result = []
    for index, raw in enumerate(data):
        path: Path_ = ("helplines", index)
        if not isinstance(raw, dict):
            reader.error(path, None, "a helpline must be a mapping with phone and name", "")
            continue
        reader.check_keys(path, raw, ("phone", "name"), None, "a helpline")
        phone = raw.get("phone")
        if not isinstance(phone, str | int) or isinstance(phone, bool):
            reader.error((*path, "phone"), None, "helpline phone is missing", 'write phone: "111" (in quotes)')
            continue
        name = reader.text((*path, "name"), raw.get("name"), None, f"name of helpline {phone}")
        result.append(Helpline(str(phone), name or LocalizedText()))
    return tuple(result)
