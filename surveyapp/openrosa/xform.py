"""The XForm of a published version, made by pyxform from the same rows as its XLSForm export.

ODK Collect keeps a form by its id and replaces it when the version changes, so the form id is the instrument
code alone (stable across versions) and the version is the platform's version string. The XLSForm export itself
names its form ``<instrument>_<version>`` because a person importing several versions into one platform must
tell them apart; here Collect must see them as one form.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from pyxform.xls2xform import convert

from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.questionnaire.xlsform import choice_rows, settings_row, survey_rows


@dataclass(frozen=True)
class XForm:
    xml: str
    md5: str  # what formList announces as hash="md5:...", so Collect fetches the form only when it changed


_CACHE: dict[str, XForm] = {}
_CACHE_MAX = 64
_lock = threading.Lock()


def xform_of(version: QuestionnaireVersion) -> XForm:
    """The XForm of ``version``, cached by its sha256: a published content never changes."""
    cached = _CACHE.get(version.sha256)
    if cached is not None:
        return cached
    settings = settings_row(version) | {"form_id": version.instrument}
    workbook = {
        "survey": survey_rows(version),
        "choices": choice_rows(version),
        "settings": [settings],
    }
    xml = convert(xlsform=workbook, form_name="data", pretty_print=False).xform
    made = XForm(xml=xml, md5=hashlib.md5(xml.encode("utf-8")).hexdigest())  # noqa: S324  # OpenRosa's hash
    with _lock:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[version.sha256] = made
    return made
